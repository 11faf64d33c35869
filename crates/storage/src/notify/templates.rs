//! Units' own notice templates (`notify_templates`) and citizens' channel orders
//! (`notify_preferences`).

use chrono::{DateTime, Utc};
use motcua_domain::identity::ApplicantId;
use motcua_domain::notify::outbox::{TemplateStore, UnitTemplate};
use motcua_domain::notify::template::Template;
use motcua_domain::notify::{ChannelOrder, NoticeKind};
use motcua_domain::ports::StoreError;
use motcua_domain::unit::UnitCode;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::corrupt;
use crate::rows::{Params, instant, int, ms};
use crate::{Db, store_err};

/// The channel order of `citizen`, read inside a change's transaction.
pub(super) async fn order_of(conn: &mut AnyConnection, citizen: &str) -> Result<Option<ChannelOrder>, StoreError> {
    let s: Option<String> = sqlx::query_scalar("SELECT channels FROM notify_preferences WHERE citizen_id = $1")
        .bind(citizen.to_string())
        .fetch_optional(conn)
        .await
        .map_err(store_err)?;
    s.map(|s| ChannelOrder::parse(&s).map_err(|e| corrupt("channel order", e))).transpose()
}

fn unit_template(r: &AnyRow) -> Result<UnitTemplate, StoreError> {
    let kind: String = r.try_get("kind").map_err(store_err)?;
    let get = |c: &str| r.try_get::<String, _>(c).map_err(store_err);
    Ok(UnitTemplate {
        unit: get("unit_code")?,
        kind: NoticeKind::parse(&kind).ok_or_else(|| corrupt("notice kind", &kind))?,
        template: Template { subject: get("subject")?, body: get("body")?, sms: get("sms")? },
        updated_by: get("updated_by")?,
        updated_at: instant(int(r, "updated_at")?),
    })
}

const COLUMNS: &str = "unit_code, kind, subject, body, sms, updated_by, updated_at";

impl TemplateStore for Db {
    async fn unit_templates(&self, unit: &UnitCode) -> Result<Vec<UnitTemplate>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM notify_templates WHERE unit_code = $1 ORDER BY kind");
        let rows = sqlx::query(&sql).bind(unit.as_str().to_string()).fetch_all(&self.pool).await.map_err(store_err)?;
        rows.iter().map(unit_template).collect()
    }

    async fn templates_of(&self, units: &[String]) -> Result<Vec<UnitTemplate>, StoreError> {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let mut p = Params::default();
        let list: Vec<String> = units.iter().map(|u| p.text(u.clone())).collect();
        // A commune without its own template of a kind uses its province's: the province's rows
        // come first, so the commune's own, read later, replace them.
        let sql = format!(
            "SELECT u.code AS unit_code, t.kind, t.subject, t.body, t.sms, t.updated_by, t.updated_at
             FROM units u JOIN notify_templates t ON t.unit_code = u.code OR t.unit_code = u.parent
             WHERE u.code IN ({})
             ORDER BY u.code, t.kind, CASE WHEN t.unit_code = u.code THEN 1 ELSE 0 END",
            list.join(", ")
        );
        let rows = p.apply(sqlx::query(&sql)).fetch_all(&self.pool).await.map_err(store_err)?;
        let mut out: Vec<UnitTemplate> = Vec::new();
        for r in &rows {
            let t = unit_template(r)?;
            match out.last_mut() {
                Some(last) if last.unit == t.unit && last.kind == t.kind => *last = t,
                _ => out.push(t),
            }
        }
        Ok(out)
    }

    async fn save_template(&self, t: &UnitTemplate) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO notify_templates (unit_code, kind, subject, body, sms, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (unit_code, kind) DO UPDATE SET subject = excluded.subject, body = excluded.body,
               sms = excluded.sms, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(t.unit.clone())
        .bind(t.kind.as_str())
        .bind(t.template.subject.clone())
        .bind(t.template.body.clone())
        .bind(t.template.sms.clone())
        .bind(t.updated_by.clone())
        .bind(ms(t.updated_at))
        .execute(w.conn())
        .await
        .map_err(store_err)?;
        w.commit().await
    }

    async fn reset_template(&self, unit: &UnitCode, kind: NoticeKind) -> Result<bool, StoreError> {
        let mut w = self.write().await?;
        let done = sqlx::query("DELETE FROM notify_templates WHERE unit_code = $1 AND kind = $2")
            .bind(unit.as_str().to_string())
            .bind(kind.as_str())
            .execute(w.conn())
            .await
            .map_err(store_err)?;
        w.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    async fn channel_order(&self, citizen: &ApplicantId) -> Result<Option<ChannelOrder>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(store_err)?;
        order_of(&mut conn, citizen.as_str()).await
    }

    async fn set_channel_order(
        &self,
        citizen: &ApplicantId,
        order: &ChannelOrder,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO notify_preferences (citizen_id, channels, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (citizen_id) DO UPDATE SET channels = excluded.channels, updated_at = excluded.updated_at",
        )
        .bind(citizen.as_str().to_string())
        .bind(order.as_string())
        .bind(ms(at))
        .execute(w.conn())
        .await
        .map_err(store_err)?;
        w.commit().await
    }
}
