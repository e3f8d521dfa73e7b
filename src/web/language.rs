//! The language switcher: `GET /language/<code>?next=/path` remembers the choice in a cookie
//! and goes back to the page. A plain link, so it works without JavaScript.

use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::response::Redirect;
use rocket::{get, routes, Route};

use crate::error::AppError;
use crate::web::forms::safe_next;
use crate::web::i18n::{Locale, LOCALE_COOKIE};

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
    // Only same-site paths are followed: the switcher is no open redirect.
    Ok(Redirect::to(safe_next(next)))
}

pub fn routes() -> Vec<Route> {
    routes![switch]
}
