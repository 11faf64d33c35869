//! The notification outbox on SQLite and PostgreSQL: a notice is queued iff the change that
//! concerns the citizen commits, once per (event, channel); retries, acceptance, delivery
//! reports and the fallback channel are recorded and visible per dossier.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::{NoFollowUp, on_both, procedure};
use motcua_domain::calendar::{CalendarData, WorkCalendar};
use motcua_domain::dossier::{Command, Context, Dossier, DossierCode, LifecycleError, decide};
use motcua_domain::notify::outbox::{NotifyOutcome, NotifyStore};
use motcua_domain::notify::{Channel, NoticeKind};
use motcua_domain::ports::{Creation, DossierStore, ExecuteError};
use motcua_domain::staff::{Actor, Role, StaffId};
use motcua_domain::unit::UnitCode;
use motcua_storage::Db;

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap()
}

fn creation(email: Option<&str>, phone: Option<&str>) -> Creation {
    let mut c = common::creation("28777", at());
    c.new.applicant.email = email.map(str::to_string);
    c.new.applicant.phone = phone.map(str::to_string);
    c
}

fn intake() -> Actor {
    Actor::Staff {
        id: StaffId(1),
        username: "t".into(),
        role: Role::IntakeOfficer,
        unit: UnitCode::parse("28777").unwrap(),
    }
}

async fn command(db: &Db, code: &DossierCode, cmd: Command) -> Result<Dossier, ExecuteError<LifecycleError>> {
    let (p, data) = (procedure("1.001193"), CalendarData::vietnam());
    let cal = WorkCalendar::new(&data, data.latest_version(), Default::default());
    let now = at() + Duration::minutes(10);
    let actor = intake();
    db.execute(code, &actor, now, |d| {
        decide(d, &actor, &cmd, &Context { now, calendar: &cal, calendar_version: 0, procedure: &p })
    })
    .await
}

