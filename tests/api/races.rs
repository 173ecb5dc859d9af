//! Seats under load: concurrent requests, one or two app instances sharing
//! the database. The database decides; nothing is oversold or duplicated.
use std::collections::BTreeSet;

use rocket::futures::future::join_all;
use rocket::http::Status;
use rocket::local::asynchronous::Client;

use crate::helpers::{community_application, spawn_with, test_figment, CourseSpec, TestApp};

/// The app, plus a second instance on the same database when it is PostgreSQL.
async fn instances() -> (TestApp, Option<Client>) {
    let (figment, data_dir) = test_figment().await;
    // Seats are what is tested, not overload: on a loaded machine (CI runs
    // several suites at once) 200 requests may wait for a connection longer
    // than the default acquire timeout, which would answer 503 busy.
    let figment = figment
        .merge(("db_max_connections", 16))
        .merge(("db_acquire_timeout_secs", 120));
    let app = spawn_with(figment.clone(), data_dir).await;
    let second = if std::env::var("TEST_DATABASE_URL").is_ok() {
        Some(
            Client::tracked(kouza::rocket_from(figment))
                .await
                .expect("second instance"),
        )
    } else {
        None
    };
    (app, second)
}

#[rocket::async_test]
async fn two_hundred_trainees_racing_for_thirty_seats_get_thirty_seats_and_a_gap_free_waitlist() {
    let (app, second) = instances().await;
    let course = app
        .published_course(CourseSpec {
            capacity: 30,
            ..Default::default()
        })
        .await;
    let people = app.trainees(200).await;
    let body = community_application().to_string();
    let requests = people.iter().enumerate().map(|(i, (_, bearer))| {
        let client = match (&second, i % 2) {
            (Some(other), 1) => other,
            _ => &app.client,
        };
        let body = body.clone();
        async move {
            let response = client
                .post(format!("/api/v1/courses/{}/enrollments", course.id))
                .header(bearer.clone())
                .header(rocket::http::ContentType::JSON)
                .body(body)
                .dispatch()
                .await;
            let status = response.status();
            let json: serde_json::Value = response.into_json().await.unwrap_or_default();
            (status, json)
        }
    });
    let results = join_all(requests).await;
    assert!(
        results.iter().all(|(s, _)| *s == Status::Created),
        "every request answered 201: {:?}",
        results
            .iter()
            .filter(|(s, _)| *s != Status::Created)
            .collect::<Vec<_>>()
    );
    let confirmed = results
        .iter()
        .filter(|(_, b)| b["status"] == "confirmed")
        .count();
    assert_eq!(confirmed, 30);
    let positions: Vec<u64> = results
        .iter()
        .filter(|(_, b)| b["status"] == "waitlisted")
        .filter_map(|(_, b)| b["waitlist_position"].as_u64())
        .collect();
    assert_eq!(positions.len(), 170);
    // Tickets in the database are exactly 1..=170.
    let rows = kouza::services::enrollment::for_course(&app.state().db, course.id, None, None)
        .await
        .unwrap();
    let tickets: BTreeSet<i32> = rows.iter().filter_map(|r| r.waitlist_ticket).collect();
    assert_eq!(tickets, (1..=170).collect::<BTreeSet<i32>>());
    assert_eq!(rows.len(), 200);
    let course = kouza::services::catalog::find(&app.state().db, course.id)
        .await
        .unwrap();
    assert_eq!(course.seats_taken, 30);
    assert_eq!(rows.iter().filter(|r| r.status == "confirmed").count(), 30);
}

#[rocket::async_test]
async fn twenty_identical_submits_from_one_trainee_make_one_enrollment() {
    let (app, second) = instances().await;
    let course = app
        .published_course(CourseSpec {
            capacity: 30,
            ..Default::default()
        })
        .await;
    let people = app.trainees(1).await;
    let bearer = people[0].1.clone();
    let body = community_application().to_string();
    let requests = (0..20).map(|i| {
        let client = match (&second, i % 2) {
            (Some(other), 1) => other,
            _ => &app.client,
        };
        let bearer = bearer.clone();
        let body = body.clone();
        async move {
            client
                .post(format!("/api/v1/courses/{}/enrollments", course.id))
                .header(bearer)
                .header(rocket::http::ContentType::JSON)
                .body(body)
                .dispatch()
                .await
                .status()
        }
    });
    let statuses = join_all(requests).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == Status::Created).count(),
        1
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == Status::Created || *s == Status::Conflict),
        "{statuses:?}"
    );
    let rows = kouza::services::enrollment::for_course(&app.state().db, course.id, None, None)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let course = kouza::services::catalog::find(&app.state().db, course.id)
        .await
        .unwrap();
    assert_eq!(course.seats_taken, 1);
}

#[rocket::async_test]
async fn cancellations_racing_new_enrollments_never_oversell() {
    let (app, _) = instances().await;
    let course = app
        .published_course(CourseSpec {
            capacity: 5,
            ..Default::default()
        })
        .await;
    let first = app.trainees(5).await;
    let mut ids = vec![];
    for (_, bearer) in &first {
        let body = app
            .json(
                app.enroll_api(bearer.clone(), course.id, community_application())
                    .await,
            )
            .await;
        ids.push(body["id"].as_i64().unwrap());
    }
    let newcomers = app.trainees(10).await;
    let cancels = first.iter().zip(&ids).map(|((_, bearer), id)| {
        let client = &app.client;
        async move {
            client
                .post(format!("/api/v1/enrollments/{id}/cancel"))
                .header(bearer.clone())
                .dispatch()
                .await
                .status()
        }
    });
    let joins = newcomers.iter().map(|(_, bearer)| {
        let client = &app.client;
        async move {
            client
                .post(format!("/api/v1/courses/{}/enrollments", course.id))
                .header(bearer.clone())
                .header(rocket::http::ContentType::JSON)
                .body(community_application().to_string())
                .dispatch()
                .await
                .status()
        }
    });
    let (cancelled, joined) = rocket::tokio::join!(join_all(cancels), join_all(joins));
    assert!(cancelled.iter().all(|s| *s == Status::Ok));
    assert!(joined.iter().all(|s| *s == Status::Created));
    let rows = kouza::services::enrollment::for_course(&app.state().db, course.id, None, None)
        .await
        .unwrap();
    let holding = rows
        .iter()
        .filter(|r| {
            matches!(
                r.status.as_str(),
                "confirmed" | "offered" | "pending_approval"
            )
        })
        .count();
    let course = kouza::services::catalog::find(&app.state().db, course.id)
        .await
        .unwrap();
    assert_eq!(course.seats_taken as usize, holding, "counter equals rows");
    assert_eq!(holding, 5, "every freed seat is held again, none twice");
}
