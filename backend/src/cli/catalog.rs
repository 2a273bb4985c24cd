//! `townpass catalog`: apply the catalogue TOML file (validated first, idempotent) and export it.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;

use super::EXIT_OK;
use crate::catalog;
use crate::config::StoreArgs;
use crate::store::ApplyAction;

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Apply a catalogue file. Idempotent: applying it again changes nothing and says so.
    /// A product that has been sold is never edited: a change makes a new version.
    Apply {
        /// The TOML file (see catalog/demo.toml for the format).
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Write the stored catalogue as TOML (to stdout, or to --out FILE).
    Export {
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

pub async fn run(s: &StoreArgs, cmd: CatalogCommand) -> anyhow::Result<u8> {
    match cmd {
        CatalogCommand::Apply { file, json } => apply(s, &file, json).await,
        CatalogCommand::Export { out } => {
            let store = s.open_store().await?;
            let Some(text) = catalog::export(&store).await? else {
                anyhow::bail!(
                    "no catalogue yet: apply one first with `townpass catalog apply FILE`"
                );
            };
            match out {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(EXIT_OK)
        }
    }
}

async fn apply(s: &StoreArgs, file: &std::path::Path, json: bool) -> anyhow::Result<u8> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let store = s.open_store().await?;
    let report = catalog::apply(&store, &text, crate::store::now()).await?;
    if json {
        println!("{}", serde_json::to_string(&report)?);
        return Ok(EXIT_OK);
    }
    for c in &report.changes {
        let what = match &c.action {
            ApplyAction::Unchanged => continue,
            ApplyAction::Added => "added".to_string(),
            ApplyAction::Updated => "updated".to_string(),
            ApplyAction::NewVersion { version, previous } => {
                format!(
                    "new version {version} (version {previous} has been sold, so it is kept and taken off sale)"
                )
            }
            ApplyAction::NotInFile => "not in the file: kept as it is".to_string(),
        };
        println!("{} {}: {what}", c.kind, c.code);
    }
    let unchanged = report
        .changes
        .iter()
        .filter(|c| c.action == ApplyAction::Unchanged)
        .count();
    if report.changed() {
        println!("catalogue applied ({unchanged} item(s) unchanged)");
    } else {
        println!(
            "nothing to change: the database already matches {} ({unchanged} items)",
            file.display()
        );
    }
    Ok(EXIT_OK)
}
