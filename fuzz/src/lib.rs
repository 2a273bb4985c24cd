//! What the fuzz targets share: a world with one trusted key and no uses, and a venue.

use std::sync::OnceLock;

use townpass_core::catalog::Names;
use townpass_core::rules::{self, ProductRules, Use, Venue, World};
use townpass_core::{IssuerKey, KeySet, KeyStatus, ProductId, Serial};

struct FuzzWorld {
    keys: KeySet,
}

impl World for FuzzWorld {
    fn keys(&self) -> &KeySet {
        &self.keys
    }
    fn is_revoked(&self, serial: &Serial) -> bool {
        serial.0[0] == 0xff
    }
    fn product(&self, _: ProductId) -> Option<&ProductRules> {
        None
    }
    fn uses(&self, _: &Serial) -> Vec<Use> {
        Vec::new()
    }
}

/// The issuer key the world trusts (its seed is public: this is a fuzz harness).
pub fn issuer() -> IssuerKey {
    IssuerKey::from_seed(&[7; 32])
}

pub fn keys() -> &'static KeySet {
    static KEYS: OnceLock<KeySet> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut keys = KeySet::new();
        keys.insert(issuer().public().clone(), KeyStatus::Active);
        keys
    })
}

/// Judges `text` as a scanner would; the verdict and its message must come out, whatever the text.
pub fn judge(text: &str, keys: &KeySet) {
    let world = FuzzWorld { keys: keys.clone() };
    let venue = Venue {
        code: "fuzz".into(),
        name: Names::new(),
        time_zone: jiff::tz::TimeZone::UTC,
    };
    let verdict = rules::check(text, &world, &venue, 1_790_000_000_000, None);
    let _ = verdict.message("en", &venue, None);
}
