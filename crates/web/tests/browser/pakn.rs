//! PAKN in the browser: a citizen sends feedback (an error first, then right), the officer of the
//! commune answers it, the citizen reads the answer and rates it; staff of another commune and
//! other citizens see nothing.

use fantoccini::Locator;
use serde_json::json;

use crate::harness::{Backend, TestApp};
use crate::kit::*;

on_both!(citizen_sends_feedback_the_officer_answers_and_the_citizen_rates_it);
async fn citizen_sends_feedback_the_officer_answers_and_the_citizen_rates_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let driver = Driver::start();
    let c = driver.client().await;

    visit(&c, &format!("{}/phan-anh-kien-nghi", app.base)).await;
    assert_eq!(text(&c, "h1").await, "Gửi phản ánh, kiến nghị");
    click(&c, "#tinh option[value='86']").await;
    press(&c, "Chọn tỉnh").await;
    click(&c, "#don-vi option[value='28777']").await;
    click(&c, "#loai-staff_conduct").await;
    fill(&c, "#tieu-de", "Cán bộ hẹn lại nhiều lần").await;
    fill(&c, "#noi-dung", "Tôi đến nộp hồ sơ ba lần nhưng đều được hẹn lại hôm khác.").await;
    fill(&c, "#ho-ten", "Lê Văn Cường").await;
    press(&c, "Gửi phản ánh").await;
    // No way to answer: the error is linked to the phone field and nothing typed is lost.
    let link = c.find(Locator::Css(".error-summary a")).await.unwrap();
    assert_eq!(link.attr("href").await.unwrap().as_deref(), Some("#dien-thoai"));
    assert!(text(&c, ".error-summary").await.contains("số điện thoại hoặc thư điện tử"));
    let kept = c.find(Locator::Css("#noi-dung")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("Tôi đến nộp hồ sơ ba lần nhưng đều được hẹn lại hôm khác."));
    screenshots(&c, "pakn-01-form-error").await;
    fill(&c, "#dien-thoai", "0987 654 321").await;
    press(&c, "Gửi phản ánh").await;
    assert_eq!(text(&c, "h1").await, "Đã gửi phản ánh, kiến nghị");
    let code = text(&c, "#ma-phan-anh").await;
    let secret = text(&c, "#ma-bi-mat").await;
    assert!(code.starts_with("PAKN-28777-"), "{code}");
    assert_eq!(secret.len(), 10);
    screenshots(&c, "pakn-02-sent").await;

    // Staff of another commune do not see it; the commune's officer answers it.
    sign_in(&c, &app, "28756.intake_officer").await;
    visit(&c, &format!("{}/can-bo/phan-anh", app.base)).await;
    assert_eq!(text(&c, "#so-phan-anh").await, "0");
    c.goto(&format!("{}/can-bo/phan-anh/{code}", app.base)).await.unwrap();
    assert!(body(&c).await.contains("Không tìm thấy phản ánh"));
    sign_out(&c).await;
    sign_in(&c, &app, "28777.specialist").await;
    visit(&c, &format!("{}/can-bo/phan-anh", app.base)).await;
    assert_eq!(text(&c, "#so-phan-anh").await, "1");
    screenshots(&c, "pakn-03-staff-list").await;
    open(&c, &format!("a[href='/can-bo/phan-anh/{code}']")).await;
    assert!(body(&c).await.contains("Hạn trả lời (15 ngày làm việc)"));
    press(&c, "Gửi trả lời").await;
    assert_eq!(text(&c, "#tra-loi-error").await, "Nội dung trả lời là bắt buộc.");
    fill(&c, "#tra-loi", "Trung tâm đã nhắc nhở cán bộ và xin lỗi ông.").await;
    press(&c, "Gửi trả lời").await;
    assert_eq!(text(&c, "#trang-thai").await, "Đã trả lời");
    assert!(body(&c).await.contains("Xử lý đúng hạn"));
    screenshots(&c, "pakn-04-staff-answered").await;
    sign_out(&c).await;

    // A wrong secret finds nothing; the right one shows the answer and the rating form.
    visit(&c, &format!("{}/phan-anh-kien-nghi/tra-cuu", app.base)).await;
    fill(&c, "#ma", &code).await;
    fill(&c, "#bi-mat", "KHONGDUNG2").await;
    press(&c, "Tra cứu").await;
    assert!(text(&c, ".error-summary").await.contains("Không tìm thấy phản ánh"));
    fill(&c, "#bi-mat", &secret).await;
    press(&c, "Tra cứu").await;
    assert_eq!(text(&c, "#tra-loi").await, "Trung tâm đã nhắc nhở cán bộ và xin lỗi ông.");
    press(&c, "Gửi đánh giá").await;
    assert!(text(&c, ".error-summary").await.contains("Vui lòng chọn mức độ hài lòng"));
    click(&c, "#muc-do-satisfied").await;
    press(&c, "Gửi đánh giá").await;
    assert_eq!(text(&c, "#da-danh-gia strong").await, "Hài lòng");
    assert!(c.find(Locator::Css("#muc-do")).await.is_err(), "rated once");
    screenshots(&c, "pakn-05-rated").await;

    // The answered, liked petition keeps both PAKN indicators at full points.
    let leader = app.token("28777", motcua_domain::staff::Role::Leader).await;
    let (_, index) = app.get("/api/v1/index/units/28777?period=2026-11", Some(&leader)).await;
    let pakn = index["groups"].as_array().unwrap().iter().find(|g| g["code"] == "MDHL").unwrap();
    let liked =
        pakn["indicators"].as_array().unwrap().iter().find(|i| i["code"] == "PETITION_HANDLING_SATISFACTION").unwrap();
    assert_eq!((liked["numerator"].clone(), liked["denominator"].clone()), (json!(1), json!(1)));
    c.close().await.unwrap();
    app.stop().await;
}

