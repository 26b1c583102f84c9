//! Dense pyramidal Lucas-Kanade optical flow on the GPU (shaders/flow.wgsl), image warping along
//! a flow, and forward-backward consistency; Middlebury .flo files and colour-wheel pictures.
pub mod cpu;
pub mod flo;
pub mod viz;

use crate::error::{Error, Result};
use crate::gpu::shaders::{read, read_write, Binding};
use crate::gpu::{Gpu, Kernel, Plan, Shader, Tensor};

// Each kernel of shaders/flow.wgsl, with the host function that records it below (`record_<entry>`)
// and its CPU twin of the same name in `cpu`.
const A_TO_O: &[Binding] = &[read(1, "a"), read_write(2, "o")];
pub const FILL_ZERO: Kernel = Kernel::new(Shader::Flow, "fill_zero", &[read_write(2, "o")]);
pub const GRAY: Kernel = Kernel::new(Shader::Flow, "gray", &[read_write(2, "o"), read(5, "rgba")]);
pub const PYR_DOWN: Kernel = Kernel::new(Shader::Flow, "pyr_down", A_TO_O);
pub const GRADIENT: Kernel = Kernel::new(Shader::Flow, "gradient", A_TO_O);
pub const BLUR_H: Kernel = Kernel::new(Shader::Flow, "blur_h", A_TO_O);
pub const BLUR_V: Kernel = Kernel::new(Shader::Flow, "blur_v", A_TO_O);
pub const MISMATCH: Kernel = Kernel::new(
    Shader::Flow,
    "mismatch",
    &[read(1, "a"), read_write(2, "o"), read(3, "b"), read(4, "c"), read(6, "i1")],
);
pub const SOLVE: Kernel = Kernel::new(Shader::Flow, "solve", A_TO_O);
pub const MEDIAN3: Kernel = Kernel::new(Shader::Flow, "median3", A_TO_O);
pub const UPSAMPLE: Kernel = Kernel::new(Shader::Flow, "upsample", A_TO_O);
pub const WARP: Kernel = Kernel::new(Shader::Flow, "warp", &[read(1, "a"), read_write(2, "o"), read(3, "b")]);
pub const CONSISTENCY: Kernel =
    Kernel::new(Shader::Flow, "consistency", &[read(1, "a"), read_write(2, "o"), read(3, "b")]);
pub const REFINE_WARP: Kernel =
    Kernel::new(Shader::Flow, "refine_warp", &[read(1, "a"), read_write(2, "o"), read(3, "b"), read(4, "c")]);
pub const REFINE_DERIVS: Kernel =
    Kernel::new(Shader::Flow, "refine_derivs", &[read(1, "a"), read_write(2, "o"), read(3, "b"), read(6, "i1")]);
pub const REFINE_SMOOTH: Kernel = Kernel::new(Shader::Flow, "refine_smooth", A_TO_O);
pub const REFINE_SOR: Kernel =
    Kernel::new(Shader::Flow, "refine_sor", &[read(1, "a"), read_write(2, "o"), read(3, "b"), read(4, "c")]);
pub const KERNELS: &[Kernel] = &[
    FILL_ZERO,
    GRAY,
    PYR_DOWN,
    GRADIENT,
    BLUR_H,
    BLUR_V,
    MISMATCH,
    SOLVE,
    MEDIAN3,
    UPSAMPLE,
    WARP,
    CONSISTENCY,
    REFINE_WARP,
    REFINE_DERIVS,
    REFINE_SMOOTH,
    REFINE_SOR,
];

crate::shader_params! {
    /// `struct Params` of shaders/flow.wgsl.
    pub struct FlowParams for Shader::Flow {
        /// size of the plane written
        w: u32,
        h: u32,
        /// planes (blur, warp, median, fill)
        k: u32,
        /// blur radius and sigma
        radius: u32,
        sigma: f32,
        /// Tikhonov term of the LK solve
        lambda: f32,
        /// size of the plane read (pyr_down, upsample)
        sw: u32,
        sh: u32,
        /// variational refinement: smoothness, brightness- and gradient-constancy weights
        alpha: f32,
        delta: f32,
        gamma: f32,
        /// SOR relaxation and the red-black half a sweep updates
        omega: f32,
        parity: u32,
    }
}

