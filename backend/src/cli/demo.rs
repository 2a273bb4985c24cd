//! The demo's history: a month of sales and visits before this one, settled and closed, so the
//! admin and partner pages have statements to open, export and dispute from the first start.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::EXIT_OK;
use super::serve::{ServeArgs, run_server};
use crate::catalog;
use crate::config::StoreArgs;
use crate::sales::{self, LineRequest, OrderRequest};
use crate::settlement::{self, Month};
use crate::store::{NewRedemption, Store, StoreError};

/// Seeds and closes last month (in the operator's zone) unless any month was settled before.
/// Returns the month's label when it did.
pub async fn seed_settled_month(
    store: &Store,
    key: &townpass_core::IssuerKey,
    now: i64,
) -> anyhow::Result<Option<String>> {
    if !store.periods().await?.is_empty() {
        return Ok(None);
    }
    let cat = store.settlement_catalogue().await?;
    let zone = jiff::tz::TimeZone::get(&cat.operator_zone)?;
    let today = jiff::Timestamp::from_second(now)?
        .to_zoned(zone.clone())
        .date();
    let last = today
        .first_of_month()
        .checked_sub(jiff::Span::new().months(1))?;
    let label = format!("{:04}-{:02}", last.year(), last.month());
    let month = Month::parse(&label, &cat.operator_zone)?;

    // Offers with their venue, for the visits.
    let offers = store.offer_venues().await?;
    let (device, _, _) = crate::devices::add(store, "tsarevets", "History gate", now).await?;
    let mut local_id = 0i64;
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    };
    let sales_points = [
        None,
        None,
        Some("sofia-tic"),
        Some("plovdiv-tic"),
        Some("hotel-balkan"),
    ];
    for day in 1..=24i8 {
        for (product, category) in [
            ("bulgaria-72h", "adult"),
            ("bulgaria-72h", "student"),
            ("sofia-24h", "adult"),
            ("discount-booklet", "adult"),
        ] {
            if next(3) == 0 {
                continue;
            }
            let date = last.with().day(day).build()?;
            let hour = 9 + next(4) as i8;
            let sold = date
                .at(hour, 0, 0, 0)
                .to_zoned(zone.clone())?
                .timestamp()
                .as_second();
            let req = OrderRequest {
                lines: vec![LineRequest {
                    product: product.into(),
                    category: category.into(),
                    holder: None,
                    count: 1,
                }],
                email: None,
                language: "en".into(),
                channel: "desk",
                sales_point: sales_points[next(5) as usize].map(str::to_string),
                payment_provider: "demo".into(),
            };
            let order = sales::create_order(store, &req, sold).await?;
            sales::pay_order(store, key, &order, None, sold).await?;
            let serial = store
                .passes_of_order(order.id)
                .await?
                .into_iter()
                .next()
                .map(|p| p.serial)
                .ok_or_else(|| StoreError::NotFound("the demo order's pass".into()))?;
            let included: Vec<String> = store.product_by_code(product).await?.product.offers;
            let mut rows = Vec::new();
            for visit in 0..(1 + next(4)) {
                let offer = &included[next(included.len() as u64) as usize];
                let Some((_, _, venue_id)) = offers.iter().find(|(o, _, _)| o == offer) else {
                    continue;
                };
                local_id += 1;
                let scanned = sold + 3600 + visit as i64 * 5 * 3600;
                rows.push(NewRedemption {
                    device_id: device.id,
                    local_id,
                    serial: serial.clone(),
                    token: String::new(),
                    venue_id: *venue_id,
                    offer: Some(offer.clone()),
                    scanned_at_ms: scanned * 1000,
                    received_at: scanned + 600,
                    flag: None,
                    flag_detail: None,
                });
            }
            store.insert_redemptions(&rows).await?;
        }
    }
    settlement::settle(store, &label, now.max(month.ends_at), Some("demo"), &|_| {}).await?;
    Ok(Some(label))
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Seed the demo data and exit without serving (e.g. to prepare a database for tests).
    #[arg(long)]
    pub seed_only: bool,
}

/// Four groups of four letters and digits without look-alikes: easy to read out, 80 bits.
pub fn readable_password() -> anyhow::Result<String> {
    Ok(crate::accounts::readable_secret(4)?)
}

