//! Personal data (個人情報保護法): a trainee's own data as a file, deletion on
//! request (contact data gone, account closed, certificate and ledger kept),
//! the retention job, and special-care notes behind a logged reveal.
use chrono::{Datelike, Duration};
use kouza::domain::course::CourseKind;
use kouza::domain::Role;
use kouza::entities::{audit_log, certificate, enrollment, mail_outbox, user};
use kouza::services::payment_rows::ledger_entry;
use kouza::services::payments::{self, NewEntry};
use rocket::http::{Accept, ContentType, Header, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::{spawn, Account, CourseSpec, TestApp, PASSWORD};

const NOTES: &str = "心臓の持病があり、薬を服用しています";

/// A trainee (山田 花子) at a symposium that starts in 30 days and ends two
/// weeks later: enrolled with contact data and special-care notes, checked
/// in, certified, and with a settled ledger (a charge and its payment).
struct Fixture {
    trainee: Account,
    staff: Account,
    enrollment_id: i64,
    course_ends_on: chrono::NaiveDate,
    verification_code: String,
}

async fn fixture(app: &TestApp) -> Fixture {
    let state = app.state();
    let course = app
        .published_course(CourseSpec {
            kind: CourseKind::Symposium,
            ..Default::default()
        })
        .await;
    let staff = app.account(Role::Staff).await;
    let trainee = app.account(Role::Trainee).await;
    let body = json!({
        "phone": "090-1111-2222", "birth_date": "1960-05-05", "consent": true,
        "special_care_notes": NOTES, "special_care_consent": true
    });
    let response = app
        .enroll_api(app.bearer(&trainee).await, course.id, body)
        .await;
    assert_eq!(response.status(), Status::Created);
    let enrollment_id = app.json(response).await["id"].as_i64().unwrap();
    // Contact details on the account too, as a member's record would hold.
    user::Entity::update_many()
        .col_expr(
            user::Column::Address,
            sea_orm::prelude::Expr::value("豊島区東池袋1-2-3"),
        )
        .col_expr(
            user::Column::Phone,
            sea_orm::prelude::Expr::value("090-1111-2222"),
        )
        .col_expr(
            user::Column::MemberNumber,
            sea_orm::prelude::Expr::value("M-0042"),
        )
        .filter(user::Column::Id.eq(trainee.id))
        .exec(&state.db)
        .await
        .unwrap();
    let code = kouza::services::check_in::code_for(&state.db, enrollment_id)
        .await
        .unwrap();
    kouza::services::check_in::at_the_door(&state.db, staff.id, &code, None, state.clock.now())
        .await
        .unwrap();
    let issued = app
        .client
        .post(format!("/api/v1/enrollments/{enrollment_id}/certificate"))
        .header(app.bearer(&staff).await)
        .dispatch()
        .await;
    assert_eq!(issued.status(), Status::Created);
    let issued = app.json(issued).await;
    for (kind, amount, method) in [("charge", 3000, ""), ("payment", 3000, "cash")] {
        payments::append(
            &state.db,
            NewEntry {
                enrollment_id,
                kind,
                amount_yen: amount,
                method,
                external_id: None,
                payer_name: "ヤマダ ハナコ",
                paid_on: None,
                note: "",
                recorded_by: Some(staff.id),
            },
            state.clock.now(),
        )
        .await
        .unwrap();
    }
    Fixture {
        trainee,
        staff,
        enrollment_id,
        course_ends_on: course.ends_on,
        verification_code: issued["verification_code"].as_str().unwrap().to_string(),
    }
}

async fn ledger_of(app: &TestApp, enrollment_id: i64) -> Vec<ledger_entry::Model> {
    ledger_entry::Entity::find()
        .filter(ledger_entry::Column::EnrollmentId.eq(enrollment_id))
        .all(&app.state().db)
        .await
        .unwrap()
}

fn total(entries: &[ledger_entry::Model]) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = ["charge", "payment", "refund", "adjustment"]
        .iter()
        .map(|k| {
            (
                k.to_string(),
                entries
                    .iter()
                    .filter(|e| e.kind == *k)
                    .map(|e| e.amount_yen)
                    .sum(),
            )
        })
        .collect();
    out.push(("count".into(), entries.len() as i64));
    out
}

async fn verify_json(app: &TestApp, code: &str) -> Value {
    let response = app
        .client
        .get(format!("/verify/{code}"))
        .header(Accept::JSON)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    app.json(response).await
}

