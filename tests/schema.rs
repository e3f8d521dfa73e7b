//! Schema rules: both backends end up with the same tables, columns, nullability and named
//! indexes; every foreign key is indexed; the hand-kept `schema.rs` matches the database.

mod common;

use common::{Backend, TestDatabase};
use diesel::prelude::*;
use formation::db::{introspect, schema};

#[test]
fn both_backends_have_the_same_tables_columns_and_indexes() {
    let sqlite_db = TestDatabase::create(Backend::Sqlite).unwrap();
    let Some(postgres_db) = TestDatabase::create(Backend::Postgres) else {
        return;
    };
    let sqlite = sqlite_db.open();
    let postgres = postgres_db.open();
    let mut sqlite_conn = sqlite.get().unwrap();
    let mut postgres_conn = postgres.get().unwrap();

    let sqlite_columns = introspect::columns(&mut sqlite_conn).unwrap();
    let postgres_columns = introspect::columns(&mut postgres_conn).unwrap();
    assert!(
        sqlite_columns.len() > 100,
        "the whole data model: {}",
        sqlite_columns.len()
    );
    // The same columns, in the same order, with the same nullability (primary keys aside:
    // SQLite reports its rowid alias as nullable).
    let normalise = |columns: Vec<introspect::ColumnInfo>| -> Vec<(String, String, i32)> {
        columns
            .into_iter()
            .map(|c| {
                let not_null = if c.column_name == "id" { 1 } else { c.not_null };
                (c.table_name, c.column_name, not_null)
            })
            .collect()
    };
    assert_eq!(normalise(sqlite_columns), normalise(postgres_columns));

    let sqlite_indexes = introspect::named_indexes(&mut sqlite_conn).unwrap();
    let postgres_indexes = introspect::named_indexes(&mut postgres_conn).unwrap();
    assert!(sqlite_indexes.len() > 30);
    assert_eq!(sqlite_indexes, postgres_indexes);
}

#[test]
fn every_foreign_key_is_indexed() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let database = db.open();
    let mut conn = database.get().unwrap();
    let missing = introspect::unindexed_foreign_keys(&mut conn).unwrap();
    assert!(
        missing.is_empty(),
        "foreign keys without an index: {missing:?}"
    );
}

/// Selecting every column of every table through Diesel proves that `schema.rs` names only
/// columns that exist, on both backends.
fn select_every_column(db: TestDatabase) {
    let database = db.open();
    let mut conn = database.get().unwrap();
    let conn = &mut *conn;
    macro_rules! check {
        ($($table:ident),+) => {$(
            schema::$table::table
                .select(schema::$table::all_columns)
                .limit(0)
                .execute(conn)
                .unwrap_or_else(|e| panic!("{}: {e}", stringify!($table)));
        )+};
    }
    check!(
        organizations,
        domains,
        memberships,
        people,
        accounts,
        api_tokens,
        key_users,
        venues,
        modules,
        training_sessions,
        enrollments,
        individual_plans,
        individual_plan_items,
        collective_plans,
        collective_plan_targets,
        audit_events,
        outbox
    );
}

db_test!(schema_rs_matches_the_database, |db| {
    select_every_column(db);
});

db_test!(
    the_database_refuses_overbooking_and_duplicate_live_enrollments,
    |db| {
        // The last line of defence under the domain rules: CHECK and partial UNIQUE constraints.
        use diesel::connection::SimpleConnection;
        let database = db.open();
        let mut conn = database.get().unwrap();
        formation::domain::reference::load(&mut conn).unwrap();
        conn.batch_execute(
        "INSERT INTO venues (name, address, seats) VALUES ('Room', 'Street 1', 10);
         INSERT INTO modules (domain_id, code, title_fr, title_nl, tier, duration_minutes)
             VALUES ((SELECT id FROM domains WHERE code = 'finance'), 'FIN-X', 'x', 'x', 'trainer', 60);
         INSERT INTO people (organization_id, full_name, email, language)
             VALUES ((SELECT id FROM organizations WHERE code = 'evere'), 'A', 'a@evere.example', 'fr');
         INSERT INTO training_sessions (module_id, organizer_id, venue_id, language, starts_at, ends_at,
                 registration_closes_at, capacity, seats_taken, status)
             VALUES ((SELECT id FROM modules WHERE code = 'FIN-X'), (SELECT id FROM organizations WHERE code = 'erap'),
                 (SELECT id FROM venues WHERE name = 'Room'), 'fr', '2026-01-10 09:00:00', '2026-01-10 16:00:00',
                 '2026-01-08 00:00:00', 1, 1, 'published');",
    )
    .unwrap();
        let overbook =
            conn.batch_execute("UPDATE training_sessions SET seats_taken = seats_taken + 1");
        assert!(overbook.is_err(), "seats_taken may not pass capacity");
        let enroll = "INSERT INTO enrollments (session_id, person_id, status) VALUES \
                 ((SELECT id FROM training_sessions), (SELECT id FROM people), 'confirmed')";
        conn.batch_execute(enroll).unwrap();
        assert!(
            conn.batch_execute(enroll).is_err(),
            "one live enrolment per person and session"
        );
        conn.batch_execute("UPDATE enrollments SET status = 'cancelled'")
            .unwrap();
        conn.batch_execute(enroll)
            .expect("a new enrolment after a cancellation");
    }
);
