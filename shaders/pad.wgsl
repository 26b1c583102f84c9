// Border modes for the network's convolutions (--padding replicate|reflect). A convolution
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

// Every kernel runs on a 3-D grid: x = column, y = row, z = channel of the plane it writes
// (ceil(columns / WG) x rows x channels workgroups), so no invocation divides to find its pixel:
// CPU drivers turn a vector integer division into one division per lane.

// dst [C, H+2, W+2] = the image padded by one pixel.
@compute @workgroup_size(WG)
fn pad(@builtin(global_invocation_id) g: vec3<u32>) {
    let pw = p.w + 2u;
    if g.x >= pw { return; }
    let ph = p.h + 2u;
    let sy = u32(source(i32(g.y) - 1, i32(p.h)));
    let sx = u32(source(i32(g.x) - 1, i32(p.w)));
    dst[(g.z * ph + g.y) * pw + g.x] = src[(g.z * p.h + sy) * p.w + sx];
}

// dst [C, H, W] = the centre of src [C, H+2, W+2].
@compute @workgroup_size(WG)
fn crop(@builtin(global_invocation_id) g: vec3<u32>) {
    if g.x >= p.w { return; }
    dst[(g.z * p.h + g.y) * p.w + g.x] = src[(g.z * (p.h + 2u) + g.y + 1u) * (p.w + 2u) + g.x + 1u];
}

// dst [C, H+2, W+2] = src [C, H, W] in the centre, 0 on the one-pixel ring (crop's transpose).
@compute @workgroup_size(WG)
fn embed(@builtin(global_invocation_id) g: vec3<u32>) {
    let pw = p.w + 2u;
    if g.x >= pw { return; }
    let x = i32(g.x) - 1;
    let y = i32(g.y) - 1;
    let inside = x >= 0 && y >= 0 && x < i32(p.w) && y < i32(p.h);
    let v = src[(g.z * p.h + u32(clamp(y, 0, i32(p.h) - 1))) * p.w + u32(clamp(x, 0, i32(p.w) - 1))];
    dst[(g.z * (p.h + 2u) + g.y) * pw + g.x] = select(0.0, v, inside);
}

// dst [C, H, W] = pad's transpose of src [C, H+2, W+2]: each pixel's own padded value plus those
// of the ring positions that read it. Gathered (a pixel looks at the at most 8 ring positions
// that can map to it), so no atomics are needed; pixels 2 or more from every edge have none.
@compute @workgroup_size(WG)
fn fold(@builtin(global_invocation_id) g: vec3<u32>) {
    if g.x >= p.w { return; }
    let x = i32(g.x);
    let y = i32(g.y);
    let h = i32(p.h);
    let w = i32(p.w);
    let pw = p.w + 2u;
    let plane = g.z * (p.h + 2u) * pw;
    var v = src[plane + u32(y + 1) * pw + u32(x + 1)];
    if x < 2 || y < 2 || x >= w - 2 || y >= h - 2 {
        let ys = array<i32, 3>(-1, y, h);
        let xs = array<i32, 3>(-1, x, w);
        for (var a = 0; a < 3; a++) {
            for (var b = 0; b < 3; b++) {
                let yy = ys[a];
                let xx = xs[b];
                let ring = yy < 0 || yy >= h || xx < 0 || xx >= w;
                if ring && source(yy, h) == y && source(xx, w) == x {
                    v += src[plane + u32(yy + 1) * pw + u32(xx + 1)];
                }
            }
        }
    }
    dst[(g.z * p.h + g.y) * p.w + g.x] = v;
}
