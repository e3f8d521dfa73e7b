//! Cascade coverage: per organisation × domain, key users designated, trained and certified
//! against those required, end users targeted and trained, and the memberships at risk. Every
//! number comes from a handful of grouped queries, whatever the number of organisations.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};
use serde::{Deserialize, Serialize};

use crate::db::schema::{domains, memberships, organizations};
use crate::db::DbConn;
use crate::domain::access::{Actor, PEOPLE_READERS};
use crate::domain::read_model::{self, Source};
use crate::domain::{non_blank, now, rules};
use crate::error::AppError;

/// One row of `GET /api/v1/cascade/coverage` (DESIGN §5).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageRow {
    pub organization: String,
    pub domain: String,
    pub membership_status: String,
    pub go_live_on: Option<NaiveDate>,
    pub key_users_designated: i64,
    pub key_users_trained: i64,
    pub key_users_certified: i64,
    pub required_key_users: i64,
    pub end_users_targeted: i64,
    pub end_users_trained: i64,
    /// End users trained over targeted, in percent (0 when nobody is targeted).
    pub coverage: f64,
}

/// Filters: `?domain=&organization=`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, rocket::FromForm)]
pub struct CoverageFilter {
    pub domain: Option<String>,
    pub organization: Option<String>,
}

#[derive(QueryableByName)]
struct KeyUserCounts {
    #[diesel(sql_type = BigInt)]
    organization_id: i64,
    #[diesel(sql_type = BigInt)]
    domain_id: i64,
    #[diesel(sql_type = BigInt)]
    designated: i64,
    #[diesel(sql_type = BigInt)]
    trained: i64,
    #[diesel(sql_type = BigInt)]
    certified: i64,
}

