//! Real `motcua` processes for the sync tests, killed when dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::TempDir;

/// A `motcua serve` on `url` pushing to the fake portal at `portal`, with test-sized retry timings.
pub fn serve(dir: &TempDir, url: &str, portal: &str, label: &str) -> Proc {
    serve_with(dir, url, portal, label, &[])
}

/// [`serve`] with more environment (another connector's endpoint).
pub fn serve_with(dir: &TempDir, url: &str, portal: &str, label: &str, more: &[(&str, &str)]) -> Proc {
    let endpoint = format!("{portal}/dossiers");
    let mut env = vec![
        ("MOTCUA_DVCQG_URL", endpoint.as_str()),
        ("MOTCUA_DVCQG_TOKEN", "test-token"),
        ("MOTCUA_SYNC_BACKOFF_MS", "20"),
        ("MOTCUA_SYNC_BACKOFF_MAX_MS", "1000"),
        ("MOTCUA_SYNC_MAX_ATTEMPTS", "60"),
        ("MOTCUA_SYNC_LEASE_MS", "2000"),
    ];
    env.extend_from_slice(more);
    Proc::start(dir, label, &["serve", "--database", url, "--listen", "127.0.0.1:0"], &env)
}

/// A running `motcua` process, killed when dropped.
pub struct Proc {
    pub child: Child,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Proc {
    pub fn start(dir: &TempDir, label: &str, args: &[&str], env: &[(&str, &str)]) -> Proc {
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

    /// The fake portal with `faults` (extra arguments); returns it and its base URL.
    pub fn portal(dir: &TempDir, faults: &[&str]) -> (Proc, String) {
        Proc::fake(dir, "portal", faults)
    }

    /// A `motcua fake-portal` labelled `label` (its output files) with `faults`.
    pub fn fake(dir: &TempDir, label: &str, faults: &[&str]) -> (Proc, String) {
        let mut args = vec!["fake-portal", "--listen", "127.0.0.1:0"];
        args.extend_from_slice(faults);
        let mut p = Proc::start(dir, label, &args, &[]);
        let base = p.announced("http://", "/dossiers", Duration::from_secs(20));
        (p, base)
    }

    /// Kills the process with SIGKILL and reaps it.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    pub fn assert_running(&mut self) {
        if let Some(status) = self.child.try_wait().unwrap() {
            panic!("motcua exited early with {status}:\n{}", self.stderr());
        }
    }

    /// The base URL printed on the line containing `marker`.
    pub fn announced(&mut self, prefix: &str, marker: &str, within: Duration) -> String {
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

    /// A server's base URL, once it serves.
    pub fn base(&mut self) -> String {
        self.announced("http://", "/api/v1/health", Duration::from_secs(30))
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
