//! Typed settings, read once from `Rocket.toml` and the environment through figment.
//!
//! `DATABASE_URL` (or `ROCKET_DATABASE_URL`) picks the database; everything Rocket knows
//! (`ROCKET_PORT`, `ROCKET_ADDRESS`, `ROCKET_SECRET_KEY`, …) works as usual.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use rand::RngCore;
use rocket::figment::providers::{Env, Serialized};
use rocket::figment::Figment;
use serde::{Deserialize, Serialize};

use crate::db::DatabaseUrl;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// `postgres://…`, or a SQLite file (`sqlite://path`, `sqlite:path` or a plain path).
    pub database_url: String,
    /// Where files the app makes live (the SQLite file by default, the generated secret key).
    pub data_dir: PathBuf,
    /// Connections in the pool.
    pub pool_size: u32,
    /// Load the demonstration data set at start-up.
    pub demo: bool,
    /// The address users reach the app at, for links in e-mails (no trailing slash).
    pub public_url: String,
    /// Run the background jobs (outbox sender, reminders).
    pub jobs: bool,
    /// `smtp://user:pass@host:587` or `smtps://…`; without it e-mails stay in the outbox.
    pub smtp_url: Option<String>,
    /// The sender of e-mails.
    pub mail_from: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: "data/formation.db".into(),
            data_dir: "data".into(),
            pool_size: 16,
            demo: false,
            public_url: "http://127.0.0.1:8000".into(),
            jobs: true,
            smtp_url: None,
            mail_from: "Formation <noreply@formation.example>".into(),
        }
    }
}

impl Settings {
    pub fn from_figment(figment: &Figment) -> Result<Self, Box<rocket::figment::Error>> {
        figment.extract().map_err(Box::new)
    }

    /// The folder that holds the generated secret key: beside the SQLite file, or `data_dir`.
    pub fn key_dir(&self) -> PathBuf {
        match DatabaseUrl::parse(&self.database_url) {
            Ok(DatabaseUrl::Sqlite(path)) => match path.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
                _ => PathBuf::from("."),
            },
            _ => self.data_dir.clone(),
        }
    }
}

/// Rocket's figment (Rocket.toml, `ROCKET_*`) plus `DATABASE_URL`, over our defaults.
pub fn figment() -> Figment {
    Figment::from(Serialized::defaults(Settings::default()))
        .merge(rocket::Config::figment())
        .merge(Env::raw().only(&["DATABASE_URL"]).global())
}

/// The file name of the generated secret key.
pub const SECRET_KEY_FILE: &str = "secret.key";

/// Gives the figment a `secret_key` unless one is configured: the key stored in `key_dir`, or a
/// new random one written there (owner-only) on first start. Release builds refuse to start
/// without a key; cookies stay valid across restarts.
pub fn with_secret_key(figment: Figment) -> Figment {
    let configured = figment
        .extract_inner::<rocket::config::SecretKey>("secret_key")
        .map(|key| !key.is_zero())
        .unwrap_or(false);
    if configured {
        return figment;
    }
    let settings = Settings::from_figment(&figment).unwrap_or_default();
    match load_or_create_secret_key(&settings.key_dir()) {
        Ok(key) => figment.merge(("secret_key", key)),
        Err(error) => {
            log::error!("cannot read or create the secret key: {error}");
            figment
        }
    }
}

fn load_or_create_secret_key(dir: &Path) -> std::io::Result<String> {
    let path = dir.join(SECRET_KEY_FILE);
    if let Ok(existing) = fs::read_to_string(&path) {
        let key = existing.trim();
        if !key.is_empty() {
            return Ok(key.to_owned());
        }
    }
    fs::create_dir_all(dir)?;
    let mut bytes = [0u8; 64];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let key = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&path) {
        Ok(mut file) => {
            file.write_all(key.as_bytes())?;
            Ok(key)
        }
        // Another instance wrote it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok(fs::read_to_string(&path)?.trim().to_owned())
        }
        Err(e) => Err(e),
    }
}
