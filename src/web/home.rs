//! The home page: what Formation is, and where each software domain stands across the 38 local
//! authorities. Its JSON twin is `GET /api/v1/domains`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rocket::serde::json::Json;
use rocket::{get, routes, Route};
use serde::Serialize;

use crate::db::Db;
use crate::domain::access::PEOPLE_READERS;
use crate::domain::coverage::{self, AtRisk};
use crate::domain::{catalogue, organizations};
use crate::error::AppError;
use crate::web::auth::CurrentUser;
use crate::web::i18n::Locale;
use crate::web::page::PageContext;
use crate::web::template::Template;

/// A domain with the number of organisations in each membership status.
#[derive(Debug, Serialize)]
pub struct DomainView {
    pub code: String,
    pub name: String,
    pub name_fr: String,
    pub name_nl: String,
    pub name_en: String,
    pub launched_on: Option<NaiveDate>,
    pub memberships: BTreeMap<&'static str, i64>,
}

async fn domain_views(db: &Db, locale: Locale) -> Result<Vec<DomainView>, AppError> {
    db.run(move |conn| {
        let domains = catalogue::all_domains(conn)?;
        let counts = organizations::membership_counts(conn)?;
        Ok(domains
            .into_iter()
            .map(|domain| {
                let mut memberships: BTreeMap<&'static str, i64> =
                    organizations::MembershipStatus::ALL
                        .iter()
                        .map(|status| (status.as_str(), 0))
                        .collect();
                for count in counts.iter().filter(|c| c.domain_id == domain.id) {
                    memberships.insert(count.status.as_str(), count.organizations);
                }
                DomainView {
                    name: domain.name(locale).to_owned(),
                    code: domain.code,
                    name_fr: domain.name_fr,
                    name_nl: domain.name_nl,
                    name_en: domain.name_en,
                    launched_on: domain.launched_on,
                    memberships,
                }
            })
            .collect())
    })
    .await
}

#[derive(Serialize)]
struct HomePage {
    page: PageContext,
    domains: Vec<DomainView>,
    statuses: Vec<&'static str>,
    /// For planners (all) and HR (its organisation): memberships at risk.
    at_risk: Vec<AtRisk>,
}

#[get("/")]
async fn index(page: PageContext, db: Db, user: Option<CurrentUser>) -> Result<Template, AppError> {
    let domains = domain_views(&db, page.locale()).await?;
    let at_risk = match user.map(|u| u.actor()) {
        Some(actor) if PEOPLE_READERS.contains(&actor.role) => {
            db.run(move |conn| coverage::at_risk(conn, &actor)).await?
        }
        _ => Vec::new(),
    };
    Ok(Template::render(
        "home/index",
        HomePage {
            page: page.titled("home-title"),
            at_risk,
            domains,
            statuses: organizations::MembershipStatus::ALL
                .iter()
                .map(|s| s.as_str())
                .collect(),
        },
    ))
}

#[derive(Serialize)]
struct DomainList {
    items: Vec<DomainView>,
    total: usize,
}

#[get("/api/v1/domains")]
async fn api_domains(db: Db, locale: Locale) -> Result<Json<DomainList>, AppError> {
    let items = domain_views(&db, locale).await?;
    Ok(Json(DomainList {
        total: items.len(),
        items,
    }))
}

pub fn routes() -> Vec<Route> {
    routes![index, api_domains]
}
