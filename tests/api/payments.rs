//! Fees and payments: card through a fake Stripe, verified idempotent
//! webhooks, offline payments, refunds by policy, bank import, receipts,
//! reports, authorization, and a service without Stripe keys.
use chrono::Duration;
use kouza::domain::Role;
use rocket::futures::future::join_all;
use rocket::http::{ContentType, Header, Status};
use serde_json::{json, Value};

use crate::fake_stripe::{self, paid_session, signed_event, FakeStripe};
use crate::helpers::{community_application, spawn, spawn_with, test_figment, CourseSpec, TestApp};

async fn app_with_stripe() -> (TestApp, FakeStripe) {
    let fake = FakeStripe::start().await;
    let (figment, dir) = test_figment().await;
    let figment = figment
        .merge(("stripe_secret_key", fake_stripe::SECRET_KEY))
        .merge(("stripe_webhook_secret", fake_stripe::WEBHOOK_SECRET))
        .merge(("stripe_api_base", fake.base_url.clone()))
        .merge(("bank_transfer_details", "ろうきん 池袋支店 普通 1234567"));
    (spawn_with(figment, dir).await, fake)
}

/// A published course with fees (general: tuition + textbook).
async fn priced_course(app: &TestApp, spec: CourseSpec, fees: &[(&str, i64)]) -> i64 {
    let course = app.published_course(spec).await;
    let lines: Vec<(String, String, i64)> = fees
        .iter()
        .map(|(c, a)| ("general".to_string(), c.to_string(), *a))
        .collect();
    kouza::services::catalog::set_fees(&app.state().db, course.id, &lines)
        .await
        .unwrap();
    course.id
}

async fn enroll(app: &TestApp, bearer: Header<'static>, course_id: i64, body: Value) -> Value {
    let response = app.enroll_api(bearer, course_id, body).await;
    assert_eq!(response.status(), Status::Created);
    app.json(response).await
}

async fn ledger(app: &TestApp, bearer: Header<'static>, id: i64) -> (Status, Value) {
    let response = app
        .client
        .get(format!("/api/v1/enrollments/{id}/ledger"))
        .header(bearer)
        .dispatch()
        .await;
    let status = response.status();
    (status, response.into_json().await.unwrap_or(Value::Null))
}

async fn post_json(
    app: &TestApp,
    bearer: Header<'static>,
    path: &str,
    body: Value,
) -> (Status, Value) {
    let response = app
        .client
        .post(path.to_string())
        .header(bearer)
        .header(ContentType::JSON)
        .body(body.to_string())
        .dispatch()
        .await;
    let status = response.status();
    (status, response.into_json().await.unwrap_or(Value::Null))
}

async fn webhook(app: &TestApp, body: &str, signature: Option<&str>) -> Status {
    let mut request = app
        .client
        .post("/webhooks/stripe")
        .header(ContentType::JSON)
        .body(body);
    if let Some(signature) = signature {
        request = request.header(Header::new("Stripe-Signature", signature.to_string()));
    }
    request.dispatch().await.status()
}

