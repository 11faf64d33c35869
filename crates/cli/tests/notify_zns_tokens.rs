//! Zalo ZNS tokens shared through the database, on SQLite and PostgreSQL, against a real
//! `motcua fake-zns` process (single-use refresh tokens, an access token that expires after four
//! sends): two app servers (each its own pool and its own copy of the tokens) hit the expiry at
//! the same moment and the token is refreshed once, the other server re-reading it; a restarted
//! server keeps the refreshed token instead of the configured one. The compare-and-swap claim
//! itself is checked on the storage directly.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use common::TempDir;
use common::live::{Proc, free_port, motcua};
use motcua_domain::clock::FixedClock;
use motcua_domain::notify::NoticeKind;
use motcua_storage::{Db, scratch};
use motcua_web::notify::zns::{ZnsConfig, send};
use serde_json::Value;

fn server(zns: &str) -> ZnsConfig {
    let templates = BTreeMap::from([(NoticeKind::Received, "231234".to_string())]);
    let seed = ("token-0".to_string(), "refresh-0".to_string());
    ZnsConfig::new(zns.into(), zns.into(), "app-1".into(), "khoa-app".into(), templates, seed)
}

async fn send_one(c: &reqwest::Client, cfg: &ZnsConfig, db: &Db, clock: &FixedClock, key: &str) -> String {
    let data = BTreeMap::from([("code".to_string(), key.to_string())]);
    let r = send(c, cfg, (db, clock), NoticeKind::Received, "84912345678", key, data).await;
    r.unwrap_or_else(|e| panic!("{key}: {}", e.message))
}

async fn stats(c: &reqwest::Client, zns: &str) -> Value {
    c.get(format!("{zns}/stats")).send().await.unwrap().json().await.unwrap()
}

async fn run(dir: &TempDir, url: &str) {
    let db = Db::connect(url).await.unwrap();
    db.migrate().await.unwrap();
    let clock = FixedClock(Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).unwrap());
    let t0 = clock.0;

    // The claim: one winner per generation; a stored refresh moves the generation on.
    let seeded = db.zns_tokens("app-x", ("a0", "r0"), t0).await.unwrap();
    assert_eq!((seeded.access.as_str(), seeded.generation), ("a0", 0));
    assert_eq!(db.zns_tokens("app-x", ("other", "other"), t0).await.unwrap(), seeded, "the seed applies once");
    let until = t0 + chrono::Duration::seconds(30);
    assert!(db.zns_claim_refresh("app-x", 0, t0, until).await.unwrap());
    assert!(!db.zns_claim_refresh("app-x", 0, t0, until).await.unwrap(), "a second claim loses");
    assert!(db.zns_claim_refresh("app-x", 0, until, until).await.unwrap(), "a lapsed claim is taken over");
    assert!(db.zns_store_refresh("app-x", 0, "a1", "r1", t0).await.unwrap());
    assert!(!db.zns_store_refresh("app-x", 0, "a1b", "r1b", t0).await.unwrap(), "a stale store changes nothing");
    assert!(!db.zns_claim_refresh("app-x", 0, until, until).await.unwrap(), "an old generation is not claimed");
    let t = db.zns_tokens("app-x", ("a0", "r0"), t0).await.unwrap();
    assert_eq!((t.access.as_str(), t.refresh.as_str(), t.generation), ("a1", "r1", 1));
    db.zns_release_refresh("app-x", 1).await.unwrap();
    db.close().await;

    let port = free_port();
    let zns = format!("http://127.0.0.1:{port}");
    let args = ["fake-zns", "--listen", &format!("127.0.0.1:{port}"), "--app-id", "app-1", "--secret-key", "khoa-app"];
    let mut fake =
        Proc::start(dir.path(), "fake-zns", motcua(), &[&args[..], &["--token-lifetime", "4"]].concat(), &[]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(fake.0.try_wait().unwrap().is_none(), "fake-zns exited: {}", fake.log());
        assert!(Instant::now() < deadline, "fake-zns never listened");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let c = reqwest::Client::new();

    // Two servers, each with its own pool and copy of the tokens, use up token-0 (4 sends).
    let (db_a, db_b) = (Db::connect(url).await.unwrap(), Db::connect(url).await.unwrap());
    let (a, b) = (server(&zns), server(&zns));
    for i in 0..2 {
        send_one(&c, &a, &db_a, &clock, &format!("a{i}")).await;
        send_one(&c, &b, &db_b, &clock, &format!("b{i}")).await;
    }
    assert_eq!(stats(&c, &zns).await["refreshes"], 0);

    // Both now meet the expired token at once: one refresh, both sends go through.
    let (x, y) = tokio::join!(send_one(&c, &a, &db_a, &clock, "a2"), send_one(&c, &b, &db_b, &clock, "b2"));
    assert_ne!(x, y);
    let s = stats(&c, &zns).await;
    assert_eq!(s["refreshes"], 1, "{s}");
    assert_eq!(s["token_rejections"], 2, "each server was refused once: {s}");
    db_a.close().await;
    db_b.close().await;

    // A restarted server (configured with the spent token-0/refresh-0) uses the stored token-1.
    let db_c = Db::connect(url).await.unwrap();
    let restarted = server(&zns);
    send_one(&c, &restarted, &db_c, &clock, "c0").await;
    let s = stats(&c, &zns).await;
    assert_eq!((s["refreshes"].as_u64(), s["token_rejections"].as_u64()), (Some(1), Some(2)), "{s}");
    let t = db_c.zns_tokens("app-1", ("token-0", "refresh-0"), t0).await.unwrap();
    assert_eq!((t.access.as_str(), t.refresh.as_str(), t.generation), ("token-1", "refresh-1", 1));
    let sent: Vec<Value> = c.get(format!("{zns}/messages")).send().await.unwrap().json().await.unwrap();
    assert_eq!(sent.len(), 7);
    db_c.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_refresh_the_zns_token_once_and_a_restart_keeps_it() {
    let dir = TempDir::new("zns-tokens");
    run(&dir, &format!("sqlite://{}", dir.path().join("motcua.db").display())).await;
    let admin =
        std::env::var("MOTCUA_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let url = scratch::fresh_postgres(&admin, "motcua_cli_zns_tokens").await.expect("PostgreSQL for the tests");
    let dir = TempDir::new("zns-tokens-pg");
    run(&dir, &url).await;
    scratch::drop_postgres(&admin, &url).await;
}
