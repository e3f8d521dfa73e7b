//! The capacity-versus-demand view: `/capacity` and `GET /api/v1/capacity`.

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route};
use serde::Serialize;

use crate::db::Db;
use crate::domain::access::Actor;
use crate::domain::capacity::{
    self, CapacityFilter, CapacityReport, CapacityRow, CellDetail, DemandSource, Suggestion,
};
use crate::domain::catalogue::{self, Domain};
use crate::domain::coverage::AtRisk;
use crate::error::{AppError, Message};
use crate::web::auth::CsrfForm;
use crate::web::exports::{self, Column, Download};
use crate::web::forms::{done, FormResponse};
use crate::web::input::JsonBody;
use crate::web::page::PageContext;
use crate::web::report_key;
use crate::web::template::Template;

/// The JSON answer: the rows (DESIGN §5), the totals per period and for the year, at-risk
/// memberships.
#[derive(Serialize)]
struct CapacityList {
    year: i32,
    granularity: capacity::Granularity,
    periods: Vec<String>,
    items: Vec<CapacityRow>,
    total: usize,
    totals: Vec<CapacityRow>,
    at_risk: Vec<AtRisk>,
    suggestions: Vec<Suggestion>,
}

const COLUMNS: &[Column<CapacityRow>] = &[
    Column::new("period", |r| r.period.clone()),
    Column::new("domain", |r| r.domain.clone()),
    Column::new("tier", |r| r.tier.clone()),
    Column::new("language", |r| r.language.clone()),
    Column::new("demand", |r| r.demand.to_string()),
    Column::new("capacity", |r| r.capacity.to_string()),
    Column::new("seats_taken", |r| r.seats_taken.to_string()),
    Column::new("free_seats", |r| r.free_seats.to_string()),
    Column::new("gap", |r| r.gap.to_string()),
    Column::new("fill_rate", |r| r.fill_rate.to_string()),
];

/// `GET /api/v1/capacity?year=&granularity=&domain=&tier=&language=&organization=&format=`.
#[get("/api/v1/capacity?<format>&<filter..>")]
async fn api_capacity(
    db: Db,
    actor: Actor,
    format: Option<String>,
    filter: CapacityFilter,
) -> Result<Download<CapacityList>, AppError> {
    let key = report_key("capacity", &actor, &filter);
    let report = db
        .report(key, move |conn| capacity::report(conn, &actor, &filter))
        .await?;
    exports::respond(
        format.as_deref(),
        "capacity",
        COLUMNS,
        &report.items,
        || CapacityList {
            year: report.year,
            granularity: report.granularity,
            periods: report.periods.clone(),
            total: report.items.len(),
            items: report.items.clone(),
            totals: report.totals.clone(),
            at_risk: report.at_risk.clone(),
            suggestions: report.suggestions.clone(),
        },
    )
}

/// One period's bars in the chart, in SVG units.
#[derive(Serialize)]
struct Bar {
    label: String,
    demand: i64,
    capacity: i64,
    x: i64,
    demand_y: i64,
    demand_height: i64,
    capacity_y: i64,
    capacity_height: i64,
}

const CHART_HEIGHT: i64 = 160;
const BAR_WIDTH: i64 = 18;
const PERIOD_WIDTH: i64 = 56;

/// Demand and capacity per period, scaled to the tallest bar.
fn chart(totals: &[CapacityRow]) -> Vec<Bar> {
    let periods = &totals[..totals.len().saturating_sub(1)];
    let top = periods
        .iter()
        .map(|t| t.demand.max(t.capacity))
        .max()
        .unwrap_or(0)
        .max(1);
    periods
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let height = |n: i64| n * CHART_HEIGHT / top;
            Bar {
                label: t.period.clone(),
                demand: t.demand,
                capacity: t.capacity,
                x: 40 + i as i64 * PERIOD_WIDTH,
                demand_y: 10 + CHART_HEIGHT - height(t.demand),
                demand_height: height(t.demand),
                capacity_y: 10 + CHART_HEIGHT - height(t.capacity),
                capacity_height: height(t.capacity),
            }
        })
        .collect()
}

#[derive(Serialize)]
struct Line {
    row: CapacityRow,
    sources: Vec<DemandSource>,
}

