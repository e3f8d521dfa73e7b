//! The cascade views: coverage per organisation × domain, and the memberships at risk.

use rocket::serde::json::Json;
use rocket::{get, routes, Route};
use serde::Serialize;

use crate::db::Db;
use crate::domain::access::Actor;
use crate::domain::catalogue::{self, Domain};
use crate::domain::coverage::{
    self, AtRisk, CoverageFilter, CoverageRow, Reach, Trainee, TreeFilter, TreeRoot,
};
use crate::error::AppError;
use crate::web::exports::{self, Column, Download};
use crate::web::page::PageContext;
use crate::web::template::Template;
use crate::web::List;

const COVERAGE: &[Column<CoverageRow>] = &[
    Column::new("organization", |r| r.organization.clone()),
    Column::new("domain", |r| r.domain.clone()),
    Column::new("membership_status", |r| r.membership_status.clone()),
    Column::new("go_live_on", |r| exports::or_blank(&r.go_live_on)),
    Column::new("key_users_designated", |r| {
        r.key_users_designated.to_string()
    }),
    Column::new("key_users_trained", |r| r.key_users_trained.to_string()),
    Column::new("key_users_certified", |r| r.key_users_certified.to_string()),
    Column::new("required_key_users", |r| r.required_key_users.to_string()),
    Column::new("end_users_targeted", |r| r.end_users_targeted.to_string()),
    Column::new("end_users_trained", |r| r.end_users_trained.to_string()),
    Column::new("coverage", |r| r.coverage.to_string()),
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
    exports::respond(format.as_deref(), "coverage", COVERAGE, &items, || {
        List::of(items.clone())
    })
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

/// One line of the tree as a file: who trained whom, at which tier.
struct TreeLine {
    trainer: String,
    trainer_organization: String,
    trainee: Trainee,
    tier: &'static str,
}

const TREE: &[Column<TreeLine>] = &[
    Column::new("trainer", |l| l.trainer.clone()),
    Column::new("trainer_organization", |l| l.trainer_organization.clone()),
    Column::new("trainee", |l| l.trainee.full_name.clone()),
    Column::new("trainee_organization", |l| l.trainee.organization.clone()),
    Column::new("tier", |l| l.tier.to_owned()),
    Column::new("first_attended", |l| {
        exports::or_blank(&l.trainee.first_attended.map(|t| t.date()))
    }),
    Column::new("sessions", |l| l.trainee.sessions.to_string()),
];

/// The tree as flat lines: trainer → key user, then key user → end user.
fn tree_lines(roots: &[TreeRoot]) -> Vec<TreeLine> {
    let mut lines = Vec::new();
    for root in roots {
        for key_user in &root.key_users {
            lines.push(TreeLine {
                trainer: root.trainer.clone().unwrap_or_default(),
                trainer_organization: root.organization.clone().unwrap_or_default(),
                trainee: Trainee {
                    trained: Vec::new(),
                    ..key_user.clone()
                },
                tier: "trainer",
            });
            for end_user in &key_user.trained {
                lines.push(TreeLine {
                    trainer: key_user.full_name.clone(),
                    trainer_organization: key_user.organization.clone(),
                    trainee: end_user.clone(),
                    tier: "end_user",
                });
            }
        }
    }
    lines
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
        TREE,
        &tree_lines(&roots),
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

const REACH: &[Column<ReachLine>] = &[
    Column::new("person_id", |l| l.person_id.to_string()),
    Column::new("full_name", |l| l.full_name.clone()),
    Column::new("organization", |l| l.organization.clone()),
    Column::new("end_users_trained", |l| {
        l.reach.end_users_trained.to_string()
    }),
    Column::new("sessions_given", |l| l.reach.sessions_given.to_string()),
    Column::new("attended", |l| l.reach.attended.to_string()),
    Column::new("absent", |l| l.reach.absent.to_string()),
    Column::new("no_show_rate", |l| l.reach.no_show_rate.to_string()),
];

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
    exports::respond(format.as_deref(), "cascade-reach", REACH, &items, || {
        List::of(items.clone())
    })
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
