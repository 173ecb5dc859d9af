//! CSV the way Japanese offices open it: UTF-8 with a byte-order mark (so
//! Excel does not read it as Shift_JIS), CRLF line ends, and every cell that
//! a spreadsheet would take for a formula neutralised with a leading `'`
//! (CSV injection: a trainee named `=HYPERLINK(…)` must stay a name).
use std::borrow::Cow;

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A cell as text a spreadsheet shows rather than evaluates.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if is_formula_like(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Whether a spreadsheet might evaluate the cell: it starts with a formula
/// character, or with a tab or carriage return (which some programs drop,
/// exposing what follows), or with a formula character behind leading
/// spaces or control characters — spreadsheet programs trim some of those
/// (` =1+1`, a full-width space then `=`) before deciding what a cell is.
fn is_formula_like(cell: &str) -> bool {
    if cell.starts_with(['\t', '\r']) {
        return true;
    }
    cell.trim_start_matches(|c: char| c.is_whitespace() || c.is_control())
        .starts_with(['=', '+', '-', '@'])
}

/// A whole file: BOM, header row, then the rows, every cell neutralised.
pub fn write(header: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>, ::csv::Error> {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    writer.write_record(header.iter().map(|c| neutralise(c).into_owned()))?;
    for row in rows {
        writer.write_record(row.iter().map(|c| neutralise(c).into_owned()))?;
    }
    writer
        .into_inner()
        .map_err(|e| ::csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starters_get_a_leading_quote_and_other_text_stays_as_it_is() {
        for cell in ["=1+1", "+81", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(cell), format!("'{cell}"));
        }
        for cell in ["山田 花子", "360", "", "a=b", " 1", "\u{3000}山田"] {
            assert_eq!(neutralise(cell), cell);
        }
    }

    #[test]
    fn a_formula_behind_leading_spaces_is_neutralised() {
        for cell in [" =1+1", "   +81", "\u{3000}=1+1", "\u{3000} @SUM(A1)"] {
            assert_eq!(neutralise(cell), format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn a_formula_behind_leading_control_characters_is_neutralised() {
        for cell in [
            "\t=1+1",
            "\r=1+1",
            "\n=1+1",
            "\u{0}-2",
            "\u{1f}@A1",
            "\r\n=1",
        ] {
            assert_eq!(neutralise(cell), format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn a_leading_tab_or_carriage_return_is_neutralised_even_before_plain_text() {
        for cell in ["\tx", "\r山田", "\t"] {
            assert_eq!(neutralise(cell), format!("'{cell}"), "{cell:?}");
        }
        // Other leading blanks before plain text stay as typed.
        for cell in [" x", "\u{3000}x", "\nx"] {
            assert_eq!(neutralise(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn a_file_starts_with_the_bom_and_quotes_what_needs_quoting() {
        let bytes = write(
            &["氏名".to_string(), "メモ".to_string()],
            &[vec!["=cmd|' /C calc'!A0".to_string(), "a,b".to_string()]],
        )
        .unwrap();
        assert_eq!(&bytes[..3], BOM);
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(text, "氏名,メモ\r\n'=cmd|' /C calc'!A0,\"a,b\"\r\n");
    }
}
