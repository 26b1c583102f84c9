//! Gatys et al. neural style transfer on the GPU: content loss on one VGG layer, Gram-matrix style
//! losses on several, total variation, and Adam on the pixels. One iteration is one recorded plan
//! (forward, losses, backward, Adam) replayed without allocation or readback.
use crate::error::{Error, Result};
use crate::gpu::{Gpu, Plan, Tensor};
use crate::imageio::Rgb;
use crate::ops::adam::{Adam, AdamConfig};
use crate::ops::elementwise;
use crate::ops::gram::{GramBackward, GramForward};
use crate::ops::lbfgs::{Lbfgs, LbfgsConfig};
use crate::ops::loss::{Mse, TotalVariation};
use crate::ops::reduce::{Reducer, Sum};
use crate::ops::{image as imgops, IMAGENET_MEAN};
use crate::vgg::{layer_index, Vgg, VggPass};

/// Loss weights and layers. Defaults follow the reference (golden) implementation:
/// content 5 * mean((F - P)^2) on relu4_2, style 100 * sum_L mean((G_L - A_L)^2).
#[derive(Clone, Debug)]
pub struct LossConfig {
    /// Layer indices of the content loss (each weighted by `content_weight`).
    pub content_layers: Vec<usize>,
    pub content_weight: f32,
    /// (layer index, relative weight) of each style layer.
    pub style_layers: Vec<(usize, f32)>,
    pub style_weight: f32,
    pub tv_weight: f32,
    /// neural-style's --normalize_gradients: each content layer's gradient, and each style
    /// layer's Gram gradient, is divided by its L1 norm (+1e-8) before its weight multiplies it.
    /// The loss values stay as defined; the step follows the normalised gradients.
    pub normalize_gradients: bool,
}

impl Default for LossConfig {
    fn default() -> Self {
        let style = ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"];
        LossConfig {
            content_layers: vec![layer_index("relu4_2").unwrap()],
            content_weight: 5.0,
            style_layers: style.iter().map(|l| (layer_index(l).unwrap(), 1.0)).collect(),
            style_weight: 100.0,
            tv_weight: 0.0,
            normalize_gradients: false,
        }
    }
}

impl LossConfig {
    /// The deepest layer any loss reads.
    pub fn depth(&self) -> usize {
        self.style_layers.iter().map(|l| l.0).chain(self.content_layers.iter().copied()).max().unwrap_or(0) + 1
    }
}

/// Rejected L-BFGS points in a row after which the optimisation counts as diverged (each
/// rejection halves the step, so by then it is 2^-20 of the configured one).
const MAX_REJECTS: usize = 20;

/// Where each loss term writes its value in the optimiser's loss buffer (one float per slot),
/// laid out from the configuration so any number of style layers fits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LossSlots {
    /// One slot per content layer, in `LossConfig::content_layers` order.
    pub content: std::ops::Range<usize>,
    /// One slot per style layer, in `LossConfig::style_layers` order.
    pub style: std::ops::Range<usize>,
    pub tv: usize,
    /// For a term added through [`Optimizer::with_extra`] (video's temporal loss).
    pub extra: usize,
    /// Slots in all.
    pub len: usize,
}

impl LossSlots {
    pub fn new(cfg: &LossConfig) -> LossSlots {
        let (c, n) = (cfg.content_layers.len(), cfg.style_layers.len());
        LossSlots { content: 0..c, style: c..c + n, tv: c + n, extra: c + n + 1, len: c + n + 2 }
    }

    /// The named values of a read-back loss buffer.
    pub fn losses(&self, v: &[f32]) -> Losses {
        let style_layers = v[self.style.clone()].to_vec();
        let style = style_layers.iter().sum();
        let content = v[self.content.clone()].iter().sum();
        let (tv, extra) = (v[self.tv], v[self.extra]);
        Losses { content, style_layers, style, tv, extra, total: content + style + tv + extra, rejected: false }
    }
}

/// How the pixels are updated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Method {
    Adam(AdamConfig),
    Lbfgs(LbfgsConfig),
}

impl From<AdamConfig> for Method {
    fn from(c: AdamConfig) -> Self {
        Method::Adam(c)
    }
}

impl From<LbfgsConfig> for Method {
    fn from(c: LbfgsConfig) -> Self {
        Method::Lbfgs(c)
    }
}

/// Iterate averaging (crowsonkb's style-transfer-pytorch): an exponential moving average of the
/// iterates, bias-corrected, is the result instead of the last iterate.
struct Ema {
    decay: f32,
    /// sum over t of (1 - decay) decay^(T - t) x_t (starts at zero)
    accum: Tensor,
    /// accum / (1 - decay^T), made when the result is read
    out: Tensor,
    update: Plan,
}

/// The optimiser's GPU state.
#[allow(clippy::large_enum_variant)] // one per optimiser, never moved in a hot loop
enum Stepper {
    Adam(Adam),
    Lbfgs(Lbfgs),
}

/// Loss values of one iteration.
#[derive(Clone, Debug, Default)]
pub struct Losses {
    pub content: f32,
    /// Per style layer, in `LossConfig::style_layers` order (already weighted).
    pub style_layers: Vec<f32>,
    pub style: f32,
    pub tv: f32,
    /// The term added through [`Optimizer::with_extra`], if any (0 otherwise).
    pub extra: f32,
    pub total: f32,
    /// L-BFGS only: this point was rejected (not finite, or much worse than the last accepted
    /// one); the optimiser went back to the last accepted point and retries with a shorter step.
    pub rejected: bool,
}

