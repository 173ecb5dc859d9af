//! The scenarios of issue 9, each building its own data on the running service.
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kouza::domain::course::{CourseKind, EnrollmentStatus};
use serde_json::{json, Value};

use crate::data::{self, CourseSpec};
use crate::load::{self, Conn, Req, Source};
use crate::{report, Bench};

const RUSH_COURSES: usize = 20;
const RUSH_SEATS: i32 = 100;
const RUSH_CONNECTIONS: usize = 64;

fn verdict(met: bool) -> &'static str {
    if met {
        "MET"
    } else {
        "NOT MET"
    }
}

fn fixed(requests: Vec<Req>) -> Source {
    let requests = Arc::new(requests);
    Arc::new(move |i| requests.get(i).cloned())
}

/// Enrolls each (trainee, course) pair over `connections` connections (set-up, not timed).
async fn enroll_all(bench: &Bench, pairs: &[(i64, i64)], connections: usize) {
    let requests = pairs
        .iter()
        .map(|(user, course)| {
            Req::json(
                "POST",
                format!("/api/v1/courses/{course}/enrollments"),
                &data::application(),
            )
            .bearer(&bench.token(*user))
        })
        .collect();
    let stats = load::run(&bench.addr, connections, fixed(requests), None, false).await;
    assert_eq!(
        stats.unexpected(&[201]),
        0,
        "set-up enrollments failed: {:?}",
        stats.statuses
    );
}

/// 1. Rush, and 6. memory: idle RSS before, peak RSS during.
pub async fn rush(bench: &Bench, trainees: usize, idle_rss: f64) {
    println!("-- rush: preparing {trainees} trainees, {RUSH_COURSES} courses × {RUSH_SEATS} seats");
    let staff = data::users(bench, "staff", "staff", 1).await[0];
    let site = data::site(bench).await;
    let mut courses = vec![];
    for _ in 0..RUSH_COURSES {
        let spec = CourseSpec {
            kind: CourseKind::Community,
            capacity: RUSH_SEATS,
            waitlist: true,
            starts_in_days: 30,
        };
        courses.push(data::course(bench, staff, site, &spec).await);
    }
    let people = data::users(bench, "rush", "trainee", trainees).await;
    let requests: Vec<Req> = people
        .iter()
        .enumerate()
        .map(|(i, user)| {
            let course = courses[i % RUSH_COURSES];
            Req::json(
                "POST",
                format!("/api/v1/courses/{course}/enrollments"),
                &data::application(),
            )
            .bearer(&bench.token(*user))
        })
        .collect();
    let hello = bench.hello(RUSH_CONNECTIONS).await;
    load::reset_peak();
    let stats = load::run(&bench.addr, RUSH_CONNECTIONS, fixed(requests), None, true).await;
    let (rush_peak, _) = load::rss_mb();
    report(
        &format!("rush: {trainees} enrollments, {RUSH_CONNECTIONS} connections"),
        &stats,
        Some(hello),
        &[201],
    );

    // What the service answered: positions per course.
    let mut positions: BTreeMap<i64, Vec<u64>> = BTreeMap::new();
    for (i, status, body) in &stats.bodies {
        if *status != 201 {
            continue;
        }
        let reply: Value = serde_json::from_slice(body).unwrap_or_default();
        if let Some(p) = reply["waitlist_position"].as_u64() {
            positions
                .entry(courses[i % RUSH_COURSES])
                .or_default()
                .push(p);
        }
    }
    // What the database holds.
    let (mut taken, mut waitlisted, mut expected_taken, mut expected_waiting) = (0, 0, 0, 0);
    let mut gap_free = true;
    for (c, course) in courses.iter().enumerate() {
        let asked = (0..trainees).filter(|i| i % RUSH_COURSES == c).count();
        expected_taken += asked.min(RUSH_SEATS as usize);
        expected_waiting += asked.saturating_sub(RUSH_SEATS as usize);
        let rows = data::enrollments(bench, *course).await;
        let confirmed = EnrollmentStatus::Confirmed.as_str();
        let waiting = EnrollmentStatus::Waitlisted.as_str();
        taken += rows.iter().filter(|e| e.status == confirmed).count();
        let queue: Vec<_> = rows.iter().filter(|e| e.status == waiting).collect();
        waitlisted += queue.len();
        let mut ranks = vec![];
        for row in &queue {
            let rank = kouza::services::enrollment::waitlist_rank(&bench.db, row)
                .await
                .expect("rank");
            ranks.push(rank.unwrap_or(0));
        }
        ranks.sort_unstable();
        let tickets: BTreeSet<_> = queue.iter().map(|e| e.waitlist_ticket).collect();
        let mut answered = positions.get(course).cloned().unwrap_or_default();
        answered.sort_unstable();
        let want: Vec<u64> = (1..=queue.len() as u64).collect();
        if ranks != want || answered != want || tickets.len() != queue.len() {
            gap_free = false;
        }
    }
    let rate = stats.per_second();
    let p99 = stats.percentile_ms(99.0);
    let correct = taken == expected_taken && waitlisted == expected_waiting && gap_free;
    println!(
        "   verify: seats taken {taken} (expected {expected_taken}), waitlisted {waitlisted} \
         (expected {expected_waiting}), positions gap-free and as answered: {gap_free} → {}",
        verdict(correct)
    );
    println!(
        "   target ≥ 2000/s, p99 ≤ 100 ms, zero 5xx: {:.0}/s, {p99:.1} ms, {} 5xx → {}",
        rate,
        stats.server_errors(),
        verdict(rate >= 2000.0 && p99 <= 100.0 && stats.server_errors() == 0)
    );
    println!(
        "== memory: idle RSS {idle_rss:.1} MB (target ≤ 60 → {}), peak during the rush {rush_peak:.1} MB (target ≤ 200 → {})",
        verdict(idle_rss <= 60.0),
        verdict(rush_peak <= 200.0)
    );
}

