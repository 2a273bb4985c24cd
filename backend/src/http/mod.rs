//! The HTTP server: one route table, shared state, the layers every request passes. Handlers live
//! with their area (`sales::shop`, `devices::api`, ...); SQL stays in the store, words in `i18n`.

pub mod api;
pub mod client;
pub mod forms;
pub mod headers;
pub mod openapi;
pub mod photos;
pub mod web;

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::issuer_keys::KeyRing;
use crate::sales::payment::PaymentProvider;
use crate::store::Store;
use crate::{accounts, admin, devices, issuer_keys, portal, sales, settlement};

/// What every handler can reach.
#[derive(Debug)]
pub struct AppState {
    pub store: Store,
    pub keys: KeyRing,
    /// The public base URL, e.g. https://pass.example.org (links in e-mails and PDFs).
    pub base_url: String,
    pub payments: Arc<dyn PaymentProvider>,
    /// Card payments (Stripe), when configured.
    pub card: Option<Arc<sales::card::Card>>,
    /// Apple and Google Wallet passes, when their keys are configured.
    pub wallets: Arc<sales::wallet::Wallets>,
    /// Whether web orders may wait to be paid at a desk (each product may still say no).
    pub web_pay_at_pickup: bool,
    /// Catalogue photos (the photo folder).
    pub photos: Arc<photos::Photos>,
    /// No request runs longer than this (uploads and file imports: at least 5 minutes): it is
    /// answered 503 and its work is dropped (a transaction in flight rolls back).
    pub request_timeout: std::time::Duration,
    /// Reverse proxies whose header names the client's address (none by default).
    pub proxies: client::TrustedProxies,
}

/// The default time limit of one request.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

pub type Shared = Arc<AppState>;

