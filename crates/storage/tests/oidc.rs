//! Sign-in with OpenID Connect, on SQLite and PostgreSQL: a sign-in in flight is taken once and
//! only by its own audience, expired ones are purged; citizens' sessions expire and end; a
//! citizen's dossiers are found by the applicant's identity number; staff accounts are matched
//! without case, with whether they are active.

mod common;

use chrono::Duration;
use common::{NoFollowUp, creation, on_both, vn};
use motcua_domain::identity::ApplicantId;
use motcua_domain::ports::{DossierStore, StaffStore};
use motcua_domain::staff::Role;
use motcua_domain::unit::UnitCode;
use motcua_storage::oidc::{Attempt, Audience, CitizenSession};

fn attempt(nonce: &str, expires_at: chrono::DateTime<chrono::Utc>) -> Attempt {
    Attempt { nonce: nonce.into(), pkce_verifier: format!("verifier-{nonce}"), expires_at }
}

#[tokio::test]
async fn a_sign_in_in_flight_is_taken_once_by_its_own_audience() {
    on_both(|db| async move {
        let now = vn(2026, 11, 27, 9, 0);
        db.begin_sign_in("h1", Audience::Citizen, &attempt("n1", now + Duration::minutes(10)), now).await.unwrap();
        db.begin_sign_in("h2", Audience::Staff, &attempt("n2", now + Duration::minutes(1)), now).await.unwrap();
        assert_eq!(db.take_sign_in("h1", Audience::Staff).await.unwrap(), None, "not the staff's");
        let taken = db.take_sign_in("h1", Audience::Citizen).await.unwrap().unwrap();
        assert_eq!((taken.nonce.as_str(), taken.pkce_verifier.as_str()), ("n1", "verifier-n1"));
        assert_eq!(taken.expires_at, now + Duration::minutes(10));
        assert_eq!(db.take_sign_in("h1", Audience::Citizen).await.unwrap(), None, "single use");
        // A later sign-in purges the expired ones.
        let later = now + Duration::minutes(5);
        db.begin_sign_in("h3", Audience::Citizen, &attempt("n3", later + Duration::minutes(10)), later).await.unwrap();
        assert_eq!(db.take_sign_in("h2", Audience::Staff).await.unwrap(), None);
        assert!(db.take_sign_in("h3", Audience::Citizen).await.unwrap().is_some());
    })
    .await;
}

#[tokio::test]
async fn citizens_sessions_expire_and_end_and_find_their_dossiers() {
    on_both(|db| async move {
        let now = vn(2026, 11, 27, 9, 0);
        let id = ApplicantId::parse("086090001234").unwrap();
        let s = CitizenSession {
            id_number: id.clone(),
            full_name: "Nguyễn Văn An".into(),
            issuer: "https://sso.vneid.gov.vn".into(),
            subject: "086090001234".into(),
            expires_at: now + Duration::hours(4),
        };
        db.create_citizen_session("t1", &s, now).await.unwrap();
        assert_eq!(db.citizen_session("t1", now).await.unwrap(), Some(s.clone()));
        assert_eq!(db.citizen_session("t1", now + Duration::hours(4)).await.unwrap(), None, "expired");
        assert_eq!(db.citizen_session("other", now).await.unwrap(), None);
        db.end_citizen_session("t1").await.unwrap();
        assert_eq!(db.citizen_session("t1", now).await.unwrap(), None, "signed out");

        let first = db.create(creation("28777", now), None::<NoFollowUp>).await.unwrap();
        let second = db.create(creation("28756", now + Duration::hours(1)), None::<NoFollowUp>).await.unwrap();
        let mut someone = creation("28777", now);
        someone.new.applicant.id_number = ApplicantId::parse("079185000123").unwrap();
        db.create(someone, None::<NoFollowUp>).await.unwrap();
        let mine: Vec<_> = db.dossiers_of_applicant(&id, 10).await.unwrap().into_iter().map(|d| d.code).collect();
        assert_eq!(mine, [second.code.clone(), first.code], "theirs only, newest first");
        assert_eq!(db.dossiers_of_applicant(&id, 1).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn staff_accounts_are_matched_without_case() {
    on_both(|db| async move {
        let unit = UnitCode::parse("28777").unwrap();
        db.create_staff("TiepNhan@AnHoi.vn", "Lê Văn Tiếp", Role::IntakeOfficer, &unit, "x").await.unwrap();
        let m = db.staff_for_sign_in(" tiepnhan@anhoi.vn ").await.unwrap().unwrap();
        assert_eq!((m.username.as_str(), m.active), ("TiepNhan@AnHoi.vn", true));
        assert_eq!(db.staff_for_sign_in("nobody@anhoi.vn").await.unwrap(), None);
        sqlx::query("UPDATE staff SET active = 0").execute(db.pool()).await.unwrap();
        assert!(!db.staff_for_sign_in("tiepnhan@anhoi.vn").await.unwrap().unwrap().active);
    })
    .await;
}
