//! What every page shares: the request context (language, logged-in user), the layout, cookies,
//! CSRF, and one error type that renders as a page (internal errors are logged, never shown).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cookie::{Cookie, SameSite};
use maud::{DOCTYPE, Markup, html};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use subtle::ConstantTimeEq;

use super::Shared;
use crate::accounts::sha256_hex;
use crate::i18n::{self, t};
use crate::store::{StoreError, UserRow};

pub const SESSION_COOKIE: &str = "tp_session";
pub const LANG_COOKIE: &str = "tp_lang";

/// The request's language and, when logged in, the user and the session's CSRF token.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub lang: &'static str,
    /// Set when `?lang=` chose the language: the response remembers it in a cookie.
    pub lang_chosen: bool,
    pub user: Option<UserRow>,
    pub csrf: Option<String>,
    pub path: String,
    pub secure_cookies: bool,
}

/// The value of the request's cookie `name`, if it sent one.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

impl FromRequestParts<Shared> for Ctx {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Ctx, WebError> {
        // Several extractors of one request ask (a handler's `Ctx` and its `CsrfForm`): the
        // session is looked up once.
        if let Some(ctx) = parts.extensions.get::<Ctx>() {
            return Ok(ctx.clone());
        }
        let query_lang = parts
            .uri
            .query()
            .unwrap_or("")
            .split('&')
            .find_map(|kv| kv.strip_prefix("lang="))
            .and_then(i18n::supported);
        let lang = query_lang
            .or_else(|| cookie(&parts.headers, LANG_COOKIE).and_then(|l| i18n::supported(&l)))
            .unwrap_or_else(|| {
                i18n::from_accept_language(
                    parts
                        .headers
                        .get(header::ACCEPT_LANGUAGE)
                        .and_then(|v| v.to_str().ok()),
                )
            });
        let (user, csrf) = match cookie(&parts.headers, SESSION_COOKIE) {
            Some(token) => match state
                .store
                .session_user(&sha256_hex(&token), crate::store::now())
                .await?
            {
                Some((u, csrf)) => (Some(u), Some(csrf)),
                None => (None, None),
            },
            None => (None, None),
        };
        let ctx = Ctx {
            lang,
            lang_chosen: query_lang.is_some(),
            user,
            csrf,
            path: parts.uri.path().to_string(),
            secure_cookies: state.base_url.starts_with("https://"),
        };
        parts.extensions.insert(ctx.clone());
        Ok(ctx)
    }
}

