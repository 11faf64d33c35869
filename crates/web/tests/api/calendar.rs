//! Calendar endpoints and versioned amendments.

use motcua_domain::staff::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{BACKENDS, TestApp, vn};

#[tokio::test]
async fn calendar_answers_working_time_and_due_dates() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let (_, tet) = app.get("/api/v1/calendar/is-working?at=2026-02-17T09:00:00%2B07:00", None).await;
        assert_eq!(tet["working"], false);
        assert_eq!(tet["reason"], "Tết Nguyên đán");
        let (_, makeup) = app.get("/api/v1/calendar/is-working?at=2026-01-10T09:00:00%2B07:00&unit=28777", None).await;
        assert_eq!(makeup["working"], true, "{makeup}");
        let (_, lunch) = app.get("/api/v1/calendar/is-working?at=2026-01-12T12:00:00%2B07:00", None).await;
        assert_eq!((lunch["working"].as_bool(), lunch["working_day"].as_bool()), (Some(false), Some(true)));
        // Friday 13/2/2026 16:00 is after the 15:00 cut-off and Tết follows: due Monday 23/2 17:00.
        let (_, due) =
            app.get("/api/v1/calendar/due?procedure=1.001193&received=2026-02-13T16:00:00%2B07:00", None).await;
        assert_eq!(due["due"], "2026-02-23T17:00:00+07:00", "{due}");
        let (_, wt) = app
            .get("/api/v1/calendar/working-time?from=2026-02-13T16:00:00%2B07:00&to=2026-02-23T08:00:00%2B07:00", None)
            .await;
        assert_eq!(wt["minutes"], 120, "{wt}");
        let (_, days) = app.get("/api/v1/calendar/holidays?year=2025", None).await;
        let days = days.as_array().unwrap();
        assert!(days.iter().any(|d| d["date"] == "2025-04-26" && d["working"] == true));
        assert!(days.iter().any(|d| d["date"] == "2025-05-02" && d["working"] == false));
        let (status, err) = app.get("/api/v1/calendar/holidays?year=1700", None).await;
        assert_eq!((status, err["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("DATE_OUT_OF_RANGE")));
        app.stop().await;
    }
}

#[tokio::test]
async fn an_amendment_moves_new_deadlines_but_never_issued_ones() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        // Received Monday 23/11/2026 09:00: a 3-working-day procedure skips Tuesday 24/11 (Ngày Văn hóa
        // Việt Nam) and falls due Friday 27/11 09:00.
        let (_, body) = app
            .post(
                "/api/v1/dossiers",
                None,
                json!({"procedure": "1.004873", "unit": "28777",
                       "applicant": {"name": "Lê Văn Cường", "id_number": "086085000111"},
                       "components": crate::harness::components("1.004873")}),
            )
            .await;
        let code = body["dossier"]["code"].as_str().unwrap().to_string();
        let intake = app.token("28777", Role::IntakeOfficer).await;
        let received = app.act(&code, "receive", &intake, json!({})).await;
        assert_eq!(received["due_at"], vn(2026, 11, 27, 9, 0).to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        // Only an administrator amends; Thursday 26/11 becomes a day off.
        let amendment = json!({"date": "2026-11-26", "working": false, "reason": "Thông báo nghỉ đột xuất số 1/TB"});
        let (status, _) = app.post("/api/v1/calendar/amendments", Some(&intake), amendment.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let admin = app.token("86", Role::Administrator).await;
        let (status, a) = app.post("/api/v1/calendar/amendments", Some(&admin), amendment).await;
        assert_eq!(status, StatusCode::CREATED, "{a}");
        let (_, due) =
            app.get("/api/v1/calendar/due?procedure=1.004873&received=2026-11-23T09:00:00%2B07:00", None).await;
        assert_eq!(due["due"], "2026-11-30T09:00:00+07:00", "new deadlines skip the new day off: {due}");
        // The issued deadline is unchanged, also after a pause and resume under its own version.
        let specialist = app.token("28777", Role::Specialist).await;
        app.act(&code, "start_processing", &specialist, json!({})).await;
        app.act(&code, "request_supplement", &specialist, json!({"missing": "Bản sao sổ hộ khẩu"})).await;
        app.clock.advance(chrono::Duration::hours(1));
        let resumed = app.act(&code, "receive_supplement", &intake, json!({})).await;
        assert_eq!(
            resumed["due_at"],
            vn(2026, 11, 27, 10, 0).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "one paused working hour moves the issued deadline by exactly one hour, under its original calendar"
        );
        app.stop().await;
    }
}
