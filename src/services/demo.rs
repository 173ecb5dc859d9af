//! Demo data so a newcomer can click through at once: a site, a 初任者研修
//! course from the reference curriculum, a community course, a symposium and
//! one account per role. Passwords are random and printed once.
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc, Weekday};
use sea_orm::{DatabaseConnection, EntityTrait, QueryFilter};

use super::schedule::{self, SessionInput};
use super::{accounts, catalog, curricula};
use crate::domain::course::{CourseKind, CourseStatus};
use crate::domain::course_draft::CourseDraft;
use crate::domain::schedule::WeeklyPattern;
use crate::domain::signup::{NewAccount, SignupInput};
use crate::domain::Role;
use crate::entities::site;
use crate::error::Error;
use crate::i18n::Lang;

pub struct DemoAccount {
    pub role: Role,
    pub email: String,
    pub password: String,
}

const SITE_NAME: &str = "ワーカーズコープ 池袋地域福祉事業所";

const PEOPLE: [(Role, &str, &str, &str, &str, &str); 4] = [
    (
        Role::Admin,
        "demo-admin@example.jp",
        "管理",
        "一郎",
        "カンリ",
        "イチロウ",
    ),
    (
        Role::Staff,
        "demo-staff@example.jp",
        "事務",
        "花子",
        "ジム",
        "ハナコ",
    ),
    (
        Role::Instructor,
        "demo-instructor@example.jp",
        "髙橋",
        "恵子",
        "タカハシ",
        "ケイコ",
    ),
    (
        Role::Trainee,
        "demo-trainee@example.jp",
        "山田",
        "太郎",
        "ヤマダ",
        "タロウ",
    ),
];

fn random_password() -> String {
    // 16 characters from an alphabet without look-alikes (0/O, 1/l/I).
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..16)
        .map(|_| ALPHABET[rand::random::<usize>() % ALPHABET.len()] as char)
        .collect()
}

