//! Agreement with ffmpeg's `ebur128` filter (the test script installs ffmpeg; a missing
//! ffmpeg fails the test). Music-like material — noise bursts, a sweep, a clipped signal —
//! is written as WAV and encoded by ffmpeg to FLAC, MP3, AAC (M4A) and Ogg Vorbis; both
//! tools measure the same files. Integrated loudness must agree within 0.1 LU (ffmpeg
//! prints one decimal) and our true peak must lie within +0.2/−0.4 dB of ffmpeg's.

mod common;

use std::path::Path;
use std::process::Command;

use ampmatch_audio::analyze_file;
use common::{music_like, write_wav};

fn ffmpeg(args: &[&str]) -> std::process::Output {
    Command::new("ffmpeg")
        .args(args)
        .output()
        .expect("ffmpeg must be installed (scripts/test installs it)")
}

/// (integrated LUFS, true peak dBTP) from ffmpeg's summary.
fn ffmpeg_measure(path: &Path) -> (f64, f64) {
    let o = ffmpeg(&[
        "-nostats",
        "-hide_banner",
        "-i",
        path.to_str().unwrap(),
        "-af",
        "ebur128=peak=true",
        "-f",
        "null",
        "-",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    let summary = &err[err.rfind("Summary:").expect("ffmpeg ebur128 summary")..];
    let value = |key: &str| -> f64 {
        let line = summary
            .lines()
            .find(|l| l.trim_start().starts_with(key))
            .unwrap_or_else(|| panic!("{key} in {summary}"));
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    (value("I:"), value("Peak:"))
}

#[test]
fn agrees_with_ffmpeg_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let rate = 44_100;
    let mut checked = 0;
    for kind in ["bursts", "sweep", "clipped"] {
        let wav = dir.path().join(format!("{kind}.wav"));
        write_wav(
            &wav,
            rate,
            2,
            &music_like(kind, rate, 20.0),
            kind != "sweep",
        );
        let mut files = vec![wav.clone()];
        for (ext, codec) in [
            ("flac", &["-c:a", "flac"][..]),
            ("mp3", &["-c:a", "libmp3lame", "-b:a", "256k"]),
            ("m4a", &["-c:a", "aac", "-b:a", "256k"]),
            ("ogg", &["-c:a", "libvorbis", "-q:a", "6"]),
        ] {
            let out = dir.path().join(format!("{kind}.{ext}"));
            let mut args = vec!["-y", "-loglevel", "error", "-i", wav.to_str().unwrap()];
            args.extend_from_slice(codec);
            args.push(out.to_str().unwrap());
            let o = ffmpeg(&args);
            assert!(
                o.status.success(),
                "encoding {ext}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            files.push(out);
        }
        for f in files {
            let ours = analyze_file(&f);
            assert!(ours.error.is_none(), "{}: {:?}", f.display(), ours.error);
            let (i_ff, tp_ff) = ffmpeg_measure(&f);
            let i = ours.integrated_lufs.unwrap();
            let tp = ours.true_peak_dbtp.unwrap();
            eprintln!(
                "{}: I {i:.2} vs ffmpeg {i_ff:.1}; TP {tp:.2} vs {tp_ff:.1}",
                f.display()
            );
            assert!(
                (i - i_ff).abs() <= 0.1,
                "{}: integrated {i} vs ffmpeg {i_ff}",
                f.display()
            );
            assert!(
                tp - tp_ff <= 0.2 && tp_ff - tp <= 0.4,
                "{}: true peak {tp} vs ffmpeg {tp_ff}",
                f.display()
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 15);
}
