//! Payment pages: the Stripe webhook, the trainee's payment page (what is
//! owed, paid, the balance, card when Stripe is configured, bank transfer
//! instructions), the pages Stripe returns to, printable receipts, and staff's
//! payments desk (reviews, bank import, offline payments, report CSV).
use chrono::NaiveDate;
use rocket::data::{Data, ToByteUnit};
use rocket::form::Form;
use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, FromForm, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::downloads::{csv_file, CsvFile};
use super::respond::PageError;
use super::shell::Shell;
use crate::auth::csrf::CsrfToken;
use crate::auth::{CurrentUser, StaffUser};
use crate::domain::yen::format_yen;
use crate::domain::Role;
use crate::error::Error;
use crate::i18n::{t, Lang};
use crate::payments::webhook;
use crate::services::payments::{self, OfflinePayment};
use crate::services::{
    bank_import, card_payments, catalog, course_refunds, enrollment as enrollments,
    payment_reports, receipts, refunds,
};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![
        stripe_webhook,
        my_payment,
        start_card,
        success,
        cancelled,
        receipt_page,
        desk,
        desk_import,
        desk_confirm,
        desk_offline,
        desk_refund,
        report_csv,
        desk_top_up,
        desk_dismiss
    ]
}

// ---------------------------------------------------------------------------
// Webhook

/// The raw `Stripe-Signature` header, if any.
pub struct StripeSignature(Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for StripeSignature {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(StripeSignature(
            req.headers()
                .get_one("Stripe-Signature")
                .map(str::to_string),
        ))
    }
}

/// Stripe's events: the raw body is verified before it is parsed; the answer
/// is 2xx only once the change is committed (else Stripe retries). Anything
/// that cannot be verified (no secret configured, no or a wrong signature, a
/// stale timestamp) is refused with 403, like a page form without its token.
#[post("/webhooks/stripe", data = "<body>")]
async fn stripe_webhook(
    signature: StripeSignature,
    body: Data<'_>,
    state: &State<AppState>,
) -> (Status, &'static str) {
    let Some(secret) = state
        .config
        .stripe_webhook_secret
        .as_deref()
        .filter(|s| !s.is_empty())
    else {
        return (Status::Forbidden, "not configured");
    };
    let payload = match body.open(512.kibibytes()).into_bytes().await {
        Ok(bytes) if bytes.is_complete() => bytes.into_inner(),
        Ok(_) => return (Status::PayloadTooLarge, "too large"),
        Err(_) => return (Status::BadRequest, "unreadable"),
    };
    let now = state.clock.now();
    if let Err(e) = webhook::verify(
        &payload,
        signature.0.as_deref(),
        secret,
        now,
        webhook::TOLERANCE_SECS,
    ) {
        tracing::warn!(error = %e, "Stripe webhook refused");
        return (Status::Forbidden, "bad signature");
    }
    let Some(event) = webhook::parse_event(&payload) else {
        return (Status::BadRequest, "not an event");
    };
    match card_payments::apply_event(&state.db, &event, now).await {
        Ok(card_payments::NOT_YET_KNOWN) => {
            tracing::info!(event = %event.id, kind = %event.kind, "Stripe event ahead of its payment; Stripe will redeliver it");
            (Status::Conflict, "retry later")
        }
        Ok(outcome) => {
            tracing::info!(event = %event.id, kind = %event.kind, outcome, "Stripe event");
            (Status::Ok, outcome)
        }
        Err(e) => {
            tracing::error!(event = %event.id, error = %e, "Stripe event not applied");
            (Status::InternalServerError, "retry")
        }
    }
}

// ---------------------------------------------------------------------------
// The trainee's payment page

#[derive(Serialize)]
struct Line {
    kind: String,
    method: String,
    amount: String,
    date: String,
    note: String,
}

#[derive(Serialize)]
struct ReceiptLink {
    id: i64,
    number: i64,
    amount: String,
    reissue: bool,
}

#[derive(Serialize)]
struct PaymentView {
    enrollment_id: i64,
    course_title: String,
    status: String,
    due: String,
    paid: String,
    refunded: String,
    balance: String,
    owed: bool,
    state: String,
    payment_due_at: Option<String>,
    card: bool,
    bank_details: String,
    refund_if_cancelled: String,
    lines: Vec<Line>,
    receipts: Vec<ReceiptLink>,
    /// 組合員番号 at the member price, and when staff verified it.
    member_number: Option<String>,
    member_verified_at: Option<String>,
    /// The public support scheme named on the application (staff settle it
    /// with a waiver or a payment by the paying body).
    support_scheme: Option<String>,
    /// What the scheme does to the price, before anything is paid.
    support_effect: Option<SupportEffect>,
    staff: bool,
}

