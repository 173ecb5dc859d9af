//! Hostile input: markup and template syntax in names, line breaks aimed at
//! mail headers, formula cells aimed at spreadsheets, control characters,
//! huge and broken bodies, tampered prices, and a deadline at JST midnight.
//! Each is refused with a clear 4xx or shown safely; none is ever a 5xx.
use chrono::{Duration, TimeZone};
use kouza::domain::course::jst_date;
use kouza::domain::Role;
use kouza::entities::mail_outbox;
use rocket::http::{ContentType, Cookie, Status};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use serde_json::{json, Value};

use crate::helpers::{spawn, spawn_with, test_figment, unique, CourseSpec, TestApp};
use crate::smtp_sink::SmtpSink;

const MARKUP: &str = "<script>alert(1)</script>";
const TEMPLATE: &str = "{{ 7*7 }}";

fn person(family: &str, given: &str) -> Value {
    json!({
        "email": format!("{}@example.jp", unique("h")),
        "password": "correct horse battery staple",
        "family_name": family, "given_name": given,
        "family_name_kana": "ヤマダ", "given_name_kana": "ハナコ"
    })
}

/// Signs up through the API; the new user's id and email on success.
async fn sign_up(app: &TestApp, body: Value) -> Result<(i64, String), Status> {
    let response = app.signup_api(body.clone()).await;
    let status = response.status();
    assert!(status.code < 500, "sign-up answered {status}");
    if status != Status::Created {
        return Err(status);
    }
    let id = app.json(response).await["id"].as_i64().unwrap();
    Ok((id, body["email"].as_str().unwrap().to_string()))
}

async fn page(app: &TestApp, user_id: i64, path: &str) -> (Status, Vec<u8>) {
    let state = app.state();
    let token = state.tokens.issue(user_id, 0, state.clock.now());
    let response = app
        .client
        .get(path.to_string())
        .cookie(Cookie::new("kouza_session", token))
        .dispatch()
        .await;
    let status = response.status();
    (status, response.into_bytes().await.unwrap_or_default())
}

async fn priced_course(app: &TestApp, spec: CourseSpec) -> i64 {
    let course = app.published_course(spec).await;
    kouza::services::catalog::set_fees(
        &app.state().db,
        course.id,
        &[("general".into(), "tuition".into(), 3000)],
    )
    .await
    .unwrap();
    course.id
}

async fn enroll(app: &TestApp, user_id: i64, course_id: i64, body: Value) -> (Status, Value) {
    let response = app
        .enroll_api(app.bearer_for(user_id), course_id, body)
        .await;
    let status = response.status();
    (status, response.into_json().await.unwrap_or(Value::Null))
}

async fn pay_cash(app: &TestApp, enrollment_id: i64, staff_id: i64, payer: &str) {
    let state = app.state();
    let now = state.clock.now();
    kouza::services::payments::record_offline(
        &state.db,
        enrollment_id,
        staff_id,
        &kouza::services::payments::OfflinePayment {
            method: "cash".into(),
            amount_yen: 3000,
            paid_on: jst_date(now),
            payer_name: payer.into(),
            note: String::new(),
        },
        now,
    )
    .await
    .unwrap();
}

async fn mails_to(app: &TestApp, email: &str) -> Vec<mail_outbox::Model> {
    mail_outbox::Entity::find()
        .filter(mail_outbox::Column::ToAddress.eq(email))
        .all(&app.state().db)
        .await
        .unwrap()
}

