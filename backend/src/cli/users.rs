//! `townpass users`: the people who log in (operators, sales desks, partners).

use clap::Subcommand;

use super::EXIT_OK;
use super::demo::readable_password;
use crate::config::{Secret, StoreArgs};

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Add a user, or reset the password and role of an existing one.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: Option<String>,
        /// admin, desk or partner.
        #[arg(long, value_parser = ["admin", "desk", "partner"])]
        role: String,
        /// For desk users: the sales point code (its commission is recorded on each sale).
        #[arg(long)]
        sales_point: Option<String>,
        /// For partner users: the partner code.
        #[arg(long)]
        partner: Option<String>,
        /// The password; default: a random one, printed once.
        #[arg(long, env = "TOWNPASS_NEW_PASSWORD", hide_env_values = true)]
        password: Option<Secret>,
    },
}

pub async fn run(s: &StoreArgs, cmd: UsersCommand) -> anyhow::Result<u8> {
    match cmd {
        UsersCommand::Add {
            email,
            name,
            role,
            sales_point,
            partner,
            password,
        } => {
            let store = s.open_store().await?;
            let generated = password.is_none();
            let password = match password {
                Some(p) => p.expose().to_string(),
                None => readable_password()?,
            };
            if password.chars().count() < 10 {
                anyhow::bail!("the password must have at least 10 characters");
            }
            let hash = crate::accounts::hash_password(&password)?;
            let user = crate::store::NewUser {
                email: &email,
                name: name.as_deref().unwrap_or(&email),
                password_hash: &hash,
                role: &role,
                sales_point: sales_point.as_deref(),
                partner: partner.as_deref(),
            };
            crate::accounts::save_user(&store, &user, crate::store::now()).await?;
            println!("user {email} ({role}) saved");
            if generated {
                println!(
                    "password: {password}   (shown once; give it to the user over a safe channel)"
                );
            }
            Ok(EXIT_OK)
        }
    }
}
