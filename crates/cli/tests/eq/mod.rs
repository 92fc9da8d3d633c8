//! EQ'd tracks (issue 13): `track --eq` against ffmpeg running the same biquad
//! coefficients (its `biquad` filter, 64-bit) and measuring with its ebur128 filter.

use std::process::Command;

use super::{ampmatch, close, num};

const PRESET: &str = "Preamp: -4.5 dB\nFilter 1: ON LSC Fc 105 Hz Gain 6.5 dB Q 0.70\n\
                      Filter 2: ON PK Fc 3000 Hz Gain -3.0 dB Q 1.41\nFilter 3: ON HSC Fc 9000 Hz Gain 3.0 dB Q 0.70\n";

/// (integrated LUFS, true peak dBTP) from ffmpeg's ebur128 summary.
fn ffmpeg_r128(input: &std::path::Path, pre: &str) -> (f64, f64) {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostats", "-i"])
        .arg(input)
        .args(["-af", &format!("{pre}ebur128=peak=true"), "-f", "null", "-"])
        .output()
        .expect("ffmpeg (scripts/test installs it)");
    let text = String::from_utf8_lossy(&out.stderr);
    let summary = &text[text.rfind("Summary:").expect("an ebur128 summary")..];
    let value = |key: &str| -> f64 {
        summary
            .lines()
            .find_map(|l| l.trim().strip_prefix(key))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{key} in {summary}"))
    };
    (value("I:"), value("Peak:"))
}

/// A 12 s stereo FLAC made by ffmpeg from the filter graph `graph`.
fn ffmpeg_flac(dir: &std::path::Path, graph: &str) -> std::path::PathBuf {
    let music = dir.join("m.flac");
    let st = Command::new("ffmpeg")
        .args(["-loglevel", "error", "-filter_complex"])
        .arg(format!("{graph},aformat=channel_layouts=stereo"))
        .arg(&music)
        .status()
        .unwrap();
    assert!(st.success());
    music
}

/// `track MUSIC --eq PRESET --json`, succeeding.
fn track_through(music: &std::path::Path, preset: &std::path::Path) -> serde_json::Value {
    super::json(&[
        "track",
        music.to_str().unwrap(),
        "--eq",
        preset.to_str().unwrap(),
        "--json",
    ])
}

#[test]
fn an_eqd_track_measures_as_ffmpeg_running_the_same_biquads() {
    let dir = tempfile::tempdir().unwrap();
    // Pink noise with a slow swell and a 60 Hz tone: bass the shelf lifts, peaks to move.
    let music = ffmpeg_flac(
        dir.path(),
        "anoisesrc=d=12:c=pink:r=44100:a=0.35:seed=7[n];sine=f=60:d=12:r=44100,volume=0.3[s];[n][s]amix=inputs=2:normalize=0",
    );
    let preset = dir.path().join("ParametricEQ.txt");
    std::fs::write(&preset, PRESET).unwrap();
    // The coefficients we run, at the file's 44.1 kHz, handed to ffmpeg as numbers.
    let eq = ampmatch_catalog::eq::parse_eq(PRESET, "p").unwrap();
    let mut chain = format!("volume={}dB:precision=double,", eq.preamp_db);
    for q in eq.biquads(44_100.0) {
        chain += &format!(
            "biquad=b0={:.17}:b1={:.17}:b2={:.17}:a0=1:a1={:.17}:a2={:.17}:precision=f64,",
            q.b[0], q.b[1], q.b[2], q.a[0], q.a[1]
        );
    }
    let (ff_i, ff_tp) = ffmpeg_r128(&music, &chain);
    let (plain_i, _) = ffmpeg_r128(&music, "");
    let v = track_through(&music, &preset);
    let f = &v["files"][0];
    assert_eq!(f["eq"], "ParametricEQ.txt");
    // ffmpeg prints loudness to 0.1 LU and true peak to 0.1 dB: ±0.1 LU, and the true-peak
    // tolerance (+0.2/−0.4 dB, Tech 3341) widened by ffmpeg's rounding.
    close(
        num(f, "integrated_lufs"),
        ff_i,
        0.1,
        "integrated after the EQ",
    );
    let tp = num(f, "true_peak_dbtp");
    assert!(
        (ff_tp - 0.45..=ff_tp + 0.25).contains(&tp),
        "true peak {tp} vs ffmpeg {ff_tp}"
    );
    // And the EQ did something: the result is not the plain track's loudness.
    assert!((num(f, "integrated_lufs") - plain_i).abs() > 0.5);
}

