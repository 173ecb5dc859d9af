//! Completion certificates through the API and pages: eligibility, numbering
//! under concurrency, the PDF itself (parsed, not looked at), 再交付 and
//! revocation, public and offline verification, who may see what.
use std::collections::BTreeSet;

use chrono::{Duration, NaiveTime, Weekday};
use kouza::domain::course::CourseKind;
use kouza::domain::schedule::WeeklyPattern;
use kouza::domain::Role;
use rocket::futures::future::join_all;
use rocket::http::{Accept, ContentType, Header, Status};
use rocket::local::asynchronous::Client;
use sea_orm::{EntityTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::{spawn, spawn_with, test_figment, Account, CourseSpec, TestApp};

/// A path segment with everything but unreserved ASCII percent-encoded
/// (certificate numbers are Japanese).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The 和暦 fiscal-year number prefix the symposium series uses today.
fn symposium_prefix(app: &TestApp) -> String {
    let today = kouza::domain::course::jst_date(app.state().clock.now());
    let fy = kouza::services::certificates::numbering::fiscal_year(today);
    format!("シ-{fy}-")
}

/// A published symposium with `n` enrolled trainees (born in 昭和), of whom
/// the first `checked_in` were checked in at the door: they meet the rule.
async fn symposium(
    app: &TestApp,
    n: usize,
    checked_in: usize,
) -> (i64, Account, Vec<(i64, i64, Header<'static>)>) {
    let state = app.state();
    let course = app
        .published_course(CourseSpec {
            kind: CourseKind::Symposium,
            capacity: (n as i32).max(1) + 5,
            ..Default::default()
        })
        .await;
    let staff = app.account(Role::Staff).await;
    let body = json!({"phone": "090-1234-5678", "birth_date": "1960-05-05", "consent": true});
    let people = app.trainees(n).await;
    let enrolled = join_all(people.iter().map(|(user_id, bearer)| {
        let body = body.clone();
        async move {
            let response = app.enroll_api(bearer.clone(), course.id, body).await;
            assert_eq!(response.status(), Status::Created);
            let id = app.json(response).await["id"].as_i64().unwrap();
            (*user_id, id, bearer.clone())
        }
    }))
    .await;
    for (_, id, _) in enrolled.iter().take(checked_in) {
        let code = kouza::services::check_in::code_for(&state.db, *id)
            .await
            .unwrap();
        kouza::services::check_in::at_the_door(&state.db, staff.id, &code, None, state.clock.now())
            .await
            .unwrap();
    }
    (course.id, staff, enrolled)
}

async fn issue(client: &Client, bearer: Header<'static>, id: i64) -> (Status, Value) {
    let response = client
        .post(format!("/api/v1/enrollments/{id}/certificate"))
        .header(bearer)
        .dispatch()
        .await;
    let status = response.status();
    (status, response.into_json().await.unwrap_or_default())
}

async fn verify_json(app: &TestApp, code: &str) -> (Status, Value) {
    let response = app
        .client
        .get(format!("/verify/{code}"))
        .header(Accept::JSON)
        .dispatch()
        .await;
    let status = response.status();
    (status, response.into_json().await.unwrap_or_default())
}

async fn certificate(app: &TestApp, bearer: Header<'static>, number: &str) -> Value {
    let response = app
        .client
        .get(format!("/api/v1/certificates/{}", encode(number)))
        .header(bearer)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    app.json(response).await["items"][0].clone()
}

/// A 初任者研修 course with its timetable; with `attend`, the trainee is
/// marked present at every session (and so meets the rule).
async fn helper_trainee(app: &TestApp, attend: bool) -> (i64, i64, i64, Account) {
    use kouza::services::schedule;
    let state = app.state();
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
        .filter(sea_orm::ColumnTrait::eq(
            &kouza::entities::course::Column::Id,
            course.id,
        ))
        .exec(&state.db)
        .await
        .unwrap();
    let staff = app.account(Role::Staff).await;
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
    let sessions = schedule::generate(&state.db, staff.id, course.id, &pattern, "研修室A", now)
        .await
        .unwrap();
    let (user_id, bearer) = app.trainees(1).await.remove(0);
    let body = json!({
        "birth_date": "1960-05-05", "postal_code": "170-0013", "prefecture": "東京都",
        "address": "豊島区東池袋1-2-3", "phone": "090-1234-5678", "consent": true
    });
    let created = app
        .json(app.enroll_api(bearer, course.id, body).await)
        .await;
    let enrollment_id = created["id"].as_i64().expect("enrolled");
    kouza::services::enrollment::approve(
        &state.db,
        enrollment_id,
        staff.id,
        "drivers_license",
        kouza::domain::course::jst_date(now),
        now,
    )
    .await
    .unwrap();
    if attend {
        let staff_bearer = app.bearer_for(staff.id);
        for s in &sessions {
            let response = app
                .client
                .put(format!("/api/v1/sessions/{}/attendance", s.id))
                .header(staff_bearer.clone())
                .header(ContentType::JSON)
                .body(
                    json!({"marks": [{"enrollment_id": enrollment_id, "status": "present"}]})
                        .to_string(),
                )
                .dispatch()
                .await;
            assert_eq!(response.status(), Status::Ok);
        }
    }
    (course.id, enrollment_id, user_id, staff)
}

#[rocket::async_test]
async fn a_trainee_short_of_hours_or_not_checked_in_is_refused_with_the_reason() {
    let app = spawn().await;
    let (_, enrollment_id, _, staff) = helper_trainee(&app, false).await;
    let bearer = app.bearer_for(staff.id);
    let (status, body) = issue(&app.client, bearer.clone(), enrollment_id).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert_eq!(
        body["missing_subjects"],
        json!([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    );
    assert!(
        body["detail"].as_str().unwrap().contains("1, 2, 3"),
        "{body}"
    );
    assert_eq!(body["errors"][0]["field"], "completion");

    let (_, _, people) = symposium(&app, 1, 0).await;
    let (status, body) = issue(&app.client, bearer, people[0].1).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert_eq!(body["missing_subjects"], json!([]));
    // Nothing was numbered: the first certificate issued later is number 1.
}

#[rocket::async_test]
async fn an_eligible_trainee_gets_a_numbered_certificate_once() {
    let app = spawn().await;
    let (_, staff, people) = symposium(&app, 2, 2).await;
    let bearer = app.bearer_for(staff.id);
    let prefix = symposium_prefix(&app);
    let (status, first) = issue(&app.client, bearer.clone(), people[0].1).await;
    assert_eq!(status, Status::Created, "{first}");
    assert_eq!(first["number"], format!("{prefix}0001"));
    let code = first["verification_code"].as_str().unwrap();
    assert_eq!(code.len(), 14);
    assert_eq!(
        first["issued_on"],
        kouza::domain::course::jst_date(app.state().clock.now()).to_string()
    );
    let (status, again) = issue(&app.client, bearer.clone(), people[0].1).await;
    assert_eq!(status, Status::Conflict, "{again}");
    let (_, second) = issue(&app.client, bearer, people[1].1).await;
    assert_eq!(second["number"], format!("{prefix}0002"));
    // The trainee sees it among their own, and was told by mail.
    let mine = app
        .json(
            app.client
                .get("/api/v1/me/certificates")
                .header(people[0].2.clone())
                .dispatch()
                .await,
        )
        .await;
    assert_eq!(mine["items"][0]["number"], first["number"]);
    assert_eq!(mine["items"][0]["status"], "valid");
}

#[rocket::async_test]
async fn issuing_to_all_eligible_twice_issues_each_certificate_once() {
    let app = spawn().await;
    let (course_id, staff, _) = symposium(&app, 5, 4).await;
    let bearer = app.bearer_for(staff.id);
    let bulk = || {
        app.client
            .post(format!("/api/v1/courses/{course_id}/certificates"))
            .header(bearer.clone())
            .dispatch()
    };
    let first = app.json(bulk().await).await;
    assert_eq!(first["issued"].as_array().unwrap().len(), 4, "{first}");
    let second = app.json(bulk().await).await;
    assert_eq!(second["issued"], json!([]));
    assert_eq!(second["failed"], json!([]));
    let list = app
        .json(
            app.client
                .get(format!("/api/v1/courses/{course_id}/certificates"))
                .header(bearer.clone())
                .dispatch()
                .await,
        )
        .await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    assert_eq!(items.iter().filter(|i| i["eligible"] == true).count(), 4);
    assert_eq!(
        items
            .iter()
            .filter(|i| i["certificate"].is_object())
            .count(),
        4
    );
}

#[rocket::async_test]
async fn a_hundred_concurrent_issues_in_one_series_are_numbered_one_to_a_hundred() {
    let (figment, data_dir) = test_figment().await;
    // Durable enough for a test; a full fsync per commit is not what is measured here.
    let figment = figment
        .merge(("db_max_connections", 16))
        // Numbering is what is tested, not overload: on a loaded machine 120
        // requests may wait for a connection longer than the default allows.
        .merge(("db_acquire_timeout_secs", 120))
        .merge(("sqlite_synchronous", "normal"));
    let app = spawn_with(figment.clone(), data_dir).await;
    let second = if std::env::var("TEST_DATABASE_URL").is_ok() {
        Some(
            Client::tracked(kouza::rocket_from(figment))
                .await
                .expect("second instance"),
        )
    } else {
        None
    };
    let (_, staff, people) = symposium(&app, 100, 100).await;
    let bearer = app.bearer_for(staff.id);
    // Every trainee once, and twenty of them a second time at the same moment.
    let targets: Vec<i64> = people
        .iter()
        .map(|p| p.1)
        .chain(people.iter().take(20).map(|p| p.1))
        .collect();
    let results = join_all(targets.iter().enumerate().map(|(i, id)| {
        let client = match (&second, i % 2) {
            (Some(other), 1) => other,
            _ => &app.client,
        };
        issue(client, bearer.clone(), *id)
    }))
    .await;
    let created: Vec<&Value> = results
        .iter()
        .filter(|(s, _)| *s == Status::Created)
        .map(|(_, b)| b)
        .collect();
    assert_eq!(created.len(), 100, "{results:?}");
    assert!(results
        .iter()
        .all(|(s, _)| *s == Status::Created || *s == Status::Conflict));
    let prefix = symposium_prefix(&app);
    let numbers: BTreeSet<String> = created
        .iter()
        .map(|b| b["number"].as_str().unwrap().to_string())
        .collect();
    let expected: BTreeSet<String> = (1..=100).map(|n| format!("{prefix}{n:04}")).collect();
    assert_eq!(numbers, expected);
    let codes: BTreeSet<&str> = created
        .iter()
        .map(|b| b["verification_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 100);
}

/// The text drawn on the first page, read back through the fonts' ToUnicode maps.
fn pdf_text(pdf: &lopdf::Document) -> String {
    let pages: Vec<u32> = pdf.get_pages().keys().copied().collect();
    pdf.extract_text(&pages).unwrap_or_default()
}

/// Every embedded font program's BaseFont, and whether it is a subset.
fn embedded_fonts(pdf: &lopdf::Document) -> Vec<String> {
    let mut names = vec![];
    for object in pdf.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"FontDescriptor".as_slice()) {
            continue;
        }
        let embedded = dict.has(b"FontFile2") || dict.has(b"FontFile3") || dict.has(b"FontFile");
        if let (true, Ok(name)) = (embedded, dict.get(b"FontName").and_then(|n| n.as_name())) {
            names.push(String::from_utf8_lossy(name).into_owned());
        }
    }
    names
}

fn page_size(pdf: &lopdf::Document) -> (f32, f32) {
    let (_, page_id) = pdf.get_pages().into_iter().next().unwrap();
    let page = pdf.get_dictionary(page_id).unwrap();
    let media = page.get(b"MediaBox").unwrap().as_array().unwrap();
    let number = |o: &lopdf::Object| o.as_float().unwrap_or_else(|_| o.as_i64().unwrap() as f32);
    (
        number(&media[2]) - number(&media[0]),
        number(&media[3]) - number(&media[1]),
    )
}

/// Renders the first page to PNG with poppler's pdftoppm when it is on the
/// machine (the assertions on the PDF never depend on it). The picture is
/// kept as `docs/screenshots/<name>.png` when that file is missing or
/// `KOUZA_SCREENSHOTS=1`, so ordinary runs do not rewrite the docs.
fn screenshot(pdf: &[u8], name: &str, dpi: u32) {
    if std::process::Command::new("pdftoppm")
        .arg("-v")
        .output()
        .is_err()
    {
        println!(
            "pdftoppm is not installed: {name}.png not rendered (apt-get install poppler-utils)"
        );
        return;
    }
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    let keep = std::env::var("KOUZA_SCREENSHOTS").as_deref() == Ok("1")
        || !docs.join(format!("{name}.png")).exists();
    let scratch = std::env::temp_dir().join(format!("kouza-{name}-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&scratch).unwrap();
    let dir = if keep { docs } else { scratch.clone() };
    std::fs::create_dir_all(&dir).unwrap();
    let input = scratch.join("in.pdf");
    std::fs::write(&input, pdf).unwrap();
    let status = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", &dpi.to_string(), "-singlefile"])
        .arg(&input)
        .arg(dir.join(name))
        .status()
        .unwrap();
    assert!(status.success(), "pdftoppm failed");
    let png = std::fs::read(dir.join(format!("{name}.png"))).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG image");
    let _ = std::fs::remove_dir_all(scratch);
}

#[rocket::async_test]
async fn the_pdf_is_a4_with_the_japanese_name_wareki_dates_and_an_embedded_font_subset() {
    let app = spawn().await;
    let (_, enrollment_id, user_id, staff) = helper_trainee(&app, true).await;
    let state = app.state();
    kouza::services::certificates::save_settings(
        &state.db,
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
        state.clock.now(),
    )
    .await
    .unwrap();
    let (status, issued) = issue(&app.client, app.bearer_for(staff.id), enrollment_id).await;
    assert_eq!(status, Status::Created, "{issued}");
    let number = issued["number"].as_str().unwrap().to_string();
    assert!(number.starts_with("初任者-"), "{number}");

    let owner = app.bearer_for(user_id);
    let download = |layout: &'static str| {
        app.client
            .get(format!(
                "/api/v1/certificates/{}/pdf{layout}",
                encode(&number)
            ))
            .header(owner.clone())
            .dispatch()
    };
    let response = download("").await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.content_type(), Some(ContentType::PDF));
    let bytes = response.into_bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let pdf = lopdf::Document::load_mem(&bytes).expect("a PDF lopdf can read");
    let (w, h) = page_size(&pdf);
    assert!(
        (w - 595.28).abs() < 0.5 && (h - 841.89).abs() < 0.5,
        "A4 portrait: {w}×{h}"
    );
    // Drawn text comes back line by line (the title letter-spaced): compare
    // without any whitespace.
    let squeeze = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let text = squeeze(&pdf_text(&pdf));
    for expected in [
        "修了証明書",
        "受講", // the trainee's family name as registered
        "ジュコウ",
        "昭和35年5月5日生",
        "介護職員初任者研修課程",
        "東京都指令第1234号",
        "ワーカーズコープ 池袋事業所",
        "代表理事 髙橋 一郎",
        &number,
    ] {
        let expected = squeeze(expected);
        assert!(
            text.contains(&expected),
            "{expected:?} missing from the PDF text: {text}"
        );
    }
    let today = kouza::domain::course::jst_date(state.clock.now());
    let wareki = kouza::domain::wareki::format_wareki(today);
    assert!(text.contains(&wareki), "the issue date in 和暦 ({wareki})");
    let fonts = embedded_fonts(&pdf);
    assert!(!fonts.is_empty(), "a font program is embedded");
    assert!(
        fonts
            .iter()
            .all(|f| f.len() > 7 && f.as_bytes()[6] == b'+' && f.contains("IPAex")),
        "embedded as a subset (ABCDEF+Name): {fonts:?}"
    );
    assert!(
        bytes.len() < 400_000,
        "a subset, not the whole 6 MB font: {}",
        bytes.len()
    );
    // A reprint is the same document.
    let again = download("").await.into_bytes().await.unwrap();
    assert_eq!(again, bytes);
    screenshot(&bytes, "certificate", 96);

    let card = download("?layout=card").await.into_bytes().await.unwrap();
    let card_pdf = lopdf::Document::load_mem(&card).unwrap();
    let (w, h) = page_size(&card_pdf);
    assert!(
        (w - 242.65).abs() < 0.5 && (h - 153.07).abs() < 0.5,
        "85.6 × 54 mm: {w}×{h}"
    );
    assert!(squeeze(&pdf_text(&card_pdf)).contains("修了証明書（携帯用）"));
    screenshot(&card, "certificate-card", 220);
}

#[rocket::async_test]
async fn verification_says_valid_reissued_revoked_and_unknown_codes_are_not_found() {
    let app = spawn().await;
    let (_, staff, people) = symposium(&app, 2, 2).await;
    let bearer = app.bearer_for(staff.id);
    let (_, first) = issue(&app.client, bearer.clone(), people[0].1).await;
    let (_, second) = issue(&app.client, bearer.clone(), people[1].1).await;
    let code = first["verification_code"].as_str().unwrap();
    let (status, valid) = verify_json(&app, code).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(valid["status"], "valid");
    assert_eq!(valid["number"], first["number"]);
    assert_eq!(valid["holder"], "受講 ＊＊");
    // Lower case and without hyphens still finds it.
    let (status, _) = verify_json(&app, &code.replace('-', "").to_lowercase()).await;
    assert_eq!(status, Status::Ok);

    // 再交付: a new number, marked as replacing the first.
    let number = first["number"].as_str().unwrap();
    let reissued = app
        .client
        .post(format!("/api/v1/certificates/{}/reissue", encode(number)))
        .header(bearer.clone())
        .header(ContentType::JSON)
        .body(json!({"reason": "紛失のため"}).to_string())
        .dispatch()
        .await;
    assert_eq!(reissued.status(), Status::Created);
    let reissued = app.json(reissued).await;
    assert_ne!(reissued["number"], first["number"]);
    let (_, old) = verify_json(&app, code).await;
    assert_eq!(old["status"], "reissued");
    assert_eq!(old["reissued_as"], reissued["number"]);
    let (_, new) = verify_json(&app, reissued["verification_code"].as_str().unwrap()).await;
    assert_eq!(new["status"], "valid");
    let detail = certificate(&app, bearer.clone(), reissued["number"].as_str().unwrap()).await;
    assert_eq!(detail["original_number"], first["number"]);
    assert_eq!(detail["reissue_of"], first["number"]);
    assert_eq!(detail["reissue_reason"], "紛失のため");
    // The replaced one cannot be reissued again; the reason is required.
    let again = app
        .client
        .post(format!("/api/v1/certificates/{}/reissue", encode(number)))
        .header(bearer.clone())
        .header(ContentType::JSON)
        .body(json!({"reason": "再度"}).to_string())
        .dispatch()
        .await;
    assert_eq!(again.status(), Status::Conflict);

    // Revocation: stays in history, says revoked.
    let revoke = |reason: &'static str| {
        app.client
            .post(format!(
                "/api/v1/certificates/{}/revoke",
                encode(second["number"].as_str().unwrap())
            ))
            .header(bearer.clone())
            .header(ContentType::JSON)
            .body(json!({ "reason": reason }).to_string())
            .dispatch()
    };
    assert_eq!(revoke("").await.status(), Status::UnprocessableEntity);
    let revoked = revoke("誤って発行したため").await;
    assert_eq!(revoked.status(), Status::Ok);
    assert_eq!(app.json(revoked).await["status"], "revoked");
    let (_, gone) = verify_json(&app, second["verification_code"].as_str().unwrap()).await;
    assert_eq!(gone["status"], "revoked");
    // A bulk issue does not silently replace a revoked certificate.
    let course_id = detail["course_id"].as_i64().unwrap();
    let bulk = app
        .client
        .post(format!("/api/v1/courses/{course_id}/certificates"))
        .header(bearer.clone())
        .dispatch()
        .await;
    assert_eq!(app.json(bulk).await["issued"], json!([]));

    for unknown in ["ZZZZ-ZZZZ-ZZZZ", "not-a-code", "%E5%B1%B1"] {
        let (status, body) = verify_json(&app, unknown).await;
        assert_eq!(status, Status::NotFound, "{unknown}");
        assert!(body.get("number").is_none());
        let page = app
            .client
            .get(format!("/verify/{unknown}"))
            .dispatch()
            .await;
        assert_eq!(page.status(), Status::NotFound);
    }
}

#[rocket::async_test]
async fn the_verification_page_shows_only_the_listed_fields() {
    let app = spawn().await;
    let (_, staff, people) = symposium(&app, 1, 1).await;
    let (_, issued) = issue(&app.client, app.bearer_for(staff.id), people[0].1).await;
    let code = issued["verification_code"].as_str().unwrap();
    let (_, json) = verify_json(&app, code).await;
    let keys: BTreeSet<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from(["status", "number", "course", "completed_on", "holder"])
    );
    let page = app.client.get(format!("/verify/{code}")).dispatch().await;
    assert_eq!(page.status(), Status::Ok);
    let html = page.into_string().await.unwrap();
    assert!(html.contains("受講 ＊＊"));
    assert!(html.contains(issued["number"].as_str().unwrap()));
    // The given name, birth date, phone and e-mail never appear.
    for secret in [
        "受講 0",
        "受講　0",
        "1960",
        "昭和35",
        "090-1234-5678",
        "@example.jp",
        "ジュコウ",
    ] {
        assert!(!html.contains(secret), "{secret} leaked");
        assert!(
            !json.to_string().contains(secret),
            "{secret} leaked in JSON"
        );
    }
}

#[rocket::async_test]
async fn verification_is_rate_limited_against_guessing_codes() {
    let app = spawn().await;
    for i in 0..20 {
        let (status, _) = verify_json(&app, &format!("AAAA-AAAA-{i:04}")).await;
        assert_eq!(status, Status::NotFound);
    }
    let (status, body) = verify_json(&app, "AAAA-AAAA-ZZZZ").await;
    assert_eq!(status, Status::TooManyRequests, "{body}");
}

async fn published_keys(app: &TestApp) -> jsonwebtoken::jwk::JwkSet {
    let response = app
        .client
        .get("/.well-known/kouza-certificate-keys.json")
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    response.into_json().await.unwrap()
}

#[rocket::async_test]
async fn the_signed_token_verifies_with_the_published_key_and_fails_when_altered_or_with_another_key(
) {
    use jsonwebtoken::jwk::{Jwk, JwkSet};
    use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, EncodingKey, Validation};

    let app = spawn().await;
    let (_, staff, people) = symposium(&app, 2, 2).await;
    let bearer = app.bearer_for(staff.id);
    let (_, issued) = issue(&app.client, bearer.clone(), people[0].1).await;
    let number = issued["number"].as_str().unwrap();
    let token = certificate(&app, bearer.clone(), number).await["token"]
        .as_str()
        .unwrap()
        .to_string();
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_required_spec_claims(&["sub"]);
    validation.validate_exp = false;
    validation.validate_aud = false;
    let check = |token: &str, set: &JwkSet| -> Option<Value> {
        let kid = decode_header(token).ok()?.kid?;
        let jwk = set.find(&kid)?;
        let key = DecodingKey::from_jwk(jwk).ok()?;
        decode::<Value>(token, &key, &validation)
            .ok()
            .map(|d| d.claims)
    };
    let set = published_keys(&app).await;
    assert_eq!(set.keys.len(), 1);
    let claims = check(&token, &set).expect("verifies with the published key");
    assert_eq!(claims["sub"], number);
    assert_eq!(claims["name"], "受講 0");
    assert_eq!(claims["completed_on"].as_str().unwrap().len(), 10);
    assert!(claims["course"].as_str().is_some());

    // One character changed in the payload: refused.
    let parts: Vec<&str> = token.split('.').collect();
    let mut payload: Vec<char> = parts[1].chars().collect();
    let middle = payload.len() / 2;
    payload[middle] = if payload[middle] == 'A' { 'B' } else { 'A' };
    let altered = format!(
        "{}.{}.{}",
        parts[0],
        payload.iter().collect::<String>(),
        parts[2]
    );
    assert!(check(&altered, &set).is_none());

    // Another key under the same id: refused.
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend([42u8; 32]);
    let mut other =
        Jwk::from_encoding_key(&EncodingKey::from_ed_der(&der), Algorithm::EdDSA).unwrap();
    other.common.key_id = set.keys[0].common.key_id.clone();
    assert!(check(&token, &JwkSet { keys: vec![other] }).is_none());

    // Rotation: new certificates use a new key, the old one stays published.
    let admin = app.account(Role::Admin).await;
    let rotated = app
        .client
        .post("/api/v1/certificate-keys/rotate")
        .header(app.bearer_for(admin.id))
        .dispatch()
        .await;
    assert_eq!(rotated.status(), Status::Ok);
    let (_, later) = issue(&app.client, bearer.clone(), people[1].1).await;
    let later_token = certificate(&app, bearer, later["number"].as_str().unwrap()).await["token"]
        .as_str()
        .unwrap()
        .to_string();
    let set = published_keys(&app).await;
    assert_eq!(set.keys.len(), 2);
    assert!(
        check(&token, &set).is_some(),
        "old certificates still verify"
    );
    assert!(check(&later_token, &set).is_some());
    assert_ne!(
        decode_header(&token).unwrap().kid,
        decode_header(&later_token).unwrap().kid
    );
}

#[rocket::async_test]
async fn a_trainee_cannot_download_another_trainees_certificate() {
    let app = spawn().await;
    let (_, staff, people) = symposium(&app, 2, 1).await;
    let staff_bearer = app.bearer_for(staff.id);
    let (_, issued) = issue(&app.client, staff_bearer.clone(), people[0].1).await;
    let path = format!(
        "/api/v1/certificates/{}/pdf",
        encode(issued["number"].as_str().unwrap())
    );
    let get = |bearer: Option<Header<'static>>| {
        let mut request = app.client.get(path.clone());
        if let Some(bearer) = bearer {
            request = request.header(bearer);
        }
        request.dispatch()
    };
    assert_eq!(get(Some(people[0].2.clone())).await.status(), Status::Ok);
    assert_eq!(
        get(Some(people[1].2.clone())).await.status(),
        Status::NotFound
    );
    assert_eq!(get(Some(staff_bearer)).await.status(), Status::Ok);
    assert_eq!(get(None).await.status(), Status::Unauthorized);
    let details = app
        .client
        .get(format!(
            "/api/v1/certificates/{}",
            encode(issued["number"].as_str().unwrap())
        ))
        .header(people[1].2.clone())
        .dispatch()
        .await;
    assert_eq!(details.status(), Status::NotFound);
}

