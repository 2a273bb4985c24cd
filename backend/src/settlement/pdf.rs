//! A partner's statement as a PDF, with the same embedded font and page writer as the passes.

use printpdf::{Mm, PdfDocument};

use crate::sales::pdf::{FONT, MARGIN, PAGE_H, PAGE_W, PdfError, Writer, pdf_err, wrap};

/// A statement as a PDF: heading lines, then (label, amount) rows on as many pages as needed, then
/// the total (label, amount), then notes (e.g. the payout in another currency). Amounts are
/// printed as given (already formatted with their currency).
pub fn statement_pdf(
    title: &str,
    heading: &[String],
    rows: &[(String, String)],
    total: (&str, &str),
    after: &[String],
) -> Result<Vec<u8>, PdfError> {
    let (doc, page1, layer1) = PdfDocument::new(title, Mm(PAGE_W), Mm(PAGE_H), "statement");
    let font = doc
        .add_external_font_with_subsetting(FONT, true)
        .map_err(pdf_err)?;
    let mut w = Writer {
        layer: doc.get_page(page1).get_layer(layer1),
        font: &font,
        y: PAGE_H - MARGIN,
    };
    w.line(title, 16.0);
    for h in heading {
        w.line(h, 10.5);
    }
    w.y -= 4.0;
    let amount_x = PAGE_W - MARGIN - 40.0;
    for (label, amount) in rows {
        if w.y < MARGIN + 12.0 {
            let (page, layer) = doc.add_page(Mm(PAGE_W), Mm(PAGE_H), "statement");
            w.layer = doc.get_page(page).get_layer(layer);
            w.y = PAGE_H - MARGIN;
        }
        let label: String = wrap(label, 80).into_iter().next().unwrap_or_default();
        w.layer
            .use_text(amount.as_str(), 9.5, Mm(amount_x), Mm(w.y), w.font);
        w.line(&label, 9.5);
    }
    w.y -= 3.0;
    w.layer
        .use_text(total.1, 12.0, Mm(amount_x), Mm(w.y), w.font);
    w.line(total.0, 12.0);
    w.y -= 3.0;
    for note in after {
        for part in wrap(note, 95) {
            if w.y < MARGIN + 8.0 {
                let (page, layer) = doc.add_page(Mm(PAGE_W), Mm(PAGE_H), "statement");
                w.layer = doc.get_page(page).get_layer(layer);
                w.y = PAGE_H - MARGIN;
            }
            w.line(&part, 10.0);
        }
    }
    doc.save_to_bytes().map_err(pdf_err)
}
