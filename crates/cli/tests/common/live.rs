//! Real processes against a prepared database: a child process killed when dropped, a free port,
//! the reference data with one intake officer, and a JSON POST that must succeed.

use std::path::Path;
use std::process::{Child, Command, Stdio};

use motcua_domain::catalog::seed_procedures;
use motcua_domain::ports::{CatalogStore, StaffStore};
use motcua_domain::staff::Role;
use motcua_domain::unit::{UnitCode, parse_units_csv};
use motcua_storage::Db;
use serde_json::Value;

/// The password of the intake officer `tn` of Phường An Hội made by [`prepare`].
pub const PASSWORD: &str = "mat-khau-thu-nghiem";

/// The `motcua` binary under test.
pub fn motcua() -> &'static str {
    env!("CARGO_BIN_EXE_motcua")
}

/// A child process, killed when dropped; its stderr goes to `{label}.stderr` in the test folder
/// (stdout to `{label}.stdout`).
pub struct Proc(pub Child, pub std::path::PathBuf);

impl Proc {
    pub fn start(dir: &Path, label: &str, program: &str, args: &[&str], env: &[(&str, &str)]) -> Proc {
        let err = dir.join(format!("{label}.stderr"));
        let child = Command::new(program)
            .current_dir(dir)
            .args(args)
            .envs(env.iter().copied())
            .env_remove("MOTCUA_DATABASE_URL")
            .env("MOTCUA_LOG", "info")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(dir.join(format!("{label}.stdout"))).unwrap())
            .stderr(std::fs::File::create(&err).unwrap())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {program}: {e}"));
        Proc(child, err)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.1).unwrap_or_default()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Migrates `url` and loads the units, the catalog and the intake officer `tn` of 28777.
pub async fn prepare(url: &str) {
    let db = Db::connect(url).await.unwrap();
    db.migrate().await.unwrap();
    let units = parse_units_csv(include_bytes!("../../../../data/admin_units_2025.csv")).unwrap();
    db.upsert_units(&units).await.unwrap();
    db.upsert_procedures(&seed_procedures()).await.unwrap();
    let hash = motcua_web::auth::hash_password(PASSWORD);
    db.create_staff("tn", "tn", Role::IntakeOfficer, &UnitCode::parse("28777").unwrap(), &hash).await.unwrap();
    db.close().await;
}

/// POSTs `body` as JSON (with a bearer token if given) and returns the answer, which must be a success.
pub async fn post(c: &reqwest::Client, url: String, token: Option<&str>, body: Value) -> Value {
    let mut r = c.post(url).json(&body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let r = r.send().await.unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert!(status.is_success(), "{status}: {v}");
    v
}
