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
    individual_plans, key_users, people, training_sessions,
};
use crate::db::{insert_rows, DbConn};
use crate::domain::catalogue::{self, Domain, NewModule, NewVenue, Tier};
use crate::domain::organizations::{
    self as orgs, MembershipChange, MembershipStatus, OrganizationKind, SCHOOL_CODE,
};
use crate::domain::people::PersonLanguage;
use crate::domain::{audit, now};
use crate::error::{AppError, FieldErrors, Message};
use crate::seed::{
    approves_enrollments, brussels, date, job_title, key_user_profile, reference_memberships,
    require_approval, school_id, Dice, CRM_PIONEERS, PROFILES, SCHOOL_ADDRESS,
};

/// The Brussels-sized world, at N = 1.
const PEOPLE: f64 = 30_000.0;
const KEY_USERS: f64 = 1_500.0;
const SESSIONS: f64 = 4_000.0;
const ENROLLMENTS: f64 = 120_000.0;
const PLAN_ITEMS: f64 = 20_000.0;
const SCHOOL_TRAINERS: f64 = 40.0;
/// Share of sessions given by the school to key users; the rest are cascade sessions.
const TRAINER_TIER_PERCENT: f64 = 10.0;
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

/// The first and last days sessions are given on.
const FIRST_DAY: (i32, u32, u32) = (2023, 1, 9);
const LAST_DAY: (i32, u32, u32) = (2026, 12, 18);

/// Whether a session in `session_language` serves a person speaking `language`.
fn serves(session_language: &str, language: PersonLanguage) -> bool {
    session_language == "bilingual" || session_language == language.as_str()
}

/// Someone a session can draw: a person's id and working language.
type Candidate = (i64, PersonLanguage);

struct Org {
    id: i64,
    code: String,
    weight: f64,
    requires_approval: bool,
    /// Staff ids by language, in the order of `PersonLanguage::ALL`.
    staff: [Vec<i64>; 3],
}

impl Org {
    /// Its staff with their languages, French speakers first.
    fn pool(&self) -> Vec<Candidate> {
        PersonLanguage::ALL
            .iter()
            .zip(&self.staff)
            .flat_map(|(&language, ids)| ids.iter().map(move |&id| (id, language)))
            .collect()
    }

    fn headcount(&self) -> usize {
        self.staff.iter().map(Vec::len).sum()
    }
}

/// An authority's membership of a domain (indices into `Region`'s lists).
struct Membership {
    org: usize,
    domain: usize,
    required_key_users: i32,
}

struct KeyUser {
    person_id: i64,
    language: PersonLanguage,
    org: usize,
    domain: usize,
    designated_on: NaiveDate,
    certified_on: Option<NaiveDate>,
    seated: bool,
}

/// What the steps have built so far, for the steps after them.
struct Region {
    school: i64,
    authorities: Vec<Org>,
    domains: Vec<Domain>,
    memberships: Vec<Membership>,
    /// Per domain, its modules in `TOPICS` order: (id, assessed).
    modules: Vec<Vec<(i64, bool)>>,
    school_venues: Vec<i64>,
    /// One training room per authority, in the order of `authorities`.
    org_venues: Vec<i64>,
    school_trainers: Vec<i64>,
    /// The first generated person's id; `profiles` holds each generated person's from there.
    first_person: i64,
    profiles: Vec<&'static str>,
    key_users: Vec<KeyUser>,
}

impl Region {
    fn profile_of(&self, person_id: i64) -> &'static str {
        self.profiles[(person_id - self.first_person) as usize]
    }
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
}

/// What is drawn for each session.
#[derive(Clone, Copy)]
struct Drawn {
    capacity: i32,
    language: &'static str,
    status: &'static str,
}

