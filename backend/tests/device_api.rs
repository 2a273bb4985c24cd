//! The device API over real HTTP, on SQLite and PostgreSQL: enrolment with one-time codes, the
//! signed bundle and its deltas, and signed uploads that are idempotent and never lose a visit.

use serde_json::{Value, json};
use townpass::sales::{self, IssueRequest};
use townpass::store::IssuedPass;
use townpass::testing::{TestApp, TestDb};
use townpass_core::protocol::{
    Bundle, Envelope, SigningSecret, Upload, UploadItem, UploadResponse, verifier,
};

async fn post(app: &TestApp, path: &str, body: Vec<u8>) -> (u16, Value) {
    let reply = app.post_bytes(path, "application/json", body).await;
    (
        reply.status,
        serde_json::from_slice(&reply.body).unwrap_or(Value::Null),
    )
}

/// An enrolment request for `code` with the key of `seed`.
fn enrol_body(code: &str, seed: u8) -> Vec<u8> {
    json!({"code": code, "public_key": SigningSecret::from_seed(&[seed; 32]).public_hex()})
        .to_string()
        .into_bytes()
}

/// A device enrolled at `venue`: (device id, its key, the server's bundle key).
async fn enrolled(
    app: &TestApp,
    venue: &str,
    name: &str,
    seed: u8,
) -> (i64, SigningSecret, String) {
    let (_, code, _) = townpass::devices::add(&app.db.store, venue, name, townpass::store::now())
        .await
        .expect("code");
    let key = SigningSecret::from_seed(&[seed; 32]);
    let (status, body) = post(
        app,
        "/api/device/v1/enroll",
        enrol_body(&code.to_lowercase(), seed),
    )
    .await;
    assert_eq!(status, 200, "{}: {body}", app.db.kind);
    (
        body["device_id"].as_i64().expect("id"),
        key,
        body["server_key"].as_str().expect("server key").to_string(),
    )
}

async fn passes(app: &TestApp, count: u32) -> Vec<(String, String)> {
    let key = app
        .db
        .key_ring()
        .ensure_active(&app.db.store, townpass::store::now())
        .await
        .expect("key");
    let req = IssueRequest::cli("bulgaria-72h", "adult", count);
    let issued = sales::issue(
        &app.db.store,
        &key,
        &req,
        townpass::store::now(),
        sales::no_progress(),
    )
    .await
    .expect("issue");
    issued
        .passes
        .into_iter()
        .map(|p| (p.serial, p.token))
        .collect()
}

fn upload(
    key: &SigningSecret,
    device_id: i64,
    venue: &str,
    seq: i64,
    items: Vec<UploadItem>,
) -> Vec<u8> {
    let body = Upload {
        device_id,
        venue: venue.into(),
        seq,
        sent_at_ms: townpass::store::now() * 1000,
        items,
    };
    serde_json::to_vec(&key.seal(&body).expect("seal")).expect("json")
}

/// Each item's (local id, status, flag), in order.
fn outcomes(r: &UploadResponse) -> Vec<(i64, &str, Option<&str>)> {
    r.items
        .iter()
        .map(|i| (i.local_id, i.status.as_str(), i.flag.as_deref()))
        .collect()
}

fn item(local_id: i64, token: &str, minutes_ago: i64) -> UploadItem {
    UploadItem {
        local_id,
        token: token.into(),
        offer: None,
        scanned_at_ms: (townpass::store::now() - minutes_ago * 60) * 1000,
    }
}

#[tokio::test]
async fn a_code_enrols_one_device_once_and_bad_codes_say_why() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (device_id, key, server_key) = enrolled(&app, "tsarevets", "Gate 1", 1).await;
        let device = app.db.store.device(device_id).await.expect("device");
        assert_eq!(
            (device.status.as_str(), device.public_key.as_deref()),
            ("active", Some(key.public_hex().as_str()))
        );
        assert_eq!(server_key.len(), 64);

        let (_, code, _) =
            townpass::devices::add(&app.db.store, "tsarevets", "Gate 2", townpass::store::now())
                .await
                .expect("code");
        assert_eq!(
            post(&app, "/api/device/v1/enroll", enrol_body(&code, 2))
                .await
                .0,
            200
        );
        let (status, reused) = post(&app, "/api/device/v1/enroll", enrol_body(&code, 3)).await;
        assert_eq!(
            (status, reused["error"]["code"].as_str()),
            (403, Some("code_used")),
            "{}",
            app.db.kind
        );
        assert!(
            reused["error"]["message"]
                .as_str()
                .expect("message")
                .contains("ask the operator for a new one")
        );

        let (_, old, _) = townpass::devices::add(
            &app.db.store,
            "tsarevets",
            "Gate 3",
            townpass::store::now() - 25 * 3600,
        )
        .await
        .expect("code");
        let (status, expired) = post(&app, "/api/device/v1/enroll", enrol_body(&old, 4)).await;
        assert_eq!(
            (status, expired["error"]["code"].as_str()),
            (403, Some("code_expired"))
        );
        let (status, _) = post(&app, "/api/device/v1/enroll", br#"{"code": 5}"#.to_vec()).await;
        assert_eq!(status, 400);
        for attempt in 0.. {
            let (status, reply) = post(
                &app,
                "/api/device/v1/enroll",
                enrol_body("AAAA-BBBB-CCCC", 5),
            )
            .await;
            if status == 429 {
                assert!(
                    attempt >= 8,
                    "{}: throttled after {attempt} guesses",
                    app.db.kind
                );
                assert_eq!(reply["error"]["code"], "throttled");
                break;
            }
            assert_eq!(
                (status, reply["error"]["code"].as_str()),
                (403, Some("code_unknown"))
            );
            assert!(attempt < 20, "guessing is never throttled");
        }
    }
}

/// A device has one valid enrolment code, the newest: a lost code stops working once a new one
/// is made (or the device is disabled), so whoever finds it cannot enrol a device and knock the
/// real one offline.
#[tokio::test]
async fn a_new_code_or_disabling_the_device_voids_the_codes_made_before() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let now = townpass::store::now();
        let store = &app.db.store;
        let (_, lost, _) = townpass::devices::add(store, "tsarevets", "Entrance", now)
            .await
            .expect("code");
        let (_, newest, _) = townpass::devices::add(store, "tsarevets", "Entrance", now + 1)
            .await
            .expect("code");
        let (status, refused) = post(&app, "/api/device/v1/enroll", enrol_body(&lost, 7)).await;
        assert_eq!(
            (status, refused["error"]["code"].as_str()),
            (403, Some("code_replaced")),
            "{}: a code made before the newest one is void: {refused}",
            app.db.kind
        );
        let (status, enrolled) = post(&app, "/api/device/v1/enroll", enrol_body(&newest, 8)).await;
        assert_eq!(status, 200, "{}: {enrolled}", app.db.kind);
        let device_id = enrolled["device_id"].as_i64().expect("id");

        // The device is stolen: disabled, and a code made before that (unused) is void too.
        let (_, spare, _) = townpass::devices::add(store, "tsarevets", "Entrance", now + 2)
            .await
            .expect("code");
        store.disable_device(device_id).await.expect("disable");
        let (status, refused) = post(&app, "/api/device/v1/enroll", enrol_body(&spare, 9)).await;
        assert_eq!(
            (status, refused["error"]["code"].as_str()),
            (403, Some("code_replaced")),
            "{}: {refused}",
            app.db.kind
        );
        // A code made after that enrols the replacement; one device is active, under its name.
        let (_, fresh, _) = townpass::devices::add(store, "tsarevets", "Entrance", now + 3)
            .await
            .expect("code");
        let (status, replacement) =
            post(&app, "/api/device/v1/enroll", enrol_body(&fresh, 10)).await;
        assert_eq!(status, 200, "{}: {replacement}", app.db.kind);
        let active: Vec<String> = store
            .devices()
            .await
            .expect("devices")
            .into_iter()
            .filter(|d| d.status == "active")
            .map(|d| d.name)
            .filter(|n| n.starts_with("Entrance"))
            .collect();
        assert_eq!(active, ["Entrance"], "{}", app.db.kind);
        // The stolen device stays cut off once its replacement enrols: it was disabled, not
        // replaced, and may not even hand in visits.
        let token = passes(&app, 1).await.remove(0).1;
        let stolen = SigningSecret::from_seed(&[8; 32]);
        let (status, body) = post(
            &app,
            "/api/device/v1/upload",
            upload(
                &stolen,
                device_id,
                "tsarevets",
                1,
                vec![item(1, &token, 30)],
            ),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (401, Some("unknown_device")),
            "{}",
            app.db.kind
        );
    }
}

