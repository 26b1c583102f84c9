// L-BFGS on the image pixels (Nocedal 1980; the two-loop recursion as in torch.optim.LBFGS and
// neural-style's optim.lbfgs), entirely on the GPU: the scalars of the recursion live in the
// `st` buffer and every kernel reads the history positions it needs from there, so one recorded
// plan serves every iteration with no readback.
//
// History: m pairs (s, y) in the big buffers hs [m, n] and hy [m, n], a ring whose next free slot
// is st[HEAD]; the j-th newest pair (j = 0 newest) is in slot (head - 1 - j) mod m and exists
// when j < st[COUNT]. Robustness: an evaluated point whose loss is not finite, or more than
// `worse` times the last accepted loss, is rejected: the image and gradient go back to the last
// accepted point and the step is retried at half the length along the same direction (the
// history is kept, so the recursion gives the same direction again: a backtracking line search);
// after CLEAR_AFTER rejections in a row the history is cleared (steepest descent).

struct Params {
    n: u32,          // elements of the image
    m: u32,          // history size
    j: u32,          // history position of this launch (j-th newest), or HEAD_SLOT
    mode: u32,       // dot_final: what to do with the sum; axpy_hist: which loop; dot_partial: op
    chunk: u32,      // dot_partial: elements per partial sum
    parts: u32,      // number of partial sums
    nloss: u32,      // check: loss slots to add up
    project: u32,    // update: 1 keeps the pixels in [lo, hi] per channel
    plane: u32,      // pixels per channel
    lr: f32,
    worse: f32,      // check: reject a loss above worse * the last accepted one
    lo: vec4<f32>,
    hi: vec4<f32>,
}

// st[] layout (f32; counters are exact integers)
const COUNT: u32 = 0u;       // pairs in the history
const HEAD: u32 = 1u;        // next slot to write
const HDIAG: u32 = 2u;       // initial Hessian scale y.s / y.y of the newest pair
const PREV_LOSS: u32 = 3u;   // loss of the last accepted point
const POINTS: u32 = 4u;      // accepted points so far
const STEP: u32 = 5u;        // step length of the last update
const ACCEPT: u32 = 6u;      // 1: the point just evaluated was accepted
const GTD: u32 = 7u;         // g . d
const YS: u32 = 8u;          // y . s of the candidate pair
const YY: u32 = 9u;          // y . y of the candidate pair
const GABS: u32 = 10u;       // sum |g|
const RESETS: u32 = 11u;     // how many times the history was cleared
const BETA: u32 = 12u;       // the second loop's current beta
const USE_DIR: u32 = 13u;    // 1: step along d; 0: along -g (d was not a descent direction)
const BACKOFF: u32 = 14u;    // step factor, halved by each rejection, 1 after an acceptance
const LOSS: u32 = 15u;       // loss of the point just evaluated
const REJECTS: u32 = 16u;    // rejections in a row
const REJECTED: u32 = 17u;   // rejections in all
const BEST_LOSS: u32 = 18u;  // lowest loss of an accepted point (the kept image's)
const FIRST_STEP: u32 = 19u; // mean |step| of a steepest-descent start, or 0 for torch's rule
const CLEAR_AFTER: f32 = 4.0;
const AL: u32 = 32u;         // alpha of each slot [m], then rho = 1 / y.s of each slot [m]

// dot_partial positions besides 0..m-1: the head slot of both history buffers (the candidate
// pair), or the plain vectors va and vb
const HEAD_SLOT: u32 = 0xffffffffu;
const PLAIN: u32 = 0xfffffffeu;
// dot_final modes
const STORE_GTD: u32 = 0u;
const STORE_GABS: u32 = 1u;
const STORE_YS: u32 = 2u;
const STORE_YY: u32 = 3u;
const ALPHA: u32 = 4u;
const BETA_MODE: u32 = 5u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> st: array<f32>;
@group(0) @binding(2) var<storage, read> losses: array<f32>;
@group(0) @binding(3) var<storage, read_write> x: array<f32>;
@group(0) @binding(4) var<storage, read_write> g: array<f32>;
@group(0) @binding(5) var<storage, read_write> xp: array<f32>;
@group(0) @binding(6) var<storage, read_write> gp: array<f32>;
@group(0) @binding(7) var<storage, read_write> hs: array<f32>;
@group(0) @binding(8) var<storage, read_write> hy: array<f32>;
@group(0) @binding(9) var<storage, read_write> d: array<f32>;
@group(0) @binding(10) var<storage, read_write> parts: array<f32>;
// dot_partial: the vectors whose dot product is taken (a may be a history slot)
@group(0) @binding(11) var<storage, read> va: array<f32>;
@group(0) @binding(12) var<storage, read> vb: array<f32>;
// axpy_hist: the history buffer added to d
@group(0) @binding(13) var<storage, read> hist: array<f32>;
// keep_best: the accepted point of lowest loss, and its loss slots
@group(0) @binding(14) var<storage, read_write> best: array<f32>;
@group(0) @binding(15) var<storage, read_write> best_losses: array<f32>;

