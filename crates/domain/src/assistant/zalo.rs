//! Zalo OA webhook signatures: header `X-ZEvent-Signature: mac=<hex>` where
//! `hex = sha256(app_id + raw_body + timestamp + oa_secret_key)` (Zalo's documented scheme; the
//! timestamp is the event's own `timestamp` field).

use sha2::{Digest, Sha256};

use crate::error::Described;

/// Why a webhook event is refused before it is read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("missing signature")]
    MissingSignature,
    #[error("bad signature")]
    BadSignature,
    #[error("event of another app")]
    WrongApp,
    #[error("malformed event: {0}")]
    Malformed(String),
}

impl Described for WebhookError {
    fn code(&self) -> &'static str {
        match self {
            WebhookError::MissingSignature => "ZALO_SIGNATURE_MISSING",
            WebhookError::BadSignature => "ZALO_SIGNATURE_INVALID",
            WebhookError::WrongApp => "ZALO_APP_MISMATCH",
            WebhookError::Malformed(_) => "ZALO_EVENT_MALFORMED",
        }
    }
    fn message_vi(&self) -> String {
        match self {
            WebhookError::MissingSignature => "Sự kiện Zalo thiếu chữ ký (tiêu đề X-ZEvent-Signature).".into(),
            WebhookError::BadSignature => "Chữ ký của sự kiện Zalo không đúng; sự kiện bị bỏ qua.".into(),
            WebhookError::WrongApp => "Sự kiện Zalo thuộc một ứng dụng khác (app_id không khớp).".into(),
            WebhookError::Malformed(why) => format!("Sự kiện Zalo không đọc được: {why}."),
        }
    }
    fn message_en(&self) -> String {
        match self {
            WebhookError::MissingSignature => "The Zalo event has no signature (X-ZEvent-Signature header).".into(),
            WebhookError::BadSignature => "The Zalo event's signature is wrong; the event is ignored.".into(),
            WebhookError::WrongApp => "The Zalo event belongs to another app (app_id does not match).".into(),
            WebhookError::Malformed(why) => format!("The Zalo event cannot be read: {why}."),
        }
    }
}

/// The header value Zalo sends for `body`: `mac=` and the lowercase hex SHA-256.
pub fn signature(app_id: &str, body: &[u8], timestamp: &str, oa_secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(app_id.as_bytes());
    h.update(body);
    h.update(timestamp.as_bytes());
    h.update(oa_secret.as_bytes());
    format!("mac={}", hex::encode(h.finalize()))
}

/// Checks the presented header against the expected signature, in constant time.
pub fn verify(
    presented: Option<&str>,
    app_id: &str,
    body: &[u8],
    timestamp: &str,
    oa_secret: &str,
) -> Result<(), WebhookError> {
    let presented = presented.map(str::trim).filter(|p| !p.is_empty()).ok_or(WebhookError::MissingSignature)?;
    let expected = signature(app_id, body, timestamp, oa_secret);
    let (a, b) = (expected.as_bytes(), presented.to_ascii_lowercase().into_bytes());
    let same = a.len() == b.len() && a.iter().zip(&b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0;
    if same { Ok(()) } else { Err(WebhookError::BadSignature) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_sha256_of_app_body_timestamp_secret() {
        // sha256("1" + "{}" + "2" + "s") computed independently (Python hashlib).
        let s = signature("1", b"{}", "2", "s");
        assert_eq!(s, format!("mac={}", hex::encode(Sha256::digest(b"1{}2s"))));
        assert!(verify(Some(&s), "1", b"{}", "2", "s").is_ok());
        assert!(verify(Some(&s.to_uppercase().replace("MAC=", "mac=")), "1", b"{}", "2", "s").is_ok());
    }

    #[test]
    fn a_changed_body_or_missing_header_is_refused() {
        let s = signature("1", b"{}", "2", "s");
        assert_eq!(verify(Some(&s), "1", b"{ }", "2", "s"), Err(WebhookError::BadSignature));
        assert_eq!(verify(Some(&s), "1", b"{}", "3", "s"), Err(WebhookError::BadSignature));
        assert_eq!(verify(None, "1", b"{}", "2", "s"), Err(WebhookError::MissingSignature));
        assert_eq!(verify(Some(" "), "1", b"{}", "2", "s"), Err(WebhookError::MissingSignature));
    }
}
