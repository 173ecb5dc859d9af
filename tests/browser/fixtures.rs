//! Data a journey needs but does not itself create, made through the services
//! as staff would.
use chrono::{Duration, NaiveDate};
use kouza::domain::course::{CourseKind, CourseStatus};
use kouza::domain::Role;
use kouza::services::schedule::SessionInput;

use crate::harness::{App, Person, PASSWORD};

pub struct CourseSpec {
    pub kind: CourseKind,
    pub title: &'static str,
    pub capacity: i32,
    pub approval: bool,
    pub starts_in_days: i64,
}

pub struct Course {
    pub id: i64,
    pub starts_on: NaiveDate,
}

impl App {
    /// A new account of the given role with the test password.
    pub async fn person(&self, role: Role, family: &str, given: &str) -> Person {
        use kouza::domain::signup::{NewAccount, SignupInput};
        let email = format!("{:016x}@example.jp", rand::random::<u64>());
        let account = NewAccount::parse(&SignupInput {
            email: &email,
            password: PASSWORD,
            family_name: family,
            given_name: given,
            family_name_kana: "テスト",
            given_name_kana: "ハナコ",
        })
        .expect("valid account");
        let user = kouza::services::accounts::create(
            &self.state.db,
            &account,
            role,
            kouza::i18n::Lang::Ja,
            self.state.clock.now(),
        )
        .await
        .expect("account");
        Person {
            id: user.id,
            email,
            password: PASSWORD.into(),
        }
    }

    /// A published course without fees.
    pub async fn course(&self, staff: &Person, spec: CourseSpec) -> Course {
        let db = &self.state.db;
        let now = self.state.clock.now();
        let site = kouza::services::sites::create(
            db,
            &format!("ワーカーズコープ 大塚事業所 {}", rand::random::<u16>()),
            "東京都",
            "東京都豊島区南大塚1-2-3",
            now,
        )
        .await
        .expect("site");
        let today = kouza::domain::course::jst_date(now);
        let starts_on = today + Duration::days(spec.starts_in_days);
        let draft = kouza::domain::course_draft::CourseDraft {
            kind: spec.kind,
            code: format!("T-{:08x}", rand::random::<u32>()),
            title: spec.title.into(),
            description: "地域の仲間と学ぶ講座です。".into(),
            site_id: site.id,
            capacity: spec.capacity,
            starts_on,
            ends_on: starts_on + Duration::days(7),
            enrollment_opens_at: None,
            enrollment_closes_at: None,
            requires_approval: spec.approval,
            waitlist_enabled: true,
            offer_hold_hours: 48,
            cancellation_deadline_days: 0,
            attendance_threshold_percent: 80,
            designation_number: None,
            what_to_bring: String::new(),
            cancellation_policy: String::new(),
        };
        let curriculum = (spec.kind == CourseKind::Helper).then_some("shoninsha");
        let course = kouza::services::catalog::create(db, staff.id, &draft, curriculum, now)
            .await
            .expect("course");
        kouza::services::catalog::set_status(db, staff.id, course.id, CourseStatus::Published, now)
            .await
            .expect("publish");
        Course {
            id: course.id,
            starts_on,
        }
    }

    /// A session of the course on its first day, 10:00–12:00 in Japan.
    pub async fn session(&self, staff: &Person, course: &Course, instructor: &Person) -> i64 {
        let starts_at = kouza::domain::course::jst_midnight(course.starts_on) + Duration::hours(10);
        kouza::services::schedule::add(
            &self.state.db,
            staff.id,
            course.id,
            &SessionInput {
                starts_at: Some(starts_at),
                ends_at: Some(starts_at + Duration::hours(2)),
                title: Some("介護保険のしくみ".into()),
                room: "2階 会議室".into(),
                instructor_id: Some(instructor.id),
                ..Default::default()
            },
            self.state.clock.now(),
        )
        .await
        .expect("session")
        .id
    }

    /// Enrolls a trainee online, as the application form would; returns the enrollment id.
    pub async fn enroll(&self, trainee: &Person, course_id: i64, family: &str, given: &str) -> i64 {
        let applicant = kouza::services::enrollment::Applicant {
            user_id: trainee.id,
            family_name: family.into(),
            given_name: given.into(),
            family_name_kana: "テスト".into(),
            given_name_kana: "ハナコ".into(),
            price_category: "general".into(),
            member_number: None,
            form: serde_json::json!({"phone": "090-1234-5678", "consent": true}),
            answers: vec![],
            special_care_notes: None,
        };
        kouza::services::enrollment::enroll(
            &self.state.db,
            course_id,
            &applicant,
            kouza::services::enrollment::Channel::Online,
            self.state.clock.now(),
        )
        .await
        .expect("enrollment")
        .id
    }

    /// Moves the app's clock to `at` (forward only).
    pub fn travel_to(&self, at: chrono::DateTime<chrono::Utc>) {
        let by = at - self.state.clock.now();
        if by > Duration::zero() {
            self.state.clock.advance(by);
        }
    }
}
