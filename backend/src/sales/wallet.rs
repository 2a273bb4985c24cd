//! Wallet passes. Apple Wallet: a `.pkpass` per pass (a ZIP of pass.json with the token as the
//! QR message, the icons, manifest.json with the SHA-1 of each file, and `signature`: a detached
//! PKCS#7 (CMS) signature of the manifest made with the operator's Pass Type ID certificate, with
//! Apple's WWDR intermediate certificate included). Google Wallet: a "Save to Google Wallet" link
//! holding an RS256 JWT signed with the operator's service-account key, the token as the barcode.
//! Each is on only when its keys are configured; without them the buttons are not shown.

use std::io::Write;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cms::builder::{SignedDataBuilder, SignerInfoBuilder, create_signing_time_attribute};
use cms::cert::CertificateChoices;
use cms::cert::IssuerAndSerialNumber;
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use der::{Decode, DecodePem, Encode, EncodePem};
use rsa::RsaPrivateKey;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;

/// Longest "Save to Google Wallet" link Google takes in a URL; a longer one is not offered.
pub const GOOGLE_LINK_MAX: usize = 1800;

const SAVE_URL: &str = "https://pay.google.com/gp/v/save/";
const JWT_HEADER: &[u8] = br#"{"alg":"RS256","typ":"JWT"}"#;

/// What a wallet pass shows: everything comes from the stored, signed pass.
#[derive(Clone, Debug)]
pub struct PassFacts {
    pub serial: String,
    pub token: String,
    pub product: String,
    pub category: String,
    pub holder: Option<String>,
    /// "Valid 72 hours from the first visit", or the real end after first use.
    pub validity: String,
    /// When the pass can no longer be used at all (unix seconds).
    pub expires_at: i64,
    /// The included venues, by town: "Sofia: National History Museum, Boyana Church".
    pub venues: Vec<String>,
    pub language: String,
}

/// Apple Wallet: the Pass Type ID certificate and key, and Apple's WWDR certificate.
pub struct AppleWallet {
    pass_type_id: String,
    team_id: String,
    organization: String,
    certificate: Certificate,
    wwdr: Certificate,
    key: SigningKey<Sha256>,
}

impl std::fmt::Debug for AppleWallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "AppleWallet({}, team {})",
            self.pass_type_id, self.team_id
        )
    }
}

/// Google Wallet: the issuer id and the service account that signs the links.
pub struct GoogleWallet {
    issuer_id: String,
    client_email: String,
    key: SigningKey<Sha256>,
}

impl std::fmt::Debug for GoogleWallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GoogleWallet({}, {})", self.issuer_id, self.client_email)
    }
}

/// The wallets this server offers (none by default).
#[derive(Debug, Default)]
pub struct Wallets {
    pub apple: Option<AppleWallet>,
    pub google: Option<GoogleWallet>,
}

fn read(path: &Path, what: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{what} ({}): {e}", path.display()))
}

/// An RSA private key from PEM, PKCS#8 ("BEGIN PRIVATE KEY") or PKCS#1 ("BEGIN RSA PRIVATE KEY").
fn rsa_key(pem: &str, what: &str) -> Result<RsaPrivateKey, String> {
    RsaPrivateKey::from_pkcs8_pem(pem)
        .or_else(|_| RsaPrivateKey::from_pkcs1_pem(pem))
        .map_err(|e| format!("{what} is not an RSA private key in PEM: {e}"))
}

fn certificate(pem: &str, what: &str) -> Result<Certificate, String> {
    Certificate::from_pem(pem.as_bytes())
        .or_else(|_| Certificate::from_der(pem.as_bytes()))
        .map_err(|e| format!("{what} is not an X.509 certificate in PEM: {e}"))
}

