//! Error answers: the JSON error shape for API clients, a translated page for browsers, and
//! the catchers that give every status the same treatment.

use std::collections::BTreeMap;

use rocket::http::Status;
use rocket::request::Request;
use rocket::response::{self, Responder};
use rocket::serde::json::Json;
use rocket::{catch, catchers, Catcher};
use serde::Serialize;

use crate::error::{AppError, Message};
use crate::web::i18n::Locale;
use crate::web::page::PageContext;
use crate::web::template::Template;

#[derive(Serialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize)]
struct ErrorDetail {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    fields: BTreeMap<String, Vec<String>>,
}

#[derive(Serialize)]
struct ErrorPage {
    page: PageContext,
    status: u16,
    code: &'static str,
    message: String,
    fields: BTreeMap<String, Vec<String>>,
}

/// Whether the client wants JSON: API paths always do; elsewhere `Accept` decides.
pub fn wants_json(request: &Request<'_>) -> bool {
    crate::web::is_api(request)
        || request
            .accept()
            .map(|accept| accept.preferred().media_type().is_json())
            .unwrap_or(false)
}

fn code_and_message(status: Status, error: Option<&AppError>) -> (&'static str, Message) {
    match error {
        Some(AppError::Conflict(message)) => ("conflict", message.clone()),
        Some(AppError::Gone(message)) => ("gone", message.clone()),
        Some(AppError::Denied(message)) => ("forbidden", message.clone()),
        Some(AppError::SignInFailed) => ("sign_in_failed", Message::new("login-failed")),
        Some(AppError::Validation(_)) => ("validation_failed", Message::new("error-validation")),
        Some(AppError::TooManyRequests {
            retry_after_seconds,
        }) => (
            "too_many_requests",
            Message::new("error-too-many-requests")
                .arg("minutes", retry_after_seconds.div_ceil(60).to_string()),
        ),
        _ => match status.code {
            400 => ("bad_request", Message::new("error-bad-request")),
            401 => ("unauthorized", Message::new("error-unauthorized")),
            403 => ("forbidden", Message::new("error-forbidden")),
            404 => ("not_found", Message::new("error-not-found")),
            409 => ("conflict", Message::new("error-conflict")),
            413 => ("payload_too_large", Message::new("error-payload-too-large")),
            415 => (
                "unsupported_media_type",
                Message::new("error-unsupported-media-type"),
            ),
            422 => ("validation_failed", Message::new("error-validation")),
            503 => ("unavailable", Message::new("error-unavailable")),
            code if code < 500 => ("bad_request", Message::new("error-bad-request")),
            _ => ("internal", Message::new("error-internal")),
        },
    }
}

impl<'r> Responder<'r, 'static> for AppError {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        if let AppError::Internal(detail) = &self {
            log::error!("{} {}: {detail}", request.method(), request.uri());
        }
        render_error(request, self.status(), &self)
    }
}

/// Renders an error for this request, in its language and format.
pub fn render_error(
    request: &Request<'_>,
    status: Status,
    error: &AppError,
) -> response::Result<'static> {
    respond(request, status, Some(error))
}

fn respond(
    request: &Request<'_>,
    status: Status,
    error: Option<&AppError>,
) -> response::Result<'static> {
    let locale = Locale::of(request);
    let (code, message) = code_and_message(status, error);
    let message = locale.message(&message);
    let fields = match error {
        Some(AppError::Validation(errors)) => translated_fields(locale, errors),
        // A body that could not even be parsed: what the parser found, by field.
        None => crate::web::input::recalled(request)
            .map(|errors| translated_fields(locale, errors))
            .unwrap_or_default(),
        _ => BTreeMap::new(),
    };
    let mut response = if wants_json(request) {
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message,
                fields,
            },
        };
        Json(body).respond_to(request)?
    } else {
        let page = ErrorPage {
            page: PageContext::new(request, locale, "error-title"),
            status: status.code,
            code,
            message,
            fields,
        };
        Template::render("error", &page).respond_to(request)?
    };
    response.set_status(status);
    if let Some(AppError::TooManyRequests {
        retry_after_seconds,
    }) = error
    {
        response.set_raw_header("Retry-After", retry_after_seconds.to_string());
    }
    Ok(response)
}

#[catch(default)]
fn any_status(status: Status, _request: &Request<'_>) -> CaughtError {
    CaughtError(status)
}

/// The catchers' answer: the status as a translated page or JSON error.
struct CaughtError(Status);

impl<'r> Responder<'r, 'static> for CaughtError {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        // A browser asking for a page it must sign in for goes to the sign-in page.
        if self.0 == Status::Unauthorized
            && request.method() == rocket::http::Method::Get
            && !wants_json(request)
        {
            let here = match request.uri().query() {
                Some(query) => format!("{}?{query}", request.uri().path()),
                None => request.uri().path().to_string(),
            };
            let next = rocket::http::RawStr::new(&here)
                .percent_encode()
                .to_string();
            return rocket::response::Redirect::to(format!("/login?next={next}"))
                .respond_to(request);
        }
        respond(request, self.0, None)
    }
}

pub fn catchers() -> Vec<Catcher> {
    catchers![any_status]
}

/// Field errors in the user's language, for re-rendering a form.
pub fn translated_fields(
    locale: Locale,
    errors: &crate::error::FieldErrors,
) -> BTreeMap<String, Vec<String>> {
    errors
        .0
        .iter()
        .map(|(field, messages)| {
            (
                field.clone(),
                messages.iter().map(|m| locale.message(m)).collect(),
            )
        })
        .collect()
}
