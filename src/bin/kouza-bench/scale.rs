//! Scenario 3, scale: the catalog, My page, a course roster and a trainee's progress
//! on a database with years of history (100,000 courses, 1,000,000
//! enrollments, ≈10,000,000 attendance rows at `--scale 1`) against the same
//! pages on a 200-course database. Each database gets its own service
//! instance, started in-process like the main one.
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement};

use crate::load::{self, Req, Source};
use crate::scale_data::{self, Shape, PER_COURSE};
use crate::{report, JWT_SECRET};

const CONNECTIONS: usize = 16;
/// How many different people / sessions each page rotates over.
const ROTATION: usize = 50;

/// A database built for the scenario.
struct Fixture {
    label: &'static str,
    shape: Shape,
    /// What the service is configured with (empty: the SQLite file in `data_dir`).
    database_url: String,
    data_dir: PathBuf,
    pg_name: Option<String>,
    generated: scale_data::Generated,
    size_mb: f64,
}

/// The service on one fixture.
pub struct Service {
    pub addr: String,
    tokens: kouza::auth::token::TokenKeys,
    clock: Arc<kouza::clock::Clock>,
    shutdown: rocket::Shutdown,
}

impl Service {
    fn token(&self, user_id: i64) -> String {
        self.tokens.issue(user_id, 0, self.clock.now())
    }

    /// A page request carrying the session cookie pages read.
    fn page(&self, path: String, user_id: i64) -> Req {
        let mut req = Req::get(path);
        req.headers.push_str(&format!(
            "Cookie: {}={}\r\n",
            kouza::auth::guards::SESSION_COOKIE,
            self.token(user_id)
        ));
        req
    }
}

/// Starts the real service on a database, as `main` does for the other scenarios.
pub async fn start(database_url: &str, data_dir: &Path) -> Service {
    let port = crate::free_port();
    let figment = kouza::config::AppConfig::figment()
        .merge(("data_dir", data_dir.display().to_string()))
        .merge(("database_url", database_url))
        .merge(("jwt_secret", JWT_SECRET))
        .merge(("sqlite_synchronous", "full"))
        .merge(("background_jobs", false))
        .merge(("port", port))
        .merge(("address", "127.0.0.1"))
        .merge(("log_level", "off"));
    let rocket = kouza::rocket_from(figment)
        .ignite()
        .await
        .expect("the service should ignite");
    let state = rocket.state::<kouza::state::AppState>().expect("app state");
    let service = Service {
        addr: format!("127.0.0.1:{port}"),
        tokens: kouza::auth::token::TokenKeys::new(
            JWT_SECRET.as_bytes(),
            &state.config.jwt_issuer,
            &state.config.jwt_audience,
            state.config.token_ttl_minutes,
        ),
        clock: state.clock.clone(),
        shutdown: rocket.shutdown(),
    };
    rocket::tokio::spawn(rocket.launch());
    crate::wait_until_listening(&service.addr).await;
    service
}

async fn single_connection(url: &str, sqlite_path: Option<&Path>) -> DatabaseConnection {
    let mut options = ConnectOptions::new(url.to_string());
    options
        .max_connections(1)
        .min_connections(1)
        .sqlx_logging(false);
    if sqlite_path.is_some() {
        // A fixture being built: no journal, no fsync, no per-row key checks.
        options.map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Off)
                .synchronous(SqliteSynchronous::Off)
                .foreign_keys(false)
                .create_if_missing(true)
        });
    }
    Database::connect(options)
        .await
        .expect("connect to the fixture database")
}

