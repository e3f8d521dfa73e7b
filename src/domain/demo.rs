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

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Weekday};
use chrono_tz::Europe::Brussels;
use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::{accounts, memberships, organizations};
use crate::db::DbConn;
use crate::domain::accounts::{self as account_rules, AccountRequest, FirstPassword, Role};
use crate::domain::cascade::{self, KeyUserStatus, NewKeyUser};
use crate::domain::catalogue::{self, NewModule, NewVenue, Tier};
use crate::domain::enrollments::{self, EnrollmentStatus, NewEnrollment};
use crate::domain::organizations::{
    self as orgs, MembershipChange, MembershipStatus, NewOrganization, OrganizationKind,
    SCHOOL_CODE,
};
use crate::domain::people::{self, NewPerson, PersonLanguage};
use crate::domain::plans::{self, NewPlanItem, NewTarget, PlanStatus};
use crate::domain::sessions::{self, NewSession, SessionStatus};
use crate::domain::{audit, now, Language};
use crate::error::AppError;
use crate::i18n::Locale;

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

/// A small deterministic generator (splitmix64), so the demo is the same on every machine.
pub(crate) struct Dice(pub(crate) u64);

impl Dice {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
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

pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

/// A Brussels wall-clock time on `day`, in UTC as stored.
pub(crate) fn brussels(day: NaiveDate, hour: u32, minute: u32) -> NaiveDateTime {
    let local = day.and_time(NaiveTime::from_hms_opt(hour, minute, 0).expect("valid time"));
    Brussels
        .from_local_datetime(&local)
        .earliest()
        .expect("no gap at office hours")
        .naive_utc()
}

pub(crate) const FIRST_NAMES_FR: &[&str] = &[
    "Sophie", "Marc", "Julie", "Thomas", "Nathalie", "Karim", "Fatima", "Claire", "Luc", "Amina",
    "Youssef", "Sarah", "Kevin", "Ines", "Olivier", "Camille",
];
pub(crate) const FIRST_NAMES_NL: &[&str] = &[
    "Pieter", "Lotte", "Jan", "Els", "Bram", "Wim", "An", "Koen", "Sofie", "Joris", "Hanne", "Tom",
];
pub(crate) const FIRST_NAMES_EN: &[&str] = &["Anna", "David", "Maria", "John", "Elena", "Paul"];
pub(crate) const LAST_NAMES: &[&str] = &[
    "Dubois",
    "Peeters",
    "Janssens",
    "Lambert",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "Dupont",
    "Martin",
    "Leclercq",
    "Renard",
    "Simon",
    "Laurent",
    "Hermans",
    "Michiels",
    "Verstraeten",
    "Benali",
    "Diallo",
    "Nowak",
    "Rossi",
    "ElAmrani",
    "Vandenberghe",
];

/// Staff profiles, each with its job title in French and Dutch.
pub(crate) const PROFILES: &[(&str, &str, &str)] = &[
    ("finance", "Agent comptable", "Boekhouder"),
    ("hr", "Gestionnaire RH", "HR-medewerker"),
    ("social", "Assistant social", "Maatschappelijk werker"),
    ("front-office", "Agent d'accueil", "Onthaalmedewerker"),
    ("management", "Chef de service", "Diensthoofd"),
    ("it", "Informaticien", "Informaticus"),
];

/// The communes that go live with CRM early in 2027.
pub(crate) const CRM_PIONEERS: [&str; 6] = [
    "anderlecht",
    "bruxelles",
    "ixelles",
    "jette",
    "schaerbeek",
    "uccle",
];

/// The profile whose people make the best key users for each domain.
pub(crate) fn key_user_profile(domain: &str) -> &'static str {
    match domain {
        "finance" => "finance",
        "soft-hr" | "hard-hr" => "hr",
        "social" => "social",
        _ => "front-office",
    }
}

struct DemoModule {
    id: i64,
}

