//! The audit trail: admins browse every event, HR its own organisation's.

use rocket::serde::json::Json;
use rocket::{get, routes, Route};
use serde::Serialize;

use crate::db::Db;
use crate::domain::access::Actor;
use crate::domain::audit::{self, EventFilter, EventView};
use crate::domain::{PageRequest, Paged};
use crate::error::AppError;
use crate::web::page::PageContext;
use crate::web::template::Template;

#[derive(Serialize)]
struct AuditPage {
    page: PageContext,
    events: Paged<EventView>,
    pages: i64,
    filter: EventFilter,
    /// The filters, for the pager's links.
    query: String,
}

#[get("/audit?<page>&<per_page>&<filter..>")]
async fn index(
    page_context: PageContext,
    db: Db,
    actor: Actor,
    page: Option<i64>,
    per_page: Option<i64>,
    filter: EventFilter,
) -> Result<Template, AppError> {
    let request = PageRequest::new(page, per_page);
    let shown = filter.clone();
    let events = db
        .run(move |conn| audit::list(conn, &actor, &filter, request))
        .await?;
    Ok(Template::render(
        "audit/index",
        AuditPage {
            page: page_context.titled("audit-title"),
            pages: events.pages(),
            events,
            query: crate::web::forms::pager_query(&shown, request),
            filter: shown,
        },
    ))
}

#[get("/api/v1/audit?<page>&<per_page>&<filter..>")]
async fn api_index(
    db: Db,
    actor: Actor,
    page: Option<i64>,
    per_page: Option<i64>,
    filter: EventFilter,
) -> Result<Json<Paged<EventView>>, AppError> {
    let request = PageRequest::new(page, per_page);
    Ok(Json(
        db.run(move |conn| audit::list(conn, &actor, &filter, request))
            .await?,
    ))
}

pub fn routes() -> Vec<Route> {
    routes![index, api_index]
}
