//! The real-time mode: a feed-forward style network with 26 built-in styles and their blends
//! (weights/multistyle26.safetensors, see weights/README.md), run by our own kernels
//! (shaders/stylenet.wgsl). One pass for an image size is a plan recorded once; the style blend
//! lives in small buffers, so changing it records nothing. CPU twins of every kernel below.
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::gpu::shaders::{read, read_write, uniform};
use crate::gpu::{Gpu, Kernel, Plan, Shader, Tensor};
use crate::imageio::Rgb;
use crate::ops::pad::Padding;
use crate::ops::winograd::{self, WinoConv, WinoWeights};
use crate::weights::TensorFile;

/// Number of built-in styles.
pub const STYLES: usize = 26;

pub const REFLECT_PAD: Kernel = Kernel::new(Shader::StyleNet, "reflect_pad", &[read(1, "src"), read_write(2, "dst")]);
pub const CONV_KXK: Kernel =
    Kernel::new(Shader::StyleNet, "conv_kxk", &[read(1, "src"), read_write(2, "dst"), read(3, "wt")]);
pub const NORM_PARTIAL: Kernel =
    Kernel::new(Shader::StyleNet, "norm_partial", &[read(1, "src"), read_write(4, "stats")]);
pub const NORM_PARTIAL4: Kernel =
    Kernel::new(Shader::StyleNet, "norm_partial4", &[read(10, "src4"), read_write(4, "stats")]);
pub const NORM_FINAL: Kernel =
    Kernel::new(Shader::StyleNet, "norm_final", &[read_write(4, "stats"), read(5, "affine")]);
pub const NORM_APPLY: Kernel = Kernel::new(
    Shader::StyleNet,
    "norm_apply",
    &[read(1, "src"), read_write(2, "dst"), read_write(4, "stats"), read(6, "skip")],
);
pub const NORM_APPLY4: Kernel = Kernel::new(
    Shader::StyleNet,
    "norm_apply4",
    &[read(10, "src4"), read_write(11, "dst4"), read_write(4, "stats"), read(12, "skip4")],
);
pub const TO_PLANAR: Kernel = Kernel::new(Shader::StyleNet, "to_planar", &[read_write(2, "dst"), read(7, "rgba")]);
pub const TO_RGBA: Kernel = Kernel::new(Shader::StyleNet, "to_rgba", &[read(1, "src"), read_write(8, "rgba_out")]);
const SG_BINDINGS: &[crate::gpu::shaders::Binding] =
    &[read(1, "src"), read_write(2, "dst"), read_write(4, "stats"), uniform(9, "wk")];
const fn sg(entry: &'static str) -> Kernel {
    Kernel::new(Shader::StyleNet, entry, SG_BINDINGS).with_workgroup(16)
}
const SG_PADDED_BINDINGS: &[crate::gpu::shaders::Binding] =
    &[read(13, "src4_padded"), read_write(2, "dst"), read_write(4, "stats"), uniform(9, "wk")];
/// The subgroup convolutions that read a reflect-padded copy of their input as vec4s (rows a
/// multiple of 4 wide), by (k, stride, ov, px): `STYLENET_CONVS_PADDED` in tests/generated_wgsl.rs.
/// A quarter of the per-lane load sequences of CPU drivers, for the network's first layer, whose
/// input (the image) is not a norm fused into the load.
pub const CONV_SG_PADDED: [((usize, usize, usize, usize), Kernel); 2] = [
    ((9, 1, 8, 4), Kernel::new(Shader::StyleNet, "conv_k9s1o8v", SG_PADDED_BINDINGS).with_workgroup(16)),
    ((9, 1, 4, 4), Kernel::new(Shader::StyleNet, "conv_k9s1o4v", SG_PADDED_BINDINGS).with_workgroup(16)),
];
/// The subgroup-broadcast convolutions (CPU drivers with subgroups), by (k, stride, vec4s of
/// output channels, pixels per invocation): the same shapes as `STYLENET_CONVS` in
/// tests/generated_wgsl.rs.
pub const CONV_SG: [((usize, usize, usize, usize), Kernel); 10] = [
    ((9, 1, 8, 4), sg("conv_k9s1o8")),
    ((3, 2, 8, 4), sg("conv_k3s2o8")),
    ((3, 1, 8, 4), sg("conv_k3s1o8")),
    ((3, 1, 2, 4), sg("conv_k3s1o2")),
    ((3, 1, 1, 4), sg("conv_k3s1o1")),
    ((9, 1, 1, 4), sg("conv_k9s1o1")),
    ((9, 1, 4, 4), sg("conv_k9s1o4")),
    ((3, 1, 2, 8), sg("conv_k3s1o2p8")),
    ((3, 1, 1, 8), sg("conv_k3s1o1p8")),
    ((9, 1, 1, 8), sg("conv_k9s1o1p8")),
];
/// The upsampling convolutions (nearest 2x, reflect pad 1, 3x3) as four 2x2 phase convolutions
/// of the low-resolution input, 4 multiply-adds per output where the plain ones do 9, by (vec4s
/// of output channels, pixels per invocation): `STYLENET_CONVS_UP2` in tests/generated_wgsl.rs.
pub const CONV_SG_UP2: [((usize, usize), Kernel); 4] = [
    ((2, 4), sg("conv_up2o2")),
    ((2, 8), sg("conv_up2o2p8")),
    ((1, 4), sg("conv_up2o1")),
    ((1, 8), sg("conv_up2o1p8")),
];
pub const KERNELS: &[Kernel] = &[
    REFLECT_PAD,
    CONV_KXK,
    NORM_PARTIAL,
    NORM_PARTIAL4,
    NORM_FINAL,
    NORM_APPLY,
    NORM_APPLY4,
    TO_PLANAR,
    TO_RGBA,
    CONV_SG[0].1,
    CONV_SG[1].1,
    CONV_SG[2].1,
    CONV_SG[3].1,
    CONV_SG[4].1,
    CONV_SG[5].1,
    CONV_SG[6].1,
    CONV_SG[7].1,
    CONV_SG[8].1,
    CONV_SG[9].1,
    CONV_SG_PADDED[0].1,
    CONV_SG_PADDED[1].1,
    CONV_SG_UP2[0].1,
    CONV_SG_UP2[1].1,
    CONV_SG_UP2[2].1,
    CONV_SG_UP2[3].1,
];

