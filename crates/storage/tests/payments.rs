//! The payment store contract, on SQLite and PostgreSQL: payments open for what a dossier owes,
//! every transition lands on the dossier's hash chain, reports apply once, refused reports change
//! nothing, and a confirmed paid wins over an earlier expiry.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::{NoFollowUp, on_both, procedure, vn};
use motcua_domain::dossier::{Applicant, Channel, Component, Dossier, DossierCode, EventKind, SecretHash, Submission};
use motcua_domain::identity::ApplicantId;
use motcua_domain::payment::{Payment, PaymentError, PaymentMethod, PaymentRef, PaymentState, Report};
use motcua_domain::ports::{
    Creation, DossierStore, ExecuteError, Mismatch, NewPayment, PaymentStore, Recorded, StoreError,
};
use motcua_domain::staff::Actor;
use motcua_domain::unit::UnitCode;
use motcua_storage::Db;

/// Two certified copies of an extract (2.000635, 8,000 đồng per copy): 16,000 đồng owed.
async fn dossier_with_fee(db: &Db, at: DateTime<Utc>) -> Dossier {
    let p = procedure("2.000635");
    let submission = Submission {
        procedure: p.code.clone(),
        unit: UnitCode::parse("28777").unwrap(),
        channel: Channel::Online,
        applicant: Applicant {
            name: "Lê Thị Cúc".into(),
            id_number: ApplicantId::parse("086190012345").unwrap(),
            phone: None,
            email: None,
            address: None,
            birth_date: None,
        },
        components: p
            .components
            .iter()
            .map(|c| Component {
                code: c.code.clone(),
                name: c.name.clone(),
                file_sha256: None,
                digitized: true,
                reused: false,
                from_citizen_store: false,
            })
            .collect(),
        copies: 2,
        identity_verified: false,
    };
    let creation =
        Creation { new: submission.check(&p).unwrap(), actor: Actor::Citizen, at, secret: SecretHash::of("s") };
    let d = db.create(creation, None::<NoFollowUp>).await.unwrap();
    assert_eq!(d.fee_total(), 16_000);
    d
}

fn reference(n: u64) -> PaymentRef {
    PaymentRef::generate(0xABCD_0000 + n)
}

async fn open(db: &Db, code: &DossierCode, n: u64, at: DateTime<Utc>) -> Payment {
    db.open_payment(NewPayment {
        reference: reference(n),
        dossier: code.clone(),
        method: PaymentMethod::Vnpay,
        order_info: format!("Lệ phí hồ sơ {code}"),
        actor: Actor::Citizen,
        at,
        expires_at: at + Duration::minutes(15),
        first_check_at: Some(at + Duration::minutes(5)),
    })
    .await
    .unwrap()
}

fn paid(amount: i64, at: DateTime<Utc>) -> Report {
    Report { to: PaymentState::Paid, amount, gateway_txn: Some("14123456".into()), at }
}

/// The dossier's version and the number of stored events: what "nothing changed" compares.
async fn footprint(db: &Db, code: &DossierCode) -> (u32, usize, u8) {
    let d = db.dossier(code).await.unwrap().unwrap();
    (d.version, db.events(code).await.unwrap().len(), d.online_payment)
}

async fn chains_intact(db: &Db) {
    let report = db.verify_all().await.unwrap();
    assert!(report.broken.is_empty() && report.drifted.is_empty(), "{:?} {:?}", report.broken, report.drifted);
}

#[tokio::test]
async fn a_verified_payment_is_recorded_on_the_chain_and_sets_the_online_flag() {
    on_both(|db| async move {
        let t = vn(2026, 11, 23, 9, 0);
        let d = dossier_with_fee(&db, t).await;
        let p = open(&db, &d.code, 1, t).await;
        assert_eq!((p.amount, p.state, p.unit.as_str()), (16_000, PaymentState::Pending, "28777"));
        assert_eq!(footprint(&db, &d.code).await, (2, 2, 0));
        let r = db.report(&p.reference, &paid(16_000, t + Duration::minutes(2)), &Actor::System).await.unwrap();
        let Recorded::Moved(after) = r else { panic!("{r:?}") };
        assert_eq!((after.state, after.gateway_txn.as_deref()), (PaymentState::Paid, Some("14123456")));
        assert_eq!(footprint(&db, &d.code).await, (3, 3, 2));
        let events = db.events(&d.code).await.unwrap();
        assert!(matches!(
            &events[2].event.kind,
            EventKind::PaymentRecorded { state: PaymentState::Paid, amount: 16_000, .. }
        ));
        assert_eq!(db.payment(&p.reference).await.unwrap().unwrap().paid_at, Some(t + Duration::minutes(2)));
        assert_eq!(db.dossier_payments(&d.code).await.unwrap().len(), 1);
        // Nothing is owed any more.
        let again = db
            .open_payment(NewPayment {
                reference: reference(2),
                dossier: d.code.clone(),
                method: PaymentMethod::Vnpay,
                order_info: "x".into(),
                actor: Actor::Citizen,
                at: t,
                expires_at: t,
                first_check_at: None,
            })
            .await;
        assert!(matches!(again, Err(ExecuteError::Rejected(PaymentError::AlreadyPaid))), "{again:?}");
        chains_intact(&db).await;
    })
    .await;
}

