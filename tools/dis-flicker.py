#!/usr/bin/env python3
"""Warping error of a painted clip judged by an independent flow: OpenCV DIS-medium on the input
frames (resized to the painted size), a forward-backward check as Ruder et al.'s, then the mean over
consistent pixels of |P_t(x) - P_{t-1}(x + f(x))|^2 (RGB 0..1). Used for BENCHMARKS.md when the
flow itself changed (paintflow flicker would judge each render by its own flow). Needs numpy and
opencv-python-headless in a venv outside the project.
Usage: tools/dis-flicker.py INPUT_FRAMES_DIR PAINTED_FRAMES_DIR
"""
import sys, glob, numpy as np, cv2
inp, painted = sys.argv[1], sys.argv[2]
fi = sorted(glob.glob(inp + '/*.png')); fp = sorted(glob.glob(painted + '/*.png'))
n = min(len(fi), len(fp))
dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
errs = []
for t in range(1, n):
    P1 = cv2.imread(fp[t - 1])[:, :, ::-1].astype(np.float32) / 255
    P2 = cv2.imread(fp[t])[:, :, ::-1].astype(np.float32) / 255
    h, w = P2.shape[:2]
    g = lambda f: cv2.cvtColor(cv2.resize(cv2.imread(f), (w, h), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2GRAY)
    I1, I2 = g(fi[t - 1]), g(fi[t])
    fb = dis.calc(I2, I1, None)  # frame t -> t-1
    ff = dis.calc(I1, I2, None)
    xs, ys = np.meshgrid(np.arange(w), np.arange(h))
    mx, my = (xs + fb[..., 0]).astype(np.float32), (ys + fb[..., 1]).astype(np.float32)
    warped = cv2.remap(P1, mx, my, cv2.INTER_LINEAR)
    back = cv2.remap(ff, mx, my, cv2.INTER_LINEAR)
    d = fb + back
    ok = (d[..., 0] ** 2 + d[..., 1] ** 2 < 0.01 * ((fb ** 2).sum(-1) + (back ** 2).sum(-1)) + 0.5)
    ok &= (mx >= 0) & (mx <= w - 1) & (my >= 0) & (my <= h - 1)
    e = ((P2 - warped) ** 2).sum(-1)[ok].mean()
    errs.append(e)
print(painted, 'DIS warping error per pair', ' '.join('%.3g' % e for e in errs), 'mean %.3g' % np.mean(errs))
