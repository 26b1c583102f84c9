// Loss gradients. Values come from reduce.wgsl (sum of squared differences, or sum of the
// per-pixel total-variation terms that tv_terms writes).

struct Params {
    n: u32,       // elements (mse) or C*H*W (tv)
    h: u32,
    w: u32,
    accumulate: u32, // 1: add to the gradient instead of overwriting
    k: f32,       // mse: 2*weight/N; tv: 2*weight/N
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> grad: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;

fn put(i: u32, v: f32) {
    var r = v;
    if p.accumulate != 0u { r += grad[i]; }
    grad[i] = r;
}

// d/da of weight * mean((a - b)^2) = 2 * weight / N * (a - b).
@compute @workgroup_size(WG)
fn mse_grad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.n { return; }
    put(i, p.k * (a[i] - b[i]));
}

// Total variation: TV(a) = sum over pixels of (a[y][x+1] - a[y][x])^2 + (a[y+1][x] - a[y][x])^2
// (differences past the border are absent). tv_terms writes each pixel's two terms into grad
// (scratch, to be reduced); tv_grad writes k/2 * dTV/da, gathering the up-to-four differences
// that involve the pixel, so no atomics are needed.
@compute @workgroup_size(WG)
fn tv_terms(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.n { return; }
    let x = i % p.w;
    let y = (i / p.w) % p.h;
    let v = a[i];
    var t = 0.0;
    if x + 1u < p.w { let d = a[i + 1u] - v; t += d * d; }
    if y + 1u < p.h { let d = a[i + p.w] - v; t += d * d; }
    grad[i] = t;
}

@compute @workgroup_size(WG)
fn tv_grad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
           @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.n { return; }
    let x = i % p.w;
    let y = (i / p.w) % p.h;
    let v = a[i];
    var g = 0.0;
    if x + 1u < p.w { g -= a[i + 1u] - v; }
    if x > 0u { g += v - a[i - 1u]; }
    if y + 1u < p.h { g -= a[i + p.w] - v; }
    if y > 0u { g += v - a[i - p.w]; }
    put(i, p.k * g);
}
