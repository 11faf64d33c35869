//! SQLite and PostgreSQL storage for Motcua, through sqlx's `Any` driver.
//!
//! One set of SQL strings with `$n` placeholders serves both databases; what differs per backend
//! (transaction start, row locks, migrations) lives in [`db`]. Each module implements one
//! storage trait of `motcua_domain::ports`:
//! - [`catalog`]: units and procedures;
//! - [`dossiers`]: dossiers, their hash-chained events and projections;
//! - [`staff`]: staff accounts and API tokens;
//! - [`calendar`]: holiday amendments;
//! - [`index`]: the facts the 766 index is computed from;
//! - [`pakn`]: feedback and complaints (PAKN) and their events;
//! - [`payments`]: fee payments, their events on the dossier chain, reconciliation checks;
//! - [`sync`]: the outbox of changes to report to national systems;
//! - [`assistant`]: the Zalo OA assistant's messages, human queue, reply outbox and tokens;
//! - [`files`]: attached files, content-addressed by SHA-256;
//! - [`audit`]: administration changes written with their audit records;
//! - [`oidc`]: sign-ins with OpenID Connect in flight, citizens' sessions and dossiers;
//! - [`support`]: community support days: neighborhoods, helpers, sessions, assisted dossiers.

pub mod assistant;
pub mod audit;
pub mod calendar;
pub mod catalog;
mod db;
pub mod dossiers;
pub mod files;
pub mod index;
pub mod notify;
pub mod observe;
pub mod oidc;
pub mod pakn;
pub mod payments;
mod rows;
pub mod scratch;
pub mod staff;
pub mod support;
pub mod sync;
mod writer;

pub use db::{Backend, Db, redact};

/// Maps a driver error to the domain's storage error, keeping unique violations apart.
pub(crate) fn store_err(e: sqlx::Error) -> motcua_domain::ports::StoreError {
    use motcua_domain::ports::StoreError;
    match &e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(d.message().to_string()),
        _ => StoreError::Backend(e.to_string()),
    }
}
