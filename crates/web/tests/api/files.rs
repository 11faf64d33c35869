//! Attached files over HTTP on both databases: type from the content (not the name), size and
//! count limits, nothing stored on refusal, hashes recorded in the submission event, downloads
//! only for those who may read the dossier, and the form's error round trip keeping everything.

use motcua_domain::staff::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::Row;

use crate::harness::{BACKENDS, TestApp, birth_request};

/// One part of a `multipart/form-data` body.
pub struct Part<'a> {
    pub name: &'a str,
    /// `Some` for a file part.
    pub filename: Option<&'a str>,
    pub content_type: &'a str,
    pub bytes: Vec<u8>,
}

impl<'a> Part<'a> {
    pub fn file(name: &'a str, filename: &'a str, content_type: &'a str, bytes: Vec<u8>) -> Part<'a> {
        Part { name, filename: Some(filename), content_type, bytes }
    }
    pub fn text(name: &'a str, value: &str) -> Part<'a> {
        Part { name, filename: None, content_type: "", bytes: value.as_bytes().to_vec() }
    }
}

/// The body and its content type.
pub fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "----motcua-test-boundary-7d1f";
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match p.filename {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{}\"; filename=\"{f}\"\r\nContent-Type: {}\r\n\r\n",
                    p.name, p.content_type
                )
                .as_bytes(),
            ),
            None => body
                .extend_from_slice(format!("Content-Disposition: form-data; name=\"{}\"\r\n\r\n", p.name).as_bytes()),
        }
        body.extend_from_slice(&p.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A small valid-looking PDF, made unique by `tag`.
pub fn pdf(tag: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {tag}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n").into_bytes()
}

/// A PNG whose header declares `width` × `height` pixels, made unique by `tag`.
pub fn png_sized(tag: &str, width: u32, height: u32) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    b.extend_from_slice(&width.to_be_bytes());
    b.extend_from_slice(&height.to_be_bytes());
    b.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    b.extend_from_slice(tag.as_bytes());
    b
}

pub fn png(tag: &str) -> Vec<u8> {
    png_sized(tag, 1240, 1754)
}

/// A JPEG whose frame header declares `width` × `height` pixels.
pub fn jpeg_sized(width: u16, height: u16) -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC0, 0, 11, 8];
    b.extend_from_slice(&height.to_be_bytes());
    b.extend_from_slice(&width.to_be_bytes());
    b.extend_from_slice(&[1, 1, 0x11, 0, 0xFF, 0xDA, 0, 2, 0xFF, 0xD9]);
    b
}

/// A Windows executable, whatever its name says.
pub fn exe() -> Vec<u8> {
    let mut b = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
    b.extend_from_slice(b"This program cannot be run in DOS mode.");
    b
}

pub async fn upload(app: &TestApp, parts: &[Part<'_>]) -> (StatusCode, Value) {
    let (ct, body) = multipart(parts);
    let r = app
        .client
        .post(format!("{}/api/v1/files", app.base))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

pub async fn blob_count(app: &TestApp) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM blobs").fetch_one(app.db.pool()).await.unwrap().get("n")
}

/// This browser's CSRF token (the cookie and the form field carry the same value).
pub async fn csrf(app: &TestApp) -> String {
    let r = app.client.get(format!("{}/tra-cuu", app.base)).send().await.unwrap();
    let set = r.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect::<Vec<_>>();
    let c = set.iter().find_map(|c| c.strip_prefix("motcua_csrf=")).expect("a CSRF cookie");
    c.split(';').next().unwrap().to_string()
}

#[tokio::test]
async fn uploads_are_checked_by_content_size_and_count_and_a_refusal_stores_nothing() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let (status, files) = upload(&app, &[Part::file("file", "to-khai.pdf", "application/pdf", pdf("a"))]).await;
        assert_eq!(status, StatusCode::CREATED, "{files}");
        assert_eq!(files[0]["media_type"], "application/pdf");
        assert_eq!(files[0]["name"], "to-khai.pdf");
        assert_eq!(files[0]["sha256"].as_str().unwrap().len(), 64);

        // An executable named and labelled as a PDF is refused from its content.
        let (status, e) = upload(&app, &[Part::file("file", "giay-chung-sinh.pdf", "application/pdf", exe())]).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("FILE_TYPE_NOT_ALLOWED")));
        assert!(e["message_vi"].as_str().unwrap().contains("giay-chung-sinh.pdf"), "{e}");
        assert!(e["message_en"].as_str().unwrap().contains("not a PDF, JPEG or PNG"), "{e}");
        // With a good file in the same request, nothing at all is stored.
        let (status, _) = upload(
            &app,
            &[Part::file("file", "a.png", "image/png", png("ok")), Part::file("file", "b.jpg", "image/jpeg", exe())],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(blob_count(&app).await, 1);

        // One byte over the per-file limit (10 MiB by default).
        let mut big = pdf("big");
        big.resize(10 * 1024 * 1024 + 1, b' ');
        let (status, e) = upload(&app, &[Part::file("file", "scan.pdf", "application/pdf", big)]).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("FILE_TOO_LARGE")), "{e}");
        assert!(e["message_vi"].as_str().unwrap().contains("10 MB"), "{e}");

        // One file over the count limit (10 by default).
        let eleven: Vec<Part> =
            (0..11).map(|i| Part::file("file", "p.png", "image/png", png(&format!("n{i}")))).collect();
        let (status, e) = upload(&app, &eleven).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("TOO_MANY_FILES")), "{e}");
        assert_eq!(blob_count(&app).await, 1, "refused uploads store nothing");

        // Not multipart, or no file: clear errors.
        let (status, e) = app.post("/api/v1/files", None, json!({"file": "x"})).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::BAD_REQUEST, Some("UPLOAD_UNREADABLE")), "{e}");
        let (status, e) = upload(&app, &[Part::text("note", "x")]).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("NO_FILE")));
        app.stop().await;
    }
}

