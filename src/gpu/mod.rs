//! GPU plumbing: device creation, tensors (buffer + shape), the pipeline cache and recorded plans.
mod context;
mod plan;
mod tensor;

pub use context::{AdapterSummary, Gpu};
pub use plan::{groups_1d, groups_for, Params, Plan};
pub use tensor::{read_words, Tensor};

/// Threads per workgroup used by every 1-D kernel (the `WG` constant in the shaders).
pub const WG: u32 = 64;
