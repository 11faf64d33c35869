//! The 766 index over HTTP: figures follow the dossiers' events, drill-down names the dossiers
//! that lost points, ranking is for province roles, and scoping holds.

use chrono::Duration;
use motcua_domain::staff::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{BACKENDS, TestApp, components};

fn indicator<'a>(index: &'a Value, code: &str) -> &'a Value {
    index["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["indicators"].as_array().unwrap())
        .find(|i| i["code"] == code)
        .unwrap_or_else(|| panic!("{code} missing from {index}"))
}

async fn submit(app: &TestApp, unit: &str) -> String {
    let (status, body) = app
        .post(
            "/api/v1/dossiers",
            None,
            json!({"procedure": "1.004873", "unit": unit,
                   "applicant": {"name": "Lê Thị Hoa", "id_number": "086195000321"},
                   "components": components("1.004873")}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["dossier"]["code"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn progress_points_follow_the_dossiers_and_the_drill_down_names_the_late_one() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        // Monday 23/11/2026 09:00: two 3-working-day dossiers at An Hội, one elsewhere.
        let early = submit(&app, "28777").await;
        let late = submit(&app, "28777").await;
        let other = submit(&app, "28756").await;
        let intake = app.token("28777", Role::IntakeOfficer).await;
        let specialist = app.token("28777", Role::Specialist).await;
        let leader = app.token("28777", Role::Leader).await;
        for code in [&early, &late] {
            app.act(code, "receive", &intake, json!({})).await;
            app.act(code, "start_processing", &specialist, json!({})).await;
        }
        let (other_specialist, other_leader) =
            (app.token("28756", Role::Specialist).await, app.token("28756", Role::Leader).await);
        app.act(&other, "receive", &app.token("28756", Role::IntakeOfficer).await, json!({})).await;
        app.act(&other, "start_processing", &other_specialist, json!({})).await;
        // The first (and the other commune's) are decided the same afternoon, days before their due day: early.
        app.clock.advance(Duration::hours(5));
        app.act(&early, "forward_for_approval", &specialist, json!({"summary": "Đủ điều kiện"})).await;
        app.act(&early, "decide", &leader, json!({})).await;
        app.act(&other, "forward_for_approval", &other_specialist, json!({"summary": "Đủ điều kiện"})).await;
        app.act(&other, "decide", &other_leader, json!({})).await;
        // A week later the second is still open, past its due (Friday 27/11 09:00): late.
        app.clock.advance(Duration::days(7));
        let intake = app.token("28777", Role::IntakeOfficer).await;

        let (status, index) = app.get("/api/v1/index/units/28777?period=2026-11", Some(&intake)).await;
        assert_eq!(status, StatusCode::OK, "{index}");
        assert_eq!(index["progress"]["received"], 2, "{}", index["progress"]);
        assert_eq!(index["progress"]["settled_early"], 1);
        assert_eq!(index["progress"]["in_progress_overdue"], 1);
        let on_time = indicator(&index, "ON_TIME");
        assert_eq!((on_time["numerator"].as_u64(), on_time["denominator"].as_u64()), (Some(1), Some(2)));
        assert_eq!(on_time["points"], 10.0, "20 points × 1/2");
        assert_eq!(indicator(&index, "DOSSIER_SYNC")["state"], "missing", "no sync acknowledgements yet");

        let (status, detail) =
            app.get("/api/v1/index/units/28777/indicators/on_time?period=2026-11", Some(&intake)).await;
        assert_eq!(status, StatusCode::OK, "{detail}");
        let lost: Vec<&str> = detail["lost"].as_array().unwrap().iter().map(|l| l["code"].as_str().unwrap()).collect();
        assert_eq!(lost, vec![late.as_str()]);

        // Scoping: another commune's staff and commune staff asking for the ranking are refused.
        let other_intake = app.token("28756", Role::IntakeOfficer).await;
        let (status, _) = app.get("/api/v1/index/units/28777?period=2026-11", Some(&other_intake)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app.get("/api/v1/index/provinces/86/ranking?period=2026-11", Some(&intake)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app.get("/api/v1/index/units/28777", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, e) = app.get("/api/v1/index/units/28777/indicators/NOPE", Some(&intake)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");

        let monitor = app.token("86", Role::ProvinceMonitor).await;
        let (status, ranking) = app.get("/api/v1/index/provinces/86/ranking?period=2026-11", Some(&monitor)).await;
        assert_eq!(status, StatusCode::OK, "{ranking}");
        let rows = ranking["rows"].as_array().unwrap();
        let rank_of = |unit: &str| rows.iter().find(|r| r["unit"] == unit).map(|r| r["rank"].as_u64().unwrap());
        let (an_hoi, phu_khuong) = (rank_of("28777").unwrap(), rank_of("28756").unwrap());
        assert!(phu_khuong < an_hoi, "the commune without a late dossier ranks higher: {}", ranking["rows"][0]);
        for pair in rows.windows(2) {
            assert!(pair[0]["total"].as_f64() >= pair[1]["total"].as_f64(), "descending totals");
            if pair[0]["total"] == pair[1]["total"] {
                assert_eq!(pair[0]["rank"], pair[1]["rank"], "ties share a rank");
            }
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn the_forecast_lists_the_dossier_due_within_the_horizon_with_its_points() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        // Monday 23/11/2026 09:00 (24/11 is a holiday): both fall due on Friday 27/11 09:00.
        let done = submit(&app, "28777").await;
        let open = submit(&app, "28777").await;
        let (intake, specialist, leader) = (
            app.token("28777", Role::IntakeOfficer).await,
            app.token("28777", Role::Specialist).await,
            app.token("28777", Role::Leader).await,
        );
        for code in [&done, &open] {
            app.act(code, "receive", &intake, json!({})).await;
            app.act(code, "start_processing", &specialist, json!({})).await;
        }
        app.clock.advance(Duration::hours(5));
        app.act(&done, "forward_for_approval", &specialist, json!({"summary": "Đủ điều kiện"})).await;
        app.act(&done, "decide", &leader, json!({})).await;
        // Thursday 14:00: five working hours left on the open one.
        app.clock.advance(Duration::hours(72));
        let leader = app.token("28777", Role::Leader).await;
        let (status, f) = app.get("/api/v1/index/units/28777/forecast?period=2026-11", Some(&leader)).await;
        assert_eq!(status, StatusCode::OK, "{f}");
        assert_eq!((f["hours"].as_u64(), f["in_progress"].as_u64()), (Some(8), Some(1)));
        assert_eq!(f["at_risk"].as_array().unwrap().len(), 1, "{f}");
        assert_eq!(f["at_risk"][0]["code"].as_str(), Some(open.as_str()));
        assert_eq!(
            (f["at_risk"][0]["hours_left"].as_f64(), f["at_risk"][0]["points"].as_f64()),
            (Some(5.0), Some(10.0))
        );
        // At the pace so far it finishes on time: the projection keeps today's score.
        assert_eq!(f["projected_total"], f["current_total"]);
        let (_, narrow) = app.get("/api/v1/index/units/28777/forecast?period=2026-11&hours=4", Some(&leader)).await;
        assert_eq!(narrow["at_risk"].as_array().unwrap().len(), 0);
        let (status, bad) = app.get("/api/v1/index/units/28777/forecast?hours=0", Some(&leader)).await;
        assert_eq!((status, bad["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("hours")));
        let other = app.token("28756", Role::Leader).await;
        assert_eq!(app.get("/api/v1/index/units/28777/forecast", Some(&other)).await.0, StatusCode::FORBIDDEN);
        app.stop().await;
    }
}

#[tokio::test]
async fn the_period_report_counts_by_channel_and_field_and_downloads_as_csv_and_xlsx() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let done = submit(&app, "28777").await;
        let open = submit(&app, "28777").await;
        let (intake, specialist, leader) = (
            app.token("28777", Role::IntakeOfficer).await,
            app.token("28777", Role::Specialist).await,
            app.token("28777", Role::Leader).await,
        );
        for code in [&done, &open] {
            app.act(code, "receive", &intake, json!({})).await;
            app.act(code, "start_processing", &specialist, json!({})).await;
        }
        app.act(&done, "forward_for_approval", &specialist, json!({"summary": "Đủ điều kiện"})).await;
        app.act(&done, "decide", &leader, json!({})).await;
        let (status, r) = app.get("/api/v1/index/units/28777/report?period=2026-11&by=channel", Some(&leader)).await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert_eq!(r["header"][2], "Tổng tiếp nhận");
        let rows = r["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 2, "online, then the total: {r}");
        assert_eq!((rows[0][0].as_str(), rows[0][1].as_str()), (Some("online"), Some("Trực tuyến")));
        let total = &rows[1];
        assert_eq!(
            (total[1].as_str(), total[2].as_f64(), total[5].as_f64(), total[8].as_f64()),
            (Some("Tổng cộng"), Some(2.0), Some(1.0), Some(1.0))
        );

        let url = |f: &str| format!("{}/api/v1/index/units/28777/report?period=2026-11&format={f}", app.base);
        let csv = app.client.get(url("csv")).bearer_auth(&leader).send().await.unwrap();
        assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
        let bytes = csv.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(text.starts_with("Mã,Tên,Tổng tiếp nhận,"), "{text}");
        assert!(text.contains("28777,Phường An Hội,2,0,2,1,0,0,1,0,0,0,0,"), "{text}");
        let xlsx = app.client.get(url("xlsx")).bearer_auth(&leader).send().await.unwrap();
        assert!(xlsx.headers()["content-disposition"].to_str().unwrap().contains(".xlsx"));
        assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
        // By field (lĩnh vực): one row per field of the procedures, on the page and in the exports.
        let (status, r) = app.get("/api/v1/index/units/28777/report?period=2026-11&by=field", Some(&leader)).await;
        assert_eq!(status, StatusCode::OK, "{r}");
        let rows = r["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 2, "one field, then the total: {r}");
        let field = rows[0][0].as_str().unwrap();
        assert!(!field.is_empty() && field != "?" && rows[0][1].as_str() == Some(field), "{r}");
        assert_eq!((rows[0][2].as_f64(), rows[1][2].as_f64()), (Some(2.0), Some(2.0)));
        let by_field = format!("{}&by=field", url("csv"));
        let csv = app.client.get(by_field).bearer_auth(&leader).send().await.unwrap().bytes().await.unwrap();
        assert!(String::from_utf8_lossy(&csv).contains(&format!("{field},{field},2,0,2,")));
        let (status, bad) = app.get("/api/v1/index/units/28777/report?by=colour", Some(&leader)).await;
        assert_eq!((status, bad["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("by")));
        let (status, _) = app.get("/api/v1/index/units/28777/report?format=pdf", Some(&leader)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        app.stop().await;
    }
}

#[tokio::test]
async fn the_index_pages_name_every_group_and_indicator_in_english_when_asked() {
    for backend in BACKENDS {
        let app = TestApp::spawn(backend).await;
        let leader = app.token("28777", Role::Leader).await;
        let page = |path: &'static str| {
            let (app, leader) = (&app, &leader);
            async move { crate::slips::get_page(app, path, leader).await.text().await.unwrap() }
        };
        let vi = page("/can-bo/chi-so?ky=2026-11").await;
        assert!(vi.contains("Tiến độ giải quyết") && vi.contains("Tỷ lệ hồ sơ thanh toán trực tuyến"));
        let en = page("/can-bo/chi-so?ky=2026-11&lang=en").await;
        for name in ["Processing progress", "Digitization of dossiers", "Share of dossiers paid online", "Satisfaction"]
        {
            assert!(en.contains(name), "{name}");
        }
        assert!(!en.contains("Tiến độ giải quyết") && !en.contains("Tỷ lệ hồ sơ thanh toán trực tuyến"));
        assert!(en.contains("inputs yet: the publication dates of the procedures"), "the missing inputs are explained");
        let drill = page("/can-bo/chi-so/ONLINE_PAYMENT?ky=2026-11&lang=en").await;
        assert!(drill.contains("Share of dossiers paid online") && drill.contains("fee-bearing procedures"), "{drill}");
        app.stop().await;
    }
}
