#!/usr/bin/env python3
"""Print the fully unrolled body of `conv3x3_ubo` in shaders/conv.wgsl.

CPU Vulkan drivers (llvmpipe) keep shader arrays indexed in loops in memory, so the register
block (PX pixels x OV vec4 of output channels) is written out as named variables. Re-run and paste
between the BEGIN/END markers after changing PX or OV (and CONV_UBO_* in src/ops/conv.rs).
"""
PX, OV = 4, 8
out = []
for px in range(PX):
    out.append("    " + " ".join(f"var a{px}_{o} = vec4(0.0);" for o in range(OV)))
out.append("""    for (var icl = 0u; icl < p.icn; icl++) {
        let ic = p.ic0 + icl;
        for (var ky = 0u; ky < 3u; ky++) {
            // Rows outside the image read a clamped row that load_row zeroes: a `continue` here
            // would make the loop divergent, and newer llvmpipe then fetches the weights lane
            // by lane instead of once for all lanes.
            let yy = i32(y + ky) - 1;
            let row_ok = yy >= 0 && yy < i32(p.h);
            let row = ic * plane + u32(clamp(yy, 0, i32(p.h) - 1)) * p.w;""")
for k in range(PX + 2):
    out.append(f"            let v{k} = vec4(load_row(row, row_ok, x0 + {k}));")
for kx in range(3):
    out.append(f"            let wi{kx} = (icl * 9u + ky * 3u + {kx}u) * {OV}u;")
    out.append("            " + " ".join(f"let w{kx}_{o} = wu[wi{kx} + {o}u];" for o in range(OV)))
    for px in range(PX):
        out.append("            " + " ".join(f"a{px}_{o} = fma(v{px + kx}, w{kx}_{o}, a{px}_{o});" for o in range(OV)))
out.append("""        }
    }""")
for px in range(PX):
    out.append("    " + " ".join(f"store_ubo(xb * {PX}u + {px}u, y, {o * 4}u, a{px}_{o});" for o in range(OV)))
print("\n".join(out))
