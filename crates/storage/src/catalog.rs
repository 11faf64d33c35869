//! Units and the procedure catalog.

use motcua_domain::catalog::{Procedure, ProcedureCode};
use motcua_domain::ports::{CatalogStore, ProcedureQuery, StoreError};
use motcua_domain::text;
use motcua_domain::unit::{AgencyCode, Unit, UnitCode, UnitKind};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::rows::{Params, like_escape};
use crate::{Db, store_err};

fn kind_str(k: UnitKind) -> &'static str {
    match k {
        UnitKind::Province => "province",
        UnitKind::City => "city",
        UnitKind::Ward => "ward",
        UnitKind::Commune => "commune",
        UnitKind::SpecialZone => "special_zone",
    }
}

fn kind_parse(s: &str) -> UnitKind {
    match s {
        "province" => UnitKind::Province,
        "city" => UnitKind::City,
        "ward" => UnitKind::Ward,
        "special_zone" => UnitKind::SpecialZone,
        _ => UnitKind::Commune,
    }
}

pub(crate) fn unit_from_row(r: &AnyRow) -> Result<Unit, StoreError> {
    let bad = |e: String| StoreError::Backend(format!("corrupt unit row: {e}"));
    let parent: Option<String> = r.try_get("parent").map_err(store_err)?;
    Ok(Unit {
        code: UnitCode::parse(&r.try_get::<String, _>("code").map_err(store_err)?).map_err(|e| bad(e.to_string()))?,
        name: r.try_get("name").map_err(store_err)?,
        kind: kind_parse(&r.try_get::<String, _>("kind").map_err(store_err)?),
        parent: parent.map(|p| UnitCode::parse(&p)).transpose().map_err(|e| bad(e.to_string()))?,
        agency: AgencyCode::parse(&r.try_get::<String, _>("agency").map_err(store_err)?)
            .map_err(|e| bad(e.to_string()))?,
        working_hours: r
            .try_get::<String, _>("working_hours")
            .map_err(store_err)?
            .parse()
            .map_err(|e: motcua_domain::calendar::InvalidWorkingHours| bad(e.to_string()))?,
    })
}

fn procedure_from_row(r: &AnyRow) -> Result<Procedure, StoreError> {
    let data: String = r.try_get("data").map_err(store_err)?;
    serde_json::from_str(&data).map_err(|e| StoreError::Backend(format!("corrupt procedure row: {e}")))
}

pub(crate) const UNIT_COLUMNS: &str = "code, name, kind, parent, agency, working_hours";

/// Inserts or replaces a unit on `conn` (inside the caller's write).
pub(crate) async fn upsert_unit(conn: &mut sqlx::AnyConnection, u: &Unit) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO units (code, name, kind, parent, agency, working_hours) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
           parent = excluded.parent, agency = excluded.agency, working_hours = excluded.working_hours",
    )
    .bind(u.code.as_str().to_string())
    .bind(u.name.clone())
    .bind(kind_str(u.kind))
    .bind(u.parent.as_ref().map(|p| p.as_str().to_string()))
    .bind(u.agency.as_str().to_string())
    .bind(u.working_hours.to_string())
    .execute(conn)
    .await
    .map_err(store_err)?;
    Ok(())
}

/// Inserts or replaces a procedure on `conn` (inside the caller's write).
pub(crate) async fn upsert_procedure(conn: &mut sqlx::AnyConnection, p: &Procedure) -> Result<(), StoreError> {
    let data = serde_json::to_string(p).map_err(|e| StoreError::Backend(e.to_string()))?;
    let search = text::fold(&format!("{} {} {}", p.code, p.name, p.field));
    sqlx::query(
        "INSERT INTO procedures (code, name, field, search_text, field_folded, data) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, field = excluded.field,
           search_text = excluded.search_text, field_folded = excluded.field_folded, data = excluded.data",
    )
    .bind(p.code.as_str().to_string())
    .bind(p.name.clone())
    .bind(p.field.clone())
    .bind(search)
    .bind(text::fold(&p.field))
    .bind(data)
    .execute(conn)
    .await
    .map_err(store_err)?;
    Ok(())
}

impl CatalogStore for Db {
    async fn upsert_units(&self, units: &[Unit]) -> Result<usize, StoreError> {
        let mut w = self.write().await?;
        for u in units {
            upsert_unit(w.conn(), u).await?;
        }
        w.commit().await?;
        Ok(units.len())
    }

    async fn unit(&self, code: &UnitCode) -> Result<Option<Unit>, StoreError> {
        let row = sqlx::query(&format!("SELECT {UNIT_COLUMNS} FROM units WHERE code = $1"))
            .bind(code.as_str().to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_err)?;
        row.as_ref().map(unit_from_row).transpose()
    }

    async fn units(&self, parent: Option<&UnitCode>) -> Result<Vec<Unit>, StoreError> {
        let rows = match parent {
            None => {
                sqlx::query(&format!("SELECT {UNIT_COLUMNS} FROM units WHERE parent IS NULL ORDER BY code"))
                    .fetch_all(&self.pool)
                    .await
            }
            Some(p) => {
                sqlx::query(&format!("SELECT {UNIT_COLUMNS} FROM units WHERE parent = $1 ORDER BY code"))
                    .bind(p.as_str().to_string())
                    .fetch_all(&self.pool)
                    .await
            }
        }
        .map_err(store_err)?;
        rows.iter().map(unit_from_row).collect()
    }

    async fn upsert_procedures(&self, procedures: &[Procedure]) -> Result<usize, StoreError> {
        let mut w = self.write().await?;
        for p in procedures {
            upsert_procedure(w.conn(), p).await?;
        }
        w.commit().await?;
        Ok(procedures.len())
    }

    async fn procedure(&self, code: &ProcedureCode) -> Result<Option<Procedure>, StoreError> {
        let row = sqlx::query("SELECT data FROM procedures WHERE code = $1")
            .bind(code.as_str().to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_err)?;
        row.as_ref().map(procedure_from_row).transpose()
    }

    /// Every folded term of the query must occur in the folded code, name or field. A catalog has
    /// hundreds of rows, so a scan over the folded column is both exact and fast on both backends.
    async fn search_procedures(&self, q: &ProcedureQuery) -> Result<Vec<Procedure>, StoreError> {
        let mut p = Params::default();
        let mut sql = String::from("SELECT data FROM procedures WHERE 1 = 1");
        for term in q.text.as_deref().map(text::search_terms).unwrap_or_default() {
            let ph = p.text(format!("%{}%", like_escape(&term)));
            sql.push_str(&format!(" AND search_text LIKE {ph} ESCAPE '\\'"));
        }
        if let Some(f) = q.field.as_deref().filter(|f| !f.trim().is_empty()) {
            let ph = p.text(text::fold(f));
            sql.push_str(&format!(" AND field_folded = {ph}"));
        }
        // Whole-phrase matches first, then shorter (more specific) names.
        let phrase = q.text.as_deref().map(text::fold).unwrap_or_default();
        let ph = p.text(format!("%{}%", like_escape(&phrase)));
        let limit = p.int(i64::from(q.limit.clamp(1, 500)));
        sql.push_str(&format!(
            " ORDER BY CASE WHEN search_text LIKE {ph} ESCAPE '\\' THEN 0 ELSE 1 END, length(name), code LIMIT {limit}"
        ));
        let rows = p.apply(sqlx::query(&sql)).fetch_all(&self.pool).await.map_err(store_err)?;
        rows.iter().map(procedure_from_row).collect()
    }
}