/// Everything for optimising one image size: the VGG buffers, the loss targets and terms,
/// Adam's state and the recorded iteration.
pub struct Optimizer {
    pub h: usize,
    pub w: usize,
    pub cfg: LossConfig,
    pub pass: VggPass,
    pixels: Tensor,
    content_targets: Vec<Tensor>,
    style_targets: Vec<Tensor>,
    grams: Vec<Tensor>,
    gram_grads: Vec<Tensor>,
    slots: LossSlots,
    losses: Tensor,
    last_good: Tensor,
    stepper: Stepper,
    /// Iterations submitted so far.
    iterations: std::cell::Cell<usize>,
    /// Iterate averaging, when on.
    ema: Option<Ema>,
    /// One whole iteration: forward, losses, backward, any extra terms, Adam.
    iteration: Plan,
    /// The forward pass alone (for content targets).
    forward_only: Plan,
}

impl Optimizer {
    /// The recorded iteration (for profiles: `paintflow bench` times its steps one by one).
    pub fn iteration_plan(&self) -> &Plan {
        &self.iteration
    }

    /// Build for an h x w image.
    pub fn new(
        gpu: &Gpu,
        vgg: &Vgg,
        cfg: LossConfig,
        method: impl Into<Method>,
        h: usize,
        w: usize,
    ) -> Result<Optimizer> {
        Self::with_extra(gpu, vgg, cfg, method, h, w, |_, _, _, _, _| {})
    }

    /// Like [`Optimizer::new`]; `extra(plan, image, image_gradient, losses, slot)` records one more
    /// loss term (value into `losses[slot]`, gradient added to the image gradient) after the VGG
    /// backward and before the Adam step, e.g. video's temporal loss.
    pub fn with_extra(
        gpu: &Gpu,
        vgg: &Vgg,
        cfg: LossConfig,
        method: impl Into<Method>,
        h: usize,
        w: usize,
        extra: impl FnOnce(&mut Plan, &Tensor, &Tensor, &Tensor, usize),
    ) -> Result<Optimizer> {
        let depth = cfg.depth();
        if depth > vgg.depth() {
            return Err(Error::Invalid(format!(
                "the losses need {depth} VGG layers but the network has {}",
                vgg.depth()
            )));
        }
        let pass = VggPass::new(gpu, depth, h, w, vgg.padding)?;
        let act_shape = |i: usize| pass.acts[i].shape.clone();
        let content_targets: Vec<Tensor> = cfg
            .content_layers
            .iter()
            .map(|&l| Tensor::zeros(gpu, &act_shape(l), "content target"))
            .collect::<Result<_>>()?;
        let mut style_targets = Vec::new();
        let mut grams = Vec::new();
        let mut gram_grads = Vec::new();
        let mut gram_fwd = Vec::new();
        let mut gram_bwd = Vec::new();
        let mut gram_mse = Vec::new();
        for &(l, _) in &cfg.style_layers {
            let c = pass.acts[l].shape[0];
            style_targets.push(Tensor::zeros(gpu, &[c, c], "style target")?);
            grams.push(Tensor::zeros(gpu, &[c, c], "gram")?);
            gram_grads.push(Tensor::zeros(gpu, &[c, c], "gram grad")?);
            gram_fwd.push(GramForward::new(gpu, &act_shape(l))?);
            gram_bwd.push(GramBackward::new(gpu, c)?);
            gram_mse.push(Mse::new(gpu, c * c)?);
        }
        // --normalize-gradients: the L1 norm of each term's gradient, and scratch for the
        // content gradients (one buffer as large as the largest, seen at each layer's shape).
        let nc = cfg.content_layers.len();
        let norms = Tensor::zeros(gpu, &[(nc + cfg.style_layers.len()).max(1)], "gradient norms")?;
        let mut content_scratch = Vec::new();
        let mut norm_reducers = Vec::new();
        if cfg.normalize_gradients {
            let biggest = cfg.content_layers.iter().map(|&l| pass.acts[l].len()).max().unwrap_or(1);
            let scratch = Tensor::zeros(gpu, &[biggest], "normalised content gradient")?;
            for &l in &cfg.content_layers {
                content_scratch.push(scratch.view(&act_shape(l)));
                norm_reducers.push(Reducer::new(gpu, pass.acts[l].len())?);
            }
            for &(l, _) in &cfg.style_layers {
                norm_reducers.push(Reducer::new(gpu, pass.acts[l].shape[0].pow(2))?);
            }
        }
        let content_mse: Vec<Mse> =
            cfg.content_layers.iter().map(|&l| Mse::new(gpu, pass.acts[l].len())).collect::<Result<_>>()?;
        let tv = TotalVariation::new(gpu, &[3, h, w])?;
        let slots = LossSlots::new(&cfg);
        let losses = Tensor::zeros(gpu, &[slots.len], "losses")?;
        let pixels = Tensor::zeros(gpu, &[h * w], "rgba pixels")?;
        let last_good = Tensor::zeros(gpu, &[3, h, w], "last good image")?;
        let stepper = match method.into() {
            Method::Adam(c) => Stepper::Adam(Adam::new(gpu, 3 * h * w, c)?),
            Method::Lbfgs(c) => Stepper::Lbfgs(Lbfgs::new(gpu, 3 * h * w, h * w, c)?),
        };

        let upto = depth - 1;
        let mut forward_only = Plan::new();
        pass.record_forward(gpu, &mut forward_only, vgg, upto);

        let mut it = Plan::new();
        pass.record_forward(gpu, &mut it, vgg, upto);
        for (k, &(l, _)) in cfg.style_layers.iter().enumerate() {
            gram_fwd[k].record(gpu, &mut it, &pass.acts[l], &grams[k]);
        }
        pass.record_backward(gpu, &mut it, vgg, upto, |i, plan, first| {
            let mut wrote = false;
            for (k, &l) in cfg.content_layers.iter().enumerate() {
                if l != i {
                    continue;
                }
                let (target, slot, add) = (&content_targets[k], slots.content.start + k, wrote || !first);
                if cfg.normalize_gradients {
                    let g = &content_scratch[k];
                    content_mse[k].record(
                        gpu,
                        plan,
                        cfg.content_weight,
                        &pass.acts[i],
                        target,
                        g,
                        false,
                        &losses,
                        slot,
                    );
                    norm_reducers[k].record(gpu, plan, Sum::Abs(g), 1.0, &norms, k, false);
                    let b = if add { 1.0 } else { 0.0 };
                    elementwise::axpby_by_norm(gpu, plan, cfg.content_weight, &norms, k, g, b, &pass.grads[i]);
                } else {
                    content_mse[k].record(
                        gpu,
                        plan,
                        cfg.content_weight,
                        &pass.acts[i],
                        target,
                        &pass.grads[i],
                        add,
                        &losses,
                        slot,
                    );
                }
                wrote = true;
            }
            for (k, &(l, lw)) in cfg.style_layers.iter().enumerate() {
                if l == i {
                    gram_mse[k].record(
                        gpu,
                        plan,
                        cfg.style_weight * lw,
                        &grams[k],
                        &style_targets[k],
                        &gram_grads[k],
                        false,
                        &losses,
                        slots.style.start + k,
                    );
                    if cfg.normalize_gradients {
                        let (gg, slot) = (&gram_grads[k], nc + k);
                        norm_reducers[slot].record(gpu, plan, Sum::Abs(gg), 1.0, &norms, slot, false);
                        elementwise::scale_by_norm(gpu, plan, cfg.style_weight * lw, &norms, slot, gg);
                    }
                    gram_bwd[k].record(gpu, plan, &pass.acts[i], &gram_grads[k], &pass.grads[i], wrote || !first);
                    wrote = true;
                }
            }
            wrote
        });
        tv.record(gpu, &mut it, cfg.tv_weight, &pass.input, &pass.input_grad, true, &losses, slots.tv);
        extra(&mut it, &pass.input, &pass.input_grad, &losses, slots.extra);
        match &stepper {
            Stepper::Adam(adam) => adam.record(gpu, &mut it, &pass.input_grad, &pass.input, h * w),
            Stepper::Lbfgs(lb) => lb.record(gpu, &mut it, &pass.input, &pass.input_grad, &losses, slots.len),
        }

        // The plans' bind groups keep the helpers' scratch buffers alive; the helpers can go.
        drop((gram_fwd, gram_bwd, gram_mse, content_mse, tv, norm_reducers, content_scratch, norms));
        Ok(Optimizer {
            h,
            w,
            cfg,
            pass,
            pixels,
            content_targets,
            style_targets,
            grams,
            gram_grads,
            slots,
            losses,
            last_good,
            stepper,
            iterations: std::cell::Cell::new(0),
            ema: None,
            iteration: it,
            forward_only,
        })
    }

