//! Device files: TOML descriptions of amplifiers and loads (format in docs/devices.md),
//! validated into the core's models.

use std::path::Path;

use ampmatch_core::amplifier::{
    AmpClass, AmpOutput, Amplifier, Confidence, CurrentClaim, Noise, OutputFilter, OutputKind,
    RatingPoint, Supply,
};
use ampmatch_core::impedance::{
    DriverResonance, Enclosure, ImpedanceModel, SourceImpedance, ThieleSmall,
};
use ampmatch_core::load::{HeadphoneForm, Load, LoadKind, PowerHandling};
use ampmatch_core::sensitivity::{Sensitivity, SensitivityUnit};
use ampmatch_core::units::fmt_sig;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::slug::slug;
use crate::zma::parse_zma;

/// Which side of the pairing a device sits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceKind {
    /// An amplifier (any device with outputs).
    Amplifier,
    /// A load (headphone, IEM).
    Load,
}

impl DeviceKind {
    /// "amplifier" or "load".
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceKind::Amplifier => "amplifier",
            DeviceKind::Load => "load",
        }
    }

    /// The kind of a device file's `type`.
    pub fn of_type(type_name: &str) -> Option<Self> {
        match type_name {
            "amplifier" => Some(DeviceKind::Amplifier),
            "headphone" | "speaker" | "driver" => Some(DeviceKind::Load),
            _ => None,
        }
    }
}

/// What every device has.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    /// Stable id, the slug of brand and model unless the file sets one.
    pub id: String,
    /// Maker.
    pub brand: String,
    /// Model.
    pub model: String,
    /// Where the figures came from (device level).
    pub source: Option<String>,
    /// Where the file is (catalog path or disk path).
    pub path: String,
}

impl Meta {
    /// "Brand Model".
    pub fn name(&self) -> String {
        format!("{} {}", self.brand, self.model)
    }
}

/// An amplifier read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct AmpDevice {
    /// Id, names, source.
    pub meta: Meta,
    /// headphone, speaker, integrated, dac-amp, dongle.
    pub category: Option<String>,
    /// Output stage class as given (A, AB, D, tube).
    pub class: Option<String>,
    /// The model.
    pub amplifier: Amplifier,
}

/// A load read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadDevice {
    /// Id, names, source.
    pub meta: Meta,
    /// Driver technology as given.
    pub driver: Option<String>,
    /// The model.
    pub load: Load,
}

/// A device read from a file.
#[derive(Debug, Clone, PartialEq)]
pub enum Device {
    /// An amplifier.
    Amplifier(AmpDevice),
    /// A load.
    Load(LoadDevice),
}

impl Device {
    /// Id, names, source.
    pub fn meta(&self) -> &Meta {
        match self {
            Device::Amplifier(a) => &a.meta,
            Device::Load(l) => &l.meta,
        }
    }

    /// Which side it sits on.
    pub fn kind(&self) -> DeviceKind {
        match self {
            Device::Amplifier(_) => DeviceKind::Amplifier,
            Device::Load(_) => DeviceKind::Load,
        }
    }
}

#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PowerPoint {
    load_ohm: Option<f64>,
    power_mw: Option<f64>,
    power_w: Option<f64>,
    voltage_vrms: Option<f64>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
enum Weighting {
    #[serde(rename = "A")]
    A,
    #[serde(rename = "unweighted")]
    Unweighted,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum SupplyKind {
    #[serde(rename = "bus-5v")]
    Bus5v,
    Battery,
    Mains,
    Other,
}

/// The figures a source can give for an output. Declared once and used both for figures
/// written directly on an `[[outputs]]` table and for each `[[outputs.sources]]` entry.
macro_rules! with_figures {
    ($(#[$m:meta])* struct $name:ident { $($field:ident : $ty:ty,)* }) => {
        $(#[$m])*
        struct $name {
            $($field: $ty,)*
            source: Option<String>,
            confidence: Option<Confidence>,
            conditions: Option<String>,
            output_impedance_ohm: Option<f64>,
            max_voltage_vrms: Option<f64>,
            max_current_ma: Option<f64>,
            max_current_note: Option<String>,
            gain_db: Option<f64>,
            noise_uv: Option<f64>,
            noise_weighting: Option<Weighting>,
            thd_pct: Option<f64>,
            #[serde(default)]
            power: Vec<PowerPoint>,
        }

        impl $name {
            fn figures(&self) -> Figures<'_> {
                Figures {
                    source: self.source.as_deref(),
                    conditions: self.conditions.as_deref(),
                    current_note: self.max_current_note.as_deref(),
                    confidence: self.confidence,
                    output_impedance_ohm: self.output_impedance_ohm,
                    max_voltage_vrms: self.max_voltage_vrms,
                    max_current_ma: self.max_current_ma,
                    gain_db: self.gain_db,
                    noise_uv: self.noise_uv,
                    noise_weighting: self.noise_weighting,
                    thd_pct: self.thd_pct,
                    power: &self.power,
                }
            }
        }
    };
}

struct Figures<'a> {
    source: Option<&'a str>,
    conditions: Option<&'a str>,
    current_note: Option<&'a str>,
    confidence: Option<Confidence>,
    output_impedance_ohm: Option<f64>,
    max_voltage_vrms: Option<f64>,
    max_current_ma: Option<f64>,
    gain_db: Option<f64>,
    noise_uv: Option<f64>,
    noise_weighting: Option<Weighting>,
    /// Distortion at which the power figures were taken, %.
    thd_pct: Option<f64>,
    power: &'a [PowerPoint],
}

impl Figures<'_> {
    fn is_empty(&self) -> bool {
        self.output_impedance_ohm.is_none()
            && self.max_voltage_vrms.is_none()
            && self.max_current_ma.is_none()
            && self.gain_db.is_none()
            && self.noise_uv.is_none()
            && self.power.is_empty()
    }
}

