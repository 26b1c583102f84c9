//! L-BFGS on the GPU against its plain-Rust twin, step by step: on a small ill-conditioned
//! quadratic (the history ring wrapping, with and without projection), through injected
//! non-finite and much-worse losses (the history resets from the last good point instead of
//! stopping), and on the golden VGG chain.
mod common;

use common::*;
use paintflow::gpu::{Plan, Tensor};
use paintflow::ops::lbfgs::{Lbfgs, LbfgsConfig, LbfgsCpu};

/// Relative tolerance on the iterates: f32 dot products in another order than the f64 twin.
const TOL: f64 = 1e-4;

/// f(x) = 0.5 sum a_i (x_i - c_i)^2 + 0.1 sum (x_i - x_{i+1})^2: ill-conditioned and coupled.
struct Quadratic {
    a: Vec<f32>,
    c: Vec<f32>,
}

impl Quadratic {
    fn eval(&self, x: &[f32]) -> (f64, Vec<f32>) {
        let n = x.len();
        let mut f = 0.0;
        let mut g = vec![0.0f64; n];
        for i in 0..n {
            let d = x[i] as f64 - self.c[i] as f64;
            f += 0.5 * self.a[i] as f64 * d * d;
            g[i] += self.a[i] as f64 * d;
            if i + 1 < n {
                let e = x[i] as f64 - x[i + 1] as f64;
                f += 0.1 * e * e;
                g[i] += 0.2 * e;
                g[i + 1] -= 0.2 * e;
            }
        }
        (f, g.into_iter().map(|v| v as f32).collect())
    }
}

/// Run GPU and CPU L-BFGS side by side for `steps` steps; `tamper(step, loss)` may replace the
/// loss each is given. Returns the final iterates and the twin.
fn run_both(
    n: usize,
    plane: usize,
    cfg: LbfgsConfig,
    steps: usize,
    seed: &str,
    tamper: impl Fn(usize, f64) -> f64,
) -> (Vec<f32>, Vec<f32>, LbfgsCpu, paintflow::ops::lbfgs::LbfgsStatus) {
    let g = gpu();
    let mut rng = Rng::new(seed);
    let q = Quadratic { a: (0..n).map(|_| 1.0 + 50.0 * rng.uniform().abs()).collect(), c: rng.vec(n, 20.0) };
    let x0 = rng.vec(n, 5.0);
    let lb = Lbfgs::new(g, n, plane, cfg).unwrap();
    let mut cpu = LbfgsCpu::new(n, plane, cfg, lb.history);
    let (xt, gt) = (upload(&[n], &x0), Tensor::zeros(g, &[n], "g").unwrap());
    let losses = Tensor::zeros(g, &[2], "losses").unwrap();
    let mut plan = Plan::new();
    lb.record(g, &mut plan, &xt, &gt, &losses, 2);
    let mut xc = x0.clone();
    for step in 0..steps {
        // GPU: evaluate at its own iterate
        let xg = xt.read(g).unwrap();
        let (f, grad) = q.eval(&xg);
        let f = tamper(step, f);
        gt.write(g, &grad).unwrap();
        // the loss arrives split over two slots, as the style losses do
        losses.write(g, &[(f * 0.25) as f32, (f * 0.75) as f32]).unwrap();
        plan.run(g).unwrap();
        // CPU: the same on its iterate
        let (fc, mut gc) = q.eval(&xc);
        let fc = tamper(step, fc);
        let split = ((fc * 0.25) as f32 + (fc * 0.75) as f32) as f64;
        cpu.step(&mut xc, &mut gc, split);
        let xg = xt.read(g).unwrap();
        let e = rel_err(&xg, &xc);
        assert!(e < TOL, "{seed}: step {step}: GPU and CPU iterates differ by {e:.2e}");
    }
    let status = lb.status(g).unwrap();
    (xt.read(g).unwrap(), xc, cpu, status)
}

#[test]
fn lbfgs_matches_its_cpu_twin_on_a_quadratic() {
    let cases =
        [(105usize, 35usize, 3usize, 0.0f32), (3 * 33 * 31, 33 * 31, 10, 0.0), (1, 1, 4, 0.0), (105, 35, 3, 0.7)];
    for &(n, plane, history, first_step) in &cases {
        let cfg = LbfgsConfig { lr: 1.0, history, project: None, worse: 2.0, first_step, ..Default::default() };
        let (x, _, cpu, status) = run_both(n, plane, cfg, 16, &format!("lbfgs_quadratic_{n}"), |_, f| f);
        assert_eq!(status.pairs, cpu.pairs(), "history length");
        assert!(status.pairs <= history);
        assert!(x.iter().all(|v| v.is_finite()));
    }
}

