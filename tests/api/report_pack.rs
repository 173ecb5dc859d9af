//! The prefecture report pack: a seeded helper course (attendance, a 補講,
//! assessments with a retake, identity checks, instructors recorded,
//! certificates issued) is downloaded as a zip, unpacked here, and every file
//! is checked against the records it was made from.
use std::collections::BTreeMap;
use std::io::Read;

use chrono::{Duration, NaiveTime, Weekday};
use kouza::domain::completion::Mark;
use kouza::domain::course::CourseKind;
use kouza::domain::schedule::WeeklyPattern;
use kouza::domain::Role;
use kouza::services::attendance::{self, MarkInput, Viewer};
use kouza::services::schedule::{self, SessionInput};
use rocket::http::{ContentType, Status};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::{spawn, Account, CourseSpec, TestApp};

const FORMS: [&str; 6] = [
    "01_修了者名簿",
    "02_受講者科目別出席簿",
    "03_補講修了確認書",
    "04_修了評価一覧表",
    "05_講師出講確認書",
    "06_受講者本人確認実施報告書",
];

struct Seeded {
    course_id: i64,
    staff: Account,
    instructor: Account,
    /// Enrollment ids: A attends everything, B misses the first session and
    /// makes it up, C misses it and misses the 補講 too.
    a: i64,
    b: i64,
    c: i64,
    certificates: Vec<String>,
    sessions_taught: Vec<i64>,
}

async fn mark(app: &TestApp, staff: &Account, session_id: i64, marks: &[(i64, Mark)]) {
    let state = app.state();
    let input: Vec<MarkInput> = marks
        .iter()
        .map(|(id, mark)| MarkInput {
            enrollment_id: *id,
            mark: *mark,
            minutes: None,
            late_minutes: 0,
            note: String::new(),
        })
        .collect();
    attendance::save_roster(
        &state.db,
        session_id,
        Viewer {
            id: staff.id,
            is_staff: true,
        },
        &input,
        None,
        state.clock.now(),
    )
    .await
    .unwrap();
}