/// The sessions and enrolments being drawn, with what keeps them within the rules.
struct Generator {
    dice: Dice,
    now: NaiveDateTime,
    today: NaiveDate,
    /// Days on which each person already trains or is trained.
    busy: HashSet<(i64, NaiveDate)>,
    /// Days on which each venue is taken.
    booked_venues: HashSet<(i64, NaiveDate)>,
    /// Staff of organisations whose HR approves enrolments.
    needs_approval: HashSet<i64>,
    /// Live (session, person) pairs.
    enrolled: HashSet<(i64, i64)>,
    sessions: Vec<GeneratedSession>,
    enrollments: Vec<EnrollmentRow>,
    next_enrollment: i64,
}

impl Generator {
    fn new(last_enrollment: i64) -> Self {
        let now = now();
        Generator {
            dice: Dice(2_026_030),
            now,
            today: now.date(),
            busy: HashSet::new(),
            booked_venues: HashSet::new(),
            needs_approval: HashSet::new(),
            enrolled: HashSet::new(),
            sessions: Vec::new(),
            enrollments: Vec::new(),
            next_enrollment: last_enrollment,
        }
    }

    /// A working day between `from` and `to` (inclusive).
    fn day_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(0) as usize + 1;
        let mut day = from + Duration::days(self.dice.below(span) as i64);
        while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            day -= Duration::days(1);
        }
        day.max(from)
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
            let person = self.dice.pick(people);
            if !self.busy.contains(&(person, day)) {
                return Some(person);
            }
        }
        None
    }

    /// `venue` if it is free on `day` (and then books it).
    fn book_venue(&mut self, venue: i64, day: NaiveDate) -> Option<i64> {
        self.booked_venues.insert((venue, day)).then_some(venue)
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

    /// A person of `org`, with a drawn language, name and activity; their row goes in `rows`.
    fn person(
        &mut self,
        rows: &mut Vec<PersonRow>,
        first_id: i64,
        org: (i64, &str),
        profile: Option<&'static str>,
    ) -> Candidate {
        let id = first_id + rows.len() as i64;
        let language = self.dice.language(55);
        let (first, last) = self.dice.name(language);
        rows.push(PersonRow {
            id,
            organization_id: org.0,
            full_name: format!("{first} {last}"),
            email: Some(format!("p{id}@{}.example", org.1)),
            job_title: profile.and_then(|p| job_title(p, language)),
            profile,
            language: language.as_str(),
            active: self.dice.below(100) >= 3,
            created_at: self.now,
            updated_at: self.now,
        });
        (id, language)
    }

    /// A session's size, language and status, drawn for `day`.
    fn draw(&mut self, day: NaiveDate) -> Drawn {
        Drawn {
            capacity: self.dice.pick(&CAPACITIES),
            language: self.session_language(),
            status: self.session_status(day),
        }
    }

    /// A session of `module` on `day`, given by `trainer`; online where there is no venue.
    fn add_session(
        &mut self,
        (module_id, assessed): (i64, bool),
        (organizer_id, trainer): (i64, i64),
        venue_id: Option<i64>,
        day: NaiveDate,
        drawn: Drawn,
    ) -> Slot {
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
            language: drawn.language,
            starts_at: brussels(day, 9, 0),
            ends_at: brussels(day, 16, 30),
            registration_closes_at: brussels(day - Duration::days(2), 23, 59),
            capacity: drawn.capacity,
            seats_taken: 0,
            status: drawn.status,
            revision: 0,
            created_by: None,
            created_at: brussels(day - Duration::days(60), 10, 0),
            updated_at: brussels(day - Duration::days(60), 10, 0),
        });
        Slot {
            id,
            day,
            language: drawn.language,
            capacity: drawn.capacity,
            status: drawn.status,
            assessed,
        }
    }

    /// Enrols `person_id` as the app would have: a seat while there is one (attended or absent
    /// once the session is over), else the waiting list (or a cancellation, once it is over).
    /// Returns the status given.
    fn enroll(&mut self, slot: &Slot, seats_taken: &mut i32, person_id: i64) -> &'static str {
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
    fn fill(&mut self, slot: &Slot, pool: &[Candidate], quota: usize) -> usize {
        let mut seats_taken = 0;
        let mut placed = 0;
        if pool.is_empty() || slot.status == "draft" {
            return 0;
        }
        let mut tries = 0;
        while placed < quota && tries < quota * 4 + 20 {
            tries += 1;
            let (person_id, language) = self.dice.pick(pool);
            if !serves(slot.language, language)
                || self.busy.contains(&(person_id, slot.day))
                || self.enrolled.contains(&(slot.id, person_id))
            {
                continue;
            }
            self.enroll(slot, &mut seats_taken, person_id);
            placed += 1;
        }
        self.sessions[slot.id as usize - 1].seats_taken = seats_taken;
        placed
    }
}