/// A subgroup convolution entry point and its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SgConv {
    pub kernel: &'static Kernel,
    /// vec4s of output channels per invocation.
    pub ov: usize,
    /// Output pixels of a row per invocation.
    pub px: usize,
    /// Channel groups of ov * 4 output channels (the grid's z).
    pub groups: usize,
    /// Reads a reflect-padded copy of the input, rows a multiple of 4 wide (made by the pass).
    pub padded: bool,
    /// An upsampling convolution as 2x2 phase convolutions (weights from [`pack_sg_up2`]).
    pub up2: bool,
}

/// The subgroup convolutions that can run a cin -> cout layer on this device: the smallest
/// channel group holding all output channels, and half that split over two groups (half the
/// accumulators, the input read twice), each with every pixel count there is, where the
/// weights fit the 64 KiB uniform window.
pub fn conv_sg_all(gpu: &Gpu, cin: usize, cout: usize, k: usize, stride: usize) -> Vec<SgConv> {
    if !gpu.has_subgroups_of_8() {
        return Vec::new();
    }
    let shape = |s: &(usize, usize, usize, usize)| s.0 == k && s.1 == stride;
    let Some(one) = CONV_SG.iter().filter(|(s, _)| shape(s) && s.2 * 4 >= cout).map(|(s, _)| s.2).min() else {
        return Vec::new();
    };
    let plain = CONV_SG.iter().map(|c| (c, false));
    plain
        .chain(CONV_SG_PADDED.iter().map(|c| (c, true)))
        .filter(|((s, _), _)| shape(s) && (s.2 == one || (s.2 * 4 < cout && s.2 * 8 >= cout)))
        .map(|((s, kernel), padded)| SgConv {
            kernel,
            ov: s.2,
            px: s.3,
            groups: cout.div_ceil(4 * s.2),
            padded,
            up2: false,
        })
        .filter(|c| pack_sg_len(cin, k, c.ov, c.groups) * 4 <= WK_BYTES as usize)
        .collect()
}

/// The 2x2-phase convolutions that can run a cin -> cout upsampling layer (nearest 2x, reflect
/// pad 1, 3x3, stride 1) on this device: the smallest channel group holding all output channels,
/// with each pixel count, where the weights fit the uniform window.
pub fn conv_sg_up2_all(gpu: &Gpu, cin: usize, cout: usize) -> Vec<SgConv> {
    if !gpu.has_subgroups_of_8() {
        return Vec::new();
    }
    let Some(one) = CONV_SG_UP2.iter().map(|(s, _)| s.0).filter(|&ov| ov * 4 >= cout).min() else {
        return Vec::new();
    };
    if pack_sg_up2_len(cin, one, 1) * 4 > WK_BYTES as usize {
        return Vec::new();
    }
    CONV_SG_UP2
        .iter()
        .filter(|(s, _)| s.0 == one)
        .map(|(s, kernel)| SgConv { kernel, ov: s.0, px: s.1, groups: 1, padded: false, up2: true })
        .collect()
}

/// One way to run a layer's convolution: a subgroup convolution with its weight buffer, or
/// Winograd F(4x4, 3x3) (reflect border; the input must be written, not a fused norm).
#[derive(Clone, Copy)]
pub enum LayerConv<'a> {
    Sg(&'a SgConv, &'a wgpu::Buffer),
    Winograd(&'a WinoWeights, &'a Tensor),
}

impl LayerConv<'_> {
    /// The name the autotune cache keeps.
    fn name(&self) -> &'static str {
        match self {
            LayerConv::Sg(c, _) => c.kernel.entry,
            LayerConv::Winograd(..) => "winograd-f4",
        }
    }

    /// Record it: `src` [cin, h, w] (params as [`conv_params`] makes them) -> `dst`.
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &self,
        gpu: &Gpu,
        plan: &mut Plan,
        params: &StyleNetParams,
        src: &Tensor,
        dst: &Tensor,
        stats: &Tensor,
        (oh, ow): (usize, usize),
        scratch: &Tensor,
    ) {
        match *self {
            LayerConv::Sg(c, weights) => {
                record_sg_conv(gpu, plan, c, params, src, dst, stats, weights, (oh, ow), scratch)
            }
            LayerConv::Winograd(w, bias) => {
                assert!(params.act == 0, "the Winograd input transform applies no norm");
                let conv =
                    WinoConv { input: src, w, bias, out: dst, relu: false, border: Padding::Reflect, mask: None };
                conv.record(gpu, plan);
            }
        }
    }
}

/// Which of a layer's candidate convolutions (pixels per invocation, one or two channel groups,
/// 2x2 phases, Winograd) runs fastest on this adapter for an input `iw` pixels wide: measured
/// once on a band of at most 64 input rows of that width (a fraction of the layer's cost, so
/// tuning stays well under a second) and cached like the VGG convolutions' choices; the first
/// candidate (4 pixels, one group) when autotuning is off. On an Intel Xeon the 9x9 layer runs
/// 20 % faster as two groups of 16 channels than as one of 32, and 50 % slower with 8 pixels
/// (BENCHMARKS.md): no one shape suits every layer and CPU.
fn choose_conv(gpu: &Gpu, i: usize, candidates: &[LayerConv], (ih, iw): (usize, usize)) -> usize {
    let l = &LAYERS[i];
    if candidates.len() == 1 {
        return 0;
    }
    let ih = ih.min(64);
    // a layer whose input is written also has Winograd among its candidates
    let written = if candidates.iter().any(|c| matches!(c, LayerConv::Winograd(..))) { " written" } else { "" };
    let key = format!("stylenet conv k{} s{} up{} {}->{} {}x{}{written}", l.k, l.stride, l.up, l.cin, l.cout, iw, ih);
    // the buffers are made only when the choice is not cached yet
    let tuned = gpu.tuned(&key, || {
        let ((ph, pw), (oh, ow)) = shape_of(l, ih, iw);
        let x = Tensor::zeros(gpu, &[l.cin, ih, iw], "autotune input").ok()?;
        let y = Tensor::zeros(gpu, &[l.cout, oh, ow], "autotune output").ok()?;
        let stats = Tensor::zeros(gpu, &[2 * l.cin], "autotune stats").ok()?;
        // room for a padded copy only where a candidate makes one
        let padding = candidates.iter().any(|c| matches!(c, LayerConv::Sg(c, _) if c.padded));
        let scratch = Tensor::zeros(gpu, &[if padding { l.cin * ph * pw } else { 1 }], "autotune padded input").ok()?;
        let params = conv_params(l, (ih, iw), (oh, ow), false);
        let plans: Vec<Plan> = candidates
            .iter()
            .map(|c| {
                let mut plan = Plan::new();
                c.record(gpu, &mut plan, &params, &x, &y, &stats, (oh, ow), &scratch);
                plan
            })
            .collect();
        // rounds over the candidates, best of five each: a shared VM's speed drifts 1.5x within
        // minutes, and a choice made in a slow spell is kept (three rounds once kept a kernel
        // that ran expand.2 in 20 ms instead of 14; BENCHMARKS.md)
        let mut best = vec![f64::INFINITY; plans.len()];
        for round in 0..5 {
            for (b, plan) in best.iter_mut().zip(&plans) {
                *b = b.min(crate::gpu::timing::time_plan(gpu, plan, (round == 0) as usize, 1).ok()?);
            }
        }
        let k = (0..best.len()).min_by(|&a, &b| best[a].total_cmp(&best[b]))?;
        Some(candidates[k].name().to_string())
    });
    tuned.and_then(|e| candidates.iter().position(|c| c.name() == e)).unwrap_or(0)
}

