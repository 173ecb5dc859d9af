//! The public catalog, a course's page and calendar, and the application
//! form (申込). The rules live in the services and in `enrollment_input`
//! (shared with the JSON API); these handlers parse, call and render.
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use rocket::form::{self, DataField, Form, FromForm, ValueField};
use rocket::http::{ContentType, Header, Status};
use rocket::response::content::RawHtml;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Responder, Route, State};
use rocket_dyn_templates::{context, Metadata, Template};
use serde::Serialize;

use super::api::catalog::{course_filter, paging};
use super::enrollment_input::{answer_errors, applicant, ApplicationFields};
use super::forms::{field_errors, FormResponse};
use super::page_cache::{self, PageCache};
use super::respond::PageError;
use super::shell::Shell;
use crate::auth::csrf::CsrfToken;
use crate::auth::CurrentUser;
use crate::domain::application::{
    FormLevel, ACCESSIBILITY_NEEDS, PREFECTURES, PRICE_CATEGORIES, SUPPORT_SCHEMES,
};
use crate::domain::course::{self as rules, CourseKind, CourseStatus, EnrollmentStatus, Window};
use crate::domain::ics::{self, IcsEvent};
use crate::domain::{wareki, DomainError, Role};
use crate::entities::{course, course_question};
use crate::error::Error;
use crate::i18n::{format_datetime, jst, t, t_args, Lang};
use crate::services::accounts;
use crate::services::catalog::{self, CourseDetails};
use crate::services::enrollment::{self, Channel};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![catalog_page, course_page, course_ics, apply_page, apply]
}

const PER_PAGE: u64 = 20;
/// Far beyond any real catalog; keeps the page offset from overflowing.
const MAX_PAGE: u64 = 10_000;

// ---------------------------------------------------------------------------
// Shared with My page: dates, availability, calendars.

/// A date as the page's readers write it: 2027年1月10日 or 10 Jan 2027.
pub(crate) fn date(lang: Lang, day: NaiveDate) -> String {
    match lang {
        Lang::Ja => wareki::format_seireki(day),
        Lang::En => wareki::format_en(day),
    }
}

pub(crate) fn date_range(lang: Lang, from: NaiveDate, to: NaiveDate) -> String {
    if from == to {
        return date(lang, from);
    }
    t_args(
        lang,
        "pub-date-range",
        &[("from", date(lang, from)), ("to", date(lang, to))],
    )
}

fn weekday_key(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "pub-weekday-mon",
        Weekday::Tue => "pub-weekday-tue",
        Weekday::Wed => "pub-weekday-wed",
        Weekday::Thu => "pub-weekday-thu",
        Weekday::Fri => "pub-weekday-fri",
        Weekday::Sat => "pub-weekday-sat",
        Weekday::Sun => "pub-weekday-sun",
    }
}

/// 2027年1月10日（日） / Sun 10 Jan 2027, for the day of a moment in Japan.
pub(crate) fn day_with_weekday(lang: Lang, at: DateTime<Utc>) -> String {
    let day = at.with_timezone(&jst()).date_naive();
    t_args(
        lang,
        "pub-date-weekday",
        &[
            ("date", date(lang, day)),
            ("weekday", t(lang, weekday_key(day.weekday()))),
        ],
    )
}

fn time_range(lang: Lang, from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let hm = |at: DateTime<Utc>| at.with_timezone(&jst()).format("%H:%M").to_string();
    t_args(
        lang,
        "pub-time-range",
        &[("from", hm(from)), ("to", hm(to))],
    )
}

/// ¥33,000
pub(crate) fn yen(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if amount < 0 { "-" } else { "" };
    format!("{sign}¥{grouped}")
}

/// Text typed by staff, as paragraphs: one per non-empty line.
pub(crate) fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

pub(crate) fn kind_label(lang: Lang, kind: &str) -> String {
    CourseKind::parse("kind", kind)
        .map(|k| t(lang, k.label_key()))
        .unwrap_or_default()
}

pub(crate) fn status_label(lang: Lang, status: &str) -> String {
    EnrollmentStatus::parse(status)
        .map(|s| t(lang, s.label_key()))
        .unwrap_or_else(|| status.to_string())
}

/// Whether and how one may apply now, as a badge and the course page say it.
/// Follows the same rules as `enrollment::enroll` and the API's
/// `enrollment_open`: published, inside the window, a seat or a waitlist.
#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(tag = "state", rename_all = "snake_case")]
pub(crate) enum Availability {
    Open { seats_left: i32 },
    Waitlist,
    Full,
    NotYet { opens: String },
    Closed,
}

