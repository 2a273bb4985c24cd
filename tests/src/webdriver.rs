//! A minimal WebDriver client (W3C protocol over HTTP) for headless Chromium via chromedriver:
//! enough to open pages, fill forms, click and read. Chromium and chromedriver come from Debian's
//! packages (.ci/run installs them).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Whether the browser test can run here; without it the test is skipped with a notice, unless
/// TOWNPASS_REQUIRE_BROWSER=1 (CI) makes that a failure.
pub fn available() -> bool {
    let found = ["/usr/bin/chromium", "/usr/bin/chromedriver"]
        .iter()
        .all(|p| std::path::Path::new(p).exists());
    if !found {
        assert!(
            std::env::var("TOWNPASS_REQUIRE_BROWSER").map_or(true, |v| v != "1"),
            "TOWNPASS_REQUIRE_BROWSER=1 but chromium / chromedriver are not installed (apt-get install chromium chromium-driver)"
        );
        eprintln!("notice: chromium or chromedriver missing; the browser test is skipped");
    }
    found
}

/// A chromedriver process and one headless Chromium session; both end on drop.
#[derive(Debug)]
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    profile: std::path::PathBuf,
}

impl Browser {
    pub fn start() -> Browser {
        Browser::start_with(&[])
    }

    /// A session with extra Chromium switches (e.g. a fake camera fed from a file).
    pub fn start_with(extra: &[String]) -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("port")
            .port();
        let driver = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while ureq::get(&format!("{base}/status")).call().is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer in 20 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = std::env::temp_dir().join(format!("townpass-chromium-{port}"));
        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=412,915",
        ]
        .iter()
        .map(|a| a.to_string())
        .collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.extend(extra.iter().cloned());
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": args
        }}}});
        let mut resp = ureq::post(&format!("{base}/session"))
            .send_json(&caps)
            .expect("new session");
        let v: Value = resp.body_mut().read_json().expect("json");
        let session = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_string();
        Browser {
            driver,
            base,
            session,
            profile,
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent();
        let mut resp = match (method, body) {
            ("GET", _) => agent.get(&url).call(),
            ("DELETE", _) => agent.delete(&url).call(),
            (_, b) => agent.post(&url).send_json(b.unwrap_or_else(|| json!({}))),
        }
        .expect("webdriver call");
        let v: Value = resp.body_mut().read_json().expect("json");
        if resp.status().as_u16() >= 400 {
            panic!("webdriver {method} {path}: {v}");
        }
        v["value"].clone()
    }

    /// Lets the page download files into `dir` (a click on a download link saves the file there).
    pub fn download_to(&self, dir: &std::path::Path) {
        self.call(
            "POST",
            "/chromium/send_command",
            Some(json!({"cmd": "Page.setDownloadBehavior",
                        "params": {"behavior": "allow", "downloadPath": dir.display().to_string()}})),
        );
    }

    /// Waits (up to 20 s) for a finished download in `dir` and returns its bytes.
    pub fn wait_download(dir: &std::path::Path, suffix: &str) -> Vec<u8> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(path) = std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .find(|p| p.to_string_lossy().ends_with(suffix))
            {
                return std::fs::read(path).expect("downloaded file");
            }
            assert!(
                Instant::now() < deadline,
                "no {suffix} download in {} after 20 s",
                dir.display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The current window's handle.
    pub fn window(&self) -> String {
        self.call("GET", "/window", None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// Opens a new tab (as a second window of one phone's browser); its handle.
    pub fn new_window(&self) -> String {
        self.call("POST", "/window/new", Some(json!({"type": "tab"})))["handle"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    pub fn switch_to(&self, handle: &str) {
        self.call("POST", "/window", Some(json!({"handle": handle})));
    }

    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url})));
    }

    pub fn url(&self) -> String {
        self.call("GET", "/url", None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    pub fn find_all(&self, css: &str) -> Vec<String> {
        let v = self.call(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e[ELEMENT].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Waits up to 10 s for an element to appear.
    pub fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(e) = self.find_all(css).into_iter().next() {
                return e;
            }
            assert!(
                Instant::now() < deadline,
                "no element '{css}' on {}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn fill(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.call("POST", &format!("/element/{e}/clear"), None);
        self.call(
            "POST",
            &format!("/element/{e}/value"),
            Some(json!({"text": text})),
        );
    }

    pub fn click(&self, css: &str) {
        let e = self.find(css);
        self.call("POST", &format!("/element/{e}/click"), None);
    }

    pub fn text(&self, css: &str) -> String {
        let e = self.find(css);
        self.call("GET", &format!("/element/{e}/text"), None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    pub fn attribute(&self, css: &str, name: &str) -> Option<String> {
        let e = self.find(css);
        self.call("GET", &format!("/element/{e}/attribute/{name}"), None)
            .as_str()
            .map(String::from)
    }

    /// Waits up to 10 s for the URL to satisfy `pred`.
    pub fn wait_url(&self, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let u = self.url();
            if pred(&u) {
                return u;
            }
            assert!(Instant::now() < deadline, "URL stayed {u}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Runs `script` (a function body; `arguments[0..]` are `args`) in the page; its return value.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Runs an async `script` (a function body that returns a promise) and waits for its value.
    pub fn execute_async(&self, script: &str, args: Vec<Value>) -> Value {
        let body = format!(
            "const done = arguments[arguments.length - 1]; \
             (async (...arguments) => {{ {script} }})(...Array.from(arguments).slice(0, -1)) \
             .then(done, (e) => done({{__error: String(e && e.stack || e)}}));"
        );
        let v = self.call(
            "POST",
            "/execute/async",
            Some(json!({"script": body, "args": args})),
        );
        if let Some(e) = v.get("__error") {
            panic!("script failed: {e}");
        }
        v
    }

    /// Waits up to `secs` for the expression `expr` to be truthy in the page; its value.
    pub fn wait_for(&self, expr: &str, secs: u64) -> Value {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let v = self.execute(
                &format!("try {{ return ({expr}); }} catch (e) {{ return null; }}"),
                vec![],
            );
            let truthy = match &v {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::String(s) => !s.is_empty(),
                Value::Number(n) => n.as_f64() != Some(0.0),
                _ => true,
            };
            if truthy {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "waited {secs} s for `{expr}` on {}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A PNG screenshot of the viewport.
    pub fn screenshot(&self) -> Vec<u8> {
        self.png("/screenshot")
    }

    /// A PNG screenshot of the first element matching `css`, as the page draws it.
    pub fn element_screenshot(&self, css: &str) -> Vec<u8> {
        let e = self.find(css);
        self.png(&format!("/element/{e}/screenshot"))
    }

    fn png(&self, path: &str) -> Vec<u8> {
        use base64::Engine;
        let b64 = self
            .call("GET", path, None)
            .as_str()
            .unwrap_or("")
            .to_string();
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .expect("base64 screenshot")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let url = format!("{}/session/{}", self.base, self.session);
        let _ = ureq::delete(&url).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