impl AppleWallet {
    /// Loads the certificate, its key and the WWDR certificate (PEM files).
    pub fn load(
        pass_type_id: &str,
        team_id: &str,
        organization: &str,
        certificate_path: &Path,
        key_path: &Path,
        wwdr_path: &Path,
    ) -> Result<AppleWallet, String> {
        if !pass_type_id.starts_with("pass.") {
            return Err(format!(
                "the Pass Type ID '{pass_type_id}' should look like pass.org.example.townpass"
            ));
        }
        if team_id.trim().is_empty() {
            return Err("the Apple Team ID is empty".into());
        }
        let cert = certificate(
            &read(certificate_path, "the Pass Type ID certificate")?,
            "the Pass Type ID certificate",
        )?;
        let wwdr = certificate(
            &read(wwdr_path, "the WWDR certificate")?,
            "the WWDR certificate",
        )?;
        let key = rsa_key(
            &read(key_path, "the Pass Type ID key")?,
            "the Pass Type ID key",
        )?;
        // The key must be the certificate's: a wrong pair makes passes no iPhone opens.
        let public = rsa::RsaPublicKey::from(&key);
        let in_cert = cert
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map_err(|e| e.to_string())?;
        let ours =
            rsa::pkcs8::EncodePublicKey::to_public_key_der(&public).map_err(|e| e.to_string())?;
        if in_cert != ours.as_bytes() {
            return Err("the Pass Type ID key does not belong to its certificate".into());
        }
        Ok(AppleWallet {
            pass_type_id: pass_type_id.to_string(),
            team_id: team_id.trim().to_string(),
            organization: organization.to_string(),
            certificate: cert,
            wwdr,
            key: SigningKey::<Sha256>::new(key),
        })
    }

    /// pass.json for one pass: the token as the QR message, holder, category, validity, venues.
    pub fn pass_json(&self, facts: &PassFacts, base_url: &str) -> Value {
        let expires = jiff::Timestamp::from_second(facts.expires_at)
            .map(|t| t.to_string())
            .unwrap_or_default();
        // Labels in the buyer's language (the values come from the pass).
        let label = |key: &str| crate::i18n::t(&facts.language, key).to_uppercase();
        let mut primary = vec![
            json!({"key": "product", "label": label("wallet_label_pass"), "value": facts.product}),
        ];
        if let Some(holder) = &facts.holder {
            primary =
                vec![json!({"key": "holder", "label": label("pass_holder"), "value": holder})];
        }
        json!({
            "formatVersion": 1,
            "passTypeIdentifier": self.pass_type_id,
            "teamIdentifier": self.team_id,
            "serialNumber": facts.serial,
            "organizationName": self.organization,
            "description": facts.product,
            "logoText": facts.product,
            "foregroundColor": "rgb(255, 255, 255)",
            "backgroundColor": "rgb(20, 50, 74)",
            "labelColor": "rgb(220, 230, 240)",
            "expirationDate": expires,
            "barcodes": [{
                "format": "PKBarcodeFormatQR",
                "message": facts.token,
                "messageEncoding": "iso-8859-1",
                "altText": facts.serial,
            }],
            "generic": {
                "primaryFields": primary,
                "secondaryFields": [
                    {"key": "category", "label": label("pass_category"), "value": facts.category},
                    {"key": "validity", "label": label("wallet_label_valid"), "value": facts.validity},
                ],
                "auxiliaryFields": [
                    {"key": "pass", "label": label("wallet_label_pass"), "value": facts.product},
                ],
                "backFields": [
                    {"key": "venues", "label": label("wallet_label_included"), "value": facts.venues.join("\n")},
                    {"key": "serial", "label": label("pass_serial"), "value": facts.serial},
                    {"key": "help", "label": label("wallet_label_help"), "value": base_url},
                ],
            },
        })
    }

