//! Dense pyramidal Lucas-Kanade optical flow on the GPU (shaders/flow.wgsl), image warping along
//! a flow, and forward-backward consistency; Middlebury .flo files and colour-wheel pictures.
pub mod cpu;
pub mod flo;
pub mod viz;

use crate::error::{Error, Result};
use crate::gpu::{Gpu, Params, Plan, Tensor};

pub const SRC: &str = include_str!("../../shaders/flow.wgsl");

/// Lucas-Kanade settings.
#[derive(Clone, Copy, Debug)]
pub struct FlowConfig {
    /// Pyramid levels (None: halve until the short side is at most 32 px).
    pub levels: Option<usize>,
    /// Gaussian window size in pixels (odd; sigma = window / 4).
    pub window: usize,
    /// Gauss-Newton iterations per level.
    pub iters: usize,
    /// Tikhonov regularisation of the 2x2 systems (intensity units 0..1).
    pub lambda: f32,
    /// 3x3 median passes on the flow after each level.
    pub median: bool,
}

impl Default for FlowConfig {
    fn default() -> Self {
        FlowConfig { levels: None, window: 21, iters: 6, lambda: 1e-4, median: true }
    }
}

/// Number of levels: halve until the short side is at most 32 px (so about 16-32 px).
pub fn auto_levels(w: usize, h: usize) -> usize {
    let mut n = 1;
    let (mut a, mut b) = (w, h);
    while a.min(b) > 32 {
        a = a.div_ceil(2);
        b = b.div_ceil(2);
        n += 1;
    }
    n
}

fn level_sizes(w: usize, h: usize, levels: usize) -> Vec<(usize, usize)> {
    let mut v = vec![(w, h)];
    for _ in 1..levels {
        let (a, b) = *v.last().unwrap();
        v.push((a.div_ceil(2).max(1), b.div_ceil(2).max(1)));
    }
    v
}

pub fn params(w: usize, h: usize) -> Params {
    // w, h, k, radius, sigma, lambda, sw, sh
    Params::new().u(w).u(h).u(1u32).u(0u32).f(0.0).f(0.0).u(w).u(h)
}

#[allow(clippy::too_many_arguments)]
pub fn params_full(w: usize, h: usize, k: usize, radius: usize, sigma: f32, lambda: f32, sw: usize, sh: usize) -> Params {
    Params::new().u(w).u(h).u(k).u(radius).f(sigma).f(lambda).u(sw).u(sh)
}

/// One image's pyramid: gray levels and their Scharr gradients.
pub struct Pyramid {
    pub rgba: Tensor,
    pub gray: Vec<Tensor>,
    pub grad: Vec<Tensor>,
    build: Plan,
}

/// Record a separable Gaussian blur of `src` (k planes) into `dst` through `tmp`.
#[allow(clippy::too_many_arguments)]
pub fn record_blur(gpu: &Gpu, plan: &mut Plan, src: &Tensor, tmp: &Tensor, dst: &Tensor, w: usize, h: usize, k: usize, window: usize) {
    let radius = window / 2;
    let sigma = (window as f32 / 4.0).max(0.5);
    let p = params_full(w, h, k, radius, sigma, 0.0, w, h);
    plan.dispatch_1d(gpu, "flow", SRC, "blur_h", p.clone(), &[&src.buffer, &tmp.buffer], w * h * k);
    plan.dispatch_1d(gpu, "flow", SRC, "blur_v", p, &[&tmp.buffer, &dst.buffer], w * h * k);
}

