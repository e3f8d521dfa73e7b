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

/// The staff's tokens and the two key users of the cascade flow.
struct Flow {
    planner: String,
    admin: String,
    hr: String,
    alice: i64,
    bruno: i64,
}

/// The demo world with three modules, and Alice and Bruno of Anderlecht nominated key users
/// of finance.
fn two_nominated_key_users(db: common::TestDatabase) -> (TestApp, Flow) {
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
    let flow = Flow {
        planner,
        admin,
        hr,
        alice,
        bruno,
    };
    (app, flow)
}

db_test!(key_users_train_certify_and_give_cascade_sessions, |db| {
    let (app, flow) = two_nominated_key_users(db);
    attending_the_certifying_module_certifies(&app, &flow);
    let alice_token = member_token(
        &app,
        &flow.admin,
        flow.alice,
        "alice.cascade@anderlecht.example",
    );
    let bruno_token = member_token(
        &app,
        &flow.admin,
        flow.bruno,
        "bruno.cascade@anderlecht.example",
    );
    only_certified_key_users_give_end_user_sessions_of_their_domain(
        &app,
        &alice_token,
        &bruno_token,
    );
    let cascade = the_key_user_gives_a_session_to_its_colleagues(&app, &flow, &alice_token);
    only_its_organisation_enrols_in_and_sees_it(&app, &flow, cascade);
    its_hr_changes_it_but_another_key_user_cannot(&app, &flow, cascade, &bruno_token);
    a_planner_certifies_by_hand_with_a_reason(&app, &flow, &bruno_token);
});

/// Alice takes a seat in the domain's train-the-trainer session, attends and passes.
fn attending_the_certifying_module_certifies(app: &TestApp, flow: &Flow) {
    let Flow {
        planner,
        alice,
        bruno,
        ..
    } = flow;
    // A seat in a train-the-trainer session of the domain: in training.
    let (_, training) = app.api(
        "POST",
        "/api/v1/sessions",
        Some(planner),
        Some(session_body("fin-train", -2)),
    );
    let training = training["id"].as_i64().unwrap();
    app.api(
        "POST",
        &format!("/api/v1/sessions/{training}/publish"),
        Some(planner),
        None,
    );
    let (status, body) = app.api(
        "POST",
        &format!("/api/v1/sessions/{training}/enrollments"),
        Some(planner),
        Some(json!({"person_id": alice})),
    );
    assert_eq!(status, Status::Created, "{body}");
    assert_eq!(key_user_status(app, *alice, "finance"), "in_training");
    assert_eq!(key_user_status(app, *bruno, "finance"), "nominated");
    // Attended and passed the certifying module: certified, in the same change.
    let (status, body) = app.api(
        "PUT",
        &format!("/api/v1/sessions/{training}/attendance"),
        Some(planner),
        Some(json!([{"person_id": alice, "attended": true, "passed": true}])),
    );
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(key_user_status(app, *alice, "finance"), "certified");
}

/// Refusals: not certified; a train-the-trainer module; another domain.
fn only_certified_key_users_give_end_user_sessions_of_their_domain(
    app: &TestApp,
    alice_token: &str,
    bruno_token: &str,
) {
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
    refused(bruno_token, "fin-cascade", "certif");
    refused(alice_token, "fin-train", "utilisateurs finaux");
    refused(alice_token, "hr-cascade", "certif");
}

/// The certified key user gives a session to its colleagues: organiser and trainer are set.
/// Returns the published session's id.
fn the_key_user_gives_a_session_to_its_colleagues(
    app: &TestApp,
    flow: &Flow,
    alice_token: &str,
) -> i64 {
    let mut body = session_body("fin-cascade", 10);
    body["organizer"] = json!("erap");
    let (status, created) = app.api("POST", "/api/v1/sessions", Some(alice_token), Some(body));
    assert_eq!(status, Status::Created, "{created}");
    assert_eq!(created["organizer"], "anderlecht");
    assert_eq!(created["trainer_person_id"], flow.alice);
    let cascade = created["id"].as_i64().unwrap();
    let (status, _) = app.api(
        "POST",
        &format!("/api/v1/sessions/{cascade}/publish"),
        Some(alice_token),
        None,
    );
    assert_eq!(status, Status::Ok);
    cascade
}