async fn audits(app: &TestApp, action: &str) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .all(&app.state().db)
        .await
        .unwrap()
}

async fn request_deletion(app: &TestApp, bearer: Header<'static>, confirm: bool) -> Status {
    app.client
        .post("/api/v1/me/deletion-request")
        .header(bearer)
        .header(ContentType::JSON)
        .body(json!({ "confirm": confirm }).to_string())
        .dispatch()
        .await
        .status()
}

/// The open request of a user, as staff list it.
async fn request_id(app: &TestApp, staff: Header<'static>, user_id: i64) -> i64 {
    let response = app
        .client
        .get("/api/v1/deletion-requests")
        .header(staff)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    let list = app.json(response).await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|r| r["user_id"] == user_id && r["status"] == "requested")
        .expect("the open request is listed")["id"]
        .as_i64()
        .unwrap()
}

/// The trainee asks (after the course ended) and staff carry it out.
async fn delete_through_the_api(app: &TestApp, f: &Fixture) {
    let bearer = app.bearer(&f.trainee).await;
    assert_eq!(request_deletion(app, bearer, true).await, Status::Created);
    let staff = app.bearer(&f.staff).await;
    let id = request_id(app, staff.clone(), f.trainee.id).await;
    let done = app
        .client
        .post(format!("/api/v1/deletion-requests/{id}/complete"))
        .header(staff.clone())
        .dispatch()
        .await;
    assert_eq!(done.status(), Status::NoContent);
    let again = app
        .client
        .post(format!("/api/v1/deletion-requests/{id}/complete"))
        .header(staff)
        .dispatch()
        .await;
    assert_eq!(again.status(), Status::Conflict, "carried out once");
}

fn move_past(app: &TestApp, day: chrono::NaiveDate, extra_days: i64) {
    let today = kouza::domain::course::jst_date(app.state().clock.now());
    app.state()
        .clock
        .advance(Duration::days((day - today).num_days() + extra_days));
}

#[rocket::async_test]
async fn a_deletion_erases_contact_data_closes_the_account_and_keeps_the_certificate_and_ledger() {
    let app = spawn().await;
    let f = fixture(&app).await;
    let db = &app.state().db;
    let before = ledger_of(&app, f.enrollment_id).await;

    // While the course runs, a request is refused and the reason is given.
    let bearer = app.bearer(&f.trainee).await;
    assert_eq!(
        request_deletion(&app, bearer.clone(), true).await,
        Status::Conflict
    );
    let status = app
        .client
        .get("/api/v1/me/deletion-request")
        .header(bearer.clone())
        .dispatch()
        .await;
    let status = app.json(status).await;
    assert_eq!(status["status"], "none");
    assert_eq!(status["blockers"][0]["reason"], "course_in_progress");
    assert_eq!(status["blockers"][0]["enrollment_id"], f.enrollment_id);

    move_past(&app, f.course_ends_on, 1);
    let bearer = app.bearer(&f.trainee).await;
    assert_eq!(
        request_deletion(&app, bearer.clone(), false).await,
        Status::UnprocessableEntity,
        "the confirmation is required"
    );
    // Instructors and trainees do not see the requests.
    let instructor = app.account(Role::Instructor).await;
    for who in [app.bearer(&instructor).await, bearer.clone()] {
        let response = app
            .client
            .get("/api/v1/deletion-requests")
            .header(who)
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Forbidden);
    }
    delete_through_the_api(&app, &f).await;

    // Contact data, free text and special-care notes are gone from the database.
    let u = user::Entity::find_by_id(f.trainee.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(u.email, f.trainee.email);
    assert_eq!(
        (u.phone, u.address, u.birth_date, u.member_number),
        (None, None, None, None)
    );
    let e = enrollment::Entity::find_by_id(f.enrollment_id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(e.special_care_notes, None);
    assert_eq!(e.check_in_code, None);
    assert!(!e.form.contains("090-1111-2222"), "{}", e.form);
    assert!(!e.form.contains("1960-05-05"), "{}", e.form);
    let mails = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::ToAddress.eq(f.trainee.email.as_str()))
        .all(db)
        .await
        .unwrap();
    assert!(mails.is_empty());
    // What is kept: the names on the enrollment and the certificate.
    assert_eq!(
        (e.family_name.as_str(), e.given_name.as_str()),
        ("山田", "花子")
    );

    // The account cannot log in, and its old token no longer works.
    assert_eq!(
        app.token(&f.trainee.email, PASSWORD).await.status(),
        Status::Unauthorized
    );
    let me = app.client.get("/api/v1/me").header(bearer).dispatch().await;
    assert_eq!(me.status(), Status::Unauthorized);

    // The certificate still verifies, with the masked name only.
    let verified = verify_json(&app, &f.verification_code).await;
    assert_eq!(verified["status"], "valid");
    assert_eq!(verified["holder"], "山田 ＊＊");

    // The ledger is unchanged, names included (kept for the retention period).
    let after = ledger_of(&app, f.enrollment_id).await;
    assert_eq!(total(&before), total(&after));
    assert_eq!(before, after);

    let deleted = audits(&app, "personal_data_deleted").await;
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].actor_id, Some(f.staff.id));
    assert_eq!(deleted[0].target_id, Some(f.trainee.id));
    assert!(!deleted[0].detail.contains(&f.trainee.email));
    assert_eq!(audits(&app, "deletion_requested").await.len(), 1);
}

