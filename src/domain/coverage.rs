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
use crate::domain::access::{Actor, Scope, PEOPLE_READERS};
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

fn percent(part: i64, whole: i64) -> f64 {
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

/// One trainee under a trainer, with when they first attended and how many sessions.
#[derive(Debug, Clone, Serialize)]
pub struct Trainee {
    pub person_id: i64,
    pub full_name: String,
    pub organization: String,
    #[serde(serialize_with = "crate::domain::utc::serialize_option")]
    pub first_attended: Option<chrono::NaiveDateTime>,
    pub sessions: i64,
    /// For key users: the end users they trained in turn.
    pub trained: Vec<Trainee>,
    pub reach: Option<Reach>,
}

/// What a key user's own sessions achieved.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Reach {
    pub end_users_trained: i64,
    pub sessions_given: i64,
    pub attended: i64,
    pub absent: i64,
    /// Absent over attended + absent, in percent.
    pub no_show_rate: f64,
}

/// A school or integrator trainer (or `None`: key users trained elsewhere) and whom they trained.
#[derive(Debug, Clone, Serialize)]
pub struct TreeRoot {
    pub trainer_person_id: Option<i64>,
    pub trainer: Option<String>,
    pub organization: Option<String>,
    pub key_users: Vec<Trainee>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, rocket::FromForm)]
pub struct TreeFilter {
    pub domain: Option<String>,
    pub organization: Option<String>,
    /// Part of a name: keeps the key users named so, and those who trained someone named so.
    pub q: Option<String>,
}

/// Narrows a tree to the people whose name contains `q` (case-insensitive).
fn search(roots: Vec<TreeRoot>, q: &str) -> Vec<TreeRoot> {
    let q = q.to_lowercase();
    let matches = |name: &str| name.to_lowercase().contains(&q);
    roots
        .into_iter()
        .filter_map(|mut root| {
            let trainer_matches = root.trainer.as_deref().is_some_and(matches);
            if !trainer_matches {
                root.key_users = root
                    .key_users
                    .into_iter()
                    .filter_map(|mut key_user| {
                        if !matches(&key_user.full_name) {
                            key_user.trained.retain(|e| matches(&e.full_name));
                            if key_user.trained.is_empty() {
                                return None;
                            }
                        }
                        Some(key_user)
                    })
                    .collect();
            }
            (trainer_matches || !root.key_users.is_empty()).then_some(root)
        })
        .collect()
}

