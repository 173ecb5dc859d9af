//! Building the data set: accounts in bulk (one transaction, shared dummy
//! password hash, tokens issued straight from the keys), sites, published
//! courses and sessions through the services, as staff would.
use chrono::{Duration, NaiveTime, TimeZone, Utc};
use kouza::domain::course::{CourseKind, CourseStatus};
use kouza::domain::course_draft::CourseDraft;
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

use crate::Bench;

/// `count` accounts with the given role; returns their ids in creation order.
pub async fn users(bench: &Bench, tag: &str, role: &str, count: usize) -> Vec<i64> {
    use kouza::entities::user;
    let now = bench.clock.now();
    let prefix = format!("bench-{tag}-{:06x}-", rand::random::<u32>() & 0xff_ffff);
    let txn = bench.db.begin().await.expect("begin");
    let indices: Vec<usize> = (0..count).collect();
    for chunk in indices.chunks(400) {
        let rows = chunk.iter().map(|i| user::ActiveModel {
            email: Set(format!("{prefix}{i:07}@example.jp")),
            // Never used to log in: tokens are issued directly.
            password_hash: Set("!bench".into()),
            family_name: Set("受講".into()),
            given_name: Set(format!("{i}")),
            family_name_kana: Set("ジュコウ".into()),
            given_name_kana: Set("タロウ".into()),
            locale: Set("ja".into()),
            role: Set(role.into()),
            token_version: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        user::Entity::insert_many(rows)
            .exec(&txn)
            .await
            .expect("insert users");
    }
    txn.commit().await.expect("commit users");
    user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Email.starts_with(prefix.as_str()))
        .order_by_asc(user::Column::Email)
        .into_tuple::<i64>()
        .all(&bench.db)
        .await
        .expect("user ids")
}

pub async fn site(bench: &Bench) -> i64 {
    kouza::services::sites::create(
        &bench.db,
        "ワーカーズコープ 池袋事業所",
        "東京都",
        "東京都豊島区東池袋1-2-3",
        bench.clock.now(),
    )
    .await
    .expect("site")
    .id
}

pub struct CourseSpec {
    pub kind: CourseKind,
    pub capacity: i32,
    pub waitlist: bool,
    pub starts_in_days: i64,
}

/// A published course, made through the catalog service.
pub async fn course(bench: &Bench, staff_id: i64, site_id: i64, spec: &CourseSpec) -> i64 {
    let now = bench.clock.now();
    let today = kouza::domain::course::jst_date(now);
    let starts_on = today + Duration::days(spec.starts_in_days);
    let draft = CourseDraft {
        kind: spec.kind,
        code: format!("B-{:08X}", rand::random::<u32>()),
        title: "はじめての家族介護講座".into(),
        description: "ご家族の介護を始めた方のための講座です。介護の基本、移動や食事の介助、\
            利用できる制度と相談先を、実習を交えて学びます。"
            .into(),
        site_id,
        capacity: spec.capacity,
        starts_on,
        ends_on: starts_on + Duration::days(14),
        enrollment_opens_at: None,
        enrollment_closes_at: None,
        requires_approval: false,
        waitlist_enabled: spec.waitlist,
        offer_hold_hours: 48,
        cancellation_deadline_days: 3,
        attendance_threshold_percent: 80,
        designation_number: None,
        what_to_bring: "筆記用具".into(),
        cancellation_policy: String::new(),
    };
    let course = kouza::services::catalog::create(&bench.db, staff_id, &draft, None, now)
        .await
        .expect("create course");
    kouza::services::catalog::set_status(
        &bench.db,
        staff_id,
        course.id,
        CourseStatus::Published,
        now,
    )
    .await
    .expect("publish course");
    course.id
}

/// One session of a course on its first day, 10:00–12:00 JST, taught by `instructor_id`.
pub async fn session(bench: &Bench, staff_id: i64, course_id: i64, instructor_id: i64) -> i64 {
    let course = kouza::services::catalog::find(&bench.db, course_id)
        .await
        .expect("course");
    let ten = NaiveTime::from_hms_opt(1, 0, 0).expect("01:00 UTC is 10:00 JST");
    let starts_at = Utc.from_utc_datetime(&course.starts_on.and_time(ten));
    let input = kouza::services::schedule::SessionInput {
        starts_at: Some(starts_at),
        ends_at: Some(starts_at + Duration::hours(2)),
        title: Some("第1回".into()),
        room: "研修室A".into(),
        instructor_id: Some(instructor_id),
        ..Default::default()
    };
    kouza::services::schedule::add(&bench.db, staff_id, course_id, &input, bench.clock.now())
        .await
        .expect("add session")
        .id
}

/// The application body every bench trainee sends.
pub fn application() -> serde_json::Value {
    serde_json::json!({"phone": "090-1234-5678", "birth_date": "1960-05-05", "consent": true})
}

/// Enrollment ids and statuses of a course, oldest first.
pub async fn enrollments(bench: &Bench, course_id: i64) -> Vec<kouza::entities::enrollment::Model> {
    use kouza::entities::enrollment;
    enrollment::Entity::find()
        .filter(enrollment::Column::CourseId.eq(course_id))
        .order_by_asc(enrollment::Column::Id)
        .all(&bench.db)
        .await
        .expect("enrollments")
}
