//! Test support shared by the backend's tests and the end-to-end tests: a fresh database of each
//! kind per test (a SQLite file in a temporary directory; a new PostgreSQL database when
//! TOWNPASS_TEST_POSTGRES_URL is set), removed again afterwards.

use std::path::{Path, PathBuf};

use sqlx::Connection;

use crate::store::Store;

/// Set to 1 (as CI does) to fail instead of skipping when PostgreSQL is not configured.
pub const REQUIRE_POSTGRES: &str = "TOWNPASS_REQUIRE_POSTGRES";
pub const POSTGRES_URL: &str = "TOWNPASS_TEST_POSTGRES_URL";

/// A temporary directory, removed with everything in it on drop.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> TempDir {
        let mut rnd = [0u8; 6];
        getrandom::fill(&mut rnd).expect("randomness");
        let path = std::env::temp_dir().join(format!("{prefix}-{}", hex::encode(rnd)));
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One fresh, migrated database for one test.
#[derive(Debug)]
pub struct TestDb {
    /// "sqlite" or "postgres", for assertion messages.
    pub kind: &'static str,
    pub url: String,
    pub store: Store,
    /// A directory for this test's keys, files and mail.
    pub dir: TempDir,
    /// Dropped after `store` (field order), which ends the database.
    _pg: Option<PgDatabase>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = TempDir::new("townpass-test");
        let url = format!("sqlite://{}", dir.path().join("townpass.db").display());
        let store = Store::open(&url).await.expect("open sqlite");
        TestDb {
            kind: "sqlite",
            url,
            store,
            dir,
            _pg: None,
        }
    }

    /// A new database on the configured PostgreSQL server, or `None` (with a notice) without one.
    pub async fn postgres() -> Option<TestDb> {
        let database = PgDatabase::create()?;
        let store = Store::open(&database.url).await.expect("open postgres");
        Some(TestDb {
            kind: "postgres",
            url: database.url.clone(),
            store,
            dir: TempDir::new("townpass-test"),
            _pg: Some(database),
        })
    }

    /// SQLite, and PostgreSQL when configured: every store test runs on each.
    pub async fn all() -> Vec<TestDb> {
        let mut dbs = vec![TestDb::sqlite().await];
        dbs.extend(TestDb::postgres().await);
        dbs
    }

    pub fn key_ring(&self) -> crate::issuer_keys::KeyRing {
        crate::issuer_keys::KeyRing::new(self.dir.path().join("keys"))
    }

    /// Starts one more server instance on this database, as a second `townpass serve` would be:
    /// its own connection pool, HTTP listener and settlement worker. Returns its base URL.
    pub async fn serve_instance(&self) -> String {
        let store = Store::open(&self.url)
            .await
            .expect("open the database again");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let state = std::sync::Arc::new(crate::http::AppState {
            store: store.clone(),
            keys: self.key_ring(),
            base_url: base.clone(),
            payments: std::sync::Arc::new(crate::sales::payment::PayAtPickup),
            card: None,
            wallets: Default::default(),
            web_pay_at_pickup: true,
            photos: std::sync::Arc::new(crate::http::photos::Photos::new(
                self.dir.path().join("photos"),
            )),
            request_timeout: crate::http::REQUEST_TIMEOUT,
            proxies: crate::http::client::TrustedProxies::default(),
        });
        tokio::spawn(crate::http::serve(listener, state));
        crate::settlement::jobs::spawn_worker(store);
        base
    }
}

/// A fresh, empty database on the PostgreSQL server named by TOWNPASS_TEST_POSTGRES_URL, dropped
/// (with its connections) on drop. Synchronous, so the end-to-end tests can hand its URL to a real
/// `townpass serve`.
#[derive(Debug)]
pub struct PgDatabase {
    pub url: String,
    admin: String,
    name: String,
}

impl PgDatabase {
    /// `None` (with a notice) when PostgreSQL is not configured; a panic when CI requires it.
    pub fn create() -> Option<PgDatabase> {
        let admin = match std::env::var(POSTGRES_URL) {
            Ok(url) if !url.is_empty() => url,
            _ => {
                if std::env::var(REQUIRE_POSTGRES).is_ok_and(|v| v == "1") {
                    panic!("{REQUIRE_POSTGRES}=1 but {POSTGRES_URL} is not set");
                }
                eprintln!(
                    "notice: {POSTGRES_URL} is not set; the PostgreSQL half of this test is skipped"
                );
                return None;
            }
        };
        let mut rnd = [0u8; 6];
        getrandom::fill(&mut rnd).expect("randomness");
        let name = format!("townpass_t_{}", hex::encode(rnd));
        let sql = format!("CREATE DATABASE {name}");
        admin_statement(&admin, &sql)
            .unwrap_or_else(|e| panic!("cannot create a database at {POSTGRES_URL}: {e}"));
        Some(PgDatabase {
            url: with_database(&admin, &name),
            admin,
            name,
        })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        // FORCE ends connections still open (a killed server's, a test's pool).
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let _ = admin_statement(&self.admin, &sql);
    }
}

