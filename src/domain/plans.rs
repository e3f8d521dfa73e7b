//! Individual training plans (per person and year) and collective plans (per organisation and
//! year).

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::{
    collective_plan_targets, collective_plans, individual_plan_items, individual_plans,
};
use crate::db::DbConn;
use crate::domain::text_enum;
use crate::error::AppError;

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

pub fn insert_plan_item(conn: &mut DbConn, new: NewPlanItem<'_>) -> Result<(), AppError> {
    diesel::insert_into(individual_plan_items::table)
        .values(new)
        .execute(conn)?;
    Ok(())
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