/// A device with a wrong (or lying) clock cannot freeze a pass: a scan dated before the pass was
/// sold, or after the upload arrived, is stored and flagged `clock`, and is no use of the pass.
/// The next honest scan is clean, and no gate is sent the impossible ones.
#[tokio::test]
async fn a_scan_time_the_device_cannot_have_recorded_is_flagged_and_no_use_of_the_pass() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (a, key_a, _) = enrolled(&app, "tsarevets", "Gate 1", 1).await;
        let (b, key_b, server_b) = enrolled(&app, "tsarevets", "Gate 2", 2).await;
        let token = passes(&app, 1).await.remove(0).1;
        let now_ms = townpass::store::now() * 1000;
        let at = |local_id: i64, scanned_at_ms: i64| UploadItem {
            local_id,
            token: token.clone(),
            offer: None,
            scanned_at_ms,
        };
        let impossible = vec![
            at(1, 86_400_000),
            at(2, i64::MIN),
            at(3, now_ms + 3 * 86_400_000),
        ];
        let (status, reply) = post(
            &app,
            "/api/device/v1/upload",
            upload(&key_a, a, "tsarevets", 1, impossible),
        )
        .await;
        assert_eq!(status, 200, "{}: {reply}", app.db.kind);
        let r: UploadResponse = serde_json::from_value(reply).expect("response");
        assert_eq!(
            outcomes(&r),
            [
                (1, "stored", Some("clock")),
                (2, "stored", Some("clock")),
                (3, "stored", Some("clock"))
            ],
            "{}",
            app.db.kind
        );
        // The pass's first real use, at the other gate: clean.
        let (_, reply) = post(
            &app,
            "/api/device/v1/upload",
            upload(&key_b, b, "tsarevets", 1, vec![item(1, &token, 5)]),
        )
        .await;
        let r: UploadResponse = serde_json::from_value(reply).expect("response");
        assert_eq!(outcomes(&r), [(1, "stored", None)], "{}", app.db.kind);
        // Gates are sent that use only.
        let (uses, _) = uses_after(&app, b, &key_b, &server_b, 0).await;
        let places: Vec<&str> = uses.iter().map(|(_, place)| place.as_str()).collect();
        assert_eq!(places, ["Gate 2"], "{}", app.db.kind);
    }
}

/// Phones that open one enrolment link at the same moment (a code shared in a group chat): one
/// is enrolled, every other one is told the code is used; none gets a server error.
#[tokio::test]
async fn one_code_tried_by_several_devices_at_once_enrols_one_and_refuses_the_rest_clearly() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        // Seven at once: six refusals stay under the enrolment throttle (eight from one address).
        let (_, code, _) =
            townpass::devices::add(&app.db.store, "tsarevets", "Gate 1", townpass::store::now())
                .await
                .expect("code");
        let tries = (0..7u8).map(|i| {
            let body = json!({"code": code, "public_key": SigningSecret::from_seed(&[i + 1; 32]).public_hex()})
                .to_string()
                .into_bytes();
            let app = &app;
            async move { post(app, "/api/device/v1/enroll", body).await }
        });
        let answers = futures_util::future::join_all(tries).await;
        let mut statuses: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
        statuses.sort();
        assert_eq!(
            statuses,
            vec![200, 403, 403, 403, 403, 403, 403],
            "{}: {answers:?}",
            app.db.kind
        );
    }
}

#[tokio::test]
async fn the_bundle_is_signed_and_carries_keys_products_revocations_and_uses_as_deltas() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (device_id, key, server_key) = enrolled(&app, "tsarevets", "Gate 1", 1).await;
        let passes = passes(&app, 2).await;
        app.db
            .store
            .revoke_pass(&passes[1].0, "refund", true, "test", townpass::store::now())
            .await
            .expect("revoke");

        let ask = |revoked_after: i64, uses_after: i64| {
            let req = townpass::devices::sync::BundleRequest {
                device_id,
                revoked_after,
                uses_after,
                device_time_ms: townpass::store::now() * 1000 + 90_000,
            };
            serde_json::to_vec(&key.seal(&req).expect("seal")).expect("json")
        };
        let (status, reply) = post(&app, "/api/device/v1/bundle", ask(0, 0)).await;
        assert_eq!(status, 200, "{}: {reply}", app.db.kind);
        let envelope: Envelope = serde_json::from_value(reply).expect("envelope");
        let bundle: Bundle = envelope
            .open(&verifier(&server_key).expect("key"))
            .expect("signed by the server's bundle key");
        assert_eq!(
            (
                bundle.device_id,
                bundle.venue.code.as_str(),
                bundle.venue.time_zone.as_str()
            ),
            (device_id, "tsarevets", "Europe/Sofia")
        );
        assert_eq!(bundle.keys.len(), 1);
        let codes: Vec<&str> = bundle
            .products
            .iter()
            .flat_map(|p| p.offers.iter().map(|o| o.code.as_str()))
            .collect();
        assert!(
            codes.contains(&"tsarevets-entry") && codes.contains(&"nim-entry"),
            "all offers of the products sold here"
        );
        let revoked: Vec<String> = bundle.revoked.0.iter().map(ToString::to_string).collect();
        assert_eq!(revoked, vec![passes[1].0.clone()]);
        let offset = app
            .db
            .store
            .device(device_id)
            .await
            .expect("device")
            .clock_offset_ms
            .expect("offset");
        assert!(
            (offset - 90_000).abs() < 5_000,
            "{}: the device's clock runs 90 s ahead: {offset}",
            app.db.kind
        );

        // A use at another venue arrives; the next delta holds just that.
        let (other, other_key, _) = enrolled(&app, "nim-boyana", "Entrance", 2).await;
        post(
            &app,
            "/api/device/v1/upload",
            upload(
                &other_key,
                other,
                "nim-boyana",
                1,
                vec![item(1, &passes[0].1, 5)],
            ),
        )
        .await;
        let (_, reply) = post(
            &app,
            "/api/device/v1/bundle",
            ask(bundle.revoked_cursor, bundle.uses_cursor),
        )
        .await;
        let delta: Bundle = serde_json::from_value::<Envelope>(reply)
            .expect("env")
            .open(&verifier(&server_key).expect("key"))
            .expect("open");
        assert!(
            delta.revoked.is_empty(),
            "{}: nothing new revoked",
            app.db.kind
        );
        let uses: Vec<_> = delta.uses.iter().collect();
        assert_eq!(uses.len(), 1);
        assert_eq!(
            (
                uses[0].serial.as_str(),
                uses[0].venue.as_str(),
                uses[0].place.as_str()
            ),
            (passes[0].0.as_str(), "nim-boyana", "Entrance")
        );

        let forged = SigningSecret::from_seed(&[9; 32]);
        let req = townpass::devices::sync::BundleRequest {
            device_id,
            revoked_after: 0,
            uses_after: 0,
            device_time_ms: 0,
        };
        let (status, _) = post(
            &app,
            "/api/device/v1/bundle",
            serde_json::to_vec(&forged.seal(&req).expect("seal")).expect("json"),
        )
        .await;
        assert_eq!(status, 401, "a bundle request signed with another key");
    }
}

