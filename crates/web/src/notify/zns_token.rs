//! The Zalo ZNS access token shared through the database by every app server (see
//! [`motcua_storage::notify::ZnsTokens`]): read once per server, refreshed by exactly one server
//! when Zalo refuses it (the refresh token is single-use), re-read by the others.

use std::time::Duration;

use motcua_domain::clock::Clock;
use motcua_storage::Db;
use motcua_storage::notify::ZnsTokens;

use super::SendError;
use super::zns::{TokenAnswer, ZnsConfig};

/// How long a server's refresh claim holds before another server may take it over.
const REFRESH_LEASE_SECS: i64 = 30;
/// How often, and how many times, a server waiting for another's refresh re-reads the tokens.
const WAIT_STEP: Duration = Duration::from_millis(100);
const WAIT_ROUNDS: u32 = 150;

fn storage(e: impl std::fmt::Display) -> SendError {
    SendError::temporary(format!("ZNS tokens: storage error: {e}"))
}

/// The tokens in force: this server's copy, loaded from the database on first use (the
/// configured pair is stored only when the database has none).
pub(super) async fn current(cfg: &ZnsConfig, (db, clock): (&Db, &dyn Clock)) -> Result<ZnsTokens, SendError> {
    let mut cache = cfg.tokens.lock().await;
    if let Some(t) = cache.as_ref() {
        return Ok(t.clone());
    }
    let seed = (cfg.seed.0.as_str(), cfg.seed.1.as_str());
    let t = db.zns_tokens(&cfg.app_id, seed, clock.now()).await.map_err(storage)?;
    *cache = Some(t.clone());
    Ok(t)
}

/// Replaces the refused tokens `stale`: by the newer generation another send or server already
/// stored, else by refreshing under a claim only one server wins; the others wait for its result.
pub(super) async fn renew(
    client: &reqwest::Client,
    cfg: &ZnsConfig,
    (db, clock): (&Db, &dyn Clock),
    stale: &ZnsTokens,
) -> Result<(), SendError> {
    let mut cache = cfg.tokens.lock().await;
    if cache.as_ref().is_some_and(|t| t.generation > stale.generation) {
        return Ok(());
    }
    let seed = (cfg.seed.0.as_str(), cfg.seed.1.as_str());
    for _ in 0..WAIT_ROUNDS {
        let now = clock.now();
        let stored = db.zns_tokens(&cfg.app_id, seed, now).await.map_err(storage)?;
        if stored.generation > stale.generation {
            *cache = Some(stored);
            return Ok(());
        }
        let until = now + chrono::Duration::seconds(REFRESH_LEASE_SECS);
        if db.zns_claim_refresh(&cfg.app_id, stored.generation, now, until).await.map_err(storage)? {
            let (access, refresh) = match oauth(client, cfg, &stored.refresh).await {
                Ok(pair) => pair,
                Err(e) => {
                    let _ = db.zns_release_refresh(&cfg.app_id, stored.generation).await;
                    return Err(e);
                }
            };
            let at = clock.now();
            if db.zns_store_refresh(&cfg.app_id, stored.generation, &access, &refresh, at).await.map_err(storage)? {
                tracing::info!(generation = stored.generation + 1, "ZNS access token refreshed");
                *cache = Some(ZnsTokens { access, refresh, generation: stored.generation + 1 });
            } else {
                // Our claim had lapsed and another server stored its own refresh: use that.
                *cache = Some(db.zns_tokens(&cfg.app_id, seed, at).await.map_err(storage)?);
            }
            return Ok(());
        }
        tokio::time::sleep(WAIT_STEP).await;
    }
    Err(SendError::temporary("ZNS token: another server's refresh did not finish in time"))
}

/// `POST {oauth}/v4/oa/access_token` with the refresh token: the new (access, refresh) pair.
async fn oauth(client: &reqwest::Client, cfg: &ZnsConfig, refresh: &str) -> Result<(String, String), SendError> {
    let url = format!("{}/v4/oa/access_token", cfg.oauth_url.trim_end_matches('/'));
    let form = [("refresh_token", refresh), ("app_id", cfg.app_id.as_str()), ("grant_type", "refresh_token")];
    let resp = client
        .post(url)
        .header("secret_key", &cfg.secret_key)
        .form(&form)
        .send()
        .await
        .map_err(|e| SendError::temporary(format!("Zalo OAuth unreachable: {e}")))?;
    let status = resp.status();
    let answer: TokenAnswer =
        resp.json().await.map_err(|e| SendError::temporary(format!("Zalo OAuth HTTP {status}: {e}")))?;
    match answer {
        TokenAnswer { access_token: Some(a), refresh_token: Some(r), .. } => Ok((a, r)),
        TokenAnswer { error, error_description, .. } => Err(SendError::temporary(format!(
            "Zalo OAuth refused the refresh token: {} {}",
            error.unwrap_or_default(),
            error_description.unwrap_or_default()
        ))),
    }
}