/// A layer's padded (after upsampling) input size and output size for an ih x iw input.
fn shape_of(l: &LayerSpec, ih: usize, iw: usize) -> ((usize, usize), (usize, usize)) {
    let (ph, pw) = (ih * l.up + 2 * l.pad, iw * l.up + 2 * l.pad);
    ((ph, pw), ((ph - l.k) / l.stride + 1, (pw - l.k) / l.stride + 1))
}

/// The subgroup convolution's parameters for layer l reading an unpadded ih x iw input (with the
/// previous layer's norm + ReLU applied on load when `fused`).
pub fn conv_params(l: &LayerSpec, (ih, iw): (usize, usize), (oh, ow): (usize, usize), fused: bool) -> StyleNetParams {
    StyleNetParams {
        c: l.cin as u32,
        h: ih as u32,
        w: iw as u32,
        oh: oh as u32,
        ow: ow as u32,
        k: l.k as u32,
        stride: l.stride as u32,
        cout: l.cout as u32,
        pad: l.pad as u32,
        up: l.up as u32,
        act: fused as u32,
        ..Default::default()
    }
}

/// Record one subgroup convolution: `src` [cin, h, w] -> `dst` [cout, oh, ow]; a `padded`
/// variant first reflect-pads `src` into `scratch` (at least cin x (h + 2 pad) x (w + 2 pad)).
#[allow(clippy::too_many_arguments)]
pub fn record_sg_conv(
    gpu: &Gpu,
    plan: &mut Plan,
    conv: &SgConv,
    params: &StyleNetParams,
    src: &Tensor,
    dst: &Tensor,
    stats: &Tensor,
    weights: &wgpu::Buffer,
    (oh, ow): (usize, usize),
    scratch: &Tensor,
) {
    let padded;
    let (src, params) = if conv.padded {
        let p = params;
        assert!(p.act == 0, "a padded convolution applies no norm to its input");
        padded = record_reflect_pad(gpu, plan, src, scratch, p);
        let (ph, pw) = (padded.shape[1], padded.shape[2]);
        assert!(pw.is_multiple_of(4), "a padded convolution reads whole vec4s of its rows");
        (&padded, StyleNetParams { h: ph as u32, w: pw as u32, pad: 0, up: 1, ..*p })
    } else {
        (src, *params)
    };
    let params = &params;
    let bufs = [
        wgpu::BufferBinding { buffer: &src.buffer, offset: 0, size: None },
        wgpu::BufferBinding { buffer: &dst.buffer, offset: 0, size: None },
        wgpu::BufferBinding { buffer: &stats.buffer, offset: 0, size: None },
        wgpu::BufferBinding { buffer: weights, offset: 0, size: std::num::NonZeroU64::new(WK_BYTES) },
    ];
    let groups = [ow.div_ceil(conv.px).div_ceil(16) as u32, oh as u32, conv.groups as u32];
    plan.dispatch_ranges(gpu, conv.kernel, params, &bufs, groups);
}

/// Record `reflect_pad` of `src` [p.c, p.h, p.w] (upsampled by p.up, padded by p.pad) into the
/// front of `scratch`; returns that view [c, up h + 2 pad, up w + 2 pad].
fn record_reflect_pad(gpu: &Gpu, plan: &mut Plan, src: &Tensor, scratch: &Tensor, p: &StyleNetParams) -> Tensor {
    let (ph, pw) = ((p.h * p.up + 2 * p.pad) as usize, (p.w * p.up + 2 * p.pad) as usize);
    let padded = scratch.view(&[p.c as usize, ph, pw]);
    let params = StyleNetParams {
        c: p.c,
        h: p.h,
        w: p.w,
        oh: ph as u32,
        ow: pw as u32,
        pad: p.pad,
        up: p.up,
        ..Default::default()
    };
    let grid = [pw.div_ceil(crate::gpu::WG as usize) as u32, ph as u32, p.c];
    plan.dispatch(gpu, &REFLECT_PAD, &params, &[&src.buffer, &padded.buffer], grid);
    padded
}

/// Bytes of the uniform window the subgroup convolutions declare (`wk`).
const WK_BYTES: u64 = 4096 * 16;

/// Floats of the weights of a subgroup convolution with `groups` channel groups of ov vec4s
/// (without the room for the rest of the window).
fn pack_sg_len(cin: usize, k: usize, ov: usize, groups: usize) -> usize {
    groups * cin * k * (k * ov * 4).div_ceil(8) * 8
}

/// Floats of the weights of a 2x2 phase convolution (without the room for the rest of the window).
fn pack_sg_up2_len(cin: usize, ov: usize, groups: usize) -> usize {
    groups * cin * 2 * 32 * ov
}

/// The 3x3 weights [cout][cin][3][3] of an upsampling layer as the 2x2 phase convolutions read
/// them: [group z][ci][py][ry][px][rx][ov * 4], each the sum of the 3x3 taps that read input
/// pixel (row ry, column rx) of the window of output phase (py, px): nearest 2x upsampling
/// makes taps 1 and 2 of phase 0, and 0 and 1 of phase 1, read the same input pixel.
pub fn pack_sg_up2(w: &[f32], cout: usize, cin: usize, ov: usize) -> Vec<f32> {
    // the kernel taps of phase p that read window position r
    const TAPS: [[&[usize]; 2]; 2] = [[&[0], &[1, 2]], [&[0, 1], &[2]]];
    let groups = cout.div_ceil(ov * 4);
    let mut out = vec![0.0; pack_sg_up2_len(cin, ov, groups) + (WK_BYTES / 4) as usize];
    for o in 0..cout {
        let (z, ol) = (o / (ov * 4), o % (ov * 4));
        for i in 0..cin {
            for (py, ry, px, rx) in (0..16).map(|b| (b >> 3, (b >> 2) & 1, (b >> 1) & 1, b & 1)) {
                let sum: f32 = TAPS[py][ry]
                    .iter()
                    .flat_map(|&ky| TAPS[px][rx].iter().map(move |&kx| (ky, kx)))
                    .map(|(ky, kx)| w[((o * cin + i) * 3 + ky) * 3 + kx])
                    .sum();
                out[(((z * cin + i) * 2 + py) * 2 + ry) * 16 * ov + (px * 2 + rx) * ov * 4 + ol] = sum;
            }
        }
    }
    out
}

