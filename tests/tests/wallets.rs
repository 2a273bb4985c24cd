//! Wallet passes from the real server: an Apple Wallet `.pkpass` whose detached PKCS#7 signature
//! OpenSSL verifies against a test CA made here (standing in for Apple's WWDR chain), whose
//! manifest lists each file's SHA-1, and whose QR message is the exact token; a Google Wallet
//! link whose RS256 JWT verifies with the test service-account key and carries the exact token.
//! Without keys, no wallet button is shown.

use std::io::Read;
use std::path::Path;
use std::process::Command;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha1::Digest;
use townpass_tests::{DataDir, Server, demo_catalogue_path};

fn openssl(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("openssl runs (apt-get install openssl)")
}

fn ok(out: std::process::Output) -> std::process::Output {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A test root CA, an intermediate (as Apple's WWDR), a pass-signing certificate issued by it,
/// and a Google service-account key file.
fn make_keys(dir: &Path) {
    ok(openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=townpass test root",
        ],
    ));
    std::fs::write(
        dir.join("ca.ext"),
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n",
    )
    .expect("ext");
    std::fs::write(
        dir.join("leaf.ext"),
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n",
    )
    .expect("ext");
    ok(openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "wwdr.key",
            "-out",
            "wwdr.csr",
            "-subj",
            "/CN=townpass test WWDR",
        ],
    ));
    ok(openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "wwdr.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "wwdr.pem",
            "-days",
            "2",
            "-extfile",
            "ca.ext",
        ],
    ));
    ok(openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "pass.key",
            "-out",
            "pass.csr",
            "-subj",
            "/UID=pass.org.example.townpass/CN=Pass Type ID: pass.org.example.townpass",
        ],
    ));
    ok(openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "pass.csr",
            "-CA",
            "wwdr.pem",
            "-CAkey",
            "wwdr.key",
            "-CAcreateserial",
            "-out",
            "pass.pem",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
        ],
    ));
    ok(openssl(
        dir,
        &[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            "google.key",
        ],
    ));
    ok(openssl(
        dir,
        &["pkey", "-in", "google.key", "-pubout", "-out", "google.pub"],
    ));
    let pem = std::fs::read_to_string(dir.join("google.key")).expect("key");
    let account = json!({"type": "service_account", "client_email": "wallet@townpass-test.iam.gserviceaccount.com", "private_key": pem});
    std::fs::write(dir.join("google.json"), account.to_string()).expect("json");
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .new_agent()
}

/// A paid order of two named passes: (order id, [(serial, token)]).
fn paid_order(data: &DataDir) -> (String, Vec<(String, String)>) {
    paid_order_for(data, "Ana Petrova")
}

fn paid_order_for(data: &DataDir, holder: &str) -> (String, Vec<(String, String)>) {
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
        "2",
        "--holder",
        holder,
        "--json",
    ]));
    let issued: Value = serde_json::from_slice(&out.stdout).expect("--json");
    let passes = issued["passes"]
        .as_array()
        .expect("passes")
        .iter()
        .map(|p| {
            (
                p["serial"].as_str().expect("serial").to_string(),
                p["token"].as_str().expect("token").to_string(),
            )
        })
        .collect();
    (issued["order"].as_str().expect("order").to_string(), passes)
}

