//! Database access: one connection type over SQLite and PostgreSQL, the pool, migrations and the
//! `Db` request guard. Backend-specific SQL lives here and nowhere else.

pub mod cache;
pub mod introspect;
pub mod schema;

/// Rows per INSERT of `insert_rows!`: under SQLite's and PostgreSQL's limits on bound
/// parameters.
pub const BATCH: usize = 500;

/// Inserts `$rows` (a slice of `Insertable` rows) into `$table` in batches of `BATCH`, on
/// whichever backend the connection is: a multi-row INSERT needs the concrete backend.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        for chunk in $rows.chunks($crate::db::BATCH) {
            match &mut *$conn {
                $crate::db::DbConn::Postgres(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)?
                }
                $crate::db::DbConn::Sqlite(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)?
                }
            };
        }
    };
}
pub(crate) use insert_rows;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection, Pool};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};
use rocket::tokio::sync::{OwnedSemaphorePermit, Semaphore};
use rocket::tokio::task::spawn_blocking;

use crate::error::AppError;

/// One connection to either backend. Diesel generates the dispatching `Connection` impl.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// How long a request waits for a free connection before it is answered 503.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A parsed `DATABASE_URL`: `postgres://…` / `postgresql://…`, else `sqlite://path`, `sqlite:path`
/// or a bare file path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, DbError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(DbError::Config("DATABASE_URL is empty".into()));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.contains("://") {
            return Err(DbError::Config(format!(
                "unsupported database URL scheme in {url:?}: use postgres://… or a SQLite file path"
            )));
        }
        if path.is_empty() || path == ":memory:" {
            return Err(DbError::Config(
                "SQLite needs a file path (an in-memory database is not shared by the pool)".into(),
            ));
        }
        Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
            DatabaseUrl::Postgres(_) => Backend::Postgres,
        }
    }

    /// The SQLite file, if this is SQLite.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            DatabaseUrl::Sqlite(path) => Some(path),
            DatabaseUrl::Postgres(_) => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database configuration: {0}")]
    Config(String),
    #[error("cannot connect to the database: {0}")]
    Connection(#[from] diesel::ConnectionError),
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("backup: {0}")]
    Backup(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("connection pool: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Opens connections for r2d2, choosing the backend from the URL scheme (the derived
/// `establish` would try each backend in turn and hide the real error).
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConn;
    type Error = DbError;

    fn connect(&self) -> Result<DbConn, DbError> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                let mut conn = PgConnection::establish(url)?;
                // No JIT: the reports' grouped queries cost enough to be compiled, which took
                // 25 ms a query at N = 1 and 400 ms at N = 10 to save less (bench/RESULTS.md).
                conn.batch_execute("SET jit = off")?;
                Ok(DbConn::Postgres(conn))
            }
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                // busy_timeout first: the WAL switch itself may wait for another writer.
                // No mmap: after any other connection's write, SQLite unmaps the whole file
                // at the next read transaction (`unixUnfetch`) and faults it back in, which
                // took 14 % of the CPU under enrolment load (bench/RESULTS.md) and saved the
                // reports nothing measurable.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; \
                     PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA mmap_size = 0;",
                )?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), DbError> {
        conn.batch_execute("SELECT 1").map_err(DbError::from)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

pub type PooledConn = r2d2::PooledConnection<ConnectionManager>;

/// The shared database handle: a pool plus a semaphore of the same size, so that async tasks
/// wait for a connection without tying up blocking threads.
#[derive(Clone)]
pub struct Database {
    pool: Pool<ConnectionManager>,
    permits: Arc<Semaphore>,
    backend: Backend,
    /// SQLite lets one writer in at a time and makes the others wait by sleeping and retrying;
    /// writers queue here instead, in-process, which is fairer and much faster under load.
    write_gate: Arc<std::sync::Mutex<()>>,
    reports: Arc<cache::ReportCache>,
}

impl Database {
    /// Opens the pool and runs pending migrations. Blocking: call it off the async threads.
    pub fn open(url: &str, pool_size: u32) -> Result<Self, DbError> {
        let url = DatabaseUrl::parse(url)?;
        if let Some(path) = url.sqlite_path() {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
        }
        let backend = url.backend();
        let pool_size = pool_size.max(1);
        let pool = Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .build(ConnectionManager { url })?;
        let db = Database {
            pool,
            permits: Arc::new(Semaphore::new(pool_size as usize)),
            backend,
            write_gate: Arc::new(std::sync::Mutex::new(())),
            reports: Arc::default(),
        };
        let mut conn = db.get()?;
        with_startup_lock(&mut conn, run_migrations)?;
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A connection for blocking code (CLI, start-up, jobs).
    pub fn get(&self) -> Result<PooledConn, DbError> {
        Ok(self.pool.get()?)
    }

    /// Runs `work` on a pooled connection on the blocking thread pool.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
    {
        let _permit = self.acquire().await?;
        run_blocking(self.pool.clone(), work).await
    }

    async fn acquire(&self) -> Result<OwnedSemaphorePermit, AppError> {
        match rocket::tokio::time::timeout(ACQUIRE_TIMEOUT, self.permits.clone().acquire_owned())
            .await
        {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(AppError::Unavailable(
                "no database connection available in time".into(),
            )),
        }
    }
}

/// Runs the pending embedded migrations of the connection's backend.
pub fn run_migrations(conn: &mut DbConn) -> Result<(), DbError> {
    let migrations = match conn {
        DbConn::Sqlite(_) => SQLITE_MIGRATIONS,
        DbConn::Postgres(_) => POSTGRES_MIGRATIONS,
    };
    conn.run_pending_migrations(migrations)
        .map(|_| ())
        .map_err(|e| DbError::Migration(e.to_string()))
}

/// Runs `work` in a transaction that writes. On SQLite it starts as `BEGIN IMMEDIATE`: it takes
/// the write lock at once, waiting for it under `busy_timeout`. A deferred `BEGIN` that reads
/// and then writes cannot wait: when another writer committed meanwhile SQLite answers "database
/// is locked" at once, and the request would fail (DESIGN §4 rule 7). Nested inside another
/// transaction, it is a savepoint on both backends.
pub fn transaction<T, E>(
    conn: &mut DbConn,
    work: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let DbConn::Sqlite(sqlite) = conn else {
        return conn.transaction(work);
    };
    let nested = AnsiTransactionManager::transaction_manager_status_mut(sqlite)
        .transaction_depth()?
        .is_some();
    if nested {
        return conn.transaction(work);
    }
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
    type Manager = <DbConn as Connection>::TransactionManager;
    match work(conn) {
        Ok(value) => match Manager::commit_transaction(conn) {
            Ok(()) => Ok(value),
            Err(error) => {
                // A failed COMMIT leaves the transaction open on SQLite: end it.
                let _ = Manager::rollback_transaction(conn);
                Err(error.into())
            }
        },
        Err(error) => {
            Manager::rollback_transaction(conn)?;
            Err(error)
        }
    }
}

/// Refreshes the query planner's statistics. Without them SQLite guesses that an equality on
/// any index is selective, and picked plans a thousand times slower on reports at scale
/// (`bench/RESULTS.md`). PostgreSQL's autovacuum keeps its own; after a bulk load, asking
/// for them at once helps it too.
pub fn refresh_statistics(conn: &mut DbConn) -> Result<(), DbError> {
    let sql = match conn {
        // Analyses only the tables whose statistics are missing or stale, within a limit.
        DbConn::Sqlite(_) => "PRAGMA optimize = 0x10002;",
        DbConn::Postgres(_) => "ANALYZE;",
    };
    conn.batch_execute(sql).map_err(DbError::from)
}

/// Runs start-up work (migrations, reference data) so that several instances starting at once
/// on one PostgreSQL take turns. SQLite serialises writers by itself.
pub fn with_startup_lock<T, E>(
    conn: &mut DbConn,
    work: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<DbError>,
{
    const STARTUP_LOCK_KEY: i64 = 0x466f_726d_6174; // "Format"
    let locked = matches!(conn, DbConn::Postgres(_));
    if locked {
        conn.batch_execute(&format!("SELECT pg_advisory_lock({STARTUP_LOCK_KEY})"))
            .map_err(DbError::from)?;
    }
    let result = work(conn);
    if locked {
        conn.batch_execute(&format!("SELECT pg_advisory_unlock({STARTUP_LOCK_KEY})"))
            .map_err(DbError::from)?;
    }
    result
}

/// Takes the read model's lock until the transaction ends, so that its writers take turns: each
/// recomputes from what the others committed. On PostgreSQL a transaction-scoped advisory lock;
/// SQLite's writers already take turns (`BEGIN IMMEDIATE`). Call it inside `transaction`.
pub fn lock_read_model(conn: &mut DbConn) -> Result<(), DbError> {
    const READ_MODEL_LOCK_KEY: i64 = 0x5265_6164_4d64; // "ReadMd"
    if matches!(conn, DbConn::Postgres(_)) {
        conn.batch_execute(&format!(
            "SELECT pg_advisory_xact_lock({READ_MODEL_LOCK_KEY})"
        ))
        .map_err(DbError::from)?;
    }
    Ok(())
}

/// Takes the read-model lock of each person (PostgreSQL; till the end of the transaction), in
/// id order: two refreshes of one person's facts take turns, so neither recomputes them from a
/// snapshot without the other's write. Take `lock_read_model` first where both are needed.
pub fn lock_people(conn: &mut DbConn, people: &[i64]) -> Result<(), DbError> {
    // The two-key advisory locks are apart from `lock_read_model`'s one key; ids past 2^31
    // share a key with a smaller one, which only makes them wait.
    const PEOPLE_LOCK_SPACE: i32 = 0x5250; // "RP"
    if matches!(conn, DbConn::Postgres(_)) {
        let mut ids = people.to_vec();
        ids.sort_unstable();
        ids.dedup();
        // One round trip; the statements run in order.
        let batch: String = ids
            .iter()
            .map(|id| {
                let key = id.rem_euclid(i64::from(i32::MAX));
                format!("SELECT pg_advisory_xact_lock({PEOPLE_LOCK_SPACE}, {key});")
            })
            .collect();
        if !batch.is_empty() {
            conn.batch_execute(&batch).map_err(DbError::from)?;
        }
    }
    Ok(())
}

pub const POSTGRES_BACKUP_HINT: &str = "PostgreSQL databases are backed up with pg_dump, \
     e.g. `pg_dump --format=custom --file=formation.dump \"$DATABASE_URL\"`";

/// SQLite online backup into a new file (`VACUUM INTO` gives a consistent copy while the
/// application keeps running).
pub fn backup_sqlite(conn: &mut DbConn, target: &Path) -> Result<(), DbError> {
    match conn {
        DbConn::Sqlite(sqlite) => {
            if target.exists() {
                return Err(DbError::Backup(format!(
                    "{} already exists",
                    target.display()
                )));
            }
            diesel::sql_query("VACUUM INTO $1")
                .bind::<diesel::sql_types::Text, _>(target.to_string_lossy().into_owned())
                .execute(sqlite)?;
            Ok(())
        }
        DbConn::Postgres(_) => Err(DbError::Backup(POSTGRES_BACKUP_HINT.into())),
    }
}

/// The request guard for handlers that touch the database: answers 503 when no connection
/// comes in time, so a saturated pool never turns into a hung request.
pub struct Db {
    database: Database,
    _permit: Arc<OwnedSemaphorePermit>,
}

/// The permit of the request's `Db` guards: one per request, however many guards ask (the
/// current-user guard and the handler both use the database; two permits per request could
/// starve the pool under load).
struct RequestPermit(Option<Arc<OwnedSemaphorePermit>>);

impl Db {
    pub fn backend(&self) -> Backend {
        self.database.backend
    }

    /// Runs `work` on a pooled connection, off the async threads. The guard already holds a
    /// permit, so this does not wait on the semaphore again.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
    {
        run_blocking(self.database.pool.clone(), work).await
    }

    /// Like `run`, for a report: from the instance's report cache while the data version has
    /// not moved since it was computed (`cache`); `key` names the report, its reader and its
    /// filters.
    pub async fn report<T, F>(&self, key: String, work: F) -> Result<T, AppError>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
    {
        let reports = self.database.reports.clone();
        self.run(move |conn| reports.get_or_compute(conn, key, work))
            .await
    }

    /// Like `run`, for work that writes: on SQLite the writers of this process take turns
    /// (see `Database::write_gate`); on PostgreSQL it is `run`.
    pub async fn write<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
    {
        if self.database.backend != Backend::Sqlite {
            return self.run(work).await;
        }
        let gate = self.database.write_gate.clone();
        self.run(move |conn| {
            let _turn = gate.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            work(conn)
        })
        .await
    }
}

/// Blocking database work run off the async threads, for domain functions that interleave it
/// with other slow work (password hashing): `Database` takes a permit for each call, the
/// request's `Db` uses the one its request already holds.
pub trait RunDb: Sync {
    fn run<T, F>(&self, work: F) -> impl std::future::Future<Output = Result<T, AppError>> + Send
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static;
}

impl RunDb for Database {
    fn run<T, F>(&self, work: F) -> impl std::future::Future<Output = Result<T, AppError>> + Send
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
    {
        Database::run(self, work)
    }
}

impl RunDb for Db {
    fn run<T, F>(&self, work: F) -> impl std::future::Future<Output = Result<T, AppError>> + Send
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
    {
        Db::run(self, work)
    }
}

async fn run_blocking<T, F>(pool: Pool<ConnectionManager>, work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
{
    spawn_blocking(move || {
        let mut conn = pool
            .get_timeout(ACQUIRE_TIMEOUT)
            .map_err(|e| AppError::Unavailable(e.to_string()))?;
        work(&mut conn)
    })
    .await
    .map_err(|e| AppError::internal(format!("database task failed: {e}")))?
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Db {
    type Error = AppError;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, AppError> {
        let Some(database) = request.rocket().state::<Database>() else {
            return Outcome::Error((
                Status::ServiceUnavailable,
                AppError::Unavailable("database not initialised".into()),
            ));
        };
        let permit = request
            .local_cache_async(async { RequestPermit(database.acquire().await.ok().map(Arc::new)) })
            .await;
        match &permit.0 {
            Some(permit) => Outcome::Success(Db {
                database: database.clone(),
                _permit: permit.clone(),
            }),
            None => Outcome::Error((
                Status::ServiceUnavailable,
                AppError::Unavailable("no database connection available in time".into()),
            )),
        }
    }
}
