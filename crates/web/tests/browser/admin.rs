//! Staff administration in Chromium: the province administrator disables an officer, whose
//! open session ends and who can no longer sign in; the change is in "Nhật ký quản trị".

use motcua_domain::staff::Role;
use reqwest::StatusCode;

use crate::harness::{Backend, PASSWORD, TestApp};
use crate::kit::*;

on_both!(an_administrator_disables_an_officer_who_can_no_longer_sign_in);
async fn an_administrator_disables_an_officer_who_can_no_longer_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let officer = app.token("28777", Role::IntakeOfficer).await;
    let driver = Driver::start();
    let c = driver.client().await;
    visit(&c, &format!("{}/can-bo/dang-nhap", app.base)).await;
    fill(&c, "#ten-dang-nhap", "86.administrator").await;
    fill(&c, "#mat-khau", PASSWORD).await;
    press(&c, "Đăng nhập").await;
    open(&c, "a[href='/can-bo/quan-tri/can-bo']").await;
    assert!(body(&c).await.contains("Cán bộ và vai trò"));
    screenshots(&c, "40-admin-staff").await;
    // The list links every account; open the officer's.
    let link = c
        .find(fantoccini::Locator::XPath(
            "//table[@id='danh-sach-can-bo']//a[normalize-space()='28777.intake_officer']",
        ))
        .await
        .unwrap();
    follow(&c, link).await;
    assert_eq!(text(&c, "h1").await, "Tài khoản 28777.intake_officer");
    assert_eq!(text(&c, "#trang-thai-tk").await, "Đang hoạt động");
    screenshots(&c, "41-admin-account").await;
    press(&c, "Khóa tài khoản").await;
    assert_eq!(text(&c, "#trang-thai-tk").await, "Đã khóa");
    assert!(body(&c).await.contains("Đã lưu."));
    assert_eq!(app.get("/api/v1/auth/me", Some(&officer)).await.0, StatusCode::UNAUTHORIZED, "the session ended");

    // The log shows who disabled whom, before → after.
    open(&c, "a[href='/can-bo/quan-tri/nhat-ky']").await;
    click(&c, "#loai option[value='staff_disabled']").await;
    press(&c, "Lọc").await;
    let log = text(&c, "#nhat-ky").await;
    assert!(log.contains("86.administrator") && log.contains("28777.intake_officer"), "{log}");
    assert!(log.contains("Khóa tài khoản") && log.contains("active: true → false"), "{log}");
    screenshots(&c, "42-admin-log").await;
    sign_out(&c).await;

    // The officer is told the account is disabled.
    fill(&c, "#ten-dang-nhap", "28777.intake_officer").await;
    fill(&c, "#mat-khau", PASSWORD).await;
    press(&c, "Đăng nhập").await;
    let page = body(&c).await;
    assert!(page.contains("Tài khoản này đã bị khóa"), "{page}");
    screenshots(&c, "43-sign-in-disabled").await;
    app.stop().await;
}
