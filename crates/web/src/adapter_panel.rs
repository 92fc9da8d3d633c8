//! The page's adapter panel: for a speaker output driving a headphone, the resistor adapter
//! ampmatch would build, and the `adapter=SERIES,SHUNT` query key that checks through one.

use ampmatch_app::{DeviceRef, FileAccess, Setup, resolve_amp, resolve_load};
use ampmatch_core::analysis::Report;
use ampmatch_core::units::fmt_sig;

use crate::{ApiError, AppState};

/// "SERIES,SHUNT" in Ω.
pub(crate) fn parse(v: &str) -> Result<ampmatch_core::adapter::Resistors, ApiError> {
    let bad = |m: String| ApiError::bad(Some("adapter"), format!("adapter = {v:?}: {m}"));
    let parts: Vec<f64> = v
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad("expected SERIES,SHUNT in Ω, e.g. 160,36".into()))?;
    let [series, shunt] = parts[..] else {
        return Err(bad("expected two numbers, SERIES,SHUNT in Ω".into()));
    };
    ampmatch_core::adapter::Resistors::new(series, shunt).map_err(|e| bad(e.to_string()))
}

/// For a speaker output driving a headphone (and no adapter yet): the adapter ampmatch
/// would build, as rows, with a link to the same view checked through it.
pub(crate) fn panel(
    state: &AppState,
    pairs: &[(String, String)],
    raw: &str,
    r: &Report,
) -> (Vec<(String, String)>, String) {
    use ampmatch_core::amplifier::OutputKind;
    let first = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    if r.output_kind != OutputKind::Speaker
        || r.listening.is_some()
        || pairs.iter().any(|(k, v)| k == "adapter" && !v.is_empty())
    {
        return (vec![], String::new());
    }
    let (Some(a), Some(l)) = (first("amp"), first("load")) else {
        return (vec![], String::new());
    };
    let (Ok(amp), Ok(load)) = (
        resolve_amp(state, &DeviceRef::Name(a), FileAccess::Denied, "amp"),
        resolve_load(state, &DeviceRef::Name(l), FileAccess::Denied, "load"),
    ) else {
        return (vec![], String::new());
    };
    let Ok(d) = ampmatch_app::adapter::design(
        &Setup::default(),
        &amp,
        &load,
        None,
        ampmatch_app::adapter::DEFAULT_SAFE_MAX_SPL_DB,
        None,
    ) else {
        return (vec![], String::new());
    };
    let w = |p: Option<f64>, buy: Option<f64>| {
        format!(
            "{} at full output (buy {})",
            ampmatch_core::units::fmt_power(p),
            buy.map_or("over 50 W".into(), |b| format!("{} W", fmt_sig(b)))
        )
    };
    let mut rows = vec![
        (
            "Series resistor".to_string(),
            format!(
                "{} Ω, {}",
                fmt_sig(d.series_ohm),
                w(d.series_power_w, d.series_wattage_w)
            ),
        ),
        (
            "Shunt resistor".into(),
            format!(
                "{} Ω, {}",
                fmt_sig(d.shunt_ohm),
                w(d.shunt_power_w, d.shunt_wattage_w)
            ),
        ),
        (
            "Source impedance".into(),
            format!("{} Ω", fmt_sig(d.source_impedance_ohm)),
        ),
        (
            "Full output at the ear".into(),
            d.max_spl_db
                .map_or("unknown".into(), |m| format!("{m:.1} dB SPL (aimed ≤ 120)")),
        ),
        (
            "Amplifier sees".into(),
            format!("{} Ω", fmt_sig(d.amp_load_ohm)),
        ),
        (
            "Workable".into(),
            if d.feasible {
                "yes".into()
            } else {
                "no".into()
            },
        ),
    ];
    rows.extend(d.notes.iter().map(|n| ("Note".to_string(), n.clone())));
    let link = format!("/?{raw}&adapter={},{}", d.series_ohm, d.shunt_ohm);
    (rows, link)
}
