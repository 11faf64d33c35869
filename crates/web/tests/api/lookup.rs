//! The citizen's side after filing, on both databases: answering a supplementation request
//! with files, the electronic result, rating once after the return, and the lookup pages by
//! secret or by phone, which never open someone else's dossier.

use motcua_domain::ports::DossierStore;
use motcua_domain::staff::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::files::{Part, csrf, pdf, upload};
use crate::harness::{BACKENDS, TestApp};

async fn uploaded(app: &TestApp, name: &str, bytes: Vec<u8>) -> String {
    let ct = if bytes.starts_with(b"%PDF") { "application/pdf" } else { "image/png" };
    let (status, files) = upload(app, &[Part::file("file", name, ct, bytes)]).await;
    assert_eq!(status, StatusCode::CREATED, "{files}");
    files[0]["sha256"].as_str().unwrap().to_string()
}

async fn last_event(app: &TestApp, code: &str, secret: &str) -> Value {
    let (_, events) = app.get(&format!("/api/v1/dossiers/{code}/events?secret={secret}"), None).await;
    events.as_array().unwrap().last().unwrap().clone()
}

#[tokio::test]
async fn a_supplementation_request_is_answered_with_files_that_the_officer_receives() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let (code, secret) = app.submit_birth().await;
        let intake = app.token("28777", Role::IntakeOfficer).await;
        let specialist = app.token("28777", Role::Specialist).await;
        let path = |s: &str| format!("/api/v1/dossiers/{code}/supplement?secret={s}");
        let sha = uploaded(&app, "giay-chung-sinh-ban-chinh.pdf", pdf("bs")).await;
        let body = json!({"files": [{"file_sha256": sha, "name": "Giấy chứng sinh bản chính"}], "note": "Bản chính"});

        // Not asked yet: refused, nothing written.
        app.act(&code, "receive", &intake, json!({})).await;
        let (status, e) = app.post(&path(&secret), None, body.clone()).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::CONFLICT, Some("SUPPLEMENT_NOT_REQUESTED")), "{e}");
        app.act(&code, "start_processing", &specialist, json!({})).await;
        app.act(&code, "request_supplement", &specialist, json!({"missing": "Giấy chứng sinh bản chính"})).await;

        // Wrong secret, no file, a file never uploaded: each refused clearly.
        let (status, e) = app.post(&path("WRONGWRONG"), None, body.clone()).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::NOT_FOUND, Some("DOSSIER_NOT_FOUND")));
        let (status, e) = app.post(&path(&secret), None, json!({"files": []})).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("NO_FILE")));
        let (status, e) = app.post(&path(&secret), None, json!({"files": [{"file_sha256": "cd".repeat(32)}]})).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("UNKNOWN_FILE")));
        assert_eq!(last_event(&app, &code, &secret).await["command"], "request_supplement", "nothing was written");

        // Answered: a citizen event in the chain, the file on the dossier, still waiting for the officer.
        let (status, d) = app.post(&path(&secret), None, body.clone()).await;
        assert_eq!(status, StatusCode::OK, "{d}");
        assert_eq!(d["status_code"], 5);
        let e = last_event(&app, &code, &secret).await;
        assert_eq!((e["command"].as_str(), e["actor"].as_str()), (Some("provide_supplement"), Some("citizen")));
        assert_eq!(e["data"]["files"][0]["file_sha256"], json!(sha), "{e}");
        let (_, seen) = app.get(&format!("/api/v1/dossiers/{code}"), Some(&intake)).await;
        let names: Vec<&str> =
            seen["components"].as_array().unwrap().iter().filter_map(|c| c["name"].as_str()).collect();
        assert!(names.contains(&"Giấy chứng sinh bản chính"), "{names:?}");
        let r = app
            .client
            .get(format!("{}/api/v1/dossiers/{code}/files/{sha}", app.base))
            .bearer_auth(&intake)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "the officer opens the supplement");

        // The officer records receipt; the request is closed.
        let resumed = app.act(&code, "receive_supplement", &intake, json!({})).await;
        assert_eq!(resumed["status_code"], 4);
        let (status, e) = app.post(&path(&secret), None, body).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::CONFLICT, Some("SUPPLEMENT_NOT_REQUESTED")));
        let report = app.db.verify_all().await.unwrap();
        assert!(report.broken.is_empty() && report.drifted.is_empty(), "chain and projection hold: {report:?}");
        app.stop().await;
    }
}

/// Takes a fresh birth registration through to its decision with an electronic result file.
async fn decided_with_result(app: &TestApp) -> (String, String, String) {
    let (code, secret) = app.submit_birth().await;
    let intake = app.token("28777", Role::IntakeOfficer).await;
    let specialist = app.token("28777", Role::Specialist).await;
    let leader = app.token("28777", Role::Leader).await;
    app.act(&code, "receive", &intake, json!({})).await;
    app.act(&code, "start_processing", &specialist, json!({})).await;
    app.act(&code, "forward_for_approval", &specialist, json!({"summary": "Đủ điều kiện"})).await;
    let result = uploaded(app, "trich-luc-khai-sinh.pdf", pdf(&format!("kq-{code}"))).await;
    // A result naming a file never uploaded is refused.
    let (status, e) = app
        .post(
            &format!("/api/v1/dossiers/{code}/decide"),
            Some(&leader),
            json!({"results": [{"name": "Giấy khai sinh", "electronic": true, "file_sha256": "ef".repeat(32)}]}),
        )
        .await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("UNKNOWN_FILE")), "{e}");
    app.act(
        &code,
        "decide",
        &leader,
        json!({"results": [{"name": "Giấy khai sinh (bản điện tử)", "electronic": true, "file_sha256": result}]}),
    )
    .await;
    (code, secret, result)
}

