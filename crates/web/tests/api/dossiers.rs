//! Dossiers end to end over HTTP: submission, lookup by secret, the whole lifecycle, scoping.

use chrono::Duration;
use motcua_domain::staff::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{BACKENDS, TestApp, birth_request};

#[tokio::test]
async fn a_birth_registration_goes_from_online_submission_to_returned_result() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let (code, secret) = app.submit_birth().await;
        assert!(code.ends_with("-261123-0001"), "{code}");

        // The citizen reads it with the secret; nobody reads it without.
        let (status, d) = app.get(&format!("/api/v1/dossiers/{code}?secret={secret}"), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!((d["status_code"].as_u64(), d["status_vi"].as_str()), (Some(1), Some("Mới đăng ký")));
        assert_eq!(d["applicant"]["phone"], "0912345678");
        for path in [format!("/api/v1/dossiers/{code}"), format!("/api/v1/dossiers/{code}?secret=WRONGWRONG")] {
            let (status, e) = app.get(&path, None).await;
            assert_eq!((status, e["code"].as_str()), (StatusCode::NOT_FOUND, Some("DOSSIER_NOT_FOUND")));
        }

        let intake = app.token("28777", Role::IntakeOfficer).await;
        let specialist = app.token("28777", Role::Specialist).await;
        app.clock.advance(Duration::minutes(30));
        let d = app.act(&code, "receive", &intake, json!({})).await;
        // Same-day procedure received 09:30 before the 15:00 cut-off: due 17:00 that day.
        assert_eq!(d["due_at"], "2026-11-23T10:00:00Z");
        app.act(&code, "start_processing", &specialist, json!({})).await;
        app.clock.advance(Duration::minutes(30));
        let paused =
            app.act(&code, "request_supplement", &specialist, json!({"missing": "Giấy chứng sinh bản chính"})).await;
        assert_eq!(paused["status_code"], 5);
        assert_eq!(paused["pending_note"], "Giấy chứng sinh bản chính");
        // The citizen comes back Wednesday at 08:00 (Tuesday 24/11 is a holiday): the 5 working hours
        // left at the 10:00 pause (10:00–11:30 and 13:30–17:00) resume from then: 08:00–11:30, then 13:30–15:00.
        app.clock.set(crate::harness::vn(2026, 11, 25, 8, 0));
        let intake = app.token("28777", Role::IntakeOfficer).await;
        let specialist = app.token("28777", Role::Specialist).await;
        let leader = app.token("28777", Role::Leader).await;
        let resumed = app.act(&code, "receive_supplement", &intake, json!({})).await;
        assert_eq!(resumed["due_at"], "2026-11-25T08:00:00Z", "{resumed}");
        assert_eq!(resumed["pauses"][0]["until"], "2026-11-25T01:00:00Z");
        // A specialist may not decide; a leader only after forwarding.
        let (status, e) = app.post(&format!("/api/v1/dossiers/{code}/decide"), Some(&specialist), json!({})).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::FORBIDDEN, Some("ROLE_NOT_ALLOWED")));
        let (status, e) = app.post(&format!("/api/v1/dossiers/{code}/decide"), Some(&leader), json!({})).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::CONFLICT, Some("TRANSITION_NOT_ALLOWED")));
        app.act(&code, "forward_for_approval", &specialist, json!({"summary": "Đủ điều kiện"})).await;
        app.clock.advance(Duration::hours(1));
        let decided = app
            .act(&code, "decide", &leader, json!({"results": [{"name": "Giấy khai sinh", "electronic": true}]}))
            .await;
        assert_eq!((decided["status_code"].as_u64(), decided["timeliness"].as_str()), (Some(9), Some("on_time")));
        let returned = app.act(&code, "return_result", &intake, json!({})).await;
        assert_eq!(returned["status_vi"], "Đã trả kết quả");

        let (_, events) = app.get(&format!("/api/v1/dossiers/{code}/events?secret={secret}"), None).await;
        let commands: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["command"].as_str().unwrap()).collect();
        assert_eq!(
            commands,
            [
                "submit",
                "receive",
                "start_processing",
                "request_supplement",
                "receive_supplement",
                "forward_for_approval",
                "decide",
                "return_result"
            ]
        );
        let events = events.as_array().unwrap();
        for pair in events.windows(2) {
            assert_eq!(pair[1]["prev_hash"], pair[0]["hash"]);
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn counter_intake_is_received_at_once_and_only_by_an_officer_of_that_unit() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let mut req = birth_request();
        req["channel"] = json!("counter");
        let (status, _) = app.post("/api/v1/dossiers", None, req.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let other = app.token("28756", Role::IntakeOfficer).await;
        let (status, _) = app.post("/api/v1/dossiers", Some(&other), req.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let intake = app.token("28777", Role::IntakeOfficer).await;
        let (status, body) = app.post("/api/v1/dossiers", Some(&intake), req).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["dossier"]["status"], "received");
        assert_eq!(body["dossier"]["channel"], "counter");
        assert_eq!(body["dossier"]["version"], 2);
        app.stop().await;
    }
}

