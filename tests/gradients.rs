//! The backward references checked against central finite differences of the forward
//! references on tiny inputs: L = sum(r * f(x)) for a fixed random r, dL/dx by the backward.
mod common;

use common::Rng;
use paintflow::ops::{conv, gram, loss, pool, video};

/// Central differences of `f` at `x`, in f64 from f32 evaluations.
fn numeric_grad(x: &[f32], eps: f32, f: impl Fn(&[f32]) -> f64) -> Vec<f64> {
    (0..x.len())
        .map(|i| {
            let mut p = x.to_vec();
            p[i] += eps;
            let up = f(&p);
            p[i] -= 2.0 * eps;
            let down = f(&p);
            (up - down) / (2.0 * eps as f64)
        })
        .collect()
}

fn dot(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(&x, &y)| x as f64 * y as f64).sum()
}

#[track_caller]
fn check(what: &str, analytic: &[f32], numeric: &[f64], tol: f64) {
    let num: f64 = analytic.iter().zip(numeric).map(|(&a, &n)| (a as f64 - n).powi(2)).sum();
    let den: f64 = numeric.iter().map(|n| n * n).sum();
    let e = (num / den.max(1e-30)).sqrt();
    assert!(den > 0.0, "{what}: numeric gradient is zero, the check would prove nothing");
    assert!(e < tol, "{what}: analytic vs finite-difference relative error {e:.2e}");
}

#[test]
fn conv_input_gradient_matches_finite_differences() {
    let mut rng = Rng::new("fd_conv");
    let (cin, cout, h, w) = (3, 4, 5, 4);
    let x = rng.vec(cin * h * w, 1.0);
    let wt = rng.vec(cout * cin * 9, 0.5);
    let b = rng.vec(cout, 0.1);
    let r = rng.vec(cout * h * w, 1.0);
    let analytic = conv::backward_input_cpu(&r, cout, h, w, &wt, cin);
    let numeric = numeric_grad(&x, 1e-2, |x| dot(&conv::forward_cpu(x, cin, h, w, &wt, &b, cout, false), &r));
    check("conv", &analytic, &numeric, 1e-3);
}

#[test]
fn pooling_gradients_match_finite_differences() {
    let mut rng = Rng::new("fd_pool");
    let (c, h, w) = (2, 5, 7);
    // Distinct values at least 0.05 apart, so a 1e-3 step never changes a window's maximum.
    let mut order: Vec<usize> = (0..c * h * w).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let x: Vec<f32> = order.iter().map(|&k| k as f32 * 0.05).collect();
    let r = rng.vec(c * (h / 2) * (w / 2), 1.0);
    for kind in [pool::Pool::Max, pool::Pool::Avg] {
        let analytic = pool::backward_cpu(kind, &x, &r, c, h, w);
        let numeric = numeric_grad(&x, 1e-3, |x| dot(&pool::forward_cpu(kind, x, c, h, w), &r));
        check(&format!("{kind:?} pool"), &analytic, &numeric, 1e-3);
    }
}

#[test]
fn gram_gradient_matches_finite_differences() {
    let mut rng = Rng::new("fd_gram");
    let (c, np) = (5, 7);
    let f = rng.vec(c * np, 1.0);
    let r = rng.vec(c * c, 1.0);
    let analytic = gram::backward_cpu(&f, &r, c, np);
    let numeric = numeric_grad(&f, 1e-2, |f| dot(&gram::forward_cpu(f, c, np), &r));
    check("gram", &analytic, &numeric, 1e-3);
}

#[test]
fn mse_and_tv_gradients_match_finite_differences() {
    let mut rng = Rng::new("fd_losses");
    let (c, h, w) = (2, 4, 5);
    let a = rng.vec(c * h * w, 1.0);
    let b = rng.vec(c * h * w, 1.0);
    let (_, g) = loss::mse_cpu(2.5, &a, &b);
    let numeric = numeric_grad(&a, 1e-2, |a| loss::mse_cpu(2.5, a, &b).0);
    check("mse", &g, &numeric, 1e-3);
    let (_, g) = loss::tv_cpu(0.8, &a, c, h, w);
    let numeric = numeric_grad(&a, 1e-2, |a| loss::tv_cpu(0.8, a, c, h, w).0);
    check("tv", &g, &numeric, 1e-3);
}

#[test]
fn temporal_loss_gradient_matches_finite_differences() {
    let mut rng = Rng::new("fd_temporal");
    let n = 6;
    let image = rng.vec(3 * n, 1.0);
    let warped = rng.vec(3 * n, 1.0);
    let mask: Vec<f32> = (0..n).map(|i| [0.0, 1.0, 0.4][i % 3]).collect();
    let (_, g) = video::temporal_cpu(1.7, &image, &warped, &mask);
    let numeric = numeric_grad(&image, 1e-2, |x| video::temporal_cpu(1.7, x, &warped, &mask).0);
    check("temporal", &g, &numeric, 1e-3);
}

/// The adjoint identities <pad(x), r> = <x, fold(r)> and <crop(p), r> = <p, embed(r)>, and the
/// padded convolution (pad -> conv -> crop) against finite differences through its backward
/// (embed -> transposed conv -> fold).
#[test]
fn padded_convolution_gradient_matches_finite_differences() {
    use paintflow::ops::pad::{self, Padding};
    let mut rng = Rng::new("fd_padding");
    for mode in [Padding::Replicate, Padding::Reflect] {
        for &(c, h, w) in &[(2usize, 4usize, 5usize), (1, 1, 3), (3, 2, 1)] {
            let x = rng.vec(c * h * w, 1.0);
            let r = rng.vec(c * (h + 2) * (w + 2), 1.0);
            let lhs = dot(&pad::pad_cpu(mode, &x, c, h, w), &r);
            let rhs = dot(&x, &pad::fold_cpu(mode, &r, c, h, w));
            assert!((lhs - rhs).abs() < 1e-4 * lhs.abs().max(1.0), "{mode:?} fold is not pad's transpose");
            let p = rng.vec(c * (h + 2) * (w + 2), 1.0);
            let q = rng.vec(c * h * w, 1.0);
            let lhs = dot(&pad::crop_cpu(&p, c, h, w), &q);
            let rhs = dot(&p, &pad::embed_cpu(&q, c, h, w));
            assert!((lhs - rhs).abs() < 1e-4 * lhs.abs().max(1.0), "embed is not crop's transpose");
        }
        let (cin, cout, h, w) = (3, 4, 4, 5);
        let (ph, pw) = (h + 2, w + 2);
        let wt = rng.vec(cout * cin * 9, 0.5);
        let b = rng.vec(cout, 0.1);
        let x = rng.vec(cin * h * w, 1.0);
        let r = rng.vec(cout * h * w, 1.0);
        let forward = |x: &[f32]| {
            let full = conv::forward_cpu(&pad::pad_cpu(mode, x, cin, h, w), cin, ph, pw, &wt, &b, cout, false);
            pad::crop_cpu(&full, cout, h, w)
        };
        let g_full = conv::backward_input_cpu(&pad::embed_cpu(&r, cout, h, w), cout, ph, pw, &wt, cin);
        let analytic = pad::fold_cpu(mode, &g_full, cin, h, w);
        let numeric = numeric_grad(&x, 1e-2, |x| dot(&forward(x), &r));
        check(&format!("{mode:?} padded conv"), &analytic, &numeric, 1e-3);
    }
}
