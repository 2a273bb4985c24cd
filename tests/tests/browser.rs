//! A tourist and a desk clerk in headless Chromium against the real `townpass` server: buy a pass in
//! the shop, have it marked paid at the desk, find the QR code on the order page.

use townpass_tests::webdriver::{self, Browser};
use townpass_tests::{DataDir, Server, demo_catalogue_path};

const DESK_EMAIL: &str = "desk@sofia-tic.test";
const DESK_PASSWORD: &str = "desk password 1234";

/// Asserts that a `townpass` command succeeded, showing what it said if not.
fn ok(out: std::process::Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_pass_bought_in_the_shop_and_paid_at_the_desk_shows_its_qr_on_the_order_page() {
    if !webdriver::available() {
        return;
    }
    let data = DataDir::new();
    ok(data.townpass(&[
        "catalog",
        "apply",
        demo_catalogue_path().to_str().expect("path"),
    ]));
    ok(data.townpass(&[
        "users",
        "add",
        "--email",
        DESK_EMAIL,
        "--role",
        "desk",
        "--sales-point",
        "sofia-tic",
        "--password",
        DESK_PASSWORD,
    ]));
    let server = Server::start(&data);
    let browser = Browser::start();

    // The tourist, on a phone-sized window, in the shop.
    browser.goto(&format!("{}/?lang=en", server.url));
    browser.click("a[href='/p/bulgaria-72h']");
    browser.wait_url(|u| u.ends_with("/p/bulgaria-72h"));
    browser.fill("#qty_adult", "1");
    browser.fill("#email", "tourist@example.org");
    browser.fill("#name_adult_1", "Elena Georgieva");
    browser.click("form[action$='/buy'] button[type=submit]");
    let order_url = browser.wait_url(|u| u.contains("/o/"));
    assert_eq!(
        browser.attribute("#status", "data-status").as_deref(),
        Some("pending")
    );
    let code = browser.text("#order-code");
    assert_eq!(code.len(), 9, "{code}");
    assert!(
        browser.find_all(".pass svg").is_empty(),
        "no QR before payment"
    );

    // The desk clerk logs in, finds the order by the code the tourist reads out, marks it paid.
    browser.goto(&format!("{}/login", server.url));
    browser.fill("#email", DESK_EMAIL);
    browser.fill("#password", DESK_PASSWORD);
    browser.click("form[action='/login'] button[type=submit]");
    browser.wait_url(|u| u.ends_with("/desk"));
    browser.fill("#code", &code);
    browser.click("form[action='/desk'] button[type=submit]");
    browser.click("#mark-paid");
    browser.wait_url(|u| u == order_url);

    // The order page now holds the pass with its QR code.
    assert_eq!(
        browser.attribute("#status", "data-status").as_deref(),
        Some("paid")
    );
    let qr = browser.find_all(".pass .qr svg");
    assert_eq!(qr.len(), 1, "one QR code for one pass");
    assert!(browser.text(".pass").contains("Elena Georgieva"));
    let pdf = browser
        .attribute("a[href$='/passes.pdf']", "href")
        .expect("PDF link");
    let mut resp = ureq::get(&format!("{}{pdf}", server.url))
        .call()
        .expect("PDF downloads");
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    assert!(
        resp.body_mut()
            .read_to_vec()
            .expect("body")
            .starts_with(b"%PDF-")
    );
    let png = browser.screenshot();
    assert!(
        png.starts_with(b"\x89PNG"),
        "a screenshot of the order page"
    );
    if let Ok(dir) = std::env::var("TOWNPASS_SCREENSHOTS") {
        let _ = std::fs::write(std::path::Path::new(&dir).join("order-page.png"), png);
    }

    // The desk computer does not keep its customers' passes for use offline.
    assert_eq!(
        browser.attribute("#status", "data-keep").as_deref(),
        Some("false"),
        "not kept on a staff member's computer"
    );
    // The clerk logs out; the tourist opens the order on the phone.
    browser.click("form[action='/logout'] button[type=submit]");
    browser.wait_url(|u| !u.contains("/desk"));
    browser.goto(&order_url);
    assert_eq!(
        browser.attribute("#status", "data-keep").as_deref(),
        Some("true")
    );
    // The phone keeps the page once opened (its service worker says when it has saved it).
    browser.wait_for("document.documentElement.dataset.kept", 30);

    // An order still waiting for payment is not kept (it changes, and has no passes yet).
    browser.goto(&format!("{}/p/bulgaria-72h?lang=en", server.url));
    browser.fill("#qty_adult", "1");
    browser.fill("#email", "tourist@example.org");
    browser.click("form[action$='/buy'] button[type=submit]");
    let pending_url = browser.wait_url(|u| u.contains("/o/") && u != order_url);
    let kept = browser.execute_async(
        "const cache = await caches.open('townpass-orders-1');
         return (await cache.keys()).map((r) => new URL(r.url).pathname);",
        vec![],
    );
    let kept: Vec<String> = kept
        .as_array()
        .expect("cache keys")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .filter(|p| p.starts_with("/o/") && p != "/o/sw.js")
        .collect();
    let paid_path = order_url
        .split_once("/o/")
        .map(|(_, id)| format!("/o/{}", id.split('?').next().unwrap_or(id)))
        .expect("order path");
    let pending_path = pending_url
        .split_once("/o/")
        .map(|(_, id)| format!("/o/{}", id.split('?').next().unwrap_or(id)))
        .expect("order path");
    assert!(kept.contains(&paid_path), "{kept:?}");
    assert!(
        !kept.iter().any(|p| p.starts_with(&pending_path)),
        "a waiting order is not kept: {kept:?}"
    );
    assert!(kept.contains(&format!("{paid_path}/gate")), "{kept:?}");

    // Should a staff member sign in on this browser, the order's copies (page and gate view)
    // are dropped as soon as the order is opened.
    browser.goto(&format!("{}/login", server.url));
    browser.fill("#email", DESK_EMAIL);
    browser.fill("#password", DESK_PASSWORD);
    browser.click("form[action='/login'] button[type=submit]");
    browser.wait_url(|u| u.ends_with("/desk"));
    browser.goto(&order_url);
    assert_eq!(
        browser.attribute("#status", "data-keep").as_deref(),
        Some("false")
    );
    let cached = |browser: &Browser| -> Vec<String> {
        browser
            .execute_async(
                "const cache = await caches.open('townpass-orders-1');
                 return (await cache.keys()).map((r) => new URL(r.url).pathname);",
                vec![],
            )
            .as_array()
            .expect("cache keys")
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    let dropped = cached(&browser);
    assert!(
        !dropped.iter().any(|p| p.starts_with(&paid_path)),
        "nothing of the order is left on a staff member's browser: {dropped:?}"
    );
    browser.click("form[action='/logout'] button[type=submit]");
    browser.wait_url(|u| !u.contains("/desk"));
    browser.goto(&order_url);
    browser.wait_for("document.documentElement.dataset.kept", 30);
    assert!(cached(&browser).contains(&paid_path));
    // No network at all: the server is gone. A reload still shows the pass and its QR code,
    // and says that this is the saved copy and when it was made.
    server.kill();
    browser.goto(&order_url);
    assert_eq!(
        browser.find_all(".pass .qr svg").len(),
        1,
        "the pass, offline"
    );
    assert!(browser.text(".pass").contains("Elena Georgieva"));
    browser.wait_for("!document.getElementById('offline').hidden", 10);
    assert!(
        browser
            .text("#offline")
            .contains("copy saved on this phone"),
        "{}",
        browser.text("#offline")
    );
    // "Show at the gate", offline too: one pass per screen, QR, holder and category large.
    browser.goto(&format!("{order_url}/gate"));
    assert_eq!(browser.find_all(".slide .qr svg").len(), 1);
    assert_eq!(browser.text(".slide .holder"), "Elena Georgieva");
    assert_eq!(browser.text(".slide .category"), "Adult");
    let gate = browser.screenshot();
    if let Ok(dir) = std::env::var("TOWNPASS_SCREENSHOTS") {
        let _ = std::fs::write(std::path::Path::new(&dir).join("gate-offline.png"), gate);
    }
}

#[test]
fn a_partner_opens_a_statement_downloads_its_csv_and_the_csv_adds_up_to_the_statement() {
    if !webdriver::available() {
        return;
    }
    let data = DataDir::new();
    // The demo's last month, sold, visited, settled and closed.
    ok(data.townpass(&["demo", "--seed-only"]));
    ok(data.townpass(&[
        "users",
        "add",
        "--email",
        "museum@nim.test",
        "--role",
        "partner",
        "--partner",
        "nim",
        "--password",
        DESK_PASSWORD,
    ]));
    let server = Server::start(&data);
    let browser = Browser::start();
    let downloads = data.path().join("downloads");
    std::fs::create_dir_all(&downloads).expect("downloads dir");
    browser.download_to(&downloads);

    browser.goto(&format!("{}/login?lang=en", server.url));
    browser.fill("#email", "museum@nim.test");
    browser.fill("#password", DESK_PASSWORD);
    browser.click("form[action='/login'] button[type=submit]");
    browser.wait_url(|u| u.ends_with("/partner"));
    assert_eq!(browser.find_all(".chart svg").len(), 1, "the visits chart");
    browser.click("a[href^='/partner/statements/']");
    browser.wait_url(|u| u.contains("/partner/statements/"));
    let total: i64 = browser
        .attribute("#statement-total", "data-minor")
        .expect("the statement's total")
        .parse()
        .expect("minor units");
    assert!(total > 0, "NIM earned something last month");
    browser.click("a#csv");
    let csv = String::from_utf8(Browser::wait_download(&downloads, ".csv")).expect("utf-8");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let at = header
        .iter()
        .position(|h| *h == "amount_minor")
        .expect("amount_minor column");
    let sum: i64 = lines
        .map(|l| {
            l.split(',')
                .nth(at)
                .expect("field")
                .parse::<i64>()
                .expect("minor")
        })
        .sum();
    assert_eq!(sum, total, "the CSV adds up to the statement: {csv}");
    if let Ok(dir) = std::env::var("TOWNPASS_SCREENSHOTS") {
        let _ = std::fs::write(
            std::path::Path::new(&dir).join("partner-statement.png"),
            browser.screenshot(),
        );
    }
}

/// The cross-border region's shop in every language on offer, in Chromium: the shop's title in
/// the language, the product page's prices in the currency of the visitor's language where the
/// pass is sold in it (MKD for Macedonian, RSD for Serbian, EUR otherwise) and written as the
/// language writes money, and the running total the page's script computes in the same format.
#[test]
fn the_shop_speaks_every_language_with_its_own_currency_and_number_format() {
    if !webdriver::available() {
        return;
    }
    let data = DataDir::new();
    let file = demo_catalogue_path().with_file_name("south-morava-osogovo.toml");
    let applied = data.townpass(&["catalog", "apply", file.to_str().expect("path")]);
    assert!(
        applied.status.success(),
        "{}",
        String::from_utf8_lossy(&applied.stderr)
    );
    let server = Server::start(&data);
    let browser = Browser::start();
    let plain = |s: String| s.replace('\u{a0}', " ");
    for lang in townpass_i18n::codes() {
        browser.goto(&format!("{}/?lang={lang}", server.url));
        assert_eq!(
            browser.attribute("html", "lang").as_deref(),
            Some(lang),
            "the page says its language"
        );
        let title = browser.text("h1");
        assert_eq!(title, townpass_i18n::t(lang, "shop_title"), "{lang}");

        browser.goto(&format!("{}/p/route-72h?lang={lang}", server.url));
        let (currency, adult) = match lang {
            "mk" => ("MKD", 92_000),
            "sr" | "sr-Latn" => ("RSD", 175_000),
            _ => ("EUR", 1500),
        };
        let price = plain(browser.text("td.price"));
        assert_eq!(
            price,
            plain(townpass_i18n::numbers::money(lang, adult, currency, 2)),
            "{lang}: the adult price"
        );
        browser.fill("#qty_adult", "12");
        let total = plain(townpass_i18n::numbers::money(lang, 12 * adult, currency, 2));
        let shown = browser.wait_for("document.getElementById('total').textContent", 5);
        let shown = plain(shown.as_str().unwrap_or("").to_string());
        assert!(
            shown.contains(&total),
            "{lang}: the running total {shown:?} should read {total:?}"
        );
    }
    // A currency the pass is not sold in is refused in words, not swapped for another.
    browser.goto(&format!("{}/p/route-72h?lang=de&currency=HUF", server.url));
    let refused = browser.text("p.error");
    assert!(
        refused.contains("nicht in HUF verkauft") && refused.contains("EUR, MKD, RSD"),
        "{refused}"
    );
    // Asked for explicitly, a currency the pass is sold in wins over the language's.
    browser.goto(&format!("{}/p/route-72h?lang=mk&currency=RSD", server.url));
    assert_eq!(
        plain(browser.text("td.price")),
        plain(townpass_i18n::numbers::money("mk", 175_000, "RSD", 2))
    );
}

/// An operator (officer@region.test) in `data`, with the demo catalogue applied or none at all.
fn officer(data: &DataDir, demo: bool) {
    if demo {
        ok(data.townpass(&[
            "catalog",
            "apply",
            demo_catalogue_path().to_str().expect("path"),
        ]));
    }
    ok(data.townpass(&[
        "users",
        "add",
        "--email",
        "officer@region.test",
        "--name",
        "Maria Officer",
        "--role",
        "admin",
        "--password",
        DESK_PASSWORD,
    ]));
}

/// Logs the operator of [`officer`] in, in English; the operator's home page opens.
fn log_in_as_officer(browser: &Browser, server: &Server) {
    browser.goto(&format!("{}/login?lang=en", server.url));
    browser.fill("#email", "officer@region.test");
    browser.fill("#password", DESK_PASSWORD);
    browser.click("form[action='/login'] button[type=submit]");
    browser.wait_url(|u| u.contains("/admin"));
}

/// The link in the newest e-mail to `to` that the SMTP listener received, waiting up to 20 s
/// for it; `path` is what the link's path starts with.
fn link_in_mail(smtp: &townpass::testing::SmtpSink, to: &str, path: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let text = smtp
            .messages
            .lock()
            .expect("mail")
            .iter()
            .rev()
            .filter(|m| m.to.iter().any(|t| t.contains(to)))
            .find_map(|m| {
                let parsed = mail_parser::MessageParser::default().parse(&m.data)?;
                Some(parsed.body_text(0)?.to_string())
            });
        if let Some(text) = text
            && let Some(link) = text
                .split_whitespace()
                .find(|w| w.starts_with("http") && w.contains(path))
        {
            return link.trim_end_matches(['.', ',', ')', '>']).to_string();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no e-mail to {to} with a {path} link in 20 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// An operator invites a desk clerk in the browser; the clerk opens the e-mailed link, chooses a
/// password (once: the link then no longer works), logs in and sells three passes of two
/// categories in one sale, with names and a running total, and gets a receipt; the sale is in
/// today's sales.
#[test]
fn an_invited_clerk_sets_a_password_from_the_email_and_sells_two_categories_in_one_sale() {
    if !webdriver::available() {
        return;
    }
    let data = DataDir::new();
    officer(&data, true);
    let smtp = townpass::testing::SmtpSink::start();
    let smtp_url = format!("smtp://127.0.0.1:{}", smtp.port);
    let server = Server::start_with(
        &data,
        &[
            ("TOWNPASS_SMTP_URL", smtp_url.as_str()),
            ("TOWNPASS_MAIL_INTERVAL", "1"),
        ],
    );
    let browser = Browser::start();

    // The operator invites the clerk: name, address, role, desk, language of the e-mail.
    log_in_as_officer(&browser, &server);
    browser.goto(&format!("{}/admin/users", server.url));
    browser.fill("#i-name", "Ivan Clerk");
    browser.fill("#i-email", "ivan@sofia-tic.test");
    browser.click("#i-role option[value='desk']");
    browser.click("#i-place option[value='sales_point:sofia-tic']");
    browser.click("#i-lang option[value='en']");
    browser.click("form[action='/admin/users'] button[type=submit]");
    browser.find("#users");
    assert_eq!(
        browser.find_all("#users tbody tr").len(),
        2,
        "the operator and the invited clerk"
    );
    let users = browser.text("#users");
    assert!(
        users.contains("Ivan Clerk")
            && users.contains("Sofia Tourist Information Centre")
            && users.contains("invited"),
        "the list shows the clerk by name, at the desk's name, waiting for a password: {users}"
    );
    browser.click("form[action='/logout'] button[type=submit]");

    // The clerk opens the link from the e-mail and chooses a password.
    let link = link_in_mail(&smtp, "ivan@sofia-tic.test", "/password/set/");
    assert!(link.starts_with(&server.url), "{link}");
    browser.goto(&link);
    browser.fill("#new", "clerk password 5678");
    browser.fill("#again", "clerk password 5678");
    browser.click("form[action^='/password/set/'] button[type=submit]");
    browser.click("#log-in");
    browser.wait_url(|u| u.contains("/login"));
    browser.fill("#email", "ivan@sofia-tic.test");
    browser.fill("#password", "clerk password 5678");
    browser.click("form[action='/login'] button[type=submit]");
    browser.wait_url(|u| u.ends_with("/desk"));

    // The link works once.
    let again = ureq::get(&link)
        .config()
        .http_status_as_error(false)
        .build()
        .call()
        .expect("answer");
    assert_eq!(again.status().as_u16(), 410, "a used link is gone");

    // A counter sale: two adults and a child, each with a name, the total shown before selling.
    browser.goto(&format!("{}/desk?product=bulgaria-72h&lang=en", server.url));
    browser.fill("#qty_adult", "2");
    browser.fill("#qty_child", "1");
    browser.fill("#name_adult_1", "Elena Georgieva");
    browser.fill("#name_adult_2", "Petar Georgiev");
    browser.fill("#name_child_1", "Ana Georgieva");
    browser.wait_for(
        "document.getElementById('total').textContent.includes('112.00')",
        10,
    );
    browser.fill("form[action='/desk/sell'] #email", "georgievi@example.org");
    browser.click("form[action='/desk/sell'] button[type=submit]");
    browser.wait_url(|u| u.contains("/desk/receipt/"));
    let receipt = browser.text("#receipt");
    for want in [
        "Sofia Tourist Information Centre",
        "Elena Georgieva",
        "Petar Georgiev",
        "Ana Georgieva",
        "Adult",
        "Child",
        "112.00",
    ] {
        assert!(
            receipt.contains(want),
            "the receipt shows {want}: {receipt}"
        );
    }
    assert!(
        browser
            .attribute("a[href$='/passes.pdf']", "href")
            .is_some(),
        "the receipt links the passes' PDF"
    );
    if let Ok(dir) = std::env::var("TOWNPASS_SCREENSHOTS") {
        let _ = std::fs::write(
            std::path::Path::new(&dir).join("desk-receipt.png"),
            browser.screenshot(),
        );
    }
    browser.goto(&format!("{}/desk?lang=en", server.url));
    let today = browser.text("#today");
    assert!(
        today.contains("112.00"),
        "today's sales count the sale: {today}"
    );
}

/// Closing a month can never be undone, so the operator's "Close and issue…" first shows what
/// closing does and asks again (a form, no script); cancelling leaves the month open, and only
/// the second, explicit button closes it.
#[test]
fn an_operator_closes_last_month_only_after_reading_what_closing_does_and_confirming() {
    if !webdriver::available() {
        return;
    }
    let data = DataDir::new();
    officer(&data, true);
    let month = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Sofia").expect("zone"))
        .first_of_month()
        .expect("first")
        .yesterday()
        .expect("last month")
        .strftime("%Y-%m")
        .to_string();
    let server = Server::start(&data);
    let browser = Browser::start();
    log_in_as_officer(&browser, &server);

    let ask_to_close = || {
        browser.goto(&format!("{}/admin/settlement", server.url));
        browser.fill("#period", &month);
        browser.click("form[action='/admin/settlement'] button[value=close]");
        let warning = browser.text(".irreversible");
        assert!(
            warning.contains("cannot be undone") && warning.contains(&month),
            "the page says what closing {month} does: {warning}"
        );
    };
    let month_row = |browser: &Browser| -> String {
        browser.goto(&format!("{}/admin/settlement", server.url));
        browser
            .execute(
                "return [...document.querySelectorAll('tr')].map((r) => r.innerText)\
                 .filter((t) => t.startsWith(arguments[0])).pop() || '';",
                vec![serde_json::Value::String(month.clone())],
            )
            .as_str()
            .unwrap_or_default()
            .to_string()
    };

    // Asked, then cancelled: nothing happens.
    ask_to_close();
    browser.click(".irreversible a[href='/admin/settlement']");
    browser.wait_url(|u| u.ends_with("/admin/settlement"));
    assert_eq!(
        month_row(&browser),
        "",
        "no run, no month, after cancelling"
    );

    // Asked, then confirmed: the month is closed (the run finishes in the background).
    ask_to_close();
    if let Ok(dir) = std::env::var("TOWNPASS_SCREENSHOTS") {
        let _ = std::fs::write(
            std::path::Path::new(&dir).join("close-confirm.png"),
            browser.screenshot(),
        );
    }
    browser.click(".irreversible button[type=submit]");
    browser.wait_url(|u| u.ends_with("/admin/settlement"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let row = month_row(&browser);
        if row.contains("issued") {
            assert!(row.contains("officer@region.test"), "who closed it: {row}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{month} was not closed in 30 s: {row:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(300));
    }

    // A closed month cannot be closed again: the page says why instead of asking.
    browser.goto(&format!("{}/admin/settlement", server.url));
    browser.fill("#period", &month);
    browser.click("form[action='/admin/settlement'] button[value=close]");
    assert!(
        browser.find_all(".irreversible").is_empty(),
        "no second confirmation for a closed month"
    );
    assert!(!browser.text("[role=alert]").is_empty());
}

/// A tourism officer changes a partner's bank account in the browser: a mistyped IBAN is said
/// beside the field and nothing is saved; corrected, it is saved and listed among the changes
/// with who made it.
#[test]
fn an_operator_corrects_a_partners_iban_in_the_browser_after_the_page_points_at_the_mistake() {
    if !webdriver::available() {
        return;
    }
    let data = DataDir::new();
    officer(&data, true);
    let server = Server::start(&data);
    let browser = Browser::start();
    log_in_as_officer(&browser, &server);
    browser.click("a[href='/admin/catalogue']");
    browser.wait_url(|u| u.ends_with("/admin/catalogue"));
    assert!(
        browser
            .text("#partners-table")
            .contains("National Historical Museum")
    );
    browser.click("a[href='/admin/catalogue/partners/nim']");
    browser.wait_url(|u| u.ends_with("/admin/catalogue/partners/nim"));

    // One digit wrong.
    browser.fill("#iban", "DE89 3704 0044 0532 0130 01");
    browser.fill("#bic", "COBADEFFXXX");
    browser.click("form[action='/admin/catalogue/partners/nim'] button[type=submit]");
    let error = browser.text("#iban-error");
    assert!(error.contains("Not a valid IBAN"), "{error}");
    assert_eq!(
        browser.attribute("#iban", "aria-invalid").as_deref(),
        Some("true")
    );
    if let Ok(dir) = std::env::var("TOWNPASS_SCREENSHOTS") {
        let _ = std::fs::write(
            std::path::Path::new(&dir).join("catalogue-iban-error.png"),
            browser.screenshot(),
        );
    }
    let exported = String::from_utf8(data.townpass(&["catalog", "export"]).stdout).expect("utf-8");
    assert!(exported.contains("BG80BNBG96611020345678"), "unchanged");

    // Corrected.
    browser.fill("#iban", "DE89 3704 0044 0532 0130 00");
    browser.click("form[action='/admin/catalogue/partners/nim'] button[type=submit]");
    browser.wait_url(|u| u.contains("/admin/catalogue?saved="));
    assert!(
        browser
            .text("[role=status]")
            .contains("National Historical Museum")
    );
    let changes = browser.text("#changes-table");
    assert!(
        changes.contains("officer@region.test") && changes.contains("iban"),
        "{changes}"
    );
    let exported = String::from_utf8(data.townpass(&["catalog", "export"]).stdout).expect("utf-8");
    assert!(exported.contains("DE89370400440532013000"), "{exported}");
}

/// A region set up from nothing in the browser: the operator's details, a town, a partner, a
/// venue, an offer and a product; the shop then sells it.
#[test]
fn a_new_region_is_set_up_in_the_browser_from_an_empty_catalogue_to_a_pass_on_sale() {
    if !webdriver::available() {
        return;
    }
    let data = DataDir::new();
    officer(&data, false);
    let server = Server::start(&data);
    let browser = Browser::start();
    log_in_as_officer(&browser, &server);
    browser.goto(&format!("{}/admin/catalogue", server.url));
    browser.click("#set-up");
    browser.fill("#name", "Pirin Tourism Association");
    browser.fill("#email", "office@pirin.test");
    browser.fill("#time_zone", "Europe/Sofia");
    browser.click("form[action^='/admin/catalogue/'] button[type=submit]");
    browser.wait_url(|u| u.contains("saved=operator/"));

    let save = |what: &str| {
        browser.click("form[action^='/admin/catalogue/'] button[type=submit]");
        browser.wait_url(|u| u.contains("saved="));
        assert!(
            browser.text("[role=status]").contains(what),
            "{}",
            browser.text("main")
        );
    };
    browser.click("#add-towns");
    browser.fill("#code", "bansko");
    browser.fill("[id='name.en']", "Bansko");
    browser.fill("#country", "BG");
    save("Bansko");
    browser.click("#add-partners");
    browser.fill("#code", "velyanov");
    browser.fill("#name", "Velyanov House Museum");
    browser.fill("#email", "museum@bansko.test");
    browser.fill("#iban", "BG80 BNBG 9661 1020 3456 78");
    browser.fill("#addr_town", "Bansko");
    browser.fill("#addr_country", "BG");
    save("Velyanov House Museum");
    browser.click("#add-venues");
    browser.fill("#code", "velyanov-house");
    browser.fill("[id='name.en']", "Velyanov House");
    browser.click("#partner option[value='velyanov']");
    browser.click("#town option[value='bansko']");
    save("Velyanov House");
    browser.click("#add-offers");
    browser.fill("#code", "velyanov-entry");
    browser.click("#venue option[value='velyanov-house']");
    browser.fill("[id='rack.adult']", "5");
    save("Velyanov House");
    browser.click("#add-products");
    browser.fill("#code", "bansko-48h");
    browser.fill("[id='name.en']", "Bansko Pass 48 h");
    browser.fill("#validity_hours", "48");
    browser.click("[id='offer.velyanov-entry']");
    browser.fill("[id='price.main.adult']", "12,50");
    // New products wait until the operator says they are ready.
    browser.click("#on_sale");
    save("Bansko Pass 48 h");

    // The shop sells it at that price.
    browser.goto(&format!("{}/p/bansko-48h?lang=en", server.url));
    let page = browser.text("main");
    assert!(
        page.contains("Bansko Pass 48 h") && page.contains("12.50"),
        "{page}"
    );
    assert!(page.contains("Velyanov House"), "{page}");
    let exported = String::from_utf8(data.townpass(&["catalog", "export"]).stdout).expect("utf-8");
    assert!(
        exported.contains("hours = 48") && exported.contains("adult = 1250"),
        "{exported}"
    );
}
