//! The Debian package, end to end: `cargo deb` packages the already-built debug binary; the test
//! inspects the archive, installs it with the real `dpkg -i` (it runs as root, here and in CI),
//! checks the user, files and permissions the maintainer scripts made, verifies the unit with
//! `systemd-analyze verify`, then starts the service the way systemd would — the unit's
//! `ExecStart` as its `User`, in its `WorkingDirectory`, with only its `EnvironmentFile` — and
//! checks `/readyz` and the home page. It stops it with SIGTERM and removes and purges the
//! package. Also: every `MOTCUA_*` setting the code reads is in the README and the default
//! configuration file.

mod common;

use std::collections::BTreeSet;
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::TempDir;
use common::live::free_port;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// Runs a command, which must succeed; returns its stdout.
fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?} could not start ({e}): is it installed?"));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{cmd:?} failed:\n{text}{}", String::from_utf8_lossy(&out.stderr));
    text
}

/// Fails loudly when a tool the test needs is missing.
fn need(tool: &str, hint: &str) {
    let found = Command::new("sh").args(["-c", &format!("command -v {tool}")]).stdout(Stdio::null()).status();
    assert!(found.is_ok_and(|s| s.success()), "{tool} is missing: {hint}");
}

/// `dpkg -s motcua` says it is installed.
fn installed() -> bool {
    Command::new("dpkg").args(["-s", "motcua"]).output().is_ok_and(|o| o.status.success())
}

/// Purges the package and what the test made, also when the test fails half-way.
struct Installed;

impl Drop for Installed {
    fn drop(&mut self) {
        Command::new("dpkg").args(["-P", "motcua"]).output().ok();
        std::fs::remove_dir_all("/var/lib/motcua").ok();
        Command::new("userdel").arg("motcua").output().ok();
        Command::new("groupdel").arg("motcua").output().ok();
    }
}

/// The `[Service]` settings of a unit file (last one wins, like systemd for these keys).
fn service_settings(unit: &str) -> std::collections::BTreeMap<String, String> {
    let mut section = "";
    let mut map = std::collections::BTreeMap::new();
    for line in unit.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
        } else if section == "[Service]"
            && !line.starts_with('#')
            && let Some((k, v)) = line.split_once('=')
        {
            map.insert(k.trim().to_string(), v.trim().to_string());
        }
    }
    map
}

/// An `EnvironmentFile=`: `NAME=value` lines, `#` comments, optional double quotes.
fn environment_file(text: &str) -> Vec<(String, String)> {
    let lines = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'));
    lines
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap_or_else(|| panic!("not NAME=value: {l}"));
            (k.to_string(), v.trim_matches('"').to_string())
        })
        .collect()
}

