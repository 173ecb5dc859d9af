//! Group commit: concurrent write requests share one transaction and one
//! durable commit (one WAL fsync on SQLite) instead of paying one each.
//!
//! A single writer task takes whatever is queued (up to a batch limit), runs
//! each request's work inside its own savepoint — a request that fails rolls
//! back only its own writes and gets its own error — commits once, and only
//! then answers. Nobody hears "done" before the commit is durable: if the
//! commit fails, or the batch dies half-way (a panic), every request of the
//! batch gets an error and none of its writes stay.
use std::any::Any;
use std::future::Future;
use std::pin::Pin;

use rocket::tokio::sync::{mpsc, oneshot};
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};

use super::attendance::SaveOutcome;
use super::attendance_batch::{self, RosterSave};
use super::enrollment::Enrolled;
use super::enrollment_batch::{self, OnlineApplication};
use crate::error::Error;

/// One request's writes, run inside the batch's transaction (on a savepoint).
pub type Work<T> = Box<
    dyn for<'t> FnOnce(
            &'t DatabaseTransaction,
        ) -> Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 't>>
        + Send,
>;

type Answer = Box<dyn Any + Send>;

/// The first row a job locks, as (table, id). Jobs of a batch run in this
/// order (stable, so arrival order within one row): on PostgreSQL every
/// instance's batch then locks rows in the same order, and two batches
/// cannot deadlock on them. A transaction outside the batches that locks more
/// than one course must take them in ascending id order too (see
/// `enrollment::transfer`), or it could deadlock with a batch.
pub type LockOrder = (&'static str, i64);

/// What a job does.
enum Task {
    /// Any writes, on the job's own savepoint.
    Work(Work<Answer>),
    /// An online enrollment: the batch's enrollments are written together
    /// (`enrollment_batch`), which answers each with `enrollment::Enrolled`.
    Enroll(Box<OnlineApplication>),
    /// A roll-call save: the batch's saves are written together
    /// (`attendance_batch`), which answers each with `attendance::SaveOutcome`.
    Roster(Box<RosterSave>),
}

pub struct Job {
    order: LockOrder,
    task: Task,
    reply: oneshot::Sender<Result<Answer, Error>>,
}

type Reply = oneshot::Receiver<Result<Answer, Error>>;

impl Job {
    pub fn new<T: Send + 'static>(order: LockOrder, work: Work<T>) -> (Self, Reply) {
        let work: Work<Answer> = Box::new(move |txn| {
            Box::pin(async move { work(txn).await.map(|v| Box::new(v) as Answer) })
        });
        Job::of(order, Task::Work(work))
    }

    /// An online enrollment; it locks its course first.
    pub fn enroll(application: OnlineApplication) -> (Self, Reply) {
        Job::of(
            ("course", application.course_id),
            Task::Enroll(Box::new(application)),
        )
    }

    /// A roll-call save; it locks its session first.
    pub fn roster(save: RosterSave) -> (Self, Reply) {
        Job::of(("session", save.session_id), Task::Roster(Box::new(save)))
    }

    fn of(order: LockOrder, task: Task) -> (Self, Reply) {
        let (reply, answer) = oneshot::channel();
        (Job { order, task, reply }, answer)
    }
}

/// Turns a job's answer back into what it returned.
pub async fn answer_of<T: 'static>(
    answer: oneshot::Receiver<Result<Answer, Error>>,
) -> Result<T, Error> {
    let value = answer
        .await
        .map_err(|_| Error::Internal("the batch failed before its commit".into()))??;
    value
        .downcast::<T>()
        .map(|v| *v)
        .map_err(|_| Error::Internal("a group-commit answer of the wrong type".into()))
}

/// The handle requests submit their work to; the writer task runs behind it.
/// One writer per instance serves every kind of batched write, so on SQLite
/// they queue here (woken in order) rather than in the busy handler's sleeps.
pub struct GroupCommit {
    queue: mpsc::Sender<Job>,
}