fn rho(slot: u32) -> f32 {
    return st[AL + p.m + slot];
}

// The slot of the j-th newest pair.
fn slot_of(j: u32) -> u32 {
    let head = u32(st[HEAD]);
    return (head + p.m - 1u - (j % p.m)) % p.m;
}

fn is_finite(v: f32) -> bool {
    return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u;
}

// One invocation: add up the loss slots, accept or reject the point just evaluated.
@compute @workgroup_size(1)
fn lbfgs_check() {
    var total = 0.0;
    for (var i = 0u; i < p.nloss; i++) {
        total += losses[i];
    }
    st[LOSS] = total;
    let first = st[POINTS] == 0.0;
    var ok = is_finite(total);
    if !first && ok && total > p.worse * st[PREV_LOSS] {
        ok = false;
    }
    // The very first point has nothing to go back to; the host reports it if it is not finite.
    if ok || first {
        st[ACCEPT] = 1.0;
        st[PREV_LOSS] = total;
    } else {
        st[ACCEPT] = 0.0;
        st[REJECTS] += 1.0;
        st[REJECTED] += 1.0;
        st[BACKOFF] *= 0.5;
        if st[REJECTS] >= CLEAR_AFTER && st[COUNT] > 0.0 {
            st[COUNT] = 0.0;
            st[HDIAG] = 1.0;
            st[RESETS] += 1.0;
        }
    }
}

// Without a line search an accepted point may be worse than an earlier one (up to `worse` times
// the last), so the result is the best point, not the last: after lbfgs_check, keep_best copies
// an accepted point of lower loss than any before, and best_loss then records that loss and the
// point's loss slots.
fn improves() -> bool {
    return st[ACCEPT] != 0.0 && is_finite(st[LOSS]) && st[LOSS] < st[BEST_LOSS];
}

@compute @workgroup_size(WG)
fn keep_best(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.n || !improves() { return; }
    best[i] = x[i];
}

@compute @workgroup_size(1)
fn best_loss() {
    if !improves() { return; }
    st[BEST_LOSS] = st[LOSS];
    for (var i = 0u; i < p.nloss; i++) {
        best_losses[i] = losses[i];
    }
}

// Per element: back to the last accepted point after a rejection; otherwise write the candidate
// pair s = x - xp, y = g - gp into the head slot and make this point the last accepted one.
@compute @workgroup_size(WG)
fn lbfgs_pair(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.n { return; }
    if st[ACCEPT] == 0.0 {
        x[i] = xp[i];
        g[i] = gp[i];
        return;
    }
    if st[POINTS] > 0.0 {
        let o = u32(st[HEAD]) * p.n + i;
        hs[o] = x[i] - xp[i];
        hy[o] = g[i] - gp[i];
    }
    xp[i] = x[i];
    gp[i] = g[i];
}

// Partial sums of a . b (mode 0) or of |a| (mode 1), Kahan-compensated. a is va's history slot
// of position p.j (b is vb from 0); with HEAD_SLOT both are their buffers' head slots; with
// PLAIN both are the vectors as bound.
@compute @workgroup_size(WG)
fn dot_partial(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
    let k = flat_index(wid, nwg, lid);
    if k >= p.parts { return; }
    var off = 0u;
    var off_b = 0u;
    if p.j == HEAD_SLOT {
        off = u32(st[HEAD]) * p.n;
        off_b = off;
    } else if p.j < p.m {
        if p.j >= u32(st[COUNT]) {
            parts[k] = 0.0;
            return;
        }
        off = slot_of(p.j) * p.n;
    }
    let i0 = k * p.chunk;
    let i1 = min(i0 + p.chunk, p.n);
    var s = 0.0;
    var c = 0.0;
    for (var i = i0; i < i1; i++) {
        var v = abs(va[off + i]);
        if p.mode == 0u {
            v = va[off + i] * vb[off_b + i];
        }
        let t = s + (v - c);
        c = (t - s) - (v - c);
        s = t;
    }
    parts[k] = s;
}

