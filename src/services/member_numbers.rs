//! 組合員番号 — the member price needs a member number. Its format is checked
//! when the application is parsed (`domain::application`: 4–12 half-width
//! letters or digits) and it is stored on the enrollment; staff then check it
//! against the cooperative's register and mark it verified here.
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Set};

use super::payment_rows::member_verification;
use super::{audit, enrollment as enrollments};
use crate::error::Error;

/// Staff's check of an enrollment's member number, if done.
pub async fn verification(
    conn: &impl ConnectionTrait,
    enrollment_id: i64,
) -> Result<Option<member_verification::Model>, Error> {
    Ok(member_verification::Entity::find_by_id(enrollment_id)
        .one(conn)
        .await?)
}

/// Staff mark the member number of an enrollment at the member price as
/// verified. Marking it again keeps the first check.
pub async fn verify(
    db: &DatabaseConnection,
    enrollment_id: i64,
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<member_verification::Model, Error> {
    let txn = crate::db::begin_write(db).await?;
    let row = enrollments::find(&txn, enrollment_id).await?;
    let number = match (&row.member_number, row.price_category.as_str()) {
        (Some(number), "member") if !number.trim().is_empty() => number.trim().to_string(),
        _ => return Err(Error::Conflict("err-member-number-missing")),
    };
    if let Some(done) = verification(&txn, enrollment_id).await? {
        if done.member_number == number {
            return Ok(done);
        }
        member_verification::Entity::delete_by_id(enrollment_id)
            .exec(&txn)
            .await?;
    }
    let done = member_verification::ActiveModel {
        enrollment_id: Set(enrollment_id),
        member_number: Set(number.clone()),
        verified_by: Set(staff_id),
        verified_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(staff_id),
        "member_number.verify",
        ("enrollment", Some(enrollment_id)),
        serde_json::json!({"member_number": number}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(done)
}
