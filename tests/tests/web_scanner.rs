//! The web scanner (`/scan`) in headless Chromium against the real `townpass` server and the real
//! `townpass-scan` binary: enrolment, verdicts by keyboard wedge and by camera (Chromium's fake
//! camera plays a video of a pass's QR code through getUserMedia into the WebAssembly decoder),
//! visits stored in IndexedDB before the verdict, offline use after the server stops, and syncs
//! that store each visit exactly once and tell the other gates.

use serde_json::{Value, json};
use townpass_tests::webdriver::{self, Browser};
use townpass_tests::{DataDir, Scanner, Server, demo_catalogue_path};

fn ok(out: std::process::Output) -> std::process::Output {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A server with the demo catalogue and `count` adult passes for Bulgaria 72 h: (tokens, serials).
fn setup(data: &DataDir, count: usize) -> (Vec<String>, Vec<String>) {
    ok(data.townpass(&[
        "catalog",
        "apply",
        demo_catalogue_path().to_str().expect("path"),
    ]));
    let out = ok(data.townpass(&[
        "issue",
        "--product",
        "bulgaria-72h",
        "--category",
        "adult",
        "--count",
        &count.to_string(),
        "--holder",
        "Elena Georgieva",
        "--json",
    ]));
    let issued: Value = serde_json::from_slice(&out.stdout).expect("json");
    let passes = issued["passes"].as_array().expect("passes");
    (
        passes
            .iter()
            .map(|p| p["token"].as_str().expect("token").to_string())
            .collect(),
        passes
            .iter()
            .map(|p| p["serial"].as_str().expect("serial").to_string())
            .collect(),
    )
}

fn enrolment_code(data: &DataDir, venue: &str, name: &str) -> String {
    let out = ok(data.townpass(&["device", "add", "--venue", venue, "--name", name, "--json"]));
    serde_json::from_slice::<Value>(&out.stdout).expect("json")["code"]
        .as_str()
        .expect("code")
        .to_string()
}

/// Opens /scan (with `query`), enrols with `code` and waits until the first bundle is in.
fn enrol(browser: &Browser, server: &Server, code: &str, query: &str) {
    browser.goto(&format!("{}/scan?lang=en{query}", server.url));
    browser.wait_for("document.body.dataset.ready === 'true'", 30);
    browser.fill("#code", code);
    browser.click("#enrol-form button[type=submit]");
    browser.wait_for(
        "!document.getElementById('scan').hidden && document.getElementById('st-bundle').textContent.includes('just now')",
        30,
    );
}

/// Types a token into the wedge field and presses Enter, as a USB reader does; the verdict.
fn wedge(browser: &Browser, token: &str) -> Value {
    let before = browser
        .execute("return window.townpassVerdicts.length;", vec![])
        .as_u64()
        .expect("count");
    browser.fill("#token", &format!("{token}\u{E007}"));
    browser.wait_for(
        &format!("window.townpassVerdicts.length > {before} && window.townpassVerdicts[{before}]"),
        10,
    )
}

/// Taps the verdict away, as staff do when the next visitor is already there.
fn dismiss(browser: &Browser) {
    if browser
        .execute("return !document.getElementById('verdict').hidden;", vec![])
        .as_bool()
        == Some(true)
    {
        browser.click("#verdict");
    }
}

fn stored_visits(browser: &Browser) -> Value {
    browser.execute_async(
        "const db = await new Promise((ok, no) => { const r = indexedDB.open('townpass-scan'); \
         r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); }); \
         return await new Promise((ok, no) => { const r = db.transaction('visits').objectStore('visits').getAll(); \
         r.onsuccess = () => ok(r.result.map(v => ({local_id: v.local_id, serial: v.serial, uploaded: v.uploaded}))); \
         r.onerror = () => no(r.error); });",
        vec![],
    )
}

/// (serial, how many times) of the redemptions the server stored, read from its database.
fn redemptions_on_server(data: &DataDir) -> Vec<(String, i64)> {
    query_server(
        data,
        "SELECT serial, COUNT(*) FROM redemptions GROUP BY serial ORDER BY serial",
    )
}

/// (serial, the token stored with the visit: '' when it was exactly the token as issued).
fn stored_tokens(data: &DataDir) -> Vec<(String, String)> {
    query_server(
        data,
        "SELECT serial, token FROM redemptions ORDER BY serial",
    )
}

fn query_server<T>(data: &DataDir, sql: &str) -> Vec<T>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin,
{
    let db = data.path().join("townpass.db");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
            .await
            .expect("open the server's database");
        sqlx::query_as::<_, T>(sql)
            .fetch_all(&mut conn)
            .await
            .expect("redemptions")
    })
}

