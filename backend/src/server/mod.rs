//! The HTTP server: one route table, thin handlers, shared state. Pages are grouped by area in the
//! modules below; SQL stays in the store, words in i18n/, facts-to-words in `present`.

mod account;
mod admin;
mod api;
mod desk;
mod device;
mod orders;
mod partner;
mod partner_api;
mod settle;
mod shop;
pub mod web;
mod wellknown;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use tokio::net::TcpListener;

use crate::keys::KeyRing;
use crate::payment::PaymentProvider;
use crate::store::Store;

/// What every handler can reach.
#[derive(Debug)]
pub struct AppState {
    pub store: Store,
    pub keys: KeyRing,
    /// The public base URL, e.g. https://pass.example.org (links in e-mails and PDFs).
    pub base_url: String,
    pub payments: Arc<dyn PaymentProvider>,
}

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
        .route("/", get(shop::index))
        .route("/p/{code}", get(shop::product))
        .route("/p/{code}/buy", post(shop::buy))
        .route("/o/{id}", get(orders::page))
        .route("/o/{id}/passes.pdf", get(orders::pdf))
        // Staff
        .route("/login", get(account::login_page).post(account::login))
        .route("/logout", post(account::logout))
        .route("/desk", get(desk::page))
        .route("/desk/orders/{id}/paid", post(desk::mark_paid))
        .route("/desk/sell", post(desk::sell))
        .route("/admin", get(admin::page))
        .route("/admin/revoke", post(admin::revoke))
        .route("/admin/settlement", get(settle::index).post(settle::run))
        .route("/admin/settlement/{period}", get(settle::month))
        .route("/admin/settlement/{period}/csv", get(settle::csv))
        .route("/admin/flags", get(settle::flags))
        .route("/admin/flags/{id}", post(settle::review))
        .route("/admin/disputes", get(settle::disputes))
        .route("/admin/disputes/{id}", post(settle::resolve_dispute))
        .route("/admin/consortium", get(settle::consortium))
        // Partners
        .route("/partner", get(partner::dashboard))
        .route("/partner/visits", get(partner::visits))
        .route("/partner/statements", get(partner::statements))
        .route(
            "/partner/statements/{period}/{currency}",
            get(partner::statement),
        )
        .route(
            "/partner/statements/{period}/{currency}/csv",
            get(partner::csv),
        )
        .route(
            "/partner/statements/{period}/{currency}/pdf",
            get(partner::pdf),
        )
        .route(
            "/partner/statements/{period}/{currency}/disputes",
            post(partner::dispute),
        )
        .route("/admin/devices", post(admin::add_device))
        .route(
            "/admin/devices/import",
            post(admin::import_file).layer(axum::extract::DefaultBodyLimit::max(FILE_BODY_LIMIT)),
        )
        .route("/admin/devices/{id}/bundle", get(admin::bundle_file))
        // Machines
        .route("/api/v1/products", get(api::products))
        .route("/api/v1/orders", post(api::create_order))
        .route("/api/v1/orders/{id}", get(api::get_order))
        .route("/api/v1/passes/{serial}/revoke", post(api::revoke_pass))
        .route("/api/v1/statements", get(partner_api::statements))
        .route(
            "/api/v1/statements/{period}/{currency}",
            get(partner_api::statement),
        )
        .route(
            "/api/v1/statements/{period}/{currency}/items",
            get(partner_api::items),
        )
        .route("/api/v1/visits", get(partner_api::visits))
        .route("/api/v1/openapi.json", get(partner_api::openapi))
        .route("/api/device/v1/enroll", post(device::enroll))
        .route("/api/device/v1/bundle", post(device::bundle))
        .route(
            "/api/device/v1/upload",
            post(device::upload).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/healthz", get(healthz))
        .route("/.well-known/townpass/keys", get(wellknown::keys))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(refuse_announced_oversize))
        .with_state(state)
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

/// Serves until ctrl-c / SIGTERM, finishing requests in flight.
pub async fn serve(listener: TcpListener, state: Shared) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
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
