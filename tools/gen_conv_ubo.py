#!/usr/bin/env python3
"""Print the fully unrolled body of `conv3x3_ubo` (shaders/conv.wgsl) or, with --subgroup, of
`conv3x3_ubo_sg` (shaders/conv_subgroup.wgsl).

CPU Vulkan drivers (llvmpipe) keep shader arrays indexed in loops in memory, so the register
block (PX pixels x OV vec4 of output channels) is written out as named variables. Re-run and paste
between the BEGIN/END markers after changing PX or OV (and CONV_UBO_* in src/ops/conv.rs).

The subgroup variant loads the 96 weights of one (input channel, kernel row) as 12 lane-varying
loads of 8 consecutive floats (lane l reads float 8g + l) and hands each weight to every lane with
subgroupBroadcast: llvmpipe compiles a uniform-buffer load whose index comes from a loop counter
as an 8-lane gather, so this does 12 gathers where the plain variant does 96.
"""
import sys

PX, OV = 4, 8
SUBGROUP = "--subgroup" in sys.argv[1:]
out = []
for px in range(PX):
    out.append("    " + " ".join(f"var a{px}_{o} = vec4(0.0);" for o in range(OV)))
out.append("""    for (var icl = 0u; icl < p.icn; icl++) {
        let ic = p.ic0 + icl;
        for (var ky = 0u; ky < 3u; ky++) {
            // Rows outside the image read a clamped row that load_row zeroes: a `continue` here
            // would make the loop divergent, and llvmpipe then masks every load lane by lane.
            let yy = i32(y + ky) - 1;
            let row_ok = yy >= 0 && yy < i32(p.h);
            let row = ic * plane + u32(clamp(yy, 0, i32(p.h) - 1)) * p.w;""")
for k in range(PX + 2):
    out.append(f"            let v{k} = vec4(load_row(row, row_ok, x0 + {k}));")
if SUBGROUP:
    per_row = 3 * OV * 4
    out.append(f"            // float (icl * 9 + ky * 3) * {OV * 4} + 8g + lane of the block is vec4 wq + 2g, component wr")
    out.append(f"            let wf = (icl * 9u + ky * 3u) * {OV * 4}u + lane;")
    out.append("            let wq = wf / 4u;")
    out.append("            let wr = wf % 4u;")
    out.append("            " + " ".join(f"let g{g} = wu[wq + {2 * g}u][wr];" for g in range(per_row // 8)))
for kx in range(3):
    if SUBGROUP:
        for o in range(OV):
            comps = []
            for c in range(4):
                f = (kx * OV + o) * 4 + c
                comps.append(f"subgroupBroadcast(g{f // 8}, {f % 8}u)")
            out.append(f"            let w{kx}_{o} = vec4({', '.join(comps)});")
    else:
        out.append(f"            let wi{kx} = (icl * 9u + ky * 3u + {kx}u) * {OV}u;")
        out.append("            " + " ".join(f"let w{kx}_{o} = wu[wi{kx} + {o}u];" for o in range(OV)))
    for px in range(PX):
        out.append("            " + " ".join(f"a{px}_{o} = fma(v{px + kx}, w{kx}_{o}, a{px}_{o});" for o in range(OV)))
out.append("""        }
    }""")
indent = "    "
if SUBGROUP:
    out.append("    if live {")
    indent = "        "
for px in range(PX):
    out.append(indent + " ".join(f"store_ubo(xb * {PX}u + {px}u, y, {o * 4}u, a{px}_{o});" for o in range(OV)))
if SUBGROUP:
    out.append("    }")
print("\n".join(out))
