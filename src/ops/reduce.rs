//! Two-pass, barrier-free sum reduction with Kahan compensation, writing one slot of a result
//! buffer (how loss values are made without reading whole tensors back).
use crate::gpu::shaders::{read, read_write};
use crate::gpu::{Gpu, Kernel, Plan, Shader, Tensor};
use crate::Result;

pub const REDUCE_PARTIAL: Kernel =
    Kernel::new(Shader::Reduce, "reduce_partial", &[read(1, "x"), read(2, "y"), read_write(3, "acc")]);
/// Adds the partial sums (bound as `x`) into one slot of `acc`.
pub const REDUCE_FINAL: Kernel = Kernel::new(Shader::Reduce, "reduce_final", &[read(1, "x"), read_write(3, "acc")]);
pub const KERNELS: &[Kernel] = &[REDUCE_PARTIAL, REDUCE_FINAL];

crate::shader_params! {
    /// `struct Params` of shaders/reduce.wgsl.
    pub struct ReduceParams for Shader::Reduce {
        n: u32,
        chunk: u32,
        k: u32,
        mode: u32,
        scale: f32,
        slot: u32,
        accumulate: u32,
    }
}

/// What is summed.
#[derive(Clone, Copy)]
pub enum Sum<'a> {
    /// sum of x
    Plain(&'a Tensor),
    /// sum of (x - y)^2
    SquaredDiff(&'a Tensor, &'a Tensor),
    /// sum of |x| (the L1 norm)
    Abs(&'a Tensor),
}

/// A reduction over `n` elements; owns its partial-sum buffer.
pub struct Reducer {
    n: usize,
    k: usize,
    partials: Tensor,
}

impl Reducer {
    pub fn new(gpu: &Gpu, n: usize) -> Result<Self> {
        let k = n.div_ceil(64).clamp(1, 4096);
        Ok(Reducer { n, k, partials: Tensor::zeros(gpu, &[k], "reduce partials")? })
    }

    /// out[slot] = scale * sum (or out[slot] += ... when `accumulate`).
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &self,
        gpu: &Gpu,
        plan: &mut Plan,
        what: Sum,
        scale: f32,
        out: &Tensor,
        slot: usize,
        accumulate: bool,
    ) {
        assert!(slot < out.len(), "reduce slot {slot} outside an output of {}", out.len());
        let (x, y, mode) = match what {
            Sum::Plain(x) => (x, x, 0u32),
            Sum::Abs(x) => (x, x, 2),
            Sum::SquaredDiff(x, y) => {
                assert_eq!(x.len(), y.len(), "squared difference lengths");
                (x, y, 1)
            }
        };
        assert_eq!(x.len(), self.n, "reduction length");
        let chunk = self.n.div_ceil(self.k);
        let params = ReduceParams {
            n: self.n as u32,
            chunk: chunk as u32,
            k: self.k as u32,
            mode,
            scale,
            slot: slot as u32,
            accumulate: accumulate as u32,
        };
        plan.dispatch_1d(gpu, &REDUCE_PARTIAL, &params, &[&x.buffer, &y.buffer, &self.partials.buffer], self.k);
        plan.dispatch(gpu, &REDUCE_FINAL, &params, &[&self.partials.buffer, &out.buffer], [1, 1, 1]);
    }
}

/// CPU reference in f64.
pub fn sum_cpu(what: &[f32], other: Option<&[f32]>) -> f64 {
    match other {
        None => what.iter().map(|&v| v as f64).sum(),
        Some(y) => what.iter().zip(y).map(|(&a, &b)| (a as f64 - b as f64).powi(2)).sum(),
    }
}

/// CPU reference of [`Sum::Abs`] in f64.
pub fn abs_sum_cpu(x: &[f32]) -> f64 {
    x.iter().map(|&v| (v as f64).abs()).sum()
}
