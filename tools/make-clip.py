#!/usr/bin/env python3
"""Assemble a short test clip from one photo: a camera that pans, zooms and turns slowly over it.

Usage: tools/make-clip.py PHOTO OUT_DIR [--frames 10] [--size 256x192] [--motion pan|zoom|turn]
                          [--speed 3]   (needs numpy and pillow)

Writes OUT_DIR/000001.png ... Each frame is the photo sampled (bicubic) through a similarity
transform that moves by --speed pixels per frame (pan), zooms by 1.5 % per frame (zoom) or turns
by 0.8 degrees per frame about the centre (turn), so the motion between frames is smooth and
known. Used for the real-time mode's steadiness rows in BENCHMARKS.md, beside the real tree clip.
"""
import argparse
import math
import os

from PIL import Image


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("photo")
    ap.add_argument("out_dir")
    ap.add_argument("--frames", type=int, default=10)
    ap.add_argument("--size", default="256x192")
    ap.add_argument("--motion", choices=["pan", "zoom", "turn"], default="pan")
    ap.add_argument("--speed", type=float, default=3.0)
    a = ap.parse_args()
    w, h = (int(v) for v in a.size.split("x"))
    src = Image.open(a.photo).convert("RGB")
    # the view covers 70 % of the photo's short side so that every frame stays inside it
    base = 0.7 * min(src.width / w, src.height / h)
    os.makedirs(a.out_dir, exist_ok=True)
    for t in range(a.frames):
        s, ang = base, 0.0
        cx, cy = src.width / 2, src.height / 2
        if a.motion == "pan":
            cx += (t - a.frames / 2) * a.speed * base
            cy += (t - a.frames / 2) * a.speed * base * 0.3
        elif a.motion == "zoom":
            s = base * (1.015 ** -t)
        else:
            ang = math.radians(0.8 * t)
        c, si = math.cos(ang) * s, math.sin(ang) * s
        # output pixel (x, y) samples the photo at centre + R * s * (x - w/2, y - h/2)
        coeffs = (c, -si, cx - c * w / 2 + si * h / 2, si, c, cy - si * w / 2 - c * h / 2)
        frame = src.transform((w, h), Image.AFFINE, coeffs, resample=Image.BICUBIC)
        frame.save(os.path.join(a.out_dir, f"{t + 1:06d}.png"))


if __name__ == "__main__":
    main()
