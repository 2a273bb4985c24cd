//! QR rendering: small enough for a phone screen at arm's length, and readable by an independent decoder.

use townpass_core::qr::{QUIET_ZONE, QrError, QrMatrix};

const VECTORS: &str = include_str!("data/tokens.json");

fn valid_tokens() -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(VECTORS).expect("vectors parse");
    v["valid"]
        .as_array()
        .expect("valid")
        .iter()
        .map(|c| c["token"].as_str().expect("token").to_string())
        .collect()
}

/// Decodes a PNG with rqrr, an independent QR reader, and returns (version, text).
fn read_png(png_bytes: &[u8]) -> (usize, String) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "exactly one QR code in the picture");
    let (meta, text) = grids[0].decode().expect("rqrr decodes");
    (meta.version.0, text)
}

#[test]
fn a_minimal_pass_fits_qr_version_7_at_level_m() {
    let minimal = &valid_tokens()[0];
    assert_eq!(minimal.len(), 163);
    let qr = QrMatrix::encode(minimal).expect("encodes");
    assert!(qr.version() <= 7, "version {}", qr.version());
    assert_eq!(qr.width(), 17 + 4 * qr.version() as usize);
}

#[test]
fn the_rendered_png_decodes_back_to_the_same_token_with_an_independent_reader() {
    for token in valid_tokens() {
        let qr = QrMatrix::encode(&token).expect("encodes");
        let (version, text) = read_png(&qr.to_png(4).expect("png"));
        assert_eq!(text, token);
        assert_eq!(version, qr.version() as usize);
    }
}

#[test]
fn the_png_has_a_four_module_white_quiet_zone() {
    let token = &valid_tokens()[0];
    let qr = QrMatrix::encode(token).expect("encodes");
    let scale = 3;
    let png_bytes = qr.to_png(scale).expect("png");
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .expect("png");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("frame");
    let side = info.width as usize;
    assert_eq!(side, (qr.width() + 2 * QUIET_ZONE) * scale);
    let margin = QUIET_ZONE * scale;
    for y in 0..side {
        for x in 0..side {
            if x < margin || y < margin || x >= side - margin || y >= side - margin {
                assert_eq!(
                    buf[y * side + x],
                    255,
                    "quiet zone pixel ({x},{y}) is not white"
                );
            }
        }
    }
}

#[test]
fn the_svg_scales_with_a_viewbox_that_includes_the_quiet_zone() {
    let qr = QrMatrix::encode(&valid_tokens()[0]).expect("encodes");
    let svg = qr.to_svg();
    let side = qr.width() + 2 * QUIET_ZONE;
    assert!(svg.starts_with("<svg"), "{svg}");
    assert!(svg.contains(&format!("viewBox=\"0 0 {side} {side}\"")));
    // Every dark module is drawn: the run lengths in the path add up to the dark count.
    let dark = (0..qr.width())
        .flat_map(|y| (0..qr.width()).map(move |x| (x, y)))
        .filter(|&(x, y)| qr.is_dark(x, y))
        .count();
    let drawn: usize = svg
        .split('h')
        .skip(1)
        .map(|s| {
            s.split('v')
                .next()
                .unwrap_or("0")
                .parse::<usize>()
                .unwrap_or(0)
        })
        .sum();
    assert_eq!(drawn, dark);
}

#[test]
fn lower_case_text_is_refused_because_it_would_need_byte_mode() {
    assert_eq!(QrMatrix::encode("tp1:abc"), Err(QrError::NotAlphanumeric));
}