    /// Upload an RGB image into the optimised variable (network space: RGB minus the mean).
    pub fn set_image(&self, gpu: &Gpu, img: &Rgb) -> Result<()> {
        self.check_size(img, "image")?;
        self.pixels.write_u32(gpu, &imgops::pack_rgb(img.as_raw()))?;
        let mut plan = Plan::new();
        imgops::preprocess(gpu, &mut plan, &self.pixels, &self.pass.input);
        plan.run(gpu)
    }

    /// Set the optimised variable from planar network-space values.
    pub fn set_planar(&self, gpu: &Gpu, planar: &[f32]) -> Result<()> {
        self.pass.input.write(gpu, planar)
    }

    fn check_size(&self, img: &Rgb, what: &str) -> Result<()> {
        crate::imageio::check_size(img, self.w, self.h, what)
    }

    /// Make `img` the content target (its activation at the content layer).
    pub fn set_content(&self, gpu: &Gpu, img: &Rgb) -> Result<()> {
        self.set_image(gpu, img)?;
        self.content_from_current(gpu)
    }

    /// Make the current value of the optimised variable the content target (the variable
    /// itself is then to be overwritten by the caller's initialisation).
    pub fn content_from_current(&self, gpu: &Gpu) -> Result<()> {
        self.forward_only.run(gpu)?;
        let mut plan = Plan::new();
        for (&l, target) in self.cfg.content_layers.iter().zip(&self.content_targets) {
            let t = &self.pass.acts[l];
            plan.copy(&t.buffer, &target.buffer, t.len() as u64 * 4);
        }
        plan.run(gpu)
    }

    /// Set the style targets directly (one Gram matrix per style layer).
    pub fn set_style_grams(&self, gpu: &Gpu, grams: &[Vec<f32>]) -> Result<()> {
        for (t, g) in self.style_targets.iter().zip(grams) {
            t.write(gpu, g)?;
        }
        Ok(())
    }

