//! Video stylisation: per frame, GPU optical flow from the previous frame, the previous stylised
//! frame warped along it and blended into the initialisation (content where the forward-backward
//! check says occluded), an optional temporal loss, then the Gatys optimisation. Frames are read
//! ahead and written behind on their own threads; each output frame is written atomically and a
//! run can resume after its last finished frame with the same result.
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use crate::error::{Error, Result};
use crate::files::write_json_atomic;
use crate::flow::{self, FlowConfig, FlowSolver, Pyramid};
use crate::gpu::{Gpu, Plan, Tensor};
use crate::imageio::Rgb;
use crate::ops::image::pack_rgb;
use crate::ops::video::{blend_init, TemporalLoss};
use crate::ops::IMAGENET_MEAN;
use crate::style::{LossConfig, Optimizer};
use crate::vgg::Vgg;
use crate::y4m;

/// How each frame's optimisation starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Warp the previous result along the optical flow, blend, mask occlusions (default).
    Flow,
    /// Kogan's blend: previous result and new frame, no warping.
    BlendOnly,
    /// Every frame on its own from its content (the flickering baseline).
    NoFlow,
}

#[derive(Clone)]
pub struct VideoJob {
    /// Longest side of the processed frames.
    pub size: u32,
    pub iters_first: usize,
    pub iters: usize,
    /// Weight of the warped previous result in the initialisation (0..1).
    pub blend: f32,
    /// Weight of the temporal loss (Mode::Flow only).
    pub temporal_weight: f32,
    pub mode: Mode,
    pub loss: LossConfig,
    /// How the pixels are updated (Adam or L-BFGS); restarted for every frame.
    pub method: crate::style::Method,
    /// Iterate averaging within each frame (see `ImageJob::ema`).
    pub ema: Option<f32>,
    /// Style images are resized to this fraction of the frames' longest side.
    pub style_scale: f32,
    pub flow: FlowConfig,
    pub log_every: usize,
    /// Compute the warping-error report.
    pub report: bool,
    /// Real-time mode: weight of the warped previous output in each frame (0 = per-frame).
    pub steady: f32,
    /// A frame whose share of flow-consistent pixels falls below this starts a new scene: it is
    /// painted from its own content with the first frame's iterations and no temporal loss
    /// (0 turns detection off). Measured (128 px, the consistency weights above 0.5): hard cuts
    /// 0.002-0.010, moving shots 0.12-0.96 (the hand-held tree clip's worst frame 0.12, its
    /// median 0.72; pans 0.75-0.85, zooms 0.53-0.58).
    pub scene_threshold: f32,
    /// Early stop: a later frame stops iterating once its total loss fell by less than this
    /// fraction over the last `tol_window` iterations (0: always all `iters`). First frames and
    /// scene cuts always get `iters_first`.
    pub tol: f32,
    pub tol_window: usize,
    /// Long-term consistency (Mode::Flow): the temporal loss also ties frame t to the results of
    /// frames t - j for these j (ascending, starting with 1), each weighted by its consistency
    /// weights combined closest first. `[1]`: the previous frame only.
    pub flow_frames: Vec<usize>,
    /// Loop the clip (0: off): after the last frame the chain goes on through the first
    /// `loop_frames` frames again, and those are cross-faded into the first pass (the first frame
    /// wholly the second visit, which follows on from the last; the weight falls linearly), so
    /// the last frame leads into the first without a jump. Needs an output folder.
    pub loop_frames: usize,
    /// The multi-pass algorithm (Ruder et al.) when above 1: sweeps over the whole clip,
    /// alternately forward and backward; in each later pass a frame starts from its previous
    /// pass's result blended (weight `pass_blend`, where the flow holds) with the warped result
    /// of the frame before it in the sweep; the temporal loss from pass `temporal_pass` (1-based)
    /// on. Needs an output folder; each pass is kept and resumable.
    pub passes: usize,
    pub pass_blend: f32,
    pub temporal_pass: usize,
}

/// The default [`VideoJob::scene_threshold`]: about the geometric middle of the highest measured
/// cut (0.051) and the most moving real frame measured (0.557), with the refined flow: 3x and 3.7x
/// away (BENCHMARKS.md, "Scene cuts").
pub const SCENE_THRESHOLD: f32 = 0.15;

/// What paints the frames.
pub enum Engine<'a> {
    /// The Gatys optimisation against these weighted styles.
    Optimize { vgg: &'a Vgg, styles: &'a [(Rgb, f32)] },
    /// The built-in feed-forward network (real-time mode).
    Network(&'a crate::stylenet::StyleNet),
}

/// A frame painter of either engine.
enum Painter<'a> {
    Optimize(Box<VideoStylizer<'a>>),
    Network(Box<NetworkStylizer<'a>>),
}

impl Painter<'_> {
    /// Continue after `frame` finished frames; `history` holds (input, written result) of the
    /// frames before it that the painter may link to (since the last scene cut), newest last.
    fn resume_from(&mut self, frame: usize, history: &[(Rgb, Rgb)]) -> Result<()> {
        let (prev_original, prev_stylized) = history.last().expect("resumed after at least one frame");
        match self {
            Painter::Optimize(s) => s.resume_from(frame, history),
            Painter::Network(s) => s.resume_from(frame, prev_original, prev_stylized),
        }
    }

    /// How many earlier frames the painter links to (1: the previous one).
    fn depth(&self) -> usize {
        match self {
            Painter::Optimize(s) => s.long_term.as_ref().map_or(1, |lt| lt.depth()),
            Painter::Network(_) => 1,
        }
    }

    fn process(&mut self, frame: &Rgb, on_iter: impl FnMut(usize, usize)) -> Result<(Rgb, FrameStats)> {
        match self {
            Painter::Optimize(s) => s.process(frame, on_iter),
            Painter::Network(s) => s.process(frame),
        }
    }
}

/// Compare names with runs of digits taken as numbers ("frame2" < "frame10"); equal numbers
/// written differently ("01", "1") fall back to the text.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, _) => return Ordering::Less,
            (_, None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let run = |s: &[u8]| s.iter().take_while(|c| c.is_ascii_digit()).count();
                let (n, m) = (run(x), run(y));
                let trim = |s: &[u8]| -> Vec<u8> { s.iter().copied().skip_while(|&c| c == b'0').collect() };
                let (p, q) = (trim(&x[..n]), trim(&y[..m]));
                let order = p.len().cmp(&q.len()).then_with(|| p.cmp(&q));
                if order != Ordering::Equal {
                    return order;
                }
                (x, y) = (&x[n..], &y[m..]);
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(d);
                }
                (x, y) = (&x[1..], &y[1..]);
            }
        }
    }
}

/// Frames in: a folder of PNG/JPEG files in natural name order (digit runs as numbers), a .y4m file, or "-" for Y4M on stdin.
pub enum Source {
    Dir { files: Vec<PathBuf>, next: usize },
    Y4m { name: String, reader: Box<dyn BufRead + Send>, header: y4m::Header, next: usize },
}

