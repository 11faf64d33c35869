//! Payments of dossier fees: each state change is written with a `PaymentRecorded` event on the
//! dossier's hash chain in one transaction. The payment row is read under a lock (`FOR UPDATE` on
//! PostgreSQL; SQLite has one writer), so concurrent duplicate gateway reports change it once.

use chrono::{DateTime, Utc};
use motcua_domain::dossier::{Dossier, DossierCode};
use motcua_domain::payment::{
    Payment, PaymentError, PaymentMethod, PaymentRef, PaymentState, Report, Settlement, amount_due, settle,
};
use motcua_domain::ports::{DueCheck, ExecuteError, Mismatch, NewPayment, PaymentStore, Recorded, StoreError};
use motcua_domain::staff::Actor;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::rows::{instant, ms};
use crate::{Db, store_err};

mod chain;
mod credits;

use chain::{append_event, event};

const COLUMNS: &str = "reference, dossier_code, unit, method, amount, state, order_info, gateway_txn, created_at, \
                       updated_at, expires_at, paid_at";

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("corrupt {what}: {e}"))
}

fn payment_from_row(r: &AnyRow) -> Result<Payment, StoreError> {
    let text = |c: &str| r.try_get::<String, _>(c).map_err(store_err);
    let int = |c: &str| r.try_get::<i64, _>(c).map_err(store_err);
    let method = text("method")?;
    let state = text("state")?;
    Ok(Payment {
        reference: PaymentRef::parse(&text("reference")?).map_err(|e| corrupt("payment", e))?,
        dossier: DossierCode::parse(&text("dossier_code")?).map_err(|e| corrupt("payment", e))?,
        unit: text("unit")?,
        method: PaymentMethod::parse(&method).ok_or_else(|| corrupt("payment method", &method))?,
        amount: int("amount")?,
        state: PaymentState::parse(&state).ok_or_else(|| corrupt("payment state", &state))?,
        order_info: text("order_info")?,
        gateway_txn: r.try_get("gateway_txn").map_err(store_err)?,
        created_at: instant(int("created_at")?),
        updated_at: instant(int("updated_at")?),
        expires_at: instant(int("expires_at")?),
        paid_at: r.try_get::<Option<i64>, _>("paid_at").map_err(store_err)?.map(instant),
    })
}

async fn payments_of(conn: &mut AnyConnection, code: &DossierCode) -> Result<Vec<Payment>, StoreError> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM payments WHERE dossier_code = $1 ORDER BY id"))
        .bind(code.to_string())
        .fetch_all(conn)
        .await
        .map_err(store_err)?;
    rows.iter().map(payment_from_row).collect()
}

async fn insert_payment(
    conn: &mut AnyConnection,
    p: &Payment,
    first_check: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO payments (reference, dossier_code, unit, method, amount, state, order_info, gateway_txn, created_at,
           updated_at, expires_at, paid_at, next_check_at, checks)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 0)",
    )
    .bind(p.reference.to_string())
    .bind(p.dossier.to_string())
    .bind(p.unit.clone())
    .bind(p.method.as_str().to_string())
    .bind(p.amount)
    .bind(p.state.as_str().to_string())
    .bind(p.order_info.clone())
    .bind(p.gateway_txn.clone())
    .bind(ms(p.created_at))
    .bind(ms(p.updated_at))
    .bind(ms(p.expires_at))
    .bind(p.paid_at.map(ms))
    .bind(first_check.map(ms))
    .execute(conn)
    .await
    .map_err(store_err)?;
    Ok(())
}

impl PaymentStore for Db {
    async fn open_payment(&self, n: NewPayment) -> Result<Payment, ExecuteError<PaymentError>> {
        let mut w = self.write().await?;
        // Lock the dossier first so two openings for one dossier see each other's payments.
        let row = sqlx::query(&format!("SELECT data FROM dossiers WHERE code = $1{}", self.for_update()))
            .bind(n.dossier.to_string())
            .fetch_optional(w.conn())
            .await
            .map_err(store_err)?
            .ok_or(StoreError::NotFound)?;
        let data: String = row.try_get("data").map_err(store_err)?;
        let dossier: Dossier = serde_json::from_str(&data).map_err(|e| corrupt("dossier projection", e))?;
        let existing = payments_of(w.conn(), &n.dossier).await?;
        let amount = match amount_due(&dossier, &existing) {
            Ok(a) => a,
            Err(e) => {
                w.rollback().await;
                return Err(ExecuteError::Rejected(e));
            }
        };
        let payment = Payment {
            reference: n.reference,
            dossier: n.dossier,
            unit: dossier.handling_unit.as_str().to_string(),
            method: n.method,
            amount,
            state: PaymentState::Pending,
            order_info: n.order_info,
            gateway_txn: None,
            created_at: n.at,
            updated_at: n.at,
            expires_at: n.expires_at,
            paid_at: None,
        };
        insert_payment(w.conn(), &payment, n.first_check_at).await?;
        append_event(w.conn(), self.for_update(), &payment.dossier, &n.actor, n.at, event(&payment)).await?;
        w.commit().await?;
        Ok(payment)
    }