impl Pyramid {
    pub fn new(gpu: &Gpu, w: usize, h: usize, cfg: &FlowConfig) -> Result<Pyramid> {
        if w == 0 || h == 0 {
            return Err(Error::Invalid("flow of an empty image".into()));
        }
        let levels = cfg.levels.unwrap_or_else(|| auto_levels(w, h)).max(1);
        let sizes = level_sizes(w, h, levels);
        let rgba = Tensor::zeros(gpu, &[w * h], "frame rgba")?;
        let mut gray = Vec::new();
        let mut grad = Vec::new();
        let mut build = Plan::new();
        for (l, &(lw, lh)) in sizes.iter().enumerate() {
            let g = Tensor::zeros(gpu, &[lh, lw], "gray")?;
            if l == 0 {
                build.dispatch_at(gpu, "flow", SRC, "gray", params(lw, lh), &[(2, &g.buffer), (5, &rgba.buffer)], crate::gpu::groups_1d(lw * lh));
            } else {
                let (sw, sh) = sizes[l - 1];
                let prev: &Tensor = &gray[l - 1];
                build.dispatch_1d(gpu, "flow", SRC, "pyr_down", params_full(lw, lh, 1, 0, 0.0, 0.0, sw, sh), &[&prev.buffer, &g.buffer], lw * lh);
            }
            let gr = Tensor::zeros(gpu, &[2, lh, lw], "gradient")?;
            build.dispatch_1d(gpu, "flow", SRC, "gradient", params(lw, lh), &[&g.buffer, &gr.buffer], lw * lh);
            gray.push(g);
            grad.push(gr);
        }
        Ok(Pyramid { rgba, gray, grad, build })
    }

    /// Upload a frame (packed RGBA, see ops::image::pack_rgb) and rebuild the pyramid (queued).
    pub fn set_frame(&self, gpu: &Gpu, rgba: &[u32]) -> Result<()> {
        self.rgba.write_u32(gpu, rgba)?;
        self.build.submit(gpu);
        Ok(())
    }

    pub fn levels(&self) -> usize {
        self.gray.len()
    }

    fn size(&self, l: usize) -> (usize, usize) {
        (self.gray[l].shape[1], self.gray[l].shape[0])
    }
}

/// The recorded coarse-to-fine LK solve from one pyramid to another, writing the flow at full
/// resolution into `flow` [2, H, W] (first to second: second(x + flow(x)) ~ first(x)).
pub struct FlowSolver {
    pub flow: Tensor,
    plan: Plan,
}

impl FlowSolver {
    pub fn new(gpu: &Gpu, first: &Pyramid, second: &Pyramid, cfg: &FlowConfig) -> Result<FlowSolver> {
        if first.levels() != second.levels() || first.size(0) != second.size(0) {
            return Err(Error::Invalid("flow between frames of different sizes".into()));
        }
        let levels = first.levels();
        let (w0, h0) = first.size(0);
        let flow = Tensor::zeros(gpu, &[2, h0, w0], "flow")?;
        let mut plan = Plan::new();
        let mut coarser: Option<Tensor> = None;
        for l in (0..levels).rev() {
            let (w, h) = first.size(l);
            let f = if l == 0 { flow.clone() } else { Tensor::zeros(gpu, &[2, h, w], "level flow")? };
            match &coarser {
                None => plan.dispatch_at(
                    gpu,
                    "flow",
                    SRC,
                    "fill_zero",
                    params_full(w, h, 2, 0, 0.0, 0.0, w, h),
                    &[(2, &f.buffer)],
                    crate::gpu::groups_1d(2 * w * h),
                ),
                Some(c) => {
                    let (sw, sh) = first.size(l + 1);
                    plan.dispatch_1d(gpu, "flow", SRC, "upsample", params_full(w, h, 2, 0, 0.0, 0.0, sw, sh), &[&c.buffer, &f.buffer], w * h);
                }
            }
            let mism = Tensor::zeros(gpu, &[5, h, w], "lk products")?;
            let tmp = Tensor::zeros(gpu, &[5, h, w], "blur tmp")?;
            let msum = Tensor::zeros(gpu, &[5, h, w], "lk window sums")?;
            for _ in 0..cfg.iters {
                let bufs: [(u32, &wgpu::Buffer); 5] =
                    [(1, &second.gray[l].buffer), (2, &mism.buffer), (3, &first.grad[l].buffer), (4, &f.buffer), (6, &first.gray[l].buffer)];
                plan.dispatch_at(gpu, "flow", SRC, "mismatch", params(w, h), &bufs, crate::gpu::groups_1d(w * h));
                record_blur(gpu, &mut plan, &mism, &tmp, &msum, w, h, 5, cfg.window);
                let p = params_full(w, h, 1, 0, 0.0, cfg.lambda, w, h);
                plan.dispatch_1d(gpu, "flow", SRC, "solve", p, &[&msum.buffer, &f.buffer], w * h);
            }
            if cfg.median {
                plan.dispatch_1d(gpu, "flow", SRC, "median3", params_full(w, h, 2, 0, 0.0, 0.0, w, h), &[&f.buffer, &tmp.buffer], 2 * w * h);
                plan.copy(&tmp.buffer, &f.buffer, (2 * w * h * 4) as u64);
            }
            coarser = Some(f);
        }
        Ok(FlowSolver { flow, plan })
    }

