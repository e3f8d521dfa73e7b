//! The HTTP layer: thin handlers that parse, authorise, call `domain` and render. HTML pages
//! and their JSON twins share paths (`/x` and `/api/v1/x`) and call the same domain functions.

pub mod accounts;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod calendars;
pub mod capacity;
pub mod cascade;
pub mod catalogue;
pub mod errors;
pub mod exports;
pub mod forms;
pub mod health;
pub mod home;
pub mod i18n;
pub mod input;
pub mod interests;
pub mod key_users;
pub mod language;
pub mod organizations;
pub mod outbox;
pub mod page;
pub mod people;
pub mod plans;
pub mod reports;
pub mod security;
pub mod sessions;
pub mod sign_in;
pub mod template;
pub mod throttle;

use rocket::Route;
use serde::Serialize;

use crate::domain::access::Actor;

/// A JSON list that is not paged: its items and how many (paged lists are `domain::Paged`).
#[derive(Debug, Serialize)]
pub struct List<T> {
    items: Vec<T>,
    total: usize,
}

impl<T> List<T> {
    pub fn of(items: Vec<T>) -> Self {
        List {
            total: items.len(),
            items,
        }
    }
}

/// The report cache's key of a report (`Db::report`): which one, for which reader (its role and
/// scope: a report depends on nothing else of them), with which filters, on which day (the
/// reports count days to dates from `domain::now`).
pub fn report_key(report: &str, actor: &Actor, filters: &impl Serialize) -> String {
    let today = crate::domain::now().date();
    let filters = serde_json::to_string(filters).unwrap_or_default();
    format!(
        "{report}|{:?}|{:?}|{today}|{filters}",
        actor.role,
        actor.scope()
    )
}

/// Every route of the application, from each web module's `routes()`.
pub fn routes() -> Vec<Route> {
    [
        health::routes(),
        assets::routes(),
        home::routes(),
        language::routes(),
        sign_in::routes(),
        people::routes(),
        accounts::routes(),
        organizations::routes(),
        key_users::routes(),
        audit::routes(),
        catalogue::routes(),
        sessions::routes(),
        interests::routes(),
        calendars::routes(),
        outbox::routes(),
        cascade::routes(),
        capacity::routes(),
        reports::routes(),
        plans::routes(),
    ]
    .concat()
}

/// Whether a request is for the API. Decided on the route it matched (or, unmatched, on its
/// decoded path), never on the raw path: `//api/…` and `/%61pi/…` reach the same routes as
/// `/api/…`, and must meet the same rules.
pub fn is_api(request: &rocket::Request<'_>) -> bool {
    match request.route() {
        Some(route) => route.uri.path().starts_with("/api/"),
        None => request.uri().path().segments().next() == Some("api"),
    }
}
