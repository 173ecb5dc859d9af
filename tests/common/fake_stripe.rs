//! A fake Stripe on 127.0.0.1 speaking the form-encoded API the app uses:
//! `POST /v1/checkout/sessions` and `POST /v1/refunds`. It records every
//! request, honours `Idempotency-Key` (same key → same answer) and signs
//! webhook payloads the way Stripe does. No network.
//!
//! It also serves a hosted Checkout page (`GET /c/pay/<session>`) a browser
//! can "pay" on: the fake then sends the signed `checkout.session.completed`
//! webhook to the app (see [`FakeStripe::deliver_webhooks_to`]) and sends the
//! browser to the session's success URL, as Stripe does.
//!
//! Faults: [`FakeStripe::fail_next`] makes the next N requests to a path
//! fail (a 5xx answer, a connection closed without an answer, or an answer
//! that never comes), optionally after the object was created, as when
//! Stripe did the work and the answer was lost. [`FakeStripe::created`]
//! counts the objects made, whatever the answers were.
//!
//! Shared by the API tests and the browser tests (`#[path]` in both).
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub const SECRET_KEY: &str = "sk_test_fake";
pub const WEBHOOK_SECRET: &str = "whsec_test_fake";

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: HashMap<String, String>,
    pub form: HashMap<String, String>,
}

/// How one request fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// An error status (500, 502, 503…) with Stripe's error body; nothing created.
    Status(u16),
    /// The connection is closed without an answer.
    Close { after_creating: bool },
    /// No answer for a minute (longer than the client waits).
    Hang { after_creating: bool },
}

#[derive(Default)]
struct Inner {
    /// Faults still to inject, by path, in order.
    faults: HashMap<String, std::collections::VecDeque<Fault>>,
    /// Objects created, by path.
    created: HashMap<String, usize>,
    requests: Vec<Recorded>,
    by_key: HashMap<String, Value>,
    seq: u32,
    /// Checkout Sessions created, by id, with the form that created them.
    sessions: HashMap<String, HashMap<String, String>>,
    /// Where the hosted page's payments are announced.
    webhook_url: Option<String>,
}

/// An answer: status line, content type, body and any extra headers.
struct Reply {
    status: &'static str,
    content_type: &'static str,
    body: String,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn json(status: &'static str, value: Value) -> Reply {
        Reply {
            status,
            content_type: "application/json",
            body: value.to_string(),
            headers: vec![],
        }
    }
}

