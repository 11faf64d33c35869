//! Which procedure a question is about. The question is folded (no diacritics or tones),
//! abbreviations expanded, typos corrected against the words the catalog and the lexicon know
//! (one edit or swap of neighbouring letters, a leftover Telex tone key, two words run together),
//! phrases rewritten by the lexicon's synonyms, stopwords dropped; then each procedure's name is
//! scored by the weight (IDF over the catalog) of the words it shares with the question, against
//! the weight of both, with a bonus for shared word pairs. Below [`THRESHOLD`], or with only
//! common words ("đăng ký") shared, there is no answer and the message goes to a person.

use std::collections::{HashMap, HashSet};

use super::lexicon::{Lexicon, canon};
use crate::catalog::{Procedure, ProcedureCode};
use crate::text::search_terms;

/// The lowest score answered automatically.
pub const THRESHOLD: f32 = 0.42;

/// A procedure a question may be about, with how well it matches (0 to about 1.3).
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub code: ProcedureCode,
    pub score: f32,
}

#[derive(Debug, Clone)]
struct Entry {
    code: ProcedureCode,
    tokens: Vec<String>,
    bigrams: HashSet<(String, String)>,
    weight: f32,
}

/// The catalog, indexed for questions.
#[derive(Debug, Clone)]
pub struct Matcher {
    lexicon: Lexicon,
    entries: Vec<Entry>,
    idf: HashMap<String, f32>,
    /// Every known word and how often it occurs (catalog names count more than the lexicon).
    vocab: HashMap<String, u32>,
    /// Words too common in the catalog to identify a procedure alone.
    common: HashSet<String>,
}

/// A procedure's name without its parenthesised remark ("(áp dụng cho cả …)"), which citizens
/// never write and which would dilute the name's words.
fn name_proper(name: &str) -> &str {
    name.split_once(" (").map_or(name, |(n, _)| n)
}

fn pairs(tokens: &[String]) -> HashSet<(String, String)> {
    tokens.windows(2).map(|w| (w[0].clone(), w[1].clone())).collect()
}

/// Whether `a` and `b` differ by one insertion, deletion, substitution or swap of neighbours.
fn within_one(a: &[char], b: &[char]) -> bool {
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 || a == b {
        return false;
    }
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if la == lb {
        let substituted = a[p + 1..] == b[p + 1..];
        let swapped = p + 1 < la && a[p] == b[p + 1] && a[p + 1] == b[p] && a[p + 2..] == b[p + 2..];
        return substituted || swapped;
    }
    let (long, short) = if la > lb { (a, b) } else { (b, a) };
    long[p + 1..] == short[p..]
}

impl Matcher {
    /// Indexes `procedures` with the built-in lexicon.
    pub fn new(procedures: &[Procedure]) -> Matcher {
        Matcher::with_lexicon(procedures, Lexicon::builtin())
    }

    pub fn with_lexicon(procedures: &[Procedure], lexicon: Lexicon) -> Matcher {
        let named: Vec<(ProcedureCode, Vec<String>)> = procedures
            .iter()
            .map(|p| (p.code.clone(), search_terms(name_proper(&p.name)).iter().map(|t| canon(t)).collect()))
            .collect();
        let mut df: HashMap<String, u32> = HashMap::new();
        for (_, tokens) in &named {
            for t in tokens.iter().collect::<HashSet<_>>() {
                *df.entry(t.clone()).or_default() += 1;
            }
        }
        let n = named.len().max(1) as f32;
        let idf: HashMap<String, f32> = df.iter().map(|(t, d)| (t.clone(), (1.0 + n / *d as f32).ln())).collect();
        let common = df.iter().filter(|(_, d)| **d as f32 > n / 3.0).map(|(t, _)| t.clone()).collect();
        let mut vocab: HashMap<String, u32> = df.iter().map(|(t, d)| (t.clone(), d * 10)).collect();
        for w in lexicon.vocabulary() {
            *vocab.entry(w.clone()).or_default() += 1;
        }
        let entries = named
            .into_iter()
            .map(|(code, tokens)| {
                let mut unique: Vec<String> = Vec::new();
                for t in &tokens {
                    if !unique.contains(t) {
                        unique.push(t.clone());
                    }
                }
                let weight = unique.iter().map(|t| idf[t]).sum();
                Entry { code, bigrams: pairs(&tokens), tokens: unique, weight }
            })
            .collect();
        Matcher { lexicon, entries, idf, vocab, common }
    }

