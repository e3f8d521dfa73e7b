//! The cascade views: coverage per organisation × domain, and the memberships at risk.

use rocket::serde::json::Json;
use rocket::{get, routes, Route};
use serde::Serialize;

use crate::db::Db;
use crate::domain::access::Actor;
use crate::domain::catalogue::{self, Domain};
use crate::domain::coverage::{
    self, AtRisk, CoverageFilter, CoverageRow, Reach, TreeFilter, TreeRoot,
};
use crate::error::AppError;
use crate::web::exports::{self, Download};
use crate::web::page::PageContext;
use crate::web::template::Template;
use crate::web::List;

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
    actor: Actor,
    format: Option<String>,
    filter: CoverageFilter,
) -> Result<Download<List<CoverageRow>>, AppError> {
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
        || List::of(items.clone()),
    )
}

#[get("/api/v1/cascade/at-risk")]
async fn api_at_risk(db: Db, actor: Actor) -> Result<Json<List<AtRisk>>, AppError> {
    let items = db.run(move |conn| coverage::at_risk(conn, &actor)).await?;
    Ok(Json(List::of(items)))
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
    actor: Actor,
    filter: CoverageFilter,
) -> Result<Template, AppError> {
    let shown = filter.clone();
    let ((rows, at_risk), domains) = db
        .run(move |conn| {
            Ok((
                coverage::coverage_and_risks(conn, &actor, &filter)?,
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

/// The tree as flat rows: trainer → trainee, per level.
fn tree_rows(roots: &[TreeRoot]) -> Vec<Vec<String>> {
    let date =
        |t: &Option<chrono::NaiveDateTime>| t.map(|t| t.date().to_string()).unwrap_or_default();
    let mut rows = Vec::new();
    for root in roots {
        for key_user in &root.key_users {
            rows.push(vec![
                root.trainer.clone().unwrap_or_default(),
                root.organization.clone().unwrap_or_default(),
                key_user.full_name.clone(),
                key_user.organization.clone(),
                "trainer".into(),
                date(&key_user.first_attended),
                key_user.sessions.to_string(),
            ]);
            for end_user in &key_user.trained {
                rows.push(vec![
                    key_user.full_name.clone(),
                    key_user.organization.clone(),
                    end_user.full_name.clone(),
                    end_user.organization.clone(),
                    "end_user".into(),
                    date(&end_user.first_attended),
                    end_user.sessions.to_string(),
                ]);
            }
        }
    }
    rows
}

#[derive(Serialize)]
struct Tree {
    domain: Option<String>,
    items: Vec<TreeRoot>,
}

/// `GET /api/v1/cascade/tree?domain=&organization=&format=json|csv|xlsx` (files are the flat
/// trainer → trainee list).
#[get("/api/v1/cascade/tree?<format>&<filter..>")]
async fn api_tree(
    db: Db,
    actor: Actor,
    format: Option<String>,
    filter: TreeFilter,
) -> Result<Download<Tree>, AppError> {
    let domain = filter.domain.clone();
    let roots = db
        .run(move |conn| coverage::tree(conn, &actor, &filter))
        .await?;
    exports::respond(
        format.as_deref(),
        "cascade-tree",
        &[
            "trainer",
            "trainer_organization",
            "trainee",
            "trainee_organization",
            "tier",
            "first_attended",
            "sessions",
        ],
        tree_rows(&roots).into_iter(),
        || Tree {
            domain,
            items: roots.clone(),
        },
    )
}

#[derive(Clone, Serialize)]
struct ReachLine {
    person_id: i64,
    full_name: String,
    organization: String,
    #[serde(flatten)]
    reach: Reach,
}

/// Each key user's reach in a domain: end users trained, sessions given, no-show rate.
#[get("/api/v1/cascade/reach?<format>&<filter..>")]
async fn api_reach(
    db: Db,
    actor: Actor,
    format: Option<String>,
    filter: TreeFilter,
) -> Result<Download<List<ReachLine>>, AppError> {
    let roots = db
        .run(move |conn| coverage::tree(conn, &actor, &filter))
        .await?;
    let items: Vec<ReachLine> = roots
        .iter()
        .flat_map(|root| root.key_users.iter())
        .map(|k| ReachLine {
            person_id: k.person_id,
            full_name: k.full_name.clone(),
            organization: k.organization.clone(),
            reach: k.reach.clone().unwrap_or_default(),
        })
        .collect();
    exports::respond(
        format.as_deref(),
        "cascade-reach",
        &[
            "person_id",
            "full_name",
            "organization",
            "end_users_trained",
            "sessions_given",
            "attended",
            "absent",
            "no_show_rate",
        ],
        items.iter().map(|l| {
            vec![
                l.person_id.to_string(),
                l.full_name.clone(),
                l.organization.clone(),
                l.reach.end_users_trained.to_string(),
                l.reach.sessions_given.to_string(),
                l.reach.attended.to_string(),
                l.reach.absent.to_string(),
                l.reach.no_show_rate.to_string(),
            ]
        }),
        || List::of(items.clone()),
    )
}

#[derive(Serialize)]
struct TreePage {
    page: PageContext,
    roots: Vec<TreeRoot>,
    domains: Vec<Domain>,
    filter: TreeFilter,
}

#[get("/cascade/tree?<filter..>")]
async fn tree_page(
    page: PageContext,
    db: Db,
    actor: Actor,
    filter: TreeFilter,
) -> Result<Template, AppError> {
    let mut filter = filter;
    if crate::domain::non_blank(filter.domain.as_deref()).is_none() {
        filter.domain = Some("finance".into());
    }
    let shown = filter.clone();
    let (roots, domains) = db
        .run(move |conn| {
            Ok((
                coverage::tree(conn, &actor, &filter)?,
                catalogue::all_domains(conn)?,
            ))
        })
        .await?;
    Ok(Template::render(
        "cascade/tree",
        TreePage {
            page: page.titled("tree-title"),
            roots,
            domains,
            filter: shown,
        },
    ))
}

pub fn routes() -> Vec<Route> {
    routes![
        api_coverage,
        api_at_risk,
        coverage_page,
        api_tree,
        api_reach,
        tree_page
    ]
}