    /// The `.pkpass` file: pass.json, icons, manifest.json and the manifest's signature.
    pub fn pkpass(
        &self,
        facts: &PassFacts,
        base_url: &str,
        icons: &[(&str, &[u8])],
    ) -> Result<Vec<u8>, String> {
        let pass_json = serde_json::to_vec_pretty(&self.pass_json(facts, base_url))
            .map_err(|e| e.to_string())?;
        let mut files: Vec<(&str, &[u8])> = vec![("pass.json", &pass_json)];
        files.extend_from_slice(icons);
        let manifest: serde_json::Map<String, Value> = files
            .iter()
            .map(|(name, bytes)| {
                (
                    (*name).to_string(),
                    Value::String(hex::encode(sha1::Sha1::digest(bytes))),
                )
            })
            .collect();
        let manifest = serde_json::to_vec(&manifest).map_err(|e| e.to_string())?;
        let signature = self.sign_detached(&manifest)?;

        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, bytes) in files.iter().copied().chain([
            ("manifest.json", &manifest[..]),
            ("signature", &signature[..]),
        ]) {
            zip.start_file(name, options).map_err(|e| e.to_string())?;
            zip.write_all(bytes).map_err(|e| e.to_string())?;
        }
        Ok(zip.finish().map_err(|e| e.to_string())?.into_inner())
    }

    /// A detached CMS SignedData of `content` (DER): SHA-256, RSA PKCS#1 v1.5, signing time,
    /// the signer's certificate and the WWDR certificate.
    fn sign_detached(&self, content: &[u8]) -> Result<Vec<u8>, String> {
        let fail = |e: &dyn std::fmt::Display| format!("signing the pass: {e}");
        let digest = Sha256::digest(content);
        let content_info = EncapsulatedContentInfo {
            econtent_type: const_oid::db::rfc5911::ID_DATA,
            econtent: None,
        };
        let sha256 = AlgorithmIdentifierOwned {
            oid: const_oid::db::rfc5912::ID_SHA_256,
            parameters: None,
        };
        let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: self.certificate.tbs_certificate.issuer.clone(),
            serial_number: self.certificate.tbs_certificate.serial_number.clone(),
        });
        let mut signer =
            SignerInfoBuilder::new(&self.key, sid, sha256.clone(), &content_info, Some(&digest))
                .map_err(|e| fail(&e))?;
        signer
            .add_signed_attribute(create_signing_time_attribute().map_err(|e| fail(&e))?)
            .map_err(|e| fail(&e))?;
        let signed = SignedDataBuilder::new(&content_info)
            .add_digest_algorithm(sha256)
            .map_err(|e| fail(&e))?
            .add_certificate(CertificateChoices::Certificate(self.certificate.clone()))
            .map_err(|e| fail(&e))?
            .add_certificate(CertificateChoices::Certificate(self.wwdr.clone()))
            .map_err(|e| fail(&e))?
            .add_signer_info::<SigningKey<Sha256>, rsa::pkcs1v15::Signature>(signer)
            .map_err(|e| fail(&e))?
            .build()
            .map_err(|e| fail(&e))?;
        signed.to_der().map_err(|e| fail(&e))
    }
}

