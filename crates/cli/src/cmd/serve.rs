//! `motcua serve`: migrate, then serve until Ctrl-C or SIGTERM.

use std::sync::Arc;

use anyhow::Context;
use motcua_storage::Db;
use motcua_web::AppState;

use crate::clock::SystemClock;
use crate::setup;

pub async fn run(database: &str, listen: &str) -> anyhow::Result<()> {
    let db = setup::open(database).await?;
    serve_db(db, listen, |addr| {
        tracing::info!(%addr, "serving");
        println!("Motcua đang chạy tại / is serving at http://{addr}/api/v1/health");
    })
    .await
}

/// Serves an opened database; `on_ready` is told the bound address.
pub async fn serve_db(db: Db, listen: &str, on_ready: impl FnOnce(std::net::SocketAddr)) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("binding {listen}"))?;
    on_ready(listener.local_addr()?);
    let state = AppState::new(db.clone(), Arc::new(SystemClock));
    motcua_web::serve(listener, state, shutdown_signal()).await?;
    db.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
