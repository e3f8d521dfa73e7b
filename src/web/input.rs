//! Request bodies that fail to parse still get an answer naming the field: `JsonBody<T>` for
//! API bodies (and `CsrfForm` for forms) record what was wrong, and the 422 catcher shows it.

use rocket::data::{self, Data, FromData, ToByteUnit};
use rocket::form;
use rocket::http::Status;
use rocket::request::Request;
use serde::de::DeserializeOwned;

use crate::error::{FieldErrors, Message};

/// What was wrong with a body that could not be parsed, kept for the catcher.
pub struct InvalidInput(pub Option<FieldErrors>);

/// Records field errors for the catcher of this request.
pub fn remember(request: &Request<'_>, errors: FieldErrors) {
    request.local_cache(|| InvalidInput(Some(errors)));
}

/// The field errors recorded for this request, if any.
pub fn recalled<'r>(request: &'r Request<'_>) -> Option<&'r FieldErrors> {
    request.local_cache(|| InvalidInput(None)).0.as_ref()
}

/// Field errors from Rocket's form errors: each names its field.
pub fn from_form_errors(errors: &form::Errors<'_>) -> FieldErrors {
    let mut fields = FieldErrors::default();
    for error in errors.iter() {
        let field = error
            .name
            .as_ref()
            .map(|name| name.to_string())
            .unwrap_or_else(|| "form".to_owned());
        let message = match error.kind {
            form::error::ErrorKind::Missing => Message::new("field-required"),
            _ => Message::new("field-invalid"),
        };
        fields.add(field, message);
    }
    fields
}

/// A JSON request body. Unlike `Json<T>`, a body that does not fit answers 422 with the field
/// at fault (`person_id`, `items[2].module`), or `body` when it is not JSON at all.
pub struct JsonBody<T>(pub T);

impl<T> JsonBody<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

fn json_errors(error: serde_path_to_error::Error<serde_json::Error>) -> FieldErrors {
    let mut fields = FieldErrors::default();
    let path = error.path().to_string();
    let inner = error.into_inner();
    let text = inner.to_string();
    if let Some(rest) = text.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        let field = if path == "." {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
        fields.add(field, Message::new("field-required"));
    } else if inner.is_syntax() || inner.is_eof() || path == "." {
        fields.add("body", Message::new("field-json-invalid"));
    } else {
        fields.add(path, Message::new("field-invalid"));
    }
    fields
}

#[rocket::async_trait]
impl<'r, T: DeserializeOwned> FromData<'r> for JsonBody<T> {
    type Error = ();

    async fn from_data(request: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        // A JSON body says so: a cross-site form cannot send `application/json` without the
        // browser asking first, so this also keeps forged form posts out of the API.
        if !request.content_type().is_some_and(|t| t.is_json()) {
            return data::Outcome::Error((Status::UnsupportedMediaType, ()));
        }
        let limit = request.limits().get("json").unwrap_or(1.mebibytes());
        let bytes = match data.open(limit).into_bytes().await {
            Ok(bytes) if bytes.is_complete() => bytes.into_inner(),
            Ok(_) => return data::Outcome::Error((Status::PayloadTooLarge, ())),
            Err(_) => return data::Outcome::Error((Status::BadRequest, ())),
        };
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize(&mut deserializer) {
            Ok(value) => data::Outcome::Success(JsonBody(value)),
            Err(error) => {
                remember(request, json_errors(error));
                data::Outcome::Error((Status::UnprocessableEntity, ()))
            }
        }
    }
}