#[derive(QueryableByName)]
struct Edge {
    #[diesel(sql_type = BigInt)]
    trainer: i64,
    #[diesel(sql_type = BigInt)]
    trainee: i64,
    #[diesel(sql_type = Text)]
    tier: String,
    #[diesel(sql_type = diesel::sql_types::Timestamp)]
    first_at: chrono::NaiveDateTime,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct ReachRow {
    #[diesel(sql_type = BigInt)]
    trainer: i64,
    #[diesel(sql_type = BigInt)]
    organizer: i64,
    #[diesel(sql_type = BigInt)]
    sessions: i64,
    #[diesel(sql_type = BigInt)]
    attended: i64,
    #[diesel(sql_type = BigInt)]
    absent: i64,
}

/// Who trained whom, per tier, in one domain: the trainee is trained (`rules::trained_sql`) in
/// a session the trainer gave.
fn edges_sql() -> String {
    let trained = rules::trained_sql("e", "m");
    format!(
        "SELECT s.trainer_person_id AS trainer, e.person_id AS trainee, m.tier,
       MIN(s.starts_at) AS first_at, COUNT(*) AS n
FROM enrollments e
JOIN training_sessions s ON s.id = e.session_id
JOIN modules m ON m.id = s.module_id
JOIN domains d ON d.id = m.domain_id
WHERE {trained} AND s.trainer_person_id IS NOT NULL AND d.code = $1
GROUP BY s.trainer_person_id, e.person_id, m.tier"
    )
}

/// Each trainer's end-user sessions in the domain, by organiser: how many, who came, who did
/// not.
const REACH: &str = "\
SELECT s.trainer_person_id AS trainer, s.organizer_id AS organizer,
       COUNT(DISTINCT s.id) AS sessions,
       SUM(CASE WHEN e.status = 'attended' THEN 1 ELSE 0 END) AS attended,
       SUM(CASE WHEN e.status = 'absent' THEN 1 ELSE 0 END) AS absent
FROM training_sessions s
JOIN modules m ON m.id = s.module_id
JOIN domains d ON d.id = m.domain_id
LEFT JOIN enrollments e ON e.session_id = s.id
WHERE m.tier = 'end_user' AND s.status <> 'cancelled' AND s.trainer_person_id IS NOT NULL
  AND d.code = $1
GROUP BY s.trainer_person_id, s.organizer_id";

/// Who trained whom in a domain (DESIGN §4 rule 4): trainers → key users → end users, from
/// attended enrolments and session trainers; HR sees its own organisation's key users.
pub fn tree(
    conn: &mut DbConn,
    actor: &Actor,
    filter: &TreeFilter,
) -> Result<Vec<TreeRoot>, AppError> {
    actor.require(PEOPLE_READERS)?;
    let domain = non_blank(filter.domain.as_deref())
        .ok_or_else(|| AppError::invalid("domain", crate::error::Message::new("field-required")))?;
    check_codes(conn, Some(&domain), filter.organization.as_deref())?;
    let edges: Vec<Edge> = diesel::sql_query(edges_sql())
        .bind::<Text, _>(&domain)
        .load(conn)?;
    let scope = actor.scope();
    let reach = reach_in(conn, &domain, scope)?;
    let mut ids: BTreeSet<i64> = edges.iter().flat_map(|e| [e.trainer, e.trainee]).collect();
    ids.extend(reach.keys());
    let forest = Forest {
        names: names_of(conn, ids)?,
        edges,
        reach,
        scope,
    };
    let roots = forest.roots(non_blank(filter.organization.as_deref()));
    Ok(match non_blank(filter.q.as_deref()) {
        Some(q) => search(roots, &q),
        None => roots,
    })
}

/// Each trainer's reach in the domain, over the sessions organised within `scope`: a key user
/// who trains another organisation's staff would otherwise reveal how many of them came.
fn reach_in(
    conn: &mut DbConn,
    domain: &str,
    scope: Scope,
) -> Result<HashMap<i64, ReachRow>, AppError> {
    let mut reach: HashMap<i64, ReachRow> = HashMap::new();
    let rows = diesel::sql_query(REACH)
        .bind::<Text, _>(domain)
        .load::<ReachRow>(conn)?;
    for row in rows.into_iter().filter(|r| scope.allows(r.organizer)) {
        let total = reach.entry(row.trainer).or_insert(ReachRow {
            sessions: 0,
            attended: 0,
            absent: 0,
            ..row
        });
        total.sessions += row.sessions;
        total.attended += row.attended;
        total.absent += row.absent;
    }
    Ok(reach)
}

/// A person in the tree: name, organisation code and organisation id.
type Named = (String, String, i64);

fn names_of(conn: &mut DbConn, ids: BTreeSet<i64>) -> Result<HashMap<i64, Named>, AppError> {
    use crate::db::schema::people;
    let ids: Vec<i64> = ids.into_iter().collect();
    let mut names = HashMap::new();
    for chunk in ids.chunks(500) {
        for (id, name, code, organization_id) in people::table
            .inner_join(organizations::table)
            .filter(people::id.eq_any(chunk))
            .select((
                people::id,
                people::full_name,
                organizations::code,
                organizations::id,
            ))
            .load::<(i64, String, String, i64)>(conn)?
        {
            names.insert(id, (name, code, organization_id));
        }
    }
    Ok(names)
}

/// What the tree is built from, as read for one reader.
struct Forest {
    edges: Vec<Edge>,
    reach: HashMap<i64, ReachRow>,
    names: HashMap<i64, Named>,
    scope: Scope,
}

impl Forest {
    fn in_scope(&self, person: i64) -> bool {
        self.names
            .get(&person)
            .is_some_and(|(_, _, organization_id)| self.scope.allows(*organization_id))
    }