#[rocket::async_test]
async fn an_unsettled_balance_blocks_the_request_with_the_amount() {
    let app = spawn().await;
    let f = fixture(&app).await;
    let state = app.state();
    payments::append(
        &state.db,
        NewEntry {
            enrollment_id: f.enrollment_id,
            kind: "charge",
            amount_yen: 2000,
            method: "",
            external_id: None,
            payer_name: "",
            paid_on: None,
            note: "補講料",
            recorded_by: Some(f.staff.id),
        },
        state.clock.now(),
    )
    .await
    .unwrap();
    move_past(&app, f.course_ends_on, 1);
    let bearer = app.bearer(&f.trainee).await;
    assert_eq!(
        request_deletion(&app, bearer.clone(), true).await,
        Status::Conflict
    );
    let status = app
        .client
        .get("/api/v1/me/deletion-request")
        .header(bearer)
        .dispatch()
        .await;
    let status = app.json(status).await;
    assert_eq!(status["blockers"][0]["reason"], "unsettled_balance");
    assert_eq!(status["blockers"][0]["balance_yen"], 2000);
    // The page says why, in words.
    app.login_page(&f.trainee).await;
    let page = app.client.get("/account/delete").dispatch().await;
    assert_eq!(page.status(), Status::Ok);
    let html = page.into_string().await.unwrap();
    assert!(html.contains("未払い 2000 円"), "{html}");
    assert!(!html.contains("action=\"/account/delete\""));
}

