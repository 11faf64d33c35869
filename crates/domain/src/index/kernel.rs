//! The counting kernel: every dossier indicator of one unit in a single pass over compact rows
//! (instants as milliseconds, flags as bits, the unit and procedure as indices), with the lists
//! of lost dossiers built only when asked for. One definition of each rule serves the full
//! recompute, the drill-down and the reports, so they cannot disagree.

use chrono::{DateTime, Utc};

use super::config::{EarlyRule, IndexConfig};
use super::facts::DossierFacts;
use super::report::ProgressCounts;
use crate::dossier::{Channel, Status};

/// An absent instant.
const NONE: i64 = i64::MIN;
const DAY_MS: i64 = 86_400_000;
const UTC7_MS: i64 = 7 * 3_600_000;

/// A ratio indicator counted per dossier; [`Slot::OnTime`] is the progress indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    OnTime,
    OnlineFullProcess,
    OriginalResult,
    SoHoa,
    Reused,
    CitizenStore,
    CitizenDossier,
    Payment,
    ReceivingSatisfaction,
}
pub const SLOTS: usize = 9;

const DIGITIZED: u16 = 1;
const REUSED: u16 = 1 << 1;
const STORE: u16 = 1 << 2;
const E_RESULT: u16 = 1 << 3;
const PAPER: u16 = 1 << 4;
const OWING: u16 = 1 << 5;
const HAS_FEE: u16 = 1 << 6;
const PAID_ONLINE: u16 = 1 << 7;
const VERIFIED: u16 = 1 << 8;
const FULLY_ONLINE: u16 = 1 << 9;
const COMPLAINT: u16 = 1 << 10;
const ONLINE: u16 = 1 << 11;

/// One dossier as the kernel counts it (56 bytes).
#[derive(Debug, Clone, Copy)]
pub struct Row {
    received: i64,
    submitted: i64,
    due: i64,
    ended: i64,
    paused: i64,
    /// The unit's index in the computation's list (`u32::MAX`: none of them).
    pub(crate) unit: u32,
    /// The procedure's index in the catalog list (`u32::MAX`: not in it).
    pub(crate) procedure: u32,
    flags: u16,
    supplements: u8,
    rating: u8,
    status: Status,
}

fn ms(t: Option<DateTime<Utc>>) -> i64 {
    t.map_or(NONE, |t| t.timestamp_millis())
}

impl Row {
    pub fn of(f: &DossierFacts, unit: u32, procedure: u32) -> Row {
        let bit = |on: bool, b: u16| if on { b } else { 0 };
        Row {
            received: ms(f.received_at),
            submitted: f.submitted_at.timestamp_millis(),
            due: ms(f.due_at),
            ended: ms(f.ended_at),
            paused: ms(f.paused_since),
            unit,
            procedure,
            flags: bit(f.digitized, DIGITIZED)
                | bit(f.reused, REUSED)
                | bit(f.from_citizen_store, STORE)
                | bit(f.electronic_result, E_RESULT)
                | bit(f.paper_result, PAPER)
                | bit(f.has_fee && f.fee_total > 0, OWING)
                | bit(f.has_fee, HAS_FEE)
                | bit(f.online_payment > 0, PAID_ONLINE)
                | bit(f.identity_verified, VERIFIED)
                | bit(f.fully_online_procedure, FULLY_ONLINE)
                | bit(f.complaint, COMPLAINT)
                | bit(f.channel == Channel::Online, ONLINE),
            supplements: f.supplement_requests.min(255) as u8,
            rating: f.rating.unwrap_or(0),
            status: f.status,
        }
    }
    fn has(&self, b: u16) -> bool {
        self.flags & b != 0
    }
}

/// The instants and rules one computation counts with.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    start: i64,
    end: i64,
    as_of: i64,
    now: i64,
    rule: EarlyRule,
    worst: u8,
    carried_over: bool,
}

impl Ctx {
    pub fn new(
        cfg: &IndexConfig,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        as_of: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Ctx {
        Ctx {
            start: start.timestamp_millis(),
            end: end.timestamp_millis(),
            as_of: as_of.timestamp_millis(),
            now: now.timestamp_millis(),
            rule: cfg.early_rule,
            worst: cfg.dissatisfied_at_most,
            carried_over: cfg.progress_includes_carried_over,
        }
    }
}

/// A set of procedure indices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bits(Vec<u64>);
impl Bits {
    fn insert(&mut self, i: u32) {
        let (w, b) = (i as usize / 64, i % 64);
        if self.0.len() <= w {
            self.0.resize(w + 1, 0);
        }
        self.0[w] |= 1 << b;
    }
    pub fn contains(&self, i: u32) -> bool {
        self.0.get(i as usize / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
    fn union(&mut self, o: &Bits) {
        for (i, w) in o.0.iter().enumerate() {
            if self.0.len() <= i {
                self.0.push(0);
            }
            self.0[i] |= w;
        }
    }
}

/// What one unit's rows add up to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub progress: ProgressCounts,
    pub num: [u64; SLOTS],
    pub den: [u64; SLOTS],
    /// Procedures with a received dossier of a verified identity.
    pub verified: Bits,
    /// Fee-bearing procedures with a dossier paid online, and with any received dossier.
    pub paid: Bits,
    pub with_dossiers: Bits,
}

impl Tally {
    pub fn add(&mut self, o: &Tally) {
        self.progress.add(&o.progress);
        for s in 0..SLOTS {
            self.num[s] += o.num[s];
            self.den[s] += o.den[s];
        }
        self.verified.union(&o.verified);
        self.paid.union(&o.paid);
        self.with_dossiers.union(&o.with_dossiers);
    }

