//! The group-commit writer: requests share one transaction, each on its own
//! savepoint, and hear their answer only after the commit.
use kouza::error::Error;
use kouza::services::group_commit::{answer_of, run_batch, GroupCommit, Job, Work};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
};

use crate::helpers::{spawn, unique};

/// A job that writes one audit row under `action` (a row we can count), then
/// fails or dies if told to.
fn writes(action: &str, then: Then) -> Work<i64> {
    let action = action.to_string();
    Box::new(move |txn: &DatabaseTransaction| {
        Box::pin(async move {
            kouza::services::audit::record(
                txn,
                None,
                &action,
                ("test", Some(1)),
                serde_json::json!({}),
                chrono::Utc::now(),
            )
            .await?;
            match then {
                Then::Succeed => Ok(1),
                Then::Refuse => Err(Error::Conflict("err-course-full")),
                Then::Panic => panic!("a job that dies mid-batch"),
                Then::BreakSavepoint => {
                    // Releases the job's own savepoint (sqlx names it by
                    // depth) behind the writer's back, so that the writer's
                    // release fails while this job's row stays in the batch.
                    txn.execute_unprepared("RELEASE SAVEPOINT _sqlx_savepoint_1")
                        .await?;
                    Ok(1)
                }
            }
        })
    })
}

#[derive(Clone, Copy)]
enum Then {
    Succeed,
    Refuse,
    Panic,
    BreakSavepoint,
}

async fn rows(db: &sea_orm::DatabaseConnection, action: &str) -> u64 {
    kouza::entities::audit_log::Entity::find()
        .filter(kouza::entities::audit_log::Column::Action.eq(action))
        .count(db)
        .await
        .unwrap()
}

#[rocket::async_test]
async fn a_refused_request_in_a_batch_rolls_back_only_itself() {
    let app = spawn().await;
    let db = app.state().db.clone();
    let (first, refused, last) = (unique("first"), unique("refused"), unique("last"));
    let (a, answer_a) = Job::new(("x", 1), writes(&first, Then::Succeed));
    let (b, answer_b) = Job::new(("x", 2), writes(&refused, Then::Refuse));
    let (c, answer_c) = Job::new(("x", 3), writes(&last, Then::Succeed));
    run_batch(db.clone(), vec![a, b, c]).await;

    assert_eq!(answer_of::<i64>(answer_a).await.unwrap(), 1);
    assert!(matches!(
        answer_of::<i64>(answer_b).await,
        Err(Error::Conflict("err-course-full"))
    ));
    assert_eq!(answer_of::<i64>(answer_c).await.unwrap(), 1);
    assert_eq!(rows(&db, &first).await, 1);
    assert_eq!(
        rows(&db, &refused).await,
        0,
        "the refused job's write stays"
    );
    assert_eq!(rows(&db, &last).await, 1);
}

#[rocket::async_test]
async fn a_batch_that_dies_before_its_commit_answers_nobody_with_success() {
    let app = spawn().await;
    let db = app.state().db.clone();
    let (before, dying) = (unique("before"), unique("dying"));
    let (a, answer_a) = Job::new(("x", 1), writes(&before, Then::Succeed));
    let (b, answer_b) = Job::new(("x", 2), writes(&dying, Then::Panic));
    let died = tokio::spawn(run_batch(db.clone(), vec![a, b])).await;
    assert!(died.is_err(), "the batch task panicked");

    assert!(answer_of::<i64>(answer_a).await.is_err());
    assert!(answer_of::<i64>(answer_b).await.is_err());
    // Nothing of the batch was committed, though the first job had finished.
    assert_eq!(rows(&db, &before).await, 0);
    assert_eq!(rows(&db, &dying).await, 0);
}

#[rocket::async_test]
async fn the_writer_goes_on_after_a_batch_died_and_answers_after_commit() {
    let app = spawn().await;
    let db = app.state().db.clone();
    let writer = GroupCommit::start(db.clone(), 8);
    let dying = unique("dying");
    assert!(writer
        .submit(("x", 1), writes(&dying, Then::Panic))
        .await
        .is_err());
    let later = unique("later");
    assert_eq!(
        writer
            .submit(("x", 1), writes(&later, Then::Succeed))
            .await
            .unwrap(),
        1
    );
    // Answered means committed: another connection sees the row.
    assert_eq!(rows(&db, &later).await, 1);
    assert_eq!(rows(&db, &dying).await, 0);
}

#[rocket::async_test]
async fn concurrent_submissions_each_get_their_own_answer() {
    let app = spawn().await;
    let db = app.state().db.clone();
    let writer = std::sync::Arc::new(GroupCommit::start(db.clone(), 4));
    let action = unique("many");
    let mut tasks = vec![];
    for i in 0..20i64 {
        let writer = writer.clone();
        let action = action.clone();
        tasks.push(tokio::spawn(async move {
            let then = if i % 5 == 0 {
                Then::Refuse
            } else {
                Then::Succeed
            };
            (i, writer.submit(("x", i), writes(&action, then)).await)
        }));
    }
    let mut succeeded = 0;
    for task in tasks {
        let (i, answer) = task.await.unwrap();
        if i % 5 == 0 {
            assert!(matches!(answer, Err(Error::Conflict(_))), "job {i}");
        } else {
            assert_eq!(answer.unwrap(), 1, "job {i}");
            succeeded += 1;
        }
    }
    assert_eq!(rows(&db, &action).await, succeeded);
}

#[rocket::async_test]
async fn a_savepoint_that_fails_itself_fails_the_whole_batch_and_frees_its_connection() {
    let app = spawn().await;
    let db = app.state().db.clone();
    let (before, breaking, after) = (unique("before"), unique("breaking"), unique("after"));
    let (a, answer_a) = Job::new(("x", 1), writes(&before, Then::Succeed));
    let (b, answer_b) = Job::new(("x", 2), writes(&breaking, Then::BreakSavepoint));
    let (c, answer_c) = Job::new(("x", 3), writes(&after, Then::Succeed));
    run_batch(db.clone(), vec![a, b, c]).await;

    // The breaking job's row would have been committed with the others
    // though its answer was an error: instead nobody hears success and
    // nothing of the batch stays.
    for answer in [answer_a, answer_b, answer_c] {
        assert!(answer_of::<i64>(answer).await.is_err());
    }
    assert_eq!(rows(&db, &before).await, 0);
    assert_eq!(rows(&db, &breaking).await, 0);
    assert_eq!(rows(&db, &after).await, 0);
    // sqlx leaves a connection whose savepoint release failed inside the
    // transaction; back in the pool it would hold SQLite's write lock and
    // every later write would wait out the busy timeout (this fails without
    // `db::keep_unless_in_transaction`).
    let (d, answer_d) = Job::new(("x", 4), writes(&after, Then::Succeed));
    run_batch(db.clone(), vec![d]).await;
    assert_eq!(answer_of::<i64>(answer_d).await.unwrap(), 1);
    assert_eq!(rows(&db, &after).await, 1);
}
