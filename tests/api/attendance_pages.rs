//! The attendance pages: an instructor taking the roll on the phone page,
//! corrections with a reason, a trainee's progress, the course's CSV sheet,
//! and check-in at the door.
use chrono::Duration;
use kouza::domain::course::CourseKind;
use kouza::domain::Role;
use kouza::entities::{course, session};
use kouza::services::attendance::{self, Viewer};
use kouza::services::enrollment::{Applicant, Channel};
use kouza::services::schedule::{self, SessionInput};
use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::LocalResponse;

use crate::helpers::{spawn, Account, CourseSpec, TestApp, PASSWORD};

/// A course with one session starting now (3 hours, subject 1 for a helper
/// course) taught by `instructor`, and trainees enrolled by staff.
struct Setup {
    course: course::Model,
    session: session::Model,
    staff: Account,
    instructor: Account,
    /// (account, enrollment id) in フリガナ order.
    trainees: Vec<(Account, i64)>,
}

async fn setup(app: &TestApp, kind: CourseKind, names: &[(&str, &str)]) -> Setup {
    let state = app.state();
    let course = app
        .published_course(CourseSpec {
            kind,
            starts_in_days: 7,
            ..Default::default()
        })
        .await;
    let staff = app.account(Role::Staff).await;
    let instructor = app.account(Role::Instructor).await;
    let now = state.clock.now();
    let session = schedule::add(
        &state.db,
        staff.id,
        course.id,
        &SessionInput {
            starts_at: Some(now),
            ends_at: Some(now + Duration::hours(3)),
            subject_no: (kind == CourseKind::Helper).then_some(1),
            room: "研修室A".into(),
            instructor_id: Some(instructor.id),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    let trainees = enroll(app, &course, &staff, names).await;
    Setup {
        course,
        session,
        staff,
        instructor,
        trainees,
    }
}

/// Enrolls one new trainee per (氏, フリガナ) through the enrollment service,
/// as staff taking an application by phone would.
async fn enroll(
    app: &TestApp,
    course: &course::Model,
    staff: &Account,
    names: &[(&str, &str)],
) -> Vec<(Account, i64)> {
    let state = app.state();
    let users = app.trainees(names.len()).await;
    let mut out = vec![];
    for ((user_id, _), (family, kana)) in users.into_iter().zip(names) {
        let applicant = Applicant {
            user_id,
            family_name: family.to_string(),
            given_name: "花子".into(),
            family_name_kana: kana.to_string(),
            given_name_kana: "ハナコ".into(),
            price_category: "general".into(),
            member_number: None,
            form: serde_json::json!({}),
            answers: vec![],
            special_care_notes: None,
        };
        let row = kouza::services::enrollment::enroll(
            &state.db,
            course.id,
            &applicant,
            Channel::Staff { actor_id: staff.id },
            state.clock.now(),
        )
        .await
        .unwrap();
        let email = kouza::services::accounts::find(&state.db, user_id)
            .await
            .unwrap()
            .email;
        let account = Account {
            id: user_id,
            email,
            password: PASSWORD.to_string(),
        };
        out.push((account, row.id));
    }
    out
}

const THREE: [(&str, &str); 3] = [("青木", "アオキ"), ("伊藤", "イトウ"), ("上田", "ウエダ")];

async fn body(response: LocalResponse<'_>) -> String {
    response.into_string().await.unwrap_or_default()
}

async fn get(app: &TestApp, path: &str) -> (Status, String) {
    let response = app.client.get(path.to_string()).dispatch().await;
    let status = response.status();
    (status, body(response).await)
}

/// Posts a form and, when it redirects, opens the page it leads to.
async fn post_and_follow(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (Status, String) {
    let response = app.post_form(path, fields).await;
    let status = response.status();
    if status == Status::SeeOther {
        let to = response.headers().get_one("Location").unwrap().to_string();
        return (status, get(app, &to).await.1);
    }
    (status, body(response).await)
}

/// One trainee's part of the roster form.
struct Row<'a> {
    enrollment_id: i64,
    status: &'a str,
    minutes: &'a str,
    late: &'a str,
    note: &'a str,
}

fn roster_fields(csrf: &str, rows: &[Row<'_>], extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields = vec![("csrf_token".to_string(), csrf.to_string())];
    for r in rows {
        let key = |name: &str| format!("m[{}].{name}", r.enrollment_id);
        if !r.status.is_empty() {
            fields.push((key("status"), r.status.to_string()));
        }
        fields.push((key("minutes"), r.minutes.to_string()));
        fields.push((key("late_minutes"), r.late.to_string()));
        fields.push((key("note"), r.note.to_string()));
    }
    fields.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    fields
}

async fn post_roster(
    app: &TestApp,
    session_id: i64,
    fields: &[(String, String)],
) -> (Status, String) {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    post_and_follow(
        app,
        &format!("/instructor/sessions/{session_id}"),
        &borrowed,
    )
    .await
}

async fn marks_of(app: &TestApp, session_id: i64) -> Vec<(i64, Option<String>, i32)> {
    let staff = Viewer {
        id: 0,
        is_staff: true,
    };
    let (_, rows) = attendance::roster(&app.state().db, session_id, staff)
        .await
        .unwrap();
    rows.into_iter()
        .map(|r| (r.enrollment_id, r.mark, r.minutes))
        .collect()
}

fn ids(s: &Setup) -> Vec<i64> {
    s.trainees.iter().map(|(_, id)| *id).collect()
}

#[rocket::async_test]
async fn an_instructor_marks_todays_roster_in_one_post_and_resubmitting_changes_nothing() {
    let app = spawn().await;
    let s = setup(&app, CourseKind::Helper, &THREE).await;
    app.login_page(&s.instructor).await;

    let (status, today) = get(&app, "/instructor").await;
    assert_eq!(status, Status::Ok);
    assert!(today.contains(&s.course.title), "{today}");
    assert!(today.contains(&format!("/instructor/sessions/{}", s.session.id)));
    assert!(today.contains("研修室A"));

    let (status, page) = get(&app, &format!("/instructor/sessions/{}", s.session.id)).await;
    assert_eq!(status, Status::Ok);
    let (a, i, u) = (
        page.find("青木").unwrap(),
        page.find("伊藤").unwrap(),
        page.find("上田").unwrap(),
    );
    assert!(a < i && i < u, "rows in フリガナ order");

    let e = ids(&s);
    let csrf = app.csrf().await;
    let taught = s.instructor.id.to_string();
    let rows = [
        Row {
            enrollment_id: e[0],
            status: "present",
            minutes: "180",
            late: "0",
            note: "",
        },
        Row {
            enrollment_id: e[1],
            status: "late",
            minutes: "160",
            late: "20",
            note: "電車遅延",
        },
        Row {
            enrollment_id: e[2],
            status: "absent",
            minutes: "180",
            late: "0",
            note: "",
        },
    ];
    let fields = roster_fields(
        &csrf,
        &rows,
        &[("taught_by", &taught), ("reason", ""), ("save", "yes")],
    );
    let (status, page) = post_roster(&app, s.session.id, &fields).await;
    assert_eq!(status, Status::SeeOther);
    assert!(
        page.contains("保存しました（新規 3・変更 0・変更なし 0）"),
        "{page}"
    );
    assert_eq!(
        marks_of(&app, s.session.id).await,
        vec![
            (e[0], Some("present".into()), 180),
            (e[1], Some("late".into()), 160),
            (e[2], Some("absent".into()), 0),
        ]
    );

    // The page now shows what the server has; sending the same form again is a no-op.
    let (status, page) = post_roster(&app, s.session.id, &fields).await;
    assert_eq!(status, Status::SeeOther);
    assert!(
        page.contains("保存しました（新規 0・変更 0・変更なし 3）"),
        "{page}"
    );
    let history = attendance::history_for_session(&app.state().db, s.session.id)
        .await
        .unwrap();
    let mut per_trainee: Vec<i64> = history.iter().map(|(m, _)| m.enrollment_id).collect();
    per_trainee.sort_unstable();
    assert_eq!(per_trainee, e, "exactly one history entry per trainee");
    assert_eq!(
        attendance::instructors_of(&app.state().db, s.session.id)
            .await
            .unwrap(),
        vec![s.instructor.id]
    );
}

#[rocket::async_test]
async fn another_instructors_roster_is_not_found_and_a_trainee_is_forbidden() {
    let app = spawn().await;
    let s = setup(&app, CourseKind::Helper, &THREE).await;
    let other = app.account(Role::Instructor).await;
    app.login_page(&other).await;
    let path = format!("/instructor/sessions/{}", s.session.id);

    assert_eq!(get(&app, &path).await.0, Status::NotFound);
    assert_eq!(
        get(&app, &format!("{path}/history")).await.0,
        Status::NotFound
    );
    let (today_status, today) = get(&app, "/instructor").await;
    assert_eq!(today_status, Status::Ok);
    assert!(
        !today.contains(&path),
        "someone else's session is not listed"
    );

    let csrf = app.csrf().await;
    let e = ids(&s);
    let rows: Vec<Row> = e
        .iter()
        .map(|id| Row {
            enrollment_id: *id,
            status: "absent",
            minutes: "0",
            late: "0",
            note: "",
        })
        .collect();
    let fields = roster_fields(&csrf, &rows, &[]);
    let (status, _) = post_roster(&app, s.session.id, &fields).await;
    assert_eq!(status, Status::NotFound);
    assert!(marks_of(&app, s.session.id)
        .await
        .iter()
        .all(|(_, mark, _)| mark.is_none()));
    assert!(
        attendance::history_for_session(&app.state().db, s.session.id)
            .await
            .unwrap()
            .is_empty()
    );

    let trainee = &s.trainees[0].0;
    app.login_page(trainee).await;
    assert_eq!(get(&app, &path).await.0, Status::Forbidden);
    assert_eq!(get(&app, "/instructor").await.0, Status::Forbidden);
}

#[rocket::async_test]
async fn a_correction_after_the_session_needs_a_reason_and_the_history_shows_it() {
    let app = spawn().await;
    let s = setup(&app, CourseKind::Helper, &THREE[..2]).await;
    app.login_page(&s.instructor).await;
    let e = ids(&s);
    let csrf = app.csrf().await;
    let present = |id| Row {
        enrollment_id: id,
        status: "present",
        minutes: "180",
        late: "0",
        note: "",
    };
    let fields = roster_fields(&csrf, &[present(e[0]), present(e[1])], &[]);
    assert_eq!(
        post_roster(&app, s.session.id, &fields).await.0,
        Status::SeeOther
    );

    // The next day: the session is long over, and the login needs renewing.
    app.state().clock.advance(Duration::hours(20));
    app.login_page(&s.instructor).await;
    let corrected = Row {
        enrollment_id: e[1],
        status: "absent",
        minutes: "0",
        late: "0",
        note: "",
    };
    let without = roster_fields(&csrf, &[present(e[0]), corrected], &[("reason", "  ")]);
    let (status, page) = post_roster(&app, s.session.id, &without).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(
        page.contains("終了後の出欠の訂正には理由が必要です。"),
        "{page}"
    );
    assert!(page.contains(r#"role="alert""#));
    assert_eq!(
        marks_of(&app, s.session.id).await[1].1.as_deref(),
        Some("present")
    );

    let corrected = Row {
        enrollment_id: e[1],
        status: "absent",
        minutes: "0",
        late: "0",
        note: "",
    };
    let with = roster_fields(
        &csrf,
        &[present(e[0]), corrected],
        &[("reason", "本人から欠席の連絡があったため")],
    );
    let (status, page) = post_roster(&app, s.session.id, &with).await;
    assert_eq!(status, Status::SeeOther);
    assert!(page.contains("新規 0・変更 1・変更なし 1"), "{page}");
    assert_eq!(
        marks_of(&app, s.session.id).await[1].1.as_deref(),
        Some("absent")
    );

    let (status, history) = get(
        &app,
        &format!("/instructor/sessions/{}/history", s.session.id),
    )
    .await;
    assert_eq!(status, Status::Ok);
    assert!(history.contains("出席（180分） → 欠席（0分）"), "{history}");
    assert!(history.contains("本人から欠席の連絡があったため"));
}

#[rocket::async_test]
async fn everyone_present_marks_every_unmarked_row_present() {
    let app = spawn().await;
    let s = setup(&app, CourseKind::Helper, &THREE).await;
    app.login_page(&s.instructor).await;
    let e = ids(&s);
    let csrf = app.csrf().await;
    let rows = [
        Row {
            enrollment_id: e[0],
            status: "",
            minutes: "180",
            late: "0",
            note: "",
        },
        Row {
            enrollment_id: e[1],
            status: "excused",
            minutes: "180",
            late: "0",
            note: "忌引",
        },
        Row {
            enrollment_id: e[2],
            status: "",
            minutes: "180",
            late: "0",
            note: "",
        },
    ];
    let fields = roster_fields(&csrf, &rows, &[("all_present", "yes")]);
    let (status, page) = post_roster(&app, s.session.id, &fields).await;
    assert_eq!(status, Status::SeeOther);
    assert!(page.contains("新規 3"), "{page}");
    assert_eq!(
        marks_of(&app, s.session.id).await,
        vec![
            (e[0], Some("present".into()), 180),
            (e[1], Some("excused".into()), 0),
            (e[2], Some("present".into()), 180),
        ]
    );
}

#[rocket::async_test]
async fn a_trainee_sees_the_minutes_missing_and_the_next_make_up_but_not_someone_elses_progress() {
    let app = spawn().await;
    let s = setup(&app, CourseKind::Helper, &THREE[..2]).await;
    let state = app.state();
    let now = state.clock.now();
    let e = ids(&s);
    let staff = Viewer {
        id: s.staff.id,
        is_staff: true,
    };
    let marks = [
        (e[0], kouza::domain::completion::Mark::Absent),
        (e[1], kouza::domain::completion::Mark::Present),
    ]
    .map(|(id, mark)| attendance::MarkInput {
        enrollment_id: id,
        mark,
        minutes: None,
        late_minutes: 0,
        note: String::new(),
    });
    attendance::save_roster(&state.db, s.session.id, staff, &marks, None, now)
        .await
        .unwrap();
    let makeup = schedule::add(
        &state.db,
        s.staff.id,
        s.course.id,
        &SessionInput {
            starts_at: Some(now + Duration::days(10)),
            ends_at: Some(now + Duration::days(10) + Duration::hours(6)),
            subject_no: Some(1),
            room: "補講室B".into(),
            makeup_for: Some(s.session.id),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    attendance::offer_makeup(&state.db, makeup.id, s.course.id, s.staff.id, now)
        .await
        .unwrap();

    app.login_page(&s.trainees[0].0).await;
    let (status, page) = get(&app, &format!("/my/enrollments/{}/progress", e[0])).await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("職務の理解"), "{page}");
    assert!(page.contains("あと360分"), "{page}");
    assert!(
        page.contains("次の補講：") && page.contains("補講室B"),
        "{page}"
    );

    assert_eq!(
        get(&app, &format!("/my/enrollments/{}/progress", e[1]))
            .await
            .0,
        Status::NotFound
    );
}

#[rocket::async_test]
async fn the_csv_sheet_has_a_bom_japanese_headers_minutes_per_subject_and_no_live_formulas() {
    let app = spawn().await;
    let s = setup(
        &app,
        CourseKind::Helper,
        &[("=1+2", "イコール"), ("伊藤", "イトウ")],
    )
    .await;
    let state = app.state();
    let e = ids(&s);
    let staff = Viewer {
        id: s.staff.id,
        is_staff: true,
    };
    let marks = [
        (e[0], kouza::domain::completion::Mark::Present),
        (e[1], kouza::domain::completion::Mark::Absent),
    ]
    .map(|(id, mark)| attendance::MarkInput {
        enrollment_id: id,
        mark,
        minutes: None,
        late_minutes: 0,
        note: String::new(),
    });
    attendance::save_roster(
        &state.db,
        s.session.id,
        staff,
        &marks,
        None,
        state.clock.now(),
    )
    .await
    .unwrap();

    app.login_page(&s.staff).await;
    let response = app
        .client
        .get(format!("/staff/courses/{}/attendance.csv", s.course.id))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    assert!(response.content_type().is_some_and(|c| c.is_csv()));
    let disposition = response
        .headers()
        .get_one("Content-Disposition")
        .unwrap()
        .to_string();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(disposition.contains(&s.course.code), "{disposition}");
    let bytes = response.into_bytes().await.unwrap();
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("受講者番号,氏名,フリガナ,1 職務の理解（6時間）,2 "),
        "{header}"
    );
    assert!(header.ends_with(",不足科目"), "{header}");
    let first = lines.next().unwrap();
    assert!(
        first.starts_with(&format!("{},'=1+2 花子,イコール ハナコ,180,0,", e[0])),
        "{first}"
    );
    let second = lines.next().unwrap();
    assert!(
        second.starts_with(&format!("{},伊藤 花子,イトウ ハナコ,0,", e[1])),
        "{second}"
    );
    assert!(
        second.contains("1 職務の理解"),
        "subject 1 is listed as short: {second}"
    );
    assert!(!text.contains(",=1+2"));

    let (status, matrix) = get(&app, &format!("/staff/courses/{}/attendance", s.course.id)).await;
    assert_eq!(status, Status::Ok);
    assert!(
        matrix.contains("180／360分") && matrix.contains("不足 180分"),
        "{matrix}"
    );
    let (status, print) = get(
        &app,
        &format!("/staff/courses/{}/attendance/print", s.course.id),
    )
    .await;
    assert_eq!(status, Status::Ok);
    assert!(print.contains("受講者科目別出席簿"));
    let (status, record) = get(&app, &format!("/staff/enrollments/{}/attendance", e[1])).await;
    assert_eq!(status, Status::Ok);
    assert!(record.contains("欠席"), "{record}");
}

#[rocket::async_test]
async fn door_check_in_works_once_says_already_then_refuses_another_courses_code() {
    let app = spawn().await;
    let a = setup(&app, CourseKind::Symposium, &THREE[..1]).await;
    let b_course = app
        .published_course(CourseSpec {
            kind: CourseKind::Symposium,
            ..Default::default()
        })
        .await;
    let b = enroll(&app, &b_course, &a.staff, &[("別所", "ベッショ")]).await;
    let state = app.state();
    let mine = a.trainees[0].1;
    let code = kouza::services::check_in::code_for(&state.db, mine)
        .await
        .unwrap();
    let elsewhere = kouza::services::check_in::code_for(&state.db, b[0].1)
        .await
        .unwrap();

    app.login_page(&a.staff).await;
    let path = format!("/staff/courses/{}/check-in", a.course.id);
    let (status, page) = get(&app, &path).await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("受付済み 0名／申込 1名"), "{page}");
    assert!(page.contains("/static/js/scanner.js"));
    let csrf = app.csrf().await;
    let (status, page) = post_and_follow(
        &app,
        &path,
        &[("csrf_token", &csrf), ("code", &code.to_lowercase())],
    )
    .await;
    assert_eq!(status, Status::SeeOther);
    assert!(page.contains("青木 花子 さんを受付しました"), "{page}");
    assert!(page.contains("受付済み 1名／申込 1名"), "{page}");
    // The session going on now is marked too.
    assert_eq!(
        marks_of(&app, a.session.id).await[0].1.as_deref(),
        Some("present")
    );

    let (status, page) =
        post_and_follow(&app, &path, &[("csrf_token", &csrf), ("code", &code)]).await;
    assert_eq!(status, Status::SeeOther);
    assert!(
        page.contains("青木 花子 さんは") && page.contains("に受付済みです"),
        "{page}"
    );

    let (status, page) =
        post_and_follow(&app, &path, &[("csrf_token", &csrf), ("code", &elsewhere)]).await;
    assert_eq!(status, Status::Conflict);
    assert!(
        page.contains("このQRコードは別の講座のものです。"),
        "{page}"
    );
    assert!(page.contains(r#"role="alert""#));
    let other = kouza::services::enrollment::find(&state.db, b[0].1)
        .await
        .unwrap();
    assert!(other.checked_in_at.is_none());

    // By name: the list button checks in by enrollment id, for this course only.
    let (status, _) = post_and_follow(
        &app,
        &path,
        &[
            ("csrf_token", &csrf),
            ("enrollment_id", &b[0].1.to_string()),
        ],
    )
    .await;
    assert_eq!(status, Status::Conflict);
}

#[rocket::async_test]
async fn the_door_qr_code_is_served_to_its_owner_only() {
    let app = spawn().await;
    let s = setup(&app, CourseKind::Community, &THREE[..2]).await;
    let (owner, mine) = (&s.trainees[0].0, s.trainees[0].1);
    app.login_page(owner).await;
    let response = app
        .client
        .get(format!("/my/enrollments/{mine}/qr.svg"))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.content_type(), Some(ContentType::SVG));
    let svg = response.into_string().await.unwrap();
    assert!(svg.contains("<svg"), "{svg}");
    let code = kouza::services::check_in::code_for(&app.state().db, mine)
        .await
        .unwrap();
    let (status, page) = get(&app, &format!("/my/enrollments/{mine}/progress")).await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains(&code) && page.contains("qr.svg"), "{page}");

    app.login_page(&s.trainees[1].0).await;
    let response = app
        .client
        .get(format!("/my/enrollments/{mine}/qr.svg"))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::NotFound);
}

#[rocket::async_test]
async fn a_trainee_checks_in_with_the_instructors_live_code_once_and_a_wrong_code_is_refused() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = spawn().await;
    let s = setup(&app, CourseKind::Community, &THREE[..1]).await;
    let state = app.state();
    // Self check-in is a course setting staff switch on.
    course::Entity::update_many()
        .col_expr(
            course::Column::SelfCheckIn,
            sea_orm::prelude::Expr::value(true),
        )
        .filter(course::Column::Id.eq(s.course.id))
        .exec(&state.db)
        .await
        .unwrap();

    app.login_page(&s.instructor).await;
    let teacher = Viewer {
        id: s.instructor.id,
        is_staff: false,
    };
    let live = || async {
        kouza::services::check_in::session_code(&state.db, s.session.id, teacher, state.clock.now())
            .await
            .unwrap()
            .0
    };
    // The code rolls over every 30 seconds: the page shows one of these two.
    let before = live().await;
    let (status, shown) = get(&app, &format!("/instructor/sessions/{}/code", s.session.id)).await;
    let code = live().await;
    assert_eq!(status, Status::Ok);
    assert!(shown.contains(r#"http-equiv="refresh""#));
    assert!(shown.contains(&before) || shown.contains(&code), "{shown}");

    app.login_page(&s.trainees[0].0).await;
    let (status, form) = get(&app, "/my/check-in").await;
    assert_eq!(status, Status::Ok);
    assert!(
        form.contains(&format!(r#"<option value="{}" selected>"#, s.session.id)),
        "{form}"
    );
    let csrf = app.csrf().await;
    let session_id = s.session.id.to_string();
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    let (status, page) = post_and_follow(
        &app,
        "/my/check-in",
        &[
            ("csrf_token", &csrf),
            ("session_id", &session_id),
            ("code", &wrong),
        ],
    )
    .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains("出席コードが違うか"), "{page}");
    assert!(marks_of(&app, s.session.id).await[0].1.is_none());

    let fields = [
        ("csrf_token", csrf.as_str()),
        ("session_id", &session_id),
        ("code", &code),
    ];
    let (status, page) = post_and_follow(&app, "/my/check-in", &fields).await;
    assert_eq!(status, Status::SeeOther);
    assert!(page.contains("出席を登録しました。"), "{page}");
    assert_eq!(
        marks_of(&app, s.session.id).await[0].1.as_deref(),
        Some("present")
    );
    let (status, page) = post_and_follow(&app, "/my/check-in", &fields).await;
    assert_eq!(status, Status::SeeOther);
    assert!(page.contains("出席はすでに記録されています。"), "{page}");
}