#[tokio::test]
async fn refused_reports_change_nothing() {
    on_both(|db| async move {
        let t = vn(2026, 11, 23, 9, 0);
        let d = dossier_with_fee(&db, t).await;
        let p = open(&db, &d.code, 1, t).await;
        let before = footprint(&db, &d.code).await;
        let wrong = db.report(&p.reference, &paid(1_600, t), &Actor::System).await;
        assert!(
            matches!(
                wrong,
                Err(ExecuteError::Rejected(PaymentError::WrongAmount { expected: 16_000, reported: 1_600 }))
            ),
            "{wrong:?}"
        );
        let unknown = db.report(&reference(99), &paid(16_000, t), &Actor::System).await;
        assert!(matches!(unknown, Err(ExecuteError::Store(StoreError::NotFound))), "{unknown:?}");
        assert_eq!(footprint(&db, &d.code).await, before);
        assert_eq!(db.payment(&p.reference).await.unwrap().unwrap(), p);
        // A birth registration owes nothing.
        let free = db.create(common::creation("28777", t), None::<NoFollowUp>).await.unwrap();
        let r = db
            .open_payment(NewPayment {
                reference: reference(3),
                dossier: free.code.clone(),
                method: PaymentMethod::Vnpay,
                order_info: "x".into(),
                actor: Actor::Citizen,
                at: t,
                expires_at: t,
                first_check_at: None,
            })
            .await;
        assert!(matches!(r, Err(ExecuteError::Rejected(PaymentError::NothingOwed))), "{r:?}");
        assert_eq!(footprint(&db, &free.code).await, (1, 1, 0));
    })
    .await;
}

#[tokio::test]
async fn replayed_and_concurrent_duplicate_reports_apply_once() {
    on_both(|db| async move {
        let t = vn(2026, 11, 23, 9, 0);
        let d = dossier_with_fee(&db, t).await;
        let p = open(&db, &d.code, 1, t).await;
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (db, r) = (db.clone(), p.reference.clone());
            tasks.push(tokio::spawn(async move { db.report(&r, &paid(16_000, t), &Actor::System).await.unwrap() }));
        }
        let mut moved = 0;
        for task in tasks {
            match task.await.unwrap() {
                Recorded::Moved(_) => moved += 1,
                Recorded::Unchanged(p) => assert_eq!(p.state, PaymentState::Paid),
            }
        }
        assert_eq!(moved, 1);
        assert_eq!(footprint(&db, &d.code).await, (3, 3, 2));
        let replay = db.report(&p.reference, &paid(16_000, t + Duration::hours(1)), &Actor::System).await.unwrap();
        assert!(matches!(replay, Recorded::Unchanged(_)));
        assert_eq!(footprint(&db, &d.code).await, (3, 3, 2));
        chains_intact(&db).await;
    })
    .await;
}

#[tokio::test]
async fn a_late_paid_wins_over_expiry_and_nothing_leaves_paid() {
    on_both(|db| async move {
        let t = vn(2026, 11, 23, 9, 0);
        let d = dossier_with_fee(&db, t).await;
        let p = open(&db, &d.code, 1, t).await;
        let expire = Report { to: PaymentState::Expired, amount: 0, gateway_txn: None, at: t + Duration::minutes(20) };
        assert!(matches!(db.report(&p.reference, &expire, &Actor::System).await.unwrap(), Recorded::Moved(_)));
        assert_eq!(footprint(&db, &d.code).await, (3, 3, 0));
        let late = db.report(&p.reference, &paid(16_000, t + Duration::minutes(30)), &Actor::System).await.unwrap();
        assert!(matches!(late, Recorded::Moved(ref x) if x.state == PaymentState::Paid));
        let failed = Report { to: PaymentState::Failed, amount: 16_000, gateway_txn: None, at: t + Duration::hours(1) };
        assert!(matches!(db.report(&p.reference, &failed, &Actor::System).await.unwrap(), Recorded::Unchanged(_)));
        assert_eq!(db.payment(&p.reference).await.unwrap().unwrap().state, PaymentState::Paid);
        assert_eq!(footprint(&db, &d.code).await, (4, 4, 2));
        chains_intact(&db).await;
    })
    .await;
}

