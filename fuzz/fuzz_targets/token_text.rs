//! Any text a scanner's camera or a reader could hand over, as a token: decoding and the rules
//! must answer (a verdict), never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use townpass_fuzz::{judge, keys};

fuzz_target!(|text: &str| {
    let _ = townpass_core::Token::decode(text);
    judge(text, keys());
});
