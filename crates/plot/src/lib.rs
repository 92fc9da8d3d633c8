//! Every view of an ampmatch report: SVG charts of the load's impedance and phase, the
//! response deviation the output impedance causes and the maximum SPL over frequency; and
//! the report in words ([`text`]), used by the CLI and the web page alike.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod classes;
mod legend;
mod png;
pub mod text;

pub use classes::{class_lines_svg, class_points_svg};
pub use legend::chart_alt;
pub use png::svg_to_png;

use ampmatch_core::analysis::Report;
use plotters::coord::Shift;
use plotters::prelude::*;

/// What can go wrong drawing.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The drawing backend failed.
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    /// Rendering the SVG to PNG failed.
    #[error("rendering the chart as PNG failed: {0}")]
    Png(String),
    /// The report has no curve to draw.
    #[error("the report has no impedance curve to draw (the load's impedance is unknown)")]
    NoCurve,
}

/// Result with the plot [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

fn draw_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::Draw(format!("{e:?}"))
}

fn hz_label(f: &f64) -> String {
    if *f >= 1000.0 {
        format!("{}k", f / 1000.0)
    } else {
        format!("{f}")
    }
}

fn padded(lo: f64, hi: f64, min_span: f64) -> (f64, f64) {
    let span = (hi - lo).max(min_span);
    let mid = 0.5 * (lo + hi);
    (mid - 0.55 * span, mid + 0.55 * span)
}

/// The report's curves as one SVG, one panel each: impedance, phase (when the curve has
/// it), the response deviation, and the maximum SPL (when known) — the web page's charts.
pub fn report_svg(report: &Report, width: u32, height: u32) -> Result<String> {
    if report.curve.is_empty() {
        return Err(Error::NoCurve);
    }
    let mut kinds = vec![ChartKind::Impedance];
    if report.curve.iter().all(|p| p.phase_deg.is_some()) {
        kinds.push(ChartKind::Phase);
    }
    kinds.push(ChartKind::Deviation);
    if report.curve.iter().all(|p| p.max_spl_db.is_some()) {
        kinds.push(ChartKind::MaxSpl);
    }
    if report.eq.is_some() {
        kinds.push(ChartKind::EqVoltage);
    }
    if report.curve.iter().any(|p| p.fr_db.is_some()) {
        kinds.push(ChartKind::Heard);
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let title = format!("{} [{}] → {}", report.amp, report.output, report.load);
        let root = root.titled(&title, ("sans-serif", 18)).map_err(draw_err)?;
        for (panel, kind) in root.split_evenly((kinds.len(), 1)).iter().zip(&kinds) {
            draw_chart(panel, *kind, &[report])?;
        }
        root.present().map_err(draw_err)?;
    }
    let title = format!("{} [{}] → {}", report.amp, report.output, report.load);
    let desc: Vec<String> = kinds.iter().map(|k| chart_alt(*k, &[report])).collect();
    Ok(legend::label_svg(&svg, &title, &desc.join(" ")))
}

/// The charts the web page draws, each able to overlay several reports ("compare").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Load impedance magnitude over frequency.
    Impedance,
    /// Load impedance phase over frequency (where the curve has phase).
    Phase,
    /// Response deviation caused by the source impedance.
    Deviation,
    /// Maximum SPL over frequency, with the target.
    MaxSpl,
    /// Power the output delivers into resistive loads.
    Power,
    /// With an EQ: the voltage the boosted target needs (dashed) against what the output
    /// delivers (solid), over frequency.
    EqVoltage,
    /// With a measured response: the response as this output delivers it (solid) and as
    /// measured (dashed).
    Heard,
}

impl ChartKind {
    /// Parses "impedance", "deviation", "max-spl" or "power".
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "impedance" => Some(ChartKind::Impedance),
            "phase" => Some(ChartKind::Phase),
            "deviation" => Some(ChartKind::Deviation),
            "max-spl" => Some(ChartKind::MaxSpl),
            "power" => Some(ChartKind::Power),
            "eq" => Some(ChartKind::EqVoltage),
            "heard" => Some(ChartKind::Heard),
            _ => None,
        }
    }
}

/// Chart text (plotters draws a size at 0.81× in the SVG): sized so that a narrow drawing
/// shown on a 390 px phone keeps every glyph at 10 px or more (the browser tests check).
pub(crate) const CAPTION_TEXT: (&str, u32) = ("sans-serif", 20);
/// Tick labels and axis names.
pub(crate) const AXIS_TEXT: (&str, u32) = ("sans-serif", 16);

