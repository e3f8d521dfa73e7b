//! Training sessions: a module given at a time and place, with a fixed number of seats.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::training_sessions;
use crate::db::DbConn;
use crate::domain::{text_enum, Language};
use crate::error::AppError;

text_enum! {
    pub enum SessionStatus {
        Draft => "draft",
        Published => "published",
        Cancelled => "cancelled",
        Completed => "completed",
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = training_sessions)]
pub struct NewSession<'a> {
    pub module_id: i64,
    pub organizer_id: i64,
    pub trainer_person_id: Option<i64>,
    pub venue_id: Option<i64>,
    pub online_url: Option<&'a str>,
    #[diesel(serialize_as = String)]
    pub language: Language,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub registration_closes_at: NaiveDateTime,
    pub capacity: i32,
    pub seats_taken: i32,
    #[diesel(serialize_as = String)]
    pub status: SessionStatus,
    pub created_by: Option<i64>,
}

pub fn insert(conn: &mut DbConn, new: NewSession<'_>) -> Result<i64, AppError> {
    Ok(diesel::insert_into(training_sessions::table)
        .values(new)
        .returning(training_sessions::id)
        .get_result(conn)?)
}