impl Ctx {
    pub fn t(&self, key: &str) -> String {
        t(self.lang, key)
    }

    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        i18n::tf(self.lang, key, args)
    }

    /// [`Ctx::tf`] with numbers as numbers, so a count takes the language's plural form.
    pub fn tn(&self, key: &str, args: &[(&str, i18n::Arg)]) -> String {
        i18n::format(self.lang, key, args)
    }

    /// The logged-in user with one of `roles`, or a 403 (a redirect to the login page when anonymous).
    pub fn require(&self, roles: &[&str]) -> Result<&UserRow, WebError> {
        match &self.user {
            Some(u) if roles.contains(&u.role.as_str()) => Ok(u),
            Some(_) => Err(WebError::Forbidden),
            None => Err(WebError::Login(self.path.clone())),
        }
    }

    /// Refuses a form whose CSRF token does not match the session's.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), WebError> {
        match &self.csrf {
            Some(c) if bool::from(c.as_bytes().ct_eq(submitted.as_bytes())) => Ok(()),
            _ => Err(WebError::Csrf),
        }
    }

    pub fn csrf_field(&self) -> Markup {
        html! { input type="hidden" name="csrf" value=(self.csrf.as_deref().unwrap_or("")); }
    }

    /// A page that answers a form: 422 when the form was refused, so scripts and tests see it.
    pub fn answer_page(&self, title: &str, body: Markup, refused: bool) -> Response {
        let mut response = self.page(title, body);
        if refused {
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        }
        response
    }

    /// A full page in the site layout.
    pub fn page(&self, title: &str, body: Markup) -> Response {
        self.page_with_head(title, html! {}, body)
    }

    /// [`Ctx::page`] with more in `<head>` (a manifest link).
    pub fn page_with_head(&self, title: &str, head: Markup, body: Markup) -> Response {
        let markup = html! {
            (DOCTYPE)
            html lang=(self.lang) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " · townpass" }
                    (head)
                    style { (maud::PreEscaped(CSS)) }
                }
                body {
                    header {
                        a.brand href="/" { "townpass" }
                        span.tagline { (self.t("site_tagline")) }
                        nav {
                            a href="/" { (self.t("nav_shop")) }
                            @if self.user.as_ref().is_some_and(|u| u.role == "desk" || u.role == "admin") {
                                a href="/desk" { (self.t("nav_desk")) }
                            }
                            @if self.user.as_ref().is_some_and(|u| u.role == "admin") {
                                a href="/admin" { (self.t("nav_admin")) }
                            }
                            @if self.user.as_ref().is_some_and(|u| u.role == "partner") {
                                a href="/partner" { (self.t("nav_partner")) }
                            }
                            @if self.user.is_some() {
                                a href="/account/password" { (self.t("nav_password")) }
                                form.inline method="post" action="/logout" {
                                    (self.csrf_field())
                                    button.link type="submit" { (self.t("nav_logout")) }
                                }
                            } @else {
                                a href="/login" { (self.t("nav_login")) }
                            }
                        }
                        (self.language_links())
                    }
                    main { h1 { (title) } (body) }
                }
            }
        };
        let mut response = markup.into_response();
        self.remember_lang(&mut response);
        response
    }

    /// When `?lang=` chose the language, the response keeps it in a cookie for a year.
    pub fn remember_lang(&self, response: &mut Response) {
        if self.lang_chosen {
            let value = Cookie::build((LANG_COOKIE, self.lang))
                .path("/")
                .max_age(cookie::time::Duration::days(365))
                .same_site(SameSite::Lax)
                .secure(self.secure_cookies)
                .build()
                .to_string();
            if let Ok(v) = HeaderValue::from_str(&value) {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
        }
    }

    /// Links to this page in every other language (the current one in bold).
    pub fn language_links(&self) -> Markup {
        html! {
            nav.langs {
                @for (code, name) in i18n::languages() {
                    @if code == self.lang { strong { (name) } }
                    @else { a href={ (self.path) "?lang=" (code) } hreflang=(code) lang=(code) { (name) } }
                }
            }
        }
    }
}

/// A `Set-Cookie` value for the session (HttpOnly, SameSite=Lax, Secure behind https).
pub fn session_cookie(token: &str, max_age: i64, secure: bool) -> String {
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .max_age(cookie::time::Duration::seconds(max_age))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build()
        .to_string()
}

/// Errors a page can end in. Each renders as a page that says what to do.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("forbidden")]
    Forbidden,
    #[error("login required")]
    Login(String),
    #[error("csrf")]
    Csrf,
    #[error("too many attempts")]
    Throttled,
    #[error("too large")]
    TooLarge,
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => WebError::NotFound,
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, text) = match &self {
            WebError::NotFound => (
                StatusCode::NOT_FOUND,
                "Not found. Check the address, or start again from the home page.".to_string(),
            ),
            WebError::BadRequest(msg) => (StatusCode::BAD_REQUEST, msg.clone()),
            WebError::Forbidden => (
                StatusCode::FORBIDDEN,
                "Your account may not open this page.".to_string(),
            ),
            WebError::Login(path) => {
                let to = format!("/login?next={}", url_escape(path));
                return (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response();
            }
            WebError::Csrf => (
                StatusCode::FORBIDDEN,
                "The form expired. Reload the page and try again.".to_string(),
            ),
            WebError::Throttled => (
                StatusCode::TOO_MANY_REQUESTS,
                "Too many failed attempts. Wait 15 minutes and try again.".to_string(),
            ),
            WebError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "The form is larger than this page ever sends. Reload the page and try again."
                    .to_string(),
            ),
            WebError::Internal(detail) => {
                tracing::error!(error = %detail, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong on our side. Please try again in a minute.".to_string(),
                )
            }
        };
        let body = html! {
            (DOCTYPE)
            html { head { meta charset="utf-8"; meta name="viewport" content="width=device-width, initial-scale=1";
                          title { "townpass" } style { (maud::PreEscaped(CSS)) } }
                   body { main { h1 { (status.as_u16()) } p.error { (text) } p { a href="/" { "townpass" } } } } }
        };
        (status, body).into_response()
    }
}

