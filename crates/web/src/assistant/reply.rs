//! What the assistant does with one message: answer a procedure question or a dossier lookup,
//! or hand the message to an officer.

use motcua_domain::assistant::store::Handling;
use motcua_domain::assistant::{Intent, answer, detect};
use motcua_domain::calendar::Timeliness;
use motcua_domain::dossier::{Dossier, DossierCode};
use motcua_domain::ports::{CatalogStore, DossierStore};

use super::Assistant;
use crate::error::ApiResult;
use crate::state::AppState;

/// The assistant's decision on a message.
#[derive(Debug, Clone)]
pub struct Decision {
    /// `question`, `lookup`, `bad_code` or `empty`.
    pub intent: &'static str,
    pub procedure: Option<String>,
    pub handling: Handling,
}

fn digits(phone: &str) -> String {
    let d: String = phone.chars().filter(char::is_ascii_digit).collect();
    match d.strip_prefix("84") {
        Some(rest) if rest.len() == 9 => format!("0{rest}"),
        _ => d,
    }
}

/// Whether the message proves the applicant: one of its secrets, or the phone given when filing.
async fn proven(state: &AppState, d: &Dossier, secrets: &[String], phone: Option<&str>) -> ApiResult<bool> {
    for s in secrets {
        if crate::access::secret_matches(state, &d.code, s).await? {
            return Ok(true);
        }
    }
    Ok(phone.is_some_and(|p| d.applicant.phone.as_deref().is_some_and(|own| digits(own) == digits(p))))
}

async fn lookup(
    state: &AppState,
    a: &Assistant,
    code: &DossierCode,
    secrets: &[String],
    phone: Option<&str>,
) -> ApiResult<String> {
    let Some(d) = state.db.dossier(code).await? else {
        return Ok(answer::not_found(&code.to_string()));
    };
    let procedure = state.db.procedure(&d.procedure).await?.map(|p| p.name);
    let (calendar, _) = crate::api::dossiers::calendar_for(state, &d).await?;
    let late = d.timeliness(&calendar, state.now()) == Some(Timeliness::Late);
    let proven = proven(state, &d, secrets, phone)
        .await?
        .then(|| answer::Proven { applicant: d.applicant.name.clone(), note: d.pending_note.clone() });
    let facts =
        answer::LookupFacts { code: d.code.to_string(), procedure, status: d.status, due: d.due_at, late, proven };
    Ok(answer::lookup(&facts, &a.cfg.public_url))
}

/// Reads `text` and decides the reply.
pub async fn decide(state: &AppState, a: &Assistant, text: &str) -> ApiResult<Decision> {
    let handed_over = |intent| Decision {
        intent,
        procedure: None,
        handling: Handling::HandedOver { holding: answer::handed_over() },
    };
    Ok(match detect(text) {
        Intent::Empty => handed_over("empty"),
        Intent::BadCode { text } => Decision {
            intent: "bad_code",
            procedure: None,
            handling: Handling::Answered { reply: answer::bad_code(&text) },
        },
        Intent::Lookup { code, secrets, phone } => {
            let reply = lookup(state, a, &code, &secrets, phone.as_deref()).await?;
            Decision { intent: "lookup", procedure: None, handling: Handling::Answered { reply } }
        }
        Intent::Question(q) => {
            let index = a.index(&state.db).await?;
            let found = index
                .matcher
                .best(&q)
                .and_then(|m| index.procedures.iter().find(|p| p.code == m.code))
                .map(|p| (p.code.to_string(), answer::procedure(p, &a.cfg.public_url)));
            match found {
                Some((code, reply)) => {
                    Decision { intent: "question", procedure: Some(code), handling: Handling::Answered { reply } }
                }
                None => handed_over("question"),
            }
        }
    })
}
