//! Enrolments: a person's place (or wait) in a session, and whether they attended and passed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::enrollments;
use crate::db::DbConn;
use crate::domain::text_enum;
use crate::error::AppError;

text_enum! {
    pub enum EnrollmentStatus {
        PendingApproval => "pending_approval",
        Confirmed => "confirmed",
        Waitlisted => "waitlisted",
        Cancelled => "cancelled",
        Attended => "attended",
        Absent => "absent",
    }
}

impl EnrollmentStatus {
    /// Statuses that hold one of the session's seats.
    pub const HOLDING_A_SEAT: [EnrollmentStatus; 3] = [
        EnrollmentStatus::Confirmed,
        EnrollmentStatus::Attended,
        EnrollmentStatus::Absent,
    ];

    pub fn holds_seat(self) -> bool {
        Self::HOLDING_A_SEAT.contains(&self)
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = enrollments)]
pub struct NewEnrollment {
    pub session_id: i64,
    pub person_id: i64,
    #[diesel(serialize_as = String)]
    pub status: EnrollmentStatus,
    pub passed: Option<bool>,
    pub requested_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConn, new: NewEnrollment) -> Result<i64, AppError> {
    Ok(diesel::insert_into(enrollments::table)
        .values(new)
        .returning(enrollments::id)
        .get_result(conn)?)
}
