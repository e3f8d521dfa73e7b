//! The audit trail: every state change writes one event (who, what, which row, details).

use diesel::prelude::*;
use serde_json::Value;

use crate::db::schema::audit_events;
use crate::db::DbConn;
use crate::domain::now;
use crate::error::AppError;

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
