//! Individual and collective training plans: pages, forms and their JSON twins.

use rocket::serde::json::Json;
use rocket::{get, post, put, routes, Route};
use serde::Serialize;

use crate::db::Db;
use crate::domain::access::Actor;
use crate::domain::now;
use crate::domain::plans::{
    self, CollectivePlan, CollectivePlanInput, IndividualPlan, IndividualPlanInput, PlanItemInput,
    PlanItemView, PlanOverview, TargetInput, TargetView,
};
use crate::error::{AppError, Message};
use crate::web::auth::{CsrfForm, CurrentUser};
use crate::web::exports::{self, Column, Download};
use crate::web::forms::{confirmed, done, labelled_errors, redisplay, Confirm, FormResponse};
use crate::web::input::JsonBody;
use crate::web::page::PageContext;
use crate::web::template::Template;

/// Blank lines offered under a plan's rows for new items or targets.
const BLANK_LINES: usize = 3;

/// A plan's items as a file, each with the plan's year.
const ITEMS: &[Column<(i32, PlanItemView)>] = &[
    Column::new("year", |(year, _)| year.to_string()),
    Column::new("module", |(_, i)| i.module.clone()),
    Column::new("target_on", |(_, i)| exports::or_blank(&i.target_on)),
    Column::new("priority", |(_, i)| i.priority.to_string()),
    Column::new("note", |(_, i)| exports::or_blank(&i.note)),
    Column::new("status", |(_, i)| exports::code(&i.status)),
];

/// Rows that each carry their plan's year.
fn with_year<T: Clone>(year: i32, rows: &[T]) -> Vec<(i32, T)> {
    rows.iter().map(|row| (year, row.clone())).collect()
}

/// `GET /api/v1/people/{id}/plans/{year}` (and `?format=csv|xlsx`: its items).
#[get("/api/v1/people/<id>/plans/<year>?<format>")]
async fn api_individual(
    db: Db,
    actor: Actor,
    id: i64,
    year: i32,
    format: Option<String>,
) -> Result<Download<IndividualPlan>, AppError> {
    let plan = db
        .run(move |conn| plans::individual(conn, &actor, id, year))
        .await?;
    exports::respond(
        format.as_deref(),
        "plan",
        ITEMS,
        &with_year(plan.year, &plan.items),
        || plan.clone(),
    )
}

#[put("/api/v1/people/<id>/plans/<year>", data = "<input>")]
async fn api_save_individual(
    db: Db,
    actor: Actor,
    id: i64,
    year: i32,
    input: JsonBody<IndividualPlanInput>,
) -> Result<Json<IndividualPlan>, AppError> {
    let input = input.into_inner();
    Ok(Json(
        db.run(move |conn| plans::save_individual(conn, &actor, id, year, &input))
            .await?,
    ))
}

#[derive(Serialize)]
struct IndividualPage {
    page: PageContext,
    plan: IndividualPlan,
    /// What the edit form shows: the stored plan, or what was typed when it was refused.
    form: IndividualPlanInput,
    /// The errors, each with the line and field it is about.
    problems: Vec<String>,
    /// The fields in error (`items[1].module`: Tera cannot look such keys up in `errors`).
    invalid: Vec<String>,
}

/// The edit form's lines: the plan's items and a few blank ones.
fn individual_form(plan: &IndividualPlan) -> IndividualPlanInput {
    let mut items: Vec<PlanItemInput> = plan
        .items
        .iter()
        .map(|i| PlanItemInput {
            module: Some(i.module.clone()),
            target_on: i.target_on.map(|d| d.to_string()),
            priority: Some(i.priority),
            note: i.note.clone(),
        })
        .collect();
    items.extend((0..BLANK_LINES).map(|_| PlanItemInput {
        priority: Some(2),
        ..PlanItemInput::default()
    }));
    IndividualPlanInput {
        status: plan.status.map(|s| s.as_str().to_owned()),
        items,
    }
}

async fn individual_page(
    page: PageContext,
    db: &Db,
    user: &CurrentUser,
    id: i64,
    year: i32,
    typed: Option<IndividualPlanInput>,
) -> Result<IndividualPage, AppError> {
    let actor = user.actor();
    let plan = db
        .run(move |conn| plans::individual(conn, &actor, id, year))
        .await?;
    Ok(IndividualPage {
        page: page.titled("plan-title"),
        form: typed.unwrap_or_else(|| individual_form(&plan)),
        plan,
        problems: Vec::new(),
        invalid: Vec::new(),
    })
}

#[get("/people/<id>/plans/<year>")]
async fn individual(
    page: PageContext,
    db: Db,
    user: CurrentUser,
    id: i64,
    year: i32,
) -> Result<Template, AppError> {
    Ok(Template::render(
        "plans/individual",
        individual_page(page, &db, &user, id, year, None).await?,
    ))
}

