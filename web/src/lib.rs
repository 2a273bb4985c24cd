//! The web scanner's engine: what `townpass-scan` does between its SQLite store and the network,
//! compiled to WebAssembly for the `/scan` page. Every fact comes from `townpass-core`: the token
//! format, the signature check, the rules (`core::rules`), the time zones and the device protocol
//! (signed envelopes, bundles, uploads). The page's JavaScript only stores what this module hands
//! it (IndexedDB), moves bytes over the network and draws the verdict.
//!
//! State lives here while the page is open; the page persists it with [`Scanner::state_json`]
//! after each sync and gives it back at start-up, and it replays the visits it stored (durably,
//! before showing green) with [`Scanner::add_visit`].

use std::collections::{HashMap, HashSet};

use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use serde_json::json;
use townpass_core::catalog::pick;
use townpass_core::protocol::{
    BundleKey, BundleProduct, BundleUse, BundleVenue, DeviceIdentity, Envelope, SigningSecret,
    Upload, UploadItem,
};
use townpass_core::rules::{self, Code, ProductRules, Use, Venue, World};
use townpass_core::token::{KeySet, ProductId, PublicKey, Serial};
use wasm_bindgen::prelude::*;

/// What the last bundles said, kept by the page between visits.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct State {
    pub venue: Option<BundleVenue>,
    pub keys: Vec<BundleKey>,
    pub products: Vec<BundleProduct>,
    pub revoked: Vec<String>,
    pub uses: Vec<BundleUse>,
    pub revoked_cursor: i64,
    pub uses_cursor: i64,
    pub generated_at_ms: i64,
    pub synced_at_ms: i64,
}

fn err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

fn zone(name: &str) -> Option<TimeZone> {
    TimeZone::get(name).ok()
}

/// A new device key from 32 random bytes (the page takes them from `crypto.getRandomValues`);
/// returns the seed, hex. The seed stays in this browser's IndexedDB.
#[wasm_bindgen]
pub fn device_seed(random: &[u8]) -> Result<String, JsError> {
    let seed: [u8; 32] = random
        .try_into()
        .map_err(|_| err("a device key needs 32 random bytes"))?;
    Ok(hex::encode(seed))
}

/// Signs a document (JSON text) with a device seed kept in IndexedDB (where the browser has no
/// WebCrypto Ed25519): the envelope, as JSON.
#[wasm_bindgen]
pub fn seal_with_seed(seed_hex: &str, body: String) -> Result<String, JsError> {
    serde_json::to_string(&secret_of(seed_hex)?.seal_text(body)).map_err(err)
}

fn secret_of(seed_hex: &str) -> Result<SigningSecret, JsError> {
    let bytes = hex::decode(seed_hex).map_err(err)?;
    let seed: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| err("the device key is damaged"))?;
    Ok(SigningSecret::from_seed(&seed))
}

/// The public key of a device seed, 64 hex digits (what enrolment sends).
#[wasm_bindgen]
pub fn public_key(seed_hex: &str) -> Result<String, JsError> {
    Ok(secret_of(seed_hex)?.public_hex())
}

/// Verifies a token against a list of issuer keys (`[{"public": hex, "status": "active"}]`):
/// `{"ok": true, "kid", "serial", "product", "category", "holder", "exp"}` or
/// `{"ok": false, "error": code}` with the token format's error codes.
#[wasm_bindgen]
pub fn verify_token(token: &str, keys_json: &str) -> Result<String, JsError> {
    let keys: Vec<BundleKey> = serde_json::from_str(keys_json).map_err(err)?;
    let set = key_set(&keys);
    Ok(match set.verify(token) {
        Ok(v) => json!({
            "ok": true,
            "kid": hex::encode(v.kid.0),
            "serial": v.claims.serial.to_string(),
            "product": v.claims.product.0,
            "category": v.claims.category.0,
            "holder": v.claims.holder,
            "nbf": v.claims.nbf,
            "exp": v.claims.exp,
        }),
        Err(e) => json!({"ok": false, "error": e.code()}),
    }
    .to_string())
}

fn key_set(keys: &[BundleKey]) -> KeySet {
    let mut set = KeySet::new();
    for k in keys {
        if let (Ok(public), Ok(status)) = (PublicKey::from_hex(&k.public), k.status.parse()) {
            set.insert(public, status);
        }
    }
    set
}

/// Finds and reads a QR code in a greyscale frame (one byte per pixel, row by row): the text it
/// holds, or `undefined`. The page's fallback where the browser has no `BarcodeDetector`; it
/// runs in a Web Worker.
/// A token as a keyboard-wedge reader or a person typed it, in the form it was issued in
/// (trimmed, upper-cased): what the device stores and uploads. `None` for what cannot be a token.
#[wasm_bindgen]
pub fn normalise_token(input: &str) -> Option<String> {
    townpass_core::token::normalise(input)
        .ok()
        .map(|s| s.into_owned())
}

#[wasm_bindgen]
pub fn decode_qr(luma: &[u8], width: u32, height: u32) -> Option<String> {
    let (w, h) = (width as usize, height as usize);
    if w == 0 || h == 0 || luma.len() < w * h {
        return None;
    }
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| luma[y * w + x]);
    img.detect_grids()
        .into_iter()
        .find_map(|g| g.decode().ok().map(|(_, text)| text))
}

