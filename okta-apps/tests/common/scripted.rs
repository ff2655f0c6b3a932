//! A server on 127.0.0.1 that answers from a script, for tests of what the
//! client does when a server fails: statuses, lost connections, cut bodies.

#![allow(dead_code)] // Each test file uses the part it needs.
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

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

/// A server that answers each connection with the next reply of `script`,
/// then `200 []` once the script is done. Gives its URL and a count of requests.
pub async fn serve(script: Vec<Reply>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let hits = Arc::new(AtomicUsize::new(0));
    let seen = hits.clone();
    tokio::spawn(async move {
        let mut script = script.into_iter();
        while let Ok((mut socket, _)) = listener.accept().await {
            read_request(&mut socket).await;
            seen.fetch_add(1, Ordering::SeqCst);
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
    (url, hits)
}

/// Reads one request: its head, and its body by `content-length`.
async fn read_request(socket: &mut tokio::net::TcpStream) {
    let mut data = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let Ok(n) = socket.read(&mut chunk).await else { return };
        if n == 0 {
            return;
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
                return;
            }
        }
    }
}
