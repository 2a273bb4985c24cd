//! Settlement on SQLite and PostgreSQL: a hand-computed October with every model, closing it, the
//! store refusing any change to a closed month, late data landing in November as adjustments, the
//! same data giving byte-identical statements, and the balance invariant over random months.

use std::collections::BTreeMap;

use townpass::sales::{self, IssueRequest, LineRequest, OrderRequest};
use townpass::settlement::{self, Report};
use townpass::store::{NewRedemption, Store};
use townpass::testing::TestDb;

/// A small region with round numbers, so the expected statements can be worked out by hand.
const CATALOGUE: &str = r#"
[operator]
name = "Test Region"
time_zone = "Europe/Sofia"
email = "ops@example.org"

[[town]]
code = "sofia"
name = { en = "Sofia" }
country = "BG"
time_zone = "Europe/Sofia"

[[partner]]
code = "museum-a"
name = "Museum A"
currency = "EUR"
email = "a@example.org"

[[partner]]
code = "museum-b"
name = "Museum B"
currency = "EUR"
email = "b@example.org"

[[venue]]
code = "va"
partner = "museum-a"
town = "sofia"
name = { en = "Venue A" }

[[venue]]
code = "vb"
partner = "museum-b"
town = "sofia"
name = { en = "Venue B" }

[[offer]]
code = "oa"
venue = "va"
kind = "entry"
limit = "once"
rack_rate = { adult = 1000 }
reimbursement = { adult = 600 }

[[offer]]
code = "ob"
venue = "vb"
kind = "entry"
limit = "daily"
rack_rate = { adult = 500 }
reimbursement = { adult = 300 }

[[product]]
code = "pool-72h"
kind = "pass"
name = { en = "Pool 72 h" }
currency = "EUR"
time_zone = "Europe/Sofia"
validity = { hours = 72 }
expires_after_days = 10
offers = ["oa", "ob"]
prices = { adult = 4000 }
revenue = { model = "pool", operator_fee_bp = 1000, breakage = "operator" }

[[product]]
code = "visit-24h"
kind = "pass"
name = { en = "Per visit 24 h" }
currency = "EUR"
time_zone = "Europe/Sofia"
validity = { hours = 24 }
expires_after_days = 10
offers = ["oa", "ob"]
prices = { adult = 2000 }
revenue = { model = "per_visit", operator_fee_bp = 500, breakage = "operator" }

[[product]]
code = "share"
kind = "booklet"
name = { en = "Shared booklet" }
currency = "EUR"
time_zone = "Europe/Sofia"
validity = { days = 7 }
expires_after_days = 30
offers = ["oa", "ob"]
prices = { adult = 1000 }
revenue = { model = "fixed_share", operator_fee_bp = 1500, breakage = "operator", shares = { museum-a = 3, museum-b = 1 } }

[[product]]
code = "pool-rsd"
kind = "pass"
name = { en = "Pool in dinars" }
currency = "RSD"
time_zone = "Europe/Belgrade"
validity = { days = 2 }
expires_after_days = 10
offers = ["oa", "ob"]
prices = { adult = 333333 }
revenue = { model = "pool", operator_fee_bp = 777, breakage = "museum-b" }

[[sales_point]]
code = "desk"
name = "Desk"
commission_bp = 500
"#;

/// Unix seconds of a local time in Sofia, e.g. at("2026-10-03 10:00").
fn at(local: &str) -> i64 {
    let dt: jiff::civil::DateTime = local.parse().expect("local time");
    dt.to_zoned(jiff::tz::TimeZone::get("Europe/Sofia").expect("zone"))
        .expect("zoned")
        .timestamp()
        .as_second()
}

struct Region<'a> {
    db: &'a TestDb,
    key: townpass_core::IssuerKey,
    device: i64,
    venues: BTreeMap<String, i64>,
    next_local: std::cell::Cell<i64>,
}

