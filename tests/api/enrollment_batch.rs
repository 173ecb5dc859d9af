//! The batch path of online enrollments (`enrollment_batch`) against the
//! path of one application at a time: the same mixed batch, run once each way
//! on two identical sets of courses, must give the same answers, rows,
//! events, mails and waitlist places — and so must the fallback when the
//! fast path fails at the database.
use chrono::{DateTime, Utc};
use kouza::entities::{enrollment, enrollment_event, mail_outbox};
use kouza::services::enrollment::{Applicant, Enrolled};
use kouza::services::enrollment_batch::{enroll_all, one_by_one, together, OnlineApplication};
use kouza::test_faults::{switch_off, Protection};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::helpers::{spawn, CourseSpec, TestApp};

/// The courses of one run: open with a waitlist (2 seats), full without a
/// waitlist (1 seat), paid (5,000 yen), needing approval.
struct Courses {
    ids: [i64; 4],
    codes: [String; 4],
}

async fn courses(app: &TestApp) -> Courses {
    let specs = [
        CourseSpec {
            capacity: 2,
            ..Default::default()
        },
        CourseSpec {
            capacity: 1,
            waitlist: false,
            ..Default::default()
        },
        CourseSpec::default(),
        CourseSpec {
            approval: true,
            ..Default::default()
        },
    ];
    let mut made = vec![];
    for spec in specs {
        made.push(app.published_course(spec).await);
    }
    let fees = [("general".to_string(), "tuition".to_string(), 5000)];
    kouza::services::catalog::set_fees(&app.state().db, made[2].id, &fees)
        .await
        .unwrap();
    Courses {
        ids: [made[0].id, made[1].id, made[2].id, made[3].id],
        codes: [0, 1, 2, 3].map(|i| made[i].code.clone()),
    }
}

fn applicant(user_id: i64, category: &str) -> Applicant {
    Applicant {
        user_id,
        family_name: "受講".into(),
        given_name: "太郎".into(),
        family_name_kana: "ジュコウ".into(),
        given_name_kana: "タロウ".into(),
        price_category: category.into(),
        member_number: None,
        form: serde_json::json!({"phone": "090-1234-5678"}),
        answers: vec![],
        special_care_notes: None,
    }
}

/// (course index, person index, price category), in arrival order: already
/// enrolled, a seat, waitlisted, the same person again, waitlisted in
/// English, a seat, full without a waitlist, payment due (in Japanese and in
/// English), a category not offered, approval needed.
const MIX: [(usize, usize, &str); 12] = [
    (0, 0, "general"),
    (0, 1, "general"),
    (0, 2, "general"),
    (0, 2, "general"),
    (0, 5, "general"),
    (1, 1, "general"),
    (1, 2, "general"),
    (2, 3, "general"),
    (2, 5, "general"),
    (2, 4, "member"),
    (3, 4, "general"),
    (0, 3, "general"),
];

/// Six trainees; the last reads English.
async fn people(app: &TestApp) -> Vec<i64> {
    use sea_orm::{ActiveModelTrait, Set};
    let ids: Vec<i64> = app
        .trainees(6)
        .await
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let db = &app.state().db;
    let mut english: kouza::entities::user::ActiveModel =
        kouza::services::accounts::find(db, ids[5])
            .await
            .unwrap()
            .into();
    english.locale = Set("en".into());
    english.update(db).await.unwrap();
    ids
}

/// Person 0 holds a seat in course 0 before the batch.
async fn enrolled_before(app: &TestApp, c: &Courses, people: &[i64], now: DateTime<Utc>) {
    kouza::services::enrollment::enroll(
        &app.state().db,
        c.ids[0],
        &applicant(people[0], "general"),
        kouza::services::enrollment::Channel::Online,
        now,
    )
    .await
    .unwrap();
}

fn batch(c: &Courses, people: &[i64], now: DateTime<Utc>) -> Vec<OnlineApplication> {
    MIX.iter()
        .map(|(course, person, category)| OnlineApplication {
            course_id: c.ids[*course],
            applicant: applicant(people[*person], category),
            now,
        })
        .collect()
}

#[derive(Clone, Copy)]
enum Path {
    Together,
    OneByOne,
}

/// Runs the batch in one transaction, as the writer does.
async fn run(
    app: &TestApp,
    path: Path,
    apps: &[OnlineApplication],
) -> Vec<Result<Enrolled, String>> {
    let txn = kouza::db::begin_write(&app.state().db).await.unwrap();
    let answers = match path {
        Path::Together => enroll_all(&txn, apps).await,
        Path::OneByOne => one_by_one(&txn, apps).await,
    }
    .expect("no savepoint fails");
    txn.commit().await.unwrap();
    answers
        .into_iter()
        .map(|a| a.map_err(|e| format!("{e:?}")))
        .collect()
}

/// What a run left, with the ids that must differ between runs taken out:
/// answers, every row of the courses, their events, the mails queued.
#[derive(Debug, PartialEq)]
struct Outcome {
    answers: Vec<Result<(enrollment::Model, Option<u64>), String>>,
    rows: Vec<enrollment::Model>,
    events: Vec<enrollment_event::Model>,
    mails: Vec<mail_outbox::Model>,
    counters: Vec<(i32, i32)>,
}

