//! The demonstration data set (`serve --demo`, `seed --demo`): deterministic, and rich enough that
//! every page shows something: memberships going live from Q2 2024 to end 2025 (and a few early
//! in 2027, so that the at-risk list is not empty), four modules per domain in both tiers,
//! sessions from 2023 to 2026 in French, Dutch and both, staff with profiles and languages, key
//! users trained and certified, cascade sessions, waiting lists, approvals and plans.
//!
//! It is loaded once: a second run finds the demo administrator and does nothing. It keeps the
//! rules that the app enforces (no session over capacity, no one in two sessions at once,
//! cascade sessions only for their own organisation's staff).

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};
use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::{accounts, memberships, organizations};
use crate::db::DbConn;
use crate::domain::accounts::{self as account_rules, AccountRequest, FirstPassword, Role};
use crate::domain::cascade::{self, KeyUserStatus, NewKeyUser};
use crate::domain::catalogue::{self, Domain, NewModule, NewVenue, Tier};
use crate::domain::enrollments::{self, EnrollmentStatus, NewEnrollment};
use crate::domain::organizations::{
    self as orgs, MembershipChange, MembershipStatus, NewOrganization, Organization,
    OrganizationKind,
};
use crate::domain::people::{self, NewPerson, PersonLanguage};
use crate::domain::plans::{self, NewPlanItem, NewTarget, PlanStatus};
use crate::domain::sessions::{self, NewSession, SessionStatus};
use crate::domain::{audit, now, Language};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::seed::{
    approves_enrollments, brussels, date, job_title, key_user_profile, reference_memberships,
    require_approval, school_id, Dice, CRM_PIONEERS, PROFILES, SCHOOL_ADDRESS,
};

/// The password of every demo account (printed at start-up; never use the demo in production).
pub const DEMO_PASSWORD: &str = "formation-demo";

pub struct SignIn {
    pub role: Role,
    pub email: &'static str,
    pub description: &'static str,
}

pub const SIGN_INS: &[SignIn] = &[
    SignIn {
        role: Role::Admin,
        email: "admin@formation.example",
        description: "administrator",
    },
    SignIn {
        role: Role::Planner,
        email: "planner@erap.example",
        description: "ERAP planner",
    },
    SignIn {
        role: Role::Hr,
        email: "hr@anderlecht.example",
        description: "HR officer, Anderlecht",
    },
    SignIn {
        role: Role::Member,
        email: "key.user@anderlecht.example",
        description: "Finance key user, Anderlecht",
    },
    SignIn {
        role: Role::Hr,
        email: "hr@cpas-jette.example",
        description: "HR officer, CPAS/OCMW Jette (Dutch)",
    },
    SignIn {
        role: Role::Member,
        email: "key.user@cpas-jette.example",
        description: "Social key user, CPAS/OCMW Jette (Dutch)",
    },
];

#[derive(Debug, Default)]
pub struct DemoSummary {
    pub loaded: bool,
    pub people: usize,
    pub sessions: usize,
    pub enrollments: usize,
}

/// Gives each session its own working day, so that nobody (trainer or trainee) is ever booked
/// twice at the same time.
#[derive(Default)]
struct Calendar(BTreeSet<NaiveDate>);

impl Calendar {
    fn book(&mut self, from: NaiveDate) -> NaiveDate {
        let mut day = from;
        while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) || self.0.contains(&day) {
            day += Duration::days(1);
        }
        self.0.insert(day);
        day
    }
}

/// A domain's four module ids.
struct DomainModules {
    domain_id: i64,
    domain: String,
    basics: i64,
    train_the_trainer: i64,
    everyday_use: i64,
    reports: i64,
}

#[derive(Clone)]
struct DemoPerson {
    id: i64,
    organization_id: i64,
    language: PersonLanguage,
    profile: &'static str,
    /// Whether their organisation's HR approves their enrolments.
    needs_approval: bool,
}

struct DemoSession {
    id: i64,
    language: Language,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    capacity: i32,
    seats_taken: i32,
    status: SessionStatus,
    requires_approval: bool,
}

impl DemoSession {
    fn serves(&self, language: PersonLanguage) -> bool {
        match language {
            PersonLanguage::Fr => matches!(self.language, Language::Fr | Language::Bilingual),
            PersonLanguage::Nl => matches!(self.language, Language::Nl | Language::Bilingual),
            PersonLanguage::En => matches!(self.language, Language::Bilingual | Language::En),
        }
    }

