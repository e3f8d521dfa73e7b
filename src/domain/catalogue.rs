//! The catalogue: software domains, training modules and venues.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{domains, modules, venues};
use crate::db::DbConn;
use crate::domain::text_enum;
use crate::error::AppError;
use crate::i18n::Locale;

text_enum! {
    /// `trainer`: train-the-trainer modules for key users; `end_user`: cascade modules that key
    /// users give to their colleagues.
    pub enum Tier {
        Trainer => "trainer",
        EndUser => "end_user",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = domains)]
pub struct Domain {
    pub id: i64,
    pub code: String,
    pub name_fr: String,
    pub name_nl: String,
    pub name_en: String,
    pub launched_on: Option<NaiveDate>,
    pub position: i32,
}

impl Domain {
    pub fn name(&self, locale: Locale) -> &str {
        match locale {
            Locale::Fr => &self.name_fr,
            Locale::Nl => &self.name_nl,
            Locale::En => &self.name_en,
        }
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = domains)]
pub struct NewDomain<'a> {
    pub code: &'a str,
    pub name_fr: &'a str,
    pub name_nl: &'a str,
    pub name_en: &'a str,
    pub launched_on: Option<NaiveDate>,
    pub position: i32,
}

pub fn all_domains(conn: &mut DbConn) -> Result<Vec<Domain>, AppError> {
    Ok(domains::table
        .select(Domain::as_select())
        .order(domains::position)
        .load(conn)?)
}

/// The id of the domain with this code, if there is one.
pub fn domain_id_by_code(conn: &mut DbConn, code: &str) -> Result<Option<i64>, AppError> {
    Ok(domains::table
        .filter(domains::code.eq(code))
        .select(domains::id)
        .first::<i64>(conn)
        .optional()?)
}

/// Inserts the domain unless its code exists; returns its id either way.
pub fn ensure_domain(conn: &mut DbConn, new: NewDomain<'_>) -> Result<i64, AppError> {
    match domain_id_by_code(conn, new.code)? {
        Some(id) => Ok(id),
        None => Ok(diesel::insert_into(domains::table)
            .values(new)
            .returning(domains::id)
            .get_result(conn)?),
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = modules)]
pub struct NewModule<'a> {
    pub domain_id: i64,
    pub code: &'a str,
    pub title_fr: &'a str,
    pub title_nl: &'a str,
    pub description_fr: &'a str,
    pub description_nl: &'a str,
    #[diesel(serialize_as = String)]
    pub tier: Tier,
    pub duration_minutes: i32,
    pub prerequisite_module_id: Option<i64>,
    pub certifies_trainer: bool,
    pub assessed: bool,
}

pub fn insert_module(conn: &mut DbConn, new: NewModule<'_>) -> Result<i64, AppError> {
    Ok(diesel::insert_into(modules::table)
        .values(new)
        .returning(modules::id)
        .get_result(conn)?)
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = venues)]
pub struct NewVenue<'a> {
    pub name: &'a str,
    pub address: &'a str,
    pub seats: i32,
}

pub fn insert_venue(conn: &mut DbConn, new: NewVenue<'_>) -> Result<i64, AppError> {
    Ok(diesel::insert_into(venues::table)
        .values(new)
        .returning(venues::id)
        .get_result(conn)?)
}
