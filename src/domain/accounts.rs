//! Accounts: who may sign in, with which role, for which organisation; passwords, sign-in with
//! lockout, invitations and password resets.

use std::collections::HashSet;
use std::sync::OnceLock;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;

use crate::db::schema::{accounts, organizations, people};
use crate::db::{DbConn, RunDb};
use crate::domain::access::Actor;
use crate::domain::notifications;
use crate::domain::people::PersonLanguage;
use crate::domain::sign_ins;
use crate::domain::tokens::{self, LinkPurpose, LinkTarget};
use crate::domain::{audit, is_valid_email, normalize_email, now, text_enum};
use crate::error::{AppError, FieldErrors, Message};
use crate::i18n::Locale;

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

/// The shortest password accepted…
pub const MIN_PASSWORD_CHARS: usize = 12;
/// …and the longest (ASVS 2.1.2: 64 at least must be allowed, over 128 refused).
pub const MAX_PASSWORD_CHARS: usize = 128;
/// Failed sign-ins in a row that lock an account… One address is slowed down after fewer
/// (`web::throttle`), so a lockout takes an attack from several addresses.
pub const MAX_FAILED_LOGINS: i32 = 10;
/// …for this long.
pub const LOCK_MINUTES: i64 = 15;

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

impl Account {
    pub fn locale(&self) -> Option<Locale> {
        self.locale.as_deref().and_then(Locale::parse)
    }
}

/// How a new account gets its first password.
#[derive(Debug, Clone)]
pub enum FirstPassword {
    /// Set now (CLI, demo data, an admin typing it).
    Given(String),
    /// E-mail an invitation: a set-password link valid 72 hours, in the person's language.
    Invite,
    /// An argon2id PHC string made earlier (the demo data set shares one).
    Hashed(String),
}

/// What it takes to create an account.
#[derive(Debug, Clone)]
pub struct AccountRequest {
    /// Defaults to the person's e-mail address.
    pub email: Option<String>,
    pub role: Role,
    /// Defaults to the person's organisation.
    pub organization_code: Option<String>,
    pub person_id: Option<i64>,
    pub password: FirstPassword,
    pub locale: Option<Locale>,
}

fn common_passwords() -> &'static HashSet<String> {
    static LIST: OnceLock<HashSet<String>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("common-passwords.txt")
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(str::to_lowercase)
            .collect()
    })
}

/// Whether a password is one of the 1,000 most common, also with digits or symbols added at
/// the end ("password2024!") or repeated ("monkeymonkey"): at 12 characters and more, these
/// are how the list's entries show up.
pub fn is_common_password(password: &str) -> bool {
    let list = common_passwords();
    let lower = password.to_lowercase();
    if list.contains(&lower) {
        return true;
    }
    let stem = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    if stem.chars().count() >= 4 && list.contains(stem) {
        return true;
    }
    let chars: Vec<char> = lower.chars().collect();
    (1..=chars.len() / 2).any(|unit| {
        chars.len().is_multiple_of(unit)
            && chars.chunks(unit).all(|chunk| chunk == &chars[..unit])
            && (unit < 4 || list.contains(&chars[..unit].iter().collect::<String>()))
    })
}

/// What is wrong with a password, if anything.
pub fn password_problems(password: &str) -> Vec<Message> {
    let mut problems = Vec::new();
    if password.chars().count() < MIN_PASSWORD_CHARS {
        problems.push(
            Message::new("field-password-too-short").arg("min", MIN_PASSWORD_CHARS.to_string()),
        );
    }
    if password.chars().count() > MAX_PASSWORD_CHARS {
        problems.push(Message::new("field-too-long").arg("max", MAX_PASSWORD_CHARS.to_string()));
    }
    if is_common_password(password) {
        problems.push(Message::new("field-password-common"));
    }
    problems
}

fn check_password(password: &str) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    for problem in password_problems(password) {
        errors.add("password", problem);
    }
    errors.into_result()
}