#[derive(Serialize)]
struct SupportEffect {
    fee: String,
    waived: Option<String>,
    subsidy: Option<String>,
    trainee: String,
    /// 教育訓練給付金: paid in full now, reimbursed to the trainee later.
    reimbursed_later: bool,
}

async fn support_effect(
    state: &AppState,
    row: &crate::entities::enrollment::Model,
) -> Result<Option<SupportEffect>, Error> {
    use crate::domain::support::Scheme;
    let form: serde_json::Value = serde_json::from_str(&row.form).unwrap_or_default();
    let Some(scheme) = Scheme::of_form(&form) else {
        return Ok(None);
    };
    let price =
        enrollments::price_for(&state.db, row.course_id, &row.price_category, Some(scheme)).await?;
    if price.fee_yen == 0 {
        return Ok(None);
    }
    let some = |v: i64| (v > 0).then(|| format_yen(v));
    Ok(Some(SupportEffect {
        fee: format_yen(price.fee_yen),
        waived: some(price.waived_yen),
        subsidy: some(price.subsidy_yen),
        trainee: format_yen(price.trainee_yen),
        reimbursed_later: scheme == Scheme::EducationBenefit,
    }))
}

/// The scheme's name from the stored application form, if one was chosen.
fn support_scheme_of(lang: crate::i18n::Lang, form: &str) -> Option<String> {
    let form: serde_json::Value = serde_json::from_str(form).ok()?;
    let scheme = form.get("support_scheme")?.as_str()?;
    crate::domain::application::SUPPORT_SCHEMES
        .contains(&scheme)
        .then(|| crate::i18n::t(lang, &format!("staff-support-{}", scheme.replace('_', "-"))))
}

fn is_staff(user: &CurrentUser) -> bool {
    user.role.at_least(Role::Staff)
}

fn label(lang: Lang, prefix: &str, value: &str) -> String {
    if value.is_empty() {
        return String::new();
    }
    t(lang, &format!("{prefix}-{}", value.replace('_', "-")))
}

async fn payment_view(
    state: &AppState,
    lang: Lang,
    user: &CurrentUser,
    id: i64,
) -> Result<PaymentView, Error> {
    let row = enrollments::find_visible(&state.db, id, user.id, is_staff(user)).await?;
    let course = catalog::find(&state.db, row.course_id).await?;
    let entries = payments::entries(&state.db, id).await?;
    let balance = payments::summarize(&row, &entries);
    let refund = payments::refund_preview(&state.db, id, state.clock.now()).await?;
    let owed = row.status == "pending_payment" && balance.balance_yen > 0;
    Ok(PaymentView {
        enrollment_id: id,
        course_title: course.title,
        status: row.status.clone(),
        due: format_yen(balance.due_yen),
        paid: format_yen(balance.paid_yen),
        refunded: format_yen(balance.refunded_yen),
        balance: format_yen(balance.balance_yen),
        owed,
        state: label(lang, "pay-state", balance.state()),
        payment_due_at: row
            .payment_due_at
            .map(|d| crate::i18n::format_datetime(lang, d)),
        card: owed && crate::payments::card_enabled(&state.config),
        bank_details: state.config.bank_transfer_details.clone(),
        refund_if_cancelled: format_yen(refund),
        lines: entries
            .iter()
            .map(|e| Line {
                kind: label(lang, "pay-kind", &e.kind),
                method: label(lang, "pay-method", &e.method),
                amount: format_yen(e.amount_yen),
                date: e
                    .paid_on
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                note: e.note.clone(),
            })
            .collect(),
        receipts: receipts::for_enrollment(&state.db, id)
            .await?
            .into_iter()
            .map(|r| ReceiptLink {
                id: r.id,
                number: r.number,
                amount: format_yen(r.amount_yen),
                reissue: r.reissue_of.is_some(),
            })
            .collect(),
        member_number: row
            .member_number
            .clone()
            .filter(|_| row.price_category == "member"),
        member_verified_at: crate::services::member_numbers::verification(&state.db, id)
            .await?
            .map(|v| crate::i18n::format_datetime(lang, v.verified_at)),
        support_scheme: support_scheme_of(lang, &row.form),
        support_effect: support_effect(state, &row).await?,
        staff: is_staff(user),
    })
}

