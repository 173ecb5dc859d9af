//! Notifications end to end: the outbox delivered to a real SMTP server
//! started by the test, retries and leases under failure and concurrency,
//! reminders and their opt-out, staff broadcasts, and private calendar feeds
//! parsed back with an iCalendar library.
use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use kouza::domain::Role;
use kouza::entities::{mail_outbox, session};
use kouza::i18n::Lang;
use kouza::services::mail_delivery::{self, Report};
use kouza::services::notifications::{self, Preferences};
use kouza::services::outbox::{self, Mail};
use kouza::services::schedule::{self, SessionInput};
use kouza::state::AppState;
use rocket::futures::future::join;
use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::Client;
use sea_orm::prelude::Expr;
use sea_orm::{EntityTrait, QueryFilter, QueryOrder};

use crate::helpers::{spawn, spawn_with, test_figment, Account, CourseSpec, TestApp};
use crate::smtp_sink::SmtpSink;

const CONTACT: &str = "03-1234-5678（平日9時〜17時）";

/// The app delivering to the sink, over plain SMTP.
async fn app_with_smtp(sink: &SmtpSink, max_attempts: i32) -> TestApp {
    let (figment, data_dir) = test_figment().await;
    let figment = smtp_figment(figment, sink, max_attempts);
    spawn_with(figment, data_dir).await
}

fn smtp_figment(
    figment: rocket::figment::Figment,
    sink: &SmtpSink,
    max_attempts: i32,
) -> rocket::figment::Figment {
    figment
        .merge(("smtp_host", "127.0.0.1"))
        .merge(("smtp_port", sink.port))
        .merge(("smtp_tls", "none"))
        .merge(("smtp_timeout_secs", 5))
        .merge(("mail_lease_secs", 300))
        .merge(("mail_retry_base_secs", 60))
        .merge(("mail_max_attempts", max_attempts))
        .merge(("mail_from", "講座受付 <kouza@example.jp>"))
        .merge(("office_contact", CONTACT))
}

async fn deliver_with(state: &AppState) -> Report {
    mail_delivery::deliver_due(&state.db, &state.config, || state.clock.now())
        .await
        .expect("a delivery pass")
}

async fn deliver(app: &TestApp) -> Report {
    deliver_with(app.state()).await
}

async fn outbox_rows(app: &TestApp) -> Vec<mail_outbox::Model> {
    mail_outbox::Entity::find()
        .order_by_asc(mail_outbox::COLUMN.id)
        .all(&app.state().db)
        .await
        .unwrap()
}

async fn row(app: &TestApp, id: i64) -> mail_outbox::Model {
    mail_outbox::Entity::find_by_id(id)
        .one(&app.state().db)
        .await
        .unwrap()
        .unwrap()
}

async fn queue_one(app: &TestApp, to: &str, subject: &str) -> i64 {
    let state = app.state();
    outbox::enqueue(
        &state.db,
        Mail {
            kind: "test",
            to,
            subject: subject.to_string(),
            body: "本文です。\nよろしくお願いいたします。".into(),
        },
        state.clock.now(),
    )
    .await
    .unwrap()
}

async fn enroll(app: &TestApp, course_id: i64, user_id: i64) -> kouza::entities::enrollment::Model {
    let person = kouza::services::accounts::find(&app.state().db, user_id)
        .await
        .unwrap();
    let applicant = kouza::services::enrollment::Applicant {
        user_id,
        family_name: person.family_name,
        given_name: person.given_name,
        family_name_kana: person.family_name_kana,
        given_name_kana: person.given_name_kana,
        price_category: "general".into(),
        member_number: None,
        form: serde_json::json!({}),
        answers: vec![],
        special_care_notes: None,
    };
    let state = app.state();
    kouza::services::enrollment::enroll(
        &state.db,
        course_id,
        &applicant,
        kouza::services::enrollment::Channel::Online,
        state.clock.now(),
    )
    .await
    .unwrap()
}

async fn add_session(
    app: &TestApp,
    staff_id: i64,
    course_id: i64,
    starts_at: DateTime<Utc>,
    instructor_id: Option<i64>,
) -> session::Model {
    let state = app.state();
    schedule::add(
        &state.db,
        staff_id,
        course_id,
        &SessionInput {
            starts_at: Some(starts_at),
            ends_at: Some(starts_at + Duration::hours(3)),
            subject_no: None,
            title: Some("介護の基本".into()),
            room: "2階研修室".into(),
            instructor_id,
            makeup_for: None,
        },
        state.clock.now(),
    )
    .await
    .unwrap()
}

/// 00:00 of a Japanese date, in UTC.
fn jst(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    date.and_hms_opt(hour, minute, 0).unwrap().and_utc() - Duration::hours(9)
}

fn today_in_japan(app: &TestApp) -> NaiveDate {
    (app.state().clock.now() + Duration::hours(9)).date_naive()
}

