//! Journey 2: a symposium fills up; the next person is waitlisted, someone
//! cancels, the offer appears on My page and is accepted.
use kouza::domain::course::CourseKind;
use kouza::domain::Role;

use crate::fixtures::CourseSpec;
use crate::harness::{App, Browser, Viewport};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_symposium_waitlists_the_next_person_who_accepts_the_offer_after_a_cancellation() {
    let app = App::start().await;
    let staff = app.person(Role::Staff, "事務", "花子").await;
    let course = app
        .course(
            &staff,
            CourseSpec {
                kind: CourseKind::Symposium,
                title: "地域でささえる介護シンポジウム",
                capacity: 2,
                approval: false,
                starts_in_days: 20,
            },
        )
        .await;
    let first = app.person(Role::Trainee, "青木", "一郎").await;
    app.enroll(&first, course.id, "青木", "一郎").await;
    let second = app.person(Role::Trainee, "井上", "二郎").await;
    app.enroll(&second, course.id, "井上", "二郎").await;

    // The hall is full: the next person joins the waiting list.
    let latecomer = app.person(Role::Trainee, "上田", "三子").await;
    let browser = Browser::open(&app, Viewport::Desktop, "ja").await;
    browser.login(&latecomer).await;
    browser.go(&format!("/courses/{}", course.id)).await;
    browser.click("main a.button[href$='/apply']").await;
    browser.find("form.apply-form").await;
    browser.click("#f-price_category").await;
    browser.click("#f-consent").await;
    browser.click("form.apply-form button[type=submit]").await;
    browser.wait_until_path_is_not("/courses").await;
    browser.find(".badge.status-waitlisted").await;

    // Someone with a seat cancels on their own My page.
    let other = Browser::open(&app, Viewport::Phone, "ja").await;
    other.login(&first).await;
    other.go("/my").await;
    other
        .click(".card-actions form[action$='/cancel'] button")
        .await;
    other.submit("form.actions button.danger").await;
    other.wait_until_path_is_not("/my/enrollments").await;
    other.close().await;

    // The offer is waiting on the latecomer's My page; accepting it gives a seat.
    browser.go("/my").await;
    browser.submit("form[action$='/accept'] button").await;
    browser.find(".badge.status-confirmed").await;
    browser.close().await;
}
