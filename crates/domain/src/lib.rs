//! The pure domain of Motcua, the one-stop shop of a commune-level service center.
//!
//! No database, HTTP, async runtime or wall clock lives here: time is always an input
//! (see [`clock`]), and storage is reached only through the traits in [`ports`].
//!
//! - [`assistant`]: the Zalo OA assistant: intents, procedure matching, answers, webhook signatures.
//! - [`unit`]: provinces and communes, their agency codes and working hours.
//! - [`catalog`]: the procedure catalog (thủ tục hành chính) and its import format.
//! - [`identity`]: personal identification numbers and tax codes.
//! - [`dossier`]: dossiers (hồ sơ), their codes, statuses, lifecycle and hash-chained events.
//! - [`calendar`]: the Vietnamese lunar calendar, holidays, working time and deadlines.
//! - [`index`]: the 766 service index: indicators, points, ranking.
//! - [`notify`]: which dossier events are told to citizens, message templates, SMS text rules.
//! - [`pakn`]: feedback and complaints (phản ánh, kiến nghị): codes, lifecycle, deadlines.
//! - [`payment`]: fee payments: their state machine, VNPay, VietQR, amounts in words.
//! - [`staff`]: staff roles and what each may do.
//! - [`support`]: community support days: neighborhoods, helpers, sessions, attribution, report.
//! - [`text`]: folding Vietnamese text for diacritic-insensitive search.
//! - [`error`]: the shape every error shows to a person (code, Vietnamese, English).

pub mod assistant;
pub mod audit;
pub mod calendar;
pub mod catalog;
pub mod clock;
pub mod dossier;
pub mod error;
pub mod identity;
pub mod index;
pub mod notify;
pub mod pakn;
pub mod payment;
pub mod ports;
pub mod staff;
pub mod support;
pub mod text;
pub mod unit;
pub mod upload;

pub use error::Described;