impl GoogleWallet {
    /// Loads a service-account key file (the JSON Google Cloud gives: client_email, private_key).
    pub fn load(issuer_id: &str, key_file: &Path) -> Result<GoogleWallet, String> {
        if issuer_id.is_empty() || !issuer_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "the Google Wallet issuer id '{issuer_id}' should be the number from the Google Pay & Wallet console"
            ));
        }
        let text = read(key_file, "the Google service-account key")?;
        let account: Value = serde_json::from_str(&text).map_err(|e| {
            format!("the Google service-account key is not the JSON file Google gives: {e}")
        })?;
        let (Some(email), Some(pem)) = (
            account["client_email"].as_str(),
            account["private_key"].as_str(),
        ) else {
            return Err("the Google service-account key lacks client_email or private_key".into());
        };
        Ok(GoogleWallet {
            issuer_id: issuer_id.to_string(),
            client_email: email.to_string(),
            key: SigningKey::<Sha256>::new(rsa_key(pem, "the service account's private_key")?),
        })
    }

    /// The signed JWT of one pass (a generic pass object, its class made with it), with all its
    /// text.
    pub fn jwt(&self, facts: &PassFacts, base_url: &str) -> String {
        self.jwt_with(facts, base_url, &DETAIL[0])
    }

    fn jwt_with(&self, facts: &PassFacts, base_url: &str, detail: &Detail) -> String {
        self.sign(&self.claims(facts, base_url, detail).to_string())
    }

    /// The JWT of `claims` (JSON text): header, claims and RS256 signature.
    fn sign(&self, claims: &str) -> String {
        let header = URL_SAFE_NO_PAD.encode(JWT_HEADER);
        let body = URL_SAFE_NO_PAD.encode(claims);
        let signing_input = format!("{header}.{body}");
        let signature: rsa::pkcs1v15::Signature = self.key.sign(signing_input.as_bytes());
        format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        )
    }

    /// The length of the save link for claims of `claims_len` bytes, known before signing (an
    /// RS256 signature is as long as the key).
    fn link_len(&self, claims_len: usize) -> usize {
        let base64 = |n: usize| (4 * n).div_ceil(3);
        let signature = rsa::traits::PublicKeyParts::size(self.key.as_ref());
        SAVE_URL.len() + base64(JWT_HEADER.len()) + 1 + base64(claims_len) + 1 + base64(signature)
    }

    fn claims(&self, facts: &PassFacts, base_url: &str, detail: &Detail) -> Value {
        let class_id = format!("{}.townpass", self.issuer_id);
        let text = |value: &str| json!({"defaultValue": {"language": facts.language, "value": shorten(value, detail.text_chars)}});
        let mut object = json!({
            "id": format!("{}.{}", self.issuer_id, facts.serial),
            "classId": class_id,
            "state": "ACTIVE",
            "cardTitle": text(&facts.product),
            "header": text(facts.holder.as_deref().unwrap_or(&facts.category)),
            "barcode": {"type": "QR_CODE", "value": facts.token},
        });
        if detail.category {
            object["subheader"] = text(&facts.category);
        }
        if detail.extras {
            object["barcode"]["alternateText"] = json!(facts.serial);
            object["hexBackgroundColor"] = json!("#14324a");
            if let Ok(end) = jiff::Timestamp::from_second(facts.expires_at) {
                object["validTimeInterval"] = json!({"end": {"date": end.to_string()}});
            }
        }
        if detail.validity {
            object["textModulesData"] = json!([{"id": "valid", "header": crate::i18n::t(&facts.language, "wallet_label_valid"), "body": facts.validity}]);
        }
        let mut claims = json!({
            "iss": self.client_email,
            "aud": "google",
            "typ": "savetowallet",
            "iat": crate::store::now(),
            "payload": {
                "genericClasses": [{"id": class_id}],
                "genericObjects": [object],
            },
        });
        if detail.extras {
            claims["origins"] = json!([base_url]);
        }
        claims
    }

    /// Whether a link can hold this pass at all (the bare pass: its number and whole token,
    /// the shortest titles), worked out without signing, so the page can leave the button out.
    pub fn fits(&self, serial: &str, token: &str) -> bool {
        let bare = PassFacts {
            serial: serial.to_string(),
            token: token.to_string(),
            product: String::new(),
            category: String::new(),
            holder: None,
            validity: String::new(),
            expires_at: 0,
            venues: Vec::new(),
            language: "sr-Latn".into(),
        };
        let Some(last) = DETAIL.last() else {
            return false;
        };
        // Titles of at most `text_chars` characters of up to 3 bytes each (with "…").
        let titles = 2 * 3 * last.text_chars;
        let claims = self.claims(&bare, "", last).to_string();
        self.link_len(claims.len() + titles) <= GOOGLE_LINK_MAX
    }

    /// "Save to Google Wallet": the link with as much of the pass's text as fits in a URL (long
    /// or Cyrillic names are shortened, then the extras dropped; the token is always whole), or
    /// None when even the bare pass is too long.
    pub fn link(&self, facts: &PassFacts, base_url: &str) -> Option<String> {
        // Measured before signing: one signature, for the detail that fits.
        let claims = DETAIL
            .iter()
            .map(|detail| self.claims(facts, base_url, detail).to_string())
            .find(|claims| self.link_len(claims.len()) <= GOOGLE_LINK_MAX)?;
        Some(format!("{SAVE_URL}{}", self.sign(&claims)))
    }
}

/// How much of a pass's text goes into a Google Wallet link.
struct Detail {
    /// Names and titles cut to this many characters (with "…").
    text_chars: usize,
    /// The validity sentence.
    validity: bool,
    /// Pass number under the code, colour, end date and origins.
    extras: bool,
    /// The category line ("Child"): what a gate checks, so it goes last.
    category: bool,
}

const fn detail(text_chars: usize, validity: bool, extras: bool, category: bool) -> Detail {
    Detail {
        text_chars,
        validity,
        extras,
        category,
    }
}

