//! L-BFGS on the image, run entirely on the GPU (shaders/lbfgs.wgsl): the two-loop recursion's
//! dot products and vector updates are kernels whose scalars stay in a small state buffer, so an
//! iteration reads nothing back. Beside it, [`LbfgsCpu`], the plain-Rust twin the tests follow
//! step by step.
use crate::gpu::shaders::{read, read_write};
use crate::gpu::{Gpu, Kernel, Plan, Shader, Tensor};
use crate::Result;

/// Settings. Defaults: step 1 and no line search as neural-style; history 20 (neural-style: 100;
/// measured, 20 paints within 0.2 % of 100 at a fifth of the memory and recursion cost).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LbfgsConfig {
    /// Step length (1 = the quasi-Newton step itself).
    pub lr: f32,
    /// Pairs kept (neural-style and torch: 100; here 20 by default); capped where the device's
    /// buffer limits demand.
    pub history: usize,
    /// Per-channel [lo, hi] bounds the image is projected into after every step (planar
    /// [3, H, W] images), or None to let pixels leave the range until the output is saved.
    pub project: Option<([f32; 3], [f32; 3])>,
    /// A point whose loss exceeds this many times the last accepted loss is rejected (as is a
    /// non-finite one): back to the last accepted point and half the step along the same
    /// direction; after 4 rejections in a row the history is cleared.
    pub worse: f32,
    /// With no history, a steepest-descent step moves the elements by this much on average
    /// (mean |step|; pixel units for images), or, at 0, torch's rule min(1, 1/|g|_1) * lr.
    /// Torch's step is a no-op on an image (|g|_1 is ~1e8), so the first pair measures the
    /// curvature of a vanishing step and the next steps overshoot (measured: pair C of
    /// BENCHMARKS.md jumped to 32x the loss and lost 6 of 100 iterations). Applies from a cold
    /// start ([`Lbfgs::reset`]).
    pub first_step: f32,
    /// The same for a warm start from an already painted image ([`Lbfgs::reset_warm`]); 0 is
    /// torch's rule.
    pub warm_first_step: f32,
}

impl Default for LbfgsConfig {
    fn default() -> Self {
        LbfgsConfig { lr: 1.0, history: 20, project: None, worse: 2.0, first_step: 0.0, warm_first_step: 0.0 }
    }
}

// Positions in the state buffer (the constants of the same names in lbfgs.wgsl).
const COUNT: usize = 0;
const HDIAG: usize = 2;
const POINTS: usize = 4;
const STEP: usize = 5;
const ACCEPT: usize = 6;
const RESETS: usize = 11;
const BACKOFF: usize = 14;
const LOSS: usize = 15;
const REJECTS: usize = 16;
const REJECTED: usize = 17;
const BEST_LOSS: usize = 18;
const FIRST_STEP: usize = 19;
/// Rejections in a row after which the history is cleared (`CLEAR_AFTER` in lbfgs.wgsl).
const CLEAR_AFTER: usize = 4;
const AL: usize = 32;
const HEAD_SLOT: u32 = u32::MAX;
const PLAIN: u32 = u32::MAX - 1;
// dot_final modes
const STORE_GTD: u32 = 0;
const STORE_GABS: u32 = 1;
const STORE_YS: u32 = 2;
const STORE_YY: u32 = 3;
const ALPHA: u32 = 4;
const BETA: u32 = 5;

pub const LBFGS_CHECK: Kernel =
    Kernel::new(Shader::Lbfgs, "lbfgs_check", &[read_write(1, "st"), read(2, "losses")]).with_workgroup(1);