async fn post(app: &TestApp, path: &str, extra: &[(&str, &str)]) -> (Status, String) {
    let csrf = app.csrf().await;
    let mut fields = vec![("csrf_token", csrf.as_str())];
    fields.extend_from_slice(extra);
    let response = app.post_form(path, &fields).await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}

async fn get(app: &TestApp, path: &str) -> (Status, String) {
    let response = app.client.get(path.to_string()).dispatch().await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}

#[rocket::async_test]
async fn mail_reaches_a_real_smtp_server_with_an_encoded_japanese_subject_a_utf8_body_and_the_office_footer(
) {
    let sink = SmtpSink::start().await;
    let app = app_with_smtp(&sink, 8).await;
    let course = app.published_course(CourseSpec::default()).await;
    let japanese = app.account(Role::Trainee).await;
    let english = app.account(Role::Trainee).await;
    kouza::services::accounts::set_locale(
        &app.state().db,
        english.id,
        Lang::En,
        app.state().clock.now(),
    )
    .await
    .unwrap();
    enroll(&app, course.id, japanese.id).await;
    enroll(&app, course.id, english.id).await;
    let rows = outbox_rows(&app).await;
    assert_eq!(rows.len(), 2);

    let report = deliver(&app).await;
    assert_eq!(report.sent, 2);
    let messages = sink.messages();
    assert_eq!(messages.len(), 2);
    for row in &rows {
        let message = messages
            .iter()
            .find(|m| m.to == [format!("<{}>", row.to_address)])
            .expect("a message for each row");
        let raw_subject = message.header("subject").unwrap();
        assert!(
            raw_subject.to_ascii_lowercase().contains("=?utf-8?b?"),
            "encoded-word: {raw_subject}"
        );
        assert!(
            raw_subject.is_ascii(),
            "only ASCII on the wire: {raw_subject}"
        );
        assert_eq!(message.subject(), row.subject);
        let content_type = message.header("content-type").unwrap().to_ascii_lowercase();
        assert!(content_type.contains("text/plain") && content_type.contains("charset=utf-8"));
        let body = message.body();
        assert!(body.starts_with(row.body_text.trim_end()), "{body}");
        assert!(body.contains(CONTACT), "footer with the contact: {body}");
        assert!(body.contains("ワーカーズコープ 講座受付事務局"));
        assert_eq!(message.from, "<kouza@example.jp>");
        assert!(message.header("from").unwrap().contains("kouza@example.jp"));
        assert_eq!(
            message.header("message-id").unwrap(),
            mail_delivery::message_id(row, "example.jp")
        );
        assert_eq!(self::row(&app, row.id).await.status, "sent");
    }
    let to_japanese = messages
        .iter()
        .find(|m| m.to == [format!("<{}>", japanese.email)])
        .unwrap();
    assert_eq!(
        to_japanese.subject(),
        "【講座受付】受講が確定しました：はじめての家族介護講座"
    );
    assert!(to_japanese.body().contains("お問い合わせ："));
    let to_english = messages
        .iter()
        .find(|m| m.to == [format!("<{}>", english.email)])
        .unwrap();
    assert!(to_english.body().contains("Contact: "), "English footer");

    // Nothing is left to send.
    assert_eq!(deliver(&app).await, Report::default());
    assert_eq!(sink.messages().len(), 2);
}

#[rocket::async_test]
async fn when_the_smtp_server_is_down_mail_stays_queued_with_the_error_and_goes_once_it_is_back() {
    let mut sink = SmtpSink::start().await;
    let app = app_with_smtp(&sink, 8).await;
    sink.stop();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let id = queue_one(&app, "hanako@example.jp", "【講座受付】教室変更のお知らせ").await;
    let queued_at = app.state().clock.now();

    let report = deliver(&app).await;
    assert_eq!(report.retrying, 1);
    let failed = row(&app, id).await;
    assert_eq!(failed.status, "pending");
    assert_eq!(failed.attempts, 1);
    assert!(failed
        .last_error
        .as_deref()
        .unwrap_or("")
        .starts_with("smtp"));
    assert!(failed.lease_until.is_none());
    let wait = failed.next_attempt_at - queued_at;
    assert!(
        wait >= Duration::seconds(59) && wait <= Duration::seconds(62),
        "first back-off is a minute: {wait}"
    );

    // Not due yet: no new attempt, even once the server is back.
    assert_eq!(deliver(&app).await, Report::default());
    sink.restart().await;
    assert_eq!(deliver(&app).await, Report::default());
    assert_eq!(row(&app, id).await.attempts, 1);
    assert!(sink.messages().is_empty());

    app.state().clock.advance(Duration::seconds(61));
    assert_eq!(deliver(&app).await.sent, 1);
    let sent = row(&app, id).await;
    assert_eq!(sent.status, "sent");
    assert_eq!(sent.attempts, 2);
    assert!(sent.last_error.is_none());
    assert!(sent.sent_at.is_some());

    app.state().clock.advance(Duration::hours(1));
    deliver(&app).await;
    assert_eq!(sink.messages().len(), 1, "delivered exactly once");
    assert_eq!(
        sink.messages()[0].subject(),
        "【講座受付】教室変更のお知らせ"
    );
}

