//! A steady load against a running `motcua serve`: each client submits a dossier as a citizen and
//! drives it, as the center director, through the lifecycle, recording every step the server
//! answered with success. A connection error (the server was killed) ends the client quietly; any
//! other failure is recorded, since a live server must never refuse this well-formed traffic.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use motcua_domain::catalog::seed_procedures;
use motcua_domain::ports::StaffStore;
use motcua_domain::staff::Role;
use motcua_domain::unit::UnitCode;
use motcua_storage::Db;
use serde_json::{Value, json};

/// The commands every dossier of the load goes through, in order (`submit` first).
pub const STEPS: [&str; 6] =
    ["submit", "receive", "start_processing", "forward_for_approval", "decide", "return_result"];

/// The center director `gd` of Phường An Hội, allowed every lifecycle command there.
pub const DIRECTOR: &str = "gd";

/// What the server acknowledged: per dossier code, how many of [`STEPS`] were answered with success.
#[derive(Clone, Default)]
pub struct Ledger {
    pub acked: Arc<Mutex<BTreeMap<String, usize>>>,
    /// Answers that were neither a success nor a dropped connection.
    pub failures: Arc<Mutex<Vec<String>>>,
}

impl Ledger {
    fn ack(&self, code: &str, steps: usize) {
        self.acked.lock().unwrap().insert(code.to_string(), steps);
    }

    pub fn snapshot(&self) -> BTreeMap<String, usize> {
        self.acked.lock().unwrap().clone()
    }
}

/// Adds the center director `gd` (password [`super::live::PASSWORD`]) to a database made by `prepare`.
pub async fn add_director(url: &str) {
    let db = Db::connect(url).await.unwrap();
    let hash = motcua_web::auth::hash_password(super::live::PASSWORD);
    let unit = UnitCode::parse("28777").unwrap();
    db.create_staff(DIRECTOR, "Giám đốc", Role::CenterDirector, &unit, &hash).await.unwrap();
    db.close().await;
}

/// An online birth registration at Phường An Hội with every required component.
pub fn submission(n: u64) -> Value {
    let p = seed_procedures().into_iter().find(|p| p.code.as_str() == "1.001193").unwrap();
    let components: Vec<Value> =
        p.components.iter().filter(|c| c.required).map(|c| json!({"code": c.code, "digitized": true})).collect();
    json!({
        "procedure": "1.001193",
        "unit": "28777",
        "components": components,
        "applicant": {"name": format!("Nguyễn Văn Tải {n}"), "id_number": "086190012345", "phone": "0912345678"},
    })
}

fn body(step: &str) -> Value {
    match step {
        "forward_for_approval" => json!({"summary": "Đủ điều kiện"}),
        "decide" => json!({"results": [{"name": "Giấy khai sinh", "electronic": true}]}),
        _ => json!({}),
    }
}

enum Answer {
    Ok(Value),
    /// The connection failed: the server is gone (or going).
    Gone,
}

async fn send(c: &reqwest::Client, url: String, token: Option<&str>, body: Value, ledger: &Ledger) -> Answer {
    let mut r = c.post(&url).json(&body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let Ok(r) = r.send().await else { return Answer::Gone };
    let status = r.status();
    let Ok(bytes) = r.bytes().await else { return Answer::Gone };
    let v: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if status.is_success() {
        Answer::Ok(v)
    } else {
        ledger.failures.lock().unwrap().push(format!("{url}: {status} {v}"));
        Answer::Gone
    }
}

/// Submits and drives dossiers until `stop` is set or the server stops answering.
pub async fn client(base: String, token: String, id: u64, ledger: Ledger, stop: Arc<AtomicBool>) {
    let c = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
    let mut n = id * 1_000_000;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let Answer::Ok(d) = send(&c, format!("{base}/api/v1/dossiers"), None, submission(n), &ledger).await else {
            return;
        };
        let code = d["dossier"]["code"].as_str().unwrap().to_string();
        ledger.ack(&code, 1);
        for (i, step) in STEPS.iter().enumerate().skip(1) {
            let url = format!("{base}/api/v1/dossiers/{code}/{step}");
            let Answer::Ok(_) = send(&c, url, Some(&token), body(step), &ledger).await else { return };
            ledger.ack(&code, i + 1);
        }
    }
}
