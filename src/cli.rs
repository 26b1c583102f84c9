//! The command line: `paintflow info | image | ...`.
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use paintflow::flow::{self as of, flo, FlowConfig};
use paintflow::gpu::Gpu;
use paintflow::imageio;
use paintflow::ops::pad::Padding;
use paintflow::ops::pool::Pool;
use paintflow::style::{self, ImageJob, Init};
use paintflow::vgg::{self, Vgg, VggWeights};

#[derive(Parser)]
#[command(
    name = "paintflow",
    version,
    about = "Neural style transfer for images and video on any GPU (Vulkan, Metal, DX12)"
)]
pub struct Cli {
    /// Use the adapter whose name contains this text (also: WGPU_ADAPTER_NAME; WGPU_BACKEND picks backends)
    #[arg(long, global = true)]
    pub adapter: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Print the GPU adapter, backend, driver and the limits that matter
    Info,
    /// Paint a still image in the style of one or more paintings
    Image(ImageArgs),
    /// Dense optical flow from image A to image B (GPU pyramidal Lucas-Kanade)
    Flow(FlowArgs),
    /// Paint a video steadily: flow-guided warp-and-blend stylisation, frame by frame
    Video(VideoArgs),
    /// Measure a painted video's flicker: the warping error between consecutive painted frames
    /// along the optical flow of the input frames (any tool's output, or paintflow's)
    Flicker(FlickerArgs),
    /// Assemble an output folder from the segments `paintflow video ... --segment K/N` rendered
    /// into it: each segment's own frames as they are, each overlap cross-faded from the segment
    /// before into the next (safe to interrupt and run again)
    Join(JoinArgs),
    /// Measure the device's peak rates and every kernel's speed; print a Markdown table
    Bench(BenchArgs),
    /// A contact sheet of the 26 built-in styles (real-time mode) on one image, to choose from
    Styles(StylesArgs),
}

#[derive(Args)]
pub struct BenchArgs {
    /// Image size for the kernel shapes and the style iteration (VGG layers scale from it)
    #[arg(long, default_value_t = 256)]
    pub size: usize,
    /// Timed repetitions per kernel (the median is reported)
    #[arg(long, default_value_t = 5)]
    pub reps: usize,
    /// Also write the rows as JSON
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Sizes of the whole style-transfer iteration to time [default: 256,512 on GPUs, 256 on CPU drivers]
    #[arg(long, value_delimiter = ',')]
    pub iteration_sizes: Vec<usize>,
    /// Skip the whole style-transfer iteration
    #[arg(long)]
    pub no_iteration: bool,
    /// Also time each step of the style-transfer iteration alone, summed by kernel (where an
    /// iteration's time goes)
    #[arg(long, conflicts_with = "no_iteration")]
    pub iteration_profile: bool,
    /// Frame sizes (N or WxH) for the real-time network [default: 512 on CPU drivers, 512,1920x1080 on GPUs]
    #[arg(long, value_delimiter = ',')]
    pub network_sizes: Vec<String>,
    /// Also time each layer of the real-time network alone
    #[arg(long)]
    pub network_profile: bool,
    /// Only the calibration and the end-to-end rows (style iteration, real-time network), no per-kernel rows
    #[arg(long)]
    pub end_to_end: bool,
}

#[derive(Args)]
pub struct FlickerArgs {
    /// The input video the painting was made from: a folder of frames, a .y4m file, or - for Y4M on stdin
    pub input: String,
    /// The painted video: a folder of frames or a .y4m file (frames in the same order)
    pub painted: String,
    /// Also measure the seam of a looping clip: the last frame followed by the first
    #[arg(long)]
    pub seam: bool,
    /// Measure at most this many frames
    #[arg(long)]
    pub frames: Option<usize>,
    /// Also write the per-pair values as JSON
    #[arg(long)]
    pub json: Option<PathBuf>,
}

#[derive(Args)]
pub struct JoinArgs {
    /// The output folder (-o) the segments were rendered for
    pub output: PathBuf,
    /// Also measure the seams along the input's optical flow (as `paintflow flicker`; needs a
    /// GPU): each seam's worst warping error against the median inside segments, printed and
    /// written to this JSON file
    #[arg(long)]
    pub seams: Option<PathBuf>,
    /// Replace frames of another run in the output folder
    #[arg(long)]
    pub overwrite: bool,
}

#[derive(Args)]
pub struct VideoArgs {
    /// Input: a folder of PNG/JPEG frames (in name order, digit runs as numbers: 2 before 10), a .y4m file, or - for Y4M on stdin
    pub input: String,
    /// Output: a folder (numbered PNGs, written atomically) or - for Y4M on stdout
    #[arg(long, short = 'o')]
    pub output: String,
    #[command(flatten)]
    pub style: StyleOpts,
    /// Iterations for the first frame (and every frame with --no-flow)
    #[arg(long, default_value_t = 200)]
    pub iters_first: usize,
    /// Iterations for each later frame [default: 20 with L-BFGS, 60 with Adam: measured, L-BFGS
    /// reaches a lower loss in 20 than Adam in 60 from the warped previous frame]
    #[arg(long)]
    pub iters: Option<usize>,
    /// Weight of the warped previous result in each frame's starting image (0..1; the rest is
    /// the new frame). Measured default: starting from the warped result everywhere, occluded
    /// pixels too, gives later frames a 1.6x lower style loss and 17x less flicker than a 0.9
    /// blend that took occluded pixels from the photo (BENCHMARKS.md)
    #[arg(long, default_value_t = 1.0)]
    pub blend: f32,
    /// Weight of the temporal loss: mean squared deviation (pixels 0..255) from the warped previous
    /// result over flow-consistent pixels (flow mode only; 0 turns it off)
    #[arg(long, default_value_t = 1e5)]
    pub temporal_weight: f32,
    /// Real-time mode (--builtin): weight of the previous output, warped along the optical flow,
    /// in each frame where the flow holds (0 = each frame painted on its own; measured default:
    /// flicker 4.5x below per-frame painting, see BENCHMARKS.md)
    #[arg(long, default_value_t = 0.5)]
    pub steady: f32,
    /// Baseline: stylise every frame on its own
    #[arg(long, conflicts_with = "blend_only")]
    pub no_flow: bool,
    /// Kogan's blend of the previous result without warping
    #[arg(long)]
    pub blend_only: bool,
    /// A frame with fewer flow-consistent pixels than this share starts a new scene: painted from
    /// its own content with --iters-first and no temporal loss (with --builtin: the network's own
    /// output, nothing blended in); 0 turns detection off; measured: cuts 0.006-0.051, moving
    /// shots 0.56 and up
    #[arg(long, default_value_t = paintflow::video::SCENE_THRESHOLD)]
    pub scene_threshold: f32,
    /// Early stop for later frames: stop once the total loss fell by less than this fraction over
    /// the last --tol-window iterations (0: always --iters); the report gives each frame's count
    #[arg(long, default_value_t = 0.0)]
    pub tol: f32,
    /// Iterations the --tol change is measured over
    #[arg(long, default_value_t = 5)]
    pub tol_window: usize,
    /// Long-term consistency: tie each frame to the results of these earlier frames (frame t - j
    /// for each j, ascending from 1), each through its own flow, warp and consistency weights,
    /// combined closest first (Ruder et al.'s long-term loss; e.g. 1,2,4); 1: the previous frame only
    #[arg(long, value_delimiter = ',', default_value = "1")]
    pub flow_frames: Vec<usize>,
    /// Make the clip loop: after the last frame, paint the first --loop-frames frames again
    /// following on from it and cross-fade them into the first ones, so the last frame leads
    /// into the first without a jump (needs an output folder)
    #[arg(long)]
    pub r#loop: bool,
    /// Frames the loop's second visit covers and fades over (with --loop)
    #[arg(long, default_value_t = 8, requires = "loop")]
    pub loop_frames: usize,
    /// Multi-pass (Ruder et al.): sweep over the whole clip this many times, alternately forward
    /// and backward, each frame of a later pass starting from its previous pass's result blended
    /// with its sweep neighbour's warped result; --iters per frame per pass (needs an output
    /// folder; the clip is held in memory at the processing size)
    #[arg(long, default_value_t = 1)]
    pub passes: usize,
    /// Multi-pass: weight of the warped neighbour in a later pass's start, where the flow holds
    #[arg(long, default_value_t = 0.5)]
    pub pass_blend: f32,
    /// Multi-pass: the first pass (1..--passes) with the temporal loss [default: passes / 2 + 1,
    /// as Ruder et al.'s 8 of 15]
    #[arg(long)]
    pub temporal_pass: Option<usize>,
    /// Continue after the last finished frame in the output folder (the settings must be the
    /// ones that made those frames)
    #[arg(long, conflicts_with = "overwrite")]
    pub resume: bool,
    /// Delete the frames an earlier run left in the output folder and start over
    #[arg(long)]
    pub overwrite: bool,
    /// Write per-frame warping errors (the flicker measure) and timings as JSON
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Process at most this many frames
    #[arg(long)]
    pub frames: Option<usize>,
    /// Paint only segment K of N (the frames split evenly, K from 1), starting --overlap frames
    /// early, into OUT/.paintflow-segments/KofN (its own lock, settings and --resume); then
    /// `paintflow join OUT` assembles OUT. Needs a folder of frames
    #[arg(long, value_name = "K/N")]
    pub segment: Option<String>,
    /// Frames a segment paints before its first own frame, where its chain starts and settles;
    /// the join cross-fades them with the segment before, adding about D/(F+1)^2 to each faded
    /// pair's warping error (D: the two chains' difference, 15-35x smaller with --keyframes;
    /// README) [default: 24, or the shortest segment]
    #[arg(long, value_name = "F")]
    pub overlap: Option<usize>,
    /// Paint the keyframes of a split into N segments (each segment's first frame, one chain over
    /// the clip, each started from the one before warped along the flow) into
    /// OUT/.paintflow-segments/keyframes-N; a --segment K/N rendered after starts its chain from
    /// keyframe K, so neighbouring chains paint alike and their seams fade (README). Resumable
    #[arg(long, value_name = "N", conflicts_with_all = ["segment", "emit_sbatch"])]
    pub keyframes: Option<usize>,
    /// Print (submit nothing) a bash script that submits this render to Slurm as a job array of
    /// N segments, one --segment each (resumable), and a join job that runs when all succeeded
    #[arg(long, value_name = "N")]
    pub emit_sbatch: Option<usize>,
    /// With --emit-sbatch: the generic resource each job asks for (none: no --gres line)
    #[arg(long, value_name = "GRES", default_value = "gpu:1", requires = "emit_sbatch")]
    pub sbatch_gres: String,
    /// With --emit-sbatch: one more #SBATCH option for every job, e.g.
    /// --sbatch-arg=--partition=gpu --sbatch-arg=--time=4:00:00 (repeatable)
    #[arg(long, value_name = "OPTION", allow_hyphen_values = true, requires = "emit_sbatch")]
    pub sbatch_arg: Vec<String>,
}

