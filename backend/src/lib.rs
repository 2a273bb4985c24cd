//! townpass backend: the web server (shop, pass pages, desk, operator pages, partner portal, JSON
//! APIs, device API) and the operator CLI. One folder per area of the product, each with its service
//! code and its HTTP handlers side by side; SQL only under `store/`, mirroring the same areas;
//! `http/` holds the route table and what every request shares. ARCHITECTURE.md draws the map.

pub mod accounts;
pub mod admin;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod devices;
pub mod http;
pub mod i18n;
pub mod issuer_keys;
pub mod portal;
pub mod sales;
pub mod settlement;
pub mod store;
#[cfg(feature = "testing")]
pub mod testing;
