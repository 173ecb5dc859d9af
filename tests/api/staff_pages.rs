//! The staff (事務局) pages as a browser uses them: sites, courses, schedules
//! and enrollments, through the forms, with CSRF, errors and flashes.
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use kouza::domain::course::{jst_date, CourseKind, CourseStatus};
use kouza::domain::course_draft::CourseDraft;
use kouza::domain::Role;
use kouza::entities::{course, mail_outbox};
use kouza::services::enrollment::{self, Applicant, Channel};
use kouza::services::{catalog, schedule};
use rocket::http::Status;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

use crate::helpers::{spawn, Account, CourseSpec, TestApp};

fn applicant(user_id: i64, name: (&str, &str), kana: (&str, &str)) -> Applicant {
    Applicant {
        user_id,
        family_name: name.0.into(),
        given_name: name.1.into(),
        family_name_kana: kana.0.into(),
        given_name_kana: kana.1.into(),
        price_category: "general".into(),
        member_number: None,
        form: json!({"form_level": "short", "phone": "090-1234-5678", "consent": true}),
        answers: vec![],
        special_care_notes: None,
    }
}

/// Someone applies online, as the public pages would.
async fn applies(
    app: &TestApp,
    course_id: i64,
    user_id: i64,
    name: (&str, &str),
    kana: (&str, &str),
) -> i64 {
    let state = app.state();
    enrollment::enroll(
        &state.db,
        course_id,
        &applicant(user_id, name, kana),
        Channel::Online,
        state.clock.now(),
    )
    .await
    .unwrap()
    .id
}

async fn page(app: &TestApp, path: &str) -> (Status, String) {
    let response = app.client.get(path.to_string()).dispatch().await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}

/// Posts a form and returns where it redirected to (the form must succeed or flash).
async fn post_redirect(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> String {
    let response = app.post_form(path, fields).await;
    assert_eq!(response.status(), Status::SeeOther, "POST {path}");
    response
        .headers()
        .get_one("Location")
        .expect("a redirect")
        .to_string()
}

async fn staff_logged_in(app: &TestApp) -> Account {
    let staff = app.account(Role::Staff).await;
    app.login_page(&staff).await;
    staff
}

/// The next Monday at least a week from the app's today (in Japan).
fn next_monday(app: &TestApp) -> NaiveDate {
    let mut day = jst_date(app.state().clock.now()) + Duration::days(7);
    while day.weekday() != Weekday::Mon {
        day += Duration::days(1);
    }
    day
}

#[rocket::async_test]
async fn trainees_and_instructors_get_403_on_staff_pages_and_their_posts_change_nothing() {
    let app = spawn().await;
    let course = app.published_course(CourseSpec::default()).await;
    let (status, _) = page(&app, "/staff").await;
    assert_eq!(status, Status::Unauthorized, "anonymous");
    let pages = [
        "/staff".to_string(),
        "/staff/sites".to_string(),
        "/staff/courses/new".to_string(),
        format!("/staff/courses/{}", course.id),
        format!("/staff/courses/{}/schedule", course.id),
        format!("/staff/courses/{}/enrollments", course.id),
    ];
    for role in [Role::Trainee, Role::Instructor] {
        let person = app.account(role).await;
        app.login_page(&person).await;
        for path in &pages {
            let (status, html) = page(&app, path).await;
            assert_eq!(status, Status::Forbidden, "{role:?} GET {path}");
            assert!(html.contains("この操作を行う権限がありません"), "{path}");
        }
        let csrf = app.csrf().await;
        let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
            (
                "/staff/sites".into(),
                vec![
                    ("name", "乗っ取り会場"),
                    ("prefecture", "東京都"),
                    ("address", "東京都千代田区1-1"),
                ],
            ),
            (
                format!("/staff/courses/{}/status", course.id),
                vec![("status", "closed")],
            ),
            (
                format!("/staff/courses/{}/capacity", course.id),
                vec![("capacity", "999")],
            ),
            (
                format!("/staff/courses/{}/cancel", course.id),
                vec![("reason", "いたずら")],
            ),
        ];
        for (path, mut fields) in posts {
            fields.push(("csrf_token", &csrf));
            let response = app.post_form(&path, &fields).await;
            assert_eq!(response.status(), Status::Forbidden, "{role:?} POST {path}");
        }
    }
    let db = &app.state().db;
    let after = catalog::find(db, course.id).await.unwrap();
    assert_eq!(after.status, "published");
    assert_eq!(after.capacity, course.capacity);
    let sites = kouza::services::sites::list(db).await.unwrap();
    assert!(sites.iter().all(|s| s.name != "乗っ取り会場"));
}

