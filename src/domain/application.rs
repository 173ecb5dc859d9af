//! The enrollment application form (申込), checked field by field so the form
//! can show every problem at once.
//!
//! How much we ask depends on the course: a helper course leads to a
//! certificate the prefecture checks, so it needs birth date and address;
//! a community course needs a way to reach the person; a symposium needs
//! little more than a name. Input is stored as typed (apart from surrounding
//! whitespace): when something is in the wrong form, such as full-width
//! digits, we say so instead of converting it behind the user's back.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde_json::{json, Value};

use super::{DomainError, Kana, PersonName};

/// How much of the form a course asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormLevel {
    /// Helper courses (ヘルパー講座).
    Full,
    /// Community courses (コミュニティ講座).
    Short,
    /// Symposia (シンポジウム).
    Minimal,
}

impl FormLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            FormLevel::Full => "full",
            FormLevel::Short => "short",
            FormLevel::Minimal => "minimal",
        }
    }
}

/// The 47 prefectures in JIS X 0401 order, the order of every Japanese
/// address form's drop-down.
pub const PREFECTURES: [&str; 47] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

/// 一般, 組合員, 法人職員, 学生, 高校生, and free public job-seeker training.
pub const PRICE_CATEGORIES: [&str; 6] = [
    "general",
    "member",
    "partner_staff",
    "student",
    "high_school",
    "free",
];

/// 教育訓練給付金, 求職者支援訓練 and municipal subsidies. We only record
/// which one applies; each needs its own receipt.
pub const SUPPORT_SCHEMES: [&str; 3] = ["kyoiku_kunren", "kyushokusha", "municipal"];

/// 車椅子, 手話通訳, 要約筆記, 託児.
pub const ACCESSIBILITY_NEEDS: [&str; 4] =
    ["wheelchair", "sign_language", "captioning", "childcare"];

const MAX_COMPANIONS: u8 = 4;
const MAX_ADDRESS_CHARS: usize = 200;
const MAX_TEXT_CHARS: usize = 1000;
const MEMBER_NUMBER_CHARS: std::ops::RangeInclusive<usize> = 4..=12;
/// Bounds that catch a mistyped year (2025 for 1952), not an age policy.
const MIN_AGE: i32 = 15;
const MAX_AGE: i32 = 120;

/// Raw form fields as the browser sends them.
#[derive(Debug, Clone, Copy)]
pub struct ApplicationInput<'a> {
    pub family_name: &'a str,
    pub given_name: &'a str,
    pub family_name_kana: &'a str,
    pub given_name_kana: &'a str,
    /// `YYYY-MM-DD`, as an HTML date input sends it.
    pub birth_date: &'a str,
    pub postal_code: &'a str,
    pub prefecture: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
    /// One of [`PRICE_CATEGORIES`].
    pub price_category: &'a str,
    pub member_number: &'a str,
    /// Empty or one of [`SUPPORT_SCHEMES`].
    pub support_scheme: &'a str,
    /// Qualifications and experience, for subject exemptions.
    pub qualifications: &'a str,
    /// A subset of [`ACCESSIBILITY_NEEDS`].
    pub accessibility: &'a [String],
    /// Symposia only: empty or 0 to 4.
    pub companions: &'a str,
    /// Health notes and similar 要配慮個人情報.
    pub special_care_notes: &'a str,
    pub special_care_consent: bool,
    /// Consent to the stated purpose of use (個人情報保護法 art. 21).
    pub consent: bool,
}

/// A checked application. Holding one means every field passed [`parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    level: FormLevel,
    family_name: PersonName,
    given_name: PersonName,
    family_name_kana: Kana,
    given_name_kana: Kana,
    birth_date: Option<NaiveDate>,
    postal_code: Option<String>,
    prefecture: Option<&'static str>,
    address: Option<String>,
    phone: Option<String>,
    price_category: &'static str,
    member_number: Option<String>,
    support_scheme: Option<&'static str>,
    qualifications: Option<String>,
    accessibility: Vec<String>,
    companions: u8,
    special_care_notes: Option<String>,
    special_care_consent: bool,
}

/// Checks every field of the form for a course of the given level.
///
/// `today` is the date in Japan, used for the birth-date checks.
pub fn parse(
    level: FormLevel,
    input: &ApplicationInput<'_>,
    today: NaiveDate,
) -> Result<Application, Vec<DomainError>> {
    let full = level == FormLevel::Full;
    let mut errors = Vec::new();
    let e = &mut errors;

    let family_name = take(PersonName::parse("family_name", input.family_name), e);
    let given_name = take(PersonName::parse("given_name", input.given_name), e);
    let family_name_kana = take(Kana::parse("family_name_kana", input.family_name_kana), e);
    let given_name_kana = take(Kana::parse("given_name_kana", input.given_name_kana), e);
    let birth_date = take_optional("birth_date", input.birth_date, full, e, |raw| {
        birth_date(raw, today)
    });
    let postal_code = take_optional("postal_code", input.postal_code, full, e, postal_code);
    let prefecture = take_optional("prefecture", input.prefecture, full, e, prefecture);
    let address = take_optional("address", input.address, full, e, address);
    let phone = take_optional("phone", input.phone, level != FormLevel::Minimal, e, phone);
    let price_category = take(price_category(input.price_category), e);
    // A member number typed before switching to another category is left
    // behind by the form, not meant for us.
    let member_number = match price_category {
        Some("member") => take(member_number(input.member_number), e),
        _ => None,
    };
    let support_scheme = take(support_scheme(input.support_scheme), e).flatten();
    let qualifications = take(long_text("qualifications", input.qualifications), e).flatten();
    let accessibility = take(accessibility(input.accessibility), e).unwrap_or_default();
    let companions = take(companions(level, input.companions), e).unwrap_or_default();
    let special_care_notes =
        take(long_text("special_care_notes", input.special_care_notes), e).flatten();
    // 要配慮個人情報 may only be collected with explicit consent (個人情報保護法
    // art. 20(2)); without it the notes must not be stored at all.
    if special_care_notes.is_some() && !input.special_care_consent {
        e.push(DomainError::new(
            "special_care_consent",
            "err-special-care-consent",
        ));
    }
    if !input.consent {
        e.push(DomainError::new("consent", "err-consent-required"));
    }

    let (
        Some(family_name),
        Some(given_name),
        Some(family_name_kana),
        Some(given_name_kana),
        Some(price_category),
    ) = (
        family_name,
        given_name,
        family_name_kana,
        given_name_kana,
        price_category,
    )
    else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Application {
        level,
        family_name,
        given_name,
        family_name_kana,
        given_name_kana,
        birth_date,
        postal_code,
        prefecture,
        address,
        phone,
        price_category,
        member_number,
        support_scheme,
        qualifications,
        accessibility,
        companions,
        special_care_notes,
        special_care_consent: input.special_care_consent,
    })
}