with_figures! {
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct SourceFile {}
}

with_figures! {
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct OutputFile {
        name: String,
        kind: OutputKind,
        supply: Option<SupplyKind>,
        supply_note: Option<String>,
        battery_capacity_mah: Option<f64>,
        note: Option<String>,
        bridged_from: Option<String>,
        sources: Option<Vec<SourceFile>>,
        min_load_ohm: Option<f64>,
        output_filter: Option<FilterFile>,
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilterFile {
    l_uh: f64,
    c_uf: f64,
    #[serde(default)]
    post_filter_feedback: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AmpFile {
    #[serde(rename = "type")]
    _type: String,
    id: Option<String>,
    brand: String,
    model: String,
    category: Option<String>,
    class: Option<String>,
    source: Option<String>,
    confidence: Option<Confidence>,
    outputs: Vec<OutputFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CurveFile {
    file: Option<String>,
    phase_known: Option<bool>,
    source: Option<String>,
    model: Option<String>,
    re_ohm: Option<f64>,
    le_mh: Option<f64>,
    fs_hz: Option<f64>,
    qms: Option<f64>,
    qes: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeadphoneFile {
    #[serde(rename = "type")]
    _type: String,
    id: Option<String>,
    brand: String,
    model: String,
    form: HeadphoneForm,
    driver: Option<String>,
    impedance_ohm: Option<f64>,
    sensitivity_db: Option<f64>,
    sensitivity_unit: Option<SensitivityUnit>,
    max_input_power_mw: Option<f64>,
    confidence: Option<Confidence>,
    source: Option<String>,
    impedance_curve: Option<CurveFile>,
}

/// Validation context: the file's name and text, for errors with line numbers.
struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
}

fn value_after_key(line: &str, key: &str) -> Option<String> {
    let mut rest = line;
    while let Some(pos) = rest.find(key) {
        let before_ok = pos == 0
            || !rest.as_bytes()[pos - 1].is_ascii_alphanumeric()
                && rest.as_bytes()[pos - 1] != b'_';
        let after = rest[pos + key.len()..].trim_start();
        if before_ok && let Some(v) = after.strip_prefix('=') {
            let v = v.trim_start();
            let end = v.find([',', '}', ']', '#']).unwrap_or(v.len());
            return Some(v[..end].trim().to_string());
        }
        rest = &rest[pos + key.len()..];
    }
    None
}

impl Ctx<'_> {
    /// The line where `key` is set to `value` (or first set at all), 1-based; 0 if not found.
    fn line_of(&self, key: &str, value: Option<&str>) -> usize {
        let mut first = 0;
        for (i, line) in self.text.lines().enumerate() {
            if let Some(v) = value_after_key(line, key) {
                if first == 0 {
                    first = i + 1;
                }
                if value.is_none_or(|want| {
                    v == want
                        || v.parse::<f64>().ok() == want.parse::<f64>().ok()
                            && v.parse::<f64>().is_ok()
                }) {
                    return i + 1;
                }
            }
        }
        first
    }

    fn field_error(&self, path: &str, value: String, allowed: String) -> Error {
        let key = path.rsplit('.').next().unwrap_or(path);
        Error::Field {
            file: self.file.to_string(),
            line: self.line_of(key, Some(&value)),
            field: path.to_string(),
            value,
            allowed,
        }
    }

    /// `value` must be finite and within `min..=max` (`min` excluded when `exclusive_min`).
    fn range(
        &self,
        path: &str,
        value: f64,
        min: f64,
        exclusive_min: bool,
        max: f64,
        unit: &str,
    ) -> Result<f64> {
        let low_ok = if exclusive_min {
            value > min
        } else {
            value >= min
        };
        if value.is_finite() && low_ok && value <= max {
            return Ok(value);
        }
        let allowed = if exclusive_min {
            format!("allowed: a number above {min} and at most {max} {unit}")
        } else {
            format!("allowed: a number from {min} to {max} {unit}")
        };
        Err(self.field_error(path, fmt_value(value), allowed.trim_end().to_string()))
    }

    fn parse_error(&self, e: toml::de::Error) -> Error {
        let line = e.span().map_or(0, |s| {
            self.text[..s.start.min(self.text.len())]
                .matches('\n')
                .count()
                + 1
        });
        let mut message = e.message().trim().to_string();
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|m| m.split('`').next())
        {
            message = format!("{message}: required, {}", allowed_for(field));
        } else if message.starts_with("invalid type") {
            // Name the key whose value has the wrong type.
            let key = self
                .text
                .lines()
                .nth(line.saturating_sub(1))
                .and_then(|l| l.split_once('='))
                .map(|(k, _)| k.trim().trim_start_matches('{').trim().to_string());
            if let Some(key) = key.filter(|k| !k.is_empty() && !k.contains(' ')) {
                message = format!("{key}: {message} ({})", allowed_for(&key));
            }
        }
        Error::Parse {
            file: self.file.to_string(),
            line,
            message,
        }
    }

    fn missing(&self, path: &str, allowed: &str) -> Error {
        Error::Field {
            file: self.file.to_string(),
            line: 0,
            field: path.to_string(),
            value: "(missing)".into(),
            allowed: format!("required: {allowed}"),
        }
    }
}

/// What a key takes, for errors about a missing or mistyped value (docs/devices.md).
fn allowed_for(key: &str) -> &'static str {
    match key {
        "type" => "\"amplifier\" or \"headphone\"",
        "brand" | "model" | "name" => "a non-empty text",
        "form" => "\"over-ear\", \"on-ear\" or \"in-ear\"",
        "kind" => "\"single-ended\", \"balanced\", \"speaker\" or \"unspecified\"",
        "sensitivity_unit" => "\"dB/mW\", \"dB/V\" or \"unknown\"",
        "outputs" => "at least one [[outputs]] table with name and kind",
        "confidence" => "\"high\", \"medium\", \"low\", \"unverified\" or \"user\"",
        "power" => "an array of { load_ohm = …, power_mw = … } tables",
        k if k.ends_with("_ohm")
            || k.ends_with("_mw")
            || k.ends_with("_db")
            || k.ends_with("_vrms")
            || k.ends_with("_ma")
            || k.ends_with("_uv")
            || k.ends_with("_hz")
            || k.ends_with("_w")
            || k.ends_with("_mh")
            || k.ends_with("_mah")
            || k == "qms"
            || k == "qes" =>
        {
            "a number, without a unit"
        }
        _ => "see docs/devices.md",
    }
}

fn fmt_value(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{v}")
    }
}

