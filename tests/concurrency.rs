//! Writes under ordinary concurrency (DESIGN §4 rule 7): many requests at once on each kind of
//! write route queue for the database instead of failing. On SQLite a deferred transaction
//! that reads and then writes cannot wait for the write lock and answered 500 "database is
//! locked"; every write transaction now starts as `BEGIN IMMEDIATE`.

mod common;

use common::{add_people, concurrently, scalar, TestApp, DEMO_PASSWORD};
use diesel::prelude::*;
use formation::db::schema::{domains, memberships, modules, organizations};
use rocket::http::Status;
use serde_json::{json, Value};

const PLANNER: &str = "planner@erap.example";
const HR: &str = "hr@anderlecht.example";
const REQUESTS: usize = 200;

/// Asserts that every answer is `expected`, naming the first that is not.
fn all_answered(kind: &str, answers: &[(Status, Value)], expected: Status) {
    let server_errors = answers.iter().filter(|(s, _)| s.code >= 500).count();
    assert_eq!(server_errors, 0, "{kind}: {server_errors} answers were 5xx");
    if let Some((status, body)) = answers.iter().find(|(s, _)| *s != expected) {
        panic!("{kind}: expected {expected}, got {status}: {body}");
    }
}

/// A domain the organisation joined or intends to join, and one of its modules.
fn joined_domain(app: &TestApp, organization: &str) -> (String, String) {
    let mut conn = app.conn();
    memberships::table
        .inner_join(organizations::table)
        .inner_join(domains::table)
        .inner_join(modules::table.on(modules::domain_id.eq(domains::id)))
        .filter(organizations::code.eq(organization))
        .filter(memberships::status.eq_any(["joined", "intended"]))
        .select((domains::code, modules::code))
        .first(&mut *conn)
        .expect("the demo organisation joined a domain")
}

db_test!(simultaneous_hr_writes_all_succeed, |db| {
    let app = TestApp::start_demo(db);
    let hr = app.token(HR, DEMO_PASSWORD);
    let (domain, module) = joined_domain(&app, "anderlecht");
    let crowd = add_people(&app, "anderlecht", REQUESTS, "crowd");

    let people: Vec<_> = (0..REQUESTS)
        .map(|i| {
            (
                "POST",
                "/api/v1/people".to_owned(),
                json!({ "full_name": format!("New colleague {i}"),
                        "email": format!("new.{i}@anderlecht.example"), "language": "nl" }),
            )
        })
        .collect();
    let (answers, _) = concurrently(&app, &hr, people);
    all_answered("people", &answers, Status::Created);

    let designations: Vec<_> = crowd
        .iter()
        .map(|id| {
            (
                "POST",
                "/api/v1/key-users".to_owned(),
                json!({ "person_id": id, "domain": domain }),
            )
        })
        .collect();
    let (answers, _) = concurrently(&app, &hr, designations);
    all_answered("key users", &answers, Status::Created);

    let year = chrono::Utc::now().format("%Y").to_string();
    let plans: Vec<_> = crowd
        .iter()
        .map(|id| {
            (
                "PUT",
                format!("/api/v1/people/{id}/plans/{year}"),
                json!({ "status": "draft",
                        "items": [{ "module": module, "target_on": format!("{year}-12-31") }] }),
            )
        })
        .collect();
    let (answers, _) = concurrently(&app, &hr, plans);
    all_answered("plans", &answers, Status::Ok);

    let mut conn = app.conn();
    assert_eq!(
        scalar(
            &mut conn,
            "SELECT COUNT(*) AS n FROM people WHERE email LIKE 'new.%@anderlecht.example'"
        ),
        REQUESTS as i64
    );
    let ids = crowd
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    assert_eq!(
        scalar(
            &mut conn,
            &format!("SELECT COUNT(*) AS n FROM key_users WHERE person_id IN ({ids})")
        ),
        REQUESTS as i64
    );
    assert_eq!(
        scalar(
            &mut conn,
            &format!("SELECT COUNT(*) AS n FROM individual_plans WHERE person_id IN ({ids})")
        ),
        REQUESTS as i64
    );
    assert_eq!(
        scalar(
            &mut conn,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'key_user.designated' \
                 AND entity_id IN (SELECT id FROM key_users WHERE person_id IN ({ids}))"
            )
        ),
        REQUESTS as i64,
        "each designation is audited once"
    );
});

