//! The trained-headcount report: distinct people trained per year, domain, tier, organisation
//! and profile ("how many participants were trained, with what profile, in 2023 and 2024").
//! Trained means attended, and passed where the module is assessed. Years are Brussels years.
//! It reads the read model's trained facts (`read_model`), not the enrolments.

use chrono::Datelike;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::domain::access::{Actor, PEOPLE_READERS};
use crate::domain::{non_blank, now, report_organization, rules};
use crate::error::{AppError, FieldErrors};

/// The first year the report shows; earlier sessions count in it.
const FIRST_YEAR: i32 = *rules::YEARS.start();

#[derive(Debug, Clone, Default, Serialize, Deserialize, rocket::FromForm)]
pub struct TrainedFilter {
    pub year: Option<i32>,
    pub domain: Option<String>,
    pub organization: Option<String>,
    pub profile: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, QueryableByName)]
pub struct TrainedRow {
    #[diesel(sql_type = Integer)]
    pub year: i32,
    #[diesel(sql_type = Text)]
    pub domain: String,
    #[diesel(sql_type = Text)]
    pub tier: String,
    #[diesel(sql_type = Text)]
    pub organization: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub profile: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub people: i64,
}

/// Distinct people trained in a year, whatever the domain (a person trained in two domains
/// counts once here).
#[derive(Debug, Clone, PartialEq, Serialize, QueryableByName)]
pub struct TrainedTotal {
    #[diesel(sql_type = Integer)]
    pub year: i32,
    #[diesel(sql_type = BigInt)]
    pub people: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrainedReport {
    pub items: Vec<TrainedRow>,
    pub totals: Vec<TrainedTotal>,
}

/// The report for `filter`, in the actor's scope (HR: its own organisation).
pub fn trained(
    conn: &mut DbConn,
    actor: &Actor,
    filter: &TrainedFilter,
) -> Result<TrainedReport, AppError> {
    actor.require(PEOPLE_READERS)?;
    let mut errors = FieldErrors::default();
    let this_year = now().date().year();
    rules::check_year(&mut errors, filter.year);
    let domain_id =
        crate::domain::rules::domain_filter(conn, &mut errors, "domain", filter.domain.as_deref())?;
    let asked = crate::domain::rules::organization_filter(
        conn,
        &mut errors,
        "organization",
        filter.organization.as_deref(),
    )?;
    errors.into_result()?;
    let organization_id = report_organization(actor, asked)?;
    let profile = non_blank(filter.profile.as_deref());

    // Facts of years after the last shown (or later than five years ahead) count in the last
    // year, as earlier ones count in the first.
    let last_year = filter.year.unwrap_or(this_year).max(this_year) + 5;
    let year_case = format!(
        "CASE WHEN f.year < {FIRST_YEAR} THEN {FIRST_YEAR} \
         WHEN f.year > {last_year} THEN {last_year} ELSE f.year END"
    );
    let mut conditions = String::new();
    if let Some(y) = filter.year {
        conditions.push_str(&format!(" AND f.year = {y}"));
    }
    if let Some(id) = domain_id {
        conditions.push_str(&format!(" AND f.domain_id = {id}"));
    }
    if let Some(id) = organization_id {
        conditions.push_str(&format!(" AND p.organization_id = {id}"));
    }
    // The profile is free text: bound, never written into the SQL.
    conditions.push_str(" AND ($1 IS NULL OR p.profile = $1)");
    // The read model's trained facts: one row per person, domain, tier and Brussels year.
    let trained_from = format!(
        "FROM trained_facts f
         JOIN domains d ON d.id = f.domain_id
         JOIN people p ON p.id = f.person_id
         JOIN organizations o ON o.id = p.organization_id
         WHERE 1 = 1 {conditions}"
    );
    let items = diesel::sql_query(format!(
        "SELECT {year_case} AS year, d.code AS domain, f.tier, o.code AS organization,
                p.profile, COUNT(DISTINCT f.person_id) AS people
         {trained_from}
         GROUP BY 1, 2, 3, 4, 5
         ORDER BY 1, 2, 3, 4, 5"
    ))
    .bind::<Nullable<Text>, _>(profile.clone())
    .load::<TrainedRow>(conn)?;
    let totals = diesel::sql_query(format!(
        "SELECT {year_case} AS year, COUNT(DISTINCT f.person_id) AS people
         {trained_from}
         GROUP BY 1 ORDER BY 1"
    ))
    .bind::<Nullable<Text>, _>(profile)
    .load::<TrainedTotal>(conn)?;
    Ok(TrainedReport { items, totals })
}
