//! The indicators of DOMAIN.md §1.2, counted with the rules of §1.3 and scored with §1.4.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use super::config::{Attribution, Formula, IndexConfig, IndicatorCode, IndicatorConfig, Level, NotApplicableScoring};
use super::facts::{DossierFacts, IndexInputs, PetitionFacts, ProcedureFacts};
use super::period::Period;
use super::progress::progress;
use super::report::{GroupReport, IndexReport, IndicatorReport, IndicatorState, Part, ProgressCounts};
use crate::dossier::DossierCode;
use crate::unit::UnitCode;

/// The index of one commune (`Level::Commune`: only the dossiers attributed to it count) or of
/// a whole province (`Level::Province`: every dossier of `inputs`), at `now` for a running period.
pub fn compute(
    cfg: &IndexConfig,
    unit: &UnitCode,
    level: Level,
    inputs: &IndexInputs,
    period: &Period,
    now: DateTime<Utc>,
) -> IndexReport {
    let mut facts: Vec<&DossierFacts> = match level {
        Level::Province => inputs.dossiers.iter().collect(),
        Level::Commune => inputs.dossiers.iter().filter(|f| attributed(cfg, f) == unit).collect(),
    };
    in_code_order(&mut facts);
    let petitions: Vec<&PetitionFacts> =
        inputs.petitions.iter().filter(|p| level == Level::Province || &p.unit == unit).collect();
    report(cfg, unit, level, &facts, &petitions, &inputs.procedures, period, now)
}

/// The province's own index and each commune's, from one read of the province's facts.
pub fn compute_province(
    cfg: &IndexConfig,
    province: &UnitCode,
    communes: &[UnitCode],
    inputs: &IndexInputs,
    period: &Period,
    now: DateTime<Utc>,
) -> (IndexReport, Vec<IndexReport>) {
    let mut all: Vec<&DossierFacts> = inputs.dossiers.iter().collect();
    in_code_order(&mut all);
    let mut by_unit: HashMap<&UnitCode, Vec<&DossierFacts>> = HashMap::new();
    for f in &all {
        by_unit.entry(attributed(cfg, f)).or_default().push(f);
    }
    let petitions: Vec<&PetitionFacts> = inputs.petitions.iter().collect();
    let mut petitions_by_unit: HashMap<&UnitCode, Vec<&PetitionFacts>> = HashMap::new();
    for p in &petitions {
        petitions_by_unit.entry(&p.unit).or_default().push(p);
    }
    let whole = report(cfg, province, Level::Province, &all, &petitions, &inputs.procedures, period, now);
    let each = communes
        .iter()
        .map(|c| {
            let facts = by_unit.get(c).map(Vec::as_slice).unwrap_or_default();
            let petitions = petitions_by_unit.get(c).map(Vec::as_slice).unwrap_or_default();
            report(cfg, c, Level::Commune, facts, petitions, &inputs.procedures, period, now)
        })
        .collect();
    (whole, each)
}

/// Facts in code order, so that every list of lost dossiers comes out sorted without sorting it
/// (storage returns them in that order already, which makes this a linear check).
fn in_code_order(facts: &mut [&DossierFacts]) {
    facts.sort_by(|a, b| a.code.cmp(&b.code));
}

pub(crate) fn attributed<'a>(cfg: &IndexConfig, f: &'a DossierFacts) -> &'a UnitCode {
    match cfg.attribution {
        Attribution::Receiving => &f.receiving_unit,
        Attribution::Handling => &f.handling_unit,
    }
}

/// The facts one computation looks at.
struct Scope<'a> {
    cfg: &'a IndexConfig,
    facts: &'a [&'a DossierFacts],
    petitions: &'a [&'a PetitionFacts],
    procedures: &'a [ProcedureFacts],
    period: &'a Period,
    /// The period's cut: its end, or `now` while it runs.
    as_of: DateTime<Utc>,
    /// What is known: end statuses recorded by then count, even after the period.
    now: DateTime<Utc>,
    /// The period's first instant and the first instant after it.
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl Scope<'_> {
    /// Dossiers received in the period (by receipt date), up to `as_of`.
    fn received(&self) -> impl Iterator<Item = &&DossierFacts> {
        self.facts.iter().filter(|f| f.received_at.is_some_and(|r| self.start <= r && r < self.end && r <= self.as_of))
    }

    /// A PAKN sent in the period, up to `as_of`.
    fn in_period(&self, p: &PetitionFacts) -> bool {
        self.start <= p.submitted_at && p.submitted_at < self.end && p.submitted_at <= self.as_of
    }
}