    /// The content targets, one per content layer.
    pub fn content_targets(&self) -> &[Tensor] {
        &self.content_targets
    }

    pub fn grams(&self) -> &[Tensor] {
        &self.grams
    }

    /// Restart the optimiser: Adam at step 0 with zero moments, L-BFGS with no history (`warm`:
    /// the image is already painted, so L-BFGS starts with a smaller step, see
    /// [`Lbfgs::reset_warm`]).
    pub fn reset_optimizer(&self, gpu: &Gpu, warm: bool) -> Result<()> {
        self.iterations.set(0);
        if let Some(e) = &self.ema {
            e.accum.write(gpu, &vec![0.0; e.accum.len()])?;
        }
        match &self.stepper {
            Stepper::Adam(a) => a.reset(gpu),
            Stepper::Lbfgs(l) if warm => l.reset_warm(gpu),
            Stepper::Lbfgs(l) => l.reset(gpu),
        }
    }

    /// The L-BFGS history actually kept (capped by the device's limits), if L-BFGS runs.
    pub fn lbfgs_history(&self) -> Option<usize> {
        match &self.stepper {
            Stepper::Lbfgs(l) => Some(l.history),
            Stepper::Adam(_) => None,
        }
    }

    /// Submit one iteration (no wait, no readback).
    pub fn step(&self, gpu: &Gpu) {
        self.iterations.set(self.iterations.get() + 1);
        let mut encoder = gpu.device.create_command_encoder(&Default::default());
        self.iteration.encode(&mut encoder);
        if let Some(e) = &self.ema {
            e.update.encode(&mut encoder);
        }
        gpu.queue.submit([encoder.finish()]);
    }

    /// Average the iterates from now on: the result becomes the bias-corrected exponential moving
    /// average with this decay (e.g. 0.95) of the points the optimiser produces.
    pub fn enable_ema(&mut self, gpu: &Gpu, decay: f32) -> Result<()> {
        if !(0.0..1.0).contains(&decay) {
            return Err(Error::Invalid(format!("the averaging decay must be in [0, 1), got {decay}")));
        }
        let shape = self.pass.input.shape.clone();
        let accum = Tensor::zeros(gpu, &shape, "iterate average")?;
        let mut update = Plan::new();
        elementwise::axpby(gpu, &mut update, 1.0 - decay, &self.point(), decay, &accum);
        self.ema = Some(Ema { decay, accum, out: Tensor::zeros(gpu, &shape, "iterate average, corrected")?, update });
        Ok(())
    }

    /// The optimiser's own point: the current image for Adam; for L-BFGS the last point it
    /// evaluated and accepted (the current image is a step beyond it, not yet evaluated).
    fn point(&self) -> Tensor {
        match &self.stepper {
            Stepper::Lbfgs(l) => l.last_point().view(&self.pass.input.shape),
            Stepper::Adam(_) => self.pass.input.clone(),
        }
    }

    /// The optimisation's result so far: the optimiser's point, or with averaging on the
    /// bias-corrected average of its points.
    fn result(&self, gpu: &Gpu) -> Result<Tensor> {
        let t = self.iterations.get();
        if t == 0 {
            return Ok(self.pass.input.clone());
        }
        match &self.ema {
            // L-BFGS without a line search may end on a worse point than an earlier one: its
            // result is the best accepted point
            None => Ok(match &self.stepper {
                Stepper::Lbfgs(l) => l.best_point().view(&self.pass.input.shape),
                Stepper::Adam(_) => self.point(),
            }),
            Some(e) => {
                let mut plan = Plan::new();
                let correction = 1.0 / (1.0 - (e.decay as f64).powi(t.min(i32::MAX as usize) as i32)) as f32;
                elementwise::axpby(gpu, &mut plan, correction, &e.accum, 0.0, &e.out);
                plan.run(gpu)?;
                Ok(e.out.clone())
            }
        }
    }

    /// The losses of the result (see [`Optimizer::image`]) where the optimiser keeps them: for
    /// L-BFGS without averaging those of the best accepted point (None before the first point,
    /// and for Adam or averaged results, whose result was not evaluated as such).
    pub fn result_losses(&self, gpu: &Gpu) -> Result<Option<Losses>> {
        match (&self.stepper, &self.ema) {
            (Stepper::Lbfgs(l), None) if self.iterations.get() > 0 => {
                Ok(l.best_losses(gpu, self.slots.len)?.map(|v| self.slots.losses(&v)))
            }
            _ => Ok(None),
        }
    }

    /// Run one iteration to completion; with `read_losses`, also read and check its losses
    /// (see [`Optimizer::check_losses`]).
    pub fn iterate(&self, gpu: &Gpu, read_losses: bool) -> Result<Option<Losses>> {
        self.step(gpu);
        if read_losses {
            self.check_losses(gpu).map(Some)
        } else {
            gpu.wait().map(|_| None)
        }
    }

    /// Which flags to change after a non-finite loss: the weights of the terms that overflowed
    /// (a weight so large that the term leaves float range), else the step size.
    fn divergence_hint(&self, l: &Losses) -> String {
        let c = &self.cfg;
        let terms = [
            ("--content-weight", c.content_weight, l.content),
            ("--style-weight", c.style_weight, l.style),
            ("--tv-weight", c.tv_weight, l.tv),
        ];
        let named: Vec<String> =
            terms.iter().filter(|t| !t.2.is_finite()).map(|(flag, w, _)| format!("{flag} (now {w:e})")).collect();
        if named.is_empty() {
            "try a lower --lr".into()
        } else {
            format!("the non-finite terms come from {}: lower it, or --lr", named.join(" and "))
        }
    }

