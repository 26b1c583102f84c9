//! Every kernel against its CPU reference on fresh random inputs of awkward shapes, outputs
//! poisoned with NaN first. Tolerances: 1e-5 elementwise, 1e-4 for reductions and convolutions.
mod common;

use common::*;
use paintflow::gpu::{Plan, Tensor};
use paintflow::ops::{adam, calibration, conv, elementwise, gram, image, loss, pool, reduce, video};

const ELEMENTWISE_TOL: f64 = 1e-5;
const REDUCTION_TOL: f64 = 1e-4;

/// (cin, cout, h, w): odd sizes, 1-pixel edges, channel counts that are not multiples of the
/// 4x4 register tile, and 3 and 512 channels.
const CONV_SHAPES: &[(usize, usize, usize, usize)] = &[
    (3, 64, 9, 11),
    (1, 1, 1, 1),
    (5, 7, 1, 13),
    (6, 3, 11, 1),
    (13, 9, 17, 18),
    (512, 6, 5, 3),
    (3, 512, 3, 5),
    (64, 64, 12, 16),
    (35, 33, 13, 14),
];

/// The absolute values of `v` (the inputs of a convolution's |terms| bound).
fn abs(v: &[f32]) -> Vec<f32> {
    v.iter().map(|x| x.abs()).collect()
}

/// relu(x * scale + shift) per channel of planes of `plane` values, `scale_shift` holding
/// (scale, shift) per channel: a previous layer's norm and ReLU as a fused convolution applies them.
fn norm_relu(x: &[f32], scale_shift: &[f32], plane: usize) -> Vec<f32> {
    x.iter()
        .enumerate()
        .map(|(i, v)| (v * scale_shift[2 * (i / plane)] + scale_shift[2 * (i / plane) + 1]).max(0.0))
        .collect()
}

/// Random input [cin, pixels], OIHW weights and bias, and the weights packed for `variant`.
fn random_conv(
    rng: &mut Rng,
    variant: conv::ConvVariant,
    cin: usize,
    cout: usize,
    pixels: usize,
) -> (Vec<f32>, Vec<f32>, Vec<f32>, conv::ConvWeights) {
    let x = rng.vec(cin * pixels, 1.0);
    let wt = rng.vec(cout * cin * 9, 0.5);
    let b = rng.vec(cout, 0.5);
    let weights = conv::ConvWeights::with_variant(gpu(), variant, cout, cin, &wt, &b, "w").unwrap();
    (x, wt, b, weights)
}

#[test]
fn conv_forward_matches_cpu() {
    let g = gpu();
    let mut rng = Rng::new("conv_forward");
    for &(cin, cout, h, w) in CONV_SHAPES {
        for (variant, relu) in variants(g).into_iter().flat_map(|v| [(v, false), (v, true)]) {
            let (x, wt, b, weights) = random_conv(&mut rng, variant, cin, cout, h * w);
            let out = poisoned(&[cout, h, w]);
            let mut plan = Plan::new();
            conv::forward(g, &mut plan, &upload(&[cin, h, w], &x), &weights, &out, relu);
            plan.run(g).unwrap();
            let want = conv::forward_cpu(&x, cin, h, w, &wt, &b, cout, relu);
            let scale = conv::forward_cpu(&abs(&x), cin, h, w, &abs(&wt), &abs(&b), cout, false);
            assert_close_scaled(
                &format!("{variant:?} conv {cin}->{cout} {h}x{w} relu={relu}"),
                &out.read(g).unwrap(),
                &want,
                &scale,
                REDUCTION_TOL,
            );
        }
    }
}

#[test]
fn conv_backward_input_matches_cpu() {
    let g = gpu();
    let mut rng = Rng::new("conv_backward");
    for (&(cin, cout, h, w), variant) in CONV_SHAPES.iter().flat_map(|s| variants(g).into_iter().map(move |v| (s, v))) {
        let gout = rng.vec(cout * h * w, 1.0);
        let wt = rng.vec(cout * cin * 9, 0.5);
        let weights = conv::ConvWeights::with_variant(g, variant, cout, cin, &wt, &vec![0.0; cout], "w").unwrap();
        let gin = poisoned(&[cin, h, w]);
        let mut plan = Plan::new();
        conv::backward_input(g, &mut plan, &upload(&[cout, h, w], &gout), &weights, &gin);
        plan.run(g).unwrap();
        let want = conv::backward_input_cpu(&gout, cout, h, w, &wt, cin);
        let scale = conv::backward_input_cpu(&abs(&gout), cout, h, w, &abs(&wt), cin);
        assert_close_scaled(
            &format!("{variant:?} conv backward {cin}->{cout} {h}x{w}"),
            &gin.read(g).unwrap(),
            &want,
            &scale,
            REDUCTION_TOL,
        );
    }
}