    #[inline]
    fn count(&mut self, slot: Slot, hit: bool, lost: &mut impl FnMut(Slot)) {
        self.den[slot as usize] += 1;
        if hit {
            self.num[slot as usize] += 1;
        } else {
            lost(slot);
        }
    }

    /// Counts `r`; `lost` hears each indicator the row loses points on.
    #[inline]
    pub fn visit(&mut self, c: &Ctx, r: &Row, mut lost: impl FnMut(Slot)) {
        self.visit_progress(c, r, &mut lost);
        // Dossiers received in the period, up to the cut.
        if r.received == NONE || r.received < c.start || r.received >= c.end || r.received > c.as_of {
            return;
        }
        let settled = matches!(r.status, Status::Decided | Status::Returned) && r.ended != NONE && r.ended <= c.now;
        let paper = r.has(PAPER);
        if r.has(FULLY_ONLINE) {
            self.count(Slot::OnlineFullProcess, r.has(ONLINE) && (!paper || r.has(E_RESULT)), &mut lost);
        }
        if paper && settled {
            self.count(Slot::OriginalResult, r.has(E_RESULT), &mut lost);
        }
        self.count(Slot::SoHoa, r.has(DIGITIZED) && (!paper || !settled || r.has(E_RESULT)), &mut lost);
        self.count(Slot::Reused, r.has(REUSED), &mut lost);
        self.count(Slot::CitizenStore, r.has(STORE), &mut lost);
        self.count(Slot::CitizenDossier, r.has(VERIFIED), &mut lost);
        let known = r.procedure != u32::MAX;
        if r.has(VERIFIED) && known {
            self.verified.insert(r.procedure);
        }
        if r.has(OWING) {
            self.count(Slot::Payment, r.has(PAID_ONLINE), &mut lost);
            if r.has(PAID_ONLINE) && known {
                self.paid.insert(r.procedure);
            }
        }
        if r.has(HAS_FEE) && known {
            self.with_dossiers.insert(r.procedure);
        }
        let satisfied = !late(c, r) && !r.has(COMPLAINT) && (r.rating == 0 || r.rating > c.worst);
        self.count(Slot::ReceivingSatisfaction, satisfied, &mut lost);
    }

    /// Item 5 (§1.3, rule 2.1): in scope, and early, on time, late, within time or overdue.
    #[inline]
    pub fn visit_progress(&mut self, c: &Ctx, r: &Row, lost: &mut impl FnMut(Slot)) {
        let anchor = if r.received != NONE { r.received } else { r.submitted };
        let in_period = c.start <= anchor && anchor < c.end && anchor <= c.as_of;
        let p = &mut self.progress;
        if r.status == Status::Refused {
            p.refused += u64::from(in_period);
            return;
        }
        if r.received == NONE || r.due == NONE {
            return;
        }
        let carried = r.received < c.start && (r.ended == NONE || r.ended >= c.start);
        if r.received > c.as_of || !(in_period || (c.carried_over && carried)) {
            return;
        }
        p.received += 1;
        p.carried_over += u64::from(!in_period);
        let forced_late = r.supplements > 1;
        let on_time = if r.ended != NONE && r.ended <= c.now {
            p.withdrawn += u64::from(r.status == Status::Withdrawn);
            if forced_late || r.ended > r.due {
                p.settled_late += 1;
                false
            } else {
                if early(c.rule, r.due, r.ended) {
                    p.settled_early += 1;
                } else {
                    p.settled_on_time += 1;
                }
                true
            }
        } else {
            // Waiting for the citizen: the request time is the end.
            let paused = r.paused != NONE && r.paused <= c.as_of;
            p.paused += u64::from(paused);
            if !forced_late && (if paused { r.paused } else { c.as_of }) <= r.due {
                p.in_progress_within += 1;
                true
            } else {
                p.in_progress_overdue += 1;
                false
            }
        };
        self.den[Slot::OnTime as usize] += 1;
        if on_time {
            self.num[Slot::OnTime as usize] += 1;
        } else {
            lost(Slot::OnTime);
        }
    }
}

/// Settled early (not late) under `rule`; see `progress::classify`.
fn early(rule: EarlyRule, due: i64, end: i64) -> bool {
    match rule {
        EarlyRule::BeforeDueDay => (end + UTC7_MS).div_euclid(DAY_MS) < (due + UTC7_MS).div_euclid(DAY_MS),
        EarlyRule::BeforeDueInstant => end < due,
    }
}

/// `DossierFacts::late`: settled after its due time, open past it, or asked twice for supplements.
fn late(c: &Ctx, r: &Row) -> bool {
    if r.due == NONE {
        return false;
    }
    if r.supplements > 1 {
        return true;
    }
    if r.ended != NONE && r.ended <= c.now {
        r.ended > r.due
    } else {
        (if r.paused != NONE && r.paused <= c.as_of { r.paused } else { c.as_of }) > r.due
    }
}
