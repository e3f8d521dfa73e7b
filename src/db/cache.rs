//! The report cache: each instance keeps the reports it computed, each under the data version
//! (`data_version`, moved by trigger with every committed change to what the reports read) it
//! read before computing it, and serves one again only while the version has not moved. A
//! change committed on another instance sharing the database moves it too: no instance serves
//! a report older than what it could read itself.

use std::any::Any;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use lru::LruCache;

use super::DbConn;
use crate::error::AppError;

/// Reports kept per instance, the least recently used going first: a few readers' filters of
/// each report (a report is kilobytes to a few megabytes).
const CAPACITY: usize = 64;

type Entry = (i64, Arc<dyn Any + Send + Sync>);

pub struct ReportCache {
    entries: Mutex<LruCache<String, Entry>>,
}

impl Default for ReportCache {
    fn default() -> Self {
        ReportCache {
            entries: Mutex::new(LruCache::new(
                NonZeroUsize::new(CAPACITY).expect("a capacity"),
            )),
        }
    }
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = BigInt)]
    version: i64,
}

/// The data version: the sum of the shards, each of which only moves up.
pub fn data_version(conn: &mut DbConn) -> Result<i64, AppError> {
    let row: Version = diesel::sql_query(
        "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) AS version FROM data_version",
    )
    .get_result(conn)?;
    Ok(row.version)
}

/// Moves the data version up by hand, for writes that no trigger sees (a read-model rebuild).
pub fn bump_data_version(conn: &mut DbConn) -> Result<(), AppError> {
    diesel::sql_query("UPDATE data_version SET version = version + 1 WHERE shard = 0")
        .execute(conn)?;
    Ok(())
}

impl ReportCache {
    /// The report `key` names (which report, for whom, with which filters, on which day), from
    /// the cache while the data version has not moved since it was computed, else computed by
    /// `compute`. Errors are not kept.
    pub fn get_or_compute<T: Clone + Send + Sync + 'static>(
        &self,
        conn: &mut DbConn,
        key: String,
        compute: impl FnOnce(&mut DbConn) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        // Read before computing: a write committed meanwhile leaves this entry behind.
        let version = data_version(conn)?;
        if let Some((kept, report)) = self.lock().get(&key) {
            if *kept == version {
                if let Some(report) = report.downcast_ref::<T>() {
                    return Ok(report.clone());
                }
            }
        }
        let report = compute(conn)?;
        self.lock()
            .put(key, (version, Arc::new(report.clone()) as Arc<_>));
        Ok(report)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<String, Entry>> {
        // A panic while holding the lock leaves nothing half-written: entries are whole.
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}
