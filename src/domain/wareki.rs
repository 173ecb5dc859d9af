//! Japanese era dates (和暦).
//!
//! Dates are stored in the Gregorian calendar and only rendered in an era
//! when the setting asks for it: eras change by decree, and arithmetic on
//! era years is error-prone.

use chrono::{Datelike, NaiveDate};

/// How dates are shown to Japanese readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateStyle {
    /// 令和8年11月27日
    Wareki,
    /// 2026年11月27日
    Seireki,
}

/// Eras from newest to oldest, with the Gregorian date of their first day.
///
/// 明治 is counted from 1868-01-25 (慶応4年1月1日), the day the era was
/// backdated to. Japan used a lunisolar calendar until 1873-01-01 (明治6年),
/// so for earlier dates the month and day we print are the Gregorian ones,
/// not those people wrote at the time: treat them as approximate.
const ERAS: [(&str, i32, u32, u32); 5] = [
    ("令和", 2019, 5, 1),
    ("平成", 1989, 1, 8),
    ("昭和", 1926, 12, 25),
    ("大正", 1912, 7, 30),
    ("明治", 1868, 1, 25),
];

/// The era name and year within it, or `None` before 明治.
///
/// Era years turn over on 1 January, so an era's first year is usually
/// shorter than twelve months.
pub fn era_year(date: NaiveDate) -> Option<(&'static str, i32)> {
    ERAS.iter()
        .find(|&&(_, y, m, d)| NaiveDate::from_ymd_opt(y, m, d).is_some_and(|start| date >= start))
        .map(|&(name, start_year, _, _)| (name, date.year() - start_year + 1))
}

/// `令和8年11月27日`; the first year of an era is written 元年. Dates
/// before 明治 have no era here and are written in the Gregorian calendar.
pub fn format_wareki(date: NaiveDate) -> String {
    match era_year(date) {
        Some((era, 1)) => format!("{era}元年{}月{}日", date.month(), date.day()),
        Some((era, year)) => format!("{era}{year}年{}月{}日", date.month(), date.day()),
        None => format_seireki(date),
    }
}

/// `2026年11月27日`
pub fn format_seireki(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

pub fn format_date(date: NaiveDate, style: DateStyle) -> String {
    match style {
        DateStyle::Wareki => format_wareki(date),
        DateStyle::Seireki => format_seireki(date),
    }
}

/// A date as people type it in a spreadsheet: `1960-05-05`, `1960/5/5`,
/// `1960年5月5日`, or in an era, `昭和35年5月5日` / `平成元年1月8日`.
/// An era date outside its era (`平成32年`, `昭和64年2月1日`) is refused
/// rather than carried over, since it is a typing mistake more often than not.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let text: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '／' => '/',
            '－' => '-',
            _ => c,
        })
        .collect();
    if text.is_empty() {
        return None;
    }
    for (name, start_year, _, _) in ERAS {
        if let Some(rest) = text.strip_prefix(name) {
            let (year, rest) = match rest.strip_prefix("元年") {
                Some(rest) => (1, rest),
                None => {
                    let (digits, rest) = rest.split_once('年')?;
                    (digits.parse::<i32>().ok()?, rest)
                }
            };
            let (month, rest) = rest.split_once('月')?;
            let day = rest.strip_suffix('日')?;
            let date = NaiveDate::from_ymd_opt(
                start_year + year - 1,
                month.parse().ok()?,
                day.parse().ok()?,
            )?;
            return (year >= 1 && era_year(date).map(|(e, _)| e) == Some(name)).then_some(date);
        }
    }
    let parts: Vec<&str> = if let Some(rest) = text.strip_suffix('日') {
        rest.split(['年', '月']).collect()
    } else {
        text.split(['-', '/', '.']).collect()
    };
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && (1..=2).contains(&m.len()) && (1..=2).contains(&d.len()) => {
            NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
        }
        _ => None,
    }
}

