//! 領収書 — one numbered receipt per payment received. Numbers come from a
//! counter row updated inside the paying transaction (the row lock orders
//! concurrent payments), so they are sequential and never reused. A reissue
//! gets a new number and points at the original (再発行).
use chrono::{DateTime, Utc};
use sea_orm::prelude::Expr;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter,
    QueryOrder, Set,
};

use super::payment_rows::{ledger_entry, payment_counter, receipt, receipt_print};
use super::{audit, enrollment as enrollments};
use crate::entities::course_fee;
use crate::error::Error;

async fn next_number(conn: &impl ConnectionTrait) -> Result<i64, Error> {
    payment_counter::Entity::update_many()
        .col_expr(
            payment_counter::Column::Last,
            Expr::col(payment_counter::Column::Last).add(1),
        )
        .filter(payment_counter::COLUMN.name.eq("receipt"))
        .exec(conn)
        .await?;
    let row = payment_counter::Entity::find_by_id("receipt".to_string())
        .one(conn)
        .await?
        .ok_or_else(|| Error::Internal("receipt counter missing".into()))?;
    Ok(row.last)
}

/// Issues the receipt for a payment entry (inside the caller's transaction).
pub async fn issue_for_payment(
    conn: &impl ConnectionTrait,
    entry: &ledger_entry::Model,
    issued_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<receipt::Model, Error> {
    let row = enrollments::find(conn, entry.enrollment_id).await?;
    let lines = course_fee::Entity::find()
        .filter(course_fee::COLUMN.course_id.eq(row.course_id))
        .filter(course_fee::COLUMN.category.eq(row.price_category.as_str()))
        .order_by_asc(course_fee::Column::Id)
        .all(conn)
        .await?;
    // The subsidy line is the municipality's share, not a component.
    let lines: Vec<course_fee::Model> = lines
        .into_iter()
        .filter(|l| l.component != crate::domain::support::MUNICIPAL_SUBSIDY)
        .collect();
    let breakdown: Vec<(String, i64)> = if entry.amount_yen == row.amount_due_yen
        && lines.iter().map(|l| l.amount_yen).sum::<i64>() == entry.amount_yen
    {
        lines
            .iter()
            .filter(|l| l.amount_yen > 0)
            .map(|l| (l.component.clone(), l.amount_yen))
            .collect()
    } else {
        vec![("payment".to_string(), entry.amount_yen)]
    };
    let payer = if entry.payer_name.trim().is_empty() {
        format!("{} {}", row.family_name, row.given_name)
    } else {
        entry.payer_name.clone()
    };
    let number = next_number(conn).await?;
    super::payment_mails::payment_received(conn, entry, number, now).await?;
    Ok(receipt::ActiveModel {
        number: Set(number),
        enrollment_id: Set(row.id),
        ledger_entry_id: Set(Some(entry.id)),
        payer_name: Set(payer),
        amount_yen: Set(entry.amount_yen),
        method: Set(entry.method.clone()),
        breakdown: Set(serde_json::to_string(&breakdown).unwrap_or_else(|_| "[]".into())),
        reissue_of: Set(None),
        issued_by: Set(issued_by),
        issued_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// Staff reissue a receipt (lost, or a different payer name): a new number,
/// marked as a reissue of the original.
pub async fn reissue(
    db: &DatabaseConnection,
    receipt_id: i64,
    staff_id: i64,
    payer_name: Option<&str>,
    now: DateTime<Utc>,
) -> Result<receipt::Model, Error> {
    let txn = crate::db::begin_write(db).await?;
    let original = receipt::Entity::find_by_id(receipt_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let number = next_number(&txn).await?;
    let payer = payer_name
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map_or(original.payer_name.clone(), str::to_string);
    let reissued = receipt::ActiveModel {
        number: Set(number),
        enrollment_id: Set(original.enrollment_id),
        ledger_entry_id: Set(original.ledger_entry_id),
        payer_name: Set(payer),
        amount_yen: Set(original.amount_yen),
        method: Set(original.method.clone()),
        breakdown: Set(original.breakdown.clone()),
        reissue_of: Set(Some(original.id)),
        issued_by: Set(Some(staff_id)),
        issued_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(staff_id),
        "receipt.reissue",
        ("enrollment", Some(original.enrollment_id)),
        serde_json::json!({"original": original.number, "number": number}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(reissued)
}

pub async fn for_enrollment(
    conn: &impl ConnectionTrait,
    enrollment_id: i64,
) -> Result<Vec<receipt::Model>, Error> {
    Ok(receipt::Entity::find()
        .filter(receipt::COLUMN.enrollment_id.eq(enrollment_id))
        .order_by_asc(receipt::Column::Number)
        .all(conn)
        .await?)
}

/// A receipt its enrollment's owner (or staff) may see; others get "not found".
pub async fn find_visible(
    conn: &impl ConnectionTrait,
    receipt_id: i64,
    viewer_id: i64,
    viewer_is_staff: bool,
) -> Result<receipt::Model, Error> {
    let found = receipt::Entity::find_by_id(receipt_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    enrollments::find_visible(conn, found.enrollment_id, viewer_id, viewer_is_staff).await?;
    Ok(found)
}

/// The original receipt's number, for printing "reissue of No. …".
pub async fn number_of(conn: &impl ConnectionTrait, receipt_id: i64) -> Result<i64, Error> {
    Ok(receipt::Entity::find_by_id(receipt_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?
        .number)
}

/// The line naming the other payer's share (`総額 ¥X のうち ○○市負担 ¥Y`)
/// when the fee is split by a support scheme, else `None`.
pub async fn share_line(
    conn: &impl ConnectionTrait,
    found: &receipt::Model,
) -> Result<Option<String>, Error> {
    use crate::domain::support::{share_line, Scheme};
    let row = enrollments::find(conn, found.enrollment_id).await?;
    let form: serde_json::Value = serde_json::from_str(&row.form).unwrap_or_default();
    let Some(scheme) = Scheme::of_form(&form) else {
        return Ok(None);
    };
    let price =
        enrollments::price_for(conn, row.course_id, &row.price_category, Some(scheme)).await?;
    // The other payers: the other payments' receipts (reissues are copies).
    let others: Vec<(String, i64)> = for_enrollment(conn, row.id)
        .await?
        .into_iter()
        .filter(|r| r.reissue_of.is_none() && r.ledger_entry_id != found.ledger_entry_id)
        .map(|r| (r.payer_name, r.amount_yen))
        .collect();
    Ok(share_line(
        &price,
        &found.payer_name,
        found.amount_yen,
        &others,
    ))
}

/// Who issues receipts, as printed on them (from the configuration).
#[derive(Debug, Clone)]
pub struct Issuer {
    pub name: String,
    pub address: String,
    /// 適格請求書発行事業者登録番号; printed only when it is well formed.
    pub registration_number: Option<String>,
}

/// The receipt as a PDF for its owner or staff. Every download is recorded;
/// the first print of a receipt is the original, every later one (and any
/// print of a receipt reissued under a new number) is marked 再発行.
pub async fn print_pdf(
    db: &DatabaseConnection,
    receipt_id: i64,
    viewer_id: i64,
    viewer_is_staff: bool,
    issuer: &Issuer,
    now: DateTime<Utc>,
) -> Result<(receipt::Model, Vec<u8>), Error> {
    use crate::domain::invoice::is_registration_number;
    use crate::domain::wareki::format_wareki;
    use crate::domain::yen::format_yen;
    use crate::i18n::{t, Lang};
    use sea_orm::PaginatorTrait;

    let txn = crate::db::begin_write(db).await?;
    let found = find_visible(&txn, receipt_id, viewer_id, viewer_is_staff).await?;
    // Takes the receipt's row lock first, so two simultaneous first downloads
    // are ordered and only one of them is the original.
    receipt::Entity::update_many()
        .col_expr(receipt::Column::Id, Expr::col(receipt::Column::Id))
        .filter(receipt::COLUMN.id.eq(found.id))
        .exec(&txn)
        .await?;
    let earlier = receipt_print::Entity::find()
        .filter(receipt_print::COLUMN.receipt_id.eq(found.id))
        .count(&txn)
        .await?;
    let reissue = earlier > 0 || found.reissue_of.is_some();
    receipt_print::ActiveModel {
        receipt_id: Set(found.id),
        reissue: Set(reissue),
        printed_by: Set(Some(viewer_id)),
        printed_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(viewer_id),
        if reissue {
            "receipt.print_reissue"
        } else {
            "receipt.print"
        },
        ("enrollment", Some(found.enrollment_id)),
        serde_json::json!({"receipt": found.number, "reissue": reissue}),
        now,
    )
    .await?;
    let row = enrollments::find(&txn, found.enrollment_id).await?;
    let course = super::catalog::find(&txn, row.course_id).await?;
    let paid_on = match found.ledger_entry_id {
        Some(entry_id) => ledger_entry::Entity::find_by_id(entry_id)
            .one(&txn)
            .await?
            .and_then(|e| e.paid_on),
        None => None,
    }
    .unwrap_or_else(|| crate::domain::course::jst_date(found.issued_at));
    let reissue_of = match found.reissue_of {
        Some(original) => Some(format!("No. {:06}", number_of(&txn, original).await?)),
        None => None,
    };
    let share = share_line(&txn, &found).await?;
    txn.commit().await?;

    let lang = Lang::Ja;
    let breakdown: Vec<(String, i64)> = serde_json::from_str(&found.breakdown).unwrap_or_default();
    let registration_number = issuer
        .registration_number
        .as_deref()
        .map(str::trim)
        .filter(|n| is_registration_number(n))
        .map(str::to_string);
    let print = crate::pdf::receipt::ReceiptPrint {
        number: format!("No. {:06}", found.number),
        reissue,
        reissue_of,
        payer: found.payer_name.clone(),
        amount: format_yen(found.amount_yen),
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
        purpose: format!("「{}」の受講料等として", course.title),
        method: t(
            lang,
            &format!("pay-method-{}", found.method.replace('_', "-")),
        ),
        paid_on: format_wareki(paid_on),
        issued_on: format_wareki(crate::domain::course::jst_date(now)),
        issuer_name: issuer.name.clone(),
        issuer_address: issuer.address.clone(),
        registration_number,
        share,
    };
    let bytes = crate::pdf::receipt::a4(&print).map_err(|e| Error::Internal(e.to_string()))?;
    Ok((found, bytes))
}

/// How often a receipt has been printed, and how many of those were reissues.
pub async fn prints(
    conn: &impl ConnectionTrait,
    receipt_id: i64,
) -> Result<Vec<receipt_print::Model>, Error> {
    Ok(receipt_print::Entity::find()
        .filter(receipt_print::COLUMN.receipt_id.eq(receipt_id))
        .order_by_asc(receipt_print::Column::Id)
        .all(conn)
        .await?)
}
