//! The cascade so far: key users move from nominated to in training to certified, and a
//! certified key user gives end-user sessions to its own organisation's staff.

mod common;

use common::{TestApp, DEMO_PASSWORD};
use diesel::prelude::*;
use formation::db::schema::{key_users, people};
use rocket::http::Status;
use serde_json::{json, Value};

const PLANNER: &str = "planner@erap.example";
const HR: &str = "hr@anderlecht.example";

fn person(app: &TestApp, organization: &str, name: &str) -> i64 {
    let mut conn = app.conn();
    let organization_id = formation::domain::organizations::by_code(&mut conn, organization)
        .unwrap()
        .id;
    diesel::insert_into(people::table)
        .values((
            people::organization_id.eq(organization_id),
            people::full_name.eq(name),
            people::email.eq(format!(
                "{}@{organization}.example",
                name.to_lowercase().replace(' ', ".")
            )),
            people::language.eq("fr"),
        ))
        .returning(people::id)
        .get_result(&mut *conn)
        .unwrap()
}

/// A member account for a person, and its bearer token.
fn member_token(app: &TestApp, admin: &str, person_id: i64, email: &str) -> String {
    let (status, body) = app.api(
        "POST",
        "/api/v1/accounts",
        Some(admin),
        Some(json!({"person_id": person_id, "password": "cascade passphrase"})),
    );
    assert_eq!(status, Status::Created, "{body}");
    app.token(email, "cascade passphrase")
}

fn key_user_status(app: &TestApp, person_id: i64, domain: &str) -> String {
    key_users::table
        .inner_join(formation::db::schema::domains::table)
        .filter(key_users::person_id.eq(person_id))
        .filter(formation::db::schema::domains::code.eq(domain))
        .select(key_users::status)
        .first(&mut *app.conn())
        .unwrap()
}

fn create_module(
    app: &TestApp,
    token: &str,
    code: &str,
    domain: &str,
    tier: &str,
    certifies: bool,
) {
    let (status, body) = app.api(
        "POST",
        "/api/v1/modules",
        Some(token),
        Some(json!({
            "domain": domain, "code": code, "title_fr": code, "title_nl": code, "tier": tier,
            "duration_minutes": 120, "certifies_trainer": certifies, "assessed": certifies,
        })),
    );
    assert_eq!(status, Status::Created, "{body}");
}

fn session_body(module: &str, days: i64) -> Value {
    let start = chrono::Utc::now() + chrono::Duration::days(days);
    json!({
        "module": module, "capacity": 8, "language": "fr", "online_url": "https://meet.example/c",
        "starts_at": start.format("%Y-%m-%dT09:00:00Z").to_string(),
        "ends_at": start.format("%Y-%m-%dT11:00:00Z").to_string(),
        "registration_closes_at": start.format("%Y-%m-%dT08:00:00Z").to_string(),
    })
}

