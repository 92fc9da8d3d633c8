//! `GET /rank?load=…` or `/rank?amp=…`: what fits, best first, paged — the CLI's `rank`
//! for people.

use ampmatch_app::{DeviceRef, FileAccess, Ranking, Setup, rank, resolve_amp, resolve_load};
use ampmatch_core::units::fmt_power;
use ampmatch_plot::text;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::{Html, IntoResponse, Response};

use crate::{ApiError, AppState};

/// Rows per page.
const PAGE_ROWS: usize = 50;

#[derive(Template)]
#[template(path = "rank.html")]
struct RankPage {
    load: String,
    amp: String,
    subject: String,
    error: String,
    total: usize,
    recommended: String,
    rows: Vec<(usize, String, String, String, String, String)>,
    prev: String,
    next: String,
}

fn link(load: &str, amp: &str, page: usize) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    if !load.is_empty() {
        s.append_pair("load", load);
    }
    if !amp.is_empty() {
        s.append_pair("amp", amp);
    }
    s.append_pair("page", &page.to_string());
    format!("/rank?{}", s.finish())
}

/// The page.
pub async fn page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let pairs = crate::api::query_pairs(raw.as_deref());
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let (load, amp) = (get("load"), get("amp"));
    let page_no: usize = get("page").parse().unwrap_or(1).max(1);
    let mut page = RankPage {
        load: load.clone(),
        amp: amp.clone(),
        subject: String::new(),
        error: String::new(),
        total: 0,
        recommended: String::new(),
        rows: vec![],
        prev: String::new(),
        next: String::new(),
    };
    let setup = Setup::default();
    let ranked = if !load.is_empty() {
        resolve_load(
            &state,
            &DeviceRef::Name(load.clone()),
            FileAccess::Denied,
            "load",
        )
        .map(|l| {
            page.subject = l.load.name.clone();
            rank(&state, &setup, Ranking::AmpsFor(&l), false)
        })
    } else if !amp.is_empty() {
        resolve_amp(
            &state,
            &DeviceRef::Name(amp.clone()),
            FileAccess::Denied,
            "amp",
        )
        .map(|a| {
            page.subject = a.amplifier.name.clone();
            rank(&state, &setup, Ranking::LoadsFor(&a, None), false)
        })
    } else {
        Ok(vec![])
    };
    match ranked {
        Err(e) => {
            page.error = ApiError::from_app(if load.is_empty() { "amp" } else { "load" }, e).message
        }
        Ok(rows) => {
            page.total = rows.len();
            if let Some(s) = rows.first().and_then(|r| r.report.sizing.as_ref()) {
                page.recommended = format!(
                    "Recommended amplifier power for it: {}–{} continuous.",
                    fmt_power(Some(s.recommended_w.min)),
                    fmt_power(Some(s.recommended_w.max))
                );
            }
            let start = (page_no - 1) * PAGE_ROWS;
            page.rows = rows
                .iter()
                .enumerate()
                .skip(start)
                .take(PAGE_ROWS)
                .map(|(i, row)| {
                    let r = &row.report;
                    let (name, view) = if load.is_empty() {
                        (
                            r.load.clone(),
                            format!("/?amp={}&load={}", enc(&amp), enc(row.id)),
                        )
                    } else {
                        (
                            r.amp.clone(),
                            format!("/?amp={}&load={}", enc(row.id), enc(&load)),
                        )
                    };
                    (
                        i + 1,
                        r.verdict.to_string(),
                        r.headroom_db
                            .map_or("unknown".into(), |h| format!("{h:+.1} dB")),
                        name,
                        view,
                        text::capitalised(&text::reason(r, false)),
                    )
                })
                .collect();
            if page_no > 1 {
                page.prev = link(&load, &amp, page_no - 1);
            }
            if start + PAGE_ROWS < rows.len() {
                page.next = link(&load, &amp, page_no + 1);
            }
        }
    }
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => ApiError::bad(None, format!("rendering the page failed: {e}")).into_response(),
    }
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
