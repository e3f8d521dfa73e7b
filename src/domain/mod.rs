//! The rules of the product, free of HTTP. One module per aggregate: its model structs, queries
//! and rules live together, and every function takes `&mut DbConn` so that callers can compose
//! several of them in one transaction.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod calendars;
pub mod capacity;
pub mod cascade;
pub mod catalogue;
pub mod coverage;
pub mod enrollments;
pub mod interests;
pub mod notifications;
pub mod organizations;
pub mod people;
pub mod plans;
pub mod read_model;
pub mod reference;
pub mod registrations;
pub mod reports;
pub mod rules;
pub mod sessions;
pub mod sign_ins;
pub mod tokens;
pub mod tree;

use chrono::{NaiveDateTime, Utc};

/// Defines an enum stored as text: its codes, parsing, and the conversions Diesel uses
/// (`#[diesel(serialize_as = String, deserialize_as = String)]` on model fields).
macro_rules! text_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::domain::UnknownCode;
            fn from_str(code: &str) -> Result<Self, Self::Err> {
                Self::parse(code).ok_or_else(|| crate::domain::UnknownCode(code.to_owned()))
            }
        }

        impl TryFrom<String> for $name {
            type Error = crate::domain::UnknownCode;
            fn try_from(code: String) -> Result<Self, Self::Error> {
                code.parse()
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.as_str().to_owned()
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Self::parse(&code).ok_or_else(|| serde::de::Error::unknown_variant(&code, &[$($code),+]))
            }
        }
    };
}
pub(crate) use text_enum;

/// A stored code that names no variant: the database holds something this build does not know.
#[derive(Debug, Clone, thiserror::Error)]
#[error("unknown code {0:?}")]
pub struct UnknownCode(pub String);

text_enum! {
    /// The language a person speaks or a session is given in (`bilingual` is for sessions only).
    pub enum Language {
        Fr => "fr",
        Nl => "nl",
        En => "en",
        Bilingual => "bilingual",
    }
}

/// Timestamps in JSON: RFC 3339 in UTC with `Z` (DESIGN §5). Columns hold naive UTC, which
/// serde would write without a zone.
pub mod utc {
    use chrono::{NaiveDateTime, SecondsFormat};
    use serde::Serializer;

    pub fn text(at: &NaiveDateTime) -> String {
        at.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true)
    }

    pub fn serialize<S: Serializer>(at: &NaiveDateTime, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&text(at))
    }

    pub fn serialize_option<S: Serializer>(
        at: &Option<NaiveDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => serialize(at, serializer),
            None => serializer.serialize_none(),
        }
    }
}

/// Now, in UTC, as stored (timestamps are `TIMESTAMP` columns holding UTC).
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// Which page of a list to show: `?page=&per_page=` (1-based; at most `MAX_PER_PAGE` rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: i64,
    pub per_page: i64,
}

impl PageRequest {
    pub const DEFAULT_PER_PAGE: i64 = 50;
    pub const MAX_PER_PAGE: i64 = 200;

    pub fn new(page: Option<i64>, per_page: Option<i64>) -> Self {
        PageRequest {
            page: page.unwrap_or(1).max(1),
            per_page: per_page
                .unwrap_or(Self::DEFAULT_PER_PAGE)
                .clamp(1, Self::MAX_PER_PAGE),
        }
    }

    pub fn offset(self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest::new(None, None)
    }
}

/// One page of a list, in the shape of DESIGN §5.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Paged<T> {
    pub fn new(items: Vec<T>, total: i64, request: PageRequest) -> Self {
        Paged {
            items,
            total,
            page: request.page,
            per_page: request.per_page,
        }
    }

    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }

    /// The same page with each item transformed.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Paged<U> {
        Paged {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

/// Resolves a field that names a row by its code (an organisation, a domain): the row's id, or
/// an error on the field when it is blank (`missing`) or names nothing (`unknown`).
pub fn resolve_code(
    errors: &mut crate::error::FieldErrors,
    field: &'static str,
    value: Option<&str>,
    missing: crate::error::Message,
    unknown: crate::error::Message,
    lookup: impl FnOnce(&str) -> Result<Option<i64>, crate::error::AppError>,
) -> Result<Option<i64>, crate::error::AppError> {
    let Some(code) = non_blank(value) else {
        errors.add(field, missing);
        return Ok(None);
    };
    let id = lookup(&code)?;
    if id.is_none() {
        errors.add(field, unknown);
    }
    Ok(id)
}

/// An optional filter that names a row by its code: `None` when blank, else the row's id, or
/// an error on the field (`unknown`) when it names nothing.
pub fn optional_code(
    errors: &mut crate::error::FieldErrors,
    field: &'static str,
    value: Option<&str>,
    unknown: crate::error::Message,
    lookup: impl FnOnce(&str) -> Result<Option<i64>, crate::error::AppError>,
) -> Result<Option<i64>, crate::error::AppError> {
    match non_blank(value) {
        None => Ok(None),
        Some(code) => {
            let id = lookup(&code)?;
            if id.is_none() {
                errors.add(field, unknown);
            }
            Ok(id)
        }
    }
}

/// The organisation a report covers: HR and members their own, whatever they asked (another
/// one's figures do not exist for them: 404); staff what they asked, if anything.
pub fn report_organization(
    actor: &access::Actor,
    asked: Option<i64>,
) -> Result<Option<i64>, crate::error::AppError> {
    match actor.scope().organization_id() {
        Some(own) if asked.is_some_and(|id| id != own) => Err(crate::error::AppError::NotFound),
        Some(own) => Ok(Some(own)),
        None => Ok(asked),
    }
}

/// A trimmed text field, `None` when blank.
pub fn non_blank(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The longest text accepted, in characters, by kind of field. Rocket's body limits bound a
/// request; these bound each field, with a 422 naming it.
pub mod max_chars {
    /// A person's or a venue's name.
    pub const NAME: usize = 200;
    /// Module titles, job titles, profiles.
    pub const TITLE: usize = 200;
    pub const ADDRESS: usize = 300;
    pub const URL: usize = 2000;
    /// An API token's label.
    pub const LABEL: usize = 100;
    /// Reasons given for a refusal, a withdrawal or a certification.
    pub const REASON: usize = 1000;
    /// Notes on an interest or a plan item.
    pub const NOTE: usize = 1000;
    pub const DESCRIPTION: usize = 4000;
}

/// A trimmed text field, `None` when blank (as `non_blank`); `field-too-long` is added under
/// `field` when it has more than `max` characters.
pub fn bounded(
    errors: &mut crate::error::FieldErrors,
    field: impl Into<String>,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    let value = non_blank(value);
    if value.as_deref().is_some_and(|v| v.chars().count() > max) {
        errors.add(
            field,
            crate::error::Message::new("field-too-long").arg("max", max.to_string()),
        );
    }
    value
}

/// `bounded` for a field checked alone: 422 naming it when too long.
pub fn bounded_field(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, crate::error::AppError> {
    let mut errors = crate::error::FieldErrors::default();
    let value = bounded(&mut errors, field, value, max);
    errors.into_result().map(|()| value)
}

/// Normalises an e-mail address for storage and comparison.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A plausible address: something@domain.tld, no spaces.
pub fn is_valid_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !email.chars().any(char::is_whitespace)
                && email.len() <= 254
        }
        None => false,
    }
}
