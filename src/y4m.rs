//! YUV4MPEG2 (.y4m) streams, as ffmpeg's `-f yuv4mpegpipe` writes and reads them: 8-bit 4:2:0
//! (C420jpeg, C420mpeg2, C420paldv, C420) or 4:4:4 (C444), BT.601 limited range (full range with
//! XCOLORRANGE=FULL), converted to and from RGB.
use std::io::{BufRead, Read, Write};

use crate::error::{Error, Result};
use crate::imageio::Rgb;

#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    pub width: usize,
    pub height: usize,
    /// Frame rate num:den as written (default 25:1).
    pub rate: (u32, u32),
    pub chroma444: bool,
    pub full_range: bool,
}

/// The longest stream header line accepted, newline included (ffmpeg writes about 60 bytes).
pub const MAX_HEADER_LINE: usize = 1024;
/// The longest FRAME line accepted, parameters and newline included.
pub const MAX_FRAME_LINE: usize = 256;
/// The largest width or height accepted.
pub const MAX_SIDE: usize = 16384;

fn bad(name: &str, msg: impl std::fmt::Display) -> Error {
    Error::file(name, format!("bad YUV4MPEG2 stream: {msg}"))
}

/// Bytes for a message: quoted, non-printable and non-ASCII bytes escaped, at most 32 shown.
fn show(bytes: &[u8]) -> String {
    let more = if bytes.len() > 32 { "..." } else { "" };
    format!("\"{}\"{more}", bytes[..bytes.len().min(32)].escape_ascii())
}

/// The next line without its newline, reading at most `limit` bytes (newline included), so an
/// input without newlines is never read whole; Ok(None) at the end of the input.
fn read_line(name: &str, r: &mut impl BufRead, limit: usize, what: &str) -> Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    Read::take(&mut *r, limit as u64)
        .read_until(b'\n', &mut line)
        .map_err(|e| Error::file(name, format!("cannot read: {e}")))?;
    match line.pop() {
        None => Ok(None),
        Some(b'\n') => Ok(Some(line)),
        Some(last) => {
            line.push(last);
            Err(bad(
                name,
                if line.len() >= limit {
                    format!("{what} is longer than {limit} bytes (no newline; it starts {})", show(&line))
                } else {
                    format!("{what} is not terminated (the input ends after {})", show(&line))
                },
            ))
        }
    }
}

/// Parse the stream header line (the first line).
pub fn read_header(name: &str, r: &mut impl BufRead) -> Result<Header> {
    let Some(line) = read_line(name, r, MAX_HEADER_LINE, "header line")? else {
        return Err(bad(name, "empty input (expected a 'YUV4MPEG2 ' header)"));
    };
    let mut parts = line.split(|&b| b == b' ');
    if parts.next() != Some(b"YUV4MPEG2") {
        return Err(bad(name, format!("missing 'YUV4MPEG2' signature (the stream starts {})", show(&line))));
    }
    let (mut w, mut h, mut rate, mut c444, mut full) = (None, None, (25, 1), false, false);
    for p in parts.filter(|p| !p.is_empty()) {
        // every tag is one ASCII letter and an ASCII value; this also makes the split below safe
        let Some(p) = std::str::from_utf8(p).ok().filter(|p| p.is_ascii()) else {
            return Err(bad(
                name,
                format!("header field {} is not ASCII (expected W, H, F, I, A, C or X fields)", show(p)),
            ));
        };
        let (tag, val) = p.split_at(1);
        let shown = || show(val.as_bytes());
        let number = |what| val.parse::<usize>().map_err(|_| bad(name, format!("{what} {} is not a number", shown())));
        match tag {
            "W" => w = Some(number("width")?),
            "H" => h = Some(number("height")?),
            "F" => {
                let rate_err = || bad(name, format!("frame rate {} (expected F<num>:<den>, e.g. F25:1)", shown()));
                let (a, b) = val.split_once(':').ok_or_else(rate_err)?;
                rate = (a.parse().map_err(|_| rate_err())?, b.parse().map_err(|_| rate_err())?);
            }
            "C" => {
                c444 = match val {
                    "420jpeg" | "420mpeg2" | "420paldv" | "420" => false,
                    "444" => true,
                    _ => {
                        return Err(bad(
                            name,
                            format!(
                                "colour space C{} is not supported (use 8-bit 4:2:0 or 4:4:4: ffmpeg -pix_fmt yuv420p)",
                                val.escape_default()
                            ),
                        ))
                    }
                }
            }
            "X" => full |= val == "COLORRANGE=FULL",
            "I" if val != "p" && val != "?" => {
                return Err(bad(name, format!("interlacing I{} is not supported", val.escape_default())))
            }
            _ => {}
        }
    }
    let (width, height) = (w.ok_or_else(|| bad(name, "no W (width)"))?, h.ok_or_else(|| bad(name, "no H (height)"))?);
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(bad(name, format!("implausible size {width}x{height} (expected 1 to {MAX_SIDE} pixels a side)")));
    }
    Ok(Header { width, height, rate, chroma444: c444, full_range: full })
}

