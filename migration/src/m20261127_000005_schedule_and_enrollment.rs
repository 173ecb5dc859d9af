//! Per-course subjects, sessions (回/コマ), fees for display, custom
//! registration questions, enrollments and their transition history.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Courses {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CourseSubjects {
    Table,
    Id,
    CourseId,
    No,
    Name,
    RequiredMinutes,
    MaxCorrespondenceMinutes,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    CourseId,
    SubjectNo,
    Title,
    StartsAt,
    EndsAt,
    Room,
    InstructorId,
    MakeupFor,
    CancelledAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CourseFees {
    Table,
    Id,
    CourseId,
    Category,
    Component,
    AmountYen,
}

#[derive(DeriveIden)]
enum CourseQuestions {
    Table,
    Id,
    CourseId,
    Position,
    Kind,
    Label,
    Choices,
    Required,
}

#[derive(DeriveIden)]
enum Enrollments {
    Table,
    Id,
    CourseId,
    UserId,
    Status,
    FamilyName,
    GivenName,
    FamilyNameKana,
    GivenNameKana,
    PriceCategory,
    MemberNumber,
    Form,
    Answers,
    SpecialCareNotes,
    ConsentAt,
    WaitlistTicket,
    OfferExpiresAt,
    IdentityDocument,
    IdentityCheckedOn,
    IdentityCheckedBy,
    StatusReason,
    TransferredFrom,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EnrollmentEvents {
    Table,
    Id,
    EnrollmentId,
    ActorId,
    FromStatus,
    ToStatus,
    Note,
    At,
}

fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CourseSubjects::Table)
                    .col(big_pk_auto(CourseSubjects::Id))
                    .col(big_integer(CourseSubjects::CourseId))
                    .col(integer(CourseSubjects::No))
                    .col(string(CourseSubjects::Name))
                    .col(integer(CourseSubjects::RequiredMinutes))
                    .col(integer(CourseSubjects::MaxCorrespondenceMinutes))
                    .foreign_key(
                        &mut fk(
                            (CourseSubjects::Table, CourseSubjects::CourseId),
                            (Courses::Table, Courses::Id),
                        )
                        .on_delete(ForeignKeyAction::Cascade)
                        .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_course_subjects_no")
                    .table(CourseSubjects::Table)
                    .col(CourseSubjects::CourseId)
                    .col(CourseSubjects::No)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(big_pk_auto(Sessions::Id))
                    .col(big_integer(Sessions::CourseId))
                    .col(integer_null(Sessions::SubjectNo))
                    .col(string_null(Sessions::Title))
                    .col(timestamp_with_time_zone(Sessions::StartsAt))
                    .col(timestamp_with_time_zone(Sessions::EndsAt))
                    .col(string(Sessions::Room).default(""))
                    .col(big_integer_null(Sessions::InstructorId))
                    .col(big_integer_null(Sessions::MakeupFor))
                    .col(timestamp_with_time_zone_null(Sessions::CancelledAt))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Sessions::Table, Sessions::CourseId),
                        (Courses::Table, Courses::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Sessions::Table, Sessions::InstructorId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Sessions::Table, Sessions::MakeupFor),
                        (Sessions::Table, Sessions::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "idx_sessions_course_starts",
                [Sessions::CourseId, Sessions::StartsAt],
            ),
            (
                "idx_sessions_instructor_starts",
                [Sessions::InstructorId, Sessions::StartsAt],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(Sessions::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(CourseFees::Table)
                    .col(big_pk_auto(CourseFees::Id))
                    .col(big_integer(CourseFees::CourseId))
                    .col(string(CourseFees::Category))
                    .col(string(CourseFees::Component))
                    .col(big_integer(CourseFees::AmountYen))
                    .foreign_key(
                        &mut fk(
                            (CourseFees::Table, CourseFees::CourseId),
                            (Courses::Table, Courses::Id),
                        )
                        .on_delete(ForeignKeyAction::Cascade)
                        .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_course_fees_course")
                    .table(CourseFees::Table)
                    .col(CourseFees::CourseId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CourseQuestions::Table)
                    .col(big_pk_auto(CourseQuestions::Id))
                    .col(big_integer(CourseQuestions::CourseId))
                    .col(integer(CourseQuestions::Position))
                    .col(string(CourseQuestions::Kind))
                    .col(string(CourseQuestions::Label))
                    .col(text(CourseQuestions::Choices).default("[]"))
                    .col(boolean(CourseQuestions::Required).default(false))
                    .foreign_key(
                        &mut fk(
                            (CourseQuestions::Table, CourseQuestions::CourseId),
                            (Courses::Table, Courses::Id),
                        )
                        .on_delete(ForeignKeyAction::Cascade)
                        .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_course_questions_course")
                    .table(CourseQuestions::Table)
                    .col(CourseQuestions::CourseId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Enrollments::Table)
                    .col(big_pk_auto(Enrollments::Id))
                    .col(big_integer(Enrollments::CourseId))
                    .col(big_integer(Enrollments::UserId))
                    .col(string(Enrollments::Status))
                    .col(string(Enrollments::FamilyName))
                    .col(string(Enrollments::GivenName))
                    .col(string(Enrollments::FamilyNameKana))
                    .col(string(Enrollments::GivenNameKana))
                    .col(string(Enrollments::PriceCategory))
                    .col(string_null(Enrollments::MemberNumber))
                    .col(text(Enrollments::Form).default("{}"))
                    .col(text(Enrollments::Answers).default("[]"))
                    .col(text_null(Enrollments::SpecialCareNotes))
                    .col(timestamp_with_time_zone(Enrollments::ConsentAt))
                    .col(integer_null(Enrollments::WaitlistTicket))
                    .col(timestamp_with_time_zone_null(Enrollments::OfferExpiresAt))
                    .col(string_null(Enrollments::IdentityDocument))
                    .col(date_null(Enrollments::IdentityCheckedOn))
                    .col(big_integer_null(Enrollments::IdentityCheckedBy))
                    .col(text_null(Enrollments::StatusReason))
                    .col(big_integer_null(Enrollments::TransferredFrom))
                    .col(timestamp_with_time_zone(Enrollments::CreatedAt))
                    .col(timestamp_with_time_zone(Enrollments::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Enrollments::Table, Enrollments::CourseId),
                        (Courses::Table, Courses::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Enrollments::Table, Enrollments::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // One active enrollment per person and course, enforced by the
        // database so that a double submit cannot create two.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_enrollments_one_active ON enrollments (course_id, user_id) \
                 WHERE status IN ('pending_approval', 'pending_payment', 'confirmed', 'waitlisted', 'offered')",
            )
            .await?;
        for (name, cols) in [
            (
                "idx_enrollments_course_status",
                vec![
                    Enrollments::CourseId,
                    Enrollments::Status,
                    Enrollments::WaitlistTicket,
                ],
            ),
            ("idx_enrollments_user", vec![Enrollments::UserId]),
            (
                "idx_enrollments_status_offer",
                vec![Enrollments::Status, Enrollments::OfferExpiresAt],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(Enrollments::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(EnrollmentEvents::Table)
                    .col(big_pk_auto(EnrollmentEvents::Id))
                    .col(big_integer(EnrollmentEvents::EnrollmentId))
                    .col(big_integer_null(EnrollmentEvents::ActorId))
                    .col(string_null(EnrollmentEvents::FromStatus))
                    .col(string(EnrollmentEvents::ToStatus))
                    .col(text(EnrollmentEvents::Note).default(""))
                    .col(timestamp_with_time_zone(EnrollmentEvents::At))
                    .foreign_key(&mut fk(
                        (EnrollmentEvents::Table, EnrollmentEvents::EnrollmentId),
                        (Enrollments::Table, Enrollments::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_enrollment_events_enrollment")
                    .table(EnrollmentEvents::Table)
                    .col(EnrollmentEvents::EnrollmentId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EnrollmentEvents::Table.into_iden(),
            Enrollments::Table.into_iden(),
            CourseQuestions::Table.into_iden(),
            CourseFees::Table.into_iden(),
            Sessions::Table.into_iden(),
            CourseSubjects::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