/// A cold start's first step moves the elements by `first_step` on average, a warm start's by
/// `warm_first_step`; either at 0 is torch's min(1, 1/|g|_1) * lr.
#[test]
fn lbfgs_first_step_cold_and_warm() {
    let g = gpu();
    let (plane, n) = (17 * 13, 3 * 17 * 13);
    let mut rng = Rng::new("lbfgs_first_step");
    // a small start, so that f32 rounding of x0 + step does not hide the vanishing torch step
    let (x0, grad) = (rng.vec(n, 1e-3), rng.vec(n, 3.0));
    let gabs: f64 = grad.iter().map(|v| v.abs() as f64).sum();
    let mean_step = |lb: &Lbfgs| {
        let (xt, gt) = (upload(&[n], &x0), upload(&[n], &grad));
        let losses = upload(&[1], &[7.0]);
        let mut plan = Plan::new();
        lb.record(g, &mut plan, &xt, &gt, &losses, 1);
        plan.run(g).unwrap();
        let x1 = xt.read(g).unwrap();
        x1.iter().zip(&x0).map(|(a, b)| (a - b).abs() as f64).sum::<f64>() / n as f64
    };
    let cfg = LbfgsConfig { first_step: 2.5, warm_first_step: 0.375, history: 5, ..Default::default() };
    let lb = Lbfgs::new(g, n, plane, cfg).unwrap();
    let cold = mean_step(&lb);
    assert!((cold - 2.5).abs() < 2.5e-5, "cold start: mean |step| {cold}, configured 2.5");
    lb.reset_warm(g).unwrap();
    let warm = mean_step(&lb);
    assert!((warm - 0.375).abs() < 0.375e-5, "warm start: mean |step| {warm}, configured 0.375");
    lb.reset(g).unwrap();
    let again = mean_step(&lb);
    assert!((again - 2.5).abs() < 2.5e-5, "cold start after a warm one: mean |step| {again}, configured 2.5");
    let torch = gabs / n as f64 * (1.0 / gabs).min(1.0);
    let lb = Lbfgs::new(g, n, plane, LbfgsConfig { history: 5, ..Default::default() }).unwrap();
    let zero = mean_step(&lb);
    assert!((zero - torch).abs() <= 1e-4 * torch, "first_step 0: mean |step| {zero}, torch's rule {torch}");
    lb.reset_warm(g).unwrap();
    let zero_warm = mean_step(&lb);
    assert!((zero_warm - torch).abs() <= 1e-4 * torch, "warm_first_step 0: mean |step| {zero_warm}, torch's {torch}");
}

#[test]
fn lbfgs_converges_on_the_quadratic() {
    let g = gpu();
    let n = 300;
    let mut rng = Rng::new("lbfgs_converges");
    let q = Quadratic { a: (0..n).map(|_| 1.0 + 50.0 * rng.uniform().abs()).collect(), c: rng.vec(n, 20.0) };
    let lb = Lbfgs::new(g, n, n, LbfgsConfig { history: 10, ..Default::default() }).unwrap();
    let (xt, gt) = (upload(&[n], &vec![0.0; n]), Tensor::zeros(g, &[n], "g").unwrap());
    let losses = Tensor::zeros(g, &[1], "losses").unwrap();
    let mut plan = Plan::new();
    lb.record(g, &mut plan, &xt, &gt, &losses, 1);
    let norm = |g: &[f32]| g.iter().map(|v| (*v as f64).powi(2)).sum::<f64>().sqrt();
    let g0 = norm(&q.eval(&vec![0.0; n]).1);
    for _ in 0..60 {
        let (fv, grad) = q.eval(&xt.read(g).unwrap());
        gt.write(g, &grad).unwrap();
        losses.write(g, &[fv as f32]).unwrap();
        plan.run(g).unwrap();
    }
    let g60 = norm(&q.eval(&xt.read(g).unwrap()).1);
    // the minimum is not at zero loss (the coupling term), so convergence is a vanishing gradient
    assert!(g60 < 1e-4 * g0, "60 L-BFGS steps took the gradient norm from {g0:.3e} to only {g60:.3e}");
}