/// From all of it down to the bare pass: the first that fits is used. Names are shortened
/// before anything is left out, and the category is kept longest.
const DETAIL: [Detail; 7] = [
    detail(usize::MAX, true, true, true),
    detail(40, true, true, true),
    detail(24, false, true, true),
    detail(16, false, true, true),
    detail(16, false, false, true),
    detail(10, false, false, true),
    detail(10, false, false, false),
];

/// `text` cut to at most `max` characters, with "…" when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// The demo's Apple Wallet keys: a demo CA (standing in for Apple's WWDR, which only Apple
/// issues) and a Pass Type ID certificate it signed, made once in `dir` and reused. iPhones do
/// not accept passes signed so; `openssl cms -verify ... -CAfile dir/ca.pem` does.
#[derive(Debug)]
pub struct DemoKeys {
    pub pass_type_id: &'static str,
    pub team_id: &'static str,
    pub ca: std::path::PathBuf,
    pub certificate: std::path::PathBuf,
    pub key: std::path::PathBuf,
}

pub fn demo_keys(dir: &Path) -> Result<DemoKeys, String> {
    use rsa::pkcs8::{EncodePrivateKey, LineEnding};
    use std::str::FromStr;
    use x509_cert::builder::{Builder, CertificateBuilder, Profile};
    use x509_cert::name::Name;
    use x509_cert::serial_number::SerialNumber;
    use x509_cert::spki::SubjectPublicKeyInfoOwned;
    use x509_cert::time::Validity;

    let keys = DemoKeys {
        pass_type_id: "pass.org.townpass.demo",
        team_id: "DEMOTEAM00",
        ca: dir.join("ca.pem"),
        certificate: dir.join("pass.pem"),
        key: dir.join("pass.key"),
    };
    if keys.ca.exists() && keys.certificate.exists() && keys.key.exists() {
        return Ok(keys);
    }
    let fail = |e: &dyn std::fmt::Display| format!("making the demo wallet keys: {e}");
    std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
    let mut rng = rsa::rand_core::OsRng;
    let ca_key = RsaPrivateKey::new(&mut rng, 2048).map_err(|e| fail(&e))?;
    let pass_key = RsaPrivateKey::new(&mut rng, 2048).map_err(|e| fail(&e))?;
    let ca_signer = SigningKey::<Sha256>::new(ca_key.clone());
    let spki = |key: &RsaPrivateKey| {
        SubjectPublicKeyInfoOwned::from_key(rsa::RsaPublicKey::from(key)).map_err(|e| fail(&e))
    };
    let ca_name = Name::from_str("CN=townpass demo CA (not Apple)").map_err(|e| fail(&e))?;
    let validity = Validity::from_now(std::time::Duration::from_secs(5 * 365 * 86_400))
        .map_err(|e| fail(&e))?;
    let ca = CertificateBuilder::new(
        Profile::Root,
        SerialNumber::from(1u32),
        validity,
        ca_name.clone(),
        spki(&ca_key)?,
        &ca_signer,
    )
    .map_err(|e| fail(&e))?
    .build::<rsa::pkcs1v15::Signature>()
    .map_err(|e| fail(&e))?;
    let subject = Name::from_str(&format!(
        "UID={},CN=Pass Type ID: {}",
        keys.pass_type_id, keys.pass_type_id
    ))
    .map_err(|e| fail(&e))?;
    let leaf = CertificateBuilder::new(
        Profile::Leaf {
            issuer: ca_name,
            enable_key_agreement: false,
            enable_key_encipherment: false,
        },
        SerialNumber::from(2u32),
        validity,
        subject,
        spki(&pass_key)?,
        &ca_signer,
    )
    .map_err(|e| fail(&e))?
    .build::<rsa::pkcs1v15::Signature>()
    .map_err(|e| fail(&e))?;
    let pem = |c: &Certificate| c.to_pem(der::pem::LineEnding::LF).map_err(|e| fail(&e));
    std::fs::write(&keys.ca, pem(&ca)?).map_err(|e| fail(&e))?;
    std::fs::write(&keys.certificate, pem(&leaf)?).map_err(|e| fail(&e))?;
    let key_pem = pass_key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| fail(&e))?;
    std::fs::write(&keys.key, key_pem.as_bytes()).map_err(|e| fail(&e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&keys.key, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| fail(&e))?;
    }
    Ok(keys)
}