#[rocket::async_test]
async fn a_mail_that_keeps_failing_is_marked_failed_for_staff_who_can_send_it_again() {
    let mut sink = SmtpSink::start().await;
    let app = app_with_smtp(&sink, 2).await;
    sink.stop();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let id = queue_one(&app, "taro@example.jp", "【講座受付】失敗するメール").await;
    assert_eq!(deliver(&app).await.retrying, 1);
    app.state().clock.advance(Duration::seconds(61));
    assert_eq!(deliver(&app).await.failed, 1);
    assert_eq!(row(&app, id).await.status, "failed");
    app.state().clock.advance(Duration::days(1));
    assert_eq!(
        deliver(&app).await,
        Report::default(),
        "failed stays failed"
    );

    let staff = app.account(Role::Staff).await;
    app.login_page(&staff).await;
    let (status, html) = get(&app, "/staff/mail-delivery").await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains("【講座受付】失敗するメール"));
    assert!(html.contains("送信失敗"));
    assert!(html.contains("smtp"), "the error is shown");
    let (status, _) = post(&app, &format!("/staff/mail-delivery/{id}/retry"), &[]).await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(row(&app, id).await.status, "pending");

    sink.restart().await;
    assert_eq!(deliver(&app).await.sent, 1);
    assert_eq!(sink.messages().len(), 1);
}

#[rocket::async_test]
async fn two_workers_delivering_at_once_send_every_mail_exactly_once() {
    let sink = SmtpSink::start().await;
    let (figment, data_dir) = test_figment().await;
    let figment = smtp_figment(figment, &sink, 8).merge(("db_max_connections", 8));
    let app = spawn_with(figment.clone(), data_dir).await;
    // On PostgreSQL the second worker is a second instance with its own pool.
    let second = if std::env::var("TEST_DATABASE_URL").is_ok() {
        Some(
            Client::tracked(kouza::rocket_from(figment))
                .await
                .expect("second instance"),
        )
    } else {
        None
    };
    let mut ids = vec![];
    for i in 0..24 {
        ids.push(
            queue_one(
                &app,
                &format!("p{i}@example.jp"),
                &format!("【講座受付】お知らせ {i}"),
            )
            .await,
        );
    }
    let first_state = app.state();
    let second_state = match &second {
        Some(client) => client.rocket().state::<AppState>().unwrap(),
        None => first_state,
    };
    let (a, b) = join(deliver_with(first_state), deliver_with(second_state)).await;
    assert_eq!(a.sent + b.sent, 24, "{a:?} {b:?}");
    let messages = sink.messages();
    assert_eq!(messages.len(), 24);
    let distinct: BTreeSet<String> = messages
        .iter()
        .map(|m| m.header("message-id").unwrap())
        .collect();
    assert_eq!(distinct.len(), 24, "no message twice");
    for id in ids {
        assert_eq!(row(&app, id).await.status, "sent");
    }
    assert_eq!(deliver(&app).await, Report::default());
}

#[rocket::async_test]
async fn a_mail_left_claimed_by_a_crashed_worker_waits_for_the_lease_then_goes_exactly_once() {
    let sink = SmtpSink::start().await;
    let app = app_with_smtp(&sink, 8).await;
    let id = queue_one(&app, "hanako@example.jp", "【講座受付】途中で止まった送信").await;
    // A worker claimed the row (as `deliver_due` does) and died before sending.
    let now = app.state().clock.now();
    mail_outbox::Entity::update_many()
        .col_expr(
            mail_outbox::Column::LeaseUntil,
            Expr::value(now + Duration::seconds(300)),
        )
        .filter(mail_outbox::COLUMN.id.eq(id))
        .exec(&app.state().db)
        .await
        .unwrap();

    assert_eq!(deliver(&app).await, Report::default());
    app.state().clock.advance(Duration::seconds(290));
    assert_eq!(deliver(&app).await, Report::default(), "lease still held");
    assert!(sink.messages().is_empty());

    app.state().clock.advance(Duration::seconds(20));
    assert_eq!(deliver(&app).await.sent, 1);
    app.state().clock.advance(Duration::seconds(600));
    assert_eq!(deliver(&app).await, Report::default());
    assert_eq!(sink.messages().len(), 1, "exactly once");
    assert_eq!(row(&app, id).await.status, "sent");
}

