//! The pass token, format v1: `"TP1:" base45(COSE_Sign1)`, Ed25519, deterministic CBOR claims.
//! This is a contract with every scanner in the field and with third parties (test vectors in
//! `tests/data/tokens.json`); a change to what this module writes or accepts is a format change.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use coset::cwt::{ClaimName, ClaimsSet, Timestamp};
use coset::{
    CborSerializable, CoseSign1, CoseSign1Builder, HeaderBuilder, RegisteredLabelWithPrivate,
    TaggedCborSerializable, iana,
};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// Every v1 token starts with this. A v2 format would get a new prefix, never a silent change.
pub const PREFIX: &str = "TP1:";
/// Longer input is refused before any decoding (a QR code this size is already unreadable in a queue).
pub const MAX_TOKEN_CHARS: usize = 1024;
/// The private-use CWT claim that holds `[product, category, ? holder]`.
pub const TOWNPASS_CLAIM: i64 = -65537;

/// A pass's unique serial (CWT `cti`): 8 random bytes, shown as 16 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Serial(pub [u8; 8]);

/// Key id: the first 4 bytes of SHA-256 over the raw 32-byte Ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kid(pub [u8; 4]);

/// A product's number in the catalogue (a sold product is never edited, so the number is stable).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProductId(pub u32);

/// A price category. 1–4 are fixed; a catalogue may define more.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Category(pub u32);

impl Category {
    pub const ADULT: Category = Category(1);
    pub const CHILD: Category = Category(2);
    pub const SENIOR: Category = Category(3);
    pub const STUDENT: Category = Category(4);

    /// The English name of a built-in category, `None` for catalogue-defined ones.
    pub fn builtin_name(self) -> Option<&'static str> {
        match self.0 {
            1 => Some("adult"),
            2 => Some("child"),
            3 => Some("senior"),
            4 => Some("student"),
            _ => None,
        }
    }
}

/// What a pass says about itself. Times are unix seconds UTC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claims {
    pub serial: Serial,
    pub product: ProductId,
    pub category: Category,
    pub holder: Option<String>,
    /// Not valid before.
    pub nbf: Option<u64>,
    /// Hard expiry: never valid after this.
    pub exp: Option<u64>,
}

/// Why a token was refused at the format level. `code()` gives the contract's error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("not a readable townpass code ({0})")]
    Malformed(&'static str),
    #[error("signed with an algorithm townpass does not accept")]
    UnsupportedAlg,
    #[error("signed with key {0}, which this device does not know (sync to get new keys)")]
    UnknownKey(Kid),
    #[error("the signature does not match: the code was altered or forged")]
    BadSignature,
}

impl TokenError {
    /// The stable, machine-readable code: `malformed`, `unsupported_alg`, `unknown_key`, `bad_signature`.
    pub fn code(&self) -> &'static str {
        match self {
            TokenError::Malformed(_) => "malformed",
            TokenError::UnsupportedAlg => "unsupported_alg",
            TokenError::UnknownKey(_) => "unknown_key",
            TokenError::BadSignature => "bad_signature",
        }
    }
}

/// Why a token could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error(
        "the token would be {chars} characters, over the limit of {MAX_TOKEN_CHARS}; shorten the holder name"
    )]
    TooLong { chars: usize },
    #[error("could not encode the token: {0}")]
    Encoding(String),
}

/// A public issuer key, ready to verify.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
    kid: Kid,
}

/// An issuer's private key. Its `Debug` shows only the kid, never the secret.
#[derive(Clone)]
pub struct IssuerKey {
    signing: SigningKey,
    public: PublicKey,
}

/// Whether a trusted key may sign new passes, only vouches for old ones, or is withdrawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyStatus {
    /// Signs new passes.
    Active,
    /// No longer signs; its passes stay valid until they expire.
    Retired,
    /// Compromised: every pass it signed is refused (a rules-level decision, see `Verified`).
    Revoked,
}

impl KeyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "active",
            KeyStatus::Retired => "retired",
            KeyStatus::Revoked => "revoked",
        }
    }
}

impl FromStr for KeyStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "active" => Ok(KeyStatus::Active),
            "retired" => Ok(KeyStatus::Retired),
            "revoked" => Ok(KeyStatus::Revoked),
            other => Err(format!(
                "unknown key status '{other}' (active, retired or revoked)"
            )),
        }
    }
}

/// The issuer keys a verifier trusts, looked up by kid.
#[derive(Clone, Debug, Default)]
pub struct KeySet {
    keys: HashMap<Kid, (PublicKey, KeyStatus)>,
}