/// Colleagues enrol; other organisations' people cannot, nor see it.
fn only_its_organisation_enrols_in_and_sees_it(app: &TestApp, flow: &Flow, cascade: i64) {
    let colleague = person(app, "anderlecht", "Chloe Colleague");
    let (status, body) = app.api(
        "POST",
        &format!("/api/v1/sessions/{cascade}/enrollments"),
        Some(&flow.hr),
        Some(json!({"person_id": colleague})),
    );
    assert_eq!(status, Status::Created, "{body}");
    let outsider = person(app, "cpas-jette", "Omar Outsider");
    let (status, _) = app.api(
        "POST",
        &format!("/api/v1/sessions/{cascade}/enrollments"),
        Some(&flow.planner),
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
}

/// Another key user cannot change it; the organisation's HR can.
fn its_hr_changes_it_but_another_key_user_cannot(
    app: &TestApp,
    flow: &Flow,
    cascade: i64,
    bruno_token: &str,
) {
    let (status, _) = app.api(
        "PATCH",
        &format!("/api/v1/sessions/{cascade}"),
        Some(bruno_token),
        Some(json!({"capacity": 9})),
    );
    assert_eq!(status, Status::Forbidden);
    let (status, body) = app.api(
        "PATCH",
        &format!("/api/v1/sessions/{cascade}"),
        Some(&flow.hr),
        Some(json!({"capacity": 9, "trainer_person_id": flow.bruno})),
    );
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(
        body["trainer_person_id"], flow.alice,
        "the trainer stays the key user"
    );
}

/// A planner certifies by hand, with a reason; then Bruno gives sessions too.
fn a_planner_certifies_by_hand_with_a_reason(app: &TestApp, flow: &Flow, bruno_token: &str) {
    let Flow {
        planner, admin, hr, ..
    } = flow;
    let (_, list) = app.api(
        "GET",
        "/api/v1/key-users?status=nominated",
        Some(planner),
        None,
    );
    let bruno_key = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["person_id"] == flow.bruno)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, _) = app.api(
        "POST",
        &format!("/api/v1/key-users/{bruno_key}/certify"),
        Some(planner),
        Some(json!({})),
    );
    assert_eq!(status, Status::UnprocessableEntity, "a reason is required");
    let (status, _) = app.api(
        "POST",
        &format!("/api/v1/key-users/{bruno_key}/certify"),
        Some(hr),
        Some(json!({"reason": "x"})),
    );
    assert_eq!(status, Status::Forbidden, "HR does not certify");
    let (status, body) = app.api(
        "POST",
        &format!("/api/v1/key-users/{bruno_key}/certify"),
        Some(planner),
        Some(json!({"reason": "Formé par l'intégrateur"})),
    );
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["status"], "certified");
    let (_, events) = app.api(
        "GET",
        "/api/v1/audit?action=key_user.certified",
        Some(admin),
        None,
    );
    // Alice's certification by attendance (the system's) and Bruno's by hand (the planner's).
    assert_eq!(events["total"], 2, "{events}");
    let by_hand: Vec<&Value> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor"] == PLANNER)
        .collect();
    assert_eq!(by_hand.len(), 1, "{events}");
    assert!(by_hand[0]["detail"]
        .as_str()
        .unwrap()
        .contains("intégrateur"));
    let (status, _) = app.api(
        "POST",
        "/api/v1/sessions",
        Some(bruno_token),
        Some(session_body("fin-cascade", 11)),
    );
    assert_eq!(status, Status::Created, "certified now");
}

const COVERAGE_PASSWORD: &str = "coverage passphrase";

/// The coverage world's tokens and Koekelberg's six staff.
struct Coverage {
    planner: String,
    admin: String,
    hr: String,
    staff: Vec<i64>,
}

/// A planner, an admin and Koekelberg's HR.
fn coverage_accounts(app: &TestApp) {
    use formation::domain::accounts::{self, AccountRequest, FirstPassword, Role};
    let mut conn = app.conn();
    for (email, role, organization) in [
        ("planner@erap.example", Role::Planner, None),
        ("admin@formation.example", Role::Admin, None),
        ("hr@koekelberg.example", Role::Hr, Some("koekelberg")),
    ] {
        accounts::create(
            &mut conn,
            None,
            &AccountRequest {
                email: Some(email.into()),
                role,
                organization_code: organization.map(str::to_owned),
                person_id: None,
                password: FirstPassword::Given(COVERAGE_PASSWORD.into()),
                locale: None,
            },
            "",
        )
        .unwrap();
    }
}

