//! Staff attendance pages beyond the roll: walk-ins registered at the door,
//! 補講 offered from the course matrix, and make-ups at other providers and
//! 修了評価 results recorded on a trainee's record.
use chrono::Duration;
use kouza::domain::completion::Mark;
use kouza::domain::course::CourseKind;
use kouza::domain::Role;
use kouza::entities::{
    assessment, audit_log, course, course_subject, enrollment, makeup_booking, outside_credit,
    session, user,
};
use kouza::services::attendance::{self, MarkInput, Viewer};
use kouza::services::enrollment::{Applicant, Channel};
use kouza::services::schedule::{self, SessionInput};
use rocket::http::Status;
use sea_orm::prelude::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{spawn, Account, CourseSpec, TestApp};

async fn get(app: &TestApp, path: &str) -> (Status, String) {
    let response = app.client.get(path.to_string()).dispatch().await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}

/// Posts a form and, when it redirects, opens the page it leads to.
async fn post_and_follow(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (Status, String) {
    let response = app.post_form(path, fields).await;
    let status = response.status();
    if status == Status::SeeOther {
        let to = response.headers().get_one("Location").unwrap().to_string();
        return (status, get(app, &to).await.1);
    }
    (status, response.into_string().await.unwrap_or_default())
}

async fn course_of(app: &TestApp, kind: CourseKind, capacity: i32) -> course::Model {
    app.published_course(CourseSpec {
        kind,
        capacity,
        waitlist: false,
        starts_in_days: 7,
        ..Default::default()
    })
    .await
}

/// A session of `hours` from `from_now` (subject `subject` for helper courses).
async fn session_of(
    app: &TestApp,
    staff: &Account,
    c: &course::Model,
    subject: Option<i32>,
    from_now: Duration,
    hours: i64,
    makeup_for: Option<i64>,
) -> session::Model {
    let state = app.state();
    let now = state.clock.now();
    schedule::add(
        &state.db,
        staff.id,
        c.id,
        &SessionInput {
            starts_at: Some(now + from_now),
            ends_at: Some(now + from_now + Duration::hours(hours)),
            subject_no: subject,
            room: if makeup_for.is_some() {
                "補講室B".into()
            } else {
                "研修室A".into()
            },
            makeup_for,
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap()
}

/// Enrolls one trainee per family name through the enrollment service.
async fn enroll(app: &TestApp, c: &course::Model, staff: &Account, names: &[&str]) -> Vec<i64> {
    let state = app.state();
    let users = app.trainees(names.len()).await;
    let mut out = vec![];
    for ((user_id, _), family) in users.into_iter().zip(names) {
        let applicant = Applicant {
            user_id,
            family_name: family.to_string(),
            given_name: "花子".into(),
            family_name_kana: "ジュコウ".into(),
            given_name_kana: "ハナコ".into(),
            price_category: "general".into(),
            member_number: None,
            form: serde_json::json!({}),
            answers: vec![],
            special_care_notes: None,
        };
        let row = kouza::services::enrollment::enroll(
            &state.db,
            c.id,
            &applicant,
            Channel::Staff { actor_id: staff.id },
            state.clock.now(),
        )
        .await
        .unwrap();
        out.push(row.id);
    }
    out
}

async fn mark(app: &TestApp, staff: &Account, session_id: i64, marks: &[(i64, Mark)]) {
    let state = app.state();
    let rows: Vec<MarkInput> = marks
        .iter()
        .map(|(id, mark)| MarkInput {
            enrollment_id: *id,
            mark: *mark,
            minutes: None,
            late_minutes: 0,
            note: String::new(),
        })
        .collect();
    let viewer = Viewer {
        id: staff.id,
        is_staff: true,
    };
    attendance::save_roster(
        &state.db,
        session_id,
        viewer,
        &rows,
        None,
        state.clock.now(),
    )
    .await
    .unwrap();
}

async fn missing_in(app: &TestApp, enrollment_id: i64, subject_no: i32) -> i32 {
    let state = app.state();
    let p = attendance::progress(&state.db, enrollment_id, state.clock.now())
        .await
        .unwrap();
    p.subjects
        .iter()
        .find(|(_, s)| s.no == subject_no)
        .map(|(_, s)| s.missing_minutes)
        .unwrap()
}

async fn enrollments_in(app: &TestApp, course_id: i64) -> Vec<enrollment::Model> {
    enrollment::Entity::find()
        .filter(enrollment::Column::CourseId.eq(course_id))
        .all(&app.state().db)
        .await
        .unwrap()
}

/// The one-time token of the walk-in form on the door page.
fn form_token(page: &str) -> String {
    let marker = "name=\"form_token\" value=\"";
    let start = page.find(marker).expect("a walk-in form") + marker.len();
    page[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

fn walk_in_fields<'a>(csrf: &'a str, token: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", csrf),
        ("form_token", token),
        ("family_name", "当日"),
        ("given_name", "一郎"),
        ("family_name_kana", "トウジツ"),
        ("given_name_kana", "イチロウ"),
        ("email", ""),
        ("phone", "090-1234-5678"),
        ("price_category", "general"),
        ("member_number", ""),
        ("consent", "true"),
        ("q", ""),
    ]
}

#[rocket::async_test]
async fn a_walk_in_posted_twice_becomes_one_checked_in_enrollment_marked_present() {
    let app = spawn().await;
    let state = app.state();
    let c = course_of(&app, CourseKind::Symposium, 30).await;
    let staff = app.account(Role::Staff).await;
    let now_session = session_of(&app, &staff, &c, None, Duration::zero(), 3, None).await;
    app.login_page(&staff).await;

    let path = format!("/staff/courses/{}/check-in", c.id);
    let (status, door) = get(&app, &path).await;
    assert_eq!(status, Status::Ok);
    assert!(door.contains("当日参加の受付"), "{door}");
    let token = form_token(&door);
    let csrf = app.csrf().await;
    let fields = walk_in_fields(&csrf, &token);
    let walk_in = format!("{path}/walk-in");

    let (status, page) = post_and_follow(&app, &walk_in, &fields).await;
    assert_eq!(status, Status::SeeOther, "{page}");
    assert!(
        page.contains("当日 一郎 さんを当日参加で登録し、受付しました"),
        "{page}"
    );
    // A double tap sends the same form again.
    let (status, page) = post_and_follow(&app, &walk_in, &fields).await;
    assert_eq!(status, Status::SeeOther, "{page}");
    assert!(page.contains("このフォームで登録済み"), "{page}");

    let rows = enrollments_in(&app, c.id).await;
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.family_name, "当日");
    assert_eq!(row.status, "confirmed");
    assert!(row.checked_in_at.is_some());
    let people = user::Entity::find()
        .filter(user::Column::FamilyName.eq("当日"))
        .count(&state.db)
        .await
        .unwrap();
    assert_eq!(people, 1);
    assert_eq!(
        kouza::services::catalog::find(&state.db, c.id)
            .await
            .unwrap()
            .seats_taken,
        1
    );
    let marks: Vec<(i64, Option<String>, i32)> = attendance::roster(
        &state.db,
        now_session.id,
        Viewer {
            id: staff.id,
            is_staff: true,
        },
    )
    .await
    .unwrap()
    .1
    .into_iter()
    .map(|r| (r.enrollment_id, r.mark, r.minutes))
    .collect();
    assert_eq!(marks, vec![(row.id, Some("present".into()), 180)]);
    let audits = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("walk_in_register"))
        .count(&state.db)
        .await
        .unwrap();
    assert_eq!(audits, 1);
    assert!(
        kouza::services::attendance::progress(&state.db, row.id, state.clock.now())
            .await
            .unwrap()
            .complete
    );
}

#[rocket::async_test]
async fn a_walk_in_for_a_full_course_is_refused_in_japanese_and_nothing_is_saved() {
    let app = spawn().await;
    let state = app.state();
    let c = course_of(&app, CourseKind::Community, 1).await;
    let staff = app.account(Role::Staff).await;
    enroll(&app, &c, &staff, &["先客"]).await;
    app.login_page(&staff).await;
    let path = format!("/staff/courses/{}/check-in", c.id);
    let token = form_token(&get(&app, &path).await.1);
    let csrf = app.csrf().await;

    let (status, page) = post_and_follow(
        &app,
        &format!("{path}/walk-in"),
        &walk_in_fields(&csrf, &token),
    )
    .await;
    assert_eq!(status, Status::Conflict);
    assert!(
        page.contains("定員に達しているため、当日参加を登録できません"),
        "{page}"
    );
    // What staff typed is still there to try elsewhere.
    assert!(page.contains("value=\"トウジツ\""), "{page}");
    assert_eq!(enrollments_in(&app, c.id).await.len(), 1);
    let people = user::Entity::find()
        .filter(user::Column::FamilyName.eq("当日"))
        .count(&state.db)
        .await
        .unwrap();
    assert_eq!(people, 0);
}

#[rocket::async_test]
async fn the_make_up_page_offers_a_session_to_exactly_the_short_trainees_and_it_covers_their_shortfall(
) {
    let app = spawn().await;
    let state = app.state();
    let c = course_of(&app, CourseKind::Helper, 30).await;
    let staff = app.account(Role::Staff).await;
    // 職務の理解 is 360 minutes: one six-hour block.
    let block = session_of(&app, &staff, &c, Some(1), Duration::hours(-7), 6, None).await;
    let e = enroll(&app, &c, &staff, &["青木", "伊藤", "上田"]).await;
    mark(
        &app,
        &staff,
        block.id,
        &[
            (e[0], Mark::Absent),
            (e[1], Mark::Present),
            (e[2], Mark::Present),
        ],
    )
    .await;
    let makeup = session_of(
        &app,
        &staff,
        &c,
        Some(1),
        Duration::days(10),
        6,
        Some(block.id),
    )
    .await;
    // Another cohort on the same curriculum with a free seat can host it too.
    let later = course_of(&app, CourseKind::Helper, 30).await;
    let elsewhere = session_of(&app, &staff, &later, Some(1), Duration::days(20), 6, None).await;

    app.login_page(&staff).await;
    let (status, matrix) = get(&app, &format!("/staff/courses/{}/attendance", c.id)).await;
    assert_eq!(status, Status::Ok);
    assert!(matrix.contains(&format!("/staff/courses/{}/makeup", c.id)));
    let (status, page) = get(&app, &format!("/staff/courses/{}/makeup?subject=1", c.id)).await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("青木 花子"), "{page}");
    assert!(
        !page.contains("伊藤 花子") && !page.contains("上田 花子"),
        "{page}"
    );
    assert!(page.contains(&format!("value=\"{}\"", makeup.id)), "{page}");
    assert!(
        page.contains(&format!("value=\"{}\"", elsewhere.id)),
        "{page}"
    );
    assert!(page.contains(&later.code), "{page}");

    let csrf = app.csrf().await;
    let makeup_id = makeup.id.to_string();
    let (status, page) = post_and_follow(
        &app,
        &format!("/staff/courses/{}/makeup", c.id),
        &[
            ("csrf_token", &csrf),
            ("subject_no", "1"),
            ("session_id", &makeup_id),
        ],
    )
    .await;
    assert_eq!(status, Status::SeeOther, "{page}");
    assert!(page.contains("1名に補講を案内しました"), "{page}");
    let booked: Vec<i64> = makeup_booking::Entity::find()
        .filter(makeup_booking::Column::SessionId.eq(makeup.id))
        .all(&state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.enrollment_id)
        .collect();
    assert_eq!(booked, vec![e[0]]);
    let audits = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("makeup_offer"))
        .count(&state.db)
        .await
        .unwrap();
    assert_eq!(audits, 1);

    assert_eq!(missing_in(&app, e[0], 1).await, 360);
    mark(&app, &staff, makeup.id, &[(e[0], Mark::Present)]).await;
    assert_eq!(missing_in(&app, e[0], 1).await, 0);
    let (_, record) = get(&app, &format!("/staff/enrollments/{}/attendance", e[0])).await;
    assert!(
        record.contains("<span class=\"badge\">補講</span>"),
        "{record}"
    );
}

