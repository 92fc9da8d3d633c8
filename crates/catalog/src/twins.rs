//! One record per device: a maker's specification and a measurement of the same model are
//! two sources of one device, not two devices. Their figures are as often different
//! definitions (another frequency, another fixture) as different truths, so the pair is
//! treated like a sensitivity of unknown unit: the lower decides loudness, the higher the
//! hearing check, and the difference is a conflict every report shows.

use ampmatch_core::evidence::{Note, NoteKind};
use ampmatch_core::units::{fmt_sig, shorten};

use crate::device::LoadDevice;

/// A difference below this is the same figure, dB.
const SAME_DB: f64 = 1.0;

/// Folds `twin` (the measured record) into `base`.
pub fn merge(base: &mut LoadDevice, twin: LoadDevice) {
    let load = &mut base.load;
    if load.nominal_impedance_ohm.is_none() {
        load.nominal_impedance_ohm = twin.load.nominal_impedance_ohm;
    }
    if load.impedance.is_none() {
        load.impedance = twin.load.impedance.clone();
    }
    let z = load.effective_nominal_ohm();
    let reading = |s: Option<ampmatch_core::sensitivity::Sensitivity>| {
        s.and_then(|s| s.readings(z, false)).map(|r| r.db_per_v)
    };
    let src = twin
        .meta
        .source
        .clone()
        .unwrap_or_else(|| "a measurement".into());
    match (reading(load.sensitivity), reading(twin.load.sensitivity)) {
        (Some(a), Some(b)) if (a - b).abs() > SAME_DB => load.notes.push(Note::new(
            NoteKind::Conflict,
            format!(
                "sensitivity: the maker's {} dB/V and a measurement's {} dB/V ({}) differ by {:.1} dB: the lower decides loudness, the higher hearing",
                fmt_sig(a),
                fmt_sig(b),
                shorten(&src, 90),
                (a - b).abs()
            ),
        )),
        _ => load.notes.push(Note::new(
            NoteKind::Source,
            format!("also measured: {}", shorten(&src, 90)),
        )),
    }
    if load.sensitivity.is_none() {
        load.sensitivity = twin.load.sensitivity;
    } else {
        load.twin_sensitivity = twin.load.sensitivity;
    }
}
