//! 修了証明書 — the A4 certificate and the wallet-size card (携帯用), drawn
//! from the values of one certificate record (see `services::certificates`).
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::Document;

use super::{black, ink, mm, red, Align, PdfError, Pen, Typeface};

/// What a certificate shows, already formatted (dates in 和暦 or 西暦).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificatePrint {
    pub number: String,
    /// フリガナ, when the provider prints it.
    pub kana: Option<String>,
    pub name: String,
    /// e.g. `昭和35年5月5日生`.
    pub birth_date: Option<String>,
    pub course: String,
    pub statement: String,
    pub completed_on: String,
    /// Hours attended (community courses), e.g. `12時間`.
    pub hours: Option<String>,
    /// 指定番号 (helper courses).
    pub designation_number: Option<String>,
    pub issued_on: String,
    pub provider_name: String,
    pub provider_address: String,
    pub provider_representative: String,
    /// 再交付: the original number and its date of issue (unknown for a
    /// certificate issued before this system and imported).
    pub reissue_of: Option<(String, Option<String>)>,
    /// 失効 (revoked) or superseded by a reissue: printed across the page.
    pub void_mark: Option<String>,
    /// `ABCD-EFGH-JKMN`
    pub verification_code: String,
    pub verify_url: String,
    /// The QR content: the verify URL with the signed token.
    pub qr_payload: String,
}

fn document(title: &str) -> Document {
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title.to_string())
            .language("ja".into())
            .creator("kouza".into()),
    );
    document
}

fn finish(document: Document) -> Result<Vec<u8>, PdfError> {
    document.finish().map_err(|e| PdfError(format!("{e:?}")))
}

/// A4 portrait, for certificate paper.
pub fn a4(c: &CertificatePrint) -> Result<Vec<u8>, PdfError> {
    let face = Typeface::load()?;
    let (w, h) = (mm(210.0), mm(297.0));
    let mut document = document(&format!("修了証明書 {}", c.number));
    let settings = PageSettings::from_wh(w, h).ok_or_else(|| PdfError("page size".into()))?;
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();
    let mut pen = Pen {
        surface: &mut surface,
        face: &face,
    };

    pen.rect(mm(10.0), mm(10.0), w - mm(20.0), h - mm(20.0), 2.4, ink());
    pen.rect(mm(12.5), mm(12.5), w - mm(25.0), h - mm(25.0), 0.6, ink());

    let left = mm(32.0);
    let right = w - mm(32.0);
    pen.text(
        right,
        mm(30.0),
        10.5,
        &format!("証明書番号　{}", c.number),
        Align::Right,
        black(),
    );
    if c.reissue_of.is_some() {
        pen.rect(left - 4.0, mm(30.0) - 14.0, 58.0, 20.0, 1.2, red());
        pen.text(left + 25.0, mm(30.0), 13.0, "再交付", Align::Center, red());
    }

    pen.spaced(w / 2.0, mm(62.0), 34.0, "修了証明書", 14.0, ink());

    let label_x = left + mm(4.0);
    let value_x = left + mm(34.0);
    let mut y = mm(92.0);
    if let Some(kana) = &c.kana {
        pen.text(label_x, y, 10.0, "フリガナ", Align::Left, black());
        pen.text(value_x, y, 11.0, kana, Align::Left, black());
        y += mm(10.0);
    }
    pen.text(label_x, y, 12.0, "氏　　名", Align::Left, black());
    pen.text(value_x, y + 2.0, 22.0, &c.name, Align::Left, black());
    pen.line(value_x, y + 8.0, right - mm(4.0), y + 8.0, 0.5, ink());
    y += mm(14.0);
    if let Some(birth) = &c.birth_date {
        pen.text(label_x, y, 12.0, "生年月日", Align::Left, black());
        pen.text(value_x, y, 13.0, birth, Align::Left, black());
        y += mm(12.0);
    }
    pen.text(label_x, y, 12.0, "課 程 名", Align::Left, black());
    y = pen.paragraph(value_x, y, 14.0, right - value_x, 20.0, &c.course, black()) + mm(5.0);
    if let Some(designation) = &c.designation_number {
        pen.text(label_x, y, 12.0, "指定番号", Align::Left, black());
        pen.text(value_x, y, 12.0, designation, Align::Left, black());
        y += mm(10.0);
    }
    if let Some(hours) = &c.hours {
        pen.text(label_x, y, 12.0, "受講時間", Align::Left, black());
        pen.text(value_x, y, 12.0, hours, Align::Left, black());
        y += mm(10.0);
    }
    pen.text(label_x, y, 12.0, "修了年月日", Align::Left, black());
    pen.text(value_x, y, 13.0, &c.completed_on, Align::Left, black());

    let y = mm(182.0).max(y + mm(14.0));
    let y = pen.paragraph(
        left + mm(4.0),
        y,
        15.0,
        right - left - mm(8.0),
        26.0,
        &c.statement,
        black(),
    );

    let y = y + mm(8.0);
    pen.text(left + mm(4.0), y, 12.5, &c.issued_on, Align::Left, black());

    let provider_x = w / 2.0 - mm(10.0);
    let mut py = y + mm(14.0);
    for line in face.wrap(&c.provider_address, 10.5, right - provider_x) {
        pen.text(provider_x, py, 10.5, &line, Align::Left, black());
        py += 15.0;
    }
    py += 4.0;
    pen.text(provider_x, py, 14.0, &c.provider_name, Align::Left, black());
    py += 22.0;
    pen.text(
        provider_x,
        py,
        13.0,
        &c.provider_representative,
        Align::Left,
        black(),
    );
    let seal = 40.0;
    pen.rect(right - seal, py - 30.0, seal, seal, 0.6, red());
    pen.text(
        right - seal / 2.0,
        py - 4.0,
        14.0,
        "印",
        Align::Center,
        red(),
    );

    if let Some((number, date)) = &c.reissue_of {
        pen.paragraph(
            left + mm(4.0),
            py + mm(12.0),
            9.5,
            right - left - mm(8.0),
            14.0,
            &match date {
                Some(date) => {
                    format!("本証明書は、{date}付けで交付した証明書番号 {number} の再交付です。")
                }
                None => format!("本証明書は、証明書番号 {number} の再交付です。"),
            },
            black(),
        );
    }

    let qr = mm(34.0);
    let qr_y = h - mm(20.0) - qr;
    pen.qr(left, qr_y, qr, &c.qr_payload)?;
    let tx = left + qr + mm(5.0);
    pen.text(tx, qr_y + mm(14.0), 9.0, "照合コード", Align::Left, black());
    pen.text(
        tx,
        qr_y + mm(20.0),
        12.0,
        &c.verification_code,
        Align::Left,
        black(),
    );
    pen.text(
        tx,
        qr_y + mm(26.0),
        7.5,
        "真正性はQRコードまたは次のページで確認できます。",
        Align::Left,
        black(),
    );
    pen.text(
        tx,
        qr_y + mm(30.5),
        7.5,
        &c.verify_url,
        Align::Left,
        black(),
    );

    if let Some(mark) = &c.void_mark {
        pen.watermark(w / 2.0, h / 2.0 + 40.0, 110.0, mark);
    }
    surface.finish();
    page.finish();
    finish(document)
}