#[tokio::test]
async fn uploads_are_idempotent_and_a_second_offline_use_is_stored_and_flagged() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (a, key_a, _) = enrolled(&app, "tsarevets", "Gate 1", 1).await;
        let (b, key_b, _) = enrolled(&app, "tsarevets", "Gate 2", 2).await;
        let passes = passes(&app, 2).await;

        // A retry sends what the device stored: the same items, to the millisecond.
        let items = vec![item(1, &passes[0].1, 30), item(2, &passes[1].1, 20)];
        let batch = upload(&key_a, a, "tsarevets", 1, items.clone());
        let (status, reply) = post(&app, "/api/device/v1/upload", batch.clone()).await;
        assert_eq!(status, 200, "{}: {reply}", app.db.kind);
        let first: UploadResponse = serde_json::from_value(reply).expect("response");
        assert!(
            first
                .items
                .iter()
                .all(|i| i.status == "stored" && i.flag.is_none()),
            "{first:?}"
        );
        // A retry of the same batch (the answer was lost) adds nothing.
        let (_, reply) = post(&app, "/api/device/v1/upload", batch).await;
        let retry: UploadResponse = serde_json::from_value(reply).expect("response");
        assert!(
            retry.items.iter().all(|i| i.status == "duplicate"),
            "{retry:?}"
        );
        // The same item again inside a later batch, after a crash: still once.
        let (_, reply) = post(
            &app,
            "/api/device/v1/upload",
            upload(&key_a, a, "tsarevets", 2, vec![items[1].clone()]),
        )
        .await;
        assert_eq!(
            serde_json::from_value::<UploadResponse>(reply)
                .expect("r")
                .items[0]
                .status,
            "duplicate"
        );
        assert_eq!(
            app.db.store.redemption_count().await.expect("count"),
            2,
            "{}",
            app.db.kind
        );

        // Gate 2 was offline and let the first pass in too: stored, and flagged for review.
        let (_, reply) = post(
            &app,
            "/api/device/v1/upload",
            upload(&key_b, b, "tsarevets", 1, vec![item(1, &passes[0].1, 10)]),
        )
        .await;
        let second: UploadResponse = serde_json::from_value(reply).expect("response");
        assert_eq!(
            (
                second.items[0].status.as_str(),
                second.items[0].flag.as_deref()
            ),
            ("stored", Some("already_used")),
            "{}",
            app.db.kind
        );
        assert_eq!(
            app.db.store.redemption_count().await.expect("count"),
            3,
            "nothing uploaded is dropped"
        );
        let detail: Option<String> =
            sqlx::query_scalar("SELECT flag_detail FROM redemptions WHERE device_id = $1")
                .bind(b)
                .fetch_one(app.db.store.pool())
                .await
                .expect("detail");
        assert!(detail.is_some_and(|d| d.contains("Already used here") && d.contains("(Gate 1)")));
    }
}

#[tokio::test]
async fn a_pass_revoked_before_the_scan_is_flagged_and_one_revoked_after_is_not() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (a, key, _) = enrolled(&app, "tsarevets", "Gate 1", 1).await;
        let passes = passes(&app, 2).await;
        let now = townpass::store::now();
        app.db
            .store
            .revoke_pass(&passes[0].0, "refund", true, "test", now - 3600)
            .await
            .expect("revoke");
        app.db
            .store
            .revoke_pass(&passes[1].0, "refund", true, "test", now - 60)
            .await
            .expect("revoke");
        // Both scanned 30 minutes ago, offline: the first was already revoked, the second not yet.
        let (_, reply) = post(
            &app,
            "/api/device/v1/upload",
            upload(
                &key,
                a,
                "tsarevets",
                1,
                vec![item(1, &passes[0].1, 30), item(2, &passes[1].1, 30)],
            ),
        )
        .await;
        let r: UploadResponse = serde_json::from_value(reply).expect("response");
        assert_eq!(
            r.items[0].flag.as_deref(),
            Some("revoked"),
            "{}",
            app.db.kind
        );
        assert_eq!(r.items[1].flag, None);
    }
}

#[tokio::test]
async fn bad_uploads_are_refused_and_store_nothing() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (a, key, _) = enrolled(&app, "tsarevets", "Gate 1", 1).await;
        let token = passes(&app, 1).await.remove(0).1;
        let items = || vec![item(1, &token, 5)];

        let forged = SigningSecret::from_seed(&[7; 32]);
        let (status, reply) = post(
            &app,
            "/api/device/v1/upload",
            upload(&forged, a, "tsarevets", 1, items()),
        )
        .await;
        assert_eq!(
            (status, reply["error"]["code"].as_str()),
            (401, Some("bad_signature")),
            "{}",
            app.db.kind
        );
        let (status, reply) = post(
            &app,
            "/api/device/v1/upload",
            upload(&key, 999_999, "tsarevets", 1, items()),
        )
        .await;
        assert_eq!(
            (status, reply["error"]["code"].as_str()),
            (401, Some("unknown_device"))
        );
        let (status, reply) = post(
            &app,
            "/api/device/v1/upload",
            upload(&key, a, "rila-museum", 1, items()),
        )
        .await;
        assert_eq!(
            (status, reply["error"]["code"].as_str()),
            (403, Some("wrong_venue"))
        );
        assert!(
            reply["error"]["message"]
                .as_str()
                .expect("message")
                .contains("enrolled at tsarevets")
        );
        let (status, _) = post(
            &app,
            "/api/device/v1/upload",
            b"{\"body\": \"!!\", \"sig\": \"00\"}".to_vec(),
        )
        .await;
        assert_eq!(status, 400);
        let (status, _) = post(&app, "/api/device/v1/upload", b"not json at all".to_vec()).await;
        assert_eq!(status, 400);
        assert_eq!(
            app.announce_oversized("/api/device/v1/upload", 9 * 1024 * 1024)
                .await,
            413,
            "oversized"
        );
        // A device that is not enrolled yet (pending) cannot upload either.
        let (pending, _, _) =
            townpass::devices::add(&app.db.store, "tsarevets", "Gate 9", townpass::store::now())
                .await
                .expect("device");
        let (status, _) = post(
            &app,
            "/api/device/v1/upload",
            upload(&key, pending.id, "tsarevets", 1, items()),
        )
        .await;
        assert_eq!(status, 401);
        assert_eq!(
            app.db.store.redemption_count().await.expect("count"),
            0,
            "{}",
            app.db.kind
        );
        // A big but honest batch (~300 KB, over the 64 KB limit of other routes) is accepted.
        let many: Vec<UploadItem> = (1..=1000).map(|i| item(i, &token, 5)).collect();
        let (status, _) = post(
            &app,
            "/api/device/v1/upload",
            upload(&key, a, "tsarevets", 2, many),
        )
        .await;
        assert_eq!(status, 200, "a 1000-item batch is accepted");
    }
}

