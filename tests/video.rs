//! Video: a short synthetic sequence end to end, resume equivalence, Y4M round trip and bad headers.
mod common;

use common::gpu;
use paintflow::flow::FlowConfig;
use paintflow::imageio::Rgb;
use paintflow::ops::adam::AdamConfig;
use paintflow::ops::pool::Pool;
use paintflow::style::{self, LossConfig};
use paintflow::vgg::{default_weights_path, Vgg, VggWeights, LAYERS};
use paintflow::video::{Mode, VideoJob, VideoStylizer};
use paintflow::y4m;

fn frame(t: usize, w: u32, h: u32) -> Rgb {
    // a smooth pattern panning right by 1 px per frame
    Rgb::from_fn(w, h, |x, y| {
        let fx = x as f32 - t as f32;
        let v = ((fx * 0.35).sin() * (y as f32 * 0.3).cos() * 100.0 + 128.0) as u8;
        image::Rgb([v, 255 - v, (v / 2).wrapping_add(40)])
    })
}

fn job(mode: Mode) -> VideoJob {
    let (lo, hi) = style::pixel_bounds();
    VideoJob {
        size: 32,
        iters_first: 3,
        iters: 2,
        blend: 0.9,
        temporal_weight: 10.0,
        mode,
        loss: LossConfig::default(),
        method: AdamConfig { lr: 4.0, clamp: Some((lo, hi)), ..Default::default() }.into(),
        ema: None,
        steady: 0.8,
        scene_threshold: paintflow::video::SCENE_THRESHOLD,
        tol: 0.0,
        tol_window: 5,
        loop_frames: 0,
        passes: 1,
        pass_blend: 0.5,
        temporal_pass: 1,
        flow_frames: vec![1],
        style_scale: 1.0,
        flow: FlowConfig::default(),
        log_every: 1,
        report: true,
    }
}

fn setup() -> (Vgg, Vec<Vec<f32>>) {
    let g = gpu();
    let w = VggWeights::load(&default_weights_path().unwrap(), LAYERS.len()).unwrap();
    let vgg = Vgg::new(g, &w, Pool::Max).unwrap();
    let style_img = paintflow::imageio::decode("style", paintflow::imageio::EXAMPLE_STYLE.1).unwrap();
    let grams = style::style_grams(g, &vgg, &LossConfig::default(), &paintflow::imageio::fit(&style_img, 32)).unwrap();
    (vgg, grams)
}