#[derive(Args)]
pub struct FlowArgs {
    /// First image (PNG/JPEG)
    pub a: PathBuf,
    /// Second image, same size; the flow satisfies B(x + flow(x)) ~ A(x)
    pub b: PathBuf,
    /// Output flow A->B, Middlebury .flo
    #[arg(long, short = 'o')]
    pub output: PathBuf,
    /// Also write the backward flow B->A (.flo)
    #[arg(long)]
    pub backward: Option<PathBuf>,
    /// Colour-wheel picture of the flow (hue = direction, saturation = magnitude)
    #[arg(long)]
    pub viz: Option<PathBuf>,
    /// Forward-backward consistency mask as a PNG (white = consistent, black = occluded)
    #[arg(long)]
    pub mask: Option<PathBuf>,
    /// Pyramid levels (default: coarsest level's short side 8-16 px)
    #[arg(long)]
    pub levels: Option<usize>,
    /// Gaussian window size in pixels (odd)
    #[arg(long, default_value_t = FlowConfig::default().window)]
    pub window: usize,
    /// Gauss-Newton iterations at the finest level (2^l times as many at level l, up to 8x)
    #[arg(long, default_value_t = FlowConfig::default().iters)]
    pub iters: usize,
    /// No 3x3 median of the flow after each level's LK update
    #[arg(long)]
    pub no_median: bool,
    /// Variational refinement after each level's LK update: fixed-point iterations per level
    /// (each re-weights the robust terms; 0 turns the refinement off)
    #[arg(long, default_value_t = FlowConfig::default().refine.iters)]
    pub refine_iters: usize,
    /// Refinement: red-black SOR sweeps per fixed-point iteration (twice as many below the finest level)
    #[arg(long, default_value_t = FlowConfig::default().refine.sor)]
    pub refine_sor: usize,
    /// Refinement: smoothness weight (larger: smoother flow; intensities 0..255 as OpenCV's DIS)
    #[arg(long, default_value_t = FlowConfig::default().refine.alpha)]
    pub refine_alpha: f32,
    /// Refinement: brightness-constancy weight
    #[arg(long, default_value_t = FlowConfig::default().refine.delta)]
    pub refine_delta: f32,
    /// Refinement: gradient-constancy weight
    #[arg(long, default_value_t = FlowConfig::default().refine.gamma)]
    pub refine_gamma: f32,
    /// Ground-truth .flo: print the average endpoint error of the result (pixels whose ground truth is unknown,
    /// components above 1e9 or NaN, are left out and counted)
    #[arg(long)]
    pub gt: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OptimizerArg {
    Adam,
    Lbfgs,
}

#[derive(Clone, Copy, ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PaddingArg {
    Zero,
    Replicate,
    Reflect,
}

#[derive(Clone, Copy, ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PoolArg {
    Max,
    Avg,
}

/// Options shared by image and video stylisation.
#[derive(Args, Clone, serde::Serialize)]
pub struct StyleOpts {
    /// Real-time mode: paint with the built-in feed-forward network instead of optimising,
    /// style N (0-25, see `paintflow styles`) or a blend such as 3:0.5,19:0.5; the optimisation
    /// flags (--style, weights, --iters, ...) do not apply
    #[arg(long, allow_hyphen_values = true)]
    pub builtin: Option<String>,
    /// Style image(s), PNG or JPEG; repeat for several (default: the bundled Starry Night)
    #[arg(long = "style", short = 's')]
    pub styles: Vec<PathBuf>,
    /// Weights of the styles when several are given, e.g. 0.7,0.3
    #[arg(long, value_delimiter = ',')]
    pub style_blend: Vec<f32>,
    /// Longest side of the output in pixels [default: 512; 128 on a CPU driver, where each
    /// iteration at 512 px takes minutes]
    #[arg(long)]
    pub size: Option<u32>,
    /// Weight of the content loss (relu4_2)
    #[arg(long, default_value_t = 5.0)]
    pub content_weight: f32,
    /// Weight of the style loss (relu1_1 ... relu5_1)
    #[arg(long, default_value_t = 100.0)]
    pub style_weight: f32,
    /// Layers of the content loss, by name (relu1_1 ... relu5_1)
    #[arg(long, value_delimiter = ',', default_value = "relu4_2")]
    pub content_layers: Vec<String>,
    /// Layers of the style loss, by name
    #[arg(long, value_delimiter = ',', default_value = "relu1_1,relu2_1,relu3_1,relu4_1,relu5_1")]
    pub style_layers: Vec<String>,
    /// Relative weight of each style layer, in --style-layers order [default: 1 for each]
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    pub style_layer_weights: Vec<f32>,
    /// Iterate averaging: save the moving average of the iterates with this decay (e.g. 0.95)
    /// instead of the last iterate
    #[arg(long, allow_negative_numbers = true)]
    pub ema: Option<f32>,
    /// Divide each loss layer's gradient by its L1 norm before weighting it (neural-style's
    /// --normalize_gradients; the weights then act on normalised gradients: try e.g.
    /// --content-weight 5 --style-weight 100 and adjust)
    #[arg(long)]
    pub normalize_gradients: bool,
    /// Weight of the total-variation (smoothness) loss: the mean squared difference of
    /// neighbouring pixels (0..255). Measured default: 7-8 % less high-frequency noise for at
    /// most 0.3 % more content + style loss; 1000 smooths more (-21 %, +3 % loss); 0 turns it off
    #[arg(long, default_value_t = 100.0)]
    pub tv_weight: f32,
    /// How the pixels are updated: L-BFGS (quasi-Newton, on the GPU; lower loss at equal
    /// iterations, see the README) or Adam
    #[arg(long, value_enum, default_value_t = OptimizerArg::Lbfgs)]
    pub optimizer: OptimizerArg,
    /// Step size: Adam's learning rate in pixel units (0..255) [default: 4], or L-BFGS's step
    /// length [default: 1, the quasi-Newton step]
    #[arg(long, allow_negative_numbers = true)]
    pub lr: Option<f32>,
    /// L-BFGS: how many (step, gradient change) pairs it remembers (24 bytes per pixel of GPU
    /// memory each; measured, 20 paints within 0.2 % of neural-style's 100 at a fifth of the cost)
    #[arg(long, default_value_t = 20, allow_negative_numbers = true)]
    pub lbfgs_history: usize,
    /// L-BFGS: let pixels leave 0..255 during the optimisation (clamped only when saved)
    /// instead of projecting them back after every step (measurements: BENCHMARKS.md)
    #[arg(long, hide = true)]
    pub lbfgs_unbounded: bool,
    /// Style images are resized to this fraction of the output's longest side
    #[arg(long, default_value_t = 1.0)]
    pub style_scale: f32,
    /// Pooling in the network
    #[arg(long, value_enum, default_value_t = PoolArg::Max)]
    pub pool: PoolArg,
    /// What the network's convolutions see beyond the image's edge: the edge pixels replicated
    /// (no frame along the borders) or reflected, or zeros (VGG's own; paints a frame)
    #[arg(long, value_enum, default_value_t = PaddingArg::Replicate)]
    pub padding: PaddingArg,
    /// VGG-19 weights (safetensors; default: the bundled weights/ file)
    #[arg(long)]
    pub weights: Option<PathBuf>,
    /// Read the losses back every N iterations (each read waits for the GPU)
    #[arg(long, default_value_t = 10)]
    pub log_every: usize,
}

#[derive(Args)]
pub struct StylesArgs {
    /// Content image, PNG or JPEG (default: the bundled photo of a cat)
    #[arg(long, short = 'c')]
    pub content: Option<PathBuf>,
    /// Output contact sheet (.png or .jpg): the original, then styles 0 to 25, row by row, each
    /// tile numbered
    #[arg(long, short = 'o', default_value = "styles.png")]
    pub output: PathBuf,
    /// Longest side of each tile in pixels
    #[arg(long, default_value_t = 256)]
    pub size: u32,
}

