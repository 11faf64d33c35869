//! Sign-in with OpenID Connect against a real provider: the certified npm `oidc-provider`, run by
//! `tests/js/oidc-provider.mjs` with a login that needs no browser. The test plays the browser
//! (cookies per site, redirects by hand): the authorization code flow with PKCE, the citizen's
//! "Hồ sơ của tôi" and a verified-identity submission, staff mapped to existing accounts, and the
//! failures (bad state, replayed code, wrong nonce, expired ID token…), each explained with its
//! code and creating nothing. On SQLite and PostgreSQL.

mod flow;

use chrono::Utc;
use motcua_domain::ports::StaffStore;
use motcua_domain::staff::Role;
use motcua_domain::unit::UnitCode;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::files::{Part, hidden_values, pdf};
use crate::harness::{BACKENDS, PASSWORD, TestApp, birth_request};
use flow::{Browser, CITIZEN_CB, Provider, count, sign_ins};

/// The applicant of `birth_request()`, and someone else.
const MINE: &str = "086190012345";
const THEIRS: &str = "079185000123";

async fn app_for(backend: crate::harness::Backend, op: &Provider, staff: bool) -> TestApp {
    let app = TestApp::spawn_with(backend, |s| s.with_sign_in(sign_ins(&op.issuer, staff))).await;
    // The provider signs with the wall clock; the application checks `exp` with its own.
    app.clock.set(Utc::now());
    app
}

/// Files a birth registration through the portal form with the browser's cookies; returns its code.
async fn file_online(app: &TestApp, b: &Browser, id_number: &str) -> String {
    let p = motcua_domain::catalog::seed_procedures().into_iter().find(|p| p.code.as_str() == "1.001193").unwrap();
    let draft = [("tinh", "86"), ("don_vi", "28777"), ("ho_ten", "Trần Thị Bình"), ("so_dinh_danh", id_number)];
    let csrf = b.app_cookie("motcua_csrf").expect("a CSRF cookie from an earlier page");
    let fields: Vec<String> = p.components.iter().filter(|c| c.required).map(|c| format!("tep_{}", c.code)).collect();
    let mut parts: Vec<Part> = draft.iter().map(|(k, v)| Part::text(k, v)).collect();
    parts.push(Part::text("csrf", &csrf));
    parts.push(Part::text("buoc", "giay-to"));
    for f in &fields {
        parts.push(Part::file(f, "giay-to.pdf", "application/pdf", pdf(f)));
    }
    let (status, html) = b.post_multipart(&format!("{}/nop-ho-so/1.001193/buoc", app.base), &parts).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let mut parts: Vec<Part> = draft.iter().map(|(k, v)| Part::text(k, v)).collect();
    parts.push(Part::text("csrf", &csrf));
    parts.push(Part::text("buoc", "kiem-tra"));
    let kept = hidden_values(&html, "tep_da_luu");
    for f in &kept {
        parts.push(Part::text("tep_da_luu", f));
    }
    let (status, _) = b.post_multipart(&format!("{}/nop-ho-so/1.001193/buoc", app.base), &parts).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let officer = app.token("28777", Role::IntakeOfficer).await;
    let (_, list) = app.get("/api/v1/dossiers", Some(&officer)).await;
    list["items"][0]["code"].as_str().unwrap().to_string()
}

async fn dossier(app: &TestApp, code: &str) -> Value {
    let officer = app.token("28777", Role::IntakeOfficer).await;
    app.get(&format!("/api/v1/dossiers/{code}"), Some(&officer)).await.1
}

