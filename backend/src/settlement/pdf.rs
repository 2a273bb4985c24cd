//! A partner's statement as a PDF an accountant accepts: who issues it and to whom (names,
//! addresses, VAT ids), its number, period and issue date, the lines with names and amounts
//! right-aligned, the total, the payout (with the rate where converted) and the account it is
//! paid to. Same embedded font and page writer as the passes.

use printpdf::{Color, Line, Mm, PdfDocument, Point, Rgb};

use crate::sales::pdf::{FONT, MARGIN, PAGE_H, PAGE_W, PdfError, Writer, pdf_err};

/// One side of the statement: the operator or the partner.
#[derive(Clone, Debug, Default)]
pub struct PartyBlock {
    /// "Issued by", "Statement for", in the reader's language.
    pub role: String,
    pub name: String,
    /// Each further line: address, VAT id, e-mail.
    pub lines: Vec<String>,
}

/// What the PDF says, in the reader's language, amounts already written with their currency.
#[derive(Clone, Debug, Default)]
pub struct StatementDoc {
    pub title: String,
    pub from: PartyBlock,
    pub to: PartyBlock,
    /// (label, value): statement number, period, issue date, currency, status.
    pub facts: Vec<(String, String)>,
    /// Column heads of the lines: (line, amount).
    pub heads: (String, String),
    /// (label, amount) per line.
    pub rows: Vec<(String, String)>,
    pub total: (String, String),
    /// The payout: amount, currency, rate and source.
    pub payout: Vec<String>,
    /// The account the payout goes to.
    pub bank: Vec<String>,
    pub footer: Vec<String>,
}

/// Width of `text` at `size` points, in millimetres, from the embedded font's advances.
fn width_mm(text: &str, size: f32) -> f32 {
    static FACE: std::sync::OnceLock<Option<ttf_parser::Face<'static>>> =
        std::sync::OnceLock::new();
    let Some(face) = FACE.get_or_init(|| ttf_parser::Face::parse(FONT, 0).ok()) else {
        return text.chars().count() as f32 * size * 0.19;
    };
    let units: u32 = text
        .chars()
        .map(|c| {
            face.glyph_index(c)
                .and_then(|g| face.glyph_hor_advance(g))
                .map_or(u32::from(face.units_per_em()) / 2, u32::from)
        })
        .sum();
    units as f32 / f32::from(face.units_per_em()) * size * 0.352_778
}

