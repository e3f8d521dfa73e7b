//! The catalogue: software domains, training modules and venues.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::db::schema::{domains, modules, venues};
use crate::db::DbConn;
use crate::domain::access::Actor;
use crate::domain::accounts::Role;
use crate::domain::{audit, bounded, max_chars, non_blank, resolve_code, text_enum};
use crate::error::{AppError, FieldErrors, Message};
use crate::i18n::Locale;

text_enum! {
    /// `trainer`: train-the-trainer modules for key users; `end_user`: cascade modules that key
    /// users give to their colleagues.
    pub enum Tier {
        Trainer => "trainer",
        EndUser => "end_user",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = domains)]
pub struct Domain {
    pub id: i64,
    pub code: String,
    pub name_fr: String,
    pub name_nl: String,
    pub name_en: String,
    pub launched_on: Option<NaiveDate>,
    pub position: i32,
}

impl Domain {
    pub fn name(&self, locale: Locale) -> &str {
        match locale {
            Locale::Fr => &self.name_fr,
            Locale::Nl => &self.name_nl,
            Locale::En => &self.name_en,
        }
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = domains)]
pub struct NewDomain<'a> {
    pub code: &'a str,
    pub name_fr: &'a str,
    pub name_nl: &'a str,
    pub name_en: &'a str,
    pub launched_on: Option<NaiveDate>,
    pub position: i32,
}

pub fn all_domains(conn: &mut DbConn) -> Result<Vec<Domain>, AppError> {
    Ok(domains::table
        .select(Domain::as_select())
        .order(domains::position)
        .load(conn)?)
}

/// The id of the domain with this code, if there is one.
pub fn domain_id_by_code(conn: &mut DbConn, code: &str) -> Result<Option<i64>, AppError> {
    Ok(domains::table
        .filter(domains::code.eq(code))
        .select(domains::id)
        .first::<i64>(conn)
        .optional()?)
}

/// Inserts the domain unless its code exists; returns its id either way.
pub fn ensure_domain(conn: &mut DbConn, new: NewDomain<'_>) -> Result<i64, AppError> {
    match domain_id_by_code(conn, new.code)? {
        Some(id) => Ok(id),
        None => Ok(diesel::insert_into(domains::table)
            .values(new)
            .returning(domains::id)
            .get_result(conn)?),
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = modules)]
pub struct NewModule<'a> {
    pub domain_id: i64,
    pub code: &'a str,
    pub title_fr: &'a str,
    pub title_nl: &'a str,
    pub description_fr: &'a str,
    pub description_nl: &'a str,
    #[diesel(serialize_as = String)]
    pub tier: Tier,
    pub duration_minutes: i32,
    pub prerequisite_module_id: Option<i64>,
    pub certifies_trainer: bool,
    pub assessed: bool,
}

/// Stores a module, its code in canonical form; a certifying module is assessed.
pub fn insert_module(conn: &mut DbConn, new: NewModule<'_>) -> Result<i64, AppError> {
    let code = canonical_module_code(new.code);
    let new = NewModule {
        code: &code,
        assessed: new.assessed || new.certifies_trainer,
        ..new
    };
    Ok(diesel::insert_into(modules::table)
        .values(new)
        .returning(modules::id)
        .get_result(conn)?)
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = venues)]
pub struct NewVenue<'a> {
    pub name: &'a str,
    pub address: &'a str,
    pub seats: i32,
}

pub fn insert_venue(conn: &mut DbConn, new: NewVenue<'_>) -> Result<i64, AppError> {
    Ok(diesel::insert_into(venues::table)
        .values(new)
        .returning(venues::id)
        .get_result(conn)?)
}

/// Who manages the catalogue and the schedule.
pub const CATALOGUE_MANAGERS: &[Role] = &[Role::Admin, Role::Planner];

