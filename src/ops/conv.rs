//! 3x3 convolution (stride 1, zero padding 1) with bias and optional ReLU, and its input gradient.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::gpu::shaders::{read, read_write, uniform, Binding};
use crate::gpu::{Gpu, Kernel, Plan, Shader, Tensor};
use crate::ops::dims3;
use crate::ops::pad::{self, Padding};
use crate::ops::winograd::WinoConv;
use crate::Result;

/// Weights from a storage buffer (the GPU variant).
pub const CONV3X3: Kernel =
    Kernel::new(Shader::Conv, "conv3x3", &[read(1, "inp"), read(2, "wt"), read(3, "bias"), read_write(4, "out")]);
const UBO_BINDINGS: &[Binding] = &[read(1, "inp"), read(3, "bias"), read_write(4, "out"), uniform(5, "wu")];
/// Threads per workgroup of the uniform-buffer variants (`CONV_UBO_WG` in conv.wgsl).
const UBO_WG: u32 = 16;
/// Weights of one 32x32-channel block from a uniform buffer (CPU drivers).
pub const CONV3X3_UBO: Kernel = Kernel::new(Shader::Conv, "conv3x3_ubo", UBO_BINDINGS).with_workgroup(UBO_WG);
/// [`CONV3X3_UBO`] with subgroup broadcasts of the weights (CPU drivers with subgroups).
pub const CONV3X3_UBO_SG: Kernel =
    Kernel::new(Shader::ConvSubgroup, "conv3x3_ubo_sg", UBO_BINDINGS).with_workgroup(UBO_WG);
pub const KERNELS: &[Kernel] = &[CONV3X3, CONV3X3_UBO, CONV3X3_UBO_SG, CONV3X3_TILED, CONV3X3_TILED_BIG];

crate::shader_params! {
    /// `struct Params` of shaders/conv.wgsl (also read by conv_subgroup.wgsl).
    pub struct ConvParams for Shader::Conv {
        cin: u32,
        h: u32,
        w: u32,
        cout: u32,
        oc4: u32,
        wb: u32,
        relu: u32,
        oc0: u32,
        ic0: u32,
        icn: u32,
        accumulate: u32,
    }
}

/// Which convolution kernel runs. Without `PAINTFLOW_CONV`, the fastest of the adapter's
/// candidates for each layer shape, measured on first use (see [`choose`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConvVariant {
    /// `conv3x3`: weights from a storage buffer, 4 pixels x 4 channels per invocation, no
    /// workgroup memory (the first GPU kernel; kept as the simplest reference on GPUs).
    Storage,
    /// `conv3x3_ubo`: weights of 32x32-channel blocks from uniform buffers, 4 pixels x 32
    /// channels per invocation, one launch per block pair (CPU drivers).
    Uniform,
    /// `conv3x3_ubo_sg`: `Uniform` with each subgroup loading 8 weights at once and broadcasting
    /// them (CPU drivers with subgroups of at least 8 lanes; same weight layout).
    UniformSubgroup,
    /// `conv3x3_tiled`, portable configuration: the implicit GEMM with the input patch and the
    /// weights staged in workgroup memory, 64 channels x 8x16 pixels per workgroup (GPUs).
    Tiled,
    /// `conv3x3_tiled`, big configuration: 128 channels per workgroup, 256 invocations.
    TiledBig,
    /// Winograd F(2x2, 3x3) (ops/winograd.rs): 2.25x fewer multiplies (CPU drivers with subgroups).
    WinogradF2,
    /// Winograd F(4x4, 3x3): 4x fewer multiplies, slightly larger rounding error.
    WinogradF4,
}

/// How a layer's weights are laid out for a variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Layout {
    /// [ic][ky][kx][oc padded to 4] (vec4 along oc): `Storage`, `Tiled`, `TiledBig`.
    Storage,
    /// 32x32-channel blocks in uniform buffers: `Uniform`, `UniformSubgroup`.
    Uniform,
    /// Winograd-transformed weights for tiles of m x m outputs.
    Winograd(usize),
}