impl Application {
    pub fn level(&self) -> FormLevel {
        self.level
    }

    pub fn family_name(&self) -> &PersonName {
        &self.family_name
    }

    pub fn given_name(&self) -> &PersonName {
        &self.given_name
    }

    pub fn family_name_kana(&self) -> &Kana {
        &self.family_name_kana
    }

    pub fn given_name_kana(&self) -> &Kana {
        &self.given_name_kana
    }

    pub fn birth_date(&self) -> Option<NaiveDate> {
        self.birth_date
    }

    /// As typed: `123-4567` or `1234567`.
    pub fn postal_code(&self) -> Option<&str> {
        self.postal_code.as_deref()
    }

    /// Always `123-4567`, for printing and for address look-ups.
    pub fn postal_code_normalized(&self) -> Option<String> {
        let digits: String = self
            .postal_code
            .as_deref()?
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        Some(format!("{}-{}", &digits[..3], &digits[3..]))
    }

    pub fn prefecture(&self) -> Option<&str> {
        self.prefecture
    }

    /// 市区町村・番地・建物名.
    pub fn address(&self) -> Option<&str> {
        self.address.as_deref()
    }

    /// As typed, with or without hyphens.
    pub fn phone(&self) -> Option<&str> {
        self.phone.as_deref()
    }

    /// One of [`PRICE_CATEGORIES`].
    pub fn price_category(&self) -> &str {
        self.price_category
    }

    /// Only for the `member` price category.
    pub fn member_number(&self) -> Option<&str> {
        self.member_number.as_deref()
    }

    /// One of [`SUPPORT_SCHEMES`], or `None` when no public support is used.
    pub fn support_scheme(&self) -> Option<&str> {
        self.support_scheme
    }

    pub fn qualifications(&self) -> Option<&str> {
        self.qualifications.as_deref()
    }

    /// Values from [`ACCESSIBILITY_NEEDS`], in the order sent.
    pub fn accessibility(&self) -> &[String] {
        &self.accessibility
    }

    /// People coming along to a symposium; always 0 for other courses.
    pub fn companions(&self) -> u8 {
        self.companions
    }

    /// 要配慮個人情報: keep it apart from the rest and show it only to staff
    /// who need it. Present only when the applicant consented.
    pub fn special_care_notes(&self) -> Option<&str> {
        self.special_care_notes.as_deref()
    }

    pub fn special_care_consent(&self) -> bool {
        self.special_care_consent
    }

    /// The application for storage, without the special-care notes and the
    /// consent that goes with them: those belong in their own, restricted
    /// place, and even the consent flag would reveal that notes exist.
    pub fn to_json(&self) -> Value {
        json!({
            "form_level": self.level.as_str(),
            "family_name": self.family_name,
            "given_name": self.given_name,
            "family_name_kana": self.family_name_kana,
            "given_name_kana": self.given_name_kana,
            "birth_date": self.birth_date.map(|d| d.format("%Y-%m-%d").to_string()),
            "postal_code": self.postal_code,
            "prefecture": self.prefecture,
            "address": self.address,
            "phone": self.phone,
            "price_category": self.price_category,
            "member_number": self.member_number,
            "support_scheme": self.support_scheme,
            "qualifications": self.qualifications,
            "accessibility": self.accessibility,
            "companions": self.companions,
            // `parse` refuses an application without it, so it is always true.
            "consent": true,
        })
    }
}

/// A course's own question, e.g. "昼食の弁当を注文しますか".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionKind {
    Text,
    Choice(Vec<String>),
    YesNo,
}

/// `(question id, answer as typed)`.
pub type Answer = (i64, String);

/// `(question id, message key)`.
pub type AnswerError = (i64, &'static str);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: i64,
    pub kind: QuestionKind,
    pub required: bool,
}