struct DomainModules {
    domain_id: i64,
    domain: String,
    basics: DemoModule,
    train_the_trainer: DemoModule,
    everyday_use: DemoModule,
    reports: DemoModule,
}

#[derive(Clone)]
struct DemoPerson {
    id: i64,
    organization_id: i64,
    language: PersonLanguage,
    profile: &'static str,
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
    fn person(
        &mut self,
        organization_id: i64,
        org_code: &str,
        full_name: &str,
        email: Option<String>,
        language: PersonLanguage,
        profile: &'static str,
    ) -> Result<DemoPerson, AppError> {
        let title = PROFILES.iter().find(|p| p.0 == profile).map(|p| {
            if language == PersonLanguage::Nl {
                p.2
            } else {
                p.1
            }
        });
        let email = email.unwrap_or_else(|| {
            let ascii: String = full_name.to_lowercase().replace(' ', ".");
            format!("{ascii}@{org_code}.example")
        });
        let id = people::insert(
            self.conn,
            NewPerson {
                organization_id,
                full_name,
                email: Some(&email),
                job_title: title,
                profile: Some(profile),
                language,
            },
        )?;
        Ok(DemoPerson {
            id,
            organization_id,
            language,
            profile,
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
        requires_approval: bool,
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
            requires_approval,
        })
    }

