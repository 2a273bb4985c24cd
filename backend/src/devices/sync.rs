//! The server's side of the device protocol (`townpass_core::protocol`): enrolment with a one-time
//! code, the signed bundle a device judges passes with, and uploads of redemptions. An upload is
//! checked (enrolled, active device; its signature; its venue), then every item is stored once on
//! (device, local_id) and judged again with `core::rules` and everything the server knows: a
//! conflict is stored with a flag, never dropped.

use std::collections::{HashMap, HashSet};

use jiff::tz::TimeZone;
use townpass_core::protocol::{
    BUNDLE_FILE_FORMAT, Bundle, BundleFile, BundleKey, BundleOffer, BundleProduct, BundleVenue,
    EnrollRequest, EnrollResponse, Envelope, ItemOutcome, PackedSerials, REDEMPTIONS_FILE_FORMAT,
    RedemptionsFile, Upload, UploadResponse, verifier,
};
use townpass_core::rules::{self, ProductRules, Use, Venue, World};
use townpass_core::{KeySet, KeyStatus, ProductId, Serial, Token, TokenError};

use crate::issuer_keys::{KeyError, KeyRing};
use crate::store::{CodeProblem, DeviceRow, HeldUse, LateFlag, NewRedemption, Store, StoreError};

/// Most revoked serials in one bundle (10.7 MB packed); a device asks again for the rest.
pub const REVOKED_PAGE: i64 = 1_500_000;
/// Most uses by other devices in one bundle (28 bytes each, packed: 3.7 MB in base64).
pub const USES_PAGE: i64 = 100_000;
/// Most items in one upload.
pub const MAX_UPLOAD_ITEMS: usize = 10_000;
/// The serial a redemption is stored under when its token cannot be read at all.
/// The device's local id of a stored row (its own, or the one a reuse number stands for).
pub fn local_id_of(stored_id: i64) -> i64 {
    if stored_id > 0 {
        stored_id
    } else {
        -stored_id / REUSES_PER_ID
    }
}

/// Where a scan the device numbered `local_id` is stored, given what it stored under that id
/// before (`known`, which records the choice): `None` when the same scan is held already (a
/// retry), else the id itself the first time and the next reuse number after.
fn place(
    known: &mut Vec<crate::store::HeldItem>,
    local_id: i64,
    token: &str,
    scanned_at_ms: i64,
) -> Result<Option<i64>, DeviceApiError> {
    if known
        .iter()
        .any(|h| h.token == token && h.scanned_at == scanned_at_ms)
    {
        return Ok(None);
    }
    let stored_as = if known.is_empty() {
        local_id
    } else {
        let n = known.iter().filter(|h| h.stored_id < 0).count() as i64 + 1;
        if n >= REUSES_PER_ID {
            return Err(DeviceApiError::BadRequest(format!(
                "local_id {local_id} was used for {n} different scans: re-enrol the device"
            )));
        }
        -(local_id * REUSES_PER_ID + n)
    };
    known.push(crate::store::HeldItem {
        stored_id: stored_as,
        serial: String::new(),
        token: token.to_string(),
        scanned_at: scanned_at_ms,
    });
    Ok(Some(stored_as))
}

/// How many different scans one local id may be stored for (the first under its own number,
/// the others under `-(local_id * REUSES_PER_ID + n)`).
pub const REUSES_PER_ID: i64 = 1000;
/// The largest local id a device may send (so that reuse numbers fit).
pub const MAX_LOCAL_ID: i64 = i64::MAX / REUSES_PER_ID - 1;

pub const MALFORMED_SERIAL: &str = "0000000000000000";
/// Uploads of at least this many items read what they need side by side, each read on a
/// connection of its own; smaller ones, the many-devices case, read one after another and leave
/// the pool's other connections to the other devices (and to the pass-state turn they wait for).
const SIDE_BY_SIDE_FROM: usize = 256;

/// Awaits three fallible futures side by side when `$wide`, else one after another.
macro_rules! side_by_side {
    ($wide:expr; $a:expr, $b:expr, $c:expr $(,)?) => {{
        let (a, b, c) = ($a, $b, $c);
        if $wide {
            tokio::try_join!(a, b, c)
        } else {
            async { Ok::<_, DeviceApiError>((a.await?, b.await?, c.await?)) }.await
        }
    }};
}

/// A decoded token and what its signature check said; `None` when it does not decode.
type Checked = Option<(Token, Result<KeyStatus, TokenError>)>;

