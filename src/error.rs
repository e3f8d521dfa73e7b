//! One error type for the whole application.
//!
//! Domain functions return `Result<T, AppError>`; handlers pass it on with `?`. Its responder
//! (in `web::errors`, so that this module depends on nothing above it) answers a translated
//! HTML page, or the JSON error shape of DESIGN §5 for API requests (`/api/…` or
//! `Accept: application/json`). Unexpected errors are logged and shown without details.

use std::collections::BTreeMap;

use rocket::http::Status;

/// A translatable message: a Fluent key and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Message {
    pub fn new(key: &'static str) -> Self {
        Message {
            key,
            args: Vec::new(),
        }
    }

    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }
}

/// Validation errors by field name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub BTreeMap<String, Vec<Message>>);

impl FieldErrors {
    pub fn add(&mut self, field: impl Into<String>, message: Message) {
        self.0.entry(field.into()).or_default().push(message);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Err(AppError::Validation)` when any error was added.
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self))
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("authentication required")]
    Unauthorized,
    /// Wrong e-mail, wrong password or locked account: one answer for all three.
    #[error("sign-in failed")]
    SignInFailed,
    #[error("forbidden")]
    Forbidden,
    /// Forbidden, with the reason the user should read.
    #[error("denied: {0:?}")]
    Denied(Message),
    #[error("conflict: {0:?}")]
    Conflict(Message),
    /// A link that was used or has expired.
    #[error("gone: {0:?}")]
    Gone(Message),
    #[error("validation failed: {0:?}")]
    Validation(FieldErrors),
    /// A rate limit was reached (`web::throttle`): try again after this many seconds.
    #[error("too many requests")]
    TooManyRequests { retry_after_seconds: u64 },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn internal(detail: impl Into<String>) -> Self {
        AppError::Internal(detail.into())
    }

    /// A validation error on one field.
    pub fn invalid(field: impl Into<String>, message: Message) -> Self {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        AppError::Validation(errors)
    }

    pub fn status(&self) -> Status {
        match self {
            AppError::NotFound => Status::NotFound,
            AppError::Unauthorized | AppError::SignInFailed => Status::Unauthorized,
            AppError::Forbidden | AppError::Denied(_) => Status::Forbidden,
            AppError::Conflict(_) => Status::Conflict,
            AppError::Gone(_) => Status::Gone,
            AppError::Validation(_) => Status::UnprocessableEntity,
            AppError::TooManyRequests { .. } => Status::TooManyRequests,
            AppError::Unavailable(_) => Status::ServiceUnavailable,
            AppError::Internal(_) => Status::InternalServerError,
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match error {
            Error::NotFound => AppError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                AppError::Conflict(Message::new("error-conflict-duplicate"))
            }
            Error::DatabaseError(DatabaseErrorKind::CheckViolation, _)
            | Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                AppError::Conflict(Message::new("error-conflict"))
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<crate::db::DbError> for AppError {
    fn from(error: crate::db::DbError) -> Self {
        match error {
            crate::db::DbError::Query(query) => query.into(),
            crate::db::DbError::Pool(pool) => AppError::Unavailable(pool.to_string()),
            other => AppError::Internal(other.to_string()),
        }
    }
}
