//! Enrolments: a person's place (or wait) in a session, and whether they attended and passed.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::db::schema::{
    enrollments, interests, key_users, memberships, modules, organizations, people,
    training_sessions,
};
use crate::db::DbConn;
use crate::domain::access::{Actor, STAFF};
use crate::domain::accounts::Role;
use crate::domain::catalogue::Tier;
use crate::domain::notifications::{self, Change};
use crate::domain::sessions::{self, SessionStatus};
use crate::domain::{audit, now, read_model, rules, text_enum};
use crate::error::{AppError, FieldErrors, Message};

text_enum! {
    pub enum EnrollmentStatus {
        PendingApproval => "pending_approval",
        Confirmed => "confirmed",
        Waitlisted => "waitlisted",
        Cancelled => "cancelled",
        Attended => "attended",
        Absent => "absent",
    }
}

impl EnrollmentStatus {
    /// Whether this status holds one of the session's seats (`rules::HOLDS_A_SEAT`).
    pub fn holds_seat(self) -> bool {
        rules::HOLDS_A_SEAT.contains(&self)
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = enrollments)]
pub struct NewEnrollment {
    pub session_id: i64,
    pub person_id: i64,
    #[diesel(serialize_as = String)]
    pub status: EnrollmentStatus,
    pub passed: Option<bool>,
    pub requested_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
}

/// Inserts an enrolment as it stands, with the read model: the person's progress in the
/// module and, for one already attended (loaded data, tests), their trained facts.
pub fn insert(conn: &mut DbConn, new: NewEnrollment) -> Result<i64, AppError> {
    let (person_id, attended) = (new.person_id, new.status == EnrollmentStatus::Attended);
    let id = insert_loaded(conn, new)?;
    if attended {
        read_model::refresh_people(conn, &[person_id])?;
    } else {
        read_model::refresh_enrollments(conn, &[id])?;
    }
    Ok(id)
}

/// Inserts an enrolment without the read model: for loaders, which rebuild it once when all
/// their rows are in (`read_model::rebuild`).
pub fn insert_loaded(conn: &mut DbConn, new: NewEnrollment) -> Result<i64, AppError> {
    Ok(diesel::insert_into(enrollments::table)
        .values(new)
        .returning(enrollments::id)
        .get_result(conn)?)
}

/// An enrolment row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = enrollments)]
pub struct Enrollment {
    pub id: i64,
    pub session_id: i64,
    pub person_id: i64,
    #[diesel(deserialize_as = String)]
    pub status: EnrollmentStatus,
    pub passed: Option<bool>,
    pub created_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConn, id: i64) -> Result<Enrollment, AppError> {
    Ok(enrollments::table
        .find(id)
        .select(Enrollment::as_select())
        .first(conn)?)
}

/// The answer to an enrolment: `waitlist_position` counts from 1 for those who wait.
#[derive(Debug, Clone, Serialize)]
pub struct EnrollmentOutcome {
    pub id: i64,
    pub session_id: i64,
    pub person_id: i64,
    pub status: EnrollmentStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waitlist_position: Option<i64>,
}

/// The FIFO order of a waitlist: request time, then id.
pub fn waitlist_position(conn: &mut DbConn, enrollment: &Enrollment) -> Result<i64, AppError> {
    let ahead: i64 = enrollments::table
        .filter(enrollments::session_id.eq(enrollment.session_id))
        .filter(enrollments::status.eq(EnrollmentStatus::Waitlisted.as_str()))
        .filter(
            enrollments::created_at
                .lt(enrollment.created_at)
                .or(enrollments::created_at
                    .eq(enrollment.created_at)
                    .and(enrollments::id.lt(enrollment.id))),
        )
        .count()
        .get_result(conn)?;
    Ok(ahead + 1)
}

fn outcome(conn: &mut DbConn, id: i64) -> Result<EnrollmentOutcome, AppError> {
    let enrollment = find(conn, id)?;
    let waitlist_position = match enrollment.status {
        EnrollmentStatus::Waitlisted => Some(waitlist_position(conn, &enrollment)?),
        _ => None,
    };
    Ok(EnrollmentOutcome {
        id,
        session_id: enrollment.session_id,
        person_id: enrollment.person_id,
        status: enrollment.status,
        waitlist_position,
    })
}