/// `work` over `items`, split over the cores when there are at least `min` items; the answers
/// in the items' order.
fn on_all_cores<T: Sync, R: Send>(
    items: &[T],
    min: usize,
    work: impl Fn(&[T]) -> Vec<R> + Sync,
) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores == 1 || items.len() < min {
        return work(items);
    }
    let work = &work;
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks(items.len().div_ceil(cores))
            .map(|chunk| scope.spawn(move || work(chunk)))
            .collect();
        parts
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// Decodes tokens, on all cores when there are many.
fn decode_all(texts: &[&str]) -> Vec<Option<Token>> {
    on_all_cores(texts, 256, |texts| {
        texts.iter().map(|t| Token::decode(t).ok()).collect()
    })
}

/// Verifies decoded tokens against `keys`: batch verification, split over the cores. A token
/// marked `issued` is byte for byte one this server signed and holds: only its key is looked up
/// (its signature was made here); every other token's signature is checked.
fn verify_all(keys: &KeySet, decoded: Vec<Option<Token>>, issued: &[bool]) -> Vec<Checked> {
    let to_check: Vec<&Token> = decoded
        .iter()
        .zip(issued)
        .filter_map(|(d, &issued)| d.as_ref().filter(|_| !issued))
        .collect();
    let answers = on_all_cores(&to_check, 64, |tokens| keys.verify_tokens(tokens));
    let mut answers = answers.into_iter();
    decoded
        .into_iter()
        .zip(issued)
        .map(|(d, &issued)| {
            d.and_then(|t| {
                let answer = if issued {
                    Some(keys.status_of_issued(&t))
                } else {
                    answers.next()
                };
                answer.map(|v| (t, v))
            })
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum DeviceApiError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Keys(#[from] KeyError),
    #[error("{0}")]
    BadRequest(String),
    #[error("this enrolment code is not known: check it, or ask the operator for a new one")]
    CodeUnknown,
    #[error("this enrolment code was used already: ask the operator for a new one")]
    CodeUsed,
    #[error(
        "this enrolment code has expired (codes are valid 24 h): ask the operator for a new one"
    )]
    CodeExpired,
    #[error(
        "this enrolment code was replaced: a newer code was made for this device, or the device \
         was disabled; use the newest code, or ask the operator for a new one"
    )]
    CodeReplaced,
    #[error("unknown or disabled device: enrol it again")]
    UnknownDevice,
    #[error("the upload's signature does not match the device's key")]
    BadSignature,
    #[error("the device is enrolled at {actual}, not at {claimed}")]
    WrongVenue { claimed: String, actual: String },
}

