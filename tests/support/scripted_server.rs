//! A tiny HTTP/1.1 server on loopback that answers from a script and records every request.
//! For client tests that need exact control over status codes, bodies and misbehaviour.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Status, content type and body.
    Body(u16, &'static str, String),
    /// Accepts the request and never answers.
    Hang,
    /// Closes the connection without a word.
    Close,
    /// Announces a longer body than it sends, then closes.
    Truncated(u16, String),
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Reply::Body(status, "application/json", body.into())
    }
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct ScriptedServer {
    pub base_url: String,
    pub requests: Arc<Mutex<Vec<Recorded>>>,
}

/// Chooses the reply to a request.
type Responder = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

impl ScriptedServer {
    /// Starts a server that answers requests with `replies` in order of arrival (the last one
    /// repeats). For requests that run concurrently, use [`Self::start_with`].
    pub fn start(replies: Vec<Reply>) -> Self {
        let script = Mutex::new(VecDeque::from(replies));
        Self::start_with(move |_| {
            let mut script = script.lock().expect("lock");
            if script.len() > 1 {
                script.pop_front().expect("non-empty")
            } else {
                script.front().cloned().unwrap_or(Reply::Close)
            }
        })
    }

    /// Starts a server that answers each request with what `respond` returns for it.
    pub fn start_with(respond: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().expect("local addr").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script: Responder = Arc::new(respond);
        let log = requests.clone();
        std::thread::Builder::new()
            .name("scripted-server".into())
            .spawn(move || {
                for stream in listener.incoming().flatten() {
                    let (script, log) = (script.clone(), log.clone());
                    std::thread::Builder::new()
                        .name("scripted-conn".into())
                        .spawn(move || serve(stream, &script, &log))
                        .expect("spawn connection thread");
                }
            })
            .expect("spawn server thread");
        ScriptedServer {
            base_url: format!("http://127.0.0.1:{port}/core/v2/rest"),
            requests,
        }
    }

    pub fn recorded(&self) -> Vec<Recorded> {
        self.requests.lock().expect("lock").clone()
    }
}

fn serve(stream: TcpStream, respond: &Responder, log: &Mutex<Vec<Recorded>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut stream = stream;
    loop {
        let Some(request) = read_request(&mut reader) else {
            return;
        };
        let reply = respond(&request);
        log.lock().expect("lock").push(request);
        match reply {
            Reply::Body(status, content_type, body) => {
                let head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                if stream.write_all(head.as_bytes()).is_err()
                    || stream.write_all(body.as_bytes()).is_err()
                {
                    return;
                }
            }
            Reply::Hang => {
                std::thread::sleep(Duration::from_secs(30));
                return;
            }
            Reply::Close => return,
            Reply::Truncated(status, body) => {
                let head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                    body.len() * 2
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(body.as_bytes());
                return;
            }
        }
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Recorded> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Recorded {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}
