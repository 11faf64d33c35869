//! The citizen → intake → specialist → leader → return flows, supplementation, refusal, errors.

use crate::harness::{Backend, TestApp};
use crate::kit::*;
use fantoccini::Locator;
use motcua_domain::staff::Role;
use serde_json::json;

on_both!(citizen_files_online_and_staff_carry_it_to_the_result);
async fn citizen_files_online_and_staff_carry_it_to_the_result(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let driver = Driver::start();
    let c = driver.client().await;

    // A citizen finds the procedure by typing without tones.
    visit(&c, &app.base).await;
    screenshots(&c, "01-home").await;
    fill(&c, "#q", "dang ky khai sinh").await;
    press(&c, "Tìm kiếm").await;
    press(&c, "Đăng ký khai sinh").await;
    assert_eq!(text(&c, "h1").await, "Đăng ký khai sinh");
    assert!(body(&c).await.contains("Tờ khai đăng ký khai sinh"));
    screenshots(&c, "02-procedure").await;

    // The online form, one question per page: where, who (a wrong ID number keeps the rest),
    // how to reach them, the documents, then "check your answers".
    press(&c, "Nộp hồ sơ trực tuyến").await;
    click(&c, "#tinh option[value='86']").await;
    press(&c, "Chọn tỉnh").await;
    click(&c, "#don-vi option[value='28777']").await;
    press(&c, "Tiếp tục").await;
    fill(&c, "#ho-ten", "Trần Thị Bình").await;
    fill(&c, "#so-dinh-danh", "12345").await;
    press(&c, "Tiếp tục").await;
    let summary = text(&c, ".error-summary").await;
    assert!(summary.contains("Vui lòng sửa các lỗi sau"), "{summary}");
    let link = c.find(Locator::Css(".error-summary a")).await.unwrap();
    assert_eq!(link.attr("href").await.unwrap().as_deref(), Some("#so-dinh-danh"));
    let kept = c.find(Locator::Css("#ho-ten")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("Trần Thị Bình"));
    screenshots(&c, "03-form-error").await;
    fill(&c, "#so-dinh-danh", "086190012345").await;
    press(&c, "Tiếp tục").await;
    fill(&c, "#dien-thoai", "0912 345 678").await;
    press(&c, "Tiếp tục").await;
    for (css, name) in [("#tep-TK01", "to-khai.pdf"), ("#tep-GT02", "giay-chung-sinh.pdf")] {
        attach(&c, css, &fixture(name, &pdf_bytes(name))).await;
    }
    press(&c, "Tiếp tục").await;
    let answers = text(&c, ".check-answers").await;
    assert!(answers.contains("Trần Thị Bình") && answers.contains("giay-chung-sinh.pdf"), "{answers}");
    press(&c, "Gửi hồ sơ").await;
    // Post/redirect/get: the confirmation is its own page, with nothing secret in its address.
    assert_eq!(c.current_url().await.unwrap().path(), "/da-nop");
    assert_eq!(text(&c, "h1").await, "Đã nộp hồ sơ");
    let code = text(&c, "#ma-ho-so").await;
    let secret = text(&c, "#ma-bi-mat").await;
    assert_eq!(secret.len(), 10, "secret {secret:?}");
    assert!(!c.current_url().await.unwrap().as_str().contains(&secret));
    let page = body(&c).await;
    assert!(page.contains("Dự kiến có kết quả") && page.contains("Việc tiếp theo"), "{page}");
    screenshots(&c, "04-confirmation").await;
    // Refreshing shows the confirmation again, without the secret, and files nothing twice.
    c.refresh().await.unwrap();
    c.wait().for_element(Locator::Css("footer")).await.unwrap();
    axe(&c).await;
    assert_eq!(text(&c, "#ma-ho-so").await, code);
    assert!(c.find(Locator::Css("#ma-bi-mat")).await.is_err(), "the secret is shown once");
    assert!(text(&c, "#da-hien-bi-mat").await.contains("Mã bí mật đã hiện một lần"));
    screenshots(&c, "04b-confirmation-refreshed").await;
    let staff = app.token("28777", Role::IntakeOfficer).await;
    let (_, list) = app.get("/api/v1/dossiers", Some(&staff)).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "one dossier after a refresh: {list}");

    // The intake officer sees it in the inbox and receives it.
    sign_in(&c, &app, "28777.intake_officer").await;
    assert!(body(&c).await.contains(&code));
    screenshots(&c, "05-inbox").await;
    sign_out(&c).await;
    act(&c, &app, "28777.intake_officer", &code, "Tiếp nhận hồ sơ", Some("06-dossier-intake")).await;
    // The officer prints the receipt and appointment slip (Mẫu 01) from the dossier page.
    sign_in(&c, &app, "28777.intake_officer").await;
    visit(&c, &format!("{}/can-bo/ho-so/{code}", app.base)).await;
    let slip = c.find(Locator::Css(&format!("a[href='/can-bo/ho-so/{code}/phieu/01']"))).await.unwrap();
    assert!(slip.text().await.unwrap().contains("Mẫu 01"));
    let (status, kind, size) = fetch_in_browser(&c, &format!("/can-bo/ho-so/{code}/phieu/01")).await;
    assert_eq!((status, kind.as_str()), (200, "application/pdf"));
    assert!(size > 1_000, "a real PDF: {size} bytes");
    sign_out(&c).await;
    // The specialist processes it and forwards it; the leader approves; the officer returns it.
    act(&c, &app, "28777.specialist", &code, "Bắt đầu xử lý", None).await;
    act(&c, &app, "28777.specialist", &code, "Trình lãnh đạo phê duyệt", None).await;
    act(&c, &app, "28777.leader", &code, "Phê duyệt", Some("07-dossier-leader")).await;
    act(&c, &app, "28777.intake_officer", &code, "Trả kết quả", None).await;

    // The citizen looks it up.
    look_up(&c, &app, &code, &secret).await;
    assert_eq!(text(&c, "#trang-thai").await, "Đã trả kết quả");
    assert!(body(&c).await.contains("Lãnh đạo phê duyệt; đã có kết quả"));
    screenshots(&c, "08-lookup").await;
    // …and rates the service.
    click(&c, "#diem-5").await;
    press(&c, "Gửi đánh giá").await;
    assert!(text(&c, "#da-xong").await.contains("Cảm ơn bạn đã đánh giá"));
    axe(&c).await;

    c.close().await.unwrap();
    app.stop().await;
}

