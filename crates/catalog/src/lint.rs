//! Plausibility rules for catalog rows. A row that fails one is not refused — scraped and
//! quoted figures are sometimes right in odd ways — but it must carry a `suspect` mark
//! naming the reason, which every report on the device then shows (`suspect-data`). A test
//! runs these rules over the whole catalog, so a new implausible row cannot slip in unmarked.

use ampmatch_core::load::{HeadphoneForm, LoadKind};

use crate::device::{Device, DeviceType};

/// Lowest sensitivity an in-ear monitor plausibly has, dB/V: below it a phone could not drive
/// it, and such rows are usually a dB/mW figure labelled dB/V or a wrong impedance.
pub const IEM_MIN_DB_PER_V: f64 = 100.0;
/// Highest plausible sensitivity of any headphone, dB/V.
pub const MAX_DB_PER_V: f64 = 140.0;

/// Nominal impedances loudspeakers are rated at; anything else (6.4, 3.5, 7.4 Ω) is usually a
/// measured minimum or |Z| at one frequency written in the nominal's place.
pub const CONVENTIONAL_NOMINAL_OHM: [f64; 9] = [2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 12.0, 15.0, 16.0];

/// The rules `device` fails, each as a reason in words.
pub fn lint(device: &Device) -> Vec<String> {
    let mut why = vec![];
    match device {
        Device::Load(l) => {
            let load = &l.load;
            let z = load.effective_nominal_ohm();
            let speaker = load.is_speaker();
            let s_v = load
                .sensitivity
                .and_then(|s| s.readings(z, speaker))
                .map(|r| r.db_per_v);
            if let (LoadKind::Headphone { form }, Some(sv)) = (load.kind, s_v) {
                if form == HeadphoneForm::InEar && sv < IEM_MIN_DB_PER_V {
                    why.push(format!(
                        "an IEM at {sv:.1} dB/V, below {IEM_MIN_DB_PER_V} dB/V"
                    ));
                }
                if sv > MAX_DB_PER_V {
                    why.push(format!(
                        "a sensitivity of {sv:.1} dB/V, above {MAX_DB_PER_V} dB/V"
                    ));
                }
            }
            if let Some(ts) = &load.thiele_small {
                let dual = l.meta.model.to_ascii_lowercase().contains("dual")
                    || l.meta.model.to_ascii_uppercase().contains("DVC");
                let re = ts.driver.re_ohm;
                match load.nominal_impedance_ohm {
                    Some(zn) if re > zn * 1.05 && !dual => why.push(format!(
                        "Re {re} Ω above the nominal {zn} Ω of a single-voice-coil driver"
                    )),
                    None if re > 20.0 && !dual && l.device_type() == DeviceType::Driver => why
                        .push(format!(
                            "Re {re} Ω with no nominal impedance: likely a slip for {} Ω",
                            re / 10.0
                        )),
                    _ => {}
                }
            }
            if l.device_type() == DeviceType::Speaker
                && let Some(zn) = load.nominal_impedance_ohm
                && !CONVENTIONAL_NOMINAL_OHM
                    .iter()
                    .any(|c| (zn - c).abs() < 1e-9)
            {
                why.push(format!(
                    "a nominal impedance of {zn} Ω is not a conventional rating: likely a measured minimum or |Z| at one frequency"
                ));
            }
            // A measured minimum a little above a maker's nominal is spec tolerance (Etymotic
            // hf5: 17.2 Ω measured against 16 Ω rated); more than 20 % above is a mix-up.
            if let (Some(zn), Some(zmin)) = (load.nominal_impedance_ohm, load.min_impedance_ohm)
                && zmin > zn * 1.2
            {
                why.push(format!(
                    "a minimum impedance {zmin} Ω more than 20 % above the nominal {zn} Ω"
                ));
            }
        }
        Device::Amplifier(a) => {
            for o in &a.amplifier.outputs {
                let loads: Vec<f64> = o.ratings.iter().filter_map(|r| r.load_ohm).collect();
                if !loads.is_empty() && loads.iter().all(|z| !(4.0..=600.0).contains(z)) {
                    why.push(format!(
                        "the {} output is rated only at loads outside 4–600 Ω ({})",
                        o.name,
                        loads
                            .iter()
                            .map(|z| format!("{z} Ω"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
        }
    }
    why
}
