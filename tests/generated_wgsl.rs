//! The generator of the unrolled register blocks in `conv3x3_ubo` (shaders/conv.wgsl) and
//! `conv3x3_ubo_sg` (shaders/conv_subgroup.wgsl), and the check that the WGSL between each
//! BEGIN/END marker is exactly what it prints. After changing the block shape, run
//! `PAINTFLOW_BLESS=1 cargo test --release --test generated_wgsl` to rewrite the blocks.
//!
//! Why generated: CPU Vulkan drivers (llvmpipe) keep shader arrays indexed in loops in memory, so
//! the register block (PX pixels x OV vec4 of output channels) is written out as named variables.
//! The subgroup variant loads the 96 weights of one (input channel, kernel row) as 12 lane-varying
//! loads of 8 consecutive floats (lane l reads float 8g + l) and hands each weight to every lane
//! with subgroupBroadcast: llvmpipe compiles a uniform-buffer load whose index comes from a loop
//! counter as an 8-lane gather, so this does 12 gathers where the plain variant does 96.
use std::path::Path;

/// Pixels per invocation (one row) and vec4s of output channels per pixel: 4 x 32 channels,
/// the 32-channel weight blocks of `UBO_BLOCK` in src/ops/conv.rs.
const PX: usize = 4;
const OV: usize = 8;
/// The line width of the project (rustfmt.toml's max_width).
const WIDTH: usize = 120;

