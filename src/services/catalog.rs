//! The catalog: courses with their settings, lifecycle, subjects and fees.
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::prelude::Expr;
use sea_orm::sea_query::{Func, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TryIntoModel,
};

use super::{audit, curricula, is_unique_violation};
use crate::domain::course::{CourseKind, CourseStatus};
use crate::domain::course_draft::CourseDraft;
use crate::domain::DomainError;
use crate::entities::{course, course_fee, course_question, course_subject, session, site};
use crate::error::Error;

#[derive(Debug, Default, Clone)]
pub struct CourseFilter {
    pub kind: Option<CourseKind>,
    pub prefecture: Option<String>,
    pub site_id: Option<i64>,
    /// Courses starting in this month (year, month).
    pub month: Option<(i32, u32)>,
    pub q: Option<String>,
    pub has_seats: bool,
    /// Staff only: a status to filter on; the public sees published and closed.
    pub status: Option<CourseStatus>,
}

/// A course with its site, as the catalog lists it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub course: course::Model,
    pub site: site::Model,
}

impl Listed {
    pub fn seats_left(&self) -> i32 {
        std::cmp::max(self.course.capacity - self.course.seats_taken, 0)
    }
}

fn like_pattern(q: &str) -> String {
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

fn month_bounds(year: i32, month: u32) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    Some((first, next))
}

/// A page of courses, soonest first. `public` restricts to what anyone may see.
pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &CourseFilter,
    public: bool,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Listed>, u64), Error> {
    let mut query = course::Entity::find().find_also_related(site::Entity);
    let mut condition = Condition::all();
    if public {
        condition = condition.add(course::COLUMN.status.is_in([
            CourseStatus::Published.as_str(),
            CourseStatus::Closed.as_str(),
        ]));
    }
    if let Some(status) = filter.status {
        condition = condition.add(course::COLUMN.status.eq(status.as_str()));
    }
    if let Some(kind) = filter.kind {
        condition = condition.add(course::COLUMN.kind.eq(kind.as_str()));
    }
    if let Some(prefecture) = &filter.prefecture {
        condition = condition.add(site::COLUMN.prefecture.eq(prefecture.as_str()));
    }
    if let Some(site_id) = filter.site_id {
        condition = condition.add(course::COLUMN.site_id.eq(site_id));
    }
    if let Some((first, next)) = filter.month.and_then(|(y, m)| month_bounds(y, m)) {
        condition = condition
            .add(course::COLUMN.starts_on.gte(first))
            .add(course::COLUMN.starts_on.lt(next));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = like_pattern(q);
        let lower = |col: course::Column| -> SimpleExpr {
            SimpleExpr::from(Func::lower(Expr::col((course::Entity, col))))
        };
        let lowered = pattern.to_lowercase();
        condition = condition.add(
            Condition::any()
                .add(lower(course::Column::Title).like(lowered.clone()))
                .add(lower(course::Column::Code).like(lowered.clone()))
                .add(lower(course::Column::Description).like(lowered))
                .add(site::COLUMN.name.like(pattern)),
        );
    }
    if filter.has_seats {
        condition = condition.add(
            Expr::col((course::Entity, course::Column::SeatsTaken))
                .lt(Expr::col((course::Entity, course::Column::Capacity))),
        );
    }
    query = query.filter(condition);
    let paginator = query
        .order_by_asc(course::COLUMN.starts_on)
        .order_by_asc(course::COLUMN.id)
        .paginate(conn, per_page);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(page.saturating_sub(1)).await?;
    let listed = rows
        .into_iter()
        .filter_map(|(course, site)| site.map(|site| Listed { course, site }))
        .collect();
    Ok((listed, total))
}

pub async fn find(conn: &impl ConnectionTrait, id: i64) -> Result<course::Model, Error> {
    course::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)
}

/// A course as the public may see it: unpublished ones do not exist.
pub async fn find_public(conn: &impl ConnectionTrait, id: i64) -> Result<course::Model, Error> {
    let found = find(conn, id).await?;
    match CourseStatus::parse(&found.status) {
        Some(status) if status.is_public() => Ok(found),
        _ => Err(Error::NotFound),
    }
}