#[tokio::test]
async fn a_submission_records_its_files_and_only_its_readers_download_them() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let (_, files) =
            upload(&app, &[Part::file("file", "giay-chung-sinh.pdf", "application/pdf", pdf("gcs"))]).await;
        let sha = files[0]["sha256"].as_str().unwrap().to_string();
        let mut req = birth_request();
        req["components"][0]["file_sha256"] = json!(sha);
        let (status, body) = app.post("/api/v1/dossiers", None, req).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let code = body["dossier"]["code"].as_str().unwrap().to_string();
        let secret = body["secret"].as_str().unwrap().to_string();

        // The hash is in the submission event (sealed in the chain).
        let (_, events) = app.get(&format!("/api/v1/dossiers/{code}/events?secret={secret}"), None).await;
        let recorded = &events[0]["data"]["dossier"]["components"][0];
        assert_eq!(recorded["file_sha256"], json!(sha), "{events}");

        // The citizen with the secret downloads it byte for byte; the browser may not render it.
        let url = |s: &str| format!("{}/api/v1/dossiers/{code}/files/{sha}?secret={s}", app.base);
        let r = app.client.get(url(&secret)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        assert_eq!(r.bytes().await.unwrap().to_vec(), pdf("gcs"));

        // Another citizen, with their own valid secret, cannot read this dossier or its file…
        let (other_code, other_secret) = app.submit_birth().await;
        let r = app.client.get(url(&other_secret)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["code"], "DOSSIER_NOT_FOUND");
        // …nor fetch this file through their own dossier.
        let theirs = format!("{}/api/v1/dossiers/{other_code}/files/{sha}?secret={other_secret}", app.base);
        let r = app.client.get(theirs).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(r.json::<Value>().await.unwrap()["code"], "FILE_NOT_FOUND");

        // Staff of the unit may download; staff of another commune may not.
        let own = app.token("28777", Role::IntakeOfficer).await;
        let other = app.token("28756", Role::IntakeOfficer).await;
        let path = format!("{}/api/v1/dossiers/{code}/files/{sha}", app.base);
        let r = app.client.get(&path).bearer_auth(&own).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let r = app.client.get(&path).bearer_auth(&other).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        // The same on the staff pages, signed in by the session cookie.
        let page = format!("{}/can-bo/ho-so/{code}/tep/{sha}", app.base);
        let r = app.client.get(&page).header("cookie", format!("motcua_session={own}")).send().await.unwrap();
        assert_eq!((r.status(), r.headers()["content-type"].to_str().unwrap()), (StatusCode::OK, "application/pdf"));
        let r = app.client.get(&page).header("cookie", format!("motcua_session={other}")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert!(!r.text().await.unwrap().contains("Trần Thị Bình"));

        // A submission naming a file that was never uploaded is refused and creates nothing.
        let mut req = birth_request();
        req["components"][0]["file_sha256"] = json!("ab".repeat(32));
        let (status, e) = app.post("/api/v1/dossiers", None, req).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("UNKNOWN_FILE")), "{e}");
        let (_, list) = app.get("/api/v1/dossiers", Some(&own)).await;
        assert_eq!(list["items"].as_array().map(Vec::len), Some(2));
        app.stop().await;
    }
}

