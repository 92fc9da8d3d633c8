//! One registry of the file formats ampmatch reads, so a caller never checks extensions
//! itself: a format is found by its extension, and importing turns a file into what the
//! project keeps (a device file, or a clean .zma/.frd curve).
//!
//! Adding a format: a [`Format`] variant, a row in [`FORMATS`], and its arm in [`import`].

use std::path::Path;

use crate::device::{Device, parse_device};
use crate::error::{Error, Result};
use crate::{wdr, zma};

/// A file format ampmatch reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A device file (TOML, docs/devices.md).
    Device,
    /// An impedance curve: frequency, |Z|, phase (.zma, REW impedance export).
    Impedance,
    /// A response curve: frequency, dB, phase (.frd, REW response export).
    Response,
    /// A WinISD driver file.
    Wdr,
}

/// What the registry knows of a format.
#[derive(Debug, Clone, Copy)]
pub struct FormatInfo {
    /// The format.
    pub format: Format,
    /// File extensions, lower case, without the dot.
    pub extensions: &'static [&'static str],
    /// What it holds, for help texts.
    pub description: &'static str,
    /// The extensions an import of it may be written to.
    pub imports_to: &'static [&'static str],
}

/// Every format, first match wins for an extension.
pub const FORMATS: &[FormatInfo] = &[
    FormatInfo {
        format: Format::Device,
        extensions: &["toml"],
        description: "device file (TOML)",
        imports_to: &["toml"],
    },
    FormatInfo {
        format: Format::Impedance,
        extensions: &["zma"],
        description: "impedance curve (.zma or REW export: Hz, Ω, degrees)",
        imports_to: &["zma"],
    },
    FormatInfo {
        format: Format::Response,
        extensions: &["frd"],
        description: "response curve (.frd or REW export: Hz, dB, degrees)",
        imports_to: &["frd"],
    },
    FormatInfo {
        format: Format::Wdr,
        extensions: &["wdr"],
        description: "WinISD driver (.wdr)",
        imports_to: &["toml"],
    },
];

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

impl Format {
    /// The format a path's extension names, if any.
    pub fn of_path(path: &Path) -> Option<Format> {
        let ext = extension(path);
        FORMATS
            .iter()
            .find(|f| f.extensions.contains(&ext.as_str()))
            .map(|f| f.format)
    }

    /// What the registry knows of it.
    pub fn info(self) -> &'static FormatInfo {
        FORMATS
            .iter()
            .find(|f| f.format == self)
            .expect("every format has a row")
    }
}

/// The result of an import: a file's text in the project's format, and the device it
/// describes when it is a device file.
#[derive(Debug)]
pub struct Imported {
    /// The text to write (a device file, a .zma or a .frd).
    pub text: String,
    /// The format of `text`.
    pub format: Format,
    /// The device, validated, when `text` is a device file.
    pub device: Option<Device>,
}

/// Decides what a file holds from its own extension, the destination's, or an explicit
/// `as_format` (for a REW text export printed to the terminal), in that order of trust:
/// `as_format` first, then the destination, then the source.
pub fn import_format(
    source: &Path,
    destination: Option<&Path>,
    as_format: Option<Format>,
) -> Result<Format> {
    let label = source.display().to_string();
    let src = Format::of_path(source);
    if src == Some(Format::Wdr) || src == Some(Format::Device) {
        let f = src.expect("checked");
        if let Some(d) = destination
            && !f.info().imports_to.contains(&extension(d).as_str())
        {
            return Err(Error::Import {
                file: label,
                message: format!(
                    "a {} imports to a device file: give a .toml path",
                    f.info().description
                ),
            });
        }
        return Ok(f);
    }
    let curve = |f: Option<Format>| f.filter(|f| matches!(f, Format::Impedance | Format::Response));
    curve(as_format)
        .or_else(|| curve(destination.and_then(Format::of_path)))
        .or_else(|| curve(src))
        .ok_or_else(|| Error::Import {
            file: label.clone(),
            message: format!(
                "say what {label} holds: --as impedance or --as response (or --out FILE.zma / FILE.frd)"
            ),
        })
}

/// Imports `text` (from `label`) as `format` into the project's own form.
pub fn import(text: &str, label: &str, format: Format) -> Result<Imported> {
    let title = format!("imported from {label}");
    Ok(match format {
        Format::Wdr | Format::Device => {
            // The result must be a valid device file (the .wdr importer checks its own).
            let (toml, device) = match format {
                Format::Wdr => wdr::wdr_import(text, label)?,
                _ => (
                    text.to_string(),
                    parse_device(text, label, &crate::device::no_curve_files)?,
                ),
            };
            Imported {
                text: toml,
                format: Format::Device,
                device: Some(device),
            }
        }
        Format::Impedance => Imported {
            text: zma::write_zma(&zma::parse_zma(text, label)?, &title),
            format,
            device: None,
        },
        Format::Response => Imported {
            text: zma::write_frd(&zma::parse_frd(text, label)?, &title),
            format,
            device: None,
        },
    })
}