/// OIHW weights as the subgroup convolutions read them: per channel group of ov * 4 output
/// channels, [ci][ky][kx][ov * 4] with each (ci, ky) row padded to a multiple of 8 floats; then
/// room for the full 64 KiB window.
pub fn pack_sg(w: &[f32], cout: usize, cin: usize, k: usize, ov: usize) -> Vec<f32> {
    let row = (k * ov * 4).div_ceil(8) * 8;
    let groups = cout.div_ceil(ov * 4);
    let mut out = vec![0.0; pack_sg_len(cin, k, ov, groups) + (WK_BYTES / 4) as usize];
    for o in 0..cout {
        let (z, ol) = (o / (ov * 4), o % (ov * 4));
        for i in 0..cin {
            for ky in 0..k {
                for kx in 0..k {
                    out[((z * cin + i) * k + ky) * row + kx * ov * 4 + ol] = w[((o * cin + i) * k + ky) * k + kx];
                }
            }
        }
    }
    out
}

crate::shader_params! {
    /// `struct Params` of shaders/stylenet.wgsl.
    pub struct StyleNetParams for Shader::StyleNet {
        c: u32,
        h: u32,
        w: u32,
        oh: u32,
        ow: u32,
        k: u32,
        stride: u32,
        cout: u32,
        pad: u32,
        up: u32,
        act: u32,
        residual: u32,
        chunk: u32,
        parts: u32,
    }
}

/// What follows a convolution's instance norm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    None = 0,
    Relu = 1,
    Sigmoid = 2,
}

/// One convolution layer of the network.
#[derive(Clone, Copy, Debug)]
pub struct LayerSpec {
    pub name: &'static str,
    pub cin: usize,
    pub cout: usize,
    pub k: usize,
    pub stride: usize,
    /// Reflect padding before the conv, and a nearest 2x upsampling before that (2) or not (1).
    pub pad: usize,
    pub up: usize,
    pub act: Act,
}

#[allow(clippy::too_many_arguments)]
const fn layer(
    name: &'static str,
    cin: usize,
    cout: usize,
    k: usize,
    stride: usize,
    pad: usize,
    up: usize,
    act: Act,
) -> LayerSpec {
    LayerSpec { name, cin, cout, k, stride, pad, up, act }
}

/// The network in order. Residual block k is `res.k.0` (ReLU) then `res.k.1` (no activation,
/// the block's input added).
pub const LAYERS: [LayerSpec; 18] = [
    layer("contract.0", 3, 32, 9, 1, 4, 1, Act::Relu),
    layer("contract.1", 32, 32, 3, 2, 1, 1, Act::Relu),
    layer("contract.2", 32, 32, 3, 2, 1, 1, Act::Relu),
    layer("res.0.0", 32, 32, 3, 1, 1, 1, Act::Relu),
    layer("res.0.1", 32, 32, 3, 1, 1, 1, Act::None),
    layer("res.1.0", 32, 32, 3, 1, 1, 1, Act::Relu),
    layer("res.1.1", 32, 32, 3, 1, 1, 1, Act::None),
    layer("res.2.0", 32, 32, 3, 1, 1, 1, Act::Relu),
    layer("res.2.1", 32, 32, 3, 1, 1, 1, Act::None),
    layer("res.3.0", 32, 32, 3, 1, 1, 1, Act::Relu),
    layer("res.3.1", 32, 32, 3, 1, 1, 1, Act::None),
    layer("res.4.0", 32, 32, 3, 1, 1, 1, Act::Relu),
    layer("res.4.1", 32, 32, 3, 1, 1, 1, Act::None),
    layer("res.5.0", 32, 32, 3, 1, 1, 1, Act::Relu),
    layer("res.5.1", 32, 32, 3, 1, 1, 1, Act::None),
    layer("expand.0", 32, 8, 3, 1, 1, 2, Act::Relu),
    layer("expand.1", 8, 4, 3, 1, 1, 2, Act::Relu),
    layer("expand.2", 4, 3, 9, 1, 4, 1, Act::Sigmoid),
];

/// Whether layer i closes a residual block (adds the block's input).
fn closes_block(i: usize) -> bool {
    LAYERS[i].name.starts_with("res.") && LAYERS[i].name.ends_with(".1")
}

/// Host copies of the network's weights, checked against [`LAYERS`].
pub struct StyleNetWeights {
    /// Per layer: OIHW weights, gamma [STYLES][cout], beta [STYLES][cout].
    pub layers: Vec<(Vec<f32>, Vec<f32>, Vec<f32>)>,
}

/// Where the bundled network is looked for.
pub fn default_path() -> Result<PathBuf> {
    const FILE: &str = "multistyle26.safetensors";
    let mut c = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        for up in exe.ancestors().skip(1).take(4) {
            c.push(up.join("weights").join(FILE));
        }
    }
    c.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("weights").join(FILE));
    c.iter().find(|p| p.is_file()).cloned().ok_or_else(|| Error::Weights {
        path: "(default)".into(),
        msg: format!(
            "the style network {FILE} was not found; looked in: {}",
            c.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        ),
    })
}

impl StyleNetWeights {
    pub fn load(path: &Path) -> Result<StyleNetWeights> {
        let file = TensorFile::open(path)?;
        let mut layers = Vec::new();
        for l in &LAYERS {
            let (_, w) = file.get(&format!("{}.w", l.name), Some(&[l.cout, l.cin, l.k, l.k]))?;
            let (_, g) = file.get(&format!("{}.norm.gamma", l.name), Some(&[STYLES, l.cout]))?;
            let (_, b) = file.get(&format!("{}.norm.beta", l.name), Some(&[STYLES, l.cout]))?;
            if w.iter().chain(&g).chain(&b).any(|v| !v.is_finite()) {
                return Err(Error::Weights {
                    path: path.display().to_string(),
                    msg: format!("layer `{}` holds NaN or Inf", l.name),
                });
            }
            layers.push((w, g, b));
        }
        Ok(StyleNetWeights { layers })
    }
}

