//! Issue 12: no input crashes a run or loses another file's result.

use std::path::Path;
use std::process::Command;

use super::{ampmatch, sine_wav};

/// A folder of good files beside files that crash symphonia 0.5.5 in the three ways it
/// does (a panic, an abort on a huge allocation, a header it mistrusts), plus every audio
/// crash input the fuzzer has ever found (fuzz/regressions/audio, named by extension).
fn crash_corpus(dir: &Path) -> (Vec<String>, Vec<String>) {
    let good_wav = dir.join("good.wav");
    sine_wav(&good_wav, -20.0, 4.0);
    let good_m4a = dir.join("good.m4a");
    let st = Command::new("ffmpeg")
        .args([
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=4",
        ])
        .args(["-c:a", "aac"])
        .arg(&good_m4a)
        .status()
        .expect("ffmpeg (scripts/test installs it)");
    assert!(st.success());
    let wav = std::fs::read(&good_wav).unwrap();
    let m4a = std::fs::read(&good_m4a).unwrap();
    let patch = |src: &[u8], at: usize, with: [u8; 4]| {
        let mut b = src.to_vec();
        b[at..at + 4].copy_from_slice(&with);
        b
    };
    let find = |b: &[u8], tag: &[u8]| b.windows(4).position(|w| w == tag).unwrap();
    // WAV fmt chunk, sample rate at byte 24 → 0: symphonia's TimeBase panics.
    std::fs::write(dir.join("rate0.wav"), patch(&wav, 24, [0; 4])).unwrap();
    // MP4 `stsc` entry count 2^31 − 1: an allocation of ~26 GB that aborts.
    let stsc = find(&m4a, b"stsc");
    std::fs::write(
        dir.join("stsc.m4a"),
        patch(&m4a, stsc + 8, 0x7fff_ffffu32.to_be_bytes()),
    )
    .unwrap();
    // MP4 `stsz` sample count 2^30 − 1: the same, another table.
    let stsz = find(&m4a, b"stsz");
    std::fs::write(
        dir.join("stsz.m4a"),
        patch(&m4a, stsz + 12, 0x3fff_ffffu32.to_be_bytes()),
    )
    .unwrap();
    let mut bad: Vec<String> = ["rate0.wav", "stsc.m4a", "stsz.m4a"]
        .map(String::from)
        .to_vec();
    // A fuzz input's first byte picks the extension (as the audio target does), the rest
    // is the file.
    let found = super::repo_root().join("fuzz/regressions/audio");
    let exts = ampmatch_audio::AUDIO_EXTENSIONS;
    for e in std::fs::read_dir(&found).into_iter().flatten().flatten() {
        let data = std::fs::read(e.path()).unwrap();
        let Some((&pick, rest)) = data.split_first() else {
            continue;
        };
        let name = format!(
            "{}.{}",
            e.file_name().to_string_lossy(),
            exts[pick as usize % exts.len()]
        );
        std::fs::write(dir.join(&name), rest).unwrap();
        bad.push(name);
    }
    (vec!["good.wav".into(), "good.m4a".into()], bad)
}

#[test]
fn a_file_that_crashes_the_decoder_costs_only_itself() {
    let dir = tempfile::tempdir().unwrap();
    let (good, bad) = crash_corpus(dir.path());
    let out = ampmatch(&["track", dir.path().to_str().unwrap(), "--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("memory allocation"),
        "{stderr}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), good.len() + bad.len());
    let entry = |name: &str| {
        files
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    for g in &good {
        let f = entry(g);
        assert!(f["error"].is_null(), "{g}: {}", f["error"]);
        assert!(f["integrated_lufs"].is_f64(), "{g}");
    }
    for b in &bad {
        let f = entry(b);
        // Every fuzz find is bad for the old decoder; a file later decoded cleanly is no
        // worse, but then it must carry real figures, never a half-report.
        if f["error"].is_null() {
            assert!(f["duration_s"].is_f64(), "{b}: {f}");
        } else {
            assert!(f["integrated_lufs"].is_null(), "{b}");
        }
    }
    for b in ["rate0.wav", "stsc.m4a", "stsz.m4a"] {
        assert!(entry(b)["error"].is_string(), "{b}");
    }
    assert_eq!(v["album"]["files"], 2);
    // `check --track` on a crashing file is that command's error, said plainly.
    let out = ampmatch(&[
        "check",
        "--amp",
        "o2",
        "--load",
        "hd600",
        "--listening-level",
        "80",
        "--track",
        dir.path().join("stsc.m4a").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot decode") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

#[test]
fn unlistable_folders_are_entries_with_an_error() {
    // Root can list any folder, so the run drops to `nobody` when the tests run as root.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::set_permissions(root, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    sine_wav(&root.join("a.wav"), -20.0, 1.0);
    std::fs::set_permissions(
        root.join("a.wav"),
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .unwrap();
    let locked = root.join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    let is_root = Command::new("id").arg("-u").output().unwrap().stdout == b"0\n";
    let mut cmd = if is_root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_ampmatch"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_ampmatch"))
    };
    let out = cmd.args(["track", "--json"]).arg(root).output().unwrap();
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 2, "{v}");
    let locked_entry = files
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("locked"))
        .expect("the locked folder is listed");
    assert!(
        locked_entry["error"]
            .as_str()
            .unwrap()
            .contains("cannot list the folder"),
        "{locked_entry}"
    );
}

pub(crate) fn plot_to(path: &Path) -> std::process::Output {
    ampmatch(&[
        "check",
        "--amp",
        "O2",
        "--load",
        "HD600",
        "--plot",
        path.to_str().unwrap(),
    ])
}

#[test]
fn writes_keep_modes_follow_links_and_leave_no_temp_files() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A file with mode 600 keeps it (a plain rename would make it 644).
    let private = d.join("private.svg");
    std::fs::write(&private, "old").unwrap();
    std::fs::set_permissions(&private, PermissionsExt::from_mode(0o600)).unwrap();
    // A temp file a killed run left (pid 999999 does not exist) beside it.
    let stale = d.join(".private.svg.999999.ampmatch.tmp");
    std::fs::write(&stale, "half").unwrap();
    assert!(plot_to(&private).status.success());
    assert_eq!(std::fs::metadata(&private).unwrap().mode() & 0o777, 0o600);
    assert!(
        std::fs::read_to_string(&private)
            .unwrap()
            .starts_with("<svg")
    );
    assert!(!stale.exists(), "the stale temp file is cleaned up");
    // A symlink is written through: the link stays a link, its file gets the chart.
    let real = d.join("real.svg");
    std::fs::write(&real, "old").unwrap();
    let link = d.join("link.svg");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    assert!(plot_to(&link).status.success());
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(std::fs::read_to_string(&real).unwrap().starts_with("<svg"));
    // A FIFO is written into, not replaced by a regular file.
    let fifo = d.join("pipe.svg");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    assert!(plot_to(&fifo).status.success());
    assert!(reader.join().unwrap().starts_with("<svg"));
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(
        &std::fs::metadata(&fifo).unwrap().file_type()
    ));
    // Refused, with exit 1 and the reason: a directory, and a file with two hard links.
    let dir_svg = d.join("dir.svg");
    std::fs::create_dir(&dir_svg).unwrap();
    let out = plot_to(&dir_svg);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a directory"));
    // A name that is neither .svg nor .png: refused (exit 2), not SVG bytes under it.
    let out = plot_to(&d.join("chart.gif"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("allowed: a .svg or .png name"));
    assert!(!d.join("chart.gif").exists());
    let a = d.join("a.svg");
    std::fs::write(&a, "shared").unwrap();
    std::fs::hard_link(&a, d.join("b.svg")).unwrap();
    let out = plot_to(&a);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("hard links"));
    assert_eq!(std::fs::read_to_string(d.join("b.svg")).unwrap(), "shared");
    // Nothing temporary is left anywhere.
    for e in std::fs::read_dir(d).unwrap() {
        let n = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!n.ends_with(".tmp"), "{n} left behind");
    }
}

