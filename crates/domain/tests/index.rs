//! The 766 index: configuration, periods, every formula, the progress counting rules, missing
//! inputs, non-applicable items, ranking, and province = sum of its communes.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use motcua_domain::catalog::ProcedureCode;
use motcua_domain::dossier::{Channel, DossierCode, Status};
use motcua_domain::index::compute::points;
use motcua_domain::index::progress::classify;
use motcua_domain::index::*;
use motcua_domain::unit::UnitCode;

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    // Local (UTC+7) hour h.
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap() - chrono::Duration::hours(7)
}

fn unit(c: &str) -> UnitCode {
    UnitCode::parse(c).unwrap()
}

fn proc(code: &str, fee: bool, paper: bool) -> ProcedureFacts {
    ProcedureFacts {
        code: ProcedureCode::parse(code).unwrap(),
        field: "Hộ tịch".into(),
        has_fee: fee,
        paper_result: paper,
        fully_online: true,
    }
}

/// A dossier received at `u` on 3 Nov 2025 09:00, due 5 Nov 17:00, settled at `ended`.
fn dossier(u: &str, seq: u32, ended: Option<DateTime<Utc>>) -> DossierFacts {
    DossierFacts {
        code: DossierCode::parse(&format!("000.00.12.H62-251103-{seq:04}")).unwrap(),
        procedure: ProcedureCode::parse("1.001612").unwrap(),
        field: "Hộ tịch".into(),
        receiving_unit: unit(u),
        handling_unit: unit(u),
        channel: Channel::Online,
        status: if ended.is_some() { Status::Returned } else { Status::Processing },
        submitted_at: at(2025, 11, 3, 8),
        received_at: Some(at(2025, 11, 3, 9)),
        due_at: Some(at(2025, 11, 5, 17)),
        ended_at: ended,
        paused_since: None,
        supplement_requests: 0,
        digitized: true,
        reused: false,
        from_citizen_store: false,
        electronic_result: true,
        paper_result: true,
        has_fee: true,
        fee_total: 100_000,
        online_payment: 2,
        identity_verified: true,
        fully_online_procedure: true,
        rating: None,
        complaint: false,
    }
}

fn cfg() -> IndexConfig {
    IndexConfigs::embedded().for_date(NaiveDate::from_ymd_opt(2025, 11, 1).unwrap()).clone()
}

fn nov() -> Period {
    Period::parse("2025-11").unwrap()
}

fn now() -> DateTime<Utc> {
    at(2025, 12, 15, 10)
}

fn state(r: &IndexReport, c: IndicatorCode) -> &IndicatorState {
    &r.indicator(c).unwrap().state
}

#[test]
fn the_embedded_configuration_is_valid_and_sums_to_100_in_six_groups() {
    let all = IndexConfigs::embedded();
    for v in &all.versions {
        assert_eq!(v.groups.iter().map(|g| g.max).sum::<f64>(), 100.0);
        assert_eq!(
            v.groups.iter().map(|g| g.code.as_str()).collect::<Vec<_>>(),
            ["CKMB", "TDGQ", "CLGQ", "MDSH", "TTTT", "MDHL"]
        );
    }
    assert_eq!(cfg().version, 1);
    assert_eq!(cfg().early_rule, EarlyRule::BeforeDueDay);
}

#[test]
fn a_configuration_whose_maxima_do_not_sum_to_100_is_refused() {
    let json = include_str!("../../../data/index/766.json").replace("\"max\": 20,", "\"max\": 21,");
    let e = IndexConfigs::parse(&json).unwrap_err();
    assert!(e.to_string().contains("100") || e.to_string().contains("TDGQ"), "{e}");
    let json = include_str!("../../../data/index/766.json").replace("\"full_at\": 0.9", "\"full_at\": 1.5");
    assert!(IndexConfigs::parse(&json).is_err());
}

