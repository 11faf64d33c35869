//! PAKN lifecycle: deadlines on the working calendar, who may act, what each step does.

use chrono::{DateTime, Duration, TimeZone, Utc};
use motcua_domain::calendar::{CalendarData, WorkCalendar};
use motcua_domain::pakn::{
    PaknDeadlines, PaknError, Petition, PetitionCode, PetitionCommand, PetitionForm, PetitionStatus, decide_with,
};
use motcua_domain::staff::{Actor, Role, StaffId};
use motcua_domain::unit::UnitCode;

fn vn(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(7 * 3600).unwrap().with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
}

fn calendar() -> WorkCalendar {
    let data = CalendarData::vietnam();
    WorkCalendar::new(&data, data.latest_version(), Default::default())
}

fn staff(role: Role, unit: &str) -> Actor {
    Actor::Staff { id: StaffId(1), username: "cb".into(), role, unit: UnitCode::parse(unit).unwrap() }
}

/// Sent at 09:00 on Monday 30/11/2026 (the week before holds the 24/11 holiday).
fn petition() -> (Petition, WorkCalendar) {
    let form = PetitionForm {
        unit: "28777".into(),
        topic: "staff_conduct".into(),
        title: "Cán bộ hẹn lại nhiều lần".into(),
        content: "Tôi đến nộp hồ sơ ba lần nhưng đều được hẹn lại.".into(),
        name: "Lê Văn Cường".into(),
        email: "cuong@example.vn".into(),
        ..Default::default()
    };
    let cal = calendar();
    let at = vn(2026, 11, 30, 9, 0);
    let ev = Petition::submission(form.check().unwrap(), at, &cal, &PaknDeadlines::default());
    let code = PetitionCode::parse("PAKN-28777-261130-0001").unwrap();
    (Petition::open(code, at, &ev).unwrap(), cal)
}

fn act(p: Petition, actor: &Actor, cmd: PetitionCommand, at: DateTime<Utc>, cal: &WorkCalendar) -> Petition {
    let ev = decide_with(&p, actor, &cmd, at, cal, &PaknDeadlines::default()).unwrap();
    p.evolve(at, &ev)
}

#[test]
fn deadlines_count_working_days_from_submission() {
    let (p, _) = petition();
    // 2, 5 and 15 working days from Monday 09:00: Wednesday, the next Monday, three weeks on.
    assert_eq!(p.reject_due, vn(2026, 12, 2, 9, 0));
    assert_eq!(p.request_due, vn(2026, 12, 7, 9, 0));
    assert_eq!(p.settle_due, vn(2026, 12, 21, 9, 0));
}

#[test]
fn an_answer_by_the_deadline_is_on_time_and_after_it_is_late() {
    let (p, cal) = petition();
    let officer = staff(Role::Specialist, "28777");
    let answer = || PetitionCommand::Answer { answer: "Đã nhắc nhở cán bộ.".into() };
    let ok = act(p.clone(), &officer, answer(), vn(2026, 12, 21, 9, 0), &cal);
    assert_eq!((ok.status, ok.ended_on_time()), (PetitionStatus::Answered, Some(true)));
    let late = act(p.clone(), &officer, answer(), vn(2026, 12, 21, 9, 1), &cal);
    assert_eq!(late.ended_on_time(), Some(false));
    assert!(p.overdue_at(vn(2026, 12, 21, 10, 0)) && !p.overdue_at(vn(2026, 12, 21, 8, 0)));
}

