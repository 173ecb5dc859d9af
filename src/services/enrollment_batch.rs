//! The online enrollments of one group-commit batch, written together: the
//! courses, fees and existing enrollments of all the batch's applicants are
//! read once, `domain::seating` decides every application in arrival order,
//! and the writes are one counter update per course plus one multi-row
//! insert each of enrollments, events and mails — instead of ~10 statements
//! per application (`enrollment::enroll_in`), which is what limits a rush.
//!
//! Every application gets the answer, rows, event, mail and waitlist place
//! `enroll_in` would give it. The fast path runs on its own savepoint: if
//! anything in it fails at the database (a counter moved, a unique index met
//! because another instance enrolled the same person meanwhile), it is rolled
//! back whole and the batch's applications go through `enroll_in` one
//! savepoint each, so correctness never depends on the fast path.
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::prelude::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, ExprTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, QueryTrait, TransactionTrait,
};

use super::enrollment::{self as single, Applicant, Channel, Enrolled};
use super::outbox::{self, Mail};
use crate::domain::course::{CourseStatus, EnrollmentStatus};
use crate::domain::seating::{self, Seating, Taken};
use crate::domain::support::Scheme;
use crate::entities::{course, course_fee, enrollment, enrollment_event, user};
use crate::error::Error;
use crate::test_faults::{is_off, Protection};

/// An application made online, as queued for the writer.
#[derive(Debug, Clone)]
pub struct OnlineApplication {
    pub course_id: i64,
    pub applicant: Applicant,
    pub now: DateTime<Utc>,
}

/// Enrolls every application (in the order given, which the writer sorts by
/// course) inside the batch's transaction; one answer per application. The
/// outer `Err` is a savepoint that failed itself: the writes done so far may
/// or may not stand, so the caller must not commit the batch.
pub async fn enroll_all(
    txn: &DatabaseTransaction,
    applications: &[OnlineApplication],
) -> Result<Vec<Result<Enrolled, Error>>, DbErr> {
    let savepoint = txn.begin().await?;
    match together(&savepoint, applications).await {
        Ok(answers) => {
            savepoint.commit().await?;
            Ok(answers)
        }
        Err(e) => {
            tracing::warn!(error = %e, "batched enrollments fall back to one savepoint each");
            savepoint.rollback().await?;
            one_by_one(txn, applications).await
        }
    }
}

/// The path of one application at a time: `enroll_in` on its own savepoint.
pub async fn one_by_one(
    txn: &DatabaseTransaction,
    applications: &[OnlineApplication],
) -> Result<Vec<Result<Enrolled, Error>>, DbErr> {
    let mut answers = Vec::with_capacity(applications.len());
    for a in applications {
        answers.push(one(txn, a).await?);
    }
    Ok(answers)
}

async fn one(
    txn: &DatabaseTransaction,
    a: &OnlineApplication,
) -> Result<Result<Enrolled, Error>, DbErr> {
    let savepoint = txn.begin().await?;
    let enrolled = single::enroll_in(
        &savepoint,
        a.course_id,
        &a.applicant,
        Channel::Online,
        a.now,
    )
    .await;
    super::group_commit::settle(savepoint, enrolled).await
}

/// The fast path. An `Err` means "roll back and fall back"; refusals are
/// answers inside the `Ok`. Public for the fallback test only.
pub async fn together(
    conn: &DatabaseTransaction,
    applications: &[OnlineApplication],
) -> Result<Vec<Result<Enrolled, Error>>, Error> {
    let courses = locked_courses(conn, applications).await?;
    let rules = seating_rules(conn, &courses).await?;
    let active = already_enrolled(conn, applications).await?;
    let wanted: Vec<seating::Application> = applications.iter().map(wanted).collect();
    let (decisions, taken) = seating::decide(&rules, &active, &wanted);
    for (course_id, moved) in &taken {
        take_counters(
            conn,
            &courses[course_id],
            rules[course_id].seat_guard,
            *moved,
        )
        .await?;
    }
    let accepted: Vec<(&OnlineApplication, Seating)> = applications
        .iter()
        .zip(&decisions)
        .filter_map(|(a, d)| d.as_ref().ok().map(|s| (a, *s)))
        .collect();
    let waiting = waiting_before(conn, &accepted).await?;
    let rows = insert_enrollments(conn, &courses, &accepted).await?;
    let ranks = ranks(&courses, &waiting, &rows);
    insert_events(conn, &rows, &accepted).await?;
    queue_mails(conn, &courses, &rows, &ranks, &accepted).await?;
    let mut written = rows.into_iter().zip(ranks);
    Ok(decisions
        .into_iter()
        .map(|d| match d {
            Ok(_) => written
                .next()
                .ok_or_else(|| Error::Internal("an accepted application without a row".into())),
            Err(refusal) => Err(single::refused(refusal)),
        })
        .collect())
}

fn wanted(a: &OnlineApplication) -> seating::Application {
    seating::Application {
        course_id: a.course_id,
        user_id: a.applicant.user_id,
        price_category: a.applicant.price_category.clone(),
        scheme: Scheme::of_form(&a.applicant.form),
        now: a.now,
    }
}

