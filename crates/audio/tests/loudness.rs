//! EBU Tech 3341 (loudness, true peak) and Tech 3342 (loudness range) cases that can be
//! synthesised, generated here as WAV files and measured through the decoder, each held to
//! the standards' tolerances: ±0.1 LU for loudness, ±1 LU for loudness range, +0.2/−0.4 dB
//! for true peak.

mod common;

use std::f64::consts::PI;

use ampmatch_audio::{Isolation, Item, analyze_batch, analyze_file, collect_files};
use common::{stereo_sine_segments, write_wav};

const RATE: u32 = 48_000;

fn measure(segments: &[(f64, f64, f64)]) -> ampmatch_audio::TrackReport {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.wav");
    write_wav(&p, RATE, 2, &stereo_sine_segments(RATE, segments), false);
    let r = analyze_file(&p);
    assert!(r.error.is_none(), "{:?}", r.error);
    r
}

fn within(v: Option<f64>, expected: f64, tol: f64, what: &str) {
    let v = v.unwrap_or_else(|| panic!("{what}: null"));
    assert!(
        (v - expected).abs() <= tol,
        "{what}: {v} vs {expected} ± {tol}"
    );
}

#[test]
fn tech_3341_steady_sines() {
    // A stereo 1 kHz sine at X dBFS (peak) reads X LUFS: the K-filter's +0.69 dB at 1 kHz
    // cancels BS.1770's −0.691 offset, and two channels of power A²/2 sum to A².
    for level in [-20.0, -23.0, -26.0, -33.0, -40.0] {
        let r = measure(&[(1000.0, level, 20.0)]);
        within(r.integrated_lufs, level, 0.1, &format!("{level} dBFS"));
    }
}

#[test]
fn tech_3341_gating_cases() {
    // Case 3: −36/−23/−36 dBFS for 10/60/10 s → −23.0 (the quiet parts fall below the
    // relative gate). Case 4: −72/−36/−23/−36/−72 for 10/10/60/10/10 s → −23.0 (−72 falls
    // below the absolute gate). Case 5: −26/−20/−26 dBFS for 20/20.1/20 s → −23.0.
    let r = measure(&[
        (1000.0, -36.0, 10.0),
        (1000.0, -23.0, 60.0),
        (1000.0, -36.0, 10.0),
    ]);
    within(r.integrated_lufs, -23.0, 0.1, "case 3");
    let r = measure(&[
        (1000.0, -72.0, 10.0),
        (1000.0, -36.0, 10.0),
        (1000.0, -23.0, 60.0),
        (1000.0, -36.0, 10.0),
        (1000.0, -72.0, 10.0),
    ]);
    within(r.integrated_lufs, -23.0, 0.1, "case 4");
    let r = measure(&[
        (1000.0, -26.0, 20.0),
        (1000.0, -20.0, 20.1),
        (1000.0, -26.0, 20.0),
    ]);
    within(r.integrated_lufs, -23.0, 0.1, "case 5");
}

#[test]
fn tech_3342_loudness_range_cases() {
    // Cases 1–4: stereo 1 kHz sines, 20 s per level; LRA within ±1 LU.
    for (levels, lra) in [
        (vec![-20.0, -30.0], 10.0),
        (vec![-20.0, -15.0], 5.0),
        (vec![-40.0, -20.0], 20.0),
        (vec![-50.0, -35.0, -20.0, -35.0, -50.0], 15.0),
    ] {
        let segs: Vec<_> = levels.iter().map(|&l| (1000.0, l, 20.0)).collect();
        let r = measure(&segs);
        within(r.loudness_range_lu, lra, 1.0, &format!("{levels:?}"));
    }
}

/// A stereo tone with 50 ms raised-cosine fades: an abrupt start is a step, and the
/// band-limited signal through a step really does overshoot between samples.
fn tone(freq: f64, amp: f64, phase: f64, secs: f64) -> Vec<f32> {
    let n = (secs * RATE as f64) as usize;
    let fade = (0.05 * RATE as f64) as usize;
    (0..n)
        .flat_map(|i| {
            let edge = i.min(n - 1 - i);
            let g = if edge < fade {
                0.5 - 0.5 * (PI * edge as f64 / fade as f64).cos()
            } else {
                1.0
            };
            let v = (g * amp * (2.0 * PI * freq * i as f64 / RATE as f64 + phase).sin()) as f32;
            [v, v]
        })
        .collect()
}

