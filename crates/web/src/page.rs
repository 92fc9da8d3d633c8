//! The page: `GET /?amp=…&load=…&target=…` renders the verdict, the numbers and the charts
//! on the server, so a link reproduces the view and the form works without JavaScript.

use ampmatch_app::{
    DeviceRef, FIELDS, Field, FileAccess, Naming, Setup, SetupInput, resolve_amp, resolve_load,
};
use ampmatch_core::analysis::{Report, Severity};
use ampmatch_core::units::{fmt_opt, fmt_sig};
use ampmatch_plot::{ChartKind, chart_svg, text};
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::AppState;
use crate::api::query_pairs;
use crate::error::ApiError;

/// At most this many amplifier × load pairs on one page.
const MAX_PAIRS: usize = 6;
/// Longest EQ preset text the page takes (it travels in the URL, under its 4 kB limit).
const MAX_EQ_CHARS: usize = 3000;

/// The page's query, parsed and checked.
#[derive(Debug, Clone, Default)]
pub struct PageQuery {
    /// Amplifiers to compare (names, ids or a custom device).
    pub amps: Vec<DeviceRef>,
    /// Loads to compare.
    pub loads: Vec<DeviceRef>,
    amp_text: Vec<String>,
    load_text: Vec<String>,
    output: Option<String>,
    /// Target and listening position, from the query keys of the app's field table.
    setup: Setup,
    custom: Vec<(String, String)>,
    /// A resistor adapter between the first amplifier and the loads ("SERIES,SHUNT").
    adapter: Option<ampmatch_core::adapter::Resistors>,
}

/// A number typed into the page, or nothing when the box is empty.
fn num(key: &str, v: &str, lo: f64, hi: f64, unit: &str) -> Result<Option<f64>, ApiError> {
    if v.trim().is_empty() {
        return Ok(None);
    }
    let x: f64 = v.trim().parse().map_err(|_| {
        ApiError::bad(
            Some(key),
            format!("{key} = {v:?}: not a number; allowed: {lo} to {hi} {unit}"),
        )
    })?;
    if !x.is_finite() || x < lo || x > hi {
        return Err(ApiError::bad(
            Some(key),
            format!("{key} = {v}: allowed: a number from {lo} to {hi} {unit}"),
        ));
    }
    Ok(Some(x))
}

/// A setup field typed into the page: parsed here, bounded by the app's table.
fn setup_num(field: &'static Field, v: &str) -> Result<Option<f64>, ApiError> {
    let key = field.name(Naming::Page);
    if v.trim().is_empty() {
        return Ok(None);
    }
    let x: f64 = v.trim().parse().map_err(|_| {
        ApiError::bad(
            Some(&key),
            format!("{key} = {v:?}: not a number; {}", field.allowed()),
        )
    })?;
    Ok(Some(x))
}

const CUSTOM_KEYS: &[&str] = &[
    "amp_power",
    "amp_vmax",
    "amp_zout",
    "amp_gain",
    "amp_noise",
    "load_type",
    "load_z",
    "load_sens",
    "load_unit",
];

