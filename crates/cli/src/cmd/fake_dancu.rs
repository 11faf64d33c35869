//! `motcua fake-dancu`: a stand-in for the national population database (CSDL quốc gia về dân
//! cư) to test the intake identity check against. `POST /check` takes
//! `{id_number, name, birth_date, idempotency_key}` and answers `{matched, field}`: `field` says
//! what differs (`id_number`: no such citizen; `name`; `birth_date`, compared when given). The
//! citizens it knows come from `--citizen ID|Họ và tên|yyyy-mm-dd` (repeatable) or a JSON file
//! of `[{id_number, name, birth_date}]`. Faults: a share of 503s, an outage from start-up, and a
//! required bearer token. `GET /checks` lists the calls answered (for tests). Kept in memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{Context, bail};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8094")]
    listen: String,
    /// A known citizen, `ID|Họ và tên|yyyy-mm-dd` (repeatable).
    #[arg(long = "citizen")]
    citizens: Vec<String>,
    /// A JSON file of known citizens: `[{"id_number", "name", "birth_date"}]`.
    #[arg(long)]
    citizens_file: Option<std::path::PathBuf>,
    /// Share of calls refused with 503 (0–1).
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Every call gets 503 until this many seconds after start-up.
    #[arg(long, default_value_t = 0.0)]
    down_until: f64,
    /// When set, calls must carry `Authorization: Bearer <token>` (else 401).
    #[arg(long, env = "FAKE_DANCU_TOKEN", hide_env_values = true)]
    token: Option<String>,
}

/// A citizen as the population database holds it.
#[derive(Debug, Clone, Deserialize)]
struct Citizen {
    id_number: String,
    name: String,
    birth_date: chrono::NaiveDate,
}

#[derive(Debug, Deserialize)]
struct CheckRequest {
    id_number: String,
    name: String,
    birth_date: Option<chrono::NaiveDate>,
    idempotency_key: String,
}

#[derive(Debug, Clone, Serialize)]
struct Answered {
    idempotency_key: String,
    id_number: String,
    matched: bool,
    field: Option<&'static str>,
}

struct Registry {
    args: Args,
    started: Instant,
    citizens: HashMap<String, Citizen>,
    answered: Mutex<Vec<Answered>>,
}

fn parse_citizen(spec: &str) -> anyhow::Result<Citizen> {
    let parts: Vec<&str> = spec.split('|').map(str::trim).collect();
    let [id, name, birth] = parts.as_slice() else { bail!("--citizen must be ID|name|yyyy-mm-dd, got {spec}") };
    let birth_date = chrono::NaiveDate::parse_from_str(birth, "%Y-%m-%d")
        .with_context(|| format!("bad birth date in --citizen {spec}"))?;
    Ok(Citizen { id_number: id.to_string(), name: name.to_string(), birth_date })
}

/// Names compare without regard to case or spacing.
fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    norm(a) == norm(b)
}

/// What differs between the request and the record: `None` when it matches.
fn compare(known: Option<&Citizen>, r: &CheckRequest) -> Option<&'static str> {
    let Some(c) = known else { return Some("id_number") };
    if !same_name(&c.name, &r.name) {
        return Some("name");
    }
    if r.birth_date.is_some_and(|b| b != c.birth_date) {
        return Some("birth_date");
    }
    None
}

async fn check(State(reg): State<Arc<Registry>>, headers: HeaderMap, body: String) -> Response {
    if let Some(token) = &reg.args.token {
        let sent = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
        if sent != format!("Bearer {token}") {
            return (StatusCode::UNAUTHORIZED, Json(json!({"error": "bad token"}))).into_response();
        }
    }
    if reg.started.elapsed().as_secs_f64() < reg.args.down_until || rand::random::<f64>() < reg.args.error_rate {
        return (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"error": "unavailable"}))).into_response();
    }
    let r: CheckRequest = match serde_json::from_str(&body) {
        Ok(r) => r,
        Err(e) => return (StatusCode::BAD_REQUEST, Json(json!({"error": e.to_string()}))).into_response(),
    };
    let id = r.id_number.replace('-', "");
    let field = compare(reg.citizens.get(&id), &r);
    let answer =
        Answered { idempotency_key: r.idempotency_key.clone(), id_number: id, matched: field.is_none(), field };
    reg.answered.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(answer.clone());
    Json(json!({"matched": answer.matched, "field": answer.field})).into_response()
}

async fn checks(State(reg): State<Arc<Registry>>) -> Response {
    let answered = reg.answered.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    Json(json!({"checks": answered})).into_response()
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let mut list: Vec<Citizen> = args.citizens.iter().map(|c| parse_citizen(c)).collect::<anyhow::Result<_>>()?;
    if let Some(path) = &args.citizens_file {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let more: Vec<Citizen> =
            serde_json::from_str(&text).with_context(|| format!("parsing {} as citizens", path.display()))?;
        list.extend(more);
    }
    let citizens = list.into_iter().map(|c| (c.id_number.replace('-', ""), c)).collect();
    let listen = args.listen.clone();
    let reg = Arc::new(Registry { args, started: Instant::now(), citizens, answered: Mutex::new(Vec::new()) });
    let app = Router::new().route("/check", post(check)).route("/checks", get(checks)).with_state(reg);
    let listener = tokio::net::TcpListener::bind(&listen).await.with_context(|| format!("binding {listen}"))?;
    let addr = listener.local_addr()?;
    println!("CSDL dân cư giả lập / fake population database at http://{addr}/check");
    axum::serve(listener, app).with_graceful_shutdown(super::serve::shutdown_signal()).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(id: &str, name: &str, birth: Option<&str>) -> CheckRequest {
        CheckRequest {
            id_number: id.into(),
            name: name.into(),
            birth_date: birth.map(|b| b.parse().unwrap()),
            idempotency_key: "k".into(),
        }
    }

    #[test]
    fn answers_which_field_differs() {
        let c = parse_citizen("086090001234|Nguyễn Văn An|1990-05-01").unwrap();
        assert_eq!(compare(Some(&c), &req("086090001234", " nguyễn  văn AN", Some("1990-05-01"))), None);
        assert_eq!(compare(Some(&c), &req("086090001234", "Nguyễn Văn An", None)), None);
        assert_eq!(compare(Some(&c), &req("086090001234", "Nguyễn Văn Ân", None)), Some("name"));
        assert_eq!(compare(Some(&c), &req("086090001234", "Nguyễn Văn An", Some("1990-05-02"))), Some("birth_date"));
        assert_eq!(compare(None, &req("086090009999", "X", None)), Some("id_number"));
        assert!(parse_citizen("086090001234|An").is_err());
    }
}
