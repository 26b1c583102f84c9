// Image conversion between packed RGBA8 pixels (one u32 per pixel, R in the low byte) and the
// network's planar [3, H, W] f32 input: RGB in 0..255 minus the ImageNet mean, and back with
// rounding and clamping.

struct Params {
    n: u32,       // pixels
    mean: vec4<f32>,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> rgba: array<u32>;
@group(0) @binding(2) var<storage, read_write> planar: array<f32>;

@compute @workgroup_size(WG)
fn preprocess(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.n { return; }
    let v = rgba[i];
    planar[i] = f32(v & 255u) - p.mean.x;
    planar[p.n + i] = f32((v >> 8u) & 255u) - p.mean.y;
    planar[2u * p.n + i] = f32((v >> 16u) & 255u) - p.mean.z;
}

@compute @workgroup_size(WG)
fn postprocess(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.n { return; }
    let r = planar[i] + p.mean.x;
    let g = planar[p.n + i] + p.mean.y;
    let b = planar[2u * p.n + i] + p.mean.z;
    let c = clamp(round(vec4(r, g, b, 255.0)), vec4(0.0), vec4(255.0));
    rgba[i] = u32(c.x) | (u32(c.y) << 8u) | (u32(c.z) << 16u) | (u32(c.w) << 24u);
}
