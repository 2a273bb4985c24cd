//! Paying partners for a closed month, on SQLite and PostgreSQL: the SEPA credit transfer file
//! validates against the official pain.001.001.09 schema (xmllint), its transfers are exactly the
//! EUR partner statements with a positive balance, numbered by statement; a month is exported once
//! and confirmed paid once; missing bank details refuse the export and record nothing.

use std::collections::BTreeMap;

use townpass::settlement::payouts;
use townpass::store::{Store, StoreError};
use townpass::testing::{TempDir, TestApp, TestDb};

fn tomorrow() -> jiff::civil::Date {
    jiff::Zoned::now().date().tomorrow().expect("tomorrow")
}

fn refusal(e: StoreError) -> &'static str {
    match e {
        StoreError::Refused(said) => said.key,
        other => panic!("expected a refusal, got {other}"),
    }
}

/// The EUR partner statements with a positive balance, by statement number, from the month's
/// report (not from the payouts module).
async fn expected_transfers(store: &Store, period: &str) -> BTreeMap<String, i64> {
    let row = store.period(period).await.expect("read").expect("month");
    let report = townpass::settlement::report(store, &row)
        .await
        .expect("report");
    let ids = store.partner_ids().await.expect("ids");
    report
        .statements
        .iter()
        .filter_map(|s| {
            let code = s.party.strip_prefix("partner:")?;
            let paid = match &s.payout {
                Some(p) if p.currency == "EUR" => p.amount_minor?,
                Some(_) => return None,
                None if s.currency == "EUR" => s.amount_minor,
                None => return None,
            };
            (paid > 0).then(|| {
                (
                    payouts::statement_number(period, ids[code], &s.currency),
                    paid,
                )
            })
        })
        .collect()
}

/// The text of every `<tag>` in `xml`, in order.
fn all(xml: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find(&open) {
        let after = &rest[at + open.len()..];
        let Some(gt) = after.find('>') else { break };
        let body = &after[gt + 1..];
        let Some(end) = body.find(&close) else { break };
        out.push(body[..end].to_string());
        rest = &body[end..];
    }
    out
}

fn cents(decimal: &str) -> i64 {
    let (units, cents) = decimal.split_once('.').expect("two decimals");
    units.parse::<i64>().expect("units") * 100 + cents.parse::<i64>().expect("cents")
}

/// Validates with xmllint against the official schema; `None` when the schema is not here
/// (CI sets TOWNPASS_REQUIRE_XSD and installs it: see .ci/run).
fn validate(xml: &str, dir: &TempDir) -> Option<std::process::Output> {
    let Ok(xsd) = std::env::var("TOWNPASS_PAIN001_XSD") else {
        assert!(
            std::env::var("TOWNPASS_REQUIRE_XSD").is_err(),
            "TOWNPASS_REQUIRE_XSD is set but TOWNPASS_PAIN001_XSD is not"
        );
        eprintln!("TOWNPASS_PAIN001_XSD is not set: the schema check is skipped");
        return None;
    };
    let file = dir.path().join("payouts.xml");
    std::fs::write(&file, xml).expect("write");
    Some(
        std::process::Command::new("xmllint")
            .args(["--noout", "--schema", &xsd])
            .arg(&file)
            .output()
            .expect("xmllint runs"),
    )
}

