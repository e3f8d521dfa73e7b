//! People: the staff of each organisation, whether or not they have an account. HR manages its
//! own organisation's people (admins all); planners read everyone; a member sees itself.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::db::schema::{
    accounts, api_tokens, domains, email_links, enrollments, individual_plan_items,
    individual_plans, key_users, modules, organizations, people, registration_requests,
    training_sessions,
};
use crate::db::DbConn;
use crate::domain::access::{Actor, Scope, PEOPLE_MANAGERS, PEOPLE_READERS};
use crate::domain::accounts::Role;
use crate::domain::{
    audit, bounded, is_valid_email, max_chars, non_blank, normalize_email, now, text_enum,
};
use crate::domain::{PageRequest, Paged};
use crate::error::{AppError, FieldErrors, Message};

text_enum! {
    /// The language a person works in.
    pub enum PersonLanguage {
        Fr => "fr",
        Nl => "nl",
        En => "en",
    }
}

/// What an anonymised person's name becomes.
pub const ANONYMISED_NAME: &str = "—";

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = people)]
pub struct Person {
    pub id: i64,
    pub organization_id: i64,
    pub full_name: String,
    pub email: Option<String>,
    pub job_title: Option<String>,
    pub profile: Option<String>,
    #[diesel(deserialize_as = String)]
    pub language: PersonLanguage,
    pub active: bool,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = people)]
pub struct NewPerson<'a> {
    pub organization_id: i64,
    pub full_name: &'a str,
    pub email: Option<&'a str>,
    pub job_title: Option<&'a str>,
    pub profile: Option<&'a str>,
    #[diesel(serialize_as = String)]
    pub language: PersonLanguage,
}

pub fn insert(conn: &mut DbConn, new: NewPerson<'_>) -> Result<i64, AppError> {
    Ok(diesel::insert_into(people::table)
        .values(new)
        .returning(people::id)
        .get_result(conn)?)
}

pub fn count(conn: &mut DbConn) -> Result<i64, AppError> {
    Ok(people::table.count().get_result(conn)?)
}

/// A person as lists, pages and the API show it (organisation by code).
#[derive(Debug, Clone, Serialize, Queryable, Selectable)]
#[diesel(table_name = people)]
pub struct PersonView {
    pub id: i64,
    #[diesel(select_expression = organizations::code)]
    pub organization: String,
    pub full_name: String,
    pub email: Option<String>,
    pub job_title: Option<String>,
    pub profile: Option<String>,
    pub language: String,
    pub active: bool,
}

text_enum! {
    /// Which people a list shows: the active ones (the default), those who left, or all.
    pub enum StaffStatus {
        Active => "active",
        Inactive => "inactive",
        All => "all",
    }
}

/// Filters of the people list (`?organization=&profile=&language=&q=&status=`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, rocket::FromForm)]
pub struct PeopleFilter {
    pub organization: Option<String>,
    pub profile: Option<String>,
    pub language: Option<String>,
    /// Part of the name or e-mail address.
    pub q: Option<String>,
    /// `active` (default), `inactive` or `all`.
    pub status: Option<String>,
}

