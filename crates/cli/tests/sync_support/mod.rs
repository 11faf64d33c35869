//! Helpers of the sync end-to-end tests: real `motcua` processes (servers and the fake portal),
//! an API client driving dossier lifecycles as a load, and the check comparing the portal's ledger
//! with the database.
#![allow(dead_code, unused_imports)]

pub mod procs;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use motcua_domain::catalog::seed_procedures;
use motcua_domain::ports::{CatalogStore, StaffStore};
use motcua_domain::staff::Role;
use motcua_domain::unit::{UnitCode, parse_units_csv};
use motcua_storage::Db;
pub use procs::{Proc, serve, serve_with};
use serde_json::{Value, json};

use crate::common::TempDir;

const UNITS: &[u8] = include_bytes!("../../../../data/admin_units_2025.csv");
pub const PASSWORD: &str = "sync-test-password";
/// Holder names containing this are refused for good by the fake portal (`--reject-name`).
pub const REJECTED_NAME: &str = "Từ Chối";

/// A SQLite database with units, the seed catalog and staff, in `dir`.
pub async fn prepare(dir: &TempDir) -> String {
    let url = format!("sqlite://{}", dir.0.join("motcua.db").display());
    prepare_db(&url).await;
    url
}

/// Units, the seed catalog and staff for Phường An Hội and the province, in the database at `url`.
pub async fn prepare_db(url: &str) {
    let db = Db::connect(url).await.unwrap();
    db.migrate().await.unwrap();
    db.upsert_units(&parse_units_csv(UNITS).unwrap()).await.unwrap();
    db.upsert_procedures(&seed_procedures()).await.unwrap();
    let hash = motcua_web::auth::hash_password(PASSWORD);
    let anhoi = UnitCode::parse("28777").unwrap();
    for (name, role) in [("tn", Role::IntakeOfficer), ("cv", Role::Specialist), ("ld", Role::Leader)] {
        db.create_staff(name, name, role, &anhoi, &hash).await.unwrap();
    }
    db.create_staff("qt", "qt", Role::Administrator, &UnitCode::parse("86").unwrap(), &hash).await.unwrap();
    db.close().await;
}

/// Compares the portal's ledger with the database: every committed change of every dossier
/// applied exactly once and in order, each dossier's latest record its final state; the only dead
/// messages are the records the portal refused for good (holder named [`REJECTED_NAME`]), with
/// the reason, and none of them was applied. Returns the ledger.
pub async fn check_portal(portal: &str, url: &str) -> Value {
    let ledger: Value = reqwest::get(format!("{portal}/applied")).await.unwrap().json().await.unwrap();
    assert_eq!(ledger["out_of_order"], 0, "nothing applied out of order");
    let applied = ledger["applied"].as_array().unwrap();
    let mut by_dossier: std::collections::HashMap<&str, Vec<i64>> = Default::default();
    let mut keys = std::collections::HashSet::new();
    for a in applied {
        assert!(keys.insert(a["key"].as_str().unwrap()), "applied twice: {}", a["key"]);
        by_dossier.entry(a["dossier"].as_str().unwrap()).or_default().push(a["seq"].as_i64().unwrap());
    }
    let db = Db::connect(url).await.unwrap();
    let dead: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT dossier_code, idempotency_key, last_error FROM sync_outbox
         WHERE connector = 'dvcqg' AND status = 'dead' ORDER BY id",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    let refused: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sync_outbox WHERE connector = 'dvcqg' AND payload LIKE $1")
            .bind(format!("%{REJECTED_NAME}%"))
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(dead.len() as i64, refused, "only the refused records are dead: {dead:?}");
    for (dossier, key, error) in &dead {
        assert!(!keys.contains(key.as_str()), "{key} is dead but the portal applied it");
        assert!(!by_dossier.contains_key(dossier.as_str()), "{dossier}: dead, nothing of it applied");
        let error = error.as_deref().unwrap_or_default();
        assert!(error.contains("422") && error.contains("rejected for good"), "{key}: the reason is kept: {error}");
    }
    let dossiers: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT code, status, version FROM dossiers ORDER BY code").fetch_all(db.pool()).await.unwrap();
    let undelivered: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sync_outbox WHERE connector = 'dvcqg' AND status = 'queued'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(undelivered, 0, "everything not refused was delivered");
    let dead_dossiers: std::collections::HashSet<&str> = dead.iter().map(|d| d.0.as_str()).collect();
    for (code, status, version) in &dossiers {
        if dead_dossiers.contains(code.as_str()) {
            continue;
        }
        let seqs = by_dossier.get(code.as_str()).cloned().unwrap_or_default();
        assert_eq!(seqs, (1..=*version).collect::<Vec<_>>(), "{code}: every change once, in order");
        let last = &ledger["dossiers"][code];
        assert_eq!(last["seq"], *version, "{code}");
        assert_eq!(last["record"]["TrangThaiHoSo"], *status, "{code}: the portal holds the final status");
        assert_eq!(last["record"]["MaHoSo"], code.as_str());
    }
    let changes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dossier_events").fetch_one(db.pool()).await.unwrap();
    assert_eq!(applied.len() as i64 + dead.len() as i64, changes, "one applied record per change");
    db.close().await;
    eprintln!(
        "{} dossiers, {} changes, {refused} refused for good; portal: {} requests, {} refused ({} in outages), {} answers lost, {} resets \
         ({} after applying), {} hangs, {} duplicate acks of re-sent keys, {} fresh records acked as duplicates, \
         {} rejected for good",
        dossiers.len(),
        changes,
        ledger["requests"],
        ledger["refused"],
        ledger["outage_refused"],
        ledger["lost_responses"],
        ledger["resets"],
        ledger["resets_after_apply"],
        ledger["hangs"],
        ledger["duplicates"],
        ledger["duplicate_acks"],
        ledger["rejected"]
    );
    ledger
}

