//! Log in and log out. Sessions live in the database (several instances share them); the cookie
//! is HttpOnly, SameSite=Lax, and Secure when the public URL is https.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;

use crate::accounts::{self, AuthError, sha256_hex};
use crate::http::Shared;
use crate::http::client::ClientIp;
use crate::http::forms::{CsrfForm, NoFields, trimmed};
use crate::http::web::{Ctx, SESSION_COOKIE, WebError, cookie, session_cookie};

/// Where to go after logging in: only a path of this site, else the default page. A browser drops
/// tabs and line breaks from a `Location` and reads `\` like `/`, so `/\t/evil.example` would leave
/// the site: anything but printable ASCII, a `\`, or a second leading `/` is refused outright.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
                && n.parse::<axum::http::uri::PathAndQuery>().is_ok() =>
        {
            n.to_string()
        }
        // No page asked: each role's own landing page (see the login below).
        _ => String::new(),
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
        p { a #forgot href="/password/forgot" { (ctx.t("password_forgot_title")) } }
    };
    let mut r = ctx.page(&ctx.t("login_title"), body);
    *r.status_mut() = status;
    r
}

pub async fn login_page(ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Response {
    login_form(
        &ctx,
        &safe_next(q.get("next").map(String::as_str)),
        None,
        StatusCode::OK,
    )
}

/// The login form: the one staff form without `CsrfForm`, as there is no session yet to bind a
/// token to. (A pre-session token against login CSRF belongs with the login hardening, issue 11.)
#[derive(serde::Deserialize)]
pub struct LoginForm {
    #[serde(default, deserialize_with = "trimmed")]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// The password never reaches `Debug` output (logs, panics).
impl std::fmt::Debug for LoginForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginForm")
            .field("email", &self.email)
            .field("password", &"[redacted]")
            .field("next", &self.next)
            .finish()
    }
}

pub async fn login(
    State(state): State<Shared>,
    ClientIp(client): ClientIp,
    ctx: Ctx,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let next = safe_next(form.next.as_deref());
    match accounts::login(
        &state.store,
        &form.email,
        &form.password,
        &client.to_string(),
        crate::store::now(),
    )
    .await
    {
        Ok(session) => {
            tracing::info!(user = %session.user.email, role = %session.user.role, "logged in");
            // The page that sent them to log in, else partners land on their portal,
            // operators on theirs and desk clerks at the desk.
            let next = match session.user.role.as_str() {
                // A partner cannot use the desk: its portal instead.
                "partner" if next.is_empty() || next == "/desk" => "/partner".to_string(),
                _ if !next.is_empty() => next,
                "admin" => "/admin".to_string(),
                _ => "/desk".to_string(),
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
        Err(AuthError::Throttled { wait_s }) => {
            let mut r = login_form(
                &ctx,
                &next,
                Some(ctx.tn(
                    "login_throttled",
                    &[("seconds", crate::i18n::Arg::Number(wait_s))],
                )),
                StatusCode::TOO_MANY_REQUESTS,
            );
            if let Ok(v) = HeaderValue::from_str(&wait_s.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(r)
        }
        Err(e) => Err(WebError::Internal(e.to_string())),
    }
}

pub async fn logout(
    State(state): State<Shared>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    form: Result<CsrfForm<NoFields>, WebError>,
) -> Result<Response, WebError> {
    // Logging out of a session that has already ended: there is nothing to do but go home.
    if ctx.user.is_none() {
        return Ok((StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response());
    }
    let CsrfForm(NoFields {}) = form?;
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
