use sea_orm::entity::prelude::*;

/// One fee line of a course: a component (受講料, テキスト代 …) for a price category.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "course_fees")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub course_id: i64,
    pub category: String,
    pub component: String,
    pub amount_yen: i64,
}

impl ActiveModelBehavior for ActiveModel {}
