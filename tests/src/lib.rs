//! Helpers for the end-to-end tests: the real `townpass` and `townpass-scan` binaries, built from
//! this workspace, found next to the test executable (`target/<profile>/`).

pub mod webdriver;

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;
use std::sync::OnceLock;

/// Path to a workspace binary, building it first (once per test process) so that
/// `cargo test -p townpass-tests` alone never runs a stale or missing binary.
pub fn bin(name: &str) -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        // townpass with the features `cargo test` builds it with (the crash tests' stall hook),
        // so this never rebuilds it differently; then the scanner.
        for args in [
            &["-p", "townpass", "--features", "testing"][..],
            &["-p", "townpass-scan"][..],
        ] {
            let mut cmd = Command::new(&cargo);
            cmd.current_dir(root)
                .args(["build", "--quiet", "--bins"])
                .args(args);
            if !cfg!(debug_assertions) {
                cmd.arg("--release");
            }
            let status = cmd.status().expect("cargo runs");
            assert!(status.success(), "building the binaries failed");
        }
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

/// Which database a test's `townpass` runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The embedded database, `<data dir>/townpass.db`.
    Sqlite,
    /// A fresh database on the PostgreSQL server of TOWNPASS_TEST_POSTGRES_URL.
    Postgres,
}

/// A temporary data directory for one test, removed afterwards; for a server, also the database
/// it runs on (a scratch PostgreSQL database is dropped with it).
#[derive(Debug)]
pub struct DataDir {
    path: PathBuf,
    postgres: Option<townpass::testing::PgDatabase>,
}

impl DataDir {
    pub fn new() -> DataDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path =
            std::env::temp_dir().join(format!("townpass-e2e-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).expect("create data dir");
        DataDir {
            path,
            postgres: None,
        }
    }

    /// A data directory whose `townpass` commands and server use `backend`; `None` (the test is
    /// skipped, with a notice) when PostgreSQL is asked for but not configured.
    pub fn on(backend: Backend) -> Option<DataDir> {
        let mut dir = DataDir::new();
        if backend == Backend::Postgres {
            dir.postgres = Some(townpass::testing::PgDatabase::create()?);
        }
        Some(dir)
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// The PostgreSQL database's URL, when the directory runs on one.
    pub fn database_url(&self) -> Option<&str> {
        self.postgres.as_ref().map(|db| db.url.as_str())
    }

    pub fn backend(&self) -> Backend {
        match self.postgres {
            Some(_) => Backend::Postgres,
            None => Backend::Sqlite,
        }
    }

    /// `townpass --data-dir DIR ...` on this directory's database.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(bin("townpass"));
        cmd.arg("--data-dir")
            .arg(&self.path)
            .env_remove("TOWNPASS_KEY_DIR");
        match &self.postgres {
            Some(db) => cmd.env("TOWNPASS_DATABASE_URL", &db.url),
            None => cmd.env_remove("TOWNPASS_DATABASE_URL"),
        };
        cmd
    }

    /// `townpass --data-dir DIR args...`, with the demo catalogue path at hand.
    pub fn townpass(&self, args: &[&str]) -> std::process::Output {
        self.command().args(args).output().expect("townpass runs")
    }
}

impl Default for DataDir {
    fn default() -> Self {
        DataDir::new()
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// The demo catalogue shipped in the repository.
pub fn demo_catalogue_path() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../catalog/demo.toml"))
}

/// One scanner (`townpass-scan`): its own data directory, talking to `server`.
#[derive(Debug)]
pub struct Scanner {
    pub dir: DataDir,
}

impl Scanner {
    pub fn enrolled(server: &Server, data: &DataDir, venue: &str, name: &str) -> Scanner {
        let made = data.townpass(&["device", "add", "--venue", venue, "--name", name, "--json"]);
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );
        let code = serde_json::from_slice::<Value>(&made.stdout).expect("json")["code"]
            .as_str()
            .expect("code")
            .to_string();
        let scanner = Scanner {
            dir: DataDir::new(),
        };
        let out = scanner.run(&["enroll", "--server", &server.url, "--code", &code]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "enroll: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        scanner
    }

