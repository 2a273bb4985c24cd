//! `townpass serve`: the web server and the mail worker.

use std::sync::Arc;

use anyhow::Context;
use clap::Args;

use super::EXIT_OK;
use crate::config::{Secret, StoreArgs};
use crate::http as server;
use crate::store::Store;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "TOWNPASS_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Public base URL used in links (e-mails, PDFs). Default: http://LISTEN.
    #[arg(long, env = "TOWNPASS_BASE_URL")]
    pub base_url: Option<String>,
    /// SMTP server for outgoing mail: smtp://user:password@host:587?tls=required or smtps://host.
    /// Without it, mail is written to DATA_DIR/mail as .eml files.
    #[arg(long, env = "TOWNPASS_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,
    /// Sender of outgoing mail.
    #[arg(
        long,
        env = "TOWNPASS_MAIL_FROM",
        default_value = "townpass <passes@townpass.localhost>"
    )]
    pub mail_from: String,
    /// Seconds between outbox rounds.
    #[arg(long, env = "TOWNPASS_MAIL_INTERVAL", default_value_t = 5)]
    pub mail_interval: u64,
    /// The longest a request may run, in seconds; past it the answer is 503 and nothing is changed.
    /// A client also has this long to send a request's headers, or its connection is closed.
    #[arg(long, env = "TOWNPASS_REQUEST_TIMEOUT", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout: u64,
    /// A reverse proxy in front of the server (repeat, or separate with commas): only requests
    /// from these addresses may name the client's address, in --client-ip-header.
    #[arg(
        long = "trusted-proxy",
        env = "TOWNPASS_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_name = "IP"
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The header a trusted proxy puts the client's address in.
    #[arg(long, env = "TOWNPASS_CLIENT_IP_HEADER", default_value = "x-forwarded-for", value_parser = clap::value_parser!(axum::http::HeaderName))]
    pub client_ip_header: axum::http::HeaderName,
    /// Card payments: the Stripe secret key (sk_live_... or sk_test_...). With it (and the
    /// publishable key and webhook secret), orders in the shop can be paid by card.
    #[arg(long, env = "TOWNPASS_STRIPE_SECRET_KEY", hide_env_values = true, requires_all = ["stripe_publishable_key", "stripe_webhook_secret"])]
    pub stripe_secret_key: Option<Secret>,
    /// The Stripe publishable key (pk_...), used by the card form in the buyer's browser.
    #[arg(long, env = "TOWNPASS_STRIPE_PUBLISHABLE_KEY")]
    pub stripe_publishable_key: Option<String>,
    /// The signing secret of the webhook endpoint BASE_URL/webhooks/stripe (whsec_...).
    #[arg(long, env = "TOWNPASS_STRIPE_WEBHOOK_SECRET", hide_env_values = true)]
    pub stripe_webhook_secret: Option<Secret>,
    /// The Stripe API (another Stripe-compatible server for tests, e.g. localstripe).
    #[arg(
        long,
        env = "TOWNPASS_STRIPE_API_BASE",
        default_value = "https://api.stripe.com"
    )]
    pub stripe_api_base: String,
    /// Stripe.js, loaded by the card form.
    #[arg(
        long,
        env = "TOWNPASS_STRIPE_JS_URL",
        default_value = "https://js.stripe.com/v3/"
    )]
    pub stripe_js_url: String,
    /// The folder of catalogue photos (`photo = "name.jpg"` on products and venues).
    #[arg(long, env = "TOWNPASS_PHOTO_DIR", value_name = "DIR")]
    pub photo_dir: Option<std::path::PathBuf>,
    /// Whether web orders may be paid later at a sales desk ("pay at pickup"); with `false`
    /// they are paid by card only (needs the Stripe keys). A product can also say no to it
    /// (`pay_at_pickup = false` in the catalogue).
    #[arg(long, env = "TOWNPASS_WEB_PAY_AT_PICKUP", default_value_t = true, action = clap::ArgAction::Set, value_name = "true|false")]
    pub web_pay_at_pickup: bool,
    /// Apple Wallet: the Pass Type ID (pass.org.example.townpass). With the team id, the
    /// certificate, its key and Apple's WWDR certificate, each pass gets "Add to Apple Wallet".
    #[arg(long, env = "TOWNPASS_APPLE_PASS_TYPE_ID", requires_all = ["apple_team_id", "apple_pass_cert", "apple_pass_key", "apple_wwdr_cert"])]
    pub apple_pass_type_id: Option<String>,
    /// Apple Wallet: the Apple Developer Team ID.
    #[arg(long, env = "TOWNPASS_APPLE_TEAM_ID")]
    pub apple_team_id: Option<String>,
    /// Apple Wallet: the Pass Type ID certificate (PEM file).
    #[arg(long, env = "TOWNPASS_APPLE_PASS_CERT", value_name = "PEM")]
    pub apple_pass_cert: Option<std::path::PathBuf>,
    /// Apple Wallet: the certificate's private key (PEM file, PKCS#8 or PKCS#1).
    #[arg(long, env = "TOWNPASS_APPLE_PASS_KEY", value_name = "PEM")]
    pub apple_pass_key: Option<std::path::PathBuf>,
    /// Apple Wallet: Apple's WWDR intermediate certificate (PEM file).
    #[arg(long, env = "TOWNPASS_APPLE_WWDR_CERT", value_name = "PEM")]
    pub apple_wwdr_cert: Option<std::path::PathBuf>,
    /// The organisation named on wallet passes.
    #[arg(long, env = "TOWNPASS_WALLET_ORGANIZATION", default_value = "townpass")]
    pub wallet_organization: String,
    /// Google Wallet: the issuer id. With the service-account key, each pass gets "Save to
    /// Google Wallet".
    #[arg(
        long,
        env = "TOWNPASS_GOOGLE_WALLET_ISSUER_ID",
        requires = "google_wallet_key"
    )]
    pub google_wallet_issuer_id: Option<String>,
    /// Google Wallet: the service account's key file (the JSON Google Cloud gives).
    #[arg(long, env = "TOWNPASS_GOOGLE_WALLET_KEY", value_name = "JSON")]
    pub google_wallet_key: Option<std::path::PathBuf>,
}

