//! Hardening over HTTP, on SQLite and PostgreSQL: security headers on pages, the API and errors
//! (HSTS only behind TLS), `/livez` and `/readyz` (a missing migration makes it 503), `/metrics`
//! closed to others, the sign-in lockout with exponential backoff (same answers for an unknown
//! account), and failed look-ups limited per code and per address (API, page and PAKN page).

use motcua_domain::staff::Role;
use motcua_web::security::{API_CSP, HSTS, Hardening, PAGE_CSP};
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{BACKENDS, PASSWORD, TestApp};
use crate::slips::{CSRF, browser};

/// A second server over the test app's database and clock, with other hardening settings.
pub async fn serve_with(app: &TestApp, hardening: Hardening) -> String {
    let state = motcua_web::AppState::new(app.db.clone(), app.clock.clone()).with_hardening(hardening);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { motcua_web::serve(listener, state, std::future::pending()).await.unwrap() });
    format!("http://{addr}")
}

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers().get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        for (path, csp) in [
            ("/", PAGE_CSP),
            ("/tra-cuu", PAGE_CSP),
            ("/khong-co-trang-nay", PAGE_CSP),
            ("/api/v1/health", API_CSP),
            ("/api/v1/khong-co", API_CSP),
            ("/api/v1/openapi.json", API_CSP),
            ("/livez", API_CSP),
            ("/static/motcua.css", PAGE_CSP),
        ] {
            let r = browser().get(format!("{}{path}", app.base)).header("accept", "text/html").send().await.unwrap();
            assert_eq!(header(&r, "content-security-policy"), csp, "{path}");
            assert!(csp.contains("frame-ancestors 'none'"));
            assert_eq!(header(&r, "x-content-type-options"), "nosniff", "{path}");
            assert_eq!(header(&r, "referrer-policy"), "same-origin", "{path}");
            assert_eq!(header(&r, "strict-transport-security"), "", "{path}: no HSTS over plain HTTP");
        }
        let tls = serve_with(&app, Hardening { behind_tls: true, ..Hardening::default() }).await;
        for path in ["/", "/api/v1/health"] {
            let r = browser().get(format!("{tls}{path}")).send().await.unwrap();
            assert_eq!(header(&r, "strict-transport-security"), HSTS, "{path}");
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn liveness_readiness_and_a_closed_metrics_endpoint() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let (s, v) = app.get("/livez", None).await;
        assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("ok")));
        let (s, v) = app.get("/readyz", None).await;
        assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("ok")), "{v}");
        // From 127.0.0.1 (the default allowlist) the metrics are open.
        let r = app.client.get(format!("{}/metrics", app.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        // Elsewhere only with the token.
        let closed =
            Hardening { metrics_allow: vec![], metrics_token: Some("bi-mat-do-luong".into()), ..Hardening::default() };
        let other = serve_with(&app, closed).await;
        let r = app.client.get(format!("{other}/metrics")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["code"], "METRICS_FORBIDDEN");
        assert!(v["message_vi"].as_str().unwrap().contains("số liệu"));
        let r = app.client.get(format!("{other}/metrics")).bearer_auth("sai").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = app.client.get(format!("{other}/metrics")).bearer_auth("bi-mat-do-luong").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.text().await.unwrap().contains("motcua_sync_pending"));
        // A migration that is not applied: not ready (503), still alive.
        sqlx::query("DELETE FROM _sqlx_migrations WHERE version = 1").execute(app.db.pool()).await.unwrap();
        let (s, v) = app.get("/readyz", None).await;
        assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{v}");
        assert!(v["problems"][0].as_str().unwrap().starts_with("migrations: [1]"), "{v}");
        assert_eq!(app.get("/livez", None).await.0, StatusCode::OK);
        app.stop().await;
    }
}

async fn login(app: &TestApp, username: &str, password: &str) -> (StatusCode, String, serde_json::Value) {
    let r = app
        .client
        .post(format!("{}/api/v1/auth/login", app.base))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    let retry = header(&r, "retry-after");
    (r.status(), retry, r.json().await.unwrap_or_default())
}

