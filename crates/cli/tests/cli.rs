//! The CLI contract of the README, run as a user would: the release-style binary as a
//! child process, its exit code, its JSON and its files.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn ampmatch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ampmatch"))
        .args(args)
        .current_dir(repo_root())
        .output()
        .expect("run ampmatch")
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn json(args: &[&str]) -> Value {
    let out = ampmatch(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

fn num(v: &Value, path: &str) -> f64 {
    let mut cur = v;
    for k in path.split('.') {
        cur = &cur[k];
    }
    cur.as_f64()
        .unwrap_or_else(|| panic!("{path} is not a number: {cur}"))
}

fn close(actual: f64, expected: f64, tol: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: got {actual}, expected {expected} ± {tol}"
    );
}

#[test]
fn o2_drives_hd600_as_the_hand_calculation_says() {
    let r = json(&[
        "check",
        "--amp",
        "Objective2",
        "--load",
        "Sennheiser HD600",
        "--json",
    ]);
    assert_eq!(r["amp"], "NwAvGuy Objective2 (O2)");
    assert_eq!(r["load"], "Sennheiser HD600");
    assert_eq!(r["output"], "single-ended");
    assert_eq!(r["target_spl_db"], 110.0);
    // 97 dB/V, 300 Ω: V = 10^(13/20) = 4.467 V; I = 4.467/300 = 14.89 mA; P = 66.5 mW.
    close(num(&r, "required.voltage_vrms"), 4.467, 0.001, "required V");
    close(
        num(&r, "required.current_a"),
        0.01489,
        0.00001,
        "required I",
    );
    close(num(&r, "required.power_w"), 0.06651, 0.00005, "required P");
    // SBAF: 7.24 V into 300 Ω (output impedance unknown → 0 Ω): 97 + 20·log10(7.24) = 114.19 dB.
    close(
        num(&r, "max.voltage_vrms"),
        7.24,
        0.0724,
        "max V within 1 %",
    );
    close(num(&r, "max.spl_db"), 114.19, 0.09, "max SPL");
    close(
        num(&r, "headroom_db"),
        num(&r, "max.spl_db") - 110.0,
        1e-9,
        "headroom definition",
    );
    assert_eq!(r["limited_by"], "voltage");
    assert!(r["damping_factor"].is_null());
    assert!(r["deviation_spread_db"].is_null());
    assert!(r["noise_spl_db"].is_null());
    assert_eq!(r["verdict"], "good");
    let curve = r["curve"].as_array().unwrap();
    assert_eq!(num(&curve[0], "frequency_hz"), 20.0);
    assert_eq!(num(curve.last().unwrap(), "frequency_hz"), 20_000.0);
    for w in curve.windows(2) {
        assert!(
            num(&w[1], "frequency_hz") / num(&w[0], "frequency_hz") <= 2f64.powf(1.0 / 24.0) + 1e-9
        );
        for k in [
            "frequency_hz",
            "impedance_ohm",
            "phase_deg",
            "deviation_db",
            "max_spl_db",
        ] {
            assert!(w[0].get(k).is_some(), "curve point lacks {k}");
        }
    }
    for f in r["findings"].as_array().unwrap() {
        assert!(["info", "warning", "critical"].contains(&f["severity"].as_str().unwrap()));
        let rule = f["rule"].as_str().unwrap();
        assert!(
            rule.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{rule}"
        );
        assert!(!f["message"].as_str().unwrap().is_empty());
    }
}

#[test]
fn o2_into_33_ohm_reproduces_the_measured_current_limited_point() {
    // A 33 Ω flat load given as a file: SBAF measured 4.24 V into 33 Ω.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("load33.toml");
    std::fs::write(&f, "type = \"headphone\"\nbrand = \"Test\"\nmodel = \"33\"\nform = \"over-ear\"\nimpedance_ohm = 33\nsensitivity_db = 100\nsensitivity_unit = \"dB/V\"\n").unwrap();
    let r = json(&[
        "check",
        "--amp",
        "nwavguy-objective2-o2",
        "--load",
        f.to_str().unwrap(),
        "--json",
    ]);
    close(num(&r, "max.voltage_vrms"), 4.24, 0.0424, "within 1 %");
    assert_eq!(r["limited_by"], "current");
}

#[test]
fn speaker_amp_into_iem_is_unsafe_and_headphone_amp_into_iem_is_not() {
    // BT20A: 50 W into 4 Ω → 14.14 V. 64 Audio Nio: 106 dB/mW at 6 Ω = 106 + 10·log10(1000/6)
    // = 128.2 dB/V → 128.2 + 23.0 = 151 dB SPL, past 130 dB.
    let r = json(&[
        "check",
        "--amp",
        "Fosi Audio BT20A",
        "--load",
        "64-audio-nio",
        "--json",
    ]);
    assert_eq!(r["verdict"], "unsafe");
    close(num(&r, "max.spl_db"), 128.22 + 23.01, 0.05, "max SPL");
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "exceeds-pain-threshold" && f["severity"] == "critical")
    );
}

