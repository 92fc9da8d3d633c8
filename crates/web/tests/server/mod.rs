//! The server over real TCP (issue 12): slow and idle clients are dropped, shutdown ends
//! in bounded time, errors below the handlers come back as JSON, long queries are refused
//! without being echoed. Hand expectations: HEADER_READ_TIMEOUT = 10 s, SHUTDOWN_GRACE =
//! 5 s, MAX_QUERY_BYTES = 4096.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use ampmatch_web::{AppState, HEADER_READ_TIMEOUT, MAX_QUERY_BYTES, SHUTDOWN_GRACE, router, serve};

/// A server on a free loopback port in its own runtime thread; dropping the sender ends
/// it, and the join handle says when it returned.
fn start() -> (
    SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    std::thread::JoinHandle<()>,
) {
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let handle = std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(l.local_addr().unwrap()).unwrap();
            serve(l, router(AppState::new()), async {
                let _ = stop_rx.await;
            })
            .await
            .unwrap();
        });
    });
    (addr_rx.recv().unwrap(), stop_tx, handle)
}

/// Waits until the server closes `s` (reads until EOF or reset, at most `limit`).
fn seconds_until_closed(mut s: TcpStream, limit: Duration) {
    s.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(_) => continue,
        }
    }
}

fn exchange(addr: SocketAddr, raw: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(raw).unwrap();
    let mut out = Vec::new();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn slow_and_idle_clients_are_dropped_and_shutdown_is_bounded() {
    let (addr, stop, handle) = start();
    let limit = HEADER_READ_TIMEOUT.as_secs_f64();
    // 200 clients that connect and say nothing, and one that sends a byte every 500 ms.
    let opened = Instant::now();
    let idle: Vec<TcpStream> = (0..200)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();
    let mut slow = TcpStream::connect(addr).unwrap();
    let dripper = std::thread::spawn(move || {
        let t = Instant::now();
        for b in b"GET / HTTP/1.1\r\nHost: x\r\nX-Pad: "
            .iter()
            .chain([b'a'; 200].iter())
        {
            if slow.write_all(&[*b]).is_err() {
                return t.elapsed().as_secs_f64();
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        f64::INFINITY
    });
    // Each read waits for its close; the time is taken from when they were opened.
    for (i, s) in idle.into_iter().enumerate() {
        seconds_until_closed(s, Duration::from_secs(30));
        let w = opened.elapsed().as_secs_f64();
        assert!(
            w >= limit - 1.0 && w <= limit + 3.0,
            "idle client {i} closed after {w} s"
        );
    }
    // The dripper notices on the first write after the close: within one 500 ms step.
    let dripped = dripper.join().unwrap();
    assert!(dripped <= limit + 3.0, "slow client lasted {dripped} s");
    // A client that is still sending its head when shutdown comes cannot hold it up.
    let mut lingering = TcpStream::connect(addr).unwrap();
    lingering.write_all(b"GET / HTTP/1.1\r\n").unwrap();
    let t = Instant::now();
    drop(stop);
    handle.join().unwrap();
    let took = t.elapsed();
    assert!(
        took <= SHUTDOWN_GRACE + Duration::from_secs(1),
        "shutdown took {took:?}"
    );
}

#[test]
fn errors_below_the_handlers_are_json_and_long_queries_are_not_echoed() {
    let (addr, stop, handle) = start();
    let query = "a".repeat(60_000);
    let r = exchange(
        addr,
        format!("GET /?amp={query} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    assert!(r.starts_with("HTTP/1.1 414"), "{}", &r[..80.min(r.len())]);
    assert!(r.contains("application/json") && r.contains(&format!("at most {MAX_QUERY_BYTES}")));
    assert!(r.len() < 1000, "a {} byte answer to a long query", r.len());
    // A body over the limit: axum's rejection, put in the API's shape.
    let body = "x".repeat(ampmatch_web::MAX_BODY_BYTES + 10);
    let r = exchange(
        addr,
        format!(
            "POST /api/v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
    assert!(r.starts_with("HTTP/1.1 413"), "{}", &r[..80.min(r.len())]);
    let json = &r[r.find("\r\n\r\n").unwrap() + 4..];
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert!(v["error"].is_string(), "{v}");
    // Malformed: the HTTP library answers 400, empty body (as the README documents).
    let r = exchange(addr, b"GARBAGE\r\n\r\n");
    assert!(r.starts_with("HTTP/1.1 400"), "{r}");
    drop(stop);
    handle.join().unwrap();
}
