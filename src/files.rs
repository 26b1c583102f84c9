//! Files written whole or not at all.
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// `value` as pretty JSON (with a final newline) at `path`, written whole or not at all.
pub fn write_json_atomic(path: &Path, value: &impl serde::Serialize) -> Result<()> {
    let text = serde_json::to_string_pretty(value).expect("plain data serialises") + "\n";
    write_atomic(path, |tmp| std::fs::write(tmp, text))
}

/// Write `path` through a temporary file beside it and a rename, creating its folder first: a
/// reader, or a run stopped midway, never sees half a file. The temporary name is unique per
/// process and call, so two writers of one path never share it; it is removed when `write` or
/// the rename fails. `write` fills the temporary file.
pub fn write_atomic<E: std::fmt::Display>(path: &Path, write: impl FnOnce(&Path) -> Result<(), E>) -> Result<()> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::file(dir, format!("cannot create directory: {e}")))?;
    }
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}-{n}.tmp", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let done = write(&tmp).map_err(|e| Error::file(&tmp, format!("cannot write: {e}"))).and_then(|_| {
        std::fs::rename(&tmp, path).map_err(|e| Error::file(path, format!("cannot rename into place: {e}")))
    });
    if done.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    done
}
