//! PAKN over HTTP: a citizen sends one and follows it with the secret, staff of its unit handle
//! it within the deadlines, the citizen rates it, and both PAKN indicators follow.

use chrono::Duration;
use motcua_domain::staff::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{BACKENDS, TestApp};

fn petition(unit: &str) -> Value {
    json!({"unit": unit, "topic": "procedure", "title": "Hồ sơ trả chậm",
           "content": "Hồ sơ đăng ký khai sinh của con tôi đã quá hẹn hai ngày.",
           "name": "Võ Thị Em", "phone": "0987 654 321"})
}

async fn send(app: &TestApp, unit: &str) -> (String, String) {
    let (status, body) = app.post("/api/v1/petitions", None, petition(unit)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (body["petition"]["code"].as_str().unwrap().into(), body["secret"].as_str().unwrap().into())
}

fn indicator<'a>(index: &'a Value, code: &str) -> &'a Value {
    index["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["indicators"].as_array().unwrap())
        .find(|i| i["code"] == code)
        .unwrap()
}

#[tokio::test]
async fn a_citizen_sends_a_petition_and_only_the_secret_or_its_unit_s_staff_can_read_it() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let mut bad = petition("28777");
        bad["phone"] = json!("");
        let (status, body) = app.post("/api/v1/petitions", None, bad).await;
        assert_eq!(
            (status, body["code"].as_str(), body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("NO_CONTACT"), Some("phone"))
        );
        assert!(
            body["message_vi"].as_str().unwrap().contains("điện thoại")
                && body["message_en"].as_str().unwrap().contains("phone")
        );
        let (status, body) = app.post("/api/v1/petitions", None, petition("99999")).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("UNKNOWN_UNIT")));
        let officer = app.token("28777", Role::IntakeOfficer).await;
        let (_, list) = app.get("/api/v1/petitions", Some(&officer)).await;
        assert_eq!(list.as_array().unwrap().len(), 0, "refused petitions leave nothing behind");

        let (code, secret) = send(&app, "28777").await;
        assert_eq!(code, "PAKN-28777-261123-0001");
        let path = format!("/api/v1/petitions/{code}");
        assert_eq!(app.get(&path, None).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("{path}?secret=WRONG12345"), None).await.0, StatusCode::NOT_FOUND);
        let (status, mine) = app.get(&format!("{path}?secret={secret}"), None).await;
        assert_eq!((status, mine["petition"]["status"].as_str()), (StatusCode::OK, Some("received")));
        assert_eq!(mine["history"][0]["kind"], "submitted");
        // 24/11 is a holiday: two working days from Monday 09:00 end on Thursday 09:00.
        assert_eq!(mine["petition"]["reject_due"], "2026-11-26T02:00:00Z");
        for (unit, role, expected) in [
            ("28777", Role::Specialist, StatusCode::OK),
            ("86", Role::ProvinceMonitor, StatusCode::OK),
            ("28756", Role::IntakeOfficer, StatusCode::NOT_FOUND),
            ("79", Role::ProvinceMonitor, StatusCode::NOT_FOUND),
        ] {
            let t = app.token(unit, role).await;
            assert_eq!(app.get(&path, Some(&t)).await.0, expected, "{unit} {role:?}");
        }
        assert_eq!(app.get("/api/v1/petitions/PAKN-nope", None).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        app.stop().await;
    }
}

