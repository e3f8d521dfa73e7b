//! The rules of the product, free of HTTP. One module per aggregate: its model structs, queries
//! and rules live together, and every function takes `&mut DbConn` so that callers can compose
//! several of them in one transaction.

pub mod accounts;
pub mod audit;
pub mod cascade;
pub mod catalogue;
pub mod demo;
pub mod enrollments;
pub mod organizations;
pub mod people;
pub mod plans;
pub mod reference;
pub mod sessions;

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

/// Now, in UTC, as stored (timestamps are `TIMESTAMP` columns holding UTC).
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}