#[post("/people/<id>/plans/<year>", data = "<form>")]
async fn save_individual(
    page: PageContext,
    db: Db,
    user: CurrentUser,
    id: i64,
    year: i32,
    form: CsrfForm<IndividualPlanInput>,
) -> FormResponse {
    let actor = user.actor();
    let input = form.0;
    let typed = input.clone();
    let locale = page.locale();
    match db
        .run(move |conn| plans::save_individual(conn, &actor, id, year, &input))
        .await
    {
        Ok(_) => done(
            format!("/people/{id}/plans/{year}"),
            locale,
            Message::new("plan-saved"),
        ),
        Err(error) => {
            let context = individual_page(page, &db, &user, id, year, Some(typed)).await?;
            redisplay(locale, error, "plans/individual", |errors| IndividualPage {
                problems: labelled_errors(locale, &errors),
                invalid: errors.keys().cloned().collect(),
                ..context
            })
        }
    }
}

/// A collective plan's targets as a file, each with the plan's year.
const TARGETS: &[Column<(i32, TargetView)>] = &[
    Column::new("year", |(year, _)| year.to_string()),
    Column::new("module", |(_, t)| t.module.clone()),
    Column::new("profile", |(_, t)| exports::or_blank(&t.profile)),
    Column::new("headcount", |(_, t)| t.headcount.to_string()),
    Column::new("due_on", |(_, t)| exports::or_blank(&t.due_on)),
    Column::new("trained", |(_, t)| t.progress.trained.to_string()),
    Column::new("seated", |(_, t)| t.progress.seated.to_string()),
    Column::new("planned", |(_, t)| t.progress.planned.to_string()),
    Column::new("status", |(_, t)| exports::code(&t.status)),
];

/// `GET /api/v1/organizations/{code}/plans/{year}` (and `?format=csv|xlsx`: its targets).
#[get("/api/v1/organizations/<code>/plans/<year>?<format>")]
async fn api_collective(
    db: Db,
    actor: Actor,
    code: String,
    year: i32,
    format: Option<String>,
) -> Result<Download<CollectivePlan>, AppError> {
    let plan = db
        .run(move |conn| plans::collective(conn, &actor, &code, year))
        .await?;
    exports::respond(
        format.as_deref(),
        "collective-plan",
        TARGETS,
        &with_year(plan.year, &plan.targets),
        || plan.clone(),
    )
}

#[put("/api/v1/organizations/<code>/plans/<year>", data = "<input>")]
async fn api_save_collective(
    db: Db,
    actor: Actor,
    code: String,
    year: i32,
    input: JsonBody<CollectivePlanInput>,
) -> Result<Json<CollectivePlan>, AppError> {
    let input = input.into_inner();
    Ok(Json(
        db.run(move |conn| plans::save_collective(conn, &actor, &code, year, &input))
            .await?,
    ))
}

/// Builds a draft plan from the organisation's memberships; 201 with the plan.
#[post("/api/v1/organizations/<code>/plans/<year>/draft")]
async fn api_draft_collective(
    db: Db,
    actor: Actor,
    code: String,
    year: i32,
) -> Result<(rocket::http::Status, Json<CollectivePlan>), AppError> {
    let plan = db
        .run(move |conn| plans::draft_collective(conn, &actor, &code, year))
        .await?;
    Ok((rocket::http::Status::Created, Json(plan)))
}

#[derive(Serialize)]
struct CollectivePage {
    page: PageContext,
    plan: CollectivePlan,
    /// What the edit form shows: the stored targets, or what was typed when refused.
    form: CollectivePlanInput,
    /// The errors, each with the line and field it is about.
    problems: Vec<String>,
    /// The fields in error (`items[1].module`: Tera cannot look such keys up in `errors`).
    invalid: Vec<String>,
}

/// The edit form's lines: the plan's targets and a few blank ones.
fn collective_form(plan: &CollectivePlan) -> CollectivePlanInput {
    let mut targets: Vec<TargetInput> = plan
        .targets
        .iter()
        .map(|t| TargetInput {
            module: Some(t.module.clone()),
            profile: t.profile.clone(),
            headcount: Some(t.headcount),
            due_on: t.due_on.map(|d| d.to_string()),
        })
        .collect();
    targets.extend((0..BLANK_LINES).map(|_| TargetInput::default()));
    CollectivePlanInput {
        status: plan.status.map(|s| s.as_str().to_owned()),
        targets,
    }
}

