//! PAKN storage: the `petitions` projection, its `petition_events`, and the per-unit daily
//! counter `petition_sequences`, written together in one transaction.

use chrono::{DateTime, FixedOffset, Utc};
use motcua_domain::dossier::SecretHash;
use motcua_domain::pakn::{PaknError, Petition, PetitionCode, PetitionEvent, PetitionRecord, PetitionStatus};
use motcua_domain::ports::{ExecuteError, PetitionCreation, PetitionFilter, PetitionStore, StoreError};
use motcua_domain::staff::Actor;
use motcua_domain::unit::UnitCode;
use sqlx::{AnyConnection, Row};

use crate::rows::{Params, instant, ms};
use crate::{Db, store_err};

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("corrupt {what}: {e}"))
}

fn json(v: serde_json::Result<String>) -> Result<String, StoreError> {
    v.map_err(|e| StoreError::Backend(e.to_string()))
}

fn parse(data: &str) -> Result<Petition, StoreError> {
    serde_json::from_str(data).map_err(|e| corrupt("petition projection", e))
}

fn local_day(at: DateTime<Utc>) -> chrono::NaiveDate {
    at.with_timezone(&FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")).date_naive()
}

async fn append(
    conn: &mut AnyConnection,
    p: &Petition,
    seq: i64,
    at: DateTime<Utc>,
    actor: &Actor,
    ev: &PetitionEvent,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO petition_events (code, seq, at, actor, kind, data) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(p.code.to_string())
        .bind(seq)
        .bind(ms(at))
        .bind(actor.label())
        .bind(ev.name())
        .bind(json(serde_json::to_string(ev))?)
        .execute(conn)
        .await
        .map_err(store_err)?;
    Ok(())
}

impl PetitionStore for Db {
    async fn create_petition(&self, c: PetitionCreation) -> Result<Petition, StoreError> {
        let PetitionEvent::Submitted { petition, .. } = &c.submission else {
            return Err(StoreError::Conflict("a petition starts with its submission".into()));
        };
        let unit = petition.unit.clone();
        let mut w = self.write().await?;
        let row = sqlx::query("SELECT parent FROM units WHERE code = $1")
            .bind(unit.as_str().to_string())
            .fetch_optional(w.conn())
            .await
            .map_err(store_err)?
            .ok_or(StoreError::NotFound)?;
        let parent: Option<String> = row.try_get("parent").map_err(store_err)?;
        let province = parent.unwrap_or_else(|| unit.as_str().to_string());
        let day = local_day(c.at);
        // Incremented in this transaction: a rollback takes the number back (no gaps) and the
        // row lock serialises concurrent submissions (no duplicates).
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO petition_sequences (unit, day, last) VALUES ($1, $2, 1)
             ON CONFLICT (unit, day) DO UPDATE SET last = petition_sequences.last + 1 RETURNING last",
        )
        .bind(unit.as_str().to_string())
        .bind(day.to_string())
        .fetch_one(w.conn())
        .await
        .map_err(store_err)?;
        let code = PetitionCode::new(unit.clone(), day, u32::try_from(seq).map_err(|e| corrupt("sequence", e))?);
        let p =
            Petition::open(code, c.at, &c.submission).ok_or_else(|| StoreError::Backend("not a submission".into()))?;
        sqlx::query(
            "INSERT INTO petitions (code, unit, province, status, submitted_at, settle_due, ended_at, secret_hash, data)
             VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8)",
        )
        .bind(p.code.to_string())
        .bind(unit.as_str().to_string())
        .bind(province)
        .bind(p.status.as_str())
        .bind(ms(p.submitted_at))
        .bind(ms(p.settle_due))
        .bind(c.secret.as_str().to_string())
        .bind(json(serde_json::to_string(&p))?)
        .execute(w.conn())
        .await
        .map_err(store_err)?;
        append(w.conn(), &p, 1, c.at, &Actor::Citizen, &c.submission).await?;
        w.commit().await?;
        Ok(p)
    }

    async fn execute_petition<F>(
        &self,
        code: &PetitionCode,
        actor: &Actor,
        at: DateTime<Utc>,
        decide: F,
    ) -> Result<Petition, ExecuteError<PaknError>>
    where
        F: FnOnce(&Petition) -> Result<PetitionEvent, PaknError> + Send,
    {
        let mut w = self.write().await?;
        let sql = format!("SELECT data FROM petitions WHERE code = $1{}", self.for_update());
        let row = sqlx::query(&sql).bind(code.to_string()).fetch_optional(w.conn()).await.map_err(store_err)?;
        let Some(row) = row else {
            w.rollback().await;
            return Err(StoreError::NotFound.into());
        };
        let current = parse(&row.try_get::<String, _>("data").map_err(store_err)?)?;
        let event = match decide(&current) {
            Ok(e) => e,
            Err(e) => {
                w.rollback().await;
                return Err(ExecuteError::Rejected(e));
            }
        };
        let seq: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM petition_events WHERE code = $1")
            .bind(code.to_string())
            .fetch_one(w.conn())
            .await
            .map_err(store_err)?;
        let next = current.evolve(at, &event);
        append(w.conn(), &next, seq, at, actor, &event).await?;
        crate::notify::enqueue_petition(w.conn(), &next, u32::try_from(seq).unwrap_or(u32::MAX), at, &event).await?;
        // `unit` changes on a transfer; the province stays (transfers stay within it).
        sqlx::query(
            "UPDATE petitions SET status = $1, settle_due = $2, ended_at = $3, data = $4, unit = $5 WHERE code = $6",
        )
        .bind(next.status.as_str())
        .bind(ms(next.settle_due))
        .bind(next.ended_at.map(ms))
        .bind(json(serde_json::to_string(&next))?)
        .bind(next.unit.as_str().to_string())
        .bind(code.to_string())
        .execute(w.conn())
        .await
        .map_err(store_err)?;
        w.commit().await?;
        Ok(next)
    }

    async fn petition(&self, code: &PetitionCode) -> Result<Option<Petition>, StoreError> {
        let row = sqlx::query("SELECT data FROM petitions WHERE code = $1")
            .bind(code.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_err)?;
        row.map(|r| parse(&r.try_get::<String, _>("data").map_err(store_err)?)).transpose()
    }

    async fn petition_secret(&self, code: &PetitionCode) -> Result<Option<SecretHash>, StoreError> {
        let hash: Option<String> = sqlx::query_scalar("SELECT secret_hash FROM petitions WHERE code = $1")
            .bind(code.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_err)?;
        Ok(hash.map(SecretHash::from_stored))
    }

    async fn petition_events(&self, code: &PetitionCode) -> Result<Vec<PetitionRecord>, StoreError> {
        let rows = sqlx::query("SELECT seq, at, actor, data FROM petition_events WHERE code = $1 ORDER BY seq")
            .bind(code.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(store_err)?;
        rows.iter()
            .map(|r| {
                let data: String = r.try_get("data").map_err(store_err)?;
                Ok(PetitionRecord {
                    seq: u32::try_from(r.try_get::<i64, _>("seq").map_err(store_err)?).unwrap_or(0),
                    at: instant(r.try_get("at").map_err(store_err)?),
                    actor: r.try_get("actor").map_err(store_err)?,
                    event: serde_json::from_str(&data).map_err(|e| corrupt("petition event", e))?,
                })
            })
            .collect()
    }

    async fn petitions(&self, f: &PetitionFilter) -> Result<Vec<Petition>, StoreError> {
        let mut p = Params::default();
        let mut sql = String::from("SELECT data FROM petitions WHERE 1 = 1");
        if let Some(u) = &f.unit {
            sql.push_str(&format!(" AND unit = {}", p.text(u.as_str())));
        }
        if let Some(u) = &f.province {
            sql.push_str(&format!(" AND province = {}", p.text(u.as_str())));
        }
        if let Some(s) = f.status {
            sql.push_str(&format!(" AND status = {}", p.text(s.as_str())));
        }
        let (open, waiting) =
            (p.text(PetitionStatus::Received.as_str()), p.text(PetitionStatus::AwaitingCitizen.as_str()));
        sql.push_str(&format!(
            " ORDER BY CASE WHEN status IN ({open}, {waiting}) THEN 0 ELSE 1 END,
               CASE WHEN status IN ({open}, {waiting}) THEN settle_due ELSE -submitted_at END, code LIMIT {}",
            p.int(i64::from(f.limit.clamp(1, 500)))
        ));
        let rows = p.apply(sqlx::query(&sql)).fetch_all(&self.pool).await.map_err(store_err)?;
        rows.iter().map(|r| parse(&r.try_get::<String, _>("data").map_err(store_err)?)).collect()
    }
}

/// The PAKN facts of `unit` (or every unit of `province`) sent in `[from, to)`.
pub(crate) async fn petition_facts(
    db: &Db,
    unit: Option<&UnitCode>,
    province: Option<&UnitCode>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<motcua_domain::index::PetitionFacts>, StoreError> {
    let mut p = Params::default();
    let mut sql = String::from("SELECT data FROM petitions WHERE ");
    if let Some(u) = unit {
        sql.push_str(&format!("unit = {}", p.text(u.as_str())));
    } else if let Some(pr) = province {
        sql.push_str(&format!("province = {}", p.text(pr.as_str())));
    } else {
        sql.push_str("1 = 1");
    }
    sql.push_str(&format!(" AND submitted_at >= {} AND submitted_at < {}", p.int(ms(from)), p.int(ms(to))));
    let rows = p.apply(sqlx::query(&sql)).fetch_all(&db.pool).await.map_err(store_err)?;
    rows.iter()
        .map(|r| {
            Ok(motcua_domain::index::PetitionFacts::of(&parse(&r.try_get::<String, _>("data").map_err(store_err)?)?))
        })
        .collect()
}
