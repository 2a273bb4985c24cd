//! The HTTP server: one route table, thin handlers, shared state. Pages and APIs are grouped by area
//! in the modules below; SQL stays in the store.

mod wellknown;

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use tokio::net::TcpListener;

use crate::keys::KeyRing;
use crate::store::Store;

/// What every handler can reach.
#[derive(Debug)]
pub struct AppState {
    pub store: Store,
    pub keys: KeyRing,
    /// The public base URL, e.g. https://pass.example.org (links in e-mails and PDFs).
    pub base_url: String,
}

pub type Shared = Arc<AppState>;

/// The route table.
pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/.well-known/townpass/keys", get(wellknown::keys))
        .layer(axum::extract::DefaultBodyLimit::max(256 * 1024))
        .with_state(state)
}

/// Serves until ctrl-c / SIGTERM, finishing requests in flight.
pub async fn serve(listener: TcpListener, state: Shared) -> std::io::Result<()> {
    axum::serve(listener, router(state))
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
