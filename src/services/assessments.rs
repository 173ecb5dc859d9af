//! 修了評価: recording an attempt, for helper courses only. The attempt
//! itself is written by `attendance::record_assessment`; this refuses the
//! courses that have no assessment before anything is written.
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::DatabaseConnection;

use super::attendance::{self, Viewer};
use super::{catalog, enrollment};
use crate::domain::course::CourseKind;
use crate::entities::assessment;
use crate::error::Error;

/// Records a 修了評価 attempt (a retake is a new attempt). An enrollment in a
/// course without an assessment is refused as a conflict — but only to those
/// who may see it: to an instructor of another course it does not exist, as
/// for a helper course.
pub async fn record(
    db: &DatabaseConnection,
    enrollment_id: i64,
    recorder: Viewer,
    score: i32,
    pass_mark: Option<i32>,
    taken_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<assessment::Model, Error> {
    let row = enrollment::find(db, enrollment_id).await?;
    let course = catalog::find(db, row.course_id).await?;
    if !CourseKind::parse("kind", &course.kind)?.has_assessment() {
        if !recorder.is_staff && !attendance::teaches(db, course.id, recorder.id).await? {
            return Err(Error::NotFound);
        }
        return Err(Error::Conflict("err-assessment-helper-only"));
    }
    attendance::record_assessment(db, enrollment_id, recorder, score, pass_mark, taken_on, now)
        .await
}
