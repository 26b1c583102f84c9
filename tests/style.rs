//! Image style transfer end to end on a tiny image: the style loss falls, the content stays.
mod common;

use common::{gpu, rel_err};
use paintflow::ops::pool::Pool;
use paintflow::style::{self, Event, ImageJob};
use paintflow::vgg::{default_weights_path, Vgg, VggWeights, LAYERS};

fn gray(img: &paintflow::imageio::Rgb) -> Vec<f64> {
    img.pixels().map(|p| 0.299 * p[0] as f64 + 0.587 * p[1] as f64 + 0.114 * p[2] as f64).collect()
}

fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

#[test]
fn style_loss_falls_and_content_structure_stays() {
    let g = gpu();
    let w = VggWeights::load(&default_weights_path().unwrap(), LAYERS.len()).unwrap();
    let vgg = Vgg::new(g, &w, Pool::Max).unwrap();
    let content = paintflow::imageio::decode("content", paintflow::imageio::EXAMPLE_CONTENT.1).unwrap();
    let style_img = paintflow::imageio::decode("style", paintflow::imageio::EXAMPLE_STYLE.1).unwrap();
    let job = ImageJob { size: 48, iters: 24, log_every: 1, ..Default::default() };
    let mut styles = Vec::new();
    let out = style::stylize(
        g,
        &vgg,
        &job,
        &content,
        &[(style_img, 1.0)],
        |e| {
            if let Event::Losses(_, l) = e {
                styles.push(l.style);
            }
        },
        |_, _| Ok(()),
    )
    .unwrap()
    .to_rgb8();
    let (first, last) = (styles[0], *styles.last().unwrap());
    eprintln!("style loss {first} -> {last}");
    assert!(last < first / 4.0, "style loss fell only from {first} to {last}");
    let c = paintflow::imageio::fit(&content, 48);
    let r = correlation(&gray(&out), &gray(&c));
    eprintln!("content correlation {r}");
    assert!(r > 0.5, "the output lost the content's structure (correlation {r})");
    assert_ne!(out.as_raw(), c.as_raw());
}

#[test]
fn non_finite_loss_stops_and_restores_the_last_good_image() {
    use paintflow::ops::adam::AdamConfig;
    let g = gpu();
    let w = VggWeights::load(&default_weights_path().unwrap(), LAYERS.len()).unwrap();
    let vgg = Vgg::new(g, &w, Pool::Max).unwrap();
    let cfg = style::LossConfig::default();
    let opt = style::Optimizer::new(g, &vgg, cfg, AdamConfig::default(), 16, 16).unwrap();
    let img = paintflow::imageio::Rgb::from_fn(16, 16, |x, y| image::Rgb([(x * 16) as u8, (y * 16) as u8, 100]));
    opt.set_content(g, &img).unwrap();
    opt.set_image(g, &img).unwrap();
    opt.step(g);
    opt.check_losses(g).unwrap();
    let good = opt.planar(g).unwrap();
    let mut bad = good.clone();
    bad[5] = f32::NAN;
    opt.set_planar(g, &bad).unwrap();
    opt.step(g);
    let e = opt.check_losses(g).unwrap_err().to_string();
    assert!(e.contains("--lr") && e.contains("NaN"), "{e}");
    assert_eq!(opt.planar(g).unwrap(), good, "the last good image must be restored");
}