/// A page of people in the actor's scope.
pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    filter: &PeopleFilter,
    page: PageRequest,
) -> Result<Paged<PersonView>, AppError> {
    actor.require(PEOPLE_READERS)?;
    let mut errors = FieldErrors::default();
    crate::domain::rules::organization_filter(
        conn,
        &mut errors,
        "organization",
        filter.organization.as_deref(),
    )?;
    let _: Option<PersonLanguage> = crate::domain::rules::code_filter(
        &mut errors,
        "language",
        filter.language.as_deref(),
        Message::new("field-language-invalid"),
    );
    let _: Option<StaffStatus> = crate::domain::rules::code_filter(
        &mut errors,
        "status",
        filter.status.as_deref(),
        Message::new("field-status-invalid"),
    );
    errors.into_result()?;
    let build = || {
        let mut query = people::table.inner_join(organizations::table).into_boxed();
        if let Some(organization_id) = actor.scope().organization_id() {
            query = query.filter(people::organization_id.eq(organization_id));
        }
        if let Some(code) = non_blank(filter.organization.as_deref()) {
            query = query.filter(organizations::code.eq(code));
        }
        if let Some(profile) = non_blank(filter.profile.as_deref()) {
            query = query.filter(people::profile.eq(profile));
        }
        if let Some(language) = non_blank(filter.language.as_deref()) {
            query = query.filter(people::language.eq(language));
        }
        if let Some(q) = non_blank(filter.q.as_deref()) {
            let pattern = format!("%{}%", escape_like(&q.to_lowercase()));
            query = query.filter(
                lower(people::full_name)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(people::email.assume_not_null())
                        .like(pattern)
                        .escape('\\')),
            );
        }
        match filter.status.as_deref().map(str::trim) {
            Some("all") => {}
            Some("inactive") => query = query.filter(people::active.eq(false)),
            _ => query = query.filter(people::active.eq(true)),
        }
        query
    };
    let total: i64 = build().count().get_result(conn)?;
    let items = build()
        .select(PersonView::as_select())
        .order((people::full_name, people::id))
        .limit(page.per_page)
        .offset(page.offset())
        .load(conn)?;
    Ok(Paged::new(items, total, page))
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

pub(crate) fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The distinct profiles in use in the actor's scope, for the list's filter.
pub fn profiles(conn: &mut DbConn, actor: &Actor) -> Result<Vec<String>, AppError> {
    let mut query = people::table
        .filter(people::profile.is_not_null())
        .select(people::profile.assume_not_null())
        .distinct()
        .order(people::profile.assume_not_null())
        .into_boxed();
    if let Some(organization_id) = actor.scope().organization_id() {
        query = query.filter(people::organization_id.eq(organization_id));
    }
    Ok(query.load(conn)?)
}