/// The day `days` from today, as text.
fn go_live(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string()
}

/// The year's collective plan targets 4 end users of the domain.
fn collective_target_of_four_end_users(app: &TestApp) {
    use formation::db::schema::{collective_plan_targets, collective_plans, modules};
    let mut conn = app.conn();
    let organization_id = formation::domain::organizations::by_code(&mut conn, "koekelberg")
        .unwrap()
        .id;
    let year: i32 = chrono::Datelike::year(&chrono::Utc::now().date_naive());
    let plan: i64 = diesel::insert_into(collective_plans::table)
        .values((
            collective_plans::organization_id.eq(organization_id),
            collective_plans::year.eq(year),
            collective_plans::status.eq("agreed"),
        ))
        .returning(collective_plans::id)
        .get_result(&mut *conn)
        .unwrap();
    let module: i64 = modules::table
        .filter(modules::code.eq("FIN-USE"))
        .select(modules::id)
        .first(&mut *conn)
        .unwrap();
    diesel::insert_into(collective_plan_targets::table)
        .values((
            collective_plan_targets::plan_id.eq(plan),
            collective_plan_targets::module_id.eq(module),
            collective_plan_targets::headcount.eq(4),
        ))
        .execute(&mut *conn)
        .unwrap();
}

/// A fresh world (reference data only), so that every coverage number is known: Koekelberg
/// joined finance, going live in 60 days with 2 key users required; six staff, a target of 4
/// end users, and the first two staff nominated key users.
fn coverage_world(db: common::TestDatabase) -> (TestApp, Coverage) {
    let app = TestApp::start(db);
    coverage_accounts(&app);
    let planner = app.token("planner@erap.example", COVERAGE_PASSWORD);
    let admin = app.token("admin@formation.example", COVERAGE_PASSWORD);
    let hr = app.token("hr@koekelberg.example", COVERAGE_PASSWORD);
    create_module(&app, &planner, "fin-train", "finance", "trainer", true);
    create_module(&app, &planner, "fin-use", "finance", "end_user", false);
    let (status, body) = app.api(
        "PUT",
        "/api/v1/organizations/koekelberg/memberships/finance",
        Some(&planner),
        Some(json!({"status": "joined", "go_live_on": go_live(60), "required_key_users": "2"})),
    );
    assert_eq!(status, Status::Ok, "{body}");
    let staff: Vec<i64> = (0..6)
        .map(|i| person(&app, "koekelberg", &format!("Staff {i}")))
        .collect();
    collective_target_of_four_end_users(&app);
    for key in &staff[..2] {
        let (status, body) = app.api(
            "POST",
            "/api/v1/key-users",
            Some(&hr),
            Some(json!({"person_id": key, "domain": "finance"})),
        );
        assert_eq!(status, Status::Created, "{body}");
    }
    let coverage = Coverage {
        planner,
        admin,
        hr,
        staff,
    };
    (app, coverage)
}

/// Koekelberg's finance row of the coverage view, as `token` sees it.
fn coverage_row(app: &TestApp, token: &str) -> Value {
    let (status, body) = app.api(
        "GET",
        "/api/v1/cascade/coverage?organization=koekelberg&domain=finance",
        Some(token),
        None,
    );
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["total"], 1, "{body}");
    body["items"][0].clone()
}

/// A coverage row's counts: key users designated, trained, certified and required; end users
/// targeted and trained.
fn numbers(row: &Value) -> Vec<i64> {
    [
        "key_users_designated",
        "key_users_trained",
        "key_users_certified",
        "required_key_users",
        "end_users_targeted",
        "end_users_trained",
    ]
    .iter()
    .map(|k| row[*k].as_i64().unwrap())
    .collect()
}

/// Koekelberg's at-risk memberships as `(domain, key users missing, end users missing)`.
fn risks(app: &TestApp, planner: &str) -> Vec<(String, i64, i64)> {
    let (_, body) = app.api("GET", "/api/v1/cascade/at-risk", Some(planner), None);
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["organization"] == "koekelberg")
        .map(|r| {
            (
                r["domain"].as_str().unwrap().to_owned(),
                r["key_users_missing"].as_i64().unwrap(),
                r["end_users_missing"].as_i64().unwrap(),
            )
        })
        .collect()
}