/// Convolutions with replicate/reflect padding and the input gradient with the ReLU's backward
/// fused, per variant (Winograd reads the border itself and masks as it loads; the others pad,
/// crop, embed and fold) against the CPU composition: crop(conv(pad(x))) forward,
/// fold(conv_t(embed(mask(g)))) backward. Shapes include 1- and 2-pixel sides, where the two
/// ring rows fold onto one row.
#[test]
fn padded_conv_and_fused_relu_backward_match_cpu() {
    use paintflow::ops::pad::{self, Padding};
    let g = gpu();
    let mut rng = Rng::new("padded_conv");
    let shapes: &[(usize, usize, usize, usize)] = &[
        (3, 5, 7, 9),
        (8, 4, 1, 6),
        (5, 3, 6, 1),
        (16, 33, 2, 2),
        (35, 12, 13, 14),
        (1, 1, 1, 1),
        (64, 40, 9, 3),
        // rows a multiple of 4 wide (Winograd's 4-tile input transform): one tile across, tiles
        // across not a multiple of 4, whole quads
        (5, 7, 3, 4),
        (9, 6, 7, 20),
        (3, 4, 5, 16),
    ];
    for &(cin, cout, h, w) in shapes {
        for variant in variants(g) {
            for mode in [Padding::Zero, Padding::Replicate, Padding::Reflect] {
                let what = format!("{variant:?} {mode:?} {cin}->{cout} {h}x{w}");
                let (x, wt, b, weights) = random_conv(&mut rng, variant, cin, cout, h * w);
                let out = poisoned(&[cout, h, w]);
                let mut plan = Plan::new();
                conv::forward_padded(g, &mut plan, &upload(&[cin, h, w], &x), &weights, &out, true, mode);
                plan.run(g).unwrap();
                let forward = |x: &[f32], wt: &[f32], b: &[f32], relu: bool| {
                    if mode == Padding::Zero {
                        conv::forward_cpu(x, cin, h, w, wt, b, cout, relu)
                    } else {
                        let full =
                            conv::forward_cpu(&pad::pad_cpu(mode, x, cin, h, w), cin, h + 2, w + 2, wt, b, cout, relu);
                        pad::crop_cpu(&full, cout, h, w)
                    }
                };
                let want = forward(&x, &wt, &b, true);
                let scale = forward(&abs(&x), &abs(&wt), &abs(&b), false);
                assert_close_scaled(&format!("forward {what}"), &out.read(g).unwrap(), &want, &scale, REDUCTION_TOL);

                for masked in [false, true] {
                    let gout = rng.vec(cout * h * w, 1.0);
                    let act: Vec<f32> = rng.vec(cout * h * w, 1.0).iter().map(|v| v.max(0.0)).collect();
                    let act_t = upload(&[cout, h, w], &act);
                    let gin = poisoned(&[cin, h, w]);
                    let mut plan = Plan::new();
                    let mask = masked.then_some(&act_t);
                    conv::backward_input_padded(
                        g,
                        &mut plan,
                        &upload(&[cout, h, w], &gout),
                        mask,
                        &weights,
                        &gin,
                        mode,
                    );
                    plan.run(g).unwrap();
                    let gm: Vec<f32> =
                        gout.iter().zip(&act).map(|(&d, &a)| if masked && a <= 0.0 { 0.0 } else { d }).collect();
                    let backward = |gm: &[f32], wt: &[f32]| {
                        if mode == Padding::Zero {
                            conv::backward_input_cpu(gm, cout, h, w, wt, cin)
                        } else {
                            let full =
                                conv::backward_input_cpu(&pad::embed_cpu(gm, cout, h, w), cout, h + 2, w + 2, wt, cin);
                            pad::fold_cpu(mode, &full, cin, h, w)
                        }
                    };
                    let (want, scale) = (backward(&gm, &wt), backward(&abs(&gm), &abs(&wt)));
                    let what = format!("backward {what} masked={masked}");
                    assert_close_scaled(&what, &gin.read(g).unwrap(), &want, &scale, REDUCTION_TOL);
                }
            }
        }
    }
}

/// Every kernel variant the adapter can run is tested, whichever one it uses; the subgroup one
/// must be among them on lavapipe (Mesa 22.3 and 25 both have subgroups of 8 on AVX2 machines).
fn variants(g: &paintflow::gpu::Gpu) -> Vec<conv::ConvVariant> {
    let all = conv::ConvVariant::available(g);
    if g.is_cpu() && !all.contains(&conv::ConvVariant::UniformSubgroup) {
        eprintln!("note: {} has no subgroups of >= 8 lanes; conv3x3_ubo_sg not tested", g.info.name);
    }
    all
}

const POOL_SHAPES: &[(usize, usize, usize)] = &[(3, 9, 11), (1, 2, 2), (5, 1, 7), (7, 8, 1), (64, 17, 16), (512, 5, 4)];

#[test]
fn pooling_forward_and_backward_match_cpu() {
    let g = gpu();
    let mut rng = Rng::new("pooling");
    for &(c, h, w) in POOL_SHAPES {
        for kind in [pool::Pool::Max, pool::Pool::Avg] {
            let x = rng.vec(c * h * w, 2.0);
            let xt = upload(&[c, h, w], &x);
            let out = poisoned(&pool::out_shape(c, h, w));
            let gout = rng.vec(out.len(), 1.0);
            let gin = poisoned(&[c, h, w]);
            let mut plan = Plan::new();
            pool::forward(g, &mut plan, kind, &xt, &out);
            pool::backward(g, &mut plan, kind, &xt, &upload(&out.shape, &gout), &gin);
            plan.run(g).unwrap();
            let what = format!("{kind:?} pool {c}x{h}x{w}");
            if !out.is_empty() {
                assert_close(&what, &out.read(g).unwrap(), &pool::forward_cpu(kind, &x, c, h, w), ELEMENTWISE_TOL);
            }
            let want = pool::backward_cpu(kind, &x, &gout, c, h, w);
            let got = gin.read(g).unwrap();
            assert!(got.iter().all(|v| v.is_finite()), "{what} backward left NaN");
            assert!(rel_err(&got, &want) < ELEMENTWISE_TOL, "{what} backward: {:e}", rel_err(&got, &want));
        }
    }
}

#[test]
fn relu_backward_and_axpby_match_cpu() {
    let g = gpu();
    let mut rng = Rng::new("elementwise");
    for n in [1usize, 63, 65, 1000, 70_001] {
        let act: Vec<f32> = rng.vec(n, 1.0).into_iter().map(|v| v.max(0.0)).collect();
        let grad = rng.vec(n, 1.0);
        let gt = upload(&[n], &grad);
        let mut plan = Plan::new();
        elementwise::relu_backward(g, &mut plan, &upload(&[n], &act), &gt);
        plan.run(g).unwrap();
        assert_close(
            "relu_backward",
            &gt.read(g).unwrap(),
            &elementwise::relu_backward_cpu(&act, &grad),
            ELEMENTWISE_TOL,
        );

        let x = rng.vec(n, 1.0);
        for (a, b) in [(0.7f32, 0.0f32), (-1.5, 0.25)] {
            let y = if b == 0.0 { poisoned(&[n]) } else { upload(&[n], &grad) };
            let mut plan = Plan::new();
            elementwise::axpby(g, &mut plan, a, &upload(&[n], &x), b, &y);
            plan.run(g).unwrap();
            assert_close("axpby", &y.read(g).unwrap(), &elementwise::axpby_cpu(a, &x, b, &grad), ELEMENTWISE_TOL);
        }
    }
}

