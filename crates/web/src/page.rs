//! The page: `GET /?amp=…&load=…&target=…` renders the verdict, the numbers and the charts
//! on the server, so a link reproduces the view and the form works without JavaScript.

use ampmatch_app::{DeviceRef, FIELDS, Field, FileAccess, Naming, Setup, SetupInput, resolve_amp};
use ampmatch_core::analysis::{Report, Severity, TrackLevels};
use ampmatch_core::units::{fmt_opt, fmt_sig};
use ampmatch_plot::{ChartKind, chart_alt, chart_svg, text};
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

use crate::AppState;
use crate::api::query_pairs;
use crate::checked::{Checked, TRACK_KEYS, reports_for, track_levels};
use crate::custom_form::{self, Custom, Filled, Missing};
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
    pub(crate) amp_text: Vec<String>,
    pub(crate) load_text: Vec<String>,
    pub(crate) output: Option<String>,
    /// Target and listening position, from the query keys of the app's field table.
    pub(crate) setup: Setup,
    /// "My own device" figures: the device itself, or figures filled into the first pair's.
    pub custom: Custom,
    /// A track's measured levels and the SPL its loudness is played at.
    pub(crate) track: Option<(TrackLevels, f64)>,
    /// A resistor adapter between the first amplifier and the loads ("SERIES,SHUNT").
    pub(crate) adapter: Option<ampmatch_core::adapter::Resistors>,
}

