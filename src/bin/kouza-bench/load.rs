//! A small closed-loop HTTP/1.1 load generator: N keep-alive connections,
//! each sending its next request as soon as the previous answer is read.
//! Written here so the benchmark needs no external tool.
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rocket::tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use rocket::tokio::net::TcpStream;

/// One request, ready to send.
#[derive(Clone)]
pub struct Req {
    pub method: &'static str,
    pub path: String,
    /// Extra header lines, each ending in `\r\n`.
    pub headers: String,
    pub body: Vec<u8>,
}

impl Req {
    pub fn get(path: impl Into<String>) -> Req {
        Req {
            method: "GET",
            path: path.into(),
            headers: String::new(),
            body: vec![],
        }
    }

    pub fn json(method: &'static str, path: impl Into<String>, body: &serde_json::Value) -> Req {
        Req {
            method,
            path: path.into(),
            headers: "Content-Type: application/json\r\n".into(),
            body: body.to_string().into_bytes(),
        }
    }

    pub fn bearer(mut self, token: &str) -> Req {
        self.headers
            .push_str(&format!("Authorization: Bearer {token}\r\n"));
        self
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = format!(
            "{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: ja\r\n{}Content-Length: {}\r\n\r\n",
            self.method,
            self.path,
            self.headers,
            self.body.len()
        )
        .into_bytes();
        out.extend_from_slice(&self.body);
        out
    }
}

pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

/// One keep-alive connection.
pub struct Conn {
    addr: String,
    stream: Option<BufReader<TcpStream>>,
}

impl Conn {
    pub fn new(addr: &str) -> Conn {
        Conn {
            addr: addr.to_string(),
            stream: None,
        }
    }

    pub async fn send(&mut self, req: &Req) -> std::io::Result<Reply> {
        let result = self.try_send(req).await;
        if result.is_err() {
            self.stream = None;
        }
        result
    }

    async fn try_send(&mut self, req: &Req) -> std::io::Result<Reply> {
        if self.stream.is_none() {
            let tcp = TcpStream::connect(&self.addr).await?;
            tcp.set_nodelay(true)?;
            self.stream = Some(BufReader::with_capacity(64 * 1024, tcp));
        }
        let stream = self.stream.as_mut().expect("connected above");
        stream.get_mut().write_all(&req.encode()).await?;
        let mut line = String::new();
        stream.read_line(&mut line).await?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad(format!("bad status line {line:?}")))?;
        let mut length: Option<usize> = None;
        let mut chunked = false;
        let mut close = false;
        loop {
            line.clear();
            if stream.read_line(&mut line).await? == 0 {
                return Err(bad("connection closed in headers".into()));
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                let value = value.trim();
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.parse().ok(),
                    "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                    "connection" => close = value.eq_ignore_ascii_case("close"),
                    _ => {}
                }
            }
        }
        let mut body = vec![];
        if chunked {
            loop {
                line.clear();
                stream.read_line(&mut line).await?;
                let size = usize::from_str_radix(line.trim(), 16)
                    .map_err(|_| bad(format!("bad chunk size {line:?}")))?;
                let start = body.len();
                body.resize(start + size, 0);
                stream.read_exact(&mut body[start..]).await?;
                line.clear();
                stream.read_line(&mut line).await?;
                if size == 0 {
                    break;
                }
            }
        } else if let Some(length) = length {
            body.resize(length, 0);
            stream.read_exact(&mut body).await?;
        }
        if close {
            self.stream = None;
        }
        Ok(Reply { status, body })
    }
}

fn bad(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message)
}

/// What a run measured.
#[derive(Default)]
pub struct Stats {
    pub elapsed: Duration,
    pub latencies_us: Vec<u64>,
    pub statuses: BTreeMap<u16, usize>,
    /// Connection or protocol failures (no HTTP status at all).
    pub io_errors: usize,
    /// Bodies by request index, when asked for.
    pub bodies: Vec<(usize, u16, Vec<u8>)>,
}

impl Stats {
    pub fn count(&self) -> usize {
        self.latencies_us.len()
    }

    pub fn per_second(&self) -> f64 {
        self.count() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let mut sorted = self.latencies_us.clone();
        sorted.sort_unstable();
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0
    }

    pub fn server_errors(&self) -> usize {
        self.statuses
            .iter()
            .filter(|(s, _)| **s >= 500)
            .map(|(_, n)| n)
            .sum()
    }

    /// Answers outside the expected status (plus I/O failures).
    pub fn unexpected(&self, ok: &[u16]) -> usize {
        self.io_errors
            + self
                .statuses
                .iter()
                .filter(|(s, _)| !ok.contains(s))
                .map(|(_, n)| n)
                .sum::<usize>()
    }
}

/// Where requests come from: the `i`-th request, or `None` when done.
pub type Source = Arc<dyn Fn(usize) -> Option<Req> + Send + Sync>;

/// Runs `connections` loops until the source is exhausted or `limit` passes.
pub async fn run(
    addr: &str,
    connections: usize,
    source: Source,
    limit: Option<Duration>,
    keep_bodies: bool,
) -> Stats {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = limit.map(|d| started + d);
    let mut tasks = vec![];
    for _ in 0..connections {
        let next = next.clone();
        let source = source.clone();
        let addr = addr.to_string();
        tasks.push(rocket::tokio::spawn(async move {
            let mut conn = Conn::new(&addr);
            let mut stats = Stats::default();
            loop {
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(req) = source(i) else { break };
                let sent = Instant::now();
                match conn.send(&req).await {
                    Ok(reply) => {
                        stats.latencies_us.push(sent.elapsed().as_micros() as u64);
                        *stats.statuses.entry(reply.status).or_default() += 1;
                        if keep_bodies {
                            stats.bodies.push((i, reply.status, reply.body));
                        }
                    }
                    Err(_) => stats.io_errors += 1,
                }
            }
            stats
        }));
    }
    let mut total = Stats::default();
    for task in tasks {
        let part = task.await.expect("load task");
        total.latencies_us.extend(part.latencies_us);
        for (s, n) in part.statuses {
            *total.statuses.entry(s).or_default() += n;
        }
        total.io_errors += part.io_errors;
        total.bodies.extend(part.bodies);
    }
    total.elapsed = started.elapsed();
    total
}

/// Peak and current resident memory of this process (server and load
/// generator together), in MB, from /proc/self/status.
pub fn rss_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
            .unwrap_or(0.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// Resets the peak (VmHWM) to the current RSS, so a phase's peak is its own.
pub fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