pub const LBFGS_PAIR: Kernel = Kernel::new(
    Shader::Lbfgs,
    "lbfgs_pair",
    &[
        read_write(1, "st"),
        read_write(3, "x"),
        read_write(4, "g"),
        read_write(5, "xp"),
        read_write(6, "gp"),
        read_write(7, "hs"),
        read_write(8, "hy"),
    ],
);
pub const DOT_PARTIAL: Kernel = Kernel::new(
    Shader::Lbfgs,
    "dot_partial",
    &[read_write(1, "st"), read_write(10, "parts"), read(11, "va"), read(12, "vb")],
);
pub const DOT_FINAL: Kernel =
    Kernel::new(Shader::Lbfgs, "dot_final", &[read_write(1, "st"), read_write(10, "parts")]).with_workgroup(1);
pub const LBFGS_ACCEPT: Kernel = Kernel::new(Shader::Lbfgs, "lbfgs_accept", &[read_write(1, "st")]).with_workgroup(1);
pub const LBFGS_NEGATE: Kernel = Kernel::new(Shader::Lbfgs, "lbfgs_negate", &[read_write(4, "g"), read_write(9, "d")]);
pub const AXPY_HIST: Kernel =
    Kernel::new(Shader::Lbfgs, "axpy_hist", &[read_write(1, "st"), read_write(9, "d"), read(13, "hist")]);
pub const LBFGS_SCALE: Kernel = Kernel::new(Shader::Lbfgs, "lbfgs_scale", &[read_write(1, "st"), read_write(9, "d")]);
pub const LBFGS_DECIDE: Kernel = Kernel::new(Shader::Lbfgs, "lbfgs_decide", &[read_write(1, "st")]).with_workgroup(1);
pub const LBFGS_UPDATE: Kernel = Kernel::new(
    Shader::Lbfgs,
    "lbfgs_update",
    &[read_write(1, "st"), read_write(3, "x"), read_write(4, "g"), read_write(9, "d")],
);
pub const KEEP_BEST: Kernel =
    Kernel::new(Shader::Lbfgs, "keep_best", &[read_write(1, "st"), read_write(3, "x"), read_write(14, "best")]);
pub const BEST_LOSS_KERNEL: Kernel =
    Kernel::new(Shader::Lbfgs, "best_loss", &[read_write(1, "st"), read(2, "losses"), read_write(15, "best_losses")])
        .with_workgroup(1);
pub const KERNELS: &[Kernel] = &[
    LBFGS_CHECK,
    KEEP_BEST,
    BEST_LOSS_KERNEL,
    LBFGS_PAIR,
    DOT_PARTIAL,
    DOT_FINAL,
    LBFGS_ACCEPT,
    LBFGS_NEGATE,
    AXPY_HIST,
    LBFGS_SCALE,
    LBFGS_DECIDE,
    LBFGS_UPDATE,
];

crate::shader_params! {
    /// `struct Params` of shaders/lbfgs.wgsl.
    pub struct LbfgsParams for Shader::Lbfgs {
        n: u32,
        m: u32,
        j: u32,
        mode: u32,
        chunk: u32,
        parts: u32,
        nloss: u32,
        project: u32,
        plane: u32,
        lr: f32,
        worse: f32,
        _pad: [u32; 1],
        lo: [f32; 4],
        hi: [f32; 4],
    }
}

/// What the host may want to know of the optimiser's progress (read back on request only).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LbfgsStatus {
    /// Pairs in the history.
    pub pairs: usize,
    /// Points accepted so far.
    pub points: usize,
    /// Whether the last evaluated point was accepted.
    pub accepted: bool,
    /// Times the history was cleared (rejected points, or directions that did not descend).
    pub resets: usize,
    /// Rejections in a row (the point being retried has been rejected this many times).
    pub rejects: usize,
    /// Rejections in all.
    pub rejected: usize,
    /// Loss of the last evaluated point.
    pub loss: f32,
    /// Step length of the last update.
    pub step: f32,
}

