//! Notice templates per unit (pages and API: preview before saving, unknown placeholders refused
//! with nothing saved, the center director only) and the notices sent shown on the staff
//! dossier page and the citizen's lookup page. On SQLite and PostgreSQL.

use motcua_domain::notify::NoticeKind;
use motcua_domain::notify::outbox::TemplateStore;
use motcua_domain::staff::Role;
use motcua_domain::unit::UnitCode;
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{BACKENDS, TestApp};
use crate::slips::{CSRF, browser, get_page, post_form};

#[tokio::test]
async fn directors_preview_then_save_their_units_templates() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let director = app.token("28777", Role::CenterDirector).await;
        let officer = app.token("28777", Role::IntakeOfficer).await;
        let unit = UnitCode::parse("28777").unwrap();
        assert_eq!(get_page(&app, "/can-bo/mau-thong-bao", &officer).await.status(), StatusCode::FORBIDDEN);
        let list = get_page(&app, "/can-bo/mau-thong-bao", &director).await.text().await.unwrap();
        assert!(list.contains("Trả lời phản ánh, kiến nghị") && list.contains("Mặc định"), "{backend:?}");
        let edit = get_page(&app, "/can-bo/mau-thong-bao/received", &director).await.text().await.unwrap();
        assert!(edit.contains("{due}") && !edit.contains("Lưu mẫu này"), "no save before a preview");
        assert_eq!(get_page(&app, "/can-bo/mau-thong-bao/khong-co", &director).await.status(), StatusCode::NOT_FOUND);

        // An unknown placeholder: the error summary links to the field; nothing is saved.
        let mut form = [
            ("csrf", CSRF),
            ("thao_tac", "xem-truoc"),
            ("tieu_de", "Hồ sơ {code} đã được tiếp nhận"),
            ("noi_dung", "Kính gửi {name}, hẹn trả {due}. {link}"),
            ("sms", "Ho so {code} hen {ngay_hen}"),
        ];
        let r = post_form(&app, "/can-bo/mau-thong-bao/received", &director, &form).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = r.text().await.unwrap();
        assert!(page.contains("href=\"#sms\"") && page.contains("{ngay_hen}"), "{page}");
        assert!(page.contains("TEMPLATE_UNKNOWN_PLACEHOLDER") && page.contains("aria-invalid=\"true\""));
        form[1] = ("thao_tac", "luu");
        let r = post_form(&app, "/can-bo/mau-thong-bao/received", &director, &form).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "saving checks again");
        assert!(app.db.unit_templates(&unit).await.unwrap().is_empty(), "{backend:?}: nothing saved");

        // A good one: previewed with the sample dossier and its SMS size, then saved.
        form[1] = ("thao_tac", "xem-truoc");
        form[4] = ("sms", "Phường An Hội: hồ sơ {code} hẹn {due}");
        let page = post_form(&app, "/can-bo/mau-thong-bao/received", &director, &form).await.text().await.unwrap();
        assert!(page.contains("Kính gửi Nguyễn Văn An, hẹn trả 16:30 04/12/2026."), "{page}");
        assert!(page.contains("UCS-2") && page.contains("Phuong An Hoi: ho so") && page.contains("Lưu mẫu này"));
        form[1] = ("thao_tac", "luu");
        let r = post_form(&app, "/can-bo/mau-thong-bao/received", &director, &form).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let saved = app.db.unit_templates(&unit).await.unwrap();
        assert_eq!((saved.len(), saved[0].kind, saved[0].template.sms.as_str()), (1, NoticeKind::Received, form[4].1));
        let list = get_page(&app, "/can-bo/mau-thong-bao?da-luu=received", &director).await.text().await.unwrap();
        assert!(list.contains("Đã lưu mẫu tin") && list.contains("Của đơn vị"));

        // The API says the same; a reset goes back to the default.
        let (status, all) = app.get("/api/v1/notify/templates", Some(&director)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(all.as_array().unwrap().iter().filter(|t| t["custom"] == true).count(), 1);
        let body = json!({"subject": "x", "body": "{name}", "sms": "{code} {amount}"});
        let (status, e) = app.post("/api/v1/notify/templates/received/preview", Some(&director), body).await;
        assert_eq!(
            (status, e["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("TEMPLATE_UNKNOWN_PLACEHOLDER"))
        );
        assert!(e["message_en"].as_str().unwrap().contains("{amount}"));
        let reset = [("csrf", CSRF), ("thao_tac", "mac-dinh")];
        assert_eq!(
            post_form(&app, "/can-bo/mau-thong-bao/received", &director, &reset).await.status(),
            StatusCode::SEE_OTHER
        );
        assert!(app.db.unit_templates(&unit).await.unwrap().is_empty());
        app.stop().await;
    }
}

#[tokio::test]
async fn notices_sent_show_on_the_staff_dossier_page_and_the_lookup_page() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let officer = app.token("28777", Role::IntakeOfficer).await;
        let (code, secret) = app.submit_birth().await;
        app.act(&code, "receive", &officer, json!({})).await;
        let page = get_page(&app, &format!("/can-bo/ho-so/{code}"), &officer).await.text().await.unwrap();
        assert!(page.contains("Thông báo đã gửi cho công dân"), "{backend:?}");
        assert!(page.contains("Tiếp nhận hồ sơ") && page.contains("84912345678") && page.contains("Đang chờ gửi"));

        let r = browser()
            .post(format!("{}/tra-cuu", app.base))
            .header("cookie", format!("motcua_csrf={CSRF}"))
            .form(&[("csrf", CSRF), ("ma", code.as_str()), ("bi_mat", secret.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let cookie = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("motcua_lookup="))
            .map(|c| c.split(';').next().unwrap().to_string())
            .unwrap();
        let r = browser().get(format!("{}/tra-cuu/{code}", app.base)).header("cookie", cookie).send().await.unwrap();
        let html = r.text().await.unwrap();
        assert!(html.contains("Thông báo đã gửi cho bạn") && html.contains("84•••••678"), "{html}");
        assert!(!html.contains("84912345678"), "the citizen sees the number masked");
        app.stop().await;
    }
}
