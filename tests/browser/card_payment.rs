//! Journey 3, the card leg: a trainee applies for a course with a fee, pays by
//! card on the (fake) Stripe hosted Checkout page, comes back to the success
//! page, and finds the seat confirmed on My page with a receipt that opens.
use kouza::domain::course::CourseKind;
use kouza::domain::Role;

use crate::fake_stripe::{self, FakeStripe};
use crate::fixtures::CourseSpec;
use crate::harness::{App, Browser, Viewport};

const TITLE: &str = "介護予防体操 指導者講座";
const FEE_YEN: i64 = 3_500;

/// The app with card payments on, pointed at a fake Stripe that announces
/// hosted-page payments to the app's webhook.
async fn app_with_card_payments() -> (App, FakeStripe) {
    let fake = FakeStripe::start().await;
    let base = fake.base_url.clone();
    let app = App::start_with(|figment| {
        figment
            .merge(("stripe_secret_key", fake_stripe::SECRET_KEY))
            .merge(("stripe_webhook_secret", fake_stripe::WEBHOOK_SECRET))
            .merge(("stripe_api_base", base.clone()))
            // Where the trainee's browser is sent to pay (Stripe's is checkout.stripe.com).
            .merge(("stripe_checkout_origin", base))
    })
    .await;
    fake.deliver_webhooks_to(&format!("{}/webhooks/stripe", app.base));
    (app, fake)
}

struct Labels {
    pay_now: &'static str,
    thanks: &'static str,
    confirmed: &'static str,
}

const JA: Labels = Labels {
    pay_now: "お支払い手続きへ",
    thanks: "お支払いありがとうございます",
    confirmed: "お支払いを確認し、お席が確定しました。",
};

const EN: Labels = Labels {
    pay_now: "Pay now",
    thanks: "Thank you for your payment",
    confirmed: "Your payment was received and your seat is confirmed.",
};

async fn pays_by_card(lang: &str, viewport: Viewport, labels: Labels) {
    let (app, fake) = app_with_card_payments().await;
    let staff = app.person(Role::Staff, "事務", "花子").await;
    let course = app
        .course(
            &staff,
            CourseSpec {
                kind: CourseKind::Community,
                title: TITLE,
                capacity: 12,
                approval: false,
                starts_in_days: 20,
            },
        )
        .await;
    kouza::services::catalog::set_fees(
        &app.state.db,
        course.id,
        &[("general".into(), "受講料".into(), FEE_YEN)],
    )
    .await
    .expect("fees");
    let trainee = app.person(Role::Trainee, "佐藤", "良子").await;

    let browser = Browser::open(&app, viewport, lang).await;
    browser.login(&trainee).await;
    if lang != "ja" {
        // The account was made in Japanese: the footer switches the language.
        browser
            .submit(&format!(".lang-switch button[value={lang}]"))
            .await;
    }
    browser.go(&format!("/courses/{}/apply", course.id)).await;
    browser.find("form.apply-form").await;
    browser.fill("#f-phone", "090-1234-5678").await;
    browser.click("#f-price_category").await;
    browser.click("#f-consent").await;
    browser.submit("form.apply-form button[type=submit]").await;
    assert_eq!(browser.path().await, "/my");
    browser.find(".badge.status-pending_payment").await;

    // My page → the payment page → the card button.
    browser
        .click_text("main .card-actions a.button", labels.pay_now)
        .await;
    browser.find("form[action$='/checkout']").await;
    browser.assert_text("¥3,500").await;
    // Styled as the primary action it is, like every other primary button.
    browser
        .submit("form[action$='/checkout'] button.button")
        .await;

    // The hosted Checkout page, on Stripe's (here the fake's) origin.
    let url = browser.client.current_url().await.expect("url");
    assert!(
        url.as_str()
            .starts_with(&format!("{}/c/pay/", fake.base_url)),
        "the card button should lead to the hosted Checkout page, not {url}"
    );
    assert_eq!(
        browser.text(".amount").await,
        format!("JPY {FEE_YEN}"),
        "Stripe is asked for the course fee"
    );
    browser.submit("#pay").await;

    // Back on the app: the success page says the seat is confirmed.
    let path = browser.path().await;
    assert!(
        path.starts_with("/payments/") && path.contains("/success?session_id=cs_test_"),
        "after paying the browser returns to the success page, not {path}"
    );
    browser.find("main h1").await;
    assert_eq!(browser.text("main h1").await, labels.thanks);
    browser.assert_text(labels.confirmed).await;

    // The receipt link opens the receipt for the amount paid.
    browser
        .click("main ul.receipts a[href^='/receipts/']:not([href$='/pdf'])")
        .await;
    browser.find("article.receipt").await;
    assert!(
        browser.text(".receipt-amount").await.contains("¥3,500"),
        "the receipt shows the amount paid"
    );
    browser.assert_text(TITLE).await;

    // My page: confirmed, nothing left to pay.
    browser.go("/my").await;
    browser.find(".badge.status-confirmed").await;
    let still_owed = browser
        .client
        .find_all(fantoccini::Locator::Css(
            "main .card-actions a.button[href^='/payments/']",
        ))
        .await
        .expect("query");
    assert!(still_owed.is_empty(), "no pay button once paid");
    assert_eq!(
        fake.requests("/v1/checkout/sessions").len(),
        1,
        "one Checkout Session for one payment"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trainee_pays_a_course_fee_by_card_on_the_hosted_page_and_gets_a_confirmed_seat_and_a_receipt(
) {
    pays_by_card("ja", Viewport::Phone, JA).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_english_a_trainee_pays_by_card_and_comes_back_to_a_confirmed_seat() {
    pays_by_card("en", Viewport::Desktop, EN).await;
}
