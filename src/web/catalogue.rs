//! The catalogue (modules by domain and tier, public) and venues; planners manage both.

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{get, patch, post, routes, Route};
use serde::Serialize;

use crate::db::Db;
use crate::domain::access::Actor;
use crate::domain::access::STAFF;
use crate::domain::catalogue::{
    self, Domain, ModuleFilter, ModuleInput, ModuleView, Venue, VenueInput, CATALOGUE_MANAGERS,
};
use crate::domain::interests::InterestInput;
use crate::domain::sessions::{self, SessionFilter, SessionView};
use crate::domain::PageRequest;
use crate::error::{AppError, Message};
use crate::web::auth::{CsrfForm, CurrentUser};
use crate::web::forms::{done, redisplay, Errors, FormResponse};
use crate::web::input::JsonBody;
use crate::web::page::PageContext;
use crate::web::template::Template;
use crate::web::List;

#[derive(Serialize)]
struct CataloguePage {
    page: PageContext,
    domains: Vec<Domain>,
    modules: Vec<ModuleView>,
    filter: ModuleFilter,
    can_manage: bool,
}

#[get("/catalogue?<filter..>")]
async fn index(
    page: PageContext,
    db: Db,
    user: Option<CurrentUser>,
    filter: ModuleFilter,
) -> Result<Template, AppError> {
    let shown = filter.clone();
    let (domains, modules) = db
        .run(move |conn| {
            Ok((
                catalogue::all_domains(conn)?,
                catalogue::modules(conn, &filter)?,
            ))
        })
        .await?;
    Ok(Template::render(
        "catalogue/index",
        CataloguePage {
            page: page.titled("catalogue-title"),
            domains,
            modules,
            filter: shown,
            can_manage: user.is_some_and(|u| STAFF.contains(&u.role())),
        },
    ))
}

#[get("/api/v1/modules?<filter..>")]
async fn api_index(db: Db, filter: ModuleFilter) -> Result<Json<List<ModuleView>>, AppError> {
    let items = db
        .run(move |conn| catalogue::modules(conn, &filter))
        .await?;
    Ok(Json(List::of(items)))
}

#[get("/api/v1/modules/<code>")]
async fn api_show(db: Db, code: String) -> Result<Json<ModuleView>, AppError> {
    Ok(Json(
        db.run(move |conn| catalogue::module(conn, &code)).await?,
    ))
}

#[post("/api/v1/modules", data = "<input>")]
async fn api_create(
    db: Db,
    actor: Actor,
    input: JsonBody<ModuleInput>,
) -> Result<(Status, Json<ModuleView>), AppError> {
    let input = input.into_inner();
    let module = db
        .run(move |conn| catalogue::create_module(conn, &actor, &input))
        .await?;
    Ok((Status::Created, Json(module)))
}

#[patch("/api/v1/modules/<code>", data = "<input>")]
async fn api_update(
    db: Db,
    actor: Actor,
    code: String,
    input: JsonBody<ModuleInput>,
) -> Result<Json<ModuleView>, AppError> {
    let input = input.into_inner();
    Ok(Json(
        db.run(move |conn| catalogue::update_module(conn, &actor, &code, &input))
            .await?,
    ))
}

#[derive(Serialize)]
struct ModulePage {
    page: PageContext,
    module: Option<ModuleView>,
    values: ModuleInput,
    errors: Errors,
    domains: Vec<Domain>,
    modules: Vec<ModuleView>,
    sessions: Vec<SessionView>,
    can_manage: bool,
    signed_in: bool,
    interest: InterestInput,
}

async fn module_page(
    db: &Db,
    page: PageContext,
    user: Option<&CurrentUser>,
    code: Option<String>,
    values: Option<ModuleInput>,
    errors: Errors,
) -> Result<ModulePage, AppError> {
    let viewer = user.map(CurrentUser::actor);
    let (module, domains, modules, sessions) = db
        .run(move |conn| {
            let module = code.map(|c| catalogue::module(conn, &c)).transpose()?;
            let sessions = match &module {
                Some(m) => {
                    let filter = SessionFilter {
                        module: Some(m.code.clone()),
                        from: Some(crate::domain::now().date().to_string()),
                        ..Default::default()
                    };
                    sessions::list(conn, viewer.as_ref(), &filter, PageRequest::default())?.items
                }
                None => Vec::new(),
            };
            Ok((
                module,
                catalogue::all_domains(conn)?,
                catalogue::modules(conn, &ModuleFilter::default())?,
                sessions,
            ))
        })
        .await?;
    let values =
        values.unwrap_or_else(|| module.as_ref().map(ModuleInput::from).unwrap_or_default());
    Ok(ModulePage {
        page: page.titled(if module.is_some() {
            "module-title"
        } else {
            "module-new-title"
        }),
        interest: InterestInput {
            module: module.as_ref().map(|m| m.code.clone()),
            ..Default::default()
        },
        module,
        values,
        errors,
        domains,
        modules,
        sessions,
        can_manage: user.is_some_and(|u| CATALOGUE_MANAGERS.contains(&u.role())),
        signed_in: user.is_some(),
    })
}

