//! Printable tables for the forms staff send to the prefecture (修了者名簿,
//! 出席簿, …): an A4 landscape document with the form's title, the provider's
//! particulars, and one or more tables that continue over as many pages as
//! they need, the column headings repeated on every page.
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::Document;

use super::{black, ink, mm, Align, PdfError, Pen, Typeface};

/// One table of a form, e.g. one subject of the attendance sheet.
#[derive(Debug, Clone, Default)]
pub struct Section {
    /// Printed above the table ("1 職務の理解（6時間）"); may be empty.
    pub heading: String,
    pub columns: Vec<String>,
    /// Relative widths, one per column.
    pub widths: Vec<f32>,
    pub rows: Vec<Vec<String>>,
    /// Lines printed under the table (totals, a signature line).
    pub footer: Vec<String>,
    /// Start this section on a page of its own (one 確認書 per page).
    pub new_page: bool,
}

/// A whole form.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub title: String,
    /// `(label, value)` under the title: course, 指定番号, provider, 代表者.
    pub particulars: Vec<(String, String)>,
    /// The day the form was made, already formatted.
    pub made_on: String,
    pub sections: Vec<Section>,
    /// Said in the table when a section has no rows.
    pub empty: String,
}

const FONT: f32 = 8.5;
const ROW: f32 = 15.0;

struct Layout {
    w: f32,
    h: f32,
    left: f32,
    right: f32,
    bottom: f32,
}

/// A4 landscape.
pub fn a4_landscape(sheet: &Sheet) -> Result<Vec<u8>, PdfError> {
    let face = Typeface::load()?;
    let layout = Layout {
        w: mm(297.0),
        h: mm(210.0),
        left: mm(12.0),
        right: mm(297.0 - 12.0),
        bottom: mm(210.0 - 12.0),
    };
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(sheet.title.clone())
            .language("ja".into())
            .creator("kouza".into()),
    );
    let settings =
        PageSettings::from_wh(layout.w, layout.h).ok_or_else(|| PdfError("page size".into()))?;

    // Lay out first (which rows go on which page), then draw page by page:
    // krilla wants one page finished before the next is started.
    let pages = paginate(sheet, &layout);
    let total = pages.len();
    for (index, page_items) in pages.into_iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        let mut pen = Pen {
            surface: &mut surface,
            face: &face,
        };
        let mut y = draw_head(&mut pen, sheet, &layout, index == 0);
        for item in page_items {
            y = draw_item(&mut pen, sheet, &layout, &item, y);
        }
        pen.text(
            layout.w / 2.0,
            layout.h - mm(6.0),
            8.0,
            &format!("{} / {}", index + 1, total),
            Align::Center,
            black(),
        );
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| PdfError(format!("{e:?}")))
}

/// What goes on a page, in order.
enum Item {
    Heading(usize),
    Header(usize),
    Row(usize, usize),
    Empty(usize),
    Footer(usize, usize),
}

fn head_height(first: bool, sheet: &Sheet) -> f32 {
    if first {
        mm(24.0) + sheet.particulars.len().div_ceil(2) as f32 * 13.0 + 6.0
    } else {
        mm(16.0)
    }
}

fn paginate(sheet: &Sheet, layout: &Layout) -> Vec<Vec<Item>> {
    let mut pages: Vec<Vec<Item>> = vec![vec![]];
    let mut y = head_height(true, sheet);
    fn push(pages: &mut [Vec<Item>], item: Item) {
        if let Some(page) = pages.last_mut() {
            page.push(item);
        }
    }
    for (si, section) in sheet.sections.iter().enumerate() {
        let page_has_content = pages.last().is_some_and(|p| !p.is_empty());
        // A heading, the column heads and at least one row stay together.
        if (section.new_page && page_has_content) || y + 3.0 * ROW + 8.0 > layout.bottom {
            pages.push(vec![]);
            y = head_height(false, sheet);
        }
        if !section.heading.is_empty() {
            push(&mut pages, Item::Heading(si));
            y += ROW + 4.0;
        }
        push(&mut pages, Item::Header(si));
        y += ROW;
        if section.rows.is_empty() {
            push(&mut pages, Item::Empty(si));
            y += ROW;
        }
        for ri in 0..section.rows.len() {
            if y + ROW > layout.bottom {
                pages.push(vec![]);
                y = head_height(false, sheet);
                push(&mut pages, Item::Header(si));
                y += ROW;
            }
            push(&mut pages, Item::Row(si, ri));
            y += ROW;
        }
        for fi in 0..section.footer.len() {
            if y + ROW > layout.bottom {
                pages.push(vec![]);
                y = head_height(false, sheet);
            }
            push(&mut pages, Item::Footer(si, fi));
            y += ROW;
        }
        y += 10.0;
    }
    pages
}

