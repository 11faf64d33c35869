//! Item 24 (online payment, §1.4): dossiers·A + min(cap, procedures_paid·B) + procedures_used·C,
//! from the kernel's tally and the fee-bearing procedures of the catalog.

use std::collections::HashMap;

use super::compute::{Lists, Scope, ratio};
use super::config::{Formula, IndicatorConfig};
use super::facts::ProcedureFacts;
use super::kernel::{Bits, Slot};
use super::report::{IndicatorState, Part};
use crate::catalog::ProcedureCode;

/// The procedures of the catalog (meeting `keep`) whose first index is in `set`.
pub(super) fn used(s: &Scope, set: &Bits, keep: impl Fn(&ProcedureFacts) -> bool) -> u64 {
    let mut first: HashMap<&ProcedureCode, u32> = HashMap::with_capacity(s.procedures.len());
    for (i, p) in s.procedures.iter().enumerate() {
        first.entry(&p.code).or_insert(i as u32);
    }
    s.procedures.iter().filter(|p| keep(p) && set.contains(first[&p.code])).count() as u64
}

/// §1.4: dossiers·A + min(cap, procedures_paid·B) + procedures_used·C, capped at the maximum.
pub(super) fn payment(s: &Scope, i: &IndicatorConfig, lists: &mut Option<Lists>) -> IndicatorState {
    let Formula::Payment { dossiers, procedures_paid, procedures_paid_cap, procedures_used } = i.formula else {
        return ratio(s, i, Slot::Payment, lists);
    };
    let (paid, owing) = (s.tally.num[Slot::Payment as usize], s.tally.den[Slot::Payment as usize]);
    let nf = s.procedures.iter().filter(|p| p.has_fee).count() as u64;
    let b = used(s, &s.tally.paid, |p| p.has_fee);
    let c = used(s, &s.tally.with_dossiers, |p| p.has_fee);
    let rate = |n: u64, d: u64| (d > 0).then(|| n as f64 / d as f64);
    let part = |name: &str, name_en: &str, n: u64, d: u64, p: f64| Part {
        name_vi: name.into(),
        name_en: name_en.into(),
        numerator: n,
        denominator: d,
        rate: rate(n, d),
        points: p,
    };
    let pa = dossiers * rate(paid, owing).unwrap_or(0.0);
    let pb = (procedures_paid * rate(b, nf).unwrap_or(0.0)).min(procedures_paid_cap);
    let pc = procedures_used * rate(c, nf).unwrap_or(0.0);
    IndicatorState::Scored {
        numerator: paid,
        denominator: owing,
        rate: rate(paid, owing),
        points: (pa + pb + pc).clamp(0.0, i.max),
        parts: vec![
            part(
                "A: hồ sơ thanh toán trực tuyến / hồ sơ có nghĩa vụ tài chính",
                "A: dossiers paid online / dossiers with a financial obligation",
                paid,
                owing,
                pa,
            ),
            part(
                "B: TTHC có phí đã có thanh toán trực tuyến / TTHC có phí",
                "B: fee-bearing procedures with an online payment / fee-bearing procedures",
                b,
                nf,
                pb,
            ),
            part(
                "C: TTHC có phí đã phát sinh hồ sơ / TTHC có phí",
                "C: fee-bearing procedures with dossiers / fee-bearing procedures",
                c,
                nf,
                pc,
            ),
        ],
        lost: lists.as_mut().map(|l| std::mem::take(&mut l[Slot::Payment as usize])).unwrap_or_default(),
        lost_petitions: Vec::new(),
    }
}