/// The GPU state of L-BFGS over an n-element image.
pub struct Lbfgs {
    pub config: LbfgsConfig,
    /// The history actually kept (the configured one, capped by the device's limits).
    pub history: usize,
    n: usize,
    plane: usize,
    state: Tensor,
    xp: Tensor,
    gp: Tensor,
    hs: Tensor,
    hy: Tensor,
    d: Tensor,
    parts: Tensor,
    chunk: usize,
    /// The accepted point of lowest loss (the result), and its loss slots.
    best: Tensor,
    best_losses: Tensor,
}

/// Loss slots [`Lbfgs::best_losses`] keeps.
const MAX_LOSS_SLOTS: usize = 64;

/// Most history pairs of n floats that fit one storage binding of the device.
pub fn max_history(gpu: &Gpu, n: usize) -> usize {
    let per = (n.max(1) * 4) as u64;
    let limit = gpu.limits.max_storage_buffer_binding_size.min(gpu.limits.max_buffer_size);
    (limit / per) as usize
}

impl Lbfgs {
    /// For an image of n values with `plane` pixels per channel. The history is capped so that
    /// one history buffer fits the device's storage-binding limit (see [`Lbfgs::history`]).
    pub fn new(gpu: &Gpu, n: usize, plane: usize, config: LbfgsConfig) -> Result<Lbfgs> {
        if config.history == 0 {
            return Err(crate::Error::Invalid("the L-BFGS history must hold at least 1 pair".into()));
        }
        let m = config.history.min(max_history(gpu, n)).max(1);
        let parts = n.div_ceil(64).clamp(1, 4096);
        let lbfgs = Lbfgs {
            config,
            history: m,
            n,
            plane: plane.max(1),
            state: Tensor::zeros(gpu, &[AL + 2 * m], "lbfgs state")?,
            xp: Tensor::zeros(gpu, &[n], "lbfgs last point")?,
            gp: Tensor::zeros(gpu, &[n], "lbfgs last gradient")?,
            hs: Tensor::zeros(gpu, &[m, n], "lbfgs history s")?,
            hy: Tensor::zeros(gpu, &[m, n], "lbfgs history y")?,
            d: Tensor::zeros(gpu, &[n], "lbfgs direction")?,
            parts: Tensor::zeros(gpu, &[parts], "lbfgs partial sums")?,
            chunk: n.div_ceil(parts),
            best: Tensor::zeros(gpu, &[n], "lbfgs best point")?,
            best_losses: Tensor::zeros(gpu, &[MAX_LOSS_SLOTS], "lbfgs best point's losses")?,
        };
        lbfgs.reset(gpu)?;
        Ok(lbfgs)
    }

    /// Start again from a cold start: no history, no accepted point, the first step as
    /// `config.first_step` says.
    pub fn reset(&self, gpu: &Gpu) -> Result<()> {
        self.restart(gpu, self.config.first_step)
    }

    /// Start again from an image that is already close to a minimum (a video frame started
    /// from the previous painting): as [`Lbfgs::reset`], but the first step is
    /// `config.warm_first_step`, a smaller one, so the start is not disturbed before the history
    /// knows the curvature (measured on the tree clip: a cold start's first step raised the later
    /// frames' loss and flicker).
    pub fn reset_warm(&self, gpu: &Gpu) -> Result<()> {
        self.restart(gpu, self.config.warm_first_step)
    }

    fn restart(&self, gpu: &Gpu, first_step: f32) -> Result<()> {
        let mut s = vec![0.0; self.state.len()];
        s[HDIAG] = 1.0;
        s[BACKOFF] = 1.0;
        s[BEST_LOSS] = f32::INFINITY;
        s[FIRST_STEP] = first_step;
        self.state.write(gpu, &s)
    }

    fn params(&self, j: u32, mode: u32) -> LbfgsParams {
        let (project, lo, hi) = match self.config.project {
            Some((lo, hi)) => (1, [lo[0], lo[1], lo[2], 0.0], [hi[0], hi[1], hi[2], 0.0]),
            None => (0, [0.0; 4], [0.0; 4]),
        };
        LbfgsParams {
            n: self.n as u32,
            m: self.history as u32,
            j,
            mode,
            chunk: self.chunk as u32,
            parts: self.parts.len() as u32,
            project,
            plane: self.plane as u32,
            lr: self.config.lr,
            worse: self.config.worse,
            lo,
            hi,
            ..Default::default()
        }
    }

