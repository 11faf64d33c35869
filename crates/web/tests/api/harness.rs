//! `TestApp`: a server on port 0 with a fresh database, a hand-moved clock, and staff accounts.

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, TimeZone, Utc};
use motcua_domain::catalog::seed_procedures;
use motcua_domain::clock::ManualClock;
use motcua_domain::ports::{CatalogStore, StaffStore};
use motcua_domain::staff::Role;
use motcua_domain::unit::{UnitCode, parse_units_csv};
use motcua_storage::{Db, scratch};
use motcua_web::AppState;
use reqwest::StatusCode;
use serde_json::{Value, json};

pub const PASSWORD: &str = "mat-khau-thu-nghiem";

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub clock: Arc<ManualClock>,
    server: tokio::task::JoinHandle<()>,
    pg: Option<String>,
    dir: Option<std::path::PathBuf>,
}

/// 09:00 on Monday 23/11/2026, Vietnam time.
pub fn monday_morning() -> DateTime<Utc> {
    vn(2026, 11, 23, 9, 0)
}

pub fn vn(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(7 * 3600).unwrap().with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
}

fn admin_url() -> String {
    std::env::var("MOTCUA_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| motcua_web::auth::hash_password(PASSWORD))
}

/// Staff created in every test app: `{unit}.{role}` for two communes of Vĩnh Long, plus province roles.
const STAFF: [(&str, Role); 10] = [
    ("28777", Role::IntakeOfficer),
    ("28777", Role::Specialist),
    ("28777", Role::Leader),
    ("28777", Role::CenterDirector),
    ("28756", Role::IntakeOfficer),
    ("28756", Role::Specialist),
    ("28756", Role::Leader),
    ("86", Role::ProvinceMonitor),
    ("86", Role::Administrator),
    ("79", Role::ProvinceMonitor),
];

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, |state| state).await
    }

    /// The same, with the state configured further before it is served (e.g. sign-in providers).
    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(AppState) -> AppState) -> TestApp {
        let (url, pg, dir) = match backend {
            Backend::Sqlite => {
                // Parallel tests can read the same clock value: a counter keeps their folders apart.
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
                let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let dir = std::env::temp_dir().join(format!(
                    "motcua-api-{}-{}-{n}",
                    std::process::id(),
                    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
                ));
                std::fs::create_dir_all(&dir).unwrap();
                (format!("sqlite://{}", dir.join("t.db").display()), None, Some(dir))
            }
            Backend::Postgres => {
                let url = scratch::fresh_postgres(&admin_url(), "motcua_api")
                    .await
                    .unwrap_or_else(|e| panic!("PostgreSQL must be reachable at {}: {e}", admin_url()));
                (url.clone(), Some(url), None)
            }
        };
        let db = Db::connect(&url).await.unwrap();
        db.migrate().await.unwrap();
        db.upsert_units(&parse_units_csv(include_bytes!("../../../../data/admin_units_2025.csv")).unwrap())
            .await
            .unwrap();
        db.upsert_procedures(&seed_procedures()).await.unwrap();
        for (unit, role) in STAFF {
            let name = format!("{unit}.{}", role.as_str());
            db.create_staff(&name, &name, role, &UnitCode::parse(unit).unwrap(), password_hash()).await.unwrap();
        }
        let clock = Arc::new(ManualClock::new(monday_morning()));
        let state = configure(AppState::new(db.clone(), clock.clone()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            motcua_web::serve(listener, state, std::future::pending()).await.unwrap();
        });
        TestApp { base: format!("http://{addr}"), client: reqwest::Client::new(), db, clock, server, pg, dir }
    }

    pub async fn stop(self) {
        self.server.abort();
        self.db.close().await;
        if let Some(url) = &self.pg {
            scratch::drop_postgres(&admin_url(), url).await;
        }
        if let Some(dir) = &self.dir {
            std::fs::remove_dir_all(dir).ok();
        }
    }

    /// A bearer token for `{unit}.{role}`.
    pub async fn token(&self, unit: &str, role: Role) -> String {
        let (status, body) = self
            .post(
                "/api/v1/auth/login",
                None,
                json!({"username": format!("{unit}.{}", role.as_str()), "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["token"].as_str().unwrap().to_string()
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        let mut req = self.client.post(format!("{}{path}", self.base)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        let mut req = self.client.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    /// An online birth registration for Phường An Hội; returns (code, secret).
    pub async fn submit_birth(&self) -> (String, String) {
        let (status, body) = self.post("/api/v1/dossiers", None, birth_request()).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        (body["dossier"]["code"].as_str().unwrap().into(), body["secret"].as_str().unwrap().into())
    }

    /// Runs a lifecycle command and asserts it succeeded.
    pub async fn act(&self, code: &str, command: &str, token: &str, body: Value) -> Value {
        let (status, v) = self.post(&format!("/api/v1/dossiers/{code}/{command}"), Some(token), body).await;
        assert_eq!(status, StatusCode::OK, "{command}: {v}");
        v
    }
}

pub fn birth_request() -> Value {
    json!({
        "procedure": "1.001193",
        "unit": "28777",
        "applicant": {"name": "Trần Thị Bình", "id_number": "086190012345", "phone": "0912 345 678"},
        "components": components("1.001193"),
    })
}

/// Every required component of a seeded procedure, flagged digitized.
pub fn components(code: &str) -> Value {
    let p = seed_procedures().into_iter().find(|p| p.code.as_str() == code).unwrap();
    Value::Array(
        p.components.iter().filter(|c| c.required).map(|c| json!({"code": c.code, "digitized": true})).collect(),
    )
}
