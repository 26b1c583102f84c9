//! Segment-parallel rendering of long videos: `paintflow video ... --segment K/N` paints only
//! segment K of N (the frames split evenly), starting `--overlap` frames early, into a folder of
//! its own beside the output (`OUT/.paintflow-segments/KofN`, its own lock, settings record and
//! resume); `paintflow join OUT` assembles the output folder from the finished segments: a frame
//! inside one segment is that segment's own (hard-linked), a frame of an overlap is cross-faded
//! from the segment before (weight falling from near 1 to near 0 across the overlap) into the
//! segment after, so the seam is spread over the overlap instead of a jump from one chain to
//! another. The segments' folders are only read, and every output frame is written atomically:
//! an interrupted join loses nothing, and running it again gives the same frames.
//!
//! Chains started apart paint one frame differently (their squared difference D is what each
//! seam must fade away), so `paintflow video ... --keyframes N` first paints every segment's
//! first frame as one chain (OUT/.paintflow-segments/keyframes-N, each keyframe from the one
//! before warped along the flow between them); a segment rendered after starts its chain from
//! its keyframe, and neighbouring chains then start from paintings of one chain: on the tree
//! clip D fell from 1200-1500x to 35-110x the median warping error inside segments.
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::video::{self, Settings};

/// Folder (inside the output folder) holding the segments' own folders.
pub const SEGMENTS_DIR: &str = ".paintflow-segments";

/// What a finished join records in the output folder (after its last frame is in place).
pub const JOINED_FILE: &str = ".paintflow-joined.json";

/// The overlap a segment gets when `--overlap` is not given (shortened to the shortest segment).
/// Two chains started apart do not converge (their paintings of one frame differ by a mean
/// squared D that stays put: measured 0.018-0.020 on the tree clip at 48 px, 250x the median
/// warping error m of a pair inside a segment), and a cross-fade over F frames adds about
/// D/(F+1)^2 to each pair's warping error, as any path from one painting to the other must: a
/// seam within 1.5 m needs (F+1)^2 >= 2D/m, F about 22 there. (Measured before keyframes,
/// which shrink D 15-35x.)
pub const DEFAULT_OVERLAP: usize = 24;

/// The frames of segment `k` (1-based) of `n` in a clip of `total`: [floor((k-1)T/n), floor(kT/n)).
pub fn segment_frames(total: usize, k: usize, n: usize) -> Range<usize> {
    assert!(n >= 1 && (1..=n).contains(&k), "segment {k}/{n}");
    (k - 1) * total / n..k * total / n
}

/// The frames segment `k` paints: its own, and the `overlap` frames before them (none for the
/// first segment), where its chain starts.
pub fn painted_frames(total: usize, k: usize, n: usize, overlap: usize) -> Range<usize> {
    let own = segment_frames(total, k, n);
    if k == 1 {
        own
    } else {
        own.start.saturating_sub(overlap)..own.end
    }
}

/// Parse "K/N" (1 <= K <= N).
pub fn parse_segment(spec: &str) -> Result<(usize, usize)> {
    let bad = |why: &str| Error::Invalid(format!("--segment {spec}: {why}"));
    let (k, n) = spec.split_once('/').ok_or_else(|| bad("expected K/N, segment K of N, such as 2/8"))?;
    let (k, n) = match (k.trim().parse::<usize>(), n.trim().parse::<usize>()) {
        (Ok(k), Ok(n)) => (k, n),
        _ => return Err(bad("expected K/N with whole numbers, such as 2/8")),
    };
    if n == 0 {
        return Err(bad("N (the number of segments) must be at least 1"));
    }
    if !(1..=n).contains(&k) {
        return Err(bad(&format!("K must be from 1 to {n} (segments are numbered from 1)")));
    }
    Ok((k, n))
}

/// The overlap segments of a clip of `total` frames in `n` get: `asked`, or the default
/// shortened to the shortest segment; an overlap longer than the shortest segment is refused
/// (a cross-fade must lie within the segment before). Also refuses more segments than frames.
pub fn overlap_for(total: usize, n: usize, asked: Option<usize>) -> Result<usize> {
    if n > total {
        return Err(Error::Invalid(format!(
            "--segment K/{n}: the clip has {total} frame{}: use at most {total} segments",
            if total == 1 { "" } else { "s" }
        )));
    }
    let shortest = total / n;
    match asked {
        None => Ok(DEFAULT_OVERLAP.min(shortest)),
        Some(f) if f > shortest && n > 1 => Err(Error::Invalid(format!(
            "--overlap {f}: the shortest of the {n} segments of this {total}-frame clip has {shortest} frames; \
             an overlap fades within the segment before, so use at most {shortest}"
        ))),
        Some(f) => Ok(f),
    }
}

