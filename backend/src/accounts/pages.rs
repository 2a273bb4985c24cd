//! Log in and log out. Sessions live in the database (several instances share them); the cookie
//! is HttpOnly, SameSite=Lax, and Secure when the public URL is https.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;

use crate::accounts::{self, AuthError, sha256_hex};
use crate::http::Shared;
use crate::http::forms::{CsrfForm, NoFields};
use crate::http::web::{Ctx, SESSION_COOKIE, WebError, cookie, session_cookie};

/// Only local paths, so a crafted link cannot send people elsewhere after logging in.
fn safe_next(next: Option<&String>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.clone(),
        _ => "/desk".to_string(),
    }
}

fn login_form(ctx: &Ctx, next: &str, error: Option<String>, status: StatusCode) -> Response {
    let body = html! {
        @if let Some(e) = error { p.error role="alert" { (e) } }
        form method="post" action="/login" {
            input type="hidden" name="next" value=(next);
            label for="email" { (ctx.t("login_email")) }
            input type="email" id="email" name="email" required autocomplete="username";
            label for="password" { (ctx.t("login_password")) }
            input type="password" id="password" name="password" required autocomplete="current-password";
            button type="submit" { (ctx.t("login_submit")) }
        }
    };
    let mut r = ctx.page(&ctx.t("login_title"), body);
    *r.status_mut() = status;
    r
}

pub async fn login_page(ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    login_form(&ctx, &safe_next(q.get("next")), None, StatusCode::OK)
}

pub async fn login(
    State(state): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ctx: Ctx,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let next = safe_next(form.get("next"));
    let email = form.get("email").map(String::as_str).unwrap_or("");
    let password = form.get("password").map(String::as_str).unwrap_or("");
    match accounts::login(
        &state.store,
        email,
        password,
        &peer.ip().to_string(),
        crate::store::now(),
    )
    .await
    {
        Ok(session) => {
            tracing::info!(user = %session.user.email, role = %session.user.role, "logged in");
            // Partners land on their portal unless a page sent them to log in.
            let next = if session.user.role == "partner" && next == "/desk" {
                "/partner".to_string()
            } else {
                next
            };
            let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, next)]).into_response();
            let value = session_cookie(&session.token, accounts::SESSION_TTL, ctx.secure_cookies);
            r.headers_mut().append(
                header::SET_COOKIE,
                HeaderValue::from_str(&value).map_err(|e| WebError::Internal(e.to_string()))?,
            );
            Ok(r)
        }
        Err(AuthError::WrongCredentials) => Ok(login_form(
            &ctx,
            &next,
            Some(ctx.t("login_failed")),
            StatusCode::UNAUTHORIZED,
        )),
        Err(AuthError::Throttled) => Ok(login_form(
            &ctx,
            &next,
            Some(ctx.t("login_throttled")),
            StatusCode::TOO_MANY_REQUESTS,
        )),
        Err(e) => Err(WebError::Internal(e.to_string())),
    }
}

pub async fn logout(
    State(state): State<Shared>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.store.delete_session(&sha256_hex(&token)).await?;
    }
    let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
    let value = session_cookie("", 0, ctx.secure_cookies);
    r.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&value).map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(r)
}