#[derive(QueryableByName)]
struct PairCount {
    #[diesel(sql_type = BigInt)]
    organization_id: i64,
    #[diesel(sql_type = BigInt)]
    domain_id: i64,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct DomainProfile {
    #[diesel(sql_type = BigInt)]
    domain_id: i64,
    #[diesel(sql_type = Text)]
    profile: String,
}

#[derive(QueryableByName)]
struct StaffCount {
    #[diesel(sql_type = BigInt)]
    organization_id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    profile: Option<String>,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Key users per organisation and domain: designated (not withdrawn), trained (in a
/// train-the-trainer module of the domain, `rules::trained_sql`) and certified.
fn key_user_counts_sql(source: Source) -> String {
    let trained = match source {
        Source::ReadModel => "SELECT 1 FROM trained_facts f
             WHERE f.person_id = k.person_id AND f.domain_id = k.domain_id AND f.tier = 'trainer'"
            .to_owned(),
        Source::Enrollments => format!(
            "SELECT 1 FROM enrollments e
             JOIN training_sessions s ON s.id = e.session_id
             JOIN modules m ON m.id = s.module_id
             WHERE e.person_id = k.person_id AND {}
               AND m.tier = 'trainer' AND m.domain_id = k.domain_id",
            rules::trained_sql("e", "m")
        ),
    };
    format!(
        "SELECT p.organization_id, k.domain_id,
       COUNT(*) AS designated,
       SUM(CASE WHEN EXISTS ({trained}) THEN 1 ELSE 0 END) AS trained,
       SUM(CASE WHEN k.status = 'certified' THEN 1 ELSE 0 END) AS certified
FROM key_users k JOIN people p ON p.id = k.person_id
WHERE k.status <> 'withdrawn'
GROUP BY p.organization_id, k.domain_id"
    )
}

/// Distinct people trained in an end-user module of the domain, per organisation. End-user
/// sessions take their organiser's people only (DESIGN §4 rule 3), so the organiser is the
/// people's organisation. The read model counts them over all years, per profile (a person
/// has one).
fn end_users_trained_sql(source: Source) -> String {
    match source {
        Source::ReadModel => format!(
            "SELECT organization_id, domain_id, SUM(people) AS n FROM trained_counts
             WHERE year = {} AND tier = 'end_user' GROUP BY organization_id, domain_id",
            read_model::ANY_YEAR
        ),
        Source::Enrollments => format!(
            "SELECT s.organizer_id AS organization_id, m.domain_id,
                    COUNT(DISTINCT e.person_id) AS n
             FROM enrollments e
             JOIN training_sessions s ON s.id = e.session_id
             JOIN modules m ON m.id = s.module_id
             WHERE {} AND m.tier = 'end_user'
             GROUP BY s.organizer_id, m.domain_id",
            rules::trained_sql("e", "m")
        ),
    }
}

/// Headcounts of the year's collective plan targets on end-user modules.
const END_USERS_TARGETED: &str = "\
SELECT c.organization_id, m.domain_id, SUM(t.headcount) AS n
FROM collective_plan_targets t
JOIN collective_plans c ON c.id = t.plan_id
JOIN modules m ON m.id = t.module_id
WHERE m.tier = 'end_user' AND c.year = $1
GROUP BY c.organization_id, m.domain_id";

/// The staff profiles each domain's end-user modules address (named in any plan target).
const DOMAIN_PROFILES: &str = "\
SELECT DISTINCT m.domain_id, t.profile
FROM collective_plan_targets t JOIN modules m ON m.id = t.module_id
WHERE m.tier = 'end_user' AND t.profile IS NOT NULL";

const ACTIVE_STAFF: &str = "\
SELECT organization_id, profile, COUNT(*) AS n FROM people WHERE active = $1
GROUP BY organization_id, profile";

fn pairs(rows: Vec<PairCount>) -> HashMap<(i64, i64), i64> {
    rows.into_iter()
        .map(|r| ((r.organization_id, r.domain_id), r.n))
        .collect()
}

/// The domain and organisation filters name existing rows, or 422 naming the field.
fn check_codes(
    conn: &mut DbConn,
    domain: Option<&str>,
    organization: Option<&str>,
) -> Result<(), AppError> {
    use crate::error::FieldErrors;
    let mut errors = FieldErrors::default();
    crate::domain::rules::domain_filter(conn, &mut errors, "domain", domain)?;
    crate::domain::rules::organization_filter(conn, &mut errors, "organization", organization)?;
    errors.into_result()
}

/// Coverage rows in the actor's scope (planners and admins all; HR its organisation), for the
/// memberships of organisations that joined, intend to join, or are interested.
pub fn coverage(
    conn: &mut DbConn,
    actor: &Actor,
    filter: &CoverageFilter,
) -> Result<Vec<CoverageRow>, AppError> {
    coverage_from(conn, actor, filter, Source::ReadModel)
}

/// `coverage`, reading the trained from `source` (the tests compare the two).
pub fn coverage_from(
    conn: &mut DbConn,
    actor: &Actor,
    filter: &CoverageFilter,
    source: Source,
) -> Result<Vec<CoverageRow>, AppError> {
    actor.require(PEOPLE_READERS)?;
    check_codes(
        conn,
        filter.domain.as_deref(),
        filter.organization.as_deref(),
    )?;
    let mut query = memberships::table
        .inner_join(organizations::table)
        .inner_join(domains::table)
        .filter(memberships::status.eq_any(["joined", "intended", "interested"]))
        .order((organizations::code, domains::position))
        .select((
            organizations::id,
            organizations::code,
            domains::id,
            domains::code,
            memberships::status,
            memberships::go_live_on,
            memberships::required_key_users,
        ))
        .into_boxed();
    if let Some(organization_id) = actor.scope().organization_id() {
        query = query.filter(organizations::id.eq(organization_id));
    }
    if let Some(code) = non_blank(filter.organization.as_deref()) {
        query = query.filter(organizations::code.eq(code));
    }
    if let Some(code) = non_blank(filter.domain.as_deref()) {
        query = query.filter(domains::code.eq(code));
    }
    type Membership = (i64, String, i64, String, String, Option<NaiveDate>, i32);
    let rows: Vec<Membership> = query.load(conn)?;

    let key_users: HashMap<(i64, i64), KeyUserCounts> =
        diesel::sql_query(key_user_counts_sql(source))
            .load::<KeyUserCounts>(conn)?
            .into_iter()
            .map(|r| ((r.organization_id, r.domain_id), r))
            .collect();
    let trained = pairs(diesel::sql_query(end_users_trained_sql(source)).load(conn)?);
    let year = now()
        .date()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap_or(2026);
    let targeted = pairs(
        diesel::sql_query(END_USERS_TARGETED)
            .bind::<Integer, _>(year)
            .load(conn)?,
    );
    let mut profiles: HashMap<i64, BTreeSet<String>> = HashMap::new();
    for row in diesel::sql_query(DOMAIN_PROFILES).load::<DomainProfile>(conn)? {
        profiles
            .entry(row.domain_id)
            .or_default()
            .insert(row.profile);
    }
    let staff: Vec<StaffCount> = diesel::sql_query(ACTIVE_STAFF)
        .bind::<diesel::sql_types::Bool, _>(true)
        .load(conn)?;

    Ok(rows
        .into_iter()
        .map(
            |(organization_id, organization, domain_id, domain, status, go_live_on, required)| {
                let key = (organization_id, domain_id);
                let counts = key_users.get(&key);
                let end_users_targeted = match targeted.get(&key) {
                    Some(n) if *n > 0 => *n,
                    _ => {
                        let addressed = profiles.get(&domain_id);
                        let with_profile: i64 = staff
                            .iter()
                            .filter(|s| s.organization_id == organization_id)
                            .filter(|s| match (addressed, &s.profile) {
                                (Some(set), Some(profile)) => set.contains(profile),
                                (Some(_), None) => false,
                                (None, _) => true,
                            })
                            .map(|s| s.n)
                            .sum();
                        if with_profile > 0 || addressed.is_none() {
                            with_profile
                        } else {
                            staff
                                .iter()
                                .filter(|s| s.organization_id == organization_id)
                                .map(|s| s.n)
                                .sum()
                        }
                    }
                };
                let end_users_trained = trained.get(&key).copied().unwrap_or(0);
                CoverageRow {
                    organization,
                    domain,
                    membership_status: status,
                    go_live_on,
                    key_users_designated: counts.map(|c| c.designated).unwrap_or(0),
                    key_users_trained: counts.map(|c| c.trained).unwrap_or(0),
                    key_users_certified: counts.map(|c| c.certified).unwrap_or(0),
                    required_key_users: i64::from(required),
                    end_users_targeted,
                    end_users_trained,
                    coverage: percent(end_users_trained, end_users_targeted),
                }
            },
        )
        .collect())
}

pub(crate) fn percent(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        0.0
    } else {
        ((part as f64) * 1000.0 / (whole as f64)).round() / 10.0
    }
}

/// A membership at risk, and what is missing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AtRisk {
    pub organization: String,
    pub domain: String,
    pub go_live_on: NaiveDate,
    pub days_left: i64,
    /// Certified key users still missing.
    pub key_users_missing: i64,
    /// End users still to train to reach half of those targeted (within 30 days of go-live).
    pub end_users_missing: i64,
}

/// Memberships going live within 90 days with too few certified key users, or within 30
/// days with under half their end users trained; soonest first.
pub fn at_risk(conn: &mut DbConn, actor: &Actor) -> Result<Vec<AtRisk>, AppError> {
    at_risk_from(conn, actor, Source::ReadModel)
}

/// `at_risk`, reading the trained from `source` (the tests compare the two).
pub fn at_risk_from(
    conn: &mut DbConn,
    actor: &Actor,
    source: Source,
) -> Result<Vec<AtRisk>, AppError> {
    let all = coverage_from(conn, actor, &CoverageFilter::default(), source)?;
    Ok(risks_among(all))
}

/// The coverage rows for `filter` and the memberships at risk, from one computation.
pub fn coverage_and_risks(
    conn: &mut DbConn,
    actor: &Actor,
    filter: &CoverageFilter,
) -> Result<(Vec<CoverageRow>, Vec<AtRisk>), AppError> {
    check_codes(
        conn,
        filter.domain.as_deref(),
        filter.organization.as_deref(),
    )?;
    let all = coverage(conn, actor, &CoverageFilter::default())?;
    let organization = non_blank(filter.organization.as_deref());
    let domain = non_blank(filter.domain.as_deref());
    let rows = all
        .iter()
        .filter(|r| {
            organization
                .as_deref()
                .is_none_or(|code| r.organization == code)
        })
        .filter(|r| domain.as_deref().is_none_or(|code| r.domain == code))
        .cloned()
        .collect();
    Ok((rows, risks_among(all)))
}

fn risks_among(rows: Vec<CoverageRow>) -> Vec<AtRisk> {
    let today = now().date();
    let mut risks: Vec<AtRisk> = rows
        .into_iter()
        .filter_map(|row| {
            let go_live_on = row.go_live_on?;
            let days_left = (go_live_on - today).num_days();
            if !(0..=rules::GO_LIVE_HORIZON_DAYS).contains(&days_left) {
                return None;
            }
            let key_users_missing = (row.required_key_users - row.key_users_certified).max(0);
            let end_users_missing = if days_left <= rules::END_USER_HORIZON_DAYS
                && row.coverage < rules::MIN_COVERAGE
            {
                ((row.end_users_targeted + 1) / 2 - row.end_users_trained).max(0)
            } else {
                0
            };
            (key_users_missing > 0 || end_users_missing > 0).then_some(AtRisk {
                organization: row.organization,
                domain: row.domain,
                go_live_on,
                days_left,
                key_users_missing,
                end_users_missing,
            })
        })
        .collect();
    risks.sort_by_key(|r| (r.go_live_on, -(r.key_users_missing + r.end_users_missing)));
    risks
}
