//! The pairs a page or plot query names, analysed: catalog devices with the form's figures
//! filled in, a typed-in track folded in, and what the first pair still lacks.

use ampmatch_app::{DeviceRef, FieldId, FileAccess, Naming, resolve_amp, resolve_load};
use ampmatch_core::analysis::{Report, TrackLevels, fold_track};

use crate::AppState;
use crate::custom_form::{self, Filled, Missing};
use crate::error::ApiError;
use crate::page::{PageQuery, setup_num};

/// The pairs of a query, analysed, with what the form filled into the first pair's devices
/// and the figures they still lack.
#[derive(Default)]
pub struct Checked {
    /// Every pair: "amp → load" and its report.
    pub reports: Vec<(String, Report)>,
    /// Figures typed by the user into the first pair's catalog devices.
    pub filled: Vec<Filled>,
    /// Figures the first pair's devices lack that the form can take.
    pub missing: Vec<Missing>,
    /// The first pair's load has no impedance curve (an upload would settle the response).
    pub needs_curve: bool,
}

/// Every amplifier × load pair of the query, analysed; labels are "amp → load".
pub fn reports_for(state: &AppState, q: &PageQuery) -> Result<Checked, ApiError> {
    let mut out = Checked::default();
    let named = |r: &DeviceRef| matches!(r, DeviceRef::Name(_));
    // Each device resolved once (not once per pair), amplifiers first as before: the first
    // of each with the form's figures in it.
    let mut amps = Vec::with_capacity(q.amps.len());
    for (i, a) in q.amps.iter().enumerate() {
        let mut amp = resolve_amp(state, a, FileAccess::Denied, "amp")
            .map_err(|e| ApiError::from_app("amp", e))?;
        if i == 0 && named(a) && q.custom.has_amp() {
            let mine = resolve_amp(
                state,
                &DeviceRef::Inline(q.custom.amp_device()?),
                FileAccess::Denied,
                "amp",
            )
            .map_err(|e| ApiError::from_app("amp", e))?;
            out.filled.extend(custom_form::fill_amp(&mut amp, &mine));
        }
        // An adapter hangs on the first amplifier's output (its speaker output by default).
        amps.push(match q.adapter {
            Some(r) if i == 0 => ampmatch_app::adapter::through(&amp, q.output.as_deref(), r)
                .map_err(|e| ApiError::from_app("adapter", e))?,
            _ => amp,
        });
    }
    let mut loads = Vec::with_capacity(q.loads.len());
    for (j, l) in q.loads.iter().enumerate() {
        let mut load = resolve_load(state, l, FileAccess::Denied, "load")
            .map_err(|e| ApiError::from_app("load", e))?;
        if j == 0 && named(l) && q.custom.has_load() {
            let kind = custom_form::load_type(&load);
            let mine = resolve_load(
                state,
                &DeviceRef::Inline(q.custom.load_device(Some(kind))?),
                FileAccess::Denied,
                "load",
            )
            .map_err(|e| ApiError::from_app("load", e))?;
            out.filled.extend(custom_form::fill_load(&mut load, &mine));
        }
        loads.push(load);
    }
    for (i, amp) in amps.iter().enumerate() {
        // The output applies to the first amplifier (unless an adapter took it); compared
        // ones use their default.
        let output = if i == 0 && q.adapter.is_none() {
            q.output.as_deref()
        } else {
            None
        };
        for load in &loads {
            let r = analyze(q, amp, load, output)?;
            if out.reports.is_empty() {
                out.missing = custom_form::missing(amp, load, &r);
                out.needs_curve = custom_form::needs_curve(load);
            }
            out.reports.push((format!("{} → {}", r.amp, r.load), r));
        }
    }
    Ok(out)
}

/// One pair at the query's setup; a typed-in track sets the target and is folded in.
fn analyze(
    q: &PageQuery,
    amp: &ampmatch_catalog::AmpDevice,
    load: &ampmatch_catalog::LoadDevice,
    output: Option<&str>,
) -> Result<Report, ApiError> {
    let mut setup = q.setup.clone();
    if let Some((levels, level)) = q.track {
        setup.target = Some(levels.target(level));
    }
    let mut r = setup
        .analyze(amp, load, output)
        .map_err(|e| ApiError::from_app("output", e))?;
    if let Some((levels, level)) = q.track {
        // Typed-in levels carry no samples: whether it clips is known, how much is not.
        fold_track(&mut r, levels, level, None);
    }
    Ok(r)
}

/// The page's track keys: integrated loudness, true peak, and the level it is played at.
pub(crate) const TRACK_KEYS: &[&str] = &["track_lufs", "track_dbtp", "level"];

/// A track's levels typed into the page (from `ampmatch track` or any EBU R128 meter).
pub(crate) fn track_levels(
    pairs: &[(String, String)],
    has_target: bool,
) -> Result<Option<(TrackLevels, f64)>, ApiError> {
    let get = |k: &str| {
        pairs
            .iter()
            .rev()
            .find(|(key, _)| key == k)
            .map_or("", |(_, v)| v.as_str())
    };
    let lufs = custom_form::num("track_lufs", get("track_lufs"), -70.0, 0.0, "LUFS")?;
    let dbtp = custom_form::num("track_dbtp", get("track_dbtp"), -70.0, 20.0, "dBTP")?;
    let level_field = FieldId::ListeningLevel.field();
    let level = setup_num(level_field, get("level"))?
        .map(|v| level_field.check(v))
        .transpose()
        .map_err(|e| ApiError::from_setup(&e, Naming::Page))?;
    match (lufs, dbtp, level) {
        (None, None, None) => Ok(None),
        (Some(i), Some(p), Some(l)) if !has_target => Ok(Some((
            TrackLevels {
                integrated_lufs: i,
                true_peak_dbtp: p,
            },
            l,
        ))),
        (Some(_), Some(_), Some(_)) => Err(ApiError::bad(
            Some("target"),
            "target: a track sets the target (its level + peak-to-loudness ratio); leave the target empty",
        )),
        _ => {
            let missing = [("track_lufs", lufs), ("track_dbtp", dbtp), ("level", level)]
                .into_iter()
                .find(|(_, v)| v.is_none())
                .map_or("level", |(k, _)| k);
            Err(ApiError::bad(
                Some(missing),
                format!(
                    "{missing}: a track needs its integrated loudness (LUFS), its true peak (dBTP) and the level you play it at (dB SPL)"
                ),
            ))
        }
    }
}