/// A module as the catalogue and the API show it (domain and prerequisite by code).
#[derive(Debug, Clone, Serialize)]
pub struct ModuleView {
    pub id: i64,
    pub code: String,
    pub domain: String,
    pub title_fr: String,
    pub title_nl: String,
    pub description_fr: String,
    pub description_nl: String,
    pub tier: Tier,
    pub duration_minutes: i32,
    pub prerequisite: Option<String>,
    pub certifies_trainer: bool,
    pub assessed: bool,
}

impl ModuleView {
    /// The title in the reader's language (English readers get the French one).
    pub fn title(&self, locale: Locale) -> &str {
        match locale {
            Locale::Nl => &self.title_nl,
            _ => &self.title_fr,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = modules)]
pub struct Module {
    pub id: i64,
    pub domain_id: i64,
    pub code: String,
    pub title_fr: String,
    pub title_nl: String,
    pub description_fr: String,
    pub description_nl: String,
    #[diesel(deserialize_as = String)]
    pub tier: Tier,
    pub duration_minutes: i32,
    pub prerequisite_module_id: Option<i64>,
    pub certifies_trainer: bool,
    pub assessed: bool,
}

/// Filters of the catalogue (`?domain=&tier=`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, rocket::FromForm)]
pub struct ModuleFilter {
    pub domain: Option<String>,
    pub tier: Option<String>,
}

/// The catalogue, by domain and code: two queries whatever its size.
pub fn modules(conn: &mut DbConn, filter: &ModuleFilter) -> Result<Vec<ModuleView>, AppError> {
    let mut errors = FieldErrors::default();
    crate::domain::rules::domain_filter(conn, &mut errors, "domain", filter.domain.as_deref())?;
    let _: Option<Tier> = crate::domain::rules::code_filter(
        &mut errors,
        "tier",
        filter.tier.as_deref(),
        Message::new("field-tier-invalid"),
    );
    errors.into_result()?;
    let domain_codes: HashMap<i64, String> = domains::table
        .select((domains::id, domains::code))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let all: Vec<Module> = modules::table
        .inner_join(domains::table)
        .order((domains::position, modules::code))
        .select(Module::as_select())
        .load(conn)?;
    let codes: HashMap<i64, String> = all.iter().map(|m| (m.id, m.code.clone())).collect();
    let domain = non_blank(filter.domain.as_deref());
    let tier = non_blank(filter.tier.as_deref());
    Ok(all
        .into_iter()
        .map(|m| ModuleView {
            id: m.id,
            domain: domain_codes.get(&m.domain_id).cloned().unwrap_or_default(),
            prerequisite: m
                .prerequisite_module_id
                .and_then(|id| codes.get(&id).cloned()),
            code: m.code,
            title_fr: m.title_fr,
            title_nl: m.title_nl,
            description_fr: m.description_fr,
            description_nl: m.description_nl,
            tier: m.tier,
            duration_minutes: m.duration_minutes,
            certifies_trainer: m.certifies_trainer,
            assessed: m.assessed,
        })
        .filter(|m| domain.as_deref().is_none_or(|d| m.domain == d))
        .filter(|m| tier.as_deref().is_none_or(|t| m.tier.as_str() == t))
        .collect())
}

pub fn module(conn: &mut DbConn, code: &str) -> Result<ModuleView, AppError> {
    let code = canonical_module_code(code);
    modules(conn, &ModuleFilter::default())?
        .into_iter()
        .find(|m| m.code == code)
        .ok_or(AppError::NotFound)
}

/// The module a code names, in any case.
pub fn module_id_by_code(conn: &mut DbConn, code: &str) -> Result<Option<i64>, AppError> {
    Ok(modules::table
        .filter(modules::code.eq(canonical_module_code(code)))
        .select(modules::id)
        .first::<i64>(conn)
        .optional()?)
}

/// The body of `POST /api/v1/modules`, `PATCH /api/v1/modules/{code}` and of the module form.
/// On update a missing field keeps its value.
#[derive(Debug, Clone, Default, Serialize, Deserialize, rocket::FromForm)]
pub struct ModuleInput {
    pub domain: Option<String>,
    pub code: Option<String>,
    pub title_fr: Option<String>,
    pub title_nl: Option<String>,
    pub description_fr: Option<String>,
    pub description_nl: Option<String>,
    pub tier: Option<String>,
    pub duration_minutes: Option<i32>,
    /// A module code, or empty for none.
    pub prerequisite: Option<String>,
    pub certifies_trainer: Option<bool>,
    pub assessed: Option<bool>,
}

impl From<&ModuleView> for ModuleInput {
    fn from(m: &ModuleView) -> Self {
        ModuleInput {
            domain: Some(m.domain.clone()),
            code: Some(m.code.clone()),
            title_fr: Some(m.title_fr.clone()),
            title_nl: Some(m.title_nl.clone()),
            description_fr: Some(m.description_fr.clone()),
            description_nl: Some(m.description_nl.clone()),
            tier: Some(m.tier.as_str().to_owned()),
            duration_minutes: Some(m.duration_minutes),
            prerequisite: Some(m.prerequisite.clone().unwrap_or_default()),
            certifies_trainer: Some(m.certifies_trainer),
            assessed: Some(m.assessed),
        }
    }
}

/// The longest module: five days.
const MAX_DURATION_MINUTES: i32 = 5 * 24 * 60;

fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 40
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// The one stored form of a module code: module codes are matched in any case (DESIGN §5), so
/// `fin-t1`, `Fin-T1` and `FIN-T1` are one module, stored and shown as `FIN-T1`.
pub fn canonical_module_code(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

/// Checks a module's fields (`current` for an update) and returns the row to store.
fn checked_module(
    conn: &mut DbConn,
    input: &ModuleInput,
    current: Option<&ModuleView>,
) -> Result<(i64, String, Module), AppError> {
    let merged = match current {
        Some(current) => {
            let base = ModuleInput::from(current);
            let pick = |new: &Option<String>, old: &Option<String>| new.clone().or(old.clone());
            ModuleInput {
                domain: pick(&input.domain, &base.domain),
                code: pick(&input.code, &base.code),
                title_fr: pick(&input.title_fr, &base.title_fr),
                title_nl: pick(&input.title_nl, &base.title_nl),
                description_fr: pick(&input.description_fr, &base.description_fr),
                description_nl: pick(&input.description_nl, &base.description_nl),
                tier: pick(&input.tier, &base.tier),
                duration_minutes: input.duration_minutes.or(base.duration_minutes),
                prerequisite: pick(&input.prerequisite, &base.prerequisite),
                certifies_trainer: input.certifies_trainer.or(base.certifies_trainer),
                assessed: input.assessed.or(base.assessed),
            }
        }
        None => input.clone(),
    };
    let mut errors = FieldErrors::default();
    let domain_id = resolve_code(
        &mut errors,
        "domain",
        merged.domain.as_deref(),
        Message::new("field-required"),
        Message::new("field-domain-unknown"),
        |code| domain_id_by_code(conn, code),
    )?;
    let code = canonical_module_code(&non_blank(merged.code.as_deref()).unwrap_or_default());
    if !valid_code(&code) {
        errors.add("code", Message::new("field-code-invalid"));
    }
    let mut text = |field: &'static str, value: &Option<String>, max: usize, required: bool| {
        let value = bounded(&mut errors, field, value.as_deref(), max).unwrap_or_default();
        if required && value.is_empty() {
            errors.add(field, Message::new("field-required"));
        }
        value
    };
    let title_fr = text("title_fr", &merged.title_fr, max_chars::TITLE, true);
    let title_nl = text("title_nl", &merged.title_nl, max_chars::TITLE, true);
    let description_fr = text(
        "description_fr",
        &merged.description_fr,
        max_chars::DESCRIPTION,
        false,
    );
    let description_nl = text(
        "description_nl",
        &merged.description_nl,
        max_chars::DESCRIPTION,
        false,
    );
    let tier = non_blank(merged.tier.as_deref()).and_then(|t| Tier::parse(&t));
    if tier.is_none() {
        errors.add("tier", Message::new("field-tier-invalid"));
    }
    let duration = merged
        .duration_minutes
        .filter(|d| (1..=MAX_DURATION_MINUTES).contains(d));
    if duration.is_none() {
        errors.add(
            "duration_minutes",
            Message::new("field-number-range")
                .arg("min", "1")
                .arg("max", MAX_DURATION_MINUTES.to_string()),
        );
    }
    let prerequisite = match non_blank(merged.prerequisite.as_deref()) {
        None => None,
        Some(p) if canonical_module_code(&p) == code => {
            errors.add("prerequisite", Message::new("field-prerequisite-self"));
            None
        }
        Some(p) => {
            let id = module_id_by_code(conn, &p)?;
            if id.is_none() {
                errors.add("prerequisite", Message::new("field-module-unknown"));
            }
            id
        }
    };
    // A module that certifies trainers is always assessed (DESIGN §4): certification needs
    // a pass. Asking for certification makes it assessed; refusing the assessment is an error.
    let certifies_trainer = merged.certifies_trainer.unwrap_or(false);
    if certifies_trainer && merged.assessed == Some(false) {
        errors.add("assessed", Message::new("field-certifying-assessed"));
    }
    let assessed = certifies_trainer || merged.assessed.unwrap_or(false);
    errors.into_result()?;
    let (Some(domain_id), Some(tier), Some(duration)) = (domain_id, tier, duration) else {
        return Err(AppError::internal("validated module missing"));
    };
    Ok((
        domain_id,
        code.clone(),
        Module {
            id: current.map(|c| c.id).unwrap_or(0),
            domain_id,
            code,
            title_fr,
            title_nl,
            description_fr,
            description_nl,
            tier,
            duration_minutes: duration,
            prerequisite_module_id: prerequisite,
            certifies_trainer,
            assessed,
        },
    ))
}

fn module_code_taken(conn: &mut DbConn, code: &str, except: i64) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(
        modules::table
            .filter(modules::code.eq(code))
            .filter(modules::id.ne(except)),
    ))
    .get_result(conn)?)
}

