//! Enrollment through the JSON API: seats, waitlist with timed offers,
//! approval with identity check, cancellation, transfer, authorization.
use kouza::domain::course::CourseKind;
use kouza::domain::Role;
use rocket::http::{ContentType, Header, Status};
use serde_json::json;

use crate::helpers::{community_application, spawn, CourseSpec};

#[rocket::async_test]
async fn a_free_seat_confirms_and_a_full_course_waitlists_with_a_position() {
    let app = spawn().await;
    let course = app
        .published_course(CourseSpec {
            capacity: 1,
            ..Default::default()
        })
        .await;
    let people = app.trainees(3).await;
    let first = app
        .enroll_api(people[0].1.clone(), course.id, community_application())
        .await;
    assert_eq!(first.status(), Status::Created);
    let first = app.json(first).await;
    assert_eq!(first["status"], "confirmed");
    assert!(first["waitlist_position"].is_null());
    for (n, person) in people[1..].iter().enumerate() {
        let response = app
            .enroll_api(person.1.clone(), course.id, community_application())
            .await;
        assert_eq!(response.status(), Status::Created);
        let body = app.json(response).await;
        assert_eq!(body["status"], "waitlisted");
        assert_eq!(body["waitlist_position"], n as u64 + 1);
    }
    let listed = app
        .client
        .get(format!("/api/v1/courses/{}", course.id))
        .dispatch()
        .await;
    let listed = app.json(listed).await;
    assert_eq!(listed["seats_left"], 0);
    assert_eq!(listed["waitlist_open"], true);
}

#[rocket::async_test]
async fn a_full_course_without_a_waitlist_refuses_with_the_reason() {
    let app = spawn().await;
    let course = app
        .published_course(CourseSpec {
            capacity: 1,
            waitlist: false,
            ..Default::default()
        })
        .await;
    let people = app.trainees(2).await;
    app.enroll_api(people[0].1.clone(), course.id, community_application())
        .await;
    let response = app
        .client
        .post(format!("/api/v1/courses/{}/enrollments", course.id))
        .header(people[1].1.clone())
        .header(ContentType::JSON)
        .header(Header::new("Accept-Language", "en"))
        .body(community_application().to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Conflict);
    assert_eq!(app.json(response).await["detail"], "The course is full.");
}