/// Runs one statement on the admin connection, from a thread with its own runtime, so that it
/// works both in plain tests and inside a (blocked) async test's runtime.
fn admin_statement(admin: &str, sql: &str) -> Result<(), sqlx::Error> {
    let (admin, sql) = (admin.to_string(), sql.to_string());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(sqlx::Error::Io)?;
        rt.block_on(async move {
            let mut conn = sqlx::PgConnection::connect(&admin).await?;
            sqlx::query(&sql).execute(&mut conn).await?;
            conn.close().await
        })
    })
    .join()
    .unwrap_or_else(|_| Err(sqlx::Error::PoolClosed))
}

/// The same server and credentials, another database.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// The demo catalogue file's text.
pub fn demo_catalogue() -> &'static str {
    crate::catalog::DEMO
}

/// A real server on 127.0.0.1:0 over a test database, with an HTTP client that does not follow
/// redirects (tests look at them) and keeps one session cookie.
#[derive(Debug)]
pub struct TestApp {
    pub base: String,
    pub db: TestDb,
    agent: ureq::Agent,
    session: std::sync::Mutex<Option<String>>,
}

/// What a test sees of a response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub location: Option<String>,
    pub content_type: String,
    pub body: Vec<u8>,
    pub set_cookies: Vec<String>,
    /// The `x-request-id` the server answered with.
    pub request_id: Option<String>,
    /// Every header of the answer, names in lower case.
    pub headers: Vec<(String, String)>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of the first `name="..." value="..."` hidden field.
    pub fn field(&self, name: &str) -> Option<String> {
        let text = self.text();
        let at = text.find(&format!("name=\"{name}\" value=\""))? + name.len() + 15;
        Some(text[at..].split('"').next()?.to_string())
    }
}

impl TestApp {
    /// Serves `db` with the demo catalogue applied and an active key.
    pub async fn start(db: TestDb) -> TestApp {
        TestApp::start_at(db, None, crate::http::REQUEST_TIMEOUT, Vec::new()).await
    }

    /// [`TestApp::start`] behind a reverse proxy on 127.0.0.1: a request's `x-forwarded-for`
    /// names its client, so a test can speak for several clients.
    pub async fn start_behind_local_proxy(db: TestDb) -> TestApp {
        let local = std::net::IpAddr::from([127, 0, 0, 1]);
        TestApp::start_at(db, None, crate::http::REQUEST_TIMEOUT, vec![local]).await
    }

    /// [`TestApp::start`] with a request time limit of `timeout`.
    pub async fn start_with_timeout(db: TestDb, timeout: std::time::Duration) -> TestApp {
        TestApp::start_at(db, None, timeout, Vec::new()).await
    }

    /// [`TestApp::start`] with the server told that its public URL is `public_url` (say behind an
    /// https proxy); requests still go to the local port.
    pub async fn start_behind(db: TestDb, public_url: &str) -> TestApp {
        TestApp::start_at(
            db,
            Some(public_url),
            crate::http::REQUEST_TIMEOUT,
            Vec::new(),
        )
        .await
    }

