//! `/metrics` content (HTTP requests by route template and status class, the latency histogram,
//! notification backlog, dossiers by status matching the database) and the request id echo.

use chrono::Duration;
use motcua_domain::dossier::Status;
use motcua_domain::staff::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{BACKENDS, TestApp};

/// The value of the sample line `series` (name and labels exactly), if present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn metrics_count_requests_time_them_and_match_the_dossiers_in_the_database() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let intake = app.token("28777", Role::IntakeOfficer).await;
        let mut codes = Vec::new();
        for _ in 0..3 {
            codes.push(app.submit_birth().await);
        }
        app.act(&codes[0].0, "receive", &intake, json!({})).await;
        let refusal = json!({"reason": "Thiếu giấy chứng sinh bản chính."});
        let (status, body) = app.post(&format!("/api/v1/dossiers/{}/refuse", codes[1].0), Some(&intake), refusal).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = app.get("/api/v1/dossiers/KHONG-CO?secret=x", None).await;
        assert!(status.is_client_error());
        // What the database says, read through the API, one dossier at a time.
        let mut expected = std::collections::BTreeMap::<u64, u64>::new();
        for (code, secret) in &codes {
            let (status, d) = app.get(&format!("/api/v1/dossiers/{code}?secret={secret}"), None).await;
            assert_eq!(status, StatusCode::OK, "{d}");
            *expected.entry(d["status_code"].as_u64().unwrap()).or_default() += 1;
        }
        app.clock.advance(Duration::seconds(120));
        let r = app.client.get(format!("{}/metrics", app.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let text = r.text().await.unwrap();
        for s in Status::ALL {
            let series = format!("motcua_dossiers{{status=\"{}\",code=\"{}\"}}", s.as_str(), s.code());
            let want = expected.get(&u64::from(s.code())).copied().unwrap_or(0) as f64;
            assert_eq!(sample(&text, &series), Some(want), "{series}\n{text}");
        }
        assert!(text.contains("# TYPE motcua_http_requests_total counter"), "{text}");
        assert!(text.contains("# TYPE motcua_dossiers gauge"), "{text}");
        let route = "route=\"/api/v1/dossiers/{code}\"";
        let ok = sample(&text, &format!("motcua_http_requests_total{{{route},method=\"GET\",status=\"2xx\"}}"));
        assert!(ok.unwrap_or(0.0) >= 3.0, "{text}");
        let missing = sample(&text, &format!("motcua_http_requests_total{{{route},method=\"GET\",status=\"4xx\"}}"));
        assert!(missing.unwrap_or(0.0) >= 1.0, "{text}");
        // Cumulative buckets, ending in +Inf = count.
        let name = "motcua_http_request_duration_seconds";
        let mut last = 0.0;
        for le in ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"] {
            let n = sample(&text, &format!("{name}_bucket{{{route},le=\"{le}\"}}")).expect(le);
            assert!(n >= last, "buckets must be cumulative at {le}: {text}");
            last = n;
        }
        assert_eq!(sample(&text, &format!("{name}_count{{{route}}}")), Some(last));
        assert!(sample(&text, &format!("{name}_sum{{{route}}}")).is_some());
        assert!(text.contains("# TYPE motcua_http_request_duration_seconds histogram"));
        // The queues: the sync outbox has one change per submission, two minutes old.
        assert_eq!(sample(&text, "motcua_sync_lag_seconds{connector=\"dvcqg\"}"), Some(120.0), "{text}");
        let queued = sample(&text, "motcua_notify_queued").expect("notify backlog");
        let lag = sample(&text, "motcua_notify_lag_seconds").expect("notify lag");
        assert_eq!(lag > 0.0, queued > 0.0, "{text}");
        app.stop().await;
    }
}

#[tokio::test]
async fn a_well_formed_request_id_is_echoed_and_any_other_is_replaced() {
    let app = TestApp::spawn(BACKENDS[0]).await;
    let health = format!("{}/api/v1/health", app.base);
    let r = app.client.get(&health).header("x-request-id", "tram-1.abc_42").send().await.unwrap();
    assert_eq!(r.headers()["x-request-id"], "tram-1.abc_42");
    for bad in ["có dấu", "a\"b", &"x".repeat(65)] {
        let r = app.client.get(&health).header("x-request-id", bad.as_bytes()).send().await.unwrap();
        let id = r.headers()["x-request-id"].to_str().unwrap();
        assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()), "{bad} -> {id}");
    }
    let (a, b) = (app.client.get(&health).send().await.unwrap(), app.client.get(&health).send().await.unwrap());
    assert_ne!(a.headers()["x-request-id"], b.headers()["x-request-id"]);
    app.stop().await;
}
