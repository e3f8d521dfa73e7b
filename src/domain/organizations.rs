//! Organisations (the 38 local authorities, the school, integrators) and their membership of
//! each software domain over time.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::db::schema::{domains, memberships, organizations};
use crate::db::DbConn;
use crate::domain::access::{Actor, STAFF};
use crate::domain::accounts::Role;
use crate::domain::{audit, now, text_enum};
use crate::error::{AppError, FieldErrors, Message};

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

/// The id of the organisation with this code, if there is one.
pub fn id_by_code(conn: &mut DbConn, code: &str) -> Result<Option<i64>, AppError> {
    Ok(organizations::table
        .filter(organizations::code.eq(code))
        .select(organizations::id)
        .first::<i64>(conn)
        .optional()?)
}

/// Inserts the organisation unless one with its code exists; returns its id either way.
pub fn ensure(conn: &mut DbConn, new: NewOrganization<'_>) -> Result<i64, AppError> {
    match id_by_code(conn, new.code)? {
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

/// One cell of the organisations × domains matrix.
#[derive(Debug, Clone, Serialize)]
pub struct MembershipView {
    pub domain: String,
    pub status: MembershipStatus,
    pub status_since: NaiveDate,
    pub go_live_on: Option<NaiveDate>,
    pub required_key_users: i32,
    pub certified_key_users: i64,
}

/// An organisation with its memberships, in domain order.
#[derive(Debug, Clone, Serialize)]
pub struct OrganizationView {
    pub code: String,
    pub kind: OrganizationKind,
    pub nis_code: Option<String>,
    pub name_fr: String,
    pub name_nl: String,
    pub requires_enrollment_approval: bool,
    pub memberships: Vec<MembershipView>,
}

#[derive(QueryableByName)]
struct CertifiedCount {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    organization_id: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    domain_id: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    certified: i64,
}

/// Every organisation (or one, by code) with its memberships and certified key users: three
/// queries whatever the number of organisations.
pub fn views(conn: &mut DbConn, code: Option<&str>) -> Result<Vec<OrganizationView>, AppError> {
    let mut query = organizations::table
        .select(Organization::as_select())
        .order((organizations::kind, organizations::code))
        .into_boxed();
    if let Some(code) = code {
        query = query.filter(organizations::code.eq(code));
    }
    let organizations_found: Vec<Organization> = query.load(conn)?;
    if code.is_some() && organizations_found.is_empty() {
        return Err(AppError::NotFound);
    }
    let rows: Vec<(Membership, String)> = memberships::table
        .inner_join(domains::table)
        .order(domains::position)
        .select((Membership::as_select(), domains::code))
        .load(conn)?;
    let certified: Vec<CertifiedCount> = diesel::sql_query(
        "SELECT p.organization_id, k.domain_id, COUNT(*) AS certified \
         FROM key_users k JOIN people p ON p.id = k.person_id \
         WHERE k.status = 'certified' GROUP BY p.organization_id, k.domain_id",
    )
    .load(conn)?;
    Ok(organizations_found
        .into_iter()
        .map(|organization| OrganizationView {
            memberships: rows
                .iter()
                .filter(|(m, _)| m.organization_id == organization.id)
                .map(|(m, domain)| MembershipView {
                    domain: domain.clone(),
                    status: m.status,
                    status_since: m.status_since,
                    go_live_on: m.go_live_on,
                    required_key_users: m.required_key_users,
                    certified_key_users: certified
                        .iter()
                        .find(|c| {
                            c.organization_id == organization.id && c.domain_id == m.domain_id
                        })
                        .map(|c| c.certified)
                        .unwrap_or(0),
                })
                .collect(),
            code: organization.code,
            kind: organization.kind,
            nis_code: organization.nis_code,
            name_fr: organization.name_fr,
            name_nl: organization.name_nl,
            requires_enrollment_approval: organization.requires_enrollment_approval,
        })
        .collect())
}

/// The body of `PUT /api/v1/organizations/{code}/memberships/{domain}` and of its form.
#[derive(Debug, Clone, Default, Deserialize, rocket::FromForm)]
pub struct MembershipInput {
    pub status: Option<String>,
    pub status_since: Option<String>,
    pub go_live_on: Option<String>,
    pub required_key_users: Option<String>,
}

fn parse_date(field: &str, value: Option<&str>, errors: &mut FieldErrors) -> Option<NaiveDate> {
    let value = crate::domain::non_blank(value)?;
    match NaiveDate::parse_from_str(&value, "%Y-%m-%d") {
        Ok(date) => Some(date),
        Err(_) => {
            errors.add(field.to_owned(), Message::new("field-date-invalid"));
            None
        }
    }
}

/// Sets a membership (admins and planners), audited with the date it takes effect. Nothing
/// changes that the input does not change: a missing status, go-live or number of key users
/// keeps its value (a blank go-live clears it); `status_since` keeps its value unless given,
/// or today when the status changes.
pub fn update_membership(
    conn: &mut DbConn,
    actor: &Actor,
    organization_code: &str,
    domain_code: &str,
    input: &MembershipInput,
) -> Result<OrganizationView, AppError> {
    actor.require(STAFF)?;
    let organization = by_code(conn, organization_code)?;
    let domain_id = crate::domain::catalogue::domain_id_by_code(conn, domain_code)?
        .ok_or(AppError::NotFound)?;
    let current = memberships::table
        .filter(memberships::organization_id.eq(organization.id))
        .filter(memberships::domain_id.eq(domain_id))
        .select(Membership::as_select())
        .first(conn)
        .optional()?;
    let mut errors = FieldErrors::default();
    let status = match crate::domain::non_blank(input.status.as_deref()) {
        Some(code) => MembershipStatus::parse(&code).or_else(|| {
            errors.add("status", Message::new("field-status-invalid"));
            None
        }),
        None if current.is_some() => current.as_ref().map(|m| m.status),
        None => {
            errors.add("status", Message::new("field-required"));
            None
        }
    };
    let status_since = parse_date("status_since", input.status_since.as_deref(), &mut errors);
    let go_live_on = parse_date("go_live_on", input.go_live_on.as_deref(), &mut errors);
    let required = match crate::domain::non_blank(input.required_key_users.as_deref()) {
        Some(text) => match text.parse::<i32>() {
            Ok(n) if (0..=100).contains(&n) => Some(n),
            _ => {
                errors.add(
                    "required_key_users",
                    Message::new("field-number-range")
                        .arg("min", "0")
                        .arg("max", "100"),
                );
                None
            }
        },
        None => None,
    };
    errors.into_result()?;
    let Some(status) = status else {
        return Err(AppError::internal("validated status missing"));
    };
    let status_since = match (&current, status_since) {
        (Some(current), Some(given)) if given != current.status_since => given,
        (Some(current), _) if current.status == status => current.status_since,
        (_, given) if current.is_none() => given.unwrap_or_else(|| now().date()),
        _ => now().date(),
    };
    let change = MembershipChange {
        status,
        status_since,
        go_live_on: if input.go_live_on.is_some() {
            go_live_on
        } else {
            current.as_ref().and_then(|m| m.go_live_on)
        },
        required_key_users: required
            .or(current.as_ref().map(|m| m.required_key_users))
            .unwrap_or(2),
    };
    crate::db::transaction(conn, |conn| {
        set_membership(conn, organization.id, domain_id, change.clone())?;
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(actor.account_id),
                organization_id: Some(organization.id),
                action: "membership.updated",
                entity: "organization",
                entity_id: Some(organization.id),
                detail: json!({
                    "domain": domain_code,
                    "from": current.as_ref().map(|m| m.status.as_str()),
                    "status": change.status.as_str(),
                    "status_since": change.status_since,
                    "go_live_on": change.go_live_on,
                    "required_key_users": change.required_key_users,
                }),
            },
        )
    })?;
    views(conn, Some(organization_code))?
        .pop()
        .ok_or(AppError::NotFound)
}