pub fn create_module(
    conn: &mut DbConn,
    actor: &Actor,
    input: &ModuleInput,
) -> Result<ModuleView, AppError> {
    actor.require(CATALOGUE_MANAGERS)?;
    let (_, code, m) = checked_module(conn, input, None)?;
    crate::db::transaction(conn, |conn| {
        if module_code_taken(conn, &code, 0)? {
            return Err(AppError::invalid("code", Message::new("field-code-taken")));
        }
        let id = insert_module(
            conn,
            NewModule {
                domain_id: m.domain_id,
                code: &m.code,
                title_fr: &m.title_fr,
                title_nl: &m.title_nl,
                description_fr: &m.description_fr,
                description_nl: &m.description_nl,
                tier: m.tier,
                duration_minutes: m.duration_minutes,
                prerequisite_module_id: m.prerequisite_module_id,
                certifies_trainer: m.certifies_trainer,
                assessed: m.assessed,
            },
        )?;
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(actor.account_id),
                organization_id: None,
                action: "module.created",
                entity: "module",
                entity_id: Some(id),
                detail: json!({ "code": code }),
            },
        )?;
        module(conn, &code)
    })
}

fn current_domain_id(conn: &mut DbConn, module_id: i64) -> Result<i64, AppError> {
    Ok(modules::table
        .find(module_id)
        .select(modules::domain_id)
        .first(conn)?)
}