impl Source {
    pub fn open(spec: &str) -> Result<Source> {
        if spec == "-" {
            let mut reader: Box<dyn BufRead + Send> = Box::new(BufReader::new(std::io::stdin()));
            let header = y4m::read_header("<stdin>", &mut reader)?;
            return Ok(Source::Y4m { name: "<stdin>".into(), reader, header, next: 0 });
        }
        let path = Path::new(spec);
        if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| Error::file(path, format!("cannot list: {e}")))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "png" | "jpg" | "jpeg"))
                })
                .collect();
            // 1.png, 2.png, ..., 10.png (ffmpeg's %d) in number order, not 1, 10, 2
            files.sort_by(|a, b| natural_cmp(&a.to_string_lossy(), &b.to_string_lossy()));
            if files.is_empty() {
                return Err(Error::file(path, "no PNG or JPEG frames in this folder"));
            }
            return Ok(Source::Dir { files, next: 0 });
        }
        if !path.exists() {
            return Err(Error::file(
                path,
                "no such file or folder (expected a folder of frames, a .y4m file, or - for stdin)",
            ));
        }
        let f = std::fs::File::open(path).map_err(|e| Error::file(path, format!("cannot open: {e}")))?;
        let mut reader: Box<dyn BufRead + Send> = Box::new(BufReader::new(f));
        let header = y4m::read_header(spec, &mut reader)?;
        Ok(Source::Y4m { name: spec.into(), reader, header, next: 0 })
    }

    /// The input's name for messages.
    pub fn name(&self) -> String {
        match self {
            Source::Dir { files, .. } => {
                files.first().and_then(|f| f.parent()).map(|d| d.display().to_string()).unwrap_or_default()
            }
            Source::Y4m { name, .. } => name.clone(),
        }
    }

    /// The first frame's size, when it can be read without decoding it (None: found out later).
    pub fn frame_size(&self) -> Option<(u32, u32)> {
        match self {
            Source::Dir { files, next } => files.get(*next).and_then(|f| image::image_dimensions(f).ok()),
            Source::Y4m { header, .. } => Some((header.width as u32, header.height as u32)),
        }
    }

    /// Only the frames `range` of a folder (the segments of `--segment K/N`); a stream cannot be
    /// cut up front.
    pub fn slice(self, range: std::ops::Range<usize>) -> Result<Source> {
        if range.is_empty() {
            return Err(Error::Invalid(format!("no frames in {}-{}", range.start, range.end.saturating_sub(1))));
        }
        self.select(&range.collect::<Vec<_>>())
    }

    /// Only the frames `indices` (ascending) of a folder, in order (the keyframes of
    /// `--keyframes N`).
    pub fn select(self, indices: &[usize]) -> Result<Source> {
        match self {
            Source::Dir { files, .. } if indices.iter().all(|&i| i < files.len()) => {
                Ok(Source::Dir { files: indices.iter().map(|&i| files[i].clone()).collect(), next: 0 })
            }
            Source::Dir { files, .. } => Err(Error::Invalid(format!(
                "frame {} asked for, but the input has {} frames",
                indices.iter().max().copied().unwrap_or(0),
                files.len()
            ))),
            Source::Y4m { name, .. } => {
                Err(Error::Invalid(format!("{name}: a Y4M stream cannot be cut into segments; use a folder of frames")))
            }
        }
    }

    /// Number of frames when known in advance.
    pub fn known_len(&self) -> Option<usize> {
        match self {
            Source::Dir { files, .. } => Some(files.len()),
            Source::Y4m { .. } => None,
        }
    }

    pub fn rate(&self) -> (u32, u32) {
        match self {
            Source::Y4m { header, .. } => header.rate,
            Source::Dir { .. } => (25, 1),
        }
    }

    /// The next frame with a name for messages, or None at the end.
    pub fn next_frame(&mut self) -> Result<Option<(String, Rgb)>> {
        match self {
            Source::Dir { files, next } => {
                let Some(p) = files.get(*next) else { return Ok(None) };
                *next += 1;
                Ok(Some((p.display().to_string(), crate::imageio::load(p)?)))
            }
            Source::Y4m { name, reader, header, next } => {
                let i = *next;
                *next += 1;
                Ok(y4m::read_frame(name, i, header, reader)?.map(|f| (format!("{name} frame {i}"), f)))
            }
        }
    }
}

/// Where frames go: numbered PNGs in a folder (atomic writes) or a Y4M stream.
pub enum Sink {
    Dir(PathBuf),
    Y4m(Box<dyn Write + Send>),
}

/// Name of output frame `i` in a folder.
/// An output folder claimed for one render: an exclusive lock on `DIR/.paintflow.lock` held as
/// long as this lives (the OS drops it if the process dies, so a killed run never blocks the
/// next), and the run's settings in `DIR/.paintflow-run.json`, which `--resume` checks.
pub struct OutputFolder {
    _lock: std::fs::File,
    /// `--resume` continued frames that have no settings record (made before paintflow kept
    /// one): their settings could not be checked.
    pub unverified: bool,
}

/// The settings a render's frames depend on, by flag name (e.g. "--style-weight"), as JSON values.
pub type Settings = std::collections::BTreeMap<String, serde_json::Value>;

/// Where a render keeps its settings record in its output folder (written when the folder is
/// claimed; `--resume`, segments and keyframes check it).
pub fn run_record(dir: &Path) -> PathBuf {
    dir.join(".paintflow-run.json")
}

/// A folder's settings record ([`run_record`]), or why it cannot be had: "cannot read it (..)"
/// or "it is corrupt (..)", for the caller's message.
pub fn read_run_record(dir: &Path) -> std::result::Result<Settings, String> {
    let text = std::fs::read_to_string(run_record(dir)).map_err(|e| format!("cannot read it ({e})"))?;
    serde_json::from_str(&text).map_err(|e| format!("it is corrupt ({e})"))
}

/// What to do with frames an earlier run left in the output folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Existing {
    /// Refuse to start (the default: never mix two runs' frames).
    Refuse,
    /// Continue after them, if they were made with the same settings.
    Resume,
    /// Delete them and start over.
    Overwrite,
}

impl OutputFolder {
    pub fn claim(dir: &Path, settings: &Settings, existing: Existing) -> Result<OutputFolder> {
        std::fs::create_dir_all(dir).map_err(|e| Error::file(dir, format!("cannot create the output folder: {e}")))?;
        let lock_path = dir.join(".paintflow.lock");
        let lock =
            std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path).map_err(|e| {
                Error::file(&lock_path, format!("cannot create the lock file (is the folder writable?): {e}"))
            })?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::file(
                    dir,
                    "another paintflow is rendering into this folder (it holds .paintflow.lock): wait for it to \
                     finish or choose another -o",
                ))
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Error::file(&lock_path, format!("cannot lock: {e}")));
            }
        }
        let manifest = run_record(dir);
        // the folder's frames, and those of an unfinished multi-pass run's earlier passes
        let mut frames = frame_files(dir)?;
        let passes = dir.join(PASSES_DIR);
        if passes.is_dir() {
            let entries = std::fs::read_dir(&passes).map_err(|e| Error::file(&passes, format!("cannot list: {e}")))?;
            for pass in entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()) {
                frames.extend(frame_files(&pass)?);
            }
        }
        let mut unverified = false;
        if !frames.is_empty() {
            match existing {
                Existing::Refuse => {
                    return Err(Error::file(
                        dir,
                        format!(
                            "holds {} frame{} from an earlier run: add --resume to continue it (same settings) or \
                             --overwrite to replace them",
                            frames.len(),
                            if frames.len() == 1 { "" } else { "s" }
                        ),
                    ))
                }
                Existing::Overwrite => {
                    for f in &frames {
                        std::fs::remove_file(f)
                            .map_err(|e| Error::file(f, format!("cannot remove (--overwrite): {e}")))?;
                    }
                }
                Existing::Resume if !manifest.exists() => unverified = true,
                Existing::Resume => {
                    let old = read_run_record(dir).map_err(|why| {
                        Error::file(&manifest, format!("--resume: the earlier run's settings record: {why}"))
                    })?;
                    let diff = settings_diff(&old, settings, "was");
                    if !diff.is_empty() {
                        return Err(Error::file(
                            dir,
                            format!(
                                "--resume: these settings differ from the run that made the frames there: {}; \
                                 run with the same settings, or --overwrite to start over",
                                diff.join(", ")
                            ),
                        ));
                    }
                }
            }
        }
        write_json_atomic(&manifest, settings)?;
        Ok(OutputFolder { _lock: lock, unverified })
    }
}

/// "--flag new (was old)" for every setting that differs.
/// (`was` names the old side: "--iters 3 (was 1)", "--iters 3 (segment 1: 1)").
pub fn settings_diff(old: &Settings, new: &Settings, was: &str) -> Vec<String> {
    let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let show = |v: Option<&serde_json::Value>| v.map_or("unset".to_string(), |v| v.to_string());
    keys.into_iter()
        .filter(|k| old.get(*k) != new.get(*k))
        .map(|k| format!("{k} {} ({was} {})", show(new.get(k)), show(old.get(k))))
        .collect()
}

/// The frame files (frame_NNNNNN.png) in `dir`.
pub fn frame_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::file(dir, format!("cannot list: {e}")))?;
    Ok(entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.len() == 16
                && name.starts_with("frame_")
                && name.ends_with(".png")
                && name[6..12].bytes().all(|b| b.is_ascii_digit())
        })
        .collect())
}

pub fn frame_path(dir: &Path, i: usize) -> PathBuf {
    dir.join(format!("frame_{i:06}.png"))
}

/// Frames already finished in `dir` (consecutive from frame 0).
pub fn finished_frames(dir: &Path) -> usize {
    (0..).take_while(|&i| frame_path(dir, i).is_file()).count()
}

