//! API integration tests: the app on port 0 over real HTTP, on SQLite and on PostgreSQL.

mod calendar;
mod catalog;
mod dossiers;
mod errors;
mod harness;
mod index;
mod openapi;
mod sync;
