//! Training sessions: a module given at a time and place, with a fixed number of seats.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Europe::Brussels;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::db::schema::{
    domains, enrollments, modules, organizations, people, training_sessions, venues,
};
use crate::db::DbConn;
use crate::domain::access::{Actor, STAFF};
use crate::domain::catalogue::{self, Tier};
use crate::domain::enrollments::{self as enrollment_rules, EnrollmentStatus};
use crate::domain::organizations::SCHOOL_CODE;
use crate::domain::{
    audit, non_blank, notifications, now, optional_code, resolve_code, rules, text_enum, Language,
    PageRequest, Paged,
};
use crate::error::{AppError, FieldErrors, Message};
use crate::i18n::Locale;

text_enum! {
    pub enum SessionStatus {
        Draft => "draft",
        Published => "published",
        Cancelled => "cancelled",
        Completed => "completed",
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = training_sessions)]
pub struct NewSession<'a> {
    pub module_id: i64,
    pub organizer_id: i64,
    pub trainer_person_id: Option<i64>,
    pub venue_id: Option<i64>,
    pub online_url: Option<&'a str>,
    #[diesel(serialize_as = String)]
    pub language: Language,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub registration_closes_at: NaiveDateTime,
    pub capacity: i32,
    pub seats_taken: i32,
    #[diesel(serialize_as = String)]
    pub status: SessionStatus,
    pub created_by: Option<i64>,
}

pub fn insert(conn: &mut DbConn, new: NewSession<'_>) -> Result<i64, AppError> {
    Ok(diesel::insert_into(training_sessions::table)
        .values(new)
        .returning(training_sessions::id)
        .get_result(conn)?)
}

/// A session row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = training_sessions)]
pub struct Session {
    pub id: i64,
    pub module_id: i64,
    pub organizer_id: i64,
    pub trainer_person_id: Option<i64>,
    pub venue_id: Option<i64>,
    pub online_url: Option<String>,
    #[diesel(deserialize_as = String)]
    pub language: Language,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub registration_closes_at: NaiveDateTime,
    pub capacity: i32,
    pub seats_taken: i32,
    #[diesel(deserialize_as = String)]
    pub status: SessionStatus,
    pub revision: i32,
    pub created_by: Option<i64>,
}

/// A session with its module, organiser and place by name or code.
#[derive(Debug, Clone, Serialize, Queryable, Selectable)]
#[diesel(table_name = training_sessions)]
pub struct SessionRow {
    pub id: i64,
    #[diesel(select_expression = modules::code)]
    pub module: String,
    #[diesel(select_expression = modules::title_fr)]
    pub module_title_fr: String,
    #[diesel(select_expression = modules::title_nl)]
    pub module_title_nl: String,
    #[diesel(select_expression = domains::code)]
    pub domain: String,
    #[diesel(select_expression = modules::tier)]
    pub tier: String,
    #[diesel(select_expression = organizations::code)]
    pub organizer: String,
    pub trainer_person_id: Option<i64>,
    #[diesel(select_expression = people::full_name.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<people::full_name>)]
    pub trainer_name: Option<String>,
    pub venue_id: Option<i64>,
    #[diesel(select_expression = venues::name.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<venues::name>)]
    pub venue_name: Option<String>,
    #[diesel(select_expression = venues::address.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<venues::address>)]
    pub venue_address: Option<String>,
    pub online_url: Option<String>,
    pub language: String,
    #[serde(serialize_with = "crate::domain::utc::serialize")]
    pub starts_at: NaiveDateTime,
    #[serde(serialize_with = "crate::domain::utc::serialize")]
    pub ends_at: NaiveDateTime,
    #[serde(serialize_with = "crate::domain::utc::serialize")]
    pub registration_closes_at: NaiveDateTime,
    pub capacity: i32,
    pub seats_taken: i32,
    pub status: String,
    pub revision: i32,
}

/// A session as lists, pages and the API show it: its row, free seats and how many wait.
#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    #[serde(flatten)]
    pub session: SessionRow,
    pub free_seats: i32,
    pub waitlisted: i64,
}

impl SessionRow {
    pub fn title(&self, locale: Locale) -> &str {
        match locale {
            Locale::Nl => &self.module_title_nl,
            _ => &self.module_title_fr,
        }
    }
}

/// Sessions with their module, domain, organiser, and (if any) trainer and venue.
#[diesel::dsl::auto_type(no_type_alias)]
fn session_rows() -> _ {
    training_sessions::table
        .inner_join(modules::table.inner_join(domains::table))
        .inner_join(organizations::table)
        .left_join(people::table)
        .left_join(venues::table)
}