/// The batch's courses, row-locked in ascending id order (the lock order
/// every batch and transfer keeps; SQLite ignores the clause), so their
/// counters cannot move until the commit.
async fn locked_courses(
    conn: &impl ConnectionTrait,
    applications: &[OnlineApplication],
) -> Result<BTreeMap<i64, course::Model>, Error> {
    let ids: Vec<i64> = distinct(applications.iter().map(|a| a.course_id));
    Ok(course::Entity::find()
        .filter(course::COLUMN.id.is_in(ids))
        .order_by_asc(course::Column::Id)
        .lock_exclusive()
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect())
}

/// What the seating rules need of each course, fees included.
async fn seating_rules(
    conn: &impl ConnectionTrait,
    courses: &BTreeMap<i64, course::Model>,
) -> Result<BTreeMap<i64, seating::Course>, Error> {
    let mut fees: HashMap<i64, Vec<crate::domain::fees::FeeLine>> = HashMap::new();
    for f in course_fee::Entity::find()
        .filter(course_fee::COLUMN.course_id.is_in(courses.keys().copied()))
        .order_by_asc(course_fee::Column::Id)
        .all(conn)
        .await?
    {
        fees.entry(f.course_id)
            .or_default()
            .push((f.category, f.component, f.amount_yen));
    }
    let mut rules = BTreeMap::new();
    for (id, c) in courses {
        rules.insert(
            *id,
            seating::Course {
                status: CourseStatus::parse(&c.status).unwrap_or(CourseStatus::Draft),
                opens_at: c.enrollment_opens_at,
                closes_at: c.enrollment_closes_at,
                starts_on: c.starts_on,
                requires_approval: c.requires_approval,
                waitlist_enabled: c.waitlist_enabled,
                capacity: c.capacity,
                seats_taken: c.seats_taken,
                waitlist_seq: c.waitlist_seq,
                fees: fees.remove(id).unwrap_or_default(),
                // Both off only in the race tests' control runs (test builds only).
                seat_guard: !is_off(conn, Protection::SeatGuard, *id).await?,
                one_active_check: !is_off(conn, Protection::OneActiveEnrollment, *id).await?,
            },
        );
    }
    Ok(rules)
}

/// The (course, person) pairs of the batch already enrolled.
async fn already_enrolled(
    conn: &impl ConnectionTrait,
    applications: &[OnlineApplication],
) -> Result<HashSet<(i64, i64)>, Error> {
    let courses = distinct(applications.iter().map(|a| a.course_id));
    let people = distinct(applications.iter().map(|a| a.applicant.user_id));
    let pairs: Vec<(i64, i64)> = enrollment::Entity::find()
        .select_only()
        .column(enrollment::Column::CourseId)
        .column(enrollment::Column::UserId)
        .filter(enrollment::COLUMN.course_id.is_in(courses.clone()))
        .filter(enrollment::COLUMN.user_id.is_in(people))
        .filter(
            enrollment::COLUMN
                .status
                .is_in(EnrollmentStatus::ACTIVE.map(|s| s.as_str())),
        )
        .into_tuple()
        .all(conn)
        .await?;
    let mut blind = HashSet::new();
    for id in courses {
        // Off only in the fallback test (test builds only).
        if is_off(conn, Protection::BatchSeesEnrollments, id).await? {
            blind.insert(id);
        }
    }
    Ok(pairs
        .into_iter()
        .filter(|(course_id, _)| !blind.contains(course_id))
        .collect())
}

/// Moves a course's seat and ticket counters by what the batch took — only
/// if they still hold what was read and (with the guard) the seats fit, so
/// a batch can never oversell; anything else sends the batch to its fallback.
async fn take_counters(
    conn: &impl ConnectionTrait,
    read: &course::Model,
    seat_guard: bool,
    moved: Taken,
) -> Result<(), Error> {
    let mut update = course::Entity::update_many()
        .col_expr(
            course::Column::SeatsTaken,
            Expr::col(course::Column::SeatsTaken).add(moved.seats),
        )
        .col_expr(
            course::Column::WaitlistSeq,
            Expr::col(course::Column::WaitlistSeq).add(moved.tickets),
        )
        .filter(course::COLUMN.id.eq(read.id))
        .filter(course::COLUMN.seats_taken.eq(read.seats_taken))
        .filter(course::COLUMN.waitlist_seq.eq(read.waitlist_seq));
    if seat_guard && moved.seats > 0 {
        update = update.filter(
            Expr::col(course::Column::SeatsTaken)
                .add(moved.seats)
                .lte(Expr::col(course::Column::Capacity)),
        );
    }
    if update.exec(conn).await?.rows_affected != 1 {
        return Err(Error::Internal(format!(
            "course {}: the counters moved under the batch",
            read.id
        )));
    }
    Ok(())
}

