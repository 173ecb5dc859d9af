//! Staff (事務局) pages for courses: the list, creating a course, its settings,
//! lifecycle, capacity, fees and questions, and its schedule (sessions, the
//! weekly-pattern generator, subjects and their hours). Handlers parse the
//! form, call a service and render; the rules live in the services.
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};
use rocket::form::Form;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, FromForm, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::forms::FormResponse;
use super::paging::{query_string, Pager};
use super::respond::PageError;
use super::shell::Shell;
use crate::auth::csrf::CsrfToken;
use crate::auth::StaffUser;
use crate::domain::application::PRICE_CATEGORIES;
use crate::domain::course::{self as rules, CourseKind, CourseStatus, EnrollmentStatus};
use crate::domain::course_draft::{parse_date, parse_moment, CourseDraft};
use crate::domain::schedule::WeeklyPattern;
use crate::domain::DomainError;
use crate::entities::{course, course_subject, session};
use crate::error::Error;
use crate::i18n::{jst, t, t_args, Lang};
use crate::services::schedule::{self, SessionInput};
use crate::services::{catalog, enrollment, sites, staff_views};
use crate::state::AppState;

const PER_PAGE: u64 = 50;

/// Fee components (受講料, テキスト代, 保険料, 補講料, 再試験料, 再交付手数料).
pub const FEE_COMPONENTS: [&str; 6] = [
    "tuition",
    "textbook",
    "insurance",
    "makeup",
    "retake",
    "reissue",
];

const QUESTION_KINDS: [&str; 3] = ["text", "choice", "yes_no"];

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

pub fn routes() -> Vec<Route> {
    routes![
        course_list,
        new_course_page,
        create_course,
        course_page,
        update_course,
        change_status,
        cancel_page,
        cancel_course,
        change_capacity,
        set_fees,
        add_question,
        schedule_page,
        add_session,
        edit_session_page,
        update_session,
        cancel_session,
        generate_schedule,
        set_subject
    ]
}

// ---------------------------------------------------------------------------
// Shared by the staff pages.

/// Field → message, for forms whose field names are built at run time.
pub type Errors = BTreeMap<String, String>;

/// Messages for a form's errors; `prefix` maps a service's field name onto
/// the form's own (two forms on one page must not share ids).
pub fn errors_of(lang: Lang, errors: &[DomainError], prefix: &str) -> Errors {
    let mut map = Errors::new();
    for e in errors {
        map.entry(format!("{prefix}{}", e.field))
            .or_insert_with(|| t(lang, e.key));
    }
    map
}

/// An option of a select or a checkbox group.
#[derive(Debug, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: String) -> Choice {
        Choice {
            value: value.into(),
            label,
        }
    }
}

pub fn date_text(lang: Lang, date: NaiveDate) -> String {
    match lang {
        Lang::Ja => crate::domain::wareki::format_seireki(date),
        Lang::En => crate::domain::wareki::format_en(date),
    }
}

/// The value a `datetime-local` input shows for a moment: Japan time.
pub fn local_input(at: Option<DateTime<Utc>>) -> String {
    at.map(|at| {
        at.with_timezone(&jst())
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    })
    .unwrap_or_default()
}

fn time_text(at: DateTime<Utc>) -> String {
    at.with_timezone(&jst()).format("%H:%M").to_string()
}

/// "7時間30分" / "7 h 30 min".
pub fn duration_text(lang: Lang, minutes: i32) -> String {
    let (hours, rest) = (minutes / 60, minutes % 60);
    if rest == 0 {
        t_args(lang, "staff-hours", &[("hours", hours.to_string())])
    } else {
        t_args(
            lang,
            "staff-hours-minutes",
            &[("hours", hours.to_string()), ("minutes", rest.to_string())],
        )
    }
}

pub fn prefecture_choices() -> Vec<Choice> {
    crate::domain::application::PREFECTURES
        .iter()
        .map(|p| Choice::new(*p, (*p).to_string()))
        .collect()
}

pub fn price_choices(lang: Lang) -> Vec<Choice> {
    PRICE_CATEGORIES
        .iter()
        .map(|c| Choice::new(*c, t(lang, &format!("staff-price-{}", c.replace('_', "-")))))
        .collect()
}

