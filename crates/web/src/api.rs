//! `/api/v1` handlers.

use ampmatch_catalog::{Device, DeviceKind, Entry};
use ampmatch_plot::{ChartKind, chart_svg, svg_to_png};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::AppState;
use crate::checked::reports_for;
use crate::error::ApiError;
use crate::page::PageQuery;
use crate::request::parse_check;
use ampmatch_app::{Devices as _, FileAccess, resolve_amp, resolve_load};

/// Query pairs of a raw query string (repeated keys kept in order).
pub fn query_pairs(q: Option<&str>) -> Vec<(String, String)> {
    q.map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default()
}

fn side_of(e: &Entry) -> &'static str {
    e.side().as_str()
}

/// Key figures for a search result or a device page.
fn key_figures(device: &Device) -> Value {
    match device {
        Device::Amplifier(a) => {
            let outputs: Vec<Value> = a
                .amplifier
                .resolved_outputs()
                .into_iter()
                .map(|resolved| {
                    let fit = resolved.fit();
                    json!({
                        "name": resolved.name,
                        "kind": resolved.kind,
                        "open_circuit_voltage_vrms": fit.open_circuit_voltage_vrms,
                        "current_limit_a": fit.current_limit_a,
                        "output_impedance_ohm": resolved.output_impedance_ohm(),
                        "gain_db": resolved.gain_db,
                    })
                })
                .collect();
            json!({ "outputs": outputs })
        }
        Device::Load(l) => json!({
            "impedance_ohm": l.load.nominal_impedance_ohm,
            "sensitivity_db": l.load.sensitivity.map(|s| s.value_db),
            "sensitivity_unit": l.load.sensitivity.map(|s| s.unit),
            "kind": l.load.kind,
        }),
    }
}

/// `GET /api/v1/devices?q=TEXT[&kind=amplifier|load][&limit=N]`: ranked search.
pub async fn devices(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let pairs = query_pairs(q.as_deref());
    let mut text = String::new();
    let mut side = None;
    let mut limit = 20usize;
    for (k, v) in &pairs {
        match k.as_str() {
            "q" => text = v.clone(),
            "kind" => {
                side = Some(match v.as_str() {
                    "amplifier" => DeviceKind::Amplifier,
                    "load" => DeviceKind::Load,
                    _ => {
                        return Err(ApiError::bad(
                            Some("kind"),
                            format!("kind = {v:?}: allowed: amplifier, load"),
                        ));
                    }
                })
            }
            "limit" => {
                limit = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| {
                        ApiError::bad(
                            Some("limit"),
                            format!("limit = {v:?}: allowed: a whole number from 1 to 100"),
                        )
                    })?;
            }
            other => {
                return Err(ApiError::bad(
                    Some(other),
                    format!("unknown parameter {other:?}; allowed: q, kind, limit"),
                ));
            }
        }
    }
    if text.len() > 200 {
        return Err(ApiError::bad(
            Some("q"),
            format!("q: {} characters; allowed: at most 200", text.len()),
        ));
    }
    let catalog = state.catalog();
    let entries: Vec<&Entry> = if text.trim().is_empty() {
        catalog
            .entries()
            .iter()
            .filter(|e| side.is_none_or(|s| e.side() == s))
            .take(limit)
            .collect()
    } else {
        catalog
            .search(&text, side)
            .into_iter()
            .take(limit)
            .map(|m| m.entry)
            .collect()
    };
    let rows: Vec<Value> = entries
        .into_iter()
        .map(|e| {
            let figures = state.load(e).map(|d| key_figures(&d)).unwrap_or(Value::Null);
            json!({ "id": e.id, "name": e.name(), "kind": side_of(e), "type": e.device_type, "figures": figures })
        })
        .collect();
    Ok(Json(Value::Array(rows)))
}