#[derive(Args)]
pub struct ImageArgs {
    /// Content image, PNG or JPEG (default: the bundled photo of a cat)
    #[arg(long, short = 'c')]
    pub content: Option<PathBuf>,
    /// Output image (.png or .jpg)
    #[arg(long, short = 'o', default_value = "painting.png")]
    pub output: PathBuf,
    #[command(flatten)]
    pub style: StyleOpts,
    /// Iterations (at each scale) [default: 300; 150 on a CPU driver]
    #[arg(long)]
    pub iters: Option<usize>,
    /// Starting image: content, noise, or an image file
    #[arg(long, default_value = "content")]
    pub init: String,
    /// Seed for --init noise
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Keep the content's colours (transfer luminance only)
    #[arg(long)]
    pub original_colors: bool,
    /// Coarse to fine: N optimises at size/2^(N-1), upsamples, continues ... up to --size;
    /// `auto` goes up in steps of sqrt(2) from about 128 px. --iters applies at each scale
    #[arg(long, default_value = "1")]
    pub scales: String,
    /// Bits per channel of the output: 8, or 16 (PNG only, for printing)
    #[arg(long, default_value_t = 8)]
    pub depth: u8,
    /// Also save the image every N iterations (OUTPUT with the iteration number appended)
    #[arg(long)]
    pub save_every: Option<usize>,
    /// Write the losses to a CSV file: iteration, content, style, tv, total
    #[arg(long)]
    pub losses: Option<PathBuf>,
}

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Info => info(cli.adapter.as_deref()),
        Command::Image(a) => image(cli.adapter.as_deref(), a),
        Command::Flow(a) => flow(cli.adapter.as_deref(), a),
        Command::Video(a) => video(cli.adapter.as_deref(), a),
        Command::Flicker(a) => flicker(cli.adapter.as_deref(), a),
        Command::Join(a) => join(cli.adapter.as_deref(), a),
        Command::Bench(a) => bench(cli.adapter.as_deref(), a),
        Command::Styles(a) => styles(cli.adapter.as_deref(), a),
    }
}

fn info(adapter: Option<&str>) -> Result<()> {
    let gpu = Gpu::new(adapter)?;
    let s = gpu.summary();
    let l = &gpu.limits;
    println!("adapter:      {}", s.name);
    println!("backend:      {}", s.backend);
    println!("device type:  {}", s.device_type);
    println!("driver:       {}", s.driver);
    println!("limits:");
    println!("  max_buffer_size                      {} MiB", l.max_buffer_size >> 20);
    println!("  max_storage_buffer_binding_size      {} MiB", l.max_storage_buffer_binding_size >> 20);
    println!("  max_storage_buffers_per_shader_stage {}", l.max_storage_buffers_per_shader_stage);
    println!("  max_compute_workgroup_storage_size   {} B", l.max_compute_workgroup_storage_size);
    println!("  max_compute_invocations_per_workgroup {}", l.max_compute_invocations_per_workgroup);
    println!("  max_compute_workgroups_per_dimension {}", l.max_compute_workgroups_per_dimension);
    println!(
        "timestamp queries: {}",
        if gpu.device.features().contains(wgpu::Features::TIMESTAMP_QUERY) { "yes" } else { "no" }
    );
    let names = |v: Vec<paintflow::ops::conv::ConvVariant>| v.iter().map(|v| v.name()).collect::<Vec<_>>().join(", ");
    println!("convolution kernels this adapter runs: {}", names(paintflow::ops::conv::ConvVariant::available(&gpu)));
    match paintflow::ops::conv::ConvVariant::forced(&gpu)? {
        Some(v) => println!("  forced by PAINTFLOW_CONV: {}", v.name()),
        None => {
            let (mode, path, choices) = gpu.tune_report();
            let cands = names(paintflow::ops::conv::ConvVariant::candidates(&gpu));
            println!("  chosen per layer shape by measurement among: {cands} (PAINTFLOW_AUTOTUNE={mode:?})");
            if let Some(p) = path {
                println!("  measured choices cached in {}", p.display());
            }
            for (what, choice) in choices {
                println!("    {what}: {choice}");
            }
        }
    }
    Ok(())
}

/// Load the network with the layers the losses need.
pub fn load_vgg(gpu: &Gpu, opts: &StyleOpts, depth: usize) -> Result<Vgg> {
    let path = match &opts.weights {
        Some(p) => p.clone(),
        None => vgg::default_weights_path()?,
    };
    let w = VggWeights::load(&path, depth)?;
    let pool = match opts.pool {
        PoolArg::Max => Pool::Max,
        PoolArg::Avg => Pool::Avg,
    };
    let mut vgg = Vgg::new(gpu, &w, pool)?;
    vgg.padding = match opts.padding {
        PaddingArg::Zero => Padding::Zero,
        PaddingArg::Replicate => Padding::Replicate,
        PaddingArg::Reflect => Padding::Reflect,
    };
    Ok(vgg)
}

/// --size, or the default for this adapter: 512 on GPUs, `on_cpu` on CPU drivers so that a run
/// takes minutes (an image at 256 px: about 2 minutes on 2 cores; a video frame at 128 px).
fn resolve_size(gpu: &Gpu, opts: &StyleOpts, on_cpu: u32) -> u32 {
    opts.size.unwrap_or_else(|| {
        if gpu.is_cpu() {
            eprintln!("note: {} is a CPU driver; using --size {on_cpu} (pass --size to choose)", gpu.info.name);
            on_cpu
        } else {
            512
        }
    })
}

/// The style images with their blend weights.
pub fn load_styles(opts: &StyleOpts) -> Result<Vec<(imageio::Rgb, f32)>> {
    let imgs: Vec<imageio::Rgb> = if opts.styles.is_empty() {
        vec![imageio::decode(imageio::EXAMPLE_STYLE.0, imageio::EXAMPLE_STYLE.1)?]
    } else {
        opts.styles.iter().map(|p| imageio::load(p).with_context(|| "--style")).collect::<Result<_>>()?
    };
    let blend = if opts.style_blend.is_empty() { vec![1.0; imgs.len()] } else { opts.style_blend.clone() };
    if blend.len() != imgs.len() {
        bail!("--style-blend has {} weights but {} --style images were given", blend.len(), imgs.len());
    }
    if blend.iter().any(|w| !w.is_finite() || *w < 0.0) || blend.iter().sum::<f32>() <= 0.0 {
        bail!("--style-blend weights must be non-negative with a positive sum, got {:?}", blend);
    }
    Ok(imgs.into_iter().zip(blend).collect())
}

pub fn loss_config(opts: &StyleOpts) -> Result<style::LossConfig> {
    let layers = |flag: &str, names: &[String]| -> Result<Vec<usize>> {
        if names.is_empty() || names.iter().all(|n| n.is_empty()) {
            bail!("{flag} needs at least one layer name (relu1_1 ... relu5_1)");
        }
        names.iter().map(|n| vgg::layer_index(n.trim()).with_context(|| flag.to_string())).collect()
    };
    let content_layers = layers("--content-layers", &opts.content_layers)?;
    let style = layers("--style-layers", &opts.style_layers)?;
    let weights =
        if opts.style_layer_weights.is_empty() { vec![1.0; style.len()] } else { opts.style_layer_weights.clone() };
    if weights.len() != style.len() {
        bail!(
            "--style-layer-weights has {} values but --style-layers names {} layers ({})",
            weights.len(),
            style.len(),
            opts.style_layers.join(",")
        );
    }
    if weights.iter().any(|w| !w.is_finite() || *w < 0.0) {
        bail!("--style-layer-weights must be non-negative numbers, got {weights:?}");
    }
    let cfg = style::LossConfig {
        content_layers,
        content_weight: opts.content_weight,
        style_layers: style.into_iter().zip(weights).collect(),
        style_weight: opts.style_weight,
        tv_weight: opts.tv_weight,
        normalize_gradients: opts.normalize_gradients,
    };
    for (flag, v) in [
        ("--content-weight", opts.content_weight),
        ("--style-weight", opts.style_weight),
        ("--tv-weight", opts.tv_weight),
        ("--lr", opts.lr.unwrap_or(1.0)),
    ] {
        if !v.is_finite() || v < 0.0 {
            bail!("{flag} must be a non-negative number, got {v}");
        }
    }
    if opts.size.is_some_and(|s| s < 16) {
        bail!("--size must be at least 16 (VGG-19 pools 4 times), got {}", opts.size.unwrap());
    }
    if opts.lr == Some(0.0) {
        bail!("--lr must be positive, got 0");
    }
    if let Some(d) = opts.ema {
        if !(0.0..1.0).contains(&d) {
            bail!("--ema must be a decay in [0, 1), e.g. 0.95, got {d}");
        }
    }
    if !(1..=1000).contains(&opts.lbfgs_history) {
        bail!("--lbfgs-history must be from 1 to 1000 pairs (neural-style uses 100), got {}", opts.lbfgs_history);
    }
    if !(opts.style_scale.is_finite() && opts.style_scale > 0.0 && opts.style_scale <= 8.0) {
        bail!(
            "--style-scale must be a number in (0, 8] (styles are resized to that times the output's long side), got {}",
            opts.style_scale
        );
    }
    Ok(cfg)
}

/// The optimiser the flags ask for; both keep the pixels in 0..255 (Adam by clamping after each
/// step, L-BFGS by projecting after each step).
pub fn method(opts: &StyleOpts) -> style::Method {
    match opts.optimizer {
        OptimizerArg::Adam => style::Method::Adam(style::pixel_adam(opts.lr.unwrap_or(4.0))),
        OptimizerArg::Lbfgs => {
            let mut c = style::pixel_lbfgs(opts.lr.unwrap_or(1.0), opts.lbfgs_history);
            if opts.lbfgs_unbounded {
                c.project = None;
            }
            style::Method::Lbfgs(c)
        }
    }
}

pub fn progress_bar(len: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template(&format!(
            "{what} {{bar:30}} {{pos}}/{{len}} [{{elapsed_precise}} < {{eta_precise}}, {{per_sec}}] {{msg}}"
        ))
        .unwrap(),
    );
    pb
}