/// What an action form says when the service refuses: validation and
/// conflicts become a message for the flash; anything else is a real failure.
pub fn refusal(lang: Lang, error: &Error) -> Option<String> {
    match error {
        Error::Validation(errors) => Some(
            errors
                .iter()
                .map(|e| t(lang, e.key))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Error::Conflict(key) => Some(t(lang, key)),
        Error::NotFound => Some(t(lang, "problem-not-found")),
        _ => None,
    }
}

/// Post/Redirect/Get for an action: a success flash, or the refusal as an
/// error flash on the same page.
pub fn after_action<T>(
    shell: &Shell,
    to: String,
    result: Result<T, Error>,
    success_key: &str,
) -> FormResponse {
    match result {
        Ok(_) => FormResponse::Done(Flash::success(Redirect::to(to), shell.t(success_key))),
        Err(e) => match refusal(shell.language, &e) {
            Some(message) => FormResponse::Done(Flash::error(Redirect::to(to), message)),
            None => FormResponse::Failed(e.into()),
        },
    }
}

fn redo(template: Template) -> FormResponse {
    FormResponse::Redo((Status::UnprocessableEntity, template))
}

/// Renders a page for a form that failed, or fails as a page.
fn redo_with(page: Result<Template, PageError>) -> FormResponse {
    match page {
        Ok(template) => redo(template),
        Err(e) => FormResponse::Failed(e),
    }
}

fn status_label(lang: Lang, status: &str) -> String {
    t(lang, &format!("course-status-{status}"))
}

fn kind_label(lang: Lang, kind: &str) -> String {
    CourseKind::parse("kind", kind)
        .map(|k| t(lang, k.label_key()))
        .unwrap_or_else(|_| kind.to_string())
}

/// The facts shown at the top of every page about one course.
#[derive(Serialize)]
pub struct CourseHead {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub kind: String,
    pub kind_label: String,
    pub status: String,
    pub status_label: String,
    pub dates: String,
    pub site: String,
    pub seats_taken: i32,
    pub capacity: i32,
    pub is_helper: bool,
}

pub async fn course_head(
    state: &AppState,
    lang: Lang,
    c: &course::Model,
) -> Result<CourseHead, Error> {
    let site = sites::find(&state.db, c.site_id).await?;
    Ok(CourseHead {
        id: c.id,
        code: c.code.clone(),
        title: c.title.clone(),
        kind: c.kind.clone(),
        kind_label: kind_label(lang, &c.kind),
        status: c.status.clone(),
        status_label: status_label(lang, &c.status),
        dates: dates_text(lang, c.starts_on, c.ends_on),
        site: site.name,
        seats_taken: c.seats_taken,
        capacity: c.capacity,
        is_helper: c.kind == CourseKind::Helper.as_str(),
    })
}

fn dates_text(lang: Lang, from: NaiveDate, until: NaiveDate) -> String {
    if from == until {
        date_text(lang, from)
    } else {
        t_args(
            lang,
            "staff-date-range",
            &[
                ("from", date_text(lang, from)),
                ("until", date_text(lang, until)),
            ],
        )
    }
}

#[derive(FromForm)]
pub struct CsrfOnly {
    pub csrf_token: String,
}

// ---------------------------------------------------------------------------
// The course list.

#[derive(Serialize)]
struct CourseRow {
    id: i64,
    code: String,
    title: String,
    kind_label: String,
    dates: String,
    site: String,
    status: String,
    status_label: String,
    seats_taken: i32,
    capacity: i32,
    waitlisted: i64,
    pending: i64,
}

#[get("/staff?<status>&<kind>&<q>&<page>")]
async fn course_list(
    shell: Shell,
    _staff: StaffUser,
    status: Option<&str>,
    kind: Option<&str>,
    q: Option<&str>,
    page: Option<u64>,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let mut filter =
        super::api::catalog::course_filter(kind, None, None, q, None).map_err(Error::Validation)?;
    filter.status = match status.filter(|s| !s.is_empty()) {
        Some(s) => Some(
            CourseStatus::parse(s).ok_or(Error::invalid("status", "staff-err-filter-invalid"))?,
        ),
        None => None,
    };
    let page = page.unwrap_or(1).max(1);
    let (listed, total) = catalog::list(&state.db, &filter, false, page, PER_PAGE).await?;
    let ids: Vec<i64> = listed.iter().map(|l| l.course.id).collect();
    let counts = staff_views::course_counts(&state.db, &ids).await?;
    let rows: Vec<CourseRow> = listed
        .into_iter()
        .map(|l| {
            let n = counts.get(&l.course.id).copied().unwrap_or_default();
            CourseRow {
                id: l.course.id,
                kind_label: kind_label(lang, &l.course.kind),
                dates: dates_text(lang, l.course.starts_on, l.course.ends_on),
                site: l.site.name,
                status_label: status_label(lang, &l.course.status),
                status: l.course.status,
                code: l.course.code,
                title: l.course.title,
                seats_taken: l.course.seats_taken,
                capacity: l.course.capacity,
                waitlisted: n.waitlisted,
                pending: n.pending_approval,
            }
        })
        .collect();
    let statuses: Vec<Choice> = CourseStatus::ALL
        .iter()
        .map(|s| Choice::new(s.as_str(), status_label(lang, s.as_str())))
        .collect();
    let kinds: Vec<Choice> = CourseKind::ALL
        .iter()
        .map(|k| Choice::new(k.as_str(), t(lang, k.label_key())))
        .collect();
    Ok(Template::render(
        "staff/courses",
        context! {
            s: &shell,
            rows,
            statuses,
            kinds,
            f: context! { status: status.unwrap_or(""), kind: kind.unwrap_or(""), q: q.unwrap_or("") },
            pager_base: query_string(&[
                ("status", status.unwrap_or("")),
                ("kind", kind.unwrap_or("")),
                ("q", q.unwrap_or("")),
            ]),
            pager: Pager::new(page, total, PER_PAGE),
        },
    ))
}

// ---------------------------------------------------------------------------
// Course settings: the form shared by "new" and "edit".

#[derive(FromForm, Serialize, Default, Clone)]
pub struct CourseForm {
    #[field(default = String::new())]
    kind: String,
    #[field(default = String::new())]
    code: String,
    #[field(default = String::new())]
    title: String,
    #[field(default = String::new())]
    description: String,
    #[field(default = String::new())]
    site_id: String,
    #[field(default = String::new())]
    capacity: String,
    #[field(default = String::new())]
    starts_on: String,
    #[field(default = String::new())]
    ends_on: String,
    #[field(default = String::new())]
    enrollment_opens_at: String,
    #[field(default = String::new())]
    enrollment_closes_at: String,
    requires_approval: bool,
    waitlist_enabled: bool,
    #[field(default = String::new())]
    offer_hold_hours: String,
    #[field(default = String::new())]
    cancellation_deadline_days: String,
    #[field(default = String::new())]
    attendance_threshold_percent: String,
    #[field(default = String::new())]
    designation_number: String,
    #[field(default = String::new())]
    curriculum_key: String,
    #[field(default = String::new())]
    what_to_bring: String,
    #[field(default = String::new())]
    cancellation_policy: String,
    #[serde(skip)]
    #[field(default = String::new())]
    csrf_token: String,
}

impl CourseForm {
    /// A new course's form on first render: helper courses check identity.
    fn defaults(kind: CourseKind) -> CourseForm {
        CourseForm {
            kind: kind.as_str().to_string(),
            requires_approval: kind.approval_by_default(),
            waitlist_enabled: true,
            offer_hold_hours: "48".into(),
            cancellation_deadline_days: "3".into(),
            attendance_threshold_percent: "80".into(),
            ..CourseForm::default()
        }
    }

    fn from_course(c: &course::Model) -> CourseForm {
        CourseForm {
            kind: c.kind.clone(),
            code: c.code.clone(),
            title: c.title.clone(),
            description: c.description.clone(),
            site_id: c.site_id.to_string(),
            capacity: c.capacity.to_string(),
            starts_on: c.starts_on.format("%Y-%m-%d").to_string(),
            ends_on: c.ends_on.format("%Y-%m-%d").to_string(),
            enrollment_opens_at: local_input(c.enrollment_opens_at),
            enrollment_closes_at: local_input(c.enrollment_closes_at),
            requires_approval: c.requires_approval,
            waitlist_enabled: c.waitlist_enabled,
            offer_hold_hours: c.offer_hold_hours.to_string(),
            cancellation_deadline_days: c.cancellation_deadline_days.to_string(),
            attendance_threshold_percent: c.attendance_threshold_percent.to_string(),
            designation_number: c.designation_number.clone().unwrap_or_default(),
            curriculum_key: String::new(),
            what_to_bring: c.what_to_bring.clone(),
            cancellation_policy: c.cancellation_policy.clone(),
            csrf_token: String::new(),
        }
    }

    /// The draft this form describes, with every field that could not even be
    /// read. Unreadable fields get a harmless stand-in so that the draft's own
    /// checks still report the other fields.
    fn draft(
        &self,
        kind: CourseKind,
        existing: Option<&course::Model>,
        today: NaiveDate,
    ) -> (CourseDraft, Vec<DomainError>) {
        let mut errors = vec![];
        let mut number = |field: &'static str, raw: &str, key: &'static str, fallback: i32| {
            raw.trim().parse::<i32>().unwrap_or_else(|_| {
                errors.push(DomainError::new(field, key));
                fallback
            })
        };
        let capacity = match existing {
            Some(c) => c.capacity,
            None => number("capacity", &self.capacity, "err-capacity-invalid", 1),
        };
        let offer_hold_hours = number(
            "offer_hold_hours",
            &self.offer_hold_hours,
            "err-offer-hold-invalid",
            48,
        );
        let cancellation_deadline_days = number(
            "cancellation_deadline_days",
            &self.cancellation_deadline_days,
            "err-deadline-days-invalid",
            3,
        );
        let attendance_threshold_percent = match (kind, existing) {
            (CourseKind::Community, _) => number(
                "attendance_threshold_percent",
                &self.attendance_threshold_percent,
                "err-percent-invalid",
                80,
            ),
            (_, Some(c)) => c.attendance_threshold_percent,
            (_, None) => 80,
        };
        let site_id = match self.site_id.trim() {
            "" => {
                errors.push(DomainError::new("site_id", "err-required"));
                0
            }
            raw => raw.parse::<i64>().unwrap_or_else(|_| {
                errors.push(DomainError::new("site_id", "err-site-unknown"));
                0
            }),
        };
        let starts = parse_date("starts_on", &self.starts_on).map_err(|e| errors.push(e));
        let ends = parse_date("ends_on", &self.ends_on).map_err(|e| errors.push(e));
        let (starts_on, ends_on) = match (starts, ends) {
            (Ok(s), Ok(e)) => (s, e),
            (Ok(s), Err(())) => (s, s),
            (Err(()), Ok(e)) => (e, e),
            (Err(()), Err(())) => (today, today),
        };
        let opens =
            parse_moment("enrollment_opens_at", &self.enrollment_opens_at).unwrap_or_else(|e| {
                errors.push(e);
                None
            });
        let closes = parse_moment("enrollment_closes_at", &self.enrollment_closes_at)
            .unwrap_or_else(|e| {
                errors.push(e);
                None
            });
        let designation_number = Some(self.designation_number.trim())
            .filter(|d| kind == CourseKind::Helper && !d.is_empty())
            .map(str::to_string);
        let draft = CourseDraft {
            kind,
            code: self.code.trim().to_string(),
            title: self.title.clone(),
            description: self.description.trim().to_string(),
            site_id,
            capacity,
            starts_on,
            ends_on,
            enrollment_opens_at: opens,
            enrollment_closes_at: closes,
            requires_approval: self.requires_approval,
            waitlist_enabled: self.waitlist_enabled,
            offer_hold_hours,
            cancellation_deadline_days,
            attendance_threshold_percent,
            designation_number,
            what_to_bring: self.what_to_bring.trim().to_string(),
            cancellation_policy: self.cancellation_policy.trim().to_string(),
        };
        (draft, errors)
    }
}

/// Reading errors first, then whatever the draft's own check finds.
fn draft_errors(draft: &CourseDraft, mut errors: Vec<DomainError>) -> Vec<DomainError> {
    if let Err(more) = draft.check() {
        errors.extend(more);
    }
    errors
}

async fn site_choices(state: &AppState) -> Result<Vec<Choice>, Error> {
    Ok(sites::list(&state.db)
        .await?
        .into_iter()
        .map(|s| Choice::new(s.id.to_string(), format!("{}（{}）", s.name, s.prefecture)))
        .collect())
}

fn kind_of_query(kind: Option<&str>) -> CourseKind {
    kind.and_then(|k| CourseKind::parse("kind", k).ok())
        .unwrap_or(CourseKind::Helper)
}

async fn new_course_template(
    shell: &Shell,
    state: &AppState,
    kind: CourseKind,
    form: &CourseForm,
    errors: &Errors,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let curricula: Vec<Choice> = staff_views::curricula(&state.db)
        .await?
        .into_iter()
        .map(|c| {
            let name = if lang == Lang::En { c.name_en } else { c.name };
            let hours = duration_text(lang, c.total_minutes);
            Choice::new(c.key, format!("{name}（{hours}）"))
        })
        .collect();
    let kinds: Vec<Choice> = CourseKind::ALL
        .iter()
        .map(|k| Choice::new(k.as_str(), t(lang, k.label_key())))
        .collect();
    Ok(Template::render(
        "staff/course_new",
        context! {
            s: shell,
            kind: kind.as_str(),
            is_new: true,
            kind_label: t(lang, kind.label_key()),
            kinds,
            v: form,
            errors,
            sites: site_choices(state).await?,
            curricula,
        },
    ))
}

#[get("/staff/courses/new?<kind>")]
async fn new_course_page(
    shell: Shell,
    _staff: StaffUser,
    kind: Option<&str>,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let kind = kind_of_query(kind);
    new_course_template(
        &shell,
        state,
        kind,
        &CourseForm::defaults(kind),
        &Errors::new(),
    )
    .await
}

#[post("/staff/courses/new", data = "<form>")]
async fn create_course(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    form: Form<CourseForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let lang = shell.language;
    let now = state.clock.now();
    let (kind, kind_error) = match CourseKind::parse("kind", &form.kind) {
        Ok(kind) => (kind, None),
        Err(e) => (CourseKind::Helper, Some(e)),
    };
    let (draft, mut errors) = form.draft(kind, None, rules::jst_date(now));
    errors.extend(kind_error);
    let curriculum_key = Some(form.curriculum_key.trim()).filter(|k| !k.is_empty());
    if kind == CourseKind::Helper && curriculum_key.is_none() {
        errors.push(DomainError::new("curriculum_key", "err-required"));
    }
    let result = if errors.is_empty() {
        catalog::create(&state.db, staff.0.id, &draft, curriculum_key, now).await
    } else {
        Err(Error::Validation(draft_errors(&draft, errors)))
    };
    match result {
        Ok(created) => FormResponse::Done(Flash::success(
            Redirect::to(format!("/staff/courses/{}", created.id)),
            shell.t("staff-flash-course-created"),
        )),
        Err(Error::Validation(errors)) => redo_with(
            new_course_template(&shell, state, kind, &form, &errors_of(lang, &errors, "")).await,
        ),
        Err(e) => e.into(),
    }
}

// ---------------------------------------------------------------------------
// One course: settings, lifecycle, capacity, fees, questions.

#[derive(FromForm, Serialize, Default, Clone)]
struct FeeRow {
    #[field(default = String::new())]
    category: String,
    #[field(default = String::new())]
    component: String,
    #[field(default = String::new())]
    amount: String,
}

impl FeeRow {
    fn is_blank(&self) -> bool {
        self.category.trim().is_empty()
            && self.component.trim().is_empty()
            && self.amount.trim().is_empty()
    }
}

#[derive(FromForm)]
struct FeesForm {
    fees: Vec<FeeRow>,
    csrf_token: String,
}

#[derive(FromForm, Serialize, Default)]
struct QuestionForm {
    #[field(default = String::new())]
    q_kind: String,
    #[field(default = String::new())]
    q_label: String,
    #[field(default = String::new())]
    q_choices: String,
    q_required: bool,
    #[serde(skip)]
    #[field(default = String::new())]
    csrf_token: String,
}

/// What the course page shows in its forms: the stored values, or what was
/// just typed into the one that failed.
#[derive(Default)]
struct CourseForms {
    settings: Option<CourseForm>,
    fees: Option<Vec<FeeRow>>,
    question: Option<QuestionForm>,
    errors: Errors,
}

#[derive(Serialize)]
struct QuestionRow {
    position: i32,
    label: String,
    kind_label: String,
    choices: String,
    required: bool,
}

async fn course_template(
    shell: &Shell,
    state: &AppState,
    id: i64,
    forms: CourseForms,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let c = catalog::find(&state.db, id).await?;
    let head = course_head(state, lang, &c).await?;
    let current = CourseStatus::parse(&c.status).unwrap_or(CourseStatus::Draft);
    let transitions: Vec<Choice> = [
        CourseStatus::Published,
        CourseStatus::Closed,
        CourseStatus::Finished,
    ]
    .into_iter()
    .filter(|next| current.can_become(*next))
    .map(|next| {
        let key = match (current, next) {
            (CourseStatus::Draft, CourseStatus::Published) => "staff-action-publish",
            (_, CourseStatus::Published) => "staff-action-reopen",
            (_, CourseStatus::Closed) => "staff-action-close",
            _ => "staff-action-finish",
        };
        Choice::new(next.as_str(), t(lang, key))
    })
    .collect();
    let counts = staff_views::course_counts(&state.db, &[c.id])
        .await?
        .remove(&c.id)
        .unwrap_or_default();
    let curriculum = match c.curriculum_id {
        Some(cid) => staff_views::curriculum(&state.db, cid).await?.map(|cur| {
            if lang == Lang::En {
                cur.name_en
            } else {
                cur.name
            }
        }),
        None => None,
    };
    let fees = match forms.fees {
        Some(rows) => rows,
        None => catalog::details(&state.db, c.clone())
            .await?
            .fees
            .into_iter()
            .map(|f| FeeRow {
                category: f.category,
                component: f.component,
                amount: f.amount_yen.to_string(),
            })
            .collect(),
    };
    // Room for three more lines below the existing ones.
    let mut fee_rows = fees;
    fee_rows.extend(std::iter::repeat_n(FeeRow::default(), 3));
    let questions: Vec<QuestionRow> = catalog::questions(&state.db, c.id)
        .await?
        .into_iter()
        .map(|q| QuestionRow {
            position: q.position,
            kind_label: t(lang, &format!("staff-question-kind-{}", q.kind)),
            choices: serde_json::from_str::<Vec<String>>(&q.choices)
                .unwrap_or_default()
                .join(" / "),
            label: q.label,
            required: q.required,
        })
        .collect();
    let components: Vec<Choice> = FEE_COMPONENTS
        .iter()
        .map(|c| Choice::new(*c, t(lang, &format!("staff-fee-{c}"))))
        .collect();
    let question_kinds: Vec<Choice> = QUESTION_KINDS
        .iter()
        .map(|k| Choice::new(*k, t(lang, &format!("staff-question-kind-{k}"))))
        .collect();
    let settings = forms
        .settings
        .unwrap_or_else(|| CourseForm::from_course(&c));
    Ok(Template::render(
        "staff/course",
        context! {
            s: shell,
            c: head,
            curriculum,
            waitlisted: counts.waitlisted,
            pending: counts.pending_approval,
            transitions,
            can_cancel: current.can_become(CourseStatus::Cancelled),
            v: settings,
            kind: &c.kind,
            is_new: false,
            sites: site_choices(state).await?,
            fees: fee_rows,
            categories: price_choices(lang),
            components,
            questions,
            question_kinds,
            qv: forms.question.unwrap_or_default(),
            errors: forms.errors,
        },
    ))
}

#[get("/staff/courses/<id>")]
async fn course_page(
    shell: Shell,
    _staff: StaffUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    course_template(&shell, state, id, CourseForms::default()).await
}

#[post("/staff/courses/<id>", data = "<form>")]
async fn update_course(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<CourseForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let now = state.clock.now();
    let existing = match catalog::find(&state.db, id).await {
        Ok(c) => c,
        Err(e) => return e.into(),
    };
    let kind = match CourseKind::parse("kind", &existing.kind) {
        Ok(kind) => kind,
        Err(e) => return Error::from(e).into(),
    };
    let (draft, mut errors) = form.draft(kind, Some(&existing), rules::jst_date(now));
    // `catalog::update` does not look the site up (create does); a stale
    // select must not reach the database as a broken reference.
    if errors.is_empty() && sites::find(&state.db, draft.site_id).await.is_err() {
        errors.push(DomainError::new("site_id", "err-site-unknown"));
    }
    let result = if errors.is_empty() {
        catalog::update(&state.db, staff.0.id, id, &draft, now).await
    } else {
        Err(Error::Validation(draft_errors(&draft, errors)))
    };
    match result {
        Ok(_) => FormResponse::Done(Flash::success(
            Redirect::to(format!("/staff/courses/{id}")),
            shell.t("flash-saved"),
        )),
        Err(Error::Validation(errors)) => {
            let mut settings = form.into_inner();
            settings.kind = existing.kind;
            let forms = CourseForms {
                settings: Some(settings),
                errors: errors_of(shell.language, &errors, ""),
                ..CourseForms::default()
            };
            redo_with(course_template(&shell, state, id, forms).await)
        }
        Err(e) => e.into(),
    }
}

#[derive(FromForm)]
struct StatusForm {
    #[field(default = String::new())]
    status: String,
    csrf_token: String,
}

#[post("/staff/courses/<id>/status", data = "<form>")]
async fn change_status(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<StatusForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    // Cancelling has its own confirmation step: it cancels everyone enrolled.
    let result = match CourseStatus::parse(&form.status) {
        Some(next) if next != CourseStatus::Cancelled => {
            catalog::set_status(&state.db, staff.0.id, id, next, state.clock.now()).await
        }
        _ => Err(Error::Conflict("err-course-transition")),
    };
    after_action(
        &shell,
        format!("/staff/courses/{id}"),
        result,
        "staff-flash-status-changed",
    )
}

async fn cancel_template(
    shell: &Shell,
    state: &AppState,
    id: i64,
    reason: &str,
    errors: &Errors,
) -> Result<Template, PageError> {
    let c = catalog::find(&state.db, id).await?;
    let active = enrollment::for_course(&state.db, id, None, None)
        .await?
        .iter()
        .filter(|e| EnrollmentStatus::parse(&e.status).is_some_and(EnrollmentStatus::is_active))
        .count();
    let head = course_head(state, shell.language, &c).await?;
    Ok(Template::render(
        "staff/course_cancel",
        context! { s: shell, c: head, active, reason, errors },
    ))
}

#[get("/staff/courses/<id>/cancel")]
async fn cancel_page(
    shell: Shell,
    _staff: StaffUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    cancel_template(&shell, state, id, "", &Errors::new()).await
}

#[derive(FromForm)]
struct ReasonForm {
    #[field(default = String::new())]
    reason: String,
    csrf_token: String,
}

#[post("/staff/courses/<id>/cancel", data = "<form>")]
async fn cancel_course(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<ReasonForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let reason = form.reason.trim();
    // The reason goes into every cancellation mail; the page insists on one.
    if reason.is_empty() || reason.chars().count() > 1000 {
        let errors = errors_of(
            shell.language,
            &[DomainError::new("reason", "err-reason-required")],
            "",
        );
        return redo_with(cancel_template(&shell, state, id, &form.reason, &errors).await);
    }
    let result = crate::services::course_refunds::cancel_course_and_refund(
        &state.db,
        &state.config,
        id,
        staff.0.id,
        reason,
        state.clock.now(),
    )
    .await;
    after_action(
        &shell,
        format!("/staff/courses/{id}"),
        result,
        "staff-flash-course-cancelled",
    )
}

#[derive(FromForm)]
struct CapacityForm {
    #[field(default = String::new())]
    capacity: String,
    csrf_token: String,
}

#[post("/staff/courses/<id>/capacity", data = "<form>")]
async fn change_capacity(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<CapacityForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let result = match form.capacity.trim().parse::<i32>() {
        Ok(capacity) => {
            enrollment::set_capacity(&state.db, id, staff.0.id, capacity, state.clock.now()).await
        }
        Err(_) => Err(Error::invalid("capacity", "err-capacity-invalid")),
    };
    after_action(
        &shell,
        format!("/staff/courses/{id}"),
        result,
        "flash-saved",
    )
}

#[post("/staff/courses/<id>/fees", data = "<form>")]
async fn set_fees(
    shell: Shell,
    _staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<FeesForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let lang = shell.language;
    let rows: Vec<FeeRow> = form
        .fees
        .iter()
        .filter(|r| !r.is_blank())
        .cloned()
        .collect();
    let mut errors = Errors::new();
    let mut lines = vec![];
    for (i, row) in rows.iter().enumerate() {
        let mut problem = |field: &str, key: &str| {
            errors
                .entry(format!("fee-{i}-{field}"))
                .or_insert_with(|| t(lang, key));
        };
        if !PRICE_CATEGORIES.contains(&row.category.as_str()) {
            problem("category", "staff-err-fee-category");
        }
        if !FEE_COMPONENTS.contains(&row.component.as_str()) {
            problem("component", "staff-err-fee-component");
        }
        let amount = row.amount.trim();
        match amount.parse::<i64>() {
            Ok(yen) if amount.bytes().all(|b| b.is_ascii_digit()) => {
                lines.push((row.category.clone(), row.component.clone(), yen))
            }
            _ => problem("amount", "err-amount-invalid"),
        }
    }
    if errors.is_empty() {
        match catalog::set_fees(&state.db, id, &lines).await {
            Ok(()) => {
                return FormResponse::Done(Flash::success(
                    Redirect::to(format!("/staff/courses/{id}#fees-title")),
                    shell.t("flash-saved"),
                ))
            }
            Err(Error::Validation(service)) => {
                for e in service {
                    errors.insert("fee-0-amount".into(), t(lang, e.key));
                }
            }
            Err(e) => return e.into(),
        }
    }
    let forms = CourseForms {
        fees: Some(rows),
        errors,
        ..CourseForms::default()
    };
    redo_with(course_template(&shell, state, id, forms).await)
}

#[post("/staff/courses/<id>/questions", data = "<form>")]
async fn add_question(
    shell: Shell,
    _staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<QuestionForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let choices: Vec<String> = if form.q_kind == "choice" {
        form.q_choices
            .lines()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect()
    } else {
        vec![]
    };
    let result = catalog::add_question(
        &state.db,
        id,
        form.q_kind.trim(),
        &form.q_label,
        &choices,
        form.q_required,
    )
    .await;
    match result {
        Ok(_) => FormResponse::Done(Flash::success(
            Redirect::to(format!("/staff/courses/{id}#questions-title")),
            shell.t("staff-flash-question-added"),
        )),
        Err(Error::Validation(errors)) => {
            let forms = CourseForms {
                question: Some(form.into_inner()),
                errors: errors_of(shell.language, &errors, "q_"),
                ..CourseForms::default()
            };
            redo_with(course_template(&shell, state, id, forms).await)
        }
        Err(e) => e.into(),
    }
}

// ---------------------------------------------------------------------------
// The schedule: sessions, the weekly-pattern generator, subjects and hours.

#[derive(FromForm, Serialize, Default)]
struct SessionForm {
    #[field(default = String::new())]
    starts_at: String,
    #[field(default = String::new())]
    ends_at: String,
    #[field(default = String::new())]
    subject_no: String,
    #[field(default = String::new())]
    title: String,
    #[field(default = String::new())]
    room: String,
    #[field(default = String::new())]
    instructor_id: String,
    #[field(default = String::new())]
    makeup_for: String,
    #[serde(skip)]
    #[field(default = String::new())]
    csrf_token: String,
}

impl SessionForm {
    fn from_session(s: &session::Model) -> SessionForm {
        SessionForm {
            starts_at: local_input(Some(s.starts_at)),
            ends_at: local_input(Some(s.ends_at)),
            subject_no: s.subject_no.map(|n| n.to_string()).unwrap_or_default(),
            title: s.title.clone().unwrap_or_default(),
            room: s.room.clone(),
            instructor_id: s.instructor_id.map(|n| n.to_string()).unwrap_or_default(),
            makeup_for: s.makeup_for.map(|n| n.to_string()).unwrap_or_default(),
            csrf_token: String::new(),
        }
    }

    fn input(&self) -> Result<SessionInput, Vec<DomainError>> {
        let mut errors = vec![];
        let mut id = |field: &'static str, raw: &str, key: &'static str| -> Option<i64> {
            match raw.trim() {
                "" => None,
                raw => raw
                    .parse()
                    .map_err(|_| errors.push(DomainError::new(field, key)))
                    .ok(),
            }
        };
        let subject_no = id("subject_no", &self.subject_no, "err-subject-unknown")
            .and_then(|n| i32::try_from(n).ok());
        let instructor_id = id(
            "instructor_id",
            &self.instructor_id,
            "err-instructor-unknown",
        );
        let makeup_for = id("makeup_for", &self.makeup_for, "err-makeup-mismatch");
        let starts_at = parse_moment("starts_at", &self.starts_at).unwrap_or_else(|e| {
            errors.push(e);
            None
        });
        let ends_at = parse_moment("ends_at", &self.ends_at).unwrap_or_else(|e| {
            errors.push(e);
            None
        });
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(SessionInput {
            starts_at,
            ends_at,
            subject_no,
            title: Some(self.title.trim().to_string()).filter(|t| !t.is_empty()),
            room: self.room.trim().to_string(),
            instructor_id,
            makeup_for,
        })
    }
}

#[derive(FromForm, Serialize, Default)]
struct GenerateForm {
    gen_weekdays: Vec<String>,
    #[field(default = String::new())]
    gen_start: String,
    #[field(default = String::new())]
    gen_end: String,
    #[field(default = String::new())]
    gen_from: String,
    #[field(default = String::new())]
    gen_until: String,
    #[field(default = String::new())]
    gen_skip: String,
    #[field(default = String::new())]
    gen_room: String,
    #[serde(skip)]
    #[field(default = String::new())]
    csrf_token: String,
}

impl GenerateForm {
    fn pattern(&self) -> Result<WeeklyPattern, Vec<DomainError>> {
        let mut errors = vec![];
        let mut weekdays = vec![];
        for day in &self.gen_weekdays {
            match WEEKDAYS.iter().find(|(name, _)| name == day) {
                Some((_, weekday)) => weekdays.push(*weekday),
                None => errors.push(DomainError::new("gen_weekdays", "err-schedule-no-weekday")),
            }
        }
        let mut time = |field: &'static str, raw: &str| {
            NaiveTime::parse_from_str(raw.trim(), "%H:%M")
                .map_err(|_| errors.push(DomainError::new(field, "staff-err-time-invalid")))
                .ok()
        };
        let start = time("gen_start", &self.gen_start);
        let end = time("gen_end", &self.gen_end);
        let from = parse_date("gen_from", &self.gen_from).map_err(|e| errors.push(e));
        let until = parse_date("gen_until", &self.gen_until).map_err(|e| errors.push(e));
        let mut skip = vec![];
        for raw in self
            .gen_skip
            .split(|c: char| c.is_whitespace() || c == ',' || c == '、')
            .filter(|d| !d.is_empty())
        {
            match parse_date("gen_skip", raw) {
                Ok(date) => skip.push(date),
                Err(e) => {
                    errors.push(e);
                    break;
                }
            }
        }
        match (start, end, from, until) {
            (Some(start), Some(end), Ok(from), Ok(until)) if errors.is_empty() => {
                Ok(WeeklyPattern {
                    weekdays,
                    start,
                    end,
                    from,
                    until,
                    skip,
                })
            }
            _ => Err(errors),
        }
    }
}