#[test]
fn lbfgs_with_projection_matches_its_twin() {
    let lo = [-3.0, -1.0, -2.0];
    let hi = [2.0, 4.0, 1.5];
    let cfg =
        LbfgsConfig { lr: 1.0, history: 5, project: Some((lo, hi)), worse: 2.0, first_step: 0.0, ..Default::default() };
    let plane = 7 * 5;
    let (x, _, _, _) = run_both(3 * plane, plane, cfg, 12, "lbfgs_projected", |_, f| f);
    for (i, v) in x.iter().enumerate() {
        let c = i / plane;
        assert!(*v >= lo[c] && *v <= hi[c], "pixel {i} = {v} outside [{}, {}]", lo[c], hi[c]);
    }
}

#[test]
fn lbfgs_recovers_from_non_finite_and_much_worse_losses() {
    let cfg = LbfgsConfig { lr: 1.0, history: 4, project: None, worse: 2.0, first_step: 0.0, ..Default::default() };
    // step 5: NaN; step 6: the retry is fine; step 9: +inf; step 12: 100x worse than it is
    let tamper = |step: usize, f: f64| match step {
        5 => f64::NAN,
        9 => f64::INFINITY,
        12 => f * 100.0 + 1e6,
        _ => f,
    };
    let (x, _, cpu, status) = run_both(3 * 11 * 9, 99, cfg, 18, "lbfgs_recovery", tamper);
    assert!(x.iter().all(|v| v.is_finite()), "the image became non-finite");
    assert_eq!((status.rejected, cpu.rejected), (3, 3), "rejections (GPU, CPU)");
    assert_eq!(status.resets, cpu.resets, "history resets");
    assert!(status.accepted && status.rejects == 0, "{status:?}");
    // four rejections in a row clear the history; the run still converges afterwards
    let tamper = |step: usize, f: f64| if (6..10).contains(&step) { f64::NAN } else { f };
    let (x, _, cpu, status) = run_both(50, 50, cfg, 16, "lbfgs_recovery_clear", tamper);
    assert!(x.iter().all(|v| v.is_finite()));
    assert_eq!(status.rejected, 4);
    assert!(status.resets >= 1 && status.resets == cpu.resets, "{status:?} vs CPU resets {}", cpu.resets);
}

/// The result is the accepted point of lowest loss, not the last one: without a line search a
/// step may be accepted while worse (here made 1.5x worse on purpose, under the 2x rejection).
#[test]
fn lbfgs_keeps_its_best_point() {
    let g = gpu();
    let n = 3 * 7 * 5;
    let mut rng = Rng::new("lbfgs_best");
    let q = Quadratic { a: (0..n).map(|_| 1.0 + 50.0 * rng.uniform().abs()).collect(), c: rng.vec(n, 20.0) };
    let lb = Lbfgs::new(g, n, 35, LbfgsConfig { history: 5, ..Default::default() }).unwrap();
    let (xt, gt) = (upload(&[n], &rng.vec(n, 5.0)), Tensor::zeros(g, &[n], "g").unwrap());
    let losses = Tensor::zeros(g, &[2], "losses").unwrap();
    let mut plan = Plan::new();
    lb.record(g, &mut plan, &xt, &gt, &losses, 2);
    assert!(lb.best_losses(g, 2).unwrap().is_none(), "no point evaluated yet");
    let mut best: Option<(f32, Vec<f32>, [f32; 2])> = None;
    for step in 0..12 {
        let x = xt.read(g).unwrap();
        let (f, grad) = q.eval(&x);
        // from step 6 on every point claims 1.5x the loss of the previous claim: accepted, worse
        let f = if step >= 6 { best.as_ref().unwrap().0 as f64 * 1.5f64.powi(step - 5) } else { f };
        let slots = [(f * 0.25) as f32, (f * 0.75) as f32];
        gt.write(g, &grad).unwrap();
        losses.write(g, &slots).unwrap();
        plan.run(g).unwrap();
        let st = lb.status(g).unwrap();
        assert!(st.accepted, "step {step}: {st:?}");
        let total = slots[0] + slots[1];
        if best.as_ref().is_none_or(|b| total < b.0) {
            best = Some((total, x, slots));
        }
    }
    let (_, x, slots) = best.unwrap();
    assert_eq!(lb.best_point().read(g).unwrap(), x, "the best point");
    assert_eq!(lb.best_losses(g, 2).unwrap().unwrap(), slots, "the best point's losses");
    assert_ne!(lb.last_point().read(g).unwrap(), x, "the test needs a last point other than the best");
    // a reset forgets it
    lb.reset(g).unwrap();
    assert!(lb.best_losses(g, 2).unwrap().is_none());
}
