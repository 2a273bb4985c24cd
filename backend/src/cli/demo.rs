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

/// What the demo uses of its catalogue: who logs in, where the devices stand, what was sold.
/// For the Bulgarian region: the Sofia TIC desk, the National Historical Museum, gates at the
/// first venue of another partner on the first product, the museum's entrance.
#[derive(Debug)]
struct Plan {
    /// The first sales point (code, name): the desk user's.
    desk: Option<(String, String)>,
    /// The first partner (code, name): the partner user's.
    partner: Option<(String, String)>,
    /// Where "Gate 1" and "Gate 2" stand (and last month's visits were scanned).
    gates: String,
    /// Where the "Entrance" stands: the partner user's first venue.
    entrance: String,
    /// Last month's sales: (product, category), the first product twice.
    sales: Vec<(String, String)>,
    sales_points: Vec<String>,
}

fn plan(cat: &townpass_core::catalog::Catalogue) -> anyhow::Result<Plan> {
    let on_sale: Vec<&townpass_core::catalog::Product> =
        cat.products.iter().filter(|p| p.on_sale).collect();
    let first = on_sale
        .first()
        .ok_or_else(|| anyhow::anyhow!("the demo catalogue has no product on sale"))?;
    let partner = cat
        .partners
        .first()
        .map(|p| (p.code.clone(), p.name.clone()));
    let venue_of = |offer: &str| {
        cat.offers
            .iter()
            .find(|o| o.code == offer)
            .and_then(|o| cat.venues.iter().find(|v| v.code == o.venue))
    };
    let first_partner = partner.as_ref().map(|p| p.0.as_str());
    let gates = first
        .offers
        .iter()
        .filter_map(|o| venue_of(o))
        .find(|v| Some(v.partner.as_str()) != first_partner)
        .or_else(|| first.offers.first().and_then(|o| venue_of(o)))
        .map(|v| v.code.clone())
        .ok_or_else(|| anyhow::anyhow!("the first product includes no venue"))?;
    let entrance = cat
        .venues
        .iter()
        .find(|v| Some(v.partner.as_str()) == first_partner)
        .map_or_else(|| gates.clone(), |v| v.code.clone());
    // An adult if the product has adults, else its first category.
    let category = |p: &townpass_core::catalog::Product, skip: Option<&str>| {
        ["adult", "student"]
            .iter()
            .map(|c| c.to_string())
            .chain(p.prices.keys().cloned())
            .find(|c| p.prices.contains_key(c) && Some(c.as_str()) != skip)
    };
    let mut sales = Vec::new();
    for (i, p) in on_sale.iter().take(3).enumerate() {
        if let Some(c) = category(p, None) {
            if i == 0
                && let Some(second) = category(p, Some(&c))
            {
                sales.push((p.code.clone(), c.clone()));
                sales.push((p.code.clone(), second));
                continue;
            }
            sales.push((p.code.clone(), c));
        }
    }
    Ok(Plan {
        desk: cat
            .sales_points
            .first()
            .map(|s| (s.code.clone(), s.name.clone())),
        partner,
        gates,
        entrance,
        sales,
        sales_points: cat
            .sales_points
            .iter()
            .take(3)
            .map(|s| s.code.clone())
            .collect(),
    })
}

/// A person the demo makes: who logs in as what.
#[derive(Debug)]
struct DemoUser {
    email: String,
    name: String,
    role: &'static str,
    sales_point: Option<String>,
    partner: Option<String>,
}

/// Illustrative exchange rates for the demo's seeded month (units per euro, 5 decimals): the
/// demo records them so that its month closes; they are examples, not official rates.
const DEMO_RATES: [(&str, u64); 6] = [
    ("EUR", 100_000),
    ("MKD", 6_150_000),
    ("RSD", 11_715_000),
    ("HUF", 39_500_000),
    ("CHF", 94_000),
    ("USD", 108_000),
];