/// Who may see a session. Staff see all; everyone sees published (or past, or cancelled)
/// trainer-tier sessions; cascade sessions only their organiser's people; drafts their author.
fn visible_to(viewer: Option<&Actor>, session: &Session, tier: Tier) -> bool {
    match viewer {
        Some(actor) if STAFF.contains(&actor.role) => true,
        _ if viewer.is_some_and(|a| session.created_by == Some(a.account_id)) => true,
        _ if session.status == SessionStatus::Draft => false,
        _ if tier == Tier::Trainer => true,
        Some(actor) => actor.organization_id == Some(session.organizer_id),
        None => false,
    }
}

/// Filters of the session list (DESIGN §5).
#[derive(Debug, Clone, Default, Serialize, Deserialize, rocket::FromForm)]
pub struct SessionFilter {
    /// A module code.
    pub module: Option<String>,
    pub domain: Option<String>,
    pub tier: Option<String>,
    pub language: Option<String>,
    pub organizer: Option<String>,
    /// ISO dates (Brussels days), inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    pub status: Option<String>,
    pub has_free_seats: Option<bool>,
}

/// Midnight of a Brussels day, in UTC.
pub fn brussels_midnight(day: NaiveDate) -> NaiveDateTime {
    brussels_to_utc(day.and_time(NaiveTime::MIN))
}

/// A Brussels wall-clock time in UTC (the earlier instant when the clock is ambiguous).
pub fn brussels_to_utc(local: NaiveDateTime) -> NaiveDateTime {
    Brussels
        .from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            Brussels
                .from_local_datetime(&(local + Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.naive_utc())
        .unwrap_or(local)
}

/// Parses a time as JSON clients (`2026-12-01T09:00:00Z`, any offset) and forms
/// (`2026-12-01T09:00`, Brussels time) send it; `None` when it is not one.
pub fn parse_time(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.naive_utc());
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .map(brussels_to_utc)
}

/// The list's filters, each code known or an error on its field.
struct CheckedFilter {
    module_id: Option<i64>,
    domain_id: Option<i64>,
    tier: Option<Tier>,
    language: Option<Language>,
    organizer_id: Option<i64>,
    status: Option<SessionStatus>,
}

fn check_filter(
    conn: &mut DbConn,
    errors: &mut FieldErrors,
    filter: &SessionFilter,
) -> Result<CheckedFilter, AppError> {
    Ok(CheckedFilter {
        module_id: optional_code(
            errors,
            "module",
            filter.module.as_deref(),
            Message::new("field-module-unknown"),
            |code| catalogue::module_id_by_code(conn, code),
        )?,
        domain_id: crate::domain::rules::domain_filter(
            conn,
            errors,
            "domain",
            filter.domain.as_deref(),
        )?,
        tier: rules::code_filter(
            errors,
            "tier",
            filter.tier.as_deref(),
            Message::new("field-tier-invalid"),
        ),
        language: rules::code_filter(
            errors,
            "language",
            filter.language.as_deref(),
            Message::new("field-session-language-invalid"),
        ),
        organizer_id: crate::domain::rules::organization_filter(
            conn,
            errors,
            "organizer",
            filter.organizer.as_deref(),
        )?,
        status: rules::code_filter(
            errors,
            "status",
            filter.status.as_deref(),
            Message::new("field-status-invalid"),
        ),
    })
}

