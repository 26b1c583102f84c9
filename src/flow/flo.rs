//! Middlebury .flo files: float32 magic 202021.25, int32 width, int32 height, then (u, v)
//! interleaved row-major, little-endian.
use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

const MAGIC: f32 = 202021.25;

/// Middlebury marks a pixel's flow as unknown with a component above this in magnitude (its
/// files use 1e10); [`is_known`] also treats NaN and infinite components as unknown.
pub const UNKNOWN_FLOW_THRESH: f32 = 1e9;

/// Whether a ground-truth flow vector is known: both components finite and at most
/// [`UNKNOWN_FLOW_THRESH`] in magnitude.
pub fn is_known(u: f32, v: f32) -> bool {
    u.abs() <= UNKNOWN_FLOW_THRESH && v.abs() <= UNKNOWN_FLOW_THRESH
}

/// Planar flow [2, H, W] with its size.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowField {
    pub width: usize,
    pub height: usize,
    /// u plane then v plane.
    pub data: Vec<f32>,
}

/// The size a .flo header gives (and the file's whole length in bytes), checked.
fn header(path: &Path, bytes: &[u8]) -> Result<(usize, usize, usize)> {
    let bad = |msg: String| Error::file(path, msg);
    if bytes.len() < 12 {
        return Err(bad(format!("too short for a .flo header ({} bytes, expected at least 12)", bytes.len())));
    }
    let magic = f32::from_le_bytes(bytes[0..4].try_into().unwrap());
    if magic != MAGIC {
        return Err(bad(format!("bad magic number {magic} (a Middlebury .flo file starts with {MAGIC})")));
    }
    let w = i32::from_le_bytes(bytes[4..8].try_into().unwrap());
    let h = i32::from_le_bytes(bytes[8..12].try_into().unwrap());
    if w <= 0 || h <= 0 || w > 1 << 16 || h > 1 << 16 {
        return Err(bad(format!("implausible size {w}x{h} (expected 1 to 65536 pixels a side)")));
    }
    let (w, h) = (w as usize, h as usize);
    Ok((w, h, 12 + w * h * 8))
}

pub fn decode(path: &Path, bytes: &[u8]) -> Result<FlowField> {
    let (w, h, want) = header(path, bytes)?;
    if bytes.len() != want {
        let why = if bytes.len() < want { "truncated or corrupt" } else { "trailing data or corrupt" };
        return Err(Error::file(
            path,
            format!("{w}x{h} flow needs {want} bytes, the file has {} ({why})", bytes.len()),
        ));
    }
    let n = w * h;
    let mut data = vec![0.0; 2 * n];
    for i in 0..n {
        let o = 12 + i * 8;
        data[i] = f32::from_le_bytes(bytes[o..o + 4].try_into().unwrap());
        data[n + i] = f32::from_le_bytes(bytes[o + 4..o + 8].try_into().unwrap());
    }
    Ok(FlowField { width: w, height: h, data })
}

/// Read a .flo file; see [`read_from`].
pub fn read(path: &Path) -> Result<FlowField> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::file(path, format!("cannot read: {e}")))?;
    read_from(path, &mut f)
}

/// Read a .flo file from `r` (`path` names it in errors), never more than one byte past the
/// length its header gives, so a huge or endless input (a device such as /dev/zero) is rejected
/// without being read whole.
pub fn read_from(path: &Path, r: &mut impl Read) -> Result<FlowField> {
    let cannot = |e: std::io::Error| Error::file(path, format!("cannot read: {e}"));
    let mut bytes = Vec::new();
    Read::take(&mut *r, 12).read_to_end(&mut bytes).map_err(cannot)?;
    let (w, h, want) = header(path, &bytes)?;
    Read::take(&mut *r, (want - 12) as u64 + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() > want {
        return Err(Error::file(
            path,
            format!("{w}x{h} flow needs {want} bytes, the file has more (trailing data or corrupt)"),
        ));
    }
    decode(path, &bytes)
}

pub fn encode(f: &FlowField) -> Vec<u8> {
    let n = f.width * f.height;
    let mut out = Vec::with_capacity(12 + 8 * n);
    out.extend_from_slice(&MAGIC.to_le_bytes());
    out.extend_from_slice(&(f.width as i32).to_le_bytes());
    out.extend_from_slice(&(f.height as i32).to_le_bytes());
    for i in 0..n {
        out.extend_from_slice(&f.data[i].to_le_bytes());
        out.extend_from_slice(&f.data[n + i].to_le_bytes());
    }
    out
}

/// Write atomically (temporary file, then rename).
pub fn write(path: &Path, f: &FlowField) -> Result<()> {
    crate::files::write_atomic(path, |tmp| std::fs::write(tmp, encode(f)))
}
