//! The test harness: every integration test runs against its own fresh database, on SQLite and
//! on PostgreSQL.
//!
//! PostgreSQL is found through `TEST_DATABASE_URL` (e.g.
//! `postgres://postgres@127.0.0.1:5432/postgres`); each test creates a uniquely named database
//! there and drops it afterwards. Without a server the PostgreSQL half is skipped with a printed
//! line, except under `CI=true`, where a missing server fails the run.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

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
