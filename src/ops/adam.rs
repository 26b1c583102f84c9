//! The Adam optimiser on the image, with an optional per-channel clamp of the pixel values.
use crate::gpu::shaders::{read, read_write};
use crate::gpu::{Gpu, Kernel, Plan, Shader, Tensor};
use crate::Result;

/// Advances the step counter and the bias corrections held in `state`.
pub const ADAM_TICK: Kernel = Kernel::new(Shader::Adam, "adam_tick", &[read_write(5, "state")]).with_workgroup(1);
pub const ADAM_STEP: Kernel = Kernel::new(
    Shader::Adam,
    "adam_step",
    &[read(1, "g"), read_write(2, "x"), read_write(3, "m"), read_write(4, "v"), read_write(5, "state")],
);
pub const KERNELS: &[Kernel] = &[ADAM_TICK, ADAM_STEP];

crate::shader_params! {
    /// `struct Params` of shaders/adam.wgsl.
    pub struct AdamParams for Shader::Adam {
        n: u32,
        plane: u32,
        clamp: u32,
        lr: f32,
        beta1: f32,
        beta2: f32,
        eps: f32,
        d1: f32,
        d2: f32,
        _pad: [u32; 3],
        lo: [f32; 4],
        hi: [f32; 4],
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamConfig {
    pub lr: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    /// Per-channel [lo, hi] bounds for planar [3, H, W] images, if any.
    pub clamp: Option<([f32; 3], [f32; 3])>,
}

impl Default for AdamConfig {
    fn default() -> Self {
        AdamConfig { lr: 1.0, beta1: 0.9, beta2: 0.999, eps: 1e-8, clamp: None }
    }
}

/// Moment estimates and the step counter (on the GPU).
pub struct Adam {
    pub config: AdamConfig,
    m: Tensor,
    v: Tensor,
    state: Tensor,
}

impl Adam {
    pub fn new(gpu: &Gpu, n: usize, config: AdamConfig) -> Result<Adam> {
        Ok(Adam {
            config,
            m: Tensor::zeros(gpu, &[n], "adam m")?,
            v: Tensor::zeros(gpu, &[n], "adam v")?,
            state: Tensor::zeros(gpu, &[4], "adam step")?,
        })
    }

    /// Start again from step 0 with zero moments.
    pub fn reset(&self, gpu: &Gpu) -> Result<()> {
        self.m.write(gpu, &vec![0.0; self.m.len()])?;
        self.v.write(gpu, &vec![0.0; self.v.len()])?;
        self.state.write(gpu, &[0.0; 4])
    }

    /// One step: x -= lr * mhat / (sqrt(vhat) + eps). `plane` = pixels per channel.
    pub fn record(&self, gpu: &Gpu, plan: &mut Plan, grad: &Tensor, x: &Tensor, plane: usize) {
        let n = x.len();
        assert_eq!(n, self.m.len(), "adam state length");
        assert_eq!(grad.len(), n, "adam gradient length");
        let c = &self.config;
        let (on, lo, hi) = match c.clamp {
            Some((lo, hi)) => (1u32, lo, hi),
            None => (0, [0.0; 3], [0.0; 3]),
        };
        let params = AdamParams {
            n: n as u32,
            plane: plane.max(1) as u32,
            clamp: on,
            lr: c.lr,
            beta1: c.beta1,
            beta2: c.beta2,
            eps: c.eps,
            d1: (1.0 - c.beta1 as f64) as f32,
            d2: (1.0 - c.beta2 as f64) as f32,
            lo: [lo[0], lo[1], lo[2], 0.0],
            hi: [hi[0], hi[1], hi[2], 0.0],
            ..Default::default()
        };
        plan.dispatch(gpu, &ADAM_TICK, &params, &[&self.state.buffer], [1, 1, 1]);
        let bufs: [&wgpu::Buffer; 5] = [&grad.buffer, &x.buffer, &self.m.buffer, &self.v.buffer, &self.state.buffer];
        plan.dispatch_1d(gpu, &ADAM_STEP, &params, &bufs, n);
    }
}

/// CPU reference for step `t` (1-based); updates x, m, v in place.
pub fn step_cpu(c: &AdamConfig, t: u32, g: &[f32], x: &mut [f32], m: &mut [f32], v: &mut [f32], plane: usize) {
    let (b1, b2) = (c.beta1 as f64, c.beta2 as f64);
    for i in 0..x.len() {
        let gi = g[i] as f64;
        let mi = b1 * m[i] as f64 + (1.0 - b1) * gi;
        let vi = b2 * v[i] as f64 + (1.0 - b2) * gi * gi;
        m[i] = mi as f32;
        v[i] = vi as f32;
        let mhat = mi / (1.0 - b1.powi(t as i32));
        let vhat = vi / (1.0 - b2.powi(t as i32));
        let mut xi = x[i] as f64 - c.lr as f64 * mhat / (vhat.sqrt() + c.eps as f64);
        if let Some((lo, hi)) = c.clamp {
            let ch = (i / plane).min(2);
            xi = xi.clamp(lo[ch] as f64, hi[ch] as f64);
        }
        x[i] = xi as f32;
    }
}