#[tokio::test]
async fn a_batch_is_judged_in_scan_order_and_a_retry_mixed_with_new_items_stores_only_the_new() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (a, key_a, _) = enrolled(&app, "tsarevets", "Gate 1", 1).await;
        let passes = passes(&app, 2).await;
        // The device let the same pass in twice (its store was wiped): the batch holds both uses.
        let items = vec![item(1, &passes[0].1, 30), item(2, &passes[0].1, 20)];
        let batch = upload(&key_a, a, "tsarevets", 1, items.clone());
        let (status, reply) = post(&app, "/api/device/v1/upload", batch).await;
        assert_eq!(status, 200, "{}: {reply}", app.db.kind);
        let r: UploadResponse = serde_json::from_value(reply).expect("response");
        assert_eq!(
            outcomes(&r),
            vec![(1, "stored", None), (2, "stored", Some("already_used"))],
            "{}",
            app.db.kind
        );
        // A retry that carries an old item and a new one: the old is a duplicate, the new stored.
        let batch = upload(
            &key_a,
            a,
            "tsarevets",
            2,
            vec![items[1].clone(), item(3, &passes[1].1, 5)],
        );
        let (_, reply) = post(&app, "/api/device/v1/upload", batch).await;
        let r: UploadResponse = serde_json::from_value(reply).expect("response");
        assert_eq!(
            outcomes(&r),
            vec![(2, "duplicate", None), (3, "stored", None)],
            "{}",
            app.db.kind
        );
        assert_eq!(app.db.store.redemption_count().await.expect("count"), 3);
    }
}

#[tokio::test]
async fn the_admin_page_takes_a_redemptions_file_once_and_hands_out_a_bundle_file() {
    use townpass_core::protocol::{BundleFile, REDEMPTIONS_FILE_FORMAT, RedemptionsFile};
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (a, key_a, server_key) = enrolled(&app, "tsarevets", "Gate 1", 1).await;
        let passes = passes(&app, 2).await;
        let sealed = |seq, items| {
            key_a
                .seal(&Upload {
                    device_id: a,
                    venue: "tsarevets".into(),
                    seq,
                    sent_at_ms: 0,
                    items,
                })
                .expect("seal")
        };
        let file = serde_json::to_vec(&RedemptionsFile {
            format: REDEMPTIONS_FILE_FORMAT.into(),
            device_id: a,
            venue: "tsarevets".into(),
            exported_at_ms: 0,
            uploads: vec![
                sealed(1, vec![item(1, &passes[0].1, 30)]),
                sealed(2, vec![item(2, &passes[1].1, 20)]),
            ],
        })
        .expect("file");
        app.add_user("admin@demo.test", "admin", None, "admin password 1234")
            .await;
        app.login("admin@demo.test", "admin password 1234").await;
        let page = app.get("/admin").await;
        assert!(page.text().contains("Redemptions by file"));
        let csrf = page
            .text()
            .split("data-csrf=\"")
            .nth(1)
            .and_then(|t| t.split('"').next())
            .expect("csrf")
            .to_string();

        let send = |headers: Vec<(&'static str, String)>, body: Vec<u8>| {
            let app = &app;
            async move {
                let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let r = app
                    .post_bytes_with("/admin/devices/import", "application/json", &h, body)
                    .await;
                (
                    r.status,
                    serde_json::from_slice::<Value>(&r.body).unwrap_or(Value::Null),
                )
            }
        };
        // Without the form's CSRF token: refused, nothing stored.
        let (status, _) = send(vec![], file.clone()).await;
        assert_eq!(status, 403);
        // Not a redemptions file: a clear 400, nothing stored.
        let (status, reply) = send(
            vec![("x-csrf-token", csrf.clone())],
            b"{\"hello\": 1}".to_vec(),
        )
        .await;
        assert_eq!(status, 400, "{reply}");
        assert!(
            reply["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("townpass-scan export")),
            "{reply}"
        );
        assert_eq!(app.db.store.redemption_count().await.expect("count"), 0);

        let (status, reply) = send(vec![("x-csrf-token", csrf.clone())], file.clone()).await;
        assert_eq!(
            (status, reply["stored"].as_u64()),
            (200, Some(2)),
            "{}: {reply}",
            app.db.kind
        );
        let (_, reply) = send(vec![("x-csrf-token", csrf.clone())], file).await;
        assert_eq!(
            (reply["stored"].as_u64(), reply["duplicates"].as_u64()),
            (Some(0), Some(2)),
            "{reply}"
        );
        assert_eq!(app.db.store.redemption_count().await.expect("count"), 2);

        // The bundle file for the device: signed, for it, and saying both visits arrived.
        let r = app.get(&format!("/admin/devices/{a}/bundle")).await;
        assert_eq!(r.status, 200);
        let file: BundleFile = serde_json::from_slice(&r.body).expect("bundle file");
        let bundle: Bundle = file
            .bundle
            .open(&verifier(&server_key).expect("key"))
            .expect("signed");
        assert_eq!(
            (bundle.device_id, bundle.received.clone()),
            (a, vec![(1, 2)])
        );
        assert_eq!(app.get("/admin/devices/999/bundle").await.status, 404);
    }
}

/// Uploads `items` from a device; the answer's outcomes.
async fn send(
    app: &TestApp,
    key: &SigningSecret,
    device_id: i64,
    seq: i64,
    items: Vec<UploadItem>,
) -> UploadResponse {
    let (status, body) = post(
        app,
        "/api/device/v1/upload",
        upload(key, device_id, "tsarevets", seq, items),
    )
    .await;
    assert_eq!(status, 200, "{}: {body}", app.db.kind);
    serde_json::from_value(body).expect("upload response")
}

