//! Notifications: e-mails in the recipient's language, queued in the outbox in the same
//! transaction as the change they tell about. Bodies are Tera templates (`templates/emails/`,
//! embedded in the binary) that take their words from Fluent; session e-mails carry an
//! iCalendar invitation with one UID per session and person, its SEQUENCE raised on each
//! change, and METHOD:CANCEL when the seat is gone. Without SMTP configured the messages stay
//! in the outbox, where admins read them; `jobs::outbox` sends them when it is.

use std::sync::OnceLock;

use chrono::{NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Brussels;
use diesel::prelude::*;
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

use crate::db::schema::{
    accounts, enrollments, modules, outbox, people, training_sessions, venues,
};
use crate::db::DbConn;
use crate::domain::now;
use crate::error::{AppError, Message};
use crate::i18n::{Locale, LOCALES};

/// Queues one e-mail; `subject` and `body` are Fluent messages rendered in `locale`.
pub fn queue(
    conn: &mut DbConn,
    recipient: &str,
    locale: Locale,
    subject: &Message,
    body: &Message,
) -> Result<i64, AppError> {
    queue_rendered(
        conn,
        recipient,
        &locale.message(subject),
        &locale.message(body),
        None,
    )
}

fn queue_rendered(
    conn: &mut DbConn,
    recipient: &str,
    subject: &str,
    body: &str,
    ics: Option<&str>,
) -> Result<i64, AppError> {
    let at = now();
    Ok(diesel::insert_into(outbox::table)
        .values((
            outbox::recipient.eq(recipient),
            outbox::subject.eq(subject),
            outbox::body_text.eq(body),
            outbox::ics.eq(ics),
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

/// What happened to an enrolment (or its session) that its person must hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Confirmed,
    Waitlisted,
    Pending,
    Promoted,
    Refused,
    Cancelled,
    SessionChanged,
    SessionCancelled,
    Reminder,
}

impl Change {
    /// The code that names the e-mail's Fluent strings (`email-enrollment-<code>`).
    pub fn code(self) -> &'static str {
        match self {
            Change::Confirmed => "confirmed",
            Change::Waitlisted => "waitlisted",
            Change::Pending => "pending",
            Change::Promoted => "promoted",
            Change::Refused => "refused",
            Change::Cancelled => "cancelled",
            Change::SessionChanged => "session_changed",
            Change::SessionCancelled => "session_cancelled",
            Change::Reminder => "reminder",
        }
    }

    pub const ALL: [Change; 9] = [
        Change::Confirmed,
        Change::Waitlisted,
        Change::Pending,
        Change::Promoted,
        Change::Refused,
        Change::Cancelled,
        Change::SessionChanged,
        Change::SessionCancelled,
        Change::Reminder,
    ];

    fn subject(self) -> Message {
        Message::new(match self {
            Change::Confirmed => "email-enrollment-confirmed-subject",
            Change::Waitlisted => "email-enrollment-waitlisted-subject",
            Change::Pending => "email-enrollment-pending-subject",
            Change::Promoted => "email-enrollment-promoted-subject",
            Change::Refused => "email-enrollment-refused-subject",
            Change::Cancelled => "email-enrollment-cancelled-subject",
            Change::SessionChanged => "email-enrollment-session_changed-subject",
            Change::SessionCancelled => "email-enrollment-session_cancelled-subject",
            Change::Reminder => "email-enrollment-reminder-subject",
        })
    }
}

fn emails() -> &'static tera::Tera {
    static EMAILS: OnceLock<tera::Tera> = OnceLock::new();
    EMAILS.get_or_init(|| {
        let mut tera = tera::Tera::default();
        tera.add_raw_template(
            "enrollment.txt",
            include_str!("../../templates/emails/enrollment.txt.tera"),
        )
        .expect("the e-mail templates parse");
        tera.register_function(
            "t",
            fluent_templates::FluentLoader::new(&*LOCALES)
                .with_default_lang(Locale::DEFAULT.langid().clone()),
        );
        tera.autoescape_on(vec![]);
        tera
    })
}

/// Where a session takes place, in words: the venue and its address, or the online link.
pub fn place(venue: Option<&str>, address: Option<&str>, online_url: Option<&str>) -> String {
    match (venue, address, online_url) {
        (Some(venue), Some(address), _) => format!("{venue}, {address}"),
        (_, _, Some(url)) => url.to_owned(),
        _ => String::new(),
    }
}

/// Brussels wall-clock time, as e-mails and pages show it.
pub fn local_time(utc: NaiveDateTime) -> String {
    Utc.from_utc_datetime(&utc)
        .with_timezone(&Brussels)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// What an enrolment e-mail needs to know.
struct Context {
    session_id: i64,
    person_id: i64,
    email: Option<String>,
    name: String,
    locale: Locale,
    module: String,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    place: String,
    sequence: i32,
    reason: Option<String>,
}

fn context(conn: &mut DbConn, enrollment_id: i64) -> Result<Context, AppError> {
    type Row = (
        i64,
        i64,
        Option<String>,
        String,
        String,
        String,
        String,
        NaiveDateTime,
        NaiveDateTime,
        Option<String>,
        Option<String>,
        Option<String>,
        i32,
        Option<String>,
    );
    let row: Row = enrollments::table
        .inner_join(people::table)
        .inner_join(
            training_sessions::table
                .inner_join(modules::table)
                .left_join(venues::table),
        )
        .filter(enrollments::id.eq(enrollment_id))
        .select((
            training_sessions::id,
            people::id,
            people::email,
            people::full_name,
            people::language,
            modules::title_fr,
            modules::title_nl,
            training_sessions::starts_at,
            training_sessions::ends_at,
            venues::name.nullable(),
            venues::address.nullable(),
            training_sessions::online_url,
            enrollments::ics_sequence,
            enrollments::decision_note,
        ))
        .first(conn)?;
    let (session_id, person_id, email, name, language, title_fr, title_nl, starts_at, ends_at) = (
        row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8,
    );
    let account_locale: Option<String> = accounts::table
        .filter(accounts::person_id.eq(person_id))
        .select(accounts::locale)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten();
    let locale = account_locale
        .as_deref()
        .and_then(Locale::parse)
        .or_else(|| Locale::parse(&language))
        .unwrap_or(Locale::DEFAULT);
    let place = place(row.9.as_deref(), row.10.as_deref(), row.11.as_deref());
    Ok(Context {
        session_id,
        person_id,
        email,
        name,
        locale,
        module: if locale == Locale::Nl {
            title_nl
        } else {
            title_fr
        },
        starts_at,
        ends_at,
        place,
        sequence: row.12,
        reason: row.13,
    })
}

/// A calendar entry: a session, for one person (whose seat it is) or for everyone.
#[derive(Debug, Clone)]
pub struct Appointment<'a> {
    pub session_id: i64,
    pub person_id: Option<i64>,
    pub summary: &'a str,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub place: &'a str,
    pub sequence: u32,
    pub cancelled: bool,
}

impl Appointment<'_> {
    /// The event, with a UID stable per session (and person): calendars update it in place.
    pub fn event(&self) -> Event {
        let uid = match self.person_id {
            Some(person) => format!("session-{}-person-{person}@formation", self.session_id),
            None => format!("session-{}@formation", self.session_id),
        };
        let mut event = Event::new();
        event
            .uid(&uid)
            .summary(&one_line(self.summary))
            .starts(Utc.from_utc_datetime(&self.starts_at))
            .ends(Utc.from_utc_datetime(&self.ends_at))
            .location(&one_line(self.place))
            .sequence(self.sequence)
            .timestamp(Utc::now())
            .status(if self.cancelled {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            });
        event.done()
    }
}

/// A text property on one line: a title or an address with CR or LF in it could otherwise
/// start a property of its own in the calendar file.
fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .filter(|part| !part.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A calendar file: `METHOD:REQUEST` for invitations, `METHOD:CANCEL` for cancellations,
/// `METHOD:PUBLISH` for feeds.
pub fn calendar(method: &str, events: Vec<Event>) -> String {
    let mut calendar = Calendar::new();
    calendar.append_property(icalendar::Property::new("METHOD", method));
    calendar.name("Formation");
    for event in events {
        calendar.push(event);
    }
    calendar.done().to_string()
}

/// Queues the e-mail telling a person what happened to their enrolment, with the calendar
/// invitation (or its cancellation) where a seat was given, moved or taken away.
pub fn enrollment_changed(
    conn: &mut DbConn,
    enrollment_id: i64,
    change: Change,
    public_url: &str,
) -> Result<(), AppError> {
    let ctx = context(conn, enrollment_id)?;
    let Some(email) = ctx.email.clone() else {
        return Ok(());
    };
    let invites = matches!(
        change,
        Change::Confirmed | Change::Promoted | Change::SessionChanged
    );
    // Only those who were sent an invitation get its cancellation.
    let cancels =
        matches!(change, Change::Cancelled | Change::SessionCancelled) && ctx.sequence > 0;
    let ics = if invites || cancels {
        let sequence = ctx.sequence + 1;
        diesel::update(enrollments::table.find(enrollment_id))
            .set(enrollments::ics_sequence.eq(sequence))
            .execute(conn)?;
        let event = Appointment {
            session_id: ctx.session_id,
            person_id: Some(ctx.person_id),
            summary: &ctx.module,
            starts_at: ctx.starts_at,
            ends_at: ctx.ends_at,
            place: &ctx.place,
            sequence: sequence.max(0) as u32,
            cancelled: cancels,
        }
        .event();
        Some(calendar(
            if cancels { "CANCEL" } else { "REQUEST" },
            vec![event],
        ))
    } else {
        None
    };
    let position = if change == Change::Waitlisted {
        let enrollment = crate::domain::enrollments::find(conn, enrollment_id)?;
        crate::domain::enrollments::waitlist_position(conn, &enrollment)?
    } else {
        0
    };
    let mut values = tera::Context::new();
    values.insert("lang", ctx.locale.code());
    values.insert("name", &ctx.name);
    values.insert("change", change.code());
    values.insert("module", &ctx.module);
    values.insert("position", &position);
    values.insert(
        "reason",
        &ctx.reason
            .clone()
            .unwrap_or_else(|| ctx.locale.tr("registration-no-reason")),
    );
    values.insert(
        "when",
        &format!(
            "{} – {}",
            local_time(ctx.starts_at),
            local_time(ctx.ends_at)
        ),
    );
    values.insert("place", &ctx.place);
    values.insert(
        "link",
        &link(public_url, &format!("/sessions/{}", ctx.session_id)),
    );
    values.insert("calendar", &ics.is_some());
    let body = emails()
        .render("enrollment.txt", &values)
        .map_err(|e| AppError::internal(format!("e-mail template: {e:?}")))?;
    let subject = ctx
        .locale
        .message(&change.subject().arg("module", ctx.module.clone()));
    queue_rendered(conn, &email, &subject, &body, ics.as_deref())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_text_has_no_line_breaks_of_its_own() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let event = Appointment {
            session_id: 1,
            person_id: None,
            summary: "Finance\r\nATTENDEE:mailto:x@evil.example",
            starts_at: at,
            ends_at: at,
            place: "Salle 1\nURL:https://evil.example",
            sequence: 0,
            cancelled: false,
        }
        .event();
        let text = calendar("PUBLISH", vec![event]);
        assert!(
            !text
                .lines()
                .any(|l| l.starts_with("ATTENDEE") || l.starts_with("URL")),
            "{text}"
        );
        assert!(text.contains("Finance ATTENDEE"), "{text}");
    }
}
