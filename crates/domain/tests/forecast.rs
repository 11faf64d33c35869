//! The forecast: the projected end-of-period score at the unit's current pace, and the dossiers
//! at risk with the points each would cost.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use motcua_domain::calendar::{CalendarData, WorkCalendar};
use motcua_domain::catalog::ProcedureCode;
use motcua_domain::dossier::{Channel, DossierCode, Status};
use motcua_domain::index::{DossierFacts, IndexConfigs, IndexInputs, Level, Period, forecast};
use motcua_domain::unit::UnitCode;

fn vn(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(7 * 3600)
        .unwrap()
        .with_ymd_and_hms(2025, m, d, h, min, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn dossier(seq: u32, received: DateTime<Utc>, due: DateTime<Utc>, ended: Option<DateTime<Utc>>) -> DossierFacts {
    DossierFacts {
        code: DossierCode::parse(&format!("000.00.12.H62-251103-{seq:04}")).unwrap(),
        procedure: ProcedureCode::parse("1.001612").unwrap(),
        field: "Hộ tịch".into(),
        receiving_unit: UnitCode::parse("28777").unwrap(),
        handling_unit: UnitCode::parse("28777").unwrap(),
        channel: Channel::Online,
        status: if ended.is_some() { Status::Returned } else { Status::Processing },
        submitted_at: received,
        received_at: Some(received),
        due_at: Some(due),
        ended_at: ended,
        paused_since: None,
        supplement_requests: 0,
        digitized: true,
        reused: false,
        from_citizen_store: false,
        electronic_result: true,
        paper_result: true,
        has_fee: false,
        fee_total: 0,
        online_payment: 0,
        identity_verified: true,
        fully_online_procedure: true,
        rating: None,
        complaint: false,
    }
}

#[test]
fn the_projection_follows_the_pace_and_the_at_risk_list_names_what_is_due_soon() {
    let (r, due) = (vn(11, 3, 9, 0), vn(11, 5, 17, 0));
    let allowed = due - r;
    let inputs = IndexInputs {
        dossiers: vec![
            // Settled using half and two and a half times their allowed time: pace 1.5.
            dossier(1, r, due, Some(r + allowed / 2)),
            dossier(2, r, due, Some(r + allowed * 5 / 2)),
            // In progress: due in three days, and due in one working hour.
            dossier(3, vn(11, 10, 8, 0), vn(11, 12, 16, 0), None),
            dossier(4, r, vn(11, 10, 11, 0), None),
        ],
        ..Default::default()
    };
    let cfgs = IndexConfigs::embedded();
    let cfg = cfgs.for_date(NaiveDate::from_ymd_opt(2025, 11, 1).unwrap());
    let data = CalendarData::vietnam();
    let cal = WorkCalendar::new(&data, data.latest_version(), Default::default());
    let unit = UnitCode::parse("28777").unwrap();
    let nov = Period::parse("2025-11").unwrap();
    let now = vn(11, 10, 10, 0);
    let f = forecast(cfg, &unit, Level::Commune, &inputs, &nov, now, &cal, cfg.at_risk_hours);
    assert!((f.pace - 1.5).abs() < 1e-9, "{}", f.pace);
    assert_eq!(f.in_progress, 2);
    // Progress is 3 of 4 now (20 × 3/4 = 15 points) and 1 of 4 once both run late at this pace.
    assert!((f.current_total - f.projected_total - 10.0).abs() < 1e-9, "{} → {}", f.current_total, f.projected_total);
    let late: Vec<String> = f.projected_late.iter().map(ToString::to_string).collect();
    assert_eq!(late, ["000.00.12.H62-251103-0003", "000.00.12.H62-251103-0004"]);
    // Only the one due within 8 working hours is at risk, costing 20 ÷ 4 points.
    assert_eq!(f.at_risk.len(), 1);
    assert_eq!(f.at_risk[0].code.to_string(), "000.00.12.H62-251103-0004");
    assert!((f.at_risk[0].hours_left - 1.0).abs() < 1e-9 && (f.at_risk[0].points - 5.0).abs() < 1e-9);
    // A wider horizon takes in the other (20 working hours left).
    let wide = forecast(cfg, &unit, Level::Commune, &inputs, &nov, now, &cal, 24);
    assert_eq!(wide.at_risk.len(), 2);
    assert!((wide.at_risk[1].hours_left - 20.0).abs() < 1e-9);
    // With nothing settled yet the pace is 1: everything in progress finishes on time.
    let fresh = IndexInputs { dossiers: inputs.dossiers[2..].to_vec(), ..Default::default() };
    let f = forecast(cfg, &unit, Level::Commune, &fresh, &nov, now + Duration::minutes(1), &cal, 8);
    assert_eq!((f.pace, f.projected_late.len()), (1.0, 0));
    assert!((f.projected_total - f.current_total).abs() < 1e-9);
}

#[test]
fn statistics_count_each_group_and_the_total_with_average_times() {
    use motcua_domain::index::{Dimension, statistics};
    let (r, due) = (vn(11, 3, 9, 0), vn(11, 5, 17, 0));
    let allowed = due - r;
    let mut counter = dossier(3, r, due, Some(r + allowed / 2));
    counter.channel = Channel::Counter;
    let mut refused = dossier(5, r, due, None);
    refused.status = Status::Refused;
    // Received in October and still open in November: carried over.
    let carried = dossier(4, vn(10, 30, 9, 0), vn(11, 3, 9, 0), None);
    let inputs = IndexInputs {
        dossiers: vec![
            dossier(1, r, due, Some(r + allowed / 2)),
            dossier(2, r, due, Some(r + allowed * 5 / 2)),
            counter,
            carried,
            refused,
        ],
        ..Default::default()
    };
    let cfgs = IndexConfigs::embedded();
    let cfg = cfgs.for_date(NaiveDate::from_ymd_opt(2025, 11, 1).unwrap());
    let nov = Period::parse("2025-11").unwrap();
    let rows = statistics(cfg, &inputs, &nov, vn(11, 20, 9, 0), Dimension::Channel);
    let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["counter", "online", ""]);
    let total = rows.last().unwrap();
    let c = &total.counts;
    assert_eq!((c.received, c.carried_over, c.refused), (4, 1, 1));
    assert_eq!((c.settled_early, c.settled_late, c.in_progress_overdue), (2, 1, 1));
    assert_eq!(total.settled, 3);
    let days = allowed.num_minutes() as f64 / 1440.0;
    assert!((total.avg_days.unwrap() - days * (0.5 + 2.5 + 0.5) / 3.0).abs() < 1e-6);
    assert!((total.avg_allowed_days.unwrap() - days).abs() < 1e-6);
    let online = &rows[1];
    assert_eq!((online.counts.received, online.settled), (3, 2));
}