    async fn start_at(
        db: TestDb,
        public_url: Option<&str>,
        timeout: std::time::Duration,
        trusted: Vec<std::net::IpAddr>,
    ) -> TestApp {
        crate::catalog::apply(&db.store, crate::catalog::DEMO, crate::store::now())
            .await
            .expect("catalogue");
        db.key_ring()
            .ensure_active(&db.store, crate::store::now())
            .await
            .expect("key");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let state = std::sync::Arc::new(crate::http::AppState {
            store: db.store.clone(),
            keys: db.key_ring(),
            base_url: public_url.map_or_else(|| base.clone(), str::to_string),
            payments: std::sync::Arc::new(crate::sales::payment::PayAtPickup),
            card: None,
            wallets: Default::default(),
            web_pay_at_pickup: true,
            photos: std::sync::Arc::new(crate::http::photos::Photos::new(
                db.dir.path().join("photos"),
            )),
            request_timeout: timeout,
            proxies: crate::http::client::TrustedProxies {
                addresses: trusted,
                ..Default::default()
            },
        });
        tokio::spawn(crate::http::serve(listener, state));
        crate::settlement::jobs::spawn_worker(db.store.clone());
        // No test waits for ever on a server that never answers.
        let agent = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(60)))
            .build()
            .new_agent();
        TestApp {
            base,
            db,
            agent,
            session: std::sync::Mutex::new(None),
        }
    }

    fn finish(&self, resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
        let mut resp = resp.expect("request completes");
        let header = |n: &str| {
            resp.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(String::from)
        };
        let location = header("location");
        let content_type = header("content-type").unwrap_or_default();
        let request_id = header("x-request-id");
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect();
        let set_cookies: Vec<String> = resp
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(String::from)
            .collect();
        for c in &set_cookies {
            if let Some(v) = c.strip_prefix("tp_session=") {
                let token = v.split(';').next().unwrap_or("").to_string();
                *self.session.lock().expect("lock") = Some(token).filter(|t| !t.is_empty());
            }
        }
        let body = resp
            .body_mut()
            .with_config()
            .limit(50 << 20)
            .read_to_vec()
            .expect("body");
        Reply {
            status: resp.status().as_u16(),
            location,
            content_type,
            body,
            set_cookies,
            request_id,
            headers,
        }
    }

    fn cookie(&self) -> String {
        self.session
            .lock()
            .expect("lock")
            .as_ref()
            .map(|t| format!("tp_session={t}"))
            .unwrap_or_default()
    }

    /// GET `path` (blocking I/O on a helper thread).
    pub async fn get(&self, path: &str) -> Reply {
        self.get_with(path, &[]).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let (agent, url, cookie) = (self.agent.clone(), self.url(path), self.cookie());
        let headers: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let resp = tokio::task::spawn_blocking(move || {
            let mut req = agent.get(&url).header("cookie", &cookie);
            for (k, v) in &headers {
                req = req.header(k, v);
            }
            req.call()
        })
        .await
        .expect("join");
        self.finish(resp)
    }

    /// A request with `method` (get, post, put, patch, delete) and no body: what the route table
    /// answers to that method.
    pub async fn request(&self, method: &str, path: &str) -> Reply {
        let (agent, url, method) = (self.agent.clone(), self.url(path), method.to_string());
        let resp = tokio::task::spawn_blocking(move || match method.as_str() {
            "get" => agent.get(&url).call(),
            "delete" => agent.delete(&url).call(),
            "post" => agent.post(&url).send_empty(),
            "put" => agent.put(&url).send_empty(),
            "patch" => agent.patch(&url).send_empty(),
            other => panic!("no helper for method {other}"),
        })
        .await
        .expect("join");
        self.finish(resp)
    }

    /// POST a form.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let (agent, url, cookie) = (self.agent.clone(), self.url(path), self.cookie());
        let fields: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let resp = tokio::task::spawn_blocking(move || {
            agent
                .post(&url)
                .header("cookie", &cookie)
                .send_form(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        })
        .await
        .expect("join");
        self.finish(resp)
    }

    /// POST raw bytes with a content type.
    pub async fn post_bytes(&self, path: &str, content_type: &str, body: Vec<u8>) -> Reply {
        self.post_bytes_with(path, content_type, &[], body).await
    }

    /// [`TestApp::post_bytes`] with extra request headers.
    pub async fn post_bytes_with(
        &self,
        path: &str,
        content_type: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Reply {
        let (agent, url, cookie, ct) = (
            self.agent.clone(),
            self.url(path),
            self.cookie(),
            content_type.to_string(),
        );
        let headers: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let resp = tokio::task::spawn_blocking(move || {
            let mut req = agent
                .post(&url)
                .header("cookie", &cookie)
                .header("content-type", &ct);
            for (k, v) in &headers {
                req = req.header(k, v);
            }
            req.send(&body[..])
        })
        .await
        .expect("join");
        self.finish(resp)
    }

    /// Announces a body of `len` bytes and sends none; returns the status the server answers with
    /// from the headers alone. (Writing megabytes into a connection the server has already
    /// refused only yields a broken pipe, so oversized bodies are tested this way.)
    pub async fn announce_oversized(&self, path: &str, len: usize) -> u16 {
        let (addr, path) = (
            self.base.trim_start_matches("http://").to_string(),
            path.to_string(),
        );
        tokio::task::spawn_blocking(move || {
            use std::io::{Read, Write};
            let mut stream = std::net::TcpStream::connect(&addr).expect("connect");
            stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).expect("timeout");
            write!(
                stream,
                "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {len}\r\n\r\n"
            )
            .expect("write");
            let mut head = [0u8; 12];
            stream.read_exact(&mut head).expect("an answer before the body");
            String::from_utf8_lossy(&head[9..12]).parse().expect("status")
        })
        .await
        .expect("join")
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        }
    }

    /// Seeds the demo's last month (sales, visits) and closes its settlement; returns "YYYY-MM".
    pub async fn with_settled_month(&self) -> String {
        let now = crate::store::now();
        let key = self
            .db
            .key_ring()
            .ensure_active(&self.db.store, now)
            .await
            .expect("key");
        crate::cli::demo::seed_settled_month(&self.db.store, &key, now)
            .await
            .expect("history")
            .expect("a month was seeded")
    }

    /// Adds a user with this password.
    pub async fn add_user(
        &self,
        email: &str,
        role: &str,
        sales_point: Option<&str>,
        password: &str,
    ) {
        let hash = crate::accounts::hash_password(password).expect("hash");
        let user = crate::store::NewUser {
            email,
            name: email,
            password_hash: &hash,
            role,
            sales_point,
            partner: None,
        };
        crate::accounts::save_user(&self.db.store, &user, crate::store::now())
            .await
            .expect("user");
    }

    pub async fn login(&self, email: &str, password: &str) -> Reply {
        self.post_form(
            "/login",
            &[("email", email), ("password", password), ("next", "/desk")],
        )
        .await
    }

    pub fn logout_locally(&self) {
        *self.session.lock().expect("lock") = None;
    }

    /// The session this client holds (to come back to it after acting as someone else).
    pub fn session(&self) -> Option<String> {
        self.session.lock().expect("lock").clone()
    }

    /// Acts with this session from now on.
    pub fn use_session(&self, session: Option<String>) {
        *self.session.lock().expect("lock") = session;
    }
}

