//! 2x2 stride-2 max and average pooling, forward and backward (floor on odd sizes).
use crate::gpu::shaders::{read, read_write, Binding};
use crate::gpu::{Gpu, Kernel, Plan, Shader, Tensor};
use crate::ops::dims3;

const FORWARD_BINDINGS: &[Binding] = &[read(1, "src"), read_write(2, "dst")];
pub const MAX_FORWARD: Kernel = Kernel::new(Shader::Pool, "max_forward", FORWARD_BINDINGS);
pub const AVG_FORWARD: Kernel = Kernel::new(Shader::Pool, "avg_forward", FORWARD_BINDINGS);
/// Needs the forward input to find each window's maximum.
pub const MAX_BACKWARD: Kernel =
    Kernel::new(Shader::Pool, "max_backward", &[read(1, "src"), read_write(2, "dst"), read(3, "gout")]);
pub const AVG_BACKWARD: Kernel = Kernel::new(Shader::Pool, "avg_backward", &[read_write(2, "dst"), read(3, "gout")]);
pub const KERNELS: &[Kernel] = &[MAX_FORWARD, AVG_FORWARD, MAX_BACKWARD, AVG_BACKWARD];

crate::shader_params! {
    /// `struct Params` of shaders/pool.wgsl.
    pub struct PoolParams for Shader::Pool { c: u32, h: u32, w: u32, ho: u32, wo: u32 }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pool {
    Max,
    Avg,
}

/// Output shape of pooling a [C, H, W] tensor.
pub fn out_shape(c: usize, h: usize, w: usize) -> [usize; 3] {
    [c, h / 2, w / 2]
}

fn params(c: usize, h: usize, w: usize) -> PoolParams {
    PoolParams { c: c as u32, h: h as u32, w: w as u32, ho: (h / 2) as u32, wo: (w / 2) as u32 }
}

pub fn forward(gpu: &Gpu, plan: &mut Plan, kind: Pool, input: &Tensor, out: &Tensor) {
    let (c, h, w) = dims3(&input.shape);
    assert_eq!(dims3(&out.shape), (c, h / 2, w / 2), "pool output shape");
    let kernel = match kind {
        Pool::Max => &MAX_FORWARD,
        Pool::Avg => &AVG_FORWARD,
    };
    plan.dispatch_1d(gpu, kernel, &params(c, h, w), &[&input.buffer, &out.buffer], c * (h / 2) * (w / 2));
}

/// grad_in [C, H, W] from grad_out [C, H/2, W/2]; `input` is the forward input (max pooling
/// routes each window's gradient to its first maximum).
pub fn backward(gpu: &Gpu, plan: &mut Plan, kind: Pool, input: &Tensor, grad_out: &Tensor, grad_in: &Tensor) {
    let (c, h, w) = dims3(&input.shape);
    assert_eq!(dims3(&grad_out.shape), (c, h / 2, w / 2), "pool grad_out shape");
    assert_eq!(dims3(&grad_in.shape), (c, h, w), "pool grad_in shape");
    let p = params(c, h, w);
    // one invocation per 2x2 window, the odd last row and column included
    let windows = c * h.div_ceil(2) * w.div_ceil(2);
    match kind {
        Pool::Max => {
            plan.dispatch_1d(gpu, &MAX_BACKWARD, &p, &[&input.buffer, &grad_in.buffer, &grad_out.buffer], windows)
        }
        Pool::Avg => plan.dispatch_1d(gpu, &AVG_BACKWARD, &p, &[&grad_in.buffer, &grad_out.buffer], windows),
    }
}

pub fn forward_cpu(kind: Pool, x: &[f32], c: usize, h: usize, w: usize) -> Vec<f32> {
    let (ho, wo) = (h / 2, w / 2);
    let mut out = vec![0.0; c * ho * wo];
    for ch in 0..c {
        for oy in 0..ho {
            for ox in 0..wo {
                let v = |dy: usize, dx: usize| x[(ch * h + oy * 2 + dy) * w + ox * 2 + dx];
                let win = [v(0, 0), v(0, 1), v(1, 0), v(1, 1)];
                out[(ch * ho + oy) * wo + ox] = match kind {
                    Pool::Max => win.iter().copied().fold(f32::NEG_INFINITY, f32::max),
                    Pool::Avg => win.iter().sum::<f32>() * 0.25,
                };
            }
        }
    }
    out
}

pub fn backward_cpu(kind: Pool, x: &[f32], gout: &[f32], c: usize, h: usize, w: usize) -> Vec<f32> {
    let (ho, wo) = (h / 2, w / 2);
    let mut gin = vec![0.0; c * h * w];
    for ch in 0..c {
        for oy in 0..ho {
            for ox in 0..wo {
                let g = gout[(ch * ho + oy) * wo + ox];
                let at = |k: usize| (ch * h + oy * 2 + k / 2) * w + ox * 2 + k % 2;
                match kind {
                    Pool::Max => {
                        let mut arg = 0;
                        for k in 1..4 {
                            if x[at(k)] > x[at(arg)] {
                                arg = k;
                            }
                        }
                        gin[at(arg)] += g;
                    }
                    Pool::Avg => (0..4).for_each(|k| gin[at(k)] += 0.25 * g),
                }
            }
        }
    }
    gin
}
