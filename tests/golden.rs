//! The whole Gatys chain against tensors from an independent float32 implementation
//! (tests/data/gatys_vgg19_128x96.safetensors, see tests/data/README.md): activations, Gram
//! matrices, losses, the image gradient and one Adam step.
mod common;

use common::{gpu, rel_err};
use paintflow::ops::adam::AdamConfig;
use paintflow::ops::pool::Pool;
use paintflow::ops::IMAGENET_MEAN;
use paintflow::style::{style_grams_planar, LossConfig, Optimizer};
use paintflow::vgg::{default_weights_path, layer_index, Vgg, VggWeights, LAYERS};
use paintflow::weights::TensorFile;

fn golden() -> TensorFile {
    TensorFile::open(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/gatys_vgg19_128x96.safetensors"),
    )
    .unwrap()
}

fn minus_mean(x: &[f32]) -> Vec<f32> {
    let n = x.len() / 3;
    x.iter().enumerate().map(|(i, v)| v - IMAGENET_MEAN[i / n]).collect()
}

#[test]
fn gatys_chain_matches_the_reference_implementation() {
    let g = gpu();
    let gold = golden();
    let get = |name: &str| gold.get(name, None).unwrap().1;
    let (h, w) = (96, 128);
    let weights = VggWeights::load(&default_weights_path().unwrap(), LAYERS.len()).unwrap();
    let vgg = Vgg::new(g, &weights, Pool::Max).unwrap();
    let cfg = LossConfig::default();
    let adam = AdamConfig { lr: 1.0, beta1: 0.9, beta2: 0.999, eps: 1e-8, clamp: None };
    let opt = Optimizer::new(g, &vgg, cfg.clone(), adam, h, w).unwrap();

    opt.set_planar(g, &minus_mean(&get("content"))).unwrap();
    opt.content_from_current(g).unwrap();
    let grams = style_grams_planar(g, &vgg, &cfg, &minus_mean(&get("style")), h, w).unwrap();
    opt.set_style_grams(g, &grams).unwrap();

    let names = ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"];
    for (k, name) in names.iter().enumerate() {
        let e = rel_err(&grams[k], &get(&format!("target_gram.{name}")));
        assert!(e < 1e-4, "target_gram.{name}: relative error {e:.2e}");
    }
    let e = rel_err(&opt.content_targets()[0].read(g).unwrap(), &get("target_content.relu4_2"));
    assert!(e < 1e-4, "target_content.relu4_2: relative error {e:.2e}");

    opt.set_planar(g, &minus_mean(&get("x0"))).unwrap();
    opt.step(g);
    let losses = opt.check_losses(g).unwrap();

    for name in names.iter().chain(&["relu4_2"]) {
        let got = opt.pass.acts[layer_index(name).unwrap()].read(g).unwrap();
        let e = rel_err(&got, &get(&format!("act.{name}")));
        eprintln!("act.{name}: {e:.2e}");
        assert!(e < 1e-4, "act.{name}: relative error {e:.2e}");
    }
    for (k, name) in names.iter().enumerate() {
        let e = rel_err(&opt.grams()[k].read(g).unwrap(), &get(&format!("gram.{name}")));
        eprintln!("gram.{name}: {e:.2e}");
        assert!(e < 1e-4, "gram.{name}: relative error {e:.2e}");
    }
    for (got, name) in [(losses.content, "loss.content"), (losses.style, "loss.style"), (losses.total, "loss.total")] {
        let want = get(name)[0];
        let e = ((got - want) / want).abs();
        eprintln!("{name}: {got} vs {want} ({e:.2e})");
        assert!(e < 1e-4, "{name}: {got} vs reference {want} (relative error {e:.2e})");
    }
    let e = rel_err(&opt.pass.input_grad.read(g).unwrap(), &get("grad_x0"));
    eprintln!("grad_x0: {e:.2e}");
    assert!(e < 1e-3, "grad_x0: relative error {e:.2e}");
    let x1 = opt.planar(g).unwrap();
    let e = rel_err(&x1, &minus_mean(&get("x1_adam")));
    eprintln!("x1_adam (network space): {e:.2e}");
    let x1_img: Vec<f32> = x1.iter().enumerate().map(|(i, v)| v + IMAGENET_MEAN[i / (h * w)]).collect();
    let e = rel_err(&x1_img, &get("x1_adam"));
    eprintln!("x1_adam: {e:.2e}");
    assert!(e < 1e-5, "x1_adam: relative error {e:.2e}");
    // The Adam step must have moved every pixel by about lr (first step: |dx| ~ lr).
    let x0 = get("x0");
    let moved = x1_img.iter().zip(&x0).filter(|(a, b)| (*a - *b).abs() > 0.5).count();
    assert!(moved > x0.len() * 9 / 10, "the Adam step moved only {moved} of {} values", x0.len());
}

/// L-BFGS on the golden chain: after each of the first iterations the GPU's next image equals
/// the plain-Rust twin's step from the same point, gradient and loss (relative 1e-4: the twin
/// works in f64, the GPU's dot products in f32).
#[test]
fn lbfgs_steps_on_the_golden_chain_match_the_cpu_twin() {
    use paintflow::ops::lbfgs::{LbfgsConfig, LbfgsCpu};
    let g = gpu();
    let gold = golden();
    let get = |name: &str| gold.get(name, None).unwrap().1;
    let (h, w) = (96, 128);
    let weights = VggWeights::load(&default_weights_path().unwrap(), LAYERS.len()).unwrap();
    let vgg = Vgg::new(g, &weights, Pool::Max).unwrap();
    let cfg = LossConfig::default();
    let lb = LbfgsConfig { history: 3, ..Default::default() };
    let opt = Optimizer::new(g, &vgg, cfg.clone(), lb, h, w).unwrap();
    opt.set_planar(g, &minus_mean(&get("content"))).unwrap();
    opt.content_from_current(g).unwrap();
    opt.set_style_grams(g, &style_grams_planar(g, &vgg, &cfg, &minus_mean(&get("style")), h, w).unwrap()).unwrap();
    opt.set_planar(g, &minus_mean(&get("x0"))).unwrap();
    let mut twin = LbfgsCpu::new(3 * h * w, h * w, lb, opt.lbfgs_history().unwrap());
    let mut first_loss = 0.0;
    for k in 0..5 {
        let x = opt.input().read(g).unwrap();
        let losses = opt.iterate(g, true).unwrap().unwrap();
        assert!(!losses.rejected, "iteration {k} was rejected: {losses:?}");
        let gr = opt.pass.input_grad.read(g).unwrap();
        let next = opt.input().read(g).unwrap();
        let (mut xc, mut gc) = (x.clone(), gr.clone());
        twin.step(&mut xc, &mut gc, losses.total as f64);
        let e = rel_err(&next, &xc);
        eprintln!("L-BFGS step {k}: loss {:.4e}, GPU vs twin {e:.2e}", losses.total);
        assert!(e < 1e-4, "L-BFGS step {k}: GPU and twin differ by {e:.2e}");
        if k == 0 {
            first_loss = losses.total;
        }
        if k == 4 {
            assert!(losses.total < 0.5 * first_loss, "5 L-BFGS steps: loss {first_loss:.3e} -> {:.3e}", losses.total);
        }
    }
}
