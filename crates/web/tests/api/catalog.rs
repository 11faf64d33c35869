//! Catalog and units over HTTP.

use reqwest::StatusCode;

use crate::harness::{BACKENDS, TestApp};

#[tokio::test]
async fn toneless_search_finds_birth_registration_first() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        for q in ["dang%20ky%20khai%20sinh", "DANG%20KY%20KHAI%20SINH", "%C4%91%C4%83ng%20k%C3%BD%20khai%20sinh"] {
            let (status, body) = app.get(&format!("/api/v1/procedures?q={q}"), None).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(body[0]["name"], "Đăng ký khai sinh", "{backend:?} {q}: {body}");
            assert_eq!(body[0]["code"], "1.001193");
        }
        let (_, one) = app.get("/api/v1/procedures/2.000635", None).await;
        assert_eq!(one["fees"][0]["amount"], 8000);
        let (status, body) = app.get("/api/v1/procedures/9.999999", None).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("NOT_FOUND")));
        let (status, body) = app.get("/api/v1/procedures/abc", None).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("INVALID_PROCEDURE_CODE")));
        let (_, communes) = app.get("/api/v1/units?province=86", None).await;
        assert_eq!(communes.as_array().unwrap().len(), 124);
        let (_, an_hoi) = app.get("/api/v1/units/28777", None).await;
        assert_eq!(an_hoi["name"], "Phường An Hội");
        assert_eq!(an_hoi["working_hours"], "07:00-11:30,13:30-17:00");
        app.stop().await;
    }
}
