//! Journey 1: a newcomer signs up, finds a community course in the catalog,
//! enrolls, and sees it on My page.
use crate::harness::{App, Browser, Viewport};

const COMMUNITY: &str = "はじめての家族介護講座（全3回）";

async fn newcomer_enrolls(lang: &str, viewport: Viewport) -> (App, Browser) {
    let app = App::start().await;
    app.demo().await;
    let browser = Browser::open(&app, viewport, lang).await;
    newcomer_journey(&browser).await;
    (app, browser)
}

/// Sign up, find the community course, enroll, land on My page with it.
pub async fn newcomer_journey(browser: &Browser) {
    browser.sign_up().await;

    browser.go("/courses").await;
    browser.select("#f-kind", "community").await;
    browser.click(".filter-form button[type=submit]").await;
    browser.click_text(".course-cards h3 a", COMMUNITY).await;
    browser.find("main h1").await;
    browser.click("main a.button[href$='/apply']").await;

    browser.find("form.apply-form").await;
    browser.fill("#f-phone", "090-1234-5678").await;
    browser.click("#f-price_category").await;
    browser.click("#f-consent").await;
    browser.click("form.apply-form button[type=submit]").await;
    browser.wait_until_path_is_not("/courses").await;
    assert_eq!(browser.path().await, "/my");
    browser.assert_text(COMMUNITY).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newcomer_signs_up_finds_a_community_course_enrolls_and_sees_it_on_my_page() {
    let (_app, browser) = newcomer_enrolls("ja", Viewport::Phone).await;
    browser.assert_text("マイページ").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_english_a_newcomer_signs_up_enrolls_and_sees_the_course_on_my_page() {
    let (_app, browser) = newcomer_enrolls("en", Viewport::Desktop).await;
    browser.assert_text("My page").await;
    browser.close().await;
}
