//! Winograd convolution F(m x m, 3 x 3), m = 2 or 4 (shaders/winograd.wgsl): the input
//! transform, one channel GEMM per transform position, and the output transform, with the
//! weights transformed once on the host. Used as convolution variants on CPU drivers (where
//! multiplies, not memory traffic, bound the direct kernels); CPU twins of each stage below.
use crate::gpu::shaders::{read, read_write, uniform, Binding};
use crate::gpu::{Gpu, Kernel, Plan, Shader, Tensor};
use crate::ops::dims3;
use crate::Result;

const INPUT_BINDINGS: &[Binding] = &[read(1, "src"), read_write(2, "dst")];
const OUTPUT_BINDINGS: &[Binding] = &[read_write(2, "dst"), read(3, "bias"), read(4, "mt")];
pub const WINO_INPUT_F2: Kernel = Kernel::new(Shader::Winograd, "wino_input_f2", INPUT_BINDINGS);
pub const WINO_INPUT_F4: Kernel = Kernel::new(Shader::Winograd, "wino_input_f4", INPUT_BINDINGS);
pub const WINO_OUTPUT_F2: Kernel = Kernel::new(Shader::Winograd, "wino_output_f2", OUTPUT_BINDINGS);
pub const WINO_OUTPUT_F4: Kernel = Kernel::new(Shader::Winograd, "wino_output_f4", OUTPUT_BINDINGS);
pub const WINO_GEMM: Kernel =
    Kernel::new(Shader::Winograd, "wino_gemm", &[read(1, "src"), read_write(2, "dst"), uniform(5, "wu")])
        .with_workgroup(16);
pub const KERNELS: &[Kernel] = &[WINO_INPUT_F2, WINO_INPUT_F4, WINO_GEMM, WINO_OUTPUT_F2, WINO_OUTPUT_F4];

crate::shader_params! {
    /// `struct Params` of shaders/winograd.wgsl.
    pub struct WinoParams for Shader::Winograd {
        cin: u32,
        cout: u32,
        h: u32,
        w: u32,
        m: u32,
        alpha: u32,
        tx: u32,
        ty: u32,
        tp: u32,
        xi: u32,
        co0: u32,
        relu: u32,
    }
}

/// Output channels per GEMM launch (the weight block of one uniform binding).
const BLOCK: usize = 32;
/// The uniform binding the GEMM declares (`wu: array<vec4<f32>, 4096>`): 64 KiB, so at most
/// 512 input channels.
const WU_BYTES: u64 = 4096 * 16;
pub const MAX_CHANNELS: usize = 512;

// Transform matrices (Lavin & Gray 2015), row-major: B^T (alpha x alpha), G (alpha x 3),
// A^T (m x alpha).
const BT2: [f64; 16] = [1., 0., -1., 0., 0., 1., 1., 0., 0., -1., 1., 0., 0., 1., 0., -1.];
const G2: [f64; 12] = [1., 0., 0., 0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0., 0., 1.];
const AT2: [f64; 8] = [1., 1., 1., 0., 0., 1., -1., -1.];
#[rustfmt::skip]
const BT4: [f64; 36] = [
    4., 0., -5., 0., 1., 0.,
    0., -4., -4., 1., 1., 0.,
    0., 4., -4., -1., 1., 0.,
    0., -2., -1., 2., 1., 0.,
    0., 2., -1., -2., 1., 0.,
    0., 4., 0., -5., 0., 1.,
];
#[rustfmt::skip]
const G4: [f64; 18] = [
    1. / 4., 0., 0.,
    -1. / 6., -1. / 6., -1. / 6.,
    -1. / 6., 1. / 6., -1. / 6.,
    1. / 24., 1. / 12., 1. / 6.,
    1. / 24., -1. / 12., 1. / 6.,
    0., 0., 1.,
];
#[rustfmt::skip]
const AT4: [f64; 24] = [
    1., 1., 1., 1., 1., 0.,
    0., 1., -1., 2., -2., 0.,
    0., 1., 1., 4., 4., 0.,
    0., 1., -1., 8., -8., 1.,
];

fn matrices(m: usize) -> (&'static [f64], &'static [f64], &'static [f64]) {
    match m {
        2 => (&BT2, &G2, &AT2),
        4 => (&BT4, &G4, &AT4),
        _ => panic!("Winograd tiles are 2 or 4, not {m}"),
    }
}

/// Tiles across and down, and the tile count padded to a multiple of 4.
pub fn tiles(h: usize, w: usize, m: usize) -> (usize, usize, usize) {
    let (tx, ty) = (w.div_ceil(m), h.div_ceil(m));
    (tx, ty, (tx * ty).div_ceil(4) * 4)
}

