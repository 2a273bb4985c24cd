//! The operator's settlement pages over real HTTP, on SQLite and PostgreSQL: the demo's closed
//! month with balanced totals, a statement's CSV that adds up to the statement, computing a draft,
//! refusing to close a month that is not over, and reviewing a flagged redemption with a reason
//! that lands in the audit log.

use townpass::store::NewRedemption;
use townpass::testing::{TestApp, TestDb};

const PASSWORD: &str = "operator password 1234";

#[tokio::test]
async fn the_operator_reads_a_closed_month_downloads_a_csv_that_adds_up_and_reviews_a_flag() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let store = app.db.store.clone();
        let now = townpass::store::now();
        let month = app.with_settled_month().await;
        app.add_user("admin@demo.test", "admin", None, PASSWORD)
            .await;
        app.add_user("desk@demo.test", "desk", Some("sofia-tic"), PASSWORD)
            .await;

        // Only the operator.
        app.login("desk@demo.test", PASSWORD).await;
        assert_eq!(app.get("/admin/settlement").await.status, 403);
        assert_eq!(
            app.get(&format!("/admin/settlement/{month}")).await.status,
            403
        );
        app.logout_locally();
        app.login("admin@demo.test", PASSWORD).await;

        let index = app.get("/admin/settlement").await;
        assert_eq!(index.status, 200, "{}", app.db.kind);
        assert!(index.text().contains(&month), "{}", index.text());
        let page = app.get(&format!("/admin/settlement/{month}")).await;
        assert_eq!(page.status, 200);
        let text = page.text();
        assert!(text.contains("<strong>issued</strong>"), "{text}");
        // The same month for an operator who reads German.
        let de = app
            .get(&format!("/admin/settlement/{month}?lang=de"))
            .await
            .text();
        assert!(
            de.contains("Summen") && de.contains("<td>ja</td>") && de.contains("Abrechnungen"),
            "{de}"
        );
        assert!(
            text.contains("<td>yes</td>") && !text.contains("<strong>NO</strong>"),
            "every currency balances: {text}"
        );
        assert!(
            text.contains("National Historical Museum")
                && text.contains("<small class=\"code\">partner:nim</small>"),
            "statements by name, the code beside: {text}"
        );

        // The CSV behind NIM's statement adds up to the statement.
        let row = store.period(&month).await.expect("period").expect("row");
        let report = townpass::settlement::report(&store, &row)
            .await
            .expect("report");
        let nim = report
            .statements
            .iter()
            .find(|s| s.party == "partner:nim")
            .expect("NIM has a statement");
        let csv = app
            .get(&format!(
                "/admin/settlement/{month}/csv?party=partner:nim&currency=EUR"
            ))
            .await;
        assert_eq!(csv.status, 200);
        let body = csv.text();
        let mut lines = body.lines();
        let header: Vec<&str> = lines.next().expect("header").split(',').collect();
        let at = header
            .iter()
            .position(|h| *h == "amount_minor")
            .expect("amount_minor column");
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        let sum: i64 = rows
            .iter()
            .map(|r| r[at].parse::<i64>().expect("minor"))
            .sum();
        assert_eq!(sum, nim.amount_minor, "{}: {body}", app.db.kind);
        assert!(
            rows.iter().all(|r| r[0].len() == 16 && !r[1].is_empty()),
            "every row names the pass and the local time of the visit: {body}"
        );
        // Beside the codes, the same items by name, in the reader's language.
        let column = |name: &str| {
            header
                .iter()
                .position(|h| *h == name)
                .unwrap_or_else(|| panic!("{name} column"))
        };
        let (venue_name, line) = (column("venue_name"), column("line"));
        assert!(
            rows.iter()
                .all(|r| r[venue_name] == "National Historical Museum"
                    || r[venue_name] == "Boyana Church (UNESCO)"),
            "{body}"
        );
        assert!(
            rows.iter().all(|r| r[line].starts_with("Visits (")),
            "{body}"
        );
        let de = app
            .get(&format!(
                "/admin/settlement/{month}/csv?party=partner:nim&currency=EUR&lang=de"
            ))
            .await
            .text();
        assert!(de.contains("Besuche ("), "{de}");
        // A statement that does not exist (a mistyped currency or party in the link) is not
        // there: a 404 page, not a server error nor an empty file.
        for query in [
            "party=operator&currency=XXX",
            "party=operator&currency=eur",
            "party=operator&currency=",
            "party=bogus&currency=EUR",
            "party=partner:nim&currency=HUF",
        ] {
            let missing = app
                .get(&format!("/admin/settlement/{month}/csv?{query}"))
                .await;
            assert_eq!(missing.status, 404, "{}: {query}", app.db.kind);
        }

        // Closing the current month is refused (it is not over); a draft is computed.
        let csrf = index.field("csrf").expect("csrf");
        let this_month = jiff::Timestamp::from_second(now)
            .expect("now")
            .to_zoned(jiff::tz::TimeZone::get("Europe/Sofia").expect("zone"))
            .strftime("%Y-%m")
            .to_string();
        let refused = app
            .post_form(
                "/admin/settlement",
                &[
                    ("csrf", &csrf),
                    ("period", &this_month),
                    ("action", "close"),
                ],
            )
            .await;
        assert_eq!(refused.status, 422);
        assert!(
            refused.text().contains("not over yet"),
            "{}",
            refused.text()
        );
        // The refusal in the operator's language.
        let refused_de = app
            .post_form(
                "/admin/settlement?lang=de",
                &[
                    ("csrf", &csrf),
                    ("period", &this_month),
                    ("action", "close"),
                ],
            )
            .await;
        assert_eq!(refused_de.status, 422);
        assert!(
            refused_de.text().contains("ist noch nicht vorbei"),
            "{}",
            refused_de.text()
        );
        let bad = app
            .post_form(
                "/admin/settlement",
                &[("csrf", &csrf), ("period", "October"), ("action", "draft")],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.text().contains("YYYY-MM"), "{}", bad.text());
        let draft = app
            .post_form(
                "/admin/settlement",
                &[
                    ("csrf", &csrf),
                    ("period", &this_month),
                    ("action", "draft"),
                ],
            )
            .await;
        assert_eq!(draft.status, 303, "{}", draft.text());
        assert_eq!(draft.location.as_deref(), Some("/admin/settlement"));
        // The month is computed in the background; the page follows the run until it is done.
        for _ in 0..100 {
            let page = app.get("/admin/settlement").await;
            let active = store.active_job(&this_month).await.expect("job");
            if active.is_none() {
                break;
            }
            assert!(
                page.text()
                    .contains(&format!("/admin/settlement/{this_month}"))
            );
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        let jobs = store.recent_jobs(1).await.expect("jobs");
        assert_eq!(
            (
                jobs[0].period.as_str(),
                jobs[0].status.as_str(),
                jobs[0].attempts
            ),
            (this_month.as_str(), "done", 1),
            "{}: {:?}",
            app.db.kind,
            jobs[0].error
        );
        assert_eq!(
            app.get(&format!("/admin/settlement/{this_month}"))
                .await
                .status,
            200
        );

        // A flagged redemption: no reason, no decision; with one, it is decided and logged.
        let serial: String = sqlx::query_scalar("SELECT serial FROM passes LIMIT 1")
            .fetch_one(store.pool())
            .await
            .expect("a pass");
        let venue: i64 = sqlx::query_scalar("SELECT id FROM venues WHERE code = 'tsarevets'")
            .fetch_one(store.pool())
            .await
            .expect("venue");
        let device: i64 = sqlx::query_scalar("SELECT MIN(id) FROM devices")
            .fetch_one(store.pool())
            .await
            .expect("device");
        store
            .insert_redemptions(&[NewRedemption {
                device_id: device,
                local_id: 999_999,
                serial: serial.clone(),
                token: String::new(),
                venue_id: venue,
                offer: Some("tsarevets-entry".into()),
                scanned_at_ms: now * 1000,
                received_at: now,
                flag: Some("already_used".into()),
                flag_detail: Some("Already used here today at 10:42 (Gate 2)".into()),
            }])
            .await
            .expect("flagged visit");
        let id: i64 = sqlx::query_scalar("SELECT id FROM redemptions WHERE local_id = 999999")
            .fetch_one(store.pool())
            .await
            .expect("id");
        let flags = app.get("/admin/flags").await;
        assert_eq!(flags.status, 200);
        assert!(flags.text().contains(&serial), "{}", flags.text());
        // In words: what happened and where, not the flag's code or the venue's.
        assert!(
            flags.text().contains("<strong>used twice</strong>")
                && flags.text().contains("Tsarevets Fortress")
                && !flags.text().contains("already_used"),
            "{}",
            flags.text()
        );
        let path = format!("/admin/flags/{id}");
        let no_reason = app
            .post_form(
                &path,
                &[("csrf", &csrf), ("decision", "accept"), ("reason", " ")],
            )
            .await;
        assert_eq!(no_reason.status, 422);
        assert!(no_reason.text().contains("say why"));
        let review: Option<String> =
            sqlx::query_scalar("SELECT review FROM redemptions WHERE id = $1")
                .bind(id)
                .fetch_one(store.pool())
                .await
                .expect("review");
        assert_eq!(review, None, "a refused form changes nothing");
        let done = app
            .post_form(
                &path,
                &[
                    ("csrf", &csrf),
                    ("decision", "accept"),
                    (
                        "reason",
                        "Gate 2 clock was wrong; the guide confirmed one visit",
                    ),
                ],
            )
            .await;
        assert_eq!(done.status, 200, "{}", done.text());
        assert!(done.text().contains("accepted for payout"));
        // The audit log says it in words too.
        assert!(
            done.text().contains("<td>accepted for payout</td>"),
            "{}",
            done.text()
        );
        assert!(
            done.text().contains("Gate 2 clock was wrong"),
            "the audit log shows the reason"
        );
        assert!(
            !done
                .text()
                .contains(&format!("action=\"/admin/flags/{id}\"")),
            "no longer waiting"
        );
        let again = app
            .post_form(
                &path,
                &[("csrf", &csrf), ("decision", "reject"), ("reason", "oops")],
            )
            .await;
        assert_eq!(again.status, 422, "a decision is made once");
        let (review, by): (Option<String>, Option<String>) =
            sqlx::query_as("SELECT review, reviewed_by FROM redemptions WHERE id = $1")
                .bind(id)
                .fetch_one(store.pool())
                .await
                .expect("review");
        assert_eq!(review.as_deref(), Some("accepted"));
        assert_eq!(by.as_deref(), Some("admin:admin@demo.test"));
    }
}

