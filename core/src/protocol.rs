//! The device protocol, shared by the server and the venue scanner: enrolment, the signed bundle
//! (what a device needs to judge passes offline), and signed, idempotent uploads of redemptions.
//!
//! Everything signed travels as an [`Envelope`]: the JSON document as text plus an Ed25519
//! signature over exactly its bytes, so nothing is re-serialised before it is checked. The server signs
//! bundles with its bundle key (learned at enrolment); a device signs uploads with its own key.

use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::catalog::{Limit, Names, Validity};
use crate::token::Serial;

/// A signed JSON document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"body": "{\"device_id\":7,\"revoked_after\":0,\"uses_after\":0,\"device_time_ms\":1790000000000}", "sig": "9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c9f3c"})))]
pub struct Envelope {
    /// The signed JSON document, as text (a JSON string inside the envelope).
    pub body: String,
    /// Ed25519 over the body's UTF-8 bytes, 128 hex digits.
    pub sig: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("not a signed document: {0}")]
    Malformed(String),
    #[error("the signature does not match the sender's key")]
    BadSignature,
    #[error("the signed document is not what was expected: {0}")]
    Content(String),
}

/// A device's (or the server's bundle) signing key. `Debug` never shows the secret.
#[derive(Clone)]
pub struct SigningSecret(SigningKey);

impl std::fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningSecret({}, secret hidden)", self.public_hex())
    }
}

impl SigningSecret {
    pub fn from_seed(seed: &[u8; 32]) -> SigningSecret {
        SigningSecret(SigningKey::from_bytes(seed))
    }

    pub fn seed(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    pub fn public_hex(&self) -> String {
        hex::encode(self.0.verifying_key().as_bytes())
    }

    /// Signs `value` as JSON.
    pub fn seal<T: Serialize>(&self, value: &T) -> Result<Envelope, EnvelopeError> {
        let body =
            serde_json::to_string(value).map_err(|e| EnvelopeError::Content(e.to_string()))?;
        Ok(self.seal_text(body))
    }

    /// Signs a document already written as JSON text.
    pub fn seal_text(&self, body: String) -> Envelope {
        let sig = self.0.sign(body.as_bytes());
        Envelope {
            body,
            sig: hex::encode(sig.to_bytes()),
        }
    }
}

/// A public key that checks envelopes, from 64 hex digits.
pub fn verifier(public_hex: &str) -> Result<VerifyingKey, EnvelopeError> {
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(public_hex.trim(), &mut bytes)
        .map_err(|_| EnvelopeError::Malformed("public key is not 64 hex digits".into()))?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| EnvelopeError::Malformed("not an Ed25519 public key".into()))
}

impl Envelope {
    /// Checks the signature over the body exactly as received, then parses it.
    pub fn open<T: DeserializeOwned>(&self, key: &VerifyingKey) -> Result<T, EnvelopeError> {
        let mut sig = [0u8; 64];
        hex::decode_to_slice(self.sig.trim(), &mut sig)
            .map_err(|_| EnvelopeError::Malformed("sig is not 128 hex digits".into()))?;
        key.verify_strict(self.body.as_bytes(), &Signature::from_bytes(&sig))
            .map_err(|_| EnvelopeError::BadSignature)?;
        serde_json::from_str(&self.body).map_err(|e| EnvelopeError::Content(e.to_string()))
    }

    /// Reads the body without checking the signature (to learn who claims to have sent it).
    pub fn peek<T: DeserializeOwned>(&self) -> Result<T, EnvelopeError> {
        serde_json::from_str(&self.body).map_err(|e| EnvelopeError::Content(e.to_string()))
    }
}

// ---------------------------------------------------------------------------------------------
// Enrolment

/// `POST /api/device/v1/enroll`: a one-time code and the device's new public key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"code": "K7PM-2QXD-9HTW", "public_key": "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"})))]
#[serde(deny_unknown_fields)]
pub struct EnrollRequest {
    /// The one-time enrolment code the operator made (`townpass device add`).
    pub code: String,
    /// The device's new Ed25519 public key, 64 hex digits.
    pub public_key: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"device_id": 7, "device_name": "Gate 2", "venue": "nim-boyana", "server_key": "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"})))]
