//! The staff bar: each role sees the back-office pages it may open, and every link it sees opens.

use motcua_domain::staff::Role;
use reqwest::StatusCode;

use crate::harness::{BACKENDS, TestApp};
use crate::slips::get_page;

fn links(html: &str) -> Vec<String> {
    let nav = html.split("class=\"staff-nav\"").nth(1).and_then(|s| s.split("</ul>").next()).unwrap_or("");
    nav.split("href=\"").skip(1).map(|s| s.split('"').next().unwrap().to_string()).collect()
}

#[tokio::test]
async fn each_role_sees_the_pages_it_may_open_and_every_one_opens() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let cases = [
            (
                "28777",
                Role::IntakeOfficer,
                &["/can-bo/tiep-nhan", "/can-bo/doi-soat"][..],
                &["/can-bo/quan-tri/can-bo"][..],
            ),
            ("28777", Role::Specialist, &["/can-bo", "/can-bo/chi-so"], &["/can-bo/tiep-nhan", "/can-bo/dong-bo"]),
            ("28777", Role::CenterDirector, &["/can-bo/dong-bo", "/can-bo/tong-quan"], &["/can-bo/xep-hang"]),
            ("86", Role::ProvinceMonitor, &["/can-bo/xep-hang", "/can-bo/dong-bo"], &["/can-bo/tiep-nhan"]),
            ("86", Role::Administrator, &["/can-bo/quan-tri/can-bo", "/can-bo/dong-bo"], &["/can-bo/tiep-nhan"]),
        ];
        for (unit, role, has, lacks) in cases {
            let token = app.token(unit, role).await;
            let seen = links(&get_page(&app, "/can-bo/chi-so", &token).await.text().await.unwrap());
            let seen = if seen.is_empty() {
                links(&get_page(&app, "/can-bo/quan-tri/can-bo", &token).await.text().await.unwrap())
            } else {
                seen
            };
            for h in has {
                assert!(seen.iter().any(|s| s == h), "{role:?} should see {h}: {seen:?}");
            }
            for h in lacks {
                assert!(!seen.iter().any(|s| s == h), "{role:?} should not see {h}: {seen:?}");
            }
            for href in &seen {
                let status = get_page(&app, href, &token).await.status();
                assert_eq!(status, StatusCode::OK, "{role:?} {href}");
            }
        }
        app.stop().await;
    }
}

/// Every key page, with its stylesheet, stays under 100 KB transferred (a cheap phone on a slow
/// link): the citizen's pages and every staff page a role's bar links, with real data in them.
#[tokio::test]
async fn every_key_page_with_its_stylesheet_stays_under_100_kb() {
    const LIMIT: usize = 100 * 1024;
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let intake = app.token("28777", Role::IntakeOfficer).await;
        let mut code = String::new();
        for _ in 0..30 {
            let (c, _) = app.submit_birth().await;
            app.act(&c, "receive", &intake, serde_json::json!({})).await;
            code = c;
        }
        let css = reqwest::get(format!("{}/static/motcua.css", app.base)).await.unwrap().bytes().await.unwrap().len();
        let mut pages: Vec<(String, Option<String>)> = ["/", "/thu-tuc/1.001193", "/nop-ho-so/1.001193", "/tra-cuu"]
            .iter()
            .map(|p| (p.to_string(), None))
            .collect();
        pages.push((format!("/can-bo/ho-so/{code}"), Some(intake.clone())));
        for (unit, role) in [("28777", Role::CenterDirector), ("86", Role::ProvinceMonitor)] {
            let token = app.token(unit, role).await;
            let html = get_page(&app, "/can-bo/chi-so", &token).await.text().await.unwrap();
            pages.extend(links(&html).into_iter().map(|l| (l, Some(token.clone()))));
        }
        for (path, token) in &pages {
            let r = match token {
                Some(t) => get_page(&app, path, t).await,
                None => reqwest::get(format!("{}{path}", app.base)).await.unwrap(),
            };
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            let size = r.bytes().await.unwrap().len() + css;
            assert!(size < LIMIT, "{path}: {size} bytes with the stylesheet");
        }
        app.stop().await;
    }
}
