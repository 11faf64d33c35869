//! The pure dossier lifecycle: which command moves a dossier where and for whom (DOMAIN §2.2), how the
//! deadline follows receipt, pauses and the end of processing (§1.3, §2.5), replay and the hash chain, and
//! serialization.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, TimeDelta, TimeZone, Utc};
use motcua_domain::calendar::{CalendarData, Timeliness, WorkCalendar};
use motcua_domain::catalog::seed_procedures;
use motcua_domain::catalog::{Procedure, ProcedureCode};
use motcua_domain::dossier::chain::{self, BrokenLink, Sealed, StoredEvent};
use motcua_domain::dossier::{
    self, Applicant, Channel, Command, Component, Context, Dossier, DossierCode, Event, EventKind, FeeLine,
    LifecycleError, NewDossier, Pause, PauseKind, Rating, ResultDoc, Status,
};
use motcua_domain::identity::ApplicantId;
use motcua_domain::staff::{Actor, Role, StaffId};
use motcua_domain::unit::UnitCode;
use proptest::prelude::*;
use proptest::sample::Index;

static DATA: LazyLock<CalendarData> = LazyLock::new(CalendarData::vietnam);
static CAL: LazyLock<WorkCalendar> =
    LazyLock::new(|| WorkCalendar::new(&DATA, DATA.latest_version(), Default::default()));
static PROCEDURES: LazyLock<Vec<Procedure>> = LazyLock::new(seed_procedures);

/// The commune every dossier here is filed at, and two others of the province.
const HOME: &str = "28777";
const OTHER: &str = "28780";
const THIRD: &str = "28783";

/// Cấp Giấy xác nhận tình trạng hôn nhân: 3 working days.
const THREE_DAYS: &str = "1.004873";
/// Đăng ký lại khai sinh: 5 working days.
const FIVE_DAYS: &str = "1.004884";

fn unit(code: &str) -> UnitCode {
    UnitCode::parse(code).unwrap()
}

fn procedure(code: &ProcedureCode) -> &'static Procedure {
    PROCEDURES.iter().find(|p| &p.code == code).unwrap()
}

fn seeded(code: &str) -> &'static Procedure {
    procedure(&ProcedureCode::parse(code).unwrap())
}

/// A local (UTC+7) wall-clock time.
fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    FixedOffset::east_opt(7 * 3600).unwrap().with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
}

fn staff(role: Role, unit: &UnitCode) -> Actor {
    Actor::Staff { id: StaffId(7), username: role.as_str().into(), role, unit: unit.clone() }
}

fn code() -> DossierCode {
    DossierCode::parse("000.00.12.H62-260309-0001").unwrap()
}

fn new_dossier(p: &Procedure) -> NewDossier {
    NewDossier {
        procedure: p.code.clone(),
        receiving_unit: unit(HOME),
        channel: Channel::Online,
        applicant: Applicant {
            name: "Nguyễn Văn An".into(),
            id_number: ApplicantId::parse("086090001234").unwrap(),
            phone: Some("0912345678".into()),
            email: None,
            address: Some("Ấp 3, xã An Hội".into()),
            birth_date: None,
        },
        components: vec![Component {
            code: "TK01".into(),
            name: "Tờ khai".into(),
            file_sha256: None,
            digitized: true,
            reused: false,
            from_citizen_store: false,
        }],
        fees: Vec::new(),
        identity_verified: true,
    }
}

/// A dossier freshly submitted online to HOME at `t`.
fn submitted(p: &Procedure, t: DateTime<Utc>) -> Dossier {
    dossier::evolve(None, &code(), t, &EventKind::Submitted { dossier: Box::new(new_dossier(p)) })
}

fn try_give(d: &Dossier, actor: &Actor, command: &Command, now: DateTime<Utc>) -> Result<EventKind, LifecycleError> {
    let ctx =
        Context { now, calendar: &CAL, calendar_version: DATA.latest_version(), procedure: procedure(&d.procedure) };
    dossier::decide(d, actor, command, &ctx)
}

/// Gives `command` as staff of the handling unit in the first role allowed to, and applies its event.
fn give(d: Dossier, command: Command, now: DateTime<Utc>) -> Dossier {
    let actor = staff(command.roles()[0], &d.handling_unit);
    let kind =
        try_give(&d, &actor, &command, now).unwrap_or_else(|e| panic!("{} in {:?}: {e}", command.name(), d.status));
    dossier::evolve(Some(d), &code(), now, &kind)
}

fn fee() -> FeeLine {
    FeeLine { name: "Lệ phí".into(), amount: 10_000, copies: 2 }
}

/// One command of each kind with valid arguments; a transfer goes to a unit other than `handling`.
fn commands(handling: &UnitCode) -> Vec<Command> {
    let to_unit = unit(if handling.as_str() == OTHER { HOME } else { OTHER });
    let result = ResultDoc { name: "Giấy xác nhận".into(), electronic: true, file_sha256: None };
    let all = vec![
        Command::Receive,
        Command::Refuse { reason: "Không thuộc thẩm quyền".into() },
        Command::StartProcessing,
        Command::Transfer { to_unit, reason: "Đúng thẩm quyền".into() },
        Command::RequestSupplement { missing: "Bản sao giấy khai sinh".into() },
        Command::ReceiveSupplement,
        Command::RequestFinancialObligation { fees: vec![fee()] },
        Command::ConfirmFinancialObligation { online_payment: 2 },
        Command::Withdraw { reason: "Không còn nhu cầu".into() },
        Command::Stop { reason: "Quá hạn bổ sung".into() },
        Command::ForwardForApproval { summary: "Đủ điều kiện".into() },
        Command::SendBack { reason: "Xem lại căn cứ".into() },
        Command::Decide { results: vec![result] },
        Command::ReturnResult,
    ];
    // Fails to compile when a command is added, so that it is added above too.
    let slot = |c: &Command| match c {
        Command::Receive => 0,
        Command::Refuse { .. } => 1,
        Command::StartProcessing => 2,
        Command::Transfer { .. } => 3,
        Command::RequestSupplement { .. } => 4,
        Command::ReceiveSupplement => 5,
        Command::RequestFinancialObligation { .. } => 6,
        Command::ConfirmFinancialObligation { .. } => 7,
        Command::Withdraw { .. } => 8,
        Command::Stop { .. } => 9,
        Command::ForwardForApproval { .. } => 10,
        Command::SendBack { .. } => 11,
        Command::Decide { .. } => 12,
        Command::ReturnResult => 13,
    };
    assert!(all.iter().enumerate().all(|(i, c)| slot(c) == i));
    all
}