/// Per-frame report entry.
#[derive(Clone, Debug)]
pub struct FrameStats {
    pub index: usize,
    pub seconds: f64,
    /// The frame starts a new scene (see [`VideoJob::scene_threshold`]).
    pub scene_cut: bool,
    /// A second visit of frame `index` that closes a loop (see [`VideoJob::loop_frames`]).
    pub looped: bool,
    /// The pass (1-based) of the multi-pass algorithm that made it (1 for a single pass).
    pub pass: usize,
    /// Optimisation iterations the frame got (0 in the real-time mode).
    pub iterations: usize,
    /// Mean over consistent pixels of |S_t(x) - S_{t-1}(x + flow_{t->t-1}(x))|^2, RGB in 0..1
    /// (squared norm over the three channels); None for the first frame.
    pub warping_error: Option<f64>,
    pub consistent_fraction: Option<f64>,
    pub losses: Option<crate::style::Losses>,
    /// Real-time mode: mean squared difference (RGB 0..1) between the written frame and the
    /// network's own output for it, over pixels that moved more than 1 px (steadying's smear).
    pub smear: Option<f64>,
}

/// The flow side of both video painters: a pyramid per frame parity, the Lucas-Kanade solvers
/// both ways (solvers[c]: flow from pyramid c to pyramid 1-c), the previous result `prev`, and
/// per parity a recorded plan that makes the forward-backward consistency `mask` and warps `prev`
/// along the flow t -> t-1 into `warped`.
struct Alignment {
    pyramids: [Pyramid; 2],
    solvers: [FlowSolver; 2],
    prev: Tensor,
    warped: Tensor,
    mask: Tensor,
    plans: [Plan; 2],
}

impl Alignment {
    /// The share of pixels whose consistency weight is above 1/2 (after the plan of
    /// [`Alignment::solve`] ran): what tells a scene cut from motion.
    fn consistent_share(&self, gpu: &Gpu) -> Result<f64> {
        let mask = self.mask.read(gpu)?;
        Ok(mask.iter().filter(|&&m| m > 0.5).count() as f64 / mask.len().max(1) as f64)
    }

    fn new(gpu: &Gpu, w: usize, h: usize, cfg: &FlowConfig) -> Result<Alignment> {
        let prev = Tensor::zeros(gpu, &[3, h, w], "previous result")?;
        let warped = Tensor::zeros(gpu, &[3, h, w], "warped previous result")?;
        let mask = Tensor::zeros(gpu, &[h, w], "consistency")?;
        // (the consistency smoothing's scratch plane lives on in the recorded plans)
        let scratch = Tensor::zeros(gpu, &[h, w], "consistency scratch")?;
        let pyramids = [Pyramid::new(gpu, w, h, cfg)?, Pyramid::new(gpu, w, h, cfg)?];
        let solvers = [
            FlowSolver::new(gpu, &pyramids[0], &pyramids[1], cfg)?,
            FlowSolver::new(gpu, &pyramids[1], &pyramids[0], cfg)?,
        ];
        let plans = [0, 1].map(|c| {
            let mut p = Plan::new();
            // frame t on pyramid c: flow t->t-1 is solvers[c], t-1->t is solvers[1-c]
            flow::record_consistency(gpu, &mut p, &solvers[c].flow, &solvers[1 - c].flow, &scratch, &mask);
            flow::record_warp(gpu, &mut p, &prev, &solvers[c].flow, &warped);
            p
        });
        Ok(Alignment { pyramids, solvers, prev, warped, mask, plans })
    }

    /// Solve the flow both ways between the frame on pyramid c and the one before, then record
    /// the mask and the warp into `plan` (the caller runs it).
    fn solve(&self, gpu: &Gpu, c: usize, plan: &mut Plan) {
        self.solvers[c].submit(gpu);
        self.solvers[1 - c].submit(gpu);
        self.plans[c].encode_into(plan);
    }
}

/// Long-term consistency: flow both ways between the current frame and frame t - j for each
/// j > 1 of `--flow-frames`, the result of frame t - j warped along it and its consistency
/// weights, combined closest first with the previous frame's. The frames since the last scene
/// cut are kept on the host (input pixels and the written result), newest last.
struct LongTerm {
    /// The offsets j > 1, ascending.
    offsets: Vec<usize>,
    /// Pyramid of frame t - j (one at a time).
    far: Pyramid,
    /// [c][0]: flow from the current frame (pyramid c) to frame t - j; [c][1]: back.
    solvers: [[FlowSolver; 2]; 2],
    /// The result of frame t - j (network space), uploaded for the warp.
    source: Tensor,
    /// Per offset: that frame's result warped to the current frame, and its combined weights.
    warped: Vec<Tensor>,
    weights: Vec<Tensor>,
    /// The closer frames' weights summed (closest-first combination).
    covered: Tensor,
    scratch: Tensor,
    history: std::collections::VecDeque<(Vec<u32>, Vec<f32>)>,
}

impl LongTerm {
    fn new(gpu: &Gpu, al: &Alignment, offsets: Vec<usize>, w: usize, h: usize, cfg: &FlowConfig) -> Result<LongTerm> {
        let far = Pyramid::new(gpu, w, h, cfg)?;
        let solvers = [0, 1].map(|c| {
            [FlowSolver::new(gpu, &al.pyramids[c], &far, cfg), FlowSolver::new(gpu, &far, &al.pyramids[c], cfg)]
        });
        let [[a, b], [c, d]] = solvers;
        let solvers = [[a?, b?], [c?, d?]];
        // one per offset
        let per_offset =
            |shape: &[usize], what| offsets.iter().map(|_| Tensor::zeros(gpu, shape, what)).collect::<Result<Vec<_>>>();
        let warped = per_offset(&[3, h, w], "long-term warped result")?;
        let weights = per_offset(&[h, w], "long-term weights")?;
        Ok(LongTerm {
            offsets,
            far,
            solvers,
            source: Tensor::zeros(gpu, &[3, h, w], "long-term source")?,
            warped,
            weights,
            covered: Tensor::zeros(gpu, &[h, w], "long-term covered")?,
            scratch: Tensor::zeros(gpu, &[h, w], "long-term scratch")?,
            history: Default::default(),
        })
    }

    /// Frames kept: the largest offset's worth.
    fn depth(&self) -> usize {
        self.offsets.last().copied().unwrap_or(1)
    }

    /// Remember frame t (its packed input pixels and its result in network space).
    fn push(&mut self, input: Vec<u32>, result: Vec<f32>) {
        self.history.push_back((input, result));
        while self.history.len() > self.depth() {
            self.history.pop_front();
        }
    }

    /// Warp and weigh every earlier frame for the current frame on pyramid `c`, whose own
    /// previous-frame weights are `near` (unchanged); offsets reaching past the kept frames (the
    /// clip's start, a scene cut) get zero weight. `fresh`: the frame starts a scene, all zero.
    fn prepare(&self, gpu: &Gpu, c: usize, near: &Tensor, fresh: bool) -> Result<()> {
        let mut plan = Plan::new();
        plan.copy(&near.buffer, &self.covered.buffer, (near.len() * 4) as u64);
        plan.run(gpu)?;
        for (k, &j) in self.offsets.iter().enumerate() {
            let mut plan = Plan::new();
            match self.history.len().checked_sub(j) {
                Some(at) if !fresh => {
                    let (input, result) = &self.history[at];
                    self.far.set_frame(gpu, input)?;
                    self.source.write(gpu, result)?;
                    self.solvers[c][0].submit(gpu);
                    self.solvers[c][1].submit(gpu);
                    let (to, back) = (&self.solvers[c][0].flow, &self.solvers[c][1].flow);
                    flow::record_consistency(gpu, &mut plan, to, back, &self.scratch, &self.weights[k]);
                    flow::record_warp(gpu, &mut plan, &self.source, to, &self.warped[k]);
                    crate::ops::video::closest_first(gpu, &mut plan, &self.weights[k], &self.covered);
                }
                _ => crate::ops::elementwise::axpby(gpu, &mut plan, 0.0, &self.covered, 0.0, &self.weights[k]),
            }
            plan.run(gpu)?;
        }
        Ok(())
    }
}

/// A frame of a later pass of the multi-pass algorithm (see [`VideoStylizer::process_with`]).
pub struct PassFrame<'b> {
    /// This frame's result in the previous pass.
    pub previous: &'b Rgb,
    /// Weight of the warped neighbour in the start, where the flow holds (the rest: `previous`).
    pub blend: f32,
    /// The temporal loss applies in this pass.
    pub temporal: bool,
}

