//! The staff dossier page previews attached files in place (no JavaScript: a `<details>` holding
//! an `<img>` or an `<iframe>`), served inline with their recognised type, `nosniff`, and only to
//! staff who may read the dossier. On SQLite and PostgreSQL.

use motcua_domain::staff::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::files::{Part, pdf, png, upload};
use crate::harness::{BACKENDS, TestApp, birth_request};
use crate::slips::get_page;

#[tokio::test]
async fn staff_preview_a_dossiers_files_inline_and_nobody_else_does() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let (_, files) = upload(
            &app,
            &[
                Part::file("file", "to-khai.pdf", "application/pdf", pdf("tk")),
                Part::file("file", "giay-chung-sinh.png", "image/png", png("gcs")),
            ],
        )
        .await;
        let (pdf_sha, png_sha) = (files[0]["sha256"].as_str().unwrap(), files[1]["sha256"].as_str().unwrap());
        let mut req = birth_request();
        req["components"][0]["file_sha256"] = json!(pdf_sha);
        req["components"][1]["file_sha256"] = json!(png_sha);
        let (status, body) = app.post("/api/v1/dossiers", None, req).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let code = body["dossier"]["code"].as_str().unwrap().to_string();
        let officer = app.token("28777", Role::IntakeOfficer).await;

        let page = get_page(&app, &format!("/can-bo/ho-so/{code}"), &officer).await.text().await.unwrap();
        let (pdf_at, png_at) =
            (format!("/can-bo/ho-so/{code}/xem/{pdf_sha}"), format!("/can-bo/ho-so/{code}/xem/{png_sha}"));
        assert!(page.contains(&format!("<iframe src=\"{pdf_at}\"")), "{backend:?}: {page}");
        assert!(page.contains(&format!("<img src=\"{png_at}\"")) && page.contains("<details class=\"preview\">"));
        for (at, media) in [(&pdf_at, "application/pdf"), (&png_at, "image/png")] {
            let r = get_page(&app, at, &officer).await;
            assert_eq!(r.status(), StatusCode::OK, "{at}");
            let h = r.headers();
            assert_eq!(h["content-type"], media);
            assert!(h["content-disposition"].to_str().unwrap().starts_with("inline; filename="), "{h:?}");
            assert_eq!(h["x-content-type-options"], "nosniff");
            assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'self'"), "{h:?}");
        }
        // Staff of another commune, nobody signed in, a file the dossier does not hold: nothing.
        let other = app.token("28756", Role::IntakeOfficer).await;
        assert_eq!(get_page(&app, &pdf_at, &other).await.status(), StatusCode::NOT_FOUND);
        let r = crate::slips::browser().get(format!("{}{pdf_at}", app.base)).send().await.unwrap();
        assert_eq!(
            (r.status(), r.headers()["location"].to_str().unwrap()),
            (StatusCode::SEE_OTHER, "/can-bo/dang-nhap")
        );
        let stranger = format!("/can-bo/ho-so/{code}/xem/{}", "ab".repeat(32));
        assert_eq!(get_page(&app, &stranger, &officer).await.status(), StatusCode::NOT_FOUND);
        app.stop().await;
    }
}