    /// Queue the solve (the pyramids must have been built first, in submission order).
    pub fn submit(&self, gpu: &Gpu) {
        self.plan.submit(gpu);
    }
}

/// Record o(x) = src(x + flow(x)) for `k`-plane images [k, H, W].
pub fn record_warp(gpu: &Gpu, plan: &mut Plan, src: &Tensor, flow: &Tensor, out: &Tensor) {
    let (h, w) = (flow.shape[1], flow.shape[2]);
    let k = src.len() / (w * h);
    assert_eq!(src.len(), k * w * h, "warp source size");
    assert_eq!(out.len(), src.len(), "warp output size");
    plan.dispatch_1d(gpu, "flow", SRC, "warp", params_full(w, h, k, 0, 0.0, 0.0, w, h), &[&src.buffer, &out.buffer, &flow.buffer], w * h);
}

/// Record the forward-backward consistency mask [H, W] (1 consistent, 0 occluded).
pub fn record_consistency(gpu: &Gpu, plan: &mut Plan, forward: &Tensor, backward: &Tensor, mask: &Tensor) {
    let (h, w) = (forward.shape[1], forward.shape[2]);
    plan.dispatch_1d(gpu, "flow", SRC, "consistency", params(w, h), &[&forward.buffer, &mask.buffer, &backward.buffer], w * h);
}

/// What [`estimate`] returns, on the host: flows [2, H, W] and the consistency mask [H, W].
pub struct FlowPair {
    /// A -> B.
    pub forward: Vec<f32>,
    /// B -> A, when asked for.
    pub backward: Option<Vec<f32>>,
    /// Forward-backward consistency of the forward flow (1 consistent, 0 occluded), with `backward`.
    pub consistency: Option<Vec<f32>>,
}

/// Flow between two RGB images of the same size, computed on the GPU; with `both`, also the
/// backward flow and the consistency mask.
pub fn estimate(gpu: &Gpu, a: &crate::imageio::Rgb, b: &crate::imageio::Rgb, cfg: &FlowConfig, both: bool) -> Result<FlowPair> {
    if a.dimensions() != b.dimensions() {
        return Err(Error::Invalid(format!("the two images differ in size: {}x{} and {}x{}", a.width(), a.height(), b.width(), b.height())));
    }
    let (w, h) = (a.width() as usize, a.height() as usize);
    let pa = Pyramid::new(gpu, w, h, cfg)?;
    let pb = Pyramid::new(gpu, w, h, cfg)?;
    pa.set_frame(gpu, &crate::ops::image::pack_rgb(a.as_raw()))?;
    pb.set_frame(gpu, &crate::ops::image::pack_rgb(b.as_raw()))?;
    let fwd = FlowSolver::new(gpu, &pa, &pb, cfg)?;
    fwd.submit(gpu);
    let forward = fwd.flow.read(gpu)?;
    if !both {
        return Ok(FlowPair { forward, backward: None, consistency: None });
    }
    let bwd = FlowSolver::new(gpu, &pb, &pa, cfg)?;
    bwd.submit(gpu);
    let mask = Tensor::zeros(gpu, &[h, w], "consistency")?;
    let mut plan = Plan::new();
    record_consistency(gpu, &mut plan, &fwd.flow, &bwd.flow, &mask);
    plan.submit(gpu);
    Ok(FlowPair { forward, backward: Some(bwd.flow.read(gpu)?), consistency: Some(mask.read(gpu)?) })
}

/// Average endpoint error between two flows [2, H, W].
pub fn epe(a: &[f32], b: &[f32]) -> f64 {
    let n = a.len() / 2;
    (0..n).map(|i| (((a[i] - b[i]) as f64).powi(2) + ((a[n + i] - b[n + i]) as f64).powi(2)).sqrt()).sum::<f64>() / n as f64
}
