//! What a device sends the server and what the server sends a device: a signed envelope holding
//! an upload, a bundle (with its packed serials and uses), or a file of either. Parsing, the
//! signature check and reading every part must refuse bad input with an error, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use townpass_core::protocol::{Bundle, BundleFile, Envelope, RedemptionsFile, Upload, verifier};

fuzz_target!(|bytes: &[u8]| {
    let key = verifier(&townpass_fuzz::issuer().public().to_hex()).expect("key");
    if let Ok(envelope) = serde_json::from_slice::<Envelope>(bytes) {
        let _ = envelope.open::<Upload>(&key);
        if let Ok(upload) = envelope.peek::<Upload>() {
            for item in &upload.items {
                let _ = townpass_core::Token::decode(&item.token);
            }
        }
        if let Ok(bundle) = envelope.peek::<Bundle>() {
            let _ = bundle.uses.iter().count();
            let _ = bundle.revoked.len();
            for p in &bundle.products {
                let _ = townpass_core::protocol::BundleProduct::rules(p, |_| {
                    Some(jiff::tz::TimeZone::UTC)
                });
            }
        }
    }
    if let Ok(file) = serde_json::from_slice::<RedemptionsFile>(bytes) {
        for u in &file.uploads {
            let _ = u.peek::<Upload>();
        }
    }
    if let Ok(file) = serde_json::from_slice::<BundleFile>(bytes) {
        let _ = file.bundle.peek::<Bundle>();
    }
    // Bodies as the server takes them: the upload and bundle JSON on their own.
    let _ = serde_json::from_slice::<Upload>(bytes);
    if let Ok(bundle) = serde_json::from_slice::<Bundle>(bytes) {
        let _ = bundle.uses.iter().count();
    }
});