db_test!(
    coverage_numbers_are_exact_and_the_at_risk_list_follows,
    |db| {
        let (app, world) = coverage_world(db);
        nominated_key_users_are_counted_but_leave_the_go_live_at_risk(&app, &world);
        a_key_user_trained_and_passed_is_certified(&app, &world);
        certifying_the_second_by_hand_ends_the_risk(&app, &world);
        the_key_user_trains_colleagues(&app, &world);
        near_the_go_live_too_few_trained_end_users_is_a_risk(&app, &world);
        the_tree_shows_who_trained_whom(&app, &world);
        coverage_csv_has_the_same_numbers(&app, &world.planner);
    }
);

/// Two designated, none trained: the go-live misses 2 key users; HR sees the same row.
fn nominated_key_users_are_counted_but_leave_the_go_live_at_risk(app: &TestApp, w: &Coverage) {
    assert_eq!(numbers(&coverage_row(app, &w.planner)), [2, 0, 0, 2, 4, 0]);
    assert_eq!(
        coverage_row(app, &w.hr),
        coverage_row(app, &w.planner),
        "HR sees its own organisation the same"
    );
    assert_eq!(risks(app, &w.planner), [("finance".to_owned(), 2, 0)]);
}

/// The first key user attends the school trainer's session and passes.
fn a_key_user_trained_and_passed_is_certified(app: &TestApp, w: &Coverage) {
    let planner = &w.planner;
    let school_trainer = person(app, "erap", "School Trainer");
    let mut training_body = session_body("fin-train", -5);
    training_body["trainer_person_id"] = json!(school_trainer);
    let (_, training) = app.api(
        "POST",
        "/api/v1/sessions",
        Some(planner),
        Some(training_body),
    );
    let training = training["id"].as_i64().unwrap();
    app.api(
        "POST",
        &format!("/api/v1/sessions/{training}/publish"),
        Some(planner),
        None,
    );
    app.api(
        "POST",
        &format!("/api/v1/sessions/{training}/enrollments"),
        Some(planner),
        Some(json!({"person_id": w.staff[0]})),
    );
    let (status, _) = app.api(
        "PUT",
        &format!("/api/v1/sessions/{training}/attendance"),
        Some(planner),
        Some(json!([{"person_id": w.staff[0], "attended": true, "passed": true}])),
    );
    assert_eq!(status, Status::Ok);
    assert_eq!(numbers(&coverage_row(app, planner)), [2, 1, 1, 2, 4, 0]);
    assert_eq!(risks(app, planner), [("finance".to_owned(), 1, 0)]);
}

/// The second is certified by hand (trained elsewhere): no longer at risk.
fn certifying_the_second_by_hand_ends_the_risk(app: &TestApp, w: &Coverage) {
    let (_, list) = app.api(
        "GET",
        "/api/v1/key-users?organization=koekelberg&status=nominated",
        Some(&w.planner),
        None,
    );
    let second = list["items"][0]["id"].as_i64().unwrap();
    let (status, _) = app.api(
        "POST",
        &format!("/api/v1/key-users/{second}/certify"),
        Some(&w.planner),
        Some(json!({"reason": "Formé chez l'intégrateur"})),
    );
    assert_eq!(status, Status::Ok);
    assert_eq!(numbers(&coverage_row(app, &w.planner)), [2, 1, 2, 2, 4, 0]);
    assert!(risks(app, &w.planner).is_empty());
}