/// `GET /api/v1/devices/{id}`.
pub async fn device(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let catalog = state.catalog();
    let entry = catalog.get(&id).ok_or_else(|| {
        let near = catalog
            .suggest(&id, DeviceKind::Amplifier)
            .into_iter()
            .chain(catalog.suggest(&id, DeviceKind::Load))
            .take(5)
            .collect::<Vec<_>>();
        ApiError::not_found(
            Some("id"),
            format!(
                "no device with id {id:?}{}",
                if near.is_empty() {
                    String::new()
                } else {
                    format!("; did you mean: {}?", near.join(", "))
                }
            ),
        )
    })?;
    let device = state
        .load(entry)
        .map_err(|e| ApiError::bad(Some("id"), e.to_string()))?;
    let meta = device.meta();
    let detail = match &device {
        Device::Amplifier(a) => {
            json!({ "category": a.category, "class": a.class, "amplifier": a.amplifier })
        }
        Device::Load(l) => json!({ "driver": l.driver, "load": l.load }),
    };
    Ok(Json(json!({
        "id": meta.id, "name": meta.name(), "kind": side_of(entry), "type": entry.device_type,
        "source": meta.source, "figures": key_figures(&device), "detail": detail,
    })))
}

/// `POST /api/v1/check`: the same JSON as `ampmatch check --json`.
pub async fn check(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| ApiError {
        status: e.status(),
        message: format!("request body: {}", e.body_text()),
        field: None,
        suggestions: vec![],
    })?;
    if let Some(answer) = state.cached_answer(&body) {
        return Ok(([(header::CONTENT_TYPE, "application/json")], answer).into_response());
    }
    let value: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad(None, format!("the body is not valid JSON: {e}")))?;
    let req = parse_check(&value)?;
    let amp = resolve_amp(&state, &req.amp, FileAccess::Denied, "amp")
        .map_err(|e| ApiError::from_app("amp", e))?;
    let load = resolve_load(&state, &req.load, FileAccess::Denied, "load")
        .map_err(|e| ApiError::from_app("load", e))?;
    let report = req
        .setup
        .analyze(&amp, &load, req.output.as_deref())
        .map_err(|e| ApiError::from_app("load", e))?;
    // A report is ~60 kB of JSON; one allocation of that size instead of a growing buffer.
    let mut buf = Vec::with_capacity(96 * 1024);
    serde_json::to_writer(&mut buf, &report)
        .map_err(|e| ApiError::bad(None, format!("serialising the report: {e}")))?;
    let answer = Bytes::from(buf);
    state.remember_answer(body, answer.clone());
    Ok(([(header::CONTENT_TYPE, "application/json")], answer).into_response())
}

/// `GET /api/v1/plot/{impedance|phase|deviation|max-spl|power|eq|heard}.{svg|png}?amp=…&load=…`:
/// one chart, a line per amplifier × load pair (the page's query parameters).
pub async fn plot(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let (name, png) = match (file.strip_suffix(".svg"), file.strip_suffix(".png")) {
        (Some(n), _) => (n, false),
        (_, Some(n)) => (n, true),
        _ => ("", false),
    };
    let kind = ChartKind::parse(name).ok_or_else(|| {
        ApiError::not_found(
            Some("kind"),
            format!("no chart {file:?}; allowed: impedance, phase, deviation, max-spl, power, eq or heard, each .svg or .png"),
        )
    })?;
    // The drawing's width (the page asks for a narrow one for phones); the rest is the
    // page's own query.
    let mut pairs = query_pairs(q.as_deref());
    let mut width = 760u32;
    if let Some(i) = pairs.iter().position(|(k, _)| k == "width") {
        let (_, v) = pairs.remove(i);
        width = v
            .parse::<u32>()
            .ok()
            .filter(|w| (320..=2000).contains(w))
            .ok_or_else(|| {
                ApiError::bad(
                    Some("width"),
                    format!("width = {v:?}: allowed: a whole number of pixels from 320 to 2000"),
                )
            })?;
    }
    let query = PageQuery::parse(&pairs, true)?;
    if query.amps.is_empty() || query.loads.is_empty() {
        return Err(ApiError::bad(
            Some(if query.amps.is_empty() { "amp" } else { "load" }),
            "give at least one amp and one load",
        ));
    }
    let reports = reports_for(&state, &query)?.reports;
    let refs: Vec<_> = reports.iter().map(|(_, r)| r).collect();
    // Narrow drawings are a little taller for their width, as on the page.
    let height = if width < 600 { 300 } else { 380 };
    let svg =
        chart_svg(kind, &refs, width, height).map_err(|e| ApiError::bad(None, e.to_string()))?;
    if png {
        // Twice the size: sharp on a phone's screen and when posted.
        let bytes = svg_to_png(&svg, 2.0).map_err(|e| ApiError::bad(None, e.to_string()))?;
        return Ok(([(header::CONTENT_TYPE, "image/png")], bytes).into_response());
    }
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}

