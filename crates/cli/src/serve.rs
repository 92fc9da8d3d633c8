//! `ampmatch serve`: the web page and API, until Ctrl-C (or SIGTERM).

use std::net::SocketAddr;

use anyhow::{Context, Result};

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    eprintln!("ampmatch: shutting down");
}

pub fn run(addr: SocketAddr) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("--addr {addr}: cannot listen"))?;
        let local = listener.local_addr()?;
        println!("ampmatch: listening on http://{local}/");
        ampmatch_web::serve(
            listener,
            // Uploaded tracks are decoded in this binary's worker processes.
            ampmatch_web::router(ampmatch_web::AppState::with_decoding(
                crate::track::isolation()?,
            )),
            shutdown_signal(),
        )
        .await
        .context("serving")
    })
}
