//! The web server, real and on port 0, on SQLite and PostgreSQL: the shop, the desk, the order
//! page and PDF, login and its limits, bad input, and the published keys.

use base64::Engine;
use townpass::testing::{TestApp, TestDb};
use townpass_core::{KeySet, KeyStatus, PublicKey};

const DESK_PASSWORD: &str = "desk password 1234";

async fn apps() -> Vec<TestApp> {
    let mut apps = Vec::new();
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        app.add_user(
            "desk@sofia-tic.test",
            "desk",
            Some("sofia-tic"),
            DESK_PASSWORD,
        )
        .await;
        app.add_user("museum@nim.test", "partner", None, DESK_PASSWORD)
            .await;
        apps.push(app);
    }
    apps
}

/// Buys in the shop; returns the order page path.
async fn buy(app: &TestApp, fields: &[(&str, &str)]) -> String {
    let reply = app.post_form("/p/bulgaria-72h/buy", fields).await;
    assert_eq!(reply.status, 303, "{}: {}", app.db.kind, reply.text());
    let location = reply.location.expect("redirect to the order page");
    assert!(
        location.starts_with("/o/") && location.len() == 35,
        "{location}"
    );
    location
}

/// The first pass of a paid order, as stored.
async fn first_pass(app: &TestApp, order_path: &str) -> townpass::store::PassRow {
    let stored = app
        .db
        .store
        .order_by_public_id(&order_path[3..])
        .await
        .expect("order");
    app.db
        .store
        .passes_of_order(stored.id)
        .await
        .expect("passes")
        .remove(0)
}

fn order_code(page: &str) -> String {
    let at = page
        .find("id=\"order-code\">")
        .expect("order code on the page")
        + 16;
    page[at..at + 9].to_string()
}

async fn pay_at_desk(app: &TestApp, order_path: &str) -> townpass::testing::Reply {
    let code = order_code(&app.get(order_path).await.text());
    let desk = app.get(&format!("/desk?code={code}")).await;
    assert_eq!(desk.status, 200, "{}", desk.text());
    let csrf = desk.field("csrf").expect("csrf field");
    app.post_form(
        &format!("/desk/orders/{}/paid", &order_path[3..]),
        &[("csrf", &csrf)],
    )
    .await
}

#[tokio::test]
async fn a_web_order_waits_for_payment_and_the_desk_issues_its_passes() {
    for app in apps().await {
        let order = buy(
            &app,
            &[
                ("qty_adult", "2"),
                ("qty_child", "1"),
                ("email", "ana@example.org"),
                ("names", "Ана Петрова\nJohn Smith\n"),
            ],
        )
        .await;
        let pending = app.get(&order).await;
        assert_eq!(pending.status, 200);
        let text = pending.text();
        assert!(text.contains("data-status=\"pending\""), "{}", app.db.kind);
        assert!(
            !text.contains("data-serial"),
            "no pass exists before payment"
        );
        assert!(text.contains("€112.00"), "2 × 45.00 + 22.00");
        assert_eq!(
            app.get(&format!("{order}/passes.pdf")).await.status,
            404,
            "no PDF before payment"
        );

        assert_eq!(
            app.login("desk@sofia-tic.test", DESK_PASSWORD).await.status,
            303
        );
        let paid = pay_at_desk(&app, &order).await;
        assert_eq!(
            (paid.status, paid.location.as_deref()),
            (303, Some(order.as_str())),
            "{}",
            paid.text()
        );

        let page = app.get(&order).await.text();
        assert!(page.contains("data-status=\"paid\""), "{}", app.db.kind);
        assert_eq!(page.matches("data-serial=").count(), 3);
        assert_eq!(page.matches("<svg").count(), 3, "a QR code per pass");
        assert!(page.contains("Ана Петрова") && page.contains("John Smith"));
        assert!(
            page.contains("Tsarevets Fortress") && page.contains("Veliko Tarnovo"),
            "venues grouped by town"
        );

        // The passes verify with the key the server publishes.
        let keys: serde_json::Value =
            serde_json::from_slice(&app.get("/.well-known/townpass/keys").await.body)
                .expect("json");
        let mut set = KeySet::new();
        for k in keys["keys"].as_array().expect("keys") {
            set.insert(
                PublicKey::from_hex(k["public_key_hex"].as_str().expect("hex")).expect("key"),
                KeyStatus::Active,
            );
        }
        let stored = app
            .db
            .store
            .order_by_public_id(&order[3..])
            .await
            .expect("order");
        let passes = app
            .db
            .store
            .passes_of_order(stored.id)
            .await
            .expect("passes");
        assert_eq!(passes.len(), 3);
        for p in &passes {
            assert!(page.contains(&p.serial));
            let v = set
                .verify(&p.token)
                .expect("verifies with the published key");
            assert_eq!(v.claims.serial.to_string(), p.serial);
        }

        let pdf = app.get(&format!("{order}/passes.pdf")).await;
        assert_eq!(
            (pdf.status, pdf.content_type.as_str()),
            (200, "application/pdf"),
            "{}",
            app.db.kind
        );
        assert!(pdf.body.starts_with(b"%PDF-"));
        assert!(
            pdf.body.len() < 400_000,
            "subset font keeps the PDF small: {} bytes",
            pdf.body.len()
        );
        let pages = pdf
            .body
            .windows(b"/Type/Page/".len())
            .filter(|w| w == b"/Type/Page/")
            .count();
        assert_eq!(pages, 3, "one page per pass");

        let outbox = app.db.store.outbox().await.expect("outbox");
        let queued: Vec<(&str, &str)> = outbox
            .iter()
            .map(|m| (m.kind.as_str(), m.recipient.as_str()))
            .collect();
        assert_eq!(
            queued,
            [
                ("order_placed", "ana@example.org"),
                ("order_passes", "ana@example.org")
            ],
            "the confirmation when placed, the passes when paid"
        );
    }
}

#[tokio::test]
async fn paying_twice_is_refused_and_issues_nothing_more() {
    for app in apps().await {
        let order = buy(&app, &[("qty_adult", "1"), ("email", "a@example.org")]).await;
        app.login("desk@sofia-tic.test", DESK_PASSWORD).await;
        let desk = app
            .get(&format!(
                "/desk?code={}",
                order_code(&app.get(&order).await.text())
            ))
            .await;
        let csrf = desk.field("csrf").expect("csrf");
        let path = format!("/desk/orders/{}/paid", &order[3..]);
        assert_eq!(app.post_form(&path, &[("csrf", &csrf)]).await.status, 303);
        let again = app.post_form(&path, &[("csrf", &csrf)]).await;
        assert_eq!(again.status, 400, "{}", app.db.kind);
        assert!(again.text().contains("already paid"), "{}", again.text());
        assert_eq!(app.db.store.count_passes().await.expect("count"), 1);
    }
}

#[tokio::test]
async fn the_desk_needs_a_desk_login_and_a_valid_form_token() {
    for app in apps().await {
        let order = buy(&app, &[("qty_adult", "1"), ("email", "a@example.org")]).await;
        let anonymous = app.get("/desk").await;
        assert_eq!(
            (anonymous.status, anonymous.location.as_deref()),
            (303, Some("/login?next=/desk"))
        );
        let path = format!("/desk/orders/{}/paid", &order[3..]);
        assert_eq!(
            app.post_form(&path, &[("csrf", "x")]).await.status,
            303,
            "anonymous: to the login page"
        );

        app.login("museum@nim.test", DESK_PASSWORD).await;
        assert_eq!(
            app.get("/desk").await.status,
            403,
            "{}: a partner is not a desk",
            app.db.kind
        );
        app.logout_locally();

        app.login("desk@sofia-tic.test", DESK_PASSWORD).await;
        let forged = app
            .post_form(&path, &[("csrf", "0123456789abcdef0123456789abcdef")])
            .await;
        assert_eq!(forged.status, 403, "{}", app.db.kind);
        assert!(forged.text().contains("form expired"));
        let missing = app.post_form(&path, &[]).await;
        assert_eq!(missing.status, 403);
        assert_eq!(
            app.db.store.count_passes().await.expect("count"),
            0,
            "nothing issued"
        );
    }
}

#[tokio::test]
async fn wrong_passwords_are_refused_and_the_sixth_try_is_throttled() {
    for app in apps().await {
        for _ in 0..5 {
            let r = app.login("desk@sofia-tic.test", "wrong password").await;
            assert_eq!(r.status, 401, "{}", app.db.kind);
            assert!(r.text().contains("Wrong e-mail or password"));
            assert!(
                r.set_cookies.iter().all(|c| !c.starts_with("tp_session=")),
                "no session on failure"
            );
        }
        let throttled = app.login("desk@sofia-tic.test", DESK_PASSWORD).await;
        assert_eq!(
            throttled.status, 429,
            "{}: even the right password waits",
            app.db.kind
        );
        // An unknown address answers exactly like a wrong password.
        let unknown = app.login("nobody@example.org", "whatever it is").await;
        assert_eq!(unknown.status, 401);
    }
}