async fn collective_page(
    page: PageContext,
    db: &Db,
    user: &CurrentUser,
    code: String,
    year: i32,
    typed: Option<CollectivePlanInput>,
) -> Result<CollectivePage, AppError> {
    let actor = user.actor();
    let plan = db
        .run(move |conn| plans::collective(conn, &actor, &code, year))
        .await?;
    Ok(CollectivePage {
        page: page.titled("collective-plan-title"),
        form: typed.unwrap_or_else(|| collective_form(&plan)),
        plan,
        problems: Vec::new(),
        invalid: Vec::new(),
    })
}

#[get("/organizations/<code>/plans/<year>")]
async fn collective(
    page: PageContext,
    db: Db,
    user: CurrentUser,
    code: String,
    year: i32,
) -> Result<Template, AppError> {
    Ok(Template::render(
        "plans/collective",
        collective_page(page, &db, &user, code, year, None).await?,
    ))
}

#[post("/organizations/<code>/plans/<year>", data = "<form>")]
async fn save_collective(
    page: PageContext,
    db: Db,
    user: CurrentUser,
    code: String,
    year: i32,
    form: CsrfForm<CollectivePlanInput>,
) -> FormResponse {
    let actor = user.actor();
    let input = form.0;
    let typed = input.clone();
    let locale = page.locale();
    let asked = code.clone();
    match db
        .run(move |conn| plans::save_collective(conn, &actor, &asked, year, &input))
        .await
    {
        Ok(_) => done(
            format!("/organizations/{code}/plans/{year}"),
            locale,
            Message::new("plan-saved"),
        ),
        Err(error) => {
            let context = collective_page(page, &db, &user, code, year, Some(typed)).await?;
            redisplay(locale, error, "plans/collective", |errors| CollectivePage {
                problems: labelled_errors(locale, &errors),
                invalid: errors.keys().cloned().collect(),
                ..context
            })
        }
    }
}

#[post("/organizations/<code>/plans/<year>/draft", data = "<_form>")]
async fn draft_collective(
    page: PageContext,
    db: Db,
    actor: Actor,
    code: String,
    year: i32,
    _form: CsrfForm<Confirm>,
) -> FormResponse {
    let to = format!("/organizations/{code}/plans/{year}");
    let draft = move |conn: &mut _| plans::draft_collective(conn, &actor, &code, year);
    confirmed(&db, page.locale(), draft, to, "plan-drafted").await
}

#[derive(Serialize)]
struct OverviewList {
    year: i32,
    items: Vec<PlanOverview>,
    total: usize,
}

const OVERVIEW: &[Column<PlanOverview>] = &[
    Column::new("organization", |o| o.organization.clone()),
    Column::new("status", |o| {
        o.status.map(|s| s.as_str().to_owned()).unwrap_or_default()
    }),
    Column::new("targets", |o| o.targets.to_string()),
    Column::new("headcount", |o| o.headcount.to_string()),
    Column::new("trained", |o| o.trained.to_string()),
    Column::new("met", |o| o.met.to_string()),
    Column::new("on_track", |o| o.on_track.to_string()),
    Column::new("behind", |o| o.behind.to_string()),
];

/// The cross-organisation overview of a year's collective plans.
#[get("/api/v1/plans?<year>&<format>")]
async fn api_overview(
    db: Db,
    actor: Actor,
    year: Option<i32>,
    format: Option<String>,
) -> Result<Download<OverviewList>, AppError> {
    let year = year.unwrap_or_else(|| chrono::Datelike::year(&now().date()));
    let key = crate::web::report_key("plans-overview", &actor, &year);
    let items = db
        .report(key, move |conn| plans::overview(conn, &actor, year))
        .await?;
    exports::respond(format.as_deref(), "plans", OVERVIEW, &items, || {
        OverviewList {
            year,
            total: items.len(),
            items: items.clone(),
        }
    })
}

#[derive(Serialize)]
struct OverviewPage {
    page: PageContext,
    year: i32,
    items: Vec<PlanOverview>,
}

#[get("/plans?<year>")]
async fn overview(
    page: PageContext,
    db: Db,
    actor: Actor,
    year: Option<i32>,
) -> Result<Template, AppError> {
    let year = year.unwrap_or_else(|| chrono::Datelike::year(&now().date()));
    let key = crate::web::report_key("plans-overview", &actor, &year);
    let items = db
        .report(key, move |conn| plans::overview(conn, &actor, year))
        .await?;
    Ok(Template::render(
        "plans/overview",
        OverviewPage {
            page: page.titled("plans-title"),
            year,
            items,
        },
    ))
}

pub fn routes() -> Vec<Route> {
    routes![
        api_individual,
        api_save_individual,
        individual,
        save_individual,
        api_collective,
        api_save_collective,
        api_draft_collective,
        collective,
        save_collective,
        draft_collective,
        api_overview,
        overview,
    ]
}
