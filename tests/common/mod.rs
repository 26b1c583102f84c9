//! Test helpers: one shared GPU device, a seeded random generator (fresh seed per run, printed,
//! or fixed with PAINTFLOW_TEST_SEED), and relative-error checks.
#![allow(dead_code)]
use std::sync::OnceLock;

use paintflow::gpu::{Gpu, Tensor};

pub fn gpu() -> &'static Gpu {
    static GPU: OnceLock<Gpu> = OnceLock::new();
    GPU.get_or_init(|| {
        // kernel choices measured by the tests stay with the build, out of the user's cache
        if std::env::var_os("PAINTFLOW_CACHE_DIR").is_none() {
            std::env::set_var("PAINTFLOW_CACHE_DIR", concat!(env!("CARGO_TARGET_TMPDIR"), "/autotune"));
        }
        let g = Gpu::new(None)
            .expect("these tests need a GPU adapter (on CPU-only machines: apt-get install mesa-vulkan-drivers)");
        eprintln!("testing on {} ({:?})", g.info.name, g.info.backend);
        g
    })
}

/// The library's seeded generator, with a fresh seed per run (printed) unless
/// PAINTFLOW_TEST_SEED is set.
pub struct Rng(paintflow::rng::Rng);

impl Rng {
    pub fn new(test: &str) -> Rng {
        let seed = std::env::var("PAINTFLOW_TEST_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
        });
        eprintln!("{test}: PAINTFLOW_TEST_SEED={seed}");
        let mixed = seed ^ test.bytes().fold(0xcbf29ce484222325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100000001b3));
        Rng(paintflow::rng::Rng::new(mixed))
    }

    /// Uniform in [-1, 1).
    pub fn uniform(&mut self) -> f32 {
        self.0.unit() * 2.0 - 1.0
    }

    pub fn vec(&mut self, n: usize, scale: f32) -> Vec<f32> {
        (0..n).map(|_| self.uniform() * scale).collect()
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.0.next_u64() % n as u64) as usize
    }
}

/// ||a - b|| / ||b|| (0 when both are zero), NaN-propagating.
pub fn rel_err(a: &[f32], b: &[f32]) -> f64 {
    assert_eq!(a.len(), b.len(), "length mismatch");
    let num: f64 = a.iter().zip(b).map(|(&x, &y)| (x as f64 - y as f64).powi(2)).sum();
    let den: f64 = b.iter().map(|&y| (y as f64).powi(2)).sum();
    if den == 0.0 {
        num.sqrt()
    } else {
        (num / den).sqrt()
    }
}

#[track_caller]
pub fn assert_close(what: &str, gpu: &[f32], cpu: &[f32], tol: f64) {
    assert!(gpu.iter().all(|v| v.is_finite()), "{what}: GPU output has NaN/Inf (an element was not written?)");
    let e = rel_err(gpu, cpu);
    assert!(e < tol, "{what}: relative error {e:.3e} >= {tol:.0e}");
}

/// [`assert_close`] with the error measured against `scale`, the same computation on the inputs'
/// absolute values (a bound on the sum of |terms| of each output): a float32 sum keeps an error of
/// about eps times that bound, so an output that nearly cancels (a 1x1 image, one channel) would
/// fail a plain relative check by chance on a correct kernel.
pub fn assert_close_scaled(what: &str, gpu: &[f32], cpu: &[f32], scale: &[f32], tol: f64) {
    assert!(gpu.iter().all(|v| v.is_finite()), "{what}: GPU output has NaN/Inf (an element was not written?)");
    assert_eq!(cpu.len(), scale.len(), "{what}: scale length");
    let num: f64 = gpu.iter().zip(cpu).map(|(&x, &y)| (x as f64 - y as f64).powi(2)).sum();
    let den: f64 = scale.iter().map(|&y| (y as f64).powi(2)).sum();
    let e = if den == 0.0 { num.sqrt() } else { (num / den).sqrt() };
    assert!(e < tol, "{what}: error {e:.3e} relative to the sum of |terms| >= {tol:.0e}");
}

/// A tensor filled with NaN, so an element the kernel fails to write shows up.
pub fn poisoned(shape: &[usize]) -> Tensor {
    let t = Tensor::zeros(gpu(), shape, "poisoned output").unwrap();
    t.poison(gpu()).unwrap();
    t
}

pub fn upload(shape: &[usize], data: &[f32]) -> Tensor {
    Tensor::from_slice(gpu(), shape, data, "test input").unwrap()
}
