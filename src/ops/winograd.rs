//! Winograd convolution F(m x m, 3 x 3), m = 2 or 4 (shaders/winograd.wgsl): the input
//! transform, one channel GEMM per transform position, and the output transform, with the
//! weights transformed once on the host. Used as convolution variants on CPU drivers (where
//! multiplies, not memory traffic, bound the direct kernels); CPU twins of each stage below.
use crate::gpu::shaders::{read, read_write, Binding};
use crate::gpu::{Gpu, Kernel, Plan, Shader, Tensor};
use crate::ops::dims3;
use crate::ops::pad::Padding;
use crate::Result;

const INPUT_BINDINGS: &[Binding] = &[read(1, "src"), read_write(2, "dst"), read(7, "act")];
const OUTPUT_BINDINGS: &[Binding] = &[read_write(2, "dst"), read(3, "bias"), read(4, "mt")];
pub const WINO_INPUT_F2: Kernel = Kernel::new(Shader::Winograd, "wino_input_f2", INPUT_BINDINGS);
pub const WINO_INPUT_F4: Kernel = Kernel::new(Shader::Winograd, "wino_input_f4", INPUT_BINDINGS);
const INPUT4_BINDINGS: &[Binding] = &[read(8, "src4"), read_write(10, "dst4"), read(9, "act4")];
/// The input transforms for rows a multiple of 4 wide: 4 tiles per invocation, vec4 loads and
/// stores (a quarter of the storage accesses, each a per-lane sequence on CPU drivers).
pub const WINO_INPUT4_F2: Kernel = Kernel::new(Shader::Winograd, "wino_input4_f2", INPUT4_BINDINGS);
pub const WINO_INPUT4_F4: Kernel = Kernel::new(Shader::Winograd, "wino_input4_f4", INPUT4_BINDINGS);
pub const WINO_OUTPUT_F2: Kernel = Kernel::new(Shader::Winograd, "wino_output_f2", OUTPUT_BINDINGS);
pub const WINO_OUTPUT_F4: Kernel = Kernel::new(Shader::Winograd, "wino_output_f4", OUTPUT_BINDINGS);
pub const WINO_GEMM: Kernel =
    Kernel::new(Shader::Winograd, "wino_gemm", &[read_write(2, "dst"), read(5, "u4"), read(6, "v4")])
        .with_workgroup(GEMM_WG as u32);
pub const KERNELS: &[Kernel] =
    &[WINO_INPUT_F2, WINO_INPUT_F4, WINO_INPUT4_F2, WINO_INPUT4_F4, WINO_GEMM, WINO_OUTPUT_F2, WINO_OUTPUT_F4];

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
        relu: u32,
        border: u32,
        masked: u32,
        grow: u32,
        t0: u32,
        tn: u32,
    }
}

/// Output channels per GEMM workgroup (8 lanes x vec4).
const BLOCK: usize = 32;
/// Workgroups of `wino_gemm` (WINO_WG in the shader).
const GEMM_WG: usize = 16;

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

/// One direction's weights on the GPU: U as [position][output block of 32][ci][32], zero past
/// cout.
pub struct WinoWeights {
    pub m: usize,
    pub cin: usize,
    pub cout: usize,
    u: Tensor,
}

impl WinoWeights {
    /// From OIHW weights [cout, cin, 3, 3].
    pub fn new(gpu: &Gpu, w: &[f32], cout: usize, cin: usize, m: usize, label: &str) -> Result<WinoWeights> {
        let a = m + 2;
        let u = transform_weights_cpu(w, cout, cin, m);
        let nob = cout.div_ceil(BLOCK);
        let mut data = vec![0.0f32; a * a * nob * cin * BLOCK];
        for xi in 0..a * a {
            for ob in 0..nob {
                let base = (xi * nob + ob) * cin * BLOCK;
                for i in 0..cin {
                    for ol in 0..BLOCK.min(cout - ob * BLOCK) {
                        data[base + i * BLOCK + ol] = u[(xi * cin + i) * cout + ob * BLOCK + ol] as f32;
                    }
                }
            }
        }
        let u = Tensor::from_slice(gpu, &[data.len()], &data, label)?;
        Ok(WinoWeights { m, cin, cout, u })
    }

    pub fn bytes(&self) -> u64 {
        self.u.buffer.size()
    }
}

/// Bytes each of the V and M scratch buffers may take: the tiles go through them in chunks of at
/// most this much, so the scratch no longer grows with the image (it was 2 x 2.25 x conv1's
/// activations) and 1080p runs Winograd within every binding limit. Measured at 512 px (all
/// layers F4, lavapipe, one iteration): unchunked 3.39 s, 16 MiB 3.2-3.3 s, 32 MiB 3.15 s, but
/// 8 MiB 3.7 s and 4 MiB 3.6 s (smaller chunks starve the GEMM's launches); at 256 px all
/// within noise.
const SCRATCH_BUDGET: usize = 16 << 20;

/// Tiles per chunk for a cin -> cout convolution: as many as fit the scratch budget, a multiple
/// of 4 (the GEMM's vec4 of tiles), at least 4.
pub fn chunk_tiles(cin: usize, cout: usize, m: usize) -> usize {
    let per_tile = (m + 2) * (m + 2) * cin.max(cout) * 4;
    (SCRATCH_BUDGET / per_tile / 4 * 4).max(4)
}