#[get("/payments/<id>")]
async fn my_payment(
    shell: Shell,
    user: CurrentUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let p = payment_view(state, shell.language, &user, id).await?;
    Ok(Template::render(
        "payments/enrollment",
        context! { s: &shell, p },
    ))
}

#[derive(FromForm)]
struct CsrfOnly {
    csrf_token: String,
}

#[post("/payments/<id>/checkout", data = "<form>")]
async fn start_card(
    user: CurrentUser,
    id: i64,
    csrf: CsrfToken,
    form: Form<CsrfOnly>,
    state: &State<AppState>,
) -> Result<Redirect, PageError> {
    csrf.check(&form.csrf_token)?;
    // Someone else's enrollment is not found before anything else is said
    // about it (not even that cards are off).
    crate::services::enrollment::find_visible(&state.db, id, user.id, false).await?;
    let gateway = crate::payments::gateway(&state.config)
        .filter(|_| crate::payments::card_enabled(&state.config))
        .ok_or(Error::Conflict("err-card-unavailable"))?;
    let url = card_payments::start_checkout(
        &state.db,
        gateway.as_ref(),
        &state.config.public_base_url,
        id,
        user.id,
        state.clock.now(),
    )
    .await?;
    Ok(Redirect::to(url))
}

/// Where Stripe sends the trainee back. It only shows the state: the seat is
/// confirmed by the webhook alone, so a return and a webhook at the same
/// moment can never confirm twice.
#[get("/payments/<id>/success")]
async fn success(
    shell: Shell,
    user: CurrentUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let p = payment_view(state, shell.language, &user, id).await?;
    let attempt = card_payments::latest_attempt(&state.db, id).await?;
    let confirmed = attempt.is_some_and(|a| a.status == "completed") || !p.owed;
    Ok(Template::render(
        "payments/returned",
        context! { s: &shell, p, success: true, confirmed },
    ))
}

#[get("/payments/<id>/cancelled")]
async fn cancelled(
    shell: Shell,
    user: CurrentUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let p = payment_view(state, shell.language, &user, id).await?;
    Ok(Template::render(
        "payments/returned",
        context! { s: &shell, p, success: false, confirmed: false },
    ))
}

#[derive(Serialize)]
struct ReceiptPrint {
    /// For the link to the PDF (printing needs no script).
    id: i64,
    number: String,
    reissue_of: Option<String>,
    payer: String,
    amount: String,
    method: String,
    issued_on: String,
    course: String,
    breakdown: Vec<(String, String)>,
    issuer_name: String,
    issuer_address: String,
    registration_number: Option<String>,
    share: Option<String>,
}

/// 領収書 as a printable page (owner or staff).
#[get("/receipts/<id>")]
async fn receipt_page(
    shell: Shell,
    user: CurrentUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let r = receipts::find_visible(&state.db, id, user.id, is_staff(&user)).await?;
    let row = enrollments::find(&state.db, r.enrollment_id).await?;
    let course = catalog::find(&state.db, row.course_id).await?;
    let reissue_of = match r.reissue_of {
        Some(original) => Some(format!(
            "{:06}",
            receipts::number_of(&state.db, original).await?
        )),
        None => None,
    };
    let breakdown: Vec<(String, i64)> = serde_json::from_str(&r.breakdown).unwrap_or_default();
    let print = ReceiptPrint {
        id: r.id,
        number: format!("{:06}", r.number),
        reissue_of,
        payer: r.payer_name.clone(),
        amount: format_yen(r.amount_yen),
        method: label(lang, "pay-method", &r.method),
        issued_on: (r.issued_at + chrono::Duration::hours(9))
            .format("%Y-%m-%d")
            .to_string(),
        course: course.title,
        breakdown: breakdown
            .into_iter()
            .map(|(component, amount)| {
                let name = t(lang, &format!("pay-component-{component}"));
                let name = if name.starts_with("pay-component-") {
                    component
                } else {
                    name
                };
                (name, format_yen(amount))
            })
            .collect(),
        issuer_name: state.config.receipt_issuer_name.clone(),
        issuer_address: state.config.receipt_issuer_address.clone(),
        registration_number: state.config.receipt_registration_number.clone(),
        share: receipts::share_line(&state.db, &r).await?,
    };
    Ok(Template::render(
        "payments/receipt",
        context! { s: &shell, r: print },
    ))
}

