//! The cascade views: coverage per organisation × domain, and the memberships at risk.

use rocket::serde::json::Json;
use rocket::{get, routes, Route};
use serde::Serialize;

use crate::db::Db;
use crate::domain::access::Actor;
use crate::domain::catalogue::{self, Domain};
use crate::domain::coverage::{self, AtRisk, CoverageFilter, CoverageRow};
use crate::domain::tree::{self, Reach, Trainee, TreeFilter, TreePage, TreeRoot};
use crate::domain::PageRequest;
use crate::error::AppError;
use crate::web::exports::{self, Column, Download};
use crate::web::page::PageContext;
use crate::web::report_key;
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
    let key = report_key("coverage", &actor, &filter);
    let items = db
        .report(key, move |conn| coverage::coverage(conn, &actor, &filter))
        .await?;
    exports::respond(format.as_deref(), "coverage", COVERAGE, &items, || {
        List::of(items.clone())
    })
}

#[get("/api/v1/cascade/at-risk")]
async fn api_at_risk(db: Db, actor: Actor) -> Result<Json<List<AtRisk>>, AppError> {
    let key = report_key("at-risk", &actor, &());
    let items = db
        .report(key, move |conn| coverage::at_risk(conn, &actor))
        .await?;
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
    let key = report_key("coverage-page", &actor, &filter);
    let ((rows, at_risk), domains) = db
        .report(key, move |conn| {
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
    /// Key users the filter keeps, over every page.
    total: i64,
    page: i64,
    per_page: i64,
}

/// The page of key users asked for, or every key user for a file (an export is the whole
/// list); an unknown format is refused before anything is computed.
fn tree_page_request(
    format: Option<&str>,
    page: Option<i64>,
    per_page: Option<i64>,
) -> Result<Option<PageRequest>, AppError> {
    match format.map(str::trim) {
        None | Some("" | "json") => Ok(Some(PageRequest::new(page, per_page))),
        Some("csv" | "xlsx") => Ok(None),
        Some(_) => Err(AppError::invalid(
            "format",
            crate::error::Message::new("field-format-invalid"),
        )),
    }
}

/// The tree's page (or, for a file, every key user) that tree and reach answer, through the
/// report cache: both read the same entry.
async fn tree_for(
    db: &Db,
    actor: Actor,
    format: Option<&str>,
    page: Option<i64>,
    per_page: Option<i64>,
    filter: TreeFilter,
) -> Result<TreePage, AppError> {
    let request = tree_page_request(format, page, per_page)?;
    let key = report_key(
        "tree",
        &actor,
        &(&filter, request.map(|r| (r.page, r.per_page))),
    );
    db.report(key, move |conn| tree::tree(conn, &actor, &filter, request))
        .await
}

/// `GET /api/v1/cascade/tree?domain=&organization=&q=&page=&per_page=&format=json|csv|xlsx`:
/// one page of key users with their trainers and trainees (files: every key user, as the flat
/// trainer → trainee list).
#[get("/api/v1/cascade/tree?<format>&<page>&<per_page>&<filter..>")]
async fn api_tree(
    db: Db,
    actor: Actor,
    format: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
    filter: TreeFilter,
) -> Result<Download<Tree>, AppError> {
    let domain = filter.domain.clone();
    let tree = tree_for(&db, actor, format.as_deref(), page, per_page, filter).await?;
    exports::respond(
        format.as_deref(),
        "cascade-tree",
        TREE,
        &tree_lines(&tree.roots),
        || Tree {
            domain,
            items: tree.roots.clone(),
            total: tree.total,
            page: tree.page,
            per_page: tree.per_page,
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

/// A page of key users' reach in a domain: end users trained, sessions given, no-show rate
/// (files: every key user).
#[get("/api/v1/cascade/reach?<format>&<page>&<per_page>&<filter..>")]
async fn api_reach(
    db: Db,
    actor: Actor,
    format: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
    filter: TreeFilter,
) -> Result<Download<crate::domain::Paged<ReachLine>>, AppError> {
    let tree = tree_for(&db, actor, format.as_deref(), page, per_page, filter).await?;
    let items: Vec<ReachLine> = tree
        .key_users()
        .into_iter()
        .map(|k| ReachLine {
            person_id: k.person_id,
            full_name: k.full_name.clone(),
            organization: k.organization.clone(),
            reach: k.reach.clone().unwrap_or_default(),
        })
        .collect();
    exports::respond(format.as_deref(), "cascade-reach", REACH, &items, || {
        crate::domain::Paged {
            items: items.clone(),
            total: tree.total,
            page: tree.page,
            per_page: tree.per_page,
        }
    })
}

#[derive(Serialize)]
struct TreeView {
    page: PageContext,
    tree: TreePage,
    pages: i64,
    query: String,
    domains: Vec<Domain>,
    filter: TreeFilter,
}

#[get("/cascade/tree?<page>&<per_page>&<filter..>")]
async fn tree_page(
    page_context: PageContext,
    db: Db,
    actor: Actor,
    page: Option<i64>,
    per_page: Option<i64>,
    filter: TreeFilter,
) -> Result<Template, AppError> {
    let mut filter = filter;
    if crate::domain::non_blank(filter.domain.as_deref()).is_none() {
        filter.domain = Some("finance".into());
    }
    let shown = filter.clone();
    let request = PageRequest::new(page, per_page);
    let key = report_key(
        "tree-page",
        &actor,
        &(&filter, request.page, request.per_page),
    );
    let (tree, domains) = db
        .report(key, move |conn| {
            Ok((
                tree::tree(conn, &actor, &filter, Some(request))?,
                catalogue::all_domains(conn)?,
            ))
        })
        .await?;
    Ok(Template::render(
        "cascade/tree",
        TreeView {
            page: page_context.titled("tree-title"),
            pages: tree.pages(),
            tree,
            query: crate::web::forms::pager_query(&shown, request),
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
