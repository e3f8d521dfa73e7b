//! Individual training plans (per person and year) and collective plans (per organisation and
//! year).

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::{
    collective_plan_targets, collective_plans, individual_plan_items, individual_plans,
};
use crate::db::DbConn;
use crate::domain::catalogue;
use crate::domain::text_enum;
use crate::error::AppError;

text_enum! {
    pub enum PlanStatus {
        Draft => "draft",
        Agreed => "agreed",
    }
}

pub fn insert_individual_plan(
    conn: &mut DbConn,
    person_id: i64,
    year: i32,
    status: PlanStatus,
) -> Result<i64, AppError> {
    Ok(diesel::insert_into(individual_plans::table)
        .values((
            individual_plans::person_id.eq(person_id),
            individual_plans::year.eq(year),
            individual_plans::status.eq(status.as_str()),
        ))
        .returning(individual_plans::id)
        .get_result(conn)?)
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = individual_plan_items)]
pub struct NewPlanItem<'a> {
    pub plan_id: i64,
    pub module_id: i64,
    pub target_on: Option<NaiveDate>,
    pub priority: i32,
    pub note: Option<&'a str>,
}

pub fn insert_plan_item(conn: &mut DbConn, new: NewPlanItem<'_>) -> Result<(), AppError> {
    diesel::insert_into(individual_plan_items::table)
        .values(new)
        .execute(conn)?;
    Ok(())
}

pub fn insert_collective_plan(
    conn: &mut DbConn,
    organization_id: i64,
    year: i32,
    status: PlanStatus,
) -> Result<i64, AppError> {
    Ok(diesel::insert_into(collective_plans::table)
        .values((
            collective_plans::organization_id.eq(organization_id),
            collective_plans::year.eq(year),
            collective_plans::status.eq(status.as_str()),
        ))
        .returning(collective_plans::id)
        .get_result(conn)?)
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = collective_plan_targets)]
pub struct NewTarget<'a> {
    pub plan_id: i64,
    pub module_id: i64,
    pub profile: Option<&'a str>,
    pub headcount: i32,
    pub due_on: Option<NaiveDate>,
}

pub fn insert_target(conn: &mut DbConn, new: NewTarget<'_>) -> Result<(), AppError> {
    diesel::insert_into(collective_plan_targets::table)
        .values(new)
        .execute(conn)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reading and editing plans (DESIGN §3, §5).

use std::collections::HashMap;

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use crate::db::schema::{enrollments, memberships, modules, people, training_sessions};
use crate::domain::access::{Actor, PEOPLE_MANAGERS, PEOPLE_READERS};
use crate::domain::accounts::Role;
use crate::domain::catalogue::Tier;
use crate::domain::enrollments::EnrollmentStatus;
use crate::domain::rules::{self, Progress};
use crate::domain::{
    audit, bounded, max_chars, non_blank, now, organizations as orgs, people as persons,
};
use crate::error::{FieldErrors, Message};

/// An individual plan item as sent (`PUT`) and answered (`GET`, with its derived status).
#[derive(Debug, Clone, Default, Serialize, Deserialize, rocket::FromForm)]
pub struct PlanItemInput {
    pub module: Option<String>,
    /// `YYYY-MM-DD`, within the plan's year.
    pub target_on: Option<String>,
    pub priority: Option<i32>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, rocket::FromForm)]
pub struct IndividualPlanInput {
    pub status: Option<String>,
    #[serde(default)]
    pub items: Vec<PlanItemInput>,
}