/// How many enrolments each session is asked for, so that the total comes out as planned:
/// what one session could not place is asked of the next.
struct Quota {
    target: usize,
    mean: f64,
    carry: f64,
    placed: usize,
}

impl Quota {
    fn new(target: usize) -> Self {
        Quota {
            target,
            mean: 0.0,
            carry: 0.0,
            placed: 0,
        }
    }

    /// Spreads what is still to place over `sessions` more sessions.
    fn spread_over(&mut self, sessions: usize) {
        self.mean = self.target.saturating_sub(self.placed) as f64 / sessions.max(1) as f64;
    }

    /// Fills `slot` from `pool` with its share.
    fn fill(&mut self, g: &mut Generator, slot: &Slot, pool: &[Candidate]) -> usize {
        let asked = g.quota(self.mean, slot.capacity, self.carry);
        let placed = g.fill(slot, pool, asked);
        self.carry = (asked - placed) as f64;
        self.placed += placed;
        placed
    }

    fn missing(&self) -> usize {
        self.target.saturating_sub(self.placed)
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
    let seconds = || started.elapsed().as_secs_f64();
    let summary = crate::db::transaction(conn, |conn| {
        fill(conn, scale, &mut |what| {
            progress(format!("{:>6.1} s  {what}", seconds()))
        })
    })?;
    // Fresh statistics, so the first reports do not run on the planner's guesses.
    crate::db::refresh_statistics(conn)?;
    progress(format!("done in {:.1} s: {summary:?}", seconds()));
    Ok(summary)
}

/// The steps, in the order the dice are drawn (which keeps the data the same from run to run).
fn fill(
    conn: &mut DbConn,
    scale: f64,
    step: &mut dyn FnMut(String),
) -> Result<ScaleSummary, AppError> {
    let mut g = Generator::new(next_id(conn, "enrollments")? - 1);
    let mut region = organizations(conn, &mut g)?;
    region.memberships = memberships(conn, &region)?;
    step(format!("memberships: {}", region.memberships.len()));
    let mut summary = ScaleSummary {
        modules: modules(conn, &mut region)?,
        ..ScaleSummary::default()
    };
    venues(conn, &mut region)?;
    step(format!("modules: {}", summary.modules));
    summary.people = people_rows(conn, &mut g, &mut region, scale)?;
    step(format!("people: {}", summary.people));

    region.key_users = designate_key_users(&mut g, &region, scale);
    let total_sessions = scaled(SESSIONS, scale);
    let trainer_tier = scaled(total_sessions as f64 * TRAINER_TIER_PERCENT / 100.0, 1.0);
    let mut quota = Quota::new(scaled(ENROLLMENTS, scale));
    quota.spread_over(total_sessions);
    trainer_tier_sessions(&mut g, &mut region, trainer_tier, &mut quota);
    step(format!(
        "trainer-tier sessions: {trainer_tier}, enrolments so far: {}",
        quota.placed
    ));
    let open = cascade_sessions(&mut g, &region, total_sessions - trainer_tier, &mut quota);
    cancelled_requests(&mut g, &region, &open, quota.missing());
    summary.sessions = g.sessions.len();
    summary.enrollments = g.enrollments.len();
    insert_rows!(conn, training_sessions::table, g.sessions);
    insert_rows!(conn, enrollments::table, g.enrollments);
    step(format!(
        "sessions: {}, enrolments: {}",
        summary.sessions, summary.enrollments
    ));

    summary.key_users = key_user_rows(conn, &mut g, &region)?;
    step(format!("key users: {}", summary.key_users));
    summary.plan_items = individual_plans(conn, &mut g, &region, scale)?;
    step(format!("individual plan items: {}", summary.plan_items));
    summary.collective_plans = collective_plans(conn, &mut g, &region)?;
    step(format!("collective plans: {}", summary.collective_plans));
    // The read model, in bulk, once its sources are all in.
    let facts = crate::domain::read_model::rebuild(conn)?;
    step(format!("read model: {facts} trained facts"));

    advance_sequences(conn)?;
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

/// The school and the authorities: sizes vary (the city and the largest communes weigh most);
/// two approve enrolments.
fn organizations(conn: &mut DbConn, g: &mut Generator) -> Result<Region, AppError> {
    let all = orgs::all(conn)?;
    require_approval(conn)?;
    let mut authorities: Vec<Org> = all
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
                requires_approval: approves_enrollments(&o.code),
                staff: Default::default(),
            }
        })
        .collect();
    for org in &mut authorities {
        org.weight *= 0.8 + 0.4 * (g.dice.below(100) as f64 / 100.0);
    }
    Ok(Region {
        school: school_id(&all)?,
        authorities,
        domains: catalogue::all_domains(conn)?,
        memberships: Vec::new(),
        modules: Vec::new(),
        school_venues: Vec::new(),
        org_venues: Vec::new(),
        school_trainers: Vec::new(),
        first_person: 0,
        profiles: Vec::new(),
        key_users: Vec::new(),
    })
}

