//! The HTTP layer: thin handlers that parse, authorise, call `domain` and render. HTML pages
//! and their JSON twins share paths (`/x` and `/api/v1/x`) and call the same domain functions.

pub mod errors;
pub mod health;
pub mod home;
pub mod i18n;
pub mod language;
pub mod page;
pub mod security;

use rocket::Route;

/// Every route of the application, from each web module's `routes()`.
pub fn routes() -> Vec<Route> {
    [health::routes(), home::routes(), language::routes()].concat()
}