on_both!(a_wrong_secret_reveals_nothing_and_english_is_one_click_away);
async fn a_wrong_secret_reveals_nothing_and_english_is_one_click_away(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (code, _secret) = app.submit_birth().await;
    let driver = Driver::start();
    let c = driver.client().await;

    look_up(&c, &app, &code, "AAAAAAAAAA").await;
    let page = body(&c).await;
    assert!(page.contains("Không tìm thấy hồ sơ, hoặc mã bí mật không đúng"), "{page}");
    assert!(!page.contains("Trần Thị Bình"));

    press(&c, "English").await;
    assert_eq!(text(&c, "h1").await, "Look up a dossier");
    visit(&c, &app.base).await;
    assert_eq!(text(&c, "h1").await, "Which service do you need?", "the choice is remembered");

    c.close().await.unwrap();
    app.stop().await;
}

on_both!(a_supplementation_round_pauses_the_clock_and_moves_the_due_date);
async fn a_supplementation_round_pauses_the_clock_and_moves_the_due_date(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (code, secret) = app.submit_birth().await;
    let driver = Driver::start();
    let c = driver.client().await;

    act(&c, &app, "28777.intake_officer", &code, "Tiếp nhận hồ sơ", None).await;
    look_up(&c, &app, &code, &secret).await;
    let first_due = due(&text(&c, "#han").await);
    act(&c, &app, "28777.specialist", &code, "Bắt đầu xử lý", None).await;
    let missing = "Bản chính Giấy chứng sinh do bệnh viện cấp";
    act_with(
        &c,
        &app,
        "28777.specialist",
        &code,
        "Yêu cầu bổ sung",
        Some(("request_supplement", missing)),
        Some("09-dossier-request-supplement"),
    )
    .await;

    // The citizen sees that something is missing, and what.
    look_up(&c, &app, &code, &secret).await;
    assert_eq!(text(&c, "#trang-thai").await, "Yêu cầu bổ sung giấy tờ");
    let note = text(&c, "#ghi-chu").await;
    assert!(note.contains("Giấy tờ cần bổ sung") && note.contains(missing), "{note}");
    assert!(body(&c).await.contains("Bạn cần bổ sung giấy tờ"));
    screenshots(&c, "10-lookup-supplement").await;

    // A working day later the citizen brings the paper; the officer records it.
    app.clock.advance(chrono::Duration::days(1));
    act(&c, &app, "28777.intake_officer", &code, "Đã nhận đủ bổ sung", None).await;
    look_up(&c, &app, &code, &secret).await;
    assert_eq!(text(&c, "#trang-thai").await, "Đang xử lý");
    assert!(c.find(Locator::Css("#ghi-chu")).await.is_err(), "nothing is missing any more");
    let new_due = due(&text(&c, "#han").await);
    assert!(new_due > first_due, "the due date moves by the paused time: {first_due} → {new_due}");
    assert!(body(&c).await.contains("Đã nhận bổ sung; hẹn trả mới lúc"));
    screenshots(&c, "11-lookup-after-supplement").await;

    c.close().await.unwrap();
    app.stop().await;
}

