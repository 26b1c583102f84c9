// Dense pyramidal Lucas-Kanade optical flow and its helpers. Images are single-channel planes
// [H, W] (gray, 0..1); flows are [2, H, W] (u then v, pixels). Borders replicate (clamp).
//
// The LK step is the dense form: the window sums of the structure tensor and of the mismatch
// vector are separable Gaussian blurs of per-pixel products, with the second image warped by
// each pixel's own current flow. That costs a few dozen loads per pixel per iteration instead of
// a full window of bilinear samples, and agrees with classic LK where the flow is smooth.

struct Params {
    w: u32,
    h: u32,
    k: u32,        // channels (blur, warp)
    radius: u32,   // blur radius
    sigma: f32,    // blur sigma
    lambda: f32,   // Tikhonov term added to the structure tensor's diagonal
    sw: u32,       // source width  (pyr_down, upsample)
    sh: u32,       // source height
    alpha: f32,    // refinement: smoothness weight
    delta: f32,    // refinement: brightness-constancy weight
    gamma: f32,    // refinement: gradient-constancy weight
    omega: f32,    // refinement: SOR relaxation
    parity: u32,   // refinement: which red-black half (x + y) % 2 a sweep updates
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> o: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read> c: array<f32>;
@group(0) @binding(5) var<storage, read> rgba: array<u32>;
@group(0) @binding(6) var<storage, read> i1: array<f32>;

fn at(buf_off: u32, x: i32, y: i32, w: u32, h: u32) -> u32 {
    return buf_off + u32(clamp(y, 0, i32(h) - 1)) * w + u32(clamp(x, 0, i32(w) - 1));
}

// The four neighbours and weights of a bilinear sample at (x, y) of a w x h plane, clamped to
// the border; add the plane's offset to the indices.
struct Taps {
    i00: u32,
    i10: u32,
    i01: u32,
    i11: u32,
    fx: f32,
    fy: f32,
}

fn taps(x: f32, y: f32, w: u32, h: u32) -> Taps {
    let xc = clamp(x, 0.0, f32(w - 1u));
    let yc = clamp(y, 0.0, f32(h - 1u));
    let x0 = floor(xc);
    let y0 = floor(yc);
    let ix = i32(x0);
    let iy = i32(y0);
    return Taps(at(0u, ix, iy, w, h), at(0u, ix + 1, iy, w, h), at(0u, ix, iy + 1, w, h), at(0u, ix + 1, iy + 1, w, h),
                xc - x0, yc - y0);
}

fn blend4(t: Taps, v00: f32, v10: f32, v01: f32, v11: f32) -> f32 {
    return mix(mix(v00, v10, t.fx), mix(v01, v11, t.fx), t.fy);
}

fn sample_a(off: u32, t: Taps) -> f32 {
    return blend4(t, a[off + t.i00], a[off + t.i10], a[off + t.i01], a[off + t.i11]);
}

// Bilinear sample of plane `off` of `a` (size p.w x p.h) at (x, y), clamped to the border.
fn bilinear_a(off: u32, x: f32, y: f32) -> f32 {
    return sample_a(off, taps(x, y, p.w, p.h));
}

// o = 0 over p.k planes (the coarsest level starts from zero flow).
@compute @workgroup_size(WG)
fn fill_zero(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.w * p.h * p.k { return; }
    o[i] = 0.0;
}

// Gray level in 0..1 of packed RGBA8 (Rec. 601 luma).
@compute @workgroup_size(WG)
fn gray(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.w * p.h { return; }
    let v = rgba[i];
    let r = f32(v & 255u);
    let g = f32((v >> 8u) & 255u);
    let bl = f32((v >> 16u) & 255u);
    o[i] = (0.299 * r + 0.587 * g + 0.114 * bl) / 255.0;
}

// Next pyramid level: 5x5 binomial blur ([1 4 6 4 1]/16 each way) sampled at even pixels.
// Source p.sw x p.sh, destination p.w x p.h.
@compute @workgroup_size(WG)
fn pyr_down(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.w * p.h { return; }
    let x = i32(i % p.w) * 2;
    let y = i32(i / p.w) * 2;
    let k = array<f32, 5>(1.0, 4.0, 6.0, 4.0, 1.0);
    var s = 0.0;
    for (var dy = 0; dy < 5; dy++) {
        var row = 0.0;
        for (var dx = 0; dx < 5; dx++) {
            row += k[dx] * a[at(0u, x + dx - 2, y + dy - 2, p.sw, p.sh)];
        }
        s += k[dy] * row;
    }
    o[i] = s / 256.0;
}

// Scharr gradients of plane a: o = [Ix, Iy].
@compute @workgroup_size(WG)
fn gradient(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    let n = p.w * p.h;
    if i >= n { return; }
    let x = i32(i % p.w);
    let y = i32(i / p.w);
    let tl = a[at(0u, x - 1, y - 1, p.w, p.h)];
    let tc = a[at(0u, x, y - 1, p.w, p.h)];
    let tr = a[at(0u, x + 1, y - 1, p.w, p.h)];
    let ml = a[at(0u, x - 1, y, p.w, p.h)];
    let mr = a[at(0u, x + 1, y, p.w, p.h)];
    let bl = a[at(0u, x - 1, y + 1, p.w, p.h)];
    let bc = a[at(0u, x, y + 1, p.w, p.h)];
    let br = a[at(0u, x + 1, y + 1, p.w, p.h)];
    o[i] = (3.0 * (tr - tl) + 10.0 * (mr - ml) + 3.0 * (br - bl)) / 32.0;
    o[n + i] = (3.0 * (bl - tl) + 10.0 * (bc - tc) + 3.0 * (br - tr)) / 32.0;
}

fn gauss_weight(d: i32) -> f32 {
    return exp(-f32(d * d) / (2.0 * p.sigma * p.sigma));
}

// Separable Gaussian blur of p.k planes, one axis per pass (normalised weights, clamped borders).
fn blur_along(i: u32, dx: i32, dy: i32) {
    let n = p.w * p.h;
    if i >= n * p.k { return; }
    let plane = i / n;
    let x = i32(i % p.w);
    let y = i32((i % n) / p.w);
    let r = i32(p.radius);
    var s = 0.0;
    var ws = 0.0;
    for (var d = -r; d <= r; d++) {
        let wgt = gauss_weight(d);
        s += wgt * a[at(plane * n, x + d * dx, y + d * dy, p.w, p.h)];
        ws += wgt;
    }
    o[i] = s / ws;
}

@compute @workgroup_size(WG)
fn blur_h(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
          @builtin(local_invocation_index) lid: u32) {
    blur_along(flat_index(wid, nwg, lid), 1, 0);
}

@compute @workgroup_size(WG)
fn blur_v(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
          @builtin(local_invocation_index) lid: u32) {
    blur_along(flat_index(wid, nwg, lid), 0, 1);
}

// Whether the point (x, y) lies inside the frame (pixel centres 0 .. w-1, 0 .. h-1), where bilinear
// sampling has real data on every side.
fn in_frame(x: f32, y: f32) -> bool {
    return x >= 0.0 && y >= 0.0 && x <= f32(p.w - 1u) && y <= f32(p.h - 1u);
}

// Per-pixel LK products: with a = I2, b = [Ix, Iy] of I1, c = flow [u, v], i1 = I1 and
// It = I2(x + u) - I1(x): o = [Ix It, Iy It, Ix^2, Ix Iy, Iy^2]. A pixel whose displaced position
// falls outside I2 has no data there, so all five products are zero for it: the window sums
// then rest on the pixels that do see I2, and border regions follow their neighbours instead of
// matching against clamped border values.
@compute @workgroup_size(WG)
fn mismatch(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    let n = p.w * p.h;
    if i >= n { return; }
    let x = f32(i % p.w) + c[i];
    let y = f32(i / p.w) + c[n + i];
    let inside = in_frame(x, y);
    let valid = select(0.0, 1.0, inside);
    let it = bilinear_a(0u, x, y) - i1[i];
    let ix = b[i] * valid;
    let iy = b[n + i] * valid;
    o[i] = ix * it;
    o[n + i] = iy * it;
    o[2u * n + i] = ix * ix;
    o[3u * n + i] = ix * iy;
    o[4u * n + i] = iy * iy;
}

// Gauss-Newton update of the flow o = [u, v] from a = window sums of the five products of
// `mismatch`: (S + lambda I) d = -[Sxt, Syt]. The Tikhonov term keeps flat or edge-only
// (aperture) regions near the coarser estimate instead of letting them explode.
@compute @workgroup_size(WG)
fn solve(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
         @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    let n = p.w * p.h;
    if i >= n { return; }
    let bx = a[i];
    let by = a[n + i];
    let sxx = a[2u * n + i] + p.lambda;
    let sxy = a[3u * n + i];
    let syy = a[4u * n + i] + p.lambda;
    let det = sxx * syy - sxy * sxy;
    if det > 1e-12 {
        o[i] += -(syy * bx - sxy * by) / det;
        o[n + i] += -(sxx * by - sxy * bx) / det;
    }
}

fn sort2(a: ptr<function, array<f32, 9>>, i: i32, j: i32) {
    let x = (*a)[i];
    let y = (*a)[j];
    (*a)[i] = min(x, y);
    (*a)[j] = max(x, y);
}

// 3x3 median of each of p.k planes (a -> o): removes isolated outliers of the LK solution.
@compute @workgroup_size(WG)
fn median3(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
           @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    let n = p.w * p.h;
    if i >= n * p.k { return; }
    let plane = i / n;
    let x = i32(i % p.w);
    let y = i32((i % n) / p.w);
    var v: array<f32, 9>;
    for (var dy = -1; dy <= 1; dy++) {
        for (var dx = -1; dx <= 1; dx++) {
            v[(dy + 1) * 3 + dx + 1] = a[at(plane * n, x + dx, y + dy, p.w, p.h)];
        }
    }
    // Optimal 19-comparator median-of-9 network (Paeth).
    sort2(&v, 1, 2); sort2(&v, 4, 5); sort2(&v, 7, 8);
    sort2(&v, 0, 1); sort2(&v, 3, 4); sort2(&v, 6, 7);
    sort2(&v, 1, 2); sort2(&v, 4, 5); sort2(&v, 7, 8);
    sort2(&v, 0, 3); sort2(&v, 5, 8); sort2(&v, 4, 7);
    sort2(&v, 3, 6); sort2(&v, 1, 4); sort2(&v, 2, 5);
    sort2(&v, 4, 7); sort2(&v, 4, 2); sort2(&v, 6, 4);
    sort2(&v, 4, 2);
    o[i] = v[4];
}

// Flow of the next finer level: bilinear upsampling of a (p.sw x p.sh) to p.w x p.h, scaled by
// the size ratio.
@compute @workgroup_size(WG)
fn upsample(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    let n = p.w * p.h;
    if i >= n { return; }
    let sx = f32(p.sw) / f32(p.w);
    let sy = f32(p.sh) / f32(p.h);
    let x = (f32(i % p.w) + 0.5) * sx - 0.5;
    let y = (f32(i / p.w) + 0.5) * sy - 0.5;
    let t = taps(x, y, p.sw, p.sh);
    let sn = p.sw * p.sh;
    o[i] = sample_a(0u, t) / sx;
    o[n + i] = sample_a(sn, t) / sy;
}

// Warp p.k planes of a along the flow b = [u, v]: o(x) = a(x + flow(x)), bilinear, clamped.
@compute @workgroup_size(WG)
fn warp(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    let n = p.w * p.h;
    if i >= n { return; }
    let x = f32(i % p.w) + b[i];
    let y = f32(i / p.w) + b[n + i];
    for (var c = 0u; c < p.k; c++) {
        o[c * n + i] = bilinear_a(c * n, x, y);
    }
}

// Forward-backward consistency (Ruder et al. 2016): a = forward flow A->B, b = backward flow
// B->A. o = 1 where consistent, 0 where the match leaves the image, is occluded
// (|a + b(x + a)|^2 > 0.01 (|a|^2 + |b(x + a)|^2) + 0.5) or lies on a motion boundary of a
// (|grad u|^2 + |grad v|^2 > 0.01 |a|^2 + 0.002, central differences, clamped at the border).
// The caller smooths the result into weights (Gaussian, sigma 0.8, as Ruder et al.).
@compute @workgroup_size(WG)
fn consistency(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    let n = p.w * p.h;
    if i >= n { return; }
    let wf = vec2(a[i], a[n + i]);
    let ix = i32(i % p.w);
    let iy = i32(i / p.w);
    let x = f32(ix) + wf.x;
    let y = f32(iy) + wf.y;
    var ok = in_frame(x, y);
    // the backward flow b, sampled bilinearly at (x, y)
    let t = taps(x, y, p.w, p.h);
    let wb = vec2(blend4(t, b[t.i00], b[t.i10], b[t.i01], b[t.i11]),
                  blend4(t, b[n + t.i00], b[n + t.i10], b[n + t.i01], b[n + t.i11]));
    let s = wf + wb;
    if dot(s, s) > 0.01 * (dot(wf, wf) + dot(wb, wb)) + 0.5 { ok = false; }
    var g = 0.0;
    for (var c = 0u; c < 2u; c++) {
        let dx = 0.5 * (a[at(c * n, ix + 1, iy, p.w, p.h)] - a[at(c * n, ix - 1, iy, p.w, p.h)]);
        let dy = 0.5 * (a[at(c * n, ix, iy + 1, p.w, p.h)] - a[at(c * n, ix, iy - 1, p.w, p.h)]);
        g += dx * dx + dy * dy;
    }
    if g > 0.01 * dot(wf, wf) + 0.002 { ok = false; }
    o[i] = select(0.0, 1.0, ok);
}

// ---- Variational refinement (as DIS, Kroeger et al. 2016): after the LK update of a level, a
// few fixed-point / red-black SOR sweeps on the linearised Euler-Lagrange equations of
//   delta Psi((I2(x + w) - I1)^2) + gamma Psi(|grad I2(x + w) - grad I1|^2) + alpha Psi(|grad u|^2 + |grad v|^2),
// Psi(s^2) = sqrt(s^2 + eps^2), linearised around the flow w0 entering the refinement. The data
// terms (which pull towards the image) and the smoothness (which carries flow from textured into
// flat regions and from the interior to where the match leaves the frame) balance per pixel.
// Intensities are scaled to 0..255 so the weights mean what they mean in OpenCV.

const REFINE_SCALE: f32 = 255.0;
const REFINE_EPS2: f32 = 1e-6;   // eps = 0.001, as OpenCV

// Second image and its gradients at x + w0: a = I2, c = [I2x, I2y], b = w0.
// o = [I2(x + w0), I2x(x + w0), I2y(x + w0), valid], valid = 1 where x + w0 lies inside the frame
// (elsewhere there is no data: the pixel takes its flow from its neighbours).
@compute @workgroup_size(WG)
fn refine_warp(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    let n = p.w * p.h;
    if i >= n { return; }
    let x = f32(i % p.w) + b[i];
    let y = f32(i / p.w) + b[n + i];
    let inside = in_frame(x, y);
    let t = taps(x, y, p.w, p.h);
    o[i] = sample_a(0u, t);
    o[n + i] = blend4(t, c[t.i00], c[t.i10], c[t.i01], c[t.i11]);
    o[2u * n + i] = blend4(t, c[n + t.i00], c[n + t.i10], c[n + t.i01], c[n + t.i11]);
    o[3u * n + i] = select(0.0, 1.0, inside);
}

// The average (first and warped second image) x/y gradient at a clamped pixel.
fn mean_grad(x: i32, y: i32) -> vec2<f32> {
    let n = p.w * p.h;
    let j = at(0u, x, y, p.w, p.h);
    return 0.5 * vec2(a[n + j] + b[j], a[2u * n + j] + b[n + j]);
}

// Linearised data terms from a = refine_warp's output, b = [I1x, I1y], i1 = I1 (all 0..1), as
// three constraint rows (k1, k2, k0) with k1 du + k2 dv + k0 = 0 at a perfect match:
// o = [Ix, Iy, Iz | Ixx, Ixy, Ixz | Ixy, Iyy, Iyz] on 0..255 intensities, each row divided by
// sqrt(k1^2 + k2^2 + zeta^2) (the normalised data term of Zimmer et al., as OpenCV: strong edges
// do not outweigh the smoothness more than weak texture does), zero where the match leaves the
// frame. Ix, Iy average both images' gradients; the second derivatives are central differences
// of that average.
const REFINE_ZETA2: f32 = 0.01;  // zeta = 0.1, as OpenCV

fn put_row(i: u32, row: u32, k1: f32, k2: f32, k0: f32, valid: f32) {
    let n = p.w * p.h;
    let s = valid / sqrt(k1 * k1 + k2 * k2 + REFINE_ZETA2);
    o[(3u * row) * n + i] = s * k1;
    o[(3u * row + 1u) * n + i] = s * k2;
    o[(3u * row + 2u) * n + i] = s * k0;
}

@compute @workgroup_size(WG)
fn refine_derivs(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    let n = p.w * p.h;
    if i >= n { return; }
    let x = i32(i % p.w);
    let y = i32(i / p.w);
    let valid = a[3u * n + i];
    let g = REFINE_SCALE * mean_grad(x, y);
    let gx = (0.5 * REFINE_SCALE) * (mean_grad(x + 1, y) - mean_grad(x - 1, y));
    let gy = (0.5 * REFINE_SCALE) * (mean_grad(x, y + 1) - mean_grad(x, y - 1));
    let ixy = 0.5 * (gx.y + gy.x);
    put_row(i, 0u, g.x, g.y, REFINE_SCALE * (a[i] - i1[i]), valid);
    put_row(i, 1u, gx.x, ixy, REFINE_SCALE * (a[n + i] - b[i]), valid);
    put_row(i, 2u, ixy, gy.y, REFINE_SCALE * (a[2u * n + i] - b[n + i]), valid);
}

// Smoothness weights of the flow a = [u, v]: o = alpha / sqrt(|grad u|^2 + |grad v|^2 + eps^2),
// forward differences (zero past the last column / row). The weight of the link between a pixel
// and its right (lower) neighbour is this pixel's.
@compute @workgroup_size(WG)
fn refine_smooth(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    let n = p.w * p.h;
    if i >= n { return; }
    let x = i32(i % p.w);
    let y = i32(i / p.w);
    var g = 0.0;
    for (var c = 0u; c < 2u; c++) {
        let v = a[c * n + i];
        let dx = a[at(c * n, x + 1, y, p.w, p.h)] - v;
        let dy = a[at(c * n, x, y + 1, p.w, p.h)] - v;
        g += dx * dx + dy * dy;
    }
    o[i] = p.alpha / sqrt(g + REFINE_EPS2);
}

// One red-black SOR half-sweep on the flow o = [u, v] (in place: pixels with (x + y) % 2 ==
// p.parity read only the other half). a = refine_derivs' 9 planes, b = w0 (the flow the data
// terms are linearised around), c = refine_smooth's weights. Per pixel the 2x2 system
//   (A + S I) dw = rhs + sum_q s_pq w_q - S w0,   dw = w - w0,
// with the robust data weights taken at the current dw (lagged, as a fixed-point iteration).
@compute @workgroup_size(WG)
fn refine_sor(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) lid: u32) {
    // one invocation per pixel of this half: row y holds ceil(w / 2) slots, the slot k at
    // x = 2k + (y + parity) % 2 (the last slot of a row is empty when that passes the edge)
    let half = (p.w + 1u) / 2u;
    let t = flat_index(wid, nwg, lid);
    if t >= half * p.h { return; }
    let yu = t / half;
    let xu = 2u * (t % half) + (yu + p.parity) % 2u;
    if xu >= p.w { return; }
    let n = p.w * p.h;
    let i = yu * p.w + xu;
    let x = i32(xu);
    let y = i32(yu);
    let w0 = vec2(b[i], b[n + i]);
    let w = vec2(o[i], o[n + i]);
    let dw = w - w0;
    // the three constraint rows of refine_derivs and their residuals at dw
    var k: array<vec3<f32>, 3>;
    var res: array<f32, 3>;
    for (var j = 0u; j < 3u; j++) {
        k[j] = vec3(a[3u * j * n + i], a[(3u * j + 1u) * n + i], a[(3u * j + 2u) * n + i]);
        res[j] = dot(k[j], vec3(dw, 1.0));
    }
    let pb = p.delta / sqrt(res[0] * res[0] + REFINE_EPS2);
    let pg = p.gamma / sqrt(res[1] * res[1] + res[2] * res[2] + REFINE_EPS2);
    let wr = array<f32, 3>(pb, pg, pg);
    var a11 = 0.0;
    var a12 = 0.0;
    var a22 = 0.0;
    var r = vec2(0.0, 0.0);
    for (var j = 0u; j < 3u; j++) {
        a11 += wr[j] * k[j].x * k[j].x;
        a12 += wr[j] * k[j].x * k[j].y;
        a22 += wr[j] * k[j].y * k[j].y;
        r -= wr[j] * k[j].z * k[j].xy;
    }
    // smoothness links to the 4 neighbours inside the frame
    var s = 0.0;
    var nb = vec2(0.0, 0.0);
    if x + 1 < i32(p.w) {
        let q = i + 1u;
        s += c[i];
        nb += c[i] * vec2(o[q], o[n + q]);
    }
    if x > 0 {
        let q = i - 1u;
        s += c[q];
        nb += c[q] * vec2(o[q], o[n + q]);
    }
    if y + 1 < i32(p.h) {
        let q = i + p.w;
        s += c[i];
        nb += c[i] * vec2(o[q], o[n + q]);
    }
    if y > 0 {
        let q = i - p.w;
        s += c[q];
        nb += c[q] * vec2(o[q], o[n + q]);
    }
    a11 += s;
    a22 += s;
    r += nb - s * w0;
    let det = a11 * a22 - a12 * a12;
    if det > 1e-12 {
        let sol = vec2(a22 * r.x - a12 * r.y, a11 * r.y - a12 * r.x) / det;
        let nw = w0 + mix(dw, sol, p.omega);
        o[i] = nw.x;
        o[n + i] = nw.y;
    }
}
