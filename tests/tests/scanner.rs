//! Venue scanners and the server, all real binaries: enrol with a code, redeem offline, sync, and
//! what one gate learns from another.

use std::process::Output;

use serde_json::Value;
use townpass_tests::{
    Backend, DataDir, Scanner, Server, bin, demo_catalogue_path, on_both_databases,
};

on_both_databases!(
    a_pass_redeemed_at_gate_1_is_refused_at_gate_2_after_both_sync,
    two_offline_gates_both_admit_and_the_server_keeps_both_and_flags_the_second,
    without_the_server_a_scanner_still_judges_and_sync_exits_3_keeping_everything,
    a_72_hour_pass_first_used_in_one_town_expires_on_time_in_another,
    a_refunded_pass_is_refused_after_the_next_sync,
    a_revoked_issuer_key_voids_its_passes_after_sync_and_only_those,
    a_screenshot_of_a_pass_is_decoded_and_redeemed_like_a_scan,
    file_sync_without_internet_gives_the_same_result_as_online_sync,
    kiosk_mode_judges_each_scanned_line_and_syncs_in_the_background,
    killed_scanner_and_killed_server_mid_upload_still_store_every_redemption_exactly_once,
);

/// The demo catalogue on `data`'s database, a server, and two 72-hour passes.
fn setup(data: DataDir) -> (DataDir, Server, Vec<String>) {
    let ok = |o: Output| assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    ok(data.townpass(&[
        "catalog",
        "apply",
        demo_catalogue_path().to_str().expect("path"),
    ]));
    let server = Server::start(&data);
    assert_eq!(
        data.path().join("townpass.db").exists(),
        data.backend() == Backend::Sqlite,
        "the server runs on the database the test asked for"
    );
    let out = data.townpass(&[
        "issue",
        "--product",
        "bulgaria-72h",
        "--category",
        "adult",
        "--count",
        "2",
        "--json",
    ]);
    ok(out.clone());
    let issued: Value = serde_json::from_slice(&out.stdout).expect("json");
    let tokens = issued["passes"]
        .as_array()
        .expect("passes")
        .iter()
        .map(|p| p["token"].as_str().expect("t").to_string())
        .collect();
    (data, server, tokens)
}

fn a_pass_redeemed_at_gate_1_is_refused_at_gate_2_after_both_sync(data: DataDir) {
    let (data, server, tokens) = setup(data);
    let a = Scanner::enrolled(&server, &data, "tsarevets", "Gate 1");
    let b = Scanner::enrolled(&server, &data, "tsarevets", "Gate 2");

    let (code, verdict) = a.redeem(&tokens[0]);
    assert_eq!(
        (code, verdict["verdict"].as_str(), verdict["code"].as_str()),
        (0, Some("accepted"), Some("ok")),
        "{verdict}"
    );
    assert_eq!(verdict["offer"], "tsarevets-entry");
    for field in ["serial", "product", "category", "holder", "message"] {
        assert!(
            verdict.get(field).is_some(),
            "verdict has '{field}': {verdict}"
        );
    }
    assert_eq!(a.sync(), 0);
    assert_eq!(b.sync(), 0);
    let (code, verdict) = b.redeem(&tokens[0]);
    assert_eq!(
        (code, verdict["code"].as_str()),
        (1, Some("already_used")),
        "{verdict}"
    );
    assert!(
        verdict["message"]
            .as_str()
            .expect("message")
            .contains("(Gate 1)"),
        "{verdict}"
    );
    // The other pass is untouched.
    assert_eq!(b.redeem(&tokens[1]).0, 0);
}

fn two_offline_gates_both_admit_and_the_server_keeps_both_and_flags_the_second(data: DataDir) {
    let (data, server, tokens) = setup(data);
    let a = Scanner::enrolled(&server, &data, "tsarevets", "Gate 1");
    let b = Scanner::enrolled(&server, &data, "tsarevets", "Gate 2");
    // Neither has synced since: both let the pass in.
    assert_eq!(a.redeem(&tokens[0]).0, 0);
    assert_eq!(b.redeem(&tokens[0]).0, 0);
    assert_eq!(a.sync(), 0);
    let out = b.run(&["--json", "sync"]);
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        (report["uploaded"].as_i64(), report["flagged"].as_i64()),
        (Some(1), Some(1)),
        "{report}"
    );
    // Syncing again uploads nothing more.
    let again: Value = serde_json::from_slice(&b.run(&["--json", "sync"]).stdout).expect("json");
    assert_eq!(again["uploaded"], 0);
    let status: Value = serde_json::from_slice(&b.run(&["--json", "status"]).stdout).expect("json");
    assert_eq!(
        (status["pending_uploads"].as_i64(), status["venue"].as_str()),
        (Some(0), Some("tsarevets"))
    );
}

