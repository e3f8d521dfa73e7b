//! Key users: designation and withdrawal per domain, lists by organisation and domain.

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{delete, get, post, routes, Route};
use rocket_dyn_templates::Template;
use serde::Serialize;

use crate::db::Db;
use crate::domain::cascade::{self, Designation, KeyUserFilter, KeyUserStatus, KeyUserView};
use crate::domain::catalogue::{self, Domain};
use crate::domain::people::{self, PeopleFilter, PersonView};
use crate::domain::PageRequest;
use crate::error::{AppError, Message};
use crate::web::auth::{CsrfForm, CurrentUser};
use crate::web::forms::{done, FormResponse};
use crate::web::input::JsonBody;
use crate::web::page::PageContext;
use crate::web::session::Confirm;

#[derive(Serialize)]
struct KeyUsersPage {
    page: PageContext,
    key_users: Vec<KeyUserView>,
    domains: Vec<Domain>,
    people: Vec<PersonView>,
    statuses: Vec<&'static str>,
    filter: KeyUserFilter,
}

#[derive(Serialize)]
struct KeyUserList {
    items: Vec<KeyUserView>,
    total: usize,
}

#[get("/key-users?<filter..>")]
async fn index(
    page: PageContext,
    db: Db,
    user: CurrentUser,
    filter: KeyUserFilter,
) -> Result<Template, AppError> {
    let actor = user.actor();
    let shown = filter.clone();
    let (key_users, domains, people) = db
        .run(move |conn| {
            let key_users = cascade::list_key_users(conn, &actor, &filter)?;
            let domains = catalogue::all_domains(conn)?;
            // HR picks among its own people; others designate through the API or by id.
            let people = match actor.scope().organization_id() {
                Some(_) => {
                    people::list(
                        conn,
                        &actor,
                        &PeopleFilter::default(),
                        PageRequest::new(None, Some(PageRequest::MAX_PER_PAGE)),
                    )?
                    .items
                }
                None => Vec::new(),
            };
            Ok((key_users, domains, people))
        })
        .await?;
    Ok(Template::render(
        "key_users/index",
        KeyUsersPage {
            page: page.titled("key-users-title"),
            key_users,
            domains,
            people,
            statuses: KeyUserStatus::ALL.iter().map(|s| s.as_str()).collect(),
            filter: shown,
        },
    ))
}

#[get("/api/v1/key-users?<filter..>")]
async fn api_index(
    db: Db,
    user: CurrentUser,
    filter: KeyUserFilter,
) -> Result<Json<KeyUserList>, AppError> {
    let actor = user.actor();
    let items = db
        .run(move |conn| cascade::list_key_users(conn, &actor, &filter))
        .await?;
    Ok(Json(KeyUserList {
        total: items.len(),
        items,
    }))
}

#[post("/api/v1/key-users", data = "<input>")]
async fn api_designate(
    db: Db,
    user: CurrentUser,
    input: JsonBody<Designation>,
) -> Result<(Status, Json<KeyUserView>), AppError> {
    let actor = user.actor();
    let input = input.into_inner();
    let key_user = db
        .run(move |conn| cascade::designate(conn, &actor, &input))
        .await?;
    Ok((Status::Created, Json(key_user)))
}

#[delete("/api/v1/key-users/<id>")]
async fn api_withdraw(db: Db, user: CurrentUser, id: i64) -> Result<Json<KeyUserView>, AppError> {
    let actor = user.actor();
    Ok(Json(
        db.run(move |conn| cascade::withdraw(conn, &actor, id))
            .await?,
    ))
}

#[post("/key-users", data = "<form>")]
async fn designate(
    page: PageContext,
    db: Db,
    user: CurrentUser,
    form: CsrfForm<Designation>,
) -> FormResponse {
    let actor = user.actor();
    let input = form.0;
    db.run(move |conn| cascade::designate(conn, &actor, &input))
        .await?;
    done(
        "/key-users",
        page.locale(),
        Message::new("key-user-designated"),
    )
}

#[post("/key-users/<id>/withdraw", data = "<_form>")]
async fn withdraw(
    page: PageContext,
    db: Db,
    user: CurrentUser,
    id: i64,
    _form: CsrfForm<Confirm>,
) -> FormResponse {
    let actor = user.actor();
    db.run(move |conn| cascade::withdraw(conn, &actor, id))
        .await?;
    done(
        "/key-users",
        page.locale(),
        Message::new("key-user-withdrawn"),
    )
}

pub fn routes() -> Vec<Route> {
    routes![
        index,
        api_index,
        api_designate,
        api_withdraw,
        designate,
        withdraw
    ]
}
