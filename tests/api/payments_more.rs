//! Fees and payments, continued: the receipt PDF (領収書) and its 再発行
//! mark, the member number (組合員番号) at the member price, full refunds
//! when we cancel a course, and the payment mails in the outbox.
use chrono::Duration;
use kouza::domain::Role;
use kouza::entities::mail_outbox;
use rocket::futures::future::join_all;
use rocket::http::{ContentType, Header, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

use crate::fake_stripe::{self, paid_session, signed_event, FakeStripe};
use crate::helpers::{community_application, spawn, spawn_with, test_figment, CourseSpec, TestApp};

const BANK: &str = "ろうきん 池袋支店 普通 1234567 ワーカーズコープ";

pub(crate) async fn app_with(stripe: bool) -> (TestApp, Option<FakeStripe>) {
    let (figment, dir) = test_figment().await;
    let mut figment = figment
        .merge(("bank_transfer_details", BANK))
        .merge(("receipt_issuer_name", "ワーカーズコープ 池袋事業所"))
        .merge(("receipt_issuer_address", "東京都豊島区東池袋1-1-1"))
        .merge(("receipt_registration_number", "T1234567890123"));
    let mut fake = None;
    if stripe {
        let f = FakeStripe::start().await;
        figment = figment
            .merge(("stripe_secret_key", fake_stripe::SECRET_KEY))
            .merge(("stripe_webhook_secret", fake_stripe::WEBHOOK_SECRET))
            .merge(("stripe_api_base", f.base_url.clone()));
        fake = Some(f);
    }
    (spawn_with(figment, dir).await, fake)
}

pub(crate) async fn priced_course(app: &TestApp, fees: &[(&str, &str, i64)]) -> i64 {
    let course = app.published_course(CourseSpec::default()).await;
    let lines: Vec<(String, String, i64)> = fees
        .iter()
        .map(|(cat, c, a)| (cat.to_string(), c.to_string(), *a))
        .collect();
    kouza::services::catalog::set_fees(&app.state().db, course.id, &lines)
        .await
        .unwrap();
    course.id
}

pub(crate) async fn send(
    app: &TestApp,
    bearer: Header<'static>,
    path: &str,
    body: Value,
) -> (Status, Option<ContentType>, Value) {
    let response = app
        .client
        .post(path.to_string())
        .header(bearer)
        .header(ContentType::JSON)
        .body(body.to_string())
        .dispatch()
        .await;
    let status = response.status();
    let kind = response.content_type();
    (
        status,
        kind,
        response.into_json().await.unwrap_or(Value::Null),
    )
}

pub(crate) async fn enroll(app: &TestApp, bearer: Header<'static>, course_id: i64) -> i64 {
    let response = app
        .enroll_api(bearer, course_id, community_application())
        .await;
    assert_eq!(response.status(), Status::Created);
    app.json(response).await["id"].as_i64().unwrap()
}

pub(crate) async fn pay_cash(app: &TestApp, staff: Header<'static>, id: i64, amount: i64) {
    let (status, _, body) = send(
        app,
        staff,
        &format!("/api/v1/enrollments/{id}/payments"),
        json!({"method": "bank_transfer", "amount_yen": amount, "paid_on": "2026-04-01", "payer_name": "ジュコウ タロウ"}),
    )
    .await;
    assert_eq!(status, Status::Created, "{body}");
}

pub(crate) async fn ledger(app: &TestApp, bearer: Header<'static>, id: i64) -> Value {
    let response = app
        .client
        .get(format!("/api/v1/enrollments/{id}/ledger"))
        .header(bearer)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    response.into_json().await.unwrap()
}

pub(crate) fn pdf_text(bytes: &[u8]) -> String {
    let pdf = lopdf::Document::load_mem(bytes).expect("a PDF");
    let pages: Vec<u32> = pdf.get_pages().keys().copied().collect();
    pdf.extract_text(&pages).unwrap_or_default()
}

pub(crate) async fn download(
    app: &TestApp,
    path: &str,
    bearer: Header<'static>,
) -> (Status, Vec<u8>) {
    let response = app
        .client
        .get(path.to_string())
        .header(bearer)
        .dispatch()
        .await;
    let status = response.status();
    if status == Status::Ok {
        assert_eq!(response.content_type(), Some(ContentType::PDF));
    }
    (status, response.into_bytes().await.unwrap_or_default())
}

/// Mails of a kind to one person.
pub(crate) async fn mails(app: &TestApp, user_id: i64, kind: &str) -> Vec<mail_outbox::Model> {
    let db = &app.state().db;
    let person = kouza::services::accounts::find(db, user_id).await.unwrap();
    mail_outbox::Entity::find()
        .filter(mail_outbox::Column::Kind.eq(kind))
        .filter(mail_outbox::Column::ToAddress.eq(person.email))
        .all(db)
        .await
        .unwrap()
}

#[rocket::async_test]
async fn a_receipt_pdf_shows_payer_breakdown_method_and_provider_and_later_prints_say_reissued() {
    let (app, _) = app_with(false).await;
    let course = priced_course(
        &app,
        &[
            ("general", "tuition", 4_000),
            ("general", "textbook", 1_000),
        ],
    )
    .await;
    let people = app.trainees(2).await;
    let id = enroll(&app, people[0].1.clone(), course).await;
    let staff = app.account(Role::Staff).await;
    let staff_bearer = app.bearer(&staff).await;
    pay_cash(&app, staff_bearer.clone(), id, 5_000).await;
    let l = ledger(&app, people[0].1.clone(), id).await;
    let receipt = &l["receipts"][0];
    let receipt_id = receipt["id"].as_i64().unwrap();
    let number = format!("{:06}", receipt["number"].as_i64().unwrap());

    let api_path = format!("/api/v1/receipts/{receipt_id}/pdf");
    let (status, first) = download(&app, &api_path, people[0].1.clone()).await;
    assert_eq!(status, Status::Ok);
    let text = pdf_text(&first);
    for expected in [
        number.as_str(),
        "ジュコウ タロウ",
        "受講料",
        "テキスト代",
        "¥4,000",
        "¥1,000",
        "¥5,000",
        "銀行振込",
        "令和8年4月1日",
        "上記の金額を正に領収いたしました",
        "ワーカーズコープ 池袋事業所",
        "東京都豊島区東池袋1-1-1",
        "T1234567890123",
    ] {
        assert!(text.contains(expected), "{expected} missing in {text}");
    }
    assert!(!text.contains("再発行"), "the first print is the original");

    // Every later print is marked 再発行.
    let (status, second) = download(&app, &api_path, people[0].1.clone()).await;
    assert_eq!(status, Status::Ok);
    assert!(pdf_text(&second).contains("再発行"));

    // Someone else's receipt is not there for them, nor for nobody; nothing is recorded.
    let (status, _) = download(&app, &api_path, people[1].1.clone()).await;
    assert_eq!(status, Status::NotFound);
    let anonymous = app.client.get(api_path.clone()).dispatch().await;
    assert_eq!(anonymous.status(), Status::Unauthorized);
    let anonymous = app
        .client
        .get(format!("/receipts/{receipt_id}/pdf"))
        .dispatch()
        .await;
    assert_ne!(anonymous.status(), Status::Ok);

    // Staff print it from the page (logged in with the cookie).
    app.login_page(&staff).await;
    let response = app
        .client
        .get(format!("/receipts/{receipt_id}/pdf"))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.content_type(), Some(ContentType::PDF));
    let third = response.into_bytes().await.unwrap();
    assert!(pdf_text(&third).contains("再発行"));
    let prints = kouza::services::receipts::prints(&app.state().db, receipt_id)
        .await
        .unwrap();
    assert_eq!(
        prints.iter().map(|p| p.reissue).collect::<Vec<_>>(),
        [false, true, true]
    );
    assert_eq!(prints[0].printed_by, Some(people[0].0));
    assert_eq!(prints[2].printed_by, Some(staff.id));
}

