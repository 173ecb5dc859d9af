//! 再交付 of past completions (imported from before this system): staff find
//! one, reissue it with a reason, the PDF carries 再交付 and the original
//! number, the public page verifies it with the masked name, it can be
//! reissued again and revoked, every step is audited, the holder downloads
//! it, and nobody else gets in.
use kouza::domain::import::{Encoding, ImportKind};
use kouza::domain::Role;
use kouza::entities::{audit_log, past_certificate, past_completion};
use kouza::services::imports;
use rocket::http::{Accept, Status};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::Value;

use crate::helpers::{spawn, Account, TestApp};

const HEADINGS: &str = "修了証明書番号,氏名（姓）,氏名（名）,フリガナ（姓）,フリガナ（名）,生年月日,課程名,指定番号,修了年月日,メールアドレス\r\n";

/// Imports past completions through the import service, as the confirmed
/// upload on /staff/import does.
pub(crate) async fn import(app: &TestApp, staff: &Account, lines: &[String]) {
    let csv = format!("{HEADINGS}{}", lines.concat());
    let state = app.state();
    let now = state.clock.now();
    let upload = imports::upload(
        &state.db,
        ImportKind::Completions,
        Encoding::Utf8,
        "past.csv",
        csv.as_bytes(),
        staff.id,
        now,
    )
    .await
    .unwrap();
    let done = imports::run(&state.db, upload.id, staff.id, now)
        .await
        .unwrap();
    assert!(done.is_ok(), "the file is accepted");
}

pub(crate) fn line(number: &str, family: &str, kana: &str, birth: &str, email: &str) -> String {
    format!(
        "{number},{family},花子,{kana},ハナコ,{birth},介護職員初任者研修課程,東京都指令第1号,平成30年3月31日,{email}\r\n"
    )
}

pub(crate) async fn completion(app: &TestApp, number: &str) -> past_completion::Model {
    past_completion::Entity::find()
        .filter(past_completion::Column::CertificateNumber.eq(number))
        .one(&app.state().db)
        .await
        .unwrap()
        .expect("imported")
}

pub(crate) async fn documents(app: &TestApp) -> Vec<past_certificate::Model> {
    past_certificate::Entity::find()
        .order_by_asc(past_certificate::Column::Id)
        .all(&app.state().db)
        .await
        .unwrap()
}

async fn page(app: &TestApp, path: &str) -> (Status, String) {
    let response = app.client.get(path.to_string()).dispatch().await;
    (
        response.status(),
        response.into_string().await.unwrap_or_default(),
    )
}

async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (Status, String) {
    let csrf = app.csrf().await;
    let mut all = vec![("csrf_token", csrf.as_str())];
    all.extend_from_slice(fields);
    let response = app.post_form(path, &all).await;
    (
        response.status(),
        response.into_string().await.unwrap_or_default(),
    )
}

async fn verify_json(app: &TestApp, code: &str) -> Value {
    let response = app
        .client
        .get(format!("/verify/{code}"))
        .header(Accept::JSON)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    response.into_json().await.unwrap()
}

async fn audited(app: &TestApp, action: &str) -> u64 {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .count(&app.state().db)
        .await
        .unwrap()
}