fn true_peak_of(samples: &[f32]) -> ampmatch_audio::TrackReport {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("tp.wav");
    write_wav(&p, RATE, 2, samples, false);
    analyze_file(&p)
}

#[test]
fn true_peak_between_samples() {
    // fs/4 (12 kHz) at 45°: the samples land at ±A·sin 45° = 0.707·A, so with A = 0.5 the
    // sample peak is −9.03 dBFS while the true peak is −6.02 dBTP (as in Tech 3341's
    // inter-sample cases). Tolerance +0.2/−0.4 dB.
    let r = true_peak_of(&tone(12_000.0, 0.5, PI / 4.0, 2.0));
    within(r.sample_peak_dbfs, -9.03, 0.01, "sample peak");
    let tp = r.true_peak_dbtp.unwrap();
    assert!((-6.02 - 0.4..=-6.02 + 0.2).contains(&tp), "true peak {tp}");
    // fs/6 (8 kHz) at 0°: samples at 0, ±0.866·A: −7.27 dBFS sample peak, −6.02 dBTP.
    let r = true_peak_of(&tone(8_000.0, 0.5, 0.0, 2.0));
    within(r.sample_peak_dbfs, -6.02 - 1.249, 0.01, "sample peak fs/6");
    let tp = r.true_peak_dbtp.unwrap();
    assert!((-6.02 - 0.4..=-6.02 + 0.2).contains(&tp), "true peak {tp}");
    // A 997 Hz sine at full scale: 0 dBTP.
    let r = true_peak_of(&tone(997.0, 1.0, 0.0, 2.0));
    let tp = r.true_peak_dbtp.unwrap();
    assert!((-0.4..=0.2).contains(&tp), "true peak {tp}");
    // PLR = true peak − integrated loudness: for that sine 0 − 0 ≈ 0 dB.
    assert!(r.plr_db.unwrap().abs() < 0.3, "{:?}", r.plr_db);
}

#[test]
fn silence_and_short_files_give_null_not_nan() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("silence.wav");
    write_wav(&p, RATE, 2, &vec![0.0; 2 * RATE as usize * 5], true);
    let r = analyze_file(&p);
    assert!(r.error.is_none());
    assert!(
        r.integrated_lufs.is_none()
            && r.loudness_range_lu.is_none()
            && r.true_peak_dbtp.is_none()
            && r.plr_db.is_none()
    );
    within(r.duration_s, 5.0, 1e-9, "duration");
    // 1 s of sine: loudness defined, loudness range not (no 3 s window).
    let r = measure(&[(1000.0, -20.0, 1.0)]);
    assert!(r.integrated_lufs.is_some());
    assert!(r.loudness_range_lu.is_none());
    let json = serde_json::to_string(&r).unwrap();
    assert!(
        json.contains("\"loudness_range_lu\":null") && !json.contains("NaN"),
        "{json}"
    );
}

#[test]
fn bad_files_get_errors_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("a_good.wav");
    write_wav(
        &good,
        RATE,
        2,
        &stereo_sine_segments(RATE, &[(1000.0, -23.0, 5.0)]),
        true,
    );
    // Truncated: the header announces 5 s, the data stops at 1 s.
    let bytes = std::fs::read(&good).unwrap();
    let truncated = dir.path().join("b_truncated.wav");
    std::fs::write(&truncated, &bytes[..44 + 4 * RATE as usize]).unwrap();
    // Corrupt: noise with a FLAC name; unsupported: text with an mp3 name; empty file.
    let corrupt = dir.path().join("c_corrupt.flac");
    let mut noise = common::Noise::new(7);
    std::fs::write(
        &corrupt,
        (0..50_000)
            .map(|_| (noise.next() * 127.0) as i8 as u8)
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    let text = dir.path().join("d_text.mp3");
    std::fs::write(&text, "not audio at all\n".repeat(100)).unwrap();
    let empty = dir.path().join("e_empty.wav");
    std::fs::write(&empty, b"").unwrap();
    let missing = dir.path().join("f_missing.wav");
    let mut files = collect_files(&[dir.path().to_path_buf()]);
    files.push(Item::File(missing));
    let batch = analyze_batch(&files, &Isolation::InProcess, None, &|_| {});
    assert_eq!(batch.files.len(), 6);
    assert!(batch.files[0].error.is_none());
    within(batch.files[0].integrated_lufs, -23.0, 0.1, "good file");
    for f in &batch.files[1..] {
        assert!(f.error.is_some(), "{} should fail", f.path);
        assert!(f.integrated_lufs.is_none());
    }
    assert!(
        batch.files[1].error.as_ref().unwrap().contains("truncated"),
        "{:?}",
        batch.files[1].error
    );
    assert_eq!(batch.album.files, 1);
    within(batch.album.integrated_lufs, -23.0, 0.1, "album");
}