/// Takes one seat if one is free: the only way a seat is ever taken (DESIGN §4 rule 1).
fn take_seat(conn: &mut DbConn, session_id: i64) -> Result<bool, AppError> {
    Ok(diesel::update(
        training_sessions::table
            .filter(training_sessions::id.eq(session_id))
            .filter(training_sessions::seats_taken.lt(training_sessions::capacity)),
    )
    .set(training_sessions::seats_taken.eq(training_sessions::seats_taken + 1))
    .execute(conn)?
        == 1)
}

fn free_seat(conn: &mut DbConn, session_id: i64) -> Result<(), AppError> {
    diesel::update(
        training_sessions::table
            .filter(training_sessions::id.eq(session_id))
            .filter(training_sessions::seats_taken.gt(0)),
    )
    .set(training_sessions::seats_taken.eq(training_sessions::seats_taken - 1))
    .execute(conn)?;
    Ok(())
}

fn set_status(conn: &mut DbConn, id: i64, status: EnrollmentStatus) -> Result<(), AppError> {
    diesel::update(enrollments::table.find(id))
        .set((
            enrollments::status.eq(status.as_str()),
            enrollments::decided_at.eq(now()),
        ))
        .execute(conn)?;
    read_model::refresh_enrollments(conn, &[id])
}

/// Enrolments holding a seat in a session (confirmed only: attendance not yet taken).
pub fn holders(conn: &mut DbConn, session_id: i64) -> Result<Vec<(i64, i64)>, AppError> {
    Ok(enrollments::table
        .filter(enrollments::session_id.eq(session_id))
        .filter(enrollments::status.eq(EnrollmentStatus::Confirmed.as_str()))
        .select((enrollments::id, enrollments::person_id))
        .load(conn)?)
}

/// Whether the person holds a seat in another session that overlaps this one: nobody is in
/// two places at once (DESIGN §4 rule 3), whichever way the seat comes.
fn seated_elsewhere_at_the_time(
    conn: &mut DbConn,
    person_id: i64,
    session: &sessions::Session,
) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(
        enrollments::table
            .inner_join(training_sessions::table)
            .filter(holds_a_seat())
            .filter(enrollments::person_id.eq(person_id))
            .filter(training_sessions::id.ne(session.id))
            .filter(training_sessions::status.ne(SessionStatus::Cancelled.as_str()))
            .filter(training_sessions::starts_at.lt(session.ends_at))
            .filter(training_sessions::ends_at.gt(session.starts_at)),
    ))
    .get_result(conn)?)
}

type StatusIs = diesel::dsl::Eq<enrollments::status, &'static str>;

/// `enrollments.status` holds a seat (`rules::HOLDS_A_SEAT`), as equalities joined by OR: the
/// connection keeps the statement prepared, where SQLite prepares an `eq_any` list anew each
/// time (and an enrolment's checks run under the write gate).
fn holds_a_seat() -> diesel::dsl::Or<diesel::dsl::Or<StatusIs, StatusIs>, StatusIs> {
    let [a, b, c] = rules::HOLDS_A_SEAT.map(|status| enrollments::status.eq(status.as_str()));
    a.or(b).or(c)
}

/// The other sessions, overlapping `session`, where the person waits: a seat they held in
/// `session` kept them from being promoted there.
pub fn waiting_at_the_time(
    conn: &mut DbConn,
    person_id: i64,
    session: &sessions::Session,
) -> Result<Vec<i64>, AppError> {
    Ok(enrollments::table
        .inner_join(training_sessions::table)
        .filter(enrollments::person_id.eq(person_id))
        .filter(enrollments::status.eq(EnrollmentStatus::Waitlisted.as_str()))
        .filter(training_sessions::id.ne(session.id))
        .filter(training_sessions::starts_at.lt(session.ends_at))
        .filter(training_sessions::ends_at.gt(session.starts_at))
        .select(training_sessions::id)
        .load(conn)?)
}

