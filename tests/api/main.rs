//! Black-box tests against the real app. Each test gets its own database.
mod accounts_api;
mod accounts_pages;
mod admin;
mod attendance_api;
mod attendance_pages;
mod attendance_staff_pages;
mod audit;
mod authz_matrix;
mod authz_world;
mod backup;
mod busy;
mod catalog_pages;
mod certificates;
mod cli;
mod crash;
mod dashboard;
mod enrollment_api;
// Shared with the browser tests; each binary uses a different part of it.
#[allow(dead_code)]
#[path = "../common/fake_stripe.rs"]
mod fake_stripe;
mod foundation;
mod group_commit;
mod helpers;
mod hostile_input;
mod i18n;
mod import;
mod login_abuse;
mod my_pages;
mod navigation;
mod notifications;
mod on_demand_fees;
mod page_cache;
mod past_reissue;
mod payments;
mod payments_more;
mod payments_support;
mod personal_data;
mod races;
mod report_pack;
mod route_guards;
mod scale_out;
mod server_process;
mod smtp_sink;
mod staff_pages;
mod stripe_faults;
mod tokens;