    /// dot product (or sum of |a| with `abs`) at history position j, used as `mode` says.
    #[allow(clippy::too_many_arguments)]
    fn dot(&self, gpu: &Gpu, plan: &mut Plan, j: u32, mode: u32, a: &Tensor, b: &Tensor, abs: bool) {
        let pp = self.params(j, abs as u32);
        let bufs = [&*self.state.buffer, &self.parts.buffer, &a.buffer, &b.buffer];
        plan.dispatch_1d(gpu, &DOT_PARTIAL, &pp, &bufs, self.parts.len());
        plan.dispatch(gpu, &DOT_FINAL, &self.params(j, mode), &[&self.state.buffer, &self.parts.buffer], [1, 1, 1]);
    }

    /// Record one L-BFGS step of the image `x` given its gradient `g` and the loss slots
    /// `losses[..nloss]` of this very point (recorded after the backward pass).
    pub fn record(&self, gpu: &Gpu, plan: &mut Plan, x: &Tensor, g: &Tensor, losses: &Tensor, nloss: usize) {
        assert!(x.len() == self.n && g.len() == self.n, "L-BFGS built for {} values", self.n);
        assert!(nloss <= losses.len() && nloss <= MAX_LOSS_SLOTS, "loss slots");
        let n = self.n;
        let st = &*self.state.buffer;
        let check = LbfgsParams { nloss: nloss as u32, ..self.params(0, 0) };
        plan.dispatch(gpu, &LBFGS_CHECK, &check, &[st, &losses.buffer], [1, 1, 1]);
        plan.dispatch_1d(gpu, &KEEP_BEST, &check, &[st, &x.buffer, &self.best.buffer], n);
        plan.dispatch(gpu, &BEST_LOSS_KERNEL, &check, &[st, &losses.buffer, &self.best_losses.buffer], [1, 1, 1]);
        let pair = [st, &x.buffer, &g.buffer, &self.xp.buffer, &self.gp.buffer, &self.hs.buffer, &self.hy.buffer];
        plan.dispatch_1d(gpu, &LBFGS_PAIR, &self.params(0, 0), &pair, n);
        self.dot(gpu, plan, HEAD_SLOT, STORE_YS, &self.hs, &self.hy, false);
        self.dot(gpu, plan, HEAD_SLOT, STORE_YY, &self.hy, &self.hy, false);
        plan.dispatch(gpu, &LBFGS_ACCEPT, &self.params(0, 0), &[st], [1, 1, 1]);
        plan.dispatch_1d(gpu, &LBFGS_NEGATE, &self.params(0, 0), &[&g.buffer, &self.d.buffer], n);
        // first loop, newest to oldest: alpha_j = rho_j s_j.d; d -= alpha_j y_j
        for j in 0..self.history as u32 {
            self.dot(gpu, plan, j, ALPHA, &self.hs, &self.d, false);
            plan.dispatch_1d(gpu, &AXPY_HIST, &self.params(j, 0), &[st, &self.d.buffer, &self.hy.buffer], n);
        }
        plan.dispatch_1d(gpu, &LBFGS_SCALE, &self.params(0, 0), &[st, &self.d.buffer], n);
        // second loop, oldest to newest: beta_j = rho_j y_j.d; d += (alpha_j - beta_j) s_j
        for j in (0..self.history as u32).rev() {
            self.dot(gpu, plan, j, BETA, &self.hy, &self.d, false);
            plan.dispatch_1d(gpu, &AXPY_HIST, &self.params(j, 1), &[st, &self.d.buffer, &self.hs.buffer], n);
        }
        self.dot(gpu, plan, PLAIN, STORE_GTD, g, &self.d, false);
        self.dot(gpu, plan, PLAIN, STORE_GABS, g, g, true);
        plan.dispatch(gpu, &LBFGS_DECIDE, &self.params(0, 0), &[st], [1, 1, 1]);
        let upd = [st, &x.buffer, &g.buffer, &self.d.buffer];
        plan.dispatch_1d(gpu, &LBFGS_UPDATE, &self.params(0, 0), &upd, n);
    }

