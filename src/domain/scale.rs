//! A Brussels-sized data set for load tests (`formation seed --scale N`): N times 30,000 people,
//! 1,500 key users, 4,000 sessions from 2023 to 2026, 120,000 enrolments and 20,000 individual
//! plan items, over the 38 authorities of the reference data and an 80-module catalogue (the
//! region and the catalogue do not grow with N; headcounts and activity do).
//!
//! Deterministic for a given day (fixed seed; which sessions are past depends on today), and
//! faithful to the rules the app enforces: no session over capacity, one live enrolment per
//! person and session, nobody booked twice on one day, cascade sessions only for the organiser's
//! own people and given by one of its key users certified before the session, trainer-tier
//! sessions only for key users of the domain, key-user statuses derived from attendance.
//!
//! Rows go in with explicit ids and in batches: one statement per row would take minutes.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};
use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::{
    collective_plan_targets, collective_plans, enrollments, individual_plan_items,
    individual_plans, key_users, memberships, organizations, people, training_sessions,
};
use crate::db::DbConn;
use crate::domain::catalogue::{self, NewModule, NewVenue, Tier};
use crate::domain::demo::{
    brussels, date, key_user_profile, Dice, CRM_PIONEERS, FIRST_NAMES_EN, FIRST_NAMES_FR,
    FIRST_NAMES_NL, LAST_NAMES, PROFILES,
};
use crate::domain::organizations::{
    self as orgs, MembershipChange, MembershipStatus, OrganizationKind, SCHOOL_CODE,
};
use crate::domain::{audit, now};
use crate::error::{AppError, FieldErrors, Message};

/// The Brussels-sized world, at N = 1.
const PEOPLE: f64 = 30_000.0;
const KEY_USERS: f64 = 1_500.0;
const SESSIONS: f64 = 4_000.0;
const ENROLLMENTS: f64 = 120_000.0;
const PLAN_ITEMS: f64 = 20_000.0;
const SCHOOL_TRAINERS: f64 = 40.0;
/// Share of sessions given by the school to key users; the rest are cascade sessions.
const TRAINER_TIER_PERCENT: f64 = 10.0;
/// Rows per INSERT: under SQLite's and PostgreSQL's limits on bound parameters.
const BATCH: usize = 500;
/// Session capacities, the seats of a training room.
const CAPACITIES: [i32; 5] = [20, 24, 30, 36, 40];

/// Sixteen modules per domain: four for key users (the second certifies trainers), twelve for
/// end users. French and Dutch titles.
const TOPICS: [(&str, &str); 16] = [
    ("Prise en main", "Kennismaking"),
    ("Former les formateurs", "Train de trainer"),
    ("Paramétrage avancé", "Geavanceerde instellingen"),
    ("Soutien aux collègues", "Ondersteuning van collega's"),
    ("Navigation et recherche", "Navigatie en zoeken"),
    ("Encodage courant", "Dagelijkse invoer"),
    ("Validation et signatures", "Validatie en handtekeningen"),
    ("Rapports", "Rapporten"),
    ("Exports et tableaux", "Exports en tabellen"),
    ("Courriers et modèles", "Brieven en sjablonen"),
    ("Clôture de période", "Periodeafsluiting"),
    ("Gestion des dossiers", "Dossierbeheer"),
    ("Droits et rôles", "Rechten en rollen"),
    ("Tableaux de bord", "Dashboards"),
    ("Cas particuliers", "Bijzondere gevallen"),
    ("Bonnes pratiques", "Goede praktijken"),
];
const TRAINER_MODULES: usize = 4;
const CERTIFYING_MODULE: usize = 1;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ScaleSummary {
    pub people: usize,
    pub key_users: usize,
    pub modules: usize,
    pub sessions: usize,
    pub enrollments: usize,
    pub plan_items: usize,
    pub collective_plans: usize,
}

/// The number of rows for `base` at this scale.
fn scaled(base: f64, scale: f64) -> usize {
    (base * scale).round() as usize
}

/// Splits `total` over `weights` in proportion (largest remainder), so the parts add up exactly.
fn apportion(total: usize, weights: &[f64]) -> Vec<usize> {
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut parts: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let missing = total - parts.iter().sum::<usize>();
    for &i in order.iter().take(missing) {
        parts[i] += 1;
    }
    parts
}

#[derive(Insertable)]
#[diesel(table_name = people, treat_none_as_default_value = false)]
struct PersonRow {
    id: i64,
    organization_id: i64,
    full_name: String,
    email: Option<String>,
    job_title: Option<&'static str>,
    profile: Option<&'static str>,
    language: &'static str,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = key_users, treat_none_as_default_value = false)]
struct KeyUserRow {
    id: i64,
    person_id: i64,
    domain_id: i64,
    status: &'static str,
    designated_by: Option<i64>,
    designated_on: NaiveDate,
    certified_on: Option<NaiveDate>,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = training_sessions, treat_none_as_default_value = false)]
struct GeneratedSession {
    id: i64,
    module_id: i64,
    organizer_id: i64,
    trainer_person_id: Option<i64>,
    venue_id: Option<i64>,
    online_url: Option<String>,
    language: &'static str,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    registration_closes_at: NaiveDateTime,
    capacity: i32,
    seats_taken: i32,
    status: &'static str,
    revision: i32,
    created_by: Option<i64>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = enrollments, treat_none_as_default_value = false)]