/// Posts one page of the online form (multipart, as the browser does) and returns (status, html).
pub async fn post_step(
    app: &TestApp,
    token: &str,
    parts: Vec<Part<'_>>,
) -> (StatusCode, String, reqwest::header::HeaderMap) {
    let mut all = vec![Part::text("csrf", token)];
    all.extend(parts);
    let (ct, body) = multipart(&all);
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = client
        .post(format!("{}/nop-ho-so/1.001193/buoc", app.base))
        .header("content-type", ct)
        .header("cookie", format!("motcua_csrf={token}"))
        .body(body)
        .send()
        .await
        .unwrap();
    let (status, headers) = (r.status(), r.headers().clone());
    (status, r.text().await.unwrap(), headers)
}

/// The values of the hidden field `name` in a page.
pub fn hidden_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!("name=\"{name}\" value=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest[..rest.find('"').unwrap()].replace("&#124;", "|").replace("&#x7c;", "|")
        })
        .collect()
}

#[tokio::test]
async fn a_refused_file_on_the_form_keeps_what_was_entered_and_the_files_already_stored() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let token = csrf(&app).await;
        let p = motcua_domain::catalog::seed_procedures().into_iter().find(|p| p.code.as_str() == "1.001193").unwrap();
        let required: Vec<_> = p.components.iter().filter(|c| c.required).map(|c| c.code.clone()).collect();
        assert!(required.len() >= 2, "the birth registration has several required documents");
        let fields: Vec<String> = required.iter().map(|c| format!("tep_{c}")).collect();
        let (f0, f1) = (&fields[0], &fields[1]);
        let draft = [
            ("tinh", "86"),
            ("don_vi", "28777"),
            ("ho_ten", "Trần Thị Bình"),
            ("so_dinh_danh", "086190012345"),
            ("dien_thoai", "0912345678"),
        ];
        let mut parts: Vec<Part> = draft.iter().map(|(k, v)| Part::text(k, v)).collect();
        parts.push(Part::text("buoc", "giay-to"));
        parts.push(Part::file(f0, "to-khai.pdf", "application/pdf", pdf("tk")));
        parts.push(Part::file(f1, "giay-chung-sinh.pdf", "application/pdf", exe()));
        let (status, html, _) = post_step(&app, &token, parts).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("không phải PDF, JPEG hoặc PNG"), "the refused file is explained");
        assert!(html.contains("Đã tải lên: to-khai.pdf"), "the good file is kept and shown");
        assert_eq!(hidden_values(&html, "ho_ten"), ["Trần Thị Bình"], "what was typed is carried on");
        assert_eq!(hidden_values(&html, "so_dinh_danh"), ["086190012345"]);
        let kept = hidden_values(&html, "tep_da_luu");
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert_eq!(blob_count(&app).await, 1, "the good file is stored, the refused one is not");

        // The citizen picks the right file: the draft now holds both, and the form moves on.
        let mut parts: Vec<Part> = draft.iter().map(|(k, v)| Part::text(k, v)).collect();
        parts.push(Part::text("buoc", "giay-to"));
        parts.push(Part::text("tep_da_luu", &kept[0]));
        for (f, c) in fields.iter().zip(&required).skip(2) {
            parts.push(Part::file(f, "x.png", "image/png", png(c)));
        }
        parts.push(Part::file(f1, "giay-chung-sinh.jpg", "image/jpeg", jpeg_sized(1240, 1754)));
        let (status, html, _) = post_step(&app, &token, parts).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains("Kiểm tra lại thông tin trước khi gửi"));
        assert!(html.contains("to-khai.pdf") && html.contains("giay-chung-sinh.jpg"));

        // Submitting from "check your answers" files the dossier with both hashes recorded.
        let mut parts: Vec<Part> = draft.iter().map(|(k, v)| Part::text(k, v)).collect();
        parts.push(Part::text("buoc", "kiem-tra"));
        let files = hidden_values(&html, "tep_da_luu");
        for f in &files {
            parts.push(Part::text("tep_da_luu", f));
        }
        let (status, _, headers) = post_step(&app, &token, parts).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers["location"], "/da-nop");
        let intake = app.token("28777", Role::IntakeOfficer).await;
        let (_, list) = app.get("/api/v1/dossiers", Some(&intake)).await;
        let comps = list["items"][0]["components"].as_array().unwrap().clone();
        assert_eq!(comps.len(), files.len(), "{list}");
        assert!(comps.iter().all(|c| c["file_sha256"].as_str().is_some_and(|h| h.len() == 64)), "{comps:?}");
        app.stop().await;
    }
}