/// Where a plan item stands, from the person's enrolments in sessions of its module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Planned,
    Enrolled,
    Waitlisted,
    Done,
    Missed,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanItemView {
    pub module: String,
    pub module_title_fr: String,
    pub module_title_nl: String,
    pub target_on: Option<NaiveDate>,
    pub priority: i32,
    pub note: Option<String>,
    pub status: ItemStatus,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndividualPlan {
    pub person_id: i64,
    pub person: String,
    pub language: String,
    pub organization: String,
    pub year: i32,
    /// `None` while no plan was saved for the year.
    pub status: Option<PlanStatus>,
    pub items: Vec<PlanItemView>,
    /// Whether the reader may change it (HR of the person's organisation, admins).
    pub editable: bool,
}

fn check_year(year: i32) -> Result<(), AppError> {
    rules::valid_year(year).map(|_| ())
}

/// Where the person stands in each of `module_ids` (`rules::Progress`, the furthest over their
/// enrolments): trained is done, seated is enrolled, waiting is waitlisted.
fn progress_by_module(
    conn: &mut DbConn,
    person_id: i64,
    module_ids: &[i64],
) -> Result<HashMap<i64, ItemStatus>, AppError> {
    let rows: Vec<(i64, String, Option<bool>, bool)> = enrollments::table
        .inner_join(training_sessions::table.inner_join(modules::table))
        .filter(enrollments::person_id.eq(person_id))
        .filter(training_sessions::module_id.eq_any(module_ids))
        .select((
            training_sessions::module_id,
            enrollments::status,
            enrollments::passed,
            modules::assessed,
        ))
        .load(conn)?;
    let mut best: HashMap<i64, Progress> = HashMap::new();
    for (module_id, status, passed, assessed) in rows {
        let Some(progress) = EnrollmentStatus::parse(&status)
            .and_then(|status| Progress::of(status, passed, assessed))
        else {
            continue;
        };
        let entry = best.entry(module_id).or_insert(progress);
        *entry = (*entry).max(progress);
    }
    Ok(best
        .into_iter()
        .map(|(module_id, progress)| {
            let status = match progress {
                Progress::Trained => ItemStatus::Done,
                Progress::Seated => ItemStatus::Enrolled,
                Progress::Waiting => ItemStatus::Waitlisted,
            };
            (module_id, status)
        })
        .collect())
}

/// A person's plan for a year, with each item's status. HR and members of another
/// organisation, and members other than the person, get 404.
pub fn individual(
    conn: &mut DbConn,
    actor: &Actor,
    person_id: i64,
    year: i32,
) -> Result<IndividualPlan, AppError> {
    check_year(year)?;
    if actor.role != Role::Member {
        actor.require(PEOPLE_READERS)?;
    }
    let person = persons::get(conn, actor, person_id)?;
    let plan: Option<(i64, String)> = individual_plans::table
        .filter(individual_plans::person_id.eq(person_id))
        .filter(individual_plans::year.eq(year))
        .select((individual_plans::id, individual_plans::status))
        .first(conn)
        .optional()?;
    let mut items = Vec::new();
    if let Some((plan_id, _)) = &plan {
        type Row = (
            String,
            String,
            String,
            Option<NaiveDate>,
            i32,
            Option<String>,
            i64,
        );
        let rows: Vec<Row> = individual_plan_items::table
            .inner_join(modules::table)
            .filter(individual_plan_items::plan_id.eq(plan_id))
            .order((
                individual_plan_items::target_on.asc(),
                individual_plan_items::priority,
                modules::code,
            ))
            .select((
                modules::code,
                modules::title_fr,
                modules::title_nl,
                individual_plan_items::target_on,
                individual_plan_items::priority,
                individual_plan_items::note,
                modules::id,
            ))
            .load(conn)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.6).collect();
        let progress = progress_by_module(conn, person_id, &ids)?;
        let today = now().date();
        items = rows
            .into_iter()
            .map(
                |(module, title_fr, title_nl, target_on, priority, note, id)| {
                    let status = progress.get(&id).copied().unwrap_or(
                        if target_on.is_some_and(|d| d < today) {
                            ItemStatus::Missed
                        } else {
                            ItemStatus::Planned
                        },
                    );
                    PlanItemView {
                        module,
                        module_title_fr: title_fr,
                        module_title_nl: title_nl,
                        target_on,
                        priority,
                        note,
                        status,
                    }
                },
            )
            .collect();
    }
    Ok(IndividualPlan {
        person_id,
        person: person.full_name,
        language: person.language,
        organization: person.organization,
        year,
        status: plan.and_then(|p| PlanStatus::parse(&p.1)),
        items,
        editable: PEOPLE_MANAGERS.contains(&actor.role),
    })
}

