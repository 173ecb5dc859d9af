//! Browser journeys in headless Chromium against the real app on a local port,
//! each with a fresh database. Needs Debian's chromium + chromium-driver and
//! axe-core (`.ci/browser-deps` installs them). Screenshots of the main pages
//! go to `docs/screenshots/`.
mod card_payment;
mod certificate;
mod fixtures;
mod harness;
mod helper_course;
mod instructor;
mod keyboard;
mod newcomer;
mod no_script;
mod pages;
mod text_zoom;
mod waitlist;
// Shared with the API tests; each binary uses a different part of it.
#[allow(dead_code)]
#[path = "../common/fake_stripe.rs"]
mod fake_stripe;