#[expect(clippy::too_many_arguments, reason = "one call site per level; a struct would only rename them")]
fn report(
    cfg: &IndexConfig,
    unit: &UnitCode,
    level: Level,
    facts: &[&DossierFacts],
    petitions: &[&PetitionFacts],
    procedures: &[ProcedureFacts],
    period: &Period,
    now: DateTime<Utc>,
) -> IndexReport {
    let as_of = period.end().min(now);
    let scope =
        Scope { cfg, facts, petitions, procedures, period, as_of, now, start: period.start(), end: period.end() };
    let mut counts = ProgressCounts::default();
    let groups: Vec<GroupReport> = cfg
        .groups
        .iter()
        .map(|g| {
            let indicators: Vec<IndicatorReport> = g
                .indicators
                .iter()
                .map(|i| IndicatorReport {
                    code: i.code,
                    item: i.item,
                    group: g.code.clone(),
                    name_vi: i.name_vi.clone(),
                    max_points: i.max,
                    state: if i.scope.contains(&level) {
                        indicator(&scope, i, &mut counts)
                    } else {
                        not_applicable(cfg.not_applicable, i.max)
                    },
                })
                .collect();
            GroupReport {
                code: g.code.clone(),
                name_vi: g.name_vi.clone(),
                max_points: g.max,
                // `+ 0.0`: an empty f64 sum is -0.0.
                points: indicators.iter().filter_map(IndicatorReport::points).sum::<f64>() + 0.0,
                missing_max: indicators.iter().filter(|i| i.points().is_none()).map(|i| i.max_points).sum::<f64>()
                    + 0.0,
                indicators,
            }
        })
        .collect();
    IndexReport {
        unit: unit.clone(),
        level,
        period: *period,
        as_of,
        config_version: cfg.version,
        total: groups.iter().map(|g| g.points).sum(),
        scored_max: groups.iter().flat_map(|g| &g.indicators).map(IndicatorReport::scored_max).sum(),
        missing_max: groups.iter().map(|g| g.missing_max).sum(),
        groups,
        progress: counts,
    }
}

fn not_applicable(rule: NotApplicableScoring, max: f64) -> IndicatorState {
    let (points, counted_in_max, how) = match rule {
        NotApplicableScoring::Full => (max, true, "được tính đủ điểm"),
        NotApplicableScoring::Zero => (0.0, true, "không được điểm"),
        NotApplicableScoring::Excluded => (0.0, false, "không tính vào tổng điểm tối đa"),
    };
    IndicatorState::NotApplicable {
        points,
        counted_in_max,
        explanation_vi: format!("Chỉ tiêu không áp dụng cho cấp này; theo cấu hình, {how}."),
    }
}

fn missing(inputs: &[&str], why: &str) -> IndicatorState {
    IndicatorState::Missing {
        inputs: inputs.iter().map(|s| s.to_string()).collect(),
        explanation_vi: format!("Motcua chưa có dữ liệu đầu vào của chỉ tiêu này: {why}. Chưa thể tính điểm."),
    }
}

/// Points for a rate under `formula`; `None` rate when nothing is in scope.
pub fn points(formula: &Formula, max: f64, numerator: u64, denominator: u64) -> (Option<f64>, f64) {
    if denominator == 0 {
        let full = matches!(formula, Formula::Linear { full_when_empty: true });
        return (None, if full { max } else { 0.0 });
    }
    let rate = numerator as f64 / denominator as f64;
    let p = match *formula {
        Formula::Threshold { full_at } => max * rate / full_at,
        _ => max * rate,
    };
    (Some(rate), p.clamp(0.0, max))
}