impl ServeArgs {
    /// The wallets whose keys are given; a key that does not load stops the server with why.
    pub fn wallets(&self) -> anyhow::Result<crate::sales::wallet::Wallets> {
        use crate::sales::wallet::{AppleWallet, GoogleWallet, Wallets};
        let apple = match (
            &self.apple_pass_type_id,
            &self.apple_team_id,
            &self.apple_pass_cert,
            &self.apple_pass_key,
            &self.apple_wwdr_cert,
        ) {
            (Some(id), Some(team), Some(cert), Some(key), Some(wwdr)) => Some(
                AppleWallet::load(id, team, &self.wallet_organization, cert, key, wwdr)
                    .map_err(|e| anyhow::anyhow!("Apple Wallet: {e}"))?,
            ),
            _ => None,
        };
        let google = match (&self.google_wallet_issuer_id, &self.google_wallet_key) {
            (Some(id), Some(key)) => Some(
                GoogleWallet::load(id, key).map_err(|e| anyhow::anyhow!("Google Wallet: {e}"))?,
            ),
            _ => None,
        };
        Ok(Wallets { apple, google })
    }

    /// The card provider, when its keys are given.
    pub fn card(&self) -> Option<crate::sales::card::Card> {
        let (secret_key, publishable_key, webhook_secret) = (
            self.stripe_secret_key.clone()?,
            self.stripe_publishable_key.clone()?,
            self.stripe_webhook_secret.clone()?,
        );
        Some(crate::sales::card::Card::new(
            crate::sales::card::CardConfig {
                secret_key,
                publishable_key,
                webhook_secret,
                api_base: self.stripe_api_base.clone(),
                js_url: self.stripe_js_url.clone(),
            },
        ))
    }
}

pub async fn run(s: &StoreArgs, args: ServeArgs) -> anyhow::Result<u8> {
    let store = s.open_store().await.context("opening the database")?;
    run_server(s, store, args, |_| {}).await
}

/// Starts the server and the mail worker; `ready` sees the base URL once listening.
pub async fn run_server(
    s: &StoreArgs,
    store: Store,
    args: ServeArgs,
    ready: impl FnOnce(&str),
) -> anyhow::Result<u8> {
    let card = args.card().map(Arc::new);
    let wallets = args.wallets()?;
    if !args.web_pay_at_pickup && card.is_none() {
        anyhow::bail!(
            "--web-pay-at-pickup false needs card payments (TOWNPASS_STRIPE_SECRET_KEY and the other Stripe settings): otherwise no web order could ever be paid"
        );
    }
    if wallets.apple.is_some() || wallets.google.is_some() {
        tracing::info!(
            apple = wallets.apple.is_some(),
            google = wallets.google.is_some(),
            "wallet passes on"
        );
    }
    if let Some(card) = &card {
        tracing::info!(api = %card.config.api_base, "card payments on (Stripe)");
    }
    let ring = s.key_ring();
    let key = ring.ensure_active(&store, crate::store::now()).await?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {} (is another townpass running? use --listen)",
                args.listen
            )
        })?;
    let addr = listener.local_addr()?;
    let base_url = args
        .base_url
        .unwrap_or_else(|| format!("http://{addr}"))
        .trim_end_matches('/')
        .to_string();
    let mail_dir = s.data_dir().join("mail");
    let mailer = crate::sales::mail::Mailer::new(
        args.smtp_url.as_ref().map(Secret::expose),
        mail_dir,
        &args.mail_from,
    )
    .map_err(anyhow::Error::msg)?;
    tracing::info!(%addr, kid = %key.kid(), database = %crate::config::redact_url(&s.database_url()), mail = ?mailer, "townpass serving");
    crate::settlement::jobs::spawn_worker(store.clone());
    crate::sales::mail::spawn_worker(
        store.clone(),
        mailer,
        crate::sales::mail::MailContext {
            web_pay_at_pickup: args.web_pay_at_pickup,
            ..crate::sales::mail::MailContext::new(&base_url, card.is_some())
        },
        std::time::Duration::from_secs(args.mail_interval.max(1)),
    );
    say!("townpass listening on http://{addr} (public URL {base_url})");
    ready(&base_url);
    let state = Arc::new(server::AppState {
        store,
        keys: ring,
        base_url,
        payments: Arc::new(crate::sales::payment::PayAtPickup),
        card,
        wallets: Arc::new(wallets),
        web_pay_at_pickup: args.web_pay_at_pickup,
        photos: Arc::new(crate::http::photos::Photos::new(
            args.photo_dir
                .clone()
                .unwrap_or_else(|| s.data_dir().join("photos")),
        )),
        request_timeout: std::time::Duration::from_secs(args.request_timeout),
        proxies: crate::http::client::TrustedProxies {
            addresses: args.trusted_proxies,
            header: args.client_ip_header,
        },
    });
    server::serve(listener, state).await?;
    Ok(EXIT_OK)
}
