//! The public catalog, the course page, its calendar and the application
//! form, as a browser uses them. Data is set up through the services, the
//! way staff screens would.
use chrono::{DateTime, Duration, NaiveDate, Utc};
use kouza::domain::course::{CourseKind, CourseStatus};
use kouza::domain::course_draft::CourseDraft;
use kouza::domain::Role;
use kouza::entities::{course, enrollment, session};
use kouza::services::{catalog, schedule, sites};
use rocket::http::{ContentType, Header, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::{form_body, spawn, Account, TestApp};

/// How a test course is set up; everything not named has a plain default.
pub struct Spec {
    pub kind: CourseKind,
    pub title: &'static str,
    pub prefecture: &'static str,
    pub capacity: i32,
    pub waitlist: bool,
    pub approval: bool,
    pub starts_in_days: i64,
    pub cancellation_deadline_days: i32,
    pub closes_at: Option<DateTime<Utc>>,
    pub status: CourseStatus,
    pub description: &'static str,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            kind: CourseKind::Community,
            title: "はじめての家族介護講座",
            prefecture: "東京都",
            capacity: 20,
            waitlist: true,
            approval: false,
            starts_in_days: 30,
            cancellation_deadline_days: 3,
            closes_at: None,
            status: CourseStatus::Published,
            description: "ご家族の介護を始めた方のための講座です。",
        }
    }
}

pub async fn staff(app: &TestApp) -> Account {
    app.account(Role::Staff).await
}

/// The date in Japan `days` from now.
pub fn jst_day(app: &TestApp, days: i64) -> NaiveDate {
    kouza::domain::course::jst_date(app.state().clock.now()) + Duration::days(days)
}

/// A course made through the services, moved to `spec.status`.
pub async fn course(app: &TestApp, staff_id: i64, spec: Spec) -> course::Model {
    let state = app.state();
    let now = state.clock.now();
    let site = sites::create(
        &state.db,
        &format!("{}事業所", spec.prefecture),
        spec.prefecture,
        &format!("{}中央1-2-3", spec.prefecture),
        now,
    )
    .await
    .unwrap();
    let starts_on = jst_day(app, spec.starts_in_days);
    let draft = CourseDraft {
        kind: spec.kind,
        code: format!("T-{:x}", rand::random::<u32>()),
        title: spec.title.into(),
        description: spec.description.into(),
        site_id: site.id,
        capacity: spec.capacity,
        starts_on,
        ends_on: starts_on + Duration::days(7),
        enrollment_opens_at: None,
        enrollment_closes_at: spec.closes_at,
        requires_approval: spec.approval,
        waitlist_enabled: spec.waitlist,
        offer_hold_hours: 48,
        cancellation_deadline_days: spec.cancellation_deadline_days,
        attendance_threshold_percent: 80,
        designation_number: None,
        what_to_bring: "筆記用具\n上履き".into(),
        cancellation_policy: "開始7日前まで全額返金します。".into(),
    };
    let curriculum = (spec.kind == CourseKind::Helper).then_some("shoninsha");
    let created = catalog::create(&state.db, staff_id, &draft, curriculum, now)
        .await
        .unwrap();
    let steps: &[CourseStatus] = match spec.status {
        CourseStatus::Draft => &[],
        CourseStatus::Published => &[CourseStatus::Published],
        CourseStatus::Closed => &[CourseStatus::Published, CourseStatus::Closed],
        CourseStatus::Cancelled => &[CourseStatus::Published, CourseStatus::Cancelled],
        CourseStatus::Finished => &[CourseStatus::Published, CourseStatus::Finished],
    };
    for step in steps {
        if *step == CourseStatus::Cancelled {
            kouza::services::enrollment::cancel_course(
                &state.db,
                created.id,
                staff_id,
                "会場の都合により中止",
                now,
            )
            .await
            .unwrap();
        } else {
            catalog::set_status(&state.db, staff_id, created.id, *step, now)
                .await
                .unwrap();
        }
    }
    catalog::find(&state.db, created.id).await.unwrap()
}

