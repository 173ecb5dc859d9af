//! Spreadsheet import by staff: Shift_JIS as Excel writes it (old character
//! forms kept exactly, characters it cannot hold refused by line and column),
//! UTF-8 with a BOM, dry runs that write nothing, all-or-nothing imports that
//! never duplicate, and no way in for trainees.
use kouza::domain::Role;
use rocket::http::{ContentType, Status};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{spawn, TestApp};

const BOUNDARY: &str = "kouza-test-boundary-7d1f0c2a";

/// A multipart form as a browser sends a file upload.
fn multipart(csrf: &str, kind: &str, encoding: &str, file: &[u8]) -> Vec<u8> {
    let mut body = vec![];
    for (name, value) in [("csrf_token", csrf), ("kind", kind), ("encoding", encoding)] {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"list.csv\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Uploads a file and returns the dry run's address.
async fn upload(app: &TestApp, kind: &str, encoding: &str, file: &[u8]) -> String {
    let csrf = app.csrf().await;
    let response = app
        .client
        .post("/staff/import")
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", BOUNDARY)))
        .body(multipart(&csrf, kind, encoding, file))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    response
        .headers()
        .get_one("Location")
        .expect("to the dry run")
        .to_string()
}

async fn page(app: &TestApp, path: &str) -> (Status, String) {
    let response = app.client.get(path.to_string()).dispatch().await;
    (
        response.status(),
        response.into_string().await.unwrap_or_default(),
    )
}

async fn confirm(app: &TestApp, dry_run: &str) -> (Status, String) {
    let csrf = app.csrf().await;
    let response = app
        .post_form(&format!("{dry_run}/run"), &[("csrf_token", &csrf)])
        .await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}

async fn users(app: &TestApp) -> u64 {
    kouza::entities::user::Entity::find()
        .count(&app.state().db)
        .await
        .unwrap()
}

async fn imports_recorded(app: &TestApp) -> u64 {
    kouza::entities::audit_log::Entity::find()
        .filter(kouza::entities::audit_log::Column::Action.eq("import_run"))
        .count(&app.state().db)
        .await
        .unwrap()
}

const HEADER: &str =
    "氏名（姓）,氏名（名）,フリガナ（姓）,フリガナ（名）,メールアドレス,生年月日,電話番号\r\n";

/// Old character forms the Shift_JIS encoder (Windows-31J, as Excel writes)
/// holds: 髙 and 﨑 only through the IBM extensions, 斎/齋/邊/邉 in JIS X 0208.
const HELD: [(&str, &str, &str); 5] = [
    ("髙橋", "一郎", "takahashi"),
    ("山﨑", "二郎", "yamasaki"),
    ("斎藤", "三郎", "saito"),
    ("齋藤", "四郎", "saito2"),
    ("渡邉", "邊子", "watanabe"),
];

fn trainees_csv(rows: &[(&str, &str, &str)]) -> String {
    let mut text = HEADER.to_string();
    for (family, given, mail) in rows {
        text.push_str(&format!(
            "{family},{given},テスト,タロウ,{mail}@example.jp,昭和35年5月5日,090-1234-5678\r\n"
        ));
    }
    text
}

#[rocket::async_test]
async fn a_shift_jis_file_keeps_old_character_forms_and_importing_it_twice_adds_nobody_twice() {
    let app = spawn().await;
    let staff = app.account(Role::Staff).await;
    app.login_page(&staff).await;
    let text = trainees_csv(&HELD);
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!unmappable, "Shift_JIS holds 髙 﨑 斎 齋 邊 邉");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the file is not UTF-8"
    );

    let before = users(&app).await;
    let dry_run = upload(&app, "trainees", "auto", &bytes).await;
    let (status, plan) = page(&app, &dry_run).await;
    assert_eq!(status, Status::Ok);
    assert!(plan.contains("Shift_JIS"), "the encoding found is shown");
    for (family, given, _) in HELD {
        assert!(plan.contains(&format!("{family} {given}")), "{plan}");
    }
    assert_eq!(plan.matches("登録します").count(), HELD.len(), "{plan}");
    // The dry run wrote nothing.
    assert_eq!(users(&app).await, before);
    assert_eq!(imports_recorded(&app).await, 0);

    let (status, _) = confirm(&app, &dry_run).await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(users(&app).await, before + HELD.len() as u64);
    let db = &app.state().db;
    for (family, given, mail) in HELD {
        let person = kouza::entities::user::Entity::find()
            .filter(kouza::entities::user::Column::Email.eq(format!("{mail}@example.jp")))
            .one(db)
            .await
            .unwrap()
            .expect("imported");
        assert_eq!(
            (person.family_name.as_str(), person.given_name.as_str()),
            (family, given)
        );
        assert_eq!(person.role, "trainee");
        assert_eq!(
            person.birth_date,
            chrono::NaiveDate::from_ymd_opt(1960, 5, 5)
        );
    }
    assert_eq!(imports_recorded(&app).await, 1, "the import is audited");

    // Confirming the same upload again, or uploading the same file again,
    // adds nobody.
    let (status, _) = confirm(&app, &dry_run).await;
    assert_eq!(status, Status::SeeOther);
    let again = upload(&app, "trainees", "shift_jis", &bytes).await;
    let (_, plan) = page(&app, &again).await;
    assert_eq!(plan.matches("登録済み（何もしません）").count(), HELD.len());
    confirm(&app, &again).await;
    assert_eq!(users(&app).await, before + HELD.len() as u64);
}

