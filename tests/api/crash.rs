//! Crash safety: a real `kouza serve` on the test's database takes an
//! enrollment and card-payment burst and is killed with SIGKILL in the middle
//! of it, then started again. Clients retry what got no answer (Stripe
//! redelivers its webhooks). Afterwards every request that got a 2xx has its
//! row, nothing is duplicated, seat counters equal the rows, the outbox holds
//! each mail once and (SQLite) `PRAGMA integrity_check` says ok.
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rocket::futures::stream::{self, StreamExt};
use rocket::http::{ContentType, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

use crate::fake_stripe::{self, paid_session, signed_event, FakeStripe};
use crate::helpers::{community_application, spawn_with, test_figment, CourseSpec, TestApp};
use crate::scale_out::http;
use crate::server_process::{integrity, Server};

const SEATS: i32 = 30;
const ENROLLERS: usize = 150;
const PAYERS: usize = 40;
const FEE: i64 = 5_000;

/// One request of the burst.
#[derive(Clone)]
enum Shot {
    Enroll { user: i64, bearer: String },
    Webhook { body: String, signature: String },
}

impl Shot {
    async fn fire(&self, port: u16, course: i64) -> Option<(u16, String)> {
        let outcome = match self {
            Shot::Enroll { bearer, .. } => {
                http(
                    port,
                    "POST",
                    &format!("/api/v1/courses/{course}/enrollments"),
                    &[
                        ("Authorization", bearer.clone()),
                        ("Content-Type", "application/json".into()),
                    ],
                    &community_application().to_string(),
                )
                .await
            }
            Shot::Webhook {
                body, signature, ..
            } => {
                http(
                    port,
                    "POST",
                    "/webhooks/stripe",
                    &[
                        ("Content-Type", "application/json".into()),
                        ("Stripe-Signature", signature.clone()),
                    ],
                    body,
                )
                .await
            }
        };
        outcome.ok()
    }
}

/// A ¥5,000 course with `PAYERS` trainees each holding an open card checkout.
async fn open_checkouts(app: &TestApp) -> (i64, Vec<(i64, String)>) {
    let course = app
        .published_course(CourseSpec {
            capacity: PAYERS as i32,
            ..Default::default()
        })
        .await;
    kouza::services::catalog::set_fees(
        &app.state().db,
        course.id,
        &[("general".to_string(), "tuition".to_string(), FEE)],
    )
    .await
    .unwrap();
    let mut out = vec![];
    for (_, bearer) in app.trainees(PAYERS).await {
        let response = app
            .enroll_api(bearer.clone(), course.id, community_application())
            .await;
        assert_eq!(response.status(), Status::Created);
        let id = app.json(response).await["id"].as_i64().unwrap();
        let response = app
            .client
            .post(format!("/api/v1/enrollments/{id}/checkout"))
            .header(bearer)
            .header(ContentType::JSON)
            .body("{}")
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Created);
        let body: Value = response.into_json().await.unwrap();
        let session = body["url"].as_str().unwrap().rsplit('/').next().unwrap();
        out.push((id, session.to_string()));
    }
    (course.id, out)
}