#[derive(FromForm, Serialize, Default)]
struct SubjectForm {
    #[field(default = String::new())]
    subj_no: String,
    #[field(default = String::new())]
    subj_name: String,
    #[field(default = String::new())]
    subj_required_minutes: String,
    #[field(default = String::new())]
    subj_max_correspondence_minutes: String,
    #[serde(skip)]
    #[field(default = String::new())]
    csrf_token: String,
}

impl SubjectForm {
    fn from_subject(s: &course_subject::Model) -> SubjectForm {
        SubjectForm {
            subj_no: s.no.to_string(),
            subj_name: s.name.clone(),
            subj_required_minutes: s.required_minutes.to_string(),
            subj_max_correspondence_minutes: s.max_correspondence_minutes.to_string(),
            csrf_token: String::new(),
        }
    }
}

#[derive(Default)]
struct ScheduleForms {
    session: Option<SessionForm>,
    generate: Option<GenerateForm>,
    subject: Option<SubjectForm>,
    errors: Errors,
}

#[derive(Serialize)]
struct SessionRow {
    id: i64,
    date: String,
    time: String,
    subject: String,
    title: String,
    room: String,
    instructor: String,
    makeup_for: Option<String>,
    cancelled: bool,
}

#[derive(Serialize)]
struct SubjectRow {
    no: i32,
    name: String,
    required: String,
    scheduled: String,
    shortfall: Option<String>,
}

