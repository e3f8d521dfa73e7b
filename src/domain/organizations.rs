//! Organisations (the 38 local authorities, the school, integrators) and their membership of
//! each software domain over time.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{memberships, organizations};
use crate::db::DbConn;
use crate::domain::{now, text_enum};
use crate::error::AppError;

text_enum! {
    pub enum OrganizationKind {
        Commune => "commune",
        Cpas => "cpas",
        School => "school",
        Integrator => "integrator",
        Region => "region",
    }
}

text_enum! {
    /// Where an organisation stands with a domain: it said it would join, joined, showed
    /// interest later, declined, or left.
    pub enum MembershipStatus {
        Intended => "intended",
        Joined => "joined",
        Interested => "interested",
        Declined => "declined",
        Withdrawn => "withdrawn",
    }
}

/// The code of the regional school of public administration's own organisation.
pub const SCHOOL_CODE: &str = "erap";

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = organizations)]
pub struct Organization {
    pub id: i64,
    pub code: String,
    #[diesel(deserialize_as = String)]
    pub kind: OrganizationKind,
    pub nis_code: Option<String>,
    pub name_fr: String,
    pub name_nl: String,
    pub requires_enrollment_approval: bool,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = organizations)]
pub struct NewOrganization<'a> {
    pub code: &'a str,
    #[diesel(serialize_as = String)]
    pub kind: OrganizationKind,
    pub nis_code: Option<&'a str>,
    pub name_fr: &'a str,
    pub name_nl: &'a str,
    pub requires_enrollment_approval: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = memberships)]
pub struct Membership {
    pub id: i64,
    pub organization_id: i64,
    pub domain_id: i64,
    #[diesel(deserialize_as = String)]
    pub status: MembershipStatus,
    pub status_since: NaiveDate,
    pub go_live_on: Option<NaiveDate>,
    pub required_key_users: i32,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = memberships)]
pub struct NewMembership {
    pub organization_id: i64,
    pub domain_id: i64,
    #[diesel(serialize_as = String)]
    pub status: MembershipStatus,
    pub status_since: NaiveDate,
    pub go_live_on: Option<NaiveDate>,
    pub required_key_users: i32,
}

pub fn all(conn: &mut DbConn) -> Result<Vec<Organization>, AppError> {
    Ok(organizations::table
        .select(Organization::as_select())
        .order((organizations::kind, organizations::code))
        .load(conn)?)
}

pub fn by_code(conn: &mut DbConn, code: &str) -> Result<Organization, AppError> {
    Ok(organizations::table
        .filter(organizations::code.eq(code))
        .select(Organization::as_select())
        .first(conn)?)
}

/// Inserts the organisation unless one with its code exists; returns its id either way.
pub fn ensure(conn: &mut DbConn, new: NewOrganization<'_>) -> Result<i64, AppError> {
    let existing = organizations::table
        .filter(organizations::code.eq(new.code))
        .select(organizations::id)
        .first::<i64>(conn)
        .optional()?;
    match existing {
        Some(id) => Ok(id),
        None => Ok(diesel::insert_into(organizations::table)
            .values(new)
            .returning(organizations::id)
            .get_result(conn)?),
    }
}

/// Inserts the membership unless the organisation already has one for that domain (its current
/// state, possibly changed since, is kept). Returns whether it inserted.
pub fn ensure_membership(conn: &mut DbConn, new: NewMembership) -> Result<bool, AppError> {
    let exists = diesel::select(diesel::dsl::exists(
        memberships::table
            .filter(memberships::organization_id.eq(new.organization_id))
            .filter(memberships::domain_id.eq(new.domain_id)),
    ))
    .get_result::<bool>(conn)?;
    if !exists {
        diesel::insert_into(memberships::table)
            .values(new)
            .execute(conn)?;
    }
    Ok(!exists)
}

/// The changeable part of a membership.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = memberships)]
pub struct MembershipChange {
    #[diesel(serialize_as = String)]
    pub status: MembershipStatus,
    pub status_since: NaiveDate,
    pub go_live_on: Option<NaiveDate>,
    pub required_key_users: i32,
}

/// Sets a membership's state, creating the row if the organisation had none for the domain.
pub fn set_membership(
    conn: &mut DbConn,
    organization_id: i64,
    domain_id: i64,
    change: MembershipChange,
) -> Result<(), AppError> {
    let updated = diesel::update(
        memberships::table
            .filter(memberships::organization_id.eq(organization_id))
            .filter(memberships::domain_id.eq(domain_id)),
    )
    .set((change.clone(), memberships::updated_at.eq(now())))
    .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(memberships::table)
            .values(NewMembership {
                organization_id,
                domain_id,
                status: change.status,
                status_since: change.status_since,
                go_live_on: change.go_live_on,
                required_key_users: change.required_key_users,
            })
            .execute(conn)?;
    }
    Ok(())
}

/// How many organisations stand in each status, per domain: one aggregate query.
#[derive(Debug, Clone, Serialize)]
pub struct DomainMembershipCount {
    pub domain_id: i64,
    pub status: MembershipStatus,
    pub organizations: i64,
}

pub fn membership_counts(conn: &mut DbConn) -> Result<Vec<DomainMembershipCount>, AppError> {
    let rows: Vec<(i64, String, i64)> = memberships::table
        .group_by((memberships::domain_id, memberships::status))
        .select((
            memberships::domain_id,
            memberships::status,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(domain_id, status, organizations)| {
            let status = MembershipStatus::parse(&status)
                .ok_or_else(|| AppError::internal(format!("unknown membership status {status}")))?;
            Ok(DomainMembershipCount {
                domain_id,
                status,
                organizations,
            })
        })
        .collect()
}
