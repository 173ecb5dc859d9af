//! The data set of the scale scenario, written straight into the tables the
//! migrations created, in bulk: `INSERT … SELECT` over `generate_series`
//! (PostgreSQL) or a recursive CTE (SQLite). Going through the services would
//! take hours for 10 million attendance rows; this takes minutes. The
//! secondary indexes of the big tables are dropped before the load and built
//! once after it, as a restore would.
//!
//! The shape, for `courses` = C (at least 200):
//! - the last 200 courses are the live catalog of a site: 100 running
//!   (`closed`, started 1–9 days ago, some sessions held) and 100 upcoming
//!   (`published`, 1–120 days ahead); the C − 200 before them are ten years
//!   of history (`finished`);
//! - every course has 10 sessions (one a day, 10:00–12:00 JST) and 10
//!   enrollments, so 10·C enrollments and 10·C sessions;
//! - every history enrollment has a mark for each of its course's 10 sessions
//!   (≈ 100·C attendance rows), running ones for the sessions held so far;
//! - 2·C trainees (each enrolled in 5 courses spread over the years),
//!   max(10, C/100) instructors, one staff account, max(5, C/1000) sites.
use std::time::Instant;

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

/// Sizes derived from the course count.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub courses: i64,
    pub history: i64,
    pub trainees: i64,
    pub instructors: i64,
    pub sites: i64,
}

pub const LIVE: i64 = 200;
pub const RUNNING: i64 = 100;
pub const PER_COURSE: i64 = 10;

impl Shape {
    pub fn new(courses: i64) -> Shape {
        let courses = courses.max(LIVE);
        Shape {
            courses,
            history: courses - LIVE,
            trainees: 2 * courses,
            instructors: (courses / 100).max(10),
            sites: (courses / 1000).max(5),
        }
    }

    pub fn instructor_of(&self, course: i64) -> i64 {
        self.trainees + 1 + course % self.instructors
    }

    /// For a running course: how many days ago it started (= sessions held).
    pub fn days_ago(&self, course: i64) -> i64 {
        1 + (course - self.history) % 9
    }

    /// The running courses, 0-based.
    pub fn running(&self) -> std::ops::Range<i64> {
        self.history..self.history + RUNNING
    }

    /// The trainee (user id) owning enrollment `e` (0-based).
    pub fn owner(&self, enrollment: i64) -> i64 {
        1 + enrollment % self.trainees
    }
}

/// SQL fragments that differ between the two databases.
struct Dialect {
    postgres: bool,
    today: NaiveDate,
}

impl Dialect {
    /// `… FROM <series> ` over i in [from, to): the head and tail around the SELECT.
    fn series(&self, table: &str, columns: &str, select: &str, from: i64, to: i64) -> String {
        if self.postgres {
            format!(
                "INSERT INTO {table} ({columns}) SELECT {select} FROM generate_series({from}::bigint, {}::bigint) AS g(i)",
                to - 1
            )
        } else {
            format!(
                "WITH RECURSIVE g(i) AS (SELECT {from} UNION ALL SELECT i + 1 FROM g WHERE i < {}) \
                 INSERT INTO {table} ({columns}) SELECT {select} FROM g",
                to - 1
            )
        }
    }

    fn date(&self, days: &str) -> String {
        if self.postgres {
            format!("(DATE '{}' + ({days})::int)", self.today)
        } else {
            format!("date('{}', ({days}) || ' days')", self.today)
        }
    }

    /// A UTC timestamp `days` after today at `hours`:00 UTC, in the text form
    /// sqlx writes on SQLite (RFC 3339), so comparisons with bound values work.
    fn ts(&self, days: &str, hours: i64) -> String {
        if self.postgres {
            format!(
                "(TIMESTAMPTZ '{} 00:00:00+00' + ({days}) * INTERVAL '1 day' + INTERVAL '{hours} hours')",
                self.today
            )
        } else {
            format!(
                "strftime('%Y-%m-%dT%H:%M:%S+00:00', '{}', ({days}) || ' days', '+{hours} hours')",
                self.today
            )
        }
    }
}

/// Days from today to the first day of course `c` (negative: past), as SQL.
fn offset_sql(shape: &Shape, c: &str) -> String {
    let h = shape.history;
    format!(
        "(CASE WHEN {c} < {h} THEN -30 - (({h} - 1 - {c}) * 3650 / {}) \
         WHEN {c} < {} THEN -(1 + ({c} - {h}) % 9) \
         ELSE 1 + ({c} - {} - {RUNNING}) % 120 END)",
        h.max(1),
        h + RUNNING,
        h,
    )
}