#[rocket::async_test]
async fn staff_create_a_site_and_a_helper_course_from_the_shoninsha_curriculum_through_the_forms() {
    let app = spawn().await;
    staff_logged_in(&app).await;
    let csrf = app.csrf().await;

    // A site: an error first, in Japanese, with the input kept.
    let response = app
        .post_form(
            "/staff/sites",
            &[
                ("name", "大塚地域福祉事業所"),
                ("prefecture", ""),
                ("address", "東京都豊島区南大塚3-1-1"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("都道府県を一覧から選んでください"));
    assert!(html.contains(r#"value="大塚地域福祉事業所""#), "name kept");
    assert!(html.contains(r#"role="alert""#));
    let to = post_redirect(
        &app,
        "/staff/sites",
        &[
            ("name", "大塚地域福祉事業所"),
            ("prefecture", "東京都"),
            ("address", "東京都豊島区南大塚3-1-1"),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    assert_eq!(to, "/staff/sites");
    let (_, html) = page(&app, "/staff/sites").await;
    assert!(html.contains("会場を登録しました"));
    assert!(html.contains("大塚地域福祉事業所"));
    let site = kouza::services::sites::list(&app.state().db)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.name == "大塚地域福祉事業所")
        .unwrap();
    let site_id = site.id.to_string();

    // The new-course form: a helper course asks for approval by default.
    let (status, html) = page(&app, "/staff/courses/new?kind=helper").await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains(r#"name="requires_approval" type="checkbox" value="on" checked"#));
    assert!(html.contains("介護職員初任者研修"), "curricula offered");
    let (_, html) = page(&app, "/staff/courses/new?kind=symposium").await;
    assert!(!html.contains(r#"name="requires_approval" type="checkbox" value="on" checked"#));

    let course_fields = |code: &'static str, starts: &'static str, ends: &'static str| {
        vec![
            ("kind", "helper"),
            ("code", code),
            ("title", "介護職員初任者研修（大塚・春）"),
            ("description", "130時間で介護の基礎を学びます。"),
            ("site_id", site_id.as_str()),
            ("capacity", "20"),
            ("starts_on", starts),
            ("ends_on", ends),
            ("enrollment_opens_at", "2027-02-01T09:00"),
            ("enrollment_closes_at", ""),
            ("requires_approval", "on"),
            ("waitlist_enabled", "on"),
            ("offer_hold_hours", "48"),
            ("cancellation_deadline_days", "7"),
            ("designation_number", "東京都指定 第1234567号"),
            ("curriculum_key", "shoninsha"),
            ("what_to_bring", "筆記用具"),
            ("cancellation_policy", "開始7日前まで全額返金"),
            ("csrf_token", csrf.as_str()),
        ]
    };
    let response = app
        .post_form(
            "/staff/courses/new",
            &course_fields("初任者 研修", "2027-04-06", "2027-03-01"),
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("講座コードは半角英数字・ハイフン・下線で40文字以内にしてください。"));
    assert!(html.contains("終了日は開始日以降にしてください。"));
    assert!(html.contains(r#"aria-invalid="true" aria-describedby="f-code-error"#));
    assert!(
        html.contains(r##"href="#f-ends_on""##),
        "the summary links to the field"
    );
    assert!(
        html.contains(r#"value="介護職員初任者研修（大塚・春）""#),
        "title kept"
    );
    assert!(
        html.contains(r#"value="初任者 研修""#),
        "the bad code is kept to fix"
    );
    assert!(html.contains("筆記用具"), "textareas kept");
    assert_eq!(
        course::Entity::find().count(&app.state().db).await.unwrap(),
        0,
        "nothing saved"
    );

    let to = post_redirect(
        &app,
        "/staff/courses/new",
        &course_fields("SHONIN-2027-04", "2027-04-06", "2027-06-30"),
    )
    .await;
    let id: i64 = to.strip_prefix("/staff/courses/").unwrap().parse().unwrap();
    let created = catalog::find(&app.state().db, id).await.unwrap();
    assert_eq!(created.kind, "helper");
    assert_eq!(created.status, "draft");
    assert!(created.requires_approval);
    assert_eq!(
        created.designation_number.as_deref(),
        Some("東京都指定 第1234567号")
    );
    assert_eq!(created.cancellation_deadline_days, 7);
    // datetime-local is Japan time: 09:00 JST is midnight UTC.
    assert_eq!(
        created.enrollment_opens_at.unwrap().to_rfc3339(),
        "2027-02-01T00:00:00+00:00"
    );
    let subjects = catalog::subjects(&app.state().db, id).await.unwrap();
    assert_eq!(subjects.len(), 10);
    assert_eq!(
        subjects.iter().map(|s| s.required_minutes).sum::<i32>(),
        130 * 60
    );

    let (status, html) = page(&app, &to).await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains("講座を下書きとして作成しました"));
    assert!(html.contains("下書き"));
    assert!(
        html.contains(r#"value="2027-02-01T09:00""#),
        "shown in Japan time again"
    );

    // Taking the same code again is refused at the field.
    let response = app
        .post_form(
            "/staff/courses/new",
            &course_fields("SHONIN-2027-04", "2027-04-06", "2027-06-30"),
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response
        .into_string()
        .await
        .unwrap()
        .contains("この講座コードはすでに使われています"));

    // The list shows it with its status and seats.
    let (_, html) = page(&app, "/staff?status=draft&kind=helper").await;
    assert!(html.contains("SHONIN-2027-04"));
    assert!(html.contains("0 &#x2F; 20"), "seats taken / capacity");
}

async fn generate(
    app: &TestApp,
    course_id: i64,
    from: NaiveDate,
    until: NaiveDate,
    skip: &str,
) -> String {
    let csrf = app.csrf().await;
    let (from, until) = (from.to_string(), until.to_string());
    post_redirect(
        app,
        &format!("/staff/courses/{course_id}/schedule/generate"),
        &[
            ("gen_weekdays", "mon"),
            ("gen_weekdays", "tue"),
            ("gen_weekdays", "wed"),
            ("gen_weekdays", "thu"),
            ("gen_weekdays", "fri"),
            ("gen_start", "09:30"),
            ("gen_end", "16:30"),
            ("gen_from", &from),
            ("gen_until", &until),
            ("gen_skip", skip),
            ("gen_room", "2階 実習室"),
            ("csrf_token", &csrf),
        ],
    )
    .await
}

#[rocket::async_test]
async fn a_weekly_pattern_fills_the_schedule_and_the_subject_table_flags_a_shortfall_in_words() {
    let app = spawn().await;
    let helper = CourseSpec {
        kind: CourseKind::Helper,
        approval: true,
        ..Default::default()
    };
    let enough = app.published_course(CourseSpec { ..helper }).await;
    let short = app
        .published_course(CourseSpec {
            kind: CourseKind::Helper,
            approval: true,
            ..Default::default()
        })
        .await;
    staff_logged_in(&app).await;
    let monday = next_monday(&app);

    // 130 hours at 7 hours a day, Monday to Friday: 19 days; five weeks
    // less one holiday leave 24.
    let holiday = monday + Duration::days(2);
    let to = generate(
        &app,
        enough.id,
        monday,
        monday + Duration::days(32),
        &holiday.to_string(),
    )
    .await;
    assert_eq!(to, format!("/staff/courses/{}/schedule", enough.id));
    let (status, html) = page(&app, &to).await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains("コマの日程を作成しました"));
    assert!(html.contains("すべての科目で必要時間が予定されています"));
    assert!(!html.contains("必要時間に足りない科目"));
    assert_eq!(html.matches("不足なし").count(), 10);
    assert!(html.contains("09:30〜"), "times in Japan time");
    assert!(html.contains("2階 実習室"));
    let totals = schedule::subject_totals(&app.state().db, enough.id)
        .await
        .unwrap();
    assert!(totals.iter().all(|(_, t)| t.shortfall_minutes == 0));
    let sessions = schedule::for_course(&app.state().db, enough.id)
        .await
        .unwrap();
    assert!(
        sessions.iter().all(|s| jst_date(s.starts_at) != holiday),
        "holiday skipped"
    );

    // One week (35 hours) is not enough: the table says so in words.
    generate(&app, short.id, monday, monday + Duration::days(4), "").await;
    let (_, html) = page(&app, &format!("/staff/courses/{}/schedule", short.id)).await;
    assert!(html.contains("必要時間に足りない科目が"));
    assert!(
        html.contains("不足 "),
        "a shortfall cell names the missing time"
    );
    let totals = schedule::subject_totals(&app.state().db, short.id)
        .await
        .unwrap();
    assert!(totals.iter().any(|(_, t)| t.shortfall_minutes > 0));

    // A pattern that cannot work is shown at its fields, input kept.
    let csrf = app.csrf().await;
    let response = app
        .post_form(
            &format!("/staff/courses/{}/schedule/generate", short.id),
            &[
                ("gen_start", "16:30"),
                ("gen_end", "09:30"),
                ("gen_from", "2027-04-05"),
                ("gen_until", "2027-04-01"),
                ("gen_room", "3階"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("講義を行う曜日を1つ以上選んでください"));
    assert!(html.contains(r#"value="3階""#));
}

#[rocket::async_test]
async fn a_prefectures_extra_subject_added_by_staff_appears_in_the_subject_table() {
    let app = spawn().await;
    let course = app
        .published_course(CourseSpec {
            kind: CourseKind::Helper,
            approval: true,
            ..Default::default()
        })
        .await;
    staff_logged_in(&app).await;
    let csrf = app.csrf().await;
    let path = format!("/staff/courses/{}/subjects", course.id);
    let response = app
        .post_form(
            &path,
            &[
                ("subj_no", "11"),
                ("subj_name", "本県独自科目：地域包括ケア"),
                ("subj_required_minutes", "3時間"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("時間（分）は1〜12000で入力してください"));
    assert!(html.contains(r#"value="本県独自科目：地域包括ケア""#));

    post_redirect(
        &app,
        &path,
        &[
            ("subj_no", "11"),
            ("subj_name", "本県独自科目：地域包括ケア"),
            ("subj_required_minutes", "180"),
            ("subj_max_correspondence_minutes", ""),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    let (_, html) = page(&app, &format!("/staff/courses/{}/schedule", course.id)).await;
    assert!(html.contains("本県独自科目：地域包括ケア"));
    assert!(html.contains("不足 3時間"));
    assert!(html.contains("133時間"), "the total includes it");
    let subjects = catalog::subjects(&app.state().db, course.id).await.unwrap();
    assert_eq!(subjects.len(), 11);
    assert_eq!(subjects[10].required_minutes, 180);
}

#[rocket::async_test]
async fn approving_a_pending_helper_application_records_the_identity_check_and_rejecting_needs_a_reason(
) {
    let app = spawn().await;
    let course = app
        .published_course(CourseSpec {
            kind: CourseKind::Helper,
            approval: true,
            ..Default::default()
        })
        .await;
    let people = app.trainees(2).await;
    let first = applies(
        &app,
        course.id,
        people[0].0,
        ("山田", "太郎"),
        ("ヤマダ", "タロウ"),
    )
    .await;
    let second = applies(
        &app,
        course.id,
        people[1].0,
        ("鈴木", "一郎"),
        ("スズキ", "イチロウ"),
    )
    .await;
    let staff = staff_logged_in(&app).await;
    let csrf = app.csrf().await;
    let list = format!("/staff/courses/{}/enrollments", course.id);
    let (_, html) = page(&app, &list).await;
    assert!(html.contains("承認待ち"));
    assert!(
        html.contains("マイナンバーカード（表面のみ）"),
        "documents offered in Japanese"
    );

    // Rejecting without a reason is refused with a message, not an error page.
    let to = post_redirect(
        &app,
        &format!("/staff/enrollments/{second}/reject"),
        &[("reason", "  "), ("back", &list), ("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(to, list);
    let (_, html) = page(&app, &to).await;
    assert!(html.contains("理由を入力してください"));
    let db = &app.state().db;
    assert_eq!(
        enrollment::find(db, second).await.unwrap().status,
        "pending_approval"
    );
    post_redirect(
        &app,
        &format!("/staff/enrollments/{second}/reject"),
        &[
            ("reason", "受講要件を満たしていません"),
            ("back", &list),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    assert_eq!(
        enrollment::find(db, second).await.unwrap().status,
        "rejected"
    );

    let today = jst_date(app.state().clock.now()).to_string();
    let to = post_redirect(
        &app,
        &format!("/staff/enrollments/{first}/approve"),
        &[
            ("identity_document", "drivers_license"),
            ("checked_on", &today),
            ("back", &list),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    assert_eq!(to, list);
    let (_, html) = page(&app, &to).await;
    assert!(html.contains("承認しました"));
    let row = enrollment::find(db, first).await.unwrap();
    assert_eq!(row.status, "confirmed");
    assert_eq!(row.identity_document.as_deref(), Some("drivers_license"));
    assert_eq!(row.identity_checked_on.unwrap().to_string(), today);
    assert_eq!(row.identity_checked_by, Some(staff.id));
    let events = enrollment::events(db, first).await.unwrap();
    assert_eq!(events.last().unwrap().actor_id, Some(staff.id));

    // Approving twice is a conflict told in a flash, never a 500.
    let to = post_redirect(
        &app,
        &format!("/staff/enrollments/{first}/approve"),
        &[
            ("identity_document", "drivers_license"),
            ("checked_on", &today),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    let (status, html) = page(&app, &to).await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains("この申込は承認待ちではありません"));

    // The detail page shows the check and the history in Japanese.
    let (status, html) = page(&app, &format!("/staff/enrollments/{first}")).await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains("運転免許証"));
    assert!(html.contains("承認待ち → 受講確定"));
    assert!(html.contains("本人確認：運転免許証"));
}

#[rocket::async_test]
async fn the_enrollment_list_finds_a_person_by_furigana_and_is_in_gojuon_order() {
    let app = spawn().await;
    let course = app.published_course(CourseSpec::default()).await;
    let people = app.trainees(3).await;
    applies(
        &app,
        course.id,
        people[0].0,
        ("渡辺", "健"),
        ("ワタナベ", "ケン"),
    )
    .await;
    applies(
        &app,
        course.id,
        people[1].0,
        ("青木", "美紀"),
        ("アオキ", "ミキ"),
    )
    .await;
    applies(
        &app,
        course.id,
        people[2].0,
        ("佐藤", "優"),
        ("サトウ", "ユウ"),
    )
    .await;
    staff_logged_in(&app).await;
    let list = format!("/staff/courses/{}/enrollments", course.id);
    let (status, html) = page(&app, &list).await;
    assert_eq!(status, Status::Ok);
    let at = |name: &str| html.find(name).unwrap_or_else(|| panic!("{name} listed"));
    assert!(at("青木 美紀") < at("佐藤 優"));
    assert!(at("佐藤 優") < at("渡辺 健"));

    for q in ["サトウ", "さとう"] {
        let (_, html) = page(&app, &format!("{list}?q={}", urlencode(q))).await;
        assert!(html.contains("佐藤 優"), "{q}");
        assert!(!html.contains("渡辺 健"), "{q}");
        assert!(!html.contains("青木 美紀"), "{q}");
        assert!(
            html.contains(&format!(r#"value="{q}""#)),
            "the search is kept"
        );
    }
}

fn urlencode(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[rocket::async_test]
async fn staff_enter_a_phone_application_by_email_even_when_the_window_is_closed() {
    let app = spawn().await;
    let state = app.state();
    let now = state.clock.now();
    let organiser = app.account(Role::Staff).await;
    let site = app.site().await;
    let starts_on = jst_date(now) + Duration::days(20);
    let draft = CourseDraft {
        kind: CourseKind::Community,
        code: "COMM-PHONE-01".into(),
        title: "はじめての家族介護講座".into(),
        description: String::new(),
        site_id: site.id,
        capacity: 10,
        starts_on,
        ends_on: starts_on,
        enrollment_opens_at: Some(now - Duration::days(10)),
        enrollment_closes_at: Some(now - Duration::hours(1)),
        requires_approval: false,
        waitlist_enabled: true,
        offer_hold_hours: 48,
        cancellation_deadline_days: 3,
        attendance_threshold_percent: 80,
        designation_number: None,
        what_to_bring: String::new(),
        cancellation_policy: String::new(),
    };
    let course = catalog::create(&state.db, organiser.id, &draft, None, now)
        .await
        .unwrap();
    catalog::set_status(
        &state.db,
        organiser.id,
        course.id,
        CourseStatus::Published,
        now,
    )
    .await
    .unwrap();
    let caller = app.account(Role::Trainee).await;
    let online = enrollment::enroll(
        &state.db,
        course.id,
        &applicant(caller.id, ("山田", "花子"), ("ヤマダ", "ハナコ")),
        Channel::Online,
        now,
    )
    .await;
    assert!(online.is_err(), "the window is closed online");

    let staff = staff_logged_in(&app).await;
    let csrf = app.csrf().await;
    let path = format!("/staff/courses/{}/enrollments", course.id);
    let response = app
        .post_form(
            &path,
            &[
                ("email", "nobody@example.jp"),
                ("phone", "03-1234-5678"),
                ("price_category", "general"),
                ("consent", "on"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("このメールアドレスのアカウントは見つかりません"));
    assert!(html.contains(r#"value="03-1234-5678""#), "input kept");

    let to = post_redirect(
        &app,
        &path,
        &[
            ("email", &caller.email),
            ("phone", "03-1234-5678"),
            ("price_category", "general"),
            ("consent", "on"),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    let (_, html) = page(&app, &to).await;
    assert!(html.contains("申込を登録しました"));
    assert!(html.contains("山田 花子"), "names taken from the account");
    let row = enrollment::active_for(&state.db, course.id, caller.id)
        .await
        .unwrap()
        .expect("enrolled");
    assert_eq!(row.status, "confirmed");
    assert_eq!(row.family_name_kana, "ヤマダ");
    let events = enrollment::events(&state.db, row.id).await.unwrap();
    assert_eq!(events[0].actor_id, Some(staff.id));
    assert_eq!(events[0].note, "entered by staff");

    // Entering the same person again is said at the form, not a 500.
    let response = app
        .post_form(
            &path,
            &[
                ("email", &caller.email),
                ("phone", "03-1234-5678"),
                ("price_category", "general"),
                ("consent", "on"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response
        .into_string()
        .await
        .unwrap()
        .contains("この講座にはすでにお申し込みいただいています"));
}

#[rocket::async_test]
async fn cancelling_a_course_with_a_reason_cancels_everyone_and_queues_a_mail_for_each() {
    let app = spawn().await;
    let course = app.published_course(CourseSpec::default()).await;
    let people = app.trainees(3).await;
    let names = [("青木", "一"), ("佐藤", "二"), ("田中", "三")];
    let kana = [("アオキ", "ハジメ"), ("サトウ", "ツグ"), ("タナカ", "ミツ")];
    let mut ids = vec![];
    for i in 0..3 {
        ids.push(applies(&app, course.id, people[i].0, names[i], kana[i]).await);
    }
    let db = &app.state().db;
    let mails_before = mail_outbox::Entity::find().all(db).await.unwrap().len();
    staff_logged_in(&app).await;
    let csrf = app.csrf().await;

    let (status, html) = page(&app, &format!("/staff/courses/{}/cancel", course.id)).await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains("申込中の3人全員"));

    let path = format!("/staff/courses/{}/cancel", course.id);
    let response = app
        .post_form(&path, &[("reason", ""), ("csrf_token", &csrf)])
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response
        .into_string()
        .await
        .unwrap()
        .contains("理由を入力してください"));
    assert_eq!(
        catalog::find(db, course.id).await.unwrap().status,
        "published"
    );

    let to = post_redirect(
        &app,
        &path,
        &[("reason", "講師の急病のため"), ("csrf_token", &csrf)],
    )
    .await;
    let (_, html) = page(&app, &to).await;
    assert!(html.contains("講座を中止し、申込者全員にお知らせを送りました"));
    assert!(html.contains("中止"));
    assert_eq!(
        catalog::find(db, course.id).await.unwrap().status,
        "cancelled"
    );
    for id in &ids {
        assert_eq!(enrollment::find(db, *id).await.unwrap().status, "cancelled");
    }
    let mails = mail_outbox::Entity::find().all(db).await.unwrap();
    let notices: Vec<_> = mails[mails_before..]
        .iter()
        .filter(|m| m.kind == "course-cancelled")
        .collect();
    assert_eq!(notices.len(), 3);
    assert!(notices
        .iter()
        .all(|m| m.body_text.contains("講師の急病のため")));
    let mut to_users: Vec<_> = notices.iter().map(|m| m.to_address.clone()).collect();
    to_users.sort();
    to_users.dedup();
    assert_eq!(to_users.len(), 3, "one mail per person");
}

#[rocket::async_test]
async fn fees_questions_and_capacity_are_set_from_the_course_page() {
    let app = spawn().await;
    let course = app.published_course(CourseSpec::default()).await;
    staff_logged_in(&app).await;
    let csrf = app.csrf().await;
    let path = format!("/staff/courses/{}", course.id);
    post_redirect(
        &app,
        &format!("{path}/fees"),
        &[
            ("fees[0].category", "general"),
            ("fees[0].component", "tuition"),
            ("fees[0].amount", "3000"),
            ("fees[1].category", "member"),
            ("fees[1].component", "tuition"),
            ("fees[1].amount", "1500"),
            ("fees[2].category", ""),
            ("fees[2].component", ""),
            ("fees[2].amount", ""),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    let details = catalog::details(
        &app.state().db,
        catalog::find(&app.state().db, course.id).await.unwrap(),
    )
    .await
    .unwrap();
    let fees: Vec<_> = details
        .fees
        .iter()
        .map(|f| (f.category.as_str(), f.component.as_str(), f.amount_yen))
        .collect();
    assert_eq!(
        fees,
        [("general", "tuition", 3000), ("member", "tuition", 1500)]
    );

    let response = app
        .post_form(
            &format!("{path}/fees"),
            &[
                ("fees[0].category", "general"),
                ("fees[0].component", "tuition"),
                ("fees[0].amount", "三千"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("金額は0〜10,000,000円の整数で入力してください"));
    assert!(html.contains(r#"value="三千""#));

    post_redirect(
        &app,
        &format!("{path}/questions"),
        &[
            ("q_label", "昼食のお弁当を注文しますか"),
            ("q_kind", "yes_no"),
            ("q_required", "on"),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    let questions = catalog::questions(&app.state().db, course.id)
        .await
        .unwrap();
    assert_eq!(questions.len(), 1);
    assert!(questions[0].required);

    post_redirect(
        &app,
        &format!("{path}/capacity"),
        &[("capacity", "0"), ("csrf_token", &csrf)],
    )
    .await;
    let (_, html) = page(&app, &path).await;
    assert!(
        html.contains("定員は1〜100000の数で入力してください"),
        "refusal flashed"
    );
    post_redirect(
        &app,
        &format!("{path}/capacity"),
        &[("capacity", "45"), ("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(
        catalog::find(&app.state().db, course.id)
            .await
            .unwrap()
            .capacity,
        45
    );
    let (_, html) = page(&app, &path).await;
    assert!(html.contains("昼食のお弁当を注文しますか"));

    // The settings form edits the course; its kind stays.
    let (site, starts, ends) = (
        course.site_id.to_string(),
        course.starts_on.to_string(),
        course.ends_on.to_string(),
    );
    let settings = |percent: &'static str| {
        vec![
            ("kind", "symposium"),
            ("code", course.code.as_str()),
            ("title", "はじめての家族介護講座（秋）"),
            ("site_id", site.as_str()),
            ("starts_on", starts.as_str()),
            ("ends_on", ends.as_str()),
            ("waitlist_enabled", "on"),
            ("offer_hold_hours", "24"),
            ("cancellation_deadline_days", "5"),
            ("attendance_threshold_percent", percent),
            ("csrf_token", csrf.as_str()),
        ]
    };
    let response = app.post_form(&path, &settings("150")).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("割合は1〜100で入力してください"));
    assert!(html.contains(r#"value="はじめての家族介護講座（秋）""#));
    post_redirect(&app, &path, &settings("75")).await;
    let edited = catalog::find(&app.state().db, course.id).await.unwrap();
    assert_eq!(edited.title, "はじめての家族介護講座（秋）");
    assert_eq!(edited.kind, "community");
    assert_eq!(edited.attendance_threshold_percent, 75);
    assert_eq!(edited.offer_hold_hours, 24);
    assert_eq!(edited.capacity, 45, "capacity has its own form");
    assert!(html.contains("0 &#x2F; 45"));
}

#[rocket::async_test]
async fn every_staff_page_renders_in_japanese_and_english_without_a_missing_message() {
    let app = spawn().await;
    let course = app
        .published_course(CourseSpec {
            kind: CourseKind::Helper,
            approval: true,
            ..Default::default()
        })
        .await;
    let state = app.state();
    let question = catalog::add_question(
        &state.db,
        course.id,
        "yes_no",
        "昼食のお弁当を注文しますか",
        &[],
        false,
    )
    .await
    .unwrap();
    let people = app.trainees(1).await;
    let mut who = applicant(people[0].0, ("髙橋", "恵子"), ("タカハシ", "ケイコ"));
    who.form = json!({
        "form_level": "full", "birth_date": "1958-04-01", "postal_code": "170-0013",
        "prefecture": "東京都", "address": "豊島区東池袋1-2-3", "phone": "090-1234-5678",
        "support_scheme": "kyoiku_kunren", "accessibility": [], "companions": 0, "consent": true
    });
    who.answers = vec![(question.id, "yes".into())];
    who.special_care_notes = Some("腰痛があります".into());
    let id = enrollment::enroll(
        &state.db,
        course.id,
        &who,
        Channel::Online,
        state.clock.now(),
    )
    .await
    .unwrap()
    .id;
    staff_logged_in(&app).await;
    let monday = next_monday(&app);
    generate(&app, course.id, monday, monday + Duration::days(4), "").await;
    let session = schedule::for_course(&state.db, course.id).await.unwrap()[0].id;
    let pages = [
        "/staff".to_string(),
        "/staff/sites".to_string(),
        "/staff/courses/new".to_string(),
        "/staff/courses/new?kind=community".to_string(),
        "/staff/courses/new?kind=symposium".to_string(),
        format!("/staff/courses/{}", course.id),
        format!("/staff/courses/{}/cancel", course.id),
        format!("/staff/courses/{}/schedule", course.id),
        format!("/staff/courses/{}/schedule?subject=3", course.id),
        format!("/staff/sessions/{session}/edit"),
        format!("/staff/courses/{}/enrollments", course.id),
        format!("/staff/courses/{}/enrollments?status=waitlisted", course.id),
        format!("/staff/enrollments/{id}"),
    ];
    for lang in ["ja", "en"] {
        let csrf = app.csrf().await;
        app.post_form(
            "/language",
            &[("lang", lang), ("next", "/staff"), ("csrf_token", &csrf)],
        )
        .await;
        for path in &pages {
            let (status, html) = page(&app, path).await;
            assert_eq!(status, Status::Ok, "{lang} {path}");
            assert!(
                html.contains(&format!(r#"<html lang="{lang}">"#)),
                "{lang} {path}"
            );
            for raw in ["staff-", "course-status-", "status-", "err-", "kind-"] {
                assert!(
                    !html.contains(raw),
                    "{lang} {path}: a message id ({raw}…) is shown raw"
                );
            }
            if path.starts_with("/staff/enrollments/") {
                // Special-care notes stay behind an explicit, logged reveal.
                assert!(
                    !html.contains("腰痛があります")
                        && html.contains(&format!("/staff/enrollments/{id}/special-care")),
                    "special-care notes only on request"
                );
                assert!(html.contains(if lang == "ja" { "昭和33年" } else { "1958" }));
            }
        }
    }
}

#[rocket::async_test]
async fn staff_add_edit_and_cancel_a_session_in_japan_time() {
    let app = spawn().await;
    let course = app
        .published_course(CourseSpec {
            kind: CourseKind::Helper,
            approval: true,
            ..Default::default()
        })
        .await;
    let instructor = app.account(Role::Instructor).await;
    staff_logged_in(&app).await;
    let csrf = app.csrf().await;
    let path = format!("/staff/courses/{}/sessions", course.id);
    let instructor_id = instructor.id.to_string();
    // A helper course's session needs a subject.
    let response = app
        .post_form(
            &path,
            &[
                ("starts_at", "2027-04-06T09:30"),
                ("ends_at", "2027-04-06T12:30"),
                ("room", "3階 講義室"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("この講座の科目から選んでください"));
    assert!(html.contains(r#"value="2027-04-06T09:30""#), "input kept");

    post_redirect(
        &app,
        &path,
        &[
            ("starts_at", "2027-04-06T09:30"),
            ("ends_at", "2027-04-06T12:30"),
            ("subject_no", "1"),
            ("room", "3階 講義室"),
            ("instructor_id", &instructor_id),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    let db = &app.state().db;
    let added = schedule::for_course(db, course.id).await.unwrap().remove(0);
    assert_eq!(added.starts_at.to_rfc3339(), "2027-04-06T00:30:00+00:00");
    assert_eq!(added.instructor_id, Some(instructor.id));

    let edit = format!("/staff/sessions/{}/edit", added.id);
    let (status, html) = page(&app, &edit).await;
    assert_eq!(status, Status::Ok);
    assert!(
        html.contains(r#"value="2027-04-06T09:30""#),
        "shown in Japan time"
    );
    let response = app
        .post_form(
            &format!("/staff/sessions/{}", added.id),
            &[
                ("starts_at", "2027-04-06T13:30"),
                ("ends_at", "2027-04-06T13:00"),
                ("subject_no", "1"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response
        .into_string()
        .await
        .unwrap()
        .contains("終了時刻は開始時刻より後にしてください"));
    post_redirect(
        &app,
        &format!("/staff/sessions/{}", added.id),
        &[
            ("starts_at", "2027-04-06T13:30"),
            ("ends_at", "2027-04-06T16:30"),
            ("subject_no", "1"),
            ("room", "3階 講義室"),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    let edited = schedule::find(db, added.id).await.unwrap();
    assert_eq!(edited.starts_at.to_rfc3339(), "2027-04-06T04:30:00+00:00");

    let to = post_redirect(
        &app,
        &format!("/staff/sessions/{}/cancel", added.id),
        &[("csrf_token", &csrf)],
    )
    .await;
    assert!(schedule::find(db, added.id)
        .await
        .unwrap()
        .cancelled_at
        .is_some());
    let (_, html) = page(&app, &to).await;
    assert!(html.contains("休講にしました"));
    assert!(
        html.contains("<strong>休講</strong>"),
        "the cancelled mark is text"
    );
    assert!(
        html.contains("不足 6時間"),
        "a cancelled session does not count"
    );
}

#[rocket::async_test]
async fn staff_transfer_someone_to_another_date_and_a_full_target_is_an_error_message() {
    let app = spawn().await;
    let from = app.published_course(CourseSpec::default()).await;
    let to_course = app.published_course(CourseSpec::default()).await;
    let full = app
        .published_course(CourseSpec {
            capacity: 1,
            waitlist: false,
            ..Default::default()
        })
        .await;
    let people = app.trainees(2).await;
    applies(
        &app,
        full.id,
        people[1].0,
        ("先客", "様"),
        ("センキャク", "サマ"),
    )
    .await;
    let id = applies(
        &app,
        from.id,
        people[0].0,
        ("山田", "太郎"),
        ("ヤマダ", "タロウ"),
    )
    .await;
    staff_logged_in(&app).await;
    let csrf = app.csrf().await;
    let back = format!("/staff/enrollments/{id}");
    let (_, html) = page(&app, &back).await;
    assert!(html.contains(&to_course.code), "other dates are offered");
    assert!(!html.contains(&format!(r#"<option value="{}">{}"#, from.id, from.code)));

    let target = full.id.to_string();
    let to = post_redirect(
        &app,
        &format!("/staff/enrollments/{id}/transfer"),
        &[
            ("course_id", &target),
            ("back", &back),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    let (status, html) = page(&app, &to).await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains("定員に達したため"));
    let db = &app.state().db;
    assert_eq!(enrollment::find(db, id).await.unwrap().status, "confirmed");

    let target = to_course.id.to_string();
    post_redirect(
        &app,
        &format!("/staff/enrollments/{id}/transfer"),
        &[
            ("course_id", &target),
            ("back", &back),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    assert_eq!(enrollment::find(db, id).await.unwrap().status, "cancelled");
    let moved = enrollment::active_for(db, to_course.id, people[0].0)
        .await
        .unwrap()
        .expect("moved");
    assert_eq!(moved.transferred_from, Some(id));
    let (_, html) = page(&app, &back).await;
    assert!(html.contains("振り替えました"));
    assert!(html.contains(&format!("講座（ID {}）へ振替", to_course.id)));
}
