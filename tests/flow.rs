//! Optical-flow kernels against their CPU references, end-to-end flow on synthetic pairs with
//! known motion, and .flo files.
mod common;

use common::*;
use paintflow::flow::{self, cpu, flo, FlowConfig};
use paintflow::gpu::{Plan, Tensor};
use std::path::Path;

const TOL: f64 = 1e-5;

/// Record one launch with `record` and run it.
fn run1(record: impl FnOnce(&mut Plan)) {
    let mut plan = Plan::new();
    record(&mut plan);
    plan.run(gpu()).unwrap();
}

#[test]
fn flow_kernels_match_cpu() {
    let g = gpu();
    let mut rng = Rng::new("flow_kernels");
    for &(w, h) in &[(1usize, 1usize), (7, 5), (1, 9), (13, 1), (33, 20)] {
        let n = w * h;
        let what = format!("{w}x{h}");
        let rgb: Vec<u8> = (0..3 * n).map(|_| rng.below(256) as u8).collect();
        let rgba = Tensor::zeros(g, &[n], "rgba").unwrap();
        rgba.write_u32(g, &paintflow::ops::image::pack_rgb(&rgb)).unwrap();
        let zeros = poisoned(&[2, h, w]);
        run1(|p| flow::record_fill_zero(g, p, &zeros));
        assert_eq!(zeros.read(g).unwrap(), cpu::fill_zero(2 * n), "fill_zero {what}");

        let gray = poisoned(&[h, w]);
        run1(|p| flow::record_gray(g, p, &rgba, &gray));
        assert_close(&format!("gray {what}"), &gray.read(g).unwrap(), &cpu::gray(&rgb), TOL);

        let img = rng.vec(n, 1.0);
        let it = upload(&[h, w], &img);
        let (down, dw, dh) = cpu::pyr_down(&img, w, h);
        let dt = poisoned(&[dh, dw]);
        run1(|p| flow::record_pyr_down(g, p, &it, &dt));
        assert_close(&format!("pyr_down {what}"), &dt.read(g).unwrap(), &down, TOL);

        let grad = poisoned(&[2, h, w]);
        run1(|p| flow::record_gradient(g, p, &it, &grad));
        let want_grad = cpu::gradient(&img, w, h);
        if want_grad.iter().any(|v| *v != 0.0) {
            assert_close(&format!("gradient {what}"), &grad.read(g).unwrap(), &want_grad, TOL);
        }

        for window in [3usize, 9, 21] {
            let src = rng.vec(3 * n, 1.0);
            let (st, tmp, out) = (upload(&[3, h, w], &src), poisoned(&[3, h, w]), poisoned(&[3, h, w]));
            let mut plan = Plan::new();
            flow::record_blur(g, &mut plan, &st, &tmp, &out, window);
            plan.run(g).unwrap();
            assert_close(
                &format!("blur {window} {what}"),
                &out.read(g).unwrap(),
                &cpu::blur(&src, w, h, 3, window),
                TOL,
            );
        }

        let i2 = rng.vec(n, 1.0);
        let fl: Vec<f32> = rng.vec(2 * n, 3.0);
        let gr = rng.vec(2 * n, 1.0);
        let m = poisoned(&[5, h, w]);
        let (i2t, grt, flt, i1t) =
            (upload(&[h, w], &i2), upload(&[2, h, w], &gr), upload(&[2, h, w], &fl), upload(&[h, w], &img));
        run1(|p| flow::record_mismatch(g, p, &i1t, &grt, &i2t, &flt, &m));
        let want_m = cpu::mismatch(&i2, &gr, &fl, &img, w, h);
        assert_close(&format!("mismatch {what}"), &m.read(g).unwrap(), &want_m, TOL);

        // solve on positive-definite window sums
        let mut sums = rng.vec(5 * n, 1.0);
        for i in 0..n {
            sums[2 * n + i] = sums[2 * n + i].abs() + 1.0;
            sums[4 * n + i] = sums[4 * n + i].abs() + 1.0;
            sums[3 * n + i] *= 0.5;
        }
        let ft = upload(&[2, h, w], &fl);
        let sums_t = upload(&[5, h, w], &sums);
        run1(|p| flow::record_solve(g, p, &sums_t, &ft, 1e-3));
        let mut want_f = fl.clone();
        cpu::solve(&sums, &mut want_f, n, 1e-3);
        assert_close(&format!("solve {what}"), &ft.read(g).unwrap(), &want_f, TOL);

        let med = poisoned(&[2, h, w]);
        run1(|p| flow::record_median3(g, p, &flt, &med));
        assert_close(&format!("median3 {what}"), &med.read(g).unwrap(), &cpu::median3(&fl, w, h, 2), TOL);

        let (uw, uh) = (2 * w, 2 * h - 1);
        let up = poisoned(&[2, uh, uw]);
        run1(|p| flow::record_upsample(g, p, &flt, &up));
        assert_close(&format!("upsample {what}"), &up.read(g).unwrap(), &cpu::upsample(&fl, w, h, uw, uh), TOL);

        let src3 = rng.vec(3 * n, 1.0);
        let warped = poisoned(&[3, h, w]);
        let mut plan = Plan::new();
        flow::record_warp(g, &mut plan, &upload(&[3, h, w], &src3), &flt, &warped);
        plan.run(g).unwrap();
        assert_close(&format!("warp {what}"), &warped.read(g).unwrap(), &cpu::warp(&src3, &fl, w, h, 3), TOL);

        // consistency on a piecewise-smooth flow (two moving regions with a motion boundary
        // between them, noise, a backward flow that undoes it in most places) and on noise
        let left = (rng.uniform() * 2.0, rng.uniform() * 2.0);
        let right = (rng.uniform() * 2.0, rng.uniform() * 2.0);
        let mut piecewise = vec![0.0f32; 2 * n];
        for i in 0..n {
            let (u, v) = if (i % w) * 2 < w { left } else { right };
            piecewise[i] = u + rng.uniform() * 0.01;
            piecewise[n + i] = v + rng.uniform() * 0.01;
        }
        let undo: Vec<f32> = piecewise.iter().map(|v| -v + rng.uniform() * 0.3).collect();
        for (fwd, bwd) in [(&piecewise, &undo), (&fl, &rng.vec(2 * n, 3.0))] {
            let mask = poisoned(&[h, w]);
            let scratch = poisoned(&[h, w]);
            run1(|p| {
                flow::record_consistency(g, p, &upload(&[2, h, w], fwd), &upload(&[2, h, w], bwd), &scratch, &mask)
            });
            let want = cpu::consistency(fwd, bwd, w, h);
            assert!(want.iter().all(|m| (0.0..=1.0).contains(m)), "weights in 0..1");
            assert_close(&format!("consistency {what}"), &mask.read(g).unwrap(), &want, TOL);
            if w >= 20 && std::ptr::eq(fwd, &piecewise) {
                // the check is not trivial here: both the boundary and the consistent regions show
                assert!(want.iter().any(|&m| m < 0.1) && want.iter().any(|&m| m > 0.9), "{what}: {want:?}");
            }
        }
    }
}

