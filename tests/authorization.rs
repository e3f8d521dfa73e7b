//! The authorisation matrix: every route of the app, called as anonymous, member, HR of the
//! owning organisation, HR of another organisation, planner and admin, with the status each
//! must get. A route missing from the table fails the test, so new routes must be added here.
//! Then: every form refuses a missing CSRF token, and every API write refuses a cookie alone.

mod common;

use std::collections::BTreeSet;

use common::{Browser, TestApp, DEMO_PASSWORD};
use diesel::prelude::*;
use formation::db::schema::{accounts, key_users, people, registration_requests};
use formation::db::DbConn;
use formation::domain::accounts::Account;
use formation::domain::tokens::{self, LinkPurpose, LinkTarget};
use formation::domain::{calendars, catalogue, enrollments, sessions};
use rocket::http::Status;
use serde_json::{json, Value};

/// The roles, in the order of the expectations.
const ROLES: [&str; 6] = ["anonymous", "member", "hr", "hr-other", "planner", "admin"];
const EMAILS: [Option<&str>; 6] = [
    None,
    Some("key.user@anderlecht.example"),
    Some("hr@anderlecht.example"),
    Some("hr@cpas-jette.example"),
    Some("planner@erap.example"),
    Some("admin@formation.example"),
];

#[derive(Clone, Copy)]
enum Body {
    None,
    Json(fn(&Fixture) -> Value),
    Form(fn(&Fixture) -> Vec<(&'static str, String)>),
    Csv(&'static str),
}

/// One row: method, route pattern (as Rocket prints it), concrete path, body, statuses.
struct Row {
    method: &'static str,
    route: &'static str,
    path: fn(&Fixture) -> String,
    body: Body,
    expect: [u16; 6],
}

/// Fresh rows owned by the member's organisation (Anderlecht), made before each call.
struct Fixture {
    n: u64,
    person: i64,
    key_user: i64,
    request: i64,
    link: String,
    /// A token of the calling account, to revoke.
    own_token: i64,
    /// A finance train-the-trainer module, its venue, and sessions of it: published (in a
    /// month), draft, and started yesterday with the person holding a seat.
    module: String,
    venue: i64,
    session: i64,
    draft: i64,
    past: i64,
    /// The person's request, waiting for approval, in another published session.
    pending: i64,
    /// The admin's calendar feed secret.
    feed: String,
}

fn fixture(app: &TestApp, n: u64, caller: Option<&str>) -> Fixture {
    let mut conn = app.conn();
    let conn = &mut *conn;
    let anderlecht: i64 = formation::domain::organizations::by_code(conn, "anderlecht")
        .unwrap()
        .id;
    let person = matrix_person(conn, anderlecht, n);
    let finance: i64 = formation::db::schema::domains::table
        .filter(formation::db::schema::domains::code.eq("finance"))
        .select(formation::db::schema::domains::id)
        .first(conn)
        .unwrap();
    let key_user = nominated_key_user(conn, person, finance);
    let request = pending_request(conn, anderlecht, n);
    let link = bystander_reset_link(conn);
    let own_token = match caller {
        Some(email) => api_token_of(conn, email),
        None => 0,
    };
    let module = format!("mx-{n}");
    let module_id = matrix_module(conn, finance, &module);
    let venue = catalogue::insert_venue(
        conn,
        catalogue::NewVenue {
            name: "Salle matrice",
            address: "Rue de la Loi 1",
            seats: 100,
        },
    )
    .unwrap();
    let sessions = matrix_sessions(conn, module_id, person);
    let admin_account = account_of(conn, "admin@formation.example");
    let feed = calendars::create_feed(conn, &admin_account).unwrap();
    Fixture {
        n,
        person,
        key_user,
        request,
        link,
        own_token,
        module,
        venue,
        session: sessions.session,
        draft: sessions.draft,
        past: sessions.past,
        pending: sessions.pending,
        feed,
    }
}

fn matrix_person(conn: &mut DbConn, anderlecht: i64, n: u64) -> i64 {
    diesel::insert_into(people::table)
        .values((
            people::organization_id.eq(anderlecht),
            people::full_name.eq(format!("Matrix Person {n}")),
            people::email.eq(format!("matrix.{n}@anderlecht.example")),
            people::language.eq("fr"),
        ))
        .returning(people::id)
        .get_result(conn)
        .unwrap()
}

fn nominated_key_user(conn: &mut DbConn, person: i64, finance: i64) -> i64 {
    diesel::insert_into(key_users::table)
        .values((
            key_users::person_id.eq(person),
            key_users::domain_id.eq(finance),
            key_users::status.eq("nominated"),
            key_users::designated_on.eq(chrono::Utc::now().date_naive()),
        ))
        .returning(key_users::id)
        .get_result(conn)
        .unwrap()
}

fn pending_request(conn: &mut DbConn, anderlecht: i64, n: u64) -> i64 {
    diesel::insert_into(registration_requests::table)
        .values((
            registration_requests::organization_id.eq(anderlecht),
            registration_requests::full_name.eq(format!("Matrix Request {n}")),
            registration_requests::email.eq(format!("request.{n}@example.org")),
            registration_requests::language.eq("nl"),
            registration_requests::status.eq("pending"),
            // Filed days ago: the fixtures do not count against the day's cap on requests.
            registration_requests::created_at
                .eq(chrono::Utc::now().naive_utc() - chrono::Duration::days(3)),
        ))
        .returning(registration_requests::id)
        .get_result(conn)
        .unwrap()
}

/// A reset ends the account's sign-ins: its link is for an account no browser here uses.
fn bystander_reset_link(conn: &mut DbConn) -> String {
    let bystander: i64 = accounts::table
        .filter(accounts::email.eq("key.user@cpas-jette.example"))
        .select(accounts::id)
        .first(conn)
        .unwrap();
    tokens::create_link(
        conn,
        LinkPurpose::PasswordReset,
        LinkTarget::Account(bystander),
    )
    .unwrap()
}

fn account_of(conn: &mut DbConn, email: &str) -> Account {
    accounts::table
        .filter(accounts::email.eq(email))
        .select(Account::as_select())
        .first(conn)
        .unwrap()
}

/// A new API token of the account, its id.
fn api_token_of(conn: &mut DbConn, email: &str) -> i64 {
    let account = account_of(conn, email);
    tokens::create_api_token(conn, &account, Some("matrix"))
        .unwrap()
        .1
        .id
}

fn matrix_module(conn: &mut DbConn, finance: i64, code: &str) -> i64 {
    catalogue::insert_module(
        conn,
        catalogue::NewModule {
            domain_id: finance,
            code,
            title_fr: "Module matrice",
            title_nl: "Matrixmodule",
            description_fr: "",
            description_nl: "",
            tier: catalogue::Tier::Trainer,
            duration_minutes: 60,
            prerequisite_module_id: None,
            certifies_trainer: false,
            assessed: false,
        },
    )
    .unwrap()
}

/// The fixture's sessions (see `Fixture`).
struct MatrixSessions {
    session: i64,
    draft: i64,
    past: i64,
    pending: i64,
}

fn matrix_sessions(conn: &mut DbConn, module_id: i64, person: i64) -> MatrixSessions {
    let erap = formation::domain::organizations::by_code(conn, "erap")
        .unwrap()
        .id;
    let day = |days: i64, hour: u32| {
        (chrono::Utc::now().date_naive() + chrono::Duration::days(days))
            .and_hms_opt(hour, 0, 0)
            .unwrap()
    };
    let mut session_at = |days: i64, status: sessions::SessionStatus| {
        sessions::insert(
            conn,
            sessions::NewSession {
                module_id,
                organizer_id: erap,
                trainer_person_id: None,
                venue_id: None,
                online_url: Some("https://meet.example/matrix"),
                language: formation::domain::Language::Fr,
                starts_at: day(days, 9),
                ends_at: day(days, 12),
                registration_closes_at: day(days, 8),
                capacity: 50,
                seats_taken: 0,
                status,
                created_by: None,
            },
        )
        .unwrap()
    };
    let session = session_at(30, sessions::SessionStatus::Published);
    let draft = session_at(31, sessions::SessionStatus::Draft);
    let past = session_at(-1, sessions::SessionStatus::Published);
    let other = session_at(32, sessions::SessionStatus::Published);
    let enroll = |conn: &mut DbConn, session_id, status| {
        enrollments::insert(
            conn,
            enrollments::NewEnrollment {
                session_id,
                person_id: person,
                status,
                passed: None,
                requested_by: None,
                created_at: chrono::Utc::now().naive_utc(),
                decided_at: None,
            },
        )
        .unwrap()
    };
    enroll(conn, past, enrollments::EnrollmentStatus::Confirmed);
    diesel::update(formation::db::schema::training_sessions::table.find(past))
        .set(formation::db::schema::training_sessions::seats_taken.eq(1))
        .execute(conn)
        .unwrap();
    let pending = enroll(conn, other, enrollments::EnrollmentStatus::PendingApproval);
    MatrixSessions {
        session,
        draft,
        past,
        pending,
    }
}

fn person_fields(f: &Fixture) -> Vec<(&'static str, String)> {
    vec![
        ("full_name", format!("Form Person {}", f.n)),
        ("language", "nl".into()),
        ("organization", "anderlecht".into()),
    ]
}

#[rustfmt::skip]
fn table() -> Vec<Row> {
    use Body::*;
    vec![
        Row { method: "GET", route: "/health", path: |_| "/health".into(), body: None, expect: [200; 6] },
        Row { method: "GET", route: "/", path: |_| "/".into(), body: None, expect: [200; 6] },
        Row { method: "GET", route: "/api/v1/domains", path: |_| "/api/v1/domains".into(), body: None, expect: [200; 6] },
        Row { method: "GET", route: "/language/<code>?<next>", path: |_| "/language/en?next=/".into(), body: None, expect: [303; 6] },
        // Sign-in and registration.
        Row { method: "GET", route: "/login?<next>", path: |_| "/login".into(), body: None, expect: [200, 303, 303, 303, 303, 303] },
        Row { method: "POST", route: "/login", path: |_| "/login".into(), body: Form(|f| vec![("email", format!("nobody.{}@example.org", f.n)), ("password", "wrong password!".into())]), expect: [401; 6] },
        Row { method: "POST", route: "/logout", path: |_| "/logout".into(), body: Form(|_| vec![]), expect: [303; 6] },
        Row { method: "GET", route: "/register", path: |_| "/register".into(), body: None, expect: [200; 6] },
        Row { method: "POST", route: "/register", path: |_| "/register".into(), body: Form(|f| vec![("email", format!("new.{}@example.org", f.n)), ("full_name", "New Person".into()), ("organization", "anderlecht".into()), ("language", "fr".into())]), expect: [200; 6] },
        Row { method: "POST", route: "/api/v1/registrations", path: |_| "/api/v1/registrations".into(), body: Json(|f| json!({"email": format!("api.{}@example.org", f.n), "full_name": "Api Person", "organization": "anderlecht", "language": "nl"})), expect: [202; 6] },
        Row { method: "GET", route: "/password/forgot", path: |_| "/password/forgot".into(), body: None, expect: [200; 6] },
        Row { method: "POST", route: "/password/forgot", path: |_| "/password/forgot".into(), body: Form(|f| vec![("email", format!("nobody.{}@example.org", f.n))]), expect: [303; 6] },
        Row { method: "POST", route: "/api/v1/password-resets", path: |_| "/api/v1/password-resets".into(), body: Json(|f| json!({"email": format!("nobody.{}@example.org", f.n)})), expect: [202; 6] },
        Row { method: "GET", route: "/password/set/<token>", path: |f| format!("/password/set/{}", f.link), body: None, expect: [200; 6] },
        Row { method: "POST", route: "/password/set/<token>", path: |f| format!("/password/set/{}", f.link), body: Form(|_| vec![("password", DEMO_PASSWORD.into())]), expect: [303; 6] },
        Row { method: "POST", route: "/api/v1/tokens", path: |_| "/api/v1/tokens".into(), body: Json(|_| json!({"email": "planner@erap.example", "password": DEMO_PASSWORD})), expect: [201; 6] },
        Row { method: "DELETE", route: "/api/v1/tokens/current", path: |_| "/api/v1/tokens/current".into(), body: None, expect: [401, 204, 204, 204, 204, 204] },
        Row { method: "GET", route: "/api/v1/me", path: |_| "/api/v1/me".into(), body: None, expect: [401, 200, 200, 200, 200, 200] },
        Row { method: "PATCH", route: "/api/v1/me", path: |_| "/api/v1/me".into(), body: Json(|_| json!({"locale": "nl"})), expect: [401, 200, 200, 200, 200, 200] },
        Row { method: "GET", route: "/api/v1/tokens", path: |_| "/api/v1/tokens".into(), body: None, expect: [401, 200, 200, 200, 200, 200] },
        Row { method: "DELETE", route: "/api/v1/tokens/<id>", path: |f| format!("/api/v1/tokens/{}", f.own_token), body: None, expect: [401, 204, 204, 204, 204, 204] },
        Row { method: "POST", route: "/api/v1/password", path: |_| "/api/v1/password".into(), body: Json(|f| json!({"token": f.link, "password": DEMO_PASSWORD})), expect: [200; 6] },
        Row { method: "GET", route: "/account", path: |_| "/account".into(), body: None, expect: [303, 200, 200, 200, 200, 200] },
        Row { method: "POST", route: "/account/tokens", path: |_| "/account/tokens".into(), body: Form(|_| vec![("label", "page".into())]), expect: [401, 200, 200, 200, 200, 200] },
        Row { method: "POST", route: "/account/tokens/<id>/revoke", path: |f| format!("/account/tokens/{}/revoke", f.own_token), body: Form(|_| vec![]), expect: [401, 303, 303, 303, 303, 303] },
        Row { method: "POST", route: "/account/password", path: |_| "/account/password".into(), body: Form(|_| vec![("current_password", "not my password".into()), ("password", "a brand new passphrase".into())]), expect: [401, 422, 422, 422, 422, 422] },
        Row { method: "PUT", route: "/api/v1/me/password", path: |_| "/api/v1/me/password".into(), body: Json(|_| json!({"current_password": "not my password", "password": "a brand new passphrase"})), expect: [401, 422, 422, 422, 422, 422] },
        Row { method: "POST", route: "/account/language", path: |_| "/account/language".into(), body: Form(|_| vec![("locale", "".into())]), expect: [401, 303, 303, 303, 303, 303] },
        // Accounts and registration requests.
        Row { method: "GET", route: "/accounts", path: |_| "/accounts".into(), body: None, expect: [303, 403, 200, 200, 403, 200] },
        Row { method: "POST", route: "/accounts", path: |_| "/accounts".into(), body: Form(|f| vec![("person_id", f.person.to_string()), ("role", "member".into())]), expect: [401, 403, 303, 422, 403, 303] },
        Row { method: "GET", route: "/api/v1/accounts", path: |_| "/api/v1/accounts".into(), body: None, expect: [401, 403, 200, 200, 403, 200] },
        Row { method: "POST", route: "/api/v1/accounts", path: |_| "/api/v1/accounts".into(), body: Json(|f| json!({"person_id": f.person, "role": "member"})), expect: [401, 403, 201, 422, 403, 201] },
        Row { method: "GET", route: "/registrations?<all>&<page>&<per_page>", path: |_| "/registrations".into(), body: None, expect: [303, 403, 200, 200, 403, 200] },
        Row { method: "GET", route: "/api/v1/registrations?<all>&<page>&<per_page>", path: |_| "/api/v1/registrations".into(), body: None, expect: [401, 403, 200, 200, 403, 200] },
        Row { method: "POST", route: "/registrations/<id>/accept", path: |f| format!("/registrations/{}/accept", f.request), body: Form(|_| vec![]), expect: [401, 403, 303, 404, 403, 303] },
        Row { method: "POST", route: "/registrations/<id>/refuse", path: |f| format!("/registrations/{}/refuse", f.request), body: Form(|_| vec![("reason", "no".into())]), expect: [401, 403, 303, 404, 403, 303] },
        Row { method: "POST", route: "/api/v1/registrations/<id>/accept", path: |f| format!("/api/v1/registrations/{}/accept", f.request), body: None, expect: [401, 403, 200, 404, 403, 200] },
        Row { method: "POST", route: "/api/v1/registrations/<id>/refuse", path: |f| format!("/api/v1/registrations/{}/refuse", f.request), body: Json(|_| json!({"reason": "no"})), expect: [401, 403, 200, 404, 403, 200] },
        // People.
        Row { method: "GET", route: "/people?<page>&<per_page>&<filter..>", path: |_| "/people".into(), body: None, expect: [303, 403, 200, 200, 200, 200] },
        Row { method: "GET", route: "/api/v1/people?<page>&<per_page>&<filter..>", path: |_| "/api/v1/people".into(), body: None, expect: [401, 403, 200, 200, 200, 200] },
        Row { method: "POST", route: "/api/v1/people", path: |_| "/api/v1/people".into(), body: Json(|f| json!({"full_name": format!("Api Person {}", f.n), "language": "fr", "organization": "anderlecht"})), expect: [401, 403, 201, 422, 403, 201] },
        Row { method: "GET", route: "/api/v1/people/<id>", path: |f| format!("/api/v1/people/{}", f.person), body: None, expect: [401, 404, 200, 404, 200, 200] },
        Row { method: "PATCH", route: "/api/v1/people/<id>", path: |f| format!("/api/v1/people/{}", f.person), body: Json(|_| json!({"job_title": "Comptable"})), expect: [401, 403, 200, 404, 403, 200] },
        Row { method: "GET", route: "/people/new", path: |_| "/people/new".into(), body: None, expect: [303, 403, 200, 200, 403, 200] },
        Row { method: "POST", route: "/people", path: |_| "/people".into(), body: Form(person_fields), expect: [401, 403, 303, 422, 403, 303] },
        Row { method: "GET", route: "/people/<id>", path: |f| format!("/people/{}", f.person), body: None, expect: [303, 404, 200, 404, 200, 200] },
        Row { method: "POST", route: "/people/<id>", path: |f| format!("/people/{}", f.person), body: Form(|_| vec![("job_title", "Juriste".into())]), expect: [401, 403, 303, 404, 403, 303] },
        Row { method: "POST", route: "/people/<id>/anonymise", path: |f| format!("/people/{}/anonymise", f.person), body: Form(|_| vec![]), expect: [401, 403, 303, 404, 403, 303] },
        Row { method: "POST", route: "/api/v1/people/<id>/anonymise", path: |f| format!("/api/v1/people/{}/anonymise", f.person), body: None, expect: [401, 403, 200, 404, 403, 200] },
        Row { method: "GET", route: "/people/<id>/export", path: |f| format!("/people/{}/export", f.person), body: None, expect: [303, 403, 200, 404, 403, 200] },
        Row { method: "GET", route: "/api/v1/people/<id>/export", path: |f| format!("/api/v1/people/{}/export", f.person), body: None, expect: [401, 403, 200, 404, 403, 200] },
        Row { method: "GET", route: "/people/import", path: |_| "/people/import".into(), body: None, expect: [303, 403, 200, 200, 403, 200] },
        Row { method: "POST", route: "/people/import", path: |_| "/people/import".into(), body: Form(|_| vec![("organization", "anderlecht".into())]), expect: [401, 403, 422, 422, 403, 422] },
        Row { method: "POST", route: "/api/v1/people/import?<organization>", path: |_| "/api/v1/people/import?organization=anderlecht".into(), body: Csv("full_name,language\nCsv Person,fr\n"), expect: [401, 403, 201, 422, 403, 201] },
        // Organisations and memberships.
        Row { method: "GET", route: "/organizations", path: |_| "/organizations".into(), body: None, expect: [303, 200, 200, 200, 200, 200] },
        Row { method: "GET", route: "/organizations/<code>", path: |_| "/organizations/anderlecht".into(), body: None, expect: [303, 200, 200, 200, 200, 200] },
        Row { method: "GET", route: "/api/v1/organizations", path: |_| "/api/v1/organizations".into(), body: None, expect: [401, 200, 200, 200, 200, 200] },
        Row { method: "GET", route: "/api/v1/organizations/<code>", path: |_| "/api/v1/organizations/anderlecht".into(), body: None, expect: [401, 200, 200, 200, 200, 200] },
        Row { method: "PUT", route: "/api/v1/organizations/<code>/memberships/<domain>", path: |_| "/api/v1/organizations/anderlecht/memberships/crm".into(), body: Json(|_| json!({"status": "interested"})), expect: [401, 403, 403, 403, 200, 200] },
        Row { method: "POST", route: "/organizations/<code>/memberships/<domain>", path: |_| "/organizations/anderlecht/memberships/crm".into(), body: Form(|_| vec![("status", "interested".into())]), expect: [401, 403, 403, 403, 303, 303] },
        Row { method: "PATCH", route: "/api/v1/organizations/<code>", path: |_| "/api/v1/organizations/anderlecht".into(), body: Json(|_| json!({"requires_enrollment_approval": true})), expect: [401, 403, 200, 404, 403, 200] },
        Row { method: "POST", route: "/organizations/<code>/settings", path: |_| "/organizations/anderlecht/settings".into(), body: Form(|_| vec![("requires_enrollment_approval", "true".into())]), expect: [401, 403, 303, 404, 403, 303] },
        // Key users.
        Row { method: "GET", route: "/key-users?<filter..>", path: |_| "/key-users".into(), body: None, expect: [303, 403, 200, 200, 200, 200] },
        Row { method: "GET", route: "/api/v1/key-users?<filter..>", path: |_| "/api/v1/key-users".into(), body: None, expect: [401, 403, 200, 200, 200, 200] },
        Row { method: "POST", route: "/api/v1/key-users", path: |_| "/api/v1/key-users".into(), body: Json(|f| json!({"person_id": f.person, "domain": "soft-hr"})), expect: [401, 403, 201, 422, 201, 201] },
        Row { method: "DELETE", route: "/api/v1/key-users/<id>", path: |f| format!("/api/v1/key-users/{}", f.key_user), body: None, expect: [401, 403, 200, 404, 200, 200] },
        Row { method: "POST", route: "/key-users", path: |_| "/key-users".into(), body: Form(|f| vec![("person_id", f.person.to_string()), ("domain", "soft-hr".into())]), expect: [401, 403, 303, 422, 303, 303] },
        Row { method: "POST", route: "/api/v1/key-users/<id>/certify", path: |f| format!("/api/v1/key-users/{}/certify", f.key_user), body: Json(|_| json!({"reason": "Formé par l'intégrateur"})), expect: [401, 403, 403, 403, 200, 200] },
        Row { method: "POST", route: "/key-users/<id>/certify", path: |f| format!("/key-users/{}/certify", f.key_user), body: Form(|_| vec![("reason", "Formé ailleurs".into())]), expect: [401, 403, 403, 403, 303, 303] },
        Row { method: "POST", route: "/key-users/<id>/withdraw", path: |f| format!("/key-users/{}/withdraw", f.key_user), body: Form(|_| vec![]), expect: [401, 403, 303, 404, 303, 303] },
        // Catalogue and venues.
        Row { method: "GET", route: "/catalogue?<filter..>", path: |_| "/catalogue".into(), body: None, expect: [200; 6] },
        Row { method: "GET", route: "/api/v1/modules?<filter..>", path: |_| "/api/v1/modules?domain=finance".into(), body: None, expect: [200; 6] },
        Row { method: "GET", route: "/api/v1/modules/<code>", path: |f| format!("/api/v1/modules/{}", f.module), body: None, expect: [200; 6] },
        Row { method: "POST", route: "/api/v1/modules", path: |_| "/api/v1/modules".into(), body: Json(|f| json!({"domain": "finance", "code": format!("new-{}", f.n), "title_fr": "Nouveau", "title_nl": "Nieuw", "tier": "end_user", "duration_minutes": 90})), expect: [401, 403, 403, 403, 201, 201] },
        Row { method: "PATCH", route: "/api/v1/modules/<code>", path: |f| format!("/api/v1/modules/{}", f.module), body: Json(|_| json!({"title_fr": "Titre changé"})), expect: [401, 403, 403, 403, 200, 200] },
        Row { method: "GET", route: "/modules/new", path: |_| "/modules/new".into(), body: None, expect: [303, 403, 403, 403, 200, 200] },
        Row { method: "GET", route: "/modules/<code>", path: |f| format!("/modules/{}", f.module), body: None, expect: [200; 6] },
        Row { method: "POST", route: "/modules", path: |_| "/modules".into(), body: Form(|f| vec![("domain", "finance".into()), ("code", format!("form-{}", f.n)), ("title_fr", "Formulaire".into()), ("title_nl", "Formulier".into()), ("tier", "trainer".into()), ("duration_minutes", "120".into())]), expect: [401, 403, 403, 403, 303, 303] },
        Row { method: "POST", route: "/modules/<code>", path: |f| format!("/modules/{}", f.module), body: Form(|_| vec![("title_nl", "Nieuwe titel".into())]), expect: [401, 403, 403, 403, 303, 303] },
        Row { method: "GET", route: "/venues", path: |_| "/venues".into(), body: None, expect: [303, 403, 403, 403, 200, 200] },
        Row { method: "POST", route: "/venues", path: |_| "/venues".into(), body: Form(|_| vec![("name", "Salle".into()), ("address", "Rue 1".into()), ("seats", "20".into())]), expect: [401, 403, 403, 403, 303, 303] },
        Row { method: "POST", route: "/venues/<id>", path: |f| format!("/venues/{}", f.venue), body: Form(|_| vec![("seats", "30".into())]), expect: [401, 403, 403, 403, 303, 303] },
        Row { method: "GET", route: "/api/v1/venues", path: |_| "/api/v1/venues".into(), body: None, expect: [200; 6] },
        Row { method: "POST", route: "/api/v1/venues", path: |_| "/api/v1/venues".into(), body: Json(|_| json!({"name": "Salle API", "address": "Rue 2", "seats": 12})), expect: [401, 403, 403, 403, 201, 201] },
        Row { method: "PATCH", route: "/api/v1/venues/<id>", path: |f| format!("/api/v1/venues/{}", f.venue), body: Json(|_| json!({"seats": 40})), expect: [401, 403, 403, 403, 200, 200] },
        // Sessions and enrolment.
        Row { method: "GET", route: "/sessions?<page>&<per_page>&<filter..>", path: |_| "/sessions?domain=finance".into(), body: None, expect: [200; 6] },
        Row { method: "GET", route: "/api/v1/sessions?<page>&<per_page>&<filter..>", path: |_| "/api/v1/sessions?has_free_seats=true".into(), body: None, expect: [200; 6] },
        Row { method: "GET", route: "/api/v1/sessions/<id>", path: |f| format!("/api/v1/sessions/{}", f.session), body: None, expect: [200; 6] },
        Row { method: "GET", route: "/sessions/<id>", path: |f| format!("/sessions/{}", f.session), body: None, expect: [200; 6] },
        Row { method: "GET", route: "/sessions/<file>", path: |f| format!("/sessions/{}.ics", f.session), body: None, expect: [200; 6] },
        Row { method: "GET", route: "/sessions/new", path: |_| "/sessions/new".into(), body: None, expect: [303, 200, 200, 200, 200, 200] },
        Row { method: "GET", route: "/sessions/<id>/edit", path: |f| format!("/sessions/{}/edit", f.session), body: None, expect: [303, 403, 403, 403, 200, 200] },
        Row { method: "POST", route: "/sessions", path: |_| "/sessions".into(), body: Form(|f| vec![("module", f.module.clone()), ("starts_at", "2031-03-03T09:00".into()), ("ends_at", "2031-03-03T12:00".into()), ("capacity", "12".into()), ("language", "nl".into()), ("online_url", "https://meet.example/x".into())]), expect: [401, 403, 403, 403, 303, 303] },
        Row { method: "POST", route: "/sessions/<id>", path: |f| format!("/sessions/{}", f.session), body: Form(|_| vec![("capacity", "60".into())]), expect: [401, 403, 403, 403, 303, 303] },
        Row { method: "POST", route: "/api/v1/sessions", path: |_| "/api/v1/sessions".into(), body: Json(|f| json!({"module": f.module, "starts_at": "2031-03-04T08:00:00Z", "ends_at": "2031-03-04T11:00:00Z", "capacity": 10, "language": "fr", "online_url": "https://meet.example/y"})), expect: [401, 403, 403, 403, 201, 201] },
        Row { method: "PATCH", route: "/api/v1/sessions/<id>", path: |f| format!("/api/v1/sessions/{}", f.session), body: Json(|_| json!({"capacity": 45})), expect: [401, 403, 403, 403, 200, 200] },
        Row { method: "POST", route: "/api/v1/sessions/<id>/publish", path: |f| format!("/api/v1/sessions/{}/publish", f.draft), body: None, expect: [401, 404, 404, 404, 200, 200] },
        Row { method: "POST", route: "/api/v1/sessions/<id>/cancel", path: |f| format!("/api/v1/sessions/{}/cancel", f.session), body: None, expect: [401, 403, 403, 403, 200, 200] },
        Row { method: "POST", route: "/sessions/<id>/publish", path: |f| format!("/sessions/{}/publish", f.draft), body: Form(|_| vec![]), expect: [401, 404, 404, 404, 303, 303] },
        Row { method: "POST", route: "/sessions/<id>/cancel", path: |f| format!("/sessions/{}/cancel", f.session), body: Form(|_| vec![]), expect: [401, 403, 403, 403, 303, 303] },
        Row { method: "POST", route: "/api/v1/sessions/<id>/enrollments", path: |f| format!("/api/v1/sessions/{}/enrollments", f.session), body: Json(|f| json!({"person_id": f.person})), expect: [401, 404, 201, 404, 201, 201] },
        Row { method: "POST", route: "/sessions/<id>/enrollments", path: |f| format!("/sessions/{}/enrollments", f.session), body: Form(|f| vec![("person_id", f.person.to_string())]), expect: [401, 404, 303, 404, 303, 303] },
        Row { method: "GET", route: "/api/v1/sessions/<id>/enrollments?<format>", path: |f| format!("/api/v1/sessions/{}/enrollments", f.past), body: None, expect: [401, 200, 200, 200, 200, 200] },
        Row { method: "POST", route: "/api/v1/sessions/<id>/enrollments/bulk", path: |f| format!("/api/v1/sessions/{}/enrollments/bulk", f.session), body: Json(|f| json!({"person_ids": [f.person]})), expect: [401, 403, 200, 200, 200, 200] },
        Row { method: "POST", route: "/sessions/<id>/enrollments/bulk", path: |f| format!("/sessions/{}/enrollments/bulk", f.session), body: Form(|f| vec![("emails", format!("matrix.{}@anderlecht.example", f.n))]), expect: [401, 403, 200, 200, 200, 200] },
        Row { method: "POST", route: "/api/v1/enrollments/<id>/<action>", path: |f| format!("/api/v1/enrollments/{}/approve", f.pending), body: None, expect: [401, 403, 200, 404, 200, 200] },
        Row { method: "POST", route: "/enrollments/<id>/<action>", path: |f| format!("/enrollments/{}/approve", f.pending), body: Form(|_| vec![]), expect: [401, 403, 303, 404, 303, 303] },
        Row { method: "PUT", route: "/api/v1/sessions/<id>/attendance", path: |f| format!("/api/v1/sessions/{}/attendance", f.past), body: Json(|f| json!([{"person_id": f.person, "attended": true}])), expect: [401, 403, 403, 403, 200, 200] },
        Row { method: "POST", route: "/sessions/<id>/attendance", path: |f| format!("/sessions/{}/attendance", f.past), body: Form(|f| vec![("lines[0].person_id", f.person.to_string()), ("lines[0].attended", "true".into())]), expect: [401, 403, 403, 403, 303, 303] },
        Row { method: "GET", route: "/sessions/<id>/sheet", path: |f| format!("/sessions/{}/sheet", f.past), body: None, expect: [303, 200, 200, 200, 200, 200] },
        // Interests.
        Row { method: "GET", route: "/interests?<filter..>", path: |_| "/interests".into(), body: None, expect: [303, 200, 200, 200, 200, 200] },
        Row { method: "GET", route: "/api/v1/interests?<filter..>", path: |_| "/api/v1/interests".into(), body: None, expect: [401, 200, 200, 200, 200, 200] },
        Row { method: "POST", route: "/api/v1/interests", path: |_| "/api/v1/interests".into(), body: Json(|f| json!({"module": f.module, "person_id": f.person})), expect: [401, 404, 201, 404, 201, 201] },
        Row { method: "POST", route: "/interests", path: |_| "/interests".into(), body: Form(|f| vec![("module", f.module.clone()), ("person_id", f.person.to_string())]), expect: [401, 404, 303, 404, 303, 303] },
        // Calendars.
        Row { method: "GET", route: "/static/<path..>", path: |_| "/static/css/app.css".into(), body: None, expect: [200; 6] },
        Row { method: "GET", route: "/calendar/<file>", path: |f| format!("/calendar/{}.ics", f.feed), body: None, expect: [200; 6] },
        Row { method: "GET", route: "/api/v1/me/calendar.ics", path: |_| "/api/v1/me/calendar.ics".into(), body: None, expect: [401, 200, 200, 200, 200, 200] },
        Row { method: "POST", route: "/api/v1/me/calendar", path: |_| "/api/v1/me/calendar".into(), body: None, expect: [401, 201, 201, 201, 201, 201] },
        Row { method: "DELETE", route: "/api/v1/me/calendar", path: |_| "/api/v1/me/calendar".into(), body: None, expect: [401, 204, 204, 204, 204, 204] },
        Row { method: "POST", route: "/account/calendar", path: |_| "/account/calendar".into(), body: Form(|_| vec![]), expect: [401, 200, 200, 200, 200, 200] },
        Row { method: "POST", route: "/account/calendar/revoke", path: |_| "/account/calendar/revoke".into(), body: Form(|_| vec![]), expect: [401, 303, 303, 303, 303, 303] },
        // Cascade coverage.
        Row { method: "GET", route: "/api/v1/cascade/coverage?<format>&<filter..>", path: |_| "/api/v1/cascade/coverage?domain=finance".into(), body: None, expect: [401, 403, 200, 200, 200, 200] },
        Row { method: "GET", route: "/api/v1/cascade/at-risk", path: |_| "/api/v1/cascade/at-risk".into(), body: None, expect: [401, 403, 200, 200, 200, 200] },
        Row { method: "GET", route: "/cascade/coverage?<filter..>", path: |_| "/cascade/coverage".into(), body: None, expect: [303, 403, 200, 200, 200, 200] },
        Row { method: "GET", route: "/api/v1/capacity?<format>&<filter..>", path: |_| "/api/v1/capacity?year=2026&granularity=quarter".into(), body: None, expect: [401, 403, 200, 200, 200, 200] },
        Row { method: "GET", route: "/capacity?<filter..>", path: |_| "/capacity?year=2026".into(), body: None, expect: [303, 403, 200, 200, 200, 200] },
        Row { method: "GET", route: "/api/v1/capacity/cell?<period>&<filter..>", path: |_| "/api/v1/capacity/cell?year=2026&period=2026-Q4&domain=finance&tier=trainer&language=fr".into(), body: None, expect: [401, 403, 200, 200, 200, 200] },
        Row { method: "GET", route: "/capacity/cell?<period>&<filter..>", path: |_| "/capacity/cell?year=2026&period=2026-Q4&domain=finance&tier=end_user&language=nl".into(), body: None, expect: [303, 403, 200, 200, 200, 200] },
        Row { method: "POST", route: "/api/v1/capacity/suggestions", path: |_| "/api/v1/capacity/suggestions".into(), body: Json(|f| json!({"period": "2031-Q1", "domain": "finance", "tier": "trainer", "language": "fr", "module": f.module, "month": format!("2031-{:02}", 1 + f.n % 12), "sessions": 1, "capacity": 10, "organizer": "erap", "gap": 3})), expect: [401, 403, 403, 403, 201, 201] },
        Row { method: "POST", route: "/capacity/suggestions", path: |_| "/capacity/suggestions".into(), body: Form(|f| vec![("period", "2031-Q1".into()), ("domain", "finance".into()), ("tier", "trainer".into()), ("language", "fr".into()), ("module", f.module.clone()), ("month", format!("2032-{:02}", 1 + f.n % 12)), ("sessions", "1".into()), ("capacity", "10".into()), ("organizer", "erap".into()), ("gap", "3".into())]), expect: [401, 403, 403, 403, 303, 303] },
        Row { method: "GET", route: "/api/v1/reports/trained?<format>&<filter..>", path: |_| "/api/v1/reports/trained?year=2025".into(), body: None, expect: [401, 403, 200, 200, 200, 200] },
        Row { method: "GET", route: "/reports/trained?<filter..>", path: |_| "/reports/trained".into(), body: None, expect: [303, 403, 200, 200, 200, 200] },
        Row { method: "GET", route: "/api/v1/people/<id>/plans/<year>?<format>", path: |f| format!("/api/v1/people/{}/plans/2026", f.person), body: None, expect: [401, 404, 200, 404, 200, 200] },
        Row { method: "PUT", route: "/api/v1/people/<id>/plans/<year>", path: |f| format!("/api/v1/people/{}/plans/2026", f.person), body: Json(|f| json!({"status": "agreed", "items": [{"module": f.module, "target_on": "2026-10-01", "priority": 1}]})), expect: [401, 404, 200, 404, 403, 200] },
        Row { method: "GET", route: "/people/<id>/plans/<year>", path: |f| format!("/people/{}/plans/2026", f.person), body: None, expect: [303, 404, 200, 404, 200, 200] },
        Row { method: "POST", route: "/people/<id>/plans/<year>", path: |f| format!("/people/{}/plans/2026", f.person), body: Form(|_| vec![("status", "draft".into())]), expect: [401, 404, 303, 404, 403, 303] },
        Row { method: "GET", route: "/api/v1/organizations/<code>/plans/<year>?<format>", path: |_| "/api/v1/organizations/anderlecht/plans/2026".into(), body: None, expect: [401, 403, 200, 404, 200, 200] },
        Row { method: "PUT", route: "/api/v1/organizations/<code>/plans/<year>", path: |_| "/api/v1/organizations/anderlecht/plans/2026".into(), body: Json(|f| json!({"status": "draft", "targets": [{"module": f.module, "headcount": 4, "due_on": "2026-12-01"}]})), expect: [401, 403, 200, 404, 403, 200] },
        Row { method: "POST", route: "/api/v1/organizations/<code>/plans/<year>/draft", path: |f| format!("/api/v1/organizations/anderlecht/plans/{}/draft", 2031 + f.n % 60), body: None, expect: [401, 403, 201, 404, 403, 201] },
        Row { method: "GET", route: "/organizations/<code>/plans/<year>", path: |_| "/organizations/anderlecht/plans/2026".into(), body: None, expect: [303, 403, 200, 404, 200, 200] },
        Row { method: "POST", route: "/organizations/<code>/plans/<year>", path: |_| "/organizations/anderlecht/plans/2026".into(), body: Form(|_| vec![("status", "draft".into())]), expect: [401, 403, 303, 404, 403, 303] },
        Row { method: "POST", route: "/organizations/<code>/plans/<year>/draft", path: |f| format!("/organizations/anderlecht/plans/{}/draft", 2031 + f.n % 60), body: Form(|_| vec![]), expect: [401, 403, 303, 404, 403, 303] },
        Row { method: "GET", route: "/api/v1/plans?<year>&<format>", path: |_| "/api/v1/plans?year=2026".into(), body: None, expect: [401, 403, 200, 200, 200, 200] },
        Row { method: "GET", route: "/plans?<year>", path: |_| "/plans?year=2026".into(), body: None, expect: [303, 403, 200, 200, 200, 200] },
        Row { method: "GET", route: "/api/v1/cascade/tree?<format>&<page>&<per_page>&<filter..>", path: |_| "/api/v1/cascade/tree?domain=finance".into(), body: None, expect: [401, 403, 200, 200, 200, 200] },
        Row { method: "GET", route: "/api/v1/cascade/reach?<format>&<page>&<per_page>&<filter..>", path: |_| "/api/v1/cascade/reach?domain=finance&format=csv".into(), body: None, expect: [401, 403, 200, 200, 200, 200] },
        Row { method: "GET", route: "/cascade/tree?<page>&<per_page>&<filter..>", path: |_| "/cascade/tree".into(), body: None, expect: [303, 403, 200, 200, 200, 200] },
        // The outbox.
        Row { method: "GET", route: "/outbox", path: |_| "/outbox".into(), body: None, expect: [303, 403, 403, 403, 403, 200] },
        Row { method: "GET", route: "/api/v1/outbox", path: |_| "/api/v1/outbox".into(), body: None, expect: [401, 403, 403, 403, 403, 200] },
        // Audit.
        Row { method: "GET", route: "/audit?<page>&<per_page>&<filter..>", path: |_| "/audit".into(), body: None, expect: [303, 403, 200, 200, 403, 200] },
        Row { method: "GET", route: "/api/v1/audit?<page>&<per_page>&<filter..>", path: |_| "/api/v1/audit".into(), body: None, expect: [401, 403, 200, 200, 403, 200] },
    ]
}

fn route_key(method: &str, route: &str) -> String {
    format!("{method} {route}")
}

#[test]
fn every_route_is_in_the_matrix() {
    let routes: BTreeSet<String> = formation::web::routes()
        .iter()
        .map(|r| route_key(r.method.as_str(), &r.uri.to_string()))
        .collect();
    let rows: BTreeSet<String> = table()
        .iter()
        .map(|r| route_key(r.method, r.route))
        .collect();
    let missing: Vec<_> = routes.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&routes).collect();
    assert!(
        missing.is_empty(),
        "routes missing from the authorisation matrix: {missing:#?}"
    );
    assert!(stale.is_empty(), "matrix rows naming no route: {stale:#?}");
}

/// Calls one row as one role: a fresh bearer token for API paths, a copy of the role's browser
/// for pages (so that a call that signs in or out does not change who the next call is).
fn call(app: &TestApp, row: &Row, role: usize, browser: &Browser, fixture: &Fixture) -> u16 {
    // Signing out, or signing in by a link, ends the browser's sign-in on the server: those
    // rows get a sign-in of their own.
    let mut browser = match (row.route, EMAILS[role]) {
        ("/logout" | "/password/set/<token>", Some(email)) => app.sign_in(email, DEMO_PASSWORD),
        _ => browser.clone(),
    };
    // Each call from an address of its own: the rate limits are tested elsewhere.
    let n = fixture.n as u32;
    let address =
        std::net::SocketAddr::from(([10, (n >> 16) as u8, (n >> 8) as u8, n as u8], 40000));
    browser.address = Some(address);
    let browser = &mut browser;
    let path = (row.path)(fixture);
    if path.starts_with("/api/") {
        let token = EMAILS[role].map(|email| {
            let mut conn = app.conn();
            let account: Account = accounts::table
                .filter(accounts::email.eq(email))
                .select(Account::as_select())
                .first(&mut *conn)
                .unwrap();
            tokens::create_api_token(&mut conn, &account, None)
                .unwrap()
                .0
        });
        let method = row.method.parse::<rocket::http::Method>().unwrap();
        let mut request = app
            .client
            .req(method, path.clone())
            .remote(address)
            .header(rocket::http::Header::new("Accept", "application/json"));
        if let Some(token) = &token {
            request = request.header(rocket::http::Header::new(
                "Authorization",
                format!("Bearer {token}"),
            ));
        }
        request = match row.body {
            Body::Json(body) => request
                .header(rocket::http::ContentType::JSON)
                .body(body(fixture).to_string()),
            Body::Csv(text) => request.header(rocket::http::ContentType::CSV).body(text),
            _ => request,
        };
        return request.dispatch().status().code;
    }
    match row.body {
        Body::Form(fields) => {
            let fields = fields(fixture);
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.submit(browser, &path, &fields).0.code
        }
        _ => app.visit(browser, &path).0.code,
    }
}

db_test!(authorisation_matrix, |db| {
    let app = TestApp::start_demo(db);
    let browsers: Vec<Browser> = EMAILS
        .iter()
        .map(|email| match email {
            Some(email) => app.sign_in(email, DEMO_PASSWORD),
            None => {
                let mut browser = Browser::default();
                app.visit(&mut browser, "/login");
                browser
            }
        })
        .collect();
    let mut failures = Vec::new();
    let mut n = 0;
    for row in table() {
        for role in 0..ROLES.len() {
            n += 1;
            let fixture = fixture(&app, n, EMAILS[role]);
            let got = call(&app, &row, role, &browsers[role], &fixture);
            if got != row.expect[role] {
                failures.push(format!(
                    "{} {} as {}: expected {}, got {}",
                    row.method, row.route, ROLES[role], row.expect[role], got
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
});

db_test!(forms_refuse_a_missing_or_wrong_csrf_token, |db| {
    let app = TestApp::start_demo(db);
    let mut admin = app.sign_in("admin@formation.example", DEMO_PASSWORD);
    let mut n = 10_000;
    for row in table() {
        let Body::Form(fields) = row.body else {
            continue;
        };
        for token in ["", "not-the-token"] {
            n += 1;
            let fixture = fixture(&app, n, Some("admin@formation.example"));
            let before = common::count(&mut app.conn(), "audit_events");
            let mut fields = fields(&fixture);
            fields.push(("csrf_token", token.to_owned()));
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (status, _, _) = app.submit(&mut admin, &(row.path)(&fixture), &fields);
            assert_eq!(
                status,
                Status::Forbidden,
                "{} {} with token {token:?}",
                row.method,
                row.route
            );
            assert_eq!(
                common::count(&mut app.conn(), "audit_events"),
                before,
                "{} changed something",
                row.route
            );
        }
    }
});

db_test!(api_writes_refuse_a_cookie_without_a_bearer_token, |db| {
    let app = TestApp::start_demo(db);
    let admin = app.sign_in("admin@formation.example", DEMO_PASSWORD);
    let mut n = 20_000;
    for row in table() {
        let writes = !matches!(row.method, "GET" | "HEAD");
        if !writes || !row.route.starts_with("/api/") || row.expect[0] != 401 {
            continue;
        }
        n += 1;
        let fixture = fixture(&app, n, None);
        let body = match row.body {
            Body::Json(body) => body(&fixture),
            _ => json!({}),
        };
        let status = app.api_with_cookie(&admin, row.method, &(row.path)(&fixture), body);
        assert_eq!(status, Status::Forbidden, "{} {}", row.method, row.route);
    }
});