#[test]
fn a_late_rejection_or_request_makes_the_petition_late() {
    let (p, cal) = petition();
    let officer = staff(Role::IntakeOfficer, "28777");
    let reject = |at| act(p.clone(), &officer, PetitionCommand::Reject { reason: "Trùng nội dung.".into() }, at, &cal);
    assert_eq!(reject(vn(2026, 12, 2, 9, 0)).ended_on_time(), Some(true));
    assert_eq!(reject(vn(2026, 12, 2, 10, 0)).ended_on_time(), Some(false));
    let asked = act(
        p.clone(),
        &officer,
        PetitionCommand::RequestInfo { question: "Ngày nào?".into() },
        vn(2026, 12, 8, 9, 0),
        &cal,
    );
    let done = act(
        asked,
        &Actor::Citizen,
        PetitionCommand::ProvideInfo { reply: "Ngày 20/11.".into() },
        vn(2026, 12, 8, 10, 0),
        &cal,
    );
    let done = act(done, &officer, PetitionCommand::Answer { answer: "Đã xử lý.".into() }, vn(2026, 12, 9, 9, 0), &cal);
    assert_eq!(done.ended_on_time(), Some(false), "the request came after its 5-day deadline");
}

#[test]
fn waiting_for_the_citizen_stops_the_settle_clock() {
    let (p, cal) = petition();
    let officer = staff(Role::Leader, "28777");
    let asked = act(
        p,
        &officer,
        PetitionCommand::RequestInfo { question: "Cho biết ngày.".into() },
        vn(2026, 12, 1, 9, 0),
        &cal,
    );
    assert_eq!(asked.status, PetitionStatus::AwaitingCitizen);
    assert!(!asked.overdue_at(vn(2027, 1, 30, 9, 0)), "paused before its deadline: never overdue while paused");
    // The citizen answers a week (5 working days) later: the deadline moves by as much.
    let replied = act(
        asked,
        &Actor::Citizen,
        PetitionCommand::ProvideInfo { reply: "Ngày 20/11.".into() },
        vn(2026, 12, 8, 9, 0),
        &cal,
    );
    assert_eq!(replied.settle_due, vn(2026, 12, 28, 9, 0));
    assert_eq!(replied.status, PetitionStatus::Received);
}

#[test]
fn only_staff_of_the_unit_handle_and_only_the_citizen_rates_once() {
    let (p, cal) = petition();
    let at = vn(2026, 12, 1, 9, 0);
    let answer = PetitionCommand::Answer { answer: "Trả lời.".into() };
    assert_eq!(
        decide_with(&p, &staff(Role::Specialist, "28756"), &answer, at, &cal, &PaknDeadlines::default()),
        Err(PaknError::OtherUnit("28777".into()))
    );
    assert_eq!(
        decide_with(&p, &staff(Role::ProvinceMonitor, "28777"), &answer, at, &cal, &PaknDeadlines::default()),
        Err(PaknError::Forbidden)
    );
    assert_eq!(
        decide_with(&p, &Actor::Citizen, &answer, at, &cal, &PaknDeadlines::default()),
        Err(PaknError::Forbidden)
    );
    let rate = PetitionCommand::Rate { satisfaction: "dissatisfied".into(), comment: "".into(), recomplaint: true };
    assert!(matches!(
        decide_with(&p, &Actor::Citizen, &rate, at, &cal, &PaknDeadlines::default()),
        Err(PaknError::NotAllowed { .. })
    ));
    let empty = PetitionCommand::Answer { answer: "  ".into() };
    assert_eq!(
        decide_with(&p, &staff(Role::Specialist, "28777"), &empty, at, &cal, &PaknDeadlines::default()),
        Err(PaknError::Missing("answer"))
    );
    let answered = act(p, &staff(Role::Specialist, "28777"), answer, at, &cal);
    let rated = act(answered, &Actor::Citizen, rate.clone(), at + Duration::hours(1), &cal);
    assert!(rated.disliked());
    assert_eq!(
        decide_with(&rated, &Actor::Citizen, &rate, at, &cal, &PaknDeadlines::default()),
        Err(PaknError::AlreadyRated)
    );
    let bad = PetitionCommand::Rate { satisfaction: "meh".into(), comment: "".into(), recomplaint: false };
    assert!(matches!(
        decide_with(&rated, &Actor::Citizen, &bad, at, &cal, &PaknDeadlines::default()),
        Err(PaknError::AlreadyRated)
    ));
}

mod index {
    use super::*;
    use motcua_domain::index::{
        IndexConfigs, IndexInputs, IndicatorCode, IndicatorState, Level, Period, PetitionFacts, compute,
    };

