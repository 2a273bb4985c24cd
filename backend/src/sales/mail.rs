//! E-mail: the outbox worker renders each queued message (link + PDF of the passes) and hands it
//! to SMTP (`TOWNPASS_SMTP_URL`) or, without SMTP, writes it into a folder so a demo shows it.
//! A failure is retried with exponential backoff; nothing queued is ever dropped.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::i18n::present;
use crate::i18n::{t, tf};
use crate::store::{OutboxRow, Store};

/// Where mail goes.
#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
        url_for_logs: String,
    },
    Folder {
        dir: PathBuf,
        from: Mailbox,
    },
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Smtp { url_for_logs, .. } => write!(f, "Mailer::Smtp({url_for_logs})"),
            Mailer::Folder { dir, .. } => write!(f, "Mailer::Folder({})", dir.display()),
        }
    }
}

impl Mailer {
    /// SMTP when a URL is given (smtp://user:pass@host:587?tls=required, smtps://host), else a folder.
    pub fn new(smtp_url: Option<&str>, folder: PathBuf, from: &str) -> Result<Mailer, String> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("the sender address '{from}' is not valid: {e}"))?;
        match smtp_url.filter(|u| !u.is_empty()) {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("TOWNPASS_SMTP_URL is not a valid SMTP URL: {e}"))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build();
                Ok(Mailer::Smtp {
                    transport,
                    from,
                    url_for_logs: crate::config::redact_url(url),
                })
            }
            None => Ok(Mailer::Folder { dir: folder, from }),
        }
    }

    fn from(&self) -> &Mailbox {
        match self {
            Mailer::Smtp { from, .. } | Mailer::Folder { from, .. } => from,
        }
    }

    pub async fn send(&self, message: Message, id: i64) -> Result<(), String> {
        match self {
            Mailer::Smtp { transport, .. } => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Mailer::Folder { dir, .. } => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| format!("{}: {e}", dir.display()))?;
                let name = format!("{}-{id:06}.eml", crate::store::now());
                let tmp = dir.join(format!(".{name}.tmp"));
                tokio::fs::write(&tmp, message.formatted())
                    .await
                    .map_err(|e| format!("{}: {e}", tmp.display()))?;
                tokio::fs::rename(&tmp, dir.join(&name))
                    .await
                    .map_err(|e| format!("{}: {e}", dir.display()))
            }
        }
    }
}

/// What the outbox needs to know to write a message.
#[derive(Clone, Debug)]
pub struct MailContext {
    /// The public URL the links in a message start with.
    pub base_url: String,
    /// Whether the order page takes cards (the confirmation then says so).
    pub card_payments: bool,
    /// Whether web orders may be paid at a desk (the server's setting).
    pub web_pay_at_pickup: bool,
}

impl MailContext {
    pub fn new(base_url: &str, card_payments: bool) -> MailContext {
        MailContext {
            base_url: base_url.trim_end_matches('/').to_string(),
            card_payments,
            web_pay_at_pickup: true,
        }
    }
}