/// A device at a venue: its key, what the server told it, and the visits it recorded.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Scanner {
    identity: DeviceIdentity,
    state: State,
    /// Built from `state`.
    keys: KeySet,
    products: HashMap<ProductId, ProductRules>,
    venue: Option<Venue>,
    revoked: HashSet<Serial>,
    uses: HashMap<Serial, Vec<Use>>,
}

#[wasm_bindgen]
impl Scanner {
    /// The device as the page stored it: identity (JSON) and the state from the last sync
    /// (JSON, or empty before the first bundle). The device key is not here: the page signs
    /// what this module writes (WebCrypto, or [`seal_with_seed`]).
    #[wasm_bindgen(constructor)]
    pub fn new(identity_json: &str, state_json: &str) -> Result<Scanner, JsError> {
        let identity: DeviceIdentity = serde_json::from_str(identity_json).map_err(err)?;
        let state: State = if state_json.trim().is_empty() {
            State::default()
        } else {
            serde_json::from_str(state_json).map_err(err)?
        };
        let mut scanner = Scanner {
            identity,
            state,
            keys: KeySet::new(),
            products: HashMap::new(),
            venue: None,
            revoked: HashSet::new(),
            uses: HashMap::new(),
        };
        scanner.rebuild()?;
        Ok(scanner)
    }

    fn rebuild(&mut self) -> Result<(), JsError> {
        self.keys = key_set(&self.state.keys);
        self.products = self
            .state
            .products
            .iter()
            .filter_map(|p| p.rules(zone))
            .map(|r| (r.id, r))
            .collect();
        self.venue = match &self.state.venue {
            Some(v) => Some(Venue {
                code: v.code.clone(),
                name: v.name.clone(),
                time_zone: zone(&v.time_zone)
                    .ok_or_else(|| err(format!("unknown time zone {}", v.time_zone)))?,
            }),
            None => None,
        };
        self.revoked = self
            .state
            .revoked
            .iter()
            .filter_map(|s| s.parse().ok())
            .collect();
        let own: Vec<(Serial, Use)> = self
            .uses
            .iter()
            .flat_map(|(s, u)| u.iter().map(move |u| (*s, u.clone())))
            .filter(|(_, u)| u.place == self.identity.device_name && u.venue == self.identity.venue)
            .collect();
        self.uses.clear();
        let remote = std::mem::take(&mut self.state.uses);
        for u in &remote {
            if let Ok(serial) = u.serial.parse() {
                self.push_use(
                    serial,
                    Use {
                        offer: u.offer.clone().unwrap_or_default(),
                        venue: u.venue.clone(),
                        at_ms: u.at_ms,
                        place: u.place.clone(),
                    },
                );
            }
        }
        self.state.uses = remote;
        for (serial, u) in own {
            self.push_use(serial, u);
        }
        Ok(())
    }

    /// A use, unless the same one is known (our own uploads come back in bundles).
    fn push_use(&mut self, serial: Serial, u: Use) {
        let known = self.uses.entry(serial).or_default();
        if !known
            .iter()
            .any(|k| k.at_ms == u.at_ms && k.venue == u.venue && k.place == u.place)
        {
            known.push(u);
        }
    }

    /// The request for the next bundle (after this device's cursors), as JSON text to sign.
    pub fn bundle_request(&self, now_ms: f64) -> Result<String, JsError> {
        let request = json!({
            "device_id": self.identity.device_id,
            "revoked_after": self.state.revoked_cursor,
            "uses_after": self.state.uses_cursor,
            "device_time_ms": now_ms as i64,
        });
        serde_json::to_string(&request).map_err(err)
    }

    /// Checks a bundle's signature against the server key learned at enrolment and that it is
    /// for this device, then applies it; nothing is applied otherwise. Returns whether more
    /// pages wait (`{"more": bool, "revoked": n, "uses": n}`).
    pub fn apply_bundle(&mut self, envelope_json: &str, now_ms: f64) -> Result<String, JsError> {
        let envelope: Envelope = serde_json::from_str(envelope_json).map_err(err)?;
        let bundle = self.identity.open_bundle(&envelope).map_err(err)?;
        let state = &mut self.state;
        state.keys = bundle.keys.clone();
        state.products = bundle.products.clone();
        state.venue = Some(bundle.venue.clone());
        if bundle.revoked_after == 0 {
            state.revoked.clear();
        }
        if bundle.uses_after == 0 {
            state.uses.clear();
        }
        let known: HashSet<String> = state.revoked.iter().cloned().collect();
        state.revoked.extend(
            bundle
                .revoked
                .0
                .iter()
                .map(|s| s.to_string())
                .filter(|s| !known.contains(s)),
        );
        state.uses.extend(bundle.uses.iter());
        state.revoked_cursor = bundle.revoked_cursor;
        state.uses_cursor = bundle.uses_cursor;
        state.generated_at_ms = bundle.generated_at_ms;
        state.synced_at_ms = now_ms as i64;
        self.rebuild()?;
        Ok(json!({
            "more": bundle.more,
            "revoked": bundle.revoked.len(),
            "uses": bundle.uses.len(),
        })
        .to_string())
    }

