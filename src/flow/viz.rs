//! The Middlebury colour wheel: hue = direction, saturation = magnitude (relative to the largest).
use crate::imageio::Rgb;

fn wheel() -> Vec<[f32; 3]> {
    let (ry, yg, gc, cb, bm, mr) = (15, 6, 4, 11, 13, 6);
    let mut w = Vec::new();
    for i in 0..ry {
        w.push([255.0, 255.0 * i as f32 / ry as f32, 0.0]);
    }
    for i in 0..yg {
        w.push([255.0 - 255.0 * i as f32 / yg as f32, 255.0, 0.0]);
    }
    for i in 0..gc {
        w.push([0.0, 255.0, 255.0 * i as f32 / gc as f32]);
    }
    for i in 0..cb {
        w.push([0.0, 255.0 - 255.0 * i as f32 / cb as f32, 255.0]);
    }
    for i in 0..bm {
        w.push([255.0 * i as f32 / bm as f32, 0.0, 255.0]);
    }
    for i in 0..mr {
        w.push([255.0, 0.0, 255.0 - 255.0 * i as f32 / mr as f32]);
    }
    w
}

/// Colour picture of a planar flow [2, H, W]; `max_mag` None scales by the largest motion.
pub fn colorize(flow: &[f32], w: usize, h: usize, max_mag: Option<f32>) -> Rgb {
    let n = w * h;
    let wheel = wheel();
    let nc = wheel.len() as f32;
    let maxr = max_mag
        .unwrap_or_else(|| (0..n).map(|i| (flow[i].powi(2) + flow[n + i].powi(2)).sqrt()).fold(0.0, f32::max))
        .max(1e-6);
    Rgb::from_fn(w as u32, h as u32, |x, y| {
        let i = y as usize * w + x as usize;
        let (u, v) = (flow[i] / maxr, flow[n + i] / maxr);
        let r = (u * u + v * v).sqrt().min(1.0);
        let a = (-v).atan2(-u) / std::f32::consts::PI;
        let fk = (a + 1.0) / 2.0 * (nc - 1.0);
        let k0 = fk.floor() as usize % wheel.len();
        let k1 = (k0 + 1) % wheel.len();
        let f = fk - fk.floor();
        image::Rgb([0, 1, 2].map(|c| {
            let col = ((1.0 - f) * wheel[k0][c] + f * wheel[k1][c]) / 255.0;
            (255.0 * (1.0 - r * (1.0 - col))).round() as u8
        }))
    })
}
