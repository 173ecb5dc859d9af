//! 再交付 of a past completion (過去の修了者): staff find a completion that
//! was imported from before this system and reissue it. The new document is
//! numbered in a certificate series (the same counter as in-system
//! certificates, so numbers never collide), gets a new code and a signed
//! token, and is printed and verified through a `certificate::Model` built in
//! memory — one layout, one verification answer for both kinds.
//!
//! The documents live in `past_certificates` because `certificates` needs an
//! enrollment and a course. One current document per past completion is a
//! unique column, so two staff reissuing at once get one document and a
//! clear refusal.
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::prelude::Expr;
use sea_orm::sea_query::LikeExpr;
use sea_orm::{
    ActiveModelTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

use super::certificates::{self as certs, numbering, NameChange, Signer, Subject, Verification};
use super::{audit, is_unique_violation};
use crate::domain::course::jst_date;
use crate::entities::{certificate, certificate_series, past_certificate, past_completion};
use crate::error::Error;

/// Past completions shown on one page of the staff list.
pub const PER_PAGE: u64 = 50;

/// What staff search past completions by. Every word must match the name,
/// the フリガナ (hiragana is read as katakana) or the certificate number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    pub words: Vec<String>,
    pub birth_date: Option<NaiveDate>,
}

impl Search {
    pub fn parse(q: &str, birth_date: &str) -> Result<Search, Error> {
        let words: Vec<String> = q.split_whitespace().map(str::to_string).collect();
        if words.len() > 5 || q.chars().count() > 100 {
            return Err(Error::invalid("q", "err-past-search-too-long"));
        }
        let birth_date = match birth_date.trim() {
            "" => None,
            raw => Some(
                NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                    .or_else(|_| NaiveDate::parse_from_str(raw, "%Y/%m/%d"))
                    .map_err(|_| Error::invalid("birth_date", "err-date-invalid"))?,
            ),
        };
        Ok(Search { words, birth_date })
    }
}

/// `%word%`, with LIKE's own characters in the word taken literally.
fn contains(column: past_completion::Column, word: &str) -> Expr {
    use sea_orm::ExprTrait as _;
    let escaped: String = word
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    Expr::col(column).like(LikeExpr::new(format!("%{escaped}%")).escape('\\'))
}

fn word_matches(word: &str) -> Condition {
    use past_completion::Column as C;
    let kana = crate::domain::kana::normalize(word);
    Condition::any()
        .add(contains(C::FamilyName, word))
        .add(contains(C::GivenName, word))
        .add(contains(C::FamilyNameKana, &kana))
        .add(contains(C::GivenNameKana, &kana))
        .add(contains(C::CertificateNumber, word))
}

/// One page of past completions, in フリガナ order, with the total.
pub async fn search(
    conn: &impl ConnectionTrait,
    search: &Search,
    page: u64,
) -> Result<(Vec<past_completion::Model>, u64), Error> {
    let mut query = past_completion::Entity::find();
    for word in &search.words {
        query = query.filter(word_matches(word));
    }
    if let Some(date) = search.birth_date {
        query = query.filter(past_completion::COLUMN.birth_date.eq(date));
    }
    let paginator = query
        .order_by_asc(past_completion::COLUMN.family_name_kana)
        .order_by_asc(past_completion::COLUMN.given_name_kana)
        .order_by_asc(past_completion::COLUMN.id)
        .paginate(conn, PER_PAGE);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(page.max(1) - 1).await?;
    Ok((rows, total))
}

pub async fn find_completion(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<past_completion::Model, Error> {
    past_completion::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)
}

pub async fn find(conn: &impl ConnectionTrait, id: i64) -> Result<past_certificate::Model, Error> {
    past_certificate::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)
}

/// The documents reissued for one past completion, oldest first.
pub async fn for_completion(
    conn: &impl ConnectionTrait,
    past_completion_id: i64,
) -> Result<Vec<past_certificate::Model>, Error> {
    Ok(past_certificate::Entity::find()
        .filter(
            past_certificate::COLUMN
                .past_completion_id
                .eq(past_completion_id),
        )
        .order_by_asc(past_certificate::COLUMN.id)
        .all(conn)
        .await?)
}

