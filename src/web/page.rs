//! What every page's layout needs: language, navigation, language switcher, flash message.

use rocket::http::RawStr;
use rocket::request::{FlashMessage, FromRequest, Outcome, Request};
use serde::Serialize;

use crate::web::i18n::Locale;

#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub label_key: &'static str,
    pub href: &'static str,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct LanguageLink {
    pub code: &'static str,
    pub href: String,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Flash {
    /// `success`, `error` or `info`
    pub kind: String,
    pub message: String,
}

/// The layout's context, serialised under `page` in every template.
#[derive(Debug, Clone, Serialize)]
pub struct PageContext {
    pub lang: &'static str,
    pub title_key: &'static str,
    pub path: String,
    pub nav: Vec<NavItem>,
    pub languages: Vec<LanguageLink>,
    pub flash: Option<Flash>,
}

/// The navigation: `(label key, path)`; role-specific entries join as their pages arrive.
const NAVIGATION: &[(&str, &str)] = &[("nav-home", "/")];

impl PageContext {
    pub fn new(request: &Request<'_>, locale: Locale, title_key: &'static str) -> Self {
        let path = request.uri().path().as_str().to_owned();
        let here = match request.uri().query() {
            Some(query) => format!("{path}?{query}"),
            None => path.clone(),
        };
        let next = RawStr::new(&here).percent_encode().to_string();
        PageContext {
            lang: locale.code(),
            title_key,
            nav: NAVIGATION
                .iter()
                .map(|&(label_key, href)| NavItem {
                    label_key,
                    href,
                    current: href == path,
                })
                .collect(),
            languages: Locale::ALL
                .iter()
                .map(|&l| LanguageLink {
                    code: l.code(),
                    href: format!("/language/{}?next={next}", l.code()),
                    current: l == locale,
                })
                .collect(),
            flash: None,
            path,
        }
    }

    /// Sets the page title (a Fluent key).
    pub fn titled(mut self, title_key: &'static str) -> Self {
        self.title_key = title_key;
        self
    }

    pub fn locale(&self) -> Locale {
        Locale::parse(self.lang).unwrap_or(Locale::DEFAULT)
    }
}

/// The request-context guard: every page handler takes one.
#[rocket::async_trait]
impl<'r> FromRequest<'r> for PageContext {
    type Error = std::convert::Infallible;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let mut page = PageContext::new(request, Locale::of(request), "app-name");
        if let Outcome::Success(Some(flash)) = request.guard::<Option<FlashMessage<'_>>>().await {
            page.flash = Some(Flash {
                kind: flash.kind().to_owned(),
                message: flash.message().to_owned(),
            });
        }
        Outcome::Success(page)
    }
}