impl ConvVariant {
    pub const ALL: [ConvVariant; 7] = [
        ConvVariant::Storage,
        ConvVariant::Uniform,
        ConvVariant::UniformSubgroup,
        ConvVariant::Tiled,
        ConvVariant::TiledBig,
        ConvVariant::WinogradF2,
        ConvVariant::WinogradF4,
    ];

    /// The name `PAINTFLOW_CONV` takes.
    pub fn name(self) -> &'static str {
        match self {
            ConvVariant::Storage => "storage",
            ConvVariant::Uniform => "uniform",
            ConvVariant::UniformSubgroup => "uniform-subgroup",
            ConvVariant::Tiled => "tiled",
            ConvVariant::TiledBig => "tiled-big",
            ConvVariant::WinogradF2 => "winograd-f2",
            ConvVariant::WinogradF4 => "winograd-f4",
        }
    }

    pub fn parse(name: &str) -> Option<ConvVariant> {
        ConvVariant::ALL.into_iter().find(|v| v.name() == name)
    }

    fn layout(self) -> Layout {
        match self {
            ConvVariant::Uniform | ConvVariant::UniformSubgroup => Layout::Uniform,
            ConvVariant::WinogradF2 => Layout::Winograd(2),
            ConvVariant::WinogradF4 => Layout::Winograd(4),
            _ => Layout::Storage,
        }
    }

    /// Whether the variant can run a cin -> cout convolution over h x w here (Winograd: weight
    /// and transform-buffer limits, which do not depend on the image's size).
    pub fn fits(self, gpu: &Gpu, cin: usize, cout: usize, _h: usize, _w: usize) -> bool {
        match self.layout() {
            Layout::Winograd(m) => crate::ops::winograd::fits(gpu, cin, cout, m),
            _ => self.can_run(gpu),
        }
    }

    /// Whether this adapter can run the variant.
    pub fn can_run(self, gpu: &Gpu) -> bool {
        match self {
            ConvVariant::UniformSubgroup | ConvVariant::WinogradF2 | ConvVariant::WinogradF4 => {
                gpu.has_subgroups_of_8()
            }
            ConvVariant::TiledBig => {
                gpu.limits.max_compute_invocations_per_workgroup >= 256
                    && gpu.limits.max_compute_workgroup_size_x >= 256
                    && gpu.limits.max_compute_workgroup_storage_size >= 16384
            }
            _ => true,
        }
    }

    /// The variants this adapter can run (the tests check each against the CPU reference).
    pub fn available(gpu: &Gpu) -> Vec<ConvVariant> {
        ConvVariant::ALL.into_iter().filter(|v| v.can_run(gpu)).collect()
    }

    /// The variants measured against each other for a layer on this adapter: on CPU drivers the
    /// barrier-free uniform-buffer kernels (workgroup tiling costs there what it saves on GPUs),
    /// on GPUs the storage and tiled kernels.
    pub fn candidates(gpu: &Gpu) -> Vec<ConvVariant> {
        let class: &[ConvVariant] = if gpu.is_cpu() && gpu.has_subgroups_of_8() {
            // `uniform` is `uniform-subgroup` without the broadcast: never ahead where both run
            // (measured on every VGG shape at 128-800 px; its few wins were on planes under
            // 32x48 and within noise), so it is not worth first-use time
            // (the likely winner first: a candidate 1.5x behind after one run is not run again)
            &[ConvVariant::WinogradF4, ConvVariant::WinogradF2, ConvVariant::UniformSubgroup]
        } else if gpu.is_cpu() {
            &[ConvVariant::Uniform]
        } else {
            &[ConvVariant::Storage, ConvVariant::Tiled, ConvVariant::TiledBig]
        };
        class.iter().copied().filter(|v| v.can_run(gpu)).collect()
    }

    /// The choice when nothing is measured (`PAINTFLOW_AUTOTUNE=off`).
    pub fn default_for(gpu: &Gpu) -> ConvVariant {
        if gpu.is_cpu() {
            if gpu.has_subgroups_of_8() {
                ConvVariant::UniformSubgroup
            } else {
                ConvVariant::Uniform
            }
        } else {
            ConvVariant::Tiled
        }
    }

    /// The variant `PAINTFLOW_CONV` forces, if set; an unknown name, or one this adapter cannot
    /// run, is an error that lists the valid ones.
    pub fn forced(gpu: &Gpu) -> Result<Option<ConvVariant>> {
        let Some(value) = std::env::var_os("PAINTFLOW_CONV") else { return Ok(None) };
        let value = value.to_string_lossy();
        let valid = || ConvVariant::available(gpu).iter().map(|v| v.name()).collect::<Vec<_>>().join(", ");
        match ConvVariant::parse(&value) {
            Some(v) if v.can_run(gpu) => Ok(Some(v)),
            Some(v) => Err(crate::Error::Invalid(format!(
                "PAINTFLOW_CONV={}: {} cannot run that kernel; it can run: {}",
                v.name(),
                gpu.info.name,
                valid()
            ))),
            None => Err(crate::Error::Invalid(format!("PAINTFLOW_CONV={value}: unknown kernel; valid: {}", valid()))),
        }
    }
}