    /// What the page stores after a sync and gives back to `new`.
    pub fn state_json(&self) -> Result<String, JsError> {
        serde_json::to_string(&self.state).map_err(err)
    }

    /// A visit this device recorded (replayed from IndexedDB at start-up, or just stored).
    pub fn add_visit(
        &mut self,
        serial: &str,
        offer: Option<String>,
        at_ms: f64,
    ) -> Result<(), JsError> {
        let serial: Serial = serial.parse().map_err(err)?;
        self.push_use(
            serial,
            Use {
                offer: offer.unwrap_or_default(),
                venue: self.identity.venue.clone(),
                at_ms: at_ms as i64,
                place: self.identity.device_name.clone(),
            },
        );
        Ok(())
    }

    /// Judges a scanned token now, exactly as `townpass-scan check` and the server do. Returns
    /// `{"accepted", "code", "message", "serial", "product", "product_name", "category",
    /// "holder", "offer", "exp"}`; the message is in `lang`.
    pub fn check(
        &self,
        token: &str,
        now_ms: f64,
        offer: Option<String>,
        lang: &str,
    ) -> Result<String, JsError> {
        let venue = self
            .venue
            .as_ref()
            .ok_or_else(|| err("no bundle yet: connect to the internet once to sync"))?;
        let verdict = rules::check(token.trim(), self, venue, now_ms as i64, offer.as_deref());
        // What a token claims is shown (holder, category, product) only when its signature was
        // checked: a forged pass must not put the forger's words on the screen in large type.
        let trusted = !matches!(
            verdict.code,
            Code::Malformed | Code::UnsupportedAlg | Code::UnknownKey | Code::BadSignature
        );
        let c = verdict.claims.as_ref().filter(|_| trusted);
        let product = c.and_then(|c| self.products.get(&c.product));
        Ok(json!({
            "accepted": verdict.accepted(),
            "code": verdict.code.as_str(),
            "message": townpass_i18n::verdict::sentence(&verdict, lang, venue, product),
            "serial": c.map(|c| c.serial.to_string()),
            "product": c.map(|c| c.product.0),
            "product_name": product.map(|p| pick(&p.name, lang).to_string()),
            "category": c.map(|c| c.category.0),
            "category_name": c.and_then(|c| c.category.builtin_name()),
            "holder": c.and_then(|c| c.holder.clone()),
            "offer": verdict.offer,
            "exp": c.and_then(|c| c.exp),
        })
        .to_string())
    }

    /// Whether a bundle has come (the venue, its products and keys): no verdict before it.
    pub fn has_bundle(&self) -> bool {
        self.venue.is_some()
    }

    /// The offers of this venue, for the offer picker: `[{"code", "name", "product"}]`.
    pub fn offers(&self, lang: &str) -> String {
        let mut out: Vec<serde_json::Value> = Vec::new();
        let mut seen = HashSet::new();
        for p in &self.state.products {
            for o in p.offers.iter().filter(|o| o.venue == self.identity.venue) {
                if seen.insert(o.code.clone()) {
                    out.push(json!({"code": o.code, "name": pick(&o.name, lang), "product": pick(&p.name, lang)}));
                }
            }
        }
        serde_json::Value::Array(out).to_string()
    }

    /// A batch of recorded visits (`[{"local_id", "token", "offer", "scanned_at_ms"}]`) as the
    /// device's upload number `seq`: JSON text to sign.
    pub fn upload(&self, items_json: &str, seq: f64, now_ms: f64) -> Result<String, JsError> {
        let items: Vec<UploadItem> = serde_json::from_str(items_json).map_err(err)?;
        let upload = Upload {
            device_id: self.identity.device_id,
            venue: self.identity.venue.clone(),
            seq: seq as i64,
            sent_at_ms: now_ms as i64,
            items,
        };
        serde_json::to_string(&upload).map_err(err)
    }

    /// Venue name (in `lang`), gate, bundle time, and what is known: for the status bar.
    pub fn status(&self, lang: &str) -> String {
        json!({
            "device_id": self.identity.device_id,
            "gate": self.identity.device_name,
            "venue": self.identity.venue,
            "venue_name": self.state.venue.as_ref().map(|v| pick(&v.name, lang).to_string()),
            "bundle_generated_at_ms": self.state.generated_at_ms,
            "synced_at_ms": self.state.synced_at_ms,
            "keys": self.state.keys.len(),
            "products": self.state.products.len(),
            "revoked": self.state.revoked.len(),
        })
        .to_string()
    }
}

impl World for Scanner {
    fn keys(&self) -> &KeySet {
        &self.keys
    }
    fn is_revoked(&self, serial: &Serial) -> bool {
        self.revoked.contains(serial)
    }
    fn product(&self, id: ProductId) -> Option<&ProductRules> {
        self.products.get(&id)
    }
    fn uses(&self, serial: &Serial) -> Vec<Use> {
        self.uses.get(serial).cloned().unwrap_or_default()
    }
}