/// U = G g G^T of every (co, ci) of OIHW weights, as [position][ci][co] (f64).
pub fn transform_weights_cpu(w: &[f32], cout: usize, cin: usize, m: usize) -> Vec<f64> {
    let (_, g, _) = matrices(m);
    let a = m + 2;
    let mut u = vec![0.0; a * a * cin * cout];
    for o in 0..cout {
        for i in 0..cin {
            let k = &w[(o * cin + i) * 9..][..9];
            // e = G k (alpha x 3), then U = e G^T (alpha x alpha)
            let mut e = vec![0.0; a * 3];
            for r in 0..a {
                for c in 0..3 {
                    e[r * 3 + c] = (0..3).map(|j| g[r * 3 + j] * k[j * 3 + c] as f64).sum();
                }
            }
            for r in 0..a {
                for c in 0..a {
                    let v: f64 = (0..3).map(|j| e[r * 3 + j] * g[c * 3 + j]).sum();
                    u[((r * a + c) * cin + i) * cout + o] = v;
                }
            }
        }
    }
    u
}

/// One direction's weights on the GPU: a uniform buffer of blocks [ci][32 co], one per
/// (position, 32-channel output block), each at a 256-byte-aligned offset and followed by room
/// for the GEMM's full 64 KiB binding.
pub struct WinoWeights {
    pub m: usize,
    pub cin: usize,
    pub cout: usize,
    buffer: wgpu::Buffer,
    offsets: Vec<u64>,
}

impl WinoWeights {
    /// From OIHW weights [cout, cin, 3, 3].
    pub fn new(gpu: &Gpu, w: &[f32], cout: usize, cin: usize, m: usize, label: &str) -> Result<WinoWeights> {
        use wgpu::util::DeviceExt;
        if cin > MAX_CHANNELS {
            return Err(crate::Error::Invalid(format!(
                "Winograd convolution takes at most {MAX_CHANNELS} input channels"
            )));
        }
        let a = m + 2;
        let u = transform_weights_cpu(w, cout, cin, m);
        let nob = cout.div_ceil(BLOCK);
        let block_floats = (cin * BLOCK).div_ceil(64) * 64; // 256-byte aligned
        let mut data = vec![0.0f32; a * a * nob * block_floats + (WU_BYTES / 4) as usize];
        let mut offsets = Vec::with_capacity(a * a * nob);
        for xi in 0..a * a {
            for ob in 0..nob {
                let base = (xi * nob + ob) * block_floats;
                offsets.push(base as u64 * 4);
                for i in 0..cin {
                    for ol in 0..BLOCK.min(cout - ob * BLOCK) {
                        data[base + i * BLOCK + ol] = u[(xi * cin + i) * cout + ob * BLOCK + ol] as f32;
                    }
                }
            }
        }
        let buffer = gpu.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(label),
            contents: bytemuck::cast_slice(&data),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        Ok(WinoWeights { m, cin, cout, buffer, offsets })
    }

    pub fn bytes(&self) -> u64 {
        self.buffer.size()
    }
}

/// Whether a cin -> cout convolution over h x w can run as Winograd F(m) on this device: the
/// channel limit of the weight binding, and the transform buffers within the binding limit.
pub fn fits(gpu: &Gpu, cin: usize, cout: usize, h: usize, w: usize, m: usize) -> bool {
    let (_, _, tp) = tiles(h, w, m);
    let pos = (m + 2) * (m + 2);
    let biggest = (pos * cin.max(cout) * tp * 4) as u64;
    cin <= MAX_CHANNELS
        && biggest <= gpu.limits.max_storage_buffer_binding_size.min(gpu.limits.max_buffer_size)
        && gpu.has_subgroups_of_8()
}