/// The intentions become go-lives spread from 2024 to 2026; CRM pioneers go live in 2027.
fn memberships(conn: &mut DbConn, region: &Region) -> Result<Vec<Membership>, AppError> {
    let existing = reference_memberships(conn)?;
    let mut live = Vec::new();
    let n = region.authorities.len() as i64;
    for (i, org) in region.authorities.iter().enumerate() {
        for (d, domain) in region.domains.iter().enumerate() {
            let status = existing
                .iter()
                .find(|m| m.0 == org.id && m.1 == domain.id)
                .map(|m| m.2.as_str());
            let pioneer = domain.code == "crm" && CRM_PIONEERS.contains(&org.code.as_str());
            if !matches!(status, Some("intended" | "joined")) && !pioneer {
                continue;
            }
            let go_live = go_live(&domain.code, i as i64, n);
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
    Ok(live)
}

/// When the `index`th of `n` authorities goes live with a domain: each domain's wave spreads
/// over a year and a half or so.
fn go_live(domain: &str, index: i64, n: i64) -> NaiveDate {
    match domain {
        "finance" => date(2024, 3, 1) + Duration::days(index * 540 / n),
        "soft-hr" => date(2024, 6, 1) + Duration::days(index * 540 / n),
        "hard-hr" => date(2025, 1, 15) + Duration::days(index * 600 / n),
        "social" => date(2025, 6, 1) + Duration::days(index * 500 / n),
        _ => date(2027, 2, 1) + Duration::days(index),
    }
}

/// Sixteen modules per domain (see `TOPICS`); returns how many.
fn modules(conn: &mut DbConn, region: &mut Region) -> Result<usize, AppError> {
    for domain in &region.domains {
        let prefix = domain.code.to_uppercase().replace('-', "");
        let mut ids = Vec::new();
        for (k, (topic_fr, topic_nl)) in TOPICS.iter().enumerate() {
            let assessed = k == CERTIFYING_MODULE || (k >= TRAINER_MODULES && k % 3 == 0);
            let id = catalogue::insert_module(
                conn,
                NewModule {
                    domain_id: domain.id,
                    code: &format!("{prefix}-{:02}", k + 1),
                    title_fr: &format!("{} : {topic_fr}", domain.name_fr),
                    title_nl: &format!("{}: {topic_nl}", domain.name_nl),
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
        region.modules.push(ids);
    }
    Ok(region.domains.len() * TOPICS.len())
}

/// The school's four rooms, and one training room per authority.
fn venues(conn: &mut DbConn, region: &mut Region) -> Result<(), AppError> {
    for (name, seats) in [
        ("ERAP — salle A / zaal A", 40),
        ("ERAP — salle B / zaal B", 40),
        ("ERAP — salle C / zaal C", 40),
        ("ERAP — auditoire / aula", 60),
    ] {
        let venue = NewVenue {
            name,
            address: SCHOOL_ADDRESS,
            seats,
        };
        region
            .school_venues
            .push(catalogue::insert_venue(conn, venue)?);
    }
    for org in &region.authorities {
        let venue = NewVenue {
            name: &format!("Salle de formation / Opleidingszaal — {}", org.code),
            address: "Brussels",
            seats: 40,
        };
        region
            .org_venues
            .push(catalogue::insert_venue(conn, venue)?);
    }
    Ok(())
}

/// The school's trainers, then the authorities' staff in proportion to their size; returns
/// how many people.
fn people_rows(
    conn: &mut DbConn,
    g: &mut Generator,
    region: &mut Region,
    scale: f64,
) -> Result<usize, AppError> {
    region.first_person = next_id(conn, "people")?;
    let first = region.first_person;
    let mut rows: Vec<PersonRow> = Vec::new();
    let total = scaled(PEOPLE, scale);
    let trainers = scaled(SCHOOL_TRAINERS, scale).clamp(2, total.max(2));
    let staff_counts = apportion(
        total.saturating_sub(trainers),
        &region
            .authorities
            .iter()
            .map(|o| o.weight)
            .collect::<Vec<_>>(),
    );
    for _ in 0..trainers {
        let (id, _) = g.person(&mut rows, first, (region.school, SCHOOL_CODE), None);
        region.profiles.push("trainer");
        region.school_trainers.push(id);
    }
    for (org, count) in region.authorities.iter_mut().zip(staff_counts) {
        for _ in 0..count {
            let profile = g.dice.pick(PROFILES).0;
            let (id, language) = g.person(&mut rows, first, (org.id, &org.code), Some(profile));
            region.profiles.push(profile);
            org.staff[language as usize].push(id);
        }
    }
    for org in region.authorities.iter().filter(|o| o.requires_approval) {
        g.needs_approval.extend(org.staff.iter().flatten());
    }
    insert_rows!(conn, people::table, rows);
    Ok(rows.len())
}

/// Key users, apportioned over the memberships by organisation size and drawn from the staff
/// with the domain's profile first (their rows go in once training has given their status).
fn designate_key_users(g: &mut Generator, region: &Region, scale: f64) -> Vec<KeyUser> {
    let counts = apportion(
        scaled(KEY_USERS, scale),
        &region
            .memberships
            .iter()
            .map(|m| region.authorities[m.org].weight)
            .collect::<Vec<_>>(),
    );
    let mut designated: HashSet<i64> = HashSet::new();
    let mut key_users = Vec::new();
    for (m, count) in region.memberships.iter().zip(counts) {
        let wanted = key_user_profile(&region.domains[m.domain].code);
        let mut candidates = region.authorities[m.org].pool();
        candidates.retain(|(id, _)| !designated.contains(id));
        // The domain's own profile first; the order is otherwise the (random) staff order.
        candidates.sort_by_key(|(id, _)| region.profile_of(*id) != wanted);
        for (person_id, language) in candidates.into_iter().take(count) {
            designated.insert(person_id);
            // Most were designated before the first courses; the others since, some lately.
            let designated_on = if g.dice.chance(70) {
                date(2022, 9, 1) + Duration::days(g.dice.below(120) as i64)
            } else {
                date(2023, 1, 1) + Duration::days(g.dice.below(1430) as i64)
            };
            key_users.push(KeyUser {
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
    key_users
}

/// The school's sessions for key users, `count` of them over the domains by their number of
/// key users, in date order; each is filled with key users of its domain, and records what it
/// does to them (a seat makes them in training; passing the certifying module certifies).
fn trainer_tier_sessions(g: &mut Generator, region: &mut Region, count: usize, quota: &mut Quota) {
    let mut per_domain = vec![0.0; region.domains.len()];
    for k in &region.key_users {
        per_domain[k.domain] += 1.0;
    }
    let mut planned: Vec<(NaiveDate, usize, usize)> = Vec::new(); // (day, domain, module)
    for (d, n) in apportion(count, &per_domain).into_iter().enumerate() {
        for _ in 0..n {
            let day = g.day_between(date_of(FIRST_DAY), date_of(LAST_DAY));
            let module = if g.dice.chance(22) {
                CERTIFYING_MODULE
            } else {
                g.dice.pick(&[0, 2, 3])
            };
            planned.push((day, d, module));
        }
    }
    planned.sort();
    let key_user_of: HashMap<i64, usize> = region
        .key_users
        .iter()
        .enumerate()
        .map(|(i, k)| (k.person_id, i))
        .collect();
    for (day, d, module) in planned {
        let drawn = g.draw(day);
        let trainer = g
            .free_person(&region.school_trainers, day)
            .unwrap_or(region.school_trainers[0]);
        let venue = g.dice.pick(&region.school_venues);
        let venue = g.book_venue(venue, day);
        let certifying = module == CERTIFYING_MODULE;
        let module = region.modules[d][module];
        let slot = g.add_session(module, (region.school, trainer), venue, day, drawn);
        // Candidates: key users of the domain, not yet certified for a certifying module.
        let pool: Vec<Candidate> = region
            .key_users
            .iter()
            .filter(|k| k.domain == d && k.designated_on < day)
            .filter(|k| !certifying || k.certified_on.is_none())
            .map(|k| (k.person_id, k.language))
            .collect();
        let before = g.enrollments.len();
        quota.fill(g, &slot, &pool);
        for e in &g.enrollments[before..] {
            let Some(&k) = key_user_of.get(&e.person_id) else {
                continue;
            };
            let key_user = &mut region.key_users[k];
            key_user.seated |= matches!(e.status, "confirmed" | "attended" | "absent");
            if certifying && e.status == "attended" && e.passed == Some(true) {
                key_user.certified_on = Some(slot.day);
            }
        }
    }
}

fn date_of((y, m, d): (i32, u32, u32)) -> NaiveDate {
    date(y, m, d)
}

/// The cascade: `count` sessions over the memberships that have a certified key user, by
/// organisation size, each given by one of them after their certification to colleagues of
/// their own organisation. Returns the sessions open to enrolment, with their organisation.
fn cascade_sessions(
    g: &mut Generator,
    region: &Region,
    count: usize,
    quota: &mut Quota,
) -> Vec<(Slot, usize)> {
    // Per membership, its certified key users in order of certification.
    let membership_of: HashMap<(usize, usize), usize> = region
        .memberships
        .iter()
        .enumerate()
        .map(|(i, m)| ((m.org, m.domain), i))
        .collect();
    let mut certified: Vec<Vec<(NaiveDate, i64)>> = vec![Vec::new(); region.memberships.len()];
    for k in &region.key_users {
        if let (Some(on), Some(&m)) = (k.certified_on, membership_of.get(&(k.org, k.domain))) {
            certified[m].push((on, k.person_id));
        }
    }
    for list in &mut certified {
        list.sort();
    }
    let last_day = date_of(LAST_DAY);
    let first_session_day = |m: usize| certified[m].first().map(|c| c.0 + Duration::days(14));
    let eligible: Vec<usize> = (0..region.memberships.len())
        .filter(|&m| first_session_day(m).is_some_and(|day| day < last_day))
        .collect();
    let counts = apportion(
        count,
        &eligible
            .iter()
            .map(|&m| region.authorities[region.memberships[m].org].weight)
            .collect::<Vec<_>>(),
    );
    quota.spread_over(counts.iter().sum());
    let mut planned: Vec<(NaiveDate, usize)> = Vec::new();
    for (&m, n) in eligible.iter().zip(counts) {
        let from = first_session_day(m).expect("eligible");
        for _ in 0..n {
            planned.push((g.day_between(from, last_day), m));
        }
    }
    planned.sort();
    let pools: Vec<Vec<Candidate>> = region.authorities.iter().map(Org::pool).collect();
    let mut open = Vec::new();
    for (day, m) in planned {
        let Membership { org, domain, .. } = region.memberships[m];
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
        let drawn = g.draw(day);
        let online = g.dice.chance(25);
        let venue = if online {
            None
        } else {
            g.book_venue(region.org_venues[org], day)
        };
        let organizer = region.authorities[org].id;
        let module = region.modules[domain][module];
        let slot = g.add_session(module, (organizer, trainer), venue, day, drawn);
        // The trainer is busy that day, so never among the trainees.
        quota.fill(g, &slot, &pools[org]);
        if slot.status != "draft" {
            open.push((slot, org));
        }
    }
    open
}

/// Whatever could not be placed (small organisations, one language) goes to the latest
/// sessions as cancelled requests, so the total is exact.
fn cancelled_requests(g: &mut Generator, region: &Region, open: &[(Slot, usize)], missing: usize) {
    let mut left = missing;
    let mut extra: HashSet<(i64, i64)> = HashSet::new();
    for (slot, org) in open.iter().rev() {
        let cancelled = Slot {
            status: "cancelled",
            ..*slot
        };
        for &person_id in region.authorities[*org].staff.iter().flatten() {
            if left == 0 {
                return;
            }
            let pair = (slot.id, person_id);
            if !g.enrolled.contains(&pair) && extra.insert(pair) {
                g.enroll(&cancelled, &mut 0, person_id);
                left -= 1;
            }
        }
    }
}

/// The key users' rows, with the status their training gave them; some who never trained
/// withdrew. Returns how many.
fn key_user_rows(conn: &mut DbConn, g: &mut Generator, region: &Region) -> Result<usize, AppError> {
    let first = next_id(conn, "key_users")?;
    let rows: Vec<KeyUserRow> = region
        .key_users
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
                id: first + i as i64,
                person_id: k.person_id,
                domain_id: region.domains[k.domain].id,
                status,
                designated_by: None,
                designated_on: k.designated_on,
                certified_on: k.certified_on,
                updated_at: g.now,
            }
        })
        .collect();
    insert_rows!(conn, key_users::table, rows);
    Ok(rows.len())
}

/// Individual plans for 2025 and 2026, two to four items each, on the modules of the domains
/// the person's organisation uses (trainer modules for key users). Returns how many items.
fn individual_plans(
    conn: &mut DbConn,
    g: &mut Generator,
    region: &Region,
    scale: f64,
) -> Result<usize, AppError> {
    let key_user_domain: HashMap<i64, usize> = region
        .key_users
        .iter()
        .map(|k| (k.person_id, k.domain))
        .collect();
    let org_domains: Vec<Vec<usize>> = (0..region.authorities.len())
        .map(|o| {
            let of_org = region.memberships.iter().filter(|m| m.org == o);
            of_org.map(|m| m.domain).collect()
        })
        .collect();
    let staff: Vec<(i64, usize)> = region
        .authorities
        .iter()
        .enumerate()
        .flat_map(|(o, org)| org.staff.iter().flatten().map(move |id| (*id, o)))
        .collect();
    let target_items = scaled(PLAN_ITEMS, scale);
    let (mut plans, mut items) = (Vec::new(), Vec::new());
    let (first_plan, first_item) = (
        next_id(conn, "individual_plans")?,
        next_id(conn, "individual_plan_items")?,
    );
    let mut planned: HashSet<(i64, i32)> = HashSet::new();
    let mut attempts = 0;
    while items.len() < target_items && attempts < target_items * 10 && !staff.is_empty() {
        attempts += 1;
        let (person_id, org) = g.dice.pick(&staff);
        let year = if g.dice.chance(50) { 2025 } else { 2026 };
        if org_domains[org].is_empty() || !planned.insert((person_id, year)) {
            continue;
        }
        let plan_id = first_plan + plans.len() as i64;
        plans.push(PlanRow {
            id: plan_id,
            person_id,
            year,
            status: if year == 2025 || g.dice.chance(60) {
                "agreed"
            } else {
                "draft"
            },
            created_at: g.now,
            updated_at: g.now,
        });
        let wanted = 2 + g.dice.below(3);
        let mut chosen: HashSet<i64> = HashSet::new();
        for _ in 0..wanted {
            if items.len() >= target_items {
                break;
            }
            let (domain, range) = match key_user_domain.get(&person_id) {
                Some(&d) if g.dice.chance(50) => (d, 0..TRAINER_MODULES),
                _ => (
                    g.dice.pick(&org_domains[org]),
                    TRAINER_MODULES..TOPICS.len(),
                ),
            };
            let module_id = region.modules[domain][range.start + g.dice.below(range.len())].0;
            if !chosen.insert(module_id) {
                continue;
            }
            items.push(PlanItemRow {
                id: first_item + items.len() as i64,
                plan_id,
                module_id,
                target_on: Some(g.day_between(date(year, 1, 15), date(year, 12, 15))),
                priority: 1 + g.dice.below(3) as i32,
                note: None,
            });
        }
    }
    insert_rows!(conn, individual_plans::table, plans);
    insert_rows!(conn, individual_plan_items::table, items);
    Ok(items.len())
}

/// A collective plan per authority and year: key users for each domain's go-live, and end
/// users on two of its end-user modules. Returns how many plans.
fn collective_plans(
    conn: &mut DbConn,
    g: &mut Generator,
    region: &Region,
) -> Result<usize, AppError> {
    let (first_plan, first_target) = (
        next_id(conn, "collective_plans")?,
        next_id(conn, "collective_plan_targets")?,
    );
    let (mut plans, mut targets) = (Vec::new(), Vec::new());
    for (o, org) in region.authorities.iter().enumerate() {
        let size = org.headcount() as f64;
        for year in 2023..=2026 {
            let plan_id = first_plan + plans.len() as i64;
            plans.push(CollectivePlanRow {
                id: plan_id,
                organization_id: org.id,
                year,
                status: if year < g.today.year() {
                    "agreed"
                } else {
                    "draft"
                },
                created_at: g.now,
                updated_at: g.now,
            });
            for m in region.memberships.iter().filter(|m| m.org == o) {
                let due_on = g.day_between(date(year, 3, 1), date(year, 12, 15));
                targets.push(TargetRow {
                    id: first_target + targets.len() as i64,
                    plan_id,
                    module_id: region.modules[m.domain][CERTIFYING_MODULE].0,
                    profile: None,
                    headcount: m.required_key_users,
                    due_on: Some(due_on),
                });
                let end_user_modules = TOPICS.len() - TRAINER_MODULES;
                let first = TRAINER_MODULES + g.dice.below(end_user_modules);
                let second = TRAINER_MODULES + (first - TRAINER_MODULES + 1) % end_user_modules;
                for module in [first, second] {
                    let profile = g.dice.chance(50).then(|| g.dice.pick(PROFILES).0);
                    let share = 0.02 + g.dice.below(6) as f64 / 100.0;
                    targets.push(TargetRow {
                        id: first_target + targets.len() as i64,
                        plan_id,
                        module_id: region.modules[m.domain][module].0,
                        profile,
                        headcount: ((size * share).round() as i32).max(1),
                        due_on: Some(g.day_between(date(year, 3, 1), date(year, 12, 15))),
                    });
                }
            }
        }
    }
    insert_rows!(conn, collective_plans::table, plans);
    insert_rows!(conn, collective_plan_targets::table, targets);
    Ok(plans.len())
}

/// PostgreSQL hands out ids from sequences, which explicit ids did not advance.
fn advance_sequences(conn: &mut DbConn) -> Result<(), AppError> {
    if let DbConn::Postgres(_) = conn {
        for table in NUMBERED_TABLES {
            diesel::sql_query(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            ))
            .execute(conn)?;
        }
    }
    Ok(())
}
