//! The printable slips (Mẫu 01–04) as real PDFs: their Vietnamese text read back with
//! `pdftotext`, their QR code rendered with `pdftoppm` and decoded with `zbarimg` (poppler-utils
//! and zbar-tools, installed by scripts/setup), and the late dossier's apology recorded as an
//! event in its chain. On SQLite and PostgreSQL.

use std::process::Command;

use motcua_domain::staff::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{BACKENDS, TestApp};

pub const CSRF: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// A browser-like client that does not follow redirects.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// The cookies of a signed-in staff member (session = their token) with a known CSRF token.
pub fn cookies(token: &str) -> String {
    format!("motcua_session={token}; motcua_csrf={CSRF}")
}

pub async fn get_page(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    browser().get(format!("{}{path}", app.base)).header("cookie", cookies(token)).send().await.unwrap()
}

pub async fn post_form(app: &TestApp, path: &str, token: &str, form: &[(&str, &str)]) -> reqwest::Response {
    browser().post(format!("{}{path}", app.base)).header("cookie", cookies(token)).form(form).send().await.unwrap()
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("motcua-slips-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The text of a PDF, as `pdftotext` reads it.
pub fn pdf_text(pdf: &[u8], name: &str) -> String {
    let dir = scratch(name);
    let file = dir.join("slip.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftotext").arg("-layout").arg(&file).arg("-").output().expect("pdftotext (poppler-utils)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).ok();
    String::from_utf8(out.stdout).unwrap()
}

/// What the PDF's QR code says, rendered at 150 dpi and decoded by `zbarimg`.
pub fn pdf_qr(pdf: &[u8], name: &str) -> String {
    let dir = scratch(name);
    let file = dir.join("slip.pdf");
    std::fs::write(&file, pdf).unwrap();
    let prefix = dir.join("page");
    let out =
        Command::new("pdftoppm").args(["-png", "-r", "150", "-f", "1", "-l", "1"]).arg(&file).arg(&prefix).output();
    let out = out.expect("pdftoppm (poppler-utils)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let png =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().is_some_and(|e| e == "png"));
    let out = Command::new("zbarimg").args(["--quiet", "--raw"]).arg(png.expect("a rendered page")).output();
    let out = out.expect("zbarimg (zbar-tools)");
    std::fs::remove_dir_all(&dir).ok();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

async fn slip(app: &TestApp, code: &str, number: &str, token: &str) -> (StatusCode, String, Vec<u8>) {
    let r = get_page(app, &format!("/can-bo/ho-so/{code}/phieu/{number}"), token).await;
    let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (r.status(), ct, r.bytes().await.unwrap().to_vec())
}

async fn commands(app: &TestApp, code: &str, token: &str) -> Vec<Value> {
    let (status, events) = app.get(&format!("/api/v1/dossiers/{code}/events"), Some(token)).await;
    assert_eq!(status, StatusCode::OK);
    events.as_array().unwrap().clone()
}

#[tokio::test]
async fn receipt_and_supplement_slips_carry_vietnamese_text_and_a_qr_to_the_lookup() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let officer = app.token("28777", Role::IntakeOfficer).await;
        let (code, _) = app.submit_birth().await;
        // No receipt before the dossier is received.
        let (status, _, _) = slip(&app, &code, "01", &officer).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}");
        app.act(&code, "receive", &officer, json!({})).await;
        let (status, ct, pdf) = slip(&app, &code, "01", &officer).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert_eq!(ct, "application/pdf");
        let text = pdf_text(&pdf, "01");
        for expected in
            ["GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Trần Thị Bình", "Độc lập - Tự do - Hạnh phúc", &code]
        {
            assert!(text.contains(expected), "{backend:?}: {expected:?} missing from\n{text}");
        }
        assert!(text.contains("09 giờ 00 phút, ngày 23/11/2026"), "{backend:?}: receipt time\n{text}");
        assert_eq!(pdf_qr(&pdf, "01qr"), format!("{}/tra-cuu?ma={code}", app.base), "{backend:?}");
        // The QR's address opens the lookup with the code filled in.
        let page = reqwest::get(format!("{}/tra-cuu?ma={code}", app.base)).await.unwrap().text().await.unwrap();
        assert!(page.contains(&format!("value=\"{code}\"")), "{backend:?}");

        // Mẫu 02 exists only after a supplementation request, and says what is missing.
        assert_eq!(slip(&app, &code, "02", &officer).await.0, StatusCode::NOT_FOUND);
        app.act(&code, "request_supplement", &officer, json!({"missing": "Bản sao giấy chứng sinh có chứng thực"}))
            .await;
        let (status, _, pdf) = slip(&app, &code, "02", &officer).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        let text = pdf_text(&pdf, "02");
        assert!(text.contains("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"), "{text}");
        assert!(text.contains("Bản sao giấy chứng sinh có chứng thực"), "{text}");
        // An unknown form number and another unit's officer get nothing.
        assert_eq!(slip(&app, &code, "07", &officer).await.0, StatusCode::NOT_FOUND);
        let other = app.token("28756", Role::IntakeOfficer).await;
        assert_eq!(slip(&app, &code, "01", &other).await.0, StatusCode::NOT_FOUND, "{backend:?}");
        app.stop().await;
    }
}

#[tokio::test]
async fn refusal_slip_states_the_reasons() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let officer = app.token("28777", Role::IntakeOfficer).await;
        let (code, _) = app.submit_birth().await;
        app.act(&code, "refuse", &officer, json!({"reason": "Hồ sơ không thuộc thẩm quyền giải quyết của phường"}))
            .await;
        let (status, _, pdf) = slip(&app, &code, "03", &officer).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        let text = pdf_text(&pdf, "03");
        assert!(text.contains("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"), "{text}");
        assert!(text.contains("không thuộc thẩm quyền giải quyết của phường"), "{text}");
        assert_eq!(slip(&app, &code, "01", &officer).await.0, StatusCode::NOT_FOUND, "refused: no receipt");
        app.stop().await;
    }
}

