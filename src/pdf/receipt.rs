//! 領収書 — the A4 receipt PDF, drawn from the values of one receipt record
//! (see `services::receipts`). A print after the first download is marked
//! 再発行 so that two copies of one payment can be told apart.
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::Document;

use super::{black, ink, mm, red, Align, PdfError, Pen, Typeface};

/// What a receipt shows, already formatted (dates in 和暦, amounts in yen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptPrint {
    /// `No. 000012`
    pub number: String,
    /// Marked 再発行 (a later print, or a receipt reissued under a new number).
    pub reissue: bool,
    /// The number of the receipt this one replaces, when it was reissued.
    pub reissue_of: Option<String>,
    pub payer: String,
    /// `¥5,000`
    pub amount: String,
    /// `受講料　¥4,000` lines.
    pub breakdown: Vec<(String, String)>,
    /// 但し書き: `「介護職員初任者研修」の受講料として`
    pub purpose: String,
    pub method: String,
    /// The day the money was received, e.g. `令和8年11月27日`.
    pub paid_on: String,
    /// The day of this print.
    pub issued_on: String,
    pub issuer_name: String,
    pub issuer_address: String,
    /// 適格請求書発行事業者登録番号 (`T` + 13 digits), when the provider has one.
    pub registration_number: Option<String>,
    /// `総額 ¥50,000 のうち 豊島区負担 ¥20,000` when the fee is shared by payers.
    pub share: Option<String>,
}

/// A4 portrait.
pub fn a4(r: &ReceiptPrint) -> Result<Vec<u8>, PdfError> {
    let face = Typeface::load()?;
    let (w, h) = (mm(210.0), mm(297.0));
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!("領収書 {}", r.number))
            .language("ja".into())
            .creator("kouza".into()),
    );
    let settings = PageSettings::from_wh(w, h).ok_or_else(|| PdfError("page size".into()))?;
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();
    let mut pen = Pen {
        surface: &mut surface,
        face: &face,
    };

    let left = mm(25.0);
    let right = w - mm(25.0);
    pen.text(right, mm(25.0), 10.5, &r.number, Align::Right, black());
    pen.text(
        right,
        mm(31.0),
        10.5,
        &format!("発行日　{}", r.issued_on),
        Align::Right,
        black(),
    );
    if r.reissue {
        pen.rect(left - 4.0, mm(25.0) - 14.0, 58.0, 20.0, 1.2, red());
        pen.text(left + 25.0, mm(25.0), 13.0, "再発行", Align::Center, red());
        if let Some(original) = &r.reissue_of {
            pen.text(
                left,
                mm(33.0),
                9.0,
                &format!("原本 {original}"),
                Align::Left,
                red(),
            );
        }
    }

    pen.spaced(w / 2.0, mm(52.0), 28.0, "領収書", 16.0, ink());

    // Payer
    let mut y = mm(75.0);
    pen.text(left, y, 16.0, &r.payer, Align::Left, black());
    pen.text(right - mm(60.0), y, 14.0, "様", Align::Left, black());
    pen.line(left, y + 6.0, right - mm(55.0), y + 6.0, 0.6, ink());

    // Amount box
    y += mm(18.0);
    pen.rect(left, y - mm(9.0), right - left, mm(16.0), 1.2, ink());
    pen.text(left + mm(5.0), y + 1.0, 12.0, "金額", Align::Left, black());
    pen.text(
        w / 2.0,
        y + 3.0,
        22.0,
        &format!("{}－", r.amount),
        Align::Center,
        black(),
    );
    pen.text(
        right - mm(5.0),
        y + 1.0,
        10.0,
        "（税込）",
        Align::Right,
        black(),
    );

    y += mm(16.0);
    y = pen.paragraph(
        left,
        y,
        11.0,
        right - left,
        16.0,
        &format!("但し　{}", r.purpose),
        black(),
    );
    pen.text(
        left,
        y + 2.0,
        11.0,
        "上記の金額を正に領収いたしました。",
        Align::Left,
        black(),
    );

    // Breakdown
    y += mm(14.0);
    pen.text(left, y, 11.5, "内訳", Align::Left, ink());
    y += 4.0;
    pen.line(left, y, right, y, 0.6, ink());
    for (name, amount) in &r.breakdown {
        y += mm(7.0);
        pen.text(left + mm(4.0), y, 11.0, name, Align::Left, black());
        pen.text(right - mm(4.0), y, 11.0, amount, Align::Right, black());
    }
    y += 6.0;
    pen.line(left, y, right, y, 0.6, ink());
    y += mm(7.0);
    pen.text(
        left + mm(4.0),
        y,
        11.0,
        "合計（税込）",
        Align::Left,
        black(),
    );
    pen.text(right - mm(4.0), y, 11.0, &r.amount, Align::Right, black());
    if let Some(share) = &r.share {
        y += mm(7.0);
        pen.text(left + mm(4.0), y, 10.5, share, Align::Left, black());
    }

    y += mm(12.0);
    pen.text(left, y, 11.0, "お支払い方法", Align::Left, black());
    pen.text(left + mm(32.0), y, 11.0, &r.method, Align::Left, black());
    y += mm(7.0);
    pen.text(left, y, 11.0, "お支払い日", Align::Left, black());
    pen.text(left + mm(32.0), y, 11.0, &r.paid_on, Align::Left, black());

    // Issuer
    let issuer_x = w / 2.0;
    let mut iy = y + mm(24.0);
    pen.text(issuer_x, iy, 13.0, &r.issuer_name, Align::Left, black());
    iy += 18.0;
    for line in face.wrap(&r.issuer_address, 10.0, right - issuer_x) {
        pen.text(issuer_x, iy, 10.0, &line, Align::Left, black());
        iy += 14.0;
    }
    if let Some(number) = &r.registration_number {
        pen.text(
            issuer_x,
            iy,
            10.0,
            &format!("登録番号　{number}"),
            Align::Left,
            black(),
        );
    }

    surface.finish();
    page.finish();
    document.finish().map_err(|e| PdfError(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_prints_to_a_pdf() {
        let print = ReceiptPrint {
            number: "No. 000001".into(),
            reissue: true,
            reissue_of: None,
            payer: "山田 花子".into(),
            amount: "¥5,000".into(),
            breakdown: vec![("受講料".into(), "¥5,000".into())],
            purpose: "講座の受講料として".into(),
            method: "銀行振込".into(),
            paid_on: "令和8年11月27日".into(),
            issued_on: "令和8年11月27日".into(),
            issuer_name: "ワーカーズコープ".into(),
            issuer_address: "東京都豊島区".into(),
            registration_number: Some("T1234567890123".into()),
            share: Some("総額 ¥50,000 のうち 豊島区負担 ¥20,000".into()),
        };
        let bytes = a4(&print).unwrap();
        assert!(bytes.starts_with(b"%PDF"));
    }
}
