//! The trained-headcount report: distinct people trained per year, domain, tier, organisation
//! and profile ("how many participants were trained, with what profile, in 2023 and 2024").
//! Trained means attended, and passed where the module is assessed. Years are Brussels years.
//! Years before 2000 count in 2000 (`read_model::report_year`). It reads the read model's
//! counts (`read_model`), not the enrolments.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::domain::access::{Actor, PEOPLE_READERS};
use crate::domain::{non_blank, read_model, report_organization, rules};
use crate::error::{AppError, FieldErrors};

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

    // Counts per year only: the read model's counts over all years serve coverage.
    let mut conditions = format!(" AND c.year <> {}", read_model::ANY_YEAR);
    if let Some(y) = filter.year {
        conditions.push_str(&format!(" AND c.year = {y}"));
    }
    if let Some(id) = organization_id {
        conditions.push_str(&format!(" AND c.organization_id = {id}"));
    }
    // The profile is free text: bound, never written into the SQL.
    conditions.push_str(" AND ($1 IS NULL OR c.profile = $1)");
    // The read model's counts: per domain and tier for the rows; per domain, or in all, for
    // the totals (a person trained in two tiers or domains counts once there).
    let items = diesel::sql_query(format!(
        "SELECT c.year, d.code AS domain, c.tier, o.code AS organization,
                NULLIF(c.profile, '') AS profile, CAST(c.people AS BIGINT) AS people
         FROM trained_counts c
         JOIN domains d ON d.id = c.domain_id
         JOIN organizations o ON o.id = c.organization_id
         WHERE c.tier <> '{any_tier}' {domain} {conditions}
         ORDER BY 1, 2, 3, 4, 5",
        any_tier = read_model::ANY_TIER,
        domain = domain_id.map_or(String::new(), |id| format!(" AND c.domain_id = {id}")),
    ))
    .bind::<Nullable<Text>, _>(profile.clone())
    .load::<TrainedRow>(conn)?;
    let totals = diesel::sql_query(format!(
        "SELECT c.year, SUM(c.people) AS people
         FROM trained_counts c
         WHERE c.tier = '{any_tier}' AND c.domain_id = {domain} {conditions}
         GROUP BY c.year ORDER BY 1",
        any_tier = read_model::ANY_TIER,
        domain = domain_id.unwrap_or(read_model::ANY_DOMAIN),
    ))
    .bind::<Nullable<Text>, _>(profile)
    .load::<TrainedTotal>(conn)?;
    Ok(TrainedReport { items, totals })
}
