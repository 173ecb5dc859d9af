//! Spreadsheet import (取込): a CSV of existing trainees or of past
//! completions, in UTF-8 (with or without BOM) or in Shift_JIS as Japanese
//! Excel saves it. Pure: bytes in, typed lines or per-line reasons out.
//!
//! Shift_JIS here is what Excel writes (Windows-31J / CP932, which
//! `encoding_rs` implements as the WHATWG "Shift_JIS"): it holds 髙 and 﨑
//! (IBM extensions) as well as 斎, 齋, 邊 and 邉, but not characters outside
//! JIS X 0208 and its extensions such as 𠮷 (つちよし). Excel writes those as
//! `?`, and 外字 (user-defined characters) arrive as private-use code points;
//! both are refused with the line and column, never stored as they came.
use chrono::NaiveDate;

use super::application;
use super::email::Email;
use super::person::{Kana, PersonName};
use super::wareki;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// 受講者: people who should have an account.
    Trainees,
    /// 過去の修了者: certificates issued before this system.
    Completions,
}

impl ImportKind {
    pub fn parse(raw: &str) -> Option<ImportKind> {
        match raw {
            "trainees" => Some(ImportKind::Trainees),
            "completions" => Some(ImportKind::Completions),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Trainees => "trainees",
            ImportKind::Completions => "completions",
        }
    }
}

/// The character encoding staff choose, or `Auto` to let the file tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Auto,
    Utf8,
    ShiftJis,
}

impl Encoding {
    pub fn parse(raw: &str) -> Option<Encoding> {
        match raw {
            "auto" | "" => Some(Encoding::Auto),
            "utf-8" => Some(Encoding::Utf8),
            "shift_jis" => Some(Encoding::ShiftJis),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Auto => "auto",
            Encoding::Utf8 => "utf-8",
            Encoding::ShiftJis => "shift_jis",
        }
    }
}

/// Why a line (or the whole file, line 0) cannot be imported. `line` counts
/// the file's lines from 1, the header being line 1, as a spreadsheet shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    /// The column's heading as in the file, when one cell is at fault.
    pub column: Option<String>,
    pub key: &'static str,
}

const BOM: &str = "\u{feff}";

/// The text of the file and the encoding it was read in (never `Auto`).
pub fn decode(bytes: &[u8], choice: Encoding) -> Result<(String, Encoding), LineError> {
    let file_error = |key| LineError {
        line: 0,
        column: None,
        key,
    };
    let utf8 = |bytes: &[u8]| {
        std::str::from_utf8(bytes)
            .map(|t| t.trim_start_matches(BOM).to_string())
            .map_err(|e| {
                let line = 1 + bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count();
                LineError {
                    line,
                    column: None,
                    key: "err-import-not-utf8",
                }
            })
    };
    let shift_jis = |bytes: &[u8]| {
        let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
        if had_errors {
            let line = text
                .split('\n')
                .position(|l| l.contains('\u{fffd}'))
                .map_or(0, |i| i + 1);
            return Err(LineError {
                line,
                column: None,
                key: "err-import-not-shift-jis",
            });
        }
        Ok(text.into_owned())
    };
    match choice {
        Encoding::Utf8 => utf8(bytes).map(|t| (t, Encoding::Utf8)),
        Encoding::ShiftJis => shift_jis(bytes).map(|t| (t, Encoding::ShiftJis)),
        // A BOM or valid UTF-8 means UTF-8: Shift_JIS text with any Japanese
        // in it is almost never valid UTF-8, while the reverse often is.
        Encoding::Auto => match utf8(bytes) {
            Ok(text) => Ok((text, Encoding::Utf8)),
            Err(_) => shift_jis(bytes)
                .map(|t| (t, Encoding::ShiftJis))
                .map_err(|_| file_error("err-import-encoding-unknown")),
        },
    }
}

/// One column the import knows, with the headings it is recognised by.
struct Column {
    id: &'static str,
    headings: &'static [&'static str],
    required: bool,
}