/// (key, channel, recipient, status) of every row, in id order.
async fn rows(db: &Db) -> Vec<(String, String, String, String)> {
    sqlx::query_as("SELECT idempotency_key, channel, recipient, status FROM notify_outbox ORDER BY id")
        .fetch_all(db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_notice_is_queued_iff_a_change_concerning_the_citizen_commits() {
    on_both(|db| async move {
        let d = db.create(creation(Some("an@example.vn"), Some("0912 345 678")), None::<NoFollowUp>).await.unwrap();
        let code = d.code.to_string();
        assert!(rows(&db).await.is_empty(), "a submission alone is not told");
        command(&db, &d.code, Command::Receive).await.unwrap();
        let r = rows(&db).await;
        assert_eq!(r, vec![(format!("{code}:2:email"), "email".into(), "an@example.vn".into(), "queued".into())]);
        // A refused command (receiving twice) changes nothing.
        command(&db, &d.code, Command::Receive).await.unwrap_err();
        assert_eq!(rows(&db).await.len(), 1, "a refused command queues nothing");
        command(&db, &d.code, Command::RequestSupplement { missing: "Bản sao giấy chứng sinh".into() }).await.unwrap();
        let sent = db.notices(&code).await.unwrap();
        assert_eq!(
            sent.iter().map(|m| (m.seq, m.kind)).collect::<Vec<_>>(),
            [(2, NoticeKind::Received), (3, NoticeKind::Supplement)]
        );
        let m = db.claim_notices(at() + Duration::hours(1), Duration::seconds(30), 10).await.unwrap();
        assert_eq!(m[1].notice.params["missing"], "Bản sao giấy chứng sinh");
        assert!(m[0].notice.params["due"].ends_with("/2026"));
        // Without any contact, nothing is queued; with a phone only, SMS in international form.
        let silent = db.create(creation(None, None), None::<NoFollowUp>).await.unwrap();
        command(&db, &silent.code, Command::Receive).await.unwrap();
        let sms = db.create(creation(None, Some("0912345678")), None::<NoFollowUp>).await.unwrap();
        command(&db, &sms.code, Command::Refuse { reason: "Thiếu tờ khai".into() }).await.unwrap();
        let r = rows(&db).await;
        assert_eq!(r.len(), 3);
        assert_eq!((r[2].1.as_str(), r[2].2.as_str()), ("sms", "84912345678"));
    })
    .await;
}

#[tokio::test]
async fn retries_acceptance_reports_and_fallback_are_recorded_once() {
    on_both(|db| async move {
        let d = db.create(creation(Some("an@example.vn"), Some("0912345678")), None::<NoFollowUp>).await.unwrap();
        command(&db, &d.code, Command::Receive).await.unwrap();
        let code = d.code.to_string();
        let (now, lease) = (at() + Duration::hours(1), Duration::seconds(30));
        let m = db.claim_notices(now, lease, 10).await.unwrap();
        assert_eq!((m.len(), m[0].attempts, m[0].key.clone()), (1, 1, format!("{code}:2:email")));
        assert!(db.claim_notices(now, lease, 10).await.unwrap().is_empty(), "a leased message is not claimed twice");
        let retry = NotifyOutcome::Retry {
            id: m[0].id,
            error: "421 busy".into(),
            at: now,
            retry_at: now + Duration::seconds(5),
        };
        db.record_notices(&[retry], 3).await.unwrap();
        assert!(db.claim_notices(now, lease, 10).await.unwrap().is_empty(), "backoff is honoured");
        let m = db.claim_notices(now + Duration::seconds(5), lease, 10).await.unwrap();
        assert_eq!(m[0].attempts, 2);
        // A permanent failure queues the SMS fallback exactly once.
        let failed = NotifyOutcome::Failed { id: m[0].id, error: "550 no such user".into(), at: now };
        db.record_notices(std::slice::from_ref(&failed), 3).await.unwrap();
        db.record_notices(&[failed], 3).await.unwrap();
        let sent = db.notices(&code).await.unwrap();
        assert_eq!(sent.len(), 2);
        assert_eq!((sent[0].status.as_str(), sent[0].error.as_deref()), ("failed", Some("550 no such user")));
        assert_eq!((sent[1].channel, sent[1].status.as_str()), (Channel::Sms, "queued"));
        let m = db.claim_notices(now, lease, 10).await.unwrap();
        assert_eq!((m.len(), m[0].key.clone()), (1, format!("{code}:2:sms")));
        let ok = NotifyOutcome::Accepted { id: m[0].id, provider_id: "gw-1".into(), at: now };
        db.record_notices(&[ok], 3).await.unwrap();
        assert_eq!(db.notices(&code).await.unwrap()[1].status, "accepted");
        assert!(!db.delivery_report("gw-unknown", true, None, now).await.unwrap());
        assert!(db.delivery_report("gw-1", true, None, now).await.unwrap());
        let sent = db.notices(&code).await.unwrap();
        assert_eq!((sent[1].status.as_str(), sent[1].provider_id.as_deref()), ("delivered", Some("gw-1")));
        assert!(
            db.claim_notices(now + Duration::days(1), lease, 10).await.unwrap().is_empty(),
            "nothing is sent twice"
        );
    })
    .await;
}

#[tokio::test]
async fn retries_stop_after_max_attempts_and_a_failed_report_is_kept_with_its_reason() {
    on_both(|db| async move {
        let d = db.create(creation(None, Some("0912345678")), None::<NoFollowUp>).await.unwrap();
        command(&db, &d.code, Command::Receive).await.unwrap();
        let now = at() + Duration::hours(1);
        let m = db.claim_notices(now, Duration::seconds(30), 10).await.unwrap();
        let retry = NotifyOutcome::Retry { id: m[0].id, error: "HTTP 503".into(), at: now, retry_at: now };
        db.record_notices(&[retry], 1).await.unwrap();
        let sent = db.notices(&d.code.to_string()).await.unwrap();
        assert_eq!(sent.len(), 1, "no fallback channel without an e-mail");
        assert_eq!(sent[0].status, "failed");
        assert!(sent[0].error.as_deref().unwrap().starts_with("HTTP 503"));
        let d2 = db.create(creation(None, Some("0912345679")), None::<NoFollowUp>).await.unwrap();
        command(&db, &d2.code, Command::Receive).await.unwrap();
        let m = db.claim_notices(now, Duration::seconds(30), 10).await.unwrap();
        db.record_notices(&[NotifyOutcome::Accepted { id: m[0].id, provider_id: "gw-9".into(), at: now }], 3)
            .await
            .unwrap();
        assert!(db.delivery_report("gw-9", false, Some("handset unreachable"), now).await.unwrap());
        let sent = db.notices(&d2.code.to_string()).await.unwrap();
        assert_eq!(sent[0].status, "failed");
        assert!(sent[0].error.as_deref().unwrap().contains("handset unreachable"));
    })
    .await;
}
