//! The train-the-trainers cascade: key users designated per domain, trained, certified, then
//! training their colleagues.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::db::schema::{domains, key_users, memberships, organizations, people};
use crate::db::DbConn;
use crate::domain::access::Actor;
use crate::domain::accounts::Role;
use crate::domain::{
    audit, bounded_field, catalogue, max_chars, non_blank, now, resolve_code, text_enum,
};
use crate::error::{AppError, FieldErrors, Message};

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

#[derive(Debug, Clone, Serialize, Queryable, Selectable)]
#[diesel(table_name = key_users)]
pub struct KeyUserView {
    pub id: i64,
    pub person_id: i64,
    #[diesel(select_expression = people::full_name)]
    pub full_name: String,
    #[diesel(select_expression = organizations::code)]
    pub organization: String,
    #[diesel(select_expression = domains::code)]
    pub domain: String,
    pub status: String,
    pub designated_on: NaiveDate,
    pub certified_on: Option<NaiveDate>,
}

/// Key users with their person, organisation and domain: what `KeyUserView` selects from.
#[diesel::dsl::auto_type(no_type_alias)]
fn key_user_rows() -> _ {
    key_users::table
        .inner_join(people::table.inner_join(organizations::table))
        .inner_join(domains::table)
}

/// Filters of the key-user list (`?organization=&domain=&status=`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, rocket::FromForm)]
pub struct KeyUserFilter {
    pub organization: Option<String>,
    pub domain: Option<String>,
    pub status: Option<String>,
}

/// Key users in the actor's scope, by organisation, domain and name.
pub fn list_key_users(
    conn: &mut DbConn,
    actor: &Actor,
    filter: &KeyUserFilter,
) -> Result<Vec<KeyUserView>, AppError> {
    actor.require(KEY_USER_MANAGERS)?;
    let mut errors = FieldErrors::default();
    crate::domain::rules::organization_filter(
        conn,
        &mut errors,
        "organization",
        filter.organization.as_deref(),
    )?;
    crate::domain::rules::domain_filter(conn, &mut errors, "domain", filter.domain.as_deref())?;
    let _: Option<KeyUserStatus> = crate::domain::rules::code_filter(
        &mut errors,
        "status",
        filter.status.as_deref(),
        Message::new("field-status-invalid"),
    );
    errors.into_result()?;
    let mut query = key_user_rows()
        .select(KeyUserView::as_select())
        .order((organizations::code, domains::position, people::full_name))
        .into_boxed();
    if let Some(organization_id) = actor.scope().organization_id() {
        query = query.filter(people::organization_id.eq(organization_id));
    }
    if let Some(code) = non_blank(filter.organization.as_deref()) {
        query = query.filter(organizations::code.eq(code));
    }
    if let Some(code) = non_blank(filter.domain.as_deref()) {
        query = query.filter(domains::code.eq(code));
    }
    if let Some(status) = non_blank(filter.status.as_deref()) {
        query = query.filter(key_users::status.eq(status));
    }
    Ok(query.load(conn)?)
}

/// Who designates and withdraws key users: HR for its organisation, planners and admins.
pub const KEY_USER_MANAGERS: &[Role] = &[Role::Admin, Role::Planner, Role::Hr];

fn key_user_view(conn: &mut DbConn, id: i64) -> Result<KeyUserView, AppError> {
    Ok(key_user_rows()
        .filter(key_users::id.eq(id))
        .select(KeyUserView::as_select())
        .first(conn)?)
}

#[derive(Debug, Clone, Default, Deserialize, rocket::FromForm)]
pub struct Designation {
    pub person_id: Option<i64>,
    pub domain: Option<String>,
}