/// Pack statements onto lines of at most WIDTH columns after `indent`.
fn packed(indent: &str, stmts: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for s in stmts {
        if !line.is_empty() && indent.len() + line.len() + 1 + s.len() > WIDTH {
            lines.push(format!("{indent}{line}"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line += &s;
    }
    if !line.is_empty() {
        lines.push(format!("{indent}{line}"));
    }
    lines
}

/// The weights of kernel tap kx for ov vec4s of output channels, `w{kx}_{o}`, each float handed
/// to every lane by subgroupBroadcast from the row's lane-varying loads g0, g1, .. (8 floats each).
fn tap_weights(indent: &str, kx: usize, ov: usize) -> Vec<String> {
    let mut out = Vec::new();
    for o in 0..ov {
        let comp = |c: usize| {
            let f = (kx * ov + o) * 4 + c;
            format!("subgroupBroadcast(g{}, {}u)", f / 8, f % 8)
        };
        out.push(format!("{indent}let w{kx}_{o} = vec4({}, {},", comp(0), comp(1)));
        out.push(format!("{indent}                 {}, {});", comp(2), comp(3)));
    }
    out
}

fn conv_ubo_body(subgroup: bool) -> Vec<String> {
    let i1 = "    ";
    let i3 = "            ";
    let mut out = Vec::new();
    for px in 0..PX {
        out.extend(packed(i1, (0..OV).map(|o| format!("var a{px}_{o} = vec4(0.0);"))));
    }
    out.extend(
        [
            "    for (var icl = 0u; icl < p.icn; icl++) {",
            "        let ic = p.ic0 + icl;",
            "        for (var ky = 0u; ky < 3u; ky++) {",
            "            // Rows outside the image read a clamped row that load_row zeroes: a `continue` here",
            "            // would make the loop divergent, and llvmpipe then masks every load lane by lane.",
            "            let yy = i32(y + ky) - 1;",
            "            let row_ok = yy >= 0 && yy < i32(p.h);",
            "            let row = ic * plane + u32(clamp(yy, 0, i32(p.h) - 1)) * p.w;",
        ]
        .map(String::from),
    );
    for k in 0..PX + 2 {
        out.push(format!("{i3}let v{k} = vec4(load_row(row, row_ok, x0 + {k}));"));
    }
    if subgroup {
        let per_row = 3 * OV * 4;
        out.push(format!(
            "{i3}// float (icl * 9 + ky * 3) * {} + 8g + lane of the block is vec4 wq + 2g, component wr",
            OV * 4
        ));
        out.push(format!("{i3}let wf = (icl * 9u + ky * 3u) * {}u + lane;", OV * 4));
        out.push(format!("{i3}let wq = wf / 4u;"));
        out.push(format!("{i3}let wr = wf % 4u;"));
        out.extend(packed(i3, (0..per_row / 8).map(|g| format!("let g{g} = wu[wq + {}u][wr];", 2 * g))));
    }
    for kx in 0..3 {
        if subgroup {
            out.extend(tap_weights(i3, kx, OV));
        } else {
            out.push(format!("{i3}let wi{kx} = (icl * 9u + ky * 3u + {kx}u) * {OV}u;"));
            out.extend(packed(i3, (0..OV).map(|o| format!("let w{kx}_{o} = wu[wi{kx} + {o}u];"))));
        }
        for px in 0..PX {
            out.extend(packed(i3, (0..OV).map(|o| format!("a{px}_{o} = fma(v{}, w{kx}_{o}, a{px}_{o});", px + kx))));
        }
    }
    out.push("        }".into());
    out.push("    }".into());
    let indent = if subgroup { "        " } else { "    " };
    if subgroup {
        out.push("    if live {".into());
    }
    for px in 0..PX {
        out.extend(packed(
            indent,
            (0..OV).map(|o| format!("store_ubo(xb * {PX}u + {px}u, y, {}u, a{px}_{o});", o * 4)),
        ));
    }
    if subgroup {
        out.push("    }".into());
    }
    out
}

/// The body of `wino_gemm` (shaders/winograd.wgsl): 4 tiles x 8 vec4 of output channels per
/// invocation; per input channel one vec4 load of V (the 4 tiles) and one of U per lane (lane l
/// holds output channels 4l .. 4l + 3 of the block), each weight handed to every lane by
/// subgroupBroadcast; two input channels per loop trip (an odd last one on its own).
fn wino_gemm_body() -> Vec<String> {
    let (i1, i2) = ("    ", "        ");
    let mut out = Vec::new();
    for t in 0..PX {
        out.extend(packed(i1, (0..OV).map(|o| format!("var a{t}_{o} = vec4(0.0);"))));
    }
    // `u` input channels' multiply-adds from channel ci on, in a block of their own: each
    // accumulator is assigned once per block, a chain of u multiply-adds. CPU drivers blend
    // every assignment to a loop-carried variable with the loop's lane mask (and here spill it
    // around the blend); two channels per assignment measured 5-7 % faster than one on the
    // Winograd GEMM (lavapipe, AMD Zen 4), four 30-50 % slower (twice the code and live values).
    let channels = |out: &mut Vec<String>, ci: &str, u: usize| {
        let i3 = "            ";
        out.push(format!("{i2}{{"));
        for k in 0..u {
            out.push(format!("{i3}let vq{k} = v4[vbase + ({ci} + {k}u) * (p.tp / 4u)];"));
            out.extend(packed(
                i3,
                ["x", "y", "z", "w"].iter().enumerate().map(|(t, c)| format!("let v{t}_{k} = vec4(vq{k}.{c});")),
            ));
            out.push(format!("{i3}let wq{k} = u4[ubase + ({ci} + {k}u) * {}u + lane];", OV));
            for o in 0..OV {
                let comp = |c: &str| format!("subgroupBroadcast(wq{k}.{c}, {o}u)");
                out.push(format!("{i3}let w{o}_{k} = vec4({}, {},", comp("x"), comp("y")));
                out.push(format!("{i3}                {}, {});", comp("z"), comp("w")));
            }
        }
        for t in 0..PX {
            for o in 0..OV {
                let chain = (0..u).fold(format!("a{t}_{o}"), |acc, k| format!("fma(v{t}_{k}, w{o}_{k}, {acc})"));
                out.push(format!("{i3}a{t}_{o} = {chain};"));
            }
        }
        out.push(format!("{i2}}}"));
    };
    out.push("    let cin2 = p.cin / 2u * 2u;".into());
    out.push("    for (var ci = 0u; ci < cin2; ci += 2u) {".into());
    channels(&mut out, "ci", 2);
    out.push("    }".into());
    out.push("    for (var ci = cin2; ci < p.cin; ci++) {".into());
    channels(&mut out, "ci", 1);
    out.push("    }".into());
    out.push("    if live {".into());
    for t in 0..PX {
        out.extend(packed(i2, (0..OV).map(|o| format!("put_m(mbase + {t}u, co0 + {}u, a{t}_{o});", o * 4))));
    }
    out.push("    }".into());
    out
}

/// "a * x" with a constant coefficient, written as WGSL terms of a sum: "+ x", "- x", "+ 4.0 * x".
fn term(coef: f64, x: &str) -> Option<String> {
    if coef == 0.0 {
        return None;
    }
    let sign = if coef < 0.0 { "-" } else { "+" };
    let a = coef.abs();
    Some(if a == 1.0 { format!("{sign} {x}") } else { format!("{sign} {a:?} * {x}") })
}

/// A sum of terms as a WGSL expression ("0.0" when empty).
fn sum(terms: Vec<String>) -> String {
    if terms.is_empty() {
        return "0.0".into();
    }
    let s = terms.join(" ");
    match s.strip_prefix("+ ") {
        Some(rest) => rest.to_string(),
        None => format!("-{}", &s[2..]),
    }
}

const WINO_BT2: [f64; 16] = [1., 0., -1., 0., 0., 1., 1., 0., 0., -1., 1., 0., 0., 1., 0., -1.];
const WINO_AT2: [f64; 8] = [1., 1., 1., 0., 0., 1., -1., -1.];
#[rustfmt::skip]
const WINO_BT4: [f64; 36] = [
    4., 0., -5., 0., 1., 0., 0., -4., -4., 1., 1., 0., 0., 4., -4., -1., 1., 0.,
    0., -2., -1., 2., 1., 0., 0., 2., -1., -2., 1., 0., 0., 4., 0., -5., 0., 1.,
];
#[rustfmt::skip]
const WINO_AT4: [f64; 24] = [
    1., 1., 1., 1., 1., 0., 0., 1., -1., 2., -2., 0., 0., 1., 1., 4., 4., 0., 0., 1., -1., 8., -8., 1.,
];

/// The Winograd transform entry points, straight-line for each tile size (llvmpipe keeps local
/// arrays in memory, so loops over a transform matrix cost a memory access per term).
fn wino_transforms() -> Vec<String> {
    let mut out = Vec::new();
    for m in [2usize, 4] {
        let a = m + 2;
        let (bt, at): (&[f64], &[f64]) = if m == 2 { (&WINO_BT2, &WINO_AT2) } else { (&WINO_BT4, &WINO_AT4) };
        let i1 = "    ";
        out.push(String::new());
        out.push(format!(
            "// One invocation per (input channel, tile): V[xi][ci][t] = (B^T d B)[xi], F({m}x{m}, 3x3)."
        ));
        out.push("@compute @workgroup_size(WG)".into());
        out.push(format!(
            "fn wino_input_f{m}(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,"
        ));
        out.push("                 @builtin(local_invocation_index) lid: u32) {".into());
        out.push(format!("{i1}let i = flat_index(wid, nwg, lid);"));
        out.push(format!("{i1}if i >= p.cin * p.tp {{ return; }}"));
        out.push(format!("{i1}let t = i % p.tp;"));
        out.push(format!("{i1}let ci = i / p.tp;"));
        out.push(format!("{i1}let real = t < p.tn;"));
        out.push(format!("{i1}let g = p.t0 + t;"));
        out.push(format!("{i1}let yb = i32((g / p.tx) * {m}u) - 1 - i32(p.grow);"));
        out.push(format!("{i1}let xb = i32((g % p.tx) * {m}u) - 1 - i32(p.grow);"));
        out.push(format!("{i1}let plane = ci * p.h;"));
        for r in 0..a {
            out.push(format!("{i1}let y{r} = yb + {r};"));
            out.push(format!("{i1}let row{r} = (plane + source(y{r}, p.h)) * p.w;"));
            out.push(format!("{i1}let ok{r} = real && (p.border != 0u || (y{r} >= 0 && y{r} < i32(p.h)));"));
        }
        for c in 0..a {
            out.push(format!("{i1}let x{c} = xb + {c};"));
            out.push(format!("{i1}let col{c} = source(x{c}, p.w);"));
            out.push(format!("{i1}let in{c} = p.border != 0u || (x{c} >= 0 && x{c} < i32(p.w));"));
        }
        for r in 0..a {
            out.extend(packed(
                i1,
                (0..a).map(|c| format!("var d{r}_{c} = select(0.0, src[row{r} + col{c}], ok{r} && in{c});")),
            ));
        }
        out.push(format!("{i1}if p.masked != 0u {{"));
        for r in 0..a {
            out.extend(packed(
                "        ",
                (0..a).map(|c| format!("d{r}_{c} = select(0.0, d{r}_{c}, act[row{r} + col{c}] > 0.0);")),
            ));
        }
        out.push(format!("{i1}}}"));
        for r in 0..a {
            for c in 0..a {
                let e = sum((0..a).filter_map(|k| term(bt[r * a + k], &format!("d{k}_{c}"))).collect());
                out.push(format!("{i1}let e{r}_{c} = {e};"));
            }
        }
        out.push(format!("{i1}let vs = p.cin * p.tp;"));
        out.push(format!("{i1}let v0 = ci * p.tp + t;"));
        for r in 0..a {
            for c in 0..a {
                let v = sum((0..a).filter_map(|k| term(bt[c * a + k], &format!("e{r}_{k}"))).collect());
                out.push(format!("{i1}dst[v0 + {}u * vs] = {v};", r * a + c));
            }
        }
        out.push("}".into());
        out.extend(wino_input_quads(m, bt));
        out.push(String::new());
        out.push(format!(
            "// One invocation per (output channel, tile): the {m}x{m} outputs A^T M A + bias, then ReLU."
        ));
        out.push("@compute @workgroup_size(WG)".into());
        out.push(format!(
            "fn wino_output_f{m}(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,"
        ));
        out.push("                  @builtin(local_invocation_index) lid: u32) {".into());
        out.push(format!("{i1}let i = flat_index(wid, nwg, lid);"));
        out.push(format!("{i1}if i >= p.cout * p.tn {{ return; }}"));
        out.push(format!("{i1}let t = i % p.tn;"));
        out.push(format!("{i1}let co = i / p.tn;"));
        out.push(format!("{i1}let ms = p.cout * p.tp;"));
        out.push(format!("{i1}let m0 = co * p.tp + t;"));
        for r in 0..a {
            out.extend(packed(i1, (0..a).map(|c| format!("let m{r}_{c} = mt[m0 + {}u * ms];", r * a + c))));
        }
        for r in 0..m {
            for c in 0..a {
                let e = sum((0..a).filter_map(|k| term(at[r * a + k], &format!("m{k}_{c}"))).collect());
                out.push(format!("{i1}let e{r}_{c} = {e};"));
            }
        }
        out.push(format!("{i1}let b = bias[co / 4u][co % 4u];"));
        out.push(format!("{i1}let g = p.t0 + t;"));
        out.push(format!("{i1}let y0 = (g / p.tx) * {m}u;"));
        out.push(format!("{i1}let x0 = (g % p.tx) * {m}u;"));
        for r in 0..m {
            for c in 0..m {
                let y = sum((0..a).filter_map(|k| term(at[c * a + k], &format!("e{r}_{k}"))).collect());
                out.push(format!("{i1}put_y(co, y0 + {r}u, x0 + {c}u, b + {y});"));
            }
        }
        out.push("}".into());
    }
    out
}

/// `wino_input4_f{m}`: the input transform of 4 consecutive tiles of one tile row per invocation,
/// for inputs whose rows are a multiple of 4 wide (the host pads the tiles across to a multiple
/// of 4 so no quad straddles two rows). Each of the m + 2 rows of the quad's window is read as
/// m + 2 vec4 loads (at the nearest position inside the row; columns outside the image are then
/// replaced as `source` would read them) and each transform position of the 4 tiles is stored
/// as one vec4: CPU drivers emit a per-lane sequence for every storage access whatever its
/// width, so this is 4-5x fewer of them than one tile per invocation. Padding tiles (t >= tn, and
/// those past the image) get the transform of whatever the clamped reads gave: each tile's M is
/// its own, and theirs is never written out.
fn wino_input_quads(m: usize, bt: &[f64]) -> Vec<String> {
    let (a, i1, i2) = (m + 2, "    ", "        ");
    // the window: vec4 e holds columns xq - 4 + 4e .. xq - 1 + 4e; the tiles need the 4m + 2
    // columns from xq - 1 - grow
    let (nv, need) = (m + 2, 4 * m + 2);
    let xyzw = ["x", "y", "z", "w"];
    let win = |pre: &str, r: usize, k: usize| format!("{pre}{r}_{}.{}", k / 4, xyzw[k % 4]);
    let mut out = vec![
        String::new(),
        format!("// One invocation per (input channel, 4 tiles of a row): V as wino_input_f{m}, a vec4 per position."),
        "@compute @workgroup_size(WG)".into(),
        format!("fn wino_input4_f{m}(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,"),
        "                   @builtin(local_invocation_index) lid: u32) {".into(),
        format!("{i1}let i = flat_index(wid, nwg, lid);"),
        format!("{i1}let quads = p.tp / 4u;"),
        format!("{i1}if i >= p.cin * quads {{ return; }}"),
        format!("{i1}let q = i % quads;"),
        format!("{i1}let ci = i / quads;"),
        format!("{i1}let g = p.t0 + q * 4u;"),
        format!("{i1}let yb = i32((g / p.tx) * {m}u) - 1 - i32(p.grow);"),
        format!("{i1}let xq = i32((g % p.tx) * {m}u);"),
        format!("{i1}let plane = ci * p.h;"),
        format!("{i1}let w4 = i32(p.w / 4u);"),
        format!("{i1}let zero = p.border == 0u;"),
        format!("{i1}let refl = p.border == 2u;"),
        format!("{i1}let grown = p.grow != 0u;"),
    ];
    for e in 0..nv {
        out.push(format!("{i1}let c{e} = u32(clamp(xq / 4 - 1 + {e}, 0, w4 - 1));"));
    }
    for r in 0..a {
        out.push(format!("{i1}let y{r} = yb + {r};"));
        out.push(format!("{i1}let row{r} = (plane + source(y{r}, p.h)) * p.w / 4u;"));
        out.push(format!("{i1}let ok{r} = p.border != 0u || (y{r} >= 0 && y{r} < i32(p.h));"));
    }
    for k in 0..need {
        out.push(format!("{i1}let x{k} = xq - 1 - i32(p.grow) + {k};"));
        out.push(format!("{i1}let out{k} = x{k} < 0 || x{k} >= i32(p.w);"));
    }
    // one row of the window (src or act) as the needed columns n{k}, borders applied
    let row_values = |out: &mut Vec<String>, indent: &str, pre: &str, buf: &str, r: usize, dst: &str| {
        out.extend(packed(indent, (0..nv).map(|e| format!("let {pre}{r}_{e} = {buf}[row{r} + c{e}];"))));
        for k in 0..need {
            // column k of the tiles is window column k + 3 - grow
            let u = |k: usize| format!("select({}, {}, grown)", win(pre, r, k + 3), win(pre, r, k + 2));
            out.push(format!("{indent}let {pre}u{r}_{k} = {};", u(k)));
        }
        for k in 0..need {
            let left = if k + 2 < need {
                format!("select({pre}u{r}_{}, {pre}u{r}_{}, refl)", k + 1, k + 2)
            } else {
                "0.0".into()
            };
            let right =
                if k >= 2 { format!("select({pre}u{r}_{}, {pre}u{r}_{}, refl)", k - 1, k - 2) } else { "0.0".into() };
            out.push(format!("{indent}let {pre}f{r}_{k} = select(select({right}, {left}, x{k} < 0), 0.0, zero);"));
            out.push(format!("{indent}{dst}{r}_{k} = select({pre}u{r}_{k}, {pre}f{r}_{k}, out{k});"));
        }
    };
    for r in 0..a {
        out.extend(packed(i1, (0..need).map(|k| format!("var n{r}_{k} = 0.0;"))));
        row_values(&mut out, i1, "s", "src4", r, "n");
        out.extend(packed(i1, (0..need).map(|k| format!("n{r}_{k} = select(0.0, n{r}_{k}, ok{r});"))));
    }
    out.push(format!("{i1}if p.masked != 0u {{"));
    for r in 0..a {
        out.extend(packed(i2, (0..need).map(|k| format!("var b{r}_{k} = 0.0;"))));
        row_values(&mut out, i2, "a", "act4", r, "b");
        out.extend(packed(i2, (0..need).map(|k| format!("n{r}_{k} = select(0.0, n{r}_{k}, b{r}_{k} > 0.0);"))));
    }
    out.push(format!("{i1}}}"));
    out.push(format!("{i1}let vs = p.cin * p.tp / 4u;"));
    out.push(format!("{i1}let v0 = (ci * p.tp) / 4u + q;"));
    // tile j reads columns m j .. m j + m + 1
    for j in 0..4 {
        for r in 0..a {
            for c in 0..a {
                let e = sum((0..a).filter_map(|k| term(bt[r * a + k], &format!("n{k}_{}", m * j + c))).collect());
                out.push(format!("{i1}let e{j}_{r}_{c} = {e};"));
            }
        }
        for r in 0..a {
            for c in 0..a {
                let v = sum((0..a).filter_map(|k| term(bt[c * a + k], &format!("e{j}_{r}_{k}"))).collect());
                out.push(format!("{i1}let v{j}_{} = {v};", r * a + c));
            }
        }
    }
    for xi in 0..a * a {
        out.push(format!("{i1}dst4[v0 + {xi}u * vs] = vec4(v0_{xi}, v1_{xi}, v2_{xi}, v3_{xi});"));
    }
    out.push("}".into());
    out
}

/// The style network's k x k convolutions of stride s for CPU drivers (shaders/stylenet.wgsl):
/// 4 output pixels x ov vec4 of output channels per invocation, the weights of each (input
/// channel, kernel row) gathered 8 floats per lane-varying load and broadcast (as in
/// conv3x3_ubo_sg). One entry point per (k, s, ov) the network uses.
pub const STYLENET_CONVS: [(usize, usize, usize, usize); 10] = [
    (9, 1, 8, 4),
    (3, 2, 8, 4),
    (3, 1, 8, 4),
    (3, 1, 2, 4),
    (3, 1, 1, 4),
    (9, 1, 1, 4),
    (9, 1, 4, 4),
    (3, 1, 2, 8),
    (3, 1, 1, 8),
    (9, 1, 1, 8),
];

/// The shapes also generated as `..v` entry points, which read a reflect-padded copy of the
/// input (rows a multiple of 4 wide) as vec4s: a quarter of the per-lane load sequences, for a
/// layer whose input is not a fused norm (the network's first).
pub const STYLENET_CONVS_PADDED: [(usize, usize, usize, usize); 2] = [(9, 1, 8, 4), (9, 1, 4, 4)];

fn stylenet_convs() -> Vec<String> {
    let (i1, i2, i3) = ("    ", "        ", "            ");
    let mut out = Vec::new();
    let plain = STYLENET_CONVS.iter().map(|&s| (s, false));
    for ((k, st, ov, np), padded) in plain.chain(STYLENET_CONVS_PADDED.iter().map(|&s| (s, true))) {
        let suffix = if np == 4 { String::new() } else { format!("p{np}") };
        let suffix = if padded { format!("{suffix}v") } else { suffix };
        let row = k * ov * 4; // floats of one (ci, ky) row of weights
        let rowp = row.div_ceil(8) * 8;
        let nin = (np - 1) * st + k; // input columns np pixels read
        out.push(String::new());
        out.push(format!(
            "// {k}x{k} convolution, stride {st}, up to {} output channels, {np} pixels per invocation{}.",
            ov * 4,
            if padded { ", from a padded copy read as vec4s" } else { "" }
        ));
        out.extend(stylenet_entry(&format!("conv_k{k}s{st}o{ov}{suffix}"), np));
        out.push(format!("{i1}let x0 = g.x * {}u;", np * st));
        out.push(format!("{i1}let lane = sid & 7u;"));
        out.push(format!("{i1}// channel group z: output channels from {}z, weights from group z's rows", ov * 4));
        out.push(format!("{i1}let wz = g.z * p.c * {}u;", k * rowp));
        out.push(format!("{i1}let k0 = g.z * {}u;", ov * 4));
        for px in 0..np {
            out.extend(packed(i1, (0..ov).map(|o| format!("var a{px}_{o} = vec4(0.0);"))));
        }
        out.push(format!("{i1}for (var ci = 0u; ci < p.c; ci++) {{"));
        if !padded {
            out.push(format!("{i2}let sc = stats[2u * ci];"));
            out.push(format!("{i2}let sh = stats[2u * ci + 1u];"));
        }
        out.push(format!("{i2}for (var ky = 0u; ky < {k}u; ky++) {{"));
        if padded {
            // x0 is a multiple of 4, and so is the padded row
            out.push(format!("{i3}let r4 = ((ci * p.h + y * {st}u + ky) * p.w + x0) / 4u;"));
            out.extend(packed(i3, (0..nin.div_ceil(4)).map(|q| format!("let q{q} = src4_padded[r4 + {q}u];"))));
            out.extend(packed(i3, (0..nin).map(|j| format!("let v{j} = vec4(q{}[{}]);", j / 4, j % 4))));
        } else {
            out.push(format!("{i3}let row = (ci * p.h + src_row(y * {st}u + ky)) * p.w;"));
            out.extend(packed(
                i3,
                (0..nin).map(|j| format!("let v{j} = vec4(pre(src[row + src_col(x0 + {j}u)], sc, sh));")),
            ));
        }
        out.push(format!("{i3}let wf = wz + (ci * {k}u + ky) * {rowp}u + lane;"));
        out.extend(packed(
            i3,
            (0..rowp / 8).map(|q| format!("let g{q} = wk[(wf + {}u) / 4u][(wf + {}u) % 4u];", 8 * q, 8 * q)),
        ));
        // three taps per assignment: CPU drivers blend (and spill) every assignment to a
        // loop-carried variable with the loop's lane mask, so each accumulator takes a chain of
        // three multiply-adds at a time (the sum in the same order)
        for taps in (0..k).collect::<Vec<_>>().chunks(3) {
            for &kx in taps {
                out.extend(tap_weights(i3, kx, ov));
            }
            for px in 0..np {
                for o in 0..ov {
                    let chain = taps
                        .iter()
                        .fold(format!("a{px}_{o}"), |acc, &kx| format!("fma(v{}, w{kx}_{o}, {acc})", px * st + kx));
                    out.push(format!("{i3}a{px}_{o} = {chain};"));
                }
            }
        }
        out.push(format!("{i2}}}"));
        out.push(format!("{i1}}}"));
        out.extend(stylenet_stores(np, ov));
    }
    out
}

/// The start of a style-network convolution `name` of np pixels per invocation: its signature,
/// whether the invocation stores (`live`) and its output row `y`.
fn stylenet_entry(name: &str, np: usize) -> Vec<String> {
    vec![
        "@compute @workgroup_size(CONV_SG_WG)".into(),
        format!("fn {name}(@builtin(global_invocation_id) g: vec3<u32>,"),
        format!("{}@builtin(subgroup_invocation_id) sid: u32) {{", " ".repeat(name.len() + 2)),
        "    // every lane stays to the end (subgroupBroadcast); only the stores are guarded".into(),
        format!("    let live = g.x * {np}u < p.ow;"),
        "    let y = g.y;".into(),
    ]
}

/// The end of a style-network convolution: each live invocation stores its np pixels x ov vec4s
/// of output channels, `a{px}_{o}`.
fn stylenet_stores(np: usize, ov: usize) -> Vec<String> {
    let mut out = vec!["    if live {".to_string()];
    for px in 0..np {
        out.extend(packed(
            "        ",
            (0..ov).map(|o| format!("put_out(g.x * {np}u + {px}u, y, k0 + {}u, a{px}_{o});", 4 * o)),
        ));
    }
    out.push("    }".into());
    out.push("}".into());
    out
}

/// The style network's upsampling convolutions (nearest 2x, reflect pad 1, 3x3, stride 1) as
/// four 2x2 convolutions of the low-resolution input, one per output phase (row and column
/// parity), by (ov, px): the 3x3 taps that read the same input pixel share it, so 4 multiply-adds
/// per output and input channel instead of 9 (weights summed per phase on the host, `pack_sg_up2`
/// in src/stylenet.rs). The reflect padding of the upsampled image reads, at distance 1, the
/// edge pixel of the input: a clamp. One output row per invocation row (its phase py uniform),
/// px output pixels (both column phases), ov vec4s of output channels.
pub const STYLENET_CONVS_UP2: [(usize, usize); 4] = [(2, 4), (2, 8), (1, 4), (1, 8)];

/// `base + k` as WGSL, written without "+ -1".
fn offset(k: i32, base: &str) -> String {
    match k {
        0 => base.to_string(),
        k if k < 0 => format!("{base} - {}", -k),
        k => format!("{base} + {k}"),
    }
}

fn stylenet_up2_convs() -> Vec<String> {
    let (i1, i2) = ("    ", "        ");
    let mut out = Vec::new();
    for (ov, np) in STYLENET_CONVS_UP2 {
        let suffix = if np == 4 { String::new() } else { format!("p{np}") };
        let row = 4 * ov * 4; // floats of one (ci, py, ry) row: [px][rx][ov * 4]
        let nin = np / 2 + 2; // input columns np output pixels read
        out.push(String::new());
        out.push(format!(
            "// Nearest 2x upsampling + reflect pad 1 + 3x3 convolution as 2x2 phase convolutions, up to {} output",
            ov * 4
        ));
        out.push(format!("// channels, {np} pixels per invocation."));
        out.extend(stylenet_entry(&format!("conv_up2o{ov}{suffix}"), np));
        out.push(format!("{i1}// output row 2i + py reads input rows i - 1 + py and i + py (clamped)"));
        out.push(format!("{i1}let py = y & 1u;"));
        out.push(format!("{i1}let i = i32(y >> 1u);"));
        out.push(format!("{i1}let j0 = i32(g.x * {}u);", np / 2));
        out.push(format!("{i1}let lane = sid & 7u;"));
        out.push(format!("{i1}// channel group z: output channels from {}z, weights from group z's rows", ov * 4));
        out.push(format!("{i1}let wz = g.z * p.c * {}u;", 4 * row));
        out.push(format!("{i1}let k0 = g.z * {}u;", ov * 4));
        for px in 0..np {
            out.extend(packed(i1, (0..ov).map(|o| format!("var a{px}_{o} = vec4(0.0);"))));
        }
        out.push(format!("{i1}for (var ci = 0u; ci < p.c; ci++) {{"));
        out.push(format!("{i2}let sc = stats[2u * ci];"));
        out.push(format!("{i2}let sh = stats[2u * ci + 1u];"));
        // both input rows at once: each accumulator takes one chain of 4 multiply-adds per input
        // channel (CPU drivers blend and spill every assignment to a loop-carried variable)
        for ry in 0..2i32 {
            out.push(format!("{i2}let row{ry} = (ci * p.h + clamp_to(i + {}, p.h)) * p.w;", offset(ry - 1, "i32(py)")));
            out.extend(packed(
                i2,
                (0..nin).map(|m| {
                    format!(
                        "let v{ry}_{m} = vec4(pre(src[row{ry} + clamp_to({}, p.w)], sc, sh));",
                        offset(m as i32 - 1, "j0")
                    )
                }),
            ));
        }
        out.push(format!("{i2}let wf = wz + (ci * 2u + py) * {}u + lane;", 2 * row));
        out.extend(packed(
            i2,
            (0..2 * row / 8).map(|q| format!("let g{q} = wk[(wf + {}u) / 4u][(wf + {}u) % 4u];", 8 * q, 8 * q)),
        ));
        // weights w{4 ry + 2 px + rx}_{o}: input row ry and column rx of column phase px's window
        for t in 0..8 {
            out.extend(tap_weights(i2, t, ov));
        }
        for t in 0..np {
            let (px, jj) = (t % 2, t / 2);
            for o in 0..ov {
                let chain =
                    (0..2).flat_map(|ry| (0..2).map(move |rx| (ry, rx))).fold(format!("a{t}_{o}"), |acc, (ry, rx)| {
                        format!("fma(v{ry}_{}, w{}_{o}, {acc})", jj + px + rx, 4 * ry + 2 * px + rx)
                    });
                out.push(format!("{i2}a{t}_{o} = {chain};"));
            }
        }
        out.push(format!("{i1}}}"));
        out.extend(stylenet_stores(np, ov));
    }
    out
}

/// Compare (or, with PAINTFLOW_BLESS=1, rewrite) the block between the markers of `file`.
fn check_block(file: &str, body: Vec<String>) {
    check_nth_block(file, 0, body)
}

/// [`check_block`] for the `nth` BEGIN/END pair of the file (0 = the first).
fn check_nth_block(file: &str, nth: usize, body: Vec<String>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("shaders").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let marks = |what: &str| -> Vec<usize> {
        lines.iter().enumerate().filter(|(_, l)| l.trim_start().starts_with(what)).map(|(i, _)| i).collect()
    };
    let begin = *marks("// BEGIN generated").get(nth).expect("BEGIN marker");
    let end = *marks("// END generated").get(nth).expect("END marker");
    let current: Vec<String> = lines[begin + 1..end].iter().map(|s| s.to_string()).collect();
    if current == body {
        return;
    }
    if std::env::var("PAINTFLOW_BLESS").as_deref() == Ok("1") {
        let mut new: Vec<String> = lines[..=begin].iter().map(|s| s.to_string()).collect();
        new.extend(body);
        new.extend(lines[end..].iter().map(|s| s.to_string()));
        std::fs::write(&path, new.join("\n") + "\n").unwrap();
        eprintln!("rewrote the generated block of {file}");
        return;
    }
    let first = current.iter().zip(&body).position(|(a, b)| a != b).unwrap_or(current.len().min(body.len()));
    panic!(
        "{file}: the generated block differs from its generator at block line {} ({} lines vs {}):\n  \
         file: {:?}\n  want: {:?}\nrerun with PAINTFLOW_BLESS=1 to rewrite it",
        first + 1,
        current.len(),
        body.len(),
        current.get(first),
        body.get(first)
    );
}

#[test]
fn conv_ubo_block_is_what_the_generator_prints() {
    check_block("conv.wgsl", conv_ubo_body(false));
}

#[test]
fn conv_ubo_subgroup_block_is_what_the_generator_prints() {
    check_block("conv_subgroup.wgsl", conv_ubo_body(true));
}

#[test]
fn wino_gemm_block_is_what_the_generator_prints() {
    check_nth_block("winograd.wgsl", 1, wino_gemm_body());
}

#[test]
fn wino_transform_block_is_what_the_generator_prints() {
    check_nth_block("winograd.wgsl", 0, wino_transforms());
}

#[test]
fn stylenet_conv_block_is_what_the_generator_prints() {
    check_block("stylenet.wgsl", stylenet_convs().into_iter().chain(stylenet_up2_convs()).collect());
}
