//! The test harness: every integration test runs against its own fresh database, on SQLite and
//! on PostgreSQL.
//!
//! PostgreSQL is found through `TEST_DATABASE_URL` (e.g.
//! `postgres://postgres@127.0.0.1:5432/postgres`); each test creates a uniquely named database
//! there and drops it afterwards. Without a server the PostgreSQL half is skipped with a printed
//! line, except under `CI=true`, where a missing server fails the run.

#![allow(dead_code)]

pub mod world;

use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::Connection;
use formation::db::{Database, PooledConn};
use rocket::figment::Figment;
use rocket::http::{ContentType, Header, Status};
use rocket::local::blocking::{Client, LocalResponse};
use serde_json::Value;
use tempfile::TempDir;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Declares a test that runs once per backend, as `name::sqlite` and `name::postgres`.
///
/// ```ignore
/// db_test!(health_answers, |db| { let app = TestApp::start(db); … });
/// ```
#[macro_export]
macro_rules! db_test {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn sqlite() {
                let $db = common::TestDatabase::create(common::Backend::Sqlite)
                    .expect("SQLite is always available");
                $body
            }

            #[test]
            fn postgres() {
                if let Some($db) = common::TestDatabase::create(common::Backend::Postgres) {
                    $body
                }
            }
        }
    };
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "formation_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

fn in_ci() -> bool {
    std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false)
}

/// The PostgreSQL server to create test databases on, if there is one.
fn postgres_admin_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if in_ci() => {
            panic!("CI=true but TEST_DATABASE_URL is not set: PostgreSQL tests must run in CI")
        }
        _ => {
            eprintln!("skipping the PostgreSQL half: TEST_DATABASE_URL is not set");
            None
        }
    }
}

/// `postgres://user@host:port/db?x` with another database name.
fn with_database_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let server = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

/// A fresh, empty database of one backend, removed when dropped.
pub struct TestDatabase {
    pub backend: Backend,
    pub url: String,
    pub dir: TempDir,
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    /// `None` when the backend is PostgreSQL and no server is configured (outside CI).
    pub fn create(backend: Backend) -> Option<Self> {
        let dir = tempfile::tempdir().expect("temporary folder");
        match backend {
            Backend::Sqlite => Some(TestDatabase {
                backend,
                url: dir
                    .path()
                    .join("formation.db")
                    .to_string_lossy()
                    .into_owned(),
                dir,
                postgres: None,
            }),
            Backend::Postgres => {
                let admin_url = postgres_admin_url()?;
                let name = unique_name();
                let mut admin = match PgConnection::establish(&admin_url) {
                    Ok(conn) => conn,
                    Err(e) if !in_ci() => {
                        eprintln!("skipping the PostgreSQL half: cannot connect to TEST_DATABASE_URL: {e}");
                        return None;
                    }
                    Err(e) => panic!("cannot connect to TEST_DATABASE_URL: {e}"),
                };
                admin
                    .batch_execute(&format!("CREATE DATABASE \"{name}\""))
                    .expect("create the test database");
                Some(TestDatabase {
                    backend,
                    url: with_database_name(&admin_url, &name),
                    dir,
                    postgres: Some((admin_url, name)),
                })
            }
        }
    }

    /// The app's configuration for this database (no demo data, quiet logs, the key folder in
    /// the test's own temporary folder).
    pub fn figment(&self) -> Figment {
        formation::config::figment()
            .merge(("database_url", &self.url))
            .merge(("data_dir", self.dir.path()))
            .merge(("log_level", "off"))
            .merge(("pool_size", 8))
            .merge(("demo", false))
            .merge(("jobs", false))
    }

    /// A migrated database handle, without the web app.
    pub fn open(&self) -> Database {
        Database::open(&self.url, 4).expect("open the test database")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.postgres {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ = admin
                    .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
            }
        }
    }
}

/// The app running on a test database, driven through Rocket's local client.
pub struct TestApp {
    // Declared before `db` so the app (and its pool) is gone before the database is dropped.
    pub client: Client,
    pub db: TestDatabase,
}

impl TestApp {
    pub fn start(db: TestDatabase) -> Self {
        let figment = db.figment();
        Self::start_with(db, figment)
    }

    pub fn start_with(db: TestDatabase, figment: Figment) -> Self {
        let client = Client::tracked(formation::build_rocket(figment)).expect("the app starts");
        TestApp { client, db }
    }

    /// Stops the app and gives the database back, e.g. to start the app again on it.
    pub fn stop(self) -> TestDatabase {
        let TestApp { client, db } = self;
        drop(client);
        db
    }

