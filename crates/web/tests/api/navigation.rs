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