/// A helper course reduced to its first subject, with the assessment required.
async fn one_subject_course(app: &TestApp) -> course::Model {
    let state = app.state();
    let c = course_of(app, CourseKind::Helper, 30).await;
    course_subject::Entity::delete_many()
        .filter(course_subject::Column::CourseId.eq(c.id))
        .filter(course_subject::Column::No.ne(1))
        .exec(&state.db)
        .await
        .unwrap();
    course::Entity::update_many()
        .col_expr(course::Column::AssessmentRequired, Expr::value(true))
        .filter(course::Column::Id.eq(c.id))
        .exec(&state.db)
        .await
        .unwrap();
    c
}

async fn complete(app: &TestApp, enrollment_id: i64) -> bool {
    let state = app.state();
    attendance::progress(&state.db, enrollment_id, state.clock.now())
        .await
        .unwrap()
        .complete
}

#[rocket::async_test]
async fn a_make_up_elsewhere_and_a_passed_retake_recorded_on_the_record_page_complete_the_trainee()
{
    let app = spawn().await;
    let c = one_subject_course(&app).await;
    let staff = app.account(Role::Staff).await;
    let block = session_of(&app, &staff, &c, Some(1), Duration::hours(-7), 6, None).await;
    let e = enroll(&app, &c, &staff, &["青木"]).await[0];
    mark(&app, &staff, block.id, &[(e, Mark::Absent)]).await;
    assert!(!complete(&app, e).await);

    app.login_page(&staff).await;
    let record = format!("/staff/enrollments/{e}/attendance");
    let (status, page) = get(&app, &record).await;
    assert_eq!(status, Status::Ok);
    assert!(
        page.contains("他事業者での補講・通信の時間を記録する"),
        "{page}"
    );
    let csrf = app.csrf().await;
    let (status, page) = post_and_follow(
        &app,
        &format!("/staff/enrollments/{e}/outside-credits"),
        &[
            ("csrf_token", &csrf),
            ("subject_no", "1"),
            ("kind", "external_makeup"),
            ("minutes", "360"),
            ("provider", "ケアスクール東京"),
            ("confirmed_on", "2026-11-20"),
        ],
    )
    .await;
    assert_eq!(status, Status::SeeOther, "{page}");
    assert!(page.contains("ケアスクール東京"), "{page}");
    assert_eq!(missing_in(&app, e, 1).await, 0);
    // Hours done, but the assessment is still missing.
    assert!(!complete(&app, e).await);

    let assessments = format!("/staff/enrollments/{e}/assessments");
    let (status, page) = post_and_follow(
        &app,
        &assessments,
        &[
            ("csrf_token", &csrf),
            ("score", "55"),
            ("pass_mark", ""),
            ("taken_on", "2026-11-25"),
        ],
    )
    .await;
    assert_eq!(status, Status::SeeOther, "{page}");
    assert!(
        page.contains("不合格") && page.contains("55点（合格 70点以上）"),
        "{page}"
    );
    assert!(!complete(&app, e).await);

    let (status, page) = post_and_follow(
        &app,
        &assessments,
        &[
            ("csrf_token", &csrf),
            ("score", "82"),
            ("pass_mark", "70"),
            ("taken_on", "2026-11-26"),
        ],
    )
    .await;
    assert_eq!(status, Status::SeeOther, "{page}");
    assert!(page.contains("2回目"), "{page}");
    assert!(page.contains("修了要件を満たしています"), "{page}");
    assert!(complete(&app, e).await);
    let attempts = assessment::Entity::find()
        .filter(assessment::Column::EnrollmentId.eq(e))
        .count(&app.state().db)
        .await
        .unwrap();
    assert_eq!(attempts, 2, "the failed first attempt is kept");
}