    fn open(&self) -> bool {
        matches!(
            self.status,
            SessionStatus::Published | SessionStatus::Completed
        )
    }
}

struct Loader<'c> {
    conn: &'c mut DbConn,
    dice: Dice,
    calendar: Calendar,
    now: NaiveDateTime,
    enrollments: usize,
    sessions: usize,
}

impl Loader<'_> {
    /// A person of `organization` (id, code); Dutch speakers get their job title in Dutch.
    fn person(
        &mut self,
        (organization_id, code): (i64, &str),
        full_name: &str,
        email: &str,
        language: PersonLanguage,
        profile: &'static str,
    ) -> Result<DemoPerson, AppError> {
        let id = people::insert(
            self.conn,
            NewPerson {
                organization_id,
                full_name,
                email: Some(email),
                job_title: job_title(profile, language),
                profile: Some(profile),
                language,
            },
        )?;
        Ok(DemoPerson {
            id,
            organization_id,
            language,
            profile,
            needs_approval: approves_enrollments(code),
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn session(
        &mut self,
        module_id: i64,
        organizer_id: i64,
        trainer: i64,
        venue_id: Option<i64>,
        online_url: Option<&str>,
        language: Language,
        day: NaiveDate,
        capacity: i32,
        status: SessionStatus,
    ) -> Result<DemoSession, AppError> {
        let starts_at = brussels(day, 9, 0);
        let ends_at = brussels(day, 16, 30);
        let registration_closes_at = brussels(day - Duration::days(2), 23, 59);
        let id = sessions::insert(
            self.conn,
            NewSession {
                module_id,
                organizer_id,
                trainer_person_id: Some(trainer),
                venue_id,
                online_url,
                language,
                starts_at,
                ends_at,
                registration_closes_at,
                capacity,
                seats_taken: 0,
                status,
                created_by: None,
            },
        )?;
        self.sessions += 1;
        Ok(DemoSession {
            id,
            language,
            starts_at,
            ends_at,
            capacity,
            seats_taken: 0,
            status,
            requires_approval: false,
        })
    }

    /// Enrols a person as the rules would: a seat while there is one (attended or absent once
    /// the session is over), else the waiting list; pending where the organisation approves.
    /// Returns the status given, and whether they passed.
    fn enroll(
        &mut self,
        session: &mut DemoSession,
        person_id: i64,
        assessed: bool,
    ) -> Result<(EnrollmentStatus, Option<bool>), AppError> {
        let past = session.ends_at < self.now;
        let created_at = session.starts_at - Duration::days(20);
        let (status, passed) = if session.requires_approval && !past {
            (EnrollmentStatus::PendingApproval, None)
        } else if session.seats_taken >= session.capacity {
            (EnrollmentStatus::Waitlisted, None)
        } else if !past {
            (EnrollmentStatus::Confirmed, None)
        } else if self.dice.chance(8) {
            (EnrollmentStatus::Absent, None)
        } else {
            (
                EnrollmentStatus::Attended,
                assessed.then(|| !self.dice.chance(10)),
            )
        };
        enrollments::insert_loaded(
            self.conn,
            NewEnrollment {
                session_id: session.id,
                person_id,
                status,
                passed,
                requested_by: None,
                created_at,
                decided_at: status.holds_seat().then_some(created_at),
            },
        )?;
        if status.holds_seat() {
            session.seats_taken += 1;
        }
        self.enrollments += 1;
        Ok((status, passed))
    }

    /// Writes each session's seat counter once all its enrolments are in.
    fn save_seats(&mut self, sessions: &[DemoSession]) -> Result<(), AppError> {
        use crate::db::schema::training_sessions;
        for session in sessions.iter().filter(|s| s.seats_taken > 0) {
            diesel::update(training_sessions::table.find(session.id))
                .set(training_sessions::seats_taken.eq(session.seats_taken))
                .execute(self.conn)?;
        }
        Ok(())
    }
}

/// Loads the demo data set unless it is there already.
pub fn load(conn: &mut DbConn) -> Result<DemoSummary, AppError> {
    let already = diesel::select(diesel::dsl::exists(
        accounts::table.filter(accounts::email.eq(SIGN_INS[0].email)),
    ))
    .get_result::<bool>(conn)?;
    if already {
        return Ok(DemoSummary::default());
    }
    // One password hash for all demo accounts: argon2 is slow on purpose.
    let password_hash = account_rules::hash_password(DEMO_PASSWORD)?;
    crate::db::transaction(conn, |conn| {
        let mut loader = Loader {
            conn,
            dice: Dice(2026),
            calendar: Calendar::default(),
            now: now(),
            enrollments: 0,
            sessions: 0,
        };
        let summary = fill(&mut loader)?;
        // The read model, in bulk, once every enrolment is in.
        crate::domain::read_model::rebuild(loader.conn)?;
        create_sign_ins(loader.conn, &password_hash)?;
        audit::record(
            loader.conn,
            audit::Event {
                actor_account_id: None,
                organization_id: None,
                action: "demo.loaded",
                entity: "demo",
                entity_id: None,
                detail: json!({ "people": summary.people, "sessions": summary.sessions, "enrollments": summary.enrollments }),
            },
        )?;
        Ok(summary)
    })
}

/// The steps, in the order their rows go in (which keeps ids and dice the same on every run).
fn fill(loader: &mut Loader<'_>) -> Result<DemoSummary, AppError> {
    let all = orgs::all(loader.conn)?;
    let school = school_id(&all)?;
    let integrator = orgs::ensure(loader.conn, INTEGRATOR)?;
    require_approval(loader.conn)?;
    let authorities: Vec<Organization> = all
        .into_iter()
        .filter(|o| matches!(o.kind, OrganizationKind::Commune | OrganizationKind::Cpas))
        .collect();
    let domains = catalogue::all_domains(loader.conn)?;
    memberships(loader.conn, &authorities, &domains)?;
    let rooms = venues(loader.conn)?;
    let catalogue = modules(loader.conn, &domains)?;
    let trainers = trainers(loader, school, integrator)?;
    let staff = staff(loader, &authorities)?;
    let memberships = live_memberships(loader.conn)?;
    let key_users = designate_key_users(loader, &catalogue, &staff, &memberships)?;
    let mut certified = Vec::new();
    for (d, modules) in catalogue.iter().enumerate() {
        let mut courses = school_sessions(loader, (d, modules), &trainers, &rooms, school)?;
        let of_domain = key_users.by_domain.get(&modules.domain_id);
        let of_domain = of_domain.map(Vec::as_slice).unwrap_or_default();
        certified.push(train_key_users(loader, modules, of_domain, &mut courses)?);
        loader.save_seats(&courses.basics)?;
        loader.save_seats(&courses.train_the_trainer)?;
    }
    cascade_sessions(
        loader,
        &catalogue,
        &certified,
        &staff,
        &key_users.designated,
    )?;
    for org in &authorities {
        let joined: Vec<&LiveMembership> = memberships.iter().filter(|m| m.org == org.id).collect();
        if joined.is_empty() {
            continue;
        }
        let staff = &staff[&org.id];
        collective_plans(loader.conn, org.id, &joined, staff.len() as i32, &catalogue)?;
        individual_plans(
            loader.conn,
            &joined,
            staff,
            &catalogue,
            &key_users.designated,
        )?;
    }
    Ok(DemoSummary {
        loaded: true,
        people: trainers.len() + staff.values().map(Vec::len).sum::<usize>(),
        sessions: loader.sessions,
        enrollments: loader.enrollments,
    })
}

/// A systems integrator whose trainers help the school.
const INTEGRATOR: NewOrganization<'static> = NewOrganization {
    code: "integrator-demo",
    kind: OrganizationKind::Integrator,
    nis_code: None,
    name_fr: "Intégrateur (démo)",
    name_nl: "Integrator (demo)",
    requires_enrollment_approval: false,
};

/// The 2021 intentions turn into memberships with go-lives spread from Q2 2024 to the end of
/// 2025 (a few stay ahead, early in 2027); six communes take CRM in the coming months.
fn memberships(
    conn: &mut DbConn,
    authorities: &[Organization],
    domains: &[Domain],
) -> Result<(), AppError> {
    let existing = reference_memberships(conn)?;
    let crm = domains.iter().find(|d| d.code == "crm").map(|d| d.id);
    let n = authorities.len() as i64;
    for (index, org) in authorities.iter().enumerate() {
        let index = index as i64;
        for (_, domain_id, status) in existing.iter().filter(|m| m.0 == org.id) {
            let domain = domains.iter().find(|d| d.id == *domain_id);
            let domain = domain.map(|d| d.code.as_str()).unwrap_or("");
            let Some(go_live) = go_live(domain, index, n) else {
                continue;
            };
            let status = match status.as_str() {
                "intended" if go_live > date(2026, 12, 31) => MembershipStatus::Intended,
                "intended" | "joined" => MembershipStatus::Joined,
                _ => continue,
            };
            let social_cpas = org.kind == OrganizationKind::Cpas && domain == "social";
            let change = MembershipChange {
                status,
                status_since: date(2023, 12, 15).min(go_live),
                go_live_on: Some(go_live),
                required_key_users: if social_cpas { 3 } else { 2 },
            };
            orgs::set_membership(conn, org.id, *domain_id, change)?;
        }
        if let Some(crm) = crm.filter(|_| CRM_PIONEERS.contains(&org.code.as_str())) {
            let change = MembershipChange {
                status: MembershipStatus::Intended,
                status_since: date(2025, 6, 1),
                go_live_on: Some(date(2027, 1, 11) + Duration::days(index * 4)),
                required_key_users: 2,
            };
            orgs::set_membership(conn, org.id, crm, change)?;
        }
    }
    Ok(())
}

/// When the `index`th of `n` authorities goes live with a domain (CRM is set apart).
fn go_live(domain: &str, index: i64, n: i64) -> Option<NaiveDate> {
    let finance = date(2024, 4, 15) + Duration::days(index * 600 / n);
    Some(match domain {
        "finance" => finance,
        "soft-hr" => (finance + Duration::days(45)).min(date(2025, 12, 15)),
        "hard-hr" if index % 12 == 5 => date(2027, 1, 18) + Duration::days(index),
        "hard-hr" => (finance + Duration::days(90)).min(date(2025, 12, 15)),
        "social" => date(2025, 3, 1) + Duration::days(index * 9),
        _ => return None,
    })
}

/// The school's classroom and computer lab.
struct Rooms {
    main: i64,
    lab: i64,
}

fn venues(conn: &mut DbConn) -> Result<Rooms, AppError> {
    let mut room = |name, address, seats| {
        catalogue::insert_venue(
            conn,
            NewVenue {
                name,
                address,
                seats,
            },
        )
    };
    let rooms = Rooms {
        main: room("ERAP — Salle Iris / Iriszaal", SCHOOL_ADDRESS, 16)?,
        lab: room(
            "ERAP — Salle informatique / Computerlokaal",
            SCHOOL_ADDRESS,
            12,
        )?,
    };
    room(
        "Centre de formation Sud / Opleidingscentrum Zuid",
        "Rue de Fiennes 77, 1070 Anderlecht",
        24,
    )?;
    Ok(rooms)
}

/// The four modules of each domain: code suffix, title after the domain's name (French and
/// Dutch), tier, minutes, and whether it certifies trainers. The second of each tier requires
/// the first.
const MODULES: [(&str, &str, &str, Tier, i32, bool); 4] = [
    (
        "KU1",
        "fondamentaux pour utilisateurs clés",
        "basisopleiding voor sleutelgebruikers",
        Tier::Trainer,
        420,
        false,
    ),
    (
        "KU2",
        "former les formateurs",
        "train de trainer",
        Tier::Trainer,
        420,
        true,
    ),
    (
        "EU1",
        "utilisation au quotidien",
        "dagelijks gebruik",
        Tier::EndUser,
        180,
        false,
    ),
    (
        "EU2",
        "rapports et suivi",
        "rapporten en opvolging",
        Tier::EndUser,
        120,
        false,
    ),
];

fn modules(conn: &mut DbConn, domains: &[Domain]) -> Result<Vec<DomainModules>, AppError> {
    let mut catalogue = Vec::new();
    for domain in domains {
        let prefix = match domain.code.as_str() {
            "finance" => "FIN",
            "soft-hr" => "SHR",
            "hard-hr" => "HHR",
            "social" => "SOC",
            _ => "CRM",
        };
        let mut ids: Vec<i64> = Vec::new();
        for (k, (suffix, fr, nl, tier, minutes, certifies)) in MODULES.into_iter().enumerate() {
            let title_fr = format!("{} : {fr}", domain.name_fr);
            let title_nl = format!("{}: {nl}", domain.name_nl);
            let module = NewModule {
                domain_id: domain.id,
                code: &format!("{prefix}-{suffix}"),
                title_fr: &title_fr,
                title_nl: &title_nl,
                description_fr: &format!("{} — {title_fr}", domain.name_fr),
                description_nl: &format!("{} — {title_nl}", domain.name_nl),
                tier,
                duration_minutes: minutes,
                prerequisite_module_id: (k % 2 == 1).then(|| ids[k - 1]),
                certifies_trainer: certifies,
                assessed: certifies,
            };
            ids.push(catalogue::insert_module(conn, module)?);
        }
        catalogue.push(DomainModules {
            domain_id: domain.id,
            domain: domain.code.clone(),
            basics: ids[0],
            train_the_trainer: ids[1],
            everyday_use: ids[2],
            reports: ids[3],
        });
    }
    Ok(catalogue)
}

/// The school's and the integrator's trainers.
fn trainers(
    loader: &mut Loader<'_>,
    school: i64,
    integrator: i64,
) -> Result<Vec<DemoPerson>, AppError> {
    use PersonLanguage::{En, Fr, Nl};
    let school_trainers = [
        ("Véronique Lemaire", Fr),
        ("Hendrik De Smet", Nl),
        ("Isabelle Fontaine", Fr),
        ("Griet Vermeulen", Nl),
        ("Michel Gérard", Fr),
    ];
    let integrator_trainers = [("Laura Schmidt", En), ("Nicolas Pirard", Fr)];
    let mut trainers = Vec::new();
    for (org, profile, names) in [
        ((school, "erap"), "management", &school_trainers[..]),
        (
            (integrator, "integrator-demo"),
            "it",
            &integrator_trainers[..],
        ),
    ] {
        for (i, (name, language)) in names.iter().enumerate() {
            let email = format!("trainer{}@{}.example", i + 1, org.1);
            trainers.push(loader.person(org, name, &email, *language, profile)?);
        }
    }
    Ok(trainers)
}

/// The people behind the demo sign-ins, first in their organisation: organisation, name,
/// e-mail, language and profile.
const NAMED_STAFF: [(&str, &str, &str, PersonLanguage, &str); 4] = [
    (
        "anderlecht",
        "Karim Benali",
        "key.user@anderlecht.example",
        PersonLanguage::Fr,
        "finance",
    ),
    (
        "anderlecht",
        "Nathalie Dubois",
        "hr@anderlecht.example",
        PersonLanguage::Fr,
        "hr",
    ),
    (
        "cpas-jette",
        "Pieter Claes",
        "key.user@cpas-jette.example",
        PersonLanguage::Nl,
        "social",
    ),
    (
        "cpas-jette",
        "Els Peeters",
        "hr@cpas-jette.example",
        PersonLanguage::Nl,
        "hr",
    ),
];

/// Every authority's staff, ten to twenty-two people each, by organisation id.
fn staff(
    loader: &mut Loader<'_>,
    authorities: &[Organization],
) -> Result<HashMap<i64, Vec<DemoPerson>>, AppError> {
    let mut staff = HashMap::new();
    for (index, org) in authorities.iter().enumerate() {
        let at = (org.id, org.code.as_str());
        let mut list = Vec::new();
        for (_, name, email, language, profile) in NAMED_STAFF.iter().filter(|n| n.0 == org.code) {
            list.push(loader.person(at, name, email, *language, profile)?);
        }
        for k in 0..10 + (index % 5) * 3 {
            let language = loader.dice.language(58);
            let (first, last) = loader.dice.name(language);
            let profile = PROFILES[(k + index) % PROFILES.len()].0;
            let (first_ascii, last_ascii) = (first.to_lowercase(), last.to_lowercase());
            let email = format!("{first_ascii}.{last_ascii}.{}@{}.example", k + 1, org.code);
            let name = format!("{first} {last}");
            list.push(loader.person(at, &name, &email, language, profile)?);
        }
        staff.insert(org.id, list);
    }
    Ok(staff)
}

/// A membership joined or intended.
struct LiveMembership {
    org: i64,
    domain: i64,
    go_live: Option<NaiveDate>,
    required_key_users: i32,
}

/// The memberships joined or intended, by go-live.
fn live_memberships(conn: &mut DbConn) -> Result<Vec<LiveMembership>, AppError> {
    let rows: Vec<(i64, i64, Option<NaiveDate>, i32)> = memberships::table
        .filter(memberships::status.eq_any(crate::domain::rules::joined_or_intended_codes()))
        .select((
            memberships::organization_id,
            memberships::domain_id,
            memberships::go_live_on,
            memberships::required_key_users,
        ))
        .order((memberships::go_live_on.asc(), memberships::organization_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(org, domain, go_live, required_key_users)| LiveMembership {
                org,
                domain,
                go_live,
                required_key_users,
            },
        )
        .collect())
}

struct DemoKeyUser {
    person: DemoPerson,
    id: i64,
    designated_on: NaiveDate,
}

#[derive(Default)]
struct KeyUsers {
    by_domain: HashMap<i64, Vec<DemoKeyUser>>,
    /// The people designated, in any domain.
    designated: BTreeSet<i64>,
}

/// For every membership, as many key users as it needs (one more for CRM) from its staff,
/// the domain's profile first and never HR, designated ahead of the go-live.
fn designate_key_users(
    loader: &mut Loader<'_>,
    catalogue: &[DomainModules],
    staff: &HashMap<i64, Vec<DemoPerson>>,
    memberships: &[LiveMembership],
) -> Result<KeyUsers, AppError> {
    let mut key_users = KeyUsers::default();
    for m in memberships {
        let domain = &catalogue
            .iter()
            .find(|c| c.domain_id == m.domain)
            .expect("domain modules")
            .domain;
        let Some(list) = staff.get(&m.org) else {
            continue;
        };
        let wanted = key_user_profile(domain);
        let free = |p: &&DemoPerson| !key_users.designated.contains(&p.id);
        let mut candidates: Vec<&DemoPerson> = list
            .iter()
            .filter(|p| p.profile == wanted)
            .filter(free)
            .collect();
        candidates.extend(
            list.iter()
                .filter(|p| p.profile != wanted && p.profile != "hr")
                .filter(free),
        );
        let crm = domain == "crm";
        for person in candidates
            .into_iter()
            .take(m.required_key_users as usize + usize::from(crm))
        {
            let lead_time = if crm { 100 } else { 300 };
            let designated_on = m
                .go_live
                .map(|d| d - Duration::days(lead_time))
                .unwrap_or(date(2024, 1, 15))
                .max(date(2023, 9, 1));
            let new = NewKeyUser {
                person_id: person.id,
                domain_id: m.domain,
                status: KeyUserStatus::Nominated,
                designated_by: None,
                designated_on,
                certified_on: None,
            };
            let id = cascade::insert_key_user(loader.conn, new)?;
            key_users.designated.insert(person.id);
            key_users
                .by_domain
                .entry(m.domain)
                .or_default()
                .push(DemoKeyUser {
                    person: person.clone(),
                    id,
                    designated_on,
                });
        }
    }
    Ok(key_users)
}

/// A domain's courses at the school.
struct Courses {
    basics: Vec<DemoSession>,
    train_the_trainer: Vec<DemoSession>,
}

/// Every quarter from the domain's launch: the basics in French and in Dutch, and the
/// train-the-trainer module in both languages at once.
fn school_sessions(
    loader: &mut Loader<'_>,
    (d, modules): (usize, &DomainModules),
    trainers: &[DemoPerson],
    rooms: &Rooms,
    school: i64,
) -> Result<Courses, AppError> {
    let mut courses = Courses {
        basics: Vec::new(),
        train_the_trainer: Vec::new(),
    };
    let mut quarter = match modules.domain.as_str() {
        "social" => date(2024, 10, 1),
        "crm" => date(2026, 12, 1),
        _ => date(2023, 9, 1),
    };
    let mut q = 0usize;
    while quarter < date(2027, 4, 1) {
        let offset = d as i64 * 3;
        let bilingual_trainer = if q % 3 == 2 { 5 } else { (q + 2 * d) % 5 };
        for (days, basics, language, trainer) in [
            (7 + offset, true, Language::Fr, &trainers[(q + d) % 5]),
            (
                21 + offset,
                true,
                Language::Nl,
                &trainers[1 + 2 * ((q + d) % 2)],
            ),
            (
                45 + offset,
                false,
                Language::Bilingual,
                &trainers[bilingual_trainer],
            ),
        ] {
            let day = loader.calendar.book(quarter + Duration::days(days));
            let status = if brussels(day, 9, 0) < loader.now {
                if (q + d) % 11 == 4 && language == Language::Nl {
                    SessionStatus::Cancelled
                } else {
                    SessionStatus::Completed
                }
            } else if day > date(2027, 2, 15) {
                SessionStatus::Draft
            } else {
                SessionStatus::Published
            };
            let (module, venue, list) = if basics {
                (modules.basics, rooms.lab, &mut courses.basics)
            } else {
                let train = &mut courses.train_the_trainer;
                (modules.train_the_trainer, rooms.main, train)
            };
            // CRM's small first sessions fill up: the demo shows a waiting list.
            let capacity = if modules.domain == "crm" { 8 } else { 12 };
            list.push(loader.session(
                module,
                school,
                trainer.id,
                Some(venue),
                None,
                language,
                day,
                capacity,
                status,
            )?);
        }
        quarter = quarter
            .checked_add_months(chrono::Months::new(3))
            .expect("date in range");
        q += 1;
    }
    Ok(courses)
}

/// Key users take the basics, then the train-the-trainer module, in the first open session
/// of their language after their designation. Returns those certified, with the day.
fn train_key_users(
    loader: &mut Loader<'_>,
    modules: &DomainModules,
    key_users: &[DemoKeyUser],
    courses: &mut Courses,
) -> Result<Vec<(DemoPerson, NaiveDate)>, AppError> {
    let mut certified = Vec::new();
    for key_user in key_users {
        let person = &key_user.person;
        let since = brussels(key_user.designated_on, 0, 0);
        // CRM key users all want the first session before go-live: it fills and the rest wait.
        let rush = modules.domain == "crm";
        let Some(first) = courses.basics.iter_mut().find(|s| {
            s.open()
                && s.starts_at >= since
                && s.serves(person.language)
                && (rush || s.seats_taken < s.capacity)
        }) else {
            continue;
        };
        first.requires_approval = person.needs_approval;
        let (first_status, _) = loader.enroll(first, person.id, false)?;
        first.requires_approval = false;
        let first_end = first.ends_at;
        let mut status = match first_status {
            EnrollmentStatus::Absent
            | EnrollmentStatus::Waitlisted
            | EnrollmentStatus::PendingApproval => KeyUserStatus::Nominated,
            _ => KeyUserStatus::InTraining,
        };
        let mut certified_on = None;
        let second = courses.train_the_trainer.iter_mut().find(|s| {
            s.open()
                && s.starts_at > first_end
                && s.serves(person.language)
                && s.seats_taken < s.capacity
        });
        if let (EnrollmentStatus::Attended, Some(second)) = (first_status, second) {
            if loader.enroll(second, person.id, true)? == (EnrollmentStatus::Attended, Some(true)) {
                status = KeyUserStatus::Certified;
                certified_on = Some(second.ends_at.date());
                certified.push((person.clone(), second.ends_at.date()));
            }
        }
        set_key_user(loader.conn, key_user.id, status, certified_on)?;
    }
    Ok(certified)
}

/// The first certified key user of each organisation and domain trains colleagues of its own
/// organisation online, a month or so after certification. `certified` is by domain, in the
/// order of `catalogue`.
fn cascade_sessions(
    loader: &mut Loader<'_>,
    catalogue: &[DomainModules],
    certified: &[Vec<(DemoPerson, NaiveDate)>],
    staff: &HashMap<i64, Vec<DemoPerson>>,
    designated: &BTreeSet<i64>,
) -> Result<(), AppError> {
    let mut cascaded: BTreeSet<(i64, i64)> = BTreeSet::new();
    for (modules, certified) in catalogue.iter().zip(certified) {
        for (trainer, certified_on) in certified {
            if !cascaded.insert((trainer.organization_id, modules.domain_id)) {
                continue;
            }
            let day = loader.calendar.book(*certified_on + Duration::days(30));
            if day > date(2027, 3, 31) {
                continue;
            }
            let language = if trainer.language == PersonLanguage::Nl {
                Language::Nl
            } else {
                Language::Fr
            };
            let url = format!(
                "https://visio.example/{}/{}",
                modules.domain,
                loader.sessions + 1
            );
            let status = if brussels(day, 9, 0) < loader.now {
                SessionStatus::Completed
            } else {
                SessionStatus::Published
            };
            let mut session = loader.session(
                modules.everyday_use,
                trainer.organization_id,
                trainer.id,
                None,
                Some(&url),
                language,
                day,
                10,
                status,
            )?;
            let colleagues = staff[&trainer.organization_id].iter().filter(|p| {
                p.id != trainer.id && !designated.contains(&p.id) && session.serves(p.language)
            });
            let colleagues: Vec<i64> = colleagues.take(8).map(|p| p.id).collect();
            for colleague in colleagues {
                loader.enroll(&mut session, colleague, false)?;
            }
            loader.save_seats(std::slice::from_ref(&session))?;
        }
    }
    Ok(())
}

fn modules_of(catalogue: &[DomainModules], domain_id: i64) -> &DomainModules {
    catalogue
        .iter()
        .find(|m| m.domain_id == domain_id)
        .expect("modules")
}

/// An organisation's collective plans for 2025 and 2026: everyday use of every domain it
/// joined, for half its staff, by the go-live; in 2026 also reports, for two people of the
/// domain's key-user profile.
fn collective_plans(
    conn: &mut DbConn,
    org: i64,
    joined: &[&LiveMembership],
    headcount: i32,
    catalogue: &[DomainModules],
) -> Result<(), AppError> {
    for year in [2025, 2026] {
        let status = if year == 2025 {
            PlanStatus::Agreed
        } else {
            PlanStatus::Draft
        };
        let plan_id = plans::insert_collective_plan(conn, org, year, status)?;
        for m in joined {
            let modules = modules_of(catalogue, m.domain);
            let due = m.go_live.filter(|d| d.year() == year);
            let everyday_use = NewTarget {
                plan_id,
                module_id: modules.everyday_use,
                profile: None,
                headcount: headcount / 2,
                due_on: Some(due.unwrap_or(date(year, 12, 31))),
            };
            plans::insert_target(conn, everyday_use)?;
            if year == 2026 {
                let reports = NewTarget {
                    plan_id,
                    module_id: modules.reports,
                    profile: Some(key_user_profile(&modules.domain)),
                    headcount: 2,
                    due_on: Some(date(2026, 12, 31)),
                };
                plans::insert_target(conn, reports)?;
            }
        }
    }
    Ok(())
}

/// 2026 plans for four of an organisation's staff who are not key users: everyday use of its
/// first domain, reports of its second.
fn individual_plans(
    conn: &mut DbConn,
    joined: &[&LiveMembership],
    staff: &[DemoPerson],
    catalogue: &[DomainModules],
    designated: &BTreeSet<i64>,
) -> Result<(), AppError> {
    let colleagues = staff.iter().filter(|p| !designated.contains(&p.id));
    for (k, person) in colleagues.take(4).enumerate() {
        let status = if k % 2 == 0 {
            PlanStatus::Agreed
        } else {
            PlanStatus::Draft
        };
        let plan_id = plans::insert_individual_plan(conn, person.id, 2026, status)?;
        for (j, m) in joined.iter().take(2).enumerate() {
            let modules = modules_of(catalogue, m.domain);
            let item = NewPlanItem {
                plan_id,
                module_id: if j == 0 {
                    modules.everyday_use
                } else {
                    modules.reports
                },
                target_on: Some(date(2026, 3 + 3 * j as u32 + (k as u32 % 3), 15)),
                priority: 1 + (k as i32 % 3),
                note: None,
            };
            plans::insert_plan_item(conn, item)?;
        }
    }
    Ok(())
}

fn set_key_user(
    conn: &mut DbConn,
    id: i64,
    status: KeyUserStatus,
    certified_on: Option<NaiveDate>,
) -> Result<(), AppError> {
    use crate::db::schema::key_users;
    diesel::update(key_users::table.find(id))
        .set((
            key_users::status.eq(status.as_str()),
            key_users::certified_on.eq(certified_on),
        ))
        .execute(conn)?;
    Ok(())
}

/// The accounts of `SIGN_INS`, linked to their people where they have one.
fn create_sign_ins(conn: &mut DbConn, password_hash: &str) -> Result<(), AppError> {
    use crate::db::schema::people;
    for sign_in in SIGN_INS {
        let person: Option<(i64, i64, String)> = people::table
            .filter(people::email.eq(sign_in.email))
            .select((people::id, people::organization_id, people::language))
            .first(conn)
            .optional()?;
        let organization_code = match person {
            Some((_, organization_id, _)) => Some(
                organizations::table
                    .find(organization_id)
                    .select(organizations::code)
                    .first::<String>(conn)?,
            ),
            None => None,
        };
        account_rules::create(
            conn,
            None,
            &AccountRequest {
                email: Some(sign_in.email.to_owned()),
                role: sign_in.role,
                organization_code,
                person_id: person.as_ref().map(|p| p.0),
                // One hash for all demo accounts: hashing is deliberately slow.
                password: FirstPassword::Hashed(password_hash.to_owned()),
                locale: person.and_then(|p| Locale::parse(&p.2)),
            },
            "",
        )?;
    }
    Ok(())
}
