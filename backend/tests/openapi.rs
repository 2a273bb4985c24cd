//! The OpenAPI document cannot drift from the code: every JSON route of the route table is in it
//! with each method it answers (and no other), every operation answers a documented schema, and
//! every example in it reads back into the Rust type it documents.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::Value;
use townpass::http::{self, AppState};
use townpass::testing::{TestApp, TestDb};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Every path of the real route table, read from the router's `Debug` output (axum lists its
/// paths there). The known routes below must show up, so a change in that output fails loudly
/// instead of passing with nothing to compare.
async fn routed_paths(db: &TestDb) -> BTreeSet<String> {
    let state = Arc::new(AppState {
        store: db.store.clone(),
        keys: db.key_ring(),
        base_url: "http://127.0.0.1".into(),
        payments: Arc::new(townpass::sales::payment::PayAtPickup),
        card: None,
        wallets: Default::default(),
        web_pay_at_pickup: true,
        photos: std::sync::Arc::new(townpass::http::photos::Photos::new(
            std::env::temp_dir().join("townpass-no-photos"),
        )),
        request_timeout: http::REQUEST_TIMEOUT,
        proxies: Default::default(),
    });
    let debug = format!("{:?}", http::router(state));
    let paths: BTreeSet<String> = debug
        .split('"')
        .filter(|s| s.starts_with('/') && !s.contains(' '))
        .map(String::from)
        .collect();
    for known in ["/healthz", "/api/v1/orders", "/api/device/v1/upload"] {
        assert!(
            paths.contains(known),
            "the router's paths were not read: {paths:?}"
        );
    }
    paths
}

/// The JSON routes: the sales and partner API and the device API.
fn is_json_route(path: &str) -> bool {
    path.starts_with("/api/")
}

async fn document(app: &TestApp) -> Value {
    let reply = app.get("/api/v1/openapi.json").await;
    assert_eq!(reply.status, 200);
    assert!(reply.content_type.starts_with("application/json"));
    serde_json::from_slice(&reply.body).expect("the document is JSON")
}

/// A path with its `{parameters}` filled in, for probing.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| if seg.starts_with('{') { "x" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

/// `$ref` resolved against the document's components.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap_or_default();
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

/// A schema that says something: properties, items, a type other than a bare object, or a
/// combination of such.
fn is_real(doc: &Value, schema: &Value) -> bool {
    let s = resolve(doc, schema);
    if s.is_null() {
        return false;
    }
    if s.get("properties").is_some() || s.get("items").is_some() {
        return true;
    }
    for combo in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = s.get(combo).and_then(Value::as_array) {
            return !list.is_empty() && list.iter().all(|x| is_real(doc, x));
        }
    }
    matches!(s.get("type").and_then(Value::as_str), Some(t) if t != "object")
}

#[tokio::test]
async fn every_json_route_is_documented_with_exactly_the_methods_it_answers() {
    let db = TestDb::sqlite().await;
    let routed: BTreeSet<String> = routed_paths(&db)
        .await
        .into_iter()
        .filter(|p| is_json_route(p))
        .collect();
    let app = TestApp::start(db).await;
    let doc = document(&app).await;
    let documented: BTreeSet<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .cloned()
        .collect();
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "JSON routes without documentation: {undocumented:?}"
    );
    let stale: Vec<_> = documented.difference(&routed).collect();
    assert!(stale.is_empty(), "documented but not routed: {stale:?}");

    for path in &routed {
        let ops = &doc["paths"][path.as_str()];
        for method in METHODS {
            let documented = ops.get(method).is_some();
            let reply = app.request(method, &concrete(path)).await;
            let status = reply.status;
            assert_eq!(
                status == 405,
                !documented,
                "{} {path}: answered {status}, documented: {documented}",
                method.to_uppercase()
            );
            if !documented {
                continue;
            }
            // What an unauthenticated call gets is a documented answer, in the error shape.
            let op = &ops[method];
            let listed = op["responses"].get(status.to_string()).is_some();
            let secured = op.get("security").is_some();
            if secured {
                assert_eq!(
                    status,
                    401,
                    "{} {path}: without a key",
                    method.to_uppercase()
                );
            }
            if status >= 400 {
                assert!(
                    listed,
                    "{} {path}: answers {status}, which is not documented",
                    method.to_uppercase()
                );
                let body: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
                assert!(
                    body["error"]["code"].is_string(),
                    "{} {path}: {status} is not an ErrorBody",
                    method.to_uppercase()
                );
            }
        }
    }
}

