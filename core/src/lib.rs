//! townpass-core: everything the backend and the venue scanner must agree on, in one pure library.
//! No I/O, no async, no clock: time is always a parameter, so both binaries reach the same verdict
//! from the same facts.

pub mod catalog;
pub mod money;
pub mod protocol;
pub mod rules;
pub mod token;

#[cfg(feature = "qr")]
pub mod qr;

pub use token::{
    Category, Claims, IssuerKey, KeySet, KeyStatus, Kid, ProductId, PublicKey, Serial, SignError,
    Token, TokenError, Verified,
};