#[rocket::async_test]
async fn trainees_and_instructors_cannot_use_the_staff_attendance_forms() {
    let app = spawn().await;
    let state = app.state();
    let c = course_of(&app, CourseKind::Helper, 30).await;
    let symposium = course_of(&app, CourseKind::Symposium, 30).await;
    let staff = app.account(Role::Staff).await;
    let block = session_of(&app, &staff, &c, Some(1), Duration::hours(-7), 6, None).await;
    let e = enroll(&app, &c, &staff, &["青木"]).await[0];
    mark(&app, &staff, block.id, &[(e, Mark::Absent)]).await;
    let makeup = session_of(
        &app,
        &staff,
        &c,
        Some(1),
        Duration::days(10),
        6,
        Some(block.id),
    )
    .await;

    for role in [Role::Trainee, Role::Instructor] {
        let who = app.account(role).await;
        app.login_page(&who).await;
        let csrf = app.csrf().await;
        let makeup_id = makeup.id.to_string();
        let refused = |status: Status| status == Status::Forbidden || status == Status::NotFound;
        let (status, _) = get(&app, &format!("/staff/courses/{}/makeup?subject=1", c.id)).await;
        assert!(refused(status), "{role:?}: {status}");
        let (status, _) = get(&app, &format!("/staff/enrollments/{e}/attendance")).await;
        assert!(refused(status), "{role:?}: {status}");
        let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
            (
                format!("/staff/courses/{}/makeup", c.id),
                vec![
                    ("csrf_token", &csrf),
                    ("subject_no", "1"),
                    ("session_id", &makeup_id),
                ],
            ),
            (
                format!("/staff/enrollments/{e}/outside-credits"),
                vec![
                    ("csrf_token", &csrf),
                    ("subject_no", "1"),
                    ("kind", "external_makeup"),
                    ("minutes", "360"),
                    ("provider", "ケアスクール東京"),
                    ("confirmed_on", "2026-11-20"),
                ],
            ),
            (
                format!("/staff/enrollments/{e}/assessments"),
                vec![
                    ("csrf_token", &csrf),
                    ("score", "90"),
                    ("taken_on", "2026-11-25"),
                ],
            ),
            (
                format!("/staff/courses/{}/check-in/walk-in", symposium.id),
                walk_in_fields(&csrf, "0123456789abcdef"),
            ),
        ];
        for (path, fields) in posts {
            let status = app.post_form(&path, &fields).await.status();
            assert!(refused(status), "{role:?} {path}: {status}");
        }
        app.post_form("/logout", &[("csrf_token", &csrf)]).await;
    }
    let db = &state.db;
    assert_eq!(makeup_booking::Entity::find().count(db).await.unwrap(), 0);
    assert_eq!(outside_credit::Entity::find().count(db).await.unwrap(), 0);
    assert_eq!(assessment::Entity::find().count(db).await.unwrap(), 0);
    assert!(enrollments_in(&app, symposium.id).await.is_empty());
}

