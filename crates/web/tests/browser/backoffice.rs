//! The back office in Chromium: counter intake of a walk-in and its Mẫu 01, a late dossier's
//! apology and its Mẫu 04, the register filtered and exported, and the dashboard's counts.

use chrono::Duration;
use fantoccini::{Client, Locator};
use motcua_domain::staff::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{Backend, TestApp};
use crate::kit::*;

/// The href of the link matching `css`.
async fn href(c: &Client, css: &str) -> String {
    let link = c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    link.attr("href").await.unwrap().unwrap_or_default()
}

/// Fetches `path` as the intake officer of 28777; returns the status, content type and bytes.
async fn fetch(app: &TestApp, path: &str) -> (StatusCode, String, Vec<u8>) {
    let token = app.token("28777", Role::IntakeOfficer).await;
    let r = app.client.get(format!("{}{path}", app.base)).header("cookie", format!("motcua_session={token}")).send();
    let r = r.await.unwrap();
    let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (r.status(), ct, r.bytes().await.unwrap().to_vec())
}

on_both!(an_officer_receives_a_walk_in_at_the_counter_and_prints_its_receipt);
async fn an_officer_receives_a_walk_in_at_the_counter_and_prints_its_receipt(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let driver = Driver::start();
    let c = driver.client().await;
    sign_in(&c, &app, "28777.intake_officer").await;
    press(&c, "Tiếp nhận hồ sơ trực tiếp").await;
    click(&c, "#thu-tuc option[value='1.001193']").await;
    press(&c, "Chọn thủ tục").await;
    fill(&c, "#ho-ten", "Nguyễn Văn Cường").await;
    fill(&c, "#so-dinh-danh", "086190012345").await;
    fill(&c, "#dien-thoai", "0912 345 678").await;
    click(&c, "#giay-to-TK01").await;
    attach(&c, "#scan-GT02", &fixture("giay-chung-sinh-quet.pdf", &pdf_bytes("quet"))).await;
    click(&c, "#ho-tro").await;
    fill(&c, "#nguoi-ho-tro", "Lê Thị Hoa").await;
    fill(&c, "#buoi-ho-tro", "Ngày hỗ trợ cộng đồng 28/11").await;
    screenshots(&c, "30-counter-intake").await;
    press(&c, "Tiếp nhận hồ sơ").await;
    assert_eq!(text(&c, "h1").await, "Đã tiếp nhận hồ sơ");
    let code = text(&c, "#ma-ho-so").await;
    assert_eq!(text(&c, "#ma-bi-mat").await.len(), 10);
    assert!(body(&c).await.contains("Số giấy tờ đã số hóa: 1"));
    screenshots(&c, "31-counter-intake-done").await;
    let slip = href(&c, "#in-mau-01").await;
    assert_eq!(slip, format!("/can-bo/ho-so/{code}/phieu/01"));
    let (status, ct, pdf) = fetch(&app, &slip).await;
    assert_eq!((status, ct.as_str()), (StatusCode::OK, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF-"));
    // The dossier page shows the assisted submission and links the slip.
    press(&c, "Xem hồ sơ").await;
    let page = body(&c).await;
    assert!(page.contains("Được hỗ trợ nộp hồ sơ bởi Lê Thị Hoa") && page.contains("Mẫu 01"), "{page}");
    // The scanned paper is previewed in place: a PDF in a frame, served inline, no JavaScript.
    click(&c, "details.preview summary").await;
    let frame = c.find(Locator::Css("details.preview[open] iframe")).await.unwrap();
    let src = frame.attr("src").await.unwrap().unwrap_or_default();
    assert!(src.starts_with(&format!("/can-bo/ho-so/{code}/xem/")), "{src}");
    axe(&c).await;
    screenshots(&c, "33-dossier-preview").await;
    let (status, ct, size) = fetch_in_browser(&c, &src).await;
    assert_eq!((status, ct.as_str(), size), (200, "application/pdf", pdf_bytes("quet").len() as u64));
    app.stop().await;
}

on_both!(a_late_dossier_gets_its_apology_and_shows_in_the_register_and_dashboard);
async fn a_late_dossier_gets_its_apology_and_shows_in_the_register_and_dashboard(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let officer = app.token("28777", Role::IntakeOfficer).await;
    let (code, _) = app.submit_birth().await;
    app.act(&code, "receive", &officer, json!({})).await;
    // The next morning the dossier, due at 17:00 yesterday, is late.
    app.clock.advance(Duration::hours(24));
    let driver = Driver::start();
    let c = driver.client().await;
    sign_in(&c, &app, "28777.intake_officer").await;
    press(&c, "Tổng quan").await;
    assert_eq!(text(&c, "#qua-han").await, "1");
    assert_eq!(text(&c, "#nhan-trong-thang").await, "1");
    screenshots(&c, "32-dashboard").await;

    visit(&c, &format!("{}/can-bo/ho-so/{code}", app.base)).await;
    assert!(body(&c).await.contains("Quá hạn"));
    fill(&c, "#ly-do", "Cần xác minh thêm thông tin tại nơi cư trú").await;
    screenshots(&c, "33-apology-form").await;
    press(&c, "Lập phiếu xin lỗi").await;
    let page = body(&c).await;
    assert!(page.contains("Đã lập phiếu xin lỗi và hẹn lại ngày trả kết quả"), "{page}");
    assert!(page.contains("Xin lỗi và hẹn lại ngày trả kết quả"), "in the timeline: {page}");
    let slip = href(&c, &format!("a[href='/can-bo/ho-so/{code}/phieu/04']")).await;
    let (status, ct, _) = fetch(&app, &slip).await;
    assert_eq!((status, ct.as_str()), (StatusCode::OK, "application/pdf"));

    visit(&c, &format!("{}/can-bo/so-theo-doi", app.base)).await;
    click(&c, "#trang-thai option[value='received']").await;
    press(&c, "Lọc").await;
    let table = text(&c, "#so-theo-doi").await;
    assert!(table.contains(&code) && table.contains("Quá hạn"), "{table}");
    screenshots(&c, "34-register").await;
    let export = href(&c, "#xuat-csv").await;
    assert!(export.contains("trang_thai=received"), "{export}");
    let (status, ct, csv) = fetch(&app, &export).await;
    assert_eq!((status, ct.as_str()), (StatusCode::OK, "text/csv; charset=utf-8"));
    assert!(String::from_utf8_lossy(&csv).contains(&code));
    app.stop().await;
}
