//! Venue devices: the operator makes a one-time enrolment code for a device at a venue; the venue
//! scanner trades it for its registration (`townpass-scan enroll`). Codes are valid 24 hours, used
//! once, and stored only as a hash.

pub mod api;
pub mod files;
pub mod sync;
pub mod web;

use crate::accounts::{AuthError, readable_secret, sha256_hex};
use crate::store::{DeviceRow, Store, StoreError};

/// How long an enrolment code stays valid.
pub const CODE_TTL: i64 = 24 * 3600;

#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error("a device name is 1 to 60 characters")]
    BadName,
}

/// The form a code is compared in: upper-case letters and digits only ("7jak-ttay ueks" = "7JAKTTAYUEKS").
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A new one-time code for the device `name` at `venue` (made if new). Returns the code to show.
pub async fn add(
    store: &Store,
    venue: &str,
    name: &str,
    now: i64,
) -> Result<(DeviceRow, String, i64), DeviceError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(DeviceError::BadName);
    }
    let code = readable_secret(3)?.to_uppercase();
    let device = store
        .add_device_code(
            venue,
            name,
            &sha256_hex(&normalise_code(&code)),
            now,
            CODE_TTL,
        )
        .await?;
    Ok((device, code, now + CODE_TTL))
}
