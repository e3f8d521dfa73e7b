//! Key users: designation and withdrawal per domain, lists by organisation and domain.

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{delete, get, post, routes, Route};
use serde::Serialize;

use crate::db::Db;
use crate::domain::access::Actor;
use crate::domain::cascade::{self, Designation, KeyUserFilter, KeyUserStatus, KeyUserView};
use crate::domain::catalogue::{self, Domain};
use crate::domain::people::{self, PeopleFilter, PersonView};
use crate::domain::PageRequest;
use crate::error::{AppError, Message};
use crate::web::auth::{CsrfForm, CurrentUser};
use crate::web::forms::{confirmed, done, Confirm, FormResponse};
use crate::web::input::JsonBody;
use crate::web::page::PageContext;
use crate::web::template::Template;
use crate::web::List;

#[derive(Serialize)]
struct KeyUsersPage {
    page: PageContext,
    key_users: Vec<KeyUserView>,
    domains: Vec<Domain>,
    people: Vec<PersonView>,
    statuses: Vec<&'static str>,
    filter: KeyUserFilter,
    can_certify: bool,
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
            can_certify: crate::domain::access::STAFF.contains(&user.role()),
        },
    ))
}

#[get("/api/v1/key-users?<filter..>")]
async fn api_index(
    db: Db,
    actor: Actor,
    filter: KeyUserFilter,
) -> Result<Json<List<KeyUserView>>, AppError> {
    let items = db
        .run(move |conn| cascade::list_key_users(conn, &actor, &filter))
        .await?;
    Ok(Json(List::of(items)))
}

#[post("/api/v1/key-users", data = "<input>")]
async fn api_designate(
    db: Db,
    actor: Actor,
    input: JsonBody<Designation>,
) -> Result<(Status, Json<KeyUserView>), AppError> {
    let input = input.into_inner();
    let key_user = db
        .run(move |conn| cascade::designate(conn, &actor, &input))
        .await?;
    Ok((Status::Created, Json(key_user)))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct Reason {
    pub reason: Option<String>,
}

#[delete("/api/v1/key-users/<id>", data = "<body>")]
async fn api_withdraw(
    db: Db,
    actor: Actor,
    id: i64,
    body: Option<JsonBody<Reason>>,
) -> Result<Json<KeyUserView>, AppError> {
    let reason = body.and_then(|b| b.0.reason);
    Ok(Json(
        db.run(move |conn| cascade::withdraw(conn, &actor, id, reason.as_deref()))
            .await?,
    ))
}

/// A planner certifies a key user by hand, with the reason (e.g. trained elsewhere).
#[post("/api/v1/key-users/<id>/certify", data = "<body>")]
async fn api_certify(
    db: Db,
    actor: Actor,
    id: i64,
    body: JsonBody<Reason>,
) -> Result<Json<KeyUserView>, AppError> {
    let reason = body.0.reason;
    Ok(Json(
        db.run(move |conn| cascade::certify(conn, &actor, id, reason.as_deref()))
            .await?,
    ))
}

#[post("/key-users/<id>/certify", data = "<form>")]
async fn certify(
    page: PageContext,
    db: Db,
    actor: Actor,
    id: i64,
    form: CsrfForm<Confirm>,
) -> FormResponse {
    let reason = form.0.reason;
    let certify = move |conn: &mut _| cascade::certify(conn, &actor, id, reason.as_deref());
    confirmed(
        &db,
        page.locale(),
        certify,
        "/key-users",
        "key-user-certified",
    )
    .await
}

#[post("/key-users", data = "<form>")]
async fn designate(
    page: PageContext,
    db: Db,
    actor: Actor,
    form: CsrfForm<Designation>,
) -> FormResponse {
    let input = form.0;
    db.run(move |conn| cascade::designate(conn, &actor, &input))
        .await?;
    done(
        "/key-users",
        page.locale(),
        Message::new("key-user-designated"),
    )
}

#[post("/key-users/<id>/withdraw", data = "<form>")]
async fn withdraw(
    page: PageContext,
    db: Db,
    actor: Actor,
    id: i64,
    form: CsrfForm<Confirm>,
) -> FormResponse {
    let reason = form.0.reason;
    let withdraw = move |conn: &mut _| cascade::withdraw(conn, &actor, id, reason.as_deref());
    confirmed(
        &db,
        page.locale(),
        withdraw,
        "/key-users",
        "key-user-withdrawn",
    )
    .await
}

pub fn routes() -> Vec<Route> {
    routes![
        index,
        api_index,
        api_designate,
        api_withdraw,
        api_certify,
        designate,
        withdraw,
        certify
    ]
}