/// Hashes a password with argon2id and a fresh salt (OWASP parameters: m=19 MiB, t=2, p=1),
/// as a PHC string.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::internal(format!("password hashing failed: {e}")))
}

/// Checks a password against a stored PHC string (parameters are read from the string).
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Argon2 work off the async threads and off the database pool, at most one per core at a
/// time: it is slow on purpose, and a burst of sign-ins must queue for the CPU without holding
/// connections or every blocking thread.
mod passwords {
    use std::sync::OnceLock;

    use rocket::tokio::sync::Semaphore;
    use rocket::tokio::task::spawn_blocking;

    use crate::error::AppError;

    fn gate() -> &'static Semaphore {
        static GATE: OnceLock<Semaphore> = OnceLock::new();
        GATE.get_or_init(|| {
            Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
        })
    }

    async fn off_pool<T: Send + 'static>(
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let _turn = gate()
            .acquire()
            .await
            .map_err(|e| AppError::internal(format!("password gate closed: {e}")))?;
        spawn_blocking(work)
            .await
            .map_err(|e| AppError::internal(format!("password task failed: {e}")))
    }

    /// Whether the password matches the stored hash; against a decoy when there is none, so
    /// that unknown accounts take as long.
    pub async fn verify(password: &str, hash: Option<String>) -> Result<bool, AppError> {
        let password = password.to_owned();
        off_pool(move || match hash {
            Some(hash) => super::verify_password(&password, &hash),
            None => {
                super::verify_password(&password, super::decoy_hash());
                false
            }
        })
        .await
    }

    /// Checks a new password's rules and hashes it.
    pub async fn hash(password: &str) -> Result<String, AppError> {
        super::check_password(password)?;
        let password = password.to_owned();
        off_pool(move || super::hash_password(&password)).await?
    }
}

/// A hash to verify against when the e-mail is unknown, so that both cases take as long.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password(&tokens::new_secret()).unwrap_or_default())
}

pub fn find(conn: &mut DbConn, id: i64) -> Result<Account, AppError> {
    Ok(accounts::table
        .find(id)
        .select(Account::as_select())
        .first(conn)?)
}

/// Creates an account (and audits it). `actor` is `None` for the CLI and the demo loader.
/// Admins create any account; HR creates `member` accounts for people of its organisation.
pub fn create(
    conn: &mut DbConn,
    actor: Option<&Actor>,
    request: &AccountRequest,
    public_url: &str,
) -> Result<Account, AppError> {
    if let Some(actor) = actor {
        actor.require(&[Role::Admin, Role::Hr])?;
        if actor.is(Role::Hr) && request.role != Role::Member {
            return Err(AppError::invalid(
                "role",
                Message::new("field-role-not-allowed"),
            ));
        }
    }
    let mut errors = FieldErrors::default();
    let person = linked_person(conn, actor, request, &mut errors)?;
    let email = account_email(request, person.as_ref(), &mut errors);
    if let FirstPassword::Given(password) = &request.password {
        for problem in password_problems(password) {
            errors.add("password", problem);
        }
    }
    let organization_id = account_organization(conn, actor, request, person.as_ref(), &mut errors)?;
    errors.into_result()?;
    let new = NewAccount {
        email: email.unwrap_or_default(),
        organization_id,
        locale: request
            .locale
            .or_else(|| person.as_ref().and_then(|p| Locale::parse(&p.language))),
        password_hash: match &request.password {
            FirstPassword::Given(password) => Some(hash_password(password)?),
            FirstPassword::Hashed(hash) => Some(hash.clone()),
            FirstPassword::Invite => None,
        },
    };
    crate::db::transaction(conn, |conn| {
        let account = insert_account(conn, actor, request, &new)?;
        if new.password_hash.is_none() {
            send_link(conn, &account, LinkPurpose::Invitation, public_url)?;
        }
        Ok(account)
    })
}

/// The person an account is for, as the request names them.
struct LinkedPerson {
    organization_id: i64,
    email: Option<String>,
    language: String,
}

