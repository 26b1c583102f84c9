//! The command line as a user meets it: --help everywhere, and bad input that must give a clear
//! error naming the file, flag or tensor, with a non-zero exit and no panic.
use std::path::{Path, PathBuf};
use std::process::Command;

/// The binary, with kernel choices cached beside the build rather than in the user's cache
/// (a test that sets PAINTFLOW_CACHE_DIR itself overrides this).
fn cmd() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_paintflow"));
    c.env("PAINTFLOW_CACHE_DIR", concat!(env!("CARGO_TARGET_TMPDIR"), "/autotune"));
    c
}

fn paintflow(args: &[&str]) -> (bool, String, String) {
    let out = cmd().args(args).output().expect("run paintflow");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `frames` 40x28 frames of a smooth pattern panning right by 1 px per frame, as t.png.
fn write_pan_clip(dir: &Path, frames: u32) {
    for t in 0..frames {
        image::RgbImage::from_fn(40, 28, |x, y| {
            let fx = x as f32 - t as f32;
            let v = ((fx * 0.35).sin() * (y as f32 * 0.3).cos() * 100.0 + 128.0) as u8;
            image::Rgb([v, 255 - v, v / 2 + 40])
        })
        .save(dir.join(format!("{t}.png")))
        .unwrap();
    }
}

/// A 72x48 view of `img` (the bundled photo or painting) moved right by 4 source pixels per `shift`.
fn photo_view(img: &image::RgbImage, shift: u32, margin: u32) -> image::RgbImage {
    let crop = image::imageops::crop_imm(img, shift * 4, 0, img.width() - margin, img.height()).to_image();
    image::imageops::resize(&crop, 72, 48, image::imageops::FilterType::Triangle)
}

/// One of the bundled example images (assets/).
fn bundled(path: &str) -> image::RgbImage {
    image::open(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets").join(path)).unwrap().to_rgb8()
}

/// `paintflow video FRAMES -o OUT ARGS...`, which must succeed; its stderr.
fn paint_video(frames: &Path, out: &Path, args: &[&str]) -> String {
    let mut all = vec!["video", frames.to_str().unwrap(), "-o", out.to_str().unwrap()];
    all.extend_from_slice(args);
    let (ok, _, err) = paintflow(&all);
    assert!(ok, "{err}");
    err
}

/// The bytes of painted frame `i` in `dir`.
fn frame_bytes(dir: &Path, i: usize) -> Vec<u8> {
    std::fs::read(paintflow::video::frame_path(dir, i)).unwrap()
}

/// A fresh temporary folder and an empty `frames` folder in it.
fn tmpdir_with_frames(name: &str) -> (PathBuf, PathBuf) {
    let d = tmpdir(name);
    let frames = d.join("frames");
    std::fs::create_dir_all(&frames).unwrap();
    (d, frames)
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("paintflow-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[track_caller]
fn fails_with(args: &[&str], needles: &[&str]) {
    let (ok, _, err) = paintflow(args);
    assert!(!ok, "{args:?} should fail");
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    for n in needles {
        assert!(err.contains(n), "{args:?}: error should mention {n:?}, got: {err}");
    }
}

/// paintflow started with all three standard streams piped.
fn spawn_piped(args: &[&str]) -> std::process::Child {
    use std::process::Stdio;
    cmd().args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("run paintflow")
}

/// Run paintflow with `input` on its standard input.
fn paintflow_stdin(args: &[&str], input: &[u8]) -> (bool, String, String) {
    use std::io::Write;
    let mut child = spawn_piped(args);
    // paintflow may stop reading early (that is the point of a bounded reader): a broken pipe is fine
    let _ = child.stdin.take().unwrap().write_all(input);
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write_png(p: &Path, w: u32, h: u32) {
    image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 9) as u8, (y * 5) as u8, 77])).save(p).unwrap();
}

/// `d/frames` holding `n` frames 0.png, 1.png, ... of w x h.
fn frame_folder(d: &Path, n: u32, w: u32, h: u32) -> PathBuf {
    let frames = d.join("frames");
    std::fs::create_dir_all(&frames).unwrap();
    for t in 0..n {
        write_png(&frames.join(format!("{t}.png")), w, h);
    }
    frames
}

#[test]
fn every_subcommand_has_help() {
    for sub in [
        &["--help"][..],
        &["info", "--help"],
        &["image", "--help"],
        &["flow", "--help"],
        &["video", "--help"],
        &["bench", "--help"],
    ] {
        let (ok, out, _) = paintflow(sub);
        assert!(ok && out.contains("Usage"), "{sub:?}: {out}");
    }
}

/// `bench --end-to-end` times the real-time network as one row and, with --network-profile,
/// each layer's steps (every convolution with its FLOPs).
#[test]
fn bench_times_the_network_layer_by_layer() {
    let (ok, out, err) = paintflow(&[
        "bench",
        "--end-to-end",
        "--no-iteration",
        "--network-sizes",
        "64x48",
        "--network-profile",
        "--reps",
        "1",
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("| style network (real-time), one frame | 64x48 |"), "{out}");
    for l in paintflow::stylenet::LAYERS {
        let row =
            out.lines().find(|r| r.contains(&format!("network {} conv |", l.name))).unwrap_or_else(|| panic!("{out}"));
        let gflops: f64 = row.split('|').nth(4).unwrap().trim().parse().unwrap();
        assert!(gflops > 0.0, "{row}");
        // the kernel that runs the layer, after the frame size
        let shape = row.split('|').nth(2).unwrap().trim();
        assert!(shape.starts_with("64x48 conv_") || shape.starts_with("64x48 winograd"), "{row}");
    }
    assert!(!out.contains("conv fwd"), "--end-to-end leaves out the kernel rows: {out}");
}

#[test]
fn bench_profiles_the_iteration_by_kernel() {
    let args = ["bench", "--end-to-end", "--iteration-sizes", "32", "--iteration-profile", "--network-sizes", "16"];
    let (ok, out, err) = paintflow(&[&args[..], &["--reps", "1"]].concat());
    assert!(ok, "{err}");
    let cell = |row: &str, i: usize| row.split('|').nth(i).unwrap().trim().to_string();
    let total = out.lines().find(|r| r.contains("iteration steps timed alone")).unwrap_or_else(|| panic!("{out}"));
    let launches: usize = total.split('(').nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    let total_ms: f64 = cell(total, 3).parse().unwrap();
    // one row per kernel entry point, "name xN": the counts add up to the launches, the times
    // to the total
    let kernels: Vec<(usize, f64)> = out
        .lines()
        .filter(|r| r.starts_with("|     "))
        .map(|r| (cell(r, 1).rsplit(" x").next().unwrap().parse().unwrap(), cell(r, 3).parse().unwrap()))
        .collect();
    assert!(kernels.len() >= 5, "{out}");
    assert_eq!(kernels.iter().map(|k| k.0).sum::<usize>(), launches, "{out}");
    let sum: f64 = kernels.iter().map(|k| k.1).sum();
    assert!((sum - total_ms).abs() <= 0.01 * total_ms + 0.01, "{out}");
    assert!(kernels.windows(2).all(|w| w[0].1 >= w[1].1), "biggest first: {out}");
}

#[test]
fn info_names_the_adapter() {
    let (ok, out, err) = paintflow(&["info"]);
    assert!(ok, "{err}");
    assert!(out.contains("adapter:") && out.contains("max_storage_buffer_binding_size"), "{out}");
}

#[test]
fn bad_images_are_named() {
    let d = tmpdir("images");
    let missing = d.join("missing.png");
    fails_with(
        &["image", "-c", missing.to_str().unwrap(), "-o", "x.png"],
        &["missing.png", "no such file", "--content"],
    );
    let corrupt = d.join("corrupt.png");
    let mut bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/content/chelsea.png")).unwrap();
    bytes.truncate(2000);
    std::fs::write(&corrupt, &bytes).unwrap();
    fails_with(&["image", "-c", corrupt.to_str().unwrap(), "-o", "x.png"], &["corrupt.png", "corrupt"]);
    let gif = d.join("anim.gif");
    std::fs::write(&gif, b"GIF89a\x01\x00\x01\x00\x00\x00\x00;").unwrap();
    fails_with(&["image", "-s", gif.to_str().unwrap(), "-o", "x.png"], &["anim.gif", "not supported"]);
    let txt = d.join("notes.png");
    std::fs::write(&txt, b"hello").unwrap();
    fails_with(&["image", "-c", txt.to_str().unwrap(), "-o", "x.png"], &["notes.png", "unrecognised"]);
    fails_with(&["image", "--size", "8", "-o", "x.png"], &["--size"]);
    fails_with(&["image", "--style-blend", "1,2", "-o", "x.png"], &["--style-blend"]);
    fails_with(&["image", "-o", "x.gif", "--iters", "1", "--size", "32"], &["x.gif", ".png"]);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn too_large_an_image_names_the_limit_and_a_size() {
    fails_with(&["image", "--size", "60000", "-o", "x.png"], &["max_", "--size"]);
}

#[test]
fn devices_and_pipes_are_not_read_as_files() {
    fails_with(&["image", "-c", "/dev/zero", "-o", "/tmp/never.png"], &["/dev/zero", "not a regular file"]);
    fails_with(&["image", "--weights", "/dev/zero", "-o", "/tmp/never.png"], &["/dev/zero", "not a regular file"]);
}

#[test]
fn bad_weights_name_the_tensor() {
    use safetensors::tensor::TensorView;
    let d = tmpdir("weights");
    let w = vec![0u8; 64 * 3 * 3 * 2 * 4];
    let b = vec![0u8; 64 * 4];
    let tensors = vec![
        ("conv1_1.weight", TensorView::new(safetensors::Dtype::F32, vec![64, 3, 3, 2], &w).unwrap()),
        ("conv1_1.bias", TensorView::new(safetensors::Dtype::F32, vec![64], &b).unwrap()),
    ];
    let p = d.join("bad.safetensors");
    std::fs::write(&p, safetensors::serialize(tensors, &None).unwrap()).unwrap();
    fails_with(
        &["image", "--weights", p.to_str().unwrap(), "-o", "x.png", "--size", "32"],
        &["bad.safetensors", "conv1_1.weight", "[64, 3, 3, 2]", "[64, 3, 3, 3]"],
    );
    let w = vec![0u8; 64 * 3 * 9 * 4];
    let tensors = vec![("conv1_1.weight", TensorView::new(safetensors::Dtype::F32, vec![64, 3, 3, 3], &w).unwrap())];
    std::fs::write(&p, safetensors::serialize(tensors, &None).unwrap()).unwrap();
    fails_with(
        &["image", "--weights", p.to_str().unwrap(), "-o", "x.png", "--size", "32"],
        &["conv1_1.bias", "missing"],
    );
    std::fs::write(&p, b"not a safetensors file").unwrap();
    fails_with(
        &["image", "--weights", p.to_str().unwrap(), "-o", "x.png", "--size", "32"],
        &["bad.safetensors", "safetensors"],
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn flow_command_writes_files_and_rejects_mismatched_sizes() {
    let d = tmpdir("flow");
    let (a, b, c) = (d.join("a.png"), d.join("b.png"), d.join("c.png"));
    write_png(&a, 40, 30);
    write_png(&b, 40, 30);
    write_png(&c, 41, 30);
    let o = d.join("f.flo");
    let (ok, _, err) = paintflow(&[
        "flow",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "-o",
        o.to_str().unwrap(),
        "--viz",
        d.join("v.png").to_str().unwrap(),
        "--mask",
        d.join("m.png").to_str().unwrap(),
        "--backward",
        d.join("b.flo").to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let f = paintflow::flow::flo::read(&o).unwrap();
    assert_eq!((f.width, f.height), (40, 30));
    assert!(f.data.iter().all(|v| v.abs() < 0.05), "identical images must give ~zero flow");
    assert!(d.join("v.png").is_file() && d.join("m.png").is_file() && d.join("b.flo").is_file());
    fails_with(
        &["flow", a.to_str().unwrap(), c.to_str().unwrap(), "-o", o.to_str().unwrap()],
        &["c.png", "41x30", "same size"],
    );
    let bad = d.join("bad.flo");
    std::fs::write(&bad, b"PIEH\x01\x00\x00\x00").unwrap();
    fails_with(
        &["flow", a.to_str().unwrap(), b.to_str().unwrap(), "-o", o.to_str().unwrap(), "--gt", bad.to_str().unwrap()],
        &["bad.flo"],
    );
    // numeric flags with bounds: each named with the allowed range
    let (sa, sb, so) = (a.to_str().unwrap(), b.to_str().unwrap(), o.to_str().unwrap());
    fails_with(&["flow", sa, sb, "-o", so, "--window", "1001"], &["--window", "3 to 101"]);
    fails_with(&["flow", sa, sb, "-o", so, "--window", "20"], &["--window", "odd"]);
    fails_with(&["flow", sa, sb, "-o", so, "--levels", "40"], &["--levels 40", "40x30", "at most 7"]);
    fails_with(&["flow", sa, sb, "-o", so, "--iters", "100000"], &["--iters", "at most 100"]);
    fails_with(&["flow", sa, sb, "-o", so, "--refine-sor", "101"], &["--refine-sor", "at most 100"]);
    fails_with(&["flow", sa, sb, "-o", so, "--refine-alpha", "nan"], &["--refine-alpha", "from 0 to 1e6", "NaN"]);
    let zero = ["--refine-alpha", "0", "--refine-delta", "0", "--refine-gamma", "0"];
    fails_with(&[&["flow", sa, sb, "-o", so][..], &zero[..]].concat(), &["nothing to refine", "--refine-iters 0"]);
    // ground truth with unknown pixels (Middlebury's 1e10 marker, NaN): left out of the EPE and counted
    let (n, unknown) = (40 * 30, 1e10f32);
    let mut data = vec![0.0f32; 2 * n];
    (data[0], data[n + 1], data[2]) = (unknown, -unknown, f32::NAN);
    let gt = d.join("gt.flo");
    paintflow::flow::flo::write(&gt, &paintflow::flow::flo::FlowField { width: 40, height: 30, data }).unwrap();
    let args =
        ["flow", a.to_str().unwrap(), b.to_str().unwrap(), "-o", o.to_str().unwrap(), "--gt", gt.to_str().unwrap()];
    let (ok, out, err) = paintflow(&args);
    assert!(ok, "{err}");
    let epe: f64 = out.strip_prefix("EPE ").and_then(|r| r.split(' ').next()).unwrap().parse().unwrap();
    assert!(epe < 0.05 && out.contains(" px over 1197 pixels (3 excluded: unknown in the ground truth)"), "{out}");
    // nothing known: an error naming the file and a non-zero exit, not "EPE NaN"
    let all_unknown = vec![unknown; 2 * n];
    paintflow::flow::flo::write(&gt, &paintflow::flow::flo::FlowField { width: 40, height: 30, data: all_unknown })
        .unwrap();
    fails_with(&args, &["gt.flo", "no pixel of the ground truth is known (all 1200"]);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn video_rejects_frames_of_different_sizes_and_bad_streams() {
    let (d, frames) = tmpdir_with_frames("video");
    write_png(&frames.join("0001.png"), 32, 24);
    write_png(&frames.join("0002.png"), 30, 24);
    let out = d.join("out");
    fails_with(
        &[
            "video",
            frames.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--size",
            "32",
            "--iters-first",
            "1",
            "--iters",
            "1",
        ],
        &["0002.png", "30x24", "32x24"],
    );
    // the first frame was finished and written before the error
    assert!(out.join("frame_000000.png").is_file());
    let y = d.join("bad.y4m");
    std::fs::write(&y, b"YUV4MPEG2 W32 H24 C422\n").unwrap();
    fails_with(&["video", y.to_str().unwrap(), "-o", out.to_str().unwrap()], &["bad.y4m", "C422"]);
    std::fs::write(&y, b"YUV4MPEG2 W32 H24 \xc3\xa9\n").unwrap();
    fails_with(&["video", y.to_str().unwrap(), "-o", out.to_str().unwrap()], &["bad.y4m", "not ASCII"]);
    // a header line without end on stdin: an error after at most 1 KiB
    let (ok, _, err) = paintflow_stdin(&["video", "-", "-o", out.to_str().unwrap()], &[b'y'; 64 << 10]);
    assert!(!ok && !err.contains("panicked"), "{err}");
    assert!(err.contains("<stdin>") && err.contains("longer than 1024 bytes"), "{err}");
    fails_with(
        &["video", d.join("nothing").to_str().unwrap(), "-o", out.to_str().unwrap()],
        &["nothing", "no such file"],
    );
    fails_with(&["video", frames.to_str().unwrap(), "-o", "-", "--resume"], &["--resume"]);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn video_streams_y4m_from_stdin_to_stdout() {
    use std::io::Write;
    let (w, h) = (32usize, 24usize);
    let hdr = paintflow::y4m::Header { width: w, height: h, rate: (25, 1), chroma444: false, full_range: false };
    let mut input = Vec::new();
    paintflow::y4m::write_header(&mut input, &hdr).unwrap();
    for t in 0..2u32 {
        let img =
            image::RgbImage::from_fn(w as u32, h as u32, |x, y| image::Rgb([((x + t) * 7) as u8, (y * 9) as u8, 120]));
        paintflow::y4m::write_frame(&mut input, &hdr, &img).unwrap();
    }
    let mut child = spawn_piped(&["video", "-", "-o", "-", "--size", "32", "--iters-first", "2", "--iters", "1"]);
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut r = std::io::Cursor::new(out.stdout);
    let got = paintflow::y4m::read_header("stdout", &mut r).unwrap();
    assert_eq!((got.width, got.height), (w, h));
    let mut frames = 0;
    while paintflow::y4m::read_frame("stdout", frames, &got, &mut r).unwrap().is_some() {
        frames += 1;
    }
    assert_eq!(frames, 2);

    // an odd processing size (31x23) goes out even: 4:2:0 encoders refuse odd sides
    let mut child =
        spawn_piped(&["video", "-", "-o", "-", "--size", "31", "--iters-first", "1", "--iters", "1", "--frames", "1"]);
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("32x24") && err.contains("4:2:0"), "{err}");
    let got = paintflow::y4m::read_header("stdout", &mut std::io::Cursor::new(out.stdout)).unwrap();
    assert_eq!((got.width, got.height), (32, 24));

    // the reader at the other end of the pipe goes away: the writer's own error is reported
    let mut child = spawn_piped(&["video", "-", "-o", "-", "--size", "32", "--iters-first", "1", "--iters", "1"]);
    drop(child.stdout.take());
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("writing Y4M output") && err.contains("roken pipe"), "{err}");
}

#[test]
fn video_resume_continues_with_the_same_frames() {
    let (d, frames) = tmpdir_with_frames("resume");
    for t in 0..3u32 {
        image::RgbImage::from_fn(32, 24, |x, y| image::Rgb([((x + t) * 7) as u8, (y * 9) as u8, 120]))
            .save(frames.join(format!("{t:04}.png")))
            .unwrap();
    }
    let run = |out: &Path, extra: &[&str]| {
        paint_video(&frames, out, &[&["--size", "32", "--iters-first", "2", "--iters", "1"], extra].concat());
    };
    let full = d.join("full");
    let report = d.join("flicker.json");
    run(&full, &["--report", report.to_str().unwrap()]);
    let r: paintflow::video::Report = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!((r.mode.as_str(), r.frames.len()), ("Flow", 3), "{r:?}");
    assert!(r.frames[0].warping_error.is_none() && r.frames[1..].iter().all(|f| f.warping_error.is_some()), "{r:?}");
    assert!(r.mean_warping_error.is_some_and(|e| e.is_finite()), "{r:?}");
    let parts = d.join("parts");
    run(&parts, &["--frames", "2"]);
    assert!(!paintflow::video::frame_path(&parts, 2).exists());
    // --resume with other settings is refused, naming the setting
    let mut other = vec!["video", frames.to_str().unwrap(), "-o", parts.to_str().unwrap(), "--size", "32"];
    other.extend(["--iters-first", "2", "--iters", "3", "--resume"]);
    fails_with(&other, &["--iters 3 (was 1)", "--overwrite"]);
    run(&parts, &["--resume"]);
    for i in 0..3 {
        let (a, b) = (frame_bytes(&full, i), frame_bytes(&parts, i));
        assert!(a == b, "frame {i} differs after --resume");
    }
    // frames from before paintflow recorded settings: --resume trusts them, and says so
    std::fs::remove_file(parts.join(".paintflow-run.json")).unwrap();
    let mut old = vec!["video", frames.to_str().unwrap(), "-o", parts.to_str().unwrap(), "--size", "32"];
    old.extend(["--iters-first", "2", "--iters", "1", "--resume"]);
    let (ok, _, err) = paintflow(&old);
    assert!(ok && err.contains("no record of the settings"), "{err}");
    assert!(parts.join(".paintflow-run.json").is_file());
    // a second run into a folder with frames: refused without --resume or --overwrite
    let mut again = vec!["video", frames.to_str().unwrap(), "-o", parts.to_str().unwrap(), "--size", "32"];
    again.extend(["--iters-first", "2", "--iters", "1"]);
    fails_with(&again, &["holds 3 frames", "--resume", "--overwrite"]);
    // --overwrite replaces them: one frame asked for, one frame left
    run(&parts, &["--overwrite", "--frames", "1"]);
    assert!(paintflow::video::frame_path(&parts, 0).exists() && !paintflow::video::frame_path(&parts, 1).exists());
    // the input folder is never the output
    let mut onto = vec!["video", frames.to_str().unwrap(), "-o", frames.to_str().unwrap()];
    onto.extend(["--size", "32", "--overwrite"]);
    fails_with(&onto, &["is the input folder"]);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn one_render_per_output_folder() {
    let d = tmpdir("lock");
    let frames = frame_folder(&d, 2, 32, 24);
    let out = d.join("out");
    let args = |iters: &'static str| {
        let mut v = vec!["video".to_string(), frames.display().to_string(), "-o".into(), out.display().to_string()];
        v.extend(["--size", "32", "--iters-first", iters, "--iters", "1"].map(String::from));
        v
    };
    // a long first render holds the folder...
    let mut first = cmd().args(args("100000")).spawn().expect("spawn");
    let manifest = out.join(".paintflow-run.json");
    let start = std::time::Instant::now();
    while !manifest.exists() {
        assert!(start.elapsed().as_secs() < 60, "the first render never claimed the folder");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // ...so a second one, even with --overwrite, is refused at once
    let mut second = args("2");
    second.push("--overwrite".into());
    let second: Vec<&str> = second.iter().map(|s| s.as_str()).collect();
    fails_with(&second, &["another paintflow is rendering into this folder"]);
    // killed, the first leaves no lock behind: the OS drops it
    first.kill().unwrap();
    first.wait().unwrap();
    let (ok, _, err) = paintflow(&second);
    assert!(ok, "{err}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn frame_folders_are_read_in_number_order() {
    use paintflow::video::{natural_cmp, Source};
    use std::cmp::Ordering::*;
    assert_eq!(natural_cmp("frame2.png", "frame10.png"), Less);
    assert_eq!(natural_cmp("10.png", "9.png"), Greater);
    assert_eq!(natural_cmp("a01.png", "a1.png"), Less); // same number: by text, deterministic
    assert_eq!(natural_cmp("b1.png", "a2.png"), Greater);
    assert_eq!(natural_cmp("x.png", "x.png"), Equal);
    let d = tmpdir("order");
    for n in [1, 2, 10, 11, 9] {
        write_png(&d.join(format!("{n}.png")), 4, 4);
    }
    let Source::Dir { files, .. } = Source::open(d.to_str().unwrap()).unwrap() else { panic!("a folder source") };
    let names: Vec<String> = files.iter().map(|f| f.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["1.png", "2.png", "9.png", "10.png", "11.png"]);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn bench_json_is_valid_json() {
    let rows = vec![
        paintflow::bench::Row {
            name: "conv \"fwd\"".into(),
            shape: "3->64 9x9".into(),
            ms: 1.5,
            gflop: 0.3,
            gbytes: 0.0,
        },
        paintflow::bench::Row { name: "copy".into(), shape: "64 MiB".into(), ms: 2.0, gflop: 0.0, gbytes: 0.134 },
    ];
    let text = paintflow::bench::json(&rows, 97.5, "llvmpipe (LLVM 19, 256 bits)");
    let r: paintflow::bench::JsonReport = serde_json::from_str(&text).unwrap();
    assert_eq!(r.rows.len(), 2);
    assert_eq!(r.rows[0].name, "conv \"fwd\"");
    assert!((r.rows[0].gflops - 200.0).abs() < 1e-9 && (r.peak_gflops - 97.5).abs() < 1e-12);
}

#[test]
fn optimizer_flags_reject_bad_values() {
    fails_with(&["image", "--optimizer", "sgd"], &["--optimizer", "adam", "lbfgs"]);
    fails_with(&["image", "--optimizer", "lbfgs", "--lbfgs-history", "0"], &["--lbfgs-history"]);
    fails_with(&["image", "--lbfgs-history", "-3"], &["--lbfgs-history"]);
    fails_with(&["image", "--lr", "0"], &["--lr"]);
    fails_with(&["image", "--lr", "nan"], &["--lr"]);
    fails_with(&["image", "--lr", "-2"], &["--lr"]);
    fails_with(&["video", "frames", "-o", "out", "--optimizer", "newton"], &["--optimizer"]);
}

#[test]
fn lbfgs_paints_a_tiny_image() {
    let d = tmpdir("lbfgs");
    let out = d.join("out.png");
    let csv = d.join("losses.csv");
    let (ok, _, err) = paintflow(&[
        "image",
        "--optimizer",
        "lbfgs",
        "--size",
        "32",
        "--iters",
        "6",
        "--log-every",
        "1",
        "--losses",
        csv.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let rows: Vec<f64> = std::fs::read_to_string(&csv)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(rows.len(), 6);
    assert!(rows[5] < 0.5 * rows[0], "L-BFGS did not lower the loss: {rows:?}");
    assert_eq!(image::open(&out).unwrap().to_rgb8().dimensions(), (32, 21));
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn sixteen_bit_output_and_scales() {
    let d = tmpdir("depth16");
    let out = d.join("p16.png");
    let (ok, _, err) = paintflow(&[
        "image",
        "--size",
        "24",
        "--iters",
        "2",
        "--depth",
        "16",
        "--scales",
        "auto",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let img = image::open(&out).unwrap();
    assert_eq!(img.color(), image::ColorType::Rgb16, "--depth 16 must write 16 bits per channel");
    // a 16-bit painting is not an 8-bit one stretched: some values fall between multiples of 257
    assert!(img.to_rgb16().as_raw().iter().any(|v| v % 257 != 0), "16-bit output carries no extra precision");
    fails_with(&["image", "--depth", "16", "-o", d.join("x.jpg").to_str().unwrap()], &["--depth 16", ".png"]);
    fails_with(&["image", "--depth", "12"], &["--depth", "8 or 16"]);
    fails_with(&["image", "--scales", "0"], &["--scales"]);
    fails_with(&["image", "--padding", "circular"], &["--padding", "replicate", "reflect"]);
    fails_with(&["image", "--scales", "sometimes"], &["--scales", "auto"]);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn loss_layers_by_name() {
    fails_with(&["image", "--content-layers", "relu9_1"], &["--content-layers", "relu9_1", "relu4_2"]);
    fails_with(&["image", "--style-layers", "relu1_1,conv2_7"], &["--style-layers", "conv2_7"]);
    fails_with(
        &["image", "--style-layers", "relu1_1,relu2_1", "--style-layer-weights", "1,2,3"],
        &["--style-layer-weights", "2 layers"],
    );
    fails_with(&["image", "--style-layer-weights", "1,1,-1,1,1"], &["--style-layer-weights", "non-negative"]);
    fails_with(&["image", "--content-layers", ""], &["--content-layers"]);
    // two content layers and six style layers paint (the loss slots grow with them), with
    // normalised gradients
    let d = tmpdir("layers");
    let out = d.join("o.png");
    let (ok, _, err) = paintflow(&[
        "image",
        "--size",
        "24",
        "--iters",
        "2",
        "--content-layers",
        "relu3_1,relu4_2",
        "--style-layers",
        "relu1_1,relu1_2,relu2_1,relu3_1,relu4_1,relu5_1",
        "--normalize-gradients",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn ema_flag_is_checked() {
    fails_with(&["image", "--lbfgs-history", "1000000000"], &["--lbfgs-history", "1 to 1000"]);
    fails_with(&["video", "frames", "-o", "out", "--frames", "0"], &["--frames", "at least 1"]);
    fails_with(&["image", "--ema", "1.0"], &["--ema", "[0, 1)"]);
    fails_with(&["image", "--ema", "-0.5"], &["--ema"]);
}

fn paintflow_env(args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let out = cmd().args(args).envs(env.iter().copied()).output().expect("run");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn kernel_choice_by_measurement_is_cached_and_survives_a_bad_cache() {
    let d = tmpdir("autotune");
    let cache = d.join("cache");
    let env = [("PAINTFLOW_CACHE_DIR", cache.to_str().unwrap())];
    let out = d.join("o.png");
    let run = || {
        let (ok, _, err) = paintflow_env(&["image", "--size", "32", "--iters", "1", "-o", out.to_str().unwrap()], &env);
        assert!(ok, "{err}");
    };
    run();
    let file = cache.join("autotune.json");
    let text = std::fs::read_to_string(&file).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let entries = json["entries"].as_object().unwrap();
    assert!(entries.keys().any(|k| k.contains("conv3x3 3->64 ")), "no conv1_1 choice in {text}");
    let (ok, info, _) = paintflow_env(&["info"], &env);
    assert!(ok && info.contains("conv3x3 3->64 "), "info does not list the cached choices: {info}");
    // a corrupt cache, and a cache directory that cannot be made, leave the run working
    std::fs::write(&file, "{ this is not json").unwrap();
    run();
    assert!(serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&file).unwrap()).is_ok());
    let blocked = d.join("a-file");
    std::fs::write(&blocked, "x").unwrap();
    let (ok, _, err) = paintflow_env(
        &["image", "--size", "32", "--iters", "1", "-o", out.to_str().unwrap()],
        &[("PAINTFLOW_CACHE_DIR", blocked.join("sub").to_str().unwrap())],
    );
    assert!(ok, "{err}");
    // bad values of the variables are errors that name them
    let (ok, _, err) = paintflow_env(&["info"], &[("PAINTFLOW_CONV", "fastest")]);
    assert!(!ok && err.contains("PAINTFLOW_CONV=fastest") && err.contains("uniform"), "{err}");
    let (ok, _, err) = paintflow_env(&["info"], &[("PAINTFLOW_AUTOTUNE", "maybe")]);
    assert!(!ok && err.contains("PAINTFLOW_AUTOTUNE"), "{err}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn environment_variables_are_used_as_given_or_rejected() {
    for (var, value, needle) in [
        ("PAINTFLOW_CHECKED_SHADERS", "yes", "PAINTFLOW_CHECKED_SHADERS=yes"),
        ("WGPU_BACKEND", "vulkan,cuda", "unknown backend 'cuda'"),
    ] {
        let (ok, _, err) = paintflow_env(&["info"], &[(var, value)]);
        assert!(!ok && err.contains(needle) && !err.contains("panicked"), "{var}={value}: {err}");
    }
    // weights named by the variable that do not exist: an error, not the bundled weights
    let (ok, _, err) = paintflow_env(
        &["image", "--size", "32", "--iters", "1", "-o", "/tmp/never-written.png"],
        &[("PAINTFLOW_WEIGHTS", "/nonexistent/vgg.safetensors")],
    );
    assert!(!ok && err.contains("/nonexistent/vgg.safetensors") && err.contains("PAINTFLOW_WEIGHTS"), "{err}");
    // the accepted values still work
    let (ok, _, err) = paintflow_env(&["info"], &[("PAINTFLOW_CHECKED_SHADERS", "1"), ("WGPU_BACKEND", "Vulkan")]);
    assert!(ok, "{err}");
}

#[test]
fn builtin_styles_paint_and_reject_bad_values() {
    let d = tmpdir("builtin");
    let out = d.join("b.png");
    let (ok, _, err) = paintflow(&["image", "--builtin", "3:0.5,19:0.5", "--size", "37", "-o", out.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert_eq!(
        image::open(&out).unwrap().to_rgb8().dimensions(),
        (37, 25),
        "sizes that are not multiples of 4 come back"
    );
    let sheet = d.join("sheet.png");
    let (ok, _, err) = paintflow(&["styles", "--size", "24", "-o", sheet.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(image::open(&sheet).unwrap().width() > 7 * 24);
    fails_with(&["image", "--builtin", "26"], &["--builtin", "does not exist"]);
    fails_with(&["image", "--builtin", "1:x"], &["--builtin", "not a number"]);
    fails_with(&["image", "--builtin", "1:0,2:0"], &["--builtin", "positive sum"]);
    fails_with(&["image", "--builtin", "4", "--style", "x.png"], &["--style", "--builtin"]);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn builtin_video_steadies_resumes_and_reports() {
    let (d, frames) = tmpdir_with_frames("builtin-video");
    for t in 0..4u32 {
        image::RgbImage::from_fn(42, 30, |x, y| {
            image::Rgb([((x + 2 * t) * 6) as u8, (y * 8) as u8, ((x * y) % 200) as u8])
        })
        .save(frames.join(format!("{t}.png")))
        .unwrap();
    }
    let run = |out: &Path, extra: &[&str]| {
        paint_video(&frames, out, &[&["--builtin", "19", "--size", "42"], extra].concat());
    };
    let full = d.join("full");
    let report = d.join("r.json");
    run(&full, &["--report", report.to_str().unwrap()]);
    let r: paintflow::video::Report = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r.frames.len(), 4);
    assert!(r.frames[1..].iter().all(|f| f.warping_error.is_some() && f.smear.is_some()), "{r:?}");
    // processed at the nearest multiples of 4
    assert_eq!(image::open(paintflow::video::frame_path(&full, 0)).unwrap().to_rgb8().dimensions(), (44, 32));
    let parts = d.join("parts");
    run(&parts, &["--frames", "2"]);
    run(&parts, &["--resume"]);
    for i in 0..4 {
        let (a, b) = (frame_bytes(&full, i), frame_bytes(&parts, i));
        assert!(a == b, "built-in frame {i} differs after --resume");
    }
    let never = d.join("never");
    let (f, n) = (frames.to_str().unwrap(), never.to_str().unwrap());
    fails_with(&["video", f, "-o", n, "--builtin", "4", "--steady", "1.5"], &["--steady"]);
    fails_with(&["video", f, "-o", n, "--builtin", "99"], &["--builtin"]);
    // bad flags are reported before the output folder is claimed (or even made)
    assert!(!never.exists(), "a failed run made {never:?}");
    std::fs::remove_dir_all(&d).unwrap();
}

/// Outputs that cannot be written are found before any work, naming the flag; -o never replaces
/// an input.
#[test]
fn unwritable_outputs_fail_up_front() {
    let d = tmpdir("unwritable");
    let blocked = d.join("a-file");
    std::fs::write(&blocked, "x").unwrap();
    let bad = |name: &str| blocked.join(name).to_str().unwrap().to_string();
    let (a, b) = (d.join("a.png"), d.join("b.png"));
    write_png(&a, 32, 24);
    write_png(&b, 32, 24);
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let good = d.join("ok.png");
    let good = good.to_str().unwrap();
    let start = std::time::Instant::now();
    fails_with(&["image", "--size", "32", "--iters", "50", "-o", &bad("x.png")], &["-o", "a-file"]);
    fails_with(&["image", "--size", "32", "-o", good, "--losses", &bad("l.csv")], &["--losses", "a-file"]);
    fails_with(&["image", "-c", a, "-s", b, "--size", "32", "-o", a], &["-o", "is an input"]);
    fails_with(&["image", "--size", "32", "-o", d.to_str().unwrap()], &["-o"]);
    fails_with(&["flow", a, b, "-o", &bad("f.flo")], &["-o", "a-file"]);
    fails_with(&["flow", a, b, "-o", &d.join("f.flo").to_string_lossy(), "--viz", &bad("v.png")], &["--viz"]);
    fails_with(&["flow", a, b, "-o", &d.join("f.flo").to_string_lossy(), "--mask", &bad("m.png")], &["--mask"]);
    let frames = frame_folder(&d, 1, 32, 24);
    let out = d.join("out");
    fails_with(
        &["video", frames.to_str().unwrap(), "-o", out.to_str().unwrap(), "--report", &bad("r.json")],
        &["--report", "a-file"],
    );
    fails_with(&["bench", "--size", "16", "--json", &bad("b.json")], &["--json", "a-file"]);
    fails_with(&["bench", "--size", "100000"], &["--size", "16 to 8192"]);
    fails_with(&["bench", "--iteration-sizes", "64,99999"], &["--iteration-sizes", "99999"]);
    fails_with(&["bench", "--network-sizes", "512,510"], &["--network-sizes", "510", "multiples of 4"]);
    fails_with(&["bench", "--network-sizes", "64y64"], &["--network-sizes", "64y64"]);
    assert!(start.elapsed().as_secs() < 30, "the checks must come before the work");
    std::fs::remove_dir_all(&d).unwrap();
}

/// An image VGG-19 cannot take (a short side under 16 px after resizing) is named with its
/// sizes and the flag to change, before any work.
#[test]
fn images_too_small_for_vgg_are_named() {
    let d = tmpdir("small");
    let wide = d.join("wide.png");
    write_png(&wide, 200, 20);
    let w = wide.to_str().unwrap();
    let o = d.join("o.png");
    let o = o.to_str().unwrap();
    fails_with(
        &["image", "-c", w, "--size", "100", "-o", o],
        &["content", "wide.png", "200x20", "100x10", "--size", "160"],
    );
    fails_with(&["image", "-s", w, "--size", "64", "-o", o], &["style", "wide.png", "64x6", "--style-scale"]);
    fails_with(&["image", "-c", w, "--size", "400", "--scales", "3", "-o", o], &["--scales", "100x10"]);
    let frames = frame_folder(&d, 1, 200, 20);
    let out = d.join("out");
    fails_with(
        &["video", frames.to_str().unwrap(), "-o", out.to_str().unwrap(), "--size", "100"],
        &["first frame", "200x20", "--size"],
    );
    std::fs::remove_dir_all(&d).unwrap();
}

/// A loss that overflows names the weight that made it overflow.
#[test]
fn divergence_names_the_flag() {
    let d = tmpdir("diverge");
    let o = d.join("o.png");
    let args = ["image", "--size", "32", "--iters", "3", "--optimizer", "adam", "--style-weight", "1e38"];
    let mut args = args.to_vec();
    args.extend(["-o", o.to_str().unwrap()]);
    fails_with(&args, &["diverged", "--style-weight (now 1e38)", "last good image"]);
    // the last good image is kept
    assert!(o.is_file());
    std::fs::remove_dir_all(&d).unwrap();
}

/// A hard cut (a frame unrelated to the one before) is detected from the share of flow-consistent
/// pixels: that frame is painted afresh with --iters-first and listed in the report.
#[test]
fn scene_cuts_and_early_stop() {
    let (d, frames) = tmpdir_with_frames("cuts");
    // frames 0 and 1: the bundled photo, moved by a pixel; frame 2: the bundled painting
    let (photo, painting) = (bundled("content/chelsea.png"), bundled("style/starry_night.jpg"));
    let frame = |img: &image::RgbImage, shift: u32| photo_view(img, shift, 8);
    frame(&photo, 0).save(frames.join("0.png")).unwrap();
    frame(&photo, 1).save(frames.join("1.png")).unwrap();
    frame(&painting, 0).save(frames.join("2.png")).unwrap();
    let report = |threshold: &str, extra: &[&str]| -> paintflow::video::Report {
        let tag = format!("{threshold}{}", extra.join(""));
        let out = d.join(format!("out-{tag}"));
        let rep = d.join(format!("r-{tag}.json"));
        let mut args = vec!["video", frames.to_str().unwrap(), "-o", out.to_str().unwrap(), "--size", "72"];
        args.extend(extra);
        if extra.is_empty() {
            args.extend(["--iters-first", "3", "--iters", "1"]);
        }
        args.extend(["--scene-threshold", threshold]);
        args.extend(["--report", rep.to_str().unwrap()]);
        let (ok, _, err) = paintflow(&args);
        assert!(ok, "{err}");
        serde_json::from_str(&std::fs::read_to_string(&rep).unwrap()).unwrap()
    };
    let r = report("0.1", &[]);
    assert_eq!(r.scene_cuts, [2], "{r:?}");
    let iters: Vec<usize> = r.frames.iter().map(|f| f.iterations).collect();
    assert_eq!(iters, [3, 1, 3]);
    assert!(r.frames[1].consistent_fraction.is_some_and(|f| f > 0.1), "{r:?}");
    // detection off: frame 2 is a later frame like any other
    let r = report("0", &[]);
    assert!(r.scene_cuts.is_empty() && r.frames[2].iterations == 1, "{r:?}");
    // the real-time mode finds the same cut; the frame is then its own network output (smear:
    // the difference to it, 8-bit rounding only), where without detection the pixels that pass
    // the check across the cut carry the old scene
    let on = report("0.1", &["--builtin", "19"]);
    assert_eq!(on.scene_cuts, [2], "{on:?}");
    let off = report("0", &["--builtin", "19"]);
    assert!(off.scene_cuts.is_empty(), "{off:?}");
    let smear = |r: &paintflow::video::Report| r.frames[2].smear.unwrap();
    assert!(smear(&on) < 1e-4 && smear(&off) > 10.0 * smear(&on), "cut frame smear {} vs {}", smear(&on), smear(&off));
    // early stop: a later frame whose loss falls by less than half over 2 iterations stops there
    let (out, rep) = (d.join("out-tol"), d.join("r-tol.json"));
    let mut args = vec!["video", frames.to_str().unwrap(), "-o", out.to_str().unwrap(), "--size", "72"];
    args.extend(["--iters-first", "3", "--iters", "12", "--tol", "0.5", "--tol-window", "2", "--frames", "2"]);
    args.extend(["--report", rep.to_str().unwrap()]);
    let (ok, _, err) = paintflow(&args);
    assert!(ok, "{err}");
    let r: paintflow::video::Report = serde_json::from_str(&std::fs::read_to_string(&rep).unwrap()).unwrap();
    assert!(r.frames[0].iterations == 3 && (3..12).contains(&r.frames[1].iterations), "{r:?}");
    fails_with(&["video", "f", "-o", "o", "--tol", "1.5"], &["--tol", "[0, 1)"]);
    fails_with(&["video", "f", "-o", "o", "--tol-window", "0"], &["--tol-window"]);
    fails_with(&["video", "f", "-o", "o", "--scene-threshold", "2"], &["--scene-threshold", "between 0 and 1"]);
    std::fs::remove_dir_all(&d).unwrap();
}

/// `--flow-frames 1,2`: the long-term term changes the frames it reaches; a run resumed twice
/// (within the first shot, and after the cut) gives the same frames as one run, so the resumed
/// run loads the earlier frames it links to and links none across the recorded cut.
#[test]
fn long_term_consistency_resumes_and_respects_cuts() {
    let (d, frames) = tmpdir_with_frames("long-term");
    let (photo, painting) = (bundled("content/chelsea.png"), bundled("style/starry_night.jpg"));
    let frame = |img: &image::RgbImage, shift: u32| photo_view(img, shift, 16);
    // frames 0-2 pan over the photo, with a grey square hiding part of frame 1 (what it hides
    // comes back in frame 2: only frame 0 has it), 3-4 over the painting: a cut at 3
    for t in 0..5u32 {
        let mut img = if t < 3 { frame(&photo, t) } else { frame(&painting, t - 3) };
        if t == 1 {
            for (x, y) in (20..44).flat_map(|x| (12..36).map(move |y| (x, y))) {
                img.put_pixel(x, y, image::Rgb([128, 128, 128]));
            }
        }
        img.save(frames.join(format!("{t}.png"))).unwrap();
    }
    let run = |out: &Path, extra: &[&str]| {
        // (a CI run once gave frame 2 the same bytes with and without its link to frame 0: L-BFGS's
        // warm first step was then torch's vanishing one, see style::LBFGS_WARM_FIRST_STEP)
        paint_video(&frames, out, &[&["--size", "72", "--iters-first", "3", "--iters", "10"], extra].concat());
    };
    let (full, rep) = (d.join("full"), d.join("full.json"));
    run(&full, &["--flow-frames", "1,2", "--report", rep.to_str().unwrap()]);
    let r: paintflow::video::Report = serde_json::from_str(&std::fs::read_to_string(&rep).unwrap()).unwrap();
    assert_eq!(r.scene_cuts, [3], "{r:?}");
    let near = d.join("near");
    run(&near, &["--frames", "3"]);
    assert!(
        frame_bytes(&full, 1) == frame_bytes(&near, 1),
        "frame 1 has no frame 2 back: the same as with --flow-frames 1"
    );
    assert!(frame_bytes(&full, 2) != frame_bytes(&near, 2), "frame 2's link to frame 0 changed nothing");
    let parts = d.join("parts");
    run(&parts, &["--flow-frames", "1,2", "--frames", "2"]);
    run(&parts, &["--flow-frames", "1,2", "--frames", "4", "--resume"]);
    run(&parts, &["--flow-frames", "1,2", "--resume"]);
    for i in 0..5 {
        assert!(frame_bytes(&full, i) == frame_bytes(&parts, i), "frame {i} differs after --resume");
    }
    // a resume with another --flow-frames is refused, naming it
    let mut other = vec!["video", frames.to_str().unwrap(), "-o", parts.to_str().unwrap(), "--size", "72"];
    other.extend(["--iters-first", "3", "--iters", "6", "--resume"]);
    fails_with(&other, &["--flow-frames"]);
    for bad in ["2,4", "1,4,2", "1,1", "1,100", "0,1"] {
        fails_with(&["video", "f", "-o", "o", "--flow-frames", bad], &["--flow-frames", "ascending from 1"]);
    }
    fails_with(&["video", "f", "-o", "o", "--flow-frames", "1,2", "--no-flow"], &["--flow-frames", "--no-flow"]);
    std::fs::remove_dir_all(&d).unwrap();
}

/// `paintflow flicker`: a "painting" that is the input itself barely flickers along the input's
/// own flow, one of noise flickers a lot; --seam measures last -> first; --json writes the pairs.
#[test]
fn flicker_measures_any_painted_video() {
    let d = tmpdir("flicker");
    let (frames, same, noise) = (d.join("in"), d.join("same"), d.join("noise"));
    for dir in [&frames, &same, &noise] {
        std::fs::create_dir_all(dir).unwrap();
    }
    let mut seed = 1u32;
    for t in 0..4u32 {
        let img = image::RgbImage::from_fn(48, 32, |x, y| {
            let fx = x as f32 + t as f32;
            let v = ((fx * 0.3).sin() * (y as f32 * 0.25).cos() * 100.0 + 128.0) as u8;
            image::Rgb([v, 255 - v, v / 2 + 40])
        });
        img.save(frames.join(format!("{t}.png"))).unwrap();
        img.save(same.join(format!("frame_{t:06}.png"))).unwrap();
        let n = image::RgbImage::from_fn(48, 32, |_, _| {
            seed = seed.wrapping_mul(1664525).wrapping_add(1013904223);
            image::Rgb([(seed >> 24) as u8, (seed >> 16) as u8, (seed >> 8) as u8])
        });
        n.save(noise.join(format!("frame_{t:06}.png"))).unwrap();
    }
    let json = d.join("f.json");
    let (ok, out, err) = paintflow(&[
        "flicker",
        frames.to_str().unwrap(),
        same.to_str().unwrap(),
        "--seam",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("over 3 pairs") && out.contains("seam (last -> first)"), "{out}");
    let f: paintflow::video::Flicker = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(f.pairs.len(), 3);
    assert!(f.mean_warping_error < 2e-3 && f.pairs.iter().all(|p| p.1 > 0.5), "{f:?}");
    assert!(f.seam.is_some_and(|(e, _)| e.is_finite()), "{f:?}");
    let (ok, out, err) = paintflow(&["flicker", frames.to_str().unwrap(), noise.to_str().unwrap(), "--frames", "3"]);
    assert!(ok, "{err}");
    let mean: f64 = out.lines().last().unwrap().split_whitespace().nth(3).unwrap().parse().unwrap();
    assert!(mean > 0.1 && out.contains("over 2 pairs"), "noise: {out}");
    fails_with(&["flicker", frames.to_str().unwrap(), "-"], &["painted video", "folder"]);
    fails_with(&["flicker", frames.to_str().unwrap(), same.to_str().unwrap(), "--frames", "1"], &["--frames"]);
    std::fs::remove_dir_all(&d).unwrap();
}

/// `--loop`: the last frame leads into the first (the seam's warping error falls below the
/// unlooped clip's), only the first --loop-frames frames change, the report has the seam, and a
/// run stopped before the loop was recorded closes it again with the same frames.
#[test]
fn loop_closes_the_clip() {
    let (d, frames) = tmpdir_with_frames("loop");
    let photo = bundled("content/chelsea.png");
    // a pan right and back: the last frame is one step from the first, as in a loop
    for (t, shift) in [0u32, 1, 2, 1].into_iter().enumerate() {
        photo_view(&photo, shift, 16).save(frames.join(format!("{t}.png"))).unwrap();
    }
    let run = |out: &Path, extra: &[&str]| {
        paint_video(&frames, out, &[&["--size", "72", "--iters-first", "3", "--iters", "6"], extra].concat())
    };
    let seam = |out: &Path| -> f64 {
        let (ok, text, err) = paintflow(&["flicker", frames.to_str().unwrap(), out.to_str().unwrap(), "--seam"]);
        assert!(ok, "{err}");
        let line = text.lines().find(|l| l.starts_with("seam")).unwrap().to_string();
        line.split_whitespace().nth(6).unwrap().parse().unwrap()
    };
    let (plain, looped, rep) = (d.join("plain"), d.join("looped"), d.join("loop.json"));
    run(&plain, &[]);
    let err = run(&looped, &["--loop", "--loop-frames", "2", "--report", rep.to_str().unwrap()]);
    assert!(err.contains("closed the loop"), "{err}");
    let (s_plain, s_loop) = (seam(&plain), seam(&looped));
    assert!(s_loop < 0.7 * s_plain, "seam warping error: looped {s_loop:e}, plain {s_plain:e}");
    assert!(frame_bytes(&plain, 0) != frame_bytes(&looped, 0) && frame_bytes(&plain, 1) != frame_bytes(&looped, 1));
    assert!(
        frame_bytes(&plain, 2) == frame_bytes(&looped, 2) && frame_bytes(&plain, 3) == frame_bytes(&looped, 3),
        "frames past the fade"
    );
    let r: paintflow::video::Report = serde_json::from_str(&std::fs::read_to_string(&rep).unwrap()).unwrap();
    assert_eq!((r.frames.len(), r.loop_frames.len()), (4, 2), "{r:?}");
    assert!(r.loop_seam_warping_error.is_some_and(|e| e.is_finite()), "{r:?}");
    // stopped after the fade was written but before it was recorded: --resume fades again from
    // the kept first visits, to the same frames
    let before: Vec<Vec<u8>> = (0..4).map(|i| frame_bytes(&looped, i)).collect();
    std::fs::remove_file(looped.join(".paintflow-loop/closed.json")).unwrap();
    let err = run(&looped, &["--loop", "--loop-frames", "2", "--resume"]);
    assert!(err.contains("closed the loop"), "{err}");
    for (i, b) in before.iter().enumerate() {
        assert!(frame_bytes(&looped, i) == *b, "frame {i} differs after closing the loop again");
    }
    let err = run(&looped, &["--loop", "--loop-frames", "2", "--resume"]);
    assert!(err.contains("already"), "{err}");
    fails_with(&["video", frames.to_str().unwrap(), "-o", "-", "--loop"], &["--loop", "output folder"]);
    std::fs::remove_dir_all(&d).unwrap();
}

/// `--passes 3`: forward, backward, forward sweeps; earlier passes kept aside, the last in the
/// folder; a run stopped inside the second (backward) pass resumes to the same frames; a new run
/// into a folder holding only earlier passes is refused like one holding frames.
#[test]
fn multi_pass_sweeps_and_resumes() {
    let (d, frames) = tmpdir_with_frames("passes");
    write_pan_clip(&frames, 3);
    let run = |out: &Path, extra: &[&str]| {
        paint_video(&frames, out, &[&["--size", "40", "--iters-first", "3", "--iters", "4"], extra].concat())
    };
    let (single, multi, rep) = (d.join("single"), d.join("multi"), d.join("multi.json"));
    run(&single, &[]);
    run(&multi, &["--passes", "3", "--report", rep.to_str().unwrap()]);
    let r: paintflow::video::Report = serde_json::from_str(&std::fs::read_to_string(&rep).unwrap()).unwrap();
    assert_eq!(r.passes, 3);
    assert_eq!(r.frames.iter().map(|f| f.frame).collect::<Vec<_>>(), [0, 1, 2], "{r:?}");
    assert!(r.frames.iter().all(|f| f.iterations == 4), "every frame of a later pass gets --iters: {r:?}");
    let earlier = multi.join(".paintflow-passes");
    for p in ["pass_01", "pass_02"] {
        assert_eq!(std::fs::read_dir(earlier.join(p)).unwrap().count(), 3, "{p}");
    }
    assert!((0..3).any(|i| frame_bytes(&single, i) != frame_bytes(&multi, i)), "the later passes changed nothing");
    let before: Vec<Vec<u8>> = (0..3).map(|i| frame_bytes(&multi, i)).collect();
    // stopped in pass 2 (backward: frames 2 and 1 done, 0 not) before pass 3 began
    std::fs::remove_file(paintflow::video::frame_path(&earlier.join("pass_02"), 0)).unwrap();
    for i in 0..3 {
        std::fs::remove_file(paintflow::video::frame_path(&multi, i)).unwrap();
    }
    let mut again = vec!["video", frames.to_str().unwrap(), "-o", multi.to_str().unwrap(), "--size", "40"];
    again.extend(["--iters-first", "3", "--iters", "4", "--passes", "3"]);
    fails_with(&again, &["holds 5 frames", "--resume"]);
    run(&multi, &["--passes", "3", "--resume"]);
    for (i, b) in before.iter().enumerate() {
        assert!(frame_bytes(&multi, i) == *b, "frame {i} differs after --resume");
    }
    fails_with(&["video", "f", "-o", "-", "--passes", "2"], &["--passes", "a stream"]);
    fails_with(&["video", "f", "-o", "o", "--passes", "2", "--flow-frames", "1,2"], &["--passes", "--flow-frames"]);
    fails_with(&["video", "f", "-o", "o", "--temporal-pass", "2"], &["--temporal-pass", "--passes 2"]);
    fails_with(&["video", "f", "-o", "o", "--passes", "3", "--temporal-pass", "4"], &["--temporal-pass", "from 1"]);
    std::fs::remove_dir_all(&d).unwrap();
}

/// `--segment K/N` splits a clip of T frames evenly, [floor((K-1)T/N), floor(KT/N)), every frame
/// in exactly one segment; a later segment paints its overlap before its own frames.
#[test]
fn segments_split_evenly() {
    use paintflow::segments::{overlap_for, painted_frames, parse_segment, segment_frames};
    for total in 1..40 {
        for n in 1..=total {
            let mut next = 0;
            for k in 1..=n {
                let r = segment_frames(total, k, n);
                assert_eq!(r.start, next, "segment {k}/{n} of {total}");
                assert!(r.len() == total / n || r.len() == total / n + 1, "segment {k}/{n} of {total}: {r:?}");
                next = r.end;
            }
            assert_eq!(next, total);
        }
    }
    assert_eq!([1, 2, 3].map(|k| segment_frames(10, k, 3)), [0..3, 3..6, 6..10]);
    assert_eq!([1, 2, 3].map(|k| painted_frames(10, k, 3, 2)), [0..3, 1..6, 4..10]);
    assert_eq!(overlap_for(1500, 8, None).unwrap(), 24);
    assert_eq!(overlap_for(10, 3, None).unwrap(), 3, "the default shortened to the shortest segment");
    assert_eq!(overlap_for(10, 3, Some(0)).unwrap(), 0);
    assert!(overlap_for(10, 3, Some(4)).is_err() && overlap_for(3, 4, None).is_err());
    assert_eq!(parse_segment("2/8").unwrap(), (2, 8));
    for bad in ["0/3", "4/3", "1/0", "2", "a/b", "-1/3"] {
        assert!(parse_segment(bad).is_err(), "{bad}");
    }
}

#[test]
fn segment_flags_are_checked() {
    let d = tmpdir("segflags");
    let frames = frame_folder(&d, 6, 40, 28);
    let (f, out) = (frames.to_str().unwrap(), d.join("out"));
    let o = out.to_str().unwrap();
    let v = |extra: &[&'static str]| -> Vec<&str> {
        let mut a = vec!["video", f, "-o", o, "--size", "40"];
        a.extend_from_slice(extra);
        a
    };
    fails_with(&v(&["--segment", "0/3"]), &["--segment 0/3", "from 1 to 3"]);
    fails_with(&v(&["--segment", "4/3"]), &["--segment 4/3", "from 1 to 3"]);
    fails_with(&v(&["--segment", "1/0"]), &["--segment 1/0", "at least 1"]);
    fails_with(&v(&["--segment", "2"]), &["--segment 2", "K/N"]);
    fails_with(&v(&["--segment", "1/7"]), &["6 frames", "at most 6 segments"]);
    fails_with(&v(&["--segment", "1/3", "--overlap", "3"]), &["--overlap 3", "at most 2"]);
    fails_with(&v(&["--overlap", "2"]), &["--overlap belongs to --segment"]);
    fails_with(&["video", f, "-o", "-", "--segment", "1/2"], &["--segment", "-o - (a stream)"]);
    fails_with(&["video", "-", "-o", o, "--segment", "1/2"], &["--segment", "folder of frames", "not -"]);
    fails_with(&v(&["--segment", "1/2", "--loop"]), &["--segment", "--loop"]);
    fails_with(&v(&["--segment", "1/2", "--passes", "2"]), &["--segment", "--passes"]);
    fails_with(&v(&["--segment", "1/2", "--report", "r.json"]), &["--segment", "--report", "join"]);
    fails_with(&v(&["--emit-sbatch", "0"]), &["--emit-sbatch", "at least 1"]);
    fails_with(&v(&["--emit-sbatch", "2", "--segment", "1/2"]), &["--emit-sbatch", "leave --segment out"]);
    fails_with(&v(&["--emit-sbatch", "2", "--overwrite"]), &["--emit-sbatch", "--resume", ".paintflow-segments"]);
    fails_with(&v(&["--emit-sbatch", "7"]), &["at most 6 segments"]);
    fails_with(&v(&["--sbatch-gres", "none"]), &["--emit-sbatch"]);
    // a .y4m file's length is not known up front
    let y = d.join("clip.y4m");
    let hdr = paintflow::y4m::Header { width: 40, height: 28, rate: (25, 1), chroma444: false, full_range: false };
    let mut bytes = Vec::new();
    paintflow::y4m::write_header(&mut bytes, &hdr).unwrap();
    paintflow::y4m::write_frame(&mut bytes, &hdr, &image::RgbImage::new(40, 28)).unwrap();
    std::fs::write(&y, bytes).unwrap();
    fails_with(
        &["video", y.to_str().unwrap(), "-o", o, "--segment", "1/2"],
        &["clip.y4m", "folder of frames", "ffmpeg"],
    );
    fails_with(&["join", o], &["no segments to join", "--segment K/N"]);
    std::fs::remove_dir_all(&d).unwrap();
}

/// `--emit-sbatch N` prints a script that submits a keyframes job, an array of N segment jobs
/// depending on it and a join job depending on the array (run here against a stand-in sbatch that records what it is given).
#[cfg(unix)]
#[test]
fn emit_sbatch_submits_an_array_and_a_join_after_it() {
    let d = tmpdir("sbatch");
    let frames = frame_folder(&d, 6, 40, 28);
    let out = d.join("out dir");
    let args = |extra: &[&'static str]| -> Vec<String> {
        let mut a = vec!["video".to_string(), frames.display().to_string(), "-o".into(), out.display().to_string()];
        a.extend(["--size", "40", "--iters-first", "2", "--overlap", "1", "--emit-sbatch", "3"].map(String::from));
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let run = |a: Vec<String>| {
        let a: Vec<&str> = a.iter().map(|s| s.as_str()).collect();
        let (ok, script, err) = paintflow(&a);
        assert!(ok, "{err}");
        script
    };
    let script = run(args(&["--sbatch-arg=--partition=gpu", "--sbatch-arg", "--time=30", "--resume"]));
    for needle in [
        "--array=1-3",
        "--gres=gpu:1",
        "--partition=gpu",
        "--time=30",
        "--overlap 1 --segment \"$SLURM_ARRAY_TASK_ID/3\" --resume",
        "--dependency=afterok:\"$array\"",
        "out dir' --seams",
    ] {
        assert!(script.contains(needle), "the script should hold {needle:?}:\n{script}");
    }
    let execs: Vec<&str> = script.lines().filter(|l| l.starts_with("exec \"$paintflow\" video")).collect();
    assert!(execs.len() == 2 && execs[0].contains("--overlap 1 --keyframes 3 --resume"), "{script}");
    for exec in execs {
        assert!(
            !exec.contains("--emit-sbatch") && !exec.contains("--sbatch") && exec.matches("--resume").count() == 1,
            "{exec}"
        );
    }
    assert!(!run(args(&["--sbatch-gres", "none"])).contains("--gres"));
    // submitted through a stand-in sbatch: job 41 paints the keyframes, 42 is the array after it,
    // 43 the join after the array
    let bin = d.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let fake = bin.join("sbatch");
    std::fs::write(
        &fake,
        "#!/usr/bin/env bash\nn=$(ls \"$FAKE_JOBS\" | wc -l)\nid=$((41 + n / 2))\necho \"$*\" > \"$FAKE_JOBS/$id.args\"\n\
         cat > \"$FAKE_JOBS/$id.sh\"\necho \"$id;cluster\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let jobs = d.join("jobs");
    std::fs::create_dir_all(&jobs).unwrap();
    std::fs::write(d.join("job.sh"), &script).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let o = Command::new("bash").arg(d.join("job.sh")).env("PATH", path).env("FAKE_JOBS", &jobs).output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{stdout}{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout.contains("keyframes job 41, array job 42 (3 segments, after it), join job 43"), "{stdout}");
    let read = |name: &str| std::fs::read_to_string(jobs.join(name)).unwrap();
    assert!(read("41.sh").contains("--keyframes 3 --resume") && !read("41.args").contains("--array"));
    assert!(read("41.args").contains("out dir/.paintflow-segments/slurm-keyframes-%j.log"), "{}", read("41.args"));
    assert!(read("42.args").contains("--array=1-3 ") && read("42.sh").contains("--segment"), "{}", read("42.args"));
    assert!(read("42.args").contains("--dependency=afterok:41 "), "{}", read("42.args"));
    assert!(read("43.args").contains("--dependency=afterok:42 "), "{}", read("43.args"));
    assert!(read("42.args").contains("out dir/.paintflow-segments/slurm-%A_%a.log"), "{}", read("42.args"));
    assert!(read("43.sh").contains(" join ") && out.join(".paintflow-segments").is_dir());
    std::fs::remove_dir_all(&d).unwrap();
}

/// `--keyframes N` paints each segment's first frame as one chain (the first from its content,
/// the others from the one before warped along the flow), resumably; a segment rendered after
/// starts from its keyframe (its first frame is the keyframe, byte for byte) and records that,
/// so a segment painted without them is not joined with the rest; keyframes of other settings,
/// or not yet painted, are named.
#[test]
fn segments_start_from_their_keyframes() {
    use paintflow::video::frame_path;
    let (d, frames) = tmpdir_with_frames("keyframes");
    write_pan_clip(&frames, 7);
    let out = d.join("out");
    let (f, o) = (frames.to_str().unwrap(), out.to_str().unwrap());
    // 7 frames in 3: [0, 2), [2, 4), [4, 7); overlap 1: the chains start at 0, 1 and 3
    let args = |extra: &[&'static str]| -> Vec<&str> {
        let mut a = vec!["video", f, "-o", o, "--size", "40", "--iters-first", "3", "--iters", "2", "--overlap", "1"];
        a.extend_from_slice(extra);
        a
    };
    let run = |a: &[&str]| {
        let (ok, _, err) = paintflow(a);
        assert!(ok, "{a:?}: {err}");
        err
    };
    let kf = out.join(".paintflow-segments/keyframes-3");
    let seg = |k: usize| out.join(format!(".paintflow-segments/{k}of3"));
    let rep = d.join("keyframes.json");
    let rep_arg: &'static str = Box::leak(rep.to_str().unwrap().to_string().into_boxed_str());
    let err = run(&args(&["--keyframes", "3", "--report", rep_arg]));
    assert!(err.contains("keyframes of 3 segments: frames 0, 1, 3 of 7"), "{err}");
    let r: paintflow::video::Report = serde_json::from_str(&std::fs::read_to_string(&rep).unwrap()).unwrap();
    let iters: Vec<usize> = r.frames.iter().map(|f| f.iterations).collect();
    assert_eq!(iters, [3, 2, 2], "keyframes 2 and 3 continue the chain: {r:?}");
    assert!(r.frames[1].consistent_fraction.is_some_and(|c| c > 0.5), "{r:?}");
    let keyframes: Vec<Vec<u8>> = (0..3).map(|i| frame_bytes(&kf, i)).collect();
    // resumable: the last keyframe again gives the same bytes
    std::fs::remove_file(frame_path(&kf, 2)).unwrap();
    fails_with(&args(&["--segment", "3/3"]), &["--segment 3/3", "2 of the 3 keyframes", "--keyframes 3 --resume"]);
    run(&args(&["--keyframes", "3", "--resume"]));
    // (the same up to float-order noise: a test beside this one may autotune these shapes to
    // another kernel in between; painted afresh or from the wrong keyframe it would differ widely)
    let (a, b) =
        (image::open(frame_path(&kf, 2)).unwrap().to_rgb8(), image::load_from_memory(&keyframes[2]).unwrap().to_rgb8());
    let diffs: Vec<i32> = a.as_raw().iter().zip(b.as_raw()).map(|(&x, &y)| (x as i32 - y as i32).abs()).collect();
    let mean = diffs.iter().sum::<i32>() as f64 / diffs.len() as f64;
    assert!(mean < 0.5 && diffs.iter().all(|&d| d <= 8), "keyframe 3 differs after --resume: mean |diff| {mean}");
    // segments start from theirs
    for (k, spec) in [(1, "1/3"), (2, "2/3"), (3, "3/3")] {
        let err = run(&args(&["--segment", spec]));
        assert!(err.contains(&format!("segment {k}/3: starts from keyframe {k}")), "{err}");
        assert!(frame_bytes(&seg(k), 0) == keyframes[k - 1], "segment {k}'s first frame is not its keyframe");
    }
    let (ok, _, err) = paintflow(&["join", o]);
    assert!(ok && err.contains("7 frames"), "{err}");
    // keyframes of other settings are named
    fails_with(
        &args(&["--segment", "2/3", "--tv-weight", "50", "--overwrite"]),
        &["keyframes", "other settings", "--tv-weight"],
    );
    // without keyframes a segment paints its own start, says so, and is not joined with the rest
    std::fs::remove_dir_all(&kf).unwrap();
    let err = run(&args(&["--segment", "2/3", "--overwrite"]));
    assert!(err.contains("no keyframes") && err.contains("--keyframes"), "{err}");
    fails_with(&["join", o], &["segment 2/3 was rendered with other settings", "from-keyframe"]);
    fails_with(&args(&["--keyframes", "0"]), &["--keyframes must be at least 1"]);
    fails_with(&args(&["--keyframes", "3", "--segment", "1/3"]), &["--keyframes", "--segment"]);
    fails_with(&args(&["--keyframes", "8"]), &["7 frames", "at most 7 segments"]);
    fails_with(&["video", "-", "-o", o, "--keyframes", "2"], &["--keyframes", "folder of frames"]);
    std::fs::remove_dir_all(&d).unwrap();
}

/// Segments render into their own folders (one render per segment at a time, segments beside
/// each other), resume on their own, and `join` assembles every frame: a segment's own frames
/// as they are, each overlap cross-faded; it names the segments missing or incomplete, gives the
/// same frames when run again (after an interruption too), refuses segments of other settings,
/// and measures the seams.
#[test]
fn segments_render_resume_and_join() {
    use paintflow::video::frame_path;
    let (d, frames) = tmpdir_with_frames("segments");
    write_pan_clip(&frames, 7);
    let out = d.join("out");
    let (f, o) = (frames.to_str().unwrap(), out.to_str().unwrap());
    // 7 frames in 3: [0, 2), [2, 4), [4, 7); overlap 2: segment 2 paints from 0, segment 3 from 2
    let args = |seg: &'static str, iters_first: &'static str, extra: &[&'static str]| -> Vec<&str> {
        let mut a = vec!["video", f, "-o", o, "--size", "40", "--iters-first", iters_first, "--iters", "1"];
        a.extend(["--overlap", "2", "--segment", seg]);
        a.extend_from_slice(extra);
        a
    };
    let run = |a: &[&str]| {
        let (ok, _, err) = paintflow(a);
        assert!(ok, "{a:?}: {err}");
        err
    };
    let seg = |k: usize| out.join(format!(".paintflow-segments/{k}of3"));
    let read = |p: PathBuf| std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    // a long render of segment 2 holds its folder...
    let mut long = cmd().args(args("2/3", "100000", &[])).stderr(std::process::Stdio::null()).spawn().unwrap();
    let start = std::time::Instant::now();
    while !seg(2).join(".paintflow-run.json").exists() {
        assert!(start.elapsed().as_secs() < 60, "segment 2 never claimed its folder");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // ...so the same segment again is refused, while another segment renders beside it
    fails_with(&args("2/3", "2", &["--overwrite"]), &["--segment 2/3", "another paintflow is rendering"]);
    let err = run(&args("1/3", "2", &[]));
    assert!(err.contains("segment 1/3: frames 0-1 of 7"), "{err}");
    fails_with(&["join", o], &["segment 2/3 is still being rendered", "segment 3/3 has not been rendered"]);
    long.kill().unwrap();
    long.wait().unwrap();
    let err = run(&args("2/3", "2", &[]));
    assert!(err.contains("frames 2-3 of 7, painted from frame 0 (2 overlap frames)"), "{err}");
    run(&args("3/3", "2", &[]));
    let own3: Vec<Vec<u8>> = (0..5).map(|i| read(frame_path(&seg(3), i))).collect();
    // segment 3 stopped after 3 of its 5 frames: the join names it; --resume gives the same frames
    for i in 3..5 {
        std::fs::remove_file(frame_path(&seg(3), i)).unwrap();
    }
    fails_with(&["join", o], &["segment 3/3 is incomplete: 3 of its 5 frames", "--segment 3/3 --resume"]);
    run(&args("3/3", "2", &["--resume"]));
    for (i, b) in own3.iter().enumerate() {
        assert!(read(frame_path(&seg(3), i)) == *b, "segment 3's frame {i} differs after --resume");
    }
    let (ok, _, err) = paintflow(&["join", o]);
    assert!(ok && err.contains("7 frames, 4 cross-faded"), "{err}");
    // own frames as they are; overlap frames i = w x the segment before + (1 - w) x the next,
    // w falling 2/3, 1/3 across the overlap
    for i in 4..7 {
        assert!(read(frame_path(&out, i)) == own3[i - 2], "frame {i} is not segment 3's own");
    }
    let img = |p: PathBuf| image::open(&p).unwrap().to_rgb8();
    for (i, before, before_local, after_local) in [(0, 1, 0, 0), (1, 1, 1, 1), (2, 2, 2, 0), (3, 2, 3, 1)] {
        let w = [2.0 / 3.0, 1.0 / 3.0][i % 2];
        let (a, b) = (img(frame_path(&seg(before), before_local)), img(frame_path(&seg(before + 1), after_local)));
        let got = img(frame_path(&out, i));
        for ((&g, &x), &y) in got.as_raw().iter().zip(a.as_raw()).zip(b.as_raw()) {
            let want = (w * x as f32 + (1.0 - w) * y as f32).round();
            assert!((g as f32 - want).abs() <= 1.0, "frame {i}: {g} instead of {want}");
        }
        // (segment 2 paints from frame 0 as segment 1 does: the same chain, the same frames)
        assert!(i >= 2 || a == b, "frame {i}: segments 1 and 2 differ from the same start");
        assert!(i < 2 || (got != a && got != b), "frame {i} is not a cross-fade");
    }
    // run again, also after an interruption (frames and the record gone): the same frames
    let joined: Vec<Vec<u8>> = (0..7).map(|i| read(frame_path(&out, i))).collect();
    run(&["join", o]);
    for i in [1, 5] {
        std::fs::remove_file(frame_path(&out, i)).unwrap();
    }
    std::fs::remove_file(out.join(".paintflow-joined.json")).unwrap();
    let seams = d.join("seams.json");
    let (ok, text, err) = paintflow(&["join", o, "--seams", seams.to_str().unwrap()]);
    assert!(ok, "{err}");
    for (i, b) in joined.iter().enumerate() {
        assert!(read(frame_path(&out, i)) == *b, "frame {i} differs after joining again");
    }
    assert!(
        text.contains("seam 1|2 at frame 2, faded over frames 0-1") && text.contains("seam 2|3 at frame 4"),
        "{text}"
    );
    let s: paintflow::segments::Seams = serde_json::from_str(&std::fs::read_to_string(&seams).unwrap()).unwrap();
    assert_eq!((s.pairs.len(), s.seams.len()), (6, 2), "{s:?}");
    assert!(s.seams.iter().all(|x| x.warping_error.is_finite() && x.ratio.is_some()), "{s:?}");
    // a segment rendered again with other settings is not joined with the rest
    run(&args("1/3", "3", &["--overwrite"]));
    fails_with(&["join", o], &["segment 2/3 was rendered with other settings", "--iters-first 2 (segment 1: 3)"]);
    std::fs::remove_dir_all(&d).unwrap();
}