#[tokio::test]
async fn a_re_enrolled_device_starts_a_new_identity_and_loses_no_visit() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let p = passes(&app, 8).await;
        let (old_id, old_key, _) = enrolled(&app, "tsarevets", "Gate 1", 1).await;
        let first = send(
            &app,
            &old_key,
            old_id,
            1,
            vec![
                item(1, &p[0].1, 30),
                item(2, &p[1].1, 29),
                item(3, &p[2].1, 28),
            ],
        )
        .await;
        assert!(first.items.iter().all(|i| i.status == "stored"));

        // The gate's scanner is replaced: a new code for the same name, a new device, numbering
        // its visits from 1 again.
        let (new_id, new_key, _) = enrolled(&app, "tsarevets", "Gate 1", 2).await;
        assert_ne!(
            new_id, old_id,
            "{}: a new enrolment is a new device",
            app.db.kind
        );
        let second = send(
            &app,
            &new_key,
            new_id,
            1,
            vec![
                item(1, &p[3].1, 10),
                item(2, &p[4].1, 9),
                item(3, &p[5].1, 8),
            ],
        )
        .await;
        assert_eq!(
            outcomes(&second),
            vec![
                (1, "stored", None),
                (2, "stored", None),
                (3, "stored", None)
            ],
            "{}",
            app.db.kind
        );
        assert_eq!(app.db.store.redemption_count().await.expect("count"), 6);
        // The replaced scanner still hands in what it scanned before it was replaced (nothing
        // lost); a visit it dates after that is kept, flagged for review, and no use of the pass.
        // It gets no more bundles: it is no gate any more.
        let (status, body) = post(
            &app,
            "/api/device/v1/upload",
            upload(
                &old_key,
                old_id,
                "tsarevets",
                2,
                vec![item(4, &p[6].1, 20), item(5, &p[7].1, -2)],
            ),
        )
        .await;
        assert_eq!(status, 200, "{}: {body}", app.db.kind);
        let late: UploadResponse = serde_json::from_value(body).expect("response");
        assert_eq!(
            outcomes(&late),
            [(4, "stored", None), (5, "stored", Some("device_replaced"))],
            "{}",
            app.db.kind
        );
        assert_eq!(app.db.store.redemption_count().await.expect("count"), 8);
        let ask = townpass::devices::sync::BundleRequest {
            device_id: old_id,
            revoked_after: 0,
            uses_after: 0,
            device_time_ms: townpass::store::now() * 1000,
        };
        let ask = serde_json::to_vec(&old_key.seal(&ask).expect("seal")).expect("json");
        let (status, body) = post(&app, "/api/device/v1/bundle", ask).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (401, Some("unknown_device"))
        );
        // Disabled after all (stolen): from then on it is cut off, and its uploads store nothing.
        app.db.store.disable_device(old_id).await.expect("disable");
        let (status, body) = post(
            &app,
            "/api/device/v1/upload",
            upload(&old_key, old_id, "tsarevets", 3, vec![item(6, &p[5].1, 25)]),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (401, Some("unknown_device"))
        );
        assert_eq!(app.db.store.redemption_count().await.expect("count"), 8);
        let names: Vec<String> = app
            .db
            .store
            .devices()
            .await
            .expect("devices")
            .into_iter()
            .map(|d| d.name)
            .collect();
        assert!(names.iter().any(|n| n == "Gate 1"), "{names:?}");
        assert!(
            names.iter().any(|n| n.starts_with("Gate 1 (replaced")),
            "{names:?}"
        );
    }
}

#[tokio::test]
async fn a_known_local_id_with_other_content_is_stored_and_flagged_never_a_duplicate() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let p = passes(&app, 2).await;
        let (id, key, _) = enrolled(&app, "tsarevets", "Gate 1", 1).await;
        let (first, other) = (item(7, &p[0].1, 20), item(7, &p[1].1, 10));
        send(&app, &key, id, 1, vec![first.clone()]).await;
        let reused = send(&app, &key, id, 2, vec![other.clone()]).await;
        assert_eq!(
            outcomes(&reused),
            vec![(7, "stored", Some("id_reused"))],
            "{}",
            app.db.kind
        );
        // A retry of either is a duplicate; nothing is counted twice.
        let again = send(&app, &key, id, 3, vec![other, first]).await;
        assert!(
            again.items.iter().all(|i| i.status == "duplicate"),
            "{again:?}"
        );
        assert_eq!(app.db.store.redemption_count().await.expect("count"), 2);
    }
}

/// The uses a device learns from one bundle after cursor `uses_after`: their (serial, place),
/// and the new cursor.
async fn uses_after(
    app: &TestApp,
    device_id: i64,
    key: &SigningSecret,
    server_key: &str,
    uses_after: i64,
) -> (Vec<(String, String)>, i64) {
    let req = townpass::devices::sync::BundleRequest {
        device_id,
        revoked_after: 0,
        uses_after,
        device_time_ms: townpass::store::now() * 1000,
    };
    let body = serde_json::to_vec(&key.seal(&req).expect("seal")).expect("json");
    let (status, reply) = post(app, "/api/device/v1/bundle", body).await;
    assert_eq!(status, 200, "{}: {reply}", app.db.kind);
    let bundle: Bundle = serde_json::from_value::<Envelope>(reply)
        .expect("envelope")
        .open(&verifier(server_key).expect("key"))
        .expect("signed");
    let uses = bundle.uses.iter().map(|u| (u.serial, u.place)).collect();
    (uses, bundle.uses_cursor)
}

/// Posts an upload from another thread; its HTTP status when it is answered.
fn in_background(
    app: &TestApp,
    batch: Vec<u8>,
) -> tokio::task::JoinHandle<Result<u16, ureq::Error>> {
    let url = format!("{}/api/device/v1/upload", app.base);
    tokio::task::spawn_blocking(move || {
        ureq::post(&url)
            .header("content-type", "application/json")
            .send(&batch[..])
            .map(|r| r.status().as_u16())
    })
}

/// (device name, flag) of every stored use of a pass, in scan order.
async fn flags_of(app: &TestApp, serial: &str) -> Vec<(String, Option<String>)> {
    sqlx::query_as(
        "SELECT d.name, r.flag FROM redemptions r JOIN devices d ON d.id = r.device_id \
         WHERE r.serial = $1 ORDER BY r.scanned_at",
    )
    .bind(serial)
    .fetch_all(app.db.store.pool())
    .await
    .expect("flags")
}

/// A device disabled (stolen) while its upload is being stored: the two never both win. Where
/// the disable commits first (PostgreSQL, whose upload is still in its turn), the upload is
/// refused and stores nothing; where the upload holds the only write lock (SQLite), it commits
/// first and the disable follows.
#[tokio::test]
async fn an_upload_racing_the_disabling_of_its_device_stores_all_or_nothing() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (a, key_a, _) = enrolled(&app, "tsarevets", "Gate A", 1).await;
        let passes = passes(&app, 10).await;
        app.db.store.stall_uploads_of(a, 1500);
        let items: Vec<UploadItem> = (0..10)
            .map(|n| item(n + 1, &passes[n as usize].1, 30))
            .collect();
        let slow = in_background(&app, upload(&key_a, a, "tsarevets", 1, items));
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        app.db.store.disable_device(a).await.expect("disable");
        let status = match slow.await.expect("join") {
            Ok(status) => status,
            Err(ureq::Error::StatusCode(status)) => status,
            Err(e) => panic!("{}: {e}", app.db.kind),
        };
        let stored = app.db.store.redemption_count().await.expect("count");
        match app.db.kind {
            "postgres" => assert_eq!((status, stored), (401, 0), "postgres: disabled first"),
            _ => assert_eq!((status, stored), (200, 10), "sqlite: stored first"),
        }
    }
}

