// 2x2 pooling with stride 2 over [C, H, W] -> [C, H/2, W/2] (floor: an odd last row/column is
// dropped, as in PyTorch), max and average, forward and backward. Backward kernels run one
// invocation per input pixel and gather from the single window that covers it, so no atomics.

struct Params {
    c: u32,
    h: u32,   // input height
    w: u32,   // input width
    ho: u32,
    wo: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;        // forward: input; backward: forward input
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;  // forward: output; backward: input grad
@group(0) @binding(3) var<storage, read> gout: array<f32>;       // backward only: output grad

// Index in the input of the top-left pixel of output pixel i's window.
fn window_base(i: u32) -> u32 {
    let ox = i % p.wo;
    let oy = (i / p.wo) % p.ho;
    let c = i / (p.wo * p.ho);
    return (c * p.h + oy * 2u) * p.w + ox * 2u;
}

@compute @workgroup_size(WG)
fn max_forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.c * p.ho * p.wo { return; }
    let b = window_base(i);
    dst[i] = max(max(src[b], src[b + 1u]), max(src[b + p.w], src[b + p.w + 1u]));
}

@compute @workgroup_size(WG)
fn avg_forward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.c * p.ho * p.wo { return; }
    let b = window_base(i);
    dst[i] = 0.25 * (src[b] + src[b + 1u] + src[b + p.w] + src[b + p.w + 1u]);
}

@compute @workgroup_size(WG)
fn max_backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.c * p.h * p.w { return; }
    let x = i % p.w;
    let y = (i / p.w) % p.h;
    let c = i / (p.w * p.h);
    let ox = x / 2u;
    let oy = y / 2u;
    var g = 0.0;
    if ox < p.wo && oy < p.ho {
        // The gradient goes to the first maximum in window order, matching the forward's choice.
        let b = (c * p.h + oy * 2u) * p.w + ox * 2u;
        let v = array<f32, 4>(src[b], src[b + 1u], src[b + p.w], src[b + p.w + 1u]);
        var arg = 0u;
        for (var k = 1u; k < 4u; k++) {
            if v[k] > v[arg] { arg = k; }
        }
        let mine = (y - oy * 2u) * 2u + (x - ox * 2u);
        if arg == mine { g = gout[(c * p.ho + oy) * p.wo + ox]; }
    }
    dst[i] = g;
}

@compute @workgroup_size(WG)
fn avg_backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.c * p.h * p.w { return; }
    let x = i % p.w;
    let y = (i / p.w) % p.h;
    let c = i / (p.w * p.h);
    let ox = x / 2u;
    let oy = y / 2u;
    var g = 0.0;
    if ox < p.wo && oy < p.ho { g = 0.25 * gout[(c * p.ho + oy) * p.wo + ox]; }
    dst[i] = g;
}
