use super::*;
use crate::calendar::{CalendarData, WorkingHours};

fn unit() -> UnitCode {
    UnitCode::parse("28777").unwrap()
}

fn known() -> (Vec<Neighborhood>, Vec<Helper>) {
    let n = Neighborhood { id: NeighborhoodId(1), unit: unit(), name: "Khu phố 3".into(), note: String::new() };
    let h = Helper {
        id: HelperId(7),
        unit: unit(),
        name: "Lê Văn An".into(),
        organisation: Organisation::YouthUnion,
        phone: None,
    };
    (vec![n], vec![h])
}

fn input<'a>(helpers: Vec<&'a str>) -> SessionInput<'a> {
    SessionInput {
        neighborhood: "1",
        place: "Nhà văn hóa khu phố 3",
        weekday: "fri",
        first: "2026-11-01",
        last: "2026-12-31",
        start: "07:30",
        end: "11:00",
        helpers,
    }
}

#[test]
fn a_session_takes_the_units_own_neighborhood_and_helpers() {
    let (n, h) = known();
    let s = NewSession::parse(&unit(), &input(vec!["7", "7", ""]), &n, &h).unwrap();
    assert_eq!((s.neighborhood, s.helpers.clone()), (NeighborhoodId(1), vec![HelperId(7)]));
    assert_eq!(NewSession::parse(&unit(), &input(vec!["8"]), &n, &h), Err(SupportError::UnknownHelper));
    assert_eq!(NewSession::parse(&unit(), &input(vec!["x"]), &n, &h), Err(SupportError::UnknownHelper));
    let other = UnitCode::parse("28756").unwrap();
    assert_eq!(NewSession::parse(&other, &input(vec![]), &n, &h), Err(SupportError::UnknownNeighborhood));
    let bad = SessionInput { place: " ", ..input(vec![]) };
    assert_eq!(NewSession::parse(&unit(), &bad, &n, &h), Err(SupportError::Place));
    let bad = SessionInput { weekday: "someday", ..input(vec![]) };
    assert_eq!(NewSession::parse(&unit(), &bad, &n, &h), Err(SupportError::Weekday("someday".into())));
}

#[test]
fn helpers_name_an_organisation_and_maybe_a_phone() {
    let h = NewHelper::parse(&unit(), " Trần Thị Bình ", "womens_union", "0912 345 678").unwrap();
    assert_eq!(
        (h.name.as_str(), h.organisation, h.phone.as_deref()),
        ("Trần Thị Bình", Organisation::WomensUnion, Some("0912345678"))
    );
    assert_eq!(NewHelper::parse(&unit(), "B", "club", ""), Err(SupportError::Organisation("club".into())));
    assert_eq!(NewHelper::parse(&unit(), "B", "veterans", "12345"), Err(SupportError::Phone));
    assert_eq!(NewHelper::parse(&unit(), "", "veterans", ""), Err(SupportError::Name));
    assert_eq!(NewNeighborhood::parse(&unit(), &"x".repeat(101), ""), Err(SupportError::Name));
}

#[test]
fn an_attribution_needs_a_known_helper_and_a_held_occurrence() {
    let (n, h) = known();
    let new = NewSession::parse(&unit(), &input(vec!["7"]), &n, &h).unwrap();
    let s = Session {
        id: SessionId(3),
        unit: unit(),
        neighborhood: new.neighborhood,
        place: new.place,
        rule: new.rule,
        helpers: new.helpers,
    };
    let data = CalendarData::vietnam();
    let cal = WorkCalendar::new(&data, data.latest_version(), WorkingHours::default());
    let fri = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let r = SupportRef::check(&s, HelperId(7), &h, fri, &cal).unwrap();
    assert_eq!((r.session, r.date, r.helper), (SessionId(3), fri, HelperId(7)));
    assert_eq!(SupportRef::check(&s, HelperId(9), &h, fri, &cal), Err(SupportError::UnknownHelper));
    let thu = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    assert_eq!(SupportRef::check(&s, HelperId(7), &h, thu, &cal), Err(SupportError::NotHeld));
}

#[test]
fn every_error_has_a_code_and_both_languages() {
    use crate::Described;
    for e in [
        SupportError::Weekday("x".into()),
        SupportError::Period,
        SupportError::UnknownHelper,
        SupportError::Dossier(dossier_reason::NOT_ONLINE),
    ] {
        assert!(!e.code().is_empty() && !e.message_vi().is_empty() && !e.message_en().is_empty());
        assert_ne!(e.message_vi(), e.message_en());
    }
    assert!(SupportError::Dossier(dossier_reason::ALREADY).message_vi().contains("đã được ghi nhận"));
}