#[tokio::test]
async fn a_closed_months_transfer_file_validates_pays_each_positive_eur_statement_and_is_made_once()
{
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let store = &app.db.store;
        let now = townpass::store::now();
        let period = app.with_settled_month().await;
        let expected = expected_transfers(store, &period).await;
        assert!(
            expected.len() >= 2,
            "{}: the demo month pays several partners",
            app.db.kind
        );

        // Before the export: the plan, nothing recorded.
        let plan = payouts::payouts(store, &period).await.expect("plan");
        assert_eq!(plan.status, None);
        assert!(store.payout_run(&period).await.expect("read").is_none());

        let done = payouts::export(store, &period, tomorrow(), "test", now)
            .await
            .expect("export");
        let xml = done.sepa_xml.expect("EUR partners get a transfer file");
        let dir = TempDir::new("payouts");
        if let Some(out) = validate(&xml, &dir) {
            assert!(
                out.status.success(),
                "{}: xmllint: {}{}",
                app.db.kind,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert!(xml.contains("urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"));
        // One transfer per statement, its number as the end-to-end id, the sums those of the
        // statements.
        let ids = all(&xml, "EndToEndId");
        let amounts: Vec<i64> = all(&xml, "InstdAmt").iter().map(|a| cents(a)).collect();
        let paid: BTreeMap<String, i64> = ids.into_iter().zip(amounts).collect();
        assert_eq!(paid, expected, "{}", app.db.kind);
        let total: i64 = expected.values().sum();
        for sum in all(&xml, "CtrlSum") {
            assert_eq!(cents(&sum), total, "{}: CtrlSum", app.db.kind);
        }
        assert_eq!(
            all(&xml, "NbOfTxs")[0],
            expected.len().to_string(),
            "{}",
            app.db.kind
        );
        // Structured addresses only (no free address lines), the debtor's included.
        assert!(!xml.contains("<AdrLine>"), "{}", app.db.kind);
        assert_eq!(
            all(&xml, "TwnNm").len(),
            expected.len() + 1,
            "{}",
            app.db.kind
        );
        // The list names every partner statement, with how it is paid.
        assert_eq!(
            done.list_csv.lines().count(),
            plan.lines.len() + 1,
            "{}",
            app.db.kind
        );
        assert!(done.list_csv.contains("SEPA transfer"), "{}", app.db.kind);

        // A month is exported once, however it is asked.
        let again = payouts::export(store, &period, tomorrow(), "someone else", now).await;
        assert_eq!(refusal(again.expect_err("twice")), "refuse_payout_twice");
        let run = store.payout_run(&period).await.expect("read").expect("run");
        assert_eq!(
            (run.status.as_str(), run.exported_by.as_str()),
            ("exported", "test")
        );
        assert_eq!(run.sepa_xml.as_deref(), Some(xml.as_str()), "kept as made");

        // The bank rejects the file: it is withdrawn with why (kept as it was), and the month is
        // exported again under a new message id (banks refuse one they have seen).
        let no_reason = payouts::withdraw(store, &period, "  ", "test", now).await;
        assert_eq!(
            refusal(no_reason.expect_err("why")),
            "refuse_payout_withdraw_reason"
        );
        payouts::withdraw(store, &period, "bank: duplicate file", "test", now)
            .await
            .expect("withdrawn");
        assert!(store.payout_run(&period).await.expect("read").is_none());
        assert_eq!(store.payout_withdrawals(&period).await.expect("count"), 1);
        let kept: (String, Option<String>) = sqlx::query_as(
            "SELECT reason, sepa_xml FROM payout_withdrawals WHERE period = $1 AND attempt = 1",
        )
        .bind(&period)
        .fetch_one(store.pool())
        .await
        .expect("kept");
        assert_eq!(
            kept,
            ("bank: duplicate file".to_string(), Some(xml.clone()))
        );
        let redone = payouts::export(store, &period, tomorrow(), "test", now)
            .await
            .expect("export again");
        let xml2 = redone.sepa_xml.expect("file");
        assert!(
            xml2.contains(&format!("<MsgId>TP-PAYOUT-{period}-2</MsgId>")),
            "{xml2}"
        );
        assert_eq!(all(&xml2, "InstdAmt"), all(&xml, "InstdAmt"));

        // Confirmed paid once.
        payouts::mark_paid(store, &period, "test", now)
            .await
            .expect("paid");
        let twice = payouts::mark_paid(store, &period, "test", now).await;
        assert_eq!(
            refusal(twice.expect_err("twice")),
            "refuse_payout_paid_already"
        );
        let late = payouts::withdraw(store, &period, "too late", "test", now).await;
        assert_eq!(
            refusal(late.expect_err("paid")),
            "refuse_payout_withdraw_paid"
        );
        let shown = payouts::payouts(store, &period).await.expect("read");
        assert_eq!(shown.status.as_deref(), Some("paid"), "{}", app.db.kind);
        assert_eq!(shown.sepa_total_minor(), total);
        let audit: Vec<String> = store
            .audit_log(20)
            .await
            .expect("audit")
            .into_iter()
            .map(|a| a.action)
            .collect();
        assert!(audit.contains(&"payouts_exported".to_string()));
        assert!(audit.contains(&"payouts_paid".to_string()));

        // A month that is not closed is not paid.
        let open = jiff::Zoned::now().strftime("%Y-%m").to_string();
        let refused = payouts::export(store, &open, tomorrow(), "test", now).await;
        assert_eq!(
            refusal(refused.expect_err("open month")),
            "refuse_payout_not_closed"
        );
    }
}

#[tokio::test]
async fn missing_bank_details_refuse_the_export_name_each_problem_and_record_nothing() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let store = &app.db.store;
        let now = townpass::store::now();
        let period = app.with_settled_month().await;
        // The catalogue loses the Sofia museums' address and the operator's IBAN.
        let text = townpass::testing::demo_catalogue()
            .replace(
                "address = { street = \"Moskovska St\", building = \"33\", post_code = \"1000\", town = \"Sofia\", country = \"BG\" }\n",
                "",
            )
            .replace("iban = \"BG46BPBI79401000000001\"\nbic = \"BPBIBGSF\"\n", "");
        townpass::catalog::apply(store, &text, now)
            .await
            .expect("apply");
        let err = payouts::export(store, &period, tomorrow(), "test", now)
            .await
            .expect_err("refused");
        let said = err.to_string();
        assert!(
            said.contains("the operator has no IBAN"),
            "{}: {said}",
            app.db.kind
        );
        assert!(
            said.contains("Sofia Municipality, Museums Directorate")
                && said.contains("no postal address"),
            "{}: {said}",
            app.db.kind
        );
        assert!(store.payout_run(&period).await.expect("read").is_none());
        // A payment date in the past is refused too.
        let yesterday = jiff::Zoned::now().date().yesterday().expect("date");
        let past = payouts::export(store, &period, yesterday, "test", now).await;
        assert_eq!(refusal(past.expect_err("past")), "refuse_payout_date");
    }
}

