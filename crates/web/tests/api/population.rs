//! The applicant's birth date at the counter and the intake identity check the officer sees: a
//! bad date is explained and creates nothing; a good one queues the check in the intake's
//! transaction, shown pending on the staff page until the answer is recorded in the chain.

use motcua_domain::clock::Clock;
use motcua_domain::dossier::{DossierCode, EventKind};
use motcua_domain::ports::{DossierStore, POPULATION, SyncStore};
use motcua_domain::staff::{Actor, Role};
use reqwest::StatusCode;

use crate::harness::{BACKENDS, TestApp};
use crate::slips::{CSRF, browser, cookies, get_page};

async fn intake(app: &TestApp, token: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let boundary = "----motcua-population-boundary";
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

#[tokio::test]
async fn counter_intake_takes_a_birth_date_and_the_officer_sees_the_identity_check() {
    let birth = motcua_domain::catalog::seed_procedures().into_iter().find(|p| p.code.as_str() == "1.001193").unwrap();
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let officer = app.token("28777", Role::IntakeOfficer).await;
        let page = get_page(&app, "/can-bo/tiep-nhan?thu_tuc=1.001193", &officer).await.text().await.unwrap();
        assert!(page.contains("name=\"ngay_sinh\"") && page.contains("type=\"date\""), "{backend:?}");
        let mut fields = vec![
            ("csrf", CSRF),
            ("thu_tuc", "1.001193"),
            ("ho_ten", "Nguyễn Văn Cường"),
            ("so_dinh_danh", "086190012345"),
            ("ngay_sinh", "2999-01-01"),
            ("so_ban", "1"),
        ];
        for c in birth.components.iter().filter(|c| c.required) {
            fields.push(("giay_to", c.code.as_str()));
        }
        let (status, page) = intake(&app, &officer, &fields).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("href=\"#ngay-sinh\"") && page.contains("Ngày sinh"), "{page}");
        assert!(app.db.claim(POPULATION, app.clock.now(), chrono::Duration::seconds(5), 10).await.unwrap().is_empty());

        fields[4] = ("ngay_sinh", "1990-05-01");
        let (status, page) = intake(&app, &officer, &fields).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}: {page}");
        let code = page.split("id=\"ma-ho-so\">").nth(1).unwrap().split('<').next().unwrap().to_string();
        let (_, view) = app.get(&format!("/api/v1/dossiers/{code}"), Some(&officer)).await;
        assert_eq!(view["applicant"]["birth_date"], "1990-05-01", "{view}");
        let queued = app.db.claim(POPULATION, app.clock.now(), chrono::Duration::seconds(5), 10).await.unwrap();
        assert_eq!(queued.iter().map(|m| m.dossier.as_str()).collect::<Vec<_>>(), [code.as_str()]);
        let path = format!("/can-bo/ho-so/{code}");
        let html = get_page(&app, &path, &officer).await.text().await.unwrap();
        assert!(html.contains("Đang chờ kiểm tra với CSDL quốc gia về dân cư") && html.contains("01/05/1990"));

        let kind = EventKind::IdentityChecked { matched: false, detail: "birth_date".into() };
        let dossier = DossierCode::parse(&code).unwrap();
        let d = app.db.execute(&dossier, &Actor::System, app.clock.now(), |_| Ok::<_, std::convert::Infallible>(kind));
        assert!(!d.await.unwrap().identity_verified);
        let html = get_page(&app, &path, &officer).await.text().await.unwrap();
        assert!(html.contains("Không khớp: ngày sinh") && !html.contains("Đang chờ kiểm tra"), "{backend:?}");
        let html = get_page(&app, &format!("{path}?lang=en"), &officer).await.text().await.unwrap();
        assert!(html.contains("Population database: mismatch — birth date"), "the timeline: {html}");
        app.stop().await;
    }
}

#[tokio::test]
async fn the_online_form_asks_an_optional_birth_date_and_explains_a_bad_one() {
    use crate::files::{Part, csrf, hidden_values, post_step};
    let app = TestApp::spawn(BACKENDS[0]).await;
    let token = csrf(&app).await;
    let step = |birth: &'static str| {
        let mut parts: Vec<Part> = [
            ("tinh", "86"),
            ("don_vi", "28777"),
            ("ho_ten", "Trần Thị Bình"),
            ("so_dinh_danh", "086190012345"),
            ("ngay_sinh", birth),
        ]
        .iter()
        .map(|(k, v)| Part::text(k, v))
        .collect();
        parts.push(Part::text("buoc", "nguoi-nop"));
        parts
    };
    let (status, html, _) = post_step(&app, &token, step("31/12/1990")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(
        html.contains("href=\"#ngay-sinh\"") && html.contains("Ngày sinh &#34;31/12/1990&#34; không hợp lệ"),
        "{html}"
    );
    let (status, html, _) = post_step(&app, &token, step("1990-12-31")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(hidden_values(&html, "ngay_sinh"), ["1990-12-31"], "carried to the next steps");
    app.stop().await;
}
