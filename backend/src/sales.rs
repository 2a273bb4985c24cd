//! Selling and issuing passes: price lookup, expiry from the product's rules, random serials,
//! signing (spread over the cores), one transaction per order. Every channel ends up here.

use jiff::civil::Date;
use townpass_core::catalog::{Product, Validity};
use townpass_core::money::Money;
use townpass_core::{Category, Claims, IssuerKey, ProductId, Serial, SignError};

use crate::store::{NewLine, NewOrder, NewPass, ProductRow, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum SalesError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("product '{0}' is not on sale")]
    NotOnSale(String),
    #[error("product '{product}' has no price for category '{category}' (it has: {known})")]
    NoPrice {
        product: String,
        category: String,
        known: String,
    },
    #[error("{0}")]
    Sign(#[from] SignError),
    #[error("the count must be between 1 and {max}", max = MAX_COUNT)]
    BadCount,
    #[error("the product's dates or time zone are invalid: {0}")]
    Dates(String),
    #[error("no randomness from the operating system: {0}")]
    Random(String),
}

/// The most passes one order may hold (a tour operator's season, printed in one go).
pub const MAX_COUNT: u32 = 1_000_000;

/// A request to issue passes that are paid already (bulk CLI, desk cash sale, API).
#[derive(Clone, Debug)]
pub struct IssueRequest {
    pub product: String,
    pub category: String,
    pub count: u32,
    pub holder: Option<String>,
    pub email: Option<String>,
    pub language: String,
    pub channel: &'static str,
    pub payment_provider: String,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct IssuedPass {
    pub serial: String,
    pub token: String,
}

#[derive(Clone, Debug)]
pub struct Issued {
    pub order_id: i64,
    pub order_public_id: String,
    pub product: ProductRow,
    pub category: String,
    pub price: Money,
    pub expires_at: i64,
    pub passes: Vec<IssuedPass>,
}

/// Progress of a long issue: (phase, done, total).
pub type Progress = std::sync::Arc<dyn Fn(&'static str, usize, usize) + Send + Sync>;

/// A progress callback that shows nothing.
pub fn no_progress() -> Progress {
    std::sync::Arc::new(|_, _, _| {})
}

/// Start (nbf) and hard expiry (exp) of a pass sold at `now`.
pub fn pass_dates(product: &Product, now: i64) -> Result<(Option<u64>, u64), SalesError> {
    let hard = now + i64::from(product.expires_after_days) * 86_400;
    match &product.validity {
        Validity::Dates { from, until } => {
            let tz = jiff::tz::TimeZone::get(&product.time_zone)
                .map_err(|e| SalesError::Dates(e.to_string()))?;
            let day = |s: &str| {
                s.parse::<Date>()
                    .map_err(|e| SalesError::Dates(format!("{s}: {e}")))
            };
            let start = day(from)?
                .to_zoned(tz.clone())
                .map_err(|e| SalesError::Dates(e.to_string()))?;
            // Valid through the whole last day: until the next local midnight.
            let end = day(until)?
                .tomorrow()
                .and_then(|d| d.to_zoned(tz))
                .map_err(|e| SalesError::Dates(e.to_string()))?;
            let exp = hard.min(end.timestamp().as_second());
            Ok((
                Some(start.timestamp().as_second().max(0) as u64),
                exp.max(0) as u64,
            ))
        }
        _ => Ok((None, hard.max(0) as u64)),
    }
}

fn random_bytes(n: usize) -> Result<Vec<u8>, SalesError> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).map_err(|e| SalesError::Random(e.to_string()))?;
    Ok(buf)
}

/// An unguessable order id for the order page URL (128 bits, hex).
pub fn new_public_id() -> Result<String, SalesError> {
    Ok(hex::encode(random_bytes(16)?))
}

