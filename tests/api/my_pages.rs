//! My page: the trainee's enrollments, cancelling with a confirmation step,
//! accepting an offered seat, and the schedule as a calendar file.
use chrono::Duration;
use kouza::domain::Role;
use kouza::services::enrollment::{self, Actor};
use rocket::http::{ContentType, Status};

use crate::catalog_pages::{course, enroll_directly, get, session, staff, Spec};
use crate::helpers::{spawn, TestApp};

async fn status_of(app: &TestApp, id: i64) -> String {
    enrollment::find(&app.state().db, id).await.unwrap().status
}

async fn post(
    app: &TestApp,
    path: &str,
    extra: &[(&str, &str)],
) -> (Status, Option<String>, String) {
    let csrf = app.csrf().await;
    let mut fields = vec![("csrf_token", csrf.as_str())];
    fields.extend_from_slice(extra);
    let response = app.post_form(path, &fields).await;
    let status = response.status();
    let location = response.headers().get_one("Location").map(str::to_string);
    (
        status,
        location,
        response.into_string().await.unwrap_or_default(),
    )
}

#[rocket::async_test]
async fn my_page_needs_a_login() {
    let app = spawn().await;
    let (status, html) = get(&app, "/my").await;
    assert_eq!(status, Status::Unauthorized);
    assert!(html.contains("/login?next=%2Fmy"));
}

#[rocket::async_test]
async fn my_page_lists_the_enrollment_with_its_next_session_and_a_calendar_link() {
    let app = spawn().await;
    let staff = staff(&app).await;
    let c = course(&app, staff.id, Spec::default()).await;
    session(&app, staff.id, &c).await;
    let trainee = app.account(Role::Trainee).await;
    let row = enroll_directly(&app, c.id, trainee.id).await;
    app.login_page(&trainee).await;
    let (status, html) = get(&app, "/my").await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains("はじめての家族介護講座"));
    assert!(html.contains("受講確定"));
    let first_day = kouza::domain::wareki::format_seireki(c.starts_on);
    assert!(
        html.contains(&format!("{first_day}（")) && html.contains("09:30"),
        "next session"
    );
    assert!(html.contains(&format!("/my/enrollments/{}/schedule.ics", row.id)));
    assert!(html.contains(&format!("/my/enrollments/{}/cancel", row.id)));
}

