//! The words every view counts by (DESIGN §4), each defined once: as a Rust function and, where
//! SQL needs it, as one SQL fragment built here. Coverage, the trained report, plans, capacity,
//! the cascade tree, their drill-downs and exports all use these, so two views never count the
//! same person differently.

use std::ops::RangeInclusive;
use std::str::FromStr;

use crate::domain::enrollments::EnrollmentStatus;
use crate::domain::organizations::MembershipStatus;
use crate::error::{AppError, FieldErrors, Message};

/// **Trained** in a module: attended, and passed where the module is assessed. An explicit
/// `passed = false` never counts, assessed or not. (Certifying modules are always assessed:
/// `catalogue` enforces it.)
pub fn is_trained(status: EnrollmentStatus, passed: Option<bool>, assessed: bool) -> bool {
    status == EnrollmentStatus::Attended
        && match passed {
            Some(passed) => passed,
            None => !assessed,
        }
}

/// `is_trained` in SQL, over an enrolment alias and its module's alias.
pub fn trained_sql(enrollment: &str, module: &str) -> String {
    format!(
        "({enrollment}.status = 'attended' AND ({enrollment}.passed = TRUE \
         OR ({enrollment}.passed IS NULL AND {module}.assessed = FALSE)))"
    )
}

/// **Holds a seat**: the enrolments a session's `seats_taken` counts (DESIGN §4 rule 1).
pub const HOLDS_A_SEAT: [EnrollmentStatus; 3] = [
    EnrollmentStatus::Confirmed,
    EnrollmentStatus::Attended,
    EnrollmentStatus::Absent,
];

/// **Seated**: holds a seat not yet used, so the person will be there (what plans and demand
/// count as "enrolled"; attended and absent seats are in the past).
pub const SEATED: [EnrollmentStatus; 1] = [EnrollmentStatus::Confirmed];

/// **Waiting**: asked for a seat without holding one yet.
pub const WAITING: [EnrollmentStatus; 2] = [
    EnrollmentStatus::Waitlisted,
    EnrollmentStatus::PendingApproval,
];

/// `column IN ('a', 'b')` over fixed codes.
pub fn status_in_sql(column: &str, statuses: &[EnrollmentStatus]) -> String {
    let codes = statuses
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    format!("{column} IN ({codes})")
}

/// Trained, or seated: the person needs no further seat in the module (demand and collective
/// progress count them as done or on their way).
pub fn trained_or_seated_sql(enrollment: &str, module: &str) -> String {
    format!(
        "({} OR {})",
        trained_sql(enrollment, module),
        status_in_sql(&format!("{enrollment}.status"), &SEATED)
    )
}

/// How far a person got in a module, from one enrolment; the furthest over all their
/// enrolments in the module is where they stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Progress {
    Waiting,
    Seated,
    Trained,
}

impl Progress {
    pub fn of(status: EnrollmentStatus, passed: Option<bool>, assessed: bool) -> Option<Self> {
        if is_trained(status, passed, assessed) {
            Some(Progress::Trained)
        } else if SEATED.contains(&status) {
            Some(Progress::Seated)
        } else if WAITING.contains(&status) {
            Some(Progress::Waiting)
        } else {
            None
        }
    }
}

impl Progress {
    /// Its number in `module_progress.progress`: the further, the larger.
    pub const fn rank(self) -> i32 {
        match self {
            Progress::Waiting => 1,
            Progress::Seated => 2,
            Progress::Trained => 3,
        }
    }
}

/// `Progress::of` in SQL: the rank of one enrolment's progress, 0 for none.
pub fn progress_sql(enrollment: &str, module: &str) -> String {
    format!(
        "(CASE WHEN {} THEN {} WHEN {} THEN {} WHEN {} THEN {} ELSE 0 END)",
        trained_sql(enrollment, module),
        Progress::Trained.rank(),
        status_in_sql(&format!("{enrollment}.status"), &SEATED),
        Progress::Seated.rank(),
        status_in_sql(&format!("{enrollment}.status"), &WAITING),
        Progress::Waiting.rank(),
    )
}

/// `trained_or_seated_sql` over the read model: a `module_progress` row's alias.
pub fn progress_trained_or_seated_sql(progress: &str) -> String {
    format!("{progress}.progress >= {}", Progress::Seated.rank())
}

/// **Joined or intended**: the memberships whose organisation's key users may be designated
/// and trained, and whose go-lives need key users.
pub const JOINED_OR_INTENDED: [MembershipStatus; 2] =
    [MembershipStatus::Joined, MembershipStatus::Intended];

/// The codes of `JOINED_OR_INTENDED`, for Diesel filters.
pub fn joined_or_intended_codes() -> [&'static str; 2] {
    JOINED_OR_INTENDED.map(MembershipStatus::as_str)
}

/// `column IN ('joined', 'intended')`.
pub fn joined_or_intended_sql(column: &str) -> String {
    format!(
        "{column} IN ({})",
        joined_or_intended_codes()
            .map(|c| format!("'{c}'"))
            .join(", ")
    )
}