#[tokio::test]
async fn a_gate_syncing_while_another_upload_is_still_being_stored_learns_every_use() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (a, key_a, _) = enrolled(&app, "tsarevets", "Gate A", 1).await;
        let (b, key_b, _) = enrolled(&app, "tsarevets", "Gate B", 2).await;
        let (c, key_c, server_key) = enrolled(&app, "tsarevets", "Gate C", 3).await;
        let passes = passes(&app, 21).await;

        // Gate A's upload is slow to store: its rows are written but not yet committed when
        // gate B's small upload arrives and gate C syncs.
        app.db.store.stall_uploads_of(a, 1500);
        let slow = {
            let items: Vec<UploadItem> = (0..20)
                .map(|n| item(n + 1, &passes[n as usize].1, 30))
                .collect();
            in_background(&app, upload(&key_a, a, "tsarevets", 1, items))
        };
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        let quick = in_background(
            &app,
            upload(&key_b, b, "tsarevets", 1, vec![item(1, &passes[20].1, 25)]),
        );
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let (mut learned, cursor) = uses_after(&app, c, &key_c, &server_key, 0).await;
        assert_eq!(slow.await.expect("join").expect("slow upload"), 200);
        assert_eq!(quick.await.expect("join").expect("quick upload"), 200);
        let (later, _) = uses_after(&app, c, &key_c, &server_key, cursor).await;
        learned.extend(later);

        let mut serials: Vec<&str> = learned.iter().map(|(s, _)| s.as_str()).collect();
        serials.sort_unstable();
        serials.dedup();
        let mut expected: Vec<&str> = passes.iter().map(|(s, _)| s.as_str()).collect();
        expected.sort_unstable();
        assert_eq!(
            serials, expected,
            "{}: gate C must learn all 21 uses, from gate A's slow upload too",
            app.db.kind
        );
    }
}

#[tokio::test]
async fn two_gates_uploading_one_pass_at_the_same_time_flag_the_later_scan_once() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (a, key_a, _) = enrolled(&app, "tsarevets", "Gate A", 1).await;
        let (b, key_b, _) = enrolled(&app, "tsarevets", "Gate B", 2).await;
        let passes = passes(&app, 1).await;

        app.db.store.stall_uploads_of(a, 1000);
        let slow = in_background(
            &app,
            upload(&key_a, a, "tsarevets", 1, vec![item(1, &passes[0].1, 30)]),
        );
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        send(&app, &key_b, b, 1, vec![item(1, &passes[0].1, 10)]).await;
        assert_eq!(slow.await.expect("join").expect("slow upload"), 200);

        assert_eq!(
            flags_of(&app, &passes[0].0).await,
            vec![
                ("Gate A".to_string(), None),
                ("Gate B".to_string(), Some("already_used".to_string()))
            ],
            "{}: the second use of the pass is flagged, exactly once",
            app.db.kind
        );
    }
}

#[tokio::test]
async fn the_earlier_scan_is_the_valid_one_whichever_gate_uploads_first() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (a, key_a, _) = enrolled(&app, "tsarevets", "Gate A", 1).await;
        let (b, key_b, _) = enrolled(&app, "tsarevets", "Gate B", 2).await;
        let passes = passes(&app, 1).await;

        // Gate B let the pass in ten minutes ago and uploads first; gate A let it in half an
        // hour ago but was offline until now.
        let first = send(&app, &key_b, b, 1, vec![item(1, &passes[0].1, 10)]).await;
        assert_eq!(outcomes(&first), vec![(1, "stored", None)]);
        let late = send(&app, &key_a, a, 1, vec![item(1, &passes[0].1, 30)]).await;
        assert_eq!(
            outcomes(&late),
            vec![(1, "stored", None)],
            "{}: gate A's scan came first, so it is the valid one",
            app.db.kind
        );
        assert_eq!(
            flags_of(&app, &passes[0].0).await,
            vec![
                ("Gate A".to_string(), None),
                ("Gate B".to_string(), Some("already_used".to_string()))
            ],
            "{}",
            app.db.kind
        );
        let detail: String =
            sqlx::query_scalar("SELECT flag_detail FROM redemptions WHERE device_id = $1")
                .bind(b)
                .fetch_one(app.db.store.pool())
                .await
                .expect("detail");
        assert!(
            detail.contains("(Gate A)"),
            "{}: the flag cites the earlier visit: {detail}",
            app.db.kind
        );
    }
}

#[tokio::test]
async fn uploads_are_stored_at_once_while_a_month_is_being_settled() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (a, key_a, _) = enrolled(&app, "tsarevets", "Gate A", 1).await;
        let passes = passes(&app, 3).await;
        send(&app, &key_a, a, 1, vec![item(1, &passes[0].1, 30)]).await;

        // A settlement of this month is half done (its items written, not yet published) and
        // stays so for 12 s, longer than SQLite's busy timeout.
        app.db.store.stall_settlements(12_000);
        let month = jiff::Zoned::now()
            .with_time_zone(jiff::tz::TimeZone::get("Europe/Sofia").expect("zone"))
            .strftime("%Y-%m")
            .to_string();
        let settling = {
            let store = app.db.store.clone();
            tokio::spawn(async move {
                townpass::settlement::settle(&store, &month, townpass::store::now(), None, &|_| {})
                    .await
            })
        };
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        assert!(!settling.is_finished(), "the settlement is paused mid-run");

        let started = std::time::Instant::now();
        let answer = send(&app, &key_a, a, 2, vec![item(2, &passes[1].1, 5)]).await;
        let took = started.elapsed();
        assert_eq!(outcomes(&answer), vec![(2, "stored", None)]);
        assert!(
            took < std::time::Duration::from_secs(3),
            "{}: the upload waited {took:?} for the settlement",
            app.db.kind
        );
        assert!(
            !settling.is_finished(),
            "still settling while the upload was stored"
        );
        app.db.store.stall_settlements(0);
        settling.await.expect("join").expect("settled");
    }
}

#[tokio::test]
async fn more_gates_uploading_at_once_than_the_server_has_connections_all_get_through() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let passes = passes(&app, 16).await;
        let mut gates = Vec::new();
        for n in 0..16u8 {
            gates.push(enrolled(&app, "tsarevets", &format!("Gate {n}"), n + 1).await);
        }
        let started = std::time::Instant::now();
        let uploads: Vec<_> = gates
            .iter()
            .zip(&passes)
            .map(|((id, key, _), (_, token))| {
                in_background(
                    &app,
                    upload(key, *id, "tsarevets", 1, vec![item(1, token, 5)]),
                )
            })
            .collect();
        for upload in uploads {
            assert_eq!(
                upload.await.expect("join").expect("answer"),
                200,
                "{}",
                app.db.kind
            );
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{}: 16 small uploads took {:?}",
            app.db.kind,
            started.elapsed()
        );
        assert_eq!(app.db.store.redemption_count().await.expect("count"), 16);
    }
}