    /// Runs with the scanner's test clock set (honoured by debug builds only).
    pub fn at(&self, now_ms: i64, args: &[&str]) -> Output {
        std::process::Command::new(bin("townpass-scan"))
            .arg("--data-dir")
            .arg(self.dir.path())
            .args(args)
            .env("TOWNPASS_SCAN_NOW_MS", now_ms.to_string())
            .output()
            .expect("townpass-scan runs")
    }

    pub fn run(&self, args: &[&str]) -> Output {
        std::process::Command::new(bin("townpass-scan"))
            .arg("--data-dir")
            .arg(self.dir.path())
            .args(args)
            .output()
            .expect("townpass-scan runs")
    }

    /// `redeem --json TOKEN`: (exit code, verdict object).
    pub fn redeem(&self, token: &str) -> (i32, Value) {
        let out = self.run(&["--json", "redeem", token]);
        (
            out.status.code().expect("exit"),
            serde_json::from_slice(&out.stdout).expect("one JSON verdict"),
        )
    }

    pub fn sync(&self) -> i32 {
        self.run(&["sync"]).status.code().expect("exit")
    }
}

/// A free local address to listen on, `127.0.0.1:PORT`.
pub fn free_listen() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    format!("127.0.0.1:{port}")
}

/// Runs `townpass serve` on a free port and waits for its health check; killed on drop.
#[derive(Debug)]
pub struct Server {
    pub child: std::process::Child,
    pub url: String,
}

impl Server {
    pub fn start(data: &DataDir) -> Server {
        Server::start_with(data, &[])
    }

    /// Starts the server with extra environment variables (e.g. the test hooks of a debug build with the `testing` feature), on a
    /// new port; its stderr is kept in `<data>/server.log` (appended across restarts).
    pub fn start_with(data: &DataDir, env: &[(&str, &str)]) -> Server {
        Server::start_at(data, &free_listen(), env)
    }

