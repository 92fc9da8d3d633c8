//! Resolving devices: a catalog name or id, a device file on disk (where the front-end
//! allows files), or a device given inline as JSON.

use std::path::Path;

use ampmatch_catalog::formats::Format;
use ampmatch_catalog::{
    AmpDevice, Catalog, Device, DeviceKind, Entry, LoadDevice, device_from_json, read_device_file,
};

use crate::{Error, Result};

/// Where catalog devices come from: the catalog, and a way to load (and perhaps cache) an
/// entry's device.
pub trait Devices {
    /// The catalog to search.
    fn catalog(&self) -> &Catalog;

    /// The device of an entry; a server may cache it (the catalog never changes).
    fn load(&self, entry: &'static Entry) -> ampmatch_catalog::Result<Device> {
        self.catalog().load(entry)
    }
}

impl Devices for Catalog {
    fn catalog(&self) -> &Catalog {
        self
    }
}

/// Whether a name may be a path to a device file on this machine's disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileAccess {
    /// The CLI: a user's own files.
    Allowed,
    /// A server: a request never reads files from the server's disk.
    Denied,
}

/// A device named by a user.
#[derive(Debug, Clone, PartialEq)]
pub enum DeviceRef {
    /// A catalog name or id (or, with [`FileAccess::Allowed`], a device file's path).
    Name(String),
    /// A device in the device-file schema, as a JSON object.
    Inline(serde_json::Value),
}

fn resolve(
    devices: &dyn Devices,
    r: &DeviceRef,
    side: DeviceKind,
    files: FileAccess,
    label: &str,
) -> Result<Device> {
    let device = match r {
        DeviceRef::Name(name) => {
            let path = Path::new(name);
            let is_file = Format::of_path(path) == Some(Format::Device) || path.is_file();
            if files == FileAccess::Allowed && is_file {
                read_device_file(path)?
            } else {
                let entry = devices.catalog().resolve_entry(name, side)?;
                devices.load(entry)?
            }
        }
        DeviceRef::Inline(value) => device_from_json(value, label)?,
    };
    if device.kind() != side {
        return Err(Error::Catalog(ampmatch_catalog::Error::WrongSide {
            name: device.meta().name(),
            is: device.kind().as_str().into(),
            wanted: side.as_str().into(),
        }));
    }
    Ok(device)
}

/// The amplifier `r` names; `label` names an inline device in errors.
pub fn resolve_amp(
    devices: &dyn Devices,
    r: &DeviceRef,
    files: FileAccess,
    label: &str,
) -> Result<AmpDevice> {
    match resolve(devices, r, DeviceKind::Amplifier, files, label)? {
        Device::Amplifier(a) => Ok(a),
        Device::Load(_) => unreachable!("resolve checks the side"),
    }
}

/// The load `r` names; `label` names an inline device in errors.
pub fn resolve_load(
    devices: &dyn Devices,
    r: &DeviceRef,
    files: FileAccess,
    label: &str,
) -> Result<LoadDevice> {
    match resolve(devices, r, DeviceKind::Load, files, label)? {
        Device::Load(l) => Ok(l),
        Device::Amplifier(_) => unreachable!("resolve checks the side"),
    }
}