/// The active person the request links, within the actor's scope; `member` accounts need one.
fn linked_person(
    conn: &mut DbConn,
    actor: Option<&Actor>,
    request: &AccountRequest,
    errors: &mut FieldErrors,
) -> Result<Option<LinkedPerson>, AppError> {
    let Some(id) = request.person_id else {
        if request.role == Role::Member {
            errors.add("person_id", Message::new("field-person-required"));
        }
        return Ok(None);
    };
    let found = people::table
        .find(id)
        .filter(people::active.eq(true))
        .select((people::organization_id, people::email, people::language))
        .first::<(i64, Option<String>, String)>(conn)
        .optional()?
        .filter(|p| actor.is_none_or(|a| a.scope().allows(p.0)));
    if found.is_none() {
        errors.add("person_id", Message::new("field-person-unknown"));
    }
    Ok(
        found.map(|(organization_id, email, language)| LinkedPerson {
            organization_id,
            email,
            language,
        }),
    )
}

/// The address given, or else the person's.
fn account_email(
    request: &AccountRequest,
    person: Option<&LinkedPerson>,
    errors: &mut FieldErrors,
) -> Option<String> {
    let email = request
        .email
        .as_deref()
        .map(normalize_email)
        .filter(|e| !e.is_empty())
        .or_else(|| person.and_then(|p| p.email.clone()));
    match &email {
        Some(email) if is_valid_email(email) => {}
        Some(_) => errors.add("email", Message::new("field-email-invalid")),
        None => errors.add("email", Message::new("field-required")),
    }
    email
}

/// The organisation named (which must be the person's), or else the person's, for the roles
/// that need one; always within the actor's scope.
fn account_organization(
    conn: &mut DbConn,
    actor: Option<&Actor>,
    request: &AccountRequest,
    person: Option<&LinkedPerson>,
    errors: &mut FieldErrors,
) -> Result<Option<i64>, AppError> {
    let organization_id = match (&request.organization_code, person) {
        (Some(code), _) => {
            let id = crate::domain::organizations::id_by_code(conn, code)?;
            match (id, person) {
                (None, _) => errors.add("organization", Message::new("field-organization-unknown")),
                (Some(id), Some(p)) if p.organization_id != id => errors.add(
                    "organization",
                    Message::new("field-organization-not-the-persons"),
                ),
                _ => {}
            }
            id
        }
        (None, Some(p)) if request.role.needs_organization() => Some(p.organization_id),
        (None, _) if request.role.needs_organization() => {
            errors.add("organization", Message::new("field-organization-required"));
            None
        }
        (None, _) => None,
    };
    if let (Some(actor), Some(organization_id)) = (actor, organization_id) {
        if !actor.scope().allows(organization_id) {
            errors.add("organization", Message::new("field-organization-unknown"));
        }
    }
    Ok(organization_id)
}

/// What `create` has checked, ready to insert.
struct NewAccount {
    email: String,
    organization_id: Option<i64>,
    locale: Option<Locale>,
    /// `None` for an invitation.
    password_hash: Option<String>,
}

/// Inserts the account and audits it, unless its address or its person already has one.
fn insert_account(
    conn: &mut DbConn,
    actor: Option<&Actor>,
    request: &AccountRequest,
    new: &NewAccount,
) -> Result<Account, AppError> {
    let taken = diesel::select(diesel::dsl::exists(
        accounts::table.filter(accounts::email.eq(&new.email)),
    ))
    .get_result::<bool>(conn)?;
    if taken {
        return Err(AppError::invalid(
            "email",
            Message::new("field-email-taken"),
        ));
    }
    if let Some(person_id) = request.person_id {
        let has_account = diesel::select(diesel::dsl::exists(
            accounts::table.filter(accounts::person_id.eq(person_id)),
        ))
        .get_result::<bool>(conn)?;
        if has_account {
            return Err(AppError::invalid(
                "person_id",
                Message::new("field-person-has-account"),
            ));
        }
    }
    let account_id: i64 = diesel::insert_into(accounts::table)
        .values((
            accounts::email.eq(&new.email),
            accounts::role.eq(request.role.as_str()),
            accounts::organization_id.eq(new.organization_id),
            accounts::person_id.eq(request.person_id),
            accounts::password_hash.eq(&new.password_hash),
            accounts::locale.eq(new.locale.map(Locale::code)),
            accounts::created_at.eq(now()),
        ))
        .returning(accounts::id)
        .get_result(conn)?;
    let account = find(conn, account_id)?;
    audit::record(
        conn,
        audit::Event {
            actor_account_id: actor.map(|a| a.account_id),
            organization_id: new.organization_id,
            action: "account.created",
            entity: "account",
            entity_id: Some(account.id),
            detail: json!({ "role": account.role.as_str(), "person_id": account.person_id }),
        },
    )?;
    Ok(account)
}

