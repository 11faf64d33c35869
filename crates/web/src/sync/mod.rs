//! Synchronisation with national systems: the delivery worker that drains the sync outbox
//! (written by storage in each change's transaction) to the national portal (DVCQG).
//!
//! - [`record`]: the DOMAIN §2.3 record pushed per change;
//! - [`push`]: one HTTP push and how its failure is classified (retry or dead-letter now);
//! - [`worker`]: claim, push with the idempotency key, record the outcome, back off, prune;
//! - [`population`]: the intake identity check against the population database;
//! - [`reconcile`]: compare our dossiers with the portal's report of a period, re-push.

pub mod population;
pub mod push;
pub mod reconcile;
pub mod reconcile_job;
pub mod record;
pub mod worker;

pub use push::IDEMPOTENCY_HEADER;
pub use worker::{SyncConfig, backoff, spawn};