pub async fn enroll(
    store: &Store,
    ring: &KeyRing,
    req: &EnrollRequest,
    now: i64,
) -> Result<EnrollResponse, DeviceApiError> {
    verifier(&req.public_key)
        .map_err(|e| DeviceApiError::BadRequest(format!("public_key: {e}")))?;
    let hash = crate::accounts::sha256_hex(&crate::devices::normalise_code(&req.code));
    let device = match store
        .enroll_device(&hash, &req.public_key.to_lowercase(), now)
        .await
    {
        Ok(Ok(d)) => d,
        Ok(Err(CodeProblem::Unknown)) => return Err(DeviceApiError::CodeUnknown),
        Ok(Err(CodeProblem::Used)) => return Err(DeviceApiError::CodeUsed),
        Ok(Err(CodeProblem::Expired)) => return Err(DeviceApiError::CodeExpired),
        Ok(Err(CodeProblem::Replaced)) => return Err(DeviceApiError::CodeReplaced),
        Err(e) if e.is_unique_violation() => {
            return Err(DeviceApiError::BadRequest(
                "this public key belongs to another device: make a new key".into(),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    tracing::info!(device = device.id, venue = %device.venue, name = %device.name, "device enrolled");
    Ok(EnrollResponse {
        device_id: device.id,
        device_name: device.name,
        venue: device.venue,
        server_key: ring.bundle_key()?.public_hex(),
    })
}

/// How long a device replaced by a new enrolment may still hand in its visits, in days.
pub const REPLACED_UPLOAD_DAYS: i64 = 7;

/// The active, enrolled device with this id, or `UnknownDevice`.
async fn active_device(
    store: &Store,
    device_id: i64,
) -> Result<(DeviceRow, String), DeviceApiError> {
    device_with_key(store, device_id, false).await
}

/// The device with this id and its key, if it may send: an active device, or (`replaced_too`)
/// one a new enrolment replaced, which may still hand in its visits; else `UnknownDevice`.
async fn device_with_key(
    store: &Store,
    device_id: i64,
    replaced_too: bool,
) -> Result<(DeviceRow, String), DeviceApiError> {
    let device = match store.device(device_id).await {
        Ok(d) => d,
        Err(StoreError::NotFound(_)) => return Err(DeviceApiError::UnknownDevice),
        Err(e) => return Err(e.into()),
    };
    // Handing in is open for REPLACED_UPLOAD_DAYS after the replacement.
    let replaced = device.status == "disabled"
        && device.replaced_at.is_some_and(|at| {
            crate::store::now() < at.saturating_add(REPLACED_UPLOAD_DAYS * 86_400)
        });
    match &device.public_key {
        Some(key) if device.status == "active" || (replaced_too && replaced) => {
            let key = key.clone();
            Ok((device, key))
        }
        _ => Err(DeviceApiError::UnknownDevice),
    }
}

/// A signed request for a bundle: who asks, from which cursors, and the device's clock.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"device_id": 7, "revoked_after": 0, "uses_after": 0, "device_time_ms": 1790000000000_i64}))]
#[serde(deny_unknown_fields)]
pub struct BundleRequest {
    pub device_id: i64,
    /// The revocations cursor of the last bundle (0 at first).
    pub revoked_after: i64,
    /// The uses cursor of the last bundle (0 at first).
    pub uses_after: i64,
    /// The device's clock, to record its offset.
    pub device_time_ms: i64,
}

/// The bundle for the device that signed `request`.
pub async fn bundle(
    store: &Store,
    ring: &KeyRing,
    request: &Envelope,
    now_ms: i64,
) -> Result<Envelope, DeviceApiError> {
    let claimed: BundleRequest = request
        .peek()
        .map_err(|e| DeviceApiError::BadRequest(e.to_string()))?;
    let (device, public) = active_device(store, claimed.device_id).await?;
    let req: BundleRequest = request
        .open(&verifier(&public).map_err(|e| DeviceApiError::BadRequest(e.to_string()))?)
        .map_err(|_| DeviceApiError::BadSignature)?;
    store
        .record_contact(device.id, now_ms / 1000, req.device_time_ms - now_ms)
        .await?;
    let body = build_bundle(
        store,
        &device,
        req.revoked_after,
        req.uses_after,
        now_ms,
        false,
    )
    .await?;
    ring.bundle_key()?
        .seal(&body)
        .map_err(|e| DeviceApiError::BadRequest(e.to_string()))
}

/// The bundle for `device` after the given cursors. A bundle for a file holds every use (the
/// device cannot ask for the next page) and the local ids the server holds from the device.
#[tracing::instrument(name = "bundle", skip_all, fields(device = device.id, revoked_after = revoked_after, uses_after = uses_after, for_file = for_file))]
pub async fn build_bundle(
    store: &Store,
    device: &DeviceRow,
    revoked_after: i64,
    uses_after: i64,
    now_ms: i64,
    for_file: bool,
) -> Result<Bundle, DeviceApiError> {
    let venue_id = store.device_venue_id(device.id).await?;
    let (venue_doc, town_zone) = store.venue_with_zone(venue_id).await?;
    let keys = store
        .keys()
        .await?
        .into_iter()
        .map(|k| BundleKey {
            public: k.public_key,
            status: k.status,
        })
        .collect();
    let mut products = Vec::new();
    for id in store.products_at_venue(venue_id).await? {
        products.push(bundle_product(store, id).await?);
    }
    let (revoked, revoked_cursor) = store
        .revocations_since(revoked_after.max(0), REVOKED_PAGE)
        .await?;
    let (uses, uses_cursor, uses_full) = store
        .uses_since(
            uses_after.max(0),
            now_ms / 1000,
            if for_file { i64::MAX } else { USES_PAGE },
        )
        .await?;
    let received = if for_file {
        store.received_ranges(device.id).await?
    } else {
        Vec::new()
    };
    let more = revoked.len() as i64 == REVOKED_PAGE || uses_full;
    // Serials in the store are always 16 hex digits (a forged one is never revoked).
    let revoked = PackedSerials(revoked.iter().filter_map(|s| s.parse().ok()).collect());
    Ok(Bundle {
        device_id: device.id,
        venue: BundleVenue {
            code: venue_doc.code.clone(),
            name: venue_doc.name.clone(),
            time_zone: town_zone,
        },
        generated_at_ms: now_ms,
        keys,
        products,
        revoked_after,
        revoked_cursor,
        revoked,
        uses_after,
        uses_cursor,
        uses,
        more,
        received,
    })
}

/// What importing a redemptions file did.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct ImportReport {
    pub device_id: i64,
    pub uploads: usize,
    pub stored: usize,
    pub duplicates: usize,
    pub flagged: usize,
}

/// Takes a redemptions file (`townpass-scan export`): each signed upload in it is checked and
/// stored exactly as if the device had sent it online, so importing a file twice adds nothing.
#[tracing::instrument(name = "import_file", skip_all, fields(bytes = bytes.len()))]
pub async fn import_redemptions(
    store: &Store,
    bytes: &[u8],
    now_ms: i64,
) -> Result<ImportReport, DeviceApiError> {
    let file: RedemptionsFile = serde_json::from_slice(bytes).map_err(|e| {
        DeviceApiError::BadRequest(format!(
            "not a redemptions file from townpass-scan export ({e})"
        ))
    })?;
    if file.format != REDEMPTIONS_FILE_FORMAT {
        return Err(DeviceApiError::BadRequest(format!(
            "unknown file format '{}' (expected {REDEMPTIONS_FILE_FORMAT})",
            file.format
        )));
    }
    let mut report = ImportReport {
        device_id: file.device_id,
        ..ImportReport::default()
    };
    for envelope in &file.uploads {
        let claimed: Upload = envelope
            .peek()
            .map_err(|e| DeviceApiError::BadRequest(e.to_string()))?;
        if claimed.device_id != file.device_id {
            return Err(DeviceApiError::BadRequest(format!(
                "the file says device {} but holds an upload from device {}",
                file.device_id, claimed.device_id
            )));
        }
        let answer = upload(store, envelope, now_ms).await?;
        report.uploads += 1;
        for item in answer.items {
            if item.status == "stored" {
                report.stored += 1;
            } else {
                report.duplicates += 1;
            }
            report.flagged += usize::from(item.flag.is_some());
        }
    }
    Ok(report)
}

/// A signed bundle file for a device that syncs only by file.
pub async fn bundle_file(
    store: &Store,
    ring: &KeyRing,
    device_id: i64,
    now_ms: i64,
) -> Result<BundleFile, DeviceApiError> {
    let (device, _) = active_device(store, device_id).await?;
    let body = build_bundle(store, &device, 0, 0, now_ms, true).await?;
    Ok(BundleFile {
        format: BUNDLE_FILE_FORMAT.into(),
        device_id,
        bundle: ring
            .bundle_key()?
            .seal(&body)
            .map_err(|e| DeviceApiError::BadRequest(e.to_string()))?,
    })
}

async fn bundle_product(store: &Store, id: i64) -> Result<BundleProduct, DeviceApiError> {
    let p = store.product_by_id(id).await?;
    let offers = store
        .product_venues(id)
        .await?
        .into_iter()
        .map(|(_, venue, o)| BundleOffer {
            code: o.code,
            venue: venue.code,
            name: if o.name.is_empty() {
                venue.name
            } else {
                o.name
            },
            limit: o.limit,
            from: o.from,
            until: o.until,
            hours: o.hours,
        })
        .collect();
    Ok(BundleProduct {
        id: id as u32,
        name: p.product.name,
        validity: p.product.validity,
        time_zone: p.product.time_zone,
        choose: p.product.choose,
        offers,
    })
}

/// A bundle product as the rules need it; `None` if a zone or date is not understood.
pub fn product_rules(p: &BundleProduct) -> Option<ProductRules> {
    p.rules(|zone| TimeZone::get(zone).ok())
}

/// How far a scan time may lie before the pass was sold, or after the upload arrived, before
/// it is taken for a wrong clock: a day, for a clock set a little wrong.
pub const CLOCK_TOLERANCE_MS: i64 = 24 * 3600 * 1000;

/// Why a scan time cannot be true, if it cannot: before the pass was sold (`sold_after_scan`,
/// beyond [`CLOCK_TOLERANCE_MS`]) or after the upload arrived (beyond it too). Such a visit is
/// stored, flagged `clock`, and is no use of the pass: a device with a wrong (or lying) clock
/// cannot start a pass's validity in 1970 and so make every gate refuse it.
fn impossible_scan_time(sold_after_scan: bool, scanned_at_ms: i64, now_ms: i64) -> Option<String> {
    let at = utc_minute;
    let why = if sold_after_scan {
        "before the pass was sold".to_string()
    } else if scanned_at_ms > now_ms.saturating_add(CLOCK_TOLERANCE_MS) {
        format!("after the upload arrived ({})", at(now_ms))
    } else {
        return None;
    };
    Some(format!(
        "the device's clock is wrong: it dated this scan {}, {why}; kept for review, and not \
         counted as a use of the pass",
        at(scanned_at_ms)
    ))
}

/// A time (unix ms) as a flag's detail writes it, to the minute in UTC; a time no calendar holds
/// as the number.
fn utc_minute(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|_| format!("{ms} ms since 1970"))
}

/// Was a pass revoked at `revoked_at` (unix s) before a scan at `scanned_at_ms`? Revocations are
/// stored to the second, so a scan in the same second counts as before it: the visitor, who was
/// let in, gets the benefit of the doubt.
fn revoked_before(revoked_at: i64, scanned_at_ms: i64) -> bool {
    revoked_at.saturating_add(1).saturating_mul(1000) <= scanned_at_ms
}

/// A stored use as the rules see it.
fn use_of(row: &HeldUse) -> Use {
    Use {
        offer: row.offer.clone().unwrap_or_default(),
        venue: row.venue.clone(),
        at_ms: row.at_ms,
        place: row.place.clone(),
    }
}

/// What the server knows, for judging one uploaded item.
struct ServerWorld<'a> {
    keys: &'a KeySet,
    products: &'a HashMap<ProductId, ProductRules>,
    revoked_before_scan: bool,
    uses: &'a [Use],
}

impl World for ServerWorld<'_> {
    fn keys(&self) -> &KeySet {
        self.keys
    }
    fn is_revoked(&self, _: &Serial) -> bool {
        self.revoked_before_scan
    }
    fn product(&self, id: ProductId) -> Option<&ProductRules> {
        self.products.get(&id)
    }
    fn uses(&self, _: &Serial) -> Vec<Use> {
        self.uses.to_vec()
    }
}

