//! The catalog: every record loads, names resolve, bad input gets a clear error.

use ampmatch_catalog::{Catalog, Device, DeviceKind, Error, parse_device, zma};
use ampmatch_core::sensitivity::SensitivityUnit;

mod eq;

fn no_curves(rel: &str) -> ampmatch_catalog::Result<String> {
    Err(Error::Io {
        path: rel.into(),
        message: "no such file".into(),
    })
}

fn parse(text: &str) -> ampmatch_catalog::Result<Device> {
    parse_device(text, "test.toml", &no_curves)
}

#[test]
fn every_catalog_record_loads_and_validates() {
    let c = Catalog::builtin();
    assert!(c.entries().len() > 700, "{} entries", c.entries().len());
    let mut ids = std::collections::HashSet::new();
    for e in c.entries() {
        let d = c.load(e).unwrap_or_else(|err| panic!("{}: {err}", e.path));
        assert_eq!(d.meta().id, e.id);
        assert!(ids.insert(e.id), "duplicate id {}", e.id);
        assert_eq!(ampmatch_catalog::slug(e.id), e.id, "id is a slug");
        if let Device::Amplifier(a) = &d {
            for o in &a.amplifier.outputs {
                // Every output resolves (bridged ones through their base) and fits.
                let r = a.amplifier.select_output(Some(&o.name), false).unwrap();
                let fit = r.fit();
                for p in &fit.points {
                    assert!(
                        p.predicted_voltage_vrms.is_finite() && p.residual_pct.is_finite(),
                        "{}: {p:?}",
                        e.path
                    );
                }
            }
        }
    }
}

