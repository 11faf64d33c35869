//! A realistic dossier history generated through the real domain commands (every event legal),
//! with a fixed seed: the demo's months of activity.

use std::sync::Arc;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use motcua_domain::calendar::WorkCalendar;
use motcua_domain::catalog::Procedure;
use motcua_domain::dossier::{
    Applicant, Channel, Command, Component, Context, Dossier, FeeLine, ResultDoc, SecretHash, Submission, decide,
    evolve,
};
use motcua_domain::identity::ApplicantId;
use motcua_domain::ports::{Creation, DossierStore, FollowUp};
use motcua_domain::staff::Actor;
use motcua_domain::unit::Unit;
use motcua_storage::Db;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The staff who act on one unit's dossiers.
#[derive(Clone)]
pub struct Crew {
    pub intake: Actor,
    pub specialist: Actor,
    pub leader: Actor,
}

/// One unit's share of the history.
pub struct UnitPlan {
    pub unit: Unit,
    pub crew: Crew,
    /// Mean dossiers per working day.
    pub per_day: f64,
}

/// The shares of the random history (each a probability, 0–1).
#[derive(Debug, Clone, Copy)]
pub struct Mix {
    /// Submitted online (where the procedure is offered online); else at the counter.
    pub online: f64,
    /// Paused once for a supplement.
    pub paused: f64,
    /// Settled late.
    pub late: f64,
    /// Settled on the due day (the rest are settled early).
    pub on_time: f64,
    /// Of the fee-bearing dossiers, paid online.
    pub paid_online: f64,
    pub refused: f64,
    pub withdrawn: f64,
}

impl Default for Mix {
    fn default() -> Mix {
        Mix { online: 0.8, paused: 0.08, late: 0.04, on_time: 0.11, paid_online: 0.9, refused: 0.02, withdrawn: 0.01 }
    }
}

/// Exact counts per unit over the whole period, instead of a random daily rate: the dossiers
/// are spread evenly over the working days and each one's outcome is drawn without replacement.
#[derive(Debug, Clone, Copy)]
pub struct Quota {
    pub early: usize,
    pub on_time: usize,
    pub late: usize,
}

pub struct Plan {
    pub units: Vec<UnitPlan>,
    pub procedures: Vec<Procedure>,
    pub from: NaiveDate,
    /// The last day dossiers arrive (included).
    pub to: NaiveDate,
    pub mix: Mix,
    pub quota: Option<Quota>,
    /// History stops at this instant: later steps are not taken.
    pub now: DateTime<Utc>,
    pub seed: u64,
    pub calendar: Arc<WorkCalendar>,
    pub calendar_version: u32,
}

fn vn() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7")
}

const FAMILY: [&str; 10] = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Đặng", "Bùi"];
const MIDDLE: [&str; 8] = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hoàng", "Quốc", "Thu"];
const GIVEN: [&str; 12] = ["An", "Bình", "Châu", "Dũng", "Hà", "Hùng", "Lan", "Mai", "Nam", "Phúc", "Tâm", "Yến"];

fn applicant(rng: &mut StdRng) -> Applicant {
    let name = format!(
        "{} {} {}",
        FAMILY[rng.random_range(0..FAMILY.len())],
        MIDDLE[rng.random_range(0..MIDDLE.len())],
        GIVEN[rng.random_range(0..GIVEN.len())]
    );
    // Born in Vĩnh Long (086) between 1940 and 2007: century/sex digit 0–3, then the year.
    let year: u32 = rng.random_range(1940..2008);
    let century = if year >= 2000 { 2 } else { 0 } + rng.random_range(0..2);
    let id = format!("086{century}{:02}{:06}", year % 100, rng.random_range(0..1_000_000));
    Applicant {
        name,
        id_number: ApplicantId::parse(&id).expect("generated IDs are valid"),
        phone: Some(format!("09{:08}", rng.random_range(0..100_000_000))),
        email: None,
        address: Some("Phường An Hội, Tỉnh Vĩnh Long".into()),
        birth_date: None,
    }
}

/// A working instant on `day` between 07:15 and `last` minutes after 07:00, or `None` on a day off.
fn instant_on(cal: &WorkCalendar, day: NaiveDate, last: i64, rng: &mut StdRng) -> Option<DateTime<Utc>> {
    if !cal.is_working_day(day) {
        return None;
    }
    let minutes = rng.random_range(15..last);
    let local = day.and_hms_opt(7, 0, 0)? + Duration::minutes(minutes);
    let t = vn().from_local_datetime(&local).single()?.with_timezone(&Utc);
    Some(cal.next_working_instant(t))
}