    fn scored(r: &motcua_domain::index::IndexReport, c: IndicatorCode) -> (u64, u64, f64, Vec<String>) {
        let i = r.indicator(c).unwrap();
        let IndicatorState::Scored { numerator, denominator, points, lost_petitions, .. } = &i.state else {
            panic!("{c:?} not scored")
        };
        (*numerator, *denominator, *points, lost_petitions.iter().map(|p| p.to_string()).collect())
    }

    #[test]
    fn pakn_feed_both_indicators_with_the_petitions_behind_lost_points() {
        let (p, cal) = petition();
        let officer = staff(Role::Specialist, "28777");
        let with_code = |p: &Petition, n: u32| Petition {
            code: PetitionCode::parse(&format!("PAKN-28777-261130-{n:04}")).unwrap(),
            ..p.clone()
        };
        let answer =
            |p: Petition, at| act(p, &officer, PetitionCommand::Answer { answer: "Trả lời.".into() }, at, &cal);
        let rate = |p: Petition, s: &str, again: bool| {
            let cmd = PetitionCommand::Rate { satisfaction: s.into(), comment: String::new(), recomplaint: again };
            act(p, &Actor::Citizen, cmd, vn(2026, 12, 22, 9, 0), &cal)
        };
        let happy = rate(answer(with_code(&p, 1), vn(2026, 12, 3, 9, 0)), "satisfied", false);
        let unhappy = rate(answer(with_code(&p, 2), vn(2026, 12, 3, 9, 0)), "dissatisfied", false);
        let again = rate(answer(with_code(&p, 3), vn(2026, 12, 3, 9, 0)), "neutral", true);
        let late = answer(with_code(&p, 4), vn(2026, 12, 22, 9, 0));
        let open_within = with_code(&p, 5);
        let mut other_unit = with_code(&p, 6);
        other_unit.unit = UnitCode::parse("28756").unwrap();
        let all = [happy, unhappy, again, late, open_within, other_unit];
        let inputs = IndexInputs { petitions: all.iter().map(PetitionFacts::of).collect(), ..Default::default() };
        let cfgs = IndexConfigs::embedded();
        let dec = Period::parse("2026-12").unwrap();
        let (nov, now) = (Period::parse("2026-11").unwrap(), vn(2026, 12, 23, 9, 0));
        let cfg = cfgs.for_date(dec.from);
        let r = compute(cfg, &UnitCode::parse("28777").unwrap(), Level::Commune, &inputs, &nov, now);
        // Sent on 30/11: five in scope; at the end of November the open one was within its deadline.
        let (num, den, pts, lost) = scored(&r, IndicatorCode::PetitionProcessingOnTime);
        assert_eq!((num, den, lost.as_slice()), (4, 5, ["PAKN-28777-261130-0004".to_string()].as_slice()));
        assert!((pts - 6.0 * 4.0 / 5.0).abs() < 1e-9);
        // Handled: four; disliked, re-complained and late ones lose points.
        let (num, den, _, lost) = scored(&r, IndicatorCode::PetitionHandlingSatisfaction);
        assert_eq!((num, den), (1, 4));
        assert_eq!(lost, ["PAKN-28777-261130-0002", "PAKN-28777-261130-0003", "PAKN-28777-261130-0004"]);
        // A running period cut at 23/12: the open one is overdue now (due 21/12).
        let running = Period::custom(nov.from, dec.to).unwrap();
        let r2 = compute(cfg, &UnitCode::parse("28777").unwrap(), Level::Commune, &inputs, &running, now);
        let (num, den, _, lost) = scored(&r2, IndicatorCode::PetitionProcessingOnTime);
        assert_eq!((num, den), (3, 5));
        assert_eq!(lost, ["PAKN-28777-261130-0004", "PAKN-28777-261130-0005"]);
        // December has none: full points.
        let r = compute(cfg, &UnitCode::parse("28777").unwrap(), Level::Commune, &inputs, &dec, now);
        assert_eq!(r.indicator(IndicatorCode::PetitionProcessingOnTime).unwrap().points(), Some(6.0));
        let _ = cal;
    }
}

