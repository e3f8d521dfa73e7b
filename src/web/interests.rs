//! Interest in modules: declared by people (or HR for them), listed for planners.

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route};
use serde::Serialize;

use crate::db::Db;
use crate::domain::access::Actor;
use crate::domain::interests::{self, InterestFilter, InterestInput, InterestView};
use crate::error::{AppError, Message};
use crate::web::auth::CsrfForm;
use crate::web::forms::{done, FormResponse};
use crate::web::i18n::Locale;
use crate::web::input::JsonBody;
use crate::web::page::PageContext;
use crate::web::template::Template;
use crate::web::List;

#[derive(Serialize)]
struct InterestsPage {
    page: PageContext,
    interests: Vec<InterestView>,
    filter: InterestFilter,
}

#[get("/interests?<filter..>")]
async fn index(
    page: PageContext,
    db: Db,
    actor: Actor,
    filter: InterestFilter,
) -> Result<Template, AppError> {
    let shown = filter.clone();
    let interests = db
        .run(move |conn| interests::list(conn, &actor, &filter))
        .await?;
    Ok(Template::render(
        "interests/index",
        InterestsPage {
            page: page.titled("interests-title"),
            interests,
            filter: shown,
        },
    ))
}

#[get("/api/v1/interests?<filter..>")]
async fn api_index(
    db: Db,
    actor: Actor,
    filter: InterestFilter,
) -> Result<Json<List<InterestView>>, AppError> {
    let items = db
        .run(move |conn| interests::list(conn, &actor, &filter))
        .await?;
    Ok(Json(List::of(items)))
}

#[post("/api/v1/interests", data = "<input>")]
async fn api_declare(
    db: Db,
    actor: Actor,
    input: JsonBody<InterestInput>,
) -> Result<(Status, Json<InterestView>), AppError> {
    let input = input.into_inner();
    let interest = db
        .run(move |conn| interests::declare(conn, &actor, &input))
        .await?;
    Ok((Status::Created, Json(interest)))
}

#[post("/interests", data = "<form>")]
async fn declare(
    locale: Locale,
    db: Db,
    actor: Actor,
    form: CsrfForm<InterestInput>,
) -> FormResponse {
    let input = form.0;
    let interest = db
        .run(move |conn| interests::declare(conn, &actor, &input))
        .await?;
    done(
        format!("/modules/{}", interest.module),
        locale,
        Message::new("interest-saved"),
    )
}

pub fn routes() -> Vec<Route> {
    routes![index, api_index, api_declare, declare]
}