/// Locks sessions in ascending id order, so that two transactions that lock several never
/// wait on each other (PostgreSQL would abort one as a deadlock).
pub fn lock_in_order(conn: &mut DbConn, ids: &mut Vec<i64>) -> Result<(), AppError> {
    ids.sort_unstable();
    ids.dedup();
    for id in ids.iter() {
        sessions::lock(conn, *id)?;
    }
    Ok(())
}

/// After the person's seat in `session` went: the sessions where they wait at that time may
/// now promote them. Call with those sessions locked (`waiting_at_the_time`).
pub fn seat_released(
    conn: &mut DbConn,
    person_id: i64,
    session: &sessions::Session,
    public_url: &str,
) -> Result<(), AppError> {
    for other in waiting_at_the_time(conn, person_id, session)? {
        promote(conn, other, public_url)?;
    }
    Ok(())
}

/// Gives free seats to the waitlist, first come first served, each promoted person told and
/// the promotion audited with the system as actor. Nobody is promoted once the session has
/// started, nor into a seat that overlaps one they hold (they keep their place in line).
/// Call inside the transaction that freed the seats, after `sessions::lock`.
pub fn promote(conn: &mut DbConn, session_id: i64, public_url: &str) -> Result<usize, AppError> {
    let session = sessions::find(conn, session_id)?;
    if now() >= session.starts_at {
        return Ok(0);
    }
    let waiting: Vec<(i64, i64)> = enrollments::table
        .filter(enrollments::session_id.eq(session_id))
        .filter(enrollments::status.eq(EnrollmentStatus::Waitlisted.as_str()))
        .order((enrollments::created_at, enrollments::id))
        .select((enrollments::id, enrollments::person_id))
        .load(conn)?;
    let mut promoted = 0;
    for (id, person_id) in waiting {
        if seated_elsewhere_at_the_time(conn, person_id, &session)? {
            continue;
        }
        if !take_seat(conn, session_id)? {
            break;
        }
        set_status(conn, id, EnrollmentStatus::Confirmed)?;
        seat_given(conn, session_id, person_id)?;
        let organization_id = crate::domain::people::organization_of(conn, person_id)?;
        audit::record(
            conn,
            audit::Event {
                actor_account_id: None,
                organization_id: Some(organization_id),
                action: "enrollment.promoted",
                entity: "enrollment",
                entity_id: Some(id),
                detail: json!({ "session_id": session_id, "person_id": person_id, "by": "system" }),
            },
        )?;
        notifications::enrollment_changed(conn, id, Change::Promoted, public_url)?;
        promoted += 1;
    }
    Ok(promoted)
}

/// What follows from a person getting a seat: their interest in the module is met, and a
/// nominated key user who takes a seat in a train-the-trainer session of their domain is now
/// in training.
fn seat_given(conn: &mut DbConn, session_id: i64, person_id: i64) -> Result<(), AppError> {
    let (module_id, tier, domain_id): (i64, String, i64) = training_sessions::table
        .inner_join(modules::table)
        .filter(training_sessions::id.eq(session_id))
        .select((modules::id, modules::tier, modules::domain_id))
        .first(conn)?;
    if tier == Tier::Trainer.as_str() {
        crate::domain::cascade::start_training(conn, person_id, domain_id)?;
    }
    diesel::delete(
        interests::table
            .filter(interests::person_id.eq(person_id))
            .filter(interests::module_id.eq(module_id)),
    )
    .execute(conn)?;
    Ok(())
}

/// Whether the person is trained in the module (`rules::is_trained`, over their enrolments).
pub fn trained_in(conn: &mut DbConn, person_id: i64, module_id: i64) -> Result<bool, AppError> {
    let rows: Vec<(String, Option<bool>, bool)> = enrollments::table
        .inner_join(training_sessions::table.inner_join(modules::table))
        .filter(enrollments::person_id.eq(person_id))
        .filter(training_sessions::module_id.eq(module_id))
        .filter(enrollments::status.eq(EnrollmentStatus::Attended.as_str()))
        .select((enrollments::status, enrollments::passed, modules::assessed))
        .load(conn)?;
    Ok(rows.into_iter().any(|(status, passed, assessed)| {
        EnrollmentStatus::parse(&status).is_some_and(|s| rules::is_trained(s, passed, assessed))
    }))
}

