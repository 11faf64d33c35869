//! PAKN storage contract, on SQLite and on PostgreSQL: codes, events, actions, lists and the
//! facts the 766 index reads.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::{calendar, officer, on_both, vn};
use motcua_domain::dossier::SecretHash;
use motcua_domain::index::IndexInputs;
use motcua_domain::pakn::{
    PaknDeadlines, PaknError, Petition, PetitionCode, PetitionCommand, PetitionForm, PetitionStatus, decide_with,
};
use motcua_domain::ports::{
    ExecuteError, IndexScope, IndexStore, PetitionCreation, PetitionFilter, PetitionStore, StoreError,
};
use motcua_domain::staff::{Actor, Role};
use motcua_domain::unit::UnitCode;
use motcua_storage::Db;

fn creation(unit: &str, at: DateTime<Utc>) -> PetitionCreation {
    let form = PetitionForm {
        unit: unit.into(),
        topic: "procedure".into(),
        title: "Hồ sơ chậm".into(),
        content: "Hồ sơ khai sinh của con tôi quá hạn chưa trả.".into(),
        name: "Phạm Thị Dung".into(),
        phone: "0912345678".into(),
        ..Default::default()
    };
    let submission = Petition::submission(form.check().unwrap(), at, &calendar(), &PaknDeadlines::default());
    PetitionCreation { submission, at, secret: SecretHash::of("bi-mat-1") }
}

async fn run(
    db: &Db,
    code: &PetitionCode,
    actor: &Actor,
    at: DateTime<Utc>,
    cmd: PetitionCommand,
) -> Result<Petition, ExecuteError<PaknError>> {
    let cal = calendar();
    db.execute_petition(code, actor, at, |p| decide_with(p, actor, &cmd, at, &cal, &PaknDeadlines::default())).await
}

#[tokio::test]
async fn codes_count_per_unit_and_day_and_unknown_units_write_nothing() {
    on_both(|db| async move {
        let at = vn(2026, 11, 30, 9, 0);
        let a = db.create_petition(creation("28777", at)).await.unwrap();
        let b = db.create_petition(creation("28777", at + Duration::minutes(5))).await.unwrap();
        let c = db.create_petition(creation("28756", at)).await.unwrap();
        let next_day = db.create_petition(creation("28777", vn(2026, 12, 1, 8, 0))).await.unwrap();
        assert_eq!(a.code.to_string(), "PAKN-28777-261130-0001");
        assert_eq!(b.code.to_string(), "PAKN-28777-261130-0002");
        assert_eq!(c.code.to_string(), "PAKN-28756-261130-0001");
        assert_eq!(next_day.code.to_string(), "PAKN-28777-261201-0001");
        assert!(matches!(db.create_petition(creation("99999", at)).await, Err(StoreError::NotFound)));
        assert_eq!(db.create_petition(creation("28777", at)).await.unwrap().code.seq(), 3, "no gap after the refusal");
        let stored = db.petition(&a.code).await.unwrap().unwrap();
        assert_eq!(stored, a);
        assert!(db.petition_secret(&a.code).await.unwrap().unwrap().matches("bi-mat-1"));
        let events = db.petition_events(&a.code).await.unwrap();
        assert_eq!((events.len(), events[0].seq, events[0].actor.as_str()), (1, 1, "citizen"));
    })
    .await;
}

#[tokio::test]
async fn actions_append_events_and_a_refused_action_changes_nothing() {
    on_both(|db| async move {
        let at = vn(2026, 11, 30, 9, 0);
        let p = db.create_petition(creation("28777", at)).await.unwrap();
        let other = officer(Role::Specialist, "28756");
        let answer = || PetitionCommand::Answer { answer: "Đã trả kết quả.".into() };
        let refused = run(&db, &p.code, &other, at + Duration::hours(1), answer()).await;
        assert!(matches!(refused, Err(ExecuteError::Rejected(PaknError::OtherUnit(_)))));
        assert_eq!(db.petition(&p.code).await.unwrap().unwrap(), p);
        assert_eq!(db.petition_events(&p.code).await.unwrap().len(), 1);

        let me = officer(Role::Specialist, "28777");
        let asked = run(
            &db,
            &p.code,
            &me,
            at + Duration::hours(1),
            PetitionCommand::RequestInfo { question: "Mã hồ sơ?".into() },
        )
        .await
        .unwrap();
        assert_eq!(asked.status, PetitionStatus::AwaitingCitizen);
        let back = PetitionCommand::ProvideInfo { reply: "000.00.12.H62-261123-0001".into() };
        run(&db, &p.code, &Actor::Citizen, at + Duration::days(1), back).await.unwrap();
        let done = run(&db, &p.code, &me, at + Duration::days(2), answer()).await.unwrap();
        assert_eq!((done.status, done.ended_on_time()), (PetitionStatus::Answered, Some(true)));
        let events = db.petition_events(&p.code).await.unwrap();
        let seqs: Vec<u32> = events.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [1, 2, 3, 4]);
        assert_eq!(events[3].actor, me.label());
        assert_eq!(db.petition(&p.code).await.unwrap().unwrap(), done);
        let missing = PetitionCode::parse("PAKN-28777-261130-0099").unwrap();
        assert!(matches!(run(&db, &missing, &me, at, answer()).await, Err(ExecuteError::Store(StoreError::NotFound))));
    })
    .await;
}

