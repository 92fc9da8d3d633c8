//! The whole pipeline under random setups: every numeric setup field drawn from inside
//! its documented bounds (the one table, `ampmatch_app::FIELDS`), the setup validated as
//! the CLI and the API validate it, each catalog pairing analysed — and no report may show
//! NaN or inf, or say `good` without a headroom.

use ampmatch_app::{FIELDS, Setup, SetupInput};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn every_setup_inside_the_bounds_gives_sound_reports(
        picks in proptest::collection::vec((0usize..FIELDS.len(), 0.0f64..=1.0), 0..6),
        enclosure in proptest::option::of(prop_oneof![Just("sealed"), Just("vented")]),
    ) {
        let mut input = SetupInput::default();
        for (i, u) in picks {
            let f = &FIELDS[i];
            // Log-uniform over positive ranges spanning decades, uniform otherwise.
            let v = if f.min > 0.0 && f.max / f.min > 100.0 {
                f.min * (f.max / f.min).powf(u)
            } else {
                f.min + (f.max - f.min) * u
            };
            let v = if f.whole { v.round() } else { v };
            let v = if f.min_exclusive && v <= f.min { f.min + (f.max - f.min) * 1e-6 } else { v };
            input.set(f.id, Some(v));
        }
        input.enclosure = enclosure.map(str::to_string);
        let Ok(setup) = Setup::from_input(&input) else {
            // Fields that are fine alone but not together are refused with an error.
            return Ok(());
        };
        for (amp, load) in ampmatch_fuzz::catalog_pairs() {
            if let Ok(report) = setup.analyze(amp, load, None) {
                ampmatch_fuzz::assert_sound(&report);
            }
        }
    }
}
