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
            for o in 0..OV {
                let comp = |c: usize| {
                    let f = (kx * OV + o) * 4 + c;
                    format!("subgroupBroadcast(g{}, {}u)", f / 8, f % 8)
                };
                out.push(format!("{i3}let w{kx}_{o} = vec4({}, {},", comp(0), comp(1)));
                out.push(format!("{i3}                 {}, {});", comp(2), comp(3)));
            }
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

/// Compare (or, with PAINTFLOW_BLESS=1, rewrite) the block between the markers of `file`.
fn check_block(file: &str, body: Vec<String>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("shaders").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let begin = lines.iter().position(|l| l.trim_start().starts_with("// BEGIN generated")).expect("BEGIN marker");
    let end = lines.iter().position(|l| l.trim_start().starts_with("// END generated")).expect("END marker");
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
