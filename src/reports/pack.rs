//! The prefecture report pack of a ヘルパー講座: the six forms a provider
//! sends after a course, each as a printable PDF and a CSV (UTF-8 with BOM),
//! in one zip. Always Japanese; dates in the provider's style (和暦 by
//! default). Built only from `services::report_pack::PackData`.
use std::io::Write;

use chrono::{Datelike, NaiveDate};

use super::attendance_sheet::{kana_of, mark_label, name_of};
use super::csv;
use crate::domain::completion::Mark;
use crate::domain::wareki::format_date;
use crate::error::Error;
use crate::i18n::{jst, t, Lang};
use crate::pdf::table::{a4_landscape, Section, Sheet};
use crate::services::enrollment::IDENTITY_DOCUMENTS;
use crate::services::report_pack::{MakeupPlace, PackData};

const JA: Lang = Lang::Ja;

/// The forms, in the order the prefecture lists them. File names are the
/// forms' names, so staff find each one without opening it.
pub const FORMS: [&str; 6] = [
    "01_修了者名簿",
    "02_受講者科目別出席簿",
    "03_補講修了確認書",
    "04_修了評価一覧表",
    "05_講師出講確認書",
    "06_受講者本人確認実施報告書",
];

/// One form: its table for the PDF and the same content for the CSV.
struct Form {
    file: &'static str,
    sheet: Sheet,
    csv: Vec<u8>,
}

fn date(data: &PackData, d: NaiveDate) -> String {
    format_date(d, data.style)
}

fn day_of(data: &PackData, at: chrono::DateTime<chrono::Utc>) -> String {
    date(data, crate::domain::course::jst_date(at))
}

fn hm(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&jst()).format("%H:%M").to_string()
}

fn subject_name(data: &PackData, no: Option<i32>) -> String {
    match no {
        Some(no) => data
            .subjects
            .iter()
            .find(|s| s.no == no)
            .map(|s| format!("{no} {}", s.name))
            .unwrap_or_else(|| no.to_string()),
        None => String::new(),
    }
}

fn particulars(data: &PackData) -> Vec<(String, String)> {
    let c = &data.course;
    vec![
        ("研修課程".into(), c.title.clone()),
        (
            "指定番号".into(),
            c.designation_number.clone().unwrap_or_default(),
        ),
        (
            "研修期間".into(),
            format!("{}～{}", date(data, c.starts_on), date(data, c.ends_on)),
        ),
        ("講座コード".into(), c.code.clone()),
        ("事業者名".into(), data.settings.provider_name.clone()),
        (
            "代表者".into(),
            data.settings.provider_representative.clone(),
        ),
        ("所在地".into(), data.settings.provider_address.clone()),
    ]
}

fn sheet(data: &PackData, title: &str, sections: Vec<Section>) -> Sheet {
    Sheet {
        title: title.to_string(),
        particulars: particulars(data),
        made_on: date(data, data.today),
        sections,
        empty: "該当者なし".into(),
    }
}

