//! The app layer: the setup table's bounds and combinations, the README generated from the
//! code, ranking order on the built-in catalog.

use ampmatch_app::docs::{rules_markdown, setup_markdown};
use ampmatch_app::{FIELDS, FieldId, Naming, Setup, SetupError, SetupInput};
use ampmatch_core::analysis::Rule;

const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");

/// The byte range between `<!-- NAME:start -->` and `<!-- NAME:end -->` in `text`.
fn block_range(text: &str, name: &str) -> std::ops::Range<usize> {
    let start = format!("<!-- {name}:start -->\n");
    let end = format!("<!-- {name}:end -->");
    let a = text
        .find(&start)
        .unwrap_or_else(|| panic!("README has no {start}"))
        + start.len();
    let b = text
        .find(&end)
        .unwrap_or_else(|| panic!("README has no {end}"));
    a..b
}

/// The README's generated tables (rules, setup fields) equal what the code generates;
/// `UPDATE_README=1` rewrites them in place instead. One test, so two rewrites never race.
#[test]
fn readme_tables_are_generated_from_the_code() {
    let mut text = std::fs::read_to_string(README).unwrap();
    let mut stale = vec![];
    for (name, generated) in [("rules", rules_markdown()), ("setup", setup_markdown())] {
        let range = block_range(&text, name);
        if text[range.clone()] != generated {
            stale.push(name);
            text.replace_range(range, &generated);
        }
    }
    if stale.is_empty() {
        return;
    }
    if std::env::var_os("UPDATE_README").is_some() {
        std::fs::write(README, text).unwrap();
    } else {
        panic!(
            "README tables {stale:?} are out of date: run UPDATE_README=1 cargo test -p ampmatch-app --test app"
        );
    }
}

#[test]
fn rule_ids_are_unique_kebab_case_and_round_trip() {
    let mut seen = std::collections::HashSet::new();
    for r in Rule::ALL {
        assert!(seen.insert(r.id()), "duplicate id {}", r.id());
        assert!(
            r.id().chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}",
            r.id()
        );
        assert_eq!(Rule::from_id(r.id()), Some(*r));
        // The JSON of a rule is its id.
        assert_eq!(serde_json::to_value(r).unwrap(), r.id());
        assert!(!r.summary().is_empty());
    }
    // The 44 ids the analysis used before the seven checks are all still there.
    for id in [
        "source-conflict",
        "assumption",
        "suspect-data",
        "source-note",
        "nominal-from-curve",
        "missing-impedance",
        "cable",
        "output-filter",
        "sensitivity-unit-converted",
        "sensitivity-reference-converted",
        "sensitivity-unit-unknown",
        "missing-sensitivity",
        "missing-output-limits",
        "limits-fit",
        "gain-limits-voltage",
        "weak-source",
        "missing-output-impedance",
        "current-limit-unknown",
        "voltage-limit-unknown",
        "curve-held-at-edge",
        "phase-unknown",
        "damping-factor",
        "eighth-rule",
        "response-deviation",
        "qts-shift",
        "below-min-load",
        "epdr",
        "amp-power-below-rating",
        "amp-power-vs-rating",
        "exceeds-peak-rating",
        "exceeds-rated-max-spl",
        "missing-power-rating",
        "audible-hiss",
        "hiss",
        "missing-noise",
        "volume-at-bottom",
        "missing-gain",
        "exceeds-max-input-power",
        "exceeds-pain-threshold",
        "very-loud",
        "insufficient-headroom",
        "low-headroom",
        "headroom",
        "track-clips",
    ] {
        assert!(Rule::from_id(id).is_some(), "{id}");
    }
}

#[test]
fn every_field_has_distinct_names_and_a_sane_range() {
    let mut flags = std::collections::HashSet::new();
    for f in FIELDS {
        assert!(flags.insert(f.flag));
        assert!(f.min < f.max, "{}", f.flag);
        // The bounds are accepted, values beyond them refused (hand-picked: one step past).
        let step = (f.max - f.min) * 1e-6;
        assert!(f.check(f.max).is_ok());
        assert!(f.check(f.max + step.max(1.0)).is_err());
        assert_eq!(f.check(f.min).is_ok(), !f.min_exclusive);
        assert!(f.check(f.min - step.max(1.0)).is_err());
        assert!(f.check(f64::NAN).is_err() && f.check(f64::INFINITY).is_err());
    }
}

fn setup(pairs: &[(FieldId, f64)]) -> Result<Setup, SetupError> {
    let mut i = SetupInput::default();
    for (id, v) in pairs {
        i.set(*id, Some(*v));
    }
    Setup::from_input(&i)
}

#[test]
fn one_error_three_namings() {
    let e = setup(&[(FieldId::Distance, -3.0)]).unwrap_err();
    assert_eq!(
        e.render(Naming::Cli),
        (
            "--distance-m".into(),
            "--distance-m -3: allowed: a number from 0.01 to 10000 m".into()
        )
    );
    assert_eq!(
        e.render(Naming::Api).1,
        "listening.distance_m = -3: allowed: a number from 0.01 to 10000 m"
    );
    assert_eq!(
        e.render(Naming::Page).1,
        "distance = -3: allowed: a number from 0.01 to 10000 m"
    );
}

#[test]
fn combinations_are_checked() {
    // Peak target and average + crest factor are alternatives.
    assert!(
        setup(&[
            (FieldId::TargetSpl, 100.0),
            (FieldId::AverageSpl, 80.0),
            (FieldId::CrestFactor, 20.0)
        ])
        .is_err()
    );
    assert!(setup(&[(FieldId::AverageSpl, 80.0)]).is_err());
    let s = setup(&[(FieldId::AverageSpl, 80.0), (FieldId::CrestFactor, 20.0)]).unwrap();
    assert_eq!(s.target.unwrap().peak_spl_db(), 100.0);
    // A cable needs its size; 5 m of 2.5 mm² copper: R = 1.72e-8 · 2 · 5 / 2.5e-6 = 0.0688 Ω.
    assert!(setup(&[(FieldId::CableLength, 5.0)]).is_err());
    let s = setup(&[(FieldId::CableLength, 5.0), (FieldId::CableMm2, 2.5)]).unwrap();
    assert!((s.context.cable.unwrap().resistance_ohm - 0.0688).abs() < 1e-12);
    // Box sizes need a box.
    assert!(setup(&[(FieldId::BoxVolume, 20.0)]).is_err());
    // Half a speaker is not a number of speakers.
    assert!(setup(&[(FieldId::Speakers, 2.5)]).is_err());
}
