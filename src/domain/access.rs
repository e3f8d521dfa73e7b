//! Who is acting, and what they may see (DESIGN §4 rule 5).
//!
//! Every domain function that reads or changes scoped data takes an `Actor`. Role checks answer
//! 403 (`require`); rows outside the actor's organisation answer 404 (`check_organization`), so
//! that `hr` and `member` accounts cannot even learn that another organisation's rows exist.

use crate::domain::accounts::{Account, Role};
use crate::error::AppError;

/// The signed-in account a request acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account_id: i64,
    pub role: Role,
    /// Set for `hr` and `member` (enforced by a CHECK in the database).
    pub organization_id: Option<i64>,
    pub person_id: Option<i64>,
}

/// The organisations whose people, plans and enrolments an actor sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    Organization(i64),
}

impl Scope {
    pub fn allows(self, organization_id: i64) -> bool {
        match self {
            Scope::All => true,
            Scope::Organization(own) => own == organization_id,
        }
    }

    /// The one organisation a query must be limited to, if any.
    pub fn organization_id(self) -> Option<i64> {
        match self {
            Scope::All => None,
            Scope::Organization(id) => Some(id),
        }
    }
}

impl Actor {
    pub fn of(account: &Account) -> Self {
        Actor {
            account_id: account.id,
            role: account.role,
            organization_id: account.organization_id,
            person_id: account.person_id,
        }
    }

    pub fn scope(&self) -> Scope {
        match (self.role, self.organization_id) {
            (Role::Admin | Role::Planner, _) => Scope::All,
            (_, Some(id)) => Scope::Organization(id),
            // Cannot happen (a CHECK forbids it); see nothing rather than everything.
            (_, None) => Scope::Organization(-1),
        }
    }

    /// 403 unless the actor has one of these roles.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// 404 when the row's organisation is outside the actor's scope.
    pub fn check_organization(&self, organization_id: i64) -> Result<(), AppError> {
        if self.scope().allows(organization_id) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    pub fn is(&self, role: Role) -> bool {
        self.role == role
    }
}

/// Roles that manage people of their organisation (admin everywhere).
pub const PEOPLE_MANAGERS: &[Role] = &[Role::Admin, Role::Hr];
/// Roles that read people: managers and planners (read-only).
pub const PEOPLE_READERS: &[Role] = &[Role::Admin, Role::Hr, Role::Planner];
/// Roles that run the regional schedule and memberships.
pub const STAFF: &[Role] = &[Role::Admin, Role::Planner];
