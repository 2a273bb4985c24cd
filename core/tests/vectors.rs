//! Conformance with the token format v1 test vectors (../shared/vectors/tokens.json, copied here so
//! a fresh clone tests alone).

use std::path::Path;

use serde_json::Value;
use townpass_core::{Category, Claims, IssuerKey, KeySet, KeyStatus, ProductId, PublicKey, Serial};

const VECTORS: &str = include_str!("data/tokens.json");

fn vectors() -> Value {
    serde_json::from_str(VECTORS).expect("tokens.json parses")
}

fn seed(hex_seed: &str) -> [u8; 32] {
    let bytes = hex_to_bytes(hex_seed);
    bytes.try_into().expect("32-byte seed")
}

fn hex_to_bytes(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn keyset(v: &Value) -> KeySet {
    let mut set = KeySet::new();
    for k in v["keys"].as_array().expect("keys") {
        set.insert(
            PublicKey::from_hex(k["public"].as_str().expect("public")).expect("key"),
            KeyStatus::Active,
        );
    }
    set
}

fn claims_of(c: &Value) -> Claims {
    Claims {
        serial: c["serial"]
            .as_str()
            .expect("serial")
            .parse::<Serial>()
            .expect("serial hex"),
        product: ProductId(c["product"].as_u64().expect("product") as u32),
        category: Category(c["category"].as_u64().expect("category") as u32),
        holder: c.get("holder").and_then(Value::as_str).map(String::from),
        nbf: c.get("nbf").and_then(Value::as_u64),
        exp: c.get("exp").and_then(Value::as_u64),
    }
}

#[test]
fn the_copy_of_the_vectors_is_identical_to_the_shared_contract() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors/tokens.json");
    match std::fs::read_to_string(&shared) {
        Ok(text) => assert_eq!(
            text,
            VECTORS,
            "core/tests/data/tokens.json differs from {}",
            shared.display()
        ),
        Err(_) => eprintln!(
            "notice: {} not found; checked the copy only",
            shared.display()
        ),
    }
}

#[test]
fn each_vector_key_seed_gives_its_public_key_and_kid() {
    let v = vectors();
    for k in v["keys"].as_array().expect("keys") {
        let key = IssuerKey::from_seed(&seed(k["seed"].as_str().expect("seed")));
        assert_eq!(key.public().to_hex(), k["public"].as_str().expect("public"));
        assert_eq!(key.kid().to_string(), k["kid"].as_str().expect("kid"));
    }
}

#[test]
fn signing_each_valid_vectors_claims_gives_the_very_same_token() {
    let v = vectors();
    let keys = v["keys"].as_array().expect("keys");
    for case in v["valid"].as_array().expect("valid") {
        let kid = case["signed_with"].as_str().expect("signed_with");
        let k = keys
            .iter()
            .find(|k| k["kid"] == kid)
            .expect("signing key listed");
        let key = IssuerKey::from_seed(&seed(k["seed"].as_str().expect("seed")));
        let token = key.sign(&claims_of(&case["claims"])).expect("signs");
        assert_eq!(
            token,
            case["token"].as_str().expect("token"),
            "claims {}",
            case["claims"]
        );
        assert_eq!(token.len() as u64, case["chars"].as_u64().expect("chars"));
        let cose = base45::decode(&token[4..]).expect("base45");
        assert_eq!(
            hex::encode(cose),
            case["cose_hex"].as_str().expect("cose_hex")
        );
    }
}

#[test]
fn verifying_each_valid_vector_gives_its_claims_back() {
    let v = vectors();
    let set = keyset(&v);
    for case in v["valid"].as_array().expect("valid") {
        let verified = set
            .verify(case["token"].as_str().expect("token"))
            .expect("valid vector verifies");
        assert_eq!(verified.claims, claims_of(&case["claims"]));
        assert_eq!(
            verified.kid.to_string(),
            case["signed_with"].as_str().expect("kid")
        );
        assert_eq!(verified.key_status, KeyStatus::Active);
    }
}

#[test]
fn each_invalid_vector_fails_with_exactly_its_error_code() {
    let v = vectors();
    let set = keyset(&v);
    for case in v["invalid"].as_array().expect("invalid") {
        let name = case["name"].as_str().expect("name");
        let err = set
            .verify(case["token"].as_str().expect("token"))
            .expect_err(name);
        assert_eq!(
            err.code(),
            case["error"].as_str().expect("error"),
            "vector '{name}': {err}"
        );
    }
}

#[test]
fn a_minimal_pass_is_163_characters() {
    let v = vectors();
    let minimal = &v["valid"][0];
    assert!(minimal["claims"].get("holder").is_none() && minimal["claims"].get("nbf").is_none());
    assert_eq!(minimal["token"].as_str().expect("token").len(), 163);
}