/// The demo rate of `base/quote` (4 decimals), if both are in [`DEMO_RATES`].
fn demo_rate(base: &str, quote: &str) -> Option<String> {
    let of = |c: &str| {
        DEMO_RATES
            .iter()
            .find(|(code, _)| *code == c)
            .map(|(_, u)| *u)
    };
    let (b, q) = (of(base)?, of(quote)?);
    // quote per base = q / b, to 4 decimals, rounded half up.
    let units = (q * 10_000 * 2 + b) / (2 * b);
    Some(format!("{}.{:04}", units / 10_000, units % 10_000))
}

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

    let catalogue = store
        .load_catalogue()
        .await?
        .ok_or_else(|| StoreError::NotFound("the demo catalogue".into()))?;
    let plan = plan(&catalogue)?;
    // Offers with their venue, for the visits.
    let offers = store.offer_venues().await?;
    let (device, _, _) = crate::devices::add(store, &plan.gates, "History gate", now).await?;
    let mut local_id = 0i64;
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    };
    let sales_points: Vec<Option<&str>> = [None, None]
        .into_iter()
        .chain(plan.sales_points.iter().map(|s| Some(s.as_str())))
        .collect();
    let mut sold_in: std::collections::BTreeSet<townpass_core::money::Currency> =
        Default::default();
    for day in 1..=24i8 {
        for (product, category) in &plan.sales {
            if next(3) == 0 {
                continue;
            }
            let currencies = store.product_by_code(product).await?.product.currencies();
            let currency = currencies[next(currencies.len() as u64) as usize];
            sold_in.insert(currency);
            let date = last.with().day(day).build()?;
            let hour = 9 + next(4) as i8;
            let sold = date
                .at(hour, 0, 0, 0)
                .to_zoned(zone.clone())?
                .timestamp()
                .as_second();
            let req = OrderRequest {
                lines: vec![LineRequest {
                    product: product.clone(),
                    category: category.clone(),
                    holder: None,
                    count: 1,
                }],
                email: None,
                language: "en".into(),
                channel: "desk",
                sales_point: sales_points[next(sales_points.len() as u64) as usize]
                    .map(str::to_string),
                payment_provider: "demo".into(),
                currency: Some(currency),
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
    // Partners paid in another currency: the month's (illustrative) rates, so that it closes;
    // a rate someone recorded already is kept.
    let recorded = store.rates(Some(&label)).await?;
    let mut rates = Vec::new();
    for partner in &catalogue.partners {
        for sale in &sold_in {
            if *sale != partner.currency
                && let Some(rate) = demo_rate(sale.as_str(), partner.currency.as_str())
                && let Ok(input) = crate::settlement::rates::RateInput::parse(
                    &label,
                    &format!("{sale}/{}", partner.currency),
                    &rate,
                    "demo rate: an example, not an official one",
                )
                && !rates.iter().any(|r: &crate::settlement::rates::RateInput| {
                    (r.base, r.quote) == (input.base, input.quote)
                        || (r.base, r.quote) == (input.quote, input.base)
                })
                && !recorded.iter().any(|r| {
                    let pair = (r.base.as_str(), r.quote.as_str());
                    pair == (input.base.as_str(), input.quote.as_str())
                        || pair == (input.quote.as_str(), input.base.as_str())
                })
            {
                rates.push(input);
            }
        }
    }
    let new: Vec<_> = rates.iter().map(|r| r.as_new()).collect();
    store.set_rates(&new, "demo", now).await?;
    match settlement::settle(store, &label, now.max(month.ends_at), Some("demo"), &|_| {}).await {
        Ok(_) => {}
        // A currency without a demo rate: the month stays a draft, its statements to read.
        Err(e @ (StoreError::Conflict(_) | StoreError::Refused(_))) => {
            let why = e.to_string();
            tracing::warn!(%why, "the demo's month stays a draft");
            settlement::settle(store, &label, now.max(month.ends_at), None, &|_| {}).await?;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Some(label))
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Seed the demo data and exit without serving (e.g. to prepare a database for tests).
    #[arg(long)]
    pub seed_only: bool,
    /// Serve this catalogue instead of the Bulgarian region, e.g.
    /// catalog/south-morava-osogovo.toml (Serbia and North Macedonia, three currencies). Its data
    /// goes to ./townpass-demo-NAME (the file's name) unless --data-dir or --database-url is given.
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
}

/// Four groups of four letters and digits without look-alikes: easy to read out, 80 bits.
pub fn readable_password() -> anyhow::Result<String> {
    Ok(crate::accounts::readable_secret(4)?)
}

pub async fn run(s: &StoreArgs, args: DemoArgs) -> anyhow::Result<u8> {
    let mut s = s.clone();
    let (text, dir) = match &args.catalog {
        None => (catalog::DEMO.to_string(), "townpass-demo".to_string()),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the catalogue {}", path.display()))?;
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_else(|| "catalog".into());
            (text, format!("townpass-demo-{stem}"))
        }
    };
    if s.data_dir.is_none() && s.database_url.is_none() {
        s.data_dir = Some(PathBuf::from(dir));
    }
    let parsed = catalog::parse(&text)?;
    catalog::validate(&parsed)?;
    let plan = plan(&parsed)?;
    let store = s.open_store().await.context("opening the demo database")?;
    let now = crate::store::now();
    let report = catalog::apply(&store, &text, now).await?;
    // The operator, the first sales point's desk, the first partner.
    let mut people = vec![DemoUser {
        email: "admin@demo.townpass".into(),
        name: "Demo operator".into(),
        role: "admin",
        sales_point: None,
        partner: None,
    }];
    if let Some((code, name)) = &plan.desk {
        people.push(DemoUser {
            email: format!("desk@{code}.demo"),
            name: name.clone(),
            role: "desk",
            sales_point: Some(code.clone()),
            partner: None,
        });
    }
    if let Some((code, name)) = &plan.partner {
        people.push(DemoUser {
            email: format!("partner@{code}.demo"),
            name: name.clone(),
            role: "partner",
            sales_point: None,
            partner: Some(code.clone()),
        });
    }
    let mut users = Vec::new();
    for person in &people {
        let (email, name, role) = (person.email.as_str(), person.name.as_str(), person.role);
        let (sales_point, partner) = (person.sales_point.as_deref(), person.partner.as_deref());
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
        Some(month) => match store.period(&month).await?.map(|p| p.status) {
            Some(status) if status == "closed" => format!("{month} (seeded and closed now)"),
            _ => format!(
                "{month} (seeded; left a draft: a partner's currency has no demo rate, record one with townpass rates set)"
            ),
        },
        None => "see the admin page".to_string(),
    };
    let mut codes = Vec::new();
    for (venue, name) in [
        (plan.gates.as_str(), "Gate 1"),
        (plan.gates.as_str(), "Gate 2"),
        (plan.entrance.as_str(), "Entrance"),
    ] {
        let (device, code, _) = crate::devices::add(&store, venue, name, now).await?;
        codes.push((device.venue, device.name, code));
    }
    // A paid order to try the scanners with (its page shows the QR codes).
    let try_order = sales::create_order(
        &store,
        &OrderRequest {
            lines: vec![LineRequest {
                product: plan.sales[0].0.clone(),
                category: plan.sales[0].1.clone(),
                holder: Some("Demo Visitor".into()),
                count: 2,
            }],
            email: None,
            language: "en".into(),
            channel: "desk",
            sales_point: plan.desk.as_ref().map(|d| d.0.clone()),
            payment_provider: "demo".into(),
            currency: None,
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
    let partner_email = plan
        .partner
        .as_ref()
        .map(|(code, _)| format!("partner@{code}.demo"));
    let towns = parsed
        .towns
        .iter()
        .map(|t| townpass_core::catalog::pick(&t.name, "en").to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let first_product = parsed
        .products
        .iter()
        .find(|p| p.code == plan.sales[0].0)
        .map(|p| {
            (
                p.code.clone(),
                townpass_core::catalog::pick(&p.name, "en").to_string(),
            )
        })
        .unwrap_or_default();
    run_server(&s, store, serve, move |base| {
        say!();
        say!("townpass demo: {towns} ({catalogue_note})");
        say!("  data directory   {}", data_dir.display());
        say!("  shop             {base}/");
        say!("  {:<16} {base}/p/{}", first_product.1, first_product.0);
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
        if let Some(email) = &partner_email {
            say!("  {base}/partner            (log in as {email}: statements, CSV, PDF, disputes)");
        }
        say!("  {base}/admin/rates        (exchange rates for partners paid in another currency)");
        say!("  {base}/admin/payouts      (pay last month: SEPA transfer file for EUR partners, list)");
        say!("  {base}/admin/search       (find an order or pass by code, number, e-mail or name)");
        say!("  {base}/admin/users        (invite users, roles, API keys; own password at /account/password)");
        say!("  {base}/admin/catalogue    (towns, partners, venues, sales points, offers, products)");
    })
    .await
}