/// A token whose signature checked out against a key in the set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub claims: Claims,
    pub kid: Kid,
    /// A revoked key's signature is still mathematically valid; the redemption rules refuse it.
    pub key_status: KeyStatus,
}

/// A token taken apart but not yet trusted: what a support desk can read from any code.
#[derive(Clone, Debug)]
pub struct Token {
    sign1: CoseSign1,
    alg: Option<i64>,
    pub kid: Kid,
    pub claims: Claims,
}

// ---------------------------------------------------------------------------------------------
// Typed values

fn fmt_hex(bytes: &[u8], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    for b in bytes {
        write!(f, "{b:02x}")?;
    }
    Ok(())
}

fn parse_hex<const N: usize>(s: &str, what: &str) -> Result<[u8; N], String> {
    let mut out = [0u8; N];
    hex::decode_to_slice(s.trim(), &mut out)
        .map_err(|_| format!("a {what} is {} hex digits, got '{s}'", N * 2))?;
    Ok(out)
}

macro_rules! hex_type {
    ($t:ident, $n:expr, $what:expr) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt_hex(&self.0, f)
            }
        }
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($t), "("))?;
                fmt_hex(&self.0, f)?;
                write!(f, ")")
            }
        }
        impl FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                parse_hex::<$n>(s, $what).map($t)
            }
        }
    };
}
hex_type!(Serial, 8, "pass serial");
hex_type!(Kid, 4, "key id");

impl fmt::Display for ProductId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Kid {
    pub fn of(key: &VerifyingKey) -> Kid {
        let digest = Sha256::digest(key.as_bytes());
        Kid([digest[0], digest[1], digest[2], digest[3]])
    }
}

impl PublicKey {
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<PublicKey, String> {
        let key = VerifyingKey::from_bytes(bytes)
            .map_err(|_| "not a valid Ed25519 public key".to_string())?;
        Ok(PublicKey {
            kid: Kid::of(&key),
            key,
        })
    }

    /// From 64 hex digits (the raw 32-byte key), as published at `/.well-known/townpass/keys`.
    pub fn from_hex(s: &str) -> Result<PublicKey, String> {
        let bytes = parse_hex::<32>(s, "public key")?;
        PublicKey::from_bytes(&bytes)
    }

    pub fn kid(&self) -> Kid {
        self.kid
    }

    pub fn to_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.key.as_bytes())
    }

    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({} {})", self.kid, self.to_hex())
    }
}

impl IssuerKey {
    /// From the 32-byte Ed25519 seed. The caller brings the randomness: core has none.
    pub fn from_seed(seed: &[u8; 32]) -> IssuerKey {
        let signing = SigningKey::from_bytes(seed);
        let key = signing.verifying_key();
        IssuerKey {
            public: PublicKey {
                kid: Kid::of(&key),
                key,
            },
            signing,
        }
    }

    pub fn seed(&self) -> [u8; 32] {
        self.signing.to_bytes()
    }

    pub fn kid(&self) -> Kid {
        self.public.kid
    }

    pub fn public(&self) -> &PublicKey {
        &self.public
    }

    /// Signs the claims into a token. Deterministic: the same key and claims give the same token.
    pub fn sign(&self, claims: &Claims) -> Result<String, SignError> {
        let payload = encode_claims(claims)?;
        let protected = HeaderBuilder::new()
            .algorithm(iana::Algorithm::Ed25519)
            .key_id(self.kid().0.to_vec())
            .build();
        let sign1 = CoseSign1Builder::new()
            .protected(protected)
            .payload(payload)
            .create_signature(b"", |tbs| self.signing.sign(tbs).to_bytes().to_vec())
            .build();
        let bytes = sign1
            .to_tagged_vec()
            .map_err(|e| SignError::Encoding(e.to_string()))?;
        let token = format!("{PREFIX}{}", base45::encode(bytes));
        if token.len() > MAX_TOKEN_CHARS {
            return Err(SignError::TooLong { chars: token.len() });
        }
        Ok(token)
    }
}

impl fmt::Debug for IssuerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IssuerKey({}, secret hidden)", self.kid())
    }
}

// ---------------------------------------------------------------------------------------------
// Claims <-> CBOR

