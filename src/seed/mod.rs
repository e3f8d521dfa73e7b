//! The generated worlds: the demonstration data set (`demo`, a few hundred people chosen so that
//! every page shows something) and the load-test data set (`scale`, N times Brussels' size).
//! They tell the same story at two sizes, so they share its cast: the names, the profiles, the
//! organisations that approve enrolments, the CRM pioneers, and one deterministic dice.
//!
//! Both sit above `domain/` (like `jobs/`): they write through its inserts where a row has
//! rules, and in batches where only speed matters.

pub mod demo;
pub mod scale;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Europe::Brussels;
use diesel::prelude::*;

use crate::db::schema::{memberships, organizations};
use crate::db::DbConn;
use crate::domain::organizations::{Organization, SCHOOL_CODE};
use crate::domain::people::PersonLanguage;
use crate::error::AppError;

/// A small deterministic generator (splitmix64), so the data is the same on every machine.
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

    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// A working language: `french` percent French, Dutch up to 90 %, English for the rest.
    pub(crate) fn language(&mut self, french: usize) -> PersonLanguage {
        match self.below(100) {
            roll if roll < french => PersonLanguage::Fr,
            roll if roll < 90 => PersonLanguage::Nl,
            _ => PersonLanguage::En,
        }
    }

    /// A first and a last name that fit the language.
    pub(crate) fn name(&mut self, language: PersonLanguage) -> (&'static str, &'static str) {
        let first_names = match language {
            PersonLanguage::Fr => FIRST_NAMES_FR,
            PersonLanguage::Nl => FIRST_NAMES_NL,
            PersonLanguage::En => FIRST_NAMES_EN,
        };
        (self.pick(first_names), self.pick(LAST_NAMES))
    }
}

pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid seed date")
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

const FIRST_NAMES_FR: &[&str] = &[
    "Sophie", "Marc", "Julie", "Thomas", "Nathalie", "Karim", "Fatima", "Claire", "Luc", "Amina",
    "Youssef", "Sarah", "Kevin", "Ines", "Olivier", "Camille",
];
const FIRST_NAMES_NL: &[&str] = &[
    "Pieter", "Lotte", "Jan", "Els", "Bram", "Wim", "An", "Koen", "Sofie", "Joris", "Hanne", "Tom",
];
const FIRST_NAMES_EN: &[&str] = &["Anna", "David", "Maria", "John", "Elena", "Paul"];
const LAST_NAMES: &[&str] = &[
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

/// The job title of a profile, in Dutch for Dutch speakers and in French otherwise.
pub(crate) fn job_title(profile: &str, language: PersonLanguage) -> Option<&'static str> {
    PROFILES.iter().find(|p| p.0 == profile).map(|p| {
        if language == PersonLanguage::Nl {
            p.2
        } else {
            p.1
        }
    })
}

/// The profile whose people make the best key users for each domain.
pub(crate) fn key_user_profile(domain: &str) -> &'static str {
    match domain {
        "finance" => "finance",
        "soft-hr" | "hard-hr" => "hr",
        "social" => "social",
        _ => "front-office",
    }
}

/// The communes that go live with CRM early in 2027.
pub(crate) const CRM_PIONEERS: [&str; 6] = [
    "anderlecht",
    "bruxelles",
    "ixelles",
    "jette",
    "schaerbeek",
    "uccle",
];

/// The two authorities whose HR approves every enrolment.
const APPROVING: [&str; 2] = ["schaerbeek", "cpas-bruxelles"];

pub(crate) fn approves_enrollments(code: &str) -> bool {
    APPROVING.contains(&code)
}

/// Makes the `APPROVING` authorities approve enrolments.
pub(crate) fn require_approval(conn: &mut DbConn) -> Result<(), AppError> {
    diesel::update(organizations::table.filter(organizations::code.eq_any(APPROVING)))
        .set(organizations::requires_enrollment_approval.eq(true))
        .execute(conn)?;
    Ok(())
}

/// The school's id among all organisations.
pub(crate) fn school_id(organizations: &[Organization]) -> Result<i64, AppError> {
    Ok(organizations
        .iter()
        .find(|o| o.code == SCHOOL_CODE)
        .ok_or(AppError::NotFound)?
        .id)
}

/// The address of the school's rooms.
pub(crate) const SCHOOL_ADDRESS: &str = "Boulevard du Jardin Botanique 20, 1000 Bruxelles";

/// The memberships the reference data holds: (organisation, domain, status).
pub(crate) fn reference_memberships(
    conn: &mut DbConn,
) -> Result<Vec<(i64, i64, String)>, AppError> {
    Ok(memberships::table
        .select((
            memberships::organization_id,
            memberships::domain_id,
            memberships::status,
        ))
        .load(conn)?)
}
