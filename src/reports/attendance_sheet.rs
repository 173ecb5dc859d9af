//! 受講者科目別出席簿 — the attendance sheet by subject a prefecture asks for
//! after a ヘルパー講座, and the sessions × trainees sheet of community
//! courses and symposia. Built from `attendance::progress` and the recorded
//! marks; written as CSV (always Japanese: it goes to the prefecture) or
//! handed to the staff pages to show.
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::csv;
use crate::domain::completion::{Interruption, Mark, SubjectProgress};
use crate::entities::{attendance, course, enrollment, session};
use crate::error::Error;
use crate::i18n::{t, t_args, Lang};
use crate::services::attendance::{self as marks, Progress};
use crate::services::{attendance_views, catalog, schedule};

/// "6時間" / "7 h 30 min".
pub fn hours_text(lang: Lang, minutes: i32) -> String {
    let (hours, rest) = (minutes / 60, minutes % 60);
    if rest == 0 {
        t_args(lang, "att-duration-hours", &[("hours", hours.to_string())])
    } else {
        t_args(
            lang,
            "att-duration-hours-minutes",
            &[("hours", hours.to_string()), ("minutes", rest.to_string())],
        )
    }
}

/// One subject of the curriculum as a column.
#[derive(Debug, Clone)]
pub struct SubjectColumn {
    pub no: i32,
    pub name: String,
    pub required_minutes: i32,
    /// Every regular (not 補講) session of the subject is over, so minutes
    /// still missing can only be made up.
    pub all_held: bool,
}

/// One trainee on a helper course's sheet.
#[derive(Debug, Clone)]
pub struct HelperLine {
    pub enrollment: enrollment::Model,
    /// In the order of the sheet's subjects.
    pub subjects: Vec<SubjectProgress>,
    /// Subjects with minutes missing.
    pub missing: Vec<i32>,
    /// Missing subjects whose regular sessions are over: a 補講 is needed.
    pub needs_makeup: Vec<i32>,
    pub interruption: Option<Interruption>,
    pub complete: bool,
}

