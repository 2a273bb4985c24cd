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
        let sig = self.0.sign(body.as_bytes());
        Ok(Envelope {
            body,
            sig: hex::encode(sig.to_bytes()),
        })
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
    pub uses: Vec<BundleUse>,
    /// More revocations or uses wait after the cursors: ask again.
    #[serde(default)]
    pub more: bool,
    /// In a bundle file: the ranges (first, last) of this device's local ids the server holds,
    /// so a device that syncs only by file learns what arrived.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<i64>>))]
    pub received: Vec<(i64, i64)>,
}

/// The `format` of a redemptions file (`townpass-scan export`).
pub const REDEMPTIONS_FILE_FORMAT: &str = "townpass-redemptions/1";
/// The `format` of a bundle file (`townpass device bundle`).
pub const BUNDLE_FILE_FORMAT: &str = "townpass-bundle/1";

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
    fn opening_hours_parse_and_may_span_midnight() {
        let (a, b) = parse_hours("19:00-01:30").unwrap();
        assert!(b < a);
        assert!(parse_hours("7pm").is_none());
    }
}