/// Whether a cin -> cout convolution can run as Winograd F(m) on this device: the weights and
/// one chunk's transform buffers within the binding limit, and subgroups for the GEMM.
pub fn fits(gpu: &Gpu, cin: usize, cout: usize, m: usize) -> bool {
    let pos = (m + 2) * (m + 2);
    let weights = pos * cout.div_ceil(BLOCK) * BLOCK * cin;
    let chunk = pos * cin.max(cout) * chunk_tiles(cin, cout, m);
    let biggest = chunk.max(weights) as u64 * 4;
    biggest <= gpu.limits.max_storage_buffer_binding_size.min(gpu.limits.max_buffer_size) && gpu.has_subgroups_of_8()
}

/// One Winograd convolution: out = conv3x3(input) + bias (then ReLU) with `w`: input
/// [cin, H, W], out [cout, H, W], `border` beyond the image's edge; where `mask` is given, the
/// input is taken as zero wherever mask <= 0 (the backward of the ReLU that produced `mask`,
/// fused into the load). `out` may also be [cout, H + 2, W + 2]: the convolution evaluated on
/// the plane padded by one pixel (a transposed convolution whose padding is then folded back;
/// zero border only).
pub struct WinoConv<'a> {
    pub input: &'a Tensor,
    pub w: &'a WinoWeights,
    pub bias: &'a Tensor,
    pub out: &'a Tensor,
    pub relu: bool,
    pub border: Padding,
    pub mask: Option<&'a Tensor>,
}

impl WinoConv<'_> {
    /// Record it; the transforms go through shared scratch buffers, [`chunk_tiles`] at a time.
    pub fn record(&self, gpu: &Gpu, plan: &mut Plan) {
        self.record_chunked(gpu, plan, chunk_tiles(self.w.cin, self.w.cout, self.w.m));
    }

    /// [`WinoConv::record`] with `chunk` tiles (a multiple of 4) per pass through the scratch.
    pub fn record_chunked(&self, gpu: &Gpu, plan: &mut Plan, chunk: usize) {
        let WinoConv { input, w, bias, out, relu, border, mask } = *self;
        assert!(chunk > 0 && chunk.is_multiple_of(4), "Winograd tile chunk {chunk}: a positive multiple of 4");
        if let Some(m) = mask {
            assert_eq!(m.shape, input.shape, "ReLU mask shape");
        }
        let (cin, h, wd) = dims3(&input.shape);
        assert_eq!(cin, w.cin, "Winograd input channels");
        let (cout, oh, ow) = dims3(&out.shape);
        let grow = (oh, ow) == (h + 2, wd + 2);
        assert!(cout == w.cout && ((oh, ow) == (h, wd) || grow), "Winograd output shape");
        assert!(!grow || border == Padding::Zero, "a grown output takes zero borders");
        let (m, a) = (w.m, w.m + 2);
        let (tx, ty, _) = tiles(oh, ow, m);
        // rows a multiple of 4 wide take the 4-tile input transform; its tiles across are padded
        // to a multiple of 4 (the padding tiles fall outside the output and are not written)
        let quads = wd.is_multiple_of(4);
        let tx = if quads { tx.div_ceil(4) * 4 } else { tx };
        let total = tx * ty;
        // equal chunks (a short last chunk would leave CPU threads idle)
        let tp = total.div_ceil(total.div_ceil(chunk)).div_ceil(4) * 4;
        let pos = a * a;
        let v = gpu.scratch("winograd V", (pos * cin * tp * 4) as u64).expect("Winograd scratch (checked by `fits`)");
        let mm =
            gpu.scratch("winograd M", (pos * w.cout * tp * 4) as u64).expect("Winograd scratch (checked by `fits`)");
        let (input_kernel, output_kernel) = match (m, quads) {
            (2, false) => (&WINO_INPUT_F2, &WINO_OUTPUT_F2),
            (2, true) => (&WINO_INPUT4_F2, &WINO_OUTPUT_F2),
            (_, false) => (&WINO_INPUT_F4, &WINO_OUTPUT_F4),
            (_, true) => (&WINO_INPUT4_F4, &WINO_OUTPUT_F4),
        };
        let per_input = if quads { 4 } else { 1 };
        let act = mask.unwrap_or(input);
        for t0 in (0..total).step_by(tp) {
            let tn = tp.min(total - t0);
            let params = WinoParams {
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
                border: border.mode(),
                masked: mask.is_some() as u32,
                grow: grow as u32,
                t0: t0 as u32,
                tn: tn as u32,
            };
            plan.dispatch_1d(gpu, input_kernel, &params, &[&input.buffer, &v, &act.buffer], cin * tp / per_input);
            let [gx, gy, _] = crate::gpu::groups_for(tp / 4, GEMM_WG);
            let gz = (pos * w.cout.div_ceil(BLOCK)) as u32;
            plan.dispatch(gpu, &WINO_GEMM, &params, &[&mm, &w.u.buffer, &v], [gx, gy, gz]);
            plan.dispatch_1d(gpu, output_kernel, &params, &[&out.buffer, &bias.buffer, &mm], w.cout * tn);
        }
    }
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