impl HelperLine {
    /// Trainees staff should look at now.
    pub fn at_risk(&self) -> bool {
        self.interruption.is_some() || !self.needs_makeup.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct HelperSheet {
    pub subjects: Vec<SubjectColumn>,
    pub lines: Vec<HelperLine>,
}

/// One attendee on a community course's or symposium's sheet.
#[derive(Debug, Clone)]
pub struct SessionLine {
    pub enrollment: enrollment::Model,
    /// In the order of the sheet's sessions.
    pub marks: Vec<Option<attendance::Model>>,
    pub progress: Progress,
}

#[derive(Debug, Clone)]
pub struct SessionSheet {
    pub sessions: Vec<session::Model>,
    pub lines: Vec<SessionLine>,
}

/// The trainee's name as on the sheet.
pub fn name_of(e: &enrollment::Model) -> String {
    format!("{} {}", e.family_name, e.given_name)
}

pub fn kana_of(e: &enrollment::Model) -> String {
    format!("{} {}", e.family_name_kana, e.given_name_kana)
}

/// The helper sheet of a course: every seated trainee in 50音 order, every
/// subject in curriculum order.
pub async fn helper_sheet(
    conn: &impl ConnectionTrait,
    course: &course::Model,
    now: DateTime<Utc>,
) -> Result<HelperSheet, Error> {
    let sessions = schedule::for_course(conn, course.id).await?;
    let subjects: Vec<SubjectColumn> = catalog::subjects(conn, course.id)
        .await?
        .into_iter()
        .map(|s| {
            let mut regular = sessions
                .iter()
                .filter(|x| {
                    x.subject_no == Some(s.no) && x.makeup_for.is_none() && x.cancelled_at.is_none()
                })
                .peekable();
            let any = regular.peek().is_some();
            let all_held = any && regular.all(|x| x.ends_at <= now);
            SubjectColumn {
                no: s.no,
                name: s.name,
                required_minutes: s.required_minutes,
                all_held,
            }
        })
        .collect();
    let people =
        attendance_views::enrollments_in(conn, course.id, &attendance_views::ON_THE_SHEET).await?;
    let mut lines = Vec::with_capacity(people.len());
    for e in people {
        let progress = marks::progress(conn, e.id, now).await?;
        let per_subject: Vec<SubjectProgress> =
            progress.subjects.into_iter().map(|(_, p)| p).collect();
        let missing: Vec<i32> = per_subject
            .iter()
            .filter(|p| !p.complete())
            .map(|p| p.no)
            .collect();
        let needs_makeup = missing
            .iter()
            .copied()
            .filter(|no| subjects.iter().any(|s| s.no == *no && s.all_held))
            .collect();
        lines.push(HelperLine {
            enrollment: e,
            subjects: per_subject,
            missing,
            needs_makeup,
            interruption: progress.interruption,
            complete: progress.complete,
        });
    }
    Ok(HelperSheet { subjects, lines })
}

/// The sessions × attendees sheet of a community course or symposium
/// (cancelled sessions left out).
pub async fn session_sheet(
    conn: &impl ConnectionTrait,
    course: &course::Model,
    now: DateTime<Utc>,
) -> Result<SessionSheet, Error> {
    let sessions: Vec<session::Model> = schedule::for_course(conn, course.id)
        .await?
        .into_iter()
        .filter(|s| s.cancelled_at.is_none())
        .collect();
    let recorded = attendance_views::course_marks(conn, course.id).await?;
    let people =
        attendance_views::enrollments_in(conn, course.id, &attendance_views::ON_THE_SHEET).await?;
    let mut lines = Vec::with_capacity(people.len());
    for e in people {
        let progress = marks::progress(conn, e.id, now).await?;
        let row_marks = sessions
            .iter()
            .map(|s| recorded.get(&(e.id, s.id)).cloned())
            .collect();
        lines.push(SessionLine {
            enrollment: e,
            marks: row_marks,
            progress,
        });
    }
    Ok(SessionSheet { sessions, lines })
}

const JA: Lang = Lang::Ja;

fn leading_columns() -> Vec<String> {
    vec![
        t(JA, "att-csv-number"),
        t(JA, "att-csv-name"),
        t(JA, "att-csv-kana"),
    ]
}

fn leading_cells(e: &enrollment::Model) -> Vec<String> {
    vec![e.id.to_string(), name_of(e), kana_of(e)]
}

/// 「1 職務の理解（6時間）」
pub fn subject_heading(lang: Lang, s: &SubjectColumn) -> String {
    t_args(
        lang,
        "att-subject-heading",
        &[
            ("no", s.no.to_string()),
            ("name", s.name.clone()),
            ("hours", hours_text(lang, s.required_minutes)),
        ],
    )
}

/// The subjects missing, as 「3 介護の基本、5 …」.
pub fn missing_text(lang: Lang, subjects: &[SubjectColumn], missing: &[i32]) -> String {
    missing
        .iter()
        .map(|no| {
            let name = subjects
                .iter()
                .find(|s| s.no == *no)
                .map(|s| s.name.as_str())
                .unwrap_or("");
            format!("{no} {name}")
        })
        .collect::<Vec<_>>()
        .join(&t(lang, "att-list-separator"))
}

impl HelperSheet {
    /// 受講者番号, 氏名, フリガナ, minutes attended per subject, 不足科目.
    pub fn csv(&self) -> Result<Vec<u8>, Error> {
        let mut header = leading_columns();
        header.extend(self.subjects.iter().map(|s| subject_heading(JA, s)));
        header.push(t(JA, "att-csv-missing"));
        let rows: Vec<Vec<String>> = self
            .lines
            .iter()
            .map(|line| {
                let mut row = leading_cells(&line.enrollment);
                row.extend(line.subjects.iter().map(|p| p.attended_minutes.to_string()));
                row.push(missing_text(JA, &self.subjects, &line.missing));
                row
            })
            .collect();
        csv::write(&header, &rows).map_err(|e| Error::Internal(e.to_string()))
    }
}

/// The label of a recorded mark ("" when not recorded).
pub fn mark_label(lang: Lang, mark: Option<&attendance::Model>) -> String {
    mark.and_then(|m| Mark::parse(&m.mark))
        .map(|m| t(lang, m.label_key()))
        .unwrap_or_default()
}

/// 「2026年5月10日 第2回」 or the session's title.
pub fn session_heading(lang: Lang, index: usize, s: &session::Model) -> String {
    let day = crate::domain::course::jst_date(s.starts_at);
    let date = match lang {
        Lang::Ja => crate::domain::wareki::format_seireki(day),
        Lang::En => crate::domain::wareki::format_en(day),
    };
    let title = s.title.clone().unwrap_or_else(|| {
        t_args(
            lang,
            "att-session-number",
            &[("n", (index + 1).to_string())],
        )
    });
    format!("{date} {title}")
}

impl SessionSheet {
    /// 受講者番号, 氏名, フリガナ, the mark per session, 出席回数.
    pub fn csv(&self) -> Result<Vec<u8>, Error> {
        let mut header = leading_columns();
        header.extend(
            self.sessions
                .iter()
                .enumerate()
                .map(|(i, s)| session_heading(JA, i, s)),
        );
        header.push(t(JA, "att-csv-attended"));
        let rows: Vec<Vec<String>> = self
            .lines
            .iter()
            .map(|line| {
                let mut row = leading_cells(&line.enrollment);
                row.extend(line.marks.iter().map(|m| mark_label(JA, m.as_ref())));
                row.push(line.progress.sessions_attended.to_string());
                row
            })
            .collect();
        csv::write(&header, &rows).map_err(|e| Error::Internal(e.to_string()))
    }
}