#[test]
fn required_devices_are_present() {
    let c = Catalog::builtin();
    for (id, side) in [
        ("fostex-th900", DeviceKind::Load),
        ("fosi-audio-bt20a", DeviceKind::Amplifier),
        ("amazon-echo-link-amp", DeviceKind::Amplifier),
        ("audioengine-d1", DeviceKind::Amplifier),
        ("sennheiser-hd600", DeviceKind::Load),
        ("nwavguy-objective2-o2", DeviceKind::Amplifier),
    ] {
        let e = c.get(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(e.side(), side);
    }
    // Unverified figures stay marked so.
    let echo = c.get("amazon-echo-link-amp").unwrap();
    assert!(echo.text.contains("confidence = \"unverified\""));
}

#[test]
fn seed_figures_survive_the_import() {
    let c = Catalog::builtin();
    // headphones.csv: Fostex,TH900,over-ear,dynamic,25,100,dB/mW
    let Device::Load(th900) = c.resolve("fostex-th900", DeviceKind::Load).unwrap() else {
        panic!()
    };
    assert_eq!(th900.load.nominal_impedance_ohm, Some(25.0));
    let s = th900.load.sensitivity.unwrap();
    assert_eq!((s.value_db, s.unit), (100.0, SensitivityUnit::DbPerMw));
    // Sennheiser HD600: 300 Ω, 97 dB/V, kept in dB/V.
    let Device::Load(hd600) = c.resolve("Sennheiser HD600", DeviceKind::Load).unwrap() else {
        panic!()
    };
    assert_eq!(
        hd600.load.sensitivity.unwrap().unit,
        SensitivityUnit::DbPerV
    );
    // Chord Mojo: the measured 0.7 Ω wins over the maker's 0.045 Ω, and the conflict shows.
    let Device::Amplifier(mojo) = c.resolve("chord-mojo", DeviceKind::Amplifier).unwrap() else {
        panic!()
    };
    let o = &mojo.amplifier.outputs[0];
    assert_eq!(o.output_impedance_ohm(), Some(0.7));
    assert!(
        o.notes
            .iter()
            .any(|n| n.kind == ampmatch_core::NoteKind::Conflict && n.text.contains("0.045")),
        "{:?}",
        o.notes
    );
    // The DT 1990 Pro carries its measured magnitude-only curve.
    let Device::Load(dt) = c
        .resolve("beyerdynamic-dt1990-pro", DeviceKind::Load)
        .unwrap()
    else {
        panic!()
    };
    let m = dt.load.impedance.as_ref().unwrap();
    assert!(!m.phase_known());
}

#[test]
fn names_resolve_exactly_fuzzily_or_with_suggestions() {
    let c = Catalog::builtin();
    assert_eq!(
        c.resolve_entry("sennheiser hd600", DeviceKind::Load)
            .unwrap()
            .id,
        "sennheiser-hd600"
    );
    assert_eq!(
        c.resolve_entry("SENNHEISER-HD600", DeviceKind::Load)
            .unwrap()
            .id,
        "sennheiser-hd600"
    );
    assert_eq!(
        c.resolve_entry("Objective2", DeviceKind::Amplifier)
            .unwrap()
            .id,
        "nwavguy-objective2-o2"
    );
    // A misspelling finds nothing fuzzy but gets "did you mean".
    match c.resolve_entry("Sennhizer HD6oo", DeviceKind::Load) {
        Err(Error::NotFound { suggestions, .. }) => assert!(
            suggestions
                .iter()
                .any(|s| s.contains("HD600") || s.contains("HD 600") || s.contains("Sennheiser")),
            "{suggestions:?}"
        ),
        Err(Error::Ambiguous { .. }) => {}
        other => panic!("{other:?}"),
    }
    // An amplifier name is not a load.
    assert!(
        c.resolve("nwavguy-objective2-o2", DeviceKind::Load)
            .is_err()
    );
    // Several equally good matches: ambiguous, with candidates.
    match c.resolve_entry("FiiO", DeviceKind::Amplifier) {
        Err(Error::Ambiguous { candidates, .. }) => assert!(candidates.len() >= 2),
        other => panic!("expected ambiguous, got {other:?}"),
    }
}

const AMP: &str = r#"type = "amplifier"
brand = "Test"
model = "Amp"

[[outputs]]
name = "single-ended"
kind = "single-ended"
output_impedance_ohm = 1.0
gain_db = 10
noise_uv = 2
max_current_ma = 200
power = [{ load_ohm = 32, power_mw = 500 }, { load_ohm = 300, voltage_vrms = 6 }]
"#;

const HP: &str = r#"type = "headphone"
brand = "Test"
model = "Phone"
form = "over-ear"
impedance_ohm = 32
sensitivity_db = 100
sensitivity_unit = "dB/mW"
max_input_power_mw = 300
"#;

#[test]
fn good_files_parse() {
    let Device::Amplifier(a) = parse(AMP).unwrap() else {
        panic!()
    };
    assert_eq!(a.meta.id, "test-amp");
    assert_eq!(a.amplifier.outputs[0].ratings.len(), 2);
    let Device::Load(l) = parse(HP).unwrap() else {
        panic!()
    };
    assert_eq!(l.load.max_input_power_w, Some(0.3));
}

/// (what, file text, substrings the error must contain: field, value, allowed)
fn bad_cases() -> Vec<(&'static str, String, Vec<&'static str>)> {
    let amp = |from: &str, to: &str| {
        assert!(AMP.contains(from), "{from}");
        AMP.replacen(from, to, 1)
    };
    let hp = |from: &str, to: &str| {
        assert!(HP.contains(from), "{from}");
        HP.replacen(from, to, 1)
    };
    vec![
        (
            "negative impedance",
            hp("impedance_ohm = 32", "impedance_ohm = -32"),
            // The range excludes degenerate loads: from 0.1 Ω (it used to be "above 0").
            vec!["impedance_ohm", "-32", "from 0.1 to 100000 Ω", ":5:"],
        ),
        (
            "zero impedance",
            hp("impedance_ohm = 32", "impedance_ohm = 0"),
            vec!["impedance_ohm", "= 0", "from 0.1 to 100000 Ω"],
        ),
        (
            "nan impedance",
            hp("impedance_ohm = 32", "impedance_ohm = nan"),
            vec!["impedance_ohm", "nan", "allowed"],
        ),
        (
            "huge impedance",
            hp("impedance_ohm = 32", "impedance_ohm = 1e12"),
            vec!["impedance_ohm", "1000000000000", "100000"],
        ),
        (
            "inf impedance",
            hp("impedance_ohm = 32", "impedance_ohm = inf"),
            vec!["impedance_ohm", "inf"],
        ),
        (
            "impedance as text",
            hp("impedance_ohm = 32", "impedance_ohm = \"32 ohm\""),
            vec!["test.toml:5", "invalid type", "f64"],
        ),
        (
            "sensitivity too low",
            hp("sensitivity_db = 100", "sensitivity_db = 5"),
            vec!["sensitivity_db", "= 5", "from 50 to 150 dB SPL"],
        ),
        (
            "sensitivity too high",
            hp("sensitivity_db = 100", "sensitivity_db = 400"),
            vec!["sensitivity_db", "400", "150"],
        ),
        (
            "sensitivity nan",
            hp("sensitivity_db = 100", "sensitivity_db = nan"),
            vec!["sensitivity_db", "nan"],
        ),
        (
            "wrong sensitivity unit",
            hp("\"dB/mW\"", "\"dB/W\""),
            vec!["test.toml:7", "dB/W", "dB/mW", "dB/V", "unknown"],
        ),
        (
            "missing sensitivity unit",
            hp("sensitivity_unit = \"dB/mW\"\n", ""),
            vec!["sensitivity_unit", "missing", "dB/mW"],
        ),
        (
            "negative max power",
            hp("max_input_power_mw = 300", "max_input_power_mw = -1"),
            vec!["max_input_power_mw", "-1", "above 0"],
        ),
        (
            "wrong form",
            hp("\"over-ear\"", "\"behind-ear\""),
            vec!["behind-ear", "over-ear", "in-ear"],
        ),
        (
            "missing form",
            hp("form = \"over-ear\"\n", ""),
            vec!["missing field `form`"],
        ),
        (
            "missing brand",
            hp("brand = \"Test\"\n", ""),
            vec!["missing field `brand`"],
        ),
        (
            "empty model",
            hp("model = \"Phone\"", "model = \"  \""),
            vec!["model", "non-empty"],
        ),
        (
            "unknown key headphone",
            hp(
                "form = \"over-ear\"",
                "form = \"over-ear\"\nimpedence_ohm = 32",
            ),
            vec![
                "test.toml:5",
                "unknown field `impedence_ohm`",
                "impedance_ohm",
            ],
        ),
        (
            "bad id",
            hp(
                "type = \"headphone\"",
                "type = \"headphone\"\nid = \"Test Phone\"",
            ),
            vec!["id", "Test Phone", "lower-case"],
        ),
        (
            "unknown type",
            hp("type = \"headphone\"", "type = \"toaster\""),
            vec!["type", "toaster", "amplifier", "headphone"],
        ),
        (
            "missing type",
            hp("type = \"headphone\"\n", ""),
            vec!["type", "missing", "amplifier"],
        ),
        (
            "not toml",
            "type = = \"x\"".to_string(),
            vec!["test.toml:1"],
        ),
        (
            "negative output impedance",
            amp("output_impedance_ohm = 1.0", "output_impedance_ohm = -1.0"),
            vec![
                "outputs[0].output_impedance_ohm",
                "-1",
                "from 0 to 10000 Ω",
                ":8:",
            ],
        ),
        (
            "huge gain",
            amp("gain_db = 10", "gain_db = 500"),
            vec!["outputs[0].gain_db", "500", "-60 to 80 dB"],
        ),
        (
            "negative thd",
            amp("gain_db = 10", "gain_db = 10\nthd_pct = -1"),
            vec!["outputs[0].thd_pct", "-1", "above 0"],
        ),
        (
            "zero noise",
            amp("noise_uv = 2", "noise_uv = 0"),
            vec!["outputs[0].noise_uv", "= 0", "above 0"],
        ),
        (
            "negative current",
            amp("max_current_ma = 200", "max_current_ma = -200"),
            vec!["max_current_ma", "-200", "above 0"],
        ),
        (
            "zero load",
            amp("load_ohm = 32", "load_ohm = 0"),
            vec!["outputs[0].power[0].load_ohm", "= 0", "above 0", ":12:"],
        ),
        (
            "negative power",
            amp("power_mw = 500", "power_mw = -500"),
            vec!["outputs[0].power[0].power_mw", "-500", "above 0"],
        ),
        (
            "huge power",
            amp("power_mw = 500", "power_mw = 1e12"),
            vec!["power_mw", "10000000"],
        ),
        (
            "nan voltage",
            amp("voltage_vrms = 6", "voltage_vrms = nan"),
            vec!["outputs[0].power[1].voltage_vrms", "nan"],
        ),
        (
            "point without figure",
            amp("{ load_ohm = 300, voltage_vrms = 6 }", "{ load_ohm = 300 }"),
            vec![
                "outputs[0].power[1]",
                "exactly one of power_mw, power_w or voltage_vrms",
            ],
        ),
        (
            "point with two figures",
            amp("voltage_vrms = 6", "voltage_vrms = 6, power_mw = 3"),
            vec!["outputs[0].power[1]", "exactly one"],
        ),
        (
            "point without load",
            amp("{ load_ohm = 32, power_mw = 500 }", "{ power_mw = 500 }"),
            vec!["outputs[0].power[0].load_ohm", "missing"],
        ),
        (
            "unknown key in point",
            amp("power_mw = 500", "power_mw = 500, watts = 1"),
            vec!["unknown field `watts`", "power_mw"],
        ),
        (
            "wrong output kind",
            amp("kind = \"single-ended\"", "kind = \"xlr\""),
            vec!["xlr", "single-ended", "balanced", "speaker"],
        ),
        (
            "unknown key output",
            amp("gain_db = 10", "gain_db = 10\nimpedance = 3"),
            vec!["unknown field `impedance`"],
        ),
        (
            "no outputs",
            "type = \"amplifier\"\nbrand = \"A\"\nmodel = \"B\"\noutputs = []\n".into(),
            vec!["outputs", "at least one"],
        ),
        (
            "missing outputs",
            "type = \"amplifier\"\nbrand = \"A\"\nmodel = \"B\"\n".into(),
            vec!["missing field `outputs`"],
        ),
        (
            "bad confidence",
            amp("gain_db = 10", "gain_db = 10\nconfidence = \"sure\""),
            vec!["sure", "high", "medium"],
        ),
        (
            "bridged with figures",
            amp(
                "name = \"single-ended\"",
                "name = \"single-ended\"\nbridged_from = \"x\"",
            ),
            vec!["bridged_from", "no figures"],
        ),
        (
            "duplicate output",
            format!("{AMP}\n[[outputs]]\nname = \"Single-Ended\"\nkind = \"balanced\"\n"),
            vec!["outputs[1].name", "Single-Ended", "no other output"],
        ),
        (
            "bridged from nothing",
            format!(
                "{AMP}\n[[outputs]]\nname = \"balanced\"\nkind = \"balanced\"\nbridged_from = \"xlr\"\n"
            ),
            vec!["outputs[1].bridged_from", "xlr", "single-ended"],
        ),
        (
            "curve without file",
            format!("{HP}\n[impedance_curve]\nphase_known = true\n"),
            vec!["impedance_curve.file", "missing"],
        ),
        (
            "curve file missing",
            format!("{HP}\n[impedance_curve]\nfile = \"nope.zma\"\n"),
            vec!["nope.zma", "no such file"],
        ),
        (
            "resonance missing qes",
            format!(
                "{HP}\n[impedance_curve]\nmodel = \"resonance\"\nre_ohm = 6\nfs_hz = 50\nqms = 3\n"
            ),
            vec!["impedance_curve.qes", "missing"],
        ),
        (
            "resonance negative fs",
            format!(
                "{HP}\n[impedance_curve]\nmodel = \"resonance\"\nre_ohm = 6\nfs_hz = -50\nqms = 3\nqes = 0.5\n"
            ),
            vec!["impedance_curve.fs_hz", "-50", "above 0"],
        ),
        (
            "unknown curve model",
            format!("{HP}\n[impedance_curve]\nmodel = \"spline\"\n"),
            vec!["impedance_curve.model", "spline", "resonance"],
        ),
    ]
}

#[test]
fn bad_input_gets_a_clear_error() {
    let cases = bad_cases();
    assert!(cases.len() >= 30);
    for (what, text, wants) in cases {
        let err = match parse(&text) {
            Ok(_) => panic!("{what}: accepted"),
            Err(e) => e.to_string(),
        };
        assert!(
            err.starts_with("test.toml"),
            "{what}: error does not name the file: {err}"
        );
        for w in wants {
            assert!(err.contains(w), "{what}: error {err:?} lacks {w:?}");
        }
    }
}

#[test]
fn ten_percent_thd_ratings_are_taken_down_to_clipping_onset() {
    // 100 W into 8 Ω at 10 % THD ≈ 80 W at 1 %: V = √(80·8) = 25.30 V (not √800 = 28.28 V).
    let text = AMP.replace(
        "power = [{ load_ohm = 32, power_mw = 500 }, { load_ohm = 300, voltage_vrms = 6 }]",
        "thd_pct = 10\npower = [{ load_ohm = 8, power_w = 100 }]",
    );
    let Device::Amplifier(a) = parse(&text).unwrap() else {
        panic!()
    };
    let o = &a.amplifier.outputs[0];
    assert!((o.ratings[0].voltage_vrms - 640f64.sqrt()).abs() < 1e-9);
    assert!(
        o.notes
            .iter()
            .any(|n| n.kind == ampmatch_core::NoteKind::Assumption && n.text.contains("10 % THD"))
    );
}

#[test]
fn zma_reader_takes_the_documented_variants() {
    let text =
        "* header\r\n\" another\r\n# third\r\n20 +8.5 -10\r\n100;9,+5\r\n1000\t12\t20\r\n\r\n";
    let c = zma::parse_zma(text, "a.zma").unwrap();
    assert!(c.phase_known);
    assert_eq!(c.points().len(), 3);
    assert_eq!(c.points()[1].magnitude_ohm, 9.0);
    assert_eq!(c.points()[0].phase_deg, -10.0);
    // No phase column: magnitude only.
    let c = zma::parse_zma("20 8\n40 9\n", "b.zma").unwrap();
    assert!(!c.phase_known);
    // Round trip through the writer.
    let again = zma::parse_zma(&zma::write_zma(&c, "t"), "c.zma").unwrap();
    assert_eq!(again.points(), c.points());
    assert!(!again.phase_known);
}

#[test]
fn zma_errors_name_the_line() {
    for (text, line, what) in [
        ("20 8 0\n20 9 0\n", 2, "does not rise"),
        ("20 8 0\n10 9 0\n", 2, "does not rise"),
        ("20 8 0\nabc 9 0\n", 2, "not a number"),
        ("20 8 0\n30 -9 0\n", 2, "allowed from 0.1 to 100000 Ω"),
        // Degenerate magnitudes and frequencies that once reached the output as NaN/inf.
        ("20 8 0\n30 1e300 0\n", 2, "1e300 Ω: allowed"),
        ("20 8 0\n30 1e-300 0\n", 2, "1e-300 Ω: allowed"),
        ("1e-300 8 0\n30 9 0\n", 1, "Hz: allowed"),
        ("20 8 0\n30 9 120\n", 2, "±90"),
        ("* only\n20 8 0\n", 2, "at least 2"),
        ("20 8 0\n30\n", 2, "expected"),
    ] {
        let e = zma::parse_zma(text, "f.zma").unwrap_err().to_string();
        assert!(e.starts_with(&format!("f.zma:{line}:")), "{text:?}: {e}");
        assert!(e.contains(what), "{text:?}: {e}");
    }
}

/// The data lint runs as a test: every catalog row that fails a plausibility rule carries a
/// `suspect` mark, so a new implausible row cannot slip in unmarked — and the mark reaches
/// every report on the device.
#[test]
fn every_implausible_row_is_marked_suspect() {
    use ampmatch_catalog::lint::lint;
    use ampmatch_core::NoteKind;
    let c = Catalog::builtin();
    let mut unmarked = vec![];
    for e in c.entries() {
        let d = c.load(e).unwrap();
        let marked = match &d {
            Device::Load(l) => l.load.notes.iter().any(|n| n.kind == NoteKind::Suspect),
            Device::Amplifier(a) => a
                .amplifier
                .outputs
                .iter()
                .any(|o| o.notes.iter().any(|n| n.kind == NoteKind::Suspect)),
        };
        let why = lint(&d);
        if !why.is_empty() && !marked {
            unmarked.push(format!("{}: {}", e.path, why.join("; ")));
        }
    }
    assert!(
        unmarked.is_empty(),
        "implausible rows without a suspect mark:\n{}",
        unmarked.join("\n")
    );
}

/// Each rule on a row made to fail it, and on one that passes.
#[test]
fn lint_rules_catch_what_they_name() {
    use ampmatch_catalog::lint::lint;
    let parse =
        |t: &str| ampmatch_catalog::parse_device(t, "t.toml", &|_: &str| unreachable!()).unwrap();
    let iem = |db: f64| {
        parse(&format!(
            "type = \"headphone\"\nbrand = \"T\"\nmodel = \"I\"\nform = \"in-ear\"\nimpedance_ohm = 12\nsensitivity_db = {db}\nsensitivity_unit = \"dB/V\"\n"
        ))
    };
    // 98 dB/V for an IEM (a 1.3 W IEM at 110 dB): implausible; 105 dB/V is fine.
    assert_eq!(lint(&iem(98.0)).len(), 1);
    assert!(lint(&iem(105.0)).is_empty());
    assert_eq!(lint(&iem(145.0)).len(), 1);
    let driver = |re: f64, z: &str, model: &str| {
        parse(&format!(
            "type = \"driver\"\nbrand = \"T\"\nmodel = \"{model}\"\n{z}[thiele_small]\nre_ohm = {re}\nfs_hz = 40\nqms = 3\nqes = 0.4\n"
        ))
    };
    // Celestion TSQ2145: Re 50 Ω with no nominal: a slip for 5.0 Ω by its own figures.
    assert_eq!(lint(&driver(50.0, "", "TSQ2145")).len(), 1);
    assert_eq!(lint(&driver(11.2, "impedance_ohm = 6\n", "W")).len(), 1);
    assert!(lint(&driver(3.3, "impedance_ohm = 4\n", "W")).is_empty());
    // Dual voice coils are real: 2 × 4 Ω in series reads 6.6 Ω against a "4 Ω" per coil.
    assert!(lint(&driver(6.6, "impedance_ohm = 4\n", "W12 Dual 4 DVC")).is_empty());
    // A loudspeaker "6.4 Ω nominal" (MoFi SourcePoint's minimum, written as its nominal).
    let spk = |z: &str| {
        parse(&format!(
            "type = \"speaker\"\nbrand = \"T\"\nmodel = \"S\"\nimpedance_ohm = {z}\n"
        ))
    };
    assert_eq!(lint(&spk("6.4")).len(), 1);
    assert!(lint(&spk("8")).is_empty() && lint(&spk("15")).is_empty());
    // An amplifier rated only outside 4–600 Ω.
    let amp = parse(
        "type = \"amplifier\"\nbrand = \"T\"\nmodel = \"A\"\n[[outputs]]\nname = \"o\"\nkind = \"single-ended\"\npower = [{ load_ohm = 2, power_w = 10 }]\n",
    );
    assert_eq!(lint(&amp).len(), 1);
}

#[test]
fn degenerate_thiele_small_values_are_refused_at_their_field() {
    // Values near zero once reached the report as NaN (EPDR 1e-300 Ω voice coil); each is
    // refused at its own line with the allowed range.
    for (key, value, allowed) in [
        ("re_ohm", "1e-300", "from 0.1 to 1000 Ω"),
        ("fs_hz", "0.5", "from 1 to 100000 Hz"),
        ("qes", "1e-300", "from 0.01"),
        ("vas_l", "1e-9", "from 0.00001"),
    ] {
        let mut ts: Vec<String> = [
            ("re_ohm", "6"),
            ("fs_hz", "40"),
            ("qms", "3"),
            ("qes", "0.4"),
            ("vas_l", "20"),
        ]
        .iter()
        .map(|(k, v)| format!("{k} = {}", if *k == key { value } else { v }))
        .collect();
        ts.sort();
        let text = format!(
            "type = \"driver\"\nbrand = \"X\"\nmodel = \"D\"\nimpedance_ohm = 8\n[thiele_small]\n{}\n",
            ts.join("\n")
        );
        let e = ampmatch_catalog::parse_device(&text, "d.toml", &|_| unreachable!())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(&format!("thiele_small.{key} = {value}")) && e.contains(allowed),
            "{key}: {e}"
        );
    }
}
