//! The language switcher: `GET /language/<code>?next=/path` remembers the choice in a cookie
//! and goes back to the page. A plain link, so it works without JavaScript.

use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::response::Redirect;
use rocket::{get, routes, Route};

use crate::error::AppError;
use crate::web::i18n::{Locale, LOCALE_COOKIE};

/// Only same-site paths are followed, so the switcher cannot be used as an open redirect.
fn local_path(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[get("/language/<code>?<next>")]
fn switch(code: &str, next: Option<&str>, cookies: &CookieJar<'_>) -> Result<Redirect, AppError> {
    let locale = Locale::parse(code).ok_or(AppError::NotFound)?;
    cookies.add(
        Cookie::build((LOCALE_COOKIE, locale.code()))
            .path("/")
            .same_site(SameSite::Lax)
            .http_only(true)
            .max_age(rocket::time::Duration::days(365)),
    );
    Ok(Redirect::to(local_path(next)))
}

pub fn routes() -> Vec<Route> {
    routes![switch]
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path(Some("/sessions?page=2")), "/sessions?page=2");
        assert_eq!(local_path(Some("//evil.example/")), "/");
        assert_eq!(local_path(Some("https://evil.example/")), "/");
        assert_eq!(local_path(Some("/\\evil.example")), "/");
        assert_eq!(local_path(None), "/");
    }
}
