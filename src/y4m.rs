//! YUV4MPEG2 (.y4m) streams, as ffmpeg's `-f yuv4mpegpipe` writes and reads them: 8-bit 4:2:0
//! (C420jpeg, C420mpeg2, C420paldv, C420) or 4:4:4 (C444), BT.601 limited range (full range with
//! XCOLORRANGE=FULL), converted to and from RGB.
use std::io::{BufRead, Write};

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

fn bad(name: &str, msg: impl std::fmt::Display) -> Error {
    Error::file(name, format!("bad YUV4MPEG2 stream: {msg}"))
}

/// Parse the stream header line (the first line).
pub fn read_header(name: &str, r: &mut impl BufRead) -> Result<Header> {
    let mut line = Vec::new();
    r.read_until(b'\n', &mut line).map_err(|e| Error::file(name, format!("cannot read: {e}")))?;
    if line.is_empty() {
        return Err(bad(name, "empty input (expected a 'YUV4MPEG2 ' header)"));
    }
    if line.last() != Some(&b'\n') || line.len() > 4096 {
        return Err(bad(name, "header line is not terminated"));
    }
    let text = String::from_utf8_lossy(&line[..line.len() - 1]).to_string();
    let mut parts = text.split(' ');
    if parts.next() != Some("YUV4MPEG2") {
        return Err(bad(name, "missing 'YUV4MPEG2' signature"));
    }
    let (mut w, mut h, mut rate, mut c444, mut full) = (None, None, (25, 1), false, false);
    for p in parts.filter(|p| !p.is_empty()) {
        let (tag, val) = p.split_at(1);
        match tag {
            "W" => w = Some(val.parse::<usize>().map_err(|_| bad(name, format!("width '{val}'")))?),
            "H" => h = Some(val.parse::<usize>().map_err(|_| bad(name, format!("height '{val}'")))?),
            "F" => {
                let (a, b) = val.split_once(':').ok_or_else(|| bad(name, format!("frame rate '{val}'")))?;
                rate = (
                    a.parse().map_err(|_| bad(name, format!("frame rate '{val}'")))?,
                    b.parse().map_err(|_| bad(name, format!("frame rate '{val}'")))?,
                );
            }
            "C" => {
                c444 = match val {
                    "420jpeg" | "420mpeg2" | "420paldv" | "420" => false,
                    "444" => true,
                    other => {
                        return Err(bad(
                            name,
                            format!(
                        "colour space C{other} is not supported (use 8-bit 4:2:0 or 4:4:4: ffmpeg -pix_fmt yuv420p)"
                    ),
                        ))
                    }
                }
            }
            "X" => full |= val == "COLORRANGE=FULL",
            "I" if val != "p" && val != "?" => return Err(bad(name, format!("interlacing I{val} is not supported"))),
            _ => {}
        }
    }
    let (width, height) = (w.ok_or_else(|| bad(name, "no W (width)"))?, h.ok_or_else(|| bad(name, "no H (height)"))?);
    if width == 0 || height == 0 || width > 16384 || height > 16384 {
        return Err(bad(name, format!("implausible size {width}x{height}")));
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
    let mut line = Vec::new();
    let n = r.read_until(b'\n', &mut line).map_err(|e| Error::file(name, format!("cannot read: {e}")))?;
    if n == 0 {
        return Ok(None);
    }
    if !line.starts_with(b"FRAME") {
        return Err(bad(
            name,
            format!(
                "frame {index}: expected 'FRAME', found {:?}",
                String::from_utf8_lossy(&line[..line.len().min(16)])
            ),
        ));
    }
    let (ys, cs) = plane_sizes(hdr);
    let mut buf = vec![0u8; ys + 2 * cs];
    r.read_exact(&mut buf).map_err(|_| bad(name, format!("frame {index} is truncated")))?;
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