/// A holder's reissued past certificates, newest first.
pub async fn for_user(
    conn: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<past_certificate::Model>, Error> {
    Ok(past_certificate::Entity::find()
        .filter(past_certificate::COLUMN.user_id.eq(user_id))
        .order_by_desc(past_certificate::COLUMN.id)
        .all(conn)
        .await?)
}

/// The series a past completion is numbered in: the curriculum series whose
/// name the course title carries (`介護職員初任者研修課程`), else the helper
/// series when the completion has a 指定番号, else the community series.
pub fn series_for(
    all: &[certificate_series::Model],
    course_title: &str,
    designation_number: Option<&str>,
) -> Option<certificate_series::Model> {
    let by_curriculum = all
        .iter()
        .find(|s| s.curriculum_key.is_some() && course_title.contains(s.label.as_str()));
    let kind = if designation_number.is_some_and(|d| !d.trim().is_empty()) {
        "helper"
    } else {
        "community"
    };
    let by_kind = || {
        all.iter()
            .find(|s| s.curriculum_key.is_none() && s.course_kind.as_deref() == Some(kind))
    };
    by_curriculum.or_else(by_kind).cloned()
}

/// The kind a series prints its statement for (a curriculum series is a
/// helper course's).
fn kind_of(series: &certificate_series::Model) -> String {
    series
        .course_kind
        .clone()
        .unwrap_or_else(|| "helper".to_string())
}

/// What the new document says about the holder, before it is sealed.
struct Holder {
    family_name: String,
    given_name: String,
    family_name_kana: String,
    given_name_kana: String,
}

impl Holder {
    fn changed(self, name: Option<&NameChange>) -> Holder {
        match name {
            Some(n) => Holder {
                family_name: n.family_name.trim().to_string(),
                given_name: n.given_name.trim().to_string(),
                family_name_kana: n.family_name_kana.trim().to_string(),
                given_name_kana: n.given_name_kana.trim().to_string(),
            },
            None => self,
        }
    }
}

/// 再交付 of a past completion that has no current document yet (never
/// reissued, or its last document was revoked).
pub async fn reissue_completion(
    db: &DatabaseConnection,
    signer: &Signer,
    past_completion_id: i64,
    staff_id: i64,
    reason: &str,
    name: Option<&NameChange>,
    now: DateTime<Utc>,
) -> Result<past_certificate::Model, Error> {
    let reason = certs::check_reason(reason)?;
    if let Some(n) = name {
        certs::check_name_change(n)?;
    }
    let txn = crate::db::begin_write(db).await?;
    let past = find_completion(&txn, past_completion_id).await?;
    // The unique live column decides a race; this says it plainly first.
    let live = past_certificate::Entity::find()
        .filter(past_certificate::COLUMN.live_past_completion_id.eq(past.id))
        .one(&txn)
        .await?;
    if live.is_some() {
        return Err(Error::Conflict("err-past-cert-exists"));
    }
    let series = series_for(
        &certs::all_series(&txn).await?,
        &past.course_title,
        past.designation_number.as_deref(),
    )
    .ok_or(Error::Conflict("err-cert-no-series"))?;
    let holder = Holder {
        family_name: past.family_name.clone(),
        given_name: past.given_name.clone(),
        family_name_kana: past.family_name_kana.clone(),
        given_name_kana: past.given_name_kana.clone(),
    }
    .changed(name);
    let saved = seal_and_insert(
        &txn, signer, &past, &series, holder, None, &reason, staff_id, now,
    )
    .await?;
    audit_reissue(
        &txn,
        staff_id,
        &saved,
        &past.certificate_number,
        &reason,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// 再交付 of a reissued past certificate: as `certificates::reissue`, a new
/// number in the same series and a new code; the old document stays, marked
/// reissued.
pub async fn reissue(
    db: &DatabaseConnection,
    signer: &Signer,
    past_certificate_id: i64,
    staff_id: i64,
    reason: &str,
    name: Option<&NameChange>,
    now: DateTime<Utc>,
) -> Result<past_certificate::Model, Error> {
    let reason = certs::check_reason(reason)?;
    if let Some(n) = name {
        certs::check_name_change(n)?;
    }
    let txn = crate::db::begin_write(db).await?;
    let old = find(&txn, past_certificate_id).await?;
    // Only the current document can be replaced; the database decides
    // between two staff doing it at once.
    let taken = past_certificate::Entity::update_many()
        .col_expr(
            past_certificate::Column::LivePastCompletionId,
            Expr::value(Option::<i64>::None),
        )
        .filter(past_certificate::COLUMN.id.eq(old.id))
        .filter(
            past_certificate::COLUMN
                .live_past_completion_id
                .is_not_null(),
        )
        .exec(&txn)
        .await?;
    if taken.rows_affected != 1 {
        return Err(Error::Conflict("err-cert-not-current"));
    }
    let past = find_completion(&txn, old.past_completion_id).await?;
    let series = certificate_series::Entity::find_by_id(old.series_id)
        .one(&txn)
        .await?
        .ok_or_else(|| Error::Internal("certificate series missing".into()))?;
    let holder = Holder {
        family_name: old.family_name.clone(),
        given_name: old.given_name.clone(),
        family_name_kana: old.family_name_kana.clone(),
        given_name_kana: old.given_name_kana.clone(),
    }
    .changed(name);
    let saved = seal_and_insert(
        &txn,
        signer,
        &past,
        &series,
        holder,
        Some(old.id),
        &reason,
        staff_id,
        now,
    )
    .await?;
    past_certificate::Entity::update_many()
        .col_expr(
            past_certificate::Column::SupersededBy,
            Expr::value(saved.id),
        )
        .filter(past_certificate::COLUMN.id.eq(old.id))
        .exec(&txn)
        .await?;
    audit_reissue(&txn, staff_id, &saved, &old.number, &reason, now).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Records a 再交付 in the audit log: the new document's number, the number
/// it replaces (the paper certificate's on a first reissue, the previous
/// document's after that), the past completion it belongs to, and why.
async fn audit_reissue(
    txn: &impl ConnectionTrait,
    staff_id: i64,
    saved: &past_certificate::Model,
    replaces: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    audit::record(
        txn,
        Some(staff_id),
        "past_certificate_reissue",
        ("past_certificate", Some(saved.id)),
        serde_json::json!({
            "number": saved.number,
            "replaces": replaces,
            "past_completion_id": saved.past_completion_id,
            "reason": reason,
        }),
        now,
    )
    .await?;
    Ok(())
}

/// Numbers, signs and inserts the current document of `past` in `txn`, with
/// the provider's settings of today.
#[allow(clippy::too_many_arguments)]
async fn seal_and_insert(
    txn: &impl ConnectionTrait,
    signer: &Signer,
    past: &past_completion::Model,
    series: &certificate_series::Model,
    holder: Holder,
    reissue_of: Option<i64>,
    reason: &str,
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<past_certificate::Model, Error> {
    let config = certs::settings(txn).await?;
    let kind = kind_of(series);
    let today = jst_date(now);
    let sealed = certs::seal(
        txn,
        signer,
        series,
        Subject {
            name: format!("{} {}", holder.family_name, holder.given_name),
            course: past.course_title.clone(),
            completed_on: past.completed_on,
        },
        today,
        now,
    )
    .await?;
    past_certificate::ActiveModel {
        past_completion_id: Set(past.id),
        live_past_completion_id: Set(Some(past.id)),
        series_id: Set(series.id),
        period: Set(sealed.period),
        seq: Set(sealed.seq),
        number: Set(sealed.number),
        user_id: Set(past.user_id),
        family_name: Set(holder.family_name),
        given_name: Set(holder.given_name),
        family_name_kana: Set(holder.family_name_kana),
        given_name_kana: Set(holder.given_name_kana),
        birth_date: Set(past.birth_date),
        course_title: Set(past.course_title.clone()),
        statement: Set(certs::statement_for(&config, &kind, &past.course_title)),
        course_kind: Set(kind),
        designation_number: Set(past
            .designation_number
            .clone()
            .filter(|d| !d.trim().is_empty())),
        completed_on: Set(past.completed_on),
        provider_name: Set(config.provider_name.clone()),
        provider_address: Set(config.provider_address.clone()),
        provider_representative: Set(config.provider_representative.clone()),
        date_style: Set(config.date_style.clone()),
        show_furigana: Set(config.show_furigana),
        show_hours: Set(config.show_hours),
        issued_on: Set(today),
        issued_at: Set(now),
        issued_by: Set(staff_id),
        reissue_of: Set(reissue_of),
        reissue_reason: Set(reason.to_string()),
        original_number: Set(past.certificate_number.clone()),
        superseded_by: Set(None),
        revoked_at: Set(None),
        revoked_by: Set(None),
        revocation_reason: Set(None),
        verification_code: Set(sealed.code),
        signing_kid: Set(sealed.kid),
        signed_token: Set(sealed.token),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            Error::Conflict("err-past-cert-exists")
        } else {
            e.into()
        }
    })
}

/// Revokes the current document of a past completion; it stays in the
/// history and verification says revoked.
pub async fn revoke(
    db: &DatabaseConnection,
    past_certificate_id: i64,
    staff_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<past_certificate::Model, Error> {
    let reason = certs::check_reason(reason)?;
    let txn = crate::db::begin_write(db).await?;
    let row = find(&txn, past_certificate_id).await?;
    let done = past_certificate::Entity::update_many()
        .col_expr(
            past_certificate::Column::LivePastCompletionId,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(past_certificate::Column::RevokedAt, Expr::value(now))
        .col_expr(past_certificate::Column::RevokedBy, Expr::value(staff_id))
        .col_expr(
            past_certificate::Column::RevocationReason,
            Expr::value(reason.clone()),
        )
        .filter(past_certificate::COLUMN.id.eq(row.id))
        .filter(
            past_certificate::COLUMN
                .live_past_completion_id
                .is_not_null(),
        )
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(Error::Conflict("err-cert-not-current"));
    }
    audit::record(
        &txn,
        Some(staff_id),
        "past_certificate_revoke",
        ("past_certificate", Some(row.id)),
        serde_json::json!({"number": row.number, "reason": reason}),
        now,
    )
    .await?;
    txn.commit().await?;
    find(db, row.id).await
}

/// The document as an in-system certificate, for the one layout
/// (`certificates::render`) and the one verification answer. It has no
/// enrollment or course (0); its 再交付 line names the paper certificate's
/// number, whose date of issue was never recorded.
pub fn as_certificate(row: &past_certificate::Model) -> certificate::Model {
    certificate::Model {
        id: row.id,
        series_id: row.series_id,
        period: row.period,
        seq: row.seq,
        number: row.number.clone(),
        enrollment_id: 0,
        live_enrollment_id: None,
        course_id: 0,
        user_id: row.user_id.unwrap_or(0),
        family_name: row.family_name.clone(),
        given_name: row.given_name.clone(),
        family_name_kana: row.family_name_kana.clone(),
        given_name_kana: row.given_name_kana.clone(),
        birth_date: row.birth_date,
        course_title: row.course_title.clone(),
        course_kind: row.course_kind.clone(),
        designation_number: row.designation_number.clone(),
        completed_on: row.completed_on,
        attended_minutes: None,
        statement: row.statement.clone(),
        provider_name: row.provider_name.clone(),
        provider_address: row.provider_address.clone(),
        provider_representative: row.provider_representative.clone(),
        date_style: row.date_style.clone(),
        show_furigana: row.show_furigana,
        show_hours: row.show_hours,
        issued_on: row.issued_on,
        issued_at: row.issued_at,
        issued_by: row.issued_by,
        reissue_of: row.reissue_of,
        reissue_reason: Some(row.reissue_reason.clone()),
        original_number: Some(row.original_number.clone()),
        original_issued_on: None,
        superseded_by: row.superseded_by,
        revoked_at: row.revoked_at,
        revoked_by: row.revoked_by,
        revocation_reason: row.revocation_reason.clone(),
        verification_code: row.verification_code.clone(),
        signing_kid: row.signing_kid.clone(),
        signed_token: row.signed_token.clone(),
    }
}

/// A file name for downloads (ASCII; ids are apart from in-system ones).
pub fn file_name(row: &past_certificate::Model, layout: certs::Layout) -> String {
    let suffix = if layout == certs::Layout::Card {
        "-card"
    } else {
        ""
    };
    format!("certificate-past-{}{suffix}.pdf", row.id)
}

/// The verification answer for a normalized code (`certificates::verify`
/// asks here when the code is not an in-system certificate's).
pub(crate) async fn verify(conn: &impl ConnectionTrait, code: &str) -> Result<Verification, Error> {
    let row = past_certificate::Entity::find()
        .filter(past_certificate::COLUMN.verification_code.eq(code))
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let mut current = None;
    let mut next = row.superseded_by;
    // Follow the chain of reissues to the newest (bounded: chains are short).
    for _ in 0..50 {
        let Some(id) = next else { break };
        let newer = find(conn, id).await?;
        next = newer.superseded_by;
        current = Some((
            newer.number.clone(),
            numbering::display_code(&newer.verification_code),
        ));
    }
    Ok(certs::verification_of(as_certificate(&row), current))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(
        key: &str,
        label: &str,
        kind: Option<&str>,
        curriculum: Option<&str>,
    ) -> certificate_series::Model {
        certificate_series::Model {
            id: key.len() as i64,
            key: key.into(),
            label: label.into(),
            pattern: "第{seq:04}号".into(),
            course_kind: kind.map(str::to_string),
            curriculum_key: curriculum.map(str::to_string),
            created_at: DateTime::<Utc>::default(),
        }
    }

    fn defaults() -> Vec<certificate_series::Model> {
        vec![
            series("shoninsha", "介護職員初任者研修", None, Some("shoninsha")),
            series("helper", "ヘルパー講座", Some("helper"), None),
            series("community", "コミュニティ講座", Some("community"), None),
        ]
    }

    #[test]
    fn a_curriculum_title_is_numbered_in_its_curriculum_series() {
        let s = series_for(
            &defaults(),
            "介護職員初任者研修課程",
            Some("東京都指令第1号"),
        );
        assert_eq!(s.unwrap().key, "shoninsha");
    }

    #[test]
    fn other_titles_go_by_designation_number_to_helper_or_else_community() {
        let helper = series_for(&defaults(), "生活援助従事者研修課程", Some("指令第2号"));
        assert_eq!(helper.unwrap().key, "helper");
        let community = series_for(&defaults(), "介護予防体操教室", None);
        assert_eq!(community.unwrap().key, "community");
        let blank = series_for(&defaults(), "介護予防体操教室", Some("  "));
        assert_eq!(blank.unwrap().key, "community");
        assert!(series_for(&[], "介護予防体操教室", None).is_none());
    }

    #[test]
    fn search_words_split_on_any_space_and_dates_take_both_forms() {
        let s = Search::parse("山田　はなこ", "1958/4/1").unwrap();
        assert_eq!(s.words, vec!["山田", "はなこ"]);
        assert_eq!(s.birth_date, NaiveDate::from_ymd_opt(1958, 4, 1));
        assert_eq!(
            Search::parse("", "1958-04-01").unwrap().birth_date,
            NaiveDate::from_ymd_opt(1958, 4, 1)
        );
        assert_eq!(Search::parse("  ", "").unwrap(), Search::default());
        assert!(Search::parse("", "昭和33年").is_err());
        assert!(Search::parse("a b c d e f", "").is_err());
    }
}