pub struct EnrollResponse {
    pub device_id: i64,
    pub device_name: String,
    pub venue: String,
    /// The key every bundle is signed with.
    pub server_key: String,
}

// ---------------------------------------------------------------------------------------------
// The bundle

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BundleVenue {
    pub code: String,
    /// By language code.
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub name: Names,
    /// IANA zone name.
    pub time_zone: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BundleKey {
    /// 64 hex digits.
    pub public: String,
    /// active, retired or revoked.
    pub status: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BundleOffer {
    pub code: String,
    pub venue: String,
    /// By language code.
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub name: Names,
    pub limit: Limit,
    pub from: Option<String>,
    pub until: Option<String>,
    pub hours: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BundleProduct {
    pub id: u32,
    /// By language code.
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub name: Names,
    pub validity: Validity,
    pub time_zone: String,
    pub choose: Option<u32>,
    pub offers: Vec<BundleOffer>,
}

/// A use of a pass recorded by another device (or by this one, echoed back).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BundleUse {
    pub serial: String,
    pub offer: Option<String>,
    pub venue: String,
    pub at_ms: i64,
    pub place: String,
}

/// Uses packed for the wire: each name they mention (venue and offer codes, gate names) once,
/// then 28 bytes per use. A bundle from zero can hold every use of a season, and each of a
/// thousand devices fetches it: as JSON objects a use took about 110 bytes to send and several
/// allocations to read; packed it is a quarter of that and reads without parsing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PackedUses {
    names: NameTable,
    /// Per use: serial (8 bytes), `at_ms` (i64), then the indexes in `names` of the venue, the
    /// place and the offer plus one (0: no offer), u32 each; little-endian.
    records: Vec<u8>,
}

/// Names kept once each and referred to by number.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameTable {
    names: Vec<String>,
    index: std::collections::HashMap<String, u32>,
}

impl NameTable {
    /// The number of `name`, given it the first time.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), i);
        i
    }

    /// The name numbered `i` (panics past the end: numbers come from `intern` or are checked).
    pub fn get(&self, i: u32) -> &str {
        &self.names[i as usize]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

impl From<Vec<String>> for NameTable {
    fn from(names: Vec<String>) -> Self {
        let mut index = std::collections::HashMap::with_capacity(names.len());
        for (i, n) in names.iter().enumerate() {
            index.entry(n.clone()).or_insert(i as u32);
        }
        NameTable { names, index }
    }
}

/// One packed use's size in bytes.
const PACKED_USE: usize = 28;

/// How [`PackedUses`] travel: the names, and the records in base64.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PackedUsesWire {
    /// The venue codes, offer codes and gate names the uses mention.
    pub names: Vec<String>,
    /// 28 bytes per use, little-endian: serial (8 bytes), scan time (i64, ms since the epoch),
    /// then the index in `names` of the venue, of the place, and of the offer plus one (0: no
    /// offer), u32 each.
    #[cfg_attr(feature = "openapi", schema(format = Byte))]
    pub packed: String,
}

impl PackedUses {
    pub fn len(&self) -> usize {
        self.records.len() / PACKED_USE
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Adds a use.
    pub fn push(
        &mut self,
        serial: Serial,
        at_ms: i64,
        venue: &str,
        place: &str,
        offer: Option<&str>,
    ) {
        let venue = self.names.intern(venue);
        let place = self.names.intern(place);
        let offer = offer.map_or(0, |o| self.names.intern(o) + 1);
        self.records.extend_from_slice(&serial.0);
        self.records.extend_from_slice(&at_ms.to_le_bytes());
        for n in [venue, place, offer] {
            self.records.extend_from_slice(&n.to_le_bytes());
        }
    }

    /// The uses, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = BundleUse> + '_ {
        let u32_at =
            |r: &[u8], at: usize| u32::from_le_bytes(r[at..at + 4].try_into().expect("4 bytes"));
        self.records.chunks_exact(PACKED_USE).map(move |r| {
            let mut serial = [0u8; 8];
            serial.copy_from_slice(&r[..8]);
            let offer = u32_at(r, 24);
            BundleUse {
                serial: Serial(serial).to_string(),
                at_ms: i64::from_le_bytes(r[8..16].try_into().expect("8 bytes")),
                venue: self.names.get(u32_at(r, 16)).to_string(),
                place: self.names.get(u32_at(r, 20)).to_string(),
                offer: (offer > 0).then(|| self.names.get(offer - 1).to_string()),
            }
        })
    }
}

