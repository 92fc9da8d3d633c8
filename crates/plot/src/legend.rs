//! What goes beside the plot: the legend, drawn below the plot area so it never covers the
//! data, and the chart's text alternative (its figures in words) for screen readers and
//! for anyone who cannot see the lines.

use ampmatch_core::analysis::Report;
use ampmatch_core::units::fmt_sig;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::{ChartKind, DASHES, Result, colored, draw_err, titles};

/// Average advance of a legend character, px (DejaVu Sans at the legend's 13.7 px).
const LABEL_CHAR_PX: f64 = 7.6;

/// Height of one legend row, px.
const ROW_PX: u32 = 22;

/// The legend's height under a plot of `n` lines (none for an unknown chart).
pub(crate) fn height(n: usize) -> u32 {
    if n == 0 { 0 } else { 8 + ROW_PX * n as u32 }
}

/// One row per line: a swatch in its colour (and its dash pattern when `dashed`), and its
/// label.
pub(crate) fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    names: &[&str],
    dashed: bool,
) -> Result<()> {
    // Labels longer than the width are cut (the text alternative has them whole).
    let (width, _) = area.dim_in_pixel();
    let room = (width.saturating_sub(124) as f64 / LABEL_CHAR_PX) as usize;
    for (i, name) in names.iter().enumerate() {
        let y = 4 + (ROW_PX as i32) * i as i32 + ROW_PX as i32 / 2;
        let (dash, gap) = DASHES[i % DASHES.len()];
        let style = colored(i).stroke_width(3);
        let (x0, x1) = (72, 108);
        if dash == 0 || !dashed {
            area.draw(&PathElement::new([(x0, y), (x1, y)], style))
                .map_err(draw_err)?;
        } else {
            // A dash pattern drawn as its segments.
            let mut x = x0;
            while x < x1 {
                let end = (x + dash as i32).min(x1);
                area.draw(&PathElement::new([(x, y), (end, y)], style))
                    .map_err(draw_err)?;
                x = end + gap as i32;
            }
        }
        let label = if name.chars().count() > room {
            let cut: String = name.chars().take(room.saturating_sub(1)).collect();
            format!("{cut}…")
        } else {
            name.to_string()
        };
        area.draw(&Text::new(label, (x1 + 8, y - 8), ("sans-serif", 17)))
            .map_err(draw_err)?;
    }
    Ok(())
}

/// The chart in words: its title, and for each pair the range of its figures and where
/// they fall, or that they are not known.
pub fn chart_alt(kind: ChartKind, reports: &[&Report]) -> String {
    let (title, _, _, _) = titles(kind);
    let unit = match kind {
        ChartKind::Impedance => "Ω",
        ChartKind::Phase => "°",
        ChartKind::Deviation | ChartKind::Heard => "dB",
        ChartKind::MaxSpl => "dB SPL",
        ChartKind::EqVoltage => "V rms",
        ChartKind::Power => "W",
    };
    let value = |y: f64| match kind {
        ChartKind::Power => ampmatch_core::units::fmt_power(Some(y)),
        _ => format!("{} {unit}", fmt_sig(y)),
    };
    let at = |x: f64| {
        if kind == ChartKind::Power {
            format!("{} Ω", fmt_sig(x))
        } else if x >= 1000.0 {
            format!("{} kHz", fmt_sig(x / 1000.0))
        } else {
            format!("{} Hz", fmt_sig(x))
        }
    };
    let mut parts = vec![format!("Chart: {title}.")];
    for (name, pts) in crate::series_of(kind, reports) {
        let finite: Vec<&(f64, f64)> = pts.iter().filter(|p| p.1.is_finite()).collect();
        let lo = finite.iter().min_by(|a, b| a.1.total_cmp(&b.1));
        let hi = finite.iter().max_by(|a, b| a.1.total_cmp(&b.1));
        parts.push(match (lo, hi) {
            (Some(lo), Some(hi)) if (hi.1 - lo.1).abs() < 1e-9 => {
                format!("{name}: {} throughout.", value(lo.1))
            }
            (Some(lo), Some(hi)) => format!(
                "{name}: from {} at {} to {} at {}.",
                value(lo.1),
                at(lo.0),
                value(hi.1),
                at(hi.0)
            ),
            _ => format!("{name}: not known."),
        });
    }
    if kind == ChartKind::MaxSpl
        && let Some(r) = reports.first()
    {
        parts.push(format!("Target: {} dB SPL.", fmt_sig(r.target_spl_db)));
    }
    parts.join(" ")
}

/// A class chart in words: each class's count and the range of its figures.
pub(crate) fn classes_alt(title: &str, unit: &str, groups: &[(&str, Vec<f64>)]) -> String {
    let mut parts = vec![format!("Chart: {title}.")];
    for (class, values) in groups {
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if lo.is_finite() && hi.is_finite() {
            let f = |v: f64| match unit {
                "W" => ampmatch_core::units::fmt_power(Some(v)),
                _ => format!("{} {unit}", fmt_sig(v)),
            };
            parts.push(format!(
                "{class}: {} figures from {} to {}.",
                values.len(),
                f(lo),
                f(hi)
            ));
        }
    }
    parts.join(" ")
}

/// Escapes text for XML.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Gives an SVG its role and text alternative: `role="img"`, a `<title>` and a `<desc>`.
pub(crate) fn label_svg(svg: &str, title: &str, desc: &str) -> String {
    match svg
        .find("<svg")
        .and_then(|s| svg[s..].find('>').map(|e| s + e))
    {
        Some(end) => format!(
            "{} role=\"img\"><title>{}</title><desc>{}</desc>{}",
            &svg[..end],
            escape(title),
            escape(desc),
            &svg[end + 1..]
        ),
        None => svg.to_string(),
    }
}