/// The person an actor enrols: members themselves; HR its organisation's people; staff anyone.
fn enrollee(
    conn: &mut DbConn,
    actor: &Actor,
    person_id: Option<i64>,
) -> Result<(i64, i64), AppError> {
    let person_id = if actor.role == Role::Member {
        let own = actor.person_id.ok_or(AppError::NotFound)?;
        if person_id.is_some_and(|p| p != own) {
            return Err(AppError::NotFound);
        }
        own
    } else {
        person_id
            .or(actor.person_id)
            .ok_or_else(|| AppError::invalid("person_id", Message::new("field-required")))?
    };
    let organization_id = people::table
        .find(person_id)
        .filter(people::active.eq(true))
        .select(people::organization_id)
        .first::<i64>(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    actor.check_organization(organization_id)?;
    Ok((person_id, organization_id))
}

/// Enrols a person in a session under DESIGN §4 rule 3, in one transaction that holds the
/// session's lock: a free seat is confirmed, a full session waitlists, and where the person's
/// organisation requires approval (and the actor is not its HR nor staff) the request waits
/// without a seat. Refusals answer 409 with the reason.
pub fn enroll(
    conn: &mut DbConn,
    actor: &Actor,
    session_id: i64,
    person_id: Option<i64>,
    public_url: &str,
) -> Result<EnrollmentOutcome, AppError> {
    let (person_id, organization_id) = enrollee(conn, actor, person_id)?;
    let staff = STAFF.contains(&actor.role);
    crate::db::transaction(conn, |conn| {
        sessions::lock(conn, session_id)?;
        let session = sessions::visible(conn, Some(actor), session_id)?;
        check_open(&session, staff)?;
        check_may_take_part(conn, &session, person_id, organization_id)?;
        check_free_at_the_time(conn, &session, person_id)?;
        let status = seat_or_wait(conn, actor, &session, organization_id)?;
        let at = now();
        let id = insert(
            conn,
            NewEnrollment {
                session_id,
                person_id,
                status,
                passed: None,
                requested_by: Some(actor.account_id),
                created_at: at,
                decided_at: (status != EnrollmentStatus::PendingApproval).then_some(at),
            },
        )?;
        if status == EnrollmentStatus::Confirmed {
            seat_given(conn, session_id, person_id)?;
        }
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(actor.account_id),
                organization_id: Some(organization_id),
                action: "enrollment.created",
                entity: "enrollment",
                entity_id: Some(id),
                detail: json!({ "session_id": session_id, "person_id": person_id, "status": status.as_str() }),
            },
        )?;
        let change = match status {
            EnrollmentStatus::Confirmed => Change::Confirmed,
            EnrollmentStatus::Waitlisted => Change::Waitlisted,
            _ => Change::Pending,
        };
        notifications::enrollment_changed(conn, id, change, public_url)?;
        outcome(conn, id)
    })
}

fn refused(reason: &'static str) -> AppError {
    AppError::Conflict(Message::new(reason))
}

/// A session takes enrolments while published and its registration is open; staff may also
/// enrol into a completed one (to record who came) and after registration closed.
fn check_open(session: &sessions::Session, staff: bool) -> Result<(), AppError> {
    match session.status {
        SessionStatus::Published => {}
        SessionStatus::Completed if staff => {}
        SessionStatus::Cancelled => return Err(refused("enroll-session-cancelled")),
        _ => return Err(refused("enroll-session-not-open")),
    }
    if !staff && now() > session.registration_closes_at {
        return Err(refused("enroll-registration-closed"));
    }
    Ok(())
}

