//! Synchronisation with the national portal, end to end: the real `motcua fake-portal` (failing
//! 30% of calls and losing 15% of answers after applying them) and the real `motcua serve` on
//! SQLite; dossier changes made through the API; afterwards the portal holds exactly the final
//! state of every dossier, each change applied once and in order, nothing dead-lettered. A second
//! test kills the server with SIGKILL mid-run and restarts it on the same database; a third runs
//! two servers on one PostgreSQL database, kills one mid-run and restarts it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::TempDir;
use motcua_domain::catalog::seed_procedures;
use motcua_domain::ports::{CatalogStore, StaffStore};
use motcua_domain::staff::Role;
use motcua_domain::unit::{UnitCode, parse_units_csv};
use motcua_storage::Db;
use serde_json::{Value, json};

const UNITS: &[u8] = include_bytes!("../../../data/admin_units_2025.csv");
const PASSWORD: &str = "sync-test-password";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_portal_ends_with_every_dossiers_final_state_applied_once_in_order_despite_faults() {
    let dir = TempDir::new("sync-e2e");
    let url = prepare(&dir).await;
    let mut portal = Proc::start(
        &dir,
        "portal",
        &["fake-portal", "--listen", "127.0.0.1:0", "--error-rate", "0.3", "--lose-response-rate", "0.15"],
        &[],
    );
    let portal_base = portal.announced("http://", "/dossiers", Duration::from_secs(20));
    let mut server = serve(&dir, &url, &portal_base, "serve");
    let base = server.announced("http://", "/api/v1/health", Duration::from_secs(30));
    let api = Api::new(&base).await;
    let started = Instant::now();
    let codes = api.run_dossiers(40).await;
    let changes_made = started.elapsed();
    let drained = api.wait_drained(Duration::from_secs(120), &mut server).await;
    check_portal(&portal_base, &url, &codes).await;
    eprintln!("{} dossiers, changes made in {changes_made:?}, drained {drained:?} after the last change", codes.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_run_and_restarted_loses_and_duplicates_nothing() {
    let dir = TempDir::new("sync-kill");
    let url = prepare(&dir).await;
    let mut portal = Proc::start(
        &dir,
        "portal",
        &[
            "fake-portal",
            "--listen",
            "127.0.0.1:0",
            "--error-rate",
            "0.3",
            "--lose-response-rate",
            "0.15",
            "--latency-ms",
            "100",
        ],
        &[],
    );
    let portal_base = portal.announced("http://", "/dossiers", Duration::from_secs(20));
    let mut first = serve(&dir, &url, &portal_base, "serve1");
    let base = first.announced("http://", "/api/v1/health", Duration::from_secs(30));
    let api = Api::new(&base).await;
    let mut codes = api.run_dossiers(20).await;
    // Kill it while it still has changes in flight or queued (each answer takes 100 ms).
    let before: Value = api.get_status().await;
    let undelivered = before["pending"].as_u64().unwrap() + before["retrying"].as_u64().unwrap();
    assert!(undelivered > 0, "the kill must interrupt a backlog: {before}");
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    let mut second = serve(&dir, &url, &portal_base, "serve2");
    let base = second.announced("http://", "/api/v1/health", Duration::from_secs(30));
    let api = Api::new(&base).await;
    codes.extend(api.run_dossiers(20).await);
    eprintln!("killed with {undelivered} changes undelivered");
    api.wait_drained(Duration::from_secs(120), &mut second).await;
    check_portal(&portal_base, &url, &codes).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_postgresql_share_the_outbox_and_one_killed_mid_run_loses_nothing() {
    let admin =
        std::env::var("MOTCUA_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let url = motcua_storage::scratch::fresh_postgres(&admin, "motcua_sync")
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL must be reachable at {admin}: {e}"));
    let outcome = tokio::spawn(two_servers(url.clone())).await;
    motcua_storage::scratch::drop_postgres(&admin, &url).await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn two_servers(url: String) {
    let dir = TempDir::new("sync-pg");
    prepare_db(&url).await;
    let mut portal = Proc::start(
        &dir,
        "portal",
        &[
            "fake-portal",
            "--listen",
            "127.0.0.1:0",
            "--error-rate",
            "0.3",
            "--lose-response-rate",
            "0.15",
            "--latency-ms",
            "50",
        ],
        &[],
    );
    let portal_base = portal.announced("http://", "/dossiers", Duration::from_secs(20));
    let mut a = serve(&dir, &url, &portal_base, "serve-a");
    let mut b = serve(&dir, &url, &portal_base, "serve-b");
    let (base_a, base_b) = (
        a.announced("http://", "/api/v1/health", Duration::from_secs(30)),
        b.announced("http://", "/api/v1/health", Duration::from_secs(30)),
    );
    let (api_a, api_b) = (Api::new(&base_a).await, Api::new(&base_b).await);
    let (mut codes, more) = tokio::join!(api_a.run_dossiers(16), api_b.run_dossiers(16));
    codes.extend(more);
    a.child.kill().unwrap();
    a.child.wait().unwrap();
    codes.extend(api_b.run_dossiers(8).await);
    let mut a2 = serve(&dir, &url, &portal_base, "serve-a2");
    let base_a2 = a2.announced("http://", "/api/v1/health", Duration::from_secs(30));
    codes.extend(Api::new(&base_a2).await.run_dossiers(8).await);
    api_b.wait_drained(Duration::from_secs(120), &mut b).await;
    check_portal(&portal_base, &url, &codes).await;
    let by_server = |label: &str| std::fs::read_to_string(dir.0.join(format!("{label}.stderr"))).unwrap_or_default();
    assert!(!by_server("serve-b").contains("panicked"), "{}", by_server("serve-b"));
}

/// A SQLite database with units, the seed catalog and staff for Phường An Hội and the province.
async fn prepare(dir: &TempDir) -> String {
    let url = format!("sqlite://{}", dir.0.join("motcua.db").display());
    prepare_db(&url).await;
    url
}

/// Units, the seed catalog and staff for Phường An Hội and the province, in the database at `url`.
async fn prepare_db(url: &str) {
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

fn serve(dir: &TempDir, url: &str, portal: &str, label: &str) -> Proc {
    Proc::start(
        dir,
        label,
        &["serve", "--database", url, "--listen", "127.0.0.1:0"],
        &[
            ("MOTCUA_DVCQG_URL", &format!("{portal}/dossiers")),
            ("MOTCUA_DVCQG_TOKEN", "test-token"),
            ("MOTCUA_SYNC_BACKOFF_MS", "20"),
            ("MOTCUA_SYNC_MAX_ATTEMPTS", "40"),
            ("MOTCUA_SYNC_LEASE_MS", "2000"),
        ],
    )
}

/// Compares the portal's ledger with the database: every change applied exactly once, in order,
/// and each dossier's latest record is its final state.
async fn check_portal(portal: &str, url: &str, codes: &[String]) {
    let ledger: Value = reqwest::get(format!("{portal}/applied")).await.unwrap().json().await.unwrap();
    assert_eq!(ledger["out_of_order"], 0, "nothing applied out of order");
    let applied = ledger["applied"].as_array().unwrap();
    let mut keys: Vec<&str> = applied.iter().map(|a| a["key"].as_str().unwrap()).collect();
    let total = keys.len();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), total, "no change applied twice");
    let db = Db::connect(url).await.unwrap();
    let changes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dossier_events").fetch_one(db.pool()).await.unwrap();
    assert_eq!(total as i64, changes, "one applied record per change (each API change is one event)");
    for code in codes {
        let (status, version): (i64, i64) = sqlx::query_as("SELECT status, version FROM dossiers WHERE code = $1")
            .bind(code)
            .fetch_one(db.pool())
            .await
            .unwrap();
        let seqs: Vec<i64> =
            applied.iter().filter(|a| a["dossier"] == *code).map(|a| a["seq"].as_i64().unwrap()).collect();
        assert_eq!(seqs, (1..=version).collect::<Vec<_>>(), "{code}: every change once, in order");
        let last = &ledger["dossiers"][code];
        assert_eq!(last["seq"], version, "{code}");
        assert_eq!(last["record"]["TrangThaiHoSo"], status, "{code}: the portal holds the final status");
        assert_eq!(last["record"]["MaHoSo"], code.as_str());
    }
    let dead: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sync_outbox WHERE status = 'dead'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(dead, 0, "nothing dead-lettered");
    db.close().await;
    eprintln!(
        "portal: {} requests, {} refused, {} answers lost, {} duplicates, {} applied",
        ledger["requests"], ledger["refused"], ledger["lost_responses"], ledger["duplicates"], total
    );
}

struct Api {
    base: String,
    client: reqwest::Client,
    tokens: std::collections::HashMap<&'static str, String>,
}

impl Api {
    async fn new(base: &str) -> Api {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
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
        Api { base: base.to_string(), client, tokens }
    }

    async fn post(&self, path: &str, who: Option<&str>, body: Value) -> Value {
        let mut req = self.client.post(format!("{}{path}", self.base)).json(&body);
        if let Some(w) = who {
            req = req.bearer_auth(&self.tokens[w]);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let v: Value = resp.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "POST {path}: {status} {v}");
        v
    }

    /// Submits `n` dossiers and takes each through a lifecycle whose length varies (1–8 changes),
    /// eight dossiers at a time; returns their codes.
    async fn run_dossiers(&self, n: usize) -> Vec<String> {
        let mut codes = Vec::new();
        for chunk in (0..n).collect::<Vec<_>>().chunks(8) {
            let runs = chunk.iter().map(|&i| self.lifecycle(i));
            codes.extend(futures_join(runs).await);
        }
        codes
    }

    async fn lifecycle(&self, i: usize) -> String {
        let p = seed_procedures().into_iter().find(|p| p.code.as_str() == "1.001193").unwrap();
        let components: Vec<Value> =
            p.components.iter().filter(|c| c.required).map(|c| json!({"code": c.code, "digitized": true})).collect();
        let body = json!({"procedure": "1.001193", "unit": "28777",
            "applicant": {"name": "Trần Thị Bình", "id_number": "086190012345"}, "components": components});
        let created = self.post("/api/v1/dossiers", None, body).await;
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
        for (cmd, who, body) in steps.into_iter().take(i % 8) {
            self.post(&format!("/api/v1/dossiers/{code}/{cmd}"), Some(who), body).await;
        }
        code
    }

    /// The national portal connector's line of `GET /api/v1/sync/status`.
    async fn get_status(&self) -> Value {
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

    /// Waits until nothing is pending or retrying; returns how long that took.
    async fn wait_drained(&self, within: Duration, server: &mut Proc) -> Duration {
        let start = Instant::now();
        loop {
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
            let c = &r["connectors"][0];
            if c["pending"] == 0 && c["retrying"] == 0 {
                assert_eq!(c["dead"], 0, "{r}");
                let metrics =
                    self.client.get(format!("{}/metrics", self.base)).send().await.unwrap().text().await.unwrap();
                assert!(metrics.contains("motcua_sync_pending{connector=\"dvcqg\"} 0"), "{metrics}");
                return start.elapsed();
            }
            server.assert_running();
            assert!(start.elapsed() < within, "not drained within {within:?}: {r}\n{}", server.stderr());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Runs futures concurrently (no extra crate) and returns their outputs in order.
async fn futures_join<F: std::future::Future<Output = String>>(futs: impl Iterator<Item = F>) -> Vec<String> {
    let futs: Vec<_> = futs.map(Box::pin).collect();
    let mut out = vec![None; futs.len()];
    let mut pending: Vec<_> = futs.into_iter().enumerate().collect();
    std::future::poll_fn(|cx| {
        pending.retain_mut(|(i, f)| match f.as_mut().poll(cx) {
            std::task::Poll::Ready(v) => {
                out[*i] = Some(v);
                false
            }
            std::task::Poll::Pending => true,
        });
        if pending.is_empty() { std::task::Poll::Ready(()) } else { std::task::Poll::Pending }
    })
    .await;
    out.into_iter().map(Option::unwrap).collect()
}

/// A running `motcua` process, killed when dropped.
struct Proc {
    child: Child,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Proc {
    fn start(dir: &TempDir, label: &str, args: &[&str], env: &[(&str, &str)]) -> Proc {
        let file = |ext: &str| -> PathBuf { dir.0.join(format!("{label}.{ext}")) };
        let (stdout, stderr) = (file("stdout"), file("stderr"));
        let child = Command::new(env!("CARGO_BIN_EXE_motcua"))
            .current_dir(Path::new(&dir.0))
            .args(args)
            .envs(env.iter().copied())
            .env_remove("MOTCUA_DATABASE_URL")
            .env("MOTCUA_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("starting motcua");
        Proc { child, stdout, stderr }
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    fn assert_running(&mut self) {
        if let Some(status) = self.child.try_wait().unwrap() {
            panic!("motcua exited early with {status}:\n{}", self.stderr());
        }
    }

    /// The base URL printed on the line containing `marker`.
    fn announced(&mut self, prefix: &str, marker: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            let out = std::fs::read_to_string(&self.stdout).unwrap_or_default();
            if let Some(line) = out.lines().find(|l| l.contains(marker)) {
                let start = line.find(prefix).unwrap();
                let end = start + line[start..].find(marker).unwrap();
                return line[start..end].to_string();
            }
            self.assert_running();
            assert!(Instant::now() < deadline, "no address announced:\n{}", self.stderr());
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.child.kill().ok();
            self.child.wait().ok();
        }
    }
}