/// A shared change budget for load drivers: dossiers are numbered, changes counted.
#[derive(Default)]
pub struct Load {
    next: AtomicUsize,
    pub changes: AtomicUsize,
    pub target: usize,
}

impl Load {
    pub fn new(target: usize) -> Arc<Load> {
        Arc::new(Load { target, ..Load::default() })
    }

    pub fn done(&self) -> usize {
        self.changes.load(Ordering::Relaxed)
    }

    /// Waits until at least `n` changes were made.
    pub async fn reached(&self, n: usize) {
        while self.done() < n {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Runs dossier lifecycles against `api` until the load's target is reached; stops at the first
/// failed call (its server was killed).
pub async fn drive(api: Arc<Api>, load: Arc<Load>) -> Result<(), String> {
    while load.done() < load.target {
        let i = load.next.fetch_add(1, Ordering::Relaxed);
        api.lifecycle(i, &load).await?;
    }
    Ok(())
}

/// `n` drivers against `api`.
pub fn drivers(api: &Arc<Api>, load: &Arc<Load>, n: usize) -> tokio::task::JoinSet<Result<(), String>> {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        set.spawn(drive(api.clone(), load.clone()));
    }
    set
}

pub struct Api {
    pub base: String,
    client: reqwest::Client,
    tokens: std::collections::HashMap<&'static str, String>,
}

impl Api {
    pub async fn new(base: &str) -> Arc<Api> {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
        let mut tokens = std::collections::HashMap::new();
        for who in ["tn", "cv", "ld", "qt"] {
            let r: Value = client
                .post(format!("{base}/api/v1/auth/login"))
                .json(&json!({"username": who, "password": PASSWORD}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            tokens.insert(who, r["token"].as_str().unwrap_or_else(|| panic!("login {who}: {r}")).to_string());
        }
        Arc::new(Api { base: base.to_string(), client, tokens })
    }

    async fn post(&self, path: &str, who: Option<&str>, body: Value) -> Result<Value, String> {
        let mut req = self.client.post(format!("{}{path}", self.base)).json(&body);
        if let Some(w) = who {
            req = req.bearer_auth(&self.tokens[w]);
        }
        let resp = req.send().await.map_err(|e| format!("POST {path}: {e}"))?;
        let status = resp.status();
        let v: Value = resp.json().await.map_err(|e| format!("POST {path}: {e}"))?;
        assert!(status.is_success(), "POST {path}: {status} {v}");
        Ok(v)
    }

    /// Submits dossier `i` and takes it through `i % 8` further changes; every 400th dossier's
    /// holder has a name the portal refuses for good (and it stays at its submission).
    pub async fn lifecycle(&self, i: usize, load: &Load) -> Result<String, String> {
        let p = seed_procedures().into_iter().find(|p| p.code.as_str() == "1.001193").unwrap();
        let components: Vec<Value> =
            p.components.iter().filter(|c| c.required).map(|c| json!({"code": c.code, "digitized": true})).collect();
        let refused = i % 400 == 399;
        let name = if refused { format!("Lê {REJECTED_NAME}") } else { "Trần Thị Bình".into() };
        let body = json!({"procedure": "1.001193", "unit": "28777",
            "applicant": {"name": name, "id_number": "086190012345"}, "components": components});
        let created = self.post("/api/v1/dossiers", None, body).await?;
        load.changes.fetch_add(1, Ordering::Relaxed);
        let code = created["dossier"]["code"].as_str().unwrap().to_string();
        let steps: [(&str, &str, Value); 7] = [
            ("receive", "tn", json!({})),
            ("start_processing", "cv", json!({})),
            ("request_supplement", "cv", json!({"missing": "Bản sao giấy tờ"})),
            ("receive_supplement", "tn", json!({})),
            ("forward_for_approval", "cv", json!({"summary": "Đủ điều kiện"})),
            ("decide", "ld", json!({"results": [{"name": "Trích lục khai sinh", "electronic": true}]})),
            ("return_result", "tn", json!({})),
        ];
        let n = if refused { 0 } else { i % 8 };
        for (cmd, who, body) in steps.into_iter().take(n) {
            self.post(&format!("/api/v1/dossiers/{code}/{cmd}"), Some(who), body).await?;
            load.changes.fetch_add(1, Ordering::Relaxed);
        }
        Ok(code)
    }

    /// Submits `n` dossiers (`i` from `first`), eight at a time; returns their codes.
    pub async fn run_dossiers(self: &Arc<Self>, first: usize, n: usize) -> Vec<String> {
        let load = Load::new(usize::MAX);
        let mut codes = Vec::new();
        for chunk in (first..first + n).collect::<Vec<_>>().chunks(8) {
            let mut set = tokio::task::JoinSet::new();
            for &i in chunk {
                let (api, load) = (self.clone(), load.clone());
                set.spawn(async move { api.lifecycle(i, &load).await.unwrap() });
            }
            while let Some(code) = set.join_next().await {
                codes.push(code.unwrap());
            }
        }
        codes
    }

    /// `GET path` as `who`; the JSON answer (an error envelope included).
    pub async fn get(&self, path: &str, who: &str) -> Value {
        let r = self.client.get(format!("{}{path}", self.base)).bearer_auth(&self.tokens[who]).send().await.unwrap();
        r.json().await.unwrap()
    }

    /// `POST path` (no body) as `who`; the JSON answer.
    pub async fn post_json(&self, path: &str, who: &str) -> Value {
        let r = self.client.post(format!("{}{path}", self.base)).bearer_auth(&self.tokens[who]).send().await.unwrap();
        r.json().await.unwrap()
    }

    fn cookies(&self, who: &str) -> String {
        format!("motcua_session={}; motcua_csrf={}", self.tokens[who], "0123456789abcdef".repeat(4))
    }

    /// A back-office page's HTML as `who` (signed in by session cookie).
    pub async fn page(&self, path: &str, who: &str) -> String {
        let r = self.client.get(format!("{}{path}", self.base)).header("cookie", self.cookies(who)).send().await;
        r.unwrap().text().await.unwrap()
    }

    /// Posts a back-office form as `who`, without following the redirect.
    pub async fn form(&self, path: &str, who: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        client.post(format!("{}{path}", self.base)).header("cookie", self.cookies(who)).form(form).send().await.unwrap()
    }

    /// The national portal connector's line of `GET /api/v1/sync/status`.
    pub async fn status(&self) -> Value {
        let r: Value = self
            .client
            .get(format!("{}/api/v1/sync/status", self.base))
            .bearer_auth(&self.tokens["qt"])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        r["connectors"][0].clone()
    }

    /// Waits until nothing is pending or retrying and `dead` messages are dead (`u64::MAX`: any
    /// number); returns how long that took.
    pub async fn wait_drained(&self, within: Duration, dead: u64, server: &mut Proc) -> Duration {
        let start = Instant::now();
        loop {
            let c = self.status().await;
            if c["pending"] == 0 && c["retrying"] == 0 {
                if dead != u64::MAX {
                    assert_eq!(c["dead"], dead, "{c}");
                }
                let metrics =
                    self.client.get(format!("{}/metrics", self.base)).send().await.unwrap().text().await.unwrap();
                assert!(metrics.contains("motcua_sync_pending{connector=\"dvcqg\"} 0"), "{metrics}");
                return start.elapsed();
            }
            server.assert_running();
            assert!(start.elapsed() < within, "not drained within {within:?}: {c}\n{}", server.stderr());
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits until no connector has anything pending or retrying.
    pub async fn wait_all_drained(&self, within: Duration, server: &mut Proc) {
        let start = Instant::now();
        loop {
            let r = self.get("/api/v1/sync/status", "qt").await;
            let connectors = r["connectors"].as_array().unwrap();
            if connectors.iter().all(|c| c["pending"] == 0 && c["retrying"] == 0) {
                return;
            }
            server.assert_running();
            assert!(start.elapsed() < within, "not drained within {within:?}: {r}\n{}", server.stderr());
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Starts an outage of the fake portal now.
    pub async fn portal_outage(portal: &str, seconds: f64) {
        let r = reqwest::Client::new()
            .post(format!("{portal}/control/outage"))
            .json(&json!({"seconds": seconds}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
    }
}
