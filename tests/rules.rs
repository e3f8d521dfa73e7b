//! One definition per rule (DESIGN §4, `domain::rules`): one small world in which each person
//! is counted the same way by coverage, the trained report, plan statuses, collective
//! progress, the cascade tree and capacity; and the rules' edges through the API (a fail
//! never certifies, certifying modules are assessed, module codes in any case, valid years,
//! unknown filter values).

mod common;

use chrono::Datelike;
use common::world::{staff_accounts, Names, World, PASSWORD};
use common::{TestApp, DEMO_PASSWORD};
use formation::db::DbConn;
use formation::domain::cascade::KeyUserStatus;
use formation::domain::catalogue::Tier;
use formation::domain::enrollments::EnrollmentStatus::{self, *};
use formation::domain::organizations::MembershipStatus;
use formation::domain::sessions::SessionStatus;
use rocket::http::Status;
use serde_json::{json, Value};

struct Scene {
    year: i32,
    names: Names,
}

impl Scene {
    fn id(&self, name: &str) -> i64 {
        self.names.id(name)
    }
}

/// Anderlecht in finance this year. A key-user module (certifying, so assessed) given by the
/// school's trainer `t0`: `k1` attended and passed, `k2` attended and failed. An end-user
/// module (not assessed) given by `k1`: `u1` attended (trained), `u2` attended with an
/// explicit fail (not trained), `u3` absent, then `u4` seated and `u5` waiting in a later
/// session. Everyone has a plan item for it; the organisation wants six trained.
fn build(conn: &mut DbConn) -> Scene {
    let year = chrono::Utc::now().year();
    let on = |month_day: &str| format!("{year}-{month_day}");
    let at_eight = |month_day: &str| format!("{} 08:00", on(month_day));
    staff_accounts(conn);
    let mut world = World::new(conn)
        .membership(
            "anderlecht",
            "finance",
            MembershipStatus::Joined,
            &format!("{}-06-01", year + 1),
            2,
        )
        .certifying_module("RULE-KU", "finance")
        .module("RULE-EU", "finance", Tier::EndUser)
        .person("t0", "erap", "trainer")
        .people(
            &["k1", "k2", "u1", "u2", "u3", "u4", "u5"],
            "anderlecht",
            "finance",
        )
        .session(
            "training",
            "RULE-KU",
            "erap",
            &at_eight("02-10"),
            4,
            SessionStatus::Completed,
        )
        .given_by("training", "t0")
        .enrolled("training", "k1", Attended, Some(true))
        .enrolled("training", "k2", Attended, Some(false))
        .key_user("k1", "finance", KeyUserStatus::Certified)
        .key_user("k2", "finance", KeyUserStatus::InTraining)
        .session(
            "first",
            "RULE-EU",
            "anderlecht",
            &at_eight("03-10"),
            5,
            SessionStatus::Completed,
        )
        .session(
            "later",
            "RULE-EU",
            "anderlecht",
            &at_eight("11-20"),
            2,
            SessionStatus::Published,
        )
        .given_by("first", "k1")
        .given_by("later", "k1");
    let results: [(&str, &str, EnrollmentStatus, Option<bool>); 5] = [
        ("u1", "first", Attended, None),
        ("u2", "first", Attended, Some(false)),
        ("u3", "first", Absent, None),
        ("u4", "later", Confirmed, None),
        ("u5", "later", Waitlisted, None),
    ];
    for (name, session, status, passed) in results {
        world =
            world
                .enrolled(session, name, status, passed)
                .plan_item(name, "RULE-EU", &on("12-15"));
    }
    let names = world
        .target("anderlecht", "RULE-EU", Some("finance"), 6, &on("12-31"))
        .build();
    Scene { year, names }
}

fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let (status, body) = app.api("GET", path, Some(token), None);
    assert_eq!(status, Status::Ok, "{path}: {body}");
    body
}

