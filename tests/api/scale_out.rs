//! Scale-out on PostgreSQL: three real `kouza serve` processes on one
//! database behind an nginx started here, an enrollment race and a payment
//! webhook burst through the proxy, one instance killed with SIGKILL in the
//! middle of the burst and started again. Afterwards nothing is oversold,
//! every acknowledged request has its row, the waitlist has no gaps, each
//! paid enrollment has one payment and each outbox mail reached the SMTP
//! sink once. Runs only when `TEST_DATABASE_URL` is set (see docs/DEPLOY.md);
//! nginx comes from `.ci/scaleout-deps`.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rocket::futures::stream::{self, StreamExt};
use rocket::http::{Header, Status};
use sea_orm::EntityTrait;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::fake_stripe::{self, paid_session, signed_event, FakeStripe};
use crate::helpers::{community_application, spawn_with, test_figment, CourseSpec, JWT_SECRET};
use crate::smtp_sink::SmtpSink;

const INSTANCES: usize = 3;
const SEATS: i32 = 30;
const RACERS: usize = 300;
const PAYERS: usize = 40;
const FEE: i64 = 5_000;

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn nginx_binary() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default();
    on_path
        .into_iter()
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/local/sbin")])
        .map(|dir| dir.join("nginx"))
        .find(|p| p.is_file())
}

/// One HTTP/1.1 exchange on a fresh connection: (status, body).
pub(crate) async fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &str,
) -> std::io::Result<(u16, String)> {
    let exchange = async {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(body);
        stream.write_all(request.as_bytes()).await?;
        let mut raw = vec![];
        stream.read_to_end(&mut raw).await?;
        parse_response(&raw)
    };
    tokio::time::timeout(Duration::from_secs(30), exchange)
        .await
        .unwrap_or_else(|_| Err(std::io::Error::other("timed out")))
}