    /// Starts the server at `listen` (host:port), e.g. again where a killed one ran.
    pub fn start_at(data: &DataDir, listen: &str, env: &[(&str, &str)]) -> Server {
        let child = data
            .command()
            .args(["serve", "--listen", listen])
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::null())
            .stderr(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(data.path().join("server.log"))
                    .expect("server log"),
            )
            .spawn()
            .expect("server starts");
        let url = format!("http://{listen}");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let mut server = Server { child, url };
        loop {
            if ureq::get(&format!("{}/healthz", server.url)).call().is_ok() {
                return server;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("townpass serve exited early: {status}");
            }
            assert!(
                std::time::Instant::now() < deadline,
                "townpass serve did not become healthy in 30 s"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

impl Server {
    /// SIGKILL: no shutdown, no flushing, as in a power cut.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes a Y4M video (the format of Chromium's fake camera,
/// `--use-file-for-fake-video-capture`) that shows each token's QR code in turn, still, on
/// white, for `frames_each` frames at 10 frames a second, 640x480; an empty token is a frame with
/// nothing in view.
pub fn qr_video(tokens: &[&str], frames_each: usize, path: &std::path::Path) {
    let (w, h) = (VIDEO_W, VIDEO_H);
    let frames = tokens.iter().map(|token| {
        // An empty token: nothing in view, a white frame.
        let mut luma = vec![235u8; w * h];
        if !token.is_empty() {
            let qr = townpass_core::qr::QrMatrix::encode(token).expect("a token fits a QR code");
            let modules = qr.width() + 8;
            let scale = (h - 40) / modules;
            let left = (w - modules * scale) / 2 + 4 * scale;
            let top = (h - modules * scale) / 2 + 4 * scale;
            for y in 0..qr.width() {
                for x in 0..qr.width() {
                    if qr.is_dark(x, y) {
                        for dy in 0..scale {
                            let row = (top + y * scale + dy) * w;
                            luma[row + left + x * scale..row + left + (x + 1) * scale].fill(16);
                        }
                    }
                }
            }
        }
        (luma, frames_each)
    });
    write_y4m(frames, path);
}

/// The fake camera's frame size.
const VIDEO_W: usize = 640;
const VIDEO_H: usize = 480;

/// Writes a grey 640x480 Y4M video at 10 frames a second: each luma image, that many frames.
fn write_y4m(frames: impl Iterator<Item = (Vec<u8>, usize)>, path: &std::path::Path) {
    let (w, h) = (VIDEO_W, VIDEO_H);
    let mut out = format!("YUV4MPEG2 W{w} H{h} F10:1 Ip A1:1 C420jpeg\n").into_bytes();
    let chroma = vec![128u8; (w / 2) * (h / 2)];
    for (luma, count) in frames {
        assert_eq!(luma.len(), w * h, "a whole frame");
        for _ in 0..count {
            out.extend_from_slice(b"FRAME\n");
            out.extend_from_slice(&luma);
            out.extend_from_slice(&chroma);
            out.extend_from_slice(&chroma);
        }
    }
    std::fs::write(path, out).expect("write the video");
}

/// Writes a Y4M video for Chromium's fake camera that films `png` (e.g. a screenshot of a QR
/// code on a page) still, on white, scaled to fill most of a 640x480 frame, for `frames` frames.
pub fn image_video(png_bytes: &[u8], frames: usize, path: &std::path::Path) {
    let (w, h) = (VIDEO_W, VIDEO_H);
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("PNG size")];
    let info = reader.next_frame(&mut buf).expect("PNG pixels");
    let (iw, ih) = (info.width as usize, info.height as usize);
    let channels = info.line_size / iw;
    let grey = |x: usize, y: usize| -> u8 {
        let p = &buf[y * info.line_size + x * channels..];
        if channels >= 3 {
            ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000) as u8
        } else {
            p[0]
        }
    };
    // Nearest neighbour into a square of (h - 40) pixels at most, keeping the aspect ratio.
    let scale = ((h - 40) as f64 / iw.max(ih) as f64).min(4.0);
    let (sw, sh) = ((iw as f64 * scale) as usize, (ih as f64 * scale) as usize);
    let (left, top) = ((w - sw) / 2, (h - sh) / 2);
    let mut luma = vec![235u8; w * h];
    for y in 0..sh {
        for x in 0..sw {
            let v = grey(
                ((x as f64 / scale) as usize).min(iw - 1),
                ((y as f64 / scale) as usize).min(ih - 1),
            );
            // Studio swing, as a camera delivers it.
            luma[(top + y) * w + left + x] = 16 + (u32::from(v) * 219 / 255) as u8;
        }
    }
    write_y4m(std::iter::once((luma, frames)), path);
}

/// Each named scenario `fn name(data: DataDir)` runs twice: against a server on SQLite and one on
/// PostgreSQL (skipped with a notice when TOWNPASS_TEST_POSTGRES_URL is not set; CI sets it and
/// requires it).
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                if let Some(data) = $crate::DataDir::on($crate::Backend::Sqlite) {
                    super::$name(data);
                }
            }
            #[test]
            fn postgres() {
                if let Some(data) = $crate::DataDir::on($crate::Backend::Postgres) {
                    super::$name(data);
                }
            }
        }
    )*};
}

/// `localstripe` (PyPI), a stateful fake of Stripe's API with signed webhooks and a Stripe.js
/// stand-in: the card provider of the payment tests, on a free port; killed on drop. Found at
/// TOWNPASS_LOCALSTRIPE or on PATH; `None` (the test is skipped, with a notice) when it is not
/// installed, unless TOWNPASS_REQUIRE_LOCALSTRIPE=1 (CI) makes that a failure.
#[derive(Debug)]
pub struct LocalStripe {
    child: std::process::Child,
    pub url: String,
}

/// The keys the tests give both the server and localstripe (localstripe takes any test key).
pub const STRIPE_SECRET_KEY: &str = "sk_test_townpass";
pub const STRIPE_PUBLISHABLE_KEY: &str = "pk_test_townpass";
pub const STRIPE_WEBHOOK_SECRET: &str = "whsec_townpass_test";

