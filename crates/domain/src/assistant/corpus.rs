//! The assistant's hit rate on `data/assistant/corpus.json`: real-style questions with the
//! procedure each is about (or none). Printed, and held above the corpus's `min_hit_rate`.

use serde::Deserialize;

use super::Matcher;
use crate::catalog::seed_procedures;

#[derive(Deserialize)]
struct Question {
    q: String,
    expect: Option<String>,
}

#[derive(Deserialize)]
struct Corpus {
    min_hit_rate: f64,
    questions: Vec<Question>,
}

#[test]
fn the_corpus_hit_rate_is_above_its_threshold() {
    let corpus: Corpus = serde_json::from_str(include_str!("../../../../data/assistant/corpus.json")).unwrap();
    let catalog = seed_procedures();
    let m = Matcher::new(&catalog);
    let mut hits = 0;
    let mut misses = Vec::new();
    for q in &corpus.questions {
        if let Some(code) = &q.expect {
            assert!(catalog.iter().any(|p| p.code.as_str() == code), "{code} is not in the seed catalog");
        }
        let got = m.best(&q.q).map(|m| m.code.to_string());
        if got == q.expect {
            hits += 1;
        } else {
            let top: Vec<String> =
                m.ranked(&q.q).iter().take(3).map(|m| format!("{} {:.2}", m.code, m.score)).collect();
            misses.push(format!(
                "{:?}: expected {:?}, got {:?} (terms {:?}; top {top:?})",
                q.q,
                q.expect,
                got,
                m.terms(&q.q)
            ));
        }
    }
    let rate = hits as f64 / corpus.questions.len() as f64;
    println!(
        "assistant corpus: {hits}/{} questions answered as expected, hit rate {:.1}% (threshold {:.0}%)",
        corpus.questions.len(),
        rate * 100.0,
        corpus.min_hit_rate * 100.0
    );
    for miss in &misses {
        println!("  miss: {miss}");
    }
    assert!(corpus.questions.len() >= 50, "the corpus must hold at least 50 questions");
    assert!(rate >= corpus.min_hit_rate, "hit rate {rate:.3} below {}", corpus.min_hit_rate);
}
