//! The operator's sync view over HTTP: status and lag, the dead-letter list, replay, `/metrics`.

use chrono::Duration;
use motcua_domain::clock::Clock;
use motcua_domain::ports::{DVCQG, Delivery, SyncStore};
use motcua_domain::staff::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{BACKENDS, TestApp};

#[tokio::test]
async fn operators_see_lag_and_dead_letters_and_an_administrator_replays_one() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let (code, _) = app.submit_birth().await;
        app.clock.advance(Duration::seconds(90));
        let intake = app.token("28777", Role::IntakeOfficer).await;
        let admin = app.token("86", Role::Administrator).await;
        let (status, _) = app.get("/api/v1/sync/status", Some(&intake)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, s) = app.get("/api/v1/sync/status", Some(&admin)).await;
        assert_eq!(status, StatusCode::OK, "{s}");
        let c = &s["connectors"][0];
        assert_eq!(
            (c["connector"].as_str(), c["pending"].as_u64(), c["dead"].as_u64()),
            (Some("dvcqg"), Some(1), Some(0))
        );
        assert_eq!(c["oldest_undelivered_age_seconds"], 90, "{s}");
        // The portal refuses it for good (one attempt allowed): it is dead-lettered with its error.
        let now = app.clock.now();
        let claimed = app.db.claim(DVCQG, now, Duration::seconds(30), 10).await.unwrap();
        let failed =
            Delivery::Failed { id: claimed[0].id, error: "HTTP 422: MaTTHC unknown".into(), at: now, retry_at: now };
        app.db.record(&[failed], 1).await.unwrap();
        let (_, dead) = app.get("/api/v1/sync/dead", Some(&admin)).await;
        let item = &dead["items"][0];
        assert_eq!(item["idempotency_key"], format!("{code}:1"));
        assert_eq!(item["last_error"], "HTTP 422: MaTTHC unknown");
        let metrics = app.client.get(format!("{}/metrics", app.base)).send().await.unwrap().text().await.unwrap();
        assert!(metrics.contains("motcua_sync_dead{connector=\"dvcqg\"} 1"), "{metrics}");
        assert!(metrics.contains("motcua_sync_lag_seconds{connector=\"dvcqg\"} 90"), "{metrics}");
        let replay = format!("/api/v1/sync/dead/{}/replay", item["id"]);
        assert_eq!(app.post(&replay, Some(&intake), json!({})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.post(&replay, Some(&admin), json!({})).await.0, StatusCode::NO_CONTENT);
        let (status, body) = app.post(&replay, Some(&admin), json!({})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("NOT_FOUND")));
        let (_, s) = app.get("/api/v1/sync/status", Some(&admin)).await;
        assert_eq!((s["connectors"][0]["pending"].as_u64(), s["connectors"][0]["dead"].as_u64()), (Some(1), Some(0)));
        app.stop().await;
    }
}
