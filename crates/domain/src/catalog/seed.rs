//! The built-in catalog of common commune-level procedures (DOMAIN.md §6), used until a
//! province imports its own publication decision.
//!
//! Times marked [`Certainty::Uncertain`](super::Certainty::Uncertain) are placeholders: where
//! sources conflict the longer limit is seeded, so no dossier is flagged overdue by mistake.
//! Fee lines whose amount a provincial council sets are `set_at_intake`.

use super::Procedure;

const PROCEDURES_JSON: &str = include_str!("../../../../data/procedures.json");

/// The seeded procedures, in the order of `data/procedures.json`.
pub fn seed_procedures() -> Vec<Procedure> {
    serde_json::from_str(PROCEDURES_JSON).expect("data/procedures.json is checked by the seed tests")
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::calendar::StatutoryTime;
    use crate::catalog::{Certainty, FeeBasis, ImportFormat, OnlineLevel, ProcedureCode, parse_catalog};

    fn find(code: &str) -> Procedure {
        let code = ProcedureCode::parse(code).unwrap();
        seed_procedures().into_iter().find(|p| p.code == code).unwrap()
    }

    #[test]
    fn seed_parses_with_unique_codes() {
        let procedures = seed_procedures();
        assert!(procedures.len() >= 45, "only {} procedures", procedures.len());
        let codes: HashSet<_> = procedures.iter().map(|p| &p.code).collect();
        assert_eq!(codes.len(), procedures.len(), "duplicate procedure codes");
    }

    #[test]
    fn every_procedure_has_components_with_unique_codes() {
        for p in seed_procedures() {
            assert!((1..=4).contains(&p.components.len()), "{}", p.code);
            let codes: HashSet<_> = p.components.iter().map(|c| &c.code).collect();
            assert_eq!(codes.len(), p.components.len(), "{}", p.code);
            assert!(p.components.iter().any(|c| c.required), "{}", p.code);
        }
    }

    #[test]
    fn seed_passes_the_import_checks() {
        let bytes = PROCEDURES_JSON.as_bytes();
        let imported = parse_catalog(bytes, ImportFormat::Json).unwrap();
        assert_eq!(imported, seed_procedures());
    }

    #[test]
    fn known_entries_match_the_domain_notes() {
        let birth = find("1.001193");
        assert_eq!(birth.statutory_time, StatutoryTime::same_day());
        assert_eq!(birth.time_certainty, Certainty::Verified);
        assert_eq!(birth.online_level, OnlineLevel::Full);
        assert!(!birth.has_fee());

        let copy = find("2.000635");
        assert_eq!(copy.fees[0].amount, 8000);
        assert_eq!(copy.fees[0].basis, FeeBasis::PerCopy);

        assert_eq!(find("2.001019").fees[0].amount, 50000);
        assert_eq!(find("2.000815").online_level, OnlineLevel::Partial);
        assert_eq!(find("1.001612").fees[0].amount, 100000);
        // Pairs such as "1.000593 / 1.000419" are separate entries.
        assert_eq!(find("1.000419").name, "Đăng ký khai tử lưu động");
    }
}
