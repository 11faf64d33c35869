//! Sign-in with OpenID Connect: the sign-ins in flight (state, nonce and PKCE verifier, kept on the
//! server and taken once), citizens' sessions, a citizen's dossiers, and the staff account a
//! verified identity names.
//!
//! Only hashes of the `state` value and of session tokens are stored; both are random, so no salt
//! is needed. Expired rows are purged whenever a new one is written.

use chrono::{DateTime, Utc};
use motcua_domain::dossier::Dossier;
use motcua_domain::identity::ApplicantId;
use motcua_domain::ports::StoreError;
use sqlx::Row;

use crate::rows::{instant, ms};
use crate::{Backend, Db, store_err};

/// Who a sign-in is for: the citizen portal or the back office (each has its own provider).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Citizen,
    Staff,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Citizen => "citizen",
            Audience::Staff => "staff",
        }
    }
}

/// A sign-in in flight: what the provider's answer is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub nonce: String,
    pub pkce_verifier: String,
    pub expires_at: DateTime<Utc>,
}

/// A signed-in citizen, as the verified ID token named them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenSession {
    /// The identity number (CCCD) from the configured claim.
    pub id_number: ApplicantId,
    pub full_name: String,
    pub issuer: String,
    pub subject: String,
    pub expires_at: DateTime<Utc>,
}

/// A staff account found for a verified identity: its username, and whether it may sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMatch {
    pub username: String,
    pub active: bool,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("corrupt {what}: {e}"))
}

impl Db {
    /// Records a sign-in in flight under the hash of its `state`.
    pub async fn begin_sign_in(
        &self,
        state_hash: &str,
        audience: Audience,
        attempt: &Attempt,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        sqlx::query("DELETE FROM oidc_attempts WHERE expires_at <= $1")
            .bind(ms(now))
            .execute(w.conn())
            .await
            .map_err(store_err)?;
        sqlx::query(
            "INSERT INTO oidc_attempts (state_hash, audience, nonce, pkce_verifier, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(state_hash.to_string())
        .bind(audience.as_str())
        .bind(attempt.nonce.clone())
        .bind(attempt.pkce_verifier.clone())
        .bind(ms(now))
        .bind(ms(attempt.expires_at))
        .execute(w.conn())
        .await
        .map_err(store_err)?;
        w.commit().await
    }

    /// Takes (deletes and returns) the sign-in with this `state` hash for `audience`: a second
    /// call with the same state finds nothing. The caller checks the expiry.
    pub async fn take_sign_in(&self, state_hash: &str, audience: Audience) -> Result<Option<Attempt>, StoreError> {
        let mut w = self.write().await?;
        let row = sqlx::query(
            "DELETE FROM oidc_attempts WHERE state_hash = $1 AND audience = $2
             RETURNING nonce, pkce_verifier, expires_at",
        )
        .bind(state_hash.to_string())
        .bind(audience.as_str())
        .fetch_optional(w.conn())
        .await
        .map_err(store_err)?;
        w.commit().await?;
        row.map(|r| {
            Ok(Attempt {
                nonce: r.try_get("nonce").map_err(store_err)?,
                pkce_verifier: r.try_get("pkce_verifier").map_err(store_err)?,
                expires_at: instant(r.try_get("expires_at").map_err(store_err)?),
            })
        })
        .transpose()
    }

    /// Opens a citizen's session under the hash of its token.
    pub async fn create_citizen_session(
        &self,
        token_hash: &str,
        s: &CitizenSession,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        sqlx::query("DELETE FROM citizen_sessions WHERE expires_at <= $1")
            .bind(ms(now))
            .execute(w.conn())
            .await
            .map_err(store_err)?;
        sqlx::query(
            "INSERT INTO citizen_sessions (token_hash, id_number, full_name, issuer, subject, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(token_hash.to_string())
        .bind(s.id_number.as_str().to_string())
        .bind(s.full_name.clone())
        .bind(s.issuer.clone())
        .bind(s.subject.clone())
        .bind(ms(now))
        .bind(ms(s.expires_at))
        .execute(w.conn())
        .await
        .map_err(store_err)?;
        w.commit().await
    }

    /// The citizen whose session token hashes to `token_hash`, while it has not expired.
    pub async fn citizen_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<CitizenSession>, StoreError> {
        let row = sqlx::query(
            "SELECT id_number, full_name, issuer, subject, expires_at FROM citizen_sessions
             WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash.to_string())
        .bind(ms(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(store_err)?;
        row.map(|r| {
            let id: String = r.try_get("id_number").map_err(store_err)?;
            Ok(CitizenSession {
                id_number: ApplicantId::parse(&id).map_err(|e| corrupt("citizen session", e))?,
                full_name: r.try_get("full_name").map_err(store_err)?,
                issuer: r.try_get("issuer").map_err(store_err)?,
                subject: r.try_get("subject").map_err(store_err)?,
                expires_at: instant(r.try_get("expires_at").map_err(store_err)?),
            })
        })
        .transpose()
    }

    /// Ends a citizen's session (signing out); unknown tokens are ignored.
    pub async fn end_citizen_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        sqlx::query("DELETE FROM citizen_sessions WHERE token_hash = $1")
            .bind(token_hash.to_string())
            .execute(w.conn())
            .await
            .map_err(store_err)?;
        w.commit().await
    }

    /// The dossiers whose applicant is `id`, newest first (at most `limit`).
    pub async fn dossiers_of_applicant(&self, id: &ApplicantId, limit: u32) -> Result<Vec<Dossier>, StoreError> {
        let applicant = match self.backend() {
            Backend::Sqlite => "json_extract(data, '$.applicant.id_number')",
            Backend::Postgres => "(data::jsonb) #>> '{applicant,id_number}'",
        };
        let rows = sqlx::query(&format!("SELECT data FROM dossiers WHERE {applicant} = $1 ORDER BY id DESC LIMIT $2"))
            .bind(id.as_str().to_string())
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(store_err)?;
        rows.iter()
            .map(|r| {
                let data: String = r.try_get("data").map_err(store_err)?;
                serde_json::from_str(&data).map_err(|e| corrupt("dossier projection", e))
            })
            .collect()
    }

    /// The staff account whose username is `name` (compared without case), if any.
    pub async fn staff_for_sign_in(&self, name: &str) -> Result<Option<StaffMatch>, StoreError> {
        let row =
            sqlx::query("SELECT username, active FROM staff WHERE lower(username) = lower($1) ORDER BY id LIMIT 1")
                .bind(name.trim().to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(store_err)?;
        row.map(|r| {
            let active: i64 = r.try_get("active").map_err(store_err)?;
            Ok(StaffMatch { username: r.try_get("username").map_err(store_err)?, active: active != 0 })
        })
        .transpose()
    }
}