/// Parameters for a w x h plane (k planes), reading planes of the same size.
fn params(w: usize, h: usize, k: usize) -> FlowParams {
    FlowParams { w: w as u32, h: h as u32, k: k as u32, sw: w as u32, sh: h as u32, ..Default::default() }
}

/// Parameters for writing a w x h plane from a sw x sh one.
fn resample_params(w: usize, h: usize, k: usize, sw: usize, sh: usize) -> FlowParams {
    FlowParams { sw: sw as u32, sh: sh as u32, ..params(w, h, k) }
}

/// (planes, height, width) of a [H, W] or [K, H, W] tensor.
fn planes(t: &Tensor) -> (usize, usize, usize) {
    match t.shape[..] {
        [h, w] => (1, h, w),
        [k, h, w] => (k, h, w),
        _ => panic!("expected a [H, W] or [K, H, W] tensor, got {:?}", t.shape),
    }
}

/// Lucas-Kanade settings.
#[derive(Clone, Copy, Debug)]
pub struct FlowConfig {
    /// Pyramid levels (None: halve until the short side is at most 16 px).
    pub levels: Option<usize>,
    /// Gaussian window size in pixels (odd; sigma = window / 4).
    pub window: usize,
    /// Gauss-Newton iterations at the finest level ([`lk_iters`]: more at coarser levels).
    pub iters: usize,
    /// Tikhonov regularisation of the 2x2 systems (intensity units 0..1).
    pub lambda: f32,
    /// 3x3 median passes on the flow after each level.
    pub median: bool,
    /// Variational refinement after each level's LK update (see [`Refine`]).
    pub refine: Refine,
}

/// The variational refinement of each level (as DIS): `iters` fixed-point iterations (each
/// re-weighting the smoothness term) of `sor` red-black SOR sweeps; weights on 0..255 intensities.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Refine {
    /// Fixed-point iterations per level (0: no refinement).
    pub iters: usize,
    /// Red-black SOR sweeps per fixed-point iteration at the finest level ([`refine_sweeps`]).
    pub sor: usize,
    /// Smoothness weight.
    pub alpha: f32,
    /// Brightness-constancy weight.
    pub delta: f32,
    /// Gradient-constancy weight.
    pub gamma: f32,
    /// SOR relaxation factor (1 = Gauss-Seidel).
    pub omega: f32,
}

impl Default for Refine {
    fn default() -> Self {
        Refine { iters: 5, sor: 4, alpha: 20.0, delta: 5.0, gamma: 10.0, omega: 1.6 }
    }
}

// Defaults measured over 33 synthetic pairs at 2/8/20 px (tools/flow-study, BENCHMARKS.md "Optical
// flow, robust (issue 11)"): with the refinement, 2 LK iterations and a 15 px window are as
// accurate as 6 and 21 (mean EPE 0.065 vs 0.063 px) at about 60% of the time.
impl Default for FlowConfig {
    fn default() -> Self {
        FlowConfig { levels: None, window: 15, iters: 2, lambda: 1e-4, median: true, refine: Refine::default() }
    }
}

/// Number of levels: halve until the short side is at most 16 px (so about 8-16 px): motion of a
/// few pixels at the coarsest level is what LK converges from; at 32 px a 96x72 image with 13 px
/// of motion in faint texture failed (EPE 9.7 px, 0.24 at 16 px).
pub fn auto_levels(w: usize, h: usize) -> usize {
    let mut n = 1;
    let (mut a, mut b) = (w, h);
    while a.min(b) > 16 {
        a = a.div_ceil(2);
        b = b.div_ceil(2);
        n += 1;
    }
    n
}

/// LK iterations at level `l` (0 finest): coarser levels start further from the answer (from zero
/// at the coarsest) and cost 4^l times less, so they get 2^l times the iterations, up to 8x.
pub fn lk_iters(iters: usize, l: usize) -> usize {
    iters << l.min(3)
}

/// SOR sweeps per fixed-point iteration at level `l`: twice `sor` below the finest level, where
/// they are cheap and the flow must travel further into flat regions.
pub fn refine_sweeps(sor: usize, l: usize) -> usize {
    if l == 0 {
        sor
    } else {
        2 * sor
    }
}