/// A blend of the built-in styles: (style index, weight) pairs, weights normalised to sum 1.
#[derive(Clone, Debug, PartialEq)]
pub struct Blend(pub Vec<(usize, f32)>);

impl Blend {
    /// One style.
    pub fn one(style: usize) -> Blend {
        Blend(vec![(style, 1.0)])
    }

    /// `N` or `N:W,M:V,...` (style indices 0..25; weights non-negative with a positive sum).
    pub fn parse(spec: &str) -> Result<Blend> {
        let bad = |why: String| Error::Invalid(format!("--builtin {spec:?}: {why}"));
        let mut parts = Vec::new();
        for item in spec.split(',') {
            let (idx, w) = match item.split_once(':') {
                Some((i, w)) => {
                    (i.trim(), w.trim().parse::<f32>().map_err(|_| bad(format!("weight {w:?} is not a number")))?)
                }
                None => (item.trim(), 1.0),
            };
            let i: usize =
                idx.parse().map_err(|_| bad(format!("style {idx:?} is not a number from 0 to {}", STYLES - 1)))?;
            if i >= STYLES {
                return Err(bad(format!("style {i} does not exist (0 to {})", STYLES - 1)));
            }
            if !w.is_finite() || w < 0.0 {
                return Err(bad(format!("weight {w} must be a non-negative number")));
            }
            parts.push((i, w));
        }
        let total: f32 = parts.iter().map(|p| p.1).sum();
        if parts.is_empty() || total <= 0.0 {
            return Err(bad("the weights must have a positive sum".into()));
        }
        Ok(Blend(parts.into_iter().map(|(i, w)| (i, w / total)).collect()))
    }

    /// The 26 weights.
    pub fn weights(&self) -> [f32; STYLES] {
        let mut w = [0.0; STYLES];
        for &(i, v) in &self.0 {
            w[i] += v;
        }
        w
    }
}

/// gamma and beta [2C] of one layer for a blend.
fn affine(gamma: &[f32], beta: &[f32], c: usize, blend: &[f32; STYLES]) -> Vec<f32> {
    let mut out = vec![0.0f32; 2 * c];
    for (s, &w) in blend.iter().enumerate() {
        for j in 0..c {
            out[j] += w * gamma[s * c + j];
            out[c + j] += w * beta[s * c + j];
        }
    }
    out
}

/// Pack OIHW [cout, cin, k, k] as [ci][ky][kx][co padded to 4] (the layout `conv_kxk` reads).
pub fn pack(w: &[f32], cout: usize, cin: usize, k: usize) -> Vec<f32> {
    let op = cout.div_ceil(4) * 4;
    let mut out = vec![0.0; cin * k * k * op];
    for o in 0..cout {
        for i in 0..cin {
            for t in 0..k * k {
                out[(i * k * k + t) * op + o] = w[(o * cin + i) * k * k + t];
            }
        }
    }
    out
}

/// The network on the GPU: packed weights and per-layer norm parameters for the current blend.
pub struct StyleNet {
    weights: StyleNetWeights,
    packed: Vec<Tensor>,
    /// Per layer, with subgroups: the candidate subgroup convolutions, each with its uniform
    /// weight buffer (shared by candidates of one channel grouping).
    packed_sg: Vec<Vec<(SgConv, std::sync::Arc<wgpu::Buffer>)>>,
    /// Per layer: Winograd F(4x4, 3x3) weights where the layer is a plain 3x3 convolution (stride
    /// 1, reflect pad 1, no upsampling) and the device runs them; a candidate where the layer's
    /// input is written (not a norm fused into the loads, which the transform does not apply).
    wino: Vec<Option<WinoWeights>>,
    /// Zeros, the Winograd output transform's bias (the network's convolutions have none).
    zero_bias: Tensor,
    affine: Vec<Tensor>,
}

impl StyleNet {
    pub fn new(gpu: &Gpu, weights: StyleNetWeights, blend: &Blend) -> Result<StyleNet> {
        use wgpu::util::DeviceExt;
        let mut packed = Vec::new();
        let mut packed_sg = Vec::new();
        let mut wino = Vec::new();
        let mut aff = Vec::new();
        for (i, (l, (w, _, _))) in LAYERS.iter().zip(&weights.layers).enumerate() {
            let p = pack(w, l.cout, l.cin, l.k);
            packed.push(Tensor::from_slice(gpu, &[p.len()], &p, l.name)?);
            let mut layer_sg: Vec<(SgConv, std::sync::Arc<wgpu::Buffer>)> = Vec::new();
            // a padded copy is made of an input that is written (not a norm fused into the
            // load), not upsampled, its rows a multiple of 4 wide after padding (the network's
            // sizes are multiples of 4)
            let may_pad = l.up == 1 && (l.pad * 2).is_multiple_of(4) && !(i > 0 && fusable(i - 1));
            let direct = conv_sg_all(gpu, l.cin, l.cout, l.k, l.stride).into_iter().filter(|c| may_pad || !c.padded);
            // an upsampling layer may also run as 2x2 phase convolutions (4 multiply-adds per
            // output where the direct ones do 9; the autotuner weighs both)
            let phases = l.up == 2 && l.k == 3 && l.pad == 1 && l.stride == 1;
            let up2 = if phases { conv_sg_up2_all(gpu, l.cin, l.cout) } else { Vec::new() };
            for conv in direct.chain(up2) {
                let same = layer_sg.iter().find(|(c, _)| (c.ov, c.up2) == (conv.ov, conv.up2)).map(|(_, b)| b.clone());
                let buffer = same.unwrap_or_else(|| {
                    let data = if conv.up2 {
                        pack_sg_up2(w, l.cout, l.cin, conv.ov)
                    } else {
                        pack_sg(w, l.cout, l.cin, l.k, conv.ov)
                    };
                    std::sync::Arc::new(gpu.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                        label: Some(l.name),
                        contents: bytemuck::cast_slice(&data),
                        usage: wgpu::BufferUsages::UNIFORM,
                    }))
                });
                layer_sg.push((conv, buffer));
            }
            packed_sg.push(layer_sg);
            let plain3 = l.k == 3 && l.stride == 1 && l.pad == 1 && l.up == 1;
            wino.push(if plain3 && winograd::fits(gpu, l.cin, l.cout, 4) {
                Some(WinoWeights::new(gpu, w, l.cout, l.cin, 4, l.name)?)
            } else {
                None
            });
            aff.push(Tensor::zeros(gpu, &[2 * l.cout], l.name)?);
        }
        let widest = LAYERS.iter().map(|l| l.cout).max().unwrap_or(1);
        let zero_bias = Tensor::zeros(gpu, &[widest], "stylenet zero bias")?;
        let net = StyleNet { weights, packed, packed_sg, wino, zero_bias, affine: aff };
        net.set_blend(gpu, blend)?;
        Ok(net)
    }

    /// Paint with another blend from the next pass on (no re-recording).
    pub fn set_blend(&self, gpu: &Gpu, blend: &Blend) -> Result<()> {
        let b = blend.weights();
        for ((l, (_, g, be)), t) in LAYERS.iter().zip(&self.weights.layers).zip(&self.affine) {
            t.write(gpu, &affine(g, be, l.cout, &b))?;
        }
        Ok(())
    }
}