struct EnrollmentRow {
    id: i64,
    session_id: i64,
    person_id: i64,
    status: &'static str,
    passed: Option<bool>,
    requested_by: Option<i64>,
    decision_note: Option<String>,
    created_at: NaiveDateTime,
    decided_at: Option<NaiveDateTime>,
    ics_sequence: i32,
    reminded_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = individual_plans, treat_none_as_default_value = false)]
struct PlanRow {
    id: i64,
    person_id: i64,
    year: i32,
    status: &'static str,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = individual_plan_items, treat_none_as_default_value = false)]
struct PlanItemRow {
    id: i64,
    plan_id: i64,
    module_id: i64,
    target_on: Option<NaiveDate>,
    priority: i32,
    note: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = collective_plans, treat_none_as_default_value = false)]
struct CollectivePlanRow {
    id: i64,
    organization_id: i64,
    year: i32,
    status: &'static str,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = collective_plan_targets, treat_none_as_default_value = false)]
struct TargetRow {
    id: i64,
    plan_id: i64,
    module_id: i64,
    profile: Option<&'static str>,
    headcount: i32,
    due_on: Option<NaiveDate>,
}

/// Inserts rows in batches, on whichever backend the connection is.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        for chunk in $rows.chunks(BATCH) {
            match &mut *$conn {
                DbConn::Postgres(c) => diesel::insert_into($table).values(chunk).execute(c)?,
                DbConn::Sqlite(c) => diesel::insert_into($table).values(chunk).execute(c)?,
            };
        }
    };
}

/// The tables whose ids the generator gives itself.
const NUMBERED_TABLES: [&str; 8] = [
    "people",
    "key_users",
    "training_sessions",
    "enrollments",
    "individual_plans",
    "individual_plan_items",
    "collective_plans",
    "collective_plan_targets",
];

const LANGUAGES: [&str; 3] = ["fr", "nl", "en"];

/// Whether a session in `session_language` serves a person speaking `LANGUAGES[person]`.
fn serves(session_language: &str, person: usize) -> bool {
    match session_language {
        "bilingual" => true,
        language => LANGUAGES[person] == language,
    }
}

struct Org {
    id: i64,
    code: String,
    weight: f64,
    requires_approval: bool,
    /// Staff ids by language index.
    staff: [Vec<i64>; 3],
}

struct Membership {
    org: usize,
    domain: usize,
    required_key_users: i32,
}

struct KeyUser {
    person_id: i64,
    language: usize,
    org: usize,
    domain: usize,
    designated_on: NaiveDate,
    certified_on: Option<NaiveDate>,
    seated: bool,
}

/// A session being filled: what the enrolment rules need to know.
#[derive(Clone, Copy)]
struct Slot {
    id: i64,
    day: NaiveDate,
    language: &'static str,
    capacity: i32,
    status: &'static str,
    assessed: bool,
    certifying: bool,
}

struct Generator {
    dice: Dice,
    now: NaiveDateTime,
    today: NaiveDate,
    /// Days on which each person already trains or is trained.
    busy: HashSet<(i64, NaiveDate)>,
    /// Staff of organisations whose HR approves enrolments.
    needs_approval: HashSet<i64>,
    /// Live (session, person) pairs.
    enrolled: HashSet<(i64, i64)>,
    sessions: Vec<GeneratedSession>,
    enrollments: Vec<EnrollmentRow>,
    next_enrollment: i64,
}