/// The body of `PATCH /api/v1/organizations/{code}` and of the approval form.
#[derive(Debug, Clone, Default, Deserialize, rocket::FromForm)]
pub struct OrganizationSettings {
    pub requires_enrollment_approval: Option<bool>,
}

/// Whether the actor may change the organisation's settings: admins, and its own HR.
pub fn may_change_settings(actor: &Actor, organization_id: i64) -> bool {
    match actor.role {
        Role::Admin => true,
        Role::Hr => actor.organization_id == Some(organization_id),
        _ => false,
    }
}

/// Whether its members' enrolment requests wait for its HR: HR of the organisation and admins
/// decide (another organisation's HR gets 404), audited.
pub fn update_settings(
    conn: &mut DbConn,
    actor: &Actor,
    organization_code: &str,
    settings: &OrganizationSettings,
) -> Result<OrganizationView, AppError> {
    actor.require(&[Role::Admin, Role::Hr])?;
    let organization = by_code(conn, organization_code)?;
    actor.check_organization(organization.id)?;
    let Some(required) = settings.requires_enrollment_approval else {
        return Err(AppError::invalid(
            "requires_enrollment_approval",
            Message::new("field-required"),
        ));
    };
    if required != organization.requires_enrollment_approval {
        crate::db::transaction(conn, |conn| {
            diesel::update(organizations::table.find(organization.id))
                .set(organizations::requires_enrollment_approval.eq(required))
                .execute(conn)?;
            audit::record(
                conn,
                audit::Event {
                    actor_account_id: Some(actor.account_id),
                    organization_id: Some(organization.id),
                    action: "organization.approval_changed",
                    entity: "organization",
                    entity_id: Some(organization.id),
                    detail: json!({ "requires_enrollment_approval": required }),
                },
            )
        })?;
    }
    views(conn, Some(organization_code))?
        .pop()
        .ok_or(AppError::NotFound)
}
