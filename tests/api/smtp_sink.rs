//! A small real SMTP server for the tests: it speaks EHLO/HELO, MAIL, RCPT,
//! DATA, RSET, NOOP and QUIT on 127.0.0.1, keeps every message it accepts,
//! and can be stopped (connections refused) and started again on the same port.
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent (headers and body), dot-stuffing removed.
    pub data: String,
}

impl Received {
    /// Header lines unfolded, names lower-cased.
    pub fn headers(&self) -> Vec<(String, String)> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or("");
        let mut out: Vec<(String, String)> = vec![];
        for line in head.split("\r\n") {
            if line.starts_with(' ') || line.starts_with('\t') {
                if let Some(last) = out.last_mut() {
                    last.1.push_str(line);
                }
            } else if let Some((name, value)) = line.split_once(':') {
                out.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
        }
        out
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers()
            .into_iter()
            .find(|(n, _)| n == &name.to_ascii_lowercase())
            .map(|(_, v)| v)
    }

    /// The Subject with its RFC 2047 encoded-words decoded.
    pub fn subject(&self) -> String {
        decode_words(&self.header("subject").unwrap_or_default())
    }

    /// The body decoded from its transfer encoding, as UTF-8.
    pub fn body(&self) -> String {
        let raw = self
            .data
            .split_once("\r\n\r\n")
            .map(|(_, b)| b)
            .unwrap_or("");
        let encoding = self
            .header("content-transfer-encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let bytes = match encoding.as_str() {
            "base64" => {
                let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
                base64_decode(&compact)
            }
            "quoted-printable" => quoted_printable(raw),
            _ => raw.as_bytes().to_vec(),
        };
        String::from_utf8(bytes)
            .expect("the body is UTF-8")
            .replace("\r\n", "\n")
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("valid base64")
}

fn quoted_printable(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' {
            if bytes.get(i + 1) == Some(&b'\r') && bytes.get(i + 2) == Some(&b'\n') {
                i += 3;
                continue;
            }
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("hex"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// RFC 2047: `=?UTF-8?B?…?=` and `=?UTF-8?Q?…?=`, whitespace between
/// adjacent encoded-words dropped.
pub fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut last_was_word = false;
    while !rest.is_empty() {
        if let Some(start) = rest.find("=?") {
            let before = &rest[..start];
            if !(last_was_word && before.trim().is_empty()) {
                out.push_str(before);
            }
            let word = &rest[start + 2..];
            let parts: Vec<&str> = word.splitn(3, '?').collect();
            let (charset, kind, tail) = (parts[0], parts[1], parts[2]);
            assert!(charset.eq_ignore_ascii_case("utf-8"), "charset {charset}");
            let end = tail.find("?=").expect("end of encoded-word");
            let text = &tail[..end];
            let bytes = if kind.eq_ignore_ascii_case("b") {
                base64_decode(text)
            } else {
                quoted_printable(&text.replace('_', " "))
            };
            out.push_str(&String::from_utf8(bytes).expect("UTF-8 word"));
            rest = &tail[end + 2..];
            last_was_word = true;
        } else {
            out.push_str(rest);
            break;
        }
    }
    out
}

pub struct SmtpSink {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    task: Option<JoinHandle<()>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind sink");
        let port = listener.local_addr().unwrap().port();
        let mut sink = SmtpSink {
            port,
            received: Arc::new(Mutex::new(vec![])),
            task: None,
        };
        sink.serve(listener);
        sink
    }

    fn serve(&mut self, listener: TcpListener) {
        let received = self.received.clone();
        self.task = Some(tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let received = received.clone();
                tokio::spawn(async move {
                    let _ = session(stream, received).await;
                });
            }
        }));
    }

    /// Stops listening: new connections are refused.
    pub fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }

    /// Listens again on the same port.
    pub async fn restart(&mut self) {
        self.stop();
        let mut tries = 0;
        let listener = loop {
            match TcpListener::bind(("127.0.0.1", self.port)).await {
                Ok(listener) => break listener,
                Err(e) if tries < 50 => {
                    tries += 1;
                    let _ = e;
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
                Err(e) => panic!("cannot listen again on {}: {e}", self.port),
            }
        };
        self.serve(listener);
    }

    pub fn messages(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn session(stream: TcpStream, received: Arc<Mutex<Vec<Received>>>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let mut from = String::new();
    let mut to = vec![];
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_string();
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            write
                .write_all(b"250-sink.test\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 OK\r\n")
                .await?;
        } else if upper.starts_with("HELO") {
            write.write_all(b"250 sink.test\r\n").await?;
        } else if upper.starts_with("MAIL FROM:") {
            from = command[10..].trim().to_string();
            to.clear();
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(command[8..].trim().to_string());
            write.write_all(b"250 OK\r\n").await?;
        } else if upper == "DATA" {
            write.write_all(b"354 go ahead\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                let unstuffed = line.strip_prefix('.').unwrap_or(&line);
                data.push_str(unstuffed);
            }
            received.lock().unwrap().push(Received {
                from: from.clone(),
                to: to.clone(),
                data,
            });
            write.write_all(b"250 OK queued\r\n").await?;
        } else if upper == "RSET" {
            to.clear();
            write.write_all(b"250 OK\r\n").await?;
        } else if upper == "NOOP" {
            write.write_all(b"250 OK\r\n").await?;
        } else if upper == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            write.write_all(b"502 not implemented\r\n").await?;
        }
    }
}
