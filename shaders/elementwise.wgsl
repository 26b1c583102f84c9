// Elementwise kernels over flat f32 arrays: ReLU backward, the accumulation y = a*x + b*y, and
// its form scaled by 1 / (an L1 norm computed on the GPU), for --normalize-gradients.

struct Params {
    n: u32,
    a: f32,
    b: f32,
    slot: u32,    // *_by_norm: the norm's index in `norms`
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read> norms: array<f32>;

// a / (norms[slot] + 1e-8): neural-style's gradient normalisation factor.
fn by_norm() -> f32 {
    return p.a / (norms[p.slot] + 1e-8);
}

// ReLU backward, in place on the gradient y: y = y where the ReLU output x > 0, else 0.
@compute @workgroup_size(WG)
fn relu_backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.n { return; }
    y[i] = select(0.0, y[i], x[i] > 0.0);
}

// y = a * x + b * y  (b = 0 overwrites y, so stale or NaN contents never leak through).
@compute @workgroup_size(WG)
fn axpby(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
         @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.n { return; }
    var r = p.a * x[i];
    if p.b != 0.0 { r += p.b * y[i]; }
    y[i] = r;
}

// y *= a / (norms[slot] + 1e-8), in place.
@compute @workgroup_size(WG)
fn scale_by_norm(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.n { return; }
    y[i] *= by_norm();
}

// y = a / (norms[slot] + 1e-8) * x + b * y  (b = 0 overwrites y).
@compute @workgroup_size(WG)
fn axpby_by_norm(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.n { return; }
    var r = by_norm() * x[i];
    if p.b != 0.0 { r += p.b * y[i]; }
    y[i] = r;
}
