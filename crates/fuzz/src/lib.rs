//! What each fuzz target does with one input, and what must hold afterwards. cargo-fuzz
//! runs these under libFuzzer (`fuzz/fuzz_targets/`); `tests/replay.rs` runs every stored
//! corpus input and every crash input ever found through them on the stable toolchain,
//! so a fixed crash cannot come back unnoticed.
//!
//! Invariants beyond "no panic": a text report never shows NaN or inf; a `good` verdict
//! always has its headroom; an importer's output is a valid device file; the API answers
//! every body with JSON and never 5xx; a measured track has true peak ≥ sample peak.
#![forbid(unsafe_code)]

use std::sync::OnceLock;

use ampmatch_app::{Setup, SetupInput};
use ampmatch_catalog::{AmpDevice, Catalog, Device, DeviceKind, LoadDevice};
use ampmatch_core::analysis::Verdict;

/// The fuzz targets, by the folder names of their corpora.
pub const TARGETS: &[&str] = &["device_toml", "curve_text", "wdr", "api_body", "audio"];

/// Runs target `name` on `data` (panics on a broken invariant, as a fuzz target must).
pub fn run(name: &str, data: &[u8]) {
    match name {
        "device_toml" => device_toml(data),
        "curve_text" => curve_text(data),
        "wdr" => wdr(data),
        "api_body" => api_body(data),
        "audio" => audio(data),
        other => panic!("no fuzz target {other}"),
    }
}

fn counterparts() -> &'static (Vec<AmpDevice>, Vec<LoadDevice>) {
    static C: OnceLock<(Vec<AmpDevice>, Vec<LoadDevice>)> = OnceLock::new();
    C.get_or_init(|| {
        let cat = Catalog::builtin();
        let get = |q: &str, side| cat.resolve(q, side).expect("catalog device");
        let amps = ["nwavguy-objective2-o2", "fiio-k3", "nad-c-399"]
            .iter()
            .filter_map(|q| match get(q, DeviceKind::Amplifier) {
                Device::Amplifier(a) => Some(a),
                Device::Load(_) => None,
            })
            .collect();
        let loads = [
            "hd600",
            "campfire-audio-andromeda",
            "kef-ls50",
            "accuton-as190-4-251",
        ]
        .iter()
        .filter_map(|q| match get(q, DeviceKind::Load) {
            Device::Load(l) => Some(l),
            Device::Amplifier(_) => None,
        })
        .collect();
        (amps, loads)
    })
}

/// True when `text` shows a non-number where a figure belongs.
fn shows_non_number(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| matches!(w, "NaN" | "nan" | "inf" | "Infinity"))
}

/// Analyses a parsed device against the catalog's counterparts and checks the report.
fn exercise(device: &Device) {
    let setup = Setup::from_input(&SetupInput::default()).expect("the default setup");
    let (amps, loads) = counterparts();
    let mut pairs: Vec<(&AmpDevice, &LoadDevice)> = vec![];
    match device {
        Device::Amplifier(a) => pairs.extend(loads.iter().map(|l| (a, l))),
        Device::Load(l) => pairs.extend(amps.iter().map(|a| (a, l))),
    }
    for (amp, load) in pairs {
        if let Ok(report) = setup.analyze(amp, load, None) {
            assert_sound(&report);
        }
    }
}

/// What every report must be: no NaN or inf in its text, no `good` without a headroom.
pub fn assert_sound(report: &ampmatch_core::analysis::Report) {
    let text = ampmatch_plot::text::report(report, "amp", "load");
    assert!(
        !shows_non_number(&text),
        "non-number in the report:\n{text}"
    );
    if report.verdict == Verdict::Good {
        assert!(
            report.headroom_db.is_some(),
            "a good verdict without a headroom"
        );
    }
}

