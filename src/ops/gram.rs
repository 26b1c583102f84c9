//! Gram matrices G = F F^T / (C*H*W) of features F [C, H*W], and the backward dL/dF.
use crate::gpu::shaders::{read, read_write};
use crate::gpu::{Gpu, Kernel, Plan, Shader, Tensor};
use crate::ops::dims3;
use crate::Result;

/// Partial Gram blocks of each slice of the pixel axis: features `f` -> partials `outp`.
pub const GRAM_PARTIAL: Kernel = Kernel::new(Shader::Gram, "gram_partial", &[read(1, "f"), read_write(2, "outp")]);
/// Adds the slices (bound as `f`) and mirrors the upper triangle into the Gram matrix `outp`.
pub const GRAM_REDUCE: Kernel = Kernel::new(Shader::Gram, "gram_reduce", &[read(1, "f"), read_write(2, "outp")]);
/// D = scale * (dG + dG^T): `dg` -> `outp`.
pub const GRAM_SYMMETRIZE: Kernel =
    Kernel::new(Shader::Gram, "gram_symmetrize", &[read_write(2, "outp"), read(3, "dg")]);
/// dF (+)= D F: features `f`, D in `dg`, dF in `outp`.
pub const GRAM_BACKWARD: Kernel =
    Kernel::new(Shader::Gram, "gram_backward", &[read(1, "f"), read_write(2, "outp"), read(3, "dg")]);
pub const KERNELS: &[Kernel] = &[GRAM_PARTIAL, GRAM_REDUCE, GRAM_SYMMETRIZE, GRAM_BACKWARD];

crate::shader_params! {
    /// `struct Params` of shaders/gram.wgsl.
    pub struct GramParams for Shader::Gram {
        c: u32,
        np: u32,
        splits: u32,
        chunk: u32,
        c8: u32,
        scale: f32,
        accumulate: u32,
    }
}

/// Number of slices of the H*W axis: enough invocations to fill a device, slices of >= 256.
fn splits(c: usize, np: usize) -> usize {
    let blocks = c.div_ceil(8).pow(2);
    let want = 8192usize.div_ceil(blocks);
    want.clamp(1, np.div_ceil(256).max(1))
}

/// Recorded Gram forward for one feature shape; owns its partial-sum scratch buffer.
pub struct GramForward {
    partials: Tensor,
    splits: usize,
}

impl GramForward {
    pub fn new(gpu: &Gpu, shape: &[usize]) -> Result<Self> {
        let (c, h, w) = dims3(shape);
        let splits = splits(c, h * w);
        Ok(GramForward { partials: Tensor::zeros(gpu, &[splits, c, c], "gram partials")?, splits })
    }

    /// gram [C, C] = F F^T / (C*H*W) for features [C, H, W].
    pub fn record(&self, gpu: &Gpu, plan: &mut Plan, features: &Tensor, gram: &Tensor) {
        let (c, h, w) = dims3(&features.shape);
        assert_eq!(gram.len(), c * c, "gram output shape");
        let np = h * w;
        let chunk = np.div_ceil(self.splits);
        let scale = 1.0 / (c * np) as f32;
        let params = GramParams {
            c: c as u32,
            np: np as u32,
            splits: self.splits as u32,
            chunk: chunk as u32,
            c8: c.div_ceil(8) as u32,
            scale,
            accumulate: 0,
        };
        let blocks = self.splits * c.div_ceil(8).pow(2);
        plan.dispatch_1d(gpu, &GRAM_PARTIAL, &params, &[&features.buffer, &self.partials.buffer], blocks);
        plan.dispatch_1d(gpu, &GRAM_REDUCE, &params, &[&self.partials.buffer, &gram.buffer], c * c);
    }
}

/// Recorded Gram backward for one channel count; owns the symmetrised-gradient scratch.
pub struct GramBackward {
    sym: Tensor,
}

impl GramBackward {
    pub fn new(gpu: &Gpu, c: usize) -> Result<Self> {
        Ok(GramBackward { sym: Tensor::zeros(gpu, &[c, c], "gram grad sym")? })
    }

    /// grad_f [C, H, W] (+)= (dG + dG^T) F / (C*H*W), the gradient through G = F F^T / (C*H*W).
    pub fn record(
        &self,
        gpu: &Gpu,
        plan: &mut Plan,
        features: &Tensor,
        grad_gram: &Tensor,
        grad_f: &Tensor,
        accumulate: bool,
    ) {
        let (c, h, w) = dims3(&features.shape);
        assert_eq!(grad_gram.len(), c * c, "gram gradient shape");
        assert_eq!(self.sym.len(), c * c, "gram backward built for another channel count");
        assert_eq!(grad_f.len(), features.len(), "feature gradient shape");
        let np = h * w;
        let scale = 1.0 / (c * np) as f32;
        let params = GramParams {
            c: c as u32,
            np: np as u32,
            splits: 1,
            chunk: np as u32,
            c8: c.div_ceil(8) as u32,
            scale,
            accumulate: accumulate as u32,
        };
        plan.dispatch_1d(gpu, &GRAM_SYMMETRIZE, &params, &[&self.sym.buffer, &grad_gram.buffer], c * c);
        let bufs = [&*features.buffer, &grad_f.buffer, &self.sym.buffer];
        plan.dispatch_1d(gpu, &GRAM_BACKWARD, &params, &bufs, c.div_ceil(8) * np.div_ceil(8));
    }
}

pub fn flops(c: usize, np: usize) -> f64 {
    2.0 * (c * c * np) as f64
}

pub fn forward_cpu(f: &[f32], c: usize, np: usize) -> Vec<f32> {
    let scale = 1.0 / (c * np) as f64;
    let mut g = vec![0.0; c * c];
    for i in 0..c {
        for j in 0..c {
            let s: f64 = (0..np).map(|q| f[i * np + q] as f64 * f[j * np + q] as f64).sum();
            g[i * c + j] = (s * scale) as f32;
        }
    }
    g
}

pub fn backward_cpu(f: &[f32], dg: &[f32], c: usize, np: usize) -> Vec<f32> {
    let scale = 1.0 / (c * np) as f64;
    let mut df = vec![0.0; c * np];
    for i in 0..c {
        for q in 0..np {
            let s: f64 = (0..c).map(|j| (dg[i * c + j] as f64 + dg[j * c + i] as f64) * f[j * np + q] as f64).sum();
            df[i * np + q] = (s * scale) as f32;
        }
    }
    df
}
