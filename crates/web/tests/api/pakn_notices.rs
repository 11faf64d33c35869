//! The notices sent to a petitioner, on the staff PAKN page (full recipient and status) and on
//! the citizen's PAKN lookup page (recipient masked), on SQLite and PostgreSQL.

use motcua_domain::staff::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{BACKENDS, TestApp};
use crate::slips::{CSRF, browser, get_page};

async fn citizen_page(app: &TestApp, code: &str, secret: &str) -> String {
    let r = browser()
        .post(format!("{}/phan-anh-kien-nghi/tra-cuu", app.base))
        .header("cookie", format!("motcua_csrf={CSRF}"))
        .form(&[("csrf", CSRF), ("ma", code), ("bi_mat", secret)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.text().await.unwrap()
}

#[tokio::test]
async fn the_pakn_pages_show_the_notices_sent_to_the_petitioner() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let body = json!({"unit": "28777", "topic": "procedure", "title": "Hồ sơ trả chậm",
            "content": "Hồ sơ đăng ký khai sinh của con tôi đã quá hẹn hai ngày.",
            "name": "Võ Thị Em", "phone": "0987 654 321"});
        let (status, v) = app.post("/api/v1/petitions", None, body).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        let (code, secret) = (v["petition"]["code"].as_str().unwrap(), v["secret"].as_str().unwrap());
        let me = app.token("28777", Role::Specialist).await;
        let staff_page = format!("/can-bo/phan-anh/{code}");

        // Nothing sent yet.
        let html = get_page(&app, &staff_page, &me).await.text().await.unwrap();
        assert!(html.contains("Thông báo đã gửi cho công dân") && html.contains("Chưa có thông báo nào"), "{html}");
        assert!(citizen_page(&app, code, secret).await.contains("Chưa có thông báo nào"));

        // Answered: the notice is queued by SMS, shown to staff in full and to the citizen masked.
        let (status, _) =
            app.post(&format!("/api/v1/petitions/{code}/answer"), Some(&me), json!({"text": "Đã xử lý."})).await;
        assert_eq!(status, StatusCode::OK);
        let html = get_page(&app, &staff_page, &me).await.text().await.unwrap();
        assert!(html.contains("Trả lời phản ánh, kiến nghị") && html.contains("<td>SMS</td>"), "{html}");
        assert!(html.contains("654321") && html.contains("Đang chờ gửi") && html.contains("lần thử"), "{html}");
        let html = citizen_page(&app, code, secret).await;
        assert!(html.contains("Thông báo đã gửi cho bạn") && html.contains("Trả lời phản ánh, kiến nghị"), "{html}");
        assert!(html.contains("•••••321") && !html.contains("654321"), "masked for the citizen: {html}");
        app.stop().await;
    }
}