/// Counts the items in scope (denominator) and those meeting `hit` (numerator); the keys of the
/// others are the lost ones.
fn tally<T, K>(scope: impl Iterator<Item = T>, hit: impl Fn(&T) -> bool, key: impl Fn(&T) -> K) -> (u64, u64, Vec<K>) {
    let (mut num, mut den, mut lost) = (0u64, 0u64, Vec::new());
    for item in scope {
        den += 1;
        if hit(&item) {
            num += 1;
        } else {
            lost.push(key(&item));
        }
    }
    (num, den, lost)
}

fn ratio<'a>(
    i: &IndicatorConfig,
    scope: impl Iterator<Item = &'a &'a DossierFacts>,
    hit: impl Fn(&DossierFacts) -> bool,
) -> IndicatorState {
    let (num, den, lost) = tally(scope, |f| hit(f), |f| f.code.clone());
    let (rate, points) = points(&i.formula, i.max, num, den);
    IndicatorState::Scored {
        numerator: num,
        denominator: den,
        rate,
        points,
        parts: Vec::new(),
        lost,
        lost_petitions: Vec::new(),
    }
}

/// A PAKN ratio: the ones that miss `hit` are the lost ones.
fn petitions<'a>(
    i: &IndicatorConfig,
    scope: impl Iterator<Item = &'a &'a PetitionFacts>,
    hit: impl Fn(&PetitionFacts) -> bool,
) -> IndicatorState {
    let (num, den, mut lost) = tally(scope, |p| hit(p), |p| p.code.clone());
    lost.sort();
    let (rate, points) = points(&i.formula, i.max, num, den);
    IndicatorState::Scored {
        numerator: num,
        denominator: den,
        rate,
        points,
        parts: Vec::new(),
        lost: Vec::new(),
        lost_petitions: lost,
    }
}

fn indicator(s: &Scope, i: &IndicatorConfig, counts: &mut ProgressCounts) -> IndicatorState {
    use IndicatorCode::*;
    let (as_of, now) = (s.as_of, s.now);
    match i.code {
        PublishOnTime => missing(&["ngày công bố TTHC theo quyết định của tỉnh"], "ngày công bố thủ tục hành chính"),
        PublicUpdateOnTime => missing(&["ngày cập nhật, công khai TTHC trên CSDLQG"], "ngày công khai thủ tục"),
        PublicContentFull => missing(&["nội dung công khai 7 bộ phận của TTHC"], "nội dung công khai thủ tục"),
        DossierSync => missing(&["xác nhận đồng bộ hồ sơ với Cổng DVCQG"], "kết quả đồng bộ hồ sơ lên Cổng DVCQG"),
        ElectronicCertifiedCopy => {
            missing(&["danh sách xã cung cấp chứng thực bản sao điện tử"], "dịch vụ chứng thực điện tử")
        }
        PetitionProcessingOnTime => {
            petitions(i, s.petitions.iter().filter(|p| s.in_period(p)), |p| p.on_time(as_of, now))
        }
        // (handled − disliked − re-complained − overdue) ÷ handled.
        PetitionHandlingSatisfaction => {
            petitions(i, s.petitions.iter().filter(|p| s.in_period(p) && p.handled(now)), |p| {
                p.ended_on_time == Some(true) && !p.disliked
            })
        }
        // 100% − (overdue % + % rated dissatisfied or with a complaint), one count per dossier.
        DossierReceivingSatisfaction => {
            let (rule, worst) = (s.cfg.early_rule, s.cfg.dissatisfied_at_most);
            ratio(i, s.received(), |f| !f.late(rule, as_of, now) && !f.complaint && f.rating.is_none_or(|r| r > worst))
        }
        OnTime => {
            let p = progress(s.cfg, s.facts, s.period, as_of, now);
            *counts = p.counts;
            let (rate, points) = points(&i.formula, i.max, p.numerator, p.denominator);
            IndicatorState::Scored {
                numerator: p.numerator,
                denominator: p.denominator,
                rate,
                points,
                parts: Vec::new(),
                lost: p.lost,
                lost_petitions: Vec::new(),
            }
        }
        // Online dossiers of fully-online procedures, with an e-result where the result is paper.
        OnlineFullProcess => ratio(i, s.received().filter(|f| f.fully_online_procedure), |f| {
            f.channel == crate::dossier::Channel::Online && (!f.paper_result || f.electronic_result)
        }),
        OriginalResultAvailable => {
            ratio(i, s.received().filter(|f| f.paper_result && f.settled_with_result(now)), |f| f.electronic_result)
        }
        // Digitised components, and an e-result once a paper-result dossier is settled.
        SoHoaGiayToGiaiQuyet => ratio(i, s.received(), |f| {
            f.digitized && (!f.paper_result || !f.settled_with_result(now) || f.electronic_result)
        }),
        ReusedDigitizedData => ratio(i, s.received(), |f| f.reused),
        SyncedWithDvcqgPersonalStorage => ratio(i, s.received(), |f| f.from_citizen_store),
        CitizenDataConnectedDossier => ratio(i, s.received(), |f| f.identity_verified),
        CitizenDataConnectedFormality => {
            let used: BTreeSet<_> = s.received().filter(|f| f.identity_verified).map(|f| &f.procedure).collect();
            let den = s.procedures.len() as u64;
            let num = s.procedures.iter().filter(|p| used.contains(&p.code)).count() as u64;
            let (rate, points) = points(&i.formula, i.max, num, den);
            IndicatorState::Scored {
                numerator: num,
                denominator: den,
                rate,
                points,
                parts: Vec::new(),
                lost: Vec::new(),
                lost_petitions: Vec::new(),
            }
        }
        OnlinePayment => payment(s, i),
    }
}

