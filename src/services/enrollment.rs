//! Enrollment: seats decided by the database, a waitlist with timed offers,
//! approval with identity check, cancellation and transfer. Every transition
//! is one transaction that also records the event and queues the mail.
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::prelude::Expr;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    ExprTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::outbox::{self, Mail};
use super::{audit, catalog, is_unique_violation};
use crate::domain::course::{self as rules, CourseStatus, EnrollmentStatus};
use crate::domain::seating::{self, Refusal};
use crate::entities::{course, course_fee, enrollment, enrollment_event, user};
use crate::error::Error;
use crate::i18n::Lang;
use crate::test_faults::Protection;

/// Who is asking: the trainee online, or staff acting for someone (phone or
/// fax applications, transfers), who may enroll outside the window.
#[derive(Debug, Clone, Copy)]
pub enum Channel {
    Online,
    Staff { actor_id: i64 },
}

impl Channel {
    fn actor(self, user_id: i64) -> i64 {
        match self {
            Channel::Online => user_id,
            Channel::Staff { actor_id } => actor_id,
        }
    }
}

/// The application as parsed at the edge.
#[derive(Debug, Clone)]
pub struct Applicant {
    pub user_id: i64,
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
    pub price_category: String,
    pub member_number: Option<String>,
    pub form: serde_json::Value,
    pub answers: Vec<(i64, String)>,
    pub special_care_notes: Option<String>,
}

fn status_of(row: &enrollment::Model) -> Result<EnrollmentStatus, Error> {
    EnrollmentStatus::parse(&row.status)
        .ok_or_else(|| Error::Internal(format!("unknown status {}", row.status)))
}

pub(crate) async fn record_event(
    conn: &impl ConnectionTrait,
    enrollment_id: i64,
    actor_id: Option<i64>,
    from: Option<EnrollmentStatus>,
    to: EnrollmentStatus,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    enrollment_event::ActiveModel {
        enrollment_id: Set(enrollment_id),
        actor_id: Set(actor_id),
        from_status: Set(from.map(|s| s.as_str().to_string())),
        to_status: Set(to.as_str().to_string()),
        note: Set(note.to_string()),
        at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Queues the mail for an event, in the recipient's language.
async fn notify(
    conn: &impl ConnectionTrait,
    user_id: i64,
    course: &course::Model,
    event: &'static str,
    extra: &[(&str, String)],
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let person = super::accounts::find(conn, user_id).await?;
    outbox::enqueue(conn, event_mail(&person, course, event, extra), now).await?;
    Ok(())
}

/// The mail for an event about a course, in the recipient's language.
pub(crate) fn event_mail<'a>(
    person: &'a user::Model,
    course: &course::Model,
    event: &'a str,
    extra: &[(&str, String)],
) -> Mail<'a> {
    let mut args = vec![("course", course.title.clone())];
    args.extend(extra.iter().map(|(k, v)| (*k, v.clone())));
    super::notifications::mail_to(person, event, &args)
}

/// Queues a mail about a course to a person (for other services' events).
pub async fn notify_public(
    conn: &impl ConnectionTrait,
    user_id: i64,
    course: &course::Model,
    event: &'static str,
    extra: &[(&str, String)],
    now: DateTime<Utc>,
) -> Result<(), Error> {
    notify(conn, user_id, course, event, extra, now).await
}

/// Takes one seat if one is free: decided by a conditional update in the
/// database, so concurrent requests (and instances) can never oversell.
pub(crate) async fn take_seat(conn: &impl ConnectionTrait, course_id: i64) -> Result<bool, Error> {
    let mut update = course::Entity::update_many()
        .col_expr(
            course::Column::SeatsTaken,
            Expr::col(course::Column::SeatsTaken).add(1),
        )
        .filter(course::COLUMN.id.eq(course_id));
    // Off only in the race tests' control runs (test builds only).
    if !crate::test_faults::is_off(conn, Protection::SeatGuard, course_id).await? {
        update = update
            .filter(Expr::col(course::Column::SeatsTaken).lt(Expr::col(course::Column::Capacity)));
    }
    let taken = update.exec(conn).await?;
    Ok(taken.rows_affected == 1)
}

/// Locks course rows in ascending id order before a transaction touches more
/// than one of them. Group-commit batches take course rows in that order too
/// (`group_commit::LockOrder`), so on PostgreSQL a transfer and a batch of
/// enrollments cannot deadlock; SQLite's write transaction excludes every
/// other writer and ignores the lock clause.
async fn lock_courses_in_order(conn: &impl ConnectionTrait, ids: &[i64]) -> Result<(), Error> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    course::Entity::find()
        .select_only()
        .column(course::Column::Id)
        .filter(course::COLUMN.id.is_in(ids))
        .order_by_asc(course::Column::Id)
        .lock_exclusive()
        .into_tuple::<i64>()
        .all(conn)
        .await?;
    Ok(())
}

