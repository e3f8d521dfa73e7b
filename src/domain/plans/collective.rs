//! Collective plans: per organisation and year, targets (module, headcount, profile) and the
//! progress the organisation's enrolments make towards them; the cross-organisation overview.

use super::*;

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
/// furthest of trained, seated, planned).
fn target_progress(
    conn: &mut DbConn,
    plan_ids: &[i64],
    year: i32,
    source: Source,
) -> Result<HashMap<i64, TargetProgress>, AppError> {
    if plan_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let ids = plan_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let (trained, seated, planned) = match source {
        Source::ReadModel => progress_from_read_model(year),
        Source::Enrollments => progress_from_enrollments(year),
    };
    let rows: Vec<ProgressRow> = diesel::sql_query(format!(
        "SELECT t.id AS target_id, {trained} AS trained, {seated} AS seated, {planned} AS planned
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

/// A target's (`t`, plan `c`) people trained and seated (furthest), and planned in the year
/// while neither, from the read model's progress per person and module and its planned needs.
fn progress_from_read_model(year: i32) -> (String, String, String) {
    let of_target = |progress: Progress| {
        format!(
            "(SELECT COUNT(*) FROM module_progress mp
               WHERE mp.module_id = t.module_id AND mp.organization_id = c.organization_id
                 AND (t.profile IS NULL OR mp.profile = t.profile)
                 AND mp.progress = {})",
            progress.rank()
        )
    };
    let planned = format!(
        "(SELECT COUNT(DISTINCT n.person_id) FROM planned_needs n
           WHERE n.organization_id = c.organization_id AND n.module_id = t.module_id
             AND n.year = {year} AND (t.profile IS NULL OR n.profile = t.profile))"
    );
    (
        of_target(Progress::Trained),
        of_target(Progress::Seated),
        planned,
    )
}

/// `progress_from_read_model` from the enrolments (the oracle). End-user sessions take their
/// organiser's people only (rule 3), so only the organisation's own sessions of an end-user
/// module are visited.
fn progress_from_enrollments(year: i32) -> (String, String, String) {
    let trained = format!(
        "(SELECT COUNT(DISTINCT p.id) FROM training_sessions s
              JOIN enrollments e ON e.session_id = s.id
              JOIN people p ON p.id = e.person_id
              JOIN modules m ON m.id = s.module_id
              WHERE p.organization_id = c.organization_id AND s.module_id = t.module_id
                AND (m.tier = 'trainer' OR s.organizer_id = c.organization_id)
                AND (t.profile IS NULL OR p.profile = t.profile)
                AND {})",
        rules::trained_sql("e", "m")
    );
    let elsewhere = |condition: String| {
        format!(
            "NOT EXISTS (SELECT 1 FROM enrollments e2
                      JOIN training_sessions s2 ON s2.id = e2.session_id
                      JOIN modules m2 ON m2.id = s2.module_id
                      WHERE e2.person_id = p.id AND s2.module_id = t.module_id
                        AND {condition})"
        )
    };
    let seated = format!(
        "(SELECT COUNT(DISTINCT p.id) FROM training_sessions s
              JOIN enrollments e ON e.session_id = s.id
              JOIN people p ON p.id = e.person_id
              JOIN modules m ON m.id = s.module_id
              WHERE p.organization_id = c.organization_id AND s.module_id = t.module_id
                AND (m.tier = 'trainer' OR s.organizer_id = c.organization_id)
                AND (t.profile IS NULL OR p.profile = t.profile) AND {}
                AND {})",
        rules::status_in_sql("e.status", &rules::SEATED),
        elsewhere(rules::trained_sql("e2", "m2"))
    );
    let planned = format!(
        "(SELECT COUNT(DISTINCT p.id) FROM people p
              JOIN individual_plans ip ON ip.person_id = p.id AND ip.year = {year}
              JOIN individual_plan_items i ON i.plan_id = ip.id AND i.module_id = t.module_id
              WHERE p.organization_id = c.organization_id AND p.active = TRUE
                AND (t.profile IS NULL OR p.profile = t.profile)
                AND {})",
        elsewhere(rules::trained_or_seated_sql("e2", "m2"))
    );
    (trained, seated, planned)
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
    collective_from(conn, actor, code, year, Source::ReadModel)
}

/// `collective`, reading progress from `source` (the tests compare the two).
pub fn collective_from(
    conn: &mut DbConn,
    actor: &Actor,
    code: &str,
    year: i32,
    source: Source,
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
        let progress = target_progress(conn, &[*plan_id], year, source)?;
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
    overview_from(conn, actor, year, Source::ReadModel)
}

/// `overview`, reading progress from `source` (the tests compare the two).
pub fn overview_from(
    conn: &mut DbConn,
    actor: &Actor,
    year: i32,
    source: Source,
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
    let progress = target_progress(conn, &plan_ids, year, source)?;
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