/// The command of that name, for a dossier handled at HOME.
fn cmd(name: &str) -> Command {
    commands(&unit(HOME)).into_iter().find(|c| c.name() == name).unwrap()
}

/// A legal path from submission to `status`.
fn path_to(status: Status) -> &'static [&'static str] {
    match status {
        Status::Submitted => &[],
        Status::Received => &["receive"],
        Status::Refused => &["refuse"],
        Status::Processing => &["receive", "start_processing"],
        Status::SupplementRequested => &["receive", "request_supplement"],
        Status::FinancialObligation => &["receive", "request_financial_obligation"],
        Status::Withdrawn => &["withdraw"],
        Status::Stopped => &["receive", "stop"],
        Status::Decided => &["receive", "start_processing", "forward_for_approval", "decide"],
        Status::Returned => &["receive", "start_processing", "forward_for_approval", "decide", "return_result"],
    }
}

/// The first instant of the paths: Monday 9 March 2026, 08:00.
fn t0() -> DateTime<Utc> {
    at(2026, 3, 9, 8, 0)
}

/// Submits a 5-working-day dossier at `t0` and gives the commands of `path` half an hour apart.
fn reach(path: &[&str]) -> Dossier {
    let d = submitted(seeded(FIVE_DAYS), t0());
    path.iter().zip(1..).fold(d, |d, (name, i)| give(d, cmd(name), t0() + TimeDelta::minutes(30 * i)))
}

/// A dossier in each status, plus one in processing that awaits approval, with a label.
fn configurations() -> Vec<(&'static str, Dossier)> {
    let mut all: Vec<_> = Status::ALL.into_iter().map(|s| (s.as_str(), reach(path_to(s)))).collect();
    all.push(("awaiting_approval", reach(&["receive", "start_processing", "forward_for_approval"])));
    for (label, d) in &all {
        if *label != "awaiting_approval" {
            assert_eq!(d.status.as_str(), *label);
        }
    }
    all
}

/// A dossier in which the center director may give `command`.
fn accepting(command: &Command) -> Dossier {
    let director = staff(Role::CenterDirector, &unit(HOME));
    configurations().into_iter().map(|(_, d)| d).find(|d| try_give(d, &director, command, later()).is_ok()).unwrap()
}

/// An instant after every step of `configurations`.
fn later() -> DateTime<Utc> {
    at(2026, 3, 10, 9, 0)
}

/// Each role at `unit`, the citizen and Motcua itself.
fn everyone(unit: &UnitCode) -> Vec<Actor> {
    Role::ALL.into_iter().map(|r| staff(r, unit)).chain([Actor::Citizen, Actor::System]).collect()
}

/// Whether `actor` may give `command` at all, whatever the dossier.
fn entitled(actor: &Actor, command: &Command) -> bool {
    match actor {
        Actor::Staff { role, .. } => command.roles().contains(role),
        Actor::Citizen => matches!(command, Command::Withdraw { .. }),
        Actor::System => matches!(command, Command::ConfirmFinancialObligation { .. }),
    }
}

// ---------------------------------------------------------------------------------------------------------
// 1. The transition table
// ---------------------------------------------------------------------------------------------------------

#[test]
fn a_command_is_accepted_exactly_in_its_from_statuses_and_approval_step() {
    let mut accepted = 0;
    for (label, d) in configurations() {
        for command in commands(&d.handling_unit) {
            let name = command.name();
            let in_status = command.from_statuses().contains(&d.status);
            let right_step = match command {
                Command::ForwardForApproval { .. } => !d.awaiting_approval,
                Command::SendBack { .. } | Command::Decide { .. } => d.awaiting_approval,
                _ => true,
            };
            let expected = if !in_status {
                Err(LifecycleError::NotAllowed { command: name, status: d.status })
            } else if !right_step {
                Err(LifecycleError::WrongStep { command: name })
            } else {
                accepted += 1;
                Ok(name)
            };
            for &role in command.roles() {
                let got = try_give(&d, &staff(role, &d.handling_unit), &command, later()).map(|k| k.command());
                assert_eq!(got, expected, "{label}: {name} by {role:?}");
            }
        }
    }
    assert_eq!(accepted, 29, "legal (status, command) pairs");
}

#[test]
fn each_accepted_command_moves_the_dossier_to_its_documented_status() {
    use Status::*;
    let table: &[(&str, &str, Status)] = &[
        ("submitted", "receive", Received),
        ("submitted", "refuse", Refused),
        ("submitted", "withdraw", Withdrawn),
        ("received", "start_processing", Processing),
        ("received", "transfer", Received),
        ("received", "request_supplement", SupplementRequested),
        ("received", "request_financial_obligation", FinancialObligation),
        ("received", "withdraw", Withdrawn),
        ("received", "stop", Stopped),
        ("processing", "transfer", Processing),
        ("processing", "request_supplement", SupplementRequested),
        ("processing", "request_financial_obligation", FinancialObligation),
        ("processing", "withdraw", Withdrawn),
        ("processing", "stop", Stopped),
        ("processing", "forward_for_approval", Processing),
        ("awaiting_approval", "transfer", Processing),
        ("awaiting_approval", "request_supplement", SupplementRequested),
        ("awaiting_approval", "request_financial_obligation", FinancialObligation),
        ("awaiting_approval", "withdraw", Withdrawn),
        ("awaiting_approval", "stop", Stopped),
        ("awaiting_approval", "send_back", Processing),
        ("awaiting_approval", "decide", Decided),
        ("supplement_requested", "receive_supplement", Processing),
        ("supplement_requested", "withdraw", Withdrawn),
        ("supplement_requested", "stop", Stopped),
        ("financial_obligation", "confirm_financial_obligation", Processing),
        ("financial_obligation", "withdraw", Withdrawn),
        ("financial_obligation", "stop", Stopped),
        ("decided", "return_result", Returned),
    ];
    let expected: BTreeSet<_> = table.iter().map(|&(from, name, to)| (from, name, to.as_str())).collect();
    let director = |d: &Dossier| staff(Role::CenterDirector, &d.handling_unit);
    let mut found = BTreeSet::new();
    for (label, d) in configurations() {
        for command in commands(&d.handling_unit) {
            if let Ok(kind) = try_give(&d, &director(&d), &command, later()) {
                let after = dossier::evolve(Some(d.clone()), &code(), later(), &kind);
                assert_eq!(after.version, d.version + 1);
                found.insert((label, command.name(), after.status.as_str()));
            }
        }
    }
    assert_eq!(found, expected);
}

