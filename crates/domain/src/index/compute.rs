//! The indicators of DOMAIN.md §1.2, counted with the rules of §1.3 and scored with §1.4.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::config::{Attribution, Formula, IndexConfig, IndicatorCode, IndicatorConfig, Level, NotApplicableScoring};
use super::facts::{DossierFacts, IndexInputs, PetitionFacts, ProcedureFacts};
use super::kernel::{Ctx, Row, SLOTS, Slot, Tally};
use super::period::Period;
use super::report::{GroupReport, IndexReport, IndicatorReport, IndicatorState};
use crate::catalog::ProcedureCode;
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

/// The province's own index and each commune's, from one read of the province's facts, with
/// every list of lost dossiers; the ranking needs only the figures
/// ([`super::table::compute_province_figures`], much faster).
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

/// The lost dossiers of each kernel slot, in code order.
pub(super) type Lists = [Vec<DossierCode>; SLOTS];

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
    let mut index: HashMap<&ProcedureCode, u32> = HashMap::with_capacity(procedures.len());
    for (i, p) in procedures.iter().enumerate() {
        index.entry(&p.code).or_insert(i as u32);
    }
    let ctx = Ctx::new(cfg, period.start(), period.end(), period.end().min(now), now);
    let mut tally = Tally::default();
    let mut lost: [Vec<u32>; SLOTS] = Default::default();
    for (i, f) in facts.iter().enumerate() {
        let row = Row::of(f, 0, index.get(&f.procedure).copied().unwrap_or(u32::MAX));
        tally.visit(&ctx, &row, |s| lost[s as usize].push(i as u32));
    }
    let lists: Lists = lost.map(|l| l.into_iter().map(|i| facts[i as usize].code.clone()).collect());
    figures(cfg, unit, level, &tally, Some(lists), petitions, procedures, period, now)
}

/// The report of one unit from its tally (and, for the drill-down, its lists of lost dossiers).
#[expect(clippy::too_many_arguments, reason = "the two callers pass what they hold")]
pub(crate) fn figures(
    cfg: &IndexConfig,
    unit: &UnitCode,
    level: Level,
    tally: &Tally,
    mut lists: Option<Lists>,
    petitions: &[&PetitionFacts],
    procedures: &[ProcedureFacts],
    period: &Period,
    now: DateTime<Utc>,
) -> IndexReport {
    let as_of = period.end().min(now);
    let scope = Scope { tally, petitions, procedures, as_of, now, start: period.start(), end: period.end() };
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
                    name_en: i.name_en.clone(),
                    max_points: i.max,
                    state: if i.scope.contains(&level) {
                        indicator(&scope, i, &mut lists)
                    } else {
                        not_applicable(cfg.not_applicable, i.max)
                    },
                })
                .collect();
            GroupReport {
                code: g.code.clone(),
                name_vi: g.name_vi.clone(),
                name_en: g.name_en.clone(),
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
        progress: tally.progress.clone(),
    }
}

/// What one unit's report is made from.
pub(super) struct Scope<'a> {
    pub(super) tally: &'a Tally,
    pub(super) petitions: &'a [&'a PetitionFacts],
    pub(super) procedures: &'a [ProcedureFacts],
    /// The period's cut: its end, or `now` while it runs.
    as_of: DateTime<Utc>,
    /// What is known: end statuses recorded by then count, even after the period.
    now: DateTime<Utc>,
    /// The period's first instant and the first instant after it.
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl Scope<'_> {
    /// A PAKN sent in the period, up to `as_of`.
    fn in_period(&self, p: &PetitionFacts) -> bool {
        self.start <= p.submitted_at && p.submitted_at < self.end && p.submitted_at <= self.as_of
    }
}

fn not_applicable(rule: NotApplicableScoring, max: f64) -> IndicatorState {
    let (points, counted_in_max, how, how_en) = match rule {
        NotApplicableScoring::Full => (max, true, "được tính đủ điểm", "it scores full points"),
        NotApplicableScoring::Zero => (0.0, true, "không được điểm", "it scores no points"),
        NotApplicableScoring::Excluded => {
            (0.0, false, "không tính vào tổng điểm tối đa", "it is left out of the maximum")
        }
    };
    IndicatorState::NotApplicable {
        points,
        counted_in_max,
        explanation_vi: format!("Chỉ tiêu không áp dụng cho cấp này; theo cấu hình, {how}."),
        explanation_en: format!("This indicator does not apply at this level; as configured, {how_en}."),
    }
}

