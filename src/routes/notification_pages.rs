//! Notification pages: a person's mail preferences and private calendar
//! feed (`/account/notifications`), the feed itself (`/calendar/<token>.ics`,
//! public by its secret token), staff messages to a course (preview, then
//! send through the outbox) and the staff view of mail delivery.
use rocket::form::Form;
use rocket::http::{Header, Status};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, FromForm, Responder, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::catalog_pages::{ics_file, IcsFile};
use super::forms::{field_errors, FieldErrors, FormResponse};
use super::respond::PageError;
use super::shell::Shell;
use crate::auth::csrf::CsrfToken;
use crate::auth::{CurrentUser, StaffUser};
use crate::error::Error;
use crate::i18n::{format_datetime, t, t_args};
use crate::services::notifications::broadcast::{self, Audience, Draft};
use crate::services::notifications::{self, feeds, Preferences};
use crate::services::{catalog, mail_delivery};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![
        notifications_page,
        save_preferences,
        create_feed,
        revoke_feed,
        calendar_feed,
        message_form,
        message_preview,
        message_send,
        delivery_page,
        delivery_retry,
    ]
}

/// A page that must not be kept by the browser or a proxy (it shows a secret).
#[derive(Responder)]
struct NoStore {
    page: Template,
    cache: Header<'static>,
}

#[derive(Serialize)]
struct FeedView {
    created: String,
    last_used: Option<String>,
}

async fn notifications_template(
    shell: &Shell,
    state: &AppState,
    user_id: i64,
    new_url: Option<String>,
) -> Result<Template, PageError> {
    let prefs = notifications::preferences(&state.db, user_id).await?;
    let feed = feeds::active(&state.db, user_id).await?.map(|f| FeedView {
        created: format_datetime(shell.language, f.created_at),
        last_used: f.last_used_at.map(|at| format_datetime(shell.language, at)),
    });
    Ok(Template::render(
        "notifications/account",
        context! { s: shell, prefs, feed, new_url },
    ))
}

#[get("/account/notifications")]
async fn notifications_page(
    shell: Shell,
    user: CurrentUser,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    notifications_template(&shell, state, user.id, None).await
}

#[derive(FromForm)]
struct PreferencesForm {
    reminders: bool,
    announcements: bool,
    csrf_token: String,
}

#[post("/account/notifications", data = "<form>")]
async fn save_preferences(
    shell: Shell,
    user: CurrentUser,
    csrf: CsrfToken,
    form: Form<PreferencesForm>,
    state: &State<AppState>,
) -> Result<Flash<Redirect>, PageError> {
    csrf.check(&form.csrf_token)?;
    let prefs = Preferences {
        reminders: form.reminders,
        announcements: form.announcements,
    };
    notifications::set_preferences(&state.db, user.id, prefs, state.clock.now()).await?;
    Ok(Flash::success(
        Redirect::to("/account/notifications"),
        shell.t("flash-notifications-saved"),
    ))
}

#[derive(FromForm)]
struct CsrfOnly {
    csrf_token: String,
}

/// Makes a new feed address and shows it, this once (only its hash is kept).
#[post("/account/calendar-feed", data = "<form>")]
async fn create_feed(
    shell: Shell,
    user: CurrentUser,
    csrf: CsrfToken,
    form: Form<CsrfOnly>,
    state: &State<AppState>,
) -> Result<NoStore, PageError> {
    csrf.check(&form.csrf_token)?;
    let token = feeds::create(&state.db, user.id, state.clock.now()).await?;
    let url = feeds::url(&state.config.public_base_url, &token);
    Ok(NoStore {
        page: notifications_template(&shell, state, user.id, Some(url)).await?,
        cache: Header::new("Cache-Control", "no-store"),
    })
}

#[post("/account/calendar-feed/revoke", data = "<form>")]
async fn revoke_feed(
    shell: Shell,
    user: CurrentUser,
    csrf: CsrfToken,
    form: Form<CsrfOnly>,
    state: &State<AppState>,
) -> Result<Flash<Redirect>, PageError> {
    csrf.check(&form.csrf_token)?;
    let revoked = feeds::revoke(&state.db, user.id, state.clock.now()).await?;
    let to = Redirect::to("/account/notifications");
    Ok(if revoked {
        Flash::success(to, shell.t("flash-feed-revoked"))
    } else {
        Flash::warning(to, shell.t("flash-feed-none"))
    })
}

/// `/calendar/<64 hex>.ics` — anyone with the address, nobody without it.
#[get("/calendar/<file>")]
async fn calendar_feed(file: &str, state: &State<AppState>) -> Result<IcsFile, PageError> {
    let token = feeds::token_of_file_name(file).ok_or(Error::NotFound)?;
    let body = feeds::calendar_by_token(&state.db, token, state.clock.now()).await?;
    Ok(ics_file(body, "kouza.ics".into(), true))
}

#[derive(Serialize)]
struct Choice {
    value: &'static str,
    label: String,
}

#[derive(Serialize, Default)]
struct MessageValues {
    audience: String,
    subject: String,
    body: String,
}

fn audience_choices(shell: &Shell) -> Vec<Choice> {
    Audience::ALL
        .iter()
        .map(|a| Choice {
            value: a.as_str(),
            label: t(shell.language, a.label_key()),
        })
        .collect()
}

