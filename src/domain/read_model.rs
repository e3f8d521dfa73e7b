//! The read model (DESIGN §4 rule 8): the facts the reports aggregate, in tables of their own,
//! kept in the same transaction as every write that changes them. A write never counts a fact
//! up or down: it recomputes the facts of the people it touched from their sources, with the
//! rules of `rules`, then the counts of the groups those people are in; so the model cannot
//! drift from what a from-scratch computation gives. `rebuild` recomputes everything (after a
//! bulk load, an upgrade, a repair) and `differences` compares the model with a fresh
//! computation (the tests' oracle, and the rebuild command's check).
//!
//! Its facts so far:
//! - `trained_facts`: one row per person, domain, tier and report year in which at least one
//!   enrolment makes the person trained (`rules::trained_sql`), with the person's organisation
//!   and profile;
//! - `trained_counts`: distinct people of those facts per year (and over all years, year 0),
//!   organisation and profile, per domain and tier, per domain, and in all;
//! - `module_progress`: how far each person got in each module over all their enrolments
//!   (`rules::Progress`), with the person's organisation and profile;
//! - `planned_needs`: the individual plan items whose active person is neither trained nor
//!   seated in the module, with the person's organisation, profile and language.
//!
//! Locks (PostgreSQL; SQLite writes one at a time anyway), always in this order so that no two
//! writes wait on each other: `db::lock_read_model` first, by a write that refreshes trained
//! facts; then the sessions' row locks (in id order); then, at each refresh, the locks of the
//! people it recomputes (`db::lock_people`). Two writes thus never count each other's people
//! from a stale snapshot.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Brussels;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use crate::db::schema::{
    enrollments, individual_plan_items, individual_plans, module_progress, modules,
    people as people_table, planned_needs, trained_counts, trained_facts, training_sessions,
};
use crate::db::{insert_rows, DbConn, BATCH};
use crate::domain::enrollments::EnrollmentStatus;
use crate::domain::rules;
use crate::error::AppError;

/// Where a report reads what the read model holds: from it, or computed from the enrolments
/// as before the model existed (the oracle the tests compare every report with).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    ReadModel,
    Enrollments,
}

/// `trained_counts.year` of the counts over every year.
pub const ANY_YEAR: i32 = 0;
/// `trained_counts.domain_id` of the counts over every domain.
pub const ANY_DOMAIN: i64 = 0;
/// `trained_counts.tier` of the counts over both tiers.
pub const ANY_TIER: &str = "";
/// `profile` of people without one.
pub const NO_PROFILE: &str = "";

/// The year a training counts in: its Brussels year, years before the first the reports show
/// (`rules::YEARS`) counting in that first year.
pub fn report_year(starts_at: NaiveDateTime) -> i32 {
    Brussels
        .from_utc_datetime(&starts_at)
        .year()
        .max(*rules::YEARS.start())
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Insertable, Queryable, Selectable)]
#[diesel(table_name = trained_facts)]
struct TrainedFact {
    person_id: i64,
    domain_id: i64,
    tier: String,
    year: i32,
    organization_id: i64,
    profile: String,
    trainings: i32,
}

impl TrainedFact {
    /// The six groups it is counted in: per domain and tier, per domain, in all; in its year
    /// and over all years.
    fn groups(&self) -> [Group; 6] {
        let group = |year, domain_id, tier: &str| Group {
            year,
            domain_id,
            tier: tier.to_owned(),
            organization_id: self.organization_id,
            profile: self.profile.clone(),
        };
        [self.year, ANY_YEAR]
            .map(|year| {
                [
                    group(year, self.domain_id, &self.tier),
                    group(year, self.domain_id, ANY_TIER),
                    group(year, ANY_DOMAIN, ANY_TIER),
                ]
            })
            .concat()
            .try_into()
            .expect("two years of three grains")
    }
}

/// A `trained_counts` key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Group {
    year: i32,
    domain_id: i64,
    tier: String,
    organization_id: i64,
    profile: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Insertable, Queryable, Selectable)]
#[diesel(table_name = trained_counts)]
struct TrainedCount {
    year: i32,
    domain_id: i64,
    tier: String,
    organization_id: i64,
    profile: String,
    people: i32,
}