fn missing(inputs: &[&str], why: &str, why_en: &str) -> IndicatorState {
    IndicatorState::Missing {
        inputs: inputs.iter().map(|s| s.to_string()).collect(),
        explanation_vi: format!("Motcua chưa có dữ liệu đầu vào của chỉ tiêu này: {why}. Chưa thể tính điểm."),
        explanation_en: format!("Motcua does not hold this indicator's inputs yet: {why_en}. No score is shown."),
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

fn scored(num: u64, den: u64, points: (Option<f64>, f64), lost: Vec<DossierCode>) -> IndicatorState {
    IndicatorState::Scored {
        numerator: num,
        denominator: den,
        rate: points.0,
        points: points.1,
        parts: Vec::new(),
        lost,
        lost_petitions: Vec::new(),
    }
}

/// A dossier ratio counted by the kernel in `slot`, with its lost dossiers when listed.
pub(super) fn ratio(s: &Scope, i: &IndicatorConfig, slot: Slot, lists: &mut Option<Lists>) -> IndicatorState {
    let (num, den) = (s.tally.num[slot as usize], s.tally.den[slot as usize]);
    let lost = lists.as_mut().map(|l| std::mem::take(&mut l[slot as usize])).unwrap_or_default();
    scored(num, den, points(&i.formula, i.max, num, den), lost)
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

fn indicator(s: &Scope, i: &IndicatorConfig, lists: &mut Option<Lists>) -> IndicatorState {
    use IndicatorCode::*;
    let (as_of, now) = (s.as_of, s.now);
    match i.code {
        PublishOnTime => missing(
            &["ngày công bố TTHC theo quyết định của tỉnh"],
            "ngày công bố thủ tục hành chính",
            "the publication dates of the procedures",
        ),
        PublicUpdateOnTime => missing(
            &["ngày cập nhật, công khai TTHC trên CSDLQG"],
            "ngày công khai thủ tục",
            "the dates the procedures were made public",
        ),
        PublicContentFull => missing(
            &["nội dung công khai 7 bộ phận của TTHC"],
            "nội dung công khai thủ tục",
            "the published content of the procedures",
        ),
        DossierSync => missing(
            &["xác nhận đồng bộ hồ sơ với Cổng DVCQG"],
            "kết quả đồng bộ hồ sơ lên Cổng DVCQG",
            "the results of synchronising dossiers with the National Portal",
        ),
        ElectronicCertifiedCopy => missing(
            &["danh sách xã cung cấp chứng thực bản sao điện tử"],
            "dịch vụ chứng thực điện tử",
            "the electronic certification service",
        ),
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
        DossierReceivingSatisfaction => ratio(s, i, Slot::ReceivingSatisfaction, lists),
        // Settled early or on time + in progress within time, over the dossiers in scope.
        OnTime => ratio(s, i, Slot::OnTime, lists),
        // Online dossiers of fully-online procedures, with an e-result where the result is paper.
        OnlineFullProcess => ratio(s, i, Slot::OnlineFullProcess, lists),
        OriginalResultAvailable => ratio(s, i, Slot::OriginalResult, lists),
        // Digitised components, and an e-result once a paper-result dossier is settled.
        SoHoaGiayToGiaiQuyet => ratio(s, i, Slot::SoHoa, lists),
        ReusedDigitizedData => ratio(s, i, Slot::Reused, lists),
        SyncedWithDvcqgPersonalStorage => ratio(s, i, Slot::CitizenStore, lists),
        CitizenDataConnectedDossier => ratio(s, i, Slot::CitizenDossier, lists),
        CitizenDataConnectedFormality => {
            let den = s.procedures.len() as u64;
            let num = super::payment::used(s, &s.tally.verified, |_| true);
            scored(num, den, points(&i.formula, i.max, num, den), Vec::new())
        }
        OnlinePayment => super::payment::payment(s, i, lists),
    }
}