#[tokio::test]
async fn a_citizen_signs_in_with_vneid_sees_their_dossiers_and_files_with_a_verified_identity() {
    let op = Provider::start();
    for backend in BACKENDS {
        let app = app_for(backend, &op, false).await;
        let (mine, _) = app.submit_birth().await;
        let mut other = birth_request();
        other["applicant"]["id_number"] = json!(THEIRS);
        let (status, body) = app.post("/api/v1/dossiers", None, other).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let theirs = body["dossier"]["code"].as_str().unwrap().to_string();

        let mut b = Browser::new(&app, &op);
        let (status, html) = b.page("/ho-so-cua-toi").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("href=\"/dang-nhap/vneid\"") && html.contains("Đăng nhập bằng VNeID"), "{html}");
        let (_, home) = b.page("/").await;
        assert!(home.contains("href=\"/ho-so-cua-toi\""), "the portal links the citizen's page");
        let (_, staff_page) = b.page("/can-bo/dang-nhap").await;
        assert!(!staff_page.contains("Đăng nhập bằng OIDC"), "no staff provider configured: no link");

        let (url, _) = b.authorize("/dang-nhap/vneid", MINE, |u| u).await;
        let r = b.get(&url).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
        assert_eq!(r.headers()["location"], "/ho-so-cua-toi");
        let set: Vec<&str> = r.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
        let session = set.iter().find(|c| c.starts_with("motcua_citizen=")).expect("a session cookie");
        assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"), "{session}");
        assert!(set.iter().any(|c| c.starts_with("motcua_oidc=;") && c.contains("Max-Age=0")), "{set:?}");
        assert_eq!(count(&app, "citizen_sessions").await, 1);

        let (status, html) = b.page("/ho-so-cua-toi").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&mine) && !html.contains(&theirs), "only the citizen's own dossiers: {html}");
        assert!(html.contains(MINE) && html.contains("Đã xác thực qua VNeID") && html.contains("Người dùng"));
        let (_, en) = b.page("/ho-so-cua-toi?lang=en").await;
        assert!(en.contains("My dossiers") && en.contains("Verified through VNeID") && en.contains(&mine));

        // Filed while signed in, in their own name: the verified-identity flag (766, VNeID account).
        let filed = file_online(&app, &b, MINE).await;
        assert_eq!(dossier(&app, &filed).await["identity_verified"], true);
        assert_eq!(dossier(&app, &mine).await["identity_verified"], false, "filed anonymously");
        // In someone else's name: not verified.
        let for_other = file_online(&app, &b, THEIRS).await;
        assert_eq!(dossier(&app, &for_other).await["identity_verified"], false);
        let (_, html) = b.page("/ho-so-cua-toi").await;
        assert!(html.contains(&filed) && html.contains(&mine) && !html.contains(&for_other));

        // Signing out ends the session on the server too.
        let csrf = b.app_cookie("motcua_csrf").unwrap();
        let old = b.app_cookie("motcua_citizen").unwrap();
        let (status, location) = b.post_form("/dang-xuat", &[("csrf", &csrf)]).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/"));
        assert_eq!(count(&app, "citizen_sessions").await, 0);
        b.set_app_cookie("motcua_citizen", &old);
        let (_, html) = b.page("/ho-so-cua-toi?lang=vi").await;
        assert!(html.contains("Đăng nhập bằng VNeID") && !html.contains(&mine), "{html}");
        app.stop().await;
    }
}

/// Visits the callback and asserts the sign-in failed with `code` (page and status).
async fn refused(b: &mut Browser, url: &str, status: StatusCode, code: &str) {
    let r = b.get(url).await;
    let got = r.status();
    let html = r.text().await.unwrap();
    assert_eq!(got, status, "{code}: {html}");
    assert!(html.contains(&format!("<code>{code}</code>")) && html.contains("Mã lỗi"), "{code}: {html}");
    assert!(html.contains("Đăng nhập không thành công") && html.contains("Thử lại"), "{html}");
}

