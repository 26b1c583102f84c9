#!/usr/bin/env bash
# One-command GPU report: on a machine with a GPU, build, run the test suite, run
# `paintflow bench --size 512 --json`, and print every kernel's rate as % of the measured peak-FMA
# row and, where the adapter is a known model, % of its spec FP32 peak. Paste the output into
# BENCHMARKS.md with the device named. Usage: tools/gpu-report.sh [OUT_DIR] (default gpu-report/)
# Set PAINTFLOW_REPORT_SKIP_TESTS=1 to skip the test suite.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-gpu-report}"
mkdir -p "$out"
cd "$root"
cargo build --release --quiet
bin="$root/target/release/paintflow"
"$bin" info | tee "$out/info.txt"
if [ -z "${PAINTFLOW_REPORT_SKIP_TESTS:-}" ]; then
    echo "== tests"
    if cargo test --release >"$out/tests.txt" 2>&1; then
        echo "tests: all passed ($(grep -c '^test .* ok$' "$out/tests.txt") tests)"
    else
        echo "tests: FAILED (see $out/tests.txt)"; grep -E 'FAILED|panicked' "$out/tests.txt" | head -20
    fi
fi
echo "== bench (${PAINTFLOW_REPORT_SIZE:-512} px)"
"$bin" bench --size "${PAINTFLOW_REPORT_SIZE:-512}" --reps 5 --json "$out/bench.json" | tee "$out/bench.md"
python3 - "$out/bench.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
# Spec FP32 (non-tensor) peaks in GFLOP/s, from ../shared/research/gpu-kernels.md section 2.1.
SPEC = [("H100 PCIe", 51000), ("H100", 66900), ("H200", 66900), ("RTX 4090", 82600), ("RTX 3060", 12700),
        ("A100", 19490), ("RX 7900 XTX", 61000), ("Apple M2", 3580), ("Apple M1", 2600)]
spec = next((g for name, g in SPEC if name.lower() in r["adapter"].lower()), None)
peak = r["peak_gflops"]
print(f"\nadapter: {r['adapter']}; measured peak FMA {peak:.0f} GFLOP/s"
      + (f"; spec FP32 {spec:.0f} GFLOP/s (measured peak = {100 * peak / spec:.0f} % of spec)" if spec else "; spec peak unknown"))
print("\n| kernel | shape | ms | GFLOP/s | % of measured peak |" + (" % of spec |" if spec else ""))
print("|---|---|---:|---:|---:|" + ("---:|" if spec else ""))
for row in r["rows"]:
    if row["gflops"] <= 0:
        continue
    line = f"| {row['name']} | {row['shape']} | {row['ms']:.3f} | {row['gflops']:.0f} | {100 * row['gflops'] / peak:.1f} |"
    if spec:
        line += f" {100 * row['gflops'] / spec:.1f} |"
    print(line)
PY