/// Subjects, instructors and earlier sessions to choose from in a session form.
#[derive(Serialize)]
struct SessionChoices {
    subjects: Vec<Choice>,
    instructors: Vec<Choice>,
    makeups: Vec<Choice>,
}

async fn session_choices(
    state: &AppState,
    lang: Lang,
    c: &course::Model,
    sessions: &[session::Model],
    subjects: &[course_subject::Model],
) -> Result<SessionChoices, Error> {
    let subject_name = |no: Option<i32>| {
        no.and_then(|no| subjects.iter().find(|s| s.no == no))
            .map(|s| format!("{}. {}", s.no, s.name))
            .unwrap_or_default()
    };
    let instructors = staff_views::instructors(&state.db)
        .await?
        .into_iter()
        .map(|u| {
            Choice::new(
                u.id.to_string(),
                format!(
                    "{} {}（{} {}）",
                    u.family_name, u.given_name, u.family_name_kana, u.given_name_kana
                ),
            )
        })
        .collect();
    let is_helper = c.kind == CourseKind::Helper.as_str();
    let makeups = sessions
        .iter()
        .filter(|s| is_helper && s.subject_no.is_some())
        .map(|s| {
            Choice::new(
                s.id.to_string(),
                format!(
                    "{} {} {}",
                    date_text(lang, rules::jst_date(s.starts_at)),
                    time_text(s.starts_at),
                    subject_name(s.subject_no)
                ),
            )
        })
        .collect();
    Ok(SessionChoices {
        subjects: subjects
            .iter()
            .map(|s| Choice::new(s.no.to_string(), format!("{}. {}", s.no, s.name)))
            .collect(),
        instructors,
        makeups,
    })
}

