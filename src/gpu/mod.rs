//! GPU plumbing: device creation, tensors (buffer + shape), the pipeline cache and recorded plans.
mod context;
pub mod params;
mod plan;
pub mod shaders;
mod tensor;
pub mod timing;
pub mod tune;

pub use context::{AdapterSummary, Gpu};
pub use params::ShaderParams;
pub use plan::{groups_for, Plan};
pub use shaders::{Kernel, Shader};
pub use tensor::{read_words, Tensor};

/// Threads per workgroup of every 1-D kernel: the `WG` constant of `shaders/common.wgsl`.
pub const WG: u32 = 64;