/// The certified key user trains colleagues: one attends, one is absent.
fn the_key_user_trains_colleagues(app: &TestApp, w: &Coverage) {
    let key_token = member_token(app, &w.admin, w.staff[0], "staff.0@koekelberg.example");
    let (status, cascade) = app.api(
        "POST",
        "/api/v1/sessions",
        Some(&key_token),
        Some(session_body("fin-use", -1)),
    );
    assert_eq!(status, Status::Created, "{cascade}");
    let cascade = cascade["id"].as_i64().unwrap();
    app.api(
        "POST",
        &format!("/api/v1/sessions/{cascade}/publish"),
        Some(&key_token),
        None,
    );
    for colleague in &w.staff[2..4] {
        let (status, body) = app.api(
            "POST",
            &format!("/api/v1/sessions/{cascade}/enrollments"),
            Some(&w.planner),
            Some(json!({"person_id": colleague})),
        );
        assert_eq!(status, Status::Created, "{body}");
    }
    let attendance = json!([
        {"person_id": w.staff[2], "attended": true},
        {"person_id": w.staff[3], "attended": false},
    ]);
    let (status, body) = app.api(
        "PUT",
        &format!("/api/v1/sessions/{cascade}/attendance"),
        Some(&key_token),
        Some(attendance),
    );
    assert_eq!(
        status,
        Status::Ok,
        "the key user records attendance: {body}"
    );
    let now = coverage_row(app, &w.planner);
    assert_eq!(numbers(&now), [2, 1, 2, 2, 4, 1]);
    assert_eq!(now["coverage"], 25.0);
}

/// Within 30 days of go-live, under half the end users trained is a risk: one more to go.
fn near_the_go_live_too_few_trained_end_users_is_a_risk(app: &TestApp, w: &Coverage) {
    app.api(
        "PUT",
        "/api/v1/organizations/koekelberg/memberships/finance",
        Some(&w.planner),
        Some(json!({"status": "joined", "go_live_on": go_live(20)})),
    );
    assert_eq!(risks(app, &w.planner), [("finance".to_owned(), 0, 1)]);
}

/// Who trained whom: school trainer → key user → end users, with the key user's reach; a
/// search finds the key user who trained someone; the domain is required; the CSV as HR.
fn the_tree_shows_who_trained_whom(app: &TestApp, w: &Coverage) {
    let planner = &w.planner;
    let (status, tree) = app.api(
        "GET",
        "/api/v1/cascade/tree?domain=finance&organization=koekelberg",
        Some(planner),
        None,
    );
    assert_eq!(status, Status::Ok, "{tree}");
    let roots = tree["items"].as_array().unwrap();
    assert_eq!(roots.len(), 1, "{tree}");
    assert_eq!(roots[0]["trainer"], "School Trainer");
    let key_users = roots[0]["key_users"].as_array().unwrap();
    assert_eq!(key_users.len(), 1, "{tree}");
    assert_eq!(key_users[0]["full_name"], "Staff 0");
    let trained: Vec<&str> = key_users[0]["trained"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["full_name"].as_str().unwrap())
        .collect();
    assert_eq!(trained, ["Staff 2"]);
    assert_eq!(
        key_users[0]["reach"],
        json!({"end_users_trained": 1, "sessions_given": 1, "attended": 1, "absent": 1, "no_show_rate": 50.0})
    );
    let (_, found) = app.api(
        "GET",
        "/api/v1/cascade/tree?domain=finance&q=staff%202",
        Some(planner),
        None,
    );
    let found = &found["items"][0]["key_users"][0];
    assert_eq!(
        found["full_name"], "Staff 0",
        "the key user who trained the one searched for"
    );
    assert_eq!(found["trained"].as_array().unwrap().len(), 1);
    let (_, none) = app.api(
        "GET",
        "/api/v1/cascade/tree?domain=finance&q=nobody",
        Some(planner),
        None,
    );
    assert_eq!(none["items"].as_array().unwrap().len(), 0);
    let (status, _) = app.api("GET", "/api/v1/cascade/tree", Some(planner), None);
    assert_eq!(
        status,
        Status::UnprocessableEntity,
        "the domain is required"
    );
    let response = app
        .client
        .get("/api/v1/cascade/tree?domain=finance&format=csv")
        .header(rocket::http::Header::new(
            "Authorization",
            format!("Bearer {}", w.hr),
        ))
        .dispatch();
    let csv = response.into_string().unwrap();
    assert_eq!(
        csv.lines().count(),
        3,
        "header, trainer → key user, key user → end user: {csv}"
    );
    assert!(
        csv.contains("School Trainer,erap,Staff 0,koekelberg,trainer,"),
        "{csv}"
    );
    assert!(
        csv.contains("Staff 0,koekelberg,Staff 2,koekelberg,end_user,"),
        "{csv}"
    );
}

