//! E-mail through SMTP (`lettre`, tokio, rustls): a multipart/alternative message with a text
//! and an HTML part, its Message-ID derived from the idempotency key; plain, STARTTLS or
//! implicit TLS, optionally with a private CA and credentials.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use motcua_domain::notify::template::Rendered;

use super::SendError;

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// `smtp://`: none (a relay on the same host or network), port 25 by default.
    None,
    /// `smtp+starttls://`: plain connection upgraded with STARTTLS (required), port 587.
    StartTls,
    /// `smtps://`: TLS from the first byte (implicit TLS), port 465.
    Implicit,
}

/// Where mail goes, how, and the sender.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    /// A PEM file of extra trusted roots (a private CA or a self-signed server certificate).
    pub ca_file: Option<String>,
    /// User name and password (AUTH PLAIN/LOGIN; only over TLS unless the relay is local).
    pub credentials: Option<(String, String)>,
    /// `Một cửa Phường X <motcua@example.vn>`.
    pub from: String,
}

impl SmtpConfig {
    /// Parses `smtp://host[:port]`, `smtp+starttls://host[:port]` or `smtps://host[:port]`.
    pub fn parse(url: &str, from: &str) -> Result<SmtpConfig, String> {
        let (tls, rest, default_port) = if let Some(r) = url.strip_prefix("smtp://") {
            (SmtpTls::None, r, 25)
        } else if let Some(r) = url.strip_prefix("smtp+starttls://") {
            (SmtpTls::StartTls, r, 587)
        } else if let Some(r) = url.strip_prefix("smtps://") {
            (SmtpTls::Implicit, r, 465)
        } else {
            return Err(format!("{url}: expected smtp://, smtp+starttls:// or smtps://host:port"));
        };
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().map_err(|e| format!("{url}: bad port: {e}"))?),
            None => (rest, default_port),
        };
        if host.is_empty() {
            return Err(format!("{url}: no host"));
        }
        let from = from.to_string();
        Ok(SmtpConfig { host: host.to_string(), port, tls, ca_file: None, credentials: None, from })
    }

    fn tls_parameters(&self) -> Result<TlsParameters, String> {
        let mut b = TlsParameters::builder(self.host.clone());
        if let Some(path) = &self.ca_file {
            let pem = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
            let cert = Certificate::from_pem(&pem).map_err(|e| format!("{path}: not a PEM certificate: {e}"))?;
            b = b.add_root_certificate(cert);
        }
        b.build_rustls().map_err(|e| format!("TLS for {}: {e}", self.host))
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
        let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(cfg.host.clone())
            .port(cfg.port)
            .timeout(Some(timeout));
        b = match cfg.tls {
            SmtpTls::None => b,
            SmtpTls::StartTls => b.tls(Tls::Required(cfg.tls_parameters()?)),
            SmtpTls::Implicit => b.tls(Tls::Wrapper(cfg.tls_parameters()?)),
        };
        if let Some((user, password)) = &cfg.credentials {
            b = b.credentials(Credentials::new(user.clone(), password.clone()));
        }
        let transport = b.build();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_pick_tls_and_default_ports() {
        let c = SmtpConfig::parse("smtp://127.0.0.1:2525", "a <a@b.vn>").unwrap();
        assert_eq!((c.host.as_str(), c.port, c.tls), ("127.0.0.1", 2525, SmtpTls::None));
        let c = SmtpConfig::parse("smtp+starttls://mail.example.vn", "a <a@b.vn>").unwrap();
        assert_eq!((c.port, c.tls), (587, SmtpTls::StartTls));
        let c = SmtpConfig::parse("smtps://mail.example.vn/", "a <a@b.vn>").unwrap();
        assert_eq!((c.host.as_str(), c.port, c.tls), ("mail.example.vn", 465, SmtpTls::Implicit));
        assert!(SmtpConfig::parse("http://mail.example.vn", "x").is_err());
        assert!(SmtpConfig::parse("smtps://:465", "x").is_err());
        assert!(SmtpConfig::parse("smtps://h:port", "x").is_err());
    }

    #[test]
    fn a_missing_ca_file_is_reported() {
        let mut c = SmtpConfig::parse("smtps://mail.example.vn", "a <a@b.vn>").unwrap();
        c.ca_file = Some("/nonexistent/ca.pem".into());
        assert!(Mailer::new(&c, Duration::from_secs(1)).err().unwrap().contains("/nonexistent/ca.pem"));
        c.ca_file = None;
        assert!(Mailer::new(&c, Duration::from_secs(1)).is_ok());
    }
}
