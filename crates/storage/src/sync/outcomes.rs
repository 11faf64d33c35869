//! Recording delivery outcomes in bulk.

use motcua_domain::ports::StoreError;
use sqlx::AnyConnection;

use crate::store_err;

/// Marks acknowledged messages delivered in one statement: `(id, ack, at)`. An acknowledgement is
/// the truth even for a message a stale claim meanwhile dead-lettered: it never stays dead after
/// the remote applied it.
pub(super) async fn mark_delivered(conn: &mut AnyConnection, rows: &[(i64, &str, i64)]) -> Result<(), StoreError> {
    let (mut acks, mut ats, mut ids) = (String::new(), String::new(), Vec::new());
    for i in 0..rows.len() {
        let (id, ack, at) = (3 * i + 1, 3 * i + 2, 3 * i + 3);
        acks.push_str(&format!(" WHEN ${id} THEN ${ack}"));
        ats.push_str(&format!(" WHEN ${id} THEN ${at}"));
        ids.push(format!("${id}"));
    }
    let sql = format!(
        "UPDATE sync_outbox SET status = 'delivered', ack_id = CASE id{acks} END, delivered_at = CASE id{ats} END,
           updated_at = CASE id{ats} END, locked_until = NULL, last_error = NULL
         WHERE id IN ({}) AND status <> 'delivered'",
        ids.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for (id, ack, at) in rows {
        q = q.bind(*id).bind(ack.to_string()).bind(*at);
    }
    q.execute(&mut *conn).await.map_err(store_err)?;
    Ok(())
}
