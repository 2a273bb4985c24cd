//! Issuer keys: the private seeds live in a key directory (one file per key, mode 0600, never in the
//! database), the public halves and statuses in the store. Several server instances share the key
//! directory (a mounted secret); the database lets only one key be active at a time.

pub mod inspect;
pub mod wellknown;

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use townpass_core::{IssuerKey, KeySet, KeyStatus, PublicKey};

use crate::store::{KeyRow, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} can be read by other users (mode {mode:o}); run: chmod 600 {path}")]
    Permissions { path: PathBuf, mode: u32 },
    #[error(
        "the private key for {kid} is missing: expected {path}. Restore it from backup, or rotate to a new key"
    )]
    Missing { kid: String, path: PathBuf },
    #[error("{path} does not hold the key {kid} (damaged or swapped file)")]
    Damaged { kid: String, path: PathBuf },
    #[error("the stored public key of {0} is not a valid Ed25519 key")]
    BadPublic(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
    move |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The key directory.
#[derive(Clone, Debug)]
pub struct KeyRing {
    dir: PathBuf,
}

impl KeyRing {
    pub fn new(dir: impl Into<PathBuf>) -> KeyRing {
        KeyRing { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn seed_path(&self, kid: &str) -> PathBuf {
        self.dir.join(format!("{kid}.key"))
    }

    /// Writes a 32-byte secret as hex into a new file with mode 0600 (never overwrites).
    fn write_secret(&self, path: &Path, seed: &[u8; 32]) -> Result<(), KeyError> {
        create_private_dir(&self.dir)?;
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(io(path))?;
        file.write_all(format!("{}\n", hex::encode(seed)).as_bytes())
            .map_err(io(path))?;
        file.sync_all().map_err(io(path))
    }

    fn write_seed(&self, key: &IssuerKey) -> Result<PathBuf, KeyError> {
        let path = self.seed_path(&key.kid().to_string());
        self.write_secret(&path, &key.seed())?;
        Ok(path)
    }

    /// Loads the private key `kid`, refusing a file that others can read.
    pub fn load(&self, kid: &str) -> Result<IssuerKey, KeyError> {
        let path = self.seed_path(kid);
        let key = IssuerKey::from_seed(&read_secret(&path, kid)?);
        if key.kid().to_string() != kid {
            return Err(KeyError::Damaged {
                kid: kid.into(),
                path,
            });
        }
        Ok(key)
    }

    /// Makes a new key, stores its seed, and makes it the active key (the old one is retired and
    /// stays trusted while its passes are valid).
    pub async fn rotate(&self, store: &Store, now: i64) -> Result<IssuerKey, KeyError> {
        self.make_active(store, now, true).await
    }

    async fn make_active(
        &self,
        store: &Store,
        now: i64,
        retire_current: bool,
    ) -> Result<IssuerKey, KeyError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| KeyError::Io {
            path: self.dir.clone(),
            source: std::io::Error::other(format!("no randomness from the operating system: {e}")),
        })?;
        let key = IssuerKey::from_seed(&seed);
        let path = self.write_seed(&key)?;
        let (kid, public) = (key.kid().to_string(), key.public().to_hex());
        if let Err(e) = store
            .activate_new_key(&kid, &public, now, retire_current)
            .await
        {
            let _ = fs::remove_file(&path);
            return Err(e.into());
        }
        tracing::info!(kid = %key.kid(), "issuer key activated");
        Ok(key)
    }

    /// The active key, making the first one on first start. If another instance makes one at the
    /// same moment, theirs wins and is loaded.
    pub async fn ensure_active(&self, store: &Store, now: i64) -> Result<IssuerKey, KeyError> {
        if let Some(row) = store.active_key().await? {
            return self.load(&row.kid);
        }
        match self.make_active(store, now, false).await {
            Ok(key) => Ok(key),
            Err(KeyError::Store(e)) if e.is_unique_violation() => match store.active_key().await? {
                Some(row) => self.load(&row.kid),
                None => Err(KeyError::Store(e)),
            },
            Err(e) => Err(e),
        }
    }
}

impl KeyRing {
    /// The key that signs device bundles: made on first use (in the key directory, mode 0600) and
    /// kept for good; devices learn its public half at enrolment. Instances sharing the key
    /// directory share it; if two make it at once, the first file written wins.
    pub fn bundle_key(&self) -> Result<townpass_core::protocol::SigningSecret, KeyError> {
        let path = self.dir.join("bundle.key");
        if !path.exists() {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed).map_err(|e| KeyError::Io {
                path: path.clone(),
                source: std::io::Error::other(format!(
                    "no randomness from the operating system: {e}"
                )),
            })?;
            match self.write_secret(&path, &seed) {
                Ok(()) => {}
                Err(KeyError::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
        }
        let seed = read_secret(&path, "bundle")?;
        Ok(townpass_core::protocol::SigningSecret::from_seed(&seed))
    }
}

/// Every key the server knows, with its status: what scanners and `token inspect` trust.
pub async fn trusted_keys(store: &Store) -> Result<KeySet, KeyError> {
    let mut set = KeySet::new();
    for row in store.keys().await? {
        set.insert(public_of(&row)?, row.key_status()?);
    }
    Ok(set)
}

pub fn public_of(row: &KeyRow) -> Result<PublicKey, KeyError> {
    PublicKey::from_hex(&row.public_key).map_err(|_| KeyError::BadPublic(row.kid.clone()))
}

/// Whether a retired key still vouches for unexpired passes at `now`.
pub fn still_needed(row: &KeyRow, now: i64) -> bool {
    match row.key_status() {
        Ok(KeyStatus::Active) => true,
        Ok(KeyStatus::Retired) => row.last_pass_expires_at.is_some_and(|t| t > now),
        _ => false,
    }
}

/// Reads a 32-byte hex secret, refusing a file that others can read.
fn read_secret(path: &Path, label: &str) -> Result<[u8; 32], KeyError> {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(KeyError::Missing {
                kid: label.into(),
                path: path.to_path_buf(),
            });
        }
        Err(e) => {
            return Err(KeyError::Io {
                path: path.to_path_buf(),
                source: e,
            });
        }
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(KeyError::Permissions {
                path: path.to_path_buf(),
                mode,
            });
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    let text = fs::read_to_string(path).map_err(io(path))?;
    let mut seed = [0u8; 32];
    hex::decode_to_slice(text.trim(), &mut seed).map_err(|_| KeyError::Damaged {
        kid: label.into(),
        path: path.to_path_buf(),
    })?;
    Ok(seed)
}

fn create_private_dir(dir: &Path) -> Result<(), KeyError> {
    fs::create_dir_all(dir).map_err(io(dir))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(io(dir))?;
    }
    Ok(())
}