#[rocket::async_test]
async fn enrollment_outside_the_window_is_refused_in_japanese() {
    let app = spawn().await;
    // Starts today: the window closed at midnight in Japan.
    let course = app
        .published_course(CourseSpec {
            starts_in_days: 0,
            ..Default::default()
        })
        .await;
    let people = app.trainees(1).await;
    let response = app
        .enroll_api(people[0].1.clone(), course.id, community_application())
        .await;
    assert_eq!(response.status(), Status::Conflict);
    let detail = app.json(response).await["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(detail.contains("受付は終了"), "{detail}");
}

#[rocket::async_test]
async fn application_errors_name_each_field_in_the_callers_language() {
    let app = spawn().await;
    let course = app
        .published_course(CourseSpec {
            kind: CourseKind::Helper,
            approval: true,
            ..Default::default()
        })
        .await;
    let people = app.trainees(1).await;
    let body = json!({
        "family_name_kana": "やまだ",
        "birth_date": "2099-01-01",
        "postal_code": "170-0013",
        "prefecture": "東京都",
        "address": "豊島区東池袋1-2-3",
        "phone": "090-1234-5678",
        "consent": true
    });
    let ja = app
        .enroll_api(people[0].1.clone(), course.id, body.clone())
        .await;
    assert_eq!(ja.status(), Status::UnprocessableEntity);
    let ja = app.json(ja).await;
    let fields: Vec<&str> = ja["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"family_name_kana") && fields.contains(&"birth_date"),
        "{fields:?}"
    );
    assert!(ja["errors"].to_string().contains("カタカナ"));
    let en = app
        .client
        .post(format!("/api/v1/courses/{}/enrollments", course.id))
        .header(people[0].1.clone())
        .header(ContentType::JSON)
        .header(Header::new("Accept-Language", "en"))
        .body(body.to_string())
        .dispatch()
        .await;
    let en = app.json(en).await;
    assert!(en["errors"].to_string().to_lowercase().contains("katakana"));
    // Nothing was created.
    let mine = app
        .client
        .get("/api/v1/me/enrollments")
        .header(people[0].1.clone())
        .dispatch()
        .await;
    assert_eq!(app.json(mine).await.as_array().unwrap().len(), 0);
}

#[rocket::async_test]
async fn consent_to_the_purpose_of_use_is_required() {
    let app = spawn().await;
    let course = app.published_course(CourseSpec::default()).await;
    let people = app.trainees(1).await;
    let response = app
        .enroll_api(
            people[0].1.clone(),
            course.id,
            json!({"phone": "090-1234-5678"}),
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(app.json(response).await["errors"]
        .to_string()
        .contains("consent"));
}

#[rocket::async_test]
async fn a_helper_course_needs_approval_with_an_identity_check_recorded() {
    let app = spawn().await;
    let course = app
        .published_course(CourseSpec {
            kind: CourseKind::Helper,
            approval: true,
            ..Default::default()
        })
        .await;
    let people = app.trainees(1).await;
    let application = json!({
        "family_name": "山田", "given_name": "太郎",
        "family_name_kana": "ヤマダ", "given_name_kana": "タロウ",
        "birth_date": "1958-04-01", "postal_code": "170-0013", "prefecture": "東京都",
        "address": "豊島区東池袋1-2-3", "phone": "090-1234-5678",
        "price_category": "member", "member_number": "A12345",
        "special_care_notes": "腰痛があります", "special_care_consent": true,
        "consent": true
    });
    let created = app
        .enroll_api(people[0].1.clone(), course.id, application)
        .await;
    assert_eq!(created.status(), Status::Created);
    let created = app.json(created).await;
    assert_eq!(created["status"], "pending_approval");
    let id = created["id"].as_i64().unwrap();

    // The trainee does not see their special-care notes echoed; staff do.
    let own = app
        .client
        .get(format!("/api/v1/enrollments/{id}"))
        .header(people[0].1.clone())
        .dispatch()
        .await;
    assert!(app.json(own).await.get("special_care_notes").is_none());

    let approve = |bearer: Header<'static>, body: serde_json::Value| {
        app.client
            .post(format!("/api/v1/enrollments/{id}/approve"))
            .header(bearer)
            .header(ContentType::JSON)
            .body(body.to_string())
            .dispatch()
    };
    let instructor = app.account(Role::Instructor).await;
    let refused = approve(
        app.bearer(&instructor).await,
        json!({"identity_document": "drivers_license", "checked_on": "2026-11-01"}),
    )
    .await;
    assert_eq!(refused.status(), Status::Forbidden);

    let staff = app.account(Role::Staff).await;
    let staff_bearer = app.bearer(&staff).await;
    let bad = approve(
        staff_bearer.clone(),
        json!({"identity_document": "my_number_back", "checked_on": "2026-11-01"}),
    )
    .await;
    assert_eq!(bad.status(), Status::UnprocessableEntity);
    let today = kouza::domain::course::jst_date(app.state().clock.now()).to_string();
    let ok = approve(
        staff_bearer.clone(),
        json!({"identity_document": "drivers_license", "checked_on": today}),
    )
    .await;
    assert_eq!(ok.status(), Status::Ok);
    let approved = app.json(ok).await;
    assert_eq!(approved["status"], "confirmed");
    assert_eq!(approved["identity_document"], "drivers_license");
    // Staff learn that notes exist; the notes themselves only from the
    // logged special-care endpoint, never in an enrollment view.
    assert!(approved.get("special_care_notes").is_none());
    assert_eq!(approved["has_special_care_notes"], true);
    let notes = app
        .client
        .get(format!("/api/v1/enrollments/{id}/special-care"))
        .header(staff_bearer.clone())
        .dispatch()
        .await;
    assert_eq!(
        app.json(notes).await["special_care_notes"],
        "腰痛があります"
    );
    let row = kouza::services::enrollment::find(&app.state().db, id)
        .await
        .unwrap();
    assert_eq!(row.identity_checked_by, Some(staff.id));
    // Approving twice is refused, not repeated.
    let again = approve(
        staff_bearer,
        json!({"identity_document": "drivers_license", "checked_on": today}),
    )
    .await;
    assert_eq!(again.status(), Status::Conflict);
    let history = kouza::services::enrollment::events(&app.state().db, id)
        .await
        .unwrap();
    let steps: Vec<_> = history
        .iter()
        .map(|e| (e.from_status.clone(), e.to_status.clone()))
        .collect();
    assert_eq!(
        steps,
        [
            (None, "pending_approval".to_string()),
            (
                Some("pending_approval".to_string()),
                "confirmed".to_string()
            )
        ]
    );
}

#[rocket::async_test]
async fn rejecting_needs_a_reason_and_frees_the_seat_for_the_waitlist() {
    let app = spawn().await;
    let course = app
        .published_course(CourseSpec {
            capacity: 1,
            approval: true,
            ..Default::default()
        })
        .await;
    let people = app.trainees(2).await;
    let first = app
        .json(
            app.enroll_api(people[0].1.clone(), course.id, community_application())
                .await,
        )
        .await;
    let second = app
        .json(
            app.enroll_api(people[1].1.clone(), course.id, community_application())
                .await,
        )
        .await;
    assert_eq!(second["status"], "waitlisted");
    let staff = app.account(Role::Staff).await;
    let bearer = app.bearer(&staff).await;
    let reject = |body: serde_json::Value| {
        app.client
            .post(format!("/api/v1/enrollments/{}/reject", first["id"]))
            .header(bearer.clone())
            .header(ContentType::JSON)
            .body(body.to_string())
            .dispatch()
    };
    assert_eq!(
        reject(json!({"reason": ""})).await.status(),
        Status::UnprocessableEntity
    );
    assert_eq!(
        reject(json!({"reason": "受講要件を満たしていません"}))
            .await
            .status(),
        Status::Ok
    );
    let promoted = app
        .client
        .get(format!("/api/v1/enrollments/{}", second["id"]))
        .header(people[1].1.clone())
        .dispatch()
        .await;
    assert_eq!(app.json(promoted).await["status"], "offered");
}

#[rocket::async_test]
async fn a_freed_seat_is_offered_then_expires_to_the_next_person_who_accepts() {
    let app = spawn().await;
    let course = app
        .published_course(CourseSpec {
            capacity: 1,
            ..Default::default()
        })
        .await;
    let people = app.trainees(3).await;
    let mut ids = vec![];
    for person in &people {
        let body = app
            .json(
                app.enroll_api(person.1.clone(), course.id, community_application())
                    .await,
            )
            .await;
        ids.push(body["id"].as_i64().unwrap());
    }
    let get = |n: usize| {
        app.client
            .get(format!("/api/v1/enrollments/{}", ids[n]))
            .header(app.bearer_for(people[n].0))
            .dispatch()
    };
    // The first person cancels: the second is offered the seat, the third moves up.
    let cancelled = app
        .client
        .post(format!("/api/v1/enrollments/{}/cancel", ids[0]))
        .header(people[0].1.clone())
        .dispatch()
        .await;
    assert_eq!(cancelled.status(), Status::Ok);
    let offered = app.json(get(1).await).await;
    assert_eq!(offered["status"], "offered");
    assert!(offered["offer_expires_at"].is_string());
    assert_eq!(app.json(get(2).await).await["waitlist_position"], 1);

    // 47 hours later the offer still holds; the job changes nothing.
    let state = app.state();
    state.clock.advance(chrono::Duration::hours(47));
    assert_eq!(
        kouza::services::enrollment::expire_offers(&state.db, state.clock.now())
            .await
            .unwrap(),
        0
    );
    // After 48 hours it expires and the third person is offered the seat.
    state.clock.advance(chrono::Duration::hours(2));
    assert_eq!(
        kouza::services::enrollment::expire_offers(&state.db, state.clock.now())
            .await
            .unwrap(),
        1
    );
    let expired = app.json(get(1).await).await;
    assert_eq!(expired["status"], "cancelled");
    assert_eq!(expired["status_reason"], "offer_expired");
    // The expired offer cannot be accepted any more.
    let late = app
        .client
        .post(format!("/api/v1/enrollments/{}/accept-offer", ids[1]))
        .header(app.bearer_for(people[1].0))
        .dispatch()
        .await;
    assert_eq!(late.status(), Status::Conflict);
    assert_eq!(app.json(get(2).await).await["status"], "offered");
    let accepted = app
        .client
        .post(format!("/api/v1/enrollments/{}/accept-offer", ids[2]))
        .header(app.bearer_for(people[2].0))
        .dispatch()
        .await;
    assert_eq!(accepted.status(), Status::Ok);
    assert_eq!(app.json(accepted).await["status"], "confirmed");
    let course = kouza::services::catalog::find(&state.db, course.id)
        .await
        .unwrap();
    assert_eq!(course.seats_taken, 1);
    // Each step told the person: offer mails for both, and an expiry notice.
    let mails = kouza::services::outbox::list(&state.db, 1, 100)
        .await
        .unwrap()
        .0;
    let kinds: Vec<&str> = mails.iter().map(|m| m.kind.as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "offer").count(), 2);
    assert_eq!(kinds.iter().filter(|k| **k == "offer-expired").count(), 1);
}

