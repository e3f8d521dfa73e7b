//! The schedule's clock: reminders two days before a session (each confirmed enrolment is
//! claimed once, by setting `reminded_at`, then its person is e-mailed), and sessions that
//! have ended become `completed`.

use chrono::Duration;
use diesel::prelude::*;

use crate::db::schema::{enrollments, training_sessions};
use crate::db::DbConn;
use crate::domain::enrollments::EnrollmentStatus;
use crate::domain::notifications::{self, Change};
use crate::domain::now;
use crate::domain::sessions::SessionStatus;
use crate::error::AppError;

/// How long before the start a reminder goes out.
pub const AHEAD: Duration = Duration::days(2);

/// Queues the reminders that are due; returns how many.
pub fn queue_due(conn: &mut DbConn, public_url: &str) -> Result<usize, AppError> {
    let at = now();
    let due: Vec<i64> = enrollments::table
        .inner_join(training_sessions::table)
        .filter(enrollments::status.eq(EnrollmentStatus::Confirmed.as_str()))
        .filter(enrollments::reminded_at.is_null())
        .filter(training_sessions::status.eq(SessionStatus::Published.as_str()))
        .filter(training_sessions::starts_at.gt(at))
        .filter(training_sessions::starts_at.le(at + AHEAD))
        .select(enrollments::id)
        .load(conn)?;
    let mut queued = 0;
    for id in due {
        crate::db::transaction(conn, |conn| {
            let claimed = diesel::update(
                enrollments::table
                    .filter(enrollments::id.eq(id))
                    .filter(enrollments::reminded_at.is_null()),
            )
            .set(enrollments::reminded_at.eq(now()))
            .execute(conn)?;
            if claimed == 1 {
                notifications::enrollment_changed(conn, id, Change::Reminder, public_url)?;
                queued += 1;
            }
            Ok::<_, AppError>(())
        })?;
    }
    Ok(queued)
}

/// Marks published sessions that have ended as completed, each change audited with the
/// system as actor; returns how many.
pub fn complete_past_sessions(conn: &mut DbConn) -> Result<usize, AppError> {
    crate::db::transaction(conn, |conn| {
        let completed: Vec<(i64, i64)> = diesel::update(
            training_sessions::table
                .filter(training_sessions::status.eq(SessionStatus::Published.as_str()))
                .filter(training_sessions::ends_at.lt(now())),
        )
        .set((
            training_sessions::status.eq(SessionStatus::Completed.as_str()),
            training_sessions::updated_at.eq(now()),
        ))
        .returning((training_sessions::id, training_sessions::organizer_id))
        .get_results(conn)?;
        for (id, organizer_id) in &completed {
            crate::domain::audit::record(
                conn,
                crate::domain::audit::Event {
                    actor_account_id: None,
                    organization_id: Some(*organizer_id),
                    action: "session.completed",
                    entity: "session",
                    entity_id: Some(*id),
                    detail: serde_json::json!({ "by": "system" }),
                },
            )?;
        }
        Ok(completed.len())
    })
}
