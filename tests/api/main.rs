//! Black-box tests against the real app. Each test gets its own database.
mod accounts_api;
mod accounts_pages;
mod admin;
mod cli;
mod enrollment_api;
mod foundation;
mod helpers;
mod i18n;
mod races;
mod route_guards;
mod tokens;