#[test]
fn final_statuses_accept_no_command_from_anyone() {
    let finals: Vec<Status> = Status::ALL.into_iter().filter(|s| s.is_final()).collect();
    assert_eq!(finals, [Status::Refused, Status::Withdrawn, Status::Stopped, Status::Returned]);
    for status in finals {
        let d = reach(path_to(status));
        for command in commands(&d.handling_unit) {
            assert!(!command.from_statuses().contains(&status), "{} from {status:?}", command.name());
            for actor in everyone(&d.handling_unit) {
                let err = try_give(&d, &actor, &command, later()).unwrap_err();
                let expected = if entitled(&actor, &command) {
                    LifecycleError::NotAllowed { command: command.name(), status }
                } else {
                    LifecycleError::Forbidden { command: command.name(), actor: actor.label() }
                };
                assert_eq!(err, expected, "{status:?}: {} by {}", command.name(), actor.label());
            }
        }
    }
}

#[test]
fn a_proposal_sent_back_may_be_forwarded_again_and_then_decided() {
    let d = reach(&["receive", "start_processing", "forward_for_approval"]);
    assert!(d.awaiting_approval);
    let d = give(d, cmd("send_back"), later());
    assert!(!d.awaiting_approval);
    assert_eq!(d.status, Status::Processing);
    assert_eq!(d.pending_note.as_deref(), Some("Xem lại căn cứ"));
    let d = give(d, cmd("forward_for_approval"), later());
    let d = give(d, cmd("decide"), later());
    assert_eq!((d.status, d.awaiting_approval, d.pending_note), (Status::Decided, false, None));
    assert_eq!(d.results.len(), 1);
}

#[test]
fn stopping_or_withdrawing_a_dossier_awaiting_approval_leaves_no_approval_pending() {
    for end in ["stop", "withdraw"] {
        let d = reach(&["receive", "start_processing", "forward_for_approval", end]);
        assert!(d.status.is_final(), "{end}");
        assert!(!d.awaiting_approval, "{end}: a {:?} dossier still shows a proposal awaiting approval", d.status);
    }
}

#[test]
fn a_pause_cancels_the_pending_proposal_so_it_must_be_forwarded_again() {
    for request in ["request_supplement", "request_financial_obligation"] {
        let d = reach(&["receive", "start_processing", "forward_for_approval", request]);
        assert!(!d.awaiting_approval, "{request}");
        let resume =
            if request == "request_supplement" { "receive_supplement" } else { "confirm_financial_obligation" };
        let d = give(d, cmd(resume), later());
        let leader = staff(Role::Leader, &d.handling_unit);
        assert_eq!(
            try_give(&d, &leader, &cmd("decide"), later()),
            Err(LifecycleError::WrongStep { command: "decide" }),
            "{request}"
        );
    }
}

#[test]
fn blank_reasons_are_refused_and_reasons_are_recorded_trimmed() {
    let blank = "  \t ".to_string();
    let cases = [
        (vec![], Command::Refuse { reason: blank.clone() }),
        (vec![], Command::Withdraw { reason: blank.clone() }),
        (vec!["receive"], Command::Stop { reason: blank.clone() }),
        (vec!["receive"], Command::RequestSupplement { missing: blank.clone() }),
        (vec!["receive", "start_processing", "forward_for_approval"], Command::SendBack { reason: blank }),
    ];
    for (path, command) in cases {
        let d = reach(&path);
        let actor = staff(command.roles()[0], &d.handling_unit);
        assert_eq!(try_give(&d, &actor, &command, later()), Err(LifecycleError::ReasonRequired), "{}", command.name());
    }
    let d = reach(&["receive"]);
    let stop = Command::Stop { reason: "  Hồ sơ giả mạo \n".into() };
    assert_eq!(
        try_give(&d, &staff(Role::Leader, &d.handling_unit), &stop, later()),
        Ok(EventKind::Stopped { reason: "Hồ sơ giả mạo".into() })
    );
}

// ---------------------------------------------------------------------------------------------------------
// 2. Roles and units
// ---------------------------------------------------------------------------------------------------------

#[test]
fn the_role_table_gives_intake_the_counter_specialists_the_file_and_leaders_the_decision() {
    use Role::*;
    for command in commands(&unit(HOME)) {
        let expected: &[Role] = match command.name() {
            "receive"
            | "refuse"
            | "receive_supplement"
            | "confirm_financial_obligation"
            | "withdraw"
            | "return_result" => &[IntakeOfficer, CenterDirector],
            "start_processing" | "forward_for_approval" => &[Specialist, CenterDirector],
            "request_supplement" | "request_financial_obligation" => &[IntakeOfficer, Specialist, CenterDirector],
            "transfer" => &[IntakeOfficer, Specialist, Leader, CenterDirector],
            "send_back" | "decide" | "stop" => &[Leader, CenterDirector],
            other => panic!("unexpected command {other}"),
        };
        assert_eq!(command.roles(), expected, "{}", command.name());
        assert!(!command.roles().contains(&ProvinceMonitor) && !command.roles().contains(&Administrator));
    }
}

#[test]
fn roles_outside_a_command_roles_are_forbidden_and_roles_inside_may_act() {
    for command in commands(&unit(HOME)) {
        let d = accepting(&command);
        for actor in everyone(&d.handling_unit) {
            let got = try_give(&d, &actor, &command, later());
            if entitled(&actor, &command) {
                assert!(got.is_ok(), "{} by {}: {got:?}", command.name(), actor.label());
            } else {
                let forbidden = LifecycleError::Forbidden { command: command.name(), actor: actor.label() };
                assert_eq!(got, Err(forbidden));
            }
        }
    }
}