#[test]
fn the_correction_eq_cancels_the_deviation_at_its_points() {
    // The Cambridge CXA81's 33 Ω headphone output into a DT 1990 Pro's measured curve:
    // 0.55 dB of deviation. The written GraphicEQ, read back as Equalizer APO would, plus
    // the deviation at each of its points must leave ≤ 0.1 dB.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("correction.txt");
    let args = [
        "check",
        "--amp",
        "cambridge-audio-cxa81",
        "--load",
        "beyerdynamic-dt1990-pro",
    ];
    let mut with_out: Vec<&str> = args.to_vec();
    with_out.extend(["--correction-eq", file.to_str().unwrap(), "--json"]);
    let r = super::json(&with_out);
    assert!(num(&r, "deviation_spread_db") > 0.3);
    let curve: Vec<(f64, f64)> = r["curve"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (num(p, "frequency_hz"), num(p, "deviation_db")))
        .collect();
    // The report's deviation at f, linear in log frequency between its grid points.
    let deviation_at = |f: f64| {
        let j = curve
            .partition_point(|p| p.0 <= f)
            .clamp(1, curve.len() - 1);
        let (a, b) = (curve[j - 1], curve[j]);
        let t = ((f / a.0).ln() / (b.0 / a.0).ln()).clamp(0.0, 1.0);
        a.1 + (b.1 - a.1) * t
    };
    let text = std::fs::read_to_string(&file).unwrap();
    let eq = ampmatch_catalog::eq::parse_eq(&text, "correction.txt").unwrap();
    let ampmatch_core::eq::Shape::Graphic { points } = &eq.shape else {
        panic!("a GraphicEQ")
    };
    assert!(points.len() > 100, "{} points", points.len());
    for &(f, _) in points {
        let residual = eq.gain_db(f, 48_000.0) + deviation_at(f);
        assert!(residual.abs() <= 0.1, "{residual} dB left at {f} Hz");
    }
    // Without a known deviation there is nothing to correct: a clear error.
    let out = ampmatch(&[
        "check",
        "--amp",
        "o2",
        "--load",
        "hd600",
        "--correction-eq",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("deviation is not known"));
}

#[test]
fn a_measured_response_is_shown_as_this_output_delivers_it() {
    // An AutoEq-style CSV: 0 dB at 20 Hz, +5 dB at 1 kHz, 0 dB at 20 kHz. Between points
    // the response is linear in dB over log frequency: at √(20·1000) = 141.4 Hz, +2.5 dB.
    // As delivered by the CXA81's 33 Ω output into the DT 1990 Pro: response + deviation.
    let dir = tempfile::tempdir().unwrap();
    let fr = dir.path().join("DT 1990 Pro.csv");
    std::fs::write(
        &fr,
        "frequency,raw,error\n20,0.0,0\n1000,5.0,0\n20000,0.0,0\n",
    )
    .unwrap();
    let r = super::json(&[
        "check",
        "--amp",
        "cambridge-audio-cxa81",
        "--load",
        "beyerdynamic-dt1990-pro",
        "--fr",
        fr.to_str().unwrap(),
        "--json",
    ]);
    for p in r["curve"].as_array().unwrap() {
        let f = num(p, "frequency_hz");
        let expected_fr = if f <= 1000.0 {
            5.0 * (f / 20.0).ln() / 50f64.ln()
        } else {
            5.0 - 5.0 * (f / 1000.0).ln() / 20f64.ln()
        };
        close(num(p, "fr_db"), expected_fr, 1e-9, "measured response");
        close(
            num(p, "heard_db"),
            expected_fr + num(p, "deviation_db"),
            1e-9,
            "as delivered",
        );
    }
    // A CSV without the frequency column first: a clear error at its line.
    std::fs::write(&fr, "freq;raw\n20;0\n").unwrap();
    let out = ampmatch(&[
        "check",
        "--amp",
        "o2",
        "--load",
        "hd600",
        "--fr",
        fr.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains(":1: a CSV header must start with `frequency`")
    );
}

#[test]
fn a_graphic_eq_runs_over_a_track_as_ffmpeg_runs_its_curve() {
    // A GraphicEQ (AutoEq's other format) over pink noise, against ffmpeg's firequalizer
    // given the same curve (entries every 1/8 octave, computed here from the preset's own
    // log-frequency interpolation) and measured with its ebur128 filter. Our filters only
    // approximate the curve (the fit says by how much); the loudness must agree to ±0.1 LU
    // (ffmpeg's rounding) plus a tenth of the stated fit error.
    let dir = tempfile::tempdir().unwrap();
    let music = ffmpeg_flac(dir.path(), "anoisesrc=d=12:c=pink:r=44100:a=0.35:seed=7");
    // An AutoEq-like correction: a bass shelf, a presence dip, a treble peak and notch.
    let points = [
        (20.0, 5.0),
        (80.0, 5.0),
        (250.0, 1.0),
        (1500.0, 0.0),
        (2800.0, -3.5),
        (4500.0, 1.0),
        (7000.0, 4.0),
        (9000.0, -4.0),
        (12_000.0, 0.0),
        (20_000.0, -3.0),
    ];
    let text = format!(
        "GraphicEQ: {}\n",
        points
            .iter()
            .map(|(f, g)| format!("{f} {g}"))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let preset = dir.path().join("GraphicEQ.txt");
    std::fs::write(&preset, &text).unwrap();
    let mut entries = vec![];
    let mut f = 16.0f64;
    while f < 22_050.0 {
        let g = ampmatch_core::eq::graphic_gain(&points, f);
        entries.push(format!("entry({f:.0},{g:.2})"));
        f *= 2f64.powf(1.0 / 8.0);
    }
    let (ff_i, _) = ffmpeg_r128(
        &music,
        &format!("firequalizer=gain_entry='{}':delay=0.1,", entries.join(";")),
    );
    let (plain_i, _) = ffmpeg_r128(&music, "");
    let v = track_through(&music, &preset);
    let fit = num(&v, "eq_fit_db");
    assert!(fit > 0.0 && fit < 0.6, "stated fit ±{fit} dB");
    let f = &v["files"][0];
    assert_eq!(f["eq"], "GraphicEQ.txt");
    close(
        num(f, "integrated_lufs"),
        ff_i,
        0.1 + 0.1 * fit,
        "integrated after the GraphicEQ",
    );
    assert!(
        (num(f, "integrated_lufs") - plain_i).abs() > 0.5,
        "the EQ did something"
    );
    // check --track with it says how the graphic preset was run.
    let r = super::json(&[
        "check",
        "--amp",
        "O2",
        "--load",
        "HD600",
        "--track",
        music.to_str().unwrap(),
        "--listening-level",
        "80",
        "--eq",
        preset.to_str().unwrap(),
        "--json",
    ]);
    let findings = r["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["rule"] == "eq-graphic-fit"),
        "{findings:?}"
    );
}
