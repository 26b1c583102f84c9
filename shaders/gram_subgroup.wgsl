// Gram forward and backward on subgroups, for CPU drivers (lavapipe): the Winograd GEMM's
// pattern. A workgroup of 8 invocations owns a block of 32 x 32 (forward: 32 rows i x 32 columns
// j of G over one slice of the pixels; backward: 32 rows i x 4 pixels per invocation of dF).
// Each invocation loads 4 values of its own and 4 of the shared operand per step of the
// reduction and hands the shared 4 to the other seven with subgroupBroadcast: per step 8 loads
// and 32 broadcasts feed 128 FMAs, where gram_partial's 16 loads feed 64 (on CPU drivers every
// storage load is a masked per-lane sequence, a broadcast one shuffle).
// Rows past C and pixels past H*W are read clamped to the last one and never written, so the
// inner loops carry no masks. Needs subgroups of at least 8 (Gpu::has_subgroups_of_8).

const GRAM_SG_WG: u32 = 8u;

fn put_g4(base: u32, i: u32, j: u32, v: vec4<f32>) {
    if i >= p.c { return; }
    for (var k = 0u; k < 4u; k++) {
        if j + k < p.c { outp[base + i * p.c + j + k] = v[k]; }
    }
}

fn put_df4(i: u32, q: u32, live: bool, v: vec4<f32>) {
    if !live || i >= p.c { return; }
    for (var k = 0u; k < 4u; k++) {
        if q + k < p.np {
            let at = i * p.np + q + k;
            var r = v[k];
            if p.accumulate != 0u { r += outp[at]; }
            outp[at] = r;
        }
    }
}