/// Request bodies larger than this are refused with 413 before any handler runs.
pub const BODY_LIMIT: usize = 64 * 1024;
/// Device uploads carry up to 10,000 redemptions.
pub const UPLOAD_BODY_LIMIT: usize = 8 * 1024 * 1024;
/// A redemptions file from a venue with no internet (about 100,000 redemptions).
pub const FILE_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// The route table.
pub fn router(state: Shared) -> Router {
    Router::new()
        // Shop and delivery (tourists)
        .route("/", get(sales::shop::index))
        .route("/p/{code}", get(sales::shop::product))
        .route("/p/{code}/buy", post(sales::shop::buy))
        .route("/o/{id}", get(sales::orders::page))
        .route("/o/{id}/passes.pdf", get(sales::orders::pdf))
        .route("/o/{id}/status", get(sales::orders::status))
        .route("/o/{id}/gate", get(sales::orders::gate))
        .route("/o/{id}/manifest.webmanifest", get(sales::orders::manifest))
        .route("/o/sw.js", get(sales::orders::service_worker))
        .route("/o/{id}/apple/{serial}", get(sales::orders::apple_wallet))
        .route("/o/{id}/google/{serial}", get(sales::orders::google_wallet))
        .route("/assets/order.js", get(sales::orders::order_script))
        .route("/assets/pay.js", get(sales::orders::pay_script))
        .route("/assets/shop.js", get(sales::shop::shop_script))
        .route("/photos/{name}", get(photos::serve))
        .route("/o/{id}/card/start", post(sales::card::start))
        .route("/o/{id}/card/confirm", post(sales::card::confirm))
        .route("/o/{id}/card/check", post(sales::card::check))
        .route("/webhooks/stripe", post(sales::card::webhook))
        // Staff
        .route(
            "/login",
            get(accounts::pages::login_page).post(accounts::pages::login),
        )
        .route("/logout", post(accounts::pages::logout))
        .route(
            "/password/forgot",
            get(accounts::links::forgot_page).post(accounts::links::forgot),
        )
        .route(
            "/password/set/{secret}",
            get(accounts::links::set_page).post(accounts::links::set),
        )
        .route("/desk", get(sales::desk::page))
        .route("/desk/orders/{id}/paid", post(sales::desk::mark_paid))
        .route("/desk/sell", post(sales::desk::sell))
        .route("/desk/receipt/{id}", get(sales::desk::receipt))
        .route("/admin", get(admin::page))
        .route("/admin/revoke", post(admin::revoke))
        .route("/admin/search", get(admin::search::search))
        .route("/admin/catalogue", get(admin::catalogue::index))
        .route("/admin/catalogue.toml", get(admin::catalogue::download))
        .route(
            "/admin/catalogue/{kind}/{code}",
            get(admin::catalogue::edit).post(admin::catalogue::save),
        )
        .route("/admin/keys", get(admin::keys::keys))
        .route("/admin/keys/rotate", post(admin::keys::rotate))
        .route("/admin/keys/{kid}/revoke", post(admin::keys::revoke))
        .route(
            "/admin/users",
            get(admin::people::users).post(admin::people::invite),
        )
        .route(
            "/admin/users/{id}",
            get(admin::people::user_page).post(admin::people::user_post),
        )
        .route(
            "/admin/api-keys",
            get(admin::people::api_keys).post(admin::people::api_key_post),
        )
        .route(
            "/admin/api-keys/{prefix}/revoke",
            post(admin::people::api_key_revoke),
        )
        .route(
            "/account/password",
            get(admin::people::password_page).post(admin::people::password_post),
        )
        .route("/admin/passes/{serial}", get(admin::search::pass))
        .route(
            "/admin/settlement",
            get(settlement::pages::index).post(settlement::pages::run),
        )
        .route("/admin/settlement/{period}", get(settlement::pages::month))
        .route(
            "/admin/settlement/{period}/csv",
            get(settlement::pages::csv),
        )
        .route(
            "/admin/rates",
            get(settlement::pages::rates).post(settlement::pages::rates_post),
        )
        .route("/admin/payouts", get(settlement::payout_pages::index))
        .route(
            "/admin/payouts/{period}",
            get(settlement::payout_pages::month).post(settlement::payout_pages::post),
        )
        .route(
            "/admin/payouts/{period}/confirm",
            get(settlement::payout_pages::confirm),
        )
        .route(
            "/admin/payouts/{period}/xml",
            get(settlement::payout_pages::xml),
        )
        .route(
            "/admin/payouts/{period}/csv",
            get(settlement::payout_pages::csv),
        )
        .route("/admin/flags", get(settlement::flags::flags))
        .route("/admin/flags/{id}", post(settlement::flags::review))
        .route("/admin/disputes", get(settlement::disputes::disputes))
        .route(
            "/admin/disputes/{id}",
            post(settlement::disputes::resolve_dispute),
        )
        .route("/admin/consortium", get(settlement::pages::consortium))
        // Partners
        .route("/partner", get(portal::pages::dashboard))
        .route("/partner/visits", get(portal::pages::visits))
        .route("/partner/statements", get(portal::pages::statements))
        .route(
            "/partner/statements/{period}/{currency}",
            get(portal::pages::statement),
        )
        .route(
            "/partner/statements/{period}/{currency}/csv",
            get(portal::pages::csv),
        )
        .route(
            "/partner/statements/{period}/{currency}/pdf",
            get(portal::pages::pdf),
        )
        .route(
            "/partner/statements/{period}/{currency}/disputes",
            post(portal::pages::dispute),
        )
        .route("/admin/devices", post(admin::add_device))
        .route(
            "/admin/devices/import",
            post(devices::files::import_file)
                .layer(axum::extract::DefaultBodyLimit::max(FILE_BODY_LIMIT)),
        )
        .route(
            "/admin/devices/{id}/bundle",
            get(devices::files::bundle_file),
        )
        // Machines
        .route("/api/v1/products", get(sales::api::products))
        .route("/api/v1/orders", post(sales::api::create_order))
        .route("/api/v1/orders/{order}", get(sales::api::get_order))
        .route(
            "/api/v1/passes/{serial}/revoke",
            post(sales::api::revoke_pass),
        )
        .route("/api/v1/statements", get(portal::api::statements))
        .route(
            "/api/v1/statements/{period}/{currency}",
            get(portal::api::statement),
        )
        .route(
            "/api/v1/statements/{period}/{currency}/items",
            get(portal::api::items),
        )
        .route("/api/v1/visits", get(portal::api::visits))
        .route("/api/v1/openapi.json", get(openapi::openapi))
        .route("/api/device/v1/enroll", post(devices::api::enroll))
        .route("/api/device/v1/bundle", post(devices::api::bundle))
        .route(
            "/api/device/v1/upload",
            post(devices::api::upload)
                .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/scan", get(devices::web::page))
        .route("/scan/a/{file}", get(devices::web::asset))
        .route("/scan/sw.js", get(devices::web::service_worker))
        .route("/scan/manifest.webmanifest", get(devices::web::manifest))
        .route("/healthz", get(healthz))
        .route(
            "/.well-known/townpass/keys",
            get(issuer_keys::wellknown::keys),
        )
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(refuse_announced_oversize))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            time_limit,
        ))
        .layer(axum::middleware::from_fn(api::json_errors))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::security_headers,
        ))
        // Layers run from the last one added inwards. A request id a proxy sent is kept if it looks
        // like one (else replaced); every request gets an id, a span that names it, and the id back
        // in its answer, so a partner's complaint finds its log lines.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(axum::middleware::from_fn(drop_odd_request_id))
        .with_state(state)
}

/// Forgets an incoming `x-request-id` that is not 1 to 64 letters, digits, `-`, `_` or `.`, so a
/// client cannot write what it likes into the log.
async fn drop_odd_request_id(
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let odd = req.headers().get("x-request-id").is_some_and(|v| {
        let v = v.as_bytes();
        v.is_empty()
            || v.len() > 64
            || !v
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    });
    if odd {
        req.headers_mut().remove("x-request-id");
    }
    next.run(req).await
}