fn write_csv(header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, Error> {
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    csv::write(&header, rows).map_err(|e| Error::Internal(e.to_string()))
}

fn section(columns: &[&str], widths: &[f32], rows: Vec<Vec<String>>) -> Section {
    Section {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        widths: widths.to_vec(),
        rows,
        ..Default::default()
    }
}

/// 修了者名簿: number, name, furigana, birth date, completion date.
fn completers(data: &PackData) -> Result<Form, Error> {
    let columns = [
        "No.",
        "修了証明書番号",
        "氏名",
        "フリガナ",
        "生年月日",
        "修了年月日",
        "備考",
    ];
    let rows: Vec<Vec<String>> = data
        .completers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            vec![
                (i + 1).to_string(),
                l.number.clone(),
                l.name.clone(),
                l.kana.clone(),
                l.birth_date.clone(),
                l.completed_on.clone(),
                l.reissue_of
                    .as_ref()
                    .map(|n| format!("再交付（原本 {n}）"))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    let mut table = section(&columns, &[0.6, 2.0, 2.2, 2.4, 2.0, 2.0, 2.0], rows.clone());
    table.footer = vec![format!("修了者数　{}名", rows.len())];
    Ok(Form {
        file: FORMS[0],
        sheet: sheet(data, "修了者名簿", vec![table]),
        csv: write_csv(&columns, &rows)?,
    })
}

/// 受講者科目別出席簿: per subject, the days each trainee attended and the
/// minutes credited against the minutes required. The CSV is the attendance
/// sheet staff already know (minutes per subject, one line per trainee).
fn attendance(data: &PackData) -> Result<Form, Error> {
    let columns = [
        "No.",
        "氏名",
        "フリガナ",
        "受講日",
        "受講時間（分）",
        "規定時間（分）",
        "不足（分）",
        "備考",
    ];
    let mut sections = vec![];
    for (index, subject) in data.sheet.subjects.iter().enumerate() {
        let sessions: Vec<&crate::entities::session::Model> = data
            .sessions
            .iter()
            .filter(|s| s.subject_no == Some(subject.no))
            .collect();
        let rows = data
            .sheet
            .lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                let days: Vec<String> = sessions
                    .iter()
                    .filter_map(|s| {
                        let mark = data.marks.get(&(line.enrollment.id, s.id))?;
                        let attended = Mark::parse(&mark.mark)
                            .is_some_and(|m| !matches!(m, Mark::Absent | Mark::Excused));
                        attended.then(|| {
                            let label = mark_label(JA, Some(mark));
                            format!("{}（{}）", day_of(data, s.starts_at), label)
                        })
                    })
                    .collect();
                let progress = line.subjects.get(index);
                let attended = progress.map_or(0, |p| p.attended_minutes);
                let missing = progress.map_or(subject.required_minutes, |p| p.missing_minutes);
                let note = if missing > 0 && line.needs_makeup.contains(&subject.no) {
                    "要補講".to_string()
                } else if progress.is_some_and(|p| p.external_minutes > 0) {
                    "他機関補講".to_string()
                } else {
                    String::new()
                };
                vec![
                    (i + 1).to_string(),
                    name_of(&line.enrollment),
                    kana_of(&line.enrollment),
                    days.join("、"),
                    attended.to_string(),
                    subject.required_minutes.to_string(),
                    missing.to_string(),
                    note,
                ]
            })
            .collect();
        let mut table = section(&columns, &[0.5, 1.8, 2.0, 5.0, 1.1, 1.1, 1.0, 1.2], rows);
        table.heading = super::attendance_sheet::subject_heading(JA, subject);
        sections.push(table);
    }
    Ok(Form {
        file: FORMS[1],
        sheet: sheet(data, "受講者科目別出席簿", sections),
        csv: data.sheet.csv()?,
    })
}

