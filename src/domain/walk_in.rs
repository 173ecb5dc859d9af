//! 当日参加 — a walk-in registered by staff at the door of a symposium or a
//! community course. Checked like the shortest application form (氏名,
//! フリガナ, optional phone) plus an optional e-mail address, so that the
//! person gets the same record as anyone who applied online.
use chrono::NaiveDate;

use super::application::{self, Application, ApplicationInput, FormLevel};
use super::{DomainError, Email};

/// Raw fields of the walk-in form.
#[derive(Debug, Clone, Copy)]
pub struct WalkInInput<'a> {
    pub family_name: &'a str,
    pub given_name: &'a str,
    pub family_name_kana: &'a str,
    pub given_name_kana: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub price_category: &'a str,
    /// Only for the 組合員 price.
    pub member_number: &'a str,
    /// The person agreed to the purpose of use, asked by staff at the door.
    pub consent: bool,
}

/// A checked walk-in.
#[derive(Debug, Clone)]
pub struct WalkIn {
    pub application: Application,
    pub email: Option<Email>,
}

/// Longest form token we accept (the page sends 32 hex digits).
const MAX_TOKEN_CHARS: usize = 64;

impl WalkIn {
    /// Every field at once, so the form can show all problems together.
    pub fn parse(input: &WalkInInput<'_>, today: NaiveDate) -> Result<WalkIn, Vec<DomainError>> {
        let mut errors = vec![];
        let email = match input.email.trim() {
            "" => None,
            raw => Email::parse("email", raw).map_err(|e| errors.push(e)).ok(),
        };
        let price_category = match input.price_category.trim() {
            "" => "general",
            other => other,
        };
        let parsed = application::parse(
            FormLevel::Minimal,
            &ApplicationInput {
                family_name: input.family_name,
                given_name: input.given_name,
                family_name_kana: input.family_name_kana,
                given_name_kana: input.given_name_kana,
                birth_date: "",
                postal_code: "",
                prefecture: "",
                address: "",
                phone: input.phone,
                price_category,
                member_number: input.member_number,
                support_scheme: "",
                qualifications: "",
                accessibility: &[],
                companions: "",
                special_care_notes: "",
                special_care_consent: false,
                consent: input.consent,
            },
            today,
        );
        match parsed {
            Ok(application) if errors.is_empty() => Ok(WalkIn { application, email }),
            Ok(_) => Err(errors),
            Err(mut more) => {
                more.extend(errors);
                Err(more)
            }
        }
    }
}

/// The one-time token a walk-in form carries, so that a double tap registers
/// one person: hex digits only, not too long.
pub fn form_token(raw: &str) -> Result<&str, DomainError> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > MAX_TOKEN_CHARS || !raw.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return Err(DomainError::new("form_token", "err-walk-in-token"));
    }
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn input<'a>() -> WalkInInput<'a> {
        WalkInInput {
            family_name: "山田",
            given_name: "太郎",
            family_name_kana: "ヤマダ",
            given_name_kana: "タロウ",
            email: "",
            phone: "",
            price_category: "",
            member_number: "",
            consent: true,
        }
    }

    fn fields(errors: Vec<DomainError>) -> Vec<(&'static str, &'static str)> {
        let mut out: Vec<_> = errors.into_iter().map(|e| (e.field, e.key)).collect();
        out.sort();
        out
    }

    #[test]
    fn a_name_and_furigana_are_enough() {
        let w = WalkIn::parse(&input(), today()).unwrap();
        assert_eq!(w.application.family_name().as_str(), "山田");
        assert_eq!(w.application.price_category(), "general");
        assert!(w.email.is_none());
        assert_eq!(w.application.phone(), None);
    }

    #[test]
    fn email_and_phone_are_checked_when_given() {
        let bad = WalkInInput {
            email: "not-an-address",
            phone: "０９０-1234-5678",
            ..input()
        };
        assert_eq!(
            fields(WalkIn::parse(&bad, today()).unwrap_err()),
            [
                ("email", "err-email-invalid"),
                ("phone", "err-phone-fullwidth")
            ]
        );
        let good = WalkInInput {
            email: "taro@example.jp",
            phone: "090-1234-5678",
            ..input()
        };
        let w = WalkIn::parse(&good, today()).unwrap();
        assert_eq!(w.email.unwrap().as_str(), "taro@example.jp");
        assert_eq!(w.application.phone(), Some("090-1234-5678"));
    }

    #[test]
    fn missing_names_hiragana_furigana_and_no_consent_are_all_reported() {
        let bad = WalkInInput {
            family_name: "",
            given_name_kana: "たろう",
            consent: false,
            ..input()
        };
        assert_eq!(
            fields(WalkIn::parse(&bad, today()).unwrap_err()),
            [
                ("consent", "err-consent-required"),
                ("family_name", "err-required"),
                ("given_name_kana", "err-kana-hiragana"),
            ]
        );
    }

    #[test]
    fn an_unknown_price_category_is_refused() {
        let bad = WalkInInput {
            price_category: "vip",
            ..input()
        };
        assert_eq!(
            fields(WalkIn::parse(&bad, today()).unwrap_err()),
            [("price_category", "err-price-category-invalid")]
        );
    }

    #[test]
    fn the_form_token_is_hex_of_bounded_length() {
        assert_eq!(form_token(" 0a1b2c ").unwrap(), "0a1b2c");
        assert!(form_token("").is_err());
        assert!(form_token("xyz").is_err());
        assert!(form_token(&"a".repeat(65)).is_err());
    }
}
