//! Organisations and their memberships: the 38 × 5 matrix, one organisation's page, and the
//! membership changes admins and planners make.

use rocket::serde::json::Json;
use rocket::{get, patch, post, put, routes, Route};
use serde::Serialize;

use crate::db::Db;
use crate::domain::access::Actor;
use crate::domain::access::STAFF;
use crate::domain::catalogue::{self, Domain};
use crate::domain::organizations::{
    self, MembershipInput, MembershipStatus, OrganizationSettings, OrganizationView,
};
use crate::error::{AppError, Message};
use crate::web::auth::{CsrfForm, CurrentUser};
use crate::web::forms::{done, FormResponse};
use crate::web::input::JsonBody;
use crate::web::page::PageContext;
use crate::web::template::Template;
use crate::web::List;

#[derive(Serialize)]
struct DomainColumn {
    code: String,
    name: String,
}

async fn domain_columns(db: &Db, page: &PageContext) -> Result<Vec<DomainColumn>, AppError> {
    let locale = page.locale();
    let domains: Vec<Domain> = db.run(catalogue::all_domains).await?;
    Ok(domains
        .into_iter()
        .map(|d| DomainColumn {
            name: d.name(locale).to_owned(),
            code: d.code,
        })
        .collect())
}

#[derive(Serialize)]
struct MatrixPage {
    page: PageContext,
    domains: Vec<DomainColumn>,
    organizations: Vec<OrganizationView>,
}

#[get("/organizations")]
async fn index(page: PageContext, db: Db, _user: CurrentUser) -> Result<Template, AppError> {
    let domains = domain_columns(&db, &page).await?;
    let organizations = db.run(|conn| organizations::views(conn, None)).await?;
    Ok(Template::render(
        "organizations/index",
        MatrixPage {
            page: page.titled("organizations-title"),
            domains,
            organizations,
        },
    ))
}

#[derive(Serialize)]
struct OrganizationPage {
    page: PageContext,
    domains: Vec<DomainColumn>,
    organization: OrganizationView,
    statuses: Vec<&'static str>,
    can_edit: bool,
    can_change_settings: bool,
}

#[get("/organizations/<code>")]
async fn show(
    page: PageContext,
    db: Db,
    user: CurrentUser,
    code: String,
) -> Result<Template, AppError> {
    let domains = domain_columns(&db, &page).await?;
    let actor = user.actor();
    let (organization, can_change_settings) = db
        .run(move |conn| {
            let id = organizations::by_code(conn, &code)?.id;
            let view = organizations::views(conn, Some(&code))?
                .pop()
                .ok_or(AppError::NotFound)?;
            Ok((view, organizations::may_change_settings(&actor, id)))
        })
        .await?;
    Ok(Template::render(
        "organizations/show",
        OrganizationPage {
            page: page.titled("organization-title"),
            domains,
            organization,
            statuses: MembershipStatus::ALL.iter().map(|s| s.as_str()).collect(),
            can_edit: STAFF.contains(&user.role()),
            can_change_settings,
        },
    ))
}

#[get("/api/v1/organizations")]
async fn api_index(db: Db, _user: CurrentUser) -> Result<Json<List<OrganizationView>>, AppError> {
    let items = db.run(|conn| organizations::views(conn, None)).await?;
    Ok(Json(List::of(items)))
}

#[get("/api/v1/organizations/<code>")]
async fn api_show(
    db: Db,
    _user: CurrentUser,
    code: String,
) -> Result<Json<OrganizationView>, AppError> {
    db.run(move |conn| organizations::views(conn, Some(&code)))
        .await?
        .pop()
        .map(Json)
        .ok_or(AppError::NotFound)
}

#[put("/api/v1/organizations/<code>/memberships/<domain>", data = "<input>")]
async fn api_update_membership(
    db: Db,
    actor: Actor,
    code: String,
    domain: String,
    input: JsonBody<MembershipInput>,
) -> Result<Json<OrganizationView>, AppError> {
    let input = input.into_inner();
    Ok(Json(
        db.run(move |conn| organizations::update_membership(conn, &actor, &code, &domain, &input))
            .await?,
    ))
}

#[post("/organizations/<code>/memberships/<domain>", data = "<form>")]
async fn update_membership(
    page: PageContext,
    db: Db,
    actor: Actor,
    code: String,
    domain: String,
    form: CsrfForm<MembershipInput>,
) -> FormResponse {
    let input = form.0;
    let target = format!("/organizations/{code}");
    db.run(move |conn| organizations::update_membership(conn, &actor, &code, &domain, &input))
        .await?;
    done(target, page.locale(), Message::new("membership-saved"))
}

/// `PATCH /api/v1/organizations/{code}` `{requires_enrollment_approval}`.
#[patch("/api/v1/organizations/<code>", data = "<input>")]
async fn api_update_settings(
    db: Db,
    actor: Actor,
    code: String,
    input: JsonBody<OrganizationSettings>,
) -> Result<Json<OrganizationView>, AppError> {
    let input = input.into_inner();
    Ok(Json(
        db.run(move |conn| organizations::update_settings(conn, &actor, &code, &input))
            .await?,
    ))
}

/// The approval setting's form: an unticked box is not sent, so `false` when absent.
#[post("/organizations/<code>/settings", data = "<form>")]
async fn update_settings(
    page: PageContext,
    db: Db,
    actor: Actor,
    code: String,
    form: CsrfForm<OrganizationSettings>,
) -> FormResponse {
    let input = OrganizationSettings {
        requires_enrollment_approval: Some(form.0.requires_enrollment_approval.unwrap_or(false)),
    };
    let target = format!("/organizations/{code}");
    db.run(move |conn| organizations::update_settings(conn, &actor, &code, &input))
        .await?;
    done(
        target,
        page.locale(),
        Message::new("organization-settings-saved"),
    )
}

pub fn routes() -> Vec<Route> {
    routes![
        index,
        show,
        api_index,
        api_show,
        api_update_membership,
        update_membership,
        api_update_settings,
        update_settings
    ]
}