fn encode_claims(claims: &Claims) -> Result<Vec<u8>, SignError> {
    use coset::cbor::Value;
    let mut inner = vec![
        Value::Integer(claims.product.0.into()),
        Value::Integer(claims.category.0.into()),
    ];
    if let Some(holder) = &claims.holder {
        inner.push(Value::Text(holder.clone()));
    }
    // coset writes exp (4), nbf (5), cti (7), then private claims: the RFC 8949 4.2.1 key order.
    let mut set = ClaimsSet {
        expiration_time: claims.exp.map(|t| Timestamp::WholeSeconds(t as i64)),
        not_before: claims.nbf.map(|t| Timestamp::WholeSeconds(t as i64)),
        cwt_id: Some(claims.serial.0.to_vec()),
        ..ClaimsSet::default()
    };
    set.rest
        .push((ClaimName::PrivateUse(TOWNPASS_CLAIM), Value::Array(inner)));
    if claims.exp.is_some_and(|t| t > i64::MAX as u64)
        || claims.nbf.is_some_and(|t| t > i64::MAX as u64)
    {
        return Err(SignError::Encoding("time out of range".into()));
    }
    set.to_vec().map_err(|e| SignError::Encoding(e.to_string()))
}

fn decode_time(t: Option<Timestamp>) -> Result<Option<u64>, TokenError> {
    match t {
        None => Ok(None),
        Some(Timestamp::WholeSeconds(s)) if s >= 0 => Ok(Some(s as u64)),
        Some(_) => Err(TokenError::Malformed(
            "a date is not a whole, positive number of seconds",
        )),
    }
}

fn decode_claims(payload: &[u8]) -> Result<Claims, TokenError> {
    use coset::cbor::Value;
    let set = ClaimsSet::from_slice(payload)
        .map_err(|_| TokenError::Malformed("the claims are not valid CBOR claims"))?;
    let serial: [u8; 8] = set
        .cwt_id
        .as_deref()
        .and_then(|b| b.try_into().ok())
        .ok_or(TokenError::Malformed(
            "the serial is missing or not 8 bytes",
        ))?;
    let townpass = set
        .rest
        .iter()
        .find(|(name, _)| *name == ClaimName::PrivateUse(TOWNPASS_CLAIM))
        .map(|(_, value)| value)
        .ok_or(TokenError::Malformed("no townpass claim"))?;
    let items = match townpass {
        Value::Array(items) if items.len() == 2 || items.len() == 3 => items,
        _ => {
            return Err(TokenError::Malformed(
                "the townpass claim is not [product, category, ? holder]",
            ));
        }
    };
    let uint = |v: &Value, what: &'static str| -> Result<u32, TokenError> {
        match v {
            Value::Integer(i) => {
                u32::try_from(i128::from(*i)).map_err(|_| TokenError::Malformed(what))
            }
            _ => Err(TokenError::Malformed(what)),
        }
    };
    let product = ProductId(uint(
        &items[0],
        "the product is not a small unsigned number",
    )?);
    let category = Category(uint(
        &items[1],
        "the category is not a small unsigned number",
    )?);
    let holder = match items.get(2) {
        None => None,
        Some(Value::Text(t)) => Some(t.clone()),
        Some(_) => return Err(TokenError::Malformed("the holder is not text")),
    };
    Ok(Claims {
        serial: Serial(serial),
        product,
        category,
        holder,
        nbf: decode_time(set.not_before)?,
        exp: decode_time(set.expiration_time)?,
    })
}

// ---------------------------------------------------------------------------------------------
// Decoding and verifying

/// Normalises what a keyboard-wedge reader or a person typed: trims white space and line ends,
/// refuses anything too long, upper-cases (base45 has no lower-case letters, so this loses nothing).
/// A device stores and uploads this form, so the server sees the token exactly as issued.
pub fn normalise(input: &str) -> Result<std::borrow::Cow<'_, str>, TokenError> {
    let s = input.trim();
    if s.len() > MAX_TOKEN_CHARS {
        return Err(TokenError::Malformed("longer than 1024 characters"));
    }
    if s.bytes().any(|b| b.is_ascii_lowercase()) {
        Ok(std::borrow::Cow::Owned(s.to_ascii_uppercase()))
    } else {
        Ok(std::borrow::Cow::Borrowed(s))
    }
}

