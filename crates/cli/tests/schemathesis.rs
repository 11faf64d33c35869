//! Schemathesis (PyPI `schemathesis`, installed by scripts/setup) against the committed
//! `openapi.json`: a real `motcua serve` on SQLite with reference data, a few dossiers and the
//! center director's token for protected endpoints. Bounded in examples and time; fails on any
//! 5xx and on any response whose status or body is not documented.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::TempDir;
use common::live::{PASSWORD, Proc, free_port, motcua, post, prepare};
use common::load::{DIRECTOR, add_director, submission};
use serde_json::json;

/// `schemathesis` from PATH or pip's user folder.
fn schemathesis() -> String {
    let user = std::env::var("HOME").map(|h| format!("{h}/.local/bin/schemathesis")).unwrap_or_default();
    if Path::new(&user).exists() {
        return user;
    }
    let found = Command::new("schemathesis").arg("--version").output().is_ok_and(|o| o.status.success());
    assert!(found, "schemathesis is required: run scripts/setup (or python3 -m pip install --user schemathesis)");
    "schemathesis".into()
}

async fn ready(base: &str, proc: &mut Proc) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !reqwest::get(format!("{base}/readyz")).await.is_ok_and(|r| r.status().is_success()) {
        if let Some(status) = proc.0.try_wait().unwrap() {
            panic!("the server exited with {status}: {}", proc.log());
        }
        assert!(Instant::now() < deadline, "the server never became ready: {}", proc.log());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_answers_schemathesis_without_5xx_and_as_documented() {
    let program = schemathesis();
    let dir = TempDir::new("schemathesis");
    let url = format!("sqlite://{}", dir.path().join("motcua.db").display());
    prepare(&url).await;
    add_director(&url).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let listen = format!("127.0.0.1:{port}");
    // Optional integrations are configured (their outside ends on a closed port) so that their
    // endpoints are exercised rather than answering 503 "not configured".
    let closed = format!("http://127.0.0.1:{}", free_port());
    let env = [
        ("MOTCUA_ZALO_APP_ID", "schemathesis"),
        ("MOTCUA_ZALO_OA_SECRET", "bi-mat-zalo-thu-nghiem"),
        ("MOTCUA_ZALO_UNIT", "28777"),
        ("MOTCUA_ZALO_API_URL", closed.as_str()),
        ("MOTCUA_ZALO_OAUTH_URL", closed.as_str()),
    ];
    let args = ["serve", "--database", &url, "--listen", &listen];
    let mut server = Proc::start(dir.path(), "serve", motcua(), &args, &env);
    ready(&base, &mut server).await;
    let c = reqwest::Client::new();
    for n in 0..3 {
        post(&c, format!("{base}/api/v1/dossiers"), None, submission(n)).await;
    }
    let login = json!({"username": DIRECTOR, "password": PASSWORD});
    let token = post(&c, format!("{base}/api/v1/auth/login"), None, login).await["token"].as_str().unwrap().to_string();

    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi.json");
    let examples = std::env::var("MOTCUA_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| "15".into());
    let seconds = std::env::var("MOTCUA_SCHEMATHESIS_SECONDS").unwrap_or_else(|_| "60".into());
    let out = Command::new(program)
        .current_dir(dir.path())
        .env("SCHEMATHESIS_HOOKS", "")
        .args(["run", schema, "--url", &base, "--header", &format!("Authorization: Bearer {token}")])
        .args(["--checks", "not_a_server_error,response_schema_conformance,status_code_conformance"])
        .args(["--max-examples", &examples, "--max-time", &seconds, "--seed", "766", "--workers", "2"])
        .args(["--phases", "examples,coverage,fuzzing", "--generation-database", "none", "--no-color"])
        .args(["--suppress-health-check", "all", "--request-timeout", "20", "--output-truncate", "false"])
        .output()
        .expect("running schemathesis");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    std::fs::write(dir.path().join("schemathesis.out"), &text).unwrap();
    assert!(out.status.success(), "schemathesis found problems:\n{text}\nserver log:\n{}", server.log());
    assert!(text.contains("passed"), "{text}");
    let summary: Vec<&str> = text.lines().rev().take(12).collect();
    eprintln!("{}", summary.into_iter().rev().collect::<Vec<_>>().join("\n"));
}