fn parse_response(raw: &[u8]) -> std::io::Result<(u16, String)> {
    let bad = || std::io::Error::other("malformed response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(bad)?;
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(bad)?;
    let mut body = raw[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        let mut out = vec![];
        let mut rest = &body[..];
        loop {
            let line_end = rest.windows(2).position(|w| w == b"\r\n").ok_or_else(bad)?;
            let size_text = String::from_utf8_lossy(&rest[..line_end]);
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| bad())?;
            if size == 0 {
                break;
            }
            let start = line_end + 2;
            out.extend_from_slice(rest.get(start..start + size).ok_or_else(bad)?);
            rest = rest.get(start + size + 2..).ok_or_else(bad)?;
        }
        body = out;
    }
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

/// The children of this test: three app instances and nginx. Dropping it
/// (also when an assertion panics) kills every one of them.
struct Fleet {
    dir: PathBuf,
    database_url: String,
    smtp_port: u16,
    stripe_base: String,
    ports: Vec<u16>,
    apps: Vec<Option<Child>>,
    nginx: Option<Child>,
    proxy_port: u16,
}

impl Fleet {
    fn start_instance(&mut self, i: usize) {
        let data_dir = self.dir.join(format!("instance-{i}"));
        std::fs::create_dir_all(&data_dir).unwrap();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join(format!("instance-{i}.log")))
            .unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_kouza"))
            .arg("serve")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("ROCKET_ADDRESS", "127.0.0.1")
            .env("ROCKET_PORT", self.ports[i].to_string())
            .env("ROCKET_LOG_LEVEL", "off")
            .env("KOUZA_LOG", "warn")
            .env("DATABASE_URL", &self.database_url)
            .env("ROCKET_DATA_DIR", data_dir.display().to_string())
            .env("ROCKET_JWT_SECRET", JWT_SECRET)
            .env("ROCKET_DB_MAX_CONNECTIONS", "6")
            .env("ROCKET_BACKGROUND_JOBS", "true")
            .env("ROCKET_BACKGROUND_INTERVAL_SECS", "1")
            .env("ROCKET_SMTP_HOST", "127.0.0.1")
            .env("ROCKET_SMTP_PORT", self.smtp_port.to_string())
            .env("ROCKET_SMTP_TLS", "none")
            // Generous: a send that times out after the sink accepted it is
            // sent again (at least once), which would read as a repeat here.
            .env("ROCKET_SMTP_TIMEOUT_SECS", "8")
            .env("ROCKET_MAIL_LEASE_SECS", "20")
            .env("ROCKET_MAIL_RETRY_BASE_SECS", "1")
            .env("ROCKET_MAIL_RETRY_MAX_SECS", "2")
            .env("ROCKET_STRIPE_SECRET_KEY", fake_stripe::SECRET_KEY)
            .env("ROCKET_STRIPE_WEBHOOK_SECRET", fake_stripe::WEBHOOK_SECRET)
            .env("ROCKET_STRIPE_API_BASE", &self.stripe_base)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start kouza serve");
        self.apps[i] = Some(child);
    }

    /// SIGKILL: no shutdown, no cleanup, like a machine losing power.
    fn kill_instance(&mut self, i: usize) {
        if let Some(mut child) = self.apps[i].take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn log_tail(&self, i: usize, n: usize) -> String {
        let text =
            std::fs::read_to_string(self.dir.join(format!("instance-{i}.log"))).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n")
    }

    /// Until `/readyz` answers 200 (the database is reachable and migrations are done).
    async fn wait_ready(&mut self, i: usize) {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Some(child) = self.apps[i].as_mut() {
                if let Ok(Some(exit)) = child.try_wait() {
                    panic!(
                        "instance {i} exited during start ({exit}):\n{}",
                        self.log_tail(i, 30)
                    );
                }
            }
            if let Ok((200, _)) = http(self.ports[i], "GET", "/readyz", &[], "").await {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "instance {i} not ready in time:\n{}",
                self.log_tail(i, 30)
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn start_nginx(&mut self, binary: &Path) {
        let servers: String = self
            .ports
            .iter()
            .map(|p| format!("    server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;\n"))
            .collect();
        let dir = self.dir.display();
        let conf = format!(
            r#"master_process off;
error_log {dir}/nginx-error.log warn;
pid {dir}/nginx.pid;
events {{ worker_connections 4096; }}
http {{
  access_log {dir}/nginx-access.log;
  client_body_temp_path {dir}/nginx-tmp/body;
  proxy_temp_path {dir}/nginx-tmp/proxy;
  fastcgi_temp_path {dir}/nginx-tmp/fastcgi;
  uwsgi_temp_path {dir}/nginx-tmp/uwsgi;
  scgi_temp_path {dir}/nginx-tmp/scgi;
  upstream kouza {{
{servers}  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://kouza;
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_connect_timeout 1s;
      proxy_read_timeout 30s;
      proxy_next_upstream error timeout;
      proxy_next_upstream_tries 3;
    }}
  }}
}}
"#,
            port = self.proxy_port
        );
        std::fs::create_dir_all(self.dir.join("nginx-tmp")).unwrap();
        let conf_path = self.dir.join("nginx.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let child = Command::new(binary)
            .arg("-p")
            .arg(&self.dir)
            .arg("-c")
            .arg(&conf_path)
            .args(["-g", "daemon off;"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start nginx");
        self.nginx = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", self.proxy_port))
            .await
            .is_err()
        {
            if let Some(Ok(Some(_))) = self.nginx.as_mut().map(|c| c.try_wait()) {
                let errors =
                    std::fs::read_to_string(self.dir.join("nginx-error.log")).unwrap_or_default();
                panic!("nginx exited at start: {errors}");
            }
            assert!(Instant::now() < deadline, "nginx did not listen in time");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        for i in 0..self.apps.len() {
            self.kill_instance(i);
        }
        if let Some(mut nginx) = self.nginx.take() {
            let _ = nginx.kill();
            let _ = nginx.wait();
        }
        if std::thread::panicking() {
            // CI shows only the end of a failing test's output, after the
            // backtrace: repeat there what the instances said and why it failed.
            for i in 0..self.apps.len() {
                eprintln!("--- instance {i}, last lines:\n{}", self.log_tail(i, 8));
            }
            if let Some(message) = PANIC_MESSAGE.lock().ok().and_then(|m| m.clone()) {
                eprintln!("scale-out failed: {message}");
            }
            eprintln!("scale-out logs kept in {}", self.dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The message of the panic on this test's thread, for `Fleet`'s drop.
static PANIC_MESSAGE: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

fn remember_panics_of_this_thread() {
    let this = std::thread::current().id();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == this {
            if let Ok(mut slot) = PANIC_MESSAGE.lock() {
                *slot = Some(info.to_string());
            }
        }
        previous(info)
    }));
}

fn bearer_value(header: &Header<'static>) -> String {
    header.value().to_string()
}

/// POSTs through the proxy until the answer is neither a transport error
/// nor a 5xx, the way a client with an `Idempotency-Key` (or Stripe) retries.
async fn post_until_answered(
    port: u16,
    path: &str,
    headers: Vec<(&str, String)>,
    body: &str,
) -> (u16, String, usize) {
    let mut tries = 0;
    loop {
        tries += 1;
        match http(port, "POST", path, &headers, body).await {
            Ok((status, text)) if status < 500 => return (status, text, tries),
            outcome => {
                assert!(tries < 40, "{path} never answered: {outcome:?}");
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    }
}

#[rocket::async_test]
async fn three_instances_behind_nginx_survive_a_race_a_webhook_burst_and_a_killed_instance() {
    if std::env::var("TEST_DATABASE_URL").is_err() {
        println!("scale_out: skipped on SQLite (set TEST_DATABASE_URL to run it on PostgreSQL)");
        return;
    }
    let nginx = nginx_binary().expect("nginx is not installed: run .ci/scaleout-deps");
    remember_panics_of_this_thread();
    let started = Instant::now();
    let sink = SmtpSink::start().await;
    let stripe = FakeStripe::start().await;
    let (figment, data_dir) = test_figment().await;
    let database_url: String = figment.extract_inner("database_url").unwrap();

    // Three instances started at the same moment on a fresh database: they
    // migrate it concurrently (the advisory lock makes that safe).
    let mut fleet = Fleet {
        dir: std::env::temp_dir().join(format!("kouza-scale-{:016x}", rand::random::<u64>())),
        database_url,
        smtp_port: sink.port,
        stripe_base: stripe.base_url.clone(),
        ports: (0..INSTANCES).map(|_| free_port()).collect(),
        apps: (0..INSTANCES).map(|_| None).collect(),
        nginx: None,
        proxy_port: free_port(),
    };
    std::fs::create_dir_all(&fleet.dir).unwrap();
    for i in 0..INSTANCES {
        fleet.start_instance(i);
    }
    for i in 0..INSTANCES {
        fleet.wait_ready(i).await;
    }
    fleet.start_nginx(&nginx).await;
    let proxy = fleet.proxy_port;
    // The in-process app on the same database makes the data, as staff would.
    let app = spawn_with(figment, data_dir).await;
    let db = &app.state().db;

    // 1. The enrollment race: 300 trainees, 30 seats, a waitlist.
    let course = app
        .published_course(CourseSpec {
            capacity: SEATS,
            ..Default::default()
        })
        .await;
    let racers = app.trainees(RACERS).await;
    let body = community_application().to_string();
    let path = format!("/api/v1/courses/{}/enrollments", course.id);
    let answers: Vec<(i64, u16, Value)> = stream::iter(racers.iter().enumerate())
        .map(|(i, (user, bearer))| {
            let headers = vec![
                ("Authorization", bearer_value(bearer)),
                ("Content-Type", "application/json".to_string()),
                ("Idempotency-Key", format!("race-{i}")),
            ];
            let (body, path) = (body.clone(), path.clone());
            async move {
                let (status, text, _) = post_until_answered(proxy, &path, headers, &body).await;
                (
                    *user,
                    status,
                    serde_json::from_str(&text).unwrap_or_default(),
                )
            }
        })
        .buffer_unordered(64)
        .collect()
        .await;
    let acknowledged: BTreeMap<i64, i64> = answers
        .iter()
        .filter(|(_, status, _)| (200..300).contains(status))
        .map(|(user, _, body)| (body["id"].as_i64().unwrap(), *user))
        .collect();
    assert_eq!(
        acknowledged.len(),
        RACERS,
        "every trainee gets an answer: {:?}",
        answers
            .iter()
            .filter(|(_, s, _)| *s != 201)
            .take(5)
            .collect::<Vec<_>>()
    );
    let rows = kouza::services::enrollment::for_course(db, course.id, None, None)
        .await
        .unwrap();
    for (id, user) in &acknowledged {
        assert!(
            rows.iter().any(|r| r.id == *id && r.user_id == *user),
            "acknowledged enrollment {id} is stored"
        );
    }
    let confirmed = rows.iter().filter(|r| r.status == "confirmed").count();
    let seats_taken = kouza::services::catalog::find(db, course.id)
        .await
        .unwrap()
        .seats_taken;
    assert_eq!(
        seats_taken as usize, confirmed,
        "the counter equals the rows"
    );
    assert_eq!(confirmed, SEATS as usize, "every seat taken, none oversold");
    let tickets: BTreeSet<i32> = rows.iter().filter_map(|r| r.waitlist_ticket).collect();
    let waitlisted = rows.iter().filter(|r| r.status == "waitlisted").count();
    assert_eq!(waitlisted, RACERS - SEATS as usize);
    assert_eq!(
        tickets,
        (1..=waitlisted as i32).collect::<BTreeSet<i32>>(),
        "waitlist positions without gaps"
    );

    // 2. Paid enrollments with an open card checkout each, through the proxy.
    let priced = app
        .published_course(CourseSpec {
            capacity: PAYERS as i32,
            ..Default::default()
        })
        .await;
    kouza::services::catalog::set_fees(
        db,
        priced.id,
        &[("general".to_string(), "tuition".to_string(), FEE)],
    )
    .await
    .unwrap();
    let payers = app.trainees(PAYERS).await;
    let checkouts: Vec<(i64, Header<'static>, String)> = stream::iter(payers.iter().enumerate())
        .map(|(i, (_, bearer))| {
            let auth = bearer_value(bearer);
            let path = format!("/api/v1/courses/{}/enrollments", priced.id);
            let body = body.clone();
            async move {
                let headers = vec![
                    ("Authorization", auth.clone()),
                    ("Content-Type", "application/json".to_string()),
                    ("Idempotency-Key", format!("pay-{i}")),
                ];
                let (status, text, _) = post_until_answered(proxy, &path, headers, &body).await;
                assert_eq!(status, 201, "{text}");
                let enrolled: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(enrolled["status"], "pending_payment");
                let id = enrolled["id"].as_i64().unwrap();
                let headers = vec![
                    ("Authorization", auth),
                    ("Content-Type", "application/json".to_string()),
                ];
                let (status, text, _) = post_until_answered(
                    proxy,
                    &format!("/api/v1/enrollments/{id}/checkout"),
                    headers,
                    "{}",
                )
                .await;
                assert_eq!(status, 201, "{text}");
                let checkout: Value = serde_json::from_str(&text).unwrap();
                let session = checkout["url"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string();
                (id, bearer.clone(), session)
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;

    // 3. The webhook burst: each signed event twice, spread over a couple of
    // seconds; instance 1 is killed with SIGKILL once a quarter is answered.
    let now = app.state().clock.now().timestamp();
    let mut deliveries = vec![];
    for (n, (_, _, session)) in checkouts.iter().enumerate() {
        let (body, signature) = signed_event(
            &format!("evt_burst_{n}"),
            "checkout.session.completed",
            paid_session(session, FEE, &format!("pi_burst_{n}")),
            now,
        );
        deliveries.push((body.clone(), signature.clone()));
        deliveries.push((body, signature));
    }
    let answered = Arc::new(AtomicUsize::new(0));
    let total = deliveries.len();
    let burst = {
        let answered = answered.clone();
        stream::iter(deliveries.into_iter().enumerate())
            .map(move |(k, (body, signature))| {
                let answered = answered.clone();
                async move {
                    tokio::time::sleep(Duration::from_millis(25 * k as u64)).await;
                    let headers = vec![
                        ("Content-Type", "application/json".to_string()),
                        ("Stripe-Signature", signature),
                    ];
                    let (status, text, tries) =
                        post_until_answered(proxy, "/webhooks/stripe", headers, &body).await;
                    answered.fetch_add(1, Ordering::SeqCst);
                    (status, text, tries)
                }
            })
            .buffer_unordered(total)
            .collect::<Vec<_>>()
    };
    let chaos = async {
        while answered.load(Ordering::SeqCst) < total / 4 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        fleet.kill_instance(1);
        let killed_at = answered.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(500)).await;
        fleet.start_instance(1);
        fleet.wait_ready(1).await;
        killed_at
    };
    let (replies, killed_at) = tokio::join!(burst, chaos);
    assert!(
        killed_at < total,
        "the instance died while the burst was running ({killed_at} of {total} answered)"
    );
    for (status, text, _) in &replies {
        assert_eq!(
            *status, 200,
            "every webhook is acknowledged in the end: {text}"
        );
    }
    let retried = replies.iter().filter(|(_, _, tries)| *tries > 1).count();
    println!("scale_out: {retried} of {total} webhook deliveries needed a retry");

    for (id, bearer, _) in &checkouts {
        let response = app
            .client
            .get(format!("/api/v1/enrollments/{id}/ledger"))
            .header(bearer.clone())
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Ok);
        let ledger: Value = response.into_json().await.unwrap();
        assert_eq!(ledger["status"], "confirmed", "paid enrollment {id}");
        let payments = ledger["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "payment")
            .count();
        assert_eq!(payments, 1, "exactly one payment for enrollment {id}");
    }
    let paid_rows = kouza::services::enrollment::for_course(db, priced.id, None, None)
        .await
        .unwrap();
    let seats_taken = kouza::services::catalog::find(db, priced.id)
        .await
        .unwrap()
        .seats_taken;
    let holding = paid_rows.iter().filter(|r| r.status == "confirmed").count();
    assert_eq!(holding, PAYERS);
    assert_eq!(seats_taken as usize, holding);
    assert!(seats_taken <= PAYERS as i32);

    // 4. The outbox drains (the restarted instance included) and every mail
    // reached the sink once: one Message-ID per outbox row. A SIGKILL between
    // the server's "250 queued" and the row being marked sent may repeat one
    // message with the same Message-ID (see services/mail_delivery.rs); one
    // kill allows at most one such copy.
    // Long enough for the lease of a row the killed instance held to run out.
    let deadline = Instant::now() + Duration::from_secs(120);
    let outbox = loop {
        let rows = kouza::entities::mail_outbox::Entity::find()
            .all(db)
            .await
            .unwrap();
        if rows.iter().all(|r| r.status == "sent") {
            break rows;
        }
        assert!(
            Instant::now() < deadline,
            "the outbox did not drain: {} of {} sent",
            rows.iter().filter(|r| r.status == "sent").count(),
            rows.len()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert!(
        outbox.len() >= RACERS,
        "mails were queued: {}",
        outbox.len()
    );
    let mut copies: BTreeMap<i64, usize> = BTreeMap::new();
    for message in sink.messages() {
        let id = message
            .header("message-id")
            .and_then(|m| {
                m.trim_start_matches("<kouza.outbox.")
                    .split('.')
                    .next()
                    .and_then(|n| n.parse::<i64>().ok())
            })
            .expect("a kouza Message-ID");
        *copies.entry(id).or_default() += 1;
    }
    let expected: BTreeSet<i64> = outbox.iter().map(|r| r.id).collect();
    assert_eq!(
        copies.keys().copied().collect::<BTreeSet<i64>>(),
        expected,
        "every outbox row delivered, nothing else"
    );
    let repeated: usize = copies.values().map(|n| n - 1).sum();
    assert!(
        repeated <= 1,
        "at most the one mail in flight at the kill is repeated: {repeated}"
    );
    println!(
        "scale_out: {} mails delivered ({repeated} repeated), {:.1}s in all",
        outbox.len(),
        started.elapsed().as_secs_f64()
    );
}

/// An instance killed between claiming an `Idempotency-Key` and storing its
/// answer leaves a claim without an answer. Retries hear "still running"
/// for a while, then one retry (never two) takes the claim over and runs.
#[rocket::async_test]
async fn a_key_claimed_by_an_instance_that_died_is_taken_over_by_one_retry_later() {
    use kouza::services::idempotency::{claim, complete, Claim, ABANDONED_AFTER_SECS};
    let app = crate::helpers::spawn().await;
    let db = &app.state().db;
    let scope = "enroll:1|7|digest";
    let start = app.state().clock.now();
    assert!(matches!(
        claim(db, scope, "k1", start).await.unwrap(),
        Claim::Fresh
    ));
    // The instance dies here: no answer is ever stored.
    let soon = start + chrono::Duration::seconds(10);
    assert!(matches!(
        claim(db, scope, "k1", soon).await.unwrap(),
        Claim::Running
    ));
    let later = start + chrono::Duration::seconds(ABANDONED_AFTER_SECS + 1);
    let (first, second) =
        tokio::join!(claim(db, scope, "k1", later), claim(db, scope, "k1", later));
    let fresh = [first.unwrap(), second.unwrap()]
        .iter()
        .filter(|c| matches!(c, Claim::Fresh))
        .count();
    assert_eq!(fresh, 1, "exactly one retry takes the claim over");
    complete(db, scope, "k1", 201, "{\"id\":1}", "application/json")
        .await
        .unwrap();
    let much_later = later + chrono::Duration::seconds(ABANDONED_AFTER_SECS * 10);
    assert!(matches!(
        claim(db, scope, "k1", much_later).await.unwrap(),
        Claim::Done { status: 201, .. }
    ));
}
