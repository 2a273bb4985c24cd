//! Headers every answer carries: a Content-Security-Policy that runs no script but the page's own
//! (hashed, so no `unsafe-inline`), no framing, no MIME sniffing, no referrer to other sites (an
//! order page's URL is the key to its passes); staff pages and CSV files are never stored by a browser or proxy;
//! HSTS when the public URL is https.

use std::sync::OnceLock;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::Shared;

/// `'sha256-…'` of an inline script or style, as CSP names it.
fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The policy, made once: the inline script and style are the only ones the pages have.
pub fn content_security_policy() -> &'static str {
    static POLICY: OnceLock<String> = OnceLock::new();
    POLICY.get_or_init(|| {
        format!(
            "default-src 'self'; script-src {}; style-src {}; img-src 'self' data:; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            csp_hash(crate::admin::IMPORT_SCRIPT),
            csp_hash(super::web::CSS),
        )
    })
}

/// The policy of pages that run their own script files (a paid order's pages with
/// `/assets/order.js` and its service worker, the buy form with `/assets/shop.js`), nothing inline.
pub fn pass_page_policy() -> &'static str {
    static POLICY: OnceLock<String> = OnceLock::new();
    POLICY.get_or_init(|| {
        format!(
            "default-src 'self'; script-src 'self'; worker-src 'self'; style-src {}; img-src 'self' data:; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            csp_hash(super::web::CSS),
        )
    })
}

/// `scheme://host[:port]` of a URL, as CSP names a source.
fn origin(url: &str) -> &str {
    let rest = url.find("://").map_or(0, |i| i + 3);
    url[rest..].find('/').map_or(url, |i| &url[..rest + i])
}

/// The policy of an order page waiting for payment: its own script file (`/assets/pay.js`) and,
/// with card payments, the provider's script, its frames and its API.
pub fn payment_page_policy(card: Option<(&str, &str)>) -> String {
    let (script, connect, frame) = match card {
        Some((js_url, api_base)) => {
            let (js, api) = (origin(js_url), origin(api_base));
            // Stripe.js also runs frames and scripts on subdomains of js.stripe.com.
            (
                format!("'self' {js} https://*.js.stripe.com"),
                format!("'self' {js} {api}"),
                format!("{js} https://*.js.stripe.com https://hooks.stripe.com"),
            )
        }
        None => (
            "'self'".to_string(),
            "'self'".to_string(),
            "'none'".to_string(),
        ),
    };
    format!(
        "default-src 'self'; script-src {script}; style-src {}; img-src 'self' data: https://*.stripe.com; \
         connect-src {connect}; frame-src {frame}; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'",
        csp_hash(super::web::CSS),
    )
}

/// Pages for staff (operator, desk, partners) and API answers: never kept in a cache.
fn is_private(path: &str) -> bool {
    [
        "/admin",
        "/desk",
        "/partner",
        "/login",
        "/password",
        "/account",
        "/api/",
    ]
    .iter()
    .any(|p| path.starts_with(p))
}

pub async fn security_headers(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let private = is_private(req.uri().path());
    let mut response = next.run(req).await;
    let is_csv = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv"));
    let h = response.headers_mut();
    // A page with its own policy (the web scanner runs WebAssembly and a worker) keeps it.
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(content_security_policy()));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if private || is_csv {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    } else if !h.contains_key(header::CACHE_CONTROL) {
        // Order pages and PDFs hold passes: a browser may keep them, a shared cache may not.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
    }
    if state.base_url.starts_with("https://") {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}