fn level_sizes(w: usize, h: usize, levels: usize) -> Vec<(usize, usize)> {
    let mut v = vec![(w, h)];
    for _ in 1..levels {
        let (a, b) = *v.last().unwrap();
        v.push((a.div_ceil(2).max(1), b.div_ceil(2).max(1)));
    }
    v
}

/// out [K, H, W] = 0.
pub fn record_fill_zero(gpu: &Gpu, plan: &mut Plan, out: &Tensor) {
    let (k, h, w) = planes(out);
    plan.dispatch_1d(gpu, &FILL_ZERO, &params(w, h, k), &[&out.buffer], k * w * h);
}

/// gray [H, W] (0..1) of packed RGBA pixels `rgba` [H * W].
pub fn record_gray(gpu: &Gpu, plan: &mut Plan, rgba: &Tensor, gray: &Tensor) {
    let (_, h, w) = planes(gray);
    assert_eq!(rgba.len(), w * h, "gray: pixel count");
    plan.dispatch_1d(gpu, &GRAY, &params(w, h, 1), &[&gray.buffer, &rgba.buffer], w * h);
}

/// The next pyramid level: `dst` [ceil(H/2), ceil(W/2)] of `src` [H, W].
pub fn record_pyr_down(gpu: &Gpu, plan: &mut Plan, src: &Tensor, dst: &Tensor) {
    let ((_, sh, sw), (_, h, w)) = (planes(src), planes(dst));
    plan.dispatch_1d(gpu, &PYR_DOWN, &resample_params(w, h, 1, sw, sh), &[&src.buffer, &dst.buffer], w * h);
}

/// Scharr gradients `grad` [2, H, W] of `gray` [H, W].
pub fn record_gradient(gpu: &Gpu, plan: &mut Plan, gray: &Tensor, grad: &Tensor) {
    let (_, h, w) = planes(gray);
    assert_eq!(grad.shape, [2, h, w], "gradient output shape");
    plan.dispatch_1d(gpu, &GRADIENT, &params(w, h, 1), &[&gray.buffer, &grad.buffer], w * h);
}

/// Separable Gaussian blur (window `window` px, sigma window / 4) of the planes of `src` into
/// `dst` through `tmp`, all [K, H, W].
pub fn record_blur(gpu: &Gpu, plan: &mut Plan, src: &Tensor, tmp: &Tensor, dst: &Tensor, window: usize) {
    record_gauss(gpu, plan, src, tmp, dst, window / 2, window_sigma(window));
}

/// The Gaussian sigma of a `window`-pixel blur window.
pub fn window_sigma(window: usize) -> f32 {
    (window as f32 / 4.0).max(0.5)
}

/// Separable Gaussian blur (taps -radius..=radius, normalised) of the planes of `src` into `dst`
/// through `tmp`, all [K, H, W] (`src` and `dst` may be the same tensor).
pub fn record_gauss(gpu: &Gpu, plan: &mut Plan, src: &Tensor, tmp: &Tensor, dst: &Tensor, radius: usize, sigma: f32) {
    let (k, h, w) = planes(src);
    assert!(tmp.len() >= src.len() && dst.len() == src.len(), "blur buffer sizes");
    let p = FlowParams { radius: radius as u32, sigma, ..params(w, h, k) };
    plan.dispatch_1d(gpu, &BLUR_H, &p, &[&src.buffer, &tmp.buffer], w * h * k);
    plan.dispatch_1d(gpu, &BLUR_V, &p, &[&tmp.buffer, &dst.buffer], w * h * k);
}

/// The per-pixel LK products `out` [5, H, W] of the first image (`first_gray`, its gradients
/// `first_grad`) against `second_gray` displaced by the current `flow` [2, H, W].
pub fn record_mismatch(
    gpu: &Gpu,
    plan: &mut Plan,
    first_gray: &Tensor,
    first_grad: &Tensor,
    second_gray: &Tensor,
    flow: &Tensor,
    out: &Tensor,
) {
    let (_, h, w) = planes(first_gray);
    assert_eq!(out.shape, [5, h, w], "mismatch output shape");
    let bufs = [&*second_gray.buffer, &out.buffer, &first_grad.buffer, &flow.buffer, &first_gray.buffer];
    plan.dispatch_1d(gpu, &MISMATCH, &params(w, h, 1), &bufs, w * h);
}

