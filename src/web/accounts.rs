//! Accounts (admins: any; HR: member accounts of its people) and registration requests.

use rocket::form::FromForm;
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};
use serde::{Deserialize, Serialize};

use crate::config::Settings;
use crate::db::Db;
use crate::domain::access::Actor;
use crate::domain::accounts::{self, AccountRequest, AccountView, FirstPassword, Role};
use crate::domain::organizations::{self, Organization};
use crate::domain::registrations::{self, RequestView};
use crate::domain::{non_blank, PageRequest, Paged};
use crate::error::{AppError, Message};
use crate::web::auth::{CsrfForm, CurrentUser};
use crate::web::forms::{confirmed, done, redisplay, Confirm, Errors, FormResponse};
use crate::web::i18n::Locale;
use crate::web::input::JsonBody;
use crate::web::page::PageContext;
use crate::web::template::Template;
use crate::web::List;

/// The body of `POST /api/v1/accounts` and of the account form. Without a password, the
/// person is e-mailed an invitation.
#[derive(Debug, Clone, Default, Serialize, Deserialize, FromForm)]
pub struct AccountInput {
    pub email: Option<String>,
    pub role: Option<String>,
    pub organization: Option<String>,
    pub person_id: Option<i64>,
    #[serde(skip_serializing)]
    pub password: Option<String>,
    pub locale: Option<String>,
}

impl AccountInput {
    fn to_request(&self) -> Result<AccountRequest, AppError> {
        let role = match non_blank(self.role.as_deref()) {
            None => Role::Member,
            Some(code) => Role::parse(&code)
                .ok_or_else(|| AppError::invalid("role", Message::new("field-role-not-allowed")))?,
        };
        let locale = match non_blank(self.locale.as_deref()) {
            None => None,
            Some(code) => Some(Locale::parse(&code).ok_or_else(|| {
                AppError::invalid("locale", Message::new("field-language-invalid"))
            })?),
        };
        Ok(AccountRequest {
            email: non_blank(self.email.as_deref()),
            role,
            organization_code: non_blank(self.organization.as_deref()),
            person_id: self.person_id,
            password: match non_blank(self.password.as_deref()) {
                Some(password) => FirstPassword::Given(password),
                None => FirstPassword::Invite,
            },
            locale,
        })
    }
}

async fn create_account(
    db: &Db,
    user: &CurrentUser,
    settings: &Settings,
    input: AccountInput,
) -> Result<AccountView, AppError> {
    let actor = user.actor();
    let public_url = settings.public_url.clone();
    db.run(move |conn| {
        let request = input.to_request()?;
        let account = accounts::create(conn, Some(&actor), &request, &public_url)?;
        accounts::view(conn, account.id)
    })
    .await
}

#[derive(Serialize)]
struct AccountsPage {
    page: PageContext,
    accounts: Vec<AccountView>,
    organizations: Vec<Organization>,
    roles: Vec<&'static str>,
    values: AccountInput,
    errors: Errors,
}

async fn accounts_page(
    db: &Db,
    page: PageContext,
    user: &CurrentUser,
    values: AccountInput,
    errors: Errors,
) -> Result<AccountsPage, AppError> {
    let actor = user.actor();
    let (list, organizations) = db
        .run(move |conn| {
            let list = accounts::list(conn, &actor)?;
            let organizations = match actor.scope().organization_id() {
                None => organizations::all(conn)?,
                Some(_) => Vec::new(),
            };
            Ok((list, organizations))
        })
        .await?;
    let roles = match user.role() {
        Role::Admin => Role::ALL.iter().map(|r| r.as_str()).collect(),
        _ => vec![Role::Member.as_str()],
    };
    Ok(AccountsPage {
        page: page.titled("accounts-title"),
        accounts: list,
        organizations,
        roles,
        values,
        errors,
    })
}

#[get("/accounts")]
async fn index(page: PageContext, db: Db, user: CurrentUser) -> Result<Template, AppError> {
    let context = accounts_page(
        &db,
        page,
        &user,
        <AccountInput as Default>::default(),
        Errors::new(),
    )
    .await?;
    Ok(Template::render("accounts/index", context))
}

#[post("/accounts", data = "<form>")]
async fn create(
    page: PageContext,
    db: Db,
    user: CurrentUser,
    settings: &State<Settings>,
    form: CsrfForm<AccountInput>,
) -> FormResponse {
    let input = form.0;
    let locale = page.locale();
    let values = AccountInput {
        password: None,
        ..input.clone()
    };
    match create_account(&db, &user, settings, input).await {
        Ok(_) => done("/accounts", locale, Message::new("account-created")),
        Err(error @ AppError::Validation(_)) => {
            let context = accounts_page(&db, page, &user, values, Errors::new()).await?;
            redisplay(locale, error, "accounts/index", |errors| AccountsPage {
                errors,
                ..context
            })
        }
        Err(other) => Err(other),
    }
}