#[tokio::test]
async fn the_operator_exports_a_month_in_the_browser_after_confirming_and_cannot_export_it_twice() {
    const PASSWORD: &str = "operator password 1234";
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let store = &app.db.store;
        let period = app.with_settled_month().await;
        app.add_user("admin@demo.test", "admin", None, PASSWORD)
            .await;
        app.add_user("desk@demo.test", "desk", Some("sofia-tic"), PASSWORD)
            .await;
        // Only the operator.
        app.login("desk@demo.test", PASSWORD).await;
        assert_eq!(app.get("/admin/payouts").await.status, 403);
        assert_eq!(
            app.get(&format!("/admin/payouts/{period}/csv"))
                .await
                .status,
            403
        );
        app.logout_locally();
        app.login("admin@demo.test", PASSWORD).await;

        let index = app.get("/admin/payouts").await;
        assert_eq!(index.status, 200, "{}", app.db.kind);
        assert!(
            index
                .text()
                .contains(&format!("href=\"/admin/payouts/{period}\"")),
            "{}",
            index.text()
        );
        let page = app.get(&format!("/admin/payouts/{period}")).await;
        let text = page.text();
        assert!(text.contains("not exported"), "{text}");
        assert!(
            text.contains("National Historical Museum") && text.contains("SEPA transfer to BG80"),
            "partners by name, how each is paid: {text}"
        );
        assert!(!text.contains("partner:nim"), "no internal codes: {text}");
        // Nothing to download before the export.
        assert_eq!(
            app.get(&format!("/admin/payouts/{period}/xml"))
                .await
                .status,
            404
        );

        // A date the export would refuse is refused before the red button.
        let yesterday = jiff::Zoned::now().date().yesterday().expect("date");
        let early = app
            .get(&format!(
                "/admin/payouts/{period}/confirm?action=export&date={yesterday}"
            ))
            .await
            .text();
        assert!(
            early.contains("cannot be the payment date") && !early.contains("class=\"danger\""),
            "{early}"
        );
        // Nothing to confirm as paid before the export.
        let not_yet = app
            .get(&format!("/admin/payouts/{period}/confirm?action=paid"))
            .await
            .text();
        assert!(
            not_yet.contains("has no payout file yet") && !not_yet.contains("class=\"danger\""),
            "{not_yet}"
        );
        // The export asks again, saying what will happen, without script.
        let date = tomorrow().to_string();
        let confirm = app
            .get(&format!(
                "/admin/payouts/{period}/confirm?action=export&date={date}"
            ))
            .await;
        assert_eq!(confirm.status, 200);
        let text = confirm.text();
        assert!(
            text.contains("cannot be undone") && text.contains("class=\"danger\""),
            "{text}"
        );
        assert!(store.payout_run(&period).await.expect("read").is_none());
        let csrf = confirm.field("csrf").expect("csrf");
        let done = app
            .post_form(
                &format!("/admin/payouts/{period}"),
                &[("csrf", &csrf), ("action", "export"), ("date", &date)],
            )
            .await;
        assert_eq!(done.status, 200, "{}", done.text());
        assert!(done.text().contains("is exported"), "{}", done.text());
        let xml = app.get(&format!("/admin/payouts/{period}/xml")).await;
        assert_eq!(xml.status, 200);
        assert!(
            xml.header("content-disposition")
                .is_some_and(|d| d.contains(&format!("townpass-payouts-{period}.xml"))),
            "{:?}",
            xml.header("content-disposition")
        );
        let run = store.payout_run(&period).await.expect("read").expect("run");
        assert_eq!(run.sepa_xml.as_deref(), Some(xml.text().as_str()));
        assert_eq!(run.exported_by, "admin:admin@demo.test");
        // A second export (an old tab, a double click) is refused in words and changes nothing.
        let again = app
            .post_form(
                &format!("/admin/payouts/{period}"),
                &[("csrf", &csrf), ("action", "export"), ("date", &date)],
            )
            .await;
        assert!(
            again.text().contains("was exported for payment already"),
            "{}",
            again.text()
        );
        assert_eq!(
            store.payout_run(&period).await.expect("read").expect("run"),
            run
        );
        // Then the bank pays, and the operator says so, after confirming.
        let confirm = app
            .get(&format!("/admin/payouts/{period}/confirm?action=paid"))
            .await;
        assert!(confirm.text().contains("cannot be undone"));
        let paid = app
            .post_form(
                &format!("/admin/payouts/{period}"),
                &[("csrf", &csrf), ("action", "paid")],
            )
            .await;
        assert!(
            paid.text().contains("is recorded as paid"),
            "{}",
            paid.text()
        );
        // In German too.
        let de = app.get(&format!("/admin/payouts/{period}?lang=de")).await;
        assert!(de.text().contains("bezahlt (bestätigt am"), "{}", de.text());
    }
}