#[test]
fn album_loudness_pools_the_gating_blocks() {
    // Two files of equal length at −20 and −26 LUFS: the album's mean energy is
    // 10·log10((10^(−20/10) + 10^(−26/10))/2) = −22.03 LUFS (both above the relative gate).
    let dir = tempfile::tempdir().unwrap();
    for (name, level) in [("a.wav", -20.0), ("b.wav", -26.0)] {
        write_wav(
            &dir.path().join(name),
            RATE,
            2,
            &stereo_sine_segments(RATE, &[(1000.0, level, 10.0)]),
            false,
        );
    }
    let batch = analyze_batch(
        &collect_files(&[dir.path().to_path_buf()]),
        &Isolation::InProcess,
        None,
        &|_| {},
    );
    let expected = 10.0 * ((10f64.powf(-2.0) + 10f64.powf(-2.6)) / 2.0).log10();
    within(batch.album.integrated_lufs, expected, 0.02, "album");
    within(batch.album.true_peak_dbtp, -20.0, 0.3, "album peak");
    within(Some(batch.album.duration_s), 20.0, 1e-6, "duration");
}

#[test]
fn clipped_fraction_counts_samples() {
    // A full-scale sine: the share of samples above −3.01 dBFS (1/√2) is the share of the
    // cycle where |sin| > 1/√2: exactly one half.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.wav");
    // No fades here: every cycle must be whole-amplitude.
    let n = 10 * RATE as usize;
    let raw: Vec<f32> = (0..n)
        .flat_map(|i| {
            let v = (2.0 * PI * (1000.0 + 1.0 / 7.0) * i as f64 / RATE as f64 + 0.1).sin() as f32;
            [v, v]
        })
        .collect();
    write_wav(&p, RATE, 2, &raw, false);
    let r = analyze_file(&p);
    let f = r.fraction_above(-20.0 * 2f64.sqrt().log10()).unwrap();
    assert!((f - 0.5).abs() < 0.002, "{f}");
}