// The holder's name, reading and birth date: the same columns in a list of
// trainees and in a list of past completions.
const FAMILY_NAME: Column = Column {
    id: "family_name",
    headings: &["氏名（姓）", "姓", "family_name"],
    required: true,
};
const GIVEN_NAME: Column = Column {
    id: "given_name",
    headings: &["氏名（名）", "名", "given_name"],
    required: true,
};
const FAMILY_NAME_KANA: Column = Column {
    id: "family_name_kana",
    headings: &["フリガナ（姓）", "セイ", "family_name_kana"],
    required: true,
};
const GIVEN_NAME_KANA: Column = Column {
    id: "given_name_kana",
    headings: &["フリガナ（名）", "メイ", "given_name_kana"],
    required: true,
};
const BIRTH_DATE: Column = Column {
    id: "birth_date",
    headings: &["生年月日", "birth_date"],
    required: false,
};

const TRAINEE_COLUMNS: [Column; 8] = [
    FAMILY_NAME,
    GIVEN_NAME,
    FAMILY_NAME_KANA,
    GIVEN_NAME_KANA,
    Column {
        id: "email",
        headings: &["メールアドレス", "メール", "email"],
        required: true,
    },
    BIRTH_DATE,
    Column {
        id: "phone",
        headings: &["電話番号", "電話", "phone"],
        required: false,
    },
    Column {
        id: "member_number",
        headings: &["組合員番号", "member_number"],
        required: false,
    },
];

const COMPLETION_COLUMNS: [Column; 10] = [
    Column {
        id: "number",
        headings: &["修了証明書番号", "証明書番号", "certificate_number"],
        required: true,
    },
    FAMILY_NAME,
    GIVEN_NAME,
    FAMILY_NAME_KANA,
    GIVEN_NAME_KANA,
    BIRTH_DATE,
    Column {
        id: "course_title",
        headings: &["課程名", "研修課程", "講座名", "course_title"],
        required: true,
    },
    Column {
        id: "designation_number",
        headings: &["指定番号", "designation_number"],
        required: false,
    },
    Column {
        id: "completed_on",
        headings: &["修了年月日", "修了日", "completed_on"],
        required: true,
    },
    Column {
        id: "email",
        headings: &["メールアドレス", "メール", "email"],
        required: false,
    },
];

/// The headings a file of this kind must have, for the upload page.
pub fn required_headings(kind: ImportKind) -> Vec<&'static str> {
    columns_of(kind)
        .iter()
        .filter(|c| c.required)
        .map(|c| c.headings[0])
        .collect()
}

/// Every heading a file of this kind may have, in the order of a template.
pub fn template_headings(kind: ImportKind) -> Vec<&'static str> {
    columns_of(kind).iter().map(|c| c.headings[0]).collect()
}

fn columns_of(kind: ImportKind) -> &'static [Column] {
    match kind {
        ImportKind::Trainees => &TRAINEE_COLUMNS,
        ImportKind::Completions => &COMPLETION_COLUMNS,
    }
}

/// Headings as typed in Excel: half-width brackets and stray spaces.
fn heading_key(raw: &str) -> String {
    raw.trim()
        .trim_start_matches(BOM)
        .replace('(', "（")
        .replace(')', "）")
        .replace([' ', '　'], "")
        .to_lowercase()
}

/// A person in the trainees file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraineeLine {
    pub family_name: PersonName,
    pub given_name: PersonName,
    pub family_name_kana: Kana,
    pub given_name_kana: Kana,
    pub email: Email,
    pub birth_date: Option<NaiveDate>,
    pub phone: Option<String>,
    pub member_number: Option<String>,
}

