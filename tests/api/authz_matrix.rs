//! The authorization matrix: every mounted route whose path names a record,
//! tried as every kind of caller against a real fixture world. The table below
//! is the decision of who may use what; a mounted route missing from it fails
//! the test, so every new route has to be classified. A refused caller must
//! get 401/403/404 (or a redirect to the login page) and change nothing; an
//! allowed caller must not be refused.
use std::collections::{BTreeMap, BTreeSet};

use rocket::http::{Method, Status};
use sea_orm::{DatabaseConnection, EntityTrait};

use crate::authz_world::{self, send, Who, World, EVERYONE};
use crate::helpers::spawn;

/// What the id in a route's path names, so the matrix can put a real one there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Names {
    Course,
    Session,
    Enrollment,
    Certificate,
    CertificateNumber,
    Receipt,
    User,
    Series,
    Outbox,
    DeletionRequest,
    PastCompletion,
    PastCertificate,
    /// Rows the world does not hold (uploads, bank lines, reviews): the id is
    /// made up, so an allowed caller may get 404 but never 401/403.
    Nothing,
    /// Not a record but a secret or a file name (reset tokens, verification
    /// codes, static files): public by design, checked in route_guards.rs.
    Secret,
}

/// (method, pattern, what the id names, who may use it).
/// `anyone` = every caller; `user` = every logged-in caller; otherwise a
/// `|`-list of owner, other, instructor, other_instructor, staff, admin.
const TABLE: &[(&str, &str, Names, &str)] = &[
    // Past completions and their reissues: staff only.
    (
        "GET",
        "/staff/past-completions/<id>",
        Names::PastCompletion,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/past-completions/<id>/reissue",
        Names::PastCompletion,
        "staff|admin",
    ),
    (
        "GET",
        "/staff/past-certificates/<id>/pdf",
        Names::PastCertificate,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/past-certificates/<id>/reissue",
        Names::PastCertificate,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/past-certificates/<id>/revoke",
        Names::PastCertificate,
        "staff|admin",
    ),
    // Public by design.
    ("GET", "/password/reset/<token>", Names::Secret, "anyone"),
    ("POST", "/password/reset/<token>", Names::Secret, "anyone"),
    ("GET", "/setup/<token>", Names::Secret, "anyone"),
    ("POST", "/setup/<token>", Names::Secret, "anyone"),
    ("GET", "/verify/<code>", Names::Secret, "anyone"),
    ("GET", "/calendar/<file>", Names::Secret, "anyone"),
    ("GET", "/static/<path..>", Names::Secret, "anyone"),
    ("GET", "/courses/<id>", Names::Course, "anyone"),
    ("GET", "/courses/<id>/schedule.ics", Names::Course, "anyone"),
    ("GET", "/api/v1/courses/<id>", Names::Course, "anyone"),
    // A logged-in person applies for a course.
    ("GET", "/courses/<id>/apply", Names::Course, "user"),
    ("POST", "/courses/<id>/apply", Names::Course, "user"),
    (
        "POST",
        "/api/v1/courses/<id>/enrollments",
        Names::Course,
        "user",
    ),
    // The trainee's own pages.
    (
        "GET",
        "/my/certificates/<id>/pdf",
        Names::Certificate,
        "owner|staff|admin",
    ),
    (
        "POST",
        "/my/enrollments/<id>/accept",
        Names::Enrollment,
        "owner",
    ),
    (
        "POST",
        "/my/enrollments/<id>/cancel",
        Names::Enrollment,
        "owner",
    ),
    (
        "GET",
        "/my/enrollments/<id>/schedule.ics",
        Names::Enrollment,
        "owner",
    ),
    (
        "GET",
        "/my/enrollments/<id>/progress",
        Names::Enrollment,
        "owner",
    ),
    (
        "GET",
        "/my/enrollments/<id>/qr.svg",
        Names::Enrollment,
        "owner",
    ),
    // A 再交付 of a certificate from before the system, on the holder's page
    // (staff hold every certificate, as for /my/certificates).
    (
        "GET",
        "/my/past-certificates/<id>/pdf",
        Names::PastCertificate,
        "owner|staff|admin",
    ),
    // Staff see any trainee's payment page and certificate (they hold all of them).
    (
        "GET",
        "/payments/<id>",
        Names::Enrollment,
        "owner|staff|admin",
    ),
    (
        "POST",
        "/payments/<id>/checkout",
        Names::Enrollment,
        "owner",
    ),
    (
        "GET",
        "/payments/<id>/success",
        Names::Enrollment,
        "owner|staff|admin",
    ),
    (
        "GET",
        "/payments/<id>/cancelled",
        Names::Enrollment,
        "owner|staff|admin",
    ),
    ("GET", "/receipts/<id>", Names::Receipt, "owner|staff|admin"),
    (
        "GET",
        "/receipts/<id>/pdf",
        Names::Receipt,
        "owner|staff|admin",
    ),
    // The instructor's sessions.
    (
        "GET",
        "/instructor/sessions/<id>",
        Names::Session,
        "instructor|staff|admin",
    ),
    (
        "POST",
        "/instructor/sessions/<id>",
        Names::Session,
        "instructor|staff|admin",
    ),
    (
        "GET",
        "/instructor/sessions/<id>/code",
        Names::Session,
        "instructor|staff|admin",
    ),
    (
        "GET",
        "/instructor/sessions/<id>/history",
        Names::Session,
        "instructor|staff|admin",
    ),
    // Staff pages.
    (
        "GET",
        "/staff/certificates/<id>/pdf",
        Names::Certificate,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/certificates/<id>/reissue",
        Names::Certificate,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/certificates/<id>/revoke",
        Names::Certificate,
        "staff|admin",
    ),
    ("GET", "/staff/courses/<id>", Names::Course, "staff|admin"),
    ("POST", "/staff/courses/<id>", Names::Course, "staff|admin"),
    (
        "GET",
        "/staff/courses/<id>/assessments",
        Names::Course,
        "staff|admin",
    ),
    (
        "GET",
        "/staff/courses/<id>/assessments.csv",
        Names::Course,
        "staff|admin",
    ),
    (
        "GET",
        "/staff/courses/<id>/attendance",
        Names::Course,
        "staff|admin",
    ),
    (
        "GET",
        "/staff/courses/<id>/attendance.csv",
        Names::Course,
        "staff|admin",
    ),
    (
        "GET",
        "/staff/courses/<id>/attendance/print",
        Names::Course,
        "staff|admin",
    ),
    (
        "GET",
        "/staff/courses/<id>/cancel",
        Names::Course,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/courses/<id>/cancel",
        Names::Course,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/courses/<id>/capacity",
        Names::Course,
        "staff|admin",
    ),
    (
        "GET",
        "/staff/courses/<id>/certificates",
        Names::Course,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/courses/<id>/certificates/issue-all",
        Names::Course,
        "staff|admin",
    ),
    (
        "GET",
        "/staff/courses/<id>/check-in",
        Names::Course,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/courses/<id>/check-in",
        Names::Course,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/courses/<id>/check-in/walk-in",
        Names::Course,
        "staff|admin",
    ),
    (
        "GET",
        "/staff/courses/<id>/completers",
        Names::Course,
        "staff|admin",
    ),
    (
        "GET",
        "/staff/courses/<id>/completers.csv",
        Names::Course,
        "staff|admin",
    ),
    (
        "GET",
        "/staff/courses/<id>/enrollments",
        Names::Course,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/courses/<id>/enrollments",
        Names::Course,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/courses/<id>/fees",
        Names::Course,
        "staff|admin",
    ),
    (
        "GET",
        "/staff/courses/<id>/makeup",
        Names::Course,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/courses/<id>/makeup",
        Names::Course,
        "staff|admin",
    ),
    (
        "GET",
        "/staff/courses/<id>/message",
        Names::Course,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/courses/<id>/message",
        Names::Course,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/courses/<id>/message/preview",
        Names::Course,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/courses/<id>/questions",
        Names::Course,
        "staff|admin",
    ),
    (
        "GET",
        "/staff/courses/<id>/report-pack.zip",
        Names::Course,
        "staff|admin",
    ),
    (
        "GET",
        "/staff/courses/<id>/schedule",
        Names::Course,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/courses/<id>/schedule/generate",
        Names::Course,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/courses/<id>/sessions",
        Names::Course,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/courses/<id>/status",
        Names::Course,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/courses/<id>/subjects",
        Names::Course,
        "staff|admin",
    ),
    (
        "GET",
        "/staff/enrollments/<id>",
        Names::Enrollment,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/enrollments/<id>/approve",
        Names::Enrollment,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/enrollments/<id>/assessments",
        Names::Enrollment,
        "staff|admin",
    ),
    (
        "GET",
        "/staff/enrollments/<id>/attendance",
        Names::Enrollment,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/enrollments/<id>/cancel",
        Names::Enrollment,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/enrollments/<id>/certificate",
        Names::Enrollment,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/enrollments/<id>/member-number/verify",
        Names::Enrollment,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/enrollments/<id>/outside-credits",
        Names::Enrollment,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/enrollments/<id>/payments",
        Names::Enrollment,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/enrollments/<id>/refunds",
        Names::Enrollment,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/enrollments/<id>/reject",
        Names::Enrollment,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/enrollments/<id>/special-care",
        Names::Enrollment,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/enrollments/<id>/transfer",
        Names::Enrollment,
        "staff|admin",
    ),
    ("GET", "/staff/import/<id>", Names::Nothing, "staff|admin"),
    (
        "POST",
        "/staff/import/<id>/run",
        Names::Nothing,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/mail-delivery/<id>/retry",
        Names::Outbox,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/payments/bank-lines/<id>/confirm",
        Names::Nothing,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/payments/reviews/<id>/approve-top-up",
        Names::Nothing,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/payments/reviews/<id>/dismiss",
        Names::Nothing,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/personal-data/<id>/complete",
        Names::DeletionRequest,
        "staff|admin",
    ),
    (
        "GET",
        "/staff/sessions/<id>/edit",
        Names::Session,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/sessions/<id>",
        Names::Session,
        "staff|admin",
    ),
    (
        "POST",
        "/staff/sessions/<id>/cancel",
        Names::Session,
        "staff|admin",
    ),
    // Admin pages.
    ("POST", "/admin/users/<id>/role", Names::User, "admin"),
    (
        "POST",
        "/admin/certificates/series/<id>",
        Names::Series,
        "admin",
    ),
    // API: enrollments and what hangs off them.
    (
        "GET",
        "/api/v1/enrollments/<id>",
        Names::Enrollment,
        "owner|staff|admin",
    ),
    (
        "POST",
        "/api/v1/enrollments/<id>/cancel",
        Names::Enrollment,
        "owner|staff|admin",
    ),
    (
        "POST",
        "/api/v1/enrollments/<id>/accept-offer",
        Names::Enrollment,
        "owner",
    ),
    (
        "POST",
        "/api/v1/enrollments/<id>/approve",
        Names::Enrollment,
        "staff|admin",
    ),
    (
        "POST",
        "/api/v1/enrollments/<id>/reject",
        Names::Enrollment,
        "staff|admin",
    ),
    (
        "POST",
        "/api/v1/enrollments/<id>/transfer",
        Names::Enrollment,
        "staff|admin",
    ),
    // Instructors see progress on their session's roster, not per enrollment.
    (
        "GET",
        "/api/v1/enrollments/<id>/progress",
        Names::Enrollment,
        "owner|staff|admin",
    ),
    (
        "POST",
        "/api/v1/enrollments/<id>/assessments",
        Names::Enrollment,
        "instructor|staff|admin",
    ),
    (
        "POST",
        "/api/v1/enrollments/<id>/outside-credits",
        Names::Enrollment,
        "staff|admin",
    ),
    (
        "POST",
        "/api/v1/enrollments/<id>/certificate",
        Names::Enrollment,
        "staff|admin",
    ),
    (
        "POST",
        "/api/v1/enrollments/<id>/member-number/verify",
        Names::Enrollment,
        "staff|admin",
    ),
    (
        "POST",
        "/api/v1/enrollments/<id>/payments",
        Names::Enrollment,
        "staff|admin",
    ),
    (
        "POST",
        "/api/v1/enrollments/<id>/checkout",
        Names::Enrollment,
        "owner",
    ),
    (
        "POST",
        "/api/v1/enrollments/<id>/refunds",
        Names::Enrollment,
        "staff|admin",
    ),
    (
        "GET",
        "/api/v1/enrollments/<id>/ledger",
        Names::Enrollment,
        "owner|staff|admin",
    ),
    (
        "GET",
        "/api/v1/enrollments/<id>/special-care",
        Names::Enrollment,
        "staff|admin",
    ),
    // API: sessions.
    (
        "GET",
        "/api/v1/sessions/<id>/roster",
        Names::Session,
        "instructor|staff|admin",
    ),
    (
        "PUT",
        "/api/v1/sessions/<id>/attendance",
        Names::Session,
        "instructor|staff|admin",
    ),
    (
        "GET",
        "/api/v1/sessions/<id>/code",
        Names::Session,
        "instructor|staff|admin",
    ),
    (
        "POST",
        "/api/v1/sessions/<id>/self-check-in",
        Names::Session,
        "owner",
    ),
    (
        "POST",
        "/api/v1/sessions/<id>/makeup-offers",
        Names::Session,
        "staff|admin",
    ),
    // API: courses (staff side).
    (
        "POST",
        "/api/v1/courses/<id>/publish",
        Names::Course,
        "staff|admin",
    ),
    (
        "POST",
        "/api/v1/courses/<id>/close",
        Names::Course,
        "staff|admin",
    ),
    (
        "POST",
        "/api/v1/courses/<id>/cancel",
        Names::Course,
        "staff|admin",
    ),
    (
        "POST",
        "/api/v1/courses/<id>/capacity",
        Names::Course,
        "staff|admin",
    ),
    (
        "POST",
        "/api/v1/courses/<id>/sessions",
        Names::Course,
        "staff|admin",
    ),
    (
        "GET",
        "/api/v1/courses/<id>/enrollments",
        Names::Course,
        "staff|admin",
    ),
    (
        "GET",
        "/api/v1/courses/<id>/certificates",
        Names::Course,
        "staff|admin",
    ),
    (
        "POST",
        "/api/v1/courses/<id>/certificates",
        Names::Course,
        "staff|admin",
    ),
    (
        "PUT",
        "/api/v1/courses/<id>/refund-policy",
        Names::Course,
        "staff|admin",
    ),
    // API: certificates, receipts, the rest.
    (
        "GET",
        "/api/v1/certificates/<number>",
        Names::CertificateNumber,
        "owner|staff|admin",
    ),
    (
        "GET",
        "/api/v1/certificates/<number>/pdf",
        Names::CertificateNumber,
        "owner|staff|admin",
    ),
    (
        "POST",
        "/api/v1/certificates/<number>/reissue",
        Names::CertificateNumber,
        "staff|admin",
    ),
    (
        "POST",
        "/api/v1/certificates/<number>/revoke",
        Names::CertificateNumber,
        "staff|admin",
    ),
    (
        "GET",
        "/api/v1/receipts/<id>",
        Names::Receipt,
        "owner|staff|admin",
    ),
    (
        "GET",
        "/api/v1/receipts/<id>/pdf",
        Names::Receipt,
        "owner|staff|admin",
    ),
    (
        "POST",
        "/api/v1/bank-imports/<id>/confirm",
        Names::Nothing,
        "staff|admin",
    ),
    (
        "POST",
        "/api/v1/deletion-requests/<id>/complete",
        Names::DeletionRequest,
        "staff|admin",
    ),
    ("PATCH", "/api/v1/users/<id>", Names::User, "admin"),
];

