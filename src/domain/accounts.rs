//! Accounts: who may sign in, with which role, for which organisation.

use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
use argon2::Argon2;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;

use crate::db::schema::{accounts, organizations};
use crate::db::DbConn;
use crate::domain::{audit, text_enum};
use crate::error::{AppError, FieldErrors, Message};

text_enum! {
    pub enum Role {
        Admin => "admin",
        Planner => "planner",
        Hr => "hr",
        Member => "member",
    }
}

impl Role {
    /// `hr` and `member` accounts act for exactly one organisation.
    pub fn needs_organization(self) -> bool {
        matches!(self, Role::Hr | Role::Member)
    }
}

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: i64,
    pub person_id: Option<i64>,
    pub organization_id: Option<i64>,
    pub email: String,
    #[diesel(deserialize_as = String)]
    pub role: Role,
    pub locale: Option<String>,
    pub active: bool,
}

/// What it takes to create an account.
#[derive(Debug, Clone)]
pub struct AccountRequest {
    pub email: String,
    pub role: Role,
    pub organization_code: Option<String>,
    pub person_id: Option<i64>,
    pub password: Option<String>,
    pub locale: Option<String>,
}

/// Hashes a password with argon2id and a fresh salt (OWASP parameters: m=19 MiB, t=2, p=1).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::internal(format!("password hashing failed: {e}")))
}

/// Normalises an email address for storage and comparison.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn looks_like_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

pub fn find(conn: &mut DbConn, id: i64) -> Result<Account, AppError> {
    Ok(accounts::table
        .find(id)
        .select(Account::as_select())
        .first(conn)?)
}

/// Creates an account (and audits it). The password, when given, must meet the policy.
pub fn create(
    conn: &mut DbConn,
    actor_account_id: Option<i64>,
    request: &AccountRequest,
) -> Result<Account, AppError> {
    let email = normalize_email(&request.email);
    let mut errors = FieldErrors::default();
    if !looks_like_email(&email) {
        errors.add("email", Message::new("field-email-invalid"));
    }
    if let Some(password) = &request.password {
        if password.chars().count() < MIN_PASSWORD_CHARS {
            errors.add(
                "password",
                Message::new("field-password-too-short").arg("min", MIN_PASSWORD_CHARS.to_string()),
            );
        }
    }
    let organization_id = match (
        &request.organization_code,
        request.role.needs_organization(),
    ) {
        (Some(code), _) => {
            let id = organizations::table
                .filter(organizations::code.eq(code))
                .select(organizations::id)
                .first::<i64>(conn)
                .optional()?;
            if id.is_none() {
                errors.add("organization", Message::new("field-organization-unknown"));
            }
            id
        }
        (None, true) => {
            errors.add("organization", Message::new("field-organization-required"));
            None
        }
        (None, false) => None,
    };
    errors.into_result()?;

    let password_hash = request.password.as_deref().map(hash_password).transpose()?;
    conn.transaction(|conn| {
        let taken = diesel::select(diesel::dsl::exists(
            accounts::table.filter(accounts::email.eq(&email)),
        ))
        .get_result::<bool>(conn)?;
        if taken {
            return Err(AppError::invalid(
                "email",
                Message::new("field-email-taken"),
            ));
        }
        let account_id: i64 = diesel::insert_into(accounts::table)
            .values((
                accounts::email.eq(&email),
                accounts::role.eq(request.role.as_str()),
                accounts::organization_id.eq(organization_id),
                accounts::person_id.eq(request.person_id),
                accounts::password_hash.eq(password_hash),
                accounts::locale.eq(&request.locale),
                accounts::created_at.eq(crate::domain::now()),
            ))
            .returning(accounts::id)
            .get_result(conn)?;
        let account = find(conn, account_id)?;
        audit::record(
            conn,
            audit::Event {
                actor_account_id,
                organization_id,
                action: "account.created",
                entity: "account",
                entity_id: Some(account.id),
                detail: json!({ "email": account.email, "role": account.role.as_str() }),
            },
        )?;
        Ok(account)
    })
}