#[tokio::test]
async fn staff_handle_petitions_the_citizen_rates_and_the_pakn_indicators_follow() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let (first, secret) = send(&app, "28777").await;
        let (second, _) = send(&app, "28777").await;
        let me = app.token("28777", Role::Specialist).await;
        let act = |code: &str, action: &str| format!("/api/v1/petitions/{code}/{action}");
        let other = app.token("28756", Role::Specialist).await;
        assert_eq!(app.post(&act(&first, "answer"), Some(&other), json!({"text": "x"})).await.0, StatusCode::NOT_FOUND);
        let monitor = app.token("86", Role::ProvinceMonitor).await;
        assert_eq!(
            app.post(&act(&first, "answer"), Some(&monitor), json!({"text": "x"})).await.0,
            StatusCode::FORBIDDEN
        );
        let (status, body) = app.post(&act(&first, "request-info"), Some(&me), json!({"text": "  "})).await;
        assert_eq!((status, body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("question")));
        assert_eq!(
            app.post(&act(&first, "rate"), None, json!({"satisfaction": "satisfied"})).await.0,
            StatusCode::UNAUTHORIZED
        );

        let (status, v) =
            app.post(&act(&first, "request-info"), Some(&me), json!({"text": "Xin cho biết mã hồ sơ."})).await;
        assert_eq!((status, v["status"].as_str()), (StatusCode::OK, Some("awaiting_citizen")));
        let reply = format!("{}?secret={secret}", act(&first, "provide-info"));
        let (status, v) = app.post(&reply, None, json!({"text": "000.00.12.H62-261120-0003"})).await;
        assert_eq!((status, v["status"].as_str()), (StatusCode::OK, Some("received")), "{v}");
        let (status, v) =
            app.post(&act(&first, "answer"), Some(&me), json!({"text": "Đã trả kết quả, xin lỗi ông bà."})).await;
        assert_eq!((status, v["on_time"].as_bool()), (StatusCode::OK, Some(true)));
        let rate = format!("{}?secret={secret}", act(&first, "rate"));
        let (status, v) = app.post(&rate, None, json!({"satisfaction": "dissatisfied", "recomplaint": true})).await;
        assert_eq!((status, v["rating"]["satisfaction"].as_str()), (StatusCode::OK, Some("dissatisfied")));
        let (status, v) = app.post(&rate, None, json!({"satisfaction": "satisfied"})).await;
        assert_eq!((status, v["code"].as_str()), (StatusCode::CONFLICT, Some("ALREADY_RATED")));
        assert_eq!(app.post(&act(&first, "answer"), Some(&me), json!({"text": "lần 2"})).await.0, StatusCode::CONFLICT);

        // The second one is answered after its 15 working days: late.
        app.clock.advance(Duration::days(25));
        let me = app.token("28777", Role::Specialist).await;
        let (_, v) = app.post(&act(&second, "answer"), Some(&me), json!({"text": "Trả lời muộn."})).await;
        assert_eq!(v["on_time"].as_bool(), Some(false));

        let (_, list) = app.get("/api/v1/petitions?status=answered", Some(&me)).await;
        assert_eq!(list.as_array().unwrap().len(), 2);
        let (status, body) = app.get("/api/v1/petitions?status=done", Some(&me)).await;
        assert_eq!((status, body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("status")));

        let leader = app.token("28777", Role::Leader).await;
        let (_, index) = app.get("/api/v1/index/units/28777?period=2026-11", Some(&leader)).await;
        let on_time = indicator(&index, "PETITION_PROCESSING_ON_TIME");
        assert_eq!(
            (on_time["state"].as_str(), on_time["numerator"].as_u64(), on_time["denominator"].as_u64()),
            (Some("scored"), Some(1), Some(2))
        );
        assert_eq!(on_time["points"].as_f64(), Some(3.0));
        let liked = indicator(&index, "PETITION_HANDLING_SATISFACTION");
        assert_eq!(
            (liked["numerator"].as_u64(), liked["denominator"].as_u64(), liked["points"].as_f64()),
            (Some(0), Some(2), Some(0.0))
        );
        let (_, drill) = app
            .get("/api/v1/index/units/28777/indicators/PETITION_HANDLING_SATISFACTION?period=2026-11", Some(&leader))
            .await;
        let lost: Vec<&str> =
            drill["lost_petitions"].as_array().unwrap().iter().map(|l| l["code"].as_str().unwrap()).collect();
        assert_eq!(lost, [first.as_str(), second.as_str()]);
        app.stop().await;
    }
}

#[tokio::test]
async fn staff_transfer_a_petition_to_the_competent_commune_which_then_answers_and_publishes_it() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let (code, _) = send(&app, "28777").await;
        let here = app.token("28777", Role::Specialist).await;
        let path = |action: &str| format!("/api/v1/petitions/{code}/{action}");
        // Bad targets are refused with a code and both messages, and change nothing.
        for (to, expected) in [("2875", "INVALID_UNIT"), ("28777", "INVALID_UNIT"), ("99999", "UNKNOWN_UNIT")] {
            let (status, body) =
                app.post(&path("transfer"), Some(&here), json!({"to": to, "text": "Sai thẩm quyền."})).await;
            assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(expected)), "{to}");
            assert!(body["message_vi"].is_string() && body["message_en"].is_string());
        }
        let (status, body) =
            app.post(&path("transfer"), Some(&here), json!({"to": "25747", "text": "Khác tỉnh."})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("UNKNOWN_UNIT")));
        let (status, body) = app.post(&path("transfer"), Some(&here), json!({"to": "28756", "text": ""})).await;
        assert_eq!((status, body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")));
        let (_, same) = app.get(&format!("/api/v1/petitions/{code}"), Some(&here)).await;
        assert_eq!(same["history"].as_array().unwrap().len(), 1, "refusals wrote nothing");

        let (status, moved) =
            app.post(&path("transfer"), Some(&here), json!({"to": "28756", "text": "Thuộc phường Tân An."})).await;
        assert_eq!((status, moved["unit"].as_str()), (StatusCode::OK, Some("28756")), "{moved}");
        // The old unit no longer sees it; the new one answers and publishes it.
        assert_eq!(app.get(&format!("/api/v1/petitions/{code}"), Some(&here)).await.0, StatusCode::NOT_FOUND);
        let there = app.token("28756", Role::Specialist).await;
        let (status, _) = app.post(&path("answer"), Some(&there), json!({"text": "Đã xử lý xong."})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = app.post(&path("publish"), Some(&there), json!({})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = app.post(&path("publish"), Some(&there), json!({})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("PETITION_ACTION_NOT_ALLOWED")));
        let (_, detail) = app.get(&format!("/api/v1/petitions/{code}"), Some(&there)).await;
        let kinds: Vec<&str> =
            detail["history"].as_array().unwrap().iter().map(|h| h["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["submitted", "transferred", "answered", "published"]);

        // The index counts it for the commune that handled it, not the one it was sent to.
        let monitor = app.token("86", Role::ProvinceMonitor).await;
        for (unit, expected) in [("28777", 0), ("28756", 1)] {
            let (_, index) = app.get(&format!("/api/v1/index/units/{unit}?period=2026-11"), Some(&monitor)).await;
            assert_eq!(indicator(&index, "PETITION_PROCESSING_ON_TIME")["denominator"].as_u64(), Some(expected));
        }
        app.stop().await;
    }
}
