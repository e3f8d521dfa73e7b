//! The train-the-trainers cascade: key users designated per domain, trained, certified, then
//! training their colleagues.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::key_users;
use crate::db::DbConn;
use crate::domain::text_enum;
use crate::error::AppError;

text_enum! {
    pub enum KeyUserStatus {
        Nominated => "nominated",
        InTraining => "in_training",
        Certified => "certified",
        Withdrawn => "withdrawn",
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = key_users)]
pub struct NewKeyUser {
    pub person_id: i64,
    pub domain_id: i64,
    #[diesel(serialize_as = String)]
    pub status: KeyUserStatus,
    pub designated_by: Option<i64>,
    pub designated_on: NaiveDate,
    pub certified_on: Option<NaiveDate>,
}

pub fn insert_key_user(conn: &mut DbConn, new: NewKeyUser) -> Result<i64, AppError> {
    Ok(diesel::insert_into(key_users::table)
        .values(new)
        .returning(key_users::id)
        .get_result(conn)?)
}
