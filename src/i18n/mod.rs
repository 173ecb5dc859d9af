//! Message catalogs (Fluent). Japanese is the default, English the second
//! language. Catalogs are compiled in, so the binary needs no files to speak.
use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::Serialize;
use unic_langid::{langid, LanguageIdentifier};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ja, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// Exact codes only (`ja`, `en`); anything else is not a language we speak.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the best language from an `Accept-Language` header, honouring q-values.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(lang) = Lang::from_code(primary) {
                if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, lang));
                }
            }
        }
        best.map(|(_, lang)| lang)
    }

    fn langid(self) -> LanguageIdentifier {
        match self {
            Lang::Ja => langid!("ja"),
            Lang::En => langid!("en"),
        }
    }
}

const JA: &[&str] = &[
    include_str!("locales/ja/main.ftl"),
    include_str!("locales/ja/domain.ftl"),
    include_str!("locales/ja/application.ftl"),
    include_str!("locales/ja/catalog.ftl"),
    include_str!("locales/ja/pages_public.ftl"),
    include_str!("locales/ja/pages_staff.ftl"),
    include_str!("locales/ja/completion.ftl"),
    include_str!("locales/ja/attendance.ftl"),
    include_str!("locales/ja/pages_attendance.ftl"),
    include_str!("locales/ja/certificates.ftl"),
    include_str!("locales/ja/notifications.ftl"),
    include_str!("locales/ja/payments.ftl"),
    include_str!("locales/ja/backoffice_tools.ftl"),
    include_str!("locales/ja/privacy.ftl"),
    include_str!("locales/ja/past_certificates.ftl"),
];
const EN: &[&str] = &[
    include_str!("locales/en/main.ftl"),
    include_str!("locales/en/domain.ftl"),
    include_str!("locales/en/application.ftl"),
    include_str!("locales/en/catalog.ftl"),
    include_str!("locales/en/pages_public.ftl"),
    include_str!("locales/en/pages_staff.ftl"),
    include_str!("locales/en/completion.ftl"),
    include_str!("locales/en/attendance.ftl"),
    include_str!("locales/en/pages_attendance.ftl"),
    include_str!("locales/en/certificates.ftl"),
    include_str!("locales/en/notifications.ftl"),
    include_str!("locales/en/payments.ftl"),
    include_str!("locales/en/backoffice_tools.ftl"),
    include_str!("locales/en/privacy.ftl"),
    include_str!("locales/en/past_certificates.ftl"),
];

pub struct Catalogs {
    bundles: HashMap<Lang, FluentBundle<FluentResource>>,
}

/// Built once; a broken catalog is a programming error caught by the unit tests.
pub static CATALOGS: LazyLock<Catalogs> = LazyLock::new(Catalogs::load);

impl Catalogs {
    fn load() -> Catalogs {
        let mut bundles = HashMap::new();
        for (lang, sources) in [(Lang::Ja, JA), (Lang::En, EN)] {
            let mut bundle = FluentBundle::new_concurrent(vec![lang.langid()]);
            // Isolation marks (U+2068/2069) would end up in HTML and mail subjects.
            bundle.set_use_isolating(false);
            for source in sources {
                let resource = FluentResource::try_new((*source).to_string())
                    .unwrap_or_else(|(_, errors)| panic!("bad {lang:?} catalog: {errors:?}"));
                bundle
                    .add_resource(resource)
                    .unwrap_or_else(|errors| panic!("duplicate {lang:?} keys: {errors:?}"));
            }
            bundles.insert(lang, bundle);
        }
        Catalogs { bundles }
    }

    pub fn has(&self, lang: Lang, key: &str) -> bool {
        self.bundles[&lang].has_message(key)
    }

    /// The message, or the key itself when missing so a gap is visible, not blank.
    pub fn get(&self, lang: Lang, key: &str, args: &[(&str, String)]) -> String {
        let bundle = &self.bundles[&lang];
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key, lang = lang.code(), "missing message");
            return key.to_string();
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, FluentValue::from(value.clone()));
        }
        let mut errors = vec![];
        let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        text.into_owned()
    }

    /// All message ids of a language, for the completeness test.
    pub fn keys(lang: Lang) -> Vec<String> {
        let sources = match lang {
            Lang::Ja => JA,
            Lang::En => EN,
        };
        sources
            .iter()
            .flat_map(|source| source.lines())
            .filter_map(|line| {
                let (key, _) = line.split_once(" =")?;
                let first = key.chars().next()?;
                (first.is_ascii_lowercase() && !key.contains(' ')).then(|| key.to_string())
            })
            .collect()
    }
}

/// Japan has one time zone and no daylight saving: +09:00 all year.
pub fn jst() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset")
}

/// A moment shown as people in Japan read it: date and time in Asia/Tokyo.
pub fn format_datetime(lang: Lang, at: chrono::DateTime<chrono::Utc>) -> String {
    let local = at.with_timezone(&jst());
    let time = local.format("%H:%M");
    match lang {
        Lang::Ja => format!(
            "{} {time}",
            crate::domain::wareki::format_seireki(local.date_naive())
        ),
        Lang::En => format!(
            "{} {time}",
            crate::domain::wareki::format_en(local.date_naive())
        ),
    }
}

/// Shorthand for a message without arguments.
pub fn t(lang: Lang, key: &str) -> String {
    CATALOGS.get(lang, key, &[])
}

/// Shorthand for a message with arguments.
pub fn t_args(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    CATALOGS.get(lang, key, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_define_the_same_messages() {
        let mut ja = Catalogs::keys(Lang::Ja);
        let mut en = Catalogs::keys(Lang::En);
        ja.sort();
        en.sort();
        assert!(!ja.is_empty());
        assert_eq!(ja, en);
        for key in &ja {
            assert!(CATALOGS.has(Lang::Ja, key), "{key} did not parse in ja");
            assert!(CATALOGS.has(Lang::En, key), "{key} did not parse in en");
        }
    }

    /// Every message id the code names exists in both languages, so no user
    /// ever sees a raw id.
    #[test]
    fn every_message_the_code_uses_is_in_both_catalogs() {
        fn sources(dir: &std::path::Path, out: &mut String) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push_str(&std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        let mut code = String::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut code,
        );
        let mut missing = vec![];
        for piece in code.split('"').skip(1).step_by(2) {
            let is_key = ["err-", "problem-", "flash-", "status-"]
                .iter()
                .any(|p| piece.starts_with(p))
                && !piece.ends_with('-')
                && piece
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if is_key {
                for lang in Lang::ALL {
                    if !CATALOGS.has(lang, piece) {
                        missing.push(format!("{}:{piece}", lang.code()));
                    }
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "missing messages: {missing:?}");
    }

    #[test]
    fn accept_language_honours_quality_values() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Some(Lang::En));
        assert_eq!(
            Lang::from_accept_language("fr, en;q=0.5, ja;q=0.8"),
            Some(Lang::Ja)
        );
        assert_eq!(Lang::from_accept_language("de"), None);
        assert_eq!(Lang::from_accept_language("en;q=0"), None);
    }

    #[test]
    fn times_are_shown_in_japan_time_even_across_midnight_utc() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-31T15:30:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(format_datetime(Lang::Ja, at), "2026年4月1日 00:30");
        assert_eq!(format_datetime(Lang::En, at), "1 Apr 2026 00:30");
    }

    #[test]
    fn arguments_are_substituted_without_isolation_marks() {
        let text = t_args(Lang::En, "home-welcome", &[("name", "山田".into())]);
        assert!(text.contains("山田"));
        assert!(!text.contains('\u{2068}'));
    }
}