#[test]
fn a_closed_stdout_ends_quietly() {
    // `… | head -1`: the reader goes away; the program must neither panic nor complain.
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{} catalog search a | head -1 >/dev/null; exit 0",
            env!("CARGO_BIN_EXE_ampmatch")
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "{stderr}"
    );
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        let out = ampmatch(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("ampmatch") && text.contains("explain"),
            "{shell}"
        );
    }
    let out = ampmatch(&["man"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(".TH ampmatch 1") && text.contains("adapter"));
    let out = ampmatch(&["completions", "tcsh"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is refused with the allowed ones"
    );
}

#[test]
fn validate_and_import_speak_json() {
    // Two files, one valid and one not: every file reported, exit 2.
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.toml");
    let bad = dir.path().join("bad.toml");
    std::fs::write(&good, "type = \"headphone\"\nbrand = \"X\"\nmodel = \"G\"\nform = \"over-ear\"\nimpedance_ohm = 32\nsensitivity_db = 100\nsensitivity_unit = \"dB/V\"\n").unwrap();
    std::fs::write(&bad, "type = \"headphone\"\nbrand = \"X\"\nmodel = \"B\"\nform = \"over-ear\"\nimpedance_ohm = 0\n").unwrap();
    let out = ampmatch(&[
        "catalog",
        "validate",
        good.to_str().unwrap(),
        bad.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["valid"].as_u64(), v["invalid"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(v["files"][0]["error"].is_null());
    assert!(
        v["files"][1]["error"]
            .as_str()
            .unwrap()
            .contains("impedance_ohm = 0")
    );
    // Import: the text in JSON when not written; with -o the path and no text.
    let wdr = dir.path().join("d.wdr");
    std::fs::write(
        &wdr,
        "[Driver]\nModel=Y\nZnom=8\nFs=40\nRe=6\nQms=3\nQes=0.4\nVas=0.02\nSd=0.01\n",
    )
    .unwrap();
    let out = ampmatch(&["catalog", "import", wdr.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format"], "toml");
    assert!(v["text"].as_str().unwrap().contains("vas_l = 20"));
    let to = dir.path().join("d.toml");
    let out = ampmatch(&[
        "catalog",
        "import",
        wdr.to_str().unwrap(),
        "-o",
        to.to_str().unwrap(),
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["text"].is_null() && v["out"].as_str().unwrap().ends_with("d.toml"));
    assert!(to.exists());
}

#[test]
fn colour_switches() {
    // Piped (as here) output has no colour unless asked; --color always adds it,
    // --color never and NO_COLOR keep it out.
    let esc = |o: &std::process::Output| o.stdout.windows(2).any(|w| w == b"\x1b[");
    let base = ["check", "--amp", "o2", "--load", "hd600"];
    assert!(!esc(&ampmatch(&base)));
    let mut always = base.to_vec();
    always.extend(["--color", "always"]);
    assert!(esc(&ampmatch(&always)));
    let mut never = base.to_vec();
    never.extend(["--color", "never"]);
    assert!(!esc(&ampmatch(&never)));
    let out = Command::new(env!("CARGO_BIN_EXE_ampmatch"))
        .args(base)
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "0")
        .output()
        .unwrap();
    assert!(!esc(&out));
    // The JSON never carries colour.
    let mut json = always.clone();
    json.push("--json");
    assert!(!esc(&ampmatch(&json)));
}