pub struct Generated {
    pub secs: f64,
    pub rows: Vec<(&'static str, i64)>,
}

const BIG_TABLES: [&str; 5] = ["users", "courses", "sessions", "enrollments", "attendance"];

async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("generator statement failed: {e}\n{sql}"));
}

/// The secondary indexes of the big tables: (name, CREATE statement).
async fn indexes(db: &DatabaseConnection, postgres: bool) -> Vec<(String, String)> {
    let tables = BIG_TABLES
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = if postgres {
        format!(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' \
             AND tablename IN ({tables}) \
             AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
    } else {
        format!(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
             AND tbl_name IN ({tables})"
        )
    };
    let backend = db.get_database_backend();
    db.query_all_raw(Statement::from_string(backend, sql))
        .await
        .expect("list indexes")
        .into_iter()
        .map(|row| {
            (
                row.try_get_by_index::<String>(0).expect("index name"),
                row.try_get_by_index::<String>(1).expect("index sql"),
            )
        })
        .collect()
}

/// Fills an empty, migrated database (`db` must be a single connection: the
/// session settings below apply to it only).
pub async fn generate(db: &DatabaseConnection, shape: &Shape, today: NaiveDate) -> Generated {
    let postgres = db.get_database_backend() == DbBackend::Postgres;
    let d = Dialect { postgres, today };
    let started = Instant::now();
    let step = |what: &str| println!("   [{:>6.1}s] {what}", started.elapsed().as_secs_f64());
    if postgres {
        // A fixture: no foreign-key triggers while loading (superuser only).
        exec(db, "SET session_replication_role = replica").await;
        exec(db, "SET maintenance_work_mem = '512MB'").await;
        exec(db, "SET synchronous_commit = off").await;
    } else {
        exec(db, "PRAGMA cache_size = -400000").await;
        exec(db, "PRAGMA temp_store = MEMORY").await;
    }
    let kept = indexes(db, postgres).await;
    for (name, _) in &kept {
        exec(db, &format!("DROP INDEX {name}")).await;
    }
    step(&format!("dropped {} secondary indexes", kept.len()));

    let s = shape;
    let now = d.ts("0", 0);
    // Sites.
    exec(
        db,
        &d.series(
            "sites",
            "id, name, prefecture, address, created_at",
            &format!(
                "i + 1, 'ワーカーズコープ 第' || (i + 1) || '事業所', \
                 CASE i % 5 WHEN 0 THEN '東京都' WHEN 1 THEN '大阪府' WHEN 2 THEN '北海道' \
                 WHEN 3 THEN '福岡県' ELSE '愛知県' END, '市区町村 1-2-' || (i + 1), {now}"
            ),
            0,
            s.sites,
        ),
    )
    .await;
    // Trainees, instructors, one staff account.
    let people = s.trainees + s.instructors + 1;
    exec(
        db,
        &d.series(
            "users",
            "id, email, password_hash, family_name, given_name, family_name_kana, \
             given_name_kana, role, created_at, updated_at",
            &format!(
                "i + 1, 'scale-' || i || '@example.jp', '!bench', '受講', '者' || i, 'ジュコウ', \
                 'シャ', CASE WHEN i < {t} THEN 'trainee' WHEN i < {ti} THEN 'instructor' \
                 ELSE 'staff' END, {now}, {now}",
                t = s.trainees,
                ti = s.trainees + s.instructors
            ),
            0,
            people,
        ),
    )
    .await;
    step(&format!("{} sites, {people} users", s.sites));
    // Courses.
    let off = offset_sql(s, "i");
    exec(
        db,
        &d.series(
            "courses",
            "id, kind, code, title, description, site_id, capacity, starts_on, ends_on, status, \
             seats_taken, created_at, updated_at",
            &format!(
                "i + 1, 'community', 'S-' || (i + 1), \
                 CASE i % 4 WHEN 0 THEN 'はじめての家族介護講座' WHEN 1 THEN '認知症サポーター養成講座' \
                 WHEN 2 THEN '食と健康のつどい' ELSE '地域の防災を考える' END, \
                 'ご家族の介護を始めた方のための講座です。介護の基本、移動や食事の介助、利用できる制度と相談先を、実習を交えて学びます。', \
                 1 + i % {sites}, 20, {start}, {end}, \
                 CASE WHEN i < {h} THEN 'finished' WHEN i < {r} THEN 'closed' ELSE 'published' END, \
                 {PER_COURSE}, {created}, {created}",
                sites = s.sites,
                start = d.date(&off),
                end = d.date(&format!("{off} + 9")),
                h = s.history,
                r = s.history + RUNNING,
                created = d.ts(&format!("{off} - 60"), 0),
            ),
            0,
            s.courses,
        ),
    )
    .await;
    step(&format!("{} courses", s.courses));
    // Sessions and enrollments: 10 per course, in chunks of 1M rows.
    let rows = s.courses * PER_COURSE;
    let chunk = 1_000_000;
    let c_off = offset_sql(s, "(i / 10)");
    let mut from = 0;
    while from < rows {
        let to = (from + chunk).min(rows);
        exec(
            db,
            &d.series(
                "sessions",
                "id, course_id, title, starts_at, ends_at, room, instructor_id, created_at, updated_at",
                &format!(
                    "i + 1, i / 10 + 1, '第' || (i % 10 + 1) || '回', {starts}, {ends}, '研修室A', \
                     {t} + 1 + (i / 10) % {ins}, {created}, {created}",
                    starts = d.ts(&format!("{c_off} + i % 10"), 1),
                    ends = d.ts(&format!("{c_off} + i % 10"), 3),
                    t = s.trainees,
                    ins = s.instructors,
                    created = d.ts(&format!("{c_off} - 60"), 0),
                ),
                from,
                to,
            ),
        )
        .await;
        exec(
            db,
            &d.series(
                "enrollments",
                "id, course_id, user_id, status, family_name, given_name, family_name_kana, \
                 given_name_kana, price_category, consent_at, created_at, updated_at",
                &format!(
                    "i + 1, i / 10 + 1, 1 + i % {t}, \
                     CASE WHEN i / 10 >= {h} THEN 'confirmed' WHEN i % 10 = 9 THEN 'interrupted' \
                     ELSE 'completed' END, '受講', '者' || (i % {t}), 'ジュコウ', 'シャ', 'general', \
                     {applied}, {applied}, {applied}",
                    t = s.trainees,
                    h = s.history,
                    applied = d.ts(&format!("{c_off} - 30"), 0),
                ),
                from,
                to,
            ),
        )
        .await;
        step(&format!("sessions and enrollments {to}/{rows}"));
        from = to;
    }
    // Attendance: history enrollments × their 10 sessions, in chunks; i
    // counts (enrollment, session) pairs, e = i / 10, course = i / 100.
    let history_marks = s.history * PER_COURSE * PER_COURSE;
    let chunk = 2_000_000;
    let marks = |from: i64, to: i64, filter: &str| {
        let e_off = offset_sql(s, "(i / 100)");
        let mut sql = d.series(
            "attendance",
            "enrollment_id, session_id, mark, minutes_attended, recorded_by, recorded_at",
            &format!(
                "i / 10 + 1, (i / 100) * 10 + i % 10 + 1, \
                 CASE WHEN i % 17 = 0 THEN 'absent' ELSE 'present' END, \
                 CASE WHEN i % 17 = 0 THEN 0 ELSE 120 END, {t} + 1 + (i / 100) % {ins}, {at}",
                t = s.trainees,
                ins = s.instructors,
                at = d.ts(&format!("{e_off} + i % 10"), 3),
            ),
            from,
            to,
        );
        sql.push_str(filter);
        sql
    };
    let mut from = 0;
    while from < history_marks {
        let to = (from + chunk).min(history_marks);
        exec(db, &marks(from, to, "")).await;
        step(&format!("attendance {to}/{history_marks}"));
        from = to;
    }
    // Running courses: the sessions held so far (session j < days since start).
    let running_from = s.history * PER_COURSE * PER_COURSE;
    exec(
        db,
        &marks(
            running_from,
            running_from + RUNNING * PER_COURSE * PER_COURSE,
            &format!(" WHERE i % 10 < 1 + ((i / 100) - {}) % 9", s.history),
        ),
    )
    .await;
    step("attendance of the running courses");

    for (_, create) in &kept {
        exec(db, create).await;
    }
    step(&format!("rebuilt {} indexes", kept.len()));
    if postgres {
        for table in BIG_TABLES.iter().chain(["sites"].iter()) {
            exec(
                db,
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                ),
            )
            .await;
        }
        exec(db, "SET session_replication_role = DEFAULT").await;
        // What autovacuum would do on a live server soon after a restore.
        exec(db, "ANALYZE").await;
        step("sequences set, ANALYZE done");
    }
    let mut rows = vec![];
    for table in [
        "sites",
        "users",
        "courses",
        "sessions",
        "enrollments",
        "attendance",
    ] {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT COUNT(*) FROM {table}"),
            ))
            .await
            .expect("count")
            .expect("a row");
        rows.push((table, row.try_get_by_index::<i64>(0).expect("count")));
    }
    Generated {
        secs: started.elapsed().as_secs_f64(),
        rows,
    }
}