#[rocket::async_test]
async fn markup_and_template_syntax_in_names_are_shown_as_text_in_pages_mails_and_pdfs() {
    let app = spawn().await;
    let staff = app.account(Role::Staff).await;
    let course_id = priced_course(&app, CourseSpec::default()).await;
    let (user_id, email) = sign_up(&app, person(MARKUP, TEMPLATE))
        .await
        .expect("markup is text, and text is a name");
    let (status, enrollment) = enroll(
        &app,
        user_id,
        course_id,
        crate::helpers::community_application(),
    )
    .await;
    assert_eq!(status, Status::Created, "{enrollment}");
    let enrollment_id = enrollment["id"].as_i64().unwrap();
    pay_cash(
        &app,
        enrollment_id,
        staff.id,
        &format!("{MARKUP}{TEMPLATE}"),
    )
    .await;

    for path in [
        format!("/staff/courses/{course_id}/enrollments"),
        format!("/staff/enrollments/{enrollment_id}"),
    ] {
        let (status, body) = page(&app, staff.id, &path).await;
        assert_eq!(status, Status::Ok, "{path}");
        let body = String::from_utf8(body).unwrap();
        assert!(!body.contains(MARKUP), "{path} shows live markup");
        assert!(
            body.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
                || body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{path} does not show the name escaped"
        );
        assert!(
            body.contains(TEMPLATE),
            "{path} evaluated the name as a template"
        );
    }
    let (status, body) = page(&app, user_id, "/account").await;
    assert_eq!(status, Status::Ok);
    assert!(!String::from_utf8(body).unwrap().contains(MARKUP));

    // Mails are plain text: the name exactly as typed, never evaluated.
    let mails = mails_to(&app, &email).await;
    assert!(
        mails.len() >= 2,
        "welcome and enrollment mails: {}",
        mails.len()
    );
    for mail in &mails {
        assert!(!mail.subject.contains('\r') && !mail.subject.contains('\n'));
        if mail.body_text.contains("alert(1)") {
            assert!(mail.body_text.contains(MARKUP), "{}", mail.body_text);
        }
        assert!(
            !mail.body_text.contains("&lt;"),
            "HTML escaping in a text mail"
        );
    }
    assert!(mails.iter().any(|m| m.body_text.contains(MARKUP)));
    assert!(mails.iter().any(|m| m.body_text.contains(TEMPLATE)));

    // The receipt PDF with that name and payer renders.
    let receipt = kouza::services::receipts::for_enrollment(&app.state().db, enrollment_id)
        .await
        .unwrap();
    let (status, pdf) = page(&app, user_id, &format!("/receipts/{}/pdf", receipt[0].id)).await;
    assert_eq!(status, Status::Ok);
    assert!(pdf.starts_with(b"%PDF"));
    lopdf::Document::load_mem(&pdf).expect("a PDF that parses");
}

#[rocket::async_test]
async fn control_characters_bidi_overrides_and_huge_names_are_refused_and_emoji_is_safe() {
    let app = spawn().await;
    let long = "あ".repeat(10_000);
    for (name, family) in [
        ("CRLF", "山田\r\nBcc: evil@example.com"),
        ("LF", "山田\nX-Injected: 1"),
        ("NUL", "山\u{0}田"),
        ("RTL override", "山田\u{202E}gnp.exe"),
        ("10,000 characters", long.as_str()),
    ] {
        let status = sign_up(&app, person(family, "花子")).await;
        assert_eq!(status, Err(Status::UnprocessableEntity), "{name}");
    }
    // The sign-up form says so too, as a page, not an error screen.
    let csrf = app.csrf().await;
    let too_long_for_a_name = "あ".repeat(2_000);
    let too_long_for_a_form = long.as_str();
    for family in [
        "山田\r\nBcc: evil@example.com",
        "山\u{0}田",
        "山田\u{202E}gnp.exe",
        too_long_for_a_name.as_str(),
        too_long_for_a_form,
    ] {
        let response = app
            .post_form(
                "/signup",
                &[
                    ("email", &format!("{}@example.jp", unique("f"))),
                    ("password", "correct horse battery staple"),
                    ("family_name", family),
                    ("given_name", "花子"),
                    ("family_name_kana", "ヤマダ"),
                    ("given_name_kana", "ハナコ"),
                    ("csrf_token", &csrf),
                ],
            )
            .await;
        let status = response.status();
        let body = response.into_string().await.unwrap();
        if family == too_long_for_a_form {
            // Over the form size limit (90 kB encoded): refused before parsing,
            // with an error page.
            assert_eq!(status, Status::PayloadTooLarge);
            assert!(body.contains("<html"), "an error page, not a bare status");
        } else {
            assert_eq!(status, Status::UnprocessableEntity);
            assert!(body.contains("<form"), "the form is shown again");
        }
    }
    // Emoji are characters like any other: kept or refused, never a crash,
    // and if kept they come back intact.
    if let Ok((id, _)) = sign_up(&app, person("山田😀", "花子👩‍⚕️")).await {
        let (status, body) = page(&app, id, "/account").await;
        assert_eq!(status, Status::Ok);
        assert!(String::from_utf8(body).unwrap().contains("山田😀"));
    }
}