#[tokio::test]
async fn failed_sign_ins_are_explained_with_a_code_and_create_nothing() {
    let op = Provider::start();
    for backend in BACKENDS {
        let app = app_for(backend, &op, false).await;
        let mut b = Browser::new(&app, &op);

        // A forged state, or a good one from another browser.
        let (url, _) = b.authorize("/dang-nhap/vneid", MINE, |u| u).await;
        refused(&mut b, &flow::with_param(&url, "state", "forged"), StatusCode::BAD_REQUEST, "OIDC_BAD_STATE").await;
        let mut stranger = Browser::new(&app, &op);
        refused(&mut stranger, &url, StatusCode::BAD_REQUEST, "OIDC_BAD_STATE").await;

        // The provider's refusal (the person said no).
        let (url, _) = b.authorize("/dang-nhap/vneid", MINE, |u| u).await;
        let denied = flow::with_param(&flow::without_param(&url, "code"), "error", "access_denied");
        refused(&mut b, &denied, StatusCode::BAD_REQUEST, "OIDC_PROVIDER_REFUSED").await;

        // A nonce that is not this sign-in's.
        let (url, _) = b.authorize("/dang-nhap/vneid", MINE, |u| flow::with_param(&u, "nonce", "not-ours")).await;
        refused(&mut b, &url, StatusCode::UNAUTHORIZED, "OIDC_NONCE_MISMATCH").await;

        // An ID token that expired (it lives 120 s; the application's clock moved 3 minutes on).
        let (url, _) = b.authorize("/dang-nhap/vneid", MINE, |u| u).await;
        app.clock.advance(chrono::Duration::minutes(3));
        refused(&mut b, &url, StatusCode::UNAUTHORIZED, "OIDC_ID_TOKEN_EXPIRED").await;
        app.clock.set(Utc::now());

        // A claim that is no identity number.
        let (url, _) = b.authorize("/dang-nhap/vneid", "khong-phai-cccd", |u| u).await;
        refused(&mut b, &url, StatusCode::FORBIDDEN, "OIDC_IDENTITY_INVALID").await;
        assert_eq!(count(&app, "citizen_sessions").await, 0, "no failure opened a session");

        // A replayed code: once with its used state, once under a fresh sign-in's state.
        let (url, _) = b.authorize("/dang-nhap/vneid", MINE, |u| u).await;
        assert_eq!(b.get(&url).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(count(&app, "citizen_sessions").await, 1);
        refused(&mut b, &url, StatusCode::BAD_REQUEST, "OIDC_BAD_STATE").await;
        let (fresh, _) = b.authorize("/dang-nhap/vneid", MINE, |u| u).await;
        let replay = flow::with_param(&url, "state", &flow::param(&fresh, "state").unwrap());
        refused(&mut b, &replay, StatusCode::BAD_REQUEST, "OIDC_CODE_REJECTED").await;
        assert_eq!(count(&app, "citizen_sessions").await, 1, "the replay opened nothing");

        // Explained in English too; and staff sign-in is off without its provider.
        let (url, _) = b.authorize("/dang-nhap/vneid", MINE, |u| u).await;
        b.set_app_cookie("lang", "en");
        let r = b.get(&flow::with_param(&url, "state", "forged")).await;
        let html = r.text().await.unwrap();
        assert!(html.contains("Sign-in failed") && html.contains("Error code") && html.contains("OIDC_BAD_STATE"));
        let r = b.get(&format!("{}/can-bo/dang-nhap/oidc", app.base)).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert!(r.text().await.unwrap().contains("OIDC_NOT_CONFIGURED"));
        // An answer that cannot be read (a repeated parameter) is no sign-in either.
        b.set_app_cookie("lang", "vi");
        let twice = format!("{}&state=again", flow::with_param(&url, "state", "x"));
        refused(&mut b, &twice, StatusCode::BAD_REQUEST, "OIDC_BAD_STATE").await;
        app.stop().await;

        // A provider that cannot be reached: explained, nothing recorded.
        let app = TestApp::spawn_with(backend, |s| s.with_sign_in(sign_ins("http://127.0.0.1:9", false))).await;
        let mut b = Browser::new(&app, &op);
        let r = b.get(&format!("{}/dang-nhap/vneid", app.base)).await;
        assert_eq!(r.status(), StatusCode::BAD_GATEWAY);
        assert!(r.text().await.unwrap().contains("<code>OIDC_PROVIDER_UNAVAILABLE</code>"));
        assert_eq!(count(&app, "oidc_attempts").await, 0);
        app.stop().await;
    }
}

#[tokio::test]
async fn staff_sign_in_with_oidc_reaches_existing_active_accounts_only() {
    let op = Provider::start();
    for backend in BACKENDS {
        let app = app_for(backend, &op, true).await;
        let email = "tiepnhan.anhoi@vinhlong.gov.vn";
        let hash = motcua_web::auth::hash_password(PASSWORD);
        let unit = UnitCode::parse("28777").unwrap();
        app.db.create_staff(email, "Lê Văn Tiếp", Role::IntakeOfficer, &unit, &hash).await.unwrap();
        let tokens = count(&app, "api_tokens").await;

        let mut b = Browser::new(&app, &op);
        let (_, html) = b.page("/can-bo/dang-nhap").await;
        assert!(html.contains("href=\"/can-bo/dang-nhap/oidc\"") && html.contains("Đăng nhập bằng OIDC"));
        let (url, _) = b.authorize("/can-bo/dang-nhap/oidc", &email.to_uppercase(), |u| u).await;
        assert!(url.contains("/can-bo/dang-nhap/oidc/ve?"), "{url}");
        let r = b.get(&url).await;
        assert_eq!((r.status(), r.headers()["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, "/can-bo"));
        let token = b.app_cookie("motcua_session").expect("the staff session cookie");
        let (status, me) = app.get("/api/v1/auth/me", Some(&token)).await;
        assert_eq!((status, me["username"].as_str()), (StatusCode::OK, Some(email)), "{me}");
        let (status, inbox) = b.page("/can-bo").await;
        assert!(status == StatusCode::OK && inbox.contains("Lê Văn Tiếp"));
        assert_eq!(count(&app, "api_tokens").await, tokens + 1);

        // No account is created; an unverified address or a disabled account gets nowhere.
        let mut b = Browser::new(&app, &op);
        let (url, _) = b.authorize("/can-bo/dang-nhap/oidc", "nobody@vinhlong.gov.vn", |u| u).await;
        refused(&mut b, &url, StatusCode::FORBIDDEN, "OIDC_STAFF_UNKNOWN").await;
        let (url, _) = b.authorize("/can-bo/dang-nhap/oidc", "unverified.anhoi@vinhlong.gov.vn", |u| u).await;
        refused(&mut b, &url, StatusCode::FORBIDDEN, "OIDC_EMAIL_NOT_VERIFIED").await;
        sqlx::query("UPDATE staff SET active = 0 WHERE username = $1")
            .bind(email)
            .execute(app.db.pool())
            .await
            .unwrap();
        let (url, _) = b.authorize("/can-bo/dang-nhap/oidc", email, |u| u).await;
        refused(&mut b, &url, StatusCode::FORBIDDEN, "OIDC_STAFF_DISABLED").await;
        assert_eq!(count(&app, "api_tokens").await, tokens + 1, "no failure issued a token");
        assert_eq!(app.db.staff_list().await.unwrap().iter().filter(|s| s.username.contains("nobody")).count(), 0);
        // A citizen's state is no staff sign-in's: each callback takes only its own attempts.
        let (citizen, _) = b.authorize("/dang-nhap/vneid", MINE, |u| u).await;
        let crossed = format!("{}{}?{}", app.base, flow::STAFF_PATH, citizen.split_once('?').unwrap().1);
        refused(&mut b, &crossed, StatusCode::BAD_REQUEST, "OIDC_BAD_STATE").await;
        assert!(CITIZEN_CB.ends_with("/dang-nhap/vneid/ve"));
        app.stop().await;
    }
}