#[tokio::test]
async fn sign_in_locks_out_with_backoff_and_does_not_reveal_accounts() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let real = format!("28777.{}", Role::IntakeOfficer.as_str());
        let mut answers = Vec::new();
        for account in [real.as_str(), "28777.khong-ton-tai"] {
            let mut seen = Vec::new();
            for _ in 0..6 {
                let (s, _, v) = login(&app, account, "sai-mat-khau").await;
                seen.push((s, v["code"].as_str().unwrap_or_default().to_string()));
            }
            // Locked now, even with the right password.
            let (s, retry, v) = login(&app, account, PASSWORD).await;
            seen.push((s, v["code"].as_str().unwrap_or_default().to_string()));
            assert_eq!(retry, "30", "{account}");
            assert!(v["message_vi"].as_str().unwrap().contains("30 giây"), "{v}");
            answers.push(seen);
        }
        assert_eq!(answers[0], answers[1], "an unknown account is answered exactly like a real one");
        assert!(answers[0][..6].iter().all(|(s, c)| *s == StatusCode::UNAUTHORIZED && c == "INVALID_CREDENTIALS"));
        assert_eq!(answers[0][6], (StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_SIGN_IN_ATTEMPTS".to_string()));
        // The lock expires; the next failure locks twice as long.
        app.clock.advance(chrono::Duration::seconds(31));
        assert_eq!(login(&app, &real, "sai-lan-nua").await.0, StatusCode::UNAUTHORIZED);
        let (s, retry, _) = login(&app, &real, PASSWORD).await;
        assert_eq!((s, retry.as_str()), (StatusCode::TOO_MANY_REQUESTS, "60"));
        // After it, the right password signs in and the account starts afresh.
        app.clock.advance(chrono::Duration::seconds(61));
        assert_eq!(login(&app, &real, PASSWORD).await.0, StatusCode::OK);
        assert_eq!(login(&app, &real, "sai").await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(login(&app, &real, PASSWORD).await.0, StatusCode::OK);
        // The sign-in page shares the account's counter and answers people with a page.
        let specialist = format!("28777.{}", Role::Specialist.as_str());
        for _ in 0..6 {
            assert_eq!(login(&app, &specialist, "sai").await.0, StatusCode::UNAUTHORIZED);
        }
        let form = [("csrf", CSRF), ("ten_dang_nhap", specialist.as_str()), ("mat_khau", PASSWORD)];
        let r = browser()
            .post(format!("{}/can-bo/dang-nhap", app.base))
            .header("cookie", format!("motcua_csrf={CSRF}"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(header(&r, "content-type").starts_with("text/html"));
        assert_eq!(header(&r, "retry-after"), "30");
        assert!(r.text().await.unwrap().contains("Đăng nhập sai quá nhiều lần"));
        app.stop().await;
    }
}

#[tokio::test]
async fn failed_lookups_are_limited_per_code_and_per_address() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let (code, secret) = app.submit_birth().await;
        let read = |secret: &'static str| {
            app.client.get(format!("{}/api/v1/dossiers/{code}", app.base)).header("x-dossier-secret", secret).send()
        };
        for _ in 0..6 {
            assert_eq!(read("doan-sai").await.unwrap().status(), StatusCode::NOT_FOUND);
        }
        let r = app
            .client
            .get(format!("{}/api/v1/dossiers/{code}", app.base))
            .header("x-dossier-secret", &secret)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "the code is locked, even for its secret");
        assert_eq!(header(&r, "retry-after"), "60");
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["code"], "TOO_MANY_LOOKUPS");
        // The look-up page refuses the same code with a page.
        let form = [("csrf", CSRF), ("ma", code.as_str()), ("bi_mat", secret.as_str())];
        let r = browser()
            .post(format!("{}/tra-cuu", app.base))
            .header("cookie", format!("motcua_csrf={CSRF}"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(r.text().await.unwrap().contains("Tra cứu không đúng quá nhiều lần"));
        // Staff are not limited by a citizen's lock.
        let token = app.token("28777", Role::IntakeOfficer).await;
        assert_eq!(app.get(&format!("/api/v1/dossiers/{code}"), Some(&token)).await.0, StatusCode::OK);
        // After the lock the secret opens it, and the code starts afresh.
        app.clock.advance(chrono::Duration::seconds(61));
        let r = app
            .client
            .get(format!("{}/api/v1/dossiers/{code}", app.base))
            .header("x-dossier-secret", &secret)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        // One address guessing many codes (pages and PAKN included) is locked after its 21st failure.
        for n in 0..15 {
            let guess = format!("PAKN-28777-261123-{:04}", n + 1);
            let form = [("csrf", CSRF), ("ma", guess.as_str()), ("bi_mat", "doan")];
            let r = browser()
                .post(format!("{}/phan-anh-kien-nghi/tra-cuu", app.base))
                .header("cookie", format!("motcua_csrf={CSRF}"))
                .form(&form)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "guess {n}");
        }
        let r =
            app.client.get(format!("{}/api/v1/dossiers/{code}", app.base)).header("x-dossier-secret", &secret).send();
        assert_eq!(r.await.unwrap().status(), StatusCode::TOO_MANY_REQUESTS, "the address is locked");
        app.stop().await;
    }
}

/// The index page of `unit`'s leader, once the background check has had time to run.
async fn index_page(app: &TestApp, token: &str) -> String {
    crate::slips::get_page(app, "/can-bo/chi-so", token).await.text().await.unwrap()
}

#[tokio::test]
async fn the_index_page_warns_about_a_unit_whose_event_chain_is_broken() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let (code, _) = app.submit_birth().await;
        let an_hoi = app.token("28777", Role::Leader).await;
        let other = app.token("28756", Role::Leader).await;
        assert!(!index_page(&app, &an_hoi).await.contains("canh-bao-toan-ven"));
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert!(!index_page(&app, &an_hoi).await.contains("canh-bao-toan-ven"), "an intact log raises no warning");
        let edit = "UPDATE dossier_events SET data = data || ' ' WHERE seq = 1 AND dossier_id = \
                    (SELECT id FROM dossiers WHERE code = $1)";
        sqlx::query(edit).bind(&code).execute(app.db.pool()).await.unwrap();
        app.clock.advance(motcua_web::integrity::REFRESH + chrono::Duration::seconds(1));
        let mut warned = false;
        for _ in 0..50 {
            let page = index_page(&app, &an_hoi).await;
            if page.contains("canh-bao-toan-ven") {
                assert!(page.contains("Cảnh báo: nhật ký sự kiện bị sửa"));
                warned = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(warned, "the index page of the affected unit warns");
        // The province's ranking names the unit.
        let monitor = app.token("86", Role::ProvinceMonitor).await;
        let ranking = crate::slips::get_page(&app, "/can-bo/xep-hang", &monitor).await.text().await.unwrap();
        assert!(ranking.contains("canh-bao-toan-ven") && ranking.contains("(28777)"), "the ranking warns");
        assert!(!index_page(&app, &other).await.contains("canh-bao-toan-ven"), "other units are not flagged");
        app.stop().await;
    }
}