/// The span of one request: method, path (never the query: it may carry a token; secrets in the
/// path shortened, see [`loggable_path`]) and request id.
fn request_span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    let path = loggable_path(req.uri().path());
    tracing::info_span!("request", method = %req.method(), path = %path, id = %id)
}

/// A path as the log may keep it: a segment of 32 or more hex digits is a secret (an order's
/// address, the key to its passes; a set-password link) and only its first four are kept
/// (`/password/set/3f9a…`), enough to tell two apart, never enough to use one.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    let secret = |s: &str| s.len() >= 32 && s.bytes().all(|b| b.is_ascii_hexdigit());
    if !path.split('/').any(secret) {
        return std::borrow::Cow::Borrowed(path);
    }
    let parts: Vec<String> = path
        .split('/')
        .map(|s| {
            if secret(s) {
                format!("{}…", &s[..4])
            } else {
                s.to_string()
            }
        })
        .collect();
    std::borrow::Cow::Owned(parts.join("/"))
}

/// The largest body a route accepts.
fn body_limit(path: &str) -> usize {
    if path == "/api/device/v1/upload" {
        UPLOAD_BODY_LIMIT
    } else if path == "/admin/devices/import" {
        FILE_BODY_LIMIT
    } else {
        BODY_LIMIT
    }
}

/// Answers 413 at once when the announced Content-Length is over the route's limit, instead of
/// reading megabytes first (the streaming limit above still guards bodies without a length).
async fn refuse_announced_oversize(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let announced = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let limit = body_limit(req.uri().path());
    if announced.is_some_and(|n| n > limit as u64) {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is over the limit of {limit} bytes\n"),
        )
            .into_response();
    }
    next.run(req).await
}

/// Answers 503 when a request runs past the time limit, and drops its work, so that no request
/// can hold a worker (or a database connection) for good.
async fn time_limit(
    State(state): State<Shared>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (method, path) = (req.method().clone(), req.uri().path().to_string());
    // Uploads of 10,000 visits and redemptions files of 100,000 may take longer on a slow link.
    let limit = if body_limit(&path) > BODY_LIMIT {
        state
            .request_timeout
            .max(std::time::Duration::from_secs(300))
    } else {
        state.request_timeout
    };
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%method, %path, limit_s = limit.as_secs_f64(), "request over the time limit: answered 503, its work dropped");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(axum::http::header::RETRY_AFTER, "5")],
                "The server took too long to answer and stopped. What was not finished was not saved: \
                 reload the page to see what was, before you try again.\n",
            )
                .into_response()
        }
    }
}

/// How long connections still open at shutdown may take to finish their requests.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

/// Serves until ctrl-c / SIGTERM, finishing requests in flight.
///
/// A client has the request time limit to send a request's headers, then the connection is
/// closed: a stalled or trickling client (one slow header line after another) holds no
/// connection, and no shutdown, for ever (`axum::serve` sets no such limit). Once the headers
/// are in, the request's own time limit runs (`time_limit`). At shutdown, requests in flight
/// get [`SHUTDOWN_GRACE`] to finish.
pub async fn serve(listener: TcpListener, state: Shared) -> std::io::Result<()> {
    use tower::ServiceExt;
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(state.request_timeout);
    let app = router(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown_signal());
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment instead of spinning.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let service =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(remote));
                app.clone().oneshot(req)
            });
        let connection =
            graceful.watch(http.serve_connection(hyper_util::rt::TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %remote, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!(grace_s = SHUTDOWN_GRACE.as_secs(), "connections still open after the grace period: closed");
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

/// Liveness and database reachability, for load balancers and for tests waiting on start-up.
async fn healthz(State(state): State<Shared>) -> (StatusCode, &'static str) {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn the_log_never_keeps_a_set_password_link_or_an_order_address_whole() {
        let secret = "3f9a".to_string() + &"0123456789abcdef".repeat(3) + "ffffffffffff";
        assert_eq!(
            loggable_path(&format!("/password/set/{secret}")),
            "/password/set/3f9a…"
        );
        let order = "644c75d39c9fe04851317454edacc8b1";
        assert_eq!(
            loggable_path(&format!("/o/{order}/passes.pdf")),
            "/o/644c…/passes.pdf"
        );
        assert_eq!(
            loggable_path(&format!("/desk/orders/{order}/paid")),
            "/desk/orders/644c…/paid"
        );
        // Everything else as it is.
        assert_eq!(
            loggable_path("/admin/catalogue/partners/nim"),
            "/admin/catalogue/partners/nim"
        );
        assert_eq!(
            loggable_path("/admin/passes/1c2d3e4f5a6b7c8d"),
            "/admin/passes/1c2d3e4f5a6b7c8d"
        );
    }
}
