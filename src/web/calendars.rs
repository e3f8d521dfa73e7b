//! Personal calendar feeds: one's sessions at a secret address that calendar apps subscribe to.

use rocket::http::{ContentType, Status};
use rocket::serde::json::Json;
use rocket::{delete, get, post, routes, Route, State};
use serde::Serialize;

use crate::config::Settings;
use crate::db::Db;
use crate::domain::{calendars, notifications};
use crate::error::AppError;
use crate::web::auth::{CsrfForm, CurrentUser};
use crate::web::forms::{confirmed, Confirm, FormResponse};
use crate::web::i18n::Locale;
use crate::web::page::PageContext;
use crate::web::template::Template;

/// `GET /calendar/<secret>.ics`: no sign-in; the secret is the key.
#[get("/calendar/<file>")]
async fn feed(db: Db, file: &str) -> Result<(ContentType, String), AppError> {
    let secret = file.strip_suffix(".ics").unwrap_or(file).to_owned();
    let body = db.run(move |conn| calendars::feed(conn, &secret)).await?;
    Ok((ContentType::Calendar, body))
}

/// `GET /api/v1/me/calendar.ics`: one's own sessions, for clients that send a token.
#[get("/api/v1/me/calendar.ics")]
async fn own(db: Db, user: CurrentUser, locale: Locale) -> Result<(ContentType, String), AppError> {
    let body = match user.account.person_id {
        Some(person_id) => {
            db.run(move |conn| calendars::person_feed(conn, person_id, locale))
                .await?
        }
        None => notifications::calendar("PUBLISH", Vec::new()),
    };
    Ok((ContentType::Calendar, body))
}

#[derive(Serialize)]
struct FeedAddress {
    url: String,
}

fn feed_url(settings: &Settings, secret: &str) -> String {
    notifications::link(&settings.public_url, &format!("/calendar/{secret}.ics"))
}

/// Creates (or replaces) the secret feed address; shown once.
#[post("/api/v1/me/calendar")]
async fn api_create(
    db: Db,
    user: CurrentUser,
    settings: &State<Settings>,
) -> Result<(Status, Json<FeedAddress>), AppError> {
    let account = user.account.clone();
    let secret = db
        .run(move |conn| calendars::create_feed(conn, &account))
        .await?;
    Ok((
        Status::Created,
        Json(FeedAddress {
            url: feed_url(settings, &secret),
        }),
    ))
}

#[delete("/api/v1/me/calendar")]
async fn api_revoke(db: Db, user: CurrentUser) -> Result<Status, AppError> {
    let account = user.account.clone();
    db.run(move |conn| calendars::revoke_feed(conn, &account))
        .await?;
    Ok(Status::NoContent)
}

#[derive(Serialize)]
struct FeedPage {
    page: PageContext,
    url: String,
}

#[post("/account/calendar", data = "<_form>")]
async fn create(
    page: PageContext,
    db: Db,
    user: CurrentUser,
    settings: &State<Settings>,
    _form: CsrfForm<Confirm>,
) -> Result<Template, AppError> {
    let account = user.account.clone();
    let secret = db
        .run(move |conn| calendars::create_feed(conn, &account))
        .await?;
    Ok(Template::render(
        "account/calendar",
        FeedPage {
            page: page.titled("calendar-title"),
            url: feed_url(settings, &secret),
        },
    ))
}

#[post("/account/calendar/revoke", data = "<_form>")]
async fn revoke(
    locale: Locale,
    db: Db,
    user: CurrentUser,
    _form: CsrfForm<Confirm>,
) -> FormResponse {
    let account = user.account.clone();
    let revoke = move |conn: &mut _| calendars::revoke_feed(conn, &account);
    confirmed(&db, locale, revoke, "/account", "calendar-revoked").await
}

pub fn routes() -> Vec<Route> {
    routes![feed, own, api_create, api_revoke, create, revoke]
}