#[rocket::async_test]
async fn raising_capacity_offers_the_new_seats_and_lowering_it_removes_nobody() {
    let app = spawn().await;
    let course = app
        .published_course(CourseSpec {
            capacity: 1,
            ..Default::default()
        })
        .await;
    let people = app.trainees(3).await;
    for person in &people {
        app.enroll_api(person.1.clone(), course.id, community_application())
            .await;
    }
    let staff = app.account(Role::Staff).await;
    let bearer = app.bearer(&staff).await;
    let set = |capacity: i32| {
        app.client
            .post(format!("/api/v1/courses/{}/capacity", course.id))
            .header(bearer.clone())
            .header(ContentType::JSON)
            .body(json!({"capacity": capacity}).to_string())
            .dispatch()
    };
    assert_eq!(set(3).await.status(), Status::Ok);
    let listed = app
        .client
        .get(format!("/api/v1/courses/{}/enrollments", course.id))
        .header(bearer.clone())
        .dispatch()
        .await;
    let statuses: Vec<String> = app
        .json(listed)
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(statuses.iter().filter(|s| *s == "offered").count(), 2);
    assert_eq!(set(1).await.status(), Status::Ok);
    let course = kouza::services::catalog::find(&app.state().db, course.id)
        .await
        .unwrap();
    assert_eq!(course.seats_taken, 3, "nobody is removed");
    let another = app.trainees(1).await;
    let late = app
        .json(
            app.enroll_api(another[0].1.clone(), course.id, community_application())
                .await,
        )
        .await;
    assert_eq!(late["status"], "waitlisted");
}