#[rocket::async_test]
async fn broken_huge_and_mistyped_bodies_are_clear_4xx_answers() {
    let app = spawn().await;
    let trainee = app.account(Role::Trainee).await;
    let course = app.published_course(CourseSpec::default()).await;
    let mut tried = 0;
    let mut send = |path: &'static str, content: ContentType, body: Vec<u8>| {
        tried += 1;
        let request = app
            .client
            .post(path)
            .header(content)
            .header(app.bearer_for(trainee.id))
            .body(body);
        async move {
            let response = request.dispatch().await;
            let status = response.status();
            let text = response.into_string().await.unwrap_or_default();
            (status, text)
        }
    };
    let invalid_utf8 = b"{\"email\": \"\xff\xfe@example.jp\", \"password\": \"\xc3\x28\"}".to_vec();
    let huge = format!(
        "{{\"email\": \"a@example.jp\", \"password\": \"{}\"}}",
        "x".repeat(3 * 1024 * 1024)
    )
    .into_bytes();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes();
    let enroll_path: &'static str =
        Box::leak(format!("/api/v1/courses/{}/enrollments", course.id).into_boxed_str());
    for (name, path, content, body) in [
        (
            "invalid UTF-8",
            "/api/v1/auth/signup",
            ContentType::JSON,
            invalid_utf8.clone(),
        ),
        (
            "invalid UTF-8 token",
            "/api/v1/auth/token",
            ContentType::JSON,
            invalid_utf8.clone(),
        ),
        (
            "3 MiB body",
            "/api/v1/auth/signup",
            ContentType::JSON,
            huge.clone(),
        ),
        (
            "deep nesting",
            "/api/v1/auth/signup",
            ContentType::JSON,
            deep,
        ),
        (
            "not JSON",
            "/api/v1/auth/signup",
            ContentType::JSON,
            b"email=a".to_vec(),
        ),
        (
            "wrong types",
            "/api/v1/auth/signup",
            ContentType::JSON,
            br#"{"email": 5, "password": []}"#.to_vec(),
        ),
        (
            "a JSON string",
            enroll_path,
            ContentType::JSON,
            br#""consent""#.to_vec(),
        ),
        (
            "NUL in JSON",
            enroll_path,
            ContentType::JSON,
            br#"{"phone": "090\u0000", "consent": true}"#.to_vec(),
        ),
        (
            "invalid UTF-8 enrollment",
            enroll_path,
            ContentType::JSON,
            invalid_utf8,
        ),
        (
            "3 MiB enrollment",
            enroll_path,
            ContentType::JSON,
            huge.clone(),
        ),
        ("3 MiB form", "/login", ContentType::Form, huge),
    ] {
        let (status, text) = send(path, content, body).await;
        assert!(
            status.code >= 400 && status.code < 500,
            "{name} on {path}: {status} {}",
            text.chars().take(200).collect::<String>()
        );
    }
    assert!(tried >= 11);
}