impl<'a> Region<'a> {
    async fn new(db: &'a TestDb) -> Region<'a> {
        Region::with(db, CATALOGUE).await
    }

    async fn with(db: &'a TestDb, catalogue: &str) -> Region<'a> {
        townpass::catalog::apply(&db.store, catalogue, at("2026-09-01 00:00"))
            .await
            .expect("catalogue");
        let key = db
            .key_ring()
            .ensure_active(&db.store, at("2026-09-01 00:00"))
            .await
            .expect("key");
        let (device, _, _) = townpass::devices::add(&db.store, "va", "Gate", 0)
            .await
            .expect("device");
        let venues = sqlx::query_as::<_, (String, i64)>("SELECT code, id FROM venues")
            .fetch_all(db.store.pool())
            .await
            .expect("venues")
            .into_iter()
            .collect();
        Region {
            db,
            key,
            device: device.id,
            venues,
            next_local: std::cell::Cell::new(1),
        }
    }

    fn store(&self) -> &Store {
        &self.db.store
    }

    /// One adult pass sold on the web at `when`.
    async fn web(&self, product: &str, when: i64) -> String {
        self.web_in(product, None, when).await
    }

    /// One adult pass sold on the web at `when`, in `currency` (`None`: the product's main one).
    async fn web_in(&self, product: &str, currency: Option<&str>, when: i64) -> String {
        let issued = sales::issue(
            self.store(),
            &self.key,
            &IssueRequest {
                currency: currency.map(|c| c.parse().expect("currency")),
                ..IssueRequest::cli(product, "adult", 1)
            },
            when,
            sales::no_progress(),
        )
        .await
        .expect("issue");
        issued.passes[0].serial.clone()
    }

    /// One adult pass sold at the desk (5 % commission) at `when`.
    async fn desk(&self, product: &str, when: i64) -> String {
        self.desk_in(product, None, when).await
    }

    /// One adult pass sold at the desk at `when`, in `currency`.
    async fn desk_in(&self, product: &str, currency: Option<&str>, when: i64) -> String {
        let req = OrderRequest {
            lines: vec![LineRequest {
                product: product.into(),
                category: "adult".into(),
                holder: None,
                count: 1,
            }],
            email: None,
            language: "en".into(),
            channel: "desk",
            sales_point: Some("desk".into()),
            payment_provider: "cash".into(),
            currency: currency.map(|c| c.parse().expect("currency")),
        };
        let order = sales::create_order(self.store(), &req, when)
            .await
            .expect("order");
        sales::pay_order(self.store(), &self.key, &order, None, when)
            .await
            .expect("paid");
        sqlx::query_scalar("SELECT serial FROM passes WHERE order_id = $1")
            .bind(order.id)
            .fetch_one(self.store().pool())
            .await
            .expect("serial")
    }

    /// A visit at `offer` scanned at `when`, uploaded at `received`.
    async fn visit(&self, serial: &str, offer: &str, when: i64, received: i64, flag: Option<&str>) {
        let local = self.next_local.get();
        self.next_local.set(local + 1);
        let venue = if offer == "oa" { "va" } else { "vb" };
        self.store()
            .insert_redemptions(&[NewRedemption {
                device_id: self.device,
                local_id: local,
                serial: serial.to_string(),
                token: String::new(),
                venue_id: self.venues[venue],
                offer: Some(offer.to_string()),
                scanned_at_ms: when * 1000,
                received_at: received,
                flag: flag.map(str::to_string),
                flag_detail: None,
            }])
            .await
            .expect("visit stored");
    }
}

/// party -> currency -> (kind -> amount)
fn by_party(report: &Report) -> BTreeMap<String, BTreeMap<String, i64>> {
    let mut out: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for s in &report.statements {
        assert_eq!(
            s.currency, "EUR",
            "only euro products are sold in this scenario"
        );
        for line in &s.lines {
            let kind = match &line.corrects {
                Some(c) => format!("{} (corrects {c})", line.kind),
                None => line.kind.clone(),
            };
            *out.entry(s.party.clone())
                .or_default()
                .entry(kind)
                .or_default() += line.amount_minor;
        }
    }
    out
}

fn kinds(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// The operator reviews every flagged visit at `when`: accepted where `accept(id)` says so.
async fn review_flagged(store: &Store, accept: impl Fn(i64) -> bool, when: i64) {
    let flagged: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM redemptions WHERE flag IS NOT NULL ORDER BY id")
            .fetch_all(store.pool())
            .await
            .expect("flagged");
    for id in flagged {
        store
            .review_redemption(id, accept(id), "checked the ticket stub", "ops", when)
            .await
            .expect("review");
    }
}

async fn settle(store: &Store, period: &str, now: &str, close: bool) -> Report {
    settlement::settle(store, period, at(now), close.then_some("test"), &|_| {})
        .await
        .unwrap_or_else(|e| panic!("settle {period}: {e}"))
}

#[tokio::test]
async fn a_hand_computed_october_closes_and_late_data_lands_in_november() {
    for db in TestDb::all().await {
        let r = Region::new(&db).await;
        let store = r.store();
        let upload = at("2026-10-31 20:00");

        // P1: pool, desk, 40.00: commission 5 % = 200, fee 10 % = 400, net 3400, split by rack
        // rate 1000 : 500 over the two visits: 3400 * 2/3 = 2266.67 -> 2266 (.67), 3400 * 1/3 =
        // 1133.33 -> 1133 (.33); the cent left goes to the larger remainder: 2267 + 1133 = 3400.
        let p1 = r.desk("pool-72h", at("2026-10-02 09:00")).await;
        r.visit(&p1, "oa", at("2026-10-03 10:00"), upload, None)
            .await;
        r.visit(&p1, "ob", at("2026-10-03 15:00"), upload, None)
            .await;
        // ... and oa again on 4 Oct: flagged by the server (oa is once per pass), so not paid.
        r.visit(
            &p1,
            "oa",
            at("2026-10-04 11:00"),
            upload,
            Some("already_used"),
        )
        .await;
        // P2: pool, web, 40.00, never used; hard expiry 10 days after sale (12 Oct): fee 400,
        // breakage 3600 to the operator.
        let p2 = r.web("pool-72h", at("2026-10-02 09:00")).await;
        // P3: per visit, web, 20.00: fee 5 % = 100, net 1900. Visits: oa 600, ob 300, ob again the
        // same day (flagged by the server, not paid). Paid 900; breakage 1900 - 900 = 1000.
        let p3 = r.web("visit-24h", at("2026-10-05 08:00")).await;
        r.visit(&p3, "oa", at("2026-10-05 09:00"), upload, None)
            .await;
        r.visit(&p3, "ob", at("2026-10-05 10:00"), upload, None)
            .await;
        r.visit(
            &p3,
            "ob",
            at("2026-10-05 11:00"),
            upload,
            Some("already_used"),
        )
        .await;
        // P4: fixed share, desk, 10.00: commission 50, fee 15 % = 150, net 800 split 3 : 1 =
        // 600 to museum A, 200 to museum B.
        let p4 = r.desk("share", at("2026-10-07 12:00")).await;
        // P5: pool, web, 40.00, refunded the next day: gross 4000, refund 4000, nobody paid.
        let p5 = r.web("pool-72h", at("2026-10-07 12:00")).await;
        store
            .revoke_pass(&p5, "refund", true, "test", at("2026-10-08 12:00"))
            .await
            .expect("refund");
        // P6: pool, first used 31 Oct 10:00: valid until 3 Nov, so it settles in November.
        let p6 = r.web("pool-72h", at("2026-10-30 09:00")).await;
        r.visit(&p6, "oa", at("2026-10-31 10:00"), upload, None)
            .await;

        let october = settle(store, "2026-10", "2026-11-01 12:00", false).await;
        assert_eq!(october.status, "draft");
        assert_eq!(october.passes_settled, 5, "{}: P1-P5, not P6", db.kind);
        assert_eq!(
            by_party(&october),
            BTreeMap::from([
                (
                    "operator".to_string(),
                    kinds(&[
                        ("operator_fee", 400 + 400 + 100 + 150),
                        ("breakage", 3600 + 1000)
                    ])
                ),
                (
                    "partner:museum-a".to_string(),
                    kinds(&[("pool_share", 2267), ("visit", 600), ("fixed_share", 600)])
                ),
                (
                    "partner:museum-b".to_string(),
                    kinds(&[("pool_share", 1133), ("visit", 300), ("fixed_share", 200)])
                ),
                (
                    "sales_point:desk".to_string(),
                    kinds(&[("commission", 200 + 50)])
                ),
            ]),
            "{}",
            db.kind
        );
        // Gross 4000 + 4000 + 2000 + 1000 + 4000 = 15000, refunds 4000; handed out:
        // 1050 fees + 4600 breakage + 3467 + 1633 + 250 commissions = 11000 = 15000 - 4000.
        let eur = &october.totals["EUR"];
        assert_eq!((eur.gross_minor, eur.refunds_minor), (15000, 4000));
        assert_eq!(
            (
                eur.partner_payables_minor,
                eur.commissions_minor,
                eur.operator_fees_minor,
                eur.breakage_minor
            ),
            (3467 + 1633, 250, 1050, 4600)
        );
        assert!(eur.balances());

        // The same data, settled again: byte-identical statements.
        let again = settle(store, "2026-10", "2026-11-01 12:00", false).await;
        assert_eq!(
            serde_json::to_string(&again).expect("json"),
            serde_json::to_string(&october).expect("json"),
            "{}",
            db.kind
        );

        // October cannot close before it is over, then closes.
        let early =
            settlement::settle(store, "2026-10", at("2026-10-31 23:00"), Some("t"), &|_| {})
                .await
                .expect_err("not over yet");
        assert!(early.to_string().contains("not over yet"), "{early}");
        let closed = settle(store, "2026-10", "2026-11-01 12:00", true).await;
        assert_eq!(closed.status, "closed");
        assert_eq!(by_party(&closed), by_party(&october));

        // Closed means closed: settling it again gives back the issued statements, and the store
        // refuses every change, whoever asks.
        let Err(refused) = store
            .open_period("2026-10", 0, 0, at("2026-11-02 12:00"))
            .await
        else {
            panic!("a closed month cannot become a draft again");
        };
        assert!(refused.to_string().contains("is closed"), "{refused}");
        for sql in [
            "UPDATE settlement_items SET amount_minor = amount_minor + 1 WHERE period = '2026-10'",
            "DELETE FROM settlement_items WHERE period = '2026-10'",
            "INSERT INTO settlement_items (period, party, currency, kind, product_id, serial, amount_minor) \
             VALUES ('2026-10', 'operator', 'EUR', 'breakage', 1, '0000000000000000', 1)",
            "DELETE FROM settled_passes WHERE period = '2026-10'",
            "UPDATE periods SET status = 'draft' WHERE period = '2026-10'",
            "DELETE FROM periods WHERE period = '2026-10'",
        ] {
            let err = sqlx::query(sql).execute(store.pool()).await.expect_err(sql);
            assert!(
                err.to_string().contains("closed"),
                "{}: {sql}: {err}",
                db.kind
            );
        }

        // November: a visit with P2 on 4 Oct arrives late (2 Nov); the flagged visits of P1 and P3
        // are accepted on review (3 Nov); P4 is refunded (4 Nov). P6 settles normally: fee 400,
        // its one visit takes the net 3600.
        r.visit(
            &p2,
            "oa",
            at("2026-10-04 11:00"),
            at("2026-11-02 09:00"),
            None,
        )
        .await;
        review_flagged(store, |_| true, at("2026-11-03 09:00")).await;
        store
            .revoke_pass(&p4, "refund", true, "test", at("2026-11-04 10:00"))
            .await
            .expect("refund after close");
        let november = settle(store, "2026-11", "2026-12-01 12:00", false).await;
        assert_eq!(november.passes_settled, 1, "{}: P6", db.kind);
        assert_eq!(november.passes_corrected, 3, "{}: P1, P2, P4", db.kind);
        let october_again = settle(store, "2026-10", "2026-12-01 12:00", true).await;
        assert_eq!(
            serde_json::to_string(&october_again.statements).expect("json"),
            serde_json::to_string(&closed.statements).expect("json"),
            "a closed month settles to what it issued, late data or not"
        );
        // Each correction names October:
        // - P2's net 3600 moves from breakage to museum A's pool share;
        // - P1's accepted visit (oa, 4 Oct, another day) joins the pool: 3400 over rack rates
        //   1000 : 500 : 1000 = 1360 / 680 / 1360, against 2267 / 1133 booked: museum A
        //   -907 + 1360 = +453, museum B -453;
        // - P4's refund takes back everything it paid: commission -50, fee -150, shares -600 / -200,
        //   and counts a refund of 1000;
        // - P3's reviewed visit stays unpaid: it was the second at ob that day.
        assert_eq!(
            by_party(&november),
            BTreeMap::from([
                (
                    "operator".to_string(),
                    kinds(&[
                        ("operator_fee", 400),
                        ("breakage (corrects 2026-10)", -3600),
                        ("operator_fee (corrects 2026-10)", -150),
                    ])
                ),
                (
                    "partner:museum-a".to_string(),
                    kinds(&[
                        ("pool_share", 3600),
                        ("pool_share (corrects 2026-10)", 3600 + 453),
                        ("fixed_share (corrects 2026-10)", -600),
                    ])
                ),
                (
                    "partner:museum-b".to_string(),
                    kinds(&[
                        ("pool_share (corrects 2026-10)", -453),
                        ("fixed_share (corrects 2026-10)", -200),
                    ])
                ),
                (
                    "sales_point:desk".to_string(),
                    kinds(&[("commission (corrects 2026-10)", -50)])
                ),
            ]),
            "{}",
            db.kind
        );
        let reasons: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT reason FROM settlement_items WHERE period = '2026-11' AND reason IS NOT NULL ORDER BY reason",
        )
        .fetch_all(store.pool())
        .await
        .expect("reasons");
        assert_eq!(reasons, ["flag reviewed", "refund", "visit uploaded late"]);
        let eur = &november.totals["EUR"];
        // Gross 4000 (P6), refunds 1000 (P4): 3000 handed out.
        assert_eq!((eur.gross_minor, eur.refunds_minor), (4000, 1000));
        assert!(eur.balances(), "{eur:?}");
        // October is untouched.
        let october_now =
            settlement::report(store, &store.period("2026-10").await.unwrap().unwrap())
                .await
                .expect("report");
        assert_eq!(by_party(&october_now), by_party(&october));

        // Museum B ends November owing 653: once November is closed, its payout is not made but
        // carried, and December's statement opens with it (the operator recovers it), balanced.
        settle(store, "2026-11", "2026-12-01 12:00", true).await;
        let plan = townpass::settlement::payouts::payouts(store, "2026-11")
            .await
            .expect("payouts");
        let b = plan
            .lines
            .iter()
            .find(|l| l.party == "partner:museum-b")
            .expect("museum B");
        assert_eq!((b.method.as_str(), b.amount_minor), ("carried", -653));
        let december = settle(store, "2026-12", "2026-12-15 12:00", false).await;
        let parties = by_party(&december);
        assert_eq!(
            parties["partner:museum-b"],
            kinds(&[("balance_carried (corrects 2026-11)", -653)]),
            "{}",
            db.kind
        );
        assert_eq!(
            parties["operator"]["balance_recovered (corrects 2026-11)"], 653,
            "{}",
            db.kind
        );
        assert!(
            !parties.contains_key("sales_point:desk"),
            "only partners' balances are carried"
        );
        assert!(december.totals.values().all(|t| t.balances()));
        // Computing December again carries it once.
        let again = settle(store, "2026-12", "2026-12-16 12:00", false).await;
        assert_eq!(
            by_party(&again)["partner:museum-b"],
            parties["partner:museum-b"]
        );
    }
}

/// Museum B is paid in Macedonian denars: its October statements in EUR and RSD are converted at
/// the month's recorded rates (EUR/MKD directly, RSD through the recorded MKD/RSD, divided), once
/// on each total, halves away from zero. Closing without a rate is refused naming it and changes
/// nothing; after the close the conversion is stored and neither it nor the rates can change.
#[tokio::test]
async fn a_partner_paid_in_denars_gets_its_euro_and_dinar_statements_converted_at_the_months_rates()
{
    let catalogue = CATALOGUE.replace(
        "currency = \"EUR\"\nemail = \"b@example.org\"",
        "currency = \"MKD\"\nemail = \"b@example.org\"",
    );
    assert_ne!(catalogue, CATALOGUE);
    for db in TestDb::all().await {
        let r = Region::with(&db, &catalogue).await;
        let store = r.store();
        let upload = at("2026-10-31 20:00");
        // P1 as in the hand-computed October: museum B's pool share is 11.33 EUR.
        let p1 = r.desk("pool-72h", at("2026-10-02 09:00")).await;
        r.visit(&p1, "oa", at("2026-10-03 10:00"), upload, None)
            .await;
        r.visit(&p1, "ob", at("2026-10-03 15:00"), upload, None)
            .await;
        // A dinar pool pass, web, 3333.33 RSD: fee 7.77 % = 25899.97 -> 25900, net 307433 split
        // 1000 : 500 = 204955.33 / 102477.67 -> 204955 / 102478 (the larger remainder).
        let p2 = r.web("pool-rsd", at("2026-10-09 09:00")).await;
        r.visit(&p2, "oa", at("2026-10-10 10:00"), upload, None)
            .await;
        r.visit(&p2, "ob", at("2026-10-10 11:00"), upload, None)
            .await;

        let draft = settle(store, "2026-10", "2026-11-01 12:00", false).await;
        let b: Vec<_> = draft
            .statements
            .iter()
            .filter(|s| s.party == "partner:museum-b")
            .map(|s| (s.currency.as_str(), s.amount_minor, s.payout.clone()))
            .collect();
        assert_eq!(b.len(), 2, "{}: {b:?}", db.kind);
        assert_eq!((b[0].0, b[0].1), ("EUR", 1133));
        assert_eq!((b[1].0, b[1].1), ("RSD", 102_478));
        for (_, _, payout) in &b {
            let p = payout.as_ref().expect("paid in MKD");
            assert_eq!(
                (p.currency.as_str(), p.amount_minor, p.fixed),
                ("MKD", None, false)
            );
        }
        // Museum A is paid in euros: its euro statement is paid as it is, its dinar one (204955)
        // needs a rate too.
        let a: Vec<_> = draft
            .statements
            .iter()
            .filter(|s| s.party == "partner:museum-a")
            .map(|s| (s.currency.as_str(), s.amount_minor, s.payout.is_some()))
            .collect();
        assert_eq!(
            a,
            [("EUR", 2267, false), ("RSD", 204_955, true)],
            "{}",
            db.kind
        );

        // No rate: the close is refused, naming both pairs, and nothing changes.
        let refused =
            settlement::settle(store, "2026-10", at("2026-11-01 12:00"), Some("t"), &|_| {})
                .await
                .expect_err("rates missing");
        let text = refused.to_string();
        assert!(
            text.contains("EUR/MKD (partner:museum-b)")
                && text.contains("RSD/MKD (partner:museum-b)")
                && text.contains("RSD/EUR (partner:museum-a)")
                && text.matches("RSD/MKD").count() == 1,
            "{}: {text}",
            db.kind
        );
        assert_eq!(
            store.period("2026-10").await.unwrap().unwrap().status,
            "draft"
        );

        let rate = |period: &str, pair: &str, rate: &str, source: &str| {
            townpass::settlement::rates::RateInput::parse(period, pair, rate, source).expect("rate")
        };
        let eur_mkd = rate("2026-10", "EUR/MKD", "61.4950", "NBRM 2026-10-31");
        let mkd_rsd = rate("2026-10", "MKD/RSD", "1.9050", "NBS 2026-10-31");
        let eur_rsd = rate("2026-10", "EUR/RSD", "117.1500", "NBS 2026-10-31");
        store
            .set_rates(
                &[eur_mkd.as_new(), mkd_rsd.as_new(), eur_rsd.as_new()],
                "test",
                at("2026-11-01 10:00"),
            )
            .await
            .expect("rates recorded");
        let closed = settle(store, "2026-10", "2026-11-01 12:00", true).await;
        // Museum A: 2049.55 RSD / 117.15 = 17.495091 EUR -> 17.50 (1750). Museum B: 11.33 EUR x
        // 61.4950 = 696.738335 MKD -> 696.74 (69674); 1024.78 RSD / 1.9050 = 537.942257 MKD ->
        // 537.94 (53794).
        let got: Vec<_> = closed
            .statements
            .iter()
            .filter_map(|s| {
                let p = s.payout.as_ref()?;
                Some((
                    s.party.as_str(),
                    s.currency.as_str(),
                    p.currency.as_str(),
                    p.amount_minor,
                    p.pair.as_deref(),
                    p.rate.as_deref(),
                    p.source.as_deref(),
                    p.fixed,
                ))
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "partner:museum-a",
                    "RSD",
                    "EUR",
                    Some(1750),
                    Some("EUR/RSD"),
                    Some("117.1500"),
                    Some("NBS 2026-10-31"),
                    true
                ),
                (
                    "partner:museum-b",
                    "EUR",
                    "MKD",
                    Some(69_674),
                    Some("EUR/MKD"),
                    Some("61.4950"),
                    Some("NBRM 2026-10-31"),
                    true
                ),
                (
                    "partner:museum-b",
                    "RSD",
                    "MKD",
                    Some(53_794),
                    Some("MKD/RSD"),
                    Some("1.9050"),
                    Some("NBS 2026-10-31"),
                    true
                ),
            ],
            "{}",
            db.kind
        );

        // Closed means closed: the month's rates cannot be changed or removed, nor its payouts.
        let again = rate("2026-10", "EUR/MKD", "70", "typo");
        let err = store
            .set_rates(&[again.as_new()], "test", at("2026-11-02 10:00"))
            .await
            .expect_err("closed month's rate");
        assert!(err.to_string().contains("closed"), "{err}");
        let eur: townpass_core::money::Currency = "EUR".parse().unwrap();
        let mkd: townpass_core::money::Currency = "MKD".parse().unwrap();
        assert!(
            store
                .delete_rate("2026-10", eur, mkd, "t", 0)
                .await
                .is_err()
        );
        for sql in [
            "UPDATE statement_payouts SET payout_minor = payout_minor + 1 WHERE period = '2026-10'",
            "DELETE FROM statement_payouts WHERE period = '2026-10'",
            "UPDATE exchange_rates SET rate = '1' WHERE period = '2026-10'",
        ] {
            let err = sqlx::query(sql).execute(store.pool()).await.expect_err(sql);
            assert!(
                err.to_string().contains("closed"),
                "{}: {sql}: {err}",
                db.kind
            );
        }
        let report_now =
            settlement::report(store, &store.period("2026-10").await.unwrap().unwrap())
                .await
                .expect("report");
        assert_eq!(
            serde_json::to_string(&report_now.statements).unwrap(),
            serde_json::to_string(&closed.statements).unwrap()
        );
        // The partner's currency changes later: the closed month still shows what it paid.
        townpass::catalog::apply(store, CATALOGUE, at("2026-11-05 10:00"))
            .await
            .expect("museum B paid in euros from now on");
        let after_change =
            settlement::report(store, &store.period("2026-10").await.unwrap().unwrap())
                .await
                .expect("report");
        assert_eq!(
            serde_json::to_string(&after_change.statements).unwrap(),
            serde_json::to_string(&closed.statements).unwrap(),
            "{}",
            db.kind
        );
        // One direction per pair and month.
        let both = [
            rate("2026-11", "MKD/EUR", "0.0163", "x"),
            rate("2026-11", "EUR/MKD", "61.5", "y"),
        ];
        let err = store
            .set_rates(&[both[0].as_new(), both[1].as_new()], "t", 0)
            .await
            .expect_err("both directions");
        assert!(err.to_string().contains("one direction per pair"), "{err}");
        // A later month's rate is still free to record.
        store
            .set_rates(
                &[rate("2026-11", "EUR/MKD", "61.5", "NBRM").as_new()],
                "t",
                0,
            )
            .await
            .expect("November is open");
    }
}

/// The October rates of the random months: every currency sold, against the partners' euro.
const RANDOM_RATES: [(&str, &str); 3] = [
    ("EUR/RSD", "117.1537"),
    ("EUR/MKD", "61.4950"),
    ("EUR/HUF", "395.1234"),
];

/// The test region with random extra currencies: each euro product is also sold in MKD and/or
/// HUF (or neither) at a random price, and the offers oa and ob state random rack rates and
/// reimbursements in every extra currency in use. Returns the file and each product's currencies.
fn random_catalogue(rng: &mut Rng) -> (String, BTreeMap<&'static str, Vec<&'static str>>) {
    let mut text = CATALOGUE.to_string();
    let mut currencies: BTreeMap<&'static str, Vec<&'static str>> = BTreeMap::new();
    let mut in_use: Vec<&'static str> = Vec::new();
    for (product, prices) in [
        ("pool-72h", "prices = { adult = 4000 }"),
        ("visit-24h", "prices = { adult = 2000 }"),
        ("share", "prices = { adult = 1000 }"),
    ] {
        let mut sold = vec!["EUR"];
        let mut lists = Vec::new();
        for extra in ["MKD", "HUF"] {
            if rng.below(2) == 0 {
                sold.push(extra);
                if !in_use.contains(&extra) {
                    in_use.push(extra);
                }
                lists.push(format!(
                    "{extra} = {{ adult = {} }}",
                    100 + rng.below(900_000)
                ));
            }
        }
        if !lists.is_empty() {
            text = text.replacen(
                prices,
                &format!("{prices}\nprices_in = {{ {} }}", lists.join(", ")),
                1,
            );
        }
        currencies.insert(product, sold);
    }
    currencies.insert("pool-rsd", vec!["RSD"]);
    for reimbursement in [
        "reimbursement = { adult = 600 }",
        "reimbursement = { adult = 300 }",
    ] {
        let amounts: Vec<String> = in_use
            .iter()
            .map(|c| {
                format!(
                    "{c} = {{ rack_rate = {{ adult = {} }}, reimbursement = {{ adult = {} }} }}",
                    rng.below(500_000),
                    rng.below(500_000)
                )
            })
            .collect();
        if !amounts.is_empty() {
            text = text.replacen(
                reimbursement,
                &format!("{reimbursement}\namounts_in = {{ {} }}", amounts.join(", ")),
                1,
            );
        }
    }
    (text, currencies)
}

/// A tiny deterministic generator (no dependency): xorshift64*.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[tokio::test]
async fn random_months_balance_to_the_cent_in_every_currency() {
    // Property test against the real store: random sales (web or desk, three models), refunds,
    // visits (clean, flagged, reviewed either way, same-day repeats), settled for two months with
    // late uploads in between; every month's statements must balance, and statement lines must
    // add up to the totals.
    // The catalogue is random too: each euro product is also sold in MKD, HUF, both or neither,
    // at random prices, and the offers state random amounts in each such currency.
    let mut extra_currencies_settled = std::collections::BTreeSet::new();
    for seed in 1..=3u64 {
        for db in TestDb::all().await {
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let (catalogue, currencies) = random_catalogue(&mut rng);
            let r = Region::with(&db, &catalogue).await;
            let store = r.store();
            let products = ["pool-72h", "visit-24h", "share", "pool-rsd"];
            let mut serials = Vec::new();
            for _ in 0..40 {
                let product = products[rng.below(4) as usize];
                let sold_in = &currencies[product];
                let currency = sold_in[rng.below(sold_in.len() as u64) as usize];
                let when = at("2026-10-01 08:00") + rng.below(29 * 86_400) as i64;
                let serial = if rng.below(2) == 0 {
                    r.web_in(product, Some(currency), when).await
                } else {
                    r.desk_in(product, Some(currency), when).await
                };
                for _ in 0..rng.below(5) {
                    let offer = if rng.below(2) == 0 { "oa" } else { "ob" };
                    let scanned = when + 3600 + rng.below(5 * 86_400) as i64;
                    let received = scanned + rng.below(20 * 86_400) as i64;
                    let flag = (rng.below(4) == 0).then_some("already_used");
                    r.visit(&serial, offer, scanned, received, flag).await;
                }
                if rng.below(8) == 0 {
                    let refund_at = when + rng.below(40 * 86_400) as i64;
                    store
                        .revoke_pass(&serial, "refund", true, "test", refund_at)
                        .await
                        .expect("refund");
                }
                serials.push(serial);
            }
            // Both museums are paid in euros: their statements in other currencies are converted.
            let rates: Vec<_> = RANDOM_RATES
                .iter()
                .map(|(pair, rate)| {
                    townpass::settlement::rates::RateInput::parse("2026-10", pair, rate, "test")
                        .expect("rate")
                })
                .collect();
            let new: Vec<_> = rates.iter().map(|r| r.as_new()).collect();
            store
                .set_rates(&new, "test", at("2026-10-31 12:00"))
                .await
                .expect("rates recorded");
            for (period, now, close) in [
                ("2026-10", "2026-11-01 06:00", true),
                ("2026-11", "2026-12-01 06:00", false),
            ] {
                if period == "2026-11" {
                    // Reviews after October closed.
                    review_flagged(store, |id| id % 2 == 0, at("2026-11-05 09:00")).await;
                }
                let report = settle(store, period, now, close).await;
                assert!(
                    report.totals.contains_key("EUR") || period == "2026-11",
                    "{} seed {seed}: euros settle in October: {:?}",
                    db.kind,
                    report.totals.keys()
                );
                for s in &report.statements {
                    let converted = s.payout.as_ref().and_then(|p| p.amount_minor);
                    let expected = (s.currency != "EUR" && period == "2026-10").then(|| {
                        let (_, rate) = RANDOM_RATES
                            .iter()
                            .find(|(pair, _)| pair.ends_with(s.currency.as_str()))
                            .expect("a rate for every currency sold");
                        rate.parse::<townpass_core::money::Rate>()
                            .unwrap()
                            .convert(
                                s.amount_minor,
                                s.currency.parse().unwrap(),
                                "EUR".parse().unwrap(),
                                true,
                            )
                            .unwrap()
                    });
                    if s.party.starts_with("partner:") {
                        assert_eq!(
                            converted, expected,
                            "{} seed {seed} {period}: {s:?}",
                            db.kind
                        );
                    } else {
                        assert!(s.payout.is_none(), "only partners have a payout currency");
                    }
                }
                extra_currencies_settled.extend(
                    report
                        .totals
                        .keys()
                        .filter(|c| *c == "MKD" || *c == "HUF")
                        .cloned(),
                );
                for (currency, totals) in &report.totals {
                    assert!(
                        totals.balances(),
                        "{} seed {seed} {period} {currency}: {totals:?}",
                        db.kind
                    );
                    let lines: i64 = report
                        .statements
                        .iter()
                        .filter(|s| &s.currency == currency)
                        .map(|s| s.amount_minor)
                        .sum();
                    assert_eq!(
                        i128::from(lines),
                        i128::from(totals.gross_minor) - i128::from(totals.refunds_minor),
                        "{} seed {seed} {period}",
                        db.kind
                    );
                }
            }
        }
    }
    assert_eq!(
        extra_currencies_settled.len(),
        2,
        "the random catalogues sold in MKD and HUF: {extra_currencies_settled:?}"
    );
}

#[tokio::test]
async fn a_visit_committed_while_its_month_closes_is_paid_in_exactly_one_month() {
    for db in TestDb::all().await {
        let r = Region::new(&db).await;
        let store = r.store();
        // A per-visit pass used at venue A on 1 October: the visit pays museum A 6.00.
        let pass = r.web("visit-24h", at("2026-10-01 10:00")).await;

        // The upload of that visit is being stored (stamped 2 Nov 09:00) when October is closed
        // a second later; it commits only after the close has read the month.
        let mut upload = store.begin_pass_write().await.expect("turn");
        upload
            .insert_redemptions(&[NewRedemption {
                device_id: r.device,
                local_id: 1,
                serial: pass.clone(),
                token: String::new(),
                venue_id: r.venues["va"],
                offer: Some("oa".into()),
                scanned_at_ms: at("2026-10-01 11:00") * 1000,
                received_at: at("2026-11-02 09:00"),
                flag: None,
                flag_detail: None,
            }])
            .await
            .expect("stored, not committed");
        let closing = {
            let store = store.clone();
            tokio::spawn(async move {
                settlement::settle(
                    &store,
                    "2026-10",
                    at("2026-11-02 09:00") + 1,
                    Some("ops"),
                    &|_| {},
                )
                .await
            })
        };
        // PostgreSQL closes the month meanwhile; SQLite's single writer makes the close wait.
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        upload.commit().await.expect("commit");
        closing.await.expect("join").expect("October closed");
        settle(store, "2026-11", "2026-12-01 12:00", false).await;

        let visit_id: i64 = sqlx::query_scalar("SELECT id FROM redemptions WHERE serial = $1")
            .bind(&pass)
            .fetch_one(store.pool())
            .await
            .expect("visit");
        let paid: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT period, party, amount_minor FROM settlement_items \
             WHERE redemption_id = $1 AND kind = 'visit' ORDER BY period",
        )
        .bind(visit_id)
        .fetch_all(store.pool())
        .await
        .expect("items");
        assert_eq!(
            paid.iter()
                .map(|(_, party, amount)| (party.as_str(), *amount))
                .collect::<Vec<_>>(),
            vec![("partner:museum-a", 600)],
            "{}: the visit is paid once, in October or as November's correction: {paid:?}",
            db.kind
        );
    }
}