fn check_id(ctx: &Ctx, id: &str) -> Result<()> {
    if id.is_empty() || slug(id) != id {
        return Err(ctx.field_error(
            "id",
            id.to_string(),
            "allowed: lower-case letters, digits and single dashes, e.g. \"sennheiser-hd600\""
                .into(),
        ));
    }
    Ok(())
}

/// Longest brand, model or output name accepted.
const MAX_NAME_CHARS: usize = 200;

fn check_name(ctx: &Ctx, key: &str, value: &str) -> Result<()> {
    let n = value.chars().count();
    if value.trim().is_empty() || n > MAX_NAME_CHARS || value.chars().any(char::is_control) {
        let shown = if n > 40 {
            format!(
                "\"{}…\" ({n} characters)",
                value.chars().take(40).collect::<String>()
            )
        } else {
            format!("{value:?}")
        };
        return Err(ctx.field_error(key, shown, format!("allowed: a non-empty name of at most {MAX_NAME_CHARS} characters, without control characters")));
    }
    Ok(())
}

/// Reads a device file from disk; curve files it names are read relative to it.
pub fn read_device_file(path: &Path) -> Result<Device> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
        path: label.clone(),
        message: e.to_string(),
    })?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse_device(&text, &label, &|rel: &str| {
        let p = dir.join(rel);
        std::fs::read_to_string(&p).map_err(|e| Error::Io {
            path: p.display().to_string(),
            message: e.to_string(),
        })
    })
}

/// Parses and validates a device file's `text`. `file` names it in errors; `read_curve`
/// returns the text of a curve file the device names.
pub fn parse_device(
    text: &str,
    file: &str,
    read_curve: &dyn Fn(&str) -> Result<String>,
) -> Result<Device> {
    let ctx = Ctx { file, text };
    let probe: Probe = toml::from_str(text).map_err(|e| ctx.parse_error(e))?;
    match probe.kind.as_deref() {
        Some("amplifier") => {
            let f: AmpFile = toml::from_str(text).map_err(|e| ctx.parse_error(e))?;
            build_amp(&ctx, f).map(Device::Amplifier)
        }
        Some("headphone") => {
            let f: HeadphoneFile = toml::from_str(text).map_err(|e| ctx.parse_error(e))?;
            build_headphone(&ctx, f, read_curve).map(Device::Load)
        }
        Some(kind @ ("speaker" | "driver")) => {
            let f: SpeakerFile = toml::from_str(text).map_err(|e| ctx.parse_error(e))?;
            build_speaker(&ctx, f, kind == "speaker", read_curve).map(Device::Load)
        }
        Some(other) => Err(ctx.field_error("type", format!("{other:?}"), TYPES_ALLOWED.into())),
        None => Err(ctx.missing("type", TYPES_ALLOWED)),
    }
}

const TYPES_ALLOWED: &str = "allowed: \"amplifier\", \"headphone\", \"speaker\" or \"driver\"";