#[test]
fn iterate_averaging_is_the_bias_corrected_moving_average_of_the_iterates() {
    use paintflow::ops::adam::AdamConfig;
    let g = gpu();
    let w = VggWeights::load(&default_weights_path().unwrap(), LAYERS.len()).unwrap();
    let vgg = Vgg::new(g, &w, Pool::Max).unwrap();
    let mut opt = style::Optimizer::new(
        g,
        &vgg,
        style::LossConfig::default(),
        AdamConfig { lr: 3.0, ..Default::default() },
        16,
        24,
    )
    .unwrap();
    let img = paintflow::imageio::Rgb::from_fn(24, 16, |x, y| image::Rgb([(x * 10) as u8, (y * 16) as u8, 100]));
    opt.set_content(g, &img).unwrap();
    opt.set_style_grams(g, &style::style_grams(g, &vgg, &opt.cfg, &img).unwrap()).unwrap();
    opt.set_image(g, &paintflow::style::noise_image(24, 16, 3)).unwrap();
    let decay = 0.8f64;
    opt.enable_ema(g, decay as f32).unwrap();
    assert!(opt.enable_ema(g, 1.0).is_err(), "a decay of 1 never moves");
    let mut acc = vec![0.0f64; 3 * 16 * 24];
    for t in 1..=6 {
        opt.iterate(g, false).unwrap();
        let x = opt.input().read(g).unwrap();
        for (a, v) in acc.iter_mut().zip(&x) {
            *a = decay * *a + (1.0 - decay) * *v as f64;
        }
        let want: Vec<f32> = acc.iter().map(|a| (a / (1.0 - decay.powi(t))) as f32).collect();
        let e = rel_err(&opt.planar(g).unwrap(), &want);
        assert!(e < 1e-5, "iteration {t}: averaged result off by {e:.2e}");
    }
    // averaging lags behind the last iterate
    assert!(rel_err(&opt.planar(g).unwrap(), &opt.input().read(g).unwrap()) > 1e-4);
    opt.reset_optimizer(g, false).unwrap();
    assert_eq!(opt.planar(g).unwrap(), opt.input().read(g).unwrap(), "after a reset the result is the image itself");
}

/// The first layer with replicate/reflect padding, through the whole optimiser: its activation
/// and the image gradient of a content loss on relu1_1 against the CPU composition
/// pad -> conv -> crop and embed -> transposed conv -> fold.
#[test]
fn padded_first_layer_matches_cpu() {
    use paintflow::ops::adam::AdamConfig;
    use paintflow::ops::conv;
    use paintflow::ops::pad::{self, Padding};
    let g = gpu();
    let weights = VggWeights::load(&default_weights_path().unwrap(), 1).unwrap();
    let (h, w) = (9, 14);
    for mode in [Padding::Replicate, Padding::Reflect] {
        let mut vgg = Vgg::new(g, &weights, Pool::Max).unwrap();
        vgg.padding = mode;
        let cfg = style::LossConfig { content_layers: vec![0], style_layers: vec![], ..Default::default() };
        let opt = style::Optimizer::new(g, &vgg, cfg, AdamConfig::default(), h, w).unwrap();
        let content = paintflow::imageio::Rgb::from_fn(w as u32, h as u32, |x, y| {
            image::Rgb([(x * 17) as u8, (y * 25) as u8, 90])
        });
        let start = paintflow::style::noise_image(w as u32, h as u32, 5);
        opt.set_content(g, &content).unwrap();
        opt.set_image(g, &start).unwrap();
        opt.step(g);
        g.wait().unwrap();
        let (wt, b) = &weights.layers[0];
        let layer = |img: &paintflow::imageio::Rgb| {
            let x = style::to_planar(img);
            let full = conv::forward_cpu(&pad::pad_cpu(mode, &x, 3, h, w), 3, h + 2, w + 2, wt, b, 64, true);
            (x, pad::crop_cpu(&full, 64, h, w))
        };
        let (_, target) = layer(&content);
        let (_, act) = layer(&start);
        let e = rel_err(&opt.pass.acts[0].read(g).unwrap(), &act);
        assert!(e < 1e-4, "{mode:?}: relu1_1 off by {e:.2e}");
        let n = act.len() as f32;
        let d: Vec<f32> =
            act.iter().zip(&target).map(|(a, t)| if *a > 0.0 { 2.0 * 5.0 / n * (a - t) } else { 0.0 }).collect();
        let g_full = conv::backward_input_cpu(&pad::embed_cpu(&d, 64, h, w), 64, h + 2, w + 2, wt, 3);
        let want = pad::fold_cpu(mode, &g_full, 3, h, w);
        let e = rel_err(&opt.pass.input_grad.read(g).unwrap(), &want);
        assert!(e < 1e-4, "{mode:?}: image gradient off by {e:.2e}");
    }
}