#[derive(Serialize)]
struct CapacityPage {
    page: PageContext,
    report: CapacityReport,
    lines: Vec<Line>,
    bars: Vec<Bar>,
    chart_width: i64,
    bar_width: i64,
    domains: Vec<Domain>,
    filter: CapacityFilter,
}

#[get("/capacity?<filter..>")]
async fn capacity_page(
    page: PageContext,
    db: Db,
    actor: Actor,
    filter: CapacityFilter,
) -> Result<Template, AppError> {
    let asked = filter.clone();
    let key = report_key("capacity-page", &actor, &asked);
    let (mut report, domains) = db
        .report(key, move |conn| {
            Ok((
                capacity::report(conn, &actor, &asked)?,
                catalogue::all_domains(conn)?,
            ))
        })
        .await?;
    let lines = report
        .items
        .iter()
        .cloned()
        .zip(std::mem::take(&mut report.sources))
        .map(|(row, sources)| Line { row, sources })
        .collect();
    let bars = chart(&report.totals);
    Ok(Template::render(
        "capacity/index",
        CapacityPage {
            page: page.titled("capacity-title"),
            chart_width: 40 + bars.len() as i64 * PERIOD_WIDTH,
            bar_width: BAR_WIDTH,
            bars,
            report,
            lines,
            domains,
            filter,
        },
    ))
}

/// `GET /api/v1/capacity/cell?period=&year=&granularity=&domain=&tier=&language=&organization=`:
/// one row and the people and shortfalls behind its demand.
#[get("/api/v1/capacity/cell?<period>&<filter..>")]
async fn api_cell(
    db: Db,
    actor: Actor,
    period: Option<String>,
    filter: CapacityFilter,
) -> Result<Json<CellDetail>, AppError> {
    Ok(Json(
        db.report(
            report_key("capacity-cell", &actor, &(&filter, &period)),
            move |conn| capacity::cell(conn, &actor, &filter, period.as_deref()),
        )
        .await?,
    ))
}

#[derive(Serialize)]
struct CellPage {
    page: PageContext,
    detail: CellDetail,
    filter: CapacityFilter,
    period: Option<String>,
}

#[get("/capacity/cell?<period>&<filter..>")]
async fn cell_page(
    page: PageContext,
    db: Db,
    actor: Actor,
    period: Option<String>,
    filter: CapacityFilter,
) -> Result<Template, AppError> {
    let (asked, asked_period) = (filter.clone(), period.clone());
    let key = report_key("capacity-cell", &actor, &(&asked, &asked_period));
    let detail = db
        .report(key, move |conn| {
            capacity::cell(conn, &actor, &asked, asked_period.as_deref())
        })
        .await?;
    Ok(Template::render(
        "capacity/cell",
        CellPage {
            page: page.titled("capacity-cell-title"),
            detail,
            filter,
            period,
        },
    ))
}

#[derive(Serialize)]
struct Created {
    items: Vec<i64>,
    total: usize,
}

/// Turns a suggestion into draft sessions; 201 with their ids.
#[post("/api/v1/capacity/suggestions", data = "<input>")]
async fn api_create_suggested(
    db: Db,
    actor: Actor,
    input: JsonBody<Suggestion>,
) -> Result<(Status, Json<Created>), AppError> {
    let suggestion = input.into_inner();
    let items = db
        .run(move |conn| capacity::create_suggested(conn, &actor, &suggestion))
        .await?;
    Ok((
        Status::Created,
        Json(Created {
            total: items.len(),
            items,
        }),
    ))
}

#[post("/capacity/suggestions", data = "<form>")]
async fn create_suggested(
    page: PageContext,
    db: Db,
    actor: Actor,
    form: CsrfForm<Suggestion>,
) -> FormResponse {
    let suggestion = form.0;
    let items = db
        .run(move |conn| capacity::create_suggested(conn, &actor, &suggestion))
        .await?;
    done(
        "/sessions?status=draft",
        page.locale(),
        Message::new("capacity-suggestion-created").arg("count", items.len().to_string()),
    )
}

pub fn routes() -> Vec<Route> {
    routes![
        api_capacity,
        capacity_page,
        api_create_suggested,
        create_suggested,
        api_cell,
        cell_page
    ]
}
