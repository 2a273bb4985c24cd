//! The web scanner's assets, made at build time so that `cargo run -p townpass` on a fresh clone
//! serves a working `/scan`: `web/` is built for wasm32-unknown-unknown by a nested cargo (its
//! own target directory, so it never waits for the outer build's lock), wasm-bindgen makes the
//! JS glue, and every file of the page is hashed (its URL changes when its content does, so it
//! can be cached for a year) and gzipped once here instead of on every request.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// (file, content type) of the page's own files in web/app, served under hashed names.
const APP_FILES: &[(&str, &str)] = &[
    ("scan.js", "text/javascript; charset=utf-8"),
    ("worker.js", "text/javascript; charset=utf-8"),
    ("scan.css", "text/css; charset=utf-8"),
    ("icon.svg", "image/svg+xml"),
];

pub fn build() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("manifest dir"));
    let root = manifest_dir.parent().expect("workspace root").to_path_buf();
    for p in [
        "web/src",
        "web/Cargo.toml",
        "web/app",
        "core/src",
        "core/Cargo.toml",
        "Cargo.lock",
        "rust-toolchain.toml",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(p).display());
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("wasm-build");

    ensure_wasm_target(&root);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&root)
        .args([
            "build",
            "--locked",
            "-p",
            "townpass-web",
            "--lib",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm",
            "--target-dir",
        ])
        .arg(&target_dir);
    // The outer build's settings are for the host (and clippy's wrapper for its own crates).
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTC_WRAPPER",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
        "CARGO_MAKEFLAGS",
        "MAKEFLAGS",
        "MFLAGS",
    ] {
        cmd.env_remove(var);
    }
    let status = cmd
        .status()
        .expect("cannot run cargo to build the web scanner");
    assert!(
        status.success(),
        "building the web scanner (web/) for wasm32-unknown-unknown failed (see above). If the \
         target is missing: rustup target add wasm32-unknown-unknown"
    );

    let wasm = target_dir.join("wasm32-unknown-unknown/wasm/townpass_web.wasm");
    let generated = out.join("web-gen");
    let _ = std::fs::remove_dir_all(&generated);
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .web(true)
        .expect("wasm-bindgen target")
        .typescript(false)
        .generate(&generated)
        .expect("wasm-bindgen could not make the JS glue for web/");

    let mut assets: Vec<(String, Vec<u8>, &str)> = vec![
        (
            "townpass_web.js".into(),
            read(&generated.join("townpass_web.js")),
            "text/javascript; charset=utf-8",
        ),
        (
            "townpass_web_bg.wasm".into(),
            read(&generated.join("townpass_web_bg.wasm")),
            "application/wasm",
        ),
    ];
    for (name, kind) in APP_FILES {
        assets.push(((*name).into(), read(&root.join("web/app").join(name)), kind));
    }

    let mut table = String::from(
        "/// The web scanner's files: (name, URL path, content type, bytes, gzipped bytes).\n\
         pub static WEB_ASSETS: &[WebAsset] = &[\n",
    );
    for (name, body, kind) in &assets {
        let hash = hex8(body);
        let (stem, ext) = name.rsplit_once('.').expect("file extension");
        let path = format!("/scan/a/{stem}.{hash}.{ext}");
        let plain = out.join(format!("asset-{name}"));
        std::fs::write(&plain, body).expect("write asset");
        let gz = out.join(format!("asset-{name}.gz"));
        std::fs::write(&gz, gzip(body)).expect("write gzipped asset");
        writeln!(
            table,
            "    WebAsset {{ name: {name:?}, path: {path:?}, content_type: {kind:?}, \
             body: include_bytes!({:?}), gzip: include_bytes!({:?}) }},",
            plain.display().to_string(),
            gz.display().to_string()
        )
        .expect("write");
    }
    table.push_str("];\n");
    // The service worker keeps its fixed URL (a browser finds it by it); it is given in the
    // server's code, templated there with the list above.
    std::fs::write(out.join("web_assets.rs"), table).expect("write web_assets.rs");
}

/// rustup installs the toolchain rust-toolchain.toml names, but not always its targets (not when
/// that version is already there): add the wasm32 target here, so that the README's one command
/// still does every step on a fresh machine.
fn ensure_wasm_target(root: &Path) {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let sysroot = Command::new(&rustc)
        .current_dir(root)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let Some(sysroot) = sysroot else { return };
    if sysroot.join("lib/rustlib/wasm32-unknown-unknown").exists() {
        return;
    }
    println!("cargo:warning=installing the wasm32-unknown-unknown target (rustup target add)");
    let added = Command::new("rustup")
        .current_dir(root)
        .args(["target", "add", "wasm32-unknown-unknown"])
        .status();
    if !added.is_ok_and(|s| s.success()) {
        println!(
            "cargo:warning=could not add the wasm32-unknown-unknown target; run: rustup target \
             add wasm32-unknown-unknown"
        );
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn hex8(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(5)
        .fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).expect("gzip");
    enc.finish().expect("gzip")
}