/// Queues an invitation or reset e-mail for an account, in its language.
fn send_link(
    conn: &mut DbConn,
    account: &Account,
    purpose: LinkPurpose,
    public_url: &str,
) -> Result<(), AppError> {
    let secret = tokens::create_link(conn, purpose, LinkTarget::Account(account.id))?;
    let link = notifications::link(public_url, &format!("/password/set/{secret}"));
    let (subject, body) = match purpose {
        LinkPurpose::Invitation => (
            Message::new("email-invitation-subject"),
            Message::new("email-invitation-body"),
        ),
        _ => (
            Message::new("email-reset-subject"),
            Message::new("email-reset-body"),
        ),
    };
    notifications::queue(
        conn,
        &account.email,
        account.locale().unwrap_or(Locale::DEFAULT),
        &subject,
        &body
            .arg("link", link)
            .arg("hours", tokens::LINK_VALID_HOURS.to_string()),
    )?;
    Ok(())
}

/// What sign-in reads of an account.
#[derive(Queryable, Selectable)]
#[diesel(table_name = accounts)]
struct SignInRow {
    id: i64,
    #[diesel(column_name = password_hash)]
    hash: Option<String>,
    active: bool,
    locked_until: Option<NaiveDateTime>,
    organization_id: Option<i64>,
}

/// Signs in: the account when the e-mail and password match an active, unlocked account,
/// with what `then` makes of it (a browser sign-in, a token) in the same transaction. Every
/// failure answers `SignInFailed`, whatever its cause, after the same argon2 work.
/// `MAX_FAILED_LOGINS` failures in a row lock the account for `LOCK_MINUTES` and end its
/// sign-ins. The argon2 work runs between two short uses of the database, holding no
/// connection: a burst of sign-ins waits for the CPU, not for the pool.
pub async fn sign_in<T: Send + 'static>(
    db: &impl RunDb,
    email: &str,
    password: &str,
    then: impl FnOnce(&mut DbConn, &Account) -> Result<T, AppError> + Send + 'static,
) -> Result<(Account, T), AppError> {
    let email = normalize_email(email);
    let row = db.run(move |conn| sign_in_row(conn, &email)).await?;
    let hash = row.as_ref().and_then(|row| row.hash.clone());
    let matches = passwords::verify(password, hash).await?;
    let Some(row) = row else {
        return Err(AppError::SignInFailed);
    };
    db.run(move |conn| record_sign_in(conn, &row, matches, then))
        .await?
        .ok_or(AppError::SignInFailed)
}

fn sign_in_row(conn: &mut DbConn, email: &str) -> Result<Option<SignInRow>, AppError> {
    Ok(accounts::table
        .filter(accounts::email.eq(email))
        .select(SignInRow::as_select())
        .first(conn)
        .optional()?)
}

fn sign_in_row_by_id(conn: &mut DbConn, id: i64) -> Result<SignInRow, AppError> {
    Ok(accounts::table
        .find(id)
        .select(SignInRow::as_select())
        .first(conn)?)
}

