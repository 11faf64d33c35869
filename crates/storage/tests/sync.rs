//! The sync outbox on SQLite and PostgreSQL: a change's outbox row is written iff the change
//! commits; claims follow per-dossier order; a dead message blocks only its own dossier.
//!
//! PostgreSQL is taken from `MOTCUA_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`).

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::{NoFollowUp, on_both, procedure};
use motcua_domain::calendar::{CalendarData, WorkCalendar};
use motcua_domain::dossier::{Command, Context, Dossier, DossierCode, LifecycleError, decide};
use motcua_domain::ports::{Creation, DVCQG, Delivery, DossierStore, ExecuteError, FollowUp, StoreError, SyncStore};
use motcua_domain::staff::{Actor, Role, StaffId};
use motcua_domain::unit::UnitCode;
use motcua_storage::Db;

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap()
}

fn creation() -> Creation {
    common::creation("28777", at())
}

fn intake() -> Actor {
    Actor::Staff {
        id: StaffId(1),
        username: "t".into(),
        role: Role::IntakeOfficer,
        unit: UnitCode::parse("28777").unwrap(),
    }
}

async fn command(
    db: &Db,
    code: &DossierCode,
    actor: &Actor,
    cmd: Command,
) -> Result<Dossier, ExecuteError<LifecycleError>> {
    let (p, data) = (procedure("1.001193"), CalendarData::vietnam());
    let cal = WorkCalendar::new(&data, data.latest_version(), Default::default());
    let now = at() + Duration::minutes(10);
    db.execute(code, actor, now, |d| {
        decide(d, actor, &cmd, &Context { now, calendar: &cal, calendar_version: 0, procedure: &p })
    })
    .await
}

/// (dossier, seq, key, status, attempts) of every outbox row, in id order.
async fn outbox(db: &Db) -> Vec<(String, i64, String, String, i64)> {
    sqlx::query_as("SELECT dossier_code, seq, idempotency_key, status, attempts FROM sync_outbox ORDER BY id")
        .fetch_all(db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn an_outbox_row_is_written_iff_the_change_commits() {
    on_both(|db| async move {
        let d = db.create(creation(), None::<NoFollowUp>).await.unwrap();
        let code = d.code.to_string();
        assert_eq!(outbox(&db).await, vec![(code.clone(), 1, format!("{code}:1"), "queued".into(), 0)]);
        // A refused command (a citizen cannot receive) writes neither an event nor an outbox row.
        command(&db, &d.code, &Actor::Citizen, Command::Receive).await.unwrap_err();
        assert_eq!(outbox(&db).await.len(), 1);
        // A creation whose follow-up is refused leaves nothing.
        let refuse = |_: &Dossier| -> Result<Vec<FollowUp>, LifecycleError> { Err(LifecycleError::ReasonRequired) };
        db.create(creation(), Some(refuse)).await.unwrap_err();
        assert_eq!(outbox(&db).await.len(), 1);
        // A committed command adds one row with its event's seq.
        command(&db, &d.code, &intake(), Command::Receive).await.unwrap();
        let rows = outbox(&db).await;
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[1].1, rows[1].2.as_str()), (2, format!("{code}:2").as_str()));
        let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dossier_events").fetch_one(db.pool()).await.unwrap();
        assert_eq!(events, 2, "one outbox row per committed change, none for refused ones");
    })
    .await;
}

