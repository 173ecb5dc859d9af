//! Where a trainee stands, and the course's attendance for staff: the
//! trainee's progress page with the door QR code, staff's trainees × subjects
//! matrix (受講者科目別出席簿) with its CSV and printable version, and one
//! trainee's record of every session. Numbers come from
//! `attendance::progress`; nothing here decides who completed.
use std::collections::hash_map::Entry;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rocket::http::{ContentType, Header};
use rocket::{get, routes, Responder, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::attendance_staff_pages::{record_extras, RecordForms};
use super::catalog_pages::day_with_weekday;
use super::downloads::{csv_file, file_safe, CsvFile};
use super::instructor_pages::{time_range, topic_of};
use super::respond::PageError;
use super::shell::Shell;
use super::staff_courses::course_head;
use crate::auth::{CurrentUser, StaffUser};
use crate::domain::completion::Completion;
use crate::domain::course::{CourseKind, EnrollmentStatus};
use crate::entities::{course, course_subject, enrollment};
use crate::error::Error;
use crate::i18n::{format_datetime, t, Lang};
use crate::reports::attendance_sheet::{self as sheet, hours_text, kana_of, mark_label, name_of};
use crate::reports::course_matrix::{self as matrix, interruption_text};
use crate::services::{attendance, attendance_views, catalog, check_in, enrollment as enrollments};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![
        my_progress,
        my_qr,
        course_matrix,
        course_csv,
        course_print,
        enrollment_record
    ]
}

// ---------------------------------------------------------------------------
// One trainee's progress, for the trainee and for staff.

#[derive(Serialize)]
struct SubjectLine {
    no: i32,
    name: String,
    required: String,
    required_minutes: i32,
    attended_minutes: i32,
    /// Correspondence (通信) and make-ups at other providers.
    other_minutes: i32,
    missing_minutes: i32,
    next_makeup: Option<String>,
}

#[derive(Serialize)]
struct ProgressView {
    kind: String,
    complete: bool,
    assessment: String,
    interruption: Option<String>,
    subjects: Vec<SubjectLine>,
    missing_count: usize,
    sessions_held: u32,
    sessions_attended: u32,
    threshold: i32,
    checked_in: Option<String>,
}

async fn progress_view(
    state: &AppState,
    lang: Lang,
    row: &enrollment::Model,
    c: &course::Model,
    now: DateTime<Utc>,
) -> Result<ProgressView, Error> {
    let p = attendance::progress(&state.db, row.id, now).await?;
    let mut subjects = vec![];
    for (name, s) in &p.subjects {
        let next_makeup = if s.missing_minutes > 0 {
            attendance::next_makeup(&state.db, row.id, s.no, now)
                .await?
                .map(|at| {
                    let mut text = format!(
                        "{} {}",
                        day_with_weekday(lang, at.starts_at),
                        time_range(lang, at.starts_at, at.ends_at)
                    );
                    if !at.room.is_empty() {
                        text = format!("{text} {}", at.room);
                    }
                    text
                })
        } else {
            None
        };
        subjects.push(SubjectLine {
            no: s.no,
            name: name.clone(),
            required: hours_text(lang, s.required_minutes),
            required_minutes: s.required_minutes,
            attended_minutes: s.attended_minutes,
            other_minutes: s.correspondence_minutes + s.external_minutes,
            missing_minutes: s.missing_minutes,
            next_makeup,
        });
    }
    let assessment = match &p.completion {
        Completion::Complete => String::new(),
        Completion::Incomplete { assessment, .. } => t(lang, assessment.label_key()),
    };
    Ok(ProgressView {
        kind: p.kind.clone(),
        complete: p.complete,
        assessment,
        interruption: p.interruption.as_ref().map(|i| interruption_text(lang, i)),
        missing_count: subjects.iter().filter(|s| s.missing_minutes > 0).count(),
        subjects,
        sessions_held: p.sessions_held,
        sessions_attended: p.sessions_attended,
        threshold: c.attendance_threshold_percent,
        checked_in: row.checked_in_at.map(|at| format_datetime(lang, at)),
    })
}

/// Holds a seat, so the door will let them in.
fn seated(row: &enrollment::Model) -> bool {
    matches!(
        EnrollmentStatus::parse(&row.status),
        Some(
            EnrollmentStatus::Confirmed
                | EnrollmentStatus::PendingPayment
                | EnrollmentStatus::Completed
        )
    )
}

fn has_door_code(c: &course::Model) -> bool {
    c.kind != CourseKind::Helper.as_str()
}

#[get("/my/enrollments/<id>/progress")]
async fn my_progress(
    shell: Shell,
    user: CurrentUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let row = enrollments::find_visible(&state.db, id, user.id, false).await?;
    let c = catalog::find(&state.db, row.course_id).await?;
    let view = progress_view(state, lang, &row, &c, state.clock.now()).await?;
    let door_code = if has_door_code(&c) && seated(&row) {
        Some(check_in::code_for(&state.db, row.id).await?)
    } else {
        None
    };
    Ok(Template::render(
        "progress/mine",
        context! {
            s: &shell,
            id,
            course_title: &c.title,
            status_label: super::catalog_pages::status_label(lang, &row.status),
            p: view,
            door_code,
        },
    ))
}

#[derive(Responder)]
struct Svg {
    body: String,
    content_type: ContentType,
    cache: Header<'static>,
}