#[test]
fn the_citizen_may_withdraw_in_every_status_before_the_decision_and_give_no_other_command() {
    for (label, d) in configurations() {
        for command in commands(&d.handling_unit) {
            let got = try_give(&d, &Actor::Citizen, &command, later());
            match command {
                Command::Withdraw { .. } if command.from_statuses().contains(&d.status) => {
                    assert!(matches!(got, Ok(EventKind::Withdrawn { .. })), "{label}: {got:?}");
                }
                Command::Withdraw { .. } => {
                    assert_eq!(got, Err(LifecycleError::NotAllowed { command: "withdraw", status: d.status }));
                }
                _ => assert_eq!(
                    got,
                    Err(LifecycleError::Forbidden { command: command.name(), actor: "citizen".into() }),
                    "{label}"
                ),
            }
        }
    }
    let withdrawable = Status::ALL.into_iter().filter(|s| cmd("withdraw").from_statuses().contains(s)).count();
    assert_eq!(withdrawable, 5);
}

#[test]
fn motcua_itself_may_only_confirm_a_financial_obligation() {
    for (label, d) in configurations() {
        for command in commands(&d.handling_unit) {
            let got = try_give(&d, &Actor::System, &command, later());
            match command {
                Command::ConfirmFinancialObligation { .. } if d.status == Status::FinancialObligation => {
                    assert!(matches!(got, Ok(EventKind::FinancialObligationMet { online_payment: 2, .. })));
                }
                Command::ConfirmFinancialObligation { .. } => {
                    assert!(matches!(got, Err(LifecycleError::NotAllowed { .. })), "{label}: {got:?}")
                }
                _ => assert_eq!(
                    got,
                    Err(LifecycleError::Forbidden { command: command.name(), actor: "system".into() }),
                    "{label}"
                ),
            }
        }
    }
}

#[test]
fn staff_of_a_unit_not_involved_get_other_unit_and_a_province_monitor_is_forbidden() {
    for command in commands(&unit(HOME)) {
        let d = accepting(&command);
        for &role in command.roles() {
            assert_eq!(
                try_give(&d, &staff(role, &unit(THIRD)), &command, later()),
                Err(LifecycleError::OtherUnit { unit: THIRD.into() }),
                "{} by {role:?}",
                command.name()
            );
        }
        let monitor = staff(Role::ProvinceMonitor, &unit("86"));
        let forbidden = LifecycleError::Forbidden { command: command.name(), actor: monitor.label() };
        assert_eq!(try_give(&d, &monitor, &command, later()), Err(forbidden));
    }
}

#[test]
fn after_a_transfer_staff_of_the_new_handling_unit_and_of_the_receiving_unit_may_act() {
    let d = reach(&["receive"]);
    let intake = staff(Role::IntakeOfficer, &unit(HOME));
    let transfer = Command::Transfer { to_unit: unit(OTHER), reason: " Đúng thẩm quyền ".into() };
    let kind = try_give(&d, &intake, &transfer, later()).unwrap();
    assert_eq!(kind, EventKind::Transferred { from: unit(HOME), to: unit(OTHER), reason: "Đúng thẩm quyền".into() });
    let d = dossier::evolve(Some(d), &code(), later(), &kind);
    assert_eq!((d.status, d.receiving_unit.as_str(), d.handling_unit.as_str()), (Status::Received, HOME, OTHER));

    let start = cmd("start_processing");
    for u in [HOME, OTHER] {
        assert!(try_give(&d, &staff(Role::Specialist, &unit(u)), &start, later()).is_ok(), "{u}");
    }
    let outsider = try_give(&d, &staff(Role::Specialist, &unit(THIRD)), &start, later());
    assert_eq!(outsider, Err(LifecycleError::OtherUnit { unit: THIRD.into() }));
    let again = Command::Transfer { to_unit: unit(OTHER), reason: String::new() };
    let same = try_give(&d, &staff(Role::Leader, &unit(OTHER)), &again, later());
    assert_eq!(same, Err(LifecycleError::SameUnit(OTHER.into())));

    // Onwards to a third unit: the previous handling unit drops out, the receiving unit stays.
    let onwards = Command::Transfer { to_unit: unit(THIRD), reason: "Chuyển tiếp".into() };
    let d = give(d, onwards, later());
    assert_eq!(d.handling_unit.as_str(), THIRD);
    for (u, may) in [(HOME, true), (THIRD, true), (OTHER, false)] {
        let got = try_give(&d, &staff(Role::Specialist, &unit(u)), &start, later());
        assert_eq!(got.is_ok(), may, "{u}: {got:?}");
    }
    // And back to the receiving unit.
    let back = give(d, Command::Transfer { to_unit: unit(HOME), reason: "Trả về".into() }, later());
    assert_eq!((back.receiving_unit.as_str(), back.handling_unit.as_str()), (HOME, HOME));
}

// ---------------------------------------------------------------------------------------------------------
// 3. Deadlines through the lifecycle
// ---------------------------------------------------------------------------------------------------------

#[test]
fn receiving_starts_the_statutory_deadline_under_the_latest_calendar_version() {
    let monday = at(2026, 3, 9, 10, 0);
    for p in PROCEDURES.iter() {
        let d = give(submitted(p, monday), Command::Receive, monday);
        assert_eq!(d.due_at, Some(CAL.due(monday, &p.statutory_time)), "{}", p.code);
        assert_eq!((d.received_at, d.calendar_version), (Some(monday), DATA.latest_version()));
        let verdict = d.timeliness(&CAL, monday);
        assert!(matches!(verdict, Some(Timeliness::Early | Timeliness::OnTime)), "{}: {verdict:?}", p.code);
    }
    let due = |code, t| give(submitted(seeded(code), t), Command::Receive, t).due_at.unwrap();
    assert_eq!(due(THREE_DAYS, monday), at(2026, 3, 12, 10, 0), "3 working days: Thursday, same time");
    assert_eq!(due(FIVE_DAYS, at(2026, 3, 13, 14, 0)), at(2026, 3, 20, 14, 0), "5 working days over a weekend");
    assert_eq!(due("1.001193", at(2026, 3, 10, 15, 30)), at(2026, 3, 11, 17, 0), "same day, after 15:00");
    assert_eq!(submitted(seeded(THREE_DAYS), monday).timeliness(&CAL, monday), None, "no deadline before receipt");
}

