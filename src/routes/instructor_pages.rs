//! 講師 pages: the day's sessions, taking the roll on a phone (one POST saves
//! the whole roster through `attendance::save_roster`: idempotent, kept in
//! the history, a reason for late corrections), 講師出講, the rotating self
//! check-in code and a session's change history. Staff may use them for any
//! session; an instructor only for their own (others are "not found").
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rocket::form::Form;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, FromForm, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::catalog_pages::day_with_weekday;
use super::forms::FormResponse;
use super::respond::PageError;
use super::shell::Shell;
use crate::auth::csrf::CsrfToken;
use crate::auth::{CurrentUser, InstructorUser};
use crate::domain::completion::Mark;
use crate::domain::course::{jst_date, jst_midnight};
use crate::domain::{DomainError, Role};
use crate::entities::{course, course_subject, session};
use crate::error::Error;
use crate::i18n::{format_datetime, jst, t, t_args, Lang};
use crate::reports::attendance_sheet::hours_text;
use crate::services::attendance::{self, MarkInput, RosterRow, Viewer};
use crate::services::{catalog, check_in, schedule, staff_views};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![today, roster_page, roster_save, session_code, history]
}

// ---------------------------------------------------------------------------
// Shared with the other attendance pages.

pub(crate) fn viewer(user: &CurrentUser) -> Viewer {
    Viewer {
        id: user.id,
        is_staff: user.role.at_least(Role::Staff),
    }
}

/// 09:30, in Japan.
pub(crate) fn hm(at: DateTime<Utc>) -> String {
    at.with_timezone(&jst()).format("%H:%M").to_string()
}

pub(crate) fn time_range(lang: Lang, from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    t_args(
        lang,
        "att-time-range",
        &[("from", hm(from)), ("to", hm(to))],
    )
}

/// What a session is about: 「3. 介護の基本」 for a helper course (a 補講
/// names the subject it makes up), else its title.
pub(crate) async fn topic_of(
    state: &AppState,
    lang: Lang,
    at: &session::Model,
    subjects: &[course_subject::Model],
) -> Result<String, Error> {
    let subject = match attendance::counted_subject(&state.db, at).await? {
        Some(no) => subjects.iter().find(|s| s.no == no).map(|s| {
            t_args(
                lang,
                "att-subject-label",
                &[("no", no.to_string()), ("name", s.name.clone())],
            )
        }),
        None => None,
    };
    let mut topic = match (subject, at.title.as_deref()) {
        (Some(subject), Some(title)) => format!("{subject} — {title}"),
        (Some(subject), None) => subject,
        (None, Some(title)) => title.to_string(),
        (None, None) => String::new(),
    };
    if at.makeup_for.is_some() {
        topic = t_args(lang, "att-makeup-topic", &[("topic", topic)]);
    }
    Ok(topic)
}

/// The facts at the top of each session page.
#[derive(Debug, Serialize)]
pub(crate) struct SessionHead {
    id: i64,
    course_id: i64,
    course_title: String,
    course_code: String,
    topic: String,
    day: String,
    time: String,
    room: String,
    length: String,
    cancelled: bool,
    self_check_in: bool,
}

async fn session_head(
    state: &AppState,
    lang: Lang,
    at: &session::Model,
) -> Result<(SessionHead, course::Model), Error> {
    let c = catalog::find(&state.db, at.course_id).await?;
    let subjects = catalog::subjects(&state.db, c.id).await?;
    let head = SessionHead {
        id: at.id,
        course_id: c.id,
        course_title: c.title.clone(),
        course_code: c.code.clone(),
        topic: topic_of(state, lang, at, &subjects).await?,
        day: day_with_weekday(lang, at.starts_at),
        time: time_range(lang, at.starts_at, at.ends_at),
        room: at.room.clone(),
        length: hours_text(lang, attendance::session_minutes(at)),
        cancelled: at.cancelled_at.is_some(),
        self_check_in: c.self_check_in,
    };
    Ok((head, c))
}

