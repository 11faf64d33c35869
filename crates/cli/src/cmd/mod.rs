//! One file per subcommand.

pub mod bench;
pub mod calendar;
pub mod demo;
pub mod fake_portal;
pub mod import;
pub mod serve;
pub mod simulate;
pub mod staff;
pub mod verify;