// Partial Gram blocks: workgroup x enumerates the 32 x 32 blocks on and above the diagonal row
// by row, y is the pixel slice. Partials [splits, C, C] as gram_partial's (blk = 32).
@compute @workgroup_size(GRAM_SG_WG)
fn gram_partial_sg(@builtin(workgroup_id) wid: vec3<u32>, @builtin(subgroup_invocation_id) sid: u32) {
    let nb = (p.c + 31u) / 32u;
    var bi = 0u;
    var k = wid.x;
    while k >= nb - bi {
        k -= nb - bi;
        bi += 1u;
    }
    let bj = bi + k;
    let lane = sid & 7u;
    let i0 = bi * 32u + lane * 4u;   // this invocation's rows of G
    let j0 = bj * 32u + lane * 4u;   // the columns it loads for the subgroup
    let ri0 = min(i0 + 0u, p.c - 1u) * p.np; let ri1 = min(i0 + 1u, p.c - 1u) * p.np;
    let ri2 = min(i0 + 2u, p.c - 1u) * p.np; let ri3 = min(i0 + 3u, p.c - 1u) * p.np;
    let rj0 = min(j0 + 0u, p.c - 1u) * p.np; let rj1 = min(j0 + 1u, p.c - 1u) * p.np;
    let rj2 = min(j0 + 2u, p.c - 1u) * p.np; let rj3 = min(j0 + 3u, p.c - 1u) * p.np;
    var a0_0 = vec4(0.0); var a0_1 = vec4(0.0); var a0_2 = vec4(0.0); var a0_3 = vec4(0.0);
    var a0_4 = vec4(0.0); var a0_5 = vec4(0.0); var a0_6 = vec4(0.0); var a0_7 = vec4(0.0);
    var a1_0 = vec4(0.0); var a1_1 = vec4(0.0); var a1_2 = vec4(0.0); var a1_3 = vec4(0.0);
    var a1_4 = vec4(0.0); var a1_5 = vec4(0.0); var a1_6 = vec4(0.0); var a1_7 = vec4(0.0);
    var a2_0 = vec4(0.0); var a2_1 = vec4(0.0); var a2_2 = vec4(0.0); var a2_3 = vec4(0.0);
    var a2_4 = vec4(0.0); var a2_5 = vec4(0.0); var a2_6 = vec4(0.0); var a2_7 = vec4(0.0);
    var a3_0 = vec4(0.0); var a3_1 = vec4(0.0); var a3_2 = vec4(0.0); var a3_3 = vec4(0.0);
    var a3_4 = vec4(0.0); var a3_5 = vec4(0.0); var a3_6 = vec4(0.0); var a3_7 = vec4(0.0);
    let q0 = wid.y * p.chunk;
    let q1 = min(q0 + p.chunk, p.np);
    for (var q = q0; q < q1; q++) {
        let v = vec4(f[ri0 + q], f[ri1 + q], f[ri2 + q], f[ri3 + q]);
        let u = vec4(f[rj0 + q], f[rj1 + q], f[rj2 + q], f[rj3 + q]);
        let v0 = vec4(v.x); let v1 = vec4(v.y); let v2 = vec4(v.z); let v3 = vec4(v.w);
        let w0 = vec4(subgroupBroadcast(u.x, 0u), subgroupBroadcast(u.y, 0u), subgroupBroadcast(u.z, 0u),
                      subgroupBroadcast(u.w, 0u));
        let w1 = vec4(subgroupBroadcast(u.x, 1u), subgroupBroadcast(u.y, 1u), subgroupBroadcast(u.z, 1u),
                      subgroupBroadcast(u.w, 1u));
        let w2 = vec4(subgroupBroadcast(u.x, 2u), subgroupBroadcast(u.y, 2u), subgroupBroadcast(u.z, 2u),
                      subgroupBroadcast(u.w, 2u));
        let w3 = vec4(subgroupBroadcast(u.x, 3u), subgroupBroadcast(u.y, 3u), subgroupBroadcast(u.z, 3u),
                      subgroupBroadcast(u.w, 3u));
        let w4 = vec4(subgroupBroadcast(u.x, 4u), subgroupBroadcast(u.y, 4u), subgroupBroadcast(u.z, 4u),
                      subgroupBroadcast(u.w, 4u));
        let w5 = vec4(subgroupBroadcast(u.x, 5u), subgroupBroadcast(u.y, 5u), subgroupBroadcast(u.z, 5u),
                      subgroupBroadcast(u.w, 5u));
        let w6 = vec4(subgroupBroadcast(u.x, 6u), subgroupBroadcast(u.y, 6u), subgroupBroadcast(u.z, 6u),
                      subgroupBroadcast(u.w, 6u));
        let w7 = vec4(subgroupBroadcast(u.x, 7u), subgroupBroadcast(u.y, 7u), subgroupBroadcast(u.z, 7u),
                      subgroupBroadcast(u.w, 7u));
        a0_0 = fma(v0, w0, a0_0); a0_1 = fma(v0, w1, a0_1); a0_2 = fma(v0, w2, a0_2); a0_3 = fma(v0, w3, a0_3);
        a0_4 = fma(v0, w4, a0_4); a0_5 = fma(v0, w5, a0_5); a0_6 = fma(v0, w6, a0_6); a0_7 = fma(v0, w7, a0_7);
        a1_0 = fma(v1, w0, a1_0); a1_1 = fma(v1, w1, a1_1); a1_2 = fma(v1, w2, a1_2); a1_3 = fma(v1, w3, a1_3);
        a1_4 = fma(v1, w4, a1_4); a1_5 = fma(v1, w5, a1_5); a1_6 = fma(v1, w6, a1_6); a1_7 = fma(v1, w7, a1_7);
        a2_0 = fma(v2, w0, a2_0); a2_1 = fma(v2, w1, a2_1); a2_2 = fma(v2, w2, a2_2); a2_3 = fma(v2, w3, a2_3);
        a2_4 = fma(v2, w4, a2_4); a2_5 = fma(v2, w5, a2_5); a2_6 = fma(v2, w6, a2_6); a2_7 = fma(v2, w7, a2_7);
        a3_0 = fma(v3, w0, a3_0); a3_1 = fma(v3, w1, a3_1); a3_2 = fma(v3, w2, a3_2); a3_3 = fma(v3, w3, a3_3);
        a3_4 = fma(v3, w4, a3_4); a3_5 = fma(v3, w5, a3_5); a3_6 = fma(v3, w6, a3_6); a3_7 = fma(v3, w7, a3_7);
    }
    let base = wid.y * p.c * p.c;
    put_g4(base, i0 + 0u, bj * 32u + 0u, a0_0); put_g4(base, i0 + 0u, bj * 32u + 4u, a0_1);
    put_g4(base, i0 + 0u, bj * 32u + 8u, a0_2); put_g4(base, i0 + 0u, bj * 32u + 12u, a0_3);
    put_g4(base, i0 + 0u, bj * 32u + 16u, a0_4); put_g4(base, i0 + 0u, bj * 32u + 20u, a0_5);
    put_g4(base, i0 + 0u, bj * 32u + 24u, a0_6); put_g4(base, i0 + 0u, bj * 32u + 28u, a0_7);
    put_g4(base, i0 + 1u, bj * 32u + 0u, a1_0); put_g4(base, i0 + 1u, bj * 32u + 4u, a1_1);
    put_g4(base, i0 + 1u, bj * 32u + 8u, a1_2); put_g4(base, i0 + 1u, bj * 32u + 12u, a1_3);
    put_g4(base, i0 + 1u, bj * 32u + 16u, a1_4); put_g4(base, i0 + 1u, bj * 32u + 20u, a1_5);
    put_g4(base, i0 + 1u, bj * 32u + 24u, a1_6); put_g4(base, i0 + 1u, bj * 32u + 28u, a1_7);
    put_g4(base, i0 + 2u, bj * 32u + 0u, a2_0); put_g4(base, i0 + 2u, bj * 32u + 4u, a2_1);
    put_g4(base, i0 + 2u, bj * 32u + 8u, a2_2); put_g4(base, i0 + 2u, bj * 32u + 12u, a2_3);
    put_g4(base, i0 + 2u, bj * 32u + 16u, a2_4); put_g4(base, i0 + 2u, bj * 32u + 20u, a2_5);
    put_g4(base, i0 + 2u, bj * 32u + 24u, a2_6); put_g4(base, i0 + 2u, bj * 32u + 28u, a2_7);
    put_g4(base, i0 + 3u, bj * 32u + 0u, a3_0); put_g4(base, i0 + 3u, bj * 32u + 4u, a3_1);
    put_g4(base, i0 + 3u, bj * 32u + 8u, a3_2); put_g4(base, i0 + 3u, bj * 32u + 12u, a3_3);
    put_g4(base, i0 + 3u, bj * 32u + 16u, a3_4); put_g4(base, i0 + 3u, bj * 32u + 20u, a3_5);
    put_g4(base, i0 + 3u, bj * 32u + 24u, a3_6); put_g4(base, i0 + 3u, bj * 32u + 28u, a3_7);
}