impl GroupCommit {
    /// Starts the writer on the current tokio runtime.
    pub fn start(db: DatabaseConnection, max_batch: usize) -> Self {
        let max_batch = max_batch.max(1);
        let (queue, mut jobs) = mpsc::channel::<Job>(max_batch * 8);
        rocket::tokio::spawn(async move {
            let mut batch = Vec::with_capacity(max_batch);
            while jobs.recv_many(&mut batch, max_batch).await > 0 {
                let taken = std::mem::replace(&mut batch, Vec::with_capacity(max_batch));
                // Its own task, so that a panicking job fails its batch (the
                // reply senders are dropped: everyone hears an error, the
                // transaction is dropped uncommitted) but not the writer.
                if let Err(e) = rocket::tokio::spawn(run_batch(db.clone(), taken)).await {
                    tracing::error!(error = %e, "a group-commit batch died before its commit");
                }
            }
        });
        GroupCommit { queue }
    }

    /// Runs `work` in the next batch; answers after that batch's commit.
    pub async fn submit<T: Send + 'static>(
        &self,
        order: LockOrder,
        work: Work<T>,
    ) -> Result<T, Error> {
        self.run(Job::new(order, work)).await
    }

    /// Enrolls in the next batch, together with the batch's other online
    /// enrollments; answers after that batch's commit.
    pub async fn enroll(&self, application: OnlineApplication) -> Result<Enrolled, Error> {
        self.run(Job::enroll(application)).await
    }

    /// Saves a roster in the next batch, together with the batch's other
    /// roll-call saves; answers after that batch's commit.
    pub async fn save_roster(&self, save: RosterSave) -> Result<SaveOutcome, Error> {
        self.run(Job::roster(save)).await
    }

    async fn run<T: 'static>(&self, (job, answer): (Job, Reply)) -> Result<T, Error> {
        self.queue
            .send(job)
            .await
            .map_err(|_| Error::Internal("the group-commit writer has stopped".into()))?;
        answer_of(answer).await
    }
}

/// Runs one batch: one write transaction, one savepoint per job, one commit,
/// then the answers.
pub async fn run_batch(db: DatabaseConnection, mut jobs: Vec<Job>) {
    jobs.sort_by_key(|job| job.order);
    let txn = match crate::db::begin_write(&db).await {
        Ok(txn) => txn,
        Err(e) => {
            for job in jobs {
                let _ = job
                    .reply
                    .send(Err(shared_failure(&e, "cannot begin the batch")));
            }
            return;
        }
    };
    let mut outcomes = Vec::with_capacity(jobs.len());
    let mut jobs = jobs.into_iter().peekable();
    let mut broken = None;
    while let Some(job) = jobs.next() {
        let kind = std::mem::discriminant(&job.task);
        match job.task {
            Task::Work(work) => match run_one(&txn, work).await {
                Ok(outcome) => outcomes.push((job.reply, outcome)),
                Err(e) => {
                    broken = Some((e, vec![job.reply]));
                    break;
                }
            },
            Task::Enroll(first) => {
                // Sorted by lock order, the enrollments are neighbours: all
                // of them in one go, at the place of the first.
                let (replies, applications) =
                    neighbours(job.reply, *first, &mut jobs, kind, |task| match task {
                        Task::Enroll(a) => Some(*a),
                        _ => None,
                    });
                let answers = enrollment_batch::enroll_all(&txn, &applications).await;
                if let Err(e) = answered(&mut outcomes, replies, answers) {
                    broken = Some(e);
                    break;
                }
            }
            Task::Roster(first) => {
                let (replies, saves) =
                    neighbours(job.reply, *first, &mut jobs, kind, |task| match task {
                        Task::Roster(save) => Some(*save),
                        _ => None,
                    });
                let answers = attendance_batch::save_all(&txn, &saves).await;
                if let Err(e) = answered(&mut outcomes, replies, answers) {
                    broken = Some(e);
                    break;
                }
            }
        }
    }
    if let Some((e, mut unanswered)) = broken {
        // A savepoint that could not be begun, released or rolled back leaves
        // the transaction in a state nobody can vouch for (a job's writes may
        // stand though it failed): nothing of the batch is committed.
        tracing::error!(error = %e, "a savepoint failed; the whole batch is rolled back");
        if let Err(e) = txn.rollback().await {
            tracing::error!(error = %e, "rolling back a broken batch failed");
        }
        unanswered.extend(outcomes.into_iter().map(|(reply, _)| reply));
        unanswered.extend(jobs.map(|job| job.reply));
        for reply in unanswered {
            let _ = reply.send(Err(shared_failure(&e, "a savepoint failed")));
        }
        return;
    }
    match txn.commit().await {
        Ok(()) => {
            for (reply, outcome) in outcomes {
                let _ = reply.send(outcome);
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "group commit failed");
            for (reply, outcome) in outcomes {
                let _ = reply.send(match outcome {
                    // Its own refusal stands; its success did not happen.
                    Err(refused) => Err(refused),
                    Ok(_) => Err(shared_failure(&e, "commit failed")),
                });
            }
        }
    }
}