db_test!(simultaneous_planner_writes_all_succeed, |db| {
    let app = TestApp::start_demo(db);
    let planner = app.token(PLANNER, DEMO_PASSWORD);
    let (_, module) = joined_domain(&app, "anderlecht");
    let before = scalar(
        &mut app.conn(),
        "SELECT COUNT(*) AS n FROM training_sessions",
    );

    let sessions: Vec<_> = (0..REQUESTS)
        .map(|i| {
            let day = chrono::Utc::now() + chrono::Duration::days(30 + i as i64);
            let at = |hour: &str| day.format(&format!("%Y-%m-%dT{hour}:00:00Z")).to_string();
            (
                "POST",
                "/api/v1/sessions".to_owned(),
                json!({ "module": module, "starts_at": at("09"), "ends_at": at("12"),
                        "registration_closes_at": at("08"), "capacity": 12, "language": "fr",
                        "online_url": "https://meet.example/s" }),
            )
        })
        .collect();
    let (answers, _) = concurrently(&app, &planner, sessions);
    all_answered("sessions", &answers, Status::Created);

    let pairs: Vec<(String, String)> = {
        let mut conn = app.conn();
        organizations::table
            .inner_join(memberships::table.inner_join(domains::table))
            .select((organizations::code, domains::code))
            .load(&mut *conn)
            .unwrap()
    };
    let updates: Vec<_> = (0..REQUESTS)
        .map(|i| {
            let (organization, domain) = &pairs[i % pairs.len()];
            (
                "PUT",
                format!("/api/v1/organizations/{organization}/memberships/{domain}"),
                json!({ "status": "joined", "go_live_on": "2027-06-01",
                        "required_key_users": "3" }),
            )
        })
        .collect();
    let (answers, _) = concurrently(&app, &planner, updates);
    all_answered("memberships", &answers, Status::Ok);

    let mut conn = app.conn();
    assert_eq!(
        scalar(&mut conn, "SELECT COUNT(*) AS n FROM training_sessions") - before,
        REQUESTS as i64
    );
    assert_eq!(
        scalar(
            &mut conn,
            "SELECT COUNT(*) AS n FROM memberships WHERE required_key_users <> 3"
        ),
        0,
        "every membership was updated"
    );
});

// Attendance recorded for 40 people at once, one request each, all in the groups the read
// model counts together (one organisation, profile, domain and year): each write recomputes
// its people's facts and their groups' counts, and none may count without the others'.
db_test!(simultaneous_attendance_keeps_the_read_model_in_step, |db| {
    use formation::domain::catalogue::Tier;
    use formation::domain::enrollments::EnrollmentStatus::Confirmed;
    use formation::domain::sessions::SessionStatus::Completed;
    let app = TestApp::start(db);
    let people: Vec<String> = (0..40).map(|i| format!("attendee{i}")).collect();
    let names = {
        let mut conn = app.conn();
        common::world::staff_accounts(&mut conn);
        let mut world = common::world::World::new(&mut conn)
            .module("RM-EU", "finance", Tier::EndUser)
            .session(
                "one",
                "RM-EU",
                "anderlecht",
                "2025-03-10 08:00",
                40,
                Completed,
            )
            .session(
                "two",
                "RM-EU",
                "anderlecht",
                "2025-03-11 08:00",
                40,
                Completed,
            );
        for (i, person) in people.iter().enumerate() {
            let session = if i % 2 == 0 { "one" } else { "two" };
            world = world
                .person(person, "anderlecht", "finance")
                .enrolled(session, person, Confirmed, None);
        }
        world.build()
    };
    let planner = app.token(PLANNER, common::world::PASSWORD);
    let requests: Vec<_> = people
        .iter()
        .enumerate()
        .map(|(i, person)| {
            let session = names.id(if i % 2 == 0 { "one" } else { "two" });
            (
                "PUT",
                format!("/api/v1/sessions/{session}/attendance"),
                json!([{ "person_id": names.id(person), "attended": true }]),
            )
        })
        .collect();
    let (answers, _) = concurrently(&app, &planner, requests);
    all_answered("attendance", &answers, Status::Ok);
    assert_eq!(common::broken_rules(&mut app.conn()), Vec::<&str>::new());
    let (status, report) = app.api(
        "GET",
        "/api/v1/reports/trained?year=2025&organization=anderlecht",
        Some(&planner),
        None,
    );
    assert_eq!(status, Status::Ok, "{report}");
    assert_eq!(report["totals"][0]["people"], 40, "{report}");
});
