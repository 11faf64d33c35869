//! The HTTP face of Motcua: one route table ([`routes`]), one error envelope ([`error`]).
//!
//! - [`api`]: JSON handlers, one file per resource; [`api::types`] holds the wire types.
//! - [`auth`]: staff passwords and bearer tokens; [`access`]: who may read a dossier.
//! - [`pages`]: server-rendered pages (citizen portal, back office), one file per page,
//!   typed askama templates in `templates/`.
//! - [`state`]: database, clock and cached calendars shared by handlers.
//! - [`sync`]: the worker delivering the sync outbox to the national portal.

pub mod access;
pub mod api;
pub mod auth;
pub mod error;
pub mod export;
pub mod extract;
pub mod files;
pub mod notify;
pub mod openapi;
pub mod pages;
pub mod payments;
pub mod pdf;
pub mod report;
pub mod routes;
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
    axum::serve(listener, app(state)).with_graceful_shutdown(shutdown).await
}