fn minutes(m: i64) -> Duration {
    Duration::minutes(m)
}

/// One dossier to create: where, when, and how its life goes.
struct Arrival<'a> {
    unit: &'a UnitPlan,
    at: DateTime<Utc>,
    outcome: Option<u8>,
}

/// Writes the history; returns the number of dossiers created.
pub async fn run(db: &Db, plan: &Plan, progress: impl Fn(usize)) -> anyhow::Result<usize> {
    let mut rng = StdRng::seed_from_u64(plan.seed);
    let cal = plan.calendar.clone();
    let last = plan.to.min(plan.now.with_timezone(&vn()).date_naive());
    let mut days = Vec::new();
    let mut day = plan.from;
    while day <= last {
        if cal.is_working_day(day) {
            days.push(day);
        }
        day = day.succ_opt().expect("dates stay in range");
    }
    let mut arrivals: Vec<Arrival> = Vec::new();
    for (i, day) in days.iter().enumerate() {
        for up in &plan.units {
            let n = match plan.quota {
                // Spread exactly: dossiers k with k·days/total on day i.
                Some(q) => {
                    let total = q.early + q.on_time + q.late;
                    (total * (i + 1)).div_ceil(days.len()) - (total * i).div_ceil(days.len())
                }
                None => (up.per_day * rng.random_range(0.6..1.4)).round() as usize,
            };
            for _ in 0..n {
                // Under a quota, submit by 14:00 so that an online dossier is received the same
                // day (its receipt date puts it in the period).
                let last = if plan.quota.is_some() { 7 * 60 } else { 9 * 60 + 45 };
                if let Some(at) = instant_on(&cal, *day, last, &mut rng).filter(|t| *t <= plan.now) {
                    arrivals.push(Arrival { unit: up, at, outcome: None });
                }
            }
        }
    }
    if let Some(q) = plan.quota {
        for up in &plan.units {
            let mut outcomes: Vec<u8> =
                [(0u8, q.early), (1, q.on_time), (2, q.late)].iter().flat_map(|(o, n)| vec![*o; *n]).collect();
            for i in (1..outcomes.len()).rev() {
                outcomes.swap(i, rng.random_range(0..=i));
            }
            let mine = arrivals.iter_mut().filter(|a| a.unit.unit.code == up.unit.code);
            for (a, o) in mine.zip(outcomes) {
                a.outcome = Some(o);
            }
        }
    }
    let mut created = 0usize;
    for a in arrivals {
        let up = a.unit;
        let p = pick_procedure(&plan.procedures, a.outcome, &mut rng);
        let online = rng.random_bool(plan.mix.online) && p.online_level != motcua_domain::catalog::OnlineLevel::None;
        let channel = if online { Channel::Online } else { Channel::Counter };
        let submission = Submission {
            procedure: p.code.clone(),
            unit: up.unit.code.clone(),
            channel,
            applicant: applicant(&mut rng),
            components: p
                .components
                .iter()
                .map(|c| Component {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    file_sha256: None,
                    digitized: true,
                    reused: rng.random_bool(0.3),
                    from_citizen_store: rng.random_bool(0.2),
                })
                .collect(),
            copies: 1,
            identity_verified: online && rng.random_bool(0.7),
        };
        let new = submission.check(p)?;
        let script = Script::draw(&mut rng, online, &plan.mix, a.outcome);
        let seed: u64 = rng.random();
        let actor = if online { Actor::Citizen } else { up.crew.intake.clone() };
        let creation = Creation { new, actor, at: a.at, secret: SecretHash::of(&format!("demo-{seed}")) };
        let (crew, cal2, proc2, now, version) =
            (up.crew.clone(), cal.clone(), p.clone(), plan.now, plan.calendar_version);
        db.create(
            creation,
            Some(move |d: &Dossier| script.play_until_drawn(d, &crew, &cal2, version, &proc2, now, seed)),
        )
        .await?;
        created += 1;
        if created.is_multiple_of(500) {
            progress(created);
        }
    }
    Ok(created)
}

