//! Black-box tests against the real app. Each test gets its own database.
mod accounts_api;
mod accounts_pages;
mod admin;
mod attendance_api;
mod catalog_pages;
mod cli;
mod enrollment_api;
mod foundation;
mod helpers;
mod i18n;
mod my_pages;
mod races;
mod route_guards;
mod staff_pages;
mod tokens;
