//! The trained-headcount report: distinct people trained per year, domain, tier, organisation
//! and profile ("how many participants were trained, with what profile, in 2023 and 2024").
//! Trained means attended, and passed where the module is assessed. Years are Brussels years.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::domain::access::{Actor, PEOPLE_READERS};
use crate::domain::sessions::brussels_midnight;
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

    // The Brussels year of each session, from new-year instants computed here.
    let new_year = |y: i32| {
        brussels_midnight(NaiveDate::from_ymd_opt(y, 1, 1).expect("valid year"))
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    // Sessions after the asked year (or later than five years ahead) count in the last year.
    let last_year = filter.year.unwrap_or(this_year).max(this_year) + 5;
    let mut year_case = String::from("CASE");
    for y in FIRST_YEAR..last_year {
        year_case.push_str(&format!(
            " WHEN s.starts_at < '{}' THEN {y}",
            new_year(y + 1)
        ));
    }
    year_case.push_str(&format!(" ELSE {last_year} END"));
    let mut conditions = String::new();
    if let Some(y) = filter.year {
        conditions.push_str(&format!(
            " AND s.starts_at >= '{}' AND s.starts_at < '{}'",
            new_year(y),
            new_year(y + 1)
        ));
    }
    if let Some(id) = domain_id {
        conditions.push_str(&format!(" AND m.domain_id = {id}"));
    }
    if let Some(id) = organization_id {
        conditions.push_str(&format!(" AND p.organization_id = {id}"));
    }
    // The profile is free text: bound, never written into the SQL.
    conditions.push_str(" AND ($1 IS NULL OR p.profile = $1)");
    let trained_from = format!(
        "FROM enrollments e
         JOIN training_sessions s ON s.id = e.session_id
         JOIN modules m ON m.id = s.module_id
         JOIN domains d ON d.id = m.domain_id
         JOIN people p ON p.id = e.person_id
         JOIN organizations o ON o.id = p.organization_id
         WHERE {trained} {conditions}",
        trained = rules::trained_sql("e", "m")
    );
    let items = diesel::sql_query(format!(
        "SELECT {year_case} AS year, d.code AS domain, m.tier, o.code AS organization,
                p.profile, COUNT(DISTINCT e.person_id) AS people
         {trained_from}
         GROUP BY 1, 2, 3, 4, 5
         ORDER BY 1, 2, 3, 4, 5"
    ))
    .bind::<Nullable<Text>, _>(profile.clone())
    .load::<TrainedRow>(conn)?;
    let totals = diesel::sql_query(format!(
        "SELECT {year_case} AS year, COUNT(DISTINCT e.person_id) AS people
         {trained_from}
         GROUP BY 1 ORDER BY 1"
    ))
    .bind::<Nullable<Text>, _>(profile)
    .load::<TrainedTotal>(conn)?;
    Ok(TrainedReport { items, totals })
}
