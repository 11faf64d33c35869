//! The storage contract: every test runs on SQLite and on PostgreSQL.
//!
//! PostgreSQL is taken from `MOTCUA_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`);
//! each run creates its own scratch database. An unreachable server fails the suite.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::{NoFollowUp, calendar, creation, officer, on_both, procedure, vn};
use motcua_domain::calendar::Amendment;
use motcua_domain::catalog::ProcedureCode;
use motcua_domain::dossier::{Command, Context, Dossier, DossierCode, EventKind, LifecycleError, Status, decide};
use motcua_domain::ports::{
    CalendarStore, CatalogStore, DossierFilter, DossierStore, ExecuteError, FollowUp, ProcedureQuery, StaffStore,
};
use motcua_domain::staff::{Actor, Role};
use motcua_domain::unit::UnitCode;
use motcua_storage::Db;

async fn submit(db: &Db, unit: &str, at: DateTime<Utc>) -> Dossier {
    db.create(creation(unit, at), None::<NoFollowUp>).await.unwrap()
}

async fn command(
    db: &Db,
    code: &DossierCode,
    actor: &Actor,
    at: DateTime<Utc>,
    cmd: Command,
) -> Result<Dossier, ExecuteError<LifecycleError>> {
    let p = procedure("1.001193");
    let cal = calendar();
    db.execute(code, actor, at, |d| {
        decide(d, actor, &cmd, &Context { now: at, calendar: &cal, calendar_version: 0, procedure: &p })
    })
    .await
}

#[tokio::test]
async fn catalog_search_ignores_diacritics_and_case() {
    on_both(|db| async move {
        for q in ["dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "Đăng ký khai sinh"] {
            let found =
                db.search_procedures(&ProcedureQuery { text: Some(q.into()), field: None, limit: 10 }).await.unwrap();
            assert_eq!(found.first().map(|p| p.name.as_str()), Some("Đăng ký khai sinh"), "{q}");
        }
        let none = db
            .search_procedures(&ProcedureQuery { text: Some("100%_\\ zzz".into()), field: None, limit: 10 })
            .await
            .unwrap();
        assert!(none.is_empty());
        let by_field = db
            .search_procedures(&ProcedureQuery { text: None, field: Some("ho tich".into()), limit: 100 })
            .await
            .unwrap();
        assert!(by_field.len() > 5 && by_field.iter().all(|p| p.field == "Hộ tịch"));
        let p = db.procedure(&ProcedureCode::parse("2.000635").unwrap()).await.unwrap().unwrap();
        assert_eq!(p, procedure("2.000635"));
        let communes = db.units(Some(&UnitCode::parse("86").unwrap())).await.unwrap();
        assert_eq!(communes.len(), 124);
    })
    .await;
}

#[tokio::test]
async fn codes_count_per_agency_and_day_without_gaps() {
    on_both(|db| async move {
        let day1 = vn(2026, 11, 26, 9, 0);
        let a = submit(&db, "28777", day1).await;
        let b = submit(&db, "28777", day1 + Duration::minutes(5)).await;
        let other = submit(&db, "28756", day1).await;
        let next_day = submit(&db, "28777", vn(2026, 11, 27, 0, 30)).await;
        assert_eq!(a.code.seq(), 1);
        assert_eq!(b.code.seq(), 2);
        assert_eq!(other.code.seq(), 1);
        assert_eq!(next_day.code.seq(), 1);
        assert!(a.code.to_string().ends_with("-261126-0001"), "{}", a.code);
        // A creation whose follow-up is refused is rolled back, number included.
        let refuse = |_: &Dossier| -> Result<Vec<FollowUp>, LifecycleError> { Err(LifecycleError::ReasonRequired) };
        let err = db.create(creation("28777", day1), Some(refuse)).await.unwrap_err();
        assert!(matches!(err, ExecuteError::Rejected(LifecycleError::ReasonRequired)));
        let c = submit(&db, "28777", day1).await;
        assert_eq!(c.code.seq(), 3, "the refused creation must not leave a gap");
    })
    .await;
}

#[tokio::test]
async fn concurrent_submissions_get_distinct_consecutive_codes() {
    on_both(|db| async move {
        let at = vn(2026, 11, 25, 10, 0);
        let tasks: Vec<_> = (0..40)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move { submit(&db, "28777", at).await.code.seq() })
            })
            .collect();
        let mut seqs: Vec<u32> = futures::future::join_all(tasks).await.into_iter().map(Result::unwrap).collect();
        seqs.sort_unstable();
        assert_eq!(seqs, (1..=40).collect::<Vec<_>>());
    })
    .await;
}