/// Who may take part: in a trainer-tier session, a key user of the domain whose organisation
/// joined or intends to join it; in an end-user session, the organiser's own staff. Either way
/// the module's prerequisite must be trained, and nobody enrols twice.
fn check_may_take_part(
    conn: &mut DbConn,
    session: &sessions::Session,
    person_id: i64,
    organization_id: i64,
) -> Result<(), AppError> {
    let (tier, domain_id, prerequisite): (String, i64, Option<i64>) = modules::table
        .find(session.module_id)
        .select((
            modules::tier,
            modules::domain_id,
            modules::prerequisite_module_id,
        ))
        .first(conn)?;
    if tier == Tier::Trainer.as_str() {
        let key_user = diesel::select(diesel::dsl::exists(
            key_users::table
                .filter(key_users::person_id.eq(person_id))
                .filter(key_users::domain_id.eq(domain_id))
                .filter(key_users::status.ne("withdrawn")),
        ))
        .get_result::<bool>(conn)?;
        let member = diesel::select(diesel::dsl::exists(
            memberships::table
                .filter(memberships::organization_id.eq(organization_id))
                .filter(memberships::domain_id.eq(domain_id))
                .filter(memberships::status.eq_any(rules::joined_or_intended_codes())),
        ))
        .get_result::<bool>(conn)?;
        if !(key_user && member) {
            return Err(refused("enroll-not-key-user"));
        }
    } else if organization_id != session.organizer_id {
        return Err(refused("enroll-other-organization"));
    }
    if let Some(prerequisite) = prerequisite {
        if !trained_in(conn, person_id, prerequisite)? {
            return Err(refused("enroll-prerequisite-missing"));
        }
    }
    let already = diesel::select(diesel::dsl::exists(
        enrollments::table
            .filter(enrollments::session_id.eq(session.id))
            .filter(enrollments::person_id.eq(person_id))
            .filter(enrollments::status.ne(EnrollmentStatus::Cancelled.as_str())),
    ))
    .get_result::<bool>(conn)?;
    if already {
        return Err(refused("enroll-already"));
    }
    Ok(())
}

/// Nobody is in two places at once (DESIGN §4 rule 3).
fn check_free_at_the_time(
    conn: &mut DbConn,
    session: &sessions::Session,
    person_id: i64,
) -> Result<(), AppError> {
    if seated_elsewhere_at_the_time(conn, person_id, session)? {
        return Err(refused("enroll-overlap"));
    }
    Ok(())
}

/// The status a new request gets: pending where the organisation approves and the actor is
/// neither its HR nor staff; otherwise a seat if one is free (taken here), else the waitlist.
fn seat_or_wait(
    conn: &mut DbConn,
    actor: &Actor,
    session: &sessions::Session,
    organization_id: i64,
) -> Result<EnrollmentStatus, AppError> {
    let needs_approval: bool = organizations::table
        .find(organization_id)
        .select(organizations::requires_enrollment_approval)
        .first(conn)?;
    let approved_by_actor = STAFF.contains(&actor.role) || actor.role == Role::Hr;
    Ok(if needs_approval && !approved_by_actor {
        EnrollmentStatus::PendingApproval
    } else if take_seat(conn, session.id)? {
        EnrollmentStatus::Confirmed
    } else {
        EnrollmentStatus::Waitlisted
    })
}

