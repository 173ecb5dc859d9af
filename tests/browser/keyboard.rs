//! Everything can be done with the keyboard: the application form, from the
//! first field to the submit button, with Tab, typing, Space and Enter only.
use fantoccini::key::Key;
use kouza::domain::course::CourseKind;
use kouza::domain::Role;

use crate::fixtures::CourseSpec;
use crate::harness::{App, Browser, Viewport};

/// Presses Tab until the focused element has the given id (at most 60 times).
async fn tab_to(browser: &Browser, id: &str) {
    for _ in 0..60 {
        let focused = browser
            .client
            .execute("return document.activeElement.id;", vec![])
            .await
            .expect("focused element");
        if focused == id {
            return;
        }
        press(browser, Key::Tab).await;
    }
    panic!("Tab never reaches #{id}");
}

async fn press(browser: &Browser, key: Key) {
    browser
        .client
        .active_element()
        .await
        .expect("a focused element")
        .send_keys(&char::from(key).to_string())
        .await
        .expect("key press");
}

async fn type_text(browser: &Browser, text: &str) {
    browser
        .client
        .active_element()
        .await
        .expect("a focused element")
        .send_keys(text)
        .await
        .expect("typing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_application_form_can_be_completed_with_the_keyboard_alone() {
    let app = App::start().await;
    let staff = app.person(Role::Staff, "事務", "花子").await;
    let course = app
        .course(
            &staff,
            CourseSpec {
                kind: CourseKind::Community,
                title: "はじめての家族介護講座",
                capacity: 10,
                approval: false,
                starts_in_days: 10,
            },
        )
        .await;
    let trainee = app.person(Role::Trainee, "佐藤", "良子").await;
    let browser = Browser::open(&app, Viewport::Desktop, "ja").await;
    browser.login(&trainee).await;
    browser.go(&format!("/courses/{}/apply", course.id)).await;
    browser.find("form.apply-form").await;

    tab_to(&browser, "f-phone").await;
    type_text(&browser, "090-1234-5678").await;
    tab_to(&browser, "f-price_category").await;
    press(&browser, Key::Space).await;
    tab_to(&browser, "f-consent").await;
    press(&browser, Key::Space).await;
    press(&browser, Key::Enter).await;
    browser.wait_until_path_is_not("/courses").await;
    assert_eq!(browser.path().await, "/my");
    browser.find(".badge.status-confirmed").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_with_mistakes_announces_them_and_each_message_leads_to_its_field() {
    let app = App::start().await;
    let staff = app.person(Role::Staff, "事務", "花子").await;
    let course = app
        .course(
            &staff,
            CourseSpec {
                kind: CourseKind::Community,
                title: "はじめての家族介護講座",
                capacity: 10,
                approval: false,
                starts_in_days: 10,
            },
        )
        .await;
    let trainee = app.person(Role::Trainee, "佐藤", "良子").await;
    let browser = Browser::open(&app, Viewport::Phone, "ja").await;
    browser.login(&trainee).await;
    browser.go(&format!("/courses/{}/apply", course.id)).await;
    browser.fill("#f-phone", "090-1234-5678").await;
    browser.click("form.apply-form button[type=submit]").await;

    // The summary is announced (role=alert) and names the missing consent.
    browser
        .find(".error-summary[role=alert] a[href='#f-consent']")
        .await;
    let described = browser
        .find("#f-consent")
        .await
        .attr("aria-describedby")
        .await
        .expect("attribute")
        .unwrap_or_default();
    assert!(described.contains("f-consent-error"), "{described}");
    // What the person typed is still there.
    assert_eq!(
        browser
            .find("#f-phone")
            .await
            .prop("value")
            .await
            .expect("value")
            .as_deref(),
        Some("090-1234-5678")
    );
    browser.click(".error-summary a[href='#f-consent']").await;
    let focused = browser
        .client
        .execute("return document.activeElement.id;", vec![])
        .await
        .expect("focused element");
    assert_eq!(focused, "f-consent", "the message leads to its field");
    browser.close().await;
}
