//! The report cache: a report is served again while the data version has not moved, and
//! computed anew once a committed change to what the reports read moves it, whether the change
//! comes through this instance, another instance on the same database, or plain SQL.
//!
//! The cache is seen at work by changing a read-model count by hand, which no trigger watches:
//! a cached report does not show it, a recomputed one does.

mod common;

use chrono::Datelike;
use common::{scalar, TestApp, DEMO_PASSWORD};
use diesel::prelude::*;
use rocket::http::{Header, Status};
use rocket::local::blocking::Client;
use serde_json::{json, Value};

const PLANNER: &str = "planner@erap.example";

fn version(app: &TestApp) -> i64 {
    scalar(
        &mut app.conn(),
        "SELECT CAST(SUM(version) AS BIGINT) AS n FROM data_version",
    )
}

/// Adds `n` people to every count of the trained report, behind the triggers' back.
fn tamper(app: &TestApp, n: i32) {
    diesel::sql_query(format!("UPDATE trained_counts SET people = people + {n}"))
        .execute(&mut app.conn())
        .unwrap();
}

fn get(client: &Client, token: &str, path: &str) -> Value {
    let response = client
        .get(path.to_owned())
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .dispatch();
    assert_eq!(response.status(), Status::Ok);
    serde_json::from_str(&response.into_string().unwrap()).unwrap()
}

db_test!(reports_are_cached_until_the_data_version_moves, |db| {
    let app = TestApp::start_demo(db);
    let planner = app.token(PLANNER, DEMO_PASSWORD);
    let path = format!("/api/v1/reports/trained?year={}", chrono::Utc::now().year());
    let first = get(&app.client, &planner, &path);
    assert!(first["items"].as_array().is_some_and(|i| !i.is_empty()));

    let before = version(&app);
    tamper(&app, 100);
    assert_eq!(version(&app), before, "the model's own tables move nothing");
    assert_eq!(
        get(&app.client, &planner, &path),
        first,
        "served from the cache"
    );

    // A change by plain SQL to what the reports read moves the version, once per statement
    // at most.
    diesel::sql_query("UPDATE organizations SET name_fr = name_fr")
        .execute(&mut app.conn())
        .unwrap();
    assert!(version(&app) > before, "a trigger moved the version");
    let recomputed = get(&app.client, &planner, &path);
    assert_ne!(recomputed, first, "computed anew, with the tampered counts");

    // A second instance on the same database writes; the first one sees it at once.
    let other = Client::tracked(formation::build_rocket(app.db.figment())).unwrap();
    assert_eq!(get(&other, &planner, &path), recomputed);
    tamper(&app, 1000);
    assert_eq!(get(&app.client, &planner, &path), recomputed, "cached");
    let person: i64 = scalar(&mut app.conn(), "SELECT MIN(id) AS n FROM people");
    let admin = app.token("admin@formation.example", DEMO_PASSWORD);
    let response = other
        .patch(format!("/api/v1/people/{person}"))
        .header(Header::new("Authorization", format!("Bearer {admin}")))
        .header(rocket::http::ContentType::JSON)
        .body(json!({ "language": "nl" }).to_string())
        .dispatch();
    assert_eq!(response.status(), Status::Ok);
    let after = get(&app.client, &planner, &path);
    assert_ne!(
        after, recomputed,
        "the other instance's write reached this cache"
    );
    assert_eq!(after, get(&other, &planner, &path));

    // Each reader has its own entry: HR sees its organisation only, never the planner's.
    let hr = app.token("hr@anderlecht.example", DEMO_PASSWORD);
    let theirs = get(&app.client, &hr, &path);
    assert_ne!(
        theirs, after,
        "HR's report is HR's, not the planner's from the cache"
    );
});