/// Channel block of the uniform-buffer variant (both input and output channels).
const UBO_BLOCK: usize = 32;

/// A layer's weights in one layout.
enum Packed {
    /// [ic][ky][kx][oc padded to 4] (vec4 along oc).
    Storage(Tensor),
    /// One uniform buffer per (output block, input block), index ocb * nib + icb, each
    /// [icl 32][ky][kx][ocl 32].
    Uniform(Vec<wgpu::Buffer>),
    Winograd(crate::ops::winograd::WinoWeights),
}

/// One convolution layer's weights on the GPU. They are packed for a kernel's layout when a
/// kernel that needs that layout is first recorded (usually one layout per adapter): `forward`
/// holds w[oc, ic, ky, kx]; `backward` the transposed, flipped weights that turn the input
/// gradient into another forward convolution.
pub struct ConvWeights {
    pub cin: usize,
    pub cout: usize,
    /// The variant every launch uses, when forced (tests, `PAINTFLOW_CONV`); else chosen per shape.
    pub forced: Option<ConvVariant>,
    /// OIHW on the host, for packing into a layout on first use.
    weight: Vec<f32>,
    label: String,
    packs: Mutex<HashMap<Layout, Arc<(Packed, Packed)>>>,
    bias: Tensor,
    zero_bias: Tensor,
}

fn pack_blocks(gpu: &Gpu, w: &[f32], cout: usize, cin: usize, label: &str) -> Vec<wgpu::Buffer> {
    use wgpu::util::DeviceExt;
    let (nob, nib) = (cout.div_ceil(UBO_BLOCK), cin.div_ceil(UBO_BLOCK));
    let per = UBO_BLOCK * 9 * UBO_BLOCK;
    let mut out = vec![0.0f32; nob * nib * per];
    for o in 0..cout {
        for i in 0..cin {
            let block = ((o / UBO_BLOCK) * nib + i / UBO_BLOCK) * per;
            for k in 0..9 {
                out[block + ((i % UBO_BLOCK) * 9 + k) * UBO_BLOCK + o % UBO_BLOCK] = w[(o * cin + i) * 9 + k];
            }
        }
    }
    out.chunks(per)
        .map(|block| {
            gpu.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some(label),
                contents: bytemuck::cast_slice(block),
                usage: wgpu::BufferUsages::UNIFORM,
            })
        })
        .collect()
}

/// Pack OIHW weights `w` [cout, cin, 3, 3] into [cin][3][3][ceil(cout/4)*4].
fn pack(w: &[f32], cout: usize, cin: usize) -> Vec<f32> {
    let op = cout.div_ceil(4) * 4;
    let mut out = vec![0.0; cin * 9 * op];
    for o in 0..cout {
        for i in 0..cin {
            for k in 0..9 {
                out[(i * 9 + k) * op + o] = w[(o * cin + i) * 9 + k];
            }
        }
    }
    out
}

