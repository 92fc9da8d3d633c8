//! `GET /explain` (the page) and `GET /api/v1/explain` (JSON): the headphone-amp vs
//! speaker-amp comparison from the catalog, computed once per process (the catalog is
//! embedded and never changes while it runs).

use std::sync::OnceLock;

use ampmatch_app::Setup;
use ampmatch_app::explain::{Explanation, Stats, explain};
use ampmatch_core::units::{fmt_power, fmt_sig};
use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};

use crate::{ApiError, AppState};

fn explanation(state: &AppState) -> &'static Explanation {
    static E: OnceLock<Explanation> = OnceLock::new();
    E.get_or_init(|| explain(state, &Setup::default()))
}

#[derive(Template)]
#[template(path = "explain.html")]
struct ExplainPage {
    classes: Vec<Vec<String>>,
    loads: String,
    chart: String,
    chart_narrow: String,
    zo_chart: String,
    zo_chart_narrow: String,
    claims: Vec<(String, String, String, String, String)>,
    drive: Vec<Vec<String>>,
}

fn power_cell(s: Option<&Stats>) -> String {
    s.map_or("—".into(), |s| {
        format!(
            "{} ({}–{}, {})",
            fmt_power(Some(s.median)),
            fmt_power(Some(s.p10)),
            fmt_power(Some(s.p90)),
            s.n
        )
    })
}

/// The page.
pub async fn page(State(state): State<AppState>) -> Response {
    let e = explanation(&state);
    let classes = e
        .classes
        .iter()
        .map(|c| {
            let mut row = vec![c.class.to_string(), c.outputs.to_string()];
            for z in ["32", "300", "8", "4"] {
                row.push(power_cell(c.power_into_w.get(z)));
            }
            row.push(c.output_impedance_ohm.map_or("unknown".into(), |s| {
                format!("{} Ω (n = {})", fmt_sig(s.median), s.n)
            }));
            row
        })
        .collect();
    let loads = e
        .loads
        .iter()
        .map(|(k, s)| {
            format!(
                "{k}s median {} Ω ({}–{} Ω, n = {})",
                fmt_sig(s.median),
                fmt_sig(s.p10),
                fmt_sig(s.p90),
                s.n
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let lines: Vec<(&str, Vec<(f64, f64)>)> = e
        .power_curves
        .iter()
        .map(|(c, p)| (*c, p.clone()))
        .collect();
    // Wide for desktops, narrow for phones (the page shows one by a media query).
    let power_chart = |w, h| {
        ampmatch_plot::class_lines_svg(
            "Power into the load vs load impedance",
            "load Ω",
            "W",
            &lines,
            w,
            h,
        )
        .unwrap_or_default()
    };
    let zo = |w, h| {
        ampmatch_plot::class_points_svg(
            "Output impedance by class",
            "Ω at 1 kHz",
            &e.output_impedances,
            w,
            h,
        )
        .unwrap_or_default()
    };
    let (chart, chart_narrow) = (power_chart(760, 420), power_chart(400, 320));
    let (zo_chart, zo_chart_narrow) = (zo(760, 380), zo(400, 320));
    let page = ExplainPage {
        classes,
        loads,
        chart,
        chart_narrow,
        zo_chart,
        zo_chart_narrow,
        claims: e
            .claims
            .iter()
            .map(|c| {
                (
                    c.verdict.into(),
                    c.id.into(),
                    c.claim.into(),
                    c.evidence.clone(),
                    c.rule.into(),
                )
            })
            .collect(),
        drive: e
            .drive
            .iter()
            .map(|d| {
                vec![
                    d.amp_class.into(),
                    d.load_class.into(),
                    d.pairs.to_string(),
                    format!("{:.0} %", 100.0 * d.good_share),
                    format!("{:.0} %", 100.0 * d.unsafe_share),
                ]
            })
            .collect(),
    };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => ApiError::bad(None, format!("rendering the page failed: {e}")).into_response(),
    }
}

/// The JSON.
pub async fn json(State(state): State<AppState>) -> Json<&'static Explanation> {
    Json(explanation(&state))
}
