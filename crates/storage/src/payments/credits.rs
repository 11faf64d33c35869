//! Bank statement credits: what dossiers owe (for matching), recording an import's credits, and
//! turning each matched credit into a paid VietQR payment in the same transaction.

use chrono::{DateTime, Utc};
use motcua_domain::dossier::{Dossier, DossierCode, Status};
use motcua_domain::payment::statement::{Credit, Outcome, Owed};
use motcua_domain::payment::{Payment, PaymentError, PaymentMethod, PaymentRef, PaymentState, amount_due};
use motcua_domain::ports::{BankCredit, ExecuteError, ImportSummary, StoreError};
use motcua_domain::staff::Actor;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

use super::{append_event, corrupt, event, insert_payment, payments_of};
use crate::rows::ms;
use crate::{Db, store_err};

pub(super) async fn owed(db: &Db, unit: &str) -> Result<Vec<Owed>, StoreError> {
    let ended = [Status::Refused, Status::Withdrawn, Status::Stopped].map(|s| i64::from(s.code()));
    let rows = sqlx::query("SELECT data FROM dossiers WHERE handling_unit = $1 AND status NOT IN ($2, $3, $4)")
        .bind(unit.to_string())
        .bind(ended[0])
        .bind(ended[1])
        .bind(ended[2])
        .fetch_all(&db.pool)
        .await
        .map_err(store_err)?;
    let paid = sqlx::query(
        "SELECT dossier_code, CAST(SUM(amount) AS BIGINT) AS paid FROM payments WHERE unit = $1 AND state = 'paid'
         GROUP BY dossier_code",
    )
    .bind(unit.to_string())
    .fetch_all(&db.pool)
    .await
    .map_err(store_err)?;
    let mut paid_by: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    for r in paid {
        paid_by.insert(r.try_get("dossier_code").map_err(store_err)?, r.try_get("paid").map_err(store_err)?);
    }
    let mut out = Vec::new();
    for r in rows {
        let data: String = r.try_get("data").map_err(store_err)?;
        let d: Dossier = serde_json::from_str(&data).map_err(|e| corrupt("dossier projection", e))?;
        let due = d.fee_total() - paid_by.get(&d.code.to_string()).copied().unwrap_or(0);
        if due > 0 {
            out.push(Owed { dossier: d.code, due });
        }
    }
    Ok(out)
}

/// A payment reference derived from the credit, so a re-import can never pay twice.
fn reference_of(unit: &str, bank_ref: &str) -> PaymentRef {
    let digest = Sha256::digest(format!("{unit}|{bank_ref}"));
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    PaymentRef::generate(u64::from_be_bytes(first))
}