async fn seeded_helper_course(app: &TestApp) -> Seeded {
    let state = app.state();
    let db = &state.db;
    let now = state.clock.now();
    let course = app
        .published_course(CourseSpec {
            kind: CourseKind::Helper,
            approval: true,
            starts_in_days: 7,
            ..Default::default()
        })
        .await;
    kouza::entities::course::Entity::update_many()
        .col_expr(
            kouza::entities::course::Column::DesignationNumber,
            sea_orm::prelude::Expr::value("東京都指令第1234号"),
        )
        .filter(kouza::entities::course::Column::Id.eq(course.id))
        .exec(db)
        .await
        .unwrap();
    let staff = app.account(Role::Staff).await;
    let instructor = app.account(Role::Instructor).await;
    kouza::services::certificates::save_settings(
        db,
        staff.id,
        &kouza::services::certificates::SettingsInput {
            provider_name: "ワーカーズコープ 池袋事業所".into(),
            provider_address: "東京都豊島区東池袋1-2-3".into(),
            provider_representative: "代表理事 髙橋 一郎".into(),
            date_style: "wareki".into(),
            show_furigana: true,
            show_hours: true,
            statement_helper: "上記の者は、{course}を修了したことを証明する。".into(),
            statement_community: "上記の者は、{course}を修了したことを証明します。".into(),
            statement_symposium: "上記の者は、{course}に参加したことを証明します。".into(),
        },
        now,
    )
    .await
    .unwrap();
    let pattern = WeeklyPattern {
        weekdays: vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ],
        start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        end: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        from: course.starts_on,
        until: course.starts_on + Duration::days(40),
        skip: vec![],
    };
    let sessions = schedule::generate(db, staff.id, course.id, &pattern, "研修室A", now)
        .await
        .unwrap();
    let mut ids = vec![];
    for (i, (_, bearer)) in app.trainees(3).await.into_iter().enumerate() {
        let body = json!({
            "birth_date": format!("196{i}-05-05"), "postal_code": "170-0013",
            "prefecture": "東京都", "address": "豊島区東池袋1-2-3",
            "phone": "090-1234-5678", "consent": true
        });
        let created = app
            .json(app.enroll_api(bearer, course.id, body).await)
            .await;
        let id = created["id"].as_i64().expect("enrolled");
        let document = ["drivers_license", "residence_card", "passport"][i];
        kouza::services::enrollment::approve(
            db,
            id,
            staff.id,
            document,
            kouza::domain::course::jst_date(now),
            now,
        )
        .await
        .unwrap();
        ids.push(id);
    }
    let (a, b, c) = (ids[0], ids[1], ids[2]);
    let first = &sessions[0];
    mark(
        app,
        &staff,
        first.id,
        &[(a, Mark::Present), (b, Mark::Absent), (c, Mark::Absent)],
    )
    .await;
    for s in &sessions[1..] {
        mark(
            app,
            &staff,
            s.id,
            &[(a, Mark::Present), (b, Mark::Present), (c, Mark::Present)],
        )
        .await;
    }
    let makeup = schedule::add(
        db,
        staff.id,
        course.id,
        &SessionInput {
            starts_at: Some(first.starts_at + Duration::days(10)),
            ends_at: Some(first.ends_at + Duration::days(10)),
            subject_no: first.subject_no,
            room: "補講室B".into(),
            makeup_for: Some(first.id),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    let booked = attendance::offer_makeup(db, makeup.id, course.id, staff.id, now)
        .await
        .unwrap();
    assert_eq!(booked, 2, "B and C are offered the 補講");
    mark(
        app,
        &staff,
        makeup.id,
        &[(b, Mark::Present), (c, Mark::Absent)],
    )
    .await;
    let staff_viewer = Viewer {
        id: staff.id,
        is_staff: true,
    };
    let sessions_taught = vec![sessions[0].id, sessions[1].id];
    for id in &sessions_taught {
        attendance::set_instructors(db, *id, staff_viewer, &[instructor.id], now)
            .await
            .unwrap();
    }
    let today = kouza::domain::course::jst_date(now);
    attendance::record_assessment(db, a, staff_viewer, 85, Some(70), today, now)
        .await
        .unwrap();
    attendance::record_assessment(db, b, staff_viewer, 60, Some(70), today, now)
        .await
        .unwrap();
    attendance::record_assessment(db, b, staff_viewer, 80, Some(70), today, now)
        .await
        .unwrap();
    let bearer = app.bearer_for(staff.id);
    let mut certificates = vec![];
    for id in [a, b] {
        let response = app
            .client
            .post(format!("/api/v1/enrollments/{id}/certificate"))
            .header(bearer.clone())
            .dispatch()
            .await;
        let status = response.status();
        let body = app.json(response).await;
        assert_eq!(status, Status::Created, "{body}");
        certificates.push(body["number"].as_str().unwrap().to_string());
    }
    Seeded {
        course_id: course.id,
        staff,
        instructor,
        a,
        b,
        c,
        certificates,
        sessions_taught,
    }
}

/// The zip's files by name.
fn unzip(bytes: Vec<u8>) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut files = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut content = vec![];
        file.read_to_end(&mut content).unwrap();
        files.insert(file.name().unwrap().to_string(), content);
    }
    files
}