fn payments_in(ledger: &Value) -> Vec<&Value> {
    ledger["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "payment")
        .collect()
}

/// Enrolls a trainee in a ¥5,000 course and starts a card checkout; returns
/// (enrollment id, trainee bearer, session id).
async fn checkout_started(
    app: &TestApp,
    fake: &FakeStripe,
    course_id: i64,
) -> (i64, Header<'static>, String) {
    let people = app.trainees(1).await;
    let e = enroll(app, people[0].1.clone(), course_id, community_application()).await;
    assert_eq!(e["status"], "pending_payment");
    let id = e["id"].as_i64().unwrap();
    let (status, body) = post_json(
        app,
        people[0].1.clone(),
        &format!("/api/v1/enrollments/{id}/checkout"),
        json!({}),
    )
    .await;
    assert_eq!(status, Status::Created, "{body}");
    let url = body["url"].as_str().unwrap();
    let session = url.rsplit('/').next().unwrap().to_string();
    assert!(!fake.requests("/v1/checkout/sessions").is_empty());
    (id, people[0].1.clone(), session)
}

#[rocket::async_test]
async fn a_card_payment_goes_from_checkout_to_a_confirmed_seat_and_a_numbered_receipt() {
    let (app, fake) = app_with_stripe().await;
    let course = priced_course(
        &app,
        CourseSpec::default(),
        &[("tuition", 4_000), ("textbook", 1_000)],
    )
    .await;
    let (id, trainee, session) = checkout_started(&app, &fake, course).await;

    let sent = &fake.requests("/v1/checkout/sessions")[0];
    assert_eq!(sent.form["line_items[0][price_data][unit_amount]"], "5000");
    assert_eq!(sent.form["line_items[0][price_data][currency]"], "jpy");
    assert_eq!(sent.form["currency"], "jpy");
    assert_eq!(sent.form["mode"], "payment");
    assert_eq!(sent.form["client_reference_id"], id.to_string());
    assert!(sent
        .headers
        .get("idempotency-key")
        .is_some_and(|k| !k.is_empty()));

    // Asking again reuses the open session instead of opening a second one.
    let (status, _) = post_json(
        &app,
        trainee.clone(),
        &format!("/api/v1/enrollments/{id}/checkout"),
        json!({}),
    )
    .await;
    assert_eq!(status, Status::Created);
    assert_eq!(fake.requests("/v1/checkout/sessions").len(), 1);

    let now = app.state().clock.now().timestamp();
    let (body, sig) = signed_event(
        "evt_paid",
        "checkout.session.completed",
        paid_session(&session, 5_000, "pi_1"),
        now,
    );
    assert_eq!(webhook(&app, &body, Some(&sig)).await, Status::Ok);

    let (_, l) = ledger(&app, trainee.clone(), id).await;
    assert_eq!(l["status"], "confirmed");
    assert_eq!(l["balance"]["balance_yen"], 0);
    assert_eq!(l["payment_state"], "paid");
    assert_eq!(payments_in(&l).len(), 1);
    assert_eq!(payments_in(&l)[0]["method"], "card");
    let receipt = &l["receipts"][0];
    assert_eq!(receipt["number"], 1);
    assert_eq!(receipt["amount_yen"], 5_000);
    assert_eq!(
        receipt["breakdown"],
        json!([["tuition", 4000], ["textbook", 1000]])
    );

    // The receipt page prints the number; the success page does not confirm anything itself.
    let rid = receipt["id"].as_i64().unwrap();
    let (status, r) = {
        let response = app
            .client
            .get(format!("/api/v1/receipts/{rid}"))
            .header(trainee.clone())
            .dispatch()
            .await;
        (
            response.status(),
            response.into_json::<Value>().await.unwrap(),
        )
    };
    assert_eq!(status, Status::Ok);
    assert_eq!(r["payer_name"], "YAMADA HANAKO");
}

#[rocket::async_test]
async fn forged_stale_unsigned_replayed_reordered_and_mismatched_webhooks_leave_exactly_one_payment(
) {
    let (app, fake) = app_with_stripe().await;
    let course = priced_course(&app, CourseSpec::default(), &[("tuition", 5_000)]).await;
    let (id, trainee, session) = checkout_started(&app, &fake, course).await;
    let now = app.state().clock.now().timestamp();
    let object = paid_session(&session, 5_000, "pi_2");

    let (body, sig) = signed_event("evt_1", "checkout.session.completed", object.clone(), now);
    // Missing header, wrong secret, changed body, stale timestamp: 400, nothing applied.
    assert_eq!(webhook(&app, &body, None).await, Status::Forbidden);
    let forged = kouza::payments::webhook::sign(body.as_bytes(), "whsec_wrong", now);
    assert_eq!(webhook(&app, &body, Some(&forged)).await, Status::Forbidden);
    let tampered = body.replace("5000", "1");
    assert_eq!(
        webhook(&app, &tampered, Some(&sig)).await,
        Status::Forbidden
    );
    let (stale_body, stale_sig) = signed_event(
        "evt_1",
        "checkout.session.completed",
        object.clone(),
        now - 301,
    );
    assert_eq!(
        webhook(&app, &stale_body, Some(&stale_sig)).await,
        Status::Forbidden
    );
    let (_, l) = ledger(&app, trainee.clone(), id).await;
    assert_eq!(l["status"], "pending_payment");
    assert!(payments_in(&l).is_empty());

    // The same event ten times at once: every answer is 2xx, one payment.
    let replies = join_all((0..10).map(|_| webhook(&app, &body, Some(&sig)))).await;
    assert!(replies.iter().all(|s| *s == Status::Ok), "{replies:?}");
    // A different event id for the same payment, and a late expiry (out of order).
    let (again, again_sig) = signed_event(
        "evt_2",
        "checkout.session.async_payment_succeeded",
        object.clone(),
        now,
    );
    assert_eq!(webhook(&app, &again, Some(&again_sig)).await, Status::Ok);
    let (expired, expired_sig) = signed_event(
        "evt_3",
        "checkout.session.expired",
        json!({"id": session, "status": "expired"}),
        now,
    );
    assert_eq!(
        webhook(&app, &expired, Some(&expired_sig)).await,
        Status::Ok
    );
    let (_, l) = ledger(&app, trainee.clone(), id).await;
    assert_eq!(l["status"], "confirmed");
    assert_eq!(payments_in(&l).len(), 1);
    assert_eq!(l["receipts"].as_array().unwrap().len(), 1);

    // Amount mismatch on another enrollment: flagged, not confirmed, not booked.
    let (other, other_bearer, other_session) = checkout_started(&app, &fake, course).await;
    let (body, sig) = signed_event(
        "evt_4",
        "checkout.session.completed",
        paid_session(&other_session, 500, "pi_3"),
        now,
    );
    assert_eq!(webhook(&app, &body, Some(&sig)).await, Status::Ok);
    let (_, l) = ledger(&app, other_bearer, other).await;
    assert_eq!(l["status"], "pending_payment");
    assert!(payments_in(&l).is_empty());
    let reviews = kouza::services::refunds::reviews_for(&app.state().db, other)
        .await
        .unwrap();
    assert_eq!(reviews.len(), 1);
    assert_eq!(reviews[0].reason, "amount_mismatch");
}

#[rocket::async_test]
async fn an_unpaid_seat_is_released_after_the_deadline_and_offered_to_the_waitlist() {
    let app = spawn().await;
    let course = priced_course(
        &app,
        CourseSpec {
            capacity: 1,
            ..Default::default()
        },
        &[("tuition", 3_000)],
    )
    .await;
    let people = app.trainees(2).await;
    let first = enroll(&app, people[0].1.clone(), course, community_application()).await;
    assert_eq!(first["status"], "pending_payment");
    let second = enroll(&app, people[1].1.clone(), course, community_application()).await;
    assert_eq!(second["status"], "waitlisted");

    let state = app.state();
    let released = kouza::services::enrollment::release_unpaid(&state.db, state.clock.now())
        .await
        .unwrap();
    assert_eq!(released, 0, "not before the deadline");
    state.clock.advance(Duration::days(8));
    let released = kouza::services::enrollment::release_unpaid(&state.db, state.clock.now())
        .await
        .unwrap();
    assert_eq!(released, 1);
    let a = kouza::services::enrollment::find(&state.db, first["id"].as_i64().unwrap())
        .await
        .unwrap();
    let b = kouza::services::enrollment::find(&state.db, second["id"].as_i64().unwrap())
        .await
        .unwrap();
    assert_eq!(a.status, "cancelled");
    assert_eq!(b.status, "offered");
}

#[rocket::async_test]
async fn staff_refund_a_card_payment_through_stripe_and_the_refund_webhook_adds_nothing() {
    let (app, fake) = app_with_stripe().await;
    let course = priced_course(&app, CourseSpec::default(), &[("tuition", 5_000)]).await;
    let (id, trainee, session) = checkout_started(&app, &fake, course).await;
    let now = app.state().clock.now().timestamp();
    let (body, sig) = signed_event(
        "evt_p",
        "checkout.session.completed",
        paid_session(&session, 5_000, "pi_9"),
        now,
    );
    assert_eq!(webhook(&app, &body, Some(&sig)).await, Status::Ok);

    let staff = app.account(Role::Staff).await;
    let staff_bearer = app.bearer(&staff).await;
    let (status, refunded) = post_json(
        &app,
        staff_bearer.clone(),
        &format!("/api/v1/enrollments/{id}/refunds"),
        json!({"method": "card", "amount_yen": 2_000, "note": "一部返金"}),
    )
    .await;
    assert_eq!(status, Status::Created, "{refunded}");
    let sent = &fake.requests("/v1/refunds")[0];
    assert_eq!(sent.form["amount"], "2000");
    assert_eq!(sent.form["payment_intent"], "pi_9");
    assert!(sent.headers.contains_key("idempotency-key"));
    let refund_id = refunded["entry"]["external_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(refunded["balance"]["refunded_yen"], 2_000);

    let (body, sig) = signed_event(
        "evt_r",
        "refund.updated",
        json!({"id": refund_id, "object": "refund", "amount": 2000, "payment_intent": "pi_9", "status": "succeeded"}),
        now,
    );
    assert_eq!(webhook(&app, &body, Some(&sig)).await, Status::Ok);
    let (_, l) = ledger(&app, trainee, id).await;
    let refunds: Vec<_> = l["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "refund")
        .collect();
    assert_eq!(refunds.len(), 1);
    assert_eq!(l["balance"]["refunded_yen"], 2_000);

    // Never more than was paid.
    let (status, _) = post_json(
        &app,
        staff_bearer,
        &format!("/api/v1/enrollments/{id}/refunds"),
        json!({"method": "card", "amount_yen": 3_001}),
    )
    .await;
    assert_eq!(status, Status::UnprocessableEntity);
}

#[rocket::async_test]
async fn an_offline_payment_confirms_and_a_later_cancellation_reports_and_settles_the_refund() {
    let app = spawn().await;
    let course = priced_course(&app, CourseSpec::default(), &[("tuition", 8_000)]).await;
    let people = app.trainees(1).await;
    let e = enroll(&app, people[0].1.clone(), course, community_application()).await;
    let id = e["id"].as_i64().unwrap();
    let staff = app.account(Role::Staff).await;
    let staff_bearer = app.bearer(&staff).await;

    // A partial transfer first: shown as such, seat still waiting.
    let (status, paid) = post_json(&app, staff_bearer.clone(), &format!("/api/v1/enrollments/{id}/payments"),
        json!({"method": "bank_transfer", "amount_yen": 3_000, "paid_on": "2026-04-01", "payer_name": "ｼﾞｭｺｳ ﾀﾛｳ"})).await;
    assert_eq!(status, Status::Created, "{paid}");
    let (_, l) = ledger(&app, people[0].1.clone(), id).await;
    assert_eq!(l["status"], "pending_payment");
    assert_eq!(l["payment_state"], "partial");
    let (status, _) = post_json(&app, staff_bearer.clone(), &format!("/api/v1/enrollments/{id}/payments"),
        json!({"method": "cash", "amount_yen": 5_000, "paid_on": "2026-04-02", "payer_name": "受講 太郎"})).await;
    assert_eq!(status, Status::Created);
    let (_, l) = ledger(&app, people[0].1.clone(), id).await;
    assert_eq!(l["status"], "confirmed");
    assert_eq!(l["receipts"].as_array().unwrap().len(), 2);
    // 30 days before the start: the default policy refunds everything.
    assert_eq!(l["refund_if_cancelled_yen"], 8_000);

    let (status, cancelled) = post_json(
        &app,
        people[0].1.clone(),
        &format!("/api/v1/enrollments/{id}/cancel"),
        json!({}),
    )
    .await;
    assert_eq!(status, Status::Ok, "{cancelled}");
    assert_eq!(cancelled["refund_yen"], 8_000);
    let reviews = kouza::services::refunds::reviews_for(&app.state().db, id)
        .await
        .unwrap();
    assert_eq!(reviews[0].reason, "cancelled_after_payment");
    assert_eq!(reviews[0].amount_yen, 8_000);

    // Staff pay it back in cash: balance 0, review closed.
    let (status, refunded) = post_json(
        &app,
        staff_bearer,
        &format!("/api/v1/enrollments/{id}/refunds"),
        json!({"method": "cash", "amount_yen": 8_000, "paid_on": "2026-04-05"}),
    )
    .await;
    assert_eq!(status, Status::Created, "{refunded}");
    assert_eq!(refunded["balance"]["balance_yen"], 0);
    let reviews = kouza::services::refunds::reviews_for(&app.state().db, id)
        .await
        .unwrap();
    assert_eq!(reviews[0].status, "refunded");
}

#[rocket::async_test]
async fn a_cancellation_close_to_the_start_refunds_by_the_course_policy() {
    let app = spawn().await;
    let course = priced_course(
        &app,
        CourseSpec {
            starts_in_days: 5,
            ..Default::default()
        },
        &[("tuition", 10_000)],
    )
    .await;
    let people = app.trainees(1).await;
    let e = enroll(&app, people[0].1.clone(), course, community_application()).await;
    let id = e["id"].as_i64().unwrap();
    let staff = app.account(Role::Staff).await;
    let staff_bearer = app.bearer(&staff).await;
    post_json(&app, staff_bearer.clone(), &format!("/api/v1/enrollments/{id}/payments"),
        json!({"method": "cash", "amount_yen": 10_000, "paid_on": "2026-04-01", "payer_name": "受講 太郎"})).await;
    // 5 days before: 50 % by the default policy; staff cancel (past the self-cancel deadline? no: 3 days).
    let preview =
        kouza::services::payments::refund_preview(&app.state().db, id, app.state().clock.now())
            .await
            .unwrap();
    assert_eq!(preview, 5_000);
    let (status, cancelled) = post_json(
        &app,
        people[0].1.clone(),
        &format!("/api/v1/enrollments/{id}/cancel"),
        json!({}),
    )
    .await;
    assert_eq!(status, Status::Ok, "{cancelled}");
    assert_eq!(cancelled["refund_yen"], 5_000);
    let (_, l) = ledger(&app, people[0].1.clone(), id).await;
    assert_eq!(
        l["balance"]["due_yen"], 5_000,
        "the cancellation charge stays in the ledger"
    );
    assert_eq!(l["balance"]["balance_yen"], -5_000);
}

#[rocket::async_test]
async fn a_bank_statement_in_half_width_katakana_matches_and_ambiguous_lines_wait_for_staff() {
    let app = spawn().await;
    let course = priced_course(&app, CourseSpec::default(), &[("tuition", 6_000)]).await;
    let people = app.trainees(3).await;
    let kana = |f: &str, g: &str| {
        let mut body = community_application();
        body["family_name_kana"] = json!(f);
        body["given_name_kana"] = json!(g);
        body
    };
    let yamada = enroll(&app, people[0].1.clone(), course, kana("ヤマダ", "ハナコ")).await["id"]
        .as_i64()
        .unwrap();
    let sato1 = enroll(&app, people[1].1.clone(), course, kana("サトウ", "ジョウ")).await["id"]
        .as_i64()
        .unwrap();
    let sato2 = enroll(&app, people[2].1.clone(), course, kana("サトウ", "ジヨウ")).await["id"]
        .as_i64()
        .unwrap();
    let staff = app.account(Role::Staff).await;
    let staff_bearer = app.bearer(&staff).await;
    let csv = "取引日,振込依頼人名,入金額\n2026/04/01,ﾔﾏﾀﾞ ﾊﾅｺ,\"6,000\"\n2026/04/01,ｻﾄｳ ｼﾞﾖｳ,6000\n2026/04/02,ﾀﾅｶ ｲﾁﾛｳ,6000\n";
    let (status, lines) = post_json(
        &app,
        staff_bearer.clone(),
        "/api/v1/bank-imports",
        json!({"csv": csv}),
    )
    .await;
    assert_eq!(status, Status::Created, "{lines}");
    let lines = lines.as_array().unwrap();
    assert_eq!(lines[0]["status"], "proposed");
    assert_eq!(lines[0]["enrollment_id"], yamada);
    assert_eq!(lines[0]["normalized_name"], "ヤマダハナコ");
    // ジョウ and ジヨウ are the same name once small kana are normalised: two candidates.
    assert_eq!(lines[1]["status"], "ambiguous");
    assert!(lines[1]["enrollment_id"].is_null());
    assert_eq!(lines[2]["status"], "unmatched");

    // Importing the same file again adds nothing.
    let (_, again) = post_json(
        &app,
        staff_bearer.clone(),
        "/api/v1/bank-imports",
        json!({"csv": csv}),
    )
    .await;
    assert_eq!(again.as_array().unwrap().len(), 0);

    let line = lines[0]["id"].as_i64().unwrap();
    let (status, _) = post_json(
        &app,
        staff_bearer.clone(),
        &format!("/api/v1/bank-imports/{line}/confirm"),
        json!({}),
    )
    .await;
    assert_eq!(status, Status::Ok);
    let (status, _) = post_json(
        &app,
        staff_bearer.clone(),
        &format!("/api/v1/bank-imports/{line}/confirm"),
        json!({}),
    )
    .await;
    assert_eq!(status, Status::Conflict);
    let (_, l) = ledger(&app, people[0].1.clone(), yamada).await;
    assert_eq!(l["status"], "confirmed");
    assert_eq!(payments_in(&l).len(), 1);
    // Staff settle the ambiguous one by choosing the enrollment.
    let ambiguous = lines[1]["id"].as_i64().unwrap();
    let (status, _) = post_json(
        &app,
        staff_bearer.clone(),
        &format!("/api/v1/bank-imports/{ambiguous}/confirm"),
        json!({"enrollment_id": sato2}),
    )
    .await;
    assert_eq!(status, Status::Ok);
    let (_, l) = ledger(&app, people[1].1.clone(), sato1).await;
    assert_eq!(l["status"], "pending_payment");

    // The report: paid and unpaid, as CSV with a BOM and neutralised formulas.
    let response = app
        .client
        .get(format!("/api/v1/payments/report?course_id={course}"))
        .header(staff_bearer)
        .dispatch()
        .await;
    let rows: Value = response.into_json().await.unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 3);
    assert_eq!(
        rows.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["payment_state"] == "paid")
            .count(),
        2
    );
}

#[rocket::async_test]
async fn trainees_see_only_their_own_money_and_only_staff_record_payments_and_refunds() {
    let app = spawn().await;
    let course = priced_course(&app, CourseSpec::default(), &[("tuition", 2_000)]).await;
    let people = app.trainees(2).await;
    let mine = enroll(&app, people[0].1.clone(), course, community_application()).await["id"]
        .as_i64()
        .unwrap();
    let staff = app.account(Role::Staff).await;
    let staff_bearer = app.bearer(&staff).await;
    let (_, paid) = post_json(&app, staff_bearer, &format!("/api/v1/enrollments/{mine}/payments"),
        json!({"method": "cash", "amount_yen": 2_000, "paid_on": "2026-04-01", "payer_name": "受講 0"})).await;
    let (_, l) = ledger(&app, people[0].1.clone(), mine).await;
    let receipt = l["receipts"][0]["id"].as_i64().unwrap();
    assert!(paid["entry"]["id"].is_i64());

    let (status, _) = ledger(&app, people[1].1.clone(), mine).await;
    assert_eq!(status, Status::NotFound);
    let response = app
        .client
        .get(format!("/api/v1/receipts/{receipt}"))
        .header(people[1].1.clone())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::NotFound);
    let response = app
        .client
        .get(format!("/receipts/{receipt}"))
        .header(people[1].1.clone())
        .dispatch()
        .await;
    assert_ne!(response.status(), Status::Ok);
    for path in [
        format!("/api/v1/enrollments/{mine}/payments"),
        format!("/api/v1/enrollments/{mine}/refunds"),
    ] {
        let (status, _) = post_json(&app, people[0].1.clone(), &path,
            json!({"method": "cash", "amount_yen": 100, "paid_on": "2026-04-01", "payer_name": "x"})).await;
        assert_eq!(status, Status::Forbidden, "{path}");
    }
    let (status, _) = post_json(
        &app,
        people[0].1.clone(),
        "/api/v1/bank-imports",
        json!({"csv": "2026-04-01,x,1"}),
    )
    .await;
    assert_eq!(status, Status::Forbidden);
}

