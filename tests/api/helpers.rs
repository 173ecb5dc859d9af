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

pub fn unique(prefix: &str) -> String {
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
        // Tests run the background jobs themselves, at the moment they choose.
        .merge(("background_jobs", false))
        .merge(("log_level", "off"))
        // Tests set data up through the services, beside the HTTP requests,
        // as another instance would: the public page cache (which shows such
        // writes only after its TTL) is off, except in `page_cache`.
        .merge(("catalog_cache_ttl_ms", 0));
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
        // The people a test starts with had their accounts long before it: their
        // welcome mail is not part of what the test counts or delivers.
        kouza::entities::mail_outbox::Entity::delete_many()
            .filter(sea_orm::ColumnTrait::eq(
                &kouza::entities::mail_outbox::Column::ToAddress,
                email.as_str(),
            ))
            .filter(sea_orm::ColumnTrait::eq(
                &kouza::entities::mail_outbox::Column::Kind,
                "account_created",
            ))
            .exec(&self.state().db)
            .await
            .unwrap();
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

/// How a test course is set up.
pub struct CourseSpec {
    pub kind: kouza::domain::course::CourseKind,
    pub capacity: i32,
    pub waitlist: bool,
    pub approval: bool,
    pub starts_in_days: i64,
}

impl Default for CourseSpec {
    fn default() -> Self {
        CourseSpec {
            kind: kouza::domain::course::CourseKind::Community,
            capacity: 30,
            waitlist: true,
            approval: false,
            starts_in_days: 30,
        }
    }
}

impl TestApp {
    pub async fn site(&self) -> kouza::entities::site::Model {
        kouza::services::sites::create(
            &self.state().db,
            "ワーカーズコープ 池袋事業所",
            "東京都",
            "東京都豊島区東池袋1-2-3",
            self.state().clock.now(),
        )
        .await
        .unwrap()
    }

    /// A published course made through the services, as staff would.
    pub async fn published_course(&self, spec: CourseSpec) -> kouza::entities::course::Model {
        use kouza::domain::course::{CourseKind, CourseStatus};
        let state = self.state();
        let site = self.site().await;
        let today = state.clock.now().date_naive();
        let starts_on = today + chrono::Duration::days(spec.starts_in_days);
        let draft = kouza::domain::course_draft::CourseDraft {
            kind: spec.kind,
            code: unique("C").replace('_', "-"),
            title: "はじめての家族介護講座".into(),
            description: "ご家族の介護を始めた方のための講座です。".into(),
            site_id: site.id,
            capacity: spec.capacity,
            starts_on,
            ends_on: starts_on + chrono::Duration::days(14),
            enrollment_opens_at: None,
            enrollment_closes_at: None,
            requires_approval: spec.approval,
            waitlist_enabled: spec.waitlist,
            offer_hold_hours: 48,
            cancellation_deadline_days: 3,
            attendance_threshold_percent: 80,
            designation_number: None,
            what_to_bring: String::new(),
            cancellation_policy: String::new(),
        };
        let curriculum = (spec.kind == CourseKind::Helper).then_some("shoninsha");
        let staff = self.account(Role::Staff).await;
        let now = state.clock.now();
        let course = kouza::services::catalog::create(&state.db, staff.id, &draft, curriculum, now)
            .await
            .unwrap();
        kouza::services::catalog::set_status(
            &state.db,
            staff.id,
            course.id,
            CourseStatus::Published,
            now,
        )
        .await
        .unwrap()
    }

    /// Many trainees at once, without paying for a password hash each:
    /// they share one hash and get their tokens straight from the token keys.
    pub async fn trainees(&self, count: usize) -> Vec<(i64, Header<'static>)> {
        use sea_orm::{ActiveModelTrait, Set};
        let template = self.account(Role::Trainee).await;
        let state = self.state();
        let hash = kouza::services::accounts::find(&state.db, template.id)
            .await
            .unwrap()
            .password_hash;
        let now = state.clock.now();
        let mut out = vec![];
        for i in 0..count {
            let row = kouza::entities::user::ActiveModel {
                email: Set(format!("{}-{i}@example.jp", unique("t"))),
                password_hash: Set(hash.clone()),
                family_name: Set("受講".into()),
                given_name: Set(format!("{i}")),
                family_name_kana: Set("ジュコウ".into()),
                given_name_kana: Set("タロウ".into()),
                locale: Set("ja".into()),
                role: Set("trainee".into()),
                token_version: Set(0),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&state.db)
            .await
            .unwrap();
            let token = state.tokens.issue(row.id, 0, now);
            out.push((
                row.id,
                Header::new("Authorization", format!("Bearer {token}")),
            ));
        }
        out
    }

    pub async fn enroll_api(
        &self,
        bearer: Header<'static>,
        course_id: i64,
        body: Value,
    ) -> LocalResponse<'_> {
        self.client
            .post(format!("/api/v1/courses/{course_id}/enrollments"))
            .header(bearer)
            .header(ContentType::JSON)
            .body(body.to_string())
            .dispatch()
            .await
    }
}

/// The smallest valid application for a community course.
pub fn community_application() -> Value {
    json!({"phone": "090-1234-5678", "consent": true})
}

impl TestApp {
    /// A fresh Bearer header for a user, issued at the app's current time
    /// (tests that move the clock need new tokens, as real clients would).
    pub fn bearer_for(&self, user_id: i64) -> Header<'static> {
        let state = self.state();
        let token = state.tokens.issue(user_id, 0, state.clock.now());
        Header::new("Authorization", format!("Bearer {token}"))
    }
}
