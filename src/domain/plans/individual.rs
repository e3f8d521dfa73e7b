//! Individual training plans: per person and year, items with a module and a target date,
//! each with the status its person's enrolments give it.

use super::*;

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
    let items = checked_items(conn, &mut errors, &input.items, year)?;
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
        for item in &items {
            insert_plan_item(
                conn,
                NewPlanItem {
                    plan_id,
                    module_id: item.module_id,
                    target_on: item.target_on,
                    priority: item.priority,
                    note: item.note.as_deref(),
                },
            )?;
        }
        crate::domain::read_model::refresh_plans(conn, person_id)?;
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

/// A plan line as checked.
struct CheckedItem {
    module_id: i64,
    target_on: Option<chrono::NaiveDate>,
    priority: i32,
    note: Option<String>,
}

/// The plan's lines, each error named after its line (`items[2].module`); blank lines of the
/// form are dropped.
fn checked_items(
    conn: &mut DbConn,
    errors: &mut FieldErrors,
    lines: &[PlanItemInput],
    year: i32,
) -> Result<Vec<CheckedItem>, AppError> {
    let mut items = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, item) in lines.iter().enumerate() {
        let field = |name: &str| format!("items[{i}].{name}");
        let module_id = crate::domain::resolve_code(
            errors,
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
        let target_on = date_in_year(errors, field("target_on"), item.target_on.as_deref(), year);
        let note = bounded(errors, field("note"), item.note.as_deref(), max_chars::NOTE);
        if non_blank(item.module.as_deref()).is_none() && target_on.is_none() && note.is_none() {
            // A blank line of the form: nothing to keep.
            errors.0.remove(&field("module"));
            continue;
        }
        if let Some(module_id) = module_id {
            items.push(CheckedItem {
                module_id,
                target_on,
                priority,
                note,
            });
        }
    }
    Ok(items)
}

// Collective plans.