/// The same rows as a file.
fn coverage_csv_has_the_same_numbers(app: &TestApp, planner: &str) {
    let response = app
        .client
        .get("/api/v1/cascade/coverage?organization=koekelberg&format=csv")
        .header(rocket::http::Header::new(
            "Authorization",
            format!("Bearer {planner}"),
        ))
        .dispatch();
    let csv = response.into_string().unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with("koekelberg,finance,joined,") && l.ends_with(",2,1,2,2,4,1,25")),
        "{csv}"
    );
}

// The tree and reach page by key user, organisation by organisation: the pages, walked one
// after the other, give every key user once, in the order of the export (which lists them
// all), each organisation's key users together; the default page is 50 key users; the page
// keeps its filters in its pager.
db_test!(the_tree_pages_by_key_user, |db| {
    let app = TestApp::start_demo(db);
    let planner = app.token(PLANNER, DEMO_PASSWORD);
    let (status, csv) = app.api(
        "GET",
        "/api/v1/cascade/reach?domain=finance&format=csv",
        Some(&planner),
        None,
    );
    assert_eq!(status, Status::Ok);
    let exported: Vec<(String, String)> = csv
        .as_str()
        .unwrap()
        .lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            (cells[2].to_owned(), cells[0].to_owned())
        })
        .collect();
    assert!(exported.len() > 50, "{} key users", exported.len());

    let (_, first) = app.api(
        "GET",
        "/api/v1/cascade/reach?domain=finance",
        Some(&planner),
        None,
    );
    assert_eq!(first["per_page"], 50, "{first}");
    assert_eq!(first["items"].as_array().unwrap().len(), 50);
    assert_eq!(first["total"], exported.len());

    let mut walked = Vec::new();
    for page in 1.. {
        let path = format!("/api/v1/cascade/reach?domain=finance&per_page=7&page={page}");
        let (status, body) = app.api("GET", &path, Some(&planner), None);
        assert_eq!(status, Status::Ok, "{path}: {body}");
        let items = body["items"].as_array().unwrap();
        assert!(items.len() <= 7);
        if items.is_empty() {
            break;
        }
        walked.extend(items.iter().map(|k| {
            (
                k["organization"].as_str().unwrap().to_owned(),
                k["person_id"].to_string(),
            )
        }));
    }
    assert_eq!(walked, exported, "the pages, in order, are the export");
    let mut seen = std::collections::HashSet::new();
    let mut previous: Option<&str> = None;
    for (organization, _) in &walked {
        if previous != Some(organization.as_str()) {
            assert!(
                seen.insert(organization.as_str()),
                "{organization}'s key users stand together"
            );
        }
        previous = Some(organization.as_str());
    }

    let (_, tree) = app.api(
        "GET",
        "/api/v1/cascade/tree?domain=finance&per_page=5&page=2",
        Some(&planner),
        None,
    );
    let key_users: std::collections::BTreeSet<String> = tree["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|root| root["key_users"].as_array().unwrap())
        .map(|k| k["person_id"].to_string())
        .collect();
    let expected: std::collections::BTreeSet<String> =
        exported[5..10].iter().map(|(_, id)| id.clone()).collect();
    assert_eq!(
        key_users, expected,
        "the tree's second page of five: {tree}"
    );
    assert_eq!(tree["total"], exported.len());

    let mut browser = app.sign_in(PLANNER, DEMO_PASSWORD);
    let (status, html) = app.visit(&mut browser, "/cascade/tree?domain=finance&page=2");
    assert_eq!(status, Status::Ok);
    assert!(
        html.contains("tree?page=1&amp;domain=finance\">←</a>"),
        "the pager keeps the domain: {html}"
    );
    let (status, _) = app.visit(&mut browser, "/cascade/tree?domain=finance&page=999");
    assert_eq!(
        status,
        Status::Ok,
        "a page past the end is empty, not an error"
    );

    let long = "a".repeat(201);
    for (query, field) in [
        (format!("q={long}"), "q"),
        ("q=ab%00cd".to_owned(), "q"),
        ("format=pdf".to_owned(), "format"),
    ] {
        let path = format!("/api/v1/cascade/tree?domain=finance&{query}");
        let (status, body) = app.api("GET", &path, Some(&planner), None);
        assert_eq!(status, Status::UnprocessableEntity, "{path}: {body}");
        assert!(
            body.to_string().contains(field),
            "{path} names {field}: {body}"
        );
    }
});