#[tokio::test]
async fn hostile_files_are_refused_from_their_content_with_vi_and_en_reasons_and_nothing_is_stored() {
    let zip = b"PK\x03\x04\x14\0\0\0\x08\0[Content_Types].xml word/document.xml".to_vec();
    let mut garbage = b"%PDF-1.7\n".to_vec();
    garbage.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let script = b"%PDF-1.7\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n%%EOF\n";
    let cases: Vec<(&str, Vec<u8>, StatusCode, &str, &str)> = vec![
        ("bom.pdf", zip.clone(), StatusCode::UNPROCESSABLE_ENTITY, "FILE_TYPE_NOT_ALLOWED", "not a PDF, JPEG or PNG"),
        ("don.docx", zip, StatusCode::UNPROCESSABLE_ENTITY, "FILE_TYPE_NOT_ALLOWED", "not a PDF, JPEG or PNG"),
        (
            "cut.pdf",
            b"%PDF-1.4\n1 0 obj <<>> endobj\n".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "FILE_MALFORMED",
            "damaged",
        ),
        ("rac.pdf", garbage, StatusCode::UNPROCESSABLE_ENTITY, "FILE_MALFORMED", "damaged"),
        ("js.pdf", script.to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "FILE_ACTIVE_CONTENT", "scripts"),
        (
            "bomb.png",
            png_sized("b", 100_000, 100_000),
            StatusCode::UNPROCESSABLE_ENTITY,
            "IMAGE_TOO_MANY_PIXELS",
            "100000×100000",
        ),
        (
            "bomb.jpg",
            jpeg_sized(65_000, 65_000),
            StatusCode::UNPROCESSABLE_ENTITY,
            "IMAGE_TOO_MANY_PIXELS",
            "65000×65000",
        ),
        (
            "cut.png",
            b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "FILE_MALFORMED",
            "damaged",
        ),
        (
            "cut.jpg",
            vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3],
            StatusCode::UNPROCESSABLE_ENTITY,
            "FILE_MALFORMED",
            "damaged",
        ),
    ];
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        for (name, bytes, status, code, en) in &cases {
            // Each comes after a good file in the same request: nothing at all is stored.
            let parts = [
                Part::file("file", "to-khai.pdf", "application/pdf", pdf("good")),
                Part::file("file", name, "application/pdf", bytes.clone()),
            ];
            let (s, e) = upload(&app, &parts).await;
            assert_eq!((s, e["code"].as_str()), (*status, Some(*code)), "{backend:?} {name}: {e}");
            assert!(e["message_vi"].as_str().unwrap().contains(name), "{name}: {e}");
            assert!(e["message_en"].as_str().unwrap().contains(en), "{name}: {e}");
            assert_eq!(blob_count(&app).await, 0, "{backend:?} {name}: a refused upload stores nothing");
        }
        // A sane scan is accepted (A4 at 150 dpi).
        let (s, files) = upload(&app, &[Part::file("file", "a.jpg", "image/jpeg", jpeg_sized(1240, 1754))]).await;
        assert_eq!((s, files[0]["media_type"].as_str()), (StatusCode::CREATED, Some("image/jpeg")), "{files}");

        // Files within the per-file limit that together exceed a dossier's total (30 MiB by default).
        let sized = |tag: &str, n: usize| {
            let mut b = pdf(tag);
            b.splice(9..9, std::iter::repeat_n(b' ', n));
            b
        };
        let mib = 1024 * 1024;
        let parts: Vec<Part> = ["t1", "t2", "t3"]
            .iter()
            .map(|t| Part::file("file", "scan.pdf", "application/pdf", sized(t, 9 * mib)))
            .chain([Part::file("file", "them.pdf", "application/pdf", sized("t4", 3 * mib + mib / 2))])
            .collect();
        let (s, e) = upload(&app, &parts).await;
        assert_eq!((s, e["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("DOSSIER_FILES_TOO_LARGE")), "{e}");
        assert!(e["message_vi"].as_str().unwrap().contains("30 MB"), "{e}");
        assert!(e["message_en"].as_str().unwrap().contains("30 MB"), "{e}");
        assert_eq!(blob_count(&app).await, 1, "only the good scan is stored");
        app.stop().await;
    }
}