#[tokio::test]
async fn a_login_cookie_is_http_only_and_same_site_and_logout_ends_the_session() {
    let app = TestApp::start(TestDb::sqlite().await).await;
    app.add_user(
        "desk@sofia-tic.test",
        "desk",
        Some("sofia-tic"),
        DESK_PASSWORD,
    )
    .await;
    let r = app.login("desk@sofia-tic.test", DESK_PASSWORD).await;
    let cookie = r
        .set_cookies
        .iter()
        .find(|c| c.starts_with("tp_session="))
        .expect("session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let desk = app.get("/desk").await;
    let csrf = desk.field("csrf").expect("csrf");
    assert_eq!(
        app.post_form("/logout", &[("csrf", &csrf)]).await.status,
        303
    );
    assert_eq!(
        app.get("/desk").await.status,
        303,
        "the old session no longer opens the desk"
    );
}

#[tokio::test]
async fn bad_input_gets_a_clear_answer_and_changes_nothing() {
    for app in apps().await {
        let bad_email = app
            .post_form(
                "/p/bulgaria-72h/buy",
                &[("qty_adult", "1"), ("email", "not-an-address")],
            )
            .await;
        assert_eq!(bad_email.status, 422, "{}", app.db.kind);
        assert!(
            bad_email
                .text()
                .contains("'not-an-address' is not a valid e-mail address")
        );
        let nothing = app
            .post_form(
                "/p/bulgaria-72h/buy",
                &[("qty_adult", "0"), ("email", "a@example.org")],
            )
            .await;
        assert_eq!(nothing.status, 422);
        assert!(nothing.text().contains("Choose at least one pass"));
        let silly = app
            .post_form(
                "/p/bulgaria-72h/buy",
                &[("qty_adult", "-3"), ("email", "a@example.org")],
            )
            .await;
        assert_eq!(silly.status, 400);
        assert_eq!(
            app.announce_oversized("/p/bulgaria-72h/buy", 200 * 1024)
                .await,
            413,
            "{}: oversized body",
            app.db.kind
        );
        assert_eq!(app.get("/p/no-such-product").await.status, 404);
        assert_eq!(app.get("/o/not-an-order").await.status, 404);
        assert_eq!(
            app.get("/o/0123456789abcdef0123456789abcdef").await.status,
            404
        );
        let orders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
            .fetch_one(app.db.store.pool())
            .await
            .expect("count");
        assert_eq!(orders, 0, "{}: no order was created", app.db.kind);
    }
}

#[tokio::test]
async fn pages_speak_the_browsers_language_and_remember_a_choice() {
    let app = TestApp::start(TestDb::sqlite().await).await;
    let bg = app
        .get_with("/", &[("accept-language", "bg-BG,bg;q=0.9,en;q=0.5")])
        .await
        .text();
    assert!(
        bg.contains("<html lang=\"bg\"") && bg.contains("Карти за посетители"),
        "{bg}"
    );
    assert!(
        bg.contains("Карта Културно наследство 72 часа"),
        "product names in Bulgarian"
    );
    let chosen = app
        .get_with("/?lang=en", &[("accept-language", "bg")])
        .await;
    assert!(chosen.text().contains("Visitor passes and booklets"));
    assert!(
        chosen
            .set_cookies
            .iter()
            .any(|c| c.starts_with("tp_lang=en")),
        "{:?}",
        chosen.set_cookies
    );
    let by_town = app.get("/?town=koprivshtitsa").await.text();
    assert!(by_town.contains("Bulgaria Heritage Pass 72 h"));
    assert!(
        !by_town.contains("Sofia City Pass 24 h"),
        "the Sofia pass does not include Koprivshtitsa"
    );
}

#[tokio::test]
async fn an_issued_token_verifies_with_the_key_published_at_well_known() {
    for app in apps().await {
        let order = buy(
            &app,
            &[
                ("qty_senior", "1"),
                ("email", "a@example.org"),
                ("names", "Ana K."),
            ],
        )
        .await;
        app.login("desk@sofia-tic.test", DESK_PASSWORD).await;
        pay_at_desk(&app, &order).await;
        let pass = first_pass(&app, &order).await;

        let doc: serde_json::Value =
            serde_json::from_slice(&app.get("/.well-known/townpass/keys").await.body)
                .expect("json");
        let keys = doc["keys"].as_array().expect("keys array");
        assert_eq!(keys.len(), 1, "{}: {doc}", app.db.kind);
        let k = &keys[0];
        assert_eq!(k["status"], "active");
        assert_eq!(
            (k["kty"].as_str(), k["crv"].as_str(), k["cose_alg"].as_i64()),
            (Some("OKP"), Some("Ed25519"), Some(-19))
        );
        assert_eq!(k["passes_valid_until"].as_i64(), Some(pass.expires_at));
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
            .verify(&pass.token)
            .expect("the pass verifies with the published key");
        assert_eq!(v.claims.holder.as_deref(), Some("Ana K."));
    }
}

#[tokio::test]
async fn health_check_answers_ok_when_the_database_is_reachable() {
    let app = TestApp::start(TestDb::sqlite().await).await;
    let r = app.get("/healthz").await;
    assert_eq!((r.status, r.text().as_str()), (200, "ok\n"));
}

#[tokio::test]
async fn an_admin_revokes_a_pass_and_the_order_page_says_it_is_cancelled() {
    for app in apps().await {
        app.add_user("admin@demo.test", "admin", None, DESK_PASSWORD)
            .await;
        let order = buy(&app, &[("qty_adult", "1"), ("email", "a@example.org")]).await;
        app.login("desk@sofia-tic.test", DESK_PASSWORD).await;
        pay_at_desk(&app, &order).await;
        let serial = first_pass(&app, &order).await.serial;

        assert_eq!(
            app.get("/admin").await.status,
            403,
            "a desk user is not an admin"
        );
        app.logout_locally();
        app.login("admin@demo.test", DESK_PASSWORD).await;
        let admin = app.get("/admin").await;
        assert_eq!(admin.status, 200, "{}", app.db.kind);
        let csrf = admin.field("csrf").expect("csrf");
        let bad = app
            .post_form(
                "/admin/revoke",
                &[("csrf", &csrf), ("serial", "xyz"), ("reason", "refund")],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.text().contains("16 hex digits"), "{}", bad.text());
        // The first press shows the pass and what revoking does, and asks again.
        let asked = app
            .post_form(
                "/admin/revoke",
                &[("csrf", &csrf), ("serial", &serial), ("reason", "refund")],
            )
            .await;
        assert_eq!(asked.status, 200, "{}: {}", app.db.kind, asked.text());
        let text = asked.text();
        assert!(
            text.contains("cannot be undone")
                && text.contains("Bulgaria Heritage Pass 72 h")
                && text.contains("class=\"danger\""),
            "{text}"
        );
        assert!(
            app.db
                .store
                .pass(&serial)
                .await
                .expect("pass")
                .revoked_at
                .is_none(),
            "{}: nothing revoked before the second press",
            app.db.kind
        );
        let done = app
            .post_form(
                "/admin/revoke",
                &[
                    ("csrf", &csrf),
                    ("serial", &serial),
                    ("reason", "refund"),
                    ("confirmed", "yes"),
                ],
            )
            .await;
        assert_eq!(done.status, 200, "{}: {}", app.db.kind, done.text());
        assert!(done.text().contains(&format!("Pass {serial} revoked")));
        let twice = app
            .post_form(
                "/admin/revoke",
                &[("csrf", &csrf), ("serial", &serial), ("reason", "refund")],
            )
            .await;
        assert_eq!(twice.status, 422);
        assert!(twice.text().contains("already revoked"));
        // What the page says is true: "cancelled" first, in red, no QR code to show at a gate,
        // and no "Paid. Show the QR code" above it.
        let page = app.get(&order).await.text();
        let card = page
            .split("<article class=\"pass revoked\"")
            .nth(1)
            .unwrap_or_else(|| panic!("{}: the pass is marked cancelled: {page}", app.db.kind));
        let cancelled = card.find("This pass has been cancelled").expect("said");
        let name = card.find("Bulgaria Heritage Pass 72 h").expect("product");
        assert!(cancelled < name, "cancelled comes first: {card}");
        assert!(!card.contains("<svg"), "no QR code for a cancelled pass");
        assert!(!page.contains("Show the QR code"), "{page}");
        assert!(
            page.contains("All passes of this order are cancelled"),
            "{page}"
        );
        let logged: (String, String) =
            sqlx::query_as("SELECT reason, revoked_by FROM revocations WHERE serial = $1")
                .bind(&serial)
                .fetch_one(app.db.store.pool())
                .await
                .expect("revocation logged");
        assert_eq!(
            logged,
            ("refund".to_string(), "admin@demo.test".to_string())
        );
    }
}

#[tokio::test]
async fn the_order_page_lists_where_and_when_each_pass_was_used() {
    for app in apps().await {
        let order = buy(&app, &[("qty_adult", "1"), ("email", "a@example.org")]).await;
        app.login("desk@sofia-tic.test", DESK_PASSWORD).await;
        pay_at_desk(&app, &order).await;
        assert!(app.get(&order).await.text().contains("Not used yet"));

        // A use recorded by a device at Tsarevets (uploads arrive with the scanner; here, directly).
        let pass = first_pass(&app, &order).await;
        let (device, _, _) = townpass::devices::add(&app.db.store, "tsarevets", "Gate 1", 0)
            .await
            .expect("device");
        let venue: i64 = sqlx::query_scalar("SELECT id FROM venues WHERE code = 'tsarevets'")
            .fetch_one(app.db.store.pool())
            .await
            .expect("venue");
        // 2025-11-18 09:12 in Sofia (UTC+2) = 07:12 UTC.
        sqlx::query("INSERT INTO redemptions (device_id, local_id, serial, token, venue_id, scanned_at, received_at) VALUES ($1, 1, $2, $3, $4, $5, $6)")
            .bind(device.id)
            .bind(&pass.serial)
            .bind(&pass.token)
            .bind(venue)
            .bind(1_763_449_920_000i64)
            .bind(1_763_449_999i64)
            .execute(app.db.store.pool())
            .await
            .expect("redemption");
        let page = app.get(&order).await.text();
        assert!(!page.contains("Not used yet"), "{}", app.db.kind);
        assert!(
            page.contains("Tsarevets Fortress, 18 Nov 2025 09:12 EET"),
            "{}: {page}",
            app.db.kind
        );
        // Validity runs from the first use: the page says when it really ends (72 h later), not
        // the latest date a pass never used could still start.
        assert!(
            !page.contains("Expires at the latest"),
            "{}: {page}",
            app.db.kind
        );
        assert!(
            page.contains("Valid until")
                && page.contains("21 Nov 2025 09:12 EET")
                && page.contains(
                    "72 hours from the first visit (Tsarevets Fortress, 18 Nov 2025 09:12 EET)"
                ),
            "{}: {page}",
            app.db.kind
        );
        assert!(page.contains("Validity has ended"), "{page}");
        // Nothing used there is marked yet: the use above named no offer.
        assert!(!page.contains("✓ used"), "{page}");

        // A use of the Tsarevets entry: that offer is marked used, the others are not.
        let offer: i64 = sqlx::query_scalar("SELECT id FROM offers WHERE code = 'tsarevets-entry'")
            .fetch_one(app.db.store.pool())
            .await
            .expect("offer");
        sqlx::query("INSERT INTO redemptions (device_id, local_id, serial, token, venue_id, offer_id, scanned_at, received_at) VALUES ($1, 2, $2, $3, $4, $5, $6, $7)")
            .bind(device.id)
            .bind(&pass.serial)
            .bind(&pass.token)
            .bind(venue)
            .bind(offer)
            .bind(1_763_450_000_000i64)
            .bind(1_763_450_099i64)
            .execute(app.db.store.pool())
            .await
            .expect("redemption");
        let page = app.get(&order).await.text();
        assert_eq!(page.matches("✓ used").count(), 1, "{}: {page}", app.db.kind);
        let marked = page.split("class=\"used-offer\"").nth(1).expect("marked");
        assert!(marked.starts_with("><del>Free entry"), "{marked}");
        let tsarevets = page
            .split("Tsarevets Fortress</strong>")
            .nth(1)
            .expect("venue listed");
        assert!(
            tsarevets.starts_with(": <span class=\"used-offer\">"),
            "{tsarevets}"
        );
    }
}

#[tokio::test]
async fn an_admin_makes_a_device_enrolment_code_on_the_admin_page() {
    for app in apps().await {
        app.add_user("admin@demo.test", "admin", None, DESK_PASSWORD)
            .await;
        app.login("admin@demo.test", DESK_PASSWORD).await;
        let page = app.get("/admin").await;
        assert!(page.text().contains("Venue devices"), "{}", app.db.kind);
        let csrf = page.field("csrf").expect("csrf");
        let made = app
            .post_form(
                "/admin/devices",
                &[("csrf", &csrf), ("venue", "tsarevets"), ("name", "Gate 3")],
            )
            .await;
        assert_eq!(made.status, 200, "{}: {}", app.db.kind, made.text());
        let text = made.text();
        let marker = "Enrolment code for Gate 3 at Tsarevets Fortress: ";
        let at = text.find(marker).expect("the code is shown") + marker.len();
        let code = &text[at..at + 14];
        assert!(
            code.split('-').all(|g| g.len() == 4) && code.split('-').count() == 3,
            "{code}"
        );
        assert!(
            text.contains(
                "<td>Tsarevets Fortress</td><td>Gate 3</td><td>waiting for enrolment</td>"
            ),
            "the device is listed by its venue's name, waiting for enrolment: {text}"
        );
        // The code as a link to the web scanner, with its QR code, for the phone at the venue.
        let link = format!("/scan?code={}", code.replace('-', ""));
        assert!(
            text.contains(&format!("{link}\"")),
            "{}: the page links to {link}",
            app.db.kind
        );
        let qr = text
            .find("id=\"enrolment-qr\"")
            .expect("the QR code is shown");
        assert!(
            text[qr..]
                .trim_start_matches("id=\"enrolment-qr\">")
                .starts_with("<svg")
        );
        // The code works: the device API accepts it once.
        let key = townpass_core::protocol::SigningSecret::from_seed(&[8; 32]);
        let body = serde_json::json!({"code": code, "public_key": key.public_hex()})
            .to_string()
            .into_bytes();
        assert_eq!(
            app.post_bytes("/api/device/v1/enroll", "application/json", body)
                .await
                .status,
            200
        );
        let bad = app
            .post_form(
                "/admin/devices",
                &[("csrf", &csrf), ("venue", "louvre"), ("name", "Gate 1")],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.text().contains("venue 'louvre' not found"));
        app.logout_locally();
        app.login("desk@sofia-tic.test", DESK_PASSWORD).await;
        let desk = app.get("/desk").await;
        let csrf = desk.field("csrf").expect("csrf");
        let refused = app
            .post_form(
                "/admin/devices",
                &[("csrf", &csrf), ("venue", "tsarevets"), ("name", "Gate 4")],
            )
            .await;
        assert_eq!(refused.status, 403, "a desk user cannot make device codes");
    }
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_keeps_the_one_a_proxy_sent() {
    for app in apps().await {
        let first = app.get("/healthz").await;
        let second = app.get("/").await;
        let (a, b) = (first.request_id.clone(), second.request_id.clone());
        assert!(
            a.as_deref().is_some_and(|id| id.len() >= 16),
            "{}: {a:?}",
            app.db.kind
        );
        assert_ne!(a, b, "{}: each request has its own id", app.db.kind);
        let proxied = app
            .get_with("/healthz", &[("x-request-id", "edge-7f3a")])
            .await;
        assert_eq!(
            proxied.request_id.as_deref(),
            Some("edge-7f3a"),
            "{}",
            app.db.kind
        );
        // Not an id: replaced, so nobody writes what they like into the log.
        let long = "x".repeat(6000);
        for forged in ["fake id=1 status=500 method=DELETE", long.as_str()] {
            let reply = app.get_with("/healthz", &[("x-request-id", forged)]).await;
            let id = reply.request_id.expect("an id");
            assert!(id != forged && id.len() <= 64, "{}: {id}", app.db.kind);
        }
    }
}

#[tokio::test]
async fn every_staff_form_refuses_a_foreign_form_token_and_changes_nothing() {
    for app in apps().await {
        app.add_user("admin@demo.test", "admin", None, DESK_PASSWORD)
            .await;
        let order = buy(&app, &[("qty_adult", "1"), ("email", "a@example.org")]).await;
        app.login("admin@demo.test", DESK_PASSWORD).await;
        let forged = "0123456789abcdef0123456789abcdef";
        let paid = format!("/desk/orders/{}/paid", &order[3..]);
        let forms: [(&str, Vec<(&str, &str)>); 8] = [
            (
                "/admin/revoke",
                vec![("serial", "0011223344556677"), ("reason", "fraud")],
            ),
            (
                "/admin/devices",
                vec![("venue", "nim-boyana"), ("name", "Gate 9")],
            ),
            (
                "/admin/settlement",
                vec![("period", "2026-10"), ("action", "close")],
            ),
            (
                "/admin/flags/1",
                vec![("decision", "accept"), ("reason", "seen")],
            ),
            (
                "/admin/disputes/1",
                vec![("decision", "accept"), ("answer", "ok")],
            ),
            (
                "/desk/sell",
                vec![
                    ("product", "sofia-24h"),
                    ("category", "adult"),
                    ("count", "1"),
                ],
            ),
            (paid.as_str(), vec![]),
            ("/logout", vec![]),
        ];
        for (path, fields) in &forms {
            for token in [None, Some(forged)] {
                let mut sent = fields.clone();
                if let Some(t) = token {
                    sent.push(("csrf", t));
                }
                let reply = app.post_form(path, &sent).await;
                assert_eq!(
                    reply.status, 403,
                    "{}: POST {path} with token {token:?}",
                    app.db.kind
                );
                assert!(
                    reply.text().contains("form expired"),
                    "{path}: {}",
                    reply.text()
                );
            }
        }
        let store = &app.db.store;
        assert!(store.devices().await.expect("devices").is_empty());
        assert_eq!(
            store.count_passes().await.expect("count"),
            0,
            "nothing sold or paid"
        );
        assert_eq!(app.get("/admin").await.status, 200, "still logged in");
    }
}

#[tokio::test]
async fn the_shop_refuses_addresses_the_mailer_could_never_send_to() {
    // Each was taken by the shop at some point, then refused by the outbox at every retry.
    for app in apps().await {
        for address in [
            "a@b@example.org",
            "ana..petrova@example.org",
            "ana(x)@example.org",
            "\"a b\"@example.org",
            "\"a@b\"@example.org",
            "a@[1.2.3.4]",
            "Ana <ana@example.org>",
        ] {
            let reply = app
                .post_form(
                    "/p/bulgaria-72h/buy",
                    &[("qty_adult", "1"), ("email", address)],
                )
                .await;
            assert_eq!(reply.status, 422, "{}: {address}", app.db.kind);
            assert!(
                reply.text().contains("is not a valid e-mail address"),
                "{address}: {}",
                reply.text()
            );
        }
        let ok = buy(
            &app,
            &[("qty_adult", "1"), ("email", "ana.petrova@example.org")],
        )
        .await;
        assert!(ok.starts_with("/o/"));
    }
}

#[tokio::test]
async fn after_login_only_a_path_of_this_site_is_followed() {
    for app in apps().await {
        // What a browser could read as another host, or a header that cannot be sent.
        for next in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/x\r\nSet-Cookie: tp_session=planted",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https://evil.example/",
            "/\u{a0}/evil.example",
            "",
        ] {
            let reply = app
                .post_form(
                    "/login",
                    &[
                        ("email", "desk@sofia-tic.test"),
                        ("password", DESK_PASSWORD),
                        ("next", next),
                    ],
                )
                .await;
            assert_eq!(
                (reply.status, reply.location.as_deref()),
                (303, Some("/desk")),
                "{}: next={next:?}",
                app.db.kind
            );
            app.logout_locally();
        }
        // A bad "next" is not kept: the form goes to the role's own page after logging in.
        let page = app.get("/login?next=/%09/evil.example").await;
        assert_eq!(page.field("next").as_deref(), Some(""), "{}", app.db.kind);
        let kept = app
            .post_form(
                "/login",
                &[
                    ("email", "desk@sofia-tic.test"),
                    ("password", DESK_PASSWORD),
                    ("next", "/desk?order=4F7C-1B9E"),
                ],
            )
            .await;
        assert_eq!(kept.location.as_deref(), Some("/desk?order=4F7C-1B9E"));
    }
}

/// The security headers every answer must carry.
fn assert_guarded(reply: &townpass::testing::Reply, what: &str) {
    let csp = reply
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"));
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    let script_src = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap_or_else(|| panic!("{what}: no script-src in {csp}"));
    assert!(!script_src.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(
        reply.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert!(reply.header("referrer-policy").is_some(), "{what}");
}

#[tokio::test]
async fn every_page_carries_security_headers_and_staff_pages_are_never_cached() {
    for app in apps().await {
        app.add_user("admin@demo.test", "admin", None, DESK_PASSWORD)
            .await;
        let order = buy(&app, &[("qty_adult", "1"), ("email", "a@example.org")]).await;
        for path in ["/", "/p/sofia-24h", order.as_str(), "/login", "/nowhere"] {
            let reply = app.get(path).await;
            assert_guarded(&reply, path);
            assert!(
                reply.header("strict-transport-security").is_none(),
                "{path}: http"
            );
        }
        app.login("admin@demo.test", DESK_PASSWORD).await;
        let month = app.with_settled_month().await;
        for path in [
            "/admin".to_string(),
            "/desk".to_string(),
            format!("/admin/settlement/{month}"),
            format!("/admin/settlement/{month}/csv?party=operator&currency=EUR"),
        ] {
            let reply = app.get(&path).await;
            assert_eq!(reply.status, 200, "{}: {path}", app.db.kind);
            assert_guarded(&reply, &path);
            assert_eq!(reply.header("cache-control"), Some("no-store"), "{path}");
        }
        // The one inline script (the admin page's file upload) is allowed by its hash, so it runs.
        let admin = app.get("/admin").await.text();
        let csp = townpass::http::headers::content_security_policy();
        let script = admin
            .split("<script>")
            .nth(1)
            .and_then(|s| s.split("</script>").next())
            .expect("the admin page's script");
        use base64::Engine;
        use sha2::Digest;
        let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script));
        assert!(csp.contains(&hash), "the inline script is not in {csp}");
    }
}

#[tokio::test]
async fn behind_https_every_cookie_is_secure_and_hsts_is_sent() {
    let app = TestApp::start_behind(TestDb::sqlite().await, "https://pass.example.org").await;
    app.add_user(
        "desk@sofia-tic.test",
        "desk",
        Some("sofia-tic"),
        DESK_PASSWORD,
    )
    .await;
    let home = app.get("/?lang=bg").await;
    assert!(
        home.header("strict-transport-security")
            .is_some_and(|v| v.contains("max-age=")),
        "{:?}",
        home.headers
    );
    let login = app.login("desk@sofia-tic.test", DESK_PASSWORD).await;
    let cookies: Vec<&String> = home.set_cookies.iter().chain(&login.set_cookies).collect();
    assert!(cookies.len() >= 2, "{cookies:?}");
    for c in cookies {
        assert!(c.contains("Secure"), "{c}");
    }
}

/// A client that never finishes its request's headers (a stalled phone, or many connections
/// trickling a header line now and then) is cut off after the request time limit: it holds
/// neither a connection nor the server's shutdown for ever. Other clients are answered meanwhile.
// Two workers: the test's clients block their threads while the server keeps running.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_headers_is_cut_off_after_the_time_limit() {
    use std::io::{Read, Write};
    let limit = std::time::Duration::from_secs(1);
    let app = TestApp::start_with_timeout(TestDb::sqlite().await, limit).await;
    let address = app.base.trim_start_matches("http://").to_string();
    let started = std::time::Instant::now();
    let slow: Vec<_> = (0..2)
        .map(|n| {
            let address = address.clone();
            std::thread::spawn(move || {
                let mut stream = std::net::TcpStream::connect(&address).expect("connect");
                stream
                    .set_read_timeout(Some(std::time::Duration::from_secs(15)))
                    .expect("timeout");
                stream
                    .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                    .expect("write");
                // The second one trickles a header line every 300 ms, never the blank line.
                let mut buf = [0u8; 1024];
                if n == 1 {
                    stream.set_nonblocking(true).expect("nonblocking");
                    for i in 0..40 {
                        std::thread::sleep(std::time::Duration::from_millis(300));
                        match stream.read(&mut buf) {
                            Ok(_) => return started.elapsed(),
                            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                            Err(_) => return started.elapsed(),
                        }
                        if stream
                            .write_all(format!("X-Slow-{i}: 1\r\n").as_bytes())
                            .is_err()
                        {
                            return started.elapsed();
                        }
                    }
                    return started.elapsed();
                }
                // Closed by the server (an end of stream, a reset, or a 408 before closing).
                let _ = stream.read(&mut buf);
                started.elapsed()
            })
        })
        .collect();
    assert_eq!(app.get("/healthz").await.status, 200, "others are answered");
    for handle in slow {
        let cut_off_after = tokio::task::spawn_blocking(move || handle.join().expect("thread"))
            .await
            .expect("join");
        assert!(
            cut_off_after < std::time::Duration::from_secs(8),
            "a stalled request was held for {cut_off_after:?} (limit {limit:?})"
        );
    }
}