#[rocket::async_test]
async fn bad_input_on_the_staff_attendance_forms_is_explained_in_japanese_and_saves_nothing() {
    let app = spawn().await;
    let state = app.state();
    let c = course_of(&app, CourseKind::Helper, 30).await;
    let symposium = course_of(&app, CourseKind::Symposium, 30).await;
    let staff = app.account(Role::Staff).await;
    let block = session_of(&app, &staff, &c, Some(1), Duration::hours(-7), 6, None).await;
    let e = enroll(&app, &c, &staff, &["青木"]).await[0];
    mark(&app, &staff, block.id, &[(e, Mark::Absent)]).await;
    let makeup = session_of(
        &app,
        &staff,
        &c,
        Some(1),
        Duration::days(10),
        6,
        Some(block.id),
    )
    .await;
    app.login_page(&staff).await;
    let csrf = app.csrf().await;

    // A make-up elsewhere without the provider's name.
    let credit = format!("/staff/enrollments/{e}/outside-credits");
    let (status, page) = post_and_follow(
        &app,
        &credit,
        &[
            ("csrf_token", &csrf),
            ("subject_no", "1"),
            ("kind", "external_makeup"),
            ("minutes", "360"),
            ("provider", " "),
            ("confirmed_on", "2026-11-20"),
        ],
    )
    .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(
        page.contains("事業者名と受講修了確認書の日付が必要です"),
        "{page}"
    );
    assert!(
        page.contains("value=\"360\""),
        "what was typed is kept: {page}"
    );

    // A subject the course does not have.
    let (status, page) = post_and_follow(
        &app,
        &credit,
        &[
            ("csrf_token", &csrf),
            ("subject_no", "99"),
            ("kind", "external_makeup"),
            ("minutes", "60"),
            ("provider", "ケアスクール東京"),
            ("confirmed_on", "2026-11-20"),
        ],
    )
    .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains("この講座の科目から選んでください"), "{page}");

    // A score out of range, and a date that is not one.
    let (status, page) = post_and_follow(
        &app,
        &format!("/staff/enrollments/{e}/assessments"),
        &[
            ("csrf_token", &csrf),
            ("score", "150"),
            ("pass_mark", ""),
            ("taken_on", "2026-13-40"),
        ],
    )
    .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains("点数は0〜100で入力してください"), "{page}");
    assert!(
        page.contains("日付を「2027-01-10」の形で入力してください"),
        "{page}"
    );

    // Offering a make-up for an unknown subject, or with a session of another subject.
    let makeup_id = makeup.id.to_string();
    let offer = format!("/staff/courses/{}/makeup", c.id);
    let (status, page) = post_and_follow(
        &app,
        &offer,
        &[
            ("csrf_token", &csrf),
            ("subject_no", "99"),
            ("session_id", &makeup_id),
        ],
    )
    .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains("この講座の科目から選んでください"), "{page}");
    let (status, page) = post_and_follow(
        &app,
        &offer,
        &[
            ("csrf_token", &csrf),
            ("subject_no", "2"),
            ("session_id", &makeup_id),
        ],
    )
    .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(
        page.contains("この回はこの科目の補講に使えません"),
        "{page}"
    );

    // A walk-in without a family name and with hiragana フリガナ.
    let path = format!("/staff/courses/{}/check-in", symposium.id);
    let token = form_token(&get(&app, &path).await.1);
    let mut fields = walk_in_fields(&csrf, &token);
    fields[2] = ("family_name", "");
    fields[4] = ("family_name_kana", "とうじつ");
    let (status, page) = post_and_follow(&app, &format!("{path}/walk-in"), &fields).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains("入力内容を確認してください"), "{page}");
    assert!(page.contains("ひらがなは使えません"), "{page}");

    // An assessment for a community course, which has none.
    let community = course_of(&app, CourseKind::Community, 30).await;
    let resident = enroll(&app, &community, &staff, &["上田"]).await[0];
    let (status, page) = post_and_follow(
        &app,
        &format!("/staff/enrollments/{resident}/assessments"),
        &[
            ("csrf_token", &csrf),
            ("score", "90"),
            ("pass_mark", ""),
            ("taken_on", "2026-11-25"),
        ],
    )
    .await;
    assert_eq!(status, Status::Conflict);
    assert!(
        page.contains("修了評価はヘルパー講座でのみ記録します。"),
        "{page}"
    );

    let db = &state.db;
    assert_eq!(makeup_booking::Entity::find().count(db).await.unwrap(), 0);
    assert_eq!(outside_credit::Entity::find().count(db).await.unwrap(), 0);
    assert_eq!(assessment::Entity::find().count(db).await.unwrap(), 0);
    assert!(enrollments_in(&app, symposium.id).await.is_empty());
}