/// 補講修了確認書: one confirmation per make-up (a page each), and the list.
fn makeups(data: &PackData) -> Result<Form, Error> {
    let columns = [
        "No.",
        "氏名",
        "フリガナ",
        "科目",
        "欠席した回",
        "補講実施日",
        "補講の実施",
        "補講時間（分）",
        "結果",
    ];
    let mut rows = vec![];
    for (i, m) in data.makeups.iter().enumerate() {
        let (missed, held_on, place, minutes, result) = match &m.place {
            MakeupPlace::Ours {
                session,
                course_title,
                original,
                mark,
            } => {
                let attended = mark.as_ref().filter(|a| {
                    Mark::parse(&a.mark).is_some_and(|m| !matches!(m, Mark::Absent | Mark::Excused))
                });
                (
                    original
                        .as_ref()
                        .map(|o| day_of(data, o.starts_at))
                        .unwrap_or_default(),
                    format!(
                        "{} {}～{}",
                        day_of(data, session.starts_at),
                        hm(session.starts_at),
                        hm(session.ends_at)
                    ),
                    format!("当事業所（{course_title}）"),
                    attended.map_or(0, |a| a.minutes_attended),
                    match (mark, attended) {
                        (_, Some(_)) => "修了",
                        (Some(_), None) => "欠席",
                        (None, None) => "未実施",
                    },
                )
            }
            MakeupPlace::Elsewhere {
                provider,
                confirmed_on,
                minutes,
            } => (
                String::new(),
                confirmed_on.map(|d| date(data, d)).unwrap_or_default(),
                format!("他の研修事業者（{provider}）"),
                *minutes,
                "修了（受講修了確認書）",
            ),
        };
        rows.push(vec![
            (i + 1).to_string(),
            name_of(&m.enrollment),
            kana_of(&m.enrollment),
            subject_name(data, m.subject_no),
            missed,
            held_on,
            place,
            minutes.to_string(),
            result.to_string(),
        ]);
    }
    let mut sections = vec![section(
        &columns,
        &[0.5, 1.6, 1.8, 2.4, 1.5, 2.6, 2.8, 1.1, 1.4],
        rows.clone(),
    )];
    // The confirmation itself: one page per make-up, with the provider's
    // statement, for the prefecture's file on the trainee.
    for row in &rows {
        let pairs: Vec<Vec<String>> = columns[1..]
            .iter()
            .zip(&row[1..])
            .map(|(k, v)| vec![k.to_string(), v.clone()])
            .collect();
        sections.push(Section {
            heading: format!("補講修了確認書　No.{}", row[0]),
            columns: vec!["項目".into(), "内容".into()],
            widths: vec![1.0, 4.0],
            rows: pairs,
            footer: vec![
                "上記のとおり、補講を実施したことを確認します。".into(),
                format!(
                    "{}　{}　{}",
                    date(data, data.today),
                    data.settings.provider_name,
                    data.settings.provider_representative
                ),
            ],
            new_page: true,
        });
    }
    Ok(Form {
        file: FORMS[2],
        sheet: sheet(data, "補講修了確認書", sections),
        csv: write_csv(&columns, &rows)?,
    })
}

/// 修了評価一覧表: every attempt of every trainee.
fn assessments(data: &PackData) -> Result<Form, Error> {
    let columns = [
        "No.",
        "氏名",
        "フリガナ",
        "回",
        "得点",
        "合格基準",
        "受験日",
        "結果",
    ];
    let number = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
    let rows: Vec<Vec<String>> = data
        .assessments
        .iter()
        .enumerate()
        .map(|(i, l)| {
            vec![
                (i + 1).to_string(),
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
    let passed = data
        .assessments
        .iter()
        .filter(|l| l.result == "合格")
        .map(|l| l.enrollment_id)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let mut table = section(
        &columns,
        &[0.5, 2.0, 2.2, 0.6, 0.8, 1.0, 2.0, 1.0],
        rows.clone(),
    );
    table.footer = vec![format!("合格者数　{passed}名")];
    Ok(Form {
        file: FORMS[3],
        sheet: sheet(data, "修了評価一覧表", vec![table]),
        csv: write_csv(&columns, &rows)?,
    })
}

/// 講師出講確認書: who taught each session, and the hours per instructor.
fn teaching(data: &PackData) -> Result<Form, Error> {
    let columns = [
        "No.",
        "実施日",
        "時間",
        "科目",
        "区分",
        "時間数（分）",
        "講師氏名",
        "出講確認",
    ];
    let mut totals: Vec<(String, i32)> = vec![];
    let rows: Vec<Vec<String>> = data
        .teaching
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let s = &r.session;
            let minutes = crate::services::attendance::session_minutes(s);
            let name = r
                .instructor
                .as_ref()
                .map(|u| format!("{} {}", u.family_name, u.given_name))
                .unwrap_or_default();
            if r.confirmed {
                match totals.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, total)) => *total += minutes,
                    None => totals.push((name.clone(), minutes)),
                }
            }
            let subject = subject_name(
                data,
                s.subject_no.or_else(|| {
                    s.makeup_for.and_then(|id| {
                        data.sessions
                            .iter()
                            .find(|o| o.id == id)
                            .and_then(|o| o.subject_no)
                    })
                }),
            );
            vec![
                (i + 1).to_string(),
                day_of(data, s.starts_at),
                format!("{}～{}", hm(s.starts_at), hm(s.ends_at)),
                if s.makeup_for.is_some() {
                    format!("{subject}（補講）")
                } else {
                    subject
                },
                if s.practice { "演習" } else { "講義" }.to_string(),
                minutes.to_string(),
                name,
                if r.confirmed {
                    "確認済"
                } else {
                    "未記録（予定）"
                }
                .to_string(),
            ]
        })
        .collect();
    let mut table = section(
        &columns,
        &[0.5, 2.0, 1.4, 3.2, 0.8, 1.1, 1.8, 1.4],
        rows.clone(),
    );
    table.footer = totals
        .iter()
        .map(|(name, minutes)| {
            format!(
                "{name}　出講 {}",
                crate::services::certificates::hours_text(*minutes)
            )
        })
        .collect();
    Ok(Form {
        file: FORMS[4],
        sheet: sheet(data, "講師出講確認書", vec![table]),
        csv: write_csv(&columns, &rows)?,
    })
}