#[rocket::async_test]
async fn a_price_amount_or_currency_sent_by_the_client_is_ignored() {
    let fake = crate::fake_stripe::FakeStripe::start().await;
    let (figment, dir) = test_figment().await;
    let figment = figment
        .merge(("stripe_secret_key", crate::fake_stripe::SECRET_KEY))
        .merge(("stripe_webhook_secret", crate::fake_stripe::WEBHOOK_SECRET))
        .merge(("stripe_api_base", fake.base_url.clone()));
    let app = spawn_with(figment, dir).await;
    let course_id = priced_course(&app, CourseSpec::default()).await;
    let trainee = app.account(Role::Trainee).await;
    let mut body = crate::helpers::community_application();
    for (key, value) in [
        ("price", json!(1)),
        ("amount_yen", json!(1)),
        ("fee_yen", json!(1)),
        ("currency", json!("usd")),
        ("price_category", json!("exempt")),
    ] {
        body[key] = value;
    }
    let (status, enrollment) = enroll(&app, trainee.id, course_id, body).await;
    assert!(status.code < 500, "{status}");
    if status != Status::Created {
        // Refused outright is fine too; then enroll honestly to try checkout.
        assert!(status.code >= 400, "{status}");
    }
    let enrollment = if status == Status::Created {
        enrollment
    } else {
        let (status, honest) = enroll(
            &app,
            trainee.id,
            course_id,
            crate::helpers::community_application(),
        )
        .await;
        assert_eq!(status, Status::Created);
        honest
    };
    let id = enrollment["id"].as_i64().unwrap();
    assert_eq!(enrollment["status"], "pending_payment", "{enrollment}");
    let response = app
        .client
        .post(format!("/api/v1/enrollments/{id}/checkout"))
        .header(app.bearer_for(trainee.id))
        .header(ContentType::JSON)
        .body(
            json!({"amount": 1, "unit_amount": 1, "amount_yen": 1, "currency": "usd"}).to_string(),
        )
        .dispatch()
        .await;
    assert!(response.status().code < 500);
    let sent = fake.requests("/v1/checkout/sessions");
    assert_eq!(sent.len(), 1, "one checkout session was asked for");
    assert_eq!(
        sent[0].form["line_items[0][price_data][unit_amount]"],
        "3000"
    );
    assert_eq!(sent[0].form["line_items[0][price_data][currency]"], "jpy");
    let ledger = app
        .client
        .get(format!("/api/v1/enrollments/{id}/ledger"))
        .header(app.bearer_for(trainee.id))
        .dispatch()
        .await;
    assert_eq!(ledger.status(), Status::Ok);
    let ledger = app.json(ledger).await;
    assert!(ledger.to_string().contains("3000"), "{ledger}");
}

#[rocket::async_test]
async fn an_enrollment_window_closing_at_jst_midnight_closes_at_jst_midnight_not_utc() {
    let app = spawn().await;
    let state = app.state();
    let course = app
        .published_course(CourseSpec {
            starts_in_days: 20,
            ..Default::default()
        })
        .await;
    // The next midnight in Japan, whatever the hour the test runs at.
    let jst = chrono::FixedOffset::east_opt(9 * 3600).unwrap();
    let tomorrow = jst_date(state.clock.now()) + Duration::days(1);
    let midnight = jst
        .from_local_datetime(&tomorrow.and_hms_opt(0, 0, 0).unwrap())
        .single()
        .unwrap()
        .with_timezone(&chrono::Utc);
    kouza::entities::course::Entity::update_many()
        .col_expr(
            kouza::entities::course::Column::EnrollmentClosesAt,
            sea_orm::prelude::Expr::value(midnight),
        )
        .filter(kouza::entities::course::Column::Id.eq(course.id))
        .exec(&state.db)
        .await
        .unwrap();
    let people = app.trainees(2).await;
    // The clock moves in whole seconds: this lands between 2 s and 1 s
    // before midnight, and two more seconds land just after it.
    let gap = (midnight - state.clock.now()).num_seconds();
    state.clock.advance(Duration::seconds(gap - 1));
    let (status, body) = enroll(
        &app,
        people[0].0,
        course.id,
        crate::helpers::community_application(),
    )
    .await;
    assert_eq!(status, Status::Created, "just before midnight JST: {body}");
    state.clock.advance(Duration::seconds(2));
    assert!(state.clock.now() >= midnight);
    let (status, body) = enroll(
        &app,
        people[1].0,
        course.id,
        crate::helpers::community_application(),
    )
    .await;
    assert_eq!(status, Status::Conflict, "at midnight JST: {body}");
    assert!(
        body["detail"].is_string() || body["title"].is_string(),
        "{body}"
    );
}

