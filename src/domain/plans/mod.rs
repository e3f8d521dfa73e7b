//! Training plans: individual ones (per person and year, `individual`) and collective ones
//! (per organisation and year, `collective`). Here: what both share, the plan status, the
//! year and date checks, and the plain inserts the data loaders use.

use std::collections::HashMap;

use chrono::Datelike;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::schema::{
    collective_plan_targets, collective_plans, individual_plan_items, individual_plans,
};
use crate::db::schema::{enrollments, memberships, modules, people, training_sessions};
use crate::db::DbConn;
use crate::domain::access::{Actor, PEOPLE_MANAGERS, PEOPLE_READERS};
use crate::domain::accounts::Role;
use crate::domain::catalogue;
use crate::domain::catalogue::Tier;
use crate::domain::enrollments::EnrollmentStatus;
use crate::domain::read_model::Source;
use crate::domain::rules::{self, Progress};
use crate::domain::text_enum;
use crate::domain::{
    audit, bounded, max_chars, non_blank, now, organizations as orgs, people as persons,
};
use crate::error::AppError;
use crate::error::{FieldErrors, Message};

mod collective;
mod individual;

pub use collective::*;
pub use individual::*;

text_enum! {
    pub enum PlanStatus {
        Draft => "draft",
        Agreed => "agreed",
    }
}

pub fn insert_individual_plan(
    conn: &mut DbConn,
    person_id: i64,
    year: i32,
    status: PlanStatus,
) -> Result<i64, AppError> {
    Ok(diesel::insert_into(individual_plans::table)
        .values((
            individual_plans::person_id.eq(person_id),
            individual_plans::year.eq(year),
            individual_plans::status.eq(status.as_str()),
        ))
        .returning(individual_plans::id)
        .get_result(conn)?)
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = individual_plan_items)]
pub struct NewPlanItem<'a> {
    pub plan_id: i64,
    pub module_id: i64,
    pub target_on: Option<NaiveDate>,
    pub priority: i32,
    pub note: Option<&'a str>,
}

/// Inserts a plan item with its planned need (the read model).
pub fn insert_plan_item(conn: &mut DbConn, new: NewPlanItem<'_>) -> Result<(), AppError> {
    let plan_id = new.plan_id;
    diesel::insert_into(individual_plan_items::table)
        .values(new)
        .execute(conn)?;
    let person_id: i64 = individual_plans::table
        .find(plan_id)
        .select(individual_plans::person_id)
        .first(conn)?;
    crate::domain::read_model::refresh_plans(conn, person_id)
}

pub fn insert_collective_plan(
    conn: &mut DbConn,
    organization_id: i64,
    year: i32,
    status: PlanStatus,
) -> Result<i64, AppError> {
    Ok(diesel::insert_into(collective_plans::table)
        .values((
            collective_plans::organization_id.eq(organization_id),
            collective_plans::year.eq(year),
            collective_plans::status.eq(status.as_str()),
        ))
        .returning(collective_plans::id)
        .get_result(conn)?)
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = collective_plan_targets)]
pub struct NewTarget<'a> {
    pub plan_id: i64,
    pub module_id: i64,
    pub profile: Option<&'a str>,
    pub headcount: i32,
    pub due_on: Option<NaiveDate>,
}

pub fn insert_target(conn: &mut DbConn, new: NewTarget<'_>) -> Result<(), AppError> {
    diesel::insert_into(collective_plan_targets::table)
        .values(new)
        .execute(conn)?;
    Ok(())
}

fn check_year(year: i32) -> Result<(), AppError> {
    rules::valid_year(year).map(|_| ())
}

/// Whether saving with `status` moves a plan (previously `existing`: id, status) to agreed.
fn newly_agreed(status: PlanStatus, existing: Option<&(i64, String)>) -> bool {
    status == PlanStatus::Agreed && existing.is_none_or(|(_, s)| s != PlanStatus::Agreed.as_str())
}

fn plan_status(errors: &mut FieldErrors, value: Option<&str>) -> PlanStatus {
    match non_blank(value).as_deref() {
        None => PlanStatus::Draft,
        Some(code) => PlanStatus::parse(code).unwrap_or_else(|| {
            errors.add("status", Message::new("field-status-invalid"));
            PlanStatus::Draft
        }),
    }
}

/// A date of the plan's year, from `YYYY-MM-DD` (blank: none).
fn date_in_year(
    errors: &mut FieldErrors,
    field: String,
    value: Option<&str>,
    year: i32,
) -> Option<NaiveDate> {
    let value = non_blank(value)?;
    match NaiveDate::parse_from_str(&value, "%Y-%m-%d") {
        Ok(date) if date.year() == year => Some(date),
        Ok(_) => {
            errors.add(field, Message::new("field-date-not-in-year"));
            None
        }
        Err(_) => {
            errors.add(field, Message::new("field-date-invalid"));
            None
        }
    }
}