#[rocket::async_test]
async fn a_trainee_cannot_see_or_change_anothers_enrollment_by_guessing_its_id() {
    let app = spawn().await;
    let course = app
        .published_course(CourseSpec {
            capacity: 1,
            ..Default::default()
        })
        .await;
    let people = app.trainees(2).await;
    let mine = app
        .json(
            app.enroll_api(people[0].1.clone(), course.id, community_application())
                .await,
        )
        .await;
    let id = mine["id"].as_i64().unwrap();
    let other = people[1].1.clone();
    for (method, path) in [
        ("GET", format!("/api/v1/enrollments/{id}")),
        ("POST", format!("/api/v1/enrollments/{id}/cancel")),
        ("POST", format!("/api/v1/enrollments/{id}/accept-offer")),
    ] {
        let request = if method == "GET" {
            app.client.get(path.clone())
        } else {
            app.client.post(path.clone())
        };
        let response = request.header(other.clone()).dispatch().await;
        assert_eq!(response.status(), Status::NotFound, "{method} {path}");
    }
    let staff_only = app
        .client
        .get(format!("/api/v1/courses/{}/enrollments", course.id))
        .header(other.clone())
        .dispatch()
        .await;
    assert_eq!(staff_only.status(), Status::Forbidden);
    let row = kouza::services::enrollment::find(&app.state().db, id)
        .await
        .unwrap();
    assert_eq!(row.status, "confirmed");
}

#[rocket::async_test]
async fn anonymous_visitors_see_only_published_courses() {
    let app = spawn().await;
    let published = app.published_course(CourseSpec::default()).await;
    let staff = app.account(Role::Staff).await;
    let bearer = app.bearer(&staff).await;
    let draft = app
        .client
        .post("/api/v1/courses")
        .header(bearer.clone())
        .header(ContentType::JSON)
        .body(
            json!({
                "kind": "symposium", "code": "SYMP-DRAFT", "title": "非公開のシンポジウム",
                "site_id": published.site_id, "capacity": 300,
                "starts_on": "2027-03-01", "ends_on": "2027-03-01"
            })
            .to_string(),
        )
        .dispatch()
        .await;
    assert_eq!(draft.status(), Status::Created);
    let draft = app.json(draft).await;
    assert_eq!(draft["status"], "draft");
    let list = app
        .json(app.client.get("/api/v1/courses").dispatch().await)
        .await;
    let ids: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [published.id]);
    assert_eq!(list["total"], 1);
    let hidden = app
        .client
        .get(format!("/api/v1/courses/{}", draft["id"]))
        .dispatch()
        .await;
    assert_eq!(hidden.status(), Status::NotFound);
    let for_staff = app
        .client
        .get(format!("/api/v1/courses/{}", draft["id"]))
        .header(bearer)
        .dispatch()
        .await;
    assert_eq!(for_staff.status(), Status::Ok);
    let people = app.trainees(1).await;
    let apply = app
        .enroll_api(
            people[0].1.clone(),
            draft["id"].as_i64().unwrap(),
            community_application(),
        )
        .await;
    assert_eq!(apply.status(), Status::NotFound);
}

