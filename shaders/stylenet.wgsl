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
    act: u32,      // norm: 0 none, 1 ReLU, 2 sigmoid; conv_k*: 1 applies the previous norm + ReLU
                   // to the input as it is read
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
// conv_k*: the layer's weights [ci][ky][kx][ov * 4] (rows padded to 8 floats), a 64 KiB window
@group(0) @binding(9) var<uniform> wk: array<vec4<f32>, 4096>;
// norm_partial4: the same tensor as `src`, four values per load
@group(0) @binding(10) var<storage, read> src4: array<vec4<f32>>;
// norm_apply4: `dst` and `skip`, four values per load and store
@group(0) @binding(11) var<storage, read_write> dst4: array<vec4<f32>>;
@group(0) @binding(12) var<storage, read> skip4: array<vec4<f32>>;
// conv_k*v: the reflect-padded input, rows a multiple of 4 wide, four values per load
@group(0) @binding(13) var<storage, read> src4_padded: array<vec4<f32>>;

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
// Grid: x = column, y = row, z = channel (no integer division per element: CPU drivers
// scalarise it).
@compute @workgroup_size(WG)
fn reflect_pad(@builtin(global_invocation_id) g: vec3<u32>) {
    if g.x >= p.ow { return; }
    let sy = u32(mirror(i32(g.y) - i32(p.pad), i32(p.h * p.up))) >> (p.up - 1u);
    let sx = u32(mirror(i32(g.x) - i32(p.pad), i32(p.w * p.up))) >> (p.up - 1u);
    dst[(g.z * p.oh + g.y) * p.ow + g.x] = src[(g.z * p.h + sy) * p.w + sx];
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

// Instance-norm statistics. stats[2c], stats[2c + 1]: the channel's scale rstd * gamma and shift
// beta - mean * scale (so applying the norm is one multiply-add, here or fused into the next
// convolution's loads); from STATS_PARTS on, the partial sums.
const STATS_PARTS: u32 = 64u;

// Pass 1: stats[STATS_PARTS + c * parts + k] holds the sum and, C * parts further, the sum of
// squares of chunk k of channel c (Kahan-compensated).
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
    stats[STATS_PARTS + i] = s;
    stats[STATS_PARTS + p.c * p.parts + i] = q;
}

// norm_partial for planes of a multiple of 4 values (p.chunk too): vec4 loads, a quarter of
// the load sequences CPU drivers emit per value (each lane's load is a masked per-lane
// sequence there); four compensated sums per invocation, added at the end.
@compute @workgroup_size(WG)
fn norm_partial4(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.c * p.parts { return; }
    let k = i % p.parts;
    let c = i / p.parts;
    let n4 = p.h * p.w / 4u;
    let i0 = k * p.chunk / 4u;
    let i1 = min(i0 + p.chunk / 4u, n4);
    var s = vec4(0.0);
    var cs = vec4(0.0);
    var q = vec4(0.0);
    var cq = vec4(0.0);
    for (var j = i0; j < i1; j++) {
        let v = src4[c * n4 + j];
        let t = s + (v - cs);
        cs = (t - s) - (v - cs);
        s = t;
        let v2 = v * v;
        let u = q + (v2 - cq);
        cq = (u - q) - (v2 - cq);
        q = u;
    }
    stats[STATS_PARTS + i] = (s.x + s.y) + (s.z + s.w);
    stats[STATS_PARTS + p.c * p.parts + i] = (q.x + q.y) + (q.z + q.w);
}

// Pass 2, one invocation per channel: mean and 1 / sqrt(biased variance + 1e-5), folded with
// gamma and beta into the scale and shift. The variance is E[x^2] - mean^2 in f32 from
// compensated sums; activations here are O(1..100), far from where that cancels badly (the
// golden test checks).
@compute @workgroup_size(WG)
fn norm_final(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) lid: u32) {
    let c = flat_index(wid, nwg, lid);
    if c >= p.c { return; }
    var s = 0.0;
    var q = 0.0;
    for (var k = 0u; k < p.parts; k++) {
        s += stats[STATS_PARTS + c * p.parts + k];
        q += stats[STATS_PARTS + p.c * p.parts + c * p.parts + k];
    }
    let n = f32(p.h * p.w);
    let mean = s / n;
    let var_ = max(q / n - mean * mean, 0.0);
    let scale = inverseSqrt(var_ + 1e-5) * affine[c];
    stats[2u * c] = scale;
    stats[2u * c + 1u] = affine[p.c + c] - mean * scale;
}

// dst = act((src - mean) * rstd * gamma + beta) (+ skip). Grid: x = pixel of the plane (striding
// by the grid's width past 65535 workgroups), y = channel.
@compute @workgroup_size(WG)
fn norm_apply(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let n = p.h * p.w;
    for (var j = g.x; j < n; j += nwg.x * WG) {
        norm_one(g.y, g.y * n + j);
    }
}

// norm_apply on planes of a multiple of 4 values, four per invocation (x = vec4 of the plane).
@compute @workgroup_size(WG)
fn norm_apply4(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let n4 = p.h * p.w / 4u;
    let c = g.y;
    let scale = stats[2u * c];
    let shift = stats[2u * c + 1u];
    for (var j = g.x; j < n4; j += nwg.x * WG) {
        let i = c * n4 + j;
        var v = src4[i] * scale + shift;
        if p.act == 1u { v = max(v, vec4(0.0)); }
        if p.act == 2u { v = 1.0 / (1.0 + exp(-v)); }
        if p.residual != 0u { v += skip4[i]; }
        dst4[i] = v;
    }
}

