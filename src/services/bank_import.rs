//! Bank statement import (振込): staff upload the bank's CSV; each transfer
//! is matched to an enrollment awaiting payment by the payer name in katakana
//! (normalised: half/full width, small kana) and the amount. A unique match
//! is proposed, staff confirm it; ambiguous and unmatched lines stay visible.
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Set, TryInsertResult,
};
use sha2::{Digest, Sha256};

use super::payment_rows::bank_import_line;
use super::payments::{self, append, NewEntry};
use super::{audit, enrollment as enrollments};
use crate::domain::course::EnrollmentStatus;
use crate::domain::kana::normalize;
use crate::entities::enrollment;
use crate::error::Error;

/// One transfer read from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub raw: String,
    pub paid_on: NaiveDate,
    pub payer_name: String,
    pub amount_yen: i64,
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
}

fn parse_amount(s: &str) -> Option<i64> {
    let digits: String = s
        .trim()
        .trim_start_matches(['¥', '￥'])
        .trim_end_matches('円')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    digits.parse().ok().filter(|a: &i64| *a > 0)
}

/// Reads the CSV: columns found by header (日付/取引日/date, 振込依頼人名/
/// 依頼人名/name, 金額/入金額/amount) or, without a header, date,name,amount.
/// Lines that are not transfers are skipped.
pub fn parse_csv(text: &str) -> Vec<Transfer> {
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut columns = (0usize, 1usize, 2usize);
    let mut out = vec![];
    for (n, record) in reader.records().enumerate() {
        let Ok(record) = record else { continue };
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
        if n == 0 {
            let find = |names: &[&str]| {
                cells
                    .iter()
                    .position(|c| names.iter().any(|name| c.contains(name)))
            };
            if let (Some(d), Some(p), Some(a)) = (
                find(&["日付", "取引日", "date", "Date"]),
                find(&["依頼人", "名義", "name", "Name"]),
                find(&["金額", "入金", "amount", "Amount"]),
            ) {
                columns = (d, p, a);
                continue;
            }
        }
        let cell = |i: usize| cells.get(i).map(String::as_str).unwrap_or("");
        let (Some(paid_on), Some(amount_yen)) =
            (parse_date(cell(columns.0)), parse_amount(cell(columns.2)))
        else {
            continue;
        };
        let payer_name = cell(columns.1).to_string();
        if payer_name.is_empty() {
            continue;
        }
        out.push(Transfer {
            raw: cells.join(","),
            paid_on,
            payer_name,
            amount_yen,
        });
    }
    out
}

/// Who could have sent a transfer: `Some(id)` for one clear match.
fn propose(
    transfer_name: &str,
    amount: i64,
    owing: &[(enrollment::Model, String, i64)],
) -> (Option<i64>, &'static str) {
    let by_name: Vec<&(enrollment::Model, String, i64)> = owing
        .iter()
        .filter(|(_, n, _)| n == transfer_name)
        .collect();
    let exact: Vec<_> = by_name.iter().filter(|(_, _, b)| *b == amount).collect();
    match (exact.len(), by_name.len()) {
        (1, _) => (Some(exact[0].0.id), "proposed"),
        (0, 1) => (Some(by_name[0].0.id), "proposed"),
        (0, 0) => (None, "unmatched"),
        _ => (None, "ambiguous"),
    }
}