pub fn update_module(
    conn: &mut DbConn,
    actor: &Actor,
    code: &str,
    input: &ModuleInput,
) -> Result<ModuleView, AppError> {
    actor.require(CATALOGUE_MANAGERS)?;
    let current = module(conn, code)?;
    let (_, new_code, m) = checked_module(conn, input, Some(&current))?;
    // Whether its attendees count as trained, and where, depends on these.
    let counts_change = m.assessed != current.assessed
        || m.tier != current.tier
        || m.domain_id != current_domain_id(conn, current.id)?;
    crate::db::transaction(conn, |conn| {
        if counts_change {
            // First, so that this write holds no row lock while it waits for the read model's.
            crate::db::lock_read_model(conn)?;
        }
        if module_code_taken(conn, &new_code, current.id)? {
            return Err(AppError::invalid("code", Message::new("field-code-taken")));
        }
        diesel::update(modules::table.find(current.id))
            .set((
                modules::domain_id.eq(m.domain_id),
                modules::code.eq(&m.code),
                modules::title_fr.eq(&m.title_fr),
                modules::title_nl.eq(&m.title_nl),
                modules::description_fr.eq(&m.description_fr),
                modules::description_nl.eq(&m.description_nl),
                modules::tier.eq(m.tier.as_str()),
                modules::duration_minutes.eq(m.duration_minutes),
                modules::prerequisite_module_id.eq(m.prerequisite_module_id),
                modules::certifies_trainer.eq(m.certifies_trainer),
                modules::assessed.eq(m.assessed),
            ))
            .execute(conn)?;
        if counts_change {
            crate::domain::read_model::refresh_module(conn, current.id)?;
        }
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(actor.account_id),
                organization_id: None,
                action: "module.updated",
                entity: "module",
                entity_id: Some(current.id),
                detail: json!({ "code": new_code }),
            },
        )?;
        module(conn, &new_code)
    })
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = venues)]
pub struct Venue {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub seats: i32,
}

