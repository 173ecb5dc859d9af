//! What needs staff attention today, gathered for the dashboard: courses
//! starting soon with their seats and open applications, applications waiting
//! for approval, courses under way (whose trainees may be at risk), bank
//! transfers nobody has matched and mail that could not be delivered.
//! Read-only; each part is one query (or one per running course).
use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::domain::course::{jst_date, CourseStatus, EnrollmentStatus};
use crate::entities::{course, enrollment, mail_outbox};
use crate::error::Error;
use crate::services::payment_rows::bank_import_line;

/// How far ahead "starting soon" looks.
pub const UPCOMING_DAYS: i64 = 30;
/// A course stays "under way" this long after its last day: make-ups and
/// completion checks happen after the regular sessions end.
pub const RUNNING_GRACE_DAYS: i64 = 60;
/// Lists on the dashboard are short; each links to the full list.
pub const LIST_LIMIT: u64 = 20;

/// Open applications of one course, by status.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    pub waitlisted: i64,
    pub pending_approval: i64,
    pub pending_payment: i64,
}

#[derive(Debug)]
pub struct Overview {
    pub upcoming: Vec<(course::Model, Waiting)>,
    pub approvals: Vec<(enrollment::Model, course::Model)>,
    pub approvals_total: u64,
    /// Courses whose trainees can still fall behind.
    pub running: Vec<course::Model>,
    pub open_bank_lines: u64,
    pub failed_mail: u64,
}

/// Published or closed for enrollment: the course will run.
fn will_run(status: &str) -> bool {
    matches!(
        CourseStatus::parse(status),
        Some(CourseStatus::Published | CourseStatus::Closed)
    )
}

/// A finished course still has trainees who may need a make-up.
fn ran_or_runs(status: &str) -> bool {
    will_run(status) || CourseStatus::parse(status) == Some(CourseStatus::Finished)
}

/// Courses starting between `today` and `UPCOMING_DAYS` later, soonest first.
async fn upcoming(
    conn: &impl ConnectionTrait,
    today: NaiveDate,
) -> Result<Vec<course::Model>, Error> {
    let rows = course::Entity::find()
        .filter(course::COLUMN.starts_on.gte(today))
        .filter(
            course::COLUMN
                .starts_on
                .lte(today + Duration::days(UPCOMING_DAYS)),
        )
        .order_by_asc(course::Column::StartsOn)
        .order_by_asc(course::Column::Id)
        .all(conn)
        .await?;
    Ok(rows.into_iter().filter(|c| will_run(&c.status)).collect())
}

/// Courses that have started and ended no more than the grace period ago.
async fn running(
    conn: &impl ConnectionTrait,
    today: NaiveDate,
) -> Result<Vec<course::Model>, Error> {
    let rows = course::Entity::find()
        .filter(course::COLUMN.starts_on.lte(today))
        .filter(
            course::COLUMN
                .ends_on
                .gte(today - Duration::days(RUNNING_GRACE_DAYS)),
        )
        .order_by_asc(course::Column::EndsOn)
        .order_by_asc(course::Column::Id)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|c| ran_or_runs(&c.status))
        .collect())
}

async fn waiting_counts(
    conn: &impl ConnectionTrait,
    course_ids: &[i64],
) -> Result<HashMap<i64, Waiting>, Error> {
    let mut counts: HashMap<i64, Waiting> = HashMap::new();
    if course_ids.is_empty() {
        return Ok(counts);
    }
    let rows: Vec<(i64, String, i64)> = enrollment::Entity::find()
        .select_only()
        .column(enrollment::Column::CourseId)
        .column(enrollment::Column::Status)
        .column_as(enrollment::COLUMN.id.count(), "n")
        .filter(
            enrollment::COLUMN
                .course_id
                .is_in(course_ids.iter().copied()),
        )
        .filter(enrollment::COLUMN.status.is_in([
            EnrollmentStatus::Waitlisted.as_str(),
            EnrollmentStatus::PendingApproval.as_str(),
            EnrollmentStatus::PendingPayment.as_str(),
        ]))
        .group_by(enrollment::Column::CourseId)
        .group_by(enrollment::Column::Status)
        .into_tuple()
        .all(conn)
        .await?;
    for (course_id, status, n) in rows {
        let entry = counts.entry(course_id).or_default();
        match EnrollmentStatus::parse(&status) {
            Some(EnrollmentStatus::Waitlisted) => entry.waitlisted = n,
            Some(EnrollmentStatus::PendingApproval) => entry.pending_approval = n,
            Some(EnrollmentStatus::PendingPayment) => entry.pending_payment = n,
            _ => {}
        }
    }
    Ok(counts)
}

pub async fn overview(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Overview, Error> {
    let today = jst_date(now);
    let soon = upcoming(conn, today).await?;
    let ids: Vec<i64> = soon.iter().map(|c| c.id).collect();
    let counts = waiting_counts(conn, &ids).await?;
    let upcoming = soon
        .into_iter()
        .map(|c| {
            let waiting = counts.get(&c.id).copied().unwrap_or_default();
            (c, waiting)
        })
        .collect();

    let pending = enrollment::Entity::find()
        .filter(enrollment::Column::Status.eq(EnrollmentStatus::PendingApproval.as_str()));
    let approvals_total = pending.clone().count(conn).await?;
    let approvals = pending
        .find_also_related(course::Entity)
        .order_by_asc(enrollment::Column::CreatedAt)
        .order_by_asc(enrollment::Column::Id)
        .limit(LIST_LIMIT)
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|(e, c)| c.map(|c| (e, c)))
        .collect();

    let open_bank_lines = bank_import_line::Entity::find()
        .filter(
            bank_import_line::COLUMN
                .status
                .is_in(["proposed", "ambiguous", "unmatched"]),
        )
        .count(conn)
        .await?;
    let failed_mail = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::Status.eq("failed"))
        .count(conn)
        .await?;

    Ok(Overview {
        upcoming,
        approvals,
        approvals_total,
        running: running(conn, today).await?,
        open_bank_lines,
        failed_mail,
    })
}
