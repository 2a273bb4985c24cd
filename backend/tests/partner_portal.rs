//! The partner portal and the partner API over real HTTP, on SQLite and PostgreSQL: a partner's
//! dashboard, visits and statements; the CSV behind a statement adds up to it; a PDF; a dispute the
//! operator accepts, credited in the next month; and every attempt to reach another partner's
//! statement, line, venue or data through a page or an API route answers 404.

use serde_json::Value;
use townpass::testing::{TestApp, TestDb};

const PASSWORD: &str = "partner password 1234";

async fn user(app: &TestApp, email: &str, role: &str, partner: Option<&str>) {
    let hash = townpass::accounts::hash_password(PASSWORD).expect("hash");
    app.db
        .store
        .upsert_user(
            &townpass::store::NewUser {
                email,
                name: email,
                password_hash: &hash,
                role,
                sales_point: None,
                partner,
            },
            0,
        )
        .await
        .expect("user");
}

async fn partner_key(app: &TestApp, partner: &str) -> String {
    let (key, prefix, hash) = townpass::accounts::new_api_key().expect("key");
    app.db
        .store
        .insert_partner_api_key(&prefix, &hash, "statements", partner, 0)
        .await
        .expect("key");
    key
}

async fn api(app: &TestApp, path: &str, key: &str) -> (u16, Value) {
    let reply = app
        .get_with(path, &[("authorization", &format!("Bearer {key}"))])
        .await;
    (
        reply.status,
        serde_json::from_slice(&reply.body).unwrap_or(Value::Null),
    )
}

fn csv_total(body: &str) -> (i64, Vec<Vec<String>>) {
    let mut lines = body.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let at = header
        .iter()
        .position(|h| *h == "amount_minor")
        .expect("column");
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    (
        rows.iter()
            .map(|r| r[at].parse::<i64>().expect("minor"))
            .sum(),
        rows,
    )
}