#[rocket::async_test]
async fn instructors_cannot_issue_reissue_or_revoke() {
    let app = spawn().await;
    let (course_id, staff, people) = symposium(&app, 1, 1).await;
    let instructor = app.account(Role::Instructor).await;
    let bearer = app.bearer_for(instructor.id);
    let (status, _) = issue(&app.client, bearer.clone(), people[0].1).await;
    assert_eq!(status, Status::Forbidden);
    let bulk = app
        .client
        .post(format!("/api/v1/courses/{course_id}/certificates"))
        .header(bearer.clone())
        .dispatch()
        .await;
    assert_eq!(bulk.status(), Status::Forbidden);
    let (_, issued) = issue(&app.client, app.bearer_for(staff.id), people[0].1).await;
    let revoke = app
        .client
        .post(format!(
            "/api/v1/certificates/{}/revoke",
            encode(issued["number"].as_str().unwrap())
        ))
        .header(bearer)
        .header(ContentType::JSON)
        .body(json!({"reason": "x"}).to_string())
        .dispatch()
        .await;
    assert_eq!(revoke.status(), Status::Forbidden);
}

#[rocket::async_test]
async fn the_completers_list_is_csv_with_a_bom_and_wareki_dates_and_printable() {
    let app = spawn().await;
    let (course_id, staff, people) = symposium(&app, 3, 2).await;
    let bearer = app.bearer_for(staff.id);
    for (_, id, _) in people.iter().take(2) {
        issue(&app.client, bearer.clone(), *id).await;
    }
    app.login_page(&staff).await;
    let csv = app
        .client
        .get(format!("/staff/courses/{course_id}/completers.csv"))
        .dispatch()
        .await;
    assert_eq!(csv.status(), Status::Ok);
    let bytes = csv.into_bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "修了証明書番号,氏名,フリガナ,生年月日,修了年月日");
    assert_eq!(lines.len(), 3);
    assert!(lines[1].contains("昭和35年5月5日"), "{text}");
    assert!(lines[1].starts_with(&symposium_prefix(&app)));
    for page in ["completers", "assessments", "certificates"] {
        let response = app
            .client
            .get(format!("/staff/courses/{course_id}/{page}"))
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Ok, "{page}");
    }
    let assessments = app
        .client
        .get(format!("/staff/courses/{course_id}/assessments.csv"))
        .dispatch()
        .await;
    let text = assessments.into_string().await.unwrap();
    assert!(text.contains("未受験"));
}