fn without_the_server_a_scanner_still_judges_and_sync_exits_3_keeping_everything(data: DataDir) {
    let (data, server, tokens) = setup(data);
    let a = Scanner::enrolled(&server, &data, "tsarevets", "Gate 1");
    drop(server); // the server goes away
    assert_eq!(a.redeem(&tokens[0]).0, 0, "offline judging works");
    let out = a.run(&["sync"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("Nothing is lost"));
    let status: Value = serde_json::from_slice(&a.run(&["--json", "status"]).stdout).expect("json");
    assert_eq!(
        status["pending_uploads"], 1,
        "the visit waits for the next sync"
    );
    // Bad input: exit 1 with a verdict, not a crash; no enrolment: exit 2.
    assert_eq!(a.redeem("not a pass").0, 1);
    let fresh = DataDir::new();
    let out = std::process::Command::new(bin("townpass-scan"))
        .arg("--data-dir")
        .arg(fresh.path())
        .arg("status")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("townpass-scan enroll --server URL --code CODE")
    );
}

fn verdict(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("a JSON verdict: {}", String::from_utf8_lossy(&out.stderr)))
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64
}

fn a_72_hour_pass_first_used_in_one_town_expires_on_time_in_another(data: DataDir) {
    let (data, server, tokens) = setup(data);
    let tarnovo = Scanner::enrolled(&server, &data, "tsarevets", "Gate 1");
    let sofia = Scanner::enrolled(&server, &data, "nim-boyana", "Entrance");
    let first = now_ms() - 3_600_000; // first used in Veliko Tarnovo an hour ago
    assert_eq!(
        verdict(&tarnovo.at(first, &["--json", "redeem", &tokens[0]]))["code"],
        "ok"
    );
    assert_eq!(tarnovo.sync(), 0);
    assert_eq!(sofia.sync(), 0);
    let hour = 3_600_000;
    let before = verdict(&sofia.at(first + 72 * hour - 60_000, &["--json", "check", &tokens[0]]));
    assert_eq!(
        before["code"], "ok",
        "a minute before the 72 hours are up: {before}"
    );
    let after = sofia.at(first + 72 * hour, &["--json", "check", &tokens[0]]);
    assert_eq!(after.status.code(), Some(1));
    let after = verdict(&after);
    assert_eq!(after["code"], "validity_elapsed", "{after}");
    assert!(
        after["message"]
            .as_str()
            .expect("message")
            .starts_with("Expired: 72 h from first use on"),
        "{after}"
    );
}

