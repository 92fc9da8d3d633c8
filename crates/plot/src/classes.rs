//! The explain page's charts: every output's figures grouped by class.

use plotters::prelude::*;

use crate::{AXIS_TEXT, CAPTION_TEXT, Error, Result, colored, draw_err, power_label};

/// Lines grouped by class on log–log axes, one colour per class with a legend entry each:
/// the explain page's power-against-load chart (`lines`: class name and points).
pub fn class_lines_svg(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    lines: &[(&str, Vec<(f64, f64)>)],
    width: u32,
    height: u32,
) -> Result<String> {
    let xs = || lines.iter().flat_map(|(_, p)| p.iter().map(|q| q.0));
    let ys = || lines.iter().flat_map(|(_, p)| p.iter().map(|q| q.1));
    let (x0, x1) = (xs().fold(f64::INFINITY, f64::min), xs().fold(0.0, f64::max));
    let (y0, y1) = (ys().fold(f64::INFINITY, f64::min), ys().fold(0.0, f64::max));
    if !(x0.is_finite() && y0.is_finite() && x1 > x0 && y1 > 0.0) {
        return Err(Error::NoCurve);
    }
    let mut classes: Vec<&str> = lines.iter().map(|(c, _)| *c).collect();
    classes.sort_unstable();
    classes.dedup();
    let mut svg = String::new();
    {
        let legend_h = crate::legend::height(classes.len());
        let root =
            SVGBackend::with_string(&mut svg, (width, height + legend_h)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        // The legend under the plot, never over the lines.
        let (root, below) = root.split_vertically(height);
        crate::legend::draw(&below, &classes, false)?;
        let mut chart = ChartBuilder::on(&root);
        chart
            .margin(10)
            .margin_right(24)
            .x_label_area_size(44)
            .y_label_area_size(72)
            .caption(title, CAPTION_TEXT);
        let mut c = chart
            .build_cartesian_2d(
                (x0..x1).log_scale(),
                (y0.max(1e-6) / 1.5..y1 * 1.5).log_scale(),
            )
            .map_err(draw_err)?;
        c.configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .label_style(AXIS_TEXT)
            .axis_desc_style(AXIS_TEXT)
            .x_label_formatter(&crate::hz_label)
            .y_label_formatter(&|v| power_label(*v))
            .draw()
            .map_err(draw_err)?;
        for (k, class) in classes.iter().enumerate() {
            let colour = colored(k);
            for (_, pts) in lines.iter().filter(|(c, _)| c == class) {
                c.draw_series(LineSeries::new(
                    pts.iter().copied(),
                    colour.mix(0.6).stroke_width(1),
                ))
                .map_err(draw_err)?;
            }
        }
        root.present().map_err(draw_err)?;
    }
    let groups: Vec<(&str, Vec<f64>)> = classes
        .iter()
        .map(|class| {
            let ys = lines
                .iter()
                .filter(|(c, _)| c == class)
                .flat_map(|(_, p)| p.iter().map(|q| q.1))
                .collect();
            (*class, ys)
        })
        .collect();
    let alt = crate::legend::classes_alt(title, y_desc, &groups);
    Ok(crate::legend::label_svg(&svg, title, &alt))
}

/// One dot per figure in a column per class, on a log scale: the explain page's output
/// impedance by class (`points`: class name and value).
pub fn class_points_svg(
    title: &str,
    y_desc: &str,
    points: &[(&str, f64)],
    width: u32,
    height: u32,
) -> Result<String> {
    let mut classes: Vec<&str> = points.iter().map(|(c, _)| *c).collect();
    classes.sort_unstable();
    classes.dedup();
    let ys = || {
        points
            .iter()
            .map(|p| p.1)
            .filter(|v| *v > 0.0 && v.is_finite())
    };
    let (y0, y1) = (ys().fold(f64::INFINITY, f64::min), ys().fold(0.0, f64::max));
    if classes.is_empty() || !y0.is_finite() {
        return Err(Error::NoCurve);
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let n = classes.len();
        let mut chart = ChartBuilder::on(&root);
        chart
            .margin(10)
            .x_label_area_size(60)
            .y_label_area_size(72)
            .caption(title, CAPTION_TEXT);
        let mut c = chart
            .build_cartesian_2d(-0.5f64..n as f64 - 0.5, (y0 / 2.0..y1 * 2.0).log_scale())
            .map_err(draw_err)?;
        let names = classes.clone();
        c.configure_mesh()
            .y_desc(y_desc)
            .label_style(AXIS_TEXT)
            .axis_desc_style(AXIS_TEXT)
            .x_labels(n)
            .x_label_formatter(&move |x| {
                let i = x.round();
                if (x - i).abs() < 0.01 && i >= 0.0 {
                    names
                        .get(i as usize)
                        .map_or(String::new(), |s| s.to_string())
                } else {
                    String::new()
                }
            })
            .disable_x_mesh()
            .draw()
            .map_err(draw_err)?;
        for (k, class) in classes.iter().enumerate() {
            let colour = colored(k);
            // Spread equal values sideways a little so each dot shows.
            let dots = points
                .iter()
                .filter(|(c, v)| c == class && *v > 0.0)
                .enumerate()
                .map(move |(j, (_, v))| {
                    let dx = ((j % 7) as f64 - 3.0) * 0.05;
                    Circle::new((k as f64 + dx, *v), 4, colour.filled())
                });
            c.draw_series(dots).map_err(draw_err)?;
        }
        root.present().map_err(draw_err)?;
    }
    let groups: Vec<(&str, Vec<f64>)> = classes
        .iter()
        .map(|class| {
            let vs = points
                .iter()
                .filter(|(c, v)| c == class && *v > 0.0)
                .map(|(_, v)| *v)
                .collect();
            (*class, vs)
        })
        .collect();
    let alt = crate::legend::classes_alt(title, y_desc, &groups);
    Ok(crate::legend::label_svg(&svg, title, &alt))
}