async fn message_template(
    shell: &Shell,
    state: &AppState,
    course_id: i64,
    values: &MessageValues,
    errors: &FieldErrors,
) -> Result<Template, PageError> {
    let course = catalog::find(&state.db, course_id).await?;
    let audiences = audience_choices(shell);
    Ok(Template::render(
        "notifications/message",
        context! {
            s: shell,
            course_id,
            title: t_args(shell.language, "broadcast-title", &[("course", course.title)]),
            audiences,
            values,
            errors,
        },
    ))
}

#[get("/staff/courses/<id>/message")]
async fn message_form(
    shell: Shell,
    _staff: StaffUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let values = MessageValues {
        audience: Audience::All.as_str().into(),
        ..Default::default()
    };
    message_template(&shell, state, id, &values, &FieldErrors::new()).await
}

#[derive(FromForm)]
struct MessageForm {
    audience: String,
    subject: String,
    body: String,
    nonce: Option<String>,
    csrf_token: String,
}

impl MessageForm {
    fn values(&self) -> MessageValues {
        MessageValues {
            audience: self.audience.clone(),
            subject: self.subject.clone(),
            body: self.body.clone(),
        }
    }
}

async fn redo_message(
    shell: &Shell,
    state: &AppState,
    id: i64,
    form: &MessageForm,
    error: Error,
) -> FormResponse {
    let Error::Validation(errors) = error else {
        return error.into();
    };
    let errors = field_errors(shell.language, &errors);
    match message_template(shell, state, id, &form.values(), &errors).await {
        Ok(page) => FormResponse::Redo((Status::UnprocessableEntity, page)),
        Err(e) => FormResponse::Failed(e),
    }
}

/// The mail as it will be read, the number of recipients, and the button that sends it.
#[post("/staff/courses/<id>/message/preview", data = "<form>")]
async fn message_preview(
    shell: Shell,
    _staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<MessageForm>,
    state: &State<AppState>,
) -> Result<Template, FormResponse> {
    csrf.check(&form.csrf_token).map_err(FormResponse::from)?;
    let draft = match Draft::parse(&form.audience, &form.subject, &form.body) {
        Ok(draft) => draft,
        Err(e) => return Err(redo_message(&shell, state, id, &form, e).await),
    };
    let course = catalog::find(&state.db, id)
        .await
        .map_err(FormResponse::from)?;
    let preview = broadcast::preview(&state.db, id, &draft, shell.language)
        .await
        .map_err(FormResponse::from)?;
    Ok(Template::render(
        "notifications/message_preview",
        context! {
            s: &shell,
            course_id: id,
            title: t_args(shell.language, "broadcast-title", &[("course", course.title)]),
            audience_label: t(shell.language, draft.audience.label_key()),
            audiences: audience_choices(&shell),
            errors: FieldErrors::new(),
            values: MessageValues {
                audience: draft.audience.as_str().into(),
                subject: draft.subject.clone(),
                body: draft.body.clone(),
            },
            preview,
        },
    ))
}

#[post("/staff/courses/<id>/message", data = "<form>")]
async fn message_send(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<MessageForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let draft = match Draft::parse(&form.audience, &form.subject, &form.body) {
        Ok(draft) => draft,
        Err(e) => return redo_message(&shell, state, id, &form, e).await,
    };
    let nonce = form.nonce.as_deref().unwrap_or_default();
    match broadcast::send(&state.db, staff.0.id, id, &draft, nonce, state.clock.now()).await {
        Ok(sent) => FormResponse::Done(Flash::success(
            Redirect::to(format!("/staff/courses/{id}")),
            t_args(
                shell.language,
                "flash-broadcast-sent",
                &[("count", sent.recipients.to_string())],
            ),
        )),
        Err(e) => e.into(),
    }
}

#[derive(Serialize)]
struct TroubledRow {
    id: i64,
    to: String,
    subject: String,
    status: String,
    attempts: i32,
    next: Option<String>,
    error: String,
}

#[get("/staff/mail-delivery")]
async fn delivery_page(
    shell: Shell,
    _staff: StaffUser,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let overview = mail_delivery::overview(&state.db, &state.config).await?;
    let rows: Vec<TroubledRow> = overview
        .troubled
        .iter()
        .map(|m| TroubledRow {
            id: m.id,
            to: m.to_address.clone(),
            subject: m.subject.clone(),
            status: m.status.clone(),
            attempts: m.attempts,
            next: (m.status == "pending")
                .then(|| format_datetime(shell.language, m.next_attempt_at)),
            error: m.last_error.clone().unwrap_or_default(),
        })
        .collect();
    Ok(Template::render(
        "notifications/delivery",
        context! { s: &shell, overview, rows },
    ))
}

#[post("/staff/mail-delivery/<id>/retry", data = "<form>")]
async fn delivery_retry(
    shell: Shell,
    _staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<CsrfOnly>,
    state: &State<AppState>,
) -> Result<Flash<Redirect>, PageError> {
    csrf.check(&form.csrf_token)?;
    mail_delivery::retry(&state.db, id, state.clock.now()).await?;
    Ok(Flash::success(
        Redirect::to("/staff/mail-delivery"),
        shell.t("flash-delivery-retried"),
    ))
}