    /// Read the loss values of the last iteration (waits for the GPU). NaN/Inf: an error, after
    /// restoring the last image that had finite losses. L-BFGS recovers from such points by
    /// itself (see [`Losses::rejected`]); it fails only when the first point is not finite or
    /// retries keep failing.
    pub fn check_losses(&self, gpu: &Gpu) -> Result<Losses> {
        let mut l = self.slots.losses(&self.losses.read(gpu)?);
        if let Stepper::Lbfgs(lb) = &self.stepper {
            let st = lb.status(gpu)?;
            l.rejected = !st.accepted;
            if l.total.is_finite() || (st.points > 0 && st.rejects < MAX_REJECTS) {
                return Ok(l);
            }
            return Err(Error::NonFinite(format!(
                "the loss became {} (content {}, style {}, tv {}){}; the optimisation diverged. \
                 Keeping the last good image; {}",
                l.total,
                l.content,
                l.style,
                l.tv,
                if st.points == 0 { " at the starting image" } else { " and L-BFGS could not recover" },
                self.divergence_hint(&l)
            )));
        }
        if !l.total.is_finite() {
            let mut plan = Plan::new();
            plan.copy(&self.last_good.buffer, &self.pass.input.buffer, self.pass.input.len() as u64 * 4);
            plan.run(gpu)?;
            return Err(Error::NonFinite(format!(
                "the loss became {} (content {}, style {}, tv {}); the optimisation diverged. \
                 Keeping the last good image; {}",
                l.total,
                l.content,
                l.style,
                l.tv,
                self.divergence_hint(&l)
            )));
        }
        let mut plan = Plan::new();
        plan.copy(&self.pass.input.buffer, &self.last_good.buffer, self.pass.input.len() as u64 * 4);
        plan.submit(gpu);
        Ok(l)
    }

    /// The result as RGB bytes (post-processed on the GPU): the current image, or for L-BFGS the
    /// best accepted point.
    pub fn image(&self, gpu: &Gpu) -> Result<Rgb> {
        let mut plan = Plan::new();
        imgops::postprocess(gpu, &mut plan, &self.result(gpu)?, &self.pixels);
        plan.run(gpu)?;
        let rgb = imgops::unpack_rgb(&self.pixels.read_u32(gpu)?);
        Ok(Rgb::from_raw(self.w as u32, self.h as u32, rgb).expect("size matches"))
    }

    /// The current image as 8-bit RGB, and `requantized` set to exactly that image in network
    /// space (what reloading the written file gives), in one submission.
    pub fn image_requantized(&self, gpu: &Gpu, requantized: &Tensor) -> Result<Rgb> {
        let mut plan = Plan::new();
        imgops::postprocess(gpu, &mut plan, &self.result(gpu)?, &self.pixels);
        imgops::preprocess(gpu, &mut plan, &self.pixels, requantized);
        plan.run(gpu)?;
        let rgb = imgops::unpack_rgb(&self.pixels.read_u32(gpu)?);
        Ok(Rgb::from_raw(self.w as u32, self.h as u32, rgb).expect("size matches"))
    }

    /// The optimised variable [3, H, W] (network space).
    pub fn input(&self) -> &Tensor {
        &self.pass.input
    }

    /// The result in network space (planar RGB minus the mean), as [`Optimizer::image`].
    pub fn planar(&self, gpu: &Gpu) -> Result<Vec<f32>> {
        self.result(gpu)?.read(gpu)
    }

    /// Bytes of GPU memory held.
    pub fn bytes(&self) -> u64 {
        let t = |t: &Tensor| t.len() as u64 * 4;
        self.pass.bytes()
            + self.content_targets.iter().map(t).sum::<u64>()
            + self.style_targets.iter().chain(&self.grams).chain(&self.gram_grads).map(t).sum::<u64>()
            + 4 * t(&self.last_good)
            + match &self.stepper {
                Stepper::Lbfgs(l) => l.bytes(),
                Stepper::Adam(_) => 0,
            }
    }
}

/// Gram matrices of `img` at the style layers of `cfg` (one VGG forward at the image's size).
pub fn style_grams(gpu: &Gpu, vgg: &Vgg, cfg: &LossConfig, img: &Rgb) -> Result<Vec<Vec<f32>>> {
    style_grams_planar(gpu, vgg, cfg, &to_planar(img), img.height() as usize, img.width() as usize)
}

/// [`style_grams`] of a planar network-space image [3, h, w].
pub fn style_grams_planar(
    gpu: &Gpu,
    vgg: &Vgg,
    cfg: &LossConfig,
    planar: &[f32],
    h: usize,
    w: usize,
) -> Result<Vec<Vec<f32>>> {
    let depth = cfg.style_layers.iter().map(|l| l.0).max().unwrap_or(0) + 1;
    let pass = VggPass::new(gpu, depth, h, w, vgg.padding)?;
    pass.input.write(gpu, planar)?;
    let mut plan = Plan::new();
    pass.record_forward(gpu, &mut plan, vgg, depth - 1);
    let mut outs = Vec::new();
    for &(l, _) in &cfg.style_layers {
        let c = pass.acts[l].shape[0];
        let g = Tensor::zeros(gpu, &[c, c], "style gram")?;
        GramForward::new(gpu, &pass.acts[l].shape)?.record(gpu, &mut plan, &pass.acts[l], &g);
        outs.push(g);
    }
    plan.run(gpu)?;
    outs.iter().map(|g| g.read(gpu)).collect()
}