async fn schedule_template(
    shell: &Shell,
    state: &AppState,
    id: i64,
    forms: ScheduleForms,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let c = catalog::find(&state.db, id).await?;
    let head = course_head(state, lang, &c).await?;
    let sessions = schedule::for_course(&state.db, id).await?;
    let subjects = catalog::subjects(&state.db, id).await?;
    let choices = session_choices(state, lang, &c, &sessions, &subjects).await?;
    let instructor_ids: Vec<i64> = sessions.iter().filter_map(|s| s.instructor_id).collect();
    let names = staff_views::names(&state.db, &instructor_ids).await?;
    let when = |s: &session::Model| {
        format!(
            "{} {}",
            date_text(lang, rules::jst_date(s.starts_at)),
            time_text(s.starts_at)
        )
    };
    let rows: Vec<SessionRow> = sessions
        .iter()
        .map(|s| SessionRow {
            id: s.id,
            date: date_text(lang, rules::jst_date(s.starts_at)),
            time: t_args(
                lang,
                "staff-time-range",
                &[
                    ("from", time_text(s.starts_at)),
                    ("until", time_text(s.ends_at)),
                ],
            ),
            subject: s
                .subject_no
                .and_then(|no| subjects.iter().find(|x| x.no == no))
                .map(|x| format!("{}. {}", x.no, x.name))
                .unwrap_or_default(),
            title: s.title.clone().unwrap_or_default(),
            room: s.room.clone(),
            instructor: s
                .instructor_id
                .and_then(|i| names.get(&i).cloned())
                .unwrap_or_default(),
            makeup_for: s
                .makeup_for
                .and_then(|m| sessions.iter().find(|x| x.id == m))
                .map(when),
            cancelled: s.cancelled_at.is_some(),
        })
        .collect();
    let totals = schedule::subject_totals(&state.db, id).await?;
    let short = totals
        .iter()
        .filter(|(_, t)| t.shortfall_minutes > 0)
        .count();
    let required: i32 = totals.iter().map(|(_, t)| t.required_minutes).sum();
    let scheduled: i32 = totals.iter().map(|(_, t)| t.scheduled_minutes).sum();
    let subject_rows: Vec<SubjectRow> = totals
        .into_iter()
        .map(|(name, total)| SubjectRow {
            no: total.no,
            name,
            required: duration_text(lang, total.required_minutes),
            scheduled: duration_text(lang, total.scheduled_minutes),
            shortfall: (total.shortfall_minutes > 0)
                .then(|| duration_text(lang, total.shortfall_minutes)),
        })
        .collect();
    let weekdays: Vec<Choice> = WEEKDAYS
        .iter()
        .map(|(name, _)| Choice::new(*name, t(lang, &format!("staff-weekday-{name}"))))
        .collect();
    Ok(Template::render(
        "staff/schedule",
        context! {
            s: shell,
            c: head,
            rows,
            choices,
            subjects: subject_rows,
            short,
            total_required: duration_text(lang, required),
            total_scheduled: duration_text(lang, scheduled),
            weekdays,
            v: forms.session.unwrap_or_default(),
            // The course's own dates are the likely period.
            gv: forms.generate.unwrap_or_else(|| GenerateForm {
                gen_from: c.starts_on.to_string(),
                gen_until: c.ends_on.to_string(),
                ..GenerateForm::default()
            }),
            sv: forms.subject.unwrap_or_default(),
            errors: forms.errors,
        },
    ))
}