#[tokio::test]
async fn a_late_dossier_gets_one_apology_event_and_its_slip() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let officer = app.token("28777", Role::IntakeOfficer).await;
        let (code, _) = app.submit_birth().await;
        app.act(&code, "receive", &officer, json!({})).await;
        let path = format!("/can-bo/ho-so/{code}/xin-loi");
        let good = [
            ("csrf", CSRF),
            ("ly_do", "Cần xác minh thêm tại nơi cư trú"),
            ("ngay_hen", "2026-12-15"),
            ("gio_hen", "10:00"),
        ];

        // A form without the CSRF token, a bad date, a date before the due time, no reason:
        // each refused with its reason, and nothing recorded.
        let r = post_form(&app, &path, &officer, &good[1..]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{backend:?}");
        let mut bad = good;
        bad[2] = ("ngay_hen", "15/12/2026");
        let r = post_form(&app, &path, &officer, &bad).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("năm-tháng-ngày"));
        bad[2] = ("ngay_hen", "2026-11-23");
        let r = post_form(&app, &path, &officer, &bad).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("Ngày hẹn trả mới phải sau"));
        let mut bad = good;
        bad[1] = ("ly_do", "  ");
        assert_eq!(post_form(&app, &path, &officer, &bad).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let other = app.token("28756", Role::IntakeOfficer).await;
        assert_eq!(post_form(&app, &path, &other, &good).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(slip(&app, &code, "04", &officer).await.0, StatusCode::NOT_FOUND);
        let before = commands(&app, &code, &officer).await.len();
        assert_eq!(before, 2, "{backend:?}: nothing recorded by refused forms");

        let r = post_form(&app, &path, &officer, &good).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{backend:?}: {}", r.text().await.unwrap());
        let events = commands(&app, &code, &officer).await;
        let last = events.last().unwrap();
        assert_eq!(last["command"], "issue_apology");
        assert_eq!(last["data"]["reason"], "Cần xác minh thêm tại nơi cư trú");
        assert_eq!(last["prev_hash"], events[events.len() - 2]["hash"], "chained");
        // The due time (and so the 766 timeliness) keeps the original appointment.
        let (_, view) = app.get(&format!("/api/v1/dossiers/{code}"), Some(&officer)).await;
        assert!(!view["due_at"].as_str().unwrap_or("").starts_with("2026-12-15"), "{view}");

        let (status, ct, pdf) = slip(&app, &code, "04", &officer).await;
        assert_eq!((status, ct.as_str()), (StatusCode::OK, "application/pdf"));
        let text = pdf_text(&pdf, "04");
        for expected in [
            "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
            "Cần xác minh thêm tại nơi cư trú",
            "10 giờ 00 phút, ngày 15/12/2026",
        ] {
            assert!(text.contains(expected), "{backend:?}: {expected:?} missing from\n{text}");
        }
        assert_eq!(pdf_qr(&pdf, "04qr"), format!("{}/tra-cuu?ma={code}", app.base));
        // The page links to it; a second re-appointment is refused.
        let page = get_page(&app, &format!("/can-bo/ho-so/{code}"), &officer).await.text().await.unwrap();
        assert!(page.contains(&format!("/can-bo/ho-so/{code}/phieu/04")), "{backend:?}");
        let mut again = good;
        again[2] = ("ngay_hen", "2026-12-20");
        let r = post_form(&app, &path, &officer, &again).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{backend:?}");
        assert_eq!(commands(&app, &code, &officer).await.len(), events.len(), "nothing more recorded");
        app.stop().await;
    }
}