#[test]
fn refine_kernels_match_cpu() {
    let g = gpu();
    let mut rng = Rng::new("flow_refine_kernels");
    let r = flow::Refine { alpha: 20.0, delta: 5.0, gamma: 10.0, omega: 1.6, ..Default::default() };
    for &(w, h) in &[(1usize, 1usize), (7, 5), (1, 9), (13, 1), (33, 20)] {
        let n = w * h;
        let what = format!("{w}x{h}");
        // images 0..1, gradients of a few hundredths (as Scharr on photos), flows that leave the
        // frame at some pixels
        let (i1, i2) = (rng.vec(n, 1.0), rng.vec(n, 1.0));
        let (g1, g2) = (rng.vec(2 * n, 0.05), rng.vec(2 * n, 0.05));
        let fl = rng.vec(2 * n, 2.0);
        let warped = poisoned(&[4, h, w]);
        let (i2t, g2t, flt) = (upload(&[h, w], &i2), upload(&[2, h, w], &g2), upload(&[2, h, w], &fl));
        run1(|p| flow::record_refine_warp(g, p, &i2t, &g2t, &flt, &warped));
        let want_w = cpu::refine_warp(&i2, &g2, &fl, w, h);
        assert_close(&format!("refine_warp {what}"), &warped.read(g).unwrap(), &want_w, TOL);

        let derivs = poisoned(&[9, h, w]);
        let (wt, i1t, g1t) = (upload(&[4, h, w], &want_w), upload(&[h, w], &i1), upload(&[2, h, w], &g1));
        run1(|p| flow::record_refine_derivs(g, p, &wt, &i1t, &g1t, &derivs));
        let want_d = cpu::refine_derivs(&want_w, &i1, &g1, w, h);
        assert_close(&format!("refine_derivs {what}"), &derivs.read(g).unwrap(), &want_d, TOL);

        // smoothness weights of a smooth flow plus noise (the weights span orders of magnitude)
        let smooth: Vec<f32> = (0..2 * n).map(|i| (i % n) as f32 * 0.01 + rng.uniform() * 0.05).collect();
        let weights = poisoned(&[h, w]);
        run1(|p| flow::record_refine_smooth(g, p, &upload(&[2, h, w], &smooth), &weights, r.alpha));
        let want_s = cpu::refine_smooth(&smooth, w, h, r.alpha);
        assert_close(&format!("refine_smooth {what}"), &weights.read(g).unwrap(), &want_s, TOL);

        // three SOR sweeps from the flow w0 + noise
        let f0 = rng.vec(2 * n, 2.0);
        let start: Vec<f32> = f0.iter().map(|v| v + rng.uniform() * 0.2).collect();
        let ft = upload(&[2, h, w], &start);
        let (dt, f0t, st) = (upload(&[9, h, w], &want_d), upload(&[2, h, w], &f0), upload(&[h, w], &want_s));
        run1(|p| {
            for _ in 0..3 {
                flow::record_refine_sor(g, p, &dt, &f0t, &st, &ft, &r);
            }
        });
        let mut want_f = start.clone();
        for _ in 0..3 {
            cpu::refine_sor(&want_d, &f0, &want_s, &mut want_f, w, h, &r);
        }
        assert_close(&format!("refine_sor {what}"), &ft.read(g).unwrap(), &want_f, TOL);
        if n > 1 {
            assert!(want_f != start, "{what}: the sweeps changed nothing");
        }
    }
}

