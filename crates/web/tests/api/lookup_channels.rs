//! The notification channel form on the citizen's lookup page, on both databases: offered only
//! after a lookup with the secret, the current order checked, a bad choice refused with the
//! error and nothing changed, a good one saved (post/redirect/get) and used by the next notice.

use motcua_domain::staff::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::files::csrf;
use crate::harness::{BACKENDS, TestApp};

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// The lookup cookie after looking `code` up on the page with `field` = `value`.
async fn looked_up(app: &TestApp, token: &str, code: &str, field: &str, value: &str) -> String {
    let r = no_redirects()
        .post(format!("{}/tra-cuu", app.base))
        .header("cookie", format!("motcua_csrf={token}"))
        .form(&[("csrf", token), ("ma", code), (field, value)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let set = r.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).map(str::to_string);
    set.into_iter().find(|c| c.starts_with("motcua_lookup=")).unwrap().split(';').next().unwrap().to_string()
}

async fn page(app: &TestApp, path: &str, cookie: &str) -> (StatusCode, String) {
    let r = no_redirects().get(format!("{}{path}", app.base)).header("cookie", cookie).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

/// Posts the channel form; returns the status and the redirect target or the page.
async fn choose(app: &TestApp, code: &str, cookie: &str, csrf: &str, kenh: &str) -> (StatusCode, String) {
    let r = no_redirects()
        .post(format!("{}/tra-cuu/{code}/kenh-thong-bao", app.base))
        .header("cookie", format!("motcua_csrf={csrf}; {cookie}"))
        .form(&[("csrf", csrf), ("kenh", kenh)])
        .send()
        .await
        .unwrap();
    let status = r.status();
    let location = r.headers().get("location").map(|l| l.to_str().unwrap().to_string());
    (status, location.unwrap_or(r.text().await.unwrap()))
}

fn checked(html: &str, value: &str) -> bool {
    html.contains(&format!("value=\"{value}\" checked"))
}

#[tokio::test]
async fn the_lookup_page_sets_the_notification_channel_order_with_the_secret() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let (code, secret) = app.submit_birth().await;
        let token = csrf(&app).await;
        let action = format!("/tra-cuu/{code}/kenh-thong-bao");

        // By phone: no form, and posting it is refused.
        let by_phone = looked_up(&app, &token, &code, "dien_thoai", "0912 345 678").await;
        let (_, html) = page(&app, &format!("/tra-cuu/{code}"), &by_phone).await;
        assert!(!html.contains(&action), "a phone number is no secret");
        let (status, html) = choose(&app, &code, &by_phone, &token, "sms").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{html}");

        // By secret: the form, the default order (e-mail, then SMS) checked.
        let by_secret = looked_up(&app, &token, &code, "bi_mat", &secret).await;
        let (status, html) = page(&app, &format!("/tra-cuu/{code}"), &by_secret).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&action) && html.contains("Cách nhận thông báo"), "{html}");
        assert!(checked(&html, "email,sms") && !checked(&html, "zns,sms"), "{html}");
        assert!(html.contains("<label for=\"kenh-zns-sms\">Zalo, nếu không được thì SMS</label>"), "{html}");

        // A bad choice: the error on the page, in the summary, nothing saved.
        let (status, html) = choose(&app, &code, &by_secret, &token, "zalo,zalo").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Thứ tự kênh nhận thông báo không hợp lệ"), "{html}");
        assert!(html.contains("href=\"#kenh-thong-bao\"") && html.contains("kenh-thong-bao-error"), "{html}");
        let (status, _) = choose(&app, &code, &by_secret, "", "sms").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token");
        let (_, html) = page(&app, &format!("/tra-cuu/{code}"), &by_secret).await;
        assert!(checked(&html, "email,sms"), "unchanged");

        // Zalo, then SMS: saved, confirmed, and the next notice goes by Zalo.
        let (status, location) = choose(&app, &code, &by_secret, &token, "zns,sms").await;
        assert_eq!(
            (status, location.as_str()),
            (StatusCode::SEE_OTHER, format!("/tra-cuu/{code}?da=kenh#kenh-thong-bao").as_str())
        );
        let (_, html) = page(&app, &format!("/tra-cuu/{code}?da=kenh"), &by_secret).await;
        assert!(html.contains("Đã lưu cách nhận thông báo") && checked(&html, "zns,sms"), "{html}");
        let (_, en) = page(&app, &format!("/tra-cuu/{code}?lang=en"), &by_secret).await;
        assert!(en.contains("Zalo, failing that SMS") && en.contains("How you are notified"), "{en}");
        let intake = app.token("28777", Role::IntakeOfficer).await;
        app.act(&code, "receive", &intake, json!({})).await;
        let (_, sent) = app.get(&format!("/api/v1/dossiers/{code}/notifications"), Some(&intake)).await;
        let first: &Value = &sent[0];
        assert_eq!(first["channel"], "zns", "{sent}");
        app.stop().await;
    }
}