/// Loads the demo data unless it is already there; returns the accounts it created.
pub async fn seed(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Vec<DemoAccount>, Error> {
    curricula::load_reference(db).await?;
    let already = site::Entity::find()
        .filter(site::COLUMN.name.eq(SITE_NAME))
        .one(db)
        .await?
        .is_some();
    if already {
        return Ok(vec![]);
    }
    let shoninsha = curricula::find_by_key(db, "shoninsha")
        .await?
        .ok_or_else(|| Error::Internal("reference curriculum shoninsha missing".into()))?;
    let today = crate::domain::course::jst_date(now);
    let in_days = |days: u64| today.checked_add_days(Days::new(days)).unwrap_or(today);
    let site = super::sites::create(
        db,
        SITE_NAME,
        "東京都",
        "東京都豊島区東池袋1-2-3 協同会館3階",
        now,
    )
    .await?;
    let draft = |kind: CourseKind,
                 code: &str,
                 title: &str,
                 description: &str,
                 capacity: i32,
                 starts: NaiveDate,
                 ends: NaiveDate| {
        CourseDraft {
        kind,
        code: code.into(),
        title: title.into(),
        description: description.into(),
        site_id: site.id,
        capacity,
        starts_on: starts,
        ends_on: ends,
        enrollment_opens_at: None,
        enrollment_closes_at: None,
        requires_approval: kind.approval_by_default(),
        waitlist_enabled: true,
        offer_hold_hours: 48,
        cancellation_deadline_days: 7,
        attendance_threshold_percent: 80,
        designation_number: None,
        what_to_bring: "筆記用具、動きやすい服装、上履き".into(),
        cancellation_policy: "開講日の8日前まで全額返金、7日前〜2日前は50%、前日以降は返金なし。テキスト代は受け渡し後は返金できません。".into(),
    }
    };
    // The demo's own staff member is created first so the audit trail names someone.
    let mut created = vec![];
    let mut staff_id = None;
    for (role, email, family, given, family_kana, given_kana) in PEOPLE {
        let password = random_password();
        let account = NewAccount::parse(&SignupInput {
            email,
            password: &password,
            family_name: family,
            given_name: given,
            family_name_kana: family_kana,
            given_name_kana: given_kana,
        })
        .map_err(|e| Error::Internal(format!("demo account invalid: {e:?}")))?;
        let user = accounts::create(db, &account, role, Lang::Ja, now).await?;
        if role == Role::Staff {
            staff_id = Some(user.id);
        }
        created.push(DemoAccount {
            role,
            email: email.to_string(),
            password,
        });
    }
    let staff = staff_id.unwrap_or_default();
    let instructor = super::accounts::find_by_email(
        db,
        &crate::domain::Email::parse("email", "demo-instructor@example.jp")?,
    )
    .await?
    .map(|u| u.id);

    let mut helper = draft(
        CourseKind::Helper,
        "SHONIN-DEMO-01",
        "介護職員初任者研修（池袋・平日コース）",
        "介護の仕事に必要な基礎を130時間で学びます。全科目の出席と修了評価で修了証明書を交付します。",
        20,
        in_days(30),
        in_days(120),
    );
    helper.designation_number = Some("東京都指定 第1234567号".into());
    let helper = catalog::create(db, staff, &helper, Some(shoninsha.0.key.as_str()), now).await?;
    let pattern = WeeklyPattern {
        weekdays: vec![Weekday::Mon, Weekday::Wed, Weekday::Fri],
        start: NaiveTime::from_hms_opt(9, 30, 0).unwrap_or_default(),
        end: NaiveTime::from_hms_opt(16, 30, 0).unwrap_or_default(),
        from: in_days(30),
        until: in_days(120),
        skip: vec![],
    };
    schedule::generate(db, staff, helper.id, &pattern, "3階 研修室A", now).await?;
    let yen = |category: &str, component: &str, amount: i64| {
        (category.to_string(), component.to_string(), amount)
    };
    catalog::set_fees(
        db,
        helper.id,
        &[
            yen("general", "受講料", 55_000),
            yen("member", "受講料", 44_000),
            yen("general", "テキスト代", 6_600),
            yen("member", "テキスト代", 6_600),
        ],
    )
    .await?;
    catalog::set_status(db, staff, helper.id, CourseStatus::Published, now).await?;

    let community = catalog::create(
        db,
        staff,
        &draft(
            CourseKind::Community,
            "COMM-DEMO-01",
            "はじめての家族介護講座（全3回）",
            "ご家族の介護を始めた方のための短い講座です。3回のうち2回以上の出席で受講証明書をお渡しします。",
            24,
            in_days(14),
            in_days(28),
        ),
        None,
        now,
    )
    .await?;
    for (week, theme) in [
        (0u64, "介護保険のしくみ"),
        (7, "移乗と食事の介助"),
        (14, "介護する人のこころとからだ"),
    ] {
        let day = in_days(14 + week);
        let at = |h: u32| {
            crate::domain::course::jst_midnight(day) + chrono::Duration::hours(i64::from(h))
        };
        schedule::add(
            db,
            staff,
            community.id,
            &SessionInput {
                starts_at: Some(at(13)),
                ends_at: Some(at(15)),
                title: Some(theme.into()),
                room: "2階 会議室".into(),
                instructor_id: instructor,
                ..Default::default()
            },
            now,
        )
        .await?;
    }
    catalog::set_fees(
        db,
        community.id,
        &[yen("general", "受講料", 1_500), yen("member", "受講料", 0)],
    )
    .await?;
    catalog::add_question(
        db,
        community.id,
        "yes_no",
        "介護中のご家族がいらっしゃいますか",
        &[],
        false,
    )
    .await?;
    catalog::set_status(db, staff, community.id, CourseStatus::Published, now).await?;

    let symposium = catalog::create(
        db,
        staff,
        &draft(
            CourseKind::Symposium,
            "SYMP-DEMO-01",
            "協同労働シンポジウム — 地域で働き、地域を支える",
            "協同労働と地域福祉の実践を語り合う一日です。手話通訳・要約筆記あり。",
            300,
            in_days(45),
            in_days(45),
        ),
        None,
        now,
    )
    .await?;
    let day = in_days(45);
    let at = |h: u32, m: i64| {
        crate::domain::course::jst_midnight(day)
            + chrono::Duration::hours(i64::from(h))
            + chrono::Duration::minutes(m)
    };
    for (start, end, title, room) in [
        (
            at(10, 0),
            at(12, 0),
            "基調講演：労働者協同組合法の3年",
            "大ホール",
        ),
        (at(13, 0), at(15, 0), "分科会A：介護の現場から", "会議室1"),
        (
            at(13, 0),
            at(15, 0),
            "分科会B：子育て支援と居場所づくり",
            "会議室2",
        ),
    ] {
        schedule::add(
            db,
            staff,
            symposium.id,
            &SessionInput {
                starts_at: Some(start),
                ends_at: Some(end),
                title: Some(title.into()),
                room: room.into(),
                ..Default::default()
            },
            now,
        )
        .await?;
    }
    catalog::set_status(db, staff, symposium.id, CourseStatus::Published, now).await?;
    Ok(created)
}
