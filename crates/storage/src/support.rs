//! Community support days: neighborhoods, helpers, weekly sessions and their helpers; the
//! assisted dossiers of a period read from their `record_assistance` events.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use motcua_domain::dossier::{Channel, DossierCode, EventKind};
use motcua_domain::ports::StoreError;
use motcua_domain::support::{
    AssistedRecord, Helper, HelperId, Neighborhood, NeighborhoodId, NewHelper, NewNeighborhood, NewSession,
    Organisation, Recurrence, Session, SessionId, SupportStore, parse_weekday, weekday_code,
};
use motcua_domain::unit::UnitCode;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::rows::{instant, int, ms, small};
use crate::{Db, store_err};

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("corrupt {what}: {e}"))
}

fn text(r: &AnyRow, col: &str) -> Result<String, StoreError> {
    r.try_get(col).map_err(store_err)
}

fn unit(r: &AnyRow) -> Result<UnitCode, StoreError> {
    UnitCode::parse(&text(r, "unit")?).map_err(|e| corrupt("unit", e))
}

fn neighborhood(r: &AnyRow) -> Result<Neighborhood, StoreError> {
    Ok(Neighborhood {
        id: NeighborhoodId(int(r, "id")?),
        unit: unit(r)?,
        name: text(r, "name")?,
        note: text(r, "note")?,
    })
}

fn helper(r: &AnyRow) -> Result<Helper, StoreError> {
    let org = text(r, "organisation")?;
    Ok(Helper {
        id: HelperId(int(r, "id")?),
        unit: unit(r)?,
        name: text(r, "name")?,
        organisation: Organisation::parse(&org).map_err(|e| corrupt("organisation", e))?,
        phone: r.try_get("phone").map_err(store_err)?,
    })
}

fn session(r: &AnyRow) -> Result<Session, StoreError> {
    let day = |c: &str| NaiveDate::parse_from_str(&text(r, c)?, "%Y-%m-%d").map_err(|e| corrupt("session date", e));
    let time = |c: &str| NaiveTime::parse_from_str(&text(r, c)?, "%H:%M").map_err(|e| corrupt("session time", e));
    Ok(Session {
        id: SessionId(int(r, "id")?),
        unit: unit(r)?,
        neighborhood: NeighborhoodId(int(r, "neighborhood")?),
        place: text(r, "place")?,
        rule: Recurrence {
            weekday: parse_weekday(&text(r, "weekday")?).map_err(|e| corrupt("weekday", e))?,
            first: day("first_day")?,
            last: day("last_day")?,
            start: time("starts")?,
            end: time("ends")?,
        },
        helpers: Vec::new(),
    })
}

impl Db {
    /// Fills in each session's helpers.
    async fn with_helpers(&self, mut sessions: Vec<Session>) -> Result<Vec<Session>, StoreError> {
        for s in &mut sessions {
            let rows = sqlx::query("SELECT helper FROM support_session_helpers WHERE session = $1 ORDER BY helper")
                .bind(s.id.0)
                .fetch_all(&self.pool)
                .await
                .map_err(store_err)?;
            s.helpers = rows.iter().map(|r| int(r, "helper").map(HelperId)).collect::<Result<_, _>>()?;
        }
        Ok(sessions)
    }
}

const SESSION_COLUMNS: &str = "id, unit, neighborhood, place, weekday, first_day, last_day, starts, ends";

impl SupportStore for Db {
    async fn add_neighborhood(&self, n: &NewNeighborhood) -> Result<Neighborhood, StoreError> {
        let mut w = self.write().await?;
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT id FROM support_neighborhoods WHERE unit = $1 AND name = $2")
                .bind(n.unit.as_str().to_string())
                .bind(n.name.clone())
                .fetch_optional(w.conn())
                .await
                .map_err(store_err)?;
        if taken.is_some() {
            w.rollback().await;
            return Err(StoreError::Conflict(format!("neighborhood {} exists", n.name)));
        }
        let id: i64 =
            sqlx::query_scalar("INSERT INTO support_neighborhoods (unit, name, note) VALUES ($1, $2, $3) RETURNING id")
                .bind(n.unit.as_str().to_string())
                .bind(n.name.clone())
                .bind(n.note.clone())
                .fetch_one(w.conn())
                .await
                .map_err(store_err)?;
        w.commit().await?;
        Ok(Neighborhood { id: NeighborhoodId(id), unit: n.unit.clone(), name: n.name.clone(), note: n.note.clone() })
    }

