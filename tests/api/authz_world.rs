//! The fixture world the authorization matrix runs in: two courses, each with
//! a session and its own instructor; trainee A enrolled, paid, checked in and
//! certified in the first; trainee B enrolled in the second; a third trainee
//! with a deletion request; staff and an admin. Every id a route can name is
//! a real row here, so a refusal is a decision and not a missing record.
use kouza::domain::course::{jst_date, CourseKind};
use kouza::domain::Role;
use kouza::services::payment_rows::receipt;
use rocket::http::{ContentType, Cookie, Header, Method, Status};
use rocket::local::asynchronous::LocalResponse;
use sea_orm::{EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::helpers::{CourseSpec, TestApp};

/// Who is asking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Who {
    Anonymous,
    /// Trainee A, whose enrollment, receipt and certificate the ids name.
    Owner,
    /// Trainee B, enrolled in the other course.
    OtherTrainee,
    /// The instructor of the first course's session.
    CourseInstructor,
    /// The instructor of the other course's session.
    OtherInstructor,
    Staff,
    Admin,
}

pub const EVERYONE: [Who; 7] = [
    Who::Anonymous,
    Who::Owner,
    Who::OtherTrainee,
    Who::CourseInstructor,
    Who::OtherInstructor,
    Who::Staff,
    Who::Admin,
];

impl Who {
    pub fn label(self) -> &'static str {
        match self {
            Who::Anonymous => "anonymous",
            Who::Owner => "owner",
            Who::OtherTrainee => "other",
            Who::CourseInstructor => "instructor",
            Who::OtherInstructor => "other_instructor",
            Who::Staff => "staff",
            Who::Admin => "admin",
        }
    }
}

/// The CSRF value every page request of the matrix carries, in cookie and field.
pub const CSRF: &str = "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12";

pub struct World {
    pub course_id: i64,
    pub other_course_id: i64,
    pub session_id: i64,
    pub other_session_id: i64,
    pub enrollment_id: i64,
    pub other_enrollment_id: i64,
    pub certificate_id: i64,
    pub certificate_number: String,
    pub receipt_id: i64,
    pub series_id: i64,
    pub outbox_id: i64,
    pub deletion_request_id: i64,
    /// A certificate from before the system, of the owner, and its 再交付.
    pub past_completion_id: i64,
    pub past_certificate_id: i64,
    /// A user the admin routes may name: the trainee with the deletion request.
    pub subject_user_id: i64,
    users: Vec<(Who, i64)>,
}

impl World {
    pub fn user_id(&self, who: Who) -> Option<i64> {
        self.users
            .iter()
            .find(|(w, _)| *w == who)
            .map(|(_, id)| *id)
    }
}

async fn set_role(app: &TestApp, id: i64, role: Role) {
    use kouza::entities::user;
    user::Entity::update_many()
        .col_expr(
            user::Column::Role,
            sea_orm::prelude::Expr::value(role.as_str()),
        )
        .filter(sea_orm::ColumnTrait::eq(&user::Column::Id, id))
        .exec(&app.state().db)
        .await
        .unwrap();
}

async fn session_with(app: &TestApp, staff: i64, course_id: i64, instructor: i64) -> i64 {
    let state = app.state();
    let course = kouza::services::catalog::find(&state.db, course_id)
        .await
        .unwrap();
    let starts = course.starts_on.and_hms_opt(1, 0, 0).unwrap().and_utc();
    let input = kouza::services::schedule::SessionInput {
        starts_at: Some(starts),
        ends_at: Some(starts + chrono::Duration::hours(3)),
        title: Some("基調講演".into()),
        room: "ホールA".into(),
        instructor_id: Some(instructor),
        ..Default::default()
    };
    kouza::services::schedule::add(&state.db, staff, course_id, &input, state.clock.now())
        .await
        .unwrap()
        .id
}

async fn priced_symposium(app: &TestApp) -> i64 {
    let course = app
        .published_course(CourseSpec {
            kind: CourseKind::Symposium,
            ..Default::default()
        })
        .await;
    kouza::services::catalog::set_fees(
        &app.state().db,
        course.id,
        &[("general".into(), "tuition".into(), 3000)],
    )
    .await
    .unwrap();
    course.id
}

