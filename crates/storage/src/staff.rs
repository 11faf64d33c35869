//! Staff accounts and hashed API tokens. Only an active account's tokens are honoured.

use chrono::{DateTime, Utc};
use motcua_domain::ports::{StaffStore, StoreError};
use motcua_domain::staff::{Role, Staff, StaffAccount, StaffId};
use motcua_domain::unit::UnitCode;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::rows::ms;
use crate::{Db, store_err};

fn staff_from_row(r: &AnyRow) -> Result<Staff, StoreError> {
    let role: String = r.try_get("role").map_err(store_err)?;
    let unit: String = r.try_get("unit").map_err(store_err)?;
    Ok(Staff {
        id: StaffId(r.try_get("id").map_err(store_err)?),
        username: r.try_get("username").map_err(store_err)?,
        full_name: r.try_get("full_name").map_err(store_err)?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Backend(format!("unknown role {role}")))?,
        unit: UnitCode::parse(&unit).map_err(|e| StoreError::Backend(e.to_string()))?,
    })
}

const COLUMNS: &str = "s.id, s.username, s.full_name, s.role, s.unit";

/// The columns [`account_from_row`] reads.
pub(crate) const ACCOUNT_COLUMNS: &str = "s.id, s.username, s.full_name, s.role, s.unit, s.active";

pub(crate) fn account_from_row(r: &AnyRow) -> Result<StaffAccount, StoreError> {
    Ok(StaffAccount { staff: staff_from_row(r)?, active: crate::rows::int(r, "active")? != 0 })
}

/// Inserts an account on `conn` (inside the caller's write); returns its id.
pub(crate) async fn insert_staff(
    conn: &mut sqlx::AnyConnection,
    username: &str,
    full_name: &str,
    role: Role,
    unit: &UnitCode,
    password_hash: &str,
) -> Result<StaffId, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO staff (username, full_name, role, unit, password_hash) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(username.to_string())
    .bind(full_name.to_string())
    .bind(role.as_str())
    .bind(unit.as_str().to_string())
    .bind(password_hash.to_string())
    .fetch_one(conn)
    .await
    .map_err(store_err)?;
    Ok(StaffId(id))
}

impl StaffStore for Db {
    async fn create_staff(
        &self,
        username: &str,
        full_name: &str,
        role: Role,
        unit: &UnitCode,
        password_hash: &str,
    ) -> Result<Staff, StoreError> {
        let mut w = self.write().await?;
        let id = insert_staff(w.conn(), username, full_name, role, unit, password_hash).await?;
        w.commit().await?;
        Ok(Staff { id, username: username.into(), full_name: full_name.into(), role, unit: unit.clone() })
    }

    async fn staff_by_username(&self, username: &str) -> Result<Option<(Staff, String)>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS}, s.password_hash FROM staff s WHERE s.username = $1"))
            .bind(username.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_err)?;
        row.map(|r| Ok((staff_from_row(&r)?, r.try_get("password_hash").map_err(store_err)?))).transpose()
    }

    async fn staff_list(&self) -> Result<Vec<Staff>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM staff s ORDER BY s.unit, s.role, s.username"))
            .fetch_all(&self.pool)
            .await
            .map_err(store_err)?;
        rows.iter().map(staff_from_row).collect()
    }

    async fn create_token(&self, token_hash: &str, staff: &Staff, expires: DateTime<Utc>) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        sqlx::query("INSERT INTO api_tokens (token_hash, staff_id, expires_at) VALUES ($1, $2, $3)")
            .bind(token_hash.to_string())
            .bind(staff.id.0)
            .bind(ms(expires))
            .execute(w.conn())
            .await
            .map_err(store_err)?;
        w.commit().await
    }

    async fn staff_by_token(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Staff>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM api_tokens t JOIN staff s ON s.id = t.staff_id
             WHERE t.token_hash = $1 AND t.expires_at > $2 AND s.active = 1"
        ))
        .bind(token_hash.to_string())
        .bind(ms(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(store_err)?;
        row.as_ref().map(staff_from_row).transpose()
    }
}