/// One Gauss-Newton update of `flow` [2, H, W] from the window sums `sums` [5, H, W].
pub fn record_solve(gpu: &Gpu, plan: &mut Plan, sums: &Tensor, flow: &Tensor, lambda: f32) {
    let (_, h, w) = planes(flow);
    plan.dispatch_1d(gpu, &SOLVE, &FlowParams { lambda, ..params(w, h, 1) }, &[&sums.buffer, &flow.buffer], w * h);
}

/// 3x3 median of each plane of `src` into `dst` ([K, H, W]).
pub fn record_median3(gpu: &Gpu, plan: &mut Plan, src: &Tensor, dst: &Tensor) {
    let (k, h, w) = planes(src);
    assert!(dst.len() >= src.len(), "median output size");
    plan.dispatch_1d(gpu, &MEDIAN3, &params(w, h, k), &[&src.buffer, &dst.buffer], k * w * h);
}

/// The flow `fine` [2, H, W] of the next finer level: `coarse` [2, sh, sw] upsampled and scaled.
pub fn record_upsample(gpu: &Gpu, plan: &mut Plan, coarse: &Tensor, fine: &Tensor) {
    let ((_, sh, sw), (_, h, w)) = (planes(coarse), planes(fine));
    plan.dispatch_1d(gpu, &UPSAMPLE, &resample_params(w, h, 2, sw, sh), &[&coarse.buffer, &fine.buffer], w * h);
}

/// `warped` [4, H, W] = [I2, I2x, I2y, valid] at x + `flow` (valid: the match lies inside the frame).
pub fn record_refine_warp(
    gpu: &Gpu,
    plan: &mut Plan,
    second_gray: &Tensor,
    second_grad: &Tensor,
    flow: &Tensor,
    warped: &Tensor,
) {
    let (_, h, w) = planes(second_gray);
    assert_eq!(warped.shape, [4, h, w], "refine_warp output shape");
    let bufs = [&*second_gray.buffer, &warped.buffer, &flow.buffer, &second_grad.buffer];
    plan.dispatch_1d(gpu, &REFINE_WARP, &params(w, h, 1), &bufs, w * h);
}

/// The linearised data terms `derivs` [9, H, W] (three normalised constraint rows) of the refinement from `warped` (refine_warp)
/// and the first image.
pub fn record_refine_derivs(
    gpu: &Gpu,
    plan: &mut Plan,
    warped: &Tensor,
    first_gray: &Tensor,
    first_grad: &Tensor,
    derivs: &Tensor,
) {
    let (_, h, w) = planes(first_gray);
    assert_eq!(derivs.shape, [9, h, w], "refine_derivs output shape");
    let bufs = [&*warped.buffer, &derivs.buffer, &first_grad.buffer, &first_gray.buffer];
    plan.dispatch_1d(gpu, &REFINE_DERIVS, &params(w, h, 1), &bufs, w * h);
}

/// The smoothness weights `weights` [H, W] of `flow` [2, H, W].
pub fn record_refine_smooth(gpu: &Gpu, plan: &mut Plan, flow: &Tensor, weights: &Tensor, alpha: f32) {
    let (_, h, w) = planes(flow);
    let p = FlowParams { alpha, ..params(w, h, 1) };
    plan.dispatch_1d(gpu, &REFINE_SMOOTH, &p, &[&flow.buffer, &weights.buffer], w * h);
}

/// One red-black SOR sweep (both halves) of the refinement on `flow` around `flow0`.
pub fn record_refine_sor(
    gpu: &Gpu,
    plan: &mut Plan,
    derivs: &Tensor,
    flow0: &Tensor,
    weights: &Tensor,
    flow: &Tensor,
    r: &Refine,
) {
    let (_, h, w) = planes(flow);
    for parity in 0..2 {
        let p = FlowParams { delta: r.delta, gamma: r.gamma, omega: r.omega, parity, ..params(w, h, 1) };
        let bufs = [&*derivs.buffer, &flow.buffer, &flow0.buffer, &weights.buffer];
        plan.dispatch_1d(gpu, &REFINE_SOR, &p, &bufs, w.div_ceil(2) * h);
    }
}

