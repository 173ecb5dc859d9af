//! Spawns the real app on a fresh, migrated database for each test: an SQLite
//! file in a temporary directory, or a new PostgreSQL database when
//! `TEST_DATABASE_URL` is set. Offers the verbs tests are written in.
use std::path::PathBuf;

use kouza::domain::Role;
use kouza::state::AppState;
use rocket::figment::Figment;
use rocket::http::{ContentType, Header, Status};
use rocket::local::asynchronous::{Client, LocalResponse};
use sea_orm::{ConnectionTrait, Database, EntityTrait, QueryFilter};
use serde_json::{json, Value};

pub const PASSWORD: &str = "correct horse battery staple";
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";

pub struct TestApp {
    pub client: Client,
    pub data_dir: PathBuf,
}

fn unique(prefix: &str) -> String {
    format!("{prefix}_{:016x}", rand::random::<u64>())
}

/// A fresh database URL: a new PostgreSQL database, or empty for the SQLite default.
async fn fresh_database_url() -> String {
    let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
        return String::new();
    };
    let name = unique("kouza_t");
    let admin = Database::connect(admin_url.as_str())
        .await
        .expect("TEST_DATABASE_URL is set but PostgreSQL cannot be reached");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    admin.close().await.ok();
    match admin_url.rfind('/') {
        Some(slash) => format!("{}/{name}", &admin_url[..slash]),
        None => panic!("TEST_DATABASE_URL must end with /<database>"),
    }
}

pub async fn test_figment() -> (Figment, PathBuf) {
    let data_dir = std::env::temp_dir().join(unique("kouza-test"));
    let figment = kouza::config::AppConfig::figment()
        .merge(("data_dir", data_dir.display().to_string()))
        .merge(("database_url", fresh_database_url().await))
        .merge(("jwt_secret", JWT_SECRET))
        .merge(("db_max_connections", 4))
        .merge(("log_level", "off"));
    (figment, data_dir)
}

pub async fn spawn() -> TestApp {
    let (figment, data_dir) = test_figment().await;
    spawn_with(figment, data_dir).await
}

pub async fn spawn_with(figment: Figment, data_dir: PathBuf) -> TestApp {
    let client = Client::tracked(kouza::rocket_from(figment))
        .await
        .expect("the app should ignite");
    TestApp { client, data_dir }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

pub struct Account {
    pub id: i64,
    pub email: String,
    pub password: String,
}

impl TestApp {
    pub fn state(&self) -> &AppState {
        self.client.rocket().state::<AppState>().expect("state")
    }

    pub async fn json(&self, response: LocalResponse<'_>) -> Value {
        response.into_json::<Value>().await.expect("a JSON body")
    }

    pub async fn signup_api(&self, body: Value) -> LocalResponse<'_> {
        self.client
            .post("/api/v1/auth/signup")
            .header(ContentType::JSON)
            .body(body.to_string())
            .dispatch()
            .await
    }

    /// A new account with the given role, made the way staff would: sign-up, then a role change.
    pub async fn account(&self, role: Role) -> Account {
        let email = format!("{}@example.jp", unique("user"));
        let response = self
            .signup_api(json!({
                "email": email, "password": PASSWORD,
                "family_name": "山田", "given_name": "花子",
                "family_name_kana": "ヤマダ", "given_name_kana": "ハナコ"
            }))
            .await;
        assert_eq!(response.status(), Status::Created);
        let id = self.json(response).await["id"].as_i64().unwrap();
        if role != Role::Trainee {
            let state = self.state();
            let db = &state.db;
            kouza::entities::user::Entity::update_many()
                .col_expr(
                    kouza::entities::user::Column::Role,
                    sea_orm::prelude::Expr::value(role.as_str()),
                )
                .filter(sea_orm::ColumnTrait::eq(
                    &kouza::entities::user::Column::Id,
                    id,
                ))
                .exec(db)
                .await
                .unwrap();
        }
        Account {
            id,
            email,
            password: PASSWORD.to_string(),
        }
    }

    pub async fn token(&self, email: &str, password: &str) -> LocalResponse<'_> {
        self.client
            .post("/api/v1/auth/token")
            .header(ContentType::JSON)
            .body(json!({"email": email, "password": password}).to_string())
            .dispatch()
            .await
    }

    pub async fn bearer(&self, account: &Account) -> Header<'static> {
        let response = self.token(&account.email, &account.password).await;
        assert_eq!(response.status(), Status::Ok);
        let token = self.json(response).await["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        Header::new("Authorization", format!("Bearer {token}"))
    }

    /// The CSRF token the browser holds (visiting a page sets it when missing).
    pub async fn csrf(&self) -> String {
        if let Some(cookie) = self.client.cookies().get("kouza_csrf") {
            return cookie.value().to_string();
        }
        self.client.get("/login").dispatch().await;
        self.client
            .cookies()
            .get("kouza_csrf")
            .expect("csrf cookie")
            .value()
            .to_string()
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> LocalResponse<'_> {
        let body = form_body(fields);
        self.client
            .post(path.to_string())
            .header(ContentType::Form)
            .body(body)
            .dispatch()
            .await
    }

    /// Logs the browser in through the login form.
    pub async fn login_page(&self, account: &Account) {
        let csrf = self.csrf().await;
        let response = self
            .post_form(
                "/login",
                &[
                    ("email", &account.email),
                    ("password", &account.password),
                    ("csrf_token", &csrf),
                ],
            )
            .await;
        assert_eq!(response.status(), Status::SeeOther, "login should redirect");
    }
}

pub fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