/// Record out = conv3x3(input) + bias (then ReLU) through Winograd F(m): input [cin, H, W],
/// out [cout, H, W]; the transforms go through shared scratch buffers.
pub fn record(gpu: &Gpu, plan: &mut Plan, input: &Tensor, w: &WinoWeights, bias: &Tensor, out: &Tensor, relu: bool) {
    let (cin, h, wd) = dims3(&input.shape);
    assert_eq!(cin, w.cin, "Winograd input channels");
    assert_eq!(dims3(&out.shape), (w.cout, h, wd), "Winograd output shape");
    let (m, a) = (w.m, w.m + 2);
    let (tx, ty, tp) = tiles(h, wd, m);
    let pos = a * a;
    let v = gpu.scratch("winograd V", (pos * cin * tp * 4) as u64).expect("Winograd scratch (checked by `fits`)");
    let mm = gpu.scratch("winograd M", (pos * w.cout * tp * 4) as u64).expect("Winograd scratch (checked by `fits`)");
    let base = WinoParams {
        cin: cin as u32,
        cout: w.cout as u32,
        h: h as u32,
        w: wd as u32,
        m: m as u32,
        alpha: a as u32,
        tx: tx as u32,
        ty: ty as u32,
        tp: tp as u32,
        relu: relu as u32,
        ..Default::default()
    };
    let (input_kernel, output_kernel) =
        if m == 2 { (&WINO_INPUT_F2, &WINO_OUTPUT_F2) } else { (&WINO_INPUT_F4, &WINO_OUTPUT_F4) };
    plan.dispatch_1d(gpu, input_kernel, &base, &[&input.buffer, &v], cin * tp);
    let nob = w.cout.div_ceil(BLOCK);
    for xi in 0..pos {
        for ob in 0..nob {
            let p = WinoParams { xi: xi as u32, co0: (ob * BLOCK) as u32, ..base };
            let bufs = [
                wgpu::BufferBinding { buffer: &v, offset: 0, size: None },
                wgpu::BufferBinding { buffer: &mm, offset: 0, size: None },
                wgpu::BufferBinding {
                    buffer: &w.buffer,
                    offset: w.offsets[xi * nob + ob],
                    size: std::num::NonZeroU64::new(WU_BYTES),
                },
            ];
            plan.dispatch_ranges(gpu, &WINO_GEMM, &p, &bufs, crate::gpu::groups_for(tp / 4, 16));
        }
    }
    plan.dispatch_1d(gpu, output_kernel, &base, &[&out.buffer, &bias.buffer, &mm], w.cout * tx * ty);
}

// --- CPU references ---

/// CPU twin of `wino_input`: V [position][cin][tp] of an image [cin, h, w].
pub fn input_cpu(x: &[f32], cin: usize, h: usize, w: usize, m: usize) -> Vec<f32> {
    let (bt, _, _) = matrices(m);
    let a = m + 2;
    let (tx, ty, tp) = tiles(h, w, m);
    let mut v = vec![0.0f32; a * a * cin * tp];
    for ci in 0..cin {
        for t in 0..tx * ty {
            let (y0, x0) = ((t / tx * m) as isize - 1, (t % tx * m) as isize - 1);
            let d = |r: usize, c: usize| {
                let (y, xx) = (y0 + r as isize, x0 + c as isize);
                if y < 0 || xx < 0 || y >= h as isize || xx >= w as isize {
                    0.0
                } else {
                    x[(ci * h + y as usize) * w + xx as usize] as f64
                }
            };
            for r in 0..a {
                for c in 0..a {
                    let s: f64 = (0..a)
                        .flat_map(|i| (0..a).map(move |j| (i, j)))
                        .map(|(i, j)| bt[r * a + i] * d(i, j) * bt[c * a + j])
                        .sum();
                    v[((r * a + c) * cin + ci) * tp + t] = s as f32;
                }
            }
        }
    }
    v
}

/// The whole Winograd convolution on the CPU (f64 throughout): the reference the GPU's
/// three stages are checked against.
#[allow(clippy::too_many_arguments)]
pub fn forward_cpu(
    x: &[f32],
    cin: usize,
    h: usize,
    w: usize,
    weight: &[f32],
    bias: &[f32],
    cout: usize,
    relu: bool,
    m: usize,
) -> Vec<f32> {
    let (_, _, at) = matrices(m);
    let a = m + 2;
    let (tx, ty, tp) = tiles(h, w, m);
    let v = input_cpu(x, cin, h, w, m);
    let u = transform_weights_cpu(weight, cout, cin, m);
    let mut out = vec![0.0f32; cout * h * w];
    for co in 0..cout {
        for t in 0..tx * ty {
            let mt: Vec<f64> = (0..a * a)
                .map(|xi| (0..cin).map(|ci| u[(xi * cin + ci) * cout + co] * v[(xi * cin + ci) * tp + t] as f64).sum())
                .collect();
            for r in 0..m {
                for c in 0..m {
                    let mut s = bias[co] as f64;
                    for i in 0..a {
                        for j in 0..a {
                            s += at[r * a + i] * mt[i * a + j] * at[c * a + j];
                        }
                    }
                    let (y, xx) = (t / tx * m + r, t % tx * m + c);
                    if y < h && xx < w {
                        out[(co * h + y) * w + xx] = if relu { s.max(0.0) as f32 } else { s as f32 };
                    }
                }
            }
        }
    }
    out
}
