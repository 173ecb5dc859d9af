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