#[get("/modules/new")]
async fn new_page(page: PageContext, db: Db, user: CurrentUser) -> Result<Template, AppError> {
    user.actor().require(CATALOGUE_MANAGERS)?;
    let context = module_page(&db, page, Some(&user), None, None, Errors::new()).await?;
    Ok(Template::render("catalogue/module", context))
}

#[get("/modules/<code>")]
async fn show(
    page: PageContext,
    db: Db,
    user: Option<CurrentUser>,
    code: String,
) -> Result<Template, AppError> {
    let context = module_page(&db, page, user.as_ref(), Some(code), None, Errors::new()).await?;
    Ok(Template::render("catalogue/module", context))
}

async fn save_module(
    page: PageContext,
    db: Db,
    user: CurrentUser,
    code: Option<String>,
    input: ModuleInput,
) -> FormResponse {
    let actor = user.actor();
    let locale = page.locale();
    let submitted = input.clone();
    let target = code.clone();
    let result = db
        .run(move |conn| match &target {
            Some(code) => catalogue::update_module(conn, &actor, code, &submitted),
            None => catalogue::create_module(conn, &actor, &submitted),
        })
        .await;
    match result {
        Ok(module) => done(
            format!("/modules/{}", module.code),
            locale,
            Message::new("module-saved"),
        ),
        Err(AppError::Validation(errors)) => {
            let context =
                module_page(&db, page, Some(&user), code, Some(input), Errors::new()).await?;
            redisplay(
                locale,
                AppError::Validation(errors),
                "catalogue/module",
                |errors| ModulePage { errors, ..context },
            )
        }
        Err(other) => Err(other),
    }
}

#[post("/modules", data = "<form>")]
async fn create(
    page: PageContext,
    db: Db,
    user: CurrentUser,
    form: CsrfForm<ModuleInput>,
) -> FormResponse {
    save_module(page, db, user, None, form.0).await
}

#[post("/modules/<code>", data = "<form>")]
async fn update(
    page: PageContext,
    db: Db,
    user: CurrentUser,
    code: String,
    form: CsrfForm<ModuleInput>,
) -> FormResponse {
    save_module(page, db, user, Some(code), form.0).await
}

#[derive(Serialize)]
struct VenuesPage {
    page: PageContext,
    venues: Vec<Venue>,
    values: VenueInput,
    errors: Errors,
}

#[get("/venues")]
async fn venues(page: PageContext, db: Db, user: CurrentUser) -> Result<Template, AppError> {
    user.actor().require(CATALOGUE_MANAGERS)?;
    let venues = db.run(catalogue::venues).await?;
    Ok(Template::render(
        "catalogue/venues",
        VenuesPage {
            page: page.titled("venues-title"),
            venues,
            values: VenueInput::default(),
            errors: Errors::new(),
        },
    ))
}

async fn save_venue_form(
    page: PageContext,
    db: Db,
    actor: Actor,
    id: Option<i64>,
    input: VenueInput,
) -> FormResponse {
    let locale = page.locale();
    let submitted = input.clone();
    match db
        .run(move |conn| catalogue::save_venue(conn, &actor, id, &submitted))
        .await
    {
        Ok(_) => done("/venues", locale, Message::new("venue-saved")),
        Err(error @ AppError::Validation(_)) => {
            let venues = db.run(catalogue::venues).await?;
            redisplay(locale, error, "catalogue/venues", |errors| VenuesPage {
                page: page.titled("venues-title"),
                venues,
                values: input,
                errors,
            })
        }
        Err(other) => Err(other),
    }
}

#[post("/venues", data = "<form>")]
async fn create_venue(
    page: PageContext,
    db: Db,
    actor: Actor,
    form: CsrfForm<VenueInput>,
) -> FormResponse {
    save_venue_form(page, db, actor, None, form.0).await
}

#[post("/venues/<id>", data = "<form>")]
async fn update_venue(
    page: PageContext,
    db: Db,
    actor: Actor,
    id: i64,
    form: CsrfForm<VenueInput>,
) -> FormResponse {
    save_venue_form(page, db, actor, Some(id), form.0).await
}

#[get("/api/v1/venues")]
async fn api_venues(db: Db) -> Result<Json<List<Venue>>, AppError> {
    let items = db.run(catalogue::venues).await?;
    Ok(Json(List::of(items)))
}

#[post("/api/v1/venues", data = "<input>")]
async fn api_create_venue(
    db: Db,
    actor: Actor,
    input: JsonBody<VenueInput>,
) -> Result<(Status, Json<Venue>), AppError> {
    let input = input.into_inner();
    let venue = db
        .run(move |conn| catalogue::save_venue(conn, &actor, None, &input))
        .await?;
    Ok((Status::Created, Json(venue)))
}

#[patch("/api/v1/venues/<id>", data = "<input>")]
async fn api_update_venue(
    db: Db,
    actor: Actor,
    id: i64,
    input: JsonBody<VenueInput>,
) -> Result<Json<Venue>, AppError> {
    let input = input.into_inner();
    Ok(Json(
        db.run(move |conn| catalogue::save_venue(conn, &actor, Some(id), &input))
            .await?,
    ))
}

pub fn routes() -> Vec<Route> {
    routes![
        index,
        api_index,
        api_show,
        api_create,
        api_update,
        new_page,
        show,
        create,
        update,
        venues,
        create_venue,
        update_venue,
        api_venues,
        api_create_venue,
        api_update_venue
    ]
}