// One invocation: add the partial sums and use the total as p.mode says.
@compute @workgroup_size(1)
fn dot_final() {
    var s = 0.0;
    var c = 0.0;
    for (var k = 0u; k < p.parts; k++) {
        let v = parts[k];
        let t = s + (v - c);
        c = (t - s) - (v - c);
        s = t;
    }
    switch p.mode {
        case 0u: { st[GTD] = s; }
        case 1u: { st[GABS] = s; }
        case 2u: { st[YS] = s; }
        case 3u: { st[YY] = s; }
        case 4u: {
            if p.j < u32(st[COUNT]) {
                let slot = slot_of(p.j);
                st[AL + slot] = rho(slot) * s;
            }
        }
        default: {
            if p.j < u32(st[COUNT]) { st[BETA] = rho(slot_of(p.j)) * s; }
        }
    }
}

// One invocation: keep the candidate pair when its curvature y . s is positive, count the point.
@compute @workgroup_size(1)
fn lbfgs_accept() {
    if st[ACCEPT] == 0.0 { return; }
    if st[POINTS] > 0.0 && st[YS] > 1e-10 {
        let head = u32(st[HEAD]);
        st[AL + p.m + head] = 1.0 / st[YS];
        st[HDIAG] = st[YS] / st[YY];
        st[HEAD] = f32((head + 1u) % p.m);
        st[COUNT] = min(st[COUNT] + 1.0, f32(p.m));
    }
    st[POINTS] += 1.0;
    st[BACKOFF] = 1.0;
    st[REJECTS] = 0.0;
}

// d = -g, the start of the two-loop recursion.
@compute @workgroup_size(WG)
fn lbfgs_negate(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.n { return; }
    d[i] = -g[i];
}

// The two loops' updates of d for position p.j: first loop (mode 0) d -= alpha * y; second loop
// (mode 1) d += (alpha - beta) * s. `hist` is hy or hs accordingly.
@compute @workgroup_size(WG)
fn axpy_hist(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.n || p.j >= u32(st[COUNT]) { return; }
    let slot = slot_of(p.j);
    var a = -st[AL + slot];
    if p.mode == 1u {
        a = st[AL + slot] - st[BETA];
    }
    d[i] += a * hist[slot * p.n + i];
}

// d *= y.s / y.y of the newest pair (the initial Hessian guess), when there is a history.
@compute @workgroup_size(WG)
fn lbfgs_scale(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.n || st[COUNT] == 0.0 { return; }
    d[i] *= st[HDIAG];
}

// One invocation: the step length, and a fallback to steepest descent when d is not a descent
// direction. A fresh history (first iteration, or after a reset) takes the short first step
// min(1, 1 / sum|g|) * lr of torch.optim.LBFGS.
@compute @workgroup_size(1)
fn lbfgs_decide() {
    var use_dir = 1.0;
    if !(st[GTD] < 0.0) {
        use_dir = 0.0;
        if st[COUNT] > 0.0 {
            st[COUNT] = 0.0;
            st[HDIAG] = 1.0;
            st[RESETS] += 1.0;
        }
    }
    var t = p.lr * st[BACKOFF];
    if st[COUNT] == 0.0 {
        let gabs = max(st[GABS], 1e-30);
        if st[FIRST_STEP] > 0.0 {
            t *= st[FIRST_STEP] * f32(p.n) / gabs;
        } else {
            t *= min(1.0, 1.0 / gabs);
        }
    }
    st[STEP] = t;
    st[USE_DIR] = use_dir;
}

// x += t * d (or -t * g), then optionally clamp each channel into [lo, hi].
@compute @workgroup_size(WG)
fn lbfgs_update(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.n { return; }
    let dir = select(-g[i], d[i], st[USE_DIR] != 0.0);
    var v = x[i] + st[STEP] * dir;
    if p.project != 0u {
        let c = min(i / p.plane, 3u);
        v = clamp(v, p.lo[c], p.hi[c]);
    }
    x[i] = v;
}