#[test]
fn periods_parse_as_month_quarter_year_and_custom_and_know_their_predecessor() {
    let m = nov();
    assert_eq!(
        (m.from, m.to),
        (NaiveDate::from_ymd_opt(2025, 11, 1).unwrap(), NaiveDate::from_ymd_opt(2025, 11, 30).unwrap())
    );
    assert_eq!(m.previous().label(), "2025-10");
    assert_eq!(Period::parse("2025-Q4").unwrap().previous().label(), "2025-Q3");
    assert_eq!(Period::parse("2025").unwrap().to, NaiveDate::from_ymd_opt(2025, 12, 31).unwrap());
    assert_eq!(Period::parse("2025-01").unwrap().previous().label(), "2024-12");
    let c =
        Period::custom(NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(), NaiveDate::from_ymd_opt(2025, 11, 12).unwrap())
            .unwrap();
    assert_eq!(c.previous().to, NaiveDate::from_ymd_opt(2025, 6, 30).unwrap());
    // The period starts at local midnight: 17:00 UTC the day before.
    assert_eq!(m.start(), Utc.with_ymd_and_hms(2025, 10, 31, 17, 0, 0).unwrap());
    for bad in ["2025-13", "2025-Q5", "25-11", "november", "2025-11-01"] {
        assert!(Period::parse(bad).is_err(), "{bad}");
    }
    assert!(Period::custom(c.to, c.from).is_err());
}

#[test]
fn early_means_an_earlier_local_day_by_default_and_an_earlier_instant_when_configured() {
    let due = at(2025, 11, 5, 17);
    assert_eq!(classify(EarlyRule::BeforeDueDay, due, at(2025, 11, 4, 16)), motcua_domain::calendar::Timeliness::Early);
    assert_eq!(classify(EarlyRule::BeforeDueDay, due, at(2025, 11, 5, 9)), motcua_domain::calendar::Timeliness::OnTime);
    assert_eq!(
        classify(EarlyRule::BeforeDueInstant, due, at(2025, 11, 5, 9)),
        motcua_domain::calendar::Timeliness::Early
    );
    assert_eq!(classify(EarlyRule::BeforeDueDay, due, at(2025, 11, 6, 8)), motcua_domain::calendar::Timeliness::Late);
}

#[test]
fn progress_counts_early_on_time_late_in_progress_paused_and_a_second_supplement_request() {
    let mut ds = vec![
        dossier("28777", 1, Some(at(2025, 11, 4, 10))), // early
        dossier("28777", 2, Some(at(2025, 11, 5, 10))), // on time
        dossier("28777", 3, Some(at(2025, 11, 6, 10))), // late
        dossier("28777", 4, None),                      // in progress, overdue at the period end
    ];
    let mut within = dossier("28777", 5, None);
    within.paused_since = Some(at(2025, 11, 4, 10)); // waiting for the citizen since before the due day
    ds.push(within);
    let mut twice = dossier("28777", 6, Some(at(2025, 11, 4, 10)));
    twice.supplement_requests = 2;
    ds.push(twice);
    let inputs = IndexInputs { dossiers: ds, procedures: vec![], petitions: vec![] };
    let r = compute(&cfg(), &unit("28777"), Level::Commune, &inputs, &nov(), now());
    let p = &r.progress;
    assert_eq!((p.received, p.settled_early, p.settled_on_time, p.settled_late), (6, 1, 1, 2));
    assert_eq!((p.in_progress_within, p.in_progress_overdue, p.paused), (1, 1, 1));
    let IndicatorState::Scored { numerator, denominator, points, lost, .. } = state(&r, IndicatorCode::OnTime) else {
        panic!()
    };
    assert_eq!((*numerator, *denominator), (3, 6));
    assert!((points - 10.0).abs() < 1e-9);
    let lost: Vec<String> = lost.iter().map(|c| c.to_string()).collect();
    assert_eq!(lost, ["000.00.12.H62-251103-0003", "000.00.12.H62-251103-0004", "000.00.12.H62-251103-0006"]);
}