async fn release_seat(conn: &impl ConnectionTrait, course_id: i64) -> Result<(), Error> {
    course::Entity::update_many()
        .col_expr(
            course::Column::SeatsTaken,
            Expr::col(course::Column::SeatsTaken).sub(1),
        )
        .filter(course::COLUMN.id.eq(course_id))
        .filter(course::COLUMN.seats_taken.gt(0))
        .exec(conn)
        .await?;
    Ok(())
}

/// Hands out the next waitlist ticket. The update locks the course row, so
/// tickets are consecutive and never shared.
async fn next_ticket(conn: &impl ConnectionTrait, course_id: i64) -> Result<i32, Error> {
    course::Entity::update_many()
        .col_expr(
            course::Column::WaitlistSeq,
            Expr::col(course::Column::WaitlistSeq).add(1),
        )
        .filter(course::COLUMN.id.eq(course_id))
        .exec(conn)
        .await?;
    Ok(catalog::find(conn, course_id).await?.waitlist_seq)
}

/// Offers freed seats to the waitlist, first ticket first, as long as seats are free.
async fn promote(
    conn: &DatabaseTransaction,
    course_id: i64,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let course = catalog::find(conn, course_id).await?;
    if !course.waitlist_enabled {
        return Ok(());
    }
    loop {
        let next = enrollment::Entity::find()
            .filter(enrollment::COLUMN.course_id.eq(course_id))
            .filter(
                enrollment::COLUMN
                    .status
                    .eq(EnrollmentStatus::Waitlisted.as_str()),
            )
            .order_by_asc(enrollment::COLUMN.waitlist_ticket)
            .one(conn)
            .await?;
        let Some(next) = next else { return Ok(()) };
        if !take_seat(conn, course_id).await? {
            return Ok(());
        }
        let expires = now + Duration::hours(i64::from(course.offer_hold_hours));
        enrollment::Entity::update_many()
            .col_expr(
                enrollment::Column::Status,
                Expr::value(EnrollmentStatus::Offered.as_str()),
            )
            .col_expr(enrollment::Column::OfferExpiresAt, Expr::value(expires))
            .col_expr(enrollment::Column::UpdatedAt, Expr::value(now))
            .filter(enrollment::COLUMN.id.eq(next.id))
            .exec(conn)
            .await?;
        record_event(
            conn,
            next.id,
            None,
            Some(EnrollmentStatus::Waitlisted),
            EnrollmentStatus::Offered,
            "",
            now,
        )
        .await?;
        let deadline = crate::i18n::format_datetime(Lang::Ja, expires);
        notify(
            conn,
            next.user_id,
            &course,
            "offer",
            &[("deadline", deadline)],
            now,
        )
        .await?;
    }
}

/// The status a newly seated enrollment starts in: approval first where the
/// course needs it, then payment where something is owed.
fn seated_status(course: &course::Model, amount_due: i64) -> EnrollmentStatus {
    seating::seated_status(course.requires_approval, amount_due)
}

/// The error an application refused by the seating rules gets.
pub(crate) fn refused(refusal: Refusal) -> Error {
    match refusal {
        Refusal::NotFound => Error::NotFound,
        Refusal::Conflict(key) => Error::Conflict(key),
        Refusal::Price(e) => e.into(),
    }
}

fn after_approval(amount_due: i64) -> EnrollmentStatus {
    if amount_due > 0 {
        EnrollmentStatus::PendingPayment
    } else {
        EnrollmentStatus::Confirmed
    }
}

pub(crate) fn payment_due(
    course: &course::Model,
    status: EnrollmentStatus,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    (status == EnrollmentStatus::PendingPayment)
        .then(|| now + Duration::days(i64::from(std::cmp::max(course.payment_deadline_days, 0))))
}

/// What the applicant owes for the course in their price category (all
/// payers together), once their public support scheme is applied.
pub(crate) async fn amount_for(
    conn: &impl ConnectionTrait,
    course_id: i64,
    category: &str,
    scheme: Option<crate::domain::support::Scheme>,
) -> Result<i64, Error> {
    Ok(price_for(conn, course_id, category, scheme).await?.due_yen)
}