// ---------------------------------------------------------------------------
// Today.

#[derive(Serialize)]
struct SessionCard {
    id: i64,
    time: String,
    course_title: String,
    course_code: String,
    topic: String,
    room: String,
    instructor: String,
    cancelled: bool,
}

fn parse_day(raw: Option<&str>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw?.trim(), "%Y-%m-%d").ok()
}

#[get("/instructor?<date>")]
async fn today(
    shell: Shell,
    user: InstructorUser,
    date: Option<String>,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let now = state.clock.now();
    let this_day = jst_date(now);
    let bad_date =
        date.as_deref().is_some_and(|d| !d.is_empty()) && parse_day(date.as_deref()).is_none();
    let day = parse_day(date.as_deref()).unwrap_or(this_day);
    let who = viewer(&user.0);
    let found = attendance::sessions_on(&state.db, who, day).await?;
    let instructor_ids: Vec<i64> = found.iter().filter_map(|(s, _)| s.instructor_id).collect();
    let names = staff_views::names(&state.db, &instructor_ids).await?;
    let mut subjects: HashMap<i64, Vec<course_subject::Model>> = HashMap::new();
    let mut cards = vec![];
    for (s, c) in found {
        if let Entry::Vacant(slot) = subjects.entry(c.id) {
            slot.insert(catalog::subjects(&state.db, c.id).await?);
        }
        let course_subjects = subjects.get(&c.id).map(Vec::as_slice).unwrap_or(&[]);
        cards.push(SessionCard {
            id: s.id,
            time: time_range(lang, s.starts_at, s.ends_at),
            topic: topic_of(state, lang, &s, course_subjects).await?,
            room: s.room.clone(),
            instructor: s
                .instructor_id
                .and_then(|id| names.get(&id).cloned())
                .unwrap_or_default(),
            cancelled: s.cancelled_at.is_some(),
            course_title: c.title,
            course_code: c.code,
        });
    }
    let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    Ok(Template::render(
        "instructor/today",
        context! {
            s: &shell,
            day: day_with_weekday(lang, jst_midnight(day)),
            date_value: iso(day),
            is_today: day == this_day,
            prev: iso(day - Duration::days(1)),
            next: iso(day + Duration::days(1)),
            today: iso(this_day),
            bad_date,
            show_instructor: who.is_staff,
            sessions: cards,
        },
    ))
}

// ---------------------------------------------------------------------------
// The roster.

#[derive(Debug, Serialize)]
struct RowView {
    id: i64,
    name: String,
    kana: String,
    makeup: bool,
    /// The recorded mark, or what was just submitted on a form shown again.
    mark: String,
    /// Whether the server has a mark for this row.
    recorded: bool,
    minutes: String,
    late_minutes: String,
    note: String,
    error: String,
}

#[derive(Serialize)]
struct MarkChoice {
    value: &'static str,
    label: String,
}

#[derive(Serialize)]
struct InstructorChoice {
    id: i64,
    name: String,
    checked: bool,
}

/// What a roster form showed and the user sent back, to show it again.
struct Submitted<'a> {
    form: &'a RosterForm,
    row_errors: BTreeMap<i64, String>,
}

fn row_view(row: RosterRow) -> RowView {
    RowView {
        id: row.enrollment_id,
        name: format!("{} {}", row.family_name, row.given_name),
        kana: format!("{} {}", row.family_name_kana, row.given_name_kana),
        makeup: row.makeup,
        recorded: row.mark.is_some(),
        mark: row.mark.unwrap_or_default(),
        minutes: row.minutes.to_string(),
        late_minutes: row.late_minutes.to_string(),
        note: row.note,
        error: String::new(),
    }
}

