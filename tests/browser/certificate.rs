//! Journey 5: staff issue the certificate, the trainee downloads it, and the
//! public verification page shows it.
use chrono::Duration;
use kouza::domain::completion::Mark;
use kouza::domain::course::CourseKind;
use kouza::domain::Role;
use kouza::services::attendance::{MarkInput, Viewer};

use crate::fixtures::CourseSpec;
use crate::harness::{App, Browser, Viewport};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_issue_a_certificate_the_trainee_downloads_it_and_the_verification_page_shows_it() {
    let app = App::start().await;
    let staff = app.person(Role::Staff, "事務", "花子").await;
    let instructor = app.person(Role::Instructor, "髙橋", "恵子").await;
    let course = app
        .course(
            &staff,
            CourseSpec {
                kind: CourseKind::Community,
                title: "はじめての家族介護講座",
                capacity: 10,
                approval: false,
                starts_in_days: 3,
            },
        )
        .await;
    let session = app.session(&staff, &course, &instructor).await;
    let trainee = app.person(Role::Trainee, "佐藤", "良子").await;
    let enrollment = app.enroll(&trainee, course.id, "佐藤", "良子").await;
    // The class took place and the trainee was there.
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
            mark: Mark::Present,
            minutes: None,
            late_minutes: 0,
            note: String::new(),
        }],
        None,
        app.state.clock.now(),
    )
    .await
    .expect("attendance");

    let desk = Browser::open(&app, Viewport::Desktop, "ja").await;
    desk.login(&staff).await;
    desk.go(&format!("/staff/courses/{}/certificates", course.id))
        .await;
    desk.submit(&format!(
        "form[action='/staff/enrollments/{enrollment}/certificate'] button"
    ))
    .await;
    desk.find(".flash").await;
    desk.close().await;

    let browser = Browser::open(&app, Viewport::Phone, "en").await;
    browser.login(&trainee).await;
    browser.go("/my/certificates").await;
    let code = browser.text(".certificates .card code").await;
    let download = browser
        .client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            fetch(document.querySelector('.certificates a.button[type="application/pdf"]').href)
              .then(r => r.arrayBuffer().then(b => done([r.status, r.headers.get('content-type'),
                  String.fromCharCode(...new Uint8Array(b.slice(0, 5)))])))
              .catch(e => done([0, String(e), '']));"#,
            vec![],
        )
        .await
        .expect("download");
    assert_eq!(download[0], 200, "download: {download}");
    assert_eq!(download[1], "application/pdf", "download: {download}");
    assert_eq!(download[2], "%PDF-", "download: {download}");

    browser.go(&format!("/verify/{code}")).await;
    browser.find("#verify-status.status-valid").await;
    browser.assert_text("はじめての家族介護講座").await;
    browser.close().await;
}
