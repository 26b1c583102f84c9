//! The benchmark harness behind `paintflow bench` and `cargo bench`: calibrates the device
//! (peak FMA rate, copy bandwidth), then times each kernel family at VGG shapes and whole
//! style-transfer iterations, reporting GFLOP/s, GB/s and % of the measured peak.
use std::time::Instant;

use crate::error::Result;
pub use crate::gpu::timing::{time_plan, timing_method};
use crate::gpu::{Gpu, Plan, Tensor};
use crate::ops::adam::{Adam, AdamConfig};
use crate::ops::calibration;
use crate::ops::conv::{self, ConvWeights};
use crate::ops::gram::{self, GramForward};
use crate::ops::pool::{self, Pool};

/// The host CPU's model name and core count (what a CPU Vulkan driver's speed depends on).
pub fn cpu_model() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |key: &str| {
        info.lines().find(|l| l.starts_with(key)).and_then(|l| l.split(':').nth(1)).map(|v| v.trim().to_string())
    };
    let name = field("model name").unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let family = field("cpu family").map(|f| format!(", family {f}")).unwrap_or_default();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    format!("{name}{family}, {cores} cores")
}

/// One measured row.
#[derive(Clone, Debug)]
pub struct Row {
    pub name: String,
    pub shape: String,
    pub ms: f64,
    pub gflop: f64,
    pub gbytes: f64,
}

impl Row {
    pub fn gflops(&self) -> f64 {
        self.gflop / (self.ms * 1e-3)
    }
    pub fn gbs(&self) -> f64 {
        self.gbytes / (self.ms * 1e-3)
    }
}

/// Achievable FP32 rate: GFLOP/s of the 8-chain vec4 FMA kernel.
pub fn peak_fma(gpu: &Gpu) -> Result<Row> {
    let threads = if gpu.is_cpu() { 64 * 256 } else { 64 * 65535 };
    let loops = if gpu.is_cpu() { 2048u32 } else { 4096 };
    let src = Tensor::zeros(gpu, &[64 * 4], "peak src")?;
    let dst = Tensor::zeros(gpu, &[threads * 4], "peak dst")?;
    let mut plan = Plan::new();
    calibration::peak_fma(gpu, &mut plan, &src, &dst, loops);
    let ms = time_plan(gpu, &plan, 1, 5)?;
    let gflop = threads as f64 * loops as f64 * calibration::PEAK_FMA_FLOPS_PER_TRIP / 1e9;
    Ok(Row { name: "peak FMA".into(), shape: format!("{threads} threads x {loops}"), ms, gflop, gbytes: 0.0 })
}

/// Achievable bandwidth: a large vec4 copy (bytes read + written).
pub fn copy_bandwidth(gpu: &Gpu) -> Result<Row> {
    let n = (64usize << 20) / 16; // 64 MiB
    let a = Tensor::zeros(gpu, &[n * 4], "copy src")?;
    let b = Tensor::zeros(gpu, &[n * 4], "copy dst")?;
    let mut plan = Plan::new();
    calibration::copy(gpu, &mut plan, &a, &b);
    let ms = time_plan(gpu, &plan, 1, 5)?;
    Ok(Row { name: "copy".into(), shape: "64 MiB".into(), ms, gflop: 0.0, gbytes: 2.0 * (n * 16) as f64 / 1e9 })
}

fn filled(gpu: &Gpu, shape: &[usize], label: &str) -> Result<Tensor> {
    let n: usize = shape.iter().product();
    let data: Vec<f32> = (0..n).map(|i| ((i * 7919) % 1000) as f32 / 1000.0 - 0.5).collect();
    Tensor::from_slice(gpu, shape, &data, label)
}

