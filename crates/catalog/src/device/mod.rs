//! Device files: TOML descriptions of amplifiers and loads (format in docs/devices.md),
//! validated into the core's models.
//!
//! [`schema`] is what a file may say; [`locate`] turns a bad value into an error naming
//! file, line, field, value and what is allowed; [`amp`] and [`load`] build the core's
//! models, with [`claims`] deciding between sources that disagree.

mod amp;
mod claims;
mod load;
mod locate;
mod schema;

use std::path::Path;

use ampmatch_core::amplifier::Amplifier;
use ampmatch_core::load::{Load, LoadKind};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::slug::slug;
pub use load::MIN_LOAD_OHM;
pub(crate) use locate::fmt_value;
use locate::{Ctx, check_id, check_name};
use schema::{AmpFile, HeadphoneFile, Probe, SpeakerFile};
pub use schema::{DEFAULT_QL, EnclosureFile};

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
}

/// What a device is: a device file's `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceType {
    /// Anything with outputs: headphone amps, DAC-amps, dongles, integrated and power amps.
    Amplifier,
    /// A headphone or an in-ear monitor.
    Headphone,
    /// A finished loudspeaker.
    Speaker,
    /// A raw driver (with Thiele-Small parameters).
    Driver,
}

impl DeviceType {
    /// Every type, in the order files document them.
    pub const ALL: [DeviceType; 4] = [
        DeviceType::Amplifier,
        DeviceType::Headphone,
        DeviceType::Speaker,
        DeviceType::Driver,
    ];

    /// The `type` as written in a device file.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceType::Amplifier => "amplifier",
            DeviceType::Headphone => "headphone",
            DeviceType::Speaker => "speaker",
            DeviceType::Driver => "driver",
        }
    }

    /// The type a file's `type` names.
    pub fn parse(type_name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == type_name)
    }

    /// Which side of a pairing it sits on.
    pub fn side(self) -> DeviceKind {
        match self {
            DeviceType::Amplifier => DeviceKind::Amplifier,
            _ => DeviceKind::Load,
        }
    }
}

impl std::fmt::Display for DeviceType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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
#[allow(
    clippy::large_enum_variant,
    reason = "a device is built once per file and moved rarely; boxing would only add indirection to every use"
)]
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
        self.device_type().side()
    }

    /// What it is.
    pub fn device_type(&self) -> DeviceType {
        match self {
            Device::Amplifier(_) => DeviceType::Amplifier,
            Device::Load(l) => l.device_type(),
        }
    }
}

impl LoadDevice {
    /// Headphone, speaker or driver, from the model's kind.
    pub fn device_type(&self) -> DeviceType {
        match self.load.kind {
            LoadKind::Headphone { .. } => DeviceType::Headphone,
            LoadKind::Loudspeaker { finished: true } => DeviceType::Speaker,
            LoadKind::Loudspeaker { finished: false } => DeviceType::Driver,
        }
    }
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

/// The curve reader for a device file that stands alone (an import's result): it names
/// no curve files, so any it does name is an error.
pub(crate) fn no_curve_files(rel: &str) -> Result<String> {
    Err(Error::Io {
        path: rel.into(),
        message: "an imported device file names no curve file".into(),
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
    let of = |e: toml::de::Error| ctx.parse_error(e);
    build(&ctx, probe.kind.as_deref(), read_curve, |t| match t {
        DeviceType::Amplifier => toml::from_str(text).map(File::Amp).map_err(of),
        DeviceType::Headphone => toml::from_str(text).map(File::Headphone).map_err(of),
        DeviceType::Speaker | DeviceType::Driver => {
            toml::from_str(text).map(File::Speaker).map_err(of)
        }
    })
}

/// Validates a device given as a JSON object (an inline device in an API request) in the
/// device-file schema, straight from the JSON. `label` names it in errors; it may not
/// reference curve files.
pub fn device_from_json(value: &serde_json::Value, label: &str) -> Result<Device> {
    let ctx = Ctx {
        file: label,
        text: "",
    };
    let of = |e: serde_json::Error| Error::Parse {
        file: label.into(),
        line: 0,
        message: e.to_string(),
    };
    let probe: Probe = serde_json::from_value(value.clone()).map_err(of)?;
    let no_files = |rel: &str| -> Result<String> {
        Err(Error::Io {
            path: rel.into(),
            message: "curve files cannot be referenced in a request".into(),
        })
    };
    build(&ctx, probe.kind.as_deref(), &no_files, |t| {
        let v = value.clone();
        match t {
            DeviceType::Amplifier => serde_json::from_value(v).map(File::Amp).map_err(of),
            DeviceType::Headphone => serde_json::from_value(v).map(File::Headphone).map_err(of),
            DeviceType::Speaker | DeviceType::Driver => {
                serde_json::from_value(v).map(File::Speaker).map_err(of)
            }
        }
    })
}

/// A device file read into its schema.
#[allow(
    clippy::large_enum_variant,
    reason = "one short-lived value per parsed file"
)]
enum File {
    Amp(AmpFile),
    Headphone(HeadphoneFile),
    Speaker(SpeakerFile),
}

/// Checks the `type`, reads the file into the schema for it, and builds the model.
fn build(
    ctx: &Ctx,
    type_name: Option<&str>,
    read_curve: &dyn Fn(&str) -> Result<String>,
    read: impl FnOnce(DeviceType) -> Result<File>,
) -> Result<Device> {
    let t = match type_name {
        Some(name) => DeviceType::parse(name)
            .ok_or_else(|| ctx.field_error("type", format!("{name:?}"), TYPES_ALLOWED.into()))?,
        None => return Err(ctx.missing("type", TYPES_ALLOWED)),
    };
    match read(t)? {
        File::Amp(f) => amp::build_amp(ctx, f).map(Device::Amplifier),
        File::Headphone(f) => load::build_headphone(ctx, f, read_curve).map(Device::Load),
        File::Speaker(f) => {
            load::build_speaker(ctx, f, t == DeviceType::Speaker, read_curve).map(Device::Load)
        }
    }
}

const TYPES_ALLOWED: &str = "allowed: \"amplifier\", \"headphone\", \"speaker\" or \"driver\"";

pub(crate) fn meta(
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
