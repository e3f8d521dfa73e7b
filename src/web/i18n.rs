//! The request's language and the `t` function for templates (see `crate::i18n`).
//!
//! The language is taken from the signed-in account, then the `lang` cookie set by the language
//! switcher, then `Accept-Language`, and French by default.

use fluent_templates::FluentLoader;
use rocket::request::{FromRequest, Outcome, Request};

pub use crate::i18n::{negotiate, Locale, LOCALES, LOCALE_COOKIE};
use crate::web::auth::SessionCookie;

impl Locale {
    /// The request's language: the signed-in account's preference (kept in the session), the
    /// switcher's cookie, `Accept-Language`, French.
    pub fn of(request: &Request<'_>) -> Locale {
        negotiate(
            SessionCookie::of(request).and_then(|session| session.locale),
            request.cookies().get(LOCALE_COOKIE).map(|c| c.value()),
            request.headers().get_one("Accept-Language"),
        )
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Locale {
    type Error = std::convert::Infallible;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(Locale::of(request))
    }
}

/// The `t` function for templates: `{{ t(key="home-title", lang=lang) }}`.
pub fn tera_function() -> FluentLoader<&'static fluent_templates::StaticLoader> {
    FluentLoader::new(&*LOCALES).with_default_lang(Locale::DEFAULT.langid().clone())
}
