//! Attendance through the JSON API: rosters, idempotent saves with history,
//! corrections, progress against the 初任者研修 rule, 補講, check-in.
use chrono::{Duration, NaiveTime, Weekday};
use kouza::domain::course::CourseKind;
use kouza::domain::schedule::WeeklyPattern;
use kouza::domain::Role;
use kouza::entities::session;
use rocket::futures::future::join_all;
use rocket::http::{ContentType, Header, Status};
use sea_orm::EntityTrait;
use serde_json::{json, Value};

use crate::helpers::{community_application, spawn, Account, CourseSpec, TestApp};

/// A published 初任者研修 course with its whole timetable generated, an
/// instructor on every session, and `n` approved trainees.
async fn helper_course(
    app: &TestApp,
    n: usize,
) -> (
    i64,
    Vec<session::Model>,
    Account,
    Vec<(i64, i64, Header<'static>)>,
) {
    let state = app.state();
    let course = app
        .published_course(CourseSpec {
            kind: CourseKind::Helper,
            approval: true,
            starts_in_days: 7,
            ..Default::default()
        })
        .await;
    let staff = app.account(Role::Staff).await;
    let instructor = app.account(Role::Instructor).await;
    let now = state.clock.now();
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
    let sessions = kouza::services::schedule::generate(
        &state.db,
        staff.id,
        course.id,
        &pattern,
        "研修室A",
        now,
    )
    .await
    .unwrap();
    let mut with_instructor = vec![];
    for s in sessions {
        let input = kouza::services::schedule::SessionInput {
            starts_at: Some(s.starts_at),
            ends_at: Some(s.ends_at),
            subject_no: s.subject_no,
            room: s.room.clone(),
            instructor_id: Some(instructor.id),
            ..Default::default()
        };
        with_instructor.push(
            kouza::services::schedule::update(&state.db, staff.id, s.id, &input, now)
                .await
                .unwrap(),
        );
    }
    let mut people = vec![];
    for (user_id, bearer) in app.trainees(n).await {
        let body = json!({
            "birth_date": "1960-05-05", "postal_code": "170-0013", "prefecture": "東京都",
            "address": "豊島区東池袋1-2-3", "phone": "090-1234-5678", "consent": true
        });
        let created = app
            .json(app.enroll_api(bearer.clone(), course.id, body).await)
            .await;
        let id = created["id"].as_i64().expect("enrolled");
        kouza::services::enrollment::approve(
            &state.db,
            id,
            staff.id,
            "drivers_license",
            kouza::domain::course::jst_date(now),
            now,
        )
        .await
        .unwrap();
        people.push((user_id, id, bearer));
    }
    (course.id, with_instructor, instructor, people)
}

async fn put_marks(
    app: &TestApp,
    bearer: Header<'static>,
    session_id: i64,
    body: Value,
) -> (Status, Value) {
    let response = app
        .client
        .put(format!("/api/v1/sessions/{session_id}/attendance"))
        .header(bearer)
        .header(ContentType::JSON)
        .body(body.to_string())
        .dispatch()
        .await;
    let status = response.status();
    (status, response.into_json().await.unwrap_or_default())
}

fn all_present(people: &[(i64, i64, Header<'static>)]) -> Value {
    json!({"marks": people.iter().map(|(_, id, _)| json!({"enrollment_id": id, "status": "present"})).collect::<Vec<_>>()})
}

async fn progress(app: &TestApp, bearer: Header<'static>, enrollment_id: i64) -> Value {
    let response = app
        .client
        .get(format!("/api/v1/enrollments/{enrollment_id}/progress"))
        .header(bearer)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    app.json(response).await
}

#[rocket::async_test]
async fn every_hour_attended_and_the_assessment_passed_completes_the_130_hours() {
    let app = spawn().await;
    let (_, sessions, instructor, people) = helper_course(&app, 1).await;
    let bearer = app.bearer(&instructor).await;
    for s in &sessions {
        let (status, _) = put_marks(&app, bearer.clone(), s.id, all_present(&people)).await;
        assert_eq!(status, Status::Ok);
    }
    let (user_id, enrollment_id, _) = &people[0];
    let before = progress(&app, app.bearer_for(*user_id), *enrollment_id).await;
    let subjects = before["subjects"].as_array().unwrap();
    assert_eq!(subjects.len(), 10);
    assert!(subjects.iter().all(|s| s["missing_minutes"] == 0));
    assert_eq!(
        subjects
            .iter()
            .map(|s| s["required_minutes"].as_i64().unwrap())
            .sum::<i64>(),
        130 * 60
    );
    // Hours alone are not enough when the course requires the assessment.
    let state = app.state();
    kouza::entities::course::Entity::update_many()
        .col_expr(
            kouza::entities::course::Column::AssessmentRequired,
            sea_orm::prelude::Expr::value(true),
        )
        .exec(&state.db)
        .await
        .unwrap();
    assert_eq!(
        progress(&app, app.bearer_for(*user_id), *enrollment_id).await["complete"],
        false
    );
    let record = |score: i32| {
        app.client
            .post(format!("/api/v1/enrollments/{enrollment_id}/assessments"))
            .header(bearer.clone())
            .header(ContentType::JSON)
            .body(json!({"score": score, "taken_on": "2026-12-20"}).to_string())
            .dispatch()
    };
    assert_eq!(record(55).await.status(), Status::Created);
    let failed = progress(&app, app.bearer_for(*user_id), *enrollment_id).await;
    assert_eq!(failed["complete"], false);
    assert_eq!(failed["completion"]["assessment"], "failed");
    let retake = app.json(record(82).await).await;
    assert_eq!(retake["attempt"], 2);
    assert_eq!(
        progress(&app, app.bearer_for(*user_id), *enrollment_id).await["complete"],
        true
    );
}

#[rocket::async_test]
async fn a_missed_block_leaves_its_subject_short_until_a_makeup_covers_it() {
    let app = spawn().await;
    let (course_id, sessions, instructor, people) = helper_course(&app, 2).await;
    let bearer = app.bearer(&instructor).await;
    let (user_id, absent_id, _) = &people[0];
    let missed = sessions
        .iter()
        .find(|s| s.subject_no == Some(3))
        .unwrap()
        .clone();
    for s in &sessions {
        let mut body = all_present(&people);
        if s.id == missed.id {
            body["marks"][0]["status"] = json!("absent");
        }
        put_marks(&app, bearer.clone(), s.id, body).await;
    }
    let short = progress(&app, app.bearer_for(*user_id), *absent_id).await;
    assert_eq!(short["complete"], false);
    assert_eq!(short["completion"]["missing_subjects"], json!([3]));
    let missing = short["subjects"][2]["missing_minutes"].as_i64().unwrap();
    assert_eq!(missing, (missed.ends_at - missed.starts_at).num_minutes());

    // Staff add a 補講 for that block and offer it: only the absent trainee is booked.
    let state = app.state();
    let staff = app.account(Role::Staff).await;
    let staff_bearer = app.bearer(&staff).await;
    let makeup = app
        .client
        .post(format!("/api/v1/courses/{course_id}/sessions"))
        .header(staff_bearer.clone())
        .header(ContentType::JSON)
        .body(json!({
            "starts_at": (missed.starts_at + Duration::days(60)).to_rfc3339(),
            "ends_at": (missed.ends_at + Duration::days(60)).to_rfc3339(),
            "subject_no": 3, "makeup_for": missed.id, "instructor_id": instructor.id, "room": "研修室B"
        }).to_string())
        .dispatch()
        .await;
    assert_eq!(makeup.status(), Status::Created);
    let makeup_id = app.json(makeup).await["id"].as_i64().unwrap();
    let offered = app
        .client
        .post(format!("/api/v1/sessions/{makeup_id}/makeup-offers"))
        .header(staff_bearer)
        .header(ContentType::JSON)
        .body("{}")
        .dispatch()
        .await;
    assert_eq!(app.json(offered).await["offered"], 1);
    let roster = app
        .json(
            app.client
                .get(format!("/api/v1/sessions/{makeup_id}/roster"))
                .header(bearer.clone())
                .dispatch()
                .await,
        )
        .await;
    let on_roster: Vec<i64> = roster["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["enrollment_id"].as_i64().unwrap())
        .collect();
    assert_eq!(on_roster, [*absent_id]);
    let mails = kouza::services::outbox::list(&state.db, 1, 200)
        .await
        .unwrap()
        .0;
    assert_eq!(
        mails.iter().filter(|m| m.kind == "makeup-offered").count(),
        1
    );

    let (status, _) = put_marks(
        &app,
        bearer,
        makeup_id,
        json!({"marks": [{"enrollment_id": absent_id, "status": "present"}]}),
    )
    .await;
    assert_eq!(status, Status::Ok);
    let covered = progress(&app, app.bearer_for(*user_id), *absent_id).await;
    assert_eq!(covered["subjects"][2]["missing_minutes"], 0);
    assert_eq!(covered["complete"], true);
}

#[rocket::async_test]
async fn saving_the_same_roster_twice_changes_nothing_and_history_keeps_each_change() {
    let app = spawn().await;
    let (_, sessions, instructor, people) = helper_course(&app, 3).await;
    let bearer = app.bearer(&instructor).await;
    let first = sessions[0].id;
    let body = json!({"marks": [
        {"enrollment_id": people[0].1, "status": "present"},
        {"enrollment_id": people[1].1, "status": "late", "minutes": 300, "late_minutes": 20, "note": "電車遅延"},
        {"enrollment_id": people[2].1, "status": "absent"}
    ]});
    let (status, saved) = put_marks(&app, bearer.clone(), first, body.clone()).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(saved, json!({"created": 3, "changed": 0, "unchanged": 0}));
    let (_, again) = put_marks(&app, bearer.clone(), first, body).await;
    assert_eq!(again, json!({"created": 0, "changed": 0, "unchanged": 3}));
    let history = kouza::services::attendance::history_for_session(&app.state().db, first)
        .await
        .unwrap();
    assert_eq!(history.len(), 3);
    let roster = app
        .json(
            app.client
                .get(format!("/api/v1/sessions/{first}/roster"))
                .header(bearer)
                .dispatch()
                .await,
        )
        .await;
    let late = roster["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["enrollment_id"] == people[1].1)
        .unwrap()
        .clone();
    assert_eq!(late["status"], "late");
    assert_eq!(late["minutes"], 300);
    assert_eq!(late["note"], "電車遅延");
}

#[rocket::async_test]
async fn two_devices_saving_one_roster_at_once_end_consistent_with_history() {
    let app = spawn().await;
    let (_, sessions, instructor, people) = helper_course(&app, 5).await;
    let staff = app.account(Role::Staff).await;
    let devices = [app.bearer(&instructor).await, app.bearer(&staff).await];
    let session_id = sessions[1].id;
    let requests = (0..10).map(|i| {
        let bearer = devices[i % 2].clone();
        let status = if i % 2 == 0 { "present" } else { "absent" };
        let body = json!({"marks": people.iter().map(|(_, id, _)| json!({"enrollment_id": id, "status": status})).collect::<Vec<_>>()});
        let app = &app;
        async move { put_marks(app, bearer, session_id, body).await.0 }
    });
    let statuses = join_all(requests).await;
    assert!(statuses.iter().all(|s| *s == Status::Ok), "{statuses:?}");
    let db = &app.state().db;
    let (_, rows) = kouza::services::attendance::roster(
        db,
        session_id,
        kouza::services::attendance::Viewer {
            id: staff.id,
            is_staff: true,
        },
    )
    .await
    .unwrap();
    assert_eq!(rows.len(), 5);
    // Every row holds the last saved value, and the history explains how it got there.
    let history = kouza::services::attendance::history_for_session(db, session_id)
        .await
        .unwrap();
    for row in &rows {
        let last = history
            .iter()
            .rfind(|(a, _)| a.enrollment_id == row.enrollment_id)
            .unwrap();
        assert_eq!(Some(last.1.new_mark.clone()), row.mark);
    }
}

#[rocket::async_test]
async fn an_instructor_cannot_read_or_mark_another_instructors_session() {
    let app = spawn().await;
    let (_, sessions, _, people) = helper_course(&app, 1).await;
    let other = app.account(Role::Instructor).await;
    let bearer = app.bearer(&other).await;
    let id = sessions[0].id;
    let read = app
        .client
        .get(format!("/api/v1/sessions/{id}/roster"))
        .header(bearer.clone())
        .dispatch()
        .await;
    assert_eq!(read.status(), Status::NotFound);
    let (status, _) = put_marks(&app, bearer, id, all_present(&people)).await;
    assert_eq!(status, Status::NotFound);
    let (status, _) = put_marks(&app, people[0].2.clone(), id, all_present(&people)).await;
    assert_eq!(status, Status::Forbidden, "a trainee cannot mark");
    assert!(
        kouza::services::attendance::history_for_session(&app.state().db, id)
            .await
            .unwrap()
            .is_empty()
    );
}

#[rocket::async_test]
async fn a_correction_after_the_session_needs_a_reason() {
    let app = spawn().await;
    let (_, sessions, instructor, people) = helper_course(&app, 1).await;
    let first = &sessions[0];
    let state = app.state();
    let (status, _) = put_marks(
        &app,
        app.bearer(&instructor).await,
        first.id,
        all_present(&people),
    )
    .await;
    assert_eq!(status, Status::Ok);
    // Move past the end of the session and its grace period.
    let until = first.ends_at - state.clock.now() + Duration::hours(3);
    state.clock.advance(until);
    let bearer = app.bearer_for(instructor.id);
    let absent = json!({"marks": [{"enrollment_id": people[0].1, "status": "absent"}]});
    let (status, problem) = put_marks(&app, bearer.clone(), first.id, absent.clone()).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert_eq!(problem["errors"][0]["field"], "reason");
    let mut with_reason = absent;
    with_reason["reason"] = json!("本人から欠席の申告あり");
    let (status, saved) = put_marks(&app, bearer, first.id, with_reason).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(saved["changed"], 1);
    let history = kouza::services::attendance::history_for_session(&state.db, first.id)
        .await
        .unwrap();
    let last = &history.last().unwrap().1;
    assert_eq!(last.old_mark.as_deref(), Some("present"));
    assert_eq!(last.new_mark, "absent");
    assert_eq!(last.reason, "本人から欠席の申告あり");
}

#[rocket::async_test]
async fn a_door_code_checks_in_once_and_a_code_from_another_course_is_refused() {
    let app = spawn().await;
    let course = app
        .published_course(CourseSpec {
            kind: CourseKind::Symposium,
            ..Default::default()
        })
        .await;
    let other = app.published_course(CourseSpec::default()).await;
    let people = app.trainees(2).await;
    let mine = app
        .json(
            app.enroll_api(people[0].1.clone(), course.id, json!({"consent": true}))
                .await,
        )
        .await;
    let theirs = app
        .json(
            app.enroll_api(people[1].1.clone(), other.id, community_application())
                .await,
        )
        .await;
    let db = &app.state().db;
    let code = kouza::services::check_in::code_for(db, mine["id"].as_i64().unwrap())
        .await
        .unwrap();
    let other_code = kouza::services::check_in::code_for(db, theirs["id"].as_i64().unwrap())
        .await
        .unwrap();
    let staff = app.account(Role::Staff).await;
    let bearer = app.bearer(&staff).await;
    let now = app.state().clock.now();
    let door = kouza::services::schedule::add(
        db,
        staff.id,
        course.id,
        &kouza::services::schedule::SessionInput {
            starts_at: Some(now - Duration::minutes(10)),
            ends_at: Some(now + Duration::hours(2)),
            title: Some("受付".into()),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    let check = |code: String| {
        app.client
            .post("/api/v1/check-in")
            .header(bearer.clone())
            .header(ContentType::JSON)
            .body(json!({"code": code, "session_id": door.id}).to_string())
            .dispatch()
    };
    let first = app.json(check(code.clone()).await).await;
    assert_eq!(first["already"], false);
    assert!(first["checked_in_at"].is_string());
    let second = app.json(check(code.to_lowercase()).await).await;
    assert_eq!(second["already"], true);
    assert_eq!(check(other_code).await.status(), Status::Conflict);
    assert_eq!(
        check("NOSUCHCODE".into()).await.status(),
        Status::UnprocessableEntity
    );
    let p = progress(&app, people[0].1.clone(), mine["id"].as_i64().unwrap()).await;
    assert_eq!(
        p["complete"], true,
        "a symposium is complete once checked in"
    );
    let trainee_try = app
        .client
        .post("/api/v1/check-in")
        .header(people[0].1.clone())
        .header(ContentType::JSON)
        .body(json!({"code": code}).to_string())
        .dispatch()
        .await;
    assert_eq!(trainee_try.status(), Status::Forbidden);
}

#[rocket::async_test]
async fn self_check_in_needs_the_live_code_of_a_session_of_ones_own_course() {
    let app = spawn().await;
    let course = app.published_course(CourseSpec::default()).await;
    let state = app.state();
    kouza::entities::course::Entity::update_many()
        .col_expr(
            kouza::entities::course::Column::SelfCheckIn,
            sea_orm::prelude::Expr::value(true),
        )
        .exec(&state.db)
        .await
        .unwrap();
    let people = app.trainees(2).await;
    app.enroll_api(people[0].1.clone(), course.id, community_application())
        .await;
    let instructor = app.account(Role::Instructor).await;
    let staff = app.account(Role::Staff).await;
    let now = state.clock.now();
    let class = kouza::services::schedule::add(
        &state.db,
        staff.id,
        course.id,
        &kouza::services::schedule::SessionInput {
            starts_at: Some(now - Duration::minutes(5)),
            ends_at: Some(now + Duration::hours(2)),
            instructor_id: Some(instructor.id),
            title: Some("第1回".into()),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    let shown = app
        .json(
            app.client
                .get(format!("/api/v1/sessions/{}/code", class.id))
                .header(app.bearer(&instructor).await)
                .dispatch()
                .await,
        )
        .await;
    let code = shown["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 6);
    let try_code = |bearer: Header<'static>, code: String| {
        app.client
            .post(format!("/api/v1/sessions/{}/self-check-in", class.id))
            .header(bearer)
            .header(ContentType::JSON)
            .body(json!({"code": code}).to_string())
            .dispatch()
    };
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(
        try_code(people[0].1.clone(), wrong.into()).await.status(),
        Status::UnprocessableEntity
    );
    let ok = try_code(people[0].1.clone(), code.clone()).await;
    assert_eq!(ok.status(), Status::Ok);
    assert_eq!(app.json(ok).await["marked"], true);
    let twice = app
        .json(try_code(people[0].1.clone(), code.clone()).await)
        .await;
    assert_eq!(twice["marked"], false, "checking in twice is harmless");
    // Someone not enrolled in the course cannot use the code.
    assert_eq!(
        try_code(people[1].1.clone(), code.clone()).await.status(),
        Status::NotFound
    );
    // Two minutes later the code has expired.
    state.clock.advance(Duration::minutes(2));
    let late_person = app.trainees(1).await;
    app.enroll_api(late_person[0].1.clone(), course.id, community_application())
        .await;
    assert_eq!(
        try_code(app.bearer_for(late_person[0].0), code)
            .await
            .status(),
        Status::UnprocessableEntity
    );
}

#[rocket::async_test]
async fn an_assessment_for_a_course_that_has_none_is_refused_and_nothing_is_recorded() {
    let app = spawn().await;
    let state = app.state();
    let course = app.published_course(CourseSpec::default()).await;
    let people = app.trainees(1).await;
    let enrolled = app
        .enroll_api(people[0].1.clone(), course.id, community_application())
        .await;
    let enrollment_id = app.json(enrolled).await["id"].as_i64().unwrap();
    let staff = app.account(Role::Staff).await;
    let instructor = app.account(Role::Instructor).await;
    let stranger = app.account(Role::Instructor).await;
    let now = state.clock.now();
    kouza::services::schedule::add(
        &state.db,
        staff.id,
        course.id,
        &kouza::services::schedule::SessionInput {
            starts_at: Some(now + Duration::days(30)),
            ends_at: Some(now + Duration::days(30) + Duration::hours(2)),
            instructor_id: Some(instructor.id),
            title: Some("第1回".into()),
            ..Default::default()
        },
        now,
    )
    .await
    .unwrap();
    let record = |bearer: Header<'static>, lang: &'static str| {
        app.client
            .post(format!("/api/v1/enrollments/{enrollment_id}/assessments"))
            .header(bearer)
            .header(ContentType::JSON)
            .header(Header::new("Accept-Language", lang))
            .body(json!({"score": 80, "taken_on": "2026-12-20"}).to_string())
            .dispatch()
    };
    for (who, lang, detail) in [
        (&staff, "ja", "修了評価はヘルパー講座でのみ記録します。"),
        (
            &instructor,
            "en",
            "Assessments are recorded for helper courses only.",
        ),
    ] {
        let response = record(app.bearer(who).await, lang).await;
        assert_eq!(response.status(), Status::Conflict);
        assert_eq!(
            response.content_type().map(|c| c.to_string()),
            Some("application/problem+json".to_string())
        );
        assert_eq!(app.json(response).await["detail"], detail);
    }
    // To an instructor of none of its sessions the enrollment does not exist.
    let response = record(app.bearer(&stranger).await, "ja").await;
    assert_eq!(response.status(), Status::NotFound);
    let recorded = kouza::services::attendance_views::assessments_of(&state.db, enrollment_id)
        .await
        .unwrap();
    assert!(recorded.is_empty(), "{recorded:?}");
}
