//! Calendar files: one per session, and a personal feed of one's seats at a secret URL that
//! calendar apps subscribe to (no bearer header needed; the secret is revocable).

use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::{accounts, enrollments, modules, training_sessions, venues};
use crate::db::DbConn;
use crate::domain::access::Actor;
use crate::domain::accounts::Account;
use crate::domain::enrollments::EnrollmentStatus;
use crate::domain::notifications::{calendar, place, Appointment};
use crate::domain::sessions::{self, SessionStatus};
use crate::domain::{audit, tokens};
use crate::error::AppError;
use crate::i18n::Locale;

/// `GET /sessions/{id}.ics`: the session as the viewer may see it.
pub fn session_file(
    conn: &mut DbConn,
    viewer: Option<&Actor>,
    id: i64,
    locale: Locale,
) -> Result<String, AppError> {
    let view = sessions::view(conn, viewer, id)?;
    let s = &view.session;
    let place = place(
        s.venue_name.as_deref(),
        s.venue_address.as_deref(),
        s.online_url.as_deref(),
    );
    let event = Appointment {
        session_id: s.id,
        person_id: None,
        summary: s.title(locale),
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        place: &place,
        sequence: s.revision.max(0) as u32,
        cancelled: s.status == SessionStatus::Cancelled.as_str(),
    }
    .event();
    Ok(calendar("PUBLISH", vec![event]))
}

/// The sessions where the person holds a seat, as one calendar.
pub fn person_feed(conn: &mut DbConn, person_id: i64, locale: Locale) -> Result<String, AppError> {
    type Row = (
        i64,
        String,
        String,
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
        Option<String>,
        Option<String>,
        Option<String>,
        i32,
    );
    let rows: Vec<Row> = enrollments::table
        .inner_join(
            training_sessions::table
                .inner_join(modules::table)
                .left_join(venues::table),
        )
        .filter(enrollments::person_id.eq(person_id))
        .filter(
            enrollments::status
                .eq_any(crate::domain::rules::HOLDS_A_SEAT.map(EnrollmentStatus::as_str)),
        )
        .filter(training_sessions::status.ne(SessionStatus::Cancelled.as_str()))
        .order(training_sessions::starts_at)
        .select((
            training_sessions::id,
            modules::title_fr,
            modules::title_nl,
            training_sessions::starts_at,
            training_sessions::ends_at,
            venues::name.nullable(),
            venues::address.nullable(),
            training_sessions::online_url,
            enrollments::ics_sequence,
        ))
        .load(conn)?;
    let events = rows
        .into_iter()
        .map(
            |(id, fr, nl, starts_at, ends_at, venue, address, url, sequence)| {
                let place = place(venue.as_deref(), address.as_deref(), url.as_deref());
                let title = if locale == Locale::Nl { nl } else { fr };
                Appointment {
                    session_id: id,
                    person_id: Some(person_id),
                    summary: &title,
                    starts_at,
                    ends_at,
                    place: &place,
                    sequence: sequence.max(0) as u32,
                    cancelled: false,
                }
                .event()
            },
        )
        .collect();
    Ok(calendar("PUBLISH", events))
}

/// Creates (or replaces) the account's secret feed address; returns the secret once.
pub fn create_feed(conn: &mut DbConn, account: &Account) -> Result<String, AppError> {
    let secret = tokens::new_secret();
    crate::db::transaction(conn, |conn| {
        diesel::update(accounts::table.find(account.id))
            .set(accounts::calendar_token_hash.eq(tokens::hash_secret(&secret)))
            .execute(conn)?;
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(account.id),
                organization_id: account.organization_id,
                action: "calendar_feed.created",
                entity: "account",
                entity_id: Some(account.id),
                detail: json!({}),
            },
        )?;
        Ok(secret)
    })
}

/// Revokes the account's feed address: the old URL answers 404 from now on.
pub fn revoke_feed(conn: &mut DbConn, account: &Account) -> Result<(), AppError> {
    crate::db::transaction(conn, |conn| {
        diesel::update(accounts::table.find(account.id))
            .set(accounts::calendar_token_hash.eq(None::<String>))
            .execute(conn)?;
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(account.id),
                organization_id: account.organization_id,
                action: "calendar_feed.revoked",
                entity: "account",
                entity_id: Some(account.id),
                detail: json!({}),
            },
        )
    })
}

/// The feed behind a secret address (404 when unknown or revoked).
pub fn feed(conn: &mut DbConn, secret: &str) -> Result<String, AppError> {
    let (person_id, locale): (Option<i64>, Option<String>) = accounts::table
        .filter(accounts::calendar_token_hash.eq(tokens::hash_secret(secret)))
        .filter(accounts::active.eq(true))
        .select((accounts::person_id, accounts::locale))
        .first(conn)?;
    let locale = locale
        .as_deref()
        .and_then(Locale::parse)
        .unwrap_or(Locale::DEFAULT);
    match person_id {
        Some(person_id) => person_feed(conn, person_id, locale),
        None => Ok(calendar("PUBLISH", Vec::new())),
    }
}
