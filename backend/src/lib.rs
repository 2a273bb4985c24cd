//! townpass backend: the operator CLI today; the server (shop, pass pages, partner portal, device
//! API) joins it module by module. `main.rs` only parses the command line and calls in here.

pub mod auth;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod consortium;
pub mod demo;
pub mod device_api;
pub mod devices;
pub mod i18n;
pub mod inspect;
pub mod keys;
pub mod mail;
pub mod payment;
pub mod pdf;
pub mod present;
pub mod sales;
pub mod server;
pub mod settlement;
pub mod store;
#[doc(hidden)]
pub mod testing;