#[test]
fn gram_forward_and_backward_match_cpu() {
    let g = gpu();
    let mut rng = Rng::new("gram");
    for &(c, h, w) in &[
        (3usize, 9usize, 11usize),
        (1, 1, 1),
        (5, 1, 7),
        (13, 17, 3),
        (17, 9, 9),
        (64, 33, 31),
        (512, 3, 5),
        (6, 128, 96),
        (40, 70, 1),
        (96, 5, 4),
        // C not a multiple of the subgroup kernels' 32-row blocks, with whole quads of pixels
        (36, 6, 6),
        (4, 2, 2),
    ] {
        for variant in gram::GramVariant::available(g) {
            let f = rng.vec(c * h * w, 1.0);
            let ft = upload(&[c, h, w], &f);
            let gram = poisoned(&[c, c]);
            let fwd = gram::GramForward::with_variant(g, &[c, h, w], variant).unwrap();
            let dg = rng.vec(c * c, 1.0);
            let df = poisoned(&[c, h, w]);
            let mut plan = Plan::new();
            fwd.record(g, &mut plan, &ft, &gram);
            let bwd = gram::GramBackward::with_variant(g, c, variant).unwrap();
            bwd.record(g, &mut plan, &ft, &upload(&[c, c], &dg), &df, false);
            plan.run(g).unwrap();
            let what = format!("gram {variant:?} {c}x{h}x{w}");
            assert_close(&what, &gram.read(g).unwrap(), &gram::forward_cpu(&f, c, h * w), REDUCTION_TOL);
            let want = gram::backward_cpu(&f, &dg, c, h * w);
            assert_close(&format!("{what} backward"), &df.read(g).unwrap(), &want, REDUCTION_TOL);

            // accumulate mode adds onto what is there
            let mut plan = Plan::new();
            bwd.record(g, &mut plan, &ft, &upload(&[c, c], &dg), &df, true);
            plan.run(g).unwrap();
            let twice: Vec<f32> = want.iter().map(|v| 2.0 * v).collect();
            assert_close(&format!("{what} backward accumulate"), &df.read(g).unwrap(), &twice, REDUCTION_TOL);
        }
    }
}

#[test]
fn reduction_is_accurate_on_millions_of_elements() {
    let g = gpu();
    let mut rng = Rng::new("reduce");
    for n in [1usize, 7, 64, 4097, 1_000_003, 3 * 1920 * 1080] {
        // A large positive offset makes naive float32 summation lose digits.
        let x: Vec<f32> = rng.vec(n, 1.0).into_iter().map(|v| 100.0 + v).collect();
        let y = rng.vec(n, 1.0);
        let out = poisoned(&[3]);
        let r = reduce::Reducer::new(g, n).unwrap();
        let (xt, yt) = (upload(&[n], &x), upload(&[n], &y));
        let mut plan = Plan::new();
        r.record(g, &mut plan, reduce::Sum::Plain(&xt), 1.0, &out, 0, false);
        r.record(g, &mut plan, reduce::Sum::SquaredDiff(&xt, &yt), 0.5, &out, 1, false);
        r.record(g, &mut plan, reduce::Sum::Plain(&yt), 2.0, &out, 2, false);
        r.record(g, &mut plan, reduce::Sum::Plain(&yt), 1.0, &out, 2, true);
        plan.run(g).unwrap();
        let got = out.read(g).unwrap();
        let want = [reduce::sum_cpu(&x, None), 0.5 * reduce::sum_cpu(&x, Some(&y)), 3.0 * reduce::sum_cpu(&y, None)];
        for k in 0..2 {
            let e = (got[k] as f64 - want[k]).abs() / want[k].abs();
            assert!(e < 1e-5, "sum {k} of {n}: got {} want {} (rel {e:e})", got[k], want[k]);
        }
        // a sum of zero-mean values: compare against the scale of the terms
        let scale: f64 = y.iter().map(|v| v.abs() as f64).sum::<f64>() * 3.0;
        assert!((got[2] as f64 - want[2]).abs() <= 1e-5 * scale, "signed sum of {n}: got {} want {}", got[2], want[2]);
    }
}

#[test]
fn mse_and_tv_losses_match_cpu() {
    let g = gpu();
    let mut rng = Rng::new("losses");
    for &(c, h, w) in &[(3usize, 9usize, 11usize), (1, 1, 1), (2, 1, 9), (3, 10, 1), (512, 12, 16), (3, 96, 128)] {
        let n = c * h * w;
        let a = rng.vec(n, 10.0);
        let b = rng.vec(n, 10.0);
        let losses = poisoned(&[4]);
        let grad = poisoned(&[c, h, w]);
        let tvgrad = upload(&[c, h, w], &b); // TV accumulates onto existing contents
        let at = upload(&[c, h, w], &a);
        let mse = loss::Mse::new(g, n).unwrap();
        let tv = loss::TotalVariation::new(g, &[c, h, w]).unwrap();
        let mut plan = Plan::new();
        mse.record(g, &mut plan, 3.5, &at, &upload(&[c, h, w], &b), &grad, false, &losses, 0);
        tv.record(g, &mut plan, 0.7, &at, &tvgrad, true, &losses, 1);
        plan.run(g).unwrap();
        let got = losses.read(g).unwrap();
        let (mv, mg) = loss::mse_cpu(3.5, &a, &b);
        let (tvv, tg) = loss::tv_cpu(0.7, &a, c, h, w);
        let what = format!("{c}x{h}x{w}");
        assert!((got[0] as f64 - mv).abs() <= REDUCTION_TOL * mv.abs(), "mse value {what}: {} vs {mv}", got[0]);
        assert!(
            (got[1] as f64 - tvv).abs() <= REDUCTION_TOL * tvv.abs().max(1e-12),
            "tv value {what}: {} vs {tvv}",
            got[1]
        );
        assert_close(&format!("mse grad {what}"), &grad.read(g).unwrap(), &mg, ELEMENTWISE_TOL);
        let tg_plus_b: Vec<f32> = tg.iter().zip(&b).map(|(x, y)| x + y).collect();
        assert_close(&format!("tv grad {what}"), &tvgrad.read(g).unwrap(), &tg_plus_b, ELEMENTWISE_TOL);
    }
}

#[test]
fn adam_steps_match_cpu() {
    let g = gpu();
    let mut rng = Rng::new("adam");
    for &(c, h, w) in &[(3usize, 7usize, 5usize), (1, 1, 1), (3, 1, 129), (3, 96, 128)] {
        let n = c * h * w;
        for clamp in [None, Some(([-10.0, -20.0, -5.0], [10.0, 5.0, 20.0]))] {
            let cfg = adam::AdamConfig { lr: 2.0, beta1: 0.9, beta2: 0.999, eps: 1e-8, clamp };
            let mut x = rng.vec(n, 15.0);
            let xt = upload(&[c, h, w], &x);
            let opt = adam::Adam::new(g, n, cfg).unwrap();
            let (mut m, mut v) = (vec![0.0; n], vec![0.0; n]);
            for t in 1..=3 {
                let gr = rng.vec(n, 1.0 + t as f32);
                let mut plan = Plan::new();
                opt.record(g, &mut plan, &upload(&[c, h, w], &gr), &xt, h * w);
                plan.run(g).unwrap();
                adam::step_cpu(&cfg, t, &gr, &mut x, &mut m, &mut v, h * w);
            }
            assert_close(
                &format!("adam {c}x{h}x{w} clamp={}", clamp.is_some()),
                &xt.read(g).unwrap(),
                &x,
                ELEMENTWISE_TOL,
            );
        }
    }
}

