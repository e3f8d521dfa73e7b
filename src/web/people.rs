//! People: list, create, edit, deactivate, CSV import, personal-data export and anonymisation.

use rocket::data::{Data, ToByteUnit};
use rocket::form::FromForm;
use rocket::fs::TempFile;
use rocket::http::{Header, Status};
use rocket::serde::json::Json;
use rocket::tokio::io::AsyncReadExt;
use rocket::{get, patch, post, routes, Responder, Route};
use serde::Serialize;
use serde_json::Value;

use crate::db::Db;
use crate::domain::access::{Actor, PEOPLE_MANAGERS};
use crate::domain::organizations::{self, Organization};
use crate::domain::people::{self, ImportReport, PeopleFilter, PersonInput, PersonView};
use crate::domain::{PageRequest, Paged};
use crate::error::{AppError, Message};
use crate::web::auth::{CsrfForm, CurrentUser};
use crate::web::forms::{confirmed, done, redisplay, Confirm, Errors, FormResponse};
use crate::web::input::JsonBody;
use crate::web::page::PageContext;
use crate::web::template::Template;

/// The largest CSV file accepted (an 8,000-row file is about 600 KiB).
pub const MAX_IMPORT_MIB: u64 = 10;

#[derive(Serialize)]
struct PeoplePage {
    page: PageContext,
    people: Paged<PersonView>,
    pages: i64,
    filter: PeopleFilter,
    query: String,
    profiles: Vec<String>,
    organizations: Vec<Organization>,
    can_manage: bool,
}

#[get("/people?<page>&<per_page>&<filter..>")]
async fn index(
    page_context: PageContext,
    db: Db,
    user: CurrentUser,
    filter: PeopleFilter,
    page: Option<i64>,
    per_page: Option<i64>,
) -> Result<Template, AppError> {
    let actor = user.actor();
    let request = PageRequest::new(page, per_page);
    let shown = filter.clone();
    let (people, profiles, organizations) = db
        .run(move |conn| {
            let people = people::list(conn, &actor, &filter, request)?;
            let profiles = people::profiles(conn, &actor)?;
            let organizations = match actor.scope().organization_id() {
                None => organizations::all(conn)?,
                Some(_) => Vec::new(),
            };
            Ok((people, profiles, organizations))
        })
        .await?;
    Ok(Template::render(
        "people/index",
        PeoplePage {
            page: page_context.titled("people-title"),
            pages: people.pages(),
            people,
            query: crate::web::forms::pager_query(&shown, request),
            filter: shown,
            profiles,
            organizations,
            can_manage: PEOPLE_MANAGERS.contains(&user.role()),
        },
    ))
}

#[get("/api/v1/people?<page>&<per_page>&<filter..>")]
async fn api_index(
    db: Db,
    actor: Actor,
    filter: PeopleFilter,
    page: Option<i64>,
    per_page: Option<i64>,
) -> Result<Json<Paged<PersonView>>, AppError> {
    let request = PageRequest::new(page, per_page);
    Ok(Json(
        db.run(move |conn| people::list(conn, &actor, &filter, request))
            .await?,
    ))
}

#[post("/api/v1/people", data = "<input>")]
async fn api_create(
    db: Db,
    actor: Actor,
    input: JsonBody<PersonInput>,
) -> Result<(Status, Json<PersonView>), AppError> {
    let input = input.into_inner();
    let person = db
        .run(move |conn| people::create(conn, &actor, &input))
        .await?;
    Ok((Status::Created, Json(person)))
}

#[get("/api/v1/people/<id>")]
async fn api_show(db: Db, actor: Actor, id: i64) -> Result<Json<PersonView>, AppError> {
    Ok(Json(
        db.run(move |conn| people::get(conn, &actor, id)).await?,
    ))
}

#[patch("/api/v1/people/<id>", data = "<input>")]
async fn api_update(
    db: Db,
    actor: Actor,
    id: i64,
    input: JsonBody<PersonInput>,
) -> Result<Json<PersonView>, AppError> {
    let input = input.into_inner();
    Ok(Json(
        db.run(move |conn| people::update(conn, &actor, id, &input))
            .await?,
    ))
}

#[derive(Serialize)]
struct PersonForm {
    page: PageContext,
    person: Option<PersonView>,
    values: PersonInput,
    errors: Errors,
    organizations: Vec<Organization>,
    can_manage: bool,
}

