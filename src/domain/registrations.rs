//! Self-registration. Someone whose e-mail HR already listed among its organisation's people
//! claims an account through a single-use link; anyone else files a request that the named
//! organisation's HR accepts (creating the person and inviting them) or refuses. The answer to
//! the visitor is the same in every case, so it never tells whether an address is known.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::db::schema::{accounts, organizations, people, registration_requests};
use crate::db::DbConn;
use crate::domain::access::{Actor, PEOPLE_MANAGERS};
use crate::domain::accounts::{self as account_rules, AccountRequest, FirstPassword, Role};
use crate::domain::people::{NewPerson, PersonLanguage};
use crate::domain::tokens::{self, LinkPurpose, LinkTarget};
use crate::domain::{
    audit, bounded, bounded_field, is_valid_email, max_chars, non_blank, normalize_email,
    notifications, now, resolve_code, text_enum,
};
use crate::domain::{PageRequest, Paged};
use crate::error::{AppError, FieldErrors, Message};
use crate::i18n::Locale;

/// Requests an organisation may have waiting from one day (a script cannot bury its HR).
pub const MAX_PENDING_PER_DAY: i64 = 50;

text_enum! {
    pub enum RequestStatus {
        Pending => "pending",
        Accepted => "accepted",
        Refused => "refused",
    }
}

/// What the registration form and `POST /api/v1/registrations` take. Every field is checked
/// whether or not the address is known, so that errors reveal nothing either.
#[derive(Debug, Clone, Default, Serialize, Deserialize, rocket::FromForm)]
pub struct RegistrationInput {
    pub email: Option<String>,
    pub full_name: Option<String>,
    pub organization: Option<String>,
    pub language: Option<String>,
    pub job_title: Option<String>,
}

/// Someone asks for an account. Whatever the address, the answer is the same: a person who
/// has an account is reminded how to get back in, a person HR already listed gets a link to
/// claim one, and anyone else files a request for their organisation's HR.
pub fn register(
    conn: &mut DbConn,
    input: &RegistrationInput,
    public_url: &str,
) -> Result<(), AppError> {
    let registration = checked(conn, input)?;
    let email = &registration.email;
    crate::db::transaction(conn, |conn| {
        // Checked first, so that every address gets the same answer once it is reached (a
        // later check would tell known addresses from unknown ones).
        check_daily_cap(conn, registration.organization_id)?;
        let has_account = diesel::select(diesel::dsl::exists(
            accounts::table.filter(accounts::email.eq(email)),
        ))
        .get_result::<bool>(conn)?;
        if has_account {
            return account_rules::request_password_reset(conn, email, public_url);
        }
        let person_id = people::table
            .filter(people::email.eq(email))
            .filter(people::active.eq(true))
            .select(people::id)
            .first::<i64>(conn)
            .optional()?;
        match person_id {
            Some(person_id) => send_claim_link(conn, person_id, &registration, public_url),
            None => file_request(conn, &registration),
        }
    })
}

/// A registration as checked.
struct Registration {
    email: String,
    full_name: String,
    job_title: Option<String>,
    language: PersonLanguage,
    organization_id: i64,
}

fn checked(conn: &mut DbConn, input: &RegistrationInput) -> Result<Registration, AppError> {
    let mut errors = FieldErrors::default();
    let email = non_blank(input.email.as_deref()).map(|e| normalize_email(&e));
    match &email {
        Some(e) if is_valid_email(e) => {}
        Some(_) => errors.add("email", Message::new("field-email-invalid")),
        None => errors.add("email", Message::new("field-required")),
    }
    let full_name = bounded(
        &mut errors,
        "full_name",
        input.full_name.as_deref(),
        max_chars::NAME,
    );
    if full_name.is_none() {
        errors.add("full_name", Message::new("field-required"));
    }
    let job_title = bounded(
        &mut errors,
        "job_title",
        input.job_title.as_deref(),
        max_chars::TITLE,
    );
    let language = non_blank(input.language.as_deref()).and_then(|l| PersonLanguage::parse(&l));
    if language.is_none() {
        errors.add("language", Message::new("field-language-invalid"));
    }
    let organization_id = resolve_code(
        &mut errors,
        "organization",
        input.organization.as_deref(),
        Message::new("field-organization-required"),
        Message::new("field-organization-unknown"),
        |code| crate::domain::organizations::id_by_code(conn, code),
    )?;
    errors.into_result()?;
    let (Some(email), Some(full_name), Some(language), Some(organization_id)) =
        (email, full_name, language, organization_id)
    else {
        return Err(AppError::internal("validated registration missing"));
    };
    Ok(Registration {
        email,
        full_name,
        job_title,
        language,
        organization_id,
    })
}