/// The folder segment `k` of `n` paints into.
pub fn segment_dir(out: &Path, k: usize, n: usize) -> PathBuf {
    out.join(SEGMENTS_DIR).join(format!("{k}of{n}"))
}

/// The folder the keyframes of a split into `n` are painted into (`video --keyframes N`).
pub fn keyframes_dir(out: &Path, n: usize) -> PathBuf {
    out.join(SEGMENTS_DIR).join(format!("keyframes-{n}"))
}

/// The frames `video --keyframes N` paints, one chain over the clip: each segment's first painted
/// frame, in order (keyframe k - 1 is where segment k's chain starts).
pub fn keyframe_frames(total: usize, n: usize, overlap: usize) -> Vec<usize> {
    (1..=n).map(|k| painted_frames(total, k, n, overlap).start).collect()
}

/// The settings keys a segment records besides the render's own.
const KEY_SEGMENT: &str = "--segment";
const KEY_OVERLAP: &str = "--overlap";
const KEY_FRAMES: &str = "segment-frames";
const KEY_INPUT: &str = "input-path";
const KEY_KEYFRAMES: &str = "--keyframes";
const KEY_KEYFRAME_FRAMES: &str = "keyframe-frames";
/// Whether a segment started from its keyframe (a resume or a join never mixes the two).
const KEY_FROM_KEYFRAME: &str = "from-keyframe";

/// Add a segment's own settings to a render's: which segment, the overlap, the frames it paints
/// (first painted, first own, end: a changed input length changes them and --resume refuses)
/// and the input's absolute path (for `join --seams`).
pub fn segment_settings(
    mut s: Settings,
    (k, n): (usize, usize),
    overlap: usize,
    total: usize,
    input: &Path,
) -> Settings {
    let own = segment_frames(total, k, n);
    let painted = painted_frames(total, k, n, overlap);
    s.insert(KEY_SEGMENT.into(), format!("{k}/{n}").into());
    s.insert(KEY_OVERLAP.into(), overlap.into());
    s.insert(KEY_FRAMES.into(), vec![painted.start, own.start, own.end].into());
    record_input(s, input)
}

/// Record the input's absolute path (for `join --seams`, and so that keyframes and segments of
/// another clip are told apart).
fn record_input(mut s: Settings, input: &Path) -> Settings {
    let abs = input.canonicalize().unwrap_or_else(|_| input.to_path_buf());
    s.insert(KEY_INPUT.into(), abs.display().to_string().into());
    s
}

/// Add the keyframe pass's own settings to a render's: the split, the overlap, the frames it
/// paints and the input's absolute path.
pub fn keyframe_settings(mut s: Settings, n: usize, overlap: usize, total: usize, input: &Path) -> Settings {
    s.insert(KEY_KEYFRAMES.into(), n.into());
    s.insert(KEY_OVERLAP.into(), overlap.into());
    s.insert(KEY_KEYFRAME_FRAMES.into(), keyframe_frames(total, n, overlap).into());
    record_input(s, input)
}

/// Record in a segment's settings whether its chain starts from its keyframe.
pub fn from_keyframe_setting(mut s: Settings, from_keyframe: bool) -> Settings {
    s.insert(KEY_FROM_KEYFRAME.into(), from_keyframe.into());
    s
}

/// Segment `k` of `n`'s keyframe, the painting its chain starts from: None when `out` has no
/// keyframes of this split (the segment then paints its first frame itself); an error when it
/// has them but not keyframe `k` yet, or painted with other settings than `render` (the
/// segment's render settings, before its segment keys).
pub fn keyframe_for(
    out: &Path,
    (k, n): (usize, usize),
    render: &Settings,
    (overlap, total): (usize, usize),
    input: &Path,
) -> Result<Option<PathBuf>> {
    let dir = keyframes_dir(out, n);
    if !dir.is_dir() {
        return Ok(None);
    }
    let recorded = video::read_run_record(&dir).map_err(|why| {
        Error::file(
            video::run_record(&dir),
            format!(
                "the keyframes' settings record: {why}: paint them again (`--keyframes {n} --overwrite`) or delete \
                 the folder"
            ),
        )
    })?;
    let expected = keyframe_settings(render.clone(), n, overlap, total, input);
    let diff = video::settings_diff(&recorded, &expected, "keyframes:");
    if !diff.is_empty() {
        return Err(Error::file(
            &dir,
            format!(
                "the keyframes were painted with other settings than this segment: {}; paint them again with these \
                 (`--keyframes {n} --overwrite`) or delete the folder to paint segments without keyframes",
                diff.join(", ")
            ),
        ));
    }
    let have = video::finished_frames(&dir);
    if have < k {
        return Err(Error::file(
            &dir,
            format!(
                "holds {have} of the {n} keyframes, not yet segment {k}'s: finish them first (`paintflow video ... \
                 --keyframes {n} --resume`)"
            ),
        ));
    }
    Ok(Some(video::frame_path(&dir, k - 1)))
}

