//! What every page's layout needs: language, the signed-in user, navigation for their role,
//! the CSRF token for forms, language switcher, flash message.

use rocket::http::RawStr;
use rocket::request::{FlashMessage, FromRequest, Outcome, Request};
use serde::Serialize;

use crate::domain::accounts::Role;
use crate::web::auth::{CurrentUser, SessionCookie};
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

/// The signed-in user, as the layout shows it.
#[derive(Debug, Clone, Serialize)]
pub struct UserSummary {
    pub email: String,
    pub role: Role,
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
    pub user: Option<UserSummary>,
    /// The token every form must send back as `csrf_token`.
    pub csrf: String,
    /// The path and query of this page, percent-encoded, for `?next=` links.
    pub here: String,
}

/// Who sees a navigation entry.
#[derive(Debug, Clone, Copy)]
enum Audience {
    Everyone,
    SignedIn,
    Roles(&'static [Role]),
}

/// The navigation: label key, path, audience.
const NAVIGATION: &[(&str, &str, Audience)] = &[
    ("nav-home", "/", Audience::Everyone),
    ("nav-sessions", "/sessions", Audience::Everyone),
    ("nav-catalogue", "/catalogue", Audience::Everyone),
    ("nav-organizations", "/organizations", Audience::SignedIn),
    (
        "nav-people",
        "/people",
        Audience::Roles(&[Role::Admin, Role::Hr, Role::Planner]),
    ),
    (
        "nav-key-users",
        "/key-users",
        Audience::Roles(&[Role::Admin, Role::Hr, Role::Planner]),
    ),
    (
        "nav-plans",
        "/plans",
        Audience::Roles(&[Role::Admin, Role::Hr, Role::Planner]),
    ),
    (
        "nav-capacity",
        "/capacity",
        Audience::Roles(&[Role::Admin, Role::Hr, Role::Planner]),
    ),
    (
        "nav-trained",
        "/reports/trained",
        Audience::Roles(&[Role::Admin, Role::Hr, Role::Planner]),
    ),
    (
        "nav-registrations",
        "/registrations",
        Audience::Roles(&[Role::Admin, Role::Hr]),
    ),
    (
        "nav-accounts",
        "/accounts",
        Audience::Roles(&[Role::Admin, Role::Hr]),
    ),
    (
        "nav-audit",
        "/audit",
        Audience::Roles(&[Role::Admin, Role::Hr]),
    ),
];

impl PageContext {
    /// The context for a page; `user` is `None` for visitors and for error pages.
    pub fn new(request: &Request<'_>, locale: Locale, title_key: &'static str) -> Self {
        Self::for_user(request, locale, title_key, None)
    }

    fn for_user(
        request: &Request<'_>,
        locale: Locale,
        title_key: &'static str,
        user: Option<&CurrentUser>,
    ) -> Self {
        let role = user.map(|u| u.role());
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
                .filter(|(_, _, audience)| match (audience, role) {
                    (Audience::Everyone, _) => true,
                    (Audience::SignedIn, role) => role.is_some(),
                    (Audience::Roles(roles), Some(role)) => roles.contains(&role),
                    (Audience::Roles(_), None) => false,
                })
                .map(|&(label_key, href, _)| NavItem {
                    label_key,
                    href,
                    current: href == path,
                })
                .collect(),
            languages: Locale::ALL
                .iter()
                .map(|&l| LanguageLink {
                    code: l.code(),
                    href: format!("/language/{}?next={}", l.code(), next),
                    current: l == locale,
                })
                .collect(),
            flash: None,
            user: user.map(|u| UserSummary {
                email: u.account.email.clone(),
                role: u.role(),
            }),
            csrf: SessionCookie::csrf_token(request),
            here: next,
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
        let user = request
            .guard::<Option<CurrentUser>>()
            .await
            .succeeded()
            .flatten();
        let mut page =
            PageContext::for_user(request, Locale::of(request), "app-name", user.as_ref());
        if let Outcome::Success(Some(flash)) = request.guard::<Option<FlashMessage<'_>>>().await {
            page.flash = Some(Flash {
                kind: flash.kind().to_owned(),
                message: flash.message().to_owned(),
            });
        }
        Outcome::Success(page)
    }
}

/// The `local` filter for templates: a UTC timestamp shown in Brussels time
/// (`{{ session.starts_at | local }}` → `01/12/2026 09:00`).
pub fn local_time_filter(
    value: &tera::Value,
    _args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let text = value
        .as_str()
        .ok_or_else(|| tera::Error::msg("local: expected a timestamp"))?;
    // Timestamps serialise as RFC 3339 in UTC (`…Z`, `domain::utc`).
    let utc = chrono::DateTime::parse_from_rfc3339(text)
        .map(|at| at.naive_utc())
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f"))
        .map_err(|e| tera::Error::msg(format!("local: {e}")))?;
    Ok(tera::Value::String(
        crate::domain::notifications::local_time(utc),
    ))
}
