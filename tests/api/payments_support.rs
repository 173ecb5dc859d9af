//! Fees and payments, last part: what a public support scheme does to the
//! price and to each payer's receipt, card refunds right after we cancel a
//! course, the proposed top-up for trainees who had cancelled themselves,
//! and the receipt register for staff.
use kouza::domain::Role;
use rocket::http::{ContentType, Header, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

use crate::fake_stripe::{paid_session, signed_event, FakeStripe};
use crate::helpers::{Account, TestApp};
use crate::payments_more::{
    app_with, download, enroll, ledger, page, pay_cash, pdf_text, priced_course, send,
};

async fn enroll_with(app: &TestApp, bearer: Header<'static>, course: i64, scheme: &str) -> i64 {
    let response = app
        .enroll_api(
            bearer,
            course,
            json!({"phone": "090-1234-5678", "consent": true, "support_scheme": scheme}),
        )
        .await;
    assert_eq!(response.status(), Status::Created);
    app.json(response).await["id"].as_i64().unwrap()
}

/// Pays an enrollment by card through the fake Stripe's signed webhook;
/// returns the amount the Checkout Session asked for.
async fn pay_by_card(
    app: &TestApp,
    fake: &FakeStripe,
    bearer: Header<'static>,
    id: i64,
    event: &str,
) -> i64 {
    let (status, _, checkout) = send(
        app,
        bearer,
        &format!("/api/v1/enrollments/{id}/checkout"),
        json!({}),
    )
    .await;
    assert_eq!(status, Status::Created, "{checkout}");
    let amount: i64 = fake.requests("/v1/checkout/sessions").last().unwrap().form
        ["line_items[0][price_data][unit_amount]"]
        .parse()
        .unwrap();
    let session = checkout["url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let (body, sig) = signed_event(
        event,
        "checkout.session.completed",
        paid_session(&session, amount, &format!("pi_{event}")),
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
    amount
}

fn receipt_ids(l: &Value) -> Vec<i64> {
    l["receipts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

#[rocket::async_test]
async fn a_support_scheme_sets_the_price_and_each_payers_receipt_names_the_others_share() {
    let (app, fake) = app_with(true).await;
    let fake = fake.unwrap();
    let course = priced_course(
        &app,
        &[
            ("general", "tuition", 50_000),
            ("general", "textbook", 6_600),
            ("general", "municipal_subsidy", 20_000),
        ],
    )
    .await;
    let people = app.trainees(4).await;
    let staff = app.account(Role::Staff).await;
    let staff_bearer = app.bearer(&staff).await;

    // 求職者支援訓練: tuition ¥0 at once, the textbook still payable.
    let job_seeker = enroll_with(&app, people[0].1.clone(), course, "kyushokusha").await;
    let l = ledger(&app, people[0].1.clone(), job_seeker).await;
    assert_eq!(l["balance"]["due_yen"], 6_600, "{l}");
    // 教育訓練給付金: the whole fee, paid and receipted in the trainee's name.
    let benefit = enroll_with(&app, people[1].1.clone(), course, "kyoiku_kunren").await;
    let l = ledger(&app, people[1].1.clone(), benefit).await;
    assert_eq!(l["balance"]["due_yen"], 56_600, "{l}");
    // No scheme: the subsidy line is not a charge.
    let plain = enroll_with(&app, people[2].1.clone(), course, "").await;
    let l = ledger(&app, people[2].1.clone(), plain).await;
    assert_eq!(l["balance"]["due_yen"], 56_600, "{l}");

    // A municipal subsidy: the trainee sees their share before paying…
    let (trainee, bearer) = people[3].clone();
    let split = enroll_with(&app, bearer.clone(), course, "municipal").await;
    let l = ledger(&app, bearer.clone(), split).await;
    assert_eq!(l["balance"]["due_yen"], 56_600, "{l}");
    let me = Account {
        id: trainee,
        email: kouza::services::accounts::find(&app.state().db, trainee)
            .await
            .unwrap()
            .email,
        password: staff.password.clone(),
    };
    app.login_page(&me).await;
    let html = page(&app, &format!("/payments/{split}")).await;
    for expected in [
        "¥56,600",
        "うち自治体負担",
        "¥20,000",
        "ご本人のお支払い額",
        "¥36,600",
    ] {
        assert!(html.contains(expected), "{expected} missing in {html}");
    }
    // …pays only that share by card, and the seat is theirs.
    let paid = pay_by_card(&app, &fake, bearer.clone(), split, "evt_share").await;
    assert_eq!(paid, 36_600);
    let l = ledger(&app, bearer.clone(), split).await;
    assert_eq!(l["status"], "confirmed", "{l}");
    assert_eq!(l["balance"]["balance_yen"], 20_000, "{l}");
    // The municipality pays its part later, by transfer.
    let (status, _, body) = send(
        &app,
        staff_bearer.clone(),
        &format!("/api/v1/enrollments/{split}/payments"),
        json!({"method": "bank_transfer", "amount_yen": 20_000, "paid_on": "2026-04-20", "payer_name": "豊島区"}),
    )
    .await;
    assert_eq!(status, Status::Created, "{body}");
    let l = ledger(&app, bearer.clone(), split).await;
    assert_eq!(l["balance"]["balance_yen"], 0, "{l}");
    let ids = receipt_ids(&l);
    assert_eq!(ids.len(), 2, "{l}");
    let (status, mine) = download(
        &app,
        &format!("/api/v1/receipts/{}/pdf", ids[0]),
        bearer.clone(),
    )
    .await;
    assert_eq!(status, Status::Ok);
    let text = pdf_text(&mine);
    assert!(text.contains("¥36,600"), "{text}");
    assert!(
        text.contains("総額 ¥56,600 のうち 豊島区負担 ¥20,000"),
        "{text}"
    );
    let (status, theirs) = download(
        &app,
        &format!("/api/v1/receipts/{}/pdf", ids[1]),
        staff_bearer.clone(),
    )
    .await;
    assert_eq!(status, Status::Ok);
    let text = pdf_text(&theirs);
    assert!(text.contains("豊島区"), "{text}");
    assert!(text.contains("総額 ¥56,600 のうち"), "{text}");
    assert!(text.contains("負担 ¥36,600"), "{text}");

    // 教育訓練給付金: paid in full, one receipt for the whole fee and no share line.
    pay_cash(&app, staff_bearer.clone(), benefit, 56_600).await;
    let l = ledger(&app, people[1].1.clone(), benefit).await;
    let ids = receipt_ids(&l);
    assert_eq!(ids.len(), 1);
    let (_, full) = download(
        &app,
        &format!("/api/v1/receipts/{}/pdf", ids[0]),
        people[1].1.clone(),
    )
    .await;
    let text = pdf_text(&full);
    assert!(
        text.contains("¥56,600") && !text.contains("のうち"),
        "{text}"
    );

    // 求職者支援訓練: the textbook receipt says the tuition was waived.
    pay_cash(&app, staff_bearer, job_seeker, 6_600).await;
    let l = ledger(&app, people[0].1.clone(), job_seeker).await;
    let ids = receipt_ids(&l);
    let (_, textbook) = download(
        &app,
        &format!("/api/v1/receipts/{}/pdf", ids[0]),
        people[0].1.clone(),
    )
    .await;
    let text = pdf_text(&textbook);
    assert!(
        text.contains("総額 ¥56,600 のうち 求職者支援訓練による受講料免除 ¥50,000"),
        "{text}"
    );
}

#[rocket::async_test]
async fn card_refunds_are_made_as_soon_as_we_cancel_a_course_and_never_twice() {
    let (app, fake) = app_with(true).await;
    let fake = fake.unwrap();
    let course = priced_course(&app, &[("general", "tuition", 8_000)]).await;
    let people = app.trainees(1).await;
    let staff = app.account(Role::Staff).await;
    let staff_bearer = app.bearer(&staff).await;
    let id = enroll(&app, people[0].1.clone(), course).await;
    pay_by_card(&app, &fake, people[0].1.clone(), id, "evt_now").await;

    let (status, _, body) = send(
        &app,
        staff_bearer,
        &format!("/api/v1/courses/{course}/cancel"),
        json!({"reason": "会場の都合により中止します"}),
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    // Before any background pass: refunded through Stripe already.
    let sent = fake.requests("/v1/refunds");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].form["amount"], "8000");
    assert_eq!(sent[0].form["payment_intent"], "pi_evt_now");
    let l = ledger(&app, people[0].1.clone(), id).await;
    assert_eq!(l["balance"]["refunded_yen"], 8_000, "{l}");
    assert_eq!(l["balance"]["balance_yen"], 0, "{l}");
    let reviews = kouza::services::refunds::reviews_for(&app.state().db, id)
        .await
        .unwrap();
    assert_eq!(reviews[0].status, "refunded");

    // The background pass, the safety net, finds nothing left to do.
    let state = app.state();
    kouza::jobs::run_once(&state.db, &state.config, state.clock.now()).await;
    assert_eq!(fake.requests("/v1/refunds").len(), 1);
    let l = ledger(&app, people[0].1.clone(), id).await;
    let refunds = l["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "refund")
        .count();
    assert_eq!(refunds, 1, "{l}");
}

#[rocket::async_test]
async fn a_trainee_who_had_cancelled_is_proposed_a_top_up_that_staff_decide() {
    let (app, fake) = app_with(true).await;
    let fake = fake.unwrap();
    let course = priced_course(&app, &[("general", "tuition", 10_000)]).await;
    let db = &app.state().db;
    kouza::services::refunds::set_policy(
        db,
        course,
        app.account(Role::Staff).await.id,
        r#"{"tiers":[{"days_before":0,"charge_percent":50}]}"#,
        app.state().clock.now(),
    )
    .await
    .unwrap();
    let people = app.trainees(3).await;
    let staff = app.account(Role::Staff).await;
    let staff_bearer = app.bearer(&staff).await;

    // A paid by card and cancelled: half back by policy (paid out by staff).
    let by_card = enroll(&app, people[0].1.clone(), course).await;
    pay_by_card(&app, &fake, people[0].1.clone(), by_card, "evt_a").await;
    let (status, _, body) = send(
        &app,
        people[0].1.clone(),
        &format!("/api/v1/enrollments/{by_card}/cancel"),
        json!({}),
    )
    .await;
    assert!(status.class().is_success(), "{body}");
    let (status, _, body) = send(
        &app,
        staff_bearer.clone(),
        &format!("/api/v1/enrollments/{by_card}/refunds"),
        json!({"method": "card", "amount_yen": 5_000}),
    )
    .await;
    assert_eq!(status, Status::Created, "{body}");
    // B paid cash and cancelled; the policy refund is not paid yet.
    let by_cash = enroll(&app, people[1].1.clone(), course).await;
    pay_cash(&app, staff_bearer.clone(), by_cash, 10_000).await;
    let (status, _, body) = send(
        &app,
        people[1].1.clone(),
        &format!("/api/v1/enrollments/{by_cash}/cancel"),
        json!({}),
    )
    .await;
    assert!(status.class().is_success(), "{body}");
    let refunds_before = fake.requests("/v1/refunds").len();

    let (status, _, body) = send(
        &app,
        staff_bearer.clone(),
        &format!("/api/v1/courses/{course}/cancel"),
        json!({"reason": "講師の急病のため"}),
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    // Proposed, not paid.
    let top_up = |id| async move {
        kouza::services::refunds::reviews_for(db, id)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.reason == "course_cancelled_top_up")
    };
    let a = top_up(by_card).await.expect("a top-up review for A");
    assert_eq!((a.amount_yen, a.status.as_str()), (5_000, "open"));
    let b = top_up(by_cash).await.expect("a top-up review for B");
    assert_eq!(b.amount_yen, 5_000);
    assert_eq!(fake.requests("/v1/refunds").len(), refunds_before);
    let l = ledger(&app, people[0].1.clone(), by_card).await;
    assert_eq!(l["balance"]["refunded_yen"], 5_000, "{l}");

    // Staff see it on the payments desk; a trainee cannot approve it.
    app.login_page(&staff).await;
    let html = page(&app, "/staff/payments").await;
    assert!(
        html.contains(&format!("/staff/payments/reviews/{}/approve-top-up", a.id)),
        "{html}"
    );
    let csrf = app.csrf().await;
    let response = app
        .post_form(
            &format!("/staff/payments/reviews/{}/approve-top-up", a.id),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    // Approved: the rest goes back by card (once), and it is audited.
    let sent = fake.requests("/v1/refunds");
    assert_eq!(sent.len(), refunds_before + 1);
    assert_eq!(sent.last().unwrap().form["amount"], "5000");
    let l = ledger(&app, people[0].1.clone(), by_card).await;
    assert_eq!(l["balance"]["refunded_yen"], 10_000, "{l}");
    assert_eq!(l["balance"]["balance_yen"], 0, "{l}");
    assert_eq!(top_up(by_card).await.unwrap().status, "approved");
    let audited = kouza::entities::audit_log::Entity::find()
        .filter(kouza::entities::audit_log::Column::Action.eq("refund_review.approve_top_up"))
        .all(db)
        .await
        .unwrap();
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0].actor_id, Some(staff.id));
    // Approving again is refused and pays nothing.
    let csrf = app.csrf().await;
    let response = app
        .post_form(
            &format!("/staff/payments/reviews/{}/approve-top-up", a.id),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_ne!(response.status(), Status::SeeOther);
    assert_eq!(fake.requests("/v1/refunds").len(), refunds_before + 1);

    // B, paid in cash: approving makes the whole 10,000 owed back, listed for
    // staff to pay by hand (the policy refund review is folded into it).
    kouza::services::course_refunds::approve_top_up(
        db,
        &app.state().config,
        b.id,
        staff.id,
        app.state().clock.now(),
    )
    .await
    .unwrap();
    let open: Vec<_> = kouza::services::refunds::reviews_for(db, by_cash)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.status == "open")
        .collect();
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(
        (open[0].reason.as_str(), open[0].amount_yen),
        ("course_cancelled", 10_000)
    );

    // A trainee who had cancelled but is not topped up: staff may dismiss
    // instead; a trainee may do neither.
    let other = app.account(Role::Trainee).await;
    app.login_page(&other).await;
    let csrf = app.csrf().await;
    let response = app
        .post_form(
            &format!("/staff/payments/reviews/{}/dismiss", b.id),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(response.status(), Status::Forbidden);
}

#[rocket::async_test]
async fn staff_page_through_the_receipt_register_and_download_it_and_nobody_else_can() {
    let (app, _) = app_with(false).await;
    let course = priced_course(&app, &[("general", "tuition", 3_000)]).await;
    let other_course = priced_course(&app, &[("general", "tuition", 4_000)]).await;
    let people = app.trainees(3).await;
    let staff = app.account(Role::Staff).await;
    let staff_bearer = app.bearer(&staff).await;
    let first = enroll(&app, people[0].1.clone(), course).await;
    pay_cash(&app, staff_bearer.clone(), first, 3_000).await;
    let second = enroll(&app, people[1].1.clone(), other_course).await;
    pay_cash(&app, staff_bearer.clone(), second, 4_000).await;
    // The first receipt is printed by its owner, then again by staff (再発行).
    let l = ledger(&app, people[0].1.clone(), first).await;
    let receipt = receipt_ids(&l)[0];
    let pdf = format!("/api/v1/receipts/{receipt}/pdf");
    download(&app, &pdf, people[0].1.clone()).await;
    download(&app, &pdf, staff_bearer.clone()).await;

    app.login_page(&staff).await;
    let html = page(&app, "/staff/receipts").await;
    assert!(html.contains("領収書台帳"), "{html}");
    assert!(html.contains("¥3,000") && html.contains("¥4,000"), "{html}");
    assert!(html.contains("ジュコウ タロウ"), "{html}");
    let staff_name = kouza::services::accounts::find(&app.state().db, staff.id)
        .await
        .unwrap();
    assert!(html.contains(&staff_name.family_name), "{html}");
    // Filtered by course.
    let html = page(&app, &format!("/staff/receipts?course_id={course}")).await;
    assert!(
        html.contains("¥3,000") && !html.contains("¥4,000"),
        "{html}"
    );
    // By period: nothing was issued in 2020.
    let html = page(&app, "/staff/receipts?from=2020-01-01&to=2020-12-31").await;
    assert!(html.contains("該当する領収書はありません"), "{html}");
    // A bad filter is named, not ignored.
    let html = page(&app, "/staff/receipts?from=2026-13-40").await;
    assert!(html.contains("f-from"), "{html}");

    // Paging: more than a page of receipts.
    let many = app.trainees(51).await;
    for (_, bearer) in &many {
        let id = enroll(&app, bearer.clone(), other_course).await;
        pay_cash(&app, staff_bearer.clone(), id, 4_000).await;
    }
    let html = page(&app, "/staff/receipts").await;
    assert!(html.contains("rel=\"next\""), "{html}");
    let html = page(&app, &format!("/staff/receipts?course_id={course}&page=2")).await;
    assert!(!html.contains("¥3,000"), "page 2 of one receipt is empty");

    // The CSV, audited as a personal-data export.
    let response = app
        .client
        .get(format!("/staff/receipts.csv?course_id={course}"))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(
        response.headers().get_one("Cache-Control"),
        Some("private, no-store")
    );
    let body = response.into_bytes().await.unwrap();
    assert!(body.starts_with(&[0xEF, 0xBB, 0xBF]));
    let csv = String::from_utf8(body).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(
        rows[1].contains("ジュコウ タロウ") && rows[1].contains("3000"),
        "{csv}"
    );
    let exports = kouza::entities::audit_log::Entity::find()
        .filter(kouza::entities::audit_log::Column::Action.eq("personal_data_export"))
        .all(&app.state().db)
        .await
        .unwrap();
    assert!(exports.iter().any(|e| e.detail.contains("receipts")));

    // Trainees and instructors are refused.
    for role in [Role::Trainee, Role::Instructor] {
        let someone = app.account(role).await;
        app.login_page(&someone).await;
        for path in ["/staff/receipts", "/staff/receipts.csv"] {
            let response = app.client.get(path).dispatch().await;
            assert_eq!(response.status(), Status::Forbidden, "{role:?} {path}");
        }
    }
}