/// Organisations an admin may pick from (HR adds to its own, so sees no choice).
async fn choosable_organizations(db: &Db, actor: &Actor) -> Result<Vec<Organization>, AppError> {
    if actor.scope().organization_id().is_some() {
        return Ok(Vec::new());
    }
    db.run(organizations::all).await
}

#[get("/people/new")]
async fn new_page(page: PageContext, db: Db, actor: Actor) -> Result<Template, AppError> {
    actor.require(PEOPLE_MANAGERS)?;
    let values = PersonInput {
        language: Some(page.lang.to_owned()),
        ..Default::default()
    };
    Ok(Template::render(
        "people/form",
        PersonForm {
            organizations: choosable_organizations(&db, &actor).await?,
            page: page.titled("person-new-title"),
            person: None,
            values,
            errors: Errors::new(),
            can_manage: true,
        },
    ))
}

#[post("/people", data = "<form>")]
async fn create(
    page: PageContext,
    db: Db,
    actor: Actor,
    form: CsrfForm<PersonInput>,
) -> FormResponse {
    let input = form.0;
    let submitted = input.clone();
    let locale = page.locale();
    let result = {
        let actor = actor.clone();
        db.run(move |conn| people::create(conn, &actor, &submitted))
            .await
    };
    match result {
        Ok(person) => done(
            format!("/people/{}", person.id),
            locale,
            Message::new("person-saved"),
        ),
        Err(error) => {
            let organizations = choosable_organizations(&db, &actor).await?;
            redisplay(locale, error, "people/form", |errors| PersonForm {
                page: page.titled("person-new-title"),
                person: None,
                values: input,
                errors,
                organizations,
                can_manage: true,
            })
        }
    }
}

#[get("/people/<id>")]
async fn show(page: PageContext, db: Db, user: CurrentUser, id: i64) -> Result<Template, AppError> {
    let actor = user.actor();
    let person = db.run(move |conn| people::get(conn, &actor, id)).await?;
    Ok(Template::render(
        "people/form",
        PersonForm {
            page: page.titled("person-title"),
            values: PersonInput::from(&person),
            person: Some(person),
            errors: Errors::new(),
            organizations: Vec::new(),
            can_manage: PEOPLE_MANAGERS.contains(&user.role()),
        },
    ))
}

#[post("/people/<id>", data = "<form>")]
async fn update(
    page: PageContext,
    db: Db,
    actor: Actor,
    id: i64,
    form: CsrfForm<PersonInput>,
) -> FormResponse {
    let input = form.0;
    let submitted = input.clone();
    let locale = page.locale();
    let result = {
        let actor = actor.clone();
        db.run(move |conn| people::update(conn, &actor, id, &submitted))
            .await
    };
    match result {
        Ok(person) => done(
            format!("/people/{}", person.id),
            locale,
            Message::new("person-saved"),
        ),
        Err(error @ AppError::Validation(_)) => {
            let person = db.run(move |conn| people::get(conn, &actor, id)).await?;
            redisplay(locale, error, "people/form", |errors| PersonForm {
                page: page.titled("person-title"),
                person: Some(person),
                values: input,
                errors,
                organizations: Vec::new(),
                can_manage: true,
            })
        }
        Err(other) => Err(other),
    }
}

#[post("/people/<id>/anonymise", data = "<_form>")]
async fn anonymise(
    page: PageContext,
    db: Db,
    actor: Actor,
    id: i64,
    _form: CsrfForm<Confirm>,
) -> FormResponse {
    let anonymise = move |conn: &mut _| people::anonymise(conn, &actor, id);
    let to = format!("/people/{id}");
    confirmed(&db, page.locale(), anonymise, to, "person-anonymised").await
}

#[post("/api/v1/people/<id>/anonymise")]
async fn api_anonymise(db: Db, actor: Actor, id: i64) -> Result<Json<PersonView>, AppError> {
    Ok(Json(
        db.run(move |conn| people::anonymise(conn, &actor, id))
            .await?,
    ))
}

/// The export as a file to save.
#[derive(Responder)]
struct Download {
    body: Json<Value>,
    disposition: Header<'static>,
}

#[get("/people/<id>/export")]
async fn export(db: Db, actor: Actor, id: i64) -> Result<Download, AppError> {
    let data = db.run(move |conn| people::export(conn, &actor, id)).await?;
    Ok(Download {
        body: Json(data),
        disposition: Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"person-{id}.json\""),
        ),
    })
}

