//! Serving over TCP with the limits an open port needs, which `axum::serve` does not set:
//! a deadline for the request head (a client sending a byte a second once held a
//! connection forever), a cap on open connections, and a shutdown that ends in bounded
//! time whatever the clients do.
//!
//! What a client gets when the HTTP library itself answers, before our router sees the
//! request (documented in the README): a head not complete within
//! [`HEADER_READ_TIMEOUT`] — the connection is closed without a response; a malformed
//! request line or header — `400 Bad Request` with an empty body, then close; a head
//! larger than [`MAX_HEAD_BYTES`] — `431 Request Header Fields Too Large`, empty body.
//! Everything else, errors included, is answered by the router in JSON.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// The whole request head (request line and headers) must arrive within this, on a new
/// connection and between requests on a kept-alive one.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Most connections open at once; further clients wait in the listen backlog.
pub const MAX_CONNECTIONS: usize = 1024;
/// After the shutdown signal: how long requests in flight may take to finish.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// Largest request head, bytes (hyper's read buffer; its minimum is 8 KiB).
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Serves `app` on `listener` until `shutdown` completes, then gives open requests
/// [`SHUTDOWN_GRACE`] to finish and returns.
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .max_buf_size(MAX_HEAD_BYTES);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            r = listener.accept() => match r {
                Ok((s, _)) => s,
                // Out of file descriptors and the like: wait instead of spinning.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let conn =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await;
    Ok(())
}
