//! Forms that change state. `CsrfForm<T>` checks the session's CSRF token before the handler runs,
//! so a new handler cannot forget it, and hands over the fields typed (`T`) instead of a map.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use super::Shared;
use super::web::{Ctx, WebError};

/// A urlencoded form from a logged-in session whose `csrf` field matches the session's token.
/// Anonymous requests are sent to log in (as `Ctx::require` would); a missing or wrong token is
/// refused with "the form expired"; fields that do not fit `T` are a 400 that names them.
#[derive(Debug)]
pub struct CsrfForm<T>(pub T);

/// A form with nothing but its CSRF token (log out, mark paid).
#[derive(Debug, Deserialize)]
pub struct NoFields {}

#[derive(Deserialize)]
struct Token {
    #[serde(default)]
    csrf: String,
}

impl<T: DeserializeOwned> FromRequest<Shared> for CsrfForm<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &Shared) -> Result<Self, WebError> {
        let (mut parts, body) = req.into_parts();
        let ctx = Ctx::from_request_parts(&mut parts, state).await?;
        if ctx.user.is_none() {
            // Back to the page the form was on after logging in: the form's own address only
            // takes a POST.
            let back = parts
                .headers
                .get(header::REFERER)
                .and_then(|v| v.to_str().ok())
                .and_then(|r| r.parse::<axum::http::Uri>().ok())
                .filter(|u| {
                    u.host()
                        .is_none_or(|h| Some(h) == host(&parts.headers).as_deref())
                })
                .map(|u| u.path().to_string())
                .filter(|p| p.starts_with('/') && p != &ctx.path)
                .unwrap_or_else(|| "/".to_string());
            return Err(WebError::Login(back));
        }
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(WebError::BadRequest(
                "send the form as application/x-www-form-urlencoded".into(),
            ));
        }
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| match e.status() {
                axum::http::StatusCode::PAYLOAD_TOO_LARGE => WebError::TooLarge,
                _ => WebError::BadRequest(e.body_text()),
            })?;
        let token: Token = serde_urlencoded::from_bytes(&bytes).map_err(|_| WebError::Csrf)?;
        ctx.check_csrf(&token.csrf)?;
        serde_urlencoded::from_bytes(&bytes)
            .map(CsrfForm)
            .map_err(|e| WebError::BadRequest(form_problem(&e.to_string())))
    }
}

/// The host the request was sent to (without its port; an IPv6 host keeps its brackets, as in a
/// URI).
fn host(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .and_then(|h| h.parse::<axum::http::uri::Authority>().ok())
        .map(|a| a.host().to_string())
}

/// Any fields by name, for a form whose field names depend on the catalogue (`qty_adult`,
/// `name_child_2`); a field sent twice is refused, as with a typed form.
#[derive(Debug, Default)]
pub struct Fields(pub std::collections::HashMap<String, String>);

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Fields, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Fields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("form fields")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Fields, A::Error> {
                let mut out = std::collections::HashMap::new();
                while let Some((k, v)) = map.next_entry::<String, String>()? {
                    if out.contains_key(&k) {
                        return Err(serde::de::Error::custom(format!("duplicate field `{k}`")));
                    }
                    out.insert(k, v);
                }
                Ok(Fields(out))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// What was wrong with a form's fields, in words a person can act on.
fn form_problem(serde: &str) -> String {
    match serde.strip_prefix("duplicate field `") {
        Some(rest) => format!(
            "The form sent the field '{}' twice. Reload the page and send it again.",
            rest.trim_end_matches('`')
        ),
        None => format!("The form is not complete ({serde}). Reload the page and send it again."),
    }
}

/// A text field without the spaces around it (`#[serde(default, deserialize_with = "trimmed")]`).
pub fn trimmed<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(String::deserialize(d)?.trim().to_string())
}

/// A checkbox with `value="on"`: ticked when sent.
pub fn checkbox<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<String>::deserialize(d)?.is_some_and(|v| v == "on"))
}
