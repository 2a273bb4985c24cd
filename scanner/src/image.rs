//! Reading a pass's QR code from a photo or a screenshot (PNG or JPEG), for venues without a
//! hardware reader and for support ("the tourist sent a screenshot").

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};

/// A greyscale picture: width, height, one byte per pixel.
struct Grey {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000) as u8
}

fn decode_png(bytes: &[u8]) -> Result<Grey> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().context("not a readable PNG")?;
    let mut buf = vec![
        0;
        reader
            .output_buffer_size()
            .ok_or_else(|| anyhow!("the PNG is too large"))?
    ];
    let info = reader.next_frame(&mut buf).context("not a readable PNG")?;
    let (width, height) = (info.width as usize, info.height as usize);
    let channels = info.color_type.samples();
    let pixels = buf[..info.buffer_size()]
        .chunks_exact(channels)
        .map(|p| match p {
            [g] | [g, _] => *g,
            [r, g, b] | [r, g, b, _] => luma(*r, *g, *b),
            _ => 255,
        })
        .collect();
    Ok(Grey {
        width,
        height,
        pixels,
    })
}

fn decode_jpeg(bytes: &[u8]) -> Result<Grey> {
    let mut decoder = jpeg_decoder::Decoder::new(std::io::Cursor::new(bytes));
    let data = decoder.decode().context("not a readable JPEG")?;
    let info = decoder
        .info()
        .ok_or_else(|| anyhow!("not a readable JPEG"))?;
    let pixels = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => data,
        jpeg_decoder::PixelFormat::L16 => data.chunks_exact(2).map(|p| p[0]).collect(),
        jpeg_decoder::PixelFormat::RGB24 => data
            .chunks_exact(3)
            .map(|p| luma(p[0], p[1], p[2]))
            .collect(),
        jpeg_decoder::PixelFormat::CMYK32 => data.chunks_exact(4).map(|p| 255 - p[3]).collect(),
    };
    Ok(Grey {
        width: usize::from(info.width),
        height: usize::from(info.height),
        pixels,
    })
}

/// The text of the first QR code found in the picture.
pub fn read_qr(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let grey = if bytes.starts_with(b"\x89PNG") {
        decode_png(&bytes)?
    } else if bytes.starts_with(&[0xff, 0xd8]) {
        decode_jpeg(&bytes)?
    } else {
        bail!("{} is neither a PNG nor a JPEG picture", path.display());
    };
    if grey.pixels.len() != grey.width * grey.height {
        bail!("the picture's size does not match its pixels");
    }
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(grey.width, grey.height, |x, y| {
            grey.pixels[y * grey.width + x]
        });
    for grid in prepared.detect_grids() {
        if let Ok((_, text)) = grid.decode() {
            return Ok(text);
        }
    }
    bail!(
        "no readable QR code in {}: take the photo straight on, closer, with the whole code in the picture",
        path.display()
    )
}
