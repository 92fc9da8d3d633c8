//! Device files, measurement imports, the built-in catalog and name search.
//!
//! Devices are TOML files (see `docs/devices.md`). The catalog under `data/` is embedded in
//! the binary at build time; user files are read from disk. Every error names the file,
//! the line, the field, the value and what is allowed.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod catalog;
mod device;
pub mod eq;
mod error;
pub mod formats;
pub mod lint;
mod names;
mod slug;
mod twins;
pub mod wdr;
pub mod zma;

pub use catalog::{Catalog, Entry, Match};
pub use device::{
    AmpDevice, DEFAULT_QL, Device, DeviceKind, DeviceType, EnclosureFile, LoadDevice, Meta,
    device_from_json, parse_device, read_device_file,
};
pub use error::{Error, Result};
pub use slug::slug;

/// A commented device-file template for `type` ("amplifier", "headphone" or "speaker"): every
/// key a person fills in, with its unit and what it is for; valid as it stands.
pub fn template(device_type: DeviceType) -> Option<&'static str> {
    match device_type {
        DeviceType::Amplifier => Some(include_str!("templates/amplifier.toml")),
        DeviceType::Headphone => Some(include_str!("templates/headphone.toml")),
        DeviceType::Speaker => Some(include_str!("templates/speaker.toml")),
        DeviceType::Driver => None,
    }
}
