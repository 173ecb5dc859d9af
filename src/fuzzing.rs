//! Entry points for fuzzing the parsers that read what users and outside
//! services send: names and their reading, e-mail addresses, the application
//! form (dates, postal codes, phone numbers…), bank-statement CSV, Stripe
//! webhook headers and payloads, refund policies typed by staff.
//!
//! Each takes arbitrary bytes, feeds them to the real parser and panics only
//! when an invariant of an accepted value is broken (or the parser itself
//! panics). `fuzz/` runs them under libFuzzer (`cargo +nightly fuzz run …`);
//! the property tests below run them on generated input in every `cargo test`.
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::application::{self, ApplicationInput, FormLevel};
use crate::domain::email::Email;
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
        let email = email.as_str();
        assert!(email.contains('@'), "{email:?}");
        assert!(
            !email.chars().any(|c| c.is_whitespace() || c.is_control()),
            "an accepted address could break a mail header: {email:?}"
        );
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
        fn webhooks_never_panic_and_never_pass_unsigned(data in hostile_bytes()) {
            webhook(&data);
        }

        #[test]
        fn refund_policies_never_panic(data in hostile_bytes()) {
            refund_policy(&data);
        }
    }

    #[test]
    fn a_webhook_timestamp_at_the_ends_of_the_range_is_refused_not_a_crash() {
        webhook(b"t=-9223372036854775808,v1=00\n{}");
        webhook(b"t=9223372036854775807,v1=00\n{}");
    }
}