/// The wallet-size card (携帯用): 85.6 × 54 mm, the QR carrying the verify link.
pub fn card(c: &CertificatePrint) -> Result<Vec<u8>, PdfError> {
    let face = Typeface::load()?;
    let (w, h) = (mm(85.6), mm(54.0));
    let mut document = document(&format!("修了証明書（携帯用） {}", c.number));
    let settings = PageSettings::from_wh(w, h).ok_or_else(|| PdfError("page size".into()))?;
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();
    let mut pen = Pen {
        surface: &mut surface,
        face: &face,
    };
    pen.rect(mm(2.0), mm(2.0), w - mm(4.0), h - mm(4.0), 0.8, ink());
    let x = mm(5.0);
    pen.text(x, mm(8.5), 9.5, "修了証明書（携帯用）", Align::Left, ink());
    if c.reissue_of.is_some() {
        pen.text(w - mm(5.0), mm(8.5), 7.0, "再交付", Align::Right, red());
    }
    pen.text(
        x,
        mm(12.5),
        6.0,
        &format!("No. {}", c.number),
        Align::Left,
        black(),
    );
    let text_w = mm(52.0);
    let mut y = mm(18.0);
    if let Some(kana) = &c.kana {
        pen.text(x, y, 5.5, kana, Align::Left, black());
    }
    y += mm(5.0);
    pen.text(x, y, 12.0, &c.name, Align::Left, black());
    y += mm(4.5);
    if let Some(birth) = &c.birth_date {
        pen.text(
            x,
            y,
            6.0,
            &format!("生年月日　{birth}"),
            Align::Left,
            black(),
        );
    }
    y += mm(4.5);
    y = pen.paragraph(x, y, 7.0, text_w, 9.0, &c.course, black());
    pen.text(
        x,
        y,
        6.0,
        &format!("修了年月日　{}", c.completed_on),
        Align::Left,
        black(),
    );
    y += mm(3.5);
    if let Some(designation) = &c.designation_number {
        pen.text(
            x,
            y,
            5.5,
            &format!("指定番号　{designation}"),
            Align::Left,
            black(),
        );
    }
    pen.text(x, h - mm(8.0), 6.0, &c.provider_name, Align::Left, black());
    pen.text(
        x,
        h - mm(5.0),
        5.0,
        &format!("交付日　{}", c.issued_on),
        Align::Left,
        black(),
    );

    let qr = mm(22.0);
    let qx = w - mm(5.0) - qr;
    pen.qr(qx, mm(15.0), qr, &c.verify_url)?;
    pen.text(
        qx + qr / 2.0,
        mm(15.0) + qr + mm(3.5),
        5.5,
        &c.verification_code,
        Align::Center,
        black(),
    );
    if let Some(mark) = &c.void_mark {
        pen.watermark(w / 2.0, h / 2.0 + 14.0, 40.0, mark);
    }
    surface.finish();
    page.finish();
    finish(document)
}
