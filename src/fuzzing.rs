//! Entry points for fuzzing the parsers that read what users and outside
//! services send: names and their reading, e-mail addresses, the application
//! form (dates, postal codes, phone numbers…), bank-statement CSV, the
//! spreadsheets staff import (UTF-8 or Shift_JIS), Stripe webhook headers and
//! payloads, refund policies typed by staff.
//!
//! Each takes arbitrary bytes, feeds them to the real parser and panics only
//! when an invariant of an accepted value is broken (or the parser itself
//! panics). `fuzz/` runs them under libFuzzer (`bash .ci/fuzz`); the property
//! tests below run them on generated input in every `cargo test`.
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::application::{self, ApplicationInput, FormLevel};
use crate::domain::email::Email;
use crate::domain::import::{self, Encoding, ImportKind, LineError, ParsedLine, Record};
use crate::domain::person::{Kana, PersonName};

/// Splits fuzz bytes into `n` text fields (lossy UTF-8, separated by 0x1F).
fn fields(data: &[u8], n: usize) -> Vec<String> {
    let text = String::from_utf8_lossy(data);
    let mut out: Vec<String> = text.split('\u{1f}').map(str::to_string).collect();
    out.resize(n, String::new());
    out
}

fn assert_clean_name(value: &str) {
    assert_eq!(value, value.trim(), "an accepted name keeps outer spaces");
    assert!(
        !value.is_empty() && value.chars().count() <= 50,
        "{value:?}"
    );
    assert!(
        !value.chars().any(|c| c.is_control() || c == '\u{202e}'),
        "an accepted name carries a control character: {value:?}"
    );
}

/// 氏名, フリガナ and e-mail address.
pub fn names(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(name) = PersonName::parse("family_name", &text) {
        assert_clean_name(name.as_str());
    }
    if let Ok(kana) = Kana::parse("family_name_kana", &text) {
        assert_clean_name(kana.as_str());
        assert!(
            !kana.as_str().chars().any(|c| ('ぁ'..='ゖ').contains(&c)),
            "hiragana accepted as a reading: {kana:?}"
        );
    }
    let _ = crate::domain::kana::normalize(&text);
    if let Ok(email) = Email::parse("email", &text) {
        check_email(email.as_str());
    }
}

/// The whole application form, at every form level.
pub fn application_form(data: &[u8]) {
    let f = fields(data, 14);
    let accessibility: Vec<String> = f[13].split(',').map(str::to_string).collect();
    let input = ApplicationInput {
        family_name: &f[0],
        given_name: &f[1],
        family_name_kana: &f[2],
        given_name_kana: &f[3],
        birth_date: &f[4],
        postal_code: &f[5],
        prefecture: &f[6],
        address: &f[7],
        phone: &f[8],
        price_category: &f[9],
        member_number: &f[10],
        support_scheme: &f[11],
        qualifications: &f[12],
        accessibility: &accessibility,
        companions: "",
        special_care_notes: "",
        special_care_consent: false,
        consent: data.first().is_some_and(|b| b & 1 == 1),
    };
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default();
    for level in [FormLevel::Full, FormLevel::Short, FormLevel::Minimal] {
        match application::parse(level, &input, today) {
            Ok(app) => {
                assert_clean_name(app.family_name().as_str());
                assert_clean_name(app.given_name().as_str());
                if let Some(born) = app.birth_date() {
                    assert!(born < today, "born in the future: {born}");
                }
                if let Some(postal) = app.postal_code_normalized() {
                    assert_eq!(postal.len(), 8, "{postal:?}");
                }
            }
            Err(errors) => assert!(!errors.is_empty(), "refused without a reason"),
        }
    }
}

/// A bank statement uploaded by staff.
pub fn bank_csv(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for transfer in crate::services::bank_import::parse_csv(&text) {
        assert!(transfer.amount_yen > 0, "{transfer:?}");
    }
}

/// A spreadsheet staff import (取込), read in every encoding staff can
/// choose and as both kinds of sheet.
pub fn import(data: &[u8]) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default();
    let lines_in_file = 1 + data.iter().filter(|b| **b == b'\n').count();
    for choice in [Encoding::Auto, Encoding::Utf8, Encoding::ShiftJis] {
        match import::decode(data, choice) {
            Ok((text, used)) => {
                assert!(
                    used != Encoding::Auto && (choice == Encoding::Auto || used == choice),
                    "{choice:?} read as {used:?}"
                );
                for kind in [ImportKind::Trainees, ImportKind::Completions] {
                    check_import(kind, &text, today);
                }
            }
            // Staff are told which line to look at, unless the file as a
            // whole is in no encoding we know.
            Err(e) => {
                let line_ok = if choice == Encoding::Auto {
                    e.line == 0
                } else {
                    (1..=lines_in_file).contains(&e.line)
                };
                assert!(line_ok && e.column.is_none(), "{choice:?}: {e:?}");
            }
        }
    }
    // The same sheet saved by Excel as Shift_JIS reads the same, when every
    // character survives the trip (¥, ‾ and − come back as \\, ~ and －).
    if let Ok((text, _)) = import::decode(data, Encoding::Utf8) {
        let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
        if !unmappable && encoding_rs::SHIFT_JIS.decode_without_bom_handling(&sjis).0 == text {
            for kind in [ImportKind::Trainees, ImportKind::Completions] {
                assert_eq!(
                    read_sheet(kind, &sjis, Encoding::ShiftJis, today),
                    read_sheet(kind, data, Encoding::Utf8, today),
                    "{text:?}"
                );
            }
        }
    }
}