    /// A connection from the app's own pool, for assertions on database state.
    pub fn conn(&self) -> PooledConn {
        self.client
            .rocket()
            .state::<Database>()
            .expect("the database is managed")
            .get()
            .expect("a connection")
    }

    pub fn get(&self, path: &str) -> LocalResponse<'_> {
        self.client.get(path.to_owned()).dispatch()
    }

    pub fn get_in(&self, path: &str, accept_language: &str) -> LocalResponse<'_> {
        self.client
            .get(path.to_owned())
            .header(Header::new("Accept-Language", accept_language.to_owned()))
            .dispatch()
    }

    /// GET a JSON document: its status and body.
    pub fn get_json(&self, path: &str) -> (Status, Value) {
        let response = self
            .client
            .get(path.to_owned())
            .header(ContentType::JSON)
            .header(Header::new("Accept", "application/json"))
            .dispatch();
        let status = response.status();
        let body = response.into_string().unwrap_or_default();
        let json = serde_json::from_str(&body).unwrap_or_else(|e| {
            panic!("{path} answered {status} with a body that is not JSON ({e}): {body}")
        });
        (status, json)
    }
}

/// Counts the rows of a table.
pub fn count(conn: &mut PooledConn, table: &str) -> i64 {
    use diesel::sql_types::BigInt;
    use diesel::RunQueryDsl;

    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
        .get_result::<Count>(&mut **conn)
        .expect("count rows")
        .n
}

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = formation::seed::demo::DEMO_PASSWORD;

/// A browser: its session cookie (as the server set it, encrypted) and the CSRF token of the
/// last page it saw.
#[derive(Clone, Default)]
pub struct Browser {
    pub session: Option<rocket::http::Cookie<'static>>,
    pub csrf: String,
    /// The client address it sends from (none, as Rocket's local client, by default).
    pub address: Option<std::net::SocketAddr>,
}

/// `a=b&c=d`, percent-encoded.
pub fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                rocket::http::RawStr::new(k).percent_encode(),
                rocket::http::RawStr::new(v).percent_encode()
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The CSRF token in a page's forms.
pub fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

impl TestApp {
    /// The app with the demo data set and a client that keeps no cookies (each test `Browser`
    /// carries its own), so that several users can act in one test.
    pub fn start_demo(db: TestDatabase) -> Self {
        let figment = db.figment().merge(("demo", true));
        let client = Client::untracked(formation::build_rocket(figment)).expect("the app starts");
        TestApp { client, db }
    }

    fn with_session<'c>(
        &self,
        request: rocket::local::blocking::LocalRequest<'c>,
        browser: &Browser,
    ) -> rocket::local::blocking::LocalRequest<'c> {
        let request = match browser.address {
            Some(address) => request.remote(address),
            None => request,
        };
        match &browser.session {
            Some(cookie) => request.cookie(cookie.clone()),
            None => request,
        }
    }

    /// Takes the session cookie a response set, if any.
    pub fn keep_session(browser: &mut Browser, response: &LocalResponse<'_>) {
        if let Some(cookie) = response.cookies().get("formation_session") {
            browser.session = Some(cookie.clone().into_owned());
        }
    }

    /// GET a page as this browser, keeping the cookie and CSRF token it gets.
    pub fn visit(&self, browser: &mut Browser, path: &str) -> (Status, String) {
        let response = self
            .with_session(self.client.get(path.to_owned()), browser)
            .dispatch();
        Self::keep_session(browser, &response);
        let status = response.status();
        let body = response.into_string().unwrap_or_default();
        if let Some(token) = csrf_in(&body) {
            browser.csrf = token;
        }
        (status, body)
    }

    /// POST a form as this browser, with its CSRF token unless `fields` has one.
    pub fn submit(
        &self,
        browser: &mut Browser,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (Status, String, Option<String>) {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if !fields.iter().any(|(k, _)| *k == "csrf_token") {
            all.push(("csrf_token", browser.csrf.as_str()));
        }
        let response = self
            .with_session(self.client.post(path.to_owned()), browser)
            .header(ContentType::Form)
            .body(form_body(&all))
            .dispatch();
        Self::keep_session(browser, &response);
        let status = response.status();
        let location = response.headers().get_one("Location").map(str::to_owned);
        (status, response.into_string().unwrap_or_default(), location)
    }

    /// Signs in through the form; panics unless it succeeds.
    pub fn sign_in(&self, email: &str, password: &str) -> Browser {
        let mut browser = Browser::default();
        self.visit(&mut browser, "/login");
        let (status, body, _) = self.submit(
            &mut browser,
            "/login",
            &[("email", email), ("password", password)],
        );
        assert_eq!(
            status,
            Status::SeeOther,
            "sign-in of {email} failed: {body}"
        );
        self.visit(&mut browser, "/account");
        browser
    }

    /// A bearer token for these credentials, through the API.
    pub fn token(&self, email: &str, password: &str) -> String {
        let (status, body) = self.api(
            "POST",
            "/api/v1/tokens",
            None,
            Some(serde_json::json!({ "email": email, "password": password })),
        );
        assert_eq!(status, Status::Created, "{body}");
        body["token"].as_str().expect("a token").to_owned()
    }

    /// A JSON API call; the body is parsed when there is one (else `null`).
    pub fn api(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (Status, Value) {
        let method = method.parse::<rocket::http::Method>().expect("a method");
        let mut request = self
            .client
            .req(method, path.to_owned())
            .header(Header::new("Accept", "application/json"));
        if let Some(token) = token {
            request = request.header(Header::new("Authorization", format!("Bearer {token}")));
        }
        if let Some(body) = body {
            request = request.header(ContentType::JSON).body(body.to_string());
        }
        let response = request.dispatch();
        let status = response.status();
        let text = response.into_string().unwrap_or_default();
        let json = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, json)
    }

    /// A JSON call as a browser (cookie only, no bearer token).
    pub fn api_with_cookie(
        &self,
        browser: &Browser,
        method: &str,
        path: &str,
        body: Value,
    ) -> Status {
        let method = method.parse::<rocket::http::Method>().expect("a method");
        let request = self
            .client
            .req(method, path.to_owned())
            .header(ContentType::JSON)
            .body(body.to_string());
        self.with_session(request, browser).dispatch().status()
    }
}

