//! Loading f32 tensors from safetensors files, with errors that name the file and the tensor.
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// All tensors of a safetensors file, read into host memory.
pub struct TensorFile {
    pub path: PathBuf,
    bytes: Vec<u8>,
}

impl TensorFile {
    pub fn open(path: &Path) -> Result<TensorFile> {
        // a device or a pipe (/dev/zero, a FIFO) would be read without end
        if path.exists() && !path.is_file() {
            let msg = "not a regular file (expected a .safetensors file)".to_string();
            return Err(Error::Weights { path: path.display().to_string(), msg });
        }
        let bytes = std::fs::read(path)
            .map_err(|e| Error::Weights { path: path.display().to_string(), msg: format!("cannot read: {e}") })?;
        check_offsets(&bytes).map_err(|msg| Error::Weights { path: path.display().to_string(), msg })?;
        safetensors::SafeTensors::deserialize(&bytes).map_err(|e| Error::Weights {
            path: path.display().to_string(),
            msg: format!("not a valid safetensors file: {e}"),
        })?;
        Ok(TensorFile { path: path.to_path_buf(), bytes })
    }

    fn err(&self, msg: String) -> Error {
        Error::Weights { path: self.path.display().to_string(), msg }
    }

    /// The f32 tensor `name`, which must have exactly `shape` (None: any shape).
    pub fn get(&self, name: &str, shape: Option<&[usize]>) -> Result<(Vec<usize>, Vec<f32>)> {
        let st = safetensors::SafeTensors::deserialize(&self.bytes).expect("validated when opened");
        let view = st.tensor(name).map_err(|_| self.err(format!("tensor `{name}` is missing")))?;
        if view.dtype() != safetensors::Dtype::F32 {
            return Err(self.err(format!("tensor `{name}` has dtype {:?}, expected F32", view.dtype())));
        }
        if let Some(want) = shape {
            if view.shape() != want {
                return Err(self.err(format!("tensor `{name}` has shape {:?}, expected {:?}", view.shape(), want)));
            }
        }
        let data = view.data().chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        Ok((view.shape().to_vec(), data))
    }
}

/// Data offsets past the end of the file, found before `safetensors` sees them: version 0.4 adds
/// the last offset to the header length unchecked, which panics in builds with overflow checks
/// (debug builds, `cargo test`) when the offset is near 2^64. Anything else is left to it.
fn check_offsets(bytes: &[u8]) -> std::result::Result<(), String> {
    let Some(n) = bytes.get(..8).map(|b| u64::from_le_bytes(b.try_into().unwrap())) else { return Ok(()) };
    let Some(header) = usize::try_from(n).ok().and_then(|n| bytes.get(8..n.checked_add(8)?)) else { return Ok(()) };
    let Ok(serde_json::Value::Object(tensors)) = serde_json::from_slice(header) else { return Ok(()) };
    for (name, info) in &tensors {
        let offsets = info.get("data_offsets").and_then(|o| o.as_array()).into_iter().flatten();
        if let Some(end) = offsets.filter_map(|o| o.as_u64()).find(|&o| o > bytes.len() as u64) {
            return Err(format!(
                "not a valid safetensors file: tensor `{name}` has a data offset of {end}, past the end of the \
                 {}-byte file",
                bytes.len()
            ));
        }
    }
    Ok(())
}
