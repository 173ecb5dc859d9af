//! The catalog: sites, reference curricula with their subjects, and courses
//! with their enrollment settings and seat counters.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sites {
    Table,
    Id,
    Name,
    Prefecture,
    Address,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Curricula {
    Table,
    Id,
    Key,
    Name,
    NameEn,
    TotalMinutes,
    Assessment,
    Notes,
}

#[derive(DeriveIden)]
enum CurriculumSubjects {
    Table,
    Id,
    CurriculumId,
    No,
    Name,
    RequiredMinutes,
    MaxCorrespondenceMinutes,
    Note,
}

#[derive(DeriveIden)]
enum Courses {
    Table,
    Id,
    Kind,
    Code,
    Title,
    Description,
    SiteId,
    CurriculumId,
    DesignationNumber,
    Capacity,
    StartsOn,
    EndsOn,
    Status,
    EnrollmentOpensAt,
    EnrollmentClosesAt,
    WaitlistEnabled,
    OfferHoldHours,
    CancellationDeadlineDays,
    RequiresApproval,
    AttendanceThresholdPercent,
    WhatToBring,
    CancellationPolicy,
    SeatsTaken,
    WaitlistSeq,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Sites::Table)
                    .col(big_pk_auto(Sites::Id))
                    .col(string(Sites::Name))
                    .col(string(Sites::Prefecture))
                    .col(string(Sites::Address))
                    .col(timestamp_with_time_zone(Sites::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Curricula::Table)
                    .col(big_pk_auto(Curricula::Id))
                    .col(string_uniq(Curricula::Key))
                    .col(string(Curricula::Name))
                    .col(string(Curricula::NameEn))
                    .col(integer(Curricula::TotalMinutes))
                    .col(text_null(Curricula::Assessment))
                    .col(text_null(Curricula::Notes))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CurriculumSubjects::Table)
                    .col(big_pk_auto(CurriculumSubjects::Id))
                    .col(big_integer(CurriculumSubjects::CurriculumId))
                    .col(integer(CurriculumSubjects::No))
                    .col(string(CurriculumSubjects::Name))
                    .col(integer(CurriculumSubjects::RequiredMinutes))
                    .col(integer(CurriculumSubjects::MaxCorrespondenceMinutes))
                    .col(text_null(CurriculumSubjects::Note))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CurriculumSubjects::Table, CurriculumSubjects::CurriculumId)
                            .to(Curricula::Table, Curricula::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_curriculum_subjects_no")
                    .table(CurriculumSubjects::Table)
                    .col(CurriculumSubjects::CurriculumId)
                    .col(CurriculumSubjects::No)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Courses::Table)
                    .col(big_pk_auto(Courses::Id))
                    .col(string(Courses::Kind))
                    .col(string_uniq(Courses::Code))
                    .col(string(Courses::Title))
                    .col(text(Courses::Description))
                    .col(big_integer(Courses::SiteId))
                    .col(big_integer_null(Courses::CurriculumId))
                    .col(string_null(Courses::DesignationNumber))
                    .col(integer(Courses::Capacity))
                    .col(date(Courses::StartsOn))
                    .col(date(Courses::EndsOn))
                    .col(string(Courses::Status).default("draft"))
                    .col(timestamp_with_time_zone_null(Courses::EnrollmentOpensAt))
                    .col(timestamp_with_time_zone_null(Courses::EnrollmentClosesAt))
                    .col(boolean(Courses::WaitlistEnabled).default(true))
                    .col(integer(Courses::OfferHoldHours).default(48))
                    .col(integer(Courses::CancellationDeadlineDays).default(3))
                    .col(boolean(Courses::RequiresApproval).default(false))
                    .col(integer(Courses::AttendanceThresholdPercent).default(80))
                    .col(text(Courses::WhatToBring).default(""))
                    .col(text(Courses::CancellationPolicy).default(""))
                    // Seats held (by pending, confirmed and offered enrollments)
                    // and the last waitlist ticket handed out: counters that the
                    // database updates conditionally, so seats are decided there.
                    .col(integer(Courses::SeatsTaken).default(0))
                    .col(integer(Courses::WaitlistSeq).default(0))
                    .col(timestamp_with_time_zone(Courses::CreatedAt))
                    .col(timestamp_with_time_zone(Courses::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Courses::Table, Courses::SiteId)
                            .to(Sites::Table, Sites::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Courses::Table, Courses::CurriculumId)
                            .to(Curricula::Table, Curricula::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_courses_status_starts")
                    .table(Courses::Table)
                    .col(Courses::Status)
                    .col(Courses::StartsOn)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_courses_site")
                    .table(Courses::Table)
                    .col(Courses::SiteId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Courses::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CurriculumSubjects::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Curricula::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Sites::Table).to_owned())
            .await
    }
}
