//! Secrets handed to users: API bearer tokens (90 days) and single-use e-mail links (72 hours).
//! Both are 256-bit random values; only their SHA-256 is stored, so a database leak reveals no
//! usable token. (A slow hash like argon2 is for low-entropy passwords, not for these.)

use base64::Engine;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::RngCore;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::db::schema::{accounts, api_tokens, email_links};
use crate::db::DbConn;
use crate::domain::accounts::Account;
use crate::domain::{audit, now, text_enum};
use crate::error::{AppError, Message};

/// How long an API token lives.
pub const API_TOKEN_DAYS: i64 = 90;
/// How long an invitation, reset or registration link stays valid.
pub const LINK_VALID_HOURS: i64 = 72;
/// `last_used_at` is refreshed at most this often, so that reads do not become writes.
const LAST_USED_PRECISION_SECONDS: i64 = 60;

/// A new random secret, URL-safe.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored for a secret.
pub fn hash_secret(secret: &str) -> String {
    format!("{:x}", Sha256::digest(secret.as_bytes()))
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: i64,
    pub account_id: i64,
    pub label: Option<String>,
    #[serde(serialize_with = "crate::domain::utc::serialize")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::domain::utc::serialize")]
    pub expires_at: NaiveDateTime,
    #[serde(serialize_with = "crate::domain::utc::serialize_option")]
    pub last_used_at: Option<NaiveDateTime>,
}

/// Issues a token for an account; the secret is returned once and never stored.
pub fn create_api_token(
    conn: &mut DbConn,
    account: &Account,
    label: Option<&str>,
) -> Result<(String, ApiToken), AppError> {
    let secret = new_secret();
    let created_at = now();
    let label = self::label(label)?;
    crate::db::transaction(conn, |conn| {
        let id: i64 = diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::account_id.eq(account.id),
                api_tokens::token_hash.eq(hash_secret(&secret)),
                api_tokens::label.eq(&label),
                api_tokens::created_at.eq(created_at),
                api_tokens::expires_at.eq(created_at + Duration::days(API_TOKEN_DAYS)),
            ))
            .returning(api_tokens::id)
            .get_result(conn)?;
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(account.id),
                organization_id: account.organization_id,
                action: "api_token.created",
                entity: "api_token",
                entity_id: Some(id),
                detail: json!({ "label": label }),
            },
        )?;
        let token = api_tokens::table
            .find(id)
            .select(ApiToken::as_select())
            .first(conn)?;
        Ok((secret, token))
    })
}

/// The active account a bearer token belongs to, with the token's id; `None` when the token is
/// unknown, expired, or its account is inactive.
pub fn authenticate(conn: &mut DbConn, secret: &str) -> Result<Option<(Account, i64)>, AppError> {
    let at = now();
    let found = api_tokens::table
        .inner_join(accounts::table)
        .filter(api_tokens::token_hash.eq(hash_secret(secret)))
        .filter(api_tokens::expires_at.gt(at))
        .filter(accounts::active.eq(true))
        .select((
            Account::as_select(),
            api_tokens::id,
            api_tokens::last_used_at,
        ))
        .first::<(Account, i64, Option<NaiveDateTime>)>(conn)
        .optional()?;
    let Some((account, token_id, last_used_at)) = found else {
        return Ok(None);
    };
    let stale = last_used_at
        .map(|t| at - t > Duration::seconds(LAST_USED_PRECISION_SECONDS))
        .unwrap_or(true);
    if stale {
        diesel::update(api_tokens::table.find(token_id))
            .set(api_tokens::last_used_at.eq(at))
            .execute(conn)?;
    }
    Ok(Some((account, token_id)))
}

/// The account's tokens, newest first (expired ones included, marked by their date).
pub fn list_api_tokens(conn: &mut DbConn, account_id: i64) -> Result<Vec<ApiToken>, AppError> {
    Ok(api_tokens::table
        .filter(api_tokens::account_id.eq(account_id))
        .order(api_tokens::id.desc())
        .select(ApiToken::as_select())
        .load(conn)?)
}