/// A procedure for the drawn outcome: an early settlement needs a due day after the day of
/// receipt (same-day procedures can only be on time under the default 766 convention).
fn pick_procedure<'a>(procedures: &'a [Procedure], outcome: Option<u8>, rng: &mut StdRng) -> &'a Procedure {
    use motcua_domain::calendar::StatutoryTime;
    let fits = |p: &&Procedure| match outcome {
        Some(0) => {
            matches!(p.statutory_time, StatutoryTime::WorkingDays { days } if days >= 2)
                || matches!(p.statutory_time, StatutoryTime::CalendarDays { days } if days >= 2)
        }
        _ => true,
    };
    let choices: Vec<&Procedure> = procedures.iter().filter(fits).collect();
    let choices = if choices.is_empty() { procedures.iter().collect() } else { choices };
    choices[rng.random_range(0..choices.len())]
}

/// How a dossier's life goes.
#[derive(Clone, Copy)]
struct Script {
    online: bool,
    refuse: bool,
    supplement: bool,
    withdraw: bool,
    paid_online: bool,
    /// The outcome was fixed by a quota: replay until the dossier ends that way.
    forced: bool,
    /// 0 early, 1 on time, 2 late.
    outcome: u8,
}

impl Script {
    fn draw(rng: &mut StdRng, online: bool, mix: &Mix, outcome: Option<u8>) -> Script {
        let x: f64 = rng.random();
        let forced = outcome.is_some();
        Script {
            online,
            // A quota counts settled dossiers only: none is refused or withdrawn.
            refuse: !forced && online && rng.random_bool(mix.refused),
            supplement: rng.random_bool(mix.paused),
            withdraw: !forced && rng.random_bool(mix.withdrawn),
            paid_online: rng.random_bool(mix.paid_online),
            forced,
            outcome: outcome.unwrap_or(if x < 1.0 - mix.late - mix.on_time {
                0
            } else if x < 1.0 - mix.late {
                1
            } else {
                2
            }),
        }
    }

    /// Plays the script; under a quota, replays with other draws (up to 64) until the dossier
    /// ends with the drawn outcome, so the counts are exact.
    #[allow(clippy::too_many_arguments)]
    fn play_until_drawn(
        self,
        start: &Dossier,
        crew: &Crew,
        cal: &WorkCalendar,
        version: u32,
        procedure: &Procedure,
        now: DateTime<Utc>,
        seed: u64,
    ) -> Result<Vec<FollowUp>, motcua_domain::dossier::LifecycleError> {
        let mut script = self;
        for attempt in 0..64u64 {
            let (out, end) = script.play(start, crew, cal, version, procedure, now, seed.wrapping_add(attempt))?;
            let got = match (end.due_at, end.ended_at) {
                (Some(due), Some(ended)) if end.supplement_requests <= 1 => Some(cal.classify(due, ended) as u8),
                _ => None,
            };
            if !self.forced || got == Some(self.outcome) {
                return Ok(out);
            }
            // Settling early may be impossible after a supplement: drop it and try again.
            script.supplement = attempt % 2 == 0 && self.supplement;
        }
        Err(motcua_domain::dossier::LifecycleError::BadFee)
    }