/// 2. Catalog page (HTML), catalog JSON, course page, with 200 published courses.
pub async fn catalog(bench: &Bench) {
    use kouza::entities::course;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let published = course::Entity::find()
        .filter(course::Column::Status.eq("published"))
        .count(&bench.db)
        .await
        .expect("count courses") as usize;
    println!("-- catalog: {published} published courses, topping up to 200");
    let staff = data::users(bench, "staff", "staff", 1).await[0];
    let site = data::site(bench).await;
    let kinds = [
        CourseKind::Community,
        CourseKind::Symposium,
        CourseKind::Community,
    ];
    for i in published..200 {
        let spec = CourseSpec {
            kind: kinds[i % kinds.len()],
            capacity: 40,
            waitlist: true,
            starts_in_days: 10 + (i as i64 % 120),
        };
        data::course(bench, staff, site, &spec).await;
    }
    let ids: Vec<i64> = course::Entity::find()
        .filter(course::Column::Status.eq("published"))
        .all(&bench.db)
        .await
        .expect("courses")
        .into_iter()
        .map(|c| c.id)
        .collect();
    let connections = RUSH_CONNECTIONS;
    let hello = bench.hello(connections).await;
    let limit = Some(Duration::from_secs(bench.secs));
    let runs: [(&str, f64, Source); 3] = [
        (
            "catalog page (HTML) GET /courses",
            30.0,
            Arc::new(|_| Some(Req::get("/courses"))),
        ),
        (
            "catalog JSON GET /api/v1/courses",
            40.0,
            Arc::new(|_| Some(Req::get("/api/v1/courses"))),
        ),
        ("course page GET /courses/<id>", 30.0, {
            let ids = Arc::new(ids);
            Arc::new(move |i| Some(Req::get(format!("/courses/{}", ids[i % ids.len()]))))
        }),
    ];
    for (name, target, source) in runs {
        let stats = load::run(&bench.addr, connections, source, limit, false).await;
        report(
            &format!("{name}, {connections} connections"),
            &stats,
            Some(hello),
            &[200],
        );
        let share = 100.0 * stats.per_second() / hello;
        println!(
            "   target ≥ {target:.0} % of hello-world: {share:.1} % → {}",
            verdict(share >= target && stats.unexpected(&[200]) == 0)
        );
    }
}

