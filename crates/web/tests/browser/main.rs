//! End-to-end tests in real headless Chromium (Debian's `chromium` + `chromium-driver`), driven
//! over WebDriver by fantoccini: the app runs on port 0 with a fresh SQLite database (the API
//! tests' harness), chromedriver on a free port. Each test asserts what the person sees and
//! saves screenshots at 360 px and 1280 px wide to `target/screenshots/`. Every page a test
//! reaches is checked with axe-core (from `tests/js`, installed by `scripts/setup`): no serious
//! or critical accessibility violation is allowed.
//!
//! `kit.rs` holds the shared steps (driver, axe, screenshots, sign-in); each other module is one
//! area's flows.

#[expect(dead_code, reason = "shared with the API tests, which use more of it")]
#[path = "../api/harness.rs"]
mod harness;

mod kit;

mod backoffice;

mod citizen;
mod flows;
mod pakn;