#[tokio::test]
async fn a_request_past_the_time_limit_answers_503_and_changes_nothing() {
    for db in TestDb::all().await {
        let app = TestApp::start_with_timeout(db, std::time::Duration::from_secs(1)).await;
        app.add_user("admin@demo.test", "admin", None, DESK_PASSWORD)
            .await;
        app.add_user(
            "desk@sofia-tic.test",
            "desk",
            Some("sofia-tic"),
            DESK_PASSWORD,
        )
        .await;
        let order = buy(&app, &[("qty_adult", "1"), ("email", "a@example.org")]).await;
        app.login("desk@sofia-tic.test", DESK_PASSWORD).await;
        pay_at_desk(&app, &order).await;
        let serial = first_pass(&app, &order).await.serial;
        app.logout_locally();
        app.login("admin@demo.test", DESK_PASSWORD).await;
        let csrf = app.get("/admin").await.field("csrf").expect("csrf");

        // Another connection holds the passes table, so the revocation waits for it.
        let pool = app.db.store.pool().clone();
        let mut blocker = pool.acquire().await.expect("connection");
        use sqlx::Executor;
        match app.db.store.dialect() {
            townpass::store::Dialect::Postgres => {
                blocker.execute("BEGIN").await.expect("begin");
                blocker
                    .execute("LOCK TABLE passes IN EXCLUSIVE MODE")
                    .await
                    .expect("lock");
            }
            _ => {
                blocker.execute("BEGIN IMMEDIATE").await.expect("begin");
            }
        }
        let started = std::time::Instant::now();
        let reply = app
            .post_form(
                "/admin/revoke",
                &[
                    ("csrf", &csrf),
                    ("serial", &serial),
                    ("reason", "refund"),
                    ("confirmed", "yes"),
                ],
            )
            .await;
        assert_eq!(reply.status, 503, "{}: {}", app.db.kind, reply.text());
        assert!(reply.text().contains("was not saved"), "{}", reply.text());
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        blocker.execute("ROLLBACK").await.expect("rollback");
        drop(blocker);

        let pass = app.db.store.pass(&serial).await.expect("pass");
        assert!(
            pass.revoked_at.is_none(),
            "{}: nothing changed",
            app.db.kind
        );
        assert_eq!(app.get("/healthz").await.status, 200);
        let again = app
            .post_form(
                "/admin/revoke",
                &[
                    ("csrf", &csrf),
                    ("serial", &serial),
                    ("reason", "refund"),
                    ("confirmed", "yes"),
                ],
            )
            .await;
        assert_eq!(again.status, 200, "{}: {}", app.db.kind, again.text());
    }
}

#[tokio::test]
async fn logging_out_of_an_ended_session_goes_home_and_a_doubled_field_is_named() {
    for app in apps().await {
        let gone = app.post_form("/logout", &[("csrf", "whatever")]).await;
        assert_eq!((gone.status, gone.location.as_deref()), (303, Some("/")));

        app.login("desk@sofia-tic.test", DESK_PASSWORD).await;
        let csrf = app.get("/desk").await.field("csrf").expect("csrf");
        let doubled = app
            .post_form(
                "/desk/sell",
                &[
                    ("csrf", &csrf),
                    ("product", "sofia-24h"),
                    ("product", "bulgaria-72h"),
                    ("category", "adult"),
                    ("count", "1"),
                ],
            )
            .await;
        assert_eq!(doubled.status, 400, "{}", app.db.kind);
        assert!(
            doubled.text().contains("'product' twice"),
            "{}",
            doubled.text()
        );
        assert_eq!(app.db.store.count_passes().await.expect("count"), 0);
    }
}

/// Logs in as `client` (its address, as a trusted proxy names it): (status, Retry-After).
async fn login_from(
    app: &TestApp,
    client: &str,
    email: &str,
    password: &str,
) -> (u16, Option<u64>) {
    let body =
        serde_urlencoded::to_string([("email", email), ("password", password), ("next", "/desk")])
            .expect("form");
    let reply = app
        .post_bytes_with(
            "/login",
            "application/x-www-form-urlencoded",
            &[("x-forwarded-for", client)],
            body.into_bytes(),
        )
        .await;
    let retry = reply.header("retry-after").and_then(|v| v.parse().ok());
    (reply.status, retry)
}

#[tokio::test]
async fn nobody_can_lock_an_account_out_by_guessing_its_password() {
    for db in TestDb::all().await {
        let app = TestApp::start_behind_local_proxy(db).await;
        app.add_user("admin@demo.test", "admin", None, DESK_PASSWORD)
            .await;
        let (attacker, owner) = ("198.51.100.66", "192.0.2.10");
        for _ in 0..5 {
            let (status, _) = login_from(&app, attacker, "admin@demo.test", "guess").await;
            assert_eq!(status, 401, "{}", app.db.kind);
        }
        // The guesser now waits, longer after each further failure...
        let (status, first) = login_from(&app, attacker, "admin@demo.test", "guess").await;
        assert_eq!(status, 429, "{}", app.db.kind);
        let first = first.expect("Retry-After");
        assert!((1..=2).contains(&first), "{}: {first} s", app.db.kind);
        tokio::time::sleep(std::time::Duration::from_secs(first + 1)).await;
        let (status, _) = login_from(&app, attacker, "admin@demo.test", "guess").await;
        assert_eq!(status, 401, "{}: after the wait, one more try", app.db.kind);
        let (status, second) = login_from(&app, attacker, "admin@demo.test", DESK_PASSWORD).await;
        assert_eq!(
            status, 429,
            "{}: even the right password waits",
            app.db.kind
        );
        let second = second.expect("Retry-After");
        assert!(
            (3..=4).contains(&second),
            "{}: the wait doubles: {second} s",
            app.db.kind
        );

        // ... while the owner, from anywhere else, logs in at once.
        let (status, _) = login_from(&app, owner, "admin@demo.test", DESK_PASSWORD).await;
        assert_eq!(status, 303, "{}: the owner is not locked out", app.db.kind);

        // A reset lets a client that locked itself out back in at once.
        for _ in 0..6 {
            login_from(&app, owner, "admin@demo.test", "forgotten").await;
        }
        let (status, _) = login_from(&app, owner, "admin@demo.test", DESK_PASSWORD).await;
        assert_eq!(status, 429, "{}", app.db.kind);
        app.add_user("admin@demo.test", "admin", None, DESK_PASSWORD)
            .await;
        let (status, _) = login_from(&app, owner, "admin@demo.test", DESK_PASSWORD).await;
        assert_eq!(status, 303, "{}: the reset lifted the wait", app.db.kind);
    }
}

#[tokio::test]
async fn without_a_trusted_proxy_a_forwarded_address_is_ignored() {
    let app = TestApp::start(TestDb::sqlite().await).await;
    app.add_user("admin@demo.test", "admin", None, DESK_PASSWORD)
        .await;
    for i in 0..5 {
        let client = format!("198.51.100.{i}");
        let (status, _) = login_from(&app, &client, "admin@demo.test", "guess").await;
        assert_eq!(status, 401);
    }
    let (status, _) = login_from(&app, "203.0.113.1", "admin@demo.test", "guess").await;
    assert_eq!(status, 429, "a made-up address does not buy more guesses");
}

