//! Formation: a train-the-trainers platform for the Brussels local authorities' shared software.
//!
//! `build_rocket` is the one place where routes, fairings and state are wired. The layers:
//! `domain` holds the rules (no HTTP), `web` the thin handlers, `db` the connection, pool and
//! schema, `jobs` background work.

pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod jobs;
pub mod seed;
pub mod web;

use rocket::fairing::AdHoc;
use rocket::figment::Figment;
use rocket::{Build, Rocket};

use crate::config::Settings;
use crate::db::Database;
use crate::error::AppError;

/// Builds the application from a figment (see `config::figment`). The database is opened,
/// migrated and seeded when Rocket ignites, off the async threads.
pub fn build_rocket(figment: Figment) -> Rocket<Build> {
    let figment = config::with_secret_key(figment);
    rocket::custom(figment)
        .attach(AdHoc::config::<Settings>())
        .attach(AdHoc::try_on_ignite("Database", |rocket| async move {
            let Some(settings) = rocket.state::<Settings>().cloned() else {
                log::error!("settings are not readable");
                return Err(rocket);
            };
            match rocket::tokio::task::spawn_blocking(move || prepare_database(&settings)).await {
                Ok(Ok(database)) => Ok(rocket.manage(database)),
                Ok(Err(error)) => {
                    log::error!("database start-up failed: {error}");
                    Err(rocket)
                }
                Err(error) => {
                    log::error!("database start-up panicked: {error}");
                    Err(rocket)
                }
            }
        }))
        .manage(web::throttle::Throttle::default())
        .attach(AdHoc::on_liftoff("Proxy check", |rocket| {
            Box::pin(async move {
                let config = rocket.config();
                let behind_tls_proxy = !config.tls_enabled()
                    && rocket
                        .state::<Settings>()
                        .is_some_and(|s| s.public_url.starts_with("https://"));
                if behind_tls_proxy && config.ip_header.is_none() {
                    log::warn!(
                        "public_url is https but TLS is off and no ip_header is set: behind a \
                         proxy every client shares the proxy's address for the rate limits; \
                         set ROCKET_IP_HEADER=X-Real-IP"
                    );
                }
            })
        }))
        .attach(web::template::fairing())
        .attach(web::security::SecurityHeaders)
        .attach(jobs::fairing())
        .mount("/", web::routes())
        .register("/", web::errors::catchers())
}

/// Opens the database, runs migrations, loads the reference data, and the demo data set when
/// the settings ask for it. Blocking.
pub fn prepare_database(settings: &Settings) -> Result<Database, AppError> {
    let database = Database::open(&settings.database_url, settings.pool_size)?;
    let mut conn = database.get()?;
    db::with_startup_lock(&mut conn, |conn| -> Result<(), AppError> {
        domain::reference::load(conn)?;
        // A database that predates the read model (or lost it) gets it back before serving.
        domain::read_model::ensure_built(conn)?;
        if settings.demo {
            let summary = seed::demo::load(conn)?;
            if summary.loaded {
                log::info!("demo data loaded: {summary:?}");
            }
        }
        if matches!(conn, db::DbConn::Sqlite(_)) {
            db::refresh_statistics(conn)?;
        }
        Ok(())
    })?;
    Ok(database)
}