/// Conv forward and input-gradient at one layer shape.
pub fn conv_rows(gpu: &Gpu, name: &str, cin: usize, cout: usize, h: usize, w: usize, reps: usize) -> Result<Vec<Row>> {
    let wt: Vec<f32> = (0..cout * cin * 9).map(|i| ((i * 31) % 97) as f32 / 97.0 - 0.5).collect();
    let weights = ConvWeights::new(gpu, cout, cin, &wt, &vec![0.1; cout], name)?;
    let x = filled(gpu, &[cin, h, w], "x")?;
    let y = Tensor::zeros(gpu, &[cout, h, w], "y")?;
    let (vf, vb) = (weights.variant_for(gpu, false, h, w).name(), weights.variant_for(gpu, true, h, w).name());
    let shape = format!("{cin}->{cout} {w}x{h}");
    let fl = conv::flops(cin, cout, h, w) / 1e9;
    let bytes = ((cin + cout) * h * w + cin * cout * 9) as f64 * 4.0 / 1e9;
    let mut f = Plan::new();
    conv::forward(gpu, &mut f, &x, &weights, &y, true);
    let mut b = Plan::new();
    conv::backward_input(gpu, &mut b, &y, &weights, &x);
    Ok(vec![
        Row {
            name: format!("conv fwd {name} [{vf}]"),
            shape: shape.clone(),
            ms: time_plan(gpu, &f, 1, reps)?,
            gflop: fl,
            gbytes: bytes,
        },
        Row {
            name: format!("conv bwd {name} [{vb}]"),
            shape,
            ms: time_plan(gpu, &b, 1, reps)?,
            gflop: fl,
            gbytes: bytes,
        },
    ])
}

pub fn pool_rows(gpu: &Gpu, c: usize, h: usize, w: usize, reps: usize) -> Result<Vec<Row>> {
    let x = filled(gpu, &[c, h, w], "x")?;
    let y = Tensor::zeros(gpu, &pool::out_shape(c, h, w), "y")?;
    let gx = Tensor::zeros(gpu, &[c, h, w], "gx")?;
    let mut f = Plan::new();
    pool::forward(gpu, &mut f, Pool::Max, &x, &y);
    let mut b = Plan::new();
    pool::backward(gpu, &mut b, Pool::Max, &x, &y, &gx);
    let n = (c * h * w) as f64;
    Ok(vec![
        Row {
            name: "maxpool fwd".into(),
            shape: format!("{c}x{w}x{h}"),
            ms: time_plan(gpu, &f, 1, reps)?,
            gflop: 0.75 * n / 1e9,
            gbytes: 1.25 * n * 4.0 / 1e9,
        },
        Row {
            name: "maxpool bwd".into(),
            shape: format!("{c}x{w}x{h}"),
            ms: time_plan(gpu, &b, 1, reps)?,
            gflop: 0.75 * n / 1e9,
            gbytes: 2.25 * n * 4.0 / 1e9,
        },
    ])
}

pub fn gram_rows(gpu: &Gpu, c: usize, h: usize, w: usize, reps: usize) -> Result<Vec<Row>> {
    let x = filled(gpu, &[c, h, w], "x")?;
    let g = Tensor::zeros(gpu, &[c, c], "g")?;
    let gx = Tensor::zeros(gpu, &[c, h, w], "gx")?;
    let fwd = GramForward::new(gpu, &[c, h, w])?;
    let mut f = Plan::new();
    fwd.record(gpu, &mut f, &x, &g);
    let mut b = Plan::new();
    gram::GramBackward::new(gpu, c)?.record(gpu, &mut b, &x, &g, &gx, false);
    let fl = gram::flops(c, h * w) / 1e9;
    let n = (c * h * w) as f64;
    let variant = gram::GramVariant::for_device(gpu).name();
    Ok(vec![
        Row {
            name: format!("gram fwd ({variant})"),
            shape: format!("{c}x{w}x{h}"),
            ms: time_plan(gpu, &f, 1, reps)?,
            gflop: fl,
            gbytes: n * 4.0 / 1e9,
        },
        Row {
            name: format!("gram bwd ({variant})"),
            shape: format!("{c}x{w}x{h}"),
            ms: time_plan(gpu, &b, 1, reps)?,
            gflop: fl,
            gbytes: 2.0 * n * 4.0 / 1e9,
        },
    ])
}

pub fn adam_row(gpu: &Gpu, h: usize, w: usize, reps: usize) -> Result<Row> {
    let n = 3 * h * w;
    let x = filled(gpu, &[3, h, w], "x")?;
    let g = filled(gpu, &[3, h, w], "g")?;
    let adam = Adam::new(gpu, n, AdamConfig::default())?;
    let mut p = Plan::new();
    adam.record(gpu, &mut p, &g, &x, h * w);
    Ok(Row {
        name: "adam".into(),
        shape: format!("3x{w}x{h}"),
        ms: time_plan(gpu, &p, 1, reps)?,
        gflop: 12.0 * n as f64 / 1e9,
        gbytes: 7.0 * n as f64 * 4.0 / 1e9,
    })
}

