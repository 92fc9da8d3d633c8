//! The ampmatch web page and JSON API, on the same core as the CLI.
//!
//! [`router`] builds the whole application: the page at `/` (server-rendered, state in
//! the URL, SVG charts, a little vanilla JS for search-as-you-type), static assets under
//! `/static/`, and the JSON API under `/api/v1` (documented in `/api/v1/openapi.json`).
//! Every bad request gets a 4xx with `{"error": message, "field": name-or-null}`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod adapter_panel;
mod api;
mod checked;
mod custom_form;
mod error;
mod explain;
mod page;
mod rank_page;
mod request;
mod serve;
mod track_upload;

use std::sync::Arc;
use std::time::Duration;

use ampmatch_catalog::Catalog;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

pub use api::openapi_document;
pub use error::ApiError;
pub use serve::{HEADER_READ_TIMEOUT, MAX_CONNECTIONS, MAX_HEAD_BYTES, SHUTDOWN_GRACE, serve};

/// Largest request body accepted, bytes (a device file in JSON is a few kB).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Longest a request may take before it is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest query string accepted, bytes: a full check link is under 1 kB; longer is
/// refused (414) rather than echoed back into a page.
pub const MAX_QUERY_BYTES: usize = 4096;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    catalog: Catalog,
    /// Catalog devices parsed so far: the embedded catalog never changes, so each file is
    /// parsed and validated once per process.
    parsed: std::sync::RwLock<std::collections::HashMap<&'static str, ampmatch_catalog::Device>>,
    /// Answers to recent check requests, by exact request body: a check is a pure function
    /// of its body and the (immutable) catalog, and popular pairings repeat.
    answers: std::sync::Mutex<AnswerCache>,
    /// How uploaded tracks are decoded; none: the server measures no tracks.
    decoding: Option<Decoding>,
}

/// Track measurement on the server: where decoding happens, and how many at once.
pub(crate) struct Decoding {
    pub(crate) isolation: ampmatch_audio::Isolation,
    pub(crate) permits: tokio::sync::Semaphore,
}

/// At most this many remembered answers (≈ 60 kB each).
const ANSWER_CACHE_ENTRIES: usize = 512;

#[derive(Default)]
struct AnswerCache {
    map: std::collections::HashMap<axum::body::Bytes, axum::body::Bytes>,
    order: std::collections::VecDeque<axum::body::Bytes>,
}

impl AnswerCache {
    fn get(&self, key: &[u8]) -> Option<axum::body::Bytes> {
        self.map.get(key).cloned()
    }

    fn put(&mut self, key: axum::body::Bytes, value: axum::body::Bytes) {
        if self.map.contains_key(&key) {
            return;
        }
        if self.order.len() >= ANSWER_CACHE_ENTRIES
            && let Some(old) = self.order.pop_front()
        {
            self.map.remove(&old);
        }
        self.order.push_back(key.clone());
        self.map.insert(key, value);
    }
}

impl AppState {
    /// State over the built-in catalog.
    pub fn new() -> Self {
        Self::over_builtin(None)
    }

    /// State over the built-in catalog that also measures uploaded tracks, decoding them
    /// as `isolation` says (the CLI: its own worker processes), one per core at a time.
    pub fn with_decoding(isolation: ampmatch_audio::Isolation) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self::over_builtin(Some(Decoding {
            isolation,
            permits: tokio::sync::Semaphore::new(cores),
        }))
    }

    fn over_builtin(decoding: Option<Decoding>) -> Self {
        Self {
            inner: Arc::new(Inner {
                catalog: Catalog::builtin(),
                parsed: Default::default(),
                answers: Default::default(),
                decoding,
            }),
        }
    }

    pub(crate) fn decoding(&self) -> Option<&Decoding> {
        self.inner.decoding.as_ref()
    }

    fn cached_answer(&self, body: &[u8]) -> Option<axum::body::Bytes> {
        self.inner
            .answers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(body)
    }

    fn remember_answer(&self, body: axum::body::Bytes, answer: axum::body::Bytes) {
        self.inner
            .answers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .put(body, answer);
    }
}

impl ampmatch_app::Devices for AppState {
    fn catalog(&self) -> &Catalog {
        &self.inner.catalog
    }

    /// A catalog device, parsed once and then served from memory.
    fn load(
        &self,
        entry: &'static ampmatch_catalog::Entry,
    ) -> ampmatch_catalog::Result<ampmatch_catalog::Device> {
        if let Some(d) = self
            .inner
            .parsed
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(entry.id)
        {
            return Ok(d.clone());
        }
        let d = self.inner.catalog.load(entry)?;
        self.inner
            .parsed
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(entry.id, d.clone());
        Ok(d)
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

/// The application: page, static assets and API.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/devices", get(api::devices))
        .route("/devices/{id}", get(api::device))
        .route("/check", post(api::check))
        .route("/plot/{file}", get(api::plot))
        .route("/openapi.json", get(api::openapi))
        .route("/hello", get(api::hello))
        .route("/explain", get(explain::json))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed);
    Router::new()
        .route("/", get(page::index))
        .route("/explain", get(explain::page))
        .route("/favicon.ico", get(page::favicon))
        .route("/rank", get(rank_page::page))
        .route(
            "/track",
            post(track_upload::upload).layer(DefaultBodyLimit::max(track_upload::MAX_TRACK_BYTES)),
        )
        .route(
            "/curve",
            post(track_upload::curve).layer(DefaultBodyLimit::max(
                track_upload::MAX_CURVE_BYTES + 64 * 1024,
            )),
        )
        .route("/static/{name}", get(page::asset))
        .nest("/api/v1", api)
        .fallback(api::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Pages and reports are text: gzip when the client takes it.
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::middleware::from_fn(guard))
        .with_state(state)
}

/// Every request: the query length and the time limit enforced, and any error answer
/// that is not yet JSON (axum's body-limit rejection, a timeout) put in the API's
/// `{"error", "field"}` shape.
async fn guard(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;
    let query_len = req.uri().query().map_or(0, str::len);
    if query_len > MAX_QUERY_BYTES {
        return ApiError {
            status: StatusCode::URI_TOO_LONG,
            message: format!(
                "the query string is {query_len} bytes; at most {MAX_QUERY_BYTES} are accepted"
            ),
            field: None,
            suggestions: vec![],
        }
        .into_response();
    }
    // A track upload is measured while the client waits: it gets longer.
    let limit = if req.uri().path() == "/track" {
        track_upload::TRACK_TIMEOUT
    } else {
        REQUEST_TIMEOUT
    };
    let resp = match tokio::time::timeout(limit, next.run(req)).await {
        Ok(r) => r,
        Err(_) => {
            return ApiError {
                status: StatusCode::REQUEST_TIMEOUT,
                message: format!("the request took longer than {} s", limit.as_secs()),
                field: None,
                suggestions: vec![],
            }
            .into_response();
        }
    };
    let status = resp.status();
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return resp;
    }
    // Keep the plain-text reason when it is short and ours to show.
    let body = axum::body::to_bytes(resp.into_body(), 1024)
        .await
        .ok()
        .and_then(|b| String::from_utf8(b.to_vec()).ok())
        .filter(|t| !t.trim().is_empty());
    ApiError {
        status,
        message: body
            .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_lowercase()),
        field: None,
        suggestions: vec![],
    }
    .into_response()
}
