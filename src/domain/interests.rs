//! Interest in a module when no suitable session exists (language, dates): what planners
//! look at to schedule the next sessions. An interest ends once the person holds a seat.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::db::schema::{interests, modules, organizations, people};
use crate::db::DbConn;
use crate::domain::access::{Actor, STAFF};
use crate::domain::accounts::Role;
use crate::domain::people::PersonLanguage;
use crate::domain::{audit, catalogue, non_blank, now};
use crate::error::{AppError, FieldErrors, Message};

#[derive(Debug, Clone, Default, Serialize, Deserialize, rocket::FromForm)]
pub struct InterestInput {
    pub module: Option<String>,
    /// Defaults to the actor's own person (members must leave it out).
    pub person_id: Option<i64>,
    /// Defaults to the person's language.
    pub language: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Queryable, Selectable)]
#[diesel(table_name = interests)]
pub struct InterestView {
    pub id: i64,
    pub person_id: i64,
    #[diesel(select_expression = people::full_name)]
    pub full_name: String,
    #[diesel(select_expression = organizations::code)]
    pub organization: String,
    #[diesel(select_expression = modules::code)]
    pub module: String,
    pub language: String,
    pub note: Option<String>,
    #[serde(serialize_with = "crate::domain::utc::serialize")]
    pub created_at: NaiveDateTime,
}

#[diesel::dsl::auto_type(no_type_alias)]
fn interest_rows() -> _ {
    interests::table
        .inner_join(people::table.inner_join(organizations::table))
        .inner_join(modules::table)
}

/// Declares (or updates) a person's interest in a module: a member for itself, HR for its
/// people, staff for anyone.
pub fn declare(
    conn: &mut DbConn,
    actor: &Actor,
    input: &InterestInput,
) -> Result<InterestView, AppError> {
    let person_id = match (actor.role, input.person_id) {
        (Role::Member, Some(p)) if Some(p) != actor.person_id => return Err(AppError::NotFound),
        (_, Some(p)) => p,
        (_, None) => actor
            .person_id
            .ok_or_else(|| AppError::invalid("person_id", Message::new("field-required")))?,
    };
    let (organization_id, language): (i64, String) = people::table
        .find(person_id)
        .filter(people::active.eq(true))
        .select((people::organization_id, people::language))
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    actor.check_organization(organization_id)?;
    let mut errors = FieldErrors::default();
    let module_id = crate::domain::resolve_code(
        &mut errors,
        "module",
        input.module.as_deref(),
        Message::new("field-required"),
        Message::new("field-module-unknown"),
        |code| catalogue::module_id_by_code(conn, code),
    )?;
    let language = match non_blank(input.language.as_deref()) {
        Some(code) => PersonLanguage::parse(&code).or_else(|| {
            errors.add("language", Message::new("field-language-invalid"));
            None
        }),
        None => PersonLanguage::parse(&language),
    };
    let note = crate::domain::bounded(
        &mut errors,
        "note",
        input.note.as_deref(),
        crate::domain::max_chars::NOTE,
    );
    errors.into_result()?;
    let (Some(module_id), Some(language)) = (module_id, language) else {
        return Err(AppError::internal("validated interest missing"));
    };
    crate::db::transaction(conn, |conn| {
        diesel::delete(
            interests::table
                .filter(interests::person_id.eq(person_id))
                .filter(interests::module_id.eq(module_id)),
        )
        .execute(conn)?;
        let id: i64 = diesel::insert_into(interests::table)
            .values((
                interests::person_id.eq(person_id),
                interests::module_id.eq(module_id),
                interests::language.eq(language.as_str()),
                interests::note.eq(&note),
                interests::created_by.eq(actor.account_id),
                interests::created_at.eq(now()),
            ))
            .returning(interests::id)
            .get_result(conn)?;
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(actor.account_id),
                organization_id: Some(organization_id),
                action: "interest.declared",
                entity: "interest",
                entity_id: Some(id),
                detail: json!({ "person_id": person_id, "module_id": module_id }),
            },
        )?;
        Ok(interest_rows()
            .filter(interests::id.eq(id))
            .select(InterestView::as_select())
            .first(conn)?)
    })
}

/// Filters of the interest list (`?module=&language=`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, rocket::FromForm)]
pub struct InterestFilter {
    pub module: Option<String>,
    pub language: Option<String>,
}

/// Interests in scope, by module and language: staff all; HR its organisation's; a member its own.
pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    filter: &InterestFilter,
) -> Result<Vec<InterestView>, AppError> {
    let mut errors = FieldErrors::default();
    let module_id = crate::domain::optional_code(
        &mut errors,
        "module",
        filter.module.as_deref(),
        Message::new("field-module-unknown"),
        |code| catalogue::module_id_by_code(conn, code),
    )?;
    let language: Option<PersonLanguage> = crate::domain::rules::code_filter(
        &mut errors,
        "language",
        filter.language.as_deref(),
        Message::new("field-language-invalid"),
    );
    errors.into_result()?;
    let mut query = interest_rows()
        .select(InterestView::as_select())
        .order((modules::code, interests::language, interests::created_at))
        .into_boxed();
    if !STAFF.contains(&actor.role) {
        query = match actor.role {
            Role::Member => query.filter(interests::person_id.eq(actor.person_id.unwrap_or(-1))),
            _ => query.filter(people::organization_id.eq(actor.organization_id.unwrap_or(-1))),
        };
    }
    if let Some(id) = module_id {
        query = query.filter(interests::module_id.eq(id));
    }
    if let Some(language) = language {
        query = query.filter(interests::language.eq(language.as_str()));
    }
    Ok(query.load(conn)?)
}