/// Whether saving with `status` moves a plan (previously `existing`: id, status) to agreed.
fn newly_agreed(status: PlanStatus, existing: Option<&(i64, String)>) -> bool {
    status == PlanStatus::Agreed && existing.is_none_or(|(_, s)| s != PlanStatus::Agreed.as_str())
}

fn plan_status(errors: &mut FieldErrors, value: Option<&str>) -> PlanStatus {
    match non_blank(value).as_deref() {
        None => PlanStatus::Draft,
        Some(code) => PlanStatus::parse(code).unwrap_or_else(|| {
            errors.add("status", Message::new("field-status-invalid"));
            PlanStatus::Draft
        }),
    }
}

/// A date of the plan's year, from `YYYY-MM-DD` (blank: none).
fn date_in_year(
    errors: &mut FieldErrors,
    field: String,
    value: Option<&str>,
    year: i32,
) -> Option<NaiveDate> {
    let value = non_blank(value)?;
    match NaiveDate::parse_from_str(&value, "%Y-%m-%d") {
        Ok(date) if date.year() == year => Some(date),
        Ok(_) => {
            errors.add(field, Message::new("field-date-not-in-year"));
            None
        }
        Err(_) => {
            errors.add(field, Message::new("field-date-invalid"));
            None
        }
    }
}

/// Replaces a person's plan for the year (HR of its organisation, admins). Moving it to
/// `agreed` is audited as such; every change is audited.
pub fn save_individual(
    conn: &mut DbConn,
    actor: &Actor,
    person_id: i64,
    year: i32,
    input: &IndividualPlanInput,
) -> Result<IndividualPlan, AppError> {
    check_year(year)?;
    let person = persons::get(conn, actor, person_id)?;
    actor.require(PEOPLE_MANAGERS)?;
    let mut errors = FieldErrors::default();
    let status = plan_status(&mut errors, input.status.as_deref());
    let mut items = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, item) in input.items.iter().enumerate() {
        let field = |name: &str| format!("items[{i}].{name}");
        let module_id = crate::domain::resolve_code(
            &mut errors,
            "module",
            item.module.as_deref(),
            Message::new("field-required"),
            Message::new("field-module-unknown"),
            |code| catalogue::module_id_by_code(conn, code),
        )?;
        // resolve_code names the bare field; name the item instead.
        if let Some(messages) = errors.0.remove("module") {
            for message in messages {
                errors.add(field("module"), message);
            }
        }
        if let Some(id) = module_id {
            if !seen.insert(id) {
                errors.add(field("module"), Message::new("field-module-twice"));
            }
        }
        let priority = item.priority.unwrap_or(2);
        if !(1..=3).contains(&priority) {
            errors.add(
                field("priority"),
                Message::new("field-number-range")
                    .arg("min", "1")
                    .arg("max", "3"),
            );
        }
        let target_on = date_in_year(
            &mut errors,
            field("target_on"),
            item.target_on.as_deref(),
            year,
        );
        let note = bounded(
            &mut errors,
            field("note"),
            item.note.as_deref(),
            max_chars::NOTE,
        );
        if non_blank(item.module.as_deref()).is_none() && target_on.is_none() && note.is_none() {
            // A blank line of the form: nothing to keep.
            errors.0.remove(&field("module"));
            continue;
        }
        items.push((module_id, target_on, priority, note));
    }
    errors.into_result()?;
    let organization_id = orgs::id_by_code(conn, &person.organization)?;
    crate::db::transaction(conn, |conn| {
        let existing: Option<(i64, String)> = individual_plans::table
            .filter(individual_plans::person_id.eq(person_id))
            .filter(individual_plans::year.eq(year))
            .select((individual_plans::id, individual_plans::status))
            .first(conn)
            .optional()?;
        let plan_id = match &existing {
            Some((id, _)) => {
                diesel::update(individual_plans::table.find(id))
                    .set((
                        individual_plans::status.eq(status.as_str()),
                        individual_plans::updated_at.eq(now()),
                    ))
                    .execute(conn)?;
                diesel::delete(
                    individual_plan_items::table.filter(individual_plan_items::plan_id.eq(id)),
                )
                .execute(conn)?;
                *id
            }
            None => insert_individual_plan(conn, person_id, year, status)?,
        };
        for (module_id, target_on, priority, note) in &items {
            insert_plan_item(
                conn,
                NewPlanItem {
                    plan_id,
                    module_id: module_id.expect("checked"),
                    target_on: *target_on,
                    priority: *priority,
                    note: note.as_deref(),
                },
            )?;
        }
        let agreed_now = newly_agreed(status, existing.as_ref());
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(actor.account_id),
                organization_id,
                action: if agreed_now {
                    "plan.agreed"
                } else {
                    "plan.updated"
                },
                entity: "individual_plan",
                entity_id: Some(plan_id),
                detail: serde_json::json!({
                    "person_id": person_id, "year": year, "status": status.as_str(),
                    "items": items.len(),
                }),
            },
        )?;
        Ok::<_, AppError>(())
    })?;
    individual(conn, actor, person_id, year)
}