#[get("/staff/courses/<id>/schedule?<subject>")]
async fn schedule_page(
    shell: Shell,
    _staff: StaffUser,
    id: i64,
    subject: Option<i32>,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    // `?subject=3` fills the subject form with that subject, to adjust it.
    let prefill = match subject {
        Some(no) => catalog::subjects(&state.db, id)
            .await?
            .iter()
            .find(|s| s.no == no)
            .map(SubjectForm::from_subject),
        None => None,
    };
    let forms = ScheduleForms {
        subject: prefill,
        ..ScheduleForms::default()
    };
    schedule_template(&shell, state, id, forms).await
}

fn schedule_path(id: i64) -> String {
    format!("/staff/courses/{id}/schedule")
}

#[post("/staff/courses/<id>/sessions", data = "<form>")]
async fn add_session(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<SessionForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let result = match form.input() {
        Ok(input) => schedule::add(&state.db, staff.0.id, id, &input, state.clock.now()).await,
        Err(errors) => Err(Error::Validation(errors)),
    };
    match result {
        Ok(_) => FormResponse::Done(Flash::success(
            Redirect::to(schedule_path(id)),
            shell.t("staff-flash-session-added"),
        )),
        Err(Error::Validation(errors)) => {
            let forms = ScheduleForms {
                session: Some(form.into_inner()),
                errors: errors_of(shell.language, &errors, ""),
                ..ScheduleForms::default()
            };
            redo_with(schedule_template(&shell, state, id, forms).await)
        }
        Err(e) => e.into(),
    }
}