impl Generator {
    /// A working day between `from` and `to` (inclusive).
    fn day_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(0) as usize + 1;
        let mut day = from + Duration::days(self.dice.below(span) as i64);
        while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            day -= Duration::days(1);
        }
        day.max(from)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.dice.below(items.len())]
    }

    /// How many people to draw for a session: in proportion to its capacity around the mean
    /// the total asks for, plus what earlier sessions could not place.
    fn quota(&mut self, mean: f64, capacity: i32, carry: f64) -> usize {
        let mean_capacity = CAPACITIES.iter().sum::<i32>() as f64 / CAPACITIES.len() as f64;
        let spread = 0.85 + self.dice.below(25) as f64 / 100.0;
        (mean * capacity as f64 / mean_capacity * spread + carry).round() as usize
    }

    /// One of `people` who is free on `day`, if a few draws find one.
    fn free_person(&mut self, people: &[i64], day: NaiveDate) -> Option<i64> {
        if people.is_empty() {
            return None;
        }
        for _ in 0..10 {
            let person = self.pick(people);
            if !self.busy.contains(&(person, day)) {
                return Some(person);
            }
        }
        None
    }

    fn session_language(&mut self) -> &'static str {
        match self.dice.below(100) {
            0..=49 => "fr",
            50..=84 => "nl",
            _ => "bilingual",
        }
    }

    fn session_status(&mut self, day: NaiveDate) -> &'static str {
        let roll = self.dice.below(100);
        if day < self.today {
            if roll < 4 {
                "cancelled"
            } else {
                "completed"
            }
        } else if roll < 8 {
            "draft"
        } else if roll < 11 {
            "cancelled"
        } else {
            "published"
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn add_session(
        &mut self,
        module_id: i64,
        organizer_id: i64,
        trainer: i64,
        venue_id: Option<i64>,
        day: NaiveDate,
        language: &'static str,
        capacity: i32,
        status: &'static str,
    ) -> i64 {
        let id = self.sessions.len() as i64 + 1;
        let online_url = venue_id
            .is_none()
            .then(|| format!("https://visio.example/session-{id}"));
        self.busy.insert((trainer, day));
        self.sessions.push(GeneratedSession {
            id,
            module_id,
            organizer_id,
            trainer_person_id: Some(trainer),
            venue_id,
            online_url,
            language,
            starts_at: brussels(day, 9, 0),
            ends_at: brussels(day, 16, 30),
            registration_closes_at: brussels(day - Duration::days(2), 23, 59),
            capacity,
            seats_taken: 0,
            status,
            revision: 0,
            created_by: None,
            created_at: brussels(day - Duration::days(60), 10, 0),
            updated_at: brussels(day - Duration::days(60), 10, 0),
        });
        id
    }

    /// Enrols `person_id` as the app would have: a seat while there is one (attended or absent
    /// once the session is over), else the waiting list (or a cancellation, once it is over).
    /// Returns the status given.
    fn enrol(&mut self, slot: &Slot, seats_taken: &mut i32, person_id: i64) -> &'static str {
        let past = slot.day < self.today;
        let roll = self.dice.below(100);
        let (status, passed) = if slot.status == "cancelled" || roll < 4 {
            ("cancelled", None)
        } else if !past && self.needs_approval.contains(&person_id) {
            ("pending_approval", None)
        } else if *seats_taken >= slot.capacity {
            (if past { "cancelled" } else { "waitlisted" }, None)
        } else if !past {
            ("confirmed", None)
        } else if roll < 12 {
            ("absent", None)
        } else {
            ("attended", slot.assessed.then_some(roll >= 20))
        };
        if matches!(status, "confirmed" | "attended" | "absent") {
            *seats_taken += 1;
        }
        if status != "cancelled" {
            self.enrolled.insert((slot.id, person_id));
            self.busy.insert((person_id, slot.day));
        }
        let created_at = brussels(slot.day - Duration::days(20 + roll as i64 % 20), 11, 0);
        self.next_enrollment += 1;
        self.enrollments.push(EnrollmentRow {
            id: self.next_enrollment,
            session_id: slot.id,
            person_id,
            status,
            passed,
            requested_by: None,
            decision_note: None,
            created_at,
            decided_at: (status != "pending_approval" && status != "waitlisted")
                .then_some(created_at),
            ics_sequence: 0,
            reminded_at: None,
        });
        status
    }

    /// Fills a session with up to `quota` people drawn from `pool` (those free that day and
    /// served by its language); returns how many it placed.
    fn fill(&mut self, slot: &Slot, pool: &[(i64, usize)], quota: usize) -> usize {
        let mut seats_taken = 0;
        let mut placed = 0;
        if pool.is_empty() || slot.status == "draft" {
            return 0;
        }
        let mut tries = 0;
        while placed < quota && tries < quota * 4 + 20 {
            tries += 1;
            let (person_id, language) = self.pick(pool);
            if !serves(slot.language, language)
                || self.busy.contains(&(person_id, slot.day))
                || self.enrolled.contains(&(slot.id, person_id))
            {
                continue;
            }
            self.enrol(slot, &mut seats_taken, person_id);
            placed += 1;
        }
        self.sessions[slot.id as usize - 1].seats_taken = seats_taken;
        placed
    }
}

fn next_id(conn: &mut DbConn, table: &str) -> Result<i64, AppError> {
    #[derive(QueryableByName)]
    struct Max {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
        id: Option<i64>,
    }
    let max: Max =
        diesel::sql_query(format!("SELECT MAX(id) AS id FROM {table}")).get_result(conn)?;
    Ok(max.id.unwrap_or(0) + 1)
}

/// Fills an empty database (reference data only) with `scale` × a Brussels-sized world.
/// `progress` hears about each step.
pub fn generate(
    conn: &mut DbConn,
    scale: f64,
    progress: &mut dyn FnMut(String),
) -> Result<ScaleSummary, AppError> {
    if !(scale > 0.0 && scale <= 100.0) {
        let mut errors = FieldErrors::default();
        errors.add("scale", Message::new("seed-scale-range"));
        return Err(AppError::Validation(errors));
    }
    let empty = people::table.count().get_result::<i64>(conn)? == 0
        && training_sessions::table.count().get_result::<i64>(conn)? == 0;
    if !empty {
        return Err(AppError::Conflict(Message::new("seed-not-empty")));
    }
    let started = Instant::now();
    let summary = crate::db::transaction(conn, |conn| fill(conn, scale, started, progress))?;
    // Fresh statistics, so the first reports do not run on the planner's guesses.
    crate::db::refresh_statistics(conn)?;
    progress(format!(
        "done in {:.1} s: {summary:?}",
        started.elapsed().as_secs_f64()
    ));
    Ok(summary)
}

