//! 3x3 convolution (stride 1, zero padding 1) with bias and optional ReLU, and its input gradient.
use crate::gpu::shaders::{read, read_write, uniform, Binding};
use crate::gpu::{Gpu, Kernel, Plan, Shader, Tensor};
use crate::ops::dims3;
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
pub const KERNELS: &[Kernel] = &[CONV3X3, CONV3X3_UBO, CONV3X3_UBO_SG];

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

/// Which convolution kernel runs: the choice depends on the adapter (see shaders/conv.wgsl).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConvVariant {
    /// `conv3x3`: weights from a storage buffer, 4 pixels x 4 channels per invocation (GPUs).
    Storage,
    /// `conv3x3_ubo`: weights of 32x32-channel blocks from uniform buffers, 4 pixels x 32
    /// channels per invocation, one launch per block pair (CPU drivers).
    Uniform,
    /// `conv3x3_ubo_sg`: `Uniform` with each subgroup loading 8 weights at once and broadcasting
    /// them (CPU drivers with subgroups of at least 8 lanes; same weight layout).
    UniformSubgroup,
}

impl ConvVariant {
    pub fn for_gpu(gpu: &Gpu) -> ConvVariant {
        match std::env::var("PAINTFLOW_CONV").as_deref() {
            Ok("storage") => ConvVariant::Storage,
            Ok("uniform") => ConvVariant::Uniform,
            Ok("uniform-subgroup") if gpu.has_subgroups_of_8() => ConvVariant::UniformSubgroup,
            _ if gpu.is_cpu() && gpu.has_subgroups_of_8() => ConvVariant::UniformSubgroup,
            _ if gpu.is_cpu() => ConvVariant::Uniform,
            _ => ConvVariant::Storage,
        }
    }

    /// The variants this adapter can run (the tests check each against the CPU reference).
    pub fn available(gpu: &Gpu) -> Vec<ConvVariant> {
        let mut all = vec![ConvVariant::Storage, ConvVariant::Uniform];
        if gpu.has_subgroups_of_8() {
            all.push(ConvVariant::UniformSubgroup);
        }
        all
    }
}

/// Channel block of the uniform-buffer variant (both input and output channels).
const UBO_BLOCK: usize = 32;

/// A layer's weights in one kernel's layout.
enum Packed {
    /// [ic][ky][kx][oc padded to 4] (vec4 along oc).
    Storage(Tensor),
    /// One uniform buffer per (output block, input block), index ocb * nib + icb, each
    /// [icl 32][ky][kx][ocl 32]; `subgroup` picks `conv3x3_ubo_sg` over `conv3x3_ubo`.
    Uniform { blocks: Vec<wgpu::Buffer>, subgroup: bool },
}

/// One convolution layer's weights on the GPU, packed for the chosen kernel: `forward` holds
/// w[oc, ic, ky, kx]; `backward` the transposed, flipped weights that turn the input gradient
/// into another forward convolution.
pub struct ConvWeights {
    pub cin: usize,
    pub cout: usize,
    pub variant: ConvVariant,
    forward: Packed,
    bias: Tensor,
    backward: Packed,
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
    /// `weight` is OIHW [cout, cin, 3, 3], `bias` [cout]; the kernel variant suits `gpu`.
    pub fn new(gpu: &Gpu, cout: usize, cin: usize, weight: &[f32], bias: &[f32], label: &str) -> Result<ConvWeights> {
        Self::with_variant(gpu, ConvVariant::for_gpu(gpu), cout, cin, weight, bias, label)
    }

    pub fn with_variant(
        gpu: &Gpu,
        variant: ConvVariant,
        cout: usize,
        cin: usize,
        weight: &[f32],
        bias: &[f32],
        label: &str,
    ) -> Result<ConvWeights> {
        assert_eq!(weight.len(), cout * cin * 9, "weight length");
        assert_eq!(bias.len(), cout, "bias length");
        let flipped = transpose_flip(weight, cout, cin);
        let packed = |w: &[f32], co: usize, ci: usize| -> Result<Packed> {
            Ok(match variant {
                ConvVariant::Storage => {
                    Packed::Storage(Tensor::from_slice(gpu, &[ci * 9 * co.div_ceil(4) * 4], &pack(w, co, ci), label)?)
                }
                ConvVariant::Uniform | ConvVariant::UniformSubgroup => Packed::Uniform {
                    blocks: pack_blocks(gpu, w, co, ci, label),
                    subgroup: variant == ConvVariant::UniformSubgroup,
                },
            })
        };
        let (forward, backward) = (packed(weight, cout, cin)?, packed(&flipped, cin, cout)?);
        let pad = |n: usize| n.div_ceil(UBO_BLOCK) * UBO_BLOCK;
        let mut b = bias.to_vec();
        b.resize(pad(cout), 0.0);
        Ok(ConvWeights {
            cin,
            cout,
            variant,
            forward,
            bias: Tensor::from_slice(gpu, &[pad(cout)], &b, label)?,
            backward,
            zero_bias: Tensor::zeros(gpu, &[pad(cin)], label)?,
        })
    }
}

#[allow(clippy::too_many_arguments)]
fn launch(
    gpu: &Gpu,
    plan: &mut Plan,
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
    match w {
        Packed::Storage(w) => {
            plan.dispatch_1d(gpu, &CONV3X3, &base, &[&input.buffer, &w.buffer, &b.buffer, &out.buffer], oc4 * h * wb);
        }
        Packed::Uniform { blocks: wbuf, subgroup } => {
            let kernel = if *subgroup { &CONV3X3_UBO_SG } else { &CONV3X3_UBO };
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
    }
}

/// out = conv3x3(input) + bias, then ReLU if `relu`. input [cin, H, W], out [cout, H, W].
pub fn forward(gpu: &Gpu, plan: &mut Plan, input: &Tensor, w: &ConvWeights, out: &Tensor, relu: bool) {
    launch(gpu, plan, input, &w.forward, &w.bias, out, w.cin, w.cout, relu);
}

/// grad_in = d(loss)/d(input) given grad_out = d(loss)/d(conv output before any ReLU).
pub fn backward_input(gpu: &Gpu, plan: &mut Plan, grad_out: &Tensor, w: &ConvWeights, grad_in: &Tensor) {
    launch(gpu, plan, grad_out, &w.backward, &w.zero_bias, grad_in, w.cout, w.cin, false);
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