async fn edit_session_template(
    shell: &Shell,
    state: &AppState,
    session_id: i64,
    form: Option<SessionForm>,
    errors: &Errors,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let row = schedule::find(&state.db, session_id).await?;
    let c = catalog::find(&state.db, row.course_id).await?;
    let head = course_head(state, lang, &c).await?;
    let sessions: Vec<session::Model> = schedule::for_course(&state.db, c.id)
        .await?
        .into_iter()
        .filter(|s| s.id != session_id)
        .collect();
    let subjects = catalog::subjects(&state.db, c.id).await?;
    let choices = session_choices(state, lang, &c, &sessions, &subjects).await?;
    Ok(Template::render(
        "staff/session_edit",
        context! {
            s: shell,
            c: head,
            session_id,
            cancelled: row.cancelled_at.is_some(),
            choices,
            v: form.unwrap_or_else(|| SessionForm::from_session(&row)),
            errors,
        },
    ))
}

#[get("/staff/sessions/<id>/edit")]
async fn edit_session_page(
    shell: Shell,
    _staff: StaffUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    edit_session_template(&shell, state, id, None, &Errors::new()).await
}

#[post("/staff/sessions/<id>", data = "<form>")]
async fn update_session(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<SessionForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let result = match form.input() {
        Ok(input) => schedule::update(&state.db, staff.0.id, id, &input, state.clock.now()).await,
        Err(errors) => Err(Error::Validation(errors)),
    };
    match result {
        Ok(updated) => FormResponse::Done(Flash::success(
            Redirect::to(schedule_path(updated.course_id)),
            shell.t("flash-saved"),
        )),
        Err(Error::Validation(errors)) => {
            let errors = errors_of(shell.language, &errors, "");
            redo_with(
                edit_session_template(&shell, state, id, Some(form.into_inner()), &errors).await,
            )
        }
        Err(e) => e.into(),
    }
}