/// Everything a course page shows.
pub struct CourseDetails {
    pub course: course::Model,
    pub site: site::Model,
    pub sessions: Vec<session::Model>,
    pub fees: Vec<course_fee::Model>,
    pub subjects: Vec<course_subject::Model>,
    pub questions: Vec<course_question::Model>,
}

pub async fn details(
    conn: &impl ConnectionTrait,
    course: course::Model,
) -> Result<CourseDetails, Error> {
    let site = super::sites::find(conn, course.site_id).await?;
    let sessions = session::Entity::find()
        .filter(session::COLUMN.course_id.eq(course.id))
        .order_by_asc(session::COLUMN.starts_at)
        .order_by_asc(session::COLUMN.id)
        .all(conn)
        .await?;
    let fees = course_fee::Entity::find()
        .filter(course_fee::COLUMN.course_id.eq(course.id))
        .order_by_asc(course_fee::COLUMN.id)
        .all(conn)
        .await?;
    let subjects = subjects(conn, course.id).await?;
    let questions = questions(conn, course.id).await?;
    Ok(CourseDetails {
        course,
        site,
        sessions,
        fees,
        subjects,
        questions,
    })
}

pub async fn subjects(
    conn: &impl ConnectionTrait,
    course_id: i64,
) -> Result<Vec<course_subject::Model>, Error> {
    Ok(course_subject::Entity::find()
        .filter(course_subject::COLUMN.course_id.eq(course_id))
        .order_by_asc(course_subject::COLUMN.no)
        .all(conn)
        .await?)
}

pub async fn questions(
    conn: &impl ConnectionTrait,
    course_id: i64,
) -> Result<Vec<course_question::Model>, Error> {
    Ok(course_question::Entity::find()
        .filter(course_question::COLUMN.course_id.eq(course_id))
        .order_by_asc(course_question::COLUMN.position)
        .order_by_asc(course_question::COLUMN.id)
        .all(conn)
        .await?)
}

fn apply(draft: &CourseDraft, active: &mut course::ActiveModel) {
    active.kind = Set(draft.kind.as_str().to_string());
    active.code = Set(draft.code.clone());
    active.title = Set(draft.title.trim().to_string());
    active.description = Set(draft.description.clone());
    active.site_id = Set(draft.site_id);
    active.capacity = Set(draft.capacity);
    active.starts_on = Set(draft.starts_on);
    active.ends_on = Set(draft.ends_on);
    active.enrollment_opens_at = Set(draft.enrollment_opens_at);
    active.enrollment_closes_at = Set(draft.enrollment_closes_at);
    active.requires_approval = Set(draft.requires_approval);
    active.waitlist_enabled = Set(draft.waitlist_enabled);
    active.offer_hold_hours = Set(draft.offer_hold_hours);
    active.cancellation_deadline_days = Set(draft.cancellation_deadline_days);
    active.attendance_threshold_percent = Set(draft.attendance_threshold_percent);
    active.designation_number = Set(draft.designation_number.clone());
    active.what_to_bring = Set(draft.what_to_bring.clone());
    active.cancellation_policy = Set(draft.cancellation_policy.clone());
}

