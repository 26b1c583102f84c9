//! Plain-Rust references of every kernel in shaders/flow.wgsl (same border rules), for tests.

fn at(p: &[f32], x: isize, y: isize, w: usize, h: usize) -> f32 {
    p[y.clamp(0, h as isize - 1) as usize * w + x.clamp(0, w as isize - 1) as usize]
}

pub fn bilinear(p: &[f32], w: usize, h: usize, x: f32, y: f32) -> f32 {
    let xc = x.clamp(0.0, (w - 1) as f32);
    let yc = y.clamp(0.0, (h - 1) as f32);
    let (x0, y0) = (xc.floor(), yc.floor());
    let (fx, fy) = (xc - x0, yc - y0);
    let (ix, iy) = (x0 as isize, y0 as isize);
    let top = at(p, ix, iy, w, h) * (1.0 - fx) + at(p, ix + 1, iy, w, h) * fx;
    let bot = at(p, ix, iy + 1, w, h) * (1.0 - fx) + at(p, ix + 1, iy + 1, w, h) * fx;
    top * (1.0 - fy) + bot * fy
}

/// A zero flow (the coarsest level's start).
pub fn fill_zero(len: usize) -> Vec<f32> {
    vec![0.0; len]
}

pub fn gray(rgb: &[u8]) -> Vec<f32> {
    rgb.chunks_exact(3).map(|c| (0.299 * c[0] as f32 + 0.587 * c[1] as f32 + 0.114 * c[2] as f32) / 255.0).collect()
}

pub fn pyr_down(src: &[f32], sw: usize, sh: usize) -> (Vec<f32>, usize, usize) {
    let (w, h) = (sw.div_ceil(2), sh.div_ceil(2));
    let k = [1.0, 4.0, 6.0, 4.0, 1.0];
    let mut out = vec![0.0; w * h];
    for y in 0..h {
        for x in 0..w {
            let mut s = 0.0;
            for dy in 0..5 {
                for dx in 0..5 {
                    s += k[dy] * k[dx] * at(src, (2 * x + dx) as isize - 2, (2 * y + dy) as isize - 2, sw, sh);
                }
            }
            out[y * w + x] = s / 256.0;
        }
    }
    (out, w, h)
}

pub fn gradient(p: &[f32], w: usize, h: usize) -> Vec<f32> {
    let n = w * h;
    let mut out = vec![0.0; 2 * n];
    for y in 0..h as isize {
        for x in 0..w as isize {
            let v = |dx: isize, dy: isize| at(p, x + dx, y + dy, w, h);
            let i = y as usize * w + x as usize;
            out[i] = (3.0 * (v(1, -1) - v(-1, -1)) + 10.0 * (v(1, 0) - v(-1, 0)) + 3.0 * (v(1, 1) - v(-1, 1))) / 32.0;
            out[n + i] =
                (3.0 * (v(-1, 1) - v(-1, -1)) + 10.0 * (v(0, 1) - v(0, -1)) + 3.0 * (v(1, 1) - v(1, -1))) / 32.0;
        }
    }
    out
}

/// Separable Gaussian blur of k planes, window `window` (radius window/2, sigma window/4).
pub fn blur(src: &[f32], w: usize, h: usize, k: usize, window: usize) -> Vec<f32> {
    gauss(src, w, h, k, window / 2, super::window_sigma(window))
}

/// CPU twin of `record_gauss`: separable normalised Gaussian (taps -radius..=radius), clamped borders.
pub fn gauss(src: &[f32], w: usize, h: usize, k: usize, radius: usize, sigma: f32) -> Vec<f32> {
    let r = radius as isize;
    let wt: Vec<f32> = (-r..=r).map(|d| (-((d * d) as f32) / (2.0 * sigma * sigma)).exp()).collect();
    let ws: f32 = wt.iter().sum();
    let n = w * h;
    let mut tmp = vec![0.0; k * n];
    let mut out = vec![0.0; k * n];
    for c in 0..k {
        let p = &src[c * n..(c + 1) * n];
        for y in 0..h as isize {
            for x in 0..w as isize {
                tmp[c * n + y as usize * w + x as usize] =
                    (-r..=r).map(|d| wt[(d + r) as usize] * at(p, x + d, y, w, h)).sum::<f32>() / ws;
            }
        }
        let t = &tmp[c * n..(c + 1) * n];
        for y in 0..h as isize {
            for x in 0..w as isize {
                out[c * n + y as usize * w + x as usize] =
                    (-r..=r).map(|d| wt[(d + r) as usize] * at(t, x, y + d, w, h)).sum::<f32>() / ws;
            }
        }
    }
    out
}

