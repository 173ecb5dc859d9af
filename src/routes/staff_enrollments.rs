//! Staff (事務局) pages for a course's enrollments: the list in 50音 order
//! with search, approval with identity check (本人確認), rejection,
//! cancellation and transfer, one enrollment's application and history, and
//! applications staff take by phone or fax.
use std::collections::BTreeMap;

use rocket::form::Form;
use rocket::http::RawStr;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, FromForm, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::enrollment_input::{answer_errors, applicant, ApplicationFields};
use super::forms::{safe_next, FormResponse};
use super::respond::PageError;
use super::shell::Shell;
use super::staff_courses::{
    after_action, course_head, date_text, errors_of, price_choices, Choice, Errors,
};
use crate::auth::csrf::CsrfToken;
use crate::auth::StaffUser;
use crate::domain::application::{ACCESSIBILITY_NEEDS, PRICE_CATEGORIES, SUPPORT_SCHEMES};
use crate::domain::course::{self as rules, CourseKind, EnrollmentStatus};
use crate::domain::course_draft::parse_date;
use crate::domain::{DomainError, Email};
use crate::entities::{course, course_question, enrollment as row};
use crate::error::Error;
use crate::i18n::{format_datetime, t, t_args, Lang};
use crate::services::enrollment::{self, Actor, Channel, IDENTITY_DOCUMENTS};
use crate::services::{accounts, catalog, staff_views};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![
        enrollments_page,
        manual_enrollment,
        enrollment_page,
        approve,
        reject,
        cancel,
        transfer
    ]
}

fn status_label(lang: Lang, status: &str) -> String {
    EnrollmentStatus::parse(status)
        .map(|s| t(lang, s.label_key()))
        .unwrap_or_else(|| status.to_string())
}

fn label_or_raw(lang: Lang, prefix: &str, known: &[&str], value: &str) -> String {
    if known.contains(&value) {
        t(lang, &format!("{prefix}{}", value.replace('_', "-")))
    } else {
        value.to_string()
    }
}

fn price_label(lang: Lang, category: &str) -> String {
    label_or_raw(lang, "staff-price-", &PRICE_CATEGORIES, category)
}

fn document_label(lang: Lang, document: &str) -> String {
    label_or_raw(lang, "staff-identity-", &IDENTITY_DOCUMENTS, document)
}

/// What the action forms of one enrollment need to know.
#[derive(Serialize)]
struct EnrollmentRow {
    id: i64,
    name: String,
    kana: String,
    status: String,
    status_label: String,
    /// Place in the queue while waitlisted (1 = next).
    position: Option<u64>,
    applied_at: String,
    price_label: String,
    can_approve: bool,
    can_cancel: bool,
    can_transfer: bool,
}

async fn enrollment_row(
    state: &AppState,
    lang: Lang,
    e: &row::Model,
) -> Result<EnrollmentRow, Error> {
    let status = EnrollmentStatus::parse(&e.status);
    Ok(EnrollmentRow {
        id: e.id,
        name: format!("{} {}", e.family_name, e.given_name),
        kana: format!("{} {}", e.family_name_kana, e.given_name_kana),
        status: e.status.clone(),
        status_label: status_label(lang, &e.status),
        position: enrollment::waitlist_rank(&state.db, e).await?,
        applied_at: format_datetime(lang, e.created_at),
        price_label: price_label(lang, &e.price_category),
        can_approve: status == Some(EnrollmentStatus::PendingApproval),
        can_cancel: status.is_some_and(EnrollmentStatus::is_active),
        can_transfer: status.is_some_and(EnrollmentStatus::holds_seat),
    })
}

/// Options of the action forms: identity documents and transfer targets.
#[derive(Serialize)]
struct ActionChoices {
    documents: Vec<Choice>,
    targets: Vec<Choice>,
    /// Default for the identity check's date: today in Japan.
    today: String,
}

async fn action_choices(
    state: &AppState,
    lang: Lang,
    c: &course::Model,
) -> Result<ActionChoices, Error> {
    let documents = IDENTITY_DOCUMENTS
        .iter()
        .map(|d| Choice::new(*d, document_label(lang, d)))
        .collect();
    let targets = staff_views::transfer_targets(&state.db, c)
        .await?
        .into_iter()
        .map(|t| {
            let label = format!(
                "{} {}（{}、{}/{}）",
                t.code,
                t.title,
                date_text(lang, t.starts_on),
                t.seats_taken,
                t.capacity
            );
            Choice::new(t.id.to_string(), label)
        })
        .collect();
    Ok(ActionChoices {
        documents,
        targets,
        today: rules::jst_date(state.clock.now())
            .format("%Y-%m-%d")
            .to_string(),
    })
}

