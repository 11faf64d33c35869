//! Bad input always gets the envelope `{code, message_vi, message_en, field}` with a 4xx, and changes nothing.

use motcua_domain::staff::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{BACKENDS, TestApp, birth_request};

fn assert_envelope(status: StatusCode, body: &Value, want_status: StatusCode, want_code: &str) {
    assert_eq!(status, want_status, "{body}");
    assert_eq!(body["code"], want_code, "{body}");
    assert!(!body["message_vi"].as_str().unwrap_or("").is_empty(), "{body}");
    assert!(!body["message_en"].as_str().unwrap_or("").is_empty(), "{body}");
}

#[tokio::test]
async fn bad_submissions_are_explained_and_store_nothing() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let cases: Vec<(Value, StatusCode, &str, Option<&str>)> = vec![
            (
                json!({"applicant": {"id_number": "099190012345"}}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "INVALID_PERSONAL_ID",
                Some("applicant.id_number"),
            ),
            (
                json!({"applicant": {"id_number": "0100109107"}}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "INVALID_TAX_CODE",
                Some("applicant.id_number"),
            ),
            (
                json!({"applicant": {"id_number": "12345"}}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "INVALID_APPLICANT_ID",
                Some("applicant.id_number"),
            ),
            (
                json!({"applicant": {"phone": "12"}}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "INVALID_PHONE",
                Some("applicant.phone"),
            ),
            (
                json!({"applicant": {"name": "  "}}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "INVALID_APPLICANT_NAME",
                Some("applicant.name"),
            ),
            (
                json!({"procedure": "9.999999"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "UNKNOWN_PROCEDURE",
                Some("procedure"),
            ),
            (
                json!({"procedure": "khai sinh"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "INVALID_PROCEDURE_CODE",
                Some("procedure"),
            ),
            (json!({"unit": "99999"}), StatusCode::UNPROCESSABLE_ENTITY, "UNKNOWN_UNIT", Some("unit")),
            (json!({"unit": "86"}), StatusCode::UNPROCESSABLE_ENTITY, "UNIT_NOT_RECEIVING", Some("unit")),
            (json!({"channel": "fax"}), StatusCode::UNPROCESSABLE_ENTITY, "INVALID_CHANNEL", Some("channel")),
            (json!({"components": []}), StatusCode::UNPROCESSABLE_ENTITY, "MISSING_COMPONENT", Some("components")),
            (
                json!({"components": [{"code": "XX"}]}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "UNKNOWN_COMPONENT",
                Some("components"),
            ),
            (json!({"copies": 0}), StatusCode::UNPROCESSABLE_ENTITY, "INVALID_COPIES", Some("copies")),
        ];
        for (patch, status, code, field) in cases {
            let mut req = birth_request();
            merge(&mut req, &patch);
            let (got, body) = app.post("/api/v1/dossiers", None, req).await;
            assert_envelope(got, &body, status, code);
            assert_eq!(body["field"].as_str(), field, "{body}");
        }
        // Malformed JSON, wrong types, unknown routes and methods.
        let r = app
            .client
            .post(format!("{}/api/v1/dossiers", app.base))
            .header("content-type", "application/json")
            .body("{\"procedure\": ")
            .send()
            .await
            .unwrap();
        let status = r.status();
        assert_envelope(status, &r.json().await.unwrap(), StatusCode::BAD_REQUEST, "INVALID_JSON");
        let (status, body) = app.post("/api/v1/dossiers", None, json!({"procedure": 5})).await;
        assert_envelope(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "INVALID_JSON");
        let r = app.client.post(format!("{}/api/v1/dossiers", app.base)).body("{}").send().await.unwrap();
        let status = r.status();
        let body: Value = r.json().await.unwrap();
        assert_envelope(status, &body, StatusCode::UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE");
        assert!(body["message_vi"].as_str().unwrap().contains("Dữ liệu phải được gửi dạng JSON"), "{body}");
        let (status, body) = app.get("/api/v1/nothing-here", None).await;
        assert_envelope(status, &body, StatusCode::NOT_FOUND, "ROUTE_NOT_FOUND");
        let r = app.client.delete(format!("{}/api/v1/procedures", app.base)).send().await.unwrap();
        let status = r.status();
        assert_envelope(status, &r.json().await.unwrap(), StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED");
        let (status, body) = app.get("/api/v1/dossiers/not-a-code", None).await;
        assert_envelope(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "INVALID_DOSSIER_CODE");
        let (status, body) = app.get("/api/v1/calendar/due?procedure=1.001193&received=yesterday", None).await;
        assert_envelope(status, &body, StatusCode::BAD_REQUEST, "INVALID_QUERY");
        let (status, body) =
            app.post("/api/v1/auth/login", None, json!({"username": "28777.leader", "password": "x"})).await;
        assert_envelope(status, &body, StatusCode::UNAUTHORIZED, "INVALID_CREDENTIALS");
        let r = app.client.get(format!("{}/api/v1/auth/me", app.base)).bearer_auth("forged").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

        // Nothing was stored by any of the refused requests.
        let monitor = app.token("86", Role::ProvinceMonitor).await;
        let (_, list) = app.get("/api/v1/dossiers", Some(&monitor)).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 0, "{list}");
        app.stop().await;
    }
}

#[tokio::test]
async fn illegal_commands_are_refused_and_change_nothing() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let (code, secret) = app.submit_birth().await;
        let intake = app.token("28777", Role::IntakeOfficer).await;
        let (_, before) = app.get(&format!("/api/v1/dossiers/{code}?secret={secret}"), None).await;
        let (status, body) =
            app.post(&format!("/api/v1/dossiers/{code}/return_result"), Some(&intake), json!({})).await;
        assert_envelope(status, &body, StatusCode::CONFLICT, "TRANSITION_NOT_ALLOWED");
        let (status, body) =
            app.post(&format!("/api/v1/dossiers/{code}/refuse"), Some(&intake), json!({"reason": " "})).await;
        assert_envelope(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "REASON_REQUIRED");
        let (status, body) = app.post(&format!("/api/v1/dossiers/{code}/refuse"), Some(&intake), json!({})).await;
        assert_envelope(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "INVALID_JSON");
        let (status, _) = app.post(&format!("/api/v1/dossiers/{code}/receive"), None, json!({})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, body) =
            app.post("/api/v1/dossiers/000.00.01.H86-261123-0999/receive", Some(&intake), json!({})).await;
        assert_envelope(status, &body, StatusCode::NOT_FOUND, "DOSSIER_NOT_FOUND");
        let (_, after) = app.get(&format!("/api/v1/dossiers/{code}?secret={secret}"), None).await;
        assert_eq!(before, after);
        app.stop().await;
    }
}

fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                match t.get_mut(k) {
                    Some(existing) if v.is_object() => merge(existing, v),
                    _ => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}