/// One style-transfer iteration (forward, losses, backward, Adam) at `size` x `size`; with
/// `profile`, then one row per kernel entry point: its launches in the iteration, each timed
/// alone and summed (the biggest first), and a row with the sum of all steps timed alone (the
/// difference to the whole is launch and synchronisation overhead).
pub fn iteration_rows(
    gpu: &Gpu,
    vgg: &crate::vgg::Vgg,
    size: usize,
    reps: usize,
    profile: bool,
) -> Result<(Vec<Row>, u64)> {
    use crate::style::{LossConfig, Optimizer};
    let cfg = LossConfig::default();
    let opt = Optimizer::new(gpu, vgg, cfg, AdamConfig::default(), size, size)?;
    let img = crate::imageio::Rgb::from_fn(size as u32, size as u32, |x, y| {
        image::Rgb([(x * 7 % 255) as u8, (y * 3 % 255) as u8, ((x + y) % 255) as u8])
    });
    opt.set_content(gpu, &img)?;
    let mut times = Vec::new();
    opt.iterate(gpu, false)?;
    for _ in 0..reps.max(1) {
        let s = Instant::now();
        opt.iterate(gpu, false)?;
        times.push(s.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let shape = format!("{size}x{size}");
    let mut rows = vec![Row {
        name: "style iteration (Adam, zero padding)".into(),
        shape: shape.clone(),
        ms: times[times.len() / 2],
        gflop: iteration_flops(size, size) / 1e9,
        gbytes: 0.0,
    }];
    if profile {
        let plan = opt.iteration_plan();
        let names = plan.step_names();
        let launches = names.len();
        let mut by_entry: Vec<(&str, usize, f64)> = Vec::new();
        for (name, step) in names.into_iter().zip(plan.split_steps()) {
            let ms = time_plan(gpu, &step, 1, reps)?;
            match by_entry.iter_mut().find(|e| e.0 == name) {
                Some(e) => {
                    e.1 += 1;
                    e.2 += ms;
                }
                None => by_entry.push((name, 1, ms)),
            }
        }
        let total: f64 = by_entry.iter().map(|e| e.2).sum();
        by_entry.sort_by(|a, b| b.2.total_cmp(&a.2));
        let row = |name: String, ms: f64| Row { name, shape: shape.clone(), ms, gflop: 0.0, gbytes: 0.0 };
        rows.push(row(format!("  iteration steps timed alone ({launches} launches)"), total));
        rows.extend(by_entry.iter().map(|(name, n, ms)| row(format!("    {name} x{n}"), *ms)));
    }
    // the shared scratch (Winograd transforms, padded planes) is held as long as the device
    Ok((rows, opt.bytes() + gpu.scratch_bytes()))
}

/// The real-time mode's network on one h x w frame (style 19): the whole pass as one row, then,
/// with `profile`, each layer's convolution and norm steps timed alone.
pub fn network_rows(gpu: &Gpu, h: usize, w: usize, reps: usize, profile: bool) -> Result<Vec<Row>> {
    use crate::stylenet::{self as sn, Blend, StyleNet, StyleNetPass, StyleNetWeights};
    let net = StyleNet::new(gpu, StyleNetWeights::load(&sn::default_path()?)?, &Blend::one(19))?;
    let pass = StyleNetPass::new(gpu, &net, h, w)?;
    let flops = sn::layer_flops(h, w);
    let shape = format!("{w}x{h}");
    let mut plan = Plan::new();
    pass.record_network(&mut plan);
    let ms = time_plan(gpu, &plan, 1, reps)?;
    let total = flops.iter().sum::<f64>() / 1e9;
    let mut rows = vec![Row {
        name: "style network (real-time), one frame".into(),
        shape: shape.clone(),
        ms,
        gflop: total,
        gbytes: 0.0,
    }];
    if profile {
        for (name, stage) in &pass.stages {
            let layer = name.split(' ').next().unwrap_or_default();
            let i = sn::LAYERS.iter().position(|l| l.name == layer).expect("stage of a layer");
            let ms = time_plan(gpu, stage, 1, reps)?;
            let conv = name.ends_with(" conv");
            let gflop = if conv { flops[i] / 1e9 } else { 0.0 };
            // a convolution's row names the kernel the autotuner chose for it
            let shape = if conv { format!("{shape} {}", pass.kernels[i]) } else { shape.clone() };
            rows.push(Row { name: format!("  network {name}"), shape, ms, gflop, gbytes: 0.0 });
        }
    }
    Ok(rows)
}

/// Convolution FLOPs of one iteration: forward through conv5_1 and the input gradient of each layer.
pub fn iteration_flops(h: usize, w: usize) -> f64 {
    let (mut hh, mut ww) = (h, w);
    let mut total = 0.0;
    for &(_, cin, cout, pools) in &crate::vgg::LAYERS {
        total += 2.0 * conv::flops(cin, cout, hh, ww);
        if pools {
            hh /= 2;
            ww /= 2;
        }
    }
    total
}

/// Flow both ways between two synthetic w x h frames (pyramids, LK, consistency).
pub fn flow_row(gpu: &Gpu, w: usize, h: usize, reps: usize) -> Result<Row> {
    use crate::flow::{FlowConfig, FlowSolver, Pyramid};
    let cfg = FlowConfig::default();
    let a = crate::imageio::Rgb::from_fn(w as u32, h as u32, |x, y| {
        image::Rgb([((x as f32 * 0.3).sin() * 100.0 + 128.0) as u8, ((y as f32 * 0.2).cos() * 100.0 + 128.0) as u8, 90])
    });
    let b = crate::imageio::Rgb::from_fn(w as u32, h as u32, |x, y| {
        image::Rgb([
            ((x as f32 * 0.3 + 1.0).sin() * 100.0 + 128.0) as u8,
            ((y as f32 * 0.2 + 0.5).cos() * 100.0 + 128.0) as u8,
            90,
        ])
    });
    let pa = Pyramid::new(gpu, w, h, &cfg)?;
    let pb = Pyramid::new(gpu, w, h, &cfg)?;
    let s = FlowSolver::new(gpu, &pa, &pb, &cfg)?;
    let mut times = Vec::new();
    for r in 0..reps.max(1) + 1 {
        let t = Instant::now();
        pa.set_frame(gpu, &crate::ops::image::pack_rgb(a.as_raw()))?;
        pb.set_frame(gpu, &crate::ops::image::pack_rgb(b.as_raw()))?;
        s.submit(gpu);
        gpu.wait()?;
        if r > 0 {
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    Ok(Row {
        name: "LK flow (one way)".into(),
        shape: format!("{w}x{h}"),
        ms: times[times.len() / 2],
        gflop: 0.0,
        gbytes: 0.0,
    })
}

/// Render rows as a Markdown table with % of the measured peak.
pub fn table(rows: &[Row], peak_gflops: f64) -> String {
    let mut s = String::from(
        "| kernel | shape | ms (median) | GFLOP/s | GB/s | % of peak FMA |\n|---|---|---:|---:|---:|---:|\n",
    );
    for r in rows {
        let pct = if r.gflop > 0.0 { format!("{:.1}", 100.0 * r.gflops() / peak_gflops) } else { "-".into() };
        let gf = if r.gflop > 0.0 { format!("{:.2}", r.gflops()) } else { "-".into() };
        let gb = if r.gbytes > 0.0 { format!("{:.2}", r.gbs()) } else { "-".into() };
        s += &format!("| {} | {} | {:.2} | {} | {} | {} |\n", r.name, r.shape, r.ms, gf, gb, pct);
    }
    s
}

/// What `paintflow bench --json` writes.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct JsonReport {
    pub adapter: String,
    pub peak_gflops: f64,
    pub rows: Vec<JsonRow>,
}

/// One measured row in [`JsonReport`] (GFLOP/s and GB/s are 0 where they do not apply).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct JsonRow {
    pub name: String,
    pub shape: String,
    pub ms: f64,
    pub gflops: f64,
    pub gbs: f64,
}

/// The rows as JSON (for --json).
pub fn json(rows: &[Row], peak_gflops: f64, adapter: &str) -> String {
    let report = JsonReport {
        adapter: adapter.to_string(),
        peak_gflops,
        rows: rows
            .iter()
            .map(|r| JsonRow {
                name: r.name.clone(),
                shape: r.shape.clone(),
                ms: r.ms,
                gflops: r.gflops(),
                gbs: r.gbs(),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&report).expect("plain data serialises") + "\n"
}

/// What [`run_suite`] measures.
#[derive(Clone, Debug)]
pub struct Suite {
    /// Image size for the kernel shapes (VGG layers scale from it).
    pub size: usize,
    /// The kernels at VGG shapes, the flow and Adam (false: calibration and end to end only).
    pub kernels: bool,
    /// Sizes of the whole style-transfer iteration (needs the VGG).
    pub iteration_sizes: Vec<usize>,
    /// Also time the iteration's steps alone, summed by kernel.
    pub iteration_profile: bool,
    /// (height, width) of the real-time network's frames.
    pub network_sizes: Vec<(usize, usize)>,
    /// Also time each network layer alone.
    pub network_profile: bool,
    /// Timed repetitions (the median is reported).
    pub reps: usize,
}

/// The whole suite: calibration, kernels at VGG shapes, end to end.
pub fn run_suite(
    gpu: &Gpu,
    vgg: Option<&crate::vgg::Vgg>,
    suite: &Suite,
    mut progress: impl FnMut(&str),
) -> Result<(Vec<Row>, f64, Vec<String>)> {
    let (size, reps) = (suite.size, suite.reps);
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    progress("peak FMA");
    let peak = peak_fma(gpu)?;
    let peak_gflops = peak.gflops();
    rows.push(peak);
    progress("copy");
    rows.push(copy_bandwidth(gpu)?);
    if suite.kernels {
        kernel_rows(gpu, size, reps, &mut rows, &mut notes, &mut progress)?;
    }
    if let Some(vgg) = vgg {
        // A video frame after the first: flow both ways plus the default 20 iterations
        // (L-BFGS; an L-BFGS iteration costs what an Adam one does, within 5 %).
        let flow_ms = rows.iter().find(|r| r.name.starts_with("LK flow")).map(|r| r.ms);
        for &s in &suite.iteration_sizes {
            progress(&format!("iteration {s}"));
            let (iteration, bytes) = iteration_rows(gpu, vgg, s, reps.min(3), suite.iteration_profile)?;
            notes.push(format!(
                "GPU memory held by one {s}x{s} optimisation, shared scratch included: {:.1} MiB ({:.1} MiB per \
                 megapixel)",
                bytes as f64 / 1048576.0,
                bytes as f64 / 1048576.0 / (s * s) as f64 * 1e6
            ));
            let iteration_ms = iteration[0].ms;
            rows.extend(iteration);
            if let Some(flow_ms) = flow_ms {
                rows.push(Row {
                    name: "video frame (2 flows + 20 L-BFGS iterations, estimate)".into(),
                    shape: format!("{s}x{s}"),
                    ms: 2.0 * flow_ms * (s * s) as f64 / (512.0 * 384.0) + 20.0 * iteration_ms,
                    gflop: 0.0,
                    gbytes: 0.0,
                });
            }
        }
    }
    for &(h, w) in &suite.network_sizes {
        progress(&format!("style network {w}x{h}"));
        rows.extend(network_rows(gpu, h, w, reps, suite.network_profile)?);
    }
    Ok((rows, peak_gflops, notes))
}

/// The kernel families at VGG shapes for image size s, the flow and Adam.
fn kernel_rows(
    gpu: &Gpu,
    size: usize,
    reps: usize,
    rows: &mut Vec<Row>,
    notes: &mut Vec<String>,
    progress: &mut impl FnMut(&str),
) -> Result<()> {
    let s = size;
    for (name, cin, cout, div) in [
        ("conv1_2", 64, 64, 1),
        ("conv2_2", 128, 128, 2),
        ("conv3_2", 256, 256, 4),
        ("conv4_2", 512, 512, 8),
        ("conv5_1", 512, 512, 16),
    ] {
        progress(name);
        rows.extend(conv_rows(gpu, name, cin, cout, s / div, s / div, reps)?);
    }
    if rows.iter().any(|r| r.name.contains("[winograd")) {
        notes.push(
            "Convolution rows count the direct convolution's FLOPs (2 per multiply-add of the 3x3 sums) for every \
             variant, so Winograd rows give an effective rate; their real multiply-adds are 1/2.25 (F2) or 1/4 (F4) \
             of those, plus the two transforms."
                .to_string(),
        );
    }
    progress("pooling");
    rows.extend(pool_rows(gpu, 64, s, s, reps)?);
    progress("gram");
    rows.extend(gram_rows(gpu, 64, s, s, reps)?);
    rows.extend(gram_rows(gpu, 512, s / 8, s / 8, reps)?);
    progress("adam");
    rows.push(adam_row(gpu, s, s, reps)?);
    progress("flow");
    rows.push(flow_row(gpu, 512, 384, reps.min(3))?);
    Ok(())
}
