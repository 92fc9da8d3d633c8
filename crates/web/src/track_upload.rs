//! `POST /track`: a track file picked on the page is measured on the server (EBU R128
//! loudness and true peak, through the page's EQ preset when it has one) and the page is
//! shown again with the track's levels filled in — a plain multipart form, so it works
//! without JavaScript. Decoding happens in worker processes when the server has them (a
//! file that crashes the decoder costs only its own answer), a few at a time.

use std::io::Write;

use axum::extract::{Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::ApiError;

/// Largest track the page takes: an hour of 24-bit/96 kHz stereo FLAC is ≈ 1.5 GB, a
/// typical album track 30–60 MB.
pub const MAX_TRACK_BYTES: usize = 512 * 1024 * 1024;

/// How long an upload and its measurement may take.
pub const TRACK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

/// The page's own keys a track measurement replaces.
const REPLACED: &[&str] = &["track_lufs", "track_dbtp", "level", "target", "track_error"];

/// The page's own keys an uploaded impedance curve replaces.
const CURVE_REPLACED: &[&str] = &["load_curve", "curve_error"];

/// Largest impedance curve file the page takes (a .zma or REW export is a few hundred kB at
/// most).
pub const MAX_CURVE_BYTES: usize = 4 * 1024 * 1024;

/// The form's fields, read from the multipart body: the file is streamed to a temporary
/// file, never held whole in memory.
struct Upload {
    file: tempfile::NamedTempFile,
    name: String,
    query: String,
    level: String,
}

fn bad(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::bad(Some(field), message)
}

async fn read_upload(mut form: Multipart) -> Result<Upload, ApiError> {
    let mut file = None;
    let mut name = String::new();
    let mut query = String::new();
    let mut level = String::new();
    while let Some(mut field) = form
        .next_field()
        .await
        .map_err(|e| bad("file", format!("the upload could not be read: {e}")))?
    {
        match field.name().unwrap_or("") {
            "file" => {
                name = field.file_name().unwrap_or("track").to_string();
                // The extension helps the decoder pick a format.
                let ext = std::path::Path::new(&name)
                    .extension()
                    .and_then(|e| e.to_str())
                    .filter(|e| e.len() <= 5 && e.chars().all(|c| c.is_ascii_alphanumeric()))
                    .map(|e| format!(".{e}"))
                    .unwrap_or_default();
                let mut tmp = tempfile::Builder::new()
                    .prefix("ampmatch-track-")
                    .suffix(&ext)
                    .tempfile()
                    .map_err(|e| bad("file", format!("no room for the upload: {e}")))?;
                while let Some(chunk) = field
                    .chunk()
                    .await
                    .map_err(|e| bad("file", format!("the upload broke off: {e}")))?
                {
                    tmp.write_all(&chunk)
                        .map_err(|e| bad("file", format!("no room for the upload: {e}")))?;
                }
                file = Some(tmp);
            }
            "query" => query = field.text().await.unwrap_or_default(),
            "level" => level = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    let file = file.ok_or_else(|| bad("file", "file: no track was sent; pick an audio file"))?;
    Ok(Upload {
        file,
        name,
        query,
        level,
    })
}

/// The page's URL with the new figures (or the reason there are none) in place of the old
/// `replaced` keys.
fn back_to(query: &str, replaced: &[&str], extra: &[(&str, String)]) -> Response {
    let kept = form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .filter(|(k, _)| !replaced.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect::<Vec<_>>();
    let q: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .extend_pairs(extra.iter().map(|(k, v)| (*k, v.as_str())))
        .finish();
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("/?{q}"))],
    )
        .into_response()
}

fn back_to_page(query: &str, extra: &[(&str, String)]) -> Response {
    back_to(query, REPLACED, extra)
}

/// `POST /track` (multipart: `file`, `level`, `query` — the page's query string).
pub async fn upload(State(state): State<AppState>, form: Multipart) -> Response {
    let up = match read_upload(form).await {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    let level = up.level.trim().to_string();
    // (Without the track's figures a lone level would be an error of its own: left out.)
    let failed = |why: String| back_to_page(&up.query, &[("track_error", why)]);
    let Some(decoding) = state.decoding() else {
        return failed("this server measures no tracks (it was started without decoders)".into());
    };
    // The page's EQ preset, when it has one: the levels are then the EQ'd track's.
    let eq = form_urlencoded::parse(up.query.trim_start_matches('?').as_bytes())
        .filter(|(k, _)| k == "eq")
        .map(|(_, v)| v.into_owned())
        .last()
        .filter(|t| !t.trim().is_empty());
    let filter = match eq
        .as_deref()
        .map(|t| ampmatch_app::track::filtering(t, "eq", "eq"))
    {
        Some(Err(e)) => return failed(format!("the EQ preset: {e}")),
        Some(Ok(f)) => Some(f),
        None => None,
    };
    let Ok(_permit) = decoding.permits.acquire().await else {
        return failed("the server is shutting down".into());
    };
    let isolation = decoding.isolation.clone();
    let path = up.file.path().to_path_buf();
    let temp_name = path.display().to_string();
    let report = tokio::task::spawn_blocking(move || {
        ampmatch_audio::analyze_one(&path, &isolation, filter.as_ref())
    })
    .await;
    drop(up.file);
    let report = match report {
        Ok(r) => r,
        Err(e) => return failed(format!("the measurement failed: {e}")),
    };
    if let Some(e) = report.error {
        // Name the file as the user knows it, not by the server's temporary path.
        let e = e.replace(&temp_name, &up.name);
        return failed(if e.contains(&up.name) {
            e
        } else {
            format!("{}: {e}", up.name)
        });
    }
    match (report.integrated_lufs, report.true_peak_dbtp) {
        (Some(i), Some(p)) => back_to_page(
            &up.query,
            &[
                ("track_lufs", format!("{i:.2}")),
                ("track_dbtp", format!("{p:.2}")),
                ("level", level),
            ],
        ),
        _ => failed(format!(
            "{}: the track is silent (no integrated loudness)",
            up.name
        )),
    }
}

/// `POST /curve` (multipart: `file`, `query`): a load's measured impedance curve (.zma or a
/// REW export) read, sampled every sixth of an octave over 20 Hz – 20 kHz (so it travels in
/// the page's URL as `load_curve`, magnitude only) and the page shown again with it.
pub async fn curve(form: Multipart) -> Response {
    let up = match read_upload(form).await {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    let failed = |why: String| back_to(&up.query, CURVE_REPLACED, &[("curve_error", why)]);
    let size = up.file.as_file().metadata().map_or(0, |m| m.len() as usize);
    if size > MAX_CURVE_BYTES {
        return failed(format!(
            "{}: {size} bytes; an impedance curve is at most {MAX_CURVE_BYTES}",
            up.name
        ));
    }
    let text = match std::fs::read(up.file.path()) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => return failed(format!("{}: cannot read: {e}", up.name)),
    };
    match ampmatch_catalog::zma::parse_zma(&text, &up.name) {
        Ok(c) => back_to(&up.query, CURVE_REPLACED, &[("load_curve", sampled(&c))]),
        Err(e) => failed(e.to_string()),
    }
}

/// "f:|Z| f:|Z| …" every sixth of an octave over the curve's part of 20 Hz – 20 kHz, three
/// significant digits: ≈ 60 points, well under a kilobyte.
fn sampled(c: &ampmatch_core::impedance::MeasuredCurve) -> String {
    let (lo, hi) = c.range_hz();
    let (lo, hi) = (lo.max(20.0), hi.min(20_000.0));
    let mut f = lo;
    let mut out = vec![];
    while f <= hi * 1.0001 {
        let z = c.at(f).z.norm();
        out.push(format!(
            "{}:{}",
            ampmatch_core::units::fmt_sig(f),
            ampmatch_core::units::fmt_sig(z)
        ));
        f *= 2f64.powf(1.0 / 6.0);
    }
    out.join(" ")
}