#[rocket::async_test]
async fn after_the_retention_period_the_job_masks_the_kept_names_once_even_when_run_twice_at_once()
{
    let app = spawn().await;
    let f = fixture(&app).await;
    let state = app.state();
    let db = &state.db;
    move_past(&app, f.course_ends_on, 1);
    delete_through_the_api(&app, &f).await;
    let before = ledger_of(&app, f.enrollment_id).await;

    // Within the period nothing changes.
    kouza::jobs::run_once(db, &state.config, state.clock.now()).await;
    let cert = certificate::Entity::find()
        .filter(certificate::Column::UserId.eq(f.trainee.id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cert.given_name, "花子");
    assert!(cert.birth_date.is_some());

    // Five years (the default) after the later of the course's end and the
    // deletion (a day after it), and one more day.
    let years = state.config.personal_data_retention_years as i32;
    let until = f
        .course_ends_on
        .with_year(f.course_ends_on.year() + years)
        .unwrap();
    move_past(&app, until, 2);
    let now = state.clock.now();
    let (a, b) = tokio::join!(
        kouza::services::personal_data::mask_retained(db, &state.config, now),
        kouza::services::personal_data::mask_retained(db, &state.config, now),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1, "one instance masks the person");
    kouza::jobs::run_once(db, &state.config, state.clock.now()).await;
    assert_eq!(
        audits(&app, "personal_data_retention_masked").await.len(),
        1
    );

    let cert = certificate::Entity::find()
        .filter(certificate::Column::UserId.eq(f.trainee.id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            cert.family_name.as_str(),
            cert.given_name.as_str(),
            cert.given_name_kana.as_str()
        ),
        ("山田", "○○", "○○")
    );
    assert_eq!(cert.birth_date, None);
    // The token in the QR of a reprint names only the masked holder and still verifies.
    let keys = kouza::services::certificates::signing::published(db)
        .await
        .unwrap();
    let claims = kouza::services::certificates::signing::verify(&cert.signed_token, &keys)
        .expect("a valid signature");
    assert_eq!(claims.name, "山田 ○○");
    let verified = verify_json(&app, &f.verification_code).await;
    assert_eq!(verified["status"], "valid");
    assert_eq!(verified["holder"], "山田 ＊＊");

    let e = enrollment::Entity::find_by_id(f.enrollment_id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (e.family_name.as_str(), e.given_name.as_str()),
        ("山田", "○○")
    );
    let after = ledger_of(&app, f.enrollment_id).await;
    assert_eq!(total(&before), total(&after), "ledger totals never change");
    assert!(after.iter().all(|l| l.payer_name == "○○"));
}

/// Everything the export of `bearer`'s owner holds, as JSON and as CSV text.
async fn export(app: &TestApp, bearer: Header<'static>) -> (Value, String) {
    let json = app
        .client
        .get("/api/v1/me/data")
        .header(bearer.clone())
        .dispatch()
        .await;
    assert_eq!(json.status(), Status::Ok);
    let json = app.json(json).await;
    let csv = app
        .client
        .get("/api/v1/me/data.csv")
        .header(bearer)
        .dispatch()
        .await;
    assert_eq!(csv.status(), Status::Ok);
    assert_eq!(
        csv.headers().get_one("Cache-Control"),
        Some("private, no-store")
    );
    let bytes = csv.into_bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
    (json, String::from_utf8(bytes).unwrap())
}

#[rocket::async_test]
async fn the_export_holds_the_trainees_own_data_and_nobody_elses() {
    let app = spawn().await;
    let f = fixture(&app).await;
    // Another trainee in the same course.
    let other = app.account(Role::Trainee).await;
    let course_id = enrollment::Entity::find_by_id(f.enrollment_id)
        .one(&app.state().db)
        .await
        .unwrap()
        .unwrap()
        .course_id;
    let response = app
        .enroll_api(
            app.bearer(&other).await,
            course_id,
            json!({"phone": "080-9999-8888", "consent": true,
                   "special_care_notes": "ほかの人の事情", "special_care_consent": true}),
        )
        .await;
    assert_eq!(response.status(), Status::Created);

    let (doc, csv) = export(&app, app.bearer(&f.trainee).await).await;
    assert_eq!(doc["account"]["email"], f.trainee.email.as_str());
    assert_eq!(doc["enrollments"].as_array().unwrap().len(), 1);
    assert_eq!(doc["enrollments"][0]["id"], f.enrollment_id);
    assert_eq!(doc["enrollments"][0]["special_care_notes"], NOTES);
    assert_eq!(
        doc["enrollments"][0]["application"]["phone"],
        "090-1111-2222"
    );
    assert_eq!(doc["payments"].as_array().unwrap().len(), 2);
    assert_eq!(doc["certificates"].as_array().unwrap().len(), 1);
    let certificate = &doc["certificates"][0];
    assert_eq!(certificate["enrollment_id"], f.enrollment_id);
    assert!(
        certificate.get("original_number").is_none(),
        "{certificate}"
    );
    assert_eq!(certificate.as_object().unwrap().len(), 10, "{certificate}");
    assert_eq!(doc["consents"][0]["special_care_data_given"], true);
    assert!(doc["mails"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["to"] == f.trainee.email.as_str()));
    assert!(
        !doc["mails"].as_array().unwrap().is_empty(),
        "the enrollment mail"
    );
    let text = doc.to_string();
    for theirs in [other.email.as_str(), "080-9999-8888", "ほかの人の事情"] {
        assert!(!text.contains(theirs), "{theirs} leaked into the export");
        assert!(!csv.contains(theirs), "{theirs} leaked into the CSV");
    }
    assert!(csv.contains(&f.trainee.email) && csv.contains(NOTES));
    assert!(csv.starts_with("\u{feff}section,item,field,value"));

    // An instructor (or anyone) only ever gets their own data: no enrollment
    // of the trainee, and no path names another person.
    let instructor = app.account(Role::Instructor).await;
    let (theirs, csv) = export(&app, app.bearer(&instructor).await).await;
    assert_eq!(theirs["account"]["email"], instructor.email.as_str());
    assert!(theirs["enrollments"].as_array().unwrap().is_empty());
    assert!(!theirs.to_string().contains(&f.trainee.email));
    assert!(!csv.contains(&f.trainee.email));
    let anonymous = app.client.get("/api/v1/me/data").dispatch().await;
    assert_eq!(anonymous.status(), Status::Unauthorized);

    // Each download is in the audit trail, by the person, of their own record.
    let exports = audits(&app, "personal_data_export").await;
    let own: Vec<_> = exports
        .iter()
        .filter(|a| a.actor_id == Some(f.trainee.id))
        .collect();
    assert_eq!(own.len(), 2);
    assert!(own.iter().all(|a| a.target_id == Some(f.trainee.id)));

    // The account page offers the same downloads.
    app.login_page(&f.trainee).await;
    let page = app.client.get("/account").dispatch().await;
    let html = page.into_string().await.unwrap();
    assert!(html.contains("/account/data.json") && html.contains("/account/data.csv"));
    let file = app.client.get("/account/data.json").dispatch().await;
    assert_eq!(file.status(), Status::Ok);
    assert!(file
        .headers()
        .get_one("Content-Disposition")
        .unwrap()
        .starts_with("attachment"));
    let body: Value = serde_json::from_str(&file.into_string().await.unwrap()).unwrap();
    assert_eq!(body["account"]["email"], f.trainee.email.as_str());
    assert_eq!(audits(&app, "personal_data_export").await.len(), 5);
}

#[rocket::async_test]
async fn special_care_notes_are_shown_to_staff_only_on_request_and_each_look_is_audited() {
    let app = spawn().await;
    let f = fixture(&app).await;
    let path = format!("/api/v1/enrollments/{}/special-care", f.enrollment_id);
    let instructor = app.account(Role::Instructor).await;
    for who in [app.bearer(&instructor).await, app.bearer(&f.trainee).await] {
        let response = app.client.get(path.clone()).header(who).dispatch().await;
        assert_eq!(response.status(), Status::Forbidden);
    }
    assert!(audits(&app, "special_care_view").await.is_empty());

    let staff = app.bearer(&f.staff).await;
    for _ in 0..2 {
        let response = app
            .client
            .get(path.clone())
            .header(staff.clone())
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Ok);
        assert_eq!(app.json(response).await["special_care_notes"], NOTES);
    }
    // Not in the enrollment views or the course list.
    for list in [
        format!("/api/v1/enrollments/{}", f.enrollment_id),
        format!(
            "/api/v1/courses/{}/enrollments",
            enrollment::Entity::find_by_id(f.enrollment_id)
                .one(&app.state().db)
                .await
                .unwrap()
                .unwrap()
                .course_id
        ),
    ] {
        let response = app
            .client
            .get(list.clone())
            .header(staff.clone())
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Ok, "{list}");
        assert!(
            !response.into_string().await.unwrap().contains(NOTES),
            "{list}"
        );
    }

    // On the page: hidden until staff press "show", which is logged too.
    app.login_page(&f.staff).await;
    let page = format!("/staff/enrollments/{}", f.enrollment_id);
    let html = app
        .client
        .get(page.clone())
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(!html.contains(NOTES));
    let csrf = app.csrf().await;
    let shown = app
        .post_form(&format!("{page}/special-care"), &[("csrf_token", &csrf)])
        .await;
    assert_eq!(shown.status(), Status::Ok);
    assert!(shown.into_string().await.unwrap().contains(NOTES));
    let forged = app
        .post_form(&format!("{page}/special-care"), &[("csrf_token", "forged")])
        .await;
    assert_eq!(forged.status(), Status::Forbidden);

    let views = audits(&app, "special_care_view").await;
    assert_eq!(views.len(), 3);
    assert!(views
        .iter()
        .all(|v| v.actor_id == Some(f.staff.id) && v.target_id == Some(f.enrollment_id)));
    assert!(views.iter().all(|v| !v.detail.contains(NOTES)));

    // An instructor cannot reveal them on the page either.
    let csrf = app.csrf().await;
    app.post_form("/logout", &[("csrf_token", &csrf)]).await;
    app.login_page(&instructor).await;
    let csrf = app.csrf().await;
    let refused = app
        .post_form(&format!("{page}/special-care"), &[("csrf_token", &csrf)])
        .await;
    assert_eq!(refused.status(), Status::Forbidden);
    assert_eq!(audits(&app, "special_care_view").await.len(), 3);
}