#[tokio::test]
async fn guesses_sent_all_at_once_are_throttled_like_guesses_in_turn() {
    for db in TestDb::all().await {
        let app = TestApp::start_behind_local_proxy(db).await;
        app.add_user("admin@demo.test", "admin", None, DESK_PASSWORD)
            .await;
        let answers = futures_util::future::join_all(
            (0..20).map(|_| login_from(&app, "198.51.100.7", "admin@demo.test", "guess")),
        )
        .await;
        let heard = answers.iter().filter(|(status, _)| *status == 401).count();
        let refused = answers.iter().filter(|(status, _)| *status == 429).count();
        assert_eq!(heard + refused, 20, "{}: {answers:?}", app.db.kind);
        assert!(
            heard <= 8,
            "{}: {heard} of 20 guesses at once were heard",
            app.db.kind
        );
    }
}

#[tokio::test]
async fn the_web_scanner_page_offers_every_language_remembers_the_choice_and_has_home_screen_icons()
{
    let app = TestApp::start(TestDb::sqlite().await).await;
    let page = app
        .get_with("/scan?lang=bg", &[("accept-language", "en")])
        .await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("<html lang=\"bg\""), "{html}");
    assert!(
        html.contains("href=\"/scan?lang=en\""),
        "a link to the page in English: {html}"
    );
    assert!(
        page.set_cookies.iter().any(|c| c.starts_with("tp_lang=bg")),
        "the choice is remembered: {:?}",
        page.set_cookies
    );
    // iOS takes a PNG for the home screen; the manifest lists PNGs too, each served as a PNG
    // of the size it claims.
    let touch = html
        .split("rel=\"apple-touch-icon\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("an apple-touch-icon");
    let manifest: serde_json::Value =
        serde_json::from_slice(&app.get("/scan/manifest.webmanifest").await.body).expect("json");
    let mut pngs: Vec<(String, u32)> = manifest["icons"]
        .as_array()
        .expect("icons")
        .iter()
        .filter(|i| i["type"] == "image/png")
        .map(|i| {
            let size = i["sizes"].as_str().expect("sizes");
            let side = size
                .split('x')
                .next()
                .expect("WxH")
                .parse()
                .expect("number");
            (i["src"].as_str().expect("src").to_string(), side)
        })
        .collect();
    assert!(pngs.iter().any(|(_, s)| *s >= 512), "{manifest}");
    pngs.push((touch.to_string(), 180));
    for (src, side) in pngs {
        let icon = app.get(&src).await;
        assert_eq!(
            (icon.status, icon.content_type.as_str()),
            (200, "image/png"),
            "{src}"
        );
        assert_eq!(&icon.body[..8], b"\x89PNG\r\n\x1a\n", "{src}");
        let width = u32::from_be_bytes(icon.body[16..20].try_into().expect("IHDR"));
        assert_eq!(width, side, "{src}");
    }
}

#[tokio::test]
async fn the_buy_form_takes_a_name_per_pass_and_keeps_them_when_one_is_refused() {
    for app in apps().await {
        // A name too long for a pass: refused at its field, everything typed kept, no order.
        let long = "N".repeat(townpass::sales::MAX_HOLDER_CHARS + 1);
        let refused = app
            .post_form(
                "/p/bulgaria-72h/buy?lang=en",
                &[
                    ("qty_adult", "2"),
                    ("qty_child", "1"),
                    ("email", "ana@example.org"),
                    ("name_adult_1", "Ana Petrova"),
                    ("name_adult_2", &long),
                    ("name_child_1", "Ivo Petrov"),
                ],
            )
            .await;
        assert_eq!(refused.status, 422, "{}", app.db.kind);
        let page = refused.text();
        assert!(page.contains("id=\"names-error\""), "{page}");
        for (field, value) in [
            ("name_adult_1", "Ana Petrova"),
            ("name_child_1", "Ivo Petrov"),
        ] {
            assert!(
                page.contains(&format!(
                    "name=\"{field}\" maxlength=\"100\" autocomplete=\"name\" value=\"{value}\""
                )),
                "{field} kept as typed: {page}"
            );
        }
        assert!(page.contains("Optional, up to 100 characters each."));

        // Fixed: one order, each pass with its own name (unnamed ones without).
        let order = buy(
            &app,
            &[
                ("qty_adult", "2"),
                ("qty_child", "1"),
                ("email", "ana@example.org"),
                ("name_adult_1", "Ana Petrova"),
                ("name_child_1", "Ivo Petrov"),
            ],
        )
        .await;
        let stored = app
            .db
            .store
            .order_by_public_id(&order[3..])
            .await
            .expect("order");
        let mut holders: Vec<(i64, Option<String>, i64)> = app
            .db
            .store
            .order_lines(stored.id)
            .await
            .expect("lines")
            .into_iter()
            .map(|l| (l.category_id, l.holder, l.quantity))
            .collect();
        holders.sort();
        assert_eq!(
            holders,
            [
                (1, None, 1),
                (1, Some("Ana Petrova".to_string()), 1),
                (2, Some("Ivo Petrov".to_string()), 1)
            ],
            "{}",
            app.db.kind
        );
    }
}

#[tokio::test]
async fn a_product_the_operator_sells_without_pay_at_pickup_is_not_ordered_online_nor_paid_at_a_desk()
 {
    for app in apps().await {
        // The operator says the 72 h pass is not paid at pickup; this server takes no cards.
        let catalogue = townpass::catalog::DEMO.replacen(
            "code = \"bulgaria-72h\"\n",
            "code = \"bulgaria-72h\"\npay_at_pickup = false\n",
            1,
        );
        townpass::catalog::apply(&app.db.store, &catalogue, townpass::store::now())
            .await
            .expect("catalogue applies");
        let page = app.get("/p/bulgaria-72h?lang=en").await.text();
        assert!(page.contains("id=\"desk-only\""), "{}: {page}", app.db.kind);
        assert!(!page.contains("form class=\"buy\""), "no buy form: {page}");
        // A form posted anyway is refused, and nothing is stored.
        let refused = app
            .post_form(
                "/p/bulgaria-72h/buy?lang=en",
                &[("qty_adult", "1"), ("email", "a@example.org")],
            )
            .await;
        assert_eq!(refused.status, 422, "{}", app.db.kind);
        assert!(refused.text().contains("sold at sales desks"));
        let orders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE channel = 'web'")
            .fetch_one(app.db.store.pool())
            .await
            .expect("count");
        assert_eq!(orders, 0, "{}", app.db.kind);

        // A web order of it that exists (e.g. placed before the change) is not paid at a desk.
        let req = townpass::sales::OrderRequest {
            lines: vec![townpass::sales::LineRequest {
                product: "bulgaria-72h".into(),
                category: "adult".into(),
                holder: None,
                count: 1,
            }],
            email: None,
            language: "en".into(),
            channel: "web",
            sales_point: None,
            payment_provider: "pay_at_pickup".into(),
            currency: None,
        };
        let order = townpass::sales::create_order(&app.db.store, &req, townpass::store::now())
            .await
            .expect("order");
        app.login("desk@sofia-tic.test", DESK_PASSWORD).await;
        let answer = pay_at_desk(&app, &format!("/o/{}", order.public_id)).await;
        assert_eq!(answer.status, 400, "{}", app.db.kind);
        assert!(
            answer.text().contains("paid online by card only"),
            "{}",
            answer.text()
        );
        assert!(
            app.db
                .store
                .passes_of_order(order.id)
                .await
                .expect("passes")
                .is_empty()
        );

        // Other products still wait for the desk as before.
        let other = buy_product(
            &app,
            "sofia-24h",
            &[("qty_adult", "1"), ("email", "b@example.org")],
        )
        .await;
        assert_eq!(pay_at_desk(&app, &other).await.status, 303);
    }
}

async fn buy_product(app: &TestApp, product: &str, fields: &[(&str, &str)]) -> String {
    let reply = app.post_form(&format!("/p/{product}/buy"), fields).await;
    assert_eq!(reply.status, 303, "{}: {}", app.db.kind, reply.text());
    reply.location.expect("redirect to the order page")
}

#[tokio::test]
async fn catalogue_photos_are_shown_and_served_with_cache_headers_and_nothing_else_is() {
    for app in apps().await {
        let photos = app.db.dir.path().join("photos");
        std::fs::create_dir_all(&photos).expect("photo folder");
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR a tiny stand-in for a photo".to_vec();
        std::fs::write(photos.join("heritage.png"), &png).expect("photo");
        std::fs::write(photos.join("tsarevets.png"), &png).expect("photo");
        // Named like a photo but HTML inside: never served.
        std::fs::write(photos.join("fake.png"), b"<script>alert(1)</script>").expect("fake");
        std::fs::write(app.db.dir.path().join("secret.png"), &png).expect("outside");
        let catalogue = townpass::catalog::DEMO
            .replacen(
                "code = \"bulgaria-72h\"\n",
                "code = \"bulgaria-72h\"\nphoto = \"heritage.png\"\n",
                1,
            )
            .replacen(
                "code = \"tsarevets\"\n",
                "code = \"tsarevets\"\nphoto = \"tsarevets.png\"\n",
                1,
            )
            .replacen(
                "code = \"sofia-24h\"\n",
                "code = \"sofia-24h\"\nphoto = \"missing.jpg\"\n",
                1,
            );
        townpass::catalog::apply(&app.db.store, &catalogue, townpass::store::now())
            .await
            .expect("catalogue applies");

        let shop = app.get("/?lang=en").await.text();
        let marker = "<img class=\"photo\" src=\"";
        let at = shop.find(marker).expect("the product's photo in the shop") + marker.len();
        let url = &shop[at..shop[at..].find('"').expect("end") + at];
        assert!(url.starts_with("/photos/heritage.png?v="), "{url}");
        assert_eq!(
            shop.matches(marker).count(),
            1,
            "a missing photo is not linked"
        );
        let page = app.get("/p/bulgaria-72h?lang=en").await.text();
        assert!(
            page.contains("<img class=\"hero\" src=\"/photos/heritage.png?v="),
            "{page}"
        );
        assert!(
            page.contains("<img class=\"thumb\" src=\"/photos/tsarevets.png?v="),
            "{page}"
        );

        // With its hash: kept a year. Without: a day, and an ETag to ask again cheaply.
        let photo = app.get(url).await;
        assert_eq!(
            (photo.status, photo.content_type.as_str()),
            (200, "image/png"),
            "{}",
            app.db.kind
        );
        assert_eq!(photo.body, png);
        let header = |r: &townpass::testing::Reply, name: &str| {
            r.headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(
            header(&photo, "cache-control").as_deref(),
            Some("public, max-age=31536000, immutable")
        );
        let plain = app.get("/photos/heritage.png").await;
        assert_eq!(
            header(&plain, "cache-control").as_deref(),
            Some("public, max-age=86400")
        );
        let etag = header(&plain, "etag").expect("etag");
        let again = app
            .get_with("/photos/heritage.png", &[("if-none-match", &etag)])
            .await;
        assert_eq!(again.status, 304);
        assert!(again.body.is_empty());

        for path in [
            "/photos/fake.png",
            "/photos/missing.jpg",
            "/photos/..%2Fsecret.png",
            "/photos/%2E%2E%2Fsecret.png",
            "/photos/.hidden.png",
            "/photos/heritage.svg",
        ] {
            assert_eq!(app.get(path).await.status, 404, "{path}");
        }
    }
}

#[tokio::test]
async fn the_shop_cannot_be_used_to_flood_a_mailbox_with_order_confirmations() {
    for app in apps().await {
        let order = |email: &'static str| {
            let app = &app;
            async move {
                app.post_form(
                    "/p/bulgaria-72h/buy",
                    &[("qty_adult", "1"), ("email", email)],
                )
                .await
            }
        };
        for _ in 0..5 {
            assert_eq!(
                order("victim@example.org").await.status,
                303,
                "{}",
                app.db.kind
            );
        }
        let queued = |app: &TestApp| {
            let store = app.db.store.clone();
            async move { store.outbox().await.expect("outbox").len() }
        };
        let before = queued(&app).await;
        // The sixth order for the same address in 15 minutes (in another letter case) is refused
        // with a clear word on the form, and nothing is stored or sent.
        let refused = order("Victim@Example.org").await;
        assert_eq!(refused.status, 429, "{}", app.db.kind);
        assert!(
            refused.text().contains("Wait 15 minutes"),
            "{}",
            refused.text()
        );
        assert_eq!(queued(&app).await, before, "nothing more queued");
        // Another address from the same client is still served.
        assert_eq!(order("friend@example.org").await.status, 303);
        // Sent all at once, orders for one address still stop at the limit.
        let burst =
            futures_util::future::join_all((0..12).map(|_| order("burst@example.org"))).await;
        let placed = burst.iter().filter(|r| r.status == 303).count();
        assert!(
            placed <= 5,
            "{}: {placed} of 12 placed at once",
            app.db.kind
        );
        assert!(burst.iter().all(|r| r.status == 303 || r.status == 429));
    }
}