impl Availability {
    pub(crate) fn of(course: &course::Model, lang: Lang, now: DateTime<Utc>) -> Availability {
        if course.status != CourseStatus::Published.as_str() {
            return Availability::Closed;
        }
        let seats_left = (course.capacity - course.seats_taken).max(0);
        match rules::enrollment_window(
            now,
            course.enrollment_opens_at,
            course.enrollment_closes_at,
            course.starts_on,
        ) {
            Window::NotYet => Availability::NotYet {
                opens: course
                    .enrollment_opens_at
                    .map(|at| format_datetime(lang, at))
                    .unwrap_or_default(),
            },
            Window::Closed => Availability::Closed,
            Window::Open if seats_left > 0 => Availability::Open { seats_left },
            Window::Open if course.waitlist_enabled => Availability::Waitlist,
            Window::Open => Availability::Full,
        }
    }

    fn accepts_applications(&self) -> bool {
        matches!(self, Availability::Open { .. } | Availability::Waitlist)
    }

    /// Why nobody can apply now, as a message key.
    fn refusal_key(&self) -> &'static str {
        match self {
            Availability::NotYet { .. } => "err-enrollment-not-open",
            Availability::Full => "err-course-full",
            _ => "err-enrollment-closed",
        }
    }
}

fn subject_names(details: &CourseDetails) -> HashMap<i32, &str> {
    details
        .subjects
        .iter()
        .map(|s| (s.no, s.name.as_str()))
        .collect()
}

/// What a session is about: its own title, else its subject (helper courses).
fn session_subject(
    session: &crate::entities::session::Model,
    subjects: &HashMap<i32, &str>,
) -> Option<String> {
    session.title.clone().or_else(|| {
        session
            .subject_no
            .and_then(|no| subjects.get(&no).map(|name| name.to_string()))
    })
}

/// The course's sessions as an iCalendar document. With `all_cancelled`
/// (a cancelled enrollment) every event says so, and subscribed calendars
/// drop them.
pub(crate) fn calendar(details: &CourseDetails, all_cancelled: bool) -> String {
    let subjects = subject_names(details);
    let course = &details.course;
    let events: Vec<IcsEvent> = details
        .sessions
        .iter()
        .map(|s| {
            let summary = match session_subject(s, &subjects) {
                Some(subject) => format!("{} — {subject}", course.title),
                None => course.title.clone(),
            };
            let location = [
                details.site.name.as_str(),
                s.room.as_str(),
                details.site.address.as_str(),
            ]
            .iter()
            .filter(|part| !part.trim().is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
            IcsEvent {
                uid: format!("session-{}@kouza", s.id),
                starts_at: s.starts_at,
                ends_at: s.ends_at,
                summary,
                location: Some(location).filter(|l| !l.is_empty()),
                description: Some(course.code.clone()),
                // Sessions keep no revision counter; seconds since creation
                // only grow with each change, which is all SEQUENCE needs.
                sequence: (s.updated_at - s.created_at)
                    .num_seconds()
                    .clamp(0, i64::from(i32::MAX)) as i32,
                cancelled: all_cancelled || s.cancelled_at.is_some(),
                updated_at: s.updated_at,
            }
        })
        .collect();
    ics::calendar(&course.title, &events)
}

/// A `.ics` download.
#[derive(Responder)]
pub(crate) struct IcsFile {
    body: String,
    content_type: ContentType,
    disposition: Header<'static>,
    cache: Header<'static>,
}

pub(crate) fn ics_file(body: String, filename: String, private: bool) -> IcsFile {
    IcsFile {
        body,
        content_type: ContentType::new("text", "calendar").with_params(("charset", "utf-8")),
        disposition: Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ),
        cache: Header::new(
            "Cache-Control",
            if private {
                "private, no-store"
            } else {
                "no-cache"
            },
        ),
    }
}

/// A query-string component (RFC 3986 unreserved characters kept).
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn is_staff(user: Option<&CurrentUser>) -> bool {
    user.is_some_and(|u| u.role.at_least(Role::Staff))
}

/// A course the viewer may see: staff see drafts, everyone else only public ones.
async fn visible_course(
    state: &AppState,
    id: i64,
    viewer: Option<&CurrentUser>,
) -> Result<course::Model, Error> {
    if is_staff(viewer) {
        catalog::find(&state.db, id).await
    } else {
        catalog::find_public(&state.db, id).await
    }
}

// ---------------------------------------------------------------------------
// GET /courses

#[derive(Debug, Default, Serialize)]
struct FilterValues {
    kind: String,
    prefecture: String,
    month: String,
    q: String,
    has_seats: bool,
}