#[rocket::async_test]
async fn cancelling_from_my_page_asks_for_confirmation_first() {
    let app = spawn().await;
    let staff = staff(&app).await;
    let c = course(&app, staff.id, Spec::default()).await;
    let trainee = app.account(Role::Trainee).await;
    let row = enroll_directly(&app, c.id, trainee.id).await;
    app.login_page(&trainee).await;
    let path = format!("/my/enrollments/{}/cancel", row.id);

    let (status, _, html) = post(&app, &path, &[]).await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains("キャンセルの確認"));
    assert!(html.contains("「はじめての家族介護講座」へのお申し込みをキャンセルします。"));
    assert!(
        html.contains("開始7日前まで全額返金します。"),
        "the policy is quoted"
    );
    assert!(html.contains(r#"name="confirm" value="yes""#));
    assert_eq!(
        status_of(&app, row.id).await,
        "confirmed",
        "nothing happened yet"
    );

    let (status, location, _) = post(&app, &path, &[("confirm", "yes")]).await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(location.as_deref(), Some("/my"));
    assert_eq!(status_of(&app, row.id).await, "cancelled");
    let (_, my) = get(&app, "/my").await;
    assert!(my.contains("お申し込みをキャンセルしました。"));
    assert!(
        my.contains("キャンセル済み"),
        "listed under earlier applications"
    );
    let seats = kouza::services::catalog::find(&app.state().db, c.id)
        .await
        .unwrap()
        .seats_taken;
    assert_eq!(seats, 0);
}

#[rocket::async_test]
async fn after_the_cancellation_deadline_my_page_says_so_and_a_cancel_attempt_returns_with_an_error(
) {
    let app = spawn().await;
    let staff = staff(&app).await;
    let c = course(
        &app,
        staff.id,
        Spec {
            starts_in_days: 2,
            cancellation_deadline_days: 3,
            ..Spec::default()
        },
    )
    .await;
    let trainee = app.account(Role::Trainee).await;
    let row = enroll_directly(&app, c.id, trainee.id).await;
    app.login_page(&trainee).await;
    let (_, my) = get(&app, "/my").await;
    assert!(my.contains("キャンセル期限を過ぎています"));
    assert!(!my.contains(&format!("/my/enrollments/{}/cancel", row.id)));

    let path = format!("/my/enrollments/{}/cancel", row.id);
    for extra in [&[][..], &[("confirm", "yes")][..]] {
        let (status, location, _) = post(&app, &path, extra).await;
        assert_eq!(status, Status::SeeOther);
        assert_eq!(location.as_deref(), Some("/my"));
        let (_, my) = get(&app, "/my").await;
        assert!(my.contains("flash-error"), "an error flash");
        assert!(my.contains("キャンセル期限を過ぎています。事務局へご連絡ください。"));
    }
    assert_eq!(status_of(&app, row.id).await, "confirmed");
}

/// A one-seat course: the first trainee holds the seat, the second waits;
/// cancelling the first offers the seat to the second.
async fn offered(app: &TestApp) -> (crate::helpers::Account, i64) {
    let staff = staff(app).await;
    let c = course(
        app,
        staff.id,
        Spec {
            capacity: 1,
            ..Spec::default()
        },
    )
    .await;
    let first = app.account(Role::Trainee).await;
    let held = enroll_directly(app, c.id, first.id).await;
    let second = app.account(Role::Trainee).await;
    let waiting = enroll_directly(app, c.id, second.id).await;
    assert_eq!(waiting.status, "waitlisted");
    let state = app.state();
    let owner = Actor {
        id: first.id,
        is_staff: false,
    };
    enrollment::cancel(&state.db, held.id, owner, None, state.clock.now())
        .await
        .unwrap();
    assert_eq!(status_of(app, waiting.id).await, "offered");
    (second, waiting.id)
}

#[rocket::async_test]
async fn an_offered_seat_is_accepted_from_my_page() {
    let app = spawn().await;
    let (trainee, id) = offered(&app).await;
    app.login_page(&trainee).await;
    let (_, my) = get(&app, "/my").await;
    assert!(my.contains("空席のご案内中"));
    assert!(
        my.contains("までに参加を確定してください"),
        "the deadline is shown"
    );
    assert!(my.contains(&format!("/my/enrollments/{id}/accept")));

    let (status, location, _) = post(&app, &format!("/my/enrollments/{id}/accept"), &[]).await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(location.as_deref(), Some("/my"));
    assert_eq!(status_of(&app, id).await, "confirmed");
    let (_, my) = get(&app, "/my").await;
    assert!(my.contains("空席のご案内をお受けしました（受講確定）"));
}

#[rocket::async_test]
async fn accepting_an_expired_offer_returns_to_my_page_with_an_error() {
    let app = spawn().await;
    let (trainee, id) = offered(&app).await;
    app.state().clock.advance(Duration::hours(49));
    app.login_page(&trainee).await;
    let (_, my) = get(&app, "/my").await;
    assert!(
        !my.contains(&format!("/my/enrollments/{id}/accept")),
        "no button for an expired offer"
    );
    let (status, location, _) = post(&app, &format!("/my/enrollments/{id}/accept"), &[]).await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(location.as_deref(), Some("/my"));
    let (_, my) = get(&app, "/my").await;
    assert!(my.contains("空席のご案内は期限切れか、すでに終了しています。"));
    assert_eq!(status_of(&app, id).await, "offered");
}

#[rocket::async_test]
async fn another_trainees_enrollment_is_not_found_for_accept_cancel_and_calendar() {
    let app = spawn().await;
    let (owner, id) = offered(&app).await;
    let _ = owner;
    let stranger = app.account(Role::Trainee).await;
    app.login_page(&stranger).await;
    for (path, extra) in [
        (format!("/my/enrollments/{id}/accept"), &[][..]),
        (format!("/my/enrollments/{id}/cancel"), &[][..]),
        (
            format!("/my/enrollments/{id}/cancel"),
            &[("confirm", "yes")][..],
        ),
    ] {
        let (status, _, html) = post(&app, &path, extra).await;
        assert_eq!(status, Status::NotFound, "POST {path} {extra:?}");
        assert!(html.contains("ページが見つかりません"));
    }
    let (status, _) = get(&app, &format!("/my/enrollments/{id}/schedule.ics")).await;
    assert_eq!(status, Status::NotFound);
    assert_eq!(status_of(&app, id).await, "offered", "nothing changed");
    let (_, my) = get(&app, "/my").await;
    assert!(!my.contains(&format!("enrollment-{id}")));
}

#[rocket::async_test]
async fn my_actions_need_the_csrf_token() {
    let app = spawn().await;
    let (trainee, id) = offered(&app).await;
    app.login_page(&trainee).await;
    app.csrf().await;
    let response = app
        .client
        .post(format!("/my/enrollments/{id}/accept"))
        .header(ContentType::Form)
        .body(format!("csrf_token={}", "f".repeat(64)))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Forbidden);
    assert_eq!(status_of(&app, id).await, "offered");
}

#[rocket::async_test]
async fn the_enrollment_calendar_is_valid_icalendar_with_the_session() {
    let app = spawn().await;
    let staff = staff(&app).await;
    let c = course(&app, staff.id, Spec::default()).await;
    let s = session(&app, staff.id, &c).await;
    let trainee = app.account(Role::Trainee).await;
    let row = enroll_directly(&app, c.id, trainee.id).await;
    app.login_page(&trainee).await;
    let response = app
        .client
        .get(format!("/my/enrollments/{}/schedule.ics", row.id))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(
        response.content_type(),
        Some(ContentType::new("text", "calendar").with_params(("charset", "utf-8")))
    );
    let ics = response.into_string().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert!(
        !ics.replace("\r\n", "").contains('\n'),
        "every line ends in CRLF"
    );
    assert!(ics.lines().all(|l| l.len() <= 76), "lines are folded");
    let unfolded = ics.replace("\r\n ", "");
    assert!(unfolded.contains(&format!("UID:session-{}@kouza\r\n", s.id)));
    let day = c.starts_on.format("%Y%m%d");
    assert!(unfolded.contains(&format!("DTSTART;TZID=Asia/Tokyo:{day}T093000\r\n")));
    assert!(unfolded.contains(&format!("DTEND;TZID=Asia/Tokyo:{day}T120000\r\n")));
    assert!(unfolded.contains("SUMMARY:はじめての家族介護講座"));
    assert!(unfolded.contains("STATUS:CONFIRMED"));
    assert_eq!(unfolded.matches("BEGIN:VEVENT").count(), 1);

    // After cancelling, the same feed tells calendars to drop the class days.
    let owner = Actor {
        id: trainee.id,
        is_staff: false,
    };
    enrollment::cancel(
        &app.state().db,
        row.id,
        owner,
        None,
        app.state().clock.now(),
    )
    .await
    .unwrap();
    let (_, ics) = get(&app, &format!("/my/enrollments/{}/schedule.ics", row.id)).await;
    assert!(ics.contains("STATUS:CANCELLED") && !ics.contains("STATUS:CONFIRMED"));
}
