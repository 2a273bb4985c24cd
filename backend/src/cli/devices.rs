//! `townpass device`: enrolment codes for venue scanners, the device list, and file sync for
//! venues with no internet (a redemptions file in, a signed bundle file out).

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;

use super::{EXIT_OK, date_time, write_atomically};
use crate::config::StoreArgs;

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// Make a one-time enrolment code (valid 24 h) for a device at a venue; give it to the venue staff
    /// for `townpass-scan enroll`. Run again for a new code (lost code, replaced device): the earlier
    /// unused code stops working at once.
    Add {
        /// Venue code (see `townpass catalog export`).
        #[arg(long)]
        venue: String,
        /// A name staff recognise, e.g. "Gate 2".
        #[arg(long)]
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// List devices with their venue, status and last contact.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Disable a device for good (a lost or stolen phone or scanner): the server refuses its
    /// uploads and bundles from then on. Visits it uploaded before stay. Cannot be undone: enrol
    /// a replacement with `townpass device add`.
    Disable {
        /// The device's number (`townpass device list`).
        id: i64,
        /// Confirm: without it the command only says what it would do.
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
    /// Take a redemptions file from a device with no internet (`townpass-scan export FILE`). The
    /// uploads in it are checked and stored exactly as online ones; importing a file twice adds
    /// nothing.
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Write a signed bundle file for a device with no internet, to load with
    /// `townpass-scan import FILE` (keys, products, revocations, visits at other gates, and which
    /// of its redemptions arrived).
    Bundle {
        /// Device number (see `townpass device list`).
        #[arg(long)]
        device: i64,
        /// Where to write the file.
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(s: &StoreArgs, cmd: DeviceCommand) -> anyhow::Result<u8> {
    match cmd {
        DeviceCommand::Add { venue, name, json } => {
            let store = s.open_store().await?;
            let (device, code, expires) =
                crate::devices::add(&store, &venue, &name, crate::store::now()).await?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({"device": device.id, "venue": device.venue, "name": device.name, "code": code, "expires_at": expires})
                );
            } else {
                println!(
                    "enrolment code for {} at {}: {code}",
                    device.name, device.venue
                );
                println!(
                    "valid until {} UTC, once; on the device run: townpass-scan enroll --server URL --code {code}",
                    date_time(expires)
                );
            }
            Ok(EXIT_OK)
        }
        DeviceCommand::List { json } => {
            let store = s.open_store().await?;
            let devices = store.devices().await?;
            if json {
                println!("{}", serde_json::to_string(&devices)?);
            } else {
                for d in &devices {
                    let seen = d
                        .last_seen_at
                        .map_or_else(|| "never".to_string(), date_time);
                    println!(
                        "{:>4}  {:<20} {:<16} {:<9} last seen {seen}",
                        d.id, d.venue, d.name, d.status
                    );
                }
                if devices.is_empty() {
                    println!("(no devices yet: townpass device add --venue CODE --name NAME)");
                }
            }
            Ok(EXIT_OK)
        }
        DeviceCommand::Disable { id, yes, json } => {
            let store = s.open_store().await?;
            let device = store
                .device(id)
                .await
                .with_context(|| format!("no device {id} (see townpass device list)"))?;
            // A replaced device may still hand in its visits: disabling it cuts that off too.
            if device.status == "disabled" && device.replaced_at.is_none() {
                println!(
                    "device {id} \"{}\" at {} is disabled already",
                    device.name, device.venue
                );
                return Ok(EXIT_OK);
            }
            if !yes {
                eprintln!(
                    "This disables device {id} \"{}\" at {} for good: its uploads and bundle requests are \
                     refused from now on (visits it uploaded before stay). Visits it holds that were \
                     not uploaded yet are lost. Run again with --yes to do it.",
                    device.name, device.venue
                );
                return Ok(super::EXIT_USAGE);
            }
            store.disable_device(id).await?;
            tracing::info!(device = id, venue = %device.venue, "device disabled");
            if json {
                println!(
                    "{}",
                    serde_json::json!({"device_id": id, "status": "disabled"})
                );
            } else {
                println!(
                    "device {id} \"{}\" at {} is disabled",
                    device.name, device.venue
                );
            }
            Ok(EXIT_OK)
        }
        DeviceCommand::Import { file, json } => {
            let store = s.open_store().await?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let report =
                crate::devices::sync::import_redemptions(&store, &bytes, crate::store::now_ms())
                    .await
                    .with_context(|| format!("{}: nothing more imported", file.display()))?;
            if json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                println!(
                    "device {}: {} redemptions stored ({} flagged for review), {} already held",
                    report.device_id, report.stored, report.flagged, report.duplicates
                );
            }
            Ok(EXIT_OK)
        }
        DeviceCommand::Bundle { device, out, json } => {
            let store = s.open_store().await?;
            let ring = s.key_ring();
            let file =
                crate::devices::sync::bundle_file(&store, &ring, device, crate::store::now_ms())
                    .await?;
            let text = serde_json::to_vec(&file)?;
            write_atomically(&out, &text)
                .with_context(|| format!("cannot write {}", out.display()))?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({"device": device, "file": out, "bytes": text.len()})
                );
            } else {
                println!(
                    "bundle for device {device} written to {} ({} KB); on the device run: townpass-scan import {}",
                    out.display(),
                    text.len().div_ceil(1024),
                    out.display()
                );
            }
            Ok(EXIT_OK)
        }
    }
}