#[test]
fn a_supplement_pause_moves_the_due_instant_by_exactly_the_paused_working_time() {
    let received = at(2026, 3, 6, 9, 0); // Friday
    let d = give(submitted(seeded(FIVE_DAYS), received), Command::Receive, received);
    let due = d.due_at.unwrap();
    assert_eq!(due, at(2026, 3, 13, 9, 0));

    let (paused, resumed) = (at(2026, 3, 9, 10, 0), at(2026, 3, 11, 8, 0)); // Monday 10:00 → Wednesday 08:00
    let d = give(d, cmd("request_supplement"), paused);
    assert_eq!((d.status, d.supplement_requests), (Status::SupplementRequested, 1));
    assert_eq!(d.open_pause(), Some(&Pause { kind: PauseKind::Supplement, from: paused, until: None }));
    assert_eq!(d.pending_note.as_deref(), Some("Bản sao giấy khai sinh"));
    assert_eq!(d.due_at, Some(due), "the appointment moves only when the clock resumes");

    let d = give(d, Command::ReceiveSupplement, resumed);
    assert_eq!(d.status, Status::Processing);
    assert_eq!(d.pauses, [Pause { kind: PauseKind::Supplement, from: paused, until: Some(resumed) }]);
    assert_eq!((d.open_pause(), d.pending_note.as_deref()), (None, None));
    let new_due = d.due_at.unwrap();
    // Monday 10:00–17:00 is 5 h, Tuesday 8 h, Wednesday 07:00–08:00 1 h.
    assert_eq!(CAL.working_time_between(paused, resumed), TimeDelta::hours(14));
    assert_eq!(CAL.working_time_between(due, new_due), TimeDelta::hours(14));
    assert_eq!(new_due, at(2026, 3, 16, 17, 0));
}

#[test]
fn a_pause_that_begins_after_the_due_instant_leaves_it_unchanged() {
    let received = at(2026, 3, 9, 9, 0);
    let d = give(submitted(seeded(THREE_DAYS), received), Command::Receive, received);
    let due = d.due_at.unwrap();
    let d = give(d, cmd("request_supplement"), at(2026, 3, 13, 9, 0));
    let d = give(d, Command::ReceiveSupplement, at(2026, 3, 20, 9, 0));
    assert_eq!(d.due_at, Some(due));
    assert_eq!(d.timeliness(&CAL, at(2026, 3, 20, 9, 0)), Some(Timeliness::Late));
}

#[test]
fn a_second_supplement_request_makes_the_dossier_late_even_when_decided_early() {
    let day = |h| at(2026, 3, 9, h, 0);
    let once = ["receive", "request_supplement", "receive_supplement"];
    let twice = ["receive", "request_supplement", "receive_supplement", "request_supplement", "receive_supplement"];
    let finish = ["forward_for_approval", "decide"];
    for (path, expected) in [(&once[..], Timeliness::Early), (&twice[..], Timeliness::Late)] {
        let d = submitted(seeded(FIVE_DAYS), day(7));
        let d = path.iter().chain(&finish).zip(8..).fold(d, |d, (name, h)| give(d, cmd(name), day(h)));
        assert_eq!(d.status, Status::Decided);
        assert!(d.ended_at.unwrap() < d.due_at.unwrap(), "decided days before the appointment");
        assert_eq!(d.timeliness(&CAL, day(17)), Some(expected), "{} requests", d.supplement_requests);
        assert_eq!(d.pauses.len(), d.supplement_requests as usize);
    }
}

#[test]
fn a_dossier_waiting_for_a_supplement_is_judged_at_the_request_time() {
    let received = at(2026, 3, 9, 8, 0);
    let d = give(submitted(seeded(THREE_DAYS), received), Command::Receive, received);
    let long_after = at(2026, 4, 30, 9, 0);
    let waiting = give(d.clone(), cmd("request_supplement"), at(2026, 3, 10, 9, 0));
    assert_eq!(waiting.timeliness(&CAL, long_after), Some(Timeliness::Early));
    let on_due_day = give(d.clone(), cmd("request_supplement"), at(2026, 3, 12, 7, 30));
    assert_eq!(on_due_day.timeliness(&CAL, long_after), Some(Timeliness::OnTime));
    let processing = give(d, Command::StartProcessing, at(2026, 3, 10, 9, 0));
    assert_eq!(processing.timeliness(&CAL, long_after), Some(Timeliness::Late), "no pause: judged now");
    // Once the supplement arrives the clock runs again and `now` counts.
    let resumed = give(waiting, Command::ReceiveSupplement, at(2026, 3, 16, 9, 0));
    assert_eq!(resumed.due_at, Some(at(2026, 3, 18, 8, 0)));
    assert_eq!(resumed.timeliness(&CAL, long_after), Some(Timeliness::Late));
}

#[test]
fn a_financial_obligation_stops_the_clock_until_it_is_confirmed() {
    let received = at(2026, 3, 9, 9, 0); // Monday
    let d = give(submitted(seeded(THREE_DAYS), received), Command::Receive, received);
    assert_eq!(d.due_at, Some(at(2026, 3, 12, 9, 0)));
    let (requested, met) = (at(2026, 3, 9, 15, 0), at(2026, 3, 12, 15, 0));
    let d = give(d, cmd("request_financial_obligation"), requested);
    assert_eq!((d.status, d.fees.clone(), d.fee_total()), (Status::FinancialObligation, vec![fee()], 20_000));
    assert_eq!(d.open_pause().map(|p| (p.kind, p.from)), Some((PauseKind::FinancialObligation, requested)));
    assert_eq!(d.timeliness(&CAL, at(2026, 4, 1, 9, 0)), Some(Timeliness::Early), "paused: judged at the request");

    let confirm = Command::ConfirmFinancialObligation { online_payment: 1 };
    let kind = try_give(&d, &Actor::System, &confirm, met).unwrap();
    let d = dossier::evolve(Some(d), &code(), met, &kind);
    assert_eq!((d.status, d.online_payment, d.supplement_requests), (Status::Processing, 1, 0));
    assert_eq!(d.pauses, [Pause { kind: PauseKind::FinancialObligation, from: requested, until: Some(met) }]);
    assert_eq!(CAL.working_time_between(requested, met), TimeDelta::hours(24));
    assert_eq!(CAL.working_time_between(at(2026, 3, 12, 9, 0), d.due_at.unwrap()), TimeDelta::hours(24));
    assert_eq!(d.due_at, Some(at(2026, 3, 17, 9, 0)));
}

