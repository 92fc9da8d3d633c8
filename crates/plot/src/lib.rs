//! SVG charts of an ampmatch report: the load's impedance and phase, the response
//! deviation the output impedance causes, and the maximum SPL over frequency.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use ampmatch_core::analysis::Report;
use plotters::prelude::*;

/// What can go wrong drawing.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The drawing backend failed.
    #[error("drawing the chart failed: {0}")]
    Draw(String),
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

/// The report's curves as one SVG: impedance magnitude (and phase when known) on top,
/// the response deviation below, and the maximum SPL at the bottom when known.
pub fn report_svg(report: &Report, width: u32, height: u32) -> Result<String> {
    if report.curve.is_empty() {
        return Err(Error::NoCurve);
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let title = format!("{} [{}] → {}", report.amp, report.output, report.load);
        let root = root.titled(&title, ("sans-serif", 18)).map_err(draw_err)?;
        let has_spl = report.curve.iter().all(|p| p.max_spl_db.is_some());
        let panels = root.split_evenly((if has_spl { 3 } else { 2 }, 1));
        let f = |p: &ampmatch_core::analysis::CurvePoint| p.frequency_hz;
        let x_range = (20f64..20_000f64).log_scale();

        // Impedance.
        let (zlo, zhi) = report
            .curve
            .iter()
            .fold((f64::INFINITY, 0f64), |(a, b), p| {
                (a.min(p.impedance_ohm), b.max(p.impedance_ohm))
            });
        let (zlo, zhi) = padded(zlo, zhi, 0.1 * zhi.max(1.0));
        let zlo = zlo.max(0.0);
        let mut chart = ChartBuilder::on(&panels[0])
            .margin(8)
            .x_label_area_size(30)
            .y_label_area_size(60)
            .right_y_label_area_size(50)
            .caption("Load impedance", ("sans-serif", 14))
            .build_cartesian_2d(x_range.clone(), zlo..zhi)
            .map_err(draw_err)?
            .set_secondary_coord(x_range.clone(), -90f64..90f64);
        chart
            .configure_mesh()
            .x_desc("Hz")
            .y_desc("|Z| Ω")
            .x_label_formatter(&hz_label)
            .y_label_formatter(&|v| format!("{v:.0}"))
            .draw()
            .map_err(draw_err)?;
        chart
            .draw_series(LineSeries::new(
                report.curve.iter().map(|p| (f(p), p.impedance_ohm)),
                BLUE.stroke_width(2),
            ))
            .map_err(draw_err)?
            .label("|Z| Ω")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], BLUE));
        if report.curve.iter().all(|p| p.phase_deg.is_some()) {
            chart
                .configure_secondary_axes()
                .y_desc("phase °")
                .draw()
                .map_err(draw_err)?;
            chart
                .draw_secondary_series(LineSeries::new(
                    report
                        .curve
                        .iter()
                        .map(|p| (f(p), p.phase_deg.unwrap_or(0.0))),
                    RED.mix(0.7),
                ))
                .map_err(draw_err)?
                .label("phase °")
                .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], RED));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(draw_err)?;

        // Deviation.
        let devs: Vec<(f64, f64)> = report
            .curve
            .iter()
            .filter_map(|p| p.deviation_db.map(|d| (f(p), d)))
            .collect();
        let (dlo, dhi) = devs
            .iter()
            .fold((0f64, 0f64), |(a, b), (_, d)| (a.min(*d), b.max(*d)));
        let (dlo, dhi) = padded(dlo, dhi, 1.0);
        let caption = match report.deviation_spread_db {
            Some(s) => format!("Response deviation from output impedance (spread {s:.2} dB)"),
            None => "Response deviation: output impedance unknown".to_string(),
        };
        let mut chart = ChartBuilder::on(&panels[1])
            .margin(8)
            .margin_right(58)
            .x_label_area_size(30)
            .y_label_area_size(60)
            .caption(caption, ("sans-serif", 14))
            .build_cartesian_2d(x_range.clone(), dlo..dhi)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .x_desc("Hz")
            .y_desc("dB re 1 kHz")
            .x_label_formatter(&hz_label)
            .y_label_formatter(&|v| format!("{v:.1}"))
            .draw()
            .map_err(draw_err)?;
        chart
            .draw_series(LineSeries::new(devs, GREEN.stroke_width(2)))
            .map_err(draw_err)?;

        // Maximum SPL.
        if has_spl {
            let spl: Vec<(f64, f64)> = report
                .curve
                .iter()
                .filter_map(|p| p.max_spl_db.map(|d| (f(p), d)))
                .collect();
            let (slo, shi) = spl.iter().fold(
                (report.target_spl_db, report.target_spl_db),
                |(a, b), (_, d)| (a.min(*d), b.max(*d)),
            );
            let (slo, shi) = padded(slo, shi, 6.0);
            let mut chart = ChartBuilder::on(&panels[2])
                .margin(8)
                .margin_right(58)
                .x_label_area_size(30)
                .y_label_area_size(60)
                .caption(
                    format!("Maximum SPL (target {} dB)", report.target_spl_db),
                    ("sans-serif", 14),
                )
                .build_cartesian_2d(x_range, slo..shi)
                .map_err(draw_err)?;
            chart
                .configure_mesh()
                .x_desc("Hz")
                .y_desc("dB SPL")
                .x_label_formatter(&hz_label)
                .y_label_formatter(&|v| format!("{v:.0}"))
                .draw()
                .map_err(draw_err)?;
            chart
                .draw_series(LineSeries::new(spl, MAGENTA.stroke_width(2)))
                .map_err(draw_err)?;
            chart
                .draw_series(LineSeries::new(
                    [
                        (20.0, report.target_spl_db),
                        (20_000.0, report.target_spl_db),
                    ],
                    BLACK.mix(0.6),
                ))
                .map_err(draw_err)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
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
            _ => None,
        }
    }
}

