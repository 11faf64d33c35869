//! The Zalo OA assistant: what a citizen's message asks ([`intent`]), which procedure a question
//! is about ([`matcher`], diacritic-, tone- and typo-tolerant, with the synonyms of
//! `data/assistant/lexicon.json`), the answer in Vietnamese ([`answer`]), and the signature Zalo
//! puts on its webhook events ([`zalo`]). Pure: the web layer loads the catalog and dossiers.

pub mod answer;
#[cfg(test)]
mod corpus;
pub mod intent;
pub mod lexicon;
pub mod matcher;
pub mod reply_text;
pub mod store;
pub mod zalo;

pub use intent::{Intent, detect};
pub use matcher::{Match, Matcher};
