//! Plain-Rust references of every kernel in shaders/flow.wgsl (same border rules), for tests.

fn at(p: &[f32], x: isize, y: isize, w: usize, h: usize) -> f32 {
    p[y.clamp(0, h as isize - 1) as usize * w + x.clamp(0, w as isize - 1) as usize]
}

/// Whether (x, y) lies inside the frame (pixel centres 0 .. w-1, 0 .. h-1): the twin of
/// `in_frame` in shaders/flow.wgsl.
fn in_frame(x: f32, y: f32, w: usize, h: usize) -> bool {
    x >= 0.0 && y >= 0.0 && x <= (w - 1) as f32 && y <= (h - 1) as f32
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
        let valid = if in_frame(x, y, w, h) { 1.0 } else { 0.0 };
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
            let inside = in_frame(x, y, w, h);
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

/// CPU twin of `record_refine_warp`: [I2, I2x, I2y, valid] at x + flow.
pub fn refine_warp(i2: &[f32], grad2: &[f32], flow: &[f32], w: usize, h: usize) -> Vec<f32> {
    let n = w * h;
    let mut out = vec![0.0; 4 * n];
    for i in 0..n {
        let (x, y) = ((i % w) as f32 + flow[i], (i / w) as f32 + flow[n + i]);
        let inside = in_frame(x, y, w, h);
        out[i] = bilinear(i2, w, h, x, y);
        out[n + i] = bilinear(&grad2[..n], w, h, x, y);
        out[2 * n + i] = bilinear(&grad2[n..], w, h, x, y);
        out[3 * n + i] = if inside { 1.0 } else { 0.0 };
    }
    out
}

/// CPU twin of `record_refine_derivs`: three normalised constraint rows on 0..255 intensities.
pub fn refine_derivs(warped: &[f32], i1: &[f32], grad1: &[f32], w: usize, h: usize) -> Vec<f32> {
    const SCALE: f32 = 255.0;
    const ZETA2: f32 = 0.01;
    let n = w * h;
    let mean_grad = |x: isize, y: isize| {
        let j = y.clamp(0, h as isize - 1) as usize * w + x.clamp(0, w as isize - 1) as usize;
        (0.5 * (warped[n + j] + grad1[j]), 0.5 * (warped[2 * n + j] + grad1[n + j]))
    };
    let mut out = vec![0.0; 9 * n];
    for i in 0..n {
        let (x, y) = ((i % w) as isize, (i / w) as isize);
        let valid = warped[3 * n + i];
        let g = mean_grad(x, y);
        let (r, l, d, u) = (mean_grad(x + 1, y), mean_grad(x - 1, y), mean_grad(x, y + 1), mean_grad(x, y - 1));
        let (ixx, iyx) = (0.5 * SCALE * (r.0 - l.0), 0.5 * SCALE * (r.1 - l.1));
        let (ixy, iyy) = (0.5 * SCALE * (d.0 - u.0), 0.5 * SCALE * (d.1 - u.1));
        let ixy = 0.5 * (iyx + ixy);
        let rows = [
            (SCALE * g.0, SCALE * g.1, SCALE * (warped[i] - i1[i])),
            (ixx, ixy, SCALE * (warped[n + i] - grad1[i])),
            (ixy, iyy, SCALE * (warped[2 * n + i] - grad1[n + i])),
        ];
        for (row, (k1, k2, k0)) in rows.into_iter().enumerate() {
            let s = valid / (k1 * k1 + k2 * k2 + ZETA2).sqrt();
            out[3 * row * n + i] = s * k1;
            out[(3 * row + 1) * n + i] = s * k2;
            out[(3 * row + 2) * n + i] = s * k0;
        }
    }
    out
}

/// CPU twin of `record_refine_smooth`: alpha / sqrt(|grad u|^2 + |grad v|^2 + eps^2), forward
/// differences clamped at the last column / row.
pub fn refine_smooth(flow: &[f32], w: usize, h: usize, alpha: f32) -> Vec<f32> {
    let n = w * h;
    (0..n)
        .map(|i| {
            let (x, y) = ((i % w) as isize, (i / w) as isize);
            let g: f32 = [&flow[..n], &flow[n..]]
                .iter()
                .map(|p| {
                    let (dx, dy) = (at(p, x + 1, y, w, h) - p[i], at(p, x, y + 1, w, h) - p[i]);
                    dx * dx + dy * dy
                })
                .sum();
            alpha / (g + 1e-6).sqrt()
        })
        .collect()
}

/// CPU twin of `record_refine_sor`: one red-black SOR sweep (parity 0, then 1) on `flow` in place.
pub fn refine_sor(
    derivs: &[f32],
    flow0: &[f32],
    weights: &[f32],
    flow: &mut [f32],
    w: usize,
    h: usize,
    r: &super::Refine,
) {
    let n = w * h;
    for parity in 0..2 {
        for i in 0..n {
            let (x, y) = (i % w, i / w);
            if (x + y) % 2 != parity {
                continue;
            }
            let (w0u, w0v) = (flow0[i], flow0[n + i]);
            let (du, dv) = (flow[i] - w0u, flow[n + i] - w0v);
            let row = |j: usize| (derivs[3 * j * n + i], derivs[(3 * j + 1) * n + i], derivs[(3 * j + 2) * n + i]);
            let res = |j: usize| {
                let (k1, k2, k0) = row(j);
                k1 * du + k2 * dv + k0
            };
            let pb = r.delta / (res(0) * res(0) + 1e-6).sqrt();
            let pg = r.gamma / (res(1) * res(1) + res(2) * res(2) + 1e-6).sqrt();
            let (mut a11, mut a12, mut a22, mut r1, mut r2) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for (j, wt) in [pb, pg, pg].into_iter().enumerate() {
                let (k1, k2, k0) = row(j);
                a11 += wt * k1 * k1;
                a12 += wt * k1 * k2;
                a22 += wt * k2 * k2;
                r1 -= wt * k0 * k1;
                r2 -= wt * k0 * k2;
            }
            // links to the neighbours inside the frame: right/down weigh this pixel's weight,
            // left/up the neighbour's
            let mut links = Vec::with_capacity(4);
            if x + 1 < w {
                links.push((i + 1, weights[i]));
            }
            if x > 0 {
                links.push((i - 1, weights[i - 1]));
            }
            if y + 1 < h {
                links.push((i + w, weights[i]));
            }
            if y > 0 {
                links.push((i - w, weights[i - w]));
            }
            let s: f32 = links.iter().map(|l| l.1).sum();
            a11 += s;
            a22 += s;
            r1 += links.iter().map(|&(q, c)| c * flow[q]).sum::<f32>() - s * w0u;
            r2 += links.iter().map(|&(q, c)| c * flow[n + q]).sum::<f32>() - s * w0v;
            let det = a11 * a22 - a12 * a12;
            if det > 1e-12 {
                let (su, sv) = ((a22 * r1 - a12 * r2) / det, (a11 * r2 - a12 * r1) / det);
                flow[i] = w0u + du + (su - du) * r.omega;
                flow[n + i] = w0v + dv + (sv - dv) * r.omega;
            }
        }
    }
}
