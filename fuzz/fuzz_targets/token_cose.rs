//! Arbitrary bytes behind the token prefix: the COSE and CBOR parsing of a token that is
//! well-formed text but anything inside. Must answer, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use townpass_fuzz::{judge, keys};

fuzz_target!(|bytes: &[u8]| {
    let text = format!("TP1:{}", base45::encode(bytes));
    if let Ok(token) = townpass_core::Token::decode(&text) {
        let _ = keys().verify_token(&token);
    }
    judge(&text, keys());
});