/// The CSV's lines as cells, header first, after checking the BOM.
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// All text drawn in a PDF, without whitespace (titles are letter-spaced).
fn pdf_text(bytes: &[u8]) -> String {
    let pdf = lopdf::Document::load_mem(bytes).expect("a PDF lopdf can read");
    let pages: Vec<u32> = pdf.get_pages().keys().copied().collect();
    pdf.extract_text(&pages)
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

async fn progress(app: &TestApp, staff: &Account, enrollment_id: i64) -> Value {
    let response = app
        .client
        .get(format!("/api/v1/enrollments/{enrollment_id}/progress"))
        .header(app.bearer_for(staff.id))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    app.json(response).await
}

#[rocket::async_test]
async fn the_report_pack_holds_every_form_and_agrees_with_the_records() {
    let app = spawn().await;
    let s = seeded_helper_course(&app).await;
    let db = &app.state().db;
    app.login_page(&s.staff).await;
    let response = app
        .client
        .get(format!("/staff/courses/{}/report-pack.zip", s.course_id))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.content_type(), Some(ContentType::ZIP));
    let cache = response.headers().get_one("Cache-Control").unwrap_or("");
    assert!(cache.contains("no-store"), "{cache}");
    let files = unzip(response.into_bytes().await.unwrap());

    // Every form, as PDF and CSV, and nothing else.
    let expected: Vec<String> = FORMS
        .iter()
        .flat_map(|f| [format!("{f}.csv"), format!("{f}.pdf")])
        .collect();
    let mut names: Vec<String> = files.keys().cloned().collect();
    names.sort();
    let mut wanted = expected.clone();
    wanted.sort();
    assert_eq!(names, wanted);
    let csv = |form: &str| csv_rows(&files[&format!("{form}.csv")]);
    let pdf = |form: &str| pdf_text(&files[&format!("{form}.pdf")]);

    // 修了者名簿: the live certificates of the course, in number order.
    let completers = csv(FORMS[0]);
    assert_eq!(
        completers[0],
        [
            "No.",
            "修了証明書番号",
            "氏名",
            "フリガナ",
            "生年月日",
            "修了年月日",
            "備考"
        ]
    );
    let live = kouza::entities::certificate::Entity::find()
        .filter(kouza::entities::certificate::Column::CourseId.eq(s.course_id))
        .filter(kouza::entities::certificate::Column::LiveEnrollmentId.is_not_null())
        .count(db)
        .await
        .unwrap();
    assert_eq!(completers.len() - 1, live as usize);
    let numbers: Vec<&str> = completers[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(numbers, s.certificates);
    assert!(completers[1][4].starts_with("昭和"), "{:?}", completers[1]);
    let completers_pdf = pdf(FORMS[0]);
    for number in &s.certificates {
        assert!(completers_pdf.contains(number.as_str()), "{completers_pdf}");
    }
    assert!(completers_pdf.contains("修了者名簿"));
    assert!(completers_pdf.contains("東京都指令第1234号"));
    assert!(completers_pdf.contains("代表理事髙橋一郎"));

    // 受講者科目別出席簿: minutes per subject agree with each trainee's progress.
    let sheet = csv(FORMS[1]);
    assert_eq!(sheet.len() - 1, 3, "three trainees on the sheet");
    for row in &sheet[1..] {
        let id: i64 = row[0].parse().unwrap();
        let progress = progress(&app, &s.staff, id).await;
        let subjects = progress["subjects"].as_array().unwrap();
        assert_eq!(row.len(), 3 + subjects.len() + 1);
        for (i, subject) in subjects.iter().enumerate() {
            assert_eq!(
                row[3 + i],
                subject["attended_minutes"].to_string(),
                "enrollment {id}, subject {}",
                subject["subject_no"]
            );
        }
        // The shortfall column is empty exactly for those who have every hour.
        assert_eq!(
            row[row.len() - 1].is_empty(),
            subjects
                .iter()
                .all(|s| s["missing_minutes"].as_i64() == Some(0)),
            "{row:?}"
        );
    }
    let sheet_pdf = pdf(FORMS[1]);
    assert!(sheet_pdf.contains("受講者科目別出席簿"));
    assert!(
        sheet_pdf.contains("職務の理解"),
        "subject headings are printed"
    );

    // 補講修了確認書: B took the 補講, C was booked and absent.
    let makeups = csv(FORMS[2]);
    assert_eq!(makeups.len() - 1, 2, "{makeups:?}");
    let bookings = kouza::entities::makeup_booking::Entity::find()
        .filter(kouza::entities::makeup_booking::Column::EnrollmentId.is_in([s.a, s.b, s.c]))
        .count(db)
        .await
        .unwrap();
    assert_eq!(makeups.len() - 1, bookings as usize);
    let results: Vec<&str> = makeups[1..].iter().map(|r| r[8].as_str()).collect();
    assert!(
        results.contains(&"修了") && results.contains(&"欠席"),
        "{results:?}"
    );
    let done = makeups[1..].iter().find(|r| r[8] == "修了").unwrap();
    let makeup_session = kouza::entities::session::Entity::find()
        .filter(kouza::entities::session::Column::CourseId.eq(s.course_id))
        .filter(kouza::entities::session::Column::MakeupFor.is_not_null())
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let attended = kouza::entities::attendance::Entity::find()
        .filter(kouza::entities::attendance::Column::EnrollmentId.eq(s.b))
        .filter(kouza::entities::attendance::Column::SessionId.eq(makeup_session.id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.minutes_attended)
        .max()
        .unwrap();
    assert_eq!(done[7], attended.to_string());
    let makeup_pdf = pdf(FORMS[2]);
    assert!(makeup_pdf.contains("補講を実施したことを確認します"));

    // 修了評価一覧表: every attempt, and a line for who has not sat it.
    let assessments = csv(FORMS[3]);
    let attempts = kouza::entities::assessment::Entity::find()
        .filter(kouza::entities::assessment::Column::EnrollmentId.is_in([s.a, s.b, s.c]))
        .count(db)
        .await
        .unwrap();
    let attempt_rows = assessments[1..].iter().filter(|r| !r[3].is_empty()).count();
    assert_eq!(attempt_rows, attempts as usize);
    assert_eq!(
        assessments[1..].iter().filter(|r| r[7] == "未受験").count(),
        1,
        "{assessments:?}"
    );
    assert_eq!(
        assessments[1..].iter().filter(|r| r[7] == "不合格").count(),
        1
    );
    assert!(pdf(FORMS[3]).contains("合格者数2名"));

    // 講師出講確認書: one line per session, the recorded instructors confirmed.
    let teaching = csv(FORMS[4]);
    let held = kouza::entities::session::Entity::find()
        .filter(kouza::entities::session::Column::CourseId.eq(s.course_id))
        .filter(kouza::entities::session::Column::CancelledAt.is_null())
        .count(db)
        .await
        .unwrap();
    assert_eq!(teaching.len() - 1, held as usize);
    let confirmed: Vec<&Vec<String>> = teaching[1..].iter().filter(|r| r[7] == "確認済").collect();
    assert_eq!(confirmed.len(), s.sessions_taught.len());
    let instructor = kouza::services::accounts::find(db, s.instructor.id)
        .await
        .unwrap();
    let instructor_name = format!("{} {}", instructor.family_name, instructor.given_name);
    assert!(confirmed.iter().all(|r| r[6] == instructor_name));
    assert!(teaching[1..].iter().any(|r| r[3].ends_with("（補講）")));
    let teaching_pdf = pdf(FORMS[4]);
    let mut taught_minutes = 0;
    for id in &s.sessions_taught {
        let session = kouza::entities::session::Entity::find_by_id(*id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        taught_minutes += (session.ends_at - session.starts_at).num_minutes();
    }
    assert_eq!(taught_minutes % 60, 0, "the fixture teaches whole hours");
    let summary = format!(
        "{}{}出講{}時間",
        instructor.family_name,
        instructor.given_name,
        taught_minutes / 60
    );
    assert!(
        teaching_pdf.contains(&summary),
        "{summary} in {teaching_pdf}"
    );

    // 受講者本人確認実施報告書: document, date and checker of each trainee.
    let identity = csv(FORMS[5]);
    assert_eq!(identity.len() - 1, 3);
    let documents: Vec<&str> = identity[1..].iter().map(|r| r[4].as_str()).collect();
    for expected in ["運転免許証", "在留カード", "パスポート"] {
        assert!(documents.contains(&expected), "{documents:?}");
    }
    assert!(identity[1..].iter().all(|r| r[7] == "確認済"));
    let checker = kouza::services::accounts::find(db, s.staff.id)
        .await
        .unwrap();
    assert!(identity[1..]
        .iter()
        .all(|r| r[6] == format!("{} {}", checker.family_name, checker.given_name)));
    let identity_pdf = pdf(FORMS[5]);
    assert!(identity_pdf.contains("運転免許証") && identity_pdf.contains("本人確認済3名"));

    // Every PDF names the trainees as on the sheet.
    let names: Vec<String> = sheet[1..].iter().map(|r| r[1].replace(' ', "")).collect();
    for form in [FORMS[1], FORMS[5]] {
        let text = pdf(form);
        for name in &names {
            assert!(text.contains(name.as_str()), "{form} names {name}");
        }
    }

    // Taking the pack is recorded as an export of personal data.
    let exports = kouza::entities::audit_log::Entity::find()
        .filter(kouza::entities::audit_log::Column::Action.eq("personal_data_export"))
        .filter(kouza::entities::audit_log::Column::TargetId.eq(s.course_id))
        .all(db)
        .await
        .unwrap();
    assert!(
        exports
            .iter()
            .any(|e| e.actor_id == Some(s.staff.id) && e.detail.contains("report_pack")),
        "{exports:?}"
    );
}

#[rocket::async_test]
async fn trainees_and_instructors_cannot_download_the_pack_and_other_courses_have_none() {
    let app = spawn().await;
    let s = seeded_helper_course(&app).await;
    let path = format!("/staff/courses/{}/report-pack.zip", s.course_id);
    let trainee = app.account(Role::Trainee).await;
    for who in [&trainee, &s.instructor] {
        app.login_page(who).await;
        let response = app.client.get(path.clone()).dispatch().await;
        assert_eq!(response.status(), Status::Forbidden, "{}", who.email);
        assert_ne!(response.content_type(), Some(ContentType::ZIP));
    }
    // A community course has no prefecture report: staff are told so.
    let community = app.published_course(CourseSpec::default()).await;
    app.login_page(&s.staff).await;
    let response = app
        .client
        .get(format!("/staff/courses/{}/report-pack.zip", community.id))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(
        response.headers().get_one("Location"),
        Some("/staff/report-packs")
    );
    let list = app
        .client
        .get("/staff/report-packs")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(list.contains("ヘルパー講座だけ"), "the refusal is shown");
    assert!(list.contains(&format!("href=\"{path}\"")), "{list}");
}
