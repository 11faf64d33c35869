//! The fast full recompute (compact rows, counts only, split over threads) gives exactly the
//! figures of the drill-down computation, and every list of lost dossiers agrees with the
//! dossier-level rules (`DossierFacts::late`, `settled_with_result`) on a generated, varied month.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use motcua_domain::catalog::ProcedureCode;
use motcua_domain::dossier::{Channel, DossierCode, Status};
use motcua_domain::index::*;
use motcua_domain::unit::UnitCode;

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn unit(c: &str) -> UnitCode {
    UnitCode::parse(c).unwrap()
}

fn procedures() -> Vec<ProcedureFacts> {
    ["1.001612", "1.001193", "2.000488", "1.004873", "1.000656"]
        .iter()
        .enumerate()
        .map(|(i, c)| ProcedureFacts {
            code: ProcedureCode::parse(c).unwrap(),
            field: String::new(),
            has_fee: i % 2 == 0,
            paper_result: i != 1,
            fully_online: i < 3,
        })
        .collect()
}

/// Dossiers of October–December around November 2025: carried over, refused, paused, twice
/// supplemented, late, rated, complained, with procedures in and out of the catalog.
fn generate(n: usize, communes: &[UnitCode]) -> Vec<DossierFacts> {
    let mut rng = Rng(0x766);
    let start = Utc.with_ymd_and_hms(2025, 10, 15, 0, 0, 0).unwrap();
    let codes = ["1.001612", "1.001193", "2.000488", "1.004873", "1.000656", "9.999999"];
    (0..n)
        .map(|i| {
            let u = communes[rng.below(communes.len() as u64 + 1) as usize % communes.len()].clone();
            let received = start + Duration::minutes(rng.below(60 * 24 * 60) as i64);
            let allowed = Duration::hours(1 + rng.below(200) as i64);
            let (status, ended, paused) = match rng.below(10) {
                0..6 => (Status::Returned, Some(received + allowed * (rng.below(20) as i32) / 10), None),
                6 => (Status::Decided, Some(received + allowed * (rng.below(20) as i32) / 10), None),
                7 => (Status::Processing, None, None),
                8 => (Status::SupplementRequested, None, Some(received + allowed / 2)),
                _ => [(Status::Refused, Some(received), None), (Status::Withdrawn, Some(received + allowed / 3), None)]
                    [rng.below(2) as usize],
            };
            DossierFacts {
                code: DossierCode::new(
                    motcua_domain::unit::AgencyCode::default_for(&unit("86"), Some(1 + (i % 7) as u32)),
                    received.date_naive(),
                    i as u32 + 1,
                ),
                procedure: ProcedureCode::parse(codes[rng.below(6) as usize]).unwrap(),
                field: "Hộ tịch".into(),
                receiving_unit: u.clone(),
                handling_unit: u,
                channel: [Channel::Online, Channel::Counter, Channel::Post][rng.below(3) as usize],
                status,
                submitted_at: received - Duration::hours(rng.below(30) as i64),
                received_at: (!rng.chance(3)).then_some(received),
                due_at: (!rng.chance(2)).then_some(received + allowed),
                ended_at: ended,
                paused_since: paused,
                supplement_requests: rng.below(3) as u32,
                digitized: rng.chance(80),
                reused: rng.chance(40),
                from_citizen_store: rng.chance(30),
                electronic_result: rng.chance(70),
                paper_result: rng.chance(60),
                has_fee: rng.chance(50),
                fee_total: [0, 50_000][rng.below(2) as usize],
                online_payment: [0, 1, 2][rng.below(3) as usize] as u8,
                identity_verified: rng.chance(90),
                fully_online_procedure: rng.chance(50),
                rating: (rng.chance(40)).then(|| 1 + rng.below(5) as u8),
                complaint: rng.chance(5),
            }
        })
        .collect()
}

/// The report without its lists of lost dossiers or PAKN.
fn figures_only(mut r: IndexReport) -> IndexReport {
    for i in r.groups.iter_mut().flat_map(|g| g.indicators.iter_mut()) {
        if let IndicatorState::Scored { lost, lost_petitions, .. } = &mut i.state {
            lost.clear();
            lost_petitions.clear();
        }
    }
    r
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 11, 20, 3, 0, 0).unwrap()
}

