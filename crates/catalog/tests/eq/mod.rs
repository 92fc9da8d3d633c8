//! EQ presets (issue 13): the parsed preset's response against ffmpeg's own RBJ filters
//! measured on sines, and what a bass shelf asks of an amplifier, worked by hand.

use std::process::Command;

use ampmatch_catalog::eq::parse_eq;

/// ffmpeg's gain, dB, of `filter` on a 0.1 amplitude sine at `f` Hz (48 kHz, 2 s, the
/// first second dropped so the filter has settled): RMS out / RMS in.
fn ffmpeg_gain_db(filter: &str, f: f64) -> f64 {
    let rms = |af: &str| -> f64 {
        let out = Command::new("ffmpeg")
            .args(["-hide_banner", "-nostats", "-f", "lavfi", "-i"])
            .arg(format!("sine=frequency={f}:sample_rate=48000:duration=2"))
            .args(["-af", &format!("volume=0.1,{af}atrim=start=1,astats=measure_overall=RMS_level:measure_perchannel=none")])
            .args(["-f", "null", "-"])
            .output()
            .expect("ffmpeg (scripts/test installs it)");
        let text = String::from_utf8_lossy(&out.stderr);
        text.lines()
            .rev()
            .filter_map(|l| l.split("RMS level dB:").nth(1))
            .find_map(|v| v.trim().parse::<f64>().ok())
            .unwrap_or_else(|| panic!("no RMS in ffmpeg's output:\n{text}"))
    };
    rms(&format!("{filter},")) - rms("")
}

#[test]
fn preset_response_matches_ffmpegs_rbj_filters() {
    // The same three filters as an Equalizer APO preset and as ffmpeg's equalizer (RBJ
    // peaking), lowshelf and highshelf (RBJ shelves; its `bass` is another design), each
    // measured on sines at 48 kHz.
    let eq = parse_eq(
        "Preamp: -6 dB\nFilter 1: ON PK Fc 1000 Hz Gain 6 dB Q 1.41\n",
        "pk.txt",
    )
    .unwrap();
    let ls = parse_eq("Filter 1: ON LSC Fc 105 Hz Gain 8 dB Q 0.71\n", "ls.txt").unwrap();
    let hs = parse_eq("Filter 1: ON HSC Fc 8000 Hz Gain -4 dB Q 0.9\n", "hs.txt").unwrap();
    for (eq, ff) in [
        (&eq, "equalizer=f=1000:t=q:w=1.41:g=6"),
        (&ls, "lowshelf=f=105:t=q:w=0.71:g=8"),
        (&hs, "highshelf=f=8000:t=q:w=0.9:g=-4"),
    ] {
        for f in [50.0, 105.0, 400.0, 1000.0, 3000.0, 8000.0, 15000.0] {
            let ours = eq.gain_db(f, 48_000.0);
            let theirs = ffmpeg_gain_db(ff, f);
            assert!(
                (ours - theirs).abs() < 0.05,
                "{} at {f} Hz: ours {ours:.3}, ffmpeg {theirs:.3}",
                eq.name
            );
        }
    }
    // And the cookbook's own fixed points: a peaking filter is exactly its gain at Fc, a
    // shelf half its gain at Fc.
    assert!((eq.gain_db(1000.0, 48_000.0) - 6.0).abs() < 1e-9);
    assert!((ls.gain_db(105.0, 48_000.0) - 4.0).abs() < 1e-9);
}