/// A certificate in the past-completions file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionLine {
    pub number: String,
    pub family_name: PersonName,
    pub given_name: PersonName,
    pub family_name_kana: Kana,
    pub given_name_kana: Kana,
    pub birth_date: Option<NaiveDate>,
    pub course_title: String,
    pub designation_number: Option<String>,
    pub completed_on: NaiveDate,
    pub email: Option<Email>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Trainee(TraineeLine),
    Completion(CompletionLine),
}

/// One data line: what it says, or every reason it cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedLine {
    pub line: usize,
    /// The cells as in the file, to show staff what the line was.
    pub cells: Vec<String>,
    pub record: Result<Record, Vec<LineError>>,
}

/// Cells of one line, looked up by column id.
struct Cells<'a> {
    line: usize,
    headings: &'a [String],
    index: &'a [(&'static str, usize)],
    cells: &'a [String],
    errors: Vec<LineError>,
}

impl Cells<'_> {
    fn raw(&self, id: &str) -> &str {
        self.index
            .iter()
            .find(|(c, _)| *c == id)
            .and_then(|(_, i)| self.cells.get(*i))
            .map_or("", |s| s.trim())
    }

    fn fail(&mut self, id: &str, key: &'static str) {
        let column = self
            .index
            .iter()
            .find(|(c, _)| *c == id)
            .and_then(|(_, i)| self.headings.get(*i).cloned());
        self.errors.push(LineError {
            line: self.line,
            column,
            key,
        });
    }

    fn required(&mut self, id: &str) -> Option<String> {
        let value = self.raw(id).to_string();
        if value.is_empty() {
            self.fail(id, "err-import-required");
            return None;
        }
        Some(value)
    }

    fn optional(&self, id: &str) -> Option<String> {
        Some(self.raw(id).to_string()).filter(|v| !v.is_empty())
    }

    /// A name or reading, refused when a character was lost on the way.
    fn name_text(&mut self, id: &str) -> Option<String> {
        let value = self.required(id)?;
        if let Some(key) = lost_character(&value) {
            self.fail(id, key);
            return None;
        }
        Some(value)
    }

    fn name(&mut self, id: &'static str) -> Option<PersonName> {
        let value = self.name_text(id)?;
        PersonName::parse(id, &value)
            .map_err(|e| self.fail(id, e.key))
            .ok()
    }

    fn kana(&mut self, id: &'static str) -> Option<Kana> {
        let value = self.name_text(id)?;
        Kana::parse(id, &value)
            .map_err(|e| self.fail(id, e.key))
            .ok()
    }

    fn date(&mut self, id: &str, required: bool) -> Option<Option<NaiveDate>> {
        let value = if required {
            self.required(id)?
        } else {
            match self.optional(id) {
                Some(v) => v,
                None => return Some(None),
            }
        };
        match wareki::parse_date(&value) {
            Some(d) => Some(Some(d)),
            None => {
                self.fail(id, "err-import-date");
                None
            }
        }
    }
}

/// Why a name's text shows that a character did not survive the file's
/// encoding: Excel's `?` for a character Shift_JIS cannot hold, an HTML
/// character reference some exporters write instead, or a 外字 (private use).
pub fn lost_character(text: &str) -> Option<&'static str> {
    if text.contains('?') || text.contains("&#") {
        return Some("err-import-replaced-char");
    }
    if text.chars().any(|c| ('\u{e000}'..='\u{f8ff}').contains(&c)) {
        return Some("err-import-gaiji");
    }
    None
}

