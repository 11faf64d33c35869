//! Staff accounts administered from the pages: edit, re-role, disable, enable. Disabling or
//! re-roling ends the account's sessions at once; a disabled account cannot sign in; an
//! administrator cannot disable or re-role themself; each change is in the audit trail, written
//! with it. On SQLite and PostgreSQL.

use motcua_domain::audit::AuditKind;
use motcua_domain::ports::{AdminStore, StaffStore};
use motcua_domain::staff::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{BACKENDS, PASSWORD, TestApp};
use crate::slips::{CSRF, get_page, post_form};

async fn sign_in(app: &TestApp, username: &str) -> (StatusCode, serde_json::Value) {
    app.post("/api/v1/auth/login", None, json!({"username": username, "password": PASSWORD})).await
}

#[tokio::test]
async fn disabling_or_re_roling_an_account_ends_its_sessions_and_is_audited() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let admin = app.token("86", Role::Administrator).await;
        let officer = app.token("28777", Role::IntakeOfficer).await;
        let id = |name: &'static str| {
            let db = app.db.clone();
            async move { db.staff_by_username(name).await.unwrap().unwrap().0.id.0 }
        };
        let (officer_id, admin_id) = (id("28777.intake_officer").await, id("86.administrator").await);
        let path = format!("/can-bo/quan-tri/can-bo/{officer_id}");
        let page = get_page(&app, &path, &admin).await.text().await.unwrap();
        assert!(page.contains("Khóa tài khoản") && page.contains("value=\"28777\""), "{backend:?}: {page}");
        assert_eq!(get_page(&app, &path, &officer).await.status(), StatusCode::FORBIDDEN);
        let elsewhere = id("79.province_monitor").await;
        let r = get_page(&app, &format!("/can-bo/quan-tri/can-bo/{elsewhere}"), &admin).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "another province's account");

        // The administrator cannot lock themself out.
        let own = format!("/can-bo/quan-tri/can-bo/{admin_id}");
        let r = post_form(&app, &format!("{own}/trang-thai"), &admin, &[("csrf", CSRF), ("kich_hoat", "0")]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("không thể tự khóa"));
        let rerole = [("csrf", CSRF), ("ho_ten", "QT"), ("vai_tro", "province_monitor"), ("don_vi", "86")];
        let r = post_form(&app, &own, &admin, &rerole).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("không thể tự đổi vai trò"));

        // Bad edits change nothing.
        for (role, unit, says) in [
            ("administrator", "28777", "Vai trò cấp tỉnh thuộc đơn vị tỉnh"),
            ("leader", "00004", "Đơn vị phải là tỉnh của bạn"),
            ("chief", "28777", "Vui lòng chọn vai trò"),
        ] {
            let form = [("csrf", CSRF), ("ho_ten", "Tên mới"), ("vai_tro", role), ("don_vi", unit)];
            let r = post_form(&app, &path, &admin, &form).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{role} {unit}");
            let page = r.text().await.unwrap();
            assert!(page.contains(says) && page.contains("value=\"Tên mới\""), "{page}");
        }
        assert_eq!(app.get("/api/v1/auth/me", Some(&officer)).await.1["full_name"], json!("28777.intake_officer"));

        // A new name keeps the session; a new role ends it.
        let form = [("csrf", CSRF), ("ho_ten", "Lê Văn Tâm"), ("vai_tro", "intake_officer"), ("don_vi", "28777")];
        assert_eq!(post_form(&app, &path, &admin, &form).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.get("/api/v1/auth/me", Some(&officer)).await.1["full_name"], json!("Lê Văn Tâm"));
        let form = [("csrf", CSRF), ("ho_ten", "Lê Văn Tâm"), ("vai_tro", "specialist"), ("don_vi", "28777")];
        assert_eq!(post_form(&app, &path, &admin, &form).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.get("/api/v1/auth/me", Some(&officer)).await.0, StatusCode::UNAUTHORIZED, "{backend:?}");
        let (status, body) = sign_in(&app, "28777.intake_officer").await;
        assert_eq!((status, &body["staff"]["role"]), (StatusCode::OK, &json!("specialist")));
        let fresh = body["token"].as_str().unwrap().to_string();

        // Disabled: the session ends, the page sends to sign-in, and signing in is refused.
        let off = [("csrf", CSRF), ("kich_hoat", "0")];
        assert_eq!(post_form(&app, &format!("{path}/trang-thai"), &admin, &off).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.get("/api/v1/auth/me", Some(&fresh)).await.0, StatusCode::UNAUTHORIZED);
        let r = get_page(&app, "/can-bo", &fresh).await;
        assert_eq!(r.headers()["location"], "/can-bo/dang-nhap");
        let (status, body) = sign_in(&app, "28777.intake_officer").await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("ACCOUNT_DISABLED")));
        assert!(body["message_vi"].as_str().unwrap().contains("đã bị khóa"), "{body}");
        assert!(body["message_en"].as_str().unwrap().contains("disabled"), "{body}");
        let (_, wrong) = app
            .post("/api/v1/auth/login", None, json!({"username": "28777.intake_officer", "password": "sai-mat-khau"}))
            .await;
        assert_eq!(wrong["code"], json!("INVALID_CREDENTIALS"), "nothing told without the password");
        let page = get_page(&app, "/can-bo/quan-tri/can-bo", &admin).await.text().await.unwrap();
        assert!(page.contains("Đã khóa"));
        let on = [("csrf", CSRF), ("kich_hoat", "1")];
        assert_eq!(post_form(&app, &format!("{path}/trang-thai"), &admin, &on).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(sign_in(&app, "28777.intake_officer").await.0, StatusCode::OK);

        // The trail: newest first, filtered by kind, with before → after.
        let log = app.db.audit_log(None, 10).await.unwrap();
        let kinds: Vec<_> = log.iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            [AuditKind::StaffEnabled, AuditKind::StaffDisabled, AuditKind::StaffEdited, AuditKind::StaffEdited],
            "{backend:?}: refused changes leave no record"
        );
        let disabled = &log[1];
        assert_eq!((disabled.actor.as_str(), disabled.subject.as_str()), ("86.administrator", "28777.intake_officer"));
        let d = disabled.differences();
        assert_eq!(
            d.iter().map(|d| (&*d.field, &*d.before, &*d.after)).collect::<Vec<_>>(),
            [("active", "true", "false")]
        );
        assert!(log[2].differences().iter().any(|d| d.field == "role" && d.after == "specialist"));
        let r = get_page(&app, "/can-bo/quan-tri/nhat-ky?loai=staff_disabled", &admin).await;
        assert_eq!(r.status(), StatusCode::OK);
        let page = r.text().await.unwrap();
        assert!(page.contains("Khóa tài khoản") && page.contains("true → false"), "{page}");
        assert!(!page.contains("Mở khóa tài khoản</td>"), "filtered");
        let leader = app.token("28777", Role::Leader).await;
        let r = get_page(&app, "/can-bo/quan-tri/nhat-ky?loai=xoa-het", &admin).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("href=\"#loai\""));
        assert_eq!(get_page(&app, "/can-bo/quan-tri/nhat-ky", &leader).await.status(), StatusCode::FORBIDDEN);
        app.stop().await;
    }
}