/// Records the outcome of a password check made against `checked`: on success the account
/// and what `then` made, else `None` and a failure counted towards the lockout. The row is
/// read again in the transaction: a reset, a lockout or a deactivation that happened while
/// argon2 ran wins.
fn record_sign_in<T>(
    conn: &mut DbConn,
    checked: &SignInRow,
    matches: bool,
    then: impl FnOnce(&mut DbConn, &Account) -> Result<T, AppError>,
) -> Result<Option<(Account, T)>, AppError> {
    crate::db::transaction(conn, |conn| {
        let at = now();
        let row = sign_in_row_by_id(conn, checked.id)?;
        let locked = row.locked_until.is_some_and(|until| until > at);
        if matches && row.hash == checked.hash && row.active && !locked {
            diesel::update(accounts::table.find(row.id))
                .set((
                    accounts::failed_logins.eq(0),
                    accounts::locked_until.eq(None::<NaiveDateTime>),
                    accounts::last_login_at.eq(at),
                ))
                .execute(conn)?;
            let account = find(conn, row.id)?;
            let made = then(conn, &account)?;
            return Ok(Some((account, made)));
        }
        if !matches && !locked {
            count_failure(conn, &row, at)?;
        }
        Ok(None)
    })
}

/// Counts a wrong password towards the lockout.
fn count_failure(conn: &mut DbConn, row: &SignInRow, at: NaiveDateTime) -> Result<(), AppError> {
    crate::db::transaction(conn, |conn| {
        let failures: i32 = diesel::update(accounts::table.find(row.id))
            .set(accounts::failed_logins.eq(accounts::failed_logins + 1))
            .returning(accounts::failed_logins)
            .get_result(conn)?;
        if failures >= MAX_FAILED_LOGINS {
            lock(conn, row, at)?;
        }
        Ok(())
    })
}

/// Changes one's own password. The current one must match: a wrong one answers 422 on
/// `current_password` and counts towards the lockout like a failed sign-in. Every sign-in of
/// the account ends (the caller starts a new one for the browser that asked); API tokens stay.
pub async fn change_password(
    db: &impl RunDb,
    account: &Account,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let account_id = account.id;
    let row = db
        .run(move |conn| sign_in_row_by_id(conn, account_id))
        .await?;
    let wrong = || AppError::invalid("current_password", Message::new("field-password-wrong"));
    if row.locked_until.is_some_and(|until| until > now()) {
        return Err(wrong());
    }
    if !passwords::verify(current, row.hash.clone()).await? {
        db.run(move |conn| count_failure(conn, &row, now())).await?;
        return Err(wrong());
    }
    let hash = passwords::hash(new).await?;
    db.run(move |conn| {
        crate::db::transaction(conn, |conn| {
            // Only over the password just checked: a reset made meanwhile wins.
            let changed = diesel::update(
                accounts::table
                    .find(row.id)
                    .filter(accounts::password_hash.eq(&row.hash)),
            )
            .set((
                accounts::password_hash.eq(&hash),
                accounts::failed_logins.eq(0),
            ))
            .execute(conn)?;
            if changed == 0 {
                return Err(wrong());
            }
            tokens::revoke_links(conn, row.id)?;
            let sign_ins_ended = sign_ins::end_all(conn, row.id)?;
            audit::record(
                conn,
                audit::Event {
                    actor_account_id: Some(row.id),
                    organization_id: row.organization_id,
                    action: "account.password_changed",
                    entity: "account",
                    entity_id: Some(row.id),
                    detail: json!({ "sign_ins_ended": sign_ins_ended }),
                },
            )
        })
    })
    .await
}

/// Locks an account for `LOCK_MINUTES` and ends its sign-ins (audited, by the system).
fn lock(conn: &mut DbConn, row: &SignInRow, at: NaiveDateTime) -> Result<(), AppError> {
    diesel::update(accounts::table.find(row.id))
        .set((
            accounts::failed_logins.eq(0),
            accounts::locked_until.eq(at + Duration::minutes(LOCK_MINUTES)),
        ))
        .execute(conn)?;
    let ended = sign_ins::end_all(conn, row.id)?;
    audit::record(
        conn,
        audit::Event {
            actor_account_id: None,
            organization_id: row.organization_id,
            action: "account.locked",
            entity: "account",
            entity_id: Some(row.id),
            detail: json!({ "minutes": LOCK_MINUTES, "sign_ins_ended": ended }),
        },
    )
}