/// A session on the course's first day, 09:30–12:00 in Japan.
pub async fn session(app: &TestApp, staff_id: i64, c: &course::Model) -> session::Model {
    let state = app.state();
    let starts = kouza::domain::course::jst_midnight(c.starts_on) + Duration::minutes(9 * 60 + 30);
    let input = schedule::SessionInput {
        starts_at: Some(starts),
        ends_at: Some(starts + Duration::minutes(150)),
        subject_no: (c.kind == "helper").then_some(1),
        title: None,
        room: "2階研修室".into(),
        instructor_id: None,
        makeup_for: None,
    };
    schedule::add(&state.db, staff_id, c.id, &input, state.clock.now())
        .await
        .unwrap()
}

pub async fn get(app: &TestApp, path: &str) -> (Status, String) {
    let response = app.client.get(path.to_string()).dispatch().await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}

/// What a trainee types into a community course's form.
pub fn community_fields(csrf: &str) -> Vec<(&str, &str)> {
    vec![
        ("csrf_token", csrf),
        ("family_name", "山田"),
        ("given_name", "花子"),
        ("family_name_kana", "ヤマダ"),
        ("given_name_kana", "ハナコ"),
        ("phone", "03-1234-5678"),
        ("price_category", "general"),
        ("consent", "yes"),
    ]
}

/// Logs a new trainee in and applies through the form; returns the response status.
pub async fn apply(app: &TestApp, course_id: i64, fields: &[(&str, &str)]) -> Status {
    app.post_form(&format!("/courses/{course_id}/apply"), fields)
        .await
        .status()
}

pub async fn enrollments_of(app: &TestApp, user_id: i64) -> Vec<enrollment::Model> {
    enrollment::Entity::find()
        .filter(enrollment::Column::UserId.eq(user_id))
        .all(&app.state().db)
        .await
        .unwrap()
}

async fn trainee_logged_in(app: &TestApp) -> Account {
    let trainee = app.account(Role::Trainee).await;
    app.login_page(&trainee).await;
    trainee
}

// ---------------------------------------------------------------------------
// The catalog

#[rocket::async_test]
async fn the_catalog_lists_published_and_closed_courses_but_not_drafts_or_cancelled_ones() {
    let app = spawn().await;
    let staff = staff(&app).await;
    for (title, status) in [
        ("公開中の料理講座", CourseStatus::Published),
        ("受付終了のパソコン講座", CourseStatus::Closed),
        ("下書きの子育て講座", CourseStatus::Draft),
        ("中止になった介護講座", CourseStatus::Cancelled),
    ] {
        course(
            &app,
            staff.id,
            Spec {
                title,
                status,
                ..Spec::default()
            },
        )
        .await;
    }
    let (status, html) = get(&app, "/courses").await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains("公開中の料理講座"));
    assert!(html.contains("受付終了のパソコン講座"));
    assert!(html.contains("受付終了"), "the closed course has its badge");
    assert!(!html.contains("下書きの子育て講座"));
    assert!(!html.contains("中止になった介護講座"));
    assert!(html.contains("全2件"));
}

