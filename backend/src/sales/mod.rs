//! Selling and issuing passes: price lookup, expiry from the product's rules, random serials,
//! signing (spread over the cores), one transaction per order. Every channel ends up here:
//! the web shop and the API make a pending order that a payment (or a desk) completes; bulk
//! issue and cash desk sales make a paid order directly.

pub mod api;
pub mod card;
pub mod desk;
pub mod mail;
pub mod orders;
pub mod payment;
pub mod pdf;
pub mod refund;
pub mod shop;
pub mod wallet;

use std::sync::Arc;

use jiff::civil::Date;
use townpass_core::catalog::{CategoryDef, Product, Validity};
use townpass_core::money::{Currency, Money};
use townpass_core::{Category, Claims, IssuerKey, ProductId, Serial, SignError};

use crate::store::{
    IdempotentAnswer, LineRow, NewLine, NewOrder, NewPass, OrderRow, ProductRow, Store, StoreError,
};

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
    #[error("an order needs at least one pass")]
    EmptyOrder,
    #[error("product '{product}' is not sold in {currency} (it is sold in: {offered})")]
    NotInCurrency {
        product: String,
        currency: String,
        offered: String,
    },
    #[error("'{0}' is not a valid e-mail address")]
    BadEmail(String),
    #[error("a holder name can have at most {max} characters: '{name}' is longer", max = MAX_HOLDER_CHARS)]
    HolderTooLong {
        /// The name's first 40 characters and an ellipsis.
        name: String,
    },
    #[error("the product's dates or time zone are invalid: {0}")]
    Dates(String),
    #[error("no randomness from the operating system: {0}")]
    Random(String),
}

/// The longest holder name printed on a pass: any such name keeps the token far under its
/// 1024-character limit (even in 4-byte characters), so a stored order can always be signed.
pub const MAX_HOLDER_CHARS: usize = 100;

/// The most passes one order may hold (a tour operator's season, printed in one go).
pub const MAX_COUNT: u32 = 1_000_000;

/// One line of a purchase: `count` passes of a product in a category, optionally with a holder.
#[derive(Clone, Debug)]
pub struct LineRequest {
    pub product: String,
    pub category: String,
    pub holder: Option<String>,
    pub count: u32,
}

/// Who buys, how, and where.
#[derive(Clone, Debug)]
pub struct OrderRequest {
    pub lines: Vec<LineRequest>,
    pub email: Option<String>,
    pub language: String,
    pub channel: &'static str,
    /// The selling desk's sales point code; its commission rate is recorded on the order.
    pub sales_point: Option<String>,
    pub payment_provider: String,
    /// The currency the buyer picked; `None`: the first product's main currency. Every product
    /// of the order must be sold in it.
    pub currency: Option<Currency>,
}

/// A request to issue passes that are paid already (bulk CLI).
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
    /// One of the product's currencies; `None`: its main one.
    pub currency: Option<Currency>,
}