#[tokio::test]
async fn claims_keep_per_dossier_order_and_a_dead_message_blocks_only_its_dossier() {
    on_both(|db| async move {
        let a = db.create(creation(), None::<NoFollowUp>).await.unwrap();
        command(&db, &a.code, &intake(), Command::Receive).await.unwrap();
        let b = db.create(creation(), None::<NoFollowUp>).await.unwrap();
        let now = at() + Duration::hours(1);
        let lease = Duration::seconds(30);
        let first = db.claim(DVCQG, now, lease, 10).await.unwrap();
        let keys: Vec<_> = first.iter().map(|m| m.key.clone()).collect();
        assert_eq!(keys, vec![format!("{}:1", a.code), format!("{}:1", b.code)], "seq 2 waits for seq 1");
        assert!(db.claim(DVCQG, now, lease, 10).await.unwrap().is_empty(), "leased messages are not claimed twice");
        // a:1 fails for good (one attempt allowed); b:1 is delivered.
        let fail = Delivery::Failed { id: first[0].id, error: "HTTP 500".into(), at: now, retry_at: now };
        let ok = Delivery::Delivered { id: first[1].id, ack: "ack-1".into(), at: now };
        db.record(&[fail, ok], 1).await.unwrap();
        let status = db.sync_status().await.unwrap();
        assert_eq!((status[0].pending, status[0].retrying, status[0].dead, status[0].delivered), (1, 0, 1, 1));
        assert_eq!(status[0].oldest_undelivered_at, Some(at()));
        assert!(db.claim(DVCQG, now, lease, 10).await.unwrap().is_empty(), "a:2 is held back by the dead a:1");
        let c = db.create(creation(), None::<NoFollowUp>).await.unwrap();
        let other = db.claim(DVCQG, now, lease, 10).await.unwrap();
        assert_eq!(other.len(), 1);
        assert_eq!(other[0].dossier, c.code.to_string(), "other dossiers still flow");
        let dead = db.dead_messages(10).await.unwrap();
        assert_eq!((dead.len(), dead[0].last_error.as_deref()), (1, Some("HTTP 500")));
        // Replayed, a:1 is claimed again with fresh attempts; once delivered, a:2 follows.
        db.replay(dead[0].id, now).await.unwrap();
        assert!(matches!(db.replay(dead[0].id, now).await, Err(StoreError::NotFound)));
        let again = db.claim(DVCQG, now, lease, 10).await.unwrap();
        assert_eq!((again.len(), again[0].key.clone(), again[0].attempts), (1, format!("{}:1", a.code), 1));
        db.record(&[Delivery::Delivered { id: again[0].id, ack: "ack-2".into(), at: now }], 8).await.unwrap();
        let next = db.claim(DVCQG, now, lease, 10).await.unwrap();
        assert_eq!(next.iter().map(|m| m.key.clone()).collect::<Vec<_>>(), vec![format!("{}:2", a.code)]);
    })
    .await;
}