// Collective plans.

#[derive(Debug, Clone, Default, Serialize, Deserialize, rocket::FromForm)]
pub struct TargetInput {
    pub module: Option<String>,
    pub profile: Option<String>,
    pub headcount: Option<i32>,
    /// `YYYY-MM-DD`, within the plan's year.
    pub due_on: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, rocket::FromForm)]
pub struct CollectivePlanInput {
    pub status: Option<String>,
    #[serde(default)]
    pub targets: Vec<TargetInput>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    /// Enough people trained.
    Met,
    /// Trained, seated and planned people would meet it, and it is not due yet.
    OnTrack,
    Behind,
}

/// People of the organisation (of the target's profile) for the module: trained, holding a
/// seat, or with a plan item for it in the plan's year.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TargetProgress {
    pub trained: i64,
    pub seated: i64,
    pub planned: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetView {
    pub module: String,
    pub module_title_fr: String,
    pub module_title_nl: String,
    pub tier: String,
    pub profile: Option<String>,
    pub headcount: i32,
    pub due_on: Option<NaiveDate>,
    pub progress: TargetProgress,
    pub status: TargetStatus,
}

#[derive(Debug, Clone, Serialize)]
pub struct CollectivePlan {
    pub organization: String,
    pub year: i32,
    pub status: Option<PlanStatus>,
    pub targets: Vec<TargetView>,
    pub editable: bool,
}

#[derive(QueryableByName)]
struct ProgressRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    target_id: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    trained: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    seated: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    planned: i64,
}

