//! Form handling shared by the page handlers: re-showing a form with its errors, and safe
//! redirects after sign-in.

use std::collections::BTreeMap;

use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::Either;
use serde::Serialize;

use crate::db::{Db, DbConn};
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

/// A form with nothing but its CSRF token (and, for refusals, an optional reason).
#[derive(Debug, Default, rocket::FromForm)]
pub struct Confirm {
    pub reason: Option<String>,
}

/// What a one-button form (publish, cancel, accept, withdraw…) does: `action`, as a write,
/// then a redirect to `to` with `message`. A refusal answers as any error does.
pub async fn confirmed<T: Send + 'static>(
    db: &Db,
    locale: Locale,
    action: impl FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
    to: impl Into<String>,
    message: &'static str,
) -> FormResponse {
    db.write(action).await?;
    done(to, locale, Message::new(message))
}

/// Redirects with a translated success message.
pub fn done(to: impl Into<String>, locale: Locale, message: Message) -> FormResponse {
    Ok(Either::Left(Flash::success(
        Redirect::to(to.into()),
        locale.message(&message),
    )))
}

/// A local path to go to after signing in; anything else (other sites, `//host`) goes home.
/// A path that does not parse as one (`/ x`) goes home too: a redirect to it would fail.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && rocket::http::uri::Origin::parse(path).is_ok() =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// A list's filters (and its page size) as a query string, so that the pager's links keep
/// them: every field of `filter` that is set, percent-encoded.
pub fn pager_query<F: Serialize>(filter: &F, request: crate::domain::PageRequest) -> String {
    let mut pairs: Vec<String> = match serde_json::to_value(filter) {
        Ok(serde_json::Value::Object(fields)) => fields
            .into_iter()
            .filter_map(|(name, value)| {
                let text = match value {
                    serde_json::Value::String(text) if !text.trim().is_empty() => text,
                    serde_json::Value::Number(n) => n.to_string(),
                    serde_json::Value::Bool(b) => b.to_string(),
                    _ => return None,
                };
                Some(format!(
                    "{name}={}",
                    rocket::http::RawStr::new(&text).percent_encode()
                ))
            })
            .collect(),
        _ => Vec::new(),
    };
    if request.per_page != crate::domain::PageRequest::DEFAULT_PER_PAGE {
        pairs.push(format!("per_page={}", request.per_page));
    }
    pairs.join("&")
}

/// The errors of a form with rows (`items[3].module`), each named as a person reads it:
/// "Line 4 · Module: …". Other fields keep their label's key (`field-status`).
pub fn labelled_errors(locale: Locale, errors: &Errors) -> Vec<String> {
    errors
        .iter()
        .map(|(field, messages)| {
            let label = match field
                .split_once('[')
                .and_then(|(_, rest)| rest.split_once("]."))
            {
                Some((index, name)) => {
                    let line = index.parse::<usize>().map(|i| i + 1).unwrap_or(0);
                    format!(
                        "{} · {}",
                        locale.message(&Message::new("form-line").arg("n", line.to_string())),
                        locale.tr(&field_key(name))
                    )
                }
                None => locale.tr(&field_key(field)),
            };
            format!("{label}: {}", messages.join(" "))
        })
        .collect()
}

/// The label key of a field: `target_on` → `field-target-on`.
fn field_key(name: &str) -> String {
    format!("field-{}", name.replace('_', "-"))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_that_parse_are_followed() {
        assert_eq!(safe_next(Some("/sessions?page=2")), "/sessions?page=2");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/ x")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
