//! The course's attendance as staff read it on screen and on paper: one
//! line per trainee, one cell per subject (helper courses: minutes credited
//! of minutes required, the shortfall in words) or per session (community
//! courses and symposia: the mark), who is at risk, and door counts.
//! Labels are in the reader's language; the CSV (always Japanese) is in
//! `attendance_sheet`.
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;

use super::attendance_sheet::{
    self as sheet, kana_of, mark_label, missing_text, name_of, session_heading, subject_heading,
};
use crate::domain::completion::{Interruption, Mark};
use crate::domain::course::{CourseKind, EnrollmentStatus};
use crate::entities::course;
use crate::error::Error;
use crate::i18n::{format_datetime, jst, t, t_args, Lang};
use crate::services::attendance_views;

fn date_text(lang: Lang, day: NaiveDate) -> String {
    match lang {
        Lang::Ja => crate::domain::wareki::format_seireki(day),
        Lang::En => crate::domain::wareki::format_en(day),
    }
}

fn hm(at: DateTime<Utc>) -> String {
    at.with_timezone(&jst()).format("%H:%M").to_string()
}

/// Why a trainee is interrupted (中断), in words.
pub fn interruption_text(lang: Lang, i: &Interruption) -> String {
    let args = match i {
        Interruption::TooManyMissedSubjects { missed, cap } => {
            vec![("missed", missed.to_string()), ("cap", cap.to_string())]
        }
        Interruption::DeadlinePassed { deadline } => {
            vec![("deadline", date_text(lang, *deadline))]
        }
    };
    t_args(lang, i.label_key(), &args)
}

#[derive(Serialize)]
pub struct Column {
    pub heading: String,
}

#[derive(Serialize)]
pub struct Cell {
    pub text: String,
    /// Shortfall in words, so it is not told by colour alone.
    pub short: String,
}

#[derive(Serialize)]
pub struct Line {
    pub id: i64,
    pub name: String,
    pub kana: String,
    pub cells: Vec<Cell>,
    pub summary: String,
    pub complete: bool,
    pub at_risk: bool,
    pub risk: String,
    pub checked_in: String,
}

/// Everything the matrix and print pages show.
#[derive(Serialize)]
pub struct Matrix {
    pub is_helper: bool,
    pub is_symposium: bool,
    pub columns: Vec<Column>,
    pub lines: Vec<Line>,
    pub at_risk: Vec<Line>,
    pub enrolled: usize,
    pub checked_in: usize,
    pub threshold: i32,
}

/// The table for a course, as of `now`.
pub async fn build(
    conn: &impl ConnectionTrait,
    lang: Lang,
    c: &course::Model,
    now: DateTime<Utc>,
) -> Result<Matrix, Error> {
    let is_helper = c.kind == CourseKind::Helper.as_str();
    let (columns, lines) = if is_helper {
        let data = sheet::helper_sheet(conn, c, now).await?;
        let columns = data
            .subjects
            .iter()
            .map(|s| Column {
                heading: subject_heading(lang, s),
            })
            .collect();
        let lines = data
            .lines
            .iter()
            .map(|l| {
                let mut risk = vec![];
                if let Some(i) = &l.interruption {
                    risk.push(interruption_text(lang, i));
                }
                if !l.needs_makeup.is_empty() {
                    risk.push(t_args(
                        lang,
                        "att-needs-makeup",
                        &[(
                            "subjects",
                            missing_text(lang, &data.subjects, &l.needs_makeup),
                        )],
                    ));
                }
                Line {
                    id: l.enrollment.id,
                    name: name_of(&l.enrollment),
                    kana: kana_of(&l.enrollment),
                    cells: l
                        .subjects
                        .iter()
                        .map(|p| Cell {
                            text: t_args(
                                lang,
                                "att-cell-minutes",
                                &[
                                    (
                                        "attended",
                                        (p.required_minutes - p.missing_minutes).to_string(),
                                    ),
                                    ("required", p.required_minutes.to_string()),
                                ],
                            ),
                            short: if p.missing_minutes > 0 {
                                t_args(
                                    lang,
                                    "att-cell-short",
                                    &[("minutes", p.missing_minutes.to_string())],
                                )
                            } else {
                                String::new()
                            },
                        })
                        .collect(),
                    summary: if l.missing.is_empty() {
                        t(lang, "att-none")
                    } else {
                        missing_text(lang, &data.subjects, &l.missing)
                    },
                    complete: l.complete,
                    at_risk: l.at_risk(),
                    risk: risk.join(" "),
                    checked_in: String::new(),
                }
            })
            .collect::<Vec<_>>();
        (columns, lines)
    } else {
        let data = sheet::session_sheet(conn, c, now).await?;
        let columns = data
            .sessions
            .iter()
            .enumerate()
            .map(|(i, s)| Column {
                heading: format!("{} {}", session_heading(lang, i, s), hm(s.starts_at)),
            })
            .collect();
        let lines = data
            .lines
            .iter()
            .map(|l| Line {
                id: l.enrollment.id,
                name: name_of(&l.enrollment),
                kana: kana_of(&l.enrollment),
                cells: l
                    .marks
                    .iter()
                    .map(|m| {
                        let missed = m
                            .as_ref()
                            .and_then(|m| Mark::parse(&m.mark))
                            .is_some_and(|m| matches!(m, Mark::Absent | Mark::Excused));
                        Cell {
                            text: match m {
                                Some(_) => mark_label(lang, m.as_ref()),
                                None => "—".to_string(),
                            },
                            short: if missed {
                                t(lang, "att-cell-missed")
                            } else {
                                String::new()
                            },
                        }
                    })
                    .collect(),
                summary: t_args(
                    lang,
                    "att-sessions-attended",
                    &[
                        ("attended", l.progress.sessions_attended.to_string()),
                        ("held", l.progress.sessions_held.to_string()),
                    ],
                ),
                complete: l.progress.complete,
                at_risk: false,
                risk: String::new(),
                checked_in: l
                    .enrollment
                    .checked_in_at
                    .map(|at| format_datetime(lang, at))
                    .unwrap_or_default(),
            })
            .collect::<Vec<_>>();
        (columns, lines)
    };
    let at_risk = lines
        .iter()
        .filter(|l| l.at_risk)
        .map(|l| Line {
            id: l.id,
            name: l.name.clone(),
            kana: l.kana.clone(),
            cells: vec![],
            summary: l.summary.clone(),
            complete: l.complete,
            at_risk: true,
            risk: l.risk.clone(),
            checked_in: String::new(),
        })
        .collect();
    let door = attendance_views::enrollments_in(
        conn,
        c.id,
        &[
            EnrollmentStatus::Confirmed,
            EnrollmentStatus::PendingPayment,
            EnrollmentStatus::Completed,
        ],
    )
    .await?;
    Ok(Matrix {
        is_helper,
        is_symposium: c.kind == CourseKind::Symposium.as_str(),
        columns,
        enrolled: door.len(),
        checked_in: door.iter().filter(|e| e.checked_in_at.is_some()).count(),
        lines,
        at_risk,
        threshold: c.attendance_threshold_percent,
    })
}