fn list_path(course_id: i64, status: &str, q: &str) -> String {
    let mut path = format!("/staff/courses/{course_id}/enrollments");
    let mut sep = '?';
    for (name, value) in [("status", status), ("q", q)] {
        if !value.is_empty() {
            path.push(sep);
            path.push_str(name);
            path.push('=');
            path.push_str(RawStr::new(value).percent_encode().as_str());
            sep = '&';
        }
    }
    path
}

// ---------------------------------------------------------------------------
// The list, with the manual-enrollment form.

#[derive(FromForm, Serialize, Default)]
struct ManualForm {
    #[field(default = String::new())]
    email: String,
    #[field(default = String::new())]
    family_name: String,
    #[field(default = String::new())]
    given_name: String,
    #[field(default = String::new())]
    family_name_kana: String,
    #[field(default = String::new())]
    given_name_kana: String,
    #[field(default = String::new())]
    birth_date: String,
    #[field(default = String::new())]
    postal_code: String,
    #[field(default = String::new())]
    prefecture: String,
    #[field(default = String::new())]
    address: String,
    #[field(default = String::new())]
    phone: String,
    #[field(default = String::new())]
    price_category: String,
    #[field(default = String::new())]
    member_number: String,
    #[field(default = String::new())]
    support_scheme: String,
    #[field(default = String::new())]
    qualifications: String,
    accessibility: Vec<String>,
    #[field(default = String::new())]
    companions: String,
    #[field(default = String::new())]
    special_care_notes: String,
    special_care_consent: bool,
    consent: bool,
    #[serde(skip)]
    answers: BTreeMap<i64, String>,
    #[serde(skip)]
    #[field(default = String::new())]
    csrf_token: String,
}

impl ManualForm {
    /// The application as typed; an empty name means "as on the account".
    fn fields(&self, account: &crate::entities::user::Model) -> ApplicationFields {
        let or = |typed: &str, stored: &str| {
            if typed.trim().is_empty() {
                stored.to_string()
            } else {
                typed.to_string()
            }
        };
        ApplicationFields {
            family_name: or(&self.family_name, &account.family_name),
            given_name: or(&self.given_name, &account.given_name),
            family_name_kana: or(&self.family_name_kana, &account.family_name_kana),
            given_name_kana: or(&self.given_name_kana, &account.given_name_kana),
            birth_date: self.birth_date.clone(),
            postal_code: self.postal_code.clone(),
            prefecture: self.prefecture.clone(),
            address: self.address.clone(),
            phone: self.phone.clone(),
            price_category: self.price_category.clone(),
            member_number: self.member_number.clone(),
            support_scheme: self.support_scheme.clone(),
            qualifications: self.qualifications.clone(),
            accessibility: self.accessibility.clone(),
            companions: self.companions.clone(),
            special_care_notes: self.special_care_notes.clone(),
            special_care_consent: self.special_care_consent,
            consent: self.consent,
            answers: self.answers.clone(),
        }
    }
}

/// A course question as the manual form shows it, with what was typed.
#[derive(Serialize)]
struct QuestionInput {
    id: i64,
    label: String,
    kind: String,
    choices: Vec<String>,
    required: bool,
    value: String,
    error: Option<String>,
}

fn question_inputs(
    lang: Lang,
    questions: &[course_question::Model],
    typed: &BTreeMap<i64, String>,
    errors: &BTreeMap<i64, &'static str>,
) -> Vec<QuestionInput> {
    questions
        .iter()
        .map(|q| QuestionInput {
            id: q.id,
            label: q.label.clone(),
            kind: q.kind.clone(),
            choices: serde_json::from_str(&q.choices).unwrap_or_default(),
            required: q.required,
            value: typed.get(&q.id).cloned().unwrap_or_default(),
            error: errors.get(&q.id).map(|key| t(lang, key)),
        })
        .collect()
}

#[derive(Default)]
struct ManualState {
    form: ManualForm,
    errors: Errors,
    answer_errors: BTreeMap<i64, &'static str>,
}