/// Weighted sum of several styles' Gram matrices.
pub fn blend_grams(styles: &[Vec<Vec<f32>>], weights: &[f32]) -> Vec<Vec<f32>> {
    let total: f32 = weights.iter().sum();
    let mut out: Vec<Vec<f32>> = styles[0].iter().map(|g| vec![0.0; g.len()]).collect();
    for (s, &wk) in styles.iter().zip(weights) {
        for (o, g) in out.iter_mut().zip(s) {
            for (a, b) in o.iter_mut().zip(g) {
                *a += wk / total * b;
            }
        }
    }
    out
}

/// Planar network-space values of an RGB image (CPU; for initialisation and tests).
pub fn to_planar(img: &Rgb) -> Vec<f32> {
    imgops::preprocess_cpu(img.as_raw())
}

/// A finished painting at full precision: planar network-space values [3, h, w] (RGB 0..255 minus
/// the ImageNet mean), from which 8- and 16-bit images are made.
#[derive(Clone, Debug)]
pub struct Painting {
    pub width: u32,
    pub height: u32,
    pub planar: Vec<f32>,
}

/// A 16-bit-per-channel RGB image (PNG only).
pub type Rgb16 = image::ImageBuffer<image::Rgb<u16>, Vec<u16>>;

impl Painting {
    /// A painting from an 8-bit image.
    pub fn from_rgb(img: &Rgb) -> Painting {
        Painting { width: img.width(), height: img.height(), planar: to_planar(img) }
    }

    /// RGB 0..255 of pixel i.
    fn rgb(&self, i: usize) -> [f32; 3] {
        let n = (self.width * self.height) as usize;
        [0, 1, 2].map(|c| self.planar[c * n + i] + IMAGENET_MEAN[c])
    }

    /// 8 bits per channel, rounded like the GPU's postprocess (halves to even).
    pub fn to_rgb8(&self) -> Rgb {
        let n = (self.width * self.height) as usize;
        let bytes = (0..n).flat_map(|i| self.rgb(i).map(|v| v.round_ties_even().clamp(0.0, 255.0) as u8)).collect();
        Rgb::from_raw(self.width, self.height, bytes).expect("size matches")
    }

    /// 16 bits per channel (0..255 mapped onto 0..65535), for printing.
    pub fn to_rgb16(&self) -> Rgb16 {
        let n = (self.width * self.height) as usize;
        let words = (0..n).flat_map(|i| self.rgb(i).map(|v| (v * 257.0).round().clamp(0.0, 65535.0) as u16)).collect();
        Rgb16::from_raw(self.width, self.height, words).expect("size matches")
    }

    /// Keep the content's colours: this painting's luminance with the content's chroma (YIQ),
    /// computed at full precision. `content` must have the painting's size.
    pub fn with_original_colors(&self, content: &Rgb) -> Painting {
        let n = (self.width * self.height) as usize;
        let mut planar = vec![0.0; 3 * n];
        for (i, c) in content.pixels().enumerate().take(n) {
            let s = self.rgb(i);
            let cc = c.0.map(|v| v as f32);
            let y = 0.299 * s[0] + 0.587 * s[1] + 0.114 * s[2];
            let ci = 0.596 * cc[0] - 0.274 * cc[1] - 0.322 * cc[2];
            let cq = 0.211 * cc[0] - 0.523 * cc[1] + 0.312 * cc[2];
            let rgb = [y + 0.956 * ci + 0.621 * cq, y - 0.272 * ci - 0.647 * cq, y - 1.106 * ci + 1.703 * cq];
            for c in 0..3 {
                planar[c * n + i] = rgb[c].clamp(0.0, 255.0) - IMAGENET_MEAN[c];
            }
        }
        Painting { planar, ..*self }
    }
}

/// Pixel bounds in network space (0..255 minus the mean), for Adam's clamp.
pub fn pixel_bounds() -> ([f32; 3], [f32; 3]) {
    (IMAGENET_MEAN.map(|m| -m), IMAGENET_MEAN.map(|m| 255.0 - m))
}

/// Adam with learning rate `lr` (pixel units) that keeps every pixel in 0..255: what image and
/// video jobs use.
pub fn pixel_adam(lr: f32) -> AdamConfig {
    AdamConfig { lr, clamp: Some(pixel_bounds()), ..AdamConfig::default() }
}

/// Mean |change| of the pixels (0..255 units) in L-BFGS's first step from a cold start. Measured
/// side by side (BENCHMARKS.md, "First step"): torch's vanishing first step 5.49e6 on pair C
/// after 100 iterations; 2: 5.36e6, 4: 5.36e6, 8: 5.33-5.34e6, 16: 5.33-5.34e6, 32: 5.34e6.
pub const LBFGS_FIRST_STEP: f32 = 8.0;

/// The same for a warm start (a video's later frames, which start from the warped previous
/// painting). Torch's rule there moves the pixels by ~1e-4 (72 px) to ~1e-5 (256 px), a few ulps
/// of a pixel value, so the first pair measures rounding noise; where no pair passes the
/// curvature check every step stays that small (the likely cause of a CI run whose later frame
/// came out the same with and without its long-term term). Measured side by side (BENCHMARKS.md,
/// "First step"): tree clip, later-frame losses and warping error the same within 0.1 % for
/// torch's rule, 0.25 and 1; 4 raised the losses.
pub const LBFGS_WARM_FIRST_STEP: f32 = 1.0;