// dF[i, q] (+)= sum_j D[i, j] F[j, q] with D (`dg`, from gram_symmetrize) symmetric, so the
// invocation's 4 rows of D are read as D[j, i0..i0+3]: x, y enumerate the quads of pixels (one
// per invocation), z the blocks of 32 rows.
@compute @workgroup_size(GRAM_SG_WG)
fn gram_backward_sg(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                    @builtin(local_invocation_index) lid: u32, @builtin(subgroup_invocation_id) sid: u32) {
    let quads = (p.np + 3u) / 4u;
    let idx = flat_index_of(wid, nwg, lid, GRAM_SG_WG);
    let live = idx < quads;
    let q0 = min(idx, quads - 1u) * 4u;
    let lane = sid & 7u;
    let i0 = wid.z * 32u + lane * 4u;   // the rows of D this invocation loads for the subgroup
    let ci0 = min(i0 + 0u, p.c - 1u); let ci1 = min(i0 + 1u, p.c - 1u); let ci2 = min(i0 + 2u, p.c - 1u);
    let ci3 = min(i0 + 3u, p.c - 1u);
    let qc0 = min(q0 + 0u, p.np - 1u); let qc1 = min(q0 + 1u, p.np - 1u); let qc2 = min(q0 + 2u, p.np - 1u);
    let qc3 = min(q0 + 3u, p.np - 1u);
    var b0_0 = vec4(0.0); var b0_1 = vec4(0.0); var b0_2 = vec4(0.0); var b0_3 = vec4(0.0);
    var b1_0 = vec4(0.0); var b1_1 = vec4(0.0); var b1_2 = vec4(0.0); var b1_3 = vec4(0.0);
    var b2_0 = vec4(0.0); var b2_1 = vec4(0.0); var b2_2 = vec4(0.0); var b2_3 = vec4(0.0);
    var b3_0 = vec4(0.0); var b3_1 = vec4(0.0); var b3_2 = vec4(0.0); var b3_3 = vec4(0.0);
    var b4_0 = vec4(0.0); var b4_1 = vec4(0.0); var b4_2 = vec4(0.0); var b4_3 = vec4(0.0);
    var b5_0 = vec4(0.0); var b5_1 = vec4(0.0); var b5_2 = vec4(0.0); var b5_3 = vec4(0.0);
    var b6_0 = vec4(0.0); var b6_1 = vec4(0.0); var b6_2 = vec4(0.0); var b6_3 = vec4(0.0);
    var b7_0 = vec4(0.0); var b7_1 = vec4(0.0); var b7_2 = vec4(0.0); var b7_3 = vec4(0.0);
    // two channels per trip, each accumulator assigned once: CPU drivers blend (and here spill)
    // every assignment to a loop-carried variable with the loop's lane mask (15 % faster on
    // lavapipe, AMD Zen 4; the same in gram_partial_sg measured no gain)
    let c2 = p.c / 2u * 2u;
    for (var j = 0u; j < c2; j += 2u) {
        let fr_0 = j * p.np;
        let fv_0 = vec4(f[fr_0 + qc0], f[fr_0 + qc1], f[fr_0 + qc2], f[fr_0 + qc3]);
        let dr_0 = j * p.c;
        let d_0 = vec4(dg[dr_0 + ci0], dg[dr_0 + ci1], dg[dr_0 + ci2], dg[dr_0 + ci3]);
        let fr_1 = (j + 1u) * p.np;
        let fv_1 = vec4(f[fr_1 + qc0], f[fr_1 + qc1], f[fr_1 + qc2], f[fr_1 + qc3]);
        let dr_1 = (j + 1u) * p.c;
        let d_1 = vec4(dg[dr_1 + ci0], dg[dr_1 + ci1], dg[dr_1 + ci2], dg[dr_1 + ci3]);
        b0_0 = fma(vec4(subgroupBroadcast(d_1.x, 0u)), fv_1, fma(vec4(subgroupBroadcast(d_0.x, 0u)), fv_0, b0_0));
        b0_1 = fma(vec4(subgroupBroadcast(d_1.y, 0u)), fv_1, fma(vec4(subgroupBroadcast(d_0.y, 0u)), fv_0, b0_1));
        b0_2 = fma(vec4(subgroupBroadcast(d_1.z, 0u)), fv_1, fma(vec4(subgroupBroadcast(d_0.z, 0u)), fv_0, b0_2));
        b0_3 = fma(vec4(subgroupBroadcast(d_1.w, 0u)), fv_1, fma(vec4(subgroupBroadcast(d_0.w, 0u)), fv_0, b0_3));
        b1_0 = fma(vec4(subgroupBroadcast(d_1.x, 1u)), fv_1, fma(vec4(subgroupBroadcast(d_0.x, 1u)), fv_0, b1_0));
        b1_1 = fma(vec4(subgroupBroadcast(d_1.y, 1u)), fv_1, fma(vec4(subgroupBroadcast(d_0.y, 1u)), fv_0, b1_1));
        b1_2 = fma(vec4(subgroupBroadcast(d_1.z, 1u)), fv_1, fma(vec4(subgroupBroadcast(d_0.z, 1u)), fv_0, b1_2));
        b1_3 = fma(vec4(subgroupBroadcast(d_1.w, 1u)), fv_1, fma(vec4(subgroupBroadcast(d_0.w, 1u)), fv_0, b1_3));
        b2_0 = fma(vec4(subgroupBroadcast(d_1.x, 2u)), fv_1, fma(vec4(subgroupBroadcast(d_0.x, 2u)), fv_0, b2_0));
        b2_1 = fma(vec4(subgroupBroadcast(d_1.y, 2u)), fv_1, fma(vec4(subgroupBroadcast(d_0.y, 2u)), fv_0, b2_1));
        b2_2 = fma(vec4(subgroupBroadcast(d_1.z, 2u)), fv_1, fma(vec4(subgroupBroadcast(d_0.z, 2u)), fv_0, b2_2));
        b2_3 = fma(vec4(subgroupBroadcast(d_1.w, 2u)), fv_1, fma(vec4(subgroupBroadcast(d_0.w, 2u)), fv_0, b2_3));
        b3_0 = fma(vec4(subgroupBroadcast(d_1.x, 3u)), fv_1, fma(vec4(subgroupBroadcast(d_0.x, 3u)), fv_0, b3_0));
        b3_1 = fma(vec4(subgroupBroadcast(d_1.y, 3u)), fv_1, fma(vec4(subgroupBroadcast(d_0.y, 3u)), fv_0, b3_1));
        b3_2 = fma(vec4(subgroupBroadcast(d_1.z, 3u)), fv_1, fma(vec4(subgroupBroadcast(d_0.z, 3u)), fv_0, b3_2));
        b3_3 = fma(vec4(subgroupBroadcast(d_1.w, 3u)), fv_1, fma(vec4(subgroupBroadcast(d_0.w, 3u)), fv_0, b3_3));
        b4_0 = fma(vec4(subgroupBroadcast(d_1.x, 4u)), fv_1, fma(vec4(subgroupBroadcast(d_0.x, 4u)), fv_0, b4_0));
        b4_1 = fma(vec4(subgroupBroadcast(d_1.y, 4u)), fv_1, fma(vec4(subgroupBroadcast(d_0.y, 4u)), fv_0, b4_1));
        b4_2 = fma(vec4(subgroupBroadcast(d_1.z, 4u)), fv_1, fma(vec4(subgroupBroadcast(d_0.z, 4u)), fv_0, b4_2));
        b4_3 = fma(vec4(subgroupBroadcast(d_1.w, 4u)), fv_1, fma(vec4(subgroupBroadcast(d_0.w, 4u)), fv_0, b4_3));
        b5_0 = fma(vec4(subgroupBroadcast(d_1.x, 5u)), fv_1, fma(vec4(subgroupBroadcast(d_0.x, 5u)), fv_0, b5_0));
        b5_1 = fma(vec4(subgroupBroadcast(d_1.y, 5u)), fv_1, fma(vec4(subgroupBroadcast(d_0.y, 5u)), fv_0, b5_1));
        b5_2 = fma(vec4(subgroupBroadcast(d_1.z, 5u)), fv_1, fma(vec4(subgroupBroadcast(d_0.z, 5u)), fv_0, b5_2));
        b5_3 = fma(vec4(subgroupBroadcast(d_1.w, 5u)), fv_1, fma(vec4(subgroupBroadcast(d_0.w, 5u)), fv_0, b5_3));
        b6_0 = fma(vec4(subgroupBroadcast(d_1.x, 6u)), fv_1, fma(vec4(subgroupBroadcast(d_0.x, 6u)), fv_0, b6_0));
        b6_1 = fma(vec4(subgroupBroadcast(d_1.y, 6u)), fv_1, fma(vec4(subgroupBroadcast(d_0.y, 6u)), fv_0, b6_1));
        b6_2 = fma(vec4(subgroupBroadcast(d_1.z, 6u)), fv_1, fma(vec4(subgroupBroadcast(d_0.z, 6u)), fv_0, b6_2));
        b6_3 = fma(vec4(subgroupBroadcast(d_1.w, 6u)), fv_1, fma(vec4(subgroupBroadcast(d_0.w, 6u)), fv_0, b6_3));
        b7_0 = fma(vec4(subgroupBroadcast(d_1.x, 7u)), fv_1, fma(vec4(subgroupBroadcast(d_0.x, 7u)), fv_0, b7_0));
        b7_1 = fma(vec4(subgroupBroadcast(d_1.y, 7u)), fv_1, fma(vec4(subgroupBroadcast(d_0.y, 7u)), fv_0, b7_1));
        b7_2 = fma(vec4(subgroupBroadcast(d_1.z, 7u)), fv_1, fma(vec4(subgroupBroadcast(d_0.z, 7u)), fv_0, b7_2));
        b7_3 = fma(vec4(subgroupBroadcast(d_1.w, 7u)), fv_1, fma(vec4(subgroupBroadcast(d_0.w, 7u)), fv_0, b7_3));
    }
    for (var j = c2; j < p.c; j++) {
        let fr = j * p.np;
        let fv = vec4(f[fr + qc0], f[fr + qc1], f[fr + qc2], f[fr + qc3]);
        let dr = j * p.c;
        let d = vec4(dg[dr + ci0], dg[dr + ci1], dg[dr + ci2], dg[dr + ci3]);
        b0_0 = fma(vec4(subgroupBroadcast(d.x, 0u)), fv, b0_0); b0_1 = fma(vec4(subgroupBroadcast(d.y, 0u)), fv, b0_1);
        b0_2 = fma(vec4(subgroupBroadcast(d.z, 0u)), fv, b0_2); b0_3 = fma(vec4(subgroupBroadcast(d.w, 0u)), fv, b0_3);
        b1_0 = fma(vec4(subgroupBroadcast(d.x, 1u)), fv, b1_0); b1_1 = fma(vec4(subgroupBroadcast(d.y, 1u)), fv, b1_1);
        b1_2 = fma(vec4(subgroupBroadcast(d.z, 1u)), fv, b1_2); b1_3 = fma(vec4(subgroupBroadcast(d.w, 1u)), fv, b1_3);
        b2_0 = fma(vec4(subgroupBroadcast(d.x, 2u)), fv, b2_0); b2_1 = fma(vec4(subgroupBroadcast(d.y, 2u)), fv, b2_1);
        b2_2 = fma(vec4(subgroupBroadcast(d.z, 2u)), fv, b2_2); b2_3 = fma(vec4(subgroupBroadcast(d.w, 2u)), fv, b2_3);
        b3_0 = fma(vec4(subgroupBroadcast(d.x, 3u)), fv, b3_0); b3_1 = fma(vec4(subgroupBroadcast(d.y, 3u)), fv, b3_1);
        b3_2 = fma(vec4(subgroupBroadcast(d.z, 3u)), fv, b3_2); b3_3 = fma(vec4(subgroupBroadcast(d.w, 3u)), fv, b3_3);
        b4_0 = fma(vec4(subgroupBroadcast(d.x, 4u)), fv, b4_0); b4_1 = fma(vec4(subgroupBroadcast(d.y, 4u)), fv, b4_1);
        b4_2 = fma(vec4(subgroupBroadcast(d.z, 4u)), fv, b4_2); b4_3 = fma(vec4(subgroupBroadcast(d.w, 4u)), fv, b4_3);
        b5_0 = fma(vec4(subgroupBroadcast(d.x, 5u)), fv, b5_0); b5_1 = fma(vec4(subgroupBroadcast(d.y, 5u)), fv, b5_1);
        b5_2 = fma(vec4(subgroupBroadcast(d.z, 5u)), fv, b5_2); b5_3 = fma(vec4(subgroupBroadcast(d.w, 5u)), fv, b5_3);
        b6_0 = fma(vec4(subgroupBroadcast(d.x, 6u)), fv, b6_0); b6_1 = fma(vec4(subgroupBroadcast(d.y, 6u)), fv, b6_1);
        b6_2 = fma(vec4(subgroupBroadcast(d.z, 6u)), fv, b6_2); b6_3 = fma(vec4(subgroupBroadcast(d.w, 6u)), fv, b6_3);
        b7_0 = fma(vec4(subgroupBroadcast(d.x, 7u)), fv, b7_0); b7_1 = fma(vec4(subgroupBroadcast(d.y, 7u)), fv, b7_1);
        b7_2 = fma(vec4(subgroupBroadcast(d.z, 7u)), fv, b7_2); b7_3 = fma(vec4(subgroupBroadcast(d.w, 7u)), fv, b7_3);
    }
    let ib = wid.z * 32u;
    put_df4(ib + 0u, q0, live, b0_0); put_df4(ib + 1u, q0, live, b0_1); put_df4(ib + 2u, q0, live, b0_2);
    put_df4(ib + 3u, q0, live, b0_3);
    put_df4(ib + 4u, q0, live, b1_0); put_df4(ib + 5u, q0, live, b1_1); put_df4(ib + 6u, q0, live, b1_2);
    put_df4(ib + 7u, q0, live, b1_3);
    put_df4(ib + 8u, q0, live, b2_0); put_df4(ib + 9u, q0, live, b2_1); put_df4(ib + 10u, q0, live, b2_2);
    put_df4(ib + 11u, q0, live, b2_3);
    put_df4(ib + 12u, q0, live, b3_0); put_df4(ib + 13u, q0, live, b3_1); put_df4(ib + 14u, q0, live, b3_2);
    put_df4(ib + 15u, q0, live, b3_3);
    put_df4(ib + 16u, q0, live, b4_0); put_df4(ib + 17u, q0, live, b4_1); put_df4(ib + 18u, q0, live, b4_2);
    put_df4(ib + 19u, q0, live, b4_3);
    put_df4(ib + 20u, q0, live, b5_0); put_df4(ib + 21u, q0, live, b5_1); put_df4(ib + 22u, q0, live, b5_2);
    put_df4(ib + 23u, q0, live, b5_3);
    put_df4(ib + 24u, q0, live, b6_0); put_df4(ib + 25u, q0, live, b6_1); put_df4(ib + 26u, q0, live, b6_2);
    put_df4(ib + 27u, q0, live, b6_3);
    put_df4(ib + 28u, q0, live, b7_0); put_df4(ib + 29u, q0, live, b7_1); put_df4(ib + 30u, q0, live, b7_2);
    put_df4(ib + 31u, q0, live, b7_3);
}