/// Signs one token per serial, spread over the available cores (blocking: call from a blocking task).
fn sign_all(
    key: &IssuerKey,
    template: &Claims,
    serials: &[Serial],
    progress: &Progress,
) -> Result<Vec<String>, SignError> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = serials.len().div_ceil(workers).max(1);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = serials.len();
    std::thread::scope(|s| {
        let handles: Vec<_> = serials
            .chunks(chunk)
            .map(|part| {
                let done = &done;
                s.spawn(move || {
                    let mut out = Vec::with_capacity(part.len());
                    for (i, serial) in part.iter().enumerate() {
                        out.push(key.sign(&Claims {
                            serial: *serial,
                            ..template.clone()
                        })?);
                        if i % 1000 == 999 {
                            let n =
                                done.fetch_add(1000, std::sync::atomic::Ordering::Relaxed) + 1000;
                            progress("signing", n.min(total), total);
                        }
                    }
                    Ok::<_, SignError>(out)
                })
            })
            .collect();
        let mut tokens = Vec::with_capacity(total);
        for h in handles {
            match h.join() {
                Ok(part) => tokens.extend(part?),
                Err(_) => return Err(SignError::Encoding("a signing thread panicked".into())),
            }
        }
        progress("signing", total, total);
        Ok(tokens)
    })
}

/// Issues `count` paid passes of one product and category as one order.
pub async fn issue(
    store: &Store,
    key: &IssuerKey,
    req: &IssueRequest,
    now: i64,
    progress: Progress,
) -> Result<Issued, SalesError> {
    if req.count == 0 || req.count > MAX_COUNT {
        return Err(SalesError::BadCount);
    }
    let product = store.product_by_code(&req.product).await?;
    if !product.on_sale {
        return Err(SalesError::NotOnSale(req.product.clone()));
    }
    let category = store.category_by_code(&req.category).await?;
    let price = *product
        .product
        .prices
        .get(&category.code)
        .ok_or_else(|| SalesError::NoPrice {
            product: req.product.clone(),
            category: req.category.clone(),
            known: product
                .product
                .prices
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    let (nbf, exp) = pass_dates(&product.product, now)?;
    let holder = req
        .holder
        .as_ref()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty());
    let template = Claims {
        serial: Serial([0; 8]),
        product: ProductId(product.id as u32),
        category: Category(category.id),
        holder: holder.clone(),
        nbf,
        exp: Some(exp),
    };
    // Fail fast on a holder name too long for a QR code, before any work.
    key.sign(&template)?;

    let count = req.count as usize;
    let random = random_bytes(count * 8)?;
    let serials: Vec<Serial> = random
        .chunks_exact(8)
        .map(|c| Serial([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
        .collect();
    let (serials, tokens) = {
        let (key, template, progress) = (key.clone(), template.clone(), progress.clone());
        tokio::task::spawn_blocking(move || {
            let tokens = sign_all(&key, &template, &serials, &progress);
            (serials, tokens)
        })
        .await
        .map_err(|e| SignError::Encoding(format!("signing stopped: {e}")))?
    };
    let tokens = tokens?;

    let order = NewOrder {
        public_id: new_public_id()?,
        email: req.email.clone(),
        language: req.language.clone(),
        channel: req.channel,
        sales_point_id: None,
        commission_bp: 0,
        currency: product.product.currency.to_string(),
        payment_provider: req.payment_provider.clone(),
        created_at: now,
        lines: vec![NewLine {
            product_id: product.id,
            category_id: i64::from(category.id),
            holder,
            quantity: count as i64,
            price_minor: price,
        }],
    };
    let kid = key.kid().to_string();
    let passes: Vec<NewPass> = serials
        .iter()
        .zip(&tokens)
        .map(|(serial, token)| NewPass {
            serial: serial.to_string(),
            line: 0,
            kid: kid.clone(),
            token: token.clone(),
            issued_at: now,
            expires_at: exp as i64,
        })
        .collect();
    let order_id = store
        .insert_paid_order(&order, &passes, now, |n| progress("storing", n, count))
        .await?;
    Ok(Issued {
        order_id,
        order_public_id: order.public_id,
        category: category.code,
        price: Money::new(price, product.product.currency),
        expires_at: exp as i64,
        product,
        passes: passes
            .into_iter()
            .map(|p| IssuedPass {
                serial: p.serial,
                token: p.token,
            })
            .collect(),
    })
}
