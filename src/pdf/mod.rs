//! PDF documents: certificates (A4 and the wallet card) and receipts (領収書). Built with krilla,
//! which shapes the text and embeds only the glyphs used (a subset) of the
//! font shipped in `static/fonts/` — compiled into the binary, so a server
//! without Japanese fonts prints Japanese, and no system font is ever read.
//!
//! Everything here is pure: a document is a function of the values handed in,
//! so printing the same record twice gives the same bytes.
pub mod certificate;
pub mod receipt;
pub mod table;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

/// IPAex Gothic (IPA Font License v1.0, see `static/fonts/`).
pub static FONT_DATA: &[u8] = include_bytes!("../../static/fonts/ipaexg.ttf");

/// Millimetres to PDF points.
pub fn mm(v: f32) -> f32 {
    v * 72.0 / 25.4
}

#[derive(Debug, thiserror::Error)]
#[error("cannot build the PDF: {0}")]
pub struct PdfError(pub String);

/// The font for drawing (krilla) and for measuring (ttf-parser).
pub struct Typeface {
    font: Font,
    face: ttf_parser::Face<'static>,
}

impl Typeface {
    pub fn load() -> Result<Typeface, PdfError> {
        let font = Font::new(krilla::Data::from(FONT_DATA), 0)
            .ok_or_else(|| PdfError("the bundled font cannot be read".into()))?;
        let face = ttf_parser::Face::parse(FONT_DATA, 0)
            .map_err(|e| PdfError(format!("the bundled font cannot be parsed: {e}")))?;
        Ok(Typeface { font, face })
    }