#[test]
fn image_pre_and_post_processing_match_cpu() {
    let g = gpu();
    let mut rng = Rng::new("image");
    for &(h, w) in &[(1usize, 1usize), (7, 9), (1, 300), (97, 1), (96, 128)] {
        let rgb: Vec<u8> = (0..h * w * 3).map(|_| rng.below(256) as u8).collect();
        let rgba = Tensor::zeros(g, &[h * w], "rgba").unwrap();
        rgba.write_u32(g, &image::pack_rgb(&rgb)).unwrap();
        let planar = poisoned(&[3, h, w]);
        let mut plan = Plan::new();
        image::preprocess(g, &mut plan, &rgba, &planar);
        plan.run(g).unwrap();
        let want = image::preprocess_cpu(&rgb);
        assert_close(&format!("preprocess {h}x{w}"), &planar.read(g).unwrap(), &want, ELEMENTWISE_TOL);

        // Post-processing rounds and clamps: push some values out of range.
        let mut p = want.clone();
        for v in p.iter_mut() {
            *v += rng.uniform() * 300.0;
        }
        let pt = upload(&[3, h, w], &p);
        let out = Tensor::zeros(g, &[h * w], "rgba out").unwrap();
        out.write_u32(g, &vec![0xdeadbeef; h * w]).unwrap();
        let mut plan = Plan::new();
        image::postprocess(g, &mut plan, &pt, &out);
        plan.run(g).unwrap();
        let got = image::unpack_rgb(&out.read_u32(g).unwrap());
        assert_eq!(got, image::postprocess_cpu(&p), "postprocess {h}x{w}");
        assert!(out.read_u32(g).unwrap().iter().all(|px| px >> 24 == 255), "alpha must be opaque");
    }
}

#[test]
fn video_blend_and_temporal_loss_match_cpu() {
    let g = gpu();
    let mut rng = Rng::new("video_kernels");
    for &(h, w) in &[(1usize, 1usize), (7, 5), (1, 13), (11, 1), (24, 32)] {
        let n = h * w;
        let what = format!("{h}x{w}");
        let content = rng.vec(3 * n, 100.0);
        let warped = rng.vec(3 * n, 100.0);
        // a mask with exact zeros and ones (the consistency check's values) and fractions
        let mask: Vec<f32> = (0..n).map(|_| [0.0, 1.0, rng.uniform().abs()][rng.below(3)]).collect();
        let (ct, wt, mt) = (upload(&[3, h, w], &content), upload(&[3, h, w], &warped), upload(&[h, w], &mask));
        let x = poisoned(&[3, h, w]);
        let mut plan = Plan::new();
        video::blend_init(g, &mut plan, &ct, &wt, &mt, 0.85, &x);
        plan.run(g).unwrap();
        assert_close(
            &format!("blend_init {what}"),
            &x.read(g).unwrap(),
            &video::blend_init_cpu(&content, &warped, &mask, 0.85),
            ELEMENTWISE_TOL,
        );

        // the temporal loss adds its gradient onto what is there
        let grad0 = rng.vec(3 * n, 1.0);
        let grad = upload(&[3, h, w], &grad0);
        let losses = poisoned(&[3]);
        let t = video::TemporalLoss::new(g, n).unwrap();
        let mut plan = Plan::new();
        t.record(g, &mut plan, 3.0, &ct, &wt, &mt, &grad, &losses, 1, false);
        plan.run(g).unwrap();
        let (value, tg) = video::temporal_cpu(3.0, &content, &warped, &mask);
        let got = losses.read(g).unwrap()[1] as f64;
        assert!(
            (got - value).abs() <= REDUCTION_TOL * value.abs().max(1e-12),
            "temporal value {what}: {got} vs {value}"
        );
        let want: Vec<f32> = tg.iter().zip(&grad0).map(|(a, b)| a + b).collect();
        assert_close(&format!("temporal grad {what}"), &grad.read(g).unwrap(), &want, ELEMENTWISE_TOL);

        // a second (long-term) term adds its value to the slot and its gradient to the sum
        let warped2 = rng.vec(3 * n, 100.0);
        let mut plan = Plan::new();
        t.record(g, &mut plan, 2.0, &ct, &upload(&[3, h, w], &warped2), &mt, &grad, &losses, 1, true);
        plan.run(g).unwrap();
        let (value2, tg2) = video::temporal_cpu(2.0, &content, &warped2, &mask);
        let got = losses.read(g).unwrap()[1] as f64;
        assert!(
            (got - value - value2).abs() <= REDUCTION_TOL * (value + value2).abs().max(1e-12),
            "two temporal terms {what}: {got} vs {}",
            value + value2
        );
        let want: Vec<f32> = want.iter().zip(&tg2).map(|(a, b)| a + b).collect();
        assert_close(&format!("two temporal grads {what}"), &grad.read(g).unwrap(), &want, ELEMENTWISE_TOL);
    }
}

#[test]
fn closest_first_weights_match_cpu() {
    let g = gpu();
    let mut rng = Rng::new("closest_first");
    for &(h, w) in &[(1usize, 1usize), (7, 5), (1, 13), (24, 33)] {
        let n = h * w;
        // weights of frames t-1, t-2, t-4: exact zeros and ones and fractions
        let weights: Vec<Vec<f32>> =
            (0..3).map(|_| (0..n).map(|_| [0.0, 1.0, rng.uniform().abs()][rng.below(3)]).collect()).collect();
        let want = video::closest_first_cpu(&weights);
        let covered = upload(&[h, w], &weights[0]);
        let tensors: Vec<_> = weights[1..].iter().map(|c| upload(&[h, w], c)).collect();
        let mut plan = Plan::new();
        for t in &tensors {
            video::closest_first(g, &mut plan, t, &covered);
        }
        plan.run(g).unwrap();
        for (k, t) in tensors.iter().enumerate() {
            assert_close(
                &format!("closest_first t-{} {h}x{w}", k + 2),
                &t.read(g).unwrap(),
                &want[k + 1],
                ELEMENTWISE_TOL,
            );
        }
        // the combined weights never sum past 1 and never go negative
        for i in 0..n {
            let total: f32 = want.iter().map(|c| c[i]).sum();
            assert!(want.iter().all(|c| c[i] >= 0.0) && total <= 1.0 + 1e-6, "pixel {i}: sum {total}");
        }
        let sum: Vec<f32> = (0..n).map(|i| want.iter().map(|c| c[i]).sum()).collect();
        assert_close(&format!("covered {h}x{w}"), &covered.read(g).unwrap(), &sum, ELEMENTWISE_TOL);
    }
}