#[tokio::test]
async fn open_payments_are_checked_on_schedule_and_mismatches_are_kept() {
    on_both(|db| async move {
        let t = vn(2026, 11, 23, 9, 0);
        let d = dossier_with_fee(&db, t).await;
        let p = open(&db, &d.code, 1, t).await;
        assert!(db.due_checks(t, 10).await.unwrap().is_empty());
        let due = db.due_checks(t + Duration::minutes(5), 10).await.unwrap();
        assert_eq!((due.len(), due[0].checks), (1, 0));
        db.schedule_check(&p.reference, Some(t + Duration::minutes(15)), Some("timeout".into())).await.unwrap();
        assert!(db.due_checks(t + Duration::minutes(10), 10).await.unwrap().is_empty());
        assert_eq!(db.due_checks(t + Duration::minutes(15), 10).await.unwrap()[0].checks, 1);
        db.report(&p.reference, &paid(16_000, t + Duration::minutes(12)), &Actor::System).await.unwrap();
        assert!(db.due_checks(t + Duration::days(1), 10).await.unwrap().is_empty());
        // A late schedule of a settled payment does not reopen its checks.
        db.schedule_check(&p.reference, Some(t), None).await.unwrap();
        assert!(db.due_checks(t + Duration::days(1), 10).await.unwrap().is_empty());
        let m = Mismatch {
            reference: p.reference.to_string(),
            source: "querydr".into(),
            ours: "paid".into(),
            theirs: "failed".into(),
            detail: "Cổng thanh toán báo lỗi".into(),
            at: t + Duration::hours(2),
        };
        db.record_mismatch(&m).await.unwrap();
        assert_eq!(db.mismatches(t, t + Duration::days(1)).await.unwrap(), vec![m]);
        assert!(db.mismatches(t + Duration::days(1), t + Duration::days(2)).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn statement_credits_pay_what_is_owed_once_and_leave_the_rest_to_an_officer() {
    use motcua_domain::payment::statement::{Matcher, Outcome, parse_statement};
    on_both(|db| async move {
        let t = vn(2026, 11, 23, 9, 0);
        let d = dossier_with_fee(&db, t).await;
        let other = dossier_with_fee(&db, t).await;
        let owed = db.owed("28777").await.unwrap();
        assert_eq!(owed.len(), 2);
        assert!(owed.iter().all(|o| o.due == 16_000));
        // A typo in the code (a dropped dot, a digit mistyped), then an unreadable memo.
        let typo = d.code.to_string().replacen('.', "", 1).replace("-261123-", "-261l23-");
        let csv = format!(
            "Ngày giao dịch;Số tham chiếu;Ghi có;Nội dung\n23/11/2026;FT01;16.000;CHUYEN KHOAN {typo}\n23/11/2026;FT02;16.000;LE PHI\n"
        );
        let credits = parse_statement(csv.as_bytes()).unwrap();
        let outcomes = Matcher::new(owed).run(&credits);
        assert_eq!(outcomes[0], Outcome::Matched(d.code.clone()), "{typo}");
        let items: Vec<_> = credits.into_iter().zip(outcomes).collect();
        let summary = db.import_credits("28777", &items, t + Duration::hours(1)).await.unwrap();
        assert_eq!((summary.matched, summary.ambiguous, summary.unmatched, summary.duplicates), (1, 1, 0, 0));
        let paid = db.dossier_payments(&d.code).await.unwrap();
        assert_eq!(
            (paid.len(), paid[0].state, paid[0].method, paid[0].gateway_txn.as_deref()),
            (1, PaymentState::Paid, PaymentMethod::VietQr, Some("FT01"))
        );
        assert_eq!(footprint(&db, &d.code).await, (2, 2, 2));
        assert_eq!(footprint(&db, &other.code).await, (1, 1, 0));
        // Importing the same statement again changes nothing.
        let again = db.import_credits("28777", &items, t + Duration::hours(2)).await.unwrap();
        assert_eq!(again.duplicates, 2);
        assert_eq!(footprint(&db, &d.code).await, (2, 2, 2));
        let open = db.bank_credits("28777", true).await.unwrap();
        assert_eq!((open.len(), open[0].bank_ref.as_str(), open[0].status.as_str()), (1, "FT02", "ambiguous"));
        assert_eq!(db.bank_credits("28777", false).await.unwrap().len(), 2);
        assert_eq!(db.owed("28777").await.unwrap().len(), 1);
        // An officer assigns the ambiguous credit: not to the paid dossier, then to the other.
        let officer = common::officer(motcua_domain::staff::Role::IntakeOfficer, "28777");
        let later = t + Duration::hours(3);
        let paid_one = db.resolve_credit("28777", open[0].id, &d.code, &officer, later).await;
        assert!(matches!(paid_one, Err(ExecuteError::Rejected(PaymentError::AlreadyPaid))), "{paid_one:?}");
        let p = db.resolve_credit("28777", open[0].id, &other.code, &officer, later).await.unwrap();
        assert_eq!((p.state, p.amount, p.gateway_txn.as_deref()), (PaymentState::Paid, 16_000, Some("FT02")));
        assert_eq!(footprint(&db, &other.code).await, (2, 2, 2));
        let again = db.resolve_credit("28777", open[0].id, &other.code, &officer, later).await;
        assert!(matches!(again, Err(ExecuteError::Store(StoreError::NotFound))), "{again:?}");
        assert!(db.bank_credits("28777", true).await.unwrap().is_empty());
        chains_intact(&db).await;
    })
    .await;
}