impl PageQuery {
    /// Parses query pairs. `strict`: unknown keys are refused (the API's plot route); the
    /// page passes false, since sites append their own (`fbclid`, `utm_*`) to shared links.
    pub fn parse(pairs: &[(String, String)], strict: bool) -> Result<Self, ApiError> {
        let mut q = PageQuery::default();
        let mut input = SetupInput::default();
        for (k, v) in pairs {
            let known = matches!(
                k.as_str(),
                "amp" | "load" | "output" | "preset" | "adapter" | "eq"
            ) || CUSTOM_KEYS.contains(&k.as_str())
                || FIELDS.iter().any(|f| f.query == Some(k.as_str()));
            if !known && !strict {
                continue;
            }
            // An EQ preset is a few lines (a GraphicEQ of AutoEq's 127 points ≈ 1.5 kB);
            // everything else is a name or a number.
            let most = if k == "eq" { MAX_EQ_CHARS } else { 500 };
            if v.len() > most {
                return Err(ApiError::bad(
                    Some(k),
                    format!("{k}: {} characters; allowed: at most {most}", v.len()),
                ));
            }
            let field = FIELDS.iter().find(|f| f.query == Some(k.as_str()));
            match k.as_str() {
                "amp" => q.amp_text.push(v.clone()),
                "load" => q.load_text.push(v.clone()),
                "output" if !v.trim().is_empty() => q.output = Some(v.trim().to_string()),
                "output" => {}
                _ if field.is_some() => {
                    let f = field.expect("checked");
                    input.set(f.id, setup_num(f, v)?);
                }
                "preset" if v.is_empty() => {}
                "preset" => input.preset = Some(v.clone()),
                "adapter" if v.trim().is_empty() => {}
                "adapter" => q.adapter = Some(crate::adapter_panel::parse(v)?),
                "eq" if v.trim().is_empty() => {}
                "eq" => input.eq = Some(("eq".to_string(), v.clone())),
                k if CUSTOM_KEYS.contains(&k) => q.custom.push((k.to_string(), v.clone())),
                _ if !strict => {}
                other => {
                    return Err(ApiError::bad(
                        Some(other),
                        format!("unknown parameter {other:?}"),
                    ));
                }
            }
        }
        q.setup = Setup::from_input(&input).map_err(|e| ApiError::from_setup(&e, Naming::Page))?;
        for t in q.amp_text.clone().iter().filter(|t| !t.trim().is_empty()) {
            q.amps.push(if t.trim() == "custom" {
                DeviceRef::Inline(Value::Object(q.custom_amp()?))
            } else {
                DeviceRef::Name(t.trim().to_string())
            });
        }
        for t in q.load_text.clone().iter().filter(|t| !t.trim().is_empty()) {
            q.loads.push(if t.trim() == "custom" {
                DeviceRef::Inline(Value::Object(q.custom_load()?))
            } else {
                DeviceRef::Name(t.trim().to_string())
            });
        }
        if q.amps.len() * q.loads.len() > MAX_PAIRS {
            return Err(ApiError::bad(
                Some("amp"),
                format!(
                    "{} × {} pairs; allowed: at most {MAX_PAIRS}",
                    q.amps.len(),
                    q.loads.len()
                ),
            ));
        }
        Ok(q)
    }

    fn custom_value(&self, key: &str) -> Option<&str> {
        self.custom
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }

    /// "My amplifier" from spec-sheet fields: power points "32:500, 300:100" (Ω:mW),
    /// maximum voltage, output impedance, gain, noise.
    fn custom_amp(&self) -> Result<Map<String, Value>, ApiError> {
        let mut out = Map::new();
        out.insert("name".into(), json!("custom"));
        out.insert("kind".into(), json!("single-ended"));
        if let Some(p) = self.custom_value("amp_power") {
            let mut pts = vec![];
            for item in p.split([',', ';', ' ']).filter(|s| !s.is_empty()) {
                let (z, mw) = item.split_once(':').ok_or_else(|| {
                    ApiError::bad(
                        Some("amp_power"),
                        format!("amp_power: {item:?} is not LOAD_OHM:POWER_MW, e.g. 32:500"),
                    )
                })?;
                let z = num("amp_power", z, 0.1, 1e6, "Ω")?
                    .ok_or_else(|| ApiError::bad(Some("amp_power"), "amp_power: missing load"))?;
                let mw = num("amp_power", mw, 0.001, 1e7, "mW")?
                    .ok_or_else(|| ApiError::bad(Some("amp_power"), "amp_power: missing power"))?;
                pts.push(json!({ "load_ohm": z, "power_mw": mw }));
            }
            out.insert("power".into(), Value::Array(pts));
        }
        for (key, field, lo, hi, unit) in [
            ("amp_vmax", "max_voltage_vrms", 0.001, 1000.0, "V"),
            ("amp_zout", "output_impedance_ohm", 0.0, 10_000.0, "Ω"),
            ("amp_gain", "gain_db", -60.0, 80.0, "dB"),
            ("amp_noise", "noise_uv", 0.001, 1e6, "µV"),
        ] {
            if let Some(v) = self
                .custom_value(key)
                .map(|v| num(key, v, lo, hi, unit))
                .transpose()?
                .flatten()
            {
                out.insert(field.into(), json!(v));
            }
        }
        let mut dev = Map::new();
        dev.insert("type".into(), json!("amplifier"));
        dev.insert("brand".into(), json!("My"));
        dev.insert("model".into(), json!("amplifier"));
        dev.insert("outputs".into(), json!([Value::Object(out)]));
        Ok(dev)
    }