/// Imports a statement; a line already imported (same content and position
/// among equal lines) is not imported twice. Returns the new lines.
pub async fn import(
    db: &DatabaseConnection,
    text: &str,
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<bank_import_line::Model>, Error> {
    let transfers = parse_csv(text);
    if transfers.is_empty() {
        return Err(Error::invalid("csv", "err-bank-csv-empty"));
    }
    let txn = crate::db::begin_write(db).await?;
    let pending = enrollment::Entity::find()
        .filter(
            enrollment::COLUMN
                .status
                .eq(EnrollmentStatus::PendingPayment.as_str()),
        )
        .all(&txn)
        .await?;
    let mut owing = vec![];
    for row in pending {
        let balance = payments::balance(&txn, &row).await?.balance_yen;
        if balance > 0 {
            let name = normalize(&format!("{}{}", row.family_name_kana, row.given_name_kana));
            owing.push((row, name, balance));
        }
    }
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    let mut created = vec![];
    for transfer in transfers {
        let digest = hex::encode(Sha256::digest(transfer.raw.as_bytes()));
        let nth = seen.entry(digest.clone()).or_default();
        *nth += 1;
        let normalized = normalize(&transfer.payer_name);
        let (enrollment_id, status) = propose(&normalized, transfer.amount_yen, &owing);
        let inserted = bank_import_line::Entity::insert(bank_import_line::ActiveModel {
            fingerprint: Set(format!("{}#{nth}", &digest[..64])),
            raw: Set(transfer.raw.clone()),
            payer_name: Set(transfer.payer_name.chars().take(200).collect()),
            normalized_name: Set(normalized.chars().take(200).collect()),
            amount_yen: Set(transfer.amount_yen),
            paid_on: Set(transfer.paid_on),
            status: Set(status.into()),
            enrollment_id: Set(enrollment_id),
            ledger_entry_id: Set(None),
            imported_by: Set(Some(staff_id)),
            created_at: Set(now),
            ..Default::default()
        })
        .on_conflict_do_nothing_on([bank_import_line::Column::Fingerprint])
        .exec(&txn)
        .await?;
        if let TryInsertResult::Inserted(r) = inserted {
            if let Some(line) = bank_import_line::Entity::find_by_id(r.last_insert_id)
                .one(&txn)
                .await?
            {
                created.push(line);
            }
        }
    }
    audit::record(
        &txn,
        Some(staff_id),
        "bank_import.upload",
        ("bank_import", None),
        serde_json::json!({"lines": created.len()}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Lines still waiting for staff (proposed, ambiguous, unmatched), oldest first.
pub async fn open_lines(
    conn: &impl ConnectionTrait,
) -> Result<Vec<bank_import_line::Model>, Error> {
    Ok(bank_import_line::Entity::find()
        .filter(
            bank_import_line::COLUMN
                .status
                .is_in(["proposed", "ambiguous", "unmatched"]),
        )
        .order_by_asc(bank_import_line::Column::Id)
        .all(conn)
        .await?)
}

/// Staff confirm a line as the payment of an enrollment (the proposal, or
/// one they chose): the payment is recorded once, whatever is clicked twice.
pub async fn confirm(
    db: &DatabaseConnection,
    line_id: i64,
    enrollment_id: Option<i64>,
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<bank_import_line::Model, Error> {
    let txn = crate::db::begin_write(db).await?;
    let line = bank_import_line::Entity::find_by_id(line_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    if line.status == "confirmed" || line.status == "ignored" {
        return Err(Error::Conflict("err-bank-line-done"));
    }
    let target = enrollment_id
        .or(line.enrollment_id)
        .ok_or_else(|| Error::invalid("enrollment_id", "err-bank-line-no-match"))?;
    enrollments::find(&txn, target).await?;
    let entry = append(
        &txn,
        NewEntry {
            enrollment_id: target,
            kind: "payment",
            amount_yen: line.amount_yen,
            method: "bank_transfer",
            external_id: Some(format!("bank:{}", line.id)),
            payer_name: &line.payer_name,
            paid_on: Some(line.paid_on),
            note: "",
            recorded_by: Some(staff_id),
        },
        now,
    )
    .await?
    .ok_or(Error::Conflict("err-bank-line-done"))?;
    super::receipts::issue_for_payment(&txn, &entry, Some(staff_id), now).await?;
    payments::settle(&txn, target, Some(staff_id), now).await?;
    let mut active: bank_import_line::ActiveModel = line.into();
    active.status = Set("confirmed".into());
    active.enrollment_id = Set(Some(target));
    active.ledger_entry_id = Set(Some(entry.id));
    let line = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(staff_id),
        "bank_import.confirm",
        ("enrollment", Some(target)),
        serde_json::json!({"line": line_id, "amount_yen": line.amount_yen}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bank_csv_with_a_header_and_half_width_names_is_read() {
        let csv = "\u{feff}取引日,摘要,振込依頼人名,入金額\n2026/04/01,振込,ﾔﾏﾀﾞ ﾊﾅｺ,\"5,000\"\n2026/04/02,利息,,3\n";
        let lines = parse_csv(csv);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].payer_name, "ﾔﾏﾀﾞ ﾊﾅｺ");
        assert_eq!(lines[0].amount_yen, 5_000);
        assert_eq!(
            lines[0].paid_on,
            NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()
        );
    }

    #[test]
    fn without_a_header_columns_are_date_name_amount() {
        let lines = parse_csv("2026-04-01,ｻﾄｳ ｼﾞﾛｳ,12000\n");
        assert_eq!(lines[0].amount_yen, 12_000);
    }
}