/// The pairs kept in tests/data/flow (tools/flow-test-pairs: 96x72 crops of synthetic pairs with
/// exact ground truth) with the EPE each must stay under: about 1.5x what the defaults measure
/// (0.096, 0.279, 0.064, 0.099, 0.058 px; BENCHMARKS.md), and at most 1.5x DIS-medium's EPE on the
/// same crop (meta.json; issue 11's target). The first two and the last are crops at the corner the
/// motion leaves through (11-21% of the matches outside); rubberwhale1_m20 is nearly flat (gray
/// level standard deviation 3 of 255) with 13 px of motion.
const KEPT_PAIRS: &[(&str, f64)] = &[
    ("coffee_m20", 0.15),
    ("rubberwhale1_m20", 0.42),
    ("tree0045_m8", 0.10),
    ("kandinsky_composition_viii_m2", 0.15),
    ("starry_night_m8", 0.09),
];

#[test]
fn flow_matches_ground_truth_on_kept_pairs() {
    let g = gpu();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/flow");
    let mut report = Vec::new();
    for &(name, limit) in KEPT_PAIRS {
        let d = dir.join(name);
        let a = image::open(d.join("frame1.png")).unwrap().to_rgb8();
        let b = image::open(d.join("frame2.png")).unwrap().to_rgb8();
        let gt = flo::read(&d.join("gt.flo")).unwrap();
        let pair = flow::estimate(g, &a, &b, &FlowConfig::default(), false).unwrap();
        let e = flow::epe(&pair.forward, &gt.data, &d.join("gt.flo")).unwrap();
        let meta = std::fs::read_to_string(d.join("meta.json")).unwrap();
        let dis: f64 =
            meta.split("\"dis_medium_epe\":").nth(1).unwrap().trim().trim_end_matches('}').trim().parse().unwrap();
        report.push(format!("{name}: EPE {:.4} (limit {limit}, DIS-medium {dis:.4})", e.mean));
        assert!(e.mean < limit && e.mean <= 1.5 * dis, "{}", report.join("\n"));
    }
    eprintln!("{}", report.join("\n"));
}

