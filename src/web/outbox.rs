//! The outbox, for admins: every e-mail the app queued, sent or not (without SMTP, this is
//! where notifications can be read).

use rocket::serde::json::Json;
use rocket::{get, routes, Route};
use serde::Serialize;

use crate::db::Db;
use crate::domain::accounts::Role;
use crate::error::AppError;
use crate::jobs::outbox::{self, OutboxMessage};
use crate::web::auth::CurrentUser;
use crate::web::page::PageContext;
use crate::web::template::Template;
use crate::web::List;

/// How many messages the page shows.
const SHOWN: i64 = 200;

async fn latest(db: &Db, user: &CurrentUser) -> Result<Vec<OutboxMessage>, AppError> {
    user.actor().require(&[Role::Admin])?;
    db.run(|conn| outbox::latest(conn, SHOWN)).await
}

#[get("/outbox")]
async fn index(page: PageContext, db: Db, user: CurrentUser) -> Result<Template, AppError> {
    let items = latest(&db, &user).await?;
    Ok(Template::render(
        "outbox/index",
        OutboxPage {
            page: page.titled("outbox-title"),
            items,
        },
    ))
}

#[derive(Serialize)]
struct OutboxPage {
    page: PageContext,
    items: Vec<OutboxMessage>,
}

#[get("/api/v1/outbox")]
async fn api_index(db: Db, user: CurrentUser) -> Result<Json<List<OutboxMessage>>, AppError> {
    let items = latest(&db, &user).await?;
    Ok(Json(List::of(items)))
}

pub fn routes() -> Vec<Route> {
    routes![index, api_index]
}