#[test]
fn calibration_kernels_match_cpu() {
    let g = gpu();
    let mut rng = Rng::new("calibration");
    let src = rng.vec(64 * 4, 1.0);
    let st = upload(&[64 * 4], &src);
    for invocations in [64usize, 192] {
        let dst = poisoned(&[invocations * 4]);
        let mut plan = Plan::new();
        calibration::peak_fma(g, &mut plan, &st, &dst, 3);
        plan.run(g).unwrap();
        assert_close(
            &format!("peak_fma x{invocations}"),
            &dst.read(g).unwrap(),
            &calibration::peak_fma_cpu(&src, invocations, 3),
            ELEMENTWISE_TOL,
        );
    }
    for n in [4usize, 4 * 65, 4 * 1000] {
        let x = rng.vec(n, 1.0);
        let dst = poisoned(&[n]);
        let mut plan = Plan::new();
        calibration::copy(g, &mut plan, &upload(&[n], &x), &dst);
        plan.run(g).unwrap();
        assert_eq!(dst.read(g).unwrap(), x, "copy of {n} floats");
    }
}

#[test]
fn gradient_normalisation_kernels_match_cpu() {
    let g = gpu();
    let mut rng = Rng::new("by_norm");
    for n in [1usize, 63, 65, 1000, 70_001] {
        let x = rng.vec(n, 3.0);
        let y0 = rng.vec(n, 1.0);
        let xt = upload(&[n], &x);
        // the L1 norm of x, by the reduction's |x| mode, into slot 1 of a norms buffer
        let norms = poisoned(&[3]);
        norms.write(g, &[7.0, f32::NAN, 9.0]).unwrap();
        let r = reduce::Reducer::new(g, n).unwrap();
        let (y_add, y_over, y_scaled) = (upload(&[n], &y0), poisoned(&[n]), upload(&[n], &y0));
        let mut plan = Plan::new();
        r.record(g, &mut plan, reduce::Sum::Abs(&xt), 1.0, &norms, 1, false);
        elementwise::axpby_by_norm(g, &mut plan, 2.5, &norms, 1, &xt, 1.0, &y_add);
        elementwise::axpby_by_norm(g, &mut plan, 2.5, &norms, 1, &xt, 0.0, &y_over);
        elementwise::scale_by_norm(g, &mut plan, 0.5, &norms, 1, &y_scaled);
        plan.run(g).unwrap();
        let norm = norms.read(g).unwrap()[1];
        let want = reduce::abs_sum_cpu(&x);
        assert!((norm as f64 - want).abs() <= 1e-5 * want, "|x|_1 of {n}: {norm} vs {want}");
        let what = format!("n={n}");
        let want_add = elementwise::axpby_by_norm_cpu(2.5, norm, &x, 1.0, &y0);
        assert_close(&format!("axpby_by_norm add {what}"), &y_add.read(g).unwrap(), &want_add, ELEMENTWISE_TOL);
        let want_over = elementwise::axpby_by_norm_cpu(2.5, norm, &x, 0.0, &y0);
        assert_close(&format!("axpby_by_norm overwrite {what}"), &y_over.read(g).unwrap(), &want_over, ELEMENTWISE_TOL);
        let k = elementwise::norm_factor_cpu(0.5, norm);
        let want_scaled: Vec<f32> = y0.iter().map(|v| v * k).collect();
        assert_close(&format!("scale_by_norm {what}"), &y_scaled.read(g).unwrap(), &want_scaled, ELEMENTWISE_TOL);
    }
}

#[test]
fn padding_kernels_match_cpu() {
    use paintflow::ops::pad::{self, Padding};
    let g = gpu();
    let mut rng = Rng::new("padding");
    for &(c, h, w) in &[(3usize, 9usize, 11usize), (1, 1, 1), (2, 1, 7), (3, 6, 1), (5, 2, 2), (3, 64, 33)] {
        for mode in [Padding::Replicate, Padding::Reflect] {
            let what = format!("{mode:?} {c}x{h}x{w}");
            let x = rng.vec(c * h * w, 1.0);
            let r = rng.vec(c * (h + 2) * (w + 2), 1.0);
            let xt = upload(&[c, h, w], &x);
            let rt = upload(&[c, h + 2, w + 2], &r);
            let (padded, cropped, embedded, folded) = (
                poisoned(&[c, h + 2, w + 2]),
                poisoned(&[c, h, w]),
                poisoned(&[c, h + 2, w + 2]),
                poisoned(&[c, h, w]),
            );
            let mut plan = Plan::new();
            pad::pad(g, &mut plan, mode, &xt, &padded);
            pad::crop(g, &mut plan, &rt, &cropped);
            pad::embed(g, &mut plan, &xt, &embedded);
            pad::fold(g, &mut plan, mode, &rt, &folded);
            plan.run(g).unwrap();
            assert_eq!(padded.read(g).unwrap(), pad::pad_cpu(mode, &x, c, h, w), "pad {what}");
            assert_eq!(cropped.read(g).unwrap(), pad::crop_cpu(&r, c, h, w), "crop {what}");
            assert_eq!(embedded.read(g).unwrap(), pad::embed_cpu(&x, c, h, w), "embed {what}");
            assert_close(
                &format!("fold {what}"),
                &folded.read(g).unwrap(),
                &pad::fold_cpu(mode, &r, c, h, w),
                ELEMENTWISE_TOL,
            );
        }
    }
}