/// A sensitivity reference as written in speaker files.
#[derive(Debug, Clone, Copy, Deserialize)]
enum SensitivityRef {
    #[serde(rename = "2.83V/1m")]
    V283,
    #[serde(rename = "1W/1m")]
    W1,
    #[serde(rename = "unknown")]
    Unknown,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PowerHandlingFile {
    continuous_w: Option<f64>,
    program_w: Option<f64>,
    peak_w: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThieleSmallFile {
    re_ohm: Option<f64>,
    le_mh: Option<f64>,
    fs_hz: Option<f64>,
    qms: Option<f64>,
    qes: Option<f64>,
    qts: Option<f64>,
    vas_l: Option<f64>,
    bl_tm: Option<f64>,
    mms_g: Option<f64>,
    sd_cm2: Option<f64>,
    xmax_mm: Option<f64>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum BoxType {
    FreeAir,
    Sealed,
    Vented,
}

/// A box for a driver, as written in a file (or built from command-line flags).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnclosureFile {
    #[serde(rename = "type")]
    kind: BoxType,
    vb_l: Option<f64>,
    fb_hz: Option<f64>,
    ql: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpeakerFile {
    #[serde(rename = "type")]
    _type: String,
    id: Option<String>,
    brand: String,
    model: String,
    driver_type: Option<String>,
    shape: Option<String>,
    impedance_ohm: Option<f64>,
    min_impedance_ohm: Option<f64>,
    sensitivity_db: Option<f64>,
    sensitivity_ref: Option<SensitivityRef>,
    power_handling: Option<PowerHandlingFile>,
    spl_max_db: Option<f64>,
    confidence: Option<Confidence>,
    source: Option<String>,
    suspect: Option<String>,
    unit_fixes: Option<String>,
    thiele_small: Option<ThieleSmallFile>,
    enclosure: Option<EnclosureFile>,
    impedance_curve: Option<CurveFile>,
}

/// Default box loss Q for vented boxes when none is given (the usual assumption).
pub const DEFAULT_QL: f64 = 7.0;

impl EnclosureFile {
    /// A box from its parts: `kind` is "free-air", "sealed" or "vented".
    pub fn new(kind: &str, vb_l: Option<f64>, fb_hz: Option<f64>, ql: Option<f64>) -> Result<Self> {
        let kind = match kind {
            "free-air" => BoxType::FreeAir,
            "sealed" => BoxType::Sealed,
            "vented" => BoxType::Vented,
            other => {
                return Err(Error::Field {
                    file: "command line".into(),
                    line: 0,
                    field: "box".into(),
                    value: other.into(),
                    allowed: "allowed: free-air, sealed or vented".into(),
                });
            }
        };
        Ok(Self {
            kind,
            vb_l,
            fb_hz,
            ql,
        })
    }
}

fn build_enclosure(ctx: &Ctx, e: &EnclosureFile, vas_l: Option<f64>) -> Result<Enclosure> {
    let need = |k: &str, v: Option<f64>, what: &str| {
        v.ok_or_else(|| ctx.missing(&format!("enclosure.{k}"), what))
    };
    match e.kind {
        BoxType::FreeAir => Ok(Enclosure::FreeAir),
        BoxType::Sealed | BoxType::Vented => {
            let vas = vas_l.ok_or_else(|| {
                ctx.missing(
                    "thiele_small.vas_l",
                    "Vas in litres, to put the driver in a box",
                )
            })?;
            let vb = ctx.range(
                "enclosure.vb_l",
                need("vb_l", e.vb_l, "the box volume in litres")?,
                0.0,
                true,
                1e5,
                "L",
            )?;
            if matches!(e.kind, BoxType::Sealed) {
                return Enclosure::sealed(vas, vb)
                    .map_err(|err| ctx.field_error("enclosure", "sealed".into(), err.to_string()));
            }
            let fb = ctx.range(
                "enclosure.fb_hz",
                need("fb_hz", e.fb_hz, "the box tuning in Hz")?,
                0.0,
                true,
                10_000.0,
                "Hz",
            )?;
            let ql = ctx.range(
                "enclosure.ql",
                e.ql.unwrap_or(DEFAULT_QL),
                0.0,
                true,
                1000.0,
                "",
            )?;
            Enclosure::vented(vas, vb, fb, ql)
                .map_err(|err| ctx.field_error("enclosure", "vented".into(), err.to_string()))
        }
    }
}

/// Thiele-Small parameters, completing Qes or Qms from Qts (1/Qts = 1/Qms + 1/Qes).
fn build_thiele_small(
    ctx: &Ctx,
    t: &ThieleSmallFile,
    notes: &mut Vec<String>,
) -> Result<Option<ThieleSmall>> {
    // Scraped catalogue rows can be off by orders of magnitude (they carry a `suspect`
    // mark and are used as given), so only physically impossible values are refused.
    let opt = |k: &str, v: Option<f64>, max: f64, unit: &str| {
        v.map(|x| ctx.range(&format!("thiele_small.{k}"), x, 0.0, true, max, unit))
            .transpose()
    };
    let re = opt("re_ohm", t.re_ohm, 1000.0, "Ω")?;
    let fs = opt("fs_hz", t.fs_hz, 100_000.0, "Hz")?;
    let mut qms = opt("qms", t.qms, 1e9, "")?;
    let mut qes = opt("qes", t.qes, 1e9, "")?;
    let qts = opt("qts", t.qts, 1e9, "")?;
    let le_mh = t
        .le_mh
        .map(|x| ctx.range("thiele_small.le_mh", x, 0.0, false, 1000.0, "mH"))
        .transpose()?;
    let vas_l = opt("vas_l", t.vas_l, 1e9, "L")?;
    let bl_tm = opt("bl_tm", t.bl_tm, 1e9, "T·m")?;
    let mms_g = opt("mms_g", t.mms_g, 1e9, "g")?;
    let sd_cm2 = opt("sd_cm2", t.sd_cm2, 1e9, "cm²")?;
    let xmax_mm = opt("xmax_mm", t.xmax_mm, 1e9, "mm")?;
    match (qms, qes, qts) {
        (Some(m), None, Some(ts)) if m > ts => {
            qes = Some(ts * m / (m - ts));
            notes.push(format!(
                "Qes derived from Qts and Qms: Qes = Qts·Qms/(Qms − Qts) = {:.3}",
                qes.unwrap_or(f64::NAN)
            ));
        }
        (None, Some(e), Some(ts)) if e > ts => {
            qms = Some(ts * e / (e - ts));
            notes.push(format!(
                "Qms derived from Qts and Qes: Qms = Qts·Qes/(Qes − Qts) = {:.3}",
                qms.unwrap_or(f64::NAN)
            ));
        }
        _ => {}
    }
    let (Some(re), Some(fs), Some(qms), Some(qes)) = (re, fs, qms, qes) else {
        notes.push("the Thiele-Small parameters are incomplete (Re, fs, Qms and Qes, or Qts with one of them, are needed), so no impedance model is built from them".into());
        return Ok(None);
    };
    let driver = DriverResonance::new(re, le_mh.unwrap_or(0.0) / 1000.0, fs, qms, qes)
        .map_err(|e| ctx.field_error("thiele_small", "(parameters)".into(), e.to_string()))?;
    Ok(Some(ThieleSmall {
        driver,
        vas_l,
        bl_tm,
        mms_g,
        sd_cm2,
        xmax_mm,
    }))
}

fn build_speaker(
    ctx: &Ctx,
    f: SpeakerFile,
    finished: bool,
    read_curve: &dyn Fn(&str) -> Result<String>,
) -> Result<LoadDevice> {
    let meta = meta(ctx, f.id, &f.brand, &f.model, f.source.clone())?;
    let mut load = Load::new(&meta.name(), LoadKind::Loudspeaker { finished });
    let mut notes = Vec::new();
    if let Some(why) = &f.suspect {
        notes.push(format!(
            "suspect: this record fails a plausibility check ({why}); it is used as given"
        ));
    }
    if let Some(fixes) = &f.unit_fixes {
        notes.push(format!("unit fixes applied on import: {fixes}"));
    }
    load.nominal_impedance_ohm = f
        .impedance_ohm
        .map(|z| ctx.range("impedance_ohm", z, 0.0, true, 10_000.0, "Ω"))
        .transpose()?;
    load.min_impedance_ohm = f
        .min_impedance_ohm
        .map(|z| ctx.range("min_impedance_ohm", z, 0.0, true, 10_000.0, "Ω"))
        .transpose()?;
    load.sensitivity = match (f.sensitivity_db, f.sensitivity_ref) {
        (Some(v), r) => Some(Sensitivity {
            value_db: ctx.range("sensitivity_db", v, 50.0, false, 150.0, "dB SPL")?,
            unit: match r {
                Some(SensitivityRef::V283) => SensitivityUnit::Db283V,
                Some(SensitivityRef::W1) => SensitivityUnit::Db1W,
                Some(SensitivityRef::Unknown) | None => SensitivityUnit::Unknown,
            },
        }),
        (None, Some(_)) => {
            return Err(ctx.field_error(
                "sensitivity_ref",
                "(without sensitivity_db)".into(),
                "allowed only together with sensitivity_db".into(),
            ));
        }
        (None, None) => None,
    };
    if let Some(p) = &f.power_handling {
        let w = |k: &str, v: Option<f64>| {
            v.map(|x| ctx.range(&format!("power_handling.{k}"), x, 0.0, true, 1e6, "W"))
                .transpose()
        };
        load.power_handling = Some(PowerHandling {
            continuous_w: w("continuous_w", p.continuous_w)?,
            program_w: w("program_w", p.program_w)?,
            peak_w: w("peak_w", p.peak_w)?,
        });
    }
    load.spl_max_db = f
        .spl_max_db
        .map(|x| ctx.range("spl_max_db", x, 50.0, false, 200.0, "dB SPL"))
        .transpose()?;
    load.thiele_small = match &f.thiele_small {
        Some(t) => build_thiele_small(ctx, t, &mut notes)?,
        None => None,
    };
    if load.sensitivity.is_none()
        && let Some(ts) = load.thiele_small
        && let Some(spl) = ts.sensitivity_db_1w()
    {
        // 1 W into Re takes √Re volts: S_V = S_1W(Re) − 10·log10(Re); stored at 2.83 V.
        let db_283 = spl - 10.0 * ts.driver.re_ohm.log10() + ampmatch_core::sensitivity::DB_2_83V;
        load.sensitivity = Some(Sensitivity {
            value_db: db_283,
            unit: SensitivityUnit::Db283V,
        });
        notes.push(format!(
            "assumption: no published sensitivity; {spl:.1} dB for 1 W into Re at 1 m (= {db_283:.1} dB @ 2.83 V/1 m) derived from the Thiele-Small parameters (η0 = 4π²·fs³·Vas/(c³·Qes) = {:.3} %, half space)",
            100.0 * ts.reference_efficiency().unwrap_or(f64::NAN)
        ));
    }
    let enclosure = match &f.enclosure {
        Some(e) => Some(build_enclosure(
            ctx,
            e,
            load.thiele_small.and_then(|t| t.vas_l),
        )?),
        None => None,
    };
    load.impedance = match (f.impedance_curve, load.thiele_small) {
        (Some(c), _) => Some(curve_model(ctx, c, read_curve, &mut notes)?),
        (None, Some(ts)) => Some(ImpedanceModel::Enclosed {
            driver: ts.driver,
            enclosure: enclosure.unwrap_or(Enclosure::FreeAir),
        }),
        (None, None) => None,
    };
    load.confidence = f.confidence.unwrap_or(Confidence::User);
    load.notes = notes;
    Ok(LoadDevice {
        meta,
        driver: f.driver_type.or(f.shape),
        load,
    })
}

impl LoadDevice {
    /// Puts the driver in `enclosure` (from the command line), replacing the impedance
    /// model with the Thiele-Small one in that box.
    pub fn put_in_box(&mut self, enclosure: &EnclosureFile) -> Result<()> {
        let ctx = Ctx {
            file: "command line",
            text: "",
        };
        let Some(ts) = self.load.thiele_small else {
            return Err(Error::Field {
                file: self.meta.path.clone(),
                line: 0,
                field: "thiele_small".into(),
                value: "(missing)".into(),
                allowed: format!(
                    "required to model {} in a box: Re, fs, Qms/Qes (or Qts) and Vas",
                    self.meta.name()
                ),
            });
        };
        let e = build_enclosure(&ctx, enclosure, ts.vas_l)?;
        if matches!(self.load.impedance, Some(ImpedanceModel::Measured(_))) {
            self.load.notes.push(
                "the measured (free-air) curve is replaced by the Thiele-Small model in the box"
                    .into(),
            );
        }
        self.load.impedance = Some(ImpedanceModel::Enclosed {
            driver: ts.driver,
            enclosure: e,
        });
        Ok(())
    }
}

fn meta(
    ctx: &Ctx,
    id: Option<String>,
    brand: &str,
    model: &str,
    source: Option<String>,
) -> Result<Meta> {
    check_name(ctx, "brand", brand)?;
    check_name(ctx, "model", model)?;
    let id = match id {
        Some(id) => {
            check_id(ctx, &id)?;
            id
        }
        None => slug(&format!("{brand} {model}")),
    };
    Ok(Meta {
        id,
        brand: brand.into(),
        model: model.into(),
        source,
        path: ctx.file.into(),
    })
}

/// A figure claimed by one source, for picking and for conflict notes.
struct Claim<'a> {
    value: f64,
    confidence: Confidence,
    source: &'a str,
}

fn rank(c: Confidence) -> u8 {
    match c {
        Confidence::High | Confidence::User => 0,
        Confidence::Medium => 1,
        Confidence::Low => 2,
        Confidence::Unverified => 3,
    }
}

fn short(s: &str) -> String {
    if s.chars().count() > 70 {
        format!("{}…", s.chars().take(70).collect::<String>())
    } else {
        s.to_string()
    }
}

/// Picks the most trustworthy claim (first among equals) and notes any other claim that
/// differs by more than `tolerance` (a fraction, or dB when `absolute`).
fn pick(
    claims: &[Claim],
    what: &str,
    unit: &str,
    output: &str,
    tolerance: f64,
    absolute: bool,
    notes: &mut Vec<String>,
) -> Option<f64> {
    let best = claims.iter().min_by_key(|c| rank(c.confidence))?;
    let differs = |c: &Claim| {
        let d = (c.value - best.value).abs();
        if absolute {
            d > tolerance
        } else {
            d > tolerance * best.value.abs().max(1e-12)
        }
    };
    let others: Vec<String> = claims
        .iter()
        .filter(|c| differs(c))
        .map(|c| {
            format!(
                "{} {unit} ({}: {})",
                fmt_sig(c.value),
                conf_word(c.confidence),
                short(c.source)
            )
        })
        .collect();
    if !others.is_empty() {
        notes.push(format!(
            "conflict: {what} of the {output} output: {} {unit} ({}: {}) is used over {}",
            fmt_sig(best.value),
            conf_word(best.confidence),
            short(best.source),
            others.join("; ")
        ));
    }
    Some(best.value)
}

fn conf_word(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "measured",
        Confidence::Medium => "medium confidence",
        Confidence::Low => "low confidence",
        Confidence::Unverified => "unverified",
        Confidence::User => "user figure",
    }
}

fn build_amp(ctx: &Ctx, f: AmpFile) -> Result<AmpDevice> {
    let meta = meta(ctx, f.id, &f.brand, &f.model, f.source.clone())?;
    if f.outputs.is_empty() {
        return Err(ctx.field_error(
            "outputs",
            "[]".into(),
            "required: at least one [[outputs]] table".into(),
        ));
    }
    let class = match f.class.as_deref() {
        None => None,
        Some("A") => Some(AmpClass::A),
        Some("AB" | "B") => Some(AmpClass::AB),
        Some("D") => Some(AmpClass::D),
        Some("tube") => Some(AmpClass::Tube),
        Some(other) => {
            return Err(ctx.field_error(
                "class",
                format!("{other:?}"),
                "allowed: \"A\", \"AB\", \"B\", \"D\" or \"tube\"".into(),
            ));
        }
    };
    let mut outputs = Vec::new();
    for (oi, o) in f.outputs.iter().enumerate() {
        let opath = format!("outputs[{oi}]");
        check_name(ctx, &format!("{opath}.name"), &o.name)?;
        if outputs
            .iter()
            .any(|x: &AmpOutput| x.name.eq_ignore_ascii_case(&o.name))
        {
            return Err(ctx.field_error(
                &format!("{opath}.name"),
                format!("{:?}", o.name),
                "allowed: a name no other output of this amplifier has".into(),
            ));
        }
        let mut out = AmpOutput::new(&o.name, o.kind);
        out.class = class;
        out.min_load_ohm = o
            .min_load_ohm
            .map(|z| {
                ctx.range(
                    &format!("{opath}.min_load_ohm"),
                    z,
                    0.0,
                    true,
                    10_000.0,
                    "Ω",
                )
            })
            .transpose()?;
        if let Some(fl) = &o.output_filter {
            out.output_filter = Some(OutputFilter {
                l_h: ctx.range(
                    &format!("{opath}.output_filter.l_uh"),
                    fl.l_uh,
                    0.0,
                    true,
                    1e5,
                    "µH",
                )? * 1e-6,
                c_f: ctx.range(
                    &format!("{opath}.output_filter.c_uf"),
                    fl.c_uf,
                    0.0,
                    true,
                    1e5,
                    "µF",
                )? * 1e-6,
                post_filter_feedback: fl.post_filter_feedback,
            });
        }
        let file_conf = f.confidence.unwrap_or(Confidence::User);
        let file_source = f.source.as_deref().unwrap_or("device file");
        let mut sets: Vec<(String, Figures, Confidence, &str)> = Vec::new();
        let direct = o.figures();
        if !direct.is_empty() {
            let conf = direct.confidence.unwrap_or(file_conf);
            let src = direct.source.unwrap_or(file_source);
            sets.push((opath.clone(), direct, conf, src));
        }
        for (si, s) in o.sources.iter().flatten().enumerate() {
            let fig = s.figures();
            let conf = fig.confidence.unwrap_or(file_conf);
            let src = fig.source.unwrap_or(file_source);
            sets.push((format!("{opath}.sources[{si}]"), fig, conf, src));
        }
        let (mut zo, mut gain, mut noise) = (vec![], vec![], vec![]);
        let mut thd_notes: Vec<String> = vec![];
        for (path, fig, conf, src) in &sets {
            let p = |k: &str| format!("{path}.{k}");
            let thd = fig
                .thd_pct
                .map(|t| ctx.range(&p("thd_pct"), t, 0.0, true, 100.0, "%"))
                .transpose()?;
            if let Some(v) = fig.output_impedance_ohm {
                zo.push(Claim {
                    value: ctx.range(&p("output_impedance_ohm"), v, 0.0, false, 10_000.0, "Ω")?,
                    confidence: *conf,
                    source: src,
                });
            }
            if let Some(v) = fig.gain_db {
                gain.push(Claim {
                    value: ctx.range(&p("gain_db"), v, -60.0, false, 80.0, "dB")?,
                    confidence: *conf,
                    source: src,
                });
            }
            if let Some(v) = fig.noise_uv {
                noise.push((
                    Claim {
                        value: ctx.range(&p("noise_uv"), v, 0.0, true, 1e6, "µV")?,
                        confidence: *conf,
                        source: src,
                    },
                    fig.noise_weighting,
                ));
            }
            // The conditions travel with each point so a report can say what a figure means.
            let src_full = match fig.conditions {
                Some(c) => format!("{src} [{c}]"),
                None => src.to_string(),
            };
            if let Some(v) = fig.max_voltage_vrms {
                let v = ctx.range(&p("max_voltage_vrms"), v, 0.0, true, 1000.0, "V rms")?;
                out.ratings.push(RatingPoint {
                    load_ohm: None,
                    voltage_vrms: v,
                    confidence: *conf,
                    source: src_full.clone(),
                });
            }
            if let Some(v) = fig.max_current_ma {
                let v = ctx.range(&p("max_current_ma"), v, 0.0, true, 1e6, "mA")?;
                let source = match fig.current_note {
                    Some(n) => format!("{src} ({n})"),
                    None => src.to_string(),
                };
                out.current_limits.push(CurrentClaim {
                    current_a: v / 1000.0,
                    confidence: *conf,
                    source,
                });
            }
            for (pi, pt) in fig.power.iter().enumerate() {
                let pp = |k: &str| format!("{path}.power[{pi}].{k}");
                let Some(z) = pt.load_ohm else {
                    return Err(ctx.missing(
                        &pp("load_ohm"),
                        "the load in Ω that the power or voltage figure is for",
                    ));
                };
                let z = ctx.range(&pp("load_ohm"), z, 0.0, true, 1e6, "Ω")?;
                let v = match (pt.power_mw, pt.power_w, pt.voltage_vrms) {
                    (Some(mw), None, None) => {
                        (ctx.range(&pp("power_mw"), mw, 0.0, true, 1e7, "mW")? / 1000.0 * z).sqrt()
                    }
                    (None, Some(w), None) => {
                        (ctx.range(&pp("power_w"), w, 0.0, true, 1e4, "W")? * z).sqrt()
                    }
                    (None, None, Some(v)) => {
                        ctx.range(&pp("voltage_vrms"), v, 0.0, true, 1000.0, "V rms")?
                    }
                    _ => {
                        return Err(Error::Field {
                            file: ctx.file.into(),
                            line: ctx.line_of("load_ohm", Some(&fmt_value(z))),
                            field: format!("{path}.power[{pi}]"),
                            value: "(several or none of power_mw, power_w, voltage_vrms)".into(),
                            allowed: "required: exactly one of power_mw, power_w or voltage_vrms"
                                .into(),
                        });
                    }
                };
                // Power rated at 10 % THD is about 25 % above the 1 % clipping onset the
                // fit models (physics.md, "Amp power ratings").
                let (v, source) = match thd {
                    Some(t) if t >= 10.0 => (
                        v / 1.25f64.sqrt(),
                        format!(
                            "{src_full} (rated at {t} % THD: power ÷ 1.25 for the 1 % clipping onset)"
                        ),
                    ),
                    _ => (v, src_full.clone()),
                };
                out.ratings.push(RatingPoint {
                    load_ohm: Some(z),
                    voltage_vrms: v,
                    confidence: *conf,
                    source,
                });
            }
            if let Some(t) = thd
                && t >= 10.0
                && !fig.power.is_empty()
            {
                thd_notes.push(format!(
                    "assumption: the {} output's power figures were taken at {t} % THD; each is divided by 1.25 (10 % THD ≈ +25 % power) to describe the onset of clipping",
                    o.name
                ));
            }
        }
        let mut notes = thd_notes;
        out.output_impedance = pick(
            &zo,
            "output impedance",
            "Ω",
            &o.name,
            0.10,
            false,
            &mut notes,
        )
        .map(|ohm| SourceImpedance::Resistive { ohm });
        out.gain_db = pick(&gain, "gain", "dB", &o.name, 1.0, true, &mut notes);
        let noise_claims: Vec<Claim> = noise
            .iter()
            .map(|(c, _)| Claim {
                value: c.value,
                confidence: c.confidence,
                source: c.source,
            })
            .collect();
        if let Some(uv) = pick(
            &noise_claims,
            "noise",
            "µV",
            &o.name,
            0.25,
            false,
            &mut notes,
        ) {
            let weighting = noise
                .iter()
                .find(|(c, _)| c.value == uv)
                .and_then(|(_, w)| *w);
            out.noise = Some(Noise {
                noise_uv: uv,
                a_weighted: weighting.map(|w| matches!(w, Weighting::A)),
            });
        }
        if let Some(n) = &o.note {
            notes.push(format!("note on the {} output: {n}", o.name));
        }
        out.notes = notes;
        out.supply = match o.supply {
            Some(SupplyKind::Bus5v) => Some(Supply::Bus { voltage_v: 5.0 }),
            Some(SupplyKind::Battery) => Some(Supply::Battery {
                capacity_mah: o
                    .battery_capacity_mah
                    .map(|c| {
                        ctx.range(
                            &format!("{opath}.battery_capacity_mah"),
                            c,
                            0.0,
                            true,
                            1e6,
                            "mAh",
                        )
                    })
                    .transpose()?,
            }),
            Some(SupplyKind::Mains) => Some(Supply::Mains),
            Some(SupplyKind::Other) => Some(Supply::Other {
                description: o.supply_note.clone().unwrap_or_default(),
            }),
            None => None,
        };
        if let Some(base) = &o.bridged_from {
            if !sets.is_empty() {
                return Err(ctx.field_error(&format!("{opath}.bridged_from"), format!("{base:?}"), "allowed only on an output with no figures of its own (it is derived from the named one)".into()));
            }
            if !f
                .outputs
                .iter()
                .any(|x| x.name.eq_ignore_ascii_case(base) && x.bridged_from.is_none())
            {
                return Err(ctx.field_error(
                    &format!("{opath}.bridged_from"),
                    format!("{base:?}"),
                    format!(
                        "allowed: the name of another output of this amplifier ({})",
                        f.outputs
                            .iter()
                            .filter(|x| x.bridged_from.is_none())
                            .map(|x| x.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            out.bridged_from = Some(base.clone());
        }
        outputs.push(out);
    }
    Ok(AmpDevice {
        amplifier: Amplifier {
            name: meta.name(),
            outputs,
        },
        meta,
        category: f.category,
        class: f.class,
    })
}

fn build_headphone(
    ctx: &Ctx,
    f: HeadphoneFile,
    read_curve: &dyn Fn(&str) -> Result<String>,
) -> Result<LoadDevice> {
    let meta = meta(ctx, f.id, &f.brand, &f.model, f.source.clone())?;
    let nominal = f
        .impedance_ohm
        .map(|z| ctx.range("impedance_ohm", z, 0.0, true, 100_000.0, "Ω"))
        .transpose()?;
    let sensitivity = match (f.sensitivity_db, f.sensitivity_unit) {
        (Some(v), Some(unit)) => Some(Sensitivity {
            value_db: ctx.range("sensitivity_db", v, 50.0, false, 150.0, "dB SPL")?,
            unit,
        }),
        (Some(v), None) => {
            return Err(Error::Field {
                file: ctx.file.into(),
                line: ctx.line_of("sensitivity_db", None),
                field: "sensitivity_unit".into(),
                value: format!("(missing, for sensitivity_db = {})", fmt_value(v)),
                allowed: "required with sensitivity_db: \"dB/mW\", \"dB/V\" or \"unknown\"".into(),
            });
        }
        (None, Some(_)) => {
            return Err(ctx.field_error(
                "sensitivity_unit",
                "(without sensitivity_db)".into(),
                "allowed only together with sensitivity_db".into(),
            ));
        }
        (None, None) => None,
    };
    let max_input_power_w = f
        .max_input_power_mw
        .map(|p| {
            ctx.range("max_input_power_mw", p, 0.0, true, 1e7, "mW")
                .map(|p| p / 1000.0)
        })
        .transpose()?;
    let mut notes = vec![];
    let impedance = match f.impedance_curve {
        None => None,
        Some(c) => Some(curve_model(ctx, c, read_curve, &mut notes)?),
    };
    let mut load = Load::headphone(&meta.name(), f.form);
    load.nominal_impedance_ohm = nominal;
    load.sensitivity = sensitivity;
    load.impedance = impedance;
    load.max_input_power_w = max_input_power_w;
    load.confidence = f.confidence.unwrap_or(Confidence::User);
    load.notes = notes;
    Ok(LoadDevice {
        meta,
        driver: f.driver,
        load,
    })
}

fn curve_model(
    ctx: &Ctx,
    c: CurveFile,
    read_curve: &dyn Fn(&str) -> Result<String>,
    notes: &mut Vec<String>,
) -> Result<ImpedanceModel> {
    match (c.file, c.model.as_deref()) {
        (Some(file), None) => {
            let text = read_curve(&file).map_err(|e| {
                ctx.field_error(
                    "impedance_curve.file",
                    format!("{file:?}"),
                    format!(
                        "cannot be read ({e}); allowed: a .zma file, relative to this device file"
                    ),
                )
            })?;
            let mut curve = parse_zma(&text, &file)?;
            if c.phase_known == Some(false) {
                curve.phase_known = false;
            }
            if let Some(s) = c.source {
                notes.push(format!("impedance curve from {s}"));
            }
            Ok(ImpedanceModel::Measured(curve))
        }
        (None, Some("resonance")) => {
            let need = |k: &str, v: Option<f64>| {
                v.ok_or_else(|| {
                    ctx.missing(
                        &format!("impedance_curve.{k}"),
                        "a number (resonance model: re_ohm, fs_hz, qms, qes; le_mh optional)",
                    )
                })
            };
            let re = ctx.range(
                "impedance_curve.re_ohm",
                need("re_ohm", c.re_ohm)?,
                0.0,
                true,
                10_000.0,
                "Ω",
            )?;
            let fs = ctx.range(
                "impedance_curve.fs_hz",
                need("fs_hz", c.fs_hz)?,
                0.0,
                true,
                100_000.0,
                "Hz",
            )?;
            let qms = ctx.range(
                "impedance_curve.qms",
                need("qms", c.qms)?,
                0.0,
                true,
                1000.0,
                "",
            )?;
            let qes = ctx.range(
                "impedance_curve.qes",
                need("qes", c.qes)?,
                0.0,
                true,
                1000.0,
                "",
            )?;
            let le = ctx.range(
                "impedance_curve.le_mh",
                c.le_mh.unwrap_or(0.0),
                0.0,
                false,
                100.0,
                "mH",
            )?;
            let d = DriverResonance::new(re, le / 1000.0, fs, qms, qes).map_err(|e| {
                ctx.field_error("impedance_curve", "resonance".into(), e.to_string())
            })?;
            Ok(ImpedanceModel::Resonance(d))
        }
        (None, Some(other)) => Err(ctx.field_error(
            "impedance_curve.model",
            format!("{other:?}"),
            "allowed: \"resonance\" (or give file = \"curve.zma\")".into(),
        )),
        (Some(_), Some(_)) => Err(ctx.field_error(
            "impedance_curve.model",
            "(with file)".into(),
            "allowed: either file or model, not both".into(),
        )),
        (None, None) => Err(ctx.missing(
            "impedance_curve.file",
            "a .zma file path, or model = \"resonance\" with its parameters",
        )),
    }
}
