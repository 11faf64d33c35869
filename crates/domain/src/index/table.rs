//! A province's facts as compact rows, for the full recompute of every commune at once (the
//! ranking): one pass, split over the available cores, counting only. The lists of lost
//! dossiers are left to the drill-down of one unit ([`super::compute`]).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::compute::{attributed, figures};
use super::config::{IndexConfig, Level};
use super::facts::{DossierFacts, IndexInputs, PetitionFacts, ProcedureFacts};
use super::kernel::{Ctx, Row, Tally};
use super::period::Period;
use super::report::IndexReport;
use crate::catalog::ProcedureCode;
use crate::unit::UnitCode;

/// The rows of a province's dossiers, their communes and procedures as indices.
pub struct FactTable<'a> {
    cfg: &'a IndexConfig,
    communes: &'a [UnitCode],
    procedures: &'a [ProcedureFacts],
    commune_index: HashMap<&'a UnitCode, u32>,
    procedure_index: HashMap<&'a ProcedureCode, u32>,
    rows: Vec<Row>,
    /// Threads to count with; `None`: the cores, for chunks of at least [`CHUNK_MIN`] rows.
    threads: Option<usize>,
}

/// Rows per thread below which one thread is faster.
const CHUNK_MIN: usize = 200_000;

impl<'a> FactTable<'a> {
    pub fn new(cfg: &'a IndexConfig, communes: &'a [UnitCode], procedures: &'a [ProcedureFacts]) -> FactTable<'a> {
        let mut procedure_index = HashMap::with_capacity(procedures.len());
        for (i, p) in procedures.iter().enumerate() {
            procedure_index.entry(&p.code).or_insert(i as u32);
        }
        let mut commune_index = HashMap::with_capacity(communes.len());
        for (i, c) in communes.iter().enumerate() {
            commune_index.entry(c).or_insert(i as u32);
        }
        FactTable { cfg, communes, procedures, commune_index, procedure_index, rows: Vec::new(), threads: None }
    }

    pub fn with_capacity(mut self, n: usize) -> FactTable<'a> {
        self.rows.reserve_exact(n);
        self
    }

    fn row(&self, f: &DossierFacts) -> Row {
        let unit = self.commune_index.get(attributed(self.cfg, f)).copied().unwrap_or(u32::MAX);
        Row::of(f, unit, self.procedure_index.get(&f.procedure).copied().unwrap_or(u32::MAX))
    }

    pub fn push(&mut self, f: &DossierFacts) {
        let row = self.row(f);
        self.rows.push(row);
    }

    /// Replaces row `i` (the `i`-th pushed) after an event changed its dossier.
    pub fn set(&mut self, i: usize, f: &DossierFacts) {
        self.rows[i] = self.row(f);
    }

    /// Counts with exactly `n` threads (tests of the split).
    pub fn with_threads(mut self, n: usize) -> FactTable<'a> {
        self.threads = Some(n.max(1));
        self
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Each commune's tally (in the order of `communes`) and the tally of the rows of none.
    fn tallies(&self, ctx: &Ctx, rows: &[Row]) -> (Vec<Tally>, Tally) {
        let mut each = vec![Tally::default(); self.communes.len()];
        let mut other = Tally::default();
        for r in rows {
            let t = each.get_mut(r.unit as usize).unwrap_or(&mut other);
            t.visit(ctx, r, |_| {});
        }
        (each, other)
    }

    /// The province's index and each commune's, counts only (no lists of lost dossiers).
    pub fn compute(
        &self,
        province: &UnitCode,
        petitions: &[PetitionFacts],
        period: &Period,
        now: DateTime<Utc>,
    ) -> (IndexReport, Vec<IndexReport>) {
        let ctx = Ctx::new(self.cfg, period.start(), period.end(), period.end().min(now), now);
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let threads = self.threads.unwrap_or(cores.min(self.rows.len() / CHUNK_MIN)).clamp(1, self.rows.len().max(1));
        let parts: Vec<(Vec<Tally>, Tally)> = if threads == 1 {
            vec![self.tallies(&ctx, &self.rows)]
        } else {
            let size = self.rows.len().div_ceil(threads);
            std::thread::scope(|s| {
                let handles: Vec<_> =
                    self.rows.chunks(size).map(|rows| s.spawn(move || self.tallies(&ctx, rows))).collect();
                handles.into_iter().map(|h| h.join().expect("a tally thread panicked")).collect()
            })
        };
        let mut parts = parts.into_iter();
        let (mut each, mut whole) = parts.next().unwrap_or_default();
        for (e, o) in parts {
            each.iter_mut().zip(&e).for_each(|(a, b)| a.add(b));
            whole.add(&o);
        }
        each.iter().for_each(|t| whole.add(t));
        let mut by_unit: HashMap<&UnitCode, Vec<&PetitionFacts>> = HashMap::new();
        for p in petitions {
            by_unit.entry(&p.unit).or_default().push(p);
        }
        let all: Vec<&PetitionFacts> = petitions.iter().collect();
        let report = |unit: &UnitCode, level, t: &Tally, ps: &[&PetitionFacts]| {
            figures(self.cfg, unit, level, t, None, ps, self.procedures, period, now)
        };
        let communes = self
            .communes
            .iter()
            .zip(&each)
            .map(|(c, t)| report(c, Level::Commune, t, by_unit.get(c).map(Vec::as_slice).unwrap_or_default()))
            .collect();
        (report(province, Level::Province, &whole, &all), communes)
    }

    /// One commune's index from the table, counts only: the live path after an event.
    pub fn compute_commune(
        &self,
        commune: usize,
        petitions: &[PetitionFacts],
        period: &Period,
        now: DateTime<Utc>,
    ) -> IndexReport {
        let ctx = Ctx::new(self.cfg, period.start(), period.end(), period.end().min(now), now);
        let mut t = Tally::default();
        self.rows.iter().filter(|r| r.unit as usize == commune).for_each(|r| t.visit(&ctx, r, |_| {}));
        let unit = &self.communes[commune];
        let ps: Vec<&PetitionFacts> = petitions.iter().filter(|p| &p.unit == unit).collect();
        figures(self.cfg, unit, Level::Commune, &t, None, &ps, self.procedures, period, now)
    }
}

/// The province's index and each commune's from one read of the province's facts, counts only:
/// the same figures as [`super::compute_province`] without the lists of lost dossiers.
pub fn compute_province_figures(
    cfg: &IndexConfig,
    province: &UnitCode,
    communes: &[UnitCode],
    inputs: &IndexInputs,
    period: &Period,
    now: DateTime<Utc>,
) -> (IndexReport, Vec<IndexReport>) {
    let mut table = FactTable::new(cfg, communes, &inputs.procedures).with_capacity(inputs.dossiers.len());
    inputs.dossiers.iter().for_each(|f| table.push(f));
    table.compute(province, &inputs.petitions, period, now)
}
