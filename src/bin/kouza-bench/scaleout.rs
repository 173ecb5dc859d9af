//! Scale-out (issue 11): the rush and the catalog through 1, 2 and 3 app
//! instances — separate `kouza serve` processes on their own ports sharing
//! the run's PostgreSQL database — with the load generator spreading its
//! connections round-robin over them (what nginx's round-robin upstream does
//! with keep-alive connections). Prints how throughput grows with instances.
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use kouza::domain::course::{CourseKind, EnrollmentStatus};

use crate::data::{self, CourseSpec};
use crate::load::{self, Req, Source, Stats};
use crate::{report, Bench, JWT_SECRET};

const MAX_INSTANCES: usize = 3;
const CONNECTIONS: usize = 64;
/// Pool size per instance: 3 instances × 10 stay well inside PostgreSQL's
/// default `max_connections` of 100, next to the bench's own pool.
const POOL_PER_INSTANCE: &str = "10";

/// The instances started here; killed (by their own handles) when dropped.
struct Fleet {
    children: Vec<Child>,
    addrs: Vec<String>,
    dir: PathBuf,
}

impl Drop for Fleet {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn start_fleet(database_url: &str) -> Option<Fleet> {
    let binary = std::env::current_exe().ok()?.with_file_name("kouza");
    if !binary.is_file() {
        println!(
            "   {} not found: build it first (cargo build --release --bin kouza --bin kouza-bench)",
            binary.display()
        );
        return None;
    }
    let dir = std::env::temp_dir().join(format!("kouza-scaleout-{:08x}", rand::random::<u32>()));
    let mut fleet = Fleet {
        children: vec![],
        addrs: vec![],
        dir,
    };
    for i in 0..MAX_INSTANCES {
        let port = crate::free_port();
        let data_dir = fleet.dir.join(format!("instance-{i}"));
        std::fs::create_dir_all(&data_dir).ok()?;
        let child = Command::new(&binary)
            .arg("serve")
            .env("ROCKET_ADDRESS", "127.0.0.1")
            .env("ROCKET_PORT", port.to_string())
            .env("ROCKET_LOG_LEVEL", "off")
            .env("KOUZA_LOG", "warn")
            .env("DATABASE_URL", database_url)
            .env("ROCKET_DATA_DIR", data_dir.display().to_string())
            .env("ROCKET_JWT_SECRET", JWT_SECRET)
            .env("ROCKET_DB_MAX_CONNECTIONS", POOL_PER_INSTANCE)
            .env("ROCKET_BACKGROUND_JOBS", "false")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .ok()?;
        fleet.children.push(child);
        fleet.addrs.push(format!("127.0.0.1:{port}"));
    }
    for addr in &fleet.addrs {
        crate::wait_until_listening(addr).await;
    }
    Some(fleet)
}

/// One run over the first `n` instances: the connections are dealt to them
/// in turn, and all of them draw from one shared sequence of requests.
async fn spread(
    addrs: &[String],
    connections: usize,
    source: Source,
    limit: Option<Duration>,
    keep_bodies: bool,
) -> Stats {
    let n = addrs.len();
    let counter = Arc::new(AtomicUsize::new(0));
    let mut tasks = vec![];
    for (k, addr) in addrs.iter().enumerate() {
        let share = connections / n + usize::from(k < connections % n);
        let (source, counter, addr) = (source.clone(), counter.clone(), addr.clone());
        // The sub-run's own index is ignored: every request takes the next
        // global index, so requests are neither repeated nor skipped.
        let global: Source = Arc::new(move |_| source(counter.fetch_add(1, Ordering::Relaxed)));
        tasks.push(rocket::tokio::spawn(async move {
            load::run(&addr, share, global, limit, keep_bodies).await
        }));
    }
    let mut total = Stats::default();
    for task in tasks {
        let part = task.await.expect("load task");
        total.elapsed = total.elapsed.max(part.elapsed);
        total.latencies_us.extend(part.latencies_us);
        for (s, c) in part.statuses {
            *total.statuses.entry(s).or_default() += c;
        }
        total.io_errors += part.io_errors;
        total.bodies.extend(part.bodies);
    }
    total
}

fn growth(rates: &[f64]) -> String {
    rates
        .iter()
        .enumerate()
        .map(|(i, r)| format!("{} → {r:.0}/s ({:.2}×)", i + 1, r / rates[0].max(1e-9)))
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn scaleout(bench: &Bench, database_url: &str, trainees: usize) {
    if !database_url.starts_with("postgres") {
        println!("-- scaleout needs --postgres (instances share one PostgreSQL)");
        return;
    }
    println!("-- scaleout: starting {MAX_INSTANCES} `kouza serve` instances on one PostgreSQL");
    let Some(fleet) = start_fleet(database_url).await else {
        return;
    };
    let hello = bench.hello(CONNECTIONS).await;

    // Catalog: 200 published courses, as in the catalog scenario.
    let staff = data::users(bench, "staff", "staff", 1).await[0];
    let site = data::site(bench).await;
    for i in 0..200 {
        let spec = CourseSpec {
            kind: CourseKind::Community,
            capacity: 40,
            waitlist: true,
            starts_in_days: 10 + (i % 120),
        };
        data::course(bench, staff, site, &spec).await;
    }
    for (name, path) in [
        ("catalog page GET /courses", "/courses"),
        ("catalog JSON GET /api/v1/courses", "/api/v1/courses"),
    ] {
        let mut rates = vec![];
        for n in 1..=MAX_INSTANCES {
            let source: Source = Arc::new(move |_| Some(Req::get(path)));
            let stats = spread(
                &fleet.addrs[..n],
                CONNECTIONS,
                source,
                Some(Duration::from_secs(bench.secs)),
                false,
            )
            .await;
            report(
                &format!("scaleout: {name}, {n} instance(s), {CONNECTIONS} connections"),
                &stats,
                Some(hello),
                &[200],
            );
            rates.push(stats.per_second());
        }
        println!("== scaleout {name}: {}", growth(&rates));
    }

    // Rush: fresh courses and trainees for every instance count.
    let mut rates = vec![];
    for n in 1..=MAX_INSTANCES {
        let mut courses = vec![];
        for _ in 0..20 {
            let spec = CourseSpec {
                kind: CourseKind::Community,
                capacity: 100,
                waitlist: true,
                starts_in_days: 30,
            };
            courses.push(data::course(bench, staff, site, &spec).await);
        }
        let people = data::users(bench, &format!("out{n}"), "trainee", trainees).await;
        let requests: Arc<Vec<Req>> = Arc::new(
            people
                .iter()
                .enumerate()
                .map(|(i, user)| {
                    Req::json(
                        "POST",
                        format!("/api/v1/courses/{}/enrollments", courses[i % 20]),
                        &data::application(),
                    )
                    .bearer(&bench.token(*user))
                })
                .collect(),
        );
        let source: Source = Arc::new(move |i| requests.get(i).cloned());
        let stats = spread(&fleet.addrs[..n], CONNECTIONS, source, None, false).await;
        report(
            &format!("scaleout: rush of {trainees} enrollments, {n} instance(s), {CONNECTIONS} connections"),
            &stats,
            Some(hello),
            &[201],
        );
        let (mut taken, mut waiting) = (0, 0);
        for course in &courses {
            for row in data::enrollments(bench, *course).await {
                if row.status == EnrollmentStatus::Confirmed.as_str() {
                    taken += 1;
                } else if row.status == EnrollmentStatus::Waitlisted.as_str() {
                    waiting += 1;
                }
            }
        }
        let expected_taken = trainees.min(2000);
        println!(
            "   verify: seats taken {taken} (expected {expected_taken}), waitlisted {waiting} (expected {}) → {}",
            trainees - expected_taken,
            if taken == expected_taken && waiting == trainees - expected_taken {
                "OK"
            } else {
                "WRONG"
            }
        );
        rates.push(stats.per_second());
    }
    println!("== scaleout rush: {}", growth(&rates));
    drop(fleet);
}
