//! The pages a set-password link opens, and "forgot your password". The link's secret is the
//! only proof asked for (there is no session yet): it is long, random, single-use and expires.
//! The forgot form answers the same words whether or not the address has an account, and does
//! the work after answering, so neither its words nor its time tell who has one.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use crate::accounts::{self, AuthError, MAX_LINKS_PER_HOUR, PASSWORD_LENGTH, RESET_TTL};
use crate::http::Shared;
use crate::http::forms::trimmed;
use crate::http::web::{Ctx, WebError};
use crate::store::{LinkPurpose, NewLink};

pub async fn forgot_page(ctx: Ctx) -> Response {
    forgot_form(&ctx, None)
}

fn forgot_form(ctx: &Ctx, message: Option<Result<String, String>>) -> Response {
    let body = html! {
        (crate::http::web::outcome(&message))
        p { (ctx.t("password_forgot_intro")) }
        form method="post" action="/password/forgot" {
            label for="email" { (ctx.t("login_email")) }
            input type="email" id="email" name="email" required maxlength="254" autocomplete="username";
            button type="submit" { (ctx.t("password_forgot_submit")) }
        }
        p { a href="/login" { (ctx.t("password_back_to_login")) } }
    };
    ctx.page(&ctx.t("password_forgot_title"), body)
}

#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    #[serde(default, deserialize_with = "trimmed")]
    email: String,
}

/// Sends a reset link if the address has an account that is not disabled (at most
/// [`MAX_LINKS_PER_HOUR`] an hour); the answer is the same either way.
pub async fn forgot(
    State(state): State<Shared>,
    ctx: Ctx,
    Form(form): Form<ForgotForm>,
) -> Result<Response, WebError> {
    let email = form.email.to_lowercase();
    if email.is_empty() || email.chars().count() > 254 || !email.contains('@') {
        return Ok(forgot_form(
            &ctx,
            Some(Err(ctx.t("password_forgot_bad_email"))),
        ));
    }
    let store = state.store.clone();
    let lang = ctx.lang;
    tokio::spawn(async move {
        if let Err(e) = send_reset(&store, &email, lang).await {
            tracing::error!(error = %e, "password reset link not made");
        }
    });
    Ok(forgot_form(
        &ctx,
        Some(Ok(ctx.tf(
            "password_forgot_sent",
            &[("email", form.email.as_str())],
        ))),
    ))
}

async fn send_reset(store: &crate::store::Store, email: &str, lang: &str) -> Result<(), AuthError> {
    let Some(user) = store
        .user_by_email(email)
        .await?
        .filter(|u| u.disabled_at.is_none())
    else {
        return Ok(());
    };
    let (secret, hash) = accounts::new_link_secret()?;
    let now = crate::store::now();
    let sent = store
        .add_password_link(
            &user,
            &NewLink {
                token_hash: &hash,
                secret: &secret,
                purpose: if user.password_hash == crate::store::NO_PASSWORD_YET {
                    LinkPurpose::Invite
                } else {
                    LinkPurpose::Reset
                },
                expires_at: now + RESET_TTL,
                created_by: None,
                language: lang,
            },
            MAX_LINKS_PER_HOUR,
            now,
        )
        .await?;
    if sent {
        tracing::info!(user = user.id, "password reset link sent");
    } else {
        tracing::warn!(
            user = user.id,
            "password reset refused: too many links this hour"
        );
    }
    Ok(())
}

/// The page a link opens: the form for the new password, or why the link no longer works.
pub async fn set_page(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(secret): Path<String>,
) -> Result<Response, WebError> {
    set_form(&state, &ctx, &secret, None).await
}

async fn set_form(
    state: &Shared,
    ctx: &Ctx,
    secret: &str,
    problem: Option<String>,
) -> Result<Response, WebError> {
    let now = crate::store::now();
    let found = state
        .store
        .password_link(&accounts::sha256_hex(secret))
        .await?
        .filter(|(link, user)| link.open(now) && user.disabled_at.is_none());
    let Some((link, user)) = found else {
        return Ok(gone(ctx));
    };
    let invite = link.purpose == LinkPurpose::Invite.code();
    let title = if invite {
        ctx.tf("password_set_welcome", &[("name", &user.name)])
    } else {
        ctx.t("password_set_title")
    };
    let body = html! {
        @if let Some(p) = &problem { p.error role="alert" { (p) } }
        p { (ctx.tf("password_set_for", &[("email", &user.email)])) }
        form method="post" action={ "/password/set/" (secret) } {
            // The account's name for password managers.
            input type="hidden" name="username" value=(user.email) autocomplete="username";
            label for="new" { (ctx.t("account_password_new")) }
            input #new type="password" name="new" required minlength=(PASSWORD_LENGTH.start()) maxlength=(PASSWORD_LENGTH.end()) autocomplete="new-password";
            label for="again" { (ctx.t("account_password_again")) }
            input #again type="password" name="again" required minlength=(PASSWORD_LENGTH.start()) maxlength=(PASSWORD_LENGTH.end()) autocomplete="new-password";
            button type="submit" { (ctx.t("password_set_submit")) }
        }
    };
    Ok(ctx.answer_page(&title, body, problem.is_some()))
}

/// A link that is unknown, used, expired, or whose account is disabled: 410, and where to get
/// a new one.
fn gone(ctx: &Ctx) -> Response {
    let body = html! {
        p.error role="alert" { (ctx.t("password_link_gone")) }
        p { a.button href="/password/forgot" { (ctx.t("password_forgot_title")) } }
    };
    let mut r = ctx.page(&ctx.t("password_link_gone_title"), body);
    *r.status_mut() = StatusCode::GONE;
    r
}

#[derive(Deserialize)]
pub struct SetForm {
    #[serde(default)]
    new: String,
    #[serde(default)]
    again: String,
}

/// The passwords never reach `Debug` output.
impl std::fmt::Debug for SetForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SetForm")
    }
}

/// Sets the password; the link is used up, and the person logs in with it.
pub async fn set(
    State(state): State<Shared>,
    ctx: Ctx,
    Path(secret): Path<String>,
    Form(form): Form<SetForm>,
) -> Result<Response, WebError> {
    if let Some(key) = accounts::new_password_problem(&form.new, &form.again) {
        return set_form(&state, &ctx, &secret, Some(ctx.t(key))).await;
    }
    let done =
        accounts::set_password_by_link(&state.store, &secret, &form.new, crate::store::now())
            .await
            .map_err(|e| WebError::Internal(e.to_string()))?;
    let Some(user) = done else {
        return Ok(gone(&ctx));
    };
    tracing::info!(user = user.id, "password set through a link");
    let body = html! {
        p.ok role="status" { (ctx.tf("password_set_done", &[("email", &user.email)])) }
        p { a.button #log-in href="/login" { (ctx.t("login_submit")) } }
    };
    Ok(ctx.page(&ctx.t("password_set_title"), body))
}