fn id(flag: &str) -> u32 {
    run(Command::new("id").args([flag, "motcua"])).trim().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn deb_installs_and_the_service_starts() {
    let uid = run(Command::new("id").arg("-u"));
    assert_eq!(uid.trim(), "0", "the .deb test installs a package with dpkg: run it as root");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let has_deb = Command::new(&cargo).args(["deb", "--version"]).output().is_ok_and(|o| o.status.success());
    assert!(has_deb, "cargo-deb is missing: run scripts/setup (cargo install cargo-deb --locked)");
    for tool in ["dpkg", "dpkg-deb", "adduser", "systemd-analyze"] {
        need(tool, "run scripts/setup");
    }
    assert!(!installed(), "motcua is already installed on this machine: the test will not touch it");
    let dir = TempDir::new("deb");
    let deb = dir.path().join("motcua.deb");

    // The binary cargo built for this test, in place of a release build (cargo-deb takes
    // `target/release/motcua` from CARGO_TARGET_DIR), unstripped, quickly compressed.
    let target = dir.path().join("target");
    std::fs::create_dir_all(target.join("release")).unwrap();
    let bin = target.join("release/motcua");
    std::fs::hard_link(env!("CARGO_BIN_EXE_motcua"), &bin)
        .or_else(|_| std::fs::copy(env!("CARGO_BIN_EXE_motcua"), &bin).map(drop))
        .unwrap();
    let t = Instant::now();
    run(Command::new(&cargo)
        .current_dir(root())
        .env("CARGO_TARGET_DIR", &target)
        .args(["deb", "-p", "motcua", "--no-build", "--no-strip", "--fast", "--output"])
        .arg(&deb));
    eprintln!("cargo deb: {:?}", t.elapsed());

    let contents = run(Command::new("dpkg-deb").arg("-c").arg(&deb));
    for file in ["./usr/bin/motcua", "./etc/motcua/motcua.env", "/systemd/system/motcua.service", "README.md"] {
        assert!(contents.contains(file), "{file} is not in the package:\n{contents}");
    }
    let info = run(Command::new("dpkg-deb").arg("-I").arg(&deb));
    for field in ["Package: motcua", "adduser", "postinst", "postrm", "conffiles"] {
        assert!(info.contains(field), "{field} is not in the package's control data:\n{info}");
    }
    let conffiles = run(Command::new("dpkg-deb").arg("-I").arg(&deb).arg("conffiles"));
    assert!(conffiles.lines().any(|l| l.trim() == "/etc/motcua/motcua.env"), "{conffiles}");

    let _cleanup = Installed;
    run(Command::new("dpkg").arg("-i").arg(&deb));
    assert!(installed());
    let home = std::fs::metadata("/var/lib/motcua").expect("postinst makes /var/lib/motcua");
    assert_eq!((home.uid(), home.mode() & 0o777), (id("-u"), 0o750));
    let conf = std::fs::metadata("/etc/motcua/motcua.env").unwrap();
    assert_eq!((conf.uid(), conf.gid(), conf.mode() & 0o777), (0, id("-g"), 0o640), "settings may hold secrets");

    let listed = run(Command::new("dpkg").args(["-L", "motcua"]));
    let unit_path = listed.lines().find(|l| l.ends_with("/motcua.service")).expect("the unit is installed");
    let verify = Command::new("systemd-analyze").args(["verify", unit_path]).output().unwrap();
    let complaints = String::from_utf8_lossy(&verify.stderr);
    assert!(verify.status.success() && complaints.trim().is_empty(), "systemd-analyze verify:\n{complaints}");
    let unit = service_settings(&std::fs::read_to_string(unit_path).unwrap());
    assert_eq!(unit["User"], "motcua");
    for hardening in ["NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp", "ReadWritePaths"] {
        assert!(unit.contains_key(hardening), "the unit lacks {hardening}");
    }

    // Start it as systemd would: StateDirectory under /var/lib, only the EnvironmentFile's
    // variables (the listen address overridden, as a drop-in would, to a free port).
    let state = Path::new("/var/lib").join(&unit["StateDirectory"]);
    assert_eq!(std::fs::metadata(&state).unwrap().uid(), id("-u"));
    let mut env = environment_file(&std::fs::read_to_string(&unit["EnvironmentFile"]).unwrap());
    assert!(env.contains(&("MOTCUA_DATABASE_URL".into(), "sqlite:///var/lib/motcua/motcua.db".into())), "{env:?}");
    let port = free_port();
    env.push(("MOTCUA_LISTEN".into(), format!("127.0.0.1:{port}")));
    let mut argv = unit["ExecStart"].split_whitespace();
    let log = dir.path().join("service.stderr");
    let mut service = Command::new(argv.next().unwrap())
        .args(argv)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .envs(env)
        .current_dir(&unit["WorkingDirectory"])
        .uid(id("-u"))
        .gid(id("-g"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("starting ExecStart");

    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let t = Instant::now();
    let ready = loop {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await {
            break r.status();
        }
        assert!(
            service.try_wait().unwrap().is_none(),
            "the service exited:\n{}",
            std::fs::read_to_string(&log).unwrap()
        );
        assert!(t.elapsed() < Duration::from_secs(60), "no answer on {base} in 60 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    eprintln!("ready after {:?}", t.elapsed());
    assert_eq!(ready, 200);
    let home = client.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    assert!(home.text().await.unwrap().contains("<html"));
    let db = std::fs::metadata("/var/lib/motcua/motcua.db").expect("the default SQLite database");
    assert_eq!(db.uid(), id("-u"), "the service runs as motcua");

    // `systemctl stop`: SIGTERM, and a clean exit.
    run(Command::new("kill").args(["-TERM", &service.id().to_string()]));
    let t = Instant::now();
    let status = loop {
        if let Some(s) = service.try_wait().unwrap() {
            break s;
        }
        assert!(t.elapsed() < Duration::from_secs(30), "still running 30 s after SIGTERM");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "{status}");

    // Remove keeps the settings (a conffile) and the data; purge drops the settings.
    run(Command::new("dpkg").args(["-r", "motcua"]));
    assert!(!Path::new("/usr/bin/motcua").exists());
    assert!(Path::new("/etc/motcua/motcua.env").exists());
    run(Command::new("dpkg").args(["-P", "motcua"]));
    assert!(!Path::new("/etc/motcua").exists());
    assert!(Path::new("/var/lib/motcua/motcua.db").exists(), "legal records survive a purge");
}

/// `MOTCUA_*` names in the sources under `dir`.
fn settings_in(dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
        let path = entry.path();
        if path.is_dir() {
            settings_in(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for (at, _) in text.match_indices("MOTCUA_") {
                let name: String = text[at..]
                    .chars()
                    .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                    .collect();
                // Prefixes (`MOTCUA_OIDC_*`) and the example merchant's secret variable.
                if !name.ends_with('_') && !name.ends_with("OIDC") && !name.starts_with("MOTCUA_VNPAY_SECRET") {
                    out.insert(name);
                }
            }
        }
    }
}

#[test]
fn every_setting_is_documented_and_in_the_default_configuration() {
    let mut names = BTreeSet::new();
    for krate in std::fs::read_dir(root().join("crates")).unwrap().map(Result::unwrap) {
        settings_in(&krate.path().join("src"), &mut names);
    }
    assert!(names.contains("MOTCUA_DATABASE_URL") && names.len() > 60, "{names:?}");
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let conf = std::fs::read_to_string(root().join("packaging/motcua.env")).unwrap();
    // Not server settings: test and benchmark databases, `motcua staff`'s password.
    let not_served = ["MOTCUA_TEST_POSTGRES", "MOTCUA_BENCH_POSTGRES", "MOTCUA_NEW_PASSWORD"];
    for name in &names {
        assert!(readme.contains(&format!("`{name}`")), "{name} is not in the README's configuration reference");
        if !not_served.contains(&name.as_str()) {
            assert!(conf.contains(&format!("{name}=")), "{name} is not in packaging/motcua.env");
        }
    }
}