#[test]
fn a_phone_enrols_judges_by_keyboard_wedge_keeps_working_offline_and_syncs_each_visit_once() {
    if !webdriver::available() {
        return;
    }
    let data = DataDir::new();
    let (tokens, serials) = setup(&data, 5);
    let code = enrolment_code(&data, "tsarevets", "Phone at the gate");
    let listen = {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("port")
            .port();
        format!("127.0.0.1:{port}")
    };
    let server = Server::start_at(&data, &listen, &[]);
    let browser = Browser::start();
    enrol(&browser, &server, &code, "");
    assert_eq!(browser.text("#st-venue"), "Tsarevets Fortress");
    // The device key is a WebCrypto key the page's own script cannot read out.
    let key = browser.execute_async(
        "const db = await new Promise((ok, no) => { const r = indexedDB.open('townpass-scan'); \
         r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); }); \
         const k = await new Promise((ok, no) => { const r = db.transaction('meta').objectStore('meta').get('key'); \
         r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); }); \
         return { webcrypto: k instanceof CryptoKey, extractable: k.extractable, algorithm: k.algorithm && k.algorithm.name };",
        vec![],
    );
    assert_eq!(
        key,
        json!({"webcrypto": true, "extractable": false, "algorithm": "Ed25519"})
    );
    assert_eq!(browser.text("#st-gate"), "Phone at the gate");

    // A valid pass: green, with the holder's name large, and the visit is in IndexedDB.
    let v = wedge(&browser, &tokens[0]);
    assert_eq!(v["code"], "ok", "{v}");
    assert_eq!(
        browser.attribute("#verdict", "class").as_deref(),
        Some("ok")
    );
    assert_eq!(browser.text("#v-holder"), "Elena Georgieva");
    assert_eq!(browser.text("#v-category"), "ADULT");
    let visits = stored_visits(&browser);
    assert_eq!(visits.as_array().map(Vec::len), Some(1), "{visits}");
    assert_eq!(visits[0]["serial"], serials[0].as_str());

    // A tampered pass is refused, and nothing is stored for it.
    let mut tampered = tokens[1].clone();
    let last = tampered.pop().expect("char");
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let v = wedge(&browser, &tampered);
    assert_eq!(v["accepted"], false, "{v}");
    assert_eq!(
        browser.attribute("#verdict", "class").as_deref(),
        Some("no")
    );
    assert_eq!(stored_visits(&browser).as_array().map(Vec::len), Some(1));

    // A pass signed by another server's key: refused, and what it claims is not shown (a forger
    // would put "VALID - LET IN" as the holder's name in large type).
    let elsewhere = DataDir::new();
    ok(elsewhere.townpass(&[
        "catalog",
        "apply",
        demo_catalogue_path().to_str().expect("path"),
    ]));
    let forged: Value = serde_json::from_slice(
        &ok(elsewhere.townpass(&[
            "issue",
            "--product",
            "bulgaria-72h",
            "--category",
            "adult",
            "--holder",
            "VALID - LET IN",
            "--json",
        ]))
        .stdout,
    )
    .expect("json");
    dismiss(&browser);
    let v = wedge(
        &browser,
        forged["passes"][0]["token"].as_str().expect("token"),
    );
    assert_eq!(v["code"], "unknown_key", "{v}");
    assert_eq!(browser.text("#v-holder"), "");
    assert_eq!(browser.text("#v-category"), "");
    assert!(!browser.text("#verdict").contains("VALID"));

    // A pass revoked on the server is refused after the page's next sync.
    ok(data.townpass(&["passes", "revoke", &serials[3], "--reason", "lost"]));
    dismiss(&browser);
    browser.click("#sync");
    browser.wait_for(
        "document.getElementById('st-pending').dataset.count === '0'",
        20,
    );
    let v = wedge(&browser, &tokens[3]);
    assert_eq!(v["code"], "revoked", "{v}");

    // The server stops; the page still loads (service worker) and judges.
    server.kill();
    browser.goto(&format!("http://{listen}/scan?lang=en"));
    browser.wait_for("document.body.dataset.ready === 'true'", 30);
    browser.wait_for("!document.getElementById('scan').hidden", 10);
    let v = wedge(&browser, &tokens[0]);
    assert_eq!(v["code"], "already_used", "{v}");
    assert!(
        browser.text("#v-reason").contains("Phone at the gate"),
        "the refusal says where it was used: {}",
        browser.text("#v-reason")
    );
    // As a reader typing in lower case with stray spaces would: the same pass.
    let v = wedge(&browser, &format!("  {}  ", tokens[1].to_lowercase()));
    assert_eq!(v["code"], "ok", "offline, a new pass is let in: {v}");
    browser.wait_for(
        "document.getElementById('st-net').textContent === 'offline'",
        20,
    );

    // The server is back: the page syncs by itself; each visit is stored once.
    let server = Server::start_at(&data, &listen, &[]);
    browser.wait_for(
        "document.getElementById('st-pending').dataset.count === '0' && document.getElementById('st-net').textContent === 'online'",
        60,
    );
    let stored = redemptions_on_server(&data);
    let mut expected = vec![(serials[0].clone(), 1), (serials[1].clone(), 1)];
    expected.sort();
    assert_eq!(
        stored, expected,
        "each visit the phone took is stored exactly once"
    );
    assert!(
        stored_tokens(&data).iter().all(|(_, t)| t.is_empty()),
        "the phone uploads each token as issued, whatever the reader typed: {:?}",
        stored_tokens(&data)
    );

    // A binary scanner at the same venue refuses what the phone let in, after its sync ...
    let gate = Scanner::enrolled(&server, &data, "tsarevets", "Gate 2");
    let (code, verdict) = gate.redeem(&tokens[1]);
    assert_eq!(verdict["code"], "already_used", "{verdict}");
    assert_ne!(code, 0);
    // ... and the phone refuses what the binary scanner let in, after its own sync.
    let (code, verdict) = gate.redeem(&tokens[2]);
    assert_eq!((code, verdict["code"].as_str()), (0, Some("ok")));
    assert_eq!(gate.sync(), 0);
    dismiss(&browser);
    browser.click("#sync");
    browser.wait_for(
        "document.getElementById('st-net').textContent === 'online'",
        20,
    );
    let v = wedge(&browser, &tokens[2]);
    assert_eq!(v["code"], "already_used", "{v}");
    assert!(
        browser.text("#v-reason").contains("Gate 2"),
        "{}",
        browser.text("#v-reason")
    );
    assert_eq!(redemptions_on_server(&data).len(), 3);

    // The phone is stolen: the operator disables it (asked first), and its syncs are refused.
    let list: Value =
        serde_json::from_slice(&ok(data.townpass(&["device", "list", "--json"])).stdout)
            .expect("json");
    let id = list
        .as_array()
        .expect("devices")
        .iter()
        .find(|d| d["name"] == "Phone at the gate")
        .and_then(|d| d["id"].as_i64())
        .expect("the phone is listed");
    let asked = data.townpass(&["device", "disable", &id.to_string()]);
    assert_eq!(asked.status.code(), Some(2), "without --yes it only asks");
    assert!(String::from_utf8_lossy(&asked.stderr).contains("--yes"));
    dismiss(&browser);
    browser.click("#sync");
    browser.wait_for(
        "document.getElementById('st-net').textContent === 'online'",
        20,
    );
    ok(data.townpass(&["device", "disable", &id.to_string(), "--yes"]));
    browser.click("#sync");
    let net = browser.wait_for(
        "document.getElementById('st-net').textContent.startsWith('sync refused') && document.getElementById('st-net').textContent",
        20,
    );
    assert!(
        net.as_str().is_some_and(|t| t.contains("disabled")),
        "{net}"
    );

    // Until it is enrolled again it still judges, and keeps what it lets in; the page offers to
    // enrol it again, and the visit goes up with the new enrolment.
    let v = wedge(&browser, &tokens[4]);
    assert_eq!(v["code"], "ok", "{v}");
    dismiss(&browser);
    browser.wait_for("!document.getElementById('reenrol').hidden", 10);
    let new_code = enrolment_code(&data, "tsarevets", "Phone at the gate, again");
    browser.execute("window.confirm = () => true;", vec![]);
    browser.click("#reenrol");
    browser.fill("#code", &new_code);
    browser.click("#enrol-form button[type=submit]");
    browser.wait_for(
        "document.body.dataset.ready === 'true' && !document.getElementById('scan').hidden && document.getElementById('st-gate').textContent === 'Phone at the gate, again' && document.getElementById('st-pending').dataset.count === '0'",
        60,
    );
    assert!(
        redemptions_on_server(&data).contains(&(serials[4].clone(), 1)),
        "{:?}",
        redemptions_on_server(&data)
    );
    let v = wedge(&browser, &tokens[0]);
    assert_eq!(
        v["code"], "already_used",
        "the new enrolment knows the old visits: {v}"
    );
}

