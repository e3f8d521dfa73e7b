//! The read model (DESIGN §4 rule 8): the facts the reports aggregate, in tables of their own,
//! kept in the same transaction as every write that changes them. A write never counts a fact
//! up or down: it recomputes the facts of the people it touched from their sources, with the
//! rules of `rules`, so the model cannot drift from what a from-scratch computation gives.
//! `rebuild` recomputes every fact (after a bulk load, an upgrade, a repair) and `differences`
//! compares the model with a fresh computation (the tests' oracle, and a check for operators).
//!
//! Its facts so far: `trained_facts`, one row per person, domain, tier and Brussels year in
//! which at least one enrolment makes the person trained (`rules::trained_sql`).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Brussels;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use crate::db::schema::{enrollments, trained_facts, training_sessions};
use crate::db::{insert_rows, DbConn, BATCH};
use crate::domain::enrollments::EnrollmentStatus;
use crate::domain::rules;
use crate::error::AppError;

/// A trained fact's key: person, domain, tier and Brussels year.
type Key = (i64, i64, String, i32);

#[derive(Debug, Clone, PartialEq, Eq, Insertable, Queryable)]
#[diesel(table_name = trained_facts)]
struct TrainedFact {
    person_id: i64,
    domain_id: i64,
    tier: String,
    year: i32,
    trainings: i32,
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
}

/// The Brussels year of an instant stored in UTC.
pub fn brussels_year(at: NaiveDateTime) -> i32 {
    Brussels.from_utc_datetime(&at).year()
}

/// The trained facts of `people` (of everyone when `None`), computed from the enrolments.
fn computed(conn: &mut DbConn, people: Option<&[i64]>) -> Result<Vec<TrainedFact>, AppError> {
    let mut counts: BTreeMap<Key, i32> = BTreeMap::new();
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
            "SELECT e.person_id, m.domain_id, m.tier, s.starts_at
             FROM enrollments e
             JOIN training_sessions s ON s.id = e.session_id
             JOIN modules m ON m.id = s.module_id
             WHERE {trained}{only}",
            trained = rules::trained_sql("e", "m")
        ))
        .load(conn)?;
        for t in trainings {
            let key = (t.person_id, t.domain_id, t.tier, brussels_year(t.starts_at));
            *counts.entry(key).or_default() += 1;
        }
    }
    Ok(counts
        .into_iter()
        .map(
            |((person_id, domain_id, tier, year), trainings)| TrainedFact {
                person_id,
                domain_id,
                tier,
                year,
                trainings,
            },
        )
        .collect())
}

fn insert(conn: &mut DbConn, facts: &[TrainedFact]) -> Result<(), AppError> {
    insert_rows!(conn, trained_facts::table, facts);
    Ok(())
}

/// Recomputes the facts of these people. Call it in the transaction of the write.
pub fn refresh_people(conn: &mut DbConn, people: &[i64]) -> Result<(), AppError> {
    let mut people = people.to_vec();
    people.sort_unstable();
    people.dedup();
    if people.is_empty() {
        return Ok(());
    }
    for chunk in people.chunks(BATCH) {
        diesel::delete(trained_facts::table.filter(trained_facts::person_id.eq_any(chunk)))
            .execute(conn)?;
    }
    let facts = computed(conn, Some(&people))?;
    insert(conn, &facts)
}

/// Recomputes the facts of everyone enrolled in the session (its date or module changed).
pub fn refresh_session(conn: &mut DbConn, session_id: i64) -> Result<(), AppError> {
    let people: Vec<i64> = enrollments::table
        .filter(enrollments::session_id.eq(session_id))
        .select(enrollments::person_id)
        .load(conn)?;
    refresh_people(conn, &people)
}

/// Recomputes the facts of everyone enrolled in a session of the module (whether it is
/// assessed, its domain or its tier changed).
pub fn refresh_module(conn: &mut DbConn, module_id: i64) -> Result<(), AppError> {
    let people: Vec<i64> = enrollments::table
        .inner_join(training_sessions::table)
        .filter(training_sessions::module_id.eq(module_id))
        .select(enrollments::person_id)
        .load(conn)?;
    refresh_people(conn, &people)
}

/// Recomputes every fact; returns how many there are.
pub fn rebuild(conn: &mut DbConn) -> Result<usize, AppError> {
    crate::db::transaction(conn, |conn| {
        diesel::delete(trained_facts::table).execute(conn)?;
        let facts = computed(conn, None)?;
        insert(conn, &facts)?;
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

/// Where the model differs from a fresh computation, one line per differing fact (none when
/// it is in step).
pub fn differences(conn: &mut DbConn) -> Result<Vec<String>, AppError> {
    let kept: Vec<TrainedFact> = trained_facts::table
        .select((
            trained_facts::person_id,
            trained_facts::domain_id,
            trained_facts::tier,
            trained_facts::year,
            trained_facts::trainings,
        ))
        .load(conn)?;
    let index = |facts: Vec<TrainedFact>| -> BTreeMap<Key, i32> {
        facts
            .into_iter()
            .map(|f| ((f.person_id, f.domain_id, f.tier, f.year), f.trainings))
            .collect()
    };
    let (kept, fresh) = (index(kept), index(computed(conn, None)?));
    let mut lines = Vec::new();
    for key in kept
        .keys()
        .chain(fresh.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let (k, f) = (kept.get(key), fresh.get(key));
        if k != f {
            lines.push(format!("trained_facts {key:?}: kept {k:?}, computed {f:?}"));
        }
    }
    Ok(lines)
}