/// Designates a person as key user for a domain their organisation joined or intends to join;
/// the status starts at `nominated`. A withdrawn key user may be designated again.
pub fn designate(
    conn: &mut DbConn,
    actor: &Actor,
    designation: &Designation,
) -> Result<KeyUserView, AppError> {
    actor.require(KEY_USER_MANAGERS)?;
    let mut errors = FieldErrors::default();
    let person = match designation.person_id {
        Some(id) => people::table
            .find(id)
            .filter(people::active.eq(true))
            .select((people::id, people::organization_id))
            .first::<(i64, i64)>(conn)
            .optional()?
            .filter(|(_, organization_id)| actor.scope().allows(*organization_id)),
        None => None,
    };
    if person.is_none() {
        errors.add("person_id", Message::new("field-person-unknown"));
    }
    let domain_id = resolve_code(
        &mut errors,
        "domain",
        designation.domain.as_deref(),
        Message::new("field-required"),
        Message::new("field-domain-unknown"),
        |code| catalogue::domain_id_by_code(conn, code),
    )?;
    if let (Some((_, organization_id)), Some(domain_id)) = (person, domain_id) {
        let eligible = diesel::select(diesel::dsl::exists(
            memberships::table
                .filter(memberships::organization_id.eq(organization_id))
                .filter(memberships::domain_id.eq(domain_id))
                .filter(
                    memberships::status.eq_any(crate::domain::rules::joined_or_intended_codes()),
                ),
        ))
        .get_result::<bool>(conn)?;
        if !eligible {
            errors.add("domain", Message::new("field-domain-not-joined"));
        }
    }
    errors.into_result()?;
    let (Some((person_id, organization_id)), Some(domain_id)) = (person, domain_id) else {
        return Err(AppError::internal("validated designation missing"));
    };
    crate::db::transaction(conn, |conn| {
        let existing = key_users::table
            .filter(key_users::person_id.eq(person_id))
            .filter(key_users::domain_id.eq(domain_id))
            .select((key_users::id, key_users::status))
            .first::<(i64, String)>(conn)
            .optional()?;
        let today = now().date();
        let id = match existing {
            Some((_, status)) if status != KeyUserStatus::Withdrawn.as_str() => {
                return Err(AppError::Conflict(Message::new("error-key-user-exists")));
            }
            Some((id, _)) => {
                diesel::update(key_users::table.find(id))
                    .set((
                        key_users::status.eq(KeyUserStatus::Nominated.as_str()),
                        key_users::designated_by.eq(actor.account_id),
                        key_users::designated_on.eq(today),
                        key_users::certified_on.eq(None::<NaiveDate>),
                        key_users::updated_at.eq(now()),
                    ))
                    .execute(conn)?;
                id
            }
            None => insert_key_user(
                conn,
                NewKeyUser {
                    person_id,
                    domain_id,
                    status: KeyUserStatus::Nominated,
                    designated_by: Some(actor.account_id),
                    designated_on: today,
                    certified_on: None,
                },
            )?,
        };
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(actor.account_id),
                organization_id: Some(organization_id),
                action: "key_user.designated",
                entity: "key_user",
                entity_id: Some(id),
                detail: json!({ "person_id": person_id, "domain_id": domain_id }),
            },
        )?;
        key_user_view(conn, id)
    })
}

