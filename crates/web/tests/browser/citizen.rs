//! The citizen's own flows with files: filing with attachments (a refused file keeps the rest),
//! answering a supplementation request by upload, downloading the electronic result and rating.

use crate::harness::{Backend, TestApp};
use crate::kit::*;
use fantoccini::Locator;
use motcua_domain::staff::Role;
use serde_json::json;

fn exe_bytes() -> Vec<u8> {
    b"MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode.".to_vec()
}

fn png_bytes(tag: &str) -> Vec<u8> {
    // A PNG header declaring an A4 scan at 150 dpi (1240 × 1754) and its chunk's CRC field:
    // uploads check the declared size.
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x04\xd8\0\0\x06\xda\x08\x02\0\0\0\0\0\0\0".to_vec();
    b.extend_from_slice(tag.as_bytes());
    b
}

on_both!(a_citizen_files_with_attachments_and_a_refused_file_loses_nothing);
async fn a_citizen_files_with_attachments_and_a_refused_file_loses_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let driver = Driver::start();
    let c = driver.client().await;

    // Typed without tones, found with them.
    visit(&c, &app.base).await;
    fill(&c, "#q", "dang ky khai sinh").await;
    press(&c, "Tìm kiếm").await;
    press(&c, "Đăng ký khai sinh").await;
    press(&c, "Nộp hồ sơ trực tuyến").await;
    click(&c, "#tinh option[value='86']").await;
    press(&c, "Chọn tỉnh").await;
    click(&c, "#don-vi option[value='28777']").await;
    press(&c, "Tiếp tục").await;
    assert_eq!(text(&c, "h1").await, "Ai là người nộp hồ sơ?");
    fill(&c, "#ho-ten", "Trần Thị Bình").await;
    fill(&c, "#so-dinh-danh", "086190012345").await;
    press(&c, "Tiếp tục").await;
    fill(&c, "#dien-thoai", "0912 345 678").await;
    press(&c, "Tiếp tục").await;
    assert_eq!(text(&c, "h1").await, "Tải lên giấy tờ");
    screenshots(&c, "c01-documents").await;

    // A program named like a PDF is refused from its content; the good file stays uploaded.
    attach(&c, "#tep-TK01", &fixture("to-khai.pdf", &pdf_bytes("to-khai"))).await;
    attach(&c, "#tep-GT02", &fixture("giay-chung-sinh.pdf", &exe_bytes())).await;
    press(&c, "Tiếp tục").await;
    let summary = text(&c, ".error-summary").await;
    assert!(summary.contains("\"giay-chung-sinh.pdf\" không phải PDF, JPEG hoặc PNG"), "{summary}");
    let link = c.find(Locator::Css(".error-summary a")).await.unwrap();
    assert_eq!(link.attr("href").await.unwrap().as_deref(), Some("#tep-GT02"));
    assert!(text(&c, "#tep-TK01-da-tai").await.contains("Đã tải lên: to-khai.pdf"));
    screenshots(&c, "c02-upload-error").await;

    // The right photo instead; then change the name from "check your answers": files stay.
    attach(&c, "#tep-GT02", &fixture("giay-chung-sinh.png", &png_bytes("gcs"))).await;
    press(&c, "Tiếp tục").await;
    assert_eq!(text(&c, "h1").await, "Kiểm tra lại thông tin trước khi gửi");
    press(&c, "Thay đổi Họ và tên").await;
    let kept = c.find(Locator::Css("#ho-ten")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("Trần Thị Bình"));
    fill(&c, "#ho-ten", "Trần Thị Bình An").await;
    press(&c, "Tiếp tục").await;
    press(&c, "Tiếp tục").await;
    assert!(text(&c, "#tep-GT02-da-tai").await.contains("giay-chung-sinh.png"), "files survive going back");
    press(&c, "Tiếp tục").await;
    let answers = text(&c, ".check-answers").await;
    assert!(answers.contains("Trần Thị Bình An") && answers.contains("to-khai.pdf"), "{answers}");
    assert!(answers.contains("giay-chung-sinh.png"), "{answers}");
    screenshots(&c, "c03-check-answers").await;
    press(&c, "Gửi hồ sơ").await;

    assert_eq!(text(&c, "h1").await, "Đã nộp hồ sơ");
    let code = text(&c, "#ma-ho-so").await;
    assert_eq!(text(&c, "#ma-bi-mat").await.len(), 10);
    let page = body(&c).await;
    assert!(page.contains("Dự kiến có kết quả") && page.contains("Việc tiếp theo"), "{page}");
    screenshots(&c, "c04-confirmation").await;

    // Both files are recorded on the dossier by their hashes.
    let staff = app.token("28777", Role::IntakeOfficer).await;
    let (_, d) = app.get(&format!("/api/v1/dossiers/{code}"), Some(&staff)).await;
    assert_eq!(d["applicant"]["name"], "Trần Thị Bình An");
    let comps = d["components"].as_array().unwrap();
    assert_eq!(comps.len(), 2, "{d}");
    assert!(comps.iter().all(|c| c["file_sha256"].as_str().is_some_and(|h| h.len() == 64)), "{d}");

    c.close().await.unwrap();
    app.stop().await;
}