/// The weights of the input-gradient convolution: w'[ic, oc, ky, kx] = w[oc, ic, 2-ky, 2-kx].
pub fn transpose_flip(w: &[f32], cout: usize, cin: usize) -> Vec<f32> {
    let mut out = vec![0.0; w.len()];
    for o in 0..cout {
        for i in 0..cin {
            for k in 0..9 {
                out[(i * cout + o) * 9 + (8 - k)] = w[(o * cin + i) * 9 + k];
            }
        }
    }
    out
}

impl ConvWeights {
    /// `weight` is OIHW [cout, cin, 3, 3], `bias` [cout]; the kernel is chosen per layer shape
    /// (or forced by `PAINTFLOW_CONV`).
    pub fn new(gpu: &Gpu, cout: usize, cin: usize, weight: &[f32], bias: &[f32], label: &str) -> Result<ConvWeights> {
        let forced = ConvVariant::forced(gpu)?;
        Self::build(gpu, forced, cout, cin, weight, bias, label)
    }

    /// Weights whose every launch uses `variant`.
    pub fn with_variant(
        gpu: &Gpu,
        variant: ConvVariant,
        cout: usize,
        cin: usize,
        weight: &[f32],
        bias: &[f32],
        label: &str,
    ) -> Result<ConvWeights> {
        Self::build(gpu, Some(variant), cout, cin, weight, bias, label)
    }

    fn build(
        gpu: &Gpu,
        forced: Option<ConvVariant>,
        cout: usize,
        cin: usize,
        weight: &[f32],
        bias: &[f32],
        label: &str,
    ) -> Result<ConvWeights> {
        assert_eq!(weight.len(), cout * cin * 9, "weight length");
        assert_eq!(bias.len(), cout, "bias length");
        let pad = |n: usize| n.div_ceil(UBO_BLOCK) * UBO_BLOCK;
        let mut b = bias.to_vec();
        b.resize(pad(cout), 0.0);
        let w = ConvWeights {
            cin,
            cout,
            forced,
            weight: weight.to_vec(),
            label: label.to_string(),
            packs: Mutex::new(HashMap::new()),
            bias: Tensor::from_slice(gpu, &[pad(cout)], &b, label)?,
            zero_bias: Tensor::zeros(gpu, &[pad(cin)], label)?,
        };
        if let Some(v) = forced {
            w.packed(gpu, v.layout())?;
        }
        Ok(w)
    }

    /// The forward and backward weights in `layout`, packed on first use.
    fn packed(&self, gpu: &Gpu, layout: Layout) -> Result<Arc<(Packed, Packed)>> {
        let mut packs = self.packs.lock().unwrap();
        if let Some(p) = packs.get(&layout) {
            return Ok(p.clone());
        }
        let (cout, cin, label) = (self.cout, self.cin, self.label.as_str());
        let one = |w: &[f32], co: usize, ci: usize| -> Result<Packed> {
            Ok(match layout {
                Layout::Storage => {
                    Packed::Storage(Tensor::from_slice(gpu, &[ci * 9 * co.div_ceil(4) * 4], &pack(w, co, ci), label)?)
                }
                Layout::Uniform => Packed::Uniform(pack_blocks(gpu, w, co, ci, label)),
                Layout::Winograd(m) => {
                    Packed::Winograd(crate::ops::winograd::WinoWeights::new(gpu, w, co, ci, m, label)?)
                }
            })
        };
        let p = Arc::new((one(&self.weight, cout, cin)?, one(&transpose_flip(&self.weight, cout, cin), cin, cout)?));
        packs.insert(layout, p.clone());
        Ok(p)
    }

