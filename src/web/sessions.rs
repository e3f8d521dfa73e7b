//! Sessions: the public list and pages, the planners' forms, enrolment, approvals,
//! attendance, participant lists and calendar files.

use rocket::http::{ContentType, Status};
use rocket::request::FromParam;
use rocket::serde::json::Json;
use rocket::{get, patch, post, put, routes, Route, State};
use serde::{Deserialize, Serialize};

use crate::config::Settings;
use crate::db::Db;
use crate::domain::access::{Actor, STAFF};
use crate::domain::accounts::Role;
use crate::domain::catalogue::{self, Domain, ModuleFilter, ModuleView, Venue};
use crate::domain::enrollments::{
    self, AttendanceLine, BulkResult, EnrollmentOutcome, Participant,
};
use crate::domain::notifications::local_time;
use crate::domain::people::{self, PeopleFilter, PersonView};
use crate::domain::sessions::{self, Session, SessionFilter, SessionInput, SessionView};
use crate::domain::{calendars, PageRequest, Paged};
use crate::error::{AppError, Message};
use crate::web::auth::{CsrfForm, CurrentUser};
use crate::web::exports::{self, Column};
use crate::web::forms::{confirmed, done, redisplay, Confirm, Errors, FormResponse};
use crate::web::i18n::Locale;
use crate::web::input::JsonBody;
use crate::web::page::PageContext;
use crate::web::template::Template;
use crate::web::List;

#[derive(Serialize)]
struct ListPage {
    page: PageContext,
    sessions: Paged<ListRow>,
    pages: i64,
    filter: SessionFilter,
    /// The filters, for the pager's links.
    query: String,
    domains: Vec<Domain>,
    can_manage: bool,
}

/// A row of the session list page, its texts ready in the viewer's language. Formatting 50
/// rows here rather than in the template took the page from 600 to about 700 req/s under
/// load (bench/RESULTS.md).
#[derive(Serialize)]
struct ListRow {
    id: i64,
    starts_at: String,
    title: String,
    language: String,
    place: String,
    seats_taken: i32,
    capacity: i32,
    waitlisted: i64,
    status: String,
}

impl ListRow {
    fn new(view: SessionView, locale: Locale) -> ListRow {
        let session = view.session;
        ListRow {
            id: session.id,
            starts_at: local_time(session.starts_at),
            title: session.title(locale).to_owned(),
            language: locale.tr(&format!("language-{}", session.language)),
            place: session
                .venue_name
                .unwrap_or_else(|| locale.tr("session-online")),
            seats_taken: session.seats_taken,
            capacity: session.capacity,
            waitlisted: view.waitlisted,
            status: locale.tr(&format!("session-status-{}", session.status)),
        }
    }
}

#[get("/sessions?<page>&<per_page>&<filter..>")]
async fn index(
    page_context: PageContext,
    locale: Locale,
    db: Db,
    user: Option<CurrentUser>,
    page: Option<i64>,
    per_page: Option<i64>,
    filter: SessionFilter,
) -> Result<Template, AppError> {
    let viewer = user.as_ref().map(CurrentUser::actor);
    let request = PageRequest::new(page, per_page);
    let shown = filter.clone();
    let (sessions, domains) = db
        .run(move |conn| {
            Ok((
                sessions::list(conn, viewer.as_ref(), &filter, request)?,
                catalogue::all_domains(conn)?,
            ))
        })
        .await?;
    Ok(Template::render(
        "sessions/index",
        ListPage {
            page: page_context.titled("sessions-title"),
            pages: sessions.pages(),
            sessions: sessions.map(|view| ListRow::new(view, locale)),
            query: crate::web::forms::pager_query(&shown, request),
            filter: shown,
            domains,
            can_manage: user.is_some_and(|u| STAFF.contains(&u.role())),
        },
    ))
}

#[get("/api/v1/sessions?<page>&<per_page>&<filter..>")]
async fn api_index(
    db: Db,
    user: Option<CurrentUser>,
    page: Option<i64>,
    per_page: Option<i64>,
    filter: SessionFilter,
) -> Result<Json<Paged<SessionView>>, AppError> {
    let viewer = user.map(|u| u.actor());
    let request = PageRequest::new(page, per_page);
    Ok(Json(
        db.run(move |conn| sessions::list(conn, viewer.as_ref(), &filter, request))
            .await?,
    ))
}

