//! Names as banks print them: half-width katakana (ﾔﾏﾀﾞ ﾊﾅｺ), sometimes
//! hiragana or full-width, with small kana written large. `normalize` brings
//! every variant to one comparable form: full-width katakana, large kana,
//! ASCII upper case, no spaces or punctuation.

const HALF: &str = "｡｢｣､･ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ";
const FULL: &str = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";
const SMALL: &str = "ァィゥェォッャュョヮヵヶ";
const LARGE: &str = "アイウエオツヤユヨワカケ";

fn half_to_full(c: char) -> Option<char> {
    HALF.chars()
        .position(|h| h == c)
        .and_then(|i| FULL.chars().nth(i))
}

fn voiced(c: char) -> Option<char> {
    match c {
        'ウ' => Some('ヴ'),
        'カ'..='ト' | 'ハ'..='ホ' => {
            // The voiced form follows its base in these rows (カ→ガ, ハ→バ),
            // except for the small ッ between チ and ツ, which has none.
            let code = c as u32;
            let in_ha_row = ('ハ'..='ホ').contains(&c);
            let ok = if in_ha_row {
                (code - 'ハ' as u32).is_multiple_of(3)
            } else {
                matches!(
                    c,
                    'カ' | 'キ'
                        | 'ク'
                        | 'ケ'
                        | 'コ'
                        | 'サ'
                        | 'シ'
                        | 'ス'
                        | 'セ'
                        | 'ソ'
                        | 'タ'
                        | 'チ'
                        | 'ツ'
                        | 'テ'
                        | 'ト'
                )
            };
            ok.then(|| char::from_u32(code + 1)).flatten()
        }
        _ => None,
    }
}

fn semi_voiced(c: char) -> Option<char> {
    if ('ハ'..='ホ').contains(&c) && (c as u32 - 'ハ' as u32).is_multiple_of(3) {
        char::from_u32(c as u32 + 2)
    } else {
        None
    }
}

/// The comparable form of a name written in kana.
pub fn normalize(input: &str) -> String {
    let mut out: Vec<char> = Vec::with_capacity(input.len());
    for c in input.chars() {
        let c = match c {
            // Hiragana → katakana.
            'ぁ'..='ゖ' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            // Full-width ASCII → ASCII.
            '！'..='～' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => half_to_full(c).unwrap_or(c),
        };
        match c {
            'ﾞ' | '゛' | '\u{3099}' => {
                if let Some(v) = out.last().copied().and_then(voiced) {
                    out.pop();
                    out.push(v);
                }
            }
            'ﾟ' | '゜' | '\u{309A}' => {
                if let Some(v) = out.last().copied().and_then(semi_voiced) {
                    out.pop();
                    out.push(v);
                }
            }
            '-' | '‐' | '－' | '−' | 'ｰ' | '―' | '─' => out.push('ー'),
            _ => out.push(c),
        }
    }
    out.into_iter()
        .map(|c| {
            SMALL
                .chars()
                .position(|s| s == c)
                .and_then(|i| LARGE.chars().nth(i))
                .unwrap_or(c)
        })
        .filter(|c| c.is_alphanumeric() || *c == 'ー')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_width_full_width_and_hiragana_become_the_same_name() {
        let expected = "ヤマダハナコ";
        for variant in [
            "ﾔﾏﾀﾞ ﾊﾅｺ",
            "ヤマダ　ハナコ",
            "やまだ はなこ",
            "ﾔﾏﾀ゛ﾊﾅｺ",
            "ヤマタ\u{3099}ハナコ",
        ] {
            assert_eq!(normalize(variant), expected, "{variant}");
        }
    }

    #[test]
    fn small_kana_voiced_and_semi_voiced_marks_are_normalised() {
        assert_eq!(normalize("ｷｯｼｬ ｼｮｳｺ"), "キツシヤシヨウコ");
        assert_eq!(normalize("キッシャ ショウコ"), "キツシヤシヨウコ");
        assert_eq!(normalize("ﾎﾟﾝﾍﾞ ｳﾞｨﾝ"), "ポンベヴイン");
        assert_eq!(normalize("ｻﾄｳ ｼﾞﾛｰ"), "サトウジロー");
        assert_eq!(normalize("サトウ　ジロ－"), "サトウジロー");
    }

    #[test]
    fn latin_letters_are_upper_cased_and_punctuation_dropped() {
        assert_eq!(normalize("ｶ)ﾜｰｶｰｽﾞｺｰﾌﾟ"), "カワーカーズコープ");
        assert_eq!(normalize("Ｓｍｉｔｈ．Ｊ"), "SMITHJ");
    }
}