    /// The last accepted point (the current image is a step beyond it that has not been
    /// evaluated yet).
    pub fn last_point(&self) -> &Tensor {
        &self.xp
    }

    /// The accepted point of lowest loss so far: the optimisation's result.
    pub fn best_point(&self) -> &Tensor {
        &self.best
    }

    /// The loss slots of [`Lbfgs::best_point`] (the first `nloss` of [`Lbfgs::record`]), or
    /// None before the first accepted point (waits for the GPU).
    pub fn best_losses(&self, gpu: &Gpu, nloss: usize) -> Result<Option<Vec<f32>>> {
        let s = crate::gpu::read_words(gpu, &self.state.buffer, AL)?;
        if !f32::from_bits(s[BEST_LOSS]).is_finite() {
            return Ok(None);
        }
        Ok(Some(self.best_losses.read(gpu)?[..nloss].to_vec()))
    }

    /// Read the progress counters (waits for the GPU).
    pub fn status(&self, gpu: &Gpu) -> Result<LbfgsStatus> {
        let s = crate::gpu::read_words(gpu, &self.state.buffer, AL)?;
        let f = |i: usize| f32::from_bits(s[i]);
        Ok(LbfgsStatus {
            pairs: f(COUNT) as usize,
            points: f(POINTS) as usize,
            accepted: f(ACCEPT) != 0.0,
            resets: f(RESETS) as usize,
            rejects: f(REJECTS) as usize,
            rejected: f(REJECTED) as usize,
            loss: f(LOSS),
            step: f(STEP),
        })
    }

    /// Bytes of GPU memory held (the history dominates: 2 x history x n floats).
    pub fn bytes(&self) -> u64 {
        [&self.state, &self.xp, &self.gp, &self.hs, &self.hy, &self.d, &self.parts, &self.best, &self.best_losses]
            .iter()
            .map(|t| t.buffer.size())
            .sum()
    }
}

// --- CPU reference ---

/// Plain-Rust L-BFGS with exactly the GPU's rules (acceptance, pair curvature test, first-step
/// length, fallback to steepest descent, projection), in f64.
#[derive(Clone, Debug)]
pub struct LbfgsCpu {
    pub config: LbfgsConfig,
    pub history: usize,
    plane: usize,
    s: std::collections::VecDeque<Vec<f64>>,
    y: std::collections::VecDeque<Vec<f64>>,
    rho: std::collections::VecDeque<f64>,
    hdiag: f64,
    prev_loss: f64,
    points: usize,
    backoff: f64,
    xp: Vec<f64>,
    gp: Vec<f64>,
    pub resets: usize,
    pub accepted: bool,
    /// Rejections in a row, and in all.
    pub rejects: usize,
    pub rejected: usize,
}

impl LbfgsCpu {
    pub fn new(n: usize, plane: usize, config: LbfgsConfig, history: usize) -> Self {
        LbfgsCpu {
            config,
            history,
            plane: plane.max(1),
            s: Default::default(),
            y: Default::default(),
            rho: Default::default(),
            hdiag: 1.0,
            prev_loss: 0.0,
            points: 0,
            backoff: 1.0,
            xp: vec![0.0; n],
            gp: vec![0.0; n],
            resets: 0,
            accepted: false,
            rejects: 0,
            rejected: 0,
        }
    }

    fn clear(&mut self) {
        self.s.clear();
        self.y.clear();
        self.rho.clear();
        self.hdiag = 1.0;
        self.resets += 1;
    }

