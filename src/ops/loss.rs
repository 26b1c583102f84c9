//! Loss terms: weighted mean squared error (content and Gram/style losses) and total variation,
//! each with its value (through a reduction into a slot of a loss buffer) and its gradient.
use crate::gpu::shaders::{read, read_write};
use crate::gpu::{Gpu, Kernel, Plan, Shader, Tensor};
use crate::ops::dims3;
use crate::ops::reduce::{Reducer, Sum};
use crate::Result;

pub const MSE_GRAD: Kernel =
    Kernel::new(Shader::Loss, "mse_grad", &[read(1, "a"), read_write(2, "grad"), read(3, "b")]);
/// Writes each pixel's total-variation terms into `grad` (scratch for the reduction).
pub const TV_TERMS: Kernel = Kernel::new(Shader::Loss, "tv_terms", &[read(1, "a"), read_write(2, "grad")]);
pub const TV_GRAD: Kernel = Kernel::new(Shader::Loss, "tv_grad", &[read(1, "a"), read_write(2, "grad")]);
pub const KERNELS: &[Kernel] = &[MSE_GRAD, TV_TERMS, TV_GRAD];

crate::shader_params! {
    /// `struct Params` of shaders/loss.wgsl (h and w are read by the total-variation kernels only).
    pub struct LossParams for Shader::Loss { n: u32, h: u32, w: u32, accumulate: u32, k: f32 }
}

/// weight * mean((a - b)^2): value into `losses[slot]`, gradient w.r.t. `a` into `grad`.
pub struct Mse {
    reducer: Reducer,
}

impl Mse {
    pub fn new(gpu: &Gpu, n: usize) -> Result<Self> {
        Ok(Mse { reducer: Reducer::new(gpu, n)? })
    }

    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &self,
        gpu: &Gpu,
        plan: &mut Plan,
        weight: f32,
        a: &Tensor,
        b: &Tensor,
        grad: &Tensor,
        accumulate: bool,
        losses: &Tensor,
        slot: usize,
    ) {
        let n = a.len();
        assert_eq!(b.len(), n, "mse target length");
        assert_eq!(grad.len(), n, "mse gradient length");
        self.reducer.record(gpu, plan, Sum::SquaredDiff(a, b), weight / n as f32, losses, slot, false);
        let k = 2.0 * weight / n as f32;
        let params = LossParams { n: n as u32, accumulate: accumulate as u32, k, ..Default::default() };
        plan.dispatch_1d(gpu, &MSE_GRAD, &params, &[&a.buffer, &grad.buffer, &b.buffer], n);
    }
}

/// weight / (C*H*W) * TV(x), TV the sum of squared differences between horizontal and vertical
/// neighbours: value into `losses[slot]`, gradient added to `grad`.
pub struct TotalVariation {
    reducer: Reducer,
    terms: Tensor,
}

impl TotalVariation {
    pub fn new(gpu: &Gpu, shape: &[usize]) -> Result<Self> {
        let n = shape.iter().product();
        Ok(TotalVariation { reducer: Reducer::new(gpu, n)?, terms: Tensor::zeros(gpu, &[n], "tv terms")? })
    }

    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &self,
        gpu: &Gpu,
        plan: &mut Plan,
        weight: f32,
        x: &Tensor,
        grad: &Tensor,
        accumulate: bool,
        losses: &Tensor,
        slot: usize,
    ) {
        let (c, h, w) = dims3(&x.shape);
        let n = c * h * w;
        let k = 2.0 * weight / n as f32;
        let params = LossParams { n: n as u32, h: h as u32, w: w as u32, accumulate: accumulate as u32, k };
        plan.dispatch_1d(gpu, &TV_TERMS, &params, &[&x.buffer, &self.terms.buffer], n);
        self.reducer.record(gpu, plan, Sum::Plain(&self.terms), weight / n as f32, losses, slot, false);
        plan.dispatch_1d(gpu, &TV_GRAD, &params, &[&x.buffer, &grad.buffer], n);
    }
}

/// CPU reference: (value, gradient) of weight * mean((a - b)^2).
pub fn mse_cpu(weight: f32, a: &[f32], b: &[f32]) -> (f64, Vec<f32>) {
    let n = a.len() as f64;
    let v = a.iter().zip(b).map(|(&x, &y)| (x as f64 - y as f64).powi(2)).sum::<f64>() * weight as f64 / n;
    let g = a.iter().zip(b).map(|(&x, &y)| (2.0 * weight as f64 / n * (x as f64 - y as f64)) as f32).collect();
    (v, g)
}

/// CPU reference: (value, gradient) of weight / (C*H*W) * TV(x).
pub fn tv_cpu(weight: f32, x: &[f32], c: usize, h: usize, w: usize) -> (f64, Vec<f32>) {
    let n = (c * h * w) as f64;
    let s = weight as f64 / n;
    let mut v = 0.0;
    let mut g = vec![0.0f64; x.len()];
    for ch in 0..c {
        for y in 0..h {
            for xx in 0..w {
                let i = (ch * h + y) * w + xx;
                for j in [(xx + 1 < w).then(|| i + 1), (y + 1 < h).then(|| i + w)].into_iter().flatten() {
                    let d = x[j] as f64 - x[i] as f64;
                    v += d * d;
                    g[j] += 2.0 * d;
                    g[i] -= 2.0 * d;
                }
            }
        }
    }
    (v * s, g.into_iter().map(|t| (t * s) as f32).collect())
}
