// Per-frame video kernels on planar [3, H, W] network-space images and a [H, W] mask.

struct Params {
    n: u32,        // pixels per plane
    blend: f32,    // blend_init: weight of the warped previous result in the initialisation
    k: f32,        // temporal: 2 * weight / (3 * n)
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> content: array<f32>;
@group(0) @binding(2) var<storage, read_write> x: array<f32>;
@group(0) @binding(3) var<storage, read> warped: array<f32>;
@group(0) @binding(4) var<storage, read> mask: array<f32>;
@group(0) @binding(5) var<storage, read_write> terms: array<f32>;
@group(0) @binding(6) var<storage, read> image: array<f32>;
@group(0) @binding(7) var<storage, read_write> grad: array<f32>;
@group(0) @binding(8) var<storage, read_write> weights: array<f32>;
@group(0) @binding(9) var<storage, read_write> covered: array<f32>;

// x = content + mask * blend * (warped - content): the warped previous stylised frame where the
// flow is reliable, the new content frame where it is occluded.
@compute @workgroup_size(WG)
fn blend_init(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= 3u * p.n { return; }
    let c = content[i];
    x[i] = c + mask[i % p.n] * p.blend * (warped[i] - c);
}

// Temporal loss (Ruder et al. 2016): weight * mean(mask * (image - warped)^2). Adds its gradient
// to `grad` and writes the per-element terms for the reduction that makes the value.
@compute @workgroup_size(WG)
fn temporal(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= 3u * p.n { return; }
    let m = mask[i % p.n];
    let d = image[i] - warped[i];
    grad[i] += p.k * m * d;
    terms[i] = m * d * d;
}

// Long-term consistency weights combined closest first (Ruder et al. 2016): a farther frame's
// weight keeps only what the closer frames do not already cover, c_j = max(c_j - sum_{k<j} c_k, 0),
// where `covered` holds the sum of the closer frames' (combined) weights and gains this one's.
@compute @workgroup_size(WG)
fn closest_first(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.n { return; }
    let c = max(weights[i] - covered[i], 0.0);
    weights[i] = c;
    covered[i] += c;
}