async fn enrollments_template(
    shell: &Shell,
    state: &AppState,
    course_id: i64,
    status: Option<EnrollmentStatus>,
    q: &str,
    manual: ManualState,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let c = catalog::find(&state.db, course_id).await?;
    let head = course_head(state, lang, &c).await?;
    let mut rows = vec![];
    for e in enrollment::for_course(&state.db, course_id, status, Some(q)).await? {
        rows.push(enrollment_row(state, lang, &e).await?);
    }
    let statuses: Vec<Choice> = EnrollmentStatus::ALL
        .iter()
        .map(|s| Choice::new(s.as_str(), t(lang, s.label_key())))
        .collect();
    let status_value = status.map(EnrollmentStatus::as_str).unwrap_or("");
    let kind = CourseKind::parse("kind", &c.kind).map_err(Error::from)?;
    let questions = catalog::questions(&state.db, course_id).await?;
    let labelled = |values: &[&str], prefix: &str| -> Vec<Choice> {
        values
            .iter()
            .map(|v| Choice::new(*v, t(lang, &format!("{prefix}{}", v.replace('_', "-")))))
            .collect()
    };
    Ok(Template::render(
        "staff/enrollments",
        context! {
            s: shell,
            c: head,
            rows,
            statuses,
            status: status_value,
            q,
            back: list_path(course_id, status_value, q),
            actions: action_choices(state, lang, &c).await?,
            level: kind.form_level().as_str(),
            questions: question_inputs(lang, &questions, &manual.form.answers, &manual.answer_errors),
            prices: price_choices(lang),
            schemes: labelled(&SUPPORT_SCHEMES, "staff-support-"),
            needs: labelled(&ACCESSIBILITY_NEEDS, "staff-access-"),
            prefectures: super::staff_courses::prefecture_choices(),
            v: manual.form,
            errors: manual.errors,
        },
    ))
}

fn parse_status(status: Option<&str>) -> Result<Option<EnrollmentStatus>, Error> {
    match status.filter(|s| !s.is_empty()) {
        Some(s) => EnrollmentStatus::parse(s)
            .map(Some)
            .ok_or(Error::invalid("status", "staff-err-filter-invalid")),
        None => Ok(None),
    }
}

#[get("/staff/courses/<id>/enrollments?<status>&<q>")]
async fn enrollments_page(
    shell: Shell,
    _staff: StaffUser,
    id: i64,
    status: Option<&str>,
    q: Option<&str>,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let status = parse_status(status)?;
    let q = q.unwrap_or("").trim();
    enrollments_template(&shell, state, id, status, q, ManualState::default()).await
}

#[post("/staff/courses/<id>/enrollments", data = "<form>")]
async fn manual_enrollment(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<ManualForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let lang = shell.language;
    let now = state.clock.now();
    let result: Result<row::Model, Error> = async {
        let course = catalog::find(&state.db, id).await?;
        let email = Email::parse("email", &form.email)?;
        let account = accounts::find_by_email(&state.db, &email)
            .await?
            .ok_or(Error::invalid("email", "staff-err-account-not-found"))?;
        let questions = catalog::questions(&state.db, id).await?;
        let applicant = applicant(account.id, &course, &questions, &form.fields(&account), now)?;
        let channel = Channel::Staff {
            actor_id: staff.0.id,
        };
        enrollment::enroll(&state.db, id, &applicant, channel, now).await
    }
    .await;
    let errors = match result {
        Ok(created) => {
            let message = t_args(
                lang,
                "staff-flash-enrolled",
                &[("status", status_label(lang, &created.status))],
            );
            return FormResponse::Done(Flash::success(
                Redirect::to(list_path(id, "", "")),
                message,
            ));
        }
        Err(Error::Validation(errors)) => errors,
        // Full, already enrolled, course not open: said at the top of the form.
        Err(Error::Conflict(key)) => vec![DomainError::new("manual", key)],
        Err(e) => return e.into(),
    };
    let questions = match catalog::questions(&state.db, id).await {
        Ok(questions) => questions,
        Err(e) => return e.into(),
    };
    let per_question = answer_errors(&questions, &form.answers);
    let mut field_errors = errors_of(lang, &errors, "");
    if !per_question.is_empty() {
        field_errors.remove("answers");
        for (qid, key) in &per_question {
            field_errors.insert(format!("answer-{qid}"), t(lang, key));
        }
    }
    let manual = ManualState {
        form: form.into_inner(),
        errors: field_errors,
        answer_errors: per_question,
    };
    match enrollments_template(&shell, state, id, None, "", manual).await {
        Ok(template) => FormResponse::Redo((rocket::http::Status::UnprocessableEntity, template)),
        Err(e) => FormResponse::Failed(e),
    }
}

// ---------------------------------------------------------------------------
// One enrollment: the application and its history.

#[derive(Serialize)]
struct Fact {
    label: String,
    value: String,
}

#[derive(Serialize)]
struct EventRow {
    at: String,
    who: String,
    from: String,
    to: String,
    note: String,
}

