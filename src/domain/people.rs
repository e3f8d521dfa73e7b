//! People: the staff of each organisation, whether or not they have an account.

use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::people;
use crate::db::DbConn;
use crate::domain::text_enum;
use crate::error::AppError;

text_enum! {
    /// The language a person works in.
    pub enum PersonLanguage {
        Fr => "fr",
        Nl => "nl",
        En => "en",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = people)]
pub struct Person {
    pub id: i64,
    pub organization_id: i64,
    pub full_name: String,
    pub email: Option<String>,
    pub job_title: Option<String>,
    pub profile: Option<String>,
    #[diesel(deserialize_as = String)]
    pub language: PersonLanguage,
    pub active: bool,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = people)]
pub struct NewPerson<'a> {
    pub organization_id: i64,
    pub full_name: &'a str,
    pub email: Option<&'a str>,
    pub job_title: Option<&'a str>,
    pub profile: Option<&'a str>,
    #[diesel(serialize_as = String)]
    pub language: PersonLanguage,
}

pub fn insert(conn: &mut DbConn, new: NewPerson<'_>) -> Result<i64, AppError> {
    Ok(diesel::insert_into(people::table)
        .values(new)
        .returning(people::id)
        .get_result(conn)?)
}

pub fn count(conn: &mut DbConn) -> Result<i64, AppError> {
    Ok(people::table.count().get_result(conn)?)
}