/// Runs a query returning one BigInt column `n`.
pub fn scalar(conn: &mut PooledConn, sql: &str) -> i64 {
    let numbers = numbers(conn, sql);
    assert_eq!(numbers.len(), 1, "{sql}: one row");
    numbers[0]
}

/// The numbers an SQL query answers, one per row, in a BIGINT column named `n`.
pub fn numbers(conn: &mut PooledConn, sql: &str) -> Vec<i64> {
    use diesel::sql_types::BigInt;
    use diesel::RunQueryDsl;

    #[derive(diesel::QueryableByName)]
    struct One {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    diesel::sql_query(sql)
        .load::<One>(&mut **conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|one| one.n)
        .collect()
}

/// The rules of DESIGN §4 that a whole data set keeps (a generated one, or one left by a run
/// of operations), each as a query counting the rows that break it.
const RULES: [(&str, &str); 6] = [
    (
        "no session over capacity",
        "SELECT COUNT(*) AS n FROM training_sessions WHERE seats_taken > capacity",
    ),
    (
        "seats_taken counts the seats held",
        "SELECT COUNT(*) AS n FROM training_sessions s WHERE s.seats_taken <> \
         (SELECT COUNT(*) FROM enrollments e WHERE e.session_id = s.id \
          AND e.status IN ('confirmed', 'attended', 'absent'))",
    ),
    (
        "cascade (end-user) sessions take their own organisation's people only",
        "SELECT COUNT(*) AS n FROM enrollments e JOIN training_sessions s ON s.id = e.session_id \
         JOIN modules m ON m.id = s.module_id JOIN people p ON p.id = e.person_id \
         WHERE m.tier = 'end_user' AND p.organization_id <> s.organizer_id",
    ),
    (
        "trainer-tier sessions take designated key users of the module's domain only",
        "SELECT COUNT(*) AS n FROM enrollments e JOIN training_sessions s ON s.id = e.session_id \
         JOIN modules m ON m.id = s.module_id \
         WHERE m.tier = 'trainer' AND NOT EXISTS (SELECT 1 FROM key_users k \
             WHERE k.person_id = e.person_id AND k.domain_id = m.domain_id)",
    ),
    (
        "nobody holds two seats at overlapping times",
        "SELECT COUNT(*) AS n FROM enrollments a JOIN training_sessions sa ON sa.id = a.session_id \
         JOIN enrollments b ON b.person_id = a.person_id AND b.id < a.id \
         JOIN training_sessions sb ON sb.id = b.session_id \
         WHERE a.status IN ('confirmed', 'attended', 'absent') \
           AND b.status IN ('confirmed', 'attended', 'absent') \
           AND sa.status <> 'cancelled' AND sb.status <> 'cancelled' \
           AND sa.starts_at < sb.ends_at AND sb.starts_at < sa.ends_at",
    ),
    (
        "certified key users attended and passed a certifying module of their domain",
        "SELECT COUNT(*) AS n FROM key_users k WHERE k.status = 'certified' AND NOT EXISTS ( \
             SELECT 1 FROM enrollments e JOIN training_sessions s ON s.id = e.session_id \
             JOIN modules m ON m.id = s.module_id \
             WHERE e.person_id = k.person_id AND m.domain_id = k.domain_id \
               AND m.certifies_trainer AND e.status = 'attended' AND e.passed = TRUE)",
    ),
];

/// The rules of `RULES` that the data breaks, and the read model when it is not in step with
/// a fresh computation from the enrolments.
pub fn broken_rules(conn: &mut PooledConn) -> Vec<&'static str> {
    let mut broken: Vec<&'static str> = RULES
        .iter()
        .filter(|(_, sql)| scalar(conn, sql) > 0)
        .map(|(rule, _)| *rule)
        .collect();
    let drift = formation::domain::read_model::differences(conn).expect("read the model");
    if !drift.is_empty() {
        eprintln!("read model drift: {drift:?}");
        broken.push("the read model is in step with the enrolments");
    }
    broken
}