impl FilterValues {
    /// The query string for another page of the same search.
    fn query(&self, page: u64) -> String {
        let mut parts = vec![];
        for (name, value) in [
            ("kind", &self.kind),
            ("prefecture", &self.prefecture),
            ("month", &self.month),
            ("q", &self.q),
        ] {
            if !value.is_empty() {
                parts.push(format!("{name}={}", encode(value)));
            }
        }
        if self.has_seats {
            parts.push("has_seats=1".into());
        }
        parts.push(format!("page={page}"));
        parts.join("&")
    }
}

#[derive(Debug, Serialize)]
struct Choice {
    value: String,
    label: String,
}

#[derive(Debug, Serialize)]
struct CourseCard {
    id: i64,
    kind: String,
    title: String,
    site_name: String,
    prefecture: String,
    dates: String,
    availability: Availability,
}

#[derive(Debug, Serialize)]
struct Pager {
    page: u64,
    pages: u64,
    prev: Option<String>,
    next: Option<String>,
}

fn kind_choices(lang: Lang) -> Vec<Choice> {
    CourseKind::ALL
        .iter()
        .map(|k| Choice {
            value: k.as_str().into(),
            label: t(lang, k.label_key()),
        })
        .collect()
}

fn prefecture_choices() -> Vec<Choice> {
    PREFECTURES
        .iter()
        .map(|p| Choice {
            value: p.to_string(),
            label: p.to_string(),
        })
        .collect()
}

/// Checks the filters; every problem is reported, none is a 500.
fn parse_filters(
    values: &FilterValues,
    page: Option<&str>,
) -> Result<(catalog::CourseFilter, u64), Vec<DomainError>> {
    let mut errors = vec![];
    let filter = course_filter(
        Some(&values.kind),
        Some(&values.prefecture),
        Some(&values.month),
        Some(&values.q),
        Some(values.has_seats),
    )
    .map_err(|e| errors.extend(e))
    .ok();
    if !values.prefecture.is_empty() && !PREFECTURES.contains(&values.prefecture.as_str()) {
        errors.push(DomainError::new("prefecture", "err-prefecture-invalid"));
    }
    let page = match page.map(str::trim).filter(|p| !p.is_empty()) {
        None => Some(1),
        Some(raw) => raw.parse::<u64>().ok().filter(|p| *p <= MAX_PAGE),
    };
    let page = match page.map(|p| paging(Some(p), Some(PER_PAGE), PER_PAGE)) {
        Some(Ok((page, _))) => Some(page),
        _ => {
            errors.push(DomainError::new("page", "err-page-invalid"));
            None
        }
    };
    match (filter, page) {
        (Some(filter), Some(page)) if errors.is_empty() => Ok((filter, page)),
        _ => Err(errors),
    }
}

#[get("/courses?<kind>&<prefecture>&<month>&<q>&<has_seats>&<page>")]
#[allow(clippy::too_many_arguments)]
async fn catalog_page(
    mut shell: Shell,
    kind: Option<String>,
    prefecture: Option<String>,
    month: Option<String>,
    q: Option<String>,
    has_seats: Option<String>,
    page: Option<String>,
    templates: Metadata<'_>,
    state: &State<AppState>,
) -> Result<(Status, RawHtml<String>), PageError> {
    let text = |v: Option<String>| v.map(|s| s.trim().to_string()).unwrap_or_default();
    let values = FilterValues {
        kind: text(kind),
        prefecture: text(prefecture),
        month: text(month),
        q: text(q),
        has_seats: matches!(
            has_seats.as_deref().map(str::trim),
            Some("1" | "on" | "yes" | "true")
        ),
    };
    let key = page_cache::anonymous_key(&shell, &format!("courses?{values:?}&{page:?}"));
    let cache = &state.pages;
    if let Some(hit) = key.as_deref().and_then(|k| cache.get(k)) {
        return Ok((Status::Ok, RawHtml(cache.personalise(&hit, &shell.csrf))));
    }
    let generation = cache.generation();
    let csrf = match key {
        Some(_) => std::mem::replace(&mut shell.csrf, cache.csrf_marker().to_string()),
        None => shell.csrf.clone(),
    };
    let lang = shell.language;
    let (status, errors, cards, total, pager) = match parse_filters(&values, page.as_deref()) {
        Err(errors) => (
            Status::UnprocessableEntity,
            field_errors(lang, &errors),
            vec![],
            0,
            None,
        ),
        Ok((filter, page)) => {
            let (rows, total) = catalog::list(&state.db, &filter, true, page, PER_PAGE).await?;
            let now = state.clock.now();
            let cards: Vec<CourseCard> = rows
                .into_iter()
                .map(|l| CourseCard {
                    id: l.course.id,
                    kind: kind_label(lang, &l.course.kind),
                    dates: date_range(lang, l.course.starts_on, l.course.ends_on),
                    availability: Availability::of(&l.course, lang, now),
                    title: l.course.title,
                    site_name: l.site.name,
                    prefecture: l.site.prefecture,
                })
                .collect();
            let pages = total.div_ceil(PER_PAGE).max(1);
            let pager = Pager {
                page,
                pages,
                prev: (page > 1).then(|| values.query(page.min(pages + 1) - 1)),
                next: (page < pages).then(|| values.query(page + 1)),
            };
            (Status::Ok, Default::default(), cards, total, Some(pager))
        }
    };
    let html = page_cache::render(
        &templates,
        "catalog/index",
        context! {
            s: &shell,
            v: &values,
            errors,
            kinds: kind_choices(lang),
            prefectures: prefecture_choices(),
            courses: cards,
            total,
            pager,
        },
    )?;
    Ok((
        status,
        RawHtml(cached(cache, key, status, generation, html, &csrf)),
    ))
}

