//! API integration tests: the app on port 0 over real HTTP, on SQLite and on PostgreSQL.

mod admin_pages;
mod calendar;
mod catalog;
mod dossiers;
mod errors;
mod files;
mod harness;
mod index;
mod lookup;
mod navigation;
mod openapi;
mod pages_security;
mod pakn;
mod payments;
mod payments_interop;
mod population;
mod register;
mod slips;
mod sync;