fn a_refunded_pass_is_refused_after_the_next_sync(data: DataDir) {
    let (data, server, tokens) = setup(data);
    let gate = Scanner::enrolled(&server, &data, "tsarevets", "Gate 1");
    assert_eq!(
        verdict(&gate.run(&["--json", "check", &tokens[0]]))["code"],
        "ok",
        "valid before the refund"
    );
    let serial = verdict(&gate.run(&["--json", "check", &tokens[0]]))["serial"]
        .as_str()
        .expect("serial")
        .to_string();
    let out = data.townpass(&[
        "passes",
        "revoke",
        &serial,
        "--reason",
        "refund at the desk",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        verdict(&gate.run(&["--json", "check", &tokens[0]]))["code"],
        "ok",
        "offline, the device does not know yet"
    );
    assert_eq!(gate.sync(), 0);
    let refused = verdict(&gate.run(&["--json", "check", &tokens[0]]));
    assert_eq!(
        (refused["code"].as_str(), refused["verdict"].as_str()),
        (Some("revoked"), Some("rejected")),
        "{refused}"
    );
    assert_eq!(
        verdict(&gate.run(&["--json", "check", &tokens[1]]))["code"],
        "ok",
        "the other pass is fine"
    );
}

fn a_revoked_issuer_key_voids_its_passes_after_sync_and_only_those(data: DataDir) {
    let (data, server, old_tokens) = setup(data);
    let gate = Scanner::enrolled(&server, &data, "tsarevets", "Gate 1");
    let old_kid = verdict(&data.townpass(&["token", "inspect", "--json", &old_tokens[0]]))["kid"]
        .as_str()
        .expect("kid")
        .to_string();
    assert!(data.townpass(&["keys", "rotate"]).status.success());
    let out = data.townpass(&[
        "issue",
        "--product",
        "bulgaria-72h",
        "--category",
        "adult",
        "--json",
    ]);
    let new_token =
        serde_json::from_slice::<Value>(&out.stdout).expect("json")["passes"][0]["token"]
            .as_str()
            .expect("t")
            .to_string();
    let out = data.townpass(&["keys", "revoke", &old_kid, "--reason", "key leaked"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(gate.sync(), 0);
    let refused = verdict(&gate.run(&["--json", "check", &old_tokens[0]]));
    assert_eq!(refused["code"], "key_revoked", "{refused}");
    assert_eq!(
        verdict(&gate.run(&["--json", "check", &new_token]))["code"],
        "ok",
        "passes of the new key still pass"
    );
}

fn a_screenshot_of_a_pass_is_decoded_and_redeemed_like_a_scan(data: DataDir) {
    let (data, server, tokens) = setup(data);
    let gate = Scanner::enrolled(&server, &data, "tsarevets", "Gate 1");
    let qr = townpass_core::qr::QrMatrix::encode(&tokens[0]).expect("qr");
    let shot = gate.dir.path().join("screenshot.png");
    std::fs::write(&shot, qr.to_png(3).expect("png")).expect("write");
    let shot = shot.to_str().expect("path");

    let first = gate.run(&["--json", "decode", shot, "--redeem"]);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert_eq!(verdict(&first)["code"], "ok");
    let again = gate.run(&["--json", "decode", shot, "--redeem"]);
    assert_eq!(
        (again.status.code(), verdict(&again)["code"].as_str()),
        (Some(1), Some("already_used"))
    );

    let not_a_picture = gate.dir.path().join("notes.txt");
    std::fs::write(&not_a_picture, "hello").expect("write");
    let out = gate.run(&["decode", not_a_picture.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("neither a PNG nor a JPEG"));
    let blank = gate.dir.path().join("blank.png");
    let empty = townpass_core::qr::QrMatrix::encode("TP1:")
        .expect("qr")
        .to_png(3)
        .expect("png");
    // A picture with no code in it: all white, same size.
    let mut decoder = png::Decoder::new(std::io::Cursor::new(empty))
        .read_info()
        .expect("png");
    let mut buf = vec![0; decoder.output_buffer_size().expect("size")];
    let info = decoder.next_frame(&mut buf).expect("frame");
    let mut out_png = Vec::new();
    let mut enc = png::Encoder::new(&mut out_png, info.width, info.height);
    enc.set_color(png::ColorType::Grayscale);
    enc.write_header()
        .expect("header")
        .write_image_data(&vec![255; buf.len()])
        .expect("data");
    std::fs::write(&blank, out_png).expect("write");
    let out = gate.run(&["decode", blank.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no readable QR code"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The id of the device named `name` (`townpass device list --json`).
fn device_id(data: &DataDir, name: &str) -> i64 {
    let out = data.townpass(&["device", "list", "--json"]);
    let list: Value = serde_json::from_slice(&out.stdout).expect("device list json");
    list.as_array()
        .expect("array")
        .iter()
        .find(|d| d["name"] == name)
        .and_then(|d| d["id"].as_i64())
        .expect("device listed")
}

fn file_sync_without_internet_gives_the_same_result_as_online_sync(data: DataDir) {
    let (data, server, tokens) = setup(data);
    let a = Scanner::enrolled(&server, &data, "tsarevets", "Gate 1");
    let b = Scanner::enrolled(&server, &data, "tsarevets", "Gate 2");
    let (code, _) = a.redeem(&tokens[0]);
    assert_eq!(code, 0);

    // Gate 1 writes its redemptions to a file; they stay until the server confirms them.
    let file = a.dir.path().join("visits.json");
    let out = a.run(&["--json", "export", file.to_str().expect("path")]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let exported: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(exported["redemptions"], 1);
    let status: Value =
        serde_json::from_slice(&a.run(&["--json", "status"]).stdout).expect("status json");
    assert_eq!(
        (
            status["pending_uploads"].as_i64(),
            status["exported_unacknowledged"].as_i64()
        ),
        (Some(0), Some(1))
    );

    // A damaged file is refused and stores nothing.
    let text = std::fs::read_to_string(&file).expect("file");
    let damaged = a.dir.path().join("damaged.json");
    std::fs::write(
        &damaged,
        text.replacen("scanned_at_ms\\\":", "scanned_at_ms\\\":1", 1),
    )
    .expect("write");
    let out = data.townpass(&["device", "import", damaged.to_str().expect("path")]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("signature"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The operator imports it: stored once, however often it is imported.
    let import = |path: &std::path::Path| -> Value {
        let out = data.townpass(&["device", "import", path.to_str().expect("path"), "--json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("json")
    };
    let first = import(&file);
    assert_eq!(
        (first["stored"].as_u64(), first["flagged"].as_u64()),
        (Some(1), Some(0)),
        "{first}"
    );
    let again = import(&file);
    assert_eq!(
        (again["stored"].as_u64(), again["duplicates"].as_u64()),
        (Some(0), Some(1)),
        "{again}"
    );

    // Gate 2 gets a bundle file and refuses the pass, as after an online sync.
    let bundle_for = |device: &str, scanner: &Scanner| {
        let path = scanner.dir.path().join("bundle.json");
        let out = data.townpass(&[
            "device",
            "bundle",
            "--device",
            &device_id(&data, device).to_string(),
            "--out",
            path.to_str().expect("path"),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        path
    };
    let path = bundle_for("Gate 2", &b);
    let out = b.run(&["import", path.to_str().expect("path")]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, verdict) = b.redeem(&tokens[0]);
    assert_eq!(
        (code, verdict["code"].as_str()),
        (1, Some("already_used")),
        "{verdict}"
    );
    assert!(
        verdict["message"]
            .as_str()
            .expect("message")
            .contains("Gate 1"),
        "{verdict}"
    );
    // The same file again is older than what the device holds: refused, nothing applied.
    let out = b.run(&["import", path.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    // A bundle file for another device is refused.
    let other = bundle_for("Gate 1", &b);
    let out = b.run(&["import", other.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not this one"));

    // Gate 1's own bundle file tells it the server has its visit.
    let path = bundle_for("Gate 1", &a);
    let out = a.run(&["import", path.to_str().expect("path")]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status: Value =
        serde_json::from_slice(&a.run(&["--json", "status"]).stdout).expect("status json");
    assert_eq!(
        (
            status["pending_uploads"].as_i64(),
            status["exported_unacknowledged"].as_i64()
        ),
        (Some(0), Some(0))
    );
    // And an online sync afterwards uploads nothing twice.
    let out = a.run(&["--json", "sync"]);
    let synced: Value = serde_json::from_slice(&out.stdout).expect("sync json");
    assert_eq!(synced["uploaded"], 0);
    drop(server);
}

fn kiosk_mode_judges_each_scanned_line_and_syncs_in_the_background(data: DataDir) {
    use std::io::{BufRead, BufReader, Write};
    let (data, server, tokens) = setup(data);
    let a = Scanner::enrolled(&server, &data, "tsarevets", "Gate 1");
    let mut child = std::process::Command::new(bin("townpass-scan"))
        .arg("--data-dir")
        .arg(a.dir.path())
        .args(["--json", "run", "--sync-every", "1"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut scan = |line: &str| -> Value {
        writeln!(stdin, "{line}").expect("write");
        stdin.flush().expect("flush");
        serde_json::from_str(&lines.next().expect("a verdict").expect("line")).expect("json")
    };
    // A wedge reader types the code in lower case with a line end.
    assert_eq!(scan(&tokens[0].to_lowercase())["code"], "ok");
    assert_eq!(scan(&tokens[0])["code"], "already_used");
    assert_eq!(scan("hello")["code"], "malformed");
    assert_eq!(scan(&tokens[1])["code"], "ok");
    // The background sync uploads both visits without a command.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let status: Value =
            serde_json::from_slice(&a.run(&["--json", "status"]).stdout).expect("status");
        if status["pending_uploads"] == 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no background sync: {status}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    drop(stdin);
    let status = child.wait().expect("exits at end of input");
    assert!(status.success());
    drop(server);
}

/// Waits until the server's log has said `needle` `times` times.
fn wait_for_log(data: &DataDir, needle: &str, times: usize) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let log = std::fs::read_to_string(data.path().join("server.log")).unwrap_or_default();
        if log.matches(needle).count() >= times {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server never said '{needle}'"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn killed_scanner_and_killed_server_mid_upload_still_store_every_redemption_exactly_once(
    data: DataDir,
) {
    let ok = |o: Output| assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    ok(data.townpass(&[
        "catalog",
        "apply",
        demo_catalogue_path().to_str().expect("path"),
    ]));
    // The test hook (debug build, `testing` feature) pauses storing an upload inside its transaction for 3 s.
    let stall = [("TOWNPASS_TEST_STALL_UPLOAD_MS", "3000")];
    let server = Server::start_with(&data, &stall);
    let listen = server.url.trim_start_matches("http://").to_string();
    let out = data.townpass(&[
        "issue",
        "--product",
        "bulgaria-72h",
        "--category",
        "adult",
        "--count",
        "40",
        "--json",
    ]);
    ok(out.clone());
    let issued: Value = serde_json::from_slice(&out.stdout).expect("json");
    let tokens: Vec<String> = issued["passes"]
        .as_array()
        .expect("passes")
        .iter()
        .map(|p| p["token"].as_str().expect("t").to_string())
        .collect();
    let a = Scanner::enrolled(&server, &data, "tsarevets", "Gate 1");
    let sync_in_background = |s: &Scanner| {
        std::process::Command::new(bin("townpass-scan"))
            .arg("--data-dir")
            .arg(s.dir.path())
            .arg("sync")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("sync starts")
    };

    // 1. The scanner dies (SIGKILL) while the server stores its first 20 visits.
    for t in &tokens[..20] {
        assert_eq!(a.redeem(t).0, 0);
    }
    let mut sync = sync_in_background(&a);
    wait_for_log(&data, "upload stalled", 1);
    sync.kill().expect("kill scanner");
    sync.wait().expect("reaped");
    // The server finished storing them, but the scanner never heard: all 20 still pending.
    std::thread::sleep(std::time::Duration::from_millis(3500));
    let status: Value =
        serde_json::from_slice(&a.run(&["--json", "status"]).stdout).expect("status");
    assert_eq!(status["pending_uploads"], 20);

    // 2. The server dies (SIGKILL) in the middle of storing the next batch (20 old + 20 new).
    for t in &tokens[20..] {
        assert_eq!(a.redeem(t).0, 0);
    }
    let mut sync = sync_in_background(&a);
    wait_for_log(&data, "upload stalled", 2);
    server.kill();
    let cut = sync.wait().expect("sync ends");
    assert_eq!(cut.code(), Some(3), "server unreachable: nothing lost");

    // 3. Restarted where it was; the scanner retries and everything arrives exactly once.
    let server = Server::start_at(&data, &listen, &[]);
    let out = a.run(&["--json", "sync"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let synced: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(synced["uploaded"], 40, "{synced}");
    let status: Value =
        serde_json::from_slice(&a.run(&["--json", "status"]).stdout).expect("status");
    assert_eq!(status["pending_uploads"], 0);
    // Another gate's first bundle holds every visit the server has: 40, not one more.
    let b = Scanner::enrolled(&server, &data, "tsarevets", "Gate 2");
    let out = b.run(&["--json", "sync"]);
    let synced: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        synced["uses"], 0,
        "already had them from enrolment: {synced}"
    );
    let (code, verdict) = b.redeem(&tokens[39]);
    assert_eq!((code, verdict["code"].as_str()), (1, Some("already_used")));
    let c = DataDir::new();
    let made = data.townpass(&[
        "device",
        "add",
        "--venue",
        "tsarevets",
        "--name",
        "Gate 3",
        "--json",
    ]);
    let code = serde_json::from_slice::<Value>(&made.stdout).expect("json")["code"]
        .as_str()
        .expect("code")
        .to_string();
    let out = std::process::Command::new(bin("townpass-scan"))
        .arg("--data-dir")
        .arg(c.path())
        .args(["--json", "enroll", "--server", &server.url, "--code", &code])
        .output()
        .expect("enroll");
    let enrolled: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        enrolled["sync"]["uses"], 40,
        "every redemption exactly once: {enrolled}"
    );
}

/// `townpass-scan --lang` in every language on offer, over the verdicts a gate meets every day:
/// admitted, already used, a product not valid here, validity over, expired, unreadable. Each sentence is
/// the language's own (not the English one), complete (no placeholder left), and an admitted pass
/// names its product in that language.
#[test]
fn the_scanner_speaks_every_language_for_every_verdict_a_gate_meets() {
    let (data, server, tokens) = setup(DataDir::new());
    let gate = Scanner::enrolled(&server, &data, "tsarevets", "Gate 1");
    let out = data.townpass(&[
        "issue",
        "--product",
        "sofia-24h",
        "--category",
        "adult",
        "--json",
    ]);
    let sofia_only: Value = serde_json::from_slice(&out.stdout).expect("json");
    let sofia_only = sofia_only["passes"][0]["token"]
        .as_str()
        .expect("token")
        .to_string();
    let hour = 3_600_000;
    let first = now_ms() - hour;
    assert_eq!(
        verdict(&gate.at(first, &["--json", "redeem", &tokens[1]]))["code"],
        "ok"
    );
    let cases: [(&str, i64, &str); 6] = [
        ("ok", now_ms(), tokens[0].as_str()),
        ("already_used", now_ms(), tokens[1].as_str()),
        ("unknown_product", now_ms(), sofia_only.as_str()),
        ("validity_elapsed", first + 73 * hour, tokens[1].as_str()),
        ("expired", now_ms() + 400 * 24 * hour, tokens[0].as_str()),
        ("malformed", now_ms(), "TP1:THIS-IS-NOT-A-PASS"),
    ];
    // What the gate reads without --json: the head of the verdict, and the device's status.
    for lang in townpass_i18n::codes() {
        let out = gate.at(now_ms(), &["--lang", lang, "check", &tokens[0]]);
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let head = townpass_i18n::t(lang, "gate_accepted");
        assert!(text.starts_with(&format!("{head}: ")), "{lang}: {text}");
        let status =
            String::from_utf8_lossy(&gate.run(&["--lang", lang, "status"]).stdout).to_string();
        let keys = townpass_i18n::tf(
            lang,
            "gate_status_keys",
            &[("keys", "\u{1}"), ("revoked", "\u{1}")],
        );
        let first_words = keys.split('\u{1}').next().unwrap_or_default().to_string();
        assert!(
            !first_words.is_empty() && status.contains(&first_words),
            "{lang}: {status}"
        );
    }
    let catalogue = std::fs::read_to_string(demo_catalogue_path()).expect("catalogue");
    for (code, at, token) in cases {
        let english = verdict(&gate.at(at, &["--lang", "en", "--json", "check", token]));
        assert_eq!(english["code"], code, "{english}");
        let english = english["message"].as_str().expect("message").to_string();
        for lang in townpass_i18n::codes() {
            let out = gate.at(at, &["--lang", lang, "--json", "check", token]);
            assert!(
                String::from_utf8_lossy(&out.stderr).is_empty(),
                "{lang}: no warning for a language on offer"
            );
            let v = verdict(&out);
            assert_eq!(v["code"], code, "{lang}: {v}");
            let message = v["message"].as_str().expect("message");
            assert!(
                !message.is_empty() && !message.contains('{') && !message.contains('$'),
                "{lang} {code}: {message}"
            );
            if lang != "en" {
                assert_ne!(message, english, "{lang} {code}: still English");
            }
            if code == "ok" && ["en", "bg"].contains(&lang) {
                // The demo names its products in English and Bulgarian.
                let name = if lang == "en" {
                    "Bulgaria Heritage Pass 72 h"
                } else {
                    "Карта Културно наследство 72 часа"
                };
                assert!(catalogue.contains(name));
                assert!(message.contains(name), "{lang}: {message}");
            }
        }
    }
}
