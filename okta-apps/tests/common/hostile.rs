//! A misbehaving server on 127.0.0.1: each request is answered by a
//! function of the request, with any bytes at all (absurd headers, links
//! that loop, redirects elsewhere), after a delay, or with a body that never
//! ends. Every request is recorded, headers and body included.

#![allow(dead_code)] // Each test file uses the part it needs.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The request target: path and query.
    pub target: String,
    /// The headers, names lowercased, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Received {
    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// What the server does with one request.
pub enum Reply {
    /// A response: status, extra header lines (each ending in `\r\n`), body.
    /// `content-length` and `connection: close` are added.
    Http(u16, String, Vec<u8>),
    /// These bytes exactly, then the connection closes.
    Bytes(Vec<u8>),
    /// A 200 with these header lines, then a chunked body that never ends
    /// (it stops when the client hangs up, or after 2 GiB).
    Endless(String),
    /// The reply, after a pause.
    After(Duration, Box<Reply>),
}

impl Reply {
    /// A JSON response with extra header lines.
    pub fn json(status: u16, headers: &str, body: &str) -> Self {
        Reply::Http(status, format!("content-type: application/json\r\n{headers}"), body.as_bytes().to_vec())
    }
}

/// A running hostile server: its base URL and what it received.
#[derive(Clone)]
pub struct Hostile {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Hostile {
    /// Starts a server answering each request with `answer(&request, index)`.
    pub async fn start(answer: impl Fn(&Received, usize) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let seen = Arc::clone(&received);
        let answer = Arc::new(answer);
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (seen, answer) = (Arc::clone(&seen), Arc::clone(&answer));
                tokio::spawn(async move {
                    let mut socket = socket;
                    let Some(request) = read_request(&mut socket).await else { return };
                    let index = {
                        let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
                        seen.push(request.clone());
                        seen.len() - 1
                    };
                    let reply = answer(&request, index);
                    write_reply(&mut socket, reply).await;
                });
            }
        });
        Self { url, received }
    }

    /// Every request so far, in order of arrival.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// How many requests arrived.
    pub fn count(&self) -> usize {
        self.received().len()
    }

    /// The requests to `path` (without query).
    pub fn to(&self, path: &str) -> Vec<Received> {
        self.received().into_iter().filter(|r| r.target.split('?').next() == Some(path)).collect()
    }
}

async fn write_reply(socket: &mut TcpStream, reply: Reply) {
    match reply {
        Reply::Http(status, headers, body) => {
            let head =
                format!("HTTP/1.1 {status} X\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n", body.len());
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(&body).await;
        }
        Reply::Bytes(bytes) => {
            let _ = socket.write_all(&bytes).await;
        }
        Reply::Endless(headers) => {
            let head = format!("HTTP/1.1 200 OK\r\n{headers}transfer-encoding: chunked\r\nconnection: close\r\n\r\n");
            if socket.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "[".repeat(64 * 1024));
            for _ in 0..32 * 1024 {
                if socket.write_all(chunk.as_bytes()).await.is_err() {
                    return;
                }
            }
        }
        Reply::After(pause, reply) => {
            tokio::time::sleep(pause).await;
            Box::pin(write_reply(socket, *reply)).await;
        }
    }
    let _ = socket.shutdown().await;
}

/// Reads one request: its head, and its body by `content-length`.
async fn read_request(socket: &mut TcpStream) -> Option<Received> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&chunk[..n]);
        let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&data[..end]).into_owned();
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next().unwrap_or_default().split(' ');
        let method = request_line.next().unwrap_or_default().to_owned();
        let target = request_line.next().unwrap_or_default().to_owned();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let length =
            headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse::<usize>().ok()).unwrap_or(0);
        while data.len() < end + 4 + length {
            let n = socket.read(&mut chunk).await.ok()?;
            if n == 0 {
                break;
            }
            data.extend_from_slice(&chunk[..n]);
        }
        let body = data.get(end + 4..).unwrap_or_default().to_vec();
        return Some(Received { method, target, headers, body });
    }
}