/// Winograd F(2x2) and F(4x4): the GPU convolution against its f64 CPU twin (same algorithm:
/// 1e-4) and against the direct convolution (the algorithm's own rounding, larger for F(4x4)
/// whose transforms have entries up to 8 and weights 1/24: 1e-4 for F(2x2), 1e-3 for F(4x4)).
#[test]
fn winograd_convolution_matches_cpu() {
    use paintflow::ops::winograd;
    let g = gpu();
    if !g.has_subgroups_of_8() {
        eprintln!("note: {} has no subgroups of >= 8 lanes; Winograd not tested", g.info.name);
        return;
    }
    let mut rng = Rng::new("winograd");
    let shapes: &[(usize, usize, usize, usize)] = &[
        (3, 64, 9, 11),
        (1, 1, 1, 1),
        (5, 7, 1, 13),
        (6, 3, 11, 1),
        (13, 9, 17, 18),
        (64, 33, 12, 16),
        (512, 6, 5, 3),
        (520, 40, 3, 5),
        // rows a multiple of 4 wide: the 4-tile input transform (tiles across padded to 4)
        (3, 5, 6, 4),
        (7, 9, 5, 12),
        (2, 3, 1, 8),
    ];
    for &(cin, cout, h, w) in shapes {
        for m in [2usize, 4] {
            for relu in [false, true] {
                let x = rng.vec(cin * h * w, 1.0);
                let wt = rng.vec(cout * cin * 9, 0.5);
                let b = rng.vec(cout, 0.5);
                let ww = winograd::WinoWeights::new(g, &wt, cout, cin, m, "w").unwrap();
                let mut bias = b.clone();
                bias.resize(cout.div_ceil(32) * 32, 0.0);
                let out = poisoned(&[cout, h, w]);
                let (input, bias) = (upload(&[cin, h, w], &x), upload(&[bias.len()], &bias));
                let zero = paintflow::ops::pad::Padding::Zero;
                let mut conv = winograd::WinoConv {
                    input: &input,
                    w: &ww,
                    bias: &bias,
                    out: &out,
                    relu,
                    border: zero,
                    mask: None,
                };
                let mut plan = Plan::new();
                conv.record(g, &mut plan);
                plan.run(g).unwrap();
                let got = out.read(g).unwrap();
                let what = format!("F({m}) {cin}->{cout} {h}x{w} relu={relu}");
                let twin = winograd::forward_cpu(&x, cin, h, w, &wt, &b, cout, relu, m);
                assert_close(&format!("{what} vs twin"), &got, &twin, REDUCTION_TOL);
                let direct = conv::forward_cpu(&x, cin, h, w, &wt, &b, cout, relu);
                let tol = if m == 2 { REDUCTION_TOL } else { 1e-3 };
                assert_close(&format!("{what} vs direct"), &got, &direct, tol);

                // the tiles in chunks of 4 (a partial last chunk), onto the grown (h+2) x (w+2)
                // plane, the input masked by a ReLU output: the zero-padded convolution of the
                // masked input embedded in a zero ring
                let act = rng.vec(cin * h * w, 1.0);
                let grown = poisoned(&[cout, h + 2, w + 2]);
                let act = upload(&[cin, h, w], &act);
                (conv.out, conv.mask) = (&grown, Some(&act));
                let mut plan = Plan::new();
                conv.record_chunked(g, &mut plan, 4);
                plan.run(g).unwrap();
                let act = act.read(g).unwrap();
                let masked: Vec<f32> = x.iter().zip(&act).map(|(v, a)| if *a > 0.0 { *v } else { 0.0 }).collect();
                let embedded = paintflow::ops::pad::embed_cpu(&masked, cin, h, w);
                let want = conv::forward_cpu(&embedded, cin, h + 2, w + 2, &wt, &b, cout, relu);
                assert_close(&format!("{what} grown, masked, chunks of 4"), &grown.read(g).unwrap(), &want, tol);
            }
        }
    }
}

