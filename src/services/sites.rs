//! Sites (事業所/会場).
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, Set};

use crate::domain::DomainError;
use crate::entities::site;
use crate::error::Error;

pub async fn list(conn: &impl ConnectionTrait) -> Result<Vec<site::Model>, Error> {
    Ok(site::Entity::find()
        .order_by_asc(site::COLUMN.prefecture)
        .order_by_asc(site::COLUMN.name)
        .all(conn)
        .await?)
}

pub async fn find(conn: &impl ConnectionTrait, id: i64) -> Result<site::Model, Error> {
    site::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)
}

fn check(name: &str, prefecture: &str, address: &str) -> Result<(), Error> {
    let mut errors = vec![];
    let name_len = name.trim().chars().count();
    if name_len == 0 {
        errors.push(DomainError::new("name", "err-required"));
    } else if name_len > 200 {
        errors.push(DomainError::new("name", "err-text-too-long"));
    }
    if !crate::domain::application::PREFECTURES.contains(&prefecture) {
        errors.push(DomainError::new("prefecture", "err-prefecture-invalid"));
    }
    if address.trim().is_empty() {
        errors.push(DomainError::new("address", "err-required"));
    } else if address.chars().count() > 300 {
        errors.push(DomainError::new("address", "err-text-too-long"));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(errors))
    }
}

pub async fn create(
    conn: &impl ConnectionTrait,
    name: &str,
    prefecture: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<site::Model, Error> {
    check(name, prefecture, address)?;
    Ok(site::ActiveModel {
        name: Set(name.trim().to_string()),
        prefecture: Set(prefecture.to_string()),
        address: Set(address.trim().to_string()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}