/// Translations that carry a fifth to a quarter of a 96x72 frame out of view: the pixels whose match
/// leaves the frame have no data and must take the motion of those that stay. Limits about 2x the
/// EPE measured (0.035, 0.018, 0.077, 0.019 px). Larger shares fail here and in DIS-medium alike
/// (-30 px: EPE 33 and 30 px; (20, -20): 33 and 32 px; BENCHMARKS.md): the motion is then more
/// than the coarsest level (12x9 px) can see.
#[test]
fn flow_follows_motion_that_leaves_the_frame() {
    let g = gpu();
    let (w, h) = (96u32, 72u32);
    let n = (w * h) as usize;
    // (dx, dy, EPE limit over all pixels)
    for &(dx, dy, limit) in &[(12.0f32, -9.0f32, 0.07f64), (-16.0, 5.0, 0.04), (9.5, 6.25, 0.15), (-20.0, -3.0, 0.04)] {
        let a = texture(w, h, 0.0, 0.0, 11);
        let b = texture(w, h, dx, dy, 11);
        let f = flow::estimate(g, &a, &b, &FlowConfig::default(), false).unwrap().forward;
        let inside = (w as f32 - dx.abs()) * (h as f32 - dy.abs()) / (w * h) as f32;
        let epe = (0..n).map(|i| ((f[i] - dx).powi(2) + (f[n + i] - dy).powi(2)).sqrt() as f64).sum::<f64>() / n as f64;
        eprintln!("translation ({dx}, {dy}), {:.0}% of the matches inside: EPE {epe:.4} px", inside * 100.0);
        assert!(epe < limit, "translation ({dx}, {dy}), {:.0}% inside: EPE {epe:.3} px >= {limit}", inside * 100.0);
    }
}

/// A smooth random texture, sampled at (x - dx, y - dy): frame2(x + d) = frame1(x).
fn texture(w: u32, h: u32, dx: f32, dy: f32, seed: u64) -> image::RgbImage {
    let mut r = paintflow::rng::Rng::new(seed);
    let waves: Vec<(f32, f32, f32, f32)> =
        (0..12).map(|_| (r.unit() * 0.25 + 0.04, r.unit() * 0.25 + 0.04, r.unit() * 6.3, r.unit() * 6.3)).collect();
    image::RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 - dx, y as f32 - dy);
        let v: f32 = waves.iter().map(|(a, b, p, q)| (a * fx + p).sin() * (b * fy + q).cos()).sum::<f32>() / 12.0;
        let c = (127.5 + 120.0 * v).clamp(0.0, 255.0) as u8;
        image::Rgb([c, c / 2 + 60, 255 - c])
    })
}

#[test]
fn flow_recovers_known_translations() {
    let g = gpu();
    for &(dx, dy) in &[(0.0f32, 0.0f32), (1.5, -0.75), (-6.0, 4.0)] {
        let (w, h) = (96u32, 72u32);
        let a = texture(w, h, 0.0, 0.0, 7);
        let b = texture(w, h, dx, dy, 7);
        let pair = flow::estimate(g, &a, &b, &FlowConfig::default(), true).unwrap();
        let f = pair.forward;
        let n = (w * h) as usize;
        // EPE over the interior (pixels whose match stays inside the frame)
        let mut err = 0.0;
        let mut cnt = 0;
        for y in 12..h as usize - 12 {
            for x in 12..w as usize - 12 {
                let i = y * w as usize + x;
                err += ((f[i] - dx).powi(2) + (f[n + i] - dy).powi(2)).sqrt() as f64;
                cnt += 1;
            }
        }
        let epe = err / cnt as f64;
        assert!(epe < 0.15, "translation ({dx}, {dy}): EPE {epe:.3} px");
        let bw = pair.backward.unwrap();
        let m = pair.consistency.unwrap();
        assert_close("GPU consistency weights", &m, &cpu::consistency(&f, &bw, w as usize, h as usize), TOL);
        // a translation is consistent away from the borders it leaves through
        let interior: Vec<f32> = (0..n)
            .filter(|i| {
                (8..w as usize - 8).contains(&(i % w as usize)) && (8..h as usize - 8).contains(&(i / w as usize))
            })
            .map(|i| m[i])
            .collect();
        let mean = interior.iter().sum::<f32>() / interior.len() as f32;
        assert!(mean > 0.9, "translation ({dx}, {dy}): mean interior consistency {mean}");
        let mean_b: f32 = bw[..n].iter().sum::<f32>() / n as f32;
        assert!((mean_b + dx).abs() < 0.3, "backward flow mean u {mean_b} for dx {dx}");
    }
}

/// Zeros without end; refuses to serve more than 1 MiB, so a reader that does not bound what it
/// reads fails the test instead of exhausting memory.
struct Endless {
    served: usize,
}

impl std::io::Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        assert!(self.served < 1 << 20, "read {} bytes past the end of a .flo file", self.served);
        buf.fill(0);
        self.served += buf.len();
        Ok(buf.len())
    }
}