/// The grid of `norm_apply` for c planes of n pixels: pixels along x (at most 65535 groups; the
/// kernel strides past that), channels along y.
pub fn norm_grid(n: usize, c: usize) -> [u32; 3] {
    [n.div_ceil(crate::gpu::WG as usize).min(65535) as u32, c as u32, 1]
}

/// Every layer's padded input (after upsampling) and conv output size, (rows, columns), for an
/// h x w input.
pub fn layer_shapes(h: usize, w: usize) -> Vec<((usize, usize), (usize, usize))> {
    let mut shapes = Vec::new();
    let (mut ch, mut cw) = (h, w);
    for l in &LAYERS {
        let shape = shape_of(l, ch, cw);
        shapes.push(shape);
        (ch, cw) = shape.1;
    }
    shapes
}

/// Each layer's convolution FLOPs (2 per multiply-add) for an h x w input.
pub fn layer_flops(h: usize, w: usize) -> Vec<f64> {
    LAYERS
        .iter()
        .zip(layer_shapes(h, w))
        .map(|(l, (_, (oh, ow)))| 2.0 * (l.cin * l.cout * l.k * l.k * oh * ow) as f64)
        .collect()
}

/// Buffers and the recorded plan for one input size (H and W multiples of 4).
pub struct StyleNetPass {
    pub h: usize,
    pub w: usize,
    /// Packed RGBA input and output pixels.
    rgba_in: Tensor,
    rgba_out: Tensor,
    /// Planar [3, H, W] input in [0, 1].
    pub input: Tensor,
    /// Every layer's output (after norm, activation and residual add), where it is written
    /// (a fused layer's is applied by the next convolution instead).
    pub outputs: Vec<Option<Tensor>>,
    plan: Plan,
    /// The same steps, by layer: ("contract.0 conv", its steps), ("contract.0 norm", ...), for
    /// profiles (`paintflow bench`).
    pub stages: Vec<(String, Plan)>,
    /// Per layer, the convolution that runs it (the autotuner's choice, e.g. "conv_k9s1o4v").
    pub kernels: Vec<&'static str>,
}

/// Most partial sums per channel of a norm's first pass.
pub const NORM_PARTS_MAX: usize = 64;

/// The norm kernels' parameters for c planes of h x w (a partial sum per 1024 values, at most
/// [`NORM_PARTS_MAX`] per channel); with `vec4`, chunks of a multiple of 4 values for
/// `norm_partial4` (the plane must hold a multiple of 4).
pub fn norm_params(c: usize, h: usize, w: usize, act: Act, residual: bool, vec4: bool) -> StyleNetParams {
    let n = h * w;
    assert!(!vec4 || n.is_multiple_of(4), "norm_partial4 takes planes of a multiple of 4 values");
    let parts = n.div_ceil(1024).clamp(1, NORM_PARTS_MAX);
    let chunk = if vec4 { n.div_ceil(parts).div_ceil(4) * 4 } else { n.div_ceil(parts) };
    StyleNetParams {
        c: c as u32,
        h: h as u32,
        w: w as u32,
        act: act as u32,
        residual: residual as u32,
        chunk: chunk as u32,
        parts: parts as u32,
        ..Default::default()
    }
}

/// Record a norm's statistics: the partial sums (vec4 loads where `p.chunk` and the plane allow)
/// and the per-channel scale and shift, into `stats`.
pub fn record_norm_stats(
    gpu: &Gpu,
    plan: &mut Plan,
    src: &Tensor,
    stats: &Tensor,
    affine: &Tensor,
    p: &StyleNetParams,
) {
    let (c, parts) = (p.c as usize, p.parts as usize);
    let vec4 = (p.h * p.w).is_multiple_of(4) && p.chunk.is_multiple_of(4);
    let partial = if vec4 { &NORM_PARTIAL4 } else { &NORM_PARTIAL };
    plan.dispatch_1d(gpu, partial, p, &[&src.buffer, &stats.buffer], c * parts);
    plan.dispatch_1d(gpu, &NORM_FINAL, p, &[&stats.buffer, &affine.buffer], c);
}

/// Record applying a norm (stats from [`record_norm_stats`]): dst = act(src * scale + shift)
/// (+ skip), four values per invocation where the plane allows.
pub fn record_norm_apply(
    gpu: &Gpu,
    plan: &mut Plan,
    src: &Tensor,
    dst: &Tensor,
    stats: &Tensor,
    skip: &Tensor,
    p: &StyleNetParams,
) {
    let (c, n) = (p.c as usize, (p.h * p.w) as usize);
    let bufs = [&*src.buffer, &dst.buffer, &stats.buffer, &skip.buffer];
    if n.is_multiple_of(4) {
        plan.dispatch(gpu, &NORM_APPLY4, p, &bufs, norm_grid(n / 4, c));
    } else {
        plan.dispatch(gpu, &NORM_APPLY, p, &bufs, norm_grid(n, c));
    }
}

/// Where the norm's partial sums start in its stats buffer (below: scale and shift per channel);
/// `STATS_PARTS` in stylenet.wgsl.
pub const STATS_PARTS: usize = 64;

/// Whether layer j's norm and ReLU can be applied by the next convolution as it reads (layer j's
/// output is then never written): a ReLU layer whose output feeds only the next convolution,
/// not a residual block's skip.
fn fusable(j: usize) -> bool {
    LAYERS[j].act == Act::Relu
        && j + 1 < LAYERS.len()
        && !(LAYERS[j + 1].name.starts_with("res.") && LAYERS[j + 1].name.ends_with(".0"))
}