type Sender = oneshot::Sender<Result<Answer, Error>>;

/// The first job's task and the tasks of the same kind right after it
/// (`unpack` takes a task of that kind out of its `Task`).
fn neighbours<T>(
    reply: Sender,
    first: T,
    jobs: &mut std::iter::Peekable<std::vec::IntoIter<Job>>,
    kind: std::mem::Discriminant<Task>,
    unpack: fn(Task) -> Option<T>,
) -> (Vec<Sender>, Vec<T>) {
    let mut replies = vec![reply];
    let mut tasks = vec![first];
    while let Some(next) = jobs.next_if(|j| std::mem::discriminant(&j.task) == kind) {
        if let Some(task) = unpack(next.task) {
            replies.push(next.reply);
            tasks.push(task);
        }
    }
    (replies, tasks)
}

/// Files the answers of a group written together, or hands back the replies
/// when a savepoint failed (the batch is broken).
fn answered<T: Send + 'static>(
    outcomes: &mut Vec<(Sender, Result<Answer, Error>)>,
    replies: Vec<Sender>,
    answers: Result<Vec<Result<T, Error>>, DbErr>,
) -> Result<(), (DbErr, Vec<Sender>)> {
    match answers {
        Ok(answers) => {
            for (reply, answer) in replies.into_iter().zip(answers) {
                outcomes.push((reply, answer.map(|v| Box::new(v) as Answer)));
            }
            Ok(())
        }
        Err(e) => Err((e, replies)),
    }
}

/// A busy database stays "busy" (503, retry) for each job of the batch;
/// anything else is internal.
fn shared_failure(e: &DbErr, what: &str) -> Error {
    if crate::error::is_busy(e) {
        Error::Busy(format!("{what}: {e}"))
    } else {
        Error::Internal(format!("{what}: {e}"))
    }
}

/// One job on its own savepoint. The outer `Err` is a savepoint that failed
/// itself (the batch is broken); the inner result is the job's own.
async fn run_one<T>(txn: &DatabaseTransaction, work: Work<T>) -> Result<Result<T, Error>, DbErr> {
    let savepoint = txn.begin().await?;
    let done = work(&savepoint).await;
    settle(savepoint, done).await
}

/// Ends a job's savepoint by its result: kept when it succeeded, undone when
/// it failed. The outer `Err` is the savepoint itself failing (the batch is
/// broken); the inner result is the job's own.
pub(super) async fn settle<T>(
    savepoint: DatabaseTransaction,
    done: Result<T, Error>,
) -> Result<Result<T, Error>, DbErr> {
    match done {
        Ok(value) => {
            savepoint.commit().await?;
            Ok(Ok(value))
        }
        Err(e) => {
            savepoint.rollback().await?;
            Ok(Err(e))
        }
    }
}
