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
    let svg = String::from_utf8(read(&root.join("web/app/icon.svg"))).expect("icon.svg is UTF-8");
    for size in ICON_SIZES {
        assets.push((
            format!("icon-{size}.png"),
            icon_png(&svg, size),
            "image/png",
        ));
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

/// Home-screen icon sizes: iOS's apple-touch-icon, and the manifest's 192 and 512.
const ICON_SIZES: [u32; 3] = [180, 192, 512];

/// One `<rect>` of icon.svg (viewBox 0 0 512 512).
struct Rect {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    rx: f32,
    rgb: [u8; 3],
}

/// icon.svg is drawn with rectangles only, each with x, y, width, height, rx and a #rrggbb
/// fill, painted in order: enough to rasterise it here without an SVG library.
fn icon_rects(svg: &str) -> Vec<Rect> {
    svg.split("<rect")
        .skip(1)
        .map(|element| {
            let element = element.split('>').next().unwrap_or("");
            let attr = |name: &str| -> &str {
                let key = format!(" {name}=\"");
                let start = element
                    .find(&key)
                    .unwrap_or_else(|| panic!("icon.svg: a <rect> without {name}"))
                    + key.len();
                let end = element[start..].find('"').expect("closing quote") + start;
                &element[start..end]
            };
            let num = |name: &str| -> f32 {
                attr(name)
                    .parse()
                    .unwrap_or_else(|_| panic!("icon.svg: {name} is not a number"))
            };
            let fill = attr("fill").trim_start_matches('#');
            assert_eq!(fill.len(), 6, "icon.svg: fill must be #rrggbb");
            let byte = |i: usize| u8::from_str_radix(&fill[i..i + 2], 16).expect("hex colour");
            Rect {
                x: num("x"),
                y: num("y"),
                w: num("width"),
                h: num("height"),
                rx: num("rx"),
                rgb: [byte(0), byte(2), byte(4)],
            }
        })
        .collect()
}

fn inside(r: &Rect, px: f32, py: f32) -> bool {
    if px < r.x || py < r.y || px >= r.x + r.w || py >= r.y + r.h {
        return false;
    }
    // Rounded corners: outside the quarter circle of radius rx in each corner.
    let cx = px.clamp(r.x + r.rx, r.x + r.w - r.rx);
    let cy = py.clamp(r.y + r.rx, r.y + r.h - r.rx);
    (px - cx).powi(2) + (py - cy).powi(2) <= r.rx * r.rx
}

/// The icon as a `size`×`size` RGBA PNG, 4×4 samples per pixel for smooth edges.
fn icon_png(svg: &str, size: u32) -> Vec<u8> {
    let rects = icon_rects(svg);
    let scale = 512.0 / size as f32;
    let mut rgba = Vec::with_capacity((size * size * 4) as usize);
    for y in 0..size {
        for x in 0..size {
            let mut sum = [0u32; 4];
            for sy in 0..4 {
                for sx in 0..4 {
                    let px = (x as f32 + (sx as f32 + 0.5) / 4.0) * scale;
                    let py = (y as f32 + (sy as f32 + 0.5) / 4.0) * scale;
                    if let Some(r) = rects.iter().rev().find(|r| inside(r, px, py)) {
                        for (total, channel) in sum.iter_mut().zip(r.rgb) {
                            *total += u32::from(channel);
                        }
                        sum[3] += 255;
                    }
                }
            }
            let alpha = sum[3] / 16;
            // Colour averaged over the covered samples only (no dark fringe).
            let covered = sum[3] / 255;
            for total in &sum[..3] {
                rgba.push(total.checked_div(covered).unwrap_or(0) as u8);
            }
            rgba.push(alpha as u8);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, size, size);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("png header");
    writer.write_image_data(&rgba).expect("png data");
    writer.finish().expect("png end");
    out
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
