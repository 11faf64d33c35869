//! The population-database connector's outbox rows on SQLite and PostgreSQL: one identity check
//! per dossier, queued in the submission's transaction when the applicant is a person who gave a
//! birth date; never again on later changes (the recorded answer included), never for a tax code.
//!
//! PostgreSQL is taken from `MOTCUA_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`).

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::{NoFollowUp, on_both};
use motcua_domain::dossier::{EventKind, replay};
use motcua_domain::identity::ApplicantId;
use motcua_domain::ports::{Creation, DossierStore, POPULATION, SyncStore};
use motcua_domain::staff::Actor;
use motcua_storage::Db;

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap()
}

fn creation(id: &str, birth: Option<NaiveDate>) -> Creation {
    let mut c = common::creation("28777", at());
    c.new.applicant.id_number = ApplicantId::parse(id).unwrap();
    c.new.applicant.birth_date = birth;
    c
}

async fn checks_queued(db: &Db) -> Vec<(String, i64)> {
    sqlx::query_as("SELECT dossier_code, seq FROM sync_outbox WHERE connector = 'dancu' ORDER BY id")
        .fetch_all(db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn one_identity_check_is_queued_per_personal_applicant_with_a_birth_date() {
    on_both(|db| async move {
        let born = NaiveDate::from_ymd_opt(1990, 5, 1);
        let person = db.create(creation("086090001234", born), None::<NoFollowUp>).await.unwrap();
        db.create(creation("086090001234", None), None::<NoFollowUp>).await.unwrap();
        db.create(creation("0100109106", born), None::<NoFollowUp>).await.unwrap();
        let code = person.code.to_string();
        assert_eq!(checks_queued(&db).await, vec![(code.clone(), 1)]);
        let claimed = db.claim(POPULATION, at(), Duration::seconds(30), 10).await.unwrap();
        assert_eq!((claimed.len(), claimed[0].key.as_str()), (1, format!("{code}:1").as_str()));
        let payload: serde_json::Value = serde_json::from_str(&claimed[0].payload).unwrap();
        assert_eq!(payload["applicant"]["birth_date"], "1990-05-01");
        // The answer is an event of the chain that sets the flag; it queues no further check.
        let kind = EventKind::IdentityChecked { matched: true, detail: String::new() };
        let d =
            db.execute(&person.code, &Actor::System, at(), |_| Ok::<_, std::convert::Infallible>(kind)).await.unwrap();
        assert!(d.identity_verified);
        assert_eq!(checks_queued(&db).await.len(), 1);
        let events: Vec<_> = db.events(&person.code).await.unwrap().into_iter().map(|e| e.event).collect();
        assert_eq!(replay(&events).unwrap(), db.dossier(&person.code).await.unwrap().unwrap());
        let report = db.verify_all().await.unwrap();
        assert!(report.broken.is_empty() && report.drifted.is_empty(), "the chain holds");
    })
    .await;
}