db_test!(key_users_train_certify_and_give_cascade_sessions, |db| {
    let app = TestApp::start_demo(db);
    let planner = app.token(PLANNER, DEMO_PASSWORD);
    let admin = app.token("admin@formation.example", DEMO_PASSWORD);
    let hr = app.token(HR, DEMO_PASSWORD);
    create_module(&app, &planner, "fin-train", "finance", "trainer", true);
    create_module(&app, &planner, "fin-cascade", "finance", "end_user", false);
    create_module(&app, &planner, "hr-cascade", "soft-hr", "end_user", false);
    let alice = person(&app, "anderlecht", "Alice Cascade");
    let bruno = person(&app, "anderlecht", "Bruno Cascade");
    for key in [alice, bruno] {
        let (status, body) = app.api(
            "POST",
            "/api/v1/key-users",
            Some(&hr),
            Some(json!({"person_id": key, "domain": "finance"})),
        );
        assert_eq!(status, Status::Created, "{body}");
        assert_eq!(body["status"], "nominated");
    }
    // A seat in a train-the-trainer session of the domain: in training.
    let (_, training) = app.api(
        "POST",
        "/api/v1/sessions",
        Some(&planner),
        Some(session_body("fin-train", -2)),
    );
    let training = training["id"].as_i64().unwrap();
    app.api(
        "POST",
        &format!("/api/v1/sessions/{training}/publish"),
        Some(&planner),
        None,
    );
    let (status, body) = app.api(
        "POST",
        &format!("/api/v1/sessions/{training}/enrollments"),
        Some(&planner),
        Some(json!({"person_id": alice})),
    );
    assert_eq!(status, Status::Created, "{body}");
    assert_eq!(key_user_status(&app, alice, "finance"), "in_training");
    assert_eq!(key_user_status(&app, bruno, "finance"), "nominated");
    // Attended and passed the certifying module: certified, in the same change.
    let (status, body) = app.api(
        "PUT",
        &format!("/api/v1/sessions/{training}/attendance"),
        Some(&planner),
        Some(json!([{"person_id": alice, "attended": true, "passed": true}])),
    );
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(key_user_status(&app, alice, "finance"), "certified");

    let alice_token = member_token(&app, &admin, alice, "alice.cascade@anderlecht.example");
    let bruno_token = member_token(&app, &admin, bruno, "bruno.cascade@anderlecht.example");
    // Refusals: not certified; a train-the-trainer module; another domain.
    let refused = |token: &str, module: &str, reason: &str| {
        let (status, body) = app.api(
            "POST",
            "/api/v1/sessions",
            Some(token),
            Some(session_body(module, 10)),
        );
        assert_eq!(status, Status::Forbidden, "{body}");
        assert!(
            body["error"]["message"].as_str().unwrap().contains(reason),
            "{body}"
        );
    };
    refused(&bruno_token, "fin-cascade", "certif");
    refused(&alice_token, "fin-train", "utilisateurs finaux");
    refused(&alice_token, "hr-cascade", "certif");
    // The certified key user gives a session to its colleagues: organiser and trainer are set.
    let mut body = session_body("fin-cascade", 10);
    body["organizer"] = json!("erap");
    let (status, created) = app.api("POST", "/api/v1/sessions", Some(&alice_token), Some(body));
    assert_eq!(status, Status::Created, "{created}");
    assert_eq!(created["organizer"], "anderlecht");
    assert_eq!(created["trainer_person_id"], alice);
    let cascade = created["id"].as_i64().unwrap();
    let (status, _) = app.api(
        "POST",
        &format!("/api/v1/sessions/{cascade}/publish"),
        Some(&alice_token),
        None,
    );
    assert_eq!(status, Status::Ok);
    // Colleagues enrol; other organisations' people cannot, nor see it.
    let colleague = person(&app, "anderlecht", "Chloe Colleague");
    let (status, body) = app.api(
        "POST",
        &format!("/api/v1/sessions/{cascade}/enrollments"),
        Some(&hr),
        Some(json!({"person_id": colleague})),
    );
    assert_eq!(status, Status::Created, "{body}");
    let outsider = person(&app, "cpas-jette", "Omar Outsider");
    let (status, _) = app.api(
        "POST",
        &format!("/api/v1/sessions/{cascade}/enrollments"),
        Some(&planner),
        Some(json!({"person_id": outsider})),
    );
    assert_eq!(status, Status::Conflict);
    let other_hr = app.token("hr@cpas-jette.example", DEMO_PASSWORD);
    let (status, _) = app.api(
        "GET",
        &format!("/api/v1/sessions/{cascade}"),
        Some(&other_hr),
        None,
    );
    assert_eq!(status, Status::NotFound);
    // Another key user cannot change it; the organisation's HR can.
    let (status, _) = app.api(
        "PATCH",
        &format!("/api/v1/sessions/{cascade}"),
        Some(&bruno_token),
        Some(json!({"capacity": 9})),
    );
    assert_eq!(status, Status::Forbidden);
    let (status, body) = app.api(
        "PATCH",
        &format!("/api/v1/sessions/{cascade}"),
        Some(&hr),
        Some(json!({"capacity": 9, "trainer_person_id": bruno})),
    );
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(
        body["trainer_person_id"], alice,
        "the trainer stays the key user"
    );

    // A planner certifies by hand, with a reason.
    let (_, list) = app.api(
        "GET",
        "/api/v1/key-users?status=nominated",
        Some(&planner),
        None,
    );
    let bruno_key = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["person_id"] == bruno)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, _) = app.api(
        "POST",
        &format!("/api/v1/key-users/{bruno_key}/certify"),
        Some(&planner),
        Some(json!({})),
    );
    assert_eq!(status, Status::UnprocessableEntity, "a reason is required");
    let (status, _) = app.api(
        "POST",
        &format!("/api/v1/key-users/{bruno_key}/certify"),
        Some(&hr),
        Some(json!({"reason": "x"})),
    );
    assert_eq!(status, Status::Forbidden, "HR does not certify");
    let (status, body) = app.api(
        "POST",
        &format!("/api/v1/key-users/{bruno_key}/certify"),
        Some(&planner),
        Some(json!({"reason": "Formé par l'intégrateur"})),
    );
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["status"], "certified");
    let (_, events) = app.api(
        "GET",
        "/api/v1/audit?action=key_user.certified",
        Some(&admin),
        None,
    );
    assert_eq!(events["total"], 1);
    assert!(events["items"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("intégrateur"));
    let (status, _) = app.api(
        "POST",
        "/api/v1/sessions",
        Some(&bruno_token),
        Some(session_body("fin-cascade", 11)),
    );
    assert_eq!(status, Status::Created, "certified now");
});
