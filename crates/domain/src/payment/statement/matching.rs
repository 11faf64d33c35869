//! Matching credits to what dossiers owe: the dossier code must appear in the memo within two
//! edits (a dropped dot or a mistyped digit; its last three digits exact), and the amount must
//! be exactly what is owed. A
//! credit matching one dossier best is matched; ties, repeats and near misses go to an officer.

use std::collections::HashMap;

use super::Credit;
use crate::dossier::DossierCode;

/// The largest number of typos tolerated in a dossier code.
const MAX_EDITS: usize = 2;
/// The digits of a code's end that must be typed right.
const TAIL: usize = 3;

/// A dossier that still owes fees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owed {
    pub dossier: DossierCode,
    pub due: i64,
}

/// What became of a credit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Matched(DossierCode),
    /// Several dossiers fit equally well, or the dossier was already matched by another credit.
    Ambiguous(Vec<DossierCode>),
    /// No dossier fits; the reason says what is missing.
    Unmatched(&'static str),
}

/// Upper-case ASCII letters and digits only: what survives every bank's memo handling.
pub fn normalise(s: &str) -> Vec<u8> {
    crate::text::fold(s).bytes().filter(u8::is_ascii_alphanumeric).map(|b| b.to_ascii_uppercase()).collect()
}

/// The fewest edits turning `pattern` into some substring of `text` (Sellers), or `None` if
/// more than `max`.
fn distance_within(pattern: &[u8], text: &[u8], max: usize) -> Option<usize> {
    let m = pattern.len();
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0; m + 1];
    let mut best = prev[m];
    for &t in text {
        cur[0] = 0;
        for i in 1..=m {
            let sub = prev[i - 1] + usize::from(pattern[i - 1] != t);
            cur[i] = sub.min(prev[i] + 1).min(cur[i - 1] + 1);
        }
        best = best.min(cur[m]);
        std::mem::swap(&mut prev, &mut cur);
    }
    (best <= max).then_some(best)
}

/// The owed dossiers indexed by the last three digits of their code (the sequence number, which
/// tells dossiers of one day apart and must be typed right) and by amount. A memo is only
/// compared with the dossiers whose tail ends one of its words.
pub struct Matcher {
    owed: Vec<(Owed, Vec<u8>)>,
    by_tail: HashMap<[u8; TAIL], Vec<u32>>,
    by_amount: HashMap<i64, Vec<u32>>,
}

/// The places in a memo where a run of at least three digits ends: (byte offset, the last three
/// digits). A code's sequence number ends such a run, whatever the bank did to its separators.
fn tails(folded: &str) -> Vec<(usize, [u8; TAIL])> {
    let b = folded.as_bytes();
    (TAIL..=b.len())
        .filter(|&e| b[e - TAIL..e].iter().all(u8::is_ascii_digit) && b.get(e).is_none_or(|c| !c.is_ascii_digit()))
        .map(|e| (e, [b[e - 3], b[e - 2], b[e - 1]]))
        .collect()
}

impl Matcher {
    pub fn new(owed: Vec<Owed>) -> Matcher {
        let mut by_tail: HashMap<[u8; TAIL], Vec<u32>> = HashMap::new();
        let mut by_amount: HashMap<i64, Vec<u32>> = HashMap::new();
        let owed: Vec<(Owed, Vec<u8>)> = owed
            .into_iter()
            .map(|o| {
                let n = normalise(&o.dossier.to_string());
                (o, n)
            })
            .collect();
        for (i, (o, code)) in owed.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            if let [.., a, b, c] = code.as_slice() {
                by_tail.entry([*a, *b, *c]).or_default().push(i);
            }
            by_amount.entry(o.due).or_default().push(i);
        }
        Matcher { owed, by_tail, by_amount }
    }

    /// The dossiers whose code ends a run of digits of `memo` within [`MAX_EDITS`], with the edits
    /// needed; only those owing `amount` unless `amount` is `None`.
    fn codes_in(&self, memo: &str, amount: Option<i64>) -> Vec<(u32, usize)> {
        let folded = crate::text::fold(memo).to_ascii_uppercase();
        let mut found: Vec<(u32, usize)> = Vec::new();
        for (end, tail) in tails(&folded) {
            let Some(ids) = self.by_tail.get(&tail) else { continue };
            let before = normalise(&folded[..end]);
            for &i in ids {
                let (o, code) = &self.owed[i as usize];
                if amount.is_some_and(|a| a != o.due) || found.iter().any(|(j, _)| *j == i) {
                    continue;
                }
                let from = before.len().saturating_sub(code.len() + MAX_EDITS);
                if let Some(d) = distance_within(code, &before[from..], MAX_EDITS) {
                    found.push((i, d));
                }
            }
        }
        found
    }

    /// Matches every credit; a dossier is matched at most once per run.
    pub fn run(&self, credits: &[Credit]) -> Vec<Outcome> {
        let mut taken = vec![false; self.owed.len()];
        credits
            .iter()
            .map(|c| {
                let fitting = self.codes_in(&c.memo, Some(c.amount));
                let code = |i: u32| self.owed[i as usize].0.dossier.clone();
                if fitting.is_empty() {
                    if !self.codes_in(&c.memo, None).is_empty() {
                        return Outcome::Unmatched("amount differs from what the dossier owes");
                    }
                    let same_amount = self.by_amount.get(&c.amount).map_or(&[][..], Vec::as_slice);
                    return match same_amount.len() {
                        0 => Outcome::Unmatched("no dossier code in the memo and no dossier owes this amount"),
                        _ => Outcome::Ambiguous(same_amount.iter().take(5).map(|&i| code(i)).collect()),
                    };
                }
                let best = fitting.iter().map(|(_, d)| *d).min().unwrap_or(0);
                let top: Vec<u32> = fitting.iter().filter(|(_, d)| *d == best).map(|(i, _)| *i).collect();
                match top.as_slice() {
                    [only] if !taken[*only as usize] => {
                        taken[*only as usize] = true;
                        Outcome::Matched(code(*only))
                    }
                    _ => Outcome::Ambiguous(top.iter().map(|&i| code(i)).collect()),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