/// Answers to a course's questions, in the order of `questions`.
///
/// Unanswered optional questions are left out. Answers to questions the
/// course no longer has (a stale form) are ignored. Errors are
/// `(question id, message key)`.
pub fn parse_answers(
    questions: &[Question],
    raw: &BTreeMap<i64, String>,
) -> Result<Vec<Answer>, Vec<AnswerError>> {
    let mut answers = Vec::new();
    let mut errors = Vec::new();
    for question in questions {
        let value = raw.get(&question.id).map_or("", |s| trim(s));
        if value.is_empty() {
            if question.required {
                errors.push((question.id, "err-required"));
            }
            continue;
        }
        let checked = match &question.kind {
            QuestionKind::Text => check_long_text(value),
            QuestionKind::Choice(options) if options.iter().any(|o| o == value) => Ok(()),
            QuestionKind::Choice(_) => Err("err-choice-invalid"),
            QuestionKind::YesNo if matches!(value, "yes" | "no") => Ok(()),
            QuestionKind::YesNo => Err("err-yes-no-invalid"),
        };
        match checked {
            Ok(()) => answers.push((question.id, value.to_owned())),
            Err(key) => errors.push((question.id, key)),
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

fn take<T>(result: Result<T, DomainError>, errors: &mut Vec<DomainError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// A field that is required on some forms and optional on others; when it
/// is filled in, it is checked the same way everywhere.
fn take_optional<T>(
    field: &'static str,
    raw: &str,
    required: bool,
    errors: &mut Vec<DomainError>,
    check: impl FnOnce(&str) -> Result<T, &'static str>,
) -> Option<T> {
    let value = trim(raw);
    if value.is_empty() {
        if required {
            errors.push(DomainError::new(field, "err-required"));
        }
        return None;
    }
    check(value)
        .map_err(|key| errors.push(DomainError::new(field, key)))
        .ok()
}

/// Surrounding whitespace, including the ideographic space a Japanese IME
/// types, is never meant.
fn trim(raw: &str) -> &str {
    raw.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\u{3000}')
}

pub fn birth_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, &'static str> {
    let date = iso_date(raw).ok_or("err-date-invalid")?;
    if date > today {
        return Err("err-birth-date-future");
    }
    if !(MIN_AGE..=MAX_AGE).contains(&age_on(date, today)) {
        return Err("err-birth-date-implausible");
    }
    Ok(date)
}

/// Exactly `YYYY-MM-DD`; chrono's parser would also take `1970-4-1`, which
/// no date input sends and which hides a typing mistake as often as not.
fn iso_date(raw: &str) -> Option<NaiveDate> {
    let b = raw.as_bytes();
    let shape_ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape_ok {
        return None;
    }
    let number = |range: std::ops::Range<usize>| raw[range].parse().ok();
    NaiveDate::from_ymd_opt(number(0..4)?, number(5..7)? as u32, number(8..10)? as u32)
}

/// Completed years; someone born on 29 February turns a year older on
/// 1 March in common years.
fn age_on(birth: NaiveDate, today: NaiveDate) -> i32 {
    let before_birthday = (today.month(), today.day()) < (birth.month(), birth.day());
    today.year() - birth.year() - i32::from(before_birthday)
}

fn postal_code(raw: &str) -> Result<String, &'static str> {
    if raw.chars().any(is_wide_digit_or_dash) {
        return Err("err-postal-fullwidth");
    }
    let b = raw.as_bytes();
    let valid = match b.len() {
        7 => b.iter().all(u8::is_ascii_digit),
        8 => b[3] == b'-' && b[..3].iter().chain(&b[4..]).all(u8::is_ascii_digit),
        _ => false,
    };
    if valid {
        Ok(raw.to_owned())
    } else {
        Err("err-postal-invalid")
    }
}

fn prefecture(raw: &str) -> Result<&'static str, &'static str> {
    PREFECTURES
        .iter()
        .find(|p| **p == raw)
        .copied()
        .ok_or("err-prefecture-invalid")
}

fn address(raw: &str) -> Result<String, &'static str> {
    if raw.chars().count() > MAX_ADDRESS_CHARS {
        return Err("err-address-too-long");
    }
    // An address is one line on every label and export; a line break or
    // other control character in it would break CSV files sent to the
    // prefecture.
    if raw.chars().any(char::is_control) {
        return Err("err-address-invalid-char");
    }
    Ok(raw.to_owned())
}

/// Japanese numbers: 0 then 9 or 10 more digits (03-1234-5678,
/// 090-1234-5678, 0120-123-456), hyphens anywhere between digits.
pub fn phone(raw: &str) -> Result<String, &'static str> {
    if raw.chars().any(is_wide_digit_or_dash) {
        return Err("err-phone-fullwidth");
    }
    let well_formed = raw.starts_with('0')
        && !raw.ends_with('-')
        && !raw.contains("--")
        && raw.bytes().all(|c| c.is_ascii_digit() || c == b'-');
    let digits = raw.bytes().filter(u8::is_ascii_digit).count();
    if well_formed && (digits == 10 || digits == 11) {
        Ok(raw.to_owned())
    } else {
        Err("err-phone-invalid")
    }
}

/// Full-width digits and the dashes a Japanese IME types in place of `-`.
///
/// They look right on screen, so the message asks for half-width input
/// rather than just calling the value invalid.
fn is_wide_digit_or_dash(c: char) -> bool {
    matches!(
        c,
        '０'..='９' | '－' | 'ー' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−'
    )
}

fn price_category(raw: &str) -> Result<&'static str, DomainError> {
    let value = trim(raw);
    if value.is_empty() {
        return Err(DomainError::new("price_category", "err-required"));
    }
    PRICE_CATEGORIES
        .iter()
        .find(|c| **c == value)
        .copied()
        .ok_or(DomainError::new(
            "price_category",
            "err-price-category-invalid",
        ))
}

pub fn member_number(raw: &str) -> Result<String, DomainError> {
    let value = trim(raw);
    if value.is_empty() {
        return Err(DomainError::new(
            "member_number",
            "err-member-number-required",
        ));
    }
    if !MEMBER_NUMBER_CHARS.contains(&value.len())
        || !value.bytes().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(DomainError::new(
            "member_number",
            "err-member-number-invalid",
        ));
    }
    Ok(value.to_owned())
}

fn support_scheme(raw: &str) -> Result<Option<&'static str>, DomainError> {
    let value = trim(raw);
    if value.is_empty() {
        return Ok(None);
    }
    SUPPORT_SCHEMES
        .iter()
        .find(|s| **s == value)
        .map(|s| Some(*s))
        .ok_or(DomainError::new(
            "support_scheme",
            "err-support-scheme-invalid",
        ))
}

/// Optional free text from a textarea.
fn long_text(field: &'static str, raw: &str) -> Result<Option<String>, DomainError> {
    let value = trim(raw);
    if value.is_empty() {
        return Ok(None);
    }
    check_long_text(value).map_err(|key| DomainError::new(field, key))?;
    Ok(Some(value.to_owned()))
}

