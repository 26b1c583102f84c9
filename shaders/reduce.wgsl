// Sum reduction in two barrier-free passes, exact enough for millions of elements:
// reduce_partial: invocation k sums elements [k*chunk, (k+1)*chunk) with Kahan compensation;
// reduce_final: one invocation adds the k partials (Kahan again), scales, and writes one slot.
// mode 0 sums x; mode 1 sums (x - y)^2 (the numerator of a mean squared error); mode 2 sums |x|
// (an L1 norm).

struct Params {
    n: u32,
    chunk: u32,
    k: u32,          // number of partial sums
    mode: u32,
    scale: f32,
    slot: u32,       // reduce_final: index written in the output
    accumulate: u32, // reduce_final: 1 adds to the slot instead of overwriting
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
// reduce_partial writes the partial sums here; reduce_final writes its result here.
@group(0) @binding(3) var<storage, read_write> acc: array<f32>;

@compute @workgroup_size(WG)
fn reduce_partial(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                  @builtin(local_invocation_index) lid: u32) {
    let k = flat_index(wid, nwg, lid);
    if k >= p.k { return; }
    let i0 = k * p.chunk;
    let i1 = min(i0 + p.chunk, p.n);
    var s = 0.0;
    var c = 0.0;
    for (var i = i0; i < i1; i++) {
        var v = x[i];
        if p.mode == 1u {
            let d = v - y[i];
            v = d * d;
        } else if p.mode == 2u {
            v = abs(v);
        }
        let t = s + (v - c);
        c = (t - s) - (v - c);
        s = t;
    }
    acc[k] = s;
}

// Here x holds the partial sums (y is not bound).
@compute @workgroup_size(WG)
fn reduce_final(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
    if lid != 0u || wid.x != 0u { return; }
    var s = 0.0;
    var c = 0.0;
    for (var i = 0u; i < p.k; i++) {
        let v = x[i];
        let t = s + (v - c);
        c = (t - s) - (v - c);
        s = t;
    }
    var r = s * p.scale;
    if p.accumulate != 0u { r += acc[p.slot]; }
    acc[p.slot] = r;
}
