//! kouza-bench — the performance benchmarks of docs/BENCHMARKS.md.
//!
//! `cargo run --release --bin kouza-bench -- [--postgres] [--secs N] <scenario>`
//!
//! Builds its own data set on a fresh database, starts the real service
//! in-process on a local port, drives it with its own HTTP/1.1 load generator
//! and prints throughput, p50/p99 latency, errors and peak RSS. A minimal
//! Rocket hello-world is driven with the same load in the same run and every
//! throughput is also printed as a ratio to it.
mod data;
mod load;
mod scale;
mod scale_data;
mod scaleout;
mod scenarios;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use rocket::figment::Figment;
use sea_orm::{ConnectionTrait, Database};

use crate::load::{Req, Stats};

pub const JWT_SECRET: &str = "bench-secret-bench-secret-bench-secret-01";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scenario {
    /// Every scenario below, in this order.
    All,
    Rush,
    Catalog,
    Rollcall,
    Certificates,
    Memory,
    /// 100,000 courses vs 200 (not part of `all`: it builds GBs of data).
    Scale,
    /// Rush and catalog through 1, 2, 3 `kouza serve` instances (needs --postgres).
    Scaleout,
}

#[derive(Parser)]
#[command(about = "kouza benchmarks (see docs/BENCHMARKS.md)")]
struct Args {
    scenario: Scenario,
    /// Run on a fresh PostgreSQL database instead of SQLite.
    #[arg(long)]
    postgres: bool,
    /// The PostgreSQL server (a fresh database is created on it and dropped after).
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres_url: String,
    /// Seconds each throughput run lasts.
    #[arg(long, default_value_t = 10)]
    secs: u64,
    /// Trainees in the rush (20 courses × 100 seats).
    #[arg(long, default_value_t = 5000)]
    rush_trainees: usize,
    /// Certificates bulk-issued and rendered.
    #[arg(long, default_value_t = 1000)]
    certificates: usize,
    /// Size of the scale scenario's big database: 1.0 = 100,000 courses.
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// Keep the scale scenario's databases (prints where they are).
    #[arg(long)]
    keep: bool,
    /// Scale on PostgreSQL: log the SQL of one request per page (server log).
    #[arg(long)]
    log_sql: bool,
}

/// The running service and what the scenarios need to reach it.
pub struct Bench {
    pub addr: String,
    pub hello_addr: String,
    pub db: sea_orm::DatabaseConnection,
    pub tokens: kouza::auth::token::TokenKeys,
    pub clock: std::sync::Arc<kouza::clock::Clock>,
    pub secs: u64,
    hello: std::sync::Mutex<HashMap<usize, f64>>,
}

impl Bench {
    pub fn token(&self, user_id: i64) -> String {
        self.tokens.issue(user_id, 0, self.clock.now())
    }

    /// Hello-world throughput at this many connections (measured once).
    pub async fn hello(&self, connections: usize) -> f64 {
        if let Some(rate) = self.hello.lock().expect("lock").get(&connections) {
            return *rate;
        }
        let source: load::Source = std::sync::Arc::new(|_| Some(Req::get("/")));
        let stats = load::run(
            &self.hello_addr,
            connections,
            source,
            Some(Duration::from_secs(self.secs)),
            false,
        )
        .await;
        report(
            &format!("hello-world ({connections} connections)"),
            &stats,
            None,
            &[200],
        );
        let rate = stats.per_second();
        self.hello.lock().expect("lock").insert(connections, rate);
        rate
    }
}

/// Prints one result line set.
pub fn report(name: &str, stats: &Stats, hello: Option<f64>, ok: &[u16]) {
    let (peak, now) = load::rss_mb();
    println!("== {name}");
    println!(
        "   requests {}  in {:.2}s  → {:.0} req/s{}",
        stats.count(),
        stats.elapsed.as_secs_f64(),
        stats.per_second(),
        hello
            .map(|h| format!(
                "  ({:.1} % of hello-world {:.0} req/s)",
                100.0 * stats.per_second() / h,
                h
            ))
            .unwrap_or_default()
    );
    println!(
        "   latency p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        stats.percentile_ms(50.0),
        stats.percentile_ms(99.0),
        stats.percentile_ms(100.0)
    );
    println!(
        "   statuses {:?}  5xx {}  unexpected {}  io errors {}",
        stats.statuses,
        stats.server_errors(),
        stats.unexpected(ok),
        stats.io_errors
    );
    println!("   RSS peak {peak:.1} MB  now {now:.1} MB");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

#[rocket::get("/")]
fn hello() -> &'static str {
    "Hello, world!"
}

