//! Small worlds built by hand through the domain's own insert functions (fast, and free of the
//! clock: a session can be attended in any year), for tests that check every number.

use chrono::{NaiveDate, NaiveDateTime};
use formation::db::DbConn;
use formation::domain::accounts::{self, AccountRequest, FirstPassword, Role};
use formation::domain::cascade::{self, KeyUserStatus, NewKeyUser};
use formation::domain::catalogue::{self, NewModule, Tier};
use formation::domain::enrollments::{self, EnrollmentStatus, NewEnrollment};
use formation::domain::organizations::{MembershipChange, MembershipStatus};
use formation::domain::people::{self, NewPerson, PersonLanguage};
use formation::domain::plans::{self, NewPlanItem, PlanStatus};
use formation::domain::sessions::{self, NewSession, SessionStatus};
use formation::domain::Language;

pub const PASSWORD: &str = "capacity passphrase";

pub fn utc(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
}

pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

pub fn person(
    conn: &mut DbConn,
    organization_id: i64,
    name: &str,
    language: PersonLanguage,
    profile: &str,
) -> i64 {
    people::insert(
        conn,
        NewPerson {
            organization_id,
            full_name: name,
            email: Some(&format!("{name}@capacity.example")),
            job_title: None,
            profile: Some(profile),
            language,
        },
    )
    .unwrap()
}

/// A module of `domain`, titled by its code.
pub fn module(conn: &mut DbConn, domain: &str, code: &str, tier: Tier, assessed: bool) -> i64 {
    module_with(conn, domain, code, tier, assessed, false)
}

/// A module that certifies the trainers of its domain (and so is assessed).
pub fn certifying_module(conn: &mut DbConn, domain: &str, code: &str) -> i64 {
    module_with(conn, domain, code, Tier::Trainer, true, true)
}

fn module_with(
    conn: &mut DbConn,
    domain: &str,
    code: &str,
    tier: Tier,
    assessed: bool,
    certifies_trainer: bool,
) -> i64 {
    let domain_id = catalogue::domain_id_by_code(conn, domain).unwrap().unwrap();
    catalogue::insert_module(
        conn,
        NewModule {
            domain_id,
            code,
            title_fr: code,
            title_nl: code,
            description_fr: "",
            description_nl: "",
            tier,
            duration_minutes: 180,
            prerequisite_module_id: None,
            certifies_trainer,
            assessed,
        },
    )
    .unwrap()
}

#[allow(clippy::too_many_arguments)]
pub fn session(
    conn: &mut DbConn,
    module_id: i64,
    organizer_id: i64,
    language: Language,
    starts_at: &str,
    capacity: i32,
    seats_taken: i32,
    status: SessionStatus,
) -> i64 {
    let starts_at = utc(starts_at);
    sessions::insert(
        conn,
        NewSession {
            module_id,
            organizer_id,
            trainer_person_id: None,
            venue_id: None,
            online_url: Some("https://visio.example/capacity"),
            language,
            starts_at,
            ends_at: starts_at + chrono::Duration::hours(3),
            registration_closes_at: starts_at - chrono::Duration::days(1),
            capacity,
            seats_taken,
            status,
            created_by: None,
        },
    )
    .unwrap()
}

pub fn enroll(conn: &mut DbConn, session_id: i64, person_id: i64, status: EnrollmentStatus) {
    enroll_with(conn, session_id, person_id, status, None);
}

/// An enrolment with its result (`passed`), as attendance would leave it; its id.
pub fn enroll_with(
    conn: &mut DbConn,
    session_id: i64,
    person_id: i64,
    status: EnrollmentStatus,
    passed: Option<bool>,
) -> i64 {
    enrollments::insert(
        conn,
        NewEnrollment {
            session_id,
            person_id,
            status,
            passed,
            requested_by: None,
            created_at: utc("2030-12-01 10:00"),
            decided_at: None,
        },
    )
    .unwrap()
}

/// Makes a person the trainer of a session.
pub fn set_trainer(conn: &mut DbConn, session_id: i64, person_id: i64) {
    use diesel::prelude::*;
    use formation::db::schema::training_sessions;
    diesel::update(training_sessions::table.find(session_id))
        .set(training_sessions::trainer_person_id.eq(person_id))
        .execute(conn)
        .unwrap();
}

pub fn plan_item(conn: &mut DbConn, person_id: i64, module_id: i64, target_on: &str) {
    let year = chrono::Datelike::year(&day(target_on));
    let plan_id = plans::insert_individual_plan(conn, person_id, year, PlanStatus::Agreed).unwrap();
    plans::insert_plan_item(
        conn,
        NewPlanItem {
            plan_id,
            module_id,
            target_on: Some(day(target_on)),
            priority: 1,
            note: None,
        },
    )
    .unwrap();
}