    /// The variant a launch over an h x w plane uses (forward: cin -> cout; backward: the
    /// transposed convolution cout -> cin).
    pub fn variant_for(&self, gpu: &Gpu, backward: bool, h: usize, w: usize) -> ConvVariant {
        let (ci, co) = if backward { (self.cout, self.cin) } else { (self.cin, self.cout) };
        match self.forced {
            // a forced variant that cannot take this shape (Winograd beyond its limits) yields
            // to the adapter's default
            Some(v) if v.fits(gpu, ci, co, h, w) => v,
            Some(_) => ConvVariant::default_for(gpu),
            None => choose(gpu, ci, co, h, w),
        }
    }

    /// Bytes of GPU memory the packed weights hold.
    pub fn bytes(&self) -> u64 {
        let one = |p: &Packed| match p {
            Packed::Storage(t) => t.buffer.size(),
            Packed::Uniform(b) => b.iter().map(|b| b.size()).sum(),
            Packed::Winograd(w) => w.bytes(),
        };
        self.packs.lock().unwrap().values().map(|p| one(&p.0) + one(&p.1)).sum()
    }
}

/// Override constants of the two tiled configurations (shaders/conv_tiled.wgsl).
const TILED_PORTABLE: &[(&str, u32)] = &[("BM", 64), ("CI", 4), ("TILE_WG", 128)];
const TILED_BIG: &[(&str, u32)] = &[("BM", 128), ("CI", 2), ("TILE_WG", 256)];
const TILED_BINDINGS: &[Binding] = &[read(1, "inp"), read(2, "wt"), read(3, "bias"), read_write(4, "out")];
/// The tiled implicit GEMM, portable configuration (12 KiB of workgroup memory).
pub const CONV3X3_TILED: Kernel =
    Kernel::new(Shader::ConvTiled, "conv3x3_tiled", TILED_BINDINGS).with_workgroup(128).with_constants(TILED_PORTABLE);
/// The tiled implicit GEMM, big configuration.
pub const CONV3X3_TILED_BIG: Kernel =
    Kernel::new(Shader::ConvTiled, "conv3x3_tiled", TILED_BINDINGS).with_workgroup(256).with_constants(TILED_BIG);

#[allow(clippy::too_many_arguments)]
fn launch(
    gpu: &Gpu,
    plan: &mut Plan,
    variant: ConvVariant,
    input: &Tensor,
    w: &Packed,
    b: &Tensor,
    out: &Tensor,
    cin: usize,
    cout: usize,
    relu: bool,
) {
    let (c, h, wd) = dims3(&input.shape);
    assert_eq!(c, cin, "conv input channels");
    assert_eq!(dims3(&out.shape), (cout, h, wd), "conv output shape");
    let oc4 = cout.div_ceil(4);
    let wb = wd.div_ceil(4);
    let base = ConvParams {
        cin: cin as u32,
        h: h as u32,
        w: wd as u32,
        cout: cout as u32,
        oc4: oc4 as u32,
        wb: wb as u32,
        relu: relu as u32,
        ..Default::default()
    };
    match (variant, w) {
        (ConvVariant::Storage, Packed::Storage(w)) => {
            plan.dispatch_1d(gpu, &CONV3X3, &base, &[&input.buffer, &w.buffer, &b.buffer, &out.buffer], oc4 * h * wb);
        }
        (ConvVariant::Tiled | ConvVariant::TiledBig, Packed::Storage(w)) => {
            let (kernel, bm) =
                if variant == ConvVariant::Tiled { (&CONV3X3_TILED, 64) } else { (&CONV3X3_TILED_BIG, 128) };
            let groups = [wd.div_ceil(16) as u32, h.div_ceil(8) as u32, cout.div_ceil(bm) as u32];
            plan.dispatch(gpu, kernel, &base, &[&input.buffer, &w.buffer, &b.buffer, &out.buffer], groups);
        }
        (ConvVariant::Uniform | ConvVariant::UniformSubgroup, Packed::Uniform(wbuf)) => {
            let kernel = if variant == ConvVariant::UniformSubgroup { &CONV3X3_UBO_SG } else { &CONV3X3_UBO };
            let nib = cin.div_ceil(UBO_BLOCK);
            for ob in 0..cout.div_ceil(UBO_BLOCK) {
                for ib in 0..nib {
                    let last = ib + 1 == nib;
                    let icn = (cin - ib * UBO_BLOCK).min(UBO_BLOCK);
                    let params = ConvParams {
                        relu: (relu && last) as u32,
                        oc0: (ob * UBO_BLOCK) as u32,
                        ic0: (ib * UBO_BLOCK) as u32,
                        icn: icn as u32,
                        accumulate: (ib > 0) as u32,
                        ..base
                    };
                    let bufs = [&*input.buffer, &b.buffer, &out.buffer, &wbuf[ob * nib + ib]];
                    plan.dispatch_1d(gpu, kernel, &params, &bufs, wb * h);
                }
            }
        }
        (ConvVariant::WinogradF2 | ConvVariant::WinogradF4, Packed::Winograd(ww)) => {
            let border = Padding::Zero;
            WinoConv { input, w: ww, bias: b, out, relu, border, mask: None }.record(gpu, plan);
        }
        (v, _) => unreachable!("{v:?} given weights in another layout"),
    }
}