/// The person, if the actor may see it: HR and members of another organisation get 404, and a
/// member sees only itself.
pub fn get(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<PersonView, AppError> {
    let person = people::table
        .inner_join(organizations::table)
        .filter(people::id.eq(id))
        .select((PersonView::as_select(), people::organization_id))
        .first::<(PersonView, i64)>(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    let visible = match actor.role {
        Role::Member => actor.person_id == Some(id),
        _ => actor.scope().allows(person.1),
    };
    if visible {
        Ok(person.0)
    } else {
        Err(AppError::NotFound)
    }
}

/// The organisation a person belongs to.
pub fn organization_of(conn: &mut DbConn, person_id: i64) -> Result<i64, AppError> {
    Ok(people::table
        .find(person_id)
        .select(people::organization_id)
        .first(conn)?)
}

/// The fields of a person, as a form or JSON body gives them. On update, a missing field
/// keeps its value and an empty one clears it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, rocket::FromForm)]
pub struct PersonInput {
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub job_title: Option<String>,
    pub profile: Option<String>,
    pub language: Option<String>,
    /// The organisation's code; admins only (HR always adds to its own).
    pub organization: Option<String>,
    pub active: Option<bool>,
}

impl From<&PersonView> for PersonInput {
    /// The person's current values, to fill in its edit form.
    fn from(person: &PersonView) -> Self {
        PersonInput {
            full_name: Some(person.full_name.clone()),
            email: person.email.clone(),
            job_title: person.job_title.clone(),
            profile: person.profile.clone(),
            language: Some(person.language.clone()),
            organization: Some(person.organization.clone()),
            active: Some(person.active),
        }
    }
}

/// A person's fields after validation.
struct CleanPerson {
    full_name: String,
    email: Option<String>,
    job_title: Option<String>,
    profile: Option<String>,
    language: PersonLanguage,
}

impl CleanPerson {
    fn insert(&self, conn: &mut DbConn, organization_id: i64) -> Result<i64, AppError> {
        insert(
            conn,
            NewPerson {
                organization_id,
                full_name: &self.full_name,
                email: self.email.as_deref(),
                job_title: self.job_title.as_deref(),
                profile: self.profile.as_deref(),
                language: self.language,
            },
        )
    }
}

/// Validates fields (all present: callers merge the stored values first). Errors go under
/// `prefix` + field name (`""` for forms, `rows.12.` for CSV rows).
fn clean(
    prefix: &str,
    full_name: Option<&str>,
    email: Option<&str>,
    job_title: Option<&str>,
    profile: Option<&str>,
    language: Option<&str>,
    errors: &mut FieldErrors,
) -> Option<CleanPerson> {
    let before = errors.0.len();
    let full_name = bounded(
        errors,
        format!("{prefix}full_name"),
        full_name,
        max_chars::NAME,
    );
    if full_name.is_none() {
        errors.add(format!("{prefix}full_name"), Message::new("field-required"));
    }
    let email = non_blank(email).map(|e| normalize_email(&e));
    if email.as_deref().is_some_and(|e| !is_valid_email(e)) {
        errors.add(
            format!("{prefix}email"),
            Message::new("field-email-invalid"),
        );
    }
    let job_title = bounded(
        errors,
        format!("{prefix}job_title"),
        job_title,
        max_chars::TITLE,
    );
    let profile = bounded(
        errors,
        format!("{prefix}profile"),
        profile,
        max_chars::TITLE,
    );
    let language = match non_blank(language) {
        Some(code) => {
            let parsed = PersonLanguage::parse(&code.to_lowercase());
            if parsed.is_none() {
                errors.add(
                    format!("{prefix}language"),
                    Message::new("field-language-invalid"),
                );
            }
            parsed
        }
        None => {
            errors.add(format!("{prefix}language"), Message::new("field-required"));
            None
        }
    };
    if errors.0.len() != before {
        return None;
    }
    Some(CleanPerson {
        full_name: full_name?,
        email,
        job_title,
        profile,
        language: language?,
    })
}

fn email_taken(conn: &mut DbConn, email: &str, except: Option<i64>) -> Result<bool, AppError> {
    let query = people::table
        .filter(people::email.eq(email))
        .filter(people::id.ne(except.unwrap_or(-1)));
    Ok(diesel::select(diesel::dsl::exists(query)).get_result(conn)?)
}

/// The organisation new people go to: HR's own; an admin names it.
fn target_organization(
    conn: &mut DbConn,
    actor: &Actor,
    code: Option<&str>,
) -> Result<i64, AppError> {
    match (actor.scope(), non_blank(code)) {
        (Scope::Organization(own), None) => Ok(own),
        (scope, Some(code)) => {
            let id = crate::domain::organizations::id_by_code(conn, &code)?
                .filter(|id| scope.allows(*id));
            id.ok_or_else(|| {
                AppError::invalid("organization", Message::new("field-organization-unknown"))
            })
        }
        (Scope::All, None) => Err(AppError::invalid(
            "organization",
            Message::new("field-organization-required"),
        )),
    }
}

pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    input: &PersonInput,
) -> Result<PersonView, AppError> {
    actor.require(PEOPLE_MANAGERS)?;
    let mut errors = FieldErrors::default();
    let organization_id = match target_organization(conn, actor, input.organization.as_deref()) {
        Ok(id) => Some(id),
        Err(AppError::Validation(e)) => {
            errors.0.extend(e.0);
            None
        }
        Err(other) => return Err(other),
    };
    let person = clean(
        "",
        input.full_name.as_deref(),
        input.email.as_deref(),
        input.job_title.as_deref(),
        input.profile.as_deref(),
        input.language.as_deref(),
        &mut errors,
    );
    errors.into_result()?;
    let (Some(person), Some(organization_id)) = (person, organization_id) else {
        return Err(AppError::internal("validated person missing"));
    };
    crate::db::transaction(conn, |conn| {
        if let Some(email) = &person.email {
            if email_taken(conn, email, None)? {
                return Err(AppError::invalid(
                    "email",
                    Message::new("field-email-taken"),
                ));
            }
        }
        let id = person.insert(conn, organization_id)?;
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(actor.account_id),
                organization_id: Some(organization_id),
                action: "person.created",
                entity: "person",
                entity_id: Some(id),
                detail: json!({ "profile": person.profile, "language": person.language.as_str() }),
            },
        )?;
        get(conn, actor, id)
    })
}

