//! The audit trail: every state change writes one event (who, what, which row, details).

use diesel::prelude::*;
use serde_json::Value;

use crate::db::schema::audit_events;
use crate::db::DbConn;
use crate::domain::access::Actor;
use crate::domain::accounts::Role;
use crate::domain::{non_blank, now, PageRequest, Paged};
use crate::error::{AppError, FieldErrors, Message};

/// One change to record. `detail` must never hold secrets (passwords, tokens).
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub actor_account_id: Option<i64>,
    pub organization_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub detail: Value,
}

pub fn record(conn: &mut DbConn, event: Event<'_>) -> Result<(), AppError> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::at.eq(now()),
            audit_events::actor_account_id.eq(event.actor_account_id),
            audit_events::organization_id.eq(event.organization_id),
            audit_events::action.eq(event.action),
            audit_events::entity.eq(event.entity),
            audit_events::entity_id.eq(event.entity_id),
            audit_events::detail.eq(event.detail.to_string()),
        ))
        .execute(conn)?;
    Ok(())
}

/// An audit event as the browser and the API show it.
#[derive(Debug, Clone, serde::Serialize, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct EventView {
    pub id: i64,
    #[serde(serialize_with = "crate::domain::utc::serialize")]
    pub at: chrono::NaiveDateTime,
    /// The actor's e-mail address.
    #[diesel(select_expression = crate::db::schema::accounts::email.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<crate::db::schema::accounts::email>)]
    pub actor: Option<String>,
    #[diesel(select_expression = crate::db::schema::organizations::code.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<crate::db::schema::organizations::code>)]
    pub organization: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub detail: String,
}

/// Filters of the audit browser (`?action=&entity=&entity_id=&organization=&actor=&from=&to=`).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, rocket::FromForm)]
pub struct EventFilter {
    /// An action, or its prefix (`person.` for every change to people).
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub organization: Option<String>,
    /// The actor's e-mail address.
    pub actor: Option<String>,
    /// ISO dates, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Events, newest first: admins see all, HR its organisation's.
pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    filter: &EventFilter,
    page: PageRequest,
) -> Result<Paged<EventView>, AppError> {
    use crate::db::schema::{accounts, organizations};
    actor.require(&[Role::Admin, Role::Hr])?;
    let mut errors = FieldErrors::default();
    let date = |field: &str, value: &Option<String>, errors: &mut FieldErrors| {
        let value = non_blank(value.as_deref())?;
        chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d")
            .map_err(|_| errors.add(field.to_owned(), Message::new("field-date-invalid")))
            .ok()
    };
    let from = date("from", &filter.from, &mut errors);
    let to = date("to", &filter.to, &mut errors);
    crate::domain::rules::organization_filter(
        conn,
        &mut errors,
        "organization",
        filter.organization.as_deref(),
    )?;
    errors.into_result()?;
    let build = || {
        let mut query = audit_events::table
            .left_join(accounts::table)
            .left_join(
                organizations::table
                    .on(audit_events::organization_id.eq(organizations::id.nullable())),
            )
            .into_boxed();
        if let Some(organization_id) = actor.scope().organization_id() {
            query = query.filter(audit_events::organization_id.eq(organization_id));
        }
        if let Some(action) = non_blank(filter.action.as_deref()) {
            query = if action.ends_with('.') {
                query.filter(audit_events::action.like(format!("{action}%")))
            } else {
                query.filter(audit_events::action.eq(action))
            };
        }
        if let Some(entity) = non_blank(filter.entity.as_deref()) {
            query = query.filter(audit_events::entity.eq(entity));
        }
        if let Some(id) = filter.entity_id {
            query = query.filter(audit_events::entity_id.eq(id));
        }
        if let Some(code) = non_blank(filter.organization.as_deref()) {
            query = query.filter(organizations::code.eq(code));
        }
        if let Some(email) = non_blank(filter.actor.as_deref()) {
            query = query.filter(accounts::email.eq(crate::domain::normalize_email(&email)));
        }
        if let Some(from) = from {
            query = query.filter(audit_events::at.ge(from.and_time(chrono::NaiveTime::MIN)));
        }
        if let Some(to) = to.and_then(|d| d.succ_opt()) {
            query = query.filter(audit_events::at.lt(to.and_time(chrono::NaiveTime::MIN)));
        }
        query
    };
    let total: i64 = build().count().get_result(conn)?;
    let items = build()
        .select(EventView::as_select())
        .order(audit_events::id.desc())
        .limit(page.per_page)
        .offset(page.offset())
        .load(conn)?;
    Ok(Paged::new(items, total, page))
}