/// 4. Roll call: 16 instructors each saving a 30-trainee roster, concurrently.
pub async fn rollcall(bench: &Bench) {
    const INSTRUCTORS: usize = 16;
    const ROSTER: usize = 30;
    println!("-- roll call: {INSTRUCTORS} instructors, {ROSTER} trainees each");
    let staff = data::users(bench, "staff", "staff", 1).await[0];
    let site = data::site(bench).await;
    let instructors = data::users(bench, "instructor", "instructor", INSTRUCTORS).await;
    let trainees = data::users(bench, "roll", "trainee", INSTRUCTORS * ROSTER).await;
    let mut sessions = vec![];
    let mut pairs = vec![];
    for (k, instructor) in instructors.iter().enumerate() {
        let spec = CourseSpec {
            kind: CourseKind::Community,
            capacity: ROSTER as i32,
            waitlist: false,
            starts_in_days: 7,
        };
        let course = data::course(bench, staff, site, &spec).await;
        sessions.push((
            data::session(bench, staff, course, *instructor).await,
            course,
        ));
        for t in &trainees[k * ROSTER..(k + 1) * ROSTER] {
            pairs.push((*t, course));
        }
    }
    enroll_all(bench, &pairs, 16).await;
    // Per instructor: the two rosters it alternates between (all present /
    // all late), so that every save changes all 30 marks and writes history.
    let mut bodies = vec![];
    for (k, (session, course)) in sessions.iter().enumerate() {
        let ids: Vec<i64> = data::enrollments(bench, *course)
            .await
            .iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(ids.len(), ROSTER, "roster of course {course}");
        let token = bench.token(instructors[k]);
        let present = json!({"marks": ids.iter().map(|id| json!({"enrollment_id": id, "status": "present"})).collect::<Vec<_>>()});
        let late = json!({"marks": ids.iter().map(|id| json!({"enrollment_id": id, "status": "late", "late_minutes": 15, "minutes": 105})).collect::<Vec<_>>()});
        let path = format!("/api/v1/sessions/{session}/attendance");
        bodies.push([
            Req::json("PUT", path.clone(), &present).bearer(&token),
            Req::json("PUT", path, &late).bearer(&token),
        ]);
    }
    let hello = bench.hello(INSTRUCTORS).await;
    let bodies = Arc::new(bodies);
    let source: Source = Arc::new(move |i| {
        let k = i % INSTRUCTORS;
        let round = i / INSTRUCTORS;
        Some(bodies[k][round % 2].clone())
    });
    let stats = load::run(
        &bench.addr,
        INSTRUCTORS,
        source,
        Some(Duration::from_secs(bench.secs)),
        false,
    )
    .await;
    report(
        &format!("roll call: PUT 30-mark roster, {INSTRUCTORS} concurrent instructors"),
        &stats,
        Some(hello),
        &[200],
    );
    let p99 = stats.percentile_ms(99.0);
    println!(
        "   target p99 ≤ 20 ms: {p99:.1} ms → {}",
        verdict(p99 <= 20.0 && stats.unexpected(&[200]) == 0)
    );
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// 5. Certificates: one PDF; `count` bulk-issued and rendered.
pub async fn certificates(bench: &Bench, count: usize) {
    println!("-- certificates: a symposium with {count} trainees checked in at the door");
    let staff = data::users(bench, "staff", "staff", 1).await[0];
    let site = data::site(bench).await;
    let spec = CourseSpec {
        kind: CourseKind::Symposium,
        capacity: count as i32 + 5,
        waitlist: false,
        starts_in_days: 3,
    };
    let course = data::course(bench, staff, site, &spec).await;
    let trainees = data::users(bench, "cert", "trainee", count).await;
    let pairs: Vec<(i64, i64)> = trainees.iter().map(|t| (*t, course)).collect();
    enroll_all(bench, &pairs, 16).await;
    let started = Instant::now();
    for row in data::enrollments(bench, course).await {
        let code = kouza::services::check_in::code_for(&bench.db, row.id)
            .await
            .expect("check-in code");
        kouza::services::check_in::at_the_door(&bench.db, staff, &code, None, bench.clock.now())
            .await
            .expect("check in");
    }
    println!(
        "   (set-up: {count} check-ins in {:.1}s)",
        started.elapsed().as_secs_f64()
    );
    let token = bench.token(staff);
    let mut conn = Conn::new(&bench.addr);
    let started = Instant::now();
    let reply = conn
        .send(
            &Req::json(
                "POST",
                format!("/api/v1/courses/{course}/certificates"),
                &json!({}),
            )
            .bearer(&token),
        )
        .await
        .expect("bulk issue");
    let issue_time = started.elapsed();
    let outcome: Value = serde_json::from_slice(&reply.body).unwrap_or_default();
    let numbers: Vec<String> = outcome["issued"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|n| n.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    println!(
        "== certificates: bulk issue → status {}, {} issued, {} failed, in {:.2}s",
        reply.status,
        numbers.len(),
        outcome["failed"].as_array().map(Vec::len).unwrap_or(0),
        issue_time.as_secs_f64()
    );
    if numbers.is_empty() {
        println!(
            "   nothing issued: {}",
            String::from_utf8_lossy(&reply.body)
        );
        return;
    }
    let connections = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let requests: Vec<Req> = numbers
        .iter()
        .map(|n| Req::get(format!("/api/v1/certificates/{}/pdf", encode(n))).bearer(&token))
        .collect();
    let rendered = load::run(&bench.addr, connections, fixed(requests), None, false).await;
    report(
        &format!(
            "certificates: {} PDFs rendered over {connections} connections",
            numbers.len()
        ),
        &rendered,
        None,
        &[200],
    );
    let total = issue_time + rendered.elapsed;
    println!(
        "   target {count} issued and rendered ≤ 20 s: {:.2}s → {}",
        total.as_secs_f64(),
        verdict(
            total <= Duration::from_secs(20)
                && numbers.len() == count
                && rendered.unexpected(&[200]) == 0
        )
    );
    let one = Req::get(format!("/api/v1/certificates/{}/pdf", encode(&numbers[0]))).bearer(&token);
    let single = load::run(
        &bench.addr,
        1,
        Arc::new(move |i| (i < 100).then(|| one.clone())),
        None,
        false,
    )
    .await;
    report(
        "certificates: one PDF, 100 times in a row",
        &single,
        None,
        &[200],
    );
    let p50 = single.percentile_ms(50.0);
    println!(
        "   target one PDF ≤ 50 ms: p50 {p50:.1} ms, p99 {:.1} ms → {}",
        single.percentile_ms(99.0),
        verdict(single.percentile_ms(99.0) <= 50.0)
    );
}