#[post("/staff/sessions/<id>/cancel", data = "<form>")]
async fn cancel_session(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<CsrfOnly>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let course_id = match schedule::find(&state.db, id).await {
        Ok(row) => row.course_id,
        Err(e) => return e.into(),
    };
    let result = schedule::cancel(&state.db, staff.0.id, id, state.clock.now()).await;
    after_action(
        &shell,
        schedule_path(course_id),
        result,
        "staff-flash-session-cancelled",
    )
}

#[post("/staff/courses/<id>/schedule/generate", data = "<form>")]
async fn generate_schedule(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<GenerateForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let lang = shell.language;
    let result = match form.pattern() {
        Ok(pattern) => {
            schedule::generate(
                &state.db,
                staff.0.id,
                id,
                &pattern,
                &form.gen_room,
                state.clock.now(),
            )
            .await
        }
        Err(errors) => Err(Error::Validation(errors)),
    };
    match result {
        Ok(created) => FormResponse::Done(Flash::success(
            Redirect::to(schedule_path(id)),
            t_args(
                lang,
                "staff-flash-generated",
                &[("count", created.len().to_string())],
            ),
        )),
        Err(Error::Validation(errors)) => {
            // The pattern's own checks name `weekdays`, `end`, `until`.
            let mut mapped = Errors::new();
            for e in &errors {
                let field = if e.field.starts_with("gen_") {
                    e.field.to_string()
                } else {
                    format!("gen_{}", e.field)
                };
                mapped.entry(field).or_insert_with(|| t(lang, e.key));
            }
            let forms = ScheduleForms {
                generate: Some(form.into_inner()),
                errors: mapped,
                ..ScheduleForms::default()
            };
            redo_with(schedule_template(&shell, state, id, forms).await)
        }
        Err(e) => after_action::<()>(&shell, schedule_path(id), Err(e), ""),
    }
}

#[post("/staff/courses/<id>/subjects", data = "<form>")]
async fn set_subject(
    shell: Shell,
    _staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<SubjectForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let mut errors = vec![];
    let mut number = |field: &'static str, raw: &str, key: &'static str, empty: Option<i32>| match (
        raw.trim(),
        empty,
    ) {
        ("", Some(value)) => value,
        (raw, _) => raw.parse::<i32>().unwrap_or_else(|_| {
            errors.push(DomainError::new(field, key));
            0
        }),
    };
    let no = number("no", &form.subj_no, "err-subject-no-invalid", None);
    let required = number(
        "required_minutes",
        &form.subj_required_minutes,
        "err-minutes-invalid",
        None,
    );
    let correspondence = number(
        "max_correspondence_minutes",
        &form.subj_max_correspondence_minutes,
        "err-correspondence-invalid",
        Some(0),
    );
    let result = if errors.is_empty() {
        catalog::set_subject(&state.db, id, no, &form.subj_name, required, correspondence).await
    } else {
        Err(Error::Validation(errors))
    };
    match result {
        Ok(_) => FormResponse::Done(Flash::success(
            Redirect::to(format!("{}#subjects-title", schedule_path(id))),
            shell.t("flash-saved"),
        )),
        Err(Error::Validation(errors)) => {
            let forms = ScheduleForms {
                subject: Some(form.into_inner()),
                errors: errors_of(shell.language, &errors, "subj_"),
                ..ScheduleForms::default()
            };
            redo_with(schedule_template(&shell, state, id, forms).await)
        }
        Err(e) => e.into(),
    }
}
