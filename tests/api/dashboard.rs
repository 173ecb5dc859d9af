//! The staff dashboard: each part counts what the records hold and links to
//! the list behind it; trainees and instructors cannot open it.
use chrono::Duration;
use kouza::domain::completion::Mark;
use kouza::domain::course::CourseKind;
use kouza::domain::Role;
use kouza::entities::mail_outbox;
use kouza::services::attendance::{self, MarkInput, Viewer};
use kouza::services::schedule::{self, SessionInput};
use kouza::services::{bank_import, outbox};
use rocket::http::Status;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

use crate::catalog_pages::{enroll_directly, get};
use crate::helpers::{spawn, CourseSpec};

#[rocket::async_test]
async fn the_dashboard_counts_seats_waitlists_approvals_risks_transfers_and_failed_mail() {
    let app = spawn().await;
    let state = app.state();
    let staff = app.account(Role::Staff).await;

    // A helper course under way, where one trainee missed the first subject
    // (職務の理解, all six hours in one session).
    let helper = app
        .published_course(CourseSpec {
            kind: CourseKind::Helper,
            starts_in_days: 7,
            ..Default::default()
        })
        .await;
    let now = state.clock.now();
    let first = schedule::add(
        &state.db,
        staff.id,
        helper.id,
        &SessionInput {
            starts_at: Some(now - Duration::hours(7)),
            ends_at: Some(now - Duration::hours(1)),
            subject_no: Some(1),
            room: "研修室A".into(),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    let absent = app.account(Role::Trainee).await;
    let present = app.account(Role::Trainee).await;
    let absent_row = enroll_directly(&app, helper.id, absent.id).await;
    let present_row = enroll_directly(&app, helper.id, present.id).await;
    let marks = [
        (absent_row.id, Mark::Absent),
        (present_row.id, Mark::Present),
    ]
    .map(|(enrollment_id, mark)| MarkInput {
        enrollment_id,
        mark,
        minutes: None,
        late_minutes: 0,
        note: String::new(),
    });
    attendance::save_roster(
        &state.db,
        first.id,
        Viewer {
            id: staff.id,
            is_staff: true,
        },
        &marks,
        None,
        now,
    )
    .await
    .unwrap();
    // A week on, the course is under way and that subject's session is long over.
    state.clock.advance(Duration::days(8));
    let now = state.clock.now();
    // The course goes on: the other subjects are still to come.
    schedule::add(
        &state.db,
        staff.id,
        helper.id,
        &SessionInput {
            starts_at: Some(now + Duration::days(3)),
            ends_at: Some(now + Duration::days(3) + Duration::hours(3)),
            subject_no: Some(2),
            room: "研修室A".into(),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();

    // A full community course starting soon, with one person waitlisted.
    let soon = app
        .published_course(CourseSpec {
            capacity: 1,
            starts_in_days: 10,
            ..Default::default()
        })
        .await;
    for _ in 0..2 {
        let t = app.account(Role::Trainee).await;
        enroll_directly(&app, soon.id, t.id).await;
    }
    // A course that needs approval, with one application waiting.
    let approval = app
        .published_course(CourseSpec {
            approval: true,
            starts_in_days: 20,
            ..Default::default()
        })
        .await;
    let applicant = app.account(Role::Trainee).await;
    let waiting = enroll_directly(&app, approval.id, applicant.id).await;
    // A course far off is not "starting soon".
    let later = app
        .published_course(CourseSpec {
            starts_in_days: 90,
            ..Default::default()
        })
        .await;

    bank_import::import(
        &state.db,
        "日付,振込依頼人名,金額\n2026-04-01,ﾀﾞﾚｶ ｼﾗﾅｲ,12345\n",
        staff.id,
        now,
    )
    .await
    .unwrap();
    let mail = outbox::enqueue(
        &state.db,
        outbox::Mail {
            kind: "test",
            to: "nobody@example.jp",
            subject: "件名".into(),
            body: "本文".into(),
        },
        now,
    )
    .await
    .unwrap();
    let row = mail_outbox::Entity::find_by_id(mail)
        .one(&state.db)
        .await
        .unwrap()
        .unwrap();
    let mut row: mail_outbox::ActiveModel = row.into();
    row.status = Set("failed".into());
    row.update(&state.db).await.unwrap();

    app.login_page(&staff).await;
    let (status, page) = get(&app, "/staff/dashboard").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("承認待ちの申込 1 件"), "{page}");
    assert!(page.contains("注意が必要な受講者 1 名"), "{page}");
    assert!(page.contains("未照合の振込 1 件"), "{page}");
    assert!(page.contains("送信できなかったメール 1 通"), "{page}");

    let upcoming = page
        .split(&format!("id=\"upcoming-{}\"", soon.id))
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .expect("the full course is listed as starting soon");
    assert!(upcoming.contains("満席"), "{upcoming}");
    assert!(
        upcoming.contains(&format!(
            "/staff/courses/{}/enrollments?status=waitlisted\">1</a>",
            soon.id
        )),
        "{upcoming}"
    );
    assert!(!page.contains(&format!("id=\"upcoming-{}\"", later.id)));

    assert!(page.contains(&format!("href=\"/staff/enrollments/{}\"", waiting.id)));
    assert!(page.contains(&format!("id=\"risk-{}\"", absent_row.id)));
    assert!(!page.contains(&format!("id=\"risk-{}\"", present_row.id)));
}

#[rocket::async_test]
async fn only_staff_open_the_dashboard() {
    let app = spawn().await;
    let (status, _) = get(&app, "/staff/dashboard").await;
    assert_eq!(status, Status::Unauthorized);
    for role in [Role::Trainee, Role::Instructor] {
        let who = app.account(role).await;
        app.login_page(&who).await;
        let (status, _) = get(&app, "/staff/dashboard").await;
        assert_eq!(status, Status::Forbidden, "{role:?}");
    }
    let admin = app.account(Role::Admin).await;
    app.login_page(&admin).await;
    let (status, page) = get(&app, "/staff/dashboard").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("承認待ちの申込 0 件"));
}