#[rocket::async_test]
async fn names_shift_jis_cannot_hold_and_bad_lines_reject_the_whole_import_line_by_line() {
    let app = spawn().await;
    let staff = app.account(Role::Staff).await;
    app.login_page(&staff).await;
    // 𠮷 (つちよし) is outside Shift_JIS: the encoder cannot write it, and
    // Excel saves it as "?".
    let (_, _, unmappable) = encoding_rs::SHIFT_JIS.encode("𠮷田");
    assert!(unmappable);
    let text = trainees_csv(&[("髙橋", "一郎", "ok"), ("?田", "花子", "yoshida")])
        + "山田,花子,やまだ,ハナコ,not-an-address,1960/2/30,090-1234-5678\r\n";
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!unmappable);

    let before = users(&app).await;
    let dry_run = upload(&app, "trainees", "shift_jis", &bytes).await;
    let (_, plan) = page(&app, &dry_run).await;
    assert!(
        plan.contains("3行目「氏名（姓）」：「?」などに置き換わった文字があります"),
        "{plan}"
    );
    assert!(plan.contains("4行目「フリガナ（姓）」"), "{plan}");
    assert!(plan.contains("4行目「メールアドレス」"), "{plan}");
    assert!(plan.contains("4行目「生年月日」"), "{plan}");
    assert!(plan.contains("登録できない行 2 件"), "{plan}");
    assert!(!plan.contains("/run\""), "no import is offered: {plan}");

    // Forcing the import anyway writes nothing, not even the good line.
    let (status, again) = confirm(&app, &dry_run).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(again.contains("3行目「氏名（姓）」"));
    assert_eq!(users(&app).await, before);
    assert_eq!(imports_recorded(&app).await, 0);

    // A file that is not Shift_JIS at all is named as such.
    let dry_run = upload(&app, "trainees", "shift_jis", b"\x82\xa0,\x85\x40\r\n").await;
    let (_, plan) = page(&app, &dry_run).await;
    assert!(
        plan.contains("Shift_JISとして読めない文字があります"),
        "{plan}"
    );
}

#[rocket::async_test]
async fn past_completions_in_utf8_with_a_bom_are_recorded_once() {
    let app = spawn().await;
    let staff = app.account(Role::Staff).await;
    app.login_page(&staff).await;
    let text = "修了証明書番号,氏名（姓）,氏名（名）,フリガナ（姓）,フリガナ（名）,生年月日,課程名,指定番号,修了年月日\r\n\
                第0001号,𠮷田,花子,ヨシダ,ハナコ,1958/4/1,介護職員初任者研修課程,東京都指令第1号,平成30年3月31日\r\n\
                第0002号,渡邉,太郎,ワタナベ,タロウ,,介護職員初任者研修課程,東京都指令第1号,2019/6/30\r\n";
    let file = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    let dry_run = upload(&app, "completions", "auto", &file).await;
    let (_, plan) = page(&app, &dry_run).await;
    assert!(plan.contains("UTF-8"), "{plan}");
    assert_eq!(plan.matches("登録します").count(), 2, "{plan}");
    let db = &app.state().db;
    let recorded = || async move {
        kouza::entities::past_completion::Entity::find()
            .all(db)
            .await
            .unwrap()
    };
    assert!(recorded().await.is_empty(), "a dry run writes nothing");
    let (status, _) = confirm(&app, &dry_run).await;
    assert_eq!(status, Status::SeeOther);
    let rows = recorded().await;
    assert_eq!(rows.len(), 2);
    let first = rows
        .iter()
        .find(|r| r.certificate_number == "第0001号")
        .unwrap();
    // UTF-8 holds what Shift_JIS cannot: 𠮷 is kept as written.
    assert_eq!(first.family_name, "𠮷田");
    assert_eq!(
        first.completed_on,
        chrono::NaiveDate::from_ymd_opt(2018, 3, 31).unwrap()
    );
    let again = upload(&app, "completions", "utf-8", &file).await;
    let (_, plan) = page(&app, &again).await;
    assert_eq!(
        plan.matches("登録済み（何もしません）").count(),
        2,
        "{plan}"
    );
    confirm(&app, &again).await;
    assert_eq!(recorded().await.len(), 2);
}

#[rocket::async_test]
async fn trainees_cannot_reach_the_import() {
    let app = spawn().await;
    let staff = app.account(Role::Staff).await;
    app.login_page(&staff).await;
    let dry_run = upload(&app, "trainees", "auto", trainees_csv(&HELD).as_bytes()).await;
    let trainee = app.account(Role::Trainee).await;
    app.login_page(&trainee).await;
    for path in ["/staff/import", dry_run.as_str()] {
        assert_eq!(page(&app, path).await.0, Status::Forbidden, "{path}");
    }
    let csrf = app.csrf().await;
    let response = app
        .client
        .post("/staff/import")
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", BOUNDARY)))
        .body(multipart(&csrf, "trainees", "auto", b"x"))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Forbidden);
    let before = users(&app).await;
    assert_eq!(confirm(&app, &dry_run).await.0, Status::Forbidden);
    assert_eq!(users(&app).await, before);
}
