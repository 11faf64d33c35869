//! One push over HTTP and how its failure is classified: a permanent rejection (the remote
//! refuses the record itself: 400, 404, 405, 409, 410, 413, 415, 422) is dead-lettered at once
//! with the reason; anything else (network errors, timeouts, resets, 401/403/408/429, 5xx, a
//! lost answer) is retried.

use motcua_domain::ports::OutboxMessage;

use super::worker::SyncConfig;

/// The header carrying `{code}:{seq}`; the remote applies a key once.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// Why a push failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushError {
    /// Retrying cannot help: dead-letter now.
    pub permanent: bool,
    pub message: String,
}

impl PushError {
    fn transient(message: String) -> PushError {
        PushError { permanent: false, message }
    }
}

/// Whether an HTTP status refuses the record for good.
pub fn is_permanent(status: u16) -> bool {
    matches!(status, 400 | 404 | 405 | 409 | 410 | 413 | 415 | 422)
}

/// POSTs one record; the ack id on a 2xx answer, else the classified error.
pub async fn push(
    client: &reqwest::Client,
    cfg: &SyncConfig,
    m: &OutboxMessage,
    body: serde_json::Value,
) -> Result<String, PushError> {
    let mut req = client.post(&cfg.url).header(IDEMPOTENCY_HEADER, &m.key).json(&body);
    if let Some(t) = &cfg.token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.map_err(|e| PushError::transient(format!("request failed: {e:#}")))?;
    let status = resp.status();
    let text = resp.text().await.map_err(|e| PushError::transient(format!("HTTP {status}, response lost: {e:#}")))?;
    if !status.is_success() {
        let message = format!("HTTP {status}: {}", text.chars().take(300).collect::<String>());
        return Err(PushError { permanent: is_permanent(status.as_u16()), message });
    }
    let ack = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("ack").and_then(|a| a.as_str()).map(str::to_string))
        .unwrap_or_else(|| format!("http-{}", status.as_u16()));
    Ok(ack)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_refusals_of_the_record_itself_are_permanent() {
        for s in [400, 404, 409, 422] {
            assert!(is_permanent(s), "{s}");
        }
        for s in [401, 403, 408, 429, 500, 502, 503, 504] {
            assert!(!is_permanent(s), "{s}");
        }
    }
}
