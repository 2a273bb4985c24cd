//! The demo's history: a month of sales and visits before this one, settled and closed, so the
//! admin and partner pages have statements to open, export and dispute from the first start.

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
    let offers: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT o.code, v.code, v.id FROM offers o JOIN venues v ON v.id = o.venue_id ORDER BY o.id",
    )
    .fetch_all(store.pool())
    .await
    .map_err(StoreError::from)?;
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
            let serial: String =
                sqlx::query_scalar("SELECT serial FROM passes WHERE order_id = $1")
                    .bind(order.id)
                    .fetch_one(store.pool())
                    .await
                    .map_err(StoreError::from)?;
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
