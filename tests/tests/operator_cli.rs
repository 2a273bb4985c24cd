//! The operator's day, with the real binaries: apply the catalogue, issue passes, check them,
//! serve the published keys, rotate and revoke.

use serde_json::Value;
use townpass_tests::{DataDir, Server, demo_catalogue_path};

fn stdout(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("utf-8")
}

#[test]
fn catalogue_apply_is_idempotent_and_says_so() {
    let data = DataDir::new();
    let catalogue = demo_catalogue_path();
    let first = stdout(&data.townpass(&["catalog", "apply", catalogue.to_str().expect("path")]));
    assert!(first.contains("product bulgaria-72h: added"), "{first}");
    let second = stdout(&data.townpass(&["catalog", "apply", catalogue.to_str().expect("path")]));
    assert!(second.starts_with("nothing to change"), "{second}");
    let export = stdout(&data.townpass(&["catalog", "export"]));
    assert!(export.contains("code = \"tsarevets\""), "{export}");
}

#[test]
fn a_bulk_issued_pass_checks_out_against_the_servers_own_keys() {
    let data = DataDir::new();
    stdout(&data.townpass(&[
        "catalog",
        "apply",
        demo_catalogue_path().to_str().expect("path"),
    ]));
    let out = stdout(&data.townpass(&[
        "issue",
        "--product",
        "bulgaria-72h",
        "--category",
        "senior",
        "--count",
        "3",
        "--holder",
        "Мария Иванова",
        "--json",
    ]));
    let issued: Value = serde_json::from_str(&out).expect("issue --json");
    let passes = issued["passes"].as_array().expect("passes");
    assert_eq!(passes.len(), 3);
    assert_eq!(
        (issued["price_minor"].as_i64(), issued["currency"].as_str()),
        (Some(3000), Some("EUR"))
    );
    let token = passes[0]["token"].as_str().expect("token");

    // No --key: the support desk's `inspect` uses the server's keys from the data directory.
    let out = stdout(&data.townpass(&["token", "inspect", "--json", token]));
    let report: Value = serde_json::from_str(&out).expect("inspect --json");
    assert_eq!(report["valid"], true, "{report}");
    assert_eq!(report["serial"], passes[0]["serial"]);
    assert_eq!(report["holder"], "Мария Иванова");
    assert_eq!(report["product"], issued["product_id"]);
    assert_eq!(report["category"], 3);

    // Revoke the key: the text output warns that scanners refuse the pass.
    let kid = report["kid"].as_str().expect("kid");
    stdout(&data.townpass(&[
        "keys",
        "revoke",
        kid,
        "--reason",
        "test of a compromised key",
    ]));
    let text = stdout(&{
        let out = data.townpass(&["token", "inspect", token]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "the signature itself is still valid"
        );
        out
    });
    assert!(text.contains("KEY IS REVOKED"), "{text}");
}

#[test]
fn the_server_publishes_the_same_keys_that_keys_list_shows_and_keeps_retired_ones() {
    let data = DataDir::new();
    stdout(&data.townpass(&[
        "catalog",
        "apply",
        demo_catalogue_path().to_str().expect("path"),
    ]));
    stdout(&data.townpass(&["issue", "--product", "sofia-24h", "--category", "adult"]));
    stdout(&data.townpass(&["keys", "rotate"]));
    let listed: Value =
        serde_json::from_str(&stdout(&data.townpass(&["keys", "list", "--json"]))).expect("json");
    let listed = listed.as_array().expect("array");
    assert_eq!(listed.len(), 2);
    let statuses: Vec<&str> = listed
        .iter()
        .map(|k| k["status"].as_str().expect("status"))
        .collect();
    assert_eq!(statuses, ["retired", "active"]);
    assert_eq!(
        listed[0]["still_needed"], true,
        "the retired key's pass is still valid"
    );

    let server = Server::start(&data);
    let doc: Value = ureq::get(&format!("{}/.well-known/townpass/keys", server.url))
        .call()
        .expect("keys")
        .body_mut()
        .read_json()
        .expect("json");
    let published: Vec<(&str, &str)> = doc["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| {
            (
                k["kid"].as_str().expect("kid"),
                k["public_key_hex"].as_str().expect("hex"),
            )
        })
        .collect();
    let expected: Vec<(&str, &str)> = listed
        .iter()
        .map(|k| {
            (
                k["kid"].as_str().expect("kid"),
                k["public_key"].as_str().expect("pk"),
            )
        })
        .collect();
    assert_eq!(published, expected);
}

