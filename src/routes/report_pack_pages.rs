//! The prefecture report pack for staff: a list of helper courses
//! (`/staff/report-packs`) and the one download per course, a zip of the six
//! forms. Taking it is a personal-data export and goes to the audit trail.
use rocket::http::{ContentType, Header};
use rocket::response::{Flash, Redirect};
use rocket::{get, routes, Responder, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::catalog_pages::{date_range, status_label};
use super::respond::PageError;
use super::shell::Shell;
use crate::auth::StaffUser;
use crate::error::Error;
use crate::i18n::t;
use crate::reports::pack;
use crate::services::{audit, report_pack};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![packs_page, download]
}

#[derive(Responder)]
pub struct ZipFile {
    body: Vec<u8>,
    content_type: ContentType,
    disposition: Header<'static>,
    cache: Header<'static>,
}

fn zip_file(body: Vec<u8>, filename: String) -> ZipFile {
    ZipFile {
        body,
        content_type: ContentType::ZIP,
        disposition: Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ),
        cache: Header::new("Cache-Control", "private, no-store"),
    }
}

#[derive(Serialize)]
struct Row {
    id: i64,
    title: String,
    code: String,
    dates: String,
    status: String,
    designation: String,
    /// Why no pack can be made yet (no 指定番号), else empty.
    missing: String,
}

#[get("/staff/report-packs")]
async fn packs_page(
    shell: Shell,
    _staff: StaffUser,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let rows: Vec<Row> = report_pack::helper_courses(&state.db)
        .await?
        .into_iter()
        .map(|c| {
            let designation = c.designation_number.clone().unwrap_or_default();
            Row {
                id: c.id,
                dates: date_range(lang, c.starts_on, c.ends_on),
                status: status_label(lang, &c.status),
                missing: if designation.trim().is_empty() {
                    t(lang, "err-pack-needs-designation")
                } else {
                    String::new()
                },
                designation,
                title: c.title,
                code: c.code,
            }
        })
        .collect();
    Ok(Template::render(
        "staff/report_packs",
        context! { s: &shell, rows },
    ))
}

#[derive(Responder)]
enum Download {
    File(ZipFile),
    Refused(Flash<Redirect>),
    Failed(PageError),
}

#[get("/staff/courses/<id>/report-pack.zip")]
async fn download(shell: Shell, staff: StaffUser, id: i64, state: &State<AppState>) -> Download {
    let now = state.clock.now();
    let data = match report_pack::gather(&state.db, id, now).await {
        Ok(data) => data,
        Err(Error::Validation(errors)) => {
            let message = errors
                .iter()
                .map(|e| t(shell.language, e.key))
                .collect::<Vec<_>>()
                .join(" ");
            return Download::Refused(Flash::error(Redirect::to("/staff/report-packs"), message));
        }
        Err(e) => return Download::Failed(e.into()),
    };
    let bytes = match pack::build(&data) {
        Ok(bytes) => bytes,
        Err(e) => return Download::Failed(e.into()),
    };
    if let Err(e) =
        audit::personal_data_export(&state.db, staff.0.id, "report_pack", Some(id), now).await
    {
        return Download::Failed(e.into());
    }
    Download::File(zip_file(bytes, pack::file_name(&data.course.code)))
}