#[test]
fn target_and_output_options_change_the_numbers() {
    let r105 = json(&[
        "check",
        "--amp",
        "O2",
        "--load",
        "HD600",
        "--target-spl",
        "105",
        "--json",
    ]);
    let r110 = json(&["check", "--amp", "O2", "--load", "HD600", "--json"]);
    close(
        num(&r110, "required.voltage_vrms") / num(&r105, "required.voltage_vrms"),
        10f64.powf(5.0 / 20.0),
        1e-9,
        "5 dB",
    );
    let avg = json(&[
        "check",
        "--amp",
        "O2",
        "--load",
        "HD600",
        "--average-spl",
        "85",
        "--crest-factor",
        "20",
        "--json",
    ]);
    assert_eq!(avg["target_spl_db"], 105.0);
    // The example amp's balanced output is derived (bridged) from its single-ended one:
    // 9 V·2 = 18 V open circuit... so more voltage into 300 Ω than single-ended.
    let se = json(&[
        "check",
        "--amp",
        "examples/spec-sheet-amp.toml",
        "--load",
        "HD600",
        "--json",
    ]);
    let bal = json(&[
        "check",
        "--amp",
        "examples/spec-sheet-amp.toml",
        "--load",
        "HD600",
        "--output",
        "balanced",
        "--json",
    ]);
    assert_eq!(se["output"], "single-ended");
    assert_eq!(bal["output"], "balanced");
    assert!(num(&bal, "max.voltage_vrms") > 1.5 * num(&se, "max.voltage_vrms"));
    assert!(
        bal["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "assumption")
    );
}

#[test]
fn bad_input_exits_2_with_a_message() {
    for (args, want) in [
        (
            vec!["check", "--amp", "zzqqxx", "--load", "HD600"],
            "no amplifier matches",
        ),
        (
            vec!["check", "--amp", "FiiO", "--load", "HD600"],
            "did you mean",
        ),
        (
            vec![
                "check",
                "--amp",
                "O2",
                "--load",
                "HD600",
                "--target-spl",
                "500",
            ],
            "--target-spl 500",
        ),
        (
            vec![
                "check",
                "--amp",
                "O2",
                "--load",
                "HD600",
                "--target-spl",
                "NaN",
            ],
            "--target-spl NaN",
        ),
        (
            vec!["check", "--amp", "O2", "--load", "HD600", "--output", "xlr"],
            "its outputs are: single-ended",
        ),
        (
            vec!["check", "--amp", "O2", "--load", "nwavguy-objective2-o2"],
            "not a load",
        ),
        (
            vec!["check", "--amp", "O2", "--load", "missing-file.toml"],
            "missing-file.toml",
        ),
        (vec!["check", "--amp", "O2"], "--load"),
    ] {
        let out = ampmatch(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn plot_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("o2.svg");
    let out = ampmatch(&[
        "check",
        "--amp",
        "O2",
        "--load",
        "beyerdynamic-dt1990-pro",
        "--plot",
        svg.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg") && text.trim_end().ends_with("</svg>"));
    assert!(text.contains("Load impedance"));
    // Nothing but the SVG is left behind (the temp file was renamed).
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    // An unwritable path fails with exit 1, not a panic, and leaves nothing.
    let out = ampmatch(&[
        "check",
        "--amp",
        "O2",
        "--load",
        "HD600",
        "--plot",
        "/nonexistent-dir/x.svg",
    ]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn measured_curve_without_phase_reports_null_phase() {
    let r = json(&[
        "check",
        "--amp",
        "O2",
        "--load",
        "beyerdynamic-dt1990-pro",
        "--json",
    ]);
    assert!(r["curve"][10]["phase_deg"].is_null());
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "phase-unknown")
    );
}

#[test]
fn catalog_search_and_show() {
    let out = ampmatch(&["catalog", "search", "hd600"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .next()
            .unwrap()
            .starts_with("sennheiser-hd600 "),
        "{text}"
    );
    let out = ampmatch(&["catalog", "show", "Objective2"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("nwavguy-objective2-o2") && text.contains("SBAF"),
        "{text}"
    );
    let v = json(&["catalog", "show", "chord-mojo", "--json"]);
    assert_eq!(v["type"], "amplifier");
    let out = ampmatch(&["catalog", "validate"]);
    assert!(out.status.success());
}
