//! Helpers shared by the `motcua` binary's test files.
// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

pub mod live;
pub mod load;
pub mod logs;

use std::path::{Path, PathBuf};

/// A folder of its own for one test, removed afterwards unless the test failed.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        // Parallel tests can read the same clock value: a counter keeps their folders apart.
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let path = std::env::temp_dir().join(format!("motcua-cli-{label}-{}-{nanos}-{n}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("kept {} for inspection", self.0.display());
        } else {
            std::fs::remove_dir_all(&self.0).ok();
        }
    }
}