/// Progress of every target of the given plans, in one query (a person counts once, in the
/// furthest of trained, seated, planned). End-user sessions take their organiser's people only
/// (rule 3), so only the organisation's own sessions of an end-user module are visited.
fn target_progress(
    conn: &mut DbConn,
    plan_ids: &[i64],
    year: i32,
) -> Result<HashMap<i64, TargetProgress>, AppError> {
    if plan_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let ids = plan_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    // Each person once, in the furthest of trained, seated, planned (`rules`).
    let trained = rules::trained_sql("e", "m");
    let seated = rules::status_in_sql("e.status", &rules::SEATED);
    let trained_elsewhere = rules::trained_sql("e2", "m2");
    let trained_or_seated_elsewhere = rules::trained_or_seated_sql("e2", "m2");
    let rows: Vec<ProgressRow> = diesel::sql_query(format!(
        "SELECT t.id AS target_id,
           (SELECT COUNT(DISTINCT p.id) FROM training_sessions s
              JOIN enrollments e ON e.session_id = s.id
              JOIN people p ON p.id = e.person_id
              JOIN modules m ON m.id = s.module_id
              WHERE p.organization_id = c.organization_id AND s.module_id = t.module_id
                AND (m.tier = 'trainer' OR s.organizer_id = c.organization_id)
                AND (t.profile IS NULL OR p.profile = t.profile)
                AND {trained}) AS trained,
           (SELECT COUNT(DISTINCT p.id) FROM training_sessions s
              JOIN enrollments e ON e.session_id = s.id
              JOIN people p ON p.id = e.person_id
              JOIN modules m ON m.id = s.module_id
              WHERE p.organization_id = c.organization_id AND s.module_id = t.module_id
                AND (m.tier = 'trainer' OR s.organizer_id = c.organization_id)
                AND (t.profile IS NULL OR p.profile = t.profile) AND {seated}
                AND NOT EXISTS (SELECT 1 FROM enrollments e2
                      JOIN training_sessions s2 ON s2.id = e2.session_id
                      JOIN modules m2 ON m2.id = s2.module_id
                      WHERE e2.person_id = p.id AND s2.module_id = t.module_id
                        AND {trained_elsewhere})) AS seated,
           (SELECT COUNT(DISTINCT p.id) FROM people p
              JOIN individual_plans ip ON ip.person_id = p.id AND ip.year = {year}
              JOIN individual_plan_items i ON i.plan_id = ip.id AND i.module_id = t.module_id
              WHERE p.organization_id = c.organization_id AND p.active = TRUE
                AND (t.profile IS NULL OR p.profile = t.profile)
                AND NOT EXISTS (SELECT 1 FROM enrollments e2
                      JOIN training_sessions s2 ON s2.id = e2.session_id
                      JOIN modules m2 ON m2.id = s2.module_id
                      WHERE e2.person_id = p.id AND s2.module_id = t.module_id
                        AND {trained_or_seated_elsewhere})) AS planned
         FROM collective_plan_targets t JOIN collective_plans c ON c.id = t.plan_id
         WHERE t.plan_id IN ({ids})"
    ))
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.target_id,
                TargetProgress {
                    trained: r.trained,
                    seated: r.seated,
                    planned: r.planned,
                },
            )
        })
        .collect())
}

fn target_status(
    progress: &TargetProgress,
    headcount: i32,
    due_on: Option<NaiveDate>,
) -> TargetStatus {
    let headcount = i64::from(headcount);
    if progress.trained >= headcount {
        TargetStatus::Met
    } else if progress.trained + progress.seated + progress.planned >= headcount
        && due_on.is_none_or(|d| d >= now().date())
    {
        TargetStatus::OnTrack
    } else {
        TargetStatus::Behind
    }
}

/// The organisation in the actor's scope (HR: its own; others' answer 404).
fn scoped_organization(conn: &mut DbConn, actor: &Actor, code: &str) -> Result<i64, AppError> {
    let id = orgs::id_by_code(conn, code)?.ok_or(AppError::NotFound)?;
    if actor.scope().allows(id) {
        Ok(id)
    } else {
        Err(AppError::NotFound)
    }
}