/// `27 Nov 2026`: day first and a month name, which readers of both US and
/// British English parse the same way.
pub fn format_en(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn wareki(y: i32, m: u32, d: u32) -> String {
        format_wareki(ymd(y, m, d))
    }

    #[test]
    fn a_reiwa_date_has_its_era_and_year() {
        assert_eq!(era_year(ymd(2026, 11, 27)), Some(("令和", 8)));
        assert_eq!(wareki(2026, 11, 27), "令和8年11月27日");
    }

    #[test]
    fn the_meiji_taisho_boundary_falls_on_30_july_1912() {
        assert_eq!(wareki(1912, 7, 29), "明治45年7月29日");
        assert_eq!(wareki(1912, 7, 30), "大正元年7月30日");
    }

    #[test]
    fn the_taisho_showa_boundary_falls_on_25_december_1926() {
        assert_eq!(wareki(1926, 12, 24), "大正15年12月24日");
        assert_eq!(wareki(1926, 12, 25), "昭和元年12月25日");
    }

    #[test]
    fn the_showa_heisei_boundary_falls_on_8_january_1989() {
        assert_eq!(wareki(1989, 1, 7), "昭和64年1月7日");
        assert_eq!(wareki(1989, 1, 8), "平成元年1月8日");
    }

    #[test]
    fn the_heisei_reiwa_boundary_falls_on_1_may_2019() {
        assert_eq!(wareki(2019, 4, 30), "平成31年4月30日");
        assert_eq!(wareki(2019, 5, 1), "令和元年5月1日");
    }

    #[test]
    fn the_first_year_is_reported_as_one_and_written_gannen() {
        assert_eq!(era_year(ymd(2019, 12, 31)), Some(("令和", 1)));
        assert_eq!(wareki(2019, 12, 31), "令和元年12月31日");
        assert_eq!(wareki(1868, 1, 25), "明治元年1月25日");
    }

    #[test]
    fn the_second_year_of_each_era_starts_on_1_january() {
        assert_eq!(wareki(1869, 1, 1), "明治2年1月1日");
        assert_eq!(wareki(1913, 1, 1), "大正2年1月1日");
        assert_eq!(wareki(1927, 1, 1), "昭和2年1月1日");
        assert_eq!(wareki(1990, 1, 1), "平成2年1月1日");
        assert_eq!(wareki(2020, 1, 1), "令和2年1月1日");
    }

    #[test]
    fn a_showa_birth_date_is_written_without_zero_padding() {
        assert_eq!(wareki(1955, 3, 10), "昭和30年3月10日");
    }

    #[test]
    fn dates_before_meiji_fall_back_to_the_gregorian_year() {
        assert_eq!(era_year(ymd(1868, 1, 24)), None);
        assert_eq!(wareki(1868, 1, 24), "1868年1月24日");
    }

    #[test]
    fn seireki_is_written_with_japanese_date_units() {
        assert_eq!(format_seireki(ymd(2026, 11, 27)), "2026年11月27日");
        assert_eq!(format_seireki(ymd(2026, 1, 5)), "2026年1月5日");
    }

    #[test]
    fn format_date_follows_the_chosen_style() {
        let date = ymd(2026, 11, 27);
        assert_eq!(format_date(date, DateStyle::Wareki), "令和8年11月27日");
        assert_eq!(format_date(date, DateStyle::Seireki), "2026年11月27日");
    }

    #[test]
    fn english_dates_put_the_day_before_an_abbreviated_month() {
        assert_eq!(format_en(ymd(2026, 11, 27)), "27 Nov 2026");
        assert_eq!(format_en(ymd(2026, 3, 5)), "5 Mar 2026");
    }

    #[test]
    fn date_style_is_stored_in_snake_case() {
        assert_eq!(
            serde_json::to_string(&DateStyle::Wareki).unwrap(),
            r#""wareki""#
        );
        assert_eq!(
            serde_json::from_str::<DateStyle>(r#""seireki""#).unwrap(),
            DateStyle::Seireki
        );
    }

    #[test]
    fn spreadsheet_dates_are_read_in_either_calendar() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(parse_date("1960-05-05"), d(1960, 5, 5));
        assert_eq!(parse_date("1960/5/5"), d(1960, 5, 5));
        assert_eq!(parse_date("１９６０／５／５"), d(1960, 5, 5));
        assert_eq!(parse_date("1960年5月5日"), d(1960, 5, 5));
        assert_eq!(parse_date("昭和35年5月5日"), d(1960, 5, 5));
        assert_eq!(parse_date("平成元年1月8日"), d(1989, 1, 8));
        assert_eq!(parse_date("令和8年11月27日"), d(2026, 11, 27));
        // Outside the era, impossible days and other shapes are refused.
        assert_eq!(parse_date("平成元年1月7日"), None);
        assert_eq!(parse_date("昭和64年2月1日"), None);
        assert_eq!(parse_date("1960/2/30"), None);
        assert_eq!(parse_date("60/5/5"), None);
        assert_eq!(parse_date(""), None);
        assert_eq!(parse_date("5月5日"), None);
    }
}