    async fn neighborhoods(&self, unit: &UnitCode) -> Result<Vec<Neighborhood>, StoreError> {
        let rows = sqlx::query("SELECT id, unit, name, note FROM support_neighborhoods WHERE unit = $1 ORDER BY name")
            .bind(unit.as_str().to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(store_err)?;
        rows.iter().map(neighborhood).collect()
    }

    async fn add_helper(&self, h: &NewHelper) -> Result<Helper, StoreError> {
        let mut w = self.write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO support_helpers (unit, name, organisation, phone) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(h.unit.as_str().to_string())
        .bind(h.name.clone())
        .bind(h.organisation.code())
        .bind(h.phone.clone())
        .fetch_one(w.conn())
        .await
        .map_err(store_err)?;
        w.commit().await?;
        Ok(Helper {
            id: HelperId(id),
            unit: h.unit.clone(),
            name: h.name.clone(),
            organisation: h.organisation,
            phone: h.phone.clone(),
        })
    }

    async fn helpers(&self, unit: &UnitCode) -> Result<Vec<Helper>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, unit, name, organisation, phone FROM support_helpers WHERE unit = $1 ORDER BY name, id",
        )
        .bind(unit.as_str().to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(store_err)?;
        rows.iter().map(helper).collect()
    }

    async fn add_session(&self, s: &NewSession) -> Result<Session, StoreError> {
        let mut w = self.write().await?;
        let r = &s.rule;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO support_sessions (unit, neighborhood, place, weekday, first_day, last_day, starts, ends)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(s.unit.as_str().to_string())
        .bind(s.neighborhood.0)
        .bind(s.place.clone())
        .bind(weekday_code(r.weekday))
        .bind(r.first.to_string())
        .bind(r.last.to_string())
        .bind(r.start.format("%H:%M").to_string())
        .bind(r.end.format("%H:%M").to_string())
        .fetch_one(w.conn())
        .await
        .map_err(store_err)?;
        for h in &s.helpers {
            sqlx::query("INSERT INTO support_session_helpers (session, helper) VALUES ($1, $2)")
                .bind(id)
                .bind(h.0)
                .execute(w.conn())
                .await
                .map_err(store_err)?;
        }
        w.commit().await?;
        Ok(Session {
            id: SessionId(id),
            unit: s.unit.clone(),
            neighborhood: s.neighborhood,
            place: s.place.clone(),
            rule: s.rule.clone(),
            helpers: s.helpers.clone(),
        })
    }

    async fn sessions(&self, unit: Option<&UnitCode>) -> Result<Vec<Session>, StoreError> {
        let rows = match unit {
            Some(u) => {
                let sql = format!("SELECT {SESSION_COLUMNS} FROM support_sessions WHERE unit = $1 ORDER BY id");
                sqlx::query(&sql).bind(u.as_str().to_string()).fetch_all(&self.pool).await
            }
            None => {
                let sql = format!("SELECT {SESSION_COLUMNS} FROM support_sessions ORDER BY unit, id");
                sqlx::query(&sql).fetch_all(&self.pool).await
            }
        }
        .map_err(store_err)?;
        self.with_helpers(rows.iter().map(session).collect::<Result<_, _>>()?).await
    }

    async fn session(&self, id: SessionId) -> Result<Option<Session>, StoreError> {
        let sql = format!("SELECT {SESSION_COLUMNS} FROM support_sessions WHERE id = $1");
        let row = sqlx::query(&sql).bind(id.0).fetch_optional(&self.pool).await.map_err(store_err)?;
        let Some(s) = row.as_ref().map(session).transpose()? else { return Ok(None) };
        Ok(self.with_helpers(vec![s]).await?.pop())
    }

    async fn assisted(
        &self,
        unit: &UnitCode,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<AssistedRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.code, d.channel, e.at, e.data FROM dossiers d JOIN dossier_events e ON e.dossier_id = d.id
             WHERE d.receiving_unit = $1 AND e.command = 'record_assistance' AND e.at >= $2 AND e.at < $3
             ORDER BY e.at, d.id",
        )
        .bind(unit.as_str().to_string())
        .bind(ms(from))
        .bind(ms(to))
        .fetch_all(&self.pool)
        .await
        .map_err(store_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let data = text(r, "data")?;
            let EventKind::Assisted { helper, session, support } =
                serde_json::from_str(&data).map_err(|e| corrupt("assistance event", e))?
            else {
                return Err(corrupt("assistance event", "another kind"));
            };
            out.push(AssistedRecord {
                dossier: DossierCode::parse(&text(r, "code")?).map_err(|e| corrupt("dossier code", e))?,
                channel: Channel::from_code(int(r, "channel")?),
                at: instant(int(r, "at")?),
                helper,
                session,
                support,
            });
        }
        Ok(out)
    }

    async fn online_count(&self, unit: &UnitCode, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<u32, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM dossiers
             WHERE receiving_unit = $1 AND channel = $2 AND submitted_at >= $3 AND submitted_at < $4",
        )
        .bind(unit.as_str().to_string())
        .bind(i64::from(Channel::Online.code()))
        .bind(ms(from))
        .bind(ms(to))
        .fetch_one(&self.pool)
        .await
        .map_err(store_err)?;
        Ok(small(n))
    }
}