    fn node(&self, person_id: i64, edge: Option<&Edge>) -> Trainee {
        let (full_name, organization, _) = self.names.get(&person_id).cloned().unwrap_or_default();
        Trainee {
            person_id,
            full_name,
            organization,
            first_attended: edge.map(|e| e.first_at),
            sessions: edge.map(|e| e.n).unwrap_or(0),
            trained: Vec::new(),
            reach: None,
        }
    }

    /// Key users: whoever gave end-user sessions, or attended a train-the-trainer one; of the
    /// reader's scope and, where asked, of one organisation.
    fn key_user_ids(&self, organization: Option<&str>) -> BTreeSet<i64> {
        let mut ids: BTreeSet<i64> = self
            .edges
            .iter()
            .filter(|e| e.tier == "trainer")
            .map(|e| e.trainee)
            .collect();
        ids.extend(self.reach.keys().copied());
        ids.retain(|id| {
            self.names
                .get(id)
                .is_some_and(|(_, code, organization_id)| {
                    self.scope.allows(*organization_id) && organization.is_none_or(|w| w == code)
                })
        });
        ids
    }

    /// A key user with the end users they trained (in the reader's scope) and their reach.
    fn key_user(&self, id: i64, first: Option<&Edge>) -> Trainee {
        let mut node = self.node(id, first);
        node.trained = self
            .edges
            .iter()
            .filter(|e| e.tier == "end_user" && e.trainer == id && self.in_scope(e.trainee))
            .map(|e| self.node(e.trainee, Some(e)))
            .collect();
        node.trained.sort_by(|a, b| a.full_name.cmp(&b.full_name));
        let r = self.reach.get(&id);
        let (attended, absent) = r.map(|r| (r.attended, r.absent)).unwrap_or((0, 0));
        node.reach = Some(Reach {
            end_users_trained: node.trained.len() as i64,
            sessions_given: r.map(|r| r.sessions).unwrap_or(0),
            attended,
            absent,
            no_show_rate: percent(absent, attended + absent),
        });
        node
    }

    /// One root per trainer of key users, and one without a trainer for the key users trained
    /// elsewhere (or not yet).
    fn roots(&self, organization: Option<String>) -> Vec<TreeRoot> {
        let key_user_ids = self.key_user_ids(organization.as_deref());
        let trained_by = |e: &&Edge| e.tier == "trainer" && key_user_ids.contains(&e.trainee);
        let trainers: BTreeSet<i64> = self
            .edges
            .iter()
            .filter(trained_by)
            .map(|e| e.trainer)
            .collect();
        let mut roots: Vec<TreeRoot> = Vec::new();
        let mut placed: BTreeSet<i64> = BTreeSet::new();
        for trainer in trainers {
            let mut key_users: Vec<Trainee> = self
                .edges
                .iter()
                .filter(|e| e.trainer == trainer)
                .filter(trained_by)
                .map(|e| self.key_user(e.trainee, Some(e)))
                .collect();
            key_users.sort_by(|a, b| a.full_name.cmp(&b.full_name));
            placed.extend(key_users.iter().map(|k| k.person_id));
            let (name, organization, _) = self.names.get(&trainer).cloned().unwrap_or_default();
            roots.push(TreeRoot {
                trainer_person_id: Some(trainer),
                trainer: Some(name),
                organization: Some(organization),
                key_users,
            });
        }
        let elsewhere: Vec<Trainee> = key_user_ids
            .iter()
            .filter(|id| !placed.contains(id))
            .map(|id| self.key_user(*id, None))
            .collect();
        if !elsewhere.is_empty() {
            roots.push(TreeRoot {
                trainer_person_id: None,
                trainer: None,
                organization: None,
                key_users: elsewhere,
            });
        }
        roots
    }
}
