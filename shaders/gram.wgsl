// Gram matrix G = F F^T * scale of features F [C, P] (P = H*W, scale = 1 / (C*H*W)) and its
// backward dF = scale * (dG + dG^T) F, register-blocked 4x4 per invocation, no barriers.
// The forward splits the P axis into `splits` slices written to partial sums (so a C = 64 layer
// still gives thousands of invocations) and a second kernel adds the slices.

struct Params {
    c: u32,
    np: u32,       // P = H * W
    splits: u32,   // number of P slices
    chunk: u32,    // ceil(P / splits)
    c4: u32,       // ceil(C / 4)
    scale: f32,
    accumulate: u32, // backward: 1 adds to dF instead of overwriting
    _p: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> f: array<f32>;
@group(0) @binding(2) var<storage, read_write> outp: array<f32>;   // partials [splits, C, C] or dF
@group(0) @binding(3) var<storage, read> dg: array<f32>;           // backward: dL/dG [C, C]

fn index(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 {
    return (wid.y * nwg.x + wid.x) * 64u + lid;
}

fn frow(row: u32, q: u32) -> f32 {
    // Rows past C read as zero (C need not be a multiple of 4).
    return select(0.0, f[min(row, p.c - 1u) * p.np + q], row < p.c);
}

@compute @workgroup_size(64)
fn gram_partial(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                @builtin(local_invocation_index) lid: u32) {
    let idx = index(wid, nwg, lid);
    if idx >= p.splits * p.c4 * p.c4 { return; }
    let bj = idx % p.c4;
    let bi = (idx / p.c4) % p.c4;
    let s = idx / (p.c4 * p.c4);
    let i0 = bi * 4u;
    let j0 = bj * 4u;
    var acc0 = vec4(0.0);
    var acc1 = vec4(0.0);
    var acc2 = vec4(0.0);
    var acc3 = vec4(0.0);
    let q0 = s * p.chunk;
    let q1 = min(q0 + p.chunk, p.np);
    for (var q = q0; q < q1; q++) {
        let fj = vec4(frow(j0, q), frow(j0 + 1u, q), frow(j0 + 2u, q), frow(j0 + 3u, q));
        acc0 = fma(vec4(frow(i0, q)), fj, acc0);
        acc1 = fma(vec4(frow(i0 + 1u, q)), fj, acc1);
        acc2 = fma(vec4(frow(i0 + 2u, q)), fj, acc2);
        acc3 = fma(vec4(frow(i0 + 3u, q)), fj, acc3);
    }
    let base = s * p.c * p.c;
    let rows = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
    for (var a = 0u; a < 4u; a++) {
        for (var b = 0u; b < 4u; b++) {
            if i0 + a < p.c && j0 + b < p.c {
                outp[base + (i0 + a) * p.c + j0 + b] = rows[a][b];
            }
        }
    }
}

// G[i, j] = scale * sum over slices of the partials; `outp` here is G, `f` the partials.
@compute @workgroup_size(64)
fn gram_reduce(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
    let idx = index(wid, nwg, lid);
    let cc = p.c * p.c;
    if idx >= cc { return; }
    var s = 0.0;
    for (var k = 0u; k < p.splits; k++) { s += f[k * cc + idx]; }
    outp[idx] = s * p.scale;
}

// dF[i, q] = scale * sum_j (dG[i, j] + dG[j, i]) F[j, q]: 4 rows x 4 consecutive q per invocation.
@compute @workgroup_size(64)
fn gram_backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
    let idx = index(wid, nwg, lid);
    let qb = (p.np + 3u) / 4u;
    if idx >= p.c4 * qb { return; }
    let q0 = (idx % qb) * 4u;
    let i0 = (idx / qb) * 4u;
    var acc0 = vec4(0.0);
    var acc1 = vec4(0.0);
    var acc2 = vec4(0.0);
    var acc3 = vec4(0.0);
    for (var j = 0u; j < p.c; j++) {
        let fj = vec4(fq(j, q0), fq(j, q0 + 1u), fq(j, q0 + 2u), fq(j, q0 + 3u));
        acc0 = fma(vec4(dsym(i0, j)), fj, acc0);
        acc1 = fma(vec4(dsym(i0 + 1u, j)), fj, acc1);
        acc2 = fma(vec4(dsym(i0 + 2u, j)), fj, acc2);
        acc3 = fma(vec4(dsym(i0 + 3u, j)), fj, acc3);
    }
    let rows = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
    for (var a = 0u; a < 4u; a++) {
        for (var b = 0u; b < 4u; b++) {
            let i = i0 + a;
            let q = q0 + b;
            if i < p.c && q < p.np {
                var r = rows[a][b] * p.scale;
                if p.accumulate != 0u { r += outp[i * p.np + q]; }
                outp[i * p.np + q] = r;
            }
        }
    }
}

fn fq(j: u32, q: u32) -> f32 {
    return select(0.0, f[j * p.np + min(q, p.np - 1u)], q < p.np);
}

fn dsym(i: u32, j: u32) -> f32 {
    let ii = min(i, p.c - 1u);
    return select(0.0, dg[ii * p.c + j] + dg[j * p.c + ii], i < p.c);
}