impl FromIterator<BundleUse> for PackedUses {
    /// Packs uses; one whose serial is not 16 hex digits names no pass and is left out.
    fn from_iter<I: IntoIterator<Item = BundleUse>>(uses: I) -> Self {
        let mut packed = PackedUses::default();
        for u in uses {
            if let Ok(serial) = u.serial.parse() {
                packed.push(serial, u.at_ms, &u.venue, &u.place, u.offer.as_deref());
            }
        }
        packed
    }
}

impl Serialize for PackedUses {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        PackedUsesWire {
            names: self.names.names.clone(),
            packed: base64::engine::general_purpose::STANDARD.encode(&self.records),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for PackedUses {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let wire = PackedUsesWire::deserialize(d)?;
        let records = base64::engine::general_purpose::STANDARD
            .decode(wire.packed.as_bytes())
            .map_err(|_| D::Error::custom("packed uses are not base64"))?;
        if records.len() % PACKED_USE != 0 {
            return Err(D::Error::custom(format!(
                "packed uses are not a whole number of {PACKED_USE}-byte uses"
            )));
        }
        let names = wire.names.len();
        for r in records.chunks_exact(PACKED_USE) {
            let index =
                |at: usize| u32::from_le_bytes(r[at..at + 4].try_into().expect("4 bytes")) as usize;
            if index(16) >= names || index(20) >= names || index(24) > names {
                return Err(D::Error::custom(
                    "a packed use names an entry past the end of `names`",
                ));
            }
        }
        Ok(PackedUses {
            names: wire.names.into(),
            records,
        })
    }
}

/// What a device needs to judge passes offline. Keys and products are always complete; revoked
/// serials and uses are the changes after the device's cursors (`full` when from zero).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bundle {
    pub device_id: i64,
    pub venue: BundleVenue,
    pub generated_at_ms: i64,
    pub keys: Vec<BundleKey>,
    pub products: Vec<BundleProduct>,
    /// Revoked pass serials after `revoked_after`, up to `revoked_cursor`.
    pub revoked_after: i64,
    pub revoked_cursor: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Byte))]
    pub revoked: PackedSerials,
    /// Uses after `uses_after`, up to `uses_cursor`.
    pub uses_after: i64,
    pub uses_cursor: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = PackedUsesWire))]
    pub uses: PackedUses,
    /// More revocations or uses wait after the cursors: ask again.
    #[serde(default)]
    pub more: bool,
    /// In a bundle file: the ranges (first, last) of this device's local ids the server holds,
    /// so a device that syncs only by file learns what arrived.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<i64>>))]
    pub received: Vec<(i64, i64)>,
}

/// What enrolment established: who the device is, where its server is, and the key every bundle
/// it takes must be signed with. Kept by `townpass-scan` (SQLite) and the web scanner (IndexedDB).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceIdentity {
    pub server: String,
    pub device_id: i64,
    pub device_name: String,
    pub venue: String,
    pub server_key: String,
}

impl DeviceIdentity {
    /// Opens a bundle only if this device's server signed it and it is for this device; nothing
    /// is to be applied otherwise.
    pub fn open_bundle(&self, signed: &Envelope) -> Result<Bundle, String> {
        let server_key = verifier(&self.server_key).map_err(|e| e.to_string())?;
        let bundle: Bundle = signed.open(&server_key).map_err(|e| {
            format!("the bundle is not signed by this server's key ({e}): nothing applied")
        })?;
        if bundle.device_id != self.device_id {
            return Err(format!(
                "the bundle is for device {}, not this one: nothing applied",
                bundle.device_id
            ));
        }
        Ok(bundle)
    }
}