#[rocket::async_test]
async fn a_member_price_needs_a_well_formed_member_number_and_staff_mark_it_verified() {
    let app = spawn().await;
    let course = priced_course(
        &app,
        &[("general", "tuition", 5_000), ("member", "tuition", 4_000)],
    )
    .await;
    let people = app.trainees(2).await;
    let mut body = community_application();
    body["price_category"] = json!("member");
    for bad in ["", "12", "12-34", "１２３４５"] {
        body["member_number"] = json!(bad);
        let response = app
            .enroll_api(people[0].1.clone(), course, body.clone())
            .await;
        assert_eq!(response.status(), Status::UnprocessableEntity, "{bad}");
        assert_eq!(
            response.content_type().map(|c| c.to_string()),
            Some("application/problem+json".to_string())
        );
        let problem: Value = response.into_json().await.unwrap();
        assert!(problem.to_string().contains("member_number"), "{problem}");
    }
    body["member_number"] = json!("K0012345");
    let response = app.enroll_api(people[0].1.clone(), course, body).await;
    assert_eq!(response.status(), Status::Created);
    let id = app.json(response).await["id"].as_i64().unwrap();
    let row = kouza::services::enrollment::find(&app.state().db, id)
        .await
        .unwrap();
    assert_eq!(row.member_number.as_deref(), Some("K0012345"));
    assert_eq!(row.amount_due_yen, 4_000);

    let verify = format!("/api/v1/enrollments/{id}/member-number/verify");
    let (status, _, _) = send(&app, people[0].1.clone(), &verify, json!({})).await;
    assert_eq!(status, Status::Forbidden, "trainees cannot verify");
    let staff = app.account(Role::Staff).await;
    let staff_bearer = app.bearer(&staff).await;
    let (status, _, done) = send(&app, staff_bearer.clone(), &verify, json!({})).await;
    assert_eq!(status, Status::Ok, "{done}");
    assert_eq!(done["member_number"], "K0012345");
    assert_eq!(done["verified_by"], staff.id);
    let (status, _, again) = send(&app, staff_bearer.clone(), &verify, json!({})).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(again["verified_at"], done["verified_at"]);

    // A general-price enrollment has no member number to verify.
    let general = enroll(&app, people[1].1.clone(), course).await;
    let (status, kind, problem) = send(
        &app,
        staff_bearer,
        &format!("/api/v1/enrollments/{general}/member-number/verify"),
        json!({}),
    )
    .await;
    assert_eq!(status, Status::Conflict, "{problem}");
    assert_eq!(
        kind.map(|c| c.to_string()),
        Some("application/problem+json".to_string())
    );
}

