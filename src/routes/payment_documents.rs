//! Receipt PDFs (領収書) for their owner and staff, and staff's check of a
//! member number (組合員番号).
use rocket::form::Form;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, FromForm, Route, State};

use super::certificate_pages::{pdf_file, PdfFile};
use super::respond::PageError;
use super::shell::Shell;
use crate::auth::csrf::CsrfToken;
use crate::auth::{CurrentUser, StaffUser};
use crate::config::AppConfig;
use crate::domain::Role;
use crate::services::{member_numbers, receipts};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![receipt_pdf, verify_member_number]
}

/// Who issues receipts, from the configuration.
pub fn issuer(config: &AppConfig) -> receipts::Issuer {
    receipts::Issuer {
        name: config.receipt_issuer_name.clone(),
        address: config.receipt_issuer_address.clone(),
        registration_number: config.receipt_registration_number.clone(),
    }
}

/// The receipt as an A4 PDF; every download after the first is marked 再発行.
#[get("/receipts/<id>/pdf")]
async fn receipt_pdf(
    user: CurrentUser,
    id: i64,
    state: &State<AppState>,
) -> Result<PdfFile, PageError> {
    let (r, body) = receipts::print_pdf(
        &state.db,
        id,
        user.id,
        user.role.at_least(Role::Staff),
        &issuer(&state.config),
        state.clock.now(),
    )
    .await?;
    Ok(pdf_file(body, format!("receipt-{:06}.pdf", r.number)))
}

#[derive(FromForm)]
struct VerifyForm {
    csrf_token: String,
}

#[post("/staff/enrollments/<id>/member-number/verify", data = "<form>")]
async fn verify_member_number(
    staff: StaffUser,
    id: i64,
    csrf: CsrfToken,
    form: Form<VerifyForm>,
    shell: Shell,
    state: &State<AppState>,
) -> Result<Flash<Redirect>, PageError> {
    csrf.check(&form.csrf_token)?;
    member_numbers::verify(&state.db, id, staff.0.id, state.clock.now()).await?;
    Ok(Flash::success(
        Redirect::to(format!("/payments/{id}")),
        shell.t("flash-member-number-verified"),
    ))
}
