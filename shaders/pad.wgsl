// Border modes for the network's first convolution (--padding replicate|reflect). A convolution
// with such padding is the zero-padded convolution of the image padded by one pixel, cropped to
// the image: pad -> conv -> crop forward, and embed -> transposed conv -> fold backward, where
// embed and fold are the transposes of crop and pad. Planes are [C, H, W] for the image and
// [C, H+2, W+2] padded; p.h and p.w are the image's size.

struct Params {
    c: u32,
    h: u32,
    w: u32,
    mode: u32,    // 1 replicate (edge pixels repeat), 2 reflect (mirror about the edge pixel)
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

// The image coordinate a padded coordinate v (-1 .. n) reads. Reflect needs n >= 2; a 1-pixel
// side repeats its pixel.
fn source(v: i32, n: i32) -> i32 {
    var r = v;
    if p.mode == 2u && n >= 2 {
        if r < 0 { r = -r; }
        if r >= n { r = 2 * (n - 1) - r; }
    }
    return clamp(r, 0, n - 1);
}

// dst [C, H+2, W+2] = the image padded by one pixel.
@compute @workgroup_size(WG)
fn pad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
       @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    let pw = p.w + 2u;
    let ph = p.h + 2u;
    if i >= p.c * ph * pw { return; }
    let x = i32(i % pw) - 1;
    let y = i32((i / pw) % ph) - 1;
    let c = i / (pw * ph);
    dst[i] = src[(c * p.h + u32(source(y, i32(p.h)))) * p.w + u32(source(x, i32(p.w)))];
}

// dst [C, H, W] = the centre of src [C, H+2, W+2].
@compute @workgroup_size(WG)
fn crop(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.c * p.h * p.w { return; }
    let x = i % p.w;
    let y = (i / p.w) % p.h;
    let c = i / (p.w * p.h);
    dst[i] = src[(c * (p.h + 2u) + y + 1u) * (p.w + 2u) + x + 1u];
}

// dst [C, H+2, W+2] = src [C, H, W] in the centre, 0 on the one-pixel ring (crop's transpose).
@compute @workgroup_size(WG)
fn embed(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
         @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    let pw = p.w + 2u;
    let ph = p.h + 2u;
    if i >= p.c * ph * pw { return; }
    let x = i32(i % pw) - 1;
    let y = i32((i / pw) % ph) - 1;
    let c = i / (pw * ph);
    let inside = x >= 0 && y >= 0 && x < i32(p.w) && y < i32(p.h);
    let v = src[(c * p.h + u32(clamp(y, 0, i32(p.h) - 1))) * p.w + u32(clamp(x, 0, i32(p.w) - 1))];
    dst[i] = select(0.0, v, inside);
}

// dst [C, H, W] = pad's transpose of src [C, H+2, W+2]: each pixel's own padded value plus those
// of the ring positions that read it. Gathered (a pixel looks at the at most 8 ring positions
// that can map to it), so no atomics are needed.
@compute @workgroup_size(WG)
fn fold(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let i = flat_index(wid, nwg, lid);
    if i >= p.c * p.h * p.w { return; }
    let x = i32(i % p.w);
    let y = i32((i / p.w) % p.h);
    let c = i / (p.w * p.h);
    let h = i32(p.h);
    let w = i32(p.w);
    let pw = p.w + 2u;
    let plane = c * (p.h + 2u) * pw;
    var g = src[plane + u32(y + 1) * pw + u32(x + 1)];
    let ys = array<i32, 3>(-1, y, h);
    let xs = array<i32, 3>(-1, x, w);
    for (var a = 0; a < 3; a++) {
        for (var b = 0; b < 3; b++) {
            let yy = ys[a];
            let xx = xs[b];
            let ring = yy < 0 || yy >= h || xx < 0 || xx >= w;
            if ring && source(yy, h) == y && source(xx, w) == x {
                g += src[plane + u32(yy + 1) * pw + u32(xx + 1)];
            }
        }
    }
    dst[i] = g;
}