#[tokio::test]
async fn lists_are_scoped_and_the_index_reads_the_period_s_petitions() {
    on_both(|db| async move {
        let at = vn(2026, 11, 30, 9, 0);
        let first = db.create_petition(creation("28777", at)).await.unwrap();
        let second = db.create_petition(creation("28777", at + Duration::hours(1))).await.unwrap();
        db.create_petition(creation("28756", at)).await.unwrap();
        db.create_petition(creation("28777", vn(2026, 10, 15, 9, 0))).await.unwrap();
        let me = officer(Role::Leader, "28777");
        run(&db, &first.code, &me, at + Duration::hours(2), PetitionCommand::Answer { answer: "Xong.".into() })
            .await
            .unwrap();
        let unit = UnitCode::parse("28777").unwrap();
        let mine =
            db.petitions(&PetitionFilter { unit: Some(unit.clone()), limit: 50, ..Default::default() }).await.unwrap();
        let codes: Vec<String> = mine.iter().map(|p| p.code.to_string()).collect();
        // Open first (by deadline), then the others newest first.
        assert_eq!(
            codes,
            ["PAKN-28777-261015-0001", second.code.to_string().as_str(), first.code.to_string().as_str()]
        );
        let open = PetitionFilter {
            unit: Some(unit.clone()),
            status: Some(PetitionStatus::Answered),
            limit: 50,
            ..Default::default()
        };
        assert_eq!(db.petitions(&open).await.unwrap().len(), 1);
        let province =
            PetitionFilter { province: Some(UnitCode::parse("86").unwrap()), limit: 50, ..Default::default() };
        assert_eq!(db.petitions(&province).await.unwrap().len(), 4);

        let (from, to) = (vn(2026, 11, 1, 0, 0), vn(2026, 12, 1, 0, 0));
        let inputs: IndexInputs = db.index_inputs(&IndexScope::Unit(unit), from, to).await.unwrap();
        assert_eq!(inputs.petitions.len(), 2);
        assert_eq!(inputs.petitions.iter().filter(|p| p.ended_on_time == Some(true)).count(), 1);
        let all = db.index_inputs(&IndexScope::Province(UnitCode::parse("86").unwrap()), from, to).await.unwrap();
        assert_eq!(all.petitions.len(), 3);
    })
    .await;
}

#[tokio::test]
async fn a_transferred_petition_is_listed_and_counted_for_its_new_unit() {
    on_both(|db| async move {
        let at = vn(2026, 11, 30, 9, 0);
        let p = db.create_petition(creation("28777", at)).await.unwrap();
        let (old, new) = (UnitCode::parse("28777").unwrap(), UnitCode::parse("28756").unwrap());
        let transfer =
            PetitionCommand::Transfer { to: "28756".into(), reason: "Thuộc thẩm quyền phường khác.".into() };
        let moved =
            run(&db, &p.code, &officer(Role::Specialist, "28777"), vn(2026, 12, 1, 9, 0), transfer).await.unwrap();
        assert_eq!(db.petition(&p.code).await.unwrap().unwrap(), moved);
        assert_eq!(moved.unit, new);
        let events = db.petition_events(&p.code).await.unwrap();
        assert_eq!(events.last().unwrap().event.name(), "transferred");
        let listed = |u: &UnitCode| PetitionFilter { unit: Some(u.clone()), limit: 50, ..Default::default() };
        assert!(db.petitions(&listed(&old)).await.unwrap().is_empty());
        assert_eq!(db.petitions(&listed(&new)).await.unwrap().len(), 1);
        // The 766 index attributes it to the unit handling it, against the restarted deadline.
        let (from, to) = (vn(2026, 11, 1, 0, 0), vn(2027, 1, 1, 0, 0));
        assert!(db.index_inputs(&IndexScope::Unit(old), from, to).await.unwrap().petitions.is_empty());
        let facts = db.index_inputs(&IndexScope::Unit(new.clone()), from, to).await.unwrap().petitions;
        assert_eq!((facts.len(), facts[0].settle_due), (1, moved.settle_due));
        assert!(moved.settle_due > p.settle_due);
        // Publishing the answer records whether the 2-working-day deadline was met.
        let staff = officer(Role::Specialist, "28756");
        let answer = PetitionCommand::Answer { answer: "Đã xử lý.".into() };
        run(&db, &p.code, &staff, vn(2026, 12, 2, 9, 0), answer).await.unwrap();
        let published = run(&db, &p.code, &staff, vn(2026, 12, 3, 9, 0), PetitionCommand::Publish).await.unwrap();
        assert_eq!(published.published_on_time, Some(true));
        assert_eq!(db.petition(&p.code).await.unwrap().unwrap(), published);
    })
    .await;
}