async fn instructor_choices(
    state: &AppState,
    at: &session::Model,
    checked: &BTreeSet<i64>,
) -> Result<Vec<InstructorChoice>, Error> {
    // Who might have taught: this session's instructor, those of the
    // course's other sessions, and whoever is recorded already.
    let mut ids: BTreeSet<i64> = checked.clone();
    ids.extend(at.instructor_id);
    ids.extend(
        schedule::for_course(&state.db, at.course_id)
            .await?
            .into_iter()
            .filter_map(|s| s.instructor_id),
    );
    let ids: Vec<i64> = ids.into_iter().collect();
    let names = staff_views::names(&state.db, &ids).await?;
    let mut choices: Vec<InstructorChoice> = ids
        .into_iter()
        .map(|id| InstructorChoice {
            id,
            name: names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")),
            checked: checked.contains(&id),
        })
        .collect();
    choices.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(choices)
}

/// Who taught as recorded, or by default the session's instructor.
async fn taught_by(state: &AppState, at: &session::Model) -> Result<BTreeSet<i64>, Error> {
    let recorded: BTreeSet<i64> = attendance::instructors_of(&state.db, at.id)
        .await?
        .into_iter()
        .collect();
    if recorded.is_empty() {
        Ok(at.instructor_id.into_iter().collect())
    } else {
        Ok(recorded)
    }
}

async fn roster_template(
    shell: &Shell,
    state: &AppState,
    who: Viewer,
    id: i64,
    submitted: Option<Submitted<'_>>,
    errors: &[DomainError],
) -> Result<Template, Error> {
    let lang = shell.language;
    let now = state.clock.now();
    let (at, rows) = attendance::roster(&state.db, id, who).await?;
    let (head, _) = session_head(state, lang, &at).await?;
    let mut rows: Vec<RowView> = rows.into_iter().map(row_view).collect();
    let mut reason = String::new();
    let mut checked = taught_by(state, &at).await?;
    if let Some(sent) = &submitted {
        for row in &mut rows {
            if let Some(input) = sent.form.m.get(&row.id) {
                let status = input.status.clone().unwrap_or_default();
                row.mark = if status.is_empty() && sent.form.all_present.is_some() {
                    Mark::Present.as_str().to_string()
                } else {
                    status
                };
                row.minutes = input.minutes.clone().unwrap_or_default();
                row.late_minutes = input.late_minutes.clone().unwrap_or_default();
                row.note = input.note.clone().unwrap_or_default();
            }
            if let Some(message) = sent.row_errors.get(&row.id) {
                row.error = message.clone();
            }
        }
        reason = sent.form.reason.clone().unwrap_or_default();
        checked = sent.form.taught_by.iter().copied().collect();
    }
    let instructors = instructor_choices(state, &at, &checked).await?;
    let mut reason_error = String::new();
    let mut messages: Vec<String> = vec![];
    for e in errors {
        let message = t(lang, e.key);
        if e.field == "reason" {
            reason_error = message.clone();
        }
        if !messages.contains(&message) {
            messages.push(message);
        }
    }
    if let Some(sent) = &submitted {
        for message in sent.row_errors.values() {
            if !messages.contains(message) {
                messages.push(message.clone());
            }
        }
    }
    let marked = rows.iter().filter(|r| r.recorded).count();
    let correction = now > at.ends_at + Duration::hours(attendance::CORRECTION_GRACE_HOURS);
    Ok(Template::render(
        "instructor/roster",
        context! {
            s: shell,
            h: head,
            total: rows.len(),
            marked,
            unmarked: rows.len() - marked,
            rows,
            marks: Mark::ALL.iter().map(|m| MarkChoice { value: m.as_str(), label: t(lang, m.label_key()) }).collect::<Vec<_>>(),
            instructors,
            reason,
            reason_error,
            messages,
            correction,
            grace_hours: attendance::CORRECTION_GRACE_HOURS,
            length_minutes: attendance::session_minutes(&at),
        },
    ))
}

#[get("/instructor/sessions/<id>")]
async fn roster_page(
    shell: Shell,
    user: InstructorUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    Ok(roster_template(&shell, state, viewer(&user.0), id, None, &[]).await?)
}

#[derive(Debug, FromForm)]
struct RowForm {
    status: Option<String>,
    minutes: Option<String>,
    late_minutes: Option<String>,
    note: Option<String>,
}

