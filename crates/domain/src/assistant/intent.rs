//! What a message asks: a dossier lookup ("tra cứu 000.00.12.H62-251126-0001", optionally with
//! the secret or the phone number given when filing), or a question for the procedure matcher.

use crate::dossier::DossierCode;
use crate::text::fold;

/// What the citizen wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// The status of a dossier; `secrets` are the tokens that may be its secret.
    Lookup { code: DossierCode, secrets: Vec<String>, phone: Option<String> },
    /// "tra cứu …" with something that is not a dossier code.
    BadCode { text: String },
    /// Anything else: a question about procedures.
    Question(String),
    /// Nothing readable (stickers, blank text).
    Empty,
}

/// Words that announce a lookup, folded.
const LOOKUP_WORDS: [&str; 5] = ["tra cuu", "tracuu", "kiem tra ho so", "ho so cua toi", "tinh trang ho so"];

fn trim_token(t: &str) -> &str {
    t.trim_matches(|c: char| !c.is_alphanumeric())
}

/// The phone number in `text`: 10 digits starting with 0, or +84/84 and 9 digits, digits possibly
/// grouped by spaces, dots or dashes. Returned as 0xxxxxxxxx.
fn phone_in(text: &str) -> Option<String> {
    let mut runs: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            cur.push(c);
        } else if matches!(c, ' ' | '.' | '-' | '+') && !cur.is_empty() {
            continue;
        } else if !cur.is_empty() {
            runs.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs.into_iter().find_map(|d| match d.len() {
        10 if d.starts_with('0') => Some(d),
        11 if d.starts_with("84") => Some(format!("0{}", &d[2..])),
        _ => None,
    })
}

/// Reads `text`.
pub fn detect(text: &str) -> Intent {
    let text = text.trim();
    if fold(text).chars().all(|c| !c.is_alphanumeric()) {
        return Intent::Empty;
    }
    let tokens: Vec<&str> = text.split_whitespace().map(trim_token).filter(|t| !t.is_empty()).collect();
    if let Some((i, code)) = tokens.iter().enumerate().find_map(|(i, t)| DossierCode::parse(t).ok().map(|c| (i, c))) {
        let rest: Vec<&str> = tokens.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, t)| *t).collect();
        let phone = phone_in(&rest.join(" "));
        let secrets = rest
            .iter()
            .filter(|t| (8..=12).contains(&t.len()) && t.chars().all(|c| c.is_ascii_alphanumeric()))
            .filter(|t| t.chars().any(|c| c.is_ascii_digit()) || t.chars().all(|c| c.is_ascii_uppercase()))
            .filter(|t| !t.chars().all(|c| c.is_ascii_digit()))
            .map(|t| t.to_ascii_uppercase())
            .take(3)
            .collect();
        return Intent::Lookup { code, secrets, phone };
    }
    let folded = fold(text);
    if LOOKUP_WORDS.iter().any(|w| folded.contains(w)) {
        let attempt = tokens.iter().find(|t| t.contains('-') && t.chars().any(|c| c.is_ascii_digit()));
        if let Some(a) = attempt {
            return Intent::BadCode { text: a.to_string() };
        }
    }
    Intent::Question(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lookup_carries_the_code_and_any_proof() {
        let Intent::Lookup { code, secrets, phone } = detect("tra cứu 000.00.12.H62-251126-0001") else { panic!() };
        assert_eq!(code.to_string(), "000.00.12.H62-251126-0001");
        assert!(secrets.is_empty() && phone.is_none());
        let i = detect("Tra cuu ho so 000.00.12.H62-251126-0001, ma bi mat k7m2q9xwzp");
        assert!(matches!(i, Intent::Lookup { ref secrets, .. } if secrets == &["K7M2Q9XWZP"]));
        let i = detect("tra cứu 000.00.12.H62-251126-0001 sđt 0912 345 678");
        assert!(matches!(i, Intent::Lookup { phone: Some(ref p), .. } if p == "0912345678"));
        let i = detect("000.00.12.H62-251126-0001 +84912345678");
        assert!(matches!(i, Intent::Lookup { phone: Some(ref p), .. } if p == "0912345678"));
    }

    #[test]
    fn a_lookup_with_a_broken_code_is_told_so() {
        assert_eq!(detect("tra cứu 000.00.12-2511-01"), Intent::BadCode { text: "000.00.12-2511-01".into() });
    }

    #[test]
    fn anything_else_is_a_question_or_empty() {
        assert!(matches!(detect("làm giấy khai sinh cần gì"), Intent::Question(_)));
        assert_eq!(detect("  ?? "), Intent::Empty);
    }
}
