//! Many writers at once: 64 trainees enroll and cancel in a loop on four small
//! courses (seats, waitlist, promotions) while 8 readers read, for 5 s
//! (30 s with `KOUZA_LONG_TESTS=1`), on the production pool settings.
//!
//! A busy or locked database never reaches anyone as a 500: writers queue
//! on the lock. The one 5xx the service may give under overload is 503 with
//! `Retry-After` (every pooled connection busy for the whole acquire timeout,
//! or the lock held for the whole busy timeout); it is counted and reported,
//! and must carry `Retry-After`. Afterwards every counter equals its rows and,
//! on SQLite, the WAL file stayed bounded.
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rocket::futures::future::join_all;
use rocket::http::{ContentType, Header, Status};
use rocket::local::asynchronous::Client;

use crate::helpers::{community_application, spawn_with, test_figment, CourseSpec};
use crate::races::long_tests;

const WRITERS: usize = 64;
const READERS: usize = 8;
const COURSES: usize = 4;
/// The WAL may never grow past this (journal_size_limit is 32 MiB and the
/// automatic checkpoint runs every 1000 pages, about 4 MiB).
const WAL_BOUND: u64 = 64 * 1024 * 1024;

#[derive(Default)]
struct Tally {
    statuses: BTreeMap<u16, usize>,
    busy_without_retry_after: usize,
}

impl Tally {
    fn add(&mut self, status: Status, retry_after: bool) {
        *self.statuses.entry(status.code).or_default() += 1;
        if status == Status::ServiceUnavailable && !retry_after {
            self.busy_without_retry_after += 1;
        }
    }
}

async fn post(
    client: &Client,
    path: String,
    bearer: &Header<'static>,
    body: String,
) -> (Status, bool, serde_json::Value) {
    let response = client
        .post(path)
        .header(bearer.clone())
        .header(ContentType::JSON)
        .body(body)
        .dispatch()
        .await;
    let status = response.status();
    let retry_after = response.headers().get_one("Retry-After").is_some();
    (
        status,
        retry_after,
        response.into_json().await.unwrap_or_default(),
    )
}

#[rocket::async_test]
async fn sixty_four_writers_never_see_a_database_error_and_the_wal_stays_bounded() {
    let (figment, data_dir) = test_figment().await;
    // The production pool: 16 connections, 10 s acquire timeout, 10 s busy timeout.
    let defaults = kouza::config::AppConfig::default();
    let figment = figment
        .merge(("db_max_connections", defaults.db_max_connections))
        .merge(("db_acquire_timeout_secs", defaults.db_acquire_timeout_secs))
        .merge(("sqlite_busy_timeout_ms", defaults.sqlite_busy_timeout_ms));
    let app = spawn_with(figment, data_dir).await;
    let mut courses = vec![];
    for _ in 0..COURSES {
        courses.push(
            app.published_course(CourseSpec {
                capacity: 10,
                ..Default::default()
            })
            .await
            .id,
        );
    }
    let writers = app.trainees(WRITERS).await;
    let readers = app.trainees(READERS).await;
    let seconds = if long_tests() { 30 } else { 5 };
    let until = Instant::now() + Duration::from_secs(seconds);
    let stop = Arc::new(AtomicBool::new(false));
    let wal_path = app.data_dir.join("kouza.sqlite3-wal");
    let wal_max = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (stop, wal_max, wal_path) = (stop.clone(), wal_max.clone(), wal_path.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                if let Ok(meta) = std::fs::metadata(&wal_path) {
                    wal_max.fetch_max(meta.len(), Ordering::SeqCst);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };

    let client = &app.client;
    let writing = writers.iter().enumerate().map(|(i, (_, bearer))| {
        let course = courses[i % COURSES];
        async move {
            let mut tally = Tally::default();
            while Instant::now() < until {
                let (status, retry, body) = post(
                    client,
                    format!("/api/v1/courses/{course}/enrollments"),
                    bearer,
                    community_application().to_string(),
                )
                .await;
                tally.add(status, retry);
                let Some(id) = body["id"].as_i64() else {
                    continue;
                };
                // A cancellation racing this person's own promotion hears
                // "changed" (409) and simply tries again.
                for _ in 0..5 {
                    let (status, retry, _) = post(
                        client,
                        format!("/api/v1/enrollments/{id}/cancel"),
                        bearer,
                        "{}".into(),
                    )
                    .await;
                    tally.add(status, retry);
                    if status != Status::Conflict {
                        break;
                    }
                }
            }
            tally
        }
    });
    let reading = readers.iter().enumerate().map(|(i, (_, bearer))| {
        let course = courses[i % COURSES];
        async move {
            let mut tally = Tally::default();
            while Instant::now() < until {
                for path in [
                    format!("/api/v1/courses/{course}"),
                    "/api/v1/me/enrollments".to_string(),
                ] {
                    let response = client.get(path).header(bearer.clone()).dispatch().await;
                    let retry = response.headers().get_one("Retry-After").is_some();
                    tally.add(response.status(), retry);
                }
            }
            tally
        }
    });
    let (written, read) = tokio::join!(join_all(writing), join_all(reading));
    stop.store(true, Ordering::SeqCst);
    sampler.await.unwrap();

    let mut all = Tally::default();
    for tally in written.iter().chain(read.iter()) {
        for (code, n) in &tally.statuses {
            *all.statuses.entry(*code).or_default() += n;
        }
        all.busy_without_retry_after += tally.busy_without_retry_after;
    }
    let total: usize = all.statuses.values().sum();
    let server_errors: usize = all
        .statuses
        .iter()
        .filter(|(code, _)| **code >= 500 && **code != 503)
        .map(|(_, n)| n)
        .sum();
    assert_eq!(
        server_errors, 0,
        "no database error reaches anyone: {:?}",
        all.statuses
    );
    assert_eq!(
        all.busy_without_retry_after, 0,
        "503 always says when to retry"
    );
    for code in all.statuses.keys() {
        assert!(
            matches!(code, 200 | 201 | 409 | 503),
            "only answers the scenario allows: {:?}",
            all.statuses
        );
    }
    assert!(
        all.statuses.get(&201).copied().unwrap_or(0) > 0,
        "writers got through: {:?}",
        all.statuses
    );

    // The counters still equal the rows.
    let db = &app.state().db;
    let mut rows_total = 0;
    for course in &courses {
        let rows = kouza::services::enrollment::for_course(db, *course, None, None)
            .await
            .unwrap();
        rows_total += rows.len();
        let holding = rows
            .iter()
            .filter(|r| matches!(r.status.as_str(), "confirmed" | "offered"))
            .count();
        let seats = kouza::services::catalog::find(db, *course).await.unwrap();
        assert_eq!(seats.seats_taken as usize, holding, "course {course}");
        assert!(holding <= 10);
    }
    assert_eq!(crate::server_process::integrity(db).await, "ok");

    let wal_now = std::fs::metadata(&wal_path).map(|m| m.len()).unwrap_or(0);
    let wal_peak = wal_max.load(Ordering::SeqCst).max(wal_now);
    if std::env::var("TEST_DATABASE_URL").is_err() {
        assert!(
            wal_peak <= WAL_BOUND,
            "the WAL stays bounded: peak {wal_peak} bytes"
        );
    }
    println!(
        "busy: {seconds} s, {WRITERS} writers + {READERS} readers, {total} requests, \
         statuses {:?}, {rows_total} enrollment rows, WAL peak {} KiB, after {} KiB",
        all.statuses,
        wal_peak / 1024,
        wal_now / 1024
    );
}