fn read_sheet(
    kind: ImportKind,
    bytes: &[u8],
    choice: Encoding,
    today: NaiveDate,
) -> Result<Vec<ParsedLine>, LineError> {
    let (text, _) = import::decode(bytes, choice)?;
    import::parse(kind, &text, today)
}

fn check_import(kind: ImportKind, text: &str, today: NaiveDate) {
    // A spreadsheet counts a line at every CRLF, LF or lone CR.
    let lines_in_text = 1 + text.replace("\r\n", "\n").matches(['\r', '\n']).count();
    let rows = match import::parse(kind, text, today) {
        Ok(rows) => rows,
        Err(e) => {
            assert!(e.line <= 1, "{e:?}");
            assert_eq!(
                e.column.is_some(),
                e.key == "err-import-missing-column",
                "{e:?}"
            );
            return;
        }
    };
    let mut previous = 1;
    for row in rows {
        assert!(
            row.line > previous && row.line <= lines_in_text,
            "line {} after line {previous}, of {lines_in_text}: {text:?}",
            row.line
        );
        previous = row.line;
        match row.record {
            Ok(Record::Trainee(t)) => {
                check_imported_person(
                    [&t.family_name, &t.given_name],
                    [&t.family_name_kana, &t.given_name_kana],
                    t.birth_date,
                    today,
                );
                check_email(t.email.as_str());
                if let Some(phone) = t.phone {
                    assert!(phone.starts_with('0'), "{phone:?}");
                    assert!(phone.bytes().all(|b| b.is_ascii_digit() || b == b'-'));
                }
                if let Some(member) = t.member_number {
                    assert!(
                        !member.is_empty() && member.bytes().all(|b| b.is_ascii_alphanumeric())
                    );
                }
            }
            Ok(Record::Completion(c)) => {
                check_imported_person(
                    [&c.family_name, &c.given_name],
                    [&c.family_name_kana, &c.given_name_kana],
                    c.birth_date,
                    today,
                );
                for (text, max) in [(&c.number, 50), (&c.course_title, 200)] {
                    assert!(!text.is_empty() && text.chars().count() <= max, "{text:?}");
                    assert_eq!(text.as_str(), text.trim());
                }
                if let Some(designation) = &c.designation_number {
                    assert!(designation.chars().count() <= 200);
                }
                assert!(c.completed_on <= today, "completed in the future");
                if let Some(email) = &c.email {
                    check_email(email.as_str());
                }
            }
            // Every reason names the line, and the column unless the line
            // itself is not CSV.
            Err(errors) => {
                assert!(
                    !errors.is_empty(),
                    "line {} refused without a reason",
                    row.line
                );
                for e in errors {
                    assert_eq!(e.line, row.line, "{e:?}");
                    assert!(
                        e.key == "err-import-csv"
                            || e.column.as_ref().is_some_and(|c| !c.trim().is_empty()),
                        "a refused cell without its column: {e:?}"
                    );
                }
            }
        }
    }
}

fn check_imported_person(
    names: [&PersonName; 2],
    readings: [&Kana; 2],
    born: Option<NaiveDate>,
    today: NaiveDate,
) {
    let texts = names
        .iter()
        .map(|n| n.as_str())
        .chain(readings.iter().map(|k| k.as_str()));
    for text in texts {
        assert_clean_name(text);
        assert_eq!(import::lost_character(text), None, "{text:?}");
    }
    for reading in readings {
        assert!(
            !reading.as_str().chars().any(|c| ('ぁ'..='ゖ').contains(&c)),
            "hiragana accepted as a reading: {reading:?}"
        );
    }
    if let Some(born) = born {
        assert!(born < today, "born in the future: {born}");
    }
}

fn check_email(email: &str) {
    assert!(email.contains('@'), "{email:?}");
    assert!(
        !email.chars().any(|c| c.is_whitespace() || c.is_control()),
        "an accepted address could break a mail header: {email:?}"
    );
}