/// Changes a person's fields; `active: false` deactivates them (and their account).
pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    input: &PersonInput,
) -> Result<PersonView, AppError> {
    actor.require(PEOPLE_MANAGERS)?;
    let current = get(conn, actor, id)?;
    if current.full_name == ANONYMISED_NAME && current.email.is_none() && !current.active {
        return Err(AppError::Conflict(Message::new("error-person-anonymised")));
    }
    let mut errors = FieldErrors::default();
    if input
        .organization
        .as_deref()
        .is_some_and(|code| !code.trim().is_empty() && code.trim() != current.organization)
    {
        errors.add("organization", Message::new("field-organization-fixed"));
    }
    let pick = |new: &Option<String>, old: &Option<String>| match new {
        Some(value) => Some(value.clone()),
        None => old.clone(),
    };
    let person = clean(
        "",
        Some(input.full_name.as_deref().unwrap_or(&current.full_name)),
        pick(&input.email, &current.email).as_deref(),
        pick(&input.job_title, &current.job_title).as_deref(),
        pick(&input.profile, &current.profile).as_deref(),
        Some(input.language.as_deref().unwrap_or(&current.language)),
        &mut errors,
    );
    errors.into_result()?;
    let Some(person) = person else {
        return Err(AppError::internal("validated person missing"));
    };
    let active = input.active.unwrap_or(current.active);
    // The reports count people by profile and language, and only the active ones' plans.
    let counted_anew = person.profile != current.profile
        || person.language.as_str() != current.language
        || active != current.active;
    crate::db::transaction(conn, |conn| {
        if counted_anew {
            // First, so that this write holds no row lock while it waits for the read model's.
            crate::db::lock_read_model(conn)?;
        }
        if let Some(email) = &person.email {
            if email_taken(conn, email, Some(id))? {
                return Err(AppError::invalid(
                    "email",
                    Message::new("field-email-taken"),
                ));
            }
        }
        diesel::update(people::table.find(id))
            .set((
                people::full_name.eq(&person.full_name),
                people::email.eq(&person.email),
                people::job_title.eq(&person.job_title),
                people::profile.eq(&person.profile),
                people::language.eq(person.language.as_str()),
                people::active.eq(active),
                people::updated_at.eq(now()),
            ))
            .execute(conn)?;
        if counted_anew {
            crate::domain::read_model::refresh_people(conn, &[id])?;
        }
        if !active {
            diesel::update(accounts::table.filter(accounts::person_id.eq(id)))
                .set(accounts::active.eq(false))
                .execute(conn)?;
            crate::domain::sign_ins::end_all_of_person(conn, id)?;
        }
        let action = match (current.active, active) {
            (true, false) => "person.deactivated",
            (false, true) => "person.reactivated",
            _ => "person.updated",
        };
        let organization_id = organization_of(conn, id)?;
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(actor.account_id),
                organization_id: Some(organization_id),
                action,
                entity: "person",
                entity_id: Some(id),
                detail: json!({ "profile": person.profile, "language": person.language.as_str() }),
            },
        )?;
        get(conn, actor, id)
    })
}

/// The columns of a people CSV file.
pub const CSV_COLUMNS: [&str; 5] = ["full_name", "email", "job_title", "profile", "language"];

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub organization: String,
    pub created: usize,
}