/// Every page a person reads, in every language on offer: the shop, a product, an order and its
/// gate view, the login, the web scanner, the desk, the partner's dashboard, visits, statements and
/// one statement, and the operator's home, settlement, a month, exchange rates, flags, disputes and
/// consortium pages. Each answers 200, says its language, and shows that language's words (the
/// key words of the page as that language's file has them).
#[tokio::test]
async fn every_page_speaks_every_language() {
    let db = TestDb::sqlite().await;
    let app = TestApp::start(db).await;
    let month = app.with_settled_month().await;
    let order: String = sqlx::query_scalar(
        "SELECT public_id FROM orders WHERE paid_at IS NOT NULL ORDER BY id LIMIT 1",
    )
    .fetch_one(app.db.store.pool())
    .await
    .expect("a paid order");
    let password = "a password for every language";
    app.add_user("admin@lang.test", "admin", None, password)
        .await;
    app.add_user("desk@lang.test", "desk", Some("sofia-tic"), password)
        .await;
    let hash = townpass::accounts::hash_password(password).expect("hash");
    app.db
        .store
        .upsert_user(
            &townpass::store::NewUser {
                email: "partner@lang.test",
                name: "NIM",
                password_hash: &hash,
                role: "partner",
                sales_point: None,
                partner: Some("nim"),
            },
            0,
        )
        .await
        .expect("partner");
    let escaped = |s: String| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let pages: Vec<(Option<&str>, String, &str)> = vec![
        (None, "/".into(), "shop_title"),
        (None, "/p/bulgaria-72h".into(), "buy_title"),
        (None, format!("/o/{order}"), "order_title"),
        (None, format!("/o/{order}/gate"), "gate_title"),
        (None, "/login".into(), "login_title"),
        (None, "/scan".into(), "scan_title"),
        (Some("desk@lang.test"), "/desk".into(), "desk_title"),
        (Some("partner@lang.test"), "/partner".into(), "portal_title"),
        (
            Some("partner@lang.test"),
            "/partner/visits".into(),
            "visits_title",
        ),
        (
            Some("partner@lang.test"),
            "/partner/statements".into(),
            "portal_statements",
        ),
        (
            Some("partner@lang.test"),
            format!("/partner/statements/{month}/EUR"),
            "statement_total",
        ),
        (Some("admin@lang.test"), "/admin".into(), "adm_revoke_title"),
        (
            Some("admin@lang.test"),
            "/admin/settlement".into(),
            "adm_compute_draft",
        ),
        (
            Some("admin@lang.test"),
            format!("/admin/settlement/{month}"),
            "adm_totals",
        ),
        (
            Some("admin@lang.test"),
            "/admin/rates".into(),
            "adm_rates_record",
        ),
        (
            Some("admin@lang.test"),
            "/admin/search?q=example".into(),
            "adm_search_label",
        ),
        (
            Some("admin@lang.test"),
            "/admin/users".into(),
            "adm_users_intro",
        ),
        (
            Some("admin@lang.test"),
            "/admin/keys".into(),
            "adm_keys_intro",
        ),
        (
            Some("admin@lang.test"),
            "/admin/catalogue".into(),
            "cat_intro",
        ),
        (
            Some("admin@lang.test"),
            "/admin/catalogue/partners/nim".into(),
            "cat_bank_hint",
        ),
        (
            Some("admin@lang.test"),
            "/admin/catalogue/venues/new".into(),
            "cat_add_venues",
        ),
        (
            Some("admin@lang.test"),
            "/admin/catalogue/products/bulgaria-72h".into(),
            "cat_version_note",
        ),
        (
            Some("admin@lang.test"),
            "/admin/catalogue/offers/nim-entry".into(),
            "cat_amounts_hint",
        ),
        (None, "/password/forgot".into(), "password_forgot_submit"),
        (
            Some("admin@lang.test"),
            "/admin/api-keys".into(),
            "adm_api_intro",
        ),
        (
            Some("admin@lang.test"),
            "/account/password".into(),
            "account_password_current",
        ),
        (
            Some("admin@lang.test"),
            "/admin/payouts".into(),
            "adm_payouts_intro",
        ),
        (
            Some("admin@lang.test"),
            format!("/admin/payouts/{month}"),
            "adm_payouts_export",
        ),
        (
            Some("admin@lang.test"),
            format!(
                "/admin/payouts/{month}/confirm?action=export&date={}",
                jiff::Zoned::now().date().tomorrow().expect("date")
            ),
            "adm_payouts_confirm_export_button",
        ),
        (
            Some("admin@lang.test"),
            "/admin/flags".into(),
            "adm_audit_title",
        ),
        (
            Some("admin@lang.test"),
            "/admin/disputes".into(),
            "adm_disputes_intro",
        ),
        (
            Some("admin@lang.test"),
            format!("/admin/consortium?period={month}"),
            "adm_cons_works",
        ),
    ];
    let mut who: Option<&str> = None;
    for (user, path, key) in &pages {
        if *user != who {
            app.logout_locally();
            if let Some(email) = user {
                app.login(email, password).await;
            }
            who = *user;
        }
        for (lang, _) in townpass::i18n::languages() {
            let sep = if path.contains('?') { '&' } else { '?' };
            let page = app.get(&format!("{path}{sep}lang={lang}")).await;
            assert_eq!(page.status, 200, "{path} in {lang}");
            let text = page.text();
            assert!(
                text.contains(&format!("<html lang=\"{lang}\"")),
                "{path} in {lang}: the page says its language"
            );
            let words = escaped(townpass::i18n::t(lang, key));
            assert!(
                text.contains(&words),
                "{path} in {lang}: {key} should read {words:?}"
            );
            if lang != "en" {
                let english = escaped(townpass::i18n::t("en", key));
                assert!(
                    !text.contains(&english) || english == words,
                    "{path} in {lang}: still English ({english:?})"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_operator_finds_a_pass_by_code_number_email_or_name_and_reads_its_history() {
    for app in apps().await {
        app.add_user("admin@demo.test", "admin", None, DESK_PASSWORD)
            .await;
        let order = buy(
            &app,
            &[
                ("qty_adult", "1"),
                ("email", "Ana.Petrova@Example.org"),
                ("name_adult_1", "Ana Petrova"),
            ],
        )
        .await;
        // Another order, that no search below should find.
        buy(&app, &[("qty_adult", "1"), ("email", "ivo@example.org")]).await;
        app.login("desk@sofia-tic.test", DESK_PASSWORD).await;
        pay_at_desk(&app, &order).await;
        assert_eq!(app.get("/admin/search?q=ana").await.status, 403);
        let serial = first_pass(&app, &order).await.serial;
        let code = townpass::i18n::present::order_code(&order[3..]);
        app.logout_locally();
        app.login("admin@demo.test", DESK_PASSWORD).await;

        for q in [
            code.clone(),
            code.to_lowercase().replace('-', ""),
            serial[..6].to_string(),
            "ana.petrova@example".into(),
            "PETROVA".into(),
        ] {
            let page = app
                .get(&format!("/admin/search?q={}", q.replace(' ', "+")))
                .await;
            assert_eq!(page.status, 200, "{}: {q}: {}", app.db.kind, page.text());
            let text = page.text();
            assert!(
                text.contains(&format!("href=\"/admin/passes/{serial}\""))
                    && text.contains(&code)
                    && text.contains("Ana Petrova")
                    && text.contains("Bulgaria Heritage Pass 72 h"),
                "{}: {q} finds the pass: {text}",
                app.db.kind
            );
            assert!(!text.contains("ivo@example.org"), "{q}: {text}");
        }
        // Wildcards are taken as typed; too little finds nothing.
        for q in ["%25%25", "_", "a"] {
            let text = app.get(&format!("/admin/search?q={q}")).await.text();
            assert!(!text.contains("/admin/passes/"), "{q}: {text}");
        }

        // The pass's history: sold, paid, then revoked, from its page.
        let page = app.get(&format!("/admin/passes/{serial}")).await;
        assert_eq!(page.status, 200);
        let text = page.text();
        let sold = text.find("Sold in the web shop").expect("sold");
        let paid = text.find("Paid: ").expect("paid");
        assert!(sold < paid, "{text}");
        let csrf = page.field("csrf").expect("csrf");
        let done = app
            .post_form(
                "/admin/revoke",
                &[
                    ("csrf", &csrf),
                    ("serial", &serial),
                    ("reason", "lost at the station"),
                    ("confirmed", "yes"),
                ],
            )
            .await;
        assert_eq!(done.status, 200, "{}", done.text());
        let text = app.get(&format!("/admin/passes/{serial}")).await.text();
        assert!(
            text.contains("Revoked: lost at the station (by admin@demo.test)"),
            "{text}"
        );
        assert_eq!(app.get("/admin/passes/0000000000000000").await.status, 404);
    }
}

#[tokio::test]
async fn the_desk_sees_what_was_ordered_sells_several_categories_with_names_and_prints_a_receipt() {
    for app in apps().await {
        // A web order waits for payment: the desk sees its lines to check IDs.
        let order = buy(
            &app,
            &[
                ("qty_adult", "1"),
                ("qty_child", "1"),
                ("email", "family@example.org"),
                ("name_child_1", "Mila Petrova"),
            ],
        )
        .await;
        app.login("desk@sofia-tic.test", DESK_PASSWORD).await;
        let code = townpass::i18n::present::order_code(&order[3..]);
        let desk = app.get("/desk").await.text();
        assert!(
            desk.contains(&format!("/desk?code={code}")),
            "the order waits on the desk's list: {desk}"
        );
        let found = app.get(&format!("/desk?code={code}")).await.text();
        let lines = found
            .split("id=\"found-lines\"")
            .nth(1)
            .expect("the order's lines");
        assert!(
            lines.contains("<strong>Child</strong>")
                && lines.contains("Mila Petrova")
                && lines.contains("Bulgaria Heritage Pass 72 h"),
            "{found}"
        );
        assert!(found.contains("Check the ID"), "{found}");

        // A counter sale of two categories, one pass named, in one order.
        let form = app.get("/desk?product=bulgaria-72h").await;
        assert!(
            form.header("content-security-policy")
                .is_some_and(|p| p.contains("script-src 'self'")),
            "the form's script file may run: {:?}",
            form.header("content-security-policy")
        );
        let text = form.text();
        assert!(
            text.contains("id=\"qty_adult\"")
                && text.contains("id=\"qty_child\"")
                && text.contains("/assets/shop.js"),
            "{text}"
        );
        let csrf = form.field("csrf").expect("csrf");
        let sold = app
            .post_form(
                "/desk/sell",
                &[
                    ("csrf", &csrf),
                    ("product", "bulgaria-72h"),
                    ("qty_adult", "2"),
                    ("qty_child", "1"),
                    ("name_adult_1", "Ana Petrova"),
                    ("email", ""),
                ],
            )
            .await;
        assert_eq!(sold.status, 303, "{}: {}", app.db.kind, sold.text());
        let receipt_path = sold.location.expect("the receipt");
        assert!(receipt_path.starts_with("/desk/receipt/"), "{receipt_path}");
        let stored = app
            .db
            .store
            .order_by_public_id(&receipt_path["/desk/receipt/".len()..])
            .await
            .expect("order");
        assert_eq!(stored.total_minor, 2 * 4500 + 2200, "{}", app.db.kind);
        assert_eq!(
            app.db
                .store
                .passes_of_order(stored.id)
                .await
                .expect("passes")
                .len(),
            3
        );
        let receipt = app.get(&receipt_path).await.text();
        assert!(
            receipt.contains("Bulgaria Heritage Pass 72 h · Adult · Ana Petrova")
                && receipt.contains("Bulgaria Heritage Pass 72 h · Child")
                && receipt.contains("€112.00")
                && receipt.contains("at the desk")
                && receipt.contains("/passes.pdf"),
            "{receipt}"
        );
        // Today's sales at this desk, by payment method.
        let desk = app.get("/desk").await.text();
        let today = desk.split("id=\"today\"").nth(1).expect("today's sales");
        assert!(
            today.contains("at the desk") && today.contains("€112.00"),
            "{desk}"
        );
        // Nothing chosen is refused.
        let empty = app
            .post_form(
                "/desk/sell",
                &[
                    ("csrf", &csrf),
                    ("product", "bulgaria-72h"),
                    ("qty_adult", "0"),
                ],
            )
            .await;
        assert_eq!(empty.status, 400, "{}", empty.text());
    }
}

#[tokio::test]
async fn the_operator_disables_a_user_makes_and_revokes_an_api_key_and_anyone_changes_their_password()
 {
    for app in apps().await {
        app.add_user("admin@demo.test", "admin", None, DESK_PASSWORD)
            .await;
        // The desk user is logged in somewhere ...
        app.login("desk@sofia-tic.test", DESK_PASSWORD).await;
        assert_eq!(app.get("/desk").await.status, 200);
        let desk_session = app.session();
        app.logout_locally();
        app.login("admin@demo.test", DESK_PASSWORD).await;
        let page = app.get("/admin/users").await;
        assert_eq!(page.status, 200);
        let text = page.text();
        assert!(
            text.contains("desk@sofia-tic.test")
                && text.contains("Sofia Tourist Information Centre"),
            "{text}"
        );
        let csrf = page.field("csrf").expect("csrf");
        let desk = app
            .db
            .store
            .user_by_email("desk@sofia-tic.test")
            .await
            .expect("read")
            .expect("desk user");
        // ... until the operator disables them: that session ends at once.
        let done = app
            .post_form(
                &format!("/admin/users/{}", desk.id),
                &[("csrf", &csrf), ("action", "disable")],
            )
            .await;
        assert!(done.text().contains("Disabled"), "{}", done.text());
        let admin_session = app.session();
        app.use_session(desk_session);
        assert_ne!(app.get("/desk").await.status, 200, "{}", app.db.kind);
        app.use_session(admin_session);
        // Not oneself.
        let me = app
            .db
            .store
            .user_by_email("admin@demo.test")
            .await
            .expect("read")
            .expect("admin");
        let myself = app
            .post_form(
                &format!("/admin/users/{}", me.id),
                &[("csrf", &csrf), ("action", "disable")],
            )
            .await;
        assert!(myself.text().contains("cannot disable yourself"));

        // An API key for a sales point: its secret is shown once, and it sells.
        let made = app
            .post_form(
                "/admin/api-keys",
                &[
                    ("csrf", &csrf),
                    ("owner", "sales_point:sofia-tic"),
                    ("name", "Front desk system"),
                ],
            )
            .await;
        let text = made.text();
        let secret = text
            .split("id=\"api-secret\">")
            .nth(1)
            .and_then(|t| t.split('<').next())
            .expect("the secret, once")
            .to_string();
        assert_eq!(made.header("cache-control"), Some("no-store"));
        let listed = app.get("/admin/api-keys").await.text();
        assert!(!listed.contains(&secret), "shown once only");
        let prefix = app.db.store.api_keys().await.expect("keys")[0]
            .prefix
            .clone();
        let order = serde_json::json!({"lines": [{"product": "sofia-24h", "category": "adult"}]});
        let sell = |key: String| {
            let body = serde_json::to_vec(&order).expect("json");
            let app = &app;
            async move {
                app.post_bytes_with(
                    "/api/v1/orders",
                    "application/json",
                    &[("authorization", &format!("Bearer {key}"))],
                    body,
                )
                .await
                .status
            }
        };
        assert_eq!(sell(secret.clone()).await, 201, "{}", app.db.kind);
        // Revoking asks first, then the key stops working.
        let asked = app
            .post_form(
                &format!("/admin/api-keys/{prefix}/revoke"),
                &[("csrf", &csrf)],
            )
            .await;
        assert!(asked.text().contains("cannot be undone"));
        assert_eq!(sell(secret.clone()).await, 201, "not revoked yet");
        app.post_form(
            &format!("/admin/api-keys/{prefix}/revoke"),
            &[("csrf", &csrf), ("confirmed", "yes")],
        )
        .await;
        assert_eq!(sell(secret).await, 401, "{}", app.db.kind);

        // Changing one's own password needs the current one.
        let wrong = app
            .post_form(
                "/account/password",
                &[
                    ("csrf", &csrf),
                    ("current", "not it"),
                    ("new", "a brand new password"),
                    ("again", "a brand new password"),
                ],
            )
            .await;
        assert!(wrong.text().contains("not right"), "{}", wrong.text());
        let changed = app
            .post_form(
                "/account/password",
                &[
                    ("csrf", &csrf),
                    ("current", DESK_PASSWORD),
                    ("new", "a brand new password"),
                    ("again", "a brand new password"),
                ],
            )
            .await;
        assert!(changed.text().contains("is changed"), "{}", changed.text());
        app.logout_locally();
        assert_eq!(
            app.login("admin@demo.test", "a brand new password")
                .await
                .status,
            303
        );
    }
}

#[tokio::test]
async fn the_operator_rotates_and_revokes_issuer_keys_in_the_browser_after_reading_what_happens() {
    for app in apps().await {
        app.add_user("admin@demo.test", "admin", None, DESK_PASSWORD)
            .await;
        let order = buy(&app, &[("qty_adult", "1"), ("email", "k@example.org")]).await;
        app.login("desk@sofia-tic.test", DESK_PASSWORD).await;
        pay_at_desk(&app, &order).await;
        let pass = first_pass(&app, &order).await;
        app.logout_locally();
        app.login("admin@demo.test", DESK_PASSWORD).await;
        let page = app.get("/admin/keys").await;
        assert_eq!(page.status, 200);
        assert!(
            page.text().contains(&pass.kid) && page.text().contains("1 (1 valid)"),
            "{}",
            page.text()
        );
        let csrf = page.field("csrf").expect("csrf");

        // Rotating asks first; then a new key signs.
        let asked = app
            .post_form("/admin/keys/rotate", &[("csrf", &csrf)])
            .await;
        assert!(asked.text().contains("cannot be undone"));
        let active = |app: &TestApp| {
            let store = app.db.store.clone();
            async move { store.active_key().await.expect("read").expect("active").kid }
        };
        assert_eq!(
            active(&app).await,
            pass.kid,
            "not rotated before the second press"
        );
        app.post_form(
            "/admin/keys/rotate",
            &[("csrf", &csrf), ("confirmed", "yes")],
        )
        .await;
        assert_ne!(active(&app).await, pass.kid, "{}", app.db.kind);

        // Revoking the old key says how many passes stop working, and needs a reason.
        let path = format!("/admin/keys/{}/revoke", pass.kid);
        let no_reason = app.post_form(&path, &[("csrf", &csrf)]).await;
        assert!(no_reason.text().contains("Say why"), "{}", no_reason.text());
        let asked = app
            .post_form(&path, &[("csrf", &csrf), ("reason", "laptop stolen")])
            .await;
        assert!(
            asked.text().contains("the 1 passes key")
                && asked.text().contains("1 of them still valid"),
            "{}",
            asked.text()
        );
        let row = |app: &TestApp, kid: String| {
            let store = app.db.store.clone();
            async move {
                store
                    .keys()
                    .await
                    .expect("keys")
                    .into_iter()
                    .find(|k| k.kid == kid)
                    .expect("key")
            }
        };
        assert_eq!(row(&app, pass.kid.clone()).await.status, "retired");
        let done = app
            .post_form(
                &path,
                &[
                    ("csrf", &csrf),
                    ("reason", "laptop stolen"),
                    ("confirmed", "yes"),
                ],
            )
            .await;
        // Redirected (a reload does not act again), to the page saying so.
        assert_eq!(done.status, 303, "{}", done.text());
        let shown = app
            .get(done.location.as_deref().expect("back to the keys"))
            .await
            .text();
        assert!(shown.contains("is revoked"), "{shown}");
        let revoked = row(&app, pass.kid.clone()).await;
        assert_eq!(
            (revoked.status.as_str(), revoked.revoke_reason.as_deref()),
            ("revoked", Some("laptop stolen"))
        );
    }
}

/// Sends what the outbox holds through a real SMTP listener; the messages to `to`, parsed:
/// (subject, plain text).
async fn mail_to(app: &TestApp, to: &str) -> Vec<(String, String)> {
    use townpass::sales::mail::{self, MailContext, Mailer};
    let smtp = townpass::testing::SmtpSink::start();
    let mailer = Mailer::new(
        Some(&smtp.url()),
        app.db.dir.path().join("mail"),
        "townpass <staff@example.org>",
    )
    .expect("mailer");
    mail::deliver_due(
        &app.db.store,
        &mailer,
        &MailContext::new("https://pass.example.org", false),
        townpass::store::now(),
    )
    .await
    .expect("deliver");
    smtp.received()
        .into_iter()
        .filter(|m| m.to.iter().any(|t| t == to))
        .map(|m| {
            let parsed = mail_parser::MessageParser::default()
                .parse(&m.data)
                .expect("MIME parses");
            (
                parsed.subject().unwrap_or_default().to_string(),
                parsed.body_text(0).unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The secret of the set-password link in a message's text.
fn link_secret(text: &str) -> String {
    let at = text
        .find("https://pass.example.org/password/set/")
        .unwrap_or_else(|| panic!("a set-password link in: {text}"))
        + "https://pass.example.org/password/set/".len();
    let secret: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    assert_eq!(secret.len(), 64, "{text}");
    secret
}

#[tokio::test]
async fn an_invited_person_sets_a_password_once_through_the_emailed_link_and_a_forgotten_one_is_reset()
 {
    for app in apps().await {
        let kind = app.db.kind;
        app.add_user("admin@demo.test", "admin", None, DESK_PASSWORD)
            .await;
        app.login("admin@demo.test", DESK_PASSWORD).await;
        let page = app.get("/admin/users").await;
        let csrf = page.field("csrf").expect("csrf");
        let invite = |fields: Vec<(&'static str, &'static str)>| {
            let app = &app;
            let csrf = csrf.clone();
            async move {
                let mut all = vec![("csrf", csrf.as_str())];
                all.extend(fields);
                app.post_form("/admin/users", &all).await
            }
        };
        // Refused invitations say why, keep what was typed, and make nobody.
        let no_place = invite(vec![
            ("name", "Ivana Petrova"),
            ("email", "ivana@pleven.test"),
            ("role", "desk"),
            ("place", ""),
        ])
        .await;
        assert_eq!(no_place.status, 422, "{kind}");
        assert!(no_place.text().contains("works at a sales point"));
        assert!(no_place.text().contains("value=\"ivana@pleven.test\""));
        let bad_email = invite(vec![
            ("name", "Ivana Petrova"),
            ("email", "ivana at pleven"),
            ("role", "admin"),
        ])
        .await;
        assert_eq!(bad_email.status, 422);
        let taken = invite(vec![
            ("name", "Someone"),
            ("email", "Desk@Sofia-TIC.test"),
            ("role", "admin"),
        ])
        .await;
        assert_eq!(taken.status, 422);
        assert!(taken.text().contains("already has an account"));
        assert!(
            app.db
                .store
                .user_by_email("ivana@pleven.test")
                .await
                .expect("read")
                .is_none()
        );

        // The invitation: an account without a password, and an e-mail in the chosen language.
        let sent = invite(vec![
            ("name", "Ivana Petrova"),
            ("email", "Ivana@Pleven.test"),
            ("role", "desk"),
            ("place", "sales_point:sofia-tic"),
            ("lang", "bg"),
        ])
        .await;
        assert_eq!(sent.status, 200, "{kind}: {}", sent.text());
        assert!(sent.text().contains("Invitation sent to ivana@pleven.test"));
        assert!(sent.text().contains("invited, no password yet"));
        let mails = mail_to(&app, "ivana@pleven.test").await;
        assert_eq!(mails.len(), 1, "{kind}");
        let (subject, text) = &mails[0];
        assert_eq!(subject, "Вашият профил в townpass: задайте парола");
        assert!(text.contains("Здравейте, Ivana Petrova"), "{text}");
        assert!(text.contains("https://pass.example.org/login"), "{text}");
        let secret = link_secret(text);
        assert_eq!(
            mail_to(&app, "ivana@pleven.test").await.len(),
            0,
            "sent once"
        );
        // Nobody logs in before setting a password.
        app.logout_locally();
        assert_eq!(app.login("ivana@pleven.test", "!invited").await.status, 401);

        let set_path = format!("/password/set/{secret}");
        let form = app.get(&set_path).await;
        assert_eq!(form.status, 200, "{kind}");
        assert!(form.text().contains("Welcome, Ivana Petrova"));
        assert_eq!(form.header("cache-control"), Some("no-store"));
        let set = |new: &'static str, again: &'static str| {
            let app = &app;
            let path = set_path.clone();
            async move {
                app.post_form(&path, &[("new", new), ("again", again)])
                    .await
            }
        };
        assert_eq!(set("short", "short").await.status, 422);
        assert_eq!(
            set("a long new password", "another long one").await.status,
            422
        );
        let done = set("ivana's own password", "ivana's own password").await;
        assert_eq!(done.status, 200, "{}", done.text());
        assert!(done.text().contains("Your password is set"));
        // The link works once.
        assert_eq!(
            set("a second password!", "a second password!").await.status,
            410
        );
        assert_eq!(app.get(&set_path).await.status, 410);
        assert_eq!(
            app.login("ivana@pleven.test", "ivana's own password")
                .await
                .status,
            303,
            "{kind}"
        );
        assert_eq!(app.get("/desk").await.status, 200);
        app.logout_locally();

        // Forgotten: the same answer whether or not the address has an account.
        let unknown = app
            .post_form("/password/forgot", &[("email", "nobody@nowhere.test")])
            .await;
        let known = app
            .post_form("/password/forgot", &[("email", "ivana@pleven.test")])
            .await;
        assert_eq!((unknown.status, known.status), (200, 200));
        assert_eq!(
            unknown.text().replace("nobody@nowhere.test", "X"),
            known.text().replace("ivana@pleven.test", "X")
        );
        let ivana = app
            .db
            .store
            .user_by_email("ivana@pleven.test")
            .await
            .expect("read")
            .expect("ivana");
        for _ in 0..100 {
            if app
                .db
                .store
                .password_links_of(ivana.id)
                .await
                .expect("links")
                .len()
                == 2
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let mails = mail_to(&app, "ivana@pleven.test").await;
        assert_eq!(
            mails.len(),
            1,
            "{kind}: the reset link, and nothing to nobody"
        );
        assert_eq!(mails[0].0, "Set a new townpass password");
        let reset = link_secret(&mails[0].1);
        // Someone guessing her password makes her wait ...
        for _ in 0..6 {
            app.login("ivana@pleven.test", "a wrong guess").await;
        }
        assert_eq!(
            app.login("ivana@pleven.test", "ivana's own password")
                .await
                .status,
            429
        );
        // ... until the reset, which also lifts the wait.
        let path = format!("/password/set/{reset}");
        let done = app
            .post_form(
                &path,
                &[
                    ("new", "a fresh password 2"),
                    ("again", "a fresh password 2"),
                ],
            )
            .await;
        assert_eq!(done.status, 200, "{}", done.text());
        assert_eq!(
            app.login("ivana@pleven.test", "ivana's own password")
                .await
                .status,
            401,
            "the old password is gone"
        );
        assert_eq!(
            app.login("ivana@pleven.test", "a fresh password 2")
                .await
                .status,
            303,
            "{kind}"
        );
        app.logout_locally();

        // The operator changes her role (a partner speaks for a partner) and sends links, at
        // most three an hour.
        app.login("admin@demo.test", DESK_PASSWORD).await;
        let user_path = format!("/admin/users/{}", ivana.id);
        let page = app.get(&user_path).await;
        assert_eq!(page.status, 200);
        let csrf = page.field("csrf").expect("csrf");
        let wrong = app
            .post_form(
                &user_path,
                &[
                    ("csrf", &csrf),
                    ("action", "role"),
                    ("role", "partner"),
                    ("place", "sales_point:sofia-tic"),
                ],
            )
            .await;
        assert_eq!(wrong.status, 422);
        let moved = app
            .post_form(
                &user_path,
                &[
                    ("csrf", &csrf),
                    ("action", "role"),
                    ("role", "partner"),
                    ("place", "partner:nim"),
                ],
            )
            .await;
        assert_eq!(moved.status, 200, "{}", moved.text());
        let ivana = app
            .db
            .store
            .user_by_id(ivana.id)
            .await
            .expect("read")
            .expect("ivana");
        assert_eq!(ivana.role, "partner");
        assert!(ivana.partner_id.is_some() && ivana.sales_point_id.is_none());
        let mut sent = 0;
        loop {
            let r = app
                .post_form(&user_path, &[("csrf", &csrf), ("action", "link")])
                .await;
            if r.status == 422 {
                assert!(r.text().contains("Three links"), "{}", r.text());
                break;
            }
            assert_eq!(r.status, 200);
            sent += 1;
            assert!(sent < 5, "{kind}: links never refused");
        }
        assert_eq!(
            sent, 2,
            "{kind}: the invitation was the operator's first; the reset she asked for herself \
             counts apart (so nobody can use up an operator's links with 'forgot password')"
        );

        // A link of a disabled account, or an expired one, sets nothing.
        let newest = link_secret(&mail_to(&app, "ivana@pleven.test").await[0].1);
        app.post_form(&user_path, &[("csrf", &csrf), ("action", "disable")])
            .await;
        assert_eq!(
            app.get(&format!("/password/set/{newest}")).await.status,
            410
        );
        // An operator is told to enable a disabled account before sending it a link.
        let refused = app
            .post_form(&user_path, &[("csrf", &csrf), ("action", "link")])
            .await;
        assert_eq!(refused.status, 422, "{kind}");
        assert!(
            refused.text().contains("enable it first"),
            "{}",
            refused.text()
        );
        // Every change to her access is in the audit log, by the operator's e-mail.
        let log = app.db.store.audit_log(20).await.expect("log");
        let about_her: Vec<&str> = log
            .iter()
            .filter(|a| a.subject == "ivana@pleven.test")
            .map(|a| a.action.as_str())
            .collect();
        for action in [
            "user_invited",
            "user_role",
            "user_link_sent",
            "user_disabled",
        ] {
            assert!(
                about_her.contains(&action),
                "{kind}: {action} in {about_her:?}"
            );
        }
        assert!(
            log.iter()
                .filter(|a| a.subject == "ivana@pleven.test")
                .all(|a| a.actor == "admin:admin@demo.test"),
            "{kind}: who did it"
        );
        let (secret, hash) = townpass::accounts::new_link_secret().expect("secret");
        let now = townpass::store::now();
        app.db
            .store
            .add_password_link(
                &app.db
                    .store
                    .user_by_email("desk@sofia-tic.test")
                    .await
                    .expect("read")
                    .expect("desk"),
                &townpass::store::NewLink {
                    token_hash: &hash,
                    secret: &secret,
                    purpose: townpass::store::LinkPurpose::Reset,
                    expires_at: now - 1,
                    created_by: None,
                    language: "en",
                },
                3,
                now,
            )
            .await
            .expect("link");
        let expired = app
            .post_form(
                &format!("/password/set/{secret}"),
                &[("new", "never set at all"), ("again", "never set at all")],
            )
            .await;
        assert_eq!(expired.status, 410, "{kind}");
        assert!(expired.text().contains("no longer works"));
        assert_eq!(
            mail_to(&app, "desk@sofia-tic.test").await.len(),
            0,
            "an expired link is not sent"
        );
    }
}

#[tokio::test]
async fn the_operator_edits_partners_and_adds_a_town_in_the_browser_with_errors_at_the_fields_and_every_change_logged()
 {
    for app in apps().await {
        let kind = app.db.kind;
        app.add_user("admin@demo.test", "admin", None, DESK_PASSWORD)
            .await;
        let store = &app.db.store;
        let before = store.load_catalogue().await.expect("read").expect("demo");

        // A desk clerk cannot open the catalogue.
        app.login("desk@sofia-tic.test", DESK_PASSWORD).await;
        assert_eq!(app.get("/admin/catalogue").await.status, 403, "{kind}");
        app.login("admin@demo.test", DESK_PASSWORD).await;

        // The list names every item; the partner's form holds what is stored.
        let list = app.get("/admin/catalogue").await;
        assert_eq!(list.status, 200, "{kind}");
        for p in &before.partners {
            assert!(list.text().contains(&p.name), "{kind}: {}", p.name);
        }
        let page = app.get("/admin/catalogue/partners/nim").await;
        assert_eq!(page.status, 200);
        assert!(page.text().contains("value=\"BG80BNBG96611020345678\""));
        let csrf = page.field("csrf").expect("csrf");
        let base = page.field("base").expect("what the form was opened on");
        let partner_form = |name: &'static str, iban: &'static str, country: &'static str| {
            vec![
                ("csrf", csrf.clone()),
                ("base", base.clone()),
                ("name", name.to_string()),
                ("email", "accounts@historymuseum.example".to_string()),
                ("vat_id", "BG000000017".to_string()),
                ("currency", "EUR".to_string()),
                ("iban", iban.to_string()),
                ("bic", "COBADEFFXXX".to_string()),
                ("addr_street", "Vitoshko Lale St".to_string()),
                ("addr_building", "16".to_string()),
                ("addr_post_code", "1618".to_string()),
                ("addr_town", "Sofia".to_string()),
                ("addr_country", country.to_string()),
            ]
        };
        let post = |fields: Vec<(&'static str, String)>, path: &'static str| {
            let app = &app;
            async move {
                let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.post_form(path, &f).await
            }
        };

        // A wrong IBAN and a country in words: each said at its field, what was typed kept,
        // nothing changed.
        let bad = post(
            partner_form(
                "National Historical Museum",
                "DE89 3704 0044 0532 0130 01",
                "Bulgaria",
            ),
            "/admin/catalogue/partners/nim",
        )
        .await;
        assert_eq!(bad.status, 422, "{kind}");
        let text = bad.text();
        assert!(
            text.contains("id=\"iban-error\"") && text.contains("Not a valid IBAN"),
            "{text}"
        );
        assert!(text.contains("id=\"addr_country-error\""), "{text}");
        assert!(
            text.contains("<span class=\"code\">nim</span>"),
            "the refused form still says which partner it edits: {text}"
        );
        assert!(
            text.contains("value=\"DE89 3704 0044 0532 0130 01\""),
            "kept: {text}"
        );
        assert_eq!(
            store.load_catalogue().await.expect("read").as_ref(),
            Some(&before)
        );

        // What only the whole catalogue's validation knows (a bank transfer takes 70 Latin
        // letters of a name) is said at the field too.
        let long = post(
            partner_form(
                "National Historical Museum of the Republic of Bulgaria, Sofia, Boyana district office",
                "DE89 3704 0044 0532 0130 00",
                "BG",
            ),
            "/admin/catalogue/partners/nim",
        )
        .await;
        assert_eq!(long.status, 422, "{kind}");
        assert!(long.text().contains("id=\"name-error\""), "{}", long.text());
        assert!(long.text().contains("Latin letters"), "{}", long.text());
        assert_eq!(
            store.load_catalogue().await.expect("read").as_ref(),
            Some(&before)
        );

        // Corrected: saved, as the file would have saved it.
        let good = post(
            partner_form(
                "National Historical Museum",
                "DE89 3704 0044 0532 0130 00",
                "bg",
            ),
            "/admin/catalogue/partners/nim",
        )
        .await;
        assert_eq!(good.status, 303, "{kind}: {}", good.text());
        assert_eq!(
            good.header("location"),
            Some("/admin/catalogue?saved=partners/nim#partners")
        );
        let after = store.load_catalogue().await.expect("read").expect("cat");
        let nim = after
            .partners
            .iter()
            .find(|p| p.code == "nim")
            .expect("nim");
        assert_eq!(nim.iban.as_deref(), Some("DE89370400440532013000"));
        assert_eq!(nim.bic.as_deref(), Some("COBADEFFXXX"));
        assert_eq!(nim.address.as_ref().map(|a| a.country.as_str()), Some("BG"));
        assert_eq!(after.towns, before.towns, "nothing else changed");
        assert_eq!(after.products, before.products);

        // The list says who changed what, and when; so does the partner's own page.
        let list = app.get("/admin/catalogue?saved=partners/nim").await.text();
        assert!(
            list.contains("Saved: National Historical Museum."),
            "{list}"
        );
        let changes = list
            .split("id=\"changes-table\"")
            .nth(1)
            .expect("changes table");
        assert!(changes.contains("admin@demo.test"), "{changes}");
        assert!(
            changes.contains("National Historical Museum") && changes.contains("bic, iban"),
            "{changes}"
        );
        let page = app.get("/admin/catalogue/partners/nim").await.text();
        assert!(
            page.contains("id=\"history\"") && page.contains("bic, iban"),
            "{page}"
        );

        // A new town: a code already taken, a country and a zone that do not exist.
        let page = app.get("/admin/catalogue/towns/new").await;
        assert_eq!(page.status, 200);
        let csrf = page.field("csrf").expect("csrf");
        let town = |code: &'static str, country: &'static str, zone: &'static str| {
            vec![
                ("csrf", csrf.clone()),
                ("code", code.to_string()),
                ("name.en", "Bansko".to_string()),
                ("name.bg", "Банско".to_string()),
                ("country", country.to_string()),
                ("time_zone", zone.to_string()),
            ]
        };
        let bad = post(
            town("sofia", "Bulgaria", "Europe/Atlantis"),
            "/admin/catalogue/towns/new",
        )
        .await;
        assert_eq!(bad.status, 422);
        for field in ["code", "country", "time_zone"] {
            assert!(
                bad.text().contains(&format!("id=\"{field}-error\"")),
                "{field}: {}",
                bad.text()
            );
        }
        let bad_code = post(
            town("Bansko Town", "BG", "Europe/Sofia"),
            "/admin/catalogue/towns/new",
        )
        .await;
        assert_eq!(bad_code.status, 422);
        assert!(bad_code.text().contains("id=\"code-error\""));
        assert_eq!(
            store
                .load_catalogue()
                .await
                .expect("read")
                .expect("cat")
                .towns,
            before.towns
        );
        // "XX" is no country; a name of 5,000 letters is no name.
        let xx = post(
            town("bansko", "XX", "Europe/Sofia"),
            "/admin/catalogue/towns/new",
        )
        .await;
        assert_eq!(xx.status, 422);
        assert!(xx.text().contains("id=\"country-error\""));
        let mut long = town("bansko", "BG", "Europe/Sofia");
        long.push(("name.de", "B".repeat(5000)));
        let long = post(long, "/admin/catalogue/towns/new").await;
        assert_eq!(long.status, 422);
        assert!(
            long.text().contains("at most 200 characters"),
            "{}",
            long.text()
        );
        // The zone as typed in lower case is stored as the IANA database spells it.
        let added = post(
            town("bansko", "BG", "europe/sofia"),
            "/admin/catalogue/towns/new",
        )
        .await;
        assert_eq!(added.status, 303, "{kind}: {}", added.text());
        let after = store.load_catalogue().await.expect("read").expect("cat");
        let bansko = after
            .towns
            .iter()
            .find(|t| t.code == "bansko")
            .expect("added");
        assert_eq!(bansko.name.get("bg").map(String::as_str), Some("Банско"));
        assert_eq!(bansko.country, "BG");
        assert_eq!(bansko.time_zone, "Europe/Sofia");
        // The "saved" notice only ever names an item that exists.
        let forged = app
            .get("/admin/catalogue?saved=towns/All%20partner%20payouts%20were%20cancelled")
            .await
            .text();
        assert!(!forged.contains("role=\"status\""), "{forged}");
        // A venue can now be placed in it.
        assert!(
            app.get("/admin/catalogue/venues/new")
                .await
                .text()
                .contains("<option value=\"bansko\">Bansko</option>")
        );

        // A sales point's commission in percent (a comma is fine), stored in basis points.
        let page = app.get("/admin/catalogue/sales-points/sofia-tic").await;
        let csrf = page.field("csrf").expect("csrf");
        let base = page.field("base").expect("base");
        let sp = |commission: &'static str| {
            vec![
                ("csrf", csrf.clone()),
                ("base", base.clone()),
                ("name", "Sofia Tourist Information Centre".to_string()),
                ("town", "sofia".to_string()),
                ("commission", commission.to_string()),
            ]
        };
        let bad = post(sp("120"), "/admin/catalogue/sales-points/sofia-tic").await;
        assert_eq!(bad.status, 422);
        assert!(bad.text().contains("id=\"commission-error\""));
        let ok = post(sp("7,25"), "/admin/catalogue/sales-points/sofia-tic").await;
        assert_eq!(ok.status, 303);
        let after = store.load_catalogue().await.expect("read").expect("cat");
        let tic = after
            .sales_points
            .iter()
            .find(|s| s.code == "sofia-tic")
            .expect("tic");
        assert_eq!(tic.commission_bp, 725);

        // The downloaded file is the stored catalogue: applied again, it changes nothing.
        let file = app.get("/admin/catalogue.toml").await;
        assert_eq!(file.status, 200);
        let report = townpass::catalog::apply(store, &file.text(), townpass::store::now())
            .await
            .expect("applies");
        assert!(!report.changed(), "{kind}: {:?}", report.changes);

        // An item that does not exist is not found; a form without its token changes nothing.
        assert_eq!(
            app.get("/admin/catalogue/partners/nobody").await.status,
            404
        );
        assert_eq!(app.get("/admin/catalogue/widgets/adult").await.status, 404);
        let no_token = app
            .post_form(
                "/admin/catalogue/towns/new",
                &[
                    ("code", "razlog"),
                    ("name.en", "Razlog"),
                    ("country", "BG"),
                    ("time_zone", "Europe/Sofia"),
                ],
            )
            .await;
        assert_ne!(no_token.status, 303);
        assert!(
            !store
                .load_catalogue()
                .await
                .expect("read")
                .expect("cat")
                .towns
                .iter()
                .any(|t| t.code == "razlog")
        );
    }
}

/// Every field a form would send as the page shows it: inputs (ticked checkboxes only) and the
/// chosen option of each select.
fn form_fields(page: &str, action: &str) -> Vec<(String, String)> {
    let start = page
        .find(&format!("action=\"{action}\""))
        .expect("the form");
    let form = &page[start..start + page[start..].find("</form>").expect("form end")];
    let attr = |tag: &str, name: &str| -> Option<String> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let value = &tag[at..at + tag[at..].find('"')?];
        Some(
            value
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&"),
        )
    };
    let mut out = Vec::new();
    for piece in form.split("<input").skip(1) {
        let tag = &piece[..piece.find('>').expect("tag end")];
        let Some(name) = attr(tag, "name") else {
            continue;
        };
        if attr(tag, "type").as_deref() == Some("checkbox") && !tag.contains(" checked") {
            continue;
        }
        out.push((name, attr(tag, "value").unwrap_or_default()));
    }
    for piece in form.split("<select").skip(1) {
        let head = &piece[..piece.find('>').expect("tag end")];
        let name = attr(head, "name").expect("select name");
        let body = &piece[..piece.find("</select>").expect("select end")];
        let chosen = body
            .split("<option")
            .skip(1)
            .find(|o| o[..o.find('>').unwrap_or(0)].contains(" selected"))
            .and_then(|o| attr(&o[..o.find('>').unwrap_or(0)], "value"))
            .unwrap_or_default();
        out.push((name, chosen));
    }
    out
}

#[tokio::test]
async fn the_operator_edits_offers_and_products_in_the_browser_and_a_sold_product_gets_a_new_version()
 {
    for app in apps().await {
        let kind = app.db.kind;
        let store = &app.db.store;
        app.add_user("admin@demo.test", "admin", None, DESK_PASSWORD)
            .await;
        app.login("admin@demo.test", DESK_PASSWORD).await;
        let path = "/admin/catalogue/products/bulgaria-72h";
        let send = |fields: Vec<(String, String)>| {
            let app = &app;
            async move {
                let f: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                app.post_form(path, &f).await
            }
        };
        let with = |mut fields: Vec<(String, String)>, key: &str, value: Option<&str>| {
            fields.retain(|(k, _)| k != key);
            if let Some(v) = value {
                fields.push((key.to_string(), v.to_string()));
            }
            fields
        };
        let changes = || async { store.catalogue_changes(None, 100).await.expect("log").len() };

        // Saved as shown: nothing changes, nothing is logged.
        let page = app.get(path).await;
        assert_eq!(page.status, 200, "{kind}");
        let shown = form_fields(&page.text(), path);
        assert!(
            shown.contains(&("price.main.adult".into(), "45.00".into())),
            "{shown:?}"
        );
        assert!(
            shown.contains(&("offer.nim-entry".into(), "on".into())),
            "{shown:?}"
        );
        let logged = changes().await;
        let same = send(shown.clone()).await;
        assert_eq!(same.status, 303, "{kind}: {}", same.text());
        assert_eq!(
            changes().await,
            logged,
            "{kind}: an unchanged form changes nothing"
        );
        assert_eq!(
            store
                .product_by_code("bulgaria-72h")
                .await
                .expect("p")
                .version,
            1
        );

        // Mistakes at their fields: a price that is not an amount, no offer at all.
        let mut bad = with(shown.clone(), "price.main.child", Some("22,5x"));
        bad.retain(|(k, _)| !k.starts_with("offer."));
        let bad = send(bad).await;
        assert_eq!(bad.status, 422, "{kind}");
        for field in ["prices", "offers"] {
            assert!(
                bad.text().contains(&format!("id=\"{field}-error\"")),
                "{field}: {}",
                bad.text()
            );
        }
        assert!(bad.text().contains("Not an amount: 22,5x"));
        // "Choose 0" and a price beyond any pass.
        let bad = send(with(
            with(shown.clone(), "choose", Some("0")),
            "price.main.adult",
            Some("92233720368547758.07"),
        ))
        .await;
        assert_eq!(bad.status, 422, "{kind}");
        for field in ["choose", "prices"] {
            assert!(
                bad.text().contains(&format!("id=\"{field}-error\"")),
                "{field}: {}",
                bad.text()
            );
        }

        // Unsold, a change edits the product in place.
        let ok = send(with(shown.clone(), "price.main.senior", Some("31"))).await;
        assert_eq!(ok.status, 303, "{kind}: {}", ok.text());
        assert_eq!(
            ok.header("location"),
            Some("/admin/catalogue?saved=products/bulgaria-72h#products")
        );
        let row = store.product_by_code("bulgaria-72h").await.expect("p");
        assert_eq!((row.version, row.product.prices["senior"]), (1, 3100));

        // Sold, a change becomes a new version, and the page says so.
        buy(&app, &[("qty_adult", "1"), ("email", "buyer@example.org")]).await;
        let shown = form_fields(&app.get(path).await.text(), path);
        let ok = send(with(shown, "price.main.adult", Some("50.00"))).await;
        assert_eq!(ok.status, 303, "{kind}: {}", ok.text());
        let location = ok.header("location").expect("location").to_string();
        assert!(location.contains("&version=2"), "{location}");
        let row = store.product_by_code("bulgaria-72h").await.expect("p");
        assert_eq!((row.version, row.product.prices["adult"]), (2, 5000));
        let list = app.get(&location).await.text();
        assert!(list.contains("as version 2"), "{list}");
        assert!(
            list.contains("new version (the old one was sold)"),
            "{list}"
        );

        // An offer: a discount with no amount is refused at its field; once per day is saved.
        let offer = "/admin/catalogue/offers/nim-entry";
        let shown = form_fields(&app.get(offer).await.text(), offer);
        let post = |fields: Vec<(String, String)>| {
            let app = &app;
            async move {
                let f: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                app.post_form(offer, &f).await
            }
        };
        let bad = post(with(shown.clone(), "kind", Some("discount"))).await;
        assert_eq!(bad.status, 422, "{kind}");
        assert!(
            bad.text().contains("id=\"discount-error\""),
            "{}",
            bad.text()
        );
        // Opening hours gates could not read, an event that ends before it starts.
        let bad = post(with(
            with(
                with(shown.clone(), "hours", Some("9-17")),
                "from",
                Some("2027-08-31"),
            ),
            "until",
            Some("2027-06-01"),
        ))
        .await;
        assert_eq!(bad.status, 422, "{kind}");
        for field in ["hours", "until"] {
            assert!(
                bad.text().contains(&format!("id=\"{field}-error\"")),
                "{field}: {}",
                bad.text()
            );
        }
        let ok = post(with(shown, "limit", Some("daily"))).await;
        assert_eq!(ok.status, 303, "{kind}: {}", ok.text());
        let cat = store.load_catalogue().await.expect("read").expect("cat");
        let nim = cat
            .offers
            .iter()
            .find(|o| o.code == "nim-entry")
            .expect("offer");
        assert_eq!(nim.limit, townpass_core::catalog::Limit::Daily);
    }
}

#[tokio::test]
async fn the_operator_edits_its_own_details_and_adds_a_price_category_in_the_browser() {
    for app in apps().await {
        let kind = app.db.kind;
        let store = &app.db.store;
        app.add_user("admin@demo.test", "admin", None, DESK_PASSWORD)
            .await;
        app.login("admin@demo.test", DESK_PASSWORD).await;
        let path = "/admin/catalogue/operator/details";
        let page = app.get(path).await;
        assert_eq!(page.status, 200, "{kind}");
        let shown = form_fields(&page.text(), path);
        let send = |fields: Vec<(String, String)>, to: &'static str| {
            let app = &app;
            async move {
                let f: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                app.post_form(to, &f).await
            }
        };
        let with = |mut fields: Vec<(String, String)>, key: &str, value: &str| {
            fields.retain(|(k, _)| k != key);
            fields.push((key.to_string(), value.to_string()));
            fields
        };
        let before = store.load_catalogue().await.expect("read").expect("cat");

        // A zone that does not exist is said at its field; nothing changes.
        let bad = send(with(shown.clone(), "time_zone", "Europe/Atlantis"), path).await;
        assert_eq!(bad.status, 422, "{kind}");
        assert!(
            bad.text().contains("id=\"time_zone-error\""),
            "{}",
            bad.text()
        );
        assert_eq!(
            store.load_catalogue().await.expect("read").as_ref(),
            Some(&before)
        );

        // A new name is saved and logged.
        let renamed = send(
            with(shown.clone(), "name", "Bulgarian Heritage Association"),
            path,
        )
        .await;
        assert_eq!(renamed.status, 303, "{kind}: {}", renamed.text());
        let after = store.load_catalogue().await.expect("read").expect("cat");
        assert_eq!(after.operator.name, "Bulgarian Heritage Association");
        let log = store
            .catalogue_changes(Some(("operator", "")), 5)
            .await
            .expect("log");
        assert_eq!(log[0].changed_fields(), vec!["name".to_string()], "{kind}");
        assert_eq!(log[0].actor, "admin:admin@demo.test");

        // Requiring Bulgarian names (on the form as it is now): every name the demo shows
        // visitors has a Bulgarian one, so it is saved; from then on the shared validation
        // refuses a name without one (the new category below).
        let shown = form_fields(&app.get(path).await.text(), path);
        let strict = send(with(shown.clone(), "lang.bg", "on"), path).await;
        assert_eq!(strict.status, 303, "{kind}: {}", strict.text());
        let without_bg = send(
            vec![
                (
                    "csrf".into(),
                    app.get("/admin/catalogue/categories/new")
                        .await
                        .field("csrf")
                        .expect("csrf"),
                ),
                ("code".into(), "youth".into()),
                ("name.en".into(), "Youth (15-25)".into()),
            ],
            "/admin/catalogue/categories/new",
        )
        .await;
        assert_eq!(without_bg.status, 422, "{kind}");
        assert!(
            without_bg.text().contains("id=\"name-error\"")
                && without_bg.text().contains("no 'bg' text"),
            "{}",
            without_bg.text()
        );

        // A new category takes the next number and is offered in the product form.
        let page = app.get("/admin/catalogue/categories/new").await;
        let csrf = page.field("csrf").expect("csrf");
        let made = send(
            vec![
                ("csrf".into(), csrf),
                ("code".into(), "youth".into()),
                ("name.en".into(), "Youth (15-25)".into()),
                ("name.bg".into(), "Младежи (15-25)".into()),
            ],
            "/admin/catalogue/categories/new",
        )
        .await;
        assert_eq!(made.status, 303, "{kind}: {}", made.text());
        let cats = store
            .load_catalogue()
            .await
            .expect("read")
            .expect("cat")
            .all_categories();
        let youth = cats.iter().find(|c| c.code == "youth").expect("youth");
        let highest_before = before
            .all_categories()
            .iter()
            .map(|c| c.id)
            .max()
            .expect("some");
        assert_eq!(youth.id, highest_before + 1);
        let form = app
            .get("/admin/catalogue/products/bulgaria-72h")
            .await
            .text();
        assert!(form.contains("name=\"price.main.youth\""), "{form}");
    }
}

#[tokio::test]
async fn two_operators_saving_at_once_never_undo_each_other_and_a_stale_form_is_caught() {
    for app in apps().await {
        let kind = app.db.kind;
        let store = &app.db.store;
        app.add_user("admin@demo.test", "admin", None, DESK_PASSWORD)
            .await;
        app.login("admin@demo.test", DESK_PASSWORD).await;
        let form = |path: String| {
            let app = &app;
            async move {
                let page = app.get(&path).await;
                assert_eq!(page.status, 200, "{path}");
                (path.clone(), form_fields(&page.text(), &path))
            }
        };
        let renamed = |fields: &[(String, String)], en: &str| -> Vec<(String, String)> {
            let mut f: Vec<(String, String)> = fields
                .iter()
                .filter(|(k, _)| k != "name.en")
                .cloned()
                .collect();
            f.push(("name.en".into(), en.to_string()));
            f
        };
        let post = |path: String, fields: Vec<(String, String)>| {
            let app = &app;
            async move {
                let f: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                app.post_form(&path, &f).await
            }
        };
        // Two towns saved at the same moment, again and again: both changes stay.
        for round in 0..6 {
            let (pa, fa) = form("/admin/catalogue/towns/sofia".into()).await;
            let (pb, fb) = form("/admin/catalogue/towns/plovdiv".into()).await;
            let a = format!("Sofia {round}");
            let b = format!("Plovdiv {round}");
            let (ra, rb) = tokio::join!(post(pa, renamed(&fa, &a)), post(pb, renamed(&fb, &b)));
            assert_eq!(
                (ra.status, rb.status),
                (303, 303),
                "{kind}: {} {}",
                ra.text(),
                rb.text()
            );
            let cat = store.load_catalogue().await.expect("read").expect("cat");
            let name = |code: &str| {
                cat.towns
                    .iter()
                    .find(|t| t.code == code)
                    .expect("town")
                    .name["en"]
                    .clone()
            };
            assert_eq!(
                (name("sofia"), name("plovdiv")),
                (a, b),
                "{kind}: round {round}"
            );
        }

        // A form opened before someone else saved the same town: refused, saying so, and the
        // other's change is kept; what was typed is still in the form.
        let (path, old_form) = form("/admin/catalogue/towns/sofia".into()).await;
        let (_, fresh) = form("/admin/catalogue/towns/sofia".into()).await;
        let first = post(path.clone(), renamed(&fresh, "Sofia (capital)")).await;
        assert_eq!(first.status, 303);
        let late = post(path.clone(), renamed(&old_form, "Sofia, Bulgaria")).await;
        assert_eq!(late.status, 422, "{kind}");
        assert!(
            late.text().contains("Someone else saved this item"),
            "{}",
            late.text()
        );
        assert!(late.text().contains("value=\"Sofia, Bulgaria\""));
        let cat = store.load_catalogue().await.expect("read").expect("cat");
        let sofia = cat.towns.iter().find(|t| t.code == "sofia").expect("sofia");
        assert_eq!(sofia.name["en"], "Sofia (capital)");
        // Saved again from that page, knowingly: it is the new name.
        let again = form_fields(&late.text(), &path);
        let ok = post(path, again).await;
        assert_eq!(ok.status, 303, "{kind}: {}", ok.text());
        let cat = store.load_catalogue().await.expect("read").expect("cat");
        assert_eq!(
            cat.towns
                .iter()
                .find(|t| t.code == "sofia")
                .expect("sofia")
                .name["en"],
            "Sofia, Bulgaria"
        );

        // The same new town sent twice (a double click): saved once, no error.
        let page = app.get("/admin/catalogue/towns/new").await;
        let csrf = page.field("csrf").expect("csrf");
        let town: Vec<(String, String)> = vec![
            ("csrf".into(), csrf),
            ("base".into(), String::new()),
            ("code".into(), "melnik".into()),
            ("name.en".into(), "Melnik".into()),
            ("country".into(), "BG".into()),
            ("time_zone".into(), "Europe/Sofia".into()),
        ];
        let (one, two) = tokio::join!(
            post("/admin/catalogue/towns/new".into(), town.clone()),
            post("/admin/catalogue/towns/new".into(), town)
        );
        assert_eq!((one.status, two.status), (303, 303), "{kind}");
    }
}
