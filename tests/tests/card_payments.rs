//! Card payments against `localstripe`, a real Stripe-compatible server (a stand-in for Stripe,
//! which cannot run here): the real `townpass serve` makes and confirms payment intents on it and
//! takes its signed webhooks. Each scenario runs on SQLite and on PostgreSQL.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use townpass_tests::webdriver::{self, Browser};
use townpass_tests::{
    DataDir, LocalStripe, STRIPE_WEBHOOK_SECRET, Server, demo_catalogue_path, on_both_databases,
};

on_both_databases!(
    a_tourist_buys_a_family_pass_in_the_shop_and_pays_by_card_in_chromium,
    a_card_payment_issues_the_passes_once_whether_the_page_or_the_webhook_comes_first,
    a_declined_card_issues_nothing_and_leaves_the_order_payable,
    a_card_that_needs_3d_secure_is_paid_once_the_buyer_has_authenticated,
    webhooks_with_a_bad_signature_or_replayed_change_nothing,
    a_card_payment_left_open_cannot_charge_an_order_the_desk_has_been_paid_for,
    two_windows_paying_one_order_at_once_charge_the_card_once,
    refunding_one_pass_paid_by_card_refunds_its_price_on_the_provider_once,
    placing_an_order_emails_its_code_link_and_lines_before_payment,
    refunds_of_one_pass_asked_at_once_reach_the_provider_once,
);

struct Shop {
    server: Server,
    stripe: LocalStripe,
    data: DataDir,
    agent: ureq::Agent,
}