/// Reads the file: the header names the columns (in any order, Japanese or
/// English headings), every other non-empty line is a record.
pub fn parse(kind: ImportKind, text: &str, today: NaiveDate) -> Result<Vec<ParsedLine>, LineError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        Some(Ok(r)) => r
            .iter()
            .map(|c| c.trim().trim_start_matches(BOM).to_string())
            .collect(),
        Some(Err(_)) => {
            return Err(LineError {
                line: 1,
                column: None,
                key: "err-import-csv",
            })
        }
        None => {
            return Err(LineError {
                line: 0,
                column: None,
                key: "err-import-empty",
            })
        }
    };
    let columns = columns_of(kind);
    let mut index: Vec<(&'static str, usize)> = vec![];
    for column in columns {
        let found = header.iter().position(|h| {
            column
                .headings
                .iter()
                .any(|known| heading_key(known) == heading_key(h))
        });
        match found {
            Some(i) => index.push((column.id, i)),
            None if column.required => {
                return Err(LineError {
                    line: 1,
                    column: Some(column.headings[0].to_string()),
                    key: "err-import-missing-column",
                })
            }
            None => {}
        }
    }
    let mut out = vec![];
    for record in records {
        let line = reader_line(text, &record);
        let record = match record {
            Ok(r) => r,
            Err(_) => {
                out.push(ParsedLine {
                    line,
                    cells: vec![],
                    record: Err(vec![LineError {
                        line,
                        column: None,
                        key: "err-import-csv",
                    }]),
                });
                continue;
            }
        };
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut c = Cells {
            line,
            headings: &header,
            index: &index,
            cells: &cells,
            errors: vec![],
        };
        let parsed = match kind {
            ImportKind::Trainees => trainee(&mut c, today).map(Record::Trainee),
            ImportKind::Completions => completion(&mut c, today).map(Record::Completion),
        };
        let record = match parsed {
            Some(r) if c.errors.is_empty() => Ok(r),
            _ => Err(c.errors),
        };
        out.push(ParsedLine {
            line,
            cells,
            record,
        });
    }
    Ok(out)
}

/// The line a record starts on, as a spreadsheet numbers it. The reader's
/// own line count is one short after a CRLF (Excel's line ending): it places
/// the record's start before the `\n` of the previous line's end, so the
/// line is counted from the first byte that is not a line ending.
fn reader_line(text: &str, record: &Result<csv::StringRecord, csv::Error>) -> usize {
    let position = match record {
        Ok(r) => r.position().cloned(),
        Err(e) => e.position().cloned(),
    };
    let Some(position) = position else {
        return 0;
    };
    let bytes = text.as_bytes();
    let mut start = (position.byte() as usize).min(bytes.len());
    while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
        start += 1;
    }
    // A lone CR ends a line too, for the reader as for Excel for Mac's
    // "CSV (Macintosh)"; counting only LF numbered every line of such a file 1.
    let before = &bytes[..start];
    let ends = before
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && before.get(i + 1) != Some(&b'\n')))
        .count();
    1 + ends
}

fn birth_date(c: &mut Cells, today: NaiveDate) -> Option<Option<NaiveDate>> {
    let date = c.date("birth_date", false)?;
    if let Some(d) = date {
        if let Err(key) = application::birth_date(&d.format("%Y-%m-%d").to_string(), today) {
            c.fail("birth_date", key);
            return None;
        }
    }
    Some(date)
}

fn trainee(c: &mut Cells, today: NaiveDate) -> Option<TraineeLine> {
    // Every cell is checked, so a line's reasons are all shown at once.
    let family_name = c.name("family_name");
    let given_name = c.name("given_name");
    let family_name_kana = c.kana("family_name_kana");
    let given_name_kana = c.kana("given_name_kana");
    let email = c.required("email").and_then(|raw| {
        Email::parse("email", &raw)
            .map_err(|e| c.fail("email", e.key))
            .ok()
    });
    let birth_date = birth_date(c, today);
    let phone = match c.optional("phone") {
        None => Some(None),
        Some(raw) => application::phone(&raw)
            .map(Some)
            .map_err(|key| c.fail("phone", key))
            .ok(),
    };
    let member_number = match c.optional("member_number") {
        None => Some(None),
        Some(raw) => application::member_number(&raw)
            .map(Some)
            .map_err(|e| c.fail("member_number", e.key))
            .ok(),
    };
    Some(TraineeLine {
        family_name: family_name?,
        given_name: given_name?,
        family_name_kana: family_name_kana?,
        given_name_kana: given_name_kana?,
        email: email?,
        birth_date: birth_date?,
        phone: phone?,
        member_number: member_number?,
    })
}