#[test]
fn an_in_progress_dossier_counts_within_time_while_a_running_period_has_not_reached_its_due() {
    let inputs = IndexInputs { dossiers: vec![dossier("28777", 1, None)], procedures: vec![], petitions: vec![] };
    let r = compute(&cfg(), &unit("28777"), Level::Commune, &inputs, &nov(), at(2025, 11, 4, 12));
    assert_eq!(r.progress.in_progress_within, 1);
    assert!((r.indicator(IndicatorCode::OnTime).unwrap().points().unwrap() - 20.0).abs() < 1e-9);
}

#[test]
fn formulas_linear_threshold_and_empty_scope() {
    let lin = Formula::Linear { full_when_empty: false };
    assert_eq!(points(&lin, 20.0, 3, 4), (Some(0.75), 15.0));
    assert_eq!(points(&lin, 6.0, 0, 0), (None, 0.0));
    assert_eq!(points(&Formula::Linear { full_when_empty: true }, 6.0, 0, 0), (None, 6.0));
    let th = Formula::Threshold { full_at: 0.8 };
    assert_eq!(points(&th, 2.0, 4, 10).1, 1.0);
    assert_eq!(points(&th, 2.0, 9, 10).1, 2.0);
    let sat = Formula::Threshold { full_at: 0.9 };
    assert!((points(&sat, 6.0, 45, 100).1 - 3.0).abs() < 1e-9);
}

#[test]
fn digitisation_indicators_count_their_flags_and_name_the_dossiers_that_lost_points() {
    let mut a = dossier("28777", 1, Some(at(2025, 11, 4, 10)));
    a.reused = true;
    a.from_citizen_store = true;
    let mut b = dossier("28777", 2, Some(at(2025, 11, 4, 10)));
    b.electronic_result = false;
    b.identity_verified = false;
    let inputs = IndexInputs { dossiers: vec![a, b], procedures: vec![], petitions: vec![] };
    let r = compute(&cfg(), &unit("28777"), Level::Province, &inputs, &nov(), now());
    let check = |c, num, den, pts: f64| {
        let IndicatorState::Scored { numerator, denominator, points, .. } = state(&r, c) else { panic!("{c:?}") };
        assert_eq!((*numerator, *denominator), (num, den), "{c:?}");
        assert!((points - pts).abs() < 1e-9, "{c:?}: {points} vs {pts}");
    };
    check(IndicatorCode::OriginalResultAvailable, 1, 2, 3.0);
    check(IndicatorCode::SoHoaGiayToGiaiQuyet, 1, 2, 2.5); // 4 × 0.5 ÷ 0.8
    check(IndicatorCode::ReusedDigitizedData, 1, 2, 1.25); // 2 × 0.5 ÷ 0.8
    check(IndicatorCode::SyncedWithDvcqgPersonalStorage, 1, 2, 2.0);
    check(IndicatorCode::CitizenDataConnectedDossier, 1, 2, 1.0);
    check(IndicatorCode::OnlineFullProcess, 1, 2, 6.0);
    let IndicatorState::Scored { lost, .. } = state(&r, IndicatorCode::OriginalResultAvailable) else { panic!() };
    assert_eq!(lost[0].to_string(), "000.00.12.H62-251103-0002");
}

