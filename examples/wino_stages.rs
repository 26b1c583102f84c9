use paintflow::gpu::timing::time_plan;
use paintflow::gpu::{Gpu, Plan, Tensor};
use paintflow::ops::winograd::{self, WinoParams};
fn main() {
    let gpu = Gpu::new(None).unwrap();
    for (c, h, m) in [(512usize, 16usize, 2usize), (512, 32, 2), (512, 32, 4), (256, 64, 4)] {
        let w = h;
        let wt: Vec<f32> = (0..c * c * 9).map(|i| ((i * 31) % 97) as f32 / 97.0 - 0.5).collect();
        let x = Tensor::from_slice(&gpu, &[c, h, w], &vec![0.5; c * h * w], "x").unwrap();
        let y = Tensor::zeros(&gpu, &[c, h, w], "y").unwrap();
        let bias = Tensor::zeros(&gpu, &[c.div_ceil(32) * 32], "b").unwrap();
        let ww = winograd::WinoWeights::new(&gpu, &wt, c, c, m, "w").unwrap();
        let mut full = Plan::new();
        winograd::record(&gpu, &mut full, &x, &ww, &bias, &y, true);
        let (tx, ty, tp) = winograd::tiles(h, w, m);
        let a = m + 2;
        let v = gpu.scratch("winograd V", 1).unwrap();
        let mm = gpu.scratch("winograd M", 1).unwrap();
        let base = WinoParams {
            cin: c as u32,
            cout: c as u32,
            h: h as u32,
            w: w as u32,
            m: m as u32,
            alpha: a as u32,
            tx: tx as u32,
            ty: ty as u32,
            tp: tp as u32,
            relu: 1,
            ..Default::default()
        };
        let mut pi = Plan::new();
        pi.dispatch_1d(
            &gpu,
            if m == 2 { &winograd::WINO_INPUT_F2 } else { &winograd::WINO_INPUT_F4 },
            &base,
            &[&x.buffer, &v],
            c * tp,
        );
        let mut po = Plan::new();
        po.dispatch_1d(
            &gpu,
            if m == 2 { &winograd::WINO_OUTPUT_F2 } else { &winograd::WINO_OUTPUT_F4 },
            &base,
            &[&y.buffer, &bias.buffer, &mm],
            c * tx * ty,
        );
        let tf = time_plan(&gpu, &full, 1, 3).unwrap();
        let ti = time_plan(&gpu, &pi, 1, 3).unwrap();
        let to = time_plan(&gpu, &po, 1, 3).unwrap();
        println!("{c}ch {h}x{w} F{m}: total {tf:.1} input {ti:.1} output {to:.1} gemm {:.1} ms", tf - ti - to);
    }
}
