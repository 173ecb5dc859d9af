//! Backup and restore while the service is busy: trainees enroll and cancel
//! and staff record payments while a backup is taken (`kouza backup <path>`
//! on SQLite, `pg_dump --format=custom` on PostgreSQL). The backup is
//! restored, opened as the app's database, and found consistent:
//! `integrity_check` ok, every seat counter equals its rows, every ledger
//! balances with its enrollment's status, and the app serves from it.
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use kouza::domain::Role;
use rocket::futures::future::join_all;
use rocket::http::{ContentType, Status};
use sea_orm::{ConnectionTrait, Database, EntityTrait};

use crate::helpers::{
    community_application, spawn_with, test_figment, CourseSpec, TestApp, JWT_SECRET,
};
use crate::server_process::integrity;

const PAYERS: usize = 30;
const FEE: i64 = 8_000;

/// Writes until `stop`: enrollments and cancellations on a small course,
/// staff payments one after another. Returns how many writes succeeded.
async fn keep_writing(app: &TestApp, priced: &[i64], stop: &AtomicBool, done: &AtomicUsize) {
    let state = app.state();
    let course = app
        .published_course(CourseSpec {
            capacity: 8,
            ..Default::default()
        })
        .await;
    let people = app.trainees(16).await;
    let churn = people.iter().map(|(_, bearer)| async move {
        while !stop.load(Ordering::SeqCst) {
            let response = app
                .enroll_api(bearer.clone(), course.id, community_application())
                .await;
            if response.status() != Status::Created {
                continue;
            }
            done.fetch_add(1, Ordering::SeqCst);
            let id = app.json(response).await["id"].as_i64().unwrap();
            let cancel = app
                .client
                .post(format!("/api/v1/enrollments/{id}/cancel"))
                .header(bearer.clone())
                .header(ContentType::JSON)
                .body("{}")
                .dispatch()
                .await;
            if cancel.status() == Status::Ok {
                done.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    let staff = app.account(Role::Staff).await;
    let payments = async {
        for id in priced {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let now = state.clock.now();
            kouza::services::payments::record_offline(
                &state.db,
                *id,
                staff.id,
                &kouza::services::payments::OfflinePayment {
                    method: "bank_transfer".into(),
                    amount_yen: FEE,
                    paid_on: kouza::domain::course::jst_date(now),
                    payer_name: "ヤマダ ハナコ".into(),
                    note: String::new(),
                },
                now,
            )
            .await
            .unwrap();
            done.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::join!(join_all(churn), payments);
}

/// Pending-payment enrollments in a priced course, to be paid during the backup.
async fn unpaid(app: &TestApp) -> Vec<i64> {
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
    let mut ids = vec![];
    for (_, bearer) in app.trainees(PAYERS).await {
        let response = app
            .enroll_api(bearer, course.id, community_application())
            .await;
        assert_eq!(response.status(), Status::Created);
        let body = app.json(response).await;
        assert_eq!(body["status"], "pending_payment");
        ids.push(body["id"].as_i64().unwrap());
    }
    ids
}

/// Takes the backup with the real command line while the app writes.
async fn take_backup(app: &TestApp, database_url: &str, target: &Path) {
    let output = if database_url.is_empty() {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_kouza"))
            .arg("backup")
            .arg(target)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("ROCKET_DATA_DIR", app.data_dir.display().to_string())
            .env("DATABASE_URL", "")
            .env("ROCKET_JWT_SECRET", JWT_SECRET)
            .env("KOUZA_LOG", "warn")
            .output()
            .await
            .expect("run kouza backup")
    } else {
        tokio::process::Command::new("pg_dump")
            .args(["--format=custom", "--no-owner", "--file"])
            .arg(target)
            .arg(database_url)
            .output()
            .await
            .expect("run pg_dump (postgresql-client)")
    };
    assert!(
        output.status.success(),
        "backup failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    println!("backup: {}", String::from_utf8_lossy(&output.stdout).trim());
}

/// Restores the backup as a new database; returns (data_dir, database_url).
async fn restore(backup: &Path, database_url: &str) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("kouza-restore-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    if database_url.is_empty() {
        std::fs::copy(backup, dir.join("kouza.sqlite3")).unwrap();
        return (dir, String::new());
    }
    let admin_url = std::env::var("TEST_DATABASE_URL").unwrap();
    let name = format!("kouza_t_{:016x}", rand::random::<u64>());
    let admin = Database::connect(admin_url.as_str()).await.unwrap();
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    admin.close().await.ok();
    let url = format!("{}/{name}", &admin_url[..admin_url.rfind('/').unwrap()]);
    let output = Command::new("pg_restore")
        .args(["--no-owner", "--exit-on-error", "--dbname"])
        .arg(&url)
        .arg(backup)
        .output()
        .expect("run pg_restore");
    assert!(
        output.status.success(),
        "pg_restore failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (dir, url)
}

#[rocket::async_test]
async fn a_backup_taken_during_writes_restores_to_a_consistent_database() {
    let (figment, data_dir) = test_figment().await;
    let database_url: String = figment.extract_inner("database_url").unwrap();
    let app = spawn_with(figment, data_dir).await;
    let priced = unpaid(&app).await;
    // On PostgreSQL the data directory is not otherwise made.
    std::fs::create_dir_all(&app.data_dir).unwrap();
    let target = app.data_dir.join(if database_url.is_empty() {
        "backup.sqlite3"
    } else {
        "backup.dump"
    });
    let stop = AtomicBool::new(false);
    let done = AtomicUsize::new(0);
    let writes = keep_writing(&app, &priced, &stop, &done);
    let backup = async {
        // Writers get going, the backup is taken, writers go on a little.
        while done.load(Ordering::SeqCst) < 20 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let before = done.load(Ordering::SeqCst);
        take_backup(&app, &database_url, &target).await;
        let during = done.load(Ordering::SeqCst) - before;
        while done.load(Ordering::SeqCst) < before + during + 20 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        stop.store(true, Ordering::SeqCst);
        during
    };
    let ((), during) = tokio::join!(writes, backup);
    let written = done.load(Ordering::SeqCst);
    println!("backup: {during} writes committed while the backup command ran");

    let (restore_dir, restored_url) = restore(&target, &database_url).await;
    let (figment, _) = test_figment().await;
    let figment = figment
        .merge(("data_dir", restore_dir.display().to_string()))
        .merge(("database_url", restored_url));
    let restored = spawn_with(figment, restore_dir).await;
    let db = &restored.state().db;
    assert_eq!(integrity(db).await, "ok");

    // Every course's counter equals its rows.
    let courses = kouza::entities::course::Entity::find()
        .all(db)
        .await
        .unwrap();
    let mut enrollments = 0;
    for course in &courses {
        let rows = kouza::services::enrollment::for_course(db, course.id, None, None)
            .await
            .unwrap();
        enrollments += rows.len();
        let holding = rows
            .iter()
            .filter(|r| {
                matches!(
                    r.status.as_str(),
                    "confirmed" | "offered" | "pending_approval" | "pending_payment"
                )
            })
            .count();
        assert_eq!(course.seats_taken as usize, holding, "course {}", course.id);
    }
    // Every ledger agrees with its enrollment: paid in full and confirmed,
    // or nothing paid and still waiting.
    let mut paid = 0;
    for id in &priced {
        let row = kouza::services::enrollment::find(db, *id).await.unwrap();
        let entries = kouza::services::payments::entries(db, *id).await.unwrap();
        let balance = kouza::services::payments::balance(db, &row).await.unwrap();
        let payments = entries.iter().filter(|e| e.kind == "payment").count();
        match row.status.as_str() {
            "confirmed" => {
                assert_eq!((payments, balance.balance_yen), (1, 0), "enrollment {id}");
                paid += 1;
            }
            "pending_payment" => {
                assert_eq!((payments, balance.balance_yen), (0, FEE), "enrollment {id}")
            }
            other => panic!("enrollment {id} is {other}"),
        }
    }
    // The restored database serves.
    let bearer = restored.trainees(1).await[0].1.clone();
    let course = restored.published_course(CourseSpec::default()).await;
    let response = restored
        .enroll_api(bearer, course.id, community_application())
        .await;
    assert_eq!(response.status(), Status::Created);
    println!(
        "backup: {written} writes around the backup; restored {} courses, {enrollments} \
         enrollments, {paid} of {PAYERS} payments, integrity ok, counters = rows",
        courses.len()
    );
}