#[test]
fn true_peak_of_a_clipped_signal_matches_exact_interpolation() {
    // A 3 kHz sine driven 8 dB into hard clipping, scaled to 0.9, at 44.1 kHz: periodic
    // every 2205 samples (150 cycles). Its exact band-limited peak is the maximum of the
    // trigonometric interpolant through one period, evaluated here at 16 points per gap.
    let rate = 44_100.0;
    let period = 2205usize;
    let x: Vec<f64> = (0..period)
        .map(|i| (2.5 * (2.0 * PI * 3000.0 * i as f64 / rate).sin()).clamp(-1.0, 1.0) * 0.9)
        .collect();
    let n = period as f64;
    let bins: Vec<(f64, f64)> = (0..=period / 2)
        .map(|k| {
            let (mut re, mut im) = (0.0, 0.0);
            for (i, v) in x.iter().enumerate() {
                let a = -2.0 * PI * k as f64 * i as f64 / n;
                re += v * a.cos();
                im += v * a.sin();
            }
            (re / n, im / n)
        })
        .collect();
    let mut exact = 0f64;
    for j in 0..period * 16 {
        let t = j as f64 / 16.0;
        let mut v = bins[0].0;
        for (k, (re, im)) in bins.iter().enumerate().skip(1) {
            let a = 2.0 * PI * k as f64 * t / n;
            // N odd: every bin but DC has a conjugate twin.
            v += 2.0 * (re * a.cos() - im * a.sin());
        }
        exact = exact.max(v.abs());
    }
    let exact_db = 20.0 * exact.log10();
    // 3 s of it, with 50 ms fades, as a WAV.
    let total = 3 * rate as usize;
    let samples: Vec<f32> = (0..total)
        .flat_map(|i| {
            let e = i.min(total - 1 - i) as f64 / rate;
            let g = if e < 0.05 {
                0.5 - 0.5 * (PI * e / 0.05).cos()
            } else {
                1.0
            };
            let v = (g * x[i % period]) as f32;
            [v, v]
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("clip.wav");
    write_wav(&p, rate as u32, 2, &samples, false);
    let tp = analyze_file(&p).true_peak_dbtp.unwrap();
    assert!(
        tp - exact_db <= 0.2 && exact_db - tp <= 0.4,
        "true peak {tp} vs exact {exact_db}"
    );
    assert!(
        (tp - exact_db).abs() < 0.05,
        "our interpolation is much closer than the tolerance: {tp} vs {exact_db}"
    );
}

#[test]
fn a_single_sample_has_a_true_peak_at_least_its_sample_peak() {
    // One sample at 0.5 (−6.02 dBFS): the continuous signal passes through it, so the true
    // peak cannot read lower — the interpolator alone, with nothing around the sample,
    // would.
    let r = true_peak_of(&[0.5, 0.5]);
    assert!(r.error.is_none(), "{:?}", r.error);
    within(r.sample_peak_dbfs, -6.02, 0.01, "sample peak");
    assert!(r.true_peak_dbtp.unwrap() >= r.sample_peak_dbfs.unwrap());
}

#[test]
fn a_symlink_loop_is_walked_once() {
    // a/loop → a: without canonical paths the walk went 40 levels deep and met the one
    // file 41 times.
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    std::fs::create_dir(&a).unwrap();
    write_wav(
        &a.join("t.wav"),
        RATE,
        2,
        &stereo_sine_segments(RATE, &[(1000.0, -20.0, 1.0)]),
        true,
    );
    std::os::unix::fs::symlink(&a, a.join("loop")).unwrap();
    std::os::unix::fs::symlink(a.join("t.wav"), a.join("u.wav")).unwrap();
    let items = collect_files(&[dir.path().to_path_buf(), a.clone()]);
    assert_eq!(items, vec![Item::File(a.join("t.wav"))]);
}

#[test]
fn the_pooled_album_of_one_file_is_that_file() {
    // Tech 3341 case 5 (−26/−20/−26 dBFS for 20/20.1/20 s → −23.0 LUFS) as one file: the
    // album, pooled from the file's blocks, reads what the file's own meter reads; its
    // range is Tech 3342 case 1's shape (−20/−30 dBFS → 10 LU) within ±1 LU.
    let dir = tempfile::tempdir().unwrap();
    write_wav(
        &dir.path().join("x.wav"),
        RATE,
        2,
        &stereo_sine_segments(
            RATE,
            &[
                (1000.0, -26.0, 20.0),
                (1000.0, -20.0, 20.1),
                (1000.0, -26.0, 20.0),
            ],
        ),
        false,
    );
    write_wav(
        &dir.path().join("y.wav"),
        RATE,
        2,
        &stereo_sine_segments(RATE, &[(1000.0, -20.0, 20.0), (1000.0, -30.0, 20.0)]),
        false,
    );
    for (name, lufs, lra) in [("x.wav", -23.0, None), ("y.wav", -22.6, Some(10.0))] {
        let items = vec![Item::File(dir.path().join(name))];
        let b = analyze_batch(&items, &Isolation::InProcess, None, &|_| {});
        let file = &b.files[0];
        within(
            b.album.integrated_lufs,
            file.integrated_lufs.unwrap(),
            0.02,
            name,
        );
        within(b.album.integrated_lufs, lufs, 0.1, name);
        within(
            b.album.loudness_range_lu,
            file.loudness_range_lu.unwrap(),
            0.1,
            name,
        );
        if let Some(lra) = lra {
            within(b.album.loudness_range_lu, lra, 1.0, name);
        }
    }
}

#[test]
fn a_decoder_that_hangs_is_stopped_at_its_deadline() {
    // A "worker" that never answers (`sleep`), a 1 s base timeout and a 1 kB file (+2 ms
    // for its size): the file gets an error after about 1 s, and the next file too — the
    // batch goes on instead of waiting forever.
    use ampmatch_audio::{Isolation, WorkerCommand, analyze_one};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("stuck.wav");
    std::fs::write(&file, vec![0u8; 1000]).unwrap();
    let isolation = Isolation::Workers(WorkerCommand {
        program: "sleep".into(),
        args: vec!["1000".into()],
        timeout_base: std::time::Duration::from_secs(1),
    });
    for _ in 0..2 {
        let start = std::time::Instant::now();
        let r = analyze_one(&file, &isolation, None);
        let took = start.elapsed().as_secs_f64();
        let error = r.error.expect("an error for the stuck file");
        assert!(error.contains("took longer than 1 s"), "{error}");
        assert!((0.9..5.0).contains(&took), "stopped after {took} s");
    }
}