fn document_label(document: &str) -> String {
    if IDENTITY_DOCUMENTS.contains(&document) {
        t(
            JA,
            &format!("staff-identity-{}", document.replace('_', "-")),
        )
    } else {
        document.to_string()
    }
}

/// 受講者本人確認実施報告書: how each trainee's identity was checked.
fn identity(data: &PackData) -> Result<Form, Error> {
    let columns = [
        "No.",
        "氏名",
        "フリガナ",
        "生年月日",
        "確認書類",
        "確認日",
        "確認者",
        "状況",
    ];
    let rows: Vec<Vec<String>> = data
        .identity
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let e = &r.enrollment;
            let checked = e.identity_document.is_some() && e.identity_checked_on.is_some();
            vec![
                (i + 1).to_string(),
                name_of(e),
                kana_of(e),
                r.birth_date.map(|d| date(data, d)).unwrap_or_default(),
                e.identity_document
                    .as_deref()
                    .map(document_label)
                    .unwrap_or_default(),
                e.identity_checked_on
                    .map(|d| date(data, d))
                    .unwrap_or_default(),
                r.checked_by.clone().unwrap_or_default(),
                if checked { "確認済" } else { "未確認" }.to_string(),
            ]
        })
        .collect();
    let checked = rows.iter().filter(|r| r[7] == "確認済").count();
    let mut table = section(
        &columns,
        &[0.5, 1.8, 2.0, 1.8, 2.6, 1.8, 1.6, 1.0],
        rows.clone(),
    );
    table.footer = vec![
        format!("受講者数　{}名　うち本人確認済　{checked}名", rows.len()),
        "本人確認書類の写しは保管していません（マイナンバーの記載面は確認していません）。".into(),
    ];
    Ok(Form {
        file: FORMS[5],
        sheet: sheet(data, "受講者本人確認実施報告書", vec![table]),
        csv: write_csv(&columns, &rows)?,
    })
}

/// The zip's name: `報告書一式-<code>.zip` is kept ASCII for HTTP headers.
pub fn file_name(code: &str) -> String {
    let safe: String = code
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("report-pack-{safe}.zip")
}

/// The whole pack as zip bytes.
pub fn build(data: &PackData) -> Result<Vec<u8>, Error> {
    let forms = [
        completers(data)?,
        attendance(data)?,
        makeups(data)?,
        assessments(data)?,
        teaching(data)?,
        identity(data)?,
    ];
    let zip_error = |e: zip::result::ZipError| Error::Internal(format!("report pack zip: {e}"));
    let stamp = zip::DateTime::from_date_and_time(
        data.today.year().clamp(1980, 2107) as u16,
        data.today.month() as u8,
        data.today.day() as u8,
        0,
        0,
        0,
    )
    .unwrap_or_default();
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(stamp);
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for form in &forms {
        let pdf = a4_landscape(&form.sheet).map_err(|e| Error::Internal(e.to_string()))?;
        writer
            .start_file(format!("{}.pdf", form.file), options)
            .map_err(zip_error)?;
        writer
            .write_all(&pdf)
            .map_err(|e| Error::Internal(e.to_string()))?;
        writer
            .start_file(format!("{}.csv", form.file), options)
            .map_err(zip_error)?;
        writer
            .write_all(&form.csv)
            .map_err(|e| Error::Internal(e.to_string()))?;
    }
    Ok(writer.finish().map_err(zip_error)?.into_inner())
}