/// out = conv3x3(input) + bias, then ReLU if `relu`. input [cin, H, W], out [cout, H, W].
pub fn forward(gpu: &Gpu, plan: &mut Plan, input: &Tensor, w: &ConvWeights, out: &Tensor, relu: bool) {
    let (_, h, wd) = dims3(&input.shape);
    let variant = w.variant_for(gpu, false, h, wd);
    let packs = w.packed(gpu, variant.layout()).expect("packing convolution weights");
    launch(gpu, plan, variant, input, &packs.0, &w.bias, out, w.cin, w.cout, relu);
}

/// grad_in = d(loss)/d(input) given grad_out = d(loss)/d(conv output before any ReLU).
pub fn backward_input(gpu: &Gpu, plan: &mut Plan, grad_out: &Tensor, w: &ConvWeights, grad_in: &Tensor) {
    let (_, h, wd) = dims3(&grad_out.shape);
    let variant = w.variant_for(gpu, true, h, wd);
    let packs = w.packed(gpu, variant.layout()).expect("packing convolution weights");
    launch(gpu, plan, variant, grad_out, &packs.1, &w.zero_bias, grad_in, w.cout, w.cin, false);
}

/// Scratch [C, H+2, W+2] views for a padded convolution's input and output, shared by every
/// layer (one layer runs at a time).
fn padded_scratch(gpu: &Gpu, input: &[usize], output: &[usize]) -> (Tensor, Tensor) {
    let view = |what: &'static str, shape: &[usize]| {
        let s = pad::padded_shape(shape);
        let buffer =
            gpu.scratch(what, (s.iter().product::<usize>() * 4) as u64).expect("padding scratch within device limits");
        Tensor { buffer, shape: s.to_vec() }
    };
    (view("padded conv input", input), view("padded conv output", output))
}

/// [`forward`] with `padding` beyond the image's edge. Winograd reads the border itself; the
/// other kernels run the zero-padded convolution on a padded copy and crop its output.
pub fn forward_padded(
    gpu: &Gpu,
    plan: &mut Plan,
    input: &Tensor,
    w: &ConvWeights,
    out: &Tensor,
    relu: bool,
    padding: Padding,
) {
    if padding == Padding::Zero {
        return forward(gpu, plan, input, w, out, relu);
    }
    let (_, h, wd) = dims3(&input.shape);
    let variant = w.variant_for(gpu, false, h, wd);
    let packs = w.packed(gpu, variant.layout()).expect("packing convolution weights");
    if let Packed::Winograd(ww) = &packs.0 {
        WinoConv { input, w: ww, bias: &w.bias, out, relu, border: padding, mask: None }.record(gpu, plan);
    } else {
        let (pin, pout) = padded_scratch(gpu, &input.shape, &out.shape);
        pad::pad(gpu, plan, padding, input, &pin);
        forward(gpu, plan, &pin, w, &pout, relu);
        pad::crop(gpu, plan, &pout, out);
    }
}

