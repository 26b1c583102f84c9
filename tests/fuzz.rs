//! Property-based fuzzing of every parser a user's input reaches (Y4M streams, .flo files,
//! safetensors weights, PNG images): random and mutated inputs must give an error that names the
//! input or a valid result, never a panic, an endless read or an allocation the input does not
//! justify. No GPU is needed.
use std::io::{BufReader, Cursor};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use paintflow::flow::{self, flo};
use paintflow::imageio;
use paintflow::weights::TensorFile;
use paintflow::y4m;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;

const CASES: u32 = 1000;

/// One edit of a valid input.
#[derive(Clone, Debug)]
enum Mutation {
    Set(Index, u8),
    Insert(Index, Vec<u8>),
    Remove(Index, usize),
    Truncate(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        6 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        1 => (any::<Index>(), vec(any::<u8>(), 1..16)).prop_map(|(i, b)| Mutation::Insert(i, b)),
        1 => (any::<Index>(), 1usize..16).prop_map(|(i, n)| Mutation::Remove(i, n)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
    ]
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    vec(mutation(), 0..6)
}

fn apply(base: &[u8], muts: &[Mutation]) -> Vec<u8> {
    let mut v = base.to_vec();
    for m in muts {
        match m {
            Mutation::Insert(i, b) => {
                let at = i.index(v.len() + 1);
                v.splice(at..at, b.iter().copied());
            }
            _ if v.is_empty() => {}
            Mutation::Set(i, b) => {
                let at = i.index(v.len());
                v[at] = *b;
            }
            Mutation::Remove(i, n) => {
                let at = i.index(v.len());
                v.drain(at..(at + n).min(v.len()));
            }
            Mutation::Truncate(i) => v.truncate(i.index(v.len())),
        }
    }
    v
}

/// A file under the temporary directory, removed when dropped (also when a case fails).
struct TempFile(PathBuf);

impl TempFile {
    fn new(ext: &str, bytes: &[u8]) -> TempFile {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("paintflow-fuzz-{}-{n}.{ext}", std::process::id()));
        std::fs::write(&p, bytes).unwrap();
        TempFile(p)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[track_caller]
fn names(e: &impl std::fmt::Display, name: &str) {
    let e = e.to_string();
    assert!(e.contains(name), "the error should name {name}: {e}");
}

// ---------------------------------------------------------------------------------------------
// Y4M

/// Parse a whole stream read straight from memory, checking that each line is read with its
/// bound and each frame has the header's size; Ok(frames) or the first error.
fn parse_y4m(bytes: &[u8]) -> Result<usize, paintflow::Error> {
    let mut r = Cursor::new(bytes);
    let hdr = y4m::read_header("fuzz.y4m", &mut r);
    assert!(r.position() <= y4m::MAX_HEADER_LINE as u64, "the header read {} bytes", r.position());
    let hdr = hdr?;
    assert!((1..=y4m::MAX_SIDE).contains(&hdr.width) && (1..=y4m::MAX_SIDE).contains(&hdr.height), "{hdr:?}");
    let plane = hdr.width * hdr.height;
    let frame_bytes =
        if hdr.chroma444 { 3 * plane } else { plane + 2 * hdr.width.div_ceil(2) * hdr.height.div_ceil(2) };
    for i in 0.. {
        let at = r.position();
        let f = y4m::read_frame("fuzz.y4m", i, &hdr, &mut r);
        let read = r.position() - at;
        assert!(read <= (y4m::MAX_FRAME_LINE + frame_bytes) as u64, "frame {i} read {read} bytes");
        match f? {
            None => return Ok(i),
            Some(img) => assert_eq!(img.dimensions(), (hdr.width as u32, hdr.height as u32)),
        }
    }
    unreachable!()
}

/// The same through a small buffer, as `paintflow video` reads a file or stdin.
fn parse_y4m_buffered(bytes: &[u8], capacity: usize) -> Result<usize, paintflow::Error> {
    let mut r = BufReader::with_capacity(capacity, Cursor::new(bytes));
    let hdr = y4m::read_header("<stdin>", &mut r)?;
    for i in 0.. {
        if y4m::read_frame("<stdin>", i, &hdr, &mut r)?.is_none() {
            return Ok(i);
        }
    }
    unreachable!()
}

/// A valid small stream: its bytes and frame count.
fn y4m_stream() -> impl Strategy<Value = (Vec<u8>, usize)> {
    (1usize..7, 1usize..7, any::<bool>(), any::<bool>(), 0usize..3).prop_flat_map(|(w, h, c444, full, frames)| {
        vec(any::<u8>(), w * h * 3 * frames).prop_map(move |px| {
            let hdr = y4m::Header { width: w, height: h, rate: (30000, 1001), chroma444: c444, full_range: full };
            let mut out = Vec::new();
            y4m::write_header(&mut out, &hdr).unwrap();
            for f in px.chunks_exact(w * h * 3) {
                let img = imageio::Rgb::from_raw(w as u32, h as u32, f.to_vec()).unwrap();
                y4m::write_frame(&mut out, &hdr, &img).unwrap();
            }
            (out, frames)
        })
    })
}

/// A header line built from plausible and implausible fields, in any order; W and H are
/// usually valid, so that many lines parse and the frames after them are read.
fn y4m_header_line() -> impl Strategy<Value = Vec<u8>> {
    let number = prop_oneof![
        (0u64..40).prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        Just("16384".to_string()),
        Just("16385".to_string()),
        Just("-1".to_string()),
        Just(String::new()),
        "[0-9+:-]{0,24}",
    ];
    let size = |tag: &'static str| {
        prop_oneof![
            4 => (1u32..9).prop_map(move |n| format!("{tag}{n}").into_bytes()),
            1 => number.clone().prop_map(move |n| format!("{tag}{n}").into_bytes()),
        ]
    };
    let field = prop_oneof![
        size("W"),
        size("H"),
        (number.clone(), number.clone()).prop_map(|(a, b)| format!("F{a}:{b}").into_bytes()),
        prop::sample::select(vec!["C420jpeg", "C420", "C444", "C422", "C420p10", "C", "Ip", "It", "I?", "A1:1"])
            .prop_map(|s| s.as_bytes().to_vec()),
        "X[ -~]{0,20}".prop_map(String::into_bytes),
        vec(any::<u8>(), 0..12),
    ];
    (size("W"), size("H"), vec(field, 0..5)).prop_flat_map(|(w, h, more)| {
        Just([vec![w, h], more].concat()).prop_shuffle().prop_map(|fields| {
            let mut line = b"YUV4MPEG2".to_vec();
            for f in fields {
                line.push(b' ');
                line.extend_from_slice(&f);
            }
            line.push(b'\n');
            line
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn y4m_random_bytes(bytes in vec(any::<u8>(), 0..3000), capacity in 1usize..64) {
        if let Err(e) = parse_y4m(&bytes) {
            names(&e, "fuzz.y4m");
        }
        if let Err(e) = parse_y4m_buffered(&bytes, capacity) {
            names(&e, "<stdin>");
        }
    }

    #[test]
    fn y4m_lines_without_newline(
        prefix in prop::sample::select(vec![&b""[..], b"YUV4MPEG2 W4 H2 C444\n", b"YUV4MPEG2 W4 H2 C444\nFRAME"]),
        tail in vec(any::<u8>().prop_map(|b| if b == b'\n' { b' ' } else { b }), 0..3000),
    ) {
        let bytes = [prefix, &tail].concat();
        if let Err(e) = parse_y4m(&bytes) {
            names(&e, "fuzz.y4m");
        }
    }

    #[test]
    fn y4m_random_header_fields(line in y4m_header_line(), tail in vec(any::<u8>(), 0..200), frame in any::<bool>()) {
        let bytes = [&line[..], if frame { b"FRAME\n" } else { b"" }, &tail].concat();
        if let Err(e) = parse_y4m(&bytes) {
            names(&e, "fuzz.y4m");
        }
    }

    #[test]
    fn y4m_mutated_streams((stream, frames) in y4m_stream(), muts in mutations(), capacity in 1usize..64) {
        let bytes = apply(&stream, &muts);
        let got = parse_y4m(&bytes);
        let buffered = parse_y4m_buffered(&bytes, capacity);
        // reading through a buffer of any size gives the same answer
        prop_assert_eq!(got.as_ref().ok(), buffered.as_ref().ok());
        match got {
            Err(e) => names(&e, "fuzz.y4m"),
            // a valid stream reads back whole
            Ok(n) if muts.is_empty() => prop_assert_eq!(n, frames),
            Ok(_) => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// .flo and the endpoint error

fn flow_value() -> impl Strategy<Value = f32> {
    prop_oneof![
        8 => -50.0f32..50.0,
        1 => Just(1e10f32),
        1 => Just(-1e10f32),
        1 => Just(f32::NAN),
        1 => Just(f32::INFINITY),
        1 => any::<f32>(),
    ]
}

fn flow_field() -> impl Strategy<Value = flo::FlowField> {
    (1usize..6, 1usize..6).prop_flat_map(|(width, height)| {
        vec(flow_value(), 2 * width * height).prop_map(move |data| flo::FlowField { width, height, data })
    })
}

/// Decode (and read back from a file, which must agree), then the EPE against a zero flow.
fn check_flo(bytes: &[u8]) -> Result<flo::FlowField, paintflow::Error> {
    let file = TempFile::new("flo", bytes);
    let from_file = flo::read(&file.0);
    let decoded = flo::decode(&file.0, bytes);
    assert_eq!(from_file.is_ok(), decoded.is_ok(), "read: {from_file:?}, decode: {decoded:?}");
    let name = file.0.display().to_string();
    let f = match decoded {
        Err(e) => {
            names(&e, &name);
            names(&from_file.unwrap_err(), &name);
            return Err(e);
        }
        Ok(f) => f,
    };
    assert_eq!(bytes.len(), 12 + 8 * f.width * f.height);
    assert_eq!(f.data.len(), 2 * f.width * f.height);
    match flow::epe(&vec![0.0; f.data.len()], &f.data, &file.0) {
        Ok(e) => {
            assert!(e.mean.is_finite() && e.mean >= 0.0 && e.valid >= 1, "{e:?}");
            assert_eq!(e.valid + e.excluded, f.width * f.height);
        }
        Err(e) => names(&e, &name),
    }
    Ok(f)
}

fn same_bits(a: &flo::FlowField, b: &flo::FlowField) -> bool {
    (a.width, a.height) == (b.width, b.height) && a.data.iter().zip(&b.data).all(|(x, y)| x.to_bits() == y.to_bits())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn flo_mutated_files(f in flow_field(), muts in mutations()) {
        let got = check_flo(&apply(&flo::encode(&f), &muts));
        if muts.is_empty() {
            prop_assert!(same_bits(&got.unwrap(), &f));
        }
    }

    #[test]
    fn flo_random_headers(w in any::<i32>(), h in any::<i32>(), data in vec(any::<u8>(), 0..200)) {
        let bytes = [&202021.25f32.to_le_bytes()[..], &w.to_le_bytes(), &h.to_le_bytes(), &data].concat();
        let _ = check_flo(&bytes);
    }

    #[test]
    fn flo_random_bytes(bytes in vec(any::<u8>(), 0..300)) {
        let _ = check_flo(&bytes);
    }
}

// ---------------------------------------------------------------------------------------------
// safetensors weights

fn safetensors_file(header: &str, data: &[u8]) -> Vec<u8> {
    [&(header.len() as u64).to_le_bytes()[..], header.as_bytes(), data].concat()
}

/// A valid file: "a" F32 [2, 3] and "b" F32 [2].
fn valid_safetensors(values: &[f32; 8]) -> Vec<u8> {
    let header = concat!(
        r#"{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"#,
        r#""b":{"dtype":"F32","shape":[2],"data_offsets":[24,32]}}"#
    );
    safetensors_file(header, &values.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<_>>())
}

/// Open, then get both tensors; Ok(values of "a") or the first error.
fn check_safetensors(bytes: &[u8]) -> Result<Vec<f32>, paintflow::Error> {
    let file = TempFile::new("safetensors", bytes);
    let name = file.0.display().to_string();
    let t = TensorFile::open(&file.0).inspect_err(|e| names(e, &name))?;
    let mut a = Vec::new();
    for (tensor, shape) in [("a", &[2usize, 3][..]), ("b", &[2])] {
        match t.get(tensor, None) {
            Ok((s, data)) => {
                assert_eq!(data.len(), s.iter().product::<usize>(), "{tensor}: shape {s:?}");
                if tensor == "a" {
                    a = data;
                }
            }
            Err(e) => names(&e, &name),
        }
        if let Err(e) = t.get(tensor, Some(shape)) {
            names(&e, tensor);
        }
    }
    Ok(a)
}

fn dims() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..5, any::<u64>(), Just(u64::MAX), Just(u64::MAX - 3), Just(1 << 62)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn safetensors_mutated(values in any::<[f32; 8]>(), muts in mutations()) {
        let got = check_safetensors(&apply(&valid_safetensors(&values), &muts));
        if muts.is_empty() {
            let want: Vec<u32> = values[..6].iter().map(|v| v.to_bits()).collect();
            prop_assert_eq!(got.unwrap().iter().map(|v| v.to_bits()).collect::<Vec<_>>(), want);
        }
    }

    #[test]
    fn safetensors_random_length_prefix(values in any::<[f32; 8]>(), n in dims()) {
        let mut bytes = valid_safetensors(&values);
        bytes[..8].copy_from_slice(&n.to_le_bytes());
        let _ = check_safetensors(&bytes);
    }

    #[test]
    fn safetensors_random_tensor_info(
        dtype in prop::sample::select(vec!["F32", "F64", "F16", "U8", "I64", "BOOL", "f32", ""]),
        shape in vec(dims(), 0..4),
        offsets in (dims(), dims()),
        data in vec(any::<u8>(), 0..64),
    ) {
        let shape: Vec<String> = shape.iter().map(u64::to_string).collect();
        let header = format!(
            r#"{{"a":{{"dtype":"{dtype}","shape":[{}],"data_offsets":[{},{}]}}}}"#,
            shape.join(","),
            offsets.0,
            offsets.1
        );
        let _ = check_safetensors(&safetensors_file(&header, &data));
    }
}

#[test]
fn safetensors_offsets_past_the_end() {
    // safetensors 0.4 alone overflows on this offset (a panic with overflow checks)
    let end = u64::MAX - 3;
    let header = format!(r#"{{"a":{{"dtype":"U8","shape":[{end}],"data_offsets":[0,{end}]}}}}"#);
    let e = check_safetensors(&safetensors_file(&header, &[])).unwrap_err().to_string();
    assert!(e.contains(&format!("tensor `a` has a data offset of {end}, past the end of the")), "{e}");
}

// ---------------------------------------------------------------------------------------------
// PNG images

fn crc32(bytes: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in bytes {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 == 1 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 };
        }
    }
    !c
}

/// A valid small PNG (8- or 16-bit, grey, RGB or RGBA) and the RGB image it holds.
fn png_image() -> impl Strategy<Value = (Vec<u8>, imageio::Rgb)> {
    (1u32..9, 1u32..9, 0usize..4).prop_flat_map(|(w, h, kind)| {
        vec(any::<u8>(), (w * h * 8) as usize).prop_map(move |px| {
            let rgb = imageio::Rgb::from_raw(w, h, px[..(w * h * 3) as usize].to_vec()).unwrap();
            let img = match kind {
                0 => image::DynamicImage::ImageRgb8(rgb),
                1 => image::DynamicImage::ImageRgba8(
                    image::RgbaImage::from_raw(w, h, px[..(w * h * 4) as usize].to_vec()).unwrap(),
                ),
                2 => image::DynamicImage::ImageLuma8(
                    image::GrayImage::from_raw(w, h, px[..(w * h) as usize].to_vec()).unwrap(),
                ),
                _ => image::DynamicImage::ImageRgb16(image::ImageBuffer::from_fn(w, h, |x, y| {
                    let i = ((y * w + x) * 6) as usize;
                    image::Rgb([0, 2, 4].map(|k| u16::from_le_bytes([px[i + k], px[i + k + 1]])))
                })),
            };
            let mut bytes = Vec::new();
            img.write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png).unwrap();
            (bytes, img.to_rgb8())
        })
    })
}

/// Load from a file and decode from memory, which must agree; Ok(image) or the error.
fn check_png(bytes: &[u8]) -> Result<imageio::Rgb, paintflow::Error> {
    let file = TempFile::new("png", bytes);
    let name = file.0.display().to_string();
    let loaded = imageio::load(&file.0);
    let decoded = imageio::decode("fuzz.png", bytes);
    match (&loaded, &decoded) {
        (Ok(a), Ok(b)) => assert!(a == b && a.width() > 0 && a.height() > 0),
        (Err(e), _) => names(e, &name),
        (Ok(_), Err(e)) => panic!("load accepted what decode rejects: {e}"),
    }
    if let Err(e) = &decoded {
        names(e, "fuzz.png");
    }
    loaded
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn png_mutated((bytes, want) in png_image(), muts in mutations()) {
        let got = check_png(&apply(&bytes, &muts));
        if muts.is_empty() {
            prop_assert!(got.unwrap() == want);
        }
    }

    /// IHDR fields at random with a correct checksum, so the decoder gets past the CRC check.
    #[test]
    fn png_random_ihdr(
        (bytes, _) in png_image(),
        w in prop_oneof![0u32..20, any::<u32>(), 1u32..20_000],
        h in prop_oneof![0u32..20, any::<u32>(), 1u32..20_000],
        depth in prop_oneof![3 => prop::sample::select(vec![1u8, 2, 4, 8, 16]), 1 => any::<u8>()],
        colour in prop_oneof![3 => prop::sample::select(vec![0u8, 2, 3, 4, 6]), 1 => any::<u8>()],
        rest in prop_oneof![3 => Just([0u8; 3]), 1 => any::<[u8; 3]>()],
    ) {
        let mut bytes = bytes;
        prop_assert_eq!(&bytes[12..16], b"IHDR");
        bytes[16..20].copy_from_slice(&w.to_be_bytes());
        bytes[20..24].copy_from_slice(&h.to_be_bytes());
        bytes[24] = depth;
        bytes[25] = colour;
        bytes[26..29].copy_from_slice(&rest);
        let crc = crc32(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        if let Ok(img) = check_png(&bytes) {
            prop_assert_eq!(img.dimensions(), (w, h));
        }
    }

    #[test]
    fn png_random_bytes(tail in vec(any::<u8>(), 0..200)) {
        // the PNG signature, so the format is recognised, then anything
        let _ = check_png(&[&b"\x89PNG\r\n\x1a\n"[..], &tail].concat());
    }
}

#[test]
fn crc32_matches_png() {
    // the IEND chunk's well-known checksum
    assert_eq!(crc32(b"IEND"), 0xae42_6082);
}