/// The text of the PDF without whitespace (drawn text comes back line by line).
fn pdf_text(bytes: &[u8]) -> String {
    let pdf = lopdf::Document::load_mem(bytes).expect("a PDF lopdf can read");
    let pages: Vec<u32> = pdf.get_pages().keys().copied().collect();
    pdf.extract_text(&pages)
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Staff, logged in on the pages, with two past completions imported.
async fn staff_with_two(app: &TestApp) -> (Account, past_completion::Model) {
    let staff = app.account(Role::Staff).await;
    import(
        app,
        &staff,
        &[
            line("旧第0007号", "山田", "ヤマダ", "1958/4/1", ""),
            line("旧第0008号", "渡邉", "ワタナベ", "1961/1/2", ""),
        ],
    )
    .await;
    app.login_page(&staff).await;
    let yamada = completion(app, "旧第0007号").await;
    (staff, yamada)
}

#[rocket::async_test]
async fn staff_find_a_past_completion_and_reissue_it_with_the_original_number_printed() {
    let app = spawn().await;
    let (staff, yamada) = staff_with_two(&app).await;

    // Found by フリガナ typed in hiragana, by number, by birth date; not by a stranger's name.
    for query in [
        "q=%E3%82%84%E3%81%BE%E3%81%A0", // やまだ
        "q=0007",
        "birth_date=1958-04-01",
    ] {
        let (status, html) = page(&app, &format!("/staff/past-completions?{query}")).await;
        assert_eq!(status, Status::Ok, "{query}");
        assert!(html.contains("旧第0007号"), "{query}: {html}");
        assert!(!html.contains("旧第0008号"), "{query}");
    }
    let (status, html) = page(&app, "/staff/past-completions?birth_date=1958%E5%B9%B4").await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(
        html.contains("日付を「2027-01-10」の形で入力してください。"),
        "{html}"
    );

    let detail = format!("/staff/past-completions/{}", yamada.id);
    let (status, html) = page(&app, &detail).await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains("山田 花子") && html.contains("まだ再交付していません。"));

    let (status, _) = post(
        &app,
        &format!("{detail}/reissue"),
        &[("reason", "紛失のため")],
    )
    .await;
    assert_eq!(status, Status::SeeOther);
    let docs = documents(&app).await;
    assert_eq!(docs.len(), 1);
    let doc = &docs[0];
    assert_eq!(doc.past_completion_id, yamada.id);
    assert_eq!(doc.original_number, "旧第0007号");
    assert_eq!(doc.reissue_reason, "紛失のため");
    // Numbered in the 初任者研修 series, as an in-system certificate of that course.
    assert!(doc.number.starts_with("初任者-"), "{}", doc.number);
    assert_eq!(doc.issued_by, staff.id);
    let (_, html) = page(&app, &detail).await;
    assert!(html.contains(&doc.number), "{html}");

    let response = app
        .client
        .get(format!("/staff/past-certificates/{}/pdf", doc.id))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    let text = pdf_text(&response.into_bytes().await.unwrap());
    for expected in [
        "修了証明書",
        "山田",
        "花子",
        "介護職員初任者研修課程",
        "再交付",
        "証明書番号旧第0007号の再交付です",
        doc.number.as_str(),
    ] {
        assert!(text.contains(expected), "{expected} missing from: {text}");
    }
    let card = app
        .client
        .get(format!(
            "/staff/past-certificates/{}/pdf?layout=card",
            doc.id
        ))
        .dispatch()
        .await;
    assert_eq!(card.status(), Status::Ok);

    let verified = verify_json(&app, &doc.verification_code).await;
    assert_eq!(verified["status"], "valid");
    assert_eq!(verified["number"], doc.number.as_str());
    assert_eq!(verified["holder"], "山田 ＊＊");
    assert_eq!(verified["completed_on"], "2018-03-31");
    let (status, html) = page(&app, &format!("/verify/{}", doc.verification_code)).await;
    assert_eq!(status, Status::Ok);
    assert!(
        html.contains("山田 ＊＊") && !html.contains("花子"),
        "{html}"
    );

    assert_eq!(audited(&app, "past_certificate_reissue").await, 1);
    // A second first-reissue while one is current is refused, nothing added.
    let (status, _) = post(&app, &format!("{detail}/reissue"), &[("reason", "紛失")]).await;
    assert_eq!(status, Status::SeeOther);
    let (_, html) = page(&app, &detail).await;
    assert!(
        html.contains("すでに有効な再交付の証明書があります"),
        "{html}"
    );
    assert_eq!(documents(&app).await.len(), 1);
}

