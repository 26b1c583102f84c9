// 3x3 convolution, stride 1, zero padding 1, NCHW f32 (N = 1), with bias and optional fused ReLU.
// The input gradient of a convolution is the same operation with the weights transposed
// (in <-> out) and flipped (ky, kx -> 2-ky, 2-kx), so the host reuses this kernel for backward.
//
// Register blocking: each invocation computes 4 consecutive output pixels of one row for 4
// consecutive output channels (16 accumulators). Per input channel and kernel row it loads 6
// input values and 3 vec4 weights and issues 12 vec4 FMAs; no workgroup memory, no barriers
// (barriers are very expensive on CPU Vulkan drivers).
// Weights are packed [cin][3][3][oc4] of vec4 (oc padded to a multiple of 4 with zeros).

struct Params {
    cin: u32,
    h: u32,
    w: u32,
    cout: u32,
    oc4: u32,     // ceil(cout / 4)
    wb: u32,      // ceil(w / 4): 4-pixel blocks per row
    relu: u32,    // 1: apply max(0, .) to the output
    // conv3x3_ubo only: this launch's block of 32 output channels and 32 input channels
    oc0: u32,
    ic0: u32,
    icn: u32,
    accumulate: u32, // 1: add to the output (later input-channel blocks) instead of the bias
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> inp: array<f32>;
@group(0) @binding(2) var<storage, read> wt: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
// conv3x3_ubo: the weights of one (32 input, 32 output channel) block, [icl][3][3][8 vec4].
@group(0) @binding(5) var<uniform> wu: array<vec4<f32>, 2304>;

// Input at column x of the row starting at `row`; zero outside the image (row_ok false or x out
// of range), read from a clamped index so no lane branches.
fn load_row(row: u32, row_ok: bool, x: i32) -> f32 {
    let inside = row_ok && x >= 0 && x < i32(p.w);
    let v = inp[row + u32(clamp(x, 0, i32(p.w) - 1))];
    return select(0.0, v, inside);
}

fn store(oc: u32, y: u32, x: u32, v: f32) {
    if oc < p.cout && x < p.w {
        var r = v;
        if p.relu != 0u { r = max(r, 0.0); }
        out[(oc * p.h + y) * p.w + x] = r;
    }
}

@compute @workgroup_size(WG)
fn conv3x3(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
           @builtin(local_invocation_index) lid: u32) {
    let idx = flat_index(wid, nwg, lid);
    if idx >= p.oc4 * p.h * p.wb { return; }
    let xb = idx % p.wb;
    let rest = idx / p.wb;
    let y = rest % p.h;
    let ob = rest / p.h;
    let x0 = i32(xb * 4u) - 1;

    var a0 = bias[ob];
    var a1 = a0;
    var a2 = a0;
    var a3 = a0;
    let plane = p.h * p.w;
    for (var ic = 0u; ic < p.cin; ic++) {
        for (var ky = 0u; ky < 3u; ky++) {
            let yy = i32(y + ky) - 1;
            if yy < 0 || yy >= i32(p.h) { continue; }
            let row = ic * plane + u32(yy) * p.w;
            let i0 = load_row(row, true, x0);
            let i1 = load_row(row, true, x0 + 1);
            let i2 = load_row(row, true, x0 + 2);
            let i3 = load_row(row, true, x0 + 3);
            let i4 = load_row(row, true, x0 + 4);
            let i5 = load_row(row, true, x0 + 5);
            let wi = (ic * 9u + ky * 3u) * p.oc4 + ob;
            let w0 = wt[wi];
            let w1 = wt[wi + p.oc4];
            let w2 = wt[wi + 2u * p.oc4];
            a0 = fma(vec4(i0), w0, fma(vec4(i1), w1, fma(vec4(i2), w2, a0)));
            a1 = fma(vec4(i1), w0, fma(vec4(i2), w1, fma(vec4(i3), w2, a1)));
            a2 = fma(vec4(i2), w0, fma(vec4(i3), w1, fma(vec4(i4), w2, a2)));
            a3 = fma(vec4(i3), w0, fma(vec4(i4), w1, fma(vec4(i5), w2, a3)));
        }
    }
    let x = xb * 4u;
    let oc = ob * 4u;
    for (var k = 0u; k < 4u; k++) {
        store(oc + k, y, x, a0[k]);
        store(oc + k, y, x + 1u, a1[k]);
        store(oc + k, y, x + 2u, a2[k]);
        store(oc + k, y, x + 3u, a3[k]);
    }
}

// Variant for CPU drivers. llvmpipe turns every storage-buffer load into a per-lane loop
// (~50-80 cycles a lane), while uniform-buffer loads at a uniform address are one scalar load.
// So the weights of a block of 32 input x 32 output channels come from a uniform buffer and each
// invocation computes 4 pixels x 32 output channels: 6 storage loads per kernel row feed
// 384 flops. The host launches once per (output block, input block); blocks after the first
// add onto the output, and the last applies the ReLU.
fn store_ubo(x: u32, y: u32, k0: u32, a: vec4<f32>) {
    if x >= p.w { return; }
    for (var k = 0u; k < 4u; k++) {
        let oc = p.oc0 + k0 + k;
        if oc < p.cout {
            let o = (oc * p.h + y) * p.w + x;
            var r = a[k];
            if p.accumulate != 0u { r += out[o]; } else { r += bias[oc / 4u][oc % 4u]; }
            if p.relu != 0u { r = max(r, 0.0); }
            out[o] = r;
        }
    }
}

// Workgroups of 16: a deep layer's small plane still spreads over every CPU thread (lavapipe
// runs one workgroup per thread at a time). The host's twin is `UBO_WG` in src/ops/conv.rs.
const CONV_UBO_WG: u32 = 16u;

@compute @workgroup_size(CONV_UBO_WG)
fn conv3x3_ubo(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
    let idx = flat_index_of(wid, nwg, lid, CONV_UBO_WG);
    // Idle lanes leave at once: on CPU drivers a SIMD batch whose lanes have all returned skips
    // the loop (otherwise a 6x4 plane pays for 64 lanes of work).
    if idx >= p.wb * p.h { return; }
    let xb = idx % p.wb;
    let y = idx / p.wb;
    let x0 = i32(xb * 4u) - 1;
    let plane = p.h * p.w;
    // BEGIN generated by tests/generated_wgsl.rs (PAINTFLOW_BLESS=1 rewrites it)
    var a0_0 = vec4(0.0); var a0_1 = vec4(0.0); var a0_2 = vec4(0.0); var a0_3 = vec4(0.0); var a0_4 = vec4(0.0);
    var a0_5 = vec4(0.0); var a0_6 = vec4(0.0); var a0_7 = vec4(0.0);
    var a1_0 = vec4(0.0); var a1_1 = vec4(0.0); var a1_2 = vec4(0.0); var a1_3 = vec4(0.0); var a1_4 = vec4(0.0);
    var a1_5 = vec4(0.0); var a1_6 = vec4(0.0); var a1_7 = vec4(0.0);
    var a2_0 = vec4(0.0); var a2_1 = vec4(0.0); var a2_2 = vec4(0.0); var a2_3 = vec4(0.0); var a2_4 = vec4(0.0);
    var a2_5 = vec4(0.0); var a2_6 = vec4(0.0); var a2_7 = vec4(0.0);
    var a3_0 = vec4(0.0); var a3_1 = vec4(0.0); var a3_2 = vec4(0.0); var a3_3 = vec4(0.0); var a3_4 = vec4(0.0);
    var a3_5 = vec4(0.0); var a3_6 = vec4(0.0); var a3_7 = vec4(0.0);
    for (var icl = 0u; icl < p.icn; icl++) {
        let ic = p.ic0 + icl;
        for (var ky = 0u; ky < 3u; ky++) {
            // Rows outside the image read a clamped row that load_row zeroes: a `continue` here
            // would make the loop divergent, and llvmpipe then masks every load lane by lane.
            let yy = i32(y + ky) - 1;
            let row_ok = yy >= 0 && yy < i32(p.h);
            let row = ic * plane + u32(clamp(yy, 0, i32(p.h) - 1)) * p.w;
            let v0 = vec4(load_row(row, row_ok, x0 + 0));
            let v1 = vec4(load_row(row, row_ok, x0 + 1));
            let v2 = vec4(load_row(row, row_ok, x0 + 2));
            let v3 = vec4(load_row(row, row_ok, x0 + 3));
            let v4 = vec4(load_row(row, row_ok, x0 + 4));
            let v5 = vec4(load_row(row, row_ok, x0 + 5));
            let wi0 = (icl * 9u + ky * 3u + 0u) * 8u;
            let w0_0 = wu[wi0 + 0u]; let w0_1 = wu[wi0 + 1u]; let w0_2 = wu[wi0 + 2u]; let w0_3 = wu[wi0 + 3u];
            let w0_4 = wu[wi0 + 4u]; let w0_5 = wu[wi0 + 5u]; let w0_6 = wu[wi0 + 6u]; let w0_7 = wu[wi0 + 7u];
            a0_0 = fma(v0, w0_0, a0_0); a0_1 = fma(v0, w0_1, a0_1); a0_2 = fma(v0, w0_2, a0_2);
            a0_3 = fma(v0, w0_3, a0_3); a0_4 = fma(v0, w0_4, a0_4); a0_5 = fma(v0, w0_5, a0_5);
            a0_6 = fma(v0, w0_6, a0_6); a0_7 = fma(v0, w0_7, a0_7);
            a1_0 = fma(v1, w0_0, a1_0); a1_1 = fma(v1, w0_1, a1_1); a1_2 = fma(v1, w0_2, a1_2);
            a1_3 = fma(v1, w0_3, a1_3); a1_4 = fma(v1, w0_4, a1_4); a1_5 = fma(v1, w0_5, a1_5);
            a1_6 = fma(v1, w0_6, a1_6); a1_7 = fma(v1, w0_7, a1_7);
            a2_0 = fma(v2, w0_0, a2_0); a2_1 = fma(v2, w0_1, a2_1); a2_2 = fma(v2, w0_2, a2_2);
            a2_3 = fma(v2, w0_3, a2_3); a2_4 = fma(v2, w0_4, a2_4); a2_5 = fma(v2, w0_5, a2_5);
            a2_6 = fma(v2, w0_6, a2_6); a2_7 = fma(v2, w0_7, a2_7);
            a3_0 = fma(v3, w0_0, a3_0); a3_1 = fma(v3, w0_1, a3_1); a3_2 = fma(v3, w0_2, a3_2);
            a3_3 = fma(v3, w0_3, a3_3); a3_4 = fma(v3, w0_4, a3_4); a3_5 = fma(v3, w0_5, a3_5);
            a3_6 = fma(v3, w0_6, a3_6); a3_7 = fma(v3, w0_7, a3_7);
            let wi1 = (icl * 9u + ky * 3u + 1u) * 8u;
            let w1_0 = wu[wi1 + 0u]; let w1_1 = wu[wi1 + 1u]; let w1_2 = wu[wi1 + 2u]; let w1_3 = wu[wi1 + 3u];
            let w1_4 = wu[wi1 + 4u]; let w1_5 = wu[wi1 + 5u]; let w1_6 = wu[wi1 + 6u]; let w1_7 = wu[wi1 + 7u];
            a0_0 = fma(v1, w1_0, a0_0); a0_1 = fma(v1, w1_1, a0_1); a0_2 = fma(v1, w1_2, a0_2);
            a0_3 = fma(v1, w1_3, a0_3); a0_4 = fma(v1, w1_4, a0_4); a0_5 = fma(v1, w1_5, a0_5);
            a0_6 = fma(v1, w1_6, a0_6); a0_7 = fma(v1, w1_7, a0_7);
            a1_0 = fma(v2, w1_0, a1_0); a1_1 = fma(v2, w1_1, a1_1); a1_2 = fma(v2, w1_2, a1_2);
            a1_3 = fma(v2, w1_3, a1_3); a1_4 = fma(v2, w1_4, a1_4); a1_5 = fma(v2, w1_5, a1_5);
            a1_6 = fma(v2, w1_6, a1_6); a1_7 = fma(v2, w1_7, a1_7);
            a2_0 = fma(v3, w1_0, a2_0); a2_1 = fma(v3, w1_1, a2_1); a2_2 = fma(v3, w1_2, a2_2);
            a2_3 = fma(v3, w1_3, a2_3); a2_4 = fma(v3, w1_4, a2_4); a2_5 = fma(v3, w1_5, a2_5);
            a2_6 = fma(v3, w1_6, a2_6); a2_7 = fma(v3, w1_7, a2_7);
            a3_0 = fma(v4, w1_0, a3_0); a3_1 = fma(v4, w1_1, a3_1); a3_2 = fma(v4, w1_2, a3_2);
            a3_3 = fma(v4, w1_3, a3_3); a3_4 = fma(v4, w1_4, a3_4); a3_5 = fma(v4, w1_5, a3_5);
            a3_6 = fma(v4, w1_6, a3_6); a3_7 = fma(v4, w1_7, a3_7);
            let wi2 = (icl * 9u + ky * 3u + 2u) * 8u;
            let w2_0 = wu[wi2 + 0u]; let w2_1 = wu[wi2 + 1u]; let w2_2 = wu[wi2 + 2u]; let w2_3 = wu[wi2 + 3u];
            let w2_4 = wu[wi2 + 4u]; let w2_5 = wu[wi2 + 5u]; let w2_6 = wu[wi2 + 6u]; let w2_7 = wu[wi2 + 7u];
            a0_0 = fma(v2, w2_0, a0_0); a0_1 = fma(v2, w2_1, a0_1); a0_2 = fma(v2, w2_2, a0_2);
            a0_3 = fma(v2, w2_3, a0_3); a0_4 = fma(v2, w2_4, a0_4); a0_5 = fma(v2, w2_5, a0_5);
            a0_6 = fma(v2, w2_6, a0_6); a0_7 = fma(v2, w2_7, a0_7);
            a1_0 = fma(v3, w2_0, a1_0); a1_1 = fma(v3, w2_1, a1_1); a1_2 = fma(v3, w2_2, a1_2);
            a1_3 = fma(v3, w2_3, a1_3); a1_4 = fma(v3, w2_4, a1_4); a1_5 = fma(v3, w2_5, a1_5);
            a1_6 = fma(v3, w2_6, a1_6); a1_7 = fma(v3, w2_7, a1_7);
            a2_0 = fma(v4, w2_0, a2_0); a2_1 = fma(v4, w2_1, a2_1); a2_2 = fma(v4, w2_2, a2_2);
            a2_3 = fma(v4, w2_3, a2_3); a2_4 = fma(v4, w2_4, a2_4); a2_5 = fma(v4, w2_5, a2_5);
            a2_6 = fma(v4, w2_6, a2_6); a2_7 = fma(v4, w2_7, a2_7);
            a3_0 = fma(v5, w2_0, a3_0); a3_1 = fma(v5, w2_1, a3_1); a3_2 = fma(v5, w2_2, a3_2);
            a3_3 = fma(v5, w2_3, a3_3); a3_4 = fma(v5, w2_4, a3_4); a3_5 = fma(v5, w2_5, a3_5);
            a3_6 = fma(v5, w2_6, a3_6); a3_7 = fma(v5, w2_7, a3_7);
        }
    }
    store_ubo(xb * 4u + 0u, y, 0u, a0_0); store_ubo(xb * 4u + 0u, y, 4u, a0_1); store_ubo(xb * 4u + 0u, y, 8u, a0_2);
    store_ubo(xb * 4u + 0u, y, 12u, a0_3); store_ubo(xb * 4u + 0u, y, 16u, a0_4); store_ubo(xb * 4u + 0u, y, 20u, a0_5);
    store_ubo(xb * 4u + 0u, y, 24u, a0_6); store_ubo(xb * 4u + 0u, y, 28u, a0_7);
    store_ubo(xb * 4u + 1u, y, 0u, a1_0); store_ubo(xb * 4u + 1u, y, 4u, a1_1); store_ubo(xb * 4u + 1u, y, 8u, a1_2);
    store_ubo(xb * 4u + 1u, y, 12u, a1_3); store_ubo(xb * 4u + 1u, y, 16u, a1_4); store_ubo(xb * 4u + 1u, y, 20u, a1_5);
    store_ubo(xb * 4u + 1u, y, 24u, a1_6); store_ubo(xb * 4u + 1u, y, 28u, a1_7);
    store_ubo(xb * 4u + 2u, y, 0u, a2_0); store_ubo(xb * 4u + 2u, y, 4u, a2_1); store_ubo(xb * 4u + 2u, y, 8u, a2_2);
    store_ubo(xb * 4u + 2u, y, 12u, a2_3); store_ubo(xb * 4u + 2u, y, 16u, a2_4); store_ubo(xb * 4u + 2u, y, 20u, a2_5);
    store_ubo(xb * 4u + 2u, y, 24u, a2_6); store_ubo(xb * 4u + 2u, y, 28u, a2_7);
    store_ubo(xb * 4u + 3u, y, 0u, a3_0); store_ubo(xb * 4u + 3u, y, 4u, a3_1); store_ubo(xb * 4u + 3u, y, 8u, a3_2);
    store_ubo(xb * 4u + 3u, y, 12u, a3_3); store_ubo(xb * 4u + 3u, y, 16u, a3_4); store_ubo(xb * 4u + 3u, y, 20u, a3_5);
    store_ubo(xb * 4u + 3u, y, 24u, a3_6); store_ubo(xb * 4u + 3u, y, 28u, a3_7);
    // END generated
}