/// Two officers apologising at the same moment: the limit is checked on the locked dossier, so
/// exactly one apology is recorded.
#[tokio::test]
async fn simultaneous_apologies_record_one() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let officer = app.token("28777", Role::IntakeOfficer).await;
        let director = app.token("28777", Role::CenterDirector).await;
        let (code, _) = app.submit_birth().await;
        app.act(&code, "receive", &officer, json!({})).await;
        let path = format!("/can-bo/ho-so/{code}/xin-loi");
        let form =
            |day: &'static str| [("csrf", CSRF), ("ly_do", "Chờ xác minh"), ("ngay_hen", day), ("gio_hen", "09:00")];
        let (first, second) = (form("2026-12-15"), form("2026-12-16"));
        let (a, b) = tokio::join!(post_form(&app, &path, &officer, &first), post_form(&app, &path, &director, &second));
        let mut statuses = [a.status(), b.status()];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT], "{backend:?}");
        let apologies =
            commands(&app, &code, &officer).await.iter().filter(|e| e["command"] == "issue_apology").count();
        assert_eq!(apologies, 1, "{backend:?}");
        app.stop().await;
    }
}

/// A `multipart/form-data` body: text fields, then files as (field, file name, bytes).
fn multipart_body(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----motcua-intake-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
    }
    for (k, name, bytes) in files {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn intake(
    app: &TestApp,
    token: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> (StatusCode, String) {
    let (ct, body) = multipart_body(fields, files);
    let r = browser()
        .post(format!("{}/can-bo/tiep-nhan", app.base))
        .header("cookie", cookies(token))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn dossier_count(app: &TestApp, token: &str) -> usize {
    let (status, list) = app.get("/api/v1/dossiers?unit=28777", Some(token)).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["items"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn counter_intake_receives_a_walk_in_with_scans_and_assistance_and_prints_its_receipt() {
    let birth = motcua_domain::catalog::seed_procedures().into_iter().find(|p| p.code.as_str() == "1.001193").unwrap();
    let (first, second) = (birth.components[0].code.clone(), birth.components[1].code.clone());
    let scan_field = format!("scan_{first}");
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x04\xd8\0\0\x06\xda\x08\x02\0\0\0 scanned birth certificate";
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let officer = app.token("28777", Role::IntakeOfficer).await;
        let page = get_page(&app, "/can-bo/tiep-nhan?thu_tuc=1.001193", &officer).await.text().await.unwrap();
        assert!(page.contains("Tiếp nhận hồ sơ trực tiếp") && page.contains(&birth.components[0].name), "{backend:?}");
        let specialist = app.token("28777", Role::Specialist).await;
        assert_eq!(get_page(&app, "/can-bo/tiep-nhan", &specialist).await.status(), StatusCode::FORBIDDEN);

        let mut fields = vec![
            ("csrf", CSRF),
            ("thu_tuc", "1.001193"),
            ("ho_ten", "Nguyễn Văn Cường"),
            ("so_dinh_danh", "123"),
            ("dien_thoai", "0912345678"),
            ("so_ban", "1"),
            ("giay_to", second.as_str()),
            ("ho_tro", "1"),
            ("nguoi_ho_tro", ""),
            ("buoi_ho_tro", "Ngày hỗ trợ cộng đồng 28/11"),
        ];
        // Bad ID and no helper named: both explained, what was entered kept, nothing created.
        let (status, page) = intake(&app, &officer, &fields, &[(&scan_field, "giay-chung-sinh.png", png)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("href=\"#so-dinh-danh\"") && page.contains("href=\"#nguoi-ho-tro\""), "{page}");
        assert!(page.contains("value=\"Nguyễn Văn Cường\""));
        assert_eq!(dossier_count(&app, &officer).await, 0, "{backend:?}");
        // Without the CSRF token: refused.
        assert_eq!(intake(&app, &officer, &fields[1..], &[]).await.0, StatusCode::FORBIDDEN);

        fields[3] = ("so_dinh_danh", "086190012345");
        fields[8] = ("nguoi_ho_tro", "Lê Thị Hoa (Đoàn Thanh niên)");
        let (status, page) = intake(&app, &officer, &fields, &[(&scan_field, "giay-chung-sinh.png", png)]).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}: {page}");
        let code = page.split("id=\"ma-ho-so\">").nth(1).unwrap().split('<').next().unwrap().to_string();
        let secret = page.split("id=\"ma-bi-mat\">").nth(1).unwrap().split('<').next().unwrap().to_string();
        assert!(page.contains(&format!("/can-bo/ho-so/{code}/phieu/01")));

        let (status, view) = app.get(&format!("/api/v1/dossiers/{code}?secret={secret}"), None).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}: the citizen's secret works");
        assert_eq!((view["channel"].as_str(), view["status"].as_str()), (Some("counter"), Some("received")));
        let components = view["components"].as_array().unwrap();
        let scanned = components.iter().find(|c| c["code"] == first.as_str()).expect("scanned paper kept");
        assert_eq!(scanned["digitized"], true);
        assert_eq!(scanned["file_sha256"].as_str().map(str::len), Some(64));
        let paper = components.iter().find(|c| c["code"] == second.as_str()).expect("ticked paper kept");
        assert_eq!(paper["digitized"], false);
        let events = commands(&app, &code, &officer).await;
        let names: Vec<&str> = events.iter().map(|e| e["command"].as_str().unwrap()).collect();
        assert_eq!(names, ["submit", "receive", "record_assistance"], "{backend:?}: one transaction, in order");
        assert_eq!(events[2]["data"]["session"], "Ngày hỗ trợ cộng đồng 28/11");

        let (status, ct, pdf) = slip(&app, &code, "01", &officer).await;
        assert_eq!((status, ct.as_str()), (StatusCode::OK, "application/pdf"));
        let text = pdf_text(&pdf, "intake");
        assert!(text.contains("Nguyễn Văn Cường") && text.contains("Lê Thị Hoa (Đoàn Thanh niên)"), "{text}");
        app.stop().await;
    }
}