#[rocket::async_test]
async fn a_reissued_past_certificate_is_reissued_again_with_a_new_name_and_then_revoked() {
    let app = spawn().await;
    let (_, yamada) = staff_with_two(&app).await;
    let detail = format!("/staff/past-completions/{}", yamada.id);
    post(&app, &format!("{detail}/reissue"), &[("reason", "紛失")]).await;
    let first = documents(&app).await.remove(0);

    let (status, _) = post(
        &app,
        &format!("/staff/past-certificates/{}/reissue", first.id),
        &[
            ("reason", "氏名変更"),
            ("family_name", "佐藤"),
            ("given_name", "花子"),
            ("family_name_kana", "サトウ"),
            ("given_name_kana", "ハナコ"),
        ],
    )
    .await;
    assert_eq!(status, Status::SeeOther);
    let docs = documents(&app).await;
    assert_eq!(docs.len(), 2);
    let (first, second) = (&docs[0], &docs[1]);
    assert_eq!(second.reissue_of, Some(first.id));
    assert_eq!(first.superseded_by, Some(second.id));
    assert_eq!(first.live_past_completion_id, None);
    assert_eq!(second.family_name, "佐藤");
    assert_eq!(second.original_number, "旧第0007号");
    assert_ne!(second.number, first.number);
    assert_ne!(second.verification_code, first.verification_code);

    let old = verify_json(&app, &first.verification_code).await;
    assert_eq!(old["status"], "reissued");
    assert_eq!(old["reissued_as"], second.number.as_str());
    let new = verify_json(&app, &second.verification_code).await;
    assert_eq!(
        (new["status"].as_str(), new["holder"].as_str()),
        (Some("valid"), Some("佐藤 ＊＊"))
    );
    let pdf = app
        .client
        .get(format!("/staff/past-certificates/{}/pdf", second.id))
        .dispatch()
        .await;
    let text = pdf_text(&pdf.into_bytes().await.unwrap());
    assert!(
        text.contains("佐藤") && text.contains("旧第0007号"),
        "{text}"
    );

    // The superseded one cannot be reissued or revoked.
    for action in ["reissue", "revoke"] {
        let (status, _) = post(
            &app,
            &format!("/staff/past-certificates/{}/{action}", first.id),
            &[("reason", "誤り")],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        let (_, html) = page(&app, &detail).await;
        assert!(
            html.contains("再交付済みか失効しているため"),
            "{action}: {html}"
        );
    }

    let (status, _) = post(
        &app,
        &format!("/staff/past-certificates/{}/revoke", second.id),
        &[("reason", "別人の記録と判明")],
    )
    .await;
    assert_eq!(status, Status::SeeOther);
    let revoked = verify_json(&app, &second.verification_code).await;
    assert_eq!(revoked["status"], "revoked");
    let (_, html) = page(&app, &format!("/verify/{}", second.verification_code)).await;
    assert!(html.contains("失効"), "{html}");
    // Revoked: no more reissue of it, and a second revocation changes nothing.
    let (status, _) = post(
        &app,
        &format!("/staff/past-certificates/{}/reissue", second.id),
        &[("reason", "紛失")],
    )
    .await;
    assert_eq!(status, Status::SeeOther);
    post(
        &app,
        &format!("/staff/past-certificates/{}/revoke", second.id),
        &[("reason", "二度目")],
    )
    .await;
    let docs = documents(&app).await;
    assert_eq!(docs.len(), 2);
    assert_eq!(
        docs[1].revocation_reason.as_deref(),
        Some("別人の記録と判明")
    );
    assert_eq!(audited(&app, "past_certificate_reissue").await, 2);
    assert_eq!(audited(&app, "past_certificate_revoke").await, 1);
    let revoke_entry = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("past_certificate_revoke"))
        .one(&app.state().db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(revoke_entry.target_id, Some(second.id));
    // Each reissue says what it replaced: the paper number, then the first document.
    let reissues: Vec<Value> = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("past_certificate_reissue"))
        .order_by_asc(audit_log::Column::Id)
        .all(&app.state().db)
        .await
        .unwrap()
        .into_iter()
        .map(|entry| serde_json::from_str(&entry.detail).unwrap())
        .collect();
    let replaced: Vec<(&str, &str, i64)> = reissues
        .iter()
        .map(|d| {
            (
                d["number"].as_str().unwrap(),
                d["replaces"].as_str().unwrap(),
                d["past_completion_id"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        replaced,
        vec![
            (first.number.as_str(), "旧第0007号", yamada.id),
            (second.number.as_str(), first.number.as_str(), yamada.id),
        ]
    );
    assert_eq!(reissues[1]["reason"], "氏名変更");
}

#[rocket::async_test]
async fn a_reissue_needs_a_reason_and_a_whole_new_name_and_a_known_completion() {
    let app = spawn().await;
    let (_, yamada) = staff_with_two(&app).await;
    let path = format!("/staff/past-completions/{}/reissue", yamada.id);
    let (status, html) = post(&app, &path, &[("reason", "  ")]).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(html.contains("理由を入力してください。"), "{html}");
    let (status, html) = post(
        &app,
        &path,
        &[("reason", "氏名変更"), ("family_name", "佐藤")],
    )
    .await;
    assert_eq!(status, Status::UnprocessableEntity);
    // The reason typed is kept; the missing name fields are named.
    assert!(html.contains("氏名変更"), "{html}");
    assert!(html.contains("f-given_name-error"), "{html}");
    let (status, _) = post(
        &app,
        "/staff/past-completions/999999/reissue",
        &[("reason", "紛失")],
    )
    .await;
    assert_eq!(status, Status::NotFound);
    assert_eq!(
        page(&app, "/staff/past-completions/999999").await.0,
        Status::NotFound
    );
    for path in [
        "/staff/past-certificates/999999/reissue",
        "/staff/past-certificates/999999/revoke",
    ] {
        assert_eq!(
            post(&app, path, &[("reason", "紛失")]).await.0,
            Status::NotFound
        );
    }
    assert!(documents(&app).await.is_empty());
    assert_eq!(audited(&app, "past_certificate_reissue").await, 0);
}

#[rocket::async_test]
async fn trainees_and_instructors_cannot_reach_past_completions() {
    let app = spawn().await;
    let (_, yamada) = staff_with_two(&app).await;
    post(
        &app,
        &format!("/staff/past-completions/{}/reissue", yamada.id),
        &[("reason", "紛失")],
    )
    .await;
    let doc = documents(&app).await.remove(0);
    for role in [Role::Trainee, Role::Instructor] {
        let someone = app.account(role).await;
        app.login_page(&someone).await;
        for path in [
            "/staff/past-completions".to_string(),
            format!("/staff/past-completions/{}", yamada.id),
            format!("/staff/past-certificates/{}/pdf", doc.id),
            format!("/my/past-certificates/{}/pdf", doc.id),
        ] {
            let status = page(&app, &path).await.0;
            assert!(
                matches!(status, Status::Forbidden | Status::NotFound),
                "{role:?} {path}: {status}"
            );
        }
        for path in [
            format!("/staff/past-completions/{}/reissue", yamada.id),
            format!("/staff/past-certificates/{}/reissue", doc.id),
            format!("/staff/past-certificates/{}/revoke", doc.id),
        ] {
            let status = post(&app, &path, &[("reason", "紛失")]).await.0;
            assert!(
                matches!(status, Status::Forbidden | Status::NotFound),
                "{role:?} {path}: {status}"
            );
        }
    }
    let docs = documents(&app).await;
    assert_eq!(docs.len(), 1);
    assert!(docs[0].revoked_at.is_none() && docs[0].superseded_by.is_none());
}

#[rocket::async_test]
async fn the_holder_downloads_the_reissue_from_my_page() {
    let app = spawn().await;
    let holder = app.account(Role::Trainee).await;
    let staff = app.account(Role::Staff).await;
    import(
        &app,
        &staff,
        &[line(
            "旧第0100号",
            "受講",
            "ジュコウ",
            "1960/5/5",
            &holder.email,
        )],
    )
    .await;
    let past = completion(&app, "旧第0100号").await;
    assert_eq!(past.user_id, Some(holder.id));
    app.login_page(&staff).await;
    post(
        &app,
        &format!("/staff/past-completions/{}/reissue", past.id),
        &[("reason", "汚損")],
    )
    .await;
    let doc = documents(&app).await.remove(0);
    assert_eq!(doc.user_id, Some(holder.id));

    app.login_page(&holder).await;
    let (status, html) = page(&app, "/my/certificates").await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains(&doc.number), "{html}");
    let link = format!("/my/past-certificates/{}/pdf", doc.id);
    assert!(html.contains(&link), "{html}");
    let response = app.client.get(link.clone()).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let text = pdf_text(&response.into_bytes().await.unwrap());
    assert!(text.contains("旧第0100号"), "{text}");

    // The holder's data export lists it with the number it replaces.
    let state = app.state();
    let export = kouza::services::personal_data::export(&state.db, holder.id, state.clock.now())
        .await
        .unwrap();
    let listed = export["certificates"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{export}");
    assert_eq!(listed[0]["number"], doc.number.as_str());
    assert_eq!(listed[0]["original_number"], "旧第0100号");
    assert_eq!(listed[0]["enrollment_id"], Value::Null);
    assert_eq!(listed[0]["status"], "valid");
    let fields: Vec<&str> = listed[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields,
        [
            "birth_date",
            "completed_on",
            "course_title",
            "enrollment_id",
            "family_name",
            "given_name",
            "issued_on",
            "number",
            "original_number",
            "status",
            "verification_code"
        ]
    );

    let other = app.account(Role::Trainee).await;
    app.login_page(&other).await;
    assert_eq!(page(&app, &link).await.0, Status::NotFound);
    assert!(!page(&app, "/my/certificates").await.1.contains(&doc.number));
}

#[rocket::async_test]
async fn the_list_of_past_completions_pages_through_many() {
    let app = spawn().await;
    let staff = app.account(Role::Staff).await;
    let lines: Vec<String> = (1..=51)
        .map(|n| line(&format!("旧第{n:04}号"), "山田", "ヤマダ", "1958/4/1", ""))
        .collect();
    import(&app, &staff, &lines).await;
    app.login_page(&staff).await;
    let (_, first) = page(&app, "/staff/past-completions?q=%E5%B1%B1%E7%94%B0").await;
    assert!(first.contains("全51件"), "{first}");
    assert_eq!(first.matches("/staff/past-completions/").count(), 50);
    assert!(first.contains("page=2"), "{first}");
    let (_, second) = page(&app, "/staff/past-completions?q=%E5%B1%B1%E7%94%B0&page=2").await;
    assert_eq!(second.matches("/staff/past-completions/").count(), 1);
}

#[rocket::async_test]
async fn two_staff_reissuing_the_same_past_completion_at_once_make_one_document() {
    let app = spawn().await;
    let (staff, yamada) = staff_with_two(&app).await;
    let state = app.state();
    let signer = kouza::services::certificates::Signer::from_state(state).unwrap();
    let now = state.clock.now();
    let attempt = || {
        kouza::services::past_certificates::reissue_completion(
            &state.db, &signer, yamada.id, staff.id, "紛失", None, now,
        )
    };
    let (a, b) = rocket::futures::future::join(attempt(), attempt()).await;
    let outcomes = [a, b];
    assert_eq!(outcomes.iter().filter(|r| r.is_ok()).count(), 1);
    assert!(outcomes.iter().any(|r| matches!(
        r,
        Err(kouza::error::Error::Conflict("err-past-cert-exists"))
    )));
    let docs = documents(&app).await;
    assert_eq!(docs.len(), 1);
    // The refused attempt gave its number back: the next one follows on.
    let next = kouza::services::past_certificates::reissue(
        &state.db, &signer, docs[0].id, staff.id, "汚損", None, now,
    )
    .await
    .unwrap();
    assert_eq!(next.seq, docs[0].seq + 1);
}