#[tokio::test]
async fn the_result_is_downloaded_and_the_service_rated_once_after_the_return() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let (code, secret, result) = decided_with_result(&app).await;
        let rating = format!("/api/v1/dossiers/{code}/rating?secret={secret}");
        let (status, e) = app.post(&rating, None, json!({"score": 5})).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::CONFLICT, Some("NOT_RETURNED_YET")), "{e}");

        let intake = app.token("28777", Role::IntakeOfficer).await;
        app.act(&code, "return_result", &intake, json!({})).await;
        let r = app
            .client
            .get(format!("{}/api/v1/dossiers/{code}/files/{result}?secret={secret}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.bytes().await.unwrap().to_vec(), pdf(&format!("kq-{code}")));

        for (bad, code_) in [(json!({"score": 0}), "INVALID_SCORE"), (json!({"score": 6}), "INVALID_SCORE")] {
            let (status, e) = app.post(&rating, None, bad).await;
            assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(code_)));
        }
        let (status, e) = app.post(&rating, None, json!({"score": 3, "comment": "x".repeat(2001)})).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("TEXT_TOO_LONG")));
        let (status, e) =
            app.post(&format!("/api/v1/dossiers/{code}/rating?secret=WRONGWRONG"), None, json!({"score": 1})).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::NOT_FOUND, Some("DOSSIER_NOT_FOUND")));

        let (status, _) =
            app.post(&rating, None, json!({"score": 2, "comment": "Phải đi lại hai lần", "complaint": true})).await;
        assert_eq!(status, StatusCode::OK);
        let e = last_event(&app, &code, &secret).await;
        assert_eq!(e["command"], "rate");
        assert_eq!(e["data"]["rating"], json!({"score": 2, "comment": "Phải đi lại hai lần", "complaint": true}));
        let (status, e) = app.post(&rating, None, json!({"score": 5})).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::CONFLICT, Some("ALREADY_RATED")), "rated once");
        let report = app.db.verify_all().await.unwrap();
        assert!(report.broken.is_empty() && report.drifted.is_empty(), "chain and projection hold: {report:?}");
        app.stop().await;
    }
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Looks `code` up on the page with `field` = `value`; returns the status and the lookup cookie.
async fn page_lookup(app: &TestApp, token: &str, code: &str, field: &str, value: &str) -> (StatusCode, Option<String>) {
    let r = no_redirects()
        .post(format!("{}/tra-cuu", app.base))
        .header("cookie", format!("motcua_csrf={token}"))
        .form(&[("csrf", token), ("ma", code), (field, value)])
        .send()
        .await
        .unwrap();
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("motcua_lookup="))
        .map(|c| c.split(';').next().unwrap().to_string());
    (r.status(), cookie)
}

async fn get_page(app: &TestApp, path: &str, cookie: &str) -> (StatusCode, String) {
    let r = no_redirects().get(format!("{}{path}", app.base)).header("cookie", cookie).send().await.unwrap();
    let status = r.status();
    let location = r.headers().get("location").map(|l| l.to_str().unwrap().to_string());
    (status, location.unwrap_or(r.text().await.unwrap()))
}

#[tokio::test]
async fn the_lookup_page_opens_a_dossier_by_secret_or_phone_and_never_another_one() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let (code, secret, result) = decided_with_result(&app).await;
        let (other, other_secret) = app.submit_birth().await;
        let token = csrf(&app).await;

        // By phone: the status, but no files and no actions.
        let (status, cookie) = page_lookup(&app, &token, &code, "dien_thoai", "0912 345 678").await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let by_phone = cookie.expect("the lookup is remembered");
        let (status, html) = get_page(&app, &format!("/tra-cuu/{code}"), &by_phone).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Đã có kết quả") || html.contains("trang-thai"), "{html}");
        assert!(html.contains("hãy tra cứu bằng mã bí mật") && !html.contains("/tep/"), "phone shows status only");
        let (status, _) = get_page(&app, &format!("/tra-cuu/{code}/tep/{result}"), &by_phone).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = page_lookup(&app, &token, &code, "dien_thoai", "0987654321").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a wrong phone opens nothing");

        // By secret: the result can be downloaded.
        let (_, cookie) = page_lookup(&app, &token, &code, "bi_mat", &secret).await;
        let by_secret = cookie.unwrap();
        let (_, html) = get_page(&app, &format!("/tra-cuu/{code}"), &by_secret).await;
        assert!(html.contains(&format!("/tra-cuu/{code}/tep/{result}")), "{html}");
        let r = no_redirects()
            .get(format!("{}/tra-cuu/{code}/tep/{result}", app.base))
            .header("cookie", &by_secret)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "application/pdf");

        // Another dossier with this browser's proof, or a forged cookie: nothing is shown.
        let (status, location) = get_page(&app, &format!("/tra-cuu/{other}"), &by_secret).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, format!("/tra-cuu?ma={other}").as_str()));
        let forged = format!("motcua_lookup={other}:s:{secret}");
        let (status, html) = get_page(&app, &format!("/tra-cuu/{other}"), &forged).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!html.contains("Trần Thị Bình"));
        let forged_file = format!("motcua_lookup={other}:s:{other_secret}");
        let (status, _) = get_page(&app, &format!("/tra-cuu/{other}/tep/{result}"), &forged_file).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "another citizen cannot fetch this result through theirs");
        app.stop().await;
    }
}