#[tokio::test]
async fn a_rejected_message_is_dead_at_once_with_its_reason_and_an_ack_always_wins() {
    on_both(|db| async move {
        let a = db.create(creation(), None::<NoFollowUp>).await.unwrap();
        let b = db.create(creation(), None::<NoFollowUp>).await.unwrap();
        let now = at() + Duration::hours(1);
        let lease = Duration::seconds(30);
        let claimed = db.claim(DVCQG, now, lease, 10).await.unwrap();
        let rejected = Delivery::Rejected { id: claimed[0].id, error: "HTTP 422: ChuHoSo".into(), at: now };
        // b fails with attempts to spare (8 allowed): it is retried, not dead.
        let failed = Delivery::Failed { id: claimed[1].id, error: "HTTP 503".into(), at: now, retry_at: now };
        db.record(&[rejected, failed], 8).await.unwrap();
        let rows = outbox(&db).await;
        assert_eq!((rows[0].3.as_str(), rows[0].4), ("dead", 1), "dead after one attempt, not eight");
        assert_eq!(rows[1].3, "queued");
        let dead = db.dead_messages(10).await.unwrap();
        assert_eq!(dead[0].dossier, a.code.to_string());
        assert!(dead[0].last_error.as_deref().unwrap().contains("HTTP 422: ChuHoSo"), "{:?}", dead[0].last_error);
        // A stale claim's failure dead-letters b while a later claim's push succeeds: the ack wins.
        let again = db.claim(DVCQG, now, lease, 10).await.unwrap();
        assert_eq!(again[0].dossier, b.code.to_string());
        db.record(&[Delivery::Failed { id: again[0].id, error: "timeout".into(), at: now, retry_at: now }], 1)
            .await
            .unwrap();
        assert_eq!(outbox(&db).await[1].3, "dead");
        db.record(&[Delivery::Delivered { id: again[0].id, ack: "ack-9".into(), at: now }], 1).await.unwrap();
        assert_eq!(outbox(&db).await[1].3, "delivered", "never dead after the remote applied it");
        assert_eq!(db.dead_messages(10).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn pruning_removes_old_delivered_rows_but_keeps_each_dossiers_last_ack_and_undelivered_ones() {
    on_both(|db| async move {
        let a = db.create(creation(), None::<NoFollowUp>).await.unwrap();
        command(&db, &a.code, &intake(), Command::Receive).await.unwrap();
        let b = db.create(creation(), None::<NoFollowUp>).await.unwrap();
        let t0 = at() + Duration::hours(1);
        let lease = Duration::seconds(30);
        // a:1 and b:1 delivered at t0; a:2 delivered a day later.
        let first = db.claim(DVCQG, t0, lease, 10).await.unwrap();
        let acks: Vec<_> =
            first.iter().map(|m| Delivery::Delivered { id: m.id, ack: format!("ack-{}", m.id), at: t0 }).collect();
        db.record(&acks, 8).await.unwrap();
        let stored: Vec<(i64, Option<String>, Option<i64>)> =
            sqlx::query_as("SELECT id, ack_id, delivered_at FROM sync_outbox WHERE status = 'delivered' ORDER BY id")
                .fetch_all(db.pool())
                .await
                .unwrap();
        let t0_ms = t0.timestamp_millis();
        assert_eq!(
            stored,
            first.iter().map(|m| (m.id, Some(format!("ack-{}", m.id)), Some(t0_ms))).collect::<Vec<_>>()
        );
        let t1 = t0 + Duration::days(1);
        let second = db.claim(DVCQG, t1, lease, 10).await.unwrap();
        assert_eq!(second[0].key, format!("{}:2", a.code));
        db.record(&[Delivery::Delivered { id: second[0].id, ack: "ack-a2".into(), at: t1 }], 8).await.unwrap();
        let c = db.create(creation(), None::<NoFollowUp>).await.unwrap();
        // Nothing is older than an hour before t0: nothing goes.
        assert_eq!(db.prune_delivered(DVCQG, t0 - Duration::hours(1), 100).await.unwrap(), 0);
        // Everything delivered before t1: only a:1 goes (b:1 and a:2 are their dossiers' last acks).
        assert_eq!(db.prune_delivered(DVCQG, t1 + Duration::hours(1), 100).await.unwrap(), 1);
        let keys: Vec<String> = outbox(&db).await.into_iter().map(|r| r.2).collect();
        assert_eq!(keys, vec![format!("{}:2", a.code), format!("{}:1", b.code), format!("{}:1", c.code)]);
        assert_eq!(db.prune_delivered(DVCQG, t1 + Duration::days(30), 100).await.unwrap(), 0);
        let s = db.sync_status().await.unwrap();
        assert_eq!((s[0].pending, s[0].delivered), (1, 2));
    })
    .await;
}

#[tokio::test]
async fn a_repush_queues_the_current_state_under_a_fresh_key_after_what_is_queued() {
    on_both(|db| async move {
        let a = db.create(creation(), None::<NoFollowUp>).await.unwrap();
        let now = at() + Duration::hours(1);
        let lease = Duration::seconds(30);
        let first = db.claim(DVCQG, now, lease, 10).await.unwrap();
        db.record(&[Delivery::Delivered { id: first[0].id, ack: "ack-1".into(), at: now }], 8).await.unwrap();
        command(&db, &a.code, &intake(), Command::Receive).await.unwrap();
        let code = a.code.to_string();
        // a:2 is queued; the re-push of the current state (seq 2) waits behind it.
        let key = db.repush(DVCQG, &code, now).await.unwrap();
        assert_eq!(key, format!("{code}:2:r1"));
        let claimed = db.claim(DVCQG, now, lease, 10).await.unwrap();
        assert_eq!(claimed.iter().map(|m| m.key.clone()).collect::<Vec<_>>(), vec![format!("{code}:2")]);
        db.record(&[Delivery::Delivered { id: claimed[0].id, ack: "ack-2".into(), at: now }], 8).await.unwrap();
        let again = db.claim(DVCQG, now, lease, 10).await.unwrap();
        assert_eq!((again.len(), again[0].key.as_str(), again[0].seq), (1, key.as_str(), 2));
        assert_eq!(again[0].payload, claimed[0].payload, "the same state, restated");
        assert_eq!(db.repush(DVCQG, &code, now).await.unwrap(), format!("{code}:2:r2"));
        assert!(matches!(db.repush(DVCQG, "G01-261126-9999", now).await, Err(StoreError::NotFound)));
    })
    .await;
}