/// Okabe–Ito: told apart with every common colour-vision deficiency.
const PALETTE: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
];

/// Dash patterns (dash, gap) per compared pair: solid for the first, then distinct dashes,
/// so lines that overlap stay told apart.
const DASHES: [(u32, u32); 6] = [(0, 0), (10, 5), (3, 4), (14, 4), (6, 6), (2, 7)];

/// Tick marks on a frequency axis, and on the load axis of power-vs-load.
const AUDIO_TICKS: [f64; 10] = [20.0, 50.0, 100.0, 200.0, 500.0, 1e3, 2e3, 5e3, 1e4, 2e4];
const LOAD_TICKS: [f64; 10] = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0];

/// Hearing reference levels on maximum-SPL charts: (dB SPL, label).
const SPL_MARKS: [(f64, &str); 3] = [
    (120.0, "120 loud"),
    (130.0, "130 pain"),
    (140.0, "140 limit"),
];

/// One chart of `kind` with a line per report, labelled "amp → load".
/// `height` is the plot's; the legend below it adds a row per report.
pub fn chart_svg(kind: ChartKind, reports: &[&Report], width: u32, height: u32) -> Result<String> {
    let mut svg = String::new();
    let total = height + legend::height(reports.len());
    {
        let root = SVGBackend::with_string(&mut svg, (width, total)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        draw_chart(&root, kind, reports)?;
        root.present().map_err(draw_err)?;
    }
    let (title, ..) = titles(kind);
    Ok(legend::label_svg(&svg, title, &chart_alt(kind, reports)))
}

/// A chart's line: its label ("amp → load") and its points.
type Series = (String, Vec<(f64, f64)>);

/// The points of `kind` for each report.
fn series_of(kind: ChartKind, reports: &[&Report]) -> Vec<Series> {
    reports
        .iter()
        .map(|r| {
            let curve = |f: fn(&ampmatch_core::analysis::CurvePoint) -> Option<f64>| {
                r.curve
                    .iter()
                    .filter_map(|p| f(p).map(|v| (p.frequency_hz, v)))
                    .collect()
            };
            let pts: Vec<(f64, f64)> = match kind {
                ChartKind::Impedance => curve(|p| Some(p.impedance_ohm)),
                ChartKind::Phase => curve(|p| p.phase_deg),
                ChartKind::Deviation => curve(|p| p.deviation_db),
                ChartKind::MaxSpl => curve(|p| p.max_spl_db),
                ChartKind::EqVoltage => curve(|p| p.available_voltage_vrms),
                ChartKind::Heard => curve(|p| p.heard_db.or(p.fr_db)),
                ChartKind::Power => r
                    .power_vs_load
                    .iter()
                    .map(|p| (p.load_ohm, p.power_w))
                    .collect(),
            };
            (format!("{} → {}", r.amp, r.load), pts)
        })
        .collect()
}

/// (title, x axis, y axis, x range) of a chart.
fn titles(kind: ChartKind) -> (&'static str, &'static str, &'static str, (f64, f64)) {
    let audio = (20.0, 20_000.0);
    match kind {
        ChartKind::Impedance => ("Load impedance", "Hz", "|Z| Ω", audio),
        ChartKind::Phase => ("Load impedance phase", "Hz", "phase °", audio),
        ChartKind::Deviation => (
            "Response deviation from the source impedance",
            "Hz",
            "dB re 1 kHz",
            audio,
        ),
        ChartKind::MaxSpl => ("Maximum SPL (dashed: target)", "Hz", "dB SPL", audio),
        ChartKind::EqVoltage => (
            "Voltage with the EQ: available (solid), needed (dashed)",
            "Hz",
            "V rms",
            audio,
        ),
        ChartKind::Heard => (
            "Response as delivered (solid), as measured (dashed)",
            "Hz",
            "dB",
            audio,
        ),
        ChartKind::Power => (
            "Power vs load (thin: extrapolated; dashed: the load)",
            "load Ω",
            "W",
            (1.0, 1000.0),
        ),
    }
}

/// The chart's x axis: log frequency (or load) with ticks at 1-2-5 steps.
type XAxis =
    plotters::coord::combinators::WithKeyPoints<plotters::coord::combinators::LogCoord<f64>>;

/// The dashed companion of a report's line: the target on maximum SPL, the measured
/// response under the response as delivered, the voltage needed under the voltage
/// available with an EQ; none on the other charts.
fn companion(kind: ChartKind, r: &Report) -> Vec<(f64, f64)> {
    let curve = |f: fn(&ampmatch_core::analysis::CurvePoint) -> Option<f64>| -> Vec<(f64, f64)> {
        r.curve
            .iter()
            .filter_map(|p| f(p).map(|v| (p.frequency_hz, v)))
            .collect()
    };
    match kind {
        ChartKind::MaxSpl => vec![(20.0, r.target_spl_db), (20_000.0, r.target_spl_db)],
        ChartKind::Heard => curve(|p| p.fr_db),
        ChartKind::EqVoltage => curve(|p| p.required_voltage_vrms),
        _ => vec![],
    }
}

/// The y range of a line chart holding figures from `lo` to `hi`.
fn y_range(kind: ChartKind, lo: f64, hi: f64) -> (f64, f64) {
    match kind {
        // Magnitudes from zero, so a flat 300 Ω line looks flat.
        ChartKind::Impedance | ChartKind::EqVoltage => (0.0, hi.max(1e-9) * 1.2),
        // Symmetric about 0, at least ±1 dB.
        ChartKind::Deviation => {
            let m = lo.abs().max(hi.abs()).max(1.0) * 1.15;
            (-m, m)
        }
        // From a floor 10 dB below the lowest figure, to the hearing marks when near.
        ChartKind::MaxSpl => (
            ((lo - 10.0) / 10.0).floor() * 10.0,
            (((hi + 5.0) / 10.0).ceil() * 10.0).max(if hi > 110.0 { 145.0 } else { 0.0 }),
        ),
        ChartKind::Phase => padded(lo, hi, 20.0),
        ChartKind::Heard => padded(lo, hi, 6.0),
        _ => padded(lo, hi, 0.2 * hi.abs().max(1.0)),
    }
}

/// A chart whose figures are all unknown still draws: its title, and each pair with why.
fn draw_unknown(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    kind: ChartKind,
    title: &str,
    series: &[Series],
) -> Result<()> {
    root.draw(&Text::new(
        format!("{title}: not known"),
        (20, 30),
        ("sans-serif", 18),
    ))
    .map_err(draw_err)?;
    let why = match kind {
        ChartKind::Deviation => "no impedance curve or output impedance",
        ChartKind::Phase => "no phase in the impedance data",
        _ => "a figure is missing",
    };
    for (i, (name, _)) in series.iter().enumerate() {
        root.draw(&Text::new(
            format!("{name}: not known ({why})"),
            (20, 60 + 22 * i as i32),
            ("sans-serif", 16),
        ))
        .map_err(draw_err)?;
    }
    Ok(())
}

fn colored(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Draws one chart of `kind` on `root`, a line per report labelled "amp → load".
fn draw_chart(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    kind: ChartKind,
    reports: &[&Report],
) -> Result<()> {
    let series = series_of(kind, reports);
    let (title, x_desc, y_desc, x_range) = titles(kind);
    // The figures and their companions decide the range.
    let ys: Vec<f64> = series
        .iter()
        .flat_map(|(_, p)| p.iter().map(|q| q.1))
        .filter(|v| v.is_finite())
        .collect();
    if ys.is_empty() {
        return draw_unknown(root, kind, title, &series);
    }
    // The legend goes under the plot, never over the data.
    let (_, h) = root.dim_in_pixel();
    let (root, below) = root.split_vertically(h.saturating_sub(legend::height(series.len())));
    let names: Vec<&str> = series.iter().map(|(n, _)| n.as_str()).collect();
    legend::draw(&below, &names, kind != ChartKind::Power)?;
    let root = &root;
    let (lo, hi) = ys
        .iter()
        .copied()
        .chain(reports.iter().flat_map(|r| companion(kind, r)).map(|p| p.1))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    let mut chart = ChartBuilder::on(root);
    chart
        .margin(10)
        .x_label_area_size(44)
        .y_label_area_size(72)
        .margin_right(24)
        .caption(title, CAPTION_TEXT);
    let ticks = if kind == ChartKind::Power {
        LOAD_TICKS.to_vec()
    } else {
        AUDIO_TICKS.to_vec()
    };
    let x = (x_range.0..x_range.1).log_scale().with_key_points(ticks);
    if kind == ChartKind::Power {
        draw_power(chart, x, (x_desc, y_desc), (lo, hi), &series, reports)
    } else {
        draw_lines(
            chart,
            x,
            kind,
            (x_desc, y_desc),
            y_range(kind, lo, hi),
            &series,
            reports,
        )
    }
}

/// Power against load on log–log axes: thin where extrapolated, the load marked.
fn draw_power(
    mut chart: ChartBuilder<'_, '_, SVGBackend<'_>>,
    x: XAxis,
    (x_desc, y_desc): (&str, &str),
    (lo, hi): (f64, f64),
    series: &[Series],
    reports: &[&Report],
) -> Result<()> {
    let (lo, hi) = (lo.max(1e-6) / 1.5, hi * 1.5);
    let mut c = chart
        .build_cartesian_2d(x, (lo..hi).log_scale())
        .map_err(draw_err)?;
    c.configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style(AXIS_TEXT)
        .axis_desc_style(AXIS_TEXT)
        .x_label_formatter(&hz_label)
        .y_label_formatter(&|v| power_label(*v))
        .draw()
        .map_err(draw_err)?;
    for (i, (_, pts)) in series.iter().enumerate() {
        // Beyond the rated loads the figure is an extrapolation: a thin line there, the
        // evidence's own range thick.
        c.draw_series(LineSeries::new(
            pts.iter().copied(),
            colored(i).mix(0.5).stroke_width(1),
        ))
        .map_err(draw_err)?;
        let rated: Vec<(f64, f64)> = pts
            .iter()
            .zip(&reports[i].power_vs_load)
            .filter(|(_, p)| p.basis != ampmatch_core::limits::Basis::Extrapolated)
            .map(|(q, _)| *q)
            .collect();
        c.draw_series(LineSeries::new(rated, colored(i).stroke_width(3)))
            .map_err(draw_err)?;
        // Where this pair's load sits.
        if let Some(z) = reports[i]
            .nominal_impedance_ohm
            .filter(|z| (1.0..=1000.0).contains(z))
        {
            c.draw_series(DashedLineSeries::new(
                [(z, lo), (z, hi)],
                4,
                4,
                colored(i).mix(0.8).stroke_width(1),
            ))
            .map_err(draw_err)?;
        }
    }
    Ok(())
}

/// A line per report over frequency, a dash pattern each, with its dashed companion and,
/// on maximum SPL, the hearing marks.
fn draw_lines(
    mut chart: ChartBuilder<'_, '_, SVGBackend<'_>>,
    x: XAxis,
    kind: ChartKind,
    (x_desc, y_desc): (&str, &str),
    (lo, hi): (f64, f64),
    series: &[Series],
    reports: &[&Report],
) -> Result<()> {
    let mut c = chart.build_cartesian_2d(x, lo..hi).map_err(draw_err)?;
    c.configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style(AXIS_TEXT)
        .axis_desc_style(AXIS_TEXT)
        .x_label_formatter(&hz_label)
        .y_label_formatter(&|v| format!("{v:.1}"))
        .draw()
        .map_err(draw_err)?;
    if kind == ChartKind::MaxSpl {
        for (level, label) in SPL_MARKS.iter().filter(|(l, _)| (lo..hi).contains(l)) {
            c.draw_series(DashedLineSeries::new(
                [(20.0, *level), (20_000.0, *level)],
                3,
                5,
                RGBColor(120, 120, 120).stroke_width(1),
            ))
            .map_err(draw_err)?;
            c.draw_series(std::iter::once(Text::new(
                label.to_string(),
                (22.0, level + 0.6),
                ("sans-serif", 15).into_font().color(&RGBColor(90, 90, 90)),
            )))
            .map_err(draw_err)?;
        }
    }
    for (i, (_, pts)) in series.iter().enumerate() {
        let (dash, gap) = DASHES[i % DASHES.len()];
        let style = colored(i).stroke_width(2);
        let drawn = if dash == 0 {
            c.draw_series(LineSeries::new(pts.iter().copied(), style))
        } else {
            c.draw_series(DashedLineSeries::new(pts.iter().copied(), dash, gap, style))
        };
        drawn.map_err(draw_err)?;
        let companion_style = match kind {
            ChartKind::MaxSpl => colored(i).mix(0.7).into(),
            ChartKind::Heard => colored(i).mix(0.6).stroke_width(1),
            _ => colored(i).stroke_width(2),
        };
        let dashed = companion(kind, reports[i]);
        if !dashed.is_empty() {
            c.draw_series(DashedLineSeries::new(dashed, 6, 4, companion_style))
                .map_err(draw_err)?;
        }
    }
    Ok(())
}

fn power_label(w: f64) -> String {
    if w >= 1.0 {
        format!("{w:.0} W")
    } else if w >= 0.001 {
        format!("{:.0} mW", w * 1000.0)
    } else {
        format!("{:.0} µW", w * 1e6)
    }
}