/// Keeps an anonymous page for the next visitors and gives this one their own token.
fn cached(
    cache: &PageCache,
    key: Option<String>,
    status: Status,
    generation: u64,
    html: String,
    csrf: &str,
) -> String {
    match key {
        Some(key) => {
            if status == Status::Ok {
                cache.put(key, generation, std::sync::Arc::from(html.as_str()));
            }
            cache.personalise(&html, csrf)
        }
        None => html,
    }
}

// ---------------------------------------------------------------------------
// GET /courses/<id>

#[derive(Debug, Serialize)]
struct SessionRow {
    date: String,
    time: String,
    subject: String,
    room: String,
    cancelled: bool,
    makeup: bool,
}

#[derive(Debug, Serialize)]
struct FeeRow {
    component: String,
    amount: String,
}

#[derive(Debug, Serialize)]
struct FeeGroup {
    category: String,
    rows: Vec<FeeRow>,
    total: Option<String>,
}

#[derive(Debug, Serialize)]
struct Mine {
    status: String,
    waitlist_position: Option<u64>,
}

fn price_label(lang: Lang, category: &str) -> String {
    if PRICE_CATEGORIES.contains(&category) {
        t(lang, &format!("pub-price-{}", category.replace('_', "-")))
    } else {
        category.to_string()
    }
}

const FEE_COMPONENTS: [&str; 6] = [
    "tuition",
    "textbook",
    "insurance",
    "makeup",
    "retake",
    "reissue",
];

fn component_label(lang: Lang, component: &str) -> String {
    if FEE_COMPONENTS.contains(&component) {
        t(lang, &format!("pub-fee-{component}"))
    } else {
        component.to_string()
    }
}

fn session_rows(lang: Lang, details: &CourseDetails) -> Vec<SessionRow> {
    let subjects = subject_names(details);
    details
        .sessions
        .iter()
        .map(|s| SessionRow {
            date: day_with_weekday(lang, s.starts_at),
            time: time_range(lang, s.starts_at, s.ends_at),
            subject: session_subject(s, &subjects).unwrap_or_else(|| details.course.title.clone()),
            room: s.room.clone(),
            cancelled: s.cancelled_at.is_some(),
            makeup: s.makeup_for.is_some(),
        })
        .collect()
}

/// Fee lines grouped by price category, in the order staff entered them.
fn fee_groups(lang: Lang, details: &CourseDetails) -> Vec<FeeGroup> {
    let mut order: Vec<&str> = vec![];
    for fee in &details.fees {
        if !order.contains(&fee.category.as_str()) {
            order.push(&fee.category);
        }
    }
    order
        .into_iter()
        .map(|category| {
            let lines: Vec<_> = details
                .fees
                .iter()
                .filter(|f| f.category == category)
                .collect();
            let sum: i64 = lines.iter().map(|f| f.amount_yen).sum();
            FeeGroup {
                category: price_label(lang, category),
                total: (lines.len() > 1).then(|| yen(sum)),
                rows: lines
                    .into_iter()
                    .map(|f| FeeRow {
                        component: component_label(lang, &f.component),
                        amount: yen(f.amount_yen),
                    })
                    .collect(),
            }
        })
        .collect()
}

