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
    _pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> inp: array<f32>;
@group(0) @binding(2) var<storage, read> wt: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

fn load(row: u32, x: i32) -> f32 {
    let inside = x >= 0 && x < i32(p.w);
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

@compute @workgroup_size(64)
fn conv3x3(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
           @builtin(local_invocation_index) lid: u32) {
    let idx = (wid.y * nwg.x + wid.x) * 64u + lid;
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
            let i0 = load(row, x0);
            let i1 = load(row, x0 + 1);
            let i2 = load(row, x0 + 2);
            let i3 = load(row, x0 + 3);
            let i4 = load(row, x0 + 4);
            let i5 = load(row, x0 + 5);
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