#[tokio::test]
async fn a_partner_sees_its_own_statements_and_visits_and_nothing_of_anyone_else() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let store = app.db.store.clone();
        let now = townpass::store::now();
        let month = app.with_settled_month().await;
        // A statement only another partner has: rim-vt in dinars, in a closed month of its own.
        sqlx::query("INSERT INTO periods (period, starts_at, ends_at, status, computed_at) VALUES ('2020-01', 0, 1, 'draft', 0)")
            .execute(store.pool())
            .await
            .expect("period");
        sqlx::query("INSERT INTO settlement_items (period, party, currency, kind, product_id, serial, amount_minor) \
                     VALUES ('2020-01', 'partner:rim-vt', 'RSD', 'fixed_share', 1, 'ffffffffffffffff', 5000)")
            .execute(store.pool())
            .await
            .expect("item");
        sqlx::query("UPDATE periods SET status = 'closed', closed_at = 1 WHERE period = '2020-01'")
            .execute(store.pool())
            .await
            .expect("closed");
        user(&app, "museum@nim.test", "partner", Some("nim")).await;
        user(&app, "ops@demo.test", "admin", None).await;

        // Logging in lands a partner on its portal.
        let login = app.login("museum@nim.test", PASSWORD).await;
        assert_eq!(
            login.location.as_deref(),
            Some("/partner"),
            "{}",
            app.db.kind
        );
        let dash = app
            .get(&format!("/partner?from={month}-01&to={month}-28"))
            .await;
        assert_eq!(dash.status, 200, "{}", dash.text());
        let text = dash.text();
        assert!(
            text.contains("<svg") && text.contains("Visits per day"),
            "{text}"
        );
        assert!(
            text.contains("nim-boyana") || text.contains("boyana-church"),
            "{text}"
        );
        assert!(
            !text.contains("tsarevets"),
            "another partner's venue: {text}"
        );
        let bg = app.get("/partner?lang=bg").await;
        assert!(
            bg.text().contains("Посещения по дни"),
            "the portal speaks Bulgarian too"
        );
        let visits = app
            .get(&format!("/partner/visits?from={month}-01&to={month}-28"))
            .await;
        assert_eq!(visits.status, 200);
        assert!(!visits.text().contains("tsarevets"));

        // Paging: 60 more visits at NIM's church today make two pages of 50.
        let venue: i64 = sqlx::query_scalar("SELECT id FROM venues WHERE code = 'boyana-church'")
            .fetch_one(store.pool())
            .await
            .expect("venue");
        let device: i64 = sqlx::query_scalar("SELECT MIN(id) FROM devices")
            .fetch_one(store.pool())
            .await
            .expect("device");
        let rows: Vec<townpass::store::NewRedemption> = (0..60)
            .map(|i| townpass::store::NewRedemption {
                device_id: device,
                local_id: 500_000 + i,
                serial: format!("{:016x}", 0xabc0_0000 + i),
                token: String::new(),
                venue_id: venue,
                offer: Some("boyana-entry".into()),
                scanned_at_ms: (now - 60 + i) * 1000,
                received_at: now,
                flag: None,
                flag_detail: None,
            })
            .collect();
        store.insert_redemptions(&rows).await.expect("visits");
        // From yesterday: none of the demo's visits (days 1-25 of last month) fall in the range.
        let yesterday = jiff::Timestamp::from_second(now - 86_400)
            .expect("time")
            .to_zoned(jiff::tz::TimeZone::get("Europe/Sofia").expect("zone"))
            .strftime("%Y-%m-%d")
            .to_string();
        let first = app
            .get(&format!(
                "/partner/visits?venue=boyana-church&from={yesterday}"
            ))
            .await;
        assert_eq!(first.status, 200);
        assert!(
            first.text().contains("page 1 of 2") && first.text().contains("rel=\"next\""),
            "{}",
            first.text()
        );
        let second = app
            .get(&format!(
                "/partner/visits?venue=boyana-church&from={yesterday}&page=2"
            ))
            .await;
        assert!(second.text().contains("page 2 of 2") && second.text().contains("rel=\"prev\""));
        assert_eq!(
            second.text().matches("<code>").count(),
            10,
            "the last 10 of 60 visits"
        );

        // The statement, its CSV (adds up, only NIM's venues) and its PDF.
        let base = format!("/partner/statements/{month}/EUR");
        let page = app.get(&base).await;
        assert_eq!(page.status, 200, "{}", page.text());
        let total: i64 = {
            let t = page.text();
            let at = t.find("data-minor=\"").expect("total") + 12;
            t[at..]
                .split('"')
                .next()
                .expect("value")
                .parse()
                .expect("minor")
        };
        let csv = app.get(&format!("{base}/csv")).await;
        assert_eq!(csv.status, 200);
        let (sum, rows) = csv_total(&csv.text());
        assert_eq!(
            sum, total,
            "{}: the CSV adds up to the statement",
            app.db.kind
        );
        assert!(
            rows.iter()
                .all(|r| r[2].is_empty() || r[2] == "nim-boyana" || r[2] == "boyana-church"),
            "only NIM's venues: {rows:?}"
        );
        let pdf = app.get(&format!("{base}/pdf")).await;
        assert_eq!(pdf.status, 200);
        assert!(pdf.body.starts_with(b"%PDF"));

        // Nothing of anyone else, through any page.
        for path in [
            "/partner/statements/2020-01/RSD".to_string(),
            "/partner/statements/2020-01/RSD/csv".to_string(),
            "/partner/statements/2020-01/RSD/pdf".to_string(),
            format!("/partner/statements/{month}/RSD"),
            "/partner/statements/1999-01/EUR".to_string(),
            "/partner/visits?venue=tsarevets".to_string(),
        ] {
            assert_eq!(app.get(&path).await.status, 404, "{}: {path}", app.db.kind);
        }
        let csrf = page.field("csrf").expect("csrf");
        let foreign = app
            .post_form(
                "/partner/statements/2020-01/RSD/disputes",
                &[
                    ("csrf", &csrf),
                    ("line", "fixed_share|1||"),
                    ("comment", "mine?"),
                ],
            )
            .await;
        assert_eq!(foreign.status, 404);
        let wrong_line = app
            .post_form(
                &format!("{base}/disputes"),
                &[
                    ("csrf", &csrf),
                    ("line", "fixed_share|999||"),
                    ("comment", "mine?"),
                ],
            )
            .await;
        assert_eq!(
            wrong_line.status, 404,
            "a line that is not on the statement"
        );
        // Not the operator's pages either.
        assert_eq!(app.get("/admin/settlement").await.status, 403);

        // A dispute on a real line, answered by the operator, credited next month.
        let line = {
            let t = page.text();
            let at = t.find("name=\"line\" value=\"").expect("a dispute form") + 19;
            t[at..].split('"').next().expect("key").to_string()
        };
        let empty = app
            .post_form(
                &format!("{base}/disputes"),
                &[("csrf", &csrf), ("line", &line), ("comment", "  ")],
            )
            .await;
        assert_eq!(empty.status, 422);
        let sent = app
            .post_form(
                &format!("{base}/disputes"),
                &[
                    ("csrf", &csrf),
                    ("line", &line),
                    ("comment", "Two school groups are missing"),
                ],
            )
            .await;
        assert_eq!(sent.status, 200, "{}", sent.text());
        assert!(sent.text().contains("Two school groups are missing"));
        app.logout_locally();
        app.login("ops@demo.test", PASSWORD).await;
        let disputes = app.get("/admin/disputes").await;
        assert!(disputes.text().contains("Two school groups are missing"));
        let ops_csrf = disputes.field("csrf").expect("csrf");
        let id: i64 = sqlx::query_scalar("SELECT id FROM disputes")
            .fetch_one(store.pool())
            .await
            .expect("dispute");
        let bad = app
            .post_form(
                &format!("/admin/disputes/{id}"),
                &[
                    ("csrf", &ops_csrf),
                    ("decision", "accept"),
                    ("credit", "12.345"),
                    ("answer", "ok"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422, "three decimals are not euros");
        let ok = app
            .post_form(
                &format!("/admin/disputes/{id}"),
                &[
                    ("csrf", &ops_csrf),
                    ("decision", "accept"),
                    ("credit", "12.50"),
                    ("answer", "Confirmed by the gate log"),
                ],
            )
            .await;
        assert_eq!(ok.status, 200, "{}", ok.text());
        let this_month = jiff::Timestamp::from_second(now)
            .expect("now")
            .to_zoned(jiff::tz::TimeZone::get("Europe/Sofia").expect("zone"))
            .strftime("%Y-%m")
            .to_string();
        let next = townpass::settlement::settle(&store, &this_month, now, None, &|_| {})
            .await
            .expect("settle");
        let nim = next
            .statements
            .iter()
            .find(|s| s.party == "partner:nim")
            .expect("NIM is credited");
        assert!(
            nim.lines.iter().any(|l| l.kind == "dispute_credit"
                && l.amount_minor == 1250
                && l.corrects.as_deref() == Some(month.as_str())),
            "{nim:?}"
        );
        assert!(
            next.totals.values().all(|t| t.balances()),
            "{:?}",
            next.totals
        );
        let consortium = app.get(&format!("/admin/consortium?period={month}")).await;
        assert_eq!(consortium.status, 200);
        assert!(consortium.text().contains("Town to town"));

        // The partner API: own statements only, with lines and items that add up.
        let nim_key = partner_key(&app, "nim").await;
        let (status, list) = api(&app, "/api/v1/statements", &nim_key).await;
        assert_eq!(status, 200, "{list}");
        assert!(
            list["statements"]
                .as_array()
                .expect("list")
                .iter()
                .all(|s| s["period"] != "2020-01")
        );
        let (status, one) = api(&app, &format!("/api/v1/statements/{month}/EUR"), &nim_key).await;
        assert_eq!(status, 200, "{one}");
        assert_eq!(one["total_minor"], total);
        let (status, items) = api(
            &app,
            &format!("/api/v1/statements/{month}/EUR/items"),
            &nim_key,
        )
        .await;
        assert_eq!(status, 200);
        let sum: i64 = items["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["amount_minor"].as_i64().expect("minor"))
            .sum();
        assert_eq!(sum, total);
        for path in [
            "/api/v1/statements/2020-01/RSD",
            "/api/v1/statements/2020-01/RSD/items",
            "/api/v1/visits?venue=tsarevets",
        ] {
            let (status, body) = api(&app, path, &nim_key).await;
            assert_eq!(status, 404, "{path}: {body}");
        }
        let (status, visits) = api(&app, "/api/v1/visits?from=0", &nim_key).await;
        assert_eq!(status, 200);
        assert!(
            visits["visits"]
                .as_array()
                .expect("visits")
                .iter()
                .all(|v| v["venue"] == "nim-boyana" || v["venue"] == "boyana-church")
        );
        // A partner's key does not sell; a sales point's key does not read statements.
        let (status, _) = api(&app, "/api/v1/products", &nim_key).await;
        assert_eq!(status, 403);
        let (k, prefix, hash) = townpass::accounts::new_api_key().expect("key");
        store
            .insert_api_key(&prefix, &hash, "desk", "sofia-tic", 0)
            .await
            .expect("key");
        let (status, _) = api(&app, "/api/v1/statements", &k).await;
        assert_eq!(status, 403);
        let (status, _) = api(&app, "/api/v1/statements", "tp_nope_nope").await;
        assert_eq!(status, 401);
        // The OpenAPI document names every partner route.
        let doc = app.get("/api/v1/openapi.json").await;
        let doc: Value = serde_json::from_slice(&doc.body).expect("json");
        for route in [
            "/api/v1/statements",
            "/api/v1/statements/{period}/{currency}",
            "/api/v1/statements/{period}/{currency}/items",
            "/api/v1/visits",
            "/api/v1/orders",
        ] {
            assert!(doc["paths"].get(route).is_some(), "{route} documented");
        }
    }
}

#[tokio::test]
async fn absurd_date_ranges_get_a_clear_400_and_never_hold_the_server() {
    for app in TestDb::all().await {
        let app = TestApp::start(app).await;
        user(&app, "museum@nim.test", "partner", Some("nim")).await;
        app.post_form(
            "/login",
            &[
                ("email", "museum@nim.test"),
                ("password", PASSWORD),
                ("next", "/partner"),
            ],
        )
        .await;
        for query in [
            "to=9999-12-31",
            "from=0001-01-01",
            "from=0001-01-01&to=9999-12-31",
            "from=-009999-01-01",
            "from=2020-01-01&to=2026-01-01",
            "from=2026-02-01&to=2026-01-01",
        ] {
            for page in ["/partner", "/partner/visits"] {
                let started = std::time::Instant::now();
                let reply = app.get(&format!("{page}?{query}")).await;
                assert_eq!(reply.status, 400, "{}: {page}?{query}", app.db.kind);
                assert!(
                    reply.text().contains("2000-01-01") || reply.text().contains("starts after"),
                    "{page}?{query}: {}",
                    reply.text()
                );
                assert!(reply.body.len() < 20_000, "{page}?{query}: a small page");
                assert!(started.elapsed() < std::time::Duration::from_secs(5));
            }
        }
        let huge_page = app.get("/partner/visits?page=9223372036854775807").await;
        assert_eq!(huge_page.status, 200, "{}", app.db.kind);
        assert_eq!(
            app.get("/healthz").await.status,
            200,
            "the server still answers"
        );

        let key = partner_key(&app, "nim").await;
        for path in [
            "/api/v1/visits?to=253402300799000",
            "/api/v1/visits?from=-5",
            "/api/v1/visits?from=1790000000000&to=1780000000000",
        ] {
            let (status, body) = api(&app, path, &key).await;
            assert_eq!(status, 400, "{path}: {body}");
            assert_eq!(body["error"]["code"], "bad_range");
        }
        let (status, _) = api(&app, "/api/v1/visits?page=9223372036854775807", &key).await;
        assert_eq!(status, 200);
    }
}

/// The National Historical Museum is paid in Macedonian denars (the catalogue says so) for passes
/// sold in euros: with the month's EUR/MKD rate recorded (`townpass rates` / the admin page), the
/// close stores the conversion, and the partner reads the payout with its rate and source on the
/// statement page (in its language), in the CSV (a `payout` row), in the PDF and in the API.
#[tokio::test]
async fn a_partner_paid_in_denars_reads_its_payout_at_the_months_rate_everywhere() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let store = app.db.store.clone();
        let now = townpass::store::now();
        let demo = townpass::catalog::DEMO.replace(
            "currency = \"EUR\"\nemail = \"accounts@historymuseum.example\"",
            "currency = \"MKD\"\nemail = \"accounts@historymuseum.example\"",
        );
        assert_ne!(demo, townpass::catalog::DEMO);
        townpass::catalog::apply(&store, &demo, now)
            .await
            .expect("catalogue");
        // The month the demo history settles: last month in Sofia.
        let last_month = jiff::Timestamp::from_second(now)
            .expect("now")
            .to_zoned(jiff::tz::TimeZone::get("Europe/Sofia").expect("zone"))
            .date()
            .first_of_month()
            .yesterday()
            .expect("last month")
            .strftime("%Y-%m")
            .to_string();
        let rate = townpass::settlement::rates::RateInput::parse(
            &last_month,
            "EUR/MKD",
            "61.4950",
            "NBRM end of month",
        )
        .expect("rate");
        store
            .set_rates(&[rate.as_new()], "admin:ops@demo.test", now)
            .await
            .expect("rate");
        let month = app.with_settled_month().await;
        assert_eq!(month, last_month);
        user(&app, "museum@nim.test", "partner", Some("nim")).await;
        app.login("museum@nim.test", PASSWORD).await;
        let base = format!("/partner/statements/{month}/EUR");

        let page = app.get(&format!("{base}?lang=mk")).await;
        assert_eq!(page.status, 200, "{}", page.text());
        let text = page.text();
        let total: i64 = {
            let at = text.find("data-minor=\"").expect("total") + 12;
            text[at..]
                .split('"')
                .next()
                .expect("v")
                .parse()
                .expect("minor")
        };
        let payout = "61.4950"
            .parse::<townpass_core::money::Rate>()
            .unwrap()
            .convert(total, "EUR".parse().unwrap(), "MKD".parse().unwrap(), false)
            .unwrap();
        assert!(total > 0 && payout > total * 61, "{total} {payout}");
        let shown = townpass::i18n::present::money_in("mk", payout, "MKD");
        assert!(
            text.contains("Ви се исплаќа во MKD")
                && text.contains(&shown)
                && text.contains("EUR/MKD 61,4950 (NBRM end of month)")
                && !text.contains("Привремено"),
            "{}: {text}",
            app.db.kind
        );

        let csv = app.get(&format!("{base}/csv")).await.text();
        let last = csv.lines().last().expect("rows");
        let cells: Vec<&str> = last.split(',').collect();
        assert_eq!(
            cells[6..],
            [
                "payout",
                "",
                "",
                &townpass_core::money::Money::new(payout, "MKD".parse().unwrap()).decimal(),
                &payout.to_string(),
                "MKD",
                "EUR/MKD 61.4950",
                "NBRM end of month",
                "Payout in the partner's currency",
                "",
                "",
                "",
                ""
            ],
            "{csv}"
        );
        assert!(
            csv.lines()
                .next()
                .expect("header")
                .contains(",currency,rate,rate_source,line,")
        );

        let pdf = app.get(&format!("{base}/pdf?lang=de")).await;
        assert_eq!(pdf.status, 200);
        assert!(pdf.body.starts_with(b"%PDF"));

        let key = partner_key(&app, "nim").await;
        let (status, one) = api(&app, &format!("/api/v1/statements/{month}/EUR"), &key).await;
        assert_eq!(status, 200, "{one}");
        assert_eq!(one["total_minor"], total);
        assert_eq!(
            one["payout"],
            serde_json::json!({
                "currency": "MKD", "amount_minor": payout, "pair": "EUR/MKD", "rate": "61.4950",
                "source": "NBRM end of month", "fixed": true,
                "rounding": townpass::settlement::rates::ROUNDING_RULE
            })
        );
    }
}

