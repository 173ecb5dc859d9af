//! The service layer's one error type. `routes::respond` turns it into a page
//! or `application/problem+json`; nothing else decides how errors look.
use rocket::http::Status;
use sea_orm::DbErr;

use crate::domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid input: {0:?}")]
    Validation(Vec<DomainError>),
    #[error("not found")]
    NotFound,
    #[error("not authenticated")]
    Unauthorized,
    #[error("not allowed")]
    Forbidden,
    #[error("form token missing or wrong")]
    Csrf,
    /// The request conflicts with the current state; the key names the reason.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// An outside service (the card provider) could not be reached or did
    /// not answer, even after retries; nothing was recorded, so asking again
    /// later is safe. The key names what could not be done.
    #[error("unavailable: {0}")]
    Unavailable(&'static str),
    #[error("too many attempts")]
    RateLimited { retry_after_secs: u64 },
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    /// The database refused for contention, where the original `DbErr` had to
    /// be shared by several requests (a group-commit batch): retry later.
    #[error("database busy: {0}")]
    Busy(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(field: &'static str, key: &'static str) -> Error {
        Error::Validation(vec![DomainError::new(field, key)])
    }

    pub fn status(&self) -> Status {
        match self {
            Error::Validation(_) => Status::UnprocessableEntity,
            Error::NotFound => Status::NotFound,
            Error::Unauthorized => Status::Unauthorized,
            Error::Forbidden | Error::Csrf => Status::Forbidden,
            Error::Conflict(_) => Status::Conflict,
            Error::RateLimited { .. } => Status::TooManyRequests,
            Error::Unavailable(_) => Status::ServiceUnavailable,
            Error::Db(e) if is_busy(e) => Status::ServiceUnavailable,
            Error::Busy(_) => Status::ServiceUnavailable,
            Error::Db(_) | Error::Internal(_) => Status::InternalServerError,
        }
    }

    /// The message id that explains this error to a person.
    pub fn detail_key(&self) -> &'static str {
        match self {
            Error::Validation(_) => "problem-validation",
            Error::NotFound => "problem-not-found",
            Error::Unauthorized => "problem-unauthorized",
            Error::Forbidden => "problem-forbidden",
            Error::Csrf => "problem-csrf",
            Error::Conflict(key) | Error::Unavailable(key) => key,
            Error::RateLimited { .. } => "problem-rate-limited",
            Error::Db(e) if is_busy(e) => "problem-busy",
            Error::Busy(_) => "problem-busy",
            Error::Db(_) | Error::Internal(_) => "problem-internal",
        }
    }
}

/// Every pooled connection stayed in use for the whole acquire timeout, or
/// the database lock stayed taken for the whole busy timeout: the server is
/// overloaded, not broken, and the request may simply be retried.
pub fn is_busy(e: &DbErr) -> bool {
    matches!(e, DbErr::ConnectionAcquire(_)) || is_lock_contention(e)
}

/// SQLite `SQLITE_BUSY`/`SQLITE_LOCKED` (any extended code), PostgreSQL
/// `lock_not_available`, `serialization_failure`, `deadlock_detected` and
/// `query_canceled` (the 30 s statement timeout: a statement that waited that
/// long for a row lock is overload, not a fault).
fn is_lock_contention(e: &DbErr) -> bool {
    use sea_orm::{sqlx, RuntimeErr};
    let (DbErr::Exec(RuntimeErr::SqlxError(e))
    | DbErr::Query(RuntimeErr::SqlxError(e))
    | DbErr::Conn(RuntimeErr::SqlxError(e))) = e
    else {
        return false;
    };
    let sqlx::Error::Database(e) = e.as_ref() else {
        return false;
    };
    let Some(code) = e.code() else { return false };
    if e.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        return code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6));
    }
    matches!(code.as_ref(), "55P03" | "40001" | "40P01" | "57014")
}

/// How long a client should wait before retrying a request refused as busy.
pub const BUSY_RETRY_AFTER_SECS: u64 = 2;

impl From<DomainError> for Error {
    fn from(e: DomainError) -> Error {
        Error::Validation(vec![e])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::error::ConnAcquireErr;

    #[test]
    fn an_exhausted_pool_is_busy_not_broken() {
        let busy = Error::Db(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout));
        assert_eq!(busy.status(), Status::ServiceUnavailable);
        assert_eq!(busy.detail_key(), "problem-busy");
        let broken = Error::Db(DbErr::Custom("boom".into()));
        assert_eq!(broken.status(), Status::InternalServerError);
        assert_eq!(broken.detail_key(), "problem-internal");
    }
}
