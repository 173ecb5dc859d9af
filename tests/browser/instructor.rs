//! Journey 4: an instructor on a phone (390×844) marks the roster with one
//! late and one absent trainee.
use chrono::Duration;
use kouza::domain::course::CourseKind;
use kouza::domain::Role;

use crate::fixtures::CourseSpec;
use crate::harness::{App, Browser, Viewport};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instructor_on_a_phone_marks_one_trainee_late_and_one_absent() {
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
    let mut rows = vec![];
    for (family, given) in [("青木", "一郎"), ("井上", "二郎"), ("上田", "三郎")] {
        let trainee = app.person(Role::Trainee, family, given).await;
        rows.push(app.enroll(&trainee, course.id, family, given).await);
    }
    // The class has begun: 10:30 on the first day, in Japan.
    app.travel_to(
        kouza::domain::course::jst_midnight(course.starts_on) + Duration::minutes(10 * 60 + 30),
    );

    let browser = Browser::open(&app, Viewport::Phone, "ja").await;
    browser.login(&instructor).await;
    browser.go("/instructor").await;
    browser
        .click(&format!("main a[href='/instructor/sessions/{session}']"))
        .await;
    browser.find("form.roster").await;
    let width: i64 = browser
        .client
        .execute("return window.innerWidth;", vec![])
        .await
        .expect("width")
        .as_i64()
        .unwrap_or_default();
    assert_eq!(width, 390, "the roster is seen on a phone-sized screen");

    let (late, absent, present) = (rows[0], rows[1], rows[2]);
    browser
        .click(&format!("input[name='m[{present}].status'][value=present]"))
        .await;
    browser
        .click(&format!("input[name='m[{late}].status'][value=late]"))
        .await;
    browser.click(&format!("#row-{late} summary")).await;
    browser.fill(&format!("#late-{late}"), "15").await;
    browser
        .click(&format!("input[name='m[{absent}].status'][value=absent]"))
        .await;
    browser.assert_accessible("the roster").await;
    browser.screenshot("roster-marked", Viewport::Phone).await;
    browser.submit("form.roster button[name=save]").await;
    browser.find(".flash").await;

    // What was saved is what the instructor chose.
    browser.go(&format!("/instructor/sessions/{session}")).await;
    for (row, mark) in [(late, "late"), (absent, "absent"), (present, "present")] {
        let checked = browser
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
    assert_eq!(
        browser
            .find(&format!("#late-{late}"))
            .await
            .prop("value")
            .await
            .expect("value")
            .as_deref(),
        Some("15")
    );
    browser.close().await;
}