#[rocket::async_test]
async fn a_trainee_asks_on_the_account_page_and_staff_carry_it_out_on_theirs() {
    let app = spawn().await;
    let f = fixture(&app).await;
    move_past(&app, f.course_ends_on, 1);
    app.login_page(&f.trainee).await;
    let page = app.client.get("/account/delete").dispatch().await;
    assert_eq!(page.status(), Status::Ok);
    let html = page.into_string().await.unwrap();
    assert!(
        html.contains("5 年間") && html.contains("山田 ○○"),
        "explains what is kept"
    );
    let csrf = app.csrf().await;
    let unconfirmed = app
        .post_form("/account/delete", &[("csrf_token", &csrf)])
        .await;
    assert_eq!(unconfirmed.status(), Status::SeeOther);
    let status = app
        .client
        .get("/api/v1/me/deletion-request")
        .header(app.bearer(&f.trainee).await)
        .dispatch()
        .await;
    assert_eq!(
        app.json(status).await["status"],
        "none",
        "not without the tick"
    );
    let asked = app
        .post_form(
            "/account/delete",
            &[("csrf_token", &csrf), ("confirm", "true")],
        )
        .await;
    assert_eq!(asked.status(), Status::SeeOther);
    let html = app
        .client
        .get("/account/delete")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(html.contains("/account/delete/withdraw"));

    let csrf = app.csrf().await;
    app.post_form("/logout", &[("csrf_token", &csrf)]).await;
    app.login_page(&f.staff).await;
    let list = app.client.get("/staff/personal-data").dispatch().await;
    assert_eq!(list.status(), Status::Ok);
    let html = list.into_string().await.unwrap();
    assert!(html.contains(&f.trainee.email));
    let id = request_id(&app, app.bearer(&f.staff).await, f.trainee.id).await;
    let csrf = app.csrf().await;
    let done = app
        .post_form(
            &format!("/staff/personal-data/{id}/complete"),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(done.status(), Status::SeeOther);
    assert_eq!(
        app.token(&f.trainee.email, PASSWORD).await.status(),
        Status::Unauthorized
    );
    let html = app
        .client
        .get("/staff/personal-data")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(!html.contains(&f.trainee.email), "the address is gone");
}

/// A certificate from before this system, reissued here for the same person,
/// is kept and masked on the same terms as the ones issued here.
#[rocket::async_test]
async fn the_retention_job_masks_reissued_past_certificates_and_their_imported_record_too() {
    use crate::past_reissue::{completion, documents, import, line};
    let app = spawn().await;
    let f = fixture(&app).await;
    let state = app.state();
    let db = &state.db;
    import(
        &app,
        &f.staff,
        &[line(
            "旧第0200号",
            "山田",
            "ヤマダ",
            "1960/5/5",
            &f.trainee.email,
        )],
    )
    .await;
    let past = completion(&app, "旧第0200号").await;
    assert_eq!(past.user_id, Some(f.trainee.id));
    app.login_page(&f.staff).await;
    let csrf = app.csrf().await;
    let reissued = app
        .post_form(
            &format!("/staff/past-completions/{}/reissue", past.id),
            &[("csrf_token", &csrf), ("reason", "紛失")],
        )
        .await;
    assert_eq!(reissued.status(), Status::SeeOther);
    let doc = documents(&app).await.remove(0);
    assert_eq!(doc.given_name, "花子");

    move_past(&app, f.course_ends_on, 1);
    delete_through_the_api(&app, &f).await;
    let years = state.config.personal_data_retention_years as i32;
    let until = f
        .course_ends_on
        .with_year(f.course_ends_on.year() + years)
        .unwrap();
    move_past(&app, until, 2);
    let masked =
        kouza::services::personal_data::mask_retained(db, &state.config, state.clock.now())
            .await
            .unwrap();
    assert_eq!(masked, 1);

    let doc = documents(&app).await.remove(0);
    assert_eq!(
        (
            doc.family_name.as_str(),
            doc.given_name.as_str(),
            doc.given_name_kana.as_str()
        ),
        ("山田", "○○", "○○")
    );
    assert_eq!(doc.birth_date, None);
    let keys = kouza::services::certificates::signing::published(db)
        .await
        .unwrap();
    let claims = kouza::services::certificates::signing::verify(&doc.signed_token, &keys)
        .expect("re-signed with a valid signature");
    assert_eq!(claims.name, "山田 ○○");
    let verified = verify_json(&app, &doc.verification_code).await;
    assert_eq!(verified["status"], "valid", "{verified}");
    let past = completion(&app, "旧第0200号").await;
    assert_eq!(
        (
            past.given_name.as_str(),
            past.given_name_kana.as_str(),
            past.birth_date
        ),
        ("○○", "○○", None)
    );
}