#[test]
fn the_online_payment_flag_accepts_zero_to_two_and_rejects_anything_higher() {
    let d = reach(path_to(Status::FinancialObligation));
    let intake = staff(Role::IntakeOfficer, &d.handling_unit);
    for flag in 0..=2u8 {
        let kind = try_give(&d, &intake, &Command::ConfirmFinancialObligation { online_payment: flag }, later());
        let Ok(kind @ EventKind::FinancialObligationMet { online_payment, .. }) = kind else { panic!("{kind:?}") };
        assert_eq!(online_payment, flag);
        assert_eq!(dossier::evolve(Some(d.clone()), &code(), later(), &kind).online_payment, flag);
    }
    for flag in [3, 255] {
        let got = try_give(&d, &intake, &Command::ConfirmFinancialObligation { online_payment: flag }, later());
        assert_eq!(got, Err(LifecycleError::BadPaymentFlag), "{flag}");
    }
}

#[test]
fn fee_lines_need_a_name_a_positive_amount_and_at_least_one_copy() {
    let d = reach(&["receive"]);
    let intake = staff(Role::IntakeOfficer, &d.handling_unit);
    let line = |name: &str, amount, copies| FeeLine { name: name.into(), amount, copies };
    for fees in [
        vec![],
        vec![line(" ", 10_000, 1)],
        vec![line("Lệ phí", 0, 1)],
        vec![line("Lệ phí", -5, 1)],
        vec![line("Lệ phí", 10_000, 0)],
        vec![fee(), line("Phí", 0, 1)],
    ] {
        let got = try_give(&d, &intake, &Command::RequestFinancialObligation { fees: fees.clone() }, later());
        assert_eq!(got, Err(LifecycleError::BadFee), "{fees:?}");
    }
}

#[test]
fn processing_ends_at_the_decision_and_stays_there_after_the_result_is_returned() {
    let d = reach(path_to(Status::Returned));
    let decided = t0() + TimeDelta::minutes(120);
    assert_eq!((d.ended_at, d.returned_at), (Some(decided), Some(t0() + TimeDelta::minutes(150))));
    assert_eq!(d.timeliness(&CAL, at(2027, 1, 1, 9, 0)), Some(Timeliness::Early));
}

#[test]
fn a_stopped_dossier_ends_when_stopped_and_a_refused_one_ends_when_refused_without_a_verdict() {
    let stopped = reach(&["receive", "request_supplement", "stop"]);
    let stop_at = t0() + TimeDelta::minutes(90);
    assert_eq!(stopped.ended_at, Some(stop_at));
    assert_eq!(stopped.pauses.last().unwrap().until, Some(stop_at), "stopping closes the pause");
    assert_eq!(stopped.timeliness(&CAL, at(2027, 1, 1, 9, 0)), Some(Timeliness::Early));

    let refused = reach(&["refuse"]);
    assert_eq!((refused.ended_at, refused.due_at), (Some(t0() + TimeDelta::minutes(30)), None));
    assert_eq!(refused.pending_note.as_deref(), Some("Không thuộc thẩm quyền"));
    assert_eq!(refused.timeliness(&CAL, at(2027, 1, 1, 9, 0)), None);
}

#[test]
fn a_withdrawal_ends_processing_only_once_the_dossier_was_received() {
    let before_receipt = reach(&["withdraw"]);
    assert_eq!((before_receipt.status, before_receipt.ended_at), (Status::Withdrawn, None));
    assert_eq!(before_receipt.timeliness(&CAL, later()), None);

    let withdrawn = reach(&["receive", "start_processing", "withdraw"]);
    assert_eq!(withdrawn.ended_at, Some(t0() + TimeDelta::minutes(90)));
    assert_eq!(withdrawn.timeliness(&CAL, at(2027, 1, 1, 9, 0)), Some(Timeliness::Early));

    let while_waiting = reach(&["receive", "request_supplement", "withdraw"]);
    let withdraw_at = t0() + TimeDelta::minutes(90);
    assert_eq!(while_waiting.ended_at, Some(withdraw_at));
    assert_eq!(while_waiting.pauses.last().unwrap().until, Some(withdraw_at), "withdrawing closes the pause");
    assert_eq!(while_waiting.pending_note.as_deref(), Some("Không còn nhu cầu"));
}

#[test]
fn a_late_decision_is_late_and_one_on_the_due_day_is_on_time() {
    let received = at(2026, 3, 9, 9, 0);
    let d = give(submitted(seeded(THREE_DAYS), received), Command::Receive, received);
    let d = give(d, Command::StartProcessing, received);
    let d = give(d, cmd("forward_for_approval"), received);
    let due = d.due_at.unwrap();
    let on_time = give(d.clone(), cmd("decide"), due);
    assert_eq!(on_time.timeliness(&CAL, at(2027, 1, 1, 9, 0)), Some(Timeliness::OnTime));
    let late = give(d, cmd("decide"), due + TimeDelta::minutes(1));
    assert_eq!(late.timeliness(&CAL, at(2027, 1, 1, 9, 0)), Some(Timeliness::Late));
}

// ---------------------------------------------------------------------------------------------------------
// 4. Random legal histories: replay and the hash chain
// ---------------------------------------------------------------------------------------------------------

/// Everyone who may give `command` to `d`: staff of each allowed role at the handling and the receiving unit,
/// the citizen for a withdrawal, Motcua for a payment confirmation.
fn actors_for(command: &Command, d: &Dossier) -> Vec<Actor> {
    let mut units = vec![d.handling_unit.clone(), d.receiving_unit.clone()];
    units.dedup();
    let staff_actors = command.roles().iter().flat_map(|&r| units.iter().map(move |u| staff(r, u)));
    staff_actors.chain([Actor::Citizen, Actor::System]).filter(|a| entitled(a, command)).collect()
}

