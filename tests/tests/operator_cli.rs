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

/// `townpass demo | head`, a closed terminal or a supervisor that stops reading: the server's
/// banner cannot be written, and the server keeps serving all the same.
#[test]
fn the_demo_server_keeps_serving_when_nobody_reads_its_banner() {
    let data = DataDir::new();
    let listen = townpass_tests::free_listen();
    let mut child = data
        .command()
        .args(["demo", "--listen", &listen])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("townpass demo starts");
    // Nobody reads: the banner's pipe is closed before the first line is written.
    drop(child.stdout.take());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let healthy = loop {
        if ureq::get(&format!("http://{listen}/healthz"))
            .call()
            .is_ok()
        {
            break true;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("townpass demo exited when its banner could not be written: {status}");
        }
        if std::time::Instant::now() > deadline {
            break false;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    // Still up a moment later, with the whole banner behind it.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let alive = child.try_wait().map(|s| s.is_none()).unwrap_or(false);
    let _ = child.kill();
    let _ = child.wait();
    assert!(healthy, "the demo server never answered /healthz");
    assert!(alive, "the demo server stopped after its banner");
}

/// `townpass rates`: record, list, import (all or nothing) and delete exchange rates; bad input
/// is refused with the reason and exit 2, a closed month's rate with exit 1.
#[test]
fn exchange_rates_are_recorded_checked_and_frozen_with_their_month() {
    let data = DataDir::new();
    let seeded = stdout(&data.townpass(&["demo", "--seed-only"]));
    let closed = seeded
        .split("settlement: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the seeded month")
        .to_string();
    let set = data.townpass(&[
        "rates",
        "set",
        "--period",
        "2099-10",
        "--pair",
        "EUR/MKD",
        "--rate",
        "61.5000",
        "--source",
        "NBRM 2099-10-31",
    ]);
    assert_eq!(
        set.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    assert!(
        stdout(&set).contains("1 EUR = 61.5000 MKD"),
        "{}",
        stdout(&set)
    );
    for (args, says) in [
        (
            ["2099-10", "EUR/DIN", "1.5", "x"],
            "'DIN' is not an ISO 4217 currency",
        ),
        (["2099-13", "EUR/MKD", "1.5", "x"], "not a month"),
        (["2099-10", "EUR/EUR", "1.5", "x"], "with itself"),
        (["2099-10", "EUR/MKD", "0", "x"], "not an exchange rate"),
        (["2099-10", "EUR/MKD", "61,5", "x"], "not an exchange rate"),
        (
            ["2099-10", "EUR/MKD", "61.5", " "],
            "say where the rate is from",
        ),
    ] {
        let out = data.townpass(&[
            "rates", "set", "--period", args[0], "--pair", args[1], "--rate", args[2], "--source",
            args[3],
        ]);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let file = data.path().join("rates.csv");
    std::fs::write(
        &file,
        "period,pair,rate,source\n2099-11,EUR/MKD,61.6,NBRM\n2099-11,EUR/HUF,abc,MNB\n",
    )
    .expect("file");
    let refused = data.townpass(&["rates", "import", file.to_str().expect("path")]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("line 3"));
    std::fs::write(
        &file,
        "period,pair,rate,source\n2099-11,EUR/MKD,61.6,NBRM\n2099-11,EUR/HUF,395.12,MNB\n",
    )
    .expect("file");
    let imported = data.townpass(&["rates", "import", file.to_str().expect("path")]);
    assert_eq!(imported.status.code(), Some(0));
    let list: Value =
        serde_json::from_str(&stdout(&data.townpass(&["rates", "list", "--json"]))).expect("json");
    let pairs: Vec<(String, String, String)> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|r| {
            (
                r["period"].as_str().unwrap_or("").to_string(),
                format!(
                    "{}/{}",
                    r["base"].as_str().unwrap_or(""),
                    r["quote"].as_str().unwrap_or("")
                ),
                r["rate"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("2099-11".into(), "EUR/HUF".into(), "395.12".into()),
            ("2099-11".into(), "EUR/MKD".into(), "61.6".into()),
            ("2099-10".into(), "EUR/MKD".into(), "61.5000".into()),
        ]
    );
    // One direction per pair and month: MKD/EUR next to EUR/MKD is refused.
    let opposite = data.townpass(&[
        "rates", "set", "--period", "2099-10", "--pair", "MKD/EUR", "--rate", "0.0163", "--source",
        "x",
    ]);
    assert_eq!(opposite.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&opposite.stderr).contains("one direction per pair"));
    let deleted = data.townpass(&[
        "rates", "delete", "--period", "2099-11", "--pair", "EUR/HUF",
    ]);
    assert_eq!(deleted.status.code(), Some(0));
    // The demo's closed month: its rates are what its statements used, for good.
    let frozen = data.townpass(&[
        "rates", "set", "--period", &closed, "--pair", "EUR/MKD", "--rate", "61.5", "--source",
        "late",
    ]);
    assert_eq!(frozen.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&frozen.stderr).contains("is closed"));
}

/// The second demo region: `townpass demo --catalog catalog/south-morava-osogovo.toml` seeds a
/// Serbian-Macedonian region selling in EUR, RSD and MKD; its last month closes with every
/// partner paid in its own currency at the month's recorded rate, and every currency balances.
#[test]
fn the_cross_border_demo_region_settles_three_currencies_and_pays_partners_in_their_own() {
    let data = DataDir::new();
    let file = demo_catalogue_path().with_file_name("south-morava-osogovo.toml");
    let seeded = data.townpass(&[
        "demo",
        "--catalog",
        file.to_str().expect("path"),
        "--seed-only",
    ]);
    assert_eq!(
        seeded.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let text = stdout(&seeded);
    assert!(text.contains("partner@muzej-leskovac.demo"), "{text}");
    let month = text
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
    let totals = report["totals"].as_object().expect("totals");
    assert_eq!(
        totals.keys().collect::<Vec<_>>(),
        ["EUR", "MKD", "RSD"],
        "three currencies sold"
    );
    let partner_currency = |party: &str| match party {
        "partner:sv-joakim" | "partner:muzej-kumanovo" => "MKD",
        _ => "RSD",
    };
    let mut converted = 0;
    for s in report["statements"].as_array().expect("statements") {
        let party = s["party"].as_str().expect("party");
        if !party.starts_with("partner:") {
            assert!(s.get("payout").is_none(), "{s}");
            continue;
        }
        let own = partner_currency(party);
        if s["currency"] == own {
            assert!(s.get("payout").is_none(), "paid as stated: {s}");
        } else {
            let p = &s["payout"];
            assert_eq!(p["currency"], own, "{s}");
            assert_eq!(p["fixed"], true, "{s}");
            assert!(p["amount_minor"].as_i64().is_some_and(|m| m != 0), "{s}");
            assert!(
                p["source"]
                    .as_str()
                    .is_some_and(|x| x.contains("demo rate")),
                "{s}"
            );
            converted += 1;
        }
    }
    assert!(converted >= 3, "{report}");
    let readable = stdout(&data.townpass(&["settle", "--period", &month]));
    assert_eq!(readable.matches("balanced").count(), 3, "{readable}");
    assert!(!readable.contains("DOES NOT BALANCE"), "{readable}");
}

/// `townpass payouts` with the real binary: a closed month's transfer file and list are written
/// and recorded once; a second export exits 1 saying so; the recorded files come back byte for
/// byte; bad input exits with a message and changes nothing.
#[test]
fn the_operator_pays_a_closed_month_once_from_the_command_line() {
    let data = DataDir::new();
    stdout(&data.townpass(&["demo", "--seed-only"]));
    let month = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Sofia").expect("zone"))
        .first_of_month()
        .expect("first")
        .yesterday()
        .expect("last month")
        .strftime("%Y-%m")
        .to_string();
    let out = data.path().join("pay");
    let out_arg = out.to_str().expect("path");

    // What would be paid; nothing recorded.
    let plan = stdout(&data.townpass(&["payouts", "--period", &month]));
    assert!(
        plan.contains("not paid yet") && plan.contains("National Historical Museum"),
        "{plan}"
    );
    // A date that is no date, and a month that is not closed.
    let bad = data.townpass(&[
        "payouts",
        "--period",
        &month,
        "--export",
        "--execute-on",
        "soon",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("YYYY-MM-DD"));
    let open = data.townpass(&["payouts", "--period", "2099-01", "--export"]);
    assert_eq!(open.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&open.stderr).contains("is not closed"),
        "{}",
        String::from_utf8_lossy(&open.stderr)
    );

    let first = stdout(&data.townpass(&[
        "payouts", "--period", &month, "--export", "--out", out_arg, "--json",
    ]));
    let json: Value = serde_json::from_str(&first).expect("json");
    assert_eq!(json["status"], "exported");
    let xml_path = out.join(format!("townpass-payouts-{month}.xml"));
    let xml = std::fs::read_to_string(&xml_path).expect("the transfer file");
    let transfers = json["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .filter(|l| l["method"] == "sepa")
        .count();
    assert!(transfers > 0);
    assert_eq!(xml.matches("<EndToEndId>").count(), transfers);
    assert!(out.join(format!("townpass-payouts-{month}.csv")).exists());

    let again = data.townpass(&["payouts", "--period", &month, "--export", "--out", out_arg]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("was exported for payment already"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    // The recorded files again, as they were made.
    let other = data.path().join("again");
    stdout(&data.townpass(&[
        "payouts",
        "--period",
        &month,
        "--out",
        other.to_str().expect("path"),
    ]));
    assert_eq!(
        std::fs::read_to_string(other.join(format!("townpass-payouts-{month}.xml")))
            .expect("again"),
        xml
    );
    // The bank rejects the file: withdrawn with why, then exported again under a new message id.
    let no_reason = data.townpass(&["payouts", "--period", &month, "--withdraw"]);
    assert_eq!(no_reason.status.code(), Some(2));
    stdout(&data.townpass(&[
        "payouts",
        "--period",
        &month,
        "--withdraw",
        "--reason",
        "bank: wrong file",
    ]));
    stdout(&data.townpass(&["payouts", "--period", &month, "--export", "--out", out_arg]));
    let redone = std::fs::read_to_string(&xml_path).expect("the new file");
    assert!(
        redone.contains(&format!("<MsgId>TP-PAYOUT-{month}-2</MsgId>")),
        "{redone}"
    );
    let paid = stdout(&data.townpass(&["payouts", "--period", &month, "--mark-paid"]));
    assert!(paid.contains("marked paid"), "{paid}");
    let twice = data.townpass(&["payouts", "--period", &month, "--mark-paid"]);
    assert_eq!(twice.status.code(), Some(1));
    let late = data.townpass(&[
        "payouts",
        "--period",
        &month,
        "--withdraw",
        "--reason",
        "too late",
    ]);
    assert_eq!(late.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&late.stderr).contains("confirmed paid"));
}
