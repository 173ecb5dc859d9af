//! The durable mail outbox. Mail is written here in the caller's transaction;
//! delivery is a separate concern, so a change and its mail commit together.
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryOrder, Set,
};

use crate::entities::mail_outbox;

pub struct Mail<'a> {
    pub kind: &'a str,
    pub to: &'a str,
    pub subject: String,
    pub body: String,
}

pub async fn enqueue(
    conn: &impl ConnectionTrait,
    mail: Mail<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let row = pending(mail, now).insert(conn).await?;
    Ok(row.id)
}

/// Several mails in few statements (`db::STATEMENT_BYTES` of text each),
/// each queued at its own moment.
pub async fn enqueue_many(
    conn: &impl ConnectionTrait,
    mails: Vec<(Mail<'_>, DateTime<Utc>)>,
) -> Result<(), DbErr> {
    let mut chunk = vec![];
    let mut bytes = 0;
    for (mail, now) in mails {
        let size = mail.to.len() + mail.subject.len() + mail.body.len();
        if !chunk.is_empty() && bytes + size > crate::db::STATEMENT_BYTES {
            insert_all(conn, std::mem::take(&mut chunk)).await?;
            bytes = 0;
        }
        bytes += size;
        chunk.push(pending(mail, now));
    }
    insert_all(conn, chunk).await
}

async fn insert_all(
    conn: &impl ConnectionTrait,
    rows: Vec<mail_outbox::ActiveModel>,
) -> Result<(), DbErr> {
    if !rows.is_empty() {
        mail_outbox::Entity::insert_many(rows)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

fn pending(mail: Mail<'_>, now: DateTime<Utc>) -> mail_outbox::ActiveModel {
    mail_outbox::ActiveModel {
        kind: Set(mail.kind.to_string()),
        to_address: Set(mail.to.to_string()),
        subject: Set(mail.subject),
        body_text: Set(mail.body),
        status: Set("pending".into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    }
}

/// Newest first, one page at a time.
pub async fn list(
    conn: &impl ConnectionTrait,
    page: u64,
    per_page: u64,
) -> Result<(Vec<mail_outbox::Model>, u64), DbErr> {
    let paginator = mail_outbox::Entity::find()
        .order_by_desc(mail_outbox::COLUMN.id)
        .paginate(conn, per_page);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(page.saturating_sub(1)).await?;
    Ok((items, total))
}
