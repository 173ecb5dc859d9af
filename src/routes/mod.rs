//! HTTP handlers: parse input, call a service, render a page or JSON. No SQL here.
pub mod account_pages;
pub mod admin_pages;
pub mod api;
pub mod attendance_staff_pages;
pub mod audit_pages;
pub mod auth_pages;
pub mod catalog_pages;
pub mod certificate_pages;
pub mod check_in_pages;
pub mod dashboard_pages;
pub mod downloads;
pub mod enrollment_input;
pub mod forms;
pub mod import_pages;
pub mod instructor_pages;
pub mod makeup_pages;
pub mod my_pages;
pub mod notification_pages;
pub mod page_cache;
pub mod pages;
pub mod paging;
pub mod past_certificate_pages;
pub mod payment_documents;
pub mod payment_pages;
pub mod privacy_pages;
pub mod progress_pages;
pub mod receipt_register_pages;
pub mod report_pack_pages;
pub mod request_id;
pub mod respond;
pub mod security;
pub mod session;
pub mod setup_pages;
pub mod shell;
pub mod staff_courses;
pub mod staff_enrollments;
pub mod staff_sites;
pub mod walk_in_pages;

use rocket::Route;

/// Every page route, mounted at `/`.
pub fn page_routes() -> Vec<Route> {
    let mut routes = pages::routes();
    routes.extend(auth_pages::routes());
    routes.extend(account_pages::routes());
    routes.extend(setup_pages::routes());
    routes.extend(admin_pages::routes());
    routes.extend(catalog_pages::routes());
    routes.extend(certificate_pages::routes());
    routes.extend(notification_pages::routes());
    routes.extend(payment_pages::routes());
    routes.extend(payment_documents::routes());
    routes.extend(my_pages::routes());
    routes.extend(staff_courses::routes());
    routes.extend(staff_enrollments::routes());
    routes.extend(staff_sites::routes());
    routes.extend(instructor_pages::routes());
    routes.extend(progress_pages::routes());
    routes.extend(attendance_staff_pages::routes());
    routes.extend(makeup_pages::routes());
    routes.extend(check_in_pages::routes());
    routes.extend(dashboard_pages::routes());
    routes.extend(audit_pages::routes());
    routes.extend(walk_in_pages::routes());
    routes.extend(receipt_register_pages::routes());
    routes.extend(report_pack_pages::routes());
    routes.extend(import_pages::routes());
    routes.extend(past_certificate_pages::routes());
    routes.extend(privacy_pages::routes());
    routes
}
