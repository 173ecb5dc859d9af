//! CSV downloads of staff reports. They hold personal data, so no cache
//! (browser or proxy) keeps a copy.
use rocket::http::{ContentType, Header};
use rocket::Responder;

#[derive(Responder)]
pub struct CsvFile {
    body: Vec<u8>,
    content_type: ContentType,
    disposition: Header<'static>,
    cache: Header<'static>,
}

/// `body` (UTF-8 with BOM, as the reports write it) offered as `filename`.
pub fn csv_file(body: Vec<u8>, filename: String) -> CsvFile {
    CsvFile {
        body,
        content_type: ContentType::CSV.with_params(("charset", "utf-8")),
        disposition: Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ),
        cache: Header::new("Cache-Control", "private, no-store"),
    }
}

/// A course code as it may appear in a download's file name (a quoted
/// `Content-Disposition` value): ASCII letters, digits, `-` and `_` kept,
/// anything else replaced by `_`, never empty.
pub fn file_safe(code: &str) -> String {
    let safe: String = code
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.is_empty() {
        "course".to_string()
    } else {
        safe
    }
}

#[cfg(test)]
mod tests {
    use super::file_safe;

    #[test]
    fn file_names_keep_only_safe_ascii_and_are_never_empty() {
        assert_eq!(file_safe("HK-2026_01"), "HK-2026_01");
        assert_eq!(file_safe("池袋\"x\r\n"), "___x__");
        assert_eq!(file_safe(""), "course");
    }
}
