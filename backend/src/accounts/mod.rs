//! Passwords (argon2id), session and CSRF tokens, and the login rate limit. The store keeps only
//! hashes: a database dump reveals no password, session or API secret.

pub mod links;
pub mod pages;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::store::{NewUser, Store, StoreError, UserRow};

/// Failed logins for one account from one client address that cost nothing; after them each try
/// waits, twice as long as the one before (2 s, 4 s, 8 s, ... up to `MAX_DELAY`; failures are
/// stamped in whole seconds, so the first wait is at least one full second). Failures from other
/// addresses never slow this one down, so nobody can lock an account out by guessing.
pub const FREE_FAILURES: i64 = 5;
/// The longest wait between two tries.
pub const MAX_DELAY: i64 = 15 * 60;
/// Failed logins one client address may make over all accounts within the window.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;
/// Failures older than this are forgotten.
pub const FAILURE_WINDOW: i64 = 15 * 60;

/// How long a client that has failed `failures` times for one account must wait after its last
/// failure before the next try.
pub fn delay_after(failures: i64) -> i64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let doublings = (failures - FREE_FAILURES).min(20) as u32;
    (2i64 << doublings).min(MAX_DELAY)
}

/// The failure subject of one account from one client address.
fn pair_subject(email: &str, address: &str) -> String {
    format!("login:{email}|{address}")
}

/// A LIKE pattern for all failure subjects of one account, whatever the address (`\` escapes
/// the pattern characters an e-mail address may hold).
pub fn account_subjects(email: &str) -> String {
    let email = email.trim().to_lowercase();
    let escaped: String = email
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("login:{escaped}|%")
}
/// How long a session lasts.
pub const SESSION_TTL: i64 = 12 * 3600;
/// How long an invitation's set-password link works.
pub const INVITE_TTL: i64 = 7 * 24 * 3600;
/// How long a password reset link works.
pub const RESET_TTL: i64 = 3600;
/// Set-password links one account may be sent in an hour.
pub const MAX_LINKS_PER_HOUR: i64 = 3;
/// A password's length in characters.
pub const PASSWORD_LENGTH: std::ops::RangeInclusive<usize> = 10..=200;

/// What is wrong with a new password typed twice, as the key of the words that say so (the one
/// rule for the set-password link and the own-password page); `None` if it will do.
pub fn new_password_problem(new: &str, again: &str) -> Option<&'static str> {
    if !PASSWORD_LENGTH.contains(&new.chars().count()) {
        Some("account_password_short")
    } else if new != again {
        Some("account_password_mismatch")
    } else {
        None
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("wrong e-mail or password")]
    WrongCredentials,
    #[error("too many failed attempts; wait {wait_s} s")]
    Throttled { wait_s: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("no randomness from the operating system: {0}")]
    Random(String),
}

pub fn random_hex(bytes: usize) -> Result<String, AuthError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| AuthError::Random(e.to_string()))?;
    Ok(hex::encode(buf))
}

pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// An argon2id PHC string with a random salt.
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AuthError::Random(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AuthError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hash(e.to_string()))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash to compare against when the e-mail is unknown, so the answer takes as long either way.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password that never matches").unwrap_or_default())
}

/// Adds a user, or resets the password and role of an existing one; a reset also forgets the
/// account's failed logins, so a locked-out owner is back in at once.
pub async fn save_user(store: &Store, user: &NewUser<'_>, now: i64) -> Result<(), AuthError> {
    store.upsert_user(user, now).await?;
    store
        .clear_login_failures_like(&account_subjects(user.email))
        .await?;
    Ok(())
}

/// A new set-password link: (the secret the e-mail carries, its SHA-256 to store).
pub fn new_link_secret() -> Result<(String, String), AuthError> {
    let secret = random_hex(32)?;
    let hash = sha256_hex(&secret);
    Ok((secret, hash))
}

/// Sets a password through a set-password link (once; the account's sessions end). The
/// account's failed logins are forgotten, so a reset lifts any wait at once. `None` when the
/// link is unknown, used or expired: nothing changes.
pub async fn set_password_by_link(
    store: &Store,
    secret: &str,
    password: &str,
    now: i64,
) -> Result<Option<UserRow>, AuthError> {
    let password = password.to_string();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AuthError::Hash(e.to_string()))??;
    let user = store
        .use_password_link(&sha256_hex(secret), &hash, now)
        .await?;
    if let Some(u) = &user {
        store
            .clear_login_failures_like(&account_subjects(&u.email))
            .await?;
    }
    Ok(user)
}