#[derive(QueryableByName)]
struct Training {
    #[diesel(sql_type = BigInt)]
    person_id: i64,
    #[diesel(sql_type = BigInt)]
    domain_id: i64,
    #[diesel(sql_type = Text)]
    tier: String,
    #[diesel(sql_type = Timestamp)]
    starts_at: NaiveDateTime,
    #[diesel(sql_type = BigInt)]
    organization_id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    profile: Option<String>,
}

/// The trained facts of `people` (of everyone when `None`), computed from the enrolments.
fn computed(conn: &mut DbConn, people: Option<&[i64]>) -> Result<Vec<TrainedFact>, AppError> {
    let mut facts: BTreeMap<(i64, i64, String, i32), TrainedFact> = BTreeMap::new();
    let chunks: Vec<Option<&[i64]>> = match people {
        Some(ids) => ids.chunks(BATCH).map(Some).collect(),
        None => vec![None],
    };
    for chunk in chunks {
        // Person ids are numbers: written into the SQL, never text from a request.
        let only = chunk.map_or(String::new(), |ids| {
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            format!(" AND e.person_id IN ({})", list.join(", "))
        });
        let trainings: Vec<Training> = diesel::sql_query(format!(
            "SELECT e.person_id, m.domain_id, m.tier, s.starts_at, p.organization_id, p.profile
             FROM enrollments e
             JOIN training_sessions s ON s.id = e.session_id
             JOIN modules m ON m.id = s.module_id
             JOIN people p ON p.id = e.person_id
             WHERE {trained}{only}",
            trained = rules::trained_sql("e", "m")
        ))
        .load(conn)?;
        for t in trainings {
            let year = report_year(t.starts_at);
            let key = (t.person_id, t.domain_id, t.tier.clone(), year);
            facts
                .entry(key)
                .or_insert_with(|| TrainedFact {
                    person_id: t.person_id,
                    domain_id: t.domain_id,
                    tier: t.tier,
                    year,
                    organization_id: t.organization_id,
                    profile: t.profile.unwrap_or_else(|| NO_PROFILE.to_owned()),
                    trainings: 0,
                })
                .trainings += 1;
        }
    }
    Ok(facts.into_values().collect())
}

/// Distinct people per group of `facts` (a person has one fact per key, so one per group).
fn counted(facts: &[TrainedFact]) -> Vec<TrainedCount> {
    let mut people: BTreeMap<Group, BTreeSet<i64>> = BTreeMap::new();
    for fact in facts {
        for group in fact.groups() {
            people.entry(group).or_default().insert(fact.person_id);
        }
    }
    people
        .into_iter()
        .map(|(g, people)| TrainedCount {
            year: g.year,
            domain_id: g.domain_id,
            tier: g.tier,
            organization_id: g.organization_id,
            profile: g.profile,
            people: people.len() as i32,
        })
        .collect()
}

fn load_facts(conn: &mut DbConn, people: Option<&[i64]>) -> Result<Vec<TrainedFact>, AppError> {
    Ok(match people {
        None => trained_facts::table
            .select(TrainedFact::as_select())
            .load(conn)?,
        Some(ids) => {
            let mut facts = Vec::new();
            for chunk in ids.chunks(BATCH) {
                let some = trained_facts::table.filter(trained_facts::person_id.eq_any(chunk));
                facts.extend(some.select(TrainedFact::as_select()).load(conn)?);
            }
            facts
        }
    })
}