/// One multi-row insert; the rows come back in the order they were given
/// (checked, so a surprise falls back rather than mixing people up).
async fn insert_enrollments(
    conn: &impl ConnectionTrait,
    courses: &BTreeMap<i64, course::Model>,
    accepted: &[(&OnlineApplication, Seating)],
) -> Result<Vec<enrollment::Model>, Error> {
    if accepted.is_empty() {
        return Ok(vec![]);
    }
    let new_rows = accepted.iter().map(|(a, s)| {
        let due = single::payment_due(&courses[&a.course_id], s.status, a.now);
        single::new_row(
            a.course_id,
            &a.applicant,
            s.status,
            s.ticket,
            s.amount_due,
            due,
            a.now,
        )
    });
    let mut insert = enrollment::Entity::insert_many(new_rows).into_query();
    insert.returning_all();
    let statement = conn.get_database_backend().build(&insert);
    let mut rows = enrollment::Model::find_by_statement(statement)
        .all(conn)
        .await?;
    rows.sort_by_key(|r| r.id);
    let as_given = rows.len() == accepted.len()
        && rows
            .iter()
            .zip(accepted)
            .all(|(r, (a, _))| r.course_id == a.course_id && r.user_id == a.applicant.user_id);
    if !as_given {
        return Err(Error::Internal(
            "the enrollments came back out of order".into(),
        ));
    }
    Ok(rows)
}

/// How many wait in each course the batch queues people for, before it
/// does. Every ticket handed out is at most the course's counter, so this is
/// `enrollment::waitlist_rank`'s "waiting with a ticket up to mine" without
/// the batch's own.
async fn waiting_before(
    conn: &impl ConnectionTrait,
    accepted: &[(&OnlineApplication, Seating)],
) -> Result<HashMap<i64, u64>, Error> {
    let queued: Vec<i64> = distinct(
        accepted
            .iter()
            .filter(|(_, s)| s.ticket.is_some())
            .map(|(a, _)| a.course_id),
    );
    if queued.is_empty() {
        return Ok(HashMap::new());
    }
    let counts: Vec<(i64, i64)> = enrollment::Entity::find()
        .select_only()
        .column(enrollment::Column::CourseId)
        .column_as(enrollment::Column::Id.count(), "waiting")
        .filter(enrollment::COLUMN.course_id.is_in(queued))
        .filter(
            enrollment::COLUMN
                .status
                .eq(EnrollmentStatus::Waitlisted.as_str()),
        )
        .filter(enrollment::COLUMN.waitlist_ticket.is_not_null())
        .group_by(enrollment::Column::CourseId)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(counts
        .into_iter()
        .map(|(course_id, n)| (course_id, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// Each new row's place in the queue, for the waitlisted ones.
fn ranks(
    courses: &BTreeMap<i64, course::Model>,
    waiting: &HashMap<i64, u64>,
    rows: &[enrollment::Model],
) -> Vec<Option<u64>> {
    rows.iter()
        .map(|r| {
            r.waitlist_ticket.map(|ticket| {
                let before = waiting.get(&r.course_id).copied().unwrap_or(0);
                seating::waitlist_rank(before, courses[&r.course_id].waitlist_seq, ticket)
            })
        })
        .collect()
}

async fn insert_events(
    conn: &impl ConnectionTrait,
    rows: &[enrollment::Model],
    accepted: &[(&OnlineApplication, Seating)],
) -> Result<(), Error> {
    if rows.is_empty() {
        return Ok(());
    }
    // Online, the applicant is the actor and there is no note.
    let events = rows
        .iter()
        .zip(accepted)
        .map(|(r, (a, _))| single::new_event(r, r.user_id, "", a.now));
    enrollment_event::Entity::insert_many(events)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Each new enrollment's mail (`enrollment::status_mail`), in one insert.
async fn queue_mails(
    conn: &impl ConnectionTrait,
    courses: &BTreeMap<i64, course::Model>,
    rows: &[enrollment::Model],
    ranks: &[Option<u64>],
    accepted: &[(&OnlineApplication, Seating)],
) -> Result<(), Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let people: HashMap<i64, user::Model> = user::Entity::find()
        .filter(
            user::COLUMN
                .id
                .is_in(distinct(rows.iter().map(|r| r.user_id))),
        )
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let owes = accepted
        .iter()
        .any(|(_, s)| s.status == EnrollmentStatus::PendingPayment);
    let bank = match owes {
        true => super::payment_mails::stored_bank_details(conn).await?,
        false => None,
    };
    let mut mails: Vec<(Mail<'_>, DateTime<Utc>)> = Vec::with_capacity(rows.len());
    for ((row, rank), (a, s)) in rows.iter().zip(ranks).zip(accepted) {
        let person = people.get(&row.user_id).ok_or(Error::NotFound)?;
        let position = [("position", rank.map(|r| r.to_string()).unwrap_or_default())];
        let course = &courses[&row.course_id];
        let mail = single::status_mail(
            person,
            row,
            course,
            s.status,
            &position,
            bank.as_deref(),
            a.now,
        );
        mails.push((mail, a.now));
    }
    outbox::enqueue_many(conn, mails).await?;
    Ok(())
}

fn distinct(ids: impl Iterator<Item = i64>) -> Vec<i64> {
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}
