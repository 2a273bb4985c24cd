//! `townpass token inspect`: what a support desk needs to know about a code a tourist shows them.
//! Decoding and verifying are core's; this module only chooses the keys and words the answer.

use std::fmt::Write as _;

use jiff::tz::TimeZone;
use serde::Serialize;
use townpass_core::{KeySet, KeyStatus, Token, TokenError};

/// The outcome of inspecting one token.
#[derive(Debug)]
pub struct Inspection {
    /// The token's parts, when it could be taken apart at all.
    pub token: Option<Token>,
    /// `Ok(status of the signing key)` when the signature is valid.
    pub outcome: Result<KeyStatus, TokenError>,
    /// How many keys it was checked against.
    pub keys_checked: usize,
}

/// The `--json` shape; a contract, field for field.
#[derive(Debug, Serialize)]
pub struct InspectionJson {
    pub valid: bool,
    pub error: Option<&'static str>,
    pub kid: Option<String>,
    pub serial: Option<String>,
    pub product: Option<u32>,
    pub category: Option<u32>,
    pub holder: Option<String>,
    pub nbf: Option<u64>,
    pub exp: Option<u64>,
}

/// Decodes `input` and checks it against a key set with statuses (e.g. the server's own keys).
pub fn inspect_with(input: &str, keys: &KeySet) -> Inspection {
    match Token::decode(input) {
        Err(e) => Inspection {
            token: None,
            outcome: Err(e),
            keys_checked: keys.len(),
        },
        Ok(token) => {
            let outcome = keys.verify_token(&token);
            Inspection {
                token: Some(token),
                outcome,
                keys_checked: keys.len(),
            }
        }
    }
}

impl Inspection {
    pub fn valid(&self) -> bool {
        self.outcome.is_ok()
    }

    pub fn json(&self) -> InspectionJson {
        let claims = self.token.as_ref().map(|t| &t.claims);
        InspectionJson {
            valid: self.valid(),
            error: self.outcome.as_ref().err().map(TokenError::code),
            kid: self.token.as_ref().map(|t| t.kid.to_string()),
            serial: claims.map(|c| c.serial.to_string()),
            product: claims.map(|c| c.product.0),
            category: claims.map(|c| c.category.0),
            holder: claims.and_then(|c| c.holder.clone()),
            nbf: claims.and_then(|c| c.nbf),
            exp: claims.and_then(|c| c.exp),
        }
    }

    /// The answer in words, dates in UTC and in `tz`.
    pub fn to_text(&self, tz: &TimeZone) -> String {
        let mut out = String::new();
        match &self.outcome {
            Ok(KeyStatus::Revoked) => {
                let _ = writeln!(
                    out,
                    "SIGNATURE VALID, BUT THE KEY IS REVOKED: scanners refuse this pass"
                );
            }
            Ok(status) => {
                let _ = writeln!(out, "VALID: signature checks out ({} key)", status.as_str());
            }
            Err(e) => {
                let _ = writeln!(out, "NOT VALID ({}): {e}", e.code());
                if matches!(e, TokenError::UnknownKey(_)) && self.keys_checked == 0 {
                    let _ = writeln!(
                        out,
                        "  hint: give the issuer's public key with --key PUBHEX (see /.well-known/townpass/keys)"
                    );
                }
            }
        }
        let Some(token) = &self.token else {
            return out;
        };
        let c = &token.claims;
        let category = match c.category.builtin_name() {
            Some(name) => format!("{} ({name})", c.category),
            None => c.category.to_string(),
        };
        let rows = [
            ("key id", token.kid.to_string()),
            ("serial", c.serial.to_string()),
            ("product", c.product.to_string()),
            ("category", category),
            (
                "holder",
                c.holder.clone().unwrap_or_else(|| "(none)".into()),
            ),
            (
                "valid from",
                c.nbf
                    .map_or_else(|| "(no start date: from sale)".into(), |t| when(t, tz)),
            ),
            (
                "expires",
                c.exp
                    .map_or_else(|| "(no hard expiry)".into(), |t| when(t, tz)),
            ),
        ];
        for (label, value) in rows {
            let _ = writeln!(out, "  {label:<11}{value}");
        }
        out
    }
}

/// "2027-01-01 00:00:00 UTC (2027-01-01 02:00:00 EET, Europe/Sofia)"
fn when(unix: u64, tz: &TimeZone) -> String {
    let Ok(ts) = i64::try_from(unix)
        .map_err(|_| ())
        .and_then(|s| jiff::Timestamp::from_second(s).map_err(|_| ()))
    else {
        return format!("{unix} (beyond the calendar)");
    };
    let utc = ts.strftime("%Y-%m-%d %H:%M:%S UTC");
    let local = ts.to_zoned(tz.clone());
    let zone = tz.iana_name().unwrap_or("local");
    format!("{utc} ({}, {zone})", local.strftime("%Y-%m-%d %H:%M:%S %Z"))
}