/// Imports people from CSV (a header row naming `CSV_COLUMNS`, in any order; `full_name` and
/// `language` required). Every row is checked first; one bad row imports nothing, and each
/// error names its line and column (`rows.<line>.<column>`, the header being line 1).
pub fn import_csv(
    conn: &mut DbConn,
    actor: &Actor,
    organization: Option<&str>,
    data: &[u8],
) -> Result<ImportReport, AppError> {
    actor.require(PEOPLE_MANAGERS)?;
    let organization_id = target_organization(conn, actor, organization)?;
    let organization_code: String = organizations::table
        .find(organization_id)
        .select(organizations::code)
        .first(conn)?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(data);
    let headers = reader
        .headers()
        .map_err(|_| AppError::invalid("file", Message::new("field-csv-unreadable")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_lowercase())
        .collect::<Vec<_>>();
    let mut errors = FieldErrors::default();
    let column = |name: &str| headers.iter().position(|h| h == name);
    for required in ["full_name", "language"] {
        if column(required).is_none() {
            errors.add(
                "file",
                Message::new("field-csv-missing-column").arg("column", required),
            );
        }
    }
    if let Some(unknown) = headers.iter().find(|h| !CSV_COLUMNS.contains(&h.as_str())) {
        errors.add(
            "file",
            Message::new("field-csv-unknown-column").arg("column", unknown.clone()),
        );
    }
    errors.clone().into_result()?;
    let index: HashMap<&str, Option<usize>> = CSV_COLUMNS.iter().map(|c| (*c, column(c))).collect();

    let mut rows = Vec::new();
    let mut seen_emails: HashMap<String, u64> = HashMap::new();
    for (position, record) in reader.records().enumerate() {
        let line = position as u64 + 2;
        let prefix = format!("rows.{line}.");
        let record = match record {
            Ok(record) => record,
            Err(_) => {
                errors.add(format!("rows.{line}"), Message::new("field-csv-bad-row"));
                continue;
            }
        };
        let field = |name: &str| index[name].and_then(|i| record.get(i));
        let person = clean(
            &prefix,
            field("full_name"),
            field("email"),
            field("job_title"),
            field("profile"),
            field("language"),
            &mut errors,
        );
        if let Some(person) = person {
            if let Some(email) = &person.email {
                if let Some(first) = seen_emails.insert(email.clone(), line) {
                    errors.add(
                        format!("{prefix}email"),
                        Message::new("field-csv-duplicate-email").arg("line", first.to_string()),
                    );
                }
            }
            rows.push((line, person));
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.add("file", Message::new("field-csv-empty"));
    }
    let emails: Vec<String> = seen_emails.keys().cloned().collect();
    let mut taken = HashSet::new();
    for chunk in emails.chunks(500) {
        taken.extend(
            people::table
                .filter(people::email.eq_any(chunk))
                .select(people::email.assume_not_null())
                .load::<String>(conn)?,
        );
    }
    for (line, person) in &rows {
        if person.email.as_ref().is_some_and(|e| taken.contains(e)) {
            errors.add(
                format!("rows.{line}.email"),
                Message::new("field-email-taken"),
            );
        }
    }
    errors.into_result()?;

    crate::db::transaction(conn, |conn| {
        for (_, person) in &rows {
            person.insert(conn, organization_id)?;
        }
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(actor.account_id),
                organization_id: Some(organization_id),
                action: "people.imported",
                entity: "organization",
                entity_id: Some(organization_id),
                detail: json!({ "created": rows.len() }),
            },
        )
    })?;
    Ok(ImportReport {
        organization: organization_code,
        created: rows.len(),
    })
}

