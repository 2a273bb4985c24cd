//! The printable passes: one A4 page per pass with its QR code (drawn as vector squares, sharp at
//! any printer resolution), holder, category, validity and the included venues by town.
//! DejaVu Sans is embedded so Cyrillic and every Latin accent print correctly. The page writer
//! here is shared with the statement PDF (`settlement::pdf`).

use printpdf::{Color, IndirectFontRef, Mm, PdfDocument, PdfLayerReference, Rect, Rgb};
use townpass_core::catalog::pick;
use townpass_core::qr::{QUIET_ZONE, QrMatrix};

use crate::i18n::present;
use crate::i18n::t;
use crate::store::{OrderRow, Store, StoreError};

pub(crate) static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("PDF: {0}")]
    Pdf(String),
}

pub(crate) fn pdf_err(e: impl std::fmt::Display) -> PdfError {
    PdfError::Pdf(e.to_string())
}

pub(crate) const PAGE_W: f32 = 210.0;
pub(crate) const PAGE_H: f32 = 297.0;
pub(crate) const MARGIN: f32 = 18.0;

/// Draws the QR symbol with its top-left corner at (x, y_top), `size` millimetres wide.
fn draw_qr(layer: &PdfLayerReference, qr: &QrMatrix, x: f32, y_top: f32, size: f32) {
    let side = qr.width() + 2 * QUIET_ZONE;
    let module = size / side as f32;
    layer.set_fill_color(Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None)));
    for row in 0..qr.width() {
        let mut col = 0;
        while col < qr.width() {
            if !qr.is_dark(col, row) {
                col += 1;
                continue;
            }
            let start = col;
            while col < qr.width() && qr.is_dark(col, row) {
                col += 1;
            }
            let x0 = x + (start + QUIET_ZONE) as f32 * module;
            let x1 = x + (col + QUIET_ZONE) as f32 * module;
            let y1 = y_top - (row + QUIET_ZONE) as f32 * module;
            // A hair of overlap so adjacent rows leave no white seams in some viewers.
            layer.add_rect(Rect::new(Mm(x0), Mm(y1 - module - 0.02), Mm(x1), Mm(y1)));
        }
    }
}

/// Breaks text into lines of at most `max` characters, at spaces.
pub(crate) fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

pub(crate) struct Writer<'a> {
    pub(crate) layer: PdfLayerReference,
    pub(crate) font: &'a IndirectFontRef,
    pub(crate) y: f32,
}

impl Writer<'_> {
    pub(crate) fn line(&mut self, text: &str, size: f32) {
        self.layer
            .set_fill_color(Color::Rgb(Rgb::new(0.1, 0.12, 0.16, None)));
        self.layer
            .use_text(text, size, Mm(MARGIN), Mm(self.y), self.font);
        self.y -= size * 0.45;
    }

    pub(crate) fn wrapped(&mut self, text: &str, size: f32, indent: &str) {
        let max = (((PAGE_W - 2.0 * MARGIN) / (size * 0.19)) as usize).max(20);
        for (i, l) in wrap(text, max).iter().enumerate() {
            if self.y < MARGIN {
                return;
            }
            self.line(
                &if i == 0 {
                    l.clone()
                } else {
                    format!("{indent}{l}")
                },
                size,
            );
        }
    }
}

/// The PDF of a paid order's passes, in `lang`.
pub async fn order_pdf(
    store: &Store,
    order: &OrderRow,
    lang: &str,
    base_url: &str,
) -> Result<Vec<u8>, PdfError> {
    // A cancelled pass is not printed: a paper copy would still show a QR code at the gate.
    let passes: Vec<_> = store
        .passes_of_order(order.id)
        .await?
        .into_iter()
        .filter(|p| p.revoked_at.is_none())
        .collect();
    let categories = store.categories().await?;
    // Load everything first: the PDF document itself is not Send and is built without awaiting.
    let mut details = Vec::with_capacity(passes.len());
    for pass in &passes {
        let product = store.product_by_id(pass.product_id).await?;
        let rows = store.product_venues(pass.product_id).await?;
        details.push((pass, product, rows));
    }
    let title = t(lang, "pdf_title");
    let (doc, page1, layer1) = PdfDocument::new(&title, Mm(PAGE_W), Mm(PAGE_H), "pass");
    let font = doc
        .add_external_font_with_subsetting(FONT, true)
        .map_err(pdf_err)?;
    let order_url = format!("{}/o/{}", base_url.trim_end_matches('/'), order.public_id);
    for (i, (pass, product, rows)) in details.iter().enumerate() {
        let (page, layer) = if i == 0 {
            (page1, layer1)
        } else {
            doc.add_page(Mm(PAGE_W), Mm(PAGE_H), "pass")
        };
        let layer = doc.get_page(page).get_layer(layer);
        let qr = QrMatrix::encode(&pass.token).map_err(pdf_err)?;
        let qr_size = 80.0;
        draw_qr(
            &layer,
            &qr,
            (PAGE_W - qr_size) / 2.0,
            PAGE_H - MARGIN - 22.0,
            qr_size,
        );
        let mut w = Writer {
            layer,
            font: &font,
            y: PAGE_H - MARGIN,
        };
        w.line(&present::name(&product.product.name, lang), 18.0);
        w.line(&present::validity(lang, &product.product), 11.0);
        w.y = PAGE_H - MARGIN - 22.0 - qr_size - 8.0;
        let category = categories
            .iter()
            .find(|c| i64::from(c.id) == pass.category_id)
            .map(|c| pick(&c.name, lang).to_string())
            .unwrap_or_default();
        if let Some(h) = &pass.holder {
            w.line(&format!("{}: {h}", t(lang, "pass_holder")), 14.0);
        }
        w.line(&format!("{}: {category}", t(lang, "pass_category")), 12.0);
        w.line(
            &format!(
                "{}: {}",
                t(lang, "pass_expires"),
                present::local_time_in(lang, pass.expires_at, &product.product.time_zone)
            ),
            12.0,
        );
        w.line(
            &format!("{}: {}", t(lang, "pass_serial"), pass.serial),
            12.0,
        );
        w.line(
            &format!(
                "{}: {}",
                t(lang, "order_code"),
                present::order_code(&order.public_id)
            ),
            12.0,
        );
        w.y -= 3.0;
        w.line(&t(lang, "included_title"), 13.0);
        for (town, venues) in present::by_town(
            lang,
            rows,
            order.currency.parse().unwrap_or(product.product.currency),
            product.product.currency,
        ) {
            if w.y < MARGIN + 10.0 {
                break;
            }
            w.line(&town, 11.5);
            for (venue, offers) in venues {
                w.wrapped(&format!("• {venue}: {}", offers.join("; ")), 9.5, "   ");
            }
        }
        w.y = MARGIN;
        w.line(&order_url, 8.0);
    }
    doc.save_to_bytes().map_err(pdf_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_wrap_at_spaces_without_losing_words() {
        let text =
            "Ancient Theatre of Philippopolis: Free entry, once; Balabanov House: Free entry, once";
        let lines = wrap(text, 30);
        assert!(lines.iter().all(|l| l.chars().count() <= 30), "{lines:?}");
        assert_eq!(lines.join(" "), text);
    }
}