#[get("/api/v1/sessions/<id>")]
async fn api_show(
    db: Db,
    user: Option<CurrentUser>,
    id: i64,
) -> Result<Json<SessionView>, AppError> {
    let viewer = user.map(|u| u.actor());
    Ok(Json(
        db.run(move |conn| sessions::view(conn, viewer.as_ref(), id))
            .await?,
    ))
}

#[derive(Serialize)]
struct SessionPage {
    page: PageContext,
    session: SessionView,
    title: String,
    starts: String,
    ends: String,
    closes: String,
    participants: Vec<Participant>,
    /// HR's (or staff's) people who may be enrolled from the page.
    people: Vec<PersonView>,
    can_manage: bool,
    can_decide: bool,
    can_take_attendance: bool,
    can_enroll_self: bool,
    signed_in: bool,
    bulk: Vec<BulkResult>,
}

async fn session_page(
    db: &Db,
    page: PageContext,
    user: Option<&CurrentUser>,
    id: i64,
    bulk: Vec<BulkResult>,
) -> Result<SessionPage, AppError> {
    let viewer = user.map(CurrentUser::actor);
    let locale = page.locale();
    let (view, session, participants, people, manages) = db
        .run(move |conn| {
            let view = sessions::view(conn, viewer.as_ref(), id)?;
            let session = sessions::find(conn, id)?;
            let manages = match &viewer {
                Some(actor) => sessions::manages(conn, actor, &session)?,
                None => false,
            };
            let (participants, people) = match &viewer {
                Some(actor) => {
                    let participants = enrollments::participants(conn, actor, id)?;
                    let people = if actor.role == Role::Hr {
                        people::list(
                            conn,
                            actor,
                            &PeopleFilter::default(),
                            PageRequest::new(None, Some(PageRequest::MAX_PER_PAGE)),
                        )?
                        .items
                    } else {
                        Vec::new()
                    };
                    (participants, people)
                }
                None => (Vec::new(), Vec::new()),
            };
            Ok((view, session, participants, people, manages))
        })
        .await?;
    let actor = user.map(CurrentUser::actor);
    let staff = actor.as_ref().is_some_and(|a| STAFF.contains(&a.role));
    let trainer = actor
        .as_ref()
        .is_some_and(|a| a.person_id.is_some() && a.person_id == session.trainer_person_id);
    Ok(SessionPage {
        title: view.session.title(locale).to_owned(),
        starts: crate::domain::notifications::local_time(session.starts_at),
        ends: crate::domain::notifications::local_time(session.ends_at),
        closes: crate::domain::notifications::local_time(session.registration_closes_at),
        page: page.titled("session-title"),
        session: view,
        participants,
        people,
        can_manage: manages,
        can_decide: actor
            .as_ref()
            .is_some_and(|a| matches!(a.role, Role::Admin | Role::Planner | Role::Hr)),
        can_take_attendance: (staff || trainer) && crate::domain::now() >= session.starts_at,
        can_enroll_self: actor.as_ref().is_some_and(|a| a.person_id.is_some()),
        signed_in: user.is_some(),
        bulk,
    })
}

#[get("/sessions/<id>", rank = 1)]
async fn show(
    page: PageContext,
    db: Db,
    user: Option<CurrentUser>,
    id: i64,
) -> Result<Template, AppError> {
    let context = session_page(&db, page, user.as_ref(), id, Vec::new()).await?;
    Ok(Template::render("sessions/show", context))
}

/// `<id>.ics`, as a path segment.
pub struct IcsName(i64);

impl<'a> FromParam<'a> for IcsName {
    type Error = ();

    fn from_param(param: &'a str) -> Result<Self, Self::Error> {
        param
            .strip_suffix(".ics")
            .and_then(|id| id.parse().ok())
            .map(IcsName)
            .ok_or(())
    }
}

#[get("/sessions/<file>", rank = 2)]
async fn ics(
    db: Db,
    user: Option<CurrentUser>,
    locale: Locale,
    file: IcsName,
) -> Result<(ContentType, String), AppError> {
    let viewer = user.map(|u| u.actor());
    let body = db
        .run(move |conn| calendars::session_file(conn, viewer.as_ref(), file.0, locale))
        .await?;
    Ok((ContentType::Calendar, body))
}

