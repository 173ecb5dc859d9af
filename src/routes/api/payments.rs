//! Fees and payments API: offline payments and refunds by staff, card
//! checkout by the owner, the ledger and receipts of an enrollment, bank
//! statement import, reports, and a course's refund policy.
use chrono::NaiveDate;
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{get, post, put, routes, Route, State};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::accounts::{json_value, ApiLang, Problem};
use super::idempotent::{self, ApiReply, IdempotencyKey};
use crate::auth::{CurrentUser, StaffUser};
use crate::domain::Role;
use crate::error::Error;
use crate::routes::respond::ApiError;
use crate::services::payment_reports::{self, ReportRow};
use crate::services::payment_rows::{bank_import_line, ledger_entry, receipt};
use crate::services::payments::{self, Balance, OfflinePayment};
use crate::services::refunds::{self, RefundOrder};
use crate::services::{bank_import, card_payments, enrollment, receipts};
use crate::state::AppState;

/// This module's part of the OpenAPI document, merged into the whole.
#[derive(OpenApi)]
#[openapi(
    paths(
        record_payment,
        checkout,
        record_refund,
        ledger,
        get_receipt,
        import_bank,
        bank_lines,
        confirm_bank_line,
        report,
        set_refund_policy
    ),
    components(schemas(
        PaymentBody,
        RefundBody,
        EntryView,
        Balance,
        LedgerView,
        ReceiptView,
        CheckoutView,
        MoneyResult,
        BankImportBody,
        BankLineView,
        ConfirmBody,
        ReportRow
    ))
)]
pub struct Doc;

pub fn routes() -> Vec<Route> {
    routes![
        record_payment,
        checkout,
        record_refund,
        ledger,
        get_receipt,
        import_bank,
        bank_lines,
        confirm_bank_line,
        report,
        set_refund_policy
    ]
}

fn is_staff(user: &CurrentUser) -> bool {
    user.role.at_least(Role::Staff)
}