/// The exchange-rates page: the operator records a rate (in Macedonian here), pastes a rates
/// file, deletes a typo; a bad pair or a bad file is refused with the reason (422) and records
/// nothing; the closed month's rate cannot be recorded; partners and desks cannot see the page.
#[tokio::test]
async fn the_operator_records_imports_and_deletes_exchange_rates_in_the_browser() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let store = app.db.store.clone();
        let month = app.with_settled_month().await;
        app.add_user("desk@demo.test", "desk", Some("sofia-tic"), PASSWORD)
            .await;
        app.login("desk@demo.test", PASSWORD).await;
        assert_eq!(app.get("/admin/rates").await.status, 403);
        app.logout_locally();
        app.add_user("admin@demo.test", "admin", None, PASSWORD)
            .await;
        app.login("admin@demo.test", PASSWORD).await;
        let page = app.get("/admin/rates?lang=mk").await;
        assert_eq!(page.status, 200);
        assert!(page.text().contains("Девизни курсеви"), "{}", page.text());
        let csrf = page.field("csrf").expect("csrf");
        let post = |fields: Vec<(&'static str, String)>| {
            let app = &app;
            let csrf = csrf.clone();
            async move {
                let mut all: Vec<(&str, String)> = vec![("csrf", csrf)];
                all.extend(fields);
                let refs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.post_form("/admin/rates?lang=mk", &refs).await
            }
        };
        let set = post(vec![
            ("action", "set".into()),
            ("period", "2099-10".into()),
            ("pair", "eur/mkd".into()),
            ("rate", "61.5000".into()),
            ("source", "NBRM 2099-10-31".into()),
        ])
        .await;
        assert_eq!(set.status, 200, "{}", set.text());
        assert!(
            set.text().contains("1 EUR = 61,5000 MKD е запишан"),
            "{}",
            set.text()
        );
        let bad = post(vec![
            ("action", "set".into()),
            ("period", "2099-10".into()),
            ("pair", "EUR/DIN".into()),
            ("rate", "1".into()),
            ("source", "x".into()),
        ])
        .await;
        assert_eq!(bad.status, 422);
        assert!(bad.text().contains("DIN"), "{}", bad.text());
        let file = post(vec![
            ("action", "import".into()),
            (
                "file",
                "period,pair,rate,source\n2099-11,EUR/RSD,117.15,NBS\n2099-11,EUR/HUF,-3,MNB\n"
                    .into(),
            ),
        ])
        .await;
        assert_eq!(file.status, 422);
        assert!(file.text().contains("ред 3"), "{}", file.text());
        let file = post(vec![
            ("action", "import".into()),
            (
                "file",
                "period,pair,rate,source\n2099-11,EUR/RSD,117.15,NBS\n2099-11,EUR/HUF,395,MNB\n"
                    .into(),
            ),
        ])
        .await;
        assert_eq!(file.status, 200, "{}", file.text());
        let gone = post(vec![
            ("action", "delete".into()),
            ("period", "2099-11".into()),
            ("pair", "EUR/HUF".into()),
        ])
        .await;
        assert_eq!(gone.status, 200);
        let closed = post(vec![
            ("action", "set".into()),
            ("period", month.clone()),
            ("pair", "EUR/MKD".into()),
            ("rate", "61".into()),
            ("source", "late".into()),
        ])
        .await;
        assert_eq!(closed.status, 422);
        assert!(closed.text().contains("е затворен"), "{}", closed.text());
        let pairs: Vec<String> = store
            .rates(None)
            .await
            .expect("rates")
            .iter()
            .map(|r| format!("{} {} {}", r.period, r.pair(), r.rate))
            .collect();
        assert_eq!(
            pairs,
            ["2099-11 EUR/RSD 117.15", "2099-10 EUR/MKD 61.5000"],
            "{}",
            app.db.kind
        );
    }
}