#[rocket::async_test]
async fn the_catalog_filters_by_kind_prefecture_month_keyword_and_free_seats() {
    let app = spawn().await;
    let staff = staff(&app).await;
    let tokyo = course(
        &app,
        staff.id,
        Spec {
            title: "東京の料理教室",
            starts_in_days: 20,
            ..Spec::default()
        },
    )
    .await;
    course(
        &app,
        staff.id,
        Spec {
            kind: CourseKind::Symposium,
            title: "大阪の協同労働シンポジウム",
            prefecture: "大阪府",
            starts_in_days: 90,
            ..Spec::default()
        },
    )
    .await;
    let full = course(
        &app,
        staff.id,
        Spec {
            title: "満席の書道講座",
            capacity: 1,
            starts_in_days: 150,
            ..Spec::default()
        },
    )
    .await;
    let someone = app.account(Role::Trainee).await;
    enroll_directly(&app, full.id, someone.id).await;

    let titles = |html: &str| {
        [
            "東京の料理教室",
            "大阪の協同労働シンポジウム",
            "満席の書道講座",
        ]
        .into_iter()
        .filter(|t| html.contains(t))
        .collect::<Vec<_>>()
    };
    let (_, html) = get(&app, "/courses?kind=symposium").await;
    assert_eq!(titles(&html), ["大阪の協同労働シンポジウム"]);
    assert!(
        html.contains(r#"<option value="symposium" selected>"#),
        "the choice is kept"
    );

    let (_, html) = get(&app, "/courses?prefecture=%E5%A4%A7%E9%98%AA%E5%BA%9C").await;
    assert_eq!(titles(&html), ["大阪の協同労働シンポジウム"]);

    let month = tokyo.starts_on.format("%Y-%m").to_string();
    let (_, html) = get(&app, &format!("/courses?month={month}")).await;
    assert_eq!(titles(&html), ["東京の料理教室"]);
    assert!(html.contains(&format!(r#"value="{month}""#)));

    let (_, html) = get(&app, "/courses?q=%E6%9B%B8%E9%81%93").await;
    assert_eq!(titles(&html), ["満席の書道講座"]);

    let (_, html) = get(&app, "/courses?has_seats=1").await;
    assert_eq!(
        titles(&html),
        ["東京の料理教室", "大阪の協同労働シンポジウム"]
    );
    let (_, html) = get(&app, "/courses").await;
    assert!(
        html.contains("キャンセル待ち受付中"),
        "the full course takes a waitlist"
    );
    assert!(html.contains("残り20席"));
}

#[rocket::async_test]
async fn the_catalog_shows_twenty_courses_a_page_and_the_next_page_keeps_the_filters() {
    let app = spawn().await;
    let staff = staff(&app).await;
    for day in 0..21 {
        course(
            &app,
            staff.id,
            Spec {
                title: "連続講座",
                starts_in_days: 10 + day,
                ..Spec::default()
            },
        )
        .await;
    }
    let (_, first) = get(&app, "/courses?q=%E9%80%A3%E7%B6%9A").await;
    assert_eq!(first.matches("<h3><a href=\"/courses/").count(), 20);
    assert!(first.contains("rel=\"next\"") && !first.contains("rel=\"prev\""));
    assert!(
        first.contains("href=\"/courses?q=%E9%80%A3%E7%B6%9A&amp;page=2\""),
        "the next link keeps the keyword"
    );
    let (_, second) = get(&app, "/courses?q=%E9%80%A3%E7%B6%9A&page=2").await;
    assert_eq!(second.matches("<h3><a href=\"/courses/").count(), 1);
    assert!(second.contains("rel=\"prev\""));
}

#[rocket::async_test]
async fn bad_filter_values_show_a_message_next_to_the_filter_instead_of_failing() {
    let app = spawn().await;
    let (status, html) = get(&app, "/courses?month=2027-13&page=abc&kind=cooking").await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(html.contains("開始月は「2027-01」の形で入力してください。"));
    assert!(html.contains("ページ番号は1以上の半角数字で指定してください。"));
    assert!(html.contains("講座の種類は"));
    assert!(
        html.contains(r##"href="#f-month""##),
        "the summary links to the field"
    );
    assert!(html.contains(r#"value="2027-13""#), "the input is kept");

    let response = app
        .client
        .get("/courses?month=January")
        .header(Header::new("Accept-Language", "en"))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response
        .into_string()
        .await
        .unwrap()
        .contains("Enter the month as 2027-01."));

    let (status, _) = get(&app, "/courses?page=18446744073709551615").await;
    assert_eq!(
        status,
        Status::UnprocessableEntity,
        "a huge page is refused, not overflowed"
    );
}

// ---------------------------------------------------------------------------
// The course page and its calendar

pub async fn enroll_directly(app: &TestApp, course_id: i64, user_id: i64) -> enrollment::Model {
    let applicant = kouza::services::enrollment::Applicant {
        user_id,
        family_name: "山田".into(),
        given_name: "花子".into(),
        family_name_kana: "ヤマダ".into(),
        given_name_kana: "ハナコ".into(),
        price_category: "general".into(),
        member_number: None,
        form: serde_json::json!({}),
        answers: vec![],
        special_care_notes: None,
    };
    let state = app.state();
    kouza::services::enrollment::enroll(
        &state.db,
        course_id,
        &applicant,
        kouza::services::enrollment::Channel::Online,
        state.clock.now(),
    )
    .await
    .unwrap()
}

#[rocket::async_test]
async fn the_course_page_shows_the_schedule_in_japan_time_the_fees_and_the_cancellation_deadline() {
    let app = spawn().await;
    let staff = staff(&app).await;
    let c = course(
        &app,
        staff.id,
        Spec {
            starts_in_days: 40,
            ..Spec::default()
        },
    )
    .await;
    session(&app, staff.id, &c).await;
    catalog::set_fees(
        &app.state().db,
        c.id,
        &[
            ("general".into(), "tuition".into(), 33_000),
            ("general".into(), "textbook".into(), 6_600),
            ("member".into(), "tuition".into(), 28_000),
        ],
    )
    .await
    .unwrap();
    let (status, html) = get(&app, &format!("/courses/{}", c.id)).await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains("はじめての家族介護講座"));
    assert!(html.contains("東京都事業所"));
    assert!(
        html.contains("09:30～12:00"),
        "times are shown in Japan time"
    );
    assert!(html.contains("2階研修室"));
    assert!(html.contains(r#"<th scope="col">"#) && html.contains(r#"<th scope="row">"#));
    for text in [
        "一般",
        "受講料",
        "¥33,000",
        "テキスト代",
        "¥6,600",
        "¥39,600",
        "組合員",
        "¥28,000",
    ] {
        assert!(html.contains(text), "fees: {text}");
    }
    assert!(html.contains("筆記用具") && html.contains("開始7日前まで全額返金します。"));
    let deadline = kouza::domain::wareki::format_seireki(c.starts_on - Duration::days(3));
    assert!(html.contains(&format!("ご自身でキャンセルできるのは {deadline} まで")));
    let first_day = kouza::domain::wareki::format_seireki(c.starts_on);
    assert!(html.contains(&first_day));
    assert!(
        html.contains(&format!("/login?next=%2Fcourses%2F{}%2Fapply", c.id)),
        "anonymous visitors are sent to log in first"
    );
    assert!(html.contains("ログインして申し込む"));

    let response = app
        .client
        .get(format!("/courses/{}", c.id))
        .header(Header::new("Accept-Language", "en"))
        .dispatch()
        .await;
    let english = response.into_string().await.unwrap();
    assert!(english.contains("Tuition") && english.contains("¥33,000"));
    assert!(english.contains(&kouza::domain::wareki::format_en(c.starts_on)));
}

#[rocket::async_test]
async fn a_draft_course_is_not_found_for_anonymous_visitors_and_trainees_but_staff_see_it() {
    let app = spawn().await;
    let staff_account = staff(&app).await;
    let draft = course(
        &app,
        staff_account.id,
        Spec {
            title: "準備中の講座",
            status: CourseStatus::Draft,
            ..Spec::default()
        },
    )
    .await;
    let path = format!("/courses/{}", draft.id);
    let (status, html) = get(&app, &path).await;
    assert_eq!(status, Status::NotFound);
    assert!(!html.contains("準備中の講座"));
    assert_eq!(
        get(&app, &format!("{path}/schedule.ics")).await.0,
        Status::NotFound
    );

    trainee_logged_in(&app).await;
    assert_eq!(get(&app, &path).await.0, Status::NotFound);
    assert_eq!(
        get(&app, &format!("{path}/apply")).await.0,
        Status::NotFound
    );

    app.login_page(&staff_account).await;
    let (status, html) = get(&app, &path).await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains("準備中の講座") && html.contains("公開されていません"));
}

#[rocket::async_test]
async fn the_course_calendar_is_icalendar_with_cancelled_sessions_marked() {
    let app = spawn().await;
    let staff = staff(&app).await;
    let c = course(&app, staff.id, Spec::default()).await;
    let kept = session(&app, staff.id, &c).await;
    let dropped = session(&app, staff.id, &c).await;
    schedule::cancel(
        &app.state().db,
        staff.id,
        dropped.id,
        app.state().clock.now(),
    )
    .await
    .unwrap();
    let response = app
        .client
        .get(format!("/courses/{}/schedule.ics", c.id))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(
        response.content_type(),
        Some(ContentType::new("text", "calendar").with_params(("charset", "utf-8")))
    );
    let ics = response.into_string().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
    let unfolded = ics.replace("\r\n ", "");
    let event = |id: i64| {
        let start = unfolded.find(&format!("UID:session-{id}@kouza")).unwrap();
        let end = unfolded[start..].find("END:VEVENT").unwrap();
        unfolded[start..start + end].to_string()
    };
    assert!(event(kept.id).contains("STATUS:CONFIRMED"));
    assert!(event(kept.id).contains("T093000"));
    assert!(event(dropped.id).contains("STATUS:CANCELLED"));
}

// ---------------------------------------------------------------------------
// Applying

#[rocket::async_test]
async fn an_anonymous_visitor_is_asked_to_log_in_before_the_form() {
    let app = spawn().await;
    let staff = staff(&app).await;
    let c = course(&app, staff.id, Spec::default()).await;
    let (status, html) = get(&app, &format!("/courses/{}/apply", c.id)).await;
    assert_eq!(status, Status::Unauthorized);
    assert!(html.contains(&format!("/login?next=%2Fcourses%2F{}%2Fapply", c.id)));
}

#[rocket::async_test]
async fn applying_to_a_community_course_confirms_the_seat_and_my_page_shows_it() {
    let app = spawn().await;
    let staff = staff(&app).await;
    let c = course(&app, staff.id, Spec::default()).await;
    let trainee = trainee_logged_in(&app).await;
    let (status, form) = get(&app, &format!("/courses/{}/apply", c.id)).await;
    assert_eq!(status, Status::Ok);
    assert!(
        form.contains(r#"value="山田""#),
        "names come from the account"
    );
    assert!(form.contains(r#"name="phone""#) && !form.contains(r#"name="birth_date""#));
    assert!(form.contains("利用目的") || form.contains("個人情報"));

    let csrf = app.csrf().await;
    let response = app
        .post_form(
            &format!("/courses/{}/apply", c.id),
            &community_fields(&csrf),
        )
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(response.headers().get_one("Location"), Some("/my"));
    let (_, my) = get(&app, "/my").await;
    assert!(my.contains("受講が確定しています"), "the flash says so");
    assert!(my.contains("はじめての家族介護講座"));
    assert!(my.contains("受講確定"));
    let rows = enrollments_of(&app, trainee.id).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, "confirmed");
    assert_eq!(rows[0].price_category, "general");

    let (_, page) = get(&app, &format!("/courses/{}", c.id)).await;
    assert!(page.contains("お申し込み済みです（受講確定）"));
    assert!(!page.contains(&format!("/courses/{}/apply", c.id)));
}

#[rocket::async_test]
async fn applying_to_a_full_course_with_a_waitlist_puts_the_applicant_on_it_with_the_position() {
    let app = spawn().await;
    let staff = staff(&app).await;
    let c = course(
        &app,
        staff.id,
        Spec {
            capacity: 1,
            ..Spec::default()
        },
    )
    .await;
    let first = app.account(Role::Trainee).await;
    enroll_directly(&app, c.id, first.id).await;
    let second = app.account(Role::Trainee).await;
    enroll_directly(&app, c.id, second.id).await;

    trainee_logged_in(&app).await;
    let (_, form) = get(&app, &format!("/courses/{}/apply", c.id)).await;
    assert!(form.contains("キャンセル待ちでのお申し込みになります"));
    let csrf = app.csrf().await;
    let status = apply(&app, c.id, &community_fields(&csrf)).await;
    assert_eq!(status, Status::SeeOther);
    let (_, my) = get(&app, "/my").await;
    assert!(
        my.contains("キャンセル待ち（2番目）で受け付けました"),
        "flash with the position"
    );
    assert!(
        my.contains("キャンセル待ち 2番目"),
        "the card shows the position"
    );
}

#[rocket::async_test]
async fn a_full_course_without_a_waitlist_says_so_and_keeps_the_input() {
    let app = spawn().await;
    let staff = staff(&app).await;
    let c = course(
        &app,
        staff.id,
        Spec {
            capacity: 1,
            waitlist: false,
            ..Spec::default()
        },
    )
    .await;
    trainee_logged_in(&app).await;
    let csrf = app.csrf().await;
    // The seat goes while the form is open.
    let other = app.account(Role::Trainee).await;
    enroll_directly(&app, c.id, other.id).await;
    let response = app
        .post_form(
            &format!("/courses/{}/apply", c.id),
            &community_fields(&csrf),
        )
        .await;
    assert_eq!(response.status(), Status::Conflict);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("定員に達したため、お申し込みいただけません。"));
    assert!(html.contains("role=\"alert\""));
    assert!(
        html.contains(r#"value="03-1234-5678""#),
        "the input is kept"
    );
    assert!(html.contains(r#"name="consent" value="yes" checked"#));
}

fn helper_fields<'a>(csrf: &'a str, kana: &'a str, birth: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", csrf),
        ("family_name", "髙橋"),
        ("given_name", "花子"),
        ("family_name_kana", "タカハシ"),
        ("given_name_kana", kana),
        ("birth_date", birth),
        ("postal_code", "114-0001"),
        ("prefecture", "東京都"),
        ("address", "北区東十条1-2-3"),
        ("phone", "03-1234-5678"),
        ("price_category", "member"),
        ("member_number", "K0012345"),
        ("support_scheme", "kyoiku_kunren"),
        ("qualifications", "ホームヘルパー2級"),
        ("consent", "yes"),
    ]
}

#[rocket::async_test]
async fn a_helper_application_with_bad_furigana_and_a_future_birth_date_is_shown_again_with_the_input_kept(
) {
    let app = spawn().await;
    let staff = staff(&app).await;
    let c = course(
        &app,
        staff.id,
        Spec {
            kind: CourseKind::Helper,
            ..Spec::default()
        },
    )
    .await;
    let trainee = trainee_logged_in(&app).await;
    let (_, form) = get(&app, &format!("/courses/{}/apply", c.id)).await;
    assert!(form.contains(r#"type="date""#) && form.contains(r#"name="qualifications""#));
    let future = (jst_day(&app, 30)).format("%Y-%m-%d").to_string();
    let csrf = app.csrf().await;
    let response = app
        .post_form(
            &format!("/courses/{}/apply", c.id),
            &helper_fields(&csrf, "はなこ", &future),
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("フリガナは全角カタカナで入力してください"));
    assert!(html.contains("生年月日に今日より後の日付は指定できません。"));
    assert!(
        html.contains(r##"href="#f-given_name_kana""##)
            && html.contains(r##"href="#f-birth_date""##)
    );
    assert!(
        html.find("f-given_name_kana\"").unwrap() < html.find("href=\"#f-birth_date\"").unwrap(),
        "the summary follows the form's order"
    );
    for kept in [
        r#"value="はなこ""#.to_string(),
        format!(r#"value="{future}""#),
        r#"value="114-0001""#.into(),
        r#"value="北区東十条1-2-3""#.into(),
        r#"value="K0012345""#.into(),
        r#"<option value="東京都" selected>"#.into(),
        r#"<option value="kyoiku_kunren" selected>"#.into(),
        r#"value="member" checked"#.into(),
        r#"name="consent" value="yes" checked"#.into(),
        ">ホームヘルパー2級</textarea>".into(),
    ] {
        assert!(html.contains(&kept), "kept: {kept}");
    }
    assert!(enrollments_of(&app, trainee.id).await.is_empty());
}

#[rocket::async_test]
async fn the_application_errors_are_in_english_for_an_english_speaking_trainee() {
    let app = spawn().await;
    let staff = staff(&app).await;
    let c = course(
        &app,
        staff.id,
        Spec {
            kind: CourseKind::Helper,
            ..Spec::default()
        },
    )
    .await;
    let trainee = app.account(Role::Trainee).await;
    kouza::services::accounts::set_locale(
        &app.state().db,
        trainee.id,
        kouza::i18n::Lang::En,
        app.state().clock.now(),
    )
    .await
    .unwrap();
    app.login_page(&trainee).await;
    let future = (jst_day(&app, 30)).format("%Y-%m-%d").to_string();
    let csrf = app.csrf().await;
    let response = app
        .client
        .post(format!("/courses/{}/apply", c.id))
        .header(ContentType::Form)
        .header(Header::new("Accept-Language", "en"))
        .body(form_body(&helper_fields(&csrf, "はなこ", &future)))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("Please check what you entered"));
    assert!(html.to_lowercase().contains("katakana"));
    assert!(
        html.contains("The date of birth cannot be later than today."),
        "the birth-date message is in English"
    );
    assert!(html.contains(r#"value="はなこ""#));
    assert!(!html.contains("全角カタカナで入力してください"));
}

#[rocket::async_test]
async fn applying_after_the_window_closed_says_so_clearly() {
    let app = spawn().await;
    let staff = staff(&app).await;
    let closed = app.state().clock.now() - Duration::hours(1);
    let c = course(
        &app,
        staff.id,
        Spec {
            closes_at: Some(closed),
            ..Spec::default()
        },
    )
    .await;
    let trainee = trainee_logged_in(&app).await;
    let csrf = app.csrf().await;

    let (status, form) = get(&app, &format!("/courses/{}/apply", c.id)).await;
    assert_eq!(status, Status::Ok);
    assert!(form.contains("この講座の申込受付は終了しています。"));
    assert!(!form.contains(r#"name="consent""#), "no form to fill in");

    let response = app
        .post_form(
            &format!("/courses/{}/apply", c.id),
            &community_fields(&csrf),
        )
        .await;
    assert_eq!(response.status(), Status::Conflict);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("この講座の申込受付は終了しています。"));
    assert!(
        html.contains(r#"value="03-1234-5678""#),
        "the input is kept"
    );
    assert!(enrollments_of(&app, trainee.id).await.is_empty());
    let (_, page) = get(&app, &format!("/courses/{}", c.id)).await;
    assert!(page.contains("受付終了"));
}

#[rocket::async_test]
async fn a_double_submit_makes_one_enrollment() {
    let app = spawn().await;
    let staff = staff(&app).await;
    let c = course(&app, staff.id, Spec::default()).await;
    let trainee = trainee_logged_in(&app).await;
    let csrf = app.csrf().await;
    let fields = community_fields(&csrf);
    assert_eq!(apply(&app, c.id, &fields).await, Status::SeeOther);
    let again = app
        .post_form(&format!("/courses/{}/apply", c.id), &fields)
        .await;
    assert_eq!(again.status(), Status::Conflict);
    assert!(again
        .into_string()
        .await
        .unwrap()
        .contains("この講座にはすでにお申し込みいただいています"));
    assert_eq!(enrollments_of(&app, trainee.id).await.len(), 1);
    let seats = catalog::find(&app.state().db, c.id)
        .await
        .unwrap()
        .seats_taken;
    assert_eq!(seats, 1);
}

#[rocket::async_test]
async fn special_care_notes_reach_staff_but_are_never_shown_back_to_the_trainee() {
    let app = spawn().await;
    let staff_account = staff(&app).await;
    let c = course(
        &app,
        staff_account.id,
        Spec {
            approval: true,
            ..Spec::default()
        },
    )
    .await;
    let trainee = trainee_logged_in(&app).await;
    let csrf = app.csrf().await;
    let secret = "持病の薬を服用しています";
    let mut fields = community_fields(&csrf);

    // Without the separate consent they are refused, but kept in the box.
    fields.push(("special_care_notes", secret));
    let response = app
        .post_form(&format!("/courses/{}/apply", c.id), &fields)
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("その取り扱いへの同意が必要です"));
    assert!(html.contains(&format!(">{secret}</textarea>")));

    fields.push(("special_care_consent", "yes"));
    assert_eq!(apply(&app, c.id, &fields).await, Status::SeeOther);
    let (_, my) = get(&app, "/my").await;
    assert!(
        my.contains("本人確認を行ったうえで"),
        "pending approval is explained"
    );
    assert!(!my.contains(secret));
    let (_, page) = get(&app, &format!("/courses/{}", c.id)).await;
    assert!(!page.contains(secret));

    let row = &enrollments_of(&app, trainee.id).await[0];
    assert_eq!(row.special_care_notes.as_deref(), Some(secret));
    assert!(!row.form.contains(secret));
    let own = app.bearer(&trainee).await;
    let response = app
        .client
        .get(format!("/api/v1/enrollments/{}", row.id))
        .header(own)
        .dispatch()
        .await;
    assert!(!response.into_string().await.unwrap().contains(secret));
    let staff_token = app.bearer(&staff_account).await;
    let response = app
        .client
        .get(format!("/api/v1/enrollments/{}/special-care", row.id))
        .header(staff_token)
        .dispatch()
        .await;
    assert!(response.into_string().await.unwrap().contains(secret));
}

#[rocket::async_test]
async fn a_symposium_form_keeps_checked_needs_and_answers_and_points_at_the_unanswered_question() {
    let app = spawn().await;
    let staff = staff(&app).await;
    let c = course(
        &app,
        staff.id,
        Spec {
            kind: CourseKind::Symposium,
            ..Spec::default()
        },
    )
    .await;
    let db = &app.state().db;
    let lunch = catalog::add_question(
        db,
        c.id,
        "choice",
        "昼食のお弁当",
        &["幕の内".to_string(), "不要".to_string()],
        true,
    )
    .await
    .unwrap();
    let parking = catalog::add_question(db, c.id, "yes_no", "駐車場を使いますか", &[], true)
        .await
        .unwrap();
    let note = catalog::add_question(db, c.id, "text", "主催者への一言", &[], false)
        .await
        .unwrap();
    let trainee = trainee_logged_in(&app).await;
    let (_, form) = get(&app, &format!("/courses/{}/apply", c.id)).await;
    for shown in [
        "車椅子",
        "手話通訳",
        "要約筆記",
        "託児",
        "昼食のお弁当",
        "駐車場を使いますか",
    ] {
        assert!(form.contains(shown), "{shown}");
    }
    assert!(
        !form.contains(r#"name="phone""#),
        "a symposium asks no phone number"
    );

    let csrf = app.csrf().await;
    let lunch_field = format!("q_{}", lunch.id);
    let parking_field = format!("q_{}", parking.id);
    let note_field = format!("q_{}", note.id);
    let fields = vec![
        ("csrf_token", csrf.as_str()),
        ("family_name", "山田"),
        ("given_name", "花子"),
        ("family_name_kana", "ヤマダ"),
        ("given_name_kana", "ハナコ"),
        ("price_category", "general"),
        ("accessibility", "wheelchair"),
        ("accessibility", "captioning"),
        ("companions", "2"),
        (lunch_field.as_str(), "幕の内"),
        (note_field.as_str(), "楽しみにしています"),
    ];
    let response = app
        .post_form(&format!("/courses/{}/apply", c.id), &fields)
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(
        html.contains(&format!(r##"href="#f-{parking_field}""##)),
        "unanswered question linked"
    );
    assert!(html.contains(&format!(r#"id="f-{parking_field}""#)));
    assert!(html.contains(r##"href="#f-consent""##));
    assert!(html.contains(r#"value="wheelchair" checked"#));
    assert!(html.contains(r#"value="captioning" checked"#));
    assert!(!html.contains(r#"value="childcare" checked"#));
    assert!(html.contains(r#"<option value="2" selected>"#));
    assert!(html.contains(r#"value="幕の内" checked"#));
    assert!(html.contains(">楽しみにしています</textarea>"));

    let mut fixed = fields.clone();
    fixed.push((parking_field.as_str(), "no"));
    fixed.push(("consent", "yes"));
    assert_eq!(apply(&app, c.id, &fixed).await, Status::SeeOther);
    let row = &enrollments_of(&app, trainee.id).await[0];
    let form: serde_json::Value = serde_json::from_str(&row.form).unwrap();
    assert_eq!(
        form["accessibility"],
        serde_json::json!(["wheelchair", "captioning"])
    );
    assert_eq!(form["companions"], 2);
    assert!(row.answers.contains("幕の内") && row.answers.contains("no"));
}

#[rocket::async_test]
async fn the_application_form_needs_the_csrf_token() {
    let app = spawn().await;
    let staff = staff(&app).await;
    let c = course(&app, staff.id, Spec::default()).await;
    let trainee = trainee_logged_in(&app).await;
    let status = apply(&app, c.id, &community_fields(&"f".repeat(64))).await;
    assert_eq!(status, Status::Forbidden);
    assert!(enrollments_of(&app, trainee.id).await.is_empty());
}
