//! API integration tests: the app on port 0 over real HTTP, on SQLite and on PostgreSQL.

mod admin_pages;
mod authz;
mod calendar;
mod catalog;
mod dossiers;
mod errors;
mod files;
mod hardening;
mod harness;
mod index;
mod lookup;
mod navigation;
mod notify_pages;
mod oidc;
mod openapi;
mod pages_security;
mod pakn;
mod payments;
mod payments_interop;
mod population;
mod preview;
mod register;
mod slips;
mod staff_accounts;
mod support;
mod sync;
