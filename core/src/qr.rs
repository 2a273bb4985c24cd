//! QR rendering of a token: one alphanumeric segment at error correction M, smallest version that
//! fits, with the standard 4-module quiet zone. SVG for pages (scales to any width), PNG for PDFs,
//! e-mail and wallets.

use qrcode::bits::Bits;
use qrcode::{EcLevel, QrCode, Version};

/// The quiet zone every reader expects around the code, in modules.
pub const QUIET_ZONE: usize = 4;

/// A rendered QR symbol: `width × width` modules, `true` is dark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrMatrix {
    version: u8,
    width: usize,
    dark: Vec<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    #[error("a token may only hold QR alphanumeric characters (0-9, A-Z, space, $%*+-./:)")]
    NotAlphanumeric,
    #[error("the token is too long for a QR code")]
    TooLong,
    #[error("could not write the PNG: {0}")]
    Png(String),
}

fn is_alphanumeric(b: u8) -> bool {
    b.is_ascii_digit() || b.is_ascii_uppercase() || b" $%*+-./:".contains(&b)
}

impl QrMatrix {
    /// Encodes a token (already in canonical upper case) in alphanumeric mode, level M.
    pub fn encode(token: &str) -> Result<QrMatrix, QrError> {
        let data = token.as_bytes();
        if !data.iter().copied().all(is_alphanumeric) {
            return Err(QrError::NotAlphanumeric);
        }
        for v in 1..=40i16 {
            let mut bits = Bits::new(Version::Normal(v));
            let fits = bits.push_alphanumeric_data(data).is_ok()
                && bits.push_terminator(EcLevel::M).is_ok();
            if !fits {
                continue;
            }
            let code = QrCode::with_bits(bits, EcLevel::M).map_err(|_| QrError::TooLong)?;
            let width = code.width();
            let dark = code
                .into_colors()
                .into_iter()
                .map(|c| c == qrcode::Color::Dark)
                .collect();
            return Ok(QrMatrix {
                version: v as u8,
                width,
                dark,
            });
        }
        Err(QrError::TooLong)
    }

    /// Encodes any text (a link, say) in byte mode, level M.
    pub fn encode_text(text: &str) -> Result<QrMatrix, QrError> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
            .map_err(|_| QrError::TooLong)?;
        let version = match code.version() {
            Version::Normal(v) => v as u8,
            Version::Micro(v) => v as u8,
        };
        let width = code.width();
        let dark = code
            .into_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        Ok(QrMatrix {
            version,
            width,
            dark,
        })
    }

    /// The QR version (1–40); a minimal pass is version 7.
    pub fn version(&self) -> u8 {
        self.version
    }

    /// Modules per side, without the quiet zone.
    pub fn width(&self) -> usize {
        self.width
    }

    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.width + x]
    }

    /// A scalable SVG (viewBox in modules, quiet zone included): one path, one run per row segment.
    pub fn to_svg(&self) -> String {
        let side = self.width + 2 * QUIET_ZONE;
        let mut path = String::with_capacity(self.width * self.width);
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if !self.is_dark(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < self.width && self.is_dark(x, y) {
                    x += 1;
                }
                path.push_str(&format!(
                    "M{} {}h{}v1h-{}z",
                    start + QUIET_ZONE,
                    y + QUIET_ZONE,
                    x - start,
                    x - start
                ));
            }
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" \
             shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"pass QR code\">\
             <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
             <path fill=\"#000\" d=\"{path}\"/></svg>"
        )
    }

    /// A greyscale PNG, `scale` pixels per module, quiet zone included.
    pub fn to_png(&self, scale: usize) -> Result<Vec<u8>, QrError> {
        let scale = scale.max(1);
        let side = (self.width + 2 * QUIET_ZONE) * scale;
        let mut pixels = vec![255u8; side * side];
        for y in 0..self.width {
            for x in 0..self.width {
                if self.is_dark(x, y) {
                    for dy in 0..scale {
                        let row = (y + QUIET_ZONE) * scale + dy;
                        let col = (x + QUIET_ZONE) * scale;
                        pixels[row * side + col..row * side + col + scale].fill(0);
                    }
                }
            }
        }
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        encoder
            .write_header()
            .and_then(|mut w| w.write_image_data(&pixels).and_then(|_| w.finish()))
            .map_err(|e| QrError::Png(e.to_string()))?;
        Ok(out)
    }
}