/// The input gradient of a `padding`-padded convolution followed by a ReLU: grad_out is the
/// gradient of the ReLU's output `relu_out` (None: no ReLU). Winograd applies the ReLU's mask
/// as it loads grad_out and writes the transposed convolution straight onto the padded plane;
/// the other kernels mask grad_out in place and embed it in the padded plane first. Then the
/// padding's transpose folds the ring back (fold).
pub fn backward_input_padded(
    gpu: &Gpu,
    plan: &mut Plan,
    grad_out: &Tensor,
    relu_out: Option<&Tensor>,
    w: &ConvWeights,
    grad_in: &Tensor,
    padding: Padding,
) {
    let (_, h, wd) = dims3(&grad_out.shape);
    let variant = w.variant_for(gpu, true, h, wd);
    let packs = w.packed(gpu, variant.layout()).expect("packing convolution weights");
    if let Packed::Winograd(ww) = &packs.1 {
        let zb = &w.zero_bias;
        if padding == Padding::Zero {
            let conv = WinoConv {
                input: grad_out,
                w: ww,
                bias: zb,
                out: grad_in,
                relu: false,
                border: Padding::Zero,
                mask: relu_out,
            };
            conv.record(gpu, plan);
        } else {
            // the transposed convolution straight onto the padded plane, folded back
            let (pin, _) = padded_scratch(gpu, &grad_in.shape, &grad_out.shape);
            let conv = WinoConv {
                input: grad_out,
                w: ww,
                bias: zb,
                out: &pin,
                relu: false,
                border: Padding::Zero,
                mask: relu_out,
            };
            conv.record(gpu, plan);
            pad::fold(gpu, plan, padding, &pin, grad_in);
        }
        return;
    }
    if let Some(act) = relu_out {
        crate::ops::elementwise::relu_backward(gpu, plan, act, grad_out);
    }
    if padding == Padding::Zero {
        backward_input(gpu, plan, grad_out, w, grad_in);
    } else {
        // the transposes in reverse: embed (of crop), transposed conv, fold (of pad)
        let (pin, pout) = padded_scratch(gpu, &grad_in.shape, &grad_out.shape);
        pad::embed(gpu, plan, grad_out, &pout);
        backward_input(gpu, plan, &pout, w, &pin);
        pad::fold(gpu, plan, padding, &pin, grad_in);
    }
}

/// The variant for a cin -> cout convolution over an h x w plane on this adapter:
/// `PAINTFLOW_CONV` if set; else, with a single candidate, that one; else the fastest candidate
/// measured on this shape (first use only: the choice is kept for the process and, unless
/// `PAINTFLOW_AUTOTUNE=nocache`, in the user's cache directory; `PAINTFLOW_AUTOTUNE=off`
/// measures nothing and takes [`ConvVariant::default_for`]).
pub fn choose(gpu: &Gpu, cin: usize, cout: usize, h: usize, w: usize) -> ConvVariant {
    if let Ok(Some(v)) = ConvVariant::forced(gpu) {
        return v;
    }
    let candidates: Vec<ConvVariant> =
        ConvVariant::candidates(gpu).into_iter().filter(|v| v.fits(gpu, cin, cout, h, w)).collect();
    if candidates.len() == 1 {
        return candidates[0];
    }
    let key = format!("conv3x3 {cin}->{cout} {h}x{w}");
    let tuned = gpu.tuned(&key, || {
        let mut best: Option<(f64, ConvVariant)> = None;
        for &v in &candidates {
            match time_variant(gpu, v, cin, cout, h, w, best.map(|b| b.0)) {
                Ok(Some(ms)) if best.is_none_or(|b| ms < b.0) => best = Some((ms, v)),
                _ => {}
            }
        }
        best.map(|b| b.1.name().to_string())
    });
    tuned
        .and_then(|name| ConvVariant::parse(&name))
        .filter(|v| candidates.contains(v))
        .unwrap_or(ConvVariant::default_for(gpu))
}

