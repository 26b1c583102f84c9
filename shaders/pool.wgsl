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

// Backward: one invocation per 2x2 window of the input (ceil(H/2) x ceil(W/2) of them, so the odd
// last row and column, which no window pools, get their zeros too), writing its up to 4 input
// gradients: a quarter of the invocations and of the index arithmetic of one per input pixel.
struct Window {
    c: u32,
    y: u32,
    x: u32,
    pooled: bool,   // a real window (not the odd last row or column)
}

fn window_of(i: u32) -> Window {
    let wx = (p.w + 1u) / 2u;
    let wy = (p.h + 1u) / 2u;
    let ox = i % wx;
    let oy = (i / wx) % wy;
    return Window(i / (wx * wy), oy * 2u, ox * 2u, ox < p.wo && oy < p.ho);
}

// dst at (y + dy, x + dx) of channel c, when inside the input.
fn put_grad(c: u32, y: u32, x: u32, v: f32) {
    if y < p.h && x < p.w { dst[(c * p.h + y) * p.w + x] = v; }
}

@compute @workgroup_size(WG)
fn max_backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.c * ((p.h + 1u) / 2u) * ((p.w + 1u) / 2u) { return; }
    let win = window_of(i);
    var g = array<f32, 4>(0.0, 0.0, 0.0, 0.0);
    if win.pooled {
        // The gradient goes to the first maximum in window order, matching the forward's choice.
        let b = (win.c * p.h + win.y) * p.w + win.x;
        let v0 = src[b];
        let v1 = src[b + 1u];
        let v2 = src[b + p.w];
        let v3 = src[b + p.w + 1u];
        var arg = 0u;
        var best = v0;
        if v1 > best { arg = 1u; best = v1; }
        if v2 > best { arg = 2u; best = v2; }
        if v3 > best { arg = 3u; }
        let go = gout[(win.c * p.ho + win.y / 2u) * p.wo + win.x / 2u];
        g[arg] = go;
    }
    put_grad(win.c, win.y, win.x, g[0]);
    put_grad(win.c, win.y, win.x + 1u, g[1]);
    put_grad(win.c, win.y + 1u, win.x, g[2]);
    put_grad(win.c, win.y + 1u, win.x + 1u, g[3]);
}

@compute @workgroup_size(WG)
fn avg_backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.c * ((p.h + 1u) / 2u) * ((p.w + 1u) / 2u) { return; }
    let win = window_of(i);
    var g = 0.0;
    if win.pooled { g = 0.25 * gout[(win.c * p.ho + win.y / 2u) * p.wo + win.x / 2u]; }
    put_grad(win.c, win.y, win.x, g);
    put_grad(win.c, win.y, win.x + 1u, g);
    put_grad(win.c, win.y + 1u, win.x, g);
    put_grad(win.c, win.y + 1u, win.x + 1u, g);
}