async fn outcome(
    app: &TestApp,
    c: &Courses,
    answers: Vec<Result<Enrolled, String>>,
    mails_after: i64,
) -> Outcome {
    let db = &app.state().db;
    let index = |course_id: i64| c.ids.iter().position(|id| *id == course_id).unwrap() as i64;
    let plain = |mut row: enrollment::Model| {
        row.id = 0;
        row.course_id = index(row.course_id);
        row
    };
    let rows = enrollment::Entity::find()
        .filter(enrollment::Column::CourseId.is_in(c.ids))
        .order_by_asc(enrollment::Column::Id)
        .all(db)
        .await
        .unwrap();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let events = enrollment_event::Entity::find()
        .filter(enrollment_event::Column::EnrollmentId.is_in(ids.clone()))
        .order_by_asc(enrollment_event::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|mut e| {
            e.id = 0;
            e.enrollment_id = ids.iter().position(|id| *id == e.enrollment_id).unwrap() as i64;
            e
        })
        .collect();
    let mails = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::Id.gt(mails_after))
        .order_by_asc(mail_outbox::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|mut m| {
            m.id = 0;
            m
        })
        .collect();
    let mut counters = vec![];
    for id in c.ids {
        let course = kouza::services::catalog::find(db, id).await.unwrap();
        counters.push((course.seats_taken, course.waitlist_seq));
    }
    Outcome {
        answers: answers
            .into_iter()
            .map(|a| a.map(|(row, rank)| (plain(row), rank)))
            .collect(),
        rows: rows.into_iter().map(plain).collect(),
        events,
        mails,
        counters,
    }
}

async fn last_mail(app: &TestApp) -> i64 {
    mail_outbox::Entity::find()
        .order_by_desc(mail_outbox::Column::Id)
        .one(&app.state().db)
        .await
        .unwrap()
        .map_or(0, |m| m.id)
}

/// Sets up a fresh set of courses, runs the mixed batch one way, and reads
/// what it left.
async fn scenario(
    app: &TestApp,
    people: &[i64],
    path: Path,
    fault: Option<Protection>,
    now: DateTime<Utc>,
) -> Outcome {
    let c = prepared(app, people, fault, now).await;
    let mails_after = last_mail(app).await;
    let answers = run(app, path, &batch(&c, people, now)).await;
    outcome(app, &c, answers, mails_after).await
}

/// Fresh courses, the fault (if any) switched on, person 0 enrolled.
async fn prepared(
    app: &TestApp,
    people: &[i64],
    fault: Option<Protection>,
    now: DateTime<Utc>,
) -> Courses {
    let c = courses(app).await;
    if let Some(protection) = fault {
        switch_off(protection, &c.codes[0]);
    }
    enrolled_before(app, &c, people, now).await;
    c
}

#[rocket::async_test]
async fn a_mixed_batch_written_together_matches_one_application_at_a_time() {
    let app = spawn().await;
    let people = people(&app).await;
    let now = app.state().clock.now();
    let single = scenario(&app, &people, Path::OneByOne, None, now).await;
    let together = scenario(&app, &people, Path::Together, None, now).await;
    assert_eq!(together, single);
    // The mix is what it claims to be (so the comparison covers each case).
    let answer = |i: usize| match &single.answers[i] {
        Ok((row, rank)) => format!("{} {rank:?}", row.status),
        Err(e) => e.clone(),
    };
    let expected = [
        "Conflict(\"err-already-enrolled\")",
        "confirmed None",
        "waitlisted Some(1)",
        "Conflict(\"err-already-enrolled\")",
        "waitlisted Some(2)",
        "confirmed None",
        "Conflict(\"err-course-full\")",
        "pending_payment None",
        "pending_payment None",
    ];
    for (i, want) in expected.iter().enumerate() {
        assert_eq!(answer(i), *want, "application {i}");
    }
    assert!(answer(9).starts_with("Validation"), "{}", answer(9));
    assert_eq!(answer(10), "pending_approval None");
    assert_eq!(answer(11), "waitlisted Some(3)");
    let kinds: Vec<&str> = single.mails.iter().map(|m| m.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "confirmed",
            "waitlisted",
            "waitlisted",
            "confirmed",
            "payment-requested",
            "payment-requested",
            "received",
            "waitlisted"
        ]
    );
    assert_ne!(
        single.mails[1].subject, single.mails[2].subject,
        "one in Japanese, one in English"
    );
    assert_eq!(single.counters, vec![(2, 3), (1, 0), (2, 0), (1, 0)]);
}

#[rocket::async_test]
async fn a_batch_whose_fast_path_fails_at_the_database_falls_back_to_the_same_result() {
    let app = spawn().await;
    let people = people(&app).await;
    let now = app.state().clock.now();
    let single = scenario(&app, &people, Path::OneByOne, None, now).await;
    // The fast path misses person 0's enrollment, so its insert meets the
    // unique index: everything it wrote is rolled back, then each
    // application is run on its own.
    let fell_back = scenario(
        &app,
        &people,
        Path::Together,
        Some(Protection::BatchSeesEnrollments),
        now,
    )
    .await;
    assert_eq!(fell_back, single);
}

#[rocket::async_test]
async fn the_fallback_tests_fault_makes_the_fast_path_fail() {
    let app = spawn().await;
    let people = people(&app).await;
    let now = app.state().clock.now();
    let c = prepared(&app, &people, Some(Protection::BatchSeesEnrollments), now).await;
    let txn = kouza::db::begin_write(&app.state().db).await.unwrap();
    let fast = together(&txn, &batch(&c, &people, now)).await;
    assert!(fast.is_err(), "the unique index refuses the batch's insert");
}
