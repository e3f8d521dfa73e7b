//! Browser sign-ins, kept on the server so that they can be ended.
//!
//! The session cookie carries a random secret; this table holds its SHA-256. Signing out
//! deletes the row, so a copy of the cookie is worth nothing afterwards; a new password, a
//! reset, deactivation and a lockout delete every row of the account. A sign-in lasts at most
//! `MAX_AGE_HOURS`, however active (the cookie itself lapses after a shorter idle time).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{accounts, sign_ins};
use crate::db::DbConn;
use crate::domain::accounts::Account;
use crate::domain::now;
use crate::domain::tokens::{hash_secret, new_secret};
use crate::error::AppError;

/// The absolute lifetime of a sign-in.
pub const MAX_AGE_HOURS: i64 = 12;

fn oldest_live(at: NaiveDateTime) -> NaiveDateTime {
    at - Duration::hours(MAX_AGE_HOURS)
}

/// Starts a sign-in for the account and returns the secret the cookie carries. The
/// account's lapsed sign-ins are cleared on the way.
pub fn start(conn: &mut DbConn, account_id: i64) -> Result<String, AppError> {
    let secret = new_secret();
    let at = now();
    crate::db::transaction(conn, |conn| {
        diesel::delete(
            sign_ins::table
                .filter(sign_ins::account_id.eq(account_id))
                .filter(sign_ins::created_at.le(oldest_live(at))),
        )
        .execute(conn)?;
        diesel::insert_into(sign_ins::table)
            .values((
                sign_ins::account_id.eq(account_id),
                sign_ins::token_hash.eq(hash_secret(&secret)),
                sign_ins::created_at.eq(at),
            ))
            .execute(conn)?;
        Ok(secret)
    })
}

/// The active account a live sign-in belongs to; `None` once it was ended or has lapsed, or
/// when the account was deactivated.
pub fn account_of(conn: &mut DbConn, secret: &str) -> Result<Option<Account>, AppError> {
    Ok(sign_ins::table
        .inner_join(accounts::table)
        .filter(sign_ins::token_hash.eq(hash_secret(secret)))
        .filter(sign_ins::created_at.gt(oldest_live(now())))
        .filter(accounts::active.eq(true))
        .select(Account::as_select())
        .first(conn)
        .optional()?)
}

/// Ends one sign-in (signing out). Ending one that is already gone is not an error.
pub fn end(conn: &mut DbConn, secret: &str) -> Result<(), AppError> {
    diesel::delete(sign_ins::table.filter(sign_ins::token_hash.eq(hash_secret(secret))))
        .execute(conn)?;
    Ok(())
}

/// Ends every sign-in of an account: after a new password, a reset, deactivation or a
/// lockout. Returns how many were ended.
pub fn end_all(conn: &mut DbConn, account_id: i64) -> Result<usize, AppError> {
    Ok(
        diesel::delete(sign_ins::table.filter(sign_ins::account_id.eq(account_id)))
            .execute(conn)?,
    )
}

/// Ends every sign-in of the accounts of a person (deactivated or anonymised).
pub fn end_all_of_person(conn: &mut DbConn, person_id: i64) -> Result<usize, AppError> {
    let of_person = accounts::table
        .filter(accounts::person_id.eq(person_id))
        .select(accounts::id);
    Ok(
        diesel::delete(sign_ins::table.filter(sign_ins::account_id.eq_any(of_person)))
            .execute(conn)?,
    )
}

/// Deletes the sign-ins that have lapsed (a background job).
pub fn purge_lapsed(conn: &mut DbConn) -> Result<usize, AppError> {
    Ok(
        diesel::delete(sign_ins::table.filter(sign_ins::created_at.le(oldest_live(now()))))
            .execute(conn)?,
    )
}
