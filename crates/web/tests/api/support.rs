//! Community support days end to end, on SQLite and PostgreSQL: neighborhoods, helpers and a
//! Friday session managed in the back office (bad input explained in Vietnamese and English and
//! nothing changed), occurrences with a holiday cancelled, the citizens' page, attribution at
//! counter intake and of an online submission (events stay hash-chained), and the report + CSV.

use motcua_domain::dossier::{DossierCode, EventKind};
use motcua_domain::ports::{DossierStore, SupportStore};
use motcua_domain::staff::Role;
use motcua_domain::unit::UnitCode;
use reqwest::StatusCode;

use crate::harness::{BACKENDS, TestApp, vn};
use crate::slips::{CSRF, browser, cookies, get_page, post_form};

const BASE: &str = "/can-bo/ho-tro-cong-dong";

async fn refused(app: &TestApp, token: &str, path: &str, form: &[(&str, &str)], anchor: &str, text: &str) {
    let r = post_form(app, &format!("{BASE}/{path}"), token, form).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path} {form:?}");
    let page = r.text().await.unwrap();
    assert!(page.contains(&format!("href=\"#{anchor}\"")) && page.contains(text), "{anchor} {text}: {page}");
}

async fn saved(app: &TestApp, token: &str, path: &str, form: &[(&str, &str)]) {
    let r = post_form(app, &format!("{BASE}/{path}"), token, form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path} {form:?}: {}", r.text().await.unwrap());
}