impl LocalStripe {
    pub fn start() -> Option<LocalStripe> {
        let program = std::env::var_os("TOWNPASS_LOCALSTRIPE")
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("PATH").and_then(|paths| {
                    std::env::split_paths(&paths)
                        .map(|p| p.join("localstripe"))
                        .find(|p| p.is_file())
                })
            });
        let Some(program) = program else {
            assert!(
                std::env::var("TOWNPASS_REQUIRE_LOCALSTRIPE").as_deref() != Ok("1"),
                "localstripe is required (TOWNPASS_REQUIRE_LOCALSTRIPE=1) but not installed: \
                 pip install localstripe, or set TOWNPASS_LOCALSTRIPE"
            );
            eprintln!("skipped: localstripe is not installed (pip install localstripe)");
            return None;
        };
        // A free port can be taken by another test between choosing it and localstripe binding
        // it: then localstripe exits, and another port is tried.
        for _ in 0..5 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("free port")
                .port();
            let mut child = Command::new(&program)
                // Its own empty store (localstripe keeps its data in a file shared by every
                // instance otherwise).
                .args(["--port", &port.to_string(), "--from-scratch"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("localstripe starts");
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
            loop {
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
                    && matches!(child.try_wait(), Ok(None))
                {
                    return Some(LocalStripe {
                        child,
                        url: format!("http://127.0.0.1:{port}"),
                    });
                }
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                if std::time::Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        }
        panic!("localstripe did not start (five tries)");
    }

    /// The environment that points `townpass serve` at this server.
    pub fn server_env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("TOWNPASS_STRIPE_SECRET_KEY", STRIPE_SECRET_KEY.into()),
            (
                "TOWNPASS_STRIPE_PUBLISHABLE_KEY",
                STRIPE_PUBLISHABLE_KEY.into(),
            ),
            (
                "TOWNPASS_STRIPE_WEBHOOK_SECRET",
                STRIPE_WEBHOOK_SECRET.into(),
            ),
            ("TOWNPASS_STRIPE_API_BASE", self.url.clone()),
            (
                "TOWNPASS_STRIPE_JS_URL",
                format!("{}/js.stripe.com/v3/", self.url),
            ),
        ]
    }

    /// Sends every event, signed with [`STRIPE_WEBHOOK_SECRET`], to `url`.
    pub fn send_webhooks_to(&self, url: &str) {
        ureq::post(&format!("{}/_config/webhooks/townpass", self.url))
            .send_form([("url", url), ("secret", STRIPE_WEBHOOK_SECRET)])
            .expect("webhook configured");
    }

    /// A card as the buyer's browser hands it to the provider (Stripe.js `createToken`, as the
    /// stand-in has it): the card's id, for `payment_method`.
    pub fn card(&self, number: &str) -> String {
        let token: serde_json::Value = ureq::post(&format!("{}/v1/tokens", self.url))
            .send_form([
                ("card[number]", number),
                ("card[exp_month]", "12"),
                ("card[exp_year]", "2034"),
                ("card[cvc]", "123"),
                ("key", STRIPE_PUBLISHABLE_KEY),
            ])
            .expect("token")
            .body_mut()
            .read_json()
            .expect("json");
        token["card"]["id"].as_str().expect("card id").to_string()
    }

    /// A GET with the secret key, as the server makes them: (status, JSON).
    pub fn get(&self, path: &str) -> (u16, serde_json::Value) {
        let response = self
            .agent()
            .get(&format!("{}{path}", self.url))
            .header("Authorization", format!("Bearer {STRIPE_SECRET_KEY}"))
            .call();
        Self::answer(response)
    }

    /// A POST with the secret key, as the server makes them: (status, JSON).
    pub fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, serde_json::Value) {
        let response = self
            .agent()
            .post(&format!("{}{path}", self.url))
            .header("Authorization", format!("Bearer {STRIPE_SECRET_KEY}"))
            .send_form(form.iter().copied());
        Self::answer(response)
    }

    fn agent(&self) -> ureq::Agent {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent()
    }

    fn answer(
        response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> (u16, serde_json::Value) {
        let mut response = response.expect("localstripe answers");
        let status = response.status().as_u16();
        (status, response.body_mut().read_json().unwrap_or_default())
    }
}

impl Drop for LocalStripe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