pub async fn run(s: &StoreArgs, args: DemoArgs) -> anyhow::Result<u8> {
    let mut s = s.clone();
    if s.data_dir.is_none() && s.database_url.is_none() {
        s.data_dir = Some(PathBuf::from("townpass-demo"));
    }
    let store = s.open_store().await.context("opening the demo database")?;
    let now = crate::store::now();
    let report = catalog::apply(&store, catalog::DEMO, now).await?;
    let mut users = Vec::new();
    for (email, name, role, sales_point, partner) in [
        ("admin@demo.townpass", "Demo operator", "admin", None, None),
        (
            "desk@sofia-tic.demo",
            "Sofia TIC desk",
            "desk",
            Some("sofia-tic"),
            None,
        ),
        (
            "partner@nim.demo",
            "National Historical Museum",
            "partner",
            None,
            Some("nim"),
        ),
    ] {
        let password = readable_password()?;
        let hash = crate::accounts::hash_password(&password)?;
        let user = crate::store::NewUser {
            email,
            name,
            password_hash: &hash,
            role,
            sales_point,
            partner,
        };
        store.upsert_user(&user, now).await?;
        users.push((email, role, password));
    }
    let key = s.key_ring().ensure_active(&store, now).await?;
    let settled = crate::cli::demo::seed_settled_month(&store, &key, now)
        .await
        .context("seeding last month's settlement")?;
    let settled_note = match settled {
        Some(month) => format!("{month} (seeded and closed now)"),
        None => "see the admin page".to_string(),
    };
    let mut codes = Vec::new();
    for (venue, name) in [
        ("tsarevets", "Gate 1"),
        ("tsarevets", "Gate 2"),
        ("nim-boyana", "Entrance"),
    ] {
        let (device, code, _) = crate::devices::add(&store, venue, name, now).await?;
        codes.push((device.venue, device.name, code));
    }
    // A paid order to try the scanners with (its page shows the QR codes).
    let try_order = sales::create_order(
        &store,
        &OrderRequest {
            lines: vec![LineRequest {
                product: "bulgaria-72h".into(),
                category: "adult".into(),
                holder: Some("Demo Visitor".into()),
                count: 2,
            }],
            email: None,
            language: "en".into(),
            channel: "desk",
            sales_point: Some("sofia-tic".into()),
            payment_provider: "demo".into(),
        },
        now,
    )
    .await
    .context("creating the demo order to scan")?;
    sales::pay_order(&store, &key, &try_order, None, now).await?;
    let try_order = try_order.public_id;
    let data_dir = s.data_dir();
    let catalogue_note = if report.changed() {
        "seeded"
    } else {
        "already there"
    };
    if args.seed_only {
        println!(
            "demo data seeded in {} ({catalogue_note}); settlement: {settled_note}",
            data_dir.display()
        );
        for (email, role, password) in &users {
            println!("  {role:<8} {email:<24} {password}");
        }
        return Ok(EXIT_OK);
    }
    // Wallet passes in the demo: a demo certificate made once (not Apple's: an iPhone will not
    // add these passes, OpenSSL verifies them against the demo CA).
    let mut serve = args.serve;
    let demo_wallet = if serve.apple_pass_type_id.is_none() {
        let keys = crate::sales::wallet::demo_keys(&data_dir.join("wallet-demo"))
            .map_err(anyhow::Error::msg)?;
        serve.apple_pass_type_id = Some(keys.pass_type_id.to_string());
        serve.apple_team_id = Some(keys.team_id.to_string());
        serve.apple_pass_cert = Some(keys.certificate.clone());
        serve.apple_pass_key = Some(keys.key.clone());
        serve.apple_wwdr_cert = Some(keys.ca.clone());
        Some(keys.ca)
    } else {
        None
    };
    run_server(&s, store, serve, move |base| {
        say!();
        say!("townpass demo: Sofia, Plovdiv, Veliko Tarnovo, Koprivshtitsa, Rila Monastery ({catalogue_note})");
        say!("  data directory   {}", data_dir.display());
        say!("  shop             {base}/");
        say!("  72 h pass        {base}/p/bulgaria-72h");
        say!("  sales desk       {base}/desk");
        say!("  web scanner      {base}/scan   (any phone or browser; enrol with a code below)");
        say!("  public keys      {base}/.well-known/townpass/keys");
        say!("  e-mails go to    {}", data_dir.join("mail").display());
        if let Some(ca) = &demo_wallet {
            say!("  Apple Wallet     signed with a demo certificate, not Apple's (iPhones refuse it); check a .pkpass:");
            say!("                   unzip it, then openssl cms -verify -binary -inform DER -in signature -content manifest.json -purpose any -CAfile {}", ca.display());
        }
        say!();
        say!("demo users (new passwords at every start):");
        for (email, role, password) in &users {
            say!("  {role:<8} {email:<24} {password}");
        }
        say!();
        say!("try: buy a pass in the shop, note the order code, log in as the desk user,");
        say!("     find the order and mark it paid, then open the order page and its PDF.");
        say!();
        say!("device enrolment codes (one-time, valid 24 h; new ones at every start):");
        for (venue, name, code) in &codes {
            say!("  {venue:<12} {name:<9} {code}");
        }
        say!("  on a phone:  open {base}/scan?code=CODE (or {base}/scan and type the code)");
        if !base.starts_with("https://") && !base.contains("://127.0.0.1") && !base.contains("://localhost") {
            say!("               phones need https:// for the camera and offline use: serve it behind TLS");
        }
        say!("  on a device: townpass-scan enroll --server {base} --code CODE");
        say!("  two paid passes to scan: {base}/o/{try_order}");
        say!();
        say!("settlement: last month's statements, {settled_note}");
        say!("  townpass settle --period YYYY-MM     (draft statements; --close issues them)");
        say!("  {base}/admin/settlement   (operator: statements, flags, disputes, consortium figures)");
        say!("  {base}/partner            (log in as partner@nim.demo: statements, CSV, PDF, disputes)");
    })
    .await
}