fn cfg() -> IndexConfig {
    IndexConfigs::embedded().for_date(NaiveDate::from_ymd_opt(2025, 11, 1).unwrap()).clone()
}

#[test]
fn the_fast_recompute_equals_the_drill_down_figures_on_one_thread_and_on_three() {
    let communes: Vec<UnitCode> = ["28777", "28756", "28783", "28789"].iter().map(|c| unit(c)).collect();
    let inputs = IndexInputs { dossiers: generate(6_000, &communes), procedures: procedures(), petitions: vec![] };
    for cfg in
        [cfg(), IndexConfig { progress_includes_carried_over: true, early_rule: EarlyRule::BeforeDueInstant, ..cfg() }]
    {
        for period in [Period::parse("2025-11").unwrap(), Period::parse("2025-10").unwrap()] {
            // `communes` misses one unit's code on purpose: its dossiers count only for the province.
            let listed = &communes[..3];
            let (whole, each) = compute_province(&cfg, &unit("86"), listed, &inputs, &period, now());
            let expected = (figures_only(whole), each.into_iter().map(figures_only).collect::<Vec<_>>());
            assert_eq!(compute_province_figures(&cfg, &unit("86"), listed, &inputs, &period, now()), expected);
            let mut table = FactTable::new(&cfg, listed, &inputs.procedures).with_threads(3);
            inputs.dossiers.iter().for_each(|f| table.push(f));
            assert_eq!(table.compute(&unit("86"), &[], &period, now()), expected);
            for (i, c) in expected.1.iter().enumerate() {
                assert_eq!(&table.compute_commune(i, &[], &period, now()), c);
            }
        }
    }
}

#[test]
fn every_lost_list_agrees_with_the_dossier_level_rules() {
    let communes = [unit("28777")];
    let inputs = IndexInputs { dossiers: generate(3_000, &communes), procedures: procedures(), petitions: vec![] };
    let (cfg, period) = (cfg(), Period::parse("2025-11").unwrap());
    let r = compute(&cfg, &communes[0], Level::Province, &inputs, &period, now());
    let as_of = period.end().min(now());
    let received: Vec<&DossierFacts> =
        inputs.dossiers.iter().filter(|f| f.received_at.is_some_and(|t| period.contains(t) && t <= as_of)).collect();
    let lost = |code| match &r.indicator(code).unwrap().state {
        IndicatorState::Scored { numerator, denominator, lost, .. } => {
            assert_eq!(lost.len() as u64, denominator - numerator, "{code:?}");
            lost.clone()
        }
        other => panic!("{code:?} {other:?}"),
    };
    let expect = |keep: &dyn Fn(&DossierFacts) -> bool| {
        let mut v: Vec<DossierCode> = received.iter().filter(|f| keep(f)).map(|f| f.code.clone()).collect();
        v.sort();
        v
    };
    let worst = cfg.dissatisfied_at_most;
    assert_eq!(
        lost(IndicatorCode::DossierReceivingSatisfaction),
        expect(&|f| f.late(cfg.early_rule, as_of, now()) || f.complaint || f.rating.is_some_and(|x| x <= worst))
    );
    assert_eq!(
        lost(IndicatorCode::OriginalResultAvailable),
        expect(&|f| f.paper_result && f.settled_with_result(now()) && !f.electronic_result)
    );
    assert_eq!(lost(IndicatorCode::ReusedDigitizedData), expect(&|f| !f.reused));
    assert_eq!(lost(IndicatorCode::OnlinePayment), expect(&|f| f.has_fee && f.fee_total > 0 && f.online_payment == 0));
    assert_eq!(
        lost(IndicatorCode::OnlineFullProcess),
        expect(&|f| f.fully_online_procedure
            && !(f.channel == Channel::Online && (!f.paper_result || f.electronic_result)))
    );
    let on_time = lost(IndicatorCode::OnTime);
    assert!(!on_time.is_empty() && on_time.windows(2).all(|w| w[0] < w[1]));
}