#[tokio::test]
async fn a_use_rejected_in_review_is_no_longer_sent_to_gates_that_sync_later() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (a, key_a, _) = enrolled(&app, "tsarevets", "Gate 1", 1).await;
        let (b, key_b, _) = enrolled(&app, "tsarevets", "Gate 2", 2).await;
        let (c, key_c, server_key) = enrolled(&app, "nim-boyana", "Entrance", 3).await;
        let passes = passes(&app, 2).await;
        send(
            &app,
            &key_a,
            a,
            1,
            vec![item(1, &passes[0].1, 30), item(2, &passes[1].1, 25)],
        )
        .await;
        let second = send(&app, &key_b, b, 1, vec![item(1, &passes[0].1, 10)]).await;
        assert_eq!(outcomes(&second)[0].2, Some("already_used"));
        // The other venue's gate learns all three uses, and its cursor.
        let (uses, cursor) = uses_after(&app, c, &key_c, &server_key, 0).await;
        assert_eq!(uses.len(), 3, "{}: {uses:?}", app.db.kind);

        // The operator finds Gate 2's scan was a mistake and rejects it.
        let flagged = app.db.store.flagged_redemptions(10).await.expect("flagged");
        assert_eq!(flagged.len(), 1);
        app.db
            .store
            .review_redemption(flagged[0].id, false, "scanned twice by mistake", "test", 0)
            .await
            .expect("review");
        let (uses, _) = uses_after(&app, c, &key_c, &server_key, 0).await;
        assert_eq!(
            uses,
            vec![
                (passes[0].0.clone(), "Gate 1".to_string()),
                (passes[1].0.clone(), "Gate 1".to_string())
            ],
            "{}: a gate syncing from zero never learns the rejected use",
            app.db.kind
        );
        // A later visit arrives as a delta after the cursor, alone.
        let third = send(&app, &key_a, a, 2, vec![item(3, &passes[1].1, 5)]).await;
        assert_eq!(outcomes(&third)[0].1, "stored");
        let (uses, next) = uses_after(&app, c, &key_c, &server_key, cursor).await;
        assert_eq!(uses, vec![(passes[1].0.clone(), "Gate 1".to_string())]);
        assert!(next > cursor);
        let (uses, again) = uses_after(&app, c, &key_c, &server_key, next).await;
        assert!(uses.is_empty() && again == next, "{uses:?}");
    }
}

#[tokio::test]
async fn a_token_not_byte_for_byte_as_issued_has_its_signature_checked_even_for_a_known_serial() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (a, key, _) = enrolled(&app, "tsarevets", "Gate 1", 1).await;
        let passes = passes(&app, 3).await;
        // The issued token with one bit of its signature (the last bytes) flipped: same serial,
        // same trusted key id, well-formed, but not what the server signed.
        let mut bytes =
            base45::decode(passes[0].1.strip_prefix("TP1:").expect("prefix")).expect("base45");
        *bytes.last_mut().expect("bytes") ^= 1;
        let tampered = format!("TP1:{}", base45::encode(&bytes));
        // The same pass typed in lower case: other bytes, the same valid token.
        let lower = passes[1].1.to_lowercase();
        let r = send(
            &app,
            &key,
            a,
            1,
            vec![
                item(1, &tampered, 30),
                item(2, &lower, 20),
                item(3, &passes[2].1, 10),
            ],
        )
        .await;
        assert_eq!(
            outcomes(&r),
            vec![
                (1, "stored", Some("bad_signature")),
                (2, "stored", None),
                (3, "stored", None)
            ],
            "{}",
            app.db.kind
        );
    }
}

#[tokio::test]
async fn devices_venues_offers_and_passes_that_redemptions_name_can_never_be_deleted() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (a, key, _) = enrolled(&app, "tsarevets", "Gate 1", 1).await;
        let passes = passes(&app, 1).await;
        // One item, sent twice below: the same content (its time is taken once).
        let visit = item(1, &passes[0].1, 10);
        send(&app, &key, a, 1, vec![visit.clone()]).await;
        let device = a.to_string();
        let pass = format!("'{}'", passes[0].0);
        for (table, key, id) in [
            ("devices", "id", device.as_str()),
            ("venues", "id", "1"),
            ("offers", "id", "1"),
            ("passes", "serial", pass.as_str()),
        ] {
            let refused = sqlx::query(&format!("DELETE FROM {table} WHERE {key} = {id}"))
                .execute(app.db.store.pool())
                .await;
            let message = refused.expect_err("refused").to_string();
            assert!(
                message.contains("never deleted"),
                "{}: {table}: {message}",
                app.db.kind
            );
        }
        // The visit stored no copy of the token it was scanned with (byte for byte the pass's),
        // and reads it back from the pass.
        let stored: String = sqlx::query_scalar("SELECT token FROM redemptions")
            .fetch_one(app.db.store.pool())
            .await
            .expect("token");
        assert_eq!(stored, "");
        let again = send(&app, &key, a, 2, vec![visit]).await;
        assert_eq!(outcomes(&again), vec![(1, "duplicate", None)]);
        let names: (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(d.id) FROM redemptions r LEFT JOIN devices d ON d.id = r.device_id",
        )
        .fetch_one(app.db.store.pool())
        .await
        .expect("count");
        assert_eq!(names, (1, 1), "{}", app.db.kind);
    }
}

#[tokio::test]
async fn a_revocation_committed_after_an_upload_read_its_passes_is_seen_in_its_turn() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let passes = passes(&app, 2).await;
        let serials: Vec<&str> = passes.iter().map(|p| p.0.as_str()).collect();
        let store = &app.db.store;
        let now = townpass::store::now();
        store
            .revoke_pass(serials[0], "refund", true, "test", now - 60)
            .await
            .expect("revoke");
        // An upload reads the passes (outside its turn) ...
        let lower = passes[1].1.to_lowercase();
        let at = now * 1000;
        let items = [
            (serials[0], passes[0].1.as_str(), at),
            (serials[1], passes[1].1.as_str(), at),
            (serials[1], lower.as_str(), at),
            ("00000000000000ff", passes[1].1.as_str(), at),
        ];
        let (issued, seen) = store.issued_passes(&items, 0).await.expect("read");
        let pass = |same_token, revoked_at| {
            Some(IssuedPass {
                same_token,
                revoked_at,
                sold_after_scan: false,
            })
        };
        assert_eq!(
            issued,
            vec![
                pass(true, Some(now - 60)),
                pass(true, None),
                pass(false, None),
                None
            ],
            "{}: the token as issued, byte for byte; an unknown serial",
            app.db.kind
        );
        // ... a refund commits before its turn ...
        store
            .revoke_pass(serials[1], "refund", true, "test", now)
            .await
            .expect("revoke");
        // ... and the turn learns of it, and only of it.
        let mut write = store.begin_pass_write().await.expect("turn");
        assert_eq!(
            write.revocations_after(seen).await.expect("since"),
            vec![(serials[1].to_string(), now)],
            "{}",
            app.db.kind
        );
    }
}

#[tokio::test]
async fn a_use_committed_after_an_upload_read_the_earlier_uses_is_judged_in_its_turn() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (a, _, _) = enrolled(&app, "tsarevets", "Gate 1", 1).await;
        let (b, key_b, _) = enrolled(&app, "tsarevets", "Gate 2", 2).await;
        let passes = passes(&app, 1).await;
        let store = &app.db.store;
        let venue_id: i64 = sqlx::query_scalar("SELECT venue_id FROM devices WHERE id = $1")
            .bind(a)
            .fetch_one(store.pool())
            .await
            .expect("venue");
        // Gate 2 uploads a scan while another writer holds the pass-state turn: the upload
        // reads the pass's earlier uses (none yet) and waits for its turn ...
        let mut write = store.begin_pass_write().await.expect("turn");
        let gate_2 = send(&app, &key_b, b, 1, vec![item(1, &passes[0].1, 30)]);
        let gate_1 = async move {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            // ... while Gate 1's earlier scan of the same pass is stored and committed.
            write
                .insert_redemptions(&[townpass::store::NewRedemption {
                    device_id: a,
                    local_id: 1,
                    serial: passes[0].0.clone(),
                    token: passes[0].1.clone(),
                    venue_id,
                    offer: Some("tsarevets-entry".into()),
                    scanned_at_ms: (townpass::store::now() - 40 * 60) * 1000,
                    received_at: townpass::store::now(),
                    flag: None,
                    flag_detail: None,
                }])
                .await
                .expect("store");
            write.commit().await.expect("commit");
        };
        let (r, ()) = tokio::join!(gate_2, gate_1);
        assert_eq!(
            outcomes(&r),
            vec![(1, "stored", Some("already_used"))],
            "{}: the turn learns of the use stored after its first read",
            app.db.kind
        );
    }
}