    /// Width of a line of text at a size, in points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units = f32::from(self.face.units_per_em());
        text.chars()
            .map(|c| {
                self.face
                    .glyph_index(c)
                    .and_then(|g| self.face.glyph_hor_advance(g))
                    .map_or(units, f32::from)
            })
            .sum::<f32>()
            * size
            / units
    }

    /// Splits text into lines no wider than `max`, breaking between any two
    /// characters (Japanese has no spaces) but never putting closing
    /// punctuation at the start of a line (行頭禁則).
    pub fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        const NO_LINE_START: &str = "、。，．）」』】〕！？・ー…ゃゅょっャュョッァィゥェォ";
        let mut lines = vec![];
        let mut line = String::new();
        for c in text.chars() {
            if c == '\n' {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            let mut candidate = line.clone();
            candidate.push(c);
            if !line.is_empty() && self.width(&candidate, size) > max && !NO_LINE_START.contains(c)
            {
                lines.push(std::mem::take(&mut line));
                line.push(c);
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// The navy ink of borders and headings.
pub fn ink() -> rgb::Color {
    rgb::Color::new(28, 45, 84)
}

pub fn red() -> rgb::Color {
    rgb::Color::new(190, 30, 45)
}

pub fn black() -> rgb::Color {
    rgb::Color::new(0, 0, 0)
}

fn fill(color: rgb::Color, opacity: f32) -> Fill {
    Fill {
        paint: color.into(),
        opacity: NormalizedF32::new(opacity).unwrap_or(NormalizedF32::ONE),
        rule: Default::default(),
    }
}

/// Drawing helpers over a krilla surface.
pub struct Pen<'a, 'b> {
    pub surface: &'a mut Surface<'b>,
    pub face: &'a Typeface,
}

pub enum Align {
    Left,
    Center,
    Right,
}

impl Pen<'_, '_> {
    /// Text with its baseline at `y`; `x` is the left edge, centre or right
    /// edge depending on `align`.
    pub fn text(&mut self, x: f32, y: f32, size: f32, text: &str, align: Align, color: rgb::Color) {
        if text.is_empty() {
            return;
        }
        let width = self.face.width(text, size);
        let left = match align {
            Align::Left => x,
            Align::Center => x - width / 2.0,
            Align::Right => x - width,
        };
        self.surface.set_fill(Some(fill(color, 1.0)));
        self.surface.set_stroke(None);
        self.surface.draw_text(
            Point::from_xy(left, y),
            self.face.font.clone(),
            size,
            text,
            false,
            TextDirection::Auto,
        );
    }

    /// Text with extra space between characters (for titles), centred on `x`.
    pub fn spaced(&mut self, x: f32, y: f32, size: f32, text: &str, gap: f32, color: rgb::Color) {
        let chars: Vec<String> = text.chars().map(String::from).collect();
        let widths: Vec<f32> = chars.iter().map(|c| self.face.width(c, size)).collect();
        let total = widths.iter().sum::<f32>() + gap * chars.len().saturating_sub(1) as f32;
        let mut left = x - total / 2.0;
        for (c, w) in chars.iter().zip(widths) {
            self.text(left, y, size, c, Align::Left, color);
            left += w + gap;
        }
    }

    /// Wrapped text from baseline `y`; returns the baseline after the last line.
    #[allow(clippy::too_many_arguments)]
    pub fn paragraph(
        &mut self,
        x: f32,
        y: f32,
        size: f32,
        max: f32,
        leading: f32,
        text: &str,
        color: rgb::Color,
    ) -> f32 {
        let mut y = y;
        for line in self.face.wrap(text, size, max) {
            self.text(x, y, size, &line, Align::Left, color);
            y += leading;
        }
        y
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32, color: rgb::Color) {
        let Some(rect) = Rect::from_xywh(x, y, w, h) else {
            return;
        };
        let mut builder = PathBuilder::new();
        builder.push_rect(rect);
        if let Some(path) = builder.finish() {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(Stroke {
                paint: color.into(),
                width,
                ..Default::default()
            }));
            self.surface.draw_path(&path);
            self.surface.set_stroke(None);
        }
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, color: rgb::Color) {
        let mut builder = PathBuilder::new();
        builder.move_to(x1, y1);
        builder.line_to(x2, y2);
        if let Some(path) = builder.finish() {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(Stroke {
                paint: color.into(),
                width,
                ..Default::default()
            }));
            self.surface.draw_path(&path);
            self.surface.set_stroke(None);
        }
    }

    /// A QR code of `size` points square with its top-left corner at (x, y).
    pub fn qr(&mut self, x: f32, y: f32, size: f32, payload: &str) -> Result<(), PdfError> {
        let code = qrcode::QrCode::with_error_correction_level(payload, qrcode::EcLevel::L)
            .map_err(|e| PdfError(format!("cannot encode the QR code: {e}")))?;
        let modules = code.width();
        let colors = code.to_colors();
        let cell = size / modules as f32;
        let mut builder = PathBuilder::new();
        for (i, color) in colors.iter().enumerate() {
            if *color == qrcode::Color::Dark {
                let (row, col) = (i / modules, i % modules);
                if let Some(rect) = Rect::from_xywh(
                    x + col as f32 * cell,
                    y + row as f32 * cell,
                    // A hair wider so neighbouring cells leave no seam.
                    cell + 0.05,
                    cell + 0.05,
                ) {
                    builder.push_rect(rect);
                }
            }
        }
        if let Some(path) = builder.finish() {
            self.surface.set_stroke(None);
            self.surface.set_fill(Some(fill(black(), 1.0)));
            self.surface.draw_path(&path);
        }
        Ok(())
    }

    /// Large faint text across the page (失効 on a revoked certificate).
    pub fn watermark(&mut self, x: f32, y: f32, size: f32, text: &str) {
        let width = self.face.width(text, size);
        self.surface.set_fill(Some(fill(red(), 0.18)));
        self.surface.set_stroke(None);
        self.surface.draw_text(
            Point::from_xy(x - width / 2.0, y),
            self.face.font.clone(),
            size,
            text,
            false,
            TextDirection::Auto,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_characters_are_one_em_wide() {
        let face = Typeface::load().unwrap();
        assert!((face.width("修了証明書", 10.0) - 50.0).abs() < 0.5);
        assert!(face.width("0001", 10.0) < 30.0);
    }

    #[test]
    fn wrapping_never_starts_a_line_with_closing_punctuation() {
        let face = Typeface::load().unwrap();
        let lines = face.wrap("あいうえお。かきくけこ", 10.0, 50.0);
        assert_eq!(lines, vec!["あいうえお。", "かきくけこ"]);
        assert!(lines.iter().all(|l| !l.starts_with('。')));
    }
}