async fn intake(app: &TestApp, token: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let boundary = "----motcua-support-boundary";
    let mut body = String::new();
    for (k, v) in fields {
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    let r = browser()
        .post(format!("{}/can-bo/tiep-nhan", app.base))
        .header("cookie", cookies(token))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

fn as_ref<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn assisted_events(app: &TestApp, code: &str) -> Vec<EventKind> {
    let events = app.db.events(&DossierCode::parse(code).unwrap()).await.unwrap();
    events.into_iter().map(|e| e.event.kind).filter(|k| matches!(k, EventKind::Assisted { .. })).collect()
}

#[tokio::test]
async fn support_days_are_scheduled_attributed_and_reported() {
    let unit = UnitCode::parse("28777").unwrap();
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let officer = app.token("28777", Role::IntakeOfficer).await;
        let specialist = app.token("28777", Role::Specialist).await;
        assert_eq!(get_page(&app, BASE, &specialist).await.status(), StatusCode::FORBIDDEN, "{backend:?}");
        assert_eq!(get_page(&app, BASE, &officer).await.status(), StatusCode::OK);

        // Neighborhoods and helpers: bad input explained, nothing stored.
        refused(&app, &officer, "khu-pho", &[("csrf", CSRF), ("kp_ten", " ")], "kp-ten", "Vui lòng nhập tên").await;
        saved(
            &app,
            &officer,
            "khu-pho",
            &[("csrf", CSRF), ("kp_ten", "Khu phố 3"), ("kp_ghi_chu", "Nhiều người cao tuổi")],
        )
        .await;
        refused(&app, &officer, "khu-pho", &[("csrf", CSRF), ("kp_ten", "Khu phố 3")], "kp-ten", "Tên này đã có").await;
        let bad = [("csrf", CSRF), ("nht_ten", "Lê Văn An"), ("nht_to_chuc", "club"), ("nht_dien_thoai", "")];
        refused(&app, &officer, "nguoi-ho-tro", &bad, "nht-to-chuc", "Không có tổ chức").await;
        assert!(app.db.helpers(&unit).await.unwrap().is_empty(), "{backend:?}");
        saved(
            &app,
            &officer,
            "nguoi-ho-tro",
            &[
                ("csrf", CSRF),
                ("nht_ten", "Lê Văn An"),
                ("nht_to_chuc", "youth_union"),
                ("nht_dien_thoai", "0912345678"),
            ],
        )
        .await;
        saved(
            &app,
            &officer,
            "nguoi-ho-tro",
            &[("csrf", CSRF), ("nht_ten", "Trần Thị Bình"), ("nht_to_chuc", "womens_union"), ("nht_dien_thoai", "")],
        )
        .await;
        let hood = app.db.neighborhoods(&unit).await.unwrap()[0].id.to_string();
        let helpers = app.db.helpers(&unit).await.unwrap();
        let an = helpers.iter().find(|h| h.name == "Lê Văn An").unwrap().id.to_string();

        // Sessions: unknown weekday, end before start, unknown helper; then every Friday morning.
        let session = |weekday: &'static str, until: &'static str, helper: String| {
            vec![
                ("csrf", CSRF.to_string()),
                ("buoi_khu_pho", hood.clone()),
                ("buoi_dia_diem", "Nhà văn hóa khu phố 3".into()),
                ("buoi_thu", weekday.into()),
                ("buoi_tu_ngay", "2026-11-01".into()),
                ("buoi_den_ngay", until.into()),
                ("buoi_bat_dau", "07:30".into()),
                ("buoi_ket_thuc", "11:00".into()),
                ("buoi_nguoi_ho_tro", helper),
            ]
        };
        let cases = [
            (session("someday", "2027-02-28", an.clone()), "buoi-thu", "Không có thứ"),
            (session("fri", "2026-10-01", an.clone()), "buoi-den-ngay", "Ngày kết thúc phải sau ngày bắt đầu"),
            (session("fri", "2027-02-28", "999999".into()), "buoi-nguoi-ho-tro", "Không có người hỗ trợ này"),
        ];
        for (fields, anchor, text) in &cases {
            refused(&app, &officer, "buoi", &as_ref(fields), anchor, text).await;
        }
        let en = post_form(&app, &format!("{BASE}/buoi?lang=en"), &officer, &as_ref(&cases[0].0)).await;
        assert!(en.text().await.unwrap().contains("There is no weekday"), "{backend:?}: English message");
        assert!(app.db.sessions(Some(&unit)).await.unwrap().is_empty(), "{backend:?}: nothing stored");
        saved(&app, &officer, "buoi", &as_ref(&session("fri", "2027-02-28", an.clone()))).await;
        let sid = app.db.sessions(Some(&unit)).await.unwrap()[0].id.to_string();

        // Occurrences: Fridays from 27/11/2026; New Year's Day 2027 (a Friday) is cancelled.
        let page = get_page(&app, BASE, &officer).await.text().await.unwrap();
        assert!(page.contains("Thứ Sáu 27/11/2026") && page.contains("Thứ Sáu hằng tuần, 07:30–11:00"), "{page}");
        assert!(
            page.contains("Thứ Sáu 01/01/2027 <span class=\"badge late\">Nghỉ"),
            "{backend:?}: holiday shown cancelled"
        );
        let public = browser().get(format!("{}/ho-tro-cong-dong?don_vi=28777", app.base)).send().await.unwrap();
        assert_eq!(public.status(), StatusCode::OK);
        let public = public.text().await.unwrap();
        assert!(
            public.contains("Nhà văn hóa khu phố 3") && public.contains("27/11/2026") && public.contains("Lê Văn An")
        );
        let home = browser().get(format!("{}/", app.base)).send().await.unwrap().text().await.unwrap();
        assert!(home.contains("href=\"/ho-tro-cong-dong\""));
        let nowhere = browser().get(format!("{}/ho-tro-cong-dong?don_vi=28756", app.base)).send().await.unwrap();
        assert_eq!(nowhere.status(), StatusCode::NOT_FOUND);

        // Friday 27/11/2026 at the session: counter intake attributed to it and to a helper.
        app.clock.set(vn(2026, 11, 27, 9, 0));
        let officer = app.token("28777", Role::IntakeOfficer).await;
        let occurrence = format!("{sid}@2026-11-27");
        let birth =
            motcua_domain::catalog::seed_procedures().into_iter().find(|p| p.code.as_str() == "1.001193").unwrap();
        let form_page = get_page(&app, "/can-bo/tiep-nhan?thu_tuc=1.001193", &officer).await.text().await.unwrap();
        assert!(form_page.contains(&format!("value=\"{occurrence}\"")), "{backend:?}: today's session offered");
        let mut fields = vec![
            ("csrf", CSRF),
            ("thu_tuc", "1.001193"),
            ("ho_ten", "Nguyễn Văn Cường"),
            ("so_dinh_danh", "086190012345"),
            ("so_ban", "1"),
            ("ho_tro", "1"),
            ("buoi_ho_tro_ma", occurrence.as_str()),
            ("nguoi_ho_tro_ma", "999999"),
        ];
        for c in birth.components.iter().filter(|c| c.required) {
            fields.push(("giay_to", c.code.as_str()));
        }
        let (status, page) = intake(&app, &officer, &fields).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}: unknown helper");
        assert!(page.contains("href=\"#nguoi-ho-tro-ma\"") && page.contains("Không có người hỗ trợ này"), "{page}");
        fields[7] = ("nguoi_ho_tro_ma", an.as_str());
        let (status, page) = intake(&app, &officer, &fields).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}: {page}");
        let counter = page.split("id=\"ma-ho-so\">").nth(1).unwrap().split('<').next().unwrap().to_string();
        let kinds = assisted_events(&app, &counter).await;
        let EventKind::Assisted { helper, session, support: Some(r) } = &kinds[0] else { panic!("{kinds:?}") };
        assert_eq!(
            (helper.as_str(), r.date.to_string(), r.helper.to_string()),
            ("Lê Văn An", "2026-11-27".into(), an.clone())
        );
        assert!(session.contains("Khu phố 3"), "{session}");

        // An online submission made with a helper at the session, attributed afterwards.
        let (online, _) = app.submit_birth().await;
        let (other_online, _) = app.submit_birth().await;
        let attribution = |code: &str, helper: &str| {
            vec![
                ("csrf", CSRF.to_string()),
                ("gn_ma_ho_so", code.to_string()),
                ("gn_buoi", occurrence.clone()),
                ("gn_nguoi_ho_tro", helper.to_string()),
            ]
        };
        let bad = attribution(&online, "999999");
        refused(&app, &officer, "ghi-nhan", &as_ref(&bad), "gn-nguoi-ho-tro", "Không có người hỗ trợ này").await;
        refused(
            &app,
            &officer,
            "ghi-nhan",
            &as_ref(&attribution(&counter, &an)),
            "gn-ma-ho-so",
            "không nộp trực tuyến",
        )
        .await;
        refused(&app, &officer, "ghi-nhan", &as_ref(&attribution("X-1", &an)), "gn-ma-ho-so", "không có hồ sơ này")
            .await;
        let thursday = vec![
            ("csrf", CSRF.to_string()),
            ("gn_ma_ho_so", online.clone()),
            ("gn_buoi", format!("{sid}@2026-11-26")),
            ("gn_nguoi_ho_tro", an.clone()),
        ];
        refused(&app, &officer, "ghi-nhan", &as_ref(&thursday), "gn-buoi", "không diễn ra vào ngày này").await;
        assert!(assisted_events(&app, &online).await.is_empty(), "{backend:?}: nothing recorded");
        saved(&app, &officer, "ghi-nhan", &as_ref(&attribution(&online, &an))).await;
        refused(&app, &officer, "ghi-nhan", &as_ref(&attribution(&online, &an)), "gn-ma-ho-so", "đã được ghi nhận")
            .await;
        assert_eq!(assisted_events(&app, &online).await.len(), 1);
        assert!(assisted_events(&app, &other_online).await.is_empty());

        // The report: 2 assisted (1 counter, 1 online) of 2 online dossiers → 50%.
        let path = format!("{BASE}/bao-cao?tu=2026-11-01&den=2026-11-30");
        let report = get_page(&app, &path, &officer).await.text().await.unwrap();
        assert!(report.contains("id=\"so-ho-tro\">2<") && report.contains("id=\"ty-le\">50.0%<"), "{report}");
        assert!(report.contains("27/11/2026 — Nhà văn hóa khu phố 3") && report.contains("Đoàn Thanh niên"));
        let csv = get_page(&app, &format!("{path}&dinh_dang=csv"), &officer).await;
        assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
        let bytes = csv.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(
            text.contains("Người hỗ trợ,Lê Văn An,Đoàn Thanh niên,2,1")
                && text.contains("\"Khu phố, ấp\",Khu phố 3,,2,1"),
            "{text}"
        );
        let r = get_page(&app, &format!("{BASE}/bao-cao?tu=2026-11-30&den=2026-11-01"), &officer).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("href=\"#den-ngay\""));

        let verify = app.db.verify_all().await.unwrap();
        assert!(verify.broken.is_empty() && verify.drifted.is_empty(), "{backend:?}: chains intact");
        app.stop().await;
    }
}