/// Counts the group again from the facts.
fn recount(conn: &mut DbConn, group: &Group) -> Result<(), AppError> {
    let of_group = trained_counts::table
        .filter(trained_counts::year.eq(group.year))
        .filter(trained_counts::domain_id.eq(group.domain_id))
        .filter(trained_counts::tier.eq(&group.tier))
        .filter(trained_counts::organization_id.eq(group.organization_id))
        .filter(trained_counts::profile.eq(&group.profile));
    diesel::delete(of_group).execute(conn)?;
    let mut facts = trained_facts::table
        .filter(trained_facts::organization_id.eq(group.organization_id))
        .filter(trained_facts::profile.eq(&group.profile))
        .into_boxed();
    if group.year != ANY_YEAR {
        facts = facts.filter(trained_facts::year.eq(group.year));
    }
    if group.domain_id != ANY_DOMAIN {
        facts = facts.filter(trained_facts::domain_id.eq(group.domain_id));
    }
    if group.tier != ANY_TIER {
        facts = facts.filter(trained_facts::tier.eq(&group.tier));
    }
    let people: BTreeSet<i64> = facts
        .select(trained_facts::person_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    let people = people.len() as i32;
    if people > 0 {
        let count = TrainedCount {
            year: group.year,
            domain_id: group.domain_id,
            tier: group.tier.clone(),
            organization_id: group.organization_id,
            profile: group.profile.clone(),
            people,
        };
        diesel::insert_into(trained_counts::table)
            .values(count)
            .execute(conn)?;
    }
    Ok(())
}

/// Recomputes the facts of these people, and the counts of the groups whose people changed.
/// Call it in the transaction of the write, which should take `db::lock_read_model` first.
pub fn refresh_people(conn: &mut DbConn, people: &[i64]) -> Result<(), AppError> {
    let mut people = people.to_vec();
    people.sort_unstable();
    people.dedup();
    if people.is_empty() {
        return Ok(());
    }
    crate::db::transaction(conn, |conn| {
        // Under PostgreSQL's read committed, two refreshes at once would each count without
        // the other's facts: they take turns.
        crate::db::lock_read_model(conn)?;
        crate::db::lock_people(conn, &people)?;
        let before = load_facts(conn, Some(&people))?;
        for chunk in people.chunks(BATCH) {
            let theirs = trained_facts::table.filter(trained_facts::person_id.eq_any(chunk));
            diesel::delete(theirs).execute(conn)?;
        }
        let after = computed(conn, Some(&people))?;
        insert_rows!(conn, trained_facts::table, after);
        for group in changed_groups(&before, &after) {
            recount(conn, &group)?;
        }
        for chunk in people.chunks(BATCH) {
            let theirs = module_progress::table.filter(module_progress::person_id.eq_any(chunk));
            diesel::delete(theirs).execute(conn)?;
            write_progress(conn, &format!("e.person_id IN ({})", id_list(chunk)))?;
            let theirs = planned_needs::table.filter(planned_needs::person_id.eq_any(chunk));
            diesel::delete(theirs).execute(conn)?;
            write_planned(conn, &format!("ip.person_id IN ({})", id_list(chunk)))?;
        }
        Ok(())
    })
}

/// Numbers as an SQL list: ids, never text from a request.
fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Insertable, Queryable, Selectable)]
#[diesel(table_name = module_progress)]
struct ModuleProgress {
    person_id: i64,
    module_id: i64,
    organization_id: i64,
    profile: String,
    progress: i32,
}

impl ModuleProgress {
    /// Trained or seated: no plan item of the module still needs a seat.
    fn done(&self) -> bool {
        self.progress >= rules::Progress::Seated.rank()
    }
}

/// Writes the module progress of the enrolments `only` keeps (an SQL condition over `e`
/// enrolments and `s` sessions, built from ids), furthest first (`rules::progress_sql`).
fn write_progress(conn: &mut DbConn, only: &str) -> Result<usize, AppError> {
    let progress = rules::progress_sql("e", "m");
    Ok(diesel::sql_query(format!(
        "INSERT INTO module_progress (person_id, module_id, organization_id, profile, progress)
         SELECT e.person_id, s.module_id, p.organization_id, COALESCE(p.profile, ''),
                MAX({progress})
         FROM enrollments e
         JOIN training_sessions s ON s.id = e.session_id
         JOIN modules m ON m.id = s.module_id
         JOIN people p ON p.id = e.person_id
         WHERE {only}
         GROUP BY e.person_id, s.module_id, p.organization_id, p.profile
         HAVING MAX({progress}) > 0"
    ))
    .execute(conn)?)
}

