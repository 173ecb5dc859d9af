//! Demo data so a newcomer can click through at once: a site, a 初任者研修
//! course from the reference curriculum, a community course, a symposium and
//! one account per role. Passwords are random and printed once.
use chrono::{DateTime, Days, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, TransactionTrait,
};

use super::{accounts, curricula};
use crate::domain::signup::{NewAccount, SignupInput};
use crate::domain::Role;
use crate::entities::{course, site};
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
    let today = now.date_naive();
    let txn = db.begin().await?;
    let site = site::ActiveModel {
        name: Set(SITE_NAME.into()),
        prefecture: Set("東京都".into()),
        address: Set("東京都豊島区東池袋1-2-3 協同会館3階".into()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let course = |kind: &str,
                  code: &str,
                  title: &str,
                  description: &str,
                  capacity: i32,
                  starts: NaiveDate,
                  ends: NaiveDate| course::ActiveModel {
        kind: Set(kind.into()),
        code: Set(code.into()),
        title: Set(title.into()),
        description: Set(description.into()),
        site_id: Set(site.id),
        curriculum_id: Set(None),
        designation_number: Set(None),
        capacity: Set(capacity),
        starts_on: Set(starts),
        ends_on: Set(ends),
        status: Set("published".into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let in_days = |days: u64| today.checked_add_days(Days::new(days)).unwrap_or(today);
    let mut helper = course(
        "helper",
        "SHONIN-DEMO-01",
        "介護職員初任者研修（池袋・平日コース）",
        "介護の仕事に必要な基礎を130時間で学びます。全科目の出席と修了評価で修了証明書を交付します。",
        20,
        in_days(30),
        in_days(120),
    );
    helper.curriculum_id = Set(Some(shoninsha.0.id));
    helper.designation_number = Set(Some("東京都指定 第1234567号".into()));
    helper.insert(&txn).await?;
    course(
        "community",
        "COMM-DEMO-01",
        "はじめての家族介護講座（全3回）",
        "ご家族の介護を始めた方のための短い講座です。3回のうち2回以上の出席で受講証明書をお渡しします。",
        24,
        in_days(14),
        in_days(28),
    )
    .insert(&txn)
    .await?;
    course(
        "symposium",
        "SYMP-DEMO-01",
        "協同労働シンポジウム — 地域で働き、地域を支える",
        "協同労働と地域福祉の実践を語り合う一日です。手話通訳・要約筆記あり。",
        300,
        in_days(45),
        in_days(45),
    )
    .insert(&txn)
    .await?;
    let mut created = vec![];
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
        accounts::create(&txn, &account, role, Lang::Ja, now).await?;
        created.push(DemoAccount {
            role,
            email: email.to_string(),
            password,
        });
    }
    txn.commit().await?;
    Ok(created)
}
