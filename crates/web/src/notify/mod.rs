//! Notifications to citizens: the worker draining the notification outbox (written by storage
//! in each change's transaction) to the citizen's channel.
//!
//! - [`email`]: SMTP through `lettre` (HTML + text parts);
//! - [`sms`]: a brandname-style HTTP SMS gateway (JSON), with delivery reports to our callback;
//! - [`zns`]: Zalo ZNS template messages (token refresh, delivery events); the tokens are shared
//!   through the database by the app servers (`zns_token`);
//! - [`worker`]: claim, render the unit's Vietnamese template, send, record, retry with backoff;
//! - [`config`]: all of it from the environment.

pub mod config;
pub mod email;
pub mod sms;
pub mod worker;
pub mod zns;
mod zns_token;

pub use worker::{NotifyConfig, spawn};

/// Why a send did not succeed: temporary (retry with backoff) or permanent (fail, fall back).
#[derive(Debug, Clone)]
pub struct SendError {
    pub permanent: bool,
    pub message: String,
}

impl SendError {
    pub fn temporary(message: impl Into<String>) -> SendError {
        SendError { permanent: false, message: message.into() }
    }
    pub fn permanent(message: impl Into<String>) -> SendError {
        SendError { permanent: true, message: message.into() }
    }
}