async fn start_hello() -> String {
    let port = free_port();
    let figment = rocket::Config::figment()
        .merge(("port", port))
        .merge(("address", "127.0.0.1"))
        .merge(("log_level", "off"));
    let rocket = rocket::custom(figment).mount("/", rocket::routes![hello]);
    rocket::tokio::spawn(rocket.launch());
    format!("127.0.0.1:{port}")
}

async fn fresh_postgres(admin_url: &str) -> (String, String) {
    let name = format!("kouza_bench_{:08x}", rand::random::<u32>());
    let admin = Database::connect(admin_url)
        .await
        .expect("PostgreSQL should be reachable");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create the bench database");
    admin.close().await.ok();
    let slash = admin_url.rfind('/').expect("URL ends with /<database>");
    (format!("{}/{name}", &admin_url[..slash]), name)
}

async fn wait_until_listening(addr: &str) {
    for _ in 0..200 {
        if rocket::tokio::net::TcpStream::connect(addr).await.is_ok() {
            return;
        }
        rocket::tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the server at {addr} did not start");
}

async fn main_async(args: Args) {
    let data_dir: PathBuf =
        std::env::temp_dir().join(format!("kouza-bench-{:08x}", rand::random::<u32>()));
    let (database_url, pg_name) = if args.postgres {
        let (url, name) = fresh_postgres(&args.postgres_url).await;
        (url, Some(name))
    } else {
        (String::new(), None)
    };
    let port = free_port();
    let figment: Figment = kouza::config::AppConfig::figment()
        .merge(("data_dir", data_dir.display().to_string()))
        .merge(("database_url", database_url.clone()))
        .merge(("jwt_secret", JWT_SECRET))
        .merge(("sqlite_synchronous", "full"))
        .merge(("background_jobs", false))
        .merge(("port", port))
        .merge(("address", "127.0.0.1"))
        .merge(("log_level", "off"));
    println!(
        "kouza-bench: {} on {}, {} cores, {}s per throughput run",
        match args.scenario {
            Scenario::All => "all scenarios".to_string(),
            s => format!("{s:?}").to_lowercase(),
        },
        if args.postgres {
            "PostgreSQL"
        } else {
            "SQLite (synchronous=FULL)"
        },
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        args.secs
    );
    let rocket = kouza::rocket_from(figment)
        .ignite()
        .await
        .expect("the service should ignite");
    let state = rocket.state::<kouza::state::AppState>().expect("app state");
    let bench = Bench {
        addr: format!("127.0.0.1:{port}"),
        hello_addr: start_hello().await,
        db: state.db.clone(),
        tokens: kouza::auth::token::TokenKeys::new(
            JWT_SECRET.as_bytes(),
            &state.config.jwt_issuer,
            &state.config.jwt_audience,
            state.config.token_ttl_minutes,
        ),
        clock: state.clock.clone(),
        secs: args.secs,
        hello: Default::default(),
    };
    rocket::tokio::spawn(rocket.launch());
    wait_until_listening(&bench.addr).await;
    wait_until_listening(&bench.hello_addr).await;
    rocket::tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, idle) = load::rss_mb();
    println!("idle RSS after start: {idle:.1} MB");

    let s = args.scenario;
    let all = s == Scenario::All;
    if all || s == Scenario::Rush || s == Scenario::Memory {
        scenarios::rush(&bench, args.rush_trainees, idle).await;
    }
    if all || s == Scenario::Catalog {
        scenarios::catalog(&bench).await;
    }
    if all || s == Scenario::Rollcall {
        scenarios::rollcall(&bench).await;
    }
    if all || s == Scenario::Certificates {
        scenarios::certificates(&bench, args.certificates).await;
    }
    if s == Scenario::Scale {
        scale::scale(scale::Options {
            scale: args.scale,
            secs: args.secs,
            postgres: args.postgres.then_some(args.postgres_url.as_str()),
            keep: args.keep,
            log_sql: args.log_sql,
        })
        .await;
    }
    if s == Scenario::Scaleout {
        scaleout::scaleout(&bench, &database_url, args.rush_trainees).await;
    }

    bench.db.clone().close().await.ok();
    if let Some(name) = pg_name {
        if let Ok(admin) = Database::connect(args.postgres_url.as_str()).await {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
    let _ = std::fs::remove_dir_all(&data_dir);
}

fn main() {
    let args = Args::parse();
    let runtime = rocket::tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(main_async(args));
    // The servers are still running; end without waiting for them.
    std::process::exit(0);
}
