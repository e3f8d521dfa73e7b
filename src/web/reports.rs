//! Reports: `/reports/trained` and `GET /api/v1/reports/trained`.

use rocket::{get, routes, Route};
use serde::Serialize;

use crate::db::Db;
use crate::domain::access::Actor;
use crate::domain::catalogue::{self, Domain};
use crate::domain::reports::{self, TrainedFilter, TrainedReport, TrainedRow, TrainedTotal};
use crate::error::AppError;
use crate::web::exports::{self, Column, Download};
use crate::web::page::PageContext;
use crate::web::report_key;
use crate::web::template::Template;

#[derive(Serialize)]
struct TrainedList {
    items: Vec<TrainedRow>,
    total: usize,
    totals: Vec<TrainedTotal>,
}

const COLUMNS: &[Column<TrainedRow>] = &[
    Column::new("year", |r| r.year.to_string()),
    Column::new("domain", |r| r.domain.clone()),
    Column::new("tier", |r| r.tier.clone()),
    Column::new("organization", |r| r.organization.clone()),
    Column::new("profile", |r| exports::or_blank(&r.profile)),
    Column::new("people", |r| r.people.to_string()),
];

/// `GET /api/v1/reports/trained?year=&domain=&organization=&profile=&format=`.
#[get("/api/v1/reports/trained?<format>&<filter..>")]
async fn api_trained(
    db: Db,
    actor: Actor,
    format: Option<String>,
    filter: TrainedFilter,
) -> Result<Download<TrainedList>, AppError> {
    let key = report_key("trained", &actor, &filter);
    let report = db
        .report(key, move |conn| reports::trained(conn, &actor, &filter))
        .await?;
    exports::respond(format.as_deref(), "trained", COLUMNS, &report.items, || {
        TrainedList {
            total: report.items.len(),
            items: report.items.clone(),
            totals: report.totals.clone(),
        }
    })
}

#[derive(Serialize)]
struct TrainedPage {
    page: PageContext,
    report: TrainedReport,
    domains: Vec<Domain>,
    filter: TrainedFilter,
}

#[get("/reports/trained?<filter..>")]
async fn trained_page(
    page: PageContext,
    db: Db,
    actor: Actor,
    filter: TrainedFilter,
) -> Result<Template, AppError> {
    let asked = filter.clone();
    let key = report_key("trained-page", &actor, &asked);
    let (report, domains) = db
        .report(key, move |conn| {
            Ok((
                reports::trained(conn, &actor, &asked)?,
                catalogue::all_domains(conn)?,
            ))
        })
        .await?;
    Ok(Template::render(
        "reports/trained",
        TrainedPage {
            page: page.titled("trained-title"),
            report,
            domains,
            filter,
        },
    ))
}

pub fn routes() -> Vec<Route> {
    routes![api_trained, trained_page]
}