#[get("/my/enrollments/<id>/qr.svg")]
async fn my_qr(user: CurrentUser, id: i64, state: &State<AppState>) -> Result<Svg, PageError> {
    let row = enrollments::find_visible(&state.db, id, user.id, false).await?;
    let code = check_in::code_for(&state.db, row.id).await?;
    let body = qrcode::QrCode::new(code.as_bytes())
        .map_err(|e| Error::Internal(format!("QR code: {e}")))?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .build();
    Ok(Svg {
        body,
        content_type: ContentType::SVG,
        cache: Header::new("Cache-Control", "private, no-store"),
    })
}

// ---------------------------------------------------------------------------
// Staff: one trainee's record.

#[derive(Serialize)]
struct RecordRow {
    day: String,
    time: String,
    course: Option<String>,
    topic: String,
    cancelled: bool,
    booked: bool,
    mark: String,
    recorded: bool,
    minutes: Option<i32>,
    late_minutes: Option<i32>,
    note: String,
    by: String,
    at: String,
}

#[get("/staff/enrollments/<id>/attendance")]
async fn enrollment_record(
    shell: Shell,
    _staff: StaffUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    Ok(record_template(&shell, state, id, RecordForms::default()).await?)
}

/// One trainee's record page, with the outside-credit and assessment forms
/// in the state given (empty, or as typed with their errors).
pub(super) async fn record_template(
    shell: &Shell,
    state: &AppState,
    id: i64,
    forms: RecordForms,
) -> Result<Template, Error> {
    let lang = shell.language;
    let row = enrollments::find(&state.db, id).await?;
    let c = catalog::find(&state.db, row.course_id).await?;
    let head = course_head(state, lang, &c).await?;
    let view = progress_view(state, lang, &row, &c, state.clock.now()).await?;
    let lines = attendance_views::enrollment_record(&state.db, &row).await?;
    let people: Vec<i64> = lines
        .iter()
        .filter_map(|l| l.mark.as_ref().map(|m| m.recorded_by))
        .collect();
    let names = crate::services::staff_views::names(&state.db, &people).await?;
    let mut subjects: HashMap<i64, Vec<course_subject::Model>> = HashMap::new();
    let mut titles: HashMap<i64, String> = HashMap::new();
    let mut rows = vec![];
    for line in lines {
        let at = &line.session;
        if let Entry::Vacant(slot) = subjects.entry(at.course_id) {
            slot.insert(catalog::subjects(&state.db, at.course_id).await?);
        }
        let course_subjects = subjects
            .get(&at.course_id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let course = if at.course_id == c.id {
            None
        } else {
            if let Entry::Vacant(slot) = titles.entry(at.course_id) {
                let other = catalog::find(&state.db, at.course_id).await?;
                slot.insert(format!("{} {}", other.code, other.title));
            }
            titles.get(&at.course_id).cloned()
        };
        let mark = line.mark.as_ref();
        rows.push(RecordRow {
            day: day_with_weekday(lang, at.starts_at),
            time: time_range(lang, at.starts_at, at.ends_at),
            course,
            topic: topic_of(state, lang, at, course_subjects).await?,
            cancelled: at.cancelled_at.is_some(),
            booked: line.booked,
            mark: mark_label(lang, mark),
            recorded: mark.is_some(),
            minutes: mark.map(|m| m.minutes_attended),
            late_minutes: mark.map(|m| m.late_minutes).filter(|m| *m > 0),
            note: mark.map(|m| m.note.clone()).unwrap_or_default(),
            by: mark
                .and_then(|m| names.get(&m.recorded_by).cloned())
                .unwrap_or_default(),
            at: mark
                .map(|m| format_datetime(lang, m.recorded_at))
                .unwrap_or_default(),
        });
    }
    let x = record_extras(state, lang, &row, &c, forms).await?;
    Ok(Template::render(
        "progress/record",
        context! {
            s: shell,
            c: head,
            id,
            name: name_of(&row),
            kana: kana_of(&row),
            status_label: super::catalog_pages::status_label(lang, &row.status),
            p: view,
            rows,
            x,
        },
    ))
}

// ---------------------------------------------------------------------------
// Staff: the course's matrix, its CSV and its printable page.

#[get("/staff/courses/<id>/attendance")]
async fn course_matrix(
    shell: Shell,
    _staff: StaffUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let c = catalog::find(&state.db, id).await?;
    let head = course_head(state, lang, &c).await?;
    let m = matrix::build(&state.db, lang, &c, state.clock.now()).await?;
    Ok(Template::render(
        "progress/matrix",
        context! { s: &shell, c: head, m },
    ))
}

#[get("/staff/courses/<id>/attendance/print")]
async fn course_print(
    shell: Shell,
    _staff: StaffUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let now = state.clock.now();
    let c = catalog::find(&state.db, id).await?;
    let head = course_head(state, lang, &c).await?;
    let m = matrix::build(&state.db, lang, &c, now).await?;
    Ok(Template::render(
        "progress/print",
        context! {
            s: &shell,
            c: head,
            designation_number: c.designation_number.clone().unwrap_or_default(),
            printed_at: format_datetime(lang, now),
            m,
        },
    ))
}

#[get("/staff/courses/<id>/attendance.csv")]
async fn course_csv(
    staff: StaffUser,
    id: i64,
    state: &State<AppState>,
) -> Result<CsvFile, PageError> {
    let now = state.clock.now();
    let c = catalog::find(&state.db, id).await?;
    crate::services::audit::personal_data_export(
        &state.db,
        staff.0.id,
        "attendance",
        Some(id),
        state.clock.now(),
    )
    .await?;
    let body = if c.kind == CourseKind::Helper.as_str() {
        sheet::helper_sheet(&state.db, &c, now).await?.csv()?
    } else {
        sheet::session_sheet(&state.db, &c, now).await?.csv()?
    };
    Ok(csv_file(
        body,
        format!("attendance-{}.csv", file_safe(&c.code)),
    ))
}