/// The installed app and a browser tab of one phone share its visits: a pass let in by one is
/// refused by the other, even though the other loaded before the visit.
#[test]
fn two_tabs_of_one_phone_never_admit_one_pass_twice() {
    if !webdriver::available() {
        return;
    }
    let data = DataDir::new();
    let (tokens, _) = setup(&data, 1);
    let code = enrolment_code(&data, "tsarevets", "Phone 3");
    let server = Server::start(&data);
    let browser = Browser::start();
    enrol(&browser, &server, &code, "");
    let first = browser.window();
    let second = browser.new_window();
    browser.switch_to(&second);
    browser.goto(&format!("{}/scan?lang=en", server.url));
    browser.wait_for(
        "document.body.dataset.ready === 'true' && !document.getElementById('scan').hidden",
        30,
    );
    browser.switch_to(&first);
    let v = wedge(&browser, &tokens[0]);
    assert_eq!(v["code"], "ok", "{v}");
    browser.switch_to(&second);
    let v = wedge(&browser, &tokens[0]);
    assert_eq!(v["code"], "already_used", "{v}");
    assert_eq!(stored_visits(&browser).as_array().map(Vec::len), Some(1));

    // Uploaded visits are forgotten once their pass has expired, and only then.
    browser.execute_async(
        "const db = await new Promise((ok, no) => { const r = indexedDB.open('townpass-scan'); \
         r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); }); \
         await new Promise((ok, no) => { const t = db.transaction('visits', 'readwrite'); \
         t.objectStore('visits').put({local_id: 100000, token: 'TP1:OLD', offer: null, scanned_at_ms: 0, \
         serial: '00000000000000ff', exp: 1, uploaded: 1}); t.oncomplete = ok; t.onerror = () => no(t.error); }); \
         db.close(); return true;",
        vec![],
    );
    assert_eq!(stored_visits(&browser).as_array().map(Vec::len), Some(2));
    let mut left = None;
    for i in 0..200 {
        if i % 20 == 0 {
            browser.execute("document.getElementById('sync').click();", vec![]);
        }
        let visits = stored_visits(&browser);
        if visits.as_array().map(Vec::len) == Some(1) {
            left = Some(visits);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let left = left.expect("the expired visit is forgotten after a sync");
    assert_eq!(left[0]["uploaded"], 1, "{left}");
}

#[test]
fn a_pass_held_to_the_phone_camera_is_read_by_the_webassembly_decoder_and_judged() {
    if !webdriver::available() {
        return;
    }
    let data = DataDir::new();
    let (tokens, serials) = setup(&data, 1);
    let code = enrolment_code(&data, "tsarevets", "Phone 2");
    let server = Server::start(&data);
    let video = data.path().join("pass.y4m");
    // The pass for 3 s, then 3 s with nothing in view, over and over (the fake camera loops).
    townpass_tests::qr_video(&[tokens[0].as_str(), ""], 30, &video);
    let browser = Browser::start_with(&[
        "--use-fake-device-for-media-stream".into(),
        "--use-fake-ui-for-media-stream".into(),
        format!("--use-file-for-fake-video-capture={}", video.display()),
    ]);
    // This phone takes the path of browsers without WebCrypto Ed25519: the key is a seed the
    // WebAssembly module signs with.
    enrol(&browser, &server, &code, "&key=wasm");
    assert_eq!(
        browser
            .execute("return document.body.dataset.key;", vec![])
            .as_str(),
        Some("wasm")
    );
    // The first read is let in; the code held in front of the camera is not judged again while
    // it stays in view.
    let v = browser.wait_for("window.townpassVerdicts.find(v => v.from === 'camera')", 30);
    assert_eq!(v["code"], "ok", "{v}");
    assert_eq!(
        browser
            .execute("return document.body.dataset.decoder;", vec![])
            .as_str(),
        Some("wasm"),
        "headless Chromium on Linux has no BarcodeDetector: the WebAssembly decoder read it"
    );
    assert!(v["frame_to_verdict_ms"].as_f64().is_some(), "{v}");
    let visits = stored_visits(&browser);
    assert_eq!(visits.as_array().map(Vec::len), Some(1), "{visits}");
    assert_eq!(visits[0]["serial"], serials[0].as_str());
    // Shown again after it left the view, it is judged again: refused, already used here.
    let v = browser.wait_for(
        "window.townpassVerdicts.filter(v => v.from === 'camera')[1]",
        30,
    );
    assert_eq!(v["code"], "already_used", "{v}");
}

#[test]
fn the_webassembly_build_gives_the_shared_token_vectors_their_results_and_error_codes() {
    if !webdriver::available() {
        return;
    }
    let data = DataDir::new();
    let server = Server::start(&data);
    let browser = Browser::start();
    browser.goto(&format!("{}/scan", server.url));
    browser.wait_for("document.body.dataset.ready === 'true'", 30);
    let vectors = townpass_tests::vectors();
    let keys: Vec<Value> = vectors["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| json!({"public": k["public"], "status": "active"}))
        .collect();
    let mut cases: Vec<(String, Value)> = Vec::new();
    for v in vectors["valid"].as_array().expect("valid") {
        cases.push((v["token"].as_str().expect("t").into(), v["claims"].clone()));
    }
    for v in vectors["invalid"].as_array().expect("invalid") {
        cases.push((v["token"].as_str().expect("t").into(), v["error"].clone()));
    }
    let tokens: Vec<&str> = cases.iter().map(|(t, _)| t.as_str()).collect();
    let answers = browser.execute_async(
        "const config = JSON.parse(document.getElementById('tp-config').textContent); \
         const m = await import(config.assets.glue); \
         await m.default({ module_or_path: config.assets.wasm }); \
         return arguments[0].map(t => JSON.parse(m.verify_token(t, JSON.stringify(arguments[1]))));",
        vec![json!(tokens), json!(keys)],
    );
    let answers = answers.as_array().expect("answers");
    assert_eq!(answers.len(), cases.len());
    for ((token, expected), got) in cases.iter().zip(answers) {
        if let Some(error) = expected.as_str() {
            assert_eq!(got["ok"], false, "{token}: {got}");
            assert_eq!(got["error"], error, "{token}: {got}");
        } else {
            assert_eq!(got["ok"], true, "{token}: {got}");
            assert_eq!(got["serial"], expected["serial"], "{token}");
            assert_eq!(got["product"], expected["product"], "{token}");
            assert_eq!(got["category"], expected["category"], "{token}");
            assert_eq!(
                got["exp"].as_u64(),
                expected["exp"].as_u64(),
                "{token}: {got}"
            );
            assert_eq!(
                got["holder"].as_str(),
                expected["holder"].as_str(),
                "{token}"
            );
        }
    }
}

/// The "done when", as a person does it: `townpass demo` (the README's command) prints
/// enrolment codes and an order with two paid passes; a phone-sized Chromium opens the printed
/// /scan link, and its camera films the QR code exactly as the order page draws it; the server
/// goes away and the phone keeps judging; the server comes back, the phone syncs by itself, and
/// the museum's partner login finds the visit on its dashboard.
#[test]
fn the_demo_journey_enrol_a_phone_scan_a_pass_through_the_camera_offline_and_see_the_visit_on_the_partner_dashboard()
 {
    use std::io::BufRead;
    if !webdriver::available() {
        return;
    }
    let data = DataDir::new();
    let listen = townpass_tests::free_listen();
    let mut child = data
        .command()
        .args(["demo", "--listen", &listen])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("townpass demo starts");
    let stdout = child.stdout.take().expect("stdout");
    let demo = Server {
        child,
        url: format!("http://{listen}"),
    };
    // What the demo prints: the enrolment code of the museum's entrance, the partner's password,
    // and the order to scan.
    let (mut code, mut password, mut order) = (None, None, None);
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.expect("demo output");
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["nim-boyana", "Entrance", c] => code = Some(c.to_string()),
            ["partner", "partner@nim.demo", p @ ..] => password = Some(p.join(" ")),
            ["two", "paid", "passes", "to", "scan:", url] => {
                order = Some(url.to_string());
                break;
            }
            _ => {}
        }
    }
    let (code, password, order) = (
        code.expect("an enrolment code for the museum's entrance"),
        password.expect("the partner's password"),
        order.expect("the order to scan"),
    );
    assert!(order.starts_with(&demo.url), "{order}");

    // The pass as the tourist's phone shows it, filmed by the venue phone's camera.
    let tourist = Browser::start_with(&["--window-size=1280,1000".into()]);
    tourist.goto(&format!("{order}?lang=en"));
    let serial = tourist
        .attribute("article.pass", "data-serial")
        .expect("a pass on the order page");
    let qr = tourist.element_screenshot("article.pass .qr svg");
    let video = data.path().join("order-qr.y4m");
    townpass_tests::image_video(&qr, 10, &video);

    let phone = Browser::start_with(&[
        "--use-fake-device-for-media-stream".into(),
        "--use-fake-ui-for-media-stream".into(),
        format!("--use-file-for-fake-video-capture={}", video.display()),
        "--window-size=390,844".into(),
    ]);
    phone.goto(&format!("{}/scan?lang=en&code={code}", demo.url));
    phone.wait_for("document.body.dataset.ready === 'true'", 30);
    assert!(
        !phone.url().contains(&code),
        "the one-time code leaves the address bar"
    );
    phone.click("#enrol-form button[type=submit]");
    phone.wait_for(
        "!document.getElementById('scan').hidden && document.getElementById('st-bundle').textContent.includes('just now')",
        30,
    );
    assert_eq!(phone.text("#st-venue"), "National Historical Museum");
    let v = phone.wait_for("window.townpassVerdicts.find(v => v.from === 'camera')", 30);
    assert_eq!(v["code"], "ok", "{v}");
    assert_eq!(phone.text("#v-holder"), "Demo Visitor");
    assert!(phone.text("#v-category").to_lowercase().contains("adult"));

    // No server: the page reloads from its service worker and still judges the pass.
    let base = demo.url.clone();
    demo.kill();
    phone.goto(&format!("{base}/scan"));
    phone.wait_for("document.body.dataset.ready === 'true'", 30);
    let v = phone.wait_for("window.townpassVerdicts.find(v => v.from === 'camera')", 30);
    assert_eq!(v["code"], "already_used", "{v}");
    assert_eq!(
        phone
            .execute(
                "return document.getElementById('st-pending').dataset.count;",
                vec![]
            )
            .as_str(),
        Some("1"),
        "one visit waits to upload"
    );

    // The server is back: the phone syncs by itself, and the partner sees the visit.
    let server = Server::start_at(&data, &listen, &[]);
    phone.wait_for(
        "document.getElementById('st-pending').dataset.count === '0'",
        60,
    );
    assert_eq!(
        redemptions_on_server(&data)
            .iter()
            .filter(|(s, _)| *s == serial)
            .collect::<Vec<_>>(),
        vec![&(serial.clone(), 1)]
    );
    tourist.goto(&format!(
        "{}/login?lang=en&next=/partner/visits",
        server.url
    ));
    tourist.fill("#email", "partner@nim.demo");
    tourist.fill("#password", &password);
    tourist.click("form[action='/login'] button[type=submit]");
    tourist.wait_url(|u| u.contains("/partner/visits"));
    let rows = tourist.text("table tbody");
    assert!(
        rows.contains(&serial) && rows.contains("nim-boyana"),
        "the visit on the partner's list: {rows}"
    );
}