pub fn key_user(conn: &mut DbConn, person_id: i64, domain_id: i64, status: KeyUserStatus) {
    cascade::insert_key_user(
        conn,
        NewKeyUser {
            person_id,
            domain_id,
            status,
            designated_by: None,
            designated_on: day("2030-09-01"),
            certified_on: (status == KeyUserStatus::Certified).then(|| day("2030-10-01")),
        },
    )
    .unwrap();
}

/// The staff accounts of these worlds: a planner, HR of Anderlecht and of Ixelles.
pub fn staff_accounts(conn: &mut DbConn) {
    for (email, role, organization) in [
        ("planner@erap.example", Role::Planner, None),
        ("hr@anderlecht.example", Role::Hr, Some("anderlecht")),
        ("hr@ixelles.example", Role::Hr, Some("ixelles")),
    ] {
        accounts::create(
            conn,
            None,
            &AccountRequest {
                email: Some(email.into()),
                role,
                organization_code: organization.map(str::to_owned),
                person_id: None,
                password: FirstPassword::Given(PASSWORD.into()),
                locale: None,
            },
            "",
        )
        .unwrap();
    }
}

/// A small world in one fluent call, every row named for the test that reads it:
///
/// ```ignore
/// let names = World::new(&mut conn)
///     .membership("anderlecht", "finance", MembershipStatus::Joined, "2031-06-01", 2)
///     .module("FIN-EU", "finance", Tier::EndUser)
///     .person("anne", "anderlecht", "finance")
///     .session("s1", "FIN-EU", "anderlecht", "2030-03-10 08:00", 10, SessionStatus::Completed)
///     .given_by("s1", "anne")
///     .enrolled("s1", "bob", EnrollmentStatus::Attended, None)
///     .build();
/// let anne = names.id("anne");
/// ```
///
/// Organisations are named by their codes, modules by theirs. A session's seat counter follows
/// the enrolments that hold a seat, as the app keeps it.
pub struct World<'c> {
    conn: &'c mut DbConn,
    names: Names,
}

/// The ids of a built world, by name.
#[derive(Debug, Default)]
pub struct Names(std::collections::HashMap<String, i64>);

impl Names {
    pub fn id(&self, name: &str) -> i64 {
        *self
            .0
            .get(name)
            .unwrap_or_else(|| panic!("nothing named {name:?} in this world"))
    }
}

impl<'c> World<'c> {
    pub fn new(conn: &'c mut DbConn) -> Self {
        World {
            conn,
            names: Names::default(),
        }
    }

    /// The ids, once everything is in.
    pub fn build(self) -> Names {
        self.names
    }

    fn name(&mut self, name: &str, id: i64) {
        assert!(
            self.names.0.insert(name.to_owned(), id).is_none(),
            "{name:?} is named twice in this world"
        );
    }

    /// An organisation of the reference data, by code (known once named or used).
    fn organization(&mut self, code: &str) -> i64 {
        if let Some(id) = self.names.0.get(code) {
            return *id;
        }
        let id = formation::domain::organizations::id_by_code(self.conn, code)
            .unwrap()
            .unwrap_or_else(|| panic!("no organisation {code:?}"));
        self.name(code, id);
        id
    }

    fn domain(&mut self, code: &str) -> i64 {
        catalogue::domain_id_by_code(self.conn, code)
            .unwrap()
            .unwrap_or_else(|| panic!("no domain {code:?}"))
    }

    /// The organisation joins (or intends to join) the domain, going live on `go_live_on`.
    pub fn membership(
        mut self,
        organization: &str,
        domain: &str,
        status: MembershipStatus,
        go_live_on: &str,
        required_key_users: i32,
    ) -> Self {
        let (organization, domain) = (self.organization(organization), self.domain(domain));
        let change = MembershipChange {
            status,
            status_since: day(go_live_on) - chrono::Duration::days(365),
            go_live_on: Some(day(go_live_on)),
            required_key_users,
        };
        formation::domain::organizations::set_membership(self.conn, organization, domain, change)
            .unwrap();
        self
    }

    /// A module of `domain`, titled by its code, not assessed.
    pub fn module(mut self, code: &str, domain: &str, tier: Tier) -> Self {
        let id = module(self.conn, domain, code, tier, false);
        self.name(code, id);
        self
    }

    /// A module whose attendees pass or fail.
    pub fn assessed_module(mut self, code: &str, domain: &str, tier: Tier) -> Self {
        let id = module(self.conn, domain, code, tier, true);
        self.name(code, id);
        self
    }

