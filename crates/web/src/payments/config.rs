//! Which VNPay merchant account and which bank account each unit collects fees with, read once
//! from a JSON file (`MOTCUA_PAYMENTS_CONFIG`). Secrets come from the file or, better, from the
//! environment variable the file names (`secret_env`); they are never logged or shown.
//!
//! ```json
//! {
//!   "vnpay": { "payment_url": "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
//!              "api_url": "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction",
//!              "return_url": "https://motcua.example.vn/thanh-toan/ket-qua", "expire_minutes": 15 },
//!   "merchants": { "28777": { "tmn_code": "ANHOI001", "secret_env": "MOTCUA_VNPAY_SECRET_28777" } },
//!   "bank_accounts": { "28777": { "bin": "970436", "account": "0011001234567", "holder": "UBND PHUONG AN HOI" } }
//! }
//! ```
//! A unit without its own entry uses the `"*"` entry, if any. An optional `"reconcile"` object
//! (`first_ms`, `max_ms`, `grace_ms`, `idle_ms`) tunes the reconciliation schedule.

use std::collections::HashMap;
use std::time::Duration;

use motcua_domain::payment::vietqr::BankAccount;
use motcua_domain::payment::vnpay::{Merchant, Secret};
use serde::Deserialize;

/// Where VNPay is reached and where it sends the citizen back.
#[derive(Debug, Clone)]
pub struct VnpayEndpoints {
    /// The payment page the citizen is redirected to.
    pub payment_url: String,
    /// The merchant API (`querydr`).
    pub api_url: String,
    /// Our return page, `…/thanh-toan/ket-qua`.
    pub return_url: String,
    /// How long a payment link stays valid.
    pub expire: Duration,
}

/// The reconciliation schedule: first check after `first`, then doubling up to `max`; a payment
/// with no outcome `grace` after its link expired is marked expired.
#[derive(Debug, Clone)]
pub struct ReconcilePolicy {
    pub first: Duration,
    pub max: Duration,
    pub grace: Duration,
    /// Sleep when nothing is due.
    pub idle: Duration,
}

impl Default for ReconcilePolicy {
    fn default() -> ReconcilePolicy {
        ReconcilePolicy {
            first: Duration::from_secs(5 * 60),
            max: Duration::from_secs(60 * 60),
            grace: Duration::from_secs(15 * 60),
            idle: Duration::from_secs(5),
        }
    }
}

/// Every unit's payment accounts.
#[derive(Debug, Clone, Default)]
pub struct Gateways {
    pub vnpay: Option<VnpayEndpoints>,
    merchants: HashMap<String, Merchant>,
    accounts: HashMap<String, BankAccount>,
    pub policy: ReconcilePolicy,
}

impl Gateways {
    pub fn new(vnpay: Option<VnpayEndpoints>) -> Gateways {
        Gateways { vnpay, ..Gateways::default() }
    }
    pub fn with_merchant(mut self, unit: &str, merchant: Merchant) -> Gateways {
        self.merchants.insert(unit.to_string(), merchant);
        self
    }
    pub fn with_account(mut self, unit: &str, account: BankAccount) -> Gateways {
        self.accounts.insert(unit.to_string(), account);
        self
    }
    pub fn with_policy(mut self, policy: ReconcilePolicy) -> Gateways {
        self.policy = policy;
        self
    }
    /// The unit's VNPay merchant account (or the `"*"` one).
    pub fn merchant(&self, unit: &str) -> Option<&Merchant> {
        self.merchants.get(unit).or_else(|| self.merchants.get("*"))
    }
    /// The merchant whose terminal code this is (IPN and return carry it).
    pub fn merchant_by_code(&self, tmn_code: &str) -> Option<&Merchant> {
        self.merchants.values().find(|m| m.tmn_code == tmn_code)
    }
    pub fn account(&self, unit: &str) -> Option<&BankAccount> {
        self.accounts.get(unit).or_else(|| self.accounts.get("*"))
    }
    pub fn is_empty(&self) -> bool {
        self.merchants.is_empty() && self.accounts.is_empty()
    }