#[tokio::test]
async fn every_documented_operation_answers_a_real_schema() {
    let app = TestApp::start(TestDb::sqlite().await).await;
    let doc = document(&app).await;
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for (method, op) in ops.as_object().expect("operations") {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let responses = op["responses"].as_object().expect("responses");
            let ok: Vec<_> = responses
                .iter()
                .filter(|(status, _)| status.starts_with('2'))
                .collect();
            assert!(!ok.is_empty(), "{method} {path}: no success response");
            for (status, response) in ok {
                let schema = &response["content"]["application/json"]["schema"];
                assert!(
                    is_real(&doc, schema),
                    "{method} {path} {status}: the answer has no real schema: {schema}"
                );
                checked += 1;
            }
            for (status, response) in responses.iter().filter(|(s, _)| s.starts_with('4')) {
                let schema = &response["content"]["application/json"]["schema"];
                assert!(
                    is_real(&doc, schema),
                    "{method} {path} {status}: the error has no schema"
                );
            }
        }
    }
    assert!(checked >= 12, "only {checked} operations were checked");
}

/// Deserialises a documented example into the Rust type behind the schema `name`; `None` when the
/// test does not know the type yet (which fails the test below: add it here).
fn read_back(name: &str, example: &Value) -> Option<Result<(), String>> {
    fn into<T: serde::de::DeserializeOwned>(v: &Value) -> Result<(), String> {
        serde_json::from_value::<T>(v.clone())
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
    use townpass::portal::api as portal;
    use townpass::sales::api as sales;
    use townpass_core::protocol;
    Some(match name {
        "ErrorBody" => into::<http::api::ErrorBody>(example),
        "OrderBody" => into::<sales::OrderBody>(example),
        "OrderAnswer" => into::<sales::OrderAnswer>(example),
        "ProductsAnswer" => into::<sales::ProductsAnswer>(example),
        "RevokeBody" => into::<sales::RevokeBody>(example),
        "RevokeAnswer" => into::<sales::RevokeAnswer>(example),
        "StatementList" => into::<portal::StatementList>(example),
        "StatementAnswer" => into::<portal::StatementAnswer>(example),
        "Payout" => into::<townpass::settlement::rates::Payout>(example),
        "StatementItems" => into::<portal::StatementItems>(example),
        "VisitsAnswer" => into::<portal::VisitsAnswer>(example),
        "EnrollRequest" => into::<protocol::EnrollRequest>(example),
        "EnrollResponse" => into::<protocol::EnrollResponse>(example),
        "Envelope" => into::<protocol::Envelope>(example),
        "UploadResponse" => into::<protocol::UploadResponse>(example),
        "Upload" => into::<protocol::Upload>(example),
        "BundleRequest" => into::<townpass::devices::sync::BundleRequest>(example),
        _ => return None,
    })
}

#[tokio::test]
async fn every_documented_example_reads_back_into_its_type() {
    let app = TestApp::start(TestDb::sqlite().await).await;
    let doc = document(&app).await;
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let mut results = BTreeMap::new();
    for (name, schema) in schemas {
        let Some(example) = schema.get("example").or_else(|| {
            schema
                .get("examples")
                .and_then(Value::as_array)
                .and_then(|e| e.first())
        }) else {
            continue;
        };
        let outcome = read_back(name, example)
            .unwrap_or_else(|| Err("no Rust type known to this test: add it to read_back".into()));
        results.insert(name.clone(), outcome);
    }
    let failed: Vec<_> = results.iter().filter(|(_, r)| r.is_err()).collect();
    assert!(
        failed.is_empty(),
        "examples that do not read back: {failed:?}"
    );
    assert!(
        results.len() >= 8,
        "only {} schemas have examples: {:?}",
        results.len(),
        results.keys()
    );
}
