//! The read side of the 766 index: the facts of a unit's or a province's dossiers and PAKN for
//! a period, from the `dossiers` and `petitions` projections and the procedure catalog.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use motcua_domain::catalog::{Procedure, UnitLevel};
use motcua_domain::dossier::Dossier;
use motcua_domain::index::{DossierFacts, IndexInputs, ProcedureFacts};
use motcua_domain::ports::{IndexScope, IndexStore, StoreError};
use sqlx::Row;

use crate::rows::{Params, ms};
use crate::{Db, store_err};

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("corrupt {what}: {e}"))
}

impl IndexStore for Db {
    async fn index_inputs(
        &self,
        scope: &IndexScope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<IndexInputs, StoreError> {
        let rows = sqlx::query("SELECT data FROM procedures").fetch_all(&self.pool).await.map_err(store_err)?;
        let mut procedures = Vec::with_capacity(rows.len());
        let mut by_code = HashMap::with_capacity(rows.len());
        for r in &rows {
            let data: String = r.try_get("data").map_err(store_err)?;
            let p: Procedure = serde_json::from_str(&data).map_err(|e| corrupt("procedure", e))?;
            let facts = ProcedureFacts::of(&p);
            // A commune's index counts the procedures communes decide; a province's, all.
            if matches!(scope, IndexScope::Province(_)) || p.competent_level == UnitLevel::Commune {
                procedures.push(facts.clone());
            }
            by_code.insert(p.code, facts);
        }
        let mut p = Params::default();
        let mut sql = String::from("SELECT data FROM dossiers WHERE ");
        match scope {
            IndexScope::Unit(u) => {
                let (a, b) = (p.text(u.as_str()), p.text(u.as_str()));
                sql.push_str(&format!("(receiving_unit = {a} OR handling_unit = {b})"));
            }
            IndexScope::Province(prov) => sql.push_str(&format!("province = {}", p.text(prov.as_str()))),
        }
        let (f1, t1, f2, f3) = (p.int(ms(from)), p.int(ms(to)), p.int(ms(from)), p.int(ms(from)));
        sql.push_str(&format!(
            " AND ((COALESCE(received_at, submitted_at) >= {f1} AND COALESCE(received_at, submitted_at) < {t1})
               OR (received_at < {f2} AND (ended_at IS NULL OR ended_at >= {f3})))
             ORDER BY code"
        ));
        let rows = p.apply(sqlx::query(&sql)).fetch_all(&self.pool).await.map_err(store_err)?;
        let mut dossiers = Vec::with_capacity(rows.len());
        for r in &rows {
            let data: String = r.try_get("data").map_err(store_err)?;
            let d: Dossier = serde_json::from_str(&data).map_err(|e| corrupt("dossier projection", e))?;
            dossiers.push(DossierFacts::of(&d, by_code.get(&d.procedure)));
        }
        let petitions = match scope {
            IndexScope::Unit(u) => crate::pakn::petition_facts(self, Some(u), None, from, to).await?,
            IndexScope::Province(p) => crate::pakn::petition_facts(self, None, Some(p), from, to).await?,
        };
        Ok(IndexInputs { dossiers, procedures, petitions })
    }
}
