use sea_orm::entity::prelude::*;

/// A spreadsheet uploaded for import, kept from the dry run to the import.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_uploads")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `trainees | completions`
    pub kind: String,
    /// `auto | utf-8 | shift_jis`
    pub encoding: String,
    pub file_name: String,
    /// The bytes, base64.
    pub content: String,
    pub sha256: String,
    pub uploaded_by: i64,
    pub uploaded_at: DateTimeUtc,
    pub imported_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