#[rocket::async_test]
async fn the_catalog_filters_by_kind_month_keyword_and_seats_and_rejects_bad_filters() {
    let app = spawn().await;
    let community = app
        .published_course(CourseSpec {
            capacity: 1,
            ..Default::default()
        })
        .await;
    let symposium = app
        .published_course(CourseSpec {
            kind: CourseKind::Symposium,
            starts_in_days: 70,
            ..Default::default()
        })
        .await;
    let people = app.trainees(1).await;
    app.enroll_api(people[0].1.clone(), community.id, community_application())
        .await;
    let ids = |body: serde_json::Value| -> Vec<i64> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    };
    let get = |query: String| {
        app.client
            .get(format!("/api/v1/courses?{query}"))
            .dispatch()
    };
    assert_eq!(
        ids(app.json(get("kind=symposium".into()).await).await),
        [symposium.id]
    );
    assert_eq!(
        ids(app.json(get("has_seats=true".into()).await).await),
        [symposium.id]
    );
    let month = symposium.starts_on.format("%Y-%m").to_string();
    let in_month = ids(app.json(get(format!("month={month}")).await).await);
    assert!(in_month.contains(&symposium.id));
    assert!(
        !in_month.contains(&community.id)
            || community.starts_on.format("%Y-%m").to_string() == month
    );
    assert_eq!(
        ids(app.json(get("q=%E5%AE%B6%E6%97%8F".into()).await).await).len(),
        2,
        "家族 is in both titles"
    );
    assert_eq!(
        ids(app
            .json(get("prefecture=%E5%A4%A7%E9%98%AA%E5%BA%9C".into()).await)
            .await)
        .len(),
        0
    );
    let page = app.json(get("per_page=1&page=2".into()).await).await;
    assert_eq!(page["total"], 2);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    for bad in [
        "kind=lecture",
        "month=2027-13",
        "per_page=101",
        "page=18446744073709551615",
    ] {
        let response = get(bad.into()).await;
        assert_eq!(response.status(), Status::UnprocessableEntity, "{bad}");
    }
}