    /// A trainer-tier module that certifies the trainers of its domain (and so is assessed).
    pub fn certifying_module(mut self, code: &str, domain: &str) -> Self {
        let id = certifying_module(self.conn, domain, code);
        self.name(code, id);
        self
    }

    /// A French-speaking person of the organisation, with a profile.
    pub fn person(mut self, name: &str, organization: &str, profile: &str) -> Self {
        let organization = self.organization(organization);
        let id = person(self.conn, organization, name, PersonLanguage::Fr, profile);
        self.name(name, id);
        self
    }

    /// The person works in `language` (French unless said).
    pub fn speaking(self, person: &str, language: PersonLanguage) -> Self {
        use diesel::prelude::*;
        use formation::db::schema::people;
        diesel::update(people::table.find(self.names.id(person)))
            .set(people::language.eq(language.as_str()))
            .execute(self.conn)
            .unwrap();
        self
    }

    /// The person has left: inactive, as HR leaves them.
    pub fn inactive(self, person: &str) -> Self {
        use diesel::prelude::*;
        use formation::db::schema::people;
        diesel::update(people::table.find(self.names.id(person)))
            .set(people::active.eq(false))
            .execute(self.conn)
            .unwrap();
        self
    }

    /// Several people of one organisation and profile.
    pub fn people(self, names: &[&str], organization: &str, profile: &str) -> Self {
        names.iter().fold(self, |world, name| {
            world.person(name, organization, profile)
        })
    }

    /// The person is a key user of the domain (certified ones on 2030-10-01).
    pub fn key_user(mut self, person: &str, domain: &str, status: KeyUserStatus) -> Self {
        let (person, domain) = (self.names.id(person), self.domain(domain));
        key_user(self.conn, person, domain, status);
        self
    }

    /// A three-hour French session of `module`, online, organised by `organizer`.
    pub fn session(
        mut self,
        name: &str,
        module: &str,
        organizer: &str,
        starts_at: &str,
        capacity: i32,
        status: SessionStatus,
    ) -> Self {
        let (module, organizer) = (self.names.id(module), self.organization(organizer));
        let id = session(
            self.conn,
            module,
            organizer,
            Language::Fr,
            starts_at,
            capacity,
            0,
            status,
        );
        self.name(name, id);
        self
    }

    /// The session is given in `language` (French unless said).
    pub fn in_language(self, session: &str, language: Language) -> Self {
        use diesel::prelude::*;
        use formation::db::schema::training_sessions;
        diesel::update(training_sessions::table.find(self.names.id(session)))
            .set(training_sessions::language.eq(language.as_str()))
            .execute(self.conn)
            .unwrap();
        self
    }

    /// The person gives the session.
    pub fn given_by(self, session: &str, person: &str) -> Self {
        set_trainer(self.conn, self.names.id(session), self.names.id(person));
        self
    }

    /// The person's enrolment in the session, with its result; a seat it holds is counted.
    pub fn enrolled(
        self,
        session: &str,
        person: &str,
        status: EnrollmentStatus,
        passed: Option<bool>,
    ) -> Self {
        use diesel::prelude::*;
        use formation::db::schema::training_sessions;
        let session = self.names.id(session);
        enroll_with(self.conn, session, self.names.id(person), status, passed);
        if status.holds_seat() {
            diesel::update(training_sessions::table.find(session))
                .set(training_sessions::seats_taken.eq(training_sessions::seats_taken + 1))
                .execute(self.conn)
                .unwrap();
        }
        self
    }

    /// An item of the person's agreed plan for the year of `target_on`.
    pub fn plan_item(self, person: &str, module: &str, target_on: &str) -> Self {
        plan_item(
            self.conn,
            self.names.id(person),
            self.names.id(module),
            target_on,
        );
        self
    }

    /// An agreed collective plan of the organisation for the year of `due_on`, with one
    /// target: `headcount` people (of `profile`, if any) trained in `module` by then.
    pub fn target(
        mut self,
        organization: &str,
        module: &str,
        profile: Option<&str>,
        headcount: i32,
        due_on: &str,
    ) -> Self {
        let organization = self.organization(organization);
        let year = chrono::Datelike::year(&day(due_on));
        let plan_id =
            plans::insert_collective_plan(self.conn, organization, year, PlanStatus::Agreed)
                .unwrap();
        let target = plans::NewTarget {
            plan_id,
            module_id: self.names.id(module),
            profile,
            headcount,
            due_on: Some(day(due_on)),
        };
        plans::insert_target(self.conn, target).unwrap();
        self
    }
}