/// Everything Formation holds about a person (GDPR access right), as one JSON document.
pub fn export(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<Value, AppError> {
    actor.require(PEOPLE_MANAGERS)?;
    let person = get(conn, actor, id)?;
    type AccountRow = (
        String,
        String,
        Option<String>,
        chrono::NaiveDateTime,
        Option<chrono::NaiveDateTime>,
    );
    let account: Option<AccountRow> = accounts::table
        .filter(accounts::person_id.eq(id))
        .select((
            accounts::email,
            accounts::role,
            accounts::locale,
            accounts::created_at,
            accounts::last_login_at,
        ))
        .first(conn)
        .optional()?;
    let key_user_rows: Vec<(String, String, chrono::NaiveDate, Option<chrono::NaiveDate>)> =
        key_users::table
            .inner_join(domains::table)
            .filter(key_users::person_id.eq(id))
            .select((
                domains::code,
                key_users::status,
                key_users::designated_on,
                key_users::certified_on,
            ))
            .load(conn)?;
    let enrollment_rows: Vec<(i64, String, chrono::NaiveDateTime, String, Option<bool>)> =
        enrollments::table
            .inner_join(training_sessions::table.inner_join(modules::table))
            .filter(enrollments::person_id.eq(id))
            .select((
                training_sessions::id,
                modules::code,
                training_sessions::starts_at,
                enrollments::status,
                enrollments::passed,
            ))
            .order(training_sessions::starts_at)
            .load(conn)?;
    let plan_rows: Vec<(i32, String, String, Option<chrono::NaiveDate>)> = individual_plans::table
        .inner_join(individual_plan_items::table.inner_join(modules::table))
        .filter(individual_plans::person_id.eq(id))
        .select((
            individual_plans::year,
            individual_plans::status,
            modules::code,
            individual_plan_items::target_on,
        ))
        .load(conn)?;
    Ok(json!({
        "person": person,
        "account": account.map(|(email, role, locale, created_at, last_login_at)| json!({
            "email": email, "role": role, "locale": locale,
            "created_at": crate::domain::utc::text(&created_at),
            "last_login_at": last_login_at.as_ref().map(crate::domain::utc::text),
        })),
        "key_users": key_user_rows.into_iter().map(|(domain, status, designated_on, certified_on)| json!({
            "domain": domain, "status": status, "designated_on": designated_on, "certified_on": certified_on,
        })).collect::<Vec<_>>(),
        "enrollments": enrollment_rows.into_iter().map(|(session_id, module, starts_at, status, passed)| json!({
            "session_id": session_id, "module": module, "starts_at": crate::domain::utc::text(&starts_at),
            "status": status, "passed": passed,
        })).collect::<Vec<_>>(),
        "plan_items": plan_rows.into_iter().map(|(year, status, module, target_on)| json!({
            "year": year, "plan_status": status, "module": module, "target_on": target_on,
        })).collect::<Vec<_>>(),
    }))
}

/// Erases a person who left: name, e-mail and job title go, the account can no longer sign in
/// and loses its address; enrolments, attendance and key-user records stay, so the training
/// already given is still counted.
pub fn anonymise(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<PersonView, AppError> {
    actor.require(PEOPLE_MANAGERS)?;
    let person = get(conn, actor, id)?;
    crate::db::transaction(conn, |conn| {
        // First, so that this write holds no row lock while it waits for the read model's.
        crate::db::lock_read_model(conn)?;
        diesel::update(people::table.find(id))
            .set((
                people::full_name.eq(ANONYMISED_NAME),
                people::email.eq(None::<String>),
                people::job_title.eq(None::<String>),
                people::active.eq(false),
                people::updated_at.eq(now()),
            ))
            .execute(conn)?;
        // An inactive person's plan items are no longer demand.
        crate::domain::read_model::refresh_people(conn, &[id])?;
        let account_ids: Vec<i64> = accounts::table
            .filter(accounts::person_id.eq(id))
            .select(accounts::id)
            .load(conn)?;
        crate::domain::sign_ins::end_all_of_person(conn, id)?;
        for account_id in &account_ids {
            diesel::update(accounts::table.find(account_id))
                .set((
                    accounts::email.eq(format!("anonymised-{account_id}@invalid")),
                    accounts::password_hash.eq(None::<String>),
                    accounts::active.eq(false),
                ))
                .execute(conn)?;
            diesel::delete(api_tokens::table.filter(api_tokens::account_id.eq(account_id)))
                .execute(conn)?;
            diesel::delete(email_links::table.filter(email_links::account_id.eq(account_id)))
                .execute(conn)?;
        }
        diesel::delete(email_links::table.filter(email_links::person_id.eq(id))).execute(conn)?;
        if let Some(email) = &person.email {
            diesel::delete(
                registration_requests::table.filter(registration_requests::email.eq(email)),
            )
            .execute(conn)?;
        }
        diesel::update(
            registration_requests::table.filter(registration_requests::person_id.eq(id)),
        )
        .set((
            registration_requests::full_name.eq(ANONYMISED_NAME),
            registration_requests::email.eq(format!("anonymised-person-{id}@invalid")),
            registration_requests::job_title.eq(None::<String>),
        ))
        .execute(conn)?;
        let organization_id = organization_of(conn, id)?;
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(actor.account_id),
                organization_id: Some(organization_id),
                action: "person.anonymised",
                entity: "person",
                entity_id: Some(id),
                detail: json!({}),
            },
        )?;
        get(conn, actor, id)
    })
}