/// Queues a password-reset link when the address belongs to an active account; does nothing
/// otherwise, and the caller answers the same either way.
pub fn request_password_reset(
    conn: &mut DbConn,
    email: &str,
    public_url: &str,
) -> Result<(), AppError> {
    let email = normalize_email(email);
    if !is_valid_email(&email) {
        return Err(AppError::invalid(
            "email",
            Message::new("field-email-invalid"),
        ));
    }
    let account = accounts::table
        .filter(accounts::email.eq(&email))
        .filter(accounts::active.eq(true))
        .select(Account::as_select())
        .first(conn)
        .optional()?;
    if let Some(account) = account {
        crate::db::transaction(conn, |conn| {
            send_link(conn, &account, LinkPurpose::PasswordReset, public_url)?;
            audit::record(
                conn,
                audit::Event {
                    actor_account_id: None,
                    organization_id: account.organization_id,
                    action: "account.reset_requested",
                    entity: "account",
                    entity_id: Some(account.id),
                    detail: json!({}),
                },
            )
        })?;
    }
    Ok(())
}

/// What a set-password link is for, to show on its page.
pub fn link_purpose(conn: &mut DbConn, secret: &str) -> Result<LinkPurpose, AppError> {
    Ok(tokens::find_link(conn, secret)?.purpose)
}

/// Uses an e-mail link: sets the password of the invited or resetting account, or creates the
/// `member` account of the person who claimed it. Single use; 410 when used or expired. The
/// new password ends every sign-in of the account; a reset also revokes its API tokens and
/// calendar feed, which whoever knew the old password may have made.
pub async fn complete_link<T: Send + 'static>(
    db: &impl RunDb,
    secret: &str,
    password: &str,
    then: impl FnOnce(&mut DbConn, &Account) -> Result<T, AppError> + Send + 'static,
) -> Result<(Account, T), AppError> {
    let checked = secret.to_owned();
    db.run(move |conn| tokens::find_link(conn, &checked))
        .await?;
    let hash = passwords::hash(password).await?;
    let secret = secret.to_owned();
    db.run(move |conn| {
        crate::db::transaction(conn, |conn| {
            let account = set_password_by_link(conn, &secret, &hash)?;
            let made = then(conn, &account)?;
            Ok((account, made))
        })
    })
    .await
}

fn set_password_by_link(conn: &mut DbConn, secret: &str, hash: &str) -> Result<Account, AppError> {
    crate::db::transaction(conn, |conn| {
        let link = tokens::find_link(conn, secret)?;
        tokens::consume_link(conn, link.id)?;
        let account_id = match (link.purpose, link.account_id, link.person_id) {
            (LinkPurpose::Registration, _, Some(person_id)) => claim_for_person(conn, person_id)?,
            (_, Some(account_id), _) => account_id,
            _ => return Err(AppError::NotFound),
        };
        diesel::update(accounts::table.find(account_id))
            .set((
                accounts::password_hash.eq(hash),
                accounts::failed_logins.eq(0),
                accounts::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        tokens::revoke_links(conn, account_id)?;
        let sign_ins_ended = sign_ins::end_all(conn, account_id)?;
        let reset = link.purpose == LinkPurpose::PasswordReset;
        if reset {
            tokens::revoke_all(conn, account_id)?;
        }
        let account = find(conn, account_id)?;
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(account.id),
                organization_id: account.organization_id,
                action: "account.password_set",
                entity: "account",
                entity_id: Some(account.id),
                detail: json!({
                    "via": link.purpose.as_str(),
                    "sign_ins_ended": sign_ins_ended,
                    "tokens_and_feed_revoked": reset,
                }),
            },
        )?;
        Ok(account)
    })
}