/// Recomputes the module progress of these (person, module) pairs: what an enrolment's new
/// status can change. Call it in the transaction of the write.
///
/// One enrolment's write runs this, so it reads and writes with statements the connection
/// keeps prepared, and touches the pair's planned needs only when the person became (or
/// stopped being) trained or seated there: nothing else about them depends on the status.
pub fn refresh_progress(conn: &mut DbConn, pairs: &[(i64, i64)]) -> Result<(), AppError> {
    let mut pairs = pairs.to_vec();
    pairs.sort_unstable();
    pairs.dedup();
    let people: Vec<i64> = pairs.iter().map(|(person, _)| *person).collect();
    crate::db::lock_people(conn, &people)?;
    for (person, module) in pairs {
        let fresh = furthest(enrolled(conn, Some((person, module)))?).pop();
        let kept = module_progress::table
            .find((person, module))
            .select(ModuleProgress::as_select())
            .first(conn)
            .optional()?;
        if fresh == kept {
            continue;
        }
        diesel::delete(module_progress::table.find((person, module))).execute(conn)?;
        if let Some(row) = &fresh {
            diesel::insert_into(module_progress::table)
                .values(row)
                .execute(conn)?;
        }
        if fresh.as_ref().is_some_and(ModuleProgress::done)
            != kept.as_ref().is_some_and(ModuleProgress::done)
        {
            let needs = planned_needs::table
                .filter(planned_needs::person_id.eq(person))
                .filter(planned_needs::module_id.eq(module));
            diesel::delete(needs).execute(conn)?;
            write_planned(
                conn,
                &format!("ip.person_id = {person} AND i.module_id = {module}"),
            )?;
        }
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Queryable, Selectable)]
#[diesel(table_name = planned_needs)]
struct PlannedNeed {
    item_id: i64,
    person_id: i64,
    module_id: i64,
    year: i32,
    target_on: Option<chrono::NaiveDate>,
    organization_id: i64,
    profile: String,
    language: String,
}

/// Writes the planned needs among the plan items `only` keeps (an SQL condition over `i` items
/// and `ip` plans, built from ids): those whose active person is neither trained nor seated in
/// the module, as `module_progress` (already refreshed) has it.
fn write_planned(conn: &mut DbConn, only: &str) -> Result<usize, AppError> {
    Ok(diesel::sql_query(format!(
        "INSERT INTO planned_needs (item_id, person_id, module_id, year, target_on,
                                    organization_id, profile, language)
         SELECT i.id, ip.person_id, i.module_id, ip.year, i.target_on, p.organization_id,
                COALESCE(p.profile, ''), p.language
         FROM individual_plan_items i
         JOIN individual_plans ip ON ip.id = i.plan_id
         JOIN people p ON p.id = ip.person_id
         WHERE p.active = TRUE AND {only}
           AND NOT EXISTS (SELECT 1 FROM module_progress dp
                 WHERE dp.person_id = ip.person_id AND dp.module_id = i.module_id AND {})",
        rules::progress_trained_or_seated_sql("dp")
    ))
    .execute(conn)?)
}

/// Recomputes the planned needs of a person whose plan changed. Call it in the transaction of
/// the write.
pub fn refresh_plans(conn: &mut DbConn, person_id: i64) -> Result<(), AppError> {
    crate::db::lock_people(conn, &[person_id])?;
    diesel::delete(planned_needs::table.filter(planned_needs::person_id.eq(person_id)))
        .execute(conn)?;
    write_planned(conn, &format!("ip.person_id = {person_id}"))?;
    Ok(())
}

/// The planned needs computed in Rust from the plans, the people and `progress` (a fresh
/// computation): the oracle of `write_planned`.
fn computed_planned(
    conn: &mut DbConn,
    progress: &[ModuleProgress],
) -> Result<Vec<PlannedNeed>, AppError> {
    let done: BTreeSet<(i64, i64)> = progress
        .iter()
        .filter(|p| p.progress >= rules::Progress::Seated.rank())
        .map(|p| (p.person_id, p.module_id))
        .collect();
    let items: Vec<PlanRow> = individual_plan_items::table
        .inner_join(individual_plans::table.inner_join(people_table::table))
        .select((
            individual_plan_items::id,
            individual_plans::person_id,
            individual_plan_items::module_id,
            individual_plans::year,
            individual_plan_items::target_on,
            people_table::organization_id,
            people_table::profile,
            people_table::language,
            people_table::active,
        ))
        .load(conn)?;
    Ok(items
        .into_iter()
        .filter(|row| row.8 && !done.contains(&(row.1, row.2)))
        .map(
            |(
                item_id,
                person_id,
                module_id,
                year,
                target_on,
                organization_id,
                profile,
                language,
                _,
            )| {
                PlannedNeed {
                    item_id,
                    person_id,
                    module_id,
                    year,
                    target_on,
                    organization_id,
                    profile: profile.unwrap_or_else(|| NO_PROFILE.to_owned()),
                    language,
                }
            },
        )
        .collect())
}

