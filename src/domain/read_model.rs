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
//! - `trained_counts`: distinct people of those facts per year, organisation and profile, per
//!   domain and tier, per domain, and in all.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Brussels;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use crate::db::schema::{enrollments, trained_counts, trained_facts, training_sessions};
use crate::db::{insert_rows, DbConn, BATCH};
use crate::domain::enrollments::EnrollmentStatus;
use crate::domain::rules;
use crate::error::AppError;

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
    /// The three groups it is counted in: per domain and tier, per domain, in all.
    fn groups(&self) -> [Group; 3] {
        let group = |domain_id, tier: &str| Group {
            year: self.year,
            domain_id,
            tier: tier.to_owned(),
            organization_id: self.organization_id,
            profile: self.profile.clone(),
        };
        [
            group(self.domain_id, &self.tier),
            group(self.domain_id, ANY_TIER),
            group(ANY_DOMAIN, ANY_TIER),
        ]
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
        .filter(trained_facts::year.eq(group.year))
        .filter(trained_facts::organization_id.eq(group.organization_id))
        .filter(trained_facts::profile.eq(&group.profile))
        .into_boxed();
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
        Ok(())
    })
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
        let facts = computed(conn, None)?;
        insert_rows!(conn, trained_facts::table, facts);
        let counts = counted(&facts);
        insert_rows!(conn, trained_counts::table, counts);
        Ok(facts.len())
    })
}

/// Builds the model when it is empty but there is something to count: a database from before
/// the read model, after its migration.
pub fn ensure_built(conn: &mut DbConn) -> Result<(), AppError> {
    let empty = !diesel::select(diesel::dsl::exists(
        trained_facts::table.select(trained_facts::person_id),
    ))
    .get_result::<bool>(conn)?;
    let attended = diesel::select(diesel::dsl::exists(
        enrollments::table.filter(enrollments::status.eq(EnrollmentStatus::Attended.as_str())),
    ))
    .get_result::<bool>(conn)?;
    if empty && attended {
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