/// The `format` of a redemptions file (`townpass-scan export`).
pub const REDEMPTIONS_FILE_FORMAT: &str = "townpass-redemptions/1";
/// The `format` of a bundle file (`townpass device bundle`).
/// 2: uses travel packed (`PackedUses`); a scanner that knows only 1 says so and applies nothing.
pub const BUNDLE_FILE_FORMAT: &str = "townpass-bundle/2";

/// Redemptions carried by file from a device with no internet: the same signed uploads the
/// device would have sent online, so the server checks them exactly the same way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedemptionsFile {
    pub format: String,
    pub device_id: i64,
    pub venue: String,
    pub exported_at_ms: i64,
    /// Signed [`Upload`]s.
    pub uploads: Vec<Envelope>,
}

/// A bundle carried by file to a device with no internet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleFile {
    pub format: String,
    pub device_id: i64,
    /// A signed [`Bundle`] from the first cursor on.
    pub bundle: Envelope,
}

/// Pass serials packed for the wire: 8 bytes each, concatenated, base64. A million revocations
/// take 10.7 MB where a JSON array of hex strings would take 19 MB.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PackedSerials(pub Vec<Serial>);

impl PackedSerials {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for PackedSerials {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = self.0.iter().flat_map(|x| x.0).collect();
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }
}

impl<'de> Deserialize<'de> for PackedSerials {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map_err(|_| serde::de::Error::custom("packed serials are not base64"))?;
        if bytes.len() % 8 != 0 {
            return Err(serde::de::Error::custom(
                "packed serials are not a whole number of 8-byte serials",
            ));
        }
        Ok(PackedSerials(
            bytes
                .chunks_exact(8)
                .map(|c| {
                    let mut s = [0u8; 8];
                    s.copy_from_slice(c);
                    Serial(s)
                })
                .collect(),
        ))
    }
}

impl BundleProduct {
    /// The product as the rules need it; `zone` looks a time-zone name up (core has no tz
    /// database). `None` if a zone, date or opening time is not understood.
    pub fn rules(
        &self,
        zone: impl Fn(&str) -> Option<jiff::tz::TimeZone>,
    ) -> Option<crate::rules::ProductRules> {
        let day = |d: &Option<String>| -> Option<Option<jiff::civil::Date>> {
            match d {
                Some(d) => Some(Some(d.parse().ok()?)),
                None => Some(None),
            }
        };
        let offers = self
            .offers
            .iter()
            .map(|o| {
                Some(crate::rules::OfferRules {
                    code: o.code.clone(),
                    venue: o.venue.clone(),
                    name: o.name.clone(),
                    limit: o.limit,
                    from: day(&o.from)?,
                    until: day(&o.until)?,
                    hours: match &o.hours {
                        Some(h) => Some(parse_hours(h)?),
                        None => None,
                    },
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(crate::rules::ProductRules {
            id: crate::token::ProductId(self.id),
            name: self.name.clone(),
            validity: self.validity.clone(),
            time_zone: zone(&self.time_zone)?,
            choose: self.choose,
            offers,
        })
    }
}

/// Parses "10:00-18:00" (end before start spans midnight).
pub fn parse_hours(s: &str) -> Option<(jiff::civil::Time, jiff::civil::Time)> {
    let (a, b) = s.split_once('-')?;
    let t = |x: &str| jiff::civil::Time::strptime("%H:%M", x.trim()).ok();
    Some((t(a)?, t(b)?))
}

// ---------------------------------------------------------------------------------------------
// Uploads

/// One redemption as the device recorded it; `local_id` is the device's own number for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UploadItem {
    pub local_id: i64,
    pub token: String,
    pub offer: Option<String>,
    pub scanned_at_ms: i64,
}

/// A batch of redemptions, signed by the device. `seq` numbers the device's batches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"device_id": 7, "venue": "nim-boyana", "seq": 12, "sent_at_ms": 1790000300000_i64, "items": [{"local_id": 41, "token": "TP1:6BFOXN*TS0BI$ZDFRH", "offer": null, "scanned_at_ms": 1790000000000_i64}]})))]
#[serde(deny_unknown_fields)]
pub struct Upload {
    pub device_id: i64,
    /// The venue the device believes it is at; a mismatch is refused.
    pub venue: String,
    pub seq: i64,
    pub sent_at_ms: i64,
    pub items: Vec<UploadItem>,
}

/// What became of one uploaded item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemOutcome {
    pub local_id: i64,
    /// "stored" (new) or "duplicate" (already held: a retry).
    pub status: String,
    /// The server's verdict when it differs from an acceptance (stored and flagged for review).
    pub flag: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"seq": 12, "server_time_ms": 1790000301000_i64, "items": [{"local_id": 41, "status": "stored", "flag": null}]})))]