fn plane_sizes(h: &Header) -> (usize, usize) {
    let y = h.width * h.height;
    let c = if h.chroma444 { y } else { h.width.div_ceil(2) * h.height.div_ceil(2) };
    (y, c)
}

/// Read the next frame; Ok(None) at a clean end of stream.
pub fn read_frame(name: &str, index: usize, hdr: &Header, r: &mut impl BufRead) -> Result<Option<Rgb>> {
    let Some(line) = read_line(name, r, MAX_FRAME_LINE, &format!("frame {index}: FRAME line"))? else {
        return Ok(None);
    };
    // FRAME, then optional parameters (ignored) after a space
    if !(line == b"FRAME" || line.starts_with(b"FRAME ")) {
        return Err(bad(name, format!("frame {index}: expected 'FRAME', found {}", show(&line))));
    }
    let (ys, cs) = plane_sizes(hdr);
    let want = ys + 2 * cs;
    // the buffer grows with what arrives: a short stream with a large header allocates little
    let mut buf = Vec::with_capacity(want.min(1 << 24));
    Read::take(&mut *r, want as u64)
        .read_to_end(&mut buf)
        .map_err(|e| Error::file(name, format!("frame {index}: cannot read: {e}")))?;
    if buf.len() < want {
        return Err(bad(name, format!("frame {index} is truncated ({} of {want} bytes)", buf.len())));
    }
    Ok(Some(yuv_to_rgb(hdr, &buf)))
}

fn yuv_to_rgb(h: &Header, buf: &[u8]) -> Rgb {
    let (ys, cs) = plane_sizes(h);
    let (yp, up, vp) = (&buf[..ys], &buf[ys..ys + cs], &buf[ys + cs..]);
    let cw = if h.chroma444 { h.width } else { h.width.div_ceil(2) };
    Rgb::from_fn(h.width as u32, h.height as u32, |x, y| {
        let (x, y) = (x as usize, y as usize);
        let ci = if h.chroma444 { y * cw + x } else { (y / 2) * cw + x / 2 };
        let (yy, u, v) = (yp[y * h.width + x] as f32, up[ci] as f32 - 128.0, vp[ci] as f32 - 128.0);
        let (l, cu, cv) =
            if h.full_range { (yy, u, v) } else { ((yy - 16.0) * 255.0 / 219.0, u * 255.0 / 224.0, v * 255.0 / 224.0) };
        let rgb = [l + 1.402 * cv, l - 0.344136 * cu - 0.714136 * cv, l + 1.772 * cu];
        image::Rgb(rgb.map(|c| c.round().clamp(0.0, 255.0) as u8))
    })
}

pub fn write_header(w: &mut impl Write, h: &Header) -> std::io::Result<()> {
    let c = if h.chroma444 { "444" } else { "420jpeg" };
    let range = if h.full_range { " XCOLORRANGE=FULL" } else { "" };
    writeln!(w, "YUV4MPEG2 W{} H{} F{}:{} Ip A1:1 C{c}{range}", h.width, h.height, h.rate.0, h.rate.1)
}

pub fn write_frame(w: &mut impl Write, h: &Header, img: &Rgb) -> std::io::Result<()> {
    let (ys, cs) = plane_sizes(h);
    let cw = if h.chroma444 { h.width } else { h.width.div_ceil(2) };
    let mut buf = vec![0u8; ys + 2 * cs];
    let mut usum = vec![0.0f32; cs];
    let mut vsum = vec![0.0f32; cs];
    let mut cnt = vec![0.0f32; cs];
    for (x, y, p) in img.enumerate_pixels() {
        let [r, g, b] = p.0.map(|c| c as f32);
        let l = 0.299 * r + 0.587 * g + 0.114 * b;
        let (u, v) = ((b - l) / 1.772, (r - l) / 1.402);
        let (yy, u, v) =
            if h.full_range { (l, u, v) } else { (16.0 + l * 219.0 / 255.0, u * 224.0 / 255.0, v * 224.0 / 255.0) };
        buf[y as usize * h.width + x as usize] = yy.round().clamp(0.0, 255.0) as u8;
        let ci = if h.chroma444 { y as usize * cw + x as usize } else { (y as usize / 2) * cw + x as usize / 2 };
        usum[ci] += u;
        vsum[ci] += v;
        cnt[ci] += 1.0;
    }
    for i in 0..cs {
        buf[ys + i] = (128.0 + usum[i] / cnt[i]).round().clamp(0.0, 255.0) as u8;
        buf[ys + cs + i] = (128.0 + vsum[i] / cnt[i]).round().clamp(0.0, 255.0) as u8;
    }
    w.write_all(b"FRAME\n")?;
    w.write_all(&buf)
}
