//! Administration changes and their audit trail: each change (an account created or edited, a
//! unit, a procedure, a calendar amendment) runs in one write with the record of who made it,
//! when, and the values before and after, read in that same transaction. Ending an account's
//! sessions (deleting its tokens) is part of the edit that disables or re-roles it.

use chrono::{DateTime, Utc};
use motcua_domain::audit::{AdminChange, AuditKind, AuditRecord};
use motcua_domain::ports::{AdminStore, StoreError};
use motcua_domain::staff::{Staff, StaffAccount, StaffId};
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::catalog::{UNIT_COLUMNS, unit_from_row, upsert_procedure, upsert_unit};
use crate::rows::{instant, int, ms};
use crate::staff::{ACCOUNT_COLUMNS, account_from_row, insert_staff};
use crate::{Db, store_err};

fn bad(e: serde_json::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

async fn account_on(conn: &mut AnyConnection, id: StaffId) -> Result<Option<StaffAccount>, StoreError> {
    let row = sqlx::query(&format!("SELECT {ACCOUNT_COLUMNS} FROM staff s WHERE s.id = $1"))
        .bind(id.0)
        .fetch_optional(conn)
        .await
        .map_err(store_err)?;
    row.as_ref().map(account_from_row).transpose()
}

/// What a change did: its kind, subject, and the values before and after.
type Applied = (AuditKind, String, Option<Value>, Option<Value>);

async fn apply(conn: &mut AnyConnection, change: &AdminChange) -> Result<Applied, StoreError> {
    Ok(match change {
        AdminChange::CreateStaff { username, full_name, role, unit, password_hash } => {
            let id = insert_staff(conn, username, full_name, *role, unit, password_hash).await?;
            let after = account_on(conn, id).await?.ok_or(StoreError::NotFound)?;
            (AuditKind::StaffCreated, username.clone(), None, Some(serde_json::to_value(&after).map_err(bad)?))
        }
        AdminChange::EditStaff { id, edit } => {
            let before = account_on(conn, *id).await?.ok_or(StoreError::NotFound)?;
            sqlx::query("UPDATE staff SET full_name = $1, role = $2, unit = $3, active = $4 WHERE id = $5")
                .bind(edit.full_name.trim().to_string())
                .bind(edit.role.as_str())
                .bind(edit.unit.as_str().to_string())
                .bind(i64::from(edit.active))
                .bind(id.0)
                .execute(&mut *conn)
                .await
                .map_err(store_err)?;
            if edit.revokes_sessions(&before) {
                sqlx::query("DELETE FROM api_tokens WHERE staff_id = $1")
                    .bind(id.0)
                    .execute(&mut *conn)
                    .await
                    .map_err(store_err)?;
            }
            let after = account_on(conn, *id).await?.ok_or(StoreError::NotFound)?;
            let kind = AuditKind::of_staff_edit(before.active, after.active);
            (
                kind,
                before.staff.username.clone(),
                Some(serde_json::to_value(&before).map_err(bad)?),
                Some(serde_json::to_value(&after).map_err(bad)?),
            )
        }
        AdminChange::SaveUnit(unit) => {
            let row = sqlx::query(&format!("SELECT {UNIT_COLUMNS} FROM units WHERE code = $1"))
                .bind(unit.code.as_str().to_string())
                .fetch_optional(&mut *conn)
                .await
                .map_err(store_err)?;
            let before = row
                .as_ref()
                .map(unit_from_row)
                .transpose()?
                .map(|u| serde_json::to_value(&u))
                .transpose()
                .map_err(bad)?;
            upsert_unit(conn, unit).await?;
            (AuditKind::UnitEdited, unit.code.to_string(), before, Some(serde_json::to_value(unit).map_err(bad)?))
        }
        AdminChange::SaveProcedure(p) => {
            let data: Option<String> = sqlx::query_scalar("SELECT data FROM procedures WHERE code = $1")
                .bind(p.code.as_str().to_string())
                .fetch_optional(&mut *conn)
                .await
                .map_err(store_err)?;
            let before =
                data.map(|d| serde_json::from_str(&d)).transpose().map_err(|e| StoreError::Backend(e.to_string()))?;
            upsert_procedure(conn, p).await?;
            (AuditKind::ProcedureEdited, p.code.to_string(), before, Some(serde_json::to_value(p).map_err(bad)?))
        }
        AdminChange::AddAmendment(a) => {
            crate::calendar::insert_amendment(conn, a).await?;
            (AuditKind::CalendarAmended, a.date.to_string(), None, Some(serde_json::to_value(a).map_err(bad)?))
        }
    })
}

fn text_of(v: &Option<Value>) -> Option<String> {
    v.as_ref().map(Value::to_string)
}

fn parse_json(s: Option<String>) -> Result<Option<Value>, StoreError> {
    s.map(|s| serde_json::from_str(&s)).transpose().map_err(|e| StoreError::Backend(format!("corrupt audit row: {e}")))
}

fn record_from_row(r: &AnyRow) -> Result<AuditRecord, StoreError> {
    let kind: String = r.try_get("kind").map_err(store_err)?;
    let actor_id: Option<i64> = r.try_get("actor_id").map_err(store_err)?;
    Ok(AuditRecord {
        id: int(r, "id")?,
        at: instant(int(r, "at")?),
        actor_id: actor_id.map(StaffId),
        actor: r.try_get("actor").map_err(store_err)?,
        kind: AuditKind::parse(&kind).ok_or_else(|| StoreError::Backend(format!("unknown audit kind {kind}")))?,
        subject: r.try_get("subject").map_err(store_err)?,
        before: parse_json(r.try_get("before_json").map_err(store_err)?)?,
        after: parse_json(r.try_get("after_json").map_err(store_err)?)?,
    })
}

impl AdminStore for Db {
    async fn administer(
        &self,
        change: &AdminChange,
        actor: &Staff,
        at: DateTime<Utc>,
    ) -> Result<AuditRecord, StoreError> {
        let mut w = self.write().await?;
        let (kind, subject, before, after) = apply(w.conn(), change).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO admin_audit (at, actor_id, actor, kind, subject, before_json, after_json)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(ms(at))
        .bind(actor.id.0)
        .bind(actor.username.clone())
        .bind(kind.as_str())
        .bind(subject.clone())
        .bind(text_of(&before))
        .bind(text_of(&after))
        .fetch_one(w.conn())
        .await
        .map_err(store_err)?;
        w.commit().await?;
        let actor_id = Some(actor.id);
        Ok(AuditRecord { id, at, actor_id, actor: actor.username.clone(), kind, subject, before, after })
    }

    async fn audit_log(&self, kind: Option<AuditKind>, limit: u32) -> Result<Vec<AuditRecord>, StoreError> {
        const COLUMNS: &str = "id, at, actor_id, actor, kind, subject, before_json, after_json";
        let rows = match kind {
            Some(k) => {
                sqlx::query(&format!("SELECT {COLUMNS} FROM admin_audit WHERE kind = $1 ORDER BY id DESC LIMIT $2"))
                    .bind(k.as_str())
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
            }
            None => {
                sqlx::query(&format!("SELECT {COLUMNS} FROM admin_audit ORDER BY id DESC LIMIT $1"))
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
            }
        }
        .map_err(store_err)?;
        rows.iter().map(record_from_row).collect()
    }

    async fn staff_accounts(&self) -> Result<Vec<StaffAccount>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {ACCOUNT_COLUMNS} FROM staff s ORDER BY s.unit, s.role, s.username"))
            .fetch_all(&self.pool)
            .await
            .map_err(store_err)?;
        rows.iter().map(account_from_row).collect()
    }

    async fn staff_account(&self, id: StaffId) -> Result<Option<StaffAccount>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(store_err)?;
        account_on(&mut conn, id).await
    }
}
