//! Notifications: e-mails written in the recipient's language and queued in the outbox, in the
//! same transaction as the change they tell about. Without SMTP configured they stay there, where
//! admins can read them; the sender (in `jobs`) delivers them when it is configured.

use diesel::prelude::*;

use crate::db::schema::outbox;
use crate::db::DbConn;
use crate::domain::now;
use crate::error::{AppError, Message};
use crate::i18n::Locale;

/// Queues one e-mail; `subject` and `body` are Fluent messages rendered in `locale`.
pub fn queue(
    conn: &mut DbConn,
    recipient: &str,
    locale: Locale,
    subject: &Message,
    body: &Message,
) -> Result<i64, AppError> {
    let at = now();
    Ok(diesel::insert_into(outbox::table)
        .values((
            outbox::recipient.eq(recipient),
            outbox::subject.eq(locale.message(subject)),
            outbox::body_text.eq(locale.message(body)),
            outbox::created_at.eq(at),
            outbox::next_attempt_at.eq(at),
        ))
        .returning(outbox::id)
        .get_result(conn)?)
}

/// The address of a page of the app, for links in e-mails.
pub fn link(public_url: &str, path: &str) -> String {
    format!("{}{path}", public_url.trim_end_matches('/'))
}