/// Pays `dossier` with the credit if it still owes exactly its amount; the payment made, or why not.
async fn pay(
    conn: &mut AnyConnection,
    for_update: &str,
    unit: &str,
    dossier: &DossierCode,
    c: &Credit,
    actor: &Actor,
    at: DateTime<Utc>,
) -> Result<Result<Payment, PaymentError>, StoreError> {
    let row = sqlx::query(&format!("SELECT data FROM dossiers WHERE code = $1{for_update}"))
        .bind(dossier.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(store_err)?
        .ok_or(StoreError::NotFound)?;
    let data: String = row.try_get("data").map_err(store_err)?;
    let d: Dossier = serde_json::from_str(&data).map_err(|e| corrupt("dossier projection", e))?;
    let existing = payments_of(conn, dossier).await?;
    match amount_due(&d, &existing) {
        Ok(due) if due == c.amount => {}
        Ok(due) => return Ok(Err(PaymentError::WrongAmount { expected: due, reported: c.amount })),
        Err(e) => return Ok(Err(e)),
    }
    let p = Payment {
        reference: reference_of(unit, &c.bank_ref),
        dossier: dossier.clone(),
        unit: d.handling_unit.as_str().to_string(),
        method: PaymentMethod::VietQr,
        amount: c.amount,
        state: PaymentState::Paid,
        order_info: c.memo.chars().take(255).collect(),
        gateway_txn: Some(c.bank_ref.clone()),
        created_at: at,
        updated_at: at,
        expires_at: at,
        paid_at: Some(at),
    };
    insert_payment(conn, &p, None).await?;
    append_event(conn, for_update, dossier, actor, at, event(&p)).await?;
    Ok(Ok(p))
}

/// An officer assigns an unresolved credit to `dossier`: it pays the dossier if it owes exactly
/// the credit's amount, and the credit is resolved.
pub(super) async fn resolve(
    db: &Db,
    unit: &str,
    id: i64,
    dossier: &DossierCode,
    actor: &Actor,
    at: DateTime<Utc>,
) -> Result<Payment, ExecuteError<PaymentError>> {
    let mut w = db.write().await?;
    let row = sqlx::query(&format!(
        "SELECT bank_ref, booked_on, amount, memo FROM bank_credits
         WHERE unit = $1 AND id = $2 AND status IN ('ambiguous', 'unmatched'){}",
        db.for_update()
    ))
    .bind(unit.to_string())
    .bind(id)
    .fetch_optional(w.conn())
    .await
    .map_err(store_err)?
    .ok_or(StoreError::NotFound)?;
    let booked: String = row.try_get("booked_on").map_err(store_err)?;
    let credit = Credit {
        line: 0,
        bank_ref: row.try_get("bank_ref").map_err(store_err)?,
        booked_on: booked.parse().map_err(|e| corrupt("credit date", e))?,
        amount: row.try_get("amount").map_err(store_err)?,
        memo: row.try_get("memo").map_err(store_err)?,
    };
    let p = match pay(w.conn(), db.for_update(), unit, dossier, &credit, actor, at).await? {
        Ok(p) => p,
        Err(e) => {
            w.rollback().await;
            return Err(ExecuteError::Rejected(e));
        }
    };
    sqlx::query("UPDATE bank_credits SET status = 'resolved', payment_ref = $1, candidates = $2 WHERE id = $3")
        .bind(p.reference.to_string())
        .bind(dossier.to_string())
        .bind(id)
        .execute(w.conn())
        .await
        .map_err(store_err)?;
    w.commit().await?;
    Ok(p)
}

pub(super) async fn import(
    db: &Db,
    unit: &str,
    items: &[(Credit, Outcome)],
    at: DateTime<Utc>,
) -> Result<ImportSummary, StoreError> {
    let mut summary = ImportSummary::default();
    for (c, outcome) in items {
        let mut w = db.write().await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM bank_credits WHERE unit = $1 AND bank_ref = $2")
            .bind(unit.to_string())
            .bind(c.bank_ref.clone())
            .fetch_optional(w.conn())
            .await
            .map_err(store_err)?;
        if exists.is_some() {
            w.rollback().await;
            summary.duplicates += 1;
            continue;
        }
        let (status, payment, candidates) = match outcome {
            Outcome::Matched(code) => match pay(w.conn(), db.for_update(), unit, code, c, &Actor::System, at).await? {
                Ok(p) => ("matched", Some(p.reference.to_string()), code.to_string()),
                Err(_) => ("unmatched", None, format!("{code}: amount no longer owed")),
            },
            Outcome::Ambiguous(codes) => {
                ("ambiguous", None, codes.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))
            }
            Outcome::Unmatched(reason) => ("unmatched", None, (*reason).to_string()),
        };
        match status {
            "matched" => summary.matched += 1,
            "ambiguous" => summary.ambiguous += 1,
            _ => summary.unmatched += 1,
        }
        sqlx::query(
            "INSERT INTO bank_credits (unit, bank_ref, booked_on, amount, memo, status, payment_ref, candidates, imported_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(unit.to_string())
        .bind(c.bank_ref.clone())
        .bind(c.booked_on.to_string())
        .bind(c.amount)
        .bind(c.memo.clone())
        .bind(status.to_string())
        .bind(payment)
        .bind(candidates)
        .bind(ms(at))
        .execute(w.conn())
        .await
        .map_err(store_err)?;
        w.commit().await?;
    }
    Ok(summary)
}

pub(super) async fn list(db: &Db, unit: &str, open_only: bool) -> Result<Vec<BankCredit>, StoreError> {
    let filter = if open_only { " AND status IN ('ambiguous', 'unmatched')" } else { "" };
    let rows = sqlx::query(&format!(
        "SELECT id, bank_ref, booked_on, amount, memo, status, payment_ref, candidates FROM bank_credits
         WHERE unit = $1{filter} ORDER BY id"
    ))
    .bind(unit.to_string())
    .fetch_all(&db.pool)
    .await
    .map_err(store_err)?;
    rows.iter()
        .map(|r| {
            Ok(BankCredit {
                id: r.try_get("id").map_err(store_err)?,
                bank_ref: r.try_get("bank_ref").map_err(store_err)?,
                booked_on: r.try_get("booked_on").map_err(store_err)?,
                amount: r.try_get("amount").map_err(store_err)?,
                memo: r.try_get("memo").map_err(store_err)?,
                status: r.try_get("status").map_err(store_err)?,
                payment: r.try_get("payment_ref").map_err(store_err)?,
                candidates: r.try_get("candidates").map_err(store_err)?,
            })
        })
        .collect()
}
