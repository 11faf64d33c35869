//! The procedure catalog: what a center can be asked to do, and how a province's catalog is imported.

mod import;
mod procedure;
mod seed;

pub use import::{ImportFormat, ImportReport, RowError, parse_catalog};
pub use procedure::*;
pub use seed::seed_procedures;
