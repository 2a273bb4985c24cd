//! Where townpass keeps things: data directory, database URL, key directory, public base URL.
//! Every setting is a flag with a TOWNPASS_* environment variable; secrets never reach Debug output.

use std::fmt;
use std::path::PathBuf;

use clap::Args;

use crate::issuer_keys::KeyRing;
use crate::store::{Store, StoreError};

#[derive(Clone, Args)]
pub struct StoreArgs {
    /// Data directory: the SQLite database, issuer keys and the demo mail folder live here.
    /// Default: $XDG_DATA_HOME/townpass or ~/.local/share/townpass.
    #[arg(long, env = "TOWNPASS_DATA_DIR", global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database: sqlite://PATH or postgres://USER:PASSWORD@HOST/DB. Default: sqlite://DATA_DIR/townpass.db.
    #[arg(
        long,
        env = "TOWNPASS_DATABASE_URL",
        global = true,
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Directory of the issuer's private keys (mode 0700, files 0600). Default: DATA_DIR/keys.
    #[arg(long, env = "TOWNPASS_KEY_DIR", global = true, value_name = "DIR")]
    pub key_dir: Option<PathBuf>,
}

impl fmt::Debug for StoreArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreArgs")
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_deref().map(redact_url),
            )
            .field("key_dir", &self.key_dir)
            .finish()
    }
}

/// A secret from the command line or the environment (a password, an SMTP URL with its password):
/// usable as text, never shown by `Debug`, so it cannot reach a log line or a panic message.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_string()))
    }
}

/// Hides the password in a database URL: postgres://user:***@host/db.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl StoreArgs {
    pub fn data_dir(&self) -> PathBuf {
        if let Some(d) = &self.data_dir {
            return d.clone();
        }
        if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|x| !x.is_empty()) {
            return PathBuf::from(x).join("townpass");
        }
        match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            Some(home) => PathBuf::from(home).join(".local/share/townpass"),
            None => PathBuf::from("townpass-data"),
        }
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir().join("townpass.db").display()),
        }
    }

    pub fn key_ring(&self) -> KeyRing {
        KeyRing::new(
            self.key_dir
                .clone()
                .unwrap_or_else(|| self.data_dir().join("keys")),
        )
    }

    /// Connects and migrates.
    pub async fn open_store(&self) -> Result<Store, StoreError> {
        Store::open(&self.database_url()).await
    }

    /// Whether a database exists to be opened without creating one (for read-only commands).
    pub fn database_exists(&self) -> bool {
        let url = self.database_url();
        match url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            Some(path) => std::path::Path::new(path.split('?').next().unwrap_or(path)).exists(),
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_passwords_are_hidden_in_debug_output() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/townpass"),
            "postgres://app:***@db:5432/townpass"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
        let args = StoreArgs {
            data_dir: None,
            database_url: Some("postgres://a:pw@h/d".into()),
            key_dir: None,
        };
        assert!(!format!("{args:?}").contains("pw"));
    }
}