/// Bodies that get past the JSON guard, so that an instructor's request
/// reaches the object-level check instead of stopping at a 422.
fn json_body(method: &str, pattern: &str, today: &str) -> Option<String> {
    match (method, pattern) {
        ("POST", "/api/v1/enrollments/<id>/assessments") => {
            Some(format!(r#"{{"score": 80, "taken_on": "{today}"}}"#))
        }
        ("PUT", "/api/v1/sessions/<id>/attendance") => Some(r#"{"marks": []}"#.to_string()),
        ("POST", "/api/v1/sessions/<id>/self-check-in") => {
            Some(r#"{"code": "000000"}"#.to_string())
        }
        _ => None,
    }
}

/// Routes that end or move the fixture's records run last, so that the
/// routes before them still find the enrollment and course as built.
fn runs_late(pattern: &str) -> u8 {
    const ENDINGS: [&str; 8] = [
        "/cancel",
        "/reject",
        "/transfer",
        "/status",
        "/revoke",
        "/complete",
        "/close",
        "/role",
    ];
    u8::from(ENDINGS.iter().any(|e| pattern.ends_with(e)))
}

/// A route's path pattern without its query part.
fn path_of(uri: &str) -> String {
    uri.split('?').next().unwrap_or(uri).to_string()
}

fn names_a_record(path: &str) -> bool {
    path.contains('<')
}

fn allowed(rule: &str) -> BTreeSet<Who> {
    match rule {
        "anyone" => EVERYONE.into_iter().collect(),
        "user" => EVERYONE
            .into_iter()
            .filter(|w| *w != Who::Anonymous)
            .collect(),
        list => list
            .split('|')
            .map(|label| {
                EVERYONE
                    .into_iter()
                    .find(|w| w.label() == label)
                    .unwrap_or_else(|| panic!("unknown caller {label:?} in the table"))
            })
            .collect(),
    }
}

fn id_for(world: &World, names: Names) -> String {
    match names {
        Names::Course => world.course_id.to_string(),
        Names::Session => world.session_id.to_string(),
        Names::Enrollment => world.enrollment_id.to_string(),
        Names::Certificate => world.certificate_id.to_string(),
        Names::CertificateNumber => percent_encode(&world.certificate_number),
        Names::Receipt => world.receipt_id.to_string(),
        Names::User => world.subject_user_id.to_string(),
        Names::Series => world.series_id.to_string(),
        Names::Outbox => world.outbox_id.to_string(),
        Names::DeletionRequest => world.deletion_request_id.to_string(),
        Names::PastCompletion => world.past_completion_id.to_string(),
        Names::PastCertificate => world.past_certificate_id.to_string(),
        Names::Nothing | Names::Secret => "987654".to_string(),
    }
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn concrete(pattern: &str, id: &str) -> String {
    pattern
        .split('/')
        .map(|seg| if seg.starts_with('<') { id } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

fn method_of(name: &str) -> Method {
    match name {
        "GET" => Method::Get,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "PATCH" => Method::Patch,
        "DELETE" => Method::Delete,
        other => panic!("unexpected method {other}"),
    }
}

/// Every row of the tables a refused request could touch, as text: equal
/// before and after means nothing changed.
pub async fn digest(db: &DatabaseConnection) -> Vec<String> {
    use kouza::entities::*;
    use kouza::services::payment_rows::*;
    macro_rules! dump {
        ($($entity:ident),* $(,)?) => {{
            let mut out = vec![];
            $(
                let rows = $entity::Entity::find().into_json().all(db).await.unwrap();
                out.push(format!("{}: {}", stringify!($entity), serde_json::Value::Array(rows)));
            )*
            out
        }};
    }
    dump!(
        user,
        course,
        course_fee,
        course_question,
        course_subject,
        session,
        session_instructor,
        session_notice,
        enrollment,
        enrollment_event,
        attendance,
        attendance_history,
        assessment,
        outside_credit,
        makeup_booking,
        certificate,
        past_completion,
        past_certificate,
        certificate_series,
        deletion_request,
        mail_outbox,
        audit_log,
        broadcast,
        ledger_entry,
        receipt,
        receipt_print,
        refund_review,
        member_verification,
        course_refund_policy,
        checkout_attempt,
    )
}

/// How a refusal may look for this caller on this route.
fn is_refusal(who: Who, status: Status, location: Option<&str>) -> bool {
    match status {
        Status::Forbidden | Status::NotFound => true,
        Status::Unauthorized => who == Who::Anonymous,
        Status::SeeOther | Status::Found => {
            who == Who::Anonymous && location.is_some_and(|l| l.starts_with("/login"))
        }
        _ => false,
    }
}

#[rocket::async_test]
async fn every_route_naming_a_record_answers_each_caller_as_the_table_decides() {
    let app = spawn().await;
    let world = authz_world::build(&app).await;
    let db = &app.state().db;
    let table: BTreeMap<(String, String), (Names, &str)> = TABLE
        .iter()
        .map(|(m, p, n, w)| ((m.to_string(), p.to_string()), (*n, *w)))
        .collect();
    assert_eq!(table.len(), TABLE.len(), "a route is listed twice");

    let mounted: BTreeSet<(String, String)> = app
        .client
        .rocket()
        .routes()
        .map(|r| (r.method.as_str().to_string(), path_of(&r.uri.to_string())))
        .filter(|(_, path)| names_a_record(path))
        .collect();
    let unclassified: Vec<_> = mounted.iter().filter(|k| !table.contains_key(*k)).collect();
    assert!(
        unclassified.is_empty(),
        "routes naming a record that the table does not classify: {unclassified:#?}"
    );
    let stale: Vec<_> = table.keys().filter(|k| !mounted.contains(*k)).collect();
    assert!(
        stale.is_empty(),
        "table rows for routes no longer mounted: {stale:#?}"
    );

    // Routes anyone logged in may use to create things (applying) go last,
    // so that the other trainee does not become a member of the course early.
    let mut order: Vec<_> = TABLE.iter().collect();
    order.sort_by_key(|(_, pattern, _, who)| (*who == "user", runs_late(pattern)));
    let today = kouza::domain::course::jst_date(app.state().clock.now()).to_string();

    let mut failures = vec![];
    let mut tried = 0;
    for (method, pattern, names, rule) in order {
        if *names == Names::Secret {
            continue;
        }
        let may = allowed(rule);
        let path = concrete(pattern, &id_for(&world, *names));
        let body = json_body(method, pattern, &today);
        let before = digest(db).await;
        for who in EVERYONE.into_iter().filter(|w| !may.contains(w)) {
            tried += 1;
            let response = send(&app, &world, who, method_of(method), &path, body.as_deref()).await;
            let status = response.status();
            let location = response.headers().get_one("Location").map(str::to_string);
            if !is_refusal(who, status, location.as_deref()) {
                failures.push(format!(
                    "{method} {pattern} as {}: {status} {location:?}, expected a refusal",
                    who.label()
                ));
            }
        }
        let after = digest(db).await;
        if before != after {
            let changed: Vec<_> = before
                .iter()
                .zip(&after)
                .filter(|(b, a)| b != a)
                .map(|(b, _)| b.split(':').next().unwrap_or_default().to_string())
                .collect();
            failures.push(format!(
                "{method} {pattern}: refused callers changed {changed:?}"
            ));
        }
        for who in EVERYONE.into_iter().filter(|w| may.contains(w)) {
            tried += 1;
            if *names == Names::Outbox {
                // The caller before may have retried it already.
                authz_world::fail_mail(&app, world.outbox_id).await;
            }
            let response = send(&app, &world, who, method_of(method), &path, body.as_deref()).await;
            let status = response.status();
            let location = response.headers().get_one("Location").map(str::to_string);
            let refused = status == Status::Unauthorized
                || status == Status::Forbidden
                || (status == Status::NotFound && *names != Names::Nothing)
                || location.as_deref().is_some_and(|l| l.starts_with("/login"));
            if refused || status.code >= 500 {
                failures.push(format!(
                    "{method} {pattern} as {}: {status} {location:?}, expected to be let in",
                    who.label()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {tried} (route, caller) pairs disagree with the table:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(tried > 500, "only {tried} pairs tried");
}

#[rocket::async_test]
async fn lists_and_downloads_show_a_caller_only_their_own_rows() {
    let app = spawn().await;
    let world = authz_world::build(&app).await;
    let db = &app.state().db;
    let owner_id = world.user_id(Who::Owner).unwrap();
    let owner = kouza::services::accounts::find(db, owner_id).await.unwrap();
    let body_of = |who: Who, path: String| {
        let world = &world;
        let app = &app;
        async move {
            let response = send(app, world, who, Method::Get, &path, None).await;
            let status = response.status();
            let bytes = response.into_bytes().await.unwrap_or_default();
            (status, String::from_utf8_lossy(&bytes).into_owned())
        }
    };

    // The owner's own lists carry the rows (the control case)…
    for path in [
        "/api/v1/me/enrollments",
        "/api/v1/me/certificates",
        "/api/v1/me/data",
        "/api/v1/me/data.csv",
    ] {
        let (status, body) = body_of(Who::Owner, path.to_string()).await;
        assert_eq!(status, Status::Ok, "{path}");
        assert!(
            body.contains(&owner.email)
                || body.contains(&world.certificate_number)
                || body.contains(&format!("\"id\":{}", world.enrollment_id)),
            "{path} lacks the owner's own rows: {body}"
        );
    }
    // …and nobody else's lists do.
    for who in [
        Who::OtherTrainee,
        Who::CourseInstructor,
        Who::OtherInstructor,
    ] {
        for path in [
            "/api/v1/me/enrollments",
            "/api/v1/me/certificates",
            "/api/v1/me/data",
            "/api/v1/me/data.csv",
        ] {
            let (status, body) = body_of(who, path.to_string()).await;
            assert!(
                status == Status::Ok || status == Status::Forbidden,
                "{path} as {who:?}: {status}"
            );
            assert!(
                !body.contains(&owner.email),
                "{path} as {who:?} shows the owner's address"
            );
            assert!(
                !body.contains(&world.certificate_number),
                "{path} as {who:?} shows the owner's certificate"
            );
            assert!(
                !body.contains(&format!("\"id\":{},", world.enrollment_id)),
                "{path} as {who:?} shows the owner's enrollment"
            );
        }
    }
    // The other trainee's list has their own enrollment, not the owner's.
    let (_, mine) = body_of(Who::OtherTrainee, "/api/v1/me/enrollments".into()).await;
    assert!(
        mine.contains(&format!("\"id\":{}", world.other_enrollment_id)),
        "{mine}"
    );

    // Staff lists of another course are closed to its neighbours' instructor.
    for who in [Who::CourseInstructor, Who::Owner] {
        let (status, _) = body_of(
            who,
            format!("/api/v1/courses/{}/enrollments", world.other_course_id),
        )
        .await;
        assert_eq!(status, Status::Forbidden, "{who:?}");
        let (status, _) = body_of(
            who,
            format!("/staff/courses/{}/enrollments", world.other_course_id),
        )
        .await;
        assert_eq!(status, Status::Forbidden, "{who:?}");
    }

    // An instructor's day shows their own session and not the other's.
    let course = kouza::services::catalog::find(db, world.course_id)
        .await
        .unwrap();
    let day = format!("/instructor?date={}", course.starts_on);
    for (who, own, foreign) in [
        (
            Who::CourseInstructor,
            world.session_id,
            world.other_session_id,
        ),
        (
            Who::OtherInstructor,
            world.other_session_id,
            world.session_id,
        ),
    ] {
        let (status, body) = body_of(who, day.clone()).await;
        assert_eq!(status, Status::Ok);
        assert!(
            body.contains(&format!("/instructor/sessions/{own}\"")),
            "{who:?} misses their session"
        );
        assert!(
            !body.contains(&format!("/instructor/sessions/{foreign}\"")),
            "{who:?} sees another's session"
        );
    }

    // Certificate PDFs and receipts by guessed ids: nothing for the others.
    for guess in world.certificate_id.saturating_sub(3)..world.certificate_id + 4 {
        for who in [
            Who::OtherTrainee,
            Who::CourseInstructor,
            Who::OtherInstructor,
            Who::Anonymous,
        ] {
            let (status, body) = body_of(who, format!("/my/certificates/{guess}/pdf")).await;
            assert!(
                status.code >= 400 && status.code < 500,
                "certificate {guess} as {who:?}: {status}"
            );
            assert!(!body.starts_with("%PDF"));
        }
    }
    for guess in world.receipt_id.saturating_sub(3)..world.receipt_id + 4 {
        for who in [
            Who::OtherTrainee,
            Who::CourseInstructor,
            Who::OtherInstructor,
        ] {
            let (status, _) = body_of(who, format!("/receipts/{guess}/pdf")).await;
            assert!(
                status.code >= 400 && status.code < 500,
                "receipt {guess} as {who:?}: {status}"
            );
            let (status, _) = body_of(who, format!("/api/v1/receipts/{guess}/pdf")).await;
            assert!(
                status.code >= 400 && status.code < 500,
                "API receipt {guess} as {who:?}: {status}"
            );
        }
    }
    let (status, pdf) = body_of(
        Who::Owner,
        format!("/my/certificates/{}/pdf", world.certificate_id),
    )
    .await;
    assert_eq!(status, Status::Ok, "the owner gets their own certificate");
    assert!(pdf.starts_with("%PDF"));
}
