//! The `motcua` binary, run as an operator would: each test runs the real executable in its own
//! temporary folder and checks its exit status and output.
//!
//! PostgreSQL is taken from `MOTCUA_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`);
//! the PostgreSQL tests fail, rather than skip, when it cannot be reached.

mod common;

use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate, Weekday};
use common::TempDir;
use motcua_domain::calendar::to_lunar;
use motcua_domain::catalog::ProcedureCode;
use motcua_domain::ports::CatalogStore;
use motcua_storage::{Db, scratch};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// calendar lunar

#[test]
fn lunar_prints_tet_2025_as_the_first_day_of_the_first_month() {
    let dir = TempDir::new("lunar");
    let text = motcua(&dir, &["calendar", "lunar", "2025-01-29"]).success();
    assert_eq!(text.stdout.trim(), "1/1/2025");
    let json = motcua(&dir, &["calendar", "lunar", "2025-01-29", "--json"]).success();
    assert_eq!(json.json(), json!({"day": 1, "month": 1, "year": 2025, "leap": false}));
}

#[test]
fn lunar_puts_tet_1985_on_21_january_as_vietnam_does_not_a_month_later_as_china_does() {
    let dir = TempDir::new("lunar-1985");
    assert_eq!(motcua(&dir, &["calendar", "lunar", "1985-01-21"]).success().stdout.trim(), "1/1/1985");
    assert_ne!(motcua(&dir, &["calendar", "lunar", "1985-02-20"]).success().stdout.trim(), "1/1/1985");
}

#[test]
fn lunar_marks_a_day_of_the_leap_sixth_month_of_2025_as_nhuan() {
    let date = NaiveDate::from_ymd_opt(2025, 7, 25).unwrap();
    let lunar = to_lunar(date);
    assert!(lunar.leap && lunar.month == 6 && lunar.year == 2025, "test premise: {lunar:?}");
    let dir = TempDir::new("lunar-leap");
    assert_eq!(motcua(&dir, &["calendar", "lunar", "2025-07-25"]).success().stdout.trim(), "1/6 nhuận/2025");
    let json = motcua(&dir, &["calendar", "lunar", "2025-07-25", "--json"]).success();
    assert_eq!(json.json(), json!({"day": 1, "month": 6, "year": 2025, "leap": true}));
}