/// Stores a signed upload; every item's outcome is returned, and a retry changes nothing.
#[tracing::instrument(name = "upload", skip_all, fields(device, seq, items))]
pub async fn upload(
    store: &Store,
    envelope: &Envelope,
    now_ms: i64,
) -> Result<UploadResponse, DeviceApiError> {
    // Who claims to send it (read without building the items); the items are read only once
    // the signature is checked against that device's key, so an unsigned body costs no more
    // than its bytes.
    #[derive(serde::Deserialize)]
    struct Sender {
        device_id: i64,
    }
    let claimed: Sender = envelope
        .peek()
        .map_err(|e| DeviceApiError::BadRequest(e.to_string()))?;
    // A replaced device still hands in what it scanned (nothing it recorded is lost).
    let (device, public) = device_with_key(store, claimed.device_id, true).await?;
    let mut up: Upload = envelope
        .open(&verifier(&public).map_err(|e| DeviceApiError::BadRequest(e.to_string()))?)
        .map_err(|e| match e {
            townpass_core::protocol::EnvelopeError::Content(e) => DeviceApiError::BadRequest(e),
            _ => DeviceApiError::BadSignature,
        })?;
    // A NUL (a damaged read; no code holds one) is kept as U+FFFD: PostgreSQL's text cannot
    // hold it, and what is stored, compared on a retry and judged must be the same text on
    // either database.
    for item in &mut up.items {
        for text in std::iter::once(&mut item.token).chain(item.offer.as_mut()) {
            if text.contains('\0') {
                *text = text.replace('\0', "\u{FFFD}");
            }
        }
    }
    if up.venue != device.venue {
        return Err(DeviceApiError::WrongVenue {
            claimed: up.venue,
            actual: device.venue,
        });
    }
    if up.items.len() > MAX_UPLOAD_ITEMS {
        return Err(DeviceApiError::BadRequest(format!(
            "at most {MAX_UPLOAD_ITEMS} items per upload"
        )));
    }
    if let Some(bad) = up
        .items
        .iter()
        .find(|i| !(1..=MAX_LOCAL_ID).contains(&i.local_id))
    {
        return Err(DeviceApiError::BadRequest(format!(
            "local_id {} is out of range (1 to {MAX_LOCAL_ID})",
            bad.local_id
        )));
    }
    let span = tracing::Span::current();
    span.record("device", device.id);
    span.record("seq", up.seq);
    span.record("items", up.items.len());

    // 1. Items this device sent before (a retry after a lost answer: the same local id, token and
    //    scan time) are acknowledged again as duplicates and not judged twice; so is an item
    //    repeated inside the batch. A local id the device used before for *another* scan is never
    //    taken for a retry: the item is stored under a reuse number and flagged `id_reused`.
    //    This first look only spares a retried batch the signature checks; the turn looks again.
    //    A large batch reads it at the same time as the venue and the issuer keys (each on a
    //    connection of its own: the upload waits for the slowest read, not for their sum).
    let ids: Vec<i64> = up.items.iter().map(|i| i.local_id).collect();
    let wide = up.items.len() >= SIDE_BY_SIDE_FROM;
    let (venue_id, venue_doc, zone, keys, mut first_look) = side_by_side!(wide;
        async {
            let venue_id = store.device_venue_id(device.id).await?;
            let (doc, zone) = store.venue_with_zone(venue_id).await?;
            Ok::<_, DeviceApiError>((venue_id, doc, zone))
        },
        async { Ok::<_, DeviceApiError>(crate::issuer_keys::trusted_keys(store).await?) },
        async { Ok::<_, DeviceApiError>(store.held_items(device.id, &ids).await?) },
    )
    .map(|((venue_id, doc, zone), keys, first_look)| (venue_id, doc, zone, keys, first_look))?;
    let venue = Venue {
        code: venue_doc.code.clone(),
        name: venue_doc.name.clone(),
        time_zone: TimeZone::get(&zone)
            .map_err(|e| DeviceApiError::BadRequest(format!("venue zone {zone}: {e}")))?,
    };
    let mut candidates: Vec<usize> = Vec::with_capacity(up.items.len());
    for (n, item) in up.items.iter().enumerate() {
        let known = first_look.entry(item.local_id).or_default();
        if place(known, item.local_id, &item.token, item.scanned_at_ms)?.is_some() {
            candidates.push(n);
        }
    }

    // 2. Decode the candidates' tokens (cheap), read what the server holds of them, then verify
    //    on all cores the signatures of those it does not hold byte for byte (most of the work
    //    for a batch of forgeries); all before the turn, which stays short.
    let texts: Vec<&str> = candidates
        .iter()
        .map(|&n| up.items[n].token.as_str())
        .collect();
    let decoded = decode_all(&texts);
    let serials: Vec<String> = decoded
        .iter()
        .map(|d| match d {
            Some(t) => t.claims.serial.to_string(),
            None => MALFORMED_SERIAL.to_string(),
        })
        .collect();
    let mut product_ids: Vec<ProductId> =
        decoded.iter().flatten().map(|t| t.claims.product).collect();
    product_ids.sort_unstable();
    product_ids.dedup();
    // A token this server issued and holds byte for byte needs no second signature check. The
    // same read gives the revocations known so far; the turn reads only those after them.
    let pairs: Vec<(&str, &str, i64)> = candidates
        .iter()
        .zip(&serials)
        .map(|(&n, serial)| {
            let item = &up.items[n];
            (serial.as_str(), item.token.as_str(), item.scanned_at_ms)
        })
        .collect();
    // The uses stored so far of the passes in the batch are read at the same time, on another
    // connection; the turn reads only those stored after them.
    let mut candidate_serials: Vec<&str> = serials.iter().map(String::as_str).collect();
    candidate_serials.sort_unstable();
    candidate_serials.dedup();
    // The catalogue's rules for the batch's products are read with them (side by side too).
    let products = async {
        let mut products: HashMap<ProductId, ProductRules> = HashMap::new();
        for id in product_ids {
            match bundle_product(store, i64::from(id.0)).await {
                Ok(p) => {
                    if let Some(rules) = product_rules(&p) {
                        products.insert(id, rules);
                    }
                }
                // A product this server never sold: the rules say unknown_product.
                Err(DeviceApiError::Store(StoreError::NotFound(_))) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(products)
    };
    let ((found, revocations_seen), (mut held_uses, uses_seen), products) = side_by_side!(wide;
        async {
            Ok::<_, DeviceApiError>(store.issued_passes(&pairs, CLOCK_TOLERANCE_MS).await?)
        },
        async { Ok::<_, DeviceApiError>(store.held_uses(&candidate_serials).await?) },
        products,
    )?;
    let issued: Vec<bool> = found
        .iter()
        .map(|f| f.as_ref().is_some_and(|p| p.same_token))
        .collect();
    let mut revoked_at: HashMap<String, i64> = pairs
        .iter()
        .zip(&found)
        .filter_map(|((serial, _, _), f)| Some((serial.to_string(), f.as_ref()?.revoked_at?)))
        .collect();
    let sold_after_scan: Vec<bool> = found
        .iter()
        .map(|f| f.as_ref().is_some_and(|p| p.sold_after_scan))
        .collect();
    let verifying = tokio::task::spawn_blocking(move || {
        let checked = verify_all(&keys, decoded, &issued);
        (keys, checked, issued)
    });
    // 3. The turn (`store::PassWrite`): from here to the commit no other upload, revocation or
    //    review runs, so what is read below is all there is, and the ids written are in commit
    //    order. Where each new item is stored, for certain now.
    let (keys, checked, issued) = verifying
        .await
        .map_err(|e| DeviceApiError::BadRequest(format!("verification failed: {e}")))?;
    let mut write = store.begin_pass_write().await?;
    let mut held = write.held_items(device.id, &ids).await?;
    let mut assigned: Vec<Option<i64>> = vec![None; up.items.len()];
    // (item index, candidate index, where it is stored)
    let mut fresh: Vec<(usize, usize, i64)> = Vec::with_capacity(candidates.len());
    for (c, &n) in candidates.iter().enumerate() {
        let item = &up.items[n];
        let known = held.entry(item.local_id).or_default();
        if let Some(stored_as) = place(known, item.local_id, &item.token, item.scanned_at_ms)? {
            assigned[n] = Some(stored_as);
            fresh.push((n, c, stored_as));
        }
    }
    let mut distinct: Vec<&str> = fresh.iter().map(|&(_, c, _)| serials[c].as_str()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    for (serial, at) in write.revocations_after(revocations_seen).await? {
        revoked_at.entry(serial).or_insert(at);
    }
    for (serial, later) in write.uses_after(uses_seen, &distinct).await? {
        let known = held_uses.entry(serial).or_default();
        let ids: HashSet<i64> = known.iter().map(|u| u.id).collect();
        known.extend(later.into_iter().filter(|u| !ids.contains(&u.id)));
        known.sort_by_key(|u| (u.at_ms, u.id));
    }
    let mut uses: HashMap<String, Vec<Use>> = held_uses
        .iter()
        .map(|(serial, rows)| (serial.clone(), rows.iter().map(use_of).collect()))
        .collect();
    let mut checked: Vec<Option<Checked>> = checked.into_iter().map(Some).collect();

    // 4. Judge the new items in scan order, each against the uses scanned before it (stored, or
    //    earlier in this batch): when two offline gates let one pass in, the earlier scan is the
    //    valid one, whichever uploads first.
    fresh.sort_by_key(|&(n, _, _)| (up.items[n].scanned_at_ms, n));
    let mut rows = Vec::with_capacity(fresh.len());
    let mut first_new: HashMap<&str, i64> = HashMap::new();
    for &(n, c, stored_as) in &fresh {
        let item = &up.items[n];
        let serial = &serials[c];
        let earlier: Vec<Use> = uses.get(serial).map_or_else(Vec::new, |u| {
            u.iter()
                .filter(|u| u.at_ms <= item.scanned_at_ms)
                .cloned()
                .collect()
        });
        let world = ServerWorld {
            keys: &keys,
            products: &products,
            // A pass revoked after the scan was valid when it was let in.
            revoked_before_scan: revoked_at
                .get(serial)
                .is_some_and(|&r| revoked_before(r, item.scanned_at_ms)),
            uses: &earlier,
        };
        let verdict = match checked[c].take().flatten() {
            Some((token, verified)) => rules::check_token(
                &token,
                verified,
                &world,
                &venue,
                item.scanned_at_ms,
                item.offer.as_deref(),
            ),
            None => rules::check(
                &item.token,
                &world,
                &venue,
                item.scanned_at_ms,
                item.offer.as_deref(),
            ),
        };
        let mut flag = (!verdict.accepted()).then(|| verdict.code.as_str().to_string());
        let mut detail = flag.as_ref().map(|_| {
            let product = verdict
                .claims
                .as_ref()
                .and_then(|c| world.products.get(&c.product));
            townpass_i18n::verdict::sentence(&verdict, "en", &venue, product)
        });
        if stored_as != item.local_id {
            detail = Some(format!(
                "the device sent local id {} before for another scan (re-enrolled without a new \
                 identity, or a reset scanner); {}",
                item.local_id,
                detail.unwrap_or_else(|| "the pass itself was valid".into())
            ));
            flag = Some("id_reused".into());
        }
        let offer = verdict.offer.clone().or_else(|| item.offer.clone());
        let replaced_before = device
            .replaced_at
            .filter(|&at| item.scanned_at_ms > at.saturating_mul(1000));
        // What the rules (or the reuse check) said is kept in the detail when a wrong clock or
        // a replaced device takes the flag: an operator accepting such a visit sees it all.
        let said_before = |detail: &Option<String>, flag: &Option<String>| match (flag, detail) {
            (Some(f), Some(d)) => format!(" (also {f}: {d})"),
            (Some(f), None) => format!(" (also {f})"),
            _ => String::new(),
        };
        if let Some(why) = impossible_scan_time(sold_after_scan[c], item.scanned_at_ms, now_ms) {
            // Kept, flagged, and no use of the pass (nor sent to gates: see CLOCK_FLAG).
            detail = Some(format!("{why}{}", said_before(&detail, &flag)));
            flag = Some(crate::store::CLOCK_FLAG.into());
        } else if let Some(at) = replaced_before {
            // A scan the replaced device dates after its replacement: kept for review, and like
            // a wrong clock no use of the pass (the device may be lost or in the wrong hands).
            detail = Some(format!(
                "scanned after this device was replaced by a new enrolment ({}); kept for \
                 review, and not counted as a use of the pass{}",
                utc_minute(at.saturating_mul(1000)),
                said_before(&detail, &flag)
            ));
            flag = Some(crate::store::REPLACED_FLAG.into());
        } else {
            uses.entry(serial.clone()).or_default().push(Use {
                offer: offer.clone().unwrap_or_default(),
                venue: venue.code.clone(),
                at_ms: item.scanned_at_ms,
                place: device.name.clone(),
            });
            first_new
                .entry(serial.as_str())
                .and_modify(|t| *t = (*t).min(item.scanned_at_ms))
                .or_insert(item.scanned_at_ms);
        }
        rows.push(NewRedemption {
            device_id: device.id,
            local_id: stored_as,
            serial: serial.clone(),
            // A token byte for byte as issued is not stored twice: it is the pass's own.
            token: if issued[c] {
                String::new()
            } else {
                item.token.clone()
            },
            venue_id,
            offer,
            scanned_at_ms: item.scanned_at_ms,
            received_at: now_ms / 1000,
            flag,
            flag_detail: detail,
        });
    }

    // 5. Stored uses scanned after a new item of the same pass are judged again against
    //    everything scanned before them: the one an earlier scan shows to be a conflict is flagged
    //    now (only a clean, unreviewed one; its signature was checked when it arrived).
    let mut late_flags = Vec::new();
    let mut venues: HashMap<i64, Venue> = HashMap::from([(venue_id, venue.clone())]);
    for (serial, stored) in &held_uses {
        let Some(&first) = first_new.get(serial.as_str()) else {
            continue;
        };
        for row in stored.iter().filter(|r| r.open == 1 && r.at_ms > first) {
            let Ok(token) = Token::decode(&row.token) else {
                continue;
            };
            if let std::collections::hash_map::Entry::Vacant(slot) = venues.entry(row.venue_id) {
                let (doc, zone) = write.venue_with_zone(row.venue_id).await?;
                let time_zone = TimeZone::get(&zone)
                    .map_err(|e| DeviceApiError::BadRequest(format!("venue zone {zone}: {e}")))?;
                slot.insert(Venue {
                    code: doc.code,
                    name: doc.name,
                    time_zone,
                });
            }
            let at = &venues[&row.venue_id];
            let earlier: Vec<Use> = uses[serial]
                .iter()
                .filter(|u| u.at_ms < row.at_ms)
                .cloned()
                .collect();
            let world = ServerWorld {
                keys: &keys,
                products: &products,
                revoked_before_scan: revoked_at
                    .get(serial)
                    .is_some_and(|&r| revoked_before(r, row.at_ms)),
                uses: &earlier,
            };
            let verdict = rules::check_token(
                &token,
                Ok(KeyStatus::Retired),
                &world,
                at,
                row.at_ms,
                row.offer.as_deref(),
            );
            if !verdict.accepted() {
                let product = products.get(&token.claims.product);
                late_flags.push(LateFlag {
                    id: row.id,
                    serial: serial.clone(),
                    flag: verdict.code.as_str().to_string(),
                    detail: format!(
                        "{} (that scan was uploaded after this one)",
                        townpass_i18n::verdict::sentence(&verdict, "en", at, product)
                    ),
                });
            }
        }
    }

    // 6. Store them all and commit the turn. Every item is answered: stored (with its flag) or
    //    a duplicate of what the device sent before.
    let stored = write.insert_redemptions(&rows).await?;
    let flagged_late = write.flag_later(&late_flags, now_ms / 1000).await?;
    // In the same transaction: one commit (one sync to disk) per upload, not two. A device
    // disabled (or replaced) since its status was read above stores nothing: the turn is dropped.
    let replaced_after = now_ms / 1000 - REPLACED_UPLOAD_DAYS * 86_400;
    if !write
        .record_upload_contact(
            device.id,
            now_ms / 1000,
            up.sent_at_ms - now_ms,
            replaced_after,
        )
        .await?
    {
        return Err(DeviceApiError::UnknownDevice);
    }
    write.commit().await?;
    let flags: HashMap<i64, Option<String>> =
        rows.into_iter().map(|r| (r.local_id, r.flag)).collect();
    let outcomes: Vec<ItemOutcome> = up
        .items
        .iter()
        .zip(&assigned)
        .map(|(item, stored_as)| {
            let new = stored_as.filter(|id| stored.contains(id));
            ItemOutcome {
                local_id: item.local_id,
                status: if new.is_some() { "stored" } else { "duplicate" }.into(),
                flag: new.and_then(|id| flags.get(&id).cloned().flatten()),
            }
        })
        .collect();
    let duplicates = outcomes.iter().filter(|o| o.status == "duplicate").count();
    tracing::info!(
        duplicates,
        flagged_late,
        flagged = outcomes.iter().filter(|o| o.flag.is_some()).count(),
        "upload stored"
    );
    Ok(UploadResponse {
        seq: up.seq,
        server_time_ms: now_ms,
        items: outcomes,
    })
}

#[cfg(test)]
mod tests {
    use super::revoked_before;

    #[test]
    fn a_scan_in_the_same_second_as_the_revocation_counts_as_before_it() {
        let revoked = 1_790_000_000;
        assert!(!revoked_before(revoked, revoked * 1000 + 999));
        assert!(!revoked_before(revoked, revoked * 1000 - 1));
        assert!(revoked_before(revoked, (revoked + 1) * 1000));
        // Absurd stored values do not overflow.
        assert!(!revoked_before(i64::MAX, 0));
    }
}