fn draw_head(pen: &mut Pen, sheet: &Sheet, layout: &Layout, first: bool) -> f32 {
    if !first {
        pen.text(
            layout.left,
            mm(12.0),
            9.0,
            &format!("{}（続き）", sheet.title),
            Align::Left,
            ink(),
        );
        return head_height(false, sheet);
    }
    pen.spaced(layout.w / 2.0, mm(16.0), 16.0, &sheet.title, 4.0, ink());
    pen.text(
        layout.right,
        mm(16.0),
        9.0,
        &format!("作成日　{}", sheet.made_on),
        Align::Right,
        black(),
    );
    let mut y = mm(26.0);
    let half = (layout.right - layout.left) / 2.0;
    for (i, (label, value)) in sheet.particulars.iter().enumerate() {
        let x = layout.left + if i % 2 == 0 { 0.0 } else { half };
        pen.text(x, y, 9.0, label, Align::Left, black());
        pen.text(x + mm(28.0), y, 9.5, value, Align::Left, black());
        if i % 2 == 1 {
            y += 13.0;
        }
    }
    head_height(true, sheet)
}

fn column_edges(section: &Section, layout: &Layout) -> Vec<f32> {
    let count = section.columns.len().max(1);
    let widths: Vec<f32> = (0..count)
        .map(|i| section.widths.get(i).copied().unwrap_or(1.0).max(0.1))
        .collect();
    let sum: f32 = widths.iter().sum();
    let span = layout.right - layout.left;
    let mut edges = vec![layout.left];
    let mut x = layout.left;
    for w in widths {
        x += span * w / sum;
        edges.push(x);
    }
    edges
}

/// Cuts text to fit a cell, marking the cut with "…" (the CSV has it whole).
fn fit(pen: &Pen, text: &str, size: f32, max: f32) -> String {
    if pen.face.width(text, size) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        let mut next = out.clone();
        next.push(c);
        next.push('…');
        if pen.face.width(&next, size) > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn draw_cells(pen: &mut Pen, edges: &[f32], y: f32, cells: &[String], header: bool) {
    let last = edges.len() - 1;
    pen.rect(edges[0], y, edges[last] - edges[0], ROW, 0.5, ink());
    for (i, cell) in cells.iter().enumerate().take(last) {
        if i > 0 {
            pen.line(edges[i], y, edges[i], y + ROW, 0.5, ink());
        }
        let width = edges[i + 1] - edges[i] - 5.0;
        let text = fit(pen, cell, FONT, width);
        let color = if header { ink() } else { black() };
        pen.text(
            edges[i] + 2.5,
            y + ROW - 4.5,
            FONT,
            &text,
            Align::Left,
            color,
        );
    }
}

fn draw_item(pen: &mut Pen, sheet: &Sheet, layout: &Layout, item: &Item, y: f32) -> f32 {
    match *item {
        Item::Heading(si) => {
            let section = &sheet.sections[si];
            pen.text(
                layout.left,
                y + ROW - 3.0,
                10.5,
                &section.heading,
                Align::Left,
                ink(),
            );
            y + ROW + 4.0
        }
        Item::Header(si) => {
            let section = &sheet.sections[si];
            let edges = column_edges(section, layout);
            draw_cells(pen, &edges, y, &section.columns, true);
            y + ROW
        }
        Item::Row(si, ri) => {
            let section = &sheet.sections[si];
            let edges = column_edges(section, layout);
            draw_cells(pen, &edges, y, &section.rows[ri], false);
            y + ROW
        }
        Item::Empty(si) => {
            let section = &sheet.sections[si];
            let edges = column_edges(section, layout);
            let last = edges.len() - 1;
            pen.rect(edges[0], y, edges[last] - edges[0], ROW, 0.5, ink());
            pen.text(
                edges[0] + 2.5,
                y + ROW - 4.5,
                FONT,
                &sheet.empty,
                Align::Left,
                black(),
            );
            y + ROW
        }
        Item::Footer(si, fi) => {
            let section = &sheet.sections[si];
            pen.text(
                layout.left,
                y + ROW - 4.0,
                9.0,
                &section.footer[fi],
                Align::Left,
                black(),
            );
            y + ROW
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: usize) -> Sheet {
        Sheet {
            title: "修了者名簿".into(),
            particulars: vec![("事業者名".into(), "ワーカーズコープ".into())],
            made_on: "令和8年11月27日".into(),
            sections: vec![Section {
                heading: "一覧".into(),
                columns: vec!["No.".into(), "氏名".into()],
                widths: vec![1.0, 4.0],
                rows: (0..rows)
                    .map(|i| vec![(i + 1).to_string(), "山田 花子".into()])
                    .collect(),
                footer: vec!["以上".into()],
                new_page: false,
            }],
            empty: "該当なし".into(),
        }
    }

    #[test]
    fn a_long_table_continues_on_further_pages() {
        let layout = Layout {
            w: mm(297.0),
            h: mm(210.0),
            left: mm(12.0),
            right: mm(285.0),
            bottom: mm(198.0),
        };
        assert_eq!(paginate(&sheet(5), &layout).len(), 1);
        let pages = paginate(&sheet(100), &layout);
        assert!(pages.len() >= 3, "{} pages", pages.len());
        // Every page after the first repeats the column heads.
        for page in &pages[1..] {
            assert!(matches!(page.first(), Some(Item::Header(0))));
        }
        let rows: usize = pages
            .iter()
            .flatten()
            .filter(|i| matches!(i, Item::Row(..)))
            .count();
        assert_eq!(rows, 100);
    }

    #[test]
    fn a_sheet_prints_to_a_pdf() {
        let bytes = a4_landscape(&sheet(40)).unwrap();
        assert!(bytes.starts_with(b"%PDF"));
    }
}