#[test]
fn issuing_an_unknown_product_fails_with_exit_2_and_says_what_to_do() {
    let data = DataDir::new();
    stdout(&data.townpass(&[
        "catalog",
        "apply",
        demo_catalogue_path().to_str().expect("path"),
    ]));
    let out = data.townpass(&["issue", "--product", "paris-pass", "--category", "adult"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("product 'paris-pass' not found"), "{err}");
}

#[test]
fn a_device_enrolment_code_is_readable_one_time_and_valid_for_a_day() {
    let data = DataDir::new();
    stdout(&data.townpass(&[
        "catalog",
        "apply",
        demo_catalogue_path().to_str().expect("path"),
    ]));
    let out = stdout(&data.townpass(&[
        "device",
        "add",
        "--venue",
        "tsarevets",
        "--name",
        "Gate 2",
        "--json",
    ]));
    let made: Value = serde_json::from_str(&out).expect("json");
    let code = made["code"].as_str().expect("code");
    assert_eq!(code.len(), 14, "{code}");
    assert!(
        code.split('-').all(|g| g.len() == 4
            && g.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())),
        "{code}"
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    let expires = made["expires_at"].as_i64().expect("expiry");
    assert!((expires - now - 86_400).abs() < 120, "valid 24 h");
    let list: Value =
        serde_json::from_str(&stdout(&data.townpass(&["device", "list", "--json"]))).expect("json");
    assert_eq!(list[0]["venue"], "tsarevets");
    assert_eq!(list[0]["status"], "pending");

    let unknown = data.townpass(&["device", "add", "--venue", "louvre", "--name", "Gate 1"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("venue 'louvre' not found"));
}

/// `townpass settle` from the command line, on SQLite and on PostgreSQL: the demo's closed month
/// comes back as issued and balanced; the current month is a draft that cannot be closed yet; a
/// bad month is refused with a hint.
fn settle_from_the_command_line(data: DataDir) {
    let seeded = stdout(&data.townpass(&["demo", "--seed-only"]));
    let month = seeded
        .split("settlement: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the seeded month")
        .to_string();
    let report: Value = serde_json::from_str(&stdout(
        &data.townpass(&["settle", "--period", &month, "--json"]),
    ))
    .expect("json");
    assert_eq!(report["status"], "closed", "{report}");
    let eur = &report["totals"]["EUR"];
    let gross = eur["gross_minor"].as_i64().expect("gross");
    let handed_out: i64 = [
        "partner_payables_minor",
        "commissions_minor",
        "operator_fees_minor",
        "breakage_minor",
    ]
    .iter()
    .map(|k| eur[k].as_i64().expect("amount"))
    .sum();
    assert!(gross > 0);
    assert_eq!(
        handed_out,
        gross - eur["refunds_minor"].as_i64().expect("refunds")
    );
    let text = stdout(&data.townpass(&["settle", "--period", &month]));
    assert!(
        text.contains("balanced") && text.contains("closed"),
        "{text}"
    );

    let bad = data.townpass(&["settle", "--period", "2026-13"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("YYYY-MM"));
    // A month from the far future is not over yet.
    let early = data.townpass(&["settle", "--period", "2099-01", "--close"]);
    assert_eq!(early.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&early.stderr).contains("not over yet"),
        "{}",
        String::from_utf8_lossy(&early.stderr)
    );
}

#[test]
fn settle_on_sqlite() {
    if let Some(data) = DataDir::on(townpass_tests::Backend::Sqlite) {
        settle_from_the_command_line(data);
    }
}

#[test]
fn settle_on_postgres() {
    if let Some(data) = DataDir::on(townpass_tests::Backend::Postgres) {
        settle_from_the_command_line(data);
    }
}