/// What a query value may hold unescaped: RFC 3986's unreserved characters, and `/` (for paths).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// Percent-encodes for a query value.
pub fn url_escape(s: &str) -> String {
    utf8_percent_encode(s, QUERY_VALUE).to_string()
}

pub const CSS: &str = r#"
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#f6f4ef}
header{background:#14324a;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center}
header a{color:#fff}.brand{font-weight:700;font-size:1.2rem;text-decoration:none}.tagline{opacity:.8;font-size:.9rem}
nav{display:flex;gap:.8rem;align-items:center}nav.langs{margin-left:auto;font-size:.9rem;flex-wrap:wrap;gap:.2rem .7rem;justify-content:flex-end}
main{max-width:60rem;margin:0 auto;padding:1rem}h1{font-size:1.6rem;margin:.5rem 0 1rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr));gap:1rem}
.card{background:#fff;border-radius:.6rem;padding:1rem;box-shadow:0 1px 3px #0002}
.card h2{font-size:1.2rem;margin:.2rem 0}.price{font-size:1.3rem;font-weight:700;color:#0b6b3a;white-space:nowrap}
.chips span{display:inline-block;background:#e7eef5;border-radius:1rem;padding:0 .6rem;margin:.1rem;font-size:.85rem}
.town h3{margin:.8rem 0 .2rem}ul.venues{margin:.2rem 0;padding-left:1.2rem}
label{display:block;margin:.6rem 0 .2rem;font-weight:600}input,select,textarea{font:inherit;padding:.5rem;width:100%;max-width:28rem;border:1px solid #9aa;border-radius:.3rem}
input[type=number]{width:6rem}button,.button{font:inherit;background:#0b6b3a;color:#fff;border:0;border-radius:.4rem;padding:.6rem 1.2rem;cursor:pointer;text-decoration:none;display:inline-block;margin-top:.8rem}
button.link{background:none;padding:0;margin:0;color:#fff;text-decoration:underline}form.inline{display:inline}
.note{background:#fff8e1;border-left:4px solid #e0a800;padding:.6rem .8rem}.ok{background:#e8f5e9;border-left:4px solid #0b6b3a;padding:.6rem .8rem}
.error{background:#fdecea;border-left:4px solid #c62828;padding:.6rem .8rem;overflow-wrap:anywhere}
.pass{background:#fff;border-radius:.6rem;padding:1rem;margin:1rem 0;box-shadow:0 1px 3px #0002;display:grid;grid-template-columns:minmax(0,20rem) minmax(0,1fr);gap:1rem}.pass>*{min-width:0}
.pass .qr svg{width:100%;height:auto;display:block}.pass.revoked{grid-template-columns:minmax(0,1fr);outline:3px solid #c62828}.pass .cancelled{font-size:1.2rem}.pass .ended{color:#c62828;font-weight:700}#enrolment-qr svg{width:min(16rem,100%);height:auto;display:block}p.big{font-size:1.6rem;font-family:ui-monospace,monospace;letter-spacing:.08em}@media(max-width:40rem){.pass{grid-template-columns:minmax(0,1fr)}}
.code{font-family:ui-monospace,monospace;font-size:1.2rem;letter-spacing:.05rem;overflow-wrap:anywhere}table{border-collapse:collapse}td,th{padding:.2rem .6rem;text-align:left}.pass td,ul.lines li{overflow-wrap:anywhere}
.scroll{overflow-x:auto;max-width:100%}td.num,th.num{text-align:right;white-space:nowrap}tbody tr:nth-child(even){background:#0000000a}
.chart svg{width:100%;height:auto;display:block;background:#fff;border-radius:.4rem}.chart rect{fill:#0b6b3a}.chart text{font-size:9px;fill:#555}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end}.filters label{margin:0}.filters input,.filters select{width:auto}
section.statement{background:#fff;border-radius:.6rem;padding:.6rem 1rem;margin:1rem 0;box-shadow:0 1px 3px #0002}
details.dispute{margin:.2rem 0}details.dispute textarea{height:4rem}
.button.secondary,button.secondary{background:#14324a}button.danger,.button.danger{background:#b71c1c;font-weight:bold}#history li.alert{color:#b71c1c}@media print{header,.no-print{display:none}body{background:#fff}}section.receipt{background:#fff;padding:1rem;border-radius:.4rem}h3 small.code{font-size:.65em;font-weight:normal;color:#555}.irreversible{border:3px solid #b71c1c;border-radius:.4rem;padding:.4rem 1rem;margin:1rem 0;background:#fff5f5}.updated{color:#555;margin:.4rem 0}
body.gate{background:#fff;color:#000}body.gate main{max-width:none;padding:0;margin:0}
.gate-bar{display:flex;justify-content:space-between;gap:1rem;padding:.5rem 1rem;font-size:1rem;box-sizing:border-box}.gate-bar a{color:#000;font-weight:600}
.slides{display:flex;overflow-x:auto;scroll-snap-type:x mandatory;scrollbar-width:none}.slides::-webkit-scrollbar{display:none}
.slide{flex:0 0 100%;scroll-snap-align:center;display:flex;flex-direction:column;align-items:center;padding:0 1rem 1rem;text-align:center;box-sizing:border-box}
.slide .qr{width:min(100%,75vh);background:#fff}.slide .qr svg{width:100%;height:auto;display:block}
.slide p{margin:.15rem 0}.slide .count{font-size:1rem}.slide .holder{font-size:2rem;font-weight:800;line-height:1.2;overflow-wrap:anywhere}
.slide .category{font-size:1.6rem;font-weight:700}
.card img.photo{width:100%;height:10rem;object-fit:cover;border-radius:.4rem;display:block}img.hero{width:100%;max-height:16rem;object-fit:cover;border-radius:.6rem;display:block}
img.thumb{width:3rem;height:3rem;object-fit:cover;border-radius:.3rem;vertical-align:middle;margin-right:.4rem}.choices{font-size:1.1rem}.choices.used-up{color:#c62828}.used-offer del{color:#555}
.total{font-size:1.3rem;font-weight:700;margin:.6rem 0}fieldset.names{border:0;padding:0;margin:0}
label.check{font-weight:normal;display:flex;gap:.5rem;align-items:baseline;margin:.3rem 0}label.check input{width:auto;margin:0;flex:0 0 auto}
form fieldset{border:1px solid #c5ccd3;border-radius:.4rem;margin:.8rem 0;max-width:32rem;min-width:0}small.code{font-size:.8rem;color:#555}td input{width:6.5rem}main nav,header nav{flex-wrap:wrap}
input[aria-invalid=true],select[aria-invalid=true]{border:2px solid #c62828}p.field-error{margin:.2rem 0;max-width:28rem}
nav.chips{display:flex;gap:.2rem;overflow-x:auto;white-space:nowrap;padding-bottom:.3rem;-webkit-overflow-scrolling:touch}nav.chips span{flex:0 0 auto}.slide .meta{font-size:1.05rem}body.gate .updated,body.gate #offline{margin:.5rem}
"#;

/// A file to download (`attachment`) or to open in the browser (`inline`).
pub fn file(
    content_type: &str,
    disposition: &str,
    name: &str,
    body: impl IntoResponse,
) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("{disposition}; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// What became of a form, above the page: a status line, or an alert.
pub fn outcome(message: &Option<Result<String, String>>) -> Markup {
    html! {
        @match message {
            Some(Ok(m)) => p.ok role="status" { (m) },
            Some(Err(m)) => p.error role="alert" { (m) },
            None => {},
        }
    }
}