#[get("/api/v1/people/<id>/export")]
async fn api_export(db: Db, actor: Actor, id: i64) -> Result<Json<Value>, AppError> {
    Ok(Json(
        db.run(move |conn| people::export(conn, &actor, id)).await?,
    ))
}

#[derive(Serialize)]
struct ImportPage {
    page: PageContext,
    organizations: Vec<Organization>,
    columns: [&'static str; 5],
    errors: Errors,
    report: Option<ImportReport>,
    max_mib: u64,
}

async fn import_page_for(
    db: &Db,
    page: PageContext,
    actor: &Actor,
    errors: Errors,
    report: Option<ImportReport>,
) -> Result<ImportPage, AppError> {
    Ok(ImportPage {
        organizations: choosable_organizations(db, actor).await?,
        page: page.titled("import-title"),
        columns: people::CSV_COLUMNS,
        errors,
        report,
        max_mib: MAX_IMPORT_MIB,
    })
}

#[get("/people/import")]
async fn import_page(page: PageContext, db: Db, actor: Actor) -> Result<Template, AppError> {
    actor.require(PEOPLE_MANAGERS)?;
    Ok(Template::render(
        "people/import",
        import_page_for(&db, page, &actor, Errors::new(), None).await?,
    ))
}

#[derive(FromForm)]
pub struct Upload<'r> {
    pub file: Option<TempFile<'r>>,
    pub organization: Option<String>,
}

async fn read_upload(file: Option<TempFile<'_>>) -> Result<Vec<u8>, AppError> {
    let missing = || AppError::invalid("file", Message::new("field-required"));
    let file = file.ok_or_else(missing)?;
    let mut bytes = Vec::new();
    file.open()
        .await
        .map_err(|_| missing())?
        .read_to_end(&mut bytes)
        .await
        .map_err(|_| missing())?;
    Ok(bytes)
}

#[post("/people/import", data = "<form>")]
async fn import(
    page: PageContext,
    db: Db,
    actor: Actor,
    form: CsrfForm<Upload<'_>>,
) -> Result<(Status, Template), AppError> {
    actor.require(PEOPLE_MANAGERS)?;
    let Upload { file, organization } = form.0;
    let locale = page.locale();
    let result = match read_upload(file).await {
        Ok(bytes) => {
            let actor = actor.clone();
            db.run(move |conn| people::import_csv(conn, &actor, organization.as_deref(), &bytes))
                .await
        }
        Err(error) => Err(error),
    };
    let (status, errors, report) = match result {
        Ok(report) => (Status::Ok, Errors::new(), Some(report)),
        Err(AppError::Validation(errors)) => (
            Status::UnprocessableEntity,
            crate::web::errors::translated_fields(locale, &errors),
            None,
        ),
        Err(other) => return Err(other),
    };
    Ok((
        status,
        Template::render(
            "people/import",
            import_page_for(&db, page, &actor, errors, report).await?,
        ),
    ))
}

/// `POST /api/v1/people/import?organization=` with the CSV file as the body (`text/csv`).
#[post("/api/v1/people/import?<organization>", data = "<data>")]
async fn api_import(
    db: Db,
    actor: Actor,
    organization: Option<String>,
    data: Data<'_>,
) -> Result<(Status, Json<ImportReport>), AppError> {
    actor.require(PEOPLE_MANAGERS)?;
    let body = data
        .open(MAX_IMPORT_MIB.mebibytes())
        .into_bytes()
        .await
        .map_err(|_| AppError::invalid("file", Message::new("field-csv-unreadable")))?;
    if !body.is_complete() {
        return Err(AppError::invalid(
            "file",
            Message::new("field-file-too-large").arg("max", MAX_IMPORT_MIB.to_string()),
        ));
    }
    let bytes = body.into_inner();
    let report = db
        .run(move |conn| people::import_csv(conn, &actor, organization.as_deref(), &bytes))
        .await?;
    Ok((Status::Created, Json(report)))
}

pub fn routes() -> Vec<Route> {
    routes![
        index,
        api_index,
        api_create,
        api_show,
        api_update,
        new_page,
        create,
        show,
        update,
        anonymise,
        api_anonymise,
        export,
        api_export,
        import_page,
        import,
        api_import
    ]
}