/// What `decide` accepts for `d` at `now`: per command, every (actor, event) it accepts from.
fn legal_moves(d: &Dossier, now: DateTime<Utc>) -> Vec<Vec<(Actor, EventKind)>> {
    let payments = (0..2).map(|online_payment| Command::ConfirmFinancialObligation { online_payment });
    let by = |c: &Command| -> Vec<_> {
        actors_for(c, d).into_iter().filter_map(|a| try_give(d, &a, c, now).ok().map(|k| (a, k))).collect()
    };
    commands(&d.handling_unit).iter().chain(&payments.collect::<Vec<_>>()).map(by).filter(|m| !m.is_empty()).collect()
}

/// Whether an event gives the dossier up (refused, withdrawn, stopped) rather than moving it on.
fn gives_up(kind: &EventKind) -> bool {
    matches!(kind, EventKind::Refused { .. } | EventKind::Withdrawn { .. } | EventKind::Stopped { .. })
}

/// Appends an event to `log`, sealed onto the previous one the way storage seals it.
fn record(
    log: &mut Vec<StoredEvent>,
    at: DateTime<Utc>,
    actor: Actor,
    before: Option<Status>,
    after: &Dossier,
    kind: EventKind,
) {
    let (actor_json, data_json) = (serde_json::to_string(&actor).unwrap(), serde_json::to_string(&kind).unwrap());
    let seq = log.len() as u32 + 1;
    let prev_hash = log.last().map_or(chain::GENESIS.to_string(), |e| e.event.hash.clone());
    let hash = Sealed {
        dossier: &code().to_string(),
        seq,
        at,
        actor_json: &actor_json,
        before,
        after: after.status,
        data_json: &data_json,
        prev_hash: &prev_hash,
    }
    .hash();
    let event = Event { dossier: code(), seq, at, actor, before, after: after.status, kind, prev_hash, hash };
    log.push(StoredEvent { event, actor_json, data_json });
}

/// Facts every reachable dossier satisfies.
fn check_invariants(d: &Dossier, previous_due: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<(), TestCaseError> {
    use Status::*;
    prop_assert_eq!(d.open_pause().is_some(), d.status.is_paused());
    prop_assert!(d.pauses.iter().rev().skip(1).all(|p| p.until.is_some()), "only the last pause may be open");
    prop_assert!(d.pauses.iter().all(|p| p.until.is_none_or(|u| u >= p.from)));
    let supplements = d.pauses.iter().filter(|p| p.kind == PauseKind::Supplement).count();
    prop_assert_eq!(supplements, d.supplement_requests as usize);
    prop_assert_eq!(d.due_at.is_some(), d.received_at.is_some());
    if let (Some(before), Some(after)) = (previous_due, d.due_at) {
        prop_assert!(after >= before, "the appointment never moves earlier");
    }
    let ended = matches!(d.status, Refused | Stopped | Decided | Returned)
        || (d.status == Withdrawn && d.received_at.is_some());
    prop_assert_eq!(d.ended_at.is_some(), ended);
    prop_assert!(!d.awaiting_approval || d.status == Processing, "awaiting approval in {:?}", d.status);
    prop_assert!(d.online_payment <= 2);
    if d.supplement_requests > 1 {
        prop_assert_eq!(d.timeliness(&CAL, now), Some(Timeliness::Late));
    }
    Ok(())
}

/// Flips the lowest bit of an ASCII byte of `text` (so it stays valid UTF-8).
fn flip_ascii_byte(text: &str, pick: Index) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let ascii: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i].is_ascii()).collect();
    bytes[ascii[pick.index(ascii.len())]] ^= 1;
    String::from_utf8(bytes).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_legal_histories_replay_to_the_folded_state_and_their_chain_names_any_tampering(
        procedure_pick in any::<Index>(),
        start_minutes in 0i64..2 * 365 * 24 * 60,
        steps in prop::collection::vec(
            (prop::bool::weighted(0.08), any::<Index>(), any::<Index>(), 0i64..3 * 24 * 60),
            1..40,
        ),
        byte_pick in any::<Index>(),
        swap_pick in (any::<Index>(), any::<Index>()),
    ) {
        let p = &PROCEDURES[procedure_pick.index(PROCEDURES.len())];
        let mut now = at(2025, 1, 1, 0, 0) + TimeDelta::minutes(start_minutes);
        let submission = EventKind::Submitted { dossier: Box::new(new_dossier(p)) };
        let mut state = dossier::evolve(None, &code(), now, &submission);
        let mut log = Vec::new();
        record(&mut log, now, Actor::Citizen, None, &state, submission);
        for (give_up, command_pick, actor_pick, gap) in steps {
            now += TimeDelta::minutes(gap);
            // Giving up is rare, so that histories run long; otherwise every command is as likely as any other.
            let (ends, moves): (Vec<_>, Vec<_>) =
                legal_moves(&state, now).into_iter().partition(|m| gives_up(&m[0].1));
            let pool = if (give_up && !ends.is_empty()) || moves.is_empty() { ends } else { moves };
            if pool.is_empty() {
                prop_assert!(state.status.is_final(), "stuck in {:?}", state.status);
                break;
            }
            let givers = &pool[command_pick.index(pool.len())];
            let (actor, kind) = givers[actor_pick.index(givers.len())].clone();
            let (before, previous_due) = (state.status, state.due_at);
            state = dossier::evolve(Some(state), &code(), now, &kind);
            check_invariants(&state, previous_due, now)?;
            record(&mut log, now, actor, Some(before), &state, kind);
        }

        let events: Vec<Event> = log.iter().map(|e| e.event.clone()).collect();
        prop_assert_eq!(state.version as usize, events.len());
        prop_assert_eq!(dossier::replay(&events), Some(state));
        let code_text = code().to_string();
        prop_assert_eq!(chain::verify(&code_text, &log), Ok(()));

        for i in 0..log.len() {
            let original = log[i].data_json.clone();
            log[i].data_json = flip_ascii_byte(&original, byte_pick);
            prop_assert_eq!(chain::verify(&code_text, &log), Err(BrokenLink::HashMismatch { seq: i as u32 + 1 }));
            log[i].data_json = original;
        }

        let n = log.len();
        prop_assert!(n >= 2);
        let i = swap_pick.0.index(n - 1);
        let j = i + 1 + swap_pick.1.index(n - 1 - i);
        let (first, second) = (i as u32 + 1, j as u32 + 1);
        log.swap(i, j);
        prop_assert_eq!(chain::verify(&code_text, &log), Err(BrokenLink::Gap { seq: second, expected: first }));
        // Swapped with their sequence numbers rewritten to fit: the link to the previous event breaks.
        log[i].event.seq = first;
        log[j].event.seq = second;
        let err = chain::verify(&code_text, &log).unwrap_err();
        prop_assert_eq!(&err, &BrokenLink::PrevMismatch { seq: first, prev: first - 1 });
        prop_assert_eq!(err.seq(), first);
    }
}