fn date(field: &'static str, raw: &str) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid(field, "err-date-invalid"))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryView {
    pub id: i64,
    /// `charge | payment | refund | adjustment`
    pub kind: String,
    pub amount_yen: i64,
    /// `card | bank_transfer | cash | waived`
    pub method: String,
    pub external_id: Option<String>,
    pub payer_name: String,
    pub paid_on: Option<NaiveDate>,
    pub note: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<ledger_entry::Model> for EntryView {
    fn from(e: ledger_entry::Model) -> Self {
        EntryView {
            id: e.id,
            kind: e.kind,
            amount_yen: e.amount_yen,
            method: e.method,
            external_id: e.external_id,
            payer_name: e.payer_name,
            paid_on: e.paid_on,
            note: e.note,
            created_at: e.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptView {
    pub id: i64,
    pub number: i64,
    pub enrollment_id: i64,
    pub payer_name: String,
    pub amount_yen: i64,
    pub method: String,
    /// `[[component, amount_yen], …]`
    pub breakdown: serde_json::Value,
    /// Set on a reissue (再発行): the original receipt's id.
    pub reissue_of: Option<i64>,
    pub issued_at: chrono::DateTime<chrono::Utc>,
}

impl From<receipt::Model> for ReceiptView {
    fn from(r: receipt::Model) -> Self {
        ReceiptView {
            id: r.id,
            number: r.number,
            enrollment_id: r.enrollment_id,
            payer_name: r.payer_name,
            amount_yen: r.amount_yen,
            method: r.method,
            breakdown: serde_json::from_str(&r.breakdown).unwrap_or_default(),
            reissue_of: r.reissue_of,
            issued_at: r.issued_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MoneyResult {
    pub entry: EntryView,
    pub balance: Balance,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct PaymentBody {
    /// `bank_transfer | cash | waived`
    pub method: String,
    pub amount_yen: i64,
    /// `YYYY-MM-DD`
    pub paid_on: String,
    pub payer_name: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// Staff record a bank transfer or cash payment.
#[utoipa::path(post, path = "/api/v1/enrollments/{id}/payments", tag = "payments", security(("bearer" = [])),
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = PaymentBody,
    responses((status = 201, body = MoneyResult), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/enrollments/<id>/payments", data = "<body>")]
async fn record_payment(
    staff: StaffUser,
    id: i64,
    body: Json<PaymentBody>,
    key: IdempotencyKey,
    lang: ApiLang,
    state: &State<AppState>,
) -> ApiReply {
    let scope = idempotent::scope(&format!("payment:{id}"), Some(staff.0.id), &*body);
    idempotent::run(state, lang.0, key, scope, async {
        let payment = OfflinePayment {
            method: body.method.clone(),
            amount_yen: body.amount_yen,
            paid_on: date("paid_on", &body.paid_on)?,
            payer_name: body.payer_name.clone(),
            note: body.note.clone().unwrap_or_default(),
        };
        let (entry, balance) =
            payments::record_offline(&state.db, id, staff.0.id, &payment, state.clock.now())
                .await?;
        Ok((
            Status::Created,
            json_value(MoneyResult {
                entry: entry.into(),
                balance,
            })?,
        ))
    })
    .await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckoutView {
    /// The Stripe-hosted payment page.
    pub url: String,
}

/// The owner starts a card payment (Stripe Checkout) for what is still owed.
#[utoipa::path(post, path = "/api/v1/enrollments/{id}/checkout", tag = "payments", security(("bearer" = [])),
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = CheckoutView), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/enrollments/<id>/checkout")]
async fn checkout(
    user: CurrentUser,
    id: i64,
    key: IdempotencyKey,
    lang: ApiLang,
    state: &State<AppState>,
) -> ApiReply {
    let scope = idempotent::scope(&format!("checkout:{id}"), Some(user.id), &());
    idempotent::run(state, lang.0, key, scope, async {
        // Someone else's enrollment is not found before anything else is
        // said about it (not even that cards are off).
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
        Ok((Status::Created, json_value(CheckoutView { url })?))
    })
    .await
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct RefundBody {
    /// `card` (through Stripe) or `bank_transfer | cash`
    pub method: String,
    pub amount_yen: i64,
    /// `YYYY-MM-DD`, for offline refunds; today when empty.
    #[serde(default)]
    pub paid_on: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Staff refund money (partial refunds allowed, never more than was paid).
#[utoipa::path(post, path = "/api/v1/enrollments/{id}/refunds", tag = "payments", security(("bearer" = [])),
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = RefundBody,
    responses((status = 201, body = MoneyResult), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/enrollments/<id>/refunds", data = "<body>")]
async fn record_refund(
    staff: StaffUser,
    id: i64,
    body: Json<RefundBody>,
    key: IdempotencyKey,
    lang: ApiLang,
    state: &State<AppState>,
) -> ApiReply {
    let scope = idempotent::scope(&format!("refund:{id}"), Some(staff.0.id), &*body);
    idempotent::run(state, lang.0, key, scope, async {
        let order = RefundOrder {
            method: body.method.clone(),
            amount_yen: body.amount_yen,
            paid_on: match body.paid_on.as_deref().filter(|d| !d.trim().is_empty()) {
                Some(d) => Some(date("paid_on", d)?),
                None => None,
            },
            note: body.note.clone().unwrap_or_default(),
            idempotency_key: None,
        };
        let gateway = crate::payments::gateway(&state.config);
        let (entry, balance) = refunds::refund(
            &state.db,
            gateway.as_deref(),
            id,
            staff.0.id,
            &order,
            state.clock.now(),
        )
        .await?;
        Ok((
            Status::Created,
            json_value(MoneyResult {
                entry: entry.into(),
                balance,
            })?,
        ))
    })
    .await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerView {
    pub enrollment_id: i64,
    pub status: String,
    /// The fee fixed when applying.
    pub amount_due_yen: i64,
    pub payment_due_at: Option<chrono::DateTime<chrono::Utc>>,
    pub balance: Balance,
    /// `unpaid | partial | paid | overpaid | refunded | none`
    pub payment_state: String,
    /// What cancelling now would refund, by the course's policy.
    pub refund_if_cancelled_yen: i64,
    pub card_available: bool,
    pub entries: Vec<EntryView>,
    pub receipts: Vec<ReceiptView>,
}

/// The ledger of an enrollment: owner or staff.
#[utoipa::path(get, path = "/api/v1/enrollments/{id}/ledger", tag = "payments", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = LedgerView), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/v1/enrollments/<id>/ledger")]
async fn ledger(
    user: CurrentUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Json<LedgerView>, ApiError> {
    let row = enrollment::find_visible(&state.db, id, user.id, is_staff(&user)).await?;
    let entries = payments::entries(&state.db, id).await?;
    let balance = payments::summarize(&row, &entries);
    let refund = payments::refund_preview(&state.db, id, state.clock.now()).await?;
    let receipts = receipts::for_enrollment(&state.db, id).await?;
    Ok(Json(LedgerView {
        enrollment_id: row.id,
        status: row.status.clone(),
        amount_due_yen: row.amount_due_yen,
        payment_due_at: row.payment_due_at,
        balance,
        payment_state: balance.state().to_string(),
        refund_if_cancelled_yen: refund,
        card_available: crate::payments::card_enabled(&state.config),
        entries: entries.into_iter().map(Into::into).collect(),
        receipts: receipts.into_iter().map(Into::into).collect(),
    }))
}

/// A receipt: its enrollment's owner or staff.
#[utoipa::path(get, path = "/api/v1/receipts/{id}", tag = "payments", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = ReceiptView), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/v1/receipts/<id>")]
async fn get_receipt(
    user: CurrentUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Json<ReceiptView>, ApiError> {
    let found = receipts::find_visible(&state.db, id, user.id, is_staff(&user)).await?;
    Ok(Json(found.into()))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct BankImportBody {
    /// The bank's CSV (date, payer name in katakana, amount).
    pub csv: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BankLineView {
    pub id: i64,
    pub paid_on: NaiveDate,
    pub payer_name: String,
    pub normalized_name: String,
    pub amount_yen: i64,
    /// `proposed | ambiguous | unmatched | confirmed | ignored`
    pub status: String,
    pub enrollment_id: Option<i64>,
}

impl From<bank_import_line::Model> for BankLineView {
    fn from(l: bank_import_line::Model) -> Self {
        BankLineView {
            id: l.id,
            paid_on: l.paid_on,
            payer_name: l.payer_name,
            normalized_name: l.normalized_name,
            amount_yen: l.amount_yen,
            status: l.status,
            enrollment_id: l.enrollment_id,
        }
    }
}

/// Staff import a bank statement; matches are proposed, not recorded.
#[utoipa::path(post, path = "/api/v1/bank-imports", tag = "payments", security(("bearer" = [])),
    request_body = BankImportBody,
    responses((status = 201, body = Vec<BankLineView>), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/bank-imports", data = "<body>")]
async fn import_bank(
    staff: StaffUser,
    body: Json<BankImportBody>,
    state: &State<AppState>,
) -> Result<(Status, Json<Vec<BankLineView>>), ApiError> {
    if body.csv.len() > 2_000_000 {
        return Err(Error::invalid("csv", "err-bank-csv-empty").into());
    }
    let lines = bank_import::import(&state.db, &body.csv, staff.0.id, state.clock.now()).await?;
    Ok((
        Status::Created,
        Json(lines.into_iter().map(Into::into).collect()),
    ))
}

/// Imported lines still waiting for staff.
#[utoipa::path(get, path = "/api/v1/bank-imports", tag = "payments", security(("bearer" = [])),
    responses((status = 200, body = Vec<BankLineView>)))]
#[get("/v1/bank-imports")]
async fn bank_lines(
    _staff: StaffUser,
    state: &State<AppState>,
) -> Result<Json<Vec<BankLineView>>, ApiError> {
    let lines = bank_import::open_lines(&state.db).await?;
    Ok(Json(lines.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ConfirmBody {
    /// Another enrollment than the proposed one.
    pub enrollment_id: Option<i64>,
}

/// Staff confirm a line as a payment (records it once, issues the receipt).
#[utoipa::path(post, path = "/api/v1/bank-imports/{id}/confirm", tag = "payments", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ConfirmBody,
    responses((status = 200, body = BankLineView), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/bank-imports/<id>/confirm", data = "<body>")]
async fn confirm_bank_line(
    staff: StaffUser,
    id: i64,
    body: Option<Json<ConfirmBody>>,
    state: &State<AppState>,
) -> Result<Json<BankLineView>, ApiError> {
    let chosen = body.and_then(|b| b.0.enrollment_id);
    let line = bank_import::confirm(&state.db, id, chosen, staff.0.id, state.clock.now()).await?;
    Ok(Json(line.into()))
}

/// Paid / unpaid / refunded, per course and period (Japan dates, inclusive).
#[utoipa::path(get, path = "/api/v1/payments/report", tag = "payments", security(("bearer" = [])),
    params(("course_id" = Option<i64>, Query), ("from" = Option<String>, Query), ("to" = Option<String>, Query)),
    responses((status = 200, body = Vec<ReportRow>)))]
#[get("/v1/payments/report?<course_id>&<from>&<to>")]
async fn report(
    _staff: StaffUser,
    course_id: Option<i64>,
    from: Option<&str>,
    to: Option<&str>,
    state: &State<AppState>,
) -> Result<Json<Vec<ReportRow>>, ApiError> {
    let from = from
        .filter(|s| !s.is_empty())
        .map(|s| date("from", s))
        .transpose()?;
    let to = to
        .filter(|s| !s.is_empty())
        .map(|s| date("to", s))
        .transpose()?;
    Ok(Json(
        payment_reports::report(&state.db, course_id, from, to).await?,
    ))
}

/// Staff set a course's cancellation policy, e.g.
/// `{"tiers":[{"days_before":8,"charge_percent":0},{"days_before":2,"charge_percent":50}],
///   "non_refundable_components":["textbook"],"transfer_fee_yen":0}`.
#[utoipa::path(put, path = "/api/v1/courses/{id}/refund-policy", tag = "payments", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = Object,
    responses((status = 200, body = Object), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/v1/courses/<id>/refund-policy", data = "<body>")]
async fn set_refund_policy(
    staff: StaffUser,
    id: i64,
    body: Json<serde_json::Value>,
    state: &State<AppState>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let policy = refunds::set_policy(
        &state.db,
        id,
        staff.0.id,
        &body.0.to_string(),
        state.clock.now(),
    )
    .await?;
    Ok(Json(json_value(policy)?))
}
