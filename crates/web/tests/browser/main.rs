//! End-to-end tests in real headless Chromium (Debian's `chromium` + `chromium-driver`), driven
//! over WebDriver by fantoccini: the app runs on port 0 with a fresh SQLite database (the API
//! tests' harness), chromedriver on a free port. Each test asserts what the person sees and
//! saves screenshots at 360 px and 1280 px wide to `target/screenshots/`. Every page a test
//! reaches is checked with axe-core (from `tests/js`, installed by `scripts/setup`): no serious
//! or critical accessibility violation is allowed.
//!
//! Every flow runs twice, on SQLite and on PostgreSQL (a fresh database per test, as the API
//! tests do): `on_both!(name)` makes the tests `name::sqlite` and `name::postgres` of `async fn
//! name(backend)`. Screenshots are written by the SQLite run only (the pages are the same); axe
//! checks every page on both.
//!
//! `kit.rs` holds the shared steps (driver, axe, screenshots, sign-in); each other module is one
//! area's flows.

#[expect(dead_code, reason = "shared with the API tests, which use more of it")]
#[path = "../api/harness.rs"]
mod harness;

/// Makes the browser test `async fn $name(backend: Backend)` into two tests, `$name::sqlite` and
/// `$name::postgres`.
macro_rules! on_both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                crate::kit::on(crate::harness::Backend::Sqlite, super::$name(crate::harness::Backend::Sqlite)).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                crate::kit::on(crate::harness::Backend::Postgres, super::$name(crate::harness::Backend::Postgres))
                    .await;
            }
        }
    };
}

mod kit;

mod admin;
mod backoffice;
mod channels;

mod citizen;
mod flows;
mod pakn;