#[get("/courses/<id>")]
async fn course_page(
    mut shell: Shell,
    id: i64,
    viewer: Option<CurrentUser>,
    templates: Metadata<'_>,
    state: &State<AppState>,
) -> Result<RawHtml<String>, PageError> {
    let key = match viewer {
        Some(_) => None,
        None => page_cache::anonymous_key(&shell, &format!("course/{id}")),
    };
    let cache = &state.pages;
    if let Some(hit) = key.as_deref().and_then(|k| cache.get(k)) {
        return Ok(RawHtml(cache.personalise(&hit, &shell.csrf)));
    }
    let generation = cache.generation();
    let csrf = match key {
        Some(_) => std::mem::replace(&mut shell.csrf, cache.csrf_marker().to_string()),
        None => shell.csrf.clone(),
    };
    let lang = shell.language;
    let course = visible_course(state, id, viewer.as_ref()).await?;
    let details = catalog::details(&state.db, course).await?;
    let now = state.clock.now();
    let mine = match &viewer {
        Some(user) => match enrollment::active_for(&state.db, id, user.id).await? {
            Some(row) => Some(Mine {
                status: status_label(lang, &row.status),
                waitlist_position: enrollment::waitlist_rank(&state.db, &row).await?,
            }),
            None => None,
        },
        None => None,
    };
    let c = &details.course;
    let availability = Availability::of(c, lang, now);
    let deadline = rules::cancellation_deadline(c.starts_on, c.cancellation_deadline_days);
    let apply_path = format!("/courses/{id}/apply");
    let page = context! {
        id,
        kind: kind_label(lang, &c.kind),
        title: &c.title,
        code: &c.code,
        is_public: CourseStatus::parse(&c.status).is_some_and(CourseStatus::is_public),
        course_status: format!("course-status-{}", c.status),
        designation_number: &c.designation_number,
        description: lines(&c.description),
        site_name: &details.site.name,
        site_prefecture: &details.site.prefecture,
        site_address: &details.site.address,
        dates: date_range(lang, c.starts_on, c.ends_on),
        capacity: c.capacity,
        requires_approval: c.requires_approval,
        sessions: session_rows(lang, &details),
        fees: fee_groups(lang, &details),
        what_to_bring: lines(&c.what_to_bring),
        cancellation_policy: lines(&c.cancellation_policy),
        cancellation_deadline: date(lang, deadline),
        can_apply: availability.accepts_applications(),
        refusal: t(lang, availability.refusal_key()),
        availability,
        mine,
        login_next: encode(&apply_path),
    };
    let html = page_cache::render(&templates, "catalog/show", context! { s: &shell, c: page })?;
    Ok(RawHtml(cached(
        cache,
        key,
        Status::Ok,
        generation,
        html,
        &csrf,
    )))
}

#[get("/courses/<id>/schedule.ics")]
async fn course_ics(
    id: i64,
    viewer: Option<CurrentUser>,
    state: &State<AppState>,
) -> Result<IcsFile, PageError> {
    let course = visible_course(state, id, viewer.as_ref()).await?;
    let details = catalog::details(&state.db, course).await?;
    Ok(ics_file(
        calendar(&details, false),
        format!("course-{id}.ics"),
        false,
    ))
}

// ---------------------------------------------------------------------------
// GET/POST /courses/<id>/apply

/// Every field of a form as sent, in order, repeated names included: the
/// application has a multi-value field (`accessibility`) and one field per
/// course question (`q_<id>`), which a fixed struct cannot name.
pub struct RawFields(Vec<(String, String)>);

#[rocket::async_trait]
impl<'r> FromForm<'r> for RawFields {
    type Context = Vec<(String, String)>;

    fn init(_opts: form::Options) -> Self::Context {
        vec![]
    }

    fn push_value(ctxt: &mut Self::Context, field: ValueField<'r>) {
        ctxt.push((
            field.name.source().as_str().to_string(),
            field.value.to_string(),
        ));
    }

    async fn push_data(_ctxt: &mut Self::Context, _field: DataField<'r, '_>) {}

    fn finalize(ctxt: Self::Context) -> form::Result<'r, Self> {
        Ok(RawFields(ctxt))
    }
}

impl RawFields {
    fn text(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn checked(&self, name: &str) -> bool {
        self.0
            .iter()
            .any(|(n, v)| n == name && matches!(v.as_str(), "yes" | "on" | "true" | "1"))
    }

    fn answers(&self) -> BTreeMap<i64, String> {
        self.0
            .iter()
            .filter_map(|(n, v)| {
                let id = n.strip_prefix("q_")?.parse::<i64>().ok()?;
                Some((id, v.clone()))
            })
            .collect()
    }
}

/// What the form shows: the user's input (or the account's data at first).
#[derive(Debug, Default, Clone, Serialize)]
struct ApplyValues {
    family_name: String,
    given_name: String,
    family_name_kana: String,
    given_name_kana: String,
    birth_date: String,
    postal_code: String,
    prefecture: String,
    address: String,
    phone: String,
    price_category: String,
    member_number: String,
    support_scheme: String,
    qualifications: String,
    accessibility: Vec<String>,
    companions: String,
    special_care_notes: String,
    special_care_consent: bool,
    consent: bool,
    #[serde(skip)]
    answers: BTreeMap<i64, String>,
}

impl ApplyValues {
    fn from_form(raw: &RawFields) -> ApplyValues {
        ApplyValues {
            family_name: raw.text("family_name"),
            given_name: raw.text("given_name"),
            family_name_kana: raw.text("family_name_kana"),
            given_name_kana: raw.text("given_name_kana"),
            birth_date: raw.text("birth_date"),
            postal_code: raw.text("postal_code"),
            prefecture: raw.text("prefecture"),
            address: raw.text("address"),
            phone: raw.text("phone"),
            price_category: raw.text("price_category"),
            member_number: raw.text("member_number"),
            support_scheme: raw.text("support_scheme"),
            qualifications: raw.text("qualifications"),
            accessibility: raw.all("accessibility"),
            companions: raw.text("companions"),
            special_care_notes: raw.text("special_care_notes"),
            special_care_consent: raw.checked("special_care_consent"),
            consent: raw.checked("consent"),
            answers: raw.answers(),
        }
    }