#[rocket::async_test]
async fn a_server_killed_during_an_enrollment_and_payment_burst_loses_and_duplicates_nothing() {
    let stripe = FakeStripe::start().await;
    let (figment, data_dir) = test_figment().await;
    let figment = figment
        .merge(("stripe_secret_key", fake_stripe::SECRET_KEY))
        .merge(("stripe_webhook_secret", fake_stripe::WEBHOOK_SECRET))
        .merge(("stripe_api_base", stripe.base_url.clone()));
    let database_url: String = figment.extract_inner("database_url").unwrap();
    // The in-process app makes the data, as staff would; the burst goes to
    // the real server on the same database.
    let app = spawn_with(figment, data_dir).await;
    let db = &app.state().db;
    let course = app
        .published_course(CourseSpec {
            capacity: SEATS,
            ..Default::default()
        })
        .await;
    let (priced, checkouts) = open_checkouts(&app).await;
    let now = app.state().clock.now().timestamp();
    let mut shots: Vec<Shot> = app
        .trainees(ENROLLERS)
        .await
        .into_iter()
        .map(|(user, bearer)| Shot::Enroll {
            user,
            bearer: bearer.value().to_string(),
        })
        .collect();
    for (n, (_, session)) in checkouts.iter().enumerate() {
        let (body, signature) = signed_event(
            &format!("evt_crash_{n}"),
            "checkout.session.completed",
            paid_session(session, FEE, &format!("pi_crash_{n}")),
            now,
        );
        // Stripe delivers at least once: each event twice.
        for _ in 0..2 {
            shots.push(Shot::Webhook {
                body: body.clone(),
                signature: signature.clone(),
            });
        }
    }
    // Interleave enrollments and webhooks.
    shots.sort_by_cached_key(|_| rand::random::<u32>());
    let fired = shots.len();

    let mut server = Server::start(&app.data_dir, &database_url, &stripe.base_url).await;
    let port = server.port;
    let answered = Arc::new(AtomicUsize::new(0));
    let burst = {
        let answered = answered.clone();
        stream::iter(shots.clone().into_iter().enumerate())
            .map(move |(k, shot)| {
                let answered = answered.clone();
                async move {
                    let outcome = shot.fire(port, course.id).await;
                    answered.fetch_add(1, Ordering::SeqCst);
                    (k, outcome)
                }
            })
            .buffer_unordered(24)
            .collect::<Vec<_>>()
    };
    let chaos = async {
        while answered.load(Ordering::SeqCst) < fired / 3 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        server.kill();
        answered.load(Ordering::SeqCst)
    };
    let (first, killed_at) = tokio::join!(burst, chaos);
    assert!(
        killed_at < fired,
        "killed mid-burst: {killed_at} of {fired} answered"
    );
    let mut outcomes: BTreeMap<usize, Option<(u16, String)>> = first.into_iter().collect();
    let unanswered = outcomes.values().filter(|o| o.is_none()).count();
    assert!(unanswered > 0, "the kill left requests without an answer");
    for outcome in outcomes.values().flatten() {
        assert!(outcome.0 < 500, "no 5xx before the kill: {outcome:?}");
    }

    // Started again; clients retry what got no answer, until it gets one.
    server.restart().await;
    let mut retried = 0;
    for (k, outcome) in outcomes.iter_mut() {
        while outcome.is_none() {
            retried += 1;
            *outcome = shots[*k].fire(port, course.id).await;
        }
    }

    // Every enrollment the server acknowledged is stored; everybody has
    // exactly one (a request committed just before the kill is answered
    // "already enrolled" on retry, never stored twice).
    let rows = kouza::services::enrollment::for_course(db, course.id, None, None)
        .await
        .unwrap();
    let mut acknowledged = 0;
    for (k, outcome) in &outcomes {
        let (status, text) = outcome.as_ref().unwrap();
        match &shots[*k] {
            Shot::Enroll { user, .. } => {
                assert!(
                    *status == 201 || *status == 409,
                    "enrollment answered {status}: {text}"
                );
                if *status == 201 {
                    acknowledged += 1;
                    let body: Value = serde_json::from_str(text).unwrap();
                    let id = body["id"].as_i64().unwrap();
                    assert!(
                        rows.iter().any(|r| r.id == id && r.user_id == *user),
                        "acknowledged enrollment {id} is stored"
                    );
                }
                assert_eq!(
                    rows.iter().filter(|r| r.user_id == *user).count(),
                    1,
                    "one row for trainee {user}"
                );
            }
            Shot::Webhook { .. } => {
                assert_eq!(*status, 200, "webhook answered {status}: {text}");
                acknowledged += 1;
            }
        }
    }
    assert_eq!(rows.len(), ENROLLERS);
    let seats = kouza::services::catalog::find(db, course.id).await.unwrap();
    let confirmed = rows.iter().filter(|r| r.status == "confirmed").count();
    assert_eq!(seats.seats_taken as usize, confirmed, "counter equals rows");
    assert_eq!(confirmed, SEATS as usize);
    let mut tickets: Vec<i32> = rows.iter().filter_map(|r| r.waitlist_ticket).collect();
    tickets.sort();
    assert_eq!(
        tickets,
        (1..=(ENROLLERS as i32 - SEATS)).collect::<Vec<_>>(),
        "waitlist without gaps or repeats"
    );

    // Each payment recorded once, each paid seat confirmed, counters = rows.
    for (enrollment, _) in &checkouts {
        let row = kouza::services::enrollment::find(db, *enrollment)
            .await
            .unwrap();
        assert_eq!(row.status, "confirmed", "paid enrollment {enrollment}");
        let entries = kouza::services::payments::entries(db, *enrollment)
            .await
            .unwrap();
        assert_eq!(
            entries.iter().filter(|e| e.kind == "payment").count(),
            1,
            "one payment for enrollment {enrollment}"
        );
        let balance = kouza::services::payments::balance(db, &row).await.unwrap();
        assert_eq!(balance.balance_yen, 0);
    }
    let priced_course = kouza::services::catalog::find(db, priced).await.unwrap();
    assert_eq!(priced_course.seats_taken as usize, PAYERS);

    // The outbox: each mail once, and each stored change has its mail.
    let outbox = kouza::entities::mail_outbox::Entity::find()
        .all(db)
        .await
        .unwrap();
    let mut copies: BTreeMap<(String, String), usize> = BTreeMap::new();
    for mail in &outbox {
        *copies
            .entry((mail.to_address.clone(), mail.kind.clone()))
            .or_default() += 1;
    }
    let repeated: Vec<_> = copies.iter().filter(|(_, n)| **n > 1).collect();
    assert!(repeated.is_empty(), "mails queued twice: {repeated:?}");
    for row in &rows {
        let person = kouza::services::accounts::find(db, row.user_id)
            .await
            .unwrap();
        let mails = kouza::entities::mail_outbox::Entity::find()
            .filter(kouza::entities::mail_outbox::Column::ToAddress.eq(person.email.as_str()))
            .filter(kouza::entities::mail_outbox::Column::Kind.is_in(["confirmed", "waitlisted"]))
            .all(db)
            .await
            .unwrap();
        assert_eq!(mails.len(), 1, "one status mail for enrollment {}", row.id);
    }
    for (enrollment, _) in &checkouts {
        let row = kouza::services::enrollment::find(db, *enrollment)
            .await
            .unwrap();
        let person = kouza::services::accounts::find(db, row.user_id)
            .await
            .unwrap();
        assert_eq!(
            copies.get(&(person.email.clone(), "confirmed".to_string())),
            Some(&1),
            "one confirmation for paid enrollment {enrollment}"
        );
    }
    assert_eq!(integrity(db).await, "ok");
    println!(
        "crash: {fired} requests fired, SIGKILL after {killed_at} answers, {unanswered} left \
         unanswered, {retried} retries after restart, {acknowledged} acknowledged, 0 rows lost, \
         {} mails once each",
        outbox.len()
    );
    drop(server);
}