    /// Plays the script through `decide`, stopping at `now`.
    #[allow(clippy::too_many_arguments)]
    fn play(
        self,
        start: &Dossier,
        crew: &Crew,
        cal: &WorkCalendar,
        version: u32,
        procedure: &Procedure,
        now: DateTime<Utc>,
        seed: u64,
    ) -> Result<(Vec<FollowUp>, Dossier), motcua_domain::dossier::LifecycleError> {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut d = start.clone();
        let mut out = Vec::new();
        let mut t = d.submitted_at;
        let mut step = |d: &mut Dossier, actor: &Actor, at: DateTime<Utc>, cmd: Command| {
            if at > now {
                return Ok(false);
            }
            let ctx = Context { now: at, calendar: cal, calendar_version: version, procedure };
            let kind = decide(d, actor, &cmd, &ctx)?;
            *d = evolve(Some(d.clone()), &d.code, at, &kind);
            out.push(FollowUp { actor: actor.clone(), at, kind });
            Ok::<bool, motcua_domain::dossier::LifecycleError>(true)
        };
        let later = |t: DateTime<Utc>, lo: i64, hi: i64, rng: &mut StdRng| {
            cal.add_working_time(t, minutes(rng.random_range(lo..hi)))
        };
        t = if self.online { later(t, 10, 120, &mut rng) } else { t };
        if self.refuse {
            step(
                &mut d,
                &crew.intake,
                t,
                Command::Refuse { reason: "Hồ sơ không thuộc thẩm quyền giải quyết".into() },
            )?;
            return Ok((out, d));
        }
        if !step(&mut d, &crew.intake, t, Command::Receive)? {
            return Ok((out, d));
        }
        t = later(t, 5, 40, &mut rng);
        if !step(&mut d, &crew.specialist, t, Command::StartProcessing)? {
            return Ok((out, d));
        }
        if procedure.has_fee() {
            // The fee is paid during processing: the clock stops until it is confirmed.
            let amount = if d.fee_total() > 0 { d.fee_total() } else { 20_000 };
            let fees = vec![FeeLine { name: "Lệ phí giải quyết thủ tục".into(), amount, copies: 1 }];
            t = later(t, 5, 30, &mut rng);
            if !step(&mut d, &crew.specialist, t, Command::RequestFinancialObligation { fees })? {
                return Ok((out, d));
            }
            t = later(t, 5, 90, &mut rng);
            let online_payment = if self.paid_online { 2 } else { 0 };
            if !step(&mut d, &crew.intake, t, Command::ConfirmFinancialObligation { online_payment })? {
                return Ok((out, d));
            }
        }
        if self.supplement {
            t = later(t, 10, 120, &mut rng);
            let missing = "Bản sao giấy tờ chứng minh nơi cư trú".to_string();
            if !step(&mut d, &crew.specialist, t, Command::RequestSupplement { missing })? {
                return Ok((out, d));
            }
            t = later(t, 8 * 60, 3 * 8 * 60, &mut rng);
            if !step(&mut d, &crew.intake, t, Command::ReceiveSupplement)? {
                return Ok((out, d));
            }
        }
        if self.withdraw {
            t = later(t, 10, 60, &mut rng);
            step(&mut d, &crew.intake, t, Command::Withdraw { reason: "Công dân xin rút hồ sơ".into() })?;
            return Ok((out, d));
        }
        let due = d.due_at.unwrap_or(t);
        let finish = self.finish(cal, t, due, &mut rng);
        let forward = cal.add_working_time(t, (cal.working_time_between(t, finish) / 2).max(minutes(1)));
        if !step(&mut d, &crew.specialist, forward, Command::ForwardForApproval { summary: "Đủ điều kiện".into() })?
        {
            return Ok((out, d));
        }
        let results = vec![ResultDoc { name: procedure.name.clone(), electronic: true, file_sha256: None }];
        if !step(&mut d, &crew.leader, finish.max(forward), Command::Decide { results })? {
            return Ok((out, d));
        }
        let back = later(finish.max(forward), 5, 8 * 60, &mut rng);
        step(&mut d, &crew.intake, back, Command::ReturnResult)?;
        Ok((out, d))
    }

    /// When the decision is signed, for the drawn outcome.
    fn finish(&self, cal: &WorkCalendar, t: DateTime<Utc>, due: DateTime<Utc>, rng: &mut StdRng) -> DateTime<Utc> {
        let local = |x: DateTime<Utc>| x.with_timezone(&vn()).date_naive();
        match self.outcome {
            // Early: strictly before the due day, when there is such a working day after `t`.
            0 if local(t) < local(due) => {
                let mut last_early = t;
                let mut day = local(t);
                while day < local(due) {
                    if cal.is_working_day(day) {
                        last_early = vn()
                            .from_local_datetime(&day.and_hms_opt(16, 30, 0).expect("valid"))
                            .single()
                            .expect("fixed offset")
                            .with_timezone(&Utc)
                            .max(t);
                    }
                    day = day.succ_opt().expect("in range");
                }
                let span = cal.working_time_between(t, last_early).num_minutes().max(1);
                cal.add_working_time(t, minutes(rng.random_range(1..=span)))
            }
            2 => cal.add_working_time(due, minutes(rng.random_range(30..16 * 60))),
            // On time: on the due day, before the due instant.
            _ => {
                let day_start = local(due);
                let start = vn()
                    .from_local_datetime(&day_start.and_hms_opt(7, 0, 0).expect("valid"))
                    .single()
                    .expect("fixed offset")
                    .with_timezone(&Utc)
                    .max(t);
                let span = cal.working_time_between(start, due).num_minutes().max(1);
                cal.add_working_time(start, minutes(rng.random_range(0..span))).min(due)
            }
        }
    }
}
