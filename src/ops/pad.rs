//! Border modes for the network's convolutions (--padding): pad, crop and their transposes embed
//! and fold (shaders/pad.wgsl), so that a replicate- or reflect-padded convolution runs as the
//! zero-padded one on a padded image (kernels that read the border themselves skip pad and crop:
//! see `conv::forward_padded`).
use crate::gpu::shaders::{read, read_write, Binding};
use crate::gpu::{Gpu, Kernel, Plan, Shader, Tensor};
use crate::ops::dims3;

/// How a convolution sees beyond the image's edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Padding {
    /// Zeros (in network space: the ImageNet mean colour), as VGG was trained.
    Zero,
    /// The edge pixel repeated.
    Replicate,
    /// Mirrored about the edge pixel (a 1-pixel side repeats instead).
    Reflect,
}

impl Padding {
    /// The `mode`/`border` value the shaders take.
    pub fn mode(self) -> u32 {
        match self {
            Padding::Zero => 0,
            Padding::Replicate => 1,
            Padding::Reflect => 2,
        }
    }
}

const BINDINGS: &[Binding] = &[read(1, "src"), read_write(2, "dst")];
pub const PAD: Kernel = Kernel::new(Shader::Pad, "pad", BINDINGS);
pub const CROP: Kernel = Kernel::new(Shader::Pad, "crop", BINDINGS);
pub const EMBED: Kernel = Kernel::new(Shader::Pad, "embed", BINDINGS);
pub const FOLD: Kernel = Kernel::new(Shader::Pad, "fold", BINDINGS);
pub const KERNELS: &[Kernel] = &[PAD, CROP, EMBED, FOLD];

crate::shader_params! {
    /// `struct Params` of shaders/pad.wgsl.
    pub struct PadParams for Shader::Pad { c: u32, h: u32, w: u32, mode: u32 }
}

/// The padded shape of an image shape [C, H, W].
pub fn padded_shape(shape: &[usize]) -> [usize; 3] {
    let (c, h, w) = dims3(shape);
    [c, h + 2, w + 2]
}

fn params(image: &Tensor, mode: Padding) -> PadParams {
    let (c, h, w) = dims3(&image.shape);
    PadParams { c: c as u32, h: h as u32, w: w as u32, mode: mode.mode() }
}

/// Workgroups covering a [C, rows, cols] plane: columns along x (WG per group), rows along y,
/// channels along z.
fn grid(c: usize, rows: usize, cols: usize) -> [u32; 3] {
    [cols.div_ceil(crate::gpu::WG as usize) as u32, rows as u32, c as u32]
}

fn check(image: &Tensor, padded: &Tensor) {
    let (c, h, w) = dims3(&padded.shape);
    assert_eq!(padded_shape(&image.shape), [c, h, w], "padded shape");
}

/// padded [C, H+2, W+2] = `image` [C, H, W] padded by one pixel in `mode` (not Zero).
pub fn pad(gpu: &Gpu, plan: &mut Plan, mode: Padding, image: &Tensor, padded: &Tensor) {
    check(image, padded);
    assert_ne!(mode, Padding::Zero, "zero padding needs no pad pass");
    let (c, h, w) = dims3(&padded.shape);
    plan.dispatch(gpu, &PAD, &params(image, mode), &[&image.buffer, &padded.buffer], grid(c, h, w));
}

/// image [C, H, W] = the centre of `padded`.
pub fn crop(gpu: &Gpu, plan: &mut Plan, padded: &Tensor, image: &Tensor) {
    check(image, padded);
    let (c, h, w) = dims3(&image.shape);
    plan.dispatch(gpu, &CROP, &params(image, Padding::Zero), &[&padded.buffer, &image.buffer], grid(c, h, w));
}

/// padded = `image` in the centre, zeros on the ring (the transpose of crop).
pub fn embed(gpu: &Gpu, plan: &mut Plan, image: &Tensor, padded: &Tensor) {
    check(image, padded);
    let (c, h, w) = dims3(&padded.shape);
    plan.dispatch(gpu, &EMBED, &params(image, Padding::Zero), &[&image.buffer, &padded.buffer], grid(c, h, w));
}

/// image = the transpose of pad in `mode` applied to `padded` (gradients of the padded image
/// back onto the pixels they were read from).
pub fn fold(gpu: &Gpu, plan: &mut Plan, mode: Padding, padded: &Tensor, image: &Tensor) {
    check(image, padded);
    let (c, h, w) = dims3(&image.shape);
    plan.dispatch(gpu, &FOLD, &params(image, mode), &[&padded.buffer, &image.buffer], grid(c, h, w));
}

// --- CPU references ---

/// The image coordinate padded coordinate v (-1 ..= n) reads.
fn source_cpu(mode: Padding, v: isize, n: isize) -> isize {
    let mut r = v;
    if mode == Padding::Reflect && n >= 2 {
        if r < 0 {
            r = -r;
        }
        if r >= n {
            r = 2 * (n - 1) - r;
        }
    }
    r.clamp(0, n - 1)
}

pub fn pad_cpu(mode: Padding, x: &[f32], c: usize, h: usize, w: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(c * (h + 2) * (w + 2));
    for ch in 0..c {
        for y in -1..=h as isize {
            for xx in -1..=w as isize {
                let (sy, sx) = (source_cpu(mode, y, h as isize), source_cpu(mode, xx, w as isize));
                out.push(x[(ch * h + sy as usize) * w + sx as usize]);
            }
        }
    }
    out
}

pub fn crop_cpu(padded: &[f32], c: usize, h: usize, w: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(c * h * w);
    for ch in 0..c {
        for y in 0..h {
            for x in 0..w {
                out.push(padded[(ch * (h + 2) + y + 1) * (w + 2) + x + 1]);
            }
        }
    }
    out
}

/// The transpose of [`pad_cpu`], as a scatter (independent of the GPU's gather).
pub fn fold_cpu(mode: Padding, padded: &[f32], c: usize, h: usize, w: usize) -> Vec<f32> {
    let mut out = vec![0.0f64; c * h * w];
    for ch in 0..c {
        for y in -1..=h as isize {
            for x in -1..=w as isize {
                let (sy, sx) = (source_cpu(mode, y, h as isize), source_cpu(mode, x, w as isize));
                let v = padded[(ch * (h + 2) + (y + 1) as usize) * (w + 2) + (x + 1) as usize];
                out[(ch * h + sy as usize) * w + sx as usize] += v as f64;
            }
        }
    }
    out.into_iter().map(|v| v as f32).collect()
}

/// The transpose of [`crop_cpu`].
pub fn embed_cpu(x: &[f32], c: usize, h: usize, w: usize) -> Vec<f32> {
    let mut out = vec![0.0; c * (h + 2) * (w + 2)];
    for ch in 0..c {
        for y in 0..h {
            for xx in 0..w {
                out[(ch * (h + 2) + y + 1) * (w + 2) + xx + 1] = x[(ch * h + y) * w + xx];
            }
        }
    }
    out
}
