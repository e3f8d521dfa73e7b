//! The outbox sender: due messages are claimed one by one (a conditional update, so that two
//! instances never send the same message), sent, and marked sent; a failure is retried with
//! exponential backoff, up to `MAX_ATTEMPTS`.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use lettre::message::{header::ContentType, Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{SmtpTransport, Transport};

use crate::db::schema::outbox;
use crate::db::DbConn;
use crate::domain::now;
use crate::error::AppError;

/// Attempts before a message is left for an admin to look at.
pub const MAX_ATTEMPTS: i32 = 8;
/// A claim older than this is considered abandoned (its instance stopped mid-send).
const CLAIM_MINUTES: i64 = 10;

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = outbox)]
pub struct OutboxMessage {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub ics: Option<String>,
    #[serde(serialize_with = "crate::domain::utc::serialize")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::domain::utc::serialize_option")]
    pub sent_at: Option<NaiveDateTime>,
    pub attempts: i32,
    pub last_error: Option<String>,
}

/// Something that delivers a message.
pub trait Mailer {
    fn send(&self, message: &OutboxMessage) -> Result<(), String>;
}

/// SMTP through lettre: `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://…`
/// (TLS); a plain `smtp://` is unencrypted.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: SmtpTransport,
    from: Mailbox,
}

impl SmtpMailer {
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        let transport = SmtpTransport::from_url(url)
            .map_err(|e| format!("smtp_url: {e}"))?
            .build();
        let from = from.parse().map_err(|e| format!("mail_from: {e}"))?;
        Ok(SmtpMailer { transport, from })
    }
}

impl Mailer for SmtpMailer {
    fn send(&self, message: &OutboxMessage) -> Result<(), String> {
        let to: Mailbox = message.recipient.parse().map_err(|e| format!("{e}"))?;
        let text = SinglePart::plain(message.body_text.clone());
        let body = match &message.ics {
            Some(ics) => {
                let method = if ics.contains("METHOD:CANCEL") {
                    "CANCEL"
                } else {
                    "REQUEST"
                };
                let calendar =
                    ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
                        .map_err(|e| e.to_string())?;
                MultiPart::mixed()
                    .singlepart(text)
                    .singlepart(Attachment::new("invite.ics".into()).body(ics.clone(), calendar))
            }
            None => MultiPart::mixed().singlepart(text),
        };
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&message.subject)
            .multipart(body)
            .map_err(|e| e.to_string())?;
        self.transport
            .send(&email)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SendReport {
    pub sent: usize,
    pub failed: usize,
}

/// Sends up to `limit` due messages.
pub fn send_due(
    conn: &mut DbConn,
    mailer: &dyn Mailer,
    limit: i64,
) -> Result<SendReport, AppError> {
    let at = now();
    let stale = at - Duration::minutes(CLAIM_MINUTES);
    let due: Vec<i64> = outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::next_attempt_at.le(at))
        .filter(outbox::attempts.lt(MAX_ATTEMPTS))
        .filter(
            outbox::claimed_at
                .is_null()
                .or(outbox::claimed_at.lt(stale)),
        )
        .order(outbox::id)
        .limit(limit)
        .select(outbox::id)
        .load(conn)?;
    let mut report = SendReport::default();
    for id in due {
        let claimed = diesel::update(
            outbox::table
                .filter(outbox::id.eq(id))
                .filter(outbox::sent_at.is_null())
                .filter(
                    outbox::claimed_at
                        .is_null()
                        .or(outbox::claimed_at.lt(stale)),
                ),
        )
        .set(outbox::claimed_at.eq(now()))
        .execute(conn)?;
        if claimed != 1 {
            continue;
        }
        let message = outbox::table
            .find(id)
            .select(OutboxMessage::as_select())
            .first(conn)?;
        match mailer.send(&message) {
            Ok(()) => {
                diesel::update(outbox::table.find(id))
                    .set((
                        outbox::sent_at.eq(now()),
                        outbox::attempts.eq(outbox::attempts + 1),
                    ))
                    .execute(conn)?;
                report.sent += 1;
            }
            Err(error) => {
                let backoff = Duration::minutes(1 << message.attempts.clamp(0, 10));
                diesel::update(outbox::table.find(id))
                    .set((
                        outbox::attempts.eq(outbox::attempts + 1),
                        outbox::last_error.eq(error.chars().take(500).collect::<String>()),
                        outbox::next_attempt_at.eq(now() + backoff),
                        outbox::claimed_at.eq(None::<NaiveDateTime>),
                    ))
                    .execute(conn)?;
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

/// The newest messages, for the admins' outbox page.
pub fn latest(conn: &mut DbConn, limit: i64) -> Result<Vec<OutboxMessage>, AppError> {
    Ok(outbox::table
        .order(outbox::id.desc())
        .limit(limit)
        .select(OutboxMessage::as_select())
        .load(conn)?)
}
