//! A server on 127.0.0.1 that answers from a script, for tests of what the
//! client does when a server fails: statuses, lost connections, cut bodies.

#![allow(dead_code)] // Each test file uses the part it needs.
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub const APP: &str = r#"{"id":"0oa1","name":"bookmark","label":"Wiki","signOnMode":"BOOKMARK","status":"ACTIVE",
    "settings":{"app":{"url":"https://wiki.example.com"}}}"#;

/// What the server does with one request.
pub enum Reply {
    /// A whole response: status, extra header lines, body.
    Full(u16, &'static str, &'static str),
    /// Headers promising a longer body than is sent, then the connection closes.
    CutMidBody,
    /// The connection closes before any response.
    Close,
}

/// The request lines (`GET /path?query HTTP/1.1`) a server received.
#[derive(Clone, Default)]
pub struct Requests(Arc<Mutex<Vec<String>>>);

impl Requests {
    /// How many arrived.
    pub fn count(&self) -> usize {
        self.lines().len()
    }

    /// Their request lines, in order.
    pub fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// A server that answers each connection with the next reply of `script`,
/// then `200 []` once the script is done. Gives its URL and what it received.
pub async fn serve(script: Vec<Reply>) -> (String, Requests) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let requests = Requests::default();
    let seen = requests.clone();
    tokio::spawn(async move {
        let mut script = script.into_iter();
        while let Ok((mut socket, _)) = listener.accept().await {
            let line = read_request(&mut socket).await;
            seen.0.lock().unwrap_or_else(|e| e.into_inner()).push(line);
            let reply = script.next().unwrap_or(Reply::Full(200, "", "[]"));
            let out = match reply {
                Reply::Full(status, headers, body) => format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{headers}\r\n{body}",
                    body.len()
                ),
                Reply::CutMidBody => format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
                    APP.len(),
                    &APP[..20]
                ),
                Reply::Close => String::new(),
            };
            let _ = socket.write_all(out.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
    });
    (url, requests)
}

/// Reads one request: its head, and its body by `content-length`; gives
/// its request line.
async fn read_request(socket: &mut tokio::net::TcpStream) -> String {
    let mut data = Vec::new();
    let mut chunk = [0u8; 4096];
    let line = |data: &[u8]| String::from_utf8_lossy(data).lines().next().unwrap_or_default().to_owned();
    loop {
        let Ok(n) = socket.read(&mut chunk).await else { return line(&data) };
        if n == 0 {
            return line(&data);
        }
        data.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&data);
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return line(&data);
            }
        }
    }
}
