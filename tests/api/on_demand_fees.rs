//! Fees charged when a service is used: a 補講 offered to a trainee adds the
//! course's make-up fee to what they owe, once per booking; the enrollment
//! price never includes it.
use chrono::Duration;
use kouza::domain::completion::Mark;
use kouza::domain::course::CourseKind;
use kouza::domain::Role;
use kouza::services::attendance::{self, MarkInput, Viewer};
use kouza::services::schedule::{self, SessionInput};
use kouza::services::{enrollment, payments};

use crate::catalog_pages::enroll_directly;
use crate::helpers::{spawn, CourseSpec};

#[rocket::async_test]
async fn a_make_up_offered_charges_the_make_up_fee_once_and_enrollment_does_not() {
    let app = spawn().await;
    let state = app.state();
    let db = &state.db;
    let staff = app.account(Role::Staff).await;
    let course = app
        .published_course(CourseSpec {
            kind: CourseKind::Helper,
            starts_in_days: 7,
            ..Default::default()
        })
        .await;
    let fees = [
        ("general".to_string(), "tuition".to_string(), 50_000),
        ("general".to_string(), "makeup".to_string(), 3_000),
    ];
    kouza::services::catalog::set_fees(db, course.id, &fees)
        .await
        .unwrap();
    let now = state.clock.now();
    let first = schedule::add(
        db,
        staff.id,
        course.id,
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
    let trainee = app.account(Role::Trainee).await;
    let row = enroll_directly(&app, course.id, trainee.id).await;
    assert_eq!(
        row.amount_due_yen, 50_000,
        "the make-up fee is not in the price"
    );

    attendance::save_roster(
        db,
        first.id,
        Viewer {
            id: staff.id,
            is_staff: true,
        },
        &[MarkInput {
            enrollment_id: row.id,
            mark: Mark::Absent,
            minutes: None,
            late_minutes: 0,
            note: String::new(),
        }],
        None,
        now,
    )
    .await
    .unwrap();
    let makeup = schedule::add(
        db,
        staff.id,
        course.id,
        &SessionInput {
            starts_at: Some(now + Duration::days(10)),
            ends_at: Some(now + Duration::days(10) + Duration::hours(6)),
            subject_no: Some(1),
            room: "補講室B".into(),
            makeup_for: Some(first.id),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    let before = payments::balance(db, &row).await.unwrap();
    for _ in 0..2 {
        attendance::offer_makeup(db, makeup.id, course.id, staff.id, now)
            .await
            .unwrap();
    }
    let row = enrollment::find(db, row.id).await.unwrap();
    let after = payments::balance(db, &row).await.unwrap();
    assert_eq!(
        after.due_yen - before.due_yen,
        3_000,
        "{before:?} → {after:?}"
    );
    let charges: Vec<_> = payments::entries(db, row.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "charge" && e.note == attendance::MAKEUP_FEE_NOTE)
        .collect();
    assert_eq!(charges.len(), 1);
}