/// L-BFGS with step length `lr` and `history` pairs that keeps every pixel in 0..255 by projecting
/// after each step.
pub fn pixel_lbfgs(lr: f32, history: usize) -> LbfgsConfig {
    LbfgsConfig {
        lr,
        history,
        project: Some(pixel_bounds()),
        first_step: LBFGS_FIRST_STEP,
        warm_first_step: LBFGS_WARM_FIRST_STEP,
        ..LbfgsConfig::default()
    }
}

/// The longest side style images are resized to for an output of `w` x `h` (at least 16 px, the
/// smallest image VGG-19 takes).
pub fn style_size(w: u32, h: u32, style_scale: f32) -> u32 {
    ((w.max(h) as f32 * style_scale).round() as u32).max(16)
}

/// The style targets for an output of `w` x `h`: each style's Gram matrices at
/// [`style_size`], blended by the styles' weights.
pub fn style_targets(
    gpu: &Gpu,
    vgg: &Vgg,
    cfg: &LossConfig,
    styles: &[(Rgb, f32)],
    style_scale: f32,
    w: u32,
    h: u32,
) -> Result<Vec<Vec<f32>>> {
    if styles.is_empty() {
        return Err(Error::Invalid("at least one style image is needed".into()));
    }
    let size = style_size(w, h, style_scale);
    for (img, _) in styles {
        let (sw, sh) = crate::imageio::fit_dims(img.width(), img.height(), size);
        check_fits(gpu, sw, sh).map_err(|e| match e {
            Error::TooLarge { what, needed, limit, max, .. } => {
                let hint = format!("lower --style-scale ({style_scale}: styles resized to {size} px)");
                Error::TooLarge { what: format!("a style: {what}"), needed, limit, max, hint }
            }
            e => e,
        })?;
    }
    let grams: Vec<Vec<Vec<f32>>> =
        styles.iter().map(|(s, _)| style_grams(gpu, vgg, cfg, &crate::imageio::fit(s, size))).collect::<Result<_>>()?;
    let weights: Vec<f32> = styles.iter().map(|s| s.1).collect();
    Ok(blend_grams(&grams, &weights))
}

/// How the optimised image starts.
#[derive(Clone)]
pub enum Init {
    Content,
    /// Uniform random pixels from the seed.
    Noise,
    Image(Rgb),
}

/// A still-image job: everything `paintflow image` controls.
#[derive(Clone)]
pub struct ImageJob {
    /// Longest side of the output, pixels.
    pub size: u32,
    /// Iterations at each scale.
    pub iters: usize,
    pub loss: LossConfig,
    /// How the pixels are updated (Adam or L-BFGS).
    pub method: Method,
    /// Iterate averaging: the result is the moving average of the iterates with this decay.
    pub ema: Option<f32>,
    pub init: Init,
    pub seed: u64,
    /// Style images are resized to this fraction of the content's longest side.
    pub style_scale: f32,
    /// Coarse to fine: the sizes optimised in turn (see [`Scales`]).
    pub scales: Scales,
    /// Read the losses back every this many iterations (and at the end of each scale).
    pub log_every: usize,
    pub original_colors: bool,
}

impl Default for ImageJob {
    fn default() -> Self {
        ImageJob {
            size: 512,
            iters: 300,
            loss: LossConfig::default(),
            method: Method::Lbfgs(pixel_lbfgs(1.0, 20)),
            ema: None,
            init: Init::Content,
            seed: 0,
            style_scale: 1.0,
            scales: Scales::Halving(1),
            log_every: 10,
            original_colors: false,
        }
    }
}

/// Which sizes a coarse-to-fine job optimises, each started from the previous result upsampled
/// (with a fresh optimiser state: Adam's moments and L-BFGS's history belong to one size).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scales {
    /// n sizes: size / 2^(n-1), ..., size / 2, size.
    Halving(usize),
    /// Steps of sqrt(2) from about 128 px up to the size (one scale when the size is <= 181).
    Auto,
}

impl Scales {
    /// The longest side at each scale, smallest first (never below 16 px).
    pub fn sizes(self, size: u32) -> Vec<u32> {
        match self {
            Scales::Halving(n) => (0..n.max(1)).rev().map(|k| (size >> k.min(31)).max(16)).collect(),
            Scales::Auto => {
                // half-octave steps down to the last size >= 128 (a small epsilon: 512 / 2^2 is 128)
                let steps = ((size as f64 / 128.0).log2() * 2.0 + 1e-9).floor().max(0.0) as i32;
                (0..=steps).map(|k| (size as f64 / 2f64.powf((steps - k) as f64 / 2.0)).round() as u32).collect()
            }
        }
    }
}

/// What a running job reports.
pub enum Event<'a> {
    /// A new scale started: (scale index, number of scales, width, height).
    Scale(usize, usize, u32, u32),
    /// An iteration was submitted and finished: (1-based index within the scale).
    Iteration(usize),
    /// Loss values read back after iteration `.0`.
    Losses(usize, &'a Losses),
}