/// Revokes one of the account's own tokens; another account's token answers 404.
pub fn revoke_api_token(
    conn: &mut DbConn,
    account: &Account,
    token_id: i64,
) -> Result<(), AppError> {
    crate::db::transaction(conn, |conn| {
        let deleted = diesel::delete(
            api_tokens::table
                .filter(api_tokens::id.eq(token_id))
                .filter(api_tokens::account_id.eq(account.id)),
        )
        .execute(conn)?;
        if deleted == 0 {
            return Err(AppError::NotFound);
        }
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(account.id),
                organization_id: account.organization_id,
                action: "api_token.revoked",
                entity: "api_token",
                entity_id: Some(token_id),
                detail: json!({}),
            },
        )
    })
}

/// Spends the account's unused e-mail links: a new password makes older invitations and
/// resets moot.
pub fn revoke_links(conn: &mut DbConn, account_id: i64) -> Result<(), AppError> {
    diesel::update(
        email_links::table
            .filter(email_links::account_id.eq(account_id))
            .filter(email_links::used_at.is_null()),
    )
    .set(email_links::used_at.eq(now()))
    .execute(conn)?;
    Ok(())
}

/// A token's label as stored: trimmed, at most `max_chars::LABEL` (422 naming `label`).
pub fn label(label: Option<&str>) -> Result<Option<String>, AppError> {
    crate::domain::bounded_field("label", label, crate::domain::max_chars::LABEL)
}

/// Revokes every API token and the calendar feed of an account (after a password reset).
pub fn revoke_all(conn: &mut DbConn, account_id: i64) -> Result<(), AppError> {
    diesel::delete(api_tokens::table.filter(api_tokens::account_id.eq(account_id)))
        .execute(conn)?;
    diesel::update(accounts::table.find(account_id))
        .set(accounts::calendar_token_hash.eq(None::<String>))
        .execute(conn)?;
    Ok(())
}

text_enum! {
    /// What an e-mail link lets its holder do: set the first password of an account made for
    /// them, choose a new password, or claim an account for a person HR has listed.
    pub enum LinkPurpose {
        Invitation => "invitation",
        PasswordReset => "password_reset",
        Registration => "registration",
    }
}

/// What a link points at: an account (invitation, reset) or a person (registration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkTarget {
    Account(i64),
    Person(i64),
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = email_links)]
pub struct EmailLink {
    pub id: i64,
    #[diesel(deserialize_as = String)]
    pub purpose: LinkPurpose,
    pub account_id: Option<i64>,
    pub person_id: Option<i64>,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

/// Creates a single-use link and returns its secret (to put in the e-mail).
pub fn create_link(
    conn: &mut DbConn,
    purpose: LinkPurpose,
    target: LinkTarget,
) -> Result<String, AppError> {
    let secret = new_secret();
    let (account_id, person_id) = match target {
        LinkTarget::Account(id) => (Some(id), None),
        LinkTarget::Person(id) => (None, Some(id)),
    };
    let created_at = now();
    diesel::insert_into(email_links::table)
        .values((
            email_links::purpose.eq(purpose.as_str()),
            email_links::token_hash.eq(hash_secret(&secret)),
            email_links::account_id.eq(account_id),
            email_links::person_id.eq(person_id),
            email_links::created_at.eq(created_at),
            email_links::expires_at.eq(created_at + Duration::hours(LINK_VALID_HOURS)),
        ))
        .execute(conn)?;
    Ok(secret)
}

/// The link a secret opens, if it is still usable: unknown answers 404, used or expired 410.
pub fn find_link(conn: &mut DbConn, secret: &str) -> Result<EmailLink, AppError> {
    let link = email_links::table
        .filter(email_links::token_hash.eq(hash_secret(secret)))
        .select(EmailLink::as_select())
        .first::<EmailLink>(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    if link.used_at.is_some() || link.expires_at <= now() {
        return Err(AppError::Gone(Message::new("error-link-expired")));
    }
    Ok(link)
}

/// Marks a link used; fails with 410 if another request used it first.
pub fn consume_link(conn: &mut DbConn, link_id: i64) -> Result<(), AppError> {
    let updated = diesel::update(
        email_links::table
            .filter(email_links::id.eq(link_id))
            .filter(email_links::used_at.is_null()),
    )
    .set(email_links::used_at.eq(now()))
    .execute(conn)?;
    if updated == 1 {
        Ok(())
    } else {
        Err(AppError::Gone(Message::new("error-link-expired")))
    }
}
