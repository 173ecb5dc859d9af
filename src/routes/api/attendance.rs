//! Attendance API: rosters and marking, progress, check-in, assessments and
//! outside credit.
use chrono::{DateTime, NaiveDate, Utc};
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{get, post, put, routes, Route, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::accounts::Problem;
use crate::auth::{CurrentUser, InstructorUser, StaffUser};
use crate::domain::completion::Mark;
use crate::domain::course_draft::parse_date;
use crate::domain::{DomainError, Role};
use crate::error::Error;
use crate::routes::respond::ApiError;
use crate::services::attendance::{self, MarkInput, SaveOutcome, Viewer};
use crate::services::{assessments, check_in, enrollment};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![
        roster,
        save_attendance,
        progress,
        door_check_in,
        session_code,
        self_check_in,
        record_assessment,
        record_outside_credit,
        offer_makeup
    ]
}

fn viewer(user: &CurrentUser) -> Viewer {
    Viewer {
        id: user.id,
        is_staff: user.role.at_least(Role::Staff),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RosterEntry {
    pub enrollment_id: i64,
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
    /// `present, late, left_early, absent, excused`, or null when not yet marked.
    pub status: Option<String>,
    pub minutes: i32,
    pub late_minutes: i32,
    pub note: String,
    /// Here from another cohort for a make-up.
    pub makeup: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RosterView {
    pub session_id: i64,
    pub course_id: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub subject_no: Option<i32>,
    pub session_minutes: i32,
    /// 講師出講: who actually taught.
    pub taught_by: Vec<i64>,
    pub entries: Vec<RosterEntry>,
}

/// A session's roster in フリガナ order: its instructor or staff; others get 404.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/roster", tag = "attendance", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = RosterView), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/v1/sessions/<id>/roster")]
async fn roster(
    user: InstructorUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Json<RosterView>, ApiError> {
    let (at, rows) = attendance::roster(&state.db, id, viewer(&user.0)).await?;
    let taught_by = attendance::instructors_of(&state.db, id).await?;
    Ok(Json(RosterView {
        session_id: at.id,
        course_id: at.course_id,
        starts_at: at.starts_at,
        ends_at: at.ends_at,
        subject_no: at.subject_no,
        session_minutes: attendance::session_minutes(&at),
        taught_by,
        entries: rows
            .into_iter()
            .map(|r| RosterEntry {
                enrollment_id: r.enrollment_id,
                family_name: r.family_name,
                given_name: r.given_name,
                family_name_kana: r.family_name_kana,
                given_name_kana: r.given_name_kana,
                status: r.mark,
                minutes: r.minutes,
                late_minutes: r.late_minutes,
                note: r.note,
                makeup: r.makeup,
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MarkBody {
    pub enrollment_id: i64,
    /// `present, late, left_early, absent, excused`
    pub status: String,
    /// Minutes attended; defaults to the session length (0 when absent).
    pub minutes: Option<i32>,
    #[serde(default)]
    pub late_minutes: i32,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AttendanceBody {
    pub marks: Vec<MarkBody>,
    /// Required for changes made after the session is over.
    pub reason: Option<String>,
    /// 講師出講: instructors who actually taught (optional).
    pub taught_by: Option<Vec<i64>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SaveResult {
    pub created: usize,
    pub changed: usize,
    pub unchanged: usize,
}

impl From<SaveOutcome> for SaveResult {
    fn from(o: SaveOutcome) -> Self {
        SaveResult {
            created: o.created,
            changed: o.changed,
            unchanged: o.unchanged,
        }
    }
}

pub fn parse_marks(marks: &[MarkBody]) -> Result<Vec<MarkInput>, Error> {
    let mut errors = vec![];
    let mut parsed = vec![];
    for mark in marks {
        match Mark::parse(&mark.status) {
            Some(status) => parsed.push(MarkInput {
                enrollment_id: mark.enrollment_id,
                mark: status,
                minutes: mark.minutes,
                late_minutes: mark.late_minutes,
                note: mark.note.clone(),
            }),
            None => errors.push(DomainError::new("status", "err-mark-invalid")),
        }
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(Error::Validation(errors))
    }
}

/// Save the whole roster at once; sending the same marks again changes nothing.
#[utoipa::path(put, path = "/api/v1/sessions/{id}/attendance", tag = "attendance", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = AttendanceBody,
    responses((status = 200, body = SaveResult), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/v1/sessions/<id>/attendance", data = "<body>")]
async fn save_attendance(
    user: InstructorUser,
    id: i64,
    body: Json<AttendanceBody>,
    state: &State<AppState>,
) -> Result<Json<SaveResult>, ApiError> {
    let marks = parse_marks(&body.marks)?;
    let now = state.clock.now();
    let who = viewer(&user.0);
    let outcome =
        attendance::save_roster_batched(&state.writer, id, who, marks, body.reason.clone(), now)
            .await?;
    if let Some(taught_by) = &body.taught_by {
        attendance::set_instructors(&state.db, id, who, taught_by, now).await?;
    }
    Ok(Json(outcome.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectProgressView {
    pub subject_no: i32,
    pub name: String,
    pub required_minutes: i32,
    pub attended_minutes: i32,
    pub correspondence_minutes: i32,
    pub external_minutes: i32,
    pub missing_minutes: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressView {
    pub enrollment_id: i64,
    pub kind: String,
    pub subjects: Vec<SubjectProgressView>,
    pub sessions_held: u32,
    pub sessions_attended: u32,
    pub complete: bool,
    /// The completion rule's verdict, with what is missing.
    #[schema(value_type = Object)]
    pub completion: serde_json::Value,
    /// 中断: why the trainee cannot finish as things stand.
    #[schema(value_type = Option<Object>)]
    pub interruption: Option<serde_json::Value>,
}

/// Per subject: required, attended and missing minutes; and whether complete. Owner or staff.
#[utoipa::path(get, path = "/api/v1/enrollments/{id}/progress", tag = "attendance", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ProgressView), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/v1/enrollments/<id>/progress")]
async fn progress(
    user: CurrentUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Json<ProgressView>, ApiError> {
    enrollment::find_visible(&state.db, id, user.id, user.role.at_least(Role::Staff)).await?;
    let p = attendance::progress(&state.db, id, state.clock.now()).await?;
    Ok(Json(ProgressView {
        enrollment_id: id,
        kind: p.kind,
        subjects: p
            .subjects
            .into_iter()
            .map(|(name, s)| SubjectProgressView {
                subject_no: s.no,
                name,
                required_minutes: s.required_minutes,
                attended_minutes: s.attended_minutes,
                correspondence_minutes: s.correspondence_minutes,
                external_minutes: s.external_minutes,
                missing_minutes: s.missing_minutes,
            })
            .collect(),
        sessions_held: p.sessions_held,
        sessions_attended: p.sessions_attended,
        complete: p.complete,
        completion: serde_json::to_value(&p.completion).unwrap_or_default(),
        interruption: p
            .interruption
            .map(|i| serde_json::to_value(i).unwrap_or_default()),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DoorCheckInBody {
    #[serde(default)]
    pub code: String,
    /// When given, the code must belong to this session's course and the person is marked present.
    pub session_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DoorCheckInResult {
    pub enrollment_id: i64,
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
    pub checked_in_at: Option<DateTime<Utc>>,
    /// True when this person had already checked in (nothing changed).
    pub already: bool,
}

/// Check in at the door with the code from a trainee's QR (staff).
#[utoipa::path(post, path = "/api/v1/check-in", tag = "attendance", security(("bearer" = [])), request_body = DoorCheckInBody,
    responses((status = 200, body = DoorCheckInResult), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/check-in", data = "<body>")]
async fn door_check_in(
    staff: StaffUser,
    body: Json<DoorCheckInBody>,
    state: &State<AppState>,
) -> Result<Json<DoorCheckInResult>, ApiError> {
    let done = check_in::at_the_door(
        &state.db,
        staff.0.id,
        &body.code,
        body.session_id,
        state.clock.now(),
    )
    .await?;
    let e = done.enrollment;
    Ok(Json(DoorCheckInResult {
        enrollment_id: e.id,
        family_name: e.family_name,
        given_name: e.given_name,
        family_name_kana: e.family_name_kana,
        given_name_kana: e.given_name_kana,
        checked_in_at: e.checked_in_at,
        already: done.already,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionCode {
    pub code: String,
    pub valid_for_seconds: i64,
}

/// The rotating self check-in code to show in class (the session's instructor or staff).
#[utoipa::path(get, path = "/api/v1/sessions/{id}/code", tag = "attendance", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = SessionCode), (status = 409, body = Problem, content_type = "application/problem+json")))]
#[get("/v1/sessions/<id>/code")]
async fn session_code(
    user: InstructorUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Json<SessionCode>, ApiError> {
    let (code, left) =
        check_in::session_code(&state.db, id, viewer(&user.0), state.clock.now()).await?;
    Ok(Json(SessionCode {
        code,
        valid_for_seconds: left,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SelfCheckInBody {
    #[serde(default)]
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SelfCheckInResult {
    /// False when a mark already existed (checking in twice is harmless).
    pub marked: bool,
}

/// Mark oneself present with the live code of a session of one's own course.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/self-check-in", tag = "attendance", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = SelfCheckInBody,
    responses((status = 200, body = SelfCheckInResult), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/sessions/<id>/self-check-in", data = "<body>")]
async fn self_check_in(
    user: CurrentUser,
    id: i64,
    body: Json<SelfCheckInBody>,
    state: &State<AppState>,
) -> Result<Json<SelfCheckInResult>, ApiError> {
    let marked =
        check_in::self_check_in(&state.db, user.id, id, &body.code, state.clock.now()).await?;
    Ok(Json(SelfCheckInResult { marked }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AssessmentBody {
    pub score: i32,
    pub pass_mark: Option<i32>,
    /// `YYYY-MM-DD`
    pub taken_on: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentView {
    pub attempt: i32,
    pub score: i32,
    pub pass_mark: i32,
    pub taken_on: NaiveDate,
    pub passed: bool,
}

/// Record a 修了評価 attempt (instructor or staff); a retake is a new attempt.
/// Only helper courses have an assessment; any other course answers 409.
#[utoipa::path(post, path = "/api/v1/enrollments/{id}/assessments", tag = "attendance", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = AssessmentBody,
    responses((status = 201, body = AssessmentView), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/enrollments/<id>/assessments", data = "<body>")]
async fn record_assessment(
    user: InstructorUser,
    id: i64,
    body: Json<AssessmentBody>,
    state: &State<AppState>,
) -> Result<(Status, Json<AssessmentView>), ApiError> {
    let taken_on = parse_date("taken_on", &body.taken_on)?;
    let saved = assessments::record(
        &state.db,
        id,
        viewer(&user.0),
        body.score,
        body.pass_mark,
        taken_on,
        state.clock.now(),
    )
    .await?;
    Ok((
        Status::Created,
        Json(AssessmentView {
            attempt: saved.attempt,
            score: saved.score,
            pass_mark: saved.pass_mark,
            taken_on: saved.taken_on,
            passed: saved.score >= saved.pass_mark,
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OutsideCreditBody {
    pub subject_no: i32,
    /// `correspondence` (通信) or `external_makeup` (補講 at another provider).
    pub kind: String,
    pub minutes: i32,
    pub provider: Option<String>,
    /// Date of the other provider's 受講修了確認書.
    pub confirmed_on: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutsideCreditView {
    pub id: i64,
    pub subject_no: i32,
    pub kind: String,
    pub minutes: i32,
}

/// Record credit from outside the classroom for a subject (staff).
#[utoipa::path(post, path = "/api/v1/enrollments/{id}/outside-credits", tag = "attendance", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = OutsideCreditBody,
    responses((status = 201, body = OutsideCreditView), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/enrollments/<id>/outside-credits", data = "<body>")]
async fn record_outside_credit(
    staff: StaffUser,
    id: i64,
    body: Json<OutsideCreditBody>,
    state: &State<AppState>,
) -> Result<(Status, Json<OutsideCreditView>), ApiError> {
    let confirmed_on = match body.confirmed_on.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => Some(parse_date("confirmed_on", d)?),
        None => None,
    };
    let saved = attendance::record_outside_credit(
        &state.db,
        id,
        staff.0.id,
        body.subject_no,
        &body.kind,
        body.minutes,
        body.provider.as_deref(),
        confirmed_on,
        state.clock.now(),
    )
    .await?;
    Ok((
        Status::Created,
        Json(OutsideCreditView {
            id: saved.id,
            subject_no: saved.subject_no,
            kind: saved.kind,
            minutes: saved.minutes,
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MakeupOfferBody {
    /// The cohort whose trainees missing this subject are offered the session
    /// (the session's own course when omitted).
    pub course_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MakeupOfferResult {
    /// How many trainees were booked and told.
    pub offered: usize,
}

/// Offer a 補講 session to the trainees still missing its subject (staff).
#[utoipa::path(post, path = "/api/v1/sessions/{id}/makeup-offers", tag = "attendance", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = MakeupOfferBody,
    responses((status = 200, body = MakeupOfferResult), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/sessions/<id>/makeup-offers", data = "<body>")]
async fn offer_makeup(
    staff: StaffUser,
    id: i64,
    body: Json<MakeupOfferBody>,
    state: &State<AppState>,
) -> Result<Json<MakeupOfferResult>, ApiError> {
    let at = crate::services::schedule::find(&state.db, id).await?;
    let for_course = body.course_id.unwrap_or(at.course_id);
    let offered =
        attendance::offer_makeup(&state.db, id, for_course, staff.0.id, state.clock.now()).await?;
    Ok(Json(MakeupOfferResult { offered }))
}