/// The one window left: the server accepted the message but the worker died
/// before marking it sent. The copy sent after the lease carries the same
/// Message-ID and Date, so the receiving side can drop it.
#[rocket::async_test]
async fn a_copy_sent_again_after_a_lost_sent_mark_has_the_same_message_id_and_date() {
    let sink = SmtpSink::start().await;
    let app = app_with_smtp(&sink, 8).await;
    let id = queue_one(&app, "hanako@example.jp", "【講座受付】同じメール").await;
    assert_eq!(deliver(&app).await.sent, 1);
    // Undo the "sent" mark, as if the process died right after the server's 250.
    let now = app.state().clock.now();
    mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::Status, Expr::value("pending"))
        .col_expr(
            mail_outbox::Column::LeaseUntil,
            Expr::value(now + Duration::seconds(300)),
        )
        .filter(mail_outbox::COLUMN.id.eq(id))
        .exec(&app.state().db)
        .await
        .unwrap();
    app.state().clock.advance(Duration::seconds(301));
    assert_eq!(deliver(&app).await.sent, 1);
    let messages = sink.messages();
    assert_eq!(messages.len(), 2);
    assert_eq!(
        messages[0].header("message-id"),
        messages[1].header("message-id")
    );
    assert_eq!(messages[0].header("date"), messages[1].header("date"));
}

#[rocket::async_test]
async fn without_smtp_configured_nothing_is_sent_and_staff_read_the_mail_in_the_outbox() {
    let app = spawn().await;
    let id = queue_one(&app, "hanako@example.jp", "【講座受付】読むだけのメール").await;
    assert_eq!(deliver(&app).await, Report::default());
    let kept = row(&app, id).await;
    assert_eq!((kept.status.as_str(), kept.attempts), ("pending", 0));
    let staff = app.account(Role::Staff).await;
    app.login_page(&staff).await;
    let (_, html) = get(&app, "/staff/outbox").await;
    assert!(html.contains("【講座受付】読むだけのメール"));
    let (status, html) = get(&app, "/staff/mail-delivery").await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains("メールサーバーが設定されていない"));
}

/// The token in the page that shows a new feed address.
fn feed_path(html: &str) -> String {
    let html = html.replace("&#x2F;", "/");
    let start = html.find("/calendar/").expect("a feed address on the page");
    let path = &html[start..start + "/calendar/".len() + 64 + ".ics".len()];
    assert!(path.ends_with(".ics"), "{path}");
    path.to_string()
}

struct Event {
    uid: String,
    dtstart: String,
    tzid: String,
    sequence: i64,
    status: String,
    location: String,
}

/// Parses a feed with the `ical` crate; panics when it is not iCalendar.
fn parse_feed(text: &str) -> Vec<Event> {
    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = calendars
        .next()
        .expect("one calendar")
        .expect("the feed parses as iCalendar");
    assert!(calendars.next().is_none());
    calendar
        .events
        .iter()
        .map(|event| {
            let value = |name: &str| {
                event
                    .properties
                    .iter()
                    .find(|p| p.name == name)
                    .and_then(|p| p.value.clone())
                    .unwrap_or_default()
            };
            let tzid = event
                .properties
                .iter()
                .find(|p| p.name == "DTSTART")
                .and_then(|p| p.params.as_ref())
                .and_then(|params| params.iter().find(|(k, _)| k == "TZID"))
                .map(|(_, v)| v.join(","))
                .unwrap_or_default();
            Event {
                uid: value("UID"),
                dtstart: value("DTSTART"),
                tzid,
                sequence: value("SEQUENCE").parse().expect("a SEQUENCE"),
                status: value("STATUS"),
                location: value("LOCATION"),
            }
        })
        .collect()
}

async fn feed(app: &TestApp, path: &str) -> (Status, Vec<Event>) {
    let response = app.client.get(path.to_string()).dispatch().await;
    let status = response.status();
    if status != Status::Ok {
        return (status, vec![]);
    }
    assert_eq!(
        response.content_type(),
        Some(ContentType::new("text", "calendar").with_params(("charset", "utf-8")))
    );
    let text = response.into_string().await.unwrap();
    (status, parse_feed(&text))
}