#[rocket::async_test]
async fn the_trainee_finds_their_certificates_on_my_page() {
    let app = spawn().await;
    let (_, staff, _) = symposium(&app, 0, 0).await;
    let trainee = app.account(Role::Trainee).await;
    let course = app
        .published_course(CourseSpec {
            kind: CourseKind::Symposium,
            ..Default::default()
        })
        .await;
    let bearer = app.bearer_for(trainee.id);
    let created = app
        .enroll_api(
            bearer,
            course.id,
            json!({"phone": "090-1234-5678", "consent": true}),
        )
        .await;
    let id = app.json(created).await["id"].as_i64().unwrap();
    let state = app.state();
    let code = kouza::services::check_in::code_for(&state.db, id)
        .await
        .unwrap();
    kouza::services::check_in::at_the_door(&state.db, staff.id, &code, None, state.clock.now())
        .await
        .unwrap();
    let (_, issued) = issue(&app.client, app.bearer_for(staff.id), id).await;
    app.login_page(&trainee).await;
    let page = app.client.get("/my/certificates").dispatch().await;
    assert_eq!(page.status(), Status::Ok);
    let html = page.into_string().await.unwrap();
    assert!(html.contains(issued["number"].as_str().unwrap()));
    let link = html
        .split("href=\"")
        .find(|s| s.starts_with("/my/certificates/") && s.contains("/pdf"))
        .and_then(|s| s.split('"').next())
        .expect("a download link")
        .to_string();
    let pdf = app.client.get(link).dispatch().await;
    assert_eq!(pdf.status(), Status::Ok);
    assert_eq!(pdf.content_type(), Some(ContentType::PDF));
}