#[tokio::test]
async fn closing_a_month_in_the_browser_says_what_it_does_and_asks_again_before_anything_happens() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let store = app.db.store.clone();
        app.add_user("admin@demo.test", "admin", None, PASSWORD)
            .await;
        app.login("admin@demo.test", PASSWORD).await;
        let index = app.get("/admin/settlement").await;
        let text = index.text();
        assert!(
            text.contains("class=\"danger\" type=\"submit\" name=\"action\" value=\"close\""),
            "closing looks different from computing a draft: {text}"
        );
        let csrf = index.field("csrf").expect("csrf");
        let last_month = jiff::Zoned::now()
            .with_time_zone(jiff::tz::TimeZone::get("Europe/Sofia").expect("zone"))
            .first_of_month()
            .expect("first")
            .yesterday()
            .expect("last month")
            .strftime("%Y-%m")
            .to_string();
        // The first press only asks.
        let asked = app
            .post_form(
                "/admin/settlement",
                &[
                    ("csrf", &csrf),
                    ("period", &last_month),
                    ("action", "close"),
                ],
            )
            .await;
        assert_eq!(asked.status, 200, "{}", app.db.kind);
        let text = asked.text();
        assert!(
            text.contains("cannot be undone")
                && text.contains(&format!("Close {last_month}?"))
                && text.contains("name=\"confirmed\" value=\"yes\""),
            "{text}"
        );
        assert!(
            store.recent_jobs(8).await.expect("jobs").is_empty(),
            "{}: nothing is queued before the second press",
            app.db.kind
        );
        // The second press closes.
        let closed = app
            .post_form(
                "/admin/settlement",
                &[
                    ("csrf", &csrf),
                    ("period", &last_month),
                    ("action", "close"),
                    ("confirmed", "yes"),
                ],
            )
            .await;
        assert_eq!(closed.status, 303, "{}", closed.text());
        let jobs = store.recent_jobs(8).await.expect("jobs");
        assert_eq!(jobs.len(), 1, "{}", app.db.kind);
        assert_eq!(jobs[0].period, last_month);
        assert_eq!(jobs[0].close_by.as_deref(), Some("admin:admin@demo.test"));
    }
}