/// §1.4: dossiers·A + min(cap, procedures_paid·B) + procedures_used·C, capped at the maximum.
fn payment(s: &Scope, i: &IndicatorConfig) -> IndicatorState {
    let Formula::Payment { dossiers, procedures_paid, procedures_paid_cap, procedures_used } = i.formula else {
        return ratio(i, s.received().filter(|f| f.has_fee && f.fee_total > 0), |f| f.online_payment > 0);
    };
    let owing: Vec<&&DossierFacts> = s.received().filter(|f| f.has_fee && f.fee_total > 0).collect();
    let paid: Vec<&DossierCode> = owing.iter().filter(|f| f.online_payment > 0).map(|f| &f.code).collect();
    let fee_procedures: Vec<&ProcedureFacts> = s.procedures.iter().filter(|p| p.has_fee).collect();
    let with_paid: BTreeSet<_> = owing.iter().filter(|f| f.online_payment > 0).map(|f| &f.procedure).collect();
    let with_dossiers: BTreeSet<_> = s.received().filter(|f| f.has_fee).map(|f| &f.procedure).collect();
    let nf = fee_procedures.len() as u64;
    let b = fee_procedures.iter().filter(|p| with_paid.contains(&p.code)).count() as u64;
    let c = fee_procedures.iter().filter(|p| with_dossiers.contains(&p.code)).count() as u64;
    let rate = |n: u64, d: u64| (d > 0).then(|| n as f64 / d as f64);
    let part = |name: &str, n: u64, d: u64, p: f64| Part {
        name_vi: name.into(),
        numerator: n,
        denominator: d,
        rate: rate(n, d),
        points: p,
    };
    let pa = dossiers * rate(paid.len() as u64, owing.len() as u64).unwrap_or(0.0);
    let pb = (procedures_paid * rate(b, nf).unwrap_or(0.0)).min(procedures_paid_cap);
    let pc = procedures_used * rate(c, nf).unwrap_or(0.0);
    let lost: Vec<DossierCode> = owing.iter().filter(|f| f.online_payment == 0).map(|f| f.code.clone()).collect();
    IndicatorState::Scored {
        numerator: paid.len() as u64,
        denominator: owing.len() as u64,
        rate: rate(paid.len() as u64, owing.len() as u64),
        points: (pa + pb + pc).clamp(0.0, i.max),
        parts: vec![
            part(
                "A: hồ sơ thanh toán trực tuyến / hồ sơ có nghĩa vụ tài chính",
                paid.len() as u64,
                owing.len() as u64,
                pa,
            ),
            part("B: TTHC có phí đã có thanh toán trực tuyến / TTHC có phí", b, nf, pb),
            part("C: TTHC có phí đã phát sinh hồ sơ / TTHC có phí", c, nf, pc),
        ],
        lost,
        lost_petitions: Vec::new(),
    }
}