/// The JSON schema of one setup field, from the app's table.
fn field_schema(f: &ampmatch_app::Field) -> Value {
    let mut s = json!({
        "type": if f.whole { "integer" } else { "number" },
        "minimum": f.min,
        "maximum": f.max,
        "description": if f.unit.is_empty() { f.doc.to_string() } else { format!("{}, {}", f.doc, f.unit) },
    });
    if f.min_exclusive {
        s["exclusiveMinimum"] = json!(true);
    }
    s
}

/// The OpenAPI document: the hand-written routes and shapes of `openapi.json`, with every
/// setup field's schema filled in from the app's field table (the one place bounds live).
pub fn openapi_document() -> Value {
    let mut doc: Value =
        serde_json::from_str(include_str!("openapi.json")).expect("openapi.json is valid JSON");
    for f in ampmatch_app::FIELDS {
        let Some(api) = f.api else { continue };
        let props = &mut doc["components"]["schemas"]["CheckRequest"]["properties"];
        match api.split_once('.') {
            Some((group, key)) => props[group]["properties"][key] = field_schema(f),
            None => props[api] = field_schema(f),
        }
        if let Some(q) = f.query
            && let Some(params) =
                doc["paths"]["/api/v1/plot/{kind}.svg"]["get"]["parameters"].as_array_mut()
        {
            params.push(json!({ "name": q, "in": "query", "schema": field_schema(f) }));
        }
    }
    // The page's own keys: "my own device" figures and a typed-in track.
    if let Some(params) =
        doc["paths"]["/api/v1/plot/{kind}.svg"]["get"]["parameters"].as_array_mut()
    {
        params.push(json!({ "name": "width", "in": "query",
            "description": "the drawing's width in pixels (default 760; the page asks for 400 on phones)",
            "schema": { "type": "integer", "minimum": 320, "maximum": 2000 } }));
        for key in crate::custom_form::KEYS
            .iter()
            .chain(crate::checked::TRACK_KEYS)
        {
            let text = matches!(*key, "amp_power_unit" | "load_type" | "load_unit");
            params.push(json!({ "name": key, "in": "query",
                "schema": { "type": if text { "string" } else { "number" } } }));
        }
    }
    // The PNG route takes what the SVG route takes.
    let mut png = doc["paths"]["/api/v1/plot/{kind}.svg"].clone();
    png["get"]["summary"] =
        json!("One chart as PNG (2× the SVG's size), a line per amplifier × load pair");
    png["get"]["responses"]["200"] = json!({ "description": "PNG", "content": { "image/png": { "schema": { "type": "string", "format": "binary" } } } });
    doc["paths"]["/api/v1/plot/{kind}.png"] = png;
    doc
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Response {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let doc = DOC.get_or_init(|| openapi_document().to_string());
    ([(header::CONTENT_TYPE, "application/json")], doc.as_str()).into_response()
}

/// `GET /api/v1/hello`: the cheapest route, a baseline for load tests.
pub async fn hello() -> &'static str {
    "hello"
}

/// Unknown path.
pub async fn not_found() -> ApiError {
    ApiError::not_found(None, "no such page or API route")
}

/// Known path, wrong method.
pub async fn method_not_allowed() -> ApiError {
    ApiError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        message: "method not allowed for this route".into(),
        field: None,
        suggestions: vec![],
    }
}