async fn dossier(app: &TestApp) -> String {
    let body = json!({"procedure": "1.004873", "unit": "28777",
        "applicant": {"name": "Lê Thị Hoa", "id_number": "086195000321"},
        "components": crate::harness::components("1.004873")});
    let (status, v) = app.post("/api/v1/dossiers", None, body).await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{v}");
    v["dossier"]["code"].as_str().unwrap().to_string()
}

on_both!(the_index_pages_explain_every_lost_point_and_rank_the_communes);
async fn the_index_pages_explain_every_lost_point_and_rank_the_communes(backend: Backend) {
    use motcua_domain::staff::Role;
    let app = TestApp::spawn(backend).await;
    // Two dossiers at An Hội on Monday 23/11/2026, due Friday 27/11 09:00: one decided early, one left late.
    let (early, late) = (dossier(&app).await, dossier(&app).await);
    let (intake, specialist, leader) = (
        app.token("28777", Role::IntakeOfficer).await,
        app.token("28777", Role::Specialist).await,
        app.token("28777", Role::Leader).await,
    );
    for code in [&early, &late] {
        app.act(code, "receive", &intake, json!({})).await;
        app.act(code, "start_processing", &specialist, json!({})).await;
    }
    app.act(&early, "forward_for_approval", &specialist, json!({"summary": "Đủ điều kiện"})).await;
    app.act(&early, "decide", &leader, json!({})).await;
    app.clock.advance(chrono::Duration::days(7));

    let driver = Driver::start();
    let c = driver.client().await;
    sign_in(&c, &app, "28777.leader").await;
    visit(&c, &format!("{}/can-bo/chi-so?ky=2026-11", app.base)).await;
    assert!(text(&c, "h1").await.contains("766"));
    assert_eq!(text(&c, "#chi-tieu-ON_TIME td:nth-child(2)").await, "1 / 2");
    assert!(text(&c, "#chi-tieu-ON_TIME").await.contains("10 / 20"));
    assert!(text(&c, "#chi-tieu-DOSSIER_SYNC").await.contains("chưa có dữ liệu đầu vào"));
    assert!(c.find(Locator::Css("figure svg rect")).await.is_ok(), "the group bars are drawn");
    screenshots(&c, "index-01-unit").await;
    open(&c, "#chi-tieu-ON_TIME td a").await;
    assert_eq!(text(&c, "#ti-so").await, "1 / 2");
    assert_eq!(text(&c, "#ho-so-mat-diem").await, late);
    screenshots(&c, "index-02-drill-down").await;
    open(&c, &format!("#ho-so-mat-diem a[href='/can-bo/ho-so/{late}']")).await;
    assert!(body(&c).await.contains(&late));
    visit(&c, &format!("{}/can-bo/xep-hang?ky=2026-11", app.base)).await;
    assert!(body(&c).await.contains("dành cho cán bộ theo dõi cấp tỉnh"));
    sign_out(&c).await;

    sign_in(&c, &app, "86.province_monitor").await;
    visit(&c, &format!("{}/can-bo/xep-hang?ky=2026-11", app.base)).await;
    let rows = c.find_all(Locator::Css("#bang-xep-hang tbody tr")).await.unwrap();
    assert!(rows.len() > 2);
    // An Hội (the only commune with dossiers) leads; every other commune scores the same and
    // shares rank 2, each down one place from the all-tied previous month.
    let text_of = |i: usize| rows[i].text();
    let (first, second, third) = (text_of(0).await.unwrap(), text_of(1).await.unwrap(), text_of(2).await.unwrap());
    assert!(first.starts_with("1 Phường An Hội") && first.ends_with("="), "{first}");
    for other in [&second, &third] {
        assert!(other.starts_with("2 ") && other.ends_with("↓ 1 (hạng 1 → 2)"), "{other}");
    }
    screenshots(&c, "index-03-ranking").await;
    c.close().await.unwrap();
    app.stop().await;
}