/// Longest certificate number, course title or designation number taken.
const MAX_TEXT: usize = 200;

fn completion(c: &mut Cells, today: NaiveDate) -> Option<CompletionLine> {
    let number = c.required("number");
    if number.as_ref().is_some_and(|n| n.chars().count() > 50) {
        c.fail("number", "err-text-too-long");
    }
    let family_name = c.name("family_name");
    let given_name = c.name("given_name");
    let family_name_kana = c.kana("family_name_kana");
    let given_name_kana = c.kana("given_name_kana");
    let birth_date = birth_date(c, today);
    let course_title = c.required("course_title");
    if course_title
        .as_ref()
        .is_some_and(|t| t.chars().count() > MAX_TEXT)
    {
        c.fail("course_title", "err-text-too-long");
    }
    let designation_number = c.optional("designation_number");
    if designation_number
        .as_ref()
        .is_some_and(|t| t.chars().count() > MAX_TEXT)
    {
        c.fail("designation_number", "err-text-too-long");
    }
    let completed_on = c.date("completed_on", true).flatten();
    if completed_on.is_some_and(|d| d > today) {
        c.fail("completed_on", "err-import-future-date");
    }
    let email = match c.optional("email") {
        None => Some(None),
        Some(raw) => Email::parse("email", &raw)
            .map(Some)
            .map_err(|e| c.fail("email", e.key))
            .ok(),
    };
    Some(CompletionLine {
        number: number?,
        family_name: family_name?,
        given_name: given_name?,
        family_name_kana: family_name_kana?,
        given_name_kana: given_name_kana?,
        birth_date: birth_date?,
        course_title: course_title?,
        designation_number,
        completed_on: completed_on?,
        email: email?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    const HEADER: &str =
        "氏名（姓）,氏名（名）,フリガナ（姓）,フリガナ（名）,メールアドレス,生年月日\r\n";

    #[test]
    fn both_lists_name_the_holder_with_the_same_headings_in_their_template_order() {
        assert_eq!(
            template_headings(ImportKind::Trainees),
            [
                "氏名（姓）",
                "氏名（名）",
                "フリガナ（姓）",
                "フリガナ（名）",
                "メールアドレス",
                "生年月日",
                "電話番号",
                "組合員番号"
            ]
        );
        assert_eq!(
            template_headings(ImportKind::Completions),
            [
                "修了証明書番号",
                "氏名（姓）",
                "氏名（名）",
                "フリガナ（姓）",
                "フリガナ（名）",
                "生年月日",
                "課程名",
                "指定番号",
                "修了年月日",
                "メールアドレス"
            ]
        );
        assert_eq!(
            required_headings(ImportKind::Trainees),
            [
                "氏名（姓）",
                "氏名（名）",
                "フリガナ（姓）",
                "フリガナ（名）",
                "メールアドレス"
            ]
        );
        assert_eq!(
            required_headings(ImportKind::Completions),
            [
                "修了証明書番号",
                "氏名（姓）",
                "氏名（名）",
                "フリガナ（姓）",
                "フリガナ（名）",
                "課程名",
                "修了年月日"
            ]
        );
    }

    #[test]
    fn the_shift_jis_encoder_holds_these_old_forms_and_not_those() {
        for name in ["髙", "﨑", "斎", "齋", "邊", "渡邉"] {
            let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(name);
            assert!(!unmappable, "{name} should be held");
            let (text, used) = decode(&bytes, Encoding::ShiftJis).unwrap();
            assert_eq!((text.as_str(), used), (name, Encoding::ShiftJis));
        }
        for name in ["𠮷", "𩸽"] {
            let (_, _, unmappable) = encoding_rs::SHIFT_JIS.encode(name);
            assert!(unmappable, "{name} should not be held");
        }
    }

    #[test]
    fn auto_detection_reads_utf8_with_or_without_bom_and_shift_jis() {
        let text = format!("{HEADER}髙橋,一郎,タカハシ,イチロウ,a@example.jp,\r\n");
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(&with_bom, Encoding::Auto).unwrap().0, text);
        assert_eq!(decode(text.as_bytes(), Encoding::Auto).unwrap().0, text);
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        assert_eq!(
            decode(&sjis, Encoding::Auto).unwrap(),
            (text.clone(), Encoding::ShiftJis)
        );
        // Chosen as UTF-8, a Shift_JIS file is refused with the line at fault.
        let error = decode(&sjis, Encoding::Utf8).unwrap_err();
        assert_eq!((error.line, error.key), (1, "err-import-not-utf8"));
    }

    #[test]
    fn lines_are_numbered_as_a_spreadsheet_shows_them_with_either_line_ending() {
        for end in ["\r\n", "\n"] {
            let header = HEADER.replace("\r\n", end);
            let text = format!(
                "{header}髙橋,一郎,タカハシ,イチロウ,a@example.jp,{end}{end}山田,花子,ヤマダ,ハナコ,bad,{end}"
            );
            let lines = parse(ImportKind::Trainees, &text, today()).unwrap();
            let numbers: Vec<usize> = lines.iter().map(|l| l.line).collect();
            assert_eq!(numbers, [2, 4], "line ending {end:?}");
        }
    }

    #[test]
    fn a_lone_cr_ends_a_line() {
        let header = HEADER.replace("\r\n", "\r");
        let text = format!(
            "{header}髙橋,一郎,タカハシ,イチロウ,a@example.jp,\r\r山田,花子,ヤマダ,ハナコ,bad,\r"
        );
        let lines = parse(ImportKind::Trainees, &text, today()).unwrap();
        let numbers: Vec<usize> = lines.iter().map(|l| l.line).collect();
        assert_eq!(numbers, [2, 4]);
    }

    #[test]
    fn lines_become_typed_records_and_bad_cells_are_named() {
        let text = format!(
            "{HEADER}髙橋,一郎,タカハシ,イチロウ,a@example.jp,昭和35年5月5日\r\n\
             ?田,花子,ヨシダ,ハナコ,b@example.jp,1960/5/5\r\n\
             山田,花子,やまだ,ハナコ,not-an-email,1960/2/30\r\n"
        );
        let lines = parse(ImportKind::Trainees, &text, today()).unwrap();
        assert_eq!(lines.len(), 3);
        let Ok(Record::Trainee(first)) = &lines[0].record else {
            panic!("{:?}", lines[0].record)
        };
        assert_eq!(first.family_name.as_str(), "髙橋");
        assert_eq!(first.birth_date, NaiveDate::from_ymd_opt(1960, 5, 5));
        let second = lines[1].record.as_ref().unwrap_err();
        assert_eq!(second[0].line, 3);
        assert_eq!(second[0].column.as_deref(), Some("氏名（姓）"));
        assert_eq!(second[0].key, "err-import-replaced-char");
        let third = lines[2].record.as_ref().unwrap_err();
        let keys: Vec<&str> = third.iter().map(|e| e.key).collect();
        assert_eq!(
            keys,
            ["err-kana-hiragana", "err-email-invalid", "err-import-date"]
        );
    }

    #[test]
    fn a_missing_column_is_named_and_gaiji_are_refused() {
        let error = parse(ImportKind::Trainees, "氏名（姓）,氏名（名）\r\n", today()).unwrap_err();
        assert_eq!(error.key, "err-import-missing-column");
        assert_eq!(error.column.as_deref(), Some("フリガナ（姓）"));
        assert_eq!(lost_character("\u{e000}田"), Some("err-import-gaiji"));
        assert_eq!(
            lost_character("&#134071;田"),
            Some("err-import-replaced-char")
        );
        assert_eq!(lost_character("髙橋"), None);
    }
}
