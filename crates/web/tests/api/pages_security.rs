//! Security basics of the back-office pages: the session and CSRF cookies' flags, CSRF on
//! every action form, and staff of one unit unable to act on another unit's dossier through
//! the pages (POST), with nothing changed. On SQLite and PostgreSQL.

use motcua_domain::staff::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{BACKENDS, PASSWORD, TestApp};
use crate::slips::{CSRF, browser, post_form};

async fn status_of(app: &TestApp, code: &str, token: &str) -> String {
    let (_, v) = app.get(&format!("/api/v1/dossiers/{code}"), Some(token)).await;
    v["status"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn session_cookies_are_secure_http_only_and_same_site() {
    let app = TestApp::spawn(BACKENDS[0]).await;
    let username = format!("28777.{}", Role::IntakeOfficer.as_str());
    let form = [("csrf", CSRF), ("ten_dang_nhap", username.as_str()), ("mat_khau", PASSWORD)];
    let sign_in = |proto: &'static str| {
        browser()
            .post(format!("{}/can-bo/dang-nhap", app.base))
            .header("cookie", format!("motcua_csrf={CSRF}"))
            .header("x-forwarded-proto", proto)
            .form(&form)
            .send()
    };
    let r = sign_in("https").await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookies: Vec<String> =
        r.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
    for name in ["motcua_session=", "motcua_csrf="] {
        let c = cookies.iter().find(|c| c.starts_with(name)).unwrap_or_else(|| panic!("{name} in {cookies:?}"));
        for flag in ["; Secure", "; HttpOnly", "; SameSite=Lax", "; Path=/"] {
            assert!(c.contains(flag), "{name} lacks {flag}: {c}");
        }
    }
    // Over plain HTTP (a workstation without TLS) the browser would drop a Secure cookie, so
    // it is sent without that flag but still HttpOnly and SameSite.
    let r = sign_in("http").await.unwrap();
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with("motcua_session="));
    let session = session.expect("session cookie").to_string();
    assert!(session.contains("; HttpOnly") && session.contains("; SameSite=Lax") && !session.contains("Secure"));
    // A wrong password sets no session.
    let bad = [("csrf", CSRF), ("ten_dang_nhap", username.as_str()), ("mat_khau", "sai")];
    let r = browser()
        .post(format!("{}/can-bo/dang-nhap", app.base))
        .header("cookie", format!("motcua_csrf={CSRF}"))
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.headers().get_all("set-cookie").iter().all(|c| !c.to_str().unwrap().starts_with("motcua_session=")));
    app.stop().await;
}

#[tokio::test]
async fn staff_of_another_unit_cannot_act_through_the_pages() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let ours = app.token("28777", Role::IntakeOfficer).await;
        let theirs = app.token("28756", Role::IntakeOfficer).await;
        let their_leader = app.token("28756", Role::Leader).await;
        let (code, _) = app.submit_birth().await;

        for (token, command) in [(&theirs, "receive"), (&theirs, "refuse"), (&their_leader, "decide")] {
            let form = [("csrf", CSRF), ("noi_dung", "thử")];
            let r = post_form(&app, &format!("/can-bo/ho-so/{code}/{command}"), token, &form).await;
            assert!(
                matches!(r.status(), StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
                "{backend:?} {command}: {}",
                r.status()
            );
        }
        let r = browser()
            .get(format!("{}/can-bo/ho-so/{code}", app.base))
            .header("cookie", crate::slips::cookies(&theirs))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{backend:?}: another unit cannot even see it");
        assert_eq!(status_of(&app, &code, &ours).await, "submitted", "{backend:?}: nothing changed");

        // Our own officer without the CSRF token is refused too; with it, the action is done.
        let r = post_form(&app, &format!("/can-bo/ho-so/{code}/receive"), &ours, &[("csrf", "x")]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(status_of(&app, &code, &ours).await, "submitted");
        let r = post_form(&app, &format!("/can-bo/ho-so/{code}/receive"), &ours, &[("csrf", CSRF)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(status_of(&app, &code, &ours).await, "received");
        // And through the API the other unit is refused the same way.
        let (status, _) =
            app.post(&format!("/api/v1/dossiers/{code}/start_processing"), Some(&theirs), json!({})).await;
        assert!(matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{status}");
        app.stop().await;
    }
}
