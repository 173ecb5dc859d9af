//! The command line: scripted admin creation and demo data, run as the real binary.
use std::io::Write;
use std::process::{Command, Stdio};

use crate::helpers::{spawn_with, test_figment};
use rocket::http::Status;

fn kouza(figment: &rocket::figment::Figment, args: &[&str], stdin: &str) -> std::process::Output {
    let data_dir: String = figment.extract_inner("data_dir").unwrap();
    let database_url: String = figment.extract_inner("database_url").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kouza"))
        .args(args)
        .env("ROCKET_DATA_DIR", data_dir)
        .env("DATABASE_URL", database_url)
        .env("KOUZA_LOG", "error")
        .env_remove("KOUZA_ADMIN_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

const ADMIN: &[&str] = &[
    "admin",
    "create",
    "--email",
    "root@example.jp",
    "--family-name",
    "管理",
    "--given-name",
    "一郎",
    "--family-name-kana",
    "カンリ",
    "--given-name-kana",
    "イチロウ",
];

#[rocket::async_test]
async fn admin_create_makes_an_administrator_who_can_log_in() {
    let (figment, data_dir) = test_figment().await;
    let output = kouza(&figment, ADMIN, "a long admin passphrase\n");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let app = spawn_with(figment, data_dir).await;
    assert!(
        app.state().setup_link.is_none(),
        "no setup link once an admin exists"
    );
    let response = app
        .token("root@example.jp", "a long admin passphrase")
        .await;
    assert_eq!(response.status(), Status::Ok);
    let me = kouza::services::accounts::find_by_email(
        &app.state().db,
        &kouza::domain::Email::parse("email", "root@example.jp").unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(me.role, "admin");
}

#[rocket::async_test]
async fn admin_create_refuses_a_short_password_with_the_reason() {
    let (figment, data_dir) = test_figment().await;
    let output = kouza(&figment, ADMIN, "short\n");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("10文字以上"), "{stderr}");
    let _ = std::fs::remove_dir_all(data_dir);
}

#[rocket::async_test]
async fn demo_prints_one_login_per_role_and_the_logins_work() {
    let (figment, data_dir) = test_figment().await;
    let output = kouza(&figment, &["demo"], "");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let lines: Vec<Vec<&str>> = stdout
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let roles: Vec<&str> = lines.iter().map(|l| l[0]).collect();
    assert_eq!(roles, ["admin", "staff", "instructor", "trainee"]);
    let app = spawn_with(figment, data_dir).await;
    for line in &lines {
        assert_eq!(
            app.token(line[1], line[2]).await.status(),
            Status::Ok,
            "{}",
            line[1]
        );
    }
}