/// The e-mail a queued row asks for: the confirmation of a placed order, or the paid order's
/// passes. None for a confirmation whose order is no longer waiting for payment (paid at once,
/// or cancelled): the passes' e-mail says all of it.
pub async fn render_order_mail(
    store: &Store,
    row: &OutboxRow,
    context: &MailContext,
    from: &Mailbox,
) -> Result<Option<Message>, String> {
    if row.kind == crate::store::MailKind::PasswordLink.code() {
        return render_link_mail(store, row, context, from).await;
    }
    let order_id = row
        .order_id
        .ok_or_else(|| "a message about an order names no order".to_string())?;
    let order = store
        .order_by_id(order_id)
        .await
        .map_err(|e| e.to_string())?;
    if row.kind == crate::store::MailKind::OrderPlaced.code() && order.status != "pending" {
        return Ok(None);
    }
    let about = About {
        lang: crate::i18n::supported(&row.language).unwrap_or("en"),
        code: present::order_code(&order.public_id),
        url: format!("{}/o/{}", context.base_url, order.public_id),
        order,
    };
    let to: Mailbox = row
        .recipient
        .parse()
        .map_err(|e| format!("the recipient's address is not one to send to: {e}"))?;
    let (subject, body) = match row.kind.as_str() {
        k if k == crate::store::MailKind::OrderPlaced.code() => {
            render_confirmation(store, &about, context).await?
        }
        _ => render_passes(store, &about, &context.base_url).await?,
    };
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .multipart(body)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// An invitation or a password reset: the set-password link, how long it works, and who sent
/// it. None when the link has been used or has expired before the message went out.
async fn render_link_mail(
    store: &Store,
    row: &OutboxRow,
    context: &MailContext,
    from: &Mailbox,
) -> Result<Option<Message>, String> {
    let (Some(link_id), Some(secret)) = (row.link_id, row.secret.as_deref()) else {
        return Err("a set-password message without its link".to_string());
    };
    let Some((link, user)) = store
        .password_link_by_id(link_id)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Err(format!("set-password link {link_id} is missing"));
    };
    if !link.open(crate::store::now()) {
        return Ok(None);
    }
    let lang = crate::i18n::supported(&row.language).unwrap_or("en");
    let zone = store
        .settlement_catalogue()
        .await
        .map(|c| c.operator_zone)
        .unwrap_or_else(|_| "UTC".to_string());
    let until = present::local_time_in(lang, link.expires_at, &zone);
    // The page opens in the e-mail's language.
    let url = format!("{}/password/set/{secret}?lang={lang}", context.base_url);
    let login = format!("{}/login", context.base_url);
    let role = t(lang, &format!("adm_role_{}", user.role));
    let args = [
        ("name", user.name.as_str()),
        ("email", user.email.as_str()),
        ("url", url.as_str()),
        ("until", until.as_str()),
        ("login", login.as_str()),
        ("role", role.as_str()),
        ("by", link.created_by.as_deref().unwrap_or("")),
    ];
    let invite =
        crate::store::LinkPurpose::parse(&link.purpose) == Some(crate::store::LinkPurpose::Invite);
    let (subject, why, then) = if invite {
        let why = if link.created_by.is_some() {
            "mail_invite_line"
        } else {
            "mail_invite_line_anon"
        };
        ("mail_invite_subject", why, "mail_invite_then")
    } else {
        ("mail_reset_subject", "mail_reset_line", "mail_reset_ignore")
    };
    let text = [
        tf(lang, "mail_link_hello", &args),
        tf(lang, why, &args),
        url.clone(),
        tf(lang, "mail_link_until", &args),
        tf(lang, then, &args),
    ]
    .join("\n\n")
        + "\n";
    let subject = tf(lang, subject, &args);
    let to: Mailbox = row
        .recipient
        .parse()
        .map_err(|e| format!("the recipient's address is not one to send to: {e}"))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .singlepart(SinglePart::plain(text))
        .map(Some)
        .map_err(|e| e.to_string())
}

/// The order a message is about, and how it is named in it.
struct About {
    order: crate::store::OrderRow,
    lang: &'static str,
    code: String,
    url: String,
}

/// The order confirmation, sent when the order is placed: its code, link, what was ordered, the
/// total and how to pay. No passes yet (they follow when it is paid).
async fn render_confirmation(
    store: &Store,
    about: &About,
    context: &MailContext,
) -> Result<(String, MultiPart), String> {
    let About {
        order,
        lang,
        code,
        url,
    } = about;
    // Without the holders' names: whoever places an order chooses the address it goes to, so
    // the confirmation carries no text of theirs.
    let lines = crate::sales::orders::describe_lines(store, order.id, lang, false)
        .await
        .map_err(|e| e.to_string())?;
    let currency: townpass_core::money::Currency = order.currency.parse()?;
    let total = crate::i18n::present::amount(&order.language, order.total_minor, currency);
    let pickup = crate::sales::payable_at_pickup(store, order, context.web_pay_at_pickup)
        .await
        .map_err(|e| e.to_string())?;
    let how_to_pay = match (context.card_payments, pickup) {
        (true, true) => t(lang, "mail_placed_pay_card"),
        (true, false) => t(lang, "mail_placed_pay_card_only"),
        (false, _) => t(lang, "mail_placed_pay_desk"),
    };
    let mut text = format!(
        "{}\n\n{}: {code}\n{url}\n\n{}:\n",
        t(lang, "mail_placed_greeting"),
        t(lang, "order_code"),
        t(lang, "order_lines"),
    );
    for line in &lines {
        text.push_str(&format!("- {line}\n"));
    }
    text.push_str(&format!(
        "{}: {total}\n\n{how_to_pay}\n\n{}\n",
        t(lang, "order_total"),
        t(lang, "mail_placed_then")
    ));
    Ok((
        tf(lang, "mail_placed_subject", &[("code", code)]),
        MultiPart::mixed().singlepart(SinglePart::plain(text)),
    ))
}