    /// "My headphone/speaker": type, impedance, sensitivity and its unit.
    fn custom_load(&self) -> Result<Map<String, Value>, ApiError> {
        let kind = self.custom_value("load_type").unwrap_or("over-ear");
        let mut dev = Map::new();
        let speaker = kind == "speaker";
        if !speaker && !["over-ear", "on-ear", "in-ear"].contains(&kind) {
            return Err(ApiError::bad(
                Some("load_type"),
                format!("load_type = {kind:?}: allowed: over-ear, on-ear, in-ear, speaker"),
            ));
        }
        dev.insert(
            "type".into(),
            json!(if speaker { "speaker" } else { "headphone" }),
        );
        dev.insert("brand".into(), json!("My"));
        dev.insert(
            "model".into(),
            json!(if speaker { "speaker" } else { "headphone" }),
        );
        if !speaker {
            dev.insert("form".into(), json!(kind));
        }
        if let Some(z) = self
            .custom_value("load_z")
            // The device files' bounds: a speaker up to 10 kΩ, a headphone up to 100 kΩ.
            .map(|v| {
                num(
                    "load_z",
                    v,
                    0.1,
                    if speaker { 10_000.0 } else { 100_000.0 },
                    "Ω",
                )
            })
            .transpose()?
            .flatten()
        {
            dev.insert("impedance_ohm".into(), json!(z));
        }
        if let Some(s) = self
            .custom_value("load_sens")
            .map(|v| num("load_sens", v, 50.0, 150.0, "dB"))
            .transpose()?
            .flatten()
        {
            dev.insert("sensitivity_db".into(), json!(s));
            let unit =
                self.custom_value("load_unit")
                    .unwrap_or(if speaker { "unknown" } else { "dB/mW" });
            dev.insert(
                if speaker {
                    "sensitivity_ref"
                } else {
                    "sensitivity_unit"
                }
                .into(),
                json!(unit),
            );
        }
        Ok(dev)
    }
}