/// Creates the `member` account of a person claiming it by registration link. A claim never
/// touches an account that exists: once the person has one (of any role, under any address),
/// its e-mail and password change only through that account or an admin, so the link is
/// spent (410). Otherwise whoever registered with an address HR gave the person later would
/// set the password of the account already linked to them.
fn claim_for_person(conn: &mut DbConn, person_id: i64) -> Result<i64, AppError> {
    let existing = diesel::select(diesel::dsl::exists(
        accounts::table.filter(accounts::person_id.eq(person_id)),
    ))
    .get_result::<bool>(conn)?;
    if existing {
        return Err(AppError::Gone(Message::new("error-link-expired")));
    }
    let (organization_id, email, language): (i64, Option<String>, String) = people::table
        .find(person_id)
        .filter(people::active.eq(true))
        .select((people::organization_id, people::email, people::language))
        .first(conn)?;
    let email = email.ok_or(AppError::NotFound)?;
    let id: i64 = diesel::insert_into(accounts::table)
        .values((
            accounts::email.eq(&email),
            accounts::role.eq(Role::Member.as_str()),
            accounts::organization_id.eq(organization_id),
            accounts::person_id.eq(person_id),
            accounts::locale.eq(PersonLanguage::parse(&language).map(|l| l.as_str())),
            accounts::created_at.eq(now()),
        ))
        .returning(accounts::id)
        .get_result(conn)?;
    audit::record(
        conn,
        audit::Event {
            actor_account_id: Some(id),
            organization_id: Some(organization_id),
            action: "account.registered",
            entity: "account",
            entity_id: Some(id),
            detail: json!({ "person_id": person_id }),
        },
    )?;
    Ok(id)
}

/// Sets the account's preferred language (`None`: follow the browser).
pub fn set_locale(
    conn: &mut DbConn,
    account: &Account,
    locale: Option<Locale>,
) -> Result<(), AppError> {
    crate::db::transaction(conn, |conn| {
        diesel::update(accounts::table.find(account.id))
            .set(accounts::locale.eq(locale.map(Locale::code)))
            .execute(conn)?;
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(account.id),
                organization_id: account.organization_id,
                action: "account.locale_changed",
                entity: "account",
                entity_id: Some(account.id),
                detail: json!({ "locale": locale.map(Locale::code) }),
            },
        )
    })
}

/// An account as lists and `GET /api/v1/me` show it.
#[derive(Debug, Clone, Serialize, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct AccountView {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub locale: Option<String>,
    pub active: bool,
    pub person_id: Option<i64>,
    #[diesel(select_expression = people::full_name.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<people::full_name>)]
    pub person_name: Option<String>,
    #[diesel(select_expression = organizations::code.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<organizations::code>)]
    pub organization: Option<String>,
    #[serde(serialize_with = "crate::domain::utc::serialize")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::domain::utc::serialize_option")]
    pub last_login_at: Option<NaiveDateTime>,
}

/// Accounts with their person and organisation, when they have one.
#[diesel::dsl::auto_type(no_type_alias)]
fn account_rows() -> _ {
    accounts::table.left_join(people::table).left_join(
        organizations::table.on(accounts::organization_id.eq(organizations::id.nullable())),
    )
}

pub fn view(conn: &mut DbConn, account_id: i64) -> Result<AccountView, AppError> {
    Ok(account_rows()
        .filter(accounts::id.eq(account_id))
        .select(AccountView::as_select())
        .first(conn)?)
}

/// Accounts an admin (all) or HR (its organisation's) may see, by e-mail.
pub fn list(conn: &mut DbConn, actor: &Actor) -> Result<Vec<AccountView>, AppError> {
    actor.require(&[Role::Admin, Role::Hr])?;
    let mut query = account_rows()
        .select(AccountView::as_select())
        .order(accounts::email)
        .into_boxed();
    if let Some(organization_id) = actor.scope().organization_id() {
        query = query.filter(accounts::organization_id.eq(organization_id));
    }
    Ok(query.load(conn)?)
}