/// Put `keyframe` in place as the first frame of the segment folder `dir` (which has none yet), so
/// that the segment's render resumes from it.
pub fn start_from_keyframe(dir: &Path, keyframe: &Path) -> Result<()> {
    link_atomic(keyframe, &video::frame_path(dir, 0))
}

/// A finished segment as the join sees it.
struct Segment {
    k: usize,
    dir: PathBuf,
    /// Frames it painted (its chain starts at `painted.start`; its frame i is local i - start).
    painted: Range<usize>,
    own: Range<usize>,
    settings: Settings,
    /// Its lock, held for the whole join (no render of it may start meanwhile).
    _lock: std::fs::File,
}

impl Segment {
    fn frame(&self, i: usize) -> PathBuf {
        video::frame_path(&self.dir, i - self.painted.start)
    }
}

/// What `join` did.
pub struct Joined {
    pub segments: usize,
    pub overlap: usize,
    pub frames: usize,
    /// The frames cross-faded (each overlap's), ascending.
    pub faded: Vec<usize>,
    /// The own frames of each segment, in order.
    pub ranges: Vec<Range<usize>>,
    /// The input (absolute), for measuring the seams.
    pub input: String,
}

#[derive(serde::Serialize)]
struct JoinRecord<'a> {
    segments: usize,
    overlap: usize,
    frames: usize,
    ranges: Vec<[usize; 2]>,
    faded: &'a [usize],
}