// ---------------------------------------------------------------------------
// Staff's payments desk

#[derive(Serialize)]
struct ReviewLine {
    id: i64,
    enrollment_id: i64,
    reason: String,
    amount: String,
    /// A proposed top-up to a full refund, for staff to approve or dismiss.
    top_up: bool,
}

#[derive(Serialize)]
struct BankLine {
    id: i64,
    paid_on: String,
    payer_name: String,
    amount: String,
    status: String,
    enrollment_id: Option<i64>,
}

#[get("/staff/payments")]
async fn desk(
    shell: Shell,
    _staff: StaffUser,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let reviews: Vec<ReviewLine> = refunds::open_reviews(&state.db)
        .await?
        .into_iter()
        .map(|r| ReviewLine {
            id: r.id,
            enrollment_id: r.enrollment_id,
            reason: label(lang, "pay-review", &r.reason),
            amount: format_yen(r.amount_yen),
            top_up: r.reason == course_refunds::TOP_UP_REASON,
        })
        .collect();
    let lines: Vec<BankLine> = bank_import::open_lines(&state.db)
        .await?
        .into_iter()
        .map(|l| BankLine {
            id: l.id,
            paid_on: l.paid_on.format("%Y-%m-%d").to_string(),
            payer_name: l.payer_name,
            amount: format_yen(l.amount_yen),
            status: label(lang, "pay-bank", &l.status),
            enrollment_id: l.enrollment_id,
        })
        .collect();
    Ok(Template::render(
        "payments/desk",
        context! { s: &shell, reviews, lines },
    ))
}

#[derive(FromForm)]
struct ImportForm {
    csrf_token: String,
    csv: String,
}

#[post("/staff/payments/bank-import", data = "<form>")]
async fn desk_import(
    staff: StaffUser,
    csrf: CsrfToken,
    form: Form<ImportForm>,
    shell: Shell,
    state: &State<AppState>,
) -> Result<Flash<Redirect>, PageError> {
    csrf.check(&form.csrf_token)?;
    let lines = bank_import::import(&state.db, &form.csv, staff.0.id, state.clock.now()).await?;
    Ok(Flash::success(
        Redirect::to("/staff/payments"),
        format!("{} {}", shell.t("pay-bank-imported"), lines.len()),
    ))
}

#[derive(FromForm)]
struct ConfirmForm {
    csrf_token: String,
    enrollment_id: Option<i64>,
}

#[post("/staff/payments/bank-lines/<id>/confirm", data = "<form>")]
async fn desk_confirm(
    staff: StaffUser,
    id: i64,
    csrf: CsrfToken,
    form: Form<ConfirmForm>,
    shell: Shell,
    state: &State<AppState>,
) -> Result<Flash<Redirect>, PageError> {
    csrf.check(&form.csrf_token)?;
    bank_import::confirm(
        &state.db,
        id,
        form.enrollment_id,
        staff.0.id,
        state.clock.now(),
    )
    .await?;
    Ok(Flash::success(
        Redirect::to("/staff/payments"),
        shell.t("pay-recorded"),
    ))
}

#[derive(FromForm)]
struct OfflineForm {
    csrf_token: String,
    method: String,
    amount_yen: i64,
    paid_on: String,
    payer_name: String,
    note: Option<String>,
}

#[post("/staff/enrollments/<id>/payments", data = "<form>")]
async fn desk_offline(
    staff: StaffUser,
    id: i64,
    csrf: CsrfToken,
    form: Form<OfflineForm>,
    shell: Shell,
    state: &State<AppState>,
) -> Result<Flash<Redirect>, PageError> {
    csrf.check(&form.csrf_token)?;
    let paid_on = NaiveDate::parse_from_str(form.paid_on.trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid("paid_on", "err-date-invalid"))?;
    payments::record_offline(
        &state.db,
        id,
        staff.0.id,
        &OfflinePayment {
            method: form.method.clone(),
            amount_yen: form.amount_yen,
            paid_on,
            payer_name: form.payer_name.clone(),
            note: form.note.clone().unwrap_or_default(),
        },
        state.clock.now(),
    )
    .await?;
    Ok(Flash::success(
        Redirect::to(format!("/payments/{id}")),
        shell.t("pay-recorded"),
    ))
}

