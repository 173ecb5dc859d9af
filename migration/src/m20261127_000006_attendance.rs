//! Attendance: marks per enrollment and session with their history, who
//! actually taught (講師出講), assessments (修了評価), credit from outside the
//! classroom (通信, make-ups elsewhere), check-in codes, and the course
//! settings of the completion rule.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Courses {
    Table,
    LatenessRule,
    MakeupCapPercent,
    CompletionDeadline,
    AssessmentRequired,
    AssessmentPassMark,
    SelfCheckIn,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    Practice,
    CheckinSecret,
}

#[derive(DeriveIden)]
enum Enrollments {
    Table,
    Id,
    CheckInCode,
    CheckedInAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Attendance {
    Table,
    Id,
    EnrollmentId,
    SessionId,
    Mark,
    MinutesAttended,
    LateMinutes,
    Note,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum AttendanceHistory {
    Table,
    Id,
    AttendanceId,
    OldMark,
    OldMinutes,
    NewMark,
    NewMinutes,
    Reason,
    ChangedBy,
    ChangedAt,
}

#[derive(DeriveIden)]
enum SessionInstructors {
    Table,
    Id,
    SessionId,
    InstructorId,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum Assessments {
    Table,
    Id,
    EnrollmentId,
    Attempt,
    Score,
    PassMark,
    TakenOn,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OutsideCredits {
    Table,
    Id,
    EnrollmentId,
    SubjectNo,
    Kind,
    Minutes,
    Provider,
    ConfirmedOn,
    Note,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MakeupBookings {
    Table,
    Id,
    SessionId,
    EnrollmentId,
    CreatedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for column in [
            text(Courses::LatenessRule)
                .default(r#"{"rule":"strict"}"#)
                .to_owned(),
            integer(Courses::MakeupCapPercent).default(10).to_owned(),
            date_null(Courses::CompletionDeadline).to_owned(),
            boolean(Courses::AssessmentRequired)
                .default(false)
                .to_owned(),
            integer(Courses::AssessmentPassMark).default(70).to_owned(),
            boolean(Courses::SelfCheckIn).default(false).to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Courses::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            boolean(Sessions::Practice).default(false).to_owned(),
            string_null(Sessions::CheckinSecret).to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Sessions::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            string_null(Enrollments::CheckInCode).to_owned(),
            timestamp_with_time_zone_null(Enrollments::CheckedInAt).to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Enrollments::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_enrollments_check_in_code")
                    .table(Enrollments::Table)
                    .col(Enrollments::CheckInCode)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Attendance::Table)
                    .col(big_pk_auto(Attendance::Id))
                    .col(big_integer(Attendance::EnrollmentId))
                    .col(big_integer(Attendance::SessionId))
                    .col(string(Attendance::Mark))
                    .col(integer(Attendance::MinutesAttended))
                    .col(integer(Attendance::LateMinutes).default(0))
                    .col(text(Attendance::Note).default(""))
                    .col(big_integer(Attendance::RecordedBy))
                    .col(timestamp_with_time_zone(Attendance::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Attendance::Table, Attendance::EnrollmentId)
                            .to(Enrollments::Table, Enrollments::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Attendance::Table, Attendance::SessionId)
                            .to(Sessions::Table, Sessions::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Attendance::Table, Attendance::RecordedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_attendance_enrollment_session")
                    .table(Attendance::Table)
                    .col(Attendance::EnrollmentId)
                    .col(Attendance::SessionId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_attendance_session")
                    .table(Attendance::Table)
                    .col(Attendance::SessionId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AttendanceHistory::Table)
                    .col(big_pk_auto(AttendanceHistory::Id))
                    .col(big_integer(AttendanceHistory::AttendanceId))
                    .col(string_null(AttendanceHistory::OldMark))
                    .col(integer_null(AttendanceHistory::OldMinutes))
                    .col(string(AttendanceHistory::NewMark))
                    .col(integer(AttendanceHistory::NewMinutes))
                    .col(text(AttendanceHistory::Reason).default(""))
                    .col(big_integer(AttendanceHistory::ChangedBy))
                    .col(timestamp_with_time_zone(AttendanceHistory::ChangedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AttendanceHistory::Table, AttendanceHistory::AttendanceId)
                            .to(Attendance::Table, Attendance::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_attendance_history_attendance")
                    .table(AttendanceHistory::Table)
                    .col(AttendanceHistory::AttendanceId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SessionInstructors::Table)
                    .col(big_pk_auto(SessionInstructors::Id))
                    .col(big_integer(SessionInstructors::SessionId))
                    .col(big_integer(SessionInstructors::InstructorId))
                    .col(big_integer(SessionInstructors::RecordedBy))
                    .col(timestamp_with_time_zone(SessionInstructors::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SessionInstructors::Table, SessionInstructors::SessionId)
                            .to(Sessions::Table, Sessions::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SessionInstructors::Table, SessionInstructors::InstructorId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_session_instructors_unique")
                    .table(SessionInstructors::Table)
                    .col(SessionInstructors::SessionId)
                    .col(SessionInstructors::InstructorId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Assessments::Table)
                    .col(big_pk_auto(Assessments::Id))
                    .col(big_integer(Assessments::EnrollmentId))
                    .col(integer(Assessments::Attempt))
                    .col(integer(Assessments::Score))
                    .col(integer(Assessments::PassMark))
                    .col(date(Assessments::TakenOn))
                    .col(big_integer(Assessments::RecordedBy))
                    .col(timestamp_with_time_zone(Assessments::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Assessments::Table, Assessments::EnrollmentId)
                            .to(Enrollments::Table, Enrollments::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_assessments_enrollment_attempt")
                    .table(Assessments::Table)
                    .col(Assessments::EnrollmentId)
                    .col(Assessments::Attempt)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MakeupBookings::Table)
                    .col(big_pk_auto(MakeupBookings::Id))
                    .col(big_integer(MakeupBookings::SessionId))
                    .col(big_integer(MakeupBookings::EnrollmentId))
                    .col(big_integer(MakeupBookings::CreatedBy))
                    .col(timestamp_with_time_zone(MakeupBookings::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MakeupBookings::Table, MakeupBookings::SessionId)
                            .to(Sessions::Table, Sessions::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MakeupBookings::Table, MakeupBookings::EnrollmentId)
                            .to(Enrollments::Table, Enrollments::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_makeup_bookings_unique")
                    .table(MakeupBookings::Table)
                    .col(MakeupBookings::SessionId)
                    .col(MakeupBookings::EnrollmentId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OutsideCredits::Table)
                    .col(big_pk_auto(OutsideCredits::Id))
                    .col(big_integer(OutsideCredits::EnrollmentId))
                    .col(integer(OutsideCredits::SubjectNo))
                    .col(string(OutsideCredits::Kind))
                    .col(integer(OutsideCredits::Minutes))
                    .col(string_null(OutsideCredits::Provider))
                    .col(date_null(OutsideCredits::ConfirmedOn))
                    .col(text(OutsideCredits::Note).default(""))
                    .col(big_integer(OutsideCredits::RecordedBy))
                    .col(timestamp_with_time_zone(OutsideCredits::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OutsideCredits::Table, OutsideCredits::EnrollmentId)
                            .to(Enrollments::Table, Enrollments::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outside_credits_enrollment")
                    .table(OutsideCredits::Table)
                    .col(OutsideCredits::EnrollmentId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            OutsideCredits::Table.into_iden(),
            MakeupBookings::Table.into_iden(),
            Assessments::Table.into_iden(),
            SessionInstructors::Table.into_iden(),
            AttendanceHistory::Table.into_iden(),
            Attendance::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_enrollments_check_in_code")
                    .table(Enrollments::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Enrollments::CheckedInAt.into_iden(),
            Enrollments::CheckInCode.into_iden(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Enrollments::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            Sessions::CheckinSecret.into_iden(),
            Sessions::Practice.into_iden(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Sessions::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            Courses::SelfCheckIn.into_iden(),
            Courses::AssessmentPassMark.into_iden(),
            Courses::AssessmentRequired.into_iden(),
            Courses::CompletionDeadline.into_iden(),
            Courses::MakeupCapPercent.into_iden(),
            Courses::LatenessRule.into_iden(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Courses::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
