//! JSON API handlers under `/api/v1`, one file per resource.

pub mod auth;
pub mod calendar;
pub mod catalog;
pub mod citizen;
pub mod commands;
pub mod dossiers;
pub mod files;
pub mod health;
pub mod index;
pub mod notify;
pub mod notify_templates;
pub mod pakn;
pub mod payment_ipn;
pub mod payment_statements;
pub mod payments;
pub mod sync;
pub mod types;
pub mod units;
pub mod zalo;