#[test]
fn flo_round_trip_and_bad_files() {
    let dir = std::env::temp_dir().join(format!("paintflow-flo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = flo::FlowField { width: 5, height: 3, data: (0..30).map(|i| i as f32 * 0.25 - 3.0).collect() };
    let p = dir.join("a.flo");
    flo::write(&p, &f).unwrap();
    assert_eq!(flo::read(&p).unwrap(), f);
    let bytes = std::fs::read(&p).unwrap();
    let mut bad = bytes.clone();
    bad[0] ^= 0xff;
    let e = flo::decode(&p, &bad).unwrap_err().to_string();
    assert!(e.contains("magic"), "{e}");
    let e = flo::decode(&p, &bytes[..bytes.len() - 4]).unwrap_err().to_string();
    assert!(e.contains("truncated"), "{e}");
    let e = flo::decode(&p, &bytes[..6]).unwrap_err().to_string();
    assert!(e.contains("too short"), "{e}");
    // through `read`: truncated, one byte too many, an implausible size, a file that never ends
    for (cut, what) in [(bytes.len() - 1, "truncated"), (5, "too short")] {
        std::fs::write(&p, &bytes[..cut]).unwrap();
        let e = flo::read(&p).unwrap_err().to_string();
        assert!(e.starts_with(&format!("{}: ", p.display())) && e.contains(what), "{e}");
    }
    let mut long = bytes.clone();
    long.push(0);
    std::fs::write(&p, &long).unwrap();
    let e = flo::read(&p).unwrap_err().to_string();
    assert!(e.contains("5x3 flow needs 132 bytes, the file has more"), "{e}");
    assert!(flo::decode(&p, &long).unwrap_err().to_string().contains("has 133 (trailing data"));
    let mut big = bytes[..12].to_vec();
    big[4..8].copy_from_slice(&(1i32 << 20).to_le_bytes());
    assert!(flo::decode(&p, &big).unwrap_err().to_string().contains("implausible size 1048576x3"));
    // a valid header, then data without end: an error after reading one byte more than needed
    let mut endless = std::io::Read::chain(&bytes[..], Endless { served: 0 });
    let e = flo::read_from(&p, &mut endless).unwrap_err().to_string();
    assert!(e.contains("5x3 flow needs 132 bytes, the file has more"), "{e}");
    if Path::new("/dev/zero").exists() {
        // zeros are not the magic number; the header is read, never the endless rest
        let e = flo::read(Path::new("/dev/zero")).unwrap_err().to_string();
        assert!(e.starts_with("/dev/zero: bad magic number 0"), "{e}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn epe_leaves_out_unknown_ground_truth() {
    let name = Path::new("gt.flo");
    // 4 pixels: u plane then v plane
    let flow = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    let unknown = flo::UNKNOWN_FLOW_THRESH * 10.0;
    let gt = [0.0, unknown, f32::NAN, 0.0, 0.0, 0.0, 0.0, -f32::INFINITY];
    let e = flow::epe(&flow, &gt, name).unwrap();
    assert_eq!((e.mean, e.valid, e.excluded), (1.0, 1, 3));
    // exactly at the threshold is still known (Middlebury: unknown is strictly above)
    let gt = [0.0, flo::UNKNOWN_FLOW_THRESH, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    assert_eq!(flow::epe(&[0.0; 8], &gt, name).unwrap().excluded, 0);
    // nothing known: an error naming the file, not NaN
    let gt = [unknown, f32::NAN, 0.0, f32::INFINITY, 0.0, 0.0, -unknown, 0.0];
    let e = flow::epe(&flow, &gt, name).unwrap_err().to_string();
    assert!(e.starts_with("gt.flo: no pixel of the ground truth is known (all 4"), "{e}");
    // a non-finite estimate where the ground truth is known
    let e = flow::epe(&[f32::NAN, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], &[0.0; 8], name).unwrap_err().to_string();
    let want = "gt.flo: the endpoint error over 4 known pixels is NaN (the estimated flow is NaN or infinite at 1 of";
    assert!(e.starts_with(want), "{e}");
    let e = flow::epe(&[f32::MAX, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], &[0.0; 8], name);
    assert!(e.is_ok(), "f32::MAX differences are finite in f64: {e:?}");
    let e = flow::epe(&[0.0; 6], &[0.0; 8], name).unwrap_err().to_string();
    assert!(e.contains("ground truth has 8 values, the flow 6"), "{e}");
}