#[tokio::test]
async fn bundles_name_each_gate_as_it_is_called_now_and_leave_out_visits_of_no_issued_pass() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (a, key_a, _) = enrolled(&app, "tsarevets", "Gate 1", 1).await;
        let (c, key_c, server_key) = enrolled(&app, "nim-boyana", "Entrance", 3).await;
        let passes = passes(&app, 1).await;
        // A real pass, and a code that is no pass at all (stored, flagged, paid to no one).
        let r = send(
            &app,
            &key_a,
            a,
            1,
            vec![item(1, &passes[0].1, 30), item(2, "TP1:NOT-A-PASS", 20)],
        )
        .await;
        assert_eq!(outcomes(&r)[1].2, Some("malformed"));
        let (uses, _) = uses_after(&app, c, &key_c, &server_key, 0).await;
        assert_eq!(
            uses,
            vec![(passes[0].0.clone(), "Gate 1".to_string())],
            "{}: no gate needs the visits of a code that is no pass",
            app.db.kind
        );
        // Gate 1's scanner is replaced: the old device is renamed, and every bundle says so.
        enrolled(&app, "tsarevets", "Gate 1", 4).await;
        let (uses, _) = uses_after(&app, c, &key_c, &server_key, 0).await;
        assert_eq!(
            uses,
            vec![(passes[0].0.clone(), format!("Gate 1 (replaced, #{a})"))],
            "{}",
            app.db.kind
        );
    }
}

#[tokio::test]
async fn codes_with_quotes_backslashes_braces_and_nul_are_stored_as_sent_and_flagged() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (a, key_a, _) = enrolled(&app, "tsarevets", "Gate 1", 1).await;
        let passes = passes(&app, 1).await;
        // What a damaged camera read or a hostile device may send: characters that the
        // database's list formats give a meaning to, and a NUL, which PostgreSQL's text cannot
        // hold. Each is stored and flagged, the real pass beside them is judged as usual, and a
        // retry stores nothing twice.
        let odd = r#"TP1:"A",{B}\C,NULL"#;
        let with_nul = format!("{}\0", passes[0].1);
        // Made once: a retry sends what the device stored, to the millisecond.
        let (odd_item, nul_item) = (item(2, odd, 20), item(3, &with_nul, 10));
        let r = send(
            &app,
            &key_a,
            a,
            1,
            vec![
                item(1, &passes[0].1, 30),
                odd_item.clone(),
                nul_item.clone(),
            ],
        )
        .await;
        assert_eq!(
            outcomes(&r),
            vec![
                (1, "stored", None),
                (2, "stored", Some("malformed")),
                (3, "stored", Some("malformed")),
            ],
            "{}",
            app.db.kind
        );
        let stored = |local_id: i64| {
            sqlx::query_scalar::<_, String>(
                "SELECT token FROM redemptions WHERE device_id = $1 AND local_id = $2",
            )
            .bind(a)
            .bind(local_id)
            .fetch_one(app.db.store.pool())
        };
        assert_eq!(stored(2).await.expect("odd"), odd, "{}", app.db.kind);
        // The NUL is kept as U+FFFD, the same on both databases.
        assert_eq!(
            stored(3).await.expect("nul"),
            with_nul.replace('\0', "\u{FFFD}"),
            "{}",
            app.db.kind
        );
        // A retry of the same batch stores nothing more.
        let again = send(&app, &key_a, a, 1, vec![odd_item, nul_item]).await;
        assert!(
            again.items.iter().all(|i| i.status == "duplicate"),
            "{}: {:?}",
            app.db.kind,
            outcomes(&again)
        );
    }
}

#[tokio::test]
async fn a_batch_holding_one_row_stored_before_stores_none_of_its_rows() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (a, key_a, _) = enrolled(&app, "tsarevets", "Gate 1", 1).await;
        let passes = passes(&app, 2).await;
        send(&app, &key_a, a, 1, vec![item(1, &passes[0].1, 30)]).await;
        let store = &app.db.store;
        let before = store.redemption_count().await.expect("count");
        let venue_id: i64 = sqlx::query_scalar("SELECT venue_id FROM devices WHERE id = $1")
            .bind(a)
            .fetch_one(store.pool())
            .await
            .expect("venue");
        let row = |local_id: i64, pass: &(String, String)| townpass::store::NewRedemption {
            device_id: a,
            local_id,
            serial: pass.0.clone(),
            token: pass.1.clone(),
            venue_id,
            offer: None,
            scanned_at_ms: townpass::store::now() * 1000,
            received_at: townpass::store::now(),
            flag: None,
            flag_detail: None,
        };
        // A writer that did not look first (the turn always does): the new row and the one
        // already there go together, or not at all.
        let refused = store
            .insert_redemptions(&[row(7, &passes[1]), row(1, &passes[0])])
            .await
            .expect_err("a row stored before");
        assert!(
            matches!(refused, townpass::store::StoreError::Conflict(_)),
            "{}: {refused:?}",
            app.db.kind
        );
        assert_eq!(
            store.redemption_count().await.expect("count"),
            before,
            "{}: nothing of the batch is stored",
            app.db.kind
        );
    }
}

#[tokio::test]
async fn a_large_batch_read_side_by_side_is_judged_and_retried_like_a_small_one() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (a, key_a, _) = enrolled(&app, "tsarevets", "Gate 1", 1).await;
        let (b, key_b, _) = enrolled(&app, "tsarevets", "Gate 2", 2).await;
        let passes = passes(&app, 300).await;
        // Gate 2 let the first pass in earlier.
        send(&app, &key_b, b, 1, vec![item(1, &passes[0].1, 50)]).await;
        // Gate 1's batch of 301 (over the side-by-side threshold): 300 passes, the first of them
        // already used at Gate 2, and a code that is no pass.
        let mut items: Vec<UploadItem> = passes
            .iter()
            .enumerate()
            .map(|(n, p)| item(n as i64 + 1, &p.1, 40))
            .collect();
        items.push(item(301, "TP1:NOT-A-PASS", 30));
        let r = send(&app, &key_a, a, 1, items.clone()).await;
        let flagged: Vec<(i64, &str, Option<&str>)> = outcomes(&r)
            .into_iter()
            .filter(|o| o.2.is_some() || o.1 != "stored")
            .collect();
        assert_eq!(
            flagged,
            vec![
                (1, "stored", Some("already_used")),
                (301, "stored", Some("malformed"))
            ],
            "{}",
            app.db.kind
        );
        assert_eq!(r.items.len(), 301, "{}", app.db.kind);
        let again = send(&app, &key_a, a, 1, items).await;
        assert!(
            again.items.iter().all(|i| i.status == "duplicate"),
            "{}: a retry of the large batch stores nothing",
            app.db.kind
        );
        assert_eq!(
            app.db.store.redemption_count().await.expect("count"),
            302,
            "{}",
            app.db.kind
        );
    }
}
