//! Certificate numbers and codes: pure functions, no database.
//!
//! A series pattern has placeholders: `{seq}` (the sequence number, `{seq:04}`
//! zero-padded to four digits), `{fy}` (the fiscal year, which in Japan starts
//! on 1 April: 2027-03-31 is in fiscal 2026) and `{fy_wareki}` (the fiscal
//! year as an era year, `R8`). A pattern without `{fy}` never restarts.
use chrono::{Datelike, NaiveDate};

use crate::domain::wareki::era_year;

/// The Japanese fiscal year (年度) of a date.
pub fn fiscal_year(date: NaiveDate) -> i32 {
    if date.month() >= 4 {
        date.year()
    } else {
        date.year() - 1
    }
}

/// Whether numbers restart every fiscal year.
pub fn restarts_yearly(pattern: &str) -> bool {
    pattern.contains("{fy}") || pattern.contains("{fy_wareki}")
}

/// The counter a number is drawn from: the fiscal year, or 0.
pub fn period(pattern: &str, issued_on: NaiveDate) -> i32 {
    if restarts_yearly(pattern) {
        fiscal_year(issued_on)
    } else {
        0
    }
}

/// A pattern staff may save: exactly one `{seq…}`, only known placeholders,
/// a sane width, and short enough to print.
pub fn check_pattern(pattern: &str) -> Result<(), &'static str> {
    if pattern.trim().is_empty() || pattern.chars().count() > 40 {
        return Err("err-cert-pattern-invalid");
    }
    let mut seqs = 0;
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            return Err("err-cert-pattern-invalid");
        };
        let name = &rest[open + 1..open + close];
        match name {
            "fy" | "fy_wareki" => {}
            "seq" => seqs += 1,
            other => match other.strip_prefix("seq:") {
                Some(width) if width.len() <= 2 && width.parse::<u8>().is_ok_and(|w| w <= 10) => {
                    seqs += 1
                }
                _ => return Err("err-cert-pattern-invalid"),
            },
        }
        rest = &rest[open + close + 1..];
    }
    if rest.contains('}') || seqs != 1 {
        return Err("err-cert-pattern-invalid");
    }
    Ok(())
}

/// The number for a sequence value under a pattern.
pub fn format_number(pattern: &str, seq: i32, issued_on: NaiveDate) -> String {
    let fy = fiscal_year(issued_on);
    let fy_wareki = fiscal_year_wareki(fy);
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = &rest[open + 1..open + close];
        match name {
            "fy" => out.push_str(&fy.to_string()),
            "fy_wareki" => out.push_str(&fy_wareki),
            "seq" => out.push_str(&seq.to_string()),
            other => match other
                .strip_prefix("seq:")
                .and_then(|w| w.parse::<usize>().ok())
            {
                Some(width) => out.push_str(&format!("{seq:0width$}")),
                None => out.push_str(&rest[open..=open + close]),
            },
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// `R8` for fiscal 2026 (the era of 1 April of that year).
fn fiscal_year_wareki(fy: i32) -> String {
    let start = NaiveDate::from_ymd_opt(fy, 4, 1);
    match start.and_then(era_year) {
        Some((era, year)) => {
            let letter = match era {
                "令和" => "R",
                "平成" => "H",
                "昭和" => "S",
                "大正" => "T",
                _ => "M",
            };
            format!("{letter}{year}")
        }
        None => fy.to_string(),
    }
}

/// Crockford's base-32 alphabet: no I, L, O or U to misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
pub const CODE_LEN: usize = 12;

/// A new verification code: 12 random characters (60 bits), stored without hyphens.
pub fn new_code() -> String {
    let bytes: [u8; CODE_LEN] = rand::random();
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(b % 32)] as char)
        .collect()
}

/// `ABCD-EFGH-JKMN`, as printed and in links.
pub fn display_code(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// What a person typed or a link carried, as stored; `None` when it cannot
/// be a code (the caller answers a plain "not found").
pub fn normalize_code(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(CODE_LEN);
    for c in raw.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
            return None;
        }
        out.push(c);
        if out.len() > CODE_LEN {
            return None;
        }
    }
    (out.len() == CODE_LEN).then_some(out)
}

/// `山田 ＊＊`: the family name and nothing of the given name.
pub fn masked_holder(family_name: &str) -> String {
    format!("{family_name} ＊＊")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_fiscal_year_starts_on_the_first_of_april() {
        assert_eq!(fiscal_year(ymd(2026, 3, 31)), 2025);
        assert_eq!(fiscal_year(ymd(2026, 4, 1)), 2026);
        assert_eq!(fiscal_year(ymd(2026, 12, 31)), 2026);
    }

    #[test]
    fn patterns_fill_in_the_fiscal_year_and_the_padded_sequence() {
        let on = ymd(2027, 2, 10);
        assert_eq!(
            format_number("初任者-{fy}-{seq:04}", 7, on),
            "初任者-2026-0007"
        );
        assert_eq!(format_number("第{seq:04}号", 12, on), "第0012号");
        assert_eq!(format_number("第{seq}号", 12345, on), "第12345号");
        assert_eq!(format_number("{fy_wareki}-{seq:03}", 1, on), "R8-001");
        assert_eq!(
            format_number("{fy_wareki}-{seq}", 1, ymd(2019, 4, 1)),
            "H31-1"
        );
    }

    #[test]
    fn only_patterns_with_a_fiscal_year_restart_each_year() {
        assert_eq!(period("初任者-{fy}-{seq:04}", ymd(2026, 5, 1)), 2026);
        assert_eq!(period("第{seq:04}号", ymd(2026, 5, 1)), 0);
    }

    #[test]
    fn a_pattern_needs_exactly_one_sequence_and_known_placeholders() {
        assert!(check_pattern("初任者-{fy}-{seq:04}").is_ok());
        assert!(check_pattern("第{seq}号").is_ok());
        assert!(check_pattern("第号").is_err());
        assert!(check_pattern("{seq}{seq}").is_err());
        assert!(check_pattern("{year}-{seq}").is_err());
        assert!(check_pattern("{seq:abc}").is_err());
        assert!(check_pattern("{seq").is_err());
        assert!(check_pattern("seq}").is_err());
        assert!(check_pattern("").is_err());
    }

    #[test]
    fn codes_are_twelve_unambiguous_characters_shown_in_groups_of_four() {
        let code = new_code();
        assert_eq!(code.len(), CODE_LEN);
        assert!(code.bytes().all(|b| ALPHABET.contains(&b)));
        assert_eq!(display_code("ABCDEFGHJKMN"), "ABCD-EFGH-JKMN");
    }

    #[test]
    fn typed_codes_are_read_leniently_and_anything_else_is_not_a_code() {
        assert_eq!(
            normalize_code("abcd-efgh-jkmn").as_deref(),
            Some("ABCDEFGHJKMN")
        );
        assert_eq!(
            normalize_code("OIL0 0000 0000").as_deref(),
            Some("011000000000")
        );
        assert_eq!(normalize_code("ABCD-EFGH"), None);
        assert_eq!(normalize_code("ABCD-EFGH-JKMNP"), None);
        assert_eq!(normalize_code("ABCD-EFGH-JKM!"), None);
        assert_eq!(normalize_code("ＡＢＣＤ-EFGH-JKMN"), None);
        assert_eq!(normalize_code("ABCD-EFGH-JKMU"), None);
    }

    #[test]
    fn the_holder_is_shown_by_family_name_only() {
        assert_eq!(masked_holder("山田"), "山田 ＊＊");
    }
}