/// Every amplifier × load pair of the query, analysed; labels are "amp → load".
pub fn reports_for(state: &AppState, q: &PageQuery) -> Result<Vec<(String, Report)>, ApiError> {
    let mut out = vec![];
    for (i, a) in q.amps.iter().enumerate() {
        let amp = resolve_amp(state, a, FileAccess::Denied, "amp")
            .map_err(|e| ApiError::from_app("amp", e))?;
        // An adapter hangs on the first amplifier's output (its speaker output by default).
        let adapted = i == 0 && q.adapter.is_some();
        let amp = match q.adapter {
            Some(r) if i == 0 => ampmatch_app::adapter::through(&amp, q.output.as_deref(), r)
                .map_err(|e| ApiError::from_app("adapter", e))?,
            _ => amp,
        };
        for l in &q.loads {
            let load = resolve_load(state, l, FileAccess::Denied, "load")
                .map_err(|e| ApiError::from_app("load", e))?;
            // The output applies to the first amplifier; compared ones use their default.
            let output = if i == 0 && !adapted {
                q.output.as_deref()
            } else {
                None
            };
            let r = q
                .setup
                .analyze(&amp, &load, output)
                .map_err(|e| ApiError::from_app("output", e))?;
            out.push((format!("{} → {}", r.amp, r.load), r));
        }
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    amp_inputs: Vec<String>,
    load_inputs: Vec<String>,
    output: String,
    /// The first amplifier's outputs, for the output picker (empty until one is resolved).
    outputs: Vec<String>,
    target: String,
    distance: String,
    speakers: String,
    room: String,
    preset: String,
    /// The EQ preset's text, as pasted (travels in the URL like every other field).
    eq: String,
    /// For a speaker output into a headphone: a designed adapter (rows) and a link to the
    /// check through it.
    adapter: Vec<(String, String)>,
    adapter_link: String,
    custom: Vec<(String, String)>,
    error: String,
    has_result: bool,
    verdict: String,
    verdict_line: String,
    pair: String,
    target_line: String,
    numbers: Vec<(String, String)>,
    /// "Did you mean" names with links to the view with that name.
    suggestions: Vec<(String, String)>,
    /// The seven checks: question, status, message.
    checks: Vec<(String, String, String)>,
    findings: Vec<(String, String, String)>,
    /// Each compared pair: label, verdict, headroom, max SPL, and why in one line.
    compare: Vec<(String, String, String, String, String)>,
    charts: Vec<(String, String, String)>,
    share: String,
}

impl IndexPage {
    fn custom(&self, key: &str) -> &str {
        self.custom
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }
}

impl IndexPage {
    /// Fills the page with the reports: the first pair's banner, checks, numbers, findings
    /// and adapter panel; every pair's banner when comparing; the charts.
    fn show(
        &mut self,
        state: &AppState,
        pairs: &[(String, String)],
        raw: &str,
        reports: &[(String, Report)],
    ) {
        let (_, r) = &reports[0];
        self.has_result = true;
        self.verdict = r.verdict.to_string();
        self.verdict_line = text::capitalised(&text::reason(r, false));
        self.checks = r
            .checks
            .all()
            .into_iter()
            .map(|(q, c)| {
                (
                    text::capitalised(q),
                    text::status_word(c.status).to_string(),
                    c.message.clone(),
                )
            })
            .collect();
        self.pair = format!("{} [{} output] → {}", r.amp, r.output, r.load);
        self.target_line = format!("target {} dB SPL peak", fmt_sig(r.target_spl_db));
        self.numbers = numbers(r);
        (self.adapter, self.adapter_link) = crate::adapter_panel::panel(state, pairs, raw, r);
        self.findings = r
            .findings
            .iter()
            .map(|f| {
                (
                    severity(f.severity).to_string(),
                    f.rule.to_string(),
                    f.message.clone(),
                )
            })
            .collect();
        if reports.len() > 1 {
            self.compare = reports
                .iter()
                .map(|(label, r)| {
                    (
                        label.clone(),
                        r.verdict.to_string(),
                        r.headroom_db
                            .map_or("unknown".into(), |h| format!("{h:+.1} dB")),
                        fmt_opt(r.max.spl_db, "dB SPL"),
                        text::capitalised(&text::reason(r, false)),
                    )
                })
                .collect();
        }
        let refs: Vec<&Report> = reports.iter().map(|(_, r)| r).collect();
        let query = raw;
        for (kind, name) in [
            (ChartKind::Impedance, "impedance"),
            (ChartKind::Phase, "phase"),
            (ChartKind::Deviation, "deviation"),
            (ChartKind::MaxSpl, "max-spl"),
            (ChartKind::Power, "power"),
            (ChartKind::EqVoltage, "eq"),
        ] {
            if kind == ChartKind::EqVoltage && refs.iter().all(|r| r.eq.is_none()) {
                continue;
            }
            match chart_svg(kind, &refs, 760, 360) {
                Ok(svg) => self.charts.push((
                    name.to_string(),
                    svg,
                    format!("/api/v1/plot/{name}.svg?{query}"),
                )),
                Err(e) => self.error = e.to_string(),
            }
        }
    }
}

/// The report's figures as the page's table: the text renderer's sections, labelled.
fn numbers(r: &Report) -> Vec<(String, String)> {
    let mut rows = vec![("Target".to_string(), text::target(r))];
    for section in text::sections(r) {
        for line in section.lines {
            rows.push((text::capitalised(line.label), line.value));
        }
    }
    rows
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Critical => "critical",
    }
}