/// GPU state for stylising a sequence of frames of one size.
pub struct VideoStylizer<'a> {
    gpu: &'a Gpu,
    job: VideoJob,
    w: usize,
    h: usize,
    opt: Optimizer,
    al: Alignment,
    long_term: Option<LongTerm>,
    content: Tensor,
    ones: Tensor,
    tmask: Tensor,
    frame: usize,
}

impl<'a> VideoStylizer<'a> {
    pub fn new(gpu: &'a Gpu, vgg: &Vgg, job: VideoJob, w: usize, h: usize, style_grams: &[Vec<f32>]) -> Result<Self> {
        let n = w * h;
        let content = Tensor::zeros(gpu, &[3, h, w], "content planar")?;
        let al = Alignment::new(gpu, w, h, &job.flow)?;
        let ones = Tensor::from_slice(gpu, &[h, w], &vec![1.0; n], "ones")?;
        let tmask = Tensor::zeros(gpu, &[h, w], "temporal mask")?;
        let temporal = TemporalLoss::new(gpu, n)?;
        // The temporal loss belongs to the flow method; the baselines stay plain.
        let tw = if job.mode == Mode::Flow { job.temporal_weight } else { 0.0 };
        let far: Vec<usize> = job.flow_frames.iter().copied().filter(|&j| j > 1).collect();
        let long_term =
            if tw > 0.0 && !far.is_empty() { Some(LongTerm::new(gpu, &al, far, w, h, &job.flow)?) } else { None };
        // (target, weights) of each temporal term, the previous frame first
        let mut terms = vec![(al.warped.clone(), tmask.clone())];
        if let Some(lt) = &long_term {
            terms.extend(lt.warped.iter().cloned().zip(lt.weights.iter().cloned()));
        }
        let mut opt =
            Optimizer::with_extra(gpu, vgg, job.loss.clone(), job.method, h, w, |plan, x, grad, losses, slot| {
                if tw > 0.0 {
                    for (k, (target, weights)) in terms.iter().enumerate() {
                        temporal.record(gpu, plan, tw, x, target, weights, grad, losses, slot, k > 0);
                    }
                }
            })?;
        if let Some(decay) = job.ema {
            opt.enable_ema(gpu, decay)?;
        }
        opt.set_style_grams(gpu, style_grams)?;
        Ok(VideoStylizer { gpu, job, w, h, opt, al, long_term, content, ones, tmask, frame: 0 })
    }

    fn needs_flow(&self) -> bool {
        self.job.mode == Mode::Flow || self.job.report
    }

    /// Continue a run after `frame` finished frames: `history` holds (input frame, its written
    /// result) for frames frame-k .. frame-1 (newest last; at least the previous frame, and as
    /// many as `--flow-frames` reaches back, none from before a scene cut).
    pub fn resume_from(&mut self, frame: usize, history: &[(Rgb, Rgb)]) -> Result<()> {
        for (input, result) in history {
            self.check(input, "resumed input frame")?;
            self.check(result, "resumed output frame")?;
        }
        let (prev_original, prev_stylized) = history.last().expect("resumed after at least one frame");
        self.al.pyramids[(frame - 1) % 2].set_frame(self.gpu, &pack_rgb(prev_original.as_raw()))?;
        self.al.prev.write(self.gpu, &crate::style::to_planar(prev_stylized))?;
        if let Some(lt) = &mut self.long_term {
            lt.history.clear();
            for (input, result) in history {
                lt.push(pack_rgb(input.as_raw()), crate::style::to_planar(result));
            }
        }
        self.frame = frame;
        Ok(())
    }

    fn check(&self, img: &Rgb, what: &str) -> Result<()> {
        crate::imageio::check_size(img, self.w, self.h, what)
    }

    /// Stylise the next frame (already resized to the processing size).
    pub fn process(&mut self, frame: &Rgb, on_iter: impl FnMut(usize, usize)) -> Result<(Rgb, FrameStats)> {
        self.process_with(frame, None, on_iter)
    }

    /// Start a new sweep (multi-pass): the next frame has no previous one.
    pub fn restart(&mut self) {
        self.frame = 0;
        if let Some(lt) = &mut self.long_term {
            lt.history.clear();
        }
    }

    /// [`VideoStylizer::process`], for a later pass of the multi-pass algorithm when `pass` is
    /// given: the frame starts from its previous pass's result blended with the warped result of
    /// the frame before it in this sweep (where the flow holds), takes `iters` iterations even
    /// at the sweep's start, and has the temporal loss only when the pass says so.
    pub fn process_with(
        &mut self,
        frame: &Rgb,
        pass: Option<PassFrame>,
        mut on_iter: impl FnMut(usize, usize),
    ) -> Result<(Rgb, FrameStats)> {
        let start = std::time::Instant::now();
        self.check(frame, "frame")?;
        if let Some(p) = &pass {
            self.check(p.previous, "previous pass's frame")?;
        }
        let gpu = self.gpu;
        let t = self.frame;
        let c = t % 2;
        let n = self.w * self.h;
        let first = t == 0;
        if self.needs_flow() {
            self.al.pyramids[c].set_frame(gpu, &pack_rgb(frame.as_raw()))?;
        }
        // content target; afterwards the optimised variable holds the content frame, or in a
        // later pass this frame's previous result (the base the warped neighbour is blended into)
        self.opt.set_content(gpu, frame)?;
        if let Some(p) = &pass {
            self.opt.input().write(gpu, &crate::style::to_planar(p.previous))?;
        }
        let mut plan = Plan::new();
        plan.copy(&self.opt.input().buffer, &self.content.buffer, (3 * n * 4) as u64);
        let mut consistent = None;
        if !first && self.needs_flow() {
            plan.run(gpu)?;
            plan = Plan::new();
            self.al.solve(gpu, c, &mut plan);
            if self.job.scene_threshold > 0.0 {
                // the share of flow-consistent pixels tells a cut from motion
                plan.run(gpu)?;
                plan = Plan::new();
                consistent = Some(self.al.consistent_share(gpu)?);
            }
        }
        let cut = consistent.is_some_and(|f| f < self.job.scene_threshold as f64);
        let init = match (first || cut, self.job.mode) {
            (true, _) | (_, Mode::NoFlow) => None,
            // the warped previous result everywhere, occluded pixels too (Ruder et al.'s
            // prevWarped), except in a later pass, whose base is the frame's own previous result
            // (measured, tree clip: starting occluded pixels from the photo instead left later
            // frames at 1.6x the style loss and 17x the warping error after their iterations)
            (false, Mode::Flow) => Some((&self.al.warped, if pass.is_some() { &self.al.mask } else { &self.ones })),
            (false, Mode::BlendOnly) => Some((&self.al.prev, &self.ones)),
        };
        let temporal = pass.as_ref().is_none_or(|p| p.temporal);
        let blend = pass.as_ref().map_or(self.job.blend, |p| p.blend);
        if let Some((src, m)) = init {
            blend_init(gpu, &mut plan, &self.content, src, m, blend, self.opt.input());
            if temporal && self.job.mode == Mode::Flow {
                // the temporal loss counts where the flow holds
                plan.copy(&self.al.mask.buffer, &self.tmask.buffer, (n * 4) as u64);
            }
        }
        if init.is_none() || !temporal || self.job.mode != Mode::Flow {
            crate::ops::elementwise::axpby(gpu, &mut plan, 0.0, &self.ones, 0.0, &self.tmask);
        }
        plan.run(gpu)?;
        // painted from its own content: the first frame's iterations, no early stop (a later
        // pass starts from its previous result instead: its own iterations)
        let fresh = first || cut || self.job.mode == Mode::NoFlow;
        if let Some(lt) = &mut self.long_term {
            if cut {
                lt.history.clear(); // no links across a cut
            }
            lt.prepare(gpu, c, &self.tmask, fresh)?;
        }
        self.opt.reset_optimizer(gpu, !fresh)?;
        let iters = if fresh && pass.is_none() { self.job.iters_first } else { self.job.iters };
        let mut losses = None;
        // early stop on later frames: the totals of the accepted points, newest last
        let early = self.job.tol > 0.0 && !fresh;
        let mut totals: Vec<f64> = Vec::new();
        let mut done = iters;
        for it in 1..=iters {
            let read = early || it % self.job.log_every.max(1) == 0 || it == iters;
            match self.opt.iterate(gpu, read) {
                Err(Error::NonFinite(m)) => return Err(Error::NonFinite(format!("frame {t}: {m}"))),
                r => {
                    // a rejected L-BFGS point is not the image kept: report the accepted ones
                    let l = r?.filter(|l| !l.rejected);
                    if let Some(l) = &l {
                        totals.push(l.total as f64);
                    }
                    losses = l.or(losses);
                }
            }
            on_iter(it, iters);
            let w = self.job.tol_window.max(1);
            if early && totals.len() > w {
                let (then, now) = (totals[totals.len() - 1 - w], totals[totals.len() - 1]);
                if (then - now).abs() <= self.job.tol as f64 * then.abs() {
                    done = it;
                    break;
                }
            }
        }
        let iters = done;
        // L-BFGS keeps its best point: report that one's losses
        if let Some(best) = self.opt.result_losses(gpu)? {
            losses = Some(best);
        }
        // The requantized output is staged in `content` (not needed any more) before it
        // replaces `prev`, because the warping error below still needs the old `prev` warped.
        let out = self.opt.image_requantized(gpu, &self.content)?;
        let (mut werr, mut frac) = (None, consistent);
        if self.job.report && !first && !cut {
            let (we, fr) = self.warping_error(&out)?;
            werr = Some(we);
            frac = Some(fr);
        }
        // the requantized result becomes the previous frame for the next one
        let mut plan = Plan::new();
        plan.copy(&self.content.buffer, &self.al.prev.buffer, (3 * n * 4) as u64);
        plan.run(gpu)?;
        if let Some(lt) = &mut self.long_term {
            lt.push(pack_rgb(frame.as_raw()), crate::style::to_planar(&out));
        }
        self.frame += 1;
        Ok((
            out,
            FrameStats {
                index: t,
                seconds: start.elapsed().as_secs_f64(),
                scene_cut: cut,
                looped: false,
                pass: 1,
                iterations: iters,
                warping_error: werr,
                consistent_fraction: frac,
                losses,
                smear: None,
            },
        ))
    }

