//! Image pre/post-processing on the GPU: packed RGBA8 <-> planar [3, H, W] minus the ImageNet mean.
use crate::gpu::shaders::read_write;
use crate::gpu::{Gpu, Kernel, Plan, Shader, Tensor};
use crate::ops::{dims3, IMAGENET_MEAN};

pub const PREPROCESS: Kernel =
    Kernel::new(Shader::Image, "preprocess", &[read_write(1, "rgba"), read_write(2, "planar")]);
pub const POSTPROCESS: Kernel =
    Kernel::new(Shader::Image, "postprocess", &[read_write(1, "rgba"), read_write(2, "planar")]);
pub const KERNELS: &[Kernel] = &[PREPROCESS, POSTPROCESS];

crate::shader_params! {
    /// `struct Params` of shaders/image.wgsl.
    pub struct ImageParams for Shader::Image { n: u32, _pad: [u32; 3], mean: [f32; 4] }
}

fn params(n: usize) -> ImageParams {
    let [r, g, b] = IMAGENET_MEAN;
    ImageParams { n: n as u32, mean: [r, g, b, 0.0], ..Default::default() }
}

/// planar [3, H, W] = RGB (0..255) of `rgba` (one packed u32 per pixel) minus the mean.
pub fn preprocess(gpu: &Gpu, plan: &mut Plan, rgba: &Tensor, planar: &Tensor) {
    let (c, h, w) = dims3(&planar.shape);
    assert_eq!(c, 3, "preprocess makes 3 channels");
    assert_eq!(rgba.len(), h * w, "preprocess pixel count");
    plan.dispatch_1d(gpu, &PREPROCESS, &params(h * w), &[&rgba.buffer, &planar.buffer], h * w);
}

/// rgba (packed u32, alpha 255) = clamp(round(planar + mean), 0, 255).
pub fn postprocess(gpu: &Gpu, plan: &mut Plan, planar: &Tensor, rgba: &Tensor) {
    let (c, h, w) = dims3(&planar.shape);
    assert_eq!(c, 3, "postprocess takes 3 channels");
    assert_eq!(rgba.len(), h * w, "postprocess pixel count");
    plan.dispatch_1d(gpu, &POSTPROCESS, &params(h * w), &[&rgba.buffer, &planar.buffer], h * w);
}

/// Pack RGB bytes (interleaved) into one u32 per pixel, R in the low byte, alpha 255.
pub fn pack_rgb(rgb: &[u8]) -> Vec<u32> {
    rgb.chunks_exact(3).map(|p| p[0] as u32 | (p[1] as u32) << 8 | (p[2] as u32) << 16 | 0xff00_0000).collect()
}

/// Inverse of [`pack_rgb`] (alpha dropped).
pub fn unpack_rgb(px: &[u32]) -> Vec<u8> {
    px.iter().flat_map(|&p| [p as u8, (p >> 8) as u8, (p >> 16) as u8]).collect()
}

pub fn preprocess_cpu(rgb: &[u8]) -> Vec<f32> {
    let n = rgb.len() / 3;
    let mut out = vec![0.0; 3 * n];
    for i in 0..n {
        for c in 0..3 {
            out[c * n + i] = rgb[i * 3 + c] as f32 - IMAGENET_MEAN[c];
        }
    }
    out
}

pub fn postprocess_cpu(planar: &[f32]) -> Vec<u8> {
    let n = planar.len() / 3;
    let mut out = vec![0u8; 3 * n];
    for i in 0..n {
        for c in 0..3 {
            // WGSL round() rounds halves to even; so does the reference.
            out[i * 3 + c] = (planar[c * n + i] + IMAGENET_MEAN[c]).round_ties_even().clamp(0.0, 255.0) as u8;
        }
    }
    out
}