impl StyleNetPass {
    /// The pass for h x w inputs, with the fusions the device allows.
    pub fn new(gpu: &Gpu, net: &StyleNet, h: usize, w: usize) -> Result<StyleNetPass> {
        Self::with_fusion(gpu, net, h, w, true)
    }

    /// With `fuse` false every layer's output is written (for checking them one by one).
    pub fn with_fusion(gpu: &Gpu, net: &StyleNet, h: usize, w: usize, fuse: bool) -> Result<StyleNetPass> {
        if !h.is_multiple_of(4) || !w.is_multiple_of(4) || h == 0 || w == 0 {
            return Err(Error::Invalid(format!("the style network takes sizes that are multiples of 4, not {w}x{h}")));
        }
        let input = Tensor::zeros(gpu, &[3, h, w], "stylenet input")?;
        let rgba_in = Tensor::zeros(gpu, &[h * w], "stylenet rgba in")?;
        let rgba_out = Tensor::zeros(gpu, &[h * w], "stylenet rgba out")?;
        let shapes = layer_shapes(h, w);
        let big_pad = LAYERS.iter().zip(&shapes).map(|(l, s)| l.cin * s.0 .0 * s.0 .1).max().unwrap();
        let big_out = LAYERS.iter().zip(&shapes).map(|(l, s)| l.cout * s.1 .0 * s.1 .1).max().unwrap();
        let padded = Tensor::zeros(gpu, &[big_pad], "stylenet padded")?;
        // conv outputs alternate between two buffers: a fused layer's is read by the next conv
        let conv_out = [
            Tensor::zeros(gpu, &[big_out], "stylenet conv out A")?,
            Tensor::zeros(gpu, &[big_out], "stylenet conv out B")?,
        ];
        let parts_max = NORM_PARTS_MAX;
        let widest = LAYERS.iter().map(|l| l.cout).max().unwrap();
        assert!(2 * widest <= STATS_PARTS, "scale and shift per channel fit below the partial sums");
        let stats = Tensor::zeros(gpu, &[STATS_PARTS + 2 * widest * parts_max], "stylenet norm stats")?;
        let mut outputs: Vec<Option<Tensor>> = Vec::new();
        let mut stages = Vec::new();
        let mut kernels = Vec::new();
        // the next conv's input: a written tensor, or (fused) the previous conv's raw output
        let mut x = input.clone();
        let mut x_fused = false;
        let mut block_input = input.clone();
        for (i, (l, ((ph, pw), (oh, ow)))) in LAYERS.iter().zip(&shapes).enumerate() {
            let (xh, xw) = (x.shape[1], x.shape[2]);
            let co = conv_out[i % 2].view(&[l.cout, *oh, *ow]);
            let mut plan = Plan::new();
            let mut candidates: Vec<LayerConv> = net.packed_sg[i].iter().map(|(c, b)| LayerConv::Sg(c, b)).collect();
            if let (Some(w), false, false) = (&net.wino[i], x_fused, candidates.is_empty()) {
                candidates.push(LayerConv::Winograd(w, &net.zero_bias));
            }
            if !candidates.is_empty() {
                // reads the unpadded input through the padding and upsampling itself, and
                // applies the previous layer's norm + ReLU on the way in when fused
                let conv = candidates[choose_conv(gpu, i, &candidates, (xh, xw))];
                kernels.push(conv.name());
                let params = conv_params(l, (xh, xw), (*oh, *ow), x_fused);
                conv.record(gpu, &mut plan, &params, &x, &co, &stats, (*oh, *ow), &padded);
            } else {
                let pp = record_reflect_pad(gpu, &mut plan, &x, &padded, &conv_params(l, (xh, xw), (*oh, *ow), false));
                // conv_kxk reads the padded copy: no padding or upsampling of its own
                let conv = StyleNetParams { pad: 0, up: 1, ..conv_params(l, (*ph, *pw), (*oh, *ow), false) };
                let bufs = [&*pp.buffer, &co.buffer, &net.packed[i].buffer];
                plan.dispatch_1d(gpu, &CONV_KXK, &conv, &bufs, l.cout.div_ceil(4) * oh * ow);
                kernels.push(CONV_KXK.entry);
            }
            stages.push((format!("{} conv", l.name), std::mem::take(&mut plan)));
            let n = oh * ow;
            let norm = norm_params(l.cout, *oh, *ow, l.act, closes_block(i), n.is_multiple_of(4));
            record_norm_stats(gpu, &mut plan, &co, &stats, &net.affine[i], &norm);
            if l.name.starts_with("res.") && l.name.ends_with(".0") {
                block_input = x.clone();
            }
            let next_fuses = fuse && fusable(i) && !net.packed_sg[i + 1].is_empty();
            if next_fuses {
                outputs.push(None);
                x = co;
                x_fused = true;
            } else {
                let out = Tensor::zeros(gpu, &[l.cout, *oh, *ow], l.name)?;
                let skip = if closes_block(i) { &block_input } else { &co };
                record_norm_apply(gpu, &mut plan, &co, &out, &stats, skip, &norm);
                outputs.push(Some(out.clone()));
                x = out;
                x_fused = false;
            }
            stages.push((format!("{} norm", l.name), plan));
        }
        let mut plan = Plan::new();
        for (_, s) in &stages {
            s.encode_into(&mut plan);
        }
        Ok(StyleNetPass { h, w, rgba_in, rgba_out, input, outputs, plan, stages, kernels })
    }

    /// Run the network on the planar input already in `input` (the output stays on the GPU).
    pub fn run(&self, gpu: &Gpu) -> Result<()> {
        self.plan.run(gpu)
    }

    /// The network's output [3, H, W], RGB in [0, 1].
    pub fn output(&self) -> &Tensor {
        self.outputs.last().and_then(|o| o.as_ref()).expect("the last layer's output is written")
    }

    /// Record: packed RGBA pixels `rgba` [H * W] into the network's input.
    pub fn record_input(&self, gpu: &Gpu, plan: &mut Plan, rgba: &Tensor) {
        self.record_planar(gpu, plan, rgba, &self.input);
    }

    /// Record: packed RGBA pixels [H * W] into planar [3, H, W] in [0, 1].
    pub fn record_planar(&self, gpu: &Gpu, plan: &mut Plan, rgba: &Tensor, planar: &Tensor) {
        let p = StyleNetParams { h: self.h as u32, w: self.w as u32, ..Default::default() };
        plan.dispatch_1d(gpu, &TO_PLANAR, &p, &[&planar.buffer, &rgba.buffer], self.h * self.w);
    }

