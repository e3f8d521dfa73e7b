//! Small worlds built by hand through the domain's own insert functions (fast, and free of the
//! clock: a session can be attended in any year), for tests that check every number.

use chrono::{NaiveDate, NaiveDateTime};
use formation::db::DbConn;
use formation::domain::accounts::{self, AccountRequest, FirstPassword, Role};
use formation::domain::cascade::{self, KeyUserStatus, NewKeyUser};
use formation::domain::catalogue::{self, NewModule, Tier};
use formation::domain::enrollments::{self, EnrollmentStatus, NewEnrollment};
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