/// The segments' split (N) in `out`'s segments folder: exactly one must be there.
fn find_split(out: &Path) -> Result<usize> {
    let root = out.join(SEGMENTS_DIR);
    let entries = std::fs::read_dir(&root).map_err(|e| {
        Error::file(
            &root,
            format!(
                "no segments to join ({e}): render them first with `paintflow video INPUT -o {} ... --segment K/N`",
                out.display()
            ),
        )
    })?;
    let mut splits: Vec<usize> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let (k, n) = name.split_once("of")?;
            k.parse::<usize>().ok()?;
            n.parse::<usize>().ok()
        })
        .collect();
    splits.sort_unstable();
    splits.dedup();
    match splits[..] {
        [] => Err(Error::file(&root, "no segment folders (KofN) to join")),
        [n] => Ok(n),
        _ => Err(Error::file(
            &root,
            format!(
                "holds segments of several splits ({}): remove the folders of the split you do not want",
                splits.iter().map(|n| format!("{n} segments")).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

/// Claim segment `k`'s folder for the join and check that it is complete; Err(reason) names
/// what is missing.
fn open_segment(out: &Path, k: usize, n: usize) -> std::result::Result<Segment, String> {
    let dir = segment_dir(out, k, n);
    let again = format!("render it with `paintflow video ... -o {} --segment {k}/{n} --resume`", out.display());
    if !dir.is_dir() {
        return Err(format!("segment {k}/{n} has not been rendered (no {}): {again}", dir.display()));
    }
    let lock_path = dir.join(".paintflow.lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| format!("segment {k}/{n}: cannot open {}: {e}", lock_path.display()))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(format!("segment {k}/{n} is still being rendered (another paintflow holds its lock)"))
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(format!("segment {k}/{n}: cannot lock: {e}")),
    }
    let manifest = video::run_record(&dir);
    let settings = video::read_run_record(&dir)
        .map_err(|why| format!("segment {k}/{n}: {}: {why}: {again}", manifest.display()))?;
    let range = settings
        .get(KEY_FRAMES)
        .and_then(|v| serde_json::from_value::<[usize; 3]>(v.clone()).ok())
        .ok_or_else(|| format!("segment {k}/{n}: {} has no segment-frames record", manifest.display()))?;
    let (painted, own) = (range[0]..range[2], range[1]..range[2]);
    let done = video::finished_frames(&dir).min(painted.len());
    if done < painted.len() {
        return Err(format!(
            "segment {k}/{n} is incomplete: {done} of its {} frames (frames {}-{}) are there: {again}",
            painted.len(),
            painted.start,
            painted.end - 1
        ));
    }
    Ok(Segment { k, dir, painted, own, settings, _lock: lock })
}

/// Assemble `out` from its finished segments (see the module's documentation). Refuses while
/// any segment is incomplete or rendering (naming each), when the segments' settings disagree,
/// and when `out` holds frames of another run unless `overwrite`.
pub fn join(out: &Path, overwrite: bool) -> Result<Joined> {
    let n = find_split(out)?;
    let (mut segments, mut problems) = (Vec::new(), Vec::new());
    for k in 1..=n {
        match open_segment(out, k, n) {
            Ok(s) => segments.push(s),
            Err(why) => problems.push(why),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(format!("cannot join {}: {}", out.display(), problems.join("; "))));
    }
    // every segment from one render's settings, of one clip's split
    let common = |s: &Settings| -> Settings {
        s.iter().filter(|(k, _)| *k != KEY_SEGMENT && *k != KEY_FRAMES).map(|(k, v)| (k.clone(), v.clone())).collect()
    };
    let first = common(&segments[0].settings);
    for s in &segments[1..] {
        let other = common(&s.settings);
        let diff = video::settings_diff(&first, &other, "segment 1:");
        if !diff.is_empty() {
            return Err(Error::Invalid(format!(
                "cannot join {}: segment {}/{n} was rendered with other settings than segment 1/{n}: {}; render it \
                 again with the same settings (--overwrite)",
                out.display(),
                s.k,
                diff.join(", ")
            )));
        }
    }
    let overlap = first.get(KEY_OVERLAP).and_then(|v| v.as_u64()).unwrap_or(0) as usize;
    let total = segments[n - 1].own.end;
    for s in &segments {
        let own = segment_frames(total, s.k, n);
        if s.own != own || s.painted != painted_frames(total, s.k, n, overlap) {
            return Err(Error::Invalid(format!(
                "cannot join {}: segment {}/{n} holds frames {}-{} of a clip split otherwise than the last segment's \
                 {total} frames (was the input changed?): render it again (--overwrite)",
                out.display(),
                s.k,
                s.own.start,
                s.own.end.saturating_sub(1),
            )));
        }
    }
    let input = first.get(KEY_INPUT).and_then(|v| v.as_str()).unwrap_or_default().to_string();

    // the output folder: one run's frames at a time (this join's settings recorded there)
    let mut settings = first.clone();
    settings.remove(KEY_OVERLAP);
    settings.insert("joined-segments".into(), n.into());
    settings.insert(KEY_OVERLAP.into(), overlap.into());
    settings.insert("frames".into(), total.into());
    let has_frames = !video::frame_files(out)?.is_empty();
    if has_frames && !overwrite && !video::run_record(out).exists() {
        return Err(Error::file(
            out,
            "holds frames without a record of the run that made them: add --overwrite to replace them with the \
             joined segments",
        ));
    }
    let existing = if overwrite { video::Existing::Overwrite } else { video::Existing::Resume };
    let _claim = video::OutputFolder::claim(out, &settings, existing).map_err(|e| match e {
        Error::File { path, msg } => Error::File { path, msg: msg.replace("--resume: ", "join: ") },
        e => e,
    })?;

    let mut faded = Vec::new();
    for (idx, s) in segments.iter().enumerate() {
        let next = segments.get(idx + 1);
        for i in s.own.clone() {
            let dest = video::frame_path(out, i);
            match next.filter(|t| t.painted.contains(&i)) {
                // the next segment's overlap: fade from this chain into the next one
                Some(t) => {
                    let j = i - t.painted.start;
                    let w = (overlap - j) as f32 / (overlap + 1) as f32;
                    let (a, b) = (crate::imageio::load(&s.frame(i))?, crate::imageio::load(&t.frame(i))?);
                    if a.dimensions() != b.dimensions() {
                        return Err(Error::Invalid(format!(
                            "cannot join: frame {i} is {}x{} in segment {} but {}x{} in segment {}",
                            a.width(),
                            a.height(),
                            s.k,
                            b.width(),
                            b.height(),
                            t.k
                        )));
                    }
                    crate::imageio::save_atomic(&crate::imageio::mix(&a, &b, w), &dest)?;
                    faded.push(i);
                }
                None => link_atomic(&s.frame(i), &dest)?,
            }
        }
    }
    let ranges: Vec<Range<usize>> = segments.iter().map(|s| s.own.clone()).collect();
    let record = JoinRecord {
        segments: n,
        overlap,
        frames: total,
        ranges: ranges.iter().map(|r| [r.start, r.end]).collect(),
        faded: &faded,
    };
    crate::files::write_json_atomic(&out.join(JOINED_FILE), &record)?;
    Ok(Joined { segments: n, overlap, frames: total, faded, ranges, input })
}

/// `dest` becomes the file `src` (a hard link, or a copy where links are not possible), through
/// a temporary name and a rename: never half there.
fn link_atomic(src: &Path, dest: &Path) -> Result<()> {
    crate::files::write_atomic(dest, |tmp| {
        std::fs::hard_link(src, tmp).or_else(|_| std::fs::copy(src, tmp).map(|_| ()))
    })
    .map_err(|e| match e {
        Error::File { path, msg } => Error::File { path, msg: format!("{msg} (from {})", src.display()) },
        e => e,
    })
}

/// The seams of a joined video measured along the input's flow (as `paintflow flicker`).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Seams {
    /// Per pair (t-1, t), t = 1..: (warping error, consistent fraction).
    pub pairs: Vec<(f64, f64)>,
    /// Median warping error of the pairs inside segments (those of no seam's window); None when
    /// every pair is in one.
    pub median_inside: Option<f64>,
    pub seams: Vec<Seam>,
}

/// One seam: between segment `segment - 1` and `segment`.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Seam {
    /// The later segment (2..=N).
    pub segment: usize,
    /// Its first own frame.
    pub frame: usize,
    /// The frames cross-faded (first, last), None without overlap.
    pub faded: Option<(usize, usize)>,
    /// The pairs (t-1, t) the seam touches: t from the first faded frame to `frame`.
    pub pairs: (usize, usize),
    /// The worst of them: t and its warping error.
    pub worst_pair: usize,
    pub warping_error: f64,
    /// The pair (frame - 1, frame) alone.
    pub boundary_warping_error: f64,
    /// warping_error / median_inside.
    pub ratio: Option<f64>,
}

/// Measure the seams of `joined` in its output folder `out` against the input frames.
pub fn measure_seams(gpu: &crate::gpu::Gpu, joined: &Joined, out: &Path) -> Result<Seams> {
    if joined.frames < 2 {
        return Err(Error::Invalid("measuring seams needs at least two frames".into()));
    }
    let input = video::Source::open(&joined.input)
        .map_err(|e| Error::Invalid(format!("--seams: the segments' input {} cannot be read: {e}", joined.input)))?;
    let painted = video::Source::open(&out.display().to_string())?;
    let f = video::flicker(gpu, input, painted, Some(joined.frames), false)?;
    if f.pairs.len() + 1 < joined.frames {
        return Err(Error::Invalid(format!(
            "--seams: measured {} frames of {}: the input has fewer frames than the segments",
            f.pairs.len() + 1,
            joined.frames
        )));
    }
    let windows: Vec<Range<usize>> =
        joined.ranges[1..].iter().map(|r| r.start.saturating_sub(joined.overlap).max(1)..r.start + 1).collect();
    let mut inside: Vec<f64> =
        (1..joined.frames).filter(|t| !windows.iter().any(|w| w.contains(t))).map(|t| f.pairs[t - 1].0).collect();
    inside.sort_by(|a, b| a.total_cmp(b));
    let median_inside = match inside.len() {
        0 => None,
        m if m % 2 == 1 => Some(inside[m / 2]),
        m => Some((inside[m / 2 - 1] + inside[m / 2]) / 2.0),
    };
    let seams = windows
        .iter()
        .zip(&joined.ranges[1..])
        .enumerate()
        .map(|(i, (w, r))| {
            let worst = w.clone().max_by(|&a, &b| f.pairs[a - 1].0.total_cmp(&f.pairs[b - 1].0)).expect("a pair");
            let e = f.pairs[worst - 1].0;
            Seam {
                segment: i + 2,
                frame: r.start,
                faded: (joined.overlap > 0).then(|| (r.start - joined.overlap, r.start - 1)),
                pairs: (w.start, w.end - 1),
                worst_pair: worst,
                warping_error: e,
                boundary_warping_error: f.pairs[r.start - 1].0,
                ratio: median_inside.filter(|&m| m > 0.0).map(|m| e / m),
            }
        })
        .collect();
    Ok(Seams { pairs: f.pairs, median_inside, seams })
}