#[derive(Debug, FromForm)]
struct RosterForm {
    csrf_token: String,
    /// One entry per trainee, keyed by enrollment id: `m[12].status`.
    m: BTreeMap<i64, RowForm>,
    /// 講師出講: who taught.
    taught_by: Vec<i64>,
    reason: Option<String>,
    /// The "everyone present" button: unmarked rows are sent as present.
    all_present: Option<String>,
}

/// Minutes as typed: empty is "not given"; anything else must be a number.
fn minutes(raw: Option<&str>) -> Result<Option<i32>, ()> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(text) => text.parse::<i32>().map(Some).map_err(|_| ()),
    }
}

/// The marks the form asks for, or per-row messages for what is unreadable.
fn marks_of(lang: Lang, form: &RosterForm) -> Result<Vec<MarkInput>, BTreeMap<i64, String>> {
    let mut inputs = vec![];
    let mut errors = BTreeMap::new();
    for (id, row) in &form.m {
        let status = row.status.as_deref().map(str::trim).unwrap_or("");
        let mark = match (status, form.all_present.is_some()) {
            ("", true) => Mark::Present,
            ("", false) => continue,
            (text, _) => match Mark::parse(text) {
                Some(mark) => mark,
                None => {
                    errors.insert(*id, t(lang, "err-mark-invalid"));
                    continue;
                }
            },
        };
        let (Ok(minutes_attended), Ok(late)) = (
            minutes(row.minutes.as_deref()),
            minutes(row.late_minutes.as_deref()),
        ) else {
            errors.insert(*id, t(lang, "err-minutes-out-of-range"));
            continue;
        };
        inputs.push(MarkInput {
            enrollment_id: *id,
            mark,
            minutes: minutes_attended,
            late_minutes: late.unwrap_or(0),
            note: row.note.clone().unwrap_or_default(),
        });
    }
    if errors.is_empty() {
        Ok(inputs)
    } else {
        Err(errors)
    }
}

async fn redo(
    shell: &Shell,
    state: &AppState,
    who: Viewer,
    id: i64,
    form: &RosterForm,
    row_errors: BTreeMap<i64, String>,
    errors: &[DomainError],
) -> FormResponse {
    let sent = Submitted { form, row_errors };
    match roster_template(shell, state, who, id, Some(sent), errors).await {
        Ok(template) => FormResponse::Redo((Status::UnprocessableEntity, template)),
        Err(e) => e.into(),
    }
}

#[post("/instructor/sessions/<id>", data = "<form>")]
async fn roster_save(
    shell: Shell,
    user: InstructorUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<RosterForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let lang = shell.language;
    let who = viewer(&user.0);
    let here = format!("/instructor/sessions/{id}");
    let inputs = match marks_of(lang, &form) {
        Ok(inputs) => inputs,
        Err(row_errors) => return redo(&shell, state, who, id, &form, row_errors, &[]).await,
    };
    let now = state.clock.now();
    let outcome = match attendance::save_roster_batched(
        &state.writer,
        id,
        who,
        inputs,
        form.reason.clone(),
        now,
    )
    .await
    {
        Ok(outcome) => outcome,
        Err(Error::Validation(errors)) => {
            return redo(&shell, state, who, id, &form, BTreeMap::new(), &errors).await
        }
        Err(Error::Conflict(key)) => {
            return FormResponse::Done(Flash::error(Redirect::to(here), t(lang, key)))
        }
        Err(e) => return e.into(),
    };
    // 講師出講 is written only when it changes, so a resubmitted form stays a no-op.
    let wanted: BTreeSet<i64> = form.taught_by.iter().copied().collect();
    let recorded: BTreeSet<i64> = match attendance::instructors_of(&state.db, id).await {
        Ok(ids) => ids.into_iter().collect(),
        Err(e) => return e.into(),
    };
    if wanted != recorded {
        let ids: Vec<i64> = wanted.into_iter().collect();
        match attendance::set_instructors(&state.db, id, who, &ids, now).await {
            Ok(()) => {}
            Err(Error::Validation(errors)) => {
                return redo(&shell, state, who, id, &form, BTreeMap::new(), &errors).await
            }
            Err(e) => return e.into(),
        }
    }
    FormResponse::Done(Flash::success(
        Redirect::to(here),
        t_args(
            lang,
            "flash-attendance-saved",
            &[
                ("created", outcome.created.to_string()),
                ("changed", outcome.changed.to_string()),
                ("unchanged", outcome.unchanged.to_string()),
            ],
        ),
    ))
}