/// A page of sessions the viewer may see, soonest first.
pub fn list(
    conn: &mut DbConn,
    viewer: Option<&Actor>,
    filter: &SessionFilter,
    page: PageRequest,
) -> Result<Paged<SessionView>, AppError> {
    let mut errors = FieldErrors::default();
    let mut day = |field: &'static str, value: &Option<String>| {
        let value = non_blank(value.as_deref())?;
        let parsed = NaiveDate::parse_from_str(&value, "%Y-%m-%d").ok();
        if parsed.is_none() {
            errors.add(field, Message::new("field-date-invalid"));
        }
        parsed
    };
    let from = day("from", &filter.from);
    let to = day("to", &filter.to);
    let checked = check_filter(conn, &mut errors, filter)?;
    errors.into_result()?;
    // Filters, count and ordering read training_sessions alone (modules, domains and
    // organisers are subqueries), from an index that covers them; the page's rows are then
    // loaded with their joins by id, so the joins run for one page and not for every match.
    let build = || {
        let mut query = training_sessions::table.into_boxed();
        match viewer {
            Some(actor) if STAFF.contains(&actor.role) => {}
            _ => {
                let own = viewer.and_then(|a| a.organization_id).unwrap_or(-1);
                let me = viewer.map(|a| a.account_id).unwrap_or(-1);
                query = query.filter(
                    training_sessions::created_by
                        .eq(me)
                        .or(training_sessions::status
                            .ne(SessionStatus::Draft.as_str())
                            .and(
                                training_sessions::module_id
                                    .eq_any(
                                        modules::table
                                            .filter(modules::tier.eq(Tier::Trainer.as_str()))
                                            .select(modules::id),
                                    )
                                    .or(training_sessions::organizer_id.eq(own)),
                            )),
                );
            }
        }
        if let Some(id) = checked.module_id {
            query = query.filter(training_sessions::module_id.eq(id));
        }
        if let Some(id) = checked.domain_id {
            query = query.filter(
                training_sessions::module_id.eq_any(
                    modules::table
                        .filter(modules::domain_id.eq(id))
                        .select(modules::id),
                ),
            );
        }
        if let Some(tier) = checked.tier {
            query = query.filter(
                training_sessions::module_id.eq_any(
                    modules::table
                        .filter(modules::tier.eq(tier.as_str()))
                        .select(modules::id),
                ),
            );
        }
        if let Some(language) = checked.language {
            query = query.filter(training_sessions::language.eq(language.as_str()));
        }
        if let Some(id) = checked.organizer_id {
            query = query.filter(training_sessions::organizer_id.eq(id));
        }
        if let Some(status) = checked.status {
            query = query.filter(training_sessions::status.eq(status.as_str()));
        }
        if let Some(from) = from {
            query = query.filter(training_sessions::starts_at.ge(brussels_midnight(from)));
        }
        if let Some(to) = to.and_then(|d| d.succ_opt()) {
            query = query.filter(training_sessions::starts_at.lt(brussels_midnight(to)));
        }
        if filter.has_free_seats == Some(true) {
            query = query.filter(training_sessions::seats_taken.lt(training_sessions::capacity));
        }
        query
    };
    let soonest_first = (training_sessions::starts_at, training_sessions::id);
    let total: i64 = build().count().get_result(conn)?;
    let ids: Vec<i64> = build()
        .select(training_sessions::id)
        .order(soonest_first)
        .limit(page.per_page)
        .offset(page.offset())
        .load(conn)?;
    let rows: Vec<SessionRow> = session_rows()
        .filter(training_sessions::id.eq_any(&ids))
        .select(SessionRow::as_select())
        .order(soonest_first)
        .load(conn)?;
    let mut views = with_waitlists(conn, rows)?;
    hide_meeting_links(conn, viewer, &mut views)?;
    Ok(Paged::new(views, total, page))
}

/// The views of these rows, with each waitlist's length from one grouped query.
fn with_waitlists(conn: &mut DbConn, rows: Vec<SessionRow>) -> Result<Vec<SessionView>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|s| s.id).collect();
    let counts: HashMap<i64, i64> = enrollments::table
        .filter(enrollments::session_id.eq_any(&ids))
        .filter(enrollments::status.eq(EnrollmentStatus::Waitlisted.as_str()))
        .group_by(enrollments::session_id)
        .select((enrollments::session_id, diesel::dsl::count_star()))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|session| SessionView {
            free_seats: (session.capacity - session.seats_taken).max(0),
            waitlisted: counts.get(&session.id).copied().unwrap_or(0),
            session,
        })
        .collect())
}

pub fn find(conn: &mut DbConn, id: i64) -> Result<Session, AppError> {
    Ok(training_sessions::table
        .find(id)
        .select(Session::as_select())
        .first(conn)?)
}

fn tier_of(conn: &mut DbConn, module_id: i64) -> Result<Tier, AppError> {
    let tier: String = modules::table
        .find(module_id)
        .select(modules::tier)
        .first(conn)?;
    Tier::parse(&tier).ok_or_else(|| AppError::internal(format!("unknown tier {tier}")))
}

/// The session if the viewer may see it (404 otherwise).
pub fn visible(conn: &mut DbConn, viewer: Option<&Actor>, id: i64) -> Result<Session, AppError> {
    let session = find(conn, id)?;
    let tier = tier_of(conn, session.module_id)?;
    if visible_to(viewer, &session, tier) {
        Ok(session)
    } else {
        Err(AppError::NotFound)
    }
}

/// One session's view, if the viewer may see it.
pub fn view(conn: &mut DbConn, viewer: Option<&Actor>, id: i64) -> Result<SessionView, AppError> {
    visible(conn, viewer, id)?;
    let row = session_rows()
        .filter(training_sessions::id.eq(id))
        .select(SessionRow::as_select())
        .first(conn)?;
    let mut views = with_waitlists(conn, vec![row])?;
    hide_meeting_links(conn, viewer, &mut views)?;
    views.pop().ok_or(AppError::NotFound)
}