/// Noise image from a seed (uniform pixels).
pub fn noise_image(w: u32, h: u32, seed: u64) -> Rgb {
    let mut rng = crate::rng::Rng::new(seed);
    Rgb::from_fn(w, h, |_, _| image::Rgb([0, 0, 0].map(|_: u8| (rng.unit() * 256.0) as u8)))
}

/// Fail early, with the limit named and a size suggested, when a w x h optimisation cannot fit
/// the device's buffer limits (the largest buffer is conv1's 64-channel activation).
pub fn check_fits(gpu: &Gpu, w: u32, h: u32) -> Result<()> {
    let bytes = 64 * w as u64 * h as u64 * 4;
    gpu.check_buffer_size(&format!("a {w}x{h} image (VGG conv1 activations)"), bytes).map_err(|e| match e {
        Error::TooLarge { what, needed, limit, max, .. } => {
            let scale = (max as f64 / needed as f64).sqrt();
            let size = ((w.max(h) as f64) * scale * 0.98).floor() as u32;
            Error::TooLarge { what, needed, limit, max, hint: format!("use --size {size} or less") }
        }
        e => e,
    })
}

/// Stylise `content` with the weighted `styles`. `snapshot(opt)` is offered the optimiser after
/// each iteration (for --save-every); `on` receives progress events.
pub fn stylize(
    gpu: &Gpu,
    vgg: &Vgg,
    job: &ImageJob,
    content: &Rgb,
    styles: &[(Rgb, f32)],
    mut on: impl FnMut(Event),
    mut snapshot: impl FnMut(usize, &Optimizer) -> Result<()>,
) -> Result<Painting> {
    if styles.is_empty() {
        return Err(Error::Invalid("at least one style image is needed".into()));
    }
    let sizes = job.scales.sizes(job.size);
    let scales = sizes.len();
    let (fw, fh) = crate::imageio::fit_dims(content.width(), content.height(), job.size);
    check_fits(gpu, fw, fh)?;
    let mut previous: Option<Rgb> = None;
    let mut last = None;
    for (k, &size) in sizes.iter().enumerate() {
        let c = crate::imageio::fit(content, size);
        let (w, h) = c.dimensions();
        on(Event::Scale(k, scales, w, h));
        let targets = style_targets(gpu, vgg, &job.loss, styles, job.style_scale, w, h)?;
        let mut opt = Optimizer::new(gpu, vgg, job.loss.clone(), job.method, h as usize, w as usize)?;
        if let Some(decay) = job.ema {
            opt.enable_ema(gpu, decay)?;
        }
        opt.set_content(gpu, &c)?;
        opt.set_style_grams(gpu, &targets)?;
        let init = match (&previous, &job.init) {
            (Some(p), _) => crate::imageio::resize(p, w, h),
            (None, Init::Content) => c.clone(),
            (None, Init::Noise) => noise_image(w, h, job.seed),
            (None, Init::Image(img)) => crate::imageio::resize(img, w, h),
        };
        opt.set_image(gpu, &init)?;
        for it in 1..=job.iters {
            match opt.iterate(gpu, it % job.log_every.max(1) == 0 || it == job.iters || it == 1) {
                Err(Error::NonFinite(msg)) => {
                    return Err(Error::Diverged { msg, last_good: Box::new(opt.image(gpu)?) })
                }
                r => {
                    if let Some(l) = r? {
                        on(Event::Losses(it, &l));
                    }
                }
            }
            on(Event::Iteration(it));
            snapshot(it, &opt)?;
        }
        previous = Some(opt.image(gpu)?);
        last = Some(Painting { width: w, height: h, planar: opt.planar(gpu)? });
    }
    let out = last.expect("at least one scale");
    Ok(if job.original_colors { out.with_original_colors(&crate::imageio::fit(content, job.size)) } else { out })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loss_slots_grow_with_the_style_layers_and_never_overlap() {
        for n in [0usize, 1, 5, 6, 13] {
            let cfg = LossConfig {
                style_layers: (0..n).map(|l| (l, 1.0)).collect(),
                content_layers: (0..n % 3).collect(),
                ..Default::default()
            };
            let s = LossSlots::new(&cfg);
            let mut all: Vec<usize> =
                [s.tv, s.extra].into_iter().chain(s.style.clone()).chain(s.content.clone()).collect();
            assert_eq!(all.len(), s.len, "{n} style layers");
            all.sort();
            all.dedup();
            assert_eq!(all, (0..s.len).collect::<Vec<_>>(), "{n} style layers: every slot used once");
            let v: Vec<f32> = (0..s.len).map(|i| (1 << i) as f32).collect();
            let l = s.losses(&v);
            assert_eq!(l.total, v.iter().sum::<f32>(), "total of {n} layers");
            assert_eq!(l.style_layers.len(), n);
        }
    }
}

#[cfg(test)]
mod scale_tests {
    use super::Scales;

    #[test]
    fn scale_sizes() {
        assert_eq!(Scales::Halving(1).sizes(512), vec![512]);
        assert_eq!(Scales::Halving(3).sizes(512), vec![128, 256, 512]);
        assert_eq!(Scales::Halving(4).sizes(40), vec![16, 16, 20, 40]);
        assert_eq!(Scales::Auto.sizes(512), vec![128, 181, 256, 362, 512]);
        assert_eq!(Scales::Auto.sizes(181), vec![181]);
        assert_eq!(Scales::Auto.sizes(64), vec![64]);
        assert_eq!(Scales::Auto.sizes(1024).first(), Some(&128));
    }
}