#[get("/api/v1/accounts")]
async fn api_index(db: Db, actor: Actor) -> Result<Json<List<AccountView>>, AppError> {
    let items = db.run(move |conn| accounts::list(conn, &actor)).await?;
    Ok(Json(List::of(items)))
}

#[post("/api/v1/accounts", data = "<input>")]
async fn api_create(
    db: Db,
    user: CurrentUser,
    settings: &State<Settings>,
    input: JsonBody<AccountInput>,
) -> Result<(Status, Json<AccountView>), AppError> {
    let account = create_account(&db, &user, settings, input.into_inner()).await?;
    Ok((Status::Created, Json(account)))
}

#[derive(Serialize)]
struct RequestsPage {
    page: PageContext,
    requests: Paged<RequestView>,
    pages: i64,
    all: bool,
    /// The filter, for the pager's links.
    query: String,
}

#[get("/registrations?<all>&<page>&<per_page>")]
async fn requests(
    page_context: PageContext,
    db: Db,
    actor: Actor,
    all: Option<bool>,
    page: Option<i64>,
    per_page: Option<i64>,
) -> Result<Template, AppError> {
    let all = all.unwrap_or(false);
    let request = PageRequest::new(page, per_page);
    let requests = db
        .run(move |conn| registrations::list(conn, &actor, all, request))
        .await?;
    let query = crate::web::forms::pager_query(&serde_json::json!({ "all": all }), request);
    Ok(Template::render(
        "accounts/registrations",
        RequestsPage {
            page: page_context.titled("registrations-title"),
            pages: requests.pages(),
            requests,
            all,
            query,
        },
    ))
}

#[get("/api/v1/registrations?<all>&<page>&<per_page>")]
async fn api_requests(
    db: Db,
    actor: Actor,
    all: Option<bool>,
    page: Option<i64>,
    per_page: Option<i64>,
) -> Result<Json<Paged<RequestView>>, AppError> {
    let request = PageRequest::new(page, per_page);
    Ok(Json(
        db.run(move |conn| registrations::list(conn, &actor, all.unwrap_or(false), request))
            .await?,
    ))
}

#[post("/registrations/<id>/accept", data = "<_form>")]
async fn accept(
    locale: Locale,
    db: Db,
    actor: Actor,
    settings: &State<Settings>,
    id: i64,
    _form: CsrfForm<Confirm>,
) -> FormResponse {
    let public_url = settings.public_url.clone();
    let accept = move |conn: &mut _| registrations::accept(conn, &actor, id, &public_url);
    confirmed(
        &db,
        locale,
        accept,
        "/registrations",
        "registration-accepted",
    )
    .await
}

#[post("/registrations/<id>/refuse", data = "<form>")]
async fn refuse(
    locale: Locale,
    db: Db,
    actor: Actor,
    id: i64,
    form: CsrfForm<Confirm>,
) -> FormResponse {
    let reason = form.0.reason;
    let refuse = move |conn: &mut _| registrations::refuse(conn, &actor, id, reason.as_deref());
    confirmed(
        &db,
        locale,
        refuse,
        "/registrations",
        "registration-refused",
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct Decision {
    pub reason: Option<String>,
}

#[post("/api/v1/registrations/<id>/accept")]
async fn api_accept(
    db: Db,
    actor: Actor,
    settings: &State<Settings>,
    id: i64,
) -> Result<Json<RequestView>, AppError> {
    let public_url = settings.public_url.clone();
    Ok(Json(
        db.run(move |conn| registrations::accept(conn, &actor, id, &public_url))
            .await?,
    ))
}

#[post("/api/v1/registrations/<id>/refuse", data = "<body>")]
async fn api_refuse(
    db: Db,
    actor: Actor,
    id: i64,
    body: Option<JsonBody<Decision>>,
) -> Result<Json<RequestView>, AppError> {
    let reason = body.and_then(|b| b.into_inner().reason);
    Ok(Json(
        db.run(move |conn| registrations::refuse(conn, &actor, id, reason.as_deref()))
            .await?,
    ))
}

pub fn routes() -> Vec<Route> {
    routes![
        index,
        create,
        api_index,
        api_create,
        requests,
        api_requests,
        accept,
        refuse,
        api_accept,
        api_refuse
    ]
}