on_both!(a_supplementation_request_is_answered_by_upload_and_the_officer_receives_it);
async fn a_supplementation_request_is_answered_by_upload_and_the_officer_receives_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (code, secret) = app.submit_birth().await;
    let intake = app.token("28777", Role::IntakeOfficer).await;
    let specialist = app.token("28777", Role::Specialist).await;
    app.act(&code, "receive", &intake, json!({})).await;
    app.act(&code, "start_processing", &specialist, json!({})).await;
    let missing = "Bản chính Giấy chứng sinh do bệnh viện cấp";
    app.act(&code, "request_supplement", &specialist, json!({"missing": missing})).await;
    let driver = Driver::start();
    let c = driver.client().await;

    look_up(&c, &app, &code, &secret).await;
    assert_eq!(text(&c, "#trang-thai").await, "Yêu cầu bổ sung giấy tờ");
    assert!(text(&c, "#ghi-chu").await.contains(missing));
    // A wrong file first: explained, the note kept, nothing sent.
    attach(&c, "#tep-bo-sung", &fixture("ban-chinh.pdf", &exe_bytes())).await;
    fill(&c, "#ghi-chu-bo-sung", "Gửi bản chụp bản chính").await;
    press(&c, "Gửi bổ sung").await;
    assert!(text(&c, ".error-summary").await.contains("không phải PDF, JPEG hoặc PNG"));
    let note = c.find(Locator::Css("#ghi-chu-bo-sung")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(note.as_deref(), Some("Gửi bản chụp bản chính"));
    attach(&c, "#tep-bo-sung", &fixture("ban-chinh-giay-chung-sinh.png", &png_bytes("bc"))).await;
    screenshots(&c, "c05-supplement-form").await;
    press(&c, "Gửi bổ sung").await;
    assert!(text(&c, "#da-xong").await.contains("Đã gửi giấy tờ bổ sung"));
    assert!(body(&c).await.contains("Công dân đã gửi bổ sung 1 giấy tờ: Gửi bản chụp bản chính"));
    assert!(body(&c).await.contains("Tải về: ban-chinh-giay-chung-sinh.png"), "the citizen sees what was sent");
    screenshots(&c, "c06-supplement-sent").await;

    // The officer sees the new document and records receipt; the citizen sees processing resume.
    sign_in(&c, &app, "28777.intake_officer").await;
    open(&c, &format!("a[href='/can-bo/ho-so/{code}']")).await;
    assert!(body(&c).await.contains("ban-chinh-giay-chung-sinh.png"));
    sign_out(&c).await;
    act(&c, &app, "28777.intake_officer", &code, "Đã nhận đủ bổ sung", None).await;
    look_up(&c, &app, &code, &secret).await;
    assert_eq!(text(&c, "#trang-thai").await, "Đang xử lý");

    c.close().await.unwrap();
    app.stop().await;
}

on_both!(the_citizen_downloads_the_electronic_result_and_rates_the_service_once);
async fn the_citizen_downloads_the_electronic_result_and_rates_the_service_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (code, secret) = app.submit_birth().await;
    let intake = app.token("28777", Role::IntakeOfficer).await;
    let specialist = app.token("28777", Role::Specialist).await;
    app.act(&code, "receive", &intake, json!({})).await;
    app.act(&code, "start_processing", &specialist, json!({})).await;
    app.act(&code, "forward_for_approval", &specialist, json!({"summary": "Đủ điều kiện"})).await;
    let driver = Driver::start();
    let c = driver.client().await;

    // The leader approves with the electronic result attached.
    let result = pdf_bytes("trich-luc-khai-sinh");
    sign_in(&c, &app, "28777.leader").await;
    open(&c, &format!("a[href='/can-bo/ho-so/{code}']")).await;
    attach(&c, "#tep-ket-qua", &fixture("trich-luc.pdf", &result)).await;
    fill(&c, "#noi-dung-decide", "Trích lục khai sinh (bản điện tử)").await;
    press(&c, "Phê duyệt").await;
    assert!(body(&c).await.contains("Đã thực hiện: Phê duyệt"));
    sign_out(&c).await;
    app.act(&code, "return_result", &intake, json!({})).await;

    // The citizen downloads it.
    look_up(&c, &app, &code, &secret).await;
    assert_eq!(text(&c, "#trang-thai").await, "Đã trả kết quả");
    let link = c.find(Locator::Css("a.ket-qua")).await.unwrap();
    assert_eq!(link.text().await.unwrap(), "Tải về: Trích lục khai sinh (bản điện tử)");
    let href = link.attr("href").await.unwrap().unwrap();
    let (status, kind, size) = fetch_in_browser(&c, &href).await;
    assert_eq!((status, kind.as_str(), size), (200, "application/pdf", result.len() as u64));
    screenshots(&c, "c07-lookup-result").await;

    // Rating: a level is required; then sent once, and the form is gone.
    press(&c, "Gửi đánh giá").await;
    assert!(text(&c, ".error-summary").await.contains("Vui lòng chọn mức độ hài lòng từ 1 đến 5"));
    click(&c, "#diem-4").await;
    fill(&c, "#y-kien", "Cán bộ hướng dẫn tận tình").await;
    press(&c, "Gửi đánh giá").await;
    assert!(text(&c, "#da-xong").await.contains("Cảm ơn bạn đã đánh giá"));
    assert!(text(&c, "#da-danh-gia").await.contains("4/5"));
    assert!(c.find(Locator::Css("#diem-4")).await.is_err(), "rated once: no second form");
    assert!(body(&c).await.contains("Công dân đánh giá mức độ hài lòng: 4/5"));
    screenshots(&c, "c08-rated").await;

    c.close().await.unwrap();
    app.stop().await;
}