/// The enrolment if the actor may act on it: staff any; HR its organisation's; a member its
/// own (404 otherwise). Returns it with the person's organisation.
fn reachable(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<(Enrollment, i64), AppError> {
    let enrollment = find(conn, id)?;
    let organization_id = crate::domain::people::organization_of(conn, enrollment.person_id)?;
    let allowed = match actor.role {
        Role::Member => actor.person_id == Some(enrollment.person_id),
        _ => actor.scope().allows(organization_id),
    };
    if allowed {
        Ok((enrollment, organization_id))
    } else {
        Err(AppError::NotFound)
    }
}

fn audit_enrollment(
    conn: &mut DbConn,
    actor: &Actor,
    organization_id: i64,
    action: &str,
    enrollment: &Enrollment,
) -> Result<(), AppError> {
    audit::record(
        conn,
        audit::Event {
            actor_account_id: Some(actor.account_id),
            organization_id: Some(organization_id),
            action,
            entity: "enrollment",
            entity_id: Some(enrollment.id),
            detail: json!({ "session_id": enrollment.session_id, "from": enrollment.status.as_str() }),
        },
    )
}

/// Cancels an enrolment (the person, its HR, staff). A freed seat goes to the waitlist in
/// the same transaction.
pub fn cancel(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    public_url: &str,
) -> Result<EnrollmentOutcome, AppError> {
    let (enrollment, organization_id) = reachable(conn, actor, id)?;
    let session = sessions::find(conn, enrollment.session_id)?;
    let mut involved = waiting_at_the_time(conn, enrollment.person_id, &session)?;
    involved.push(session.id);
    crate::db::transaction(conn, |conn| {
        lock_in_order(conn, &mut involved)?;
        let enrollment = find(conn, id)?;
        match enrollment.status {
            EnrollmentStatus::Confirmed
            | EnrollmentStatus::Waitlisted
            | EnrollmentStatus::PendingApproval => {}
            _ => return Err(AppError::Conflict(Message::new("enroll-not-cancellable"))),
        }
        set_status(conn, id, EnrollmentStatus::Cancelled)?;
        audit_enrollment(
            conn,
            actor,
            organization_id,
            "enrollment.cancelled",
            &enrollment,
        )?;
        notifications::enrollment_changed(conn, id, Change::Cancelled, public_url)?;
        if enrollment.status == EnrollmentStatus::Confirmed {
            free_seat(conn, enrollment.session_id)?;
            promote(conn, enrollment.session_id, public_url)?;
            seat_released(conn, enrollment.person_id, &session, public_url)?;
        }
        outcome(conn, id)
    })
}

/// Approves a pending request (HR of the person's organisation, or staff): a seat if one is
/// free, else the waitlist, keeping the request's place in line.
pub fn approve(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    public_url: &str,
) -> Result<EnrollmentOutcome, AppError> {
    actor.require(&[Role::Admin, Role::Planner, Role::Hr])?;
    let (enrollment, organization_id) = reachable(conn, actor, id)?;
    crate::db::transaction(conn, |conn| {
        sessions::lock(conn, enrollment.session_id)?;
        let enrollment = find(conn, id)?;
        if enrollment.status != EnrollmentStatus::PendingApproval {
            return Err(AppError::Conflict(Message::new("enroll-not-pending")));
        }
        let session = sessions::find(conn, enrollment.session_id)?;
        if seated_elsewhere_at_the_time(conn, enrollment.person_id, &session)? {
            return Err(AppError::Conflict(Message::new("enroll-overlap")));
        }
        let (status, change) = if take_seat(conn, enrollment.session_id)? {
            seat_given(conn, enrollment.session_id, enrollment.person_id)?;
            (EnrollmentStatus::Confirmed, Change::Confirmed)
        } else {
            (EnrollmentStatus::Waitlisted, Change::Waitlisted)
        };
        set_status(conn, id, status)?;
        audit_enrollment(
            conn,
            actor,
            organization_id,
            "enrollment.approved",
            &enrollment,
        )?;
        notifications::enrollment_changed(conn, id, change, public_url)?;
        outcome(conn, id)
    })
}

/// Refuses a pending request, with the reason the person receives.
pub fn refuse(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    reason: Option<&str>,
    public_url: &str,
) -> Result<EnrollmentOutcome, AppError> {
    actor.require(&[Role::Admin, Role::Planner, Role::Hr])?;
    let (enrollment, organization_id) = reachable(conn, actor, id)?;
    let reason = crate::domain::bounded_field("reason", reason, crate::domain::max_chars::REASON)?;
    crate::db::transaction(conn, |conn| {
        if find(conn, id)?.status != EnrollmentStatus::PendingApproval {
            return Err(AppError::Conflict(Message::new("enroll-not-pending")));
        }
        diesel::update(enrollments::table.find(id))
            .set((
                enrollments::status.eq(EnrollmentStatus::Cancelled.as_str()),
                enrollments::decision_note.eq(&reason),
                enrollments::decided_at.eq(now()),
            ))
            .execute(conn)?;
        read_model::refresh_enrollments(conn, &[id])?;
        audit_enrollment(
            conn,
            actor,
            organization_id,
            "enrollment.refused",
            &enrollment,
        )?;
        notifications::enrollment_changed(conn, id, Change::Refused, public_url)?;
        outcome(conn, id)
    })
}

/// One line of a session's participant list.
#[derive(Debug, Clone, Serialize, Queryable, Selectable)]
#[diesel(table_name = enrollments)]
pub struct Participant {
    pub id: i64,
    pub person_id: i64,
    #[diesel(select_expression = people::full_name)]
    pub full_name: String,
    #[diesel(select_expression = people::email)]
    pub email: Option<String>,
    #[diesel(select_expression = organizations::code)]
    pub organization: String,
    pub status: String,
    pub passed: Option<bool>,
    #[serde(serialize_with = "crate::domain::utc::serialize")]
    pub created_at: NaiveDateTime,
    pub decision_note: Option<String>,
}

/// A session's enrolments the actor may see: staff and the session's trainer all; HR its
/// organisation's; a member its own. Waitlist order for those who wait.
pub fn participants(
    conn: &mut DbConn,
    actor: &Actor,
    session_id: i64,
) -> Result<Vec<Participant>, AppError> {
    let session = sessions::visible(conn, Some(actor), session_id)?;
    let mut query = enrollments::table
        .inner_join(people::table.inner_join(organizations::table))
        .filter(enrollments::session_id.eq(session_id))
        .select(Participant::as_select())
        .order((enrollments::created_at, enrollments::id))
        .into_boxed();
    let trainer = actor.person_id.is_some() && actor.person_id == session.trainer_person_id;
    if !(STAFF.contains(&actor.role) || trainer) {
        query = match actor.role {
            Role::Member => query.filter(enrollments::person_id.eq(actor.person_id.unwrap_or(-1))),
            _ => query.filter(people::organization_id.eq(actor.organization_id.unwrap_or(-1))),
        };
    }
    Ok(query.load(conn)?)
}

/// One line of `PUT /api/v1/sessions/{id}/attendance`.
#[derive(Debug, Clone, Deserialize, Serialize, rocket::FromForm)]
pub struct AttendanceLine {
    pub person_id: i64,
    pub attended: bool,
    pub passed: Option<bool>,
}

/// Records attendance from the session's start (its trainer or staff): each confirmed,
/// attended or absent person becomes attended or absent; `passed` counts where the module is
/// assessed. Attending and passing a `certifies_trainer` module certifies the key user.
pub fn record_attendance(
    conn: &mut DbConn,
    actor: &Actor,
    session_id: i64,
    lines: &[AttendanceLine],
) -> Result<Vec<Participant>, AppError> {
    let session = sessions::visible(conn, Some(actor), session_id)?;
    let trainer = actor.person_id.is_some() && actor.person_id == session.trainer_person_id;
    if !(STAFF.contains(&actor.role) || trainer) {
        return Err(AppError::Forbidden);
    }
    if now() < session.starts_at {
        return Err(AppError::Conflict(Message::new("attendance-too-early")));
    }
    if session.status == SessionStatus::Cancelled {
        return Err(AppError::Conflict(Message::new("enroll-session-cancelled")));
    }
    let (assessed, certifies, domain_id): (bool, bool, i64) = modules::table
        .find(session.module_id)
        .select((
            modules::assessed,
            modules::certifies_trainer,
            modules::domain_id,
        ))
        .first(conn)?;
    crate::db::transaction(conn, |conn| {
        // First, so that this write holds no row lock while it waits for the read model's.
        crate::db::lock_read_model(conn)?;
        let mut errors = FieldErrors::default();
        for (index, line) in lines.iter().enumerate() {
            let id = enrollments::table
                .filter(enrollments::session_id.eq(session_id))
                .filter(enrollments::person_id.eq(line.person_id))
                .filter(holds_a_seat())
                .select(enrollments::id)
                .first::<i64>(conn)
                .optional()?;
            let Some(id) = id else {
                errors.add(
                    format!("{index}.person_id"),
                    Message::new("field-not-a-participant"),
                );
                continue;
            };
            let status = if line.attended {
                EnrollmentStatus::Attended
            } else {
                EnrollmentStatus::Absent
            };
            // An explicit result is kept, assessed or not: a fail never counts as trained.
            let passed = if line.attended { line.passed } else { None };
            diesel::update(enrollments::table.find(id))
                .set((
                    enrollments::status.eq(status.as_str()),
                    enrollments::passed.eq(passed),
                ))
                .execute(conn)?;
            if certifies && rules::is_trained(status, passed, assessed) {
                crate::domain::cascade::certify_by_attendance(
                    conn,
                    line.person_id,
                    domain_id,
                    &session,
                )?;
            } else if certifies {
                crate::domain::cascade::recheck_certification(conn, line.person_id, domain_id)?;
            }
        }
        errors.into_result()?;
        let people: Vec<i64> = lines.iter().map(|l| l.person_id).collect();
        read_model::refresh_people(conn, &people)?;
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(actor.account_id),
                organization_id: Some(session.organizer_id),
                action: "session.attendance_recorded",
                entity: "session",
                entity_id: Some(session_id),
                detail: json!({ "lines": lines.len() }),
            },
        )?;
        participants(conn, actor, session_id)
    })
}

