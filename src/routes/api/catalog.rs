//! Catalog API: courses (public list and detail; staff create, publish,
//! schedule) and sites.
use chrono::{DateTime, NaiveDate, Utc};
use rocket::http::Status;
use rocket::response::content::RawJson;
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::accounts::ApiLang;
use crate::auth::{CurrentUser, StaffUser};
use crate::domain::course::{self as rules, CourseKind, CourseStatus};
use crate::domain::course_draft::CourseDraft;
use crate::domain::{DomainError, Role};
use crate::entities::{course, course_fee, session, site};
use crate::error::Error;
use crate::routes::respond::ApiError;
use crate::services::catalog::{self, CourseFilter, Listed};
use crate::services::schedule::{self, SessionInput};
use crate::services::{enrollment, sites};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![
        list_courses,
        get_course,
        create_course,
        publish_course,
        close_course,
        cancel_course,
        set_capacity,
        add_session,
        list_sites,
        create_site
    ]
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SiteView {
    pub id: i64,
    pub name: String,
    pub prefecture: String,
    pub address: String,
}

impl From<site::Model> for SiteView {
    fn from(s: site::Model) -> Self {
        SiteView {
            id: s.id,
            name: s.name,
            prefecture: s.prefecture,
            address: s.address,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CourseItem {
    pub id: i64,
    /// `helper`, `community` or `symposium`.
    pub kind: String,
    pub code: String,
    pub title: String,
    pub site: SiteView,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: i32,
    pub seats_left: i32,
    /// Full, but new applicants join the waitlist.
    pub waitlist_open: bool,
    /// `draft`, `published`, `closed`, `finished` or `cancelled`.
    pub status: String,
    /// Whether enrollment is possible right now.
    pub enrollment_open: bool,
}

pub fn item(listed: Listed, now: DateTime<Utc>) -> CourseItem {
    let seats_left = listed.seats_left();
    let open = enrollment_open(&listed.course, now);
    CourseItem {
        id: listed.course.id,
        waitlist_open: open && seats_left == 0 && listed.course.waitlist_enabled,
        enrollment_open: open && (seats_left > 0 || listed.course.waitlist_enabled),
        kind: listed.course.kind,
        code: listed.course.code,
        title: listed.course.title,
        site: listed.site.into(),
        starts_on: listed.course.starts_on,
        ends_on: listed.course.ends_on,
        capacity: listed.course.capacity,
        seats_left,
        status: listed.course.status,
    }
}

pub fn enrollment_open(course: &course::Model, now: DateTime<Utc>) -> bool {
    course.status == CourseStatus::Published.as_str()
        && rules::enrollment_window(
            now,
            course.enrollment_opens_at,
            course.enrollment_closes_at,
            course.starts_on,
        ) == rules::Window::Open
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CourseQuery {
    /// `helper`, `community` or `symposium`
    pub kind: Option<String>,
    pub prefecture: Option<String>,
    /// `YYYY-MM`: courses starting in that month
    pub month: Option<String>,
    /// words in the title, code, description or site name
    pub q: Option<String>,
    pub has_seats: Option<bool>,
    pub page: Option<u64>,
    /// at most 100
    pub per_page: Option<u64>,
}

/// Turns query parameters into a filter, naming each bad one.
pub fn course_filter(
    kind: Option<&str>,
    prefecture: Option<&str>,
    month: Option<&str>,
    q: Option<&str>,
    has_seats: Option<bool>,
) -> Result<CourseFilter, Vec<DomainError>> {
    let mut errors = vec![];
    let kind = match kind.filter(|k| !k.is_empty()) {
        Some(k) => CourseKind::parse("kind", k)
            .map_err(|e| errors.push(e))
            .ok(),
        None => None,
    };
    let month = match month.filter(|m| !m.is_empty()) {
        Some(m) => {
            let parsed = catalog::parse_month(m);
            if parsed.is_none() {
                errors.push(DomainError::new("month", "err-month-invalid"));
            }
            parsed
        }
        None => None,
    };
    if q.is_some_and(|q| q.chars().count() > 100) {
        errors.push(DomainError::new("q", "err-text-too-long"));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(CourseFilter {
        kind,
        prefecture: prefecture.filter(|p| !p.is_empty()).map(str::to_string),
        site_id: None,
        month,
        q: q.map(str::to_string),
        has_seats: has_seats.unwrap_or(false),
        status: None,
    })
}

pub fn paging(page: Option<u64>, per_page: Option<u64>, default: u64) -> Result<(u64, u64), Error> {
    let per_page = per_page.unwrap_or(default);
    if per_page == 0 || per_page > 100 {
        return Err(Error::invalid("per_page", "err-per-page-invalid"));
    }
    let page = page.unwrap_or(1);
    // Far beyond any real list, and small enough that page × per_page cannot overflow.
    if page == 0 || page > 1_000_000 {
        return Err(Error::invalid("page", "err-page-invalid"));
    }
    Ok((page, per_page))
}

/// The public catalog.
#[utoipa::path(get, path = "/api/v1/courses", tag = "catalog", params(CourseQuery),
    responses((status = 200, body = Page<CourseItem>), (status = 422, body = super::accounts::Problem, content_type = "application/problem+json")))]
#[get("/v1/courses?<kind>&<prefecture>&<month>&<q>&<has_seats>&<page>&<per_page>")]
#[allow(clippy::too_many_arguments)]
async fn list_courses(
    kind: Option<&str>,
    prefecture: Option<&str>,
    month: Option<&str>,
    q: Option<&str>,
    has_seats: Option<bool>,
    page: Option<u64>,
    per_page: Option<u64>,
    state: &State<AppState>,
) -> Result<RawJson<String>, ApiError> {
    // The same for every caller: nothing personal is in it (see `page_cache`).
    let key = format!(
        "api/courses?{kind:?}&{prefecture:?}&{month:?}&{q:?}&{has_seats:?}&{page:?}&{per_page:?}"
    );
    if let Some(hit) = state.pages.get(&key) {
        return Ok(RawJson(hit.to_string()));
    }
    let generation = state.pages.generation();
    let filter = course_filter(kind, prefecture, month, q, has_seats).map_err(Error::Validation)?;
    let (page, per_page) = paging(page, per_page, 20)?;
    let (rows, total) = catalog::list(&state.db, &filter, true, page, per_page).await?;
    let now = state.clock.now();
    let body = serde_json::to_string(&Page {
        items: rows.into_iter().map(|l| item(l, now)).collect(),
        page,
        per_page,
        total,
    })
    .map_err(|e| Error::Internal(e.to_string()))?;
    state
        .pages
        .put(key, generation, std::sync::Arc::from(body.as_str()));
    Ok(RawJson(body))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub id: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub subject_no: Option<i32>,
    pub title: Option<String>,
    pub room: String,
    pub instructor_id: Option<i64>,
    pub makeup_for: Option<i64>,
    pub cancelled: bool,
}

impl From<session::Model> for SessionView {
    fn from(s: session::Model) -> Self {
        SessionView {
            id: s.id,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            subject_no: s.subject_no,
            title: s.title,
            room: s.room,
            instructor_id: s.instructor_id,
            makeup_for: s.makeup_for,
            cancelled: s.cancelled_at.is_some(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeeView {
    pub category: String,
    pub component: String,
    pub amount_yen: i64,
}

impl From<course_fee::Model> for FeeView {
    fn from(f: course_fee::Model) -> Self {
        FeeView {
            category: f.category,
            component: f.component,
            amount_yen: f.amount_yen,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectView {
    pub no: i32,
    pub name: String,
    pub required_minutes: i32,
    pub max_correspondence_minutes: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CourseView {
    #[serde(flatten)]
    pub summary: CourseItem,
    pub description: String,
    pub designation_number: Option<String>,
    pub requires_approval: bool,
    pub waitlist_enabled: bool,
    pub offer_hold_hours: i32,
    pub enrollment_opens_at: Option<DateTime<Utc>>,
    pub enrollment_closes_at: Option<DateTime<Utc>>,
    /// The last day a trainee may cancel by themselves.
    pub cancellation_deadline: NaiveDate,
    pub cancellation_policy: String,
    pub what_to_bring: String,
    pub attendance_threshold_percent: i32,
    pub sessions: Vec<SessionView>,
    pub fees: Vec<FeeView>,
    pub subjects: Vec<SubjectView>,
}

pub async fn course_view(state: &AppState, course: course::Model) -> Result<CourseView, Error> {
    let details = catalog::details(&state.db, course).await?;
    let c = details.course;
    let deadline = rules::cancellation_deadline(c.starts_on, c.cancellation_deadline_days);
    Ok(CourseView {
        description: c.description.clone(),
        designation_number: c.designation_number.clone(),
        requires_approval: c.requires_approval,
        waitlist_enabled: c.waitlist_enabled,
        offer_hold_hours: c.offer_hold_hours,
        enrollment_opens_at: c.enrollment_opens_at,
        enrollment_closes_at: c.enrollment_closes_at,
        cancellation_deadline: deadline,
        cancellation_policy: c.cancellation_policy.clone(),
        what_to_bring: c.what_to_bring.clone(),
        attendance_threshold_percent: c.attendance_threshold_percent,
        sessions: details.sessions.into_iter().map(Into::into).collect(),
        fees: details.fees.into_iter().map(Into::into).collect(),
        subjects: details
            .subjects
            .into_iter()
            .map(|s| SubjectView {
                no: s.no,
                name: s.name,
                required_minutes: s.required_minutes,
                max_correspondence_minutes: s.max_correspondence_minutes,
            })
            .collect(),
        summary: item(
            Listed {
                course: c,
                site: details.site,
            },
            state.clock.now(),
        ),
    })
}

/// One course with its schedule and fees. Unpublished courses exist only for staff.
#[utoipa::path(get, path = "/api/v1/courses/{id}", tag = "catalog", params(("id" = i64, Path, description = "course id")),
    responses((status = 200, body = CourseView), (status = 404, body = super::accounts::Problem, content_type = "application/problem+json")))]
#[get("/v1/courses/<id>")]
async fn get_course(
    id: i64,
    viewer: Option<CurrentUser>,
    state: &State<AppState>,
) -> Result<Json<CourseView>, ApiError> {
    let is_staff = viewer.is_some_and(|v| v.role.at_least(Role::Staff));
    let course = if is_staff {
        catalog::find(&state.db, id).await?
    } else {
        catalog::find_public(&state.db, id).await?
    };
    Ok(Json(course_view(state, course).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewCourseBody {
    pub kind: String,
    pub code: String,
    pub title: String,
    pub site_id: i64,
    pub capacity: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub enrollment_opens_at: Option<DateTime<Utc>>,
    pub enrollment_closes_at: Option<DateTime<Utc>>,
    /// Defaults to true for helper courses.
    pub requires_approval: Option<bool>,
    pub waitlist_enabled: Option<bool>,
    /// Required for helper courses: `shoninsha`, `seikatsu_enjo`, `doko_engo_ippan_2024`.
    pub curriculum_key: Option<String>,
    pub description: Option<String>,
    pub designation_number: Option<String>,
    pub offer_hold_hours: Option<i32>,
    pub cancellation_deadline_days: Option<i32>,
    pub attendance_threshold_percent: Option<i32>,
    pub what_to_bring: Option<String>,
    pub cancellation_policy: Option<String>,
}

/// Create a course (staff); it starts as a draft.
#[utoipa::path(post, path = "/api/v1/courses", tag = "catalog", security(("bearer" = [])), request_body = NewCourseBody,
    responses((status = 201, body = CourseView), (status = 422, body = super::accounts::Problem, content_type = "application/problem+json")))]
#[post("/v1/courses", data = "<body>")]
async fn create_course(
    staff: StaffUser,
    body: Json<NewCourseBody>,
    state: &State<AppState>,
) -> Result<(Status, Json<CourseView>), ApiError> {
    let kind = CourseKind::parse("kind", &body.kind)?;
    let draft = CourseDraft {
        kind,
        code: body.code.clone(),
        title: body.title.clone(),
        description: body.description.clone().unwrap_or_default(),
        site_id: body.site_id,
        capacity: body.capacity,
        starts_on: body.starts_on,
        ends_on: body.ends_on,
        enrollment_opens_at: body.enrollment_opens_at,
        enrollment_closes_at: body.enrollment_closes_at,
        requires_approval: body.requires_approval.unwrap_or(kind.approval_by_default()),
        waitlist_enabled: body.waitlist_enabled.unwrap_or(true),
        offer_hold_hours: body.offer_hold_hours.unwrap_or(48),
        cancellation_deadline_days: body.cancellation_deadline_days.unwrap_or(3),
        attendance_threshold_percent: body.attendance_threshold_percent.unwrap_or(80),
        designation_number: body
            .designation_number
            .clone()
            .filter(|d| !d.trim().is_empty()),
        what_to_bring: body.what_to_bring.clone().unwrap_or_default(),
        cancellation_policy: body.cancellation_policy.clone().unwrap_or_default(),
    };
    let created = catalog::create(
        &state.db,
        staff.0.id,
        &draft,
        body.curriculum_key.as_deref(),
        state.clock.now(),
    )
    .await?;
    Ok((Status::Created, Json(course_view(state, created).await?)))
}

async fn move_course(
    staff: &StaffUser,
    id: i64,
    next: CourseStatus,
    state: &AppState,
) -> Result<Json<CourseView>, ApiError> {
    let course = catalog::set_status(&state.db, staff.0.id, id, next, state.clock.now()).await?;
    Ok(Json(course_view(state, course).await?))
}

/// Publish a draft (staff).
#[utoipa::path(post, path = "/api/v1/courses/{id}/publish", tag = "catalog", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = CourseView), (status = 409, body = super::accounts::Problem, content_type = "application/problem+json")))]
#[post("/v1/courses/<id>/publish")]
async fn publish_course(
    staff: StaffUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Json<CourseView>, ApiError> {
    move_course(&staff, id, CourseStatus::Published, state).await
}

/// Close enrollment (staff).
#[utoipa::path(post, path = "/api/v1/courses/{id}/close", tag = "catalog", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = CourseView), (status = 409, body = super::accounts::Problem, content_type = "application/problem+json")))]
#[post("/v1/courses/<id>/close")]
async fn close_course(
    staff: StaffUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Json<CourseView>, ApiError> {
    move_course(&staff, id, CourseStatus::Closed, state).await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CancelCourseBody {
    #[serde(default)]
    pub reason: String,
}

/// Cancel a course (staff): everyone enrolled is cancelled and told.
#[utoipa::path(post, path = "/api/v1/courses/{id}/cancel", tag = "catalog", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CancelCourseBody,
    responses((status = 200, body = CourseView), (status = 409, body = super::accounts::Problem, content_type = "application/problem+json")))]
#[post("/v1/courses/<id>/cancel", data = "<body>")]
async fn cancel_course(
    staff: StaffUser,
    id: i64,
    body: Json<CancelCourseBody>,
    state: &State<AppState>,
) -> Result<Json<CourseView>, ApiError> {
    let course = crate::services::course_refunds::cancel_course_and_refund(
        &state.db,
        &state.config,
        id,
        staff.0.id,
        &body.reason,
        state.clock.now(),
    )
    .await?;
    Ok(Json(course_view(state, course).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CapacityBody {
    pub capacity: i32,
}

/// Change the number of seats (staff); new seats are offered to the waitlist.
#[utoipa::path(post, path = "/api/v1/courses/{id}/capacity", tag = "catalog", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CapacityBody,
    responses((status = 200, body = CourseView), (status = 422, body = super::accounts::Problem, content_type = "application/problem+json")))]
#[post("/v1/courses/<id>/capacity", data = "<body>")]
async fn set_capacity(
    staff: StaffUser,
    id: i64,
    body: Json<CapacityBody>,
    state: &State<AppState>,
) -> Result<Json<CourseView>, ApiError> {
    let course =
        enrollment::set_capacity(&state.db, id, staff.0.id, body.capacity, state.clock.now())
            .await?;
    Ok(Json(course_view(state, course).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewSessionBody {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub subject_no: Option<i32>,
    pub instructor_id: Option<i64>,
    pub room: Option<String>,
    /// 補講: the session whose subject this one makes up for.
    pub makeup_for: Option<i64>,
    pub title: Option<String>,
}

/// Add a session to a course (staff).
#[utoipa::path(post, path = "/api/v1/courses/{id}/sessions", tag = "catalog", security(("bearer" = [])), params(("id" = i64, Path)), request_body = NewSessionBody,
    responses((status = 201, body = SessionView), (status = 422, body = super::accounts::Problem, content_type = "application/problem+json")))]
#[post("/v1/courses/<id>/sessions", data = "<body>")]
async fn add_session(
    staff: StaffUser,
    id: i64,
    body: Json<NewSessionBody>,
    state: &State<AppState>,
) -> Result<(Status, Json<SessionView>), ApiError> {
    let input = SessionInput {
        starts_at: Some(body.starts_at),
        ends_at: Some(body.ends_at),
        subject_no: body.subject_no,
        title: body.title.clone(),
        room: body.room.clone().unwrap_or_default(),
        instructor_id: body.instructor_id,
        makeup_for: body.makeup_for,
    };
    let row = schedule::add(&state.db, staff.0.id, id, &input, state.clock.now()).await?;
    Ok((Status::Created, Json(row.into())))
}

/// All sites.
#[utoipa::path(get, path = "/api/v1/sites", tag = "catalog", responses((status = 200, body = Vec<SiteView>)))]
#[get("/v1/sites")]
async fn list_sites(state: &State<AppState>) -> Result<Json<Vec<SiteView>>, ApiError> {
    Ok(Json(
        sites::list(&state.db)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewSiteBody {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub prefecture: String,
    #[serde(default)]
    pub address: String,
}

/// Create a site (staff).
#[utoipa::path(post, path = "/api/v1/sites", tag = "catalog", security(("bearer" = [])), request_body = NewSiteBody,
    responses((status = 201, body = SiteView), (status = 422, body = super::accounts::Problem, content_type = "application/problem+json")))]
#[post("/v1/sites", data = "<body>")]
async fn create_site(
    _staff: StaffUser,
    body: Json<NewSiteBody>,
    lang: ApiLang,
    state: &State<AppState>,
) -> Result<(Status, Json<SiteView>), ApiError> {
    let _ = lang;
    let row = sites::create(
        &state.db,
        &body.name,
        &body.prefecture,
        &body.address,
        state.clock.now(),
    )
    .await?;
    Ok((Status::Created, Json(row.into())))
}