async fn build(label: &'static str, courses: i64, postgres: Option<&str>) -> Fixture {
    let shape = Shape::new(courses);
    let data_dir =
        std::env::temp_dir().join(format!("kouza-scale-{label}-{:08x}", rand::random::<u32>()));
    std::fs::create_dir_all(&data_dir).expect("data dir");
    let (database_url, connect_url, pg_name, sqlite_path) = match postgres {
        Some(admin) => {
            let (url, name) = crate::fresh_postgres(admin).await;
            (url.clone(), url, Some(name), None)
        }
        None => {
            let path = data_dir.join("kouza.sqlite3");
            (
                String::new(),
                format!("sqlite://{}?mode=rwc", path.display()),
                None,
                Some(path),
            )
        }
    };
    println!(
        "-- scale: building the {label} database: {} courses, {} enrollments, ≈{} attendance rows",
        shape.courses,
        shape.courses * PER_COURSE,
        shape.history * PER_COURSE * PER_COURSE
    );
    let db = single_connection(&connect_url, sqlite_path.as_deref()).await;
    Migrator::up(&db, None).await.expect("migrations");
    let today = kouza::domain::course::jst_date(chrono::Utc::now());
    let generated = scale_data::generate(&db, &shape, today).await;
    let size_mb = match &sqlite_path {
        Some(path) => {
            db.close().await.ok();
            std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6
        }
        None => {
            let row = db
                .query_one_raw(Statement::from_string(
                    db.get_database_backend(),
                    "SELECT pg_database_size(current_database())",
                ))
                .await
                .expect("database size")
                .expect("a row");
            db.close().await.ok();
            row.try_get_by_index::<i64>(0).unwrap_or(0) as f64 / 1e6
        }
    };
    println!(
        "   generated in {:.1}s, {size_mb:.0} MB: {}",
        generated.secs,
        generated
            .rows
            .iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Fixture {
        label,
        shape,
        database_url,
        data_dir,
        pg_name,
        generated,
        size_mb,
    }
}

fn rotate(requests: Vec<Req>) -> Source {
    let requests = Arc::new(requests);
    Arc::new(move |i| Some(requests[i % requests.len()].clone()))
}

/// The requests of the measured pages, each rotating over people and sessions.
fn pages(service: &Service, shape: &Shape) -> Vec<(&'static str, Source)> {
    // The last trainees: five enrollments each, like everyone.
    let people: Vec<i64> = (0..ROTATION as i64).map(|k| shape.trainees - k).collect();
    // Sessions already held in running courses, with their instructor.
    let mut held = vec![];
    for c in shape.running() {
        for j in 0..shape.days_ago(c) {
            held.push((c * PER_COURSE + j + 1, shape.instructor_of(c)));
        }
    }
    held.truncate(ROTATION);
    // Enrollments in running courses, with their owner.
    let running: Vec<(i64, i64)> = shape
        .running()
        .flat_map(|c| (0..PER_COURSE).map(move |k| c * PER_COURSE + k))
        .take(ROTATION)
        .map(|e| (e + 1, shape.owner(e)))
        .collect();
    vec![
        (
            "catalog page GET /courses",
            rotate(vec![Req::get("/courses")]),
        ),
        (
            "catalog JSON GET /api/v1/courses",
            rotate(vec![Req::get("/api/v1/courses")]),
        ),
        (
            "My page GET /my",
            rotate(
                people
                    .iter()
                    .map(|u| service.page("/my".into(), *u))
                    .collect(),
            ),
        ),
        (
            "my enrollments GET /api/v1/me/enrollments",
            rotate(
                people
                    .iter()
                    .map(|u| Req::get("/api/v1/me/enrollments").bearer(&service.token(*u)))
                    .collect(),
            ),
        ),
        (
            "roster GET /api/v1/sessions/<id>/roster",
            rotate(
                held.iter()
                    .map(|(s, i)| {
                        Req::get(format!("/api/v1/sessions/{s}/roster")).bearer(&service.token(*i))
                    })
                    .collect(),
            ),
        ),
        (
            "progress GET /api/v1/enrollments/<id>/progress",
            rotate(
                running
                    .iter()
                    .map(|(e, u)| {
                        Req::get(format!("/api/v1/enrollments/{e}/progress"))
                            .bearer(&service.token(*u))
                    })
                    .collect(),
            ),
        ),
        (
            "progress page GET /my/enrollments/<id>/progress",
            rotate(
                running
                    .iter()
                    .map(|(e, u)| service.page(format!("/my/enrollments/{e}/progress"), *u))
                    .collect(),
            ),
        ),
    ]
}

struct Figure {
    name: &'static str,
    p50: f64,
    p99: f64,
    rate: f64,
    bad: usize,
}

async fn measure(fixture: &Fixture, secs: u64) -> Vec<Figure> {
    let service = start(&fixture.database_url, &fixture.data_dir).await;
    let mut figures = vec![];
    for (name, source) in pages(&service, &fixture.shape) {
        // Warm the caches the same way on both databases.
        let warm = source.clone();
        let warm: Source = Arc::new(move |i| if i < 200 { warm(i) } else { None });
        load::run(&service.addr, CONNECTIONS, warm, None, false).await;
        let stats = load::run(
            &service.addr,
            CONNECTIONS,
            source,
            Some(Duration::from_secs(secs)),
            false,
        )
        .await;
        report(
            &format!("scale/{}: {name}, {CONNECTIONS} connections", fixture.label),
            &stats,
            None,
            &[200],
        );
        figures.push(Figure {
            name,
            p50: stats.percentile_ms(50.0),
            p99: stats.percentile_ms(99.0),
            rate: stats.per_second(),
            bad: stats.unexpected(&[200]) + stats.io_errors,
        });
    }
    service.shutdown.notify();
    figures
}

/// With `log_sql` on PostgreSQL: one request of each page with the server
/// logging every statement of that database (`log_statement = all`), so the
/// SQL the pages run can be read from the server log and explained.
async fn log_statements(fixture: &Fixture, admin_url: &str) {
    let Some(name) = &fixture.pg_name else {
        println!("   (--log-sql needs --postgres: SQLite has no statement log)");
        return;
    };
    let admin = Database::connect(admin_url)
        .await
        .expect("admin connection");
    admin
        .execute_unprepared(&format!("ALTER DATABASE {name} SET log_statement = 'all'"))
        .await
        .expect("log_statement");
    let service = start(&fixture.database_url, &fixture.data_dir).await;
    // Marks in the log between the pages (this session logs too).
    let marker = Database::connect(fixture.database_url.as_str())
        .await
        .expect("marker connection");
    for (page, source) in pages(&service, &fixture.shape) {
        let once: Source = {
            let source = source.clone();
            Arc::new(move |i| if i == 0 { source(0) } else { None })
        };
        println!("   logging the statements of: {page}");
        marker
            .execute_unprepared(&format!("SELECT 'kouza-bench page: {page}'"))
            .await
            .expect("marker");
        let stats = load::run(&service.addr, 1, once, None, false).await;
        println!("     → {:?}", stats.statuses);
        rocket::tokio::time::sleep(Duration::from_millis(200)).await;
    }
    service.shutdown.notify();
    marker.close().await.ok();
    admin
        .execute_unprepared(&format!("ALTER DATABASE {name} RESET log_statement"))
        .await
        .expect("reset log_statement");
    rocket::tokio::time::sleep(Duration::from_secs(1)).await;
}

async fn drop_fixture(fixture: &Fixture, admin_url: &str, keep: bool) {
    if keep {
        match &fixture.pg_name {
            Some(name) => println!("   kept: PostgreSQL database {name}"),
            None => println!("   kept: {}", fixture.data_dir.display()),
        }
        return;
    }
    if let Some(name) = &fixture.pg_name {
        if let Ok(admin) = Database::connect(admin_url).await {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
    let _ = std::fs::remove_dir_all(&fixture.data_dir);
}

pub struct Options<'a> {
    pub scale: f64,
    pub secs: u64,
    pub postgres: Option<&'a str>,
    pub keep: bool,
    pub log_sql: bool,
}

pub async fn scale(options: Options<'_>) {
    let courses = ((100_000.0 * options.scale) as i64).max(scale_data::LIVE);
    let started = Instant::now();
    let small = build("small", scale_data::LIVE, options.postgres).await;
    let big = build("big", courses, options.postgres).await;
    println!(
        "   (both databases built in {:.1}s)",
        started.elapsed().as_secs_f64()
    );
    if options.log_sql {
        if let Some(admin) = options.postgres {
            log_statements(&big, admin).await;
        }
    }
    let base = measure(&small, options.secs).await;
    let large = measure(&big, options.secs).await;
    println!(
        "== scale: {} vs {} courses ({:.0} MB vs {:.0} MB, big one generated in {:.0}s), \
         {CONNECTIONS} connections, {}s per page",
        big.shape.courses,
        small.shape.courses,
        big.size_mb,
        small.size_mb,
        big.generated.secs,
        options.secs
    );
    println!(
        "   | page | {} courses p50 / p99 | {} courses p50 / p99 | ratio p50 / p99 | req/s small → big | ≤ 1.5× |",
        small.shape.courses, big.shape.courses
    );
    for (a, b) in base.iter().zip(&large) {
        let (r50, r99) = (b.p50 / a.p50, b.p99 / a.p99);
        let met = r50 <= 1.5 && r99 <= 1.5 && a.bad == 0 && b.bad == 0;
        println!(
            "   | {} | {:.2} / {:.2} ms | {:.2} / {:.2} ms | {r50:.2}× / {r99:.2}× | {:.0} → {:.0} | {}{} |",
            a.name,
            a.p50,
            a.p99,
            b.p50,
            b.p99,
            a.rate,
            b.rate,
            if met { "MET" } else { "NOT MET" },
            if a.bad + b.bad > 0 {
                format!(" ({} failed requests)", a.bad + b.bad)
            } else {
                String::new()
            }
        );
    }
    let admin = options.postgres.unwrap_or_default();
    drop_fixture(&small, admin, options.keep).await;
    drop_fixture(&big, admin, options.keep).await;
}