/// Withdraws a key user (the row stays, for the history), with an optional reason; 409 if
/// already withdrawn.
pub fn withdraw(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    reason: Option<&str>,
) -> Result<KeyUserView, AppError> {
    actor.require(KEY_USER_MANAGERS)?;
    let reason = bounded_field("reason", reason, max_chars::REASON)?;
    crate::db::transaction(conn, |conn| {
        let (status, organization_id) = key_users::table
            .inner_join(people::table)
            .filter(key_users::id.eq(id))
            .select((key_users::status, people::organization_id))
            .first::<(String, i64)>(conn)?;
        actor.check_organization(organization_id)?;
        if status == KeyUserStatus::Withdrawn.as_str() {
            return Err(AppError::Conflict(Message::new("error-key-user-withdrawn")));
        }
        diesel::update(key_users::table.find(id))
            .set((
                key_users::status.eq(KeyUserStatus::Withdrawn.as_str()),
                key_users::updated_at.eq(now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(actor.account_id),
                organization_id: Some(organization_id),
                action: "key_user.withdrawn",
                entity: "key_user",
                entity_id: Some(id),
                detail: json!({ "previous_status": status, "reason": reason }),
            },
        )?;
        key_user_view(conn, id)
    })
}

/// A nominated key user who takes a seat in a train-the-trainer session of their domain is
/// now in training; the change is the system's, and audited so.
pub fn start_training(conn: &mut DbConn, person_id: i64, domain_id: i64) -> Result<(), AppError> {
    let changed: Vec<i64> = diesel::update(
        key_users::table
            .filter(key_users::person_id.eq(person_id))
            .filter(key_users::domain_id.eq(domain_id))
            .filter(key_users::status.eq(KeyUserStatus::Nominated.as_str())),
    )
    .set((
        key_users::status.eq(KeyUserStatus::InTraining.as_str()),
        key_users::updated_at.eq(now()),
    ))
    .returning(key_users::id)
    .get_results(conn)?;
    for id in changed {
        audit_system_change(conn, id, person_id, "key_user.training_started", json!({}))?;
    }
    Ok(())
}

/// Certifies a key user trained in a certifying module of the domain (DESIGN §4 rule 4), as
/// of the session's end; the system's change, audited so.
pub fn certify_by_attendance(
    conn: &mut DbConn,
    person_id: i64,
    domain_id: i64,
    session: &crate::domain::sessions::Session,
) -> Result<(), AppError> {
    let changed: Vec<i64> = diesel::update(
        key_users::table
            .filter(key_users::person_id.eq(person_id))
            .filter(key_users::domain_id.eq(domain_id))
            .filter(key_users::status.eq_any([
                KeyUserStatus::Nominated.as_str(),
                KeyUserStatus::InTraining.as_str(),
            ])),
    )
    .set((
        key_users::status.eq(KeyUserStatus::Certified.as_str()),
        key_users::certified_on.eq(session.ends_at.date()),
        key_users::updated_at.eq(now()),
    ))
    .returning(key_users::id)
    .get_results(conn)?;
    for id in changed {
        let detail = json!({ "via": "attendance", "session_id": session.id });
        audit_system_change(conn, id, person_id, "key_user.certified", detail)?;
    }
    Ok(())
}

/// A correction of attendance (a pass turned into a fail or an absence) takes back a
/// certification that this attendance gave: when the key user is no longer trained in any
/// certifying module of the domain and was last certified by the system, not by a planner's
/// hand, they are in training again; audited as the system's.
pub fn recheck_certification(
    conn: &mut DbConn,
    person_id: i64,
    domain_id: i64,
) -> Result<(), AppError> {
    use crate::db::schema::{audit_events, enrollments, modules, training_sessions};
    let Some(key_user_id) = key_users::table
        .filter(key_users::person_id.eq(person_id))
        .filter(key_users::domain_id.eq(domain_id))
        .filter(key_users::status.eq(KeyUserStatus::Certified.as_str()))
        .select(key_users::id)
        .first::<i64>(conn)
        .optional()?
    else {
        return Ok(());
    };
    let results: Vec<(String, Option<bool>, bool)> = enrollments::table
        .inner_join(training_sessions::table.inner_join(modules::table))
        .filter(enrollments::person_id.eq(person_id))
        .filter(modules::domain_id.eq(domain_id))
        .filter(modules::certifies_trainer.eq(true))
        .select((enrollments::status, enrollments::passed, modules::assessed))
        .load(conn)?;
    let still_trained = results.into_iter().any(|(status, passed, assessed)| {
        crate::domain::enrollments::EnrollmentStatus::parse(&status)
            .is_some_and(|status| crate::domain::rules::is_trained(status, passed, assessed))
    });
    let last_certified_by: Option<Option<i64>> = audit_events::table
        .filter(audit_events::action.eq("key_user.certified"))
        .filter(audit_events::entity.eq("key_user"))
        .filter(audit_events::entity_id.eq(key_user_id))
        .order(audit_events::id.desc())
        .select(audit_events::actor_account_id)
        .first(conn)
        .optional()?;
    if still_trained || last_certified_by != Some(None) {
        return Ok(());
    }
    diesel::update(key_users::table.find(key_user_id))
        .set((
            key_users::status.eq(KeyUserStatus::InTraining.as_str()),
            key_users::certified_on.eq(None::<NaiveDate>),
            key_users::updated_at.eq(now()),
        ))
        .execute(conn)?;
    audit_system_change(
        conn,
        key_user_id,
        person_id,
        "key_user.certification_withdrawn",
        json!({ "via": "attendance corrected" }),
    )
}

/// Audits a change the system made to a key user (no account acted).
fn audit_system_change(
    conn: &mut DbConn,
    key_user_id: i64,
    person_id: i64,
    action: &'static str,
    mut detail: serde_json::Value,
) -> Result<(), AppError> {
    let organization_id = crate::domain::people::organization_of(conn, person_id)?;
    detail["person_id"] = json!(person_id);
    detail["by"] = json!("system");
    audit::record(
        conn,
        audit::Event {
            actor_account_id: None,
            organization_id: Some(organization_id),
            action,
            entity: "key_user",
            entity_id: Some(key_user_id),
            detail,
        },
    )
}

/// Whether the person is a certified key user of the domain.
pub fn is_certified(conn: &mut DbConn, person_id: i64, domain_id: i64) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(
        key_users::table
            .filter(key_users::person_id.eq(person_id))
            .filter(key_users::domain_id.eq(domain_id))
            .filter(key_users::status.eq(KeyUserStatus::Certified.as_str())),
    ))
    .get_result(conn)?)
}

/// A planner certifies a key user by hand (trained elsewhere, say), with the reason, audited.
pub fn certify(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    reason: Option<&str>,
) -> Result<KeyUserView, AppError> {
    actor.require(crate::domain::access::STAFF)?;
    let reason = bounded_field("reason", reason, max_chars::REASON)?
        .ok_or_else(|| AppError::invalid("reason", Message::new("field-required")))?;
    crate::db::transaction(conn, |conn| {
        let (status, organization_id) = key_users::table
            .inner_join(people::table)
            .filter(key_users::id.eq(id))
            .select((key_users::status, people::organization_id))
            .first::<(String, i64)>(conn)?;
        if status == KeyUserStatus::Certified.as_str() {
            return Err(AppError::Conflict(Message::new("error-key-user-certified")));
        }
        diesel::update(key_users::table.find(id))
            .set((
                key_users::status.eq(KeyUserStatus::Certified.as_str()),
                key_users::certified_on.eq(now().date()),
                key_users::updated_at.eq(now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(actor.account_id),
                organization_id: Some(organization_id),
                action: "key_user.certified",
                entity: "key_user",
                entity_id: Some(id),
                detail: json!({ "previous_status": status, "reason": reason }),
            },
        )?;
        key_user_view(conn, id)
    })
}