/// A cap per organisation and day: a script cannot bury HR under requests.
fn check_daily_cap(conn: &mut DbConn, organization_id: i64) -> Result<(), AppError> {
    let since = now() - chrono::Duration::days(1);
    let today: i64 = registration_requests::table
        .filter(registration_requests::organization_id.eq(organization_id))
        .filter(registration_requests::status.eq(RequestStatus::Pending.as_str()))
        .filter(registration_requests::created_at.gt(since))
        .count()
        .get_result(conn)?;
    if today >= MAX_PENDING_PER_DAY {
        return Err(AppError::Conflict(Message::new("registration-cap-reached")));
    }
    Ok(())
}

/// E-mails a person HR listed a link to claim their account, unless they have one under
/// another address: then nothing is sent, and the answer is the same as any registration's
/// (nobody learns whose address this is).
fn send_claim_link(
    conn: &mut DbConn,
    person_id: i64,
    registration: &Registration,
    public_url: &str,
) -> Result<(), AppError> {
    let has_account = diesel::select(diesel::dsl::exists(
        accounts::table.filter(accounts::person_id.eq(person_id)),
    ))
    .get_result::<bool>(conn)?;
    if has_account {
        return Ok(());
    }
    let secret = tokens::create_link(
        conn,
        LinkPurpose::Registration,
        LinkTarget::Person(person_id),
    )?;
    let link = notifications::link(public_url, &format!("/password/set/{secret}"));
    let locale = Locale::parse(registration.language.as_str()).unwrap_or(Locale::DEFAULT);
    notifications::queue(
        conn,
        &registration.email,
        locale,
        &Message::new("email-claim-subject"),
        &Message::new("email-claim-body")
            .arg("link", link)
            .arg("hours", tokens::LINK_VALID_HOURS.to_string()),
    )?;
    Ok(())
}

/// Files a request for the organisation's HR, once per address while one is pending.
fn file_request(conn: &mut DbConn, registration: &Registration) -> Result<(), AppError> {
    let already_pending = diesel::select(diesel::dsl::exists(
        registration_requests::table
            .filter(registration_requests::email.eq(&registration.email))
            .filter(registration_requests::organization_id.eq(registration.organization_id))
            .filter(registration_requests::status.eq(RequestStatus::Pending.as_str())),
    ))
    .get_result::<bool>(conn)?;
    if already_pending {
        return Ok(());
    }
    let id: i64 = diesel::insert_into(registration_requests::table)
        .values((
            registration_requests::organization_id.eq(registration.organization_id),
            registration_requests::full_name.eq(&registration.full_name),
            registration_requests::email.eq(&registration.email),
            registration_requests::job_title.eq(&registration.job_title),
            registration_requests::language.eq(registration.language.as_str()),
            registration_requests::status.eq(RequestStatus::Pending.as_str()),
            registration_requests::created_at.eq(now()),
        ))
        .returning(registration_requests::id)
        .get_result(conn)?;
    audit::record(
        conn,
        audit::Event {
            actor_account_id: None,
            organization_id: Some(registration.organization_id),
            action: "registration.requested",
            entity: "registration_request",
            entity_id: Some(id),
            detail: json!({}),
        },
    )
}

#[derive(Debug, Clone, Serialize, Queryable, Selectable)]
#[diesel(table_name = registration_requests)]
pub struct RequestView {
    pub id: i64,
    #[diesel(select_expression = organizations::code)]
    pub organization: String,
    pub full_name: String,
    pub email: String,
    pub job_title: Option<String>,
    pub language: String,
    pub status: String,
    pub decision_note: Option<String>,
    pub person_id: Option<i64>,
    #[serde(serialize_with = "crate::domain::utc::serialize")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::domain::utc::serialize_option")]
    pub decided_at: Option<NaiveDateTime>,
}