    fn warping_error(&self, out: &Rgb) -> Result<(f64, f64)> {
        let (mask, warped) = (self.al.mask.read(self.gpu)?, self.al.warped.read(self.gpu)?);
        Ok(warping_error_planar(&mask, &warped, out, |v, c| (v + IMAGENET_MEAN[c] as f64) / 255.0))
    }
}

/// The real-time mode's frame painter: the built-in network paints each frame; with
/// `Mode::Flow` the previous output, warped along the optical flow to the new frame, is blended
/// in with weight `steady` where the forward-backward check says the flow holds (the new output
/// where it does not); `Mode::BlendOnly` blends the previous output unwarped; `Mode::NoFlow`
/// keeps the per-frame outputs. A frame whose share of flow-consistent pixels falls below
/// `scene_threshold` starts a new scene: its own output, nothing blended in (the few pixels that
/// pass the check across a cut, up to 5 % with the refined flow, would carry the old scene).
pub struct NetworkStylizer<'a> {
    gpu: &'a Gpu,
    w: usize,
    h: usize,
    mode: Mode,
    steady: f32,
    scene_threshold: f32,
    report: bool,
    pass: crate::stylenet::StyleNetPass,
    al: Alignment,
    rgba: Tensor,
    ones: Tensor,
    result: Tensor,
    frame: usize,
}

impl<'a> NetworkStylizer<'a> {
    /// For frames of w x h (multiples of 4).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        gpu: &'a Gpu,
        net: &crate::stylenet::StyleNet,
        mode: Mode,
        steady: f32,
        scene_threshold: f32,
        flow_cfg: &FlowConfig,
        report: bool,
        w: usize,
        h: usize,
    ) -> Result<Self> {
        let pass = crate::stylenet::StyleNetPass::new(gpu, net, h, w)?;
        let result = Tensor::zeros(gpu, &[3, h, w], "steadied output")?;
        let ones = Tensor::from_slice(gpu, &[h, w], &vec![1.0; w * h], "ones")?;
        let al = Alignment::new(gpu, w, h, flow_cfg)?;
        let rgba = Tensor::zeros(gpu, &[w * h], "frame rgba")?;
        Ok(NetworkStylizer { gpu, w, h, mode, steady, scene_threshold, report, pass, al, rgba, ones, result, frame: 0 })
    }

    fn needs_flow(&self) -> bool {
        self.mode == Mode::Flow || self.report
    }

    /// Continue after `frame` finished frames (see [`VideoStylizer::resume_from`]).
    pub fn resume_from(&mut self, frame: usize, prev_original: &Rgb, prev_stylized: &Rgb) -> Result<()> {
        crate::imageio::check_size(prev_original, self.w, self.h, "resumed input frame")?;
        crate::imageio::check_size(prev_stylized, self.w, self.h, "resumed output frame")?;
        self.al.pyramids[(frame - 1) % 2].set_frame(self.gpu, &pack_rgb(prev_original.as_raw()))?;
        // exactly what the to_planar kernel makes of the written bytes
        self.al.prev.write(self.gpu, &unit_planar(prev_stylized))?;
        self.frame = frame;
        Ok(())
    }

    /// Paint the next frame (of the processing size).
    pub fn process(&mut self, frame: &Rgb) -> Result<(Rgb, FrameStats)> {
        let start = std::time::Instant::now();
        crate::imageio::check_size(frame, self.w, self.h, "frame")?;
        let gpu = self.gpu;
        let (t, c) = (self.frame, self.frame % 2);
        let packed = pack_rgb(frame.as_raw());
        if self.needs_flow() {
            self.al.pyramids[c].set_frame(gpu, &packed)?;
        }
        self.rgba.write_u32(gpu, &packed)?;
        let mut plan = Plan::new();
        self.pass.record_input(gpu, &mut plan, &self.rgba);
        self.pass.record_network(&mut plan);
        let first = t == 0;
        let mut cut = false;
        if !first && self.needs_flow() {
            plan.run(gpu)?;
            plan = Plan::new();
            self.al.solve(gpu, c, &mut plan);
            if self.scene_threshold > 0.0 {
                plan.run(gpu)?;
                plan = Plan::new();
                cut = self.al.consistent_share(gpu)? < self.scene_threshold as f64;
            }
        }
        let source = match (first || cut, self.mode) {
            (true, _) | (_, Mode::NoFlow) => None,
            (false, Mode::Flow) => Some((&self.al.warped, &self.al.mask)),
            (false, Mode::BlendOnly) => Some((&self.al.prev, &self.ones)),
        };
        match source {
            Some((src, m)) => {
                crate::ops::video::blend_init(gpu, &mut plan, self.pass.output(), src, m, self.steady, &self.result)
            }
            None => crate::ops::elementwise::axpby(gpu, &mut plan, 1.0, self.pass.output(), 0.0, &self.result),
        }
        self.pass.record_rgba(gpu, &mut plan, &self.result, &self.rgba);
        plan.run(gpu)?;
        let out = Rgb::from_raw(self.w as u32, self.h as u32, crate::ops::image::unpack_rgb(&self.rgba.read_u32(gpu)?))
            .expect("size matches");
        let (mut werr, mut frac, mut smear) = (None, None, None);
        if self.report && !first {
            let (we, fr) = warping_error_planar(&self.al.mask.read(gpu)?, &self.al.warped.read(gpu)?, &out, |v, _| v);
            werr = Some(we);
            frac = Some(fr);
            smear = Some(self.smear(&out)?);
        }
        // the written (8-bit) result becomes the previous frame for the next one, exactly what a
        // resumed run reloads
        let mut plan = Plan::new();
        self.pass.record_planar(gpu, &mut plan, &self.rgba, &self.al.prev);
        plan.run(gpu)?;
        self.frame += 1;
        let stats = FrameStats {
            index: t,
            seconds: start.elapsed().as_secs_f64(),
            scene_cut: cut,
            looped: false,
            pass: 1,
            iterations: 0,
            warping_error: werr,
            consistent_fraction: frac,
            losses: None,
            smear,
        };
        Ok((out, stats))
    }

    /// Mean squared difference (RGB 0..1) between the written frame and the per-frame network
    /// output over the pixels that moved more than 1 px: how much steadying smears motion.
    fn smear(&self, out: &Rgb) -> Result<f64> {
        let n = self.w * self.h;
        let net = self.pass.output().read(self.gpu)?;
        let fl = self.al.solvers[self.frame % 2].flow.read(self.gpu)?;
        let (mut sum, mut cnt) = (0.0, 0usize);
        for i in 0..n {
            if fl[i].powi(2) + fl[n + i].powi(2) > 1.0 {
                let d2: f64 =
                    (0..3).map(|c| (out.as_raw()[i * 3 + c] as f64 / 255.0 - net[c * n + i] as f64).powi(2)).sum();
                sum += d2;
                cnt += 1;
            }
        }
        Ok(if cnt > 0 { sum / cnt as f64 } else { 0.0 })
    }
}