/// The whole refinement of one level's `flow` (scratch tensors sized for it).
struct RefineScratch {
    flow0: Tensor,
    warped: Tensor,
    derivs: Tensor,
    weights: Tensor,
}

impl RefineScratch {
    fn new(gpu: &Gpu, w: usize, h: usize) -> Result<RefineScratch> {
        Ok(RefineScratch {
            flow0: Tensor::zeros(gpu, &[2, h, w], "refine w0")?,
            warped: Tensor::zeros(gpu, &[4, h, w], "refine warped")?,
            derivs: Tensor::zeros(gpu, &[9, h, w], "refine derivatives")?,
            weights: Tensor::zeros(gpu, &[h, w], "refine smoothness")?,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn record(
        &self,
        gpu: &Gpu,
        plan: &mut Plan,
        first: &Pyramid,
        second: &Pyramid,
        l: usize,
        flow: &Tensor,
        r: &Refine,
    ) {
        let (w, h) = first.size(l);
        plan.copy(&flow.buffer, &self.flow0.buffer, (2 * w * h * 4) as u64);
        record_refine_warp(gpu, plan, &second.gray[l], &second.grad[l], &self.flow0, &self.warped);
        record_refine_derivs(gpu, plan, &self.warped, &first.gray[l], &first.grad[l], &self.derivs);
        for _ in 0..r.iters {
            record_refine_smooth(gpu, plan, flow, &self.weights, r.alpha);
            for _ in 0..r.sor {
                record_refine_sor(gpu, plan, &self.derivs, &self.flow0, &self.weights, flow, r);
            }
        }
    }
}

/// One image's pyramid: gray levels and their Scharr gradients.
pub struct Pyramid {
    pub rgba: Tensor,
    pub gray: Vec<Tensor>,
    pub grad: Vec<Tensor>,
    build: Plan,
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
                record_gray(gpu, &mut build, &rgba, &g);
            } else {
                record_pyr_down(gpu, &mut build, &gray[l - 1], &g);
            }
            let gr = Tensor::zeros(gpu, &[2, lh, lw], "gradient")?;
            record_gradient(gpu, &mut build, &g, &gr);
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
                None => record_fill_zero(gpu, &mut plan, &f),
                Some(c) => record_upsample(gpu, &mut plan, c, &f),
            }
            let mism = Tensor::zeros(gpu, &[5, h, w], "lk products")?;
            let tmp = Tensor::zeros(gpu, &[5, h, w], "blur tmp")?;
            let msum = Tensor::zeros(gpu, &[5, h, w], "lk window sums")?;
            for _ in 0..lk_iters(cfg.iters, l) {
                record_mismatch(gpu, &mut plan, &first.gray[l], &first.grad[l], &second.gray[l], &f, &mism);
                record_blur(gpu, &mut plan, &mism, &tmp, &msum, cfg.window);
                record_solve(gpu, &mut plan, &msum, &f, cfg.lambda);
            }
            if cfg.median {
                record_median3(gpu, &mut plan, &f, &tmp);
                plan.copy(&tmp.buffer, &f.buffer, (2 * w * h * 4) as u64);
            }
            if cfg.refine.iters > 0 && cfg.refine.sor > 0 {
                let r = Refine { sor: refine_sweeps(cfg.refine.sor, l), ..cfg.refine };
                RefineScratch::new(gpu, w, h)?.record(gpu, &mut plan, first, second, l, &f, &r);
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
    plan.dispatch_1d(gpu, &WARP, &params(w, h, k), &[&src.buffer, &out.buffer, &flow.buffer], w * h);
}

/// The Gaussian that smooths the consistency weights (Ruder et al.'s consistencyChecker: 0.8).
pub const CONSISTENCY_SIGMA: f32 = 0.8;
pub const CONSISTENCY_RADIUS: usize = 2;

/// Record the consistency weights `mask` [H, W] of the flow `forward` (A -> B) checked against
/// `backward` (B -> A), as Ruder et al.: 0 where the match leaves the image, is occluded or lies
/// on a motion boundary, 1 elsewhere, then Gaussian-smoothed (sigma 0.8) through `scratch`
/// (at least H * W values).
pub fn record_consistency(
    gpu: &Gpu,
    plan: &mut Plan,
    forward: &Tensor,
    backward: &Tensor,
    scratch: &Tensor,
    mask: &Tensor,
) {
    let (h, w) = (forward.shape[1], forward.shape[2]);
    plan.dispatch_1d(gpu, &CONSISTENCY, &params(w, h, 1), &[&forward.buffer, &mask.buffer, &backward.buffer], w * h);
    record_gauss(gpu, plan, mask, scratch, mask, CONSISTENCY_RADIUS, CONSISTENCY_SIGMA);
}

/// What [`estimate`] returns, on the host: flows [2, H, W] and the consistency mask [H, W].
pub struct FlowPair {
    /// A -> B.
    pub forward: Vec<f32>,
    /// B -> A, when asked for.
    pub backward: Option<Vec<f32>>,
    /// Consistency weights of the forward flow (1 consistent, 0 occluded or a motion boundary,
    /// smoothed: see [`record_consistency`]).
    pub consistency: Option<Vec<f32>>,
}

/// Flow between two RGB images of the same size, computed on the GPU; with `both`, also the
/// backward flow and the consistency mask.
pub fn estimate(
    gpu: &Gpu,
    a: &crate::imageio::Rgb,
    b: &crate::imageio::Rgb,
    cfg: &FlowConfig,
    both: bool,
) -> Result<FlowPair> {
    if a.dimensions() != b.dimensions() {
        return Err(Error::Invalid(format!(
            "the two images differ in size: {}x{} and {}x{}",
            a.width(),
            a.height(),
            b.width(),
            b.height()
        )));
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
    let scratch = Tensor::zeros(gpu, &[h, w], "consistency scratch")?;
    let mut plan = Plan::new();
    record_consistency(gpu, &mut plan, &fwd.flow, &bwd.flow, &scratch, &mask);
    plan.submit(gpu);
    Ok(FlowPair { forward, backward: Some(bwd.flow.read(gpu)?), consistency: Some(mask.read(gpu)?) })
}

/// The average endpoint error of a flow against a ground truth, over the pixels where the
/// ground truth is known.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Epe {
    /// Mean endpoint error in pixels over the `valid` pixels (finite).
    pub mean: f64,
    /// Pixels compared.
    pub valid: usize,
    /// Pixels left out because the ground truth is unknown there (see [`flo::is_known`]).
    pub excluded: usize,
}

/// The average endpoint error of `flow` against the ground truth `gt` (both [2, H, W]) over the
/// pixels where `gt` is known (Middlebury's unknown-flow marker, NaN and infinite values are left
/// out and counted). An error naming `gt_name` when no pixel is known or the error is not finite.
pub fn epe(flow: &[f32], gt: &[f32], gt_name: &std::path::Path) -> Result<Epe> {
    if flow.len() != gt.len() || !gt.len().is_multiple_of(2) {
        return Err(Error::file(
            gt_name,
            format!("ground truth has {} values, the flow {} (expected the same size)", gt.len(), flow.len()),
        ));
    }
    let n = gt.len() / 2;
    let (mut sum, mut valid, mut bad_flow) = (0.0f64, 0usize, 0usize);
    for i in 0..n {
        if !flo::is_known(gt[i], gt[n + i]) {
            continue;
        }
        let (du, dv) = ((flow[i] - gt[i]) as f64, (flow[n + i] - gt[n + i]) as f64);
        sum += (du * du + dv * dv).sqrt();
        valid += 1;
        bad_flow += usize::from(!(flow[i].is_finite() && flow[n + i].is_finite()));
    }
    let excluded = n - valid;
    if valid == 0 {
        return Err(Error::file(
            gt_name,
            format!(
                "no pixel of the ground truth is known (all {n} have a component above {:e} in magnitude, NaN or \
                 infinite), so there is no endpoint error to report",
                flo::UNKNOWN_FLOW_THRESH
            ),
        ));
    }
    let mean = sum / valid as f64;
    if !mean.is_finite() {
        return Err(Error::file(
            gt_name,
            format!(
                "the endpoint error over {valid} known pixels is {mean} (the estimated flow is NaN or infinite at \
                 {bad_flow} of them), expected a finite number"
            ),
        ));
    }
    Ok(Epe { mean, valid, excluded })
}