db_test!(each_person_is_counted_the_same_way_in_every_view, |db| {
    let app = TestApp::start(db);
    let world = {
        let mut conn = app.conn();
        build(&mut conn)
    };
    let year = world.year;
    let planner = app.token("planner@erap.example", PASSWORD);

    // Trained: k1 (key-user module) and u1 (end-user module); nobody else.
    let coverage = get(
        &app,
        &planner,
        "/api/v1/cascade/coverage?domain=finance&organization=anderlecht",
    );
    let row = &coverage["items"][0];
    assert_eq!(
        [
            row["key_users_designated"].as_i64(),
            row["key_users_trained"].as_i64(),
            row["key_users_certified"].as_i64(),
            row["end_users_trained"].as_i64()
        ],
        [Some(2), Some(1), Some(1), Some(1)],
        "k2 failed and u2 failed: neither is trained ({row})"
    );

    let report = get(
        &app,
        &planner,
        &format!("/api/v1/reports/trained?year={year}&domain=finance&organization=anderlecht"),
    );
    let by_tier: Vec<(String, i64)> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["tier"].as_str().unwrap().to_owned(),
                r["people"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by_tier,
        vec![("end_user".into(), 1), ("trainer".into(), 1)],
        "{report}"
    );

    let statuses: Vec<String> = ["u1", "u2", "u3", "u4", "u5"]
        .iter()
        .map(|name| {
            let plan = get(
                &app,
                &planner,
                &format!("/api/v1/people/{}/plans/{year}", world.id(name)),
            );
            plan["items"][0]["status"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(statuses[0], "done");
    assert_ne!(statuses[1], "done", "an explicit fail is not done");
    assert_ne!(statuses[2], "done", "absent is not done");
    assert_eq!(
        (statuses[3].as_str(), statuses[4].as_str()),
        ("enrolled", "waitlisted")
    );

    let collective = get(
        &app,
        &planner,
        &format!("/api/v1/organizations/anderlecht/plans/{year}"),
    );
    let progress = &collective["targets"][0]["progress"];
    assert_eq!(
        [
            progress["trained"].as_i64(),
            progress["seated"].as_i64(),
            progress["planned"].as_i64()
        ],
        [Some(1), Some(1), Some(3)],
        "u1 trained, u4 seated, u2 u3 u5 planned ({progress})"
    );

    let tree = get(&app, &planner, "/api/v1/cascade/tree?domain=finance");
    let roots = tree["items"].as_array().unwrap();
    assert_eq!(roots.len(), 1, "{tree}");
    let key_users: Vec<&str> = roots[0]["key_users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["full_name"].as_str().unwrap())
        .collect();
    assert_eq!(key_users, ["k1"], "k2 failed: t0 did not train k2");
    let trained: Vec<&str> = roots[0]["key_users"][0]["trained"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["full_name"].as_str().unwrap())
        .collect();
    assert_eq!(trained, ["u1"], "k1 trained u1 only");
    assert_eq!(roots[0]["key_users"][0]["reach"]["end_users_trained"], 1);

    // Demand for the end-user module: u2, u3 and u5 still need a seat (planned), and the
    // target's shortfall is 6 − 2 trained or seated − 3 planned = 1.
    let capacity = get(&app, &planner, &format!("/api/v1/capacity?year={year}&granularity=year&domain=finance&tier=end_user&organization=anderlecht"));
    let rows = capacity["items"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{capacity}");
    assert_eq!(
        [
            rows[0]["demand"].as_i64(),
            rows[0]["capacity"].as_i64(),
            rows[0]["seats_taken"].as_i64()
        ],
        [Some(4), Some(7), Some(4)],
        "{capacity}"
    );
    let cell = get(&app, &planner, &format!("/api/v1/capacity/cell?year={year}&granularity=year&period={year}&domain=finance&tier=end_user&language=fr&organization=anderlecht"));
    let mut planned: Vec<&str> = cell["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["full_name"].as_str().unwrap())
        .collect();
    planned.sort();
    assert_eq!(
        planned,
        ["u2", "u3", "u5"],
        "the drill-down names the same people"
    );
});

/// A key-user module given by the planner's school, two key users of Anderlecht enrolled.
fn training_with_two_key_users(
    app: &TestApp,
    planner: &str,
    hr: &str,
    certifies: bool,
) -> (i64, i64, i64) {
    let code = if certifies { "fin-t1" } else { "fin-t0" };
    let (status, body) = app.api("POST", "/api/v1/modules", Some(planner), Some(json!({
        "domain": "finance", "code": code, "title_fr": code, "title_nl": code, "tier": "trainer",
        "duration_minutes": 120, "certifies_trainer": certifies,
    })));
    assert_eq!(status, Status::Created, "{body}");
    let start = chrono::Utc::now() - chrono::Duration::days(1);
    let (_, session) = app.api(
        "POST",
        "/api/v1/sessions",
        Some(planner),
        Some(json!({
            "module": code, "capacity": 8, "language": "fr", "online_url": "https://meet.example/r",
            "starts_at": start.format("%Y-%m-%dT09:00:00Z").to_string(),
            "ends_at": start.format("%Y-%m-%dT11:00:00Z").to_string(),
            "registration_closes_at": start.format("%Y-%m-%dT08:00:00Z").to_string(),
        })),
    );
    let session = session["id"].as_i64().unwrap();
    app.api(
        "POST",
        &format!("/api/v1/sessions/{session}/publish"),
        Some(planner),
        None,
    );
    let mut ids = Vec::new();
    for name in ["Pass", "Fail"] {
        let (status, body) = app.api("POST", "/api/v1/people", Some(hr), Some(json!({
            "full_name": format!("Key {name} {code}"), "email": format!("key.{name}.{code}@anderlecht.example").to_lowercase(), "language": "fr",
        })));
        assert_eq!(status, Status::Created, "{body}");
        let id = body["id"].as_i64().unwrap();
        let (status, body) = app.api(
            "POST",
            "/api/v1/key-users",
            Some(hr),
            Some(json!({ "person_id": id, "domain": "finance" })),
        );
        assert_eq!(status, Status::Created, "{body}");
        let (status, body) = app.api(
            "POST",
            &format!("/api/v1/sessions/{session}/enrollments"),
            Some(planner),
            Some(json!({ "person_id": id })),
        );
        assert_eq!(status, Status::Created, "{body}");
        ids.push(id);
    }
    (session, ids[0], ids[1])
}

fn key_user_status(app: &TestApp, hr: &str, person: i64) -> String {
    let list = get(app, hr, "/api/v1/key-users?per_page=200");
    let items = list["items"]
        .as_array()
        .or(list.as_array())
        .unwrap()
        .clone();
    items
        .iter()
        .find(|k| k["person_id"] == person)
        .map(|k| k["status"].as_str().unwrap().to_owned())
        .unwrap()
}

// The trained report reads the read model (`domain::read_model`): it follows a session moved
// to another year, a corrected attendance, a module that becomes assessed and a person's new
// profile, and after each the model equals a fresh computation from the enrolments.
db_test!(
    the_trained_report_follows_every_change_to_what_counts,
    |db| {
        let app = TestApp::start(db);
        let world = {
            let mut conn = app.conn();
            build(&mut conn)
        };
        let planner = app.token("planner@erap.example", PASSWORD);
        let end_users = |year: i32| -> i64 {
            let path = format!(
                "/api/v1/reports/trained?year={year}&domain=finance&organization=anderlecht"
            );
            let report = get(&app, &planner, &path);
            let rows = report["items"].as_array().unwrap().iter();
            rows.filter(|r| r["tier"] == "end_user")
                .map(|r| r["people"].as_i64().unwrap())
                .sum()
        };
        let write = |method: &str, path: &str, body: Value| {
            let (status, answer) = app.api(method, path, Some(&planner), Some(body));
            assert_eq!(status, Status::Ok, "{method} {path}: {answer}");
            let broken = common::broken_rules(&mut app.conn());
            assert_eq!(broken, Vec::<&str>::new(), "after {method} {path}");
        };
        let (year, first) = (world.year, world.id("first"));
        assert_eq!(end_users(year), 1, "u1 only: u2 failed, u3 was absent");

        // The session is moved a year back: its attendees were trained then.
        let last = year - 1;
        let moved = json!({
            "starts_at": format!("{last}-03-10T08:00:00Z"),
            "ends_at": format!("{last}-03-10T11:00:00Z"),
            "registration_closes_at": format!("{last}-03-09T08:00:00Z"),
        });
        write("PATCH", &format!("/api/v1/sessions/{first}"), moved);
        assert_eq!((end_users(last), end_users(year)), (1, 0));

        // u3 was marked absent by mistake: attended.
        let u3 = json!([{ "person_id": world.id("u3"), "attended": true }]);
        write("PUT", &format!("/api/v1/sessions/{first}/attendance"), u3);
        assert_eq!(end_users(last), 2, "u1 and u3");

        // The module becomes assessed: attending without a result no longer counts.
        let path = "/api/v1/modules/RULE-EU";
        write("PATCH", path, json!({ "assessed": true }));
        assert_eq!(end_users(last), 0, "nobody passed an assessment");
        write("PATCH", path, json!({ "assessed": false }));
        assert_eq!(end_users(last), 2);

        // u1 moves to HR work (its HR says so): counted under its new profile.
        let hr = app.token("hr@anderlecht.example", PASSWORD);
        let u1 = format!("/api/v1/people/{}", world.id("u1"));
        let (status, body) = app.api("PATCH", &u1, Some(&hr), Some(json!({ "profile": "hr" })));
        assert_eq!(status, Status::Ok, "{body}");
        assert_eq!(common::broken_rules(&mut app.conn()), Vec::<&str>::new());
        let by_profile = |profile: &str| {
            let path = format!("/api/v1/reports/trained?year={last}&profile={profile}");
            get(&app, &planner, &path)["totals"][0]["people"].as_i64()
        };
        assert_eq!(
            (by_profile("finance"), by_profile("hr")),
            (Some(1), Some(1))
        );
    }
);

db_test!(
    an_explicit_fail_never_certifies_and_certifying_modules_are_assessed,
    |db| {
        let app = TestApp::start_demo(db);
        let planner = app.token("planner@erap.example", DEMO_PASSWORD);
        let hr = app.token("hr@anderlecht.example", DEMO_PASSWORD);

        // Refusing the assessment of a certifying module is an error on `assessed`; asking for
        // certification alone makes the module assessed.
        let (status, body) = app.api("POST", "/api/v1/modules", Some(&planner), Some(json!({
        "domain": "finance", "code": "fin-x", "title_fr": "x", "title_nl": "x", "tier": "trainer",
        "duration_minutes": 60, "certifies_trainer": true, "assessed": false,
    })));
        assert_eq!(status, Status::UnprocessableEntity, "{body}");
        assert!(body["error"]["fields"]["assessed"].is_array(), "{body}");

        let (session, pass, fail) = training_with_two_key_users(&app, &planner, &hr, true);
        let module = get(&app, &planner, "/api/v1/modules/fin-t1");
        assert_eq!(module["assessed"], true, "{module}");
        let (status, body) = app.api(
            "PATCH",
            "/api/v1/modules/FIN-T1",
            Some(&planner),
            Some(json!({ "assessed": false })),
        );
        assert_eq!(status, Status::UnprocessableEntity, "{body}");

        let (status, body) = app.api(
            "PUT",
            &format!("/api/v1/sessions/{session}/attendance"),
            Some(&planner),
            Some(json!([
                { "person_id": pass, "attended": true, "passed": true },
                { "person_id": fail, "attended": true, "passed": false },
            ])),
        );
        assert_eq!(status, Status::Ok, "{body}");
        assert_eq!(key_user_status(&app, &hr, pass), "certified");
        assert_eq!(
            key_user_status(&app, &hr, fail),
            "in_training",
            "a fail never certifies"
        );

        // On a module that is not assessed, an explicit fail is kept and is not trained.
        let (other, _, failed) = training_with_two_key_users(&app, &planner, &hr, false);
        let trained = || {
            get(
                &app,
                &planner,
                "/api/v1/cascade/coverage?domain=finance&organization=anderlecht",
            )["items"][0]["key_users_trained"]
                .as_i64()
                .unwrap()
        };
        let before = trained();
        let (status, _) = app.api(
            "PUT",
            &format!("/api/v1/sessions/{other}/attendance"),
            Some(&planner),
            Some(json!([
                { "person_id": failed, "attended": true, "passed": false },
            ])),
        );
        assert_eq!(status, Status::Ok);
        let participants = get(
            &app,
            &planner,
            &format!("/api/v1/sessions/{other}/enrollments"),
        );
        let list = participants
            .as_array()
            .or(participants["items"].as_array())
            .unwrap()
            .clone();
        let row = list.iter().find(|p| p["person_id"] == failed).unwrap();
        assert_eq!(row["passed"], false, "the result is kept: {row}");
        assert_eq!(trained(), before, "an explicit fail is not trained");
    }
);

db_test!(
    module_codes_are_matched_in_any_case_and_stored_in_capitals,
    |db| {
        let app = TestApp::start_demo(db);
        let planner = app.token("planner@erap.example", DEMO_PASSWORD);
        let body = |code: &str| {
            json!({
                "domain": "finance", "code": code, "title_fr": "t", "title_nl": "t", "tier": "end_user",
                "duration_minutes": 60,
            })
        };
        let (status, created) = app.api(
            "POST",
            "/api/v1/modules",
            Some(&planner),
            Some(body("Fin-T1")),
        );
        assert_eq!(status, Status::Created, "{created}");
        assert_eq!(created["code"], "FIN-T1");
        for code in ["fin-t1", "FIN-T1", "fIn-T1"] {
            assert_eq!(
                get(&app, &planner, &format!("/api/v1/modules/{code}"))["code"],
                "FIN-T1"
            );
        }
        let (status, duplicate) = app.api(
            "POST",
            "/api/v1/modules",
            Some(&planner),
            Some(body("fin-t1")),
        );
        assert_eq!(
            status,
            Status::UnprocessableEntity,
            "one module, whatever the case"
        );
        assert!(
            duplicate["error"]["fields"]["code"].is_array(),
            "{duplicate}"
        );
        // The demo's codes, in capitals, are found in lower case too.
        assert_eq!(
            get(&app, &planner, "/api/v1/modules/fin-ku1")["code"],
            "FIN-KU1"
        );
        let sessions = get(&app, &planner, "/api/v1/sessions?module=fin-ku1");
        assert!(sessions["total"].as_i64().unwrap() > 0, "{sessions}");
        let (status, _) = app.api(
            "POST",
            "/api/v1/modules",
            Some(&planner),
            Some(body("fin t1")),
        );
        assert_eq!(status, Status::UnprocessableEntity);
    }
);

db_test!(years_and_filter_values_have_one_answer, |db| {
    let app = TestApp::start_demo(db);
    let planner = app.token("planner@erap.example", DEMO_PASSWORD);
    let admin = app.token("admin@formation.example", DEMO_PASSWORD);
    let person = get(&app, &planner, "/api/v1/people?per_page=1")["items"][0]["id"]
        .as_i64()
        .unwrap();
    for path in [
        "/api/v1/capacity?year=1999".to_owned(),
        "/api/v1/reports/trained?year=2101".to_owned(),
        format!("/api/v1/people/{person}/plans/1999"),
        "/api/v1/organizations/anderlecht/plans/2101".to_owned(),
        "/api/v1/plans?year=1999".to_owned(),
    ] {
        let (status, body) = app.api("GET", &path, Some(&planner), None);
        assert_eq!(status, Status::UnprocessableEntity, "{path}: {body}");
        assert!(body["error"]["fields"]["year"].is_array(), "{path}: {body}");
    }
    for (path, field) in [
        ("/api/v1/capacity?tier=manager", "tier"),
        ("/api/v1/capacity?language=de", "language"),
        ("/api/v1/cascade/coverage?domain=astrology", "domain"),
        (
            "/api/v1/cascade/coverage?organization=atlantis",
            "organization",
        ),
        ("/api/v1/cascade/tree?domain=astrology", "domain"),
        ("/api/v1/interests?language=de", "language"),
        ("/api/v1/interests?module=nope", "module"),
        ("/api/v1/key-users?status=retired", "status"),
        ("/api/v1/key-users?domain=astrology", "domain"),
        ("/api/v1/key-users?organization=atlantis", "organization"),
        ("/api/v1/modules?tier=manager", "tier"),
        ("/api/v1/modules?domain=astrology", "domain"),
        ("/api/v1/people?language=de", "language"),
        ("/api/v1/people?status=gone", "status"),
        ("/api/v1/people?organization=atlantis", "organization"),
        ("/api/v1/audit?organization=atlantis", "organization"),
    ] {
        let (status, body) = app.api("GET", path, Some(&admin), None);
        assert_eq!(status, Status::UnprocessableEntity, "{path}: {body}");
        assert!(body["error"]["fields"][field].is_array(), "{path}: {body}");
    }
});

/// Every string of a JSON document that reads as a timestamp, with where it is.
fn timestamps(value: &Value, at: String, found: &mut Vec<(String, String)>) {
    match value {
        Value::String(s)
            if s.len() >= 19 && s.as_bytes()[10] == b'T' && s[..4].parse::<u16>().is_ok() =>
        {
            found.push((at, s.clone()));
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| timestamps(v, format!("{at}[{i}]"), found)),
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| timestamps(v, format!("{at}.{k}"), found)),
        _ => {}
    }
}

db_test!(json_datetimes_are_rfc3339_in_utc, |db| {
    let app = TestApp::start_demo(db);
    let admin = app.token("admin@formation.example", DEMO_PASSWORD);
    let sessions = get(&app, &admin, "/api/v1/sessions?per_page=5");
    let session = sessions["items"][0]["id"].as_i64().unwrap();
    let person = get(&app, &admin, "/api/v1/people?per_page=1")["items"][0]["id"]
        .as_i64()
        .unwrap();
    let mut found = Vec::new();
    for path in [
        "/api/v1/sessions?per_page=5".to_owned(),
        format!("/api/v1/sessions/{session}"),
        format!("/api/v1/sessions/{session}/enrollments"),
        format!("/api/v1/people/{person}/export"),
        "/api/v1/audit?per_page=20".to_owned(),
        "/api/v1/tokens".to_owned(),
        "/api/v1/accounts".to_owned(),
        "/api/v1/registrations?all=true".to_owned(),
        "/api/v1/interests".to_owned(),
        "/api/v1/outbox".to_owned(),
        "/api/v1/cascade/tree?domain=finance".to_owned(),
    ] {
        timestamps(&get(&app, &admin, &path), path, &mut found);
    }
    let (_, token) = app.api(
        "POST",
        "/api/v1/tokens",
        None,
        Some(json!({ "email": "planner@erap.example", "password": DEMO_PASSWORD })),
    );
    timestamps(&token, "POST /api/v1/tokens".into(), &mut found);
    assert!(found.len() > 20, "the documents hold timestamps: {found:?}");
    let zoneless: Vec<_> = found
        .iter()
        .filter(|(_, s)| chrono::DateTime::parse_from_rfc3339(s).is_err() || !s.ends_with('Z'))
        .collect();
    assert!(zoneless.is_empty(), "timestamps without Z: {zoneless:?}");
});
