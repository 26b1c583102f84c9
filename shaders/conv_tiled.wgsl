// Appended to conv.wgsl (its Params, bindings and weight layout): the 3x3 convolution as an
// implicit GEMM tiled for real GPUs, out[co][p] = bias[co] + sum_k W[co][k] * X[k][p] with
// k = (ci, ky, kx). A workgroup computes BM output channels x an 8 x 16 pixel tile; per chunk of
// CI input channels it stages the chunk's weights (k-major, vec4 along co) and the input patch
// with its one-pixel halo in workgroup memory, so every input value is read from memory once per
// chunk and reused by all 9 taps and all BM channels. Each invocation holds 8 channels x 8
// consecutive pixels of one row as 16 vec4 accumulators (vec4 along x).
//
// Configurations (the host sets the overrides): portable BM 64, CI 4, 128 invocations (12 KiB of
// workgroup memory, inside WebGPU's 16 KiB guarantee); big BM 128, CI 2, 256 invocations
// (10.6 KiB; twice the channels per staged input).
//
// Workgroup memory is not zero-initialised (the host turns it off): every element of a_s and
// b_s is written by the cooperative loads of a chunk before the barrier that precedes any read.
// Barriers are in uniform control flow: no invocation returns early; out-of-range loads read
// clamped addresses and are replaced by zeros, and only the stores are guarded.

override BM: u32 = 64u;          // output channels per workgroup (a multiple of 8)
override CI: u32 = 4u;           // input channels per staged chunk
override TILE_WG: u32 = 128u;    // invocations: BM / 8 channel groups x 16 pixel groups
const TH: u32 = 8u;              // tile rows
const TW: u32 = 16u;             // tile columns
const HALO_W: u32 = 18u;         // TW + 2
const HALO_H: u32 = 10u;         // TH + 2

var<workgroup> a_s: array<vec4<f32>, 9u * CI * BM / 4u>;   // [ci][tap][co / 4]
var<workgroup> b_s: array<f32, CI * HALO_H * HALO_W>;       // [ci][row][col], halo included

@compute @workgroup_size(TILE_WG)
fn conv3x3_tiled(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let x0 = wid.x * TW;
    let y0 = wid.y * TH;
    let co0 = wid.z * BM;
    let cg = lid / 16u;              // channels co0 + 8 cg .. + 8
    let pg = lid % 16u;
    let ty = pg / 2u;                // tile row
    let tx = (pg % 2u) * 8u;         // first of 8 columns
    let bm4 = BM / 4u;
    let last_w = p.cin * 9u * p.oc4 - 1u;
    var acc: array<vec4<f32>, 16>;   // [channel c][half]: pixels tx + 4 half .. + 4
    for (var k = 0u; k < 16u; k++) {
        acc[k] = vec4(0.0);
    }
    let chunks = (p.cin + CI - 1u) / CI;
    for (var chunk = 0u; chunk < chunks; chunk++) {
        let ci0 = chunk * CI;
        for (var e = lid; e < 9u * CI * bm4; e += TILE_WG) {
            let q = e % bm4;
            let tap = (e / bm4) % 9u;
            let ci = ci0 + e / (9u * bm4);
            let co4 = co0 / 4u + q;
            let v = wt[min((ci * 9u + tap) * p.oc4 + co4, last_w)];
            a_s[e] = select(vec4(0.0), v, ci < p.cin && co4 < p.oc4);
        }
        for (var e = lid; e < CI * HALO_H * HALO_W; e += TILE_WG) {
            let col = e % HALO_W;
            let row = (e / HALO_W) % HALO_H;
            let ci = ci0 + e / (HALO_W * HALO_H);
            let gx = i32(x0 + col) - 1;
            let gy = i32(y0 + row) - 1;
            let inside = ci < p.cin && gx >= 0 && gy >= 0 && gx < i32(p.w) && gy < i32(p.h);
            let cc = min(ci, p.cin - 1u);
            let v = inp[(cc * p.h + u32(clamp(gy, 0, i32(p.h) - 1))) * p.w + u32(clamp(gx, 0, i32(p.w) - 1))];
            b_s[e] = select(0.0, v, inside);
        }
        workgroupBarrier();
        for (var ci = 0u; ci < CI; ci++) {
            for (var ky = 0u; ky < 3u; ky++) {
                let base = (ci * HALO_H + ty + ky) * HALO_W + tx;
                var win: array<f32, 10>;
                for (var j = 0u; j < 10u; j++) {
                    win[j] = b_s[base + j];
                }
                for (var kx = 0u; kx < 3u; kx++) {
                    let wi = (ci * 9u + ky * 3u + kx) * bm4 + cg * 2u;
                    let wa = a_s[wi];
                    let wb = a_s[wi + 1u];
                    let lo = vec4(win[kx], win[kx + 1u], win[kx + 2u], win[kx + 3u]);
                    let hi = vec4(win[kx + 4u], win[kx + 5u], win[kx + 6u], win[kx + 7u]);
                    acc[0] = fma(vec4(wa.x), lo, acc[0]);
                    acc[1] = fma(vec4(wa.x), hi, acc[1]);
                    acc[2] = fma(vec4(wa.y), lo, acc[2]);
                    acc[3] = fma(vec4(wa.y), hi, acc[3]);
                    acc[4] = fma(vec4(wa.z), lo, acc[4]);
                    acc[5] = fma(vec4(wa.z), hi, acc[5]);
                    acc[6] = fma(vec4(wa.w), lo, acc[6]);
                    acc[7] = fma(vec4(wa.w), hi, acc[7]);
                    acc[8] = fma(vec4(wb.x), lo, acc[8]);
                    acc[9] = fma(vec4(wb.x), hi, acc[9]);
                    acc[10] = fma(vec4(wb.y), lo, acc[10]);
                    acc[11] = fma(vec4(wb.y), hi, acc[11]);
                    acc[12] = fma(vec4(wb.z), lo, acc[12]);
                    acc[13] = fma(vec4(wb.z), hi, acc[13]);
                    acc[14] = fma(vec4(wb.w), lo, acc[14]);
                    acc[15] = fma(vec4(wb.w), hi, acc[15]);
                }
            }
        }
        workgroupBarrier();
    }
    let y = y0 + ty;
    for (var c = 0u; c < 8u; c++) {
        let co = co0 + cg * 8u + c;
        if co >= p.cout || y >= p.h { continue; }
        let b = bias[co / 4u][co % 4u];
        for (var j = 0u; j < 8u; j++) {
            let x = x0 + tx + j;
            if x < p.w {
                var v = acc[c * 2u + j / 4u][j % 4u] + b;
                if p.relu != 0u { v = max(v, 0.0); }
                out[(co * p.h + y) * p.w + x] = v;
            }
        }
    }
}
