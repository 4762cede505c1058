//! A webhook receiver on a local port: records every request (headers and body) and answers
//! with the statuses it is told to, then 200.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HashMap<String, String>,
    pub body: String,
    /// When it was read in full.
    pub at: Instant,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    answers: VecDeque<u16>,
    /// Never answer: read each request, then hold the connection open.
    stall: bool,
}

pub struct Receiver {
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl Receiver {
    /// Listens on a free port.
    pub fn start() -> Self {
        Self::on(TcpListener::bind("127.0.0.1:0").expect("bind"))
    }

    /// A receiver that reads each request and never answers (it holds the connection).
    pub fn stalled() -> Self {
        let receiver = Self::start();
        receiver.state.lock().unwrap().stall = true;
        receiver
    }

    /// A port nothing listens on yet (for a receiver that is down, then comes back).
    pub fn reserve_port() -> u16 {
        TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
    }

    /// Listens on `port` (reserved earlier).
    pub fn start_on(port: u16) -> Self {
        Self::on(TcpListener::bind(("127.0.0.1", port)).expect("bind the reserved port"))
    }

    fn on(listener: TcpListener) -> Self {
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = shared.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &shared);
                });
            }
        });
        Self { url: format!("http://127.0.0.1:{port}/hook"), state }
    }

    /// The next answers, in order (then 200 again).
    pub fn answer(&self, statuses: &[u16]) {
        self.state.lock().unwrap().answers.extend(statuses);
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    /// Waits until `n` requests came (at most 10 s), and returns them all.
    pub fn wait_for(&self, n: usize) -> Vec<Received> {
        self.wait_for_within(n, Duration::from_secs(10))
    }

    /// Waits until `n` requests came (at most `patience`), and returns them all.
    pub fn wait_for_within(&self, n: usize, patience: Duration) -> Vec<Received> {
        let deadline = Instant::now() + patience;
        loop {
            let received = self.received();
            if received.len() >= n || Instant::now() > deadline {
                return received;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut headers = HashMap::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    let length: usize = headers.get("content-length").and_then(|l| l.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let (status, stall) = {
        let mut state = state.lock().unwrap();
        let at = Instant::now();
        state.received.push(Received { headers, body: String::from_utf8_lossy(&body).into_owned(), at });
        (state.answers.pop_front().unwrap_or(200), state.stall)
    };
    if stall {
        std::thread::sleep(Duration::from_secs(60));
        return Ok(());
    }
    let mut stream = stream;
    let answer = format!("answer {status}");
    write!(
        stream,
        "HTTP/1.1 {status} Answer\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
        answer.len()
    )?;
    stream.flush()
}