/// Online meeting links are for those who run a session and those who will be in it: staff,
/// its trainer or author, HR of its organiser, and people holding a seat. Everyone else (a
/// visitor of the public catalogue, a colleague without a seat) sees no link.
fn hide_meeting_links(
    conn: &mut DbConn,
    viewer: Option<&Actor>,
    views: &mut [SessionView],
) -> Result<(), AppError> {
    if viewer.is_some_and(|actor| STAFF.contains(&actor.role)) {
        return Ok(());
    }
    let ids: Vec<i64> = views
        .iter()
        .filter(|v| v.session.online_url.is_some())
        .map(|v| v.session.id)
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let mut allowed: std::collections::HashSet<i64> = std::collections::HashSet::new();
    if let Some(actor) = viewer {
        let mut runs = training_sessions::table
            .filter(training_sessions::id.eq_any(&ids))
            .filter(
                training_sessions::created_by
                    .eq(actor.account_id)
                    .or(training_sessions::trainer_person_id.eq(actor.person_id)),
            )
            .select(training_sessions::id)
            .into_boxed();
        if actor.role == crate::domain::accounts::Role::Hr {
            runs = runs.or_filter(
                training_sessions::id
                    .eq_any(&ids)
                    .and(training_sessions::organizer_id.eq(actor.organization_id.unwrap_or(-1))),
            );
        }
        allowed.extend(runs.load::<i64>(conn)?);
        if let Some(person_id) = actor.person_id {
            allowed.extend(
                enrollments::table
                    .filter(enrollments::person_id.eq(person_id))
                    .filter(enrollments::session_id.eq_any(&ids))
                    .filter(
                        enrollments::status.eq_any(
                            crate::domain::rules::HOLDS_A_SEAT.map(EnrollmentStatus::as_str),
                        ),
                    )
                    .select(enrollments::session_id)
                    .load::<i64>(conn)?,
            );
        }
    }
    for view in views.iter_mut() {
        if !allowed.contains(&view.session.id) {
            view.session.online_url = None;
        }
    }
    Ok(())
}

/// Whether the actor manages this session: staff any; its author (a certified key user's
/// cascade session); HR of the organiser for cascade sessions.
pub fn manages(conn: &mut DbConn, actor: &Actor, session: &Session) -> Result<bool, AppError> {
    if STAFF.contains(&actor.role) || session.created_by == Some(actor.account_id) {
        return Ok(true);
    }
    Ok(actor.role == crate::domain::accounts::Role::Hr
        && actor.organization_id == Some(session.organizer_id)
        && tier_of(conn, session.module_id)? == Tier::EndUser)
}

/// What a non-staff actor may schedule: a certified key user gives end-user sessions of its
/// domain, for its own organisation, as the trainer (DESIGN §4 rule 4). Returns the input with
/// the organiser and trainer set accordingly; staff inputs pass unchanged.
fn constrain(
    conn: &mut DbConn,
    actor: &Actor,
    input: &SessionInput,
    current: Option<&Session>,
) -> Result<SessionInput, AppError> {
    if STAFF.contains(&actor.role) {
        return Ok(input.clone());
    }
    let module_id = match (non_blank(input.module.as_deref()), current) {
        (Some(code), _) => catalogue::module_id_by_code(conn, &code)?,
        (None, Some(current)) => Some(current.module_id),
        (None, None) => None,
    };
    let mut constrained = input.clone();
    if let Some(current) = current {
        // Its HR or author keeps the session's organiser and trainer.
        constrained.organizer = None;
        constrained.trainer_person_id = current.trainer_person_id;
        if input.module.is_none() {
            return Ok(constrained);
        }
    }
    let Some(module_id) = module_id else {
        // An unknown or missing module: `check` names the field.
        return Ok(constrained);
    };
    let (tier, domain_id): (String, i64) = modules::table
        .find(module_id)
        .select((modules::tier, modules::domain_id))
        .first(conn)?;
    if tier != Tier::EndUser.as_str() {
        return Err(AppError::Denied(Message::new("cascade-end-user-only")));
    }
    if current.is_none() {
        let person_id = actor
            .person_id
            .ok_or(AppError::Denied(Message::new("cascade-not-certified")))?;
        if !crate::domain::cascade::is_certified(conn, person_id, domain_id)? {
            return Err(AppError::Denied(Message::new("cascade-not-certified")));
        }
        let organization_id = actor.organization_id.unwrap_or(-1);
        constrained.organizer = Some(
            organizations::table
                .find(organization_id)
                .select(organizations::code)
                .first(conn)?,
        );
        constrained.trainer_person_id = Some(person_id);
    }
    Ok(constrained)
}