fn check_long_text(value: &str) -> Result<(), &'static str> {
    // Browsers count a line break as one character for `maxlength` but send
    // it as CRLF; counting the CR too would reject text the form accepted.
    if value.chars().filter(|c| *c != '\r').count() > MAX_TEXT_CHARS {
        return Err("err-free-text-too-long");
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err("err-free-text-invalid-char");
    }
    Ok(())
}

/// Checkbox values; anything else was not offered by the form.
fn accessibility(values: &[String]) -> Result<Vec<String>, DomainError> {
    let known = values
        .iter()
        .all(|v| ACCESSIBILITY_NEEDS.contains(&v.as_str()));
    let repeated = values
        .iter()
        .enumerate()
        .any(|(i, v)| values[..i].contains(v));
    if !known || repeated {
        return Err(DomainError::new(
            "accessibility",
            "err-accessibility-invalid",
        ));
    }
    Ok(values.to_vec())
}

fn companions(level: FormLevel, raw: &str) -> Result<u8, DomainError> {
    let invalid = DomainError::new("companions", "err-companions-invalid");
    let value = trim(raw);
    if value.is_empty() {
        return Ok(0);
    }
    // Only symposia let people bring someone along.
    if level != FormLevel::Minimal || !value.bytes().all(|c| c.is_ascii_digit()) {
        return Err(invalid);
    }
    match value.parse::<u8>() {
        Ok(n) if n <= MAX_COMPANIONS => Ok(n),
        _ => Err(invalid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        ymd(2026, 4, 1)
    }

    fn valid() -> ApplicationInput<'static> {
        ApplicationInput {
            family_name: "髙橋",
            given_name: "花子",
            family_name_kana: "タカハシ",
            given_name_kana: "ハナコ",
            birth_date: "1958-11-03",
            postal_code: "114-0001",
            prefecture: "東京都",
            address: "北区東十条1-2-3 コーポ東十条101",
            phone: "03-1234-5678",
            price_category: "general",
            member_number: "",
            support_scheme: "",
            qualifications: "",
            accessibility: &[],
            companions: "",
            special_care_notes: "",
            special_care_consent: false,
            consent: true,
        }
    }

    fn minimal() -> ApplicationInput<'static> {
        ApplicationInput {
            birth_date: "",
            postal_code: "",
            prefecture: "",
            address: "",
            phone: "",
            ..valid()
        }
    }

    fn errors(level: FormLevel, input: &ApplicationInput<'_>) -> Vec<(&'static str, &'static str)> {
        match parse(level, input, today()) {
            Ok(_) => vec![],
            Err(errors) => errors.iter().map(|e| (e.field, e.key)).collect(),
        }
    }

    fn full_errors(input: &ApplicationInput<'_>) -> Vec<(&'static str, &'static str)> {
        errors(FormLevel::Full, input)
    }

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_complete_helper_course_application_parses_with_every_value_kept() {
        let a = parse(FormLevel::Full, &valid(), today()).unwrap();
        assert_eq!(a.level(), FormLevel::Full);
        assert_eq!(a.family_name().as_str(), "髙橋");
        assert_eq!(a.given_name().as_str(), "花子");
        assert_eq!(a.family_name_kana().as_str(), "タカハシ");
        assert_eq!(a.given_name_kana().as_str(), "ハナコ");
        assert_eq!(a.birth_date(), Some(ymd(1958, 11, 3)));
        assert_eq!(a.postal_code(), Some("114-0001"));
        assert_eq!(a.prefecture(), Some("東京都"));
        assert_eq!(a.address(), Some("北区東十条1-2-3 コーポ東十条101"));
        assert_eq!(a.phone(), Some("03-1234-5678"));
        assert_eq!(a.price_category(), "general");
        assert_eq!(a.member_number(), None);
        assert_eq!(a.support_scheme(), None);
        assert_eq!(a.qualifications(), None);
        assert!(a.accessibility().is_empty());
        assert_eq!(a.companions(), 0);
        assert_eq!(a.special_care_notes(), None);
    }

    #[test]
    fn a_symposium_needs_only_names_price_category_and_consent() {
        let a = parse(FormLevel::Minimal, &minimal(), today()).unwrap();
        assert_eq!(a.birth_date(), None);
        assert_eq!(a.postal_code(), None);
        assert_eq!(a.prefecture(), None);
        assert_eq!(a.address(), None);
        assert_eq!(a.phone(), None);
    }

    #[test]
    fn a_community_course_also_needs_a_phone_number() {
        assert_eq!(
            errors(FormLevel::Short, &minimal()),
            [("phone", "err-required")]
        );
        let input = ApplicationInput {
            phone: "090-1234-5678",
            ..minimal()
        };
        assert_eq!(errors(FormLevel::Short, &input), []);
    }

    #[test]
    fn a_helper_course_requires_birth_date_and_full_address_and_phone() {
        assert_eq!(
            full_errors(&minimal()),
            [
                ("birth_date", "err-required"),
                ("postal_code", "err-required"),
                ("prefecture", "err-required"),
                ("address", "err-required"),
                ("phone", "err-required"),
            ]
        );
    }

    #[test]
    fn optional_fields_that_are_filled_in_are_still_checked() {
        let input = ApplicationInput {
            birth_date: "1958/11/03",
            postal_code: "114",
            ..minimal()
        };
        assert_eq!(
            errors(FormLevel::Minimal, &input),
            [
                ("birth_date", "err-date-invalid"),
                ("postal_code", "err-postal-invalid")
            ]
        );
    }

    #[test]
    fn every_problem_is_reported_at_once_under_the_input_field_names() {
        let accessibility = strings(&["ramp"]);
        let long = "あ".repeat(1001);
        let input = ApplicationInput {
            family_name: "",
            given_name: "花\u{7}子",
            family_name_kana: "たかはし",
            given_name_kana: "ﾊﾅｺ",
            birth_date: "2030-01-01",
            postal_code: "１１４-０００１",
            prefecture: "東京",
            address: "北区\n東十条",
            phone: "１２３",
            price_category: "vip",
            support_scheme: "voucher",
            qualifications: &long,
            accessibility: &accessibility,
            companions: "1",
            special_care_notes: "腰痛があります",
            special_care_consent: false,
            consent: false,
            ..valid()
        };
        assert_eq!(
            full_errors(&input),
            [
                ("family_name", "err-required"),
                ("given_name", "err-name-invalid-char"),
                ("family_name_kana", "err-kana-hiragana"),
                ("given_name_kana", "err-kana-halfwidth"),
                ("birth_date", "err-birth-date-future"),
                ("postal_code", "err-postal-fullwidth"),
                ("prefecture", "err-prefecture-invalid"),
                ("address", "err-address-invalid-char"),
                ("phone", "err-phone-fullwidth"),
                ("price_category", "err-price-category-invalid"),
                ("support_scheme", "err-support-scheme-invalid"),
                ("qualifications", "err-free-text-too-long"),
                ("accessibility", "err-accessibility-invalid"),
                ("companions", "err-companions-invalid"),
                ("special_care_consent", "err-special-care-consent"),
                ("consent", "err-consent-required"),
            ]
        );
    }

    fn birth_date_error(raw: &str) -> Vec<(&'static str, &'static str)> {
        full_errors(&ApplicationInput {
            birth_date: raw,
            ..valid()
        })
    }

    #[test]
    fn a_birth_date_must_be_a_real_date_in_yyyy_mm_dd_form() {
        for raw in [
            "1958-02-30",
            "1958-13-01",
            "1958/11/03",
            "1958-1-3",
            "19581103",
            "昭和33年11月3日",
            "１９５８-１１-０３",
            "+1958-11-03",
            "1958-11-03T00:00",
        ] {
            assert_eq!(
                birth_date_error(raw),
                [("birth_date", "err-date-invalid")],
                "{raw}"
            );
        }
    }

    #[test]
    fn a_birth_date_after_today_is_in_the_future() {
        assert_eq!(
            birth_date_error("2026-04-02"),
            [("birth_date", "err-birth-date-future")]
        );
    }

    #[test]
    fn applicants_must_be_between_fifteen_and_one_hundred_and_twenty() {
        assert_eq!(birth_date_error("2011-04-01"), []);
        assert_eq!(
            birth_date_error("2011-04-02"),
            [("birth_date", "err-birth-date-implausible")]
        );
        assert_eq!(
            birth_date_error("2026-04-01"),
            [("birth_date", "err-birth-date-implausible")]
        );
        assert_eq!(birth_date_error("1905-04-02"), []);
        assert_eq!(
            birth_date_error("1905-04-01"),
            [("birth_date", "err-birth-date-implausible")]
        );
    }

    #[test]
    fn someone_born_on_leap_day_has_their_birthday_on_the_first_of_march() {
        assert_eq!(age_on(ymd(2008, 2, 29), ymd(2023, 2, 28)), 14);
        assert_eq!(age_on(ymd(2008, 2, 29), ymd(2023, 3, 1)), 15);
    }

    fn postal(raw: &str) -> Result<Application, Vec<(&'static str, &'static str)>> {
        parse(
            FormLevel::Full,
            &ApplicationInput {
                postal_code: raw,
                ..valid()
            },
            today(),
        )
        .map_err(|es| es.iter().map(|e| (e.field, e.key)).collect())
    }

    #[test]
    fn a_postal_code_is_kept_as_typed_and_offered_normalized() {
        let with_hyphen = postal("114-0001").unwrap();
        assert_eq!(with_hyphen.postal_code(), Some("114-0001"));
        assert_eq!(
            with_hyphen.postal_code_normalized().as_deref(),
            Some("114-0001")
        );
        let digits_only = postal("1140001").unwrap();
        assert_eq!(digits_only.postal_code(), Some("1140001"));
        assert_eq!(
            digits_only.postal_code_normalized().as_deref(),
            Some("114-0001")
        );
    }

    #[test]
    fn full_width_digits_or_dashes_in_a_postal_code_get_a_half_width_hint() {
        for raw in [
            "１１４-０００１",
            "１１４０００１",
            "114－0001",
            "114ー0001",
            "114−0001",
        ] {
            assert_eq!(
                postal(raw).unwrap_err(),
                [("postal_code", "err-postal-fullwidth")],
                "{raw}"
            );
        }
    }

    #[test]
    fn other_malformed_postal_codes_are_invalid() {
        for raw in [
            "114-001",
            "11400011",
            "1140-001",
            "114 0001",
            "〒114-0001",
            "abc-defg",
            "114--001",
        ] {
            assert_eq!(
                postal(raw).unwrap_err(),
                [("postal_code", "err-postal-invalid")],
                "{raw}"
            );
        }
    }

    #[test]
    fn there_are_forty_seven_distinct_prefectures_from_hokkaido_to_okinawa() {
        let mut sorted = PREFECTURES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 47);
        assert_eq!(PREFECTURES[0], "北海道");
        assert_eq!(PREFECTURES[12], "東京都");
        assert_eq!(PREFECTURES[26], "大阪府");
        assert_eq!(PREFECTURES[46], "沖縄県");
    }

    #[test]
    fn a_prefecture_must_be_written_exactly_as_in_the_list() {
        for raw in ["東京", "Tokyo", "大阪県", "北海道庁"] {
            let input = ApplicationInput {
                prefecture: raw,
                ..valid()
            };
            assert_eq!(
                full_errors(&input),
                [("prefecture", "err-prefecture-invalid")],
                "{raw}"
            );
        }
        for raw in PREFECTURES {
            assert_eq!(
                full_errors(&ApplicationInput {
                    prefecture: raw,
                    ..valid()
                }),
                []
            );
        }
    }

    #[test]
    fn an_address_may_have_two_hundred_characters_but_no_line_breaks() {
        let fits = "東".repeat(200);
        let too_long = "東".repeat(201);
        assert_eq!(
            full_errors(&ApplicationInput {
                address: &fits,
                ..valid()
            }),
            []
        );
        assert_eq!(
            full_errors(&ApplicationInput {
                address: &too_long,
                ..valid()
            }),
            [("address", "err-address-too-long")]
        );
        assert_eq!(
            full_errors(&ApplicationInput {
                address: "北区\t東十条",
                ..valid()
            }),
            [("address", "err-address-invalid-char")]
        );
    }

    fn phone_errors(raw: &str) -> Vec<(&'static str, &'static str)> {
        full_errors(&ApplicationInput {
            phone: raw,
            ..valid()
        })
    }

    #[test]
    fn landline_mobile_and_free_dial_numbers_are_accepted_with_or_without_hyphens() {
        for raw in [
            "03-1234-5678",
            "0312345678",
            "090-1234-5678",
            "09012345678",
            "0120-123-456",
            "0166-12-3456",
        ] {
            assert_eq!(phone_errors(raw), [], "{raw}");
        }
    }

    #[test]
    fn a_phone_number_is_kept_as_typed() {
        let a = parse(
            FormLevel::Full,
            &ApplicationInput {
                phone: "090-1234-5678",
                ..valid()
            },
            today(),
        )
        .unwrap();
        assert_eq!(a.phone(), Some("090-1234-5678"));
    }

    #[test]
    fn full_width_digits_in_a_phone_number_get_a_half_width_hint() {
        for raw in ["０３-１２３４-５６７８", "03ー1234ー5678"] {
            assert_eq!(
                phone_errors(raw),
                [("phone", "err-phone-fullwidth")],
                "{raw}"
            );
        }
    }

    #[test]
    fn malformed_phone_numbers_are_invalid() {
        for raw in [
            "3-1234-5678",
            "03-1234-567",
            "090-1234-56789",
            "-0312345678",
            "0312345678-",
            "03--1234-5678",
            "+81-3-1234-5678",
            "03 1234 5678",
            "(03)1234-5678",
        ] {
            assert_eq!(phone_errors(raw), [("phone", "err-phone-invalid")], "{raw}");
        }
    }

    #[test]
    fn a_symposium_phone_number_is_optional_but_checked_when_given() {
        assert_eq!(
            errors(
                FormLevel::Minimal,
                &ApplicationInput {
                    phone: "123",
                    ..minimal()
                }
            ),
            [("phone", "err-phone-invalid")]
        );
    }

    #[test]
    fn every_price_category_is_accepted_and_an_empty_one_is_required() {
        for category in PRICE_CATEGORIES {
            let input = ApplicationInput {
                price_category: category,
                member_number: "A1234",
                ..minimal()
            };
            let a = parse(FormLevel::Minimal, &input, today()).unwrap();
            assert_eq!(a.price_category(), category);
        }
        assert_eq!(
            errors(
                FormLevel::Minimal,
                &ApplicationInput {
                    price_category: "",
                    ..minimal()
                }
            ),
            [("price_category", "err-required")]
        );
    }

    #[test]
    fn a_member_must_give_a_member_number_of_four_to_twelve_letters_or_digits() {
        let member = |number| ApplicationInput {
            price_category: "member",
            member_number: number,
            ..valid()
        };
        assert_eq!(
            full_errors(&member("")),
            [("member_number", "err-member-number-required")]
        );
        for bad in ["123", "1234567890123", "12-34", "１２３４", "A 1234"] {
            assert_eq!(
                full_errors(&member(bad)),
                [("member_number", "err-member-number-invalid")],
                "{bad}"
            );
        }
        let a = parse(FormLevel::Full, &member("K0012345"), today()).unwrap();
        assert_eq!(a.member_number(), Some("K0012345"));
    }

    #[test]
    fn a_member_number_left_over_in_another_price_category_is_not_kept() {
        let input = ApplicationInput {
            price_category: "general",
            member_number: "oops",
            ..valid()
        };
        let a = parse(FormLevel::Full, &input, today()).unwrap();
        assert_eq!(a.member_number(), None);
    }

    #[test]
    fn a_support_scheme_is_empty_or_one_of_the_known_schemes() {
        for scheme in SUPPORT_SCHEMES {
            let a = parse(
                FormLevel::Full,
                &ApplicationInput {
                    support_scheme: scheme,
                    ..valid()
                },
                today(),
            )
            .unwrap();
            assert_eq!(a.support_scheme(), Some(scheme));
        }
        assert_eq!(
            full_errors(&ApplicationInput {
                support_scheme: "教育訓練給付金",
                ..valid()
            }),
            [("support_scheme", "err-support-scheme-invalid")]
        );
    }

    #[test]
    fn qualifications_keep_their_line_breaks_and_may_have_a_thousand_characters() {
        let text = "ホームヘルパー2級（2005年）\r\n介護施設で3年勤務";
        let a = parse(
            FormLevel::Full,
            &ApplicationInput {
                qualifications: text,
                ..valid()
            },
            today(),
        )
        .unwrap();
        assert_eq!(a.qualifications(), Some(text));
        let lines = "あ\r\n".repeat(500);
        assert_eq!(
            full_errors(&ApplicationInput {
                qualifications: &lines,
                ..valid()
            }),
            []
        );
        assert_eq!(
            full_errors(&ApplicationInput {
                qualifications: "資格\u{0}",
                ..valid()
            }),
            [("qualifications", "err-free-text-invalid-char")]
        );
    }

    #[test]
    fn accessibility_requests_must_come_from_the_list_and_not_repeat() {
        let all = strings(&ACCESSIBILITY_NEEDS);
        let a = parse(
            FormLevel::Minimal,
            &ApplicationInput {
                accessibility: &all,
                ..minimal()
            },
            today(),
        )
        .unwrap();
        assert_eq!(a.accessibility(), all.as_slice());
        for bad in [
            strings(&["wheelchair", "ramp"]),
            strings(&["Wheelchair"]),
            strings(&["childcare", "childcare"]),
        ] {
            assert_eq!(
                errors(
                    FormLevel::Minimal,
                    &ApplicationInput {
                        accessibility: &bad,
                        ..minimal()
                    }
                ),
                [("accessibility", "err-accessibility-invalid")],
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_symposium_applicant_may_bring_up_to_four_companions() {
        let companions = |raw| {
            parse(
                FormLevel::Minimal,
                &ApplicationInput {
                    companions: raw,
                    ..minimal()
                },
                today(),
            )
        };
        assert_eq!(companions("").unwrap().companions(), 0);
        assert_eq!(companions("0").unwrap().companions(), 0);
        assert_eq!(companions("4").unwrap().companions(), 4);
        for bad in ["5", "-1", "+1", "１", "2人", "1.0", "300"] {
            let errors: Vec<_> = companions(bad)
                .unwrap_err()
                .iter()
                .map(|e| (e.field, e.key))
                .collect();
            assert_eq!(errors, [("companions", "err-companions-invalid")], "{bad}");
        }
    }

    #[test]
    fn only_symposia_take_companions() {
        for level in [FormLevel::Full, FormLevel::Short] {
            let input = ApplicationInput {
                companions: "0",
                ..valid()
            };
            assert_eq!(
                errors(level, &input),
                [("companions", "err-companions-invalid")]
            );
        }
    }

    #[test]
    fn special_care_notes_need_their_own_consent() {
        let notes = ApplicationInput {
            special_care_notes: "車椅子を使用しています",
            ..valid()
        };
        assert_eq!(
            full_errors(&notes),
            [("special_care_consent", "err-special-care-consent")]
        );
        let consented = ApplicationInput {
            special_care_consent: true,
            ..notes
        };
        let a = parse(FormLevel::Full, &consented, today()).unwrap();
        assert_eq!(a.special_care_notes(), Some("車椅子を使用しています"));
        assert!(a.special_care_consent());
    }

    #[test]
    fn blank_special_care_notes_need_no_consent() {
        let input = ApplicationInput {
            special_care_notes: " \u{3000}",
            ..valid()
        };
        let a = parse(FormLevel::Full, &input, today()).unwrap();
        assert_eq!(a.special_care_notes(), None);
    }

    #[test]
    fn special_care_notes_are_limited_to_a_thousand_characters() {
        let long = "あ".repeat(1001);
        let input = ApplicationInput {
            special_care_notes: &long,
            special_care_consent: true,
            ..valid()
        };
        assert_eq!(
            full_errors(&input),
            [("special_care_notes", "err-free-text-too-long")]
        );
    }

    #[test]
    fn consent_to_the_purpose_of_use_is_always_required() {
        for level in [FormLevel::Full, FormLevel::Short, FormLevel::Minimal] {
            let input = ApplicationInput {
                consent: false,
                ..valid()
            };
            let input = if level == FormLevel::Full {
                input
            } else {
                ApplicationInput {
                    companions: "",
                    ..input
                }
            };
            assert_eq!(
                errors(level, &input),
                [("consent", "err-consent-required")],
                "{level:?}"
            );
        }
    }

    #[test]
    fn surrounding_spaces_are_trimmed_but_nothing_else_is_changed() {
        let input = ApplicationInput {
            postal_code: " 1140001\u{3000}",
            phone: " 0312345678 ",
            address: "\u{3000}北区東十条１－２－３ ",
            ..valid()
        };
        let a = parse(FormLevel::Full, &input, today()).unwrap();
        assert_eq!(a.postal_code(), Some("1140001"));
        assert_eq!(a.phone(), Some("0312345678"));
        // Full-width characters are normal in the street part of an address.
        assert_eq!(a.address(), Some("北区東十条１－２－３"));
    }

    #[test]
    fn the_stored_json_holds_everything_but_the_special_care_notes() {
        let accessibility = strings(&["wheelchair", "captioning"]);
        let input = ApplicationInput {
            price_category: "member",
            member_number: "K0012345",
            support_scheme: "kyoiku_kunren",
            qualifications: "なし",
            accessibility: &accessibility,
            special_care_notes: "持病の薬を服用しています",
            special_care_consent: true,
            ..valid()
        };
        let json = parse(FormLevel::Full, &input, today()).unwrap().to_json();
        assert_eq!(
            json,
            serde_json::json!({
                "form_level": "full",
                "family_name": "髙橋",
                "given_name": "花子",
                "family_name_kana": "タカハシ",
                "given_name_kana": "ハナコ",
                "birth_date": "1958-11-03",
                "postal_code": "114-0001",
                "prefecture": "東京都",
                "address": "北区東十条1-2-3 コーポ東十条101",
                "phone": "03-1234-5678",
                "price_category": "member",
                "member_number": "K0012345",
                "support_scheme": "kyoiku_kunren",
                "qualifications": "なし",
                "accessibility": ["wheelchair", "captioning"],
                "companions": 0,
                "consent": true,
            })
        );
        assert!(!json.to_string().contains("持病"));
        assert!(!json.to_string().contains("special_care"));
    }

    #[test]
    fn missing_optional_values_are_null_in_the_stored_json() {
        let json = parse(FormLevel::Minimal, &minimal(), today())
            .unwrap()
            .to_json();
        assert_eq!(json["form_level"], "minimal");
        assert_eq!(json["birth_date"], Value::Null);
        assert_eq!(json["phone"], Value::Null);
        assert_eq!(json["member_number"], Value::Null);
    }

    fn question(id: i64, kind: QuestionKind, required: bool) -> Question {
        Question { id, kind, required }
    }

    fn answers(pairs: &[(i64, &str)]) -> BTreeMap<i64, String> {
        pairs.iter().map(|(id, v)| (*id, v.to_string())).collect()
    }

    fn course_questions() -> Vec<Question> {
        vec![
            question(1, QuestionKind::Text, false),
            question(
                2,
                QuestionKind::Choice(strings(&["幕の内弁当", "ベジタリアン弁当", "不要"])),
                true,
            ),
            question(3, QuestionKind::YesNo, true),
        ]
    }

    #[test]
    fn valid_answers_come_back_in_question_order_and_unanswered_optional_ones_are_left_out() {
        let raw = answers(&[(3, "yes"), (2, "ベジタリアン弁当"), (1, "")]);
        assert_eq!(
            parse_answers(&course_questions(), &raw).unwrap(),
            [(2, "ベジタリアン弁当".to_string()), (3, "yes".to_string())]
        );
    }

    #[test]
    fn unanswered_required_questions_are_reported_by_id() {
        let raw = answers(&[(2, " ")]);
        assert_eq!(
            parse_answers(&course_questions(), &raw).unwrap_err(),
            [(2, "err-required"), (3, "err-required")]
        );
    }

    #[test]
    fn choices_must_be_offered_options_and_yes_no_must_be_yes_or_no() {
        let raw = answers(&[(2, "カツ丼"), (3, "はい")]);
        assert_eq!(
            parse_answers(&course_questions(), &raw).unwrap_err(),
            [(2, "err-choice-invalid"), (3, "err-yes-no-invalid")]
        );
    }

    #[test]
    fn text_answers_are_limited_to_a_thousand_characters_without_control_characters() {
        let long = "あ".repeat(1001);
        let raw = answers(&[(1, &long), (2, "不要"), (3, "no")]);
        assert_eq!(
            parse_answers(&course_questions(), &raw).unwrap_err(),
            [(1, "err-free-text-too-long")]
        );
        let raw = answers(&[(1, "a\u{1b}b"), (2, "不要"), (3, "no")]);
        assert_eq!(
            parse_answers(&course_questions(), &raw).unwrap_err(),
            [(1, "err-free-text-invalid-char")]
        );
    }

    #[test]
    fn answers_to_unknown_questions_are_ignored() {
        let raw = answers(&[(2, "不要"), (3, "no"), (99, "誰も聞いていない")]);
        assert_eq!(parse_answers(&course_questions(), &raw).unwrap().len(), 2);
    }

    #[test]
    fn a_course_without_questions_has_no_answers() {
        assert_eq!(parse_answers(&[], &answers(&[(1, "x")])).unwrap(), []);
    }

    // Message files: every key this module or the schedule can return must
    // be translated exactly once, or users see raw ids and the catalog
    // refuses to load.

    const APPLICATION_JA: &str = include_str!("../i18n/locales/ja/application.ftl");
    const APPLICATION_EN: &str = include_str!("../i18n/locales/en/application.ftl");
    const DOMAIN_JA: &str = include_str!("../i18n/locales/ja/domain.ftl");
    const DOMAIN_EN: &str = include_str!("../i18n/locales/en/domain.ftl");
    // Shared keys such as err-date-invalid are defined here.
    const CATALOG_JA: &str = include_str!("../i18n/locales/ja/catalog.ftl");
    const CATALOG_EN: &str = include_str!("../i18n/locales/en/catalog.ftl");

    fn defined_ids(ftl: &str) -> Vec<&str> {
        ftl.lines()
            .filter(|line| !line.starts_with(char::is_whitespace) && !line.starts_with('#'))
            .filter_map(|line| line.split_once('='))
            .map(|(id, _)| id.trim())
            .collect()
    }

    /// Every `"err-*"` string literal in the source, so a key added to the
    /// code without a translation fails here without updating a list.
    fn keys_in_source() -> Vec<&'static str> {
        // Split so this line does not count as a key itself.
        let prefix = concat!("\"", "err", "-");
        let sources = [include_str!("application.rs"), include_str!("schedule.rs")];
        let mut keys: Vec<&str> = sources
            .iter()
            .flat_map(|source| {
                source
                    .match_indices(prefix)
                    .filter_map(move |(at, _)| source[at + 1..].split_once('"'))
                    .map(|(key, _)| key)
            })
            .filter(|key| key.len() > 4 && key.bytes().all(|c| c.is_ascii_lowercase() || c == b'-'))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    #[test]
    fn every_key_the_code_returns_is_defined_once_in_each_language() {
        let keys = keys_in_source();
        assert!(keys.contains(&"err-consent-required") && keys.contains(&"err-schedule-too-many"));
        for (lang, files) in [
            ("ja", [APPLICATION_JA, DOMAIN_JA, CATALOG_JA]),
            ("en", [APPLICATION_EN, DOMAIN_EN, CATALOG_EN]),
        ] {
            let ids: Vec<&str> = files.into_iter().flat_map(defined_ids).collect();
            for key in &keys {
                let count = ids.iter().filter(|id| *id == key).count();
                assert_eq!(
                    count, 1,
                    "{lang}: `{key}` is defined {count} times in application, domain and catalog.ftl"
                );
            }
        }
    }

    #[test]
    fn both_languages_define_the_same_application_messages() {
        let mut ja = defined_ids(APPLICATION_JA);
        let mut en = defined_ids(APPLICATION_EN);
        ja.sort_unstable();
        en.sort_unstable();
        assert_eq!(ja, en);
    }

    #[test]
    fn shared_messages_are_not_redefined() {
        for ftl in [APPLICATION_JA, APPLICATION_EN] {
            assert!(!defined_ids(ftl).contains(&"err-required"));
            assert!(!defined_ids(ftl).contains(&"err-date-invalid"));
        }
    }
}