/// A plan item as the planned-needs oracle reads it: item, person, module, plan year, date,
/// and the person's organisation, profile, language and whether they are active.
type PlanRow = (
    i64,
    i64,
    i64,
    i32,
    Option<chrono::NaiveDate>,
    i64,
    Option<String>,
    String,
    bool,
);

/// `refresh_progress` for the (person, module) pairs of these enrolments, each found with one
/// statement the connection keeps prepared (an `IN` list is prepared anew each time, and each
/// pair costs more to refresh than to find).
pub fn refresh_enrollments(conn: &mut DbConn, ids: &[i64]) -> Result<(), AppError> {
    let mut pairs = Vec::with_capacity(ids.len());
    for id in ids {
        pairs.extend(
            enrollments::table
                .inner_join(training_sessions::table)
                .filter(enrollments::id.eq(id))
                .select((enrollments::person_id, training_sessions::module_id))
                .first::<(i64, i64)>(conn)
                .optional()?,
        );
    }
    refresh_progress(conn, &pairs)
}

/// An enrolment as the progress oracle reads it: person, module, organisation, profile,
/// status, result, whether the module is assessed.
type Enrolled = (i64, i64, i64, Option<String>, String, Option<bool>, bool);

/// The enrolments as the progress reads them, of one (person, module) pair or of all.
fn enrolled(conn: &mut DbConn, pair: Option<(i64, i64)>) -> Result<Vec<Enrolled>, AppError> {
    let mut query = enrollments::table
        .inner_join(training_sessions::table.inner_join(modules::table))
        .inner_join(people_table::table)
        .select((
            enrollments::person_id,
            training_sessions::module_id,
            people_table::organization_id,
            people_table::profile,
            enrollments::status,
            enrollments::passed,
            modules::assessed,
        ))
        .into_boxed();
    if let Some((person, module)) = pair {
        query = query
            .filter(enrollments::person_id.eq(person))
            .filter(training_sessions::module_id.eq(module));
    }
    Ok(query.load(conn)?)
}

/// The module progress as `rules::Progress::of` gives it, enrolment by enrolment in Rust: the
/// furthest of each pair, in pair order. Over all enrolments it is the oracle of the SQL that
/// `write_progress` runs for the rebuild.
fn furthest(rows: Vec<Enrolled>) -> Vec<ModuleProgress> {
    let mut furthest: BTreeMap<(i64, i64), ModuleProgress> = BTreeMap::new();
    for (person_id, module_id, organization_id, profile, status, passed, assessed) in rows {
        let progress = EnrollmentStatus::parse(&status)
            .and_then(|status| rules::Progress::of(status, passed, assessed));
        let Some(progress) = progress else {
            continue;
        };
        let row = furthest
            .entry((person_id, module_id))
            .or_insert_with(|| ModuleProgress {
                person_id,
                module_id,
                organization_id,
                profile: profile.unwrap_or_else(|| NO_PROFILE.to_owned()),
                progress: 0,
            });
        row.progress = row.progress.max(progress.rank());
    }
    furthest.into_values().collect()
}

/// The groups that gained or lost a person: a person's (distinct) membership of each group
/// is all a count depends on.
fn changed_groups(before: &[TrainedFact], after: &[TrainedFact]) -> BTreeSet<Group> {
    let memberships = |facts: &[TrainedFact]| -> BTreeSet<(i64, Group)> {
        facts
            .iter()
            .flat_map(|f| f.groups().map(|g| (f.person_id, g)))
            .collect()
    };
    let (before, after) = (memberships(before), memberships(after));
    before
        .symmetric_difference(&after)
        .map(|(_, group)| group.clone())
        .collect()
}

/// The people attended in the session or in a session of the module: the only ones whose
/// facts a change to it can move.
fn attendees(
    conn: &mut DbConn,
    session: Option<i64>,
    module: Option<i64>,
) -> Result<Vec<i64>, AppError> {
    let mut query = enrollments::table
        .inner_join(training_sessions::table)
        .filter(enrollments::status.eq(EnrollmentStatus::Attended.as_str()))
        .select(enrollments::person_id)
        .distinct()
        .into_boxed();
    if let Some(id) = session {
        query = query.filter(training_sessions::id.eq(id));
    }
    if let Some(id) = module {
        query = query.filter(training_sessions::module_id.eq(id));
    }
    Ok(query.load(conn)?)
}