#[rocket::async_test]
async fn the_private_feed_parses_as_icalendar_and_shows_a_rescheduled_and_a_cancelled_session() {
    let app = spawn().await;
    let course = app.published_course(CourseSpec::default()).await;
    let staff = app.account(Role::Staff).await;
    let day = today_in_japan(&app) + Duration::days(10);
    let first = add_session(&app, staff.id, course.id, jst(day, 9, 30), None).await;
    let second = add_session(
        &app,
        staff.id,
        course.id,
        jst(day + Duration::days(7), 9, 30),
        None,
    )
    .await;
    let trainee = app.account(Role::Trainee).await;
    enroll(&app, course.id, trainee.id).await;

    app.login_page(&trainee).await;
    let (status, html) = get(&app, "/account/notifications").await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains("まだカレンダーのアドレスはありません"));
    let (status, html) = post(&app, "/account/calendar-feed", &[]).await;
    assert_eq!(status, Status::Ok);
    let path = feed_path(&html);
    // Shown once: the page afterwards does not carry it.
    let (_, again) = get(&app, "/account/notifications").await;
    assert!(!again.replace("&#x2F;", "/").contains(&path));

    let (status, events) = feed(&app, &path).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(events.len(), 2);
    let uid = |s: &session::Model| format!("session-{}@kouza", s.id);
    let before = events.iter().find(|e| e.uid == uid(&first)).unwrap();
    assert_eq!(before.tzid, "Asia/Tokyo");
    assert_eq!(before.dtstart, format!("{}T093000", day.format("%Y%m%d")));
    assert_eq!(before.status, "CONFIRMED");
    assert!(before.location.contains("2階研修室"));
    let first_sequence = before.sequence;

    // Staff move the first session to 13:00 the next day and cancel the second.
    app.state().clock.advance(Duration::minutes(5));
    let now = app.state().clock.now();
    let moved = jst(day + Duration::days(1), 13, 0);
    schedule::update(
        &app.state().db,
        staff.id,
        first.id,
        &SessionInput {
            starts_at: Some(moved),
            ends_at: Some(moved + Duration::hours(3)),
            subject_no: None,
            title: first.title.clone(),
            room: first.room.clone(),
            instructor_id: None,
            makeup_for: None,
        },
        now,
    )
    .await
    .unwrap();
    schedule::cancel(&app.state().db, staff.id, second.id, now)
        .await
        .unwrap();

    let (_, events) = feed(&app, &path).await;
    let after = events.iter().find(|e| e.uid == uid(&first)).unwrap();
    assert_eq!(
        after.dtstart,
        format!("{}T130000", (day + Duration::days(1)).format("%Y%m%d"))
    );
    assert!(after.sequence > first_sequence, "SEQUENCE went up");
    assert_eq!(after.status, "CONFIRMED");
    let cancelled = events.iter().find(|e| e.uid == uid(&second)).unwrap();
    assert_eq!(cancelled.status, "CANCELLED");

    // The trainee also got a mail for each (transactional).
    let kinds: Vec<String> = outbox_rows(&app)
        .await
        .into_iter()
        .filter(|m| m.to_address == trainee.email)
        .map(|m| m.kind)
        .collect();
    assert!(kinds.contains(&"session-changed".to_string()), "{kinds:?}");
    assert!(
        kinds.contains(&"session-cancelled".to_string()),
        "{kinds:?}"
    );

    // A new address ends the old one; revoking ends the new one.
    let (_, html) = post(&app, "/account/calendar-feed", &[]).await;
    let newer = feed_path(&html);
    assert_ne!(newer, path);
    assert_eq!(feed(&app, &path).await.0, Status::NotFound);
    assert_eq!(feed(&app, &newer).await.0, Status::Ok);
    let (status, _) = post(&app, "/account/calendar-feed/revoke", &[]).await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(feed(&app, &newer).await.0, Status::NotFound);
    assert_eq!(
        feed(&app, "/calendar/nonsense.ics").await.0,
        Status::NotFound
    );
}

#[rocket::async_test]
async fn an_instructors_feed_lists_the_sessions_they_teach() {
    let app = spawn().await;
    let course = app.published_course(CourseSpec::default()).await;
    let staff = app.account(Role::Staff).await;
    let instructor = app.account(Role::Instructor).await;
    let day = today_in_japan(&app) + Duration::days(3);
    let taught = add_session(
        &app,
        staff.id,
        course.id,
        jst(day, 10, 0),
        Some(instructor.id),
    )
    .await;
    add_session(&app, staff.id, course.id, jst(day, 14, 0), None).await;
    let token =
        notifications::feeds::create(&app.state().db, instructor.id, app.state().clock.now())
            .await
            .unwrap();
    let (status, events) = feed(&app, &format!("/calendar/{token}.ics")).await;
    assert_eq!(status, Status::Ok);
    let uids: Vec<&str> = events.iter().map(|e| e.uid.as_str()).collect();
    assert_eq!(uids, [format!("session-{}@kouza", taught.id)]);
}