    /// Record: the network on its input (its output then in [`StyleNetPass::output`]).
    pub fn record_network(&self, plan: &mut Plan) {
        self.plan.encode_into(plan);
    }

    /// Record: planar [3, H, W] in [0, 1] into packed RGBA pixels.
    pub fn record_rgba(&self, gpu: &Gpu, plan: &mut Plan, planar: &Tensor, rgba: &Tensor) {
        let p = StyleNetParams { h: self.h as u32, w: self.w as u32, ..Default::default() };
        plan.dispatch_1d(gpu, &TO_RGBA, &p, &[&planar.buffer, &rgba.buffer], self.h * self.w);
    }

    /// Paint an RGB image of this pass's size; returns the painted image.
    pub fn paint(&self, gpu: &Gpu, img: &Rgb) -> Result<Rgb> {
        crate::imageio::check_size(img, self.w, self.h, "image")?;
        self.rgba_in.write_u32(gpu, &crate::ops::image::pack_rgb(img.as_raw()))?;
        let mut plan = Plan::new();
        self.record_input(gpu, &mut plan, &self.rgba_in);
        self.record_network(&mut plan);
        self.record_rgba(gpu, &mut plan, self.output(), &self.rgba_out);
        plan.run(gpu)?;
        let rgb = crate::ops::image::unpack_rgb(&self.rgba_out.read_u32(gpu)?);
        Ok(Rgb::from_raw(self.w as u32, self.h as u32, rgb).expect("size matches"))
    }
}

// --- CPU references ---

/// CPU twin of `reflect_pad`: [c, h, w] upsampled by `up` (nearest), reflect-padded by `pad`.
pub fn reflect_pad_cpu(x: &[f32], c: usize, h: usize, w: usize, pad: usize, up: usize) -> Vec<f32> {
    let mirror = |v: isize, n: isize| -> isize {
        let mut r = v;
        if n >= 2 {
            if r < 0 {
                r = -r;
            }
            if r >= n {
                r = 2 * (n - 1) - r;
            }
        }
        r.clamp(0, n - 1)
    };
    let (uh, uw) = ((h * up) as isize, (w * up) as isize);
    let (ph, pw) = (h * up + 2 * pad, w * up + 2 * pad);
    let mut out = Vec::with_capacity(c * ph * pw);
    for ch in 0..c {
        for y in 0..ph {
            for xx in 0..pw {
                let sy = mirror(y as isize - pad as isize, uh) as usize / up;
                let sx = mirror(xx as isize - pad as isize, uw) as usize / up;
                out.push(x[(ch * h + sy) * w + sx]);
            }
        }
    }
    out
}

/// CPU twin of `conv_kxk`: the k x k convolution of a padded [cin, h, w] input with `stride`
/// (no padding of its own), OIHW weights, f64 accumulation.
#[allow(clippy::too_many_arguments)]
pub fn conv_kxk_cpu(
    x: &[f32],
    cin: usize,
    h: usize,
    w: usize,
    weight: &[f32],
    cout: usize,
    k: usize,
    stride: usize,
) -> Vec<f32> {
    let (oh, ow) = ((h - k) / stride + 1, (w - k) / stride + 1);
    let mut out = vec![0.0; cout * oh * ow];
    for o in 0..cout {
        for y in 0..oh {
            for xx in 0..ow {
                let mut s = 0.0f64;
                for i in 0..cin {
                    for ky in 0..k {
                        for kx in 0..k {
                            s += weight[((o * cin + i) * k + ky) * k + kx] as f64
                                * x[(i * h + y * stride + ky) * w + xx * stride + kx] as f64;
                        }
                    }
                }
                out[(o * oh + y) * ow + xx] = s as f32;
            }
        }
    }
    out
}

/// CPU twin of the instance norm (two reduction passes and `norm_apply`): per channel
/// act((x - mean) / sqrt(var + 1e-5) * gamma + beta) (+ skip), biased variance, in f64.
pub fn instance_norm_cpu(
    x: &[f32],
    c: usize,
    n: usize,
    gamma_beta: &[f32],
    act: Act,
    skip: Option<&[f32]>,
) -> Vec<f32> {
    let mut out = vec![0.0; c * n];
    for ch in 0..c {
        let v = &x[ch * n..(ch + 1) * n];
        let mean = v.iter().map(|&a| a as f64).sum::<f64>() / n as f64;
        let var = v.iter().map(|&a| (a as f64 - mean).powi(2)).sum::<f64>() / n as f64;
        let rstd = 1.0 / (var + 1e-5).sqrt();
        for j in 0..n {
            let mut y = (v[j] as f64 - mean) * rstd * gamma_beta[ch] as f64 + gamma_beta[c + ch] as f64;
            y = match act {
                Act::None => y,
                Act::Relu => y.max(0.0),
                Act::Sigmoid => 1.0 / (1.0 + (-y).exp()),
            };
            if let Some(s) = skip {
                y += s[ch * n + j] as f64;
            }
            out[ch * n + j] = y as f32;
        }
    }
    out
}

/// Reflect-pad an image on the right and bottom to multiples of 4 (the network halves the size
/// twice), as [`crop`] undoes.
pub fn pad_to_4(img: &Rgb) -> Rgb {
    let (w, h) = img.dimensions();
    let (pw, ph) = (w.div_ceil(4) * 4, h.div_ceil(4) * 4);
    if (pw, ph) == (w, h) {
        return img.clone();
    }
    let mirror = |v: u32, n: u32| if v < n || n < 2 { v.min(n - 1) } else { (2 * (n - 1)).saturating_sub(v) };
    Rgb::from_fn(pw, ph, |x, y| *img.get_pixel(mirror(x, w), mirror(y, h)))
}

/// The top-left w x h of an image.
pub fn crop(img: &Rgb, w: u32, h: u32) -> Rgb {
    image::imageops::crop_imm(img, 0, 0, w, h).to_image()
}

/// Paint one image with the network at its own size (any size; sizes that are not multiples
/// of 4 are reflect-padded and cropped back). For many frames of one size, keep a
/// [`StyleNetPass`] instead.
pub fn paint(gpu: &Gpu, net: &StyleNet, img: &Rgb) -> Result<Rgb> {
    let padded = pad_to_4(img);
    let pass = StyleNetPass::new(gpu, net, padded.height() as usize, padded.width() as usize)?;
    Ok(crop(&pass.paint(gpu, &padded)?, img.width(), img.height()))
}