/// The e-mail for a paid order: greeting, link to the order page, the passes as a PDF.
async fn render_passes(
    store: &Store,
    about: &About,
    base_url: &str,
) -> Result<(String, MultiPart), String> {
    let About {
        order,
        lang,
        code,
        url,
    } = about;
    let pdf = crate::sales::pdf::order_pdf(store, order, lang, base_url)
        .await
        .map_err(|e| e.to_string())?;
    let text = format!(
        "{}\n\n{}\n{url}\n\n{}\n\n{}: {code}\n",
        t(lang, "mail_greeting"),
        t(lang, "mail_body"),
        t(lang, "mail_show_qr"),
        t(lang, "order_code")
    );
    Ok((
        tf(lang, "mail_subject", &[("code", code)]),
        MultiPart::mixed()
            .singlepart(SinglePart::plain(text))
            .singlepart(Attachment::new(format!("townpass-{code}.pdf")).body(
                pdf,
                ContentType::parse("application/pdf").map_err(|e| e.to_string())?,
            )),
    ))
}

/// Seconds to wait before attempt `attempts + 1`: 30 s, 1 min, 2 min, ... at most an hour.
pub fn backoff(attempts: i64) -> i64 {
    (30i64 << attempts.clamp(1, 8).saturating_sub(1)).min(3600)
}

/// Sends every message that is due now; returns how many went out.
pub async fn deliver_due(
    store: &Store,
    mailer: &Mailer,
    context: &MailContext,
    now: i64,
) -> Result<usize, crate::store::StoreError> {
    let mut sent = 0;
    while let Some(row) = store.claim_mail(now).await? {
        if deliver_one(store, mailer, context, &row, now).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// Renders and sends one claimed message; a failure is recorded with its next attempt time.
#[tracing::instrument(name = "mail_send", skip_all, fields(id = row.id, kind = %row.kind, attempt = row.attempts + 1))]
async fn deliver_one(
    store: &Store,
    mailer: &Mailer,
    context: &MailContext,
    row: &OutboxRow,
    now: i64,
) -> Result<bool, crate::store::StoreError> {
    let result = match render_order_mail(store, row, context, mailer.from()).await {
        Ok(Some(message)) => mailer.send(message, row.id).await,
        Ok(None) => {
            store.mark_mail_sent(row.id, crate::store::now()).await?;
            tracing::info!(
                "not sent: the order is no longer waiting for payment, or the link is used or expired"
            );
            return Ok(false);
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            store.mark_mail_sent(row.id, crate::store::now()).await?;
            tracing::info!("mail sent");
            Ok(true)
        }
        Err(e) => {
            let retry = now + backoff(row.attempts);
            tracing::warn!(error = %e, retry_in_s = retry - now, "mail not sent; will retry");
            store.mark_mail_failed(row.id, &e, retry).await?;
            Ok(false)
        }
    }
}

/// Runs the outbox worker until the process ends: a round every `every`.
pub fn spawn_worker(
    store: Store,
    mailer: Mailer,
    context: MailContext,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = deliver_due(&store, &mailer, &context, crate::store::now()).await {
                tracing::error!(error = %e, "outbox round failed");
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_30_seconds_to_at_most_an_hour() {
        assert_eq!(backoff(1), 30);
        assert_eq!(backoff(2), 60);
        assert_eq!(backoff(3), 120);
        assert_eq!(backoff(9), 3600);
        assert_eq!(backoff(1000), 3600);
    }
}
