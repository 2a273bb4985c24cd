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
        assert!(text.contains("closed"), "{text}");
        assert!(
            text.contains("<td>yes</td>") && !text.contains("<strong>NO</strong>"),
            "every currency balances: {text}"
        );
        assert!(text.contains("partner:nim"), "{text}");

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
