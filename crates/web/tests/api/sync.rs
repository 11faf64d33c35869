//! The operator's sync view over HTTP: status and lag, the dead-letter list, replay, `/metrics`.

use chrono::Duration;
use motcua_domain::clock::Clock;
use motcua_domain::ports::{DVCQG, Delivery, SyncStore};
use motcua_domain::staff::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{BACKENDS, TestApp};
use crate::slips::{CSRF, get_page, post_form};

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

#[tokio::test]
async fn the_sync_page_shows_health_and_dead_letters_and_replays_one_with_csrf() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let (code, _) = app.submit_birth().await;
        app.clock.advance(Duration::seconds(400));
        let now = app.clock.now();
        let claimed = app.db.claim(DVCQG, now, Duration::seconds(30), 10).await.unwrap();
        let rejected = Delivery::Rejected { id: claimed[0].id, error: "HTTP 422: <b>MaTTHC</b>".into(), at: now };
        app.db.record(&[rejected], 8).await.unwrap();
        let intake = app.token("28777", Role::IntakeOfficer).await;
        assert_eq!(get_page(&app, "/can-bo/dong-bo", &intake).await.status(), StatusCode::FORBIDDEN);
        let monitor = app.token("86", Role::ProvinceMonitor).await;
        let page = get_page(&app, "/can-bo/dong-bo", &monitor).await;
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(html.contains("Cổng Dịch vụ công quốc gia"), "Vietnamese first: {html}");
        assert!(html.contains("6 phút 40 giây") && html.contains("Chậm"), "the lag, flagged: {html}");
        assert!(html.contains(&format!("{code}:1")) && html.contains("rejected for good"), "{html}");
        assert!(html.contains("HTTP 422: &#60;b&#62;MaTTHC&#60;/b&#62;"), "the error is escaped: {html}");
        assert!(!html.contains("<b>MaTTHC"), "no markup from the remote gets through");
        assert!(!html.contains("/gui-lai"), "a monitor sees no replay button");
        let admin = app.token("86", Role::Administrator).await;
        let html = get_page(&app, "/can-bo/dong-bo?lang=en", &admin).await.text().await.unwrap();
        assert!(html.contains("National public service portal") && html.contains("Send again"), "{html}");
        let id = claimed[0].id;
        let path = format!("/can-bo/dong-bo/{id}/gui-lai");
        // Without the session's CSRF token nothing changes.
        let r = post_form(&app, &path, &admin, &[("csrf", "0000")]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.db.dead_messages(10).await.unwrap().len(), 1);
        assert_eq!(post_form(&app, &path, &monitor, &[("csrf", CSRF)]).await.status(), StatusCode::FORBIDDEN);
        let r = post_form(&app, &path, &admin, &[("csrf", CSRF)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], format!("/can-bo/dong-bo?gui-lai={id}"));
        assert!(app.db.dead_messages(10).await.unwrap().is_empty());
        let html = get_page(&app, &format!("/can-bo/dong-bo?gui-lai={id}"), &admin).await.text().await.unwrap();
        assert!(html.contains("Đã xếp hàng gửi lại") && html.contains("Không có thông điệp lỗi"), "{html}");
        let r = post_form(&app, &path, &admin, &[("csrf", CSRF)]).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "replayed already");
        app.stop().await;
    }
}