impl Token {
    /// Takes a token apart without trusting it. Everything structural is checked here
    /// (`malformed`); the algorithm, key and signature are checked by [`KeySet::verify_token`].
    pub fn decode(input: &str) -> Result<Token, TokenError> {
        let s = normalise(input)?;
        let body = s
            .strip_prefix(PREFIX)
            .ok_or(TokenError::Malformed("it does not start with TP1:"))?;
        let bytes = base45::decode(body)
            .map_err(|_| TokenError::Malformed("damaged or incomplete code"))?;
        let sign1 = CoseSign1::from_tagged_slice(&bytes)
            .map_err(|_| TokenError::Malformed("not a signed townpass structure"))?;
        if !sign1.unprotected.is_empty() {
            return Err(TokenError::Malformed("unexpected unprotected header"));
        }
        let header = &sign1.protected.header;
        let kid: [u8; 4] = header
            .key_id
            .as_slice()
            .try_into()
            .map_err(|_| TokenError::Malformed("the key id is not 4 bytes"))?;
        let alg = match header.alg.clone() {
            None => None,
            Some(RegisteredLabelWithPrivate::Assigned(a)) => Some(a as i64),
            Some(RegisteredLabelWithPrivate::PrivateUse(a)) => Some(a),
            Some(RegisteredLabelWithPrivate::Text(_)) => Some(i64::MIN),
        };
        let payload = sign1
            .payload
            .as_deref()
            .ok_or(TokenError::Malformed("the claims are missing"))?;
        let claims = decode_claims(payload)?;
        if sign1.signature.len() != Signature::BYTE_SIZE {
            return Err(TokenError::Malformed("the signature is not 64 bytes"));
        }
        Ok(Token {
            sign1,
            alg,
            kid: Kid(kid),
            claims,
        })
    }

    /// The COSE algorithm number in the protected header (`-19` for every valid v1 token).
    pub fn alg(&self) -> Option<i64> {
        self.alg
    }
}

impl KeySet {
    pub fn new() -> KeySet {
        KeySet::default()
    }

    /// Adds (or replaces the status of) a trusted key.
    pub fn insert(&mut self, key: PublicKey, status: KeyStatus) {
        self.keys.insert(key.kid(), (key, status));
    }

    pub fn get(&self, kid: Kid) -> Option<(&PublicKey, KeyStatus)> {
        self.keys.get(&kid).map(|(k, s)| (k, *s))
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&PublicKey, KeyStatus)> {
        self.keys.values().map(|(k, s)| (k, *s))
    }

    /// Decodes and verifies a token as scanned or typed.
    pub fn verify(&self, input: &str) -> Result<Verified, TokenError> {
        let token = Token::decode(input)?;
        let key_status = self.verify_token(&token)?;
        Ok(Verified {
            key_status,
            kid: token.kid,
            claims: token.claims,
        })
    }

    /// [`KeySet::verify_token`] for many tokens at once, with Ed25519 batch verification (about
    /// twice as fast per token). A batch that fails is checked token by token, so every answer is
    /// the one `verify_token` gives for a well-formed signature.
    pub fn verify_tokens(&self, tokens: &[&Token]) -> Vec<Result<KeyStatus, TokenError>> {
        let mut out: Vec<Result<KeyStatus, TokenError>> = Vec::with_capacity(tokens.len());
        let (mut messages, mut sigs, mut keys, mut at) = (vec![], vec![], vec![], vec![]);
        for (i, token) in tokens.iter().enumerate() {
            if token.alg != Some(iana::Algorithm::Ed25519 as i64) {
                out.push(Err(TokenError::UnsupportedAlg));
                continue;
            }
            let Some((key, status)) = self.get(token.kid) else {
                out.push(Err(TokenError::UnknownKey(token.kid)));
                continue;
            };
            let Ok(sig) = Signature::from_slice(&token.sign1.signature) else {
                out.push(Err(TokenError::BadSignature));
                continue;
            };
            messages.push(token.sign1.tbs_data(b""));
            sigs.push(sig);
            keys.push(key.key);
            at.push(i);
            out.push(Ok(status));
        }
        let refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
        if !refs.is_empty() && ed25519_dalek::verify_batch(&refs, &sigs, &keys).is_err() {
            for i in at {
                out[i] = self.verify_token(tokens[i]);
            }
        }
        out
    }

    /// What [`KeySet::verify_token`] answers for a token whose exact text the caller issued and
    /// still holds (the server keeps every token it signed): the algorithm and the key's status,
    /// without the signature arithmetic. Only for a token compared byte for byte with that text;
    /// anything else goes through `verify_token`.
    pub fn status_of_issued(&self, token: &Token) -> Result<KeyStatus, TokenError> {
        if token.alg != Some(iana::Algorithm::Ed25519 as i64) {
            return Err(TokenError::UnsupportedAlg);
        }
        self.get(token.kid)
            .map(|(_, status)| status)
            .ok_or(TokenError::UnknownKey(token.kid))
    }

