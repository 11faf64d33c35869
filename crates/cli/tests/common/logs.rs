//! Checks on what a real `motcua` process wrote: no secret anywhere, JSON lines with request ids.

use std::path::Path;

use serde_json::Value;

/// Everything process `label` wrote to stdout and stderr in `dir`.
pub fn captured(dir: &Path, label: &str) -> String {
    ["stdout", "stderr"]
        .iter()
        .map(|s| std::fs::read_to_string(dir.join(format!("{label}.{s}"))).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Fails if any secret appears in `label`'s output (stdout and stderr).
pub fn assert_no_secret(dir: &Path, label: &str, secrets: &[&str]) {
    let all = captured(dir, label);
    for secret in secrets {
        assert!(secret.len() >= 8, "too short to be a meaningful secret: {secret}");
        assert!(!all.contains(secret), "{label} logged a secret ({}…)", &secret[..4]);
    }
}

/// Every stderr line of `label` is a JSON object; returns the request ids of the request lines,
/// after checking there are some and each has a non-empty `request_id`.
pub fn assert_json_with_request_ids(dir: &Path, label: &str) -> Vec<String> {
    let log = std::fs::read_to_string(dir.join(format!("{label}.stderr"))).unwrap();
    let mut ids = Vec::new();
    for line in log.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line}"));
        assert!(v["timestamp"].is_string() && v["level"].is_string(), "{line}");
        if v["span"]["name"] == "request" {
            let id = v["span"]["request_id"].as_str().unwrap_or_default();
            assert!(!id.is_empty(), "a request line without its request id: {line}");
            ids.push(id.to_string());
        }
    }
    assert!(!ids.is_empty(), "no request was logged:\n{log}");
    ids
}