/// The warping error of `out` against the warped previous result (planar; `to_unit(v, c)` maps a
/// value of channel c to 0..1) over the consistent pixels of `mask`, and their fraction.
fn warping_error_planar(mask: &[f32], warped: &[f32], out: &Rgb, to_unit: impl Fn(f64, usize) -> f64) -> (f64, f64) {
    let n = mask.len();
    let cur = out.as_raw();
    let (mut sum, mut cnt) = (0.0f64, 0usize);
    for i in 0..n {
        if mask[i] > 0.5 {
            let d2: f64 =
                (0..3).map(|c| (cur[i * 3 + c] as f64 / 255.0 - to_unit(warped[c * n + i] as f64, c)).powi(2)).sum();
            sum += d2;
            cnt += 1;
        }
    }
    (if cnt > 0 { sum / cnt as f64 } else { 0.0 }, cnt as f64 / n as f64)
}

/// The flicker of a painted video, measured like [`FrameStats::warping_error`] but on any
/// frames (another tool's, or paintflow's with other settings): per consecutive pair, the mean
/// over flow-consistent pixels (weights > 0.5) of |P_t(x) - P_{t-1}(x + flow_{t->t-1}(x))|^2,
/// RGB in 0..1, with the flow and its consistency computed between the input frames (resized to
/// the painted frames' size), so runs with different settings are compared on the same pixels.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Flicker {
    /// Per pair (t-1, t), t = 1..: (warping error, consistent fraction).
    pub pairs: Vec<(f64, f64)>,
    pub mean_warping_error: f64,
    /// With `seam`: the pair (last frame, first frame), as a looping clip plays it.
    pub seam: Option<(f64, f64)>,
}

/// Measure the [`Flicker`] of `painted` against the frames of `input` (the first
/// `max_frames`, or as many as both have); with `seam`, also last -> first.
pub fn flicker(
    gpu: &Gpu,
    mut input: Source,
    mut painted: Source,
    max_frames: Option<usize>,
    seam: bool,
) -> Result<Flicker> {
    /// A frame: the input resized to the painting's size, the painting, and the painting planar 0..1.
    struct Frame {
        input: Rgb,
        painted: Rgb,
        planar: Vec<f32>,
    }
    let cfg = FlowConfig::default();
    // the flow from frame b (the later) back to frame a, a's painting warped along it
    let measure = |a: &Frame, b: &Frame| -> Result<(f64, f64)> {
        let (w, h) = (b.painted.width() as usize, b.painted.height() as usize);
        let f = flow::estimate(gpu, &b.input, &a.input, &cfg, true)?;
        let warped = flow::cpu::warp(&a.planar, &f.forward, w, h, 3);
        let mask = f.consistency.expect("asked for both directions");
        Ok(warping_error_planar(&mask, &warped, &b.painted, |v, _| v))
    };
    let (mut first, mut prev): (Option<Frame>, Option<Frame>) = (None, None);
    let mut pairs = Vec::new();
    while max_frames.is_none_or(|m| pairs.len() + 1 < m) {
        let (Some((_, img)), Some((name, art))) = (input.next_frame()?, painted.next_frame()?) else { break };
        let (w, h) = art.dimensions();
        if let Some(p) = prev.as_ref().or(first.as_ref()) {
            if p.painted.dimensions() != (w, h) {
                let (pw, ph) = p.painted.dimensions();
                return Err(Error::Invalid(format!(
                    "{name} is {w}x{h} but the painted frames before it are {pw}x{ph}"
                )));
            }
        }
        let cur = Frame { input: crate::imageio::resize(&img, w, h), planar: unit_planar(&art), painted: art };
        match (&first, prev.take()) {
            (None, _) => first = Some(cur),
            (Some(f), p) => {
                pairs.push(measure(p.as_ref().unwrap_or(f), &cur)?);
                prev = Some(cur);
            }
        }
    }
    if pairs.is_empty() {
        return Err(Error::Invalid("flicker needs at least two frames in both the input and the painted video".into()));
    }
    let seam = match (seam, &prev, &first) {
        (true, Some(last), Some(first)) => Some(measure(last, first)?),
        _ => None,
    };
    let mean_warping_error = pairs.iter().map(|p| p.0).sum::<f64>() / pairs.len() as f64;
    Ok(Flicker { pairs, mean_warping_error, seam })
}

/// An image as planar [3, H, W] values 0..1 (RGB bytes / 255).
fn unit_planar(img: &Rgb) -> Vec<f32> {
    let (n, raw) = ((img.width() * img.height()) as usize, img.as_raw());
    (0..3 * n).map(|i| raw[(i % n) * 3 + i / n] as f32 / 255.0).collect()
}

/// Read frames on a thread, `ahead` frames in advance.
pub fn read_ahead(mut src: Source, ahead: usize) -> mpsc::Receiver<Result<(String, Rgb)>> {
    let (tx, rx) = mpsc::sync_channel(ahead);
    std::thread::spawn(move || loop {
        match src.next_frame() {
            Ok(Some(f)) => {
                if tx.send(Ok(f)).is_err() {
                    return;
                }
            }
            Ok(None) => return,
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        }
    });
    rx
}

/// Write frames on a thread; the returned handle yields the first error, if any.
pub fn write_behind(
    sink: Sink,
    rate: (u32, u32),
) -> (mpsc::SyncSender<(usize, Rgb)>, std::thread::JoinHandle<Result<()>>) {
    let (tx, rx) = mpsc::sync_channel::<(usize, Rgb)>(2);
    let handle = std::thread::spawn(move || -> Result<()> {
        match sink {
            Sink::Dir(dir) => {
                std::fs::create_dir_all(&dir).map_err(|e| Error::file(&dir, format!("cannot create: {e}")))?;
                for (i, img) in rx {
                    crate::imageio::save_atomic(&img, &frame_path(&dir, i))?;
                }
            }
            Sink::Y4m(mut w) => {
                let mut header = None;
                for (_, img) in rx {
                    if header.is_none() {
                        let h = y4m::Header {
                            width: img.width() as usize,
                            height: img.height() as usize,
                            rate,
                            chroma444: false,
                            full_range: false,
                        };
                        y4m::write_header(&mut w, &h)
                            .map_err(|e| Error::Invalid(format!("writing Y4M output: {e}")))?;
                        header = Some(h);
                    }
                    let h = header.as_ref().unwrap();
                    y4m::write_frame(&mut w, h, &img)
                        .map_err(|e| Error::Invalid(format!("writing Y4M output: {e}")))?;
                }
                w.flush().map_err(|e| Error::Invalid(format!("writing Y4M output: {e}")))?;
            }
        }
        Ok(())
    });
    (tx, handle)
}

/// The scene cuts of a render so far, in its output folder (`--resume` links no frame across them).
const SCENE_CUTS_FILE: &str = ".paintflow-cuts.json";

/// Remove an earlier run's record (a file or a folder) from an output folder, if it is there.
fn remove_earlier_record(path: &Path) -> Result<()> {
    let removed = if path.is_dir() { std::fs::remove_dir_all(path) } else { std::fs::remove_file(path) };
    match removed {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(Error::file(path, format!("cannot remove the earlier run's record: {e}")))
        }
        _ => Ok(()),
    }
}