on_both!(a_refusal_shows_its_reasons_and_other_communes_see_nothing);
async fn a_refusal_shows_its_reasons_and_other_communes_see_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (code, secret) = app.submit_birth().await;
    let driver = Driver::start();
    let c = driver.client().await;

    // Staff of Phú Khương can neither open An Hội's dossier nor act on it.
    sign_in(&c, &app, "28756.intake_officer").await;
    assert!(!body(&c).await.contains(&code), "not in their inbox");
    visit(&c, &format!("{}/can-bo/ho-so/{code}", app.base)).await;
    let page = body(&c).await;
    assert!(page.contains("Không tìm thấy hồ sơ"), "{page}");
    assert!(!page.contains("Trần Thị Bình"));
    screenshots(&c, "12-other-commune").await;
    let status = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const csrf = document.querySelector('input[name=csrf]').value;
             fetch(arguments[0], { method: 'POST', body: new URLSearchParams({ csrf }), redirect: 'manual' })
               .then(r => done(r.status)).catch(e => done(String(e)));",
            vec![json!(format!("/can-bo/ho-so/{code}/receive"))],
        )
        .await
        .unwrap();
    assert!(matches!(status.as_u64(), Some(403 | 404)), "another commune may not receive it: {status}");
    let http = reqwest::Client::new();
    let r = http.get(format!("{}/can-bo/ho-so/{code}", app.base)).send().await.unwrap();
    assert!(r.url().path().ends_with("/can-bo/dang-nhap"), "signed out, staff pages ask to sign in");
    sign_out(&c).await;

    // An Hội's intake officer refuses it with reasons; the citizen reads them.
    let reasons = "Tờ khai chưa có chữ ký của người đi đăng ký; Giấy chứng sinh là bản chụp không rõ nét";
    act_with(
        &c,
        &app,
        "28777.intake_officer",
        &code,
        "Từ chối tiếp nhận",
        Some(("refuse", reasons)),
        Some("13-dossier-refuse"),
    )
    .await;
    look_up(&c, &app, &code, &secret).await;
    assert_eq!(text(&c, "#trang-thai").await, "Không được tiếp nhận");
    let note = text(&c, "#ghi-chu").await;
    assert!(note.contains("Lý do không tiếp nhận") && note.contains(reasons), "{note}");
    assert!(body(&c).await.contains("Hồ sơ không được giải quyết tiếp"));
    screenshots(&c, "14-lookup-refused").await;

    c.close().await.unwrap();
    app.stop().await;
}

on_both!(an_unknown_address_gets_a_page_and_the_api_keeps_its_json);
async fn an_unknown_address_gets_a_page_and_the_api_keeps_its_json(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let driver = Driver::start();
    let c = driver.client().await;

    visit(&c, &format!("{}/khong-co-trang-nay", app.base)).await;
    assert_eq!(text(&c, "h1").await, "Không tìm thấy trang");
    assert!(body(&c).await.contains("Tra cứu hồ sơ đã nộp"));
    screenshots(&c, "15-not-found").await;
    press(&c, "English").await;
    assert_eq!(text(&c, "h1").await, "Page not found");

    let http = reqwest::Client::new();
    let page = http.get(format!("{}/khong-co-trang-nay", app.base)).header("accept", "text/html").send().await.unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::NOT_FOUND);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(page.headers().contains_key("content-security-policy"));
    let (status, api) = app.get("/api/v1/khong-co", None).await;
    assert_eq!(status, reqwest::StatusCode::NOT_FOUND);
    assert_eq!(api["code"], "ROUTE_NOT_FOUND", "{api}");
    let json = http.get(format!("{}/khong-co", app.base)).header("accept", "application/json").send().await.unwrap();
    assert_eq!(json.status(), reqwest::StatusCode::NOT_FOUND);
    assert!(json.headers()["content-type"].to_str().unwrap().starts_with("application/json"));

    c.close().await.unwrap();
    app.stop().await;
}

