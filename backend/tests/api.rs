//! The JSON sales API, on SQLite and PostgreSQL: API keys, paid orders with verifiable passes,
//! commission recorded, and bad requests that change nothing.

use serde_json::{Value, json};
use townpass::testing::{TestApp, TestDb};

async fn apps_with_key() -> Vec<(TestApp, String)> {
    let mut out = Vec::new();
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let (key, prefix, hash) = townpass::accounts::new_api_key().expect("key");
        app.db
            .store
            .insert_api_key(&prefix, &hash, "Hotel Balkan system", "hotel-balkan", 0)
            .await
            .expect("insert");
        out.push((app, key));
    }
    out
}

async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    key: &str,
    body: Option<Vec<u8>>,
) -> (u16, Value) {
    let url = format!("{}{path}", app.base);
    let key = key.to_string();
    let method = method.to_string();
    tokio::task::spawn_blocking(move || {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent();
        let mut resp = match (method.as_str(), body) {
            ("GET", _) => agent
                .get(&url)
                .header("authorization", &format!("Bearer {key}"))
                .call(),
            (_, b) => agent
                .post(&url)
                .header("authorization", &format!("Bearer {key}"))
                .header("content-type", "application/json")
                .send(&b.unwrap_or_default()[..]),
        }
        .expect("request");
        let status = resp.status().as_u16();
        let v = resp.body_mut().read_json::<Value>().unwrap_or(Value::Null);
        (status, v)
    })
    .await
    .expect("join")
}

async fn orders(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(app.db.store.pool())
        .await
        .expect("count")
}

#[tokio::test]
async fn a_sales_point_system_sells_passes_that_verify_and_earns_its_commission() {
    for (app, key) in apps_with_key().await {
        let (status, products) = call(&app, "GET", "/api/v1/products", &key, None).await;
        assert_eq!(status, 200, "{}: {products}", app.db.kind);
        let codes: Vec<&str> = products["products"]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|p| p["code"].as_str())
            .collect();
        assert!(
            codes.contains(&"bulgaria-72h") && codes.contains(&"sofia-24h"),
            "{codes:?}"
        );

        let order = json!({"lines": [{"product": "sofia-24h", "category": "adult", "count": 2},
                                     {"product": "sofia-24h", "category": "child", "holder": "Мила"}],
                           "email": "guest@example.org", "language": "bg"});
        let (status, body) = call(
            &app,
            "POST",
            "/api/v1/orders",
            &key,
            Some(order.to_string().into_bytes()),
        )
        .await;
        assert_eq!(status, 201, "{}: {body}", app.db.kind);
        assert_eq!(
            (body["status"].as_str(), body["total_minor"].as_i64()),
            (Some("paid"), Some(2 * 2000 + 1000))
        );
        let passes = body["passes"].as_array().expect("passes");
        assert_eq!(passes.len(), 3);
        let keys = townpass::issuer_keys::trusted_keys(&app.db.store)
            .await
            .expect("keys");
        for p in passes {
            let v = keys
                .verify(p["token"].as_str().expect("token"))
                .expect("verifies");
            assert_eq!(
                v.claims.serial.to_string(),
                p["serial"].as_str().expect("serial")
            );
        }
        assert!(passes.iter().any(|p| p["holder"] == "Мила"));
        let commission: i64 =
            sqlx::query_scalar("SELECT commission_bp FROM orders WHERE public_id = $1")
                .bind(body["order"].as_str().expect("id"))
                .fetch_one(app.db.store.pool())
                .await
                .expect("commission");
        assert_eq!(commission, 800, "{}: Hotel Balkan's 8 %", app.db.kind);
        assert_eq!(
            app.db.store.outbox().await.expect("outbox").len(),
            1,
            "the guest's e-mail is queued"
        );

        let (status, again) = call(
            &app,
            "GET",
            &format!("/api/v1/orders/{}", body["order"].as_str().expect("id")),
            &key,
            None,
        )
        .await;
        assert_eq!(
            (status, again["passes"].as_array().map(Vec::len)),
            (200, Some(3))
        );
    }
}