/// The PDF's text as `pdftotext -layout` reads it; `None` when poppler's pdftotext is not here
/// (CI installs it and sets TOWNPASS_REQUIRE_PDFTOTEXT: see .ci/run).
fn pdf_text(pdf: &[u8]) -> Option<String> {
    let dir = townpass::testing::TempDir::new("statement-pdf");
    let file = dir.path().join("statement.pdf");
    std::fs::write(&file, pdf).expect("write");
    match std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
    {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        other => {
            assert!(
                std::env::var("TOWNPASS_REQUIRE_PDFTOTEXT").is_err(),
                "pdftotext is required: {other:?}"
            );
            eprintln!("pdftotext is not installed: the PDF's text is not checked");
            None
        }
    }
}

#[tokio::test]
async fn a_statement_pdf_has_what_an_accountant_needs_names_addresses_number_period_and_account() {
    for db in TestDb::all().await {
        let app = TestApp::start(db).await;
        let period = app.with_settled_month().await;
        user(&app, "nim@partner.test", "partner", Some("nim")).await;
        app.login("nim@partner.test", PASSWORD).await;
        let pdf = app
            .get(&format!("/partner/statements/{period}/EUR/pdf"))
            .await;
        assert_eq!(pdf.status, 200);
        let Some(text) = pdf_text(&pdf.body) else {
            continue;
        };
        let ids = app.db.store.partner_ids().await.expect("ids");
        for wanted in [
            "Issued by",
            "Bulgarian Heritage Pass Association",
            "Saborna St 11, 1000 Sofia, BG",
            "VAT id BG000000009",
            "Statement for",
            "National Historical Museum",
            "Vitoshko Lale St 16, 1618 Sofia, BG",
            "VAT id BG000000017",
            &townpass::settlement::payouts::statement_number(&period, ids["nim"], "EUR"),
            "Issued on",
            "Paid to National Historical Museum, IBAN BG80BNBG96611020345678, BIC BNBGBGSD",
        ] {
            assert!(
                text.contains(wanted),
                "{}: {wanted:?} in\n{text}",
                app.db.kind
            );
        }
        assert!(!text.contains("partner:nim"), "no internal codes:\n{text}");
        for code in [
            "nim-entry",
            "nim-boyana",
            "bulgaria-72h",
            "sofia-24h",
            "family",
        ] {
            assert!(!text.contains(code), "{code}: names, not codes:\n{text}");
        }
        // Amounts are right-aligned: every line that ends in an amount ends in the same column.
        let ends: Vec<usize> = text
            .lines()
            .filter(|l| {
                (l.contains("  €") || l.contains("  -€"))
                    && l.trim_end().ends_with(|c: char| c.is_ascii_digit())
            })
            .map(|l| l.trim_end().chars().count())
            .collect();
        assert!(ends.len() >= 3, "{text}");
        assert!(
            ends.iter().max().expect("max") - ends.iter().min().expect("min") <= 1,
            "{}: right edges {ends:?} in\n{text}",
            app.db.kind
        );
    }
}
