//! E-mail through SMTP (`lettre`, tokio): a multipart/alternative message with a text and an
//! HTML part, its Message-ID derived from the idempotency key.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use motcua_domain::notify::template::Rendered;

use super::SendError;

/// Where mail goes: `smtp://host:port` without TLS (a local relay), and the sender.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    /// `Một cửa Phường X <motcua@example.vn>`.
    pub from: String,
}

impl SmtpConfig {
    /// Parses `smtp://host:port` (no TLS: a relay on the same host or network).
    pub fn parse(url: &str, from: &str) -> Result<SmtpConfig, String> {
        let rest = url.strip_prefix("smtp://").ok_or_else(|| format!("{url}: expected smtp://host:port"))?;
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().map_err(|e| format!("{url}: bad port: {e}"))?),
            None => (rest, 25),
        };
        Ok(SmtpConfig { host: host.to_string(), port, from: from.to_string() })
    }
}

/// A connection pool to the SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(cfg: &SmtpConfig, timeout: Duration) -> Result<Mailer, String> {
        let from: Mailbox = cfg.from.parse().map_err(|e| format!("sender {:?}: {e}", cfg.from))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(cfg.host.clone())
            .port(cfg.port)
            .timeout(Some(timeout))
            .build();
        Ok(Mailer { transport, from })
    }

    /// Sends one message; returns its Message-ID.
    pub async fn send(&self, to: &str, key: &str, r: &Rendered) -> Result<String, SendError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| SendError::permanent(format!("invalid address / địa chỉ không hợp lệ {to:?}: {e}")))?;
        let domain = self.from.email.domain().to_string();
        let id = format!("<{}@{domain}>", key.replace(':', "."));
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(r.subject.clone())
            .message_id(Some(id.clone()))
            .multipart(MultiPart::alternative_plain_html(r.text.clone(), r.html.clone()))
            .map_err(|e| SendError::permanent(format!("cannot build the message: {e}")))?;
        match self.transport.send(msg).await {
            Ok(_) => Ok(id),
            Err(e) if e.is_permanent() => Err(SendError::permanent(format!("SMTP: {e}"))),
            Err(e) => Err(SendError::temporary(format!("SMTP: {e}"))),
        }
    }
}