#[rocket::async_test]
async fn an_admin_sets_the_number_pattern_and_new_certificates_follow_it() {
    let app = spawn().await;
    let (_, staff, people) = symposium(&app, 1, 1).await;
    let admin = app.account(Role::Admin).await;
    app.login_page(&admin).await;
    let page = app.client.get("/admin/certificates").dispatch().await;
    assert_eq!(page.status(), Status::Ok);
    let html = page.into_string().await.unwrap();
    assert!(html.contains("シ-{fy}-{seq:04}"));
    let series = kouza::services::certificates::all_series(&app.state().db)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.key == "symposium")
        .unwrap();
    let csrf = app.csrf().await;
    let path = format!("/admin/certificates/series/{}", series.id);
    let refused = app
        .post_form(&path, &[("csrf_token", &csrf), ("pattern", "{year}-{seq}")])
        .await;
    assert_eq!(refused.status(), Status::SeeOther);
    let saved = app
        .post_form(&path, &[("csrf_token", &csrf), ("pattern", "第{seq:03}号")])
        .await;
    assert_eq!(saved.status(), Status::SeeOther);
    let settings = app
        .post_form(
            "/admin/certificates/settings",
            &[
                ("csrf_token", &csrf),
                ("provider_name", "ワーカーズコープ"),
                ("provider_address", "東京都豊島区"),
                ("provider_representative", "代表理事 山田 太郎"),
                ("date_style", "seireki"),
                ("show_furigana", "on"),
                ("statement_helper", "{course}を修了したことを証明する。"),
                (
                    "statement_community",
                    "{course}を修了したことを証明します。",
                ),
                (
                    "statement_symposium",
                    "{course}に参加したことを証明します。",
                ),
            ],
        )
        .await;
    assert_eq!(settings.status(), Status::SeeOther);
    let stored = kouza::services::certificates::settings(&app.state().db)
        .await
        .unwrap();
    assert_eq!(stored.date_style, "seireki");
    assert!(stored.show_furigana && !stored.show_hours);
    let (status, issued) = issue(&app.client, app.bearer_for(staff.id), people[0].1).await;
    assert_eq!(status, Status::Created);
    assert_eq!(issued["number"], "第001号");
}
