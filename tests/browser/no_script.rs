//! The service works with JavaScript off: signing up, finding a course,
//! enrolling and taking the roll are plain forms. And no page but the door
//! check-in (its QR scanner) loads a script at all.
use chrono::Duration;
use kouza::domain::course::CourseKind;
use kouza::domain::Role;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::fixtures::{Course, CourseSpec};
use crate::harness::{App, Browser, Cdp, Person, Viewport};

const TITLE: &str = "地域でささえる認知症サポーター講座";

/// Whether the pages this browser opens run their scripts: a page whose
/// only script renames it tells.
async fn scripts_run(browser: &Browser) -> bool {
    browser
        .client
        .goto("data:text/html,<title>before</title><script>document.title='ran'</script>")
        .await
        .expect("open a data page");
    let title = browser.client.title().await.expect("title");
    match title.as_str() {
        "ran" => true,
        "before" => false,
        other => panic!("unexpected title {other:?}"),
    }
}

/// A community course starting in three days, with one session taught by
/// `instructor`, and one trainee already enrolled; returns the course, the
/// session and that trainee's enrollment.
async fn course_with_a_class(app: &App, staff: &Person, instructor: &Person) -> (Course, i64, i64) {
    let course = app
        .course(
            staff,
            CourseSpec {
                kind: CourseKind::Community,
                title: TITLE,
                capacity: 10,
                approval: false,
                starts_in_days: 3,
            },
        )
        .await;
    let session = app.session(staff, &course, instructor).await;
    let other = app.person(Role::Trainee, "青木", "一郎").await;
    let enrollment = app.enroll(&other, course.id, "青木", "一郎").await;
    (course, session, enrollment)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_off_a_newcomer_signs_up_and_enrolls_and_the_instructor_saves_the_roster() {
    let app = App::start().await;
    let staff = app.person(Role::Staff, "事務", "花子").await;
    let instructor = app.person(Role::Instructor, "髙橋", "恵子").await;
    let (course, session, other) = course_with_a_class(&app, &staff, &instructor).await;

    let browser = Browser::open_with(&app, Viewport::Phone, "ja", false).await;
    assert!(
        !scripts_run(&browser).await,
        "this browser runs no page script"
    );

    browser.sign_up().await;

    browser.go("/courses").await;
    browser.fill("#f-q", "認知症サポーター").await;
    browser.click(".filter-form button[type=submit]").await;
    browser.click_text(".course-cards h3 a", TITLE).await;
    browser.find("main h1").await;
    browser.click("main a.button[href$='/apply']").await;
    browser.find("form.apply-form").await;
    browser.fill("#f-phone", "090-1234-5678").await;
    browser.click("#f-price_category").await;
    browser.click("#f-consent").await;
    browser.click("form.apply-form button[type=submit]").await;
    browser.wait_until_path_is_not("/courses").await;
    assert_eq!(browser.path().await, "/my");
    browser.assert_text(TITLE).await;
    browser.find(".badge.status-confirmed").await;
    browser.close().await;

    let newcomer = kouza::entities::enrollment::Entity::find()
        .filter(kouza::entities::enrollment::Column::CourseId.eq(course.id))
        .filter(kouza::entities::enrollment::Column::Id.ne(other))
        .one(&app.state.db)
        .await
        .expect("query")
        .expect("the newcomer's enrollment")
        .id;

    // The class has begun: 10:30 on the first day, in Japan.
    app.travel_to(
        kouza::domain::course::jst_midnight(course.starts_on) + Duration::minutes(10 * 60 + 30),
    );
    let phone = Browser::open_with(&app, Viewport::Phone, "ja", false).await;
    phone.login(&instructor).await;
    phone.go("/instructor").await;
    phone
        .click(&format!("main a[href='/instructor/sessions/{session}']"))
        .await;
    phone.find("form.roster").await;
    phone
        .click(&format!("input[name='m[{newcomer}].status'][value=late]"))
        .await;
    // The details open without script: <details> is the browser's own.
    phone.click(&format!("#row-{newcomer} summary")).await;
    phone.fill(&format!("#late-{newcomer}"), "10").await;
    phone
        .click(&format!("input[name='m[{other}].status'][value=absent]"))
        .await;
    phone.click("form.roster button[name=save]").await;
    phone.find(".flash").await;

    phone.go(&format!("/instructor/sessions/{session}")).await;
    for (row, mark) in [(newcomer, "late"), (other, "absent")] {
        let checked = phone
            .find(&format!("input[name='m[{row}].status'][value={mark}]"))
            .await
            .prop("checked")
            .await
            .expect("checked");
        assert_eq!(
            checked.as_deref(),
            Some("true"),
            "row {row} should be {mark}"
        );
    }
    let late = phone
        .find(&format!("#late-{newcomer}"))
        .await
        .prop("value")
        .await
        .expect("value");
    assert_eq!(late.as_deref(), Some("10"));
    phone.close().await;
}

/// The class takes place with the trainee present and staff issue the
/// certificate (修了証明書); returns its public verification code.
async fn certificate_issued(
    app: &App,
    staff: &Person,
    instructor: &Person,
    course: &Course,
    session: i64,
    enrollment: i64,
) -> String {
    use kouza::services::attendance::{MarkInput, Viewer};
    app.travel_to(kouza::domain::course::jst_midnight(course.starts_on) + Duration::hours(13));
    kouza::services::attendance::save_roster(
        &app.state.db,
        session,
        Viewer {
            id: instructor.id,
            is_staff: false,
        },
        &[MarkInput {
            enrollment_id: enrollment,
            mark: kouza::domain::completion::Mark::Present,
            minutes: None,
            late_minutes: 0,
            note: String::new(),
        }],
        None,
        app.state.clock.now(),
    )
    .await
    .expect("attendance");
    let desk = Browser::open(app, Viewport::Desktop, "ja").await;
    desk.login(staff).await;
    desk.go(&format!("/staff/courses/{}/certificates", course.id))
        .await;
    desk.submit(&format!(
        "form[action='/staff/enrollments/{enrollment}/certificate'] button"
    ))
    .await;
    desk.find(".flash").await;
    desk.close().await;
    kouza::entities::certificate::Entity::find()
        .filter(kouza::entities::certificate::Column::EnrollmentId.eq(enrollment))
        .one(&app.state.db)
        .await
        .expect("query")
        .expect("the certificate")
        .verification_code
}

/// What one page is made of: whether it is an error page, how many scripts
/// it has, and the bytes of the HTML, stylesheets and images it loaded.
struct Made {
    error_page: bool,
    scripts: u64,
    bytes: u64,
}

async fn inspect(browser: &Browser, path: &str) -> Made {
    browser.go(path).await;
    browser.find("main h1").await;
    let found = browser
        .client
        .execute(
            r#"const entries = performance.getEntriesByType('navigation')
                 .concat(performance.getEntriesByType('resource'));
               return [document.querySelector('main.error-page') !== null,
                       document.scripts.length,
                       entries.reduce((sum, e) => sum + e.decodedBodySize, 0),
                       entries.filter(e => e.decodedBodySize === 0).map(e => e.name)];"#,
            vec![],
        )
        .await
        .expect("inspect the page");
    assert_eq!(
        found[3],
        json!([]),
        "{path}: every resource should have been fetched and measured"
    );
    Made {
        error_page: found[0].as_bool().unwrap_or(true),
        scripts: found[1].as_u64().expect("script count"),
        bytes: found[2].as_u64().expect("bytes"),
    }
}

/// Opens a browser that fetches everything afresh (so each page's weight
/// counts its stylesheets, not a cached copy) and signs `person` in.
async fn open_as(app: &App, person: Option<&Person>) -> Browser {
    let browser = Browser::open(app, Viewport::Desktop, "ja").await;
    for (cmd, params) in [
        ("Network.enable", json!({})),
        ("Network.setCacheDisabled", json!({"cacheDisabled": true})),
    ] {
        browser
            .client
            .issue_cmd(Cdp::new(cmd, params))
            .await
            .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    }
    if let Some(person) = person {
        browser.login(person).await;
    }
    browser
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_page_but_the_door_check_in_with_its_qr_scanner_loads_a_script() {
    let app = App::start().await;
    let staff = app.person(Role::Staff, "事務", "花子").await;
    let admin = app.person(Role::Admin, "管理", "太郎").await;
    let instructor = app.person(Role::Instructor, "髙橋", "恵子").await;
    let trainee = app.person(Role::Trainee, "佐藤", "良子").await;
    let (course, session, _) = course_with_a_class(&app, &staff, &instructor).await;
    let enrollment = app.enroll(&trainee, course.id, "佐藤", "良子").await;
    let priced = app
        .course(
            &staff,
            CourseSpec {
                kind: CourseKind::Community,
                title: "福祉用具の選び方講座",
                capacity: 10,
                approval: false,
                starts_in_days: 20,
            },
        )
        .await;
    kouza::services::catalog::set_fees(
        &app.state.db,
        priced.id,
        &[("general".into(), "受講料".into(), 2_000)],
    )
    .await
    .expect("fees");
    let (a, e, s, p) = (course.id, enrollment, session, priced.id);
    let code = certificate_issued(&app, &staff, &instructor, &course, s, e).await;

    // (who, page); the trainee sees the application form before applying.
    let mut pages: Vec<(Option<&Person>, String)> = vec![];
    for path in ["/", "/courses", "/login", "/signup", "/password/forgot"] {
        pages.push((None, path.into()));
    }
    pages.push((None, format!("/courses/{a}")));
    pages.push((None, format!("/verify/{code}")));
    pages.push((Some(&trainee), format!("/courses/{p}/apply")));
    for path in [
        "/my".to_string(),
        "/my/certificates".into(),
        "/my/check-in".into(),
        format!("/my/enrollments/{e}/progress"),
        "/account".into(),
        "/account/notifications".into(),
        "/account/delete".into(),
    ] {
        pages.push((Some(&trainee), path));
    }
    for path in [
        "/instructor".to_string(),
        format!("/instructor/sessions/{s}"),
        format!("/instructor/sessions/{s}/history"),
        format!("/instructor/sessions/{s}/code"),
    ] {
        pages.push((Some(&instructor), path));
    }
    for path in [
        "/staff/dashboard".to_string(),
        "/staff".into(),
        "/staff/courses/new".into(),
        format!("/staff/courses/{a}"),
        format!("/staff/courses/{a}/enrollments"),
        format!("/staff/enrollments/{e}"),
        format!("/staff/courses/{a}/schedule"),
        format!("/staff/sessions/{s}/edit"),
        format!("/staff/courses/{a}/attendance"),
        format!("/staff/courses/{a}/certificates"),
        format!("/staff/courses/{a}/completers"),
        format!("/staff/courses/{a}/message"),
        format!("/staff/courses/{a}/cancel"),
        format!("/staff/courses/{a}/check-in"),
        "/staff/payments".into(),
        "/staff/receipts".into(),
        "/staff/outbox".into(),
        "/staff/mail-delivery".into(),
        "/staff/audit".into(),
        "/staff/report-packs".into(),
        "/staff/import".into(),
        "/staff/personal-data".into(),
        "/staff/sites".into(),
    ] {
        pages.push((Some(&staff), path));
    }
    for path in ["/admin/users", "/admin/certificates"] {
        pages.push((Some(&admin), path.into()));
    }

    let door = format!("/staff/courses/{a}/check-in");
    let mut with_scripts = vec![];
    let mut errors = vec![];
    let mut heaviest = (String::new(), 0);
    let mut browser: Option<(Option<i64>, Browser)> = None;
    for (who, path) in &pages {
        let id = who.map(|p| p.id);
        if browser.as_ref().map(|(current, _)| *current) != Some(id) {
            if let Some((_, old)) = browser.take() {
                old.close().await;
            }
            browser = Some((id, open_as(&app, *who).await));
        }
        let Some((_, b)) = &browser else {
            unreachable!()
        };
        let made = inspect(b, path).await;
        if made.error_page {
            errors.push(path.clone());
        }
        if made.scripts > 0 {
            with_scripts.push(path.clone());
        }
        if made.bytes > heaviest.1 {
            heaviest = (path.clone(), made.bytes);
        }
    }
    // The trainee's payment page, once the application is in.
    let priced_enrollment = app.enroll(&trainee, p, "佐藤", "良子").await;
    let b = open_as(&app, Some(&trainee)).await;
    let made = inspect(&b, &format!("/payments/{priced_enrollment}")).await;
    assert!(!made.error_page && made.scripts == 0, "the payment page");
    b.close().await;
    if let Some((_, b)) = browser {
        b.close().await;
    }

    assert!(
        errors.is_empty(),
        "these pages answered with an error: {errors:?}"
    );
    assert_eq!(
        with_scripts,
        vec![door],
        "only the door check-in (the QR scanner) may load a script"
    );
    println!(
        "heaviest page: {} — {} bytes of HTML + CSS + images, uncompressed",
        heaviest.0, heaviest.1
    );
}