/// A setup field typed into the page: parsed here, bounded by the app's table.
pub(crate) fn setup_num(field: &'static Field, v: &str) -> Result<Option<f64>, ApiError> {
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

/// A key the page reads (sites append their own, `fbclid` and `utm_*`, to shared links).
pub fn is_page_key(k: &str) -> bool {
    matches!(
        k,
        "amp" | "load" | "output" | "preset" | "adapter" | "eq" | "track_error" | "curve_error"
    ) || custom_form::KEYS.contains(&k)
        || TRACK_KEYS.contains(&k)
        || FIELDS.iter().any(|f| f.query == Some(k))
}

impl PageQuery {
    /// Parses query pairs. `strict`: unknown keys are refused (the API's plot route); the
    /// page passes false, since sites append their own (`fbclid`, `utm_*`) to shared links.
    pub fn parse(pairs: &[(String, String)], strict: bool) -> Result<Self, ApiError> {
        let mut q = PageQuery::default();
        let mut input = SetupInput::default();
        let mut track = vec![];
        for (k, v) in pairs {
            let known = is_page_key(k);
            if !known && !strict {
                continue;
            }
            // An EQ preset is a few lines (a GraphicEQ of AutoEq's 127 points ≈ 1.5 kB);
            // everything else is a name or a number.
            // An uploaded curve at a sixth of an octave is ≈ 60 "f:|Z|" pairs (≈ 600 chars).
            let most = match k.as_str() {
                "eq" => MAX_EQ_CHARS,
                "load_curve" => 1500,
                _ => 500,
            };
            if v.len() > most {
                return Err(ApiError::bad(
                    Some(k),
                    format!("{k}: {} characters; allowed: at most {most}", v.len()),
                ));
            }
            if q.custom.take(k, v) {
                continue;
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
                "track_error" | "curve_error" => {}
                "eq" if v.trim().is_empty() => {}
                "eq" => input.eq = Some(("eq".to_string(), v.clone())),
                k if TRACK_KEYS.contains(&k) => track.push((k.to_string(), v.clone())),
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
        q.track = track_levels(&track, q.setup.target.is_some())?;
        // A name in the box is a catalog device (the form's figures fill in what it lacks);
        // with no name the form's figures are the device.
        for t in q
            .amp_text
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
        {
            q.amps.push(match t {
                "custom" => DeviceRef::Inline(q.custom.amp_device()?),
                _ => DeviceRef::Name(t.to_string()),
            });
        }
        if q.amps.is_empty() && q.custom.has_amp() {
            q.amps.push(DeviceRef::Inline(q.custom.amp_device()?));
        }
        for t in q
            .load_text
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
        {
            q.loads.push(match t {
                "custom" => DeviceRef::Inline(q.custom.load_device(None)?),
                _ => DeviceRef::Name(t.to_string()),
            });
        }
        if q.loads.is_empty() && q.custom.has_load() {
            q.loads.push(DeviceRef::Inline(q.custom.load_device(None)?));
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
    /// "My own device" boxes as typed.
    custom: Custom,
    /// Figures typed into the first pair's catalog devices: "what: value", and whether used.
    filled: Vec<Filled>,
    /// Figures the first pair lacks, for the inline entry under the checks.
    missing: Vec<Missing>,
    /// The query without the inline entry's keys: hidden inputs of its form.
    hidden: Vec<(String, String)>,
    track_lufs: String,
    track_dbtp: String,
    level: String,
    /// The query as it came, for the upload forms to come back to.
    raw_query: String,
    /// The response answer is unknown for want of the load's impedance curve: offer the
    /// curve upload.
    curve_upload: bool,
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
    charts: Vec<Chart>,
    share: String,
}

/// One chart of the page: drawn wide, in words, and its SVG and PNG links (the narrow
/// drawing for phones is the SVG link at `width=400`).
struct Chart {
    name: String,
    wide: String,
    alt: String,
    link: String,
    png: String,
}

impl IndexPage {
    fn custom(&self, key: &str) -> &str {
        self.custom.raw(key)
    }

    fn needs_unit(&self) -> bool {
        self.missing.iter().any(|m| m.key == "load_sens")
    }

    fn is_track(&self) -> bool {
        !(self.track_lufs.is_empty() && self.track_dbtp.is_empty() && self.level.is_empty())
    }
}

impl IndexPage {
    /// Fills the page with the reports: the first pair's banner, checks, numbers, findings
    /// and adapter panel; every pair's banner when comparing; the charts.
    fn show(&mut self, state: &AppState, pairs: &[(String, String)], raw: &str, checked: Checked) {
        let reports = &checked.reports;
        let (_, r) = &reports[0];
        self.filled = checked.filled;
        self.curve_upload = checked.needs_curve
            && r.checks.response.status == ampmatch_core::analysis::Status::Unknown;
        // The inline entry carries the rest of the view in hidden inputs.
        if r.checks
            .all()
            .iter()
            .any(|(_, c)| c.status == ampmatch_core::analysis::Status::Unknown)
        {
            self.missing = checked.missing;
            self.hidden = pairs
                .iter()
                .filter(|(k, v)| !v.is_empty() && !self.missing.iter().any(|m| m.key == k))
                .cloned()
                .collect();
        }
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
        // The chart links carry only the page's own keys: the API is strict.
        let query: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(
                pairs
                    .iter()
                    .filter(|(k, v)| is_page_key(k) && !v.is_empty() && !k.ends_with("_error"))
                    .map(|(k, v)| (k.as_str(), v.as_str())),
            )
            .finish();
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
            // Drawn wide here for desktops; phones fetch a narrow drawing (its text stays
            // readable at 390 px) only when they show it.
            match chart_svg(kind, &refs, 760, 360) {
                Ok(wide) => self.charts.push(Chart {
                    name: name.to_string(),
                    wide,
                    alt: chart_alt(kind, &refs),
                    link: format!("/api/v1/plot/{name}.svg?{query}"),
                    png: format!("/api/v1/plot/{name}.png?{query}"),
                }),
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
        custom: Custom::default(),
        filled: vec![],
        missing: vec![],
        hidden: vec![],
        track_lufs: get("track_lufs"),
        track_dbtp: get("track_dbtp"),
        level: get("level"),
        raw_query: raw.clone().unwrap_or_default(),
        curve_upload: false,
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
    for (k, v) in &pairs {
        page.custom.take(k, v);
    }
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
        Ok(Some(checked)) => page.show(&state, &pairs, raw.as_deref().unwrap_or(""), checked),
    }
    // An upload that failed comes back with why.
    for (key, what) in [("track_error", "Track"), ("curve_error", "Impedance curve")] {
        let why = get(key);
        if !why.is_empty() && page.error.is_empty() {
            page.error = format!("{what}: {why}");
        }
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
