// Gram matrix G = F F^T * scale of features F [C, P] (P = H*W, scale = 1 / (C*H*W)) and its
// backward dF = D F with D = scale * (dG + dG^T), register-blocked 8x8 per invocation, no
// barriers: 16 storage loads feed 64 FMAs (storage loads are what costs on CPU drivers).
// The forward splits the P axis into `splits` slices written to partial sums (so a C = 64 layer
// still gives thousands of invocations), computes only the blocks on or above the diagonal
// (G is symmetric), and a second kernel adds the slices and mirrors.

struct Params {
    c: u32,
    np: u32,       // P = H * W
    splits: u32,   // number of P slices
    chunk: u32,    // ceil(P / splits)
    c8: u32,       // ceil(C / 8)
    scale: f32,
    accumulate: u32, // backward: 1 adds to dF instead of overwriting
    blk: u32,      // side of the blocks the partials hold (8 here, 32 in gram_subgroup.wgsl)
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> f: array<f32>;
@group(0) @binding(2) var<storage, read_write> outp: array<f32>;   // partials [splits, C, C], dF, or D
@group(0) @binding(3) var<storage, read> dg: array<f32>;           // backward: D [C, C]; symmetrize: dG

// F[row, q], zero past the last row (C need not be a multiple of 8).
fn fr(row: u32, q: u32) -> f32 {
    return select(0.0, f[min(row, p.c - 1u) * p.np + q], row < p.c);
}

fn put_block(base: u32, i: u32, j0: u32, lo: vec4<f32>, hi: vec4<f32>) {
    if i >= p.c { return; }
    for (var b = 0u; b < 4u; b++) {
        if j0 + b < p.c { outp[base + i * p.c + j0 + b] = lo[b]; }
        if j0 + 4u + b < p.c { outp[base + i * p.c + j0 + 4u + b] = hi[b]; }
    }
}

@compute @workgroup_size(WG)
fn gram_partial(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                @builtin(local_invocation_index) lid: u32) {
    let idx = flat_index(wid, nwg, lid);
    if idx >= p.splits * p.c8 * p.c8 { return; }
    let bj = idx % p.c8;
    let bi = (idx / p.c8) % p.c8;
    if bj < bi { return; }
    let s = idx / (p.c8 * p.c8);
    let i0 = bi * 8u;
    let j0 = bj * 8u;
    var r0_0 = vec4(0.0); var r0_1 = vec4(0.0);
    var r1_0 = vec4(0.0); var r1_1 = vec4(0.0);
    var r2_0 = vec4(0.0); var r2_1 = vec4(0.0);
    var r3_0 = vec4(0.0); var r3_1 = vec4(0.0);
    var r4_0 = vec4(0.0); var r4_1 = vec4(0.0);
    var r5_0 = vec4(0.0); var r5_1 = vec4(0.0);
    var r6_0 = vec4(0.0); var r6_1 = vec4(0.0);
    var r7_0 = vec4(0.0); var r7_1 = vec4(0.0);
    let q0 = s * p.chunk;
    let q1 = min(q0 + p.chunk, p.np);
    for (var q = q0; q < q1; q++) {
        let j_lo = vec4(fr(j0, q), fr(j0 + 1u, q), fr(j0 + 2u, q), fr(j0 + 3u, q));
        let j_hi = vec4(fr(j0 + 4u, q), fr(j0 + 5u, q), fr(j0 + 6u, q), fr(j0 + 7u, q));
        let a0 = vec4(fr(i0 + 0u, q)); r0_0 = fma(a0, j_lo, r0_0); r0_1 = fma(a0, j_hi, r0_1);
        let a1 = vec4(fr(i0 + 1u, q)); r1_0 = fma(a1, j_lo, r1_0); r1_1 = fma(a1, j_hi, r1_1);
        let a2 = vec4(fr(i0 + 2u, q)); r2_0 = fma(a2, j_lo, r2_0); r2_1 = fma(a2, j_hi, r2_1);
        let a3 = vec4(fr(i0 + 3u, q)); r3_0 = fma(a3, j_lo, r3_0); r3_1 = fma(a3, j_hi, r3_1);
        let a4 = vec4(fr(i0 + 4u, q)); r4_0 = fma(a4, j_lo, r4_0); r4_1 = fma(a4, j_hi, r4_1);
        let a5 = vec4(fr(i0 + 5u, q)); r5_0 = fma(a5, j_lo, r5_0); r5_1 = fma(a5, j_hi, r5_1);
        let a6 = vec4(fr(i0 + 6u, q)); r6_0 = fma(a6, j_lo, r6_0); r6_1 = fma(a6, j_hi, r6_1);
        let a7 = vec4(fr(i0 + 7u, q)); r7_0 = fma(a7, j_lo, r7_0); r7_1 = fma(a7, j_hi, r7_1);
    }
    let base = s * p.c * p.c;
    put_block(base, i0 + 0u, j0, r0_0, r0_1);
    put_block(base, i0 + 1u, j0, r1_0, r1_1);
    put_block(base, i0 + 2u, j0, r2_0, r2_1);
    put_block(base, i0 + 3u, j0, r3_0, r3_1);
    put_block(base, i0 + 4u, j0, r4_0, r4_1);
    put_block(base, i0 + 5u, j0, r5_0, r5_1);
    put_block(base, i0 + 6u, j0, r6_0, r6_1);
    put_block(base, i0 + 7u, j0, r7_0, r7_1);
}

// G[i, j] = scale * sum over slices of the partials (taken from the upper triangle of blk x blk
// blocks); `outp` here is G, `f` the partials.
@compute @workgroup_size(WG)
fn gram_reduce(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
    let idx = flat_index(wid, nwg, lid);
    let cc = p.c * p.c;
    if idx >= cc { return; }
    var i = idx / p.c;
    var j = idx % p.c;
    if j / p.blk < i / p.blk {
        let t = i;
        i = j;
        j = t;
    }
    var s = 0.0;
    for (var k = 0u; k < p.splits; k++) { s += f[k * cc + i * p.c + j]; }
    outp[idx] = s * p.scale;
}

// D = scale * (dG + dG^T), so the backward reads one value per (i, j).
@compute @workgroup_size(WG)
fn gram_symmetrize(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                   @builtin(local_invocation_index) lid: u32) {
    let idx = flat_index(wid, nwg, lid);
    if idx >= p.c * p.c { return; }
    let i = idx / p.c;
    let j = idx % p.c;
    outp[idx] = p.scale * (dg[idx] + dg[j * p.c + i]);
}

fn fq(j: u32, q: u32) -> f32 {
    return select(0.0, f[j * p.np + min(q, p.np - 1u)], q < p.np);
}

fn drow(i: u32, j: u32) -> f32 {
    return select(0.0, dg[min(i, p.c - 1u) * p.c + j], i < p.c);
}

fn put_df(i: u32, q0: u32, lo: vec4<f32>, hi: vec4<f32>) {
    if i >= p.c { return; }
    for (var b = 0u; b < 8u; b++) {
        let q = q0 + b;
        if q < p.np {
            var r = select(hi[b & 3u], lo[b & 3u], b < 4u);
            if p.accumulate != 0u { r += outp[i * p.np + q]; }
            outp[i * p.np + q] = r;
        }
    }
}

// dF[i, q] = sum_j D[i, j] F[j, q]: 8 rows x 8 consecutive q per invocation; `dg` holds D.
@compute @workgroup_size(WG)
fn gram_backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
    let idx = flat_index(wid, nwg, lid);
    let qb = (p.np + 7u) / 8u;
    if idx >= p.c8 * qb { return; }
    let q0 = (idx % qb) * 8u;
    let i0 = (idx / qb) * 8u;
    var r0_0 = vec4(0.0); var r0_1 = vec4(0.0);
    var r1_0 = vec4(0.0); var r1_1 = vec4(0.0);
    var r2_0 = vec4(0.0); var r2_1 = vec4(0.0);
    var r3_0 = vec4(0.0); var r3_1 = vec4(0.0);
    var r4_0 = vec4(0.0); var r4_1 = vec4(0.0);
    var r5_0 = vec4(0.0); var r5_1 = vec4(0.0);
    var r6_0 = vec4(0.0); var r6_1 = vec4(0.0);
    var r7_0 = vec4(0.0); var r7_1 = vec4(0.0);
    for (var j = 0u; j < p.c; j++) {
        let f_lo = vec4(fq(j, q0), fq(j, q0 + 1u), fq(j, q0 + 2u), fq(j, q0 + 3u));
        let f_hi = vec4(fq(j, q0 + 4u), fq(j, q0 + 5u), fq(j, q0 + 6u), fq(j, q0 + 7u));
        let d0 = vec4(drow(i0 + 0u, j)); r0_0 = fma(d0, f_lo, r0_0); r0_1 = fma(d0, f_hi, r0_1);
        let d1 = vec4(drow(i0 + 1u, j)); r1_0 = fma(d1, f_lo, r1_0); r1_1 = fma(d1, f_hi, r1_1);
        let d2 = vec4(drow(i0 + 2u, j)); r2_0 = fma(d2, f_lo, r2_0); r2_1 = fma(d2, f_hi, r2_1);
        let d3 = vec4(drow(i0 + 3u, j)); r3_0 = fma(d3, f_lo, r3_0); r3_1 = fma(d3, f_hi, r3_1);
        let d4 = vec4(drow(i0 + 4u, j)); r4_0 = fma(d4, f_lo, r4_0); r4_1 = fma(d4, f_hi, r4_1);
        let d5 = vec4(drow(i0 + 5u, j)); r5_0 = fma(d5, f_lo, r5_0); r5_1 = fma(d5, f_hi, r5_1);
        let d6 = vec4(drow(i0 + 6u, j)); r6_0 = fma(d6, f_lo, r6_0); r6_1 = fma(d6, f_hi, r6_1);
        let d7 = vec4(drow(i0 + 7u, j)); r7_0 = fma(d7, f_lo, r7_0); r7_1 = fma(d7, f_hi, r7_1);
    }
    put_df(i0 + 0u, q0, r0_0, r0_1);
    put_df(i0 + 1u, q0, r1_0, r1_1);
    put_df(i0 + 2u, q0, r2_0, r2_1);
    put_df(i0 + 3u, q0, r3_0, r3_1);
    put_df(i0 + 4u, q0, r4_0, r4_1);
    put_df(i0 + 5u, q0, r5_0, r5_1);
    put_df(i0 + 6u, q0, r6_0, r6_1);
    put_df(i0 + 7u, q0, r7_0, r7_1);
}