    async fn payment(&self, reference: &PaymentRef) -> Result<Option<Payment>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM payments WHERE reference = $1"))
            .bind(reference.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_err)?;
        row.as_ref().map(payment_from_row).transpose()
    }

    async fn dossier_payments(&self, code: &DossierCode) -> Result<Vec<Payment>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(store_err)?;
        payments_of(&mut conn, code).await
    }

    async fn report(
        &self,
        reference: &PaymentRef,
        report: &Report,
        actor: &Actor,
    ) -> Result<Recorded, ExecuteError<PaymentError>> {
        let mut w = self.write().await?;
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM payments WHERE reference = $1{}", self.for_update()))
            .bind(reference.to_string())
            .fetch_optional(w.conn())
            .await
            .map_err(store_err)?;
        let Some(row) = row else {
            w.rollback().await;
            return Err(StoreError::NotFound.into());
        };
        let mut p = payment_from_row(&row)?;
        let to = match settle(&p, report) {
            Ok(Settlement::Move(to)) => to,
            Ok(Settlement::Unchanged) => {
                w.rollback().await;
                return Ok(Recorded::Unchanged(p));
            }
            Err(e) => {
                w.rollback().await;
                return Err(ExecuteError::Rejected(e));
            }
        };
        p.state = to;
        p.updated_at = report.at;
        if report.gateway_txn.is_some() {
            p.gateway_txn = report.gateway_txn.clone();
        }
        if to == PaymentState::Paid {
            p.paid_at = Some(report.at);
        }
        // A paid payment needs no more checks; a failed or expired one may still turn paid
        // (its IPN or a statement line), but nobody polls for it.
        sqlx::query(
            "UPDATE payments SET state = $1, updated_at = $2, gateway_txn = $3, paid_at = $4, next_check_at = NULL
             WHERE reference = $5",
        )
        .bind(to.as_str().to_string())
        .bind(ms(report.at))
        .bind(p.gateway_txn.clone())
        .bind(p.paid_at.map(ms))
        .bind(reference.to_string())
        .execute(w.conn())
        .await
        .map_err(store_err)?;
        append_event(w.conn(), self.for_update(), &p.dossier, actor, report.at, event(&p)).await?;
        w.commit().await?;
        Ok(Recorded::Moved(p))
    }

    async fn due_checks(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<DueCheck>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS}, checks FROM payments WHERE next_check_at IS NOT NULL AND next_check_at <= $1
             ORDER BY next_check_at, id LIMIT $2"
        ))
        .bind(ms(now))
        .bind(i64::from(limit.clamp(1, 1000)))
        .fetch_all(&self.pool)
        .await
        .map_err(store_err)?;
        rows.iter()
            .map(|r| {
                let checks: i64 = r.try_get("checks").map_err(store_err)?;
                Ok(DueCheck { payment: payment_from_row(r)?, checks: u32::try_from(checks).unwrap_or(u32::MAX) })
            })
            .collect()
    }

    async fn schedule_check(
        &self,
        reference: &PaymentRef,
        next: Option<DateTime<Utc>>,
        error: Option<String>,
    ) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        // Only while still open: a report that settled it meanwhile has cleared the schedule.
        sqlx::query(
            "UPDATE payments SET next_check_at = $1, checks = checks + 1, last_check_error = $2
             WHERE reference = $3 AND state IN ('created', 'pending')",
        )
        .bind(next.map(ms))
        .bind(error)
        .bind(reference.to_string())
        .execute(w.conn())
        .await
        .map_err(store_err)?;
        w.commit().await
    }

    async fn record_mismatch(&self, m: &Mismatch) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO payment_mismatches (reference, source, ours, theirs, detail, at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(m.reference.clone())
        .bind(m.source.clone())
        .bind(m.ours.clone())
        .bind(m.theirs.clone())
        .bind(m.detail.clone())
        .bind(ms(m.at))
        .execute(w.conn())
        .await
        .map_err(store_err)?;
        w.commit().await
    }

    async fn owed(&self, unit: &str) -> Result<Vec<motcua_domain::payment::statement::Owed>, StoreError> {
        credits::owed(self, unit).await
    }

    async fn import_credits(
        &self,
        unit: &str,
        items: &[(motcua_domain::payment::statement::Credit, motcua_domain::payment::statement::Outcome)],
        at: DateTime<Utc>,
    ) -> Result<motcua_domain::ports::ImportSummary, StoreError> {
        credits::import(self, unit, items, at).await
    }

    async fn resolve_credit(
        &self,
        unit: &str,
        id: i64,
        dossier: &DossierCode,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Result<Payment, ExecuteError<PaymentError>> {
        credits::resolve(self, unit, id, dossier, actor, at).await
    }

    async fn bank_credits(
        &self,
        unit: &str,
        open_only: bool,
    ) -> Result<Vec<motcua_domain::ports::BankCredit>, StoreError> {
        credits::list(self, unit, open_only).await
    }

    async fn mismatches(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Mismatch>, StoreError> {
        let rows = sqlx::query(
            "SELECT reference, source, ours, theirs, detail, at FROM payment_mismatches
             WHERE at >= $1 AND at < $2 ORDER BY at, id",
        )
        .bind(ms(from))
        .bind(ms(to))
        .fetch_all(&self.pool)
        .await
        .map_err(store_err)?;
        rows.iter()
            .map(|r| {
                let text = |c: &str| r.try_get::<String, _>(c).map_err(store_err);
                Ok(Mismatch {
                    reference: text("reference")?,
                    source: text("source")?,
                    ours: text("ours")?,
                    theirs: text("theirs")?,
                    detail: text("detail")?,
                    at: instant(r.try_get("at").map_err(store_err)?),
                })
            })
            .collect()
    }
}
