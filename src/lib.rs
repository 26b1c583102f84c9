//! paintflow: neural style transfer for images and video, every kernel a hand-written WGSL
//! compute shader run through wgpu, each next to a plain-Rust CPU reference.
pub mod bench;
pub mod error;
pub mod files;
pub mod flow;
pub mod gpu;
pub mod imageio;
pub mod ops;
pub mod rng;
pub mod segments;
pub mod style;
pub mod stylenet;
pub mod vgg;
pub mod video;
pub mod weights;
pub mod y4m;

pub use error::{Error, Result};