fn norm_one(c: u32, i: u32) {
    var v = src[i] * stats[2u * c] + stats[2u * c + 1u];
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

// The convolutions for CPU drivers with subgroups: one invocation per block of 4 or 8 output
// pixels of a row and one group of output channels (grid: x = pixel block, y = row, z = channel
// group; the entry point's name gives the shape), workgroups of 16. They read the unpadded input [c, h, w]
// through the reflect padding (p.pad) and nearest upsampling (p.up) themselves, so no padded
// copy is made: padded coordinate v reads input row/column mirror(v - pad) / up.
const CONV_SG_WG: u32 = 16u;

fn src_row(v: u32) -> u32 {
    return u32(mirror(i32(v) - i32(p.pad), i32(p.h * p.up))) >> (p.up - 1u);
}

fn src_col(v: u32) -> u32 {
    return u32(mirror(i32(v) - i32(p.pad), i32(p.w * p.up))) >> (p.up - 1u);
}

// An input value as the convolution uses it: with p.act == 1, the previous layer's norm and
// ReLU applied on the way in (its output is never written).
fn pre(v: f32, scale: f32, shift: f32) -> f32 {
    return select(v, max(v * scale + shift, 0.0), p.act == 1u);
}

// v clamped into 0 .. n - 1 (the upsampling convolutions' edge).
fn clamp_to(v: i32, n: u32) -> u32 {
    return u32(clamp(v, 0, i32(n) - 1));
}

// dst at (x, y) for output channels k0 .. k0 + 3, when they exist.
fn put_out(x: u32, y: u32, k0: u32, a: vec4<f32>) {
    if x >= p.ow { return; }
    for (var k = 0u; k < 4u; k++) {
        let co = k0 + k;
        if co < p.cout { dst[(co * p.oh + y) * p.ow + x] = a[k]; }
    }
}
// BEGIN generated by tests/generated_wgsl.rs (PAINTFLOW_BLESS=1 rewrites it)

// 9x9 convolution, stride 1, up to 32 output channels, 4 pixels per invocation.
@compute @workgroup_size(CONV_SG_WG)
fn conv_k9s1o8(@builtin(global_invocation_id) g: vec3<u32>,
             @builtin(subgroup_invocation_id) sid: u32) {
    // every lane stays to the end (subgroupBroadcast); only the stores are guarded
    let live = g.x * 4u < p.ow;
    let y = g.y;
    let x0 = g.x * 4u;
    let lane = sid & 7u;
    // channel group z: output channels from 32z, weights from group z's rows
    let wz = g.z * p.c * 2592u;
    let k0 = g.z * 32u;
    var a0_0 = vec4(0.0); var a0_1 = vec4(0.0); var a0_2 = vec4(0.0); var a0_3 = vec4(0.0); var a0_4 = vec4(0.0);
    var a0_5 = vec4(0.0); var a0_6 = vec4(0.0); var a0_7 = vec4(0.0);
    var a1_0 = vec4(0.0); var a1_1 = vec4(0.0); var a1_2 = vec4(0.0); var a1_3 = vec4(0.0); var a1_4 = vec4(0.0);
    var a1_5 = vec4(0.0); var a1_6 = vec4(0.0); var a1_7 = vec4(0.0);
    var a2_0 = vec4(0.0); var a2_1 = vec4(0.0); var a2_2 = vec4(0.0); var a2_3 = vec4(0.0); var a2_4 = vec4(0.0);
    var a2_5 = vec4(0.0); var a2_6 = vec4(0.0); var a2_7 = vec4(0.0);
    var a3_0 = vec4(0.0); var a3_1 = vec4(0.0); var a3_2 = vec4(0.0); var a3_3 = vec4(0.0); var a3_4 = vec4(0.0);
    var a3_5 = vec4(0.0); var a3_6 = vec4(0.0); var a3_7 = vec4(0.0);
    for (var ci = 0u; ci < p.c; ci++) {
        let sc = stats[2u * ci];
        let sh = stats[2u * ci + 1u];
        for (var ky = 0u; ky < 9u; ky++) {
            let row = (ci * p.h + src_row(y * 1u + ky)) * p.w;
            let v0 = vec4(pre(src[row + src_col(x0 + 0u)], sc, sh));
            let v1 = vec4(pre(src[row + src_col(x0 + 1u)], sc, sh));
            let v2 = vec4(pre(src[row + src_col(x0 + 2u)], sc, sh));
            let v3 = vec4(pre(src[row + src_col(x0 + 3u)], sc, sh));
            let v4 = vec4(pre(src[row + src_col(x0 + 4u)], sc, sh));
            let v5 = vec4(pre(src[row + src_col(x0 + 5u)], sc, sh));
            let v6 = vec4(pre(src[row + src_col(x0 + 6u)], sc, sh));
            let v7 = vec4(pre(src[row + src_col(x0 + 7u)], sc, sh));
            let v8 = vec4(pre(src[row + src_col(x0 + 8u)], sc, sh));
            let v9 = vec4(pre(src[row + src_col(x0 + 9u)], sc, sh));
            let v10 = vec4(pre(src[row + src_col(x0 + 10u)], sc, sh));
            let v11 = vec4(pre(src[row + src_col(x0 + 11u)], sc, sh));
            let wf = wz + (ci * 9u + ky) * 288u + lane;
            let g0 = wk[(wf + 0u) / 4u][(wf + 0u) % 4u]; let g1 = wk[(wf + 8u) / 4u][(wf + 8u) % 4u];
            let g2 = wk[(wf + 16u) / 4u][(wf + 16u) % 4u]; let g3 = wk[(wf + 24u) / 4u][(wf + 24u) % 4u];
            let g4 = wk[(wf + 32u) / 4u][(wf + 32u) % 4u]; let g5 = wk[(wf + 40u) / 4u][(wf + 40u) % 4u];
            let g6 = wk[(wf + 48u) / 4u][(wf + 48u) % 4u]; let g7 = wk[(wf + 56u) / 4u][(wf + 56u) % 4u];
            let g8 = wk[(wf + 64u) / 4u][(wf + 64u) % 4u]; let g9 = wk[(wf + 72u) / 4u][(wf + 72u) % 4u];
            let g10 = wk[(wf + 80u) / 4u][(wf + 80u) % 4u]; let g11 = wk[(wf + 88u) / 4u][(wf + 88u) % 4u];
            let g12 = wk[(wf + 96u) / 4u][(wf + 96u) % 4u]; let g13 = wk[(wf + 104u) / 4u][(wf + 104u) % 4u];
            let g14 = wk[(wf + 112u) / 4u][(wf + 112u) % 4u]; let g15 = wk[(wf + 120u) / 4u][(wf + 120u) % 4u];
            let g16 = wk[(wf + 128u) / 4u][(wf + 128u) % 4u]; let g17 = wk[(wf + 136u) / 4u][(wf + 136u) % 4u];
            let g18 = wk[(wf + 144u) / 4u][(wf + 144u) % 4u]; let g19 = wk[(wf + 152u) / 4u][(wf + 152u) % 4u];
            let g20 = wk[(wf + 160u) / 4u][(wf + 160u) % 4u]; let g21 = wk[(wf + 168u) / 4u][(wf + 168u) % 4u];
            let g22 = wk[(wf + 176u) / 4u][(wf + 176u) % 4u]; let g23 = wk[(wf + 184u) / 4u][(wf + 184u) % 4u];
            let g24 = wk[(wf + 192u) / 4u][(wf + 192u) % 4u]; let g25 = wk[(wf + 200u) / 4u][(wf + 200u) % 4u];
            let g26 = wk[(wf + 208u) / 4u][(wf + 208u) % 4u]; let g27 = wk[(wf + 216u) / 4u][(wf + 216u) % 4u];
            let g28 = wk[(wf + 224u) / 4u][(wf + 224u) % 4u]; let g29 = wk[(wf + 232u) / 4u][(wf + 232u) % 4u];
            let g30 = wk[(wf + 240u) / 4u][(wf + 240u) % 4u]; let g31 = wk[(wf + 248u) / 4u][(wf + 248u) % 4u];
            let g32 = wk[(wf + 256u) / 4u][(wf + 256u) % 4u]; let g33 = wk[(wf + 264u) / 4u][(wf + 264u) % 4u];
            let g34 = wk[(wf + 272u) / 4u][(wf + 272u) % 4u]; let g35 = wk[(wf + 280u) / 4u][(wf + 280u) % 4u];
            let w0_0 = vec4(subgroupBroadcast(g0, 0u), subgroupBroadcast(g0, 1u),
                             subgroupBroadcast(g0, 2u), subgroupBroadcast(g0, 3u));
            let w0_1 = vec4(subgroupBroadcast(g0, 4u), subgroupBroadcast(g0, 5u),
                             subgroupBroadcast(g0, 6u), subgroupBroadcast(g0, 7u));
            let w0_2 = vec4(subgroupBroadcast(g1, 0u), subgroupBroadcast(g1, 1u),
                             subgroupBroadcast(g1, 2u), subgroupBroadcast(g1, 3u));
            let w0_3 = vec4(subgroupBroadcast(g1, 4u), subgroupBroadcast(g1, 5u),
                             subgroupBroadcast(g1, 6u), subgroupBroadcast(g1, 7u));
            let w0_4 = vec4(subgroupBroadcast(g2, 0u), subgroupBroadcast(g2, 1u),
                             subgroupBroadcast(g2, 2u), subgroupBroadcast(g2, 3u));
            let w0_5 = vec4(subgroupBroadcast(g2, 4u), subgroupBroadcast(g2, 5u),
                             subgroupBroadcast(g2, 6u), subgroupBroadcast(g2, 7u));
            let w0_6 = vec4(subgroupBroadcast(g3, 0u), subgroupBroadcast(g3, 1u),
                             subgroupBroadcast(g3, 2u), subgroupBroadcast(g3, 3u));
            let w0_7 = vec4(subgroupBroadcast(g3, 4u), subgroupBroadcast(g3, 5u),
                             subgroupBroadcast(g3, 6u), subgroupBroadcast(g3, 7u));
            let w1_0 = vec4(subgroupBroadcast(g4, 0u), subgroupBroadcast(g4, 1u),
                             subgroupBroadcast(g4, 2u), subgroupBroadcast(g4, 3u));
            let w1_1 = vec4(subgroupBroadcast(g4, 4u), subgroupBroadcast(g4, 5u),
                             subgroupBroadcast(g4, 6u), subgroupBroadcast(g4, 7u));
            let w1_2 = vec4(subgroupBroadcast(g5, 0u), subgroupBroadcast(g5, 1u),
                             subgroupBroadcast(g5, 2u), subgroupBroadcast(g5, 3u));
            let w1_3 = vec4(subgroupBroadcast(g5, 4u), subgroupBroadcast(g5, 5u),
                             subgroupBroadcast(g5, 6u), subgroupBroadcast(g5, 7u));
            let w1_4 = vec4(subgroupBroadcast(g6, 0u), subgroupBroadcast(g6, 1u),
                             subgroupBroadcast(g6, 2u), subgroupBroadcast(g6, 3u));
            let w1_5 = vec4(subgroupBroadcast(g6, 4u), subgroupBroadcast(g6, 5u),
                             subgroupBroadcast(g6, 6u), subgroupBroadcast(g6, 7u));
            let w1_6 = vec4(subgroupBroadcast(g7, 0u), subgroupBroadcast(g7, 1u),
                             subgroupBroadcast(g7, 2u), subgroupBroadcast(g7, 3u));
            let w1_7 = vec4(subgroupBroadcast(g7, 4u), subgroupBroadcast(g7, 5u),
                             subgroupBroadcast(g7, 6u), subgroupBroadcast(g7, 7u));
            let w2_0 = vec4(subgroupBroadcast(g8, 0u), subgroupBroadcast(g8, 1u),
                             subgroupBroadcast(g8, 2u), subgroupBroadcast(g8, 3u));
            let w2_1 = vec4(subgroupBroadcast(g8, 4u), subgroupBroadcast(g8, 5u),
                             subgroupBroadcast(g8, 6u), subgroupBroadcast(g8, 7u));
            let w2_2 = vec4(subgroupBroadcast(g9, 0u), subgroupBroadcast(g9, 1u),
                             subgroupBroadcast(g9, 2u), subgroupBroadcast(g9, 3u));
            let w2_3 = vec4(subgroupBroadcast(g9, 4u), subgroupBroadcast(g9, 5u),
                             subgroupBroadcast(g9, 6u), subgroupBroadcast(g9, 7u));
            let w2_4 = vec4(subgroupBroadcast(g10, 0u), subgroupBroadcast(g10, 1u),
                             subgroupBroadcast(g10, 2u), subgroupBroadcast(g10, 3u));
            let w2_5 = vec4(subgroupBroadcast(g10, 4u), subgroupBroadcast(g10, 5u),
                             subgroupBroadcast(g10, 6u), subgroupBroadcast(g10, 7u));
            let w2_6 = vec4(subgroupBroadcast(g11, 0u), subgroupBroadcast(g11, 1u),
                             subgroupBroadcast(g11, 2u), subgroupBroadcast(g11, 3u));
            let w2_7 = vec4(subgroupBroadcast(g11, 4u), subgroupBroadcast(g11, 5u),
                             subgroupBroadcast(g11, 6u), subgroupBroadcast(g11, 7u));
            a0_0 = fma(v2, w2_0, fma(v1, w1_0, fma(v0, w0_0, a0_0)));
            a0_1 = fma(v2, w2_1, fma(v1, w1_1, fma(v0, w0_1, a0_1)));
            a0_2 = fma(v2, w2_2, fma(v1, w1_2, fma(v0, w0_2, a0_2)));
            a0_3 = fma(v2, w2_3, fma(v1, w1_3, fma(v0, w0_3, a0_3)));
            a0_4 = fma(v2, w2_4, fma(v1, w1_4, fma(v0, w0_4, a0_4)));
            a0_5 = fma(v2, w2_5, fma(v1, w1_5, fma(v0, w0_5, a0_5)));
            a0_6 = fma(v2, w2_6, fma(v1, w1_6, fma(v0, w0_6, a0_6)));
            a0_7 = fma(v2, w2_7, fma(v1, w1_7, fma(v0, w0_7, a0_7)));
            a1_0 = fma(v3, w2_0, fma(v2, w1_0, fma(v1, w0_0, a1_0)));
            a1_1 = fma(v3, w2_1, fma(v2, w1_1, fma(v1, w0_1, a1_1)));
            a1_2 = fma(v3, w2_2, fma(v2, w1_2, fma(v1, w0_2, a1_2)));
            a1_3 = fma(v3, w2_3, fma(v2, w1_3, fma(v1, w0_3, a1_3)));
            a1_4 = fma(v3, w2_4, fma(v2, w1_4, fma(v1, w0_4, a1_4)));
            a1_5 = fma(v3, w2_5, fma(v2, w1_5, fma(v1, w0_5, a1_5)));
            a1_6 = fma(v3, w2_6, fma(v2, w1_6, fma(v1, w0_6, a1_6)));
            a1_7 = fma(v3, w2_7, fma(v2, w1_7, fma(v1, w0_7, a1_7)));
            a2_0 = fma(v4, w2_0, fma(v3, w1_0, fma(v2, w0_0, a2_0)));
            a2_1 = fma(v4, w2_1, fma(v3, w1_1, fma(v2, w0_1, a2_1)));
            a2_2 = fma(v4, w2_2, fma(v3, w1_2, fma(v2, w0_2, a2_2)));
            a2_3 = fma(v4, w2_3, fma(v3, w1_3, fma(v2, w0_3, a2_3)));
            a2_4 = fma(v4, w2_4, fma(v3, w1_4, fma(v2, w0_4, a2_4)));
            a2_5 = fma(v4, w2_5, fma(v3, w1_5, fma(v2, w0_5, a2_5)));
            a2_6 = fma(v4, w2_6, fma(v3, w1_6, fma(v2, w0_6, a2_6)));
            a2_7 = fma(v4, w2_7, fma(v3, w1_7, fma(v2, w0_7, a2_7)));
            a3_0 = fma(v5, w2_0, fma(v4, w1_0, fma(v3, w0_0, a3_0)));
            a3_1 = fma(v5, w2_1, fma(v4, w1_1, fma(v3, w0_1, a3_1)));
            a3_2 = fma(v5, w2_2, fma(v4, w1_2, fma(v3, w0_2, a3_2)));
            a3_3 = fma(v5, w2_3, fma(v4, w1_3, fma(v3, w0_3, a3_3)));
            a3_4 = fma(v5, w2_4, fma(v4, w1_4, fma(v3, w0_4, a3_4)));
            a3_5 = fma(v5, w2_5, fma(v4, w1_5, fma(v3, w0_5, a3_5)));
            a3_6 = fma(v5, w2_6, fma(v4, w1_6, fma(v3, w0_6, a3_6)));
            a3_7 = fma(v5, w2_7, fma(v4, w1_7, fma(v3, w0_7, a3_7)));
            let w3_0 = vec4(subgroupBroadcast(g12, 0u), subgroupBroadcast(g12, 1u),
                             subgroupBroadcast(g12, 2u), subgroupBroadcast(g12, 3u));
            let w3_1 = vec4(subgroupBroadcast(g12, 4u), subgroupBroadcast(g12, 5u),
                             subgroupBroadcast(g12, 6u), subgroupBroadcast(g12, 7u));
            let w3_2 = vec4(subgroupBroadcast(g13, 0u), subgroupBroadcast(g13, 1u),
                             subgroupBroadcast(g13, 2u), subgroupBroadcast(g13, 3u));
            let w3_3 = vec4(subgroupBroadcast(g13, 4u), subgroupBroadcast(g13, 5u),
                             subgroupBroadcast(g13, 6u), subgroupBroadcast(g13, 7u));
            let w3_4 = vec4(subgroupBroadcast(g14, 0u), subgroupBroadcast(g14, 1u),
                             subgroupBroadcast(g14, 2u), subgroupBroadcast(g14, 3u));
            let w3_5 = vec4(subgroupBroadcast(g14, 4u), subgroupBroadcast(g14, 5u),
                             subgroupBroadcast(g14, 6u), subgroupBroadcast(g14, 7u));
            let w3_6 = vec4(subgroupBroadcast(g15, 0u), subgroupBroadcast(g15, 1u),
                             subgroupBroadcast(g15, 2u), subgroupBroadcast(g15, 3u));
            let w3_7 = vec4(subgroupBroadcast(g15, 4u), subgroupBroadcast(g15, 5u),
                             subgroupBroadcast(g15, 6u), subgroupBroadcast(g15, 7u));
            let w4_0 = vec4(subgroupBroadcast(g16, 0u), subgroupBroadcast(g16, 1u),
                             subgroupBroadcast(g16, 2u), subgroupBroadcast(g16, 3u));
            let w4_1 = vec4(subgroupBroadcast(g16, 4u), subgroupBroadcast(g16, 5u),
                             subgroupBroadcast(g16, 6u), subgroupBroadcast(g16, 7u));
            let w4_2 = vec4(subgroupBroadcast(g17, 0u), subgroupBroadcast(g17, 1u),
                             subgroupBroadcast(g17, 2u), subgroupBroadcast(g17, 3u));
            let w4_3 = vec4(subgroupBroadcast(g17, 4u), subgroupBroadcast(g17, 5u),
                             subgroupBroadcast(g17, 6u), subgroupBroadcast(g17, 7u));
            let w4_4 = vec4(subgroupBroadcast(g18, 0u), subgroupBroadcast(g18, 1u),
                             subgroupBroadcast(g18, 2u), subgroupBroadcast(g18, 3u));
            let w4_5 = vec4(subgroupBroadcast(g18, 4u), subgroupBroadcast(g18, 5u),
                             subgroupBroadcast(g18, 6u), subgroupBroadcast(g18, 7u));
            let w4_6 = vec4(subgroupBroadcast(g19, 0u), subgroupBroadcast(g19, 1u),
                             subgroupBroadcast(g19, 2u), subgroupBroadcast(g19, 3u));
            let w4_7 = vec4(subgroupBroadcast(g19, 4u), subgroupBroadcast(g19, 5u),
                             subgroupBroadcast(g19, 6u), subgroupBroadcast(g19, 7u));
            let w5_0 = vec4(subgroupBroadcast(g20, 0u), subgroupBroadcast(g20, 1u),
                             subgroupBroadcast(g20, 2u), subgroupBroadcast(g20, 3u));
            let w5_1 = vec4(subgroupBroadcast(g20, 4u), subgroupBroadcast(g20, 5u),
                             subgroupBroadcast(g20, 6u), subgroupBroadcast(g20, 7u));
            let w5_2 = vec4(subgroupBroadcast(g21, 0u), subgroupBroadcast(g21, 1u),
                             subgroupBroadcast(g21, 2u), subgroupBroadcast(g21, 3u));
            let w5_3 = vec4(subgroupBroadcast(g21, 4u), subgroupBroadcast(g21, 5u),
                             subgroupBroadcast(g21, 6u), subgroupBroadcast(g21, 7u));
            let w5_4 = vec4(subgroupBroadcast(g22, 0u), subgroupBroadcast(g22, 1u),
                             subgroupBroadcast(g22, 2u), subgroupBroadcast(g22, 3u));
            let w5_5 = vec4(subgroupBroadcast(g22, 4u), subgroupBroadcast(g22, 5u),
                             subgroupBroadcast(g22, 6u), subgroupBroadcast(g22, 7u));
            let w5_6 = vec4(subgroupBroadcast(g23, 0u), subgroupBroadcast(g23, 1u),
                             subgroupBroadcast(g23, 2u), subgroupBroadcast(g23, 3u));
            let w5_7 = vec4(subgroupBroadcast(g23, 4u), subgroupBroadcast(g23, 5u),
                             subgroupBroadcast(g23, 6u), subgroupBroadcast(g23, 7u));
            a0_0 = fma(v5, w5_0, fma(v4, w4_0, fma(v3, w3_0, a0_0)));
            a0_1 = fma(v5, w5_1, fma(v4, w4_1, fma(v3, w3_1, a0_1)));
            a0_2 = fma(v5, w5_2, fma(v4, w4_2, fma(v3, w3_2, a0_2)));
            a0_3 = fma(v5, w5_3, fma(v4, w4_3, fma(v3, w3_3, a0_3)));
            a0_4 = fma(v5, w5_4, fma(v4, w4_4, fma(v3, w3_4, a0_4)));
            a0_5 = fma(v5, w5_5, fma(v4, w4_5, fma(v3, w3_5, a0_5)));
            a0_6 = fma(v5, w5_6, fma(v4, w4_6, fma(v3, w3_6, a0_6)));
            a0_7 = fma(v5, w5_7, fma(v4, w4_7, fma(v3, w3_7, a0_7)));
            a1_0 = fma(v6, w5_0, fma(v5, w4_0, fma(v4, w3_0, a1_0)));
            a1_1 = fma(v6, w5_1, fma(v5, w4_1, fma(v4, w3_1, a1_1)));
            a1_2 = fma(v6, w5_2, fma(v5, w4_2, fma(v4, w3_2, a1_2)));
            a1_3 = fma(v6, w5_3, fma(v5, w4_3, fma(v4, w3_3, a1_3)));
            a1_4 = fma(v6, w5_4, fma(v5, w4_4, fma(v4, w3_4, a1_4)));
            a1_5 = fma(v6, w5_5, fma(v5, w4_5, fma(v4, w3_5, a1_5)));
            a1_6 = fma(v6, w5_6, fma(v5, w4_6, fma(v4, w3_6, a1_6)));
            a1_7 = fma(v6, w5_7, fma(v5, w4_7, fma(v4, w3_7, a1_7)));
            a2_0 = fma(v7, w5_0, fma(v6, w4_0, fma(v5, w3_0, a2_0)));
            a2_1 = fma(v7, w5_1, fma(v6, w4_1, fma(v5, w3_1, a2_1)));
            a2_2 = fma(v7, w5_2, fma(v6, w4_2, fma(v5, w3_2, a2_2)));
            a2_3 = fma(v7, w5_3, fma(v6, w4_3, fma(v5, w3_3, a2_3)));
            a2_4 = fma(v7, w5_4, fma(v6, w4_4, fma(v5, w3_4, a2_4)));
            a2_5 = fma(v7, w5_5, fma(v6, w4_5, fma(v5, w3_5, a2_5)));
            a2_6 = fma(v7, w5_6, fma(v6, w4_6, fma(v5, w3_6, a2_6)));
            a2_7 = fma(v7, w5_7, fma(v6, w4_7, fma(v5, w3_7, a2_7)));
            a3_0 = fma(v8, w5_0, fma(v7, w4_0, fma(v6, w3_0, a3_0)));
            a3_1 = fma(v8, w5_1, fma(v7, w4_1, fma(v6, w3_1, a3_1)));
            a3_2 = fma(v8, w5_2, fma(v7, w4_2, fma(v6, w3_2, a3_2)));
            a3_3 = fma(v8, w5_3, fma(v7, w4_3, fma(v6, w3_3, a3_3)));
            a3_4 = fma(v8, w5_4, fma(v7, w4_4, fma(v6, w3_4, a3_4)));
            a3_5 = fma(v8, w5_5, fma(v7, w4_5, fma(v6, w3_5, a3_5)));
            a3_6 = fma(v8, w5_6, fma(v7, w4_6, fma(v6, w3_6, a3_6)));
            a3_7 = fma(v8, w5_7, fma(v7, w4_7, fma(v6, w3_7, a3_7)));
            let w6_0 = vec4(subgroupBroadcast(g24, 0u), subgroupBroadcast(g24, 1u),
                             subgroupBroadcast(g24, 2u), subgroupBroadcast(g24, 3u));
            let w6_1 = vec4(subgroupBroadcast(g24, 4u), subgroupBroadcast(g24, 5u),
                             subgroupBroadcast(g24, 6u), subgroupBroadcast(g24, 7u));
            let w6_2 = vec4(subgroupBroadcast(g25, 0u), subgroupBroadcast(g25, 1u),
                             subgroupBroadcast(g25, 2u), subgroupBroadcast(g25, 3u));
            let w6_3 = vec4(subgroupBroadcast(g25, 4u), subgroupBroadcast(g25, 5u),
                             subgroupBroadcast(g25, 6u), subgroupBroadcast(g25, 7u));
            let w6_4 = vec4(subgroupBroadcast(g26, 0u), subgroupBroadcast(g26, 1u),
                             subgroupBroadcast(g26, 2u), subgroupBroadcast(g26, 3u));
            let w6_5 = vec4(subgroupBroadcast(g26, 4u), subgroupBroadcast(g26, 5u),
                             subgroupBroadcast(g26, 6u), subgroupBroadcast(g26, 7u));
            let w6_6 = vec4(subgroupBroadcast(g27, 0u), subgroupBroadcast(g27, 1u),
                             subgroupBroadcast(g27, 2u), subgroupBroadcast(g27, 3u));
            let w6_7 = vec4(subgroupBroadcast(g27, 4u), subgroupBroadcast(g27, 5u),
                             subgroupBroadcast(g27, 6u), subgroupBroadcast(g27, 7u));
            let w7_0 = vec4(subgroupBroadcast(g28, 0u), subgroupBroadcast(g28, 1u),
                             subgroupBroadcast(g28, 2u), subgroupBroadcast(g28, 3u));
            let w7_1 = vec4(subgroupBroadcast(g28, 4u), subgroupBroadcast(g28, 5u),
                             subgroupBroadcast(g28, 6u), subgroupBroadcast(g28, 7u));
            let w7_2 = vec4(subgroupBroadcast(g29, 0u), subgroupBroadcast(g29, 1u),
                             subgroupBroadcast(g29, 2u), subgroupBroadcast(g29, 3u));
            let w7_3 = vec4(subgroupBroadcast(g29, 4u), subgroupBroadcast(g29, 5u),
                             subgroupBroadcast(g29, 6u), subgroupBroadcast(g29, 7u));
            let w7_4 = vec4(subgroupBroadcast(g30, 0u), subgroupBroadcast(g30, 1u),
                             subgroupBroadcast(g30, 2u), subgroupBroadcast(g30, 3u));
            let w7_5 = vec4(subgroupBroadcast(g30, 4u), subgroupBroadcast(g30, 5u),
                             subgroupBroadcast(g30, 6u), subgroupBroadcast(g30, 7u));
            let w7_6 = vec4(subgroupBroadcast(g31, 0u), subgroupBroadcast(g31, 1u),
                             subgroupBroadcast(g31, 2u), subgroupBroadcast(g31, 3u));
            let w7_7 = vec4(subgroupBroadcast(g31, 4u), subgroupBroadcast(g31, 5u),
                             subgroupBroadcast(g31, 6u), subgroupBroadcast(g31, 7u));
            let w8_0 = vec4(subgroupBroadcast(g32, 0u), subgroupBroadcast(g32, 1u),
                             subgroupBroadcast(g32, 2u), subgroupBroadcast(g32, 3u));
            let w8_1 = vec4(subgroupBroadcast(g32, 4u), subgroupBroadcast(g32, 5u),
                             subgroupBroadcast(g32, 6u), subgroupBroadcast(g32, 7u));
            let w8_2 = vec4(subgroupBroadcast(g33, 0u), subgroupBroadcast(g33, 1u),
                             subgroupBroadcast(g33, 2u), subgroupBroadcast(g33, 3u));
            let w8_3 = vec4(subgroupBroadcast(g33, 4u), subgroupBroadcast(g33, 5u),
                             subgroupBroadcast(g33, 6u), subgroupBroadcast(g33, 7u));
            let w8_4 = vec4(subgroupBroadcast(g34, 0u), subgroupBroadcast(g34, 1u),
                             subgroupBroadcast(g34, 2u), subgroupBroadcast(g34, 3u));
            let w8_5 = vec4(subgroupBroadcast(g34, 4u), subgroupBroadcast(g34, 5u),
                             subgroupBroadcast(g34, 6u), subgroupBroadcast(g34, 7u));
            let w8_6 = vec4(subgroupBroadcast(g35, 0u), subgroupBroadcast(g35, 1u),
                             subgroupBroadcast(g35, 2u), subgroupBroadcast(g35, 3u));
            let w8_7 = vec4(subgroupBroadcast(g35, 4u), subgroupBroadcast(g35, 5u),
                             subgroupBroadcast(g35, 6u), subgroupBroadcast(g35, 7u));
            a0_0 = fma(v8, w8_0, fma(v7, w7_0, fma(v6, w6_0, a0_0)));
            a0_1 = fma(v8, w8_1, fma(v7, w7_1, fma(v6, w6_1, a0_1)));
            a0_2 = fma(v8, w8_2, fma(v7, w7_2, fma(v6, w6_2, a0_2)));
            a0_3 = fma(v8, w8_3, fma(v7, w7_3, fma(v6, w6_3, a0_3)));
            a0_4 = fma(v8, w8_4, fma(v7, w7_4, fma(v6, w6_4, a0_4)));
            a0_5 = fma(v8, w8_5, fma(v7, w7_5, fma(v6, w6_5, a0_5)));
            a0_6 = fma(v8, w8_6, fma(v7, w7_6, fma(v6, w6_6, a0_6)));
            a0_7 = fma(v8, w8_7, fma(v7, w7_7, fma(v6, w6_7, a0_7)));
            a1_0 = fma(v9, w8_0, fma(v8, w7_0, fma(v7, w6_0, a1_0)));
            a1_1 = fma(v9, w8_1, fma(v8, w7_1, fma(v7, w6_1, a1_1)));
            a1_2 = fma(v9, w8_2, fma(v8, w7_2, fma(v7, w6_2, a1_2)));
            a1_3 = fma(v9, w8_3, fma(v8, w7_3, fma(v7, w6_3, a1_3)));
            a1_4 = fma(v9, w8_4, fma(v8, w7_4, fma(v7, w6_4, a1_4)));
            a1_5 = fma(v9, w8_5, fma(v8, w7_5, fma(v7, w6_5, a1_5)));
            a1_6 = fma(v9, w8_6, fma(v8, w7_6, fma(v7, w6_6, a1_6)));
            a1_7 = fma(v9, w8_7, fma(v8, w7_7, fma(v7, w6_7, a1_7)));
            a2_0 = fma(v10, w8_0, fma(v9, w7_0, fma(v8, w6_0, a2_0)));
            a2_1 = fma(v10, w8_1, fma(v9, w7_1, fma(v8, w6_1, a2_1)));
            a2_2 = fma(v10, w8_2, fma(v9, w7_2, fma(v8, w6_2, a2_2)));
            a2_3 = fma(v10, w8_3, fma(v9, w7_3, fma(v8, w6_3, a2_3)));
            a2_4 = fma(v10, w8_4, fma(v9, w7_4, fma(v8, w6_4, a2_4)));
            a2_5 = fma(v10, w8_5, fma(v9, w7_5, fma(v8, w6_5, a2_5)));
            a2_6 = fma(v10, w8_6, fma(v9, w7_6, fma(v8, w6_6, a2_6)));
            a2_7 = fma(v10, w8_7, fma(v9, w7_7, fma(v8, w6_7, a2_7)));
            a3_0 = fma(v11, w8_0, fma(v10, w7_0, fma(v9, w6_0, a3_0)));
            a3_1 = fma(v11, w8_1, fma(v10, w7_1, fma(v9, w6_1, a3_1)));
            a3_2 = fma(v11, w8_2, fma(v10, w7_2, fma(v9, w6_2, a3_2)));
            a3_3 = fma(v11, w8_3, fma(v10, w7_3, fma(v9, w6_3, a3_3)));
            a3_4 = fma(v11, w8_4, fma(v10, w7_4, fma(v9, w6_4, a3_4)));
            a3_5 = fma(v11, w8_5, fma(v10, w7_5, fma(v9, w6_5, a3_5)));
            a3_6 = fma(v11, w8_6, fma(v10, w7_6, fma(v9, w6_6, a3_6)));
            a3_7 = fma(v11, w8_7, fma(v10, w7_7, fma(v9, w6_7, a3_7)));
        }
    }
    if live {
        put_out(g.x * 4u + 0u, y, k0 + 0u, a0_0); put_out(g.x * 4u + 0u, y, k0 + 4u, a0_1);
        put_out(g.x * 4u + 0u, y, k0 + 8u, a0_2); put_out(g.x * 4u + 0u, y, k0 + 12u, a0_3);
        put_out(g.x * 4u + 0u, y, k0 + 16u, a0_4); put_out(g.x * 4u + 0u, y, k0 + 20u, a0_5);
        put_out(g.x * 4u + 0u, y, k0 + 24u, a0_6); put_out(g.x * 4u + 0u, y, k0 + 28u, a0_7);
        put_out(g.x * 4u + 1u, y, k0 + 0u, a1_0); put_out(g.x * 4u + 1u, y, k0 + 4u, a1_1);
        put_out(g.x * 4u + 1u, y, k0 + 8u, a1_2); put_out(g.x * 4u + 1u, y, k0 + 12u, a1_3);
        put_out(g.x * 4u + 1u, y, k0 + 16u, a1_4); put_out(g.x * 4u + 1u, y, k0 + 20u, a1_5);
        put_out(g.x * 4u + 1u, y, k0 + 24u, a1_6); put_out(g.x * 4u + 1u, y, k0 + 28u, a1_7);
        put_out(g.x * 4u + 2u, y, k0 + 0u, a2_0); put_out(g.x * 4u + 2u, y, k0 + 4u, a2_1);
        put_out(g.x * 4u + 2u, y, k0 + 8u, a2_2); put_out(g.x * 4u + 2u, y, k0 + 12u, a2_3);
        put_out(g.x * 4u + 2u, y, k0 + 16u, a2_4); put_out(g.x * 4u + 2u, y, k0 + 20u, a2_5);
        put_out(g.x * 4u + 2u, y, k0 + 24u, a2_6); put_out(g.x * 4u + 2u, y, k0 + 28u, a2_7);
        put_out(g.x * 4u + 3u, y, k0 + 0u, a3_0); put_out(g.x * 4u + 3u, y, k0 + 4u, a3_1);
        put_out(g.x * 4u + 3u, y, k0 + 8u, a3_2); put_out(g.x * 4u + 3u, y, k0 + 12u, a3_3);
        put_out(g.x * 4u + 3u, y, k0 + 16u, a3_4); put_out(g.x * 4u + 3u, y, k0 + 20u, a3_5);
        put_out(g.x * 4u + 3u, y, k0 + 24u, a3_6); put_out(g.x * 4u + 3u, y, k0 + 28u, a3_7);
    }
}

// 3x3 convolution, stride 2, up to 32 output channels, 4 pixels per invocation.
@compute @workgroup_size(CONV_SG_WG)
fn conv_k3s2o8(@builtin(global_invocation_id) g: vec3<u32>,
             @builtin(subgroup_invocation_id) sid: u32) {
    // every lane stays to the end (subgroupBroadcast); only the stores are guarded
    let live = g.x * 4u < p.ow;
    let y = g.y;
    let x0 = g.x * 8u;
    let lane = sid & 7u;
    // channel group z: output channels from 32z, weights from group z's rows
    let wz = g.z * p.c * 288u;
    let k0 = g.z * 32u;
    var a0_0 = vec4(0.0); var a0_1 = vec4(0.0); var a0_2 = vec4(0.0); var a0_3 = vec4(0.0); var a0_4 = vec4(0.0);
    var a0_5 = vec4(0.0); var a0_6 = vec4(0.0); var a0_7 = vec4(0.0);
    var a1_0 = vec4(0.0); var a1_1 = vec4(0.0); var a1_2 = vec4(0.0); var a1_3 = vec4(0.0); var a1_4 = vec4(0.0);
    var a1_5 = vec4(0.0); var a1_6 = vec4(0.0); var a1_7 = vec4(0.0);
    var a2_0 = vec4(0.0); var a2_1 = vec4(0.0); var a2_2 = vec4(0.0); var a2_3 = vec4(0.0); var a2_4 = vec4(0.0);
    var a2_5 = vec4(0.0); var a2_6 = vec4(0.0); var a2_7 = vec4(0.0);
    var a3_0 = vec4(0.0); var a3_1 = vec4(0.0); var a3_2 = vec4(0.0); var a3_3 = vec4(0.0); var a3_4 = vec4(0.0);
    var a3_5 = vec4(0.0); var a3_6 = vec4(0.0); var a3_7 = vec4(0.0);
    for (var ci = 0u; ci < p.c; ci++) {
        let sc = stats[2u * ci];
        let sh = stats[2u * ci + 1u];
        for (var ky = 0u; ky < 3u; ky++) {
            let row = (ci * p.h + src_row(y * 2u + ky)) * p.w;
            let v0 = vec4(pre(src[row + src_col(x0 + 0u)], sc, sh));
            let v1 = vec4(pre(src[row + src_col(x0 + 1u)], sc, sh));
            let v2 = vec4(pre(src[row + src_col(x0 + 2u)], sc, sh));
            let v3 = vec4(pre(src[row + src_col(x0 + 3u)], sc, sh));
            let v4 = vec4(pre(src[row + src_col(x0 + 4u)], sc, sh));
            let v5 = vec4(pre(src[row + src_col(x0 + 5u)], sc, sh));
            let v6 = vec4(pre(src[row + src_col(x0 + 6u)], sc, sh));
            let v7 = vec4(pre(src[row + src_col(x0 + 7u)], sc, sh));
            let v8 = vec4(pre(src[row + src_col(x0 + 8u)], sc, sh));
            let wf = wz + (ci * 3u + ky) * 96u + lane;
            let g0 = wk[(wf + 0u) / 4u][(wf + 0u) % 4u]; let g1 = wk[(wf + 8u) / 4u][(wf + 8u) % 4u];
            let g2 = wk[(wf + 16u) / 4u][(wf + 16u) % 4u]; let g3 = wk[(wf + 24u) / 4u][(wf + 24u) % 4u];
            let g4 = wk[(wf + 32u) / 4u][(wf + 32u) % 4u]; let g5 = wk[(wf + 40u) / 4u][(wf + 40u) % 4u];
            let g6 = wk[(wf + 48u) / 4u][(wf + 48u) % 4u]; let g7 = wk[(wf + 56u) / 4u][(wf + 56u) % 4u];
            let g8 = wk[(wf + 64u) / 4u][(wf + 64u) % 4u]; let g9 = wk[(wf + 72u) / 4u][(wf + 72u) % 4u];
            let g10 = wk[(wf + 80u) / 4u][(wf + 80u) % 4u]; let g11 = wk[(wf + 88u) / 4u][(wf + 88u) % 4u];
            let w0_0 = vec4(subgroupBroadcast(g0, 0u), subgroupBroadcast(g0, 1u),
                             subgroupBroadcast(g0, 2u), subgroupBroadcast(g0, 3u));
            let w0_1 = vec4(subgroupBroadcast(g0, 4u), subgroupBroadcast(g0, 5u),
                             subgroupBroadcast(g0, 6u), subgroupBroadcast(g0, 7u));
            let w0_2 = vec4(subgroupBroadcast(g1, 0u), subgroupBroadcast(g1, 1u),
                             subgroupBroadcast(g1, 2u), subgroupBroadcast(g1, 3u));
            let w0_3 = vec4(subgroupBroadcast(g1, 4u), subgroupBroadcast(g1, 5u),
                             subgroupBroadcast(g1, 6u), subgroupBroadcast(g1, 7u));
            let w0_4 = vec4(subgroupBroadcast(g2, 0u), subgroupBroadcast(g2, 1u),
                             subgroupBroadcast(g2, 2u), subgroupBroadcast(g2, 3u));
            let w0_5 = vec4(subgroupBroadcast(g2, 4u), subgroupBroadcast(g2, 5u),
                             subgroupBroadcast(g2, 6u), subgroupBroadcast(g2, 7u));
            let w0_6 = vec4(subgroupBroadcast(g3, 0u), subgroupBroadcast(g3, 1u),
                             subgroupBroadcast(g3, 2u), subgroupBroadcast(g3, 3u));
            let w0_7 = vec4(subgroupBroadcast(g3, 4u), subgroupBroadcast(g3, 5u),
                             subgroupBroadcast(g3, 6u), subgroupBroadcast(g3, 7u));
            let w1_0 = vec4(subgroupBroadcast(g4, 0u), subgroupBroadcast(g4, 1u),
                             subgroupBroadcast(g4, 2u), subgroupBroadcast(g4, 3u));
            let w1_1 = vec4(subgroupBroadcast(g4, 4u), subgroupBroadcast(g4, 5u),
                             subgroupBroadcast(g4, 6u), subgroupBroadcast(g4, 7u));
            let w1_2 = vec4(subgroupBroadcast(g5, 0u), subgroupBroadcast(g5, 1u),
                             subgroupBroadcast(g5, 2u), subgroupBroadcast(g5, 3u));
            let w1_3 = vec4(subgroupBroadcast(g5, 4u), subgroupBroadcast(g5, 5u),
                             subgroupBroadcast(g5, 6u), subgroupBroadcast(g5, 7u));
            let w1_4 = vec4(subgroupBroadcast(g6, 0u), subgroupBroadcast(g6, 1u),
                             subgroupBroadcast(g6, 2u), subgroupBroadcast(g6, 3u));
            let w1_5 = vec4(subgroupBroadcast(g6, 4u), subgroupBroadcast(g6, 5u),
                             subgroupBroadcast(g6, 6u), subgroupBroadcast(g6, 7u));
            let w1_6 = vec4(subgroupBroadcast(g7, 0u), subgroupBroadcast(g7, 1u),
                             subgroupBroadcast(g7, 2u), subgroupBroadcast(g7, 3u));
            let w1_7 = vec4(subgroupBroadcast(g7, 4u), subgroupBroadcast(g7, 5u),
                             subgroupBroadcast(g7, 6u), subgroupBroadcast(g7, 7u));
            let w2_0 = vec4(subgroupBroadcast(g8, 0u), subgroupBroadcast(g8, 1u),
                             subgroupBroadcast(g8, 2u), subgroupBroadcast(g8, 3u));
            let w2_1 = vec4(subgroupBroadcast(g8, 4u), subgroupBroadcast(g8, 5u),
                             subgroupBroadcast(g8, 6u), subgroupBroadcast(g8, 7u));
            let w2_2 = vec4(subgroupBroadcast(g9, 0u), subgroupBroadcast(g9, 1u),
                             subgroupBroadcast(g9, 2u), subgroupBroadcast(g9, 3u));
            let w2_3 = vec4(subgroupBroadcast(g9, 4u), subgroupBroadcast(g9, 5u),
                             subgroupBroadcast(g9, 6u), subgroupBroadcast(g9, 7u));
            let w2_4 = vec4(subgroupBroadcast(g10, 0u), subgroupBroadcast(g10, 1u),
                             subgroupBroadcast(g10, 2u), subgroupBroadcast(g10, 3u));
            let w2_5 = vec4(subgroupBroadcast(g10, 4u), subgroupBroadcast(g10, 5u),
                             subgroupBroadcast(g10, 6u), subgroupBroadcast(g10, 7u));
            let w2_6 = vec4(subgroupBroadcast(g11, 0u), subgroupBroadcast(g11, 1u),
                             subgroupBroadcast(g11, 2u), subgroupBroadcast(g11, 3u));
            let w2_7 = vec4(subgroupBroadcast(g11, 4u), subgroupBroadcast(g11, 5u),
                             subgroupBroadcast(g11, 6u), subgroupBroadcast(g11, 7u));
            a0_0 = fma(v2, w2_0, fma(v1, w1_0, fma(v0, w0_0, a0_0)));
            a0_1 = fma(v2, w2_1, fma(v1, w1_1, fma(v0, w0_1, a0_1)));
            a0_2 = fma(v2, w2_2, fma(v1, w1_2, fma(v0, w0_2, a0_2)));
            a0_3 = fma(v2, w2_3, fma(v1, w1_3, fma(v0, w0_3, a0_3)));
            a0_4 = fma(v2, w2_4, fma(v1, w1_4, fma(v0, w0_4, a0_4)));
            a0_5 = fma(v2, w2_5, fma(v1, w1_5, fma(v0, w0_5, a0_5)));
            a0_6 = fma(v2, w2_6, fma(v1, w1_6, fma(v0, w0_6, a0_6)));
            a0_7 = fma(v2, w2_7, fma(v1, w1_7, fma(v0, w0_7, a0_7)));
            a1_0 = fma(v4, w2_0, fma(v3, w1_0, fma(v2, w0_0, a1_0)));
            a1_1 = fma(v4, w2_1, fma(v3, w1_1, fma(v2, w0_1, a1_1)));
            a1_2 = fma(v4, w2_2, fma(v3, w1_2, fma(v2, w0_2, a1_2)));
            a1_3 = fma(v4, w2_3, fma(v3, w1_3, fma(v2, w0_3, a1_3)));
            a1_4 = fma(v4, w2_4, fma(v3, w1_4, fma(v2, w0_4, a1_4)));
            a1_5 = fma(v4, w2_5, fma(v3, w1_5, fma(v2, w0_5, a1_5)));
            a1_6 = fma(v4, w2_6, fma(v3, w1_6, fma(v2, w0_6, a1_6)));
            a1_7 = fma(v4, w2_7, fma(v3, w1_7, fma(v2, w0_7, a1_7)));
            a2_0 = fma(v6, w2_0, fma(v5, w1_0, fma(v4, w0_0, a2_0)));
            a2_1 = fma(v6, w2_1, fma(v5, w1_1, fma(v4, w0_1, a2_1)));
            a2_2 = fma(v6, w2_2, fma(v5, w1_2, fma(v4, w0_2, a2_2)));
            a2_3 = fma(v6, w2_3, fma(v5, w1_3, fma(v4, w0_3, a2_3)));
            a2_4 = fma(v6, w2_4, fma(v5, w1_4, fma(v4, w0_4, a2_4)));
            a2_5 = fma(v6, w2_5, fma(v5, w1_5, fma(v4, w0_5, a2_5)));
            a2_6 = fma(v6, w2_6, fma(v5, w1_6, fma(v4, w0_6, a2_6)));
            a2_7 = fma(v6, w2_7, fma(v5, w1_7, fma(v4, w0_7, a2_7)));
            a3_0 = fma(v8, w2_0, fma(v7, w1_0, fma(v6, w0_0, a3_0)));
            a3_1 = fma(v8, w2_1, fma(v7, w1_1, fma(v6, w0_1, a3_1)));
            a3_2 = fma(v8, w2_2, fma(v7, w1_2, fma(v6, w0_2, a3_2)));
            a3_3 = fma(v8, w2_3, fma(v7, w1_3, fma(v6, w0_3, a3_3)));
            a3_4 = fma(v8, w2_4, fma(v7, w1_4, fma(v6, w0_4, a3_4)));
            a3_5 = fma(v8, w2_5, fma(v7, w1_5, fma(v6, w0_5, a3_5)));
            a3_6 = fma(v8, w2_6, fma(v7, w1_6, fma(v6, w0_6, a3_6)));
            a3_7 = fma(v8, w2_7, fma(v7, w1_7, fma(v6, w0_7, a3_7)));
        }
    }
    if live {
        put_out(g.x * 4u + 0u, y, k0 + 0u, a0_0); put_out(g.x * 4u + 0u, y, k0 + 4u, a0_1);
        put_out(g.x * 4u + 0u, y, k0 + 8u, a0_2); put_out(g.x * 4u + 0u, y, k0 + 12u, a0_3);
        put_out(g.x * 4u + 0u, y, k0 + 16u, a0_4); put_out(g.x * 4u + 0u, y, k0 + 20u, a0_5);
        put_out(g.x * 4u + 0u, y, k0 + 24u, a0_6); put_out(g.x * 4u + 0u, y, k0 + 28u, a0_7);
        put_out(g.x * 4u + 1u, y, k0 + 0u, a1_0); put_out(g.x * 4u + 1u, y, k0 + 4u, a1_1);
        put_out(g.x * 4u + 1u, y, k0 + 8u, a1_2); put_out(g.x * 4u + 1u, y, k0 + 12u, a1_3);
        put_out(g.x * 4u + 1u, y, k0 + 16u, a1_4); put_out(g.x * 4u + 1u, y, k0 + 20u, a1_5);
        put_out(g.x * 4u + 1u, y, k0 + 24u, a1_6); put_out(g.x * 4u + 1u, y, k0 + 28u, a1_7);
        put_out(g.x * 4u + 2u, y, k0 + 0u, a2_0); put_out(g.x * 4u + 2u, y, k0 + 4u, a2_1);
        put_out(g.x * 4u + 2u, y, k0 + 8u, a2_2); put_out(g.x * 4u + 2u, y, k0 + 12u, a2_3);
        put_out(g.x * 4u + 2u, y, k0 + 16u, a2_4); put_out(g.x * 4u + 2u, y, k0 + 20u, a2_5);
        put_out(g.x * 4u + 2u, y, k0 + 24u, a2_6); put_out(g.x * 4u + 2u, y, k0 + 28u, a2_7);
        put_out(g.x * 4u + 3u, y, k0 + 0u, a3_0); put_out(g.x * 4u + 3u, y, k0 + 4u, a3_1);
        put_out(g.x * 4u + 3u, y, k0 + 8u, a3_2); put_out(g.x * 4u + 3u, y, k0 + 12u, a3_3);
        put_out(g.x * 4u + 3u, y, k0 + 16u, a3_4); put_out(g.x * 4u + 3u, y, k0 + 20u, a3_5);
        put_out(g.x * 4u + 3u, y, k0 + 24u, a3_6); put_out(g.x * 4u + 3u, y, k0 + 28u, a3_7);
    }
}

// 3x3 convolution, stride 1, up to 32 output channels, 4 pixels per invocation.
@compute @workgroup_size(CONV_SG_WG)
fn conv_k3s1o8(@builtin(global_invocation_id) g: vec3<u32>,
             @builtin(subgroup_invocation_id) sid: u32) {
    // every lane stays to the end (subgroupBroadcast); only the stores are guarded
    let live = g.x * 4u < p.ow;
    let y = g.y;
    let x0 = g.x * 4u;
    let lane = sid & 7u;
    // channel group z: output channels from 32z, weights from group z's rows
    let wz = g.z * p.c * 288u;
    let k0 = g.z * 32u;
    var a0_0 = vec4(0.0); var a0_1 = vec4(0.0); var a0_2 = vec4(0.0); var a0_3 = vec4(0.0); var a0_4 = vec4(0.0);
    var a0_5 = vec4(0.0); var a0_6 = vec4(0.0); var a0_7 = vec4(0.0);
    var a1_0 = vec4(0.0); var a1_1 = vec4(0.0); var a1_2 = vec4(0.0); var a1_3 = vec4(0.0); var a1_4 = vec4(0.0);
    var a1_5 = vec4(0.0); var a1_6 = vec4(0.0); var a1_7 = vec4(0.0);
    var a2_0 = vec4(0.0); var a2_1 = vec4(0.0); var a2_2 = vec4(0.0); var a2_3 = vec4(0.0); var a2_4 = vec4(0.0);
    var a2_5 = vec4(0.0); var a2_6 = vec4(0.0); var a2_7 = vec4(0.0);
    var a3_0 = vec4(0.0); var a3_1 = vec4(0.0); var a3_2 = vec4(0.0); var a3_3 = vec4(0.0); var a3_4 = vec4(0.0);
    var a3_5 = vec4(0.0); var a3_6 = vec4(0.0); var a3_7 = vec4(0.0);
    for (var ci = 0u; ci < p.c; ci++) {
        let sc = stats[2u * ci];
        let sh = stats[2u * ci + 1u];
        for (var ky = 0u; ky < 3u; ky++) {
            let row = (ci * p.h + src_row(y * 1u + ky)) * p.w;
            let v0 = vec4(pre(src[row + src_col(x0 + 0u)], sc, sh));
            let v1 = vec4(pre(src[row + src_col(x0 + 1u)], sc, sh));
            let v2 = vec4(pre(src[row + src_col(x0 + 2u)], sc, sh));
            let v3 = vec4(pre(src[row + src_col(x0 + 3u)], sc, sh));
            let v4 = vec4(pre(src[row + src_col(x0 + 4u)], sc, sh));
            let v5 = vec4(pre(src[row + src_col(x0 + 5u)], sc, sh));
            let wf = wz + (ci * 3u + ky) * 96u + lane;
            let g0 = wk[(wf + 0u) / 4u][(wf + 0u) % 4u]; let g1 = wk[(wf + 8u) / 4u][(wf + 8u) % 4u];
            let g2 = wk[(wf + 16u) / 4u][(wf + 16u) % 4u]; let g3 = wk[(wf + 24u) / 4u][(wf + 24u) % 4u];
            let g4 = wk[(wf + 32u) / 4u][(wf + 32u) % 4u]; let g5 = wk[(wf + 40u) / 4u][(wf + 40u) % 4u];
            let g6 = wk[(wf + 48u) / 4u][(wf + 48u) % 4u]; let g7 = wk[(wf + 56u) / 4u][(wf + 56u) % 4u];
            let g8 = wk[(wf + 64u) / 4u][(wf + 64u) % 4u]; let g9 = wk[(wf + 72u) / 4u][(wf + 72u) % 4u];
            let g10 = wk[(wf + 80u) / 4u][(wf + 80u) % 4u]; let g11 = wk[(wf + 88u) / 4u][(wf + 88u) % 4u];
            let w0_0 = vec4(subgroupBroadcast(g0, 0u), subgroupBroadcast(g0, 1u),
                             subgroupBroadcast(g0, 2u), subgroupBroadcast(g0, 3u));
            let w0_1 = vec4(subgroupBroadcast(g0, 4u), subgroupBroadcast(g0, 5u),
                             subgroupBroadcast(g0, 6u), subgroupBroadcast(g0, 7u));
            let w0_2 = vec4(subgroupBroadcast(g1, 0u), subgroupBroadcast(g1, 1u),
                             subgroupBroadcast(g1, 2u), subgroupBroadcast(g1, 3u));
            let w0_3 = vec4(subgroupBroadcast(g1, 4u), subgroupBroadcast(g1, 5u),
                             subgroupBroadcast(g1, 6u), subgroupBroadcast(g1, 7u));
            let w0_4 = vec4(subgroupBroadcast(g2, 0u), subgroupBroadcast(g2, 1u),
                             subgroupBroadcast(g2, 2u), subgroupBroadcast(g2, 3u));
            let w0_5 = vec4(subgroupBroadcast(g2, 4u), subgroupBroadcast(g2, 5u),
                             subgroupBroadcast(g2, 6u), subgroupBroadcast(g2, 7u));
            let w0_6 = vec4(subgroupBroadcast(g3, 0u), subgroupBroadcast(g3, 1u),
                             subgroupBroadcast(g3, 2u), subgroupBroadcast(g3, 3u));
            let w0_7 = vec4(subgroupBroadcast(g3, 4u), subgroupBroadcast(g3, 5u),
                             subgroupBroadcast(g3, 6u), subgroupBroadcast(g3, 7u));
            let w1_0 = vec4(subgroupBroadcast(g4, 0u), subgroupBroadcast(g4, 1u),
                             subgroupBroadcast(g4, 2u), subgroupBroadcast(g4, 3u));
            let w1_1 = vec4(subgroupBroadcast(g4, 4u), subgroupBroadcast(g4, 5u),
                             subgroupBroadcast(g4, 6u), subgroupBroadcast(g4, 7u));
            let w1_2 = vec4(subgroupBroadcast(g5, 0u), subgroupBroadcast(g5, 1u),
                             subgroupBroadcast(g5, 2u), subgroupBroadcast(g5, 3u));
            let w1_3 = vec4(subgroupBroadcast(g5, 4u), subgroupBroadcast(g5, 5u),
                             subgroupBroadcast(g5, 6u), subgroupBroadcast(g5, 7u));
            let w1_4 = vec4(subgroupBroadcast(g6, 0u), subgroupBroadcast(g6, 1u),
                             subgroupBroadcast(g6, 2u), subgroupBroadcast(g6, 3u));
            let w1_5 = vec4(subgroupBroadcast(g6, 4u), subgroupBroadcast(g6, 5u),
                             subgroupBroadcast(g6, 6u), subgroupBroadcast(g6, 7u));
            let w1_6 = vec4(subgroupBroadcast(g7, 0u), subgroupBroadcast(g7, 1u),
                             subgroupBroadcast(g7, 2u), subgroupBroadcast(g7, 3u));
            let w1_7 = vec4(subgroupBroadcast(g7, 4u), subgroupBroadcast(g7, 5u),
                             subgroupBroadcast(g7, 6u), subgroupBroadcast(g7, 7u));
            let w2_0 = vec4(subgroupBroadcast(g8, 0u), subgroupBroadcast(g8, 1u),
                             subgroupBroadcast(g8, 2u), subgroupBroadcast(g8, 3u));
            let w2_1 = vec4(subgroupBroadcast(g8, 4u), subgroupBroadcast(g8, 5u),
                             subgroupBroadcast(g8, 6u), subgroupBroadcast(g8, 7u));
            let w2_2 = vec4(subgroupBroadcast(g9, 0u), subgroupBroadcast(g9, 1u),
                             subgroupBroadcast(g9, 2u), subgroupBroadcast(g9, 3u));
            let w2_3 = vec4(subgroupBroadcast(g9, 4u), subgroupBroadcast(g9, 5u),
                             subgroupBroadcast(g9, 6u), subgroupBroadcast(g9, 7u));
            let w2_4 = vec4(subgroupBroadcast(g10, 0u), subgroupBroadcast(g10, 1u),
                             subgroupBroadcast(g10, 2u), subgroupBroadcast(g10, 3u));
            let w2_5 = vec4(subgroupBroadcast(g10, 4u), subgroupBroadcast(g10, 5u),
                             subgroupBroadcast(g10, 6u), subgroupBroadcast(g10, 7u));
            let w2_6 = vec4(subgroupBroadcast(g11, 0u), subgroupBroadcast(g11, 1u),
                             subgroupBroadcast(g11, 2u), subgroupBroadcast(g11, 3u));
            let w2_7 = vec4(subgroupBroadcast(g11, 4u), subgroupBroadcast(g11, 5u),
                             subgroupBroadcast(g11, 6u), subgroupBroadcast(g11, 7u));
            a0_0 = fma(v2, w2_0, fma(v1, w1_0, fma(v0, w0_0, a0_0)));
            a0_1 = fma(v2, w2_1, fma(v1, w1_1, fma(v0, w0_1, a0_1)));
            a0_2 = fma(v2, w2_2, fma(v1, w1_2, fma(v0, w0_2, a0_2)));
            a0_3 = fma(v2, w2_3, fma(v1, w1_3, fma(v0, w0_3, a0_3)));
            a0_4 = fma(v2, w2_4, fma(v1, w1_4, fma(v0, w0_4, a0_4)));
            a0_5 = fma(v2, w2_5, fma(v1, w1_5, fma(v0, w0_5, a0_5)));
            a0_6 = fma(v2, w2_6, fma(v1, w1_6, fma(v0, w0_6, a0_6)));
            a0_7 = fma(v2, w2_7, fma(v1, w1_7, fma(v0, w0_7, a0_7)));
            a1_0 = fma(v3, w2_0, fma(v2, w1_0, fma(v1, w0_0, a1_0)));
            a1_1 = fma(v3, w2_1, fma(v2, w1_1, fma(v1, w0_1, a1_1)));
            a1_2 = fma(v3, w2_2, fma(v2, w1_2, fma(v1, w0_2, a1_2)));
            a1_3 = fma(v3, w2_3, fma(v2, w1_3, fma(v1, w0_3, a1_3)));
            a1_4 = fma(v3, w2_4, fma(v2, w1_4, fma(v1, w0_4, a1_4)));
            a1_5 = fma(v3, w2_5, fma(v2, w1_5, fma(v1, w0_5, a1_5)));
            a1_6 = fma(v3, w2_6, fma(v2, w1_6, fma(v1, w0_6, a1_6)));
            a1_7 = fma(v3, w2_7, fma(v2, w1_7, fma(v1, w0_7, a1_7)));
            a2_0 = fma(v4, w2_0, fma(v3, w1_0, fma(v2, w0_0, a2_0)));
            a2_1 = fma(v4, w2_1, fma(v3, w1_1, fma(v2, w0_1, a2_1)));
            a2_2 = fma(v4, w2_2, fma(v3, w1_2, fma(v2, w0_2, a2_2)));
            a2_3 = fma(v4, w2_3, fma(v3, w1_3, fma(v2, w0_3, a2_3)));
            a2_4 = fma(v4, w2_4, fma(v3, w1_4, fma(v2, w0_4, a2_4)));
            a2_5 = fma(v4, w2_5, fma(v3, w1_5, fma(v2, w0_5, a2_5)));
            a2_6 = fma(v4, w2_6, fma(v3, w1_6, fma(v2, w0_6, a2_6)));
            a2_7 = fma(v4, w2_7, fma(v3, w1_7, fma(v2, w0_7, a2_7)));
            a3_0 = fma(v5, w2_0, fma(v4, w1_0, fma(v3, w0_0, a3_0)));
            a3_1 = fma(v5, w2_1, fma(v4, w1_1, fma(v3, w0_1, a3_1)));
            a3_2 = fma(v5, w2_2, fma(v4, w1_2, fma(v3, w0_2, a3_2)));
            a3_3 = fma(v5, w2_3, fma(v4, w1_3, fma(v3, w0_3, a3_3)));
            a3_4 = fma(v5, w2_4, fma(v4, w1_4, fma(v3, w0_4, a3_4)));
            a3_5 = fma(v5, w2_5, fma(v4, w1_5, fma(v3, w0_5, a3_5)));
            a3_6 = fma(v5, w2_6, fma(v4, w1_6, fma(v3, w0_6, a3_6)));
            a3_7 = fma(v5, w2_7, fma(v4, w1_7, fma(v3, w0_7, a3_7)));
        }
    }
    if live {
        put_out(g.x * 4u + 0u, y, k0 + 0u, a0_0); put_out(g.x * 4u + 0u, y, k0 + 4u, a0_1);
        put_out(g.x * 4u + 0u, y, k0 + 8u, a0_2); put_out(g.x * 4u + 0u, y, k0 + 12u, a0_3);
        put_out(g.x * 4u + 0u, y, k0 + 16u, a0_4); put_out(g.x * 4u + 0u, y, k0 + 20u, a0_5);
        put_out(g.x * 4u + 0u, y, k0 + 24u, a0_6); put_out(g.x * 4u + 0u, y, k0 + 28u, a0_7);
        put_out(g.x * 4u + 1u, y, k0 + 0u, a1_0); put_out(g.x * 4u + 1u, y, k0 + 4u, a1_1);
        put_out(g.x * 4u + 1u, y, k0 + 8u, a1_2); put_out(g.x * 4u + 1u, y, k0 + 12u, a1_3);
        put_out(g.x * 4u + 1u, y, k0 + 16u, a1_4); put_out(g.x * 4u + 1u, y, k0 + 20u, a1_5);
        put_out(g.x * 4u + 1u, y, k0 + 24u, a1_6); put_out(g.x * 4u + 1u, y, k0 + 28u, a1_7);
        put_out(g.x * 4u + 2u, y, k0 + 0u, a2_0); put_out(g.x * 4u + 2u, y, k0 + 4u, a2_1);
        put_out(g.x * 4u + 2u, y, k0 + 8u, a2_2); put_out(g.x * 4u + 2u, y, k0 + 12u, a2_3);
        put_out(g.x * 4u + 2u, y, k0 + 16u, a2_4); put_out(g.x * 4u + 2u, y, k0 + 20u, a2_5);
        put_out(g.x * 4u + 2u, y, k0 + 24u, a2_6); put_out(g.x * 4u + 2u, y, k0 + 28u, a2_7);
        put_out(g.x * 4u + 3u, y, k0 + 0u, a3_0); put_out(g.x * 4u + 3u, y, k0 + 4u, a3_1);
        put_out(g.x * 4u + 3u, y, k0 + 8u, a3_2); put_out(g.x * 4u + 3u, y, k0 + 12u, a3_3);
        put_out(g.x * 4u + 3u, y, k0 + 16u, a3_4); put_out(g.x * 4u + 3u, y, k0 + 20u, a3_5);
        put_out(g.x * 4u + 3u, y, k0 + 24u, a3_6); put_out(g.x * 4u + 3u, y, k0 + 28u, a3_7);
    }
}

// 3x3 convolution, stride 1, up to 8 output channels, 4 pixels per invocation.
@compute @workgroup_size(CONV_SG_WG)
fn conv_k3s1o2(@builtin(global_invocation_id) g: vec3<u32>,
             @builtin(subgroup_invocation_id) sid: u32) {
    // every lane stays to the end (subgroupBroadcast); only the stores are guarded
    let live = g.x * 4u < p.ow;
    let y = g.y;
    let x0 = g.x * 4u;
    let lane = sid & 7u;
    // channel group z: output channels from 8z, weights from group z's rows
    let wz = g.z * p.c * 72u;
    let k0 = g.z * 8u;
    var a0_0 = vec4(0.0); var a0_1 = vec4(0.0);
    var a1_0 = vec4(0.0); var a1_1 = vec4(0.0);
    var a2_0 = vec4(0.0); var a2_1 = vec4(0.0);
    var a3_0 = vec4(0.0); var a3_1 = vec4(0.0);
    for (var ci = 0u; ci < p.c; ci++) {
        let sc = stats[2u * ci];
        let sh = stats[2u * ci + 1u];
        for (var ky = 0u; ky < 3u; ky++) {
            let row = (ci * p.h + src_row(y * 1u + ky)) * p.w;
            let v0 = vec4(pre(src[row + src_col(x0 + 0u)], sc, sh));
            let v1 = vec4(pre(src[row + src_col(x0 + 1u)], sc, sh));
            let v2 = vec4(pre(src[row + src_col(x0 + 2u)], sc, sh));
            let v3 = vec4(pre(src[row + src_col(x0 + 3u)], sc, sh));
            let v4 = vec4(pre(src[row + src_col(x0 + 4u)], sc, sh));
            let v5 = vec4(pre(src[row + src_col(x0 + 5u)], sc, sh));
            let wf = wz + (ci * 3u + ky) * 24u + lane;
            let g0 = wk[(wf + 0u) / 4u][(wf + 0u) % 4u]; let g1 = wk[(wf + 8u) / 4u][(wf + 8u) % 4u];
            let g2 = wk[(wf + 16u) / 4u][(wf + 16u) % 4u];
            let w0_0 = vec4(subgroupBroadcast(g0, 0u), subgroupBroadcast(g0, 1u),
                             subgroupBroadcast(g0, 2u), subgroupBroadcast(g0, 3u));
            let w0_1 = vec4(subgroupBroadcast(g0, 4u), subgroupBroadcast(g0, 5u),
                             subgroupBroadcast(g0, 6u), subgroupBroadcast(g0, 7u));
            let w1_0 = vec4(subgroupBroadcast(g1, 0u), subgroupBroadcast(g1, 1u),
                             subgroupBroadcast(g1, 2u), subgroupBroadcast(g1, 3u));
            let w1_1 = vec4(subgroupBroadcast(g1, 4u), subgroupBroadcast(g1, 5u),
                             subgroupBroadcast(g1, 6u), subgroupBroadcast(g1, 7u));
            let w2_0 = vec4(subgroupBroadcast(g2, 0u), subgroupBroadcast(g2, 1u),
                             subgroupBroadcast(g2, 2u), subgroupBroadcast(g2, 3u));
            let w2_1 = vec4(subgroupBroadcast(g2, 4u), subgroupBroadcast(g2, 5u),
                             subgroupBroadcast(g2, 6u), subgroupBroadcast(g2, 7u));
            a0_0 = fma(v2, w2_0, fma(v1, w1_0, fma(v0, w0_0, a0_0)));
            a0_1 = fma(v2, w2_1, fma(v1, w1_1, fma(v0, w0_1, a0_1)));
            a1_0 = fma(v3, w2_0, fma(v2, w1_0, fma(v1, w0_0, a1_0)));
            a1_1 = fma(v3, w2_1, fma(v2, w1_1, fma(v1, w0_1, a1_1)));
            a2_0 = fma(v4, w2_0, fma(v3, w1_0, fma(v2, w0_0, a2_0)));
            a2_1 = fma(v4, w2_1, fma(v3, w1_1, fma(v2, w0_1, a2_1)));
            a3_0 = fma(v5, w2_0, fma(v4, w1_0, fma(v3, w0_0, a3_0)));
            a3_1 = fma(v5, w2_1, fma(v4, w1_1, fma(v3, w0_1, a3_1)));
        }
    }
    if live {
        put_out(g.x * 4u + 0u, y, k0 + 0u, a0_0); put_out(g.x * 4u + 0u, y, k0 + 4u, a0_1);
        put_out(g.x * 4u + 1u, y, k0 + 0u, a1_0); put_out(g.x * 4u + 1u, y, k0 + 4u, a1_1);
        put_out(g.x * 4u + 2u, y, k0 + 0u, a2_0); put_out(g.x * 4u + 2u, y, k0 + 4u, a2_1);
        put_out(g.x * 4u + 3u, y, k0 + 0u, a3_0); put_out(g.x * 4u + 3u, y, k0 + 4u, a3_1);
    }
}

// 3x3 convolution, stride 1, up to 4 output channels, 4 pixels per invocation.
@compute @workgroup_size(CONV_SG_WG)
fn conv_k3s1o1(@builtin(global_invocation_id) g: vec3<u32>,
             @builtin(subgroup_invocation_id) sid: u32) {
    // every lane stays to the end (subgroupBroadcast); only the stores are guarded
    let live = g.x * 4u < p.ow;
    let y = g.y;
    let x0 = g.x * 4u;
    let lane = sid & 7u;
    // channel group z: output channels from 4z, weights from group z's rows
    let wz = g.z * p.c * 48u;
    let k0 = g.z * 4u;
    var a0_0 = vec4(0.0);
    var a1_0 = vec4(0.0);
    var a2_0 = vec4(0.0);
    var a3_0 = vec4(0.0);
    for (var ci = 0u; ci < p.c; ci++) {
        let sc = stats[2u * ci];
        let sh = stats[2u * ci + 1u];
        for (var ky = 0u; ky < 3u; ky++) {
            let row = (ci * p.h + src_row(y * 1u + ky)) * p.w;
            let v0 = vec4(pre(src[row + src_col(x0 + 0u)], sc, sh));
            let v1 = vec4(pre(src[row + src_col(x0 + 1u)], sc, sh));
            let v2 = vec4(pre(src[row + src_col(x0 + 2u)], sc, sh));
            let v3 = vec4(pre(src[row + src_col(x0 + 3u)], sc, sh));
            let v4 = vec4(pre(src[row + src_col(x0 + 4u)], sc, sh));
            let v5 = vec4(pre(src[row + src_col(x0 + 5u)], sc, sh));
            let wf = wz + (ci * 3u + ky) * 16u + lane;
            let g0 = wk[(wf + 0u) / 4u][(wf + 0u) % 4u]; let g1 = wk[(wf + 8u) / 4u][(wf + 8u) % 4u];
            let w0_0 = vec4(subgroupBroadcast(g0, 0u), subgroupBroadcast(g0, 1u),
                             subgroupBroadcast(g0, 2u), subgroupBroadcast(g0, 3u));
            let w1_0 = vec4(subgroupBroadcast(g0, 4u), subgroupBroadcast(g0, 5u),
                             subgroupBroadcast(g0, 6u), subgroupBroadcast(g0, 7u));
            let w2_0 = vec4(subgroupBroadcast(g1, 0u), subgroupBroadcast(g1, 1u),
                             subgroupBroadcast(g1, 2u), subgroupBroadcast(g1, 3u));
            a0_0 = fma(v2, w2_0, fma(v1, w1_0, fma(v0, w0_0, a0_0)));
            a1_0 = fma(v3, w2_0, fma(v2, w1_0, fma(v1, w0_0, a1_0)));
            a2_0 = fma(v4, w2_0, fma(v3, w1_0, fma(v2, w0_0, a2_0)));
            a3_0 = fma(v5, w2_0, fma(v4, w1_0, fma(v3, w0_0, a3_0)));
        }
    }
    if live {
        put_out(g.x * 4u + 0u, y, k0 + 0u, a0_0);
        put_out(g.x * 4u + 1u, y, k0 + 0u, a1_0);
        put_out(g.x * 4u + 2u, y, k0 + 0u, a2_0);
        put_out(g.x * 4u + 3u, y, k0 + 0u, a3_0);
    }
}

// 9x9 convolution, stride 1, up to 4 output channels, 4 pixels per invocation.
@compute @workgroup_size(CONV_SG_WG)
fn conv_k9s1o1(@builtin(global_invocation_id) g: vec3<u32>,
             @builtin(subgroup_invocation_id) sid: u32) {
    // every lane stays to the end (subgroupBroadcast); only the stores are guarded
    let live = g.x * 4u < p.ow;
    let y = g.y;
    let x0 = g.x * 4u;
    let lane = sid & 7u;
    // channel group z: output channels from 4z, weights from group z's rows
    let wz = g.z * p.c * 360u;
    let k0 = g.z * 4u;
    var a0_0 = vec4(0.0);
    var a1_0 = vec4(0.0);
    var a2_0 = vec4(0.0);
    var a3_0 = vec4(0.0);
    for (var ci = 0u; ci < p.c; ci++) {
        let sc = stats[2u * ci];
        let sh = stats[2u * ci + 1u];
        for (var ky = 0u; ky < 9u; ky++) {
            let row = (ci * p.h + src_row(y * 1u + ky)) * p.w;
            let v0 = vec4(pre(src[row + src_col(x0 + 0u)], sc, sh));
            let v1 = vec4(pre(src[row + src_col(x0 + 1u)], sc, sh));
            let v2 = vec4(pre(src[row + src_col(x0 + 2u)], sc, sh));
            let v3 = vec4(pre(src[row + src_col(x0 + 3u)], sc, sh));
            let v4 = vec4(pre(src[row + src_col(x0 + 4u)], sc, sh));
            let v5 = vec4(pre(src[row + src_col(x0 + 5u)], sc, sh));
            let v6 = vec4(pre(src[row + src_col(x0 + 6u)], sc, sh));
            let v7 = vec4(pre(src[row + src_col(x0 + 7u)], sc, sh));
            let v8 = vec4(pre(src[row + src_col(x0 + 8u)], sc, sh));
            let v9 = vec4(pre(src[row + src_col(x0 + 9u)], sc, sh));
            let v10 = vec4(pre(src[row + src_col(x0 + 10u)], sc, sh));
            let v11 = vec4(pre(src[row + src_col(x0 + 11u)], sc, sh));
            let wf = wz + (ci * 9u + ky) * 40u + lane;
            let g0 = wk[(wf + 0u) / 4u][(wf + 0u) % 4u]; let g1 = wk[(wf + 8u) / 4u][(wf + 8u) % 4u];
            let g2 = wk[(wf + 16u) / 4u][(wf + 16u) % 4u]; let g3 = wk[(wf + 24u) / 4u][(wf + 24u) % 4u];
            let g4 = wk[(wf + 32u) / 4u][(wf + 32u) % 4u];
            let w0_0 = vec4(subgroupBroadcast(g0, 0u), subgroupBroadcast(g0, 1u),
                             subgroupBroadcast(g0, 2u), subgroupBroadcast(g0, 3u));
            let w1_0 = vec4(subgroupBroadcast(g0, 4u), subgroupBroadcast(g0, 5u),
                             subgroupBroadcast(g0, 6u), subgroupBroadcast(g0, 7u));
            let w2_0 = vec4(subgroupBroadcast(g1, 0u), subgroupBroadcast(g1, 1u),
                             subgroupBroadcast(g1, 2u), subgroupBroadcast(g1, 3u));
            a0_0 = fma(v2, w2_0, fma(v1, w1_0, fma(v0, w0_0, a0_0)));
            a1_0 = fma(v3, w2_0, fma(v2, w1_0, fma(v1, w0_0, a1_0)));
            a2_0 = fma(v4, w2_0, fma(v3, w1_0, fma(v2, w0_0, a2_0)));
            a3_0 = fma(v5, w2_0, fma(v4, w1_0, fma(v3, w0_0, a3_0)));
            let w3_0 = vec4(subgroupBroadcast(g1, 4u), subgroupBroadcast(g1, 5u),
                             subgroupBroadcast(g1, 6u), subgroupBroadcast(g1, 7u));
            let w4_0 = vec4(subgroupBroadcast(g2, 0u), subgroupBroadcast(g2, 1u),
                             subgroupBroadcast(g2, 2u), subgroupBroadcast(g2, 3u));
            let w5_0 = vec4(subgroupBroadcast(g2, 4u), subgroupBroadcast(g2, 5u),
                             subgroupBroadcast(g2, 6u), subgroupBroadcast(g2, 7u));
            a0_0 = fma(v5, w5_0, fma(v4, w4_0, fma(v3, w3_0, a0_0)));
            a1_0 = fma(v6, w5_0, fma(v5, w4_0, fma(v4, w3_0, a1_0)));
            a2_0 = fma(v7, w5_0, fma(v6, w4_0, fma(v5, w3_0, a2_0)));
            a3_0 = fma(v8, w5_0, fma(v7, w4_0, fma(v6, w3_0, a3_0)));
            let w6_0 = vec4(subgroupBroadcast(g3, 0u), subgroupBroadcast(g3, 1u),
                             subgroupBroadcast(g3, 2u), subgroupBroadcast(g3, 3u));
            let w7_0 = vec4(subgroupBroadcast(g3, 4u), subgroupBroadcast(g3, 5u),
                             subgroupBroadcast(g3, 6u), subgroupBroadcast(g3, 7u));
            let w8_0 = vec4(subgroupBroadcast(g4, 0u), subgroupBroadcast(g4, 1u),
                             subgroupBroadcast(g4, 2u), subgroupBroadcast(g4, 3u));
            a0_0 = fma(v8, w8_0, fma(v7, w7_0, fma(v6, w6_0, a0_0)));
            a1_0 = fma(v9, w8_0, fma(v8, w7_0, fma(v7, w6_0, a1_0)));
            a2_0 = fma(v10, w8_0, fma(v9, w7_0, fma(v8, w6_0, a2_0)));
            a3_0 = fma(v11, w8_0, fma(v10, w7_0, fma(v9, w6_0, a3_0)));
        }
    }
    if live {
        put_out(g.x * 4u + 0u, y, k0 + 0u, a0_0);
        put_out(g.x * 4u + 1u, y, k0 + 0u, a1_0);
        put_out(g.x * 4u + 2u, y, k0 + 0u, a2_0);
        put_out(g.x * 4u + 3u, y, k0 + 0u, a3_0);
    }
}

// 9x9 convolution, stride 1, up to 16 output channels, 4 pixels per invocation.
@compute @workgroup_size(CONV_SG_WG)
fn conv_k9s1o4(@builtin(global_invocation_id) g: vec3<u32>,
             @builtin(subgroup_invocation_id) sid: u32) {
    // every lane stays to the end (subgroupBroadcast); only the stores are guarded
    let live = g.x * 4u < p.ow;
    let y = g.y;
    let x0 = g.x * 4u;
    let lane = sid & 7u;
    // channel group z: output channels from 16z, weights from group z's rows
    let wz = g.z * p.c * 1296u;
    let k0 = g.z * 16u;
    var a0_0 = vec4(0.0); var a0_1 = vec4(0.0); var a0_2 = vec4(0.0); var a0_3 = vec4(0.0);
    var a1_0 = vec4(0.0); var a1_1 = vec4(0.0); var a1_2 = vec4(0.0); var a1_3 = vec4(0.0);
    var a2_0 = vec4(0.0); var a2_1 = vec4(0.0); var a2_2 = vec4(0.0); var a2_3 = vec4(0.0);
    var a3_0 = vec4(0.0); var a3_1 = vec4(0.0); var a3_2 = vec4(0.0); var a3_3 = vec4(0.0);
    for (var ci = 0u; ci < p.c; ci++) {
        let sc = stats[2u * ci];
        let sh = stats[2u * ci + 1u];
        for (var ky = 0u; ky < 9u; ky++) {
            let row = (ci * p.h + src_row(y * 1u + ky)) * p.w;
            let v0 = vec4(pre(src[row + src_col(x0 + 0u)], sc, sh));
            let v1 = vec4(pre(src[row + src_col(x0 + 1u)], sc, sh));
            let v2 = vec4(pre(src[row + src_col(x0 + 2u)], sc, sh));
            let v3 = vec4(pre(src[row + src_col(x0 + 3u)], sc, sh));
            let v4 = vec4(pre(src[row + src_col(x0 + 4u)], sc, sh));
            let v5 = vec4(pre(src[row + src_col(x0 + 5u)], sc, sh));
            let v6 = vec4(pre(src[row + src_col(x0 + 6u)], sc, sh));
            let v7 = vec4(pre(src[row + src_col(x0 + 7u)], sc, sh));
            let v8 = vec4(pre(src[row + src_col(x0 + 8u)], sc, sh));
            let v9 = vec4(pre(src[row + src_col(x0 + 9u)], sc, sh));
            let v10 = vec4(pre(src[row + src_col(x0 + 10u)], sc, sh));
            let v11 = vec4(pre(src[row + src_col(x0 + 11u)], sc, sh));
            let wf = wz + (ci * 9u + ky) * 144u + lane;
            let g0 = wk[(wf + 0u) / 4u][(wf + 0u) % 4u]; let g1 = wk[(wf + 8u) / 4u][(wf + 8u) % 4u];
            let g2 = wk[(wf + 16u) / 4u][(wf + 16u) % 4u]; let g3 = wk[(wf + 24u) / 4u][(wf + 24u) % 4u];
            let g4 = wk[(wf + 32u) / 4u][(wf + 32u) % 4u]; let g5 = wk[(wf + 40u) / 4u][(wf + 40u) % 4u];
            let g6 = wk[(wf + 48u) / 4u][(wf + 48u) % 4u]; let g7 = wk[(wf + 56u) / 4u][(wf + 56u) % 4u];
            let g8 = wk[(wf + 64u) / 4u][(wf + 64u) % 4u]; let g9 = wk[(wf + 72u) / 4u][(wf + 72u) % 4u];
            let g10 = wk[(wf + 80u) / 4u][(wf + 80u) % 4u]; let g11 = wk[(wf + 88u) / 4u][(wf + 88u) % 4u];
            let g12 = wk[(wf + 96u) / 4u][(wf + 96u) % 4u]; let g13 = wk[(wf + 104u) / 4u][(wf + 104u) % 4u];
            let g14 = wk[(wf + 112u) / 4u][(wf + 112u) % 4u]; let g15 = wk[(wf + 120u) / 4u][(wf + 120u) % 4u];
            let g16 = wk[(wf + 128u) / 4u][(wf + 128u) % 4u]; let g17 = wk[(wf + 136u) / 4u][(wf + 136u) % 4u];
            let w0_0 = vec4(subgroupBroadcast(g0, 0u), subgroupBroadcast(g0, 1u),
                             subgroupBroadcast(g0, 2u), subgroupBroadcast(g0, 3u));
            let w0_1 = vec4(subgroupBroadcast(g0, 4u), subgroupBroadcast(g0, 5u),
                             subgroupBroadcast(g0, 6u), subgroupBroadcast(g0, 7u));
            let w0_2 = vec4(subgroupBroadcast(g1, 0u), subgroupBroadcast(g1, 1u),
                             subgroupBroadcast(g1, 2u), subgroupBroadcast(g1, 3u));
            let w0_3 = vec4(subgroupBroadcast(g1, 4u), subgroupBroadcast(g1, 5u),
                             subgroupBroadcast(g1, 6u), subgroupBroadcast(g1, 7u));
            let w1_0 = vec4(subgroupBroadcast(g2, 0u), subgroupBroadcast(g2, 1u),
                             subgroupBroadcast(g2, 2u), subgroupBroadcast(g2, 3u));
            let w1_1 = vec4(subgroupBroadcast(g2, 4u), subgroupBroadcast(g2, 5u),
                             subgroupBroadcast(g2, 6u), subgroupBroadcast(g2, 7u));
            let w1_2 = vec4(subgroupBroadcast(g3, 0u), subgroupBroadcast(g3, 1u),
                             subgroupBroadcast(g3, 2u), subgroupBroadcast(g3, 3u));
            let w1_3 = vec4(subgroupBroadcast(g3, 4u), subgroupBroadcast(g3, 5u),
                             subgroupBroadcast(g3, 6u), subgroupBroadcast(g3, 7u));
            let w2_0 = vec4(subgroupBroadcast(g4, 0u), subgroupBroadcast(g4, 1u),
                             subgroupBroadcast(g4, 2u), subgroupBroadcast(g4, 3u));
            let w2_1 = vec4(subgroupBroadcast(g4, 4u), subgroupBroadcast(g4, 5u),
                             subgroupBroadcast(g4, 6u), subgroupBroadcast(g4, 7u));
            let w2_2 = vec4(subgroupBroadcast(g5, 0u), subgroupBroadcast(g5, 1u),
                             subgroupBroadcast(g5, 2u), subgroupBroadcast(g5, 3u));
            let w2_3 = vec4(subgroupBroadcast(g5, 4u), subgroupBroadcast(g5, 5u),
                             subgroupBroadcast(g5, 6u), subgroupBroadcast(g5, 7u));
            a0_0 = fma(v2, w2_0, fma(v1, w1_0, fma(v0, w0_0, a0_0)));
            a0_1 = fma(v2, w2_1, fma(v1, w1_1, fma(v0, w0_1, a0_1)));
            a0_2 = fma(v2, w2_2, fma(v1, w1_2, fma(v0, w0_2, a0_2)));
            a0_3 = fma(v2, w2_3, fma(v1, w1_3, fma(v0, w0_3, a0_3)));
            a1_0 = fma(v3, w2_0, fma(v2, w1_0, fma(v1, w0_0, a1_0)));
            a1_1 = fma(v3, w2_1, fma(v2, w1_1, fma(v1, w0_1, a1_1)));
            a1_2 = fma(v3, w2_2, fma(v2, w1_2, fma(v1, w0_2, a1_2)));
            a1_3 = fma(v3, w2_3, fma(v2, w1_3, fma(v1, w0_3, a1_3)));
            a2_0 = fma(v4, w2_0, fma(v3, w1_0, fma(v2, w0_0, a2_0)));
            a2_1 = fma(v4, w2_1, fma(v3, w1_1, fma(v2, w0_1, a2_1)));
            a2_2 = fma(v4, w2_2, fma(v3, w1_2, fma(v2, w0_2, a2_2)));
            a2_3 = fma(v4, w2_3, fma(v3, w1_3, fma(v2, w0_3, a2_3)));
            a3_0 = fma(v5, w2_0, fma(v4, w1_0, fma(v3, w0_0, a3_0)));
            a3_1 = fma(v5, w2_1, fma(v4, w1_1, fma(v3, w0_1, a3_1)));
            a3_2 = fma(v5, w2_2, fma(v4, w1_2, fma(v3, w0_2, a3_2)));
            a3_3 = fma(v5, w2_3, fma(v4, w1_3, fma(v3, w0_3, a3_3)));
            let w3_0 = vec4(subgroupBroadcast(g6, 0u), subgroupBroadcast(g6, 1u),
                             subgroupBroadcast(g6, 2u), subgroupBroadcast(g6, 3u));
            let w3_1 = vec4(subgroupBroadcast(g6, 4u), subgroupBroadcast(g6, 5u),
                             subgroupBroadcast(g6, 6u), subgroupBroadcast(g6, 7u));
            let w3_2 = vec4(subgroupBroadcast(g7, 0u), subgroupBroadcast(g7, 1u),
                             subgroupBroadcast(g7, 2u), subgroupBroadcast(g7, 3u));
            let w3_3 = vec4(subgroupBroadcast(g7, 4u), subgroupBroadcast(g7, 5u),
                             subgroupBroadcast(g7, 6u), subgroupBroadcast(g7, 7u));
            let w4_0 = vec4(subgroupBroadcast(g8, 0u), subgroupBroadcast(g8, 1u),
                             subgroupBroadcast(g8, 2u), subgroupBroadcast(g8, 3u));
            let w4_1 = vec4(subgroupBroadcast(g8, 4u), subgroupBroadcast(g8, 5u),
                             subgroupBroadcast(g8, 6u), subgroupBroadcast(g8, 7u));
            let w4_2 = vec4(subgroupBroadcast(g9, 0u), subgroupBroadcast(g9, 1u),
                             subgroupBroadcast(g9, 2u), subgroupBroadcast(g9, 3u));
            let w4_3 = vec4(subgroupBroadcast(g9, 4u), subgroupBroadcast(g9, 5u),
                             subgroupBroadcast(g9, 6u), subgroupBroadcast(g9, 7u));
            let w5_0 = vec4(subgroupBroadcast(g10, 0u), subgroupBroadcast(g10, 1u),
                             subgroupBroadcast(g10, 2u), subgroupBroadcast(g10, 3u));
            let w5_1 = vec4(subgroupBroadcast(g10, 4u), subgroupBroadcast(g10, 5u),
                             subgroupBroadcast(g10, 6u), subgroupBroadcast(g10, 7u));
            let w5_2 = vec4(subgroupBroadcast(g11, 0u), subgroupBroadcast(g11, 1u),
                             subgroupBroadcast(g11, 2u), subgroupBroadcast(g11, 3u));
            let w5_3 = vec4(subgroupBroadcast(g11, 4u), subgroupBroadcast(g11, 5u),
                             subgroupBroadcast(g11, 6u), subgroupBroadcast(g11, 7u));
            a0_0 = fma(v5, w5_0, fma(v4, w4_0, fma(v3, w3_0, a0_0)));
            a0_1 = fma(v5, w5_1, fma(v4, w4_1, fma(v3, w3_1, a0_1)));
            a0_2 = fma(v5, w5_2, fma(v4, w4_2, fma(v3, w3_2, a0_2)));
            a0_3 = fma(v5, w5_3, fma(v4, w4_3, fma(v3, w3_3, a0_3)));
            a1_0 = fma(v6, w5_0, fma(v5, w4_0, fma(v4, w3_0, a1_0)));
            a1_1 = fma(v6, w5_1, fma(v5, w4_1, fma(v4, w3_1, a1_1)));
            a1_2 = fma(v6, w5_2, fma(v5, w4_2, fma(v4, w3_2, a1_2)));
            a1_3 = fma(v6, w5_3, fma(v5, w4_3, fma(v4, w3_3, a1_3)));
            a2_0 = fma(v7, w5_0, fma(v6, w4_0, fma(v5, w3_0, a2_0)));
            a2_1 = fma(v7, w5_1, fma(v6, w4_1, fma(v5, w3_1, a2_1)));
            a2_2 = fma(v7, w5_2, fma(v6, w4_2, fma(v5, w3_2, a2_2)));
            a2_3 = fma(v7, w5_3, fma(v6, w4_3, fma(v5, w3_3, a2_3)));
            a3_0 = fma(v8, w5_0, fma(v7, w4_0, fma(v6, w3_0, a3_0)));
            a3_1 = fma(v8, w5_1, fma(v7, w4_1, fma(v6, w3_1, a3_1)));
            a3_2 = fma(v8, w5_2, fma(v7, w4_2, fma(v6, w3_2, a3_2)));
            a3_3 = fma(v8, w5_3, fma(v7, w4_3, fma(v6, w3_3, a3_3)));
            let w6_0 = vec4(subgroupBroadcast(g12, 0u), subgroupBroadcast(g12, 1u),
                             subgroupBroadcast(g12, 2u), subgroupBroadcast(g12, 3u));
            let w6_1 = vec4(subgroupBroadcast(g12, 4u), subgroupBroadcast(g12, 5u),
                             subgroupBroadcast(g12, 6u), subgroupBroadcast(g12, 7u));
            let w6_2 = vec4(subgroupBroadcast(g13, 0u), subgroupBroadcast(g13, 1u),
                             subgroupBroadcast(g13, 2u), subgroupBroadcast(g13, 3u));
            let w6_3 = vec4(subgroupBroadcast(g13, 4u), subgroupBroadcast(g13, 5u),
                             subgroupBroadcast(g13, 6u), subgroupBroadcast(g13, 7u));
            let w7_0 = vec4(subgroupBroadcast(g14, 0u), subgroupBroadcast(g14, 1u),
                             subgroupBroadcast(g14, 2u), subgroupBroadcast(g14, 3u));
            let w7_1 = vec4(subgroupBroadcast(g14, 4u), subgroupBroadcast(g14, 5u),
                             subgroupBroadcast(g14, 6u), subgroupBroadcast(g14, 7u));
            let w7_2 = vec4(subgroupBroadcast(g15, 0u), subgroupBroadcast(g15, 1u),
                             subgroupBroadcast(g15, 2u), subgroupBroadcast(g15, 3u));
            let w7_3 = vec4(subgroupBroadcast(g15, 4u), subgroupBroadcast(g15, 5u),
                             subgroupBroadcast(g15, 6u), subgroupBroadcast(g15, 7u));
            let w8_0 = vec4(subgroupBroadcast(g16, 0u), subgroupBroadcast(g16, 1u),
                             subgroupBroadcast(g16, 2u), subgroupBroadcast(g16, 3u));
            let w8_1 = vec4(subgroupBroadcast(g16, 4u), subgroupBroadcast(g16, 5u),
                             subgroupBroadcast(g16, 6u), subgroupBroadcast(g16, 7u));
            let w8_2 = vec4(subgroupBroadcast(g17, 0u), subgroupBroadcast(g17, 1u),
                             subgroupBroadcast(g17, 2u), subgroupBroadcast(g17, 3u));
            let w8_3 = vec4(subgroupBroadcast(g17, 4u), subgroupBroadcast(g17, 5u),
                             subgroupBroadcast(g17, 6u), subgroupBroadcast(g17, 7u));
            a0_0 = fma(v8, w8_0, fma(v7, w7_0, fma(v6, w6_0, a0_0)));
            a0_1 = fma(v8, w8_1, fma(v7, w7_1, fma(v6, w6_1, a0_1)));
            a0_2 = fma(v8, w8_2, fma(v7, w7_2, fma(v6, w6_2, a0_2)));
            a0_3 = fma(v8, w8_3, fma(v7, w7_3, fma(v6, w6_3, a0_3)));
            a1_0 = fma(v9, w8_0, fma(v8, w7_0, fma(v7, w6_0, a1_0)));
            a1_1 = fma(v9, w8_1, fma(v8, w7_1, fma(v7, w6_1, a1_1)));
            a1_2 = fma(v9, w8_2, fma(v8, w7_2, fma(v7, w6_2, a1_2)));
            a1_3 = fma(v9, w8_3, fma(v8, w7_3, fma(v7, w6_3, a1_3)));
            a2_0 = fma(v10, w8_0, fma(v9, w7_0, fma(v8, w6_0, a2_0)));
            a2_1 = fma(v10, w8_1, fma(v9, w7_1, fma(v8, w6_1, a2_1)));
            a2_2 = fma(v10, w8_2, fma(v9, w7_2, fma(v8, w6_2, a2_2)));
            a2_3 = fma(v10, w8_3, fma(v9, w7_3, fma(v8, w6_3, a2_3)));
            a3_0 = fma(v11, w8_0, fma(v10, w7_0, fma(v9, w6_0, a3_0)));
            a3_1 = fma(v11, w8_1, fma(v10, w7_1, fma(v9, w6_1, a3_1)));
            a3_2 = fma(v11, w8_2, fma(v10, w7_2, fma(v9, w6_2, a3_2)));
            a3_3 = fma(v11, w8_3, fma(v10, w7_3, fma(v9, w6_3, a3_3)));
        }
    }
    if live {
        put_out(g.x * 4u + 0u, y, k0 + 0u, a0_0); put_out(g.x * 4u + 0u, y, k0 + 4u, a0_1);
        put_out(g.x * 4u + 0u, y, k0 + 8u, a0_2); put_out(g.x * 4u + 0u, y, k0 + 12u, a0_3);
        put_out(g.x * 4u + 1u, y, k0 + 0u, a1_0); put_out(g.x * 4u + 1u, y, k0 + 4u, a1_1);
        put_out(g.x * 4u + 1u, y, k0 + 8u, a1_2); put_out(g.x * 4u + 1u, y, k0 + 12u, a1_3);
        put_out(g.x * 4u + 2u, y, k0 + 0u, a2_0); put_out(g.x * 4u + 2u, y, k0 + 4u, a2_1);
        put_out(g.x * 4u + 2u, y, k0 + 8u, a2_2); put_out(g.x * 4u + 2u, y, k0 + 12u, a2_3);
        put_out(g.x * 4u + 3u, y, k0 + 0u, a3_0); put_out(g.x * 4u + 3u, y, k0 + 4u, a3_1);
        put_out(g.x * 4u + 3u, y, k0 + 8u, a3_2); put_out(g.x * 4u + 3u, y, k0 + 12u, a3_3);
    }
}

// 3x3 convolution, stride 1, up to 8 output channels, 8 pixels per invocation.
@compute @workgroup_size(CONV_SG_WG)
fn conv_k3s1o2p8(@builtin(global_invocation_id) g: vec3<u32>,
               @builtin(subgroup_invocation_id) sid: u32) {
    // every lane stays to the end (subgroupBroadcast); only the stores are guarded
    let live = g.x * 8u < p.ow;
    let y = g.y;
    let x0 = g.x * 8u;
    let lane = sid & 7u;
    // channel group z: output channels from 8z, weights from group z's rows
    let wz = g.z * p.c * 72u;
    let k0 = g.z * 8u;
    var a0_0 = vec4(0.0); var a0_1 = vec4(0.0);
    var a1_0 = vec4(0.0); var a1_1 = vec4(0.0);
    var a2_0 = vec4(0.0); var a2_1 = vec4(0.0);
    var a3_0 = vec4(0.0); var a3_1 = vec4(0.0);
    var a4_0 = vec4(0.0); var a4_1 = vec4(0.0);
    var a5_0 = vec4(0.0); var a5_1 = vec4(0.0);
    var a6_0 = vec4(0.0); var a6_1 = vec4(0.0);
    var a7_0 = vec4(0.0); var a7_1 = vec4(0.0);
    for (var ci = 0u; ci < p.c; ci++) {
        let sc = stats[2u * ci];
        let sh = stats[2u * ci + 1u];
        for (var ky = 0u; ky < 3u; ky++) {
            let row = (ci * p.h + src_row(y * 1u + ky)) * p.w;
            let v0 = vec4(pre(src[row + src_col(x0 + 0u)], sc, sh));
            let v1 = vec4(pre(src[row + src_col(x0 + 1u)], sc, sh));
            let v2 = vec4(pre(src[row + src_col(x0 + 2u)], sc, sh));
            let v3 = vec4(pre(src[row + src_col(x0 + 3u)], sc, sh));
            let v4 = vec4(pre(src[row + src_col(x0 + 4u)], sc, sh));
            let v5 = vec4(pre(src[row + src_col(x0 + 5u)], sc, sh));
            let v6 = vec4(pre(src[row + src_col(x0 + 6u)], sc, sh));
            let v7 = vec4(pre(src[row + src_col(x0 + 7u)], sc, sh));
            let v8 = vec4(pre(src[row + src_col(x0 + 8u)], sc, sh));
            let v9 = vec4(pre(src[row + src_col(x0 + 9u)], sc, sh));
            let wf = wz + (ci * 3u + ky) * 24u + lane;
            let g0 = wk[(wf + 0u) / 4u][(wf + 0u) % 4u]; let g1 = wk[(wf + 8u) / 4u][(wf + 8u) % 4u];
            let g2 = wk[(wf + 16u) / 4u][(wf + 16u) % 4u];
            let w0_0 = vec4(subgroupBroadcast(g0, 0u), subgroupBroadcast(g0, 1u),
                             subgroupBroadcast(g0, 2u), subgroupBroadcast(g0, 3u));
            let w0_1 = vec4(subgroupBroadcast(g0, 4u), subgroupBroadcast(g0, 5u),
                             subgroupBroadcast(g0, 6u), subgroupBroadcast(g0, 7u));
            let w1_0 = vec4(subgroupBroadcast(g1, 0u), subgroupBroadcast(g1, 1u),
                             subgroupBroadcast(g1, 2u), subgroupBroadcast(g1, 3u));
            let w1_1 = vec4(subgroupBroadcast(g1, 4u), subgroupBroadcast(g1, 5u),
                             subgroupBroadcast(g1, 6u), subgroupBroadcast(g1, 7u));
            let w2_0 = vec4(subgroupBroadcast(g2, 0u), subgroupBroadcast(g2, 1u),
                             subgroupBroadcast(g2, 2u), subgroupBroadcast(g2, 3u));
            let w2_1 = vec4(subgroupBroadcast(g2, 4u), subgroupBroadcast(g2, 5u),
                             subgroupBroadcast(g2, 6u), subgroupBroadcast(g2, 7u));
            a0_0 = fma(v2, w2_0, fma(v1, w1_0, fma(v0, w0_0, a0_0)));
            a0_1 = fma(v2, w2_1, fma(v1, w1_1, fma(v0, w0_1, a0_1)));
            a1_0 = fma(v3, w2_0, fma(v2, w1_0, fma(v1, w0_0, a1_0)));
            a1_1 = fma(v3, w2_1, fma(v2, w1_1, fma(v1, w0_1, a1_1)));
            a2_0 = fma(v4, w2_0, fma(v3, w1_0, fma(v2, w0_0, a2_0)));
            a2_1 = fma(v4, w2_1, fma(v3, w1_1, fma(v2, w0_1, a2_1)));
            a3_0 = fma(v5, w2_0, fma(v4, w1_0, fma(v3, w0_0, a3_0)));
            a3_1 = fma(v5, w2_1, fma(v4, w1_1, fma(v3, w0_1, a3_1)));
            a4_0 = fma(v6, w2_0, fma(v5, w1_0, fma(v4, w0_0, a4_0)));
            a4_1 = fma(v6, w2_1, fma(v5, w1_1, fma(v4, w0_1, a4_1)));
            a5_0 = fma(v7, w2_0, fma(v6, w1_0, fma(v5, w0_0, a5_0)));
            a5_1 = fma(v7, w2_1, fma(v6, w1_1, fma(v5, w0_1, a5_1)));
            a6_0 = fma(v8, w2_0, fma(v7, w1_0, fma(v6, w0_0, a6_0)));
            a6_1 = fma(v8, w2_1, fma(v7, w1_1, fma(v6, w0_1, a6_1)));
            a7_0 = fma(v9, w2_0, fma(v8, w1_0, fma(v7, w0_0, a7_0)));
            a7_1 = fma(v9, w2_1, fma(v8, w1_1, fma(v7, w0_1, a7_1)));
        }
    }
    if live {
        put_out(g.x * 8u + 0u, y, k0 + 0u, a0_0); put_out(g.x * 8u + 0u, y, k0 + 4u, a0_1);
        put_out(g.x * 8u + 1u, y, k0 + 0u, a1_0); put_out(g.x * 8u + 1u, y, k0 + 4u, a1_1);
        put_out(g.x * 8u + 2u, y, k0 + 0u, a2_0); put_out(g.x * 8u + 2u, y, k0 + 4u, a2_1);
        put_out(g.x * 8u + 3u, y, k0 + 0u, a3_0); put_out(g.x * 8u + 3u, y, k0 + 4u, a3_1);
        put_out(g.x * 8u + 4u, y, k0 + 0u, a4_0); put_out(g.x * 8u + 4u, y, k0 + 4u, a4_1);
        put_out(g.x * 8u + 5u, y, k0 + 0u, a5_0); put_out(g.x * 8u + 5u, y, k0 + 4u, a5_1);
        put_out(g.x * 8u + 6u, y, k0 + 0u, a6_0); put_out(g.x * 8u + 6u, y, k0 + 4u, a6_1);
        put_out(g.x * 8u + 7u, y, k0 + 0u, a7_0); put_out(g.x * 8u + 7u, y, k0 + 4u, a7_1);
    }
}

// 3x3 convolution, stride 1, up to 4 output channels, 8 pixels per invocation.
@compute @workgroup_size(CONV_SG_WG)
fn conv_k3s1o1p8(@builtin(global_invocation_id) g: vec3<u32>,
               @builtin(subgroup_invocation_id) sid: u32) {
    // every lane stays to the end (subgroupBroadcast); only the stores are guarded
    let live = g.x * 8u < p.ow;
    let y = g.y;
    let x0 = g.x * 8u;
    let lane = sid & 7u;
    // channel group z: output channels from 4z, weights from group z's rows
    let wz = g.z * p.c * 48u;
    let k0 = g.z * 4u;
    var a0_0 = vec4(0.0);
    var a1_0 = vec4(0.0);
    var a2_0 = vec4(0.0);
    var a3_0 = vec4(0.0);
    var a4_0 = vec4(0.0);
    var a5_0 = vec4(0.0);
    var a6_0 = vec4(0.0);
    var a7_0 = vec4(0.0);
    for (var ci = 0u; ci < p.c; ci++) {
        let sc = stats[2u * ci];
        let sh = stats[2u * ci + 1u];
        for (var ky = 0u; ky < 3u; ky++) {
            let row = (ci * p.h + src_row(y * 1u + ky)) * p.w;
            let v0 = vec4(pre(src[row + src_col(x0 + 0u)], sc, sh));
            let v1 = vec4(pre(src[row + src_col(x0 + 1u)], sc, sh));
            let v2 = vec4(pre(src[row + src_col(x0 + 2u)], sc, sh));
            let v3 = vec4(pre(src[row + src_col(x0 + 3u)], sc, sh));
            let v4 = vec4(pre(src[row + src_col(x0 + 4u)], sc, sh));
            let v5 = vec4(pre(src[row + src_col(x0 + 5u)], sc, sh));
            let v6 = vec4(pre(src[row + src_col(x0 + 6u)], sc, sh));
            let v7 = vec4(pre(src[row + src_col(x0 + 7u)], sc, sh));
            let v8 = vec4(pre(src[row + src_col(x0 + 8u)], sc, sh));
            let v9 = vec4(pre(src[row + src_col(x0 + 9u)], sc, sh));
            let wf = wz + (ci * 3u + ky) * 16u + lane;
            let g0 = wk[(wf + 0u) / 4u][(wf + 0u) % 4u]; let g1 = wk[(wf + 8u) / 4u][(wf + 8u) % 4u];
            let w0_0 = vec4(subgroupBroadcast(g0, 0u), subgroupBroadcast(g0, 1u),
                             subgroupBroadcast(g0, 2u), subgroupBroadcast(g0, 3u));
            let w1_0 = vec4(subgroupBroadcast(g0, 4u), subgroupBroadcast(g0, 5u),
                             subgroupBroadcast(g0, 6u), subgroupBroadcast(g0, 7u));
            let w2_0 = vec4(subgroupBroadcast(g1, 0u), subgroupBroadcast(g1, 1u),
                             subgroupBroadcast(g1, 2u), subgroupBroadcast(g1, 3u));
            a0_0 = fma(v2, w2_0, fma(v1, w1_0, fma(v0, w0_0, a0_0)));
            a1_0 = fma(v3, w2_0, fma(v2, w1_0, fma(v1, w0_0, a1_0)));
            a2_0 = fma(v4, w2_0, fma(v3, w1_0, fma(v2, w0_0, a2_0)));
            a3_0 = fma(v5, w2_0, fma(v4, w1_0, fma(v3, w0_0, a3_0)));
            a4_0 = fma(v6, w2_0, fma(v5, w1_0, fma(v4, w0_0, a4_0)));
            a5_0 = fma(v7, w2_0, fma(v6, w1_0, fma(v5, w0_0, a5_0)));
            a6_0 = fma(v8, w2_0, fma(v7, w1_0, fma(v6, w0_0, a6_0)));
            a7_0 = fma(v9, w2_0, fma(v8, w1_0, fma(v7, w0_0, a7_0)));
        }
    }
    if live {
        put_out(g.x * 8u + 0u, y, k0 + 0u, a0_0);
        put_out(g.x * 8u + 1u, y, k0 + 0u, a1_0);
        put_out(g.x * 8u + 2u, y, k0 + 0u, a2_0);
        put_out(g.x * 8u + 3u, y, k0 + 0u, a3_0);
        put_out(g.x * 8u + 4u, y, k0 + 0u, a4_0);
        put_out(g.x * 8u + 5u, y, k0 + 0u, a5_0);
        put_out(g.x * 8u + 6u, y, k0 + 0u, a6_0);
        put_out(g.x * 8u + 7u, y, k0 + 0u, a7_0);
    }
}

// 9x9 convolution, stride 1, up to 4 output channels, 8 pixels per invocation.
@compute @workgroup_size(CONV_SG_WG)
fn conv_k9s1o1p8(@builtin(global_invocation_id) g: vec3<u32>,
               @builtin(subgroup_invocation_id) sid: u32) {
    // every lane stays to the end (subgroupBroadcast); only the stores are guarded
    let live = g.x * 8u < p.ow;
    let y = g.y;
    let x0 = g.x * 8u;
    let lane = sid & 7u;
    // channel group z: output channels from 4z, weights from group z's rows
    let wz = g.z * p.c * 360u;
    let k0 = g.z * 4u;
    var a0_0 = vec4(0.0);
    var a1_0 = vec4(0.0);
    var a2_0 = vec4(0.0);
    var a3_0 = vec4(0.0);
    var a4_0 = vec4(0.0);
    var a5_0 = vec4(0.0);
    var a6_0 = vec4(0.0);
    var a7_0 = vec4(0.0);
    for (var ci = 0u; ci < p.c; ci++) {
        let sc = stats[2u * ci];
        let sh = stats[2u * ci + 1u];
        for (var ky = 0u; ky < 9u; ky++) {
            let row = (ci * p.h + src_row(y * 1u + ky)) * p.w;
            let v0 = vec4(pre(src[row + src_col(x0 + 0u)], sc, sh));
            let v1 = vec4(pre(src[row + src_col(x0 + 1u)], sc, sh));
            let v2 = vec4(pre(src[row + src_col(x0 + 2u)], sc, sh));
            let v3 = vec4(pre(src[row + src_col(x0 + 3u)], sc, sh));
            let v4 = vec4(pre(src[row + src_col(x0 + 4u)], sc, sh));
            let v5 = vec4(pre(src[row + src_col(x0 + 5u)], sc, sh));
            let v6 = vec4(pre(src[row + src_col(x0 + 6u)], sc, sh));
            let v7 = vec4(pre(src[row + src_col(x0 + 7u)], sc, sh));
            let v8 = vec4(pre(src[row + src_col(x0 + 8u)], sc, sh));
            let v9 = vec4(pre(src[row + src_col(x0 + 9u)], sc, sh));
            let v10 = vec4(pre(src[row + src_col(x0 + 10u)], sc, sh));
            let v11 = vec4(pre(src[row + src_col(x0 + 11u)], sc, sh));
            let v12 = vec4(pre(src[row + src_col(x0 + 12u)], sc, sh));
            let v13 = vec4(pre(src[row + src_col(x0 + 13u)], sc, sh));
            let v14 = vec4(pre(src[row + src_col(x0 + 14u)], sc, sh));
            let v15 = vec4(pre(src[row + src_col(x0 + 15u)], sc, sh));
            let wf = wz + (ci * 9u + ky) * 40u + lane;
            let g0 = wk[(wf + 0u) / 4u][(wf + 0u) % 4u]; let g1 = wk[(wf + 8u) / 4u][(wf + 8u) % 4u];
            let g2 = wk[(wf + 16u) / 4u][(wf + 16u) % 4u]; let g3 = wk[(wf + 24u) / 4u][(wf + 24u) % 4u];
            let g4 = wk[(wf + 32u) / 4u][(wf + 32u) % 4u];
            let w0_0 = vec4(subgroupBroadcast(g0, 0u), subgroupBroadcast(g0, 1u),
                             subgroupBroadcast(g0, 2u), subgroupBroadcast(g0, 3u));
            let w1_0 = vec4(subgroupBroadcast(g0, 4u), subgroupBroadcast(g0, 5u),
                             subgroupBroadcast(g0, 6u), subgroupBroadcast(g0, 7u));
            let w2_0 = vec4(subgroupBroadcast(g1, 0u), subgroupBroadcast(g1, 1u),
                             subgroupBroadcast(g1, 2u), subgroupBroadcast(g1, 3u));
            a0_0 = fma(v2, w2_0, fma(v1, w1_0, fma(v0, w0_0, a0_0)));
            a1_0 = fma(v3, w2_0, fma(v2, w1_0, fma(v1, w0_0, a1_0)));
            a2_0 = fma(v4, w2_0, fma(v3, w1_0, fma(v2, w0_0, a2_0)));
            a3_0 = fma(v5, w2_0, fma(v4, w1_0, fma(v3, w0_0, a3_0)));
            a4_0 = fma(v6, w2_0, fma(v5, w1_0, fma(v4, w0_0, a4_0)));
            a5_0 = fma(v7, w2_0, fma(v6, w1_0, fma(v5, w0_0, a5_0)));
            a6_0 = fma(v8, w2_0, fma(v7, w1_0, fma(v6, w0_0, a6_0)));
            a7_0 = fma(v9, w2_0, fma(v8, w1_0, fma(v7, w0_0, a7_0)));
            let w3_0 = vec4(subgroupBroadcast(g1, 4u), subgroupBroadcast(g1, 5u),
                             subgroupBroadcast(g1, 6u), subgroupBroadcast(g1, 7u));
            let w4_0 = vec4(subgroupBroadcast(g2, 0u), subgroupBroadcast(g2, 1u),
                             subgroupBroadcast(g2, 2u), subgroupBroadcast(g2, 3u));
            let w5_0 = vec4(subgroupBroadcast(g2, 4u), subgroupBroadcast(g2, 5u),
                             subgroupBroadcast(g2, 6u), subgroupBroadcast(g2, 7u));
            a0_0 = fma(v5, w5_0, fma(v4, w4_0, fma(v3, w3_0, a0_0)));
            a1_0 = fma(v6, w5_0, fma(v5, w4_0, fma(v4, w3_0, a1_0)));
            a2_0 = fma(v7, w5_0, fma(v6, w4_0, fma(v5, w3_0, a2_0)));
            a3_0 = fma(v8, w5_0, fma(v7, w4_0, fma(v6, w3_0, a3_0)));
            a4_0 = fma(v9, w5_0, fma(v8, w4_0, fma(v7, w3_0, a4_0)));
            a5_0 = fma(v10, w5_0, fma(v9, w4_0, fma(v8, w3_0, a5_0)));
            a6_0 = fma(v11, w5_0, fma(v10, w4_0, fma(v9, w3_0, a6_0)));
            a7_0 = fma(v12, w5_0, fma(v11, w4_0, fma(v10, w3_0, a7_0)));
            let w6_0 = vec4(subgroupBroadcast(g3, 0u), subgroupBroadcast(g3, 1u),
                             subgroupBroadcast(g3, 2u), subgroupBroadcast(g3, 3u));
            let w7_0 = vec4(subgroupBroadcast(g3, 4u), subgroupBroadcast(g3, 5u),
                             subgroupBroadcast(g3, 6u), subgroupBroadcast(g3, 7u));
            let w8_0 = vec4(subgroupBroadcast(g4, 0u), subgroupBroadcast(g4, 1u),
                             subgroupBroadcast(g4, 2u), subgroupBroadcast(g4, 3u));
            a0_0 = fma(v8, w8_0, fma(v7, w7_0, fma(v6, w6_0, a0_0)));
            a1_0 = fma(v9, w8_0, fma(v8, w7_0, fma(v7, w6_0, a1_0)));
            a2_0 = fma(v10, w8_0, fma(v9, w7_0, fma(v8, w6_0, a2_0)));
            a3_0 = fma(v11, w8_0, fma(v10, w7_0, fma(v9, w6_0, a3_0)));
            a4_0 = fma(v12, w8_0, fma(v11, w7_0, fma(v10, w6_0, a4_0)));
            a5_0 = fma(v13, w8_0, fma(v12, w7_0, fma(v11, w6_0, a5_0)));
            a6_0 = fma(v14, w8_0, fma(v13, w7_0, fma(v12, w6_0, a6_0)));
            a7_0 = fma(v15, w8_0, fma(v14, w7_0, fma(v13, w6_0, a7_0)));
        }
    }
    if live {
        put_out(g.x * 8u + 0u, y, k0 + 0u, a0_0);
        put_out(g.x * 8u + 1u, y, k0 + 0u, a1_0);
        put_out(g.x * 8u + 2u, y, k0 + 0u, a2_0);
        put_out(g.x * 8u + 3u, y, k0 + 0u, a3_0);
        put_out(g.x * 8u + 4u, y, k0 + 0u, a4_0);
        put_out(g.x * 8u + 5u, y, k0 + 0u, a5_0);
        put_out(g.x * 8u + 6u, y, k0 + 0u, a6_0);
        put_out(g.x * 8u + 7u, y, k0 + 0u, a7_0);
    }
}

// 9x9 convolution, stride 1, up to 32 output channels, 4 pixels per invocation, from a padded copy read as vec4s.
@compute @workgroup_size(CONV_SG_WG)
fn conv_k9s1o8v(@builtin(global_invocation_id) g: vec3<u32>,
              @builtin(subgroup_invocation_id) sid: u32) {
    // every lane stays to the end (subgroupBroadcast); only the stores are guarded
    let live = g.x * 4u < p.ow;
    let y = g.y;
    let x0 = g.x * 4u;
    let lane = sid & 7u;
    // channel group z: output channels from 32z, weights from group z's rows
    let wz = g.z * p.c * 2592u;
    let k0 = g.z * 32u;
    var a0_0 = vec4(0.0); var a0_1 = vec4(0.0); var a0_2 = vec4(0.0); var a0_3 = vec4(0.0); var a0_4 = vec4(0.0);
    var a0_5 = vec4(0.0); var a0_6 = vec4(0.0); var a0_7 = vec4(0.0);
    var a1_0 = vec4(0.0); var a1_1 = vec4(0.0); var a1_2 = vec4(0.0); var a1_3 = vec4(0.0); var a1_4 = vec4(0.0);
    var a1_5 = vec4(0.0); var a1_6 = vec4(0.0); var a1_7 = vec4(0.0);
    var a2_0 = vec4(0.0); var a2_1 = vec4(0.0); var a2_2 = vec4(0.0); var a2_3 = vec4(0.0); var a2_4 = vec4(0.0);
    var a2_5 = vec4(0.0); var a2_6 = vec4(0.0); var a2_7 = vec4(0.0);
    var a3_0 = vec4(0.0); var a3_1 = vec4(0.0); var a3_2 = vec4(0.0); var a3_3 = vec4(0.0); var a3_4 = vec4(0.0);
    var a3_5 = vec4(0.0); var a3_6 = vec4(0.0); var a3_7 = vec4(0.0);
    for (var ci = 0u; ci < p.c; ci++) {
        for (var ky = 0u; ky < 9u; ky++) {
            let r4 = ((ci * p.h + y * 1u + ky) * p.w + x0) / 4u;
            let q0 = src4_padded[r4 + 0u]; let q1 = src4_padded[r4 + 1u]; let q2 = src4_padded[r4 + 2u];
            let v0 = vec4(q0[0]); let v1 = vec4(q0[1]); let v2 = vec4(q0[2]); let v3 = vec4(q0[3]);
            let v4 = vec4(q1[0]); let v5 = vec4(q1[1]); let v6 = vec4(q1[2]); let v7 = vec4(q1[3]);
            let v8 = vec4(q2[0]); let v9 = vec4(q2[1]); let v10 = vec4(q2[2]); let v11 = vec4(q2[3]);
            let wf = wz + (ci * 9u + ky) * 288u + lane;
            let g0 = wk[(wf + 0u) / 4u][(wf + 0u) % 4u]; let g1 = wk[(wf + 8u) / 4u][(wf + 8u) % 4u];
            let g2 = wk[(wf + 16u) / 4u][(wf + 16u) % 4u]; let g3 = wk[(wf + 24u) / 4u][(wf + 24u) % 4u];
            let g4 = wk[(wf + 32u) / 4u][(wf + 32u) % 4u]; let g5 = wk[(wf + 40u) / 4u][(wf + 40u) % 4u];
            let g6 = wk[(wf + 48u) / 4u][(wf + 48u) % 4u]; let g7 = wk[(wf + 56u) / 4u][(wf + 56u) % 4u];
            let g8 = wk[(wf + 64u) / 4u][(wf + 64u) % 4u]; let g9 = wk[(wf + 72u) / 4u][(wf + 72u) % 4u];
            let g10 = wk[(wf + 80u) / 4u][(wf + 80u) % 4u]; let g11 = wk[(wf + 88u) / 4u][(wf + 88u) % 4u];
            let g12 = wk[(wf + 96u) / 4u][(wf + 96u) % 4u]; let g13 = wk[(wf + 104u) / 4u][(wf + 104u) % 4u];
            let g14 = wk[(wf + 112u) / 4u][(wf + 112u) % 4u]; let g15 = wk[(wf + 120u) / 4u][(wf + 120u) % 4u];
            let g16 = wk[(wf + 128u) / 4u][(wf + 128u) % 4u]; let g17 = wk[(wf + 136u) / 4u][(wf + 136u) % 4u];
            let g18 = wk[(wf + 144u) / 4u][(wf + 144u) % 4u]; let g19 = wk[(wf + 152u) / 4u][(wf + 152u) % 4u];
            let g20 = wk[(wf + 160u) / 4u][(wf + 160u) % 4u]; let g21 = wk[(wf + 168u) / 4u][(wf + 168u) % 4u];
            let g22 = wk[(wf + 176u) / 4u][(wf + 176u) % 4u]; let g23 = wk[(wf + 184u) / 4u][(wf + 184u) % 4u];
            let g24 = wk[(wf + 192u) / 4u][(wf + 192u) % 4u]; let g25 = wk[(wf + 200u) / 4u][(wf + 200u) % 4u];
            let g26 = wk[(wf + 208u) / 4u][(wf + 208u) % 4u]; let g27 = wk[(wf + 216u) / 4u][(wf + 216u) % 4u];
            let g28 = wk[(wf + 224u) / 4u][(wf + 224u) % 4u]; let g29 = wk[(wf + 232u) / 4u][(wf + 232u) % 4u];
            let g30 = wk[(wf + 240u) / 4u][(wf + 240u) % 4u]; let g31 = wk[(wf + 248u) / 4u][(wf + 248u) % 4u];
            let g32 = wk[(wf + 256u) / 4u][(wf + 256u) % 4u]; let g33 = wk[(wf + 264u) / 4u][(wf + 264u) % 4u];
            let g34 = wk[(wf + 272u) / 4u][(wf + 272u) % 4u]; let g35 = wk[(wf + 280u) / 4u][(wf + 280u) % 4u];
            let w0_0 = vec4(subgroupBroadcast(g0, 0u), subgroupBroadcast(g0, 1u),
                             subgroupBroadcast(g0, 2u), subgroupBroadcast(g0, 3u));
            let w0_1 = vec4(subgroupBroadcast(g0, 4u), subgroupBroadcast(g0, 5u),
                             subgroupBroadcast(g0, 6u), subgroupBroadcast(g0, 7u));
            let w0_2 = vec4(subgroupBroadcast(g1, 0u), subgroupBroadcast(g1, 1u),
                             subgroupBroadcast(g1, 2u), subgroupBroadcast(g1, 3u));
            let w0_3 = vec4(subgroupBroadcast(g1, 4u), subgroupBroadcast(g1, 5u),
                             subgroupBroadcast(g1, 6u), subgroupBroadcast(g1, 7u));
            let w0_4 = vec4(subgroupBroadcast(g2, 0u), subgroupBroadcast(g2, 1u),
                             subgroupBroadcast(g2, 2u), subgroupBroadcast(g2, 3u));
            let w0_5 = vec4(subgroupBroadcast(g2, 4u), subgroupBroadcast(g2, 5u),
                             subgroupBroadcast(g2, 6u), subgroupBroadcast(g2, 7u));
            let w0_6 = vec4(subgroupBroadcast(g3, 0u), subgroupBroadcast(g3, 1u),
                             subgroupBroadcast(g3, 2u), subgroupBroadcast(g3, 3u));
            let w0_7 = vec4(subgroupBroadcast(g3, 4u), subgroupBroadcast(g3, 5u),
                             subgroupBroadcast(g3, 6u), subgroupBroadcast(g3, 7u));
            let w1_0 = vec4(subgroupBroadcast(g4, 0u), subgroupBroadcast(g4, 1u),
                             subgroupBroadcast(g4, 2u), subgroupBroadcast(g4, 3u));
            let w1_1 = vec4(subgroupBroadcast(g4, 4u), subgroupBroadcast(g4, 5u),
                             subgroupBroadcast(g4, 6u), subgroupBroadcast(g4, 7u));
            let w1_2 = vec4(subgroupBroadcast(g5, 0u), subgroupBroadcast(g5, 1u),
                             subgroupBroadcast(g5, 2u), subgroupBroadcast(g5, 3u));
            let w1_3 = vec4(subgroupBroadcast(g5, 4u), subgroupBroadcast(g5, 5u),
                             subgroupBroadcast(g5, 6u), subgroupBroadcast(g5, 7u));
            let w1_4 = vec4(subgroupBroadcast(g6, 0u), subgroupBroadcast(g6, 1u),
                             subgroupBroadcast(g6, 2u), subgroupBroadcast(g6, 3u));
            let w1_5 = vec4(subgroupBroadcast(g6, 4u), subgroupBroadcast(g6, 5u),
                             subgroupBroadcast(g6, 6u), subgroupBroadcast(g6, 7u));
            let w1_6 = vec4(subgroupBroadcast(g7, 0u), subgroupBroadcast(g7, 1u),
                             subgroupBroadcast(g7, 2u), subgroupBroadcast(g7, 3u));
            let w1_7 = vec4(subgroupBroadcast(g7, 4u), subgroupBroadcast(g7, 5u),
                             subgroupBroadcast(g7, 6u), subgroupBroadcast(g7, 7u));
            let w2_0 = vec4(subgroupBroadcast(g8, 0u), subgroupBroadcast(g8, 1u),
                             subgroupBroadcast(g8, 2u), subgroupBroadcast(g8, 3u));
            let w2_1 = vec4(subgroupBroadcast(g8, 4u), subgroupBroadcast(g8, 5u),
                             subgroupBroadcast(g8, 6u), subgroupBroadcast(g8, 7u));
            let w2_2 = vec4(subgroupBroadcast(g9, 0u), subgroupBroadcast(g9, 1u),
                             subgroupBroadcast(g9, 2u), subgroupBroadcast(g9, 3u));
            let w2_3 = vec4(subgroupBroadcast(g9, 4u), subgroupBroadcast(g9, 5u),
                             subgroupBroadcast(g9, 6u), subgroupBroadcast(g9, 7u));
            let w2_4 = vec4(subgroupBroadcast(g10, 0u), subgroupBroadcast(g10, 1u),
                             subgroupBroadcast(g10, 2u), subgroupBroadcast(g10, 3u));
            let w2_5 = vec4(subgroupBroadcast(g10, 4u), subgroupBroadcast(g10, 5u),
                             subgroupBroadcast(g10, 6u), subgroupBroadcast(g10, 7u));
            let w2_6 = vec4(subgroupBroadcast(g11, 0u), subgroupBroadcast(g11, 1u),
                             subgroupBroadcast(g11, 2u), subgroupBroadcast(g11, 3u));
            let w2_7 = vec4(subgroupBroadcast(g11, 4u), subgroupBroadcast(g11, 5u),
                             subgroupBroadcast(g11, 6u), subgroupBroadcast(g11, 7u));
            a0_0 = fma(v2, w2_0, fma(v1, w1_0, fma(v0, w0_0, a0_0)));
            a0_1 = fma(v2, w2_1, fma(v1, w1_1, fma(v0, w0_1, a0_1)));
            a0_2 = fma(v2, w2_2, fma(v1, w1_2, fma(v0, w0_2, a0_2)));
            a0_3 = fma(v2, w2_3, fma(v1, w1_3, fma(v0, w0_3, a0_3)));
            a0_4 = fma(v2, w2_4, fma(v1, w1_4, fma(v0, w0_4, a0_4)));
            a0_5 = fma(v2, w2_5, fma(v1, w1_5, fma(v0, w0_5, a0_5)));
            a0_6 = fma(v2, w2_6, fma(v1, w1_6, fma(v0, w0_6, a0_6)));
            a0_7 = fma(v2, w2_7, fma(v1, w1_7, fma(v0, w0_7, a0_7)));
            a1_0 = fma(v3, w2_0, fma(v2, w1_0, fma(v1, w0_0, a1_0)));
            a1_1 = fma(v3, w2_1, fma(v2, w1_1, fma(v1, w0_1, a1_1)));
            a1_2 = fma(v3, w2_2, fma(v2, w1_2, fma(v1, w0_2, a1_2)));
            a1_3 = fma(v3, w2_3, fma(v2, w1_3, fma(v1, w0_3, a1_3)));
            a1_4 = fma(v3, w2_4, fma(v2, w1_4, fma(v1, w0_4, a1_4)));
            a1_5 = fma(v3, w2_5, fma(v2, w1_5, fma(v1, w0_5, a1_5)));
            a1_6 = fma(v3, w2_6, fma(v2, w1_6, fma(v1, w0_6, a1_6)));
            a1_7 = fma(v3, w2_7, fma(v2, w1_7, fma(v1, w0_7, a1_7)));
            a2_0 = fma(v4, w2_0, fma(v3, w1_0, fma(v2, w0_0, a2_0)));
            a2_1 = fma(v4, w2_1, fma(v3, w1_1, fma(v2, w0_1, a2_1)));
            a2_2 = fma(v4, w2_2, fma(v3, w1_2, fma(v2, w0_2, a2_2)));
            a2_3 = fma(v4, w2_3, fma(v3, w1_3, fma(v2, w0_3, a2_3)));
            a2_4 = fma(v4, w2_4, fma(v3, w1_4, fma(v2, w0_4, a2_4)));
            a2_5 = fma(v4, w2_5, fma(v3, w1_5, fma(v2, w0_5, a2_5)));
            a2_6 = fma(v4, w2_6, fma(v3, w1_6, fma(v2, w0_6, a2_6)));
            a2_7 = fma(v4, w2_7, fma(v3, w1_7, fma(v2, w0_7, a2_7)));
            a3_0 = fma(v5, w2_0, fma(v4, w1_0, fma(v3, w0_0, a3_0)));
            a3_1 = fma(v5, w2_1, fma(v4, w1_1, fma(v3, w0_1, a3_1)));
            a3_2 = fma(v5, w2_2, fma(v4, w1_2, fma(v3, w0_2, a3_2)));
            a3_3 = fma(v5, w2_3, fma(v4, w1_3, fma(v3, w0_3, a3_3)));
            a3_4 = fma(v5, w2_4, fma(v4, w1_4, fma(v3, w0_4, a3_4)));
            a3_5 = fma(v5, w2_5, fma(v4, w1_5, fma(v3, w0_5, a3_5)));
            a3_6 = fma(v5, w2_6, fma(v4, w1_6, fma(v3, w0_6, a3_6)));
            a3_7 = fma(v5, w2_7, fma(v4, w1_7, fma(v3, w0_7, a3_7)));
            let w3_0 = vec4(subgroupBroadcast(g12, 0u), subgroupBroadcast(g12, 1u),
                             subgroupBroadcast(g12, 2u), subgroupBroadcast(g12, 3u));
            let w3_1 = vec4(subgroupBroadcast(g12, 4u), subgroupBroadcast(g12, 5u),
                             subgroupBroadcast(g12, 6u), subgroupBroadcast(g12, 7u));
            let w3_2 = vec4(subgroupBroadcast(g13, 0u), subgroupBroadcast(g13, 1u),
                             subgroupBroadcast(g13, 2u), subgroupBroadcast(g13, 3u));
            let w3_3 = vec4(subgroupBroadcast(g13, 4u), subgroupBroadcast(g13, 5u),
                             subgroupBroadcast(g13, 6u), subgroupBroadcast(g13, 7u));
            let w3_4 = vec4(subgroupBroadcast(g14, 0u), subgroupBroadcast(g14, 1u),
                             subgroupBroadcast(g14, 2u), subgroupBroadcast(g14, 3u));
            let w3_5 = vec4(subgroupBroadcast(g14, 4u), subgroupBroadcast(g14, 5u),
                             subgroupBroadcast(g14, 6u), subgroupBroadcast(g14, 7u));
            let w3_6 = vec4(subgroupBroadcast(g15, 0u), subgroupBroadcast(g15, 1u),
                             subgroupBroadcast(g15, 2u), subgroupBroadcast(g15, 3u));
            let w3_7 = vec4(subgroupBroadcast(g15, 4u), subgroupBroadcast(g15, 5u),
                             subgroupBroadcast(g15, 6u), subgroupBroadcast(g15, 7u));
            let w4_0 = vec4(subgroupBroadcast(g16, 0u), subgroupBroadcast(g16, 1u),
                             subgroupBroadcast(g16, 2u), subgroupBroadcast(g16, 3u));
            let w4_1 = vec4(subgroupBroadcast(g16, 4u), subgroupBroadcast(g16, 5u),
                             subgroupBroadcast(g16, 6u), subgroupBroadcast(g16, 7u));
            let w4_2 = vec4(subgroupBroadcast(g17, 0u), subgroupBroadcast(g17, 1u),
                             subgroupBroadcast(g17, 2u), subgroupBroadcast(g17, 3u));
            let w4_3 = vec4(subgroupBroadcast(g17, 4u), subgroupBroadcast(g17, 5u),
                             subgroupBroadcast(g17, 6u), subgroupBroadcast(g17, 7u));
            let w4_4 = vec4(subgroupBroadcast(g18, 0u), subgroupBroadcast(g18, 1u),
                             subgroupBroadcast(g18, 2u), subgroupBroadcast(g18, 3u));
            let w4_5 = vec4(subgroupBroadcast(g18, 4u), subgroupBroadcast(g18, 5u),
                             subgroupBroadcast(g18, 6u), subgroupBroadcast(g18, 7u));
            let w4_6 = vec4(subgroupBroadcast(g19, 0u), subgroupBroadcast(g19, 1u),
                             subgroupBroadcast(g19, 2u), subgroupBroadcast(g19, 3u));
            let w4_7 = vec4(subgroupBroadcast(g19, 4u), subgroupBroadcast(g19, 5u),
                             subgroupBroadcast(g19, 6u), subgroupBroadcast(g19, 7u));
            let w5_0 = vec4(subgroupBroadcast(g20, 0u), subgroupBroadcast(g20, 1u),
                             subgroupBroadcast(g20, 2u), subgroupBroadcast(g20, 3u));
            let w5_1 = vec4(subgroupBroadcast(g20, 4u), subgroupBroadcast(g20, 5u),
                             subgroupBroadcast(g20, 6u), subgroupBroadcast(g20, 7u));
            let w5_2 = vec4(subgroupBroadcast(g21, 0u), subgroupBroadcast(g21, 1u),
                             subgroupBroadcast(g21, 2u), subgroupBroadcast(g21, 3u));
            let w5_3 = vec4(subgroupBroadcast(g21, 4u), subgroupBroadcast(g21, 5u),
                             subgroupBroadcast(g21, 6u), subgroupBroadcast(g21, 7u));
            let w5_4 = vec4(subgroupBroadcast(g22, 0u), subgroupBroadcast(g22, 1u),
                             subgroupBroadcast(g22, 2u), subgroupBroadcast(g22, 3u));
            let w5_5 = vec4(subgroupBroadcast(g22, 4u), subgroupBroadcast(g22, 5u),
                             subgroupBroadcast(g22, 6u), subgroupBroadcast(g22, 7u));
            let w5_6 = vec4(subgroupBroadcast(g23, 0u), subgroupBroadcast(g23, 1u),
                             subgroupBroadcast(g23, 2u), subgroupBroadcast(g23, 3u));
            let w5_7 = vec4(subgroupBroadcast(g23, 4u), subgroupBroadcast(g23, 5u),
                             subgroupBroadcast(g23, 6u), subgroupBroadcast(g23, 7u));
            a0_0 = fma(v5, w5_0, fma(v4, w4_0, fma(v3, w3_0, a0_0)));
            a0_1 = fma(v5, w5_1, fma(v4, w4_1, fma(v3, w3_1, a0_1)));
            a0_2 = fma(v5, w5_2, fma(v4, w4_2, fma(v3, w3_2, a0_2)));
            a0_3 = fma(v5, w5_3, fma(v4, w4_3, fma(v3, w3_3, a0_3)));
            a0_4 = fma(v5, w5_4, fma(v4, w4_4, fma(v3, w3_4, a0_4)));
            a0_5 = fma(v5, w5_5, fma(v4, w4_5, fma(v3, w3_5, a0_5)));
            a0_6 = fma(v5, w5_6, fma(v4, w4_6, fma(v3, w3_6, a0_6)));
            a0_7 = fma(v5, w5_7, fma(v4, w4_7, fma(v3, w3_7, a0_7)));
            a1_0 = fma(v6, w5_0, fma(v5, w4_0, fma(v4, w3_0, a1_0)));
            a1_1 = fma(v6, w5_1, fma(v5, w4_1, fma(v4, w3_1, a1_1)));
            a1_2 = fma(v6, w5_2, fma(v5, w4_2, fma(v4, w3_2, a1_2)));
            a1_3 = fma(v6, w5_3, fma(v5, w4_3, fma(v4, w3_3, a1_3)));
            a1_4 = fma(v6, w5_4, fma(v5, w4_4, fma(v4, w3_4, a1_4)));
            a1_5 = fma(v6, w5_5, fma(v5, w4_5, fma(v4, w3_5, a1_5)));
            a1_6 = fma(v6, w5_6, fma(v5, w4_6, fma(v4, w3_6, a1_6)));
            a1_7 = fma(v6, w5_7, fma(v5, w4_7, fma(v4, w3_7, a1_7)));
            a2_0 = fma(v7, w5_0, fma(v6, w4_0, fma(v5, w3_0, a2_0)));
            a2_1 = fma(v7, w5_1, fma(v6, w4_1, fma(v5, w3_1, a2_1)));
            a2_2 = fma(v7, w5_2, fma(v6, w4_2, fma(v5, w3_2, a2_2)));
            a2_3 = fma(v7, w5_3, fma(v6, w4_3, fma(v5, w3_3, a2_3)));
            a2_4 = fma(v7, w5_4, fma(v6, w4_4, fma(v5, w3_4, a2_4)));
            a2_5 = fma(v7, w5_5, fma(v6, w4_5, fma(v5, w3_5, a2_5)));
            a2_6 = fma(v7, w5_6, fma(v6, w4_6, fma(v5, w3_6, a2_6)));
            a2_7 = fma(v7, w5_7, fma(v6, w4_7, fma(v5, w3_7, a2_7)));
            a3_0 = fma(v8, w5_0, fma(v7, w4_0, fma(v6, w3_0, a3_0)));
            a3_1 = fma(v8, w5_1, fma(v7, w4_1, fma(v6, w3_1, a3_1)));
            a3_2 = fma(v8, w5_2, fma(v7, w4_2, fma(v6, w3_2, a3_2)));
            a3_3 = fma(v8, w5_3, fma(v7, w4_3, fma(v6, w3_3, a3_3)));
            a3_4 = fma(v8, w5_4, fma(v7, w4_4, fma(v6, w3_4, a3_4)));
            a3_5 = fma(v8, w5_5, fma(v7, w4_5, fma(v6, w3_5, a3_5)));
            a3_6 = fma(v8, w5_6, fma(v7, w4_6, fma(v6, w3_6, a3_6)));
            a3_7 = fma(v8, w5_7, fma(v7, w4_7, fma(v6, w3_7, a3_7)));
            let w6_0 = vec4(subgroupBroadcast(g24, 0u), subgroupBroadcast(g24, 1u),
                             subgroupBroadcast(g24, 2u), subgroupBroadcast(g24, 3u));
            let w6_1 = vec4(subgroupBroadcast(g24, 4u), subgroupBroadcast(g24, 5u),
                             subgroupBroadcast(g24, 6u), subgroupBroadcast(g24, 7u));
            let w6_2 = vec4(subgroupBroadcast(g25, 0u), subgroupBroadcast(g25, 1u),
                             subgroupBroadcast(g25, 2u), subgroupBroadcast(g25, 3u));
            let w6_3 = vec4(subgroupBroadcast(g25, 4u), subgroupBroadcast(g25, 5u),
                             subgroupBroadcast(g25, 6u), subgroupBroadcast(g25, 7u));
            let w6_4 = vec4(subgroupBroadcast(g26, 0u), subgroupBroadcast(g26, 1u),
                             subgroupBroadcast(g26, 2u), subgroupBroadcast(g26, 3u));
            let w6_5 = vec4(subgroupBroadcast(g26, 4u), subgroupBroadcast(g26, 5u),
                             subgroupBroadcast(g26, 6u), subgroupBroadcast(g26, 7u));
            let w6_6 = vec4(subgroupBroadcast(g27, 0u), subgroupBroadcast(g27, 1u),
                             subgroupBroadcast(g27, 2u), subgroupBroadcast(g27, 3u));
            let w6_7 = vec4(subgroupBroadcast(g27, 4u), subgroupBroadcast(g27, 5u),
                             subgroupBroadcast(g27, 6u), subgroupBroadcast(g27, 7u));
            let w7_0 = vec4(subgroupBroadcast(g28, 0u), subgroupBroadcast(g28, 1u),
                             subgroupBroadcast(g28, 2u), subgroupBroadcast(g28, 3u));
            let w7_1 = vec4(subgroupBroadcast(g28, 4u), subgroupBroadcast(g28, 5u),
                             subgroupBroadcast(g28, 6u), subgroupBroadcast(g28, 7u));
            let w7_2 = vec4(subgroupBroadcast(g29, 0u), subgroupBroadcast(g29, 1u),
                             subgroupBroadcast(g29, 2u), subgroupBroadcast(g29, 3u));
            let w7_3 = vec4(subgroupBroadcast(g29, 4u), subgroupBroadcast(g29, 5u),
                             subgroupBroadcast(g29, 6u), subgroupBroadcast(g29, 7u));
            let w7_4 = vec4(subgroupBroadcast(g30, 0u), subgroupBroadcast(g30, 1u),
                             subgroupBroadcast(g30, 2u), subgroupBroadcast(g30, 3u));
            let w7_5 = vec4(subgroupBroadcast(g30, 4u), subgroupBroadcast(g30, 5u),
                             subgroupBroadcast(g30, 6u), subgroupBroadcast(g30, 7u));
            let w7_6 = vec4(subgroupBroadcast(g31, 0u), subgroupBroadcast(g31, 1u),
                             subgroupBroadcast(g31, 2u), subgroupBroadcast(g31, 3u));
            let w7_7 = vec4(subgroupBroadcast(g31, 4u), subgroupBroadcast(g31, 5u),
                             subgroupBroadcast(g31, 6u), subgroupBroadcast(g31, 7u));
            let w8_0 = vec4(subgroupBroadcast(g32, 0u), subgroupBroadcast(g32, 1u),
                             subgroupBroadcast(g32, 2u), subgroupBroadcast(g32, 3u));
            let w8_1 = vec4(subgroupBroadcast(g32, 4u), subgroupBroadcast(g32, 5u),
                             subgroupBroadcast(g32, 6u), subgroupBroadcast(g32, 7u));
            let w8_2 = vec4(subgroupBroadcast(g33, 0u), subgroupBroadcast(g33, 1u),
                             subgroupBroadcast(g33, 2u), subgroupBroadcast(g33, 3u));
            let w8_3 = vec4(subgroupBroadcast(g33, 4u), subgroupBroadcast(g33, 5u),
                             subgroupBroadcast(g33, 6u), subgroupBroadcast(g33, 7u));
            let w8_4 = vec4(subgroupBroadcast(g34, 0u), subgroupBroadcast(g34, 1u),
                             subgroupBroadcast(g34, 2u), subgroupBroadcast(g34, 3u));
            let w8_5 = vec4(subgroupBroadcast(g34, 4u), subgroupBroadcast(g34, 5u),
                             subgroupBroadcast(g34, 6u), subgroupBroadcast(g34, 7u));
            let w8_6 = vec4(subgroupBroadcast(g35, 0u), subgroupBroadcast(g35, 1u),
                             subgroupBroadcast(g35, 2u), subgroupBroadcast(g35, 3u));
            let w8_7 = vec4(subgroupBroadcast(g35, 4u), subgroupBroadcast(g35, 5u),
                             subgroupBroadcast(g35, 6u), subgroupBroadcast(g35, 7u));
            a0_0 = fma(v8, w8_0, fma(v7, w7_0, fma(v6, w6_0, a0_0)));
            a0_1 = fma(v8, w8_1, fma(v7, w7_1, fma(v6, w6_1, a0_1)));
            a0_2 = fma(v8, w8_2, fma(v7, w7_2, fma(v6, w6_2, a0_2)));
            a0_3 = fma(v8, w8_3, fma(v7, w7_3, fma(v6, w6_3, a0_3)));
            a0_4 = fma(v8, w8_4, fma(v7, w7_4, fma(v6, w6_4, a0_4)));
            a0_5 = fma(v8, w8_5, fma(v7, w7_5, fma(v6, w6_5, a0_5)));
            a0_6 = fma(v8, w8_6, fma(v7, w7_6, fma(v6, w6_6, a0_6)));
            a0_7 = fma(v8, w8_7, fma(v7, w7_7, fma(v6, w6_7, a0_7)));
            a1_0 = fma(v9, w8_0, fma(v8, w7_0, fma(v7, w6_0, a1_0)));
            a1_1 = fma(v9, w8_1, fma(v8, w7_1, fma(v7, w6_1, a1_1)));
            a1_2 = fma(v9, w8_2, fma(v8, w7_2, fma(v7, w6_2, a1_2)));
            a1_3 = fma(v9, w8_3, fma(v8, w7_3, fma(v7, w6_3, a1_3)));
            a1_4 = fma(v9, w8_4, fma(v8, w7_4, fma(v7, w6_4, a1_4)));
            a1_5 = fma(v9, w8_5, fma(v8, w7_5, fma(v7, w6_5, a1_5)));
            a1_6 = fma(v9, w8_6, fma(v8, w7_6, fma(v7, w6_6, a1_6)));
            a1_7 = fma(v9, w8_7, fma(v8, w7_7, fma(v7, w6_7, a1_7)));
            a2_0 = fma(v10, w8_0, fma(v9, w7_0, fma(v8, w6_0, a2_0)));
            a2_1 = fma(v10, w8_1, fma(v9, w7_1, fma(v8, w6_1, a2_1)));
            a2_2 = fma(v10, w8_2, fma(v9, w7_2, fma(v8, w6_2, a2_2)));
            a2_3 = fma(v10, w8_3, fma(v9, w7_3, fma(v8, w6_3, a2_3)));
            a2_4 = fma(v10, w8_4, fma(v9, w7_4, fma(v8, w6_4, a2_4)));
            a2_5 = fma(v10, w8_5, fma(v9, w7_5, fma(v8, w6_5, a2_5)));
            a2_6 = fma(v10, w8_6, fma(v9, w7_6, fma(v8, w6_6, a2_6)));
            a2_7 = fma(v10, w8_7, fma(v9, w7_7, fma(v8, w6_7, a2_7)));
            a3_0 = fma(v11, w8_0, fma(v10, w7_0, fma(v9, w6_0, a3_0)));
            a3_1 = fma(v11, w8_1, fma(v10, w7_1, fma(v9, w6_1, a3_1)));
            a3_2 = fma(v11, w8_2, fma(v10, w7_2, fma(v9, w6_2, a3_2)));
            a3_3 = fma(v11, w8_3, fma(v10, w7_3, fma(v9, w6_3, a3_3)));
            a3_4 = fma(v11, w8_4, fma(v10, w7_4, fma(v9, w6_4, a3_4)));
            a3_5 = fma(v11, w8_5, fma(v10, w7_5, fma(v9, w6_5, a3_5)));
            a3_6 = fma(v11, w8_6, fma(v10, w7_6, fma(v9, w6_6, a3_6)));
            a3_7 = fma(v11, w8_7, fma(v10, w7_7, fma(v9, w6_7, a3_7)));
        }
    }
    if live {
        put_out(g.x * 4u + 0u, y, k0 + 0u, a0_0); put_out(g.x * 4u + 0u, y, k0 + 4u, a0_1);
        put_out(g.x * 4u + 0u, y, k0 + 8u, a0_2); put_out(g.x * 4u + 0u, y, k0 + 12u, a0_3);
        put_out(g.x * 4u + 0u, y, k0 + 16u, a0_4); put_out(g.x * 4u + 0u, y, k0 + 20u, a0_5);
        put_out(g.x * 4u + 0u, y, k0 + 24u, a0_6); put_out(g.x * 4u + 0u, y, k0 + 28u, a0_7);
        put_out(g.x * 4u + 1u, y, k0 + 0u, a1_0); put_out(g.x * 4u + 1u, y, k0 + 4u, a1_1);
        put_out(g.x * 4u + 1u, y, k0 + 8u, a1_2); put_out(g.x * 4u + 1u, y, k0 + 12u, a1_3);
        put_out(g.x * 4u + 1u, y, k0 + 16u, a1_4); put_out(g.x * 4u + 1u, y, k0 + 20u, a1_5);
        put_out(g.x * 4u + 1u, y, k0 + 24u, a1_6); put_out(g.x * 4u + 1u, y, k0 + 28u, a1_7);
        put_out(g.x * 4u + 2u, y, k0 + 0u, a2_0); put_out(g.x * 4u + 2u, y, k0 + 4u, a2_1);
        put_out(g.x * 4u + 2u, y, k0 + 8u, a2_2); put_out(g.x * 4u + 2u, y, k0 + 12u, a2_3);
        put_out(g.x * 4u + 2u, y, k0 + 16u, a2_4); put_out(g.x * 4u + 2u, y, k0 + 20u, a2_5);
        put_out(g.x * 4u + 2u, y, k0 + 24u, a2_6); put_out(g.x * 4u + 2u, y, k0 + 28u, a2_7);
        put_out(g.x * 4u + 3u, y, k0 + 0u, a3_0); put_out(g.x * 4u + 3u, y, k0 + 4u, a3_1);
        put_out(g.x * 4u + 3u, y, k0 + 8u, a3_2); put_out(g.x * 4u + 3u, y, k0 + 12u, a3_3);
        put_out(g.x * 4u + 3u, y, k0 + 16u, a3_4); put_out(g.x * 4u + 3u, y, k0 + 20u, a3_5);
        put_out(g.x * 4u + 3u, y, k0 + 24u, a3_6); put_out(g.x * 4u + 3u, y, k0 + 28u, a3_7);
    }
}

// 9x9 convolution, stride 1, up to 16 output channels, 4 pixels per invocation, from a padded copy read as vec4s.
@compute @workgroup_size(CONV_SG_WG)
fn conv_k9s1o4v(@builtin(global_invocation_id) g: vec3<u32>,
              @builtin(subgroup_invocation_id) sid: u32) {
    // every lane stays to the end (subgroupBroadcast); only the stores are guarded
    let live = g.x * 4u < p.ow;
    let y = g.y;
    let x0 = g.x * 4u;
    let lane = sid & 7u;
    // channel group z: output channels from 16z, weights from group z's rows
    let wz = g.z * p.c * 1296u;
    let k0 = g.z * 16u;
    var a0_0 = vec4(0.0); var a0_1 = vec4(0.0); var a0_2 = vec4(0.0); var a0_3 = vec4(0.0);
    var a1_0 = vec4(0.0); var a1_1 = vec4(0.0); var a1_2 = vec4(0.0); var a1_3 = vec4(0.0);
    var a2_0 = vec4(0.0); var a2_1 = vec4(0.0); var a2_2 = vec4(0.0); var a2_3 = vec4(0.0);
    var a3_0 = vec4(0.0); var a3_1 = vec4(0.0); var a3_2 = vec4(0.0); var a3_3 = vec4(0.0);
    for (var ci = 0u; ci < p.c; ci++) {
        for (var ky = 0u; ky < 9u; ky++) {
            let r4 = ((ci * p.h + y * 1u + ky) * p.w + x0) / 4u;
            let q0 = src4_padded[r4 + 0u]; let q1 = src4_padded[r4 + 1u]; let q2 = src4_padded[r4 + 2u];
            let v0 = vec4(q0[0]); let v1 = vec4(q0[1]); let v2 = vec4(q0[2]); let v3 = vec4(q0[3]);
            let v4 = vec4(q1[0]); let v5 = vec4(q1[1]); let v6 = vec4(q1[2]); let v7 = vec4(q1[3]);
            let v8 = vec4(q2[0]); let v9 = vec4(q2[1]); let v10 = vec4(q2[2]); let v11 = vec4(q2[3]);
            let wf = wz + (ci * 9u + ky) * 144u + lane;
            let g0 = wk[(wf + 0u) / 4u][(wf + 0u) % 4u]; let g1 = wk[(wf + 8u) / 4u][(wf + 8u) % 4u];
            let g2 = wk[(wf + 16u) / 4u][(wf + 16u) % 4u]; let g3 = wk[(wf + 24u) / 4u][(wf + 24u) % 4u];
            let g4 = wk[(wf + 32u) / 4u][(wf + 32u) % 4u]; let g5 = wk[(wf + 40u) / 4u][(wf + 40u) % 4u];
            let g6 = wk[(wf + 48u) / 4u][(wf + 48u) % 4u]; let g7 = wk[(wf + 56u) / 4u][(wf + 56u) % 4u];
            let g8 = wk[(wf + 64u) / 4u][(wf + 64u) % 4u]; let g9 = wk[(wf + 72u) / 4u][(wf + 72u) % 4u];
            let g10 = wk[(wf + 80u) / 4u][(wf + 80u) % 4u]; let g11 = wk[(wf + 88u) / 4u][(wf + 88u) % 4u];
            let g12 = wk[(wf + 96u) / 4u][(wf + 96u) % 4u]; let g13 = wk[(wf + 104u) / 4u][(wf + 104u) % 4u];
            let g14 = wk[(wf + 112u) / 4u][(wf + 112u) % 4u]; let g15 = wk[(wf + 120u) / 4u][(wf + 120u) % 4u];
            let g16 = wk[(wf + 128u) / 4u][(wf + 128u) % 4u]; let g17 = wk[(wf + 136u) / 4u][(wf + 136u) % 4u];
            let w0_0 = vec4(subgroupBroadcast(g0, 0u), subgroupBroadcast(g0, 1u),
                             subgroupBroadcast(g0, 2u), subgroupBroadcast(g0, 3u));
            let w0_1 = vec4(subgroupBroadcast(g0, 4u), subgroupBroadcast(g0, 5u),
                             subgroupBroadcast(g0, 6u), subgroupBroadcast(g0, 7u));
            let w0_2 = vec4(subgroupBroadcast(g1, 0u), subgroupBroadcast(g1, 1u),
                             subgroupBroadcast(g1, 2u), subgroupBroadcast(g1, 3u));
            let w0_3 = vec4(subgroupBroadcast(g1, 4u), subgroupBroadcast(g1, 5u),
                             subgroupBroadcast(g1, 6u), subgroupBroadcast(g1, 7u));
            let w1_0 = vec4(subgroupBroadcast(g2, 0u), subgroupBroadcast(g2, 1u),
                             subgroupBroadcast(g2, 2u), subgroupBroadcast(g2, 3u));
            let w1_1 = vec4(subgroupBroadcast(g2, 4u), subgroupBroadcast(g2, 5u),
                             subgroupBroadcast(g2, 6u), subgroupBroadcast(g2, 7u));
            let w1_2 = vec4(subgroupBroadcast(g3, 0u), subgroupBroadcast(g3, 1u),
                             subgroupBroadcast(g3, 2u), subgroupBroadcast(g3, 3u));
            let w1_3 = vec4(subgroupBroadcast(g3, 4u), subgroupBroadcast(g3, 5u),
                             subgroupBroadcast(g3, 6u), subgroupBroadcast(g3, 7u));
            let w2_0 = vec4(subgroupBroadcast(g4, 0u), subgroupBroadcast(g4, 1u),
                             subgroupBroadcast(g4, 2u), subgroupBroadcast(g4, 3u));
            let w2_1 = vec4(subgroupBroadcast(g4, 4u), subgroupBroadcast(g4, 5u),
                             subgroupBroadcast(g4, 6u), subgroupBroadcast(g4, 7u));
            let w2_2 = vec4(subgroupBroadcast(g5, 0u), subgroupBroadcast(g5, 1u),
                             subgroupBroadcast(g5, 2u), subgroupBroadcast(g5, 3u));
            let w2_3 = vec4(subgroupBroadcast(g5, 4u), subgroupBroadcast(g5, 5u),
                             subgroupBroadcast(g5, 6u), subgroupBroadcast(g5, 7u));
            a0_0 = fma(v2, w2_0, fma(v1, w1_0, fma(v0, w0_0, a0_0)));
            a0_1 = fma(v2, w2_1, fma(v1, w1_1, fma(v0, w0_1, a0_1)));
            a0_2 = fma(v2, w2_2, fma(v1, w1_2, fma(v0, w0_2, a0_2)));
            a0_3 = fma(v2, w2_3, fma(v1, w1_3, fma(v0, w0_3, a0_3)));
            a1_0 = fma(v3, w2_0, fma(v2, w1_0, fma(v1, w0_0, a1_0)));
            a1_1 = fma(v3, w2_1, fma(v2, w1_1, fma(v1, w0_1, a1_1)));
            a1_2 = fma(v3, w2_2, fma(v2, w1_2, fma(v1, w0_2, a1_2)));
            a1_3 = fma(v3, w2_3, fma(v2, w1_3, fma(v1, w0_3, a1_3)));
            a2_0 = fma(v4, w2_0, fma(v3, w1_0, fma(v2, w0_0, a2_0)));
            a2_1 = fma(v4, w2_1, fma(v3, w1_1, fma(v2, w0_1, a2_1)));
            a2_2 = fma(v4, w2_2, fma(v3, w1_2, fma(v2, w0_2, a2_2)));
            a2_3 = fma(v4, w2_3, fma(v3, w1_3, fma(v2, w0_3, a2_3)));
            a3_0 = fma(v5, w2_0, fma(v4, w1_0, fma(v3, w0_0, a3_0)));
            a3_1 = fma(v5, w2_1, fma(v4, w1_1, fma(v3, w0_1, a3_1)));
            a3_2 = fma(v5, w2_2, fma(v4, w1_2, fma(v3, w0_2, a3_2)));
            a3_3 = fma(v5, w2_3, fma(v4, w1_3, fma(v3, w0_3, a3_3)));
            let w3_0 = vec4(subgroupBroadcast(g6, 0u), subgroupBroadcast(g6, 1u),
                             subgroupBroadcast(g6, 2u), subgroupBroadcast(g6, 3u));
            let w3_1 = vec4(subgroupBroadcast(g6, 4u), subgroupBroadcast(g6, 5u),
                             subgroupBroadcast(g6, 6u), subgroupBroadcast(g6, 7u));
            let w3_2 = vec4(subgroupBroadcast(g7, 0u), subgroupBroadcast(g7, 1u),
                             subgroupBroadcast(g7, 2u), subgroupBroadcast(g7, 3u));
            let w3_3 = vec4(subgroupBroadcast(g7, 4u), subgroupBroadcast(g7, 5u),
                             subgroupBroadcast(g7, 6u), subgroupBroadcast(g7, 7u));
            let w4_0 = vec4(subgroupBroadcast(g8, 0u), subgroupBroadcast(g8, 1u),
                             subgroupBroadcast(g8, 2u), subgroupBroadcast(g8, 3u));
            let w4_1 = vec4(subgroupBroadcast(g8, 4u), subgroupBroadcast(g8, 5u),
                             subgroupBroadcast(g8, 6u), subgroupBroadcast(g8, 7u));
            let w4_2 = vec4(subgroupBroadcast(g9, 0u), subgroupBroadcast(g9, 1u),
                             subgroupBroadcast(g9, 2u), subgroupBroadcast(g9, 3u));
            let w4_3 = vec4(subgroupBroadcast(g9, 4u), subgroupBroadcast(g9, 5u),
                             subgroupBroadcast(g9, 6u), subgroupBroadcast(g9, 7u));
            let w5_0 = vec4(subgroupBroadcast(g10, 0u), subgroupBroadcast(g10, 1u),
                             subgroupBroadcast(g10, 2u), subgroupBroadcast(g10, 3u));
            let w5_1 = vec4(subgroupBroadcast(g10, 4u), subgroupBroadcast(g10, 5u),
                             subgroupBroadcast(g10, 6u), subgroupBroadcast(g10, 7u));
            let w5_2 = vec4(subgroupBroadcast(g11, 0u), subgroupBroadcast(g11, 1u),
                             subgroupBroadcast(g11, 2u), subgroupBroadcast(g11, 3u));
            let w5_3 = vec4(subgroupBroadcast(g11, 4u), subgroupBroadcast(g11, 5u),
                             subgroupBroadcast(g11, 6u), subgroupBroadcast(g11, 7u));
            a0_0 = fma(v5, w5_0, fma(v4, w4_0, fma(v3, w3_0, a0_0)));
            a0_1 = fma(v5, w5_1, fma(v4, w4_1, fma(v3, w3_1, a0_1)));
            a0_2 = fma(v5, w5_2, fma(v4, w4_2, fma(v3, w3_2, a0_2)));
            a0_3 = fma(v5, w5_3, fma(v4, w4_3, fma(v3, w3_3, a0_3)));
            a1_0 = fma(v6, w5_0, fma(v5, w4_0, fma(v4, w3_0, a1_0)));
            a1_1 = fma(v6, w5_1, fma(v5, w4_1, fma(v4, w3_1, a1_1)));
            a1_2 = fma(v6, w5_2, fma(v5, w4_2, fma(v4, w3_2, a1_2)));
            a1_3 = fma(v6, w5_3, fma(v5, w4_3, fma(v4, w3_3, a1_3)));
            a2_0 = fma(v7, w5_0, fma(v6, w4_0, fma(v5, w3_0, a2_0)));
            a2_1 = fma(v7, w5_1, fma(v6, w4_1, fma(v5, w3_1, a2_1)));
            a2_2 = fma(v7, w5_2, fma(v6, w4_2, fma(v5, w3_2, a2_2)));
            a2_3 = fma(v7, w5_3, fma(v6, w4_3, fma(v5, w3_3, a2_3)));
            a3_0 = fma(v8, w5_0, fma(v7, w4_0, fma(v6, w3_0, a3_0)));
            a3_1 = fma(v8, w5_1, fma(v7, w4_1, fma(v6, w3_1, a3_1)));
            a3_2 = fma(v8, w5_2, fma(v7, w4_2, fma(v6, w3_2, a3_2)));
            a3_3 = fma(v8, w5_3, fma(v7, w4_3, fma(v6, w3_3, a3_3)));
            let w6_0 = vec4(subgroupBroadcast(g12, 0u), subgroupBroadcast(g12, 1u),
                             subgroupBroadcast(g12, 2u), subgroupBroadcast(g12, 3u));
            let w6_1 = vec4(subgroupBroadcast(g12, 4u), subgroupBroadcast(g12, 5u),
                             subgroupBroadcast(g12, 6u), subgroupBroadcast(g12, 7u));
            let w6_2 = vec4(subgroupBroadcast(g13, 0u), subgroupBroadcast(g13, 1u),
                             subgroupBroadcast(g13, 2u), subgroupBroadcast(g13, 3u));
            let w6_3 = vec4(subgroupBroadcast(g13, 4u), subgroupBroadcast(g13, 5u),
                             subgroupBroadcast(g13, 6u), subgroupBroadcast(g13, 7u));
            let w7_0 = vec4(subgroupBroadcast(g14, 0u), subgroupBroadcast(g14, 1u),
                             subgroupBroadcast(g14, 2u), subgroupBroadcast(g14, 3u));
            let w7_1 = vec4(subgroupBroadcast(g14, 4u), subgroupBroadcast(g14, 5u),
                             subgroupBroadcast(g14, 6u), subgroupBroadcast(g14, 7u));
            let w7_2 = vec4(subgroupBroadcast(g15, 0u), subgroupBroadcast(g15, 1u),
                             subgroupBroadcast(g15, 2u), subgroupBroadcast(g15, 3u));
            let w7_3 = vec4(subgroupBroadcast(g15, 4u), subgroupBroadcast(g15, 5u),
                             subgroupBroadcast(g15, 6u), subgroupBroadcast(g15, 7u));
            let w8_0 = vec4(subgroupBroadcast(g16, 0u), subgroupBroadcast(g16, 1u),
                             subgroupBroadcast(g16, 2u), subgroupBroadcast(g16, 3u));
            let w8_1 = vec4(subgroupBroadcast(g16, 4u), subgroupBroadcast(g16, 5u),
                             subgroupBroadcast(g16, 6u), subgroupBroadcast(g16, 7u));
            let w8_2 = vec4(subgroupBroadcast(g17, 0u), subgroupBroadcast(g17, 1u),
                             subgroupBroadcast(g17, 2u), subgroupBroadcast(g17, 3u));
            let w8_3 = vec4(subgroupBroadcast(g17, 4u), subgroupBroadcast(g17, 5u),
                             subgroupBroadcast(g17, 6u), subgroupBroadcast(g17, 7u));
            a0_0 = fma(v8, w8_0, fma(v7, w7_0, fma(v6, w6_0, a0_0)));
            a0_1 = fma(v8, w8_1, fma(v7, w7_1, fma(v6, w6_1, a0_1)));
            a0_2 = fma(v8, w8_2, fma(v7, w7_2, fma(v6, w6_2, a0_2)));
            a0_3 = fma(v8, w8_3, fma(v7, w7_3, fma(v6, w6_3, a0_3)));
            a1_0 = fma(v9, w8_0, fma(v8, w7_0, fma(v7, w6_0, a1_0)));
            a1_1 = fma(v9, w8_1, fma(v8, w7_1, fma(v7, w6_1, a1_1)));
            a1_2 = fma(v9, w8_2, fma(v8, w7_2, fma(v7, w6_2, a1_2)));
            a1_3 = fma(v9, w8_3, fma(v8, w7_3, fma(v7, w6_3, a1_3)));
            a2_0 = fma(v10, w8_0, fma(v9, w7_0, fma(v8, w6_0, a2_0)));
            a2_1 = fma(v10, w8_1, fma(v9, w7_1, fma(v8, w6_1, a2_1)));
            a2_2 = fma(v10, w8_2, fma(v9, w7_2, fma(v8, w6_2, a2_2)));
            a2_3 = fma(v10, w8_3, fma(v9, w7_3, fma(v8, w6_3, a2_3)));
            a3_0 = fma(v11, w8_0, fma(v10, w7_0, fma(v9, w6_0, a3_0)));
            a3_1 = fma(v11, w8_1, fma(v10, w7_1, fma(v9, w6_1, a3_1)));
            a3_2 = fma(v11, w8_2, fma(v10, w7_2, fma(v9, w6_2, a3_2)));
            a3_3 = fma(v11, w8_3, fma(v10, w7_3, fma(v9, w6_3, a3_3)));
        }
    }
    if live {
        put_out(g.x * 4u + 0u, y, k0 + 0u, a0_0); put_out(g.x * 4u + 0u, y, k0 + 4u, a0_1);
        put_out(g.x * 4u + 0u, y, k0 + 8u, a0_2); put_out(g.x * 4u + 0u, y, k0 + 12u, a0_3);
        put_out(g.x * 4u + 1u, y, k0 + 0u, a1_0); put_out(g.x * 4u + 1u, y, k0 + 4u, a1_1);
        put_out(g.x * 4u + 1u, y, k0 + 8u, a1_2); put_out(g.x * 4u + 1u, y, k0 + 12u, a1_3);
        put_out(g.x * 4u + 2u, y, k0 + 0u, a2_0); put_out(g.x * 4u + 2u, y, k0 + 4u, a2_1);
        put_out(g.x * 4u + 2u, y, k0 + 8u, a2_2); put_out(g.x * 4u + 2u, y, k0 + 12u, a2_3);
        put_out(g.x * 4u + 3u, y, k0 + 0u, a3_0); put_out(g.x * 4u + 3u, y, k0 + 4u, a3_1);
        put_out(g.x * 4u + 3u, y, k0 + 8u, a3_2); put_out(g.x * 4u + 3u, y, k0 + 12u, a3_3);
    }
}

// Nearest 2x upsampling + reflect pad 1 + 3x3 convolution as 2x2 phase convolutions, up to 8 output
// channels, 4 pixels per invocation.
@compute @workgroup_size(CONV_SG_WG)
fn conv_up2o2(@builtin(global_invocation_id) g: vec3<u32>,
            @builtin(subgroup_invocation_id) sid: u32) {
    // every lane stays to the end (subgroupBroadcast); only the stores are guarded
    let live = g.x * 4u < p.ow;
    let y = g.y;
    // output row 2i + py reads input rows i - 1 + py and i + py (clamped)
    let py = y & 1u;
    let i = i32(y >> 1u);
    let j0 = i32(g.x * 2u);
    let lane = sid & 7u;
    // channel group z: output channels from 8z, weights from group z's rows
    let wz = g.z * p.c * 128u;
    let k0 = g.z * 8u;
    var a0_0 = vec4(0.0); var a0_1 = vec4(0.0);
    var a1_0 = vec4(0.0); var a1_1 = vec4(0.0);
    var a2_0 = vec4(0.0); var a2_1 = vec4(0.0);
    var a3_0 = vec4(0.0); var a3_1 = vec4(0.0);
    for (var ci = 0u; ci < p.c; ci++) {
        let sc = stats[2u * ci];
        let sh = stats[2u * ci + 1u];
        let row0 = (ci * p.h + clamp_to(i + i32(py) - 1, p.h)) * p.w;
        let v0_0 = vec4(pre(src[row0 + clamp_to(j0 - 1, p.w)], sc, sh));
        let v0_1 = vec4(pre(src[row0 + clamp_to(j0, p.w)], sc, sh));
        let v0_2 = vec4(pre(src[row0 + clamp_to(j0 + 1, p.w)], sc, sh));
        let v0_3 = vec4(pre(src[row0 + clamp_to(j0 + 2, p.w)], sc, sh));
        let row1 = (ci * p.h + clamp_to(i + i32(py), p.h)) * p.w;
        let v1_0 = vec4(pre(src[row1 + clamp_to(j0 - 1, p.w)], sc, sh));
        let v1_1 = vec4(pre(src[row1 + clamp_to(j0, p.w)], sc, sh));
        let v1_2 = vec4(pre(src[row1 + clamp_to(j0 + 1, p.w)], sc, sh));
        let v1_3 = vec4(pre(src[row1 + clamp_to(j0 + 2, p.w)], sc, sh));
        let wf = wz + (ci * 2u + py) * 64u + lane;
        let g0 = wk[(wf + 0u) / 4u][(wf + 0u) % 4u]; let g1 = wk[(wf + 8u) / 4u][(wf + 8u) % 4u];
        let g2 = wk[(wf + 16u) / 4u][(wf + 16u) % 4u]; let g3 = wk[(wf + 24u) / 4u][(wf + 24u) % 4u];
        let g4 = wk[(wf + 32u) / 4u][(wf + 32u) % 4u]; let g5 = wk[(wf + 40u) / 4u][(wf + 40u) % 4u];
        let g6 = wk[(wf + 48u) / 4u][(wf + 48u) % 4u]; let g7 = wk[(wf + 56u) / 4u][(wf + 56u) % 4u];
        let w0_0 = vec4(subgroupBroadcast(g0, 0u), subgroupBroadcast(g0, 1u),
                         subgroupBroadcast(g0, 2u), subgroupBroadcast(g0, 3u));
        let w0_1 = vec4(subgroupBroadcast(g0, 4u), subgroupBroadcast(g0, 5u),
                         subgroupBroadcast(g0, 6u), subgroupBroadcast(g0, 7u));
        let w1_0 = vec4(subgroupBroadcast(g1, 0u), subgroupBroadcast(g1, 1u),
                         subgroupBroadcast(g1, 2u), subgroupBroadcast(g1, 3u));
        let w1_1 = vec4(subgroupBroadcast(g1, 4u), subgroupBroadcast(g1, 5u),
                         subgroupBroadcast(g1, 6u), subgroupBroadcast(g1, 7u));
        let w2_0 = vec4(subgroupBroadcast(g2, 0u), subgroupBroadcast(g2, 1u),
                         subgroupBroadcast(g2, 2u), subgroupBroadcast(g2, 3u));
        let w2_1 = vec4(subgroupBroadcast(g2, 4u), subgroupBroadcast(g2, 5u),
                         subgroupBroadcast(g2, 6u), subgroupBroadcast(g2, 7u));
        let w3_0 = vec4(subgroupBroadcast(g3, 0u), subgroupBroadcast(g3, 1u),
                         subgroupBroadcast(g3, 2u), subgroupBroadcast(g3, 3u));
        let w3_1 = vec4(subgroupBroadcast(g3, 4u), subgroupBroadcast(g3, 5u),
                         subgroupBroadcast(g3, 6u), subgroupBroadcast(g3, 7u));
        let w4_0 = vec4(subgroupBroadcast(g4, 0u), subgroupBroadcast(g4, 1u),
                         subgroupBroadcast(g4, 2u), subgroupBroadcast(g4, 3u));
        let w4_1 = vec4(subgroupBroadcast(g4, 4u), subgroupBroadcast(g4, 5u),
                         subgroupBroadcast(g4, 6u), subgroupBroadcast(g4, 7u));
        let w5_0 = vec4(subgroupBroadcast(g5, 0u), subgroupBroadcast(g5, 1u),
                         subgroupBroadcast(g5, 2u), subgroupBroadcast(g5, 3u));
        let w5_1 = vec4(subgroupBroadcast(g5, 4u), subgroupBroadcast(g5, 5u),
                         subgroupBroadcast(g5, 6u), subgroupBroadcast(g5, 7u));
        let w6_0 = vec4(subgroupBroadcast(g6, 0u), subgroupBroadcast(g6, 1u),
                         subgroupBroadcast(g6, 2u), subgroupBroadcast(g6, 3u));
        let w6_1 = vec4(subgroupBroadcast(g6, 4u), subgroupBroadcast(g6, 5u),
                         subgroupBroadcast(g6, 6u), subgroupBroadcast(g6, 7u));
        let w7_0 = vec4(subgroupBroadcast(g7, 0u), subgroupBroadcast(g7, 1u),
                         subgroupBroadcast(g7, 2u), subgroupBroadcast(g7, 3u));
        let w7_1 = vec4(subgroupBroadcast(g7, 4u), subgroupBroadcast(g7, 5u),
                         subgroupBroadcast(g7, 6u), subgroupBroadcast(g7, 7u));
        a0_0 = fma(v1_1, w5_0, fma(v1_0, w4_0, fma(v0_1, w1_0, fma(v0_0, w0_0, a0_0))));
        a0_1 = fma(v1_1, w5_1, fma(v1_0, w4_1, fma(v0_1, w1_1, fma(v0_0, w0_1, a0_1))));
        a1_0 = fma(v1_2, w7_0, fma(v1_1, w6_0, fma(v0_2, w3_0, fma(v0_1, w2_0, a1_0))));
        a1_1 = fma(v1_2, w7_1, fma(v1_1, w6_1, fma(v0_2, w3_1, fma(v0_1, w2_1, a1_1))));
        a2_0 = fma(v1_2, w5_0, fma(v1_1, w4_0, fma(v0_2, w1_0, fma(v0_1, w0_0, a2_0))));
        a2_1 = fma(v1_2, w5_1, fma(v1_1, w4_1, fma(v0_2, w1_1, fma(v0_1, w0_1, a2_1))));
        a3_0 = fma(v1_3, w7_0, fma(v1_2, w6_0, fma(v0_3, w3_0, fma(v0_2, w2_0, a3_0))));
        a3_1 = fma(v1_3, w7_1, fma(v1_2, w6_1, fma(v0_3, w3_1, fma(v0_2, w2_1, a3_1))));
    }
    if live {
        put_out(g.x * 4u + 0u, y, k0 + 0u, a0_0); put_out(g.x * 4u + 0u, y, k0 + 4u, a0_1);
        put_out(g.x * 4u + 1u, y, k0 + 0u, a1_0); put_out(g.x * 4u + 1u, y, k0 + 4u, a1_1);
        put_out(g.x * 4u + 2u, y, k0 + 0u, a2_0); put_out(g.x * 4u + 2u, y, k0 + 4u, a2_1);
        put_out(g.x * 4u + 3u, y, k0 + 0u, a3_0); put_out(g.x * 4u + 3u, y, k0 + 4u, a3_1);
    }
}

// Nearest 2x upsampling + reflect pad 1 + 3x3 convolution as 2x2 phase convolutions, up to 8 output
// channels, 8 pixels per invocation.
@compute @workgroup_size(CONV_SG_WG)
fn conv_up2o2p8(@builtin(global_invocation_id) g: vec3<u32>,
              @builtin(subgroup_invocation_id) sid: u32) {
    // every lane stays to the end (subgroupBroadcast); only the stores are guarded
    let live = g.x * 8u < p.ow;
    let y = g.y;
    // output row 2i + py reads input rows i - 1 + py and i + py (clamped)
    let py = y & 1u;
    let i = i32(y >> 1u);
    let j0 = i32(g.x * 4u);
    let lane = sid & 7u;
    // channel group z: output channels from 8z, weights from group z's rows
    let wz = g.z * p.c * 128u;
    let k0 = g.z * 8u;
    var a0_0 = vec4(0.0); var a0_1 = vec4(0.0);
    var a1_0 = vec4(0.0); var a1_1 = vec4(0.0);
    var a2_0 = vec4(0.0); var a2_1 = vec4(0.0);
    var a3_0 = vec4(0.0); var a3_1 = vec4(0.0);
    var a4_0 = vec4(0.0); var a4_1 = vec4(0.0);
    var a5_0 = vec4(0.0); var a5_1 = vec4(0.0);
    var a6_0 = vec4(0.0); var a6_1 = vec4(0.0);
    var a7_0 = vec4(0.0); var a7_1 = vec4(0.0);
    for (var ci = 0u; ci < p.c; ci++) {
        let sc = stats[2u * ci];
        let sh = stats[2u * ci + 1u];
        let row0 = (ci * p.h + clamp_to(i + i32(py) - 1, p.h)) * p.w;
        let v0_0 = vec4(pre(src[row0 + clamp_to(j0 - 1, p.w)], sc, sh));
        let v0_1 = vec4(pre(src[row0 + clamp_to(j0, p.w)], sc, sh));
        let v0_2 = vec4(pre(src[row0 + clamp_to(j0 + 1, p.w)], sc, sh));
        let v0_3 = vec4(pre(src[row0 + clamp_to(j0 + 2, p.w)], sc, sh));
        let v0_4 = vec4(pre(src[row0 + clamp_to(j0 + 3, p.w)], sc, sh));
        let v0_5 = vec4(pre(src[row0 + clamp_to(j0 + 4, p.w)], sc, sh));
        let row1 = (ci * p.h + clamp_to(i + i32(py), p.h)) * p.w;
        let v1_0 = vec4(pre(src[row1 + clamp_to(j0 - 1, p.w)], sc, sh));
        let v1_1 = vec4(pre(src[row1 + clamp_to(j0, p.w)], sc, sh));
        let v1_2 = vec4(pre(src[row1 + clamp_to(j0 + 1, p.w)], sc, sh));
        let v1_3 = vec4(pre(src[row1 + clamp_to(j0 + 2, p.w)], sc, sh));
        let v1_4 = vec4(pre(src[row1 + clamp_to(j0 + 3, p.w)], sc, sh));
        let v1_5 = vec4(pre(src[row1 + clamp_to(j0 + 4, p.w)], sc, sh));
        let wf = wz + (ci * 2u + py) * 64u + lane;
        let g0 = wk[(wf + 0u) / 4u][(wf + 0u) % 4u]; let g1 = wk[(wf + 8u) / 4u][(wf + 8u) % 4u];
        let g2 = wk[(wf + 16u) / 4u][(wf + 16u) % 4u]; let g3 = wk[(wf + 24u) / 4u][(wf + 24u) % 4u];
        let g4 = wk[(wf + 32u) / 4u][(wf + 32u) % 4u]; let g5 = wk[(wf + 40u) / 4u][(wf + 40u) % 4u];
        let g6 = wk[(wf + 48u) / 4u][(wf + 48u) % 4u]; let g7 = wk[(wf + 56u) / 4u][(wf + 56u) % 4u];
        let w0_0 = vec4(subgroupBroadcast(g0, 0u), subgroupBroadcast(g0, 1u),
                         subgroupBroadcast(g0, 2u), subgroupBroadcast(g0, 3u));
        let w0_1 = vec4(subgroupBroadcast(g0, 4u), subgroupBroadcast(g0, 5u),
                         subgroupBroadcast(g0, 6u), subgroupBroadcast(g0, 7u));
        let w1_0 = vec4(subgroupBroadcast(g1, 0u), subgroupBroadcast(g1, 1u),
                         subgroupBroadcast(g1, 2u), subgroupBroadcast(g1, 3u));
        let w1_1 = vec4(subgroupBroadcast(g1, 4u), subgroupBroadcast(g1, 5u),
                         subgroupBroadcast(g1, 6u), subgroupBroadcast(g1, 7u));
        let w2_0 = vec4(subgroupBroadcast(g2, 0u), subgroupBroadcast(g2, 1u),
                         subgroupBroadcast(g2, 2u), subgroupBroadcast(g2, 3u));
        let w2_1 = vec4(subgroupBroadcast(g2, 4u), subgroupBroadcast(g2, 5u),
                         subgroupBroadcast(g2, 6u), subgroupBroadcast(g2, 7u));
        let w3_0 = vec4(subgroupBroadcast(g3, 0u), subgroupBroadcast(g3, 1u),
                         subgroupBroadcast(g3, 2u), subgroupBroadcast(g3, 3u));
        let w3_1 = vec4(subgroupBroadcast(g3, 4u), subgroupBroadcast(g3, 5u),
                         subgroupBroadcast(g3, 6u), subgroupBroadcast(g3, 7u));
        let w4_0 = vec4(subgroupBroadcast(g4, 0u), subgroupBroadcast(g4, 1u),
                         subgroupBroadcast(g4, 2u), subgroupBroadcast(g4, 3u));
        let w4_1 = vec4(subgroupBroadcast(g4, 4u), subgroupBroadcast(g4, 5u),
                         subgroupBroadcast(g4, 6u), subgroupBroadcast(g4, 7u));
        let w5_0 = vec4(subgroupBroadcast(g5, 0u), subgroupBroadcast(g5, 1u),
                         subgroupBroadcast(g5, 2u), subgroupBroadcast(g5, 3u));
        let w5_1 = vec4(subgroupBroadcast(g5, 4u), subgroupBroadcast(g5, 5u),
                         subgroupBroadcast(g5, 6u), subgroupBroadcast(g5, 7u));
        let w6_0 = vec4(subgroupBroadcast(g6, 0u), subgroupBroadcast(g6, 1u),
                         subgroupBroadcast(g6, 2u), subgroupBroadcast(g6, 3u));
        let w6_1 = vec4(subgroupBroadcast(g6, 4u), subgroupBroadcast(g6, 5u),
                         subgroupBroadcast(g6, 6u), subgroupBroadcast(g6, 7u));
        let w7_0 = vec4(subgroupBroadcast(g7, 0u), subgroupBroadcast(g7, 1u),
                         subgroupBroadcast(g7, 2u), subgroupBroadcast(g7, 3u));
        let w7_1 = vec4(subgroupBroadcast(g7, 4u), subgroupBroadcast(g7, 5u),
                         subgroupBroadcast(g7, 6u), subgroupBroadcast(g7, 7u));
        a0_0 = fma(v1_1, w5_0, fma(v1_0, w4_0, fma(v0_1, w1_0, fma(v0_0, w0_0, a0_0))));
        a0_1 = fma(v1_1, w5_1, fma(v1_0, w4_1, fma(v0_1, w1_1, fma(v0_0, w0_1, a0_1))));
        a1_0 = fma(v1_2, w7_0, fma(v1_1, w6_0, fma(v0_2, w3_0, fma(v0_1, w2_0, a1_0))));
        a1_1 = fma(v1_2, w7_1, fma(v1_1, w6_1, fma(v0_2, w3_1, fma(v0_1, w2_1, a1_1))));
        a2_0 = fma(v1_2, w5_0, fma(v1_1, w4_0, fma(v0_2, w1_0, fma(v0_1, w0_0, a2_0))));
        a2_1 = fma(v1_2, w5_1, fma(v1_1, w4_1, fma(v0_2, w1_1, fma(v0_1, w0_1, a2_1))));
        a3_0 = fma(v1_3, w7_0, fma(v1_2, w6_0, fma(v0_3, w3_0, fma(v0_2, w2_0, a3_0))));
        a3_1 = fma(v1_3, w7_1, fma(v1_2, w6_1, fma(v0_3, w3_1, fma(v0_2, w2_1, a3_1))));
        a4_0 = fma(v1_3, w5_0, fma(v1_2, w4_0, fma(v0_3, w1_0, fma(v0_2, w0_0, a4_0))));
        a4_1 = fma(v1_3, w5_1, fma(v1_2, w4_1, fma(v0_3, w1_1, fma(v0_2, w0_1, a4_1))));
        a5_0 = fma(v1_4, w7_0, fma(v1_3, w6_0, fma(v0_4, w3_0, fma(v0_3, w2_0, a5_0))));
        a5_1 = fma(v1_4, w7_1, fma(v1_3, w6_1, fma(v0_4, w3_1, fma(v0_3, w2_1, a5_1))));
        a6_0 = fma(v1_4, w5_0, fma(v1_3, w4_0, fma(v0_4, w1_0, fma(v0_3, w0_0, a6_0))));
        a6_1 = fma(v1_4, w5_1, fma(v1_3, w4_1, fma(v0_4, w1_1, fma(v0_3, w0_1, a6_1))));
        a7_0 = fma(v1_5, w7_0, fma(v1_4, w6_0, fma(v0_5, w3_0, fma(v0_4, w2_0, a7_0))));
        a7_1 = fma(v1_5, w7_1, fma(v1_4, w6_1, fma(v0_5, w3_1, fma(v0_4, w2_1, a7_1))));
    }
    if live {
        put_out(g.x * 8u + 0u, y, k0 + 0u, a0_0); put_out(g.x * 8u + 0u, y, k0 + 4u, a0_1);
        put_out(g.x * 8u + 1u, y, k0 + 0u, a1_0); put_out(g.x * 8u + 1u, y, k0 + 4u, a1_1);
        put_out(g.x * 8u + 2u, y, k0 + 0u, a2_0); put_out(g.x * 8u + 2u, y, k0 + 4u, a2_1);
        put_out(g.x * 8u + 3u, y, k0 + 0u, a3_0); put_out(g.x * 8u + 3u, y, k0 + 4u, a3_1);
        put_out(g.x * 8u + 4u, y, k0 + 0u, a4_0); put_out(g.x * 8u + 4u, y, k0 + 4u, a4_1);
        put_out(g.x * 8u + 5u, y, k0 + 0u, a5_0); put_out(g.x * 8u + 5u, y, k0 + 4u, a5_1);
        put_out(g.x * 8u + 6u, y, k0 + 0u, a6_0); put_out(g.x * 8u + 6u, y, k0 + 4u, a6_1);
        put_out(g.x * 8u + 7u, y, k0 + 0u, a7_0); put_out(g.x * 8u + 7u, y, k0 + 4u, a7_1);
    }
}

// Nearest 2x upsampling + reflect pad 1 + 3x3 convolution as 2x2 phase convolutions, up to 4 output
// channels, 4 pixels per invocation.
@compute @workgroup_size(CONV_SG_WG)
fn conv_up2o1(@builtin(global_invocation_id) g: vec3<u32>,
            @builtin(subgroup_invocation_id) sid: u32) {
    // every lane stays to the end (subgroupBroadcast); only the stores are guarded
    let live = g.x * 4u < p.ow;
    let y = g.y;
    // output row 2i + py reads input rows i - 1 + py and i + py (clamped)
    let py = y & 1u;
    let i = i32(y >> 1u);
    let j0 = i32(g.x * 2u);
    let lane = sid & 7u;
    // channel group z: output channels from 4z, weights from group z's rows
    let wz = g.z * p.c * 64u;
    let k0 = g.z * 4u;
    var a0_0 = vec4(0.0);
    var a1_0 = vec4(0.0);
    var a2_0 = vec4(0.0);
    var a3_0 = vec4(0.0);
    for (var ci = 0u; ci < p.c; ci++) {
        let sc = stats[2u * ci];
        let sh = stats[2u * ci + 1u];
        let row0 = (ci * p.h + clamp_to(i + i32(py) - 1, p.h)) * p.w;
        let v0_0 = vec4(pre(src[row0 + clamp_to(j0 - 1, p.w)], sc, sh));
        let v0_1 = vec4(pre(src[row0 + clamp_to(j0, p.w)], sc, sh));
        let v0_2 = vec4(pre(src[row0 + clamp_to(j0 + 1, p.w)], sc, sh));
        let v0_3 = vec4(pre(src[row0 + clamp_to(j0 + 2, p.w)], sc, sh));
        let row1 = (ci * p.h + clamp_to(i + i32(py), p.h)) * p.w;
        let v1_0 = vec4(pre(src[row1 + clamp_to(j0 - 1, p.w)], sc, sh));
        let v1_1 = vec4(pre(src[row1 + clamp_to(j0, p.w)], sc, sh));
        let v1_2 = vec4(pre(src[row1 + clamp_to(j0 + 1, p.w)], sc, sh));
        let v1_3 = vec4(pre(src[row1 + clamp_to(j0 + 2, p.w)], sc, sh));
        let wf = wz + (ci * 2u + py) * 32u + lane;
        let g0 = wk[(wf + 0u) / 4u][(wf + 0u) % 4u]; let g1 = wk[(wf + 8u) / 4u][(wf + 8u) % 4u];
        let g2 = wk[(wf + 16u) / 4u][(wf + 16u) % 4u]; let g3 = wk[(wf + 24u) / 4u][(wf + 24u) % 4u];
        let w0_0 = vec4(subgroupBroadcast(g0, 0u), subgroupBroadcast(g0, 1u),
                         subgroupBroadcast(g0, 2u), subgroupBroadcast(g0, 3u));
        let w1_0 = vec4(subgroupBroadcast(g0, 4u), subgroupBroadcast(g0, 5u),
                         subgroupBroadcast(g0, 6u), subgroupBroadcast(g0, 7u));
        let w2_0 = vec4(subgroupBroadcast(g1, 0u), subgroupBroadcast(g1, 1u),
                         subgroupBroadcast(g1, 2u), subgroupBroadcast(g1, 3u));
        let w3_0 = vec4(subgroupBroadcast(g1, 4u), subgroupBroadcast(g1, 5u),
                         subgroupBroadcast(g1, 6u), subgroupBroadcast(g1, 7u));
        let w4_0 = vec4(subgroupBroadcast(g2, 0u), subgroupBroadcast(g2, 1u),
                         subgroupBroadcast(g2, 2u), subgroupBroadcast(g2, 3u));
        let w5_0 = vec4(subgroupBroadcast(g2, 4u), subgroupBroadcast(g2, 5u),
                         subgroupBroadcast(g2, 6u), subgroupBroadcast(g2, 7u));
        let w6_0 = vec4(subgroupBroadcast(g3, 0u), subgroupBroadcast(g3, 1u),
                         subgroupBroadcast(g3, 2u), subgroupBroadcast(g3, 3u));
        let w7_0 = vec4(subgroupBroadcast(g3, 4u), subgroupBroadcast(g3, 5u),
                         subgroupBroadcast(g3, 6u), subgroupBroadcast(g3, 7u));
        a0_0 = fma(v1_1, w5_0, fma(v1_0, w4_0, fma(v0_1, w1_0, fma(v0_0, w0_0, a0_0))));
        a1_0 = fma(v1_2, w7_0, fma(v1_1, w6_0, fma(v0_2, w3_0, fma(v0_1, w2_0, a1_0))));
        a2_0 = fma(v1_2, w5_0, fma(v1_1, w4_0, fma(v0_2, w1_0, fma(v0_1, w0_0, a2_0))));
        a3_0 = fma(v1_3, w7_0, fma(v1_2, w6_0, fma(v0_3, w3_0, fma(v0_2, w2_0, a3_0))));
    }
    if live {
        put_out(g.x * 4u + 0u, y, k0 + 0u, a0_0);
        put_out(g.x * 4u + 1u, y, k0 + 0u, a1_0);
        put_out(g.x * 4u + 2u, y, k0 + 0u, a2_0);
        put_out(g.x * 4u + 3u, y, k0 + 0u, a3_0);
    }
}

// Nearest 2x upsampling + reflect pad 1 + 3x3 convolution as 2x2 phase convolutions, up to 4 output
// channels, 8 pixels per invocation.
@compute @workgroup_size(CONV_SG_WG)
fn conv_up2o1p8(@builtin(global_invocation_id) g: vec3<u32>,
              @builtin(subgroup_invocation_id) sid: u32) {
    // every lane stays to the end (subgroupBroadcast); only the stores are guarded
    let live = g.x * 8u < p.ow;
    let y = g.y;
    // output row 2i + py reads input rows i - 1 + py and i + py (clamped)
    let py = y & 1u;
    let i = i32(y >> 1u);
    let j0 = i32(g.x * 4u);
    let lane = sid & 7u;
    // channel group z: output channels from 4z, weights from group z's rows
    let wz = g.z * p.c * 64u;
    let k0 = g.z * 4u;
    var a0_0 = vec4(0.0);
    var a1_0 = vec4(0.0);
    var a2_0 = vec4(0.0);
    var a3_0 = vec4(0.0);
    var a4_0 = vec4(0.0);
    var a5_0 = vec4(0.0);
    var a6_0 = vec4(0.0);
    var a7_0 = vec4(0.0);
    for (var ci = 0u; ci < p.c; ci++) {
        let sc = stats[2u * ci];
        let sh = stats[2u * ci + 1u];
        let row0 = (ci * p.h + clamp_to(i + i32(py) - 1, p.h)) * p.w;
        let v0_0 = vec4(pre(src[row0 + clamp_to(j0 - 1, p.w)], sc, sh));
        let v0_1 = vec4(pre(src[row0 + clamp_to(j0, p.w)], sc, sh));
        let v0_2 = vec4(pre(src[row0 + clamp_to(j0 + 1, p.w)], sc, sh));
        let v0_3 = vec4(pre(src[row0 + clamp_to(j0 + 2, p.w)], sc, sh));
        let v0_4 = vec4(pre(src[row0 + clamp_to(j0 + 3, p.w)], sc, sh));
        let v0_5 = vec4(pre(src[row0 + clamp_to(j0 + 4, p.w)], sc, sh));
        let row1 = (ci * p.h + clamp_to(i + i32(py), p.h)) * p.w;
        let v1_0 = vec4(pre(src[row1 + clamp_to(j0 - 1, p.w)], sc, sh));
        let v1_1 = vec4(pre(src[row1 + clamp_to(j0, p.w)], sc, sh));
        let v1_2 = vec4(pre(src[row1 + clamp_to(j0 + 1, p.w)], sc, sh));
        let v1_3 = vec4(pre(src[row1 + clamp_to(j0 + 2, p.w)], sc, sh));
        let v1_4 = vec4(pre(src[row1 + clamp_to(j0 + 3, p.w)], sc, sh));
        let v1_5 = vec4(pre(src[row1 + clamp_to(j0 + 4, p.w)], sc, sh));
        let wf = wz + (ci * 2u + py) * 32u + lane;
        let g0 = wk[(wf + 0u) / 4u][(wf + 0u) % 4u]; let g1 = wk[(wf + 8u) / 4u][(wf + 8u) % 4u];
        let g2 = wk[(wf + 16u) / 4u][(wf + 16u) % 4u]; let g3 = wk[(wf + 24u) / 4u][(wf + 24u) % 4u];
        let w0_0 = vec4(subgroupBroadcast(g0, 0u), subgroupBroadcast(g0, 1u),
                         subgroupBroadcast(g0, 2u), subgroupBroadcast(g0, 3u));
        let w1_0 = vec4(subgroupBroadcast(g0, 4u), subgroupBroadcast(g0, 5u),
                         subgroupBroadcast(g0, 6u), subgroupBroadcast(g0, 7u));
        let w2_0 = vec4(subgroupBroadcast(g1, 0u), subgroupBroadcast(g1, 1u),
                         subgroupBroadcast(g1, 2u), subgroupBroadcast(g1, 3u));
        let w3_0 = vec4(subgroupBroadcast(g1, 4u), subgroupBroadcast(g1, 5u),
                         subgroupBroadcast(g1, 6u), subgroupBroadcast(g1, 7u));
        let w4_0 = vec4(subgroupBroadcast(g2, 0u), subgroupBroadcast(g2, 1u),
                         subgroupBroadcast(g2, 2u), subgroupBroadcast(g2, 3u));
        let w5_0 = vec4(subgroupBroadcast(g2, 4u), subgroupBroadcast(g2, 5u),
                         subgroupBroadcast(g2, 6u), subgroupBroadcast(g2, 7u));
        let w6_0 = vec4(subgroupBroadcast(g3, 0u), subgroupBroadcast(g3, 1u),
                         subgroupBroadcast(g3, 2u), subgroupBroadcast(g3, 3u));
        let w7_0 = vec4(subgroupBroadcast(g3, 4u), subgroupBroadcast(g3, 5u),
                         subgroupBroadcast(g3, 6u), subgroupBroadcast(g3, 7u));
        a0_0 = fma(v1_1, w5_0, fma(v1_0, w4_0, fma(v0_1, w1_0, fma(v0_0, w0_0, a0_0))));
        a1_0 = fma(v1_2, w7_0, fma(v1_1, w6_0, fma(v0_2, w3_0, fma(v0_1, w2_0, a1_0))));
        a2_0 = fma(v1_2, w5_0, fma(v1_1, w4_0, fma(v0_2, w1_0, fma(v0_1, w0_0, a2_0))));
        a3_0 = fma(v1_3, w7_0, fma(v1_2, w6_0, fma(v0_3, w3_0, fma(v0_2, w2_0, a3_0))));
        a4_0 = fma(v1_3, w5_0, fma(v1_2, w4_0, fma(v0_3, w1_0, fma(v0_2, w0_0, a4_0))));
        a5_0 = fma(v1_4, w7_0, fma(v1_3, w6_0, fma(v0_4, w3_0, fma(v0_3, w2_0, a5_0))));
        a6_0 = fma(v1_4, w5_0, fma(v1_3, w4_0, fma(v0_4, w1_0, fma(v0_3, w0_0, a6_0))));
        a7_0 = fma(v1_5, w7_0, fma(v1_4, w6_0, fma(v0_5, w3_0, fma(v0_4, w2_0, a7_0))));
    }
    if live {
        put_out(g.x * 8u + 0u, y, k0 + 0u, a0_0);
        put_out(g.x * 8u + 1u, y, k0 + 0u, a1_0);
        put_out(g.x * 8u + 2u, y, k0 + 0u, a2_0);
        put_out(g.x * 8u + 3u, y, k0 + 0u, a3_0);
        put_out(g.x * 8u + 4u, y, k0 + 0u, a4_0);
        put_out(g.x * 8u + 5u, y, k0 + 0u, a5_0);
        put_out(g.x * 8u + 6u, y, k0 + 0u, a6_0);
        put_out(g.x * 8u + 7u, y, k0 + 0u, a7_0);
    }
}
// END generated
