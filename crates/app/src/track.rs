//! Measuring tracks through an EQ preset, shared by the CLI and the web page: the filter a
//! decoder runs (a parametric preset's biquads, a graphic preset's fitted stand-in) and
//! what is said about a graphic preset's fit.

use ampmatch_audio::{FilterFactory, Filtering};

/// The filter factory for an EQ preset's text: its biquads and preamp at the stream's
/// rate, in 64-bit, per channel (a graphic preset's fitted stand-in filters).
pub fn eq_factory(text: &str, name: &str) -> Result<Box<FilterFactory>, String> {
    let eq = ampmatch_catalog::eq::parse_eq(text, name).map_err(|e| e.to_string())?;
    Ok(Box::new(move |rate, channels| {
        let mut p = ampmatch_core::eq::Processor::new(&eq, rate as f64, channels);
        Box::new(move |samples: &mut [f32]| p.process(samples))
    }))
}

/// An EQ preset's text made ready to measure tracks through: `name` is what reports say,
/// `label` what its errors say (the CLI: the path as given).
pub fn filtering(text: &str, name: &str, label: &str) -> Result<Filtering, String> {
    Ok(Filtering {
        name: name.to_string(),
        text: text.to_string(),
        make: eq_factory(text, label)?,
    })
}

/// For a graphic preset: the largest error of the filters tracks run through, dB, at the
/// two common rates (44.1 and 48 kHz); none for a parametric preset.
pub fn graphic_fit_db(text: &str) -> Option<f64> {
    let eq = ampmatch_catalog::eq::parse_eq(text, "eq").ok()?;
    let a = eq.run_error_db(44_100.0)?;
    Some(a.max(eq.run_error_db(48_000.0)?))
}

/// The sentence that says how a graphic preset was run.
pub fn graphic_fit_note(name: &str, fit_db: f64) -> String {
    format!(
        "{name} is a GraphicEQ: tracks run through peaking filters (a third of an octave apart, a sixth above 2 kHz) and two shelves fitted to it, within ±{} dB of it from 20 Hz to 20 kHz",
        ampmatch_core::units::fmt_sig(fit_db)
    )
}