#[test]
fn sequence_end_to_end_and_resume_gives_the_same_frames() {
    let g = gpu();
    let (vgg, grams) = setup();
    let (w, h) = (32u32, 24u32);
    let frames: Vec<Rgb> = (0..3).map(|t| frame(t, w, h)).collect();

    let mut full = VideoStylizer::new(g, &vgg, job(Mode::Flow), w as usize, h as usize, &grams).unwrap();
    let mut outs = Vec::new();
    let mut stats = Vec::new();
    for f in &frames {
        let (o, s) = full.process(f, |_, _| {}).unwrap();
        outs.push(o);
        stats.push(s);
    }
    assert!(stats[0].warping_error.is_none());
    for s in &stats[1..] {
        let e = s.warping_error.unwrap();
        assert!(e.is_finite() && e >= 0.0, "warping error {e}");
        assert!(
            s.consistent_fraction.unwrap() > 0.5,
            "a 1 px pan should be mostly consistent: {:?}",
            s.consistent_fraction
        );
        assert!(s.losses.as_ref().unwrap().total.is_finite());
    }
    // the stylisation changed the frames
    assert_ne!(outs[0].as_raw(), frames[0].as_raw());

    // interrupted after frame 1, resumed from the written frame: frame 2 must be identical
    let mut resumed = VideoStylizer::new(g, &vgg, job(Mode::Flow), w as usize, h as usize, &grams).unwrap();
    let dir = std::env::temp_dir().join(format!("paintflow-video-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = paintflow::video::frame_path(&dir, 1);
    paintflow::imageio::save_atomic(&outs[1], &p).unwrap();
    let reloaded = paintflow::imageio::load(&p).unwrap();
    resumed.resume_from(2, &[(frames[1].clone(), reloaded)]).unwrap();
    let (o2, _) = resumed.process(&frames[2], |_, _| {}).unwrap();
    assert_eq!(o2.as_raw(), outs[2].as_raw(), "resumed frame 2 differs from the uninterrupted run");
    assert_eq!(paintflow::video::finished_frames(&dir), 0, "frame 0 is missing, so none count as finished");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn frames_of_another_size_are_rejected() {
    let g = gpu();
    let (vgg, grams) = setup();
    let mut s = VideoStylizer::new(g, &vgg, job(Mode::NoFlow), 32, 24, &grams).unwrap();
    let e = s.process(&frame(0, 30, 24), |_, _| {}).unwrap_err().to_string();
    assert!(e.contains("30x24") && e.contains("32x24"), "{e}");
}

#[test]
fn y4m_round_trip_and_bad_headers() {
    for (c444, full) in [(false, false), (true, true), (false, true)] {
        let (w, h) = (7usize, 5usize);
        let hdr = y4m::Header { width: w, height: h, rate: (30000, 1001), chroma444: c444, full_range: full };
        let imgs: Vec<Rgb> = (0..3).map(|t| frame(t, w as u32, h as u32)).collect();
        let mut buf = Vec::new();
        y4m::write_header(&mut buf, &hdr).unwrap();
        for i in &imgs {
            y4m::write_frame(&mut buf, &hdr, i).unwrap();
        }
        let mut r = std::io::Cursor::new(buf);
        let got = y4m::read_header("t.y4m", &mut r).unwrap();
        assert_eq!(got, hdr);
        for (k, want) in imgs.iter().enumerate() {
            let f = y4m::read_frame("t.y4m", k, &got, &mut r).unwrap().unwrap();
            // chroma subsampling and 8-bit YUV lose a little; a smooth image comes back close
            let err: f64 =
                f.as_raw().iter().zip(want.as_raw()).map(|(a, b)| (*a as f64 - *b as f64).abs()).sum::<f64>()
                    / f.as_raw().len() as f64;
            let limit = if c444 { 2.0 } else { 20.0 };
            assert!(err < limit, "frame {k} (444={c444}, full={full}): mean abs error {err}");
        }
        assert!(y4m::read_frame("t.y4m", 3, &got, &mut r).unwrap().is_none());
    }
    for (bad, what) in [
        (&b""[..], "empty"),
        (b"YUV4MPEG W10 H10\n", "signature"),
        (b"YUV4MPEG2 H10 C420jpeg\n", "W"),
        (b"YUV4MPEG2 W10 H10 C422\n", "C422"),
        (b"YUV4MPEG2 W10 H0\n", "size"),
        (b"YUV4MPEG2 W10 Habc\n", "height"),
    ] {
        let e = y4m::read_header("bad.y4m", &mut std::io::Cursor::new(bad.to_vec())).unwrap_err().to_string();
        assert!(e.contains("bad.y4m") && e.contains(what), "{what}: {e}");
    }
    // truncated frame
    let mut buf = b"YUV4MPEG2 W4 H4 C420jpeg\nFRAME\n".to_vec();
    buf.extend_from_slice(&[0u8; 10]);
    let mut r = std::io::Cursor::new(buf);
    let hdr = y4m::read_header("t.y4m", &mut r).unwrap();
    let e = y4m::read_frame("t.y4m", 0, &hdr, &mut r).unwrap_err().to_string();
    assert!(e.contains("truncated"), "{e}");
}

/// An input that never ends and has no newline; it refuses to serve more than 1 MiB, so a reader
/// that does not bound its lines fails this test instead of exhausting memory.
struct Endless {
    byte: u8,
    served: usize,
}

impl std::io::Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        assert!(self.served < 1 << 20, "read {} bytes of a line without a newline", self.served);
        buf.fill(self.byte);
        self.served += buf.len();
        Ok(buf.len())
    }
}

#[test]
fn y4m_lines_are_bounded_and_tokens_checked() {
    use std::io::{BufReader, Cursor, Read};
    let endless = |prefix: &[u8]| BufReader::new(Cursor::new(prefix.to_vec()).chain(Endless { byte: b'y', served: 0 }));
    // an endless header line: an error naming the stream and the limit, after at most 1 KiB
    let e = y4m::read_header("<stdin>", &mut endless(b"")).unwrap_err().to_string();
    assert!(e.starts_with("<stdin>: ") && e.contains("longer than 1024 bytes"), "{e}");
    let e = y4m::read_header("s.y4m", &mut endless(b"YUV4MPEG2 W4 H4")).unwrap_err().to_string();
    assert!(e.starts_with("s.y4m: ") && e.contains("longer than 1024 bytes"), "{e}");
    // an endless FRAME line (parameters without end)
    let mut r = endless(b"YUV4MPEG2 W4 H4\nFRAME ");
    let hdr = y4m::read_header("s.y4m", &mut r).unwrap();
    let e = y4m::read_frame("s.y4m", 0, &hdr, &mut r).unwrap_err().to_string();
    assert!(e.starts_with("s.y4m: ") && e.contains("frame 0") && e.contains("longer than 256 bytes"), "{e}");
    // FRAME parameters within the limit are accepted and skipped
    let mut s = b"YUV4MPEG2 W2 H2 C444\nFRAME Ixyz\n".to_vec();
    s.extend_from_slice(&[128; 12]);
    let mut r = Cursor::new(s);
    let hdr = y4m::read_header("s.y4m", &mut r).unwrap();
    assert_eq!(y4m::read_frame("s.y4m", 0, &hdr, &mut r).unwrap().unwrap().dimensions(), (2, 2));
    for (bad, what) in [
        (&b"YUV4MPEG2 W4 H4 \xc3\xa9\n"[..], "\\xc3\\xa9"),
        (b"YUV4MPEG2 W4 H4 C420\xff\n", "C420\\xff"),
        (b"YUV4MPEG2 W\xe2\x82\xac4 H4\n", "not ASCII"),
        (b"YUV4MPEG2 W4 H4", "not terminated"),
        (b"YUV4MPEG2 W0 H4\n", "0x4"),
        (b"YUV4MPEG2 W16385 H4\n", "16385x4"),
        (b"YUV4MPEG2 W4 H99999999999999999999\n", "height"),
        (b"YUV4MPEG2 W4 H-4\n", "height"),
        (b"YUV4MPEG2 W4 H4 F25\n", "frame rate"),
    ] {
        let e = y4m::read_header("bad.y4m", &mut Cursor::new(bad.to_vec())).unwrap_err().to_string();
        assert!(e.starts_with("bad.y4m: ") && e.contains(what), "{what}: {e}");
    }
    let hdr = y4m::read_header("s.y4m", &mut Cursor::new(b"YUV4MPEG2 W4 H4\n".to_vec())).unwrap();
    for (bad, what) in [
        (&b"FRAMEX\n"[..], "expected 'FRAME'"),
        (b"FRAM", "FRAME line is not terminated"),
        (b"\xff\xfe\n", "\\xff\\xfe"),
        (b"FRAME\n\x10\x10", "frame 0 is truncated (2 of 24 bytes)"),
    ] {
        let e = y4m::read_frame("s.y4m", 0, &hdr, &mut Cursor::new(bad.to_vec())).unwrap_err().to_string();
        assert!(e.starts_with("s.y4m: ") && e.contains(what), "{what}: {e}");
    }
}