/// A new session: (cookie token, CSRF token).
pub struct NewSession {
    pub token: String,
    pub csrf: String,
    pub user: UserRow,
}

impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSession")
            .field("user", &self.user.email)
            .finish_non_exhaustive()
    }
}

/// Checks the password (throttled per account and client address, and per address) and opens a
/// session. A success clears that client's failures for the account.
pub async fn login(
    store: &Store,
    email: &str,
    password: &str,
    address: &str,
    now: i64,
) -> Result<NewSession, AuthError> {
    let email = email.trim().to_lowercase();
    let subjects = [pair_subject(&email, address), format!("ip:{address}")];
    let since = now - FAILURE_WINDOW;
    // The attempt is written down first and counts as a failure until the password is right, so
    // many requests sent at once cannot all slip in before the first failure is recorded: each
    // is judged by the attempts written before it.
    let attempt = store.reserve_login_attempt(&subjects, now).await?;
    let (failures, _, last) = store
        .login_failures_before(&subjects[0], since, attempt[0])
        .await?;
    let wait = last.map_or(0, |last| last + delay_after(failures) - now);
    let (from_address, oldest, _) = store
        .login_failures_before(&subjects[1], since, attempt[1])
        .await?;
    let wait = if from_address >= MAX_FAILURES_PER_ADDRESS {
        wait.max(oldest.map_or(FAILURE_WINDOW, |o| o + FAILURE_WINDOW - now))
    } else {
        wait
    };
    if wait > 0 {
        // A refused attempt is not a guess: it does not lengthen the wait.
        store.forget_login_attempt(&attempt).await?;
        return Err(AuthError::Throttled { wait_s: wait });
    }
    let user = store
        .user_by_email(&email)
        .await?
        .filter(|u| u.disabled_at.is_none());
    let hash = user
        .as_ref()
        .map_or_else(|| decoy_hash().to_string(), |u| u.password_hash.clone());
    let ok = tokio::task::spawn_blocking({
        let password = password.to_string();
        move || verify_password(&password, &hash)
    })
    .await
    .unwrap_or(false);
    let Some(user) = user.filter(|_| ok) else {
        // The attempt stays written down: it was a failure.
        return Err(AuthError::WrongCredentials);
    };
    store.clear_login_failures(&subjects[0]).await?;
    store.forget_login_attempt(&attempt[1..]).await?;
    let token = random_hex(32)?;
    let csrf = random_hex(16)?;
    store
        .create_session(&sha256_hex(&token), user.id, &csrf, now, SESSION_TTL)
        .await?;
    Ok(NewSession { token, csrf, user })
}

/// Groups of four letters and digits without look-alikes (no 0/o, 1/l/i): easy to read out and
/// type; each group carries about 20 bits.
pub fn readable_secret(groups: usize) -> Result<String, AuthError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = vec![0u8; groups * 4];
    getrandom::fill(&mut bytes).map_err(|e| AuthError::Random(e.to_string()))?;
    // 256 is not a multiple of 31: the first 8 letters are 1/256 likelier, which costs < 0.1 bit.
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    Ok(chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-"))
}

/// A new API key: (the whole key, shown once; its prefix; the hash to store).
pub fn new_api_key() -> Result<(String, String, String), AuthError> {
    let prefix = random_hex(4)?;
    let secret = random_hex(20)?;
    Ok((format!("tp_{prefix}_{secret}"), prefix, sha256_hex(&secret)))
}

/// The sales point an API key speaks for, if the key is genuine and not revoked.
/// Whose systems an API key belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiCaller {
    SalesPoint(i64),
    Partner(i64),
}

pub async fn check_api_key(store: &Store, presented: &str) -> Result<Option<ApiCaller>, AuthError> {
    let Some((prefix, secret)) = presented
        .trim()
        .strip_prefix("tp_")
        .and_then(|k| k.split_once('_'))
    else {
        return Ok(None);
    };
    let Some(row) = store.api_key(prefix).await? else {
        return Ok(None);
    };
    let hash = sha256_hex(secret);
    let same: bool = row.secret_hash.as_bytes().ct_eq(hash.as_bytes()).into();
    if !same || row.revoked_at.is_some() {
        return Ok(None);
    }
    Ok(match (row.sales_point_id, row.partner_id) {
        (Some(sp), _) => Some(ApiCaller::SalesPoint(sp)),
        (None, Some(partner)) => Some(ApiCaller::Partner(partner)),
        (None, None) => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_argon2id_hash_and_nothing_else() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct horse ", &h));
        assert!(!verify_password("correct horse", "not a hash"));
    }
}