    /// Only the fields the course's form shows go to the checks, so a
    /// stray field cannot cause an error next to nothing.
    fn fields(&self, level: FormLevel) -> ApplicationFields {
        let full = level == FormLevel::Full;
        let minimal = level == FormLevel::Minimal;
        let only = |show: bool, value: &String| if show { value.clone() } else { String::new() };
        ApplicationFields {
            family_name: self.family_name.clone(),
            given_name: self.given_name.clone(),
            family_name_kana: self.family_name_kana.clone(),
            given_name_kana: self.given_name_kana.clone(),
            birth_date: only(full, &self.birth_date),
            postal_code: only(full, &self.postal_code),
            prefecture: only(full, &self.prefecture),
            address: only(full, &self.address),
            phone: only(!minimal, &self.phone),
            price_category: self.price_category.clone(),
            member_number: self.member_number.clone(),
            support_scheme: only(full, &self.support_scheme),
            qualifications: only(full, &self.qualifications),
            accessibility: if minimal {
                self.accessibility.clone()
            } else {
                vec![]
            },
            companions: only(minimal, &self.companions),
            special_care_notes: self.special_care_notes.clone(),
            special_care_consent: self.special_care_consent,
            consent: self.consent,
            answers: self.answers.clone(),
        }
    }
}

/// The form's fields in page order, for the error summary.
const FIELDS_BEFORE_QUESTIONS: [&str; 15] = [
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "postal_code",
    "prefecture",
    "address",
    "phone",
    "price_category",
    "member_number",
    "support_scheme",
    "qualifications",
    "accessibility",
    "companions",
];
const FIELDS_AFTER_QUESTIONS: [&str; 3] = ["consent", "special_care_notes", "special_care_consent"];

/// The label of a form field, as the form shows it.
fn field_label_key(field: &str) -> Option<&'static str> {
    Some(match field {
        "family_name" => "field-family-name",
        "given_name" => "field-given-name",
        "family_name_kana" => "field-family-name-kana",
        "given_name_kana" => "field-given-name-kana",
        "birth_date" => "pub-field-birth-date",
        "postal_code" => "pub-field-postal-code",
        "prefecture" => "pub-field-prefecture",
        "address" => "pub-field-address",
        "phone" => "pub-field-phone",
        "price_category" => "pub-field-price-category",
        "member_number" => "pub-field-member-number",
        "support_scheme" => "pub-field-support-scheme",
        "qualifications" => "pub-field-qualifications",
        "accessibility" => "pub-field-accessibility",
        "companions" => "pub-field-companions",
        "consent" => "pub-apply-section-consent",
        "special_care_notes" => "pub-field-special-care-notes",
        "special_care_consent" => "pub-apply-section-care",
        _ => return None,
    })
}

#[derive(Debug, Default, Serialize)]
struct ErrorItem {
    field: String,
    message: String,
}

/// Errors by field (for the fields) and in page order (for the summary).
#[derive(Debug, Default)]
struct ApplyErrors {
    by_field: BTreeMap<String, String>,
    summary: Vec<ErrorItem>,
}