/// `text` broken at spaces into lines at most `max_mm` wide at `size` points (a word longer than
/// that stays whole on its own line).
fn wrap_mm(text: &str, size: f32, max_mm: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && width_mm(&candidate, size) > max_mm {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The statement as a PDF, on as many A4 pages as its lines need.
pub fn statement_pdf(doc_text: &StatementDoc) -> Result<Vec<u8>, PdfError> {
    let d = doc_text;
    // The document's title in its metadata: plain ASCII punctuation (viewers decode it as Latin-1).
    let meta_title = d.title.replace('·', "-");
    let (doc, page1, layer1) = PdfDocument::new(&meta_title, Mm(PAGE_W), Mm(PAGE_H), "statement");
    let font = doc
        .add_external_font_with_subsetting(FONT, true)
        .map_err(pdf_err)?;
    let mut w = Writer {
        layer: doc.get_page(page1).get_layer(layer1),
        font: &font,
        y: PAGE_H - MARGIN,
    };
    let right = PAGE_W - MARGIN;
    let new_page = |w: &mut Writer| {
        let (page, layer) = doc.add_page(Mm(PAGE_W), Mm(PAGE_H), "statement");
        w.layer = doc.get_page(page).get_layer(layer);
        w.y = PAGE_H - MARGIN;
    };
    let rule = |w: &Writer, y: f32| {
        w.layer
            .set_outline_color(Color::Rgb(Rgb::new(0.6, 0.6, 0.6, None)));
        w.layer.set_outline_thickness(0.4);
        w.layer.add_line(Line {
            points: vec![
                (Point::new(Mm(MARGIN), Mm(y)), false),
                (Point::new(Mm(right), Mm(y)), false),
            ],
            is_closed: false,
        });
    };
    let right_text = |w: &Writer, text: &str, size: f32, y: f32| {
        w.layer
            .use_text(text, size, Mm(right - width_mm(text, size)), Mm(y), w.font);
    };

    w.line(&d.title, 16.0);
    w.y -= 3.0;
    // The two parties side by side.
    let top = w.y;
    let column = |w: &mut Writer, block: &PartyBlock, x: f32| {
        w.y = top;
        let text = |w: &mut Writer, t: &str, size: f32| {
            w.layer.use_text(t, size, Mm(x), Mm(w.y), w.font);
            w.y -= size * 0.45;
        };
        let width = PAGE_W / 2.0 - MARGIN - 4.0;
        text(w, &block.role, 8.5);
        for part in wrap_mm(&block.name, 11.0, width) {
            text(w, &part, 11.0);
        }
        for l in &block.lines {
            for part in wrap_mm(l, 9.0, width) {
                text(w, &part, 9.0);
            }
        }
        w.y
    };
    let left_end = column(&mut w, &d.from, MARGIN);
    let right_end = column(&mut w, &d.to, PAGE_W / 2.0 + 2.0);
    w.y = left_end.min(right_end) - 4.0;
    for (label, value) in &d.facts {
        w.layer
            .use_text(label.as_str(), 9.5, Mm(MARGIN), Mm(w.y), w.font);
        w.layer
            .use_text(value.as_str(), 9.5, Mm(MARGIN + 48.0), Mm(w.y), w.font);
        w.y -= 9.5 * 0.45;
    }
    w.y -= 3.0;
    // The lines, amounts right-aligned.
    let heads = |w: &mut Writer| {
        w.layer
            .use_text(d.heads.0.as_str(), 9.0, Mm(MARGIN), Mm(w.y), w.font);
        right_text(w, &d.heads.1, 9.0, w.y);
        rule(w, w.y - 1.5);
        w.y -= 9.0 * 0.45 + 1.5;
    };
    heads(&mut w);
    // Labels wrap before the amount column (as wide as the widest amount, and a gap).
    let amounts = d
        .rows
        .iter()
        .map(|(_, a)| width_mm(a, 9.5))
        .chain(std::iter::once(width_mm(&d.total.1, 12.0)))
        .fold(0.0f32, f32::max);
    let label_width = right - MARGIN - amounts - 6.0;
    for (label, amount) in &d.rows {
        let parts = wrap_mm(label, 9.5, label_width);
        if w.y - parts.len() as f32 * 4.3 < MARGIN + 10.0 {
            new_page(&mut w);
            heads(&mut w);
        }
        right_text(&w, amount, 9.5, w.y);
        for part in parts {
            w.line(&part, 9.5);
        }
    }
    rule(&w, w.y + 2.0);
    w.y -= 2.0;
    if w.y < MARGIN + 40.0 {
        new_page(&mut w);
    }
    right_text(&w, &d.total.1, 12.0, w.y);
    w.line(&d.total.0, 12.0);
    w.y -= 3.0;
    for note in d.payout.iter().chain(&d.bank).chain(&d.footer) {
        for part in wrap_mm(note, 9.5, right - MARGIN) {
            if w.y < MARGIN + 6.0 {
                new_page(&mut w);
            }
            w.line(&part, 9.5);
        }
        w.y -= 1.0;
    }
    doc.save_to_bytes().map_err(pdf_err)
}

#[cfg(test)]
mod tests {
    use super::width_mm;

    #[test]
    fn long_labels_wrap_to_the_width_they_have() {
        let label = "Visits (share of the pool) · Bulgaria Heritage Pass 72 h · \
                     Regional Museum of History Veliko Tarnovo, Tsarevets Fortress (× 12)";
        let lines = super::wrap_mm(label, 9.5, 100.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert!(lines.iter().all(|l| width_mm(l, 9.5) <= 100.0), "{lines:?}");
        assert_eq!(
            lines.join(" "),
            label.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }

    #[test]
    fn text_is_measured_with_the_fonts_own_widths() {
        // DejaVu Sans: digits share one advance, a space is narrower, a wider string is wider.
        assert!((width_mm("1", 10.0) - width_mm("8", 10.0)).abs() < 1e-4);
        assert!(width_mm(" ", 10.0) < width_mm("8", 10.0));
        assert!(width_mm("€1,234.50", 10.0) > width_mm("€1.50", 10.0));
        assert!((width_mm("88", 20.0) - 4.0 * width_mm("8", 10.0)).abs() < 1e-3);
    }
}
