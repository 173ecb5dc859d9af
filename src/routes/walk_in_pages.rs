//! 当日参加 at the door: staff register a walk-in (symposia and community
//! courses) on the check-in page; `services::walk_in` enrolls and checks
//! them in. The form carries a one-time token so a double tap registers one
//! person.
use rocket::form::Form;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{post, routes, FromForm, Route, State};
use serde::Serialize;

use super::check_in_pages::{door_template, session_now};
use super::forms::FormResponse;
use super::paging::query_string;
use super::staff_courses::{errors_of, price_choices, Choice, Errors};
use crate::auth::csrf::CsrfToken;
use crate::auth::StaffUser;
use crate::domain::course::{jst_date, CourseKind};
use crate::domain::walk_in::{form_token, WalkIn, WalkInInput};
use crate::entities::course;
use crate::error::Error;
use crate::i18n::{t, t_args, Lang};
use crate::reports::attendance_sheet::name_of;
use crate::services::{catalog, new_secret, walk_in};
use crate::state::AppState;

use super::shell::Shell;

pub fn routes() -> Vec<Route> {
    routes![register_walk_in]
}

/// The walk-in form as typed.
#[derive(Debug, Default, Clone, Serialize, FromForm)]
pub struct WalkInForm {
    #[serde(skip)]
    pub csrf_token: String,
    #[field(default = String::new())]
    pub form_token: String,
    #[field(default = String::new())]
    pub family_name: String,
    #[field(default = String::new())]
    pub given_name: String,
    #[field(default = String::new())]
    pub family_name_kana: String,
    #[field(default = String::new())]
    pub given_name_kana: String,
    #[field(default = String::new())]
    pub email: String,
    #[field(default = String::new())]
    pub phone: String,
    #[field(default = String::new())]
    pub price_category: String,
    #[field(default = String::new())]
    pub member_number: String,
    pub consent: bool,
    /// The name search to come back to.
    #[serde(skip)]
    pub q: Option<String>,
}

/// What the door page needs to show the walk-in form.
#[derive(Debug, Serialize)]
pub struct WalkInView {
    /// Walk-ins are for symposia and community courses only.
    pub shown: bool,
    pub v: WalkInForm,
    pub errors: Errors,
    pub problem: String,
    pub prices: Vec<Choice>,
}

fn fresh_token() -> String {
    new_secret().0[..32].to_string()
}

impl WalkInView {
    /// An empty form with a new token.
    pub fn fresh(lang: Lang, c: &course::Model) -> WalkInView {
        WalkInView {
            shown: c.kind != CourseKind::Helper.as_str(),
            v: WalkInForm {
                form_token: fresh_token(),
                price_category: "general".into(),
                ..Default::default()
            },
            errors: Errors::new(),
            problem: String::new(),
            prices: price_choices(lang),
        }
    }
}

#[post("/staff/courses/<id>/check-in/walk-in", data = "<form>")]
async fn register_walk_in(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<WalkInForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let lang = shell.language;
    let now = state.clock.now();
    let c = match catalog::find(&state.db, id).await {
        Ok(c) => c,
        Err(e) => return e.into(),
    };
    let f = form.into_inner();
    let q = f.q.clone().unwrap_or_default();
    let input = WalkInInput {
        family_name: &f.family_name,
        given_name: &f.given_name,
        family_name_kana: &f.family_name_kana,
        given_name_kana: &f.given_name_kana,
        email: &f.email,
        phone: &f.phone,
        price_category: &f.price_category,
        member_number: &f.member_number,
        consent: f.consent,
    };
    let result: Result<walk_in::Registered, Error> = async {
        let token = form_token(&f.form_token).map_err(|e| Error::Validation(vec![e]))?;
        let person = WalkIn::parse(&input, jst_date(now)).map_err(Error::Validation)?;
        let current = session_now(state, c.id, now).await?.map(|s| s.id);
        walk_in::register(&state.db, c.id, staff.0.id, &person, token, current, now).await
    }
    .await;
    let (status, errors, problem) = match result {
        Ok(done) => {
            let key = if done.repeated {
                "flash-walk-in-repeated"
            } else {
                "flash-walk-in-registered"
            };
            let message = t_args(lang, key, &[("name", name_of(&done.enrollment))]);
            let to = format!(
                "/staff/courses/{id}/check-in?{}",
                query_string(&[("q", q.as_str())])
            );
            let to = to.trim_end_matches(['?', '&']).to_string();
            return FormResponse::Done(Flash::success(Redirect::to(to), message));
        }
        Err(Error::Validation(errors)) => (
            Status::UnprocessableEntity,
            errors_of(lang, &errors, ""),
            t(lang, "err-walk-in-check-fields"),
        ),
        Err(Error::Conflict(key)) => (Status::Conflict, Errors::new(), t(lang, key)),
        Err(e) => return e.into(),
    };
    let mut v = f;
    // A refused walk-in was not registered: the same token may try again.
    if v.form_token.trim().is_empty() || form_token(&v.form_token).is_err() {
        v.form_token = fresh_token();
    }
    let view = WalkInView {
        shown: true,
        v,
        errors,
        problem,
        prices: price_choices(lang),
    };
    match door_template(&shell, state, &c, &q, "", "", &view).await {
        Ok(template) => FormResponse::Redo((status, template)),
        Err(e) => e.into(),
    }
}