fn fill(
    conn: &mut DbConn,
    scale: f64,
    started: Instant,
    progress: &mut dyn FnMut(String),
) -> Result<ScaleSummary, AppError> {
    let mut step = |what: String| {
        progress(format!(
            "{:>6.1} s  {what}",
            started.elapsed().as_secs_f64()
        ));
    };
    let now = now();
    let mut g = Generator {
        dice: Dice(2_026_030),
        now,
        today: now.date(),
        busy: HashSet::new(),
        needs_approval: HashSet::new(),
        enrolled: HashSet::new(),
        sessions: Vec::new(),
        enrollments: Vec::new(),
        next_enrollment: next_id(conn, "enrollments")? - 1,
    };
    let mut summary = ScaleSummary::default();

    // Organisations: sizes vary (the city and the largest communes weigh most); two approve
    // enrolments.
    let all_orgs = orgs::all(conn)?;
    let school = all_orgs
        .iter()
        .find(|o| o.code == SCHOOL_CODE)
        .ok_or(AppError::NotFound)?
        .id;
    for code in ["schaerbeek", "cpas-bruxelles"] {
        diesel::update(organizations::table.filter(organizations::code.eq(code)))
            .set(organizations::requires_enrollment_approval.eq(true))
            .execute(conn)?;
    }
    let mut authorities: Vec<Org> = all_orgs
        .iter()
        .filter(|o| matches!(o.kind, OrganizationKind::Commune | OrganizationKind::Cpas))
        .map(|o| {
            let base = if o.kind == OrganizationKind::Commune {
                1.0
            } else {
                0.6
            };
            let big = match o.code.trim_start_matches("cpas-") {
                "bruxelles" => 3.0,
                "schaerbeek" | "anderlecht" => 2.0,
                "ixelles" | "molenbeek-saint-jean" | "uccle" => 1.5,
                _ => 1.0,
            };
            Org {
                id: o.id,
                code: o.code.clone(),
                weight: base * big,
                requires_approval: matches!(o.code.as_str(), "schaerbeek" | "cpas-bruxelles"),
                staff: Default::default(),
            }
        })
        .collect();
    for org in &mut authorities {
        org.weight *= 0.8 + 0.4 * (g.dice.below(100) as f64 / 100.0);
    }

    // Memberships: the intentions become go-lives spread from 2024 to 2026; CRM pioneers go
    // live in 2027.
    let domains = catalogue::all_domains(conn)?;
    let existing: Vec<(i64, i64, String)> = memberships::table
        .select((
            memberships::organization_id,
            memberships::domain_id,
            memberships::status,
        ))
        .load(conn)?;
    let mut live: Vec<Membership> = Vec::new();
    let n = authorities.len() as i64;
    for (i, org) in authorities.iter().enumerate() {
        let index = i as i64;
        for (d, domain) in domains.iter().enumerate() {
            let status = existing
                .iter()
                .find(|m| m.0 == org.id && m.1 == domain.id)
                .map(|m| m.2.as_str());
            let pioneer = domain.code == "crm" && CRM_PIONEERS.contains(&org.code.as_str());
            if !matches!(status, Some("intended" | "joined")) && !pioneer {
                continue;
            }
            let go_live = match domain.code.as_str() {
                "finance" => date(2024, 3, 1) + Duration::days(index * 540 / n),
                "soft-hr" => date(2024, 6, 1) + Duration::days(index * 540 / n),
                "hard-hr" => date(2025, 1, 15) + Duration::days(index * 600 / n),
                "social" => date(2025, 6, 1) + Duration::days(index * 500 / n),
                _ => date(2027, 2, 1) + Duration::days(index),
            };
            let required_key_users = if domain.code == "social" { 3 } else { 2 };
            orgs::set_membership(
                conn,
                org.id,
                domain.id,
                MembershipChange {
                    status: if go_live.year() > 2026 {
                        MembershipStatus::Intended
                    } else {
                        MembershipStatus::Joined
                    },
                    status_since: date(2023, 1, 1).min(go_live),
                    go_live_on: Some(go_live),
                    required_key_users,
                },
            )?;
            live.push(Membership {
                org: i,
                domain: d,
                required_key_users,
            });
        }
    }
    step(format!("memberships: {}", live.len()));

    // Catalogue: sixteen modules per domain, and venues (the school's, and one training room
    // per authority).
    let mut modules: Vec<Vec<(i64, bool)>> = Vec::new(); // per domain: (id, assessed)
    for domain in &domains {
        let prefix = domain.code.to_uppercase().replace('-', "");
        let mut ids = Vec::new();
        for (k, (topic_fr, topic_nl)) in TOPICS.iter().enumerate() {
            let code = format!("{prefix}-{:02}", k + 1);
            let title_fr = format!("{} : {topic_fr}", domain.name_fr);
            let title_nl = format!("{}: {topic_nl}", domain.name_nl);
            let assessed = k == CERTIFYING_MODULE || (k >= TRAINER_MODULES && k % 3 == 0);
            let id = catalogue::insert_module(
                conn,
                NewModule {
                    domain_id: domain.id,
                    code: &code,
                    title_fr: &title_fr,
                    title_nl: &title_nl,
                    description_fr: topic_fr,
                    description_nl: topic_nl,
                    tier: if k < TRAINER_MODULES {
                        Tier::Trainer
                    } else {
                        Tier::EndUser
                    },
                    duration_minutes: 390,
                    prerequisite_module_id: None,
                    certifies_trainer: k == CERTIFYING_MODULE,
                    assessed,
                },
            )?;
            ids.push((id, assessed));
        }
        modules.push(ids);
        summary.modules += TOPICS.len();
    }
    let mut school_venues = Vec::new();
    for (name, seats) in [
        ("ERAP — salle A / zaal A", 40),
        ("ERAP — salle B / zaal B", 40),
        ("ERAP — salle C / zaal C", 40),
        ("ERAP — auditoire / aula", 60),
    ] {
        school_venues.push(catalogue::insert_venue(
            conn,
            NewVenue {
                name,
                address: "Boulevard du Jardin Botanique 20, 1000 Bruxelles",
                seats,
            },
        )?);
    }
    let mut org_venues = Vec::new();
    for org in &authorities {
        let name = format!("Salle de formation / Opleidingszaal — {}", org.code);
        org_venues.push(catalogue::insert_venue(
            conn,
            NewVenue {
                name: &name,
                address: "Brussels",
                seats: 40,
            },
        )?);
    }
    step(format!("modules: {}", summary.modules));

    // People: the school's trainers, then the authorities' staff in proportion to their size.
    let first_person = next_id(conn, "people")?;
    let mut person_rows: Vec<PersonRow> = Vec::new();
    let mut person_profile: Vec<&'static str> = Vec::new();
    let total_people = scaled(PEOPLE, scale);
    let trainers_count = scaled(SCHOOL_TRAINERS, scale).clamp(2, total_people.max(2));
    let mut school_trainers = Vec::new();
    let staff_counts = apportion(
        total_people.saturating_sub(trainers_count),
        &authorities.iter().map(|o| o.weight).collect::<Vec<_>>(),
    );
    let add_person = |g: &mut Generator,
                      rows: &mut Vec<PersonRow>,
                      org_id: i64,
                      org_code: &str,
                      profile: Option<&'static str>|
     -> (i64, usize) {
        let id = first_person + rows.len() as i64;
        let language = match g.dice.below(100) {
            0..=54 => 0,
            55..=89 => 1,
            _ => 2,
        };
        let first = match language {
            0 => g.pick(FIRST_NAMES_FR),
            1 => g.pick(FIRST_NAMES_NL),
            _ => g.pick(FIRST_NAMES_EN),
        };
        let last = g.pick(LAST_NAMES);
        let job_title = profile
            .and_then(|p| PROFILES.iter().find(|x| x.0 == p))
            .map(|p| if language == 1 { p.2 } else { p.1 });
        rows.push(PersonRow {
            id,
            organization_id: org_id,
            full_name: format!("{first} {last}"),
            email: Some(format!("p{id}@{org_code}.example")),
            job_title,
            profile,
            language: LANGUAGES[language],
            active: g.dice.below(100) >= 3,
            created_at: g.now,
            updated_at: g.now,
        });
        (id, language)
    };
    for _ in 0..trainers_count {
        let (id, _) = add_person(&mut g, &mut person_rows, school, SCHOOL_CODE, None);
        person_profile.push("trainer");
        school_trainers.push(id);
    }
    for (i, count) in staff_counts.iter().enumerate() {
        let (org_id, code) = (authorities[i].id, authorities[i].code.clone());
        for _ in 0..*count {
            let profile = g.pick(PROFILES).0;
            let (id, language) = add_person(&mut g, &mut person_rows, org_id, &code, Some(profile));
            person_profile.push(profile);
            authorities[i].staff[language].push(id);
        }
    }
    for org in authorities.iter().filter(|o| o.requires_approval) {
        g.needs_approval.extend(org.staff.iter().flatten());
    }
    summary.people = person_rows.len();
    insert_rows!(conn, people::table, person_rows);
    step(format!("people: {}", summary.people));

    // Key users: apportioned over the memberships by organisation size, drawn from the staff
    // with the domain's profile first.
    let key_user_counts = apportion(
        scaled(KEY_USERS, scale),
        &live
            .iter()
            .map(|m| authorities[m.org].weight)
            .collect::<Vec<_>>(),
    );
    let mut designated: HashSet<i64> = HashSet::new();
    let mut key_users_list: Vec<KeyUser> = Vec::new();
    for (m, count) in live.iter().zip(&key_user_counts) {
        let org = &authorities[m.org];
        let wanted = key_user_profile(&domains[m.domain].code);
        let mut candidates: Vec<(i64, usize)> = org
            .staff
            .iter()
            .enumerate()
            .flat_map(|(language, ids)| ids.iter().map(move |id| (*id, language)))
            .filter(|(id, _)| !designated.contains(id))
            .collect();
        // The domain's own profile first; the order is otherwise the (random) staff order.
        candidates.sort_by_key(|(id, _)| person_profile[(id - first_person) as usize] != wanted);
        for (person_id, language) in candidates.into_iter().take(*count) {
            designated.insert(person_id);
            // Most were designated before the first courses; the others since, some lately.
            let designated_on = if g.dice.chance(70) {
                date(2022, 9, 1) + Duration::days(g.dice.below(120) as i64)
            } else {
                date(2023, 1, 1) + Duration::days(g.dice.below(1430) as i64)
            };
            key_users_list.push(KeyUser {
                person_id,
                language,
                org: m.org,
                domain: m.domain,
                designated_on,
                certified_on: None,
                seated: false,
            });
        }
    }

    let key_user_of: HashMap<i64, usize> = key_users_list
        .iter()
        .enumerate()
        .map(|(i, k)| (k.person_id, i))
        .collect();

    // Sessions and enrolments. Trainer-tier sessions first, in date order, so that the cascade
    // sessions can follow the certifications they need.
    let total_sessions = scaled(SESSIONS, scale);
    let trainer_sessions = scaled(total_sessions as f64 * TRAINER_TIER_PERCENT / 100.0, 1.0);
    let cascade_sessions = total_sessions - trainer_sessions;
    let target_enrollments = scaled(ENROLLMENTS, scale);
    let mut per_domain_key_users = vec![0.0; domains.len()];
    for k in &key_users_list {
        per_domain_key_users[k.domain] += 1.0;
    }
    let trainer_counts = apportion(trainer_sessions, &per_domain_key_users);
    let first_day = date(2023, 1, 9);
    let last_day = date(2026, 12, 18);
    let mut planned: Vec<(NaiveDate, usize, usize)> = Vec::new(); // (day, domain, module index)
    for (d, count) in trainer_counts.iter().enumerate() {
        for _ in 0..*count {
            let day = g.day_between(first_day, last_day);
            let module = if g.dice.chance(22) {
                CERTIFYING_MODULE
            } else {
                g.pick(&[0, 2, 3])
            };
            planned.push((day, d, module));
        }
    }
    planned.sort();
    let mut per_session_quota = target_enrollments as f64 / total_sessions.max(1) as f64;
    let mut placed_total = 0usize;
    let mut carry = 0.0f64;
    let mut venue_days: HashSet<(i64, NaiveDate)> = HashSet::new();
    for (day, d, module) in planned {
        let capacity = g.pick(&CAPACITIES);
        let language = g.session_language();
        let status = g.session_status(day);
        let trainer = g
            .free_person(&school_trainers, day)
            .unwrap_or(school_trainers[0]);
        let venue = school_venues[g.dice.below(school_venues.len())];
        let venue = venue_days.insert((venue, day)).then_some(venue);
        let (module_id, assessed) = modules[d][module];
        let id = g.add_session(
            module_id, school, trainer, venue, day, language, capacity, status,
        );
        // Candidates: key users of the domain, not yet certified for a certifying module.
        let pool: Vec<(i64, usize)> = key_users_list
            .iter()
            .filter(|k| k.domain == d && k.designated_on < day)
            .filter(|k| module != CERTIFYING_MODULE || k.certified_on.is_none())
            .map(|k| (k.person_id, k.language))
            .collect();
        let slot = Slot {
            id,
            day,
            language,
            capacity,
            status,
            assessed,
            certifying: module == CERTIFYING_MODULE,
        };
        let quota = g.quota(per_session_quota, capacity, carry);
        let placed = fill_trainer_session(
            &mut g,
            &slot,
            &pool,
            quota,
            &mut key_users_list,
            &key_user_of,
        );
        carry = (quota - placed) as f64;
        placed_total += placed;
    }
    step(format!(
        "trainer-tier sessions: {trainer_sessions}, enrolments so far: {placed_total}"
    ));

    // Cascade sessions: for each membership with a certified key user, given by one of them
    // after their certification, for their own organisation.
    let mut first_certified: Vec<Option<NaiveDate>> = vec![None; live.len()];
    let membership_of: HashMap<(usize, usize), usize> = live
        .iter()
        .enumerate()
        .map(|(i, m)| ((m.org, m.domain), i))
        .collect();
    for k in &key_users_list {
        if let (Some(on), Some(&m)) = (k.certified_on, membership_of.get(&(k.org, k.domain))) {
            first_certified[m] = Some(first_certified[m].map_or(on, |f: NaiveDate| f.min(on)));
        }
    }
    let eligible: Vec<usize> = (0..live.len())
        .filter(|&m| first_certified[m].is_some_and(|on| on + Duration::days(14) < last_day))
        .collect();
    let cascade_counts = apportion(
        cascade_sessions,
        &eligible
            .iter()
            .map(|&m| authorities[live[m].org].weight)
            .collect::<Vec<_>>(),
    );
    let remaining_sessions = cascade_counts.iter().sum::<usize>().max(1);
    per_session_quota =
        (target_enrollments.saturating_sub(placed_total)) as f64 / remaining_sessions as f64;
    let mut cascade: Vec<(NaiveDate, usize)> = Vec::new();
    for (&m, count) in eligible.iter().zip(&cascade_counts) {
        let from = first_certified[m].expect("eligible") + Duration::days(14);
        for _ in 0..*count {
            let day = g.day_between(from, last_day);
            cascade.push((day, m));
        }
    }
    cascade.sort();
    let mut last_slots: Vec<(Slot, usize)> = Vec::new();
    // Per membership, its certified key users in order of certification.
    let mut certified: Vec<Vec<(NaiveDate, i64)>> = vec![Vec::new(); live.len()];
    for k in &key_users_list {
        if let (Some(on), Some(&m)) = (k.certified_on, membership_of.get(&(k.org, k.domain))) {
            certified[m].push((on, k.person_id));
        }
    }
    for list in &mut certified {
        list.sort();
    }
    let staff_pools: Vec<Vec<(i64, usize)>> = authorities
        .iter()
        .map(|org| {
            org.staff
                .iter()
                .enumerate()
                .flat_map(|(language, ids)| ids.iter().map(move |id| (*id, language)))
                .collect()
        })
        .collect();
    for (day, m) in cascade {
        let Membership { org, domain, .. } = live[m];
        let ready = certified[m].partition_point(|(on, _)| *on < day);
        let trainers: Vec<i64> = certified[m][..ready].iter().map(|c| c.1).collect();
        // Someone certified is free on some later day, if not on this one.
        let mut day = day;
        let trainer = loop {
            if let Some(trainer) = g.free_person(&trainers, day) {
                break trainer;
            }
            day = g.day_between(day + Duration::days(1), day + Duration::days(3));
        };
        let module = TRAINER_MODULES + g.dice.below(TOPICS.len() - TRAINER_MODULES);
        let (module_id, assessed) = modules[domain][module];
        let capacity = g.pick(&CAPACITIES);
        let language = g.session_language();
        let status = g.session_status(day);
        let venue = org_venues[org];
        let venue = (!g.dice.chance(25) && venue_days.insert((venue, day))).then_some(venue);
        let id = g.add_session(
            module_id,
            authorities[org].id,
            trainer,
            venue,
            day,
            language,
            capacity,
            status,
        );
        let slot = Slot {
            id,
            day,
            language,
            capacity,
            status,
            assessed,
            certifying: false,
        };
        // The trainer is busy that day, so never among the trainees.
        let pool = &staff_pools[org];
        let quota = g.quota(per_session_quota, capacity, carry);
        let placed = g.fill(&slot, pool, quota);
        carry = (quota - placed) as f64;
        placed_total += placed;
        if slot.status != "draft" {
            last_slots.push((slot, org));
        }
    }
    // Whatever could not be placed (small organisations, one language) goes to the latest
    // sessions as cancelled requests, so the total is exact.
    let mut leftover = target_enrollments.saturating_sub(placed_total);
    let mut extra: HashSet<(i64, i64)> = HashSet::new();
    'leftover: for (slot, org) in last_slots.iter().rev() {
        let cancelled = Slot {
            status: "cancelled",
            ..*slot
        };
        for &person_id in authorities[*org].staff.iter().flatten() {
            if leftover == 0 {
                break 'leftover;
            }
            let pair = (slot.id, person_id);
            if !g.enrolled.contains(&pair) && extra.insert(pair) {
                g.enrol(&cancelled, &mut 0, person_id);
                leftover -= 1;
            }
        }
    }
    summary.sessions = g.sessions.len();
    summary.enrollments = g.enrollments.len();
    insert_rows!(conn, training_sessions::table, g.sessions);
    insert_rows!(conn, enrollments::table, g.enrollments);
    step(format!(
        "sessions: {}, enrolments: {}",
        summary.sessions, summary.enrollments
    ));

    // Key users, with the status their training gives them; some who never trained withdrew.
    let first_key_user = next_id(conn, "key_users")?;
    let key_user_rows: Vec<KeyUserRow> = key_users_list
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let status = if k.certified_on.is_some() {
                "certified"
            } else if k.seated {
                "in_training"
            } else if g.dice.chance(10) {
                "withdrawn"
            } else {
                "nominated"
            };
            KeyUserRow {
                id: first_key_user + i as i64,
                person_id: k.person_id,
                domain_id: domains[k.domain].id,
                status,
                designated_by: None,
                designated_on: k.designated_on,
                certified_on: k.certified_on,
                updated_at: now,
            }
        })
        .collect();
    summary.key_users = key_user_rows.len();
    insert_rows!(conn, key_users::table, key_user_rows);
    step(format!("key users: {}", summary.key_users));

    // Individual plans for 2025 and 2026, two to four items each, on the modules of the
    // domains the person's organisation uses (trainer modules for key users).
    let key_user_domain: HashMap<i64, usize> = key_users_list
        .iter()
        .map(|k| (k.person_id, k.domain))
        .collect();
    let org_domains: Vec<Vec<usize>> = (0..authorities.len())
        .map(|o| {
            live.iter()
                .filter(|m| m.org == o)
                .map(|m| m.domain)
                .collect()
        })
        .collect();
    let target_items = scaled(PLAN_ITEMS, scale);
    let (mut plan_rows, mut item_rows) = (Vec::new(), Vec::new());
    let (first_plan, first_item) = (
        next_id(conn, "individual_plans")?,
        next_id(conn, "individual_plan_items")?,
    );
    let mut planned_people: HashSet<(i64, i32)> = HashSet::new();
    let staff_people: Vec<(i64, usize)> = authorities
        .iter()
        .enumerate()
        .flat_map(|(o, org)| org.staff.iter().flatten().map(move |id| (*id, o)))
        .collect();
    let mut attempts = 0;
    while item_rows.len() < target_items && attempts < target_items * 10 && !staff_people.is_empty()
    {
        attempts += 1;
        let (person_id, org) = g.pick(&staff_people);
        let year = if g.dice.chance(50) { 2025 } else { 2026 };
        if org_domains[org].is_empty() || !planned_people.insert((person_id, year)) {
            continue;
        }
        let plan_id = first_plan + plan_rows.len() as i64;
        plan_rows.push(PlanRow {
            id: plan_id,
            person_id,
            year,
            status: if year == 2025 || g.dice.chance(60) {
                "agreed"
            } else {
                "draft"
            },
            created_at: now,
            updated_at: now,
        });
        let wanted = 2 + g.dice.below(3);
        let mut chosen: HashSet<i64> = HashSet::new();
        for _ in 0..wanted {
            if item_rows.len() >= target_items {
                break;
            }
            let (domain, range) = match key_user_domain.get(&person_id) {
                Some(&d) if g.dice.chance(50) => (d, 0..TRAINER_MODULES),
                _ => (g.pick(&org_domains[org]), TRAINER_MODULES..TOPICS.len()),
            };
            let module_id = modules[domain][range.start + g.dice.below(range.len())].0;
            if !chosen.insert(module_id) {
                continue;
            }
            item_rows.push(PlanItemRow {
                id: first_item + item_rows.len() as i64,
                plan_id,
                module_id,
                target_on: Some(g.day_between(date(year, 1, 15), date(year, 12, 15))),
                priority: 1 + g.dice.below(3) as i32,
                note: None,
            });
        }
    }
    summary.plan_items = item_rows.len();
    insert_rows!(conn, individual_plans::table, plan_rows);
    insert_rows!(conn, individual_plan_items::table, item_rows);
    step(format!("individual plan items: {}", summary.plan_items));

    // A collective plan per authority and year: key users for each domain's go-live, and end
    // users on two of its end-user modules.
    let (first_collective, first_target) = (
        next_id(conn, "collective_plans")?,
        next_id(conn, "collective_plan_targets")?,
    );
    let (mut collective_rows, mut target_rows) = (Vec::new(), Vec::new());
    for (o, org) in authorities.iter().enumerate() {
        let size = org.staff.iter().map(Vec::len).sum::<usize>() as f64;
        for year in 2023..=2026 {
            let plan_id = first_collective + collective_rows.len() as i64;
            collective_rows.push(CollectivePlanRow {
                id: plan_id,
                organization_id: org.id,
                year,
                status: if year < g.today.year() {
                    "agreed"
                } else {
                    "draft"
                },
                created_at: now,
                updated_at: now,
            });
            for m in live.iter().filter(|m| m.org == o) {
                let due_on = g.day_between(date(year, 3, 1), date(year, 12, 15));
                target_rows.push(TargetRow {
                    id: first_target + target_rows.len() as i64,
                    plan_id,
                    module_id: modules[m.domain][CERTIFYING_MODULE].0,
                    profile: None,
                    headcount: m.required_key_users,
                    due_on: Some(due_on),
                });
                let first = TRAINER_MODULES + g.dice.below(TOPICS.len() - TRAINER_MODULES);
                let second = TRAINER_MODULES
                    + (first - TRAINER_MODULES + 1) % (TOPICS.len() - TRAINER_MODULES);
                for module in [first, second] {
                    let profile = g.dice.chance(50).then(|| g.pick(PROFILES).0);
                    let share = 0.02 + g.dice.below(6) as f64 / 100.0;
                    target_rows.push(TargetRow {
                        id: first_target + target_rows.len() as i64,
                        plan_id,
                        module_id: modules[m.domain][module].0,
                        profile,
                        headcount: ((size * share).round() as i32).max(1),
                        due_on: Some(g.day_between(date(year, 3, 1), date(year, 12, 15))),
                    });
                }
            }
        }
    }
    summary.collective_plans = collective_rows.len();
    insert_rows!(conn, collective_plans::table, collective_rows);
    insert_rows!(conn, collective_plan_targets::table, target_rows);
    step(format!("collective plans: {}", summary.collective_plans));

    // PostgreSQL hands out ids from sequences, which explicit ids did not advance.
    if let DbConn::Postgres(_) = conn {
        for table in NUMBERED_TABLES {
            diesel::sql_query(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            ))
            .execute(conn)?;
        }
    }
    audit::record(
        conn,
        audit::Event {
            actor_account_id: None,
            organization_id: None,
            action: "seed.scale",
            entity: "seed",
            entity_id: None,
            detail: json!({
                "scale": scale,
                "people": summary.people,
                "sessions": summary.sessions,
                "enrollments": summary.enrollments,
            }),
        },
    )?;
    Ok(summary)
}

/// Fills a trainer-tier session and records what it does to each key user: a seat makes them
/// in training; attending and passing the certifying module certifies them.
fn fill_trainer_session(
    g: &mut Generator,
    slot: &Slot,
    pool: &[(i64, usize)],
    quota: usize,
    key_users_list: &mut [KeyUser],
    key_user_of: &HashMap<i64, usize>,
) -> usize {
    let before = g.enrollments.len();
    let placed = g.fill(slot, pool, quota);
    for e in &g.enrollments[before..] {
        let Some(&k) = key_user_of.get(&e.person_id) else {
            continue;
        };
        let key_user = &mut key_users_list[k];
        if matches!(e.status, "confirmed" | "attended" | "absent") {
            key_user.seated = true;
        }
        if slot.certifying && e.status == "attended" && e.passed == Some(true) {
            key_user.certified_on = Some(slot.day);
        }
    }
    placed
}