/// The scene cuts recorded in an output folder (none when there is no record).
fn read_scene_cuts(dir: &Path) -> Result<Vec<usize>> {
    let path = dir.join(SCENE_CUTS_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .map_err(|e| Error::file(&path, format!("--resume: the earlier run's scene cuts are corrupt ({e})"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(Error::file(&path, format!("--resume: cannot read the earlier run's scene cuts ({e})"))),
    }
}

/// What `paintflow video --report` writes: the flicker measure per frame and its mean.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Report {
    pub mode: String,
    /// Mean of the frames' warping errors (None when no frame pair was measured).
    pub mean_warping_error: Option<f64>,
    /// Frames that started a new scene.
    #[serde(default)]
    pub scene_cuts: Vec<usize>,
    /// With --loop: the warping error of the first frame's second visit against the last frame
    /// (the seam as the loop plays it), and the second visits' own stats.
    #[serde(default)]
    pub loop_seam_warping_error: Option<f64>,
    #[serde(default)]
    pub loop_frames: Vec<FrameReport>,
    /// Passes of the multi-pass algorithm (1: a single pass); `frames` are the last pass's.
    #[serde(default = "one")]
    pub passes: usize,
    pub frames: Vec<FrameReport>,
}

fn one() -> usize {
    1
}

/// One frame of a [`Report`].
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct FrameReport {
    pub frame: usize,
    pub seconds: f64,
    #[serde(default)]
    pub iterations: usize,
    #[serde(default)]
    pub scene_cut: bool,
    pub warping_error: Option<f64>,
    pub consistent_fraction: Option<f64>,
    pub style_loss: Option<f64>,
    pub content_loss: Option<f64>,
    /// Real-time mode: the steadied frame's difference to the network's own output in moving
    /// regions (see `FrameStats::smear`).
    pub smear: Option<f64>,
}

impl Report {
    pub fn new(mode: Mode, stats: &[FrameStats]) -> Report {
        // the last pass's frames (multi-pass), in frame order; a loop's second visits apart
        let last = stats.iter().map(|s| s.pass).max().unwrap_or(1);
        let (looped, mut stats): (Vec<&FrameStats>, Vec<&FrameStats>) =
            stats.iter().filter(|s| s.pass == last).partition(|s| s.looped);
        stats.sort_by_key(|s| s.index);
        let errs: Vec<f64> = stats.iter().filter_map(|s| s.warping_error).collect();
        let frame = |st: &&FrameStats| FrameReport {
            frame: st.index,
            seconds: st.seconds,
            iterations: st.iterations,
            scene_cut: st.scene_cut,
            warping_error: st.warping_error,
            consistent_fraction: st.consistent_fraction,
            style_loss: st.losses.as_ref().map(|l| l.style as f64),
            content_loss: st.losses.as_ref().map(|l| l.content as f64),
            smear: st.smear,
        };
        Report {
            mode: format!("{mode:?}"),
            mean_warping_error: (!errs.is_empty()).then(|| errs.iter().sum::<f64>() / errs.len() as f64),
            scene_cuts: stats.iter().filter(|s| s.scene_cut).map(|s| s.index).collect(),
            loop_seam_warping_error: looped.first().and_then(|s| s.warping_error),
            loop_frames: looped.iter().map(frame).collect(),
            passes: last,
            frames: stats.iter().map(frame).collect(),
        }
    }

    /// Write as JSON through a temporary file and a rename.
    pub fn write(&self, path: &Path) -> Result<()> {
        write_json_atomic(path, self)
    }
}

/// What [`render`] reports as it goes.
pub enum VideoEvent<'a> {
    /// The first frame fixed the processing size; `total` frames will be processed when the
    /// input's length is known; frames before `first` are already finished (resume).
    Started { width: u32, height: u32, total: Option<usize>, first: usize },
    /// Every frame the run was asked for is already in the output folder.
    AlreadyDone { frames: usize },
    /// Iteration `iteration` of `of` of the current frame finished.
    Iteration { iteration: usize, of: usize },
    /// A frame was painted and handed to the writer.
    Frame(&'a FrameStats),
}

/// How much of the input a render covers.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderRange {
    /// Continue after the last finished frame in the output folder.
    pub resume: bool,
    /// Process at most this many frames (counted from the input's first).
    pub max_frames: Option<usize>,
}

/// Paint a whole video: read `source` ahead on a thread, paint each frame with `styles`, write
/// each finished frame to `sink` behind on another thread (folders: atomically), resume after
/// the frames already in the output folder when asked. Returns the statistics of the frames
/// painted in this run.
#[allow(clippy::too_many_arguments)]
pub fn render(
    gpu: &Gpu,
    engine: Engine,
    job: &VideoJob,
    mut source: Source,
    sink: Sink,
    range: RenderRange,
    mut on: impl FnMut(VideoEvent),
) -> Result<Vec<FrameStats>> {
    let out_dir = match (&sink, range.resume) {
        (Sink::Dir(d), _) => Some(d.clone()),
        (Sink::Y4m(_), true) => return Err(Error::Invalid("--resume needs an output folder, not a stream".into())),
        (Sink::Y4m(_), false) => None,
    };
    let total = match (source.known_len(), range.max_frames) {
        (Some(n), Some(m)) => Some(n.min(m)),
        (n, m) => n.or(m),
    };
    // The first frame fixes the processing size (every frame must have the first one's size).
    let Some((name0, frame0)) = source.next_frame()? else {
        return Err(Error::Invalid(format!("{}: no frames", source.name())));
    };
    let (w0, h0) = frame0.dimensions();
    let (mut w, mut h) = crate::imageio::fit_dims(w0, h0, job.size);
    if let Engine::Network(_) = engine {
        // the network halves the size twice: process at the nearest multiples of 4
        (w, h) = (((w + 2) / 4 * 4).max(4), ((h + 2) / 4 * 4).max(4));
    } else {
        if matches!(sink, Sink::Y4m(_)) {
            // Y4M goes out as 4:2:0, whose chroma halves each side: encoders (libx264) refuse
            // odd sizes, so odd sides grow by one pixel
            (w, h) = (w + w % 2, h + h % 2);
        }
        crate::style::check_fits(gpu, w, h)?;
    }
    let fit = |img: &Rgb| crate::imageio::resize(img, w, h);
    let mut styl = match engine {
        Engine::Optimize { vgg, styles } => {
            let targets = crate::style::style_targets(gpu, vgg, &job.loss, styles, job.style_scale, w, h)?;
            Painter::Optimize(Box::new(VideoStylizer::new(gpu, vgg, job.clone(), w as usize, h as usize, &targets)?))
        }
        Engine::Network(net) => Painter::Network(Box::new(NetworkStylizer::new(
            gpu,
            net,
            job.mode,
            job.steady,
            job.scene_threshold,
            &job.flow,
            job.report,
            w as usize,
            h as usize,
        )?)),
    };

    if job.passes > 1 {
        let (Painter::Optimize(styl), Some(dir)) = (&mut styl, &out_dir) else {
            return Err(Error::Invalid("--passes needs the optimisation and an output folder".into()));
        };
        let mut inputs = vec![fit(&frame0)];
        while range.max_frames.is_none_or(|m| inputs.len() < m) {
            let Some((name, img)) = source.next_frame()? else { break };
            check_same_size(&name, &img, (w0, h0))?;
            inputs.push(fit(&img));
        }
        return render_passes(styl, job, &inputs, dir, (w, h), range.resume, on);
    }
    if job.loop_frames > 0 && out_dir.is_none() {
        return Err(Error::Invalid("--loop rewrites the first frames at the end: it needs an output folder".into()));
    }
    let rate = source.rate();
    let mut first = 0;
    let mut pending = Some((name0, frame0));
    // the first frames again, for closing the loop
    let mut loop_inputs: Vec<Rgb> = Vec::new();
    if let (true, Some(dir)) = (range.resume, &out_dir) {
        let done = finished_frames(dir);
        // (with --loop, a clip whose frames are all there may still have its loop to close)
        if total.is_some_and(|t| done > t || (done == t && (job.loop_frames == 0 || loop_closed(dir, t)))) {
            on(VideoEvent::AlreadyDone { frames: done });
            return Ok(Vec::new());
        }
        if done > 0 {
            // the inputs of the last frames before `done` (since the last scene cut) become the
            // painter's history, with the results written for them
            let cuts = read_scene_cuts(dir)?;
            let since = cuts.iter().copied().filter(|&c| c < done).max().unwrap_or(0);
            let keep = (done - since).min(styl.depth());
            let mut inputs = std::collections::VecDeque::new();
            let frame0 = pending.take().expect("the first frame").1;
            if job.loop_frames > 0 {
                loop_inputs.push(fit(&frame0));
            }
            inputs.push_back(frame0);
            for i in 1..done {
                let (_, img) = source.next_frame()?.ok_or_else(|| {
                    Error::Invalid(format!("--resume: {} holds {done} frames but the input has fewer", dir.display()))
                })?;
                if i < job.loop_frames {
                    loop_inputs.push(fit(&img));
                }
                inputs.push_back(img);
                if inputs.len() > keep {
                    inputs.pop_front();
                }
            }
            let history = inputs
                .iter()
                .enumerate()
                .map(|(k, img)| Ok((fit(img), crate::imageio::load(&first_visit_path(dir, done - keep + k))?)))
                .collect::<Result<Vec<_>>>()?;
            styl.resume_from(done, &history)?;
            first = done;
        }
    }
    let mut cuts = match &out_dir {
        Some(dir) if first > 0 => read_scene_cuts(dir)?.into_iter().filter(|&c| c < first).collect(),
        Some(dir) => {
            // a new run: an earlier run's records (cuts, a loop's first visits) must not survive
            // into this one's --resume
            remove_earlier_record(&dir.join(SCENE_CUTS_FILE))?;
            remove_earlier_record(&loop_dir(dir))?;
            Vec::new()
        }
        None => Vec::new(),
    };
    on(VideoEvent::Started { width: w, height: h, total, first });
    let frames = read_ahead(source, 2);
    let (tx, writer) = write_behind(sink, rate);
    let mut stats = Vec::new();
    let mut index = first;
    let mut inputs = pending.into_iter().map(Ok).chain(frames);
    let painted: Result<()> = (|| {
        while range.max_frames.is_none_or(|m| index < m) {
            let Some(next) = inputs.next() else { break };
            let (name, img) = next?;
            check_same_size(&name, &img, (w0, h0))?;
            let img = fit(&img);
            let (out, st) = styl.process(&img, |iteration, of| on(VideoEvent::Iteration { iteration, of }))?;
            if index < job.loop_frames {
                loop_inputs.push(img);
            }
            if let (true, Some(dir)) = (st.scene_cut, &out_dir) {
                // recorded before the frame is written, so a resumed run never links across it
                cuts.push(index);
                write_json_atomic(&dir.join(SCENE_CUTS_FILE), &cuts)?;
            }
            if tx.send((index, out)).is_err() {
                break; // the writer stopped: its error is reported below
            }
            on(VideoEvent::Frame(&st));
            stats.push(st);
            index += 1;
        }
        Ok(())
    })();
    drop(tx);
    let written = writer.join().map_err(|_| Error::Invalid("the frame writer panicked".into()))?;
    // The writer's error first: a frame that could not be written explains a stop.
    written?;
    painted?;
    if let (true, Some(dir)) = (job.loop_frames > 0, &out_dir) {
        if !loop_closed(dir, index) {
            stats.extend(close_loop(&mut styl, dir, &loop_inputs, index, &mut on)?);
        }
    }
    Ok(stats)
}

/// Every frame of a video must have the first one's size.
fn check_same_size(name: &str, img: &Rgb, (w0, h0): (u32, u32)) -> Result<()> {
    let (w, h) = img.dimensions();
    if (w, h) != (w0, h0) {
        return Err(Error::Invalid(format!(
            "{name} is {w}x{h} but the first frame is {w0}x{h0}: all frames must have the same size"
        )));
    }
    Ok(())
}

/// Where a multi-pass render keeps its earlier passes, one folder each.
const PASSES_DIR: &str = ".paintflow-passes";

/// Where pass `p` (0-based) of `passes` keeps its frames: the output folder for the last.
fn pass_dir(dir: &Path, p: usize, passes: usize) -> PathBuf {
    if p + 1 == passes {
        dir.to_path_buf()
    } else {
        dir.join(PASSES_DIR).join(format!("pass_{:02}", p + 1))
    }
}

/// The multi-pass algorithm (see [`VideoJob::passes`]) over `inputs` (at the processing size):
/// every pass's frames are written atomically into the pass's folder as they are made, so a
/// stopped run resumes at the first pass not complete, after the frames its sweep had made.
/// Returns the statistics of the frames painted in this run (each frame's `index` its own).
fn render_passes(
    styl: &mut VideoStylizer,
    job: &VideoJob,
    inputs: &[Rgb],
    dir: &Path,
    (w, h): (u32, u32),
    resume: bool,
    mut on: impl FnMut(VideoEvent),
) -> Result<Vec<FrameStats>> {
    let n = inputs.len();
    let passes = job.passes;
    if !resume {
        // a new run: no earlier run's passes may be taken for this one's
        remove_earlier_record(&dir.join(PASSES_DIR))?;
    }
    let order = |p: usize| -> Vec<usize> {
        if p.is_multiple_of(2) {
            (0..n).collect()
        } else {
            (0..n).rev().collect()
        }
    };
    // frames finished per pass (a sweep writes in its order, so they are a prefix of it)
    let done: Vec<usize> = (0..passes)
        .map(|p| order(p).iter().take_while(|&&i| frame_path(&pass_dir(dir, p, passes), i).is_file()).count())
        .collect();
    let finished = done.iter().sum::<usize>();
    if finished == n * passes {
        on(VideoEvent::AlreadyDone { frames: n });
        return Ok(Vec::new());
    }
    on(VideoEvent::Started { width: w, height: h, total: Some(n * passes), first: finished });
    let mut stats = Vec::new();
    for p in 0..passes {
        if done[p] == n {
            continue;
        }
        let sweep = order(p);
        let out = pass_dir(dir, p, passes);
        styl.restart();
        if done[p] > 0 {
            let j = sweep[done[p] - 1];
            styl.resume_from(done[p], &[(inputs[j].clone(), crate::imageio::load(&frame_path(&out, j))?)])?;
        }
        let temporal = p + 1 >= job.temporal_pass;
        for &i in &sweep[done[p]..] {
            let previous =
                if p > 0 { Some(crate::imageio::load(&frame_path(&pass_dir(dir, p - 1, passes), i))?) } else { None };
            let pass = previous.as_ref().map(|previous| PassFrame { previous, blend: job.pass_blend, temporal });
            let (img, mut st) =
                styl.process_with(&inputs[i], pass, |iteration, of| on(VideoEvent::Iteration { iteration, of }))?;
            crate::imageio::save_atomic(&img, &frame_path(&out, i))?;
            (st.index, st.pass) = (i, p + 1);
            on(VideoEvent::Frame(&st));
            stats.push(st);
        }
    }
    Ok(stats)
}

/// Where a looped render keeps its records: the first visits of the frames it cross-fades (the
/// folder's own frames become the cross-faded ones, so an interrupted or extended run fades from
/// these again) and the record that the loop was closed.
fn loop_dir(dir: &Path) -> PathBuf {
    dir.join(".paintflow-loop")
}

/// Frame `i` as first painted: the copy a loop kept aside, else the folder's frame.
fn first_visit_path(dir: &Path, i: usize) -> PathBuf {
    let kept = frame_path(&loop_dir(dir), i);
    if kept.is_file() {
        kept
    } else {
        frame_path(dir, i)
    }
}

/// The record that the loop of a clip of `frames` frames was closed.
fn loop_marker(dir: &Path) -> PathBuf {
    loop_dir(dir).join("closed.json")
}

fn loop_closed(dir: &Path, frames: usize) -> bool {
    std::fs::read_to_string(loop_marker(dir)).ok().and_then(|t| serde_json::from_str::<usize>(&t).ok()) == Some(frames)
}

/// Close the loop of a clip of `n` painted frames in `dir`: the painter, which has just painted
/// frame n-1, goes on through `inputs` (the first frames, at the processing size) again; frame i
/// of them becomes (1 - i/k) x the second visit + i/k x the first (k = how many). The first
/// visits are kept aside before any frame is replaced, and the loop is recorded as closed last.
fn close_loop(
    styl: &mut Painter,
    dir: &Path,
    inputs: &[Rgb],
    n: usize,
    on: &mut impl FnMut(VideoEvent),
) -> Result<Vec<FrameStats>> {
    let k = inputs.len().min(n.saturating_sub(1));
    let mut stats = Vec::new();
    let mut second = Vec::new();
    for (i, img) in inputs[..k].iter().enumerate() {
        let (out, mut st) = styl.process(img, |iteration, of| on(VideoEvent::Iteration { iteration, of }))?;
        (st.index, st.looped) = (i, true);
        on(VideoEvent::Frame(&st));
        stats.push(st);
        second.push(out);
    }
    for i in 0..k {
        let kept = frame_path(&loop_dir(dir), i);
        if !kept.is_file() {
            crate::imageio::save_atomic(&crate::imageio::load(&frame_path(dir, i))?, &kept)?;
        }
    }
    for (i, second) in second.iter().enumerate() {
        let first = crate::imageio::load(&first_visit_path(dir, i))?;
        let faded = crate::imageio::mix(second, &first, 1.0 - i as f32 / k as f32);
        crate::imageio::save_atomic(&faded, &frame_path(dir, i))?;
    }
    write_json_atomic(&loop_marker(dir), &n)?;
    Ok(stats)
}