#[rocket::async_test]
async fn a_line_break_in_a_subject_or_name_never_becomes_a_mail_header() {
    let sink = SmtpSink::start().await;
    let (figment, dir) = test_figment().await;
    let figment = figment
        .merge(("smtp_host", "127.0.0.1"))
        .merge(("smtp_port", sink.port))
        .merge(("smtp_tls", "none"))
        .merge(("smtp_timeout_secs", 5))
        .merge(("mail_from", "講座受付 <kouza@example.jp>"));
    let app = spawn_with(figment, dir).await;
    let state = app.state();
    let txn = state.db.begin().await.unwrap();
    kouza::services::outbox::enqueue(
        &txn,
        kouza::services::outbox::Mail {
            kind: "hostile",
            to: "hanako@example.jp",
            subject: "ご案内\r\nBcc: evil@example.com\r\nX-Injected: yes".into(),
            body: "本文\r\n.\r\nMAIL FROM:<evil@example.com>\r\n".into(),
        },
        state.clock.now(),
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    kouza::services::mail_delivery::deliver_due(&state.db, &state.config, || state.clock.now())
        .await
        .unwrap();
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "the one mail, not two");
    let message = &messages[0];
    let to: Vec<&str> = message
        .to
        .iter()
        .map(|t| t.trim_matches(|c| c == '<' || c == '>'))
        .collect();
    assert_eq!(to, vec!["hanako@example.jp"]);
    let names: Vec<String> = message.headers().into_iter().map(|(n, _)| n).collect();
    assert!(!names.contains(&"bcc".to_string()), "{names:?}");
    assert!(!names.contains(&"x-injected".to_string()), "{names:?}");
    assert!(message.subject().contains("ご案内"));
}

#[rocket::async_test]
async fn csv_exports_neutralise_cells_a_spreadsheet_would_run() {
    let app = spawn().await;
    let staff = app.account(Role::Staff).await;
    let course_id = priced_course(&app, CourseSpec::default()).await;
    let mut starters = vec![];
    for (family, given) in [("=1+2", "@SUM(A1)"), ("+81", "-2")] {
        let (user_id, _) = sign_up(&app, person(family, given)).await.expect("names");
        let (status, e) = enroll(
            &app,
            user_id,
            course_id,
            crate::helpers::community_application(),
        )
        .await;
        assert_eq!(status, Status::Created);
        pay_cash(
            &app,
            e["id"].as_i64().unwrap(),
            staff.id,
            "=HYPERLINK(\"http://evil.example\")",
        )
        .await;
        starters.push(family);
    }
    // A payer name kept as a card company sent it, untrimmed: the formula
    // hides behind a full-width space, which spreadsheets may skip.
    let receipts = kouza::services::payment_rows::receipt::Entity::find()
        .all(&app.state().db)
        .await
        .unwrap();
    let mut padded: kouza::services::payment_rows::receipt::ActiveModel =
        receipts.last().expect("a receipt").clone().into();
    padded.payer_name = Set("\u{3000}=HYPERLINK(\"http://evil.example\")".into());
    padded.update(&app.state().db).await.unwrap();
    let mut cells_seen = 0;
    for path in [
        format!("/staff/courses/{course_id}/attendance.csv"),
        format!("/staff/courses/{course_id}/completers.csv"),
        format!("/staff/receipts.csv?course_id={course_id}"),
        format!("/staff/payments/report.csv?course_id={course_id}"),
    ] {
        let (status, bytes) = page(&app, staff.id, &path).await;
        assert_eq!(status, Status::Ok, "{path}");
        let text = String::from_utf8(bytes).unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                cells_seen += 1;
                assert!(!live_formula(cell), "{path}: live formula cell {cell:?}");
            }
        }
        if path.contains("receipts") {
            assert!(text.contains("'=HYPERLINK"), "{path} lost the payer's name");
            assert!(
                text.contains("'\u{3000}=HYPERLINK"),
                "{path} lost the padded payer's name"
            );
        }
        if path.contains("attendance") {
            assert!(text.contains("'=1+2"), "{path} lost the trainee's name");
        }
    }
    assert!(cells_seen > 20, "only {cells_seen} cells");
}

/// A cell a spreadsheet could evaluate: a formula character at the start or
/// behind leading blanks or control characters, or a leading tab or CR.
fn live_formula(cell: &str) -> bool {
    cell.starts_with(['\t', '\r'])
        || cell
            .trim_start_matches(|c: char| c.is_whitespace() || c.is_control())
            .starts_with(['=', '+', '-', '@'])
}
