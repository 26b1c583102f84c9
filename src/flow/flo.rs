//! Middlebury .flo files: float32 magic 202021.25, int32 width, int32 height, then (u, v)
//! interleaved row-major, little-endian.
use std::path::Path;

use crate::error::{Error, Result};

const MAGIC: f32 = 202021.25;

/// Planar flow [2, H, W] with its size.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowField {
    pub width: usize,
    pub height: usize,
    /// u plane then v plane.
    pub data: Vec<f32>,
}

pub fn decode(path: &Path, bytes: &[u8]) -> Result<FlowField> {
    let bad = |msg: String| Error::file(path, msg);
    if bytes.len() < 12 {
        return Err(bad(format!("too short for a .flo header ({} bytes)", bytes.len())));
    }
    let magic = f32::from_le_bytes(bytes[0..4].try_into().unwrap());
    if magic != MAGIC {
        return Err(bad(format!("bad magic number {magic} (a Middlebury .flo file starts with {MAGIC})")));
    }
    let w = i32::from_le_bytes(bytes[4..8].try_into().unwrap());
    let h = i32::from_le_bytes(bytes[8..12].try_into().unwrap());
    if w <= 0 || h <= 0 || w > 1 << 16 || h > 1 << 16 {
        return Err(bad(format!("implausible size {w}x{h}")));
    }
    let (w, h) = (w as usize, h as usize);
    let want = 12 + w * h * 8;
    if bytes.len() != want {
        return Err(bad(format!(
            "{w}x{h} flow needs {want} bytes, the file has {} (truncated or corrupt)",
            bytes.len()
        )));
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

pub fn read(path: &Path) -> Result<FlowField> {
    let bytes = std::fs::read(path).map_err(|e| Error::file(path, format!("cannot read: {e}")))?;
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
    let tmp = path.with_extension("flo.tmp");
    std::fs::write(&tmp, encode(f)).map_err(|e| Error::file(&tmp, format!("cannot write: {e}")))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::file(path, format!("cannot rename into place: {e}")))
}