/// An organisation's collective plan for a year, with each target's progress and status.
pub fn collective(
    conn: &mut DbConn,
    actor: &Actor,
    code: &str,
    year: i32,
) -> Result<CollectivePlan, AppError> {
    check_year(year)?;
    actor.require(PEOPLE_READERS)?;
    let organization_id = scoped_organization(conn, actor, code)?;
    let plan: Option<(i64, String)> = collective_plans::table
        .filter(collective_plans::organization_id.eq(organization_id))
        .filter(collective_plans::year.eq(year))
        .select((collective_plans::id, collective_plans::status))
        .first(conn)
        .optional()?;
    let mut targets = Vec::new();
    if let Some((plan_id, _)) = &plan {
        type Row = (
            i64,
            String,
            String,
            String,
            String,
            Option<String>,
            i32,
            Option<NaiveDate>,
        );
        let rows: Vec<Row> = collective_plan_targets::table
            .inner_join(modules::table)
            .filter(collective_plan_targets::plan_id.eq(plan_id))
            .order((
                collective_plan_targets::due_on.asc(),
                modules::code,
                collective_plan_targets::id,
            ))
            .select((
                collective_plan_targets::id,
                modules::code,
                modules::title_fr,
                modules::title_nl,
                modules::tier,
                collective_plan_targets::profile,
                collective_plan_targets::headcount,
                collective_plan_targets::due_on,
            ))
            .load(conn)?;
        let progress = target_progress(conn, &[*plan_id], year)?;
        targets = rows
            .into_iter()
            .map(
                |(id, module, title_fr, title_nl, tier, profile, headcount, due_on)| {
                    let progress = progress.get(&id).cloned().unwrap_or_default();
                    TargetView {
                        status: target_status(&progress, headcount, due_on),
                        module,
                        module_title_fr: title_fr,
                        module_title_nl: title_nl,
                        tier,
                        profile,
                        headcount,
                        due_on,
                        progress,
                    }
                },
            )
            .collect();
    }
    Ok(CollectivePlan {
        organization: code.to_owned(),
        year,
        status: plan.and_then(|p| PlanStatus::parse(&p.1)),
        targets,
        editable: PEOPLE_MANAGERS.contains(&actor.role),
    })
}

fn write_collective(
    conn: &mut DbConn,
    actor: &Actor,
    organization_id: i64,
    year: i32,
    status: PlanStatus,
    targets: &[(i64, Option<String>, i32, Option<NaiveDate>)],
    action: &'static str,
) -> Result<(), AppError> {
    crate::db::transaction(conn, |conn| {
        let existing: Option<(i64, String)> = collective_plans::table
            .filter(collective_plans::organization_id.eq(organization_id))
            .filter(collective_plans::year.eq(year))
            .select((collective_plans::id, collective_plans::status))
            .first(conn)
            .optional()?;
        let plan_id = match &existing {
            Some((id, _)) => {
                diesel::update(collective_plans::table.find(id))
                    .set((
                        collective_plans::status.eq(status.as_str()),
                        collective_plans::updated_at.eq(now()),
                    ))
                    .execute(conn)?;
                diesel::delete(
                    collective_plan_targets::table.filter(collective_plan_targets::plan_id.eq(id)),
                )
                .execute(conn)?;
                *id
            }
            None => insert_collective_plan(conn, organization_id, year, status)?,
        };
        for (module_id, profile, headcount, due_on) in targets {
            insert_target(
                conn,
                NewTarget {
                    plan_id,
                    module_id: *module_id,
                    profile: profile.as_deref(),
                    headcount: *headcount,
                    due_on: *due_on,
                },
            )?;
        }
        let agreed_now = newly_agreed(status, existing.as_ref());
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(actor.account_id),
                organization_id: Some(organization_id),
                action: if agreed_now {
                    "collective_plan.agreed"
                } else {
                    action
                },
                entity: "collective_plan",
                entity_id: Some(plan_id),
                detail: serde_json::json!({
                    "year": year, "status": status.as_str(), "targets": targets.len(),
                }),
            },
        )?;
        Ok(())
    })
}