/// Requests in the actor's scope (HR: its organisation's), pending ones unless `all`.
pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    all: bool,
    page: PageRequest,
) -> Result<Paged<RequestView>, AppError> {
    actor.require(PEOPLE_MANAGERS)?;
    let build = || {
        let mut query = registration_requests::table
            .inner_join(organizations::table)
            .into_boxed();
        if let Some(organization_id) = actor.scope().organization_id() {
            query = query.filter(registration_requests::organization_id.eq(organization_id));
        }
        if !all {
            query = query.filter(registration_requests::status.eq(RequestStatus::Pending.as_str()));
        }
        query
    };
    let total: i64 = build().count().get_result(conn)?;
    let items = build()
        .select(RequestView::as_select())
        .order(registration_requests::id.desc())
        .limit(page.per_page)
        .offset(page.offset())
        .load(conn)?;
    Ok(Paged::new(items, total, page))
}

/// A pending request in the actor's scope: 404 outside it, 409 once decided.
fn pending(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<(RequestView, i64), AppError> {
    actor.require(PEOPLE_MANAGERS)?;
    let (request, organization_id) = registration_requests::table
        .inner_join(organizations::table)
        .filter(registration_requests::id.eq(id))
        .select((
            RequestView::as_select(),
            registration_requests::organization_id,
        ))
        .first::<(RequestView, i64)>(conn)?;
    actor.check_organization(organization_id)?;
    if request.status != RequestStatus::Pending.as_str() {
        return Err(AppError::Conflict(Message::new("error-request-decided")));
    }
    Ok((request, organization_id))
}

/// Accepts: creates the person and a `member` account, and e-mails the invitation.
pub fn accept(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    public_url: &str,
) -> Result<RequestView, AppError> {
    crate::db::transaction(conn, |conn| {
        let (request, organization_id) = pending(conn, actor, id)?;
        let language = PersonLanguage::parse(&request.language).unwrap_or(PersonLanguage::Fr);
        let email_known = diesel::select(diesel::dsl::exists(
            people::table.filter(people::email.eq(&request.email)),
        ))
        .get_result::<bool>(conn)?;
        if email_known {
            return Err(AppError::Conflict(Message::new("field-email-taken")));
        }
        let person_id = crate::domain::people::insert(
            conn,
            NewPerson {
                organization_id,
                full_name: &request.full_name,
                email: Some(&request.email),
                job_title: request.job_title.as_deref(),
                profile: None,
                language,
            },
        )?;
        account_rules::create(
            conn,
            Some(actor),
            &AccountRequest {
                email: Some(request.email.clone()),
                role: Role::Member,
                organization_code: None,
                person_id: Some(person_id),
                password: FirstPassword::Invite,
                locale: Locale::parse(language.as_str()),
            },
            public_url,
        )?;
        decide(
            conn,
            actor,
            id,
            organization_id,
            RequestStatus::Accepted,
            None,
            Some(person_id),
        )
    })
}

/// Refuses, with an optional reason that the requester receives by e-mail.
pub fn refuse(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    note: Option<&str>,
) -> Result<RequestView, AppError> {
    let note = bounded_field("reason", note, max_chars::REASON)?;
    crate::db::transaction(conn, |conn| {
        let (request, organization_id) = pending(conn, actor, id)?;
        let locale = Locale::parse(&request.language).unwrap_or(Locale::DEFAULT);
        let reason = note
            .clone()
            .unwrap_or_else(|| locale.tr("registration-no-reason"));
        notifications::queue(
            conn,
            &request.email,
            locale,
            &Message::new("email-registration-refused-subject"),
            &Message::new("email-registration-refused-body").arg("reason", reason),
        )?;
        decide(
            conn,
            actor,
            id,
            organization_id,
            RequestStatus::Refused,
            note,
            None,
        )
    })
}

fn decide(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    organization_id: i64,
    status: RequestStatus,
    note: Option<String>,
    person_id: Option<i64>,
) -> Result<RequestView, AppError> {
    diesel::update(registration_requests::table.find(id))
        .set((
            registration_requests::status.eq(status.as_str()),
            registration_requests::decision_note.eq(&note),
            registration_requests::decided_by.eq(actor.account_id),
            registration_requests::decided_at.eq(now()),
            registration_requests::person_id.eq(person_id),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        audit::Event {
            actor_account_id: Some(actor.account_id),
            organization_id: Some(organization_id),
            action: match status {
                RequestStatus::Accepted => "registration.accepted",
                _ => "registration.refused",
            },
            entity: "registration_request",
            entity_id: Some(id),
            detail: json!({ "person_id": person_id }),
        },
    )?;
    Ok(registration_requests::table
        .inner_join(organizations::table)
        .filter(registration_requests::id.eq(id))
        .select(RequestView::as_select())
        .first(conn)?)
}