/// Days before a go-live when too few certified key users put a membership at risk, and how
/// far after a period a go-live makes its key users part of that period's demand.
pub const GO_LIVE_HORIZON_DAYS: i64 = 90;
/// Days before a go-live when end-user coverage under `MIN_COVERAGE` puts it at risk.
pub const END_USER_HORIZON_DAYS: i64 = 30;
/// Percent of targeted end users to have trained by `END_USER_HORIZON_DAYS` before go-live.
pub const MIN_COVERAGE: f64 = 50.0;

/// **Valid year** of every plan, report and filter.
pub const YEARS: RangeInclusive<i32> = 2000..=2100;

/// Adds an error on `year` unless it is a valid year.
pub fn check_year(errors: &mut FieldErrors, year: Option<i32>) {
    if year.is_some_and(|y| !YEARS.contains(&y)) {
        errors.add(
            "year",
            Message::new("field-number-range")
                .arg("min", YEARS.start().to_string())
                .arg("max", YEARS.end().to_string()),
        );
    }
}

/// A year from a path: itself, or 422 naming `year`.
pub fn valid_year(year: i32) -> Result<i32, AppError> {
    let mut errors = FieldErrors::default();
    check_year(&mut errors, Some(year));
    errors.into_result().map(|()| year)
}

/// An optional filter naming one of a fixed set of codes (a tier, a status, a language):
/// `None` when blank, else the value, or an error on `field` when the code is unknown.
pub fn code_filter<T: FromStr>(
    errors: &mut FieldErrors,
    field: &'static str,
    value: Option<&str>,
    unknown: Message,
) -> Option<T> {
    let code = crate::domain::non_blank(value)?;
    let parsed = code.parse().ok();
    if parsed.is_none() {
        errors.add(field, unknown);
    }
    parsed
}

/// An optional filter naming a domain by its code: its id, or an error on `field`.
pub fn domain_filter(
    conn: &mut crate::db::DbConn,
    errors: &mut FieldErrors,
    field: &'static str,
    value: Option<&str>,
) -> Result<Option<i64>, AppError> {
    crate::domain::optional_code(
        errors,
        field,
        value,
        Message::new("field-domain-unknown"),
        |code| crate::domain::catalogue::domain_id_by_code(conn, code),
    )
}

/// An optional filter naming an organisation by its code: its id, or an error on `field`.
pub fn organization_filter(
    conn: &mut crate::db::DbConn,
    errors: &mut FieldErrors,
    field: &'static str,
    value: Option<&str>,
) -> Result<Option<i64>, AppError> {
    crate::domain::optional_code(
        errors,
        field,
        value,
        Message::new("field-organization-unknown"),
        |code| crate::domain::organizations::id_by_code(conn, code),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use EnrollmentStatus::*;

    #[test]
    fn trained_needs_attendance_and_never_an_explicit_fail() {
        assert!(is_trained(Attended, None, false));
        assert!(is_trained(Attended, Some(true), true));
        assert!(!is_trained(Attended, None, true), "assessed, no result yet");
        assert!(
            !is_trained(Attended, Some(false), false),
            "an explicit fail"
        );
        assert!(!is_trained(Attended, Some(false), true));
        for status in [Confirmed, Absent, Waitlisted, PendingApproval, Cancelled] {
            assert!(!is_trained(status, Some(true), false), "{status}");
        }
    }

    #[test]
    fn progress_is_the_furthest_state() {
        assert_eq!(
            Progress::of(Attended, Some(true), true),
            Some(Progress::Trained)
        );
        assert_eq!(Progress::of(Confirmed, None, true), Some(Progress::Seated));
        assert_eq!(
            Progress::of(Waitlisted, None, true),
            Some(Progress::Waiting)
        );
        assert_eq!(
            Progress::of(PendingApproval, None, true),
            Some(Progress::Waiting)
        );
        assert_eq!(
            Progress::of(Attended, Some(false), true),
            None,
            "failed: needs a seat"
        );
        assert_eq!(Progress::of(Absent, None, false), None);
        assert!(Progress::Trained > Progress::Seated && Progress::Seated > Progress::Waiting);
    }

    #[test]
    fn sql_fragments_name_the_same_codes() {
        assert_eq!(
            status_in_sql("e.status", &WAITING),
            "e.status IN ('waitlisted', 'pending_approval')"
        );
        assert_eq!(
            joined_or_intended_sql("mb.status"),
            "mb.status IN ('joined', 'intended')"
        );
    }

    #[test]
    fn years_have_one_range() {
        assert!(valid_year(2026).is_ok());
        for year in [1999, 2101, -1] {
            let Err(AppError::Validation(errors)) = valid_year(year) else {
                panic!("{year} is not a valid year");
            };
            assert!(errors.0.contains_key("year"));
        }
    }
}