/// Recomputes the facts of the session's attendees (its date changed).
pub fn refresh_session(conn: &mut DbConn, session_id: i64) -> Result<(), AppError> {
    let people = attendees(conn, Some(session_id), None)?;
    refresh_people(conn, &people)
}

/// Recomputes the facts of the attendees of the module's sessions (whether it is assessed,
/// its domain or its tier changed).
pub fn refresh_module(conn: &mut DbConn, module_id: i64) -> Result<(), AppError> {
    let people = attendees(conn, None, Some(module_id))?;
    refresh_people(conn, &people)
}

/// Recomputes every fact and count; returns how many facts there are.
pub fn rebuild(conn: &mut DbConn) -> Result<usize, AppError> {
    crate::db::transaction(conn, |conn| {
        crate::db::lock_read_model(conn)?;
        diesel::delete(trained_counts::table).execute(conn)?;
        diesel::delete(trained_facts::table).execute(conn)?;
        diesel::delete(module_progress::table).execute(conn)?;
        let facts = computed(conn, None)?;
        insert_rows!(conn, trained_facts::table, facts);
        let counts = counted(&facts);
        insert_rows!(conn, trained_counts::table, counts);
        write_progress(conn, "1 = 1")?;
        diesel::delete(planned_needs::table).execute(conn)?;
        write_planned(conn, "1 = 1")?;
        // No trigger watches the model's own tables: a repair must reach the report caches.
        crate::db::cache::bump_data_version(conn)?;
        Ok(facts.len())
    })
}

/// Builds the model when it is empty but there is something to count: a database from before
/// the read model (or before one of its tables), after its migration.
pub fn ensure_built(conn: &mut DbConn) -> Result<(), AppError> {
    let empty = !diesel::select(diesel::dsl::exists(
        module_progress::table.select(module_progress::person_id),
    ))
    .get_result::<bool>(conn)?;
    let enrolled = diesel::select(diesel::dsl::exists(
        enrollments::table.select(enrollments::id),
    ))
    .get_result::<bool>(conn)?;
    if empty && enrolled {
        let facts = rebuild(conn)?;
        log::info!("read model built: {facts} trained facts");
    }
    Ok(())
}

/// Where the model differs from a fresh computation, one line per differing row (none when it
/// is in step).
pub fn differences(conn: &mut DbConn) -> Result<Vec<String>, AppError> {
    // Under the lock, in one transaction: no writer changes the model or its sources meanwhile.
    crate::db::transaction(conn, |conn| {
        crate::db::lock_read_model(conn)?;
        compare(conn)
    })
}

fn compare(conn: &mut DbConn) -> Result<Vec<String>, AppError> {
    let fresh = computed(conn, None)?;
    let mut lines = differing("trained_facts", load_facts(conn, None)?, fresh.clone());
    let kept = trained_counts::table
        .select(TrainedCount::as_select())
        .load(conn)?;
    lines.extend(differing("trained_counts", kept, counted(&fresh)));
    let kept = module_progress::table
        .select(ModuleProgress::as_select())
        .load(conn)?;
    let progress = furthest(enrolled(conn, None)?);
    let planned = computed_planned(conn, &progress)?;
    lines.extend(differing("module_progress", kept, progress));
    let kept = planned_needs::table
        .select(PlannedNeed::as_select())
        .load(conn)?;
    lines.extend(differing("planned_needs", kept, planned));
    Ok(lines)
}

/// The rows only one side has, as lines.
fn differing<T: std::fmt::Debug + Ord>(table: &str, kept: Vec<T>, fresh: Vec<T>) -> Vec<String> {
    let (kept, fresh): (BTreeSet<T>, BTreeSet<T>) =
        (kept.into_iter().collect(), fresh.into_iter().collect());
    let missing = fresh
        .difference(&kept)
        .map(|row| format!("{table}: missing {row:?}"));
    let extra = kept
        .difference(&fresh)
        .map(|row| format!("{table}: not computed {row:?}"));
    missing.chain(extra).collect()
}