#[test]
fn a_pkpass_verifies_against_the_ca_and_a_google_wallet_jwt_carries_the_exact_token() {
    let data = DataDir::new();
    let (order, passes) = paid_order(&data);
    let keys = data.path().join("keys");
    std::fs::create_dir_all(&keys).expect("dir");
    make_keys(&keys);
    let path = |name: &str| keys.join(name).to_str().expect("path").to_string();
    let env = [
        (
            "TOWNPASS_APPLE_PASS_TYPE_ID",
            "pass.org.example.townpass".to_string(),
        ),
        ("TOWNPASS_APPLE_TEAM_ID", "TESTTEAM01".to_string()),
        ("TOWNPASS_APPLE_PASS_CERT", path("pass.pem")),
        ("TOWNPASS_APPLE_PASS_KEY", path("pass.key")),
        ("TOWNPASS_APPLE_WWDR_CERT", path("wwdr.pem")),
        (
            "TOWNPASS_GOOGLE_WALLET_ISSUER_ID",
            "3388000000012345678".to_string(),
        ),
        ("TOWNPASS_GOOGLE_WALLET_KEY", path("google.json")),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = Server::start_with(&data, &env);
    let agent = agent();

    // Both buttons, for each pass.
    let page = agent
        .get(&format!("{}/o/{order}?lang=en", server.url))
        .call()
        .expect("page")
        .body_mut()
        .read_to_string()
        .expect("text");
    assert_eq!(page.matches("Add to Apple Wallet").count(), 2, "{page}");
    assert_eq!(page.matches("Save to Google Wallet").count(), 2);

    let (serial, token) = &passes[0];
    let mut response = agent
        .get(&format!("{}/o/{order}/apple/{serial}", server.url))
        .call()
        .expect("pkpass");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/vnd.apple.pkpass")
    );
    let bytes = response.body_mut().read_to_vec().expect("body");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP");
    let mut files = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let mut content = Vec::new();
        entry.read_to_end(&mut content).expect("read");
        files.insert(entry.name().to_string(), content);
    }
    for name in ["pass.json", "manifest.json", "signature", "icon.png"] {
        assert!(files.contains_key(name), "{name} in {:?}", files.keys());
    }

    // The manifest lists every other file with its SHA-1.
    let manifest: Value = serde_json::from_slice(&files["manifest.json"]).expect("manifest");
    let listed = manifest.as_object().expect("object");
    for (name, content) in &files {
        if name == "manifest.json" || name == "signature" {
            continue;
        }
        assert_eq!(
            listed.get(name).and_then(Value::as_str),
            Some(hex::encode(sha1::Sha1::digest(content)).as_str()),
            "{name}"
        );
    }
    assert_eq!(listed.len(), files.len() - 2);

    // pass.json: the exact token as the QR message, the holder, the pass number.
    let pass: Value = serde_json::from_slice(&files["pass.json"]).expect("pass.json");
    assert_eq!(pass["barcodes"][0]["message"], token.as_str());
    assert_eq!(pass["barcodes"][0]["format"], "PKBarcodeFormatQR");
    assert_eq!(pass["serialNumber"], serial.as_str());
    assert_eq!(pass["passTypeIdentifier"], "pass.org.example.townpass");
    assert_eq!(pass["teamIdentifier"], "TESTTEAM01");
    assert_eq!(pass["generic"]["primaryFields"][0]["value"], "Ana Petrova");

    // The detached signature verifies with OpenSSL against the test root (the intermediate
    // travels inside the signature, as Apple's WWDR certificate does) ...
    let dir = data.path().join("pkpass");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("manifest.json"), &files["manifest.json"]).expect("write");
    std::fs::write(dir.join("signature"), &files["signature"]).expect("write");
    let verify = |dir: &Path| {
        openssl(
            dir,
            &[
                "cms",
                "-verify",
                "-binary",
                "-inform",
                "DER",
                "-in",
                "signature",
                "-content",
                "manifest.json",
                "-CAfile",
                &path("ca.pem"),
                "-purpose",
                "any",
                "-out",
                "/dev/null",
            ],
        )
    };
    let out = verify(&dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // ... and not for a manifest changed after signing.
    std::fs::write(dir.join("manifest.json"), b"{\"pass.json\":\"0000\"}").expect("write");
    assert!(!verify(&dir).status.success(), "a changed manifest fails");

    // Google Wallet: a redirect to the save link, short enough for a URL, whose JWT verifies
    // with the service account's public key and carries the exact token.
    let response = agent
        .get(&format!("{}/o/{order}/google/{serial}", server.url))
        .call()
        .expect("google");
    assert_eq!(response.status().as_u16(), 303);
    let link = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_string();
    assert!(link.len() <= 1800, "{} characters", link.len());
    let jwt = link
        .strip_prefix("https://pay.google.com/gp/v/save/")
        .expect("a Google Wallet save link");
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).expect("b64")).expect("json");
    assert_eq!(header["alg"], "RS256");
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("b64")).expect("json");
    assert_eq!(claims["aud"], "google");
    assert_eq!(claims["typ"], "savetowallet");
    assert_eq!(
        claims["iss"],
        "wallet@townpass-test.iam.gserviceaccount.com"
    );
    let object = &claims["payload"]["genericObjects"][0];
    assert_eq!(object["barcode"]["value"], token.as_str());
    assert_eq!(object["id"], format!("3388000000012345678.{serial}"));
    let jwt_dir = data.path().join("jwt");
    std::fs::create_dir_all(&jwt_dir).expect("dir");
    std::fs::write(jwt_dir.join("input"), format!("{}.{}", parts[0], parts[1])).expect("write");
    std::fs::write(
        jwt_dir.join("sig"),
        URL_SAFE_NO_PAD.decode(parts[2]).expect("b64"),
    )
    .expect("write");
    let out = openssl(
        &jwt_dir,
        &[
            "dgst",
            "-sha256",
            "-verify",
            &path("google.pub"),
            "-signature",
            "sig",
            "input",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A revoked pass has no wallet pass.
    ok(data.townpass(&["passes", "revoke", serial, "--reason", "lost"]));
    let response = agent
        .get(&format!("{}/o/{order}/apple/{serial}", server.url))
        .call()
        .expect("answer");
    assert_eq!(response.status().as_u16(), 404);
}

#[test]
fn a_google_wallet_link_for_a_long_cyrillic_name_still_fits_and_carries_the_exact_token() {
    let data = DataDir::new();
    // 100 characters, each two bytes in UTF-8: the longest holder name a pass may have.
    let holder: String = "Александра Константинова-Христодулова ".repeat(3)[..]
        .chars()
        .take(100)
        .collect::<String>()
        .trim_end()
        .to_string();
    let (order, passes) = paid_order_for(&data, &holder);
    let keys = data.path().join("keys");
    std::fs::create_dir_all(&keys).expect("dir");
    make_keys(&keys);
    let key = keys.join("google.json").to_str().expect("path").to_string();
    let server = Server::start_with(
        &data,
        &[
            ("TOWNPASS_GOOGLE_WALLET_ISSUER_ID", "3388000000012345678"),
            ("TOWNPASS_GOOGLE_WALLET_KEY", key.as_str()),
        ],
    );
    let (serial, token) = &passes[0];
    let response = agent()
        .get(&format!("{}/o/{order}/google/{serial}?lang=bg", server.url))
        .call()
        .expect("google");
    assert_eq!(
        response.status().as_u16(),
        303,
        "the button leads on to Google Wallet"
    );
    let link = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_string();
    assert!(link.len() <= 1800, "{} characters", link.len());
    let jwt = link
        .strip_prefix("https://pay.google.com/gp/v/save/")
        .expect("a Google Wallet save link");
    let body = jwt.split('.').nth(1).expect("claims");
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).expect("b64")).expect("json");
    let object = &claims["payload"]["genericObjects"][0];
    assert_eq!(
        object["barcode"]["value"],
        token.as_str(),
        "the exact token"
    );
    assert_eq!(object["id"], format!("3388000000012345678.{serial}"));
    let header = object["header"]["defaultValue"]["value"]
        .as_str()
        .expect("a header");
    assert!(
        header.starts_with("Алекс"),
        "the holder's name, shortened if need be: {header}"
    );
    assert_eq!(
        object["subheader"]["defaultValue"]["value"], "Възрастен",
        "the category, which the gate checks, is kept"
    );
}

#[test]
fn without_wallet_keys_no_wallet_button_is_shown() {
    let data = DataDir::new();
    let (order, passes) = paid_order(&data);
    let server = Server::start(&data);
    let agent = agent();
    let page = agent
        .get(&format!("{}/o/{order}?lang=en", server.url))
        .call()
        .expect("page")
        .body_mut()
        .read_to_string()
        .expect("text");
    assert!(page.contains("Ana Petrova"), "the passes are shown");
    assert!(!page.contains("Wallet"), "no wallet button");
    let response = agent
        .get(&format!("{}/o/{order}/apple/{}", server.url, passes[0].0))
        .call()
        .expect("answer");
    assert_eq!(response.status().as_u16(), 404);
}
