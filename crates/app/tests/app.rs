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
    let catalog = ampmatch_catalog::Catalog::builtin();
    for (name, generated) in [
        ("rules", rules_markdown()),
        ("setup", setup_markdown()),
        ("catalog", ampmatch_app::docs::catalog_markdown(&catalog)),
    ] {
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

mod rank {
    use ampmatch_app::{Ranking, Setup, rank};
    use ampmatch_catalog::{Catalog, Device, DeviceType, Entry};

    fn amp(id: &'static str, outputs: &str) -> Entry {
        entry(
            id,
            DeviceType::Amplifier,
            format!(
                "type = \"amplifier\"\nid = \"{id}\"\nbrand = \"T\"\nmodel = \"{id}\"\n{outputs}"
            ),
        )
    }

    fn entry(id: &'static str, device_type: DeviceType, text: String) -> Entry {
        Entry {
            id,
            brand: "T",
            model: id,
            device_type,
            category: "",
            path: "test.toml",
            text: Box::leak(text.into_boxed_str()),
        }
    }

    const SE: &str = "[[outputs]]\nname = \"se\"\nkind = \"single-ended\"\n";

    /// A hand-made catalog whose verdicts are worked out by hand, for a 32 Ω, 100 dB/V
    /// headphone (a resonance curve: Re 30 Ω, Res = Re·Qms/Qes = 120 Ω, so |Z| 30–150 Ω)
    /// at the default 110 dB peak. Each amplifier is measured into 32 Ω (the user's own
    /// figure, so the maximum there is exact):
    /// - complete: 9.846 V → 119.9 dB, +9.9 dB; gain 10 dB puts the 93 dB average 22.9 dB
    ///   below full; hiss 2 µV → −14 dB SPL; 3 W under a 5 W rating; deviation behind 0.5 Ω
    ///   (150/150.5)/(30/30.5) → 0.12 dB. Good, and every check known.
    /// - incomplete: the same without a noise figure: good, hiss unknown.
    /// - marginal: 3.545 V → 110.99 dB, +0.99 dB: low headroom.
    /// - weak: 0.985 V → 99.9 dB, −10.1 dB; weaker: 0.295 V → 89.4 dB, −20.6 dB:
    ///   insufficient.
    /// - noinfo: only an output impedance: level unknown.
    /// - loud: 118.15 V → 141.5 dB, past 140 dB: unsafe.
    /// - btl: a bridged speaker output: not meant for headphones; with all outputs,
    ///   incompatible.
    fn catalog() -> Catalog {
        let full = "output_impedance_ohm = 0.5\ngain_db = 10\n";
        let at32 = |v: f64| format!("power = [{{ load_ohm = 32, voltage_vrms = {v} }}]\n");
        let entries = vec![
            amp("loud", &format!("{SE}{}output_impedance_ohm = 0.5\n", at32(118.15))),
            amp("weaker", &format!("{SE}{}{full}", at32(0.295))),
            amp("incomplete", &format!("{SE}{}{full}", at32(9.846))),
            amp("btl", &format!("[[outputs]]\nname = \"speaker\"\nkind = \"speaker\"\nbridged = true\n{}", at32(9.846))),
            amp("noinfo", &format!("{SE}output_impedance_ohm = 1\n")),
            amp("marginal", &format!("{SE}{}{full}noise_uv = 2\n", at32(3.545))),
            amp("complete", &format!("{SE}{}{full}noise_uv = 2\n", at32(9.846))),
            amp("weak", &format!("{SE}{}{full}", at32(0.985))),
            entry("hp", DeviceType::Headphone, "type = \"headphone\"\nid = \"hp\"\nbrand = \"T\"\nmodel = \"hp\"\nform = \"over-ear\"\nimpedance_ohm = 32\nsensitivity_db = 100\nsensitivity_unit = \"dB/V\"\nmax_input_power_mw = 5000\nimpedance_curve = { model = \"resonance\", re_ohm = 30, fs_hz = 100, qms = 2, qes = 0.5 }\n".into()),
            entry("spk", DeviceType::Speaker, "type = \"speaker\"\nid = \"spk\"\nbrand = \"T\"\nmodel = \"spk\"\nimpedance_ohm = 8\nsensitivity_db = 88\nsensitivity_ref = \"2.83V/1m\"\n".into()),
        ];
        Catalog::from_entries(Box::leak(entries.into_boxed_slice()))
    }

    fn ids(rows: &[ampmatch_app::RankRow]) -> Vec<&str> {
        rows.iter().map(|r| r.id).collect()
    }

    #[test]
    fn amplifiers_for_a_headphone_best_first() {
        let c = catalog();
        let Ok(Device::Load(hp)) = c.load(c.get("hp").unwrap()) else {
            panic!()
        };
        let setup = Setup::default();
        let rows = rank(&c, &setup, Ranking::AmpsFor(&hp), false);
        assert_eq!(
            ids(&rows),
            [
                "complete",
                "incomplete",
                "marginal",
                "weak",
                "weaker",
                "noinfo",
                "loud"
            ]
        );
        assert!(rows[0].report.complete && !rows[1].report.complete);
        let verdicts: Vec<String> = rows.iter().map(|r| r.report.verdict.to_string()).collect();
        assert_eq!(
            verdicts,
            [
                "good",
                "good",
                "marginal",
                "insufficient",
                "insufficient",
                "unknown",
                "unsafe"
            ]
        );
        // All outputs: the bridged speaker output joins, last.
        let rows = rank(&c, &setup, Ranking::AmpsFor(&hp), true);
        assert_eq!(rows.last().unwrap().id, "btl");
        assert_eq!(
            rows.last().unwrap().report.verdict.to_string(),
            "incompatible"
        );
    }

    #[test]
    fn loads_for_an_amplifier_honour_the_kind() {
        let c = catalog();
        let Ok(Device::Amplifier(a)) = c.load(c.get("complete").unwrap()) else {
            panic!()
        };
        let setup = Setup::default();
        // A headphone output is not meant for the speaker: by default only the headphone.
        assert_eq!(
            ids(&rank(&c, &setup, Ranking::LoadsFor(&a, None), false)),
            ["hp"]
        );
        assert_eq!(
            ids(&rank(&c, &setup, Ranking::LoadsFor(&a, None), true)).len(),
            2
        );
        let only = rank(
            &c,
            &setup,
            Ranking::LoadsFor(&a, Some(DeviceType::Speaker)),
            true,
        );
        assert_eq!(ids(&only), ["spk"]);
    }
}

/// Values that would make the model degenerate are outside the documented ranges (issue 12,
/// in part): a box of 1e-308 L, a loss Q of 1e-308, a conductor of 1e-308 mm².
#[test]
fn degenerate_setup_values_are_refused() {
    for (id, v) in [
        (FieldId::BoxVolume, 1e-308),
        (FieldId::BoxQl, 1e-308),
        (FieldId::BoxTuning, 1e-308),
        (FieldId::CableMm2, 1e-308),
    ] {
        let e = id.field().check(v).unwrap_err();
        assert!(e.render(Naming::Cli).1.contains("1e-308"), "{id:?}");
    }
}

mod explain {
    //! The class statistics and the claims on a small catalog whose figures are known.
    use ampmatch_app::Setup;
    use ampmatch_app::explain::{Stats, explain};
    use ampmatch_catalog::{Catalog, DeviceType, Entry};

    fn entry(
        id: &'static str,
        device_type: DeviceType,
        category: &'static str,
        text: String,
    ) -> Entry {
        Entry {
            id,
            brand: "T",
            model: id,
            device_type,
            category,
            path: "test.toml",
            text: Box::leak(text.into_boxed_str()),
        }
    }

    fn amp(id: &'static str, category: &'static str, outputs: &str) -> Entry {
        let text = format!(
            "type = \"amplifier\"\nid = \"{id}\"\nbrand = \"T\"\nmodel = \"{id}\"\ncategory = \"{category}\"\n{outputs}"
        );
        entry(id, DeviceType::Amplifier, category, text)
    }

    fn se(w_at_32: Option<f64>, zo: f64) -> String {
        let power = w_at_32.map_or(String::new(), |w| {
            format!("power = [{{ load_ohm = 32, power_w = {w} }}]\n")
        });
        format!(
            "[[outputs]]\nname = \"se\"\nkind = \"single-ended\"\n{power}output_impedance_ohm = {zo}\n"
        )
    }

    fn spk(w_at_8: f64) -> String {
        format!(
            "[[outputs]]\nname = \"speaker\"\nkind = \"speaker\"\npower = [{{ load_ohm = 8, power_w = {w_at_8} }}]\noutput_impedance_ohm = 0.05\n"
        )
    }

    fn headphone(id: &'static str, z: f64) -> Entry {
        entry(
            id,
            DeviceType::Headphone,
            "",
            format!(
                "type = \"headphone\"\nid = \"{id}\"\nbrand = \"T\"\nmodel = \"{id}\"\nform = \"over-ear\"\nimpedance_ohm = {z}\nsensitivity_db = 100\nsensitivity_unit = \"dB/V\"\n"
            ),
        )
    }

    fn speaker(id: &'static str, z: f64) -> Entry {
        entry(
            id,
            DeviceType::Speaker,
            "",
            format!(
                "type = \"speaker\"\nid = \"{id}\"\nbrand = \"T\"\nmodel = \"{id}\"\nimpedance_ohm = {z}\nsensitivity_db = 88\nsensitivity_ref = \"2.83V/1m\"\n"
            ),
        )
    }

    /// Headphone amps of 0.1, 0.5 and 3 W into 32 Ω (output impedance 0.5, 1, 0.2 Ω);
    /// speaker amps of 100 and 200 W into 8 Ω; an integrated amplifier of 50 W into 8 Ω
    /// with a 33 Ω headphone jack; headphones of 16, 32 and 300 Ω; speakers of 4 and 8 Ω.
    fn catalog() -> Catalog {
        let entries = vec![
            amp("h1", "headphone", &se(Some(0.1), 0.5)),
            amp("h2", "headphone", &se(Some(0.5), 1.0)),
            amp("h3", "headphone", &se(Some(3.0), 0.2)),
            amp("s1", "speaker", &spk(100.0)),
            amp("s2", "speaker", &spk(200.0)),
            amp(
                "int",
                "integrated",
                &format!("{}{}", spk(50.0), se(None, 33.0)),
            ),
            headphone("p16", 16.0),
            headphone("p32", 32.0),
            headphone("p300", 300.0),
            speaker("k4", 4.0),
            speaker("k8", 8.0),
        ];
        Catalog::from_entries(Box::leak(entries.into_boxed_slice()))
    }

    #[test]
    fn statistics_by_hand() {
        // Percentiles linear between closest ranks: of [1, 2, 3, 4] the median is 2.5, p10
        // 1 + 0.3·1 = 1.3, p90 3.7.
        let s = Stats::of(&[4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!((s.median, s.n), (2.5, 4));
        assert!((s.p10 - 1.3).abs() < 1e-12 && (s.p90 - 3.7).abs() < 1e-12);
        let e = explain(&catalog(), &Setup::default());
        let class = |c: &str| e.classes.iter().find(|x| x.class == c).unwrap();
        // Headphone class into 32 Ω: [0.1, 0.5, 3] → median 0.5 W, n 3; Zo [0.2, 0.5, 1] →
        // median 0.5 Ω.
        let h = class("headphone");
        assert_eq!(h.outputs, 3);
        assert!((h.power_into_w["32"].median - 0.5).abs() < 1e-9);
        assert_eq!(h.power_into_w["32"].n, 3);
        assert!((h.output_impedance_ohm.unwrap().median - 0.5).abs() < 1e-12);
        // Speaker class into 8 Ω: [100, 200] → median 150 W.
        assert!((class("speaker").power_into_w["8"].median - 150.0).abs() < 1e-9);
        // The integrated amplifier's jack: its own class, 33 Ω, no power figure.
        let j = class("integrated-headphone-jack");
        assert!((j.output_impedance_ohm.unwrap().median - 33.0).abs() < 1e-12);
        assert!(j.power_into_w.is_empty());
        // Loads: headphones [16, 32, 300] → median 32 Ω; speakers [4, 8] → 6 Ω.
        assert!((e.loads["headphone"].median - 32.0).abs() < 1e-12);
        assert!((e.loads["speaker"].median - 6.0).abs() < 1e-12);
    }

    #[test]
    fn claims_on_the_fixture() {
        let e = explain(&catalog(), &Setup::default());
        let verdict = |id: &str| e.claims.iter().find(|c| c.id == id).unwrap().verdict;
        // Power: headphone outputs 2 of 3 within 10 mW–2 W (67 %), speaker outputs 100 W and
        // 50 W of [100, 200, 50] within 50–100 W (67 %): partly.
        assert_eq!(verdict("power"), "partly");
        // Dedicated headphone amps' median 0.5 Ω, the integrated jack 33 Ω: partly.
        assert_eq!(verdict("output-impedance"), "partly");
        assert_eq!(verdict("ohms-law"), "myth");
        assert_eq!(verdict("efficiency"), "myth");
        assert_eq!(verdict("size"), "not-checkable");
        // No BT20A in this catalog: not checkable.
        assert_eq!(verdict("bt20a"), "not-checkable");
        // Every claim of the founding list is judged, each with its rule.
        for id in [
            "size",
            "power",
            "impedance",
            "output-impedance",
            "ohms-law",
            "efficiency",
            "supply",
            "eighth-rule",
            "speaker-amp-drives-headphones",
            "headphone-amp-cannot-drive-speakers",
            "not-interchangeable",
            "bt20a",
            "echo-link-amp",
            "headphone-amp-improves-sound",
            "sizing-2x",
            "driver-size",
            "fostex-th900",
        ] {
            let c = e
                .claims
                .iter()
                .find(|c| c.id == id)
                .unwrap_or_else(|| panic!("{id}"));
            assert!(!c.rule.is_empty() && !c.evidence.is_empty(), "{id}");
        }
        // Which drives which: every class pair with its pairs counted.
        let d = e
            .drive
            .iter()
            .find(|d| d.amp_class == "speaker" && d.load_class == "headphone")
            .unwrap();
        assert_eq!(d.pairs, 2 * 3);
        let d = e
            .drive
            .iter()
            .find(|d| d.amp_class == "headphone" && d.load_class == "speaker")
            .unwrap();
        assert_eq!(d.pairs, 3 * 2);
        assert_eq!(
            d.good_share, 0.0,
            "0.1–3 W cannot drive a speaker to 102 dB at 2.5 m"
        );
    }
}