#[test]
fn a_transfer_moves_the_petition_to_the_right_unit_and_restarts_the_settle_clock() {
    let (p, cal) = petition();
    let officer = staff(Role::Specialist, "28777");
    let d = PaknDeadlines::default();
    let transfer = |to: &str, reason: &str| PetitionCommand::Transfer { to: to.into(), reason: reason.into() };
    let at = vn(2026, 12, 1, 9, 0);
    // Bad inputs are refused and change nothing.
    for (to, reason) in [("2877", "Sai đơn vị."), ("28777", "Sai đơn vị."), ("86", "Sai đơn vị.")] {
        assert!(matches!(
            decide_with(&p, &officer, &transfer(to, reason), at, &cal, &d),
            Err(PaknError::InvalidUnit(_))
        ));
    }
    assert_eq!(decide_with(&p, &officer, &transfer("28756", " "), at, &cal, &d), Err(PaknError::Missing("reason")));
    assert_eq!(
        decide_with(&p, &staff(Role::Specialist, "28756"), &transfer("28756", "Sai đơn vị."), at, &cal, &d),
        Err(PaknError::OtherUnit("28777".into()))
    );
    let moved = act(p.clone(), &officer, transfer("28756", "Thuộc thẩm quyền phường Tân An."), at, &cal);
    assert_eq!(moved.unit, UnitCode::parse("28756").unwrap());
    assert_eq!(moved.transferred_from, vec![UnitCode::parse("28777").unwrap()]);
    // 15 working days from Tuesday 1/12 09:00, not from the submission.
    assert_eq!(moved.settle_due, vn(2026, 12, 22, 9, 0));
    // Now the new unit handles it and the old one no longer may.
    let answer = PetitionCommand::Answer { answer: "Đã xử lý.".into() };
    assert_eq!(decide_with(&moved, &officer, &answer, at, &cal, &d), Err(PaknError::OtherUnit("28756".into())));
    let done = act(moved, &staff(Role::Specialist, "28756"), answer, vn(2026, 12, 22, 9, 0), &cal);
    assert_eq!(done.ended_on_time(), Some(true), "on time against the restarted deadline");
}

#[test]
fn the_answer_is_published_within_two_working_days_by_default() {
    let (p, cal) = petition();
    let officer = staff(Role::Specialist, "28777");
    let d = PaknDeadlines::default();
    assert_eq!(d.publish_days, 2);
    assert!(matches!(
        decide_with(&p, &officer, &PetitionCommand::Publish, vn(2026, 12, 1, 9, 0), &cal, &d),
        Err(PaknError::NotAllowed { .. })
    ));
    let answered =
        act(p, &officer, PetitionCommand::Answer { answer: "Đã xử lý.".into() }, vn(2026, 12, 3, 9, 0), &cal);
    assert_eq!(answered.publish_due(&cal, d.publish_days), Some(vn(2026, 12, 7, 9, 0)));
    let on_time = act(answered.clone(), &officer, PetitionCommand::Publish, vn(2026, 12, 7, 9, 0), &cal);
    assert_eq!((on_time.published_at, on_time.published_on_time), (Some(vn(2026, 12, 7, 9, 0)), Some(true)));
    let late = act(answered, &officer, PetitionCommand::Publish, vn(2026, 12, 8, 9, 0), &cal);
    assert_eq!(late.published_on_time, Some(false));
    assert!(matches!(
        decide_with(&late, &officer, &PetitionCommand::Publish, vn(2026, 12, 9, 9, 0), &cal, &d),
        Err(PaknError::NotAllowed { .. })
    ));
    // The deadline is data: the publish days come from the configuration.
    let json = r#"{"reject_days": 2, "request_days": 5, "settle_days": 15}"#;
    assert_eq!(serde_json::from_str::<PaknDeadlines>(json).unwrap().publish_days, 2);
}