pub fn mismatch(i2: &[f32], grad: &[f32], flow: &[f32], i1: &[f32], w: usize, h: usize) -> Vec<f32> {
    let n = w * h;
    let mut out = vec![0.0; 5 * n];
    for i in 0..n {
        let (x, y) = ((i % w) as f32 + flow[i], (i / w) as f32 + flow[n + i]);
        let valid = if x >= 0.0 && y >= 0.0 && x <= (w - 1) as f32 && y <= (h - 1) as f32 { 1.0 } else { 0.0 };
        let it = bilinear(i2, w, h, x, y) - i1[i];
        let (ix, iy) = (grad[i] * valid, grad[n + i] * valid);
        out[i] = ix * it;
        out[n + i] = iy * it;
        out[2 * n + i] = ix * ix;
        out[3 * n + i] = ix * iy;
        out[4 * n + i] = iy * iy;
    }
    out
}

/// One Gauss-Newton update from the window sums of the five `mismatch` products.
pub fn solve(sums: &[f32], flow: &mut [f32], n: usize, lambda: f32) {
    for i in 0..n {
        let (bx, by) = (sums[i], sums[n + i]);
        let (sxx, sxy, syy) = (sums[2 * n + i] + lambda, sums[3 * n + i], sums[4 * n + i] + lambda);
        let det = sxx * syy - sxy * sxy;
        if det > 1e-12 {
            flow[i] += -(syy * bx - sxy * by) / det;
            flow[n + i] += -(sxx * by - sxy * bx) / det;
        }
    }
}

pub fn median3(src: &[f32], w: usize, h: usize, k: usize) -> Vec<f32> {
    let n = w * h;
    let mut out = vec![0.0; k * n];
    for c in 0..k {
        let p = &src[c * n..(c + 1) * n];
        for y in 0..h as isize {
            for x in 0..w as isize {
                let mut v: Vec<f32> = (-1..=1)
                    .flat_map(|dy| (-1..=1).map(move |dx| (dx, dy)))
                    .map(|(dx, dy)| at(p, x + dx, y + dy, w, h))
                    .collect();
                v.sort_by(|a, b| a.partial_cmp(b).unwrap());
                out[c * n + y as usize * w + x as usize] = v[4];
            }
        }
    }
    out
}

pub fn upsample(src: &[f32], sw: usize, sh: usize, w: usize, h: usize) -> Vec<f32> {
    let (sx, sy) = (sw as f32 / w as f32, sh as f32 / h as f32);
    let (n, sn) = (w * h, sw * sh);
    let mut out = vec![0.0; 2 * n];
    for i in 0..n {
        let x = ((i % w) as f32 + 0.5) * sx - 0.5;
        let y = ((i / w) as f32 + 0.5) * sy - 0.5;
        out[i] = bilinear(&src[..sn], sw, sh, x, y) / sx;
        out[n + i] = bilinear(&src[sn..], sw, sh, x, y) / sy;
    }
    out
}

pub fn warp(src: &[f32], flow: &[f32], w: usize, h: usize, k: usize) -> Vec<f32> {
    let n = w * h;
    let mut out = vec![0.0; k * n];
    for i in 0..n {
        let (x, y) = ((i % w) as f32 + flow[i], (i / w) as f32 + flow[n + i]);
        for c in 0..k {
            out[c * n + i] = bilinear(&src[c * n..(c + 1) * n], w, h, x, y);
        }
    }
    out
}

pub fn consistency(fwd: &[f32], bwd: &[f32], w: usize, h: usize) -> Vec<f32> {
    let n = w * h;
    let raw: Vec<f32> = (0..n)
        .map(|i| {
            let (u, v) = (fwd[i], fwd[n + i]);
            let (ix, iy) = ((i % w) as isize, (i / w) as isize);
            let (x, y) = (ix as f32 + u, iy as f32 + v);
            let inside = x >= 0.0 && y >= 0.0 && x <= (w - 1) as f32 && y <= (h - 1) as f32;
            let (bu, bv) = (bilinear(&bwd[..n], w, h, x, y), bilinear(&bwd[n..], w, h, x, y));
            let (su, sv) = (u + bu, v + bv);
            let occluded = su * su + sv * sv > 0.01 * (u * u + v * v + bu * bu + bv * bv) + 0.5;
            // motion boundary: the flow's own gradient (central differences, clamped)
            let grad: f32 = [&fwd[..n], &fwd[n..]]
                .iter()
                .map(|p| {
                    let dx = 0.5 * (at(p, ix + 1, iy, w, h) - at(p, ix - 1, iy, w, h));
                    let dy = 0.5 * (at(p, ix, iy + 1, w, h) - at(p, ix, iy - 1, w, h));
                    dx * dx + dy * dy
                })
                .sum();
            let boundary = grad > 0.01 * (u * u + v * v) + 0.002;
            if inside && !occluded && !boundary {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    gauss(&raw, w, h, 1, super::CONSISTENCY_RADIUS, super::CONSISTENCY_SIGMA)
}
