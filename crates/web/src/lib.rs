//! The HTTP face of Motcua: one route table ([`routes`]), one error envelope ([`error`]).
//!
//! - [`api`]: JSON handlers, one file per resource; [`api::types`] holds the wire types.
//! - [`auth`]: staff passwords and bearer tokens; [`access`]: who may read a dossier.
//! - [`pages`]: server-rendered pages (citizen portal, back office), one file per page,
//!   typed askama templates in `templates/`.
//! - [`state`]: database, clock and cached calendars shared by handlers.
//! - [`assistant`]: the Zalo OA assistant: webhook answers, human queue, reply worker.
//! - [`sync`]: the worker delivering the sync outbox to the national portal.

pub mod access;
pub mod api;
pub mod assistant;
pub mod auth;
pub mod error;
pub mod export;
pub mod extract;
pub mod files;
pub mod integrity;
pub mod notify;
pub mod observe;
pub mod oidc;
pub mod openapi;
pub mod pages;
pub mod payments;
pub mod pdf;
pub mod ratelimit;
pub mod report;
pub mod routes;
pub mod security;
pub mod state;
pub mod sync;

pub use routes::app;
pub use state::AppState;

/// Serves the application on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The peer address is what the rate limits and the `/metrics` allowlist see.
    let app = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
