use paintflow::gpu::timing::time_plan;
use paintflow::gpu::{Gpu, Plan, Tensor};
use paintflow::ops::conv::{self, ConvVariant, ConvWeights};
use paintflow::ops::winograd;
fn main() {
    let gpu = Gpu::new(None).unwrap();
    let s: usize = std::env::args().nth(1).map(|a| a.parse().unwrap()).unwrap_or(256);
    for (name, c, d) in
        [("conv1_2", 64, 1), ("conv2_2", 128, 2), ("conv3_2", 256, 4), ("conv4_2", 512, 8), ("conv5_1", 512, 16)]
    {
        let (h, w) = (s / d, s / d);
        let wt: Vec<f32> = (0..c * c * 9).map(|i| ((i * 31) % 97) as f32 / 97.0 - 0.5).collect();
        let x = Tensor::from_slice(&gpu, &[c, h, w], &vec![0.5; c * h * w], "x").unwrap();
        let y = Tensor::zeros(&gpu, &[c, h, w], "y").unwrap();
        let bias = Tensor::zeros(&gpu, &[c.div_ceil(32) * 32], "b").unwrap();
        let cw = ConvWeights::with_variant(&gpu, ConvVariant::UniformSubgroup, c, c, &wt, &vec![0.0; c], "w").unwrap();
        let mut p = Plan::new();
        conv::forward(&gpu, &mut p, &x, &cw, &y, true);
        let direct = time_plan(&gpu, &p, 1, 3).unwrap();
        let mut line = format!("{name} {c}ch {h}x{w}: direct {direct:.1} ms");
        for m in [2, 4] {
            if !winograd::fits(&gpu, c, c, h, w, m) {
                line += &format!("  F{m} n/a");
                continue;
            }
            let ww = winograd::WinoWeights::new(&gpu, &wt, c, c, m, "w").unwrap();
            let mut p = Plan::new();
            winograd::record(&gpu, &mut p, &x, &ww, &bias, &y, true);
            let t = time_plan(&gpu, &p, 1, 3).unwrap();
            line += &format!("  F{m} {t:.1} ms ({:.2}x)", direct / t);
        }
        println!("{line}");
    }
}