    /// One step from `x` with gradient `g` and loss `loss` of that point (x and g are replaced
    /// by the last accepted point's after a rejection); updates x in place.
    pub fn step(&mut self, x: &mut [f32], g: &mut [f32], loss: f64) {
        let n = x.len();
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(p, q)| p * q).sum::<f64>();
        let first = self.points == 0;
        let mut ok = loss.is_finite();
        if !first && ok && loss > self.config.worse as f64 * self.prev_loss {
            ok = false;
        }
        self.accepted = ok || first;
        if self.accepted {
            self.prev_loss = loss;
        } else {
            self.rejects += 1;
            self.rejected += 1;
            self.backoff *= 0.5;
            if self.rejects >= CLEAR_AFTER && !self.s.is_empty() {
                self.clear();
            }
        }
        let (mut xv, mut gv): (Vec<f64>, Vec<f64>) =
            (x.iter().map(|&v| v as f64).collect(), g.iter().map(|&v| v as f64).collect());
        if !self.accepted {
            xv = self.xp.clone();
            gv = self.gp.clone();
            for i in 0..n {
                x[i] = xv[i] as f32;
                g[i] = gv[i] as f32;
            }
        } else {
            if self.points > 0 {
                // the GPU forms the pair from the f32 values
                let s: Vec<f64> = (0..n).map(|i| (x[i] - self.xp[i] as f32) as f64).collect();
                let y: Vec<f64> = (0..n).map(|i| (g[i] - self.gp[i] as f32) as f64).collect();
                let ys = dot(&y, &s);
                if ys > 1e-10 {
                    self.hdiag = ys / dot(&y, &y);
                    if self.s.len() == self.history {
                        self.s.pop_front();
                        self.y.pop_front();
                        self.rho.pop_front();
                    }
                    self.s.push_back(s);
                    self.y.push_back(y);
                    self.rho.push_back(1.0 / ys);
                }
            }
            self.xp = xv.clone();
            self.gp = gv.clone();
            self.points += 1;
            self.backoff = 1.0;
            self.rejects = 0;
        }
        // two-loop recursion
        let k = self.s.len();
        let mut d: Vec<f64> = gv.iter().map(|v| -v).collect();
        let mut al = vec![0.0; k];
        for i in (0..k).rev() {
            al[i] = self.rho[i] * dot(&self.s[i], &d);
            for (dv, yv) in d.iter_mut().zip(&self.y[i]) {
                *dv -= al[i] * yv;
            }
        }
        if k > 0 {
            d.iter_mut().for_each(|v| *v *= self.hdiag);
        }
        for (i, a) in al.iter().enumerate().take(k) {
            let be = self.rho[i] * dot(&self.y[i], &d);
            for (dv, sv) in d.iter_mut().zip(&self.s[i]) {
                *dv += (a - be) * sv;
            }
        }
        let gtd = dot(&gv, &d);
        let mut use_dir = true;
        // not a descent direction, NaN included
        if gtd.is_nan() || gtd >= 0.0 {
            use_dir = false;
            if !self.s.is_empty() {
                self.clear();
            }
        }
        let mut t = self.config.lr as f64 * self.backoff;
        if self.s.is_empty() {
            let gabs: f64 = gv.iter().map(|v| v.abs()).sum::<f64>().max(1e-30);
            let first = self.config.first_step as f64;
            t *= if first > 0.0 { first * n as f64 / gabs } else { (1.0 / gabs).min(1.0) };
        }
        for i in 0..n {
            let dir = if use_dir { d[i] } else { -gv[i] };
            let mut v = xv[i] + t * dir;
            if let Some((lo, hi)) = self.config.project {
                let c = (i / self.plane).min(2);
                v = v.clamp(lo[c] as f64, hi[c] as f64);
            }
            x[i] = v as f32;
        }
    }

    /// Pairs in the history.
    pub fn pairs(&self) -> usize {
        self.s.len()
    }
}