/// A Stripe webhook: the signature header, then the payload.
pub fn webhook(data: &[u8]) {
    let split = data.iter().position(|b| *b == b'\n').unwrap_or(data.len());
    let (header, payload) = data.split_at(split);
    let header = String::from_utf8_lossy(header);
    let now = DateTime::<Utc>::from_timestamp(1_790_000_000, 0).unwrap_or_default();
    let secret = "whsec_fuzz";
    let verdict = crate::payments::webhook::verify(payload, Some(&header), secret, now, 300);
    // Only the real signature opens the door.
    if verdict.is_ok() {
        let mut forged = payload.to_vec();
        forged.push(b' ');
        assert!(
            crate::payments::webhook::verify(&forged, Some(&header), secret, now, 300).is_err()
        );
    }
    let _ = crate::payments::webhook::parse_event(payload);
}

/// A refund policy typed by staff as JSON.
pub fn refund_policy(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(policy) = crate::domain::refund_policy::RefundPolicy::parse(&text) {
        for days in [-1, 0, 1, 7, 30, i64::MAX] {
            let (percent, _) = policy.tier_for(days);
            assert!(percent <= 100);
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Short runs in every `cargo test`; `PROPTEST_CASES=100000` for a long one.
    fn config() -> ProptestConfig {
        ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::with_cases(256)
        }
    }

    /// Text that looks like what people type, plus the characters that break things.
    fn hostile_text() -> impl Strategy<Value = String> {
        let pieces = prop_oneof![
            Just("山田".to_string()),
            Just("ヤマダ".to_string()),
            Just("ｱｲｳ".to_string()),
            Just("やまだ".to_string()),
            Just("1960-05-05".to_string()),
            Just("160-0023".to_string()),
            Just("１６０".to_string()),
            Just("\u{202e}".to_string()),
            Just("\u{0}".to_string()),
            Just("\r\n".to_string()),
            Just("=HYPERLINK(".to_string()),
            Just("<script>".to_string()),
            Just("{{ }}".to_string()),
            Just("🌸".to_string()),
            Just("\u{1f}".to_string()),
            Just(",".to_string()),
            Just("\"".to_string()),
            Just("円".to_string()),
            Just("t=".to_string()),
            Just("v1=".to_string()),
            Just("-9223372036854775808".to_string()),
            any::<String>(),
        ];
        prop::collection::vec(pieces, 0..12).prop_map(|v| v.concat())
    }

    fn hostile_bytes() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..300),
            hostile_text().prop_map(String::into_bytes),
        ]
    }

    /// Values each column takes, by the heading a template starts with.
    fn good_values(heading: &str) -> &'static [&'static str] {
        match heading {
            "修了証明書番号" => &["R2-0001", "第１２号"],
            "氏名（姓）" => &["髙橋", "山田", "渡邉", "﨑山"],
            "氏名（名）" => &["一郎", "花子"],
            "フリガナ（姓）" => &["タカハシ", "ヤマダ", "ワタナベ"],
            "フリガナ（名）" => &["イチロウ", "ハナコ"],
            "メールアドレス" => &["a@example.jp", "taro.y@example.com"],
            "生年月日" => &["昭和35年5月5日", "1960/5/5", "1990-04-01", ""],
            "電話番号" => &["03-1234-5678", "09012345678", ""],
            "組合員番号" => &["A12345", ""],
            "課程名" => &["介護職員初任者研修", "実務者研修"],
            "指定番号" => &["13-001", ""],
            "修了年月日" => &["令和2年3月31日", "2019/3/31"],
            _ => &[""],
        }
    }

    fn csv_cell(value: &str) -> String {
        if value.contains([',', '"', '\r', '\n']) {
            format!("\"{}\"", value.replace('"', "\"\""))
        } else {
            value.to_string()
        }
    }

    /// A sheet as staff upload it: the template's headings in any order, one
    /// to five lines of good cells (with `hostile`, some cells hostile), any
    /// line ending, saved as UTF-8, UTF-8 with a BOM or Shift_JIS. Returns
    /// the kind, the number of lines and the file.
    fn sheet(hostile: bool) -> impl Strategy<Value = (ImportKind, usize, Vec<u8>)> {
        let kind = prop_oneof![Just(ImportKind::Trainees), Just(ImportKind::Completions)];
        kind.prop_flat_map(move |kind| {
            let headings = import::template_headings(kind);
            let cell = if hostile {
                prop_oneof![3 => Just(None), 1 => hostile_text().prop_map(Some)].boxed()
            } else {
                Just(None).boxed()
            };
            let row = prop::collection::vec((any::<prop::sample::Index>(), cell), headings.len());
            (
                Just(kind),
                Just(headings).prop_shuffle(),
                prop::collection::vec(row, 1..6),
                prop::sample::select(vec!["\r\n", "\n", "\r"]),
                0..3u8,
            )
        })
        .prop_map(|(kind, headings, rows, end, saved)| {
            let mut text = headings.join(",") + end;
            for row in &rows {
                let cells: Vec<String> = headings
                    .iter()
                    .zip(row)
                    .map(|(heading, (pick, hostile))| match hostile {
                        Some(value) => csv_cell(value),
                        None => csv_cell(pick.get::<&str>(good_values(heading))),
                    })
                    .collect();
                text += &cells.join(",");
                text += end;
            }
            let bytes = match saved {
                0 => text.into_bytes(),
                1 => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
                _ => encoding_rs::SHIFT_JIS.encode(&text).0.into_owned(),
            };
            (kind, rows.len(), bytes)
        })
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn names_never_panic_and_accept_only_clean_values(data in hostile_bytes()) {
            names(&data);
        }

        #[test]
        fn the_application_form_never_panics(data in hostile_bytes()) {
            application_form(&data);
        }

        #[test]
        fn bank_statements_never_panic(data in hostile_bytes()) {
            bank_csv(&data);
        }

        #[test]
        fn imports_never_panic_and_name_every_refused_line(
            data in prop_oneof![hostile_bytes(), sheet(true).prop_map(|(_, _, bytes)| bytes)]
        ) {
            import(&data);
        }

        /// The generator's own check: the good values are good, and the
        /// lines are numbered as a spreadsheet shows them.
        #[test]
        fn a_sheet_of_good_lines_is_taken_whole((kind, count, bytes) in sheet(false)) {
            let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default();
            let (text, _) = import::decode(&bytes, Encoding::Auto).expect("decoded");
            let rows = import::parse(kind, &text, today).expect("parsed");
            prop_assert_eq!(rows.len(), count);
            for (i, row) in rows.iter().enumerate() {
                prop_assert!(row.record.is_ok(), "{:?}", row.record);
                prop_assert_eq!(row.line, i + 2, "{:?}", text);
            }
            import(&bytes);
        }

        #[test]
        fn webhooks_never_panic_and_never_pass_unsigned(data in hostile_bytes()) {
            webhook(&data);
        }

        #[test]
        fn refund_policies_never_panic(data in hostile_bytes()) {
            refund_policy(&data);
        }
    }

    /// The seeds `.ci/fuzz` starts from stay what they claim to be: a webhook
    /// signed for the target's secret and clock, sheets in both encodings
    /// with lines taken and lines refused.
    #[test]
    fn the_committed_fuzz_seeds_are_realistic() {
        let seed = include_bytes!("../fuzz/seeds/webhook/signed_checkout");
        let split = seed.iter().position(|b| *b == b'\n').unwrap();
        let (header, payload) = (
            std::str::from_utf8(&seed[..split]).unwrap(),
            &seed[split + 1..],
        );
        let now = DateTime::<Utc>::from_timestamp(1_790_000_000, 0).unwrap();
        crate::payments::webhook::verify(payload, Some(header), "whsec_fuzz", now, 300).unwrap();
        assert!(crate::payments::webhook::parse_event(payload).is_some());

        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let sheets: [(&[u8], ImportKind, Encoding, usize, usize); 4] = [
            (
                include_bytes!("../fuzz/seeds/import/trainees_utf8_bom_crlf"),
                ImportKind::Trainees,
                Encoding::Utf8,
                2,
                2,
            ),
            (
                include_bytes!("../fuzz/seeds/import/trainees_shift_jis_crlf"),
                ImportKind::Trainees,
                Encoding::ShiftJis,
                2,
                2,
            ),
            (
                include_bytes!("../fuzz/seeds/import/completions_shift_jis"),
                ImportKind::Completions,
                Encoding::ShiftJis,
                2,
                1,
            ),
            (
                include_bytes!("../fuzz/seeds/import/completions_utf8_lf"),
                ImportKind::Completions,
                Encoding::Utf8,
                1,
                0,
            ),
        ];
        for (bytes, kind, encoding, taken, refused) in sheets {
            let (text, used) = import::decode(bytes, Encoding::Auto).unwrap();
            assert_eq!(used, encoding);
            let rows = import::parse(kind, &text, today).unwrap();
            let ok = rows.iter().filter(|r| r.record.is_ok()).count();
            assert_eq!((ok, rows.len() - ok), (taken, refused), "{text}");
        }
    }

    #[test]
    fn a_webhook_timestamp_at_the_ends_of_the_range_is_refused_not_a_crash() {
        webhook(b"t=-9223372036854775808,v1=00\n{}");
        webhook(b"t=9223372036854775807,v1=00\n{}");
    }
}