/// The session if the actor may change it: 404 when it cannot even see it, 403 otherwise.
fn managed(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<Session, AppError> {
    let session = visible(conn, Some(actor), id)?;
    if manages(conn, actor, &session)? {
        Ok(session)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Takes the session's lock for the rest of the transaction: a row lock on PostgreSQL; on
/// SQLite the transaction already holds the write lock (`db::transaction` begins IMMEDIATE), so
/// this only checks the session exists. Every change to seats starts with it, so that changes
/// to one session happen one after the other, in arrival order.
pub fn lock(conn: &mut DbConn, id: i64) -> Result<(), AppError> {
    let locked = if matches!(conn, DbConn::Sqlite(_)) {
        // An UPDATE here would only add a statement prepared anew each time (Diesel never
        // keeps an UPDATE prepared).
        diesel::select(diesel::dsl::exists(training_sessions::table.find(id)))
            .get_result::<bool>(conn)?
    } else {
        diesel::update(training_sessions::table.find(id))
            .set(training_sessions::revision.eq(training_sessions::revision))
            .execute(conn)?
            == 1
    };
    if locked {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The body of `POST /api/v1/sessions`, `PATCH /api/v1/sessions/{id}` and the session form.
/// Times are ISO 8601: UTC (or with an offset) from JSON clients, Brussels time from forms.
#[derive(Debug, Clone, Default, Serialize, Deserialize, rocket::FromForm)]
pub struct SessionInput {
    pub module: Option<String>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub registration_closes_at: Option<String>,
    pub capacity: Option<i32>,
    pub language: Option<String>,
    pub trainer_person_id: Option<i64>,
    pub venue: Option<i64>,
    pub online_url: Option<String>,
    /// An organisation code; the school by default.
    pub organizer: Option<String>,
}

/// The most seats an online session may have.
const MAX_ONLINE_CAPACITY: i32 = 500;

/// A checked session, ready to store.
struct CheckedSession {
    module_id: i64,
    organizer_id: i64,
    trainer_person_id: Option<i64>,
    venue_id: Option<i64>,
    online_url: Option<String>,
    language: Language,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    registration_closes_at: NaiveDateTime,
    capacity: i32,
}

fn overlapping(
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    except: i64,
) -> training_sessions::BoxedQuery<'static, crate::db::MultiBackend> {
    training_sessions::table
        .filter(training_sessions::id.ne(except))
        .filter(training_sessions::status.ne(SessionStatus::Cancelled.as_str()))
        .filter(training_sessions::starts_at.lt(ends_at))
        .filter(training_sessions::ends_at.gt(starts_at))
        .into_boxed()
}

/// Checks a new session, or the fields an edit changes (the others keep `current`'s values),
/// collecting every field's error before answering.
fn check(
    conn: &mut DbConn,
    input: &SessionInput,
    current: Option<&Session>,
) -> Result<CheckedSession, AppError> {
    let mut errors = FieldErrors::default();
    let module_id = match (non_blank(input.module.as_deref()), current) {
        (None, Some(c)) => Some(c.module_id),
        (code, _) => resolve_code(
            &mut errors,
            "module",
            code.as_deref(),
            Message::new("field-required"),
            Message::new("field-module-unknown"),
            |code| catalogue::module_id_by_code(conn, code),
        )?,
    };
    let times = check_times(&mut errors, input, current);
    let language = check_language(&mut errors, input, current);
    let organizer_id = match (non_blank(input.organizer.as_deref()), current) {
        (None, Some(c)) => Some(c.organizer_id),
        (code, _) => resolve_code(
            &mut errors,
            "organizer",
            Some(code.as_deref().unwrap_or(SCHOOL_CODE)),
            Message::new("field-required"),
            Message::new("field-organization-unknown"),
            |code| crate::domain::organizations::id_by_code(conn, code),
        )?,
    };
    let place = check_place(conn, &mut errors, input, current)?;
    let capacity = check_capacity(&mut errors, input, current, place.seats);
    let trainer_person_id = check_trainer(conn, &mut errors, input, current)?;
    if let (Some(starts_at), Some(ends_at)) = (times.starts_at, times.ends_at) {
        let clash = Clash {
            starts_at,
            ends_at,
            except: current.map(|c| c.id).unwrap_or(-1),
        };
        clash.check(conn, &mut errors, trainer_person_id, place.venue_id)?;
    }
    errors.into_result()?;
    let (Some(module_id), Some(organizer_id), Some(language), Some(capacity)) =
        (module_id, organizer_id, language, capacity)
    else {
        return Err(AppError::internal("validated session missing"));
    };
    let (Some(starts_at), Some(ends_at), Some(registration_closes_at)) =
        (times.starts_at, times.ends_at, times.registration_closes_at)
    else {
        return Err(AppError::internal("validated session missing"));
    };
    Ok(CheckedSession {
        module_id,
        organizer_id,
        trainer_person_id,
        venue_id: place.venue_id,
        online_url: place.online_url,
        language,
        starts_at,
        ends_at,
        registration_closes_at,
        capacity,
    })
}

/// A session's times as checked; `None` where missing or unreadable (and then in `errors`).
struct Times {
    starts_at: Option<NaiveDateTime>,
    ends_at: Option<NaiveDateTime>,
    /// The start when not given.
    registration_closes_at: Option<NaiveDateTime>,
}

fn check_times(errors: &mut FieldErrors, input: &SessionInput, current: Option<&Session>) -> Times {
    let mut time =
        |field: &'static str, value: &Option<String>, old: Option<NaiveDateTime>| match non_blank(
            value.as_deref(),
        ) {
            Some(text) => {
                let parsed = parse_time(&text);
                if parsed.is_none() {
                    errors.add(field, Message::new("field-datetime-invalid"));
                }
                parsed
            }
            None => old,
        };
    let starts_at = time("starts_at", &input.starts_at, current.map(|c| c.starts_at));
    let ends_at = time("ends_at", &input.ends_at, current.map(|c| c.ends_at));
    let closes_at = time(
        "registration_closes_at",
        &input.registration_closes_at,
        current.map(|c| c.registration_closes_at),
    );
    if starts_at.is_none() && input.starts_at.is_none() {
        errors.add("starts_at", Message::new("field-required"));
    }
    if ends_at.is_none() && input.ends_at.is_none() {
        errors.add("ends_at", Message::new("field-required"));
    }
    if let (Some(s), Some(e)) = (starts_at, ends_at) {
        if e <= s {
            errors.add("ends_at", Message::new("field-ends-before-start"));
        }
    }
    let registration_closes_at = closes_at.or(starts_at);
    if let (Some(c), Some(s)) = (registration_closes_at, starts_at) {
        if c > s {
            errors.add(
                "registration_closes_at",
                Message::new("field-closes-after-start"),
            );
        }
    }
    Times {
        starts_at,
        ends_at,
        registration_closes_at,
    }
}

fn check_language(
    errors: &mut FieldErrors,
    input: &SessionInput,
    current: Option<&Session>,
) -> Option<Language> {
    match non_blank(input.language.as_deref()) {
        Some(code) => Language::parse(&code).or_else(|| {
            errors.add("language", Message::new("field-session-language-invalid"));
            None
        }),
        None => current.map(|c| c.language).or_else(|| {
            errors.add("language", Message::new("field-required"));
            None
        }),
    }
}

/// Where a session takes place: a venue (with its seats), an online link, or both.
struct Place {
    venue_id: Option<i64>,
    seats: Option<i32>,
    online_url: Option<String>,
}

fn check_place(
    conn: &mut DbConn,
    errors: &mut FieldErrors,
    input: &SessionInput,
    current: Option<&Session>,
) -> Result<Place, AppError> {
    let venue_id = input.venue.or(current.and_then(|c| c.venue_id));
    let seats = match venue_id {
        Some(id) => {
            let seats = venues::table
                .find(id)
                .select(venues::seats)
                .first::<i32>(conn)
                .optional()?;
            if seats.is_none() {
                errors.add("venue", Message::new("field-venue-unknown"));
            }
            seats
        }
        None => None,
    };
    let online_url = match &input.online_url {
        Some(url) => crate::domain::bounded(
            errors,
            "online_url",
            Some(url),
            crate::domain::max_chars::URL,
        ),
        None => current.and_then(|c| c.online_url.clone()),
    };
    if let Some(url) = &online_url {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            errors.add("online_url", Message::new("field-url-invalid"));
        }
    }
    if venue_id.is_none() && online_url.is_none() {
        errors.add("venue", Message::new("field-venue-or-link"));
    }
    Ok(Place {
        venue_id,
        seats,
        online_url,
    })
}

/// At least one seat, at most the venue's (or `MAX_ONLINE_CAPACITY` online), and never fewer
/// than the seats already taken.
fn check_capacity(
    errors: &mut FieldErrors,
    input: &SessionInput,
    current: Option<&Session>,
    venue_seats: Option<i32>,
) -> Option<i32> {
    let max = venue_seats.unwrap_or(MAX_ONLINE_CAPACITY);
    let capacity = input.capacity.or(current.map(|c| c.capacity));
    match capacity {
        Some(c) if (1..=max).contains(&c) => {}
        _ => errors.add(
            "capacity",
            Message::new("field-number-range")
                .arg("min", "1")
                .arg("max", max.to_string()),
        ),
    }
    if let (Some(c), Some(current)) = (capacity, current) {
        if c < current.seats_taken {
            errors.add(
                "capacity",
                Message::new("field-capacity-below-taken")
                    .arg("taken", current.seats_taken.to_string()),
            );
        }
    }
    capacity
}

/// The trainer, who must be an active person.
fn check_trainer(
    conn: &mut DbConn,
    errors: &mut FieldErrors,
    input: &SessionInput,
    current: Option<&Session>,
) -> Result<Option<i64>, AppError> {
    let trainer_person_id = input
        .trainer_person_id
        .or(current.and_then(|c| c.trainer_person_id));
    if let Some(id) = trainer_person_id {
        let exists = diesel::select(diesel::dsl::exists(
            people::table.find(id).filter(people::active.eq(true)),
        ))
        .get_result::<bool>(conn)?;
        if !exists {
            errors.add("trainer_person_id", Message::new("field-person-unknown"));
        }
    }
    Ok(trainer_person_id)
}

/// A session's time slot, to find the other live sessions that overlap it.
struct Clash {
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    /// The session being edited, which never clashes with itself.
    except: i64,
}

impl Clash {
    /// Neither the trainer nor the venue may be in another session at the same time.
    fn check(
        &self,
        conn: &mut DbConn,
        errors: &mut FieldErrors,
        trainer: Option<i64>,
        venue: Option<i64>,
    ) -> Result<(), AppError> {
        if let Some(trainer) = trainer {
            let busy = overlapping(self.starts_at, self.ends_at, self.except)
                .filter(training_sessions::trainer_person_id.eq(trainer))
                .count()
                .get_result::<i64>(conn)?
                > 0;
            if busy {
                errors.add("trainer_person_id", Message::new("field-trainer-busy"));
            }
        }
        if let Some(venue) = venue {
            let busy = overlapping(self.starts_at, self.ends_at, self.except)
                .filter(training_sessions::venue_id.eq(venue))
                .count()
                .get_result::<i64>(conn)?
                > 0;
            if busy {
                errors.add("venue", Message::new("field-venue-busy"));
            }
        }
        Ok(())
    }
}

fn record(
    conn: &mut DbConn,
    actor: &Actor,
    action: &str,
    session: &Session,
) -> Result<(), AppError> {
    audit::record(
        conn,
        audit::Event {
            actor_account_id: Some(actor.account_id),
            organization_id: Some(session.organizer_id),
            action,
            entity: "session",
            entity_id: Some(session.id),
            detail: json!({ "status": session.status.as_str(), "revision": session.revision }),
        },
    )
}

/// Creates a draft session: planners any (sessions in the past too, to record them); a
/// certified key user an end-user session of its domain for its own organisation.
pub fn create(conn: &mut DbConn, actor: &Actor, input: &SessionInput) -> Result<Session, AppError> {
    let input = constrain(conn, actor, input, None)?;
    let checked = check(conn, &input, None)?;
    crate::db::transaction(conn, |conn| {
        let id = insert(
            conn,
            NewSession {
                module_id: checked.module_id,
                organizer_id: checked.organizer_id,
                trainer_person_id: checked.trainer_person_id,
                venue_id: checked.venue_id,
                online_url: checked.online_url.as_deref(),
                language: checked.language,
                starts_at: checked.starts_at,
                ends_at: checked.ends_at,
                registration_closes_at: checked.registration_closes_at,
                capacity: checked.capacity,
                seats_taken: 0,
                status: SessionStatus::Draft,
                created_by: Some(actor.account_id),
            },
        )?;
        let session = find(conn, id)?;
        record(conn, actor, "session.created", &session)?;
        Ok(session)
    })
}

/// Changes a session. Raising the capacity promotes the waitlist; a change of time or place
/// is sent to everyone holding a seat, with the calendar entry updated.
pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    input: &SessionInput,
    public_url: &str,
) -> Result<Session, AppError> {
    let current = managed(conn, actor, id)?;
    if current.status == SessionStatus::Cancelled {
        return Err(AppError::Conflict(Message::new("error-session-cancelled")));
    }
    crate::db::transaction(conn, |conn| {
        // Before the session's lock: a move refreshes the read model, whose lock comes first.
        crate::db::lock_read_model(conn)?;
        lock(conn, id)?;
        let current = find(conn, id)?;
        let input = constrain(conn, actor, input, Some(&current))?;
        let checked = check(conn, &input, Some(&current))?;
        if (checked.organizer_id != current.organizer_id || checked.module_id != current.module_id)
            && has_participants(conn, id)?
        {
            // Who may take part depends on both (a cascade session takes its own people).
            return Err(AppError::Conflict(Message::new(
                "error-session-has-participants",
            )));
        }
        let moved = checked.starts_at != current.starts_at
            || checked.ends_at != current.ends_at
            || checked.venue_id != current.venue_id
            || checked.online_url != current.online_url;
        diesel::update(training_sessions::table.find(id))
            .set((
                training_sessions::module_id.eq(checked.module_id),
                training_sessions::organizer_id.eq(checked.organizer_id),
                training_sessions::trainer_person_id.eq(checked.trainer_person_id),
                training_sessions::venue_id.eq(checked.venue_id),
                training_sessions::online_url.eq(&checked.online_url),
                training_sessions::language.eq(checked.language.as_str()),
                training_sessions::starts_at.eq(checked.starts_at),
                training_sessions::ends_at.eq(checked.ends_at),
                training_sessions::registration_closes_at.eq(checked.registration_closes_at),
                training_sessions::capacity.eq(checked.capacity),
                training_sessions::revision.eq(training_sessions::revision + 1),
                training_sessions::updated_at.eq(now()),
            ))
            .execute(conn)?;
        let session = find(conn, id)?;
        if session.starts_at != current.starts_at {
            // The Brussels year its attendees were trained in may have changed.
            crate::domain::read_model::refresh_session(conn, id)?;
        }
        record(conn, actor, "session.updated", &session)?;
        if moved && session.status == SessionStatus::Published {
            for (enrollment_id, _) in enrollment_rules::holders(conn, id)? {
                notifications::enrollment_changed(
                    conn,
                    enrollment_id,
                    notifications::Change::SessionChanged,
                    public_url,
                )?;
            }
        }
        if session.status == SessionStatus::Published {
            enrollment_rules::promote(conn, id, public_url)?;
        }
        find(conn, id)
    })
}

/// Whether anyone holds a seat in the session or waits for one.
fn has_participants(conn: &mut DbConn, id: i64) -> Result<bool, AppError> {
    use crate::domain::rules::{HOLDS_A_SEAT, WAITING};
    let statuses: Vec<&str> = HOLDS_A_SEAT
        .iter()
        .chain(WAITING.iter())
        .map(|s| s.as_str())
        .collect();
    Ok(diesel::select(diesel::dsl::exists(
        crate::db::schema::enrollments::table
            .filter(crate::db::schema::enrollments::session_id.eq(id))
            .filter(crate::db::schema::enrollments::status.eq_any(statuses)),
    ))
    .get_result(conn)?)
}

/// Publishes a draft: learners can see it and enrol.
pub fn publish(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<Session, AppError> {
    let session = managed(conn, actor, id)?;
    if session.status != SessionStatus::Draft {
        return Err(AppError::Conflict(Message::new("error-session-not-draft")));
    }
    crate::db::transaction(conn, |conn| {
        diesel::update(training_sessions::table.find(id))
            .set((
                training_sessions::status.eq(SessionStatus::Published.as_str()),
                training_sessions::updated_at.eq(now()),
            ))
            .execute(conn)?;
        let session = find(conn, id)?;
        record(conn, actor, "session.published", &session)?;
        Ok(session)
    })
}

/// Cancels a session: every live enrolment is cancelled and its person told, with a calendar
/// cancellation for those who held a seat.
pub fn cancel(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    public_url: &str,
) -> Result<Session, AppError> {
    let session = managed(conn, actor, id)?;
    if session.status == SessionStatus::Cancelled {
        return Err(AppError::Conflict(Message::new("error-session-cancelled")));
    }
    // The seats go: those who held them may be promoted where they wait at the same time.
    let seated: Vec<i64> = enrollments::table
        .filter(enrollments::session_id.eq(id))
        .filter(enrollments::status.eq(EnrollmentStatus::Confirmed.as_str()))
        .select(enrollments::person_id)
        .load(conn)?;
    let mut involved = vec![id];
    for person_id in &seated {
        involved.extend(enrollment_rules::waiting_at_the_time(
            conn, *person_id, &session,
        )?);
    }
    crate::db::transaction(conn, |conn| {
        enrollment_rules::lock_in_order(conn, &mut involved)?;
        let live: Vec<i64> = enrollments::table
            .filter(enrollments::session_id.eq(id))
            .filter(enrollments::status.eq_any([
                EnrollmentStatus::Confirmed.as_str(),
                EnrollmentStatus::Waitlisted.as_str(),
                EnrollmentStatus::PendingApproval.as_str(),
            ]))
            .select(enrollments::id)
            .load(conn)?;
        // Seats already used (attended or absent) stay counted: they happened.
        let used: i64 = enrollments::table
            .filter(enrollments::session_id.eq(id))
            .filter(enrollments::status.eq_any([
                EnrollmentStatus::Attended.as_str(),
                EnrollmentStatus::Absent.as_str(),
            ]))
            .count()
            .get_result(conn)?;
        diesel::update(training_sessions::table.find(id))
            .set((
                training_sessions::status.eq(SessionStatus::Cancelled.as_str()),
                training_sessions::seats_taken.eq(used as i32),
                training_sessions::revision.eq(training_sessions::revision + 1),
                training_sessions::updated_at.eq(now()),
            ))
            .execute(conn)?;
        for &enrollment_id in &live {
            diesel::update(enrollments::table.find(enrollment_id))
                .set((
                    enrollments::status.eq(EnrollmentStatus::Cancelled.as_str()),
                    enrollments::decided_at.eq(now()),
                ))
                .execute(conn)?;
            notifications::enrollment_changed(
                conn,
                enrollment_id,
                notifications::Change::SessionCancelled,
                public_url,
            )?;
        }
        crate::domain::read_model::refresh_enrollments(conn, &live)?;
        let cancelled = find(conn, id)?;
        record(conn, actor, "session.cancelled", &cancelled)?;
        for person_id in &seated {
            enrollment_rules::seat_released(conn, *person_id, &session, public_url)?;
        }
        Ok(cancelled)
    })
}