pub async fn build(app: &TestApp) -> World {
    let state = app.state();
    let db = &state.db;
    let people = app.trainees(7).await;
    let ids: Vec<i64> = people.iter().map(|(id, _)| *id).collect();
    let (owner, other, instructor, other_instructor, staff, admin, subject) =
        (ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], ids[6]);
    set_role(app, instructor, Role::Instructor).await;
    set_role(app, other_instructor, Role::Instructor).await;
    set_role(app, staff, Role::Staff).await;
    set_role(app, admin, Role::Admin).await;

    let course_id = priced_symposium(app).await;
    let other_course_id = priced_symposium(app).await;
    let session_id = session_with(app, staff, course_id, instructor).await;
    let other_session_id = session_with(app, staff, other_course_id, other_instructor).await;

    let application =
        json!({"phone": "090-1234-5678", "birth_date": "1960-05-05", "consent": true});
    let enroll = |bearer: Header<'static>, course: i64| {
        let body = application.clone();
        async move {
            let response = app.enroll_api(bearer, course, body).await;
            assert_eq!(response.status(), Status::Created);
            app.json(response).await["id"].as_i64().unwrap()
        }
    };
    let enrollment_id = enroll(people[0].1.clone(), course_id).await;
    let other_enrollment_id = enroll(people[1].1.clone(), other_course_id).await;

    let now = state.clock.now();
    kouza::services::payments::record_offline(
        db,
        enrollment_id,
        staff,
        &kouza::services::payments::OfflinePayment {
            method: "cash".into(),
            amount_yen: 3000,
            paid_on: jst_date(now),
            payer_name: "ヤマダ ハナコ".into(),
            note: String::new(),
        },
        now,
    )
    .await
    .unwrap();
    let receipt_id = receipt::Entity::find()
        .filter(sea_orm::ColumnTrait::eq(
            &receipt::Column::EnrollmentId,
            enrollment_id,
        ))
        .one(db)
        .await
        .unwrap()
        .expect("the payment issued a receipt")
        .id;
    let code = kouza::services::check_in::code_for(db, enrollment_id)
        .await
        .unwrap();
    kouza::services::check_in::at_the_door(db, staff, &code, None, now)
        .await
        .unwrap();
    let signer = kouza::services::certificates::Signer::from_state(state).unwrap();
    let certificate = kouza::services::certificates::issue(db, &signer, enrollment_id, staff, now)
        .await
        .unwrap();
    let series_id = kouza::entities::certificate_series::Entity::find()
        .order_by_asc(kouza::entities::certificate_series::Column::Id)
        .one(db)
        .await
        .unwrap()
        .expect("seeded certificate series")
        .id;
    let deletion_request_id = kouza::services::personal_data::request_deletion(db, subject, now)
        .await
        .unwrap()
        .id;
    let outbox_id = kouza::entities::mail_outbox::Entity::find()
        .order_by_asc(kouza::entities::mail_outbox::Column::Id)
        .one(db)
        .await
        .unwrap()
        .expect("the enrollments queued mail")
        .id;
    // Staff may only retry a mail that failed.
    fail_mail(app, outbox_id).await;
    let past = sea_orm::ActiveModelTrait::insert(
        kouza::entities::past_completion::ActiveModel {
            certificate_number: sea_orm::Set("旧第0001号".into()),
            family_name: sea_orm::Set("山田".into()),
            given_name: sea_orm::Set("花子".into()),
            family_name_kana: sea_orm::Set("ヤマダ".into()),
            given_name_kana: sea_orm::Set("ハナコ".into()),
            birth_date: sea_orm::Set(None),
            course_title: sea_orm::Set("介護職員初任者研修課程".into()),
            designation_number: sea_orm::Set(Some("東京都指令第1号".into())),
            completed_on: sea_orm::Set(chrono::NaiveDate::from_ymd_opt(2018, 3, 31).unwrap()),
            user_id: sea_orm::Set(Some(owner)),
            imported_by: sea_orm::Set(staff),
            imported_at: sea_orm::Set(now),
            ..Default::default()
        },
        db,
    )
    .await
    .unwrap();
    let past_certificate = kouza::services::past_certificates::reissue_completion(
        db, &signer, past.id, staff, "紛失", None, now,
    )
    .await
    .unwrap();
    World {
        course_id,
        other_course_id,
        session_id,
        other_session_id,
        enrollment_id,
        other_enrollment_id,
        certificate_id: certificate.id,
        certificate_number: certificate.number,
        receipt_id,
        series_id,
        outbox_id,
        deletion_request_id,
        past_completion_id: past.id,
        past_certificate_id: past_certificate.id,
        subject_user_id: subject,
        users: vec![
            (Who::Owner, owner),
            (Who::OtherTrainee, other),
            (Who::CourseInstructor, instructor),
            (Who::OtherInstructor, other_instructor),
            (Who::Staff, staff),
            (Who::Admin, admin),
        ],
    }
}

/// Marks a queued mail as failed, the only kind staff may retry.
pub async fn fail_mail(app: &TestApp, id: i64) {
    use kouza::entities::mail_outbox;
    mail_outbox::Entity::update_many()
        .col_expr(
            mail_outbox::Column::Status,
            sea_orm::prelude::Expr::value("failed"),
        )
        .filter(sea_orm::ColumnTrait::eq(&mail_outbox::Column::Id, id))
        .exec(&app.state().db)
        .await
        .unwrap();
}

/// One request as `who`: Bearer on the API, session cookie plus CSRF on pages.
pub async fn send<'c>(
    app: &'c TestApp,
    world: &World,
    who: Who,
    method: Method,
    path: &str,
    json_body: Option<&str>,
) -> LocalResponse<'c> {
    let state = app.state();
    let token = world
        .user_id(who)
        .map(|id| state.tokens.issue(id, 0, state.clock.now()));
    let mut request = match method {
        Method::Get => app.client.get(path.to_string()),
        Method::Post => app.client.post(path.to_string()),
        Method::Put => app.client.put(path.to_string()),
        Method::Patch => app.client.patch(path.to_string()),
        Method::Delete => app.client.delete(path.to_string()),
        other => panic!("unexpected method {other} on {path}"),
    };
    if path.starts_with("/api/") {
        if let Some(token) = token {
            request = request.header(Header::new("Authorization", format!("Bearer {token}")));
        }
        if method != Method::Get {
            request = request
                .header(ContentType::JSON)
                .body(json_body.unwrap_or("{}"));
        }
    } else {
        request = request.cookie(Cookie::new("kouza_csrf", CSRF));
        if let Some(token) = token {
            request = request.cookie(Cookie::new("kouza_session", token));
        }
        if method != Method::Get {
            request = request
                .header(ContentType::Form)
                .body(format!("csrf_token={CSRF}"));
        }
    }
    request.dispatch().await
}