/// Milliseconds of one cin -> cout launch of `variant` over h x w (after a warm-up run, the best
/// of three: with two, run-to-run noise on CPU drivers picked a 10 % slower variant for whole
/// layers); None when the first was over 1.5 times `beat` (it cannot win: not worth more runs).
fn time_variant(
    gpu: &Gpu,
    variant: ConvVariant,
    cin: usize,
    cout: usize,
    h: usize,
    w: usize,
    beat: Option<f64>,
) -> Result<Option<f64>> {
    let weights: Vec<f32> = (0..cout * cin * 9).map(|i| ((i * 31) % 97) as f32 / 97.0 - 0.5).collect();
    let cw = ConvWeights::with_variant(gpu, variant, cout, cin, &weights, &vec![0.0; cout], "autotune")?;
    let x = Tensor::zeros(gpu, &[cin, h, w], "autotune input")?;
    let y = Tensor::zeros(gpu, &[cout, h, w], "autotune output")?;
    let mut plan = Plan::new();
    forward(gpu, &mut plan, &x, &cw, &y, true);
    let first = crate::gpu::timing::time_plan(gpu, &plan, 1, 1)?;
    if beat.is_some_and(|b| first > 1.5 * b) {
        return Ok(None);
    }
    let again = |_| crate::gpu::timing::time_plan(gpu, &plan, 0, 1);
    Ok(Some((0..2).map(again).collect::<Result<Vec<f64>>>()?.into_iter().fold(first, f64::min)))
}

/// Number of floating-point operations of one forward (or input-gradient) pass: 2 per MAC.
pub fn flops(cin: usize, cout: usize, h: usize, w: usize) -> f64 {
    2.0 * 9.0 * (cin * cout * h * w) as f64
}

/// CPU reference: direct convolution, f64 accumulation.
#[allow(clippy::too_many_arguments)]
pub fn forward_cpu(
    input: &[f32],
    cin: usize,
    h: usize,
    w: usize,
    weight: &[f32],
    bias: &[f32],
    cout: usize,
    relu: bool,
) -> Vec<f32> {
    let mut out = vec![0.0f32; cout * h * w];
    for o in 0..cout {
        for y in 0..h {
            for x in 0..w {
                let mut s = bias[o] as f64;
                for i in 0..cin {
                    for ky in 0..3 {
                        for kx in 0..3 {
                            let (yy, xx) = (y as isize + ky as isize - 1, x as isize + kx as isize - 1);
                            if yy < 0 || xx < 0 || yy >= h as isize || xx >= w as isize {
                                continue;
                            }
                            s += weight[((o * cin + i) * 3 + ky) * 3 + kx] as f64
                                * input[(i * h + yy as usize) * w + xx as usize] as f64;
                        }
                    }
                }
                out[(o * h + y) * w + x] = if relu { s.max(0.0) as f32 } else { s as f32 };
            }
        }
    }
    out
}

/// CPU reference for the input gradient, written as the scatter of each output gradient back
/// onto the inputs it read (independent of the transposed-kernel trick the GPU uses).
pub fn backward_input_cpu(grad_out: &[f32], cout: usize, h: usize, w: usize, weight: &[f32], cin: usize) -> Vec<f32> {
    let mut gin = vec![0.0f64; cin * h * w];
    for o in 0..cout {
        for y in 0..h {
            for x in 0..w {
                let g = grad_out[(o * h + y) * w + x] as f64;
                for i in 0..cin {
                    for ky in 0..3 {
                        for kx in 0..3 {
                            let (yy, xx) = (y as isize + ky as isize - 1, x as isize + kx as isize - 1);
                            if yy < 0 || xx < 0 || yy >= h as isize || xx >= w as isize {
                                continue;
                            }
                            gin[(i * h + yy as usize) * w + xx as usize] +=
                                g * weight[((o * cin + i) * 3 + ky) * 3 + kx] as f64;
                        }
                    }
                }
            }
        }
    }
    gin.into_iter().map(|v| v as f32).collect()
}