    /// Enrols a person as the rules would: a seat while there is one (attended or absent once
    /// the session is over), else the waiting list; pending where the organisation approves.
    fn enrol(
        &mut self,
        session: &mut DemoSession,
        person_id: i64,
        assessed: bool,
    ) -> Result<EnrollmentStatus, AppError> {
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
        enrollments::insert(
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
        Ok(status)
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

fn fill(loader: &mut Loader<'_>) -> Result<DemoSummary, AppError> {
    let all_orgs = orgs::all(loader.conn)?;
    let school = all_orgs
        .iter()
        .find(|o| o.code == SCHOOL_CODE)
        .ok_or(AppError::NotFound)?
        .id;
    let integrator = orgs::ensure(
        loader.conn,
        NewOrganization {
            code: "integrator-demo",
            kind: OrganizationKind::Integrator,
            nis_code: None,
            name_fr: "Intégrateur (démo)",
            name_nl: "Integrator (demo)",
            requires_enrollment_approval: false,
        },
    )?;
    for code in ["schaerbeek", "cpas-bruxelles"] {
        diesel::update(organizations::table.filter(organizations::code.eq(code)))
            .set(organizations::requires_enrollment_approval.eq(true))
            .execute(loader.conn)?;
    }
    let authorities: Vec<_> = all_orgs
        .iter()
        .filter(|o| matches!(o.kind, OrganizationKind::Commune | OrganizationKind::Cpas))
        .cloned()
        .collect();
    let approval: HashMap<i64, bool> = authorities
        .iter()
        .map(|o| {
            (
                o.id,
                matches!(o.code.as_str(), "schaerbeek" | "cpas-bruxelles"),
            )
        })
        .collect();
    let domains = catalogue::all_domains(loader.conn)?;
    let domain_ids: HashMap<String, i64> = domains.iter().map(|d| (d.code.clone(), d.id)).collect();

    // Memberships: the 2021 intentions turn into memberships with go-lives spread from Q2 2024
    // to the end of 2025; a few stay ahead, early in 2027.
    let existing: Vec<(i64, i64, String)> = memberships::table
        .select((
            memberships::organization_id,
            memberships::domain_id,
            memberships::status,
        ))
        .load(loader.conn)?;
    let n = authorities.len() as i64;
    for (index, org) in authorities.iter().enumerate() {
        let index = index as i64;
        let finance_live = date(2024, 4, 15) + Duration::days(index * 600 / n);
        for (org_id, domain_id, status) in existing.iter().filter(|m| m.0 == org.id) {
            let domain = domains
                .iter()
                .find(|d| d.id == *domain_id)
                .map(|d| d.code.as_str())
                .unwrap_or("");
            let go_live = match domain {
                "finance" => finance_live,
                "soft-hr" => (finance_live + Duration::days(45)).min(date(2025, 12, 15)),
                "hard-hr" if index % 12 == 5 => date(2027, 1, 18) + Duration::days(index),
                "hard-hr" => (finance_live + Duration::days(90)).min(date(2025, 12, 15)),
                "social" => date(2025, 3, 1) + Duration::days(index * 9),
                _ => continue,
            };
            let status = match status.as_str() {
                "intended" if go_live > date(2026, 12, 31) => MembershipStatus::Intended,
                "intended" | "joined" => MembershipStatus::Joined,
                _ => continue,
            };
            orgs::set_membership(
                loader.conn,
                *org_id,
                *domain_id,
                MembershipChange {
                    status,
                    status_since: date(2023, 12, 15).min(go_live),
                    go_live_on: Some(go_live),
                    required_key_users: if org.kind == OrganizationKind::Cpas && domain == "social"
                    {
                        3
                    } else {
                        2
                    },
                },
            )?;
        }
        // CRM: six communes ahead of the pack, going live in the coming months.
        if CRM_PIONEERS.contains(&org.code.as_str()) {
            orgs::set_membership(
                loader.conn,
                org.id,
                domain_ids["crm"],
                MembershipChange {
                    status: MembershipStatus::Intended,
                    status_since: date(2025, 6, 1),
                    go_live_on: Some(date(2027, 1, 11) + Duration::days(index * 4)),
                    required_key_users: 2,
                },
            )?;
        }
    }

    // Venues.
    let main_room = catalogue::insert_venue(
        loader.conn,
        NewVenue {
            name: "ERAP — Salle Iris / Iriszaal",
            address: "Boulevard du Jardin Botanique 20, 1000 Bruxelles",
            seats: 16,
        },
    )?;
    let lab = catalogue::insert_venue(
        loader.conn,
        NewVenue {
            name: "ERAP — Salle informatique / Computerlokaal",
            address: "Boulevard du Jardin Botanique 20, 1000 Bruxelles",
            seats: 12,
        },
    )?;
    catalogue::insert_venue(
        loader.conn,
        NewVenue {
            name: "Centre de formation Sud / Opleidingscentrum Zuid",
            address: "Rue de Fiennes 77, 1070 Anderlecht",
            seats: 24,
        },
    )?;

    // Modules: per domain, two for key users (the second certifies trainers) and two for the
    // cascade.
    let mut catalogue_by_domain = Vec::new();
    for domain in &domains {
        let prefix = match domain.code.as_str() {
            "finance" => "FIN",
            "soft-hr" => "SHR",
            "hard-hr" => "HHR",
            "social" => "SOC",
            _ => "CRM",
        };
        let module = |loader: &mut Loader<'_>,
                      suffix: &str,
                      title_fr: String,
                      title_nl: String,
                      tier: Tier,
                      minutes: i32,
                      prerequisite: Option<i64>,
                      certifies: bool|
         -> Result<DemoModule, AppError> {
            let code = format!("{prefix}-{suffix}");
            let id = catalogue::insert_module(
                loader.conn,
                NewModule {
                    domain_id: domain.id,
                    code: &code,
                    title_fr: &title_fr,
                    title_nl: &title_nl,
                    description_fr: &format!("{} — {}", domain.name_fr, title_fr),
                    description_nl: &format!("{} — {}", domain.name_nl, title_nl),
                    tier,
                    duration_minutes: minutes,
                    prerequisite_module_id: prerequisite,
                    certifies_trainer: certifies,
                    assessed: certifies,
                },
            )?;
            Ok(DemoModule { id })
        };
        let basics = module(
            loader,
            "KU1",
            format!("{} : fondamentaux pour utilisateurs clés", domain.name_fr),
            format!("{}: basisopleiding voor sleutelgebruikers", domain.name_nl),
            Tier::Trainer,
            420,
            None,
            false,
        )?;
        let train_the_trainer = module(
            loader,
            "KU2",
            format!("{} : former les formateurs", domain.name_fr),
            format!("{}: train de trainer", domain.name_nl),
            Tier::Trainer,
            420,
            Some(basics.id),
            true,
        )?;
        let everyday_use = module(
            loader,
            "EU1",
            format!("{} : utilisation au quotidien", domain.name_fr),
            format!("{}: dagelijks gebruik", domain.name_nl),
            Tier::EndUser,
            180,
            None,
            false,
        )?;
        let reports = module(
            loader,
            "EU2",
            format!("{} : rapports et suivi", domain.name_fr),
            format!("{}: rapporten en opvolging", domain.name_nl),
            Tier::EndUser,
            120,
            Some(everyday_use.id),
            false,
        )?;
        catalogue_by_domain.push(DomainModules {
            domain_id: domain.id,
            domain: domain.code.clone(),
            basics,
            train_the_trainer,
            everyday_use,
            reports,
        });
    }

    // People: the school's and the integrator's trainers, then the staff of every authority.
    let mut trainers = Vec::new();
    for (i, (name, language)) in [
        ("Véronique Lemaire", PersonLanguage::Fr),
        ("Hendrik De Smet", PersonLanguage::Nl),
        ("Isabelle Fontaine", PersonLanguage::Fr),
        ("Griet Vermeulen", PersonLanguage::Nl),
        ("Michel Gérard", PersonLanguage::Fr),
    ]
    .into_iter()
    .enumerate()
    {
        trainers.push(loader.person(
            school,
            "erap",
            name,
            Some(format!("trainer{}@erap.example", i + 1)),
            language,
            "management",
        )?);
    }
    for (i, (name, language)) in [
        ("Laura Schmidt", PersonLanguage::En),
        ("Nicolas Pirard", PersonLanguage::Fr),
    ]
    .into_iter()
    .enumerate()
    {
        trainers.push(loader.person(
            integrator,
            "integrator-demo",
            name,
            Some(format!("trainer{}@integrator-demo.example", i + 1)),
            language,
            "it",
        )?);
    }
    let mut staff: HashMap<i64, Vec<DemoPerson>> = HashMap::new();
    let mut people_count = trainers.len();
    for (index, org) in authorities.iter().enumerate() {
        let mut list = Vec::new();
        // The named people behind the demo sign-ins come first in their organisation.
        match org.code.as_str() {
            "anderlecht" => {
                list.push(loader.person(
                    org.id,
                    &org.code,
                    "Karim Benali",
                    Some("key.user@anderlecht.example".into()),
                    PersonLanguage::Fr,
                    "finance",
                )?);
                list.push(loader.person(
                    org.id,
                    &org.code,
                    "Nathalie Dubois",
                    Some("hr@anderlecht.example".into()),
                    PersonLanguage::Fr,
                    "hr",
                )?);
            }
            "cpas-jette" => {
                list.push(loader.person(
                    org.id,
                    &org.code,
                    "Pieter Claes",
                    Some("key.user@cpas-jette.example".into()),
                    PersonLanguage::Nl,
                    "social",
                )?);
                list.push(loader.person(
                    org.id,
                    &org.code,
                    "Els Peeters",
                    Some("hr@cpas-jette.example".into()),
                    PersonLanguage::Nl,
                    "hr",
                )?);
            }
            _ => {}
        }
        let headcount = 10 + (index % 5) * 3;
        for k in 0..headcount {
            let roll = loader.dice.below(100);
            let language = if roll < 58 {
                PersonLanguage::Fr
            } else if roll < 90 {
                PersonLanguage::Nl
            } else {
                PersonLanguage::En
            };
            let first_names = match language {
                PersonLanguage::Fr => FIRST_NAMES_FR,
                PersonLanguage::Nl => FIRST_NAMES_NL,
                PersonLanguage::En => FIRST_NAMES_EN,
            };
            let first = first_names[loader.dice.below(first_names.len())];
            let last = LAST_NAMES[loader.dice.below(LAST_NAMES.len())];
            let profile = PROFILES[(k + index) % PROFILES.len()].0;
            let email = format!(
                "{}.{}.{}@{}.example",
                first.to_lowercase(),
                last.to_lowercase(),
                k + 1,
                org.code
            );
            list.push(loader.person(
                org.id,
                &org.code,
                &format!("{first} {last}"),
                Some(email),
                language,
                profile,
            )?);
        }
        people_count += list.len();
        staff.insert(org.id, list);
    }

    // Key users: for every domain an organisation joined or intends to join, two (three for
    // the CPAS in Social) of its staff, preferring the profile the domain needs.
    let live_memberships: Vec<(i64, i64, String, Option<NaiveDate>, i32)> = memberships::table
        .filter(memberships::status.eq_any(crate::domain::rules::joined_or_intended_codes()))
        .select((
            memberships::organization_id,
            memberships::domain_id,
            memberships::status,
            memberships::go_live_on,
            memberships::required_key_users,
        ))
        .order((memberships::go_live_on.asc(), memberships::organization_id))
        .load(loader.conn)?;
    let mut key_users_by_domain: HashMap<i64, Vec<(DemoPerson, i64, Option<NaiveDate>)>> =
        HashMap::new();
    let mut designated: BTreeSet<i64> = BTreeSet::new();
    for (org_id, domain_id, _status, go_live, required) in &live_memberships {
        let domain = &catalogue_by_domain
            .iter()
            .find(|m| m.domain_id == *domain_id)
            .expect("domain modules")
            .domain;
        let wanted = key_user_profile(domain);
        let Some(list) = staff.get(org_id) else {
            continue;
        };
        let mut candidates: Vec<&DemoPerson> = list
            .iter()
            .filter(|p| p.profile == wanted && !designated.contains(&p.id))
            .collect();
        candidates.extend(
            list.iter().filter(|p| {
                p.profile != wanted && p.profile != "hr" && !designated.contains(&p.id)
            }),
        );
        let extra = usize::from(domain == "crm");
        for person in candidates.into_iter().take(*required as usize + extra) {
            let lead_time = if domain == "crm" { 100 } else { 300 };
            let designated_on = go_live
                .map(|d| d - Duration::days(lead_time))
                .unwrap_or(date(2024, 1, 15))
                .max(date(2023, 9, 1));
            let key_user_id = cascade::insert_key_user(
                loader.conn,
                NewKeyUser {
                    person_id: person.id,
                    domain_id: *domain_id,
                    status: KeyUserStatus::Nominated,
                    designated_by: None,
                    designated_on,
                    certified_on: None,
                },
            )?;
            designated.insert(person.id);
            key_users_by_domain.entry(*domain_id).or_default().push((
                person.clone(),
                key_user_id,
                Some(designated_on),
            ));
        }
    }

    // Trainer-tier sessions at the school: every quarter from the domain's launch, the basics in
    // French and in Dutch and the train-the-trainer module in both languages at once.
    let mut summary_sessions = Vec::new();
    for (d, modules) in catalogue_by_domain.iter().enumerate() {
        let first_quarter = match modules.domain.as_str() {
            "social" => date(2024, 10, 1),
            "crm" => date(2026, 12, 1),
            _ => date(2023, 9, 1),
        };
        let mut basics = Vec::new();
        let mut advanced = Vec::new();
        let mut quarter = first_quarter;
        let mut q = 0usize;
        while quarter < date(2027, 4, 1) {
            for (offset, module, language, trainer) in [
                (
                    7 + d as i64 * 3,
                    modules.basics.id,
                    Language::Fr,
                    &trainers[(q + d) % 5],
                ),
                (
                    21 + d as i64 * 3,
                    modules.basics.id,
                    Language::Nl,
                    &trainers[1 + 2 * ((q + d) % 2)],
                ),
                (
                    45 + d as i64 * 3,
                    modules.train_the_trainer.id,
                    Language::Bilingual,
                    &trainers[if q % 3 == 2 { 5 } else { (q + 2 * d) % 5 }],
                ),
            ] {
                let day = loader.calendar.book(quarter + Duration::days(offset));
                let venue = if module == modules.basics.id {
                    lab
                } else {
                    main_room
                };
                let start = brussels(day, 9, 0);
                let status = if start < loader.now {
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
                // CRM's small first sessions fill up: the demo shows a waiting list.
                let capacity = if modules.domain == "crm" { 8 } else { 12 };
                let session = loader.session(
                    module,
                    school,
                    trainer.id,
                    Some(venue),
                    None,
                    language,
                    day,
                    capacity,
                    status,
                    false,
                )?;
                if module == modules.basics.id {
                    basics.push(session)
                } else {
                    advanced.push(session)
                }
            }
            quarter = quarter
                .checked_add_months(chrono::Months::new(3))
                .expect("date in range");
            q += 1;
        }

        // Key users take the basics, then the train-the-trainer module, in the first open
        // session of their language after their designation.
        let key_users = key_users_by_domain
            .get(&modules.domain_id)
            .cloned()
            .unwrap_or_default();
        let mut certified = Vec::new();
        for (person, key_user_id, designated_on) in &key_users {
            let since = brussels(designated_on.unwrap_or(date(2023, 9, 1)), 0, 0);
            let approval_needed = approval
                .get(&person.organization_id)
                .copied()
                .unwrap_or(false);
            // CRM key users all want the first session before go-live: it fills and the rest wait.
            let rush = modules.domain == "crm";
            let Some(first) = basics.iter_mut().find(|s| {
                s.open()
                    && s.starts_at >= since
                    && s.serves(person.language)
                    && (rush || s.seats_taken < s.capacity)
            }) else {
                continue;
            };
            first.requires_approval = approval_needed;
            let first_status = loader.enrol(first, person.id, false)?;
            first.requires_approval = false;
            let first_end = first.ends_at;
            let mut status = KeyUserStatus::InTraining;
            let mut certified_on = None;
            if first_status == EnrollmentStatus::Attended {
                if let Some(second) = advanced.iter_mut().find(|s| {
                    s.open()
                        && s.starts_at > first_end
                        && s.serves(person.language)
                        && s.seats_taken < s.capacity
                }) {
                    let second_status = loader.enrol(second, person.id, true)?;
                    if second_status == EnrollmentStatus::Attended {
                        let passed = enrolled_passed(loader.conn, second.id, person.id)?;
                        if passed {
                            status = KeyUserStatus::Certified;
                            certified_on = Some(second.ends_at.date());
                            certified.push((person.clone(), second.ends_at.date()));
                        }
                    }
                }
            } else if matches!(
                first_status,
                EnrollmentStatus::Absent
                    | EnrollmentStatus::Waitlisted
                    | EnrollmentStatus::PendingApproval
            ) {
                status = KeyUserStatus::Nominated;
            }
            set_key_user(loader.conn, *key_user_id, status, certified_on)?;
        }
        loader.save_seats(&basics)?;
        loader.save_seats(&advanced)?;
        summary_sessions.push((modules.domain.clone(), certified));
    }

    // Cascade sessions: the first certified key user of each organisation and domain trains
    // colleagues of its own organisation, a month or so after certification.
    let mut cascaded: BTreeSet<(i64, String)> = BTreeSet::new();
    for (domain, certified) in &summary_sessions {
        let modules = catalogue_by_domain
            .iter()
            .find(|m| &m.domain == domain)
            .expect("modules");
        for (trainer, certified_on) in certified {
            if !cascaded.insert((trainer.organization_id, domain.clone())) {
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
            let url = format!("https://visio.example/{}/{}", domain, loader.sessions + 1);
            let start = brussels(day, 9, 0);
            let status = if start < loader.now {
                SessionStatus::Completed
            } else {
                SessionStatus::Published
            };
            let mut session = loader.session(
                modules.everyday_use.id,
                trainer.organization_id,
                trainer.id,
                None,
                Some(&url),
                language,
                day,
                10,
                status,
                false,
            )?;
            let colleagues: Vec<DemoPerson> = staff[&trainer.organization_id]
                .iter()
                .filter(|p| {
                    p.id != trainer.id && !designated.contains(&p.id) && session.serves(p.language)
                })
                .take(8)
                .cloned()
                .collect();
            for colleague in &colleagues {
                loader.enrol(&mut session, colleague.id, false)?;
            }
            loader.save_seats(std::slice::from_ref(&session))?;
        }
    }

    // Plans: each organisation's collective plan for 2025 and 2026 (everyday use of every
    // domain it joined, for half its staff) and individual plans for a few of its staff.
    for org in &authorities {
        let joined: Vec<(i64, Option<NaiveDate>)> = live_memberships
            .iter()
            .filter(|m| m.0 == org.id)
            .map(|m| (m.1, m.3))
            .collect();
        if joined.is_empty() {
            continue;
        }
        let headcount = staff[&org.id].len() as i32;
        for year in [2025, 2026] {
            let status = if year == 2025 {
                PlanStatus::Agreed
            } else {
                PlanStatus::Draft
            };
            let plan = plans::insert_collective_plan(loader.conn, org.id, year, status)?;
            for (domain_id, go_live) in &joined {
                let modules = catalogue_by_domain
                    .iter()
                    .find(|m| m.domain_id == *domain_id)
                    .expect("modules");
                let due = go_live
                    .filter(|d| d.year() == year)
                    .unwrap_or(date(year, 12, 31));
                plans::insert_target(
                    loader.conn,
                    NewTarget {
                        plan_id: plan,
                        module_id: modules.everyday_use.id,
                        profile: None,
                        headcount: headcount / 2,
                        due_on: Some(due),
                    },
                )?;
                if year == 2026 {
                    plans::insert_target(
                        loader.conn,
                        NewTarget {
                            plan_id: plan,
                            module_id: modules.reports.id,
                            profile: Some(key_user_profile(&modules.domain)),
                            headcount: 2,
                            due_on: Some(date(2026, 12, 31)),
                        },
                    )?;
                }
            }
        }
        for (k, person) in staff[&org.id]
            .iter()
            .filter(|p| !designated.contains(&p.id))
            .take(4)
            .enumerate()
        {
            let plan = plans::insert_individual_plan(
                loader.conn,
                person.id,
                2026,
                if k % 2 == 0 {
                    PlanStatus::Agreed
                } else {
                    PlanStatus::Draft
                },
            )?;
            for (j, (domain_id, _)) in joined.iter().take(2).enumerate() {
                let modules = catalogue_by_domain
                    .iter()
                    .find(|m| m.domain_id == *domain_id)
                    .expect("modules");
                let module = if j == 0 {
                    &modules.everyday_use
                } else {
                    &modules.reports
                };
                plans::insert_plan_item(
                    loader.conn,
                    NewPlanItem {
                        plan_id: plan,
                        module_id: module.id,
                        target_on: Some(date(2026, 3 + 3 * j as u32 + (k as u32 % 3), 15)),
                        priority: 1 + (k as i32 % 3),
                        note: None,
                    },
                )?;
            }
        }
    }

    Ok(DemoSummary {
        loaded: true,
        people: people_count,
        sessions: loader.sessions,
        enrollments: loader.enrollments,
    })
}

fn enrolled_passed(conn: &mut DbConn, session_id: i64, person_id: i64) -> Result<bool, AppError> {
    use crate::db::schema::enrollments;
    Ok(enrollments::table
        .filter(enrollments::session_id.eq(session_id))
        .filter(enrollments::person_id.eq(person_id))
        .select(enrollments::passed)
        .first::<Option<bool>>(conn)?
        .unwrap_or(false))
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
