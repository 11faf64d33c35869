//! The dossier register (Mẫu 06) page with its filters and its CSV/XLSX exports, and the
//! center dashboard's figures, on SQLite and PostgreSQL.

use chrono::Duration;
use motcua_domain::staff::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{BACKENDS, TestApp, birth_request, vn};
use crate::slips::get_page;

async fn submit_to(app: &TestApp, unit: &str) -> String {
    let mut req = birth_request();
    req["unit"] = json!(unit);
    let (status, body) = app.post("/api/v1/dossiers", None, req).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["dossier"]["code"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_register_filters_by_unit_status_and_period_and_exports_what_it_shows() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let officer = app.token("28777", Role::IntakeOfficer).await;
        let received = submit_to(&app, "28777").await;
        let refused = submit_to(&app, "28777").await;
        let elsewhere = submit_to(&app, "28756").await;
        app.act(&received, "receive", &officer, json!({})).await;
        app.act(&refused, "refuse", &officer, json!({"reason": "Không đúng thẩm quyền"})).await;

        let page = get_page(&app, "/can-bo/so-theo-doi", &officer).await.text().await.unwrap();
        assert!(page.contains(&received) && page.contains(&refused), "{backend:?}");
        assert!(!page.contains(&elsewhere), "{backend:?}: another unit's dossier is not in our register");
        let page = get_page(&app, "/can-bo/so-theo-doi?trang_thai=refused", &officer).await.text().await.unwrap();
        assert!(page.contains(&refused) && !page.contains(&received), "{backend:?}");
        assert!(page.contains("Không đúng thẩm quyền"), "the refusal reason is the note");
        let page = get_page(&app, "/can-bo/so-theo-doi?tu_ngay=2026-11-24", &officer).await.text().await.unwrap();
        assert!(!page.contains(&received), "{backend:?}: submitted on the 23rd");
        let r = get_page(&app, "/can-bo/so-theo-doi?tu_ngay=23%2F11%2F2026&trang_thai=x", &officer).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = r.text().await.unwrap();
        assert!(page.contains("href=\"#tu-ngay\"") && page.contains("href=\"#trang-thai\""), "{page}");

        // A province monitor chooses the commune.
        let monitor = app.token("86", Role::ProvinceMonitor).await;
        let page = get_page(&app, "/can-bo/so-theo-doi?don_vi=28756", &monitor).await.text().await.unwrap();
        assert!(page.contains(&elsewhere) && !page.contains(&received), "{backend:?}");

        let r = get_page(&app, "/can-bo/so-theo-doi/xuat/csv?trang_thai=received", &officer).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("STT,Mã hồ sơ,Tên thủ tục hành chính"), "{text}");
        assert_eq!(lines.len(), 2, "{backend:?}: header + the one received dossier\n{text}");
        assert!(lines[1].starts_with(&format!("1,{received},")) && lines[1].contains("Trần Thị Bình"), "{text}");

        let r = get_page(&app, "/can-bo/so-theo-doi/xuat/xlsx", &officer).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        assert!(r.bytes().await.unwrap().starts_with(b"PK"), "a zip workbook");
        assert_eq!(get_page(&app, "/can-bo/so-theo-doi/xuat/pdf", &officer).await.status(), StatusCode::NOT_FOUND);
        app.stop().await;
    }
}

/// The figure with `id` on the dashboard.
fn figure(page: &str, id: &str) -> String {
    let after = page.split(&format!("id=\"{id}\">")).nth(1).unwrap_or_else(|| panic!("{id} in {page}"));
    after.split('<').next().unwrap().to_string()
}

#[tokio::test]
async fn the_dashboard_counts_received_due_at_risk_late_and_the_average_time() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let officer = app.token("28777", Role::IntakeOfficer).await;
        let specialist = app.token("28777", Role::Specialist).await;
        let leader = app.token("28777", Role::Leader).await;
        let done = submit_to(&app, "28777").await;
        app.act(&done, "receive", &officer, json!({})).await;
        app.act(&done, "start_processing", &specialist, json!({})).await;
        app.act(&done, "forward_for_approval", &specialist, json!({"summary": ""})).await;
        app.clock.advance(Duration::hours(2));
        app.act(&done, "decide", &leader, json!({})).await;
        let open = submit_to(&app, "28777").await;
        app.act(&open, "receive", &officer, json!({})).await;
        submit_to(&app, "28777").await;

        let page = get_page(&app, "/can-bo/tong-quan", &officer).await.text().await.unwrap();
        assert_eq!(figure(&page, "nhan-hom-nay"), "2", "{backend:?}");
        assert_eq!(figure(&page, "nhan-trong-thang"), "2");
        assert_eq!(figure(&page, "den-han-hom-nay"), "1", "the open one is due at 17:00");
        assert_eq!(figure(&page, "sap-den-han"), "1");
        assert_eq!(figure(&page, "qua-han"), "0");
        assert_eq!(figure(&page, "xong-trong-thang"), "1");
        assert_eq!(figure(&page, "tb-xu-ly"), "2.0 giờ");
        assert_eq!(figure(&page, "tb-cho-phep"), "8.0 giờ");
        assert_eq!(figure(&page, "ty-le"), "25%");

        app.clock.set(vn(2026, 11, 23, 18, 0));
        let page = get_page(&app, "/can-bo/tong-quan", &officer).await.text().await.unwrap();
        assert_eq!((figure(&page, "qua-han"), figure(&page, "sap-den-han")), ("1".into(), "0".into()), "{backend:?}");
        // Another commune's officer sees none of it.
        let theirs = app.token("28756", Role::IntakeOfficer).await;
        let page = get_page(&app, "/can-bo/tong-quan", &theirs).await.text().await.unwrap();
        assert_eq!((figure(&page, "nhan-trong-thang"), figure(&page, "qua-han")), ("0".into(), "0".into()));
        app.stop().await;
    }
}
