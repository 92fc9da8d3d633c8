//! Writing files atomically: a temporary file beside the target, then a rename, so a
//! reader never sees half a file — with what a rename would silently get wrong handled
//! on purpose:
//! - the target's permission bits are kept (a rename would reset them to 644);
//! - a symlink is written through: the file it points to is replaced, the link stays;
//! - a FIFO or character device (`--out /dev/stdout`, a pipe) is written to directly —
//!   there is nothing to rename over;
//! - a directory, socket or block device, and a file with several hard links (a rename
//!   would silently split them), are refused with an error;
//! - temporary files are removed on error, and ones left by a killed run are removed the
//!   next time the same target is written.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// A file could not be written (not bad input: exit code 1).
#[derive(Debug)]
pub struct WriteError(pub String);

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WriteError {}

const TMP_SUFFIX: &str = ".ampmatch.tmp";

/// Where the bytes really go, decided from what `path` is now.
enum Destination {
    /// A regular file (existing or new) replaced by rename.
    Replace(PathBuf, Option<std::fs::Permissions>),
    /// A FIFO or character device, written in place.
    Stream(PathBuf),
}

fn destination(path: &Path) -> Result<Destination, WriteError> {
    let shown = path.display();
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Destination::Replace(path.to_path_buf(), None));
        }
        Err(e) => return Err(WriteError(format!("cannot write {shown}: {e}"))),
    };
    let (real, meta) = if meta.file_type().is_symlink() {
        let real = std::fs::canonicalize(path).map_err(|e| {
            WriteError(format!(
                "cannot write {shown}: it is a symlink whose target cannot be reached ({e})"
            ))
        })?;
        let m = std::fs::metadata(&real)
            .map_err(|e| WriteError(format!("cannot write {}: {e}", real.display())))?;
        (real, m)
    } else {
        (path.to_path_buf(), meta)
    };
    let ft = meta.file_type();
    if ft.is_file() {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if meta.nlink() > 1 {
                return Err(WriteError(format!(
                    "cannot write {shown}: it has {} hard links, and replacing it would leave \
                     the others with the old contents; write to another name",
                    meta.nlink()
                )));
            }
        }
        return Ok(Destination::Replace(real, Some(meta.permissions())));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() || ft.is_char_device() {
            return Ok(Destination::Stream(real));
        }
    }
    let what = if ft.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    };
    Err(WriteError(format!("cannot write {shown}: it is {what}")))
}

/// Removes temporary files a killed run left beside `target` (ours by name, their
/// process gone).
fn remove_stale_temps(dir: &Path, name: &str) {
    let prefix = format!(".{name}.");
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = file
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(TMP_SUFFIX))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let alive = pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists();
        if !alive {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Writes `contents` to `path` through a temporary file and a rename.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), WriteError> {
    let fail = |e: std::io::Error| WriteError(format!("cannot write {}: {e}", path.display()));
    let (target, permissions) = match destination(path)? {
        Destination::Stream(p) => {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(&p)
                .map_err(fail)?;
            return f.write_all(contents).and_then(|()| f.flush()).map_err(fail);
        }
        Destination::Replace(p, perm) => (p, perm),
    };
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    remove_stale_temps(&dir, &name);
    let tmp = dir.join(format!(".{name}.{}{TMP_SUFFIX}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents)?;
        if let Some(p) = permissions {
            f.set_permissions(p)?;
        }
        f.sync_all()?;
        std::fs::rename(&tmp, &target)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}
