//! Helpers for the end-to-end tests: the real `townpass` and `townpass-scan` binaries, built from
//! this workspace, found next to the test executable (`target/<profile>/`).

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// Path to a workspace binary, building it first (once per test process) so that
/// `cargo test -p townpass-tests` alone never runs a stale or missing binary.
pub fn bin(name: &str) -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        cmd.current_dir(root).args([
            "build",
            "--quiet",
            "-p",
            "townpass",
            "-p",
            "townpass-scan",
            "--bins",
        ]);
        if !cfg!(debug_assertions) {
            cmd.arg("--release");
        }
        let status = cmd.status().expect("cargo runs");
        assert!(status.success(), "building the binaries failed");
    });
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    let path = profile_dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.exists(), "{} not found", path.display());
    path
}

/// The shared token vectors (core's copy of ../shared/vectors/tokens.json).
pub fn vectors() -> serde_json::Value {
    let text = include_str!("../../core/tests/data/tokens.json");
    serde_json::from_str(text).expect("tokens.json parses")
}
