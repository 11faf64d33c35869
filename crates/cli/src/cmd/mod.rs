//! One file per subcommand.

pub mod backup;
pub mod bench;
pub mod bench_assistant;
pub mod bench_index;
pub mod bench_load;
pub mod bench_notify;
pub mod bench_pages;
pub mod bench_payments;
pub mod bench_sync;
pub mod calendar;
pub mod demo;
pub mod fake_dancu;
pub mod fake_portal;
pub mod fake_sms;
pub mod fake_vnpay;
pub mod fake_zalo;
pub mod fake_zns;
pub mod import;
pub mod reconcile;
pub mod serve;
pub mod simulate;
pub mod staff;
pub mod verify;