#[rocket::async_test]
async fn cancelling_a_course_refunds_each_paid_seat_in_full_once_even_when_run_twice() {
    let (app, fake) = app_with(true).await;
    let fake = fake.unwrap();
    let course = priced_course(&app, &[("general", "tuition", 5_000)]).await;
    let people = app.trainees(3).await;
    let staff = app.account(Role::Staff).await;
    let staff_bearer = app.bearer(&staff).await;

    // A pays by card, B by bank transfer, C has not paid.
    let by_card = enroll(&app, people[0].1.clone(), course).await;
    let (status, _, checkout) = send(
        &app,
        people[0].1.clone(),
        &format!("/api/v1/enrollments/{by_card}/checkout"),
        json!({}),
    )
    .await;
    assert_eq!(status, Status::Created, "{checkout}");
    let session = checkout["url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let (body, sig) = signed_event(
        "evt_paid",
        "checkout.session.completed",
        paid_session(&session, 5_000, "pi_course"),
        app.state().clock.now().timestamp(),
    );
    let response = app
        .client
        .post("/webhooks/stripe")
        .header(ContentType::JSON)
        .header(Header::new("Stripe-Signature", sig))
        .body(body)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    let by_transfer = enroll(&app, people[1].1.clone(), course).await;
    pay_cash(&app, staff_bearer.clone(), by_transfer, 5_000).await;
    let unpaid = enroll(&app, people[2].1.clone(), course).await;

    let cancel = format!("/api/v1/courses/{course}/cancel");
    let reason = json!({"reason": "講師の急病のため"});
    let (status, _, body) = send(&app, staff_bearer.clone(), &cancel, reason.clone()).await;
    assert_eq!(status, Status::Ok, "{body}");
    // Retried (a double click, a timeout): refused, and nothing is added.
    let (status, _, _) = send(&app, staff_bearer.clone(), &cancel, reason).await;
    assert!(!status.class().is_success());

    let db = &app.state().db;
    let reviews = |id| kouza::services::refunds::reviews_for(db, id);
    let card_reviews = reviews(by_card).await.unwrap();
    assert_eq!(card_reviews.len(), 1);
    assert_eq!(card_reviews[0].reason, "course_cancelled");
    assert_eq!(card_reviews[0].amount_yen, 5_000);
    let offline_reviews = reviews(by_transfer).await.unwrap();
    assert_eq!(offline_reviews.len(), 1);
    assert_eq!(offline_reviews[0].reason, "course_cancelled");
    assert_eq!(offline_reviews[0].amount_yen, 5_000);
    assert!(reviews(unpaid).await.unwrap().is_empty());

    // The background pass refunds the card through Stripe — run by several
    // instances at once and again afterwards, it refunds once.
    let state = app.state();
    let now = state.clock.now();
    join_all((0..3).map(|_| kouza::jobs::run_once(db, &state.config, now))).await;
    kouza::jobs::run_once(db, &state.config, now).await;
    let sent = fake.requests("/v1/refunds");
    assert!(!sent.is_empty());
    assert!(sent.iter().all(|r| r.form["amount"] == "5000"
        && r.form["payment_intent"] == "pi_course"
        && r.headers.get("idempotency-key") == sent[0].headers.get("idempotency-key")));
    let l = ledger(&app, people[0].1.clone(), by_card).await;
    let refunds: Vec<&Value> = l["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "refund")
        .collect();
    assert_eq!(refunds.len(), 1, "{l}");
    assert_eq!(refunds[0]["amount_yen"], 5_000);
    assert_eq!(l["balance"]["balance_yen"], 0);
    assert_eq!(reviews(by_card).await.unwrap()[0].status, "refunded");
    assert_eq!(mails(&app, people[0].0, "refund-made").await.len(), 1);

    // The transfer is listed for staff to pay back; once they have, it is closed.
    assert_eq!(reviews(by_transfer).await.unwrap()[0].status, "open");
    let (status, _, body) = send(
        &app,
        staff_bearer,
        &format!("/api/v1/enrollments/{by_transfer}/refunds"),
        json!({"method": "bank_transfer", "amount_yen": 5_000, "paid_on": "2026-04-10"}),
    )
    .await;
    assert_eq!(status, Status::Created, "{body}");
    assert_eq!(reviews(by_transfer).await.unwrap()[0].status, "refunded");
    kouza::jobs::run_once(db, &state.config, now).await;
    let l = ledger(&app, people[1].1.clone(), by_transfer).await;
    assert_eq!(l["balance"]["refunded_yen"], 5_000);
    assert_eq!(l["balance"]["balance_yen"], 0);
    assert_eq!(mails(&app, people[1].0, "refund-made").await.len(), 1);
}

#[rocket::async_test]
async fn each_payment_mail_lands_in_the_outbox_exactly_once() {
    let (app, _) = app_with(false).await;
    let course = priced_course(&app, &[("general", "tuition", 5_000)]).await;
    let people = app.trainees(2).await;
    let (trainee, bearer) = people[0].clone();
    let id = enroll(&app, bearer.clone(), course).await;

    // Payment instructions with the bank details.
    let requested = mails(&app, trainee, "payment-requested").await;
    assert_eq!(requested.len(), 1);
    assert!(
        requested[0].body_text.contains(BANK),
        "{}",
        requested[0].body_text
    );
    assert!(requested[0].body_text.contains("5,000"));

    // The day before the deadline: one reminder, however many passes run.
    let state = app.state();
    let due = kouza::services::enrollment::find(&state.db, id)
        .await
        .unwrap()
        .payment_due_at
        .unwrap();
    let now = state.clock.now();
    assert_eq!(
        kouza::services::payment_mails::send_deadline_reminders(&state.db, now)
            .await
            .unwrap(),
        0,
        "not yet"
    );
    // Noon (JST) of the day before the deadline's day — a fixed number of
    // hours before the deadline would land on the deadline's own day when
    // the test runs late in the Japanese evening.
    let day_before = kouza::domain::course::jst_date(due) - Duration::days(1);
    let noon_jst = day_before.and_hms_opt(3, 0, 0).unwrap().and_utc();
    state.clock.advance(std::cmp::max(noon_jst, now) - now);
    let now = state.clock.now();
    let passes = join_all(
        (0..4).map(|_| kouza::services::payment_mails::send_deadline_reminders(&state.db, now)),
    )
    .await;
    assert_eq!(passes.into_iter().map(Result::unwrap).sum::<usize>(), 1);
    kouza::jobs::run_once(&state.db, &state.config, now).await;
    let reminders = mails(&app, trainee, "payment-reminder").await;
    assert_eq!(reminders.len(), 1);
    assert!(reminders[0].body_text.contains(BANK));
    assert!(mails(&app, people[1].0, "payment-reminder")
        .await
        .is_empty());

    // Payment received, with the receipt number.
    let staff = app.account(Role::Staff).await;
    let staff_bearer = app.bearer(&staff).await;
    pay_cash(&app, staff_bearer.clone(), id, 5_000).await;
    let received = mails(&app, trainee, "payment-received").await;
    assert_eq!(received.len(), 1);
    assert!(received[0].body_text.contains("5,000"));
    assert!(received[0].body_text.contains("銀行振込"));

    // Refund made.
    let (status, _, body) = send(
        &app,
        staff_bearer,
        &format!("/api/v1/enrollments/{id}/refunds"),
        json!({"method": "cash", "amount_yen": 1_000}),
    )
    .await;
    assert_eq!(status, Status::Created, "{body}");
    let refunded = mails(&app, trainee, "refund-made").await;
    assert_eq!(refunded.len(), 1);
    assert!(refunded[0].body_text.contains("1,000"));
    assert_eq!(mails(&app, trainee, "payment-reminder").await.len(), 1);
}

#[rocket::async_test]
async fn payment_mails_follow_the_recipients_language() {
    let (app, _) = app_with(false).await;
    let course = priced_course(&app, &[("general", "tuition", 5_000)]).await;
    let people = app.trainees(1).await;
    let (trainee, bearer) = people[0].clone();
    {
        use sea_orm::{ActiveModelTrait, Set};
        let person = kouza::services::accounts::find(&app.state().db, trainee)
            .await
            .unwrap();
        let mut person: kouza::entities::user::ActiveModel = person.into();
        person.locale = Set("en".into());
        person.update(&app.state().db).await.unwrap();
    }
    enroll(&app, bearer, course).await;
    let requested = mails(&app, trainee, "payment-requested").await;
    assert_eq!(requested.len(), 1);
    assert!(
        requested[0].subject.starts_with("[Kouza]"),
        "{}",
        requested[0].subject
    );
    assert!(requested[0].body_text.contains("Bank account: "));
    assert!(requested[0].body_text.contains(BANK));
}

#[rocket::async_test]
async fn staff_verify_a_member_number_from_the_payment_page_with_its_form() {
    let app = spawn().await;
    let course = priced_course(
        &app,
        &[("general", "tuition", 5_000), ("member", "tuition", 4_000)],
    )
    .await;
    let people = app.trainees(1).await;
    let mut body = community_application();
    body["price_category"] = json!("member");
    body["member_number"] = json!("00123456");
    let response = app.enroll_api(people[0].1.clone(), course, body).await;
    assert_eq!(response.status(), Status::Created);
    let id = app.json(response).await["id"].as_i64().unwrap();

    let staff = app.account(Role::Staff).await;
    app.login_page(&staff).await;
    let page = app
        .client
        .get(format!("/payments/{id}"))
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(page.contains("00123456"));
    let action = format!("/staff/enrollments/{id}/member-number/verify");
    assert!(page.contains(&action), "{page}");

    // Without the form's token nothing happens.
    let response = app.post_form(&action, &[("csrf_token", "forged")]).await;
    assert_eq!(response.status(), Status::Forbidden);
    assert!(
        kouza::services::member_numbers::verification(&app.state().db, id)
            .await
            .unwrap()
            .is_none()
    );
    let csrf = app.csrf().await;
    let response = app.post_form(&action, &[("csrf_token", &csrf)]).await;
    assert_eq!(response.status(), Status::SeeOther);
    let page = app
        .client
        .get(format!("/payments/{id}"))
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(page.contains("組合員番号を確認済みにしました"), "{page}");
    assert!(!page.contains(&action));
    let done = kouza::services::member_numbers::verification(&app.state().db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.verified_by, staff.id);
}

#[rocket::async_test]
async fn simultaneous_first_downloads_of_a_receipt_give_one_original() {
    let (app, _) = app_with(false).await;
    let course = priced_course(&app, &[("general", "tuition", 3_000)]).await;
    let people = app.trainees(1).await;
    let id = enroll(&app, people[0].1.clone(), course).await;
    let staff = app.account(Role::Staff).await;
    pay_cash(&app, app.bearer(&staff).await, id, 3_000).await;
    let l = ledger(&app, people[0].1.clone(), id).await;
    let receipt_id = l["receipts"][0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/receipts/{receipt_id}/pdf");
    let texts = join_all((0..5).map(|_| download(&app, &path, people[0].1.clone()))).await;
    let originals = texts
        .iter()
        .filter(|(status, bytes)| *status == Status::Ok && !pdf_text(bytes).contains("再発行"))
        .count();
    assert_eq!(originals, 1);
    let prints = kouza::services::receipts::prints(&app.state().db, receipt_id)
        .await
        .unwrap();
    assert_eq!(prints.len(), 5);
    assert_eq!(prints.iter().filter(|p| !p.reissue).count(), 1);
}

pub(crate) async fn page(app: &TestApp, path: &str) -> String {
    app.client
        .get(path.to_string())
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap_or_default()
}

#[rocket::async_test]
async fn staff_record_a_cash_payment_and_pay_it_back_from_the_payment_page() {
    let app = spawn().await;
    let course = priced_course(&app, &[("general", "tuition", 5_000)]).await;
    let people = app.trainees(1).await;
    let id = enroll(&app, people[0].1.clone(), course).await;
    let staff = app.account(Role::Staff).await;
    app.login_page(&staff).await;

    let html = page(&app, &format!("/payments/{id}")).await;
    let pay = format!("/staff/enrollments/{id}/payments");
    let refund = format!("/staff/enrollments/{id}/refunds");
    assert!(html.contains(&pay) && html.contains(&refund), "{html}");

    let csrf = app.csrf().await;
    let response = app
        .post_form(
            &pay,
            &[
                ("csrf_token", &csrf),
                ("method", "cash"),
                ("amount_yen", "5000"),
                ("paid_on", "2026-04-01"),
                ("payer_name", "受講 太郎"),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let l = ledger(&app, people[0].1.clone(), id).await;
    assert_eq!(l["status"], "confirmed", "{l}");
    assert_eq!(l["payment_state"], "paid");

    // A refund larger than what was paid is refused and changes nothing.
    let response = app
        .post_form(
            &refund,
            &[
                ("csrf_token", &csrf),
                ("method", "cash"),
                ("amount_yen", "9000"),
                ("paid_on", "2026-04-05"),
            ],
        )
        .await;
    assert!(response.status().code >= 400, "{}", response.status());
    let l = ledger(&app, people[0].1.clone(), id).await;
    assert_eq!(l["balance"]["refunded_yen"], 0, "{l}");

    let response = app
        .post_form(
            &refund,
            &[
                ("csrf_token", &csrf),
                ("method", "cash"),
                ("amount_yen", "2000"),
                ("paid_on", "2026-04-05"),
                ("note", "テキスト代を除く"),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let html = page(&app, &format!("/payments/{id}")).await;
    assert!(html.contains("返金を記録しました"), "{html}");
    let l = ledger(&app, people[0].1.clone(), id).await;
    assert_eq!(l["balance"]["refunded_yen"], 2_000, "{l}");

    // Someone else's payment page does not exist for a trainee, and the
    // staff forms refuse them.
    let other = app.account(Role::Trainee).await;
    app.login_page(&other).await;
    let response = app.client.get(format!("/payments/{id}")).dispatch().await;
    assert_eq!(response.status(), Status::NotFound);
    let csrf = app.csrf().await;
    let response = app
        .post_form(
            &refund,
            &[
                ("csrf_token", &csrf),
                ("method", "cash"),
                ("amount_yen", "1"),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::Forbidden);
    let l = ledger(&app, people[0].1.clone(), id).await;
    assert_eq!(l["balance"]["refunded_yen"], 2_000);
}

#[rocket::async_test]
async fn a_subsidy_and_the_trainee_each_get_a_receipt_for_their_part_and_a_waiver_issues_none() {
    let app = spawn().await;
    let course = priced_course(&app, &[("general", "tuition", 50_000)]).await;
    let people = app.trainees(2).await;
    let staff = app.account(Role::Staff).await;
    let staff_bearer = app.bearer(&staff).await;

    // A municipal subsidy pays 20,000 by transfer, the trainee the rest in cash.
    let split = enroll(&app, people[0].1.clone(), course).await;
    // The scheme named on the application (the full helper form) is shown to staff.
    kouza::entities::enrollment::Entity::update_many()
        .col_expr(
            kouza::entities::enrollment::Column::Form,
            sea_orm::prelude::Expr::value(r#"{"support_scheme":"municipal"}"#),
        )
        .filter(kouza::entities::enrollment::Column::Id.eq(split))
        .exec(&app.state().db)
        .await
        .unwrap();
    app.login_page(&staff).await;
    let html = page(&app, &format!("/payments/{split}")).await;
    assert!(html.contains("自治体の助成"), "{html}");
    for (method, amount, payer) in [
        ("bank_transfer", 20_000, "トシマク"),
        ("cash", 30_000, "受講 太郎"),
    ] {
        let (status, _, body) = send(
            &app,
            staff_bearer.clone(),
            &format!("/api/v1/enrollments/{split}/payments"),
            json!({"method": method, "amount_yen": amount, "paid_on": "2026-04-01", "payer_name": payer}),
        )
        .await;
        assert_eq!(status, Status::Created, "{body}");
    }
    let l = ledger(&app, people[0].1.clone(), split).await;
    assert_eq!(l["status"], "confirmed", "{l}");
    let receipts = l["receipts"].as_array().unwrap();
    let parts: Vec<(String, i64)> = receipts
        .iter()
        .map(|r| {
            (
                r["payer_name"].as_str().unwrap().to_string(),
                r["amount_yen"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        parts,
        [
            ("トシマク".to_string(), 20_000),
            ("受講 太郎".to_string(), 30_000)
        ]
    );

    // 求職者支援訓練: tuition set to nothing by a waiver; no receipt for money never paid.
    let waived = enroll(&app, people[1].1.clone(), course).await;
    let (status, _, body) = send(
        &app,
        staff_bearer,
        &format!("/api/v1/enrollments/{waived}/payments"),
        json!({"method": "waived", "amount_yen": 50_000, "paid_on": "2026-04-01", "payer_name": "求職者支援訓練"}),
    )
    .await;
    assert_eq!(status, Status::Created, "{body}");
    let l = ledger(&app, people[1].1.clone(), waived).await;
    assert_eq!(l["status"], "confirmed", "{l}");
    assert_eq!(l["receipts"].as_array().unwrap().len(), 0, "{l}");
}