// ---------------------------------------------------------------------------------------------------------
// 5. Serialization
// ---------------------------------------------------------------------------------------------------------

#[test]
fn every_event_kind_round_trips_through_json() {
    let t = at(2026, 3, 9, 10, 0);
    let kinds = vec![
        EventKind::Submitted { dossier: Box::new(new_dossier(seeded(FIVE_DAYS))) },
        EventKind::Received { due_at: t, calendar_version: 3 },
        EventKind::Refused { reason: "Không thuộc thẩm quyền".into() },
        EventKind::ProcessingStarted,
        EventKind::Transferred { from: unit(HOME), to: unit(OTHER), reason: "Đúng thẩm quyền".into() },
        EventKind::SupplementRequested { missing: "Tờ khai".into() },
        EventKind::SupplementReceived { due_at: t },
        EventKind::FinancialObligationRequested { fees: vec![fee()] },
        EventKind::FinancialObligationMet { due_at: t, online_payment: 2 },
        EventKind::Withdrawn { reason: "Không còn nhu cầu".into() },
        EventKind::Stopped { reason: "Giả mạo".into() },
        EventKind::ForwardedForApproval { summary: "Đủ điều kiện".into() },
        EventKind::SentBack { reason: "Xem lại".into() },
        EventKind::Decided {
            results: vec![ResultDoc {
                name: "Giấy xác nhận".into(), electronic: true, file_sha256: Some("ab".into())
            }],
        },
        EventKind::ResultReturned,
        EventKind::SupplementProvided {
            files: vec![Component {
                code: "TK".into(),
                name: "Tờ khai".into(),
                file_sha256: Some("ab".into()),
                digitized: true,
                reused: false,
                from_citizen_store: false,
            }],
            note: "Bản chụp rõ hơn".into(),
        },
        EventKind::Rated { rating: Rating { score: 4, comment: "Nhanh".into(), complaint: false } },
        EventKind::ApologyIssued { new_due_at: at(2025, 11, 28, 10, 0), reason: "Chờ xác minh".into() },
        EventKind::Assisted {
            helper: "Đoàn Thanh niên".into(), session: "Khu phố 3, thứ Sáu".into(), support: None
        },
        EventKind::PaymentRecorded {
            payment: motcua_domain::payment::PaymentRef::parse("MC0123456789ABCDEF").unwrap(),
            method: motcua_domain::payment::PaymentMethod::Vnpay,
            amount: 8_000,
            state: motcua_domain::payment::PaymentState::Paid,
            gateway_txn: Some("14000001".into()),
        },
        EventKind::IdentityChecked { matched: false, detail: "birth_date".into() },
    ];
    // Fails to compile when a kind is added, so that it is added above too.
    let slot = |k: &EventKind| match k {
        EventKind::Submitted { .. } => 0,
        EventKind::Received { .. } => 1,
        EventKind::Refused { .. } => 2,
        EventKind::ProcessingStarted => 3,
        EventKind::Transferred { .. } => 4,
        EventKind::SupplementRequested { .. } => 5,
        EventKind::SupplementReceived { .. } => 6,
        EventKind::FinancialObligationRequested { .. } => 7,
        EventKind::FinancialObligationMet { .. } => 8,
        EventKind::Withdrawn { .. } => 9,
        EventKind::Stopped { .. } => 10,
        EventKind::ForwardedForApproval { .. } => 11,
        EventKind::SentBack { .. } => 12,
        EventKind::Decided { .. } => 13,
        EventKind::ResultReturned => 14,
        EventKind::SupplementProvided { .. } => 15,
        EventKind::Rated { .. } => 16,
        EventKind::ApologyIssued { .. } => 17,
        EventKind::Assisted { .. } => 18,
        EventKind::PaymentRecorded { .. } => 19,
        EventKind::IdentityChecked { .. } => 20,
    };
    assert!(kinds.iter().enumerate().all(|(i, k)| slot(k) == i));
    let mut tags = BTreeSet::new();
    for kind in kinds {
        let json = serde_json::to_string(&kind).unwrap();
        assert_eq!(serde_json::from_str::<EventKind>(&json).unwrap(), kind, "{json}");
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert!(tags.insert(value["type"].as_str().unwrap().to_string()), "duplicate tag in {json}");
    }
}

#[test]
fn every_command_round_trips_through_json_and_a_payment_flag_defaults_to_cash() {
    for command in commands(&unit(HOME)) {
        let json = serde_json::to_string(&command).unwrap();
        assert_eq!(serde_json::from_str::<Command>(&json).unwrap(), command, "{json}");
        assert!(json.contains(&format!("\"command\":\"{}\"", command.name())), "{json}");
    }
    let bare: Command = serde_json::from_str(r#"{"command":"confirm_financial_obligation"}"#).unwrap();
    assert_eq!(bare, Command::ConfirmFinancialObligation { online_payment: 0 });
}

#[test]
fn a_dossier_round_trips_through_json_at_every_step_of_a_full_history() {
    let path = [
        "receive",
        "request_financial_obligation",
        "confirm_financial_obligation",
        "request_supplement",
        "receive_supplement",
        "transfer",
        "forward_for_approval",
        "send_back",
        "forward_for_approval",
        "decide",
        "return_result",
    ];
    let mut d = submitted(seeded(FIVE_DAYS), t0());
    for (name, i) in path.iter().zip(1..) {
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<Dossier>(&json).unwrap(), d, "before {name}");
        d = give(d, cmd(name), t0() + TimeDelta::hours(i));
    }
    assert_eq!((d.status, d.pauses.len(), d.online_payment, d.handling_unit.as_str()), (Status::Returned, 2, 2, OTHER));
    let json = serde_json::to_string_pretty(&d).unwrap();
    assert_eq!(serde_json::from_str::<Dossier>(&json).unwrap(), d);
}