/// Checks the rules of DESIGN §4 over a whole generated data set (demo or scaled).
pub fn assert_data_keeps_the_rules(conn: &mut PooledConn) {
    assert_eq!(broken_rules(conn), Vec::<&str>::new());
}

/// The last e-mail queued for a recipient: subject and body.
pub fn last_mail(conn: &mut PooledConn, recipient: &str) -> Option<(String, String)> {
    use diesel::prelude::*;
    use formation::db::schema::outbox;
    outbox::table
        .filter(outbox::recipient.eq(recipient))
        .order(outbox::id.desc())
        .select((outbox::subject, outbox::body_text))
        .first::<(String, String)>(&mut **conn)
        .optional()
        .expect("read the outbox")
}

/// The path of the set-password link in a mail body.
pub fn link_path(body: &str) -> String {
    let start = body.find("/password/set/").expect("a link in the mail");
    body[start..]
        .split_whitespace()
        .next()
        .expect("the link")
        .to_owned()
}

impl TestApp {
    /// POSTs a CSV file to the API.
    pub fn api_csv(&self, token: &str, path: &str, csv: &str) -> (Status, Value) {
        let response = self
            .client
            .post(path.to_owned())
            .header(ContentType::CSV)
            .header(Header::new("Authorization", format!("Bearer {token}")))
            .body(csv)
            .dispatch();
        let status = response.status();
        let text = response.into_string().unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

/// Runs `requests` (method, path, body) all at once against a second, asynchronous client of
/// the same app configuration; returns each answer's status and body, in request order, and
/// how long the requests took.
pub fn concurrently(
    app: &TestApp,
    token: &str,
    requests: Vec<(&'static str, String, Value)>,
) -> (Vec<(Status, Value)>, std::time::Duration) {
    let runtime = rocket::tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    let figment = app.db.figment();
    runtime.block_on(async move {
        let client = Arc::new(
            rocket::local::asynchronous::Client::untracked(formation::build_rocket(figment))
                .await
                .unwrap(),
        );
        let started = std::time::Instant::now();
        let mut handles = Vec::new();
        for (method, path, body) in requests {
            let client = client.clone();
            let token = token.to_owned();
            handles.push(rocket::tokio::spawn(async move {
                let method = rocket::http::Method::from_str(method).unwrap();
                let response = client
                    .req(method, path)
                    .header(ContentType::JSON)
                    .header(Header::new("Authorization", format!("Bearer {token}")))
                    .body(body.to_string())
                    .dispatch()
                    .await;
                let status = response.status();
                let text = response.into_string().await.unwrap_or_default();
                (
                    status,
                    serde_json::from_str(&text).unwrap_or(Value::String(text)),
                )
            }));
        }
        let mut answers = Vec::new();
        for handle in handles {
            answers.push(handle.await.unwrap());
        }
        (answers, started.elapsed())
    })
}

/// Adds `n` people to an organisation directly (fast), returning their ids.
pub fn add_people(app: &TestApp, organization: &str, n: usize, tag: &str) -> Vec<i64> {
    use diesel::prelude::*;
    use formation::db::schema::people;
    let mut conn = app.conn();
    let conn = &mut *conn;
    let organization_id = formation::domain::organizations::by_code(conn, organization)
        .unwrap()
        .id;
    (0..n)
        .map(|i| {
            diesel::insert_into(people::table)
                .values((
                    people::organization_id.eq(organization_id),
                    people::full_name.eq(format!("{tag} {i}")),
                    people::email.eq(format!("{tag}.{i}@{organization}.example")),
                    people::language.eq(["fr", "nl", "en"][i % 3]),
                ))
                .returning(people::id)
                .get_result(conn)
                .unwrap()
        })
        .collect()
}
