//! JSON API handlers under `/api/v1`, one file per resource.

pub mod auth;
pub mod calendar;
pub mod catalog;
pub mod commands;
pub mod dossiers;
pub mod health;
pub mod index;
pub mod sync;
pub mod types;
pub mod units;