pub fn venues(conn: &mut DbConn) -> Result<Vec<Venue>, AppError> {
    Ok(venues::table
        .order(venues::name)
        .select(Venue::as_select())
        .load(conn)?)
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, rocket::FromForm)]
pub struct VenueInput {
    pub name: Option<String>,
    pub address: Option<String>,
    pub seats: Option<i32>,
}

/// Creates a venue, or updates one when `id` is given.
pub fn save_venue(
    conn: &mut DbConn,
    actor: &Actor,
    id: Option<i64>,
    input: &VenueInput,
) -> Result<Venue, AppError> {
    actor.require(CATALOGUE_MANAGERS)?;
    let current = match id {
        Some(id) => Some(
            venues::table
                .find(id)
                .select(Venue::as_select())
                .first(conn)?,
        ),
        None => None,
    };
    let mut errors = FieldErrors::default();
    let name = bounded(&mut errors, "name", input.name.as_deref(), max_chars::NAME)
        .or(current.as_ref().map(|v| v.name.clone()));
    if name.is_none() {
        errors.add("name", Message::new("field-required"));
    }
    let address = bounded(
        &mut errors,
        "address",
        input.address.as_deref(),
        max_chars::ADDRESS,
    )
    .or(current.as_ref().map(|v| v.address.clone()));
    if address.is_none() {
        errors.add("address", Message::new("field-required"));
    }
    let seats = input
        .seats
        .or(current.as_ref().map(|v| v.seats))
        .filter(|s| (1..=1000).contains(s));
    if seats.is_none() {
        errors.add(
            "seats",
            Message::new("field-number-range")
                .arg("min", "1")
                .arg("max", "1000"),
        );
    }
    errors.into_result()?;
    let (Some(name), Some(address), Some(seats)) = (name, address, seats) else {
        return Err(AppError::internal("validated venue missing"));
    };
    crate::db::transaction(conn, |conn| {
        let venue_id = match id {
            Some(id) => {
                diesel::update(venues::table.find(id))
                    .set((
                        venues::name.eq(&name),
                        venues::address.eq(&address),
                        venues::seats.eq(seats),
                    ))
                    .execute(conn)?;
                id
            }
            None => insert_venue(
                conn,
                NewVenue {
                    name: &name,
                    address: &address,
                    seats,
                },
            )?,
        };
        audit::record(
            conn,
            audit::Event {
                actor_account_id: Some(actor.account_id),
                organization_id: None,
                action: if id.is_some() {
                    "venue.updated"
                } else {
                    "venue.created"
                },
                entity: "venue",
                entity_id: Some(venue_id),
                detail: json!({ "seats": seats }),
            },
        )?;
        Ok(venues::table
            .find(venue_id)
            .select(Venue::as_select())
            .first(conn)?)
    })
}