#[test]
fn payment_is_six_a_plus_capped_b_plus_c() {
    let mut unpaid = dossier("28777", 2, Some(at(2025, 11, 4, 10)));
    unpaid.online_payment = 0;
    let inputs = IndexInputs {
        dossiers: vec![dossier("28777", 1, Some(at(2025, 11, 4, 10))), unpaid],
        procedures: vec![proc("1.001612", true, true), proc("2.001035", true, true), proc("1.001193", false, true)],
        petitions: vec![],
    };
    let r = compute(&cfg(), &unit("28777"), Level::Commune, &inputs, &nov(), now());
    let IndicatorState::Scored { numerator, denominator, points, parts, lost, .. } =
        state(&r, IndicatorCode::OnlinePayment)
    else {
        panic!()
    };
    assert_eq!((*numerator, *denominator), (1, 2));
    // A = 1/2 → 3; B = 1/2 → min(2, 1.25) = 1.25; C = 1/2 → 1.25.
    assert!((points - 5.5).abs() < 1e-9, "{points}");
    assert_eq!(parts.len(), 3);
    assert_eq!(lost.len(), 1);
    // Everything paid online, every fee-bearing procedure used: capped at 10.
    let full = IndexInputs {
        dossiers: vec![dossier("28777", 1, None)],
        procedures: vec![proc("1.001612", true, true)],
        petitions: vec![],
    };
    let r = compute(&cfg(), &unit("28777"), Level::Commune, &full, &nov(), now());
    assert_eq!(r.indicator(IndicatorCode::OnlinePayment).unwrap().points(), Some(10.0));
}

#[test]
fn indicators_without_inputs_are_missing_with_an_explanation_not_a_number() {
    let r = compute(&cfg(), &unit("28777"), Level::Commune, &IndexInputs::default(), &nov(), now());
    for c in [IndicatorCode::PublishOnTime, IndicatorCode::DossierSync, IndicatorCode::ElectronicCertifiedCopy] {
        let IndicatorState::Missing { inputs, explanation_vi, explanation_en } = state(&r, c) else { panic!("{c:?}") };
        assert!(!inputs.is_empty() && explanation_vi.contains("chưa có"));
        assert!(explanation_en.contains("does not hold"), "{explanation_en}");
        assert!(!r.indicator(c).unwrap().name_en.is_empty());
        assert_eq!(r.indicator(c).unwrap().points(), None);
    }
    assert!((r.missing_max - (6.0 + 4.0 + 2.0 + 6.0 + 2.0)).abs() < 1e-9);
    // No dossier received: satisfaction scores 0 (DOMAIN.md §1.4), not full.
    assert_eq!(r.indicator(IndicatorCode::DossierReceivingSatisfaction).unwrap().points(), Some(0.0));
    // No PAKN at all: both PAKN items score full (DOMAIN.md §1.4).
    for c in [IndicatorCode::PetitionProcessingOnTime, IndicatorCode::PetitionHandlingSatisfaction] {
        assert_eq!(r.indicator(c).unwrap().points(), Some(6.0));
    }
    assert!((r.scored_max + r.missing_max - 100.0).abs() < 1e-9);
}

#[test]
fn items_6_16_and_17_do_not_apply_to_communes_and_score_by_the_configured_rule() {
    let inputs = IndexInputs { dossiers: vec![dossier("28777", 1, None)], procedures: vec![], petitions: vec![] };
    let mut c = cfg();
    let r = compute(&c, &unit("28777"), Level::Commune, &inputs, &nov(), now());
    for code in [
        IndicatorCode::OnlineFullProcess,
        IndicatorCode::CitizenDataConnectedDossier,
        IndicatorCode::CitizenDataConnectedFormality,
    ] {
        let i = r.indicator(code).unwrap();
        assert!(matches!(i.state, IndicatorState::NotApplicable { .. }));
        assert_eq!(i.points(), Some(i.max_points));
    }
    c.not_applicable = NotApplicableScoring::Excluded;
    let r2 = compute(&c, &unit("28777"), Level::Commune, &inputs, &nov(), now());
    assert!((r.scored_max - r2.scored_max - 16.0).abs() < 1e-9);
}

#[test]
fn ranking_shares_ranks_on_ties_and_reports_movement() {
    let cur = [(unit("28777"), 90.0), (unit("28756"), 95.0), (unit("28783"), 90.0), (unit("29242"), 80.0)];
    let prev = [(unit("28777"), 99.0), (unit("28756"), 50.0), (unit("28783"), 70.0)];
    let rows = rank(&cur, &prev);
    let got: Vec<(&str, u32, Option<i64>)> = rows.iter().map(|r| (r.unit.as_str(), r.rank, r.movement)).collect();
    assert_eq!(got, [("28756", 1, Some(2)), ("28777", 2, Some(-1)), ("28783", 2, Some(0)), ("29242", 4, None)]);
}