/// Creates a draft course. A helper course copies its curriculum's subjects,
/// which staff may then adjust for this course alone.
pub async fn create(
    db: &DatabaseConnection,
    actor_id: i64,
    draft: &CourseDraft,
    curriculum_key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<course::Model, Error> {
    draft.check().map_err(Error::Validation)?;
    super::sites::find(db, draft.site_id)
        .await
        .map_err(|_| Error::invalid("site_id", "err-site-unknown"))?;
    let curriculum = match (draft.kind, curriculum_key) {
        (CourseKind::Helper, Some(key)) => Some(
            curricula::find_by_key(db, key)
                .await?
                .ok_or(Error::invalid("curriculum_key", "err-curriculum-unknown"))?,
        ),
        (CourseKind::Helper, None) => return Err(Error::invalid("curriculum_key", "err-required")),
        _ => None,
    };
    let txn = crate::db::begin_write(db).await?;
    let mut active = course::ActiveModel {
        status: Set(CourseStatus::Draft.as_str().to_string()),
        curriculum_id: Set(curriculum.as_ref().map(|(c, _)| c.id)),
        seats_taken: Set(0),
        waitlist_seq: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply(draft, &mut active);
    let created = match active.insert(&txn).await {
        Ok(created) => created,
        Err(e) if is_unique_violation(&e) => {
            return Err(Error::invalid("code", "err-course-code-taken"))
        }
        Err(e) => return Err(e.into()),
    };
    if let Some((_, subjects)) = &curriculum {
        for subject in subjects {
            course_subject::ActiveModel {
                course_id: Set(created.id),
                no: Set(subject.no),
                name: Set(subject.name.clone()),
                required_minutes: Set(subject.required_minutes),
                max_correspondence_minutes: Set(subject.max_correspondence_minutes),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    audit::record(
        &txn,
        Some(actor_id),
        "course_create",
        ("course", Some(created.id)),
        serde_json::json!({"code": created.code, "kind": created.kind}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Changes a course's settings. Capacity is changed through enrollment, which
/// offers freed seats to the waitlist.
pub async fn update(
    db: &DatabaseConnection,
    actor_id: i64,
    course_id: i64,
    draft: &CourseDraft,
    now: DateTime<Utc>,
) -> Result<course::Model, Error> {
    draft.check().map_err(Error::Validation)?;
    super::sites::find(db, draft.site_id)
        .await
        .map_err(|_| Error::invalid("site_id", "err-site-unknown"))?;
    let txn = crate::db::begin_write(db).await?;
    let existing = find(&txn, course_id).await?;
    if existing.kind != draft.kind.as_str() {
        return Err(Error::invalid("kind", "err-course-kind-fixed"));
    }
    let mut active: course::ActiveModel = existing.clone().into();
    let capacity = existing.capacity;
    apply(draft, &mut active);
    active.capacity = Set(capacity);
    active.updated_at = Set(now);
    let updated = match active.update(&txn).await {
        Ok(updated) => updated,
        Err(e) if is_unique_violation(&e) => {
            return Err(Error::invalid("code", "err-course-code-taken"))
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &txn,
        Some(actor_id),
        "course_update",
        ("course", Some(course_id)),
        serde_json::json!({"before": {"title": existing.title, "starts_on": existing.starts_on}, "after": {"title": updated.title, "starts_on": updated.starts_on}}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Moves a course along its lifecycle. Cancelling goes through
/// `enrollment::cancel_course`, which also cancels and tells everyone enrolled.
pub async fn set_status(
    conn: &impl ConnectionTrait,
    actor_id: i64,
    course_id: i64,
    next: CourseStatus,
    now: DateTime<Utc>,
) -> Result<course::Model, Error> {
    if next == CourseStatus::Cancelled {
        return Err(Error::Conflict("err-course-transition"));
    }
    change_status(conn, actor_id, course_id, next, now).await
}

/// The lifecycle move itself, for `set_status` and for cancelling a course.
pub(crate) async fn change_status(
    conn: &impl ConnectionTrait,
    actor_id: i64,
    course_id: i64,
    next: CourseStatus,
    now: DateTime<Utc>,
) -> Result<course::Model, Error> {
    let existing = find(conn, course_id).await?;
    let current = CourseStatus::parse(&existing.status)
        .ok_or(Error::Internal("unknown course status".into()))?;
    if !current.can_become(next) {
        return Err(Error::Conflict("err-course-transition"));
    }
    if next == CourseStatus::Published && existing.kind == CourseKind::Helper.as_str() {
        let count = course_subject::Entity::find()
            .filter(course_subject::COLUMN.course_id.eq(course_id))
            .count(conn)
            .await?;
        if count == 0 {
            return Err(Error::Conflict("err-course-no-subjects"));
        }
    }
    // Conditional on the status we checked, so two staff cannot both move it.
    let changed = course::Entity::update_many()
        .col_expr(course::Column::Status, Expr::value(next.as_str()))
        .col_expr(course::Column::UpdatedAt, Expr::value(now))
        .filter(course::COLUMN.id.eq(course_id))
        .filter(course::COLUMN.status.eq(current.as_str()))
        .exec(conn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(Error::Conflict("err-course-transition"));
    }
    audit::record(
        conn,
        Some(actor_id),
        "course_status",
        ("course", Some(course_id)),
        serde_json::json!({"before": current.as_str(), "after": next.as_str()}),
        now,
    )
    .await?;
    find(conn, course_id).await
}

/// Adds or changes a subject of a course (e.g. a prefecture's extra subject).
pub async fn set_subject(
    conn: &impl ConnectionTrait,
    course_id: i64,
    no: i32,
    name: &str,
    required_minutes: i32,
    max_correspondence_minutes: i32,
) -> Result<course_subject::Model, Error> {
    let mut errors = vec![];
    if !(1..=99).contains(&no) {
        errors.push(DomainError::new("no", "err-subject-no-invalid"));
    }
    if name.trim().is_empty() || name.chars().count() > 200 {
        errors.push(DomainError::new("name", "err-required"));
    }
    if !(1..=60 * 200).contains(&required_minutes) {
        errors.push(DomainError::new("required_minutes", "err-minutes-invalid"));
    }
    if max_correspondence_minutes < 0 || max_correspondence_minutes > required_minutes {
        errors.push(DomainError::new(
            "max_correspondence_minutes",
            "err-correspondence-invalid",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    find(conn, course_id).await?;
    let existing = course_subject::Entity::find()
        .filter(course_subject::COLUMN.course_id.eq(course_id))
        .filter(course_subject::COLUMN.no.eq(no))
        .one(conn)
        .await?;
    let mut active = match existing {
        Some(row) => row.into(),
        None => course_subject::ActiveModel {
            course_id: Set(course_id),
            no: Set(no),
            ..Default::default()
        },
    };
    active.name = Set(name.trim().to_string());
    active.required_minutes = Set(required_minutes);
    active.max_correspondence_minutes = Set(max_correspondence_minutes);
    Ok(active.save(conn).await?.try_into_model()?)
}

/// Sets the fee lines shown on the course page, replacing earlier ones.
pub async fn set_fees(
    db: &DatabaseConnection,
    course_id: i64,
    lines: &[(String, String, i64)],
) -> Result<(), Error> {
    for (_, _, amount) in lines {
        if !(0..=10_000_000).contains(amount) {
            return Err(Error::invalid("amount_yen", "err-amount-invalid"));
        }
    }
    let txn = crate::db::begin_write(db).await?;
    find(&txn, course_id).await?;
    course_fee::Entity::delete_many()
        .filter(course_fee::COLUMN.course_id.eq(course_id))
        .exec(&txn)
        .await?;
    for (category, component, amount) in lines {
        course_fee::ActiveModel {
            course_id: Set(course_id),
            category: Set(category.clone()),
            component: Set(component.clone()),
            amount_yen: Set(*amount),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Adds a registration question to a course.
pub async fn add_question(
    conn: &impl ConnectionTrait,
    course_id: i64,
    kind: &str,
    label: &str,
    choices: &[String],
    required: bool,
) -> Result<course_question::Model, Error> {
    let mut errors = vec![];
    if !matches!(kind, "text" | "choice" | "yes_no") {
        errors.push(DomainError::new("kind", "err-question-kind-invalid"));
    }
    if label.trim().is_empty() || label.chars().count() > 300 {
        errors.push(DomainError::new("label", "err-required"));
    }
    if kind == "choice" && (choices.len() < 2 || choices.iter().any(|c| c.trim().is_empty())) {
        errors.push(DomainError::new("choices", "err-choices-invalid"));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    find(conn, course_id).await?;
    let position = course_question::Entity::find()
        .filter(course_question::COLUMN.course_id.eq(course_id))
        .select_only()
        .column_as(course_question::COLUMN.position.max(), "max")
        .into_tuple::<Option<i32>>()
        .one(conn)
        .await?
        .flatten()
        .unwrap_or(0)
        + 1;
    Ok(course_question::ActiveModel {
        course_id: Set(course_id),
        position: Set(position),
        kind: Set(kind.to_string()),
        label: Set(label.trim().to_string()),
        choices: Set(serde_json::to_string(choices).unwrap_or_else(|_| "[]".into())),
        required: Set(required),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// The first and last day of the month a `YYYY-MM` filter names.
pub fn parse_month(raw: &str) -> Option<(i32, u32)> {
    let date = NaiveDate::parse_from_str(&format!("{raw}-01"), "%Y-%m-%d").ok()?;
    Some((date.year(), date.month()))
}
