// The feed-forward style network (real-time mode, src/stylenet.rs): reflect padding (with an
// optional nearest-neighbour 2x upsampling folded in), k x k convolutions of stride 1 or 2 on
// the padded input, conditional instance norm (per-channel mean and variance, style-weighted
// gamma and beta) with its activation and the residual add, and the conversions from packed
// RGBA8 to planar [0, 1] and back. Planes are [C, H, W].

struct Params {
    c: u32,        // channels of the input (pad, conv) or of the tensor normalised
    h: u32,        // input height (pad: before upsampling; conv: padded input)
    w: u32,
    oh: u32,       // output height
    ow: u32,
    k: u32,        // conv kernel side (3 or 9)
    stride: u32,   // conv stride (1 or 2)
    cout: u32,     // conv output channels
    pad: u32,      // pad: border width
    up: u32,       // pad: 2 upsamples (nearest) before padding, 1 does not
    act: u32,      // norm: 0 none, 1 ReLU, 2 sigmoid
    residual: u32, // norm: 1 adds `skip` after the activation
    chunk: u32,    // norm_partial: elements per partial sum
    parts: u32,    // norm_partial: partial sums per channel
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
@group(0) @binding(3) var<storage, read> wt: array<vec4<f32>>;      // conv: [ci][ky][kx][co / 4]
@group(0) @binding(4) var<storage, read_write> stats: array<f32>;   // norm: partials, then mean / rstd
@group(0) @binding(5) var<storage, read> affine: array<f32>;        // norm: gamma [C], beta [C]
@group(0) @binding(6) var<storage, read> skip: array<f32>;          // norm: the residual input
@group(0) @binding(7) var<storage, read> rgba: array<u32>;          // to_planar: packed pixels
@group(0) @binding(8) var<storage, read_write> rgba_out: array<u32>; // to_rgba: packed pixels

// Reflect v into 0 .. n-1 (mirror about the edge pixel; a 1-pixel side repeats).
fn mirror(v: i32, n: i32) -> i32 {
    var r = v;
    if n >= 2 {
        if r < 0 { r = -r; }
        if r >= n { r = 2 * (n - 1) - r; }
    }
    return clamp(r, 0, n - 1);
}

// dst [C, up*H + 2 pad, up*W + 2 pad] = the input, upsampled by p.up (nearest), reflect-padded.
@compute @workgroup_size(WG)
fn reflect_pad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.c * p.oh * p.ow { return; }
    let x = i32(i % p.ow) - i32(p.pad);
    let y = i32((i / p.ow) % p.oh) - i32(p.pad);
    let c = i / (p.ow * p.oh);
    let sy = u32(mirror(y, i32(p.h * p.up))) / p.up;
    let sx = u32(mirror(x, i32(p.w * p.up))) / p.up;
    dst[i] = src[(c * p.h + sy) * p.w + sx];
}

// dst [cout, oh, ow] = the k x k convolution of the padded input [c, h, w] with stride p.stride
// (no padding of its own): one invocation computes 4 output channels of one pixel.
@compute @workgroup_size(WG)
fn conv_kxk(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    let oc4 = (p.cout + 3u) / 4u;
    if i >= oc4 * p.oh * p.ow { return; }
    let x = i % p.ow;
    let y = (i / p.ow) % p.oh;
    let q = i / (p.ow * p.oh);
    var acc = vec4(0.0);
    for (var ci = 0u; ci < p.c; ci++) {
        for (var ky = 0u; ky < p.k; ky++) {
            let row = (ci * p.h + y * p.stride + ky) * p.w + x * p.stride;
            let wrow = ((ci * p.k + ky) * p.k) * oc4 + q;
            for (var kx = 0u; kx < p.k; kx++) {
                acc = fma(vec4(src[row + kx]), wt[wrow + kx * oc4], acc);
            }
        }
    }
    for (var j = 0u; j < 4u; j++) {
        let co = q * 4u + j;
        if co < p.cout { dst[(co * p.oh + y) * p.ow + x] = acc[j]; }
    }
}

// Instance-norm statistics, pass 1: stats[c * parts + k] holds the sum and, at an offset of
// C * parts, the sum of squares of chunk k of channel c (Kahan-compensated).
@compute @workgroup_size(WG)
fn norm_partial(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.c * p.parts { return; }
    let k = i % p.parts;
    let c = i / p.parts;
    let n = p.h * p.w;
    let i0 = k * p.chunk;
    let i1 = min(i0 + p.chunk, n);
    var s = 0.0;
    var cs = 0.0;
    var q = 0.0;
    var cq = 0.0;
    for (var j = i0; j < i1; j++) {
        let v = src[c * n + j];
        let t = s + (v - cs);
        cs = (t - s) - (v - cs);
        s = t;
        let v2 = v * v;
        let u = q + (v2 - cq);
        cq = (u - q) - (v2 - cq);
        q = u;
    }
    stats[i] = s;
    stats[p.c * p.parts + i] = q;
}

// Pass 2, one invocation per channel: mean and 1 / sqrt(biased variance + 1e-5) into
// stats[2 C parts + 2c], [.. + 1]. The variance is E[x^2] - mean^2 in f32 from compensated sums;
// activations here are O(1..100), far from where that cancels badly (the golden test checks).
@compute @workgroup_size(WG)
fn norm_final(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) lid: u32) {
    let c = flat_index(wid, nwg, lid);
    if c >= p.c { return; }
    var s = 0.0;
    var q = 0.0;
    for (var k = 0u; k < p.parts; k++) {
        s += stats[c * p.parts + k];
        q += stats[p.c * p.parts + c * p.parts + k];
    }
    let n = f32(p.h * p.w);
    let mean = s / n;
    let var_ = max(q / n - mean * mean, 0.0);
    stats[2u * p.c * p.parts + 2u * c] = mean;
    stats[2u * p.c * p.parts + 2u * c + 1u] = inverseSqrt(var_ + 1e-5);
}

// dst = act((src - mean) * rstd * gamma + beta) (+ skip).
@compute @workgroup_size(WG)
fn norm_apply(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    let n = p.h * p.w;
    if i >= p.c * n { return; }
    let c = i / n;
    let at = 2u * p.c * p.parts + 2u * c;
    var v = (src[i] - stats[at]) * stats[at + 1u] * affine[c] + affine[p.c + c];
    if p.act == 1u { v = max(v, 0.0); }
    if p.act == 2u { v = 1.0 / (1.0 + exp(-v)); }
    if p.residual != 0u { v += skip[i]; }
    dst[i] = v;
}

// Packed RGBA8 pixels -> planar RGB in [0, 1].
@compute @workgroup_size(WG)
fn to_planar(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    let n = p.h * p.w;
    if i >= n { return; }
    let v = rgba[i];
    dst[i] = f32(v & 255u) / 255.0;
    dst[n + i] = f32((v >> 8u) & 255u) / 255.0;
    dst[2u * n + i] = f32((v >> 16u) & 255u) / 255.0;
}

// Planar RGB in [0, 1] -> packed RGBA8 (rounded, alpha 255).
@compute @workgroup_size(WG)
fn to_rgba(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
           @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    let n = p.h * p.w;
    if i >= n { return; }
    let c = clamp(round(vec4(src[i], src[n + i], src[2u * n + i], 1.0) * 255.0), vec4(0.0), vec4(255.0));
    rgba_out[i] = u32(c.x) | (u32(c.y) << 8u) | (u32(c.z) << 16u) | (u32(c.w) << 24u);
}