#[tokio::test]
async fn commands_append_events_and_illegal_ones_change_nothing() {
    on_both(|db| async move {
        let at = vn(2026, 11, 23, 9, 0);
        let d = submit(&db, "28777", at).await;
        let intake = officer(Role::IntakeOfficer, "28777");
        // Illegal: processing before receipt, and a specialist receiving.
        let err =
            command(&db, &d.code, &officer(Role::Specialist, "28777"), at, Command::StartProcessing).await.unwrap_err();
        assert!(matches!(err, ExecuteError::Rejected(LifecycleError::NotAllowed { .. })));
        let err = command(&db, &d.code, &officer(Role::Specialist, "28777"), at, Command::Receive).await.unwrap_err();
        assert!(matches!(err, ExecuteError::Rejected(LifecycleError::Forbidden { .. })));
        let err =
            command(&db, &d.code, &officer(Role::IntakeOfficer, "28756"), at, Command::Receive).await.unwrap_err();
        assert!(matches!(err, ExecuteError::Rejected(LifecycleError::OtherUnit { .. })));
        let unchanged = db.dossier(&d.code).await.unwrap().unwrap();
        assert_eq!(unchanged, d);
        assert_eq!(db.events(&d.code).await.unwrap().len(), 1);

        let received = command(&db, &d.code, &intake, at + Duration::minutes(10), Command::Receive).await.unwrap();
        assert_eq!(received.status, Status::Received);
        assert!(received.due_at.is_some());
        assert_eq!(received.version, 2);
        let events = db.events(&d.code).await.unwrap();
        assert_eq!(events.len(), 2);
        assert!(matches!(events[1].event.kind, EventKind::Received { .. }));
        assert_eq!(events[1].event.prev_hash, events[0].event.hash);
        let report = db.verify_all().await.unwrap();
        assert!(report.broken.is_empty() && report.drifted.is_empty(), "{report:?}");
    })
    .await;
}

#[tokio::test]
async fn list_filters_and_paginates_newest_first() {
    on_both(|db| async move {
        let at = vn(2026, 11, 24, 8, 0);
        let mut codes = Vec::new();
        for i in 0..7 {
            codes.push(submit(&db, "28777", at + Duration::minutes(i)).await.code);
        }
        submit(&db, "28756", at).await;
        let intake = officer(Role::IntakeOfficer, "28777");
        command(&db, &codes[0], &intake, at + Duration::hours(1), Command::Receive).await.unwrap();
        let unit = Some(UnitCode::parse("28777").unwrap());
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = db
                .list(&DossierFilter { unit: unit.clone(), ..Default::default() }, cursor.as_deref(), 3)
                .await
                .unwrap();
            seen.extend(page.items.into_iter().map(|d| d.code));
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        let mut expected = codes.clone();
        expected.reverse();
        assert_eq!(seen, expected);
        let received = db
            .list(&DossierFilter { unit: unit.clone(), status: Some(Status::Received), ..Default::default() }, None, 50)
            .await
            .unwrap();
        assert_eq!(received.items.len(), 1);
        // Late as of a month later: the received one is overdue; the unreceived have no deadline.
        let late = db
            .list(&DossierFilter { unit, late_at: Some(at + Duration::days(30)), ..Default::default() }, None, 50)
            .await
            .unwrap();
        assert_eq!(late.items.iter().map(|d| d.code.clone()).collect::<Vec<_>>(), vec![codes[0].clone()]);
        let province = db
            .list(&DossierFilter { province: Some(UnitCode::parse("86").unwrap()), ..Default::default() }, None, 50)
            .await
            .unwrap();
        assert_eq!(province.items.len(), 8);
    })
    .await;
}