#[derive(Clone)]
pub struct FakeStripe {
    pub base_url: String,
    inner: Arc<Mutex<Inner>>,
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("00");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_form(body: &str) -> HashMap<String, String> {
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

impl FakeStripe {
    pub async fn start() -> FakeStripe {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let fake = FakeStripe {
            base_url,
            inner: Arc::default(),
        };
        let server = fake.clone();
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let server = server.clone();
                tokio::spawn(async move { server.serve(socket).await });
            }
        });
        fake
    }

    async fn serve(&self, mut socket: tokio::net::TcpStream) {
        let mut buffer: Vec<u8> = vec![];
        loop {
            // Read one request (headers, then Content-Length bytes).
            let head_end = loop {
                if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                    break i + 4;
                }
                let mut chunk = [0u8; 4096];
                match socket.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                }
            };
            let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
            let mut lines = head.split("\r\n");
            let mut first = lines.next().unwrap_or("").split(' ');
            let method = first.next().unwrap_or("").to_string();
            let path = first.next().unwrap_or("").to_string();
            let headers: HashMap<String, String> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                .collect();
            let length: usize = headers
                .get("content-length")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            while buffer.len() < head_end + length {
                let mut chunk = [0u8; 4096];
                match socket.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                }
            }
            let body = String::from_utf8_lossy(&buffer[head_end..head_end + length]).into_owned();
            buffer.drain(..head_end + length);
            let request = Recorded {
                method,
                path,
                headers,
                form: parse_form(&body),
            };
            let fault = self
                .inner
                .lock()
                .unwrap()
                .faults
                .get_mut(&request.path)
                .and_then(|queue| queue.pop_front());
            let reply = if request.path.starts_with("/c/pay/") {
                self.hosted_page(request).await
            } else if let Some(fault) = fault {
                match fault {
                    Fault::Status(code) => {
                        self.inner.lock().unwrap().requests.push(request);
                        let mut reply = Reply::json(
                            "500 Internal Server Error",
                            json!({"error": {"type": "api_error", "message": "fake fault"}}),
                        );
                        reply.status = match code {
                            502 => "502 Bad Gateway",
                            503 => "503 Service Unavailable",
                            504 => "504 Gateway Timeout",
                            _ => "500 Internal Server Error",
                        };
                        reply
                    }
                    Fault::Close { after_creating } | Fault::Hang { after_creating } => {
                        if after_creating {
                            self.answer(request);
                        } else {
                            self.inner.lock().unwrap().requests.push(request);
                        }
                        if matches!(fault, Fault::Hang { .. }) {
                            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                        }
                        return;
                    }
                }
            } else {
                let (status, value) = self.answer(request);
                Reply::json(status, value)
            };
            let mut response = format!(
                "HTTP/1.1 {}\r\ncontent-type: {}\r\ncontent-length: {}\r\n",
                reply.status,
                reply.content_type,
                reply.body.len()
            );
            for (name, value) in &reply.headers {
                response.push_str(&format!("{name}: {value}\r\n"));
            }
            response.push_str("\r\n");
            response.push_str(&reply.body);
            if socket.write_all(response.as_bytes()).await.is_err() {
                return;
            }
        }
    }

    fn answer(&self, request: Recorded) -> (&'static str, Value) {
        let mut inner = self.inner.lock().unwrap();
        inner.requests.push(request.clone());
        if request.headers.get("authorization").map(String::as_str)
            != Some(&format!("Bearer {SECRET_KEY}"))
        {
            return (
                "401 Unauthorized",
                json!({"error": {"type": "invalid_request_error", "message": "bad key"}}),
            );
        }
        let key = request.headers.get("idempotency-key").cloned();
        if let Some(previous) = key.as_ref().and_then(|k| inner.by_key.get(k)) {
            return ("200 OK", previous.clone());
        }
        inner.seq += 1;
        let n = inner.seq;
        let form = &request.form;
        let reply = match (request.method.as_str(), request.path.as_str()) {
            ("POST", "/v1/checkout/sessions") => {
                let unit: i64 = form["line_items[0][price_data][unit_amount]"]
                    .parse()
                    .unwrap();
                let qty: i64 = form["line_items[0][quantity]"].parse().unwrap();
                inner.sessions.insert(format!("cs_test_{n}"), form.clone());
                json!({
                    "id": format!("cs_test_{n}"), "object": "checkout.session",
                    "url": format!("{}/c/pay/cs_test_{n}", self.base_url),
                    "amount_total": unit * qty, "currency": form["currency"],
                    "status": "open", "payment_status": "unpaid", "mode": "payment",
                    "client_reference_id": form.get("client_reference_id"),
                })
            }
            ("POST", "/v1/refunds") => json!({
                "id": format!("re_test_{n}"), "object": "refund",
                "amount": form["amount"].parse::<i64>().unwrap(),
                "payment_intent": form["payment_intent"], "status": "succeeded", "currency": "jpy",
            }),
            _ => {
                return (
                    "404 Not Found",
                    json!({"error": {"type": "invalid_request_error", "message": "no such route"}}),
                )
            }
        };
        *inner.created.entry(request.path.clone()).or_default() += 1;
        if let Some(key) = key {
            inner.by_key.insert(key, reply.clone());
        }
        ("200 OK", reply)
    }

    /// Payments made on the hosted page are announced to `url` (the app's
    /// `/webhooks/stripe`), signed with [`WEBHOOK_SECRET`].
    pub fn deliver_webhooks_to(&self, url: &str) {
        self.inner.lock().unwrap().webhook_url = Some(url.to_string());
    }

    /// The hosted Checkout page: `GET` shows the amount and a pay button;
    /// `POST` pays, announces it by webhook, then returns to the shop.
    async fn hosted_page(&self, request: Recorded) -> Reply {
        let id = request
            .path
            .trim_start_matches("/c/pay/")
            .split(['/', '?'])
            .next()
            .unwrap_or("")
            .to_string();
        let (session, webhook_url) = {
            let mut inner = self.inner.lock().unwrap();
            inner.requests.push(request.clone());
            (inner.sessions.get(&id).cloned(), inner.webhook_url.clone())
        };
        let Some(session) = session else {
            return Reply {
                status: "404 Not Found",
                content_type: "text/html; charset=utf-8",
                body: "<!doctype html><title>Not found</title><h1>No such session</h1>".into(),
                headers: vec![],
            };
        };
        let amount: i64 = session["line_items[0][price_data][unit_amount]"]
            .parse()
            .unwrap_or(0);
        if request.method == "GET" {
            let body = format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Fake Checkout</title></head>\
                 <body><main><h1>Fake Checkout</h1><p class=\"amount\">JPY {amount}</p>\
                 <form method=\"post\" action=\"/c/pay/{id}\"><button type=\"submit\" id=\"pay\">Pay</button></form>\
                 <p><a id=\"cancel\" href=\"{}\">Back</a></p></main></body></html>",
                session.get("cancel_url").cloned().unwrap_or_default()
            );
            return Reply {
                status: "200 OK",
                content_type: "text/html; charset=utf-8",
                body,
                headers: vec![],
            };
        }
        let intent = format!("pi_hosted_{id}");
        let (body, signature) = signed_event(
            &format!("evt_hosted_{id}"),
            "checkout.session.completed",
            paid_session(&id, amount, &intent),
            chrono::Utc::now().timestamp(),
        );
        let delivered = match &webhook_url {
            Some(url) => post_json(url, &body, &signature).await,
            None => None,
        };
        if delivered.as_deref() != Some("200") {
            return Reply {
                status: "502 Bad Gateway",
                content_type: "text/html; charset=utf-8",
                body: format!(
                    "<!doctype html><title>Webhook refused</title><h1>The app answered {delivered:?} at {webhook_url:?}</h1>"
                ),
                headers: vec![],
            };
        }
        let success = session
            .get("success_url")
            .cloned()
            .unwrap_or_default()
            .replace("{CHECKOUT_SESSION_ID}", &id);
        Reply {
            status: "303 See Other",
            content_type: "text/plain",
            body: String::new(),
            headers: vec![("location", success)],
        }
    }

    /// The next `count` requests to `path` fail with `fault`.
    pub fn fail_next(&self, path: &str, count: usize, fault: Fault) {
        let mut inner = self.inner.lock().unwrap();
        let queue = inner.faults.entry(path.to_string()).or_default();
        queue.extend(std::iter::repeat_n(fault, count));
    }

    /// Objects (sessions, refunds) created at `path`, answered or not.
    pub fn created(&self, path: &str) -> usize {
        self.inner
            .lock()
            .unwrap()
            .created
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    pub fn requests(&self, path: &str) -> Vec<Recorded> {
        self.inner
            .lock()
            .unwrap()
            .requests
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }
}