#[tokio::test]
async fn requests_without_a_valid_key_are_refused_and_store_nothing() {
    for (app, key) in apps_with_key().await {
        let order = json!({"lines": [{"product": "sofia-24h", "category": "adult"}]})
            .to_string()
            .into_bytes();
        for bad in ["", "tp_00000000_0000", "nonsense", &format!("{key}x")] {
            let (status, body) =
                call(&app, "POST", "/api/v1/orders", bad, Some(order.clone())).await;
            assert_eq!(status, 401, "{}: key '{bad}'", app.db.kind);
            assert_eq!(body["error"]["code"], "unauthorized");
        }
        let prefix = key.split('_').nth(1).expect("prefix");
        app.db
            .store
            .revoke_api_key(prefix, 1)
            .await
            .expect("revoke");
        let (status, _) = call(&app, "POST", "/api/v1/orders", &key, Some(order)).await;
        assert_eq!(status, 401, "{}: a revoked key", app.db.kind);
        assert_eq!(orders(&app).await, 0);
    }
}

#[tokio::test]
async fn malformed_or_impossible_orders_get_a_clear_4xx_and_change_nothing() {
    for (app, key) in apps_with_key().await {
        let cases: Vec<(Vec<u8>, u16, &str)> = vec![
            (b"{not json".to_vec(), 400, "bad_json"),
            (
                br#"{"lines": [{"product": "sofia-24h"}]}"#.to_vec(),
                400,
                "bad_json",
            ),
            (
                br#"{"lines": [{"product": "sofia-24h", "category": "adult", "colour": "red"}]}"#
                    .to_vec(),
                400,
                "bad_json",
            ),
            (br#"{"lines": []}"#.to_vec(), 422, "invalid_order"),
            (
                br#"{"lines": [{"product": "paris-pass", "category": "adult"}]}"#.to_vec(),
                422,
                "unknown",
            ),
            (
                br#"{"lines": [{"product": "sofia-24h", "category": "family"}]}"#.to_vec(),
                422,
                "invalid_order",
            ),
            (
                br#"{"lines": [{"product": "sofia-24h", "category": "adult", "count": 5000}]}"#
                    .to_vec(),
                422,
                "too_many",
            ),
            (
                br#"{"lines": [{"product": "sofia-24h", "category": "adult"}], "email": "nope"}"#
                    .to_vec(),
                422,
                "invalid_order",
            ),
        ];
        for (body, want, code) in cases {
            let text = String::from_utf8_lossy(&body).into_owned();
            let (status, reply) = call(&app, "POST", "/api/v1/orders", &key, Some(body)).await;
            assert_eq!(status, want, "{}: {text} -> {reply}", app.db.kind);
            assert_eq!(reply["error"]["code"], code, "{text}");
            assert!(
                reply["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty())
            );
        }
        assert_eq!(
            app.announce_oversized("/api/v1/orders", 300 * 1024).await,
            413,
            "oversized body"
        );
        assert_eq!(orders(&app).await, 0, "{}", app.db.kind);
    }
}

#[tokio::test]
async fn a_sales_point_cannot_read_another_sales_points_order() {
    let app = TestApp::start(TestDb::sqlite().await).await;
    let mut keys = Vec::new();
    for sp in ["hotel-balkan", "sofia-tic"] {
        let (key, prefix, hash) = townpass::accounts::new_api_key().expect("key");
        app.db
            .store
            .insert_api_key(&prefix, &hash, sp, sp, 0)
            .await
            .expect("insert");
        keys.push(key);
    }
    let order = json!({"lines": [{"product": "sofia-24h", "category": "adult"}]})
        .to_string()
        .into_bytes();
    let (_, body) = call(&app, "POST", "/api/v1/orders", &keys[0], Some(order)).await;
    let path = format!("/api/v1/orders/{}", body["order"].as_str().expect("id"));
    assert_eq!(call(&app, "GET", &path, &keys[0], None).await.0, 200);
    assert_eq!(call(&app, "GET", &path, &keys[1], None).await.0, 404);
}

#[tokio::test]
async fn a_sales_point_revokes_a_pass_it_sold_but_not_anothers() {
    for (app, key) in apps_with_key().await {
        let order = json!({"lines": [{"product": "sofia-24h", "category": "adult", "count": 2}]})
            .to_string()
            .into_bytes();
        let (_, body) = call(&app, "POST", "/api/v1/orders", &key, Some(order)).await;
        let serial = body["passes"][0]["serial"]
            .as_str()
            .expect("serial")
            .to_string();
        let path = format!("/api/v1/passes/{serial}/revoke");
        let reason = json!({"reason": "refund at the hotel desk"})
            .to_string()
            .into_bytes();

        let (other_key, prefix, hash) = townpass::accounts::new_api_key().expect("key");
        app.db
            .store
            .insert_api_key(&prefix, &hash, "TIC", "sofia-tic", 0)
            .await
            .expect("insert");
        assert_eq!(
            call(&app, "POST", &path, &other_key, Some(reason.clone()))
                .await
                .0,
            404,
            "{}",
            app.db.kind
        );
        assert_eq!(
            call(&app, "POST", &path, &key, Some(b"{}".to_vec()))
                .await
                .0,
            400
        );

        let (status, done) = call(&app, "POST", &path, &key, Some(reason.clone())).await;
        assert_eq!(
            (status, done["revoked"].as_bool()),
            (200, Some(true)),
            "{}: {done}",
            app.db.kind
        );
        let (status, again) = call(&app, "POST", &path, &key, Some(reason)).await;
        assert_eq!(
            (status, again["error"]["code"].as_str()),
            (409, Some("already_revoked"))
        );
        let (_, order) = call(
            &app,
            "GET",
            &format!("/api/v1/orders/{}", body["order"].as_str().expect("id")),
            &key,
            None,
        )
        .await;
        let revoked: Vec<bool> = order["passes"]
            .as_array()
            .expect("passes")
            .iter()
            .map(|p| p["revoked"] == true)
            .collect();
        assert_eq!(
            revoked.iter().filter(|r| **r).count(),
            1,
            "only the one pass"
        );
    }
}

#[tokio::test]
async fn a_holder_name_too_long_for_a_pass_is_refused_before_anything_is_stored() {
    for (app, key) in apps_with_key().await {
        let long = "Mariya-Aleksandrova ".repeat(40);
        let body =
            json!({"lines": [{"product": "sofia-24h", "category": "adult", "holder": long}]});
        let (status, answer) = call(
            &app,
            "POST",
            "/api/v1/orders",
            &key,
            Some(serde_json::to_vec(&body).expect("json")),
        )
        .await;
        assert_eq!(status, 422, "{}: {answer}", app.db.kind);
        assert!(
            answer["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("at most 100 characters")),
            "{answer}"
        );
        assert_eq!(
            orders(&app).await,
            0,
            "{}: no pending order left behind",
            app.db.kind
        );
    }
}

#[tokio::test]
async fn the_shop_says_next_to_the_names_field_that_a_name_is_too_long_and_keeps_what_was_typed() {
    for (app, _) in apps_with_key().await {
        let long = "Мария-Александрова ".repeat(10);
        let reply = app
            .post_form(
                "/p/sofia-24h/buy",
                &[
                    ("qty_adult", "1"),
                    ("email", "maria@example.org"),
                    ("names", &long),
                ],
            )
            .await;
        assert_eq!(reply.status, 422, "{}", app.db.kind);
        let page = reply.text();
        let at_field = page
            .split("id=\"names-error\"")
            .nth(1)
            .expect("a message next to the names field");
        assert!(at_field.contains("at most 100 characters"), "{page}");
        assert!(
            page.contains("value=\"maria@example.org\""),
            "the e-mail is kept"
        );
        assert_eq!(orders(&app).await, 0, "{}: nothing stored", app.db.kind);
    }
}

#[tokio::test]
async fn every_refusal_on_a_json_route_is_json() {
    for (app, key) in apps_with_key().await {
        for (method, path) in [
            ("GET", "/api/v1/visits?page=abc"),
            ("GET", "/api/v1/no-such-route"),
            ("POST", "/api/v1/products"),
        ] {
            let (status, body) = call(&app, method, path, &key, Some(b"{}".to_vec())).await;
            assert!((400..500).contains(&status), "{method} {path}: {status}");
            assert!(
                body["error"]["code"].is_string() && body["error"]["message"].is_string(),
                "{}: {method} {path} answered {status} {body}",
                app.db.kind
            );
        }
    }
}

/// POST /api/v1/orders with extra headers: (status, JSON, the answer).
async fn order_with(
    app: &TestApp,
    key: &str,
    headers: &[(&str, &str)],
    body: &Value,
) -> (u16, Value, townpass::testing::Reply) {
    let auth = format!("Bearer {key}");
    let mut all = vec![("authorization", auth.as_str())];
    all.extend_from_slice(headers);
    let reply = app
        .post_bytes_with(
            "/api/v1/orders",
            "application/json",
            &all,
            serde_json::to_vec(body).expect("json"),
        )
        .await;
    let json = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
    (reply.status, json, reply)
}

async fn mails(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
        .fetch_one(app.db.store.pool())
        .await
        .expect("count")
}

#[tokio::test]
async fn a_retried_order_with_its_idempotency_key_sells_once_and_answers_the_same() {
    for (app, key) in apps_with_key().await {
        let body = json!({"lines": [{"product": "sofia-24h", "category": "adult", "count": 2}],
                          "email": "guest@example.org"});
        let idem = [("idempotency-key", "7f0c2a9e-order-1")];
        let (status, first, _) = order_with(&app, &key, &idem, &body).await;
        assert_eq!(status, 201, "{}: {first}", app.db.kind);
        let (status, again, reply) = order_with(&app, &key, &idem, &body).await;
        assert_eq!(status, 201, "{}: {again}", app.db.kind);
        assert_eq!(
            again, first,
            "{}: the first answer, passes and all",
            app.db.kind
        );
        assert_eq!(reply.header("idempotent-replayed"), Some("true"));
        assert_eq!(orders(&app).await, 1, "{}: sold once", app.db.kind);
        assert_eq!(mails(&app).await, 1, "{}: one e-mail", app.db.kind);
        // The same JSON written another way (spaces, line breaks, the keys in another order) is
        // the same request, as with Stripe: the first answer again.
        let auth = format!("Bearer {key}");
        let reworded = app
            .post_bytes_with(
                "/api/v1/orders",
                "application/json",
                &[("authorization", auth.as_str()), idem[0]],
                b"{ \"email\": \"guest@example.org\",\n  \"lines\": [ { \"count\": 2, \
                  \"category\": \"adult\", \"product\": \"sofia-24h\" } ] }\n"
                    .to_vec(),
            )
            .await;
        assert_eq!(reworded.status, 201, "{}", app.db.kind);
        assert_eq!(reworded.header("idempotent-replayed"), Some("true"));
        assert_eq!(orders(&app).await, 1, "{}: still sold once", app.db.kind);

        // The same key with another body is refused, and sells nothing.
        let other = json!({"lines": [{"product": "sofia-24h", "category": "child", "count": 1}]});
        let (status, refused, _) = order_with(&app, &key, &idem, &other).await;
        assert_eq!(status, 422, "{}: {refused}", app.db.kind);
        assert_eq!(refused["error"]["code"], "idempotency_key_reused");
        assert_eq!(orders(&app).await, 1);

        // Retries racing each other still sell once.
        let racing = json!({"lines": [{"product": "sofia-24h", "category": "adult", "count": 1}]});
        let idem = [("idempotency-key", "race-1")];
        let answers =
            futures_util::future::join_all((0..4).map(|_| order_with(&app, &key, &idem, &racing)))
                .await;
        let ids: std::collections::HashSet<String> = answers
            .iter()
            .map(|(status, body, _)| {
                assert_eq!(*status, 201, "{}: {body}", app.db.kind);
                body["order"].as_str().expect("order").to_string()
            })
            .collect();
        assert_eq!(ids.len(), 1, "{}: {ids:?}", app.db.kind);
        assert_eq!(orders(&app).await, 2, "{}", app.db.kind);
    }
}

#[tokio::test]
async fn an_api_sale_is_paid_only_together_with_its_e_mail() {
    for (app, key) in apps_with_key().await {
        // The mail queue fails: the sale must not be stored without its e-mail.
        let pool = app.db.store.pool();
        match app.db.store.dialect() {
            townpass::store::Dialect::Postgres => {
                sqlx::query(
                    "CREATE FUNCTION outbox_down() RETURNS trigger AS $$ \
                     BEGIN RAISE EXCEPTION 'mail queue down'; END $$ LANGUAGE plpgsql",
                )
                .execute(pool)
                .await
                .expect("function");
                sqlx::query(
                    "CREATE TRIGGER outbox_down BEFORE INSERT ON outbox \
                     FOR EACH ROW EXECUTE FUNCTION outbox_down()",
                )
                .execute(pool)
                .await
                .expect("trigger");
            }
            _ => {
                sqlx::query(
                    "CREATE TRIGGER outbox_down BEFORE INSERT ON outbox \
                     BEGIN SELECT RAISE(ABORT, 'mail queue down'); END",
                )
                .execute(pool)
                .await
                .expect("trigger");
            }
        }
        let body = json!({"lines": [{"product": "sofia-24h", "category": "adult"}],
                          "email": "guest@example.org"});
        let (status, answer, _) = order_with(&app, &key, &[], &body).await;
        assert_eq!(status, 500, "{}: {answer}", app.db.kind);
        assert_eq!(
            orders(&app).await,
            0,
            "{}: nothing paid without its e-mail",
            app.db.kind
        );
        assert_eq!(app.db.store.count_passes().await.expect("passes"), 0);
    }
}

#[tokio::test]
async fn an_api_order_keeps_the_language_it_asks_for_and_an_unknown_one_is_refused() {
    for (app, key) in apps_with_key().await {
        let order = |language: &str| {
            json!({"lines": [{"product": "sofia-24h", "category": "adult"}],
                   "email": "guest@example.org", "language": language})
            .to_string()
            .into_bytes()
        };
        let (status, body) = call(&app, "POST", "/api/v1/orders", &key, Some(order("tlh"))).await;
        assert_eq!(status, 422, "{}: {body}", app.db.kind);
        assert_eq!(body["error"]["code"], "unknown_language", "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("en") && m.contains("bg")),
            "names the languages on offer: {body}"
        );
        assert_eq!(orders(&app).await, 0, "nothing stored");

        // A tag with a region is understood, and kept as the language on offer.
        let (status, body) = call(&app, "POST", "/api/v1/orders", &key, Some(order("bg-BG"))).await;
        assert_eq!(status, 201, "{body}");
        let language: String =
            sqlx::query_scalar("SELECT language FROM orders WHERE public_id = $1")
                .bind(body["order"].as_str().expect("id"))
                .fetch_one(app.db.store.pool())
                .await
                .expect("language");
        assert_eq!(language, "bg");
    }
}
