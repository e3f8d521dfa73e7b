//! The cascade views: coverage per organisation × domain, and the memberships at risk.

use rocket::serde::json::Json;
use rocket::{get, routes, Route};
use rocket_dyn_templates::Template;
use serde::Serialize;

use crate::db::Db;
use crate::domain::catalogue::{self, Domain};
use crate::domain::coverage::{self, AtRisk, CoverageFilter, CoverageRow};
use crate::error::AppError;
use crate::web::auth::CurrentUser;
use crate::web::exports::{self, Download};
use crate::web::page::PageContext;

#[derive(Serialize)]
struct CoverageList {
    items: Vec<CoverageRow>,
    total: usize,
}

const COLUMNS: [&str; 11] = [
    "organization",
    "domain",
    "membership_status",
    "go_live_on",
    "key_users_designated",
    "key_users_trained",
    "key_users_certified",
    "required_key_users",
    "end_users_targeted",
    "end_users_trained",
    "coverage",
];

/// `GET /api/v1/cascade/coverage?domain=&organization=&format=json|csv|xlsx`.
#[get("/api/v1/cascade/coverage?<format>&<filter..>")]
async fn api_coverage(
    db: Db,
    user: CurrentUser,
    format: Option<String>,
    filter: CoverageFilter,
) -> Result<Download<CoverageList>, AppError> {
    let actor = user.actor();
    let items = db
        .run(move |conn| coverage::coverage(conn, &actor, &filter))
        .await?;
    exports::respond(
        format.as_deref(),
        "coverage",
        &COLUMNS,
        items.iter().map(|r| {
            vec![
                r.organization.clone(),
                r.domain.clone(),
                r.membership_status.clone(),
                r.go_live_on.map(|d| d.to_string()).unwrap_or_default(),
                r.key_users_designated.to_string(),
                r.key_users_trained.to_string(),
                r.key_users_certified.to_string(),
                r.required_key_users.to_string(),
                r.end_users_targeted.to_string(),
                r.end_users_trained.to_string(),
                r.coverage.to_string(),
            ]
        }),
        || CoverageList {
            total: items.len(),
            items: items.clone(),
        },
    )
}

#[derive(Serialize)]
struct RiskList {
    items: Vec<AtRisk>,
    total: usize,
}

#[get("/api/v1/cascade/at-risk")]
async fn api_at_risk(db: Db, user: CurrentUser) -> Result<Json<RiskList>, AppError> {
    let actor = user.actor();
    let items = db.run(move |conn| coverage::at_risk(conn, &actor)).await?;
    Ok(Json(RiskList {
        total: items.len(),
        items,
    }))
}

#[derive(Serialize)]
struct CoveragePage {
    page: PageContext,
    rows: Vec<CoverageRow>,
    at_risk: Vec<AtRisk>,
    domains: Vec<Domain>,
    filter: CoverageFilter,
}

#[get("/cascade/coverage?<filter..>")]
async fn coverage_page(
    page: PageContext,
    db: Db,
    user: CurrentUser,
    filter: CoverageFilter,
) -> Result<Template, AppError> {
    let actor = user.actor();
    let shown = filter.clone();
    let (rows, at_risk, domains) = db
        .run(move |conn| {
            Ok((
                coverage::coverage(conn, &actor, &filter)?,
                coverage::at_risk(conn, &actor)?,
                catalogue::all_domains(conn)?,
            ))
        })
        .await?;
    Ok(Template::render(
        "cascade/coverage",
        CoveragePage {
            page: page.titled("coverage-title"),
            rows,
            at_risk,
            domains,
            filter: shown,
        },
    ))
}

pub fn routes() -> Vec<Route> {
    routes![api_coverage, api_at_risk, coverage_page]
}