/// POSTs a webhook over plain HTTP/1.1 and returns the status code.
async fn post_json(url: &str, body: &str, signature: &str) -> Option<String> {
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut socket = tokio::net::TcpStream::connect(host).await.ok()?;
    let request = format!(
        "POST /{path} HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\n\
         stripe-signature: {signature}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    socket.write_all(request.as_bytes()).await.ok()?;
    let mut answer = vec![];
    socket.read_to_end(&mut answer).await.ok()?;
    let answer = String::from_utf8_lossy(&answer);
    answer.split(' ').nth(1).map(str::to_string)
}

/// A signed webhook body and its `Stripe-Signature` header.
pub fn signed_event(id: &str, kind: &str, object: Value, timestamp: i64) -> (String, String) {
    let body = json!({
        "id": id, "object": "event", "type": kind, "api_version": "2025-01-27",
        "created": timestamp, "data": {"object": object},
    })
    .to_string();
    let header = kouza::payments::webhook::sign(body.as_bytes(), WEBHOOK_SECRET, timestamp);
    (body, header)
}

/// The `checkout.session.completed` object for a session.
pub fn paid_session(session_id: &str, amount: i64, intent: &str) -> Value {
    json!({
        "id": session_id, "object": "checkout.session", "amount_total": amount,
        "currency": "jpy", "payment_status": "paid", "status": "complete",
        "payment_intent": intent, "customer_details": {"name": "YAMADA HANAKO"},
    })
}
