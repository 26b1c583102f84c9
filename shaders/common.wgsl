// Prelude shared by every shader (src/gpu/shaders.rs prepends it to each module).

// Threads per workgroup of every 1-D kernel; the host's twin is `gpu::WG` (tests/seam.rs checks
// that every kernel declares the workgroup size its entry point has).
const WG: u32 = 64u;

// The flat index of a 1-D launch whose workgroup count is folded into y past 65535 groups
// (gpu::groups_for), for workgroups of `size` threads.
fn flat_index_of(wid: vec3<u32>, nwg: vec3<u32>, lid: u32, size: u32) -> u32 {
    return (wid.y * nwg.x + wid.x) * size + lid;
}

// The flat index of a 1-D launch with workgroups of WG threads.
fn flat_index(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 {
    return flat_index_of(wid, nwg, lid, WG);
}