#[test]
fn the_province_figures_are_the_sum_of_its_communes() {
    let mut ds = Vec::new();
    for (i, u) in ["28777", "28756", "28783"].iter().enumerate() {
        for k in 0..5u32 {
            let end = match k % 3 {
                0 => Some(at(2025, 11, 4, 10)),
                1 => Some(at(2025, 11, 6, 10)),
                _ => None,
            };
            let mut d = dossier(u, i as u32 * 10 + k + 1, end);
            d.reused = k % 2 == 0;
            ds.push(d);
        }
    }
    let inputs = IndexInputs { dossiers: ds, procedures: vec![], petitions: vec![] };
    let communes = [unit("28777"), unit("28756"), unit("28783")];
    let (whole, each) = compute_province(&cfg(), &unit("86"), &communes, &inputs, &nov(), now());
    let mut sum = ProgressCounts::default();
    for r in &each {
        sum.add(&r.progress);
        let alone = compute(&cfg(), &r.unit, Level::Commune, &inputs, &nov(), now());
        assert_eq!(&alone, r);
    }
    assert_eq!(whole.progress, sum);
    for code in [IndicatorCode::OnTime, IndicatorCode::ReusedDigitizedData, IndicatorCode::OriginalResultAvailable] {
        let nd = |r: &IndexReport| match state(r, code) {
            IndicatorState::Scored { numerator, denominator, lost, .. } => (*numerator, *denominator, lost.len()),
            _ => panic!(),
        };
        let total = each.iter().map(nd).fold((0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
        assert_eq!(nd(&whole), total, "{code:?}");
    }
}

#[test]
fn receiving_satisfaction_loses_late_dissatisfied_and_complained_dossiers_once_each() {
    let on_time = Some(at(2025, 11, 4, 10));
    let rated = |seq, ended, score: Option<u8>, complaint| DossierFacts {
        rating: score,
        complaint,
        ..dossier("28777", seq, ended)
    };
    let ds = vec![
        rated(1, on_time, None, false),                      // not rated: satisfied
        rated(2, on_time, Some(4), false),                   // satisfied
        rated(3, Some(at(2025, 11, 7, 10)), Some(5), false), // late
        rated(4, on_time, Some(2), false),                   // dissatisfied (≤ 2 by default)
        rated(5, on_time, Some(5), true),                    // complaint
        rated(6, Some(at(2025, 11, 7, 10)), Some(1), true),  // late, dissatisfied and complaint: one loss
        rated(7, None, None, false),                         // open past its due at `now`: late
        rated(8, on_time, Some(3), false),                   // satisfied
    ];
    let inputs = IndexInputs { dossiers: ds, procedures: vec![], petitions: vec![] };
    let r = compute(&cfg(), &unit("28777"), Level::Commune, &inputs, &nov(), now());
    let IndicatorState::Scored { numerator, denominator, points, lost, .. } =
        state(&r, IndicatorCode::DossierReceivingSatisfaction)
    else {
        panic!()
    };
    assert_eq!((*numerator, *denominator), (3, 8));
    assert!((points - 6.0 * (3.0 / 8.0) / 0.9).abs() < 1e-9, "{points}");
    let lost: Vec<u32> = lost.iter().map(|c| c.to_string()[22..].parse().unwrap()).collect();
    assert_eq!(lost, [3, 4, 5, 6, 7]);
    // The threshold is data: with "dissatisfied" at ≤ 3, dossier 8 is lost too.
    let mut strict = cfg();
    strict.dissatisfied_at_most = 3;
    let r = compute(&strict, &unit("28777"), Level::Commune, &inputs, &nov(), now());
    assert_eq!(r.indicator(IndicatorCode::DossierReceivingSatisfaction).unwrap().points(), Some(6.0 * 0.25 / 0.9));
}
