//! `townpass token inspect`, run as a support desk would: the real binary, every shared vector.

use std::process::{Command, Output};

use serde_json::{Value, json};
use townpass_tests::{DataDir, bin, vectors};

/// `townpass token inspect` with an empty data directory: only the keys given count.
fn inspect(args: &[&str]) -> Output {
    let data = DataDir::new();
    let mut all = vec!["token", "inspect"];
    all.extend_from_slice(args);
    data.townpass(&all)
}

fn vector_keys(v: &Value) -> Vec<String> {
    v["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| k["public"].as_str().expect("public").to_string())
        .collect()
}

const FIELDS_IN_ORDER: [&str; 9] = [
    "valid", "error", "kid", "serial", "product", "category", "holder", "nbf", "exp",
];

fn inspect_json(token: &str, keys: &[String]) -> (i32, Value) {
    let mut args = vec!["--json"];
    for k in keys {
        args.extend(["--key", k.as_str()]);
    }
    args.push(token);
    let out = inspect(&args);
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    assert_eq!(
        stdout.lines().count(),
        1,
        "one JSON object on one line: {stdout}"
    );
    // The field order is part of the contract too.
    let positions: Vec<usize> = FIELDS_IN_ORDER
        .iter()
        .map(|f| stdout.find(&format!("\"{f}\":")).expect("field present"))
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "fields out of order: {stdout}"
    );
    (
        out.status.code().expect("exit code"),
        serde_json::from_str(&stdout).expect("stdout is JSON"),
    )
}

#[test]
fn inspect_json_reports_each_valid_vectors_claims_and_exits_0() {
    let v = vectors();
    let keys = vector_keys(&v);
    for case in v["valid"].as_array().expect("valid") {
        let c = &case["claims"];
        let (code, got) = inspect_json(case["token"].as_str().expect("token"), &keys);
        assert_eq!(code, 0, "{got}");
        let want = json!({
            "valid": true, "error": null, "kid": case["signed_with"], "serial": c["serial"],
            "product": c["product"], "category": c["category"],
            "holder": c.get("holder").cloned().unwrap_or(Value::Null),
            "nbf": c.get("nbf").cloned().unwrap_or(Value::Null),
            "exp": c.get("exp").cloned().unwrap_or(Value::Null),
        });
        assert_eq!(got, want);
        assert_eq!(
            got.as_object().expect("object").len(),
            FIELDS_IN_ORDER.len(),
            "no extra fields"
        );
    }
}

#[test]
fn inspect_json_reports_each_invalid_vectors_exact_error_code_and_exits_1() {
    let v = vectors();
    let keys = vector_keys(&v);
    for case in v["invalid"].as_array().expect("invalid") {
        let (code, got) = inspect_json(case["token"].as_str().expect("token"), &keys);
        assert_eq!(code, 1, "{}: {got}", case["name"]);
        assert_eq!(got["valid"], false);
        assert_eq!(got["error"], case["error"], "vector {}", case["name"]);
        if got["error"] == "malformed" {
            assert!(got["serial"].is_null() && got["kid"].is_null(), "{got}");
        } else {
            assert!(
                got["serial"].is_string(),
                "claims still shown for {}: {got}",
                case["name"]
            );
        }
    }
}

#[test]
fn inspect_without_keys_shows_the_claims_and_says_how_to_check_the_signature() {
    let v = vectors();
    let token = v["valid"][2]["token"].as_str().expect("token");
    let out = inspect(&["--tz", "Europe/Sofia", token]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.contains("unknown_key"), "{text}");
    assert!(text.contains("--key PUBHEX"), "{text}");
    assert!(text.contains("Иван Петров"), "{text}");
    assert!(text.contains("senior"), "{text}");
    assert!(
        text.contains("2100-01-01 00:00:00 UTC (2100-01-01 02:00:00 EET, Europe/Sofia)"),
        "{text}"
    );
}

#[test]
fn inspect_reads_the_token_from_stdin_as_a_wedge_reader_types_it() {
    use std::io::Write;
    let v = vectors();
    let token = v["valid"][0]["token"]
        .as_str()
        .expect("token")
        .to_lowercase();
    let key = vector_keys(&v).remove(0);
    let data = DataDir::new();
    let mut child = Command::new(bin("townpass"))
        .arg("--data-dir")
        .arg(data.path())
        .args(["token", "inspect", "--json", "--key", &key, "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawns");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{token}\r\n").as_bytes())
        .expect("writes");
    let out = child.wait_with_output().expect("finishes");
    assert_eq!(out.status.code(), Some(0));
    let got: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(got["serial"], "00112233445566ff");
}

#[test]
fn a_bad_key_argument_is_a_usage_error_with_exit_2_and_a_clear_message() {
    let out = inspect(&["--key", "not-hex", "TP1:ABC"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).expect("utf-8");
    assert!(
        err.contains("--key not-hex") && err.contains("64 hex digits"),
        "{err}"
    );
    let out = inspect(&[]);
    assert_eq!(out.status.code(), Some(2), "missing token is a usage error");
}