/// The application as stored (`form` JSON), as label–value pairs.
fn application_facts(lang: Lang, form: &str) -> Vec<Fact> {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(form) else {
        return vec![];
    };
    let text = |key: &str| map.get(key).and_then(|v| v.as_str()).map(str::to_string);
    let mut facts = vec![];
    let mut push = |key: &str, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            facts.push(Fact {
                label: t(lang, &format!("staff-form-{key}")),
                value,
            });
        }
    };
    push(
        "birth-date",
        text("birth_date")
            .and_then(|d| parse_date("birth_date", &d).ok())
            .map(|d| {
                let wareki = crate::domain::wareki::format_wareki(d);
                format!("{}（{wareki}）", date_text(lang, d))
            }),
    );
    push("postal-code", text("postal_code"));
    push("prefecture", text("prefecture"));
    push("address", text("address"));
    push("phone", text("phone"));
    push("member-number", text("member_number"));
    push(
        "support-scheme",
        text("support_scheme").map(|s| label_or_raw(lang, "staff-support-", &SUPPORT_SCHEMES, &s)),
    );
    push("qualifications", text("qualifications"));
    let needs: Vec<String> = map
        .get("accessibility")
        .and_then(|v| v.as_array())
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str())
                .map(|v| label_or_raw(lang, "staff-access-", &ACCESSIBILITY_NEEDS, v))
                .collect()
        })
        .unwrap_or_default();
    push("accessibility", Some(needs.join("、")));
    push(
        "companions",
        map.get("companions")
            .and_then(|v| v.as_u64())
            .filter(|n| *n > 0)
            .map(|n| n.to_string()),
    );
    facts
}

/// Event notes the service writes in a fixed form, said in the page's
/// language; anything else (a reason staff typed) is shown as written.
fn event_note(lang: Lang, note: &str) -> String {
    if let Some(rest) = note.strip_prefix("identity: ") {
        if let Some((document, on)) = rest.split_once(" on ") {
            return t_args(
                lang,
                "staff-note-identity",
                &[
                    ("document", document_label(lang, document)),
                    ("date", on.to_string()),
                ],
            );
        }
    }
    for (prefix, key) in [
        ("transferred to course ", "staff-note-transferred-to"),
        (
            "transferred from enrollment ",
            "staff-note-transferred-from",
        ),
    ] {
        if let Some(id) = note.strip_prefix(prefix) {
            return t_args(lang, key, &[("id", id.to_string())]);
        }
    }
    match note {
        "entered by staff" => t(lang, "staff-note-entered-by-staff"),
        "course cancelled" => t(lang, "staff-note-course-cancelled"),
        "offer accepted" => t(lang, "staff-note-offer-accepted"),
        "offer expired" => t(lang, "staff-note-offer-expired"),
        other => other.to_string(),
    }
}

#[get("/staff/enrollments/<id>")]
async fn enrollment_page(
    shell: Shell,
    _staff: StaffUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    render_enrollment(shell, state, id, None).await
}

/// One enrollment's page. Special-care notes (要配慮個人情報) are only in it
/// when staff asked to see them (`revealed`), which the caller has logged.
pub(crate) async fn render_enrollment(
    shell: Shell,
    state: &AppState,
    id: i64,
    revealed: Option<Option<String>>,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let e = enrollment::find(&state.db, id).await?;
    let c = catalog::find(&state.db, e.course_id).await?;
    let head = course_head(state, lang, &c).await?;
    let owner = enrollment::owner(&state.db, &e).await?;
    let events = enrollment::events(&state.db, id).await?;
    let mut people: Vec<i64> = events.iter().filter_map(|ev| ev.actor_id).collect();
    people.extend(e.identity_checked_by);
    let names = staff_views::names(&state.db, &people).await?;
    let who = |id: Option<i64>| match id {
        Some(id) => names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")),
        None => t(lang, "staff-history-system"),
    };
    let history: Vec<EventRow> = events
        .iter()
        .map(|ev| EventRow {
            at: format_datetime(lang, ev.at),
            who: who(ev.actor_id),
            from: ev
                .from_status
                .as_deref()
                .map(|s| status_label(lang, s))
                .unwrap_or_default(),
            to: status_label(lang, &ev.to_status),
            note: event_note(lang, &ev.note),
        })
        .collect();
    let questions = catalog::questions(&state.db, c.id).await?;
    let answers: Vec<Fact> = serde_json::from_str::<Vec<(i64, String)>>(&e.answers)
        .unwrap_or_default()
        .into_iter()
        .map(|(qid, answer)| {
            let question = questions.iter().find(|q| q.id == qid);
            let value = match (question.map(|q| q.kind.as_str()), answer.as_str()) {
                (Some("yes_no"), "yes") => t(lang, "staff-answer-yes"),
                (Some("yes_no"), "no") => t(lang, "staff-answer-no"),
                _ => answer,
            };
            Fact {
                label: question
                    .map(|q| q.label.clone())
                    .unwrap_or_else(|| format!("#{qid}")),
                value,
            }
        })
        .collect();
    let identity = e.identity_document.as_deref().map(|document| {
        context! {
            document: document_label(lang, document),
            on: e.identity_checked_on.map(|d| date_text(lang, d)).unwrap_or_default(),
            by: who(e.identity_checked_by),
        }
    });
    let row = enrollment_row(state, lang, &e).await?;
    Ok(Template::render(
        "staff/enrollment",
        context! {
            s: &shell,
            c: head,
            e: row,
            email: owner.email,
            member_number: e.member_number.clone().unwrap_or_default(),
            reason: e.status_reason.clone().unwrap_or_default(),
            transferred_from: e.transferred_from,
            facts: application_facts(lang, &e.form),
            answers,
            has_special_care: e.special_care_notes.is_some(),
            special_care_revealed: revealed.is_some(),
            special_care_notes: revealed.flatten().unwrap_or_default(),
            identity,
            history,
            actions: action_choices(state, lang, &c).await?,
            back: format!("/staff/enrollments/{id}"),
        },
    ))
}

