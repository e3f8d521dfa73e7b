//! Form handling shared by the page handlers: re-showing a form with its errors, and safe
//! redirects after sign-in.

use std::collections::BTreeMap;

use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::Either;
use serde::Serialize;

use crate::error::{AppError, Message};
use crate::web::errors::translated_fields;
use crate::web::i18n::Locale;
use crate::web::template::Template;

/// What a form handler answers: a redirect with a flash message, or the page again.
pub type FormResponse = Result<Either<Flash<Redirect>, (Status, Template)>, AppError>;

/// Field errors by name, in the user's language.
pub type Errors = BTreeMap<String, Vec<String>>;

/// On a validation error, renders the form page again (422) with the translated messages;
/// any other error is passed on.
pub fn redisplay<C: Serialize>(
    locale: Locale,
    error: AppError,
    template: &'static str,
    context: impl FnOnce(Errors) -> C,
) -> FormResponse {
    match error {
        AppError::Validation(errors) => Ok(Either::Right((
            Status::UnprocessableEntity,
            Template::render(template, context(translated_fields(locale, &errors))),
        ))),
        other => Err(other),
    }
}

/// Redirects with a translated success message.
pub fn done(to: impl Into<String>, locale: Locale, message: Message) -> FormResponse {
    Ok(Either::Left(Flash::success(
        Redirect::to(to.into()),
        locale.message(&message),
    )))
}

/// A local path to go to after signing in; anything else (other sites, `//host`) goes home.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}