/// A message an [`SmtpSink`] received.
#[derive(Clone, Debug)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

/// A real SMTP listener on 127.0.0.1 that accepts every message and keeps it (RFC 5321's minimum:
/// EHLO/HELO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT).
#[derive(Debug)]
pub struct SmtpSink {
    pub port: u16,
    pub messages: std::sync::Arc<std::sync::Mutex<Vec<Received>>>,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind smtp");
        Self::serve(listener)
    }

    /// Listens on a given port (to bring a "down" server up).
    pub fn start_on(port: u16) -> SmtpSink {
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("bind smtp port");
        Self::serve(listener)
    }

    fn serve(listener: std::net::TcpListener) -> SmtpSink {
        let port = listener.local_addr().expect("addr").port();
        let messages = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let store = messages.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let store = store.clone();
                std::thread::spawn(move || {
                    let _ = smtp_session(stream, &store);
                });
            }
        });
        SmtpSink { port, messages }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<Received> {
        self.messages.lock().expect("lock").clone()
    }
}

fn smtp_session(
    stream: std::net::TcpStream,
    store: &std::sync::Mutex<Vec<Received>>,
) -> std::io::Result<()> {
    use std::io::{BufRead, BufReader, Write};
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    out.write_all(b"220 townpass-test-smtp ESMTP\r\n")?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            out.write_all(b"250-townpass-test-smtp\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?;
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            out.write_all(b"250 ok\r\n")?;
        } else if upper.starts_with("MAIL FROM:") {
            from = cmd[10..]
                .split_whitespace()
                .next()
                .unwrap_or("")
                .trim_matches(['<', '>'])
                .to_string();
            to.clear();
            out.write_all(b"250 ok\r\n")?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(
                cmd[8..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .trim_matches(['<', '>'])
                    .to_string(),
            );
            out.write_all(b"250 ok\r\n")?;
        } else if upper == "DATA" {
            out.write_all(b"354 end with <CRLF>.<CRLF>\r\n")?;
            let mut data = Vec::new();
            loop {
                let mut l = Vec::new();
                if reader.read_until(b'\n', &mut l)? == 0 {
                    return Ok(());
                }
                if l == b".\r\n" || l == b".\n" {
                    break;
                }
                let l = if l.starts_with(b"..") {
                    &l[1..]
                } else {
                    &l[..]
                };
                data.extend_from_slice(l);
            }
            store.lock().expect("lock").push(Received {
                from: from.clone(),
                to: to.clone(),
                data,
            });
            out.write_all(b"250 queued\r\n")?;
        } else if upper.starts_with("RSET") {
            from.clear();
            to.clear();
            out.write_all(b"250 ok\r\n")?;
        } else if upper.starts_with("QUIT") {
            out.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            out.write_all(b"502 not implemented\r\n")?;
        }
    }
}