#[rocket::async_test]
async fn without_stripe_keys_only_offline_methods_are_offered_and_nothing_breaks() {
    let app = spawn().await;
    let course = priced_course(&app, CourseSpec::default(), &[("tuition", 2_000)]).await;
    let trainee = app.account(Role::Trainee).await;
    let people = [(trainee.id, app.bearer(&trainee).await)];
    let id = enroll(&app, people[0].1.clone(), course, community_application()).await["id"]
        .as_i64()
        .unwrap();
    let (status, _) = post_json(
        &app,
        people[0].1.clone(),
        &format!("/api/v1/enrollments/{id}/checkout"),
        json!({}),
    )
    .await;
    assert_eq!(status, Status::Conflict);
    let (_, l) = ledger(&app, people[0].1.clone(), id).await;
    assert_eq!(l["card_available"], false);
    assert_eq!(l["balance"]["balance_yen"], 2_000);
    let response = app
        .client
        .post("/webhooks/stripe")
        .body("{}")
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Forbidden);

    app.login_page(&trainee).await;
    let response = app.client.get(format!("/payments/{id}")).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("銀行振込"));
    assert!(!html.contains("/checkout"), "no card button without Stripe");
}

#[rocket::async_test]
async fn the_payment_page_offers_card_and_bank_transfer_when_stripe_is_configured() {
    let (app, _fake) = app_with_stripe().await;
    let course = priced_course(&app, CourseSpec::default(), &[("tuition", 2_000)]).await;
    let trainee = app.account(Role::Trainee).await;
    let people = [(trainee.id, app.bearer(&trainee).await)];
    let id = enroll(&app, people[0].1.clone(), course, community_application()).await["id"]
        .as_i64()
        .unwrap();
    app.login_page(&trainee).await;
    let response = app.client.get(format!("/payments/{id}")).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let html = response.into_string().await.unwrap();
    assert!(html.contains(&format!("/payments/{id}/checkout")));
    assert!(html.contains("ろうきん 池袋支店"));
    assert!(html.contains("¥2,000"));
}