/// The price of a course for a price category under a support scheme.
pub async fn price_for(
    conn: &impl ConnectionTrait,
    course_id: i64,
    category: &str,
    scheme: Option<crate::domain::support::Scheme>,
) -> Result<crate::domain::support::Price, Error> {
    let lines: Vec<crate::domain::fees::FeeLine> = course_fee::Entity::find()
        .filter(course_fee::COLUMN.course_id.eq(course_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|f| (f.category, f.component, f.amount_yen))
        .collect();
    Ok(crate::domain::support::price(&lines, category, scheme)?)
}

pub async fn active_for(
    conn: &impl ConnectionTrait,
    course_id: i64,
    user_id: i64,
) -> Result<Option<enrollment::Model>, Error> {
    Ok(enrollment::Entity::find()
        .filter(enrollment::COLUMN.course_id.eq(course_id))
        .filter(enrollment::COLUMN.user_id.eq(user_id))
        .filter(
            enrollment::COLUMN
                .status
                .is_in(EnrollmentStatus::ACTIVE.map(|s| s.as_str())),
        )
        .one(conn)
        .await?)
}

/// Enrolls: a seat if one is free, else a waitlist ticket, else "full".
pub async fn enroll(
    db: &DatabaseConnection,
    course_id: i64,
    applicant: &Applicant,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<enrollment::Model, Error> {
    let txn = crate::db::begin_write(db).await?;
    let (row, _) = enroll_in(&txn, course_id, applicant, channel, now).await?;
    txn.commit().await?;
    Ok(row)
}

/// An enrollment and, while waitlisted, its place in the queue.
pub type Enrolled = (enrollment::Model, Option<u64>);

/// Enrolls like `enroll`, in the next group commit, answered only once that
/// batch's transaction is committed: online applications are written
/// together with the batch's others (`enrollment_batch`, same answers and
/// rows), staff ones with `enroll_in` on their own savepoint.
pub async fn enroll_batched(
    writer: &super::group_commit::GroupCommit,
    course_id: i64,
    applicant: Applicant,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<Enrolled, Error> {
    match channel {
        Channel::Online => {
            let application = super::enrollment_batch::OnlineApplication {
                course_id,
                applicant,
                now,
            };
            writer.enroll(application).await
        }
        Channel::Staff { .. } => {
            writer
                .submit(
                    ("course", course_id),
                    Box::new(move |txn| {
                        Box::pin(async move {
                            enroll_in(txn, course_id, &applicant, channel, now).await
                        })
                    }),
                )
                .await
        }
    }
}

/// The enrollment's statements, inside the caller's write transaction. An
/// error leaves that transaction for the caller to roll back.
pub async fn enroll_in(
    txn: &DatabaseTransaction,
    course_id: i64,
    applicant: &Applicant,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<Enrolled, Error> {
    let course = catalog::find(txn, course_id).await?;
    let status = CourseStatus::parse(&course.status).unwrap_or(CourseStatus::Draft);
    match channel {
        Channel::Online => {
            let window = rules::enrollment_window(
                now,
                course.enrollment_opens_at,
                course.enrollment_closes_at,
                course.starts_on,
            );
            seating::online_admission(status, window).map_err(refused)?;
        }
        Channel::Staff { .. } => {
            if !status.is_public() {
                return Err(Error::Conflict("err-enrollment-closed"));
            }
        }
    }
    // The check is off only in the duplicate race test's control run.
    if !crate::test_faults::is_off(txn, Protection::OneActiveEnrollment, course_id).await?
        && active_for(txn, course_id, applicant.user_id)
            .await?
            .is_some()
    {
        return Err(Error::Conflict("err-already-enrolled"));
    }
    let scheme = crate::domain::support::Scheme::of_form(&applicant.form);
    let amount_due = amount_for(txn, course_id, &applicant.price_category, scheme).await?;
    let (status, ticket) = if take_seat(txn, course_id).await? {
        (seated_status(&course, amount_due), None)
    } else if course.waitlist_enabled {
        (
            EnrollmentStatus::Waitlisted,
            Some(next_ticket(txn, course_id).await?),
        )
    } else {
        return Err(Error::Conflict("err-course-full"));
    };
    let inserted = new_row(
        course_id,
        applicant,
        status,
        ticket,
        amount_due,
        payment_due(&course, status, now),
        now,
    )
    .insert(txn)
    .await;
    let row = match inserted {
        Ok(row) => row,
        // A simultaneous request of the same person won; this one rolls back whole.
        Err(e) if is_unique_violation(&e) => return Err(Error::Conflict("err-already-enrolled")),
        Err(e) => return Err(e.into()),
    };
    let actor = channel.actor(applicant.user_id);
    let note = match channel {
        Channel::Online => "",
        Channel::Staff { .. } => "entered by staff",
    };
    record_event(txn, row.id, Some(actor), None, status, note, now).await?;
    let rank = match ticket {
        Some(_) => waitlist_rank(txn, &row).await?,
        None => None,
    };
    let position = rank.map(|r| r.to_string()).unwrap_or_default();
    tell_status(txn, &row, &course, status, &[("position", position)], now).await?;
    Ok((row, rank))
}

/// A new enrollment row for an application, as it is inserted.
pub(crate) fn new_row(
    course_id: i64,
    applicant: &Applicant,
    status: EnrollmentStatus,
    ticket: Option<i32>,
    amount_due: i64,
    payment_due_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> enrollment::ActiveModel {
    enrollment::ActiveModel {
        course_id: Set(course_id),
        user_id: Set(applicant.user_id),
        status: Set(status.as_str().to_string()),
        family_name: Set(applicant.family_name.clone()),
        given_name: Set(applicant.given_name.clone()),
        family_name_kana: Set(applicant.family_name_kana.clone()),
        given_name_kana: Set(applicant.given_name_kana.clone()),
        price_category: Set(applicant.price_category.clone()),
        member_number: Set(applicant.member_number.clone()),
        form: Set(applicant.form.to_string()),
        answers: Set(serde_json::to_string(&applicant.answers).unwrap_or_else(|_| "[]".into())),
        special_care_notes: Set(applicant.special_care_notes.clone()),
        consent_at: Set(now),
        waitlist_ticket: Set(ticket),
        amount_due_yen: Set(amount_due),
        payment_due_at: Set(payment_due_at),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// The event row of a new online enrollment (what `record_event` writes).
pub(crate) fn new_event(
    row: &enrollment::Model,
    actor_id: i64,
    note: &str,
    now: DateTime<Utc>,
) -> enrollment_event::ActiveModel {
    enrollment_event::ActiveModel {
        enrollment_id: Set(row.id),
        actor_id: Set(Some(actor_id)),
        from_status: Set(None),
        to_status: Set(row.status.clone()),
        note: Set(note.to_string()),
        at: Set(now),
        ..Default::default()
    }
}

/// The mail for the status an enrollment has just reached.
async fn tell_status(
    conn: &impl ConnectionTrait,
    row: &enrollment::Model,
    course: &course::Model,
    status: EnrollmentStatus,
    extra: &[(&str, String)],
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let person = super::accounts::find(conn, row.user_id).await?;
    let bank = match status {
        EnrollmentStatus::PendingPayment => super::payment_mails::stored_bank_details(conn).await?,
        _ => None,
    };
    let mail = status_mail(&person, row, course, status, extra, bank.as_deref(), now);
    outbox::enqueue(conn, mail, now).await?;
    Ok(())
}

/// The text of `tell_status`'s mail, given the recipient and the stored bank
/// details (read only for payment instructions).
pub(crate) fn status_mail<'a>(
    person: &'a user::Model,
    row: &enrollment::Model,
    course: &course::Model,
    status: EnrollmentStatus,
    extra: &[(&str, String)],
    bank: Option<&str>,
    now: DateTime<Utc>,
) -> Mail<'a> {
    use super::payment_mails::{bank_text, requested_args};
    match status {
        EnrollmentStatus::Waitlisted => event_mail(person, course, "waitlisted", extra),
        EnrollmentStatus::PendingApproval => event_mail(person, course, "received", extra),
        EnrollmentStatus::PendingPayment => {
            // Payment instructions with the bank details, in the person's language.
            let due = payment_due(course, status, now).unwrap_or(now);
            let lang = super::notifications::lang_of(person);
            let args = requested_args(row, course, due, lang, bank_text(bank, lang));
            super::notifications::mail_to(person, "payment-requested", &args)
        }
        _ => event_mail(person, course, "confirmed", extra),
    }
}

/// The current place in the queue (1 = next to be offered), for waitlisted people.
pub async fn waitlist_rank(
    conn: &impl ConnectionTrait,
    row: &enrollment::Model,
) -> Result<Option<u64>, Error> {
    let Some(ticket) = row.waitlist_ticket else {
        return Ok(None);
    };
    if row.status != EnrollmentStatus::Waitlisted.as_str() {
        return Ok(None);
    }
    let ahead = enrollment::Entity::find()
        .filter(enrollment::COLUMN.course_id.eq(row.course_id))
        .filter(
            enrollment::COLUMN
                .status
                .eq(EnrollmentStatus::Waitlisted.as_str()),
        )
        .filter(enrollment::COLUMN.waitlist_ticket.lte(ticket))
        .count(conn)
        .await?;
    Ok(Some(ahead))
}

pub async fn find(conn: &impl ConnectionTrait, id: i64) -> Result<enrollment::Model, Error> {
    enrollment::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)
}

/// An enrollment its owner (or staff) may see; anyone else gets "not found".
pub async fn find_visible(
    conn: &impl ConnectionTrait,
    id: i64,
    viewer_id: i64,
    viewer_is_staff: bool,
) -> Result<enrollment::Model, Error> {
    let row = find(conn, id).await?;
    if row.user_id == viewer_id || viewer_is_staff {
        Ok(row)
    } else {
        Err(Error::NotFound)
    }
}

/// Moves an enrollment from one of `from` to `to` only if it is still in one
/// of them: the database decides which of two racing requests wins.
async fn transition(
    conn: &impl ConnectionTrait,
    id: i64,
    from: &[EnrollmentStatus],
    to: EnrollmentStatus,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let mut update = enrollment::Entity::update_many()
        .col_expr(enrollment::Column::Status, Expr::value(to.as_str()))
        .col_expr(enrollment::Column::UpdatedAt, Expr::value(now))
        .filter(enrollment::COLUMN.id.eq(id))
        .filter(
            enrollment::COLUMN
                .status
                .is_in(from.iter().map(|s| s.as_str())),
        );
    if let Some(reason) = reason {
        update = update.col_expr(enrollment::Column::StatusReason, Expr::value(reason));
    }
    Ok(update.exec(conn).await?.rows_affected == 1)
}

/// Who is cancelling, for the deadline rule.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub id: i64,
    pub is_staff: bool,
}

/// Cancels an enrollment: its owner before the deadline, staff any time. A
/// held seat goes to the next person on the waitlist.
pub async fn cancel(
    db: &DatabaseConnection,
    id: i64,
    actor: Actor,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<enrollment::Model, Error> {
    let txn = crate::db::begin_write(db).await?;
    let row = find_visible(&txn, id, actor.id, actor.is_staff).await?;
    let course = catalog::find(&txn, row.course_id).await?;
    let from = status_of(&row)?;
    if !from.is_active() {
        return Err(Error::Conflict("err-enrollment-not-active"));
    }
    if !actor.is_staff
        && !rules::may_self_cancel(now, course.starts_on, course.cancellation_deadline_days)
    {
        return Err(Error::Conflict("err-cancel-deadline-passed"));
    }
    if !transition(&txn, id, &[from], EnrollmentStatus::Cancelled, reason, now).await? {
        return Err(Error::Conflict("err-enrollment-changed"));
    }
    record_event(
        &txn,
        id,
        Some(actor.id),
        Some(from),
        EnrollmentStatus::Cancelled,
        reason.unwrap_or(""),
        now,
    )
    .await?;
    if from.holds_seat() {
        release_seat(&txn, course.id).await?;
        promote(&txn, course.id, now).await?;
    }
    notify(&txn, row.user_id, &course, "cancelled", &[], now).await?;
    txn.commit().await?;
    find(db, id).await
}

/// The owner accepts an open offer; the held seat becomes theirs.
pub async fn accept_offer(
    db: &DatabaseConnection,
    id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<enrollment::Model, Error> {
    let txn = crate::db::begin_write(db).await?;
    let row = find_visible(&txn, id, user_id, false).await?;
    let course = catalog::find(&txn, row.course_id).await?;
    let next = seated_status(&course, row.amount_due_yen);
    let accepted = enrollment::Entity::update_many()
        .col_expr(enrollment::Column::Status, Expr::value(next.as_str()))
        .col_expr(
            enrollment::Column::PaymentDueAt,
            Expr::value(payment_due(&course, next, now)),
        )
        .col_expr(
            enrollment::Column::OfferExpiresAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(enrollment::Column::UpdatedAt, Expr::value(now))
        .filter(enrollment::COLUMN.id.eq(id))
        .filter(
            enrollment::COLUMN
                .status
                .eq(EnrollmentStatus::Offered.as_str()),
        )
        .filter(enrollment::COLUMN.offer_expires_at.gt(now))
        .exec(&txn)
        .await?;
    if accepted.rows_affected != 1 {
        return Err(Error::Conflict("err-offer-not-open"));
    }
    record_event(
        &txn,
        id,
        Some(user_id),
        Some(EnrollmentStatus::Offered),
        next,
        "offer accepted",
        now,
    )
    .await?;
    tell_status(
        &txn,
        &row,
        &course,
        next,
        &[("position", String::new())],
        now,
    )
    .await?;
    txn.commit().await?;
    find(db, id).await
}

/// Expires offers whose hold time has passed and offers the seats onward.
/// Safe to run on several instances at once: each expiry is a conditional
/// update that only one of them can win.
pub async fn expire_offers(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<usize, Error> {
    let due: Vec<i64> = enrollment::Entity::find()
        .select_only()
        .column(enrollment::Column::Id)
        .filter(
            enrollment::COLUMN
                .status
                .eq(EnrollmentStatus::Offered.as_str()),
        )
        .filter(enrollment::COLUMN.offer_expires_at.lte(now))
        .order_by_asc(enrollment::COLUMN.offer_expires_at)
        .limit(200)
        .into_tuple()
        .all(db)
        .await?;
    let mut expired = 0;
    for id in due {
        let txn = crate::db::begin_write(db).await?;
        let won = enrollment::Entity::update_many()
            .col_expr(
                enrollment::Column::Status,
                Expr::value(EnrollmentStatus::Cancelled.as_str()),
            )
            .col_expr(
                enrollment::Column::StatusReason,
                Expr::value("offer_expired"),
            )
            .col_expr(enrollment::Column::UpdatedAt, Expr::value(now))
            .filter(enrollment::COLUMN.id.eq(id))
            .filter(
                enrollment::COLUMN
                    .status
                    .eq(EnrollmentStatus::Offered.as_str()),
            )
            .filter(enrollment::COLUMN.offer_expires_at.lte(now))
            .exec(&txn)
            .await?;
        if won.rows_affected != 1 {
            continue;
        }
        let row = find(&txn, id).await?;
        let course = catalog::find(&txn, row.course_id).await?;
        record_event(
            &txn,
            id,
            None,
            Some(EnrollmentStatus::Offered),
            EnrollmentStatus::Cancelled,
            "offer expired",
            now,
        )
        .await?;
        release_seat(&txn, course.id).await?;
        promote(&txn, course.id, now).await?;
        notify(&txn, row.user_id, &course, "offer-expired", &[], now).await?;
        txn.commit().await?;
        expired += 1;
    }
    Ok(expired)
}

/// Staff approve a pending application after checking identity (本人確認).
pub async fn approve(
    db: &DatabaseConnection,
    id: i64,
    staff_id: i64,
    identity_document: &str,
    checked_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<enrollment::Model, Error> {
    let document = identity_document.trim();
    if !IDENTITY_DOCUMENTS.contains(&document) {
        return Err(Error::invalid(
            "identity_document",
            "err-identity-document-invalid",
        ));
    }
    if checked_on > rules::jst_date(now) {
        return Err(Error::invalid("checked_on", "err-checked-on-future"));
    }
    let txn = crate::db::begin_write(db).await?;
    let row = find(&txn, id).await?;
    let course = catalog::find(&txn, row.course_id).await?;
    let next = after_approval(row.amount_due_yen);
    let approved = enrollment::Entity::update_many()
        .col_expr(enrollment::Column::Status, Expr::value(next.as_str()))
        .col_expr(
            enrollment::Column::PaymentDueAt,
            Expr::value(payment_due(&course, next, now)),
        )
        .col_expr(enrollment::Column::IdentityDocument, Expr::value(document))
        .col_expr(
            enrollment::Column::IdentityCheckedOn,
            Expr::value(checked_on),
        )
        .col_expr(enrollment::Column::IdentityCheckedBy, Expr::value(staff_id))
        .col_expr(enrollment::Column::UpdatedAt, Expr::value(now))
        .filter(enrollment::COLUMN.id.eq(id))
        .filter(
            enrollment::COLUMN
                .status
                .eq(EnrollmentStatus::PendingApproval.as_str()),
        )
        .exec(&txn)
        .await?;
    if approved.rows_affected != 1 {
        return Err(Error::Conflict("err-not-pending-approval"));
    }
    let note = format!("identity: {document} on {checked_on}");
    record_event(
        &txn,
        id,
        Some(staff_id),
        Some(EnrollmentStatus::PendingApproval),
        next,
        &note,
        now,
    )
    .await?;
    audit::record(
        &txn,
        Some(staff_id),
        "enrollment_approve",
        ("enrollment", Some(id)),
        serde_json::json!({"identity_document": document, "checked_on": checked_on}),
        now,
    )
    .await?;
    if next == EnrollmentStatus::PendingPayment {
        tell_status(&txn, &row, &course, next, &[], now).await?;
    } else {
        notify(&txn, row.user_id, &course, "approved", &[], now).await?;
    }
    txn.commit().await?;
    find(db, id).await
}

/// Confirms a seat once it is paid in full (called by the payments service
/// inside its transaction). Returns false when it was not waiting for payment.
pub async fn mark_paid(
    conn: &impl ConnectionTrait,
    id: i64,
    actor_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let row = find(conn, id).await?;
    if !transition(
        conn,
        id,
        &[EnrollmentStatus::PendingPayment],
        EnrollmentStatus::Confirmed,
        None,
        now,
    )
    .await?
    {
        return Ok(false);
    }
    record_event(
        conn,
        id,
        actor_id,
        Some(EnrollmentStatus::PendingPayment),
        EnrollmentStatus::Confirmed,
        "paid",
        now,
    )
    .await?;
    let course = catalog::find(conn, row.course_id).await?;
    notify(conn, row.user_id, &course, "confirmed", &[], now).await?;
    Ok(true)
}

/// Releases seats whose payment deadline passed without payment, and offers
/// them to the waitlist. Safe on several instances (conditional updates).
pub async fn release_unpaid(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<usize, Error> {
    let due: Vec<i64> = enrollment::Entity::find()
        .select_only()
        .column(enrollment::Column::Id)
        .filter(
            enrollment::COLUMN
                .status
                .eq(EnrollmentStatus::PendingPayment.as_str()),
        )
        .filter(enrollment::COLUMN.payment_due_at.lte(now))
        .limit(200)
        .into_tuple()
        .all(db)
        .await?;
    let mut released = 0;
    for id in due {
        let txn = crate::db::begin_write(db).await?;
        let won = enrollment::Entity::update_many()
            .col_expr(
                enrollment::Column::Status,
                Expr::value(EnrollmentStatus::Cancelled.as_str()),
            )
            .col_expr(
                enrollment::Column::StatusReason,
                Expr::value("payment_deadline"),
            )
            .col_expr(enrollment::Column::UpdatedAt, Expr::value(now))
            .filter(enrollment::COLUMN.id.eq(id))
            .filter(
                enrollment::COLUMN
                    .status
                    .eq(EnrollmentStatus::PendingPayment.as_str()),
            )
            .filter(enrollment::COLUMN.payment_due_at.lte(now))
            .exec(&txn)
            .await?;
        if won.rows_affected != 1 {
            continue;
        }
        let row = find(&txn, id).await?;
        let course = catalog::find(&txn, row.course_id).await?;
        record_event(
            &txn,
            id,
            None,
            Some(EnrollmentStatus::PendingPayment),
            EnrollmentStatus::Cancelled,
            "payment deadline passed",
            now,
        )
        .await?;
        release_seat(&txn, course.id).await?;
        promote(&txn, course.id, now).await?;
        notify(&txn, row.user_id, &course, "payment-expired", &[], now).await?;
        txn.commit().await?;
        released += 1;
    }
    Ok(released)
}

/// Public documents accepted for 本人確認 (never the My Number side).
pub const IDENTITY_DOCUMENTS: [&str; 7] = [
    "drivers_license",
    "residence_certificate",
    "residence_card",
    "passport",
    "health_insurance_card",
    "my_number_card_front",
    "other_public_document",
];

pub async fn reject(
    db: &DatabaseConnection,
    id: i64,
    staff_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<enrollment::Model, Error> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(Error::invalid("reason", "err-reason-required"));
    }
    let txn = crate::db::begin_write(db).await?;
    let row = find(&txn, id).await?;
    let course = catalog::find(&txn, row.course_id).await?;
    if !transition(
        &txn,
        id,
        &[EnrollmentStatus::PendingApproval],
        EnrollmentStatus::Rejected,
        Some(reason),
        now,
    )
    .await?
    {
        return Err(Error::Conflict("err-not-pending-approval"));
    }
    record_event(
        &txn,
        id,
        Some(staff_id),
        Some(EnrollmentStatus::PendingApproval),
        EnrollmentStatus::Rejected,
        reason,
        now,
    )
    .await?;
    audit::record(
        &txn,
        Some(staff_id),
        "enrollment_reject",
        ("enrollment", Some(id)),
        serde_json::json!({"reason": reason}),
        now,
    )
    .await?;
    release_seat(&txn, course.id).await?;
    promote(&txn, course.id, now).await?;
    notify(
        &txn,
        row.user_id,
        &course,
        "rejected",
        &[("reason", reason.to_string())],
        now,
    )
    .await?;
    txn.commit().await?;
    find(db, id).await
}

/// Changes the number of seats. Raising it offers the new seats to the
/// waitlist at once; lowering it below the seats taken removes nobody, it only
/// stops new seats until enough people leave.
pub async fn set_capacity(
    db: &DatabaseConnection,
    course_id: i64,
    staff_id: i64,
    capacity: i32,
    now: DateTime<Utc>,
) -> Result<course::Model, Error> {
    if !(1..=100_000).contains(&capacity) {
        return Err(Error::invalid("capacity", "err-capacity-invalid"));
    }
    let txn = crate::db::begin_write(db).await?;
    let before = catalog::find(&txn, course_id).await?;
    course::Entity::update_many()
        .col_expr(course::Column::Capacity, Expr::value(capacity))
        .col_expr(course::Column::UpdatedAt, Expr::value(now))
        .filter(course::COLUMN.id.eq(course_id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Some(staff_id),
        "course_capacity",
        ("course", Some(course_id)),
        serde_json::json!({"before": before.capacity, "after": capacity}),
        now,
    )
    .await?;
    promote(&txn, course_id, now).await?;
    txn.commit().await?;
    catalog::find(db, course_id).await
}

/// Cancels a course and every active enrollment in it, telling each person.
pub async fn cancel_course(
    db: &DatabaseConnection,
    course_id: i64,
    staff_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<course::Model, Error> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(Error::invalid("reason", "err-reason-required"));
    }
    let txn = crate::db::begin_write(db).await?;
    let course =
        catalog::change_status(&txn, staff_id, course_id, CourseStatus::Cancelled, now).await?;
    audit::record(
        &txn,
        Some(staff_id),
        "course_cancel",
        ("course", Some(course_id)),
        serde_json::json!({"reason": reason}),
        now,
    )
    .await?;
    // Before the seats below are cancelled: only those who cancelled themselves.
    super::course_refunds::open_top_up_reviews(&txn, course_id, now).await?;
    let active = enrollment::Entity::find()
        .filter(enrollment::COLUMN.course_id.eq(course_id))
        .filter(
            enrollment::COLUMN
                .status
                .is_in(EnrollmentStatus::ACTIVE.map(|s| s.as_str())),
        )
        .all(&txn)
        .await?;
    for row in &active {
        let from = status_of(row)?;
        transition(
            &txn,
            row.id,
            &[from],
            EnrollmentStatus::Cancelled,
            Some("course_cancelled"),
            now,
        )
        .await?;
        record_event(
            &txn,
            row.id,
            Some(staff_id),
            Some(from),
            EnrollmentStatus::Cancelled,
            "course cancelled",
            now,
        )
        .await?;
        // Cancelled by us: whatever was paid goes back in full.
        super::course_refunds::open_full_refund(&txn, row, Some(staff_id), now).await?;
        notify(
            &txn,
            row.user_id,
            &course,
            "course-cancelled",
            &[("reason", reason.to_string())],
            now,
        )
        .await?;
    }
    course::Entity::update_many()
        .col_expr(course::Column::SeatsTaken, Expr::value(0))
        .filter(course::COLUMN.id.eq(course_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    catalog::find(db, course_id).await
}

/// Moves a trainee to another course date, keeping the history on both sides.
pub async fn transfer(
    db: &DatabaseConnection,
    id: i64,
    target_course_id: i64,
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<enrollment::Model, Error> {
    let txn = crate::db::begin_write(db).await?;
    let row = find(&txn, id).await?;
    if row.course_id == target_course_id {
        return Err(Error::invalid("course_id", "err-transfer-same-course"));
    }
    // Off only in the deadlock test's control run (test builds only).
    if !crate::test_faults::is_off(&txn, Protection::CourseLockOrder, target_course_id).await? {
        lock_courses_in_order(&txn, &[row.course_id, target_course_id]).await?;
    }
    let from = status_of(&row)?;
    if !from.holds_seat() {
        return Err(Error::Conflict("err-enrollment-not-active"));
    }
    let target = catalog::find(&txn, target_course_id).await?;
    if !CourseStatus::parse(&target.status).is_some_and(CourseStatus::is_public) {
        return Err(Error::Conflict("err-enrollment-closed"));
    }
    if active_for(&txn, target_course_id, row.user_id)
        .await?
        .is_some()
    {
        return Err(Error::Conflict("err-already-enrolled"));
    }
    if !take_seat(&txn, target_course_id).await? {
        return Err(Error::Conflict("err-course-full"));
    }
    let note = format!("transferred to course {target_course_id}");
    transition(
        &txn,
        id,
        &[from],
        EnrollmentStatus::Cancelled,
        Some("transferred"),
        now,
    )
    .await?;
    record_event(
        &txn,
        id,
        Some(staff_id),
        Some(from),
        EnrollmentStatus::Cancelled,
        &note,
        now,
    )
    .await?;
    release_seat(&txn, row.course_id).await?;
    promote(&txn, row.course_id, now).await?;
    let status = if from == EnrollmentStatus::PendingApproval {
        from
    } else {
        EnrollmentStatus::Confirmed
    };
    let mut moved: enrollment::ActiveModel = row.clone().into();
    moved.id = sea_orm::ActiveValue::NotSet;
    moved.course_id = Set(target_course_id);
    moved.status = Set(status.as_str().to_string());
    moved.waitlist_ticket = Set(None);
    moved.offer_expires_at = Set(None);
    moved.status_reason = Set(None);
    moved.transferred_from = Set(Some(id));
    moved.created_at = Set(now);
    moved.updated_at = Set(now);
    let moved = moved.insert(&txn).await?;
    record_event(
        &txn,
        moved.id,
        Some(staff_id),
        None,
        status,
        &format!("transferred from enrollment {id}"),
        now,
    )
    .await?;
    audit::record(
        &txn,
        Some(staff_id),
        "enrollment_transfer",
        ("enrollment", Some(id)),
        serde_json::json!({"to_course": target_course_id, "new_enrollment": moved.id}),
        now,
    )
    .await?;
    notify(&txn, row.user_id, &target, "transferred", &[], now).await?;
    txn.commit().await?;
    Ok(moved)
}

/// A person's enrollments, newest first.
pub async fn for_user(
    conn: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<(enrollment::Model, course::Model)>, Error> {
    let rows = enrollment::Entity::find()
        .filter(enrollment::COLUMN.user_id.eq(user_id))
        .find_also_related(course::Entity)
        .order_by_desc(enrollment::COLUMN.id)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(e, c)| c.map(|c| (e, c)))
        .collect())
}

/// A course's enrollments for staff: optionally one status, optionally a name
/// or フリガナ search, in 50音 order (waitlist in ticket order).
pub async fn for_course(
    conn: &impl ConnectionTrait,
    course_id: i64,
    status: Option<EnrollmentStatus>,
    q: Option<&str>,
) -> Result<Vec<enrollment::Model>, Error> {
    let mut query = enrollment::Entity::find().filter(enrollment::COLUMN.course_id.eq(course_id));
    if let Some(status) = status {
        query = query.filter(enrollment::COLUMN.status.eq(status.as_str()));
    }
    let mut rows = query.all(conn).await?;
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        let key = crate::domain::person::gojuon_key(q);
        rows.retain(|r| {
            let name = format!("{}{}", r.family_name, r.given_name);
            let kana = crate::domain::person::gojuon_key(&format!(
                "{}{}",
                r.family_name_kana, r.given_name_kana
            ));
            name.contains(q)
                || r.family_name.contains(q)
                || (!key.is_empty() && kana.contains(&key))
        });
    }
    if status == Some(EnrollmentStatus::Waitlisted) {
        rows.sort_by_key(|r| r.waitlist_ticket);
    } else {
        rows.sort_by_cached_key(|r| {
            let kana = format!("{}{}", r.family_name_kana, r.given_name_kana);
            (crate::domain::person::gojuon_key(&kana), kana, r.id)
        });
    }
    Ok(rows)
}

pub async fn events(
    conn: &impl ConnectionTrait,
    enrollment_id: i64,
) -> Result<Vec<enrollment_event::Model>, Error> {
    Ok(enrollment_event::Entity::find()
        .filter(enrollment_event::COLUMN.enrollment_id.eq(enrollment_id))
        .order_by_asc(enrollment_event::COLUMN.id)
        .all(conn)
        .await?)
}

/// The user the enrollment belongs to (for staff screens).
pub async fn owner(
    conn: &impl ConnectionTrait,
    row: &enrollment::Model,
) -> Result<user::Model, Error> {
    super::accounts::find(conn, row.user_id).await
}
