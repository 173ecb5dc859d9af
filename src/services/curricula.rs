//! Reference curricula (介護職員初任者研修 …), kept in the project's own seed
//! file and loaded into the database at start. Existing rows are left alone:
//! staff may have adjusted them.
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Deserialize;

use crate::entities::{curriculum, curriculum_subject};
use crate::error::Error;

const SEED: &str = include_str!("../seed/curricula.toml");

#[derive(Debug, Deserialize)]
struct SeedFile {
    curriculum: Vec<SeedCurriculum>,
}

#[derive(Debug, Deserialize)]
struct SeedCurriculum {
    key: String,
    name: String,
    name_en: String,
    total_hours: f64,
    assessment: Option<String>,
    notes: Option<String>,
    subject: Vec<SeedSubject>,
}

#[derive(Debug, Deserialize)]
struct SeedSubject {
    no: i32,
    name: String,
    hours: f64,
    #[serde(default)]
    max_correspondence: f64,
    note: Option<String>,
}

fn minutes(hours: f64) -> i32 {
    (hours * 60.0).round() as i32
}

fn parse_seed() -> Result<SeedFile, Error> {
    toml::from_str(SEED).map_err(|e| Error::Internal(format!("curricula seed: {e}")))
}

pub async fn load_reference(conn: &impl ConnectionTrait) -> Result<usize, Error> {
    let mut added = 0;
    for seed in parse_seed()?.curriculum {
        let exists = curriculum::Entity::find()
            .filter(curriculum::COLUMN.key.eq(seed.key.as_str()))
            .one(conn)
            .await?
            .is_some();
        if exists {
            continue;
        }
        let row = curriculum::ActiveModel {
            key: Set(seed.key),
            name: Set(seed.name),
            name_en: Set(seed.name_en),
            total_minutes: Set(minutes(seed.total_hours)),
            assessment: Set(seed.assessment),
            notes: Set(seed.notes),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        for subject in seed.subject {
            curriculum_subject::ActiveModel {
                curriculum_id: Set(row.id),
                no: Set(subject.no),
                name: Set(subject.name),
                required_minutes: Set(minutes(subject.hours)),
                max_correspondence_minutes: Set(minutes(subject.max_correspondence)),
                note: Set(subject.note),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
        added += 1;
    }
    Ok(added)
}

pub async fn find_by_key(
    conn: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<(curriculum::Model, Vec<curriculum_subject::Model>)>, Error> {
    let Some(found) = curriculum::Entity::find()
        .filter(curriculum::COLUMN.key.eq(key))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let subjects = curriculum_subject::Entity::find()
        .filter(curriculum_subject::COLUMN.curriculum_id.eq(found.id))
        .order_by_asc(curriculum_subject::COLUMN.no)
        .all(conn)
        .await?;
    Ok(Some((found, subjects)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_holds_the_three_curricula_with_subject_hours_adding_up() {
        let seed = parse_seed().unwrap();
        let keys: Vec<_> = seed.curriculum.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["shoninsha", "seikatsu_enjo", "doko_engo_ippan_2024"]);
        for c in &seed.curriculum {
            let sum: i32 = c.subject.iter().map(|s| minutes(s.hours)).sum();
            assert_eq!(sum, minutes(c.total_hours), "{}", c.key);
        }
        let shoninsha = &seed.curriculum[0];
        assert_eq!(minutes(shoninsha.total_hours), 130 * 60);
        assert_eq!(minutes(shoninsha.subject[1].max_correspondence), 450);
    }
}