#[tokio::test]
async fn staff_see_and_act_only_within_their_unit_or_province() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let (code, _) = app.submit_birth().await;
        let other_intake = app.token("28756", Role::IntakeOfficer).await;
        let (status, _) = app.get(&format!("/api/v1/dossiers/{code}"), Some(&other_intake)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "another commune's staff cannot read it");
        let (status, e) = app.post(&format!("/api/v1/dossiers/{code}/receive"), Some(&other_intake), json!({})).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::FORBIDDEN, Some("UNIT_NOT_ALLOWED")));
        let (status, e) = app.get("/api/v1/dossiers?unit=28777", Some(&other_intake)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{e}");
        let monitor = app.token("86", Role::ProvinceMonitor).await;
        let (status, _) = app.get(&format!("/api/v1/dossiers/{code}"), Some(&monitor)).await;
        assert_eq!(status, StatusCode::OK, "the province monitor reads every commune of the province");
        let (status, e) = app.post(&format!("/api/v1/dossiers/{code}/receive"), Some(&monitor), json!({})).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::FORBIDDEN, Some("ROLE_NOT_ALLOWED")));
        let elsewhere = app.token("79", Role::ProvinceMonitor).await;
        let (status, _) = app.get(&format!("/api/v1/dossiers/{code}"), Some(&elsewhere)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "another province's monitor cannot");
        let (status, list) = app.get("/api/v1/dossiers", Some(&elsewhere)).await;
        assert_eq!((status, list["items"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)));

        // Routing to the competent commune: its staff then act, and the receiving unit still sees it.
        let intake = app.token("28777", Role::IntakeOfficer).await;
        app.act(&code, "receive", &intake, json!({})).await;
        let (status, e) = app
            .post(
                &format!("/api/v1/dossiers/{code}/transfer"),
                Some(&intake),
                json!({"to_unit": "26878", "reason": "x"}),
            )
            .await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("INVALID_TRANSFER_UNIT")));
        let moved = app.act(&code, "transfer", &intake, json!({"to_unit": "28756", "reason": "Thẩm quyền"})).await;
        assert_eq!(moved["handling_unit"], "28756");
        let other_specialist = app.token("28756", Role::Specialist).await;
        app.act(&code, "start_processing", &other_specialist, json!({})).await;
        let (status, _) = app.get(&format!("/api/v1/dossiers/{code}"), Some(&intake)).await;
        assert_eq!(status, StatusCode::OK);
        app.stop().await;
    }
}

#[tokio::test]
async fn lists_filter_and_page_with_a_cursor() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let mut codes = Vec::new();
        for _ in 0..5 {
            codes.push(app.submit_birth().await.0);
        }
        let intake = app.token("28777", Role::IntakeOfficer).await;
        app.act(&codes[1], "receive", &intake, json!({})).await;
        let mut seen = Vec::new();
        let mut next = Some(String::new());
        while let Some(cursor) = next {
            let q = if cursor.is_empty() { String::new() } else { format!("&cursor={cursor}") };
            let (status, page) = app.get(&format!("/api/v1/dossiers?limit=2{q}"), Some(&intake)).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            seen.extend(page["items"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()));
            next = page["next_cursor"].as_str().map(str::to_string);
        }
        codes.reverse();
        assert_eq!(seen, codes);
        let (_, received) = app.get("/api/v1/dossiers?status=2", Some(&intake)).await;
        assert_eq!(received["items"].as_array().unwrap().len(), 1);
        // A day later the received same-day dossier is late; the others have no deadline yet.
        app.clock.advance(Duration::days(1));
        let intake = app.token("28777", Role::IntakeOfficer).await;
        let (_, late) = app.get("/api/v1/dossiers?late=true", Some(&intake)).await;
        assert_eq!(late["items"][0]["code"], codes[3]);
        assert_eq!(late["items"][0]["timeliness"], "late");
        let (status, e) = app.get("/api/v1/dossiers?status=nope", Some(&intake)).await;
        assert_eq!((status, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("status")));
        let (status, _) = app.get("/api/v1/dossiers", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        app.stop().await;
    }
}

#[tokio::test]
async fn a_citizen_withdraws_with_the_secret_only() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let (code, secret) = app.submit_birth().await;
        let (status, _) = app
            .post(&format!("/api/v1/dossiers/{code}/withdraw?secret=AAAAAAAAAA"), None, json!({"reason": "Nộp nhầm"}))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, d) = app
            .post(&format!("/api/v1/dossiers/{code}/withdraw?secret={secret}"), None, json!({"reason": "Nộp nhầm"}))
            .await;
        assert_eq!((status, d["status_code"].as_u64()), (StatusCode::OK, Some(7)));
        let (_, events) = app.get(&format!("/api/v1/dossiers/{code}/events?secret={secret}"), None).await;
        assert_eq!(events[1]["actor"], "citizen");
        app.stop().await;
    }
}
