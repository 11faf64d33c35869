//! How citizens write, as data (`data/assistant/lexicon.json`): abbreviations, stopwords and
//! phrase synonyms, and the token canon shared by the catalog and the messages.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;

const LEXICON_JSON: &str = include_str!("../../../../data/assistant/lexicon.json");

#[derive(Debug, Clone, Deserialize)]
struct RawSynonym {
    to: String,
    from: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct RawLexicon {
    abbreviations: BTreeMap<String, String>,
    stopwords: Vec<String>,
    synonyms: Vec<RawSynonym>,
}

/// A phrase and what it is rewritten to, both as canonical tokens.
#[derive(Debug, Clone)]
pub struct Synonym {
    pub from: Vec<String>,
    pub to: Vec<String>,
}

/// The loaded lexicon.
#[derive(Debug, Clone)]
pub struct Lexicon {
    pub abbreviations: BTreeMap<String, Vec<String>>,
    pub stopwords: HashSet<String>,
    /// Longest phrase first.
    pub synonyms: Vec<Synonym>,
}

/// One folded token in canonical spelling: a final `y` after a consonant is written `i`
/// ("ký"/"kí", "lý"/"lí" are both in use).
pub fn canon(token: &str) -> String {
    let b = token.as_bytes();
    if b.len() >= 2 && b[b.len() - 1] == b'y' && !b"aeiouy".contains(&b[b.len() - 2]) {
        return format!("{}i", &token[..token.len() - 1]);
    }
    token.to_string()
}

fn words(s: &str) -> Vec<String> {
    crate::text::search_terms(s).iter().map(|t| canon(t)).collect()
}

impl Lexicon {
    /// The lexicon shipped in `data/assistant/lexicon.json`.
    pub fn builtin() -> Lexicon {
        Lexicon::parse(LEXICON_JSON).expect("data/assistant/lexicon.json is checked by the assistant tests")
    }

    pub fn parse(json: &str) -> Result<Lexicon, serde_json::Error> {
        let raw: RawLexicon = serde_json::from_str(json)?;
        let mut synonyms: Vec<Synonym> = raw
            .synonyms
            .iter()
            .flat_map(|s| s.from.iter().map(|f| Synonym { from: words(f), to: words(&s.to) }))
            .filter(|s| !s.from.is_empty())
            .collect();
        synonyms.sort_by_key(|s| std::cmp::Reverse(s.from.len()));
        Ok(Lexicon {
            abbreviations: raw.abbreviations.iter().map(|(k, v)| (canon(k), words(v))).collect(),
            stopwords: raw.stopwords.iter().map(|w| canon(w)).collect(),
            synonyms,
        })
    }

    /// Every word the lexicon knows (for typo correction).
    pub fn vocabulary(&self) -> impl Iterator<Item = &String> {
        self.synonyms.iter().flat_map(|s| s.from.iter().chain(&s.to)).chain(self.abbreviations.values().flatten())
    }
}