/// One person's result in a bulk enrolment.
#[derive(Debug, Clone, Serialize)]
pub struct BulkResult {
    pub person: String,
    pub person_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<EnrollmentStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waitlist_position: Option<i64>,
    /// Why the person was refused, in the actor's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

/// Enrols several people (ids or e-mail addresses), each under the same rules and in its own
/// transaction, in the order given.
/// The most people one bulk enrolment takes.
pub const MAX_BULK: usize = 500;

pub fn enroll_many(
    conn: &mut DbConn,
    actor: &Actor,
    session_id: i64,
    people_ids: &[i64],
    emails: &[String],
    locale: crate::i18n::Locale,
    public_url: &str,
) -> Result<Vec<BulkResult>, AppError> {
    actor.require(&[Role::Admin, Role::Planner, Role::Hr])?;
    sessions::visible(conn, Some(actor), session_id)?;
    if people_ids.len() + emails.len() > MAX_BULK {
        return Err(AppError::invalid(
            "emails",
            Message::new("field-too-many").arg("max", MAX_BULK.to_string()),
        ));
    }
    let mut targets: Vec<(String, Option<i64>)> = people_ids
        .iter()
        .map(|id| (id.to_string(), Some(*id)))
        .collect();
    for email in emails {
        let email = crate::domain::normalize_email(email);
        if email.is_empty() {
            continue;
        }
        if !crate::domain::is_valid_email(&email) {
            // Not an address: unknown, and echoed back no longer than an address can be.
            targets.push((email.chars().take(254).collect(), None));
            continue;
        }
        // Looked up in the actor's scope only: another organisation's address is unknown
        // here, as it would be anywhere else (its person id never shows).
        let mut lookup = people::table
            .filter(people::email.eq(&email))
            .select(people::id)
            .into_boxed();
        if let Some(organization_id) = actor.scope().organization_id() {
            lookup = lookup.filter(people::organization_id.eq(organization_id));
        }
        let id = lookup.first::<i64>(conn).optional()?;
        targets.push((email, id));
    }
    let mut results = Vec::with_capacity(targets.len());
    for (label, person_id) in targets {
        let result = match person_id {
            Some(id) => enroll(conn, actor, session_id, Some(id), public_url),
            None => Err(AppError::NotFound),
        };
        results.push(match result {
            Ok(outcome) => BulkResult {
                person: label,
                person_id,
                status: Some(outcome.status),
                waitlist_position: outcome.waitlist_position,
                refused: None,
            },
            Err(error) => BulkResult {
                person: label,
                // Refused: the id is the one asked for, never one the lookup found.
                person_id: person_id.filter(|id| people_ids.contains(id)),
                status: None,
                waitlist_position: None,
                refused: Some(match error {
                    AppError::Conflict(message) => locale.message(&message),
                    AppError::NotFound => locale.tr("enroll-person-unknown"),
                    other => return Err(other),
                }),
            },
        });
    }
    Ok(results)
}