#[tokio::test]
async fn staff_tokens_expire() {
    on_both(|db| async move {
        let unit = UnitCode::parse("28777").unwrap();
        let s = db.create_staff("an.nguyen", "Nguyễn An", Role::Leader, &unit, "phc-hash").await.unwrap();
        assert!(db.create_staff("an.nguyen", "Other", Role::Leader, &unit, "x").await.is_err(), "usernames are unique");
        let (found, hash) = db.staff_by_username("an.nguyen").await.unwrap().unwrap();
        assert_eq!((found.clone(), hash.as_str()), (s.clone(), "phc-hash"));
        let now = vn(2026, 11, 27, 8, 0);
        db.create_token("tokenhash", &s, now + Duration::hours(1)).await.unwrap();
        assert_eq!(db.staff_by_token("tokenhash", now).await.unwrap(), Some(s.clone()));
        assert_eq!(db.staff_by_token("tokenhash", now + Duration::hours(2)).await.unwrap(), None);
        assert_eq!(db.staff_by_token("other", now).await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn calendar_amendments_round_trip() {
    on_both(|db| async move {
        let a = Amendment {
            version: 1,
            date: chrono::NaiveDate::from_ymd_opt(2026, 8, 31).unwrap(),
            working: false,
            reason: "Nghỉ Quốc khánh (hoán đổi)".into(),
        };
        db.add_amendment(&a).await.unwrap();
        assert!(db.add_amendment(&a).await.is_err(), "versions are unique");
        assert_eq!(db.amendments().await.unwrap(), vec![a]);
    })
    .await;
}

#[tokio::test]
async fn verify_names_the_first_broken_link_of_edited_deleted_or_backdated_events() {
    use motcua_domain::dossier::chain::BrokenLink;
    on_both(|db| async move {
        let at = vn(2026, 11, 20, 9, 0);
        let intake = officer(Role::IntakeOfficer, "28777");
        let mut codes = Vec::new();
        for i in 0..4 {
            let d = submit(&db, "28777", at + Duration::minutes(i)).await;
            command(&db, &d.code, &intake, at + Duration::hours(1), Command::Receive).await.unwrap();
            command(
                &db,
                &d.code,
                &officer(Role::Specialist, "28777"),
                at + Duration::hours(2),
                Command::StartProcessing,
            )
            .await
            .unwrap();
            codes.push(d.code);
        }
        let clean = db.verify_all().await.unwrap();
        assert_eq!((clean.dossiers, clean.events), (4, 12));
        assert!(clean.broken.is_empty() && clean.drifted.is_empty());

        let id_of = |code: &DossierCode| {
            let (db, code) = (db.clone(), code.to_string());
            async move {
                sqlx::query_scalar::<_, i64>("SELECT id FROM dossiers WHERE code = $1")
                    .bind(code)
                    .fetch_one(db.pool())
                    .await
                    .unwrap()
            }
        };
        // Edited: the applicant's name in the submission event.
        let id = id_of(&codes[0]).await;
        sqlx::query(
            "UPDATE dossier_events SET data = replace(data, 'Nguyễn', 'Trần') WHERE dossier_id = $1 AND seq = 1",
        )
        .bind(id)
        .execute(db.pool())
        .await
        .unwrap();
        // Deleted: the middle event.
        let id = id_of(&codes[1]).await;
        sqlx::query("DELETE FROM dossier_events WHERE dossier_id = $1 AND seq = 2")
            .bind(id)
            .execute(db.pool())
            .await
            .unwrap();
        // Back-dated: the last event moved a day earlier.
        let id = id_of(&codes[2]).await;
        sqlx::query("UPDATE dossier_events SET at = at - 86400000 WHERE dossier_id = $1 AND seq = 3")
            .bind(id)
            .execute(db.pool())
            .await
            .unwrap();
        let report = db.verify_all().await.unwrap();
        let broken: Vec<(String, u32)> = report.broken.iter().map(|(c, l)| (c.clone(), l.seq())).collect();
        assert_eq!(
            broken,
            vec![(codes[0].to_string(), 1), (codes[1].to_string(), 3), (codes[2].to_string(), 3)],
            "{report:?}"
        );
        assert!(matches!(report.broken[0].1, BrokenLink::HashMismatch { seq: 1 }));
        assert!(matches!(report.broken[1].1, BrokenLink::Gap { seq: 3, expected: 2 }));
        // Deleting the last event leaves a valid but short chain: the head exposes it.
        let id = id_of(&codes[3]).await;
        sqlx::query("DELETE FROM dossier_events WHERE dossier_id = $1 AND seq = 3")
            .bind(id)
            .execute(db.pool())
            .await
            .unwrap();
        let report = db.verify_all().await.unwrap();
        assert!(matches!(report.broken.last().unwrap().1, BrokenLink::Missing { seq: 3, .. }), "{report:?}");
    })
    .await;
}

#[tokio::test]
async fn refused_writes_among_concurrent_ones_leave_no_trace() {
    on_both(|db| async move {
        let at = vn(2026, 11, 25, 14, 0);
        let tasks: Vec<_> = (0..30)
            .map(|i| {
                let db = db.clone();
                tokio::spawn(async move {
                    let then = move |_: &Dossier| -> Result<Vec<FollowUp>, LifecycleError> {
                        if i % 3 == 0 { Err(LifecycleError::ReasonRequired) } else { Ok(Vec::new()) }
                    };
                    db.create(creation("28783", at), Some(then)).await.ok().map(|d| d.code.seq())
                })
            })
            .collect();
        let mut seqs: Vec<u32> =
            futures::future::join_all(tasks).await.into_iter().filter_map(|r| r.unwrap()).collect();
        seqs.sort_unstable();
        assert_eq!(seqs, (1..=20).collect::<Vec<_>>(), "accepted writes get consecutive codes");
        let page = db
            .list(&DossierFilter { unit: Some(UnitCode::parse("28783").unwrap()), ..Default::default() }, None, 100)
            .await
            .unwrap();
        assert_eq!(page.items.len(), 20, "refused writes are not stored");
        let report = db.verify_all().await.unwrap();
        assert_eq!(report.events, 20);
        assert!(report.broken.is_empty() && report.drifted.is_empty());
    })
    .await;
}
