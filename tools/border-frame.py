#!/usr/bin/env python3
"""How much lighter (or darker) a painting's border is than just inside it, against the same
measure on its content image: the "light frame" of zero padding.

Usage: tools/border-frame.py CONTENT PAINTING [PAINTING ...]   (needs numpy and pillow)

For each image: mean luma (0..255) of the outermost B pixels minus the mean luma of the band B..3B
pixels in (B = 3), over all four sides; the excess is the painting's value minus the content's
(the content resized to the painting's size). Also printed: the mean absolute horizontal and
vertical neighbour difference over the whole image (high-frequency energy, 0..255).
"""
import sys

import numpy as np
from PIL import Image

B = 3


def luma(img):
    a = np.asarray(img.convert("RGB"), dtype=np.float64)
    return 0.299 * a[..., 0] + 0.587 * a[..., 1] + 0.114 * a[..., 2]


def frame(y):
    h, w = y.shape
    outer = np.zeros_like(y, dtype=bool)
    outer[:B, :] = outer[-B:, :] = outer[:, :B] = outer[:, -B:] = True
    inner = np.zeros_like(y, dtype=bool)
    inner[: 3 * B, :] = inner[-3 * B :, :] = inner[:, : 3 * B] = inner[:, -3 * B :] = True
    inner &= ~outer
    return y[outer].mean() - y[inner].mean()


def hf(y):
    return (np.abs(np.diff(y, axis=0)).mean() + np.abs(np.diff(y, axis=1)).mean()) / 2


content = Image.open(sys.argv[1])
print("image,frame,frame_excess,hf")
for p in sys.argv[2:]:
    img = Image.open(p)
    c = luma(content.resize(img.size, Image.BICUBIC))
    y = luma(img)
    print(f"{p},{frame(y):.2f},{frame(y) - frame(c):.2f},{hf(y):.2f}")
