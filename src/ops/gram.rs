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
/// Workgroup of the subgroup kernels (shaders/gram_subgroup.wgsl): one 8-lane subgroup.
const SG_WG: u32 = 8;
/// gram_partial on 32 x 32 blocks shared through subgroup broadcasts (CPU drivers).
pub const GRAM_PARTIAL_SG: Kernel =
    Kernel::new(Shader::GramSubgroup, "gram_partial_sg", &[read(1, "f"), read_write(2, "outp")]).with_workgroup(SG_WG);
/// gram_backward with D's rows shared through subgroup broadcasts (CPU drivers).
pub const GRAM_BACKWARD_SG: Kernel =
    Kernel::new(Shader::GramSubgroup, "gram_backward_sg", &[read(1, "f"), read_write(2, "outp"), read(3, "dg")])
        .with_workgroup(SG_WG);
pub const KERNELS: &[Kernel] =
    &[GRAM_PARTIAL, GRAM_REDUCE, GRAM_SYMMETRIZE, GRAM_BACKWARD, GRAM_PARTIAL_SG, GRAM_BACKWARD_SG];

/// How the Gram GEMMs run: register blocks of 8 x 8 per invocation with no cross-invocation
/// traffic (any device), or 32 x 32 blocks per 8-invocation subgroup sharing loads by broadcast
/// (CPU drivers, where each storage load is a per-lane sequence: measured 2-4x faster there).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GramVariant {
    Blocked,
    Subgroup,
}

impl GramVariant {
    /// The variant for this adapter: subgroups on CPU drivers that have them.
    pub fn for_device(gpu: &Gpu) -> Self {
        if gpu.is_cpu() && gpu.has_subgroups_of_8() {
            GramVariant::Subgroup
        } else {
            GramVariant::Blocked
        }
    }

    /// Every variant this adapter can run (the tests run each).
    pub fn available(gpu: &Gpu) -> Vec<Self> {
        let mut v = vec![GramVariant::Blocked];
        if gpu.has_subgroups_of_8() {
            v.push(GramVariant::Subgroup);
        }
        v
    }

    pub fn name(self) -> &'static str {
        match self {
            GramVariant::Blocked => "blocked",
            GramVariant::Subgroup => "subgroup",
        }
    }

    /// Side of the square blocks of G one workgroup computes.
    fn block(self) -> usize {
        match self {
            GramVariant::Blocked => 8,
            GramVariant::Subgroup => 32,
        }
    }
}

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
        blk: u32,
    }
}

/// Number of slices of the H*W axis, slices of >= 256: enough invocations to fill a GPU
/// (blocked), enough workgroups to keep a CPU's threads busy (subgroup).
fn splits(variant: GramVariant, c: usize, np: usize) -> usize {
    let want = match variant {
        GramVariant::Blocked => 8192usize.div_ceil(c.div_ceil(8).pow(2)),
        GramVariant::Subgroup => 64usize.div_ceil(upper_blocks(c.div_ceil(32))),
    };
    want.clamp(1, np.div_ceil(256).max(1))
}

/// Blocks on and above the diagonal of an nb x nb grid of blocks.
fn upper_blocks(nb: usize) -> usize {
    nb * (nb + 1) / 2
}

/// Recorded Gram forward for one feature shape; owns its partial-sum scratch buffer.
pub struct GramForward {
    partials: Tensor,
    splits: usize,
    variant: GramVariant,
}

impl GramForward {
    pub fn new(gpu: &Gpu, shape: &[usize]) -> Result<Self> {
        Self::with_variant(gpu, shape, GramVariant::for_device(gpu))
    }

    pub fn with_variant(gpu: &Gpu, shape: &[usize], variant: GramVariant) -> Result<Self> {
        let (c, h, w) = dims3(shape);
        let splits = splits(variant, c, h * w);
        Ok(GramForward { partials: Tensor::zeros(gpu, &[splits, c, c], "gram partials")?, splits, variant })
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
            blk: self.variant.block() as u32,
        };
        let bufs = [&*features.buffer, &self.partials.buffer];
        match self.variant {
            GramVariant::Blocked => {
                plan.dispatch_1d(gpu, &GRAM_PARTIAL, &params, &bufs, self.splits * c.div_ceil(8).pow(2));
            }
            GramVariant::Subgroup => {
                let groups = [upper_blocks(c.div_ceil(32)) as u32, self.splits as u32, 1];
                plan.dispatch(gpu, &GRAM_PARTIAL_SG, &params, &bufs, groups);
            }
        }
        plan.dispatch_1d(gpu, &GRAM_REDUCE, &params, &[&self.partials.buffer, &gram.buffer], c * c);
    }
}

/// Recorded Gram backward for one channel count; owns the symmetrised-gradient scratch.
pub struct GramBackward {
    sym: Tensor,
    variant: GramVariant,
}

impl GramBackward {
    pub fn new(gpu: &Gpu, c: usize) -> Result<Self> {
        Self::with_variant(gpu, c, GramVariant::for_device(gpu))
    }

    pub fn with_variant(gpu: &Gpu, c: usize, variant: GramVariant) -> Result<Self> {
        Ok(GramBackward { sym: Tensor::zeros(gpu, &[c, c], "gram grad sym")?, variant })
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
            blk: self.variant.block() as u32,
        };
        plan.dispatch_1d(gpu, &GRAM_SYMMETRIZE, &params, &[&self.sym.buffer, &grad_gram.buffer], c * c);
        let bufs = [&*features.buffer, &grad_f.buffer, &self.sym.buffer];
        match self.variant {
            GramVariant::Blocked => {
                plan.dispatch_1d(gpu, &GRAM_BACKWARD, &params, &bufs, c.div_ceil(8) * np.div_ceil(8));
            }
            GramVariant::Subgroup => {
                let [gx, gy, _] = crate::gpu::groups_for(np.div_ceil(4), SG_WG as usize);
                plan.dispatch(gpu, &GRAM_BACKWARD_SG, &params, &bufs, [gx, gy, c.div_ceil(32) as u32]);
            }
        }
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