const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(23, 190, 207),
];

/// One chart of `kind` with a line per report, labelled "amp → load".
pub fn chart_svg(kind: ChartKind, reports: &[&Report], width: u32, height: u32) -> Result<String> {
    type Series = (String, Vec<(f64, f64)>);
    let label = |r: &Report| format!("{} → {}", r.amp, r.load);
    let series: Vec<Series> = reports
        .iter()
        .map(|r| {
            let pts: Vec<(f64, f64)> = match kind {
                ChartKind::Impedance => r
                    .curve
                    .iter()
                    .map(|p| (p.frequency_hz, p.impedance_ohm))
                    .collect(),
                ChartKind::Phase => r
                    .curve
                    .iter()
                    .filter_map(|p| p.phase_deg.map(|d| (p.frequency_hz, d)))
                    .collect(),
                ChartKind::Deviation => r
                    .curve
                    .iter()
                    .filter_map(|p| p.deviation_db.map(|d| (p.frequency_hz, d)))
                    .collect(),
                ChartKind::MaxSpl => r
                    .curve
                    .iter()
                    .filter_map(|p| p.max_spl_db.map(|d| (p.frequency_hz, d)))
                    .collect(),
                ChartKind::Power => r
                    .power_vs_load
                    .iter()
                    .map(|p| (p.load_ohm, p.power_w))
                    .collect(),
            };
            (label(r), pts)
        })
        .collect();
    let (title, x_desc, y_desc, x_range) = match kind {
        ChartKind::Impedance => ("Load impedance", "Hz", "|Z| Ω", (20.0, 20_000.0)),
        ChartKind::Phase => ("Load impedance phase", "Hz", "phase °", (20.0, 20_000.0)),
        ChartKind::Deviation => (
            "Response deviation from the source impedance",
            "Hz",
            "dB re 1 kHz",
            (20.0, 20_000.0),
        ),
        ChartKind::MaxSpl => (
            "Maximum SPL (dashed: target)",
            "Hz",
            "dB SPL",
            (20.0, 20_000.0),
        ),
        ChartKind::Power => (
            "Power available vs load impedance",
            "load Ω",
            "W",
            (1.0, 1000.0),
        ),
    };
    let ys: Vec<f64> = series
        .iter()
        .flat_map(|(_, p)| p.iter().map(|q| q.1))
        .filter(|v| v.is_finite())
        .collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        if ys.is_empty() {
            root.draw(&Text::new(
                format!("{title}: not known for this pairing"),
                (20, (height / 2) as i32),
                ("sans-serif", 16),
            ))
            .map_err(draw_err)?;
            root.present().map_err(draw_err)?;
            drop(root);
            return Ok(svg);
        }
        let (mut lo, mut hi) = ys
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(*v), b.max(*v))
            });
        if kind == ChartKind::MaxSpl {
            for r in reports {
                lo = lo.min(r.target_spl_db);
                hi = hi.max(r.target_spl_db);
            }
        }
        let mut chart = ChartBuilder::on(&root);
        chart
            .margin(10)
            .x_label_area_size(34)
            .y_label_area_size(64)
            .caption(title, ("sans-serif", 16));
        let x = (x_range.0..x_range.1).log_scale();
        let colored = |i: usize| PALETTE[i % PALETTE.len()];
        if kind == ChartKind::Power {
            let (lo, hi) = (lo.max(1e-6) / 1.5, hi * 1.5);
            let mut c = chart
                .build_cartesian_2d(x, (lo..hi).log_scale())
                .map_err(draw_err)?;
            c.configure_mesh()
                .x_desc(x_desc)
                .y_desc(y_desc)
                .x_label_formatter(&hz_label)
                .y_label_formatter(&|v| power_label(*v))
                .draw()
                .map_err(draw_err)?;
            for (i, (name, pts)) in series.iter().enumerate() {
                c.draw_series(LineSeries::new(
                    pts.iter().copied(),
                    colored(i).stroke_width(2),
                ))
                .map_err(draw_err)?
                .label(name.clone())
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 16, y)], colored(i).stroke_width(2))
                });
            }
            c.configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .draw()
                .map_err(draw_err)?;
        } else {
            let min_span = match kind {
                ChartKind::Deviation => 1.0,
                ChartKind::Phase => 20.0,
                ChartKind::MaxSpl => 6.0,
                _ => 0.2 * hi.abs().max(1.0),
            };
            let (lo, hi) = padded(lo, hi, min_span);
            let lo = if kind == ChartKind::Impedance {
                lo.max(0.0)
            } else {
                lo
            };
            let mut c = chart.build_cartesian_2d(x, lo..hi).map_err(draw_err)?;
            c.configure_mesh()
                .x_desc(x_desc)
                .y_desc(y_desc)
                .x_label_formatter(&hz_label)
                .y_label_formatter(&|v| format!("{v:.1}"))
                .draw()
                .map_err(draw_err)?;
            for (i, (name, pts)) in series.iter().enumerate() {
                c.draw_series(LineSeries::new(
                    pts.iter().copied(),
                    colored(i).stroke_width(2),
                ))
                .map_err(draw_err)?
                .label(name.clone())
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 16, y)], colored(i).stroke_width(2))
                });
                if kind == ChartKind::MaxSpl {
                    let t = reports[i].target_spl_db;
                    c.draw_series(DashedLineSeries::new(
                        [(20.0, t), (20_000.0, t)],
                        6,
                        4,
                        colored(i).mix(0.7).into(),
                    ))
                    .map_err(draw_err)?;
                }
            }
            c.configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .draw()
                .map_err(draw_err)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
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