/// Replaces an organisation's collective plan for the year (its HR, admins).
pub fn save_collective(
    conn: &mut DbConn,
    actor: &Actor,
    code: &str,
    year: i32,
    input: &CollectivePlanInput,
) -> Result<CollectivePlan, AppError> {
    check_year(year)?;
    let organization_id = scoped_organization(conn, actor, code)?;
    actor.require(PEOPLE_MANAGERS)?;
    let mut errors = FieldErrors::default();
    let status = plan_status(&mut errors, input.status.as_deref());
    let mut targets = Vec::new();
    for (i, target) in input.targets.iter().enumerate() {
        let field = |name: &str| format!("targets[{i}].{name}");
        let module_id = match non_blank(target.module.as_deref()) {
            None => {
                errors.add(field("module"), Message::new("field-required"));
                None
            }
            Some(code) => {
                let id = catalogue::module_id_by_code(conn, &code)?;
                if id.is_none() {
                    errors.add(field("module"), Message::new("field-module-unknown"));
                }
                id
            }
        };
        let headcount = target.headcount.unwrap_or(0);
        if !(1..=100_000).contains(&headcount) {
            errors.add(
                field("headcount"),
                Message::new("field-number-range")
                    .arg("min", "1")
                    .arg("max", "100000"),
            );
        }
        // As long as a person's profile, which it is matched against.
        let profile = bounded(
            &mut errors,
            field("profile"),
            target.profile.as_deref(),
            max_chars::TITLE,
        );
        let due_on = date_in_year(&mut errors, field("due_on"), target.due_on.as_deref(), year);
        if non_blank(target.module.as_deref()).is_none() && target.headcount.is_none() {
            // A blank line of the form: nothing to keep.
            errors.0.remove(&field("module"));
            errors.0.remove(&field("headcount"));
            continue;
        }
        targets.push((module_id.unwrap_or_default(), profile, headcount, due_on));
    }
    errors.into_result()?;
    write_collective(
        conn,
        actor,
        organization_id,
        year,
        status,
        &targets,
        "collective_plan.updated",
    )?;
    collective(conn, actor, code, year)
}

/// Builds a draft collective plan for the year from the organisation's memberships: for each
/// domain it joined (or intends to), its required key users on the domain's certifying (else
/// first) trainer-tier module before the go-live, and each end-user module of the domain for
/// the staff of the profiles its key users have (else all staff). Refused (409) when the year
/// already has a plan with targets.
pub fn draft_collective(
    conn: &mut DbConn,
    actor: &Actor,
    code: &str,
    year: i32,
) -> Result<CollectivePlan, AppError> {
    check_year(year)?;
    let organization_id = scoped_organization(conn, actor, code)?;
    actor.require(PEOPLE_MANAGERS)?;
    let existing = collective_plan_targets::table
        .inner_join(collective_plans::table)
        .filter(collective_plans::organization_id.eq(organization_id))
        .filter(collective_plans::year.eq(year))
        .count()
        .get_result::<i64>(conn)?;
    if existing > 0 {
        return Err(AppError::Conflict(Message::new("plan-exists")));
    }
    let joined: Vec<(i64, Option<NaiveDate>, i32)> = memberships::table
        .filter(memberships::organization_id.eq(organization_id))
        .filter(memberships::status.eq_any(crate::domain::rules::joined_or_intended_codes()))
        .select((
            memberships::domain_id,
            memberships::go_live_on,
            memberships::required_key_users,
        ))
        .load(conn)?;
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year");
    let staff: Vec<Option<String>> = people::table
        .filter(people::organization_id.eq(organization_id))
        .filter(people::active.eq(true))
        .select(people::profile)
        .load(conn)?;
    let mut targets = Vec::new();
    for (domain_id, go_live_on, required) in joined {
        type ModuleRow = (i64, String, bool);
        let domain_modules: Vec<ModuleRow> = modules::table
            .filter(modules::domain_id.eq(domain_id))
            .order(modules::code)
            .select((modules::id, modules::tier, modules::certifies_trainer))
            .load(conn)?;
        // Key users before the go-live (or by the end of the year).
        let due = go_live_on
            .filter(|d| d.year() == year)
            .map(|d| d - chrono::Duration::days(1))
            .unwrap_or(year_end);
        let trainer = domain_modules
            .iter()
            .filter(|m| m.1 == Tier::Trainer.as_str())
            .max_by_key(|m| (m.2, std::cmp::Reverse(m.0)));
        if let Some((module_id, ..)) = trainer {
            targets.push((*module_id, None, required.max(1), Some(due)));
        }
        // End users: the staff whose profile the domain's key users have, else everyone.
        let profiles: Vec<Option<String>> = crate::db::schema::key_users::table
            .inner_join(people::table)
            .filter(crate::db::schema::key_users::domain_id.eq(domain_id))
            .filter(people::organization_id.eq(organization_id))
            .select(people::profile)
            .distinct()
            .load(conn)?;
        let profiles: Vec<String> = profiles.into_iter().flatten().collect();
        for (module_id, tier, _) in &domain_modules {
            if tier != Tier::EndUser.as_str() {
                continue;
            }
            if profiles.is_empty() {
                let headcount = staff.len() as i32;
                if headcount > 0 {
                    targets.push((*module_id, None, headcount, Some(year_end)));
                }
            }
            for profile in &profiles {
                let headcount = staff
                    .iter()
                    .filter(|p| p.as_deref() == Some(profile.as_str()))
                    .count() as i32;
                if headcount > 0 {
                    targets.push((*module_id, Some(profile.clone()), headcount, Some(year_end)));
                }
            }
        }
    }
    write_collective(
        conn,
        actor,
        organization_id,
        year,
        PlanStatus::Draft,
        &targets,
        "collective_plan.drafted",
    )?;
    collective(conn, actor, code, year)
}