impl IssueRequest {
    /// `count` paid passes from the command line, no holder, no e-mail.
    pub fn cli(product: &str, category: &str, count: u32) -> IssueRequest {
        IssueRequest {
            product: product.into(),
            category: category.into(),
            count,
            holder: None,
            email: None,
            language: "en".into(),
            channel: "cli",
            payment_provider: "invoice".into(),
            currency: None,
        }
    }
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
pub type Progress = Arc<dyn Fn(&'static str, usize, usize) + Send + Sync>;

/// A progress callback that shows nothing.
pub fn no_progress() -> Progress {
    Arc::new(|_, _, _| {})
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

/// An address the outbox can send to (checked as the outbox parses it), with a dotted domain.
pub fn parse_email(raw: &str) -> Result<String, SalesError> {
    let e = raw.trim();
    // Parsed exactly as the outbox will parse the recipient (a lettre Mailbox), so an address the
    // shop takes is one the outbox can send to; a bare address, not "Name <address>"; and a dot in
    // the domain, which a tourist's typo ("name@gmail") most often lacks.
    let ok = e.len() <= 254
        && e.parse::<lettre::message::Mailbox>().is_ok_and(|m| {
            let domain = m.email.domain();
            m.name.is_none()
                && AsRef::<str>::as_ref(&m.email) == e
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if ok {
        Ok(e.to_string())
    } else {
        Err(SalesError::BadEmail(e.to_string()))
    }
}

/// A product, category and price, checked for sale.
struct Priced {
    product: ProductRow,
    category: CategoryDef,
    price: i64,
    currency: Currency,
}

/// The price of `category` of `product` in `currency` (`None`: the product's main currency).
async fn price(
    store: &Store,
    product: &str,
    category: &str,
    currency: Option<Currency>,
) -> Result<Priced, SalesError> {
    let row = store.product_by_code(product).await?;
    if !row.on_sale {
        return Err(SalesError::NotOnSale(product.to_string()));
    }
    let cat = store.category_by_code(category).await?;
    let currency = currency.unwrap_or(row.product.currency);
    let list = row
        .product
        .prices_in(currency)
        .ok_or_else(|| SalesError::NotInCurrency {
            product: product.to_string(),
            currency: currency.to_string(),
            offered: row
                .product
                .currencies()
                .iter()
                .map(Currency::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    let price = *list.get(&cat.code).ok_or_else(|| SalesError::NoPrice {
        product: product.to_string(),
        category: category.to_string(),
        known: list.keys().cloned().collect::<Vec<_>>().join(", "),
    })?;
    Ok(Priced {
        product: row,
        category: cat,
        price,
        currency,
    })
}

/// A holder name as printed on a pass: without control characters, or the invisible marks
/// that reorder text or hide inside it (which could make a name read differently at the gate
/// than it was typed, or two names look alike), with spaces collapsed. None for a name that is
/// empty then.
fn clean_holder(h: &Option<String>) -> Option<String> {
    h.as_ref()
        .map(|h| {
            h.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .filter(|c| !is_invisible(*c))
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|h| !h.is_empty())
}

/// Unicode's invisible format characters that have no place in a printed name: bidirectional
/// controls, zero-width spaces and joiners, the soft hyphen, word joiners and invisible
/// operators, variation selectors, Hangul fillers, the byte-order mark, interlinear
/// annotations and tag characters.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Signs one pass per place on `lines` (spread over the cores, off the async threads).
async fn sign_lines(
    store: &Store,
    key: &IssuerKey,
    lines: &[LineRow],
    now: i64,
    progress: &Progress,
) -> Result<Vec<NewPass>, SalesError> {
    let mut todo: Vec<(usize, Claims)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let product = store.product_by_id(line.product_id).await?;
        let (nbf, exp) = pass_dates(&product.product, now)?;
        let template = Claims {
            serial: Serial([0; 8]),
            product: ProductId(line.product_id as u32),
            category: Category(line.category_id as u32),
            holder: line.holder.clone(),
            nbf,
            exp: Some(exp),
        };
        // Fail fast on a holder name too long for a QR code, before any work.
        key.sign(&template)?;
        todo.extend(std::iter::repeat_n((i, template), line.quantity as usize));
    }
    let random = random_bytes(todo.len() * 8)?;
    for ((_, claims), bytes) in todo.iter_mut().zip(random.chunks_exact(8)) {
        claims.serial = Serial([
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
        ]);
    }
    let (key, progress) = (key.clone(), progress.clone());
    let kid = key.kid().to_string();
    tokio::task::spawn_blocking(move || {
        let tokens = sign_all(&key, &todo, &progress)?;
        Ok(todo
            .into_iter()
            .zip(tokens)
            .map(|((line, claims), token)| NewPass {
                serial: claims.serial.to_string(),
                line,
                kid: kid.clone(),
                token,
                issued_at: now,
                expires_at: claims.exp.map_or(0, |e| e as i64),
            })
            .collect())
    })
    .await
    .map_err(|e| SignError::Encoding(format!("signing stopped: {e}")))?
}

fn sign_all(
    key: &IssuerKey,
    todo: &[(usize, Claims)],
    progress: &Progress,
) -> Result<Vec<String>, SalesError> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = todo.len().div_ceil(workers).max(1);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = todo.len();
    std::thread::scope(|s| {
        let handles: Vec<_> = todo
            .chunks(chunk)
            .map(|part| {
                let done = &done;
                s.spawn(move || {
                    let mut out = Vec::with_capacity(part.len());
                    for (i, (_, claims)) in part.iter().enumerate() {
                        out.push(key.sign(claims)?);
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
                Err(_) => {
                    return Err(SalesError::Sign(SignError::Encoding(
                        "a signing thread panicked".into(),
                    )));
                }
            }
        }
        progress("signing", total, total);
        Ok(tokens)
    })
}

/// Prices every line and builds the order (not yet stored).
async fn build_order(store: &Store, req: &OrderRequest, now: i64) -> Result<NewOrder, SalesError> {
    if req.lines.is_empty() || req.lines.iter().all(|l| l.count == 0) {
        return Err(SalesError::EmptyOrder);
    }
    let email = req
        .email
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .map(parse_email)
        .transpose()?;
    let (sales_point_id, commission_bp) = match &req.sales_point {
        Some(code) => {
            let (id, bp) = store.sales_point_id(code).await?;
            (Some(id), bp)
        }
        None => (None, 0),
    };
    let mut lines = Vec::new();
    let mut currency = None;
    for l in req.lines.iter().filter(|l| l.count > 0) {
        if l.count > MAX_COUNT {
            return Err(SalesError::BadCount);
        }
        // The order's currency: the buyer's, else the first product's main one.
        let p = price(store, &l.product, &l.category, currency.or(req.currency)).await?;
        currency.get_or_insert(p.currency);
        let holder = clean_holder(&l.holder);
        if let Some(name) = holder
            .as_ref()
            .filter(|h| h.chars().count() > MAX_HOLDER_CHARS)
        {
            let name = name.chars().take(40).chain(['…']).collect();
            return Err(SalesError::HolderTooLong { name });
        }
        lines.push(NewLine {
            product_id: p.product.id,
            category_id: i64::from(p.category.id),
            holder,
            quantity: i64::from(l.count),
            price_minor: p.price,
        });
    }
    Ok(NewOrder {
        public_id: new_public_id()?,
        email,
        language: req.language.clone(),
        channel: req.channel,
        sales_point_id,
        commission_bp,
        currency: currency.map(|c| c.to_string()).unwrap_or_default(),
        payment_provider: req.payment_provider.clone(),
        created_at: now,
        paid_by: None,
        lines,
    })
}

/// Whether an order may be paid at a sales desk: any order but a web order, and a web order when
/// web orders may (`web_setting`) and every product in it allows it.
pub async fn payable_at_pickup(
    store: &Store,
    order: &OrderRow,
    web_setting: bool,
) -> Result<bool, crate::store::StoreError> {
    if order.channel != "web" {
        return Ok(true);
    }
    if !web_setting {
        return Ok(false);
    }
    for line in store.order_lines(order.id).await? {
        if !store
            .product_by_id(line.product_id)
            .await?
            .product
            .pay_at_pickup
        {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Makes an order that waits for payment; no pass exists until it is paid.
pub async fn create_order(
    store: &Store,
    req: &OrderRequest,
    now: i64,
) -> Result<OrderRow, SalesError> {
    let order = build_order(store, req, now).await?;
    store.insert_pending_order(&order).await?;
    Ok(store.order_by_public_id(&order.public_id).await?)
}

/// Completes a pending order: signs its passes, stores them, and queues the e-mail to the buyer.
pub async fn pay_order(
    store: &Store,
    key: &IssuerKey,
    order: &OrderRow,
    paid_by: Option<i64>,
    now: i64,
) -> Result<(), SalesError> {
    let lines = store.order_lines(order.id).await?;
    let passes = sign_lines(store, key, &lines, now, &no_progress()).await?;
    store.pay_order(order.id, &passes, now, paid_by).await?;
    Ok(())
}

/// The lines of an order about to be stored, as signing reads them (ids are the store's).
fn line_rows(order: &NewOrder) -> Vec<LineRow> {
    order
        .lines
        .iter()
        .map(|l| LineRow {
            id: 0,
            product_id: l.product_id,
            category_id: l.category_id,
            holder: l.holder.clone(),
            quantity: l.quantity,
            price_minor: l.price_minor,
        })
        .collect()
}

/// [`pay_order`] for an order paid by its card payment intent `intent_id`.
pub async fn pay_order_by_card(
    store: &Store,
    key: &IssuerKey,
    order: &OrderRow,
    intent_id: &str,
    now: i64,
) -> Result<(), SalesError> {
    let lines = store.order_lines(order.id).await?;
    let passes = sign_lines(store, key, &lines, now, &no_progress()).await?;
    store
        .pay_order_by_card(order.id, &passes, now, intent_id)
        .await?;
    Ok(())
}

/// A sale at a desk counter, paid on the spot: the order, its passes and the e-mail of the
/// passes in one transaction, with the clerk who took the money (no "waiting for payment" mail).
pub async fn sell_at_desk(
    store: &Store,
    key: &IssuerKey,
    req: &OrderRequest,
    clerk: i64,
    now: i64,
) -> Result<NewOrder, SalesError> {
    let mut order = build_order(store, req, now).await?;
    order.paid_by = Some(clerk);
    let passes = sign_lines(store, key, &line_rows(&order), now, &no_progress()).await?;
    store
        .insert_paid_order(&order, &passes, now, |_| {}, None)
        .await?;
    Ok(order)
}

/// Sells and pays at once (a sales point's system): prices, signs, and writes the paid order,
/// its passes, its e-mail and what `answer` makes of the order and its passes to keep (under an
/// idempotency key), in one transaction. Returns the order and the rest of `answer`'s result.
pub async fn sell_now<A>(
    store: &Store,
    key: &IssuerKey,
    req: &OrderRequest,
    now: i64,
    answer: impl FnOnce(&NewOrder, &[NewPass]) -> (A, Option<IdempotentAnswer>),
) -> Result<(NewOrder, A), SalesError> {
    let order = build_order(store, req, now).await?;
    let passes = sign_lines(store, key, &line_rows(&order), now, &no_progress()).await?;
    let (answered, kept) = answer(&order, &passes);
    store
        .insert_paid_order(&order, &passes, now, |_| {}, kept.as_ref())
        .await?;
    Ok((order, answered))
}

/// Issues `count` paid passes of one product and category as one order (bulk, CLI).
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
    let order_req = OrderRequest {
        lines: vec![LineRequest {
            product: req.product.clone(),
            category: req.category.clone(),
            holder: req.holder.clone(),
            count: req.count,
        }],
        email: req.email.clone(),
        language: req.language.clone(),
        channel: req.channel,
        sales_point: None,
        payment_provider: req.payment_provider.clone(),
        currency: req.currency,
    };
    let order = build_order(store, &order_req, now).await?;
    // build_order priced the one line; the product version it chose is the one to report.
    let line = &order.lines[0];
    let product = store.product_by_id(line.product_id).await?;
    let passes = sign_lines(store, key, &line_rows(&order), now, &progress).await?;
    let count = passes.len();
    let order_id = store
        .insert_paid_order(
            &order,
            &passes,
            now,
            |n| progress("storing", n, count),
            None,
        )
        .await?;
    Ok(Issued {
        order_id,
        order_public_id: order.public_id,
        category: req.category.clone(),
        price: Money::new(line.price_minor, product.product.currency),
        expires_at: passes.first().map_or(0, |p| p.expires_at),
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

#[cfg(test)]
mod tests {
    #[test]
    fn holder_names_lose_control_and_reordering_characters() {
        let name = |s: &str| super::clean_holder(&Some(s.to_string()));
        assert_eq!(
            name("  Ana\u{202E}\u{2066} Petrova\n"),
            Some("Ana Petrova".into())
        );
        assert_eq!(name("Ана\tПетрова\u{200F}"), Some("Ана Петрова".into()));
        assert_eq!(name("\u{202E}\u{0007} "), None);
        assert_eq!(
            name("Ana\u{200B}Pet\u{00AD}rova\u{E0041}"),
            Some("AnaPetrova".into())
        );
        assert_eq!(
            name("Ana\u{2060} \u{FE0F}Petrova"),
            Some("Ana Petrova".into())
        );
        assert_eq!(name("Zoë O'Brien-Ćirić"), Some("Zoë O'Brien-Ćirić".into()));
    }
}
