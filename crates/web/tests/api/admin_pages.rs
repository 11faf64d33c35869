//! The administration pages: staff accounts, units, procedures and calendar amendments, for
//! administrators only; bad input explained and nothing changed. On SQLite and PostgreSQL.

use motcua_domain::audit::AuditKind;
use motcua_domain::calendar::WorkingHours;
use motcua_domain::catalog::ProcedureCode;
use motcua_domain::clock::Clock;
use motcua_domain::ports::{AdminStore, CalendarStore, CatalogStore, StaffStore};
use motcua_domain::staff::Role;
use motcua_domain::unit::UnitCode;
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{BACKENDS, TestApp};
use crate::slips::{CSRF, get_page, post_form};

#[tokio::test]
async fn administrators_manage_staff_units_procedures_and_the_calendar() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let admin = app.token("86", Role::Administrator).await;
        let officer = app.token("28777", Role::IntakeOfficer).await;
        for section in ["can-bo", "don-vi", "lich", "thu-tuc"] {
            let r = get_page(&app, &format!("/can-bo/quan-tri/{section}"), &officer).await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{backend:?} {section}");
            assert_eq!(get_page(&app, &format!("/can-bo/quan-tri/{section}"), &admin).await.status(), StatusCode::OK);
        }
        let page = get_page(&app, "/can-bo/quan-tri/can-bo", &admin).await.text().await.unwrap();
        assert!(page.contains("28777.intake_officer") && !page.contains("79.province_monitor"), "{backend:?}");

        // Staff: a commune role at another province's commune and a short password are refused.
        let staff_before = app.db.staff_list().await.unwrap().len();
        let mut form = [
            ("csrf", CSRF),
            ("ten_dang_nhap", "an.nguyen"),
            ("ho_ten", "Nguyễn Thị An"),
            ("vai_tro", "specialist"),
            ("don_vi", "00004"),
            ("mat_khau", "ngan"),
        ];
        let r = post_form(&app, "/can-bo/quan-tri/can-bo", &admin, &form).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = r.text().await.unwrap();
        assert!(page.contains("href=\"#don-vi\"") && page.contains("href=\"#mat-khau\""), "{page}");
        assert!(page.contains("value=\"Nguyễn Thị An\""), "entries kept");
        assert_eq!(app.db.staff_list().await.unwrap().len(), staff_before);
        form[4] = ("don_vi", "28777");
        form[5] = ("mat_khau", "mat-khau-rat-dai-2026");
        assert_eq!(post_form(&app, "/can-bo/quan-tri/can-bo", &admin, &form).await.status(), StatusCode::SEE_OTHER);
        let (status, _) = app
            .post("/api/v1/auth/login", None, json!({"username": "an.nguyen", "password": "mat-khau-rat-dai-2026"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{backend:?}: the new account signs in");
        let r = post_form(&app, "/can-bo/quan-tri/can-bo", &admin, &form).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("Tên đăng nhập này đã có"));
        assert_eq!(post_form(&app, "/can-bo/quan-tri/can-bo", &officer, &form).await.status(), StatusCode::FORBIDDEN);

        // Units: the hours must parse; a unit of another province is not ours.
        let path = "/can-bo/quan-tri/don-vi/28777";
        let bad = [("csrf", CSRF), ("ma_dinh_danh", "000.09.99.H86"), ("gio_lam_viec", "7h-11h")];
        assert_eq!(post_form(&app, path, &admin, &bad).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let unit = UnitCode::parse("28777").unwrap();
        let before = app.db.unit(&unit).await.unwrap().unwrap();
        assert_eq!(before.working_hours, WorkingHours::default(), "unchanged");
        let taken = [("csrf", CSRF), ("ma_dinh_danh", "000.00.01.H86"), ("gio_lam_viec", "07:30-11:30,13:00-17:00")];
        let r = post_form(&app, path, &admin, &taken).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}: another commune's agency code");
        assert!(r.text().await.unwrap().contains("đã dùng cho một đơn vị khác"));
        let good = [("csrf", CSRF), ("ma_dinh_danh", "000.09.99.H86"), ("gio_lam_viec", "07:30-11:30,13:00-17:00")];
        assert_eq!(post_form(&app, path, &admin, &good).await.status(), StatusCode::SEE_OTHER);
        let after = app.db.unit(&unit).await.unwrap().unwrap();
        assert_eq!(
            (after.agency.as_str(), after.working_hours.to_string().as_str()),
            ("000.09.99.H86", "07:30-11:30,13:00-17:00")
        );
        let elsewhere = post_form(&app, "/can-bo/quan-tri/don-vi/00004", &admin, &good).await;
        assert_eq!(elsewhere.status(), StatusCode::NOT_FOUND);

        // Procedures: time and fee amounts; a bad time changes nothing.
        let copy = ProcedureCode::parse("2.000635").unwrap();
        let path = "/can-bo/quan-tri/thu-tuc/2.000635";
        let mut form = vec![
            ("csrf", CSRF),
            ("loai_thoi_han", "ngay-lam-viec"),
            ("thoi_han", "0"),
            ("phi_0", "10.000"),
            ("ten_0", "Tờ khai"),
            ("bat_buoc", "TK01"),
            ("ten_1", "Giấy ủy quyền"),
        ];
        assert_eq!(post_form(&app, path, &admin, &form).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.db.procedure(&copy).await.unwrap().unwrap().fees[0].amount, 8000);
        form[2] = ("thoi_han", "2");
        form.extend([("ma_moi", "CC01"), ("ten_moi", "Căn cước công dân"), ("bat_buoc_moi", "1")]);
        assert_eq!(post_form(&app, path, &admin, &form).await.status(), StatusCode::SEE_OTHER, "{backend:?}");
        let p = app.db.procedure(&copy).await.unwrap().unwrap();
        assert_eq!(p.fees[0].amount, 10_000);
        assert_eq!(serde_json::to_value(p.statutory_time).unwrap(), json!({"kind": "working_days", "days": 2}));
        assert_eq!(p.components.last().map(|c| (c.code.as_str(), c.required)), Some(("CC01", true)));
        assert!(p.components.iter().any(|c| c.code == "UQ01" && !c.required));

        // Calendar: a day off with its reason becomes a new version.
        let bad = [("csrf", CSRF), ("ngay", "24/11/2026"), ("loai", "nghi"), ("ly_do", "")];
        assert_eq!(
            post_form(&app, "/can-bo/quan-tri/lich", &admin, &bad).await.status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert!(app.db.amendments().await.unwrap().is_empty());
        let good = [("csrf", CSRF), ("ngay", "2026-11-24"), ("loai", "nghi"), ("ly_do", "Thông báo 12/TB-UBND")];
        assert_eq!(post_form(&app, "/can-bo/quan-tri/lich", &admin, &good).await.status(), StatusCode::SEE_OTHER);
        let a = app.db.amendments().await.unwrap();
        assert_eq!((a.len(), a[0].working, a[0].reason.as_str()), (1, false, "Thông báo 12/TB-UBND"));
        let page = get_page(&app, "/can-bo/quan-tri/lich", &admin).await.text().await.unwrap();
        assert!(page.contains("24/11/2026") && page.contains("Thông báo 12/TB-UBND"));

        // Each saved change is in the audit trail, newest first, with what it changed (the API's
        // amendments too).
        let amend = json!({"date": "2026-12-31", "working": false, "reason": "Quyết định 5/QĐ-UBND"});
        assert_eq!(app.post("/api/v1/calendar/amendments", Some(&admin), amend).await.0, StatusCode::CREATED);
        let mut log = app.db.audit_log(None, 10).await.unwrap();
        assert_eq!((log[0].kind, log[0].subject.as_str()), (AuditKind::CalendarAmended, "2026-12-31"));
        log.remove(0);
        let kinds: Vec<_> = log.iter().map(|r| r.kind).collect();
        use AuditKind::*;
        assert_eq!(
            kinds,
            [CalendarAmended, ProcedureEdited, UnitEdited, StaffCreated],
            "{backend:?}: refusals leave none"
        );
        assert!(log.iter().all(|r| r.actor == "86.administrator" && r.at == app.clock.now()));
        let changed = |i: usize, field: &str| {
            log[i].differences().into_iter().find(|d| d.field == field).map(|d| (d.before, d.after))
        };
        assert_eq!(changed(1, "fees[0].amount"), Some(("8000".into(), "10000".into())));
        assert_eq!(changed(2, "agency").map(|d| d.1), Some("000.09.99.H86".into()), "{:?}", log[2]);
        assert_eq!(changed(3, "username"), Some((String::new(), "an.nguyen".into())));
        assert!(log[3].after.as_ref().is_some_and(|a| !a.to_string().contains("argon2")), "no password hash");
        let page = get_page(&app, "/can-bo/quan-tri/nhat-ky", &admin).await.text().await.unwrap();
        assert!(page.contains("Sửa thủ tục") && page.contains("8000 → 10000") && page.contains("Điều chỉnh lịch nghỉ"));
        app.stop().await;
    }
}