pub struct UploadResponse {
    pub seq: i64,
    pub server_time_ms: i64,
    pub items: Vec<ItemOutcome>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_envelope_opens_only_with_the_senders_key_and_untouched() {
        let device = SigningSecret::from_seed(&[4; 32]);
        let upload = Upload {
            device_id: 7,
            venue: "tsarevets".into(),
            seq: 1,
            sent_at_ms: 5,
            items: vec![],
        };
        let env = device.seal(&upload).unwrap();
        let key = verifier(&device.public_hex()).unwrap();
        assert_eq!(env.open::<Upload>(&key).unwrap(), upload);
        let other = verifier(&SigningSecret::from_seed(&[5; 32]).public_hex()).unwrap();
        assert_eq!(env.open::<Upload>(&other), Err(EnvelopeError::BadSignature));
        let mut tampered = env.clone();
        let forged = Upload { seq: 2, ..upload };
        tampered.body = serde_json::to_string(&forged).unwrap();
        assert_eq!(
            tampered.open::<Upload>(&key),
            Err(EnvelopeError::BadSignature)
        );
        assert!(format!("{device:?}").contains("secret hidden"));
    }

    #[test]
    fn packed_serials_round_trip_and_refuse_a_torn_list() {
        let packed = PackedSerials(vec![Serial([1; 8]), Serial([0xab; 8])]);
        let json = serde_json::to_string(&packed).unwrap();
        assert_eq!(json.len(), 2 + 24, "16 bytes as base64: {json}");
        assert_eq!(
            serde_json::from_str::<PackedSerials>(&json).unwrap(),
            packed
        );
        let torn = format!(
            "\"{}\"",
            base64::engine::general_purpose::STANDARD.encode([1u8; 12])
        );
        assert!(serde_json::from_str::<PackedSerials>(&torn).is_err());
    }

    #[test]
    fn packed_uses_read_back_what_was_packed_and_refuse_broken_input() {
        let uses = vec![
            BundleUse {
                serial: "00112233445566aa".into(),
                offer: Some("entry".into()),
                venue: "tsarevets".into(),
                at_ms: 1_790_000_000_123,
                place: "Gate 1".into(),
            },
            BundleUse {
                serial: "ffeeddccbbaa9988".into(),
                offer: None,
                venue: "tsarevets".into(),
                at_ms: -5,
                place: "Каса 2".into(),
            },
        ];
        let packed: PackedUses = uses.iter().cloned().collect();
        assert_eq!(packed.len(), 2);
        let json = serde_json::to_string(&packed).unwrap();
        let back: PackedUses = serde_json::from_str(&json).unwrap();
        assert_eq!(back.iter().collect::<Vec<_>>(), uses);
        // A name index past the end, a torn record, not base64: refused, not a panic later.
        let wire = |names: &str, records: &[u8]| {
            format!(
                r#"{{"names":{names},"packed":"{}"}}"#,
                base64::engine::general_purpose::STANDARD.encode(records)
            )
        };
        let mut record = vec![0u8; 28];
        record[16] = 1;
        assert!(serde_json::from_str::<PackedUses>(&wire(r#"["a"]"#, &record)).is_err());
        assert!(serde_json::from_str::<PackedUses>(&wire(r#"["a"]"#, &[0u8; 27])).is_err());
        assert!(serde_json::from_str::<PackedUses>(r#"{"names":[],"packed":"!!"}"#).is_err());
        record[16] = 0;
        assert_eq!(
            serde_json::from_str::<PackedUses>(&wire(r#"["a"]"#, &record))
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn opening_hours_parse_and_may_span_midnight() {
        let (a, b) = parse_hours("19:00-01:30").unwrap();
        assert!(b < a);
        assert!(parse_hours("7pm").is_none());
    }
}