impl ApplyErrors {
    fn new(
        lang: Lang,
        errors: &[DomainError],
        questions: &[course_question::Model],
        answers: &BTreeMap<i64, String>,
    ) -> ApplyErrors {
        let general: Vec<DomainError> = errors
            .iter()
            .filter(|e| e.field != "answers")
            .cloned()
            .collect();
        let mut remaining = field_errors(lang, &general);
        let mut out = ApplyErrors::default();
        // The summary names the field: "入力してください。" alone says not which.
        let mut push = |field: String, label: Option<String>, message: String| {
            out.by_field.insert(field.clone(), message.clone());
            let message = match label {
                Some(label) => t_args(
                    lang,
                    "pub-error-item",
                    &[("label", label), ("message", message)],
                ),
                None => message,
            };
            out.summary.push(ErrorItem { field, message });
        };
        let label = |field: &str| field_label_key(field).map(|key| t(lang, key));
        for field in FIELDS_BEFORE_QUESTIONS {
            if let Some(message) = remaining.remove(field) {
                push(field.to_string(), label(field), message);
            }
        }
        let by_question = answer_errors(questions, answers);
        for q in questions {
            if let Some(key) = by_question.get(&q.id) {
                push(format!("q_{}", q.id), Some(q.label.clone()), t(lang, key));
            }
        }
        for field in FIELDS_AFTER_QUESTIONS {
            if let Some(message) = remaining.remove(field) {
                push(field.to_string(), label(field), message);
            }
        }
        for (field, message) in remaining {
            push(field.to_string(), label(field), message);
        }
        out
    }
}

#[derive(Debug, Serialize)]
struct QuestionView {
    field: String,
    label: String,
    kind: String,
    required: bool,
    choices: Vec<Choice>,
    value: String,
    error: String,
}

fn question_views(
    lang: Lang,
    questions: &[course_question::Model],
    values: &ApplyValues,
    errors: &ApplyErrors,
) -> Vec<QuestionView> {
    questions
        .iter()
        .map(|q| {
            let field = format!("q_{}", q.id);
            let choices = match q.kind.as_str() {
                "choice" => serde_json::from_str::<Vec<String>>(&q.choices)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| Choice {
                        value: c.clone(),
                        label: c,
                    })
                    .collect(),
                "yes_no" => ["yes", "no"]
                    .iter()
                    .map(|v| Choice {
                        value: v.to_string(),
                        label: t(lang, &format!("pub-{v}")),
                    })
                    .collect(),
                _ => vec![],
            };
            QuestionView {
                error: errors.by_field.get(&field).cloned().unwrap_or_default(),
                value: values.answers.get(&q.id).cloned().unwrap_or_default(),
                field,
                label: q.label.clone(),
                kind: q.kind.clone(),
                required: q.required,
                choices,
            }
        })
        .collect()
}

/// The price categories this course charges (all of them when it has no fee lines yet).
fn price_choices(lang: Lang, details: &CourseDetails) -> Vec<Choice> {
    let charged: Vec<&str> = PRICE_CATEGORIES
        .iter()
        .copied()
        .filter(|c| details.fees.iter().any(|f| f.category == *c))
        .collect();
    let categories = if charged.is_empty() {
        PRICE_CATEGORIES.to_vec()
    } else {
        charged
    };
    categories
        .into_iter()
        .map(|c| Choice {
            value: c.to_string(),
            label: price_label(lang, c),
        })
        .collect()
}

fn labelled(lang: Lang, values: &[&str], prefix: &str) -> Vec<Choice> {
    values
        .iter()
        .map(|v| Choice {
            value: v.to_string(),
            label: t(lang, &format!("{prefix}{}", v.replace('_', "-"))),
        })
        .collect()
}

struct ApplyPage<'a> {
    details: &'a CourseDetails,
    values: &'a ApplyValues,
    errors: &'a ApplyErrors,
    /// A message for the whole form (a conflict, or why it is closed).
    notice: Option<String>,
    availability: Availability,
    /// After a refused submission the form stays, with the input, even if
    /// nobody can apply any more: the person may want to copy what they wrote.
    submitted: bool,
}

fn apply_template(shell: &Shell, page: ApplyPage<'_>) -> Template {
    let lang = shell.language;
    let c = &page.details.course;
    let level = CourseKind::parse("kind", &c.kind)
        .map(CourseKind::form_level)
        .unwrap_or(FormLevel::Full);
    let prices = price_choices(lang, page.details);
    let mut values = page.values.clone();
    if values.price_category.is_empty() && prices.len() == 1 {
        values.price_category = prices[0].value.clone();
    }
    Template::render(
        "catalog/apply",
        context! {
            s: shell,
            course: context! {
                id: c.id,
                title: &c.title,
                kind: kind_label(lang, &c.kind),
                dates: date_range(lang, c.starts_on, c.ends_on),
                site_name: &page.details.site.name,
                requires_approval: c.requires_approval,
            },
            level: level.as_str(),
            form_open: page.submitted || page.availability.accepts_applications(),
            waitlist: page.availability == Availability::Waitlist,
            notice: page.notice,
            v: &values,
            errors: &page.errors.by_field,
            summary: &page.errors.summary,
            questions: question_views(lang, &page.details.questions, page.values, page.errors),
            prices: &prices,
            price_hidden: level == FormLevel::Minimal && prices.len() == 1,
            member_choice: prices.iter().any(|p| p.value == "member"),
            prefectures: prefecture_choices(),
            support_schemes: labelled(lang, &SUPPORT_SCHEMES, "pub-support-"),
            accessibility_needs: labelled(lang, &ACCESSIBILITY_NEEDS, "pub-access-"),
            companion_counts: (0..=4).map(|n| n.to_string()).collect::<Vec<_>>(),
        },
    )
}