/// The catalog devices the targets pair a fuzzed device with.
pub fn catalog_pairs() -> Vec<(&'static AmpDevice, &'static LoadDevice)> {
    let (amps, loads) = counterparts();
    amps.iter()
        .flat_map(|a| loads.iter().map(move |l| (a, l)))
        .collect()
}

fn no_curves(rel: &str) -> ampmatch_catalog::Result<String> {
    Err(ampmatch_catalog::Error::Io {
        path: rel.into(),
        message: "no curve files here".into(),
    })
}

/// A device file, as `catalog validate` and `check --amp FILE` read it.
pub fn device_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(d) = ampmatch_catalog::parse_device(text, "fuzz.toml", &no_curves) {
        exercise(&d);
    }
}

/// A .zma/.frd/REW text: parsed as both, and as the impedance curve of an IEM.
pub fn curve_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = ampmatch_catalog::zma::parse_frd(text, "fuzz.frd");
    if ampmatch_catalog::zma::parse_zma(text, "fuzz.zma").is_err() {
        return;
    }
    let device = "type = \"headphone\"\nbrand = \"F\"\nmodel = \"Z\"\nform = \"in-ear\"\n\
        impedance_ohm = 16\nsensitivity_db = 105\nsensitivity_unit = \"dB/mW\"\n\
        [impedance_curve]\nfile = \"c.zma\"\nsource = \"fuzz\"\n";
    let read = |_: &str| Ok(text.to_string());
    if let Ok(d) = ampmatch_catalog::parse_device(device, "fuzz.toml", &read) {
        exercise(&d);
    }
}

/// A WinISD .wdr: the import either fails with an error or yields a valid device file.
pub fn wdr(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(toml) = ampmatch_catalog::wdr::wdr_to_device_toml(text, "fuzz.wdr") {
        let d = ampmatch_catalog::parse_device(&toml, "imported.toml", &no_curves)
            .unwrap_or_else(|e| panic!("the importer wrote an invalid device file: {e}\n{toml}"));
        exercise(&d);
    }
}

fn runtime() -> &'static (tokio::runtime::Runtime, axum::Router) {
    static R: OnceLock<(tokio::runtime::Runtime, axum::Router)> = OnceLock::new();
    R.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        (rt, ampmatch_web::router(ampmatch_web::AppState::new()))
    })
}

/// A POST body to /api/v1/check, in process through the router.
pub fn api_body(data: &[u8]) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let (rt, router) = runtime();
    rt.block_on(async {
        let req = axum::http::Request::post("/api/v1/check")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(data.to_vec()))
            .expect("a request");
        let resp = router.clone().oneshot(req).await.expect("infallible");
        let status = resp.status();
        let body = resp.into_body().collect().await.expect("a body").to_bytes();
        assert!(
            !status.is_server_error(),
            "{status}: {}",
            String::from_utf8_lossy(&body)
        );
        let v: serde_json::Value =
            serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{status}: not JSON ({e})"));
        if status.is_client_error() {
            assert!(v["error"].is_object() || v["error"].is_string(), "{v}");
        } else if v["verdict"] == "good" {
            assert!(!v["headroom_db"].is_null(), "good without headroom: {v}");
        }
    });
}

/// Audio bytes with an extension chosen by the first byte, through the audio crate.
pub fn audio(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let exts = ampmatch_audio::AUDIO_EXTENSIONS;
    let ext = exts[pick as usize % exts.len()];
    let r = ampmatch_audio::analyze_bytes(rest, Some(ext));
    if r.error.is_none() {
        for v in [
            r.integrated_lufs,
            r.loudness_range_lu,
            r.true_peak_dbtp,
            r.sample_peak_dbfs,
        ]
        .into_iter()
        .flatten()
        {
            assert!(v.is_finite());
        }
        if let (Some(t), Some(s)) = (r.true_peak_dbtp, r.sample_peak_dbfs) {
            assert!(t >= s, "true peak {t} below sample peak {s}");
        }
    }
}
