//! Notifications: each person's choice of optional mail, private calendar
//! feed tokens (stored hashed, revocable), markers so a session reminder goes
//! once, what a session's last change notice said, and staff broadcasts.
//!
//! Delivery itself needs no new column: the outbox row's id and creation
//! time give each mail a stable Message-ID, and `lease_until` is the claim.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Courses {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Enrollments {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MailPreferences {
    Table,
    UserId,
    Reminders,
    Announcements,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CalendarFeeds {
    Table,
    Id,
    UserId,
    TokenHash,
    CreatedAt,
    RevokedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum SessionReminders {
    Table,
    Id,
    EnrollmentId,
    SessionId,
    SentAt,
}

#[derive(DeriveIden)]
enum SessionNotices {
    Table,
    SessionId,
    StartsAt,
    EndsAt,
    Room,
    Cancelled,
    NotifiedAt,
}

#[derive(DeriveIden)]
enum Broadcasts {
    Table,
    Id,
    CourseId,
    Nonce,
    Audience,
    Subject,
    Body,
    Recipients,
    OptedOut,
    SentBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MailPreferences::Table)
                    .col(big_integer(MailPreferences::UserId).primary_key())
                    .col(boolean(MailPreferences::Reminders).default(true))
                    .col(boolean(MailPreferences::Announcements).default(true))
                    .col(timestamp_with_time_zone(MailPreferences::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MailPreferences::Table, MailPreferences::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CalendarFeeds::Table)
                    .col(big_pk_auto(CalendarFeeds::Id))
                    .col(big_integer(CalendarFeeds::UserId))
                    .col(string(CalendarFeeds::TokenHash))
                    .col(timestamp_with_time_zone(CalendarFeeds::CreatedAt))
                    .col(timestamp_with_time_zone_null(CalendarFeeds::RevokedAt))
                    .col(timestamp_with_time_zone_null(CalendarFeeds::LastUsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CalendarFeeds::Table, CalendarFeeds::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_calendar_feeds_token_hash")
                    .table(CalendarFeeds::Table)
                    .col(CalendarFeeds::TokenHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_calendar_feeds_user")
                    .table(CalendarFeeds::Table)
                    .col(CalendarFeeds::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SessionReminders::Table)
                    .col(big_pk_auto(SessionReminders::Id))
                    .col(big_integer(SessionReminders::EnrollmentId))
                    .col(big_integer(SessionReminders::SessionId))
                    .col(timestamp_with_time_zone(SessionReminders::SentAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SessionReminders::Table, SessionReminders::EnrollmentId)
                            .to(Enrollments::Table, Enrollments::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SessionReminders::Table, SessionReminders::SessionId)
                            .to(Sessions::Table, Sessions::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // The guarantee that a reminder goes once, whatever the number of instances.
        manager
            .create_index(
                Index::create()
                    .name("idx_session_reminders_once")
                    .table(SessionReminders::Table)
                    .col(SessionReminders::SessionId)
                    .col(SessionReminders::EnrollmentId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SessionNotices::Table)
                    .col(big_integer(SessionNotices::SessionId).primary_key())
                    .col(timestamp_with_time_zone(SessionNotices::StartsAt))
                    .col(timestamp_with_time_zone(SessionNotices::EndsAt))
                    .col(string(SessionNotices::Room))
                    .col(boolean(SessionNotices::Cancelled))
                    .col(timestamp_with_time_zone(SessionNotices::NotifiedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SessionNotices::Table, SessionNotices::SessionId)
                            .to(Sessions::Table, Sessions::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Broadcasts::Table)
                    .col(big_pk_auto(Broadcasts::Id))
                    .col(big_integer(Broadcasts::CourseId))
                    .col(string(Broadcasts::Nonce))
                    .col(string(Broadcasts::Audience))
                    .col(string(Broadcasts::Subject))
                    .col(text(Broadcasts::Body))
                    .col(integer(Broadcasts::Recipients))
                    .col(integer(Broadcasts::OptedOut))
                    .col(big_integer(Broadcasts::SentBy))
                    .col(timestamp_with_time_zone(Broadcasts::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Broadcasts::Table, Broadcasts::CourseId)
                            .to(Courses::Table, Courses::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Broadcasts::Table, Broadcasts::SentBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // A double-clicked "send" queues the mails once.
        manager
            .create_index(
                Index::create()
                    .name("idx_broadcasts_nonce")
                    .table(Broadcasts::Table)
                    .col(Broadcasts::Nonce)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Broadcasts::Table.into_iden(),
            SessionNotices::Table.into_iden(),
            SessionReminders::Table.into_iden(),
            CalendarFeeds::Table.into_iden(),
            MailPreferences::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
