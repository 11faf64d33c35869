//! Synchronisation with national systems: the delivery worker that drains the sync outbox
//! (written by storage in each change's transaction) to the national portal (DVCQG).
//!
//! - [`record`]: the DOMAIN §2.3 record pushed per change;
//! - [`worker`]: claim, push with the idempotency key, record the outcome, back off.

pub mod record;
pub mod worker;

pub use worker::{SyncConfig, backoff, spawn};