#[rocket::async_test]
async fn another_cohorts_session_without_enough_free_seats_is_refused_and_books_nobody() {
    let app = spawn().await;
    let state = app.state();
    let c = course_of(&app, CourseKind::Helper, 30).await;
    let staff = app.account(Role::Staff).await;
    let block = session_of(&app, &staff, &c, Some(1), Duration::hours(-7), 6, None).await;
    let e = enroll(&app, &c, &staff, &["青木", "伊藤"]).await;
    mark(
        &app,
        &staff,
        block.id,
        &[(e[0], Mark::Absent), (e[1], Mark::Absent)],
    )
    .await;
    // One free seat for two trainees short in the subject.
    let later = course_of(&app, CourseKind::Helper, 1).await;
    let elsewhere = session_of(&app, &staff, &later, Some(1), Duration::days(20), 6, None).await;
    app.login_page(&staff).await;
    let (_, page) = get(&app, &format!("/staff/courses/{}/makeup?subject=1", c.id)).await;
    assert!(page.contains("空席 1"), "{page}");
    let csrf = app.csrf().await;
    let elsewhere_id = elsewhere.id.to_string();
    let (status, page) = post_and_follow(
        &app,
        &format!("/staff/courses/{}/makeup", c.id),
        &[
            ("csrf_token", &csrf),
            ("subject_no", "1"),
            ("session_id", &elsewhere_id),
        ],
    )
    .await;
    assert_eq!(status, Status::Conflict);
    assert!(
        page.contains("空席が、不足している受講者の人数より少ない"),
        "{page}"
    );
    assert_eq!(
        makeup_booking::Entity::find()
            .count(&state.db)
            .await
            .unwrap(),
        0
    );
}