async fn apply_details(state: &AppState, id: i64) -> Result<CourseDetails, Error> {
    let course = catalog::find_public(&state.db, id).await?;
    catalog::details(&state.db, course).await
}

#[get("/courses/<id>/apply")]
async fn apply_page(
    shell: Shell,
    user: CurrentUser,
    id: i64,
    state: &State<AppState>,
) -> FormResponse {
    let lang = shell.language;
    let details = match apply_details(state, id).await {
        Ok(details) => details,
        Err(e) => return e.into(),
    };
    match enrollment::active_for(&state.db, id, user.id).await {
        Ok(Some(_)) => {
            return FormResponse::Done(Flash::warning(
                Redirect::to(format!("/courses/{id}")),
                t(lang, "err-already-enrolled"),
            ))
        }
        Ok(None) => {}
        Err(e) => return e.into(),
    }
    let profile = match accounts::find(&state.db, user.id).await {
        Ok(profile) => profile,
        Err(e) => return e.into(),
    };
    let values = ApplyValues {
        family_name: profile.family_name,
        given_name: profile.given_name,
        family_name_kana: profile.family_name_kana,
        given_name_kana: profile.given_name_kana,
        birth_date: profile
            .birth_date
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        postal_code: profile.postal_code.unwrap_or_default(),
        address: profile.address.unwrap_or_default(),
        phone: profile.phone.unwrap_or_default(),
        member_number: profile.member_number.unwrap_or_default(),
        ..Default::default()
    };
    let availability = Availability::of(&details.course, lang, state.clock.now());
    let notice =
        (!availability.accepts_applications()).then(|| t(lang, availability.refusal_key()));
    let template = apply_template(
        &shell,
        ApplyPage {
            details: &details,
            values: &values,
            errors: &ApplyErrors::default(),
            notice,
            availability,
            submitted: false,
        },
    );
    FormResponse::Redo((Status::Ok, template))
}

/// The message on My page after a successful application.
fn applied_message(lang: Lang, status: &str, position: Option<u64>) -> String {
    match EnrollmentStatus::parse(status) {
        Some(EnrollmentStatus::Waitlisted) => t_args(
            lang,
            "pub-flash-waitlisted",
            &[("position", position.unwrap_or(0).to_string())],
        ),
        Some(EnrollmentStatus::PendingApproval) => t(lang, "pub-flash-pending-approval"),
        Some(EnrollmentStatus::Confirmed) => t(lang, "pub-flash-confirmed"),
        _ => t(lang, "pub-flash-received"),
    }
}

#[post("/courses/<id>/apply", data = "<form>")]
async fn apply(
    shell: Shell,
    user: CurrentUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<RawFields>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.text("csrf_token")) {
        return e.into();
    }
    let lang = shell.language;
    let details = match apply_details(state, id).await {
        Ok(details) => details,
        Err(e) => return e.into(),
    };
    let level = match CourseKind::parse("kind", &details.course.kind) {
        Ok(kind) => kind.form_level(),
        Err(e) => return Error::from(e).into(),
    };
    let values = ApplyValues::from_form(&form);
    let fields = values.fields(level);
    let now = state.clock.now();
    let redo = |status: Status, errors: ApplyErrors, notice: Option<String>| {
        FormResponse::Redo((
            status,
            apply_template(
                &shell,
                ApplyPage {
                    details: &details,
                    values: &values,
                    errors: &errors,
                    notice,
                    availability: Availability::of(&details.course, lang, now),
                    submitted: true,
                },
            ),
        ))
    };
    let result = match applicant(user.id, &details.course, &details.questions, &fields, now) {
        Ok(applicant) => {
            enrollment::enroll_batched(&state.writer, id, applicant, Channel::Online, now).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok((row, position)) => FormResponse::Done(Flash::success(
            Redirect::to("/my"),
            applied_message(lang, &row.status, position),
        )),
        Err(Error::Validation(errors)) => redo(
            Status::UnprocessableEntity,
            ApplyErrors::new(lang, &errors, &details.questions, &fields.answers),
            None,
        ),
        Err(Error::Conflict(key)) => {
            redo(Status::Conflict, ApplyErrors::default(), Some(t(lang, key)))
        }
        Err(e) => e.into(),
    }
}