    /// A word of the question as the catalog or the lexicon spells it (one or two words).
    fn correct(&self, token: &str) -> Vec<String> {
        if self.vocab.contains_key(token) || self.lexicon.stopwords.contains(token) || token.len() < 3 {
            return vec![token.to_string()];
        }
        if token.bytes().all(|b| b.is_ascii_digit()) {
            return vec![token.to_string()];
        }
        // A Telex tone key left at the end ("sinhf", "kys").
        let stripped = &token[..token.len() - 1];
        if token.ends_with(['s', 'f', 'r', 'x', 'j']) && self.vocab.contains_key(stripped) {
            return vec![canon(stripped)];
        }
        // Two words typed without a space ("khaisinh").
        for i in 2..token.len().saturating_sub(1) {
            let (a, b) = token.split_at(i);
            if self.vocab.contains_key(a) && self.vocab.contains_key(b) {
                return vec![a.to_string(), b.to_string()];
            }
        }
        let chars: Vec<char> = token.chars().collect();
        let best = self
            .vocab
            .iter()
            .filter(|(w, _)| w.len() >= 3 && (chars.len() >= 4 || w.len() == chars.len()))
            .filter(|(w, _)| within_one(&chars, &w.chars().collect::<Vec<_>>()))
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)));
        vec![best.map_or_else(|| token.to_string(), |(w, _)| w.clone())]
    }

    /// The question's words after abbreviations, corrections, synonyms and stopwords.
    pub fn terms(&self, question: &str) -> Vec<String> {
        let mut words: Vec<String> = Vec::new();
        for raw in search_terms(question) {
            let t = canon(&raw);
            match self.lexicon.abbreviations.get(&t) {
                Some(expanded) => words.extend(expanded.iter().cloned()),
                None => words.extend(self.correct(&t)),
            }
        }
        let mut out: Vec<(String, bool)> = Vec::new();
        let mut i = 0;
        'scan: while i < words.len() {
            for s in &self.lexicon.synonyms {
                if words[i..].starts_with(&s.from) {
                    out.extend(s.to.iter().map(|w| (w.clone(), true)));
                    i += s.from.len();
                    continue 'scan;
                }
            }
            out.push((words[i].clone(), false));
            i += 1;
        }
        out.into_iter().filter(|(w, kept)| *kept || !self.lexicon.stopwords.contains(w)).map(|(w, _)| w).collect()
    }

    /// Every procedure sharing a distinctive word with the question, best first.
    pub fn ranked(&self, question: &str) -> Vec<Match> {
        let terms = self.terms(question);
        let set: HashSet<&String> = terms.iter().collect();
        let query_weight: f32 = set.iter().filter_map(|t| self.idf.get(*t)).sum();
        let query_pairs = pairs(&terms);
        let mut out: Vec<Match> = self
            .entries
            .iter()
            .filter_map(|e| {
                let shared: Vec<&String> = e.tokens.iter().filter(|t| set.contains(t)).collect();
                if shared.iter().all(|t| self.common.contains(*t)) {
                    return None;
                }
                let m: f32 = shared.iter().map(|t| self.idf[*t]).sum();
                let bonus: f32 =
                    e.bigrams.intersection(&query_pairs).map(|(a, b)| 0.5 * self.idf[a].min(self.idf[b])).sum();
                Some(Match { code: e.code.clone(), score: (2.0 * m + bonus) / (e.weight + query_weight) })
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out
    }

    /// The procedure the question is about, when the match is good enough to answer.
    pub fn best(&self, question: &str) -> Option<Match> {
        self.ranked(question).into_iter().next().filter(|m| m.score >= THRESHOLD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn one_edit_or_swap_is_within_one() {
        assert!(within_one(&ch("sinh"), &ch("sinn")));
        assert!(within_one(&ch("sinh"), &ch("sihn")));
        assert!(within_one(&ch("khai"), &ch("khia")));
        assert!(within_one(&ch("khai"), &ch("kha")));
        assert!(within_one(&ch("hon"), &ch("hoon")));
        assert!(!within_one(&ch("sinh"), &ch("sinh")));
        assert!(!within_one(&ch("sinh"), &ch("snhi")));
        assert!(!within_one(&ch("tam"), &ch("mat")));
    }
}
