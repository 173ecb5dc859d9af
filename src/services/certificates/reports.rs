//! What staff hand to the prefecture after a course: 修了者名簿 (the
//! completers list) and 修了評価一覧表 (assessment results). Always in
//! Japanese, dates in the provider's style (和暦 by default).
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::course::EnrollmentStatus;
use crate::domain::wareki::{format_date, DateStyle};
use crate::entities::{assessment, certificate};
use crate::error::Error;
use crate::reports::csv;
use crate::services::enrollment as enrollments;

fn style_of(setting: &str) -> DateStyle {
    if setting == "seireki" {
        DateStyle::Seireki
    } else {
        DateStyle::Wareki
    }
}

/// One line of the 修了者名簿.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CompleterLine {
    pub number: String,
    pub name: String,
    pub kana: String,
    pub birth_date: String,
    pub completed_on: String,
    /// 再交付 of an earlier number.
    pub reissue_of: Option<String>,
}

/// The current certificate of every completer, in number order.
pub async fn completers(
    conn: &impl ConnectionTrait,
    course_id: i64,
) -> Result<Vec<CompleterLine>, Error> {
    let style = style_of(&super::settings(conn).await?.date_style);
    let date = |d: NaiveDate| format_date(d, style);
    Ok(certificate::Entity::find()
        .filter(certificate::COLUMN.course_id.eq(course_id))
        .filter(certificate::COLUMN.live_enrollment_id.is_not_null())
        .order_by_asc(certificate::COLUMN.series_id)
        .order_by_asc(certificate::COLUMN.period)
        .order_by_asc(certificate::COLUMN.seq)
        .all(conn)
        .await?
        .into_iter()
        .map(|c| CompleterLine {
            name: format!("{}　{}", c.family_name, c.given_name),
            kana: format!("{}　{}", c.family_name_kana, c.given_name_kana),
            birth_date: c.birth_date.map(date).unwrap_or_default(),
            completed_on: date(c.completed_on),
            reissue_of: c.original_number.clone(),
            number: c.number,
        })
        .collect())
}

pub fn completers_csv(lines: &[CompleterLine]) -> Result<Vec<u8>, Error> {
    let header: Vec<String> = [
        "修了証明書番号",
        "氏名",
        "フリガナ",
        "生年月日",
        "修了年月日",
    ]
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            vec![
                l.number.clone(),
                l.name.clone(),
                l.kana.clone(),
                l.birth_date.clone(),
                l.completed_on.clone(),
            ]
        })
        .collect();
    csv::write(&header, &rows).map_err(|e| Error::Internal(e.to_string()))
}

/// One attempt on the 修了評価一覧表.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AssessmentLine {
    pub enrollment_id: i64,
    pub name: String,
    pub kana: String,
    pub attempt: Option<i32>,
    pub score: Option<i32>,
    pub pass_mark: Option<i32>,
    pub taken_on: String,
    /// 合格 / 不合格 / 未受験
    pub result: &'static str,
}

/// Every trainee of the course in フリガナ order with each attempt (a line
/// saying 未受験 when there is none).
pub async fn assessments(
    conn: &impl ConnectionTrait,
    course_id: i64,
) -> Result<Vec<AssessmentLine>, Error> {
    let style = style_of(&super::settings(conn).await?.date_style);
    let rows = enrollments::for_course(conn, course_id, None, None).await?;
    let mut out = vec![];
    for row in rows {
        if !matches!(
            EnrollmentStatus::parse(&row.status),
            Some(
                EnrollmentStatus::Confirmed
                    | EnrollmentStatus::Completed
                    | EnrollmentStatus::Interrupted
                    | EnrollmentStatus::PendingPayment
            )
        ) {
            continue;
        }
        let name = format!("{}　{}", row.family_name, row.given_name);
        let kana = format!("{}　{}", row.family_name_kana, row.given_name_kana);
        let attempts = assessment::Entity::find()
            .filter(assessment::COLUMN.enrollment_id.eq(row.id))
            .order_by_asc(assessment::COLUMN.attempt)
            .all(conn)
            .await?;
        if attempts.is_empty() {
            out.push(AssessmentLine {
                enrollment_id: row.id,
                name: name.clone(),
                kana: kana.clone(),
                attempt: None,
                score: None,
                pass_mark: None,
                taken_on: String::new(),
                result: "未受験",
            });
        }
        for a in attempts {
            out.push(AssessmentLine {
                enrollment_id: row.id,
                name: name.clone(),
                kana: kana.clone(),
                attempt: Some(a.attempt),
                score: Some(a.score),
                pass_mark: Some(a.pass_mark),
                taken_on: format_date(a.taken_on, style),
                result: if a.score >= a.pass_mark {
                    "合格"
                } else {
                    "不合格"
                },
            });
        }
    }
    Ok(out)
}

pub fn assessments_csv(lines: &[AssessmentLine]) -> Result<Vec<u8>, Error> {
    let header: Vec<String> = [
        "氏名",
        "フリガナ",
        "回",
        "得点",
        "合格基準",
        "受験日",
        "結果",
    ]
    .map(String::from)
    .to_vec();
    let number = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            vec![
                l.name.clone(),
                l.kana.clone(),
                number(l.attempt),
                number(l.score),
                number(l.pass_mark),
                l.taken_on.clone(),
                l.result.to_string(),
            ]
        })
        .collect();
    csv::write(&header, &rows).map_err(|e| Error::Internal(e.to_string()))
}