#[derive(Serialize)]
struct FormPage {
    page: PageContext,
    session: Option<SessionView>,
    values: SessionInput,
    errors: Errors,
    modules: Vec<ModuleView>,
    venues: Vec<Venue>,
}

async fn form_page(
    db: &Db,
    page: PageContext,
    session: Option<SessionView>,
    values: SessionInput,
    errors: Errors,
) -> Result<FormPage, AppError> {
    let (modules, venues) = db
        .run(|conn| {
            Ok((
                catalogue::modules(conn, &ModuleFilter::default())?,
                catalogue::venues(conn)?,
            ))
        })
        .await?;
    Ok(FormPage {
        page: page.titled(if session.is_some() {
            "session-edit-title"
        } else {
            "session-new-title"
        }),
        session,
        values,
        errors,
        modules,
        venues,
    })
}

/// A session's stored values as the form shows them (Brussels time).
fn input_of(view: &SessionView, session: &Session) -> SessionInput {
    let local = |t| {
        use chrono::TimeZone;
        chrono::Utc
            .from_utc_datetime(&t)
            .with_timezone(&chrono_tz::Europe::Brussels)
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    SessionInput {
        module: Some(view.session.module.clone()),
        starts_at: Some(local(session.starts_at)),
        ends_at: Some(local(session.ends_at)),
        registration_closes_at: Some(local(session.registration_closes_at)),
        capacity: Some(session.capacity),
        language: Some(session.language.as_str().to_owned()),
        trainer_person_id: session.trainer_person_id,
        venue: session.venue_id,
        online_url: session.online_url.clone(),
        organizer: Some(view.session.organizer.clone()),
    }
}

#[get("/sessions/new")]
async fn new_page(page: PageContext, db: Db, actor: Actor) -> Result<Template, AppError> {
    // Planners, and key users (the domain checks that they are certified when they save).
    if !STAFF.contains(&actor.role) && actor.person_id.is_none() {
        return Err(AppError::Forbidden);
    }
    let context = form_page(&db, page, None, SessionInput::default(), Errors::new()).await?;
    Ok(Template::render("sessions/form", context))
}

#[get("/sessions/<id>/edit")]
async fn edit_page(page: PageContext, db: Db, actor: Actor, id: i64) -> Result<Template, AppError> {
    let (view, session) = db
        .run(move |conn| {
            let view = sessions::view(conn, Some(&actor), id)?;
            let session = sessions::find(conn, id)?;
            if !sessions::manages(conn, &actor, &session)? {
                return Err(AppError::Forbidden);
            }
            Ok((view, session))
        })
        .await?;
    let values = input_of(&view, &session);
    let context = form_page(&db, page, Some(view), values, Errors::new()).await?;
    Ok(Template::render("sessions/form", context))
}

#[post("/sessions", data = "<form>")]
async fn create(
    page: PageContext,
    db: Db,
    actor: Actor,
    form: CsrfForm<SessionInput>,
) -> FormResponse {
    let input = form.0;
    let submitted = input.clone();
    let locale = page.locale();
    match db
        .run(move |conn| sessions::create(conn, &actor, &submitted))
        .await
    {
        Ok(session) => done(
            format!("/sessions/{}", session.id),
            locale,
            Message::new("session-saved"),
        ),
        Err(error @ AppError::Validation(_)) => {
            let context = form_page(&db, page, None, input, Errors::new()).await?;
            redisplay(locale, error, "sessions/form", |errors| FormPage {
                errors,
                ..context
            })
        }
        Err(other) => Err(other),
    }
}

#[post("/sessions/<id>", data = "<form>")]
async fn update(
    page: PageContext,
    db: Db,
    actor: Actor,
    settings: &State<Settings>,
    id: i64,
    form: CsrfForm<SessionInput>,
) -> FormResponse {
    let input = form.0;
    let submitted = input.clone();
    let locale = page.locale();
    let public_url = settings.public_url.clone();
    let result = {
        let actor = actor.clone();
        db.write(move |conn| sessions::update(conn, &actor, id, &submitted, &public_url))
            .await
    };
    match result {
        Ok(session) => done(
            format!("/sessions/{}", session.id),
            locale,
            Message::new("session-saved"),
        ),
        Err(error @ AppError::Validation(_)) => {
            let view = db
                .run(move |conn| sessions::view(conn, Some(&actor), id))
                .await?;
            let context = form_page(&db, page, Some(view), input, Errors::new()).await?;
            redisplay(locale, error, "sessions/form", |errors| FormPage {
                errors,
                ..context
            })
        }
        Err(other) => Err(other),
    }
}

async fn created_view(db: &Db, actor: Actor, id: i64) -> Result<SessionView, AppError> {
    db.run(move |conn| sessions::view(conn, Some(&actor), id))
        .await
}

#[post("/api/v1/sessions", data = "<input>")]
async fn api_create(
    db: Db,
    actor: Actor,
    input: JsonBody<SessionInput>,
) -> Result<(Status, Json<SessionView>), AppError> {
    let input = input.into_inner();
    let session = {
        let actor = actor.clone();
        db.run(move |conn| sessions::create(conn, &actor, &input))
            .await?
    };
    Ok((
        Status::Created,
        Json(created_view(&db, actor, session.id).await?),
    ))
}

#[patch("/api/v1/sessions/<id>", data = "<input>")]
async fn api_update(
    db: Db,
    actor: Actor,
    settings: &State<Settings>,
    id: i64,
    input: JsonBody<SessionInput>,
) -> Result<Json<SessionView>, AppError> {
    let input = input.into_inner();
    let public_url = settings.public_url.clone();
    {
        let actor = actor.clone();
        db.write(move |conn| sessions::update(conn, &actor, id, &input, &public_url))
            .await?;
    }
    Ok(Json(created_view(&db, actor, id).await?))
}

#[post("/api/v1/sessions/<id>/publish")]
async fn api_publish(db: Db, actor: Actor, id: i64) -> Result<Json<SessionView>, AppError> {
    {
        let actor = actor.clone();
        db.run(move |conn| sessions::publish(conn, &actor, id))
            .await?;
    }
    Ok(Json(created_view(&db, actor, id).await?))
}

#[post("/api/v1/sessions/<id>/cancel")]
async fn api_cancel(
    db: Db,
    actor: Actor,
    settings: &State<Settings>,
    id: i64,
) -> Result<Json<SessionView>, AppError> {
    let public_url = settings.public_url.clone();
    {
        let actor = actor.clone();
        db.write(move |conn| sessions::cancel(conn, &actor, id, &public_url))
            .await?;
    }
    Ok(Json(created_view(&db, actor, id).await?))
}

#[post("/sessions/<id>/publish", data = "<_form>")]
async fn publish(
    locale: Locale,
    db: Db,
    actor: Actor,
    id: i64,
    _form: CsrfForm<Confirm>,
) -> FormResponse {
    let publish = move |conn: &mut _| sessions::publish(conn, &actor, id);
    confirmed(
        &db,
        locale,
        publish,
        format!("/sessions/{id}"),
        "session-published",
    )
    .await
}

#[post("/sessions/<id>/cancel", data = "<_form>")]
async fn cancel(
    locale: Locale,
    db: Db,
    actor: Actor,
    settings: &State<Settings>,
    id: i64,
    _form: CsrfForm<Confirm>,
) -> FormResponse {
    let public_url = settings.public_url.clone();
    let cancel = move |conn: &mut _| sessions::cancel(conn, &actor, id, &public_url);
    confirmed(
        &db,
        locale,
        cancel,
        format!("/sessions/{id}"),
        "session-cancelled",
    )
    .await
}

#[derive(Debug, Default, Deserialize, rocket::FromForm)]
pub struct EnrollmentRequest {
    pub person_id: Option<i64>,
}

#[post("/api/v1/sessions/<id>/enrollments", data = "<body>")]
async fn api_enroll(
    db: Db,
    actor: Actor,
    settings: &State<Settings>,
    id: i64,
    body: Option<JsonBody<EnrollmentRequest>>,
) -> Result<(Status, Json<EnrollmentOutcome>), AppError> {
    let person_id = body.and_then(|b| b.0.person_id);
    let public_url = settings.public_url.clone();
    let outcome = db
        .write(move |conn| enrollments::enroll(conn, &actor, id, person_id, &public_url))
        .await?;
    Ok((Status::Created, Json(outcome)))
}

#[post("/sessions/<id>/enrollments", data = "<form>")]
async fn enroll(
    locale: Locale,
    db: Db,
    actor: Actor,
    settings: &State<Settings>,
    id: i64,
    form: CsrfForm<EnrollmentRequest>,
) -> FormResponse {
    let person_id = form.0.person_id;
    let public_url = settings.public_url.clone();
    let outcome = db
        .write(move |conn| enrollments::enroll(conn, &actor, id, person_id, &public_url))
        .await?;
    let key = match outcome.status {
        enrollments::EnrollmentStatus::Confirmed => Message::new("enrollment-confirmed"),
        enrollments::EnrollmentStatus::Waitlisted => Message::new("enrollment-waitlisted"),
        _ => Message::new("enrollment-pending"),
    };
    done(format!("/sessions/{id}"), locale, key)
}

const PARTICIPANTS: &[Column<Participant>] = &[
    Column::new("id", |p| p.id.to_string()),
    Column::new("person_id", |p| p.person_id.to_string()),
    Column::new("full_name", |p| p.full_name.clone()),
    Column::new("email", |p| exports::or_blank(&p.email)),
    Column::new("organization", |p| p.organization.clone()),
    Column::new("status", |p| p.status.clone()),
    Column::new("passed", |p| exports::or_blank(&p.passed)),
];

/// The participant list, as JSON, CSV (`?format=csv`) or a spreadsheet (`?format=xlsx`).
#[get("/api/v1/sessions/<id>/enrollments?<format>")]
async fn api_participants(
    db: Db,
    actor: Actor,
    id: i64,
    format: Option<String>,
) -> Result<exports::Download<List<Participant>>, AppError> {
    let items = db
        .run(move |conn| enrollments::participants(conn, &actor, id))
        .await?;
    exports::respond(
        format.as_deref(),
        &format!("session-{id}-participants"),
        PARTICIPANTS,
        &items,
        || List::of(items.clone()),
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct BulkRequest {
    #[serde(default)]
    pub person_ids: Vec<i64>,
    #[serde(default)]
    pub emails: Vec<String>,
}

#[derive(Serialize)]
struct BulkAnswer {
    items: Vec<BulkResult>,
}

#[post("/api/v1/sessions/<id>/enrollments/bulk", data = "<body>")]
async fn api_bulk(
    db: Db,
    actor: Actor,
    settings: &State<Settings>,
    locale: Locale,
    id: i64,
    body: JsonBody<BulkRequest>,
) -> Result<Json<BulkAnswer>, AppError> {
    let body = body.into_inner();
    let public_url = settings.public_url.clone();
    let items = db
        .write(move |conn| {
            enrollments::enroll_many(
                conn,
                &actor,
                id,
                &body.person_ids,
                &body.emails,
                locale,
                &public_url,
            )
        })
        .await?;
    Ok(Json(BulkAnswer { items }))
}

#[derive(Debug, Default, rocket::FromForm)]
pub struct BulkForm {
    pub person_ids: Vec<i64>,
    /// Addresses separated by commas, semicolons, spaces or lines.
    pub emails: Option<String>,
}

#[post("/sessions/<id>/enrollments/bulk", data = "<form>")]
async fn bulk(
    page: PageContext,
    db: Db,
    user: CurrentUser,
    settings: &State<Settings>,
    id: i64,
    form: CsrfForm<BulkForm>,
) -> Result<Template, AppError> {
    let actor = user.actor();
    let locale = page.locale();
    let BulkForm { person_ids, emails } = form.0;
    let emails: Vec<String> = emails
        .unwrap_or_default()
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|e| !e.is_empty())
        .map(str::to_owned)
        .collect();
    let public_url = settings.public_url.clone();
    let results = db
        .write(move |conn| {
            enrollments::enroll_many(conn, &actor, id, &person_ids, &emails, locale, &public_url)
        })
        .await?;
    let context = session_page(&db, page, Some(&user), id, results).await?;
    Ok(Template::render("sessions/show", context))
}

#[derive(Debug, Default, Deserialize)]
pub struct Decision {
    pub reason: Option<String>,
}

#[post("/api/v1/enrollments/<id>/<action>", data = "<body>")]
async fn api_decide(
    db: Db,
    actor: Actor,
    settings: &State<Settings>,
    id: i64,
    action: &str,
    body: Option<JsonBody<Decision>>,
) -> Result<Json<EnrollmentOutcome>, AppError> {
    let reason = body.and_then(|b| b.0.reason);
    let public_url = settings.public_url.clone();
    let action = action.to_owned();
    Ok(Json(
        db.write(move |conn| decide(conn, &actor, id, &action, reason.as_deref(), &public_url))
            .await?,
    ))
}

fn decide(
    conn: &mut crate::db::DbConn,
    actor: &Actor,
    id: i64,
    action: &str,
    reason: Option<&str>,
    public_url: &str,
) -> Result<EnrollmentOutcome, AppError> {
    match action {
        "approve" => enrollments::approve(conn, actor, id, public_url),
        "refuse" => enrollments::refuse(conn, actor, id, reason, public_url),
        "cancel" => enrollments::cancel(conn, actor, id, public_url),
        _ => Err(AppError::NotFound),
    }
}

#[post("/enrollments/<id>/<action>", data = "<form>")]
async fn decide_form(
    locale: Locale,
    db: Db,
    actor: Actor,
    settings: &State<Settings>,
    id: i64,
    action: &str,
    form: CsrfForm<Confirm>,
) -> FormResponse {
    let reason = form.0.reason;
    let public_url = settings.public_url.clone();
    let action = action.to_owned();
    let outcome = db
        .write(move |conn| decide(conn, &actor, id, &action, reason.as_deref(), &public_url))
        .await?;
    done(
        format!("/sessions/{}", outcome.session_id),
        locale,
        Message::new("enrollment-updated"),
    )
}

#[put("/api/v1/sessions/<id>/attendance", data = "<body>")]
async fn api_attendance(
    db: Db,
    actor: Actor,
    id: i64,
    body: JsonBody<Vec<AttendanceLine>>,
) -> Result<Json<List<Participant>>, AppError> {
    let lines = body.into_inner();
    let items = db
        .write(move |conn| enrollments::record_attendance(conn, &actor, id, &lines))
        .await?;
    Ok(Json(List::of(items)))
}

#[derive(Debug, Default, rocket::FromForm)]
pub struct AttendanceForm {
    pub lines: Vec<AttendanceLine>,
}

#[post("/sessions/<id>/attendance", data = "<form>")]
async fn attendance(
    locale: Locale,
    db: Db,
    actor: Actor,
    id: i64,
    form: CsrfForm<AttendanceForm>,
) -> FormResponse {
    let lines = form.0.lines;
    db.write(move |conn| enrollments::record_attendance(conn, &actor, id, &lines))
        .await?;
    done(
        format!("/sessions/{id}"),
        locale,
        Message::new("attendance-saved"),
    )
}

#[derive(Serialize)]
struct SheetPage {
    page: PageContext,
    session: SessionView,
    title: String,
    starts: String,
    participants: Vec<Participant>,
}

/// A printable sign-in sheet: the people holding a seat, with a signature column.
#[get("/sessions/<id>/sheet")]
async fn sheet(page: PageContext, db: Db, actor: Actor, id: i64) -> Result<Template, AppError> {
    let locale = page.locale();
    let (view, participants) = db
        .run(move |conn| {
            let view = sessions::view(conn, Some(&actor), id)?;
            let participants = enrollments::participants(conn, &actor, id)?
                .into_iter()
                .filter(|p| matches!(p.status.as_str(), "confirmed" | "attended" | "absent"))
                .collect();
            Ok((view, participants))
        })
        .await?;
    Ok(Template::render(
        "sessions/sheet",
        SheetPage {
            title: view.session.title(locale).to_owned(),
            starts: crate::domain::notifications::local_time(view.session.starts_at),
            page: page.titled("sheet-title"),
            session: view,
            participants,
        },
    ))
}

pub fn routes() -> Vec<Route> {
    routes![
        index,
        api_index,
        api_show,
        show,
        ics,
        new_page,
        edit_page,
        create,
        update,
        api_create,
        api_update,
        api_publish,
        api_cancel,
        publish,
        cancel,
        api_enroll,
        enroll,
        api_participants,
        api_bulk,
        bulk,
        api_decide,
        decide_form,
        api_attendance,
        attendance,
        sheet
    ]
}
