//! The HTTP server, real and on port 0, on SQLite and PostgreSQL.

use std::sync::Arc;

use base64::Engine;
use townpass::sales::{self, IssueRequest};
use townpass::server::{self, AppState};
use townpass::testing::{TestDb, demo_catalogue};
use townpass_core::{KeySet, KeyStatus, PublicKey};

const NOW: i64 = 1_790_000_000;

/// Starts the server on 127.0.0.1:0 for `db`; returns its base URL.
async fn spawn(db: &TestDb) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let state = Arc::new(AppState {
        store: db.store.clone(),
        keys: db.key_ring(),
        base_url: format!("http://{addr}"),
    });
    tokio::spawn(server::serve(listener, state));
    format!("http://{addr}")
}

async fn get_json(url: String) -> serde_json::Value {
    tokio::task::spawn_blocking(move || {
        let mut resp = ureq::get(&url).call().expect("request");
        resp.body_mut()
            .read_json::<serde_json::Value>()
            .expect("json")
    })
    .await
    .expect("join")
}

#[tokio::test]
async fn an_issued_token_verifies_with_the_key_published_at_well_known() {
    for db in TestDb::all().await {
        townpass::catalog::apply(&db.store, demo_catalogue(), NOW)
            .await
            .expect("catalogue");
        let key = db
            .key_ring()
            .ensure_active(&db.store, NOW)
            .await
            .expect("key");
        let req = IssueRequest {
            product: "bulgaria-72h".into(),
            category: "adult".into(),
            count: 1,
            holder: Some("Ana K.".into()),
            email: None,
            language: "en".into(),
            channel: "cli",
            payment_provider: "invoice".into(),
        };
        let issued = sales::issue(&db.store, &key, &req, NOW, sales::no_progress())
            .await
            .expect("issue");
        let base = spawn(&db).await;

        let doc = get_json(format!("{base}/.well-known/townpass/keys")).await;
        let keys = doc["keys"].as_array().expect("keys array");
        assert_eq!(keys.len(), 1, "{}: {doc}", db.kind);
        let k = &keys[0];
        assert_eq!(k["kid"], key.kid().to_string());
        assert_eq!(k["status"], "active");
        assert_eq!(
            (k["kty"].as_str(), k["crv"].as_str(), k["cose_alg"].as_i64()),
            (Some("OKP"), Some("Ed25519"), Some(-19))
        );
        assert_eq!(k["passes_valid_until"].as_i64(), Some(issued.expires_at));
        // A third party rebuilds the key from the JWK `x` alone and verifies the pass.
        let x = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(k["x"].as_str().expect("x"))
            .expect("b64url");
        let public = PublicKey::from_bytes(&x.try_into().expect("32 bytes")).expect("ed25519 key");
        assert_eq!(
            public.kid().to_string(),
            k["kid"].as_str().expect("kid"),
            "kid = SHA-256(key)[..4]"
        );
        let mut set = KeySet::new();
        set.insert(public, KeyStatus::Active);
        let v = set
            .verify(&issued.passes[0].token)
            .expect("the pass verifies with the published key");
        assert_eq!(v.claims.holder.as_deref(), Some("Ana K."));
    }
}

#[tokio::test]
async fn health_check_answers_ok_when_the_database_is_reachable() {
    let db = TestDb::sqlite().await;
    let base = spawn(&db).await;
    let body = tokio::task::spawn_blocking(move || {
        ureq::get(&format!("{base}/healthz"))
            .call()
            .expect("ok")
            .body_mut()
            .read_to_string()
            .expect("body")
    })
    .await
    .expect("join");
    assert_eq!(body, "ok\n");
}