/// One organisation's line in the planners' overview of a year.
#[derive(Debug, Clone, Serialize)]
pub struct PlanOverview {
    pub organization: String,
    pub status: Option<PlanStatus>,
    pub targets: usize,
    pub headcount: i64,
    pub trained: i64,
    pub met: usize,
    pub on_track: usize,
    pub behind: usize,
}

/// Every organisation's collective plan for the year, side by side (planners, admins; HR sees
/// its own line).
pub fn overview(
    conn: &mut DbConn,
    actor: &Actor,
    year: i32,
) -> Result<Vec<PlanOverview>, AppError> {
    check_year(year)?;
    actor.require(PEOPLE_READERS)?;
    let mut organizations = orgs::all(conn)?;
    organizations.retain(|o| actor.scope().allows(o.id));
    let plans: Vec<(i64, i64, String)> = collective_plans::table
        .filter(collective_plans::year.eq(year))
        .select((
            collective_plans::id,
            collective_plans::organization_id,
            collective_plans::status,
        ))
        .load(conn)?;
    let plan_ids: Vec<i64> = plans.iter().map(|p| p.0).collect();
    let targets: Vec<(i64, i64, i32, Option<NaiveDate>)> = collective_plan_targets::table
        .filter(collective_plan_targets::plan_id.eq_any(&plan_ids))
        .select((
            collective_plan_targets::id,
            collective_plan_targets::plan_id,
            collective_plan_targets::headcount,
            collective_plan_targets::due_on,
        ))
        .load(conn)?;
    let progress = target_progress(conn, &plan_ids, year)?;
    Ok(organizations
        .into_iter()
        .filter_map(|o| {
            let plan = plans.iter().find(|p| p.1 == o.id);
            if plan.is_none() && o.kind == orgs::OrganizationKind::School {
                return None;
            }
            let mut line = PlanOverview {
                organization: o.code,
                status: plan.and_then(|p| PlanStatus::parse(&p.2)),
                targets: 0,
                headcount: 0,
                trained: 0,
                met: 0,
                on_track: 0,
                behind: 0,
            };
            for (id, _, headcount, due_on) in
                targets.iter().filter(|t| Some(t.1) == plan.map(|p| p.0))
            {
                let p = progress.get(id).cloned().unwrap_or_default();
                line.targets += 1;
                line.headcount += i64::from(*headcount);
                line.trained += p.trained.min(i64::from(*headcount));
                match target_status(&p, *headcount, *due_on) {
                    TargetStatus::Met => line.met += 1,
                    TargetStatus::OnTrack => line.on_track += 1,
                    TargetStatus::Behind => line.behind += 1,
                }
            }
            Some(line)
        })
        .collect())
}