    /// Reads the file named by `MOTCUA_PAYMENTS_CONFIG`; unset: no online payment.
    pub fn from_env() -> Result<Gateways, ConfigError> {
        match std::env::var("MOTCUA_PAYMENTS_CONFIG") {
            Ok(path) if !path.trim().is_empty() => {
                let text = std::fs::read_to_string(&path).map_err(|e| ConfigError(format!("{path}: {e}")))?;
                Gateways::parse(&text, |name| std::env::var(name).ok())
                    .map_err(|e| ConfigError(format!("{path}: {}", e.0)))
            }
            _ => Ok(Gateways::default()),
        }
    }

    /// Parses the JSON configuration; `env` resolves `secret_env` names.
    pub fn parse(text: &str, env: impl Fn(&str) -> Option<String>) -> Result<Gateways, ConfigError> {
        let file: File = serde_json::from_str(text).map_err(|e| ConfigError(e.to_string()))?;
        let mut g = Gateways {
            vnpay: file.vnpay.map(|v| VnpayEndpoints {
                payment_url: v.payment_url,
                api_url: v.api_url,
                return_url: v.return_url,
                expire: Duration::from_secs(v.expire_seconds.unwrap_or(v.expire_minutes.unwrap_or(15) * 60).max(1)),
            }),
            ..Gateways::default()
        };
        if let Some(r) = file.reconcile {
            let d = ReconcilePolicy::default();
            let ms = |v: Option<u64>, default: Duration| v.map_or(default, Duration::from_millis);
            g.policy = ReconcilePolicy {
                first: ms(r.first_ms, d.first),
                max: ms(r.max_ms, d.max),
                grace: ms(r.grace_ms, d.grace),
                idle: ms(r.idle_ms, d.idle),
            };
        }
        for (unit, m) in file.merchants {
            let secret = match (m.secret, m.secret_env) {
                (_, Some(name)) => {
                    env(&name).ok_or_else(|| ConfigError(format!("{name} is not set (merchant of {unit})")))?
                }
                (Some(s), None) => s,
                (None, None) => return Err(ConfigError(format!("merchant of {unit} has no secret"))),
            };
            g.merchants.insert(unit, Merchant { tmn_code: m.tmn_code, secret: Secret::new(secret) });
        }
        g.accounts = file.bank_accounts;
        Ok(g)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    vnpay: Option<VnpayFile>,
    #[serde(default)]
    merchants: HashMap<String, MerchantFile>,
    #[serde(default)]
    bank_accounts: HashMap<String, BankAccount>,
    reconcile: Option<PolicyFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    first_ms: Option<u64>,
    max_ms: Option<u64>,
    grace_ms: Option<u64>,
    idle_ms: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VnpayFile {
    payment_url: String,
    api_url: String,
    return_url: String,
    expire_minutes: Option<u64>,
    expire_seconds: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MerchantFile {
    tmn_code: String,
    secret: Option<String>,
    secret_env: Option<String>,
}

/// A configuration file that cannot be used, and why.
#[derive(Debug, thiserror::Error)]
#[error("payment configuration: {0}")]
pub struct ConfigError(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_come_from_the_environment_and_never_print() {
        let text = r#"{"vnpay": {"payment_url": "http://p", "api_url": "http://a", "return_url": "http://r"},
            "merchants": {"28777": {"tmn_code": "ANHOI001", "secret_env": "S"}, "*": {"tmn_code": "VL", "secret": "x"}}}"#;
        let g = Gateways::parse(text, |n| (n == "S").then(|| "top-secret".to_string())).unwrap();
        assert_eq!(g.merchant("28777").unwrap().secret.expose(), "top-secret");
        assert_eq!(g.merchant("28756").unwrap().tmn_code, "VL");
        assert!(!format!("{g:?}").contains("top-secret"));
        assert!(Gateways::parse(text, |_| None).is_err());
        assert!(Gateways::parse(r#"{"merchant": {}}"#, |_| None).is_err());
    }
}