#[rocket::async_test]
async fn staff_move_a_trainee_to_another_date_keeping_the_history() {
    let app = spawn().await;
    let first = app.published_course(CourseSpec::default()).await;
    let second = app
        .published_course(CourseSpec {
            starts_in_days: 60,
            ..Default::default()
        })
        .await;
    let people = app.trainees(1).await;
    let mine = app
        .json(
            app.enroll_api(people[0].1.clone(), first.id, community_application())
                .await,
        )
        .await;
    let staff = app.account(Role::Staff).await;
    let response = app
        .client
        .post(format!("/api/v1/enrollments/{}/transfer", mine["id"]))
        .header(app.bearer(&staff).await)
        .header(ContentType::JSON)
        .body(json!({"course_id": second.id}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    let moved = app.json(response).await;
    assert_eq!(moved["course_id"], second.id);
    assert_eq!(moved["status"], "confirmed");
    let old = kouza::services::enrollment::find(&app.state().db, mine["id"].as_i64().unwrap())
        .await
        .unwrap();
    assert_eq!(old.status, "cancelled");
    assert_eq!(old.status_reason.as_deref(), Some("transferred"));
    let db = &app.state().db;
    assert_eq!(
        kouza::services::catalog::find(db, first.id)
            .await
            .unwrap()
            .seats_taken,
        0
    );
    assert_eq!(
        kouza::services::catalog::find(db, second.id)
            .await
            .unwrap()
            .seats_taken,
        1
    );
}

#[rocket::async_test]
async fn a_trainee_cancels_until_the_deadline_and_staff_after_it() {
    let app = spawn().await;
    let course = app
        .published_course(CourseSpec {
            starts_in_days: 10,
            ..Default::default()
        })
        .await;
    let people = app.trainees(1).await;
    let mine = app
        .json(
            app.enroll_api(people[0].1.clone(), course.id, community_application())
                .await,
        )
        .await;
    // Deadline is 3 days before the start: move to 8 days later (2 days before).
    app.state().clock.advance(chrono::Duration::days(8));
    let late = app
        .client
        .post(format!("/api/v1/enrollments/{}/cancel", mine["id"]))
        .header(app.bearer_for(people[0].0))
        .dispatch()
        .await;
    assert_eq!(late.status(), Status::Conflict);
    let staff = app.account(Role::Staff).await;
    let by_staff = app
        .client
        .post(format!("/api/v1/enrollments/{}/cancel", mine["id"]))
        .header(app.bearer(&staff).await)
        .header(ContentType::JSON)
        .body(json!({"reason": "電話で連絡あり"}).to_string())
        .dispatch()
        .await;
    assert_eq!(by_staff.status(), Status::Ok);
    let body = app.json(by_staff).await;
    assert_eq!(body["status"], "cancelled");
    assert!(body.get("refund_yen").is_some());
}

#[rocket::async_test]
async fn cancelling_a_course_cancels_and_tells_everyone() {
    let app = spawn().await;
    let course = app
        .published_course(CourseSpec {
            capacity: 1,
            ..Default::default()
        })
        .await;
    let people = app.trainees(2).await;
    for person in &people {
        app.enroll_api(person.1.clone(), course.id, community_application())
            .await;
    }
    let staff = app.account(Role::Staff).await;
    let no_reason = app
        .client
        .post(format!("/api/v1/courses/{}/cancel", course.id))
        .header(app.bearer(&staff).await)
        .header(ContentType::JSON)
        .body(json!({"reason": " "}).to_string())
        .dispatch()
        .await;
    assert_eq!(no_reason.status(), Status::UnprocessableEntity);
    let publish_as_cancel = kouza::services::catalog::set_status(
        &app.state().db,
        staff.id,
        course.id,
        kouza::domain::course::CourseStatus::Cancelled,
        app.state().clock.now(),
    )
    .await;
    assert!(
        publish_as_cancel.is_err(),
        "cancelling only through cancel_course"
    );
    let response = app
        .client
        .post(format!("/api/v1/courses/{}/cancel", course.id))
        .header(app.bearer(&staff).await)
        .header(ContentType::JSON)
        .body(json!({"reason": "講師の急病のため"}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(app.json(response).await["status"], "cancelled");
    let db = &app.state().db;
    let rows = kouza::services::enrollment::for_course(db, course.id, None, None)
        .await
        .unwrap();
    assert!(rows.iter().all(|r| r.status == "cancelled"));
    let mails = kouza::services::outbox::list(db, 1, 100).await.unwrap().0;
    assert_eq!(
        mails
            .iter()
            .filter(|m| m.kind == "course-cancelled")
            .count(),
        2
    );
}

#[rocket::async_test]
async fn offers_expire_in_the_background_without_anyone_visiting() {
    let (figment, data_dir) = crate::helpers::test_figment().await;
    let figment = figment
        .merge(("background_jobs", true))
        .merge(("background_interval_secs", 1));
    let app = crate::helpers::spawn_with(figment, data_dir).await;
    let course = app
        .published_course(CourseSpec {
            capacity: 1,
            ..Default::default()
        })
        .await;
    let people = app.trainees(2).await;
    let first = app
        .json(
            app.enroll_api(people[0].1.clone(), course.id, community_application())
                .await,
        )
        .await;
    let second = app
        .json(
            app.enroll_api(people[1].1.clone(), course.id, community_application())
                .await,
        )
        .await;
    let db = &app.state().db;
    let actor = kouza::services::enrollment::Actor {
        id: people[0].0,
        is_staff: false,
    };
    let now = app.state().clock.now();
    kouza::services::enrollment::cancel(db, first["id"].as_i64().unwrap(), actor, None, now)
        .await
        .unwrap();
    app.state().clock.advance(chrono::Duration::hours(49));
    let id = second["id"].as_i64().unwrap();
    // The loop runs every second; give it a generous while before failing.
    let mut status = String::new();
    for _ in 0..100 {
        status = kouza::services::enrollment::find(db, id)
            .await
            .unwrap()
            .status;
        if status == "cancelled" {
            break;
        }
        rocket::tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(status, "cancelled");
}
