//! The committed OpenAPI document matches the code; `UPDATE_OPENAPI=1` rewrites it.

use crate::harness::{Backend, TestApp};

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi.json");

#[tokio::test]
async fn committed_openapi_document_matches_the_code_and_is_served() {
    let generated = motcua_web::openapi::document();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(COMMITTED, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi.json differs from the code: run `UPDATE_OPENAPI=1 cargo test -p motcua-web --test api openapi` and commit it"
    );
    let doc: serde_json::Value = serde_json::from_str(&generated).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in ["/api/v1/health", "/api/v1/dossiers", "/api/v1/dossiers/{code}/receive", "/api/v1/calendar/due"] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (status, served) = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(status, 200);
    assert_eq!(served, doc);
    app.stop().await;
}
