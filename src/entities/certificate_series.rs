use sea_orm::entity::prelude::*;

/// A numbering series: a pattern such as `初任者-{fy}-{seq:04}` or
/// `第{seq:04}号`, chosen for a course by curriculum or by course kind.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificate_series")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub key: String,
    pub label: String,
    pub pattern: String,
    pub course_kind: Option<String>,
    pub curriculum_key: Option<String>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
