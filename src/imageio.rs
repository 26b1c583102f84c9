//! Reading and writing images with errors that name the file, atomic writes, and the bundled
//! example images.
use std::path::Path;

use crate::error::{Error, Result};

/// An RGB image in host memory (8 bits per channel): what every reader and writer passes around.
pub type Rgb = image::RgbImage;

/// Bundled examples (public domain; see assets/README.md): `paintflow image` works without flags.
pub const EXAMPLE_CONTENT: (&str, &[u8]) = ("chelsea.png (bundled)", include_bytes!("../assets/content/chelsea.png"));
pub const EXAMPLE_STYLE: (&str, &[u8]) =
    ("starry_night.jpg (bundled)", include_bytes!("../assets/style/starry_night.jpg"));

pub fn decode(name: &str, bytes: &[u8]) -> Result<Rgb> {
    let img =
        image::load_from_memory(bytes).map_err(|e| Error::file(name, format!("not a readable PNG/JPEG image: {e}")))?;
    Ok(img.to_rgb8())
}

/// Load an image as 8-bit RGB; missing, unreadable or corrupt files get an error naming the file.
pub fn load(path: &Path) -> Result<Rgb> {
    if !path.exists() {
        return Err(Error::file(path, "no such file"));
    }
    // a device or a pipe (/dev/zero, a FIFO) would be read without end
    if !path.is_file() {
        return Err(Error::file(path, "not a regular file (expected a PNG or JPEG file)"));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::file(path, format!("cannot read: {e}")))?;
    let fmt = image::guess_format(&bytes)
        .map_err(|_| Error::file(path, "unsupported or unrecognised image format (expected PNG or JPEG)"))?;
    if !matches!(fmt, image::ImageFormat::Png | image::ImageFormat::Jpeg) {
        return Err(Error::file(path, format!("{fmt:?} images are not supported (expected PNG or JPEG)")));
    }
    let img = image::load_from_memory_with_format(&bytes, fmt)
        .map_err(|e| Error::file(path, format!("corrupt or truncated {fmt:?} image: {e}")))?;
    if img.width() == 0 || img.height() == 0 {
        return Err(Error::file(path, "image has no pixels"));
    }
    Ok(img.to_rgb8())
}

/// Write `img` (PNG or JPEG by extension) through a temporary file and a rename, so a reader
/// or an interrupted run never sees a half-written file.
pub fn save_atomic(img: &Rgb, path: &Path) -> Result<()> {
    write_atomic(path, |tmp, fmt| img.save_with_format(tmp, fmt))
}

/// [`save_atomic`] for a 16-bit-per-channel image; PNG only (JPEG has no 16-bit form).
pub fn save_atomic16(img: &crate::style::Rgb16, path: &Path) -> Result<()> {
    if output_format(path)?.1 != image::ImageFormat::Png {
        return Err(Error::file(path, "16-bit output (--depth 16) must be a .png file"));
    }
    write_atomic(path, |tmp, fmt| img.save_with_format(tmp, fmt))
}

fn write_atomic(path: &Path, save: impl FnOnce(&Path, image::ImageFormat) -> image::ImageResult<()>) -> Result<()> {
    let (_, fmt) = output_format(path)?;
    crate::files::write_atomic(path, |tmp| save(tmp, fmt))
}

/// Draw `n` in a small bitmap font (3x5 digits scaled 2x, white on a black box) at (x, y), to
/// label tiles of a contact sheet.
pub fn stamp_number(img: &mut Rgb, x: u32, y: u32, n: usize) {
    const DIGITS: [[u8; 5]; 10] = [
        [7, 5, 5, 5, 7],
        [2, 6, 2, 2, 7],
        [7, 1, 7, 4, 7],
        [7, 1, 7, 1, 7],
        [5, 5, 7, 1, 1],
        [7, 4, 7, 1, 7],
        [7, 4, 7, 5, 7],
        [7, 1, 1, 1, 1],
        [7, 5, 7, 5, 7],
        [7, 5, 7, 1, 7],
    ];
    let text = n.to_string();
    let (s, cw) = (2u32, 4u32);
    let (bw, bh) = (text.len() as u32 * cw * s + s, 5 * s + 2 * s);
    for dy in 0..bh {
        for dx in 0..bw {
            if x + dx < img.width() && y + dy < img.height() {
                img.put_pixel(x + dx, y + dy, image::Rgb([0, 0, 0]));
            }
        }
    }
    for (i, ch) in text.bytes().enumerate() {
        let rows = DIGITS[(ch - b'0') as usize];
        for (r, bits) in rows.iter().enumerate() {
            for c in 0..3u32 {
                if bits >> (2 - c) & 1 == 1 {
                    for (sy, sx) in (0..s).flat_map(|a| (0..s).map(move |b| (a, b))) {
                        let (px, py) = (x + s + (i as u32 * cw + c) * s + sx, y + s + r as u32 * s + sy);
                        if px < img.width() && py < img.height() {
                            img.put_pixel(px, py, image::Rgb([255, 255, 255]));
                        }
                    }
                }
            }
        }
    }
}

/// An error naming `what` unless `img` is `w` x `h`.
pub fn check_size(img: &Rgb, w: usize, h: usize, what: &str) -> Result<()> {
    if (img.width() as usize, img.height() as usize) != (w, h) {
        return Err(Error::Invalid(format!("{what} is {}x{}, expected {w}x{h}", img.width(), img.height())));
    }
    Ok(())
}

/// The size of `w` x `h` scaled so its longest side is `size` (aspect kept, at least 1 px).
pub fn fit_dims(w: u32, h: u32, size: u32) -> (u32, u32) {
    let s = size as f64 / w.max(h) as f64;
    (((w as f64 * s).round() as u32).max(1), ((h as f64 * s).round() as u32).max(1))
}

/// The image format an output path asks for (by extension), checked before any work starts.
pub fn output_format(path: &Path) -> Result<(String, image::ImageFormat)> {
    let ext = path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).unwrap_or_default();
    let fmt = match ext.as_str() {
        "png" => image::ImageFormat::Png,
        "jpg" | "jpeg" => image::ImageFormat::Jpeg,
        _ => return Err(Error::file(path, "output must end in .png, .jpg or .jpeg")),
    };
    Ok((ext, fmt))
}

/// Resize so the longest side is `size`.
pub fn fit(img: &Rgb, size: u32) -> Rgb {
    let (nw, nh) = fit_dims(img.width(), img.height(), size);
    resize(img, nw, nh)
}

/// w x a + (1 - w) x b per byte, rounded: a cross-fade between two images of one size.
pub fn mix(a: &Rgb, b: &Rgb, w: f32) -> Rgb {
    assert_eq!(a.dimensions(), b.dimensions(), "mix: images of one size");
    let bytes = a.as_raw().iter().zip(b.as_raw()).map(|(&x, &y)| (w * x as f32 + (1.0 - w) * y as f32).round() as u8);
    Rgb::from_raw(a.width(), a.height(), bytes.collect()).expect("size matches")
}

pub fn resize(img: &Rgb, w: u32, h: u32) -> Rgb {
    if img.dimensions() == (w, h) {
        return img.clone();
    }
    image::imageops::resize(img, w, h, image::imageops::FilterType::CatmullRom)
}