/// Each "did you mean" suggestion as a link: this view with the field that matched nothing
/// set to the suggested id.
fn suggestion_links(pairs: &[(String, String)], e: &ApiError) -> Vec<(String, String)> {
    let field = e.field.clone().unwrap_or_default();
    e.suggestions
        .iter()
        .map(|s| {
            let id = s
                .rsplit_once(" (")
                .map_or(s.as_str(), |(_, id)| id.trim_end_matches(')'));
            let mut q: Vec<(String, String)> = pairs
                .iter()
                .filter(|(k, v)| !(k == &field && v.trim().is_empty()))
                .cloned()
                .collect();
            // Replace the value that matched nothing (the last of that field).
            if let Some(slot) = q.iter_mut().rev().find(|(k, _)| k == &field) {
                slot.1 = id.to_string();
            }
            let query: String = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(q.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .finish();
            (s.clone(), format!("/?{query}"))
        })
        .collect()
}

/// `GET /`.
pub async fn index(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let pairs = query_pairs(raw.as_deref());
    let get = |k: &str| {
        pairs
            .iter()
            .rev()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let all = |k: &str| {
        pairs
            .iter()
            .filter(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    let mut amp_inputs = all("amp");
    let mut load_inputs = all("load");
    // One empty box to add a comparison, even without JavaScript.
    amp_inputs.retain(|s| !s.is_empty());
    load_inputs.retain(|s| !s.is_empty());
    amp_inputs.push(String::new());
    load_inputs.push(String::new());
    let mut page = IndexPage {
        amp_inputs,
        load_inputs,
        output: get("output"),
        target: get("target"),
        distance: get("distance"),
        speakers: get("speakers"),
        room: get("room"),
        preset: get("preset"),
        eq: get("eq"),
        adapter: vec![],
        adapter_link: String::new(),
        custom: pairs
            .iter()
            .filter(|(k, _)| CUSTOM_KEYS.contains(&k.as_str()))
            .cloned()
            .collect(),
        error: String::new(),
        has_result: false,
        verdict: String::new(),
        verdict_line: String::new(),
        pair: String::new(),
        target_line: String::new(),
        numbers: vec![],
        checks: vec![],
        suggestions: vec![],
        findings: vec![],
        compare: vec![],
        charts: vec![],
        share: format!("/?{}", raw.clone().unwrap_or_default()),
        outputs: vec![],
    };
    let result = PageQuery::parse(&pairs, false).and_then(|q| {
        // The first amplifier's outputs fill the output picker as soon as it resolves.
        if let Some(first) = q.amps.first()
            && let Ok(amp) = resolve_amp(&state, first, FileAccess::Denied, "amp")
        {
            page.outputs = amp
                .amplifier
                .outputs
                .iter()
                .map(|o| o.name.clone())
                .collect();
        }
        if q.amps.is_empty() || q.loads.is_empty() {
            Ok(None)
        } else {
            reports_for(&state, &q).map(Some)
        }
    });
    match result {
        Err(e) => {
            page.suggestions = suggestion_links(&pairs, &e);
            page.error = e.message
        }
        Ok(None) => {}
        Ok(Some(reports)) => page.show(&state, &pairs, raw.as_deref().unwrap_or(""), &reports),
    }
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => ApiError::bad(None, format!("rendering the page failed: {e}")).into_response(),
    }
}

/// `GET /static/{name}`: only the embedded assets, looked up by exact name (no paths).
pub async fn asset(Path(name): Path<String>) -> Response {
    let (body, mime) = match name.as_str() {
        "app.js" => (
            include_str!("../static/app.js"),
            "text/javascript; charset=utf-8",
        ),
        "style.css" => (
            include_str!("../static/style.css"),
            "text/css; charset=utf-8",
        ),
        "icon.svg" => (include_str!("../static/icon.svg"), "image/svg+xml"),
        _ => {
            return ApiError::not_found(Some("name"), format!("no asset {name:?}")).into_response();
        }
    };
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// `GET /favicon.ico`: the icon (browsers ask for it whatever the page links).
pub async fn favicon() -> Response {
    asset(Path("icon.svg".to_string())).await
}