#[test]
fn lunar_output_is_the_same_whatever_the_process_time_zone() {
    let dir = TempDir::new("lunar-tz");
    for date in ["2025-01-29", "1985-01-21", "2025-07-25"] {
        for format in [&[][..], &["--json"][..]] {
            let args = [&["calendar", "lunar", date][..], format].concat();
            let reference = motcua(&dir, &args).success().stdout;
            for tz in ["UTC", "America/New_York", "Pacific/Kiritimati"] {
                let run = motcua_with_env(&dir, &args, &[("TZ", tz)]).success();
                assert_eq!(run.stdout, reference, "motcua {} with TZ={tz}", args.join(" "));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// calendar holidays

#[test]
fn holidays_2025_list_the_april_26_make_up_saturday_and_the_may_2_day_off() {
    let dir = TempDir::new("holidays-2025");
    let list = motcua(&dir, &["calendar", "holidays", "2025", "--json"]).success().json();
    let days = list.as_array().expect("a JSON list");
    let day = |date: &str| days.iter().find(|d| d["date"] == date).unwrap_or_else(|| panic!("{date} in {list:#}"));
    assert_eq!(day("2025-04-26")["working"], true);
    assert_eq!(day("2025-05-02")["working"], false);
    for d in days {
        let keys: Vec<&str> = d.as_object().expect("an object").keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 3, "{d}");
        assert!(["date", "working", "reason"].iter().all(|k| keys.contains(k)), "{d}");
        let date = NaiveDate::parse_from_str(d["date"].as_str().expect("a date"), "%Y-%m-%d").expect("YYYY-MM-DD");
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        assert_eq!(d["working"], weekend, "a listed weekday must be off and a listed weekend day worked: {d}");
    }
}

#[test]
fn holidays_2026_as_text_mention_the_january_10_make_up_day() {
    let dir = TempDir::new("holidays-2026");
    let run = motcua(&dir, &["calendar", "holidays", "2026"]).success();
    assert!(run.stdout.contains("10/01/2026"), "{run}");
}

// ---------------------------------------------------------------------------------------------
// calendar due

#[test]
fn due_of_a_birth_registration_received_friday_afternoon_before_tet_2026_skips_the_holiday() {
    let dir = TempDir::new("due");
    let args = ["calendar", "due", "--procedure", "1.001193", "--received", "2026-02-13T16:00+07:00", "--json"];
    assert_eq!(motcua(&dir, &args).success().json(), json!({"due": "2026-02-23T17:00+07:00"}));
}

#[test]
fn due_of_an_unknown_procedure_fails_naming_the_code() {
    let dir = TempDir::new("due-unknown");
    let run =
        motcua(&dir, &["calendar", "due", "--procedure", "9.999999", "--received", "2026-02-13T16:00+07:00"]).failure();
    assert!(run.stderr.contains("no procedure 9.999999"), "{run}");
}

#[test]
fn due_with_a_malformed_instant_fails_showing_the_expected_form() {
    let dir = TempDir::new("due-instant");
    let run = motcua(&dir, &["calendar", "due", "--procedure", "1.001193", "--received", "13/02/2026 16h"]).failure();
    assert!(run.stderr.contains("is not an instant like 2026-02-13T16:00+07:00"), "{run}");
}

// ---------------------------------------------------------------------------------------------
// import catalog

#[tokio::test]
async fn a_good_catalog_csv_is_imported_into_sqlite() {
    let dir = TempDir::new("import-good");
    imports_a_good_catalog(&dir, &sqlite_url(&dir, "t.db")).await;
}

#[tokio::test]
async fn a_good_catalog_csv_is_imported_into_postgres() {
    with_scratch_postgres(|url| async move {
        let dir = TempDir::new("import-good-pg");
        imports_a_good_catalog(&dir, &url).await;
    })
    .await;
}

#[tokio::test]
async fn a_catalog_csv_with_three_bad_rows_is_rejected_whole_on_sqlite() {
    let dir = TempDir::new("import-bad");
    rejects_a_catalog_with_bad_rows(&dir, &sqlite_url(&dir, "t.db")).await;
}

#[tokio::test]
async fn a_catalog_csv_with_three_bad_rows_is_rejected_whole_on_postgres() {
    with_scratch_postgres(|url| async move {
        let dir = TempDir::new("import-bad-pg");
        rejects_a_catalog_with_bad_rows(&dir, &url).await;
    })
    .await;
}

/// The three procedures of `data/procedures.example.csv`.
const EXAMPLE_CODES: [&str; 3] = ["1.001193", "2.000635", "1.001612"];

async fn imports_a_good_catalog(dir: &TempDir, url: &str) {
    let file = dir.path().join("procedures.csv");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/procedures.example.csv"), &file).unwrap();
    let run = motcua(dir, &["import", "--database", url, "catalog", file.to_str().unwrap()]).success();
    assert!(run.stdout.contains("imported 3 procedures"), "{run}");

    let db = Db::connect(url).await.unwrap();
    for code in EXAMPLE_CODES {
        assert!(procedure_name(&db, code).await.is_some(), "{code} was not imported");
    }
    // A quoted cell holding a comma survives the trip.
    assert_eq!(
        procedure_name(&db, "2.000635").await.as_deref(),
        Some("Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh")
    );
}

async fn rejects_a_catalog_with_bad_rows(dir: &TempDir, url: &str) {
    let file = dir.path().join("bad.csv");
    std::fs::write(&file, BAD_CATALOG).unwrap();
    let run = motcua(dir, &["import", "--database", url, "catalog", file.to_str().unwrap()]).failure();
    for (line, field) in [(3, "online_level"), (4, "time_value"), (5, "published_on")] {
        assert!(run.stderr.contains(&format!("line {line}, {field}:")), "line {line}, {field} not reported:\n{run}");
    }
    assert!(!run.stderr.contains("line 2,"), "the good row was reported:\n{run}");
    assert!(run.stderr.contains("nothing was imported"), "{run}");

    // Not even the good row on line 2 is in the database.
    let db = Db::connect(url).await.unwrap();
    db.migrate().await.unwrap();
    for code in ["1.001193", "2.000635", "1.001612", "1.000656"] {
        assert_eq!(procedure_name(&db, code).await, None, "{code} was imported from a rejected file");
    }
}

/// A valid row, then a bad online level, a non-numeric time and an impossible date.
const BAD_CATALOG: &str = "\
code,name,field,online_level,time_kind,time_value,time_certainty,fees,components,result_kind,competent_level,published_on,updated_on
1.001193,Đăng ký khai sinh,Hộ tịch,toàn trình,same_day,15:00,verified,,TK01:Tờ khai đăng ký khai sinh:1,paper,commune,2025-07-01,
2.000635,Cấp bản sao Trích lục hộ tịch,Hộ tịch,sometimes,same_day,,verified,,TK01:Tờ khai:1,electronic,commune,01/07/2025,
1.001612,Đăng ký thành lập hộ kinh doanh,Hộ kinh doanh,một phần,working_days,ba,recalled,,TK01:Giấy đề nghị:1,paper,commune,2025-07-01,
1.000656,Đăng ký kết hôn,Hộ tịch,full,working_days,3,verified,,TK01:Tờ khai:1,paper,commune,2025-13-45,
";

// ---------------------------------------------------------------------------------------------
// demo and verify

#[tokio::test]
async fn verify_passes_a_fresh_demo_and_names_the_dossier_and_event_of_a_tampered_row() {
    let dir = TempDir::new("verify");
    let data = dir.path().join("demo");
    motcua(&dir, &["demo", "--data", data.to_str().unwrap(), "--no-serve"]).success();
    let url = sqlite_url(&dir, "demo/motcua.db");

    let intact = motcua(&dir, &["verify", "--database", &url]).success();
    assert!(intact.stdout.contains("every hash chain is intact"), "{intact}");

    let db = Db::connect(&url).await.unwrap();
    let (id, code, seq): (i64, String, i64) = sqlx::query_as(
        "SELECT e.id, d.code, e.seq FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id \
         WHERE e.id = (SELECT MIN(id) FROM dossier_events WHERE data LIKE '%Nguyễn%')",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(seq, 1, "test premise: the first event naming a Nguyễn is a submission");
    let changed = sqlx::query("UPDATE dossier_events SET data = replace(data, 'Nguyễn', 'Trần') WHERE id = $1")
        .bind(id)
        .execute(db.pool())
        .await
        .unwrap();
    assert_eq!(changed.rows_affected(), 1);
    drop(db);

    let broken = motcua(&dir, &["verify", "--database", &url]);
    assert_eq!(broken.status.code(), Some(1), "{broken}");
    assert!(broken.stdout.contains(&format!("BROKEN {code}: event 1:")), "{broken}");
    assert_eq!(broken.stdout.matches("BROKEN ").count(), 1, "only the tampered dossier is broken:\n{broken}");
}

#[tokio::test]
async fn demo_run_twice_on_the_same_folder_keeps_the_data_it_made() {
    let dir = TempDir::new("demo-twice");
    let data = dir.path().join("demo");
    let args = ["demo", "--data", data.to_str().unwrap(), "--no-serve"];
    let first = motcua(&dir, &args).success();
    let url = sqlite_url(&dir, "demo/motcua.db");
    let created = dossier_count(&url).await;
    assert!(first.stdout.contains(&format!("created {created} dossiers")), "{created} in the database:\n{first}");
    assert!(created > 1000, "{first}");

    let second = motcua(&dir, &args).success();
    assert!(second.stdout.contains("demo data already present"), "{second}");
    assert!(!second.stdout.contains("created"), "{second}");
    assert_eq!(dossier_count(&url).await, created);
}

// ---------------------------------------------------------------------------------------------
// serve

#[tokio::test]
async fn serve_on_sqlite_reports_health_and_stops_on_sigterm() {
    let dir = TempDir::new("serve");
    serves_until_sigterm(&dir, &sqlite_url(&dir, "s.db"), "sqlite").await;
}

#[tokio::test]
async fn serve_on_postgres_reports_health_and_stops_on_sigterm() {
    with_scratch_postgres(|url| async move {
        let dir = TempDir::new("serve-pg");
        serves_until_sigterm(&dir, &url, "postgres").await;
    })
    .await;
}

async fn serves_until_sigterm(dir: &TempDir, url: &str, backend: &str) {
    let mut server = Server::start(dir, &["serve", "--database", url, "--listen", "127.0.0.1:0"]);
    let base = server.announced_base_url(Duration::from_secs(20));
    let health = server.poll_health(&base, Duration::from_secs(20)).await;
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(health["database"], backend, "{health}");
    assert!(health["version"].is_string(), "{health}");

    let status = server.terminate(Duration::from_secs(10));
    assert!(status.success(), "serve exited with {status} after SIGTERM:\n{}", server.stderr());
}

// ---------------------------------------------------------------------------------------------
// helpers

fn sqlite_url(dir: &TempDir, file: &str) -> String {
    format!("sqlite://{}", dir.path().join(file).display())
}

/// `motcua` with a clean environment, run in `dir`.
fn command(dir: &TempDir) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_motcua"));
    c.current_dir(dir.path())
        .env_remove("MOTCUA_DATABASE_URL")
        .env_remove("MOTCUA_LISTEN")
        .env_remove("TZ")
        .env("MOTCUA_LOG", "warn")
        .env("RUST_BACKTRACE", "0")
        .env("RUST_LIB_BACKTRACE", "0");
    c
}

fn motcua(dir: &TempDir, args: &[&str]) -> Run {
    motcua_with_env(dir, args, &[])
}

fn motcua_with_env(dir: &TempDir, args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = command(dir).args(args).envs(env.iter().copied()).output().expect("running motcua");
    Run {
        args: args.join(" "),
        status: output.status,
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

/// A finished run of the binary.
struct Run {
    args: String,
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Run {
    fn success(self) -> Run {
        assert!(self.status.success(), "expected success:\n{self}");
        self
    }

    fn failure(self) -> Run {
        assert!(!self.status.success(), "expected failure:\n{self}");
        assert!(self.status.code().is_some(), "killed by a signal rather than exiting:\n{self}");
        self
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{self}"))
    }
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "$ motcua {}\n[{}]\n--- stdout\n{}--- stderr\n{}", self.args, self.status, self.stdout, self.stderr)
    }
}

/// A running `motcua serve`, killed if the test ends before it stops.
struct Server {
    child: Child,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Server {
    fn start(dir: &TempDir, args: &[&str]) -> Server {
        let stdout = dir.path().join("serve.stdout");
        let stderr = dir.path().join("serve.stderr");
        let child = command(dir)
            .args(args)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("starting motcua serve");
        Server { child, stdout, stderr }
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    fn assert_running(&mut self) {
        if let Some(status) = self.child.try_wait().unwrap() {
            panic!("serve exited early with {status}:\n{}", self.stderr());
        }
    }

    /// The `http://ADDR` that serve prints once it has bound its port.
    fn announced_base_url(&mut self, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            let out = std::fs::read_to_string(&self.stdout).unwrap_or_default();
            if let Some(line) = out.lines().find(|l| l.contains("/api/v1/health")) {
                let start = line.find("http://").expect("an http:// URL");
                let end = line.find("/api/v1/health").unwrap();
                return line[start..end].to_string();
            }
            self.assert_running();
            assert!(Instant::now() < deadline, "serve announced no address within {within:?}:\n{}", self.stderr());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Polls `GET /api/v1/health` until it answers 200, and returns its body.
    async fn poll_health(&mut self, base: &str, within: Duration) -> Value {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(2)).build().unwrap();
        let deadline = Instant::now() + within;
        loop {
            let last = match client.get(format!("{base}/api/v1/health")).send().await {
                Ok(r) if r.status() == reqwest::StatusCode::OK => return r.json().await.expect("a JSON health body"),
                Ok(r) => format!("{} {}", r.status(), r.text().await.unwrap_or_default()),
                Err(e) => e.to_string(),
            };
            self.assert_running();
            assert!(
                Instant::now() < deadline,
                "no healthy answer within {within:?} (last: {last}):\n{}",
                self.stderr()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Sends SIGTERM and waits for the process to exit.
    fn terminate(&mut self, within: Duration) -> ExitStatus {
        let kill = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status().expect("running kill");
        assert!(kill.success(), "kill -TERM failed");
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "serve still running {within:?} after SIGTERM:\n{}", self.stderr());
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.child.kill().ok();
            self.child.wait().ok();
        }
    }
}

fn postgres_admin_url() -> String {
    std::env::var("MOTCUA_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// Runs `test` against a fresh PostgreSQL database, dropped afterwards even if the test panics.
async fn with_scratch_postgres<F, Fut>(test: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let admin = postgres_admin_url();
    let url = scratch::fresh_postgres(&admin, "motcua_cli")
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL must be reachable at {admin}: {e}"));
    let outcome = tokio::spawn(test(url.clone())).await;
    scratch::drop_postgres(&admin, &url).await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn procedure_name(db: &Db, code: &str) -> Option<String> {
    db.procedure(&ProcedureCode::parse(code).unwrap()).await.unwrap().map(|p| p.name)
}

async fn dossier_count(url: &str) -> i64 {
    let db = Db::connect(url).await.unwrap();
    sqlx::query_scalar("SELECT COUNT(*) FROM dossiers").fetch_one(db.pool()).await.unwrap()
}