// ---------------------------------------------------------------------------
// The self check-in code and the history.

#[get("/instructor/sessions/<id>/code")]
async fn session_code(
    shell: Shell,
    user: InstructorUser,
    id: i64,
    state: &State<AppState>,
) -> Result<(Status, Template), PageError> {
    let lang = shell.language;
    let who = viewer(&user.0);
    let at = attendance::session_for(&state.db, id, who).await?;
    let (head, c) = session_head(state, lang, &at).await?;
    let result = if c.self_check_in {
        check_in::session_code(&state.db, id, who, state.clock.now()).await
    } else {
        Err(Error::Conflict("err-self-check-in-off"))
    };
    let (status, code, left, problem) = match result {
        Ok((code, left)) => (Status::Ok, code, left, String::new()),
        Err(Error::Conflict(key)) => (Status::Conflict, String::new(), 0, t(lang, key)),
        Err(e) => return Err(e.into()),
    };
    Ok((
        status,
        Template::render(
            "instructor/code",
            context! {
                s: &shell,
                h: head,
                code,
                left,
                // Reload as the code rolls over (at most every 30 seconds).
                refresh: (left + 1).clamp(1, 30),
                problem,
            },
        ),
    ))
}

#[derive(Serialize)]
struct HistoryRow {
    when: String,
    trainee: String,
    before: String,
    after: String,
    reason: String,
    who: String,
}

fn mark_text(lang: Lang, mark: Option<&str>, minutes: Option<i32>) -> String {
    match (mark.and_then(Mark::parse), minutes) {
        (Some(mark), Some(minutes)) => t_args(
            lang,
            "att-mark-with-minutes",
            &[
                ("mark", t(lang, mark.label_key())),
                ("minutes", minutes.to_string()),
            ],
        ),
        (Some(mark), None) => t(lang, mark.label_key()),
        (None, _) => t(lang, "att-not-recorded"),
    }
}

#[get("/instructor/sessions/<id>/history")]
async fn history(
    shell: Shell,
    user: InstructorUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let (at, rows) = attendance::roster(&state.db, id, viewer(&user.0)).await?;
    let (head, _) = session_head(state, lang, &at).await?;
    let trainees: HashMap<i64, String> = rows
        .into_iter()
        .map(|r| {
            (
                r.enrollment_id,
                format!("{} {}", r.family_name, r.given_name),
            )
        })
        .collect();
    let changes = attendance::history_for_session(&state.db, id).await?;
    let people: Vec<i64> = changes.iter().map(|(_, h)| h.changed_by).collect();
    let names = staff_views::names(&state.db, &people).await?;
    let rows: Vec<HistoryRow> = changes
        .into_iter()
        .rev()
        .map(|(mark, h)| HistoryRow {
            when: format_datetime(lang, h.changed_at),
            trainee: trainees
                .get(&mark.enrollment_id)
                .cloned()
                .unwrap_or_else(|| format!("#{}", mark.enrollment_id)),
            before: mark_text(lang, h.old_mark.as_deref(), h.old_minutes),
            after: mark_text(lang, Some(&h.new_mark), Some(h.new_minutes)),
            reason: h.reason,
            who: names.get(&h.changed_by).cloned().unwrap_or_default(),
        })
        .collect();
    Ok(Template::render(
        "instructor/history",
        context! { s: &shell, h: head, rows },
    ))
}