    /// Checks algorithm, key and signature of a decoded token; returns the signing key's status.
    /// The signature covers the protected header and payload exactly as received.
    pub fn verify_token(&self, token: &Token) -> Result<KeyStatus, TokenError> {
        if token.alg != Some(iana::Algorithm::Ed25519 as i64) {
            return Err(TokenError::UnsupportedAlg);
        }
        let (key, status) = self
            .get(token.kid)
            .ok_or(TokenError::UnknownKey(token.kid))?;
        token.sign1.verify_signature(b"", |sig, tbs| {
            let sig = Signature::from_slice(sig).map_err(|_| TokenError::BadSignature)?;
            key.key
                .verify_strict(tbs, &sig)
                .map_err(|_| TokenError::BadSignature)
        })?;
        Ok(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Claims {
        Claims {
            serial: Serial([1, 2, 3, 4, 5, 6, 7, 8]),
            product: ProductId(1),
            category: Category::ADULT,
            holder: None,
            nbf: None,
            exp: Some(1_798_761_600),
        }
    }

    #[test]
    fn batch_verification_answers_each_token_as_verify_token_does() {
        let key = IssuerKey::from_seed(&[7; 32]);
        let stranger = IssuerKey::from_seed(&[8; 32]);
        let mut keys = KeySet::new();
        keys.insert(key.public().clone(), KeyStatus::Retired);
        let good = Token::decode(&key.sign(&claims()).unwrap()).unwrap();
        let unknown = Token::decode(&stranger.sign(&claims()).unwrap()).unwrap();
        // A signature from the stranger's key under our kid: well-formed, but not ours.
        let mut forged = Token::decode(&key.sign(&claims()).unwrap()).unwrap();
        forged.sign1.signature = unknown.sign1.signature.clone();
        let all = [&good, &unknown, &forged, &good];
        let batch = keys.verify_tokens(&all);
        let one: Vec<_> = all.iter().map(|t| keys.verify_token(t)).collect();
        assert_eq!(batch, one);
        assert_eq!(batch[0], Ok(KeyStatus::Retired));
        assert_eq!(batch[2], Err(TokenError::BadSignature));
        assert_eq!(
            keys.verify_tokens(&[&good, &good]),
            vec![Ok(KeyStatus::Retired); 2]
        );
    }

    #[test]
    fn lower_case_and_line_ends_from_a_wedge_reader_are_accepted() {
        let key = IssuerKey::from_seed(&[7; 32]);
        let mut keys = KeySet::new();
        keys.insert(key.public().clone(), KeyStatus::Active);
        let token = key.sign(&claims()).unwrap();
        let scanned = format!("  {}\r\n", token.to_lowercase());
        assert_eq!(keys.verify(&scanned).unwrap().claims, claims());
    }

    #[test]
    fn a_revoked_key_still_verifies_but_reports_its_status() {
        let key = IssuerKey::from_seed(&[9; 32]);
        let mut keys = KeySet::new();
        keys.insert(key.public().clone(), KeyStatus::Revoked);
        let v = keys.verify(&key.sign(&claims()).unwrap()).unwrap();
        assert_eq!(v.key_status, KeyStatus::Revoked);
    }

    #[test]
    fn a_holder_too_long_for_a_qr_code_is_refused_when_signing() {
        let key = IssuerKey::from_seed(&[3; 32]);
        let mut c = claims();
        c.holder = Some("x".repeat(700));
        assert!(matches!(key.sign(&c), Err(SignError::TooLong { .. })));
    }

    #[test]
    fn debug_output_never_shows_the_secret_seed() {
        let key = IssuerKey::from_seed(&[0xab; 32]);
        let shown = format!("{key:?}");
        assert!(!shown.contains("abab"), "{shown}");
        assert!(shown.contains(&key.kid().to_string()));
    }

    #[test]
    fn serial_and_kid_print_as_lower_hex_and_parse_back() {
        let s: Serial = "00112233445566FF".parse().unwrap();
        assert_eq!(s.to_string(), "00112233445566ff");
        assert!("0011".parse::<Serial>().is_err());
        let k: Kid = "f969b253".parse().unwrap();
        assert_eq!(k, Kid([0xf9, 0x69, 0xb2, 0x53]));
    }
}