// ---------------------------------------------------------------------------
// Actions. Each checks the form token, calls the service and goes back to the
// page it came from with a flash; a refusal is an error flash, never a 500.

/// Where to go after an action: the page the form was on, or the course's list.
async fn back_to(state: &AppState, id: i64, back: Option<&str>) -> String {
    match back.filter(|b| b.starts_with("/staff/")) {
        Some(path) => safe_next(Some(path)),
        None => match enrollment::find(&state.db, id).await {
            Ok(e) => list_path(e.course_id, "", ""),
            Err(_) => "/staff".to_string(),
        },
    }
}

#[derive(FromForm)]
struct ApproveForm {
    #[field(default = String::new())]
    identity_document: String,
    #[field(default = String::new())]
    checked_on: String,
    back: Option<String>,
    csrf_token: String,
}

#[post("/staff/enrollments/<id>/approve", data = "<form>")]
async fn approve(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<ApproveForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let result = match parse_date("checked_on", &form.checked_on) {
        Ok(checked_on) => {
            enrollment::approve(
                &state.db,
                id,
                staff.0.id,
                &form.identity_document,
                checked_on,
                state.clock.now(),
            )
            .await
        }
        Err(e) => Err(e.into()),
    };
    let to = back_to(state, id, form.back.as_deref()).await;
    after_action(&shell, to, result, "staff-flash-approved")
}

#[derive(FromForm)]
struct ReasonForm {
    #[field(default = String::new())]
    reason: String,
    back: Option<String>,
    csrf_token: String,
}

#[post("/staff/enrollments/<id>/reject", data = "<form>")]
async fn reject(
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
    let result =
        enrollment::reject(&state.db, id, staff.0.id, &form.reason, state.clock.now()).await;
    let to = back_to(state, id, form.back.as_deref()).await;
    after_action(&shell, to, result, "staff-flash-rejected")
}

#[post("/staff/enrollments/<id>/cancel", data = "<form>")]
async fn cancel(
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
    let reason = Some(form.reason.trim()).filter(|r| !r.is_empty());
    let result = if reason.is_some_and(|r| r.chars().count() > 1000) {
        Err(Error::invalid("reason", "err-reason-required"))
    } else {
        let actor = Actor {
            id: staff.0.id,
            is_staff: true,
        };
        enrollment::cancel(&state.db, id, actor, reason, state.clock.now()).await
    };
    let to = back_to(state, id, form.back.as_deref()).await;
    after_action(&shell, to, result, "staff-flash-enrollment-cancelled")
}

#[derive(FromForm)]
struct TransferForm {
    #[field(default = String::new())]
    course_id: String,
    back: Option<String>,
    csrf_token: String,
}

#[post("/staff/enrollments/<id>/transfer", data = "<form>")]
async fn transfer(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<TransferForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let to = back_to(state, id, form.back.as_deref()).await;
    let result = match form.course_id.trim().parse::<i64>() {
        Ok(target) => {
            enrollment::transfer(&state.db, id, target, staff.0.id, state.clock.now()).await
        }
        Err(_) => Err(Error::invalid("course_id", "staff-err-transfer-target")),
    };
    // The old enrollment is now cancelled; its page still shows the history.
    after_action(&shell, to, result, "staff-flash-transferred")
}
