//! Personal names (氏名) and their reading (フリガナ).
//!
//! Names are stored exactly as typed, apart from surrounding whitespace:
//! people are particular about 髙 versus 高, and a silent "fix" would put the
//! wrong name on a certificate. We only refuse what can never be part of a
//! name or what would be mis-sorted and mis-searched later.

use std::fmt;

use serde::Serialize;

use super::DomainError;

/// Longest name or reading we accept, in characters.
const MAX_CHARS: usize = 50;

/// A person's name as written, e.g. `山田 太郎` or `Maria Silva`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, DomainError> {
        let name = trim_and_measure(field, raw)?;
        if name.chars().any(|c| c.is_control() || is_bidi_control(c)) {
            return Err(DomainError::new(field, "err-name-invalid-char"));
        }
        // Half-width katakana is legal Unicode, but a name stored that way
        // would not match the same name typed in full width on a later form.
        if name.chars().any(is_halfwidth_katakana) {
            return Err(DomainError::new(field, "err-name-halfwidth-kana"));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The reading of a name in full-width katakana, e.g. `ヤマダ タロウ`.
///
/// Rosters are sorted by this, so it must be in one script only; we ask the
/// user to retype rather than converting, because a converted reading is a
/// guess the user never saw.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Kana(String);

impl Kana {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, DomainError> {
        let kana = trim_and_measure(field, raw)?;
        // The most specific hint wins: someone who typed hiragana anywhere
        // most likely forgot to switch the IME, whatever else is there.
        if kana.chars().any(is_hiragana) {
            return Err(DomainError::new(field, "err-kana-hiragana"));
        }
        if kana.chars().any(is_halfwidth_katakana) {
            return Err(DomainError::new(field, "err-kana-halfwidth"));
        }
        if !kana.chars().all(|c| is_katakana(c) || is_space(c)) {
            return Err(DomainError::new(field, "err-kana-invalid"));
        }
        Ok(Self(kana.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Kana {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A key that sorts katakana in 五十音 order, the way Japanese rosters are
/// read: カ, ガ and ヵ all sort as カ; ー, ・ and spaces are ignored.
///
/// Unicode code point order alone would put ガトウ after カネコ. Names that
/// share a key are not ordered by it; sort by `(gojuon_key(k), k)` for a
/// stable order in which the unvoiced form comes first. Hiragana is folded
/// to katakana so the key also works on search input; other characters are
/// kept as they are.
pub fn gojuon_key(kana: &str) -> String {
    let mut key = String::with_capacity(kana.len());
    let mut previous: Option<char> = None;
    for c in kana.chars() {
        let c = hiragana_to_katakana(c);
        let base = match c {
            'ー' | '・' | ' ' | '\u{3000}' => continue,
            // An iteration mark repeats the previous kana (サヽキ = ササキ);
            // voicing is ignored in the key, so ヾ is the same as ヽ.
            'ヽ' | 'ヾ' => match previous {
                Some(p) => p,
                None => continue,
            },
            c => plain_kana(c),
        };
        key.push(base);
        previous = Some(base);
    }
    key
}

/// Trims the input and applies the checks names and readings share.
fn trim_and_measure<'a>(field: &'static str, raw: &'a str) -> Result<&'a str, DomainError> {
    let trimmed = raw.trim_matches(is_trimmable);
    if trimmed.is_empty() {
        return Err(DomainError::new(field, "err-required"));
    }
    if trimmed.chars().count() > MAX_CHARS {
        return Err(DomainError::new(field, "err-too-long"));
    }
    Ok(trimmed)
}

/// Every Unicode space at the edges, not only ASCII and 全角: a name pasted
/// from elsewhere can end in a no-break or Ogham space nobody can see (found
/// by the `names` fuzz target: "[\u{fffd}\u{1680}" was kept as typed).
fn is_trimmable(c: char) -> bool {
    c.is_whitespace()
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\u{3000}'
}

/// Characters that reorder the text around them when displayed, which can
/// make a name look like someone else's.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

fn is_halfwidth_katakana(c: char) -> bool {
    ('\u{FF61}'..='\u{FF9F}').contains(&c)
}

fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{309D}'..='\u{309F}')
}

/// Full-width katakana letters and the marks a reading may contain.
fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | '\u{30FB}'..='\u{30FE}')
}

fn hiragana_to_katakana(c: char) -> char {
    match c {
        '\u{3041}'..='\u{3096}' | '\u{309D}'..='\u{309E}' => {
            char::from_u32(c as u32 + 0x60).unwrap_or(c)
        }
        _ => c,
    }
}

/// The large, unvoiced form of a katakana letter.
fn plain_kana(c: char) -> char {
    match c {
        'ァ' => 'ア',
        'ィ' => 'イ',
        'ゥ' | 'ヴ' => 'ウ',
        'ェ' => 'エ',
        'ォ' => 'オ',
        'ヵ' | 'ガ' => 'カ',
        'ギ' => 'キ',
        'グ' => 'ク',
        'ヶ' | 'ゲ' => 'ケ',
        'ゴ' => 'コ',
        'ザ' => 'サ',
        'ジ' => 'シ',
        'ズ' => 'ス',
        'ゼ' => 'セ',
        'ゾ' => 'ソ',
        'ダ' => 'タ',
        'ヂ' => 'チ',
        'ッ' | 'ヅ' => 'ツ',
        'デ' => 'テ',
        'ド' => 'ト',
        'バ' | 'パ' => 'ハ',
        'ビ' | 'ピ' => 'ヒ',
        'ブ' | 'プ' => 'フ',
        'ベ' | 'ペ' => 'ヘ',
        'ボ' | 'ポ' => 'ホ',
        'ャ' => 'ヤ',
        'ュ' => 'ユ',
        'ョ' => 'ヨ',
        'ヮ' | 'ヷ' => 'ワ',
        'ヸ' => 'ヰ',
        'ヹ' => 'ヱ',
        'ヺ' => 'ヲ',
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(raw: &str) -> Result<PersonName, DomainError> {
        PersonName::parse("name", raw)
    }

    fn kana(raw: &str) -> Result<Kana, DomainError> {
        Kana::parse("kana", raw)
    }

    fn key_of(result: Result<impl Sized, DomainError>) -> &'static str {
        match result {
            Ok(_) => "ok",
            Err(e) => e.key,
        }
    }

    #[test]
    fn a_kanji_name_is_kept_as_typed() {
        assert_eq!(name("山田 太郎").unwrap().as_str(), "山田 太郎");
    }

    #[test]
    fn old_kanji_forms_are_kept_unchanged() {
        assert_eq!(name("髙橋").unwrap().as_str(), "髙橋");
        assert_eq!(name("山﨑").unwrap().as_str(), "山﨑");
    }

    #[test]
    fn latin_and_mixed_names_are_accepted() {
        assert_eq!(name("Maria Silva").unwrap().as_str(), "Maria Silva");
        assert_eq!(name("O'Brien 花子").unwrap().as_str(), "O'Brien 花子");
    }

    #[test]
    fn html_special_characters_are_kept_for_the_renderer_to_escape() {
        let n = name(r#"<b>&"太郎"</b>"#).unwrap();
        assert_eq!(n.as_str(), r#"<b>&"太郎"</b>"#);
    }

    #[test]
    fn surrounding_ascii_and_ideographic_spaces_are_trimmed() {
        assert_eq!(
            name("\u{3000} 山田\u{3000}太郎 \t\n").unwrap().as_str(),
            "山田\u{3000}太郎"
        );
    }

    #[test]
    fn an_empty_or_blank_name_is_required() {
        assert_eq!(key_of(name("")), "err-required");
        assert_eq!(key_of(name(" \u{3000} ")), "err-required");
    }

    #[test]
    fn fifty_characters_fit_but_fifty_one_are_too_long() {
        assert_eq!(key_of(name(&"髙".repeat(50))), "ok");
        assert_eq!(key_of(name(&"髙".repeat(51))), "err-too-long");
    }

    #[test]
    fn length_is_counted_after_trimming() {
        let padded = format!("  {}  ", "a".repeat(50));
        assert_eq!(key_of(name(&padded)), "ok");
    }

    #[test]
    fn control_characters_inside_a_name_are_rejected() {
        for raw in [
            "山田\0太郎",
            "山田\n太郎",
            "山田\r太郎",
            "山田\t太郎",
            "山田\u{7F}",
        ] {
            assert_eq!(key_of(name(raw)), "err-name-invalid-char", "{raw:?}");
        }
    }

    #[test]
    fn bidi_controls_are_rejected_so_names_cannot_be_disguised() {
        for c in [
            '\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}', '\u{200E}', '\u{200F}',
        ] {
            let raw = format!("Alice{c}Bob");
            assert_eq!(key_of(name(&raw)), "err-name-invalid-char", "{c:?}");
        }
    }

    #[test]
    fn invisible_unicode_spaces_at_the_edges_are_trimmed() {
        for raw in [
            "山田\u{1680}",
            "\u{00a0}山田",
            "\u{2003}山田\u{3000}",
            "山田\u{205f}",
        ] {
            assert_eq!(name(raw).unwrap().as_str(), "山田", "{raw:?}");
        }
    }

    #[test]
    fn halfwidth_katakana_in_a_name_is_rejected_with_a_hint() {
        assert_eq!(key_of(name("ﾔﾏﾀﾞ")), "err-name-halfwidth-kana");
    }

    #[test]
    fn errors_carry_the_callers_field_name() {
        let err = PersonName::parse("family_name", "").unwrap_err();
        assert_eq!(err, DomainError::new("family_name", "err-required"));
    }

    #[test]
    fn a_name_serializes_and_displays_as_a_plain_string() {
        let n = name("山田 太郎").unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), r#""山田 太郎""#);
        assert_eq!(n.to_string(), "山田 太郎");
    }

    #[test]
    fn a_full_width_katakana_reading_is_accepted() {
        assert_eq!(kana("ヤマダ タロウ").unwrap().as_str(), "ヤマダ タロウ");
        assert_eq!(
            kana("サトウ\u{3000}ユウコ").unwrap().as_str(),
            "サトウ\u{3000}ユウコ"
        );
    }

    #[test]
    fn long_vowels_middle_dots_small_kana_and_iteration_marks_are_allowed() {
        for raw in [
            "ジョーンズ・メアリー",
            "ヴァレンティーナ",
            "サヽキ",
            "ミスヾ",
            "ヵヶヷヺ",
        ] {
            assert_eq!(key_of(kana(raw)), "ok", "{raw}");
        }
    }

    #[test]
    fn a_reading_is_trimmed_but_never_converted() {
        assert_eq!(kana("\u{3000}ヤマダ ").unwrap().as_str(), "ヤマダ");
    }

    #[test]
    fn hiragana_is_rejected_with_a_hint_to_use_katakana() {
        assert_eq!(key_of(kana("やまだ")), "err-kana-hiragana");
    }

    #[test]
    fn hiragana_anywhere_gets_the_hiragana_hint_even_among_other_mistakes() {
        assert_eq!(key_of(kana("ヤマだ")), "err-kana-hiragana");
        assert_eq!(key_of(kana("ﾔﾏﾀﾞ たろう")), "err-kana-hiragana");
        assert_eq!(key_of(kana("山田 たろう")), "err-kana-hiragana");
    }

    #[test]
    fn halfwidth_katakana_is_rejected_with_its_own_hint() {
        assert_eq!(key_of(kana("ﾔﾏﾀﾞ")), "err-kana-halfwidth");
        assert_eq!(key_of(kana("ヤマダ ﾀﾛｳ")), "err-kana-halfwidth");
    }

    #[test]
    fn kanji_latin_digits_and_controls_are_not_a_reading() {
        for raw in [
            "山田",
            "Yamada",
            "ヤマダ1",
            "ヤマダ\tタロウ",
            "ヤマダ\u{202E}",
        ] {
            assert_eq!(key_of(kana(raw)), "err-kana-invalid", "{raw:?}");
        }
    }

    #[test]
    fn a_decomposed_voiced_mark_is_not_silently_composed() {
        assert_eq!(key_of(kana("カ\u{3099}")), "err-kana-invalid");
    }

    #[test]
    fn an_empty_reading_is_required_and_a_long_one_too_long() {
        assert_eq!(key_of(kana("\u{3000}")), "err-required");
        assert_eq!(key_of(kana(&"ア".repeat(50))), "ok");
        assert_eq!(key_of(kana(&"ア".repeat(51))), "err-too-long");
    }

    #[test]
    fn a_reading_serializes_and_displays_as_a_plain_string() {
        let k = kana("ヤマダ").unwrap();
        assert_eq!(serde_json::to_string(&k).unwrap(), r#""ヤマダ""#);
        assert_eq!(k.to_string(), "ヤマダ");
    }

    #[test]
    fn voiced_kana_sort_with_their_unvoiced_form() {
        let mut names = vec!["ワタナベ", "カネコ", "ゴトウ", "アオキ", "ガトウ"];
        names.sort_by_key(|k| (gojuon_key(k), *k));
        assert_eq!(names, ["アオキ", "ガトウ", "カネコ", "ゴトウ", "ワタナベ"]);
    }

    #[test]
    fn the_unvoiced_form_comes_first_when_keys_are_equal() {
        let mut names = vec!["ガトウ", "カトウ"];
        names.sort_by_key(|k| (gojuon_key(k), *k));
        assert_eq!(names, ["カトウ", "ガトウ"]);
    }

    #[test]
    fn small_kana_sort_as_their_large_form() {
        assert_eq!(gojuon_key("キョウコ"), gojuon_key("キヨウコ"));
        assert_eq!(gojuon_key("ハットリ"), gojuon_key("ハツトリ"));
    }

    #[test]
    fn long_vowel_marks_middle_dots_and_spaces_are_ignored() {
        assert_eq!(gojuon_key("ジョーンズ・メアリー"), "シヨンスメアリ");
        assert_eq!(
            gojuon_key("ヤマダ タロウ"),
            gojuon_key("ヤマダ\u{3000}タロウ")
        );
        assert_eq!(gojuon_key("ヤマダ タロウ"), "ヤマタタロウ");
    }

    #[test]
    fn iteration_marks_repeat_the_previous_kana() {
        assert_eq!(gojuon_key("サヽキ"), gojuon_key("ササキ"));
        assert_eq!(gojuon_key("ミスヾ"), gojuon_key("ミスス"));
    }

    #[test]
    fn hiragana_search_input_gets_the_same_key_as_katakana() {
        assert_eq!(gojuon_key("がとう"), gojuon_key("ガトウ"));
    }
}