on_both!(fees_are_asked_and_confirmed_and_a_dossier_is_transferred);
async fn fees_are_asked_and_confirmed_and_a_dossier_is_transferred(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (code, secret) = app.submit_birth().await;
    let driver = Driver::start();
    let c = driver.client().await;

    act(&c, &app, "28777.intake_officer", &code, "Tiếp nhận hồ sơ", None).await;
    act(&c, &app, "28777.specialist", &code, "Bắt đầu xử lý", None).await;

    // A wrong amount is explained and nothing changes; a right one asks the citizen to pay.
    sign_in(&c, &app, "28777.specialist").await;
    open(&c, &format!("a[href='/can-bo/ho-so/{code}']")).await;
    fill(&c, "#khoan-thu", "Lệ phí cấp bản sao trích lục khai sinh").await;
    fill(&c, "#so-tien", "tám nghìn").await;
    press(&c, "Yêu cầu nộp phí, lệ phí").await;
    assert!(text(&c, ".error-summary").await.contains("Số tiền phải là số nguyên dương"));
    assert_eq!(text(&c, "#trang-thai").await, "Đang xử lý");
    fill(&c, "#khoan-thu", "Lệ phí cấp bản sao trích lục khai sinh").await;
    fill(&c, "#so-tien", "8.000").await;
    fill(&c, "#so-ban", "2").await;
    screenshots(&c, "16-dossier-ask-fees").await;
    press(&c, "Yêu cầu nộp phí, lệ phí").await;
    let page = body(&c).await;
    assert!(page.contains("Đã thực hiện: Yêu cầu nộp phí, lệ phí"), "{page}");
    assert!(page.contains("16.000 đồng"), "{page}");
    sign_out(&c).await;
    look_up(&c, &app, &code, &secret).await;
    assert_eq!(text(&c, "#trang-thai").await, "Yêu cầu thực hiện nghĩa vụ tài chính");
    assert!(body(&c).await.contains("Bạn cần nộp phí, lệ phí"));

    // The officer records the payment; processing continues.
    sign_in(&c, &app, "28777.intake_officer").await;
    open(&c, &format!("a[href='/can-bo/ho-so/{code}']")).await;
    click(&c, "#thanh-toan option[value='0']").await;
    press(&c, "Đã nộp đủ phí, lệ phí").await;
    assert!(body(&c).await.contains("Đã thực hiện: Đã nộp đủ phí, lệ phí"));
    assert_eq!(text(&c, "#trang-thai").await, "Đang xử lý");
    sign_out(&c).await;

    // The specialist finds it belongs to Phú Khương and transfers it there, with the reason.
    sign_in(&c, &app, "28777.specialist").await;
    open(&c, &format!("a[href='/can-bo/ho-so/{code}']")).await;
    click(&c, "#don-vi-transfer option[value='28756']").await;
    fill(&c, "#noi-dung-transfer", "Nơi cư trú của người đăng ký thuộc phường Phú Khương").await;
    screenshots(&c, "17-dossier-transfer").await;
    press(&c, "Chuyển đơn vị khác").await;
    assert!(body(&c).await.contains("Đã thực hiện: Chuyển đơn vị khác"));
    sign_out(&c).await;
    sign_in(&c, &app, "28756.specialist").await;
    visit(&c, &format!("{}/can-bo/ho-so/{code}", app.base)).await;
    let page = body(&c).await;
    assert!(page.contains("Trần Thị Bình") && page.contains("Nơi cư trú của người đăng ký"), "{page}");

    c.close().await.unwrap();
    app.stop().await;
}