#[tokio::test]
async fn a_settlement_job_runs_once_and_a_dead_servers_job_is_finished_by_another() {
    for db in TestDb::all().await {
        let r = Region::new(&db).await;
        let store = r.store();
        let pass = r.web("visit-24h", at("2026-10-01 10:00")).await;
        r.visit(
            &pass,
            "oa",
            at("2026-10-01 11:00"),
            at("2026-10-01 12:00"),
            None,
        )
        .await;

        let job = store
            .enqueue_settlement(
                "2026-10",
                None,
                "admin:ops@example.org",
                at("2026-11-01 09:00"),
            )
            .await
            .expect("queued");
        let again = store
            .enqueue_settlement(
                "2026-10",
                None,
                "admin:other@example.org",
                at("2026-11-01 09:00"),
            )
            .await
            .expect_err("one job per month at a time");
        assert!(
            again.to_string().contains("being settled already"),
            "{again}"
        );

        // Two servers look for work at the same moment: one of them gets the job.
        let now = townpass::store::now();
        let (a, b) = tokio::join!(
            store.claim_job("server-a", now, now + 60),
            store.claim_job("server-b", now, now + 60)
        );
        let (a, b) = (a.expect("claim a"), b.expect("claim b"));
        assert!(
            a.is_some() != b.is_some(),
            "{}: exactly one claim wins: {a:?} {b:?}",
            db.kind
        );
        let (first, first_owner) = match a {
            Some(job) => (job, "server-a"),
            None => (b.expect("b won"), "server-b"),
        };
        assert_eq!((first.id, first.attempts), (job.id, 1));

        // That server stops renewing its lease (it died); once the lease has run out, another
        // server takes the job up again as a second attempt.
        assert!(
            store
                .claim_job("server-c", now + 30, now + 90)
                .await
                .expect("claim")
                .is_none(),
            "a live lease is not taken"
        );
        let second = store
            .claim_job("server-c", now + 61, now + 120)
            .await
            .expect("claim")
            .expect("the expired job is taken again");
        assert_eq!((second.id, second.attempts), (job.id, 2));

        // The first server was only slow: its run can never publish.
        let late = townpass::settlement::jobs::run(
            store,
            &first,
            first_owner,
            at("2026-11-01 09:00"),
            &|_| {},
        )
        .await
        .expect_err("the lease is lost");
        assert!(
            late.to_string().contains("another server"),
            "{}: {late}",
            db.kind
        );
        assert_eq!(
            store_items(store).await,
            0,
            "{}: nothing of the lost attempt is visible",
            db.kind
        );

        let report = townpass::settlement::jobs::run(
            store,
            &second,
            "server-c",
            at("2026-11-01 09:00"),
            &|_| {},
        )
        .await
        .expect("the second attempt settles the month");
        assert_eq!(report.passes_settled, 1);
        let done = store.job(job.id).await.expect("job");
        assert_eq!((done.status.as_str(), done.attempts), ("done", 2));
        let runs: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT run FROM settlement_items WHERE period = '2026-10'",
        )
        .fetch_all(store.pool())
        .await
        .expect("runs");
        assert_eq!(
            runs,
            vec![second.run()],
            "{}: only the published run is kept",
            db.kind
        );
    }
}

/// How many settlement items readers can see.
async fn store_items(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM current_items")
        .fetch_one(store.pool())
        .await
        .expect("items")
}

#[tokio::test]
async fn a_month_before_the_latest_closed_one_is_refused_and_a_closed_month_cannot_be_queued() {
    for db in TestDb::all().await {
        let r = Region::new(&db).await;
        let store = r.store();
        r.web("visit-24h", at("2026-10-01 10:00")).await;
        settle(store, "2026-10", "2026-11-01 12:00", true).await;

        let early = settlement::settle(store, "2020-01", at("2026-11-02 12:00"), None, &|_| {})
            .await
            .expect_err("before the latest closed month");
        assert!(
            early
                .to_string()
                .contains("before 2026-10, the latest closed month"),
            "{}: {early}",
            db.kind
        );
        assert!(store.period("2020-01").await.expect("period").is_none());

        let october = settlement::Month::parse("2026-10", "Europe/Sofia").expect("month");
        let closed = settlement::refuse_settling(store, &october)
            .await
            .expect_err("a closed month is not queued");
        assert!(closed.to_string().contains("is closed"), "{closed}");
    }
}