/// Fail now, naming the flag, when `path` cannot be written (read-only or impossible folder, a
/// folder where a file is wanted) rather than after the work: a probe file is created beside it
/// and removed (the folder is created, as the writer would).
fn check_writable(flag: &str, path: &Path) -> Result<()> {
    if path.is_dir() {
        bail!("{flag} {}: is a folder; expected a file name", path.display());
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("{flag} {}: cannot create its folder", path.display()))?;
    let probe = dir.join(format!(".paintflow-probe-{}", std::process::id()));
    std::fs::File::create(&probe).with_context(|| format!("{flag} {}: cannot write there", path.display()))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// `-o` must not name one of the inputs (the result would replace it).
fn check_not_input(output: &Path, inputs: &[&Path]) -> Result<()> {
    if let Some(i) = inputs.iter().find(|i| same_path(i, output)) {
        bail!("-o {}: is an input ({}); choose another output file", output.display(), i.display());
    }
    Ok(())
}

/// An image output (`-o`): a PNG/JPEG name, not one of the inputs, writable.
fn check_output(output: &Path, inputs: &[&Path]) -> Result<()> {
    imageio::output_format(output).context("-o")?;
    check_not_input(output, inputs)?;
    check_writable("-o", output)
}

/// --content, or the bundled photo.
fn load_content(path: Option<&Path>) -> Result<imageio::Rgb> {
    Ok(match path {
        Some(p) => imageio::load(p).context("--content")?,
        None => imageio::decode(imageio::EXAMPLE_CONTENT.0, imageio::EXAMPLE_CONTENT.1)?,
    })
}

/// Each style resized to `style_px` on its long side, as [`check_vgg_input`].
fn check_style_sizes(opts: &StyleOpts, styles: &[(imageio::Rgb, f32)], style_px: u32) -> Result<()> {
    for (i, (img, _)) in styles.iter().enumerate() {
        let name = opts.styles.get(i).map_or(imageio::EXAMPLE_STYLE.0.to_string(), |p| p.display().to_string());
        check_vgg_input(&format!("style {name}"), img.dimensions(), style_px, "raise --style-scale (or --size)")?;
    }
    Ok(())
}

/// VGG-19 pools four times, so every image it sees needs 16 px on its short side. Checked for
/// the content at its smallest scale, each style at its resized size and a video's first frame,
/// before any work, naming the image, its sizes and the flag to change.
fn check_vgg_input(what: &str, (w, h): (u32, u32), size: u32, flag: &str) -> Result<()> {
    let (fw, fh) = imageio::fit_dims(w, h, size);
    if fw.min(fh) < 16 {
        let need = (16.0 * w.max(h) as f64 / w.min(h).max(1) as f64).ceil() as u32;
        bail!(
            "{what} is {w}x{h}: resized to {size} px on its long side it becomes {fw}x{fh}, but VGG-19 needs at \
             least 16 px on each side (it pools 4 times): {flag} so that the long side is at least {need} px"
        );
    }
    Ok(())
}

/// The content at every scale and each style at its size, as [`check_vgg_input`].
fn check_image_sizes(
    a: &ImageArgs,
    content: &imageio::Rgb,
    styles: &[(imageio::Rgb, f32)],
    sizes: &[u32],
) -> Result<()> {
    let name = a.content.as_ref().map_or(imageio::EXAMPLE_CONTENT.0.to_string(), |p| p.display().to_string());
    let smallest = sizes.iter().copied().min().unwrap_or(16);
    let flag = if sizes.len() > 1 { "raise --size or use fewer --scales" } else { "raise --size" };
    check_vgg_input(&format!("content {name}"), content.dimensions(), smallest, flag)?;
    let (cw, ch) = imageio::fit_dims(content.width(), content.height(), smallest);
    check_style_sizes(&a.style, styles, style::style_size(cw, ch, a.style.style_scale))
}

fn image(adapter: Option<&str>, a: ImageArgs) -> Result<()> {
    if let Some(spec) = &a.style.builtin {
        return image_builtin(adapter, &a, spec);
    }
    let cfg = loss_config(&a.style)?;
    let inputs: Vec<&Path> = a.content.iter().chain(&a.style.styles).map(|p| p.as_path()).collect();
    check_output(&a.output, &inputs)?;
    if let Some(p) = &a.losses {
        check_writable("--losses", p)?;
    }
    let content = load_content(a.content.as_deref())?;
    let styles = load_styles(&a.style)?;
    let init = match a.init.as_str() {
        "content" => Init::Content,
        "noise" => Init::Noise,
        file => Init::Image(imageio::load(Path::new(file)).context("--init")?),
    };
    if a.iters == Some(0) {
        bail!("--iters must be at least 1");
    }
    let scales = match a.scales.as_str() {
        "auto" => style::Scales::Auto,
        n => match n.parse::<usize>() {
            Ok(k) if (1..=8).contains(&k) => style::Scales::Halving(k),
            _ => bail!("--scales must be `auto` or a number of scales from 1 to 8, got {n:?}"),
        },
    };
    match a.depth {
        8 => {}
        16 if imageio::output_format(&a.output)?.1 == image::ImageFormat::Png => {}
        16 => bail!("-o {}: --depth 16 needs a .png output (JPEG has no 16-bit form)", a.output.display()),
        d => bail!("--depth must be 8 or 16, got {d}"),
    }
    let gpu = Gpu::new(adapter)?;
    let size = resolve_size(&gpu, &a.style, 256);
    check_image_sizes(&a, &content, &styles, &scales.sizes(size))?;
    let iters = a.iters.unwrap_or(if gpu.is_cpu() { 150 } else { 300 });
    let vgg = load_vgg(&gpu, &a.style, cfg.depth())?;
    let job = ImageJob {
        size,
        iters,
        loss: cfg,
        method: method(&a.style),
        ema: a.style.ema,
        init,
        seed: a.seed,
        style_scale: a.style.style_scale,
        scales,
        log_every: a.style.log_every,
        original_colors: a.original_colors,
    };
    let mut csv = match &a.losses {
        Some(p) => {
            let mut f =
                std::io::BufWriter::new(std::fs::File::create(p).with_context(|| format!("--losses {}", p.display()))?);
            writeln!(f, "scale,iteration,content,style,tv,total")?;
            Some(f)
        }
        None => None,
    };
    let pb = progress_bar((iters * job.scales.sizes(size).len()) as u64, "painting");
    let mut scale = 0;
    let start = Instant::now();
    let out_path = a.output.clone();
    let result = style::stylize(
        &gpu,
        &vgg,
        &job,
        &content,
        &styles,
        |ev| match ev {
            style::Event::Scale(k, n, w, h) => {
                scale = k;
                pb.println(format!("scale {}/{n}: {w}x{h}", k + 1));
            }
            style::Event::Iteration(_) => pb.inc(1),
            style::Event::Losses(it, l) => {
                if l.rejected {
                    pb.println(format!(
                        "iteration {it}: L-BFGS rejected a step (loss {:.3e}); retrying from the last good image",
                        l.total
                    ));
                }
                pb.set_message(format!("style {:.3e} content {:.3e}", l.style, l.content));
                if let Some(f) = csv.as_mut() {
                    // flushed per line so the file can be watched during a long run
                    let _ = writeln!(f, "{scale},{it},{},{},{},{}", l.content, l.style, l.tv, l.total)
                        .and_then(|_| f.flush());
                }
            }
        },
        |it, opt| {
            if a.save_every.is_some_and(|n| n > 0 && it % n == 0) {
                let stem = out_path.file_stem().and_then(|s| s.to_str()).unwrap_or("painting");
                let ext = out_path.extension().and_then(|s| s.to_str()).unwrap_or("png");
                let p = out_path.with_file_name(format!("{stem}_{it:05}.{ext}"));
                imageio::save_atomic(&opt.image(&gpu)?, &p)?;
            }
            Ok(())
        },
    );
    pb.finish_and_clear();
    if let Some(mut f) = csv {
        f.flush()?;
    }
    let painting = match result {
        Ok(p) => p,
        Err(paintflow::Error::Diverged { msg, last_good }) => {
            imageio::save_atomic(&last_good, &a.output)?;
            bail!("{msg}; the last good image is in {}", a.output.display());
        }
        Err(e) => return Err(e.into()),
    };
    if a.depth == 16 {
        imageio::save_atomic16(&painting.to_rgb16(), &a.output)?;
    } else {
        imageio::save_atomic(&painting.to_rgb8(), &a.output)?;
    }
    eprintln!(
        "wrote {} ({}x{}, {} bits per channel) in {:.1} s",
        a.output.display(),
        painting.width,
        painting.height,
        a.depth,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The style flags that have no meaning for the built-in network, when given.
fn optimisation_flags_given(o: &StyleOpts) -> Option<&'static str> {
    [
        (!o.styles.is_empty(), "--style"),
        (!o.style_blend.is_empty(), "--style-blend"),
        (o.weights.is_some(), "--weights"),
        (o.ema.is_some(), "--ema"),
        (o.normalize_gradients, "--normalize-gradients"),
    ]
    .into_iter()
    .find(|c| c.0)
    .map(|c| c.1)
}

/// Load the built-in network with the blend `spec` asks for.
fn load_stylenet(gpu: &Gpu, spec: &str) -> Result<paintflow::stylenet::StyleNet> {
    use paintflow::stylenet::{self as sn, Blend, StyleNet, StyleNetWeights};
    let blend = Blend::parse(spec)?;
    Ok(StyleNet::new(gpu, StyleNetWeights::load(&sn::default_path()?)?, &blend)?)
}

fn image_builtin(adapter: Option<&str>, a: &ImageArgs, spec: &str) -> Result<()> {
    paintflow::stylenet::Blend::parse(spec)?;
    if let Some(flag) = optimisation_flags_given(&a.style) {
        bail!("{flag} belongs to the optimisation; --builtin paints with a built-in network instead");
    }
    check_output(&a.output, &a.content.iter().map(|p| p.as_path()).collect::<Vec<_>>())?;
    if a.style.size.is_some_and(|s| !(4..=8192).contains(&s)) {
        bail!("--size must be from 4 to 8192, got {}", a.style.size.unwrap());
    }
    let content = load_content(a.content.as_deref())?;
    let gpu = Gpu::new(adapter)?;
    let net = load_stylenet(&gpu, spec)?;
    let start = Instant::now();
    // the network is fast everywhere: 512 px by default, even on CPU drivers
    let img = imageio::fit(&content, a.style.size.unwrap_or(512));
    let out = paintflow::stylenet::paint(&gpu, &net, &img)?;
    let out =
        if a.original_colors { style::Painting::from_rgb(&out).with_original_colors(&img).to_rgb8() } else { out };
    imageio::save_atomic(&out, &a.output)?;
    eprintln!(
        "wrote {} ({}x{}, built-in style {spec}) in {:.2} s",
        a.output.display(),
        out.width(),
        out.height(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

fn styles(adapter: Option<&str>, a: StylesArgs) -> Result<()> {
    use paintflow::stylenet::{self as sn, Blend, StyleNet, StyleNetPass, StyleNetWeights, STYLES};
    check_output(&a.output, &a.content.iter().map(|p| p.as_path()).collect::<Vec<_>>())?;
    if !(16..=2048).contains(&a.size) {
        bail!("--size must be from 16 to 2048, got {}", a.size);
    }
    let content = load_content(a.content.as_deref())?;
    let gpu = Gpu::new(adapter)?;
    let img = imageio::fit(&content, a.size);
    let padded = sn::pad_to_4(&img);
    let net = StyleNet::new(&gpu, StyleNetWeights::load(&sn::default_path()?)?, &Blend::one(0))?;
    let pass = StyleNetPass::new(&gpu, &net, padded.height() as usize, padded.width() as usize)?;
    let (tw, th) = img.dimensions();
    let cols = 7;
    let rows = (STYLES + 1).div_ceil(cols) as u32;
    let gap = 4;
    let mut sheet =
        imageio::Rgb::from_pixel(cols as u32 * (tw + gap) + gap, rows * (th + gap) + gap, image::Rgb([255, 255, 255]));
    let pb = progress_bar(STYLES as u64, "styles");
    for k in 0..=STYLES {
        let tile = if k == 0 {
            img.clone()
        } else {
            net.set_blend(&gpu, &Blend::one(k - 1))?;
            pb.inc(1);
            sn::crop(&pass.paint(&gpu, &padded)?, tw, th)
        };
        let (x, y) = (gap + (k % cols) as u32 * (tw + gap), gap + (k / cols) as u32 * (th + gap));
        image::imageops::overlay(&mut sheet, &tile, x as i64, y as i64);
        if k > 0 {
            imageio::stamp_number(&mut sheet, x + 2, y + 2, k - 1);
        }
    }
    pb.finish_and_clear();
    imageio::save_atomic(&sheet, &a.output)?;
    eprintln!("wrote {}: the original, then styles 0 to {} (row by row)", a.output.display(), STYLES - 1);
    Ok(())
}

fn flicker(adapter: Option<&str>, a: FlickerArgs) -> Result<()> {
    if a.painted == "-" {
        bail!("the painted video must be a folder or a .y4m file (the input may be -)");
    }
    if a.frames.is_some_and(|f| f < 2) {
        bail!("--frames must be at least 2 (a pair of frames)");
    }
    if let Some(p) = &a.json {
        check_writable("--json", p)?;
    }
    let input = paintflow::video::Source::open(&a.input)?;
    let painted = paintflow::video::Source::open(&a.painted)?;
    let gpu = Gpu::new(adapter)?;
    let f = paintflow::video::flicker(&gpu, input, painted, a.frames, a.seam)?;
    for (t, (e, c)) in f.pairs.iter().enumerate() {
        println!("frames {} -> {}: warping error {e:.4e} over {:.1} % of the pixels", t, t + 1, c * 100.0);
    }
    println!("mean warping error {:.4e} over {} pairs", f.mean_warping_error, f.pairs.len());
    if let Some((e, c)) = f.seam {
        println!("seam (last -> first): warping error {e:.4e} over {:.1} % of the pixels", c * 100.0);
    }
    if let Some(p) = &a.json {
        paintflow::files::write_json_atomic(p, &f)?;
    }
    Ok(())
}

fn flow(adapter: Option<&str>, a: FlowArgs) -> Result<()> {
    let ia = imageio::load(&a.a)?;
    let ib = imageio::load(&a.b)?;
    if ia.dimensions() != ib.dimensions() {
        bail!(
            "{} is {}x{} but {} is {}x{}: the two images must have the same size",
            a.a.display(),
            ia.width(),
            ia.height(),
            a.b.display(),
            ib.width(),
            ib.height()
        );
    }
    if !(3..=101).contains(&a.window) || a.window.is_multiple_of(2) {
        bail!("--window must be an odd number from 3 to 101 (pixels), got {}", a.window);
    }
    if a.levels == Some(0) || a.iters == 0 {
        bail!("--levels and --iters must be at least 1");
    }
    if a.iters > 100 {
        bail!("--iters must be at most 100 per level, got {}", a.iters);
    }
    if a.refine_iters > 100 || a.refine_sor > 100 {
        bail!("--refine-iters and --refine-sor must be at most 100, got {} and {}", a.refine_iters, a.refine_sor);
    }
    for (flag, v) in
        [("--refine-alpha", a.refine_alpha), ("--refine-delta", a.refine_delta), ("--refine-gamma", a.refine_gamma)]
    {
        if !(v.is_finite() && (0.0..=1e6).contains(&v)) {
            bail!("{flag} must be a weight from 0 to 1e6, got {v}");
        }
    }
    if a.refine_iters > 0 && a.refine_sor > 0 && a.refine_alpha == 0.0 && a.refine_delta == 0.0 && a.refine_gamma == 0.0
    {
        bail!("--refine-alpha, --refine-delta and --refine-gamma are all 0: nothing to refine (use --refine-iters 0 to turn the refinement off)");
    }
    // past the level where the image is 1 px the pyramid only repeats itself
    let most = (ia.width().max(ia.height()) as f64).log2().ceil() as usize + 1;
    if let Some(n) = a.levels.filter(|&n| n > most) {
        bail!("--levels {n}: a {}x{} image is 1 px after {most} levels; use at most {most}", ia.width(), ia.height());
    }
    check_not_input(&a.output, &[&a.a, &a.b])?;
    check_writable("-o", &a.output)?;
    for (flag, p) in [("--backward", &a.backward), ("--viz", &a.viz), ("--mask", &a.mask)] {
        if let Some(p) = p {
            check_writable(flag, p)?;
        }
    }
    let (w, h) = (ia.width() as usize, ia.height() as usize);
    // the ground truth is checked before any work starts
    let gt = match &a.gt {
        Some(p) => {
            let g = flo::read(p)?;
            if (g.width, g.height) != (w, h) {
                bail!("{}: ground truth is {}x{}, the images {}x{}", p.display(), g.width, g.height, w, h);
            }
            // a ground truth without a known pixel fails now rather than after the estimate
            of::epe(&vec![0.0; g.data.len()], &g.data, p)?;
            Some((p, g))
        }
        None => None,
    };
    let refine = of::Refine {
        iters: a.refine_iters,
        sor: a.refine_sor,
        alpha: a.refine_alpha,
        delta: a.refine_delta,
        gamma: a.refine_gamma,
        ..Default::default()
    };
    let cfg = FlowConfig {
        levels: a.levels,
        window: a.window,
        iters: a.iters,
        median: !a.no_median,
        refine,
        ..Default::default()
    };
    let gpu = Gpu::new(adapter)?;
    let start = Instant::now();
    let of::FlowPair { forward: fwd, backward: bwd, consistency } =
        of::estimate(&gpu, &ia, &ib, &cfg, a.backward.is_some() || a.mask.is_some())?;
    let secs = start.elapsed().as_secs_f64();
    flo::write(&a.output, &flo::FlowField { width: w, height: h, data: fwd.clone() })?;
    if let (Some(p), Some(b)) = (&a.backward, &bwd) {
        flo::write(p, &flo::FlowField { width: w, height: h, data: b.clone() })?;
    }
    if let Some(p) = &a.viz {
        imageio::save_atomic(&of::viz::colorize(&fwd, w, h, None), p)?;
    }
    if let (Some(p), Some(m)) = (&a.mask, &consistency) {
        let img = imageio::Rgb::from_fn(w as u32, h as u32, |x, y| {
            let v = (m[y as usize * w + x as usize] * 255.0) as u8;
            image::Rgb([v, v, v])
        });
        imageio::save_atomic(&img, p)?;
    }
    eprintln!("flow {}x{} in {:.2} s -> {}", w, h, secs, a.output.display());
    if let Some((p, g)) = gt {
        let e = of::epe(&fwd, &g.data, p)?;
        println!("EPE {:.4} px over {} pixels ({} excluded: unknown in the ground truth)", e.mean, e.valid, e.excluded);
    }
    Ok(())
}

fn mode_of(a: &VideoArgs) -> paintflow::video::Mode {
    use paintflow::video::Mode;
    if a.no_flow {
        Mode::NoFlow
    } else if a.blend_only {
        Mode::BlendOnly
    } else {
        Mode::Flow
    }
}

/// The settings a video's frames depend on, by flag name: written beside the frames, and checked
/// by --resume (--frames, --report, --log-every and the adapter do not change a frame).
fn video_settings(a: &VideoArgs, mode: paintflow::video::Mode) -> paintflow::video::Settings {
    let mut s = paintflow::video::Settings::new();
    let mut put = |k: &str, v: serde_json::Value| s.insert(k.to_string(), v);
    put("input", a.input.clone().into());
    put("mode", format!("{mode:?}").into());
    put("--iters-first", a.iters_first.into());
    put("--iters", a.iters.into());
    put("--blend", a.blend.into());
    put("--temporal-weight", a.temporal_weight.into());
    put("--steady", a.steady.into());
    put("--scene-threshold", a.scene_threshold.into());
    put("--tol", a.tol.into());
    put("--tol-window", a.tol_window.into());
    if a.r#loop {
        put("--loop-frames", a.loop_frames.into());
    }
    if a.passes > 1 {
        put("--passes", a.passes.into());
        put("--pass-blend", a.pass_blend.into());
        put("--temporal-pass", temporal_pass(a).into());
    }
    if a.flow_frames != [1] {
        // (left out at the default, so folders made before the flag existed still resume)
        put("--flow-frames", a.flow_frames.clone().into());
    }
    if let Ok(serde_json::Value::Object(style)) = serde_json::to_value(&a.style) {
        for (k, v) in style.into_iter().filter(|(k, _)| k != "log_every") {
            put(&format!("--{}", k.replace('_', "-")), v);
        }
    }
    s
}

/// The first pass with the temporal loss: as given, or passes / 2 + 1.
fn temporal_pass(a: &VideoArgs) -> usize {
    a.temporal_pass.unwrap_or(a.passes / 2 + 1)
}

/// True when the two paths name the same existing file or folder.
fn same_path(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

fn video(adapter: Option<&str>, a: VideoArgs) -> Result<()> {
    use paintflow::video::{self, RenderRange, Sink, Source, VideoEvent, VideoJob};
    let cfg = loss_config(&a.style)?;
    if !(0.0..=1.0).contains(&a.blend) {
        bail!("--blend must be between 0 and 1, got {}", a.blend);
    }
    if a.iters == Some(0) || a.iters_first == 0 {
        bail!("--iters and --iters-first must be at least 1");
    }
    if a.frames == Some(0) {
        bail!("--frames must be at least 1 (leave it out for every frame)");
    }
    if !a.temporal_weight.is_finite() || a.temporal_weight < 0.0 {
        bail!("--temporal-weight must be a non-negative number");
    }
    let to_stdout = a.output == "-";
    if a.resume && to_stdout {
        bail!("--resume needs an output folder (-o DIR), not a stream");
    }
    if a.r#loop && to_stdout {
        bail!("--loop rewrites the first frames at the end: it needs an output folder (-o DIR), not a stream");
    }
    if !(1..=100).contains(&a.passes) {
        bail!("--passes must be from 1 to 100, got {}", a.passes);
    }
    if a.passes > 1 {
        if !(0.0..=1.0).contains(&a.pass_blend) {
            bail!("--pass-blend must be between 0 and 1, got {}", a.pass_blend);
        }
        if !(1..=a.passes).contains(&temporal_pass(&a)) {
            bail!("--temporal-pass must be a pass from 1 to --passes ({}), got {}", a.passes, temporal_pass(&a));
        }
        if let Some(flag) = first_given(&[
            (to_stdout, "-o - (a stream)"),
            (a.style.builtin.is_some(), "--builtin"),
            (a.no_flow, "--no-flow"),
            (a.blend_only, "--blend-only"),
            (a.r#loop, "--loop"),
            (a.flow_frames.len() > 1, "--flow-frames"),
        ]) {
            bail!("--passes works in the flow mode of the optimisation into an output folder; not with {flag}");
        }
    } else if a.temporal_pass.is_some() {
        bail!("--temporal-pass belongs to the multi-pass algorithm: give --passes 2 or more");
    }
    if a.r#loop && !(1..=1000).contains(&a.loop_frames) {
        bail!("--loop-frames must be from 1 to 1000, got {}", a.loop_frames);
    }
    let segment = a.segment.as_deref().map(paintflow::segments::parse_segment).transpose()?;
    if a.emit_sbatch == Some(0) {
        bail!("--emit-sbatch must be at least 1 (the number of segments)");
    }
    if a.keyframes == Some(0) {
        bail!("--keyframes must be at least 1 (the number of segments)");
    }
    if segment.is_some() && a.emit_sbatch.is_some() {
        bail!("--emit-sbatch N gives each job its own --segment K/N: leave --segment out");
    }
    let split = segment.map(|(_, n)| n).or(a.emit_sbatch).or(a.keyframes);
    if a.overlap.is_some() && split.is_none() {
        bail!("--overlap belongs to --segment K/N (or --emit-sbatch N, --keyframes N)");
    }
    if split.is_some() {
        let flag = match (&a.segment, a.emit_sbatch) {
            (Some(_), _) => "--segment",
            (_, Some(_)) => "--emit-sbatch",
            _ => "--keyframes",
        };
        if a.input == "-" {
            bail!("{flag} needs a folder of frames as input (the clip is split by its length): not - (a stream)");
        }
        if let Some(other) = first_given(&[
            (to_stdout, "-o - (a stream): segments are rendered into an output folder"),
            (a.r#loop, "--loop"),
            (a.passes > 1, "--passes"),
            (
                a.report.is_some() && a.keyframes.is_none(),
                "--report (measure the joined video with `paintflow join OUT --seams FILE`)",
            ),
        ]) {
            bail!("{flag} does not work with {other}");
        }
        if a.emit_sbatch.is_some() && a.overwrite {
            bail!(
                "--emit-sbatch: the jobs run with --resume, so a requeued or submitted-again job continues its \
                 segment; to start over, delete OUT/{} first",
                paintflow::segments::SEGMENTS_DIR
            );
        }
    }
    let out_dir = PathBuf::from(&a.output);
    if !to_stdout && out_dir.exists() && !out_dir.is_dir() {
        bail!("-o {}: exists and is not a folder", out_dir.display());
    }
    if !to_stdout && same_path(Path::new(&a.input), &out_dir) {
        bail!("-o {}: is the input folder; the frames would be painted over", out_dir.display());
    }
    if !(0.0..=1.0).contains(&a.steady) {
        bail!("--steady must be between 0 and 1, got {}", a.steady);
    }
    if !(0.0..1.0).contains(&a.tol) {
        bail!("--tol must be a fraction in [0, 1) (0: off), got {}", a.tol);
    }
    if a.tol_window == 0 || a.tol_window > 1000 {
        bail!("--tol-window must be from 1 to 1000 iterations, got {}", a.tol_window);
    }
    if !(0.0..=1.0).contains(&a.scene_threshold) {
        bail!("--scene-threshold must be between 0 and 1 (0: off), got {}", a.scene_threshold);
    }
    if a.flow_frames.first() != Some(&1)
        || a.flow_frames.windows(2).any(|p| p[0] >= p[1])
        || a.flow_frames.last().is_some_and(|&j| j > 64)
    {
        bail!(
            "--flow-frames must be frame offsets ascending from 1, at most 64 (e.g. 1,2,4), got {}",
            a.flow_frames.iter().map(|j| j.to_string()).collect::<Vec<_>>().join(",")
        );
    }
    if a.flow_frames.len() > 1 {
        if let Some(flag) = first_given(&[
            (a.style.builtin.is_some(), "--builtin"),
            (a.no_flow, "--no-flow"),
            (a.blend_only, "--blend-only"),
            (a.temporal_weight == 0.0, "--temporal-weight 0"),
        ]) {
            bail!("--flow-frames adds temporal-loss terms of the flow mode; {flag} has none");
        }
    }
    if let Some(spec) = &a.style.builtin {
        paintflow::stylenet::Blend::parse(spec)?;
    }
    if let Some(p) = &a.report {
        check_writable("--report", p)?;
    }
    let mut source = Source::open(&a.input)?;
    let mode = mode_of(&a);
    // the settings this render's frames depend on (a segment's and the keyframes' add their own)
    let render_settings = video_settings(&a, mode);
    // segments: the clip's length, the overlap, this segment's frames and folder
    let (mut first_frame, mut frames_dir, mut overlap, mut clip_total) = (0, out_dir.clone(), 0, 0);
    // the keyframe a segment starts from, if the keyframes were painted
    let mut keyframe = None;
    if let Some(n) = split {
        let Some(len) = source.known_len() else {
            bail!(
                "{}: segments need a folder of frames as input (its length known up front); extract them first, \
                 e.g. ffmpeg -i {} frames/%06d.png",
                a.input,
                a.input
            );
        };
        let total = a.frames.map_or(len, |m| m.min(len));
        overlap = paintflow::segments::overlap_for(total, n, a.overlap)?;
        clip_total = total;
        if let Some((k, n)) = segment {
            let painted = paintflow::segments::painted_frames(total, k, n, overlap);
            let own = paintflow::segments::segment_frames(total, k, n);
            first_frame = painted.start;
            frames_dir = paintflow::segments::segment_dir(&out_dir, k, n);
            source = source.slice(painted.clone())?;
            let early = match own.start - painted.start {
                0 => String::new(),
                f => format!(", painted from frame {} ({f} overlap frames)", painted.start),
            };
            eprintln!(
                "segment {k}/{n}: frames {}-{} of {total}{early}, into {}",
                own.start,
                own.end - 1,
                frames_dir.display()
            );
            keyframe = paintflow::segments::keyframe_for(
                &out_dir,
                (k, n),
                &render_settings,
                (overlap, total),
                Path::new(&a.input),
            )
            .with_context(|| format!("--segment {k}/{n}"))?;
            match &keyframe {
                Some(p) => eprintln!("segment {k}/{n}: starts from keyframe {k} ({})", p.display()),
                None => eprintln!(
                    "segment {k}/{n}: no keyframes in {}: painting its first frame itself (its seams will show \
                     more: see --keyframes)",
                    paintflow::segments::keyframes_dir(&out_dir, n).display()
                ),
            }
        } else if a.keyframes.is_some() {
            let frames = paintflow::segments::keyframe_frames(total, n, overlap);
            frames_dir = paintflow::segments::keyframes_dir(&out_dir, n);
            source = source.select(&frames)?;
            let list: Vec<String> = frames.iter().map(|f| f.to_string()).collect();
            eprintln!(
                "keyframes of {n} segments: frames {} of {total}, into {}",
                list.join(", "),
                frames_dir.display()
            );
        }
    }
    if let (Some(_), Some(flag)) = (&a.style.builtin, optimisation_flags_given(&a.style)) {
        bail!("{flag} belongs to the optimisation; --builtin paints with a built-in network instead");
    }
    let styles = if a.style.builtin.is_some() { Vec::new() } else { load_styles(&a.style)? };
    if let Some(n) = a.emit_sbatch {
        print!("{}", sbatch_script(adapter, &a, n, &out_dir)?);
        return Ok(());
    }
    // one render per folder, and never two runs' frames mixed (claimed before any long work;
    // after the flags, the input and the styles are checked, so those are reported first)
    let _claim = if to_stdout {
        None
    } else {
        let existing = match (a.resume, a.overwrite) {
            (true, _) => video::Existing::Resume,
            (_, true) => video::Existing::Overwrite,
            _ => video::Existing::Refuse,
        };
        let mut settings = render_settings;
        if let Some(k_n) = segment {
            settings = paintflow::segments::segment_settings(settings, k_n, overlap, clip_total, Path::new(&a.input));
            settings = paintflow::segments::from_keyframe_setting(settings, keyframe.is_some());
        } else if let Some(n) = a.keyframes {
            settings = paintflow::segments::keyframe_settings(settings, n, overlap, clip_total, Path::new(&a.input));
        }
        let claim = video::OutputFolder::claim(&frames_dir, &settings, existing).map_err(|e| match segment {
            Some((k, n)) => anyhow::Error::new(e).context(format!("--segment {k}/{n}")),
            None => e.into(),
        })?;
        if claim.unverified {
            eprintln!(
                "note: {} has no record of the settings its frames were made with (an older paintflow); \
                 resuming as asked, with this run's settings recorded from now on",
                frames_dir.display()
            );
        }
        Some(claim)
    };
    let gpu = Gpu::new(adapter)?;
    // the network is fast everywhere: 512 px by default, even on CPU drivers
    let size = if a.style.builtin.is_some() { a.style.size.unwrap_or(512) } else { resolve_size(&gpu, &a.style, 128) };
    if let (None, Some(dims)) = (&a.style.builtin, source.frame_size()) {
        check_vgg_input(&format!("the first frame of {}", source.name()), dims, size, "raise --size")?;
        let (fw, fh) = imageio::fit_dims(dims.0, dims.1, size);
        check_style_sizes(&a.style, &styles, style::style_size(fw, fh, a.style.style_scale))?;
    }
    let (vgg, net) = match &a.style.builtin {
        Some(spec) => (None, Some(load_stylenet(&gpu, spec)?)),
        None => (Some(load_vgg(&gpu, &a.style, cfg.depth())?), None),
    };
    let engine = match (&vgg, &net) {
        (Some(vgg), _) => video::Engine::Optimize { vgg, styles: &styles },
        (_, Some(net)) => video::Engine::Network(net),
        _ => unreachable!("one engine is loaded"),
    };
    let job = VideoJob {
        size,
        iters_first: a.iters_first,
        iters: a.iters.unwrap_or(if a.style.optimizer == OptimizerArg::Lbfgs { 20 } else { 60 }),
        blend: a.blend,
        temporal_weight: a.temporal_weight,
        mode,
        loss: cfg,
        method: method(&a.style),
        ema: a.style.ema,
        style_scale: a.style.style_scale,
        flow: FlowConfig::default(),
        log_every: a.style.log_every,
        report: a.report.is_some(),
        steady: a.steady,
        scene_threshold: a.scene_threshold,
        tol: a.tol,
        tol_window: a.tol_window,
        flow_frames: a.flow_frames.clone(),
        loop_frames: if a.r#loop { a.loop_frames } else { 0 },
        passes: a.passes,
        pass_blend: a.pass_blend,
        temporal_pass: temporal_pass(&a),
    };
    let sink = if to_stdout {
        Sink::Y4m(Box::new(std::io::BufWriter::new(std::io::stdout())))
    } else {
        Sink::Dir(frames_dir.clone())
    };
    // (a segment's source holds its frames only)
    let mut range = RenderRange { resume: a.resume, max_frames: if split.is_some() { None } else { a.frames } };
    if let Some(kf) = &keyframe {
        // the chain continues from the keyframe, as from a finished first frame
        if video::finished_frames(&frames_dir) == 0 {
            paintflow::segments::start_from_keyframe(&frames_dir, kf)?;
        }
        range.resume = true;
    }
    let mut pb = ProgressBar::hidden();
    let mut size_done = (0, 0, 0);
    // a plain line per frame where the bar does not show (stderr not a terminal: logs, batch jobs)
    let plain = !std::io::stderr().is_terminal();
    let (mut frames_total, mut frames_done, started) = (None, 0usize, std::time::Instant::now());
    let stats = video::render(&gpu, engine, &job, source, sink, range, |ev| match ev {
        VideoEvent::Started { width, height, total, first } => {
            size_done = (width, height, first);
            // the loop's second visits count as frames to paint too
            let total =
                total.map(|n| n + if job.loop_frames > 0 { job.loop_frames.min(n.saturating_sub(1)) } else { 0 });
            (frames_total, frames_done) = (total, first);
            let bar = match total {
                Some(n) => {
                    let b = ProgressBar::new(n as u64);
                    b.set_style(
                        ProgressStyle::with_template(
                            "frame {pos}/{len} {bar:30} [{elapsed_precise} < {eta_precise}] {msg}",
                        )
                        .unwrap(),
                    );
                    b
                }
                None => {
                    let b = ProgressBar::new_spinner();
                    b.set_style(ProgressStyle::with_template("frame {pos} [{elapsed_precise}] {msg}").unwrap());
                    b
                }
            };
            bar.set_position(first as u64);
            if to_stdout {
                eprintln!("painting at {width}x{height} (Y4M out is 4:2:0: odd sides grow by one pixel)");
            }
            if first > 0 {
                bar.println(format!("resuming after frame {} in {}", first_frame + first - 1, frames_dir.display()));
            }
            pb = bar;
        }
        VideoEvent::AlreadyDone { frames } => eprintln!("all {frames} frames are already in {}", frames_dir.display()),
        VideoEvent::Iteration { iteration, of } => pb.set_message(format!("iteration {iteration}/{of}")),
        VideoEvent::Frame(st) => {
            pb.set_message(format!("{:.1} s/frame", st.seconds));
            pb.inc(1);
            frames_done += 1;
            if plain {
                let painted = frames_done - size_done.2;
                let per = started.elapsed().as_secs_f64() / painted as f64;
                let of = frames_total.map_or(String::new(), |t| format!("/{t}"));
                let eta = frames_total.map_or(String::new(), |t| {
                    format!(", ETA {}", format_seconds(per * t.saturating_sub(frames_done) as f64))
                });
                let what = if st.looped { format!(" (loop: frame {} again)", st.index) } else { String::new() };
                eprintln!("frame {frames_done}{of}{what}: {:.1} s, {per:.1} s/frame on average{eta}", st.seconds);
            }
        }
    });
    pb.finish_and_clear();
    // the summary is the report's: the last pass's frames, a loop's second visits apart
    let report = video::Report::new(mode, &stats?);
    if let Some(p) = &a.report {
        report.write(p).context("--report")?;
    }
    let pairs = report.frames.iter().filter(|f| f.warping_error.is_some()).count();
    if let Some(e) = report.mean_warping_error {
        eprintln!("mean warping error {e:.6} over {pairs} frame pairs");
    }
    if !report.loop_frames.is_empty() {
        let seam =
            report.loop_seam_warping_error.map_or(String::new(), |e| format!(" (warping error at the seam {e:.6})"));
        eprintln!(
            "closed the loop: frames 0-{} cross-faded with their second visit{seam}",
            report.loop_frames.len() - 1
        );
    }
    let cuts: Vec<String> = report.scene_cuts.iter().map(|c| (first_frame + c).to_string()).collect();
    if !cuts.is_empty() {
        eprintln!("scene cuts (painted afresh) at frames {}", cuts.join(", "));
    }
    if !report.frames.is_empty() {
        let (w, h, _) = size_done;
        let to = if to_stdout { "stdout".to_string() } else { frames_dir.display().to_string() };
        eprintln!("wrote {} frames ({w}x{h}) to {to}", report.frames.len());
    }
    Ok(())
}

/// `s` as one bash word: as it is when plain, else in single quotes.
fn shell_quote(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./:=,+@%^".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The bash script of `video ... --emit-sbatch N`: an array job of N tasks, each this command
/// line with `--segment $SLURM_ARRAY_TASK_ID/N --resume` (in this folder, so relative paths
/// hold), after a job painting their keyframes (`--keyframes N --resume`; afterok), and a join
/// job depending on the whole array (afterok), which also measures the seams.
fn sbatch_script(adapter: Option<&str>, a: &VideoArgs, n: usize, out_dir: &Path) -> Result<String> {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|s| s.into_string().map_err(|s| anyhow::anyhow!("--emit-sbatch: {s:?} is not UTF-8 text")))
        .collect::<Result<_>>()?;
    if let Some(bad) = args.iter().find(|s| s.contains('\n')) {
        bail!("--emit-sbatch: an argument holds a line break: {bad:?}");
    }
    // this command line without the flags of the emission, --resume and --overwrite
    let (mut keep, mut rest, mut it) = (Vec::new(), Vec::new(), args.into_iter());
    while let Some(arg) = it.next() {
        if arg == "--" {
            rest.push(arg);
            rest.extend(it.by_ref());
            break;
        }
        let flag = arg.split_once('=').map_or(arg.as_str(), |(f, _)| f);
        match flag {
            "--emit-sbatch" | "--sbatch-gres" | "--sbatch-arg" => {
                if !arg.contains('=') {
                    it.next();
                }
            }
            "--resume" | "--overwrite" => {}
            _ => keep.push(arg),
        }
    }
    let exe = std::env::current_exe().context("--emit-sbatch: cannot find the paintflow binary's path")?;
    let exe = exe.canonicalize().unwrap_or(exe);
    let cwd = std::env::current_dir().context("--emit-sbatch: cannot find the current folder")?;
    let out = std::path::absolute(out_dir).context("--emit-sbatch: -o")?;
    let logs = out.join(paintflow::segments::SEGMENTS_DIR);
    let q = |p: &Path| shell_quote(&p.display().to_string());
    let command = |flags: String| {
        let mut words: Vec<String> = keep.iter().map(|s| shell_quote(s)).collect();
        words.push(flags);
        words.extend(rest.iter().map(|s| shell_quote(s)));
        words.join(" ")
    };
    // every option on sbatch's command line (quoted there, unlike #SBATCH lines)
    let mut options = Vec::new();
    if a.sbatch_gres != "none" {
        options.push(format!("--gres={}", a.sbatch_gres));
    }
    options.push(format!("--chdir={}", cwd.display()));
    options.push("--open-mode=append".into());
    options.extend(a.sbatch_arg.iter().cloned());
    let options: Vec<String> = options.iter().map(|o| shell_quote(o)).collect();
    let log = |name: &str| shell_quote(&format!("--output={}/{name}", logs.display()));
    let adapter = adapter.map_or(String::new(), |x| format!(" --adapter {}", shell_quote(x)));
    let seams = out.join(".paintflow-seams.json");
    Ok(format!(
        r#"#!/usr/bin/env bash
# Made by `paintflow video ... --emit-sbatch {n}`: paints {input} into {out} as a Slurm job array of
# {n} segments (one job each, --segment K/{n} --resume: a job run again continues its segment)
# after a job painting their keyframes (--keyframes {n}: each segment's chain starts from one, so
# neighbouring chains paint alike), then a join job that runs once all of them succeeded (afterok)
# and measures the seams.
# Submit with `bash THIS_SCRIPT`; logs go to {logs}/slurm-*.log.
# PAINTFLOW=/path/to/paintflow (exported when submitting) runs another binary; it must be
# reachable from every node, as must the input, the styles and the output folder.
set -euo pipefail
mkdir -p {logs_q}
options=({options})
keyframes=$(sbatch --parsable --job-name=paintflow-keyframes {keyframes_log} "${{options[@]}}" <<'PAINTFLOW_KEYFRAMES'
#!/usr/bin/env bash
paintflow=${{PAINTFLOW:-{exe}}}
exec "$paintflow" {keyframes_words}
PAINTFLOW_KEYFRAMES
)
keyframes=${{keyframes%%;*}}
array=$(sbatch --parsable --job-name=paintflow-segments --array=1-{n} --dependency=afterok:"$keyframes" \
    --kill-on-invalid-dep=yes {array_log} "${{options[@]}}" <<'PAINTFLOW_SEGMENTS'
#!/usr/bin/env bash
paintflow=${{PAINTFLOW:-{exe}}}
exec "$paintflow" {words}
PAINTFLOW_SEGMENTS
)
array=${{array%%;*}}
join=$(sbatch --parsable --job-name=paintflow-join --dependency=afterok:"$array" --kill-on-invalid-dep=yes \
    {join_log} "${{options[@]}}" <<'PAINTFLOW_JOIN'
#!/usr/bin/env bash
paintflow=${{PAINTFLOW:-{exe}}}
exec "$paintflow"{adapter} join {out_q} --seams {seams}
PAINTFLOW_JOIN
)
join=${{join%%;*}}
echo "paintflow: keyframes job $keyframes, array job $array ({n} segments, after it), join job $join (after all of them)"
"#,
        input = a.input,
        out = out.display(),
        logs = logs.display(),
        logs_q = q(&logs),
        options = options.join(" "),
        keyframes_log = log("slurm-keyframes-%j.log"),
        keyframes_words = command(format!("--keyframes {n} --resume")),
        array_log = log("slurm-%A_%a.log"),
        join_log = log("slurm-join-%j.log"),
        exe = q(&exe),
        words = command(format!("--segment \"$SLURM_ARRAY_TASK_ID/{n}\" --resume")),
        out_q = q(&out),
        seams = q(&seams),
    ))
}

/// `paintflow join OUT`: assemble OUT from its segments; with --seams, measure them.
fn join(adapter: Option<&str>, a: JoinArgs) -> Result<()> {
    if let Some(p) = &a.seams {
        check_writable("--seams", p)?;
    }
    let j = paintflow::segments::join(&a.output, a.overwrite)?;
    let faded = if j.faded.is_empty() {
        "none cross-faded (no overlap)".to_string()
    } else {
        format!("{} cross-faded in the overlaps", j.faded.len())
    };
    eprintln!("joined {} segments into {}: {} frames, {faded}", j.segments, a.output.display(), j.frames);
    let Some(path) = &a.seams else { return Ok(()) };
    let gpu = Gpu::new(adapter)?;
    let s = paintflow::segments::measure_seams(&gpu, &j, &a.output).context("--seams")?;
    match s.median_inside {
        Some(m) => println!("median warping error inside segments {m:.4e}"),
        None => println!("no frame pair lies inside a segment (all are at seams)"),
    }
    for seam in &s.seams {
        let faded = seam.faded.map_or(String::new(), |(f, l)| format!(", faded over frames {f}-{l}"));
        let ratio = seam.ratio.map_or(String::new(), |r| format!(", {r:.2}x the median inside segments"));
        println!(
            "seam {}|{} at frame {}{faded}: warping error {:.4e} (worst pair {} -> {}){ratio}; pair {} -> {}: {:.4e}",
            seam.segment - 1,
            seam.segment,
            seam.frame,
            seam.warping_error,
            seam.worst_pair - 1,
            seam.worst_pair,
            seam.frame - 1,
            seam.frame,
            seam.boundary_warping_error
        );
    }
    paintflow::files::write_json_atomic(path, &s)?;
    Ok(())
}

fn bench(adapter: Option<&str>, a: BenchArgs) -> Result<()> {
    if !(16..=8192).contains(&a.size) {
        bail!("--size must be from 16 to 8192, got {}", a.size);
    }
    let network_sizes = a.network_sizes.iter().map(|s| parse_frame_size(s)).collect::<Result<Vec<_>>>()?;
    let gpu = Gpu::new(adapter)?;
    let vgg = if a.no_iteration {
        None
    } else {
        let w = VggWeights::load(&vgg::default_weights_path()?, vgg::LAYERS.len())?;
        Some(Vgg::new(&gpu, &w, Pool::Max)?)
    };
    let s = gpu.summary();
    eprintln!("benchmarking on {} ({}, {})", s.name, s.backend, s.driver);
    let sizes = if !a.iteration_sizes.is_empty() {
        a.iteration_sizes.clone()
    } else if gpu.is_cpu() {
        vec![256]
    } else {
        vec![256, 512]
    };
    if let Some(s) = sizes.iter().find(|s| !(16..=8192).contains(*s)) {
        bail!("--iteration-sizes must be from 16 to 8192, got {s}");
    }
    if let Some(p) = &a.json {
        check_writable("--json", p)?;
    }
    let network_sizes = if !network_sizes.is_empty() {
        network_sizes
    } else if gpu.is_cpu() {
        vec![(512, 512)]
    } else {
        vec![(512, 512), (1080, 1920)]
    };
    let suite = paintflow::bench::Suite {
        size: a.size,
        kernels: !a.end_to_end,
        iteration_sizes: sizes,
        network_sizes,
        iteration_profile: a.iteration_profile,
        network_profile: a.network_profile,
        reps: a.reps,
    };
    let (rows, peak, notes) =
        paintflow::bench::run_suite(&gpu, vgg.as_ref(), &suite, |what| eprintln!("  {what} ..."))?;
    println!(
        "adapter: {} ({}, {}), timing: {}, median of {} runs after a warm-up",
        s.name,
        s.backend,
        s.driver,
        paintflow::bench::timing_method(&gpu),
        a.reps
    );
    if gpu.is_cpu() {
        // a CPU driver's speed is the CPU's: name it (compare numbers only within one CPU model)
        println!("CPU: {}", paintflow::bench::cpu_model());
    }
    println!();
    println!("{}", paintflow::bench::table(&rows, peak));
    for n in notes {
        println!("{n}");
    }
    if let Some(p) = &a.json {
        let adapter =
            if gpu.is_cpu() { format!("{} on {}", s.name, paintflow::bench::cpu_model()) } else { s.name.clone() };
        std::fs::write(p, paintflow::bench::json(&rows, peak, &adapter))
            .with_context(|| format!("--json {}", p.display()))?;
    }
    Ok(())
}

/// `--network-sizes` entries: N (square) or WxH, each a multiple of 4 from 16 to 8192; (height, width).
fn parse_frame_size(s: &str) -> Result<(usize, usize)> {
    let bad = || anyhow!("--network-sizes: expected N or WxH (multiples of 4 from 16 to 8192), got {s:?}");
    let (w, h) = match s.split_once(['x', 'X']) {
        Some((w, h)) => (w.trim().parse().map_err(|_| bad())?, h.trim().parse().map_err(|_| bad())?),
        None => {
            let n: usize = s.trim().parse().map_err(|_| bad())?;
            (n, n)
        }
    };
    let ok = |v: usize| (16..=8192).contains(&v) && v.is_multiple_of(4);
    if !ok(w) || !ok(h) {
        return Err(bad());
    }
    Ok((h, w))
}

/// The first of the flags whose condition holds (for "does not work with FLAG" errors).
fn first_given<'a>(flags: &[(bool, &'a str)]) -> Option<&'a str> {
    flags.iter().find_map(|&(given, flag)| given.then_some(flag))
}

/// "1 h 02 min", "3 min 05 s" or "12 s".
fn format_seconds(s: f64) -> String {
    let s = s.max(0.0).round() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
    }
}
