//! Dossiers (hồ sơ): what a citizen files, how it moves through the center, and its event log.
//!
//! The lifecycle is event-sourced and pure: [`decide`] turns a command into an [`EventKind`]
//! or a typed error, [`evolve`] applies an event to the projection, and [`chain`] seals each
//! dossier's events into a hash chain.

mod apology;
mod assistance;
pub mod chain;
mod code;
mod event;
mod lifecycle;
mod model;
mod status;
mod submission;

pub use apology::*;
pub use assistance::*;
pub use code::*;
pub use event::*;
pub use lifecycle::*;
pub use model::*;
pub use status::*;
pub use submission::*;