#[derive(FromForm)]
struct RefundForm {
    csrf_token: String,
    method: String,
    amount_yen: i64,
    paid_on: Option<String>,
    note: Option<String>,
}

/// Staff pay money back: through Stripe for a card payment, or recorded as
/// paid back by transfer or cash. The same service as the API.
#[post("/staff/enrollments/<id>/refunds", data = "<form>")]
async fn desk_refund(
    staff: StaffUser,
    id: i64,
    csrf: CsrfToken,
    form: Form<RefundForm>,
    shell: Shell,
    state: &State<AppState>,
) -> Result<Flash<Redirect>, PageError> {
    csrf.check(&form.csrf_token)?;
    let paid_on = match form
        .paid_on
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(d) => Some(
            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| Error::invalid("paid_on", "err-date-invalid"))?,
        ),
        None => None,
    };
    let order = crate::services::refunds::RefundOrder {
        method: form.method.clone(),
        amount_yen: form.amount_yen,
        paid_on,
        note: form.note.clone().unwrap_or_default(),
        idempotency_key: None,
    };
    let gateway = crate::payments::gateway(&state.config);
    crate::services::refunds::refund(
        &state.db,
        gateway.as_deref(),
        id,
        staff.0.id,
        &order,
        state.clock.now(),
    )
    .await?;
    Ok(Flash::success(
        Redirect::to(format!("/payments/{id}")),
        shell.t("pay-refund-recorded"),
    ))
}

/// Paid / unpaid / refunded as CSV (UTF-8 with BOM).
#[get("/staff/payments/report.csv?<course_id>&<from>&<to>")]
async fn report_csv(
    staff: StaffUser,
    shell: Shell,
    course_id: Option<i64>,
    from: Option<&str>,
    to: Option<&str>,
    state: &State<AppState>,
) -> Result<CsvFile, PageError> {
    let day = |s: Option<&str>| {
        s.filter(|s| !s.is_empty())
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    };
    let rows = payment_reports::report(&state.db, course_id, day(from), day(to)).await?;
    crate::services::audit::personal_data_export(
        &state.db,
        staff.0.id,
        "payments",
        course_id,
        state.clock.now(),
    )
    .await?;
    let header: Vec<String> = [
        "pay-col-enrollment",
        "pay-col-course",
        "pay-col-name",
        "pay-col-kana",
        "pay-col-status",
        "pay-col-due",
        "pay-col-paid",
        "pay-col-refunded",
        "pay-col-balance",
        "pay-col-state",
    ]
    .iter()
    .map(|k| shell.t(k))
    .collect();
    let body = payment_reports::to_csv(&rows, &header)?;
    Ok(csv_file(body, "payments.csv".to_string()))
}

#[derive(FromForm)]
struct ReviewForm {
    csrf_token: String,
}

/// Staff approve the proposed top-up to a full refund (course cancelled by
/// us after the trainee had cancelled): audited, and paid back like any
/// course-cancellation refund.
#[post("/staff/payments/reviews/<id>/approve-top-up", data = "<form>")]
async fn desk_top_up(
    staff: StaffUser,
    id: i64,
    csrf: CsrfToken,
    form: Form<ReviewForm>,
    shell: Shell,
    state: &State<AppState>,
) -> Result<Flash<Redirect>, PageError> {
    csrf.check(&form.csrf_token)?;
    course_refunds::approve_top_up(&state.db, &state.config, id, staff.0.id, state.clock.now())
        .await?;
    Ok(Flash::success(
        Redirect::to("/staff/payments"),
        shell.t("pay-top-up-approved"),
    ))
}

/// Staff close a review without paying anything (audited).
#[post("/staff/payments/reviews/<id>/dismiss", data = "<form>")]
async fn desk_dismiss(
    staff: StaffUser,
    id: i64,
    csrf: CsrfToken,
    form: Form<ReviewForm>,
    shell: Shell,
    state: &State<AppState>,
) -> Result<Flash<Redirect>, PageError> {
    csrf.check(&form.csrf_token)?;
    refunds::dismiss_review(&state.db, id, staff.0.id, state.clock.now()).await?;
    Ok(Flash::success(
        Redirect::to("/staff/payments"),
        shell.t("pay-review-dismissed"),
    ))
}