async fn opt_out_of_reminders(app: &TestApp, person: &Account) {
    app.login_page(person).await;
    // Unchecked boxes are simply absent from the form.
    let (status, _) = post(app, "/account/notifications", &[("announcements", "on")]).await;
    assert_eq!(status, Status::SeeOther);
    let (_, html) = get(app, "/account/notifications").await;
    assert!(html.contains(r#"name="announcements" type="checkbox" value="on" checked"#));
    assert!(!html.contains(r#"name="reminders" type="checkbox" value="on" checked"#));
}

#[rocket::async_test]
async fn turning_reminders_off_stops_the_reminder_but_not_the_mail_about_a_cancelled_session() {
    let app = spawn().await;
    let course = app.published_course(CourseSpec::default()).await;
    let staff = app.account(Role::Staff).await;
    let today = today_in_japan(&app);
    let tomorrow_session = add_session(
        &app,
        staff.id,
        course.id,
        jst(today + Duration::days(1), 10, 0),
        None,
    )
    .await;
    let later = add_session(
        &app,
        staff.id,
        course.id,
        jst(today + Duration::days(5), 10, 0),
        None,
    )
    .await;
    let keeps = app.account(Role::Trainee).await;
    let stops = app.account(Role::Trainee).await;
    enroll(&app, course.id, keeps.id).await;
    enroll(&app, course.id, stops.id).await;
    opt_out_of_reminders(&app, &stops).await;
    assert_eq!(
        notifications::preferences(&app.state().db, stops.id)
            .await
            .unwrap(),
        Preferences {
            reminders: false,
            announcements: true
        }
    );
    let reminders = |app: &TestApp| {
        let db = app.state().db.clone();
        async move {
            mail_outbox::Entity::find()
                .filter(mail_outbox::COLUMN.kind.eq("session-reminder"))
                .all(&db)
                .await
                .unwrap()
        }
    };
    let state = app.state();

    // Before the reminder hour (09:00 in Japan) nothing goes.
    let early = jst(today, 8, 0);
    assert_eq!(
        notifications::send_reminders(&state.db, &state.config, early)
            .await
            .unwrap(),
        0
    );
    // Two instances running the job at the same moment queue it once between them.
    let noon = jst(today, 12, 0);
    let (a, b) = join(
        notifications::send_reminders(&state.db, &state.config, noon),
        notifications::send_reminders(&state.db, &state.config, noon),
    )
    .await;
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    let sent = reminders(&app).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to_address, keeps.email);
    assert_eq!(
        sent[0].subject,
        "【講座受付】明日の講座のご案内：はじめての家族介護講座"
    );
    assert!(sent[0].body_text.contains("介護の基本"));
    assert!(sent[0].body_text.contains("10:00〜13:00"));
    // Once per enrollment and session, however often the job runs.
    let evening = jst(today, 20, 0);
    assert_eq!(
        notifications::send_reminders(&state.db, &state.config, evening)
            .await
            .unwrap(),
        0
    );
    assert_eq!(reminders(&app).await.len(), 1);
    let _ = later;

    // Transactional mail still reaches the person who turned reminders off.
    schedule::cancel(&state.db, staff.id, tomorrow_session.id, state.clock.now())
        .await
        .unwrap();
    let cancelled: Vec<String> = outbox_rows(&app)
        .await
        .into_iter()
        .filter(|m| m.kind == "session-cancelled")
        .map(|m| m.to_address)
        .collect();
    assert!(cancelled.contains(&stops.email), "{cancelled:?}");
    assert!(cancelled.contains(&keeps.email), "{cancelled:?}");
    // Cancelling twice tells nobody twice.
    schedule::cancel(&state.db, staff.id, tomorrow_session.id, state.clock.now())
        .await
        .unwrap();
    let count = outbox_rows(&app)
        .await
        .into_iter()
        .filter(|m| m.kind == "session-cancelled")
        .count();
    assert_eq!(count, 2);
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html.find(&marker).expect("hidden field") + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

#[rocket::async_test]
async fn a_broadcast_is_previewed_with_its_text_and_count_then_queues_one_mail_per_recipient_once()
{
    let app = spawn().await;
    let course = app
        .published_course(CourseSpec {
            capacity: 2,
            ..Default::default()
        })
        .await;
    let mut people = vec![];
    for _ in 0..5 {
        let person = app.account(Role::Trainee).await;
        enroll(&app, course.id, person.id).await;
        people.push(person);
    }
    // Two seats taken, three waitlisted; one of those turned announcements off.
    let state = app.state();
    notifications::set_preferences(
        &state.db,
        people[4].id,
        Preferences {
            reminders: true,
            announcements: false,
        },
        state.clock.now(),
    )
    .await
    .unwrap();
    let before = outbox_rows(&app).await.len();

    let trainee = &people[0];
    app.login_page(trainee).await;
    let (status, _) = get(&app, &format!("/staff/courses/{}/message", course.id)).await;
    assert_eq!(status, Status::Forbidden);

    let staff = app.account(Role::Staff).await;
    app.login_page(&staff).await;
    let (status, html) = get(&app, &format!("/staff/courses/{}/message", course.id)).await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains(r#"value="unpaid""#), "unpaid is a choice");

    let (status, html) = post(
        &app,
        &format!("/staff/courses/{}/message/preview", course.id),
        &[
            ("audience", "waitlisted"),
            ("subject", ""),
            ("body", "本文"),
        ],
    )
    .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(html.contains("件名を入力してください"));

    let text = "空席が出た場合は、このメールでお知らせします。";
    let (status, html) = post(
        &app,
        &format!("/staff/courses/{}/message/preview", course.id),
        &[
            ("audience", "waitlisted"),
            ("subject", "キャンセル待ちの状況"),
            ("body", text),
        ],
    )
    .await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains(text), "the text is shown");
    assert!(html.contains("2 名にメールを送ります"), "recipient count");
    assert!(html.contains("お知らせメールを止めている 1 名"));
    assert!(html.contains("【講座受付】キャンセル待ちの状況（はじめての家族介護講座）"));
    assert_eq!(
        outbox_rows(&app).await.len(),
        before,
        "a preview sends nothing"
    );
    let nonce = hidden(&html, "nonce");

    let fields = [
        ("audience", "waitlisted"),
        ("subject", "キャンセル待ちの状況"),
        ("body", text),
        ("nonce", nonce.as_str()),
    ];
    let path = format!("/staff/courses/{}/message", course.id);
    let (status, _) = post(&app, &path, &fields).await;
    assert_eq!(status, Status::SeeOther);
    let sent: Vec<mail_outbox::Model> = outbox_rows(&app)
        .await
        .into_iter()
        .filter(|m| m.kind == "announcement")
        .collect();
    let to: BTreeSet<&str> = sent.iter().map(|m| m.to_address.as_str()).collect();
    assert_eq!(
        to,
        BTreeSet::from([people[2].email.as_str(), people[3].email.as_str()])
    );
    assert!(sent.iter().all(|m| m.body_text.contains(text)));

    // The same preview sent again (a double click) queues nothing more.
    let (status, _) = post(&app, &path, &fields).await;
    assert_eq!(status, Status::Conflict);
    assert_eq!(outbox_rows(&app).await.len(), before + 2);

    // Everyone enrolled: the two seated and the two waitlisted who take announcements.
    let (_, html) = post(
        &app,
        &format!("/staff/courses/{}/message/preview", course.id),
        &[
            ("audience", "all"),
            ("subject", "会場について"),
            ("body", "会場は2階です。"),
        ],
    )
    .await;
    assert!(html.contains("4 名にメールを送ります"));

    // Unpaid: a seat held with the fee still to pay.
    kouza::entities::enrollment::Entity::update_many()
        .col_expr(
            kouza::entities::enrollment::Column::Status,
            Expr::value("pending_payment"),
        )
        .filter(kouza::entities::enrollment::COLUMN.user_id.eq(people[0].id))
        .exec(&state.db)
        .await
        .unwrap();
    let (_, html) = post(
        &app,
        &format!("/staff/courses/{}/message/preview", course.id),
        &[
            ("audience", "unpaid"),
            ("subject", "お支払いのお願い"),
            ("body", "期限までにお支払いください。"),
        ],
    )
    .await;
    assert!(html.contains("1 名にメールを送ります"));
}

#[rocket::async_test]
async fn a_certificate_notice_links_to_the_certificate_in_the_trainees_language() {
    let app = spawn().await;
    let course = app.published_course(CourseSpec::default()).await;
    let trainee = app.account(Role::Trainee).await;
    let state = app.state();
    kouza::services::accounts::set_locale(&state.db, trainee.id, Lang::En, state.clock.now())
        .await
        .unwrap();
    let enrolled = enroll(&app, course.id, trainee.id).await;
    notifications::notify_certificate_issued(
        &state.db,
        enrolled.id,
        "K-2026-0001",
        "https://kouza.example.jp/certificates/abc",
        state.clock.now(),
    )
    .await
    .unwrap();
    let mail = outbox_rows(&app)
        .await
        .into_iter()
        .find(|m| m.kind == "certificate-ready")
        .unwrap();
    assert_eq!(mail.to_address, trainee.email);
    assert!(mail
        .subject
        .starts_with("[Courses] Your certificate is ready"));
    assert!(mail
        .body_text
        .contains("https://kouza.example.jp/certificates/abc"));
    assert!(mail.body_text.contains("K-2026-0001"));
}

#[rocket::async_test]
async fn the_notification_pages_speak_japanese_and_english_without_a_missing_message() {
    let app = spawn().await;
    let course = app.published_course(CourseSpec::default()).await;
    let staff = app.account(Role::Staff).await;
    let state = app.state();
    queue_one(&app, "hanako@example.jp", "【講座受付】テスト").await;
    for lang in [Lang::Ja, Lang::En] {
        kouza::services::accounts::set_locale(&state.db, staff.id, lang, state.clock.now())
            .await
            .unwrap();
        app.login_page(&staff).await;
        let mut pages = vec![];
        for path in [
            "/account/notifications".to_string(),
            format!("/staff/courses/{}/message", course.id),
            "/staff/mail-delivery".to_string(),
        ] {
            let (status, html) = get(&app, &path).await;
            assert_eq!(status, Status::Ok, "{path}");
            pages.push(html);
        }
        let (status, html) = post(
            &app,
            &format!("/staff/courses/{}/message/preview", course.id),
            &[("audience", "all"), ("subject", "件名"), ("body", "本文")],
        )
        .await;
        assert_eq!(status, Status::Ok);
        pages.push(html);
        let (status, html) = post(&app, "/account/calendar-feed", &[]).await;
        assert_eq!(status, Status::Ok);
        pages.push(html);
        for html in &pages {
            for prefix in ["notif-", "broadcast-", "delivery-", "mail-footer"] {
                assert!(
                    !html.contains(prefix),
                    "a raw message id {prefix}… in {lang:?}"
                );
            }
        }
        let english = pages.iter().all(|p| p.contains("<html lang=\"en\""));
        assert_eq!(english, lang == Lang::En);
    }
}

#[rocket::async_test]
async fn the_api_reads_and_changes_the_same_mail_preferences_as_the_account_page() {
    let app = spawn().await;
    let person = app.account(Role::Trainee).await;
    let bearer = app.bearer(&person).await;
    let response = app
        .client
        .get("/api/v1/me/mail-preferences")
        .header(bearer.clone())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(
        app.json(response).await,
        serde_json::json!({"reminders": true, "announcements": true})
    );
    let response = app
        .client
        .put("/api/v1/me/mail-preferences")
        .header(bearer.clone())
        .header(ContentType::JSON)
        .body(r#"{"reminders": false, "announcements": true}"#)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    app.login_page(&person).await;
    let (_, html) = get(&app, "/account/notifications").await;
    assert!(!html.contains(r#"name="reminders" type="checkbox" value="on" checked"#));
    let anonymous = app
        .client
        .get("/api/v1/me/mail-preferences")
        .dispatch()
        .await;
    assert_eq!(anonymous.status(), Status::Unauthorized);
}

#[rocket::async_test]
async fn an_edit_that_changes_neither_time_nor_room_mails_nobody_and_a_moved_session_mails_once() {
    let app = spawn().await;
    let course = app.published_course(CourseSpec::default()).await;
    let staff = app.account(Role::Staff).await;
    let day = today_in_japan(&app) + Duration::days(4);
    let at = add_session(&app, staff.id, course.id, jst(day, 9, 30), None).await;
    let trainee = app.account(Role::Trainee).await;
    enroll(&app, course.id, trainee.id).await;
    let state = app.state();
    let edit = |title: &str, starts_at: DateTime<Utc>| SessionInput {
        starts_at: Some(starts_at),
        ends_at: Some(starts_at + Duration::hours(3)),
        subject_no: None,
        title: Some(title.to_string()),
        room: at.room.clone(),
        instructor_id: None,
        makeup_for: None,
    };
    let changes = || async {
        outbox_rows(&app)
            .await
            .into_iter()
            .filter(|m| m.kind == "session-changed")
            .collect::<Vec<_>>()
    };
    schedule::update(
        &state.db,
        staff.id,
        at.id,
        &edit("介護の基本（改）", at.starts_at),
        state.clock.now(),
    )
    .await
    .unwrap();
    assert!(changes().await.is_empty(), "a new title is no news");
    let later = jst(day, 13, 0);
    schedule::update(
        &state.db,
        staff.id,
        at.id,
        &edit("介護の基本（改）", later),
        state.clock.now(),
    )
    .await
    .unwrap();
    let mails = changes().await;
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].body_text.contains("13:00〜16:00"),
        "{}",
        mails[0].body_text
    );
    assert!(
        mails[0].body_text.contains("09:30〜12:30"),
        "the old time too"
    );
    schedule::update(
        &state.db,
        staff.id,
        at.id,
        &edit("介護の基本", later),
        state.clock.now(),
    )
    .await
    .unwrap();
    assert_eq!(changes().await.len(), 1, "nothing new to tell");
}

#[rocket::async_test]
async fn many_large_mails_queued_at_once_all_arrive_whole_and_in_order() {
    use sea_orm::ColumnTrait;
    let app = crate::helpers::spawn().await;
    let db = &app.state().db;
    let now = app.state().clock.now();
    let kind = crate::helpers::unique("bulk");
    // 40 mails of 3 KiB: several statements' worth (`db::STATEMENT_BYTES`).
    let bodies: Vec<String> = (0..40)
        .map(|i| format!("{i:03}{}", "あ".repeat(1000)))
        .collect();
    let mails = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| {
            let mail = Mail {
                kind: &kind,
                to: "bulk@example.jp",
                subject: format!("件名 {i}"),
                body: body.clone(),
            };
            (mail, now)
        })
        .collect();
    outbox::enqueue_many(db, mails).await.unwrap();
    let queued: Vec<String> = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::Kind.eq(kind.as_str()))
        .order_by_asc(mail_outbox::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.body_text)
        .collect();
    assert_eq!(queued, bodies);
}