/// The demo catalogue, localstripe, and a server that takes cards through it and its webhooks.
fn shop(data: DataDir) -> Option<Shop> {
    let stripe = LocalStripe::start()?;
    let out = data.townpass(&[
        "catalog",
        "apply",
        demo_catalogue_path().to_str().expect("path"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let env = stripe.server_env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = Server::start_with(&data, &env);
    stripe.send_webhooks_to(&format!("{}/webhooks/stripe", server.url));
    // A new connection per request: a kept-alive one the server has closed meanwhile (while
    // the browser was busy) would fail the next request before it is sent.
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_idle_connections_per_host(0)
        .build()
        .new_agent();
    Some(Shop {
        server,
        stripe,
        data,
        agent,
    })
}

impl Shop {
    /// Buys two adult 72 h passes in the shop, as the form does; the order's id.
    fn buy(&self) -> String {
        let response = self
            .agent
            .post(&format!("{}/p/bulgaria-72h/buy", self.server.url))
            .send_form([("qty_adult", "2"), ("email", "tourist@example.org")])
            .expect("shop answers");
        assert_eq!(response.status().as_u16(), 303);
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .expect("to the order page")
            .to_string();
        location.trim_start_matches("/o/").to_string()
    }

    /// A POST of the order page's card form: (status, JSON).
    fn card(&self, order: &str, step: &str, body: Value) -> (u16, Value) {
        let mut response = self
            .agent
            .post(&format!("{}/o/{order}/card/{step}", self.server.url))
            .header("content-type", "application/json")
            .send(body.to_string().as_bytes())
            .expect("server answers");
        let status = response.status().as_u16();
        (status, response.body_mut().read_json().unwrap_or_default())
    }

    /// The passes the order page shows (each one is an `<article class="pass"`).
    fn passes_shown(&self, order: &str) -> usize {
        let page = self
            .agent
            .get(&format!("{}/o/{order}?lang=en", self.server.url))
            .call()
            .expect("order page")
            .body_mut()
            .read_to_string()
            .expect("text");
        page.matches("<article class=\"pass\"").count()
    }

    /// How many e-mails with passes (a PDF attached) went out; the outbox writes them to
    /// DATA/mail. Each order's confirmation, sent when it is placed, is not counted.
    fn mails(&self) -> usize {
        self.mail_files()
            .iter()
            .filter(|m| m.contains("application/pdf"))
            .count()
    }

    /// The subject and text of every e-mail sent so far, as a mail client shows them.
    fn mail_texts(&self) -> Vec<String> {
        self.mail_files()
            .iter()
            .filter_map(|raw| {
                let m = mail_parser::MessageParser::default().parse(raw.as_bytes())?;
                Some(format!(
                    "{}\n{}",
                    m.subject().unwrap_or_default(),
                    m.body_text(0).unwrap_or_default()
                ))
            })
            .collect()
    }

    /// Every e-mail sent so far, as written (in order of sending).
    fn mail_files(&self) -> Vec<String> {
        let mut files: Vec<_> = std::fs::read_dir(self.data.path().join("mail"))
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        files
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect()
    }

    fn wait(&self, what: &str, mut done: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !done() {
            assert!(Instant::now() < deadline, "waited 20 s for {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn intent_of(&self, start: &Value) -> String {
        let secret = start["client_secret"].as_str().expect("client secret");
        secret.split("_secret_").next().expect("pi id").to_string()
    }

    /// A webhook as the provider sends it, signed with `secret` at `t`.
    fn send_event(&self, event: &Value, secret: &str, t: i64) -> (u16, Value) {
        use hmac::{Hmac, Mac};
        let payload = event.to_string();
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("key");
        mac.update(format!("{t}.{payload}").as_bytes());
        let signature = format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()));
        let mut response = self
            .agent
            .post(&format!("{}/webhooks/stripe", self.server.url))
            .header("content-type", "application/json")
            .header("stripe-signature", &signature)
            .send(payload.as_bytes())
            .expect("server answers");
        let status = response.status().as_u16();
        (status, response.body_mut().read_json().unwrap_or_default())
    }
}

impl Shop {
    /// Pays an order by card through its page (as the card form does); its payment intent.
    fn pay_by_card(&self, order: &str) -> String {
        let (_, start) = self.card(order, "start", json!({}));
        let intent = self.intent_of(&start);
        let card = self.stripe.card("4242424242424242");
        let (status, paid) = self.card(order, "confirm", json!({"payment_method": card}));
        assert_eq!(
            (status, paid["status"].as_str()),
            (200, Some("paid")),
            "{paid}"
        );
        intent
    }

    /// The order page in English.
    fn order_page(&self, order: &str) -> String {
        self.agent
            .get(&format!("{}/o/{order}?lang=en", self.server.url))
            .call()
            .expect("order page")
            .body_mut()
            .read_to_string()
            .expect("text")
    }

    /// The pass numbers on the order page, in order.
    fn serials(&self, order: &str) -> Vec<String> {
        self.order_page(order)
            .split("data-serial=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .map(str::to_string)
            .collect()
    }

    /// `townpass passes revoke SERIAL --refund --json`, with the card provider at `api_base`.
    fn revoke_with_refund(&self, serial: &str, api_base: &str) -> std::process::Output {
        self.data
            .command()
            .args([
                "passes",
                "revoke",
                serial,
                "--reason",
                "plans changed",
                "--refund",
                "--json",
            ])
            .env(
                "TOWNPASS_STRIPE_SECRET_KEY",
                townpass_tests::STRIPE_SECRET_KEY,
            )
            .env("TOWNPASS_STRIPE_API_BASE", api_base)
            .output()
            .expect("townpass runs")
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn a_card_payment_issues_the_passes_once_whether_the_page_or_the_webhook_comes_first(
    data: DataDir,
) {
    let Some(shop) = shop(data) else { return };

    // The page first: the buyer's card is confirmed through the server, which issues at once;
    // the webhook that follows a second later finds the order paid and issues nothing more.
    let order = shop.buy();
    assert_eq!(shop.passes_shown(&order), 0, "nothing before payment");
    let (status, start) = shop.card(&order, "start", json!({}));
    assert_eq!(status, 200, "{start}");
    assert_eq!(start["status"], "requires_payment_method", "{start}");
    assert_eq!(
        start["amount"], 9000,
        "two adult passes at 45.00 EUR: {start}"
    );
    assert_eq!(start["currency"], "EUR");
    let (_, again) = shop.card(&order, "start", json!({}));
    assert_eq!(
        again["client_secret"], start["client_secret"],
        "one intent per order"
    );
    let card = shop.stripe.card("4242424242424242");
    let (status, paid) = shop.card(&order, "confirm", json!({"payment_method": card}));
    assert_eq!(
        (status, paid["status"].as_str()),
        (200, Some("paid")),
        "{paid}"
    );
    assert_eq!(shop.passes_shown(&order), 2);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        shop.passes_shown(&order),
        2,
        "the webhook issued nothing more"
    );
    shop.wait("the passes' e-mail", || shop.mails() == 1);
    let (_, checked) = shop.card(&order, "check", json!({}));
    assert_eq!(checked["status"], "paid");
    assert_eq!(shop.passes_shown(&order), 2);

    // The webhook first: the provider has taken the payment but the buyer's page never came
    // back (closed, or cut off); the webhook issues the passes, and a later look adds nothing.
    let order = shop.buy();
    let (_, start) = shop.card(&order, "start", json!({}));
    let intent = shop.intent_of(&start);
    let card = shop.stripe.card("4242424242424242");
    let (status, _) = shop.stripe.post(
        &format!("/v1/payment_intents/{intent}"),
        &[("payment_method", &card)],
    );
    assert_eq!(status, 200);
    let (status, confirmed) = shop
        .stripe
        .post(&format!("/v1/payment_intents/{intent}/confirm"), &[]);
    assert_eq!(
        (status, confirmed["status"].as_str()),
        (200, Some("succeeded"))
    );
    shop.wait("the webhook to issue the passes", || {
        shop.passes_shown(&order) == 2
    });
    let (_, checked) = shop.card(&order, "check", json!({}));
    assert_eq!(checked["status"], "paid");
    assert_eq!(shop.passes_shown(&order), 2);
    shop.wait("the second order's e-mail", || shop.mails() == 2);
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(shop.mails(), 2, "one e-mail per order");
}

fn a_declined_card_issues_nothing_and_leaves_the_order_payable(data: DataDir) {
    let Some(shop) = shop(data) else { return };
    let order = shop.buy();
    shop.card(&order, "start", json!({}));
    let declined = shop.stripe.card("4000000000000341");
    let (status, answer) = shop.card(&order, "confirm", json!({"payment_method": declined}));
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (402, Some("declined")),
        "{answer}"
    );
    assert!(
        answer["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("declined")),
        "the buyer reads why: {answer}"
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        shop.passes_shown(&order),
        0,
        "a failed payment issues nothing"
    );
    let (_, checked) = shop.card(&order, "check", json!({}));
    assert_eq!(checked["paid"], false, "{checked}");

    // Payable again, with another card.
    let (status, start) = shop.card(&order, "start", json!({}));
    assert_eq!(status, 200, "{start}");
    let good = shop.stripe.card("4242424242424242");
    let (status, paid) = shop.card(&order, "confirm", json!({"payment_method": good}));
    assert_eq!(
        (status, paid["status"].as_str()),
        (200, Some("paid")),
        "{paid}"
    );
    assert_eq!(shop.passes_shown(&order), 2);

    // Nonsense is refused before the provider hears of it.
    let (status, _) = shop.card(&order, "confirm", json!({"payment_method": "x\"; DROP"}));
    assert_eq!(status, 400);
    let (status, _) = shop.card(&"0".repeat(32), "start", json!({}));
    assert_eq!(status, 404);
}

fn a_card_that_needs_3d_secure_is_paid_once_the_buyer_has_authenticated(data: DataDir) {
    let Some(shop) = shop(data) else { return };
    let order = shop.buy();
    let (_, start) = shop.card(&order, "start", json!({}));
    let card = shop.stripe.card("4000000000003220");
    let (status, answer) = shop.card(&order, "confirm", json!({"payment_method": card}));
    assert_eq!(
        (status, answer["status"].as_str()),
        (200, Some("requires_action")),
        "{answer}"
    );
    assert_eq!(answer["client_secret"], start["client_secret"]);
    assert_eq!(shop.passes_shown(&order), 0);
    // What Stripe.js does in the page (the stand-in's authentication step).
    let intent = shop.intent_of(&start);
    let secret = start["client_secret"].as_str().expect("secret");
    let (status, _) = shop.stripe.post(
        &format!("/v1/payment_intents/{intent}/_authenticate?success=true"),
        &[("client_secret", secret)],
    );
    assert_eq!(status, 200);
    let (_, checked) = shop.card(&order, "check", json!({}));
    assert_eq!(checked["status"], "paid", "{checked}");
    assert_eq!(shop.passes_shown(&order), 2);
}

fn webhooks_with_a_bad_signature_or_replayed_change_nothing(data: DataDir) {
    let Some(shop) = shop(data) else { return };
    let order = shop.buy();
    let (_, start) = shop.card(&order, "start", json!({}));
    let intent = shop.intent_of(&start);
    let event = json!({
        "id": "evt_forged_1",
        "type": "payment_intent.succeeded",
        "data": {"object": {"id": intent, "object": "payment_intent", "status": "succeeded"}},
    });
    // Signed with another secret, or too old: refused, nothing changes.
    let (status, answer) = shop.send_event(&event, "whsec_wrong", now());
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (400, Some("bad_signature"))
    );
    let (status, _) = shop.send_event(&event, STRIPE_WEBHOOK_SECRET, now() - 3600);
    assert_eq!(status, 400);
    // Correctly signed but untrue (the provider says the intent is not paid): nothing issued.
    let (status, _) = shop.send_event(&event, STRIPE_WEBHOOK_SECRET, now());
    assert_eq!(status, 200);
    assert_eq!(shop.passes_shown(&order), 0);

    // Paid for real; then the same event again (the provider retries): nothing more.
    let card = shop.stripe.card("4242424242424242");
    let (_, paid) = shop.card(&order, "confirm", json!({"payment_method": card}));
    assert_eq!(paid["status"], "paid");
    let real = json!({
        "id": "evt_replayed_2",
        "type": "payment_intent.succeeded",
        "data": {"object": {"id": intent, "object": "payment_intent", "status": "succeeded"}},
    });
    let (status, first) = shop.send_event(&real, STRIPE_WEBHOOK_SECRET, now());
    assert_eq!(status, 200, "{first}");
    let (status, second) = shop.send_event(&real, STRIPE_WEBHOOK_SECRET, now());
    assert_eq!(
        (status, second["replay"].as_bool()),
        (200, Some(true)),
        "{second}"
    );
    assert_eq!(shop.passes_shown(&order), 2);
}

fn a_tourist_buys_a_family_pass_in_the_shop_and_pays_by_card_in_chromium(data: DataDir) {
    if !webdriver::available() {
        return;
    }
    let Some(shop) = shop(data) else { return };
    let browser = Browser::start();
    browser.goto(&format!("{}/p/bulgaria-72h?lang=en", shop.server.url));
    // Two adults and two children: the total follows the quantities, and the shop offers the
    // family pass, which costs less; one click takes it.
    browser.fill("input[name=qty_adult]", "2");
    browser.fill("input[name=qty_child]", "2");
    browser.wait_for(
        "document.getElementById('total').textContent === 'Total: €134.00'",
        10,
    );
    assert_eq!(
        browser.text("#family-hint span"),
        "A family pass costs €99.00, less than €134.00 for these single passes."
    );
    assert_eq!(
        browser.find_all("fieldset.names input").len(),
        4,
        "a name field per pass"
    );
    browser.click("#family-hint button");
    browser.wait_for(
        "document.getElementById('total').textContent === 'Total: €99.00'",
        10,
    );
    assert_eq!(
        browser.execute("return document.getElementById('qty_family').value", vec![]),
        "1"
    );
    assert!(browser.find_all("#family-hint:not([hidden])").is_empty());
    assert_eq!(
        browser.attribute("#name_family_1", "maxlength").as_deref(),
        Some("100"),
        "the length limit is on the field"
    );
    browser.fill("#name_family_1", "The Petrov family");
    browser.fill("input[name=email]", "family@example.org");
    browser.click("form[action$='/buy'] button[type=submit]");
    let url = browser.wait_url(|u| u.contains("/o/"));
    assert!(
        browser.text("ul.lines").contains("(The Petrov family)"),
        "{}",
        browser.text("ul.lines")
    );
    assert!(
        browser.text("#card-button").contains("99.00"),
        "{}",
        browser.text("#card-button")
    );
    assert!(
        browser
            .text("ul.lines")
            .contains("1 × Bulgaria Heritage Pass 72 h, Family"),
        "the unpaid order says what was ordered: {}",
        browser.text("ul.lines")
    );
    // localstripe's stand-in for the card Element: plain fields, typed as a buyer would. A card
    // the bank declines first: the page says so in its language, and the order stays payable.
    let type_card = |number: &str| {
        for (field, value) in [
            ("number", number),
            ("exp_month", "12"),
            ("exp_year", "34"),
            ("cvc", "123"),
            ("postal_code", "1000"),
        ] {
            browser.fill(&format!("#card-element input[placeholder={field}]"), value);
        }
    };
    type_card("4000000000000341");
    browser.click("#card-button");
    let said = browser.wait_for(
        "document.getElementById('card-message').textContent.includes('declined') && document.getElementById('card-message').textContent",
        30,
    );
    assert!(
        said.as_str()
            .is_some_and(|t| t.starts_with("The card was declined: use another card")),
        "{said}"
    );
    assert_eq!(
        shop.passes_shown(&url[url.find("/o/").expect("order") + 3..][..32]),
        0
    );
    type_card("4242424242424242");
    browser.click("#card-button");
    browser.wait_for(
        "document.querySelectorAll('article.pass .qr svg').length === 1",
        30,
    );
    assert_eq!(
        browser.attribute("#status", "data-status").as_deref(),
        Some("paid")
    );
    assert!(
        browser
            .url()
            .starts_with(&url[..url.find('?').unwrap_or(url.len())])
    );
    shop.wait("the passes' e-mail", || shop.mails() == 1);
}

/// The buyer starts paying by card (the bank's 3-D Secure page is open), then pays at the desk
/// instead: the card payment is cancelled before the desk takes the money, and finishing the
/// bank's step afterwards charges nothing.
fn a_card_payment_left_open_cannot_charge_an_order_the_desk_has_been_paid_for(data: DataDir) {
    if !webdriver::available() {
        return;
    }
    let Some(shop) = shop(data) else { return };
    let out = shop.data.townpass(&[
        "users",
        "add",
        "--email",
        "desk@sofia-tic.test",
        "--role",
        "desk",
        "--sales-point",
        "sofia-tic",
        "--password",
        "desk password 1234",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let order = shop.buy();
    let (_, start) = shop.card(&order, "start", json!({}));
    let card = shop.stripe.card("4000000000003220");
    let (_, answer) = shop.card(&order, "confirm", json!({"payment_method": card}));
    assert_eq!(answer["status"], "requires_action", "{answer}");

    let browser = Browser::start();
    browser.goto(&format!("{}/o/{order}?lang=en", shop.server.url));
    let code = browser.text("#order-code");
    browser.goto(&format!("{}/login?lang=en", shop.server.url));
    browser.fill("#email", "desk@sofia-tic.test");
    browser.fill("#password", "desk password 1234");
    browser.click("form[action='/login'] button[type=submit]");
    browser.wait_url(|u| u.ends_with("/desk"));
    browser.fill("#code", &code);
    browser.click("form[action='/desk'] button[type=submit]");
    browser.click("#mark-paid");
    browser.wait_url(|u| u.contains(&order));
    assert_eq!(shop.passes_shown(&order), 2);

    // The bank's step finishes late: the intent was cancelled, nothing is charged.
    let intent = shop.intent_of(&start);
    let secret = start["client_secret"].as_str().expect("secret");
    shop.stripe.post(
        &format!("/v1/payment_intents/{intent}/_authenticate?success=true"),
        &[("client_secret", secret)],
    );
    let (_, seen) = shop.stripe.get(&format!("/v1/payment_intents/{intent}"));
    assert_eq!(seen["status"], "canceled", "{seen}");
    let (_, checked) = shop.card(&order, "check", json!({}));
    assert_eq!(checked["status"], "paid");
    assert_eq!(shop.passes_shown(&order), 2);
}

/// After a declined card, two windows send two good cards at the same moment: one card is
/// charged, the other window hears the order is paid (or is told to wait), and no second intent
/// succeeds for the order.
fn two_windows_paying_one_order_at_once_charge_the_card_once(data: DataDir) {
    let Some(shop) = shop(data) else { return };
    {
        let order = shop.buy();
        shop.card(&order, "start", json!({}));
        let declined = shop.stripe.card("4000000000000341");
        let (status, _) = shop.card(&order, "confirm", json!({"payment_method": declined}));
        assert_eq!(status, 402);
        let cards = [
            shop.stripe.card("4242424242424242"),
            shop.stripe.card("5555555555554444"),
        ];
        let answers: Vec<(u16, Value)> = std::thread::scope(|scope| {
            let handles: Vec<_> = cards
                .iter()
                .map(|card| {
                    let shop = &shop;
                    let order = &order;
                    scope
                        .spawn(move || shop.card(order, "confirm", json!({"payment_method": card})))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("thread"))
                .collect()
        });
        assert!(
            answers
                .iter()
                .any(|(s, a)| *s == 200 && a["status"] == "paid"),
            "{answers:?}"
        );
        for (status, answer) in &answers {
            assert!(
                *status == 200 || *status == 409,
                "the other window is told it is paid or busy: {answers:?}"
            );
            if *status == 200 {
                assert_eq!(answer["status"], "paid", "{answers:?}");
            }
        }
        assert_eq!(shop.passes_shown(&order), 2);
        // At the provider: exactly one payment for this order holds money.
        let code = {
            let head = order[..8].to_uppercase();
            format!("{}-{}", &head[..4], &head[4..])
        };
        let (_, list) = shop.stripe.get("/v1/payment_intents");
        let kept: Vec<&Value> = list["data"]
            .as_array()
            .expect("intents")
            .iter()
            .filter(|i| i["metadata"]["order_code"] == code.as_str() && i["status"] == "succeeded")
            .filter(|i| {
                !i["charges"]["data"][0]["refunded"]
                    .as_bool()
                    .unwrap_or(false)
            })
            .collect();
        assert_eq!(kept.len(), 1, "{list}");
    }
}

fn refunding_one_pass_paid_by_card_refunds_its_price_on_the_provider_once(data: DataDir) {
    let Some(shop) = shop(data) else { return };
    let order = shop.buy();
    let intent = shop.pay_by_card(&order);
    let serials = shop.serials(&order);
    assert_eq!(serials.len(), 2);

    // The provider cannot be reached: nothing is refunded, the pass stays valid, and the
    // operator is told so.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead_url = format!("http://{}", dead.local_addr().expect("addr"));
    drop(dead);
    let out = shop.revoke_with_refund(&serials[0], &dead_url);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "refused while the provider is down"
    );
    assert!(
        stderr.contains("card refund failed") && stderr.contains("still valid"),
        "{stderr}"
    );
    assert!(!shop.order_page(&order).contains("class=\"pass revoked\""));
    let (_, refunds) = shop
        .stripe
        .get(&format!("/v1/refunds?payment_intent={intent}"));
    assert_eq!(
        refunds["data"].as_array().map(Vec::len),
        Some(0),
        "{refunds}"
    );

    // The provider is back: one pass's price (45.00 EUR of the 90.00 paid) goes back to the
    // card, and the refund's id is recorded with the revocation.
    let out = shop.revoke_with_refund(&serials[0], &shop.stripe.url);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: Value = serde_json::from_slice(&out.stdout).expect("--json");
    assert_eq!(answer["serial"], serials[0].as_str());
    assert_eq!(answer["refund"]["amount_minor"], 4500, "{answer}");
    assert_eq!(answer["refund"]["currency"], "EUR");
    let (_, refunds) = shop
        .stripe
        .get(&format!("/v1/refunds?payment_intent={intent}"));
    let list = refunds["data"].as_array().expect("refunds");
    assert_eq!(list.len(), 1, "{refunds}");
    assert_eq!(list[0]["amount"], 4500);
    assert_eq!(list[0]["id"], answer["refund"]["id"]);
    assert_eq!(list[0]["metadata"]["pass"], serials[0].as_str());

    // The page says so; the other pass is untouched.
    let page = shop.order_page(&order);
    assert_eq!(
        page.matches("class=\"pass revoked\"").count(),
        1,
        "one cancelled"
    );
    assert_eq!(shop.passes_shown(&order), 1, "one still shown as valid");

    // Asked again, nothing more is refunded.
    let out = shop.revoke_with_refund(&serials[0], &shop.stripe.url);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("already revoked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, refunds) = shop
        .stripe
        .get(&format!("/v1/refunds?payment_intent={intent}"));
    assert_eq!(refunds["data"].as_array().map(Vec::len), Some(1));

    // The order page tells the buyer: the amount, back to the card.
    assert!(
        shop.order_page(&order)
            .contains("€45.00 refunded to your card"),
        "{}",
        shop.order_page(&order)
    );

    // A pass revoked without a refund (reported lost) is refunded later, once, to the card.
    let out = shop
        .data
        .command()
        .args(["passes", "revoke", &serials[1], "--reason", "lost"])
        .output()
        .expect("townpass runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = shop.revoke_with_refund(&serials[1], &shop.stripe.url);
    assert!(
        out.status.success(),
        "a revoked pass can still be refunded: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: Value = serde_json::from_slice(&out.stdout).expect("--json");
    assert_eq!(answer["already_revoked"], true, "{answer}");
    assert_eq!(answer["refund"]["amount_minor"], 4500, "{answer}");
    let (_, refunds) = shop
        .stripe
        .get(&format!("/v1/refunds?payment_intent={intent}"));
    assert_eq!(
        refunds["data"].as_array().map(Vec::len),
        Some(2),
        "{refunds}"
    );
    let out = shop.revoke_with_refund(&serials[1], &shop.stripe.url);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("already revoked and refunded"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, refunds) = shop
        .stripe
        .get(&format!("/v1/refunds?payment_intent={intent}"));
    assert_eq!(refunds["data"].as_array().map(Vec::len), Some(2));
}

fn placing_an_order_emails_its_code_link_and_lines_before_payment(data: DataDir) {
    let Some(shop) = shop(data) else { return };
    let order = shop.buy();
    shop.wait("the confirmation e-mail", || !shop.mail_texts().is_empty());
    let mails = shop.mail_texts();
    let confirmation = &mails[0];
    assert!(
        confirmation.contains("waiting for payment"),
        "{confirmation}"
    );
    assert!(
        confirmation.contains(&format!("/o/{order}")),
        "the link: {confirmation}"
    );
    assert!(
        confirmation.contains("Bulgaria Heritage Pass 72 h, Adult"),
        "what was ordered: {confirmation}"
    );
    assert!(
        confirmation.contains("pay by card"),
        "how to pay: {confirmation}"
    );
    assert_eq!(shop.mails(), 0, "no passes before payment");
    shop.pay_by_card(&order);
    shop.wait("the passes' e-mail", || shop.mails() == 1);
}

fn refunds_of_one_pass_asked_at_once_reach_the_provider_once(data: DataDir) {
    let Some(shop) = shop(data) else { return };
    let order = shop.buy();
    let intent = shop.pay_by_card(&order);
    let serial = shop.serials(&order).remove(0);
    // Five operators (or one impatient double click) at once. localstripe, unlike Stripe, does
    // not honour idempotency keys: townpass itself must let only one through.
    let outs: Vec<std::process::Output> = std::thread::scope(|scope| {
        let tries: Vec<_> = (0..5)
            .map(|_| scope.spawn(|| shop.revoke_with_refund(&serial, &shop.stripe.url)))
            .collect();
        tries
            .into_iter()
            .map(|t| t.join().expect("thread"))
            .collect()
    });
    let done = outs.iter().filter(|o| o.status.success()).count();
    assert_eq!(done, 1, "one refund succeeds");
    for out in outs.iter().filter(|o| !o.status.success()) {
        assert_eq!(out.status.code(), Some(1), "the others are refused");
    }
    let (_, refunds) = shop
        .stripe
        .get(&format!("/v1/refunds?payment_intent={intent}"));
    assert_eq!(
        refunds["data"].as_array().map(Vec::len),
        Some(1),
        "the card is refunded once: {refunds}"
    );
}
