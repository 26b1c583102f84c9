//! One error type for the library: every variant names what was wrong and what was expected.
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "no GPU adapter found{detail}.\n  paintflow needs a Vulkan, Metal or DX12 driver. Install your GPU's driver, \
         or on Debian/Ubuntu the CPU Vulkan driver: `sudo apt-get install mesa-vulkan-drivers libvulkan1`.\n  \
         WGPU_BACKEND (vulkan, metal, dx12, gl) and WGPU_ADAPTER_NAME choose among several."
    )]
    NoAdapter { detail: String },
    #[error("could not create a device on adapter '{adapter}': {source}")]
    Device { adapter: String, source: wgpu::RequestDeviceError },
    #[error("GPU error: {0}")]
    Gpu(String),
    #[error("{path}: {msg}")]
    File { path: PathBuf, msg: String },
    #[error("weights {path}: {msg}")]
    Weights { path: String, msg: String },
    #[error("{0}")]
    Invalid(String),
    #[error("{what} needs a buffer of {needed} bytes but this device's limit `{limit}` is {max} bytes; {hint}")]
    TooLarge { what: String, needed: u64, limit: &'static str, max: u64, hint: String },
    #[error("{0}")]
    NonFinite(String),
    /// The optimisation produced NaN/Inf; carries the last image whose losses were finite.
    #[error("{msg}")]
    Diverged { msg: String, last_good: Box<image::RgbImage> },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn file(path: impl Into<PathBuf>, msg: impl std::fmt::Display) -> Self {
        Error::File { path: path.into(), msg: msg.to_string() }
    }
}