/// A uniform buffer holding `data` (the subgroup convolutions' weights).
fn uniform_buffer(g: &paintflow::gpu::Gpu, data: &[f32]) -> wgpu::Buffer {
    let buffer = g.device.create_buffer(&wgpu::BufferDescriptor {
        label: None,
        size: (data.len() * 4) as u64,
        usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    g.queue.write_buffer(&buffer, 0, bytemuck::cast_slice(data));
    buffer
}

/// The style network's kernels on awkward shapes: reflect padding with and without upsampling,
/// k x k convolutions of stride 1 and 2 with channel counts not multiples of 4, and the
/// instance norm with each activation and the residual add.
#[test]
fn stylenet_kernels_match_cpu() {
    use paintflow::stylenet::{self as sn, Act, StyleNetParams};
    let g = gpu();
    let mut rng = Rng::new("stylenet_kernels");
    for &(c, h, w, pad, up) in
        &[(3usize, 7usize, 9usize, 4usize, 1usize), (2, 1, 5, 1, 2), (5, 6, 6, 1, 1), (1, 5, 5, 4, 1), (4, 3, 2, 1, 2)]
    {
        let x = rng.vec(c * h * w, 1.0);
        let (ph, pw) = (h * up + 2 * pad, w * up + 2 * pad);
        let out = poisoned(&[c, ph, pw]);
        let p = StyleNetParams {
            c: c as u32,
            h: h as u32,
            w: w as u32,
            oh: ph as u32,
            ow: pw as u32,
            pad: pad as u32,
            up: up as u32,
            ..Default::default()
        };
        let mut plan = Plan::new();
        plan.dispatch(
            g,
            &sn::REFLECT_PAD,
            &p,
            &[&upload(&[c, h, w], &x).buffer, &out.buffer],
            [pw.div_ceil(64) as u32, ph as u32, c as u32],
        );
        plan.run(g).unwrap();
        assert_eq!(
            out.read(g).unwrap(),
            sn::reflect_pad_cpu(&x, c, h, w, pad, up),
            "reflect_pad {c}x{h}x{w} pad {pad} up {up}"
        );
    }
    let (mut grouped_runs, mut padded_runs) = (0, 0);
    for &(cin, cout, h, w, k, stride) in &[
        (3usize, 32usize, 12usize, 11usize, 9usize, 1usize),
        (5, 7, 9, 10, 3, 2),
        (8, 4, 3, 3, 3, 1),
        (4, 3, 9, 13, 9, 1),
        (32, 6, 7, 8, 3, 2),
        (1, 1, 3, 3, 3, 1),
        (32, 32, 6, 21, 3, 2),
        (7, 8, 6, 18, 3, 1),
        (3, 32, 12, 16, 9, 1),
    ] {
        let x = rng.vec(cin * h * w, 1.0);
        let wt = rng.vec(cout * cin * k * k, 0.3);
        let (oh, ow) = ((h - k) / stride + 1, (w - k) / stride + 1);
        let packed = sn::pack(&wt, cout, cin, k);
        let out = poisoned(&[cout, oh, ow]);
        let p = StyleNetParams {
            c: cin as u32,
            h: h as u32,
            w: w as u32,
            oh: oh as u32,
            ow: ow as u32,
            k: k as u32,
            stride: stride as u32,
            cout: cout as u32,
            ..Default::default()
        };
        let mut plan = Plan::new();
        let bufs = [&*upload(&[cin, h, w], &x).buffer, &out.buffer, &upload(&[packed.len()], &packed).buffer];
        plan.dispatch_1d(g, &sn::CONV_KXK, &p, &bufs, cout.div_ceil(4) * oh * ow);
        plan.run(g).unwrap();
        let what = format!("conv {k}x{k}/{stride} {cin}->{cout} {h}x{w}");
        let want = sn::conv_kxk_cpu(&x, cin, h, w, &wt, cout, k, stride);
        assert_close(&what, &out.read(g).unwrap(), &want, REDUCTION_TOL);
        // the subgroup convolution, where the adapter has subgroups: on the padded input as
        // given, and reading an unpadded input through reflect padding (and 2x upsampling for
        // stride 1) itself
        for sgc in sn::conv_sg_all(g, cin, cout, k, stride) {
            if sgc.padded && !w.is_multiple_of(4) {
                // reads whole vec4s of a padded copy the pass makes with rows a multiple of 4
                continue;
            }
            grouped_runs += (sgc.groups > 1) as usize;
            padded_runs += sgc.padded as usize;
            let (kern, ov) = (sgc.kernel, sgc.ov);
            let uni = uniform_buffer(g, &sn::pack_sg(&wt, cout, cin, k, ov));
            // a previous layer's norm folded to a scale and shift per input channel, for the fused
            // variant (act 1: relu(x * scale + shift) on load)
            let scale_shift: Vec<f32> = rng.vec(2 * cin, 1.0);
            let stats = upload(&[2 * cin], &scale_shift);
            // recorded as the pass records it (a padded variant pads into the scratch first)
            let run_sg = |input: &Tensor, params: &StyleNetParams| {
                let (out, scratch) = (poisoned(&[cout, oh, ow]), poisoned(&[cin * h * w]));
                let mut plan = Plan::new();
                sn::record_sg_conv(g, &mut plan, &sgc, params, input, &out, &stats, &uni, (oh, ow), &scratch);
                plan.run(g).unwrap();
                out.read(g).unwrap()
            };
            let got = run_sg(&upload(&[cin, h, w], &x), &StyleNetParams { up: 1, ..p });
            assert_close(&format!("{} {what}", kern.entry), &got, &want, REDUCTION_TOL);
            if sgc.padded {
                // no norm fused into its loads; the pass pads an unpadded input for it (no
                // upsampling)
                let pad = k / 2;
                if h > 2 * pad && w > 2 * pad {
                    let (ih, iw) = (h - 2 * pad, w - 2 * pad);
                    let small = rng.vec(cin * ih * iw, 1.0);
                    let want = sn::conv_kxk_cpu(
                        &sn::reflect_pad_cpu(&small, cin, ih, iw, pad, 1),
                        cin,
                        h,
                        w,
                        &wt,
                        cout,
                        k,
                        stride,
                    );
                    let params = StyleNetParams { h: ih as u32, w: iw as u32, pad: pad as u32, up: 1, ..p };
                    let got = run_sg(&upload(&[cin, ih, iw], &small), &params);
                    let what = format!("{} {what} from {ih}x{iw}, padded by the pass", kern.entry);
                    assert_close(&what, &got, &want, REDUCTION_TOL);
                }
                continue;
            }
            let normed = norm_relu(&x, &scale_shift, h * w);
            let want_fused = sn::conv_kxk_cpu(&normed, cin, h, w, &wt, cout, k, stride);
            let got = run_sg(&upload(&[cin, h, w], &x), &StyleNetParams { up: 1, act: 1, ..p });
            assert_close(
                &format!("{} {what} with the norm + ReLU fused", kern.entry),
                &got,
                &want_fused,
                REDUCTION_TOL,
            );
            let (pad, up) = (k / 2, if stride == 1 { 2 } else { 1 });
            if h > 2 * pad && w > 2 * pad && (h - 2 * pad) % up == 0 && (w - 2 * pad) % up == 0 {
                let (ih, iw) = ((h - 2 * pad) / up, (w - 2 * pad) / up);
                let small = rng.vec(cin * ih * iw, 1.0);
                let want = sn::conv_kxk_cpu(
                    &sn::reflect_pad_cpu(&small, cin, ih, iw, pad, up),
                    cin,
                    h,
                    w,
                    &wt,
                    cout,
                    k,
                    stride,
                );
                let params = StyleNetParams { h: ih as u32, w: iw as u32, pad: pad as u32, up: up as u32, ..p };
                let got = run_sg(&upload(&[cin, ih, iw], &small), &params);
                let what = format!("{} {what} from {ih}x{iw}, pad {pad}, up {up}", kern.entry);
                assert_close(&what, &got, &want, REDUCTION_TOL);
            }
        }
    }
    assert!(!g.has_subgroups_of_8() || grouped_runs >= 2, "two-group variants tested: {grouped_runs}");
    assert!(!g.has_subgroups_of_8() || padded_runs >= 2, "variants on a padded copy tested: {padded_runs}");
    // the upsampling convolutions as 2x2 phase convolutions of the low-resolution input, against
    // upsample + reflect pad 1 + 3x3 convolution, plain and with the previous norm + ReLU fused
    // (1-pixel sides, channel counts not a multiple of 4, widths not a multiple of the pixel block)
    let mut up2_runs = 0;
    for &(cin, cout, ih, iw) in
        &[(32usize, 8usize, 4usize, 6usize), (8, 4, 5, 3), (5, 3, 1, 1), (7, 8, 2, 9), (3, 4, 1, 7), (1, 1, 3, 1)]
    {
        let (h, w) = (2 * ih + 2, 2 * iw + 2);
        let (oh, ow) = (2 * ih, 2 * iw);
        let x = rng.vec(cin * ih * iw, 1.0);
        let wt = rng.vec(cout * cin * 9, 0.3);
        let scale_shift: Vec<f32> = rng.vec(2 * cin, 1.0);
        let stats = upload(&[2 * cin], &scale_shift);
        let normed = norm_relu(&x, &scale_shift, ih * iw);
        let reference = |input: &[f32], weights: &[f32]| {
            sn::conv_kxk_cpu(&sn::reflect_pad_cpu(input, cin, ih, iw, 1, 2), cin, h, w, weights, cout, 3, 1)
        };
        for sgc in sn::conv_sg_up2_all(g, cin, cout) {
            up2_runs += 1;
            let uni = uniform_buffer(g, &sn::pack_sg_up2(&wt, cout, cin, sgc.ov));
            for (act, input) in [(0u32, &x), (1, &normed)] {
                let p = StyleNetParams {
                    c: cin as u32,
                    h: ih as u32,
                    w: iw as u32,
                    oh: oh as u32,
                    ow: ow as u32,
                    k: 3,
                    stride: 1,
                    cout: cout as u32,
                    pad: 1,
                    up: 2,
                    act,
                    ..Default::default()
                };
                let (out, scratch) = (poisoned(&[cout, oh, ow]), poisoned(&[1]));
                let mut plan = Plan::new();
                let xt = upload(&[cin, ih, iw], &x);
                sn::record_sg_conv(g, &mut plan, &sgc, &p, &xt, &out, &stats, &uni, (oh, ow), &scratch);
                plan.run(g).unwrap();
                // the phase weights are sums of taps: rounding differs from the direct sum, so the
                // error is relative to the convolution of |input| and |weights|
                let what = format!("{} {cin}->{cout} from {ih}x{iw} act {act}", sgc.kernel.entry);
                let terms = reference(&abs(input), &abs(&wt));
                assert_close_scaled(&what, &out.read(g).unwrap(), &reference(input, &wt), &terms, REDUCTION_TOL);
            }
        }
    }
    assert!(!g.has_subgroups_of_8() || up2_runs >= 8, "2x2 phase convolutions tested: {up2_runs}");
    // Winograd F(4x4) as the network runs it on a written input: reflect pad 1, 3x3, no bias
    for &(cin, cout, h, w) in &[(32usize, 32usize, 9usize, 13usize), (5, 3, 1, 6), (32, 32, 16, 16), (3, 7, 4, 1)] {
        if !paintflow::ops::winograd::fits(g, cin, cout, 4) {
            continue;
        }
        let x = rng.vec(cin * h * w, 1.0);
        let wt = rng.vec(cout * cin * 9, 0.3);
        let ww = paintflow::ops::winograd::WinoWeights::new(g, &wt, cout, cin, 4, "winograd weights").unwrap();
        // the output transform reads the bias as vec4s (the network's zero bias is 32 wide)
        let bias = upload(&[cout.div_ceil(4) * 4], &vec![0.0; cout.div_ceil(4) * 4]);
        let out = poisoned(&[cout, h, w]);
        let l = sn::LayerSpec { name: "test", cin, cout, k: 3, stride: 1, pad: 1, up: 1, act: Act::Relu };
        let params = sn::conv_params(&l, (h, w), (h, w), false);
        let mut plan = Plan::new();
        let conv = sn::LayerConv::Winograd(&ww, &bias);
        conv.record(g, &mut plan, &params, &upload(&[cin, h, w], &x), &out, &bias, (h, w), &bias);
        plan.run(g).unwrap();
        let want = sn::conv_kxk_cpu(&sn::reflect_pad_cpu(&x, cin, h, w, 1, 1), cin, h + 2, w + 2, &wt, cout, 3, 1);
        let terms =
            sn::conv_kxk_cpu(&sn::reflect_pad_cpu(&abs(&x), cin, h, w, 1, 1), cin, h + 2, w + 2, &abs(&wt), cout, 3, 1);
        // Winograd's transforms round differently from the direct sum (see the VGG variants' test)
        let what = format!("network Winograd F(4x4) {cin}->{cout} {h}x{w}, reflect");
        assert_close_scaled(&what, &out.read(g).unwrap(), &want, &terms, REDUCTION_TOL);
    }
    for &(c, h, w) in &[(3usize, 5usize, 7usize), (1, 1, 1), (32, 24, 32), (8, 96, 128), (5, 36, 60), (2, 2, 2)] {
        for act in [Act::None, Act::Relu, Act::Sigmoid] {
            for residual in [false, true] {
                let n = h * w;
                let x: Vec<f32> = rng.vec(c * n, 4.0).iter().map(|v| v + 3.0).collect();
                let gb = rng.vec(2 * c, 1.5);
                let skip = rng.vec(c * n, 1.0);
                // the scalar first pass, and the vec4 one where the plane holds a multiple of 4
                let vec4 = residual && n.is_multiple_of(4);
                let p = sn::norm_params(c, h, w, act, residual, vec4);
                let stats = poisoned(&[sn::STATS_PARTS + 2 * c * p.parts as usize]);
                let out = poisoned(&[c, h, w]);
                let xt = upload(&[c, h, w], &x);
                let (gt, st) = (upload(&[2 * c], &gb), upload(&[c, h, w], &skip));
                let mut plan = Plan::new();
                sn::record_norm_stats(g, &mut plan, &xt, &stats, &gt, &p);
                sn::record_norm_apply(g, &mut plan, &xt, &out, &stats, &st, &p);
                plan.run(g).unwrap();
                let want = sn::instance_norm_cpu(&x, c, n, &gb, act, residual.then_some(&skip[..]));
                let what = format!("instance norm {c}x{h}x{w} {act:?} residual={residual} vec4={vec4}");
                // a 1-pixel plane has zero variance: the output is beta, left after x * scale
                // and mean * scale (scale = gamma / sqrt(1e-5)) cancel, so its error is measured
                // against the terms' size, |gamma| + |beta| (+ |skip|)
                let tol = if n == 1 { 1e-3 } else { REDUCTION_TOL };
                let terms: Vec<f32> = (0..c * n)
                    .map(|i| gb[i / n].abs() + gb[c + i / n].abs() + if residual { skip[i].abs() } else { 0.0 })
                    .collect();
                assert_close_scaled(&what, &out.read(g).unwrap(), &want, &terms, tol);
            }
        }
    }
}

/// wgpu's default handler panics on a validation error or a lost device; paintflow keeps the
/// first one and returns it from the next wait as an error.
#[test]
fn gpu_faults_are_errors_not_panics() {
    let g = paintflow::gpu::Gpu::new(None).unwrap();
    g.wait().unwrap();
    // a buffer both mapped for reading and used as storage is a validation error
    let _bad = g.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("invalid on purpose"),
        size: 16,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::STORAGE,
        mapped_at_creation: false,
    });
    let err = g.wait().expect_err("the validation error must come back from wait");
    assert!(err.to_string().contains("GPU error"), "{err}");
}
