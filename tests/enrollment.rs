//! Sessions and enrolment: the rules of DESIGN §4 (1, 2, 3), each refusal, real concurrency,
//! notifications with calendar invitations, the outbox sender and reminders.

mod common;

use common::{add_people, concurrently, count, scalar, Backend, TestApp, DEMO_PASSWORD};
use diesel::prelude::*;
use formation::db::schema::{enrollments, key_users, training_sessions};
use rocket::http::{ContentType, Header, Status};
use serde_json::{json, Value};

const PLANNER: &str = "planner@erap.example";
const HR: &str = "hr@anderlecht.example";

/// A module, created through the API by the planner.
fn module(app: &TestApp, token: &str, code: &str, tier: &str, extra: Value) -> Value {
    let mut body = json!({
        "domain": "finance", "code": code, "title_fr": format!("Module {code}"),
        "title_nl": format!("Module {code} NL"), "tier": tier, "duration_minutes": 180,
    });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let (status, module) = app.api("POST", "/api/v1/modules", Some(token), Some(body));
    assert_eq!(status, Status::Created, "{module}");
    module
}

/// A published session of a module, `days` from now (negative for the past).
fn session(
    app: &TestApp,
    token: &str,
    module: &str,
    days: i64,
    capacity: i64,
    extra: Value,
) -> i64 {
    let start = chrono::Utc::now() + chrono::Duration::days(days);
    let mut body = json!({
        "module": module,
        "starts_at": start.format("%Y-%m-%dT09:00:00Z").to_string(),
        "ends_at": start.format("%Y-%m-%dT12:00:00Z").to_string(),
        "registration_closes_at": start.format("%Y-%m-%dT08:00:00Z").to_string(),
        "capacity": capacity, "language": "fr", "online_url": "https://meet.example/s",
    });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let (status, created) = app.api("POST", "/api/v1/sessions", Some(token), Some(body));
    assert_eq!(status, Status::Created, "{created}");
    let id = created["id"].as_i64().unwrap();
    let (status, published) = app.api(
        "POST",
        &format!("/api/v1/sessions/{id}/publish"),
        Some(token),
        None,
    );
    assert_eq!(status, Status::Ok, "{published}");
    id
}

fn enroll(app: &TestApp, token: &str, session: i64, person: Option<i64>) -> (Status, Value) {
    let body = match person {
        Some(id) => json!({ "person_id": id }),
        None => json!({}),
    };
    app.api(
        "POST",
        &format!("/api/v1/sessions/{session}/enrollments"),
        Some(token),
        Some(body),
    )
}

fn seats_taken(app: &TestApp, session: i64) -> i64 {
    scalar(
        &mut app.conn(),
        &format!(
            "SELECT CAST(seats_taken AS BIGINT) AS n FROM training_sessions WHERE id = {session}"
        ),
    )
}

fn with_status(app: &TestApp, session: i64, status: &str) -> i64 {
    scalar(
        &mut app.conn(),
        &format!("SELECT COUNT(*) AS n FROM enrollments WHERE session_id = {session} AND status = '{status}'"),
    )
}

/// The waitlisted person ids of a session, in FIFO order.
fn waitlist(app: &TestApp, session: i64) -> Vec<i64> {
    enrollments::table
        .filter(enrollments::session_id.eq(session))
        .filter(enrollments::status.eq("waitlisted"))
        .order((enrollments::created_at, enrollments::id))
        .select(enrollments::person_id)
        .load(&mut *app.conn())
        .unwrap()
}

db_test!(two_hundred_simultaneous_enrollments_for_ten_seats, |db| {
    let app = TestApp::start_demo(db);
    let planner = app.token(PLANNER, DEMO_PASSWORD);
    module(&app, &planner, "cascade-basics", "end_user", json!({}));
    let session = session(
        &app,
        &planner,
        "cascade-basics",
        20,
        10,
        json!({ "organizer": "anderlecht" }),
    );
    let people = add_people(&app, "anderlecht", 200, "crowd");
    let requests = people
        .iter()
        .map(|p| {
            (
                "POST",
                format!("/api/v1/sessions/{session}/enrollments"),
                json!({ "person_id": p }),
            )
        })
        .collect();
    let (answers, elapsed) = concurrently(&app, &planner, requests);
    eprintln!(
        "200 simultaneous enrolments on {:?}: {:?} ({:.0} requests/s)",
        app.db.backend,
        elapsed,
        200.0 / elapsed.as_secs_f64()
    );
    for (status, body) in &answers {
        assert_eq!(*status, Status::Created, "{body}");
    }
    let confirmed = answers
        .iter()
        .filter(|(_, b)| b["status"] == "confirmed")
        .count();
    let waiting: Vec<i64> = answers
        .iter()
        .filter(|(_, b)| b["status"] == "waitlisted")
        .map(|(_, b)| b["waitlist_position"].as_i64().unwrap())
        .collect();
    assert_eq!(confirmed, 10);
    assert_eq!(waiting.len(), 190);
    let mut positions = waiting.clone();
    positions.sort();
    assert_eq!(
        positions,
        (1..=190).collect::<Vec<_>>(),
        "each position given once"
    );
    assert_eq!(seats_taken(&app, session), 10);
    assert_eq!(with_status(&app, session, "confirmed"), 10);
    // Arrival order: the position each answer got is the person's place in the FIFO order.
    let order = waitlist(&app, session);
    for (status, body) in &answers {
        if body["status"] == "waitlisted" {
            let position = body["waitlist_position"].as_i64().unwrap() as usize;
            assert_eq!(
                order[position - 1],
                body["person_id"].as_i64().unwrap(),
                "{status}"
            );
        }
    }
});

db_test!(
    cancellations_racing_enrollments_promote_in_order_and_never_overbook,
    |db| {
        let app = TestApp::start_demo(db);
        let planner = app.token(PLANNER, DEMO_PASSWORD);
        module(&app, &planner, "race", "end_user", json!({}));
        let session = session(
            &app,
            &planner,
            "race",
            20,
            10,
            json!({ "organizer": "anderlecht" }),
        );
        let first = add_people(&app, "anderlecht", 30, "first");
        let mut enrollment_ids = Vec::new();
        for person in &first {
            let (status, body) = enroll(&app, &planner, session, Some(*person));
            assert_eq!(status, Status::Created);
            enrollment_ids.push(body["id"].as_i64().unwrap());
        }
        let original_waitlist = waitlist(&app, session);
        assert_eq!(original_waitlist, first[10..].to_vec());
        let late = add_people(&app, "anderlecht", 50, "late");
        let mut requests: Vec<(&'static str, String, Value)> = Vec::new();
        for (i, person) in late.iter().enumerate() {
            requests.push((
                "POST",
                format!("/api/v1/sessions/{session}/enrollments"),
                json!({ "person_id": person }),
            ));
            if i % 5 == 0 {
                let id = enrollment_ids[i / 5];
                requests.push((
                    "POST",
                    format!("/api/v1/enrollments/{id}/cancel"),
                    json!({}),
                ));
            }
        }
        let (answers, _) = concurrently(&app, &planner, requests);
        for (status, body) in &answers {
            assert!(status.code < 300, "{status} {body}");
        }
        assert_eq!(seats_taken(&app, session), 10);
        assert_eq!(with_status(&app, session, "confirmed"), 10);
        assert_eq!(with_status(&app, session, "cancelled"), 10);
        // The ten freed seats went to the first ten who were waiting, none to a late comer.
        let confirmed: Vec<i64> = enrollments::table
            .filter(enrollments::session_id.eq(session))
            .filter(enrollments::status.eq("confirmed"))
            .order(enrollments::person_id)
            .select(enrollments::person_id)
            .load(&mut *app.conn())
            .unwrap();
        let mut expected = original_waitlist[..10].to_vec();
        expected.sort();
        assert_eq!(confirmed, expected);
        assert_eq!(with_status(&app, session, "waitlisted"), 10 + 50);
        let promoted_mails = scalar(&mut app.conn(), "SELECT COUNT(*) AS n FROM outbox WHERE subject LIKE '%race%' AND ics IS NOT NULL AND body_text LIKE '%libérée%'")
        + scalar(&mut app.conn(), "SELECT COUNT(*) AS n FROM outbox WHERE subject LIKE '%race%' AND ics IS NOT NULL AND body_text LIKE '%vrijgekomen%'")
        + scalar(&mut app.conn(), "SELECT COUNT(*) AS n FROM outbox WHERE subject LIKE '%race%' AND ics IS NOT NULL AND body_text LIKE '%freed up%'");
        assert_eq!(promoted_mails, 10, "each promoted person is told");
    }
);

/// The tokens and people of the enrolment-rule flows: three new Anderlecht staff, two of them
/// designated key users of finance.
struct Staff {
    planner: String,
    hr: String,
    /// A designated key user.
    key: i64,
    /// Not a key user.
    plain: i64,
    /// Another designated key user.
    other_key: i64,
}

/// The finance modules of the enrolment-rule flows (basics, assessed; advanced, which needs
/// basics and certifies; a cascade module for colleagues) and their staff.
fn staff_and_modules(app: &TestApp) -> Staff {
    let planner = app.token(PLANNER, DEMO_PASSWORD);
    let hr = app.token(HR, DEMO_PASSWORD);
    module(
        app,
        &planner,
        "fin-basics",
        "trainer",
        json!({ "assessed": true }),
    );
    module(
        app,
        &planner,
        "fin-advanced",
        "trainer",
        json!({ "prerequisite": "fin-basics", "certifies_trainer": true }),
    );
    module(app, &planner, "fin-colleagues", "end_user", json!({}));
    let staff = add_people(app, "anderlecht", 3, "staff");
    let (key, plain, other_key) = (staff[0], staff[1], staff[2]);
    for person in [key, other_key] {
        let (status, body) = app.api(
            "POST",
            "/api/v1/key-users",
            Some(&hr),
            Some(json!({"person_id": person, "domain": "finance"})),
        );
        assert_eq!(status, Status::Created, "{body}");
    }
    Staff {
        planner,
        hr,
        key,
        plain,
        other_key,
    }
}

/// Asserts a refusal (409) that explains itself; `_refusal` names the one expected, for the
/// reader.
#[track_caller]
fn conflict((status, body): (Status, Value), _refusal: &str) {
    assert_eq!(status, Status::Conflict, "{body}");
    assert!(
        body["error"]["message"].as_str().unwrap().len() > 10,
        "{body}"
    );
}

/// Records attendance lines for a session.
fn attendance(app: &TestApp, token: &str, session: i64, lines: Value) -> (Status, Value) {
    app.api(
        "PUT",
        &format!("/api/v1/sessions/{session}/attendance"),
        Some(token),
        Some(lines),
    )
}

/// Wrong tier: not a key user. A key user gets a seat; twice is refused. The session (of
/// basics, in 10 days).
fn trainer_sessions_take_key_users_once(app: &TestApp, s: &Staff) -> i64 {
    let basics = session(app, &s.planner, "fin-basics", 10, 5, json!({}));
    // Wrong tier: not a key user.
    conflict(
        enroll(app, &s.hr, basics, Some(s.plain)),
        "enroll-not-key-user",
    );
    // A key user gets a seat; twice is refused.
    let (status, first) = enroll(app, &s.hr, basics, Some(s.key));
    assert_eq!(status, Status::Created, "{first}");
    assert_eq!(first["status"], "confirmed");
    conflict(enroll(app, &s.hr, basics, Some(s.key)), "enroll-already");
    basics
}

/// Overlap: another session at the same time as the key user's seat.
fn a_seat_at_the_same_time_is_refused(app: &TestApp, s: &Staff) {
    module(app, &s.planner, "fin-other", "trainer", json!({}));
    let same_time = session(
        app,
        &s.planner,
        "fin-other",
        10,
        5,
        json!({"online_url": "https://meet.example/other"}),
    );
    conflict(enroll(app, &s.hr, same_time, Some(s.key)), "enroll-overlap");
}

/// Prerequisite missing, still missing once attended but failed, then attended and passed.
fn the_prerequisite_must_be_passed(app: &TestApp, s: &Staff) {
    let advanced = session(app, &s.planner, "fin-advanced", 12, 5, json!({}));
    conflict(
        enroll(app, &s.hr, advanced, Some(s.other_key)),
        "enroll-prerequisite-missing",
    );
    let past_basics = session(app, &s.planner, "fin-basics", -3, 5, json!({}));
    for person in [s.other_key, s.key] {
        let (status, body) = enroll(app, &s.planner, past_basics, Some(person));
        assert_eq!(
            status,
            Status::Created,
            "planners may record the past: {body}"
        );
    }
    let (status, body) = attendance(
        app,
        &s.planner,
        past_basics,
        json!([{"person_id": s.other_key, "attended": true, "passed": false}]),
    );
    assert_eq!(status, Status::Ok, "{body}");
    conflict(
        enroll(app, &s.hr, advanced, Some(s.other_key)),
        "enroll-prerequisite-missing",
    );
    let (status, body) = attendance(
        app,
        &s.planner,
        past_basics,
        json!([
            {"person_id": s.other_key, "attended": true, "passed": true},
            {"person_id": s.key, "attended": true, "passed": true},
        ]),
    );
    assert_eq!(status, Status::Ok, "{body}");
    let (status, body) = enroll(app, &s.hr, advanced, Some(s.other_key));
    assert_eq!(status, Status::Created, "{body}");
}

/// Attending and passing the certifying module certifies the key user. The session (of
/// advanced, begun yesterday).
fn passing_the_certifying_module_certifies(app: &TestApp, s: &Staff) -> i64 {
    let past_advanced = session(app, &s.planner, "fin-advanced", -1, 5, json!({}));
    let (status, body) = enroll(app, &s.planner, past_advanced, Some(s.key));
    assert_eq!(status, Status::Created, "{body}");
    let (status, body) = attendance(
        app,
        &s.planner,
        past_advanced,
        json!([{"person_id": s.key, "attended": true, "passed": true}]),
    );
    assert_eq!(status, Status::Ok, "{body}");
    let certified: String = key_users::table
        .filter(key_users::person_id.eq(s.key))
        .select(key_users::status)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(certified, "certified");
    past_advanced
}

/// Attendance before the start is refused; someone without a seat is named.
fn attendance_needs_a_started_session_and_a_seat(
    app: &TestApp,
    s: &Staff,
    basics: i64,
    past_advanced: i64,
) {
    let (status, _) = attendance(
        app,
        &s.planner,
        basics,
        json!([{"person_id": s.key, "attended": true}]),
    );
    assert_eq!(status, Status::Conflict);
    let (status, body) = attendance(
        app,
        &s.planner,
        past_advanced,
        json!([{"person_id": s.plain, "attended": true}]),
    );
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body["error"]["fields"]["0.person_id"].is_array(), "{body}");
}

db_test!(
    trainer_sessions_take_key_users_once_without_overlap_after_their_prerequisite,
    |db| {
        let app = TestApp::start_demo(db);
        let staff = staff_and_modules(&app);
        let basics = trainer_sessions_take_key_users_once(&app, &staff);
        a_seat_at_the_same_time_is_refused(&app, &staff);
        the_prerequisite_must_be_passed(&app, &staff);
        let past_advanced = passing_the_certifying_module_certifies(&app, &staff);
        attendance_needs_a_started_session_and_a_seat(&app, &staff, basics, past_advanced);
    }
);

/// Cascade sessions: only the organiser's people, and invisible to other organisations. The
/// session (Anderlecht's, two seats, in 15 days), with the staff member who is not a key user
/// seated.
fn cascade_sessions_take_the_organisers_people_only(app: &TestApp, s: &Staff) -> i64 {
    let cascade = session(
        app,
        &s.planner,
        "fin-colleagues",
        15,
        2,
        json!({"organizer": "anderlecht"}),
    );
    let (status, _) = enroll(app, &s.hr, cascade, Some(s.plain));
    assert_eq!(status, Status::Created);
    let jette = add_people(app, "cpas-jette", 1, "jette")[0];
    conflict(
        enroll(app, &s.planner, cascade, Some(jette)),
        "enroll-other-organization",
    );
    let other_hr = app.token("hr@cpas-jette.example", DEMO_PASSWORD);
    let (status, _) = app.api(
        "GET",
        &format!("/api/v1/sessions/{cascade}"),
        Some(&other_hr),
        None,
    );
    assert_eq!(status, Status::NotFound);
    let (status, _) = app.api("GET", &format!("/api/v1/sessions/{cascade}"), None, None);
    assert_eq!(status, Status::NotFound, "cascade sessions are not public");
    cascade
}

/// Registration deadline: refused to HR, planners may override.
fn the_registration_deadline_binds_hr_not_planners(app: &TestApp, s: &Staff) {
    let closed = session(
        app,
        &s.planner,
        "fin-colleagues",
        20,
        5,
        json!({"organizer": "anderlecht"}),
    );
    diesel::update(training_sessions::table.find(closed))
        .set(
            training_sessions::registration_closes_at
                .eq(chrono::Utc::now().naive_utc() - chrono::Duration::hours(1)),
        )
        .execute(&mut *app.conn())
        .unwrap();
    conflict(
        enroll(app, &s.hr, closed, Some(s.plain)),
        "enroll-registration-closed",
    );
    let (status, _) = enroll(app, &s.planner, closed, Some(s.plain));
    assert_eq!(status, Status::Created);
}

/// Full: waitlisted; raising the capacity promotes in the same change. The capacity cannot go
/// below the seats taken.
fn a_full_session_waitlists_and_more_seats_promote(app: &TestApp, s: &Staff, cascade: i64) {
    let more = add_people(app, "anderlecht", 2, "more");
    let (_, waiting) = enroll(app, &s.hr, cascade, Some(more[0]));
    assert_eq!(waiting["status"], "confirmed");
    let (_, waiting) = enroll(app, &s.hr, cascade, Some(more[1]));
    assert_eq!(waiting["status"], "waitlisted");
    assert_eq!(waiting["waitlist_position"], 1);
    let (status, updated) = app.api(
        "PATCH",
        &format!("/api/v1/sessions/{cascade}"),
        Some(&s.planner),
        Some(json!({"capacity": 3})),
    );
    assert_eq!(status, Status::Ok, "{updated}");
    assert_eq!(updated["seats_taken"], 3);
    assert_eq!(updated["waitlisted"], 0);
    // The capacity cannot go below the seats taken.
    let (status, body) = app.api(
        "PATCH",
        &format!("/api/v1/sessions/{cascade}"),
        Some(&s.planner),
        Some(json!({"capacity": 1})),
    );
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body["error"]["fields"]["capacity"].is_array());
}

/// Cancelled session: refused; everyone's enrolment cancelled, seats back to 0.
fn a_cancelled_session_frees_its_seats_and_refuses(app: &TestApp, s: &Staff, cascade: i64) {
    let (status, _) = app.api(
        "POST",
        &format!("/api/v1/sessions/{cascade}/cancel"),
        Some(&s.planner),
        None,
    );
    assert_eq!(status, Status::Ok);
    assert_eq!(with_status(app, cascade, "cancelled"), 3);
    assert_eq!(seats_taken(app, cascade), 0);
    let late = add_people(app, "anderlecht", 1, "late")[0];
    conflict(
        enroll(app, &s.hr, cascade, Some(late)),
        "enroll-session-cancelled",
    );
}

// The same staff and modules as the trainer-tier flow above; the cascade sessions here are the
// only seats of these people.
db_test!(
    cascade_sessions_keep_to_their_organisation_deadline_and_capacity,
    |db| {
        let app = TestApp::start_demo(db);
        let staff = staff_and_modules(&app);
        let cascade = cascade_sessions_take_the_organisers_people_only(&app, &staff);
        the_registration_deadline_binds_hr_not_planners(&app, &staff);
        a_full_session_waitlists_and_more_seats_promote(&app, &staff, cascade);
        a_cancelled_session_frees_its_seats_and_refuses(&app, &staff, cascade);
    }
);

db_test!(approval_where_the_organisation_requires_it, |db| {
    let app = TestApp::start_demo(db);
    let planner = app.token(PLANNER, DEMO_PASSWORD);
    let admin = app.token("admin@formation.example", DEMO_PASSWORD);
    module(&app, &planner, "approval", "end_user", json!({}));
    let session = session(
        &app,
        &planner,
        "approval",
        9,
        1,
        json!({"organizer": "schaerbeek"}),
    );
    let people = add_people(&app, "schaerbeek", 3, "schaerbeek");
    let mut tokens = Vec::new();
    for (i, person) in people.iter().enumerate() {
        let (status, body) = app.api(
            "POST",
            "/api/v1/accounts",
            Some(&admin),
            Some(json!({"person_id": person, "password": format!("une phrase de passe {i}")})),
        );
        assert_eq!(status, Status::Created, "{body}");
        tokens.push(app.token(
            &format!("schaerbeek.{i}@schaerbeek.example"),
            &format!("une phrase de passe {i}"),
        ));
    }
    // A member asks: pending, no seat held.
    let (status, pending) = enroll(&app, &tokens[0], session, None);
    assert_eq!(status, Status::Created, "{pending}");
    assert_eq!(pending["status"], "pending_approval");
    assert_eq!(seats_taken(&app, session), 0);
    // A member cannot enrol someone else.
    let (status, _) = enroll(&app, &tokens[0], session, Some(people[1]));
    assert_eq!(status, Status::NotFound);
    let (_, second) = enroll(&app, &tokens[1], session, None);
    let (_, third) = enroll(&app, &tokens[2], session, None);
    // Approval by a planner takes the seat; the next approval waitlists; refusal tells why.
    let (status, approved) = app.api(
        "POST",
        &format!("/api/v1/enrollments/{}/approve", pending["id"]),
        Some(&planner),
        None,
    );
    assert_eq!(status, Status::Ok, "{approved}");
    assert_eq!(approved["status"], "confirmed");
    let (_, waits) = app.api(
        "POST",
        &format!("/api/v1/enrollments/{}/approve", second["id"]),
        Some(&planner),
        None,
    );
    assert_eq!(waits["status"], "waitlisted");
    let (status, refused) = app.api(
        "POST",
        &format!("/api/v1/enrollments/{}/refuse", third["id"]),
        Some(&planner),
        Some(json!({"reason": "Pas de budget cette année"})),
    );
    assert_eq!(status, Status::Ok, "{refused}");
    assert_eq!(refused["status"], "cancelled");
    let (_, body) = common::last_mail(&mut app.conn(), "schaerbeek.2@schaerbeek.example").unwrap();
    assert!(body.contains("Pas de budget cette année"), "{body}");
    let (status, _) = app.api(
        "POST",
        &format!("/api/v1/enrollments/{}/approve", third["id"]),
        Some(&planner),
        None,
    );
    assert_eq!(status, Status::Conflict, "already decided");
    // The member cancels its own seat: the waitlisted one is promoted.
    let (status, _) = app.api(
        "POST",
        &format!("/api/v1/enrollments/{}/cancel", pending["id"]),
        Some(&tokens[0]),
        None,
    );
    assert_eq!(status, Status::Ok);
    assert_eq!(seats_taken(&app, session), 1);
    let promoted: String = enrollments::table
        .find(second["id"].as_i64().unwrap())
        .select(enrollments::status)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(promoted, "confirmed");
    // Someone else's enrolment is out of reach.
    let (status, _) = app.api(
        "POST",
        &format!("/api/v1/enrollments/{}/cancel", second["id"]),
        Some(&tokens[0]),
        None,
    );
    assert_eq!(status, Status::NotFound);
});

db_test!(session_checks_name_the_field, |db| {
    let app = TestApp::start_demo(db);
    let planner = app.token(PLANNER, DEMO_PASSWORD);
    module(&app, &planner, "checks", "trainer", json!({}));
    let (_, venues) = app.api("GET", "/api/v1/venues", None, None);
    let venue = &venues["items"][0];
    let seats = venue["seats"].as_i64().unwrap();
    let post = |body: Value| app.api("POST", "/api/v1/sessions", Some(&planner), Some(body));
    let (status, body) = post(
        json!({"module": "checks", "starts_at": "2030-01-10T10:00:00Z", "ends_at": "2030-01-10T09:00:00Z", "capacity": 0, "language": "xx"}),
    );
    assert_eq!(status, Status::UnprocessableEntity);
    for field in ["ends_at", "capacity", "language", "venue"] {
        assert!(body["error"]["fields"][field].is_array(), "{field}: {body}");
    }
    let (status, body) = post(
        json!({"module": "checks", "starts_at": "2030-01-10T08:00:00Z", "ends_at": "2030-01-10T11:00:00Z", "capacity": seats + 1, "language": "fr", "venue": venue["id"]}),
    );
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(
        body["error"]["fields"]["capacity"].is_array(),
        "more seats than the venue: {body}"
    );
    let trainer = add_people(&app, "erap", 1, "trainer")[0];
    let ok = json!({"module": "checks", "starts_at": "2030-01-10T08:00:00Z", "ends_at": "2030-01-10T11:00:00Z", "capacity": seats, "language": "bilingual", "venue": venue["id"], "trainer_person_id": trainer});
    let (status, body) = post(ok.clone());
    assert_eq!(status, Status::Created, "{body}");
    let (status, body) = post(
        json!({"module": "checks", "starts_at": "2030-01-10T10:00:00Z", "ends_at": "2030-01-10T12:00:00Z", "capacity": 5, "language": "fr", "venue": venue["id"], "trainer_person_id": trainer}),
    );
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(
        body["error"]["fields"]["venue"].is_array()
            && body["error"]["fields"]["trainer_person_id"].is_array(),
        "{body}"
    );
    // Drafts are invisible to learners.
    let draft = body_id(&post(
        json!({"module": "checks", "starts_at": "2030-02-10T08:00:00Z", "ends_at": "2030-02-10T11:00:00Z", "capacity": 5, "language": "fr", "online_url": "https://meet.example/d"}),
    ));
    let (status, _) = app.api("GET", &format!("/api/v1/sessions/{draft}"), None, None);
    assert_eq!(status, Status::NotFound);
    let (status, _) = app.api(
        "GET",
        &format!("/api/v1/sessions/{draft}"),
        Some(&planner),
        None,
    );
    assert_eq!(status, Status::Ok);
    // Forms take Brussels time: 09:00 in Brussels in January is 08:00 UTC.
    assert_eq!(
        formation::domain::sessions::parse_time("2030-01-10T09:00"),
        chrono::NaiveDate::from_ymd_opt(2030, 1, 10)
            .unwrap()
            .and_hms_opt(8, 0, 0)
    );
    let _ = Backend::Sqlite;
});

fn body_id((status, body): &(Status, Value)) -> i64 {
    assert_eq!(*status, Status::Created, "{body}");
    body["id"].as_i64().unwrap()
}

db_test!(
    calendar_invitations_keep_their_uid_and_raise_their_sequence,
    |db| {
        let app = TestApp::start_demo(db);
        let planner = app.token(PLANNER, DEMO_PASSWORD);
        module(&app, &planner, "ics", "end_user", json!({}));
        let session = session(
            &app,
            &planner,
            "ics",
            5,
            4,
            json!({"organizer": "anderlecht"}),
        );
        let person = add_people(&app, "anderlecht", 1, "calendar")[0];
        let email = "calendar.0@anderlecht.example";
        let (status, _) = enroll(&app, &planner, session, Some(person));
        assert_eq!(status, Status::Created);
        let ics = |n: usize| -> icalendar::Calendar {
            let text: Vec<Option<String>> = formation::db::schema::outbox::table
                .filter(formation::db::schema::outbox::recipient.eq(email))
                .order(formation::db::schema::outbox::id)
                .select(formation::db::schema::outbox::ics)
                .load(&mut *app.conn())
                .unwrap();
            text[n].clone().expect("an invitation").parse().unwrap()
        };
        let event_of = |calendar: &icalendar::Calendar| {
            use icalendar::Component;
            let event = calendar.events().next().expect("an event").clone();
            (
                event.get_uid().unwrap().to_owned(),
                event.get_sequence().unwrap(),
                calendar.property_value("METHOD").unwrap().to_owned(),
            )
        };
        let first = event_of(&ics(0));
        assert_eq!(
            first,
            (
                format!("session-{session}-person-{person}@formation"),
                1,
                "REQUEST".to_owned()
            )
        );
        let (status, _) = app.api(
            "PATCH",
            &format!("/api/v1/sessions/{session}"),
            Some(&planner),
            Some(json!({"online_url": "https://meet.example/moved"})),
        );
        assert_eq!(status, Status::Ok);
        let second = event_of(&ics(1));
        assert_eq!(
            (second.0.as_str(), second.1, second.2.as_str()),
            (first.0.as_str(), 2, "REQUEST")
        );
        let (status, _) = app.api(
            "POST",
            &format!("/api/v1/sessions/{session}/cancel"),
            Some(&planner),
            None,
        );
        assert_eq!(status, Status::Ok);
        let third = event_of(&ics(2));
        assert_eq!(
            (third.0.as_str(), third.1, third.2.as_str()),
            (first.0.as_str(), 3, "CANCEL")
        );
        // The session's own file and the personal feed parse too.
        let response = app
            .client
            .get(format!("/sessions/{session}.ics"))
            .dispatch();
        assert_eq!(
            response.status(),
            Status::NotFound,
            "a cascade session is not public"
        );
        let response = app
            .client
            .get(format!("/sessions/{session}.ics"))
            .header(Header::new("Authorization", format!("Bearer {planner}")))
            .dispatch();
        assert_eq!(response.status(), Status::Ok);
        assert_eq!(response.content_type(), Some(ContentType::Calendar));
        let calendar: icalendar::Calendar = response.into_string().unwrap().parse().unwrap();
        assert_eq!(calendar.property_value("METHOD"), Some("PUBLISH"));
        let (status, feed) = app.api("POST", "/api/v1/me/calendar", Some(&planner), None);
        assert_eq!(status, Status::Created);
        let path = feed["url"]
            .as_str()
            .unwrap()
            .trim_start_matches("http://127.0.0.1:8000")
            .to_owned();
        let response = app.client.get(path.clone()).dispatch();
        assert_eq!(response.status(), Status::Ok);
        let (status, _) = app.api("DELETE", "/api/v1/me/calendar", Some(&planner), None);
        assert_eq!(status, Status::NoContent);
        assert_eq!(
            app.client.get(path).dispatch().status(),
            Status::NotFound,
            "a revoked feed is gone"
        );
    }
);

/// A mailer that records what it sends, or fails.
struct FakeMailer {
    sent: std::sync::Mutex<Vec<String>>,
    fail: bool,
}

impl formation::jobs::outbox::Mailer for FakeMailer {
    fn send(&self, message: &formation::jobs::outbox::OutboxMessage) -> Result<(), String> {
        if self.fail {
            return Err("connection refused".into());
        }
        self.sent.lock().unwrap().push(message.recipient.clone());
        Ok(())
    }
}

db_test!(
    the_outbox_is_sent_once_retried_with_backoff_and_reminders_go_once,
    |db| {
        let app = TestApp::start_demo(db);
        let planner = app.token(PLANNER, DEMO_PASSWORD);
        module(&app, &planner, "reminded", "end_user", json!({}));
        let session = session(
            &app,
            &planner,
            "reminded",
            1,
            5,
            json!({"organizer": "anderlecht"}),
        );
        let person = add_people(&app, "anderlecht", 1, "reminded")[0];
        enroll(&app, &planner, session, Some(person));
        let mut conn = app.conn();
        let queued = formation::jobs::reminders::queue_due(&mut conn, "http://x").unwrap();
        assert_eq!(queued, 1);
        assert_eq!(
            formation::jobs::reminders::queue_due(&mut conn, "http://x").unwrap(),
            0,
            "once"
        );
        // Sessions that have ended are completed; the one starting tomorrow is not.
        let ended = || {
            training_sessions::table
                .filter(training_sessions::status.eq("published"))
                .filter(training_sessions::ends_at.lt(chrono::Utc::now().naive_utc()))
                .count()
        };
        let past = self::session(
            &app,
            &planner,
            "reminded",
            -2,
            5,
            json!({"organizer": "anderlecht"}),
        );
        let before: i64 = ended().get_result(&mut *conn).unwrap();
        assert!(before > 0, "at least the one that ended two days ago");
        let completed = formation::jobs::reminders::complete_past_sessions(&mut conn).unwrap();
        assert_eq!(completed as i64, before);
        assert_eq!(ended().get_result::<i64>(&mut *conn).unwrap(), 0);
        let past_status: String = training_sessions::table
            .find(past)
            .select(training_sessions::status)
            .first(&mut *conn)
            .unwrap();
        assert_eq!(past_status, "completed");
        let status: String = training_sessions::table
            .find(session)
            .select(training_sessions::status)
            .first(&mut *conn)
            .unwrap();
        assert_eq!(status, "published");
        let waiting = count(&mut conn, "outbox");
        assert!(waiting >= 2);
        let failing = FakeMailer {
            sent: Default::default(),
            fail: true,
        };
        let report = formation::jobs::outbox::send_due(&mut conn, &failing, 1000).unwrap();
        assert_eq!(report.failed as i64, waiting);
        assert_eq!(scalar(&mut conn, "SELECT COUNT(*) AS n FROM outbox WHERE last_error IS NOT NULL AND attempts = 1 AND sent_at IS NULL"), waiting);
        // Backoff: nothing is due right after a failure.
        let working = FakeMailer {
            sent: Default::default(),
            fail: false,
        };
        assert_eq!(
            formation::jobs::outbox::send_due(&mut conn, &working, 1000)
                .unwrap()
                .sent,
            0
        );
        diesel::RunQueryDsl::execute(
            diesel::sql_query("UPDATE outbox SET next_attempt_at = created_at"),
            &mut *conn,
        )
        .unwrap();
        assert_eq!(
            formation::jobs::outbox::send_due(&mut conn, &working, 1000)
                .unwrap()
                .sent as i64,
            waiting
        );
        assert_eq!(
            formation::jobs::outbox::send_due(&mut conn, &working, 1000)
                .unwrap()
                .sent,
            0,
            "never twice"
        );
        assert_eq!(working.sent.lock().unwrap().len() as i64, waiting);
    }
);

db_test!(interest_is_declared_listed_and_met_by_a_seat, |db| {
    let app = TestApp::start_demo(db);
    let planner = app.token(PLANNER, DEMO_PASSWORD);
    let hr = app.token(HR, DEMO_PASSWORD);
    module(&app, &planner, "wished", "end_user", json!({}));
    let person = add_people(&app, "anderlecht", 1, "wish")[0];
    let (status, interest) = app.api(
        "POST",
        "/api/v1/interests",
        Some(&hr),
        Some(json!({"module": "wished", "person_id": person, "language": "nl"})),
    );
    assert_eq!(status, Status::Created, "{interest}");
    let (_, list) = app.api(
        "GET",
        "/api/v1/interests?module=wished&language=nl",
        Some(&planner),
        None,
    );
    assert_eq!(list["total"], 1);
    let (status, body) = app.api(
        "POST",
        "/api/v1/interests",
        Some(&hr),
        Some(json!({"module": "nope", "person_id": person})),
    );
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body["error"]["fields"]["module"].is_array());
    let session = session(
        &app,
        &planner,
        "wished",
        7,
        3,
        json!({"organizer": "anderlecht"}),
    );
    enroll(&app, &hr, session, Some(person));
    let (_, list) = app.api(
        "GET",
        "/api/v1/interests?module=wished",
        Some(&planner),
        None,
    );
    assert_eq!(list["total"], 0, "a seat meets the interest");
});

db_test!(participants_export_and_bulk_enrollment, |db| {
    let app = TestApp::start_demo(db);
    let planner = app.token(PLANNER, DEMO_PASSWORD);
    let hr = app.token(HR, DEMO_PASSWORD);
    module(&app, &planner, "bulk", "end_user", json!({}));
    let session = session(
        &app,
        &planner,
        "bulk",
        8,
        2,
        json!({"organizer": "anderlecht"}),
    );
    add_people(&app, "anderlecht", 3, "bulk");
    let jette = add_people(&app, "cpas-jette", 1, "outsider");
    let (status, body) = app.api(
        "POST",
        &format!("/api/v1/sessions/{session}/enrollments/bulk"),
        Some(&hr),
        Some(json!({"emails": ["bulk.0@anderlecht.example", "bulk.1@anderlecht.example", "bulk.2@anderlecht.example", "nobody@nowhere.example"], "person_ids": jette})),
    );
    assert_eq!(status, Status::Ok, "{body}");
    let items = body["items"].as_array().unwrap();
    let statuses: Vec<&str> = items
        .iter()
        .map(|i| i["status"].as_str().unwrap_or("refused"))
        .collect();
    assert_eq!(
        statuses,
        ["refused", "confirmed", "confirmed", "waitlisted", "refused"]
    );
    assert!(items[0]["refused"].as_str().unwrap().len() > 5);
    let response = app
        .client
        .get(format!("/api/v1/sessions/{session}/enrollments?format=csv"))
        .header(Header::new("Authorization", format!("Bearer {hr}")))
        .dispatch();
    assert_eq!(response.status(), Status::Ok);
    let csv = response.into_string().unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(csv.starts_with("id,person_id,full_name"));
    let response = app
        .client
        .get(format!(
            "/api/v1/sessions/{session}/enrollments?format=xlsx"
        ))
        .header(Header::new("Authorization", format!("Bearer {hr}")))
        .dispatch();
    assert_eq!(response.status(), Status::Ok);
    assert!(
        response.into_bytes().unwrap().starts_with(b"PK"),
        "an xlsx file is a zip"
    );
});

/// The ids of a session list answer, in order, with its total.
fn listed(app: &TestApp, token: Option<&str>, query: &str) -> (Vec<i64>, i64) {
    let (status, page) = app.api("GET", &format!("/api/v1/sessions?{query}"), token, None);
    assert_eq!(status, Status::Ok, "{query}: {page}");
    let ids = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    (ids, page["total"].as_i64().unwrap())
}

/// The year of the session list tests.
const LIST_YEAR: &str = "from=2033-01-01&to=2033-12-31";

/// The times of a session on a day of 2033 (every session of the list tests is in 2033, which
/// the demo data does not reach).
fn list_at(day: &str, hour: &str) -> Value {
    json!({
        "starts_at": format!("{day}T{hour}:00:00Z"), "ends_at": format!("{day}T{hour}:59:00Z"),
        "registration_closes_at": format!("{day}T05:00:00Z"),
    })
}

fn merged(mut base: Value, extra: Value) -> Value {
    base.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    base
}

/// The sessions of the list tests, with the planner's token.
struct ListWorld {
    planner: String,
    trainer: i64,
    anderlecht: i64,
    jette: i64,
    draft: i64,
    full: i64,
    april: i64,
}

impl ListWorld {
    /// Every session, soonest first.
    fn all(&self) -> Vec<i64> {
        vec![
            self.trainer,
            self.anderlecht,
            self.jette,
            self.draft,
            self.full,
            self.april,
        ]
    }
}

/// Three modules (trainer and cascade tiers of finance, a trainer one of soft-hr) and six
/// sessions of them: a trainer session, Anderlecht's cascade session in Dutch, Jette's, a
/// draft, a full one and one on 1 April in Brussels.
fn list_world(app: &TestApp) -> ListWorld {
    let planner = app.token(PLANNER, DEMO_PASSWORD);
    module(app, &planner, "list-trainer", "trainer", json!({}));
    module(app, &planner, "list-cascade", "end_user", json!({}));
    module(
        app,
        &planner,
        "list-hr",
        "trainer",
        json!({ "domain": "soft-hr" }),
    );
    let trainer = session(
        app,
        &planner,
        "list-trainer",
        0,
        10,
        list_at("2033-03-10", "09"),
    );
    let anderlecht = session(
        app,
        &planner,
        "list-cascade",
        0,
        10,
        merged(
            list_at("2033-03-11", "09"),
            json!({ "organizer": "anderlecht", "language": "nl" }),
        ),
    );
    let jette = session(
        app,
        &planner,
        "list-cascade",
        0,
        10,
        merged(
            list_at("2033-03-12", "09"),
            json!({ "organizer": "cpas-jette" }),
        ),
    );
    let full = session(
        app,
        &planner,
        "list-trainer",
        0,
        1,
        list_at("2033-03-14", "09"),
    );
    // 22:00 UTC on 31 March is midnight on 1 April in Brussels.
    let april = session(app, &planner, "list-hr", 0, 10, list_at("2033-03-31", "22"));
    let (status, draft) = app.api(
        "POST",
        "/api/v1/sessions",
        Some(&planner),
        Some(merged(
            list_at("2033-03-13", "09"),
            json!({ "module": "list-trainer", "capacity": 5, "language": "fr",
                    "online_url": "https://meet.example/d" }),
        )),
    );
    assert_eq!(status, Status::Created, "{draft}");
    let draft = draft["id"].as_i64().unwrap();
    // Seats are taken by enrolment elsewhere; here only the count matters.
    diesel::update(training_sessions::table.find(full))
        .set(training_sessions::seats_taken.eq(1))
        .execute(&mut *app.conn())
        .unwrap();
    ListWorld {
        planner,
        trainer,
        anderlecht,
        jette,
        draft,
        full,
        april,
    }
}

db_test!(
    the_session_list_shows_each_reader_its_sessions_soonest_first,
    |db| {
        let app = TestApp::start_demo(db);
        let w = list_world(&app);
        let key_user = app.token("key.user@anderlecht.example", DEMO_PASSWORD);
        let hr_jette = app.token("hr@cpas-jette.example", DEMO_PASSWORD);
        let (trainer, anderlecht, jette, full, april) =
            (w.trainer, w.anderlecht, w.jette, w.full, w.april);
        // Soonest first; who sees what.
        assert_eq!(listed(&app, Some(&w.planner), LIST_YEAR), (w.all(), 6));
        assert_eq!(
            listed(&app, None, LIST_YEAR),
            (vec![trainer, full, april], 3),
            "anonymous: published trainer-tier sessions only"
        );
        assert_eq!(
            listed(&app, Some(&key_user), LIST_YEAR),
            (vec![trainer, anderlecht, full, april], 4),
            "a member also sees the cascade sessions of its own organisation"
        );
        assert_eq!(
            listed(&app, Some(&hr_jette), LIST_YEAR),
            (vec![trainer, jette, full, april], 4)
        );
    }
);

db_test!(
    each_session_filter_brussels_days_and_pages_narrow_the_list,
    |db| {
        let app = TestApp::start_demo(db);
        let w = list_world(&app);
        let (trainer, anderlecht, jette, draft, full, april) =
            (w.trainer, w.anderlecht, w.jette, w.draft, w.full, w.april);
        let planner = Some(w.planner.as_str());
        // Each filter, as the planner.
        let cases: [(&str, Vec<i64>); 9] = [
            (
                "domain=finance",
                vec![trainer, anderlecht, jette, draft, full],
            ),
            ("domain=soft-hr", vec![april]),
            ("module=list-cascade", vec![anderlecht, jette]),
            ("tier=end_user", vec![anderlecht, jette]),
            ("language=nl", vec![anderlecht]),
            ("organizer=cpas-jette", vec![jette]),
            ("status=draft", vec![draft]),
            (
                "has_free_seats=true&domain=finance",
                vec![trainer, anderlecht, jette, draft],
            ),
            (
                "domain=finance&tier=trainer&language=fr",
                vec![trainer, draft, full],
            ),
        ];
        for (filter, expected) in cases {
            let (ids, total) = listed(&app, planner, &format!("{LIST_YEAR}&{filter}"));
            assert_eq!(ids, expected, "{filter}");
            assert_eq!(total, expected.len() as i64, "{filter}");
        }
        // Days are Brussels days.
        assert_eq!(
            listed(&app, planner, "from=2033-03-14&to=2033-03-31").0,
            vec![full]
        );
        assert_eq!(
            listed(&app, planner, "from=2033-04-01&to=2033-04-01").0,
            vec![april]
        );
        // Pages of two.
        assert_eq!(
            listed(&app, planner, &format!("{LIST_YEAR}&per_page=2&page=2")),
            (w.all()[2..4].to_vec(), 6)
        );
        assert_eq!(
            listed(&app, planner, &format!("{LIST_YEAR}&per_page=2&page=4")),
            (vec![], 6)
        );
    }
);

// In the same world as the other list tests, so that a refusal is not an empty list.
db_test!(
    unknown_session_filters_and_bad_days_are_refused_naming_the_field,
    |db| {
        let app = TestApp::start_demo(db);
        let w = list_world(&app);
        // An unknown value of any filter is refused, naming the field (it was ignored, or listed
        // nothing, as if there were no such sessions).
        for field in [
            "domain",
            "module",
            "tier",
            "language",
            "organizer",
            "status",
        ] {
            let (status, body) = app.api(
                "GET",
                &format!("/api/v1/sessions?{field}=nonsense"),
                Some(&w.planner),
                None,
            );
            assert_eq!(status, Status::UnprocessableEntity, "{field}: {body}");
            assert!(body["error"]["fields"][field].is_array(), "{body}");
            let page = app.get_in(&format!("/sessions?{field}=nonsense"), "nl");
            assert_eq!(
                page.status(),
                Status::UnprocessableEntity,
                "/sessions?{field}="
            );
        }

        // A bad day is refused, naming the field.
        let (status, body) = app.api(
            "GET",
            "/api/v1/sessions?from=2033-13-01",
            Some(&w.planner),
            None,
        );
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(body["error"]["fields"]["from"].is_array(), "{body}");
    }
);

db_test!(the_session_page_speaks_the_readers_language, |db| {
    let app = TestApp::start_demo(db);
    list_world(&app);
    // The page, in Dutch: titles, languages, places and statuses in the reader's language.
    let response = app.get_in(&format!("/sessions?{LIST_YEAR}&domain=soft-hr"), "nl");
    assert_eq!(response.status(), Status::Ok);
    let html = response.into_string().unwrap();
    assert!(html.contains("<td>Module list-hr NL</td>"), "{html}");
    let row = "<td>Frans</td><td>Online</td><td class=\"num\">0 / 10</td><td>Gepubliceerd</td>";
    assert!(html.contains(row), "{html}");
    assert!(!html.contains("Module list-trainer"), "filtered out");
});

/// An enrolment inserted as it stands (a request made earlier, or a waitlist place).
fn insert_enrollment(app: &TestApp, session: i64, person: i64, status: &str) -> i64 {
    diesel::insert_into(enrollments::table)
        .values((
            enrollments::session_id.eq(session),
            enrollments::person_id.eq(person),
            enrollments::status.eq(status),
            enrollments::created_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .returning(enrollments::id)
        .get_result(&mut *app.conn())
        .unwrap()
}

fn status_of(app: &TestApp, enrollment: i64) -> String {
    enrollments::table
        .find(enrollment)
        .select(enrollments::status)
        .first(&mut *app.conn())
        .unwrap()
}

/// The system's audit events (no actor) of an action on an entity.
fn system_events(app: &TestApp, action: &str, entity_id: i64) -> i64 {
    scalar(
        &mut app.conn(),
        &format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = '{action}' \
             AND entity_id = {entity_id} AND actor_account_id IS NULL"
        ),
    )
}

db_test!(seats_given_by_promotion_or_approval_never_overlap, |db| {
    let app = TestApp::start_demo(db);
    let planner = app.token(PLANNER, DEMO_PASSWORD);
    let hr = app.token(HR, DEMO_PASSWORD);
    module(&app, &planner, "no-double", "end_user", json!({}));
    let organizer = json!({ "organizer": "anderlecht" });
    // A, B and (later) C at the same hour.
    let a = session(&app, &planner, "no-double", 12, 1, organizer.clone());
    let b = session(&app, &planner, "no-double", 12, 5, organizer.clone());
    let people = add_people(&app, "anderlecht", 3, "double");
    let (first, busy, next) = (people[0], people[1], people[2]);
    let (_, seat) = enroll(&app, &planner, a, Some(first));
    assert_eq!(seat["status"], "confirmed");
    // `busy` waits for A, then takes a seat in B at the same time; `next` waits behind.
    let (_, waiting) = enroll(&app, &planner, a, Some(busy));
    assert_eq!(waiting["status"], "waitlisted");
    let (_, other) = enroll(&app, &planner, b, Some(busy));
    assert_eq!(other["status"], "confirmed", "{other}");
    let (_, behind) = enroll(&app, &planner, a, Some(next));
    assert_eq!(behind["waitlist_position"], 2);

    // A's seat frees: `busy` would be in two places, so it goes to `next`; `busy` keeps its
    // place in line.
    let (status, _) = app.api(
        "POST",
        &format!("/api/v1/enrollments/{}/cancel", seat["id"]),
        Some(&planner),
        Some(json!({})),
    );
    assert_eq!(status, Status::Ok);
    assert_eq!(
        status_of(&app, waiting["id"].as_i64().unwrap()),
        "waitlisted"
    );
    let promoted = behind["id"].as_i64().unwrap();
    assert_eq!(status_of(&app, promoted), "confirmed");
    assert_eq!(seats_taken(&app, a), 1);
    assert_eq!(waitlist(&app, a), vec![busy]);
    assert_eq!(
        system_events(&app, "enrollment.promoted", promoted),
        1,
        "the promotion is the system's, audited"
    );

    // HR approving a request that overlaps a seat the person holds: refused, nothing changes.
    let c = session(&app, &planner, "no-double", 12, 5, organizer);
    let request = insert_enrollment(&app, c, busy, "pending_approval");
    let (status, body) = app.api(
        "POST",
        &format!("/api/v1/enrollments/{request}/approve"),
        Some(&hr),
        Some(json!({})),
    );
    assert_eq!(status, Status::Conflict, "{body}");
    assert_eq!(status_of(&app, request), "pending_approval");
    assert_eq!(seats_taken(&app, c), 0);
});

db_test!(nobody_is_promoted_into_a_session_that_started, |db| {
    let app = TestApp::start_demo(db);
    let planner = app.token(PLANNER, DEMO_PASSWORD);
    module(&app, &planner, "started", "end_user", json!({}));
    let started = session(
        &app,
        &planner,
        "started",
        -1,
        1,
        json!({ "organizer": "anderlecht" }),
    );
    let people = add_people(&app, "anderlecht", 2, "late");
    let (_, seat) = enroll(&app, &planner, started, Some(people[0]));
    let waiting = insert_enrollment(&app, started, people[1], "waitlisted");
    app.api(
        "POST",
        &format!("/api/v1/enrollments/{}/cancel", seat["id"]),
        Some(&planner),
        Some(json!({})),
    );
    assert_eq!(status_of(&app, waiting), "waitlisted");
    assert_eq!(seats_taken(&app, started), 0);
});

db_test!(changes_made_by_the_system_are_audited, |db| {
    let app = TestApp::start_demo(db);
    let planner = app.token(PLANNER, DEMO_PASSWORD);
    let hr = app.token(HR, DEMO_PASSWORD);
    let (training, person, key_user) = certifying_training(&app, &planner, &hr, "audit-ku");
    assert_eq!(
        system_events(&app, "key_user.training_started", key_user),
        1
    );
    app.api(
        "PUT",
        &format!("/api/v1/sessions/{training}/attendance"),
        Some(&planner),
        Some(json!([{ "person_id": person, "attended": true, "passed": true }])),
    );
    assert_eq!(system_events(&app, "key_user.certified", key_user), 1);

    // The completion job: a session that ended yesterday is completed, and that is audited.
    let completed = formation::jobs::reminders::complete_past_sessions(&mut app.conn()).unwrap();
    assert!(completed >= 1);
    assert_eq!(system_events(&app, "session.completed", training), 1);
});

db_test!(
    a_seat_given_up_lets_its_holder_be_promoted_where_they_wait,
    |db| {
        let app = TestApp::start_demo(db);
        let planner = app.token(PLANNER, DEMO_PASSWORD);
        module(&app, &planner, "elsewhere", "end_user", json!({}));
        let organizer = json!({ "organizer": "anderlecht" });
        let (a, b) = (
            session(&app, &planner, "elsewhere", 14, 1, organizer.clone()),
            session(&app, &planner, "elsewhere", 14, 1, organizer),
        );
        let people = add_people(&app, "anderlecht", 2, "elsewhere");
        let (first, busy) = (people[0], people[1]);
        enroll(&app, &planner, a, Some(first));
        let (_, waiting) = enroll(&app, &planner, a, Some(busy));
        let (_, held) = enroll(&app, &planner, b, Some(busy));
        // A's seat frees while `busy` sits in B at the same time: A keeps it free…
        let (_, seat) = {
            let id = enrollments::table
                .filter(enrollments::session_id.eq(a))
                .filter(enrollments::person_id.eq(first))
                .select(enrollments::id)
                .first::<i64>(&mut *app.conn())
                .unwrap();
            app.api(
                "POST",
                &format!("/api/v1/enrollments/{id}/cancel"),
                Some(&planner),
                Some(json!({})),
            )
        };
        assert_eq!(seat["status"], "cancelled");
        assert_eq!(
            status_of(&app, waiting["id"].as_i64().unwrap()),
            "waitlisted"
        );
        // …until `busy` gives up B: then A's free seat is theirs.
        app.api(
            "POST",
            &format!("/api/v1/enrollments/{}/cancel", held["id"]),
            Some(&planner),
            Some(json!({})),
        );
        assert_eq!(
            status_of(&app, waiting["id"].as_i64().unwrap()),
            "confirmed"
        );
        assert_eq!((seats_taken(&app, a), seats_taken(&app, b)), (1, 0));
    }
);

db_test!(a_corrected_attendance_takes_back_the_certification, |db| {
    let app = TestApp::start_demo(db);
    let planner = app.token(PLANNER, DEMO_PASSWORD);
    let hr = app.token(HR, DEMO_PASSWORD);
    let (training, person, key_user) = certifying_training(&app, &planner, &hr, "corrected-ku");
    let status = || -> String {
        key_users::table
            .find(key_user)
            .select(key_users::status)
            .first(&mut *app.conn())
            .unwrap()
    };
    let attendance = |passed: bool| {
        app.api(
            "PUT",
            &format!("/api/v1/sessions/{training}/attendance"),
            Some(&planner),
            Some(json!([{ "person_id": person, "attended": true, "passed": passed }])),
        )
        .0
    };
    assert_eq!(attendance(true), Status::Ok);
    assert_eq!(status(), "certified");
    assert_eq!(
        attendance(false),
        Status::Ok,
        "the trainer corrects a mistake"
    );
    assert_eq!(status(), "in_training");
    assert_eq!(
        system_events(&app, "key_user.certification_withdrawn", key_user),
        1
    );
});

/// A certifying key-user module and a session of it that began yesterday, with a new key user
/// of Anderlecht seated in it: (session, person, key user).
fn certifying_training(app: &TestApp, planner: &str, hr: &str, code: &str) -> (i64, i64, i64) {
    module(
        app,
        planner,
        code,
        "trainer",
        json!({ "certifies_trainer": true }),
    );
    let training = session(app, planner, code, -1, 4, json!({}));
    let person = add_people(app, "anderlecht", 1, code)[0];
    let (status, key_user) = app.api(
        "POST",
        "/api/v1/key-users",
        Some(hr),
        Some(json!({ "person_id": person, "domain": "finance" })),
    );
    assert_eq!(status, Status::Created, "{key_user}");
    enroll(app, planner, training, Some(person));
    (training, person, key_user["id"].as_i64().unwrap())
}

db_test!(csv_cells_never_run_as_formulas, |db| {
    let app = TestApp::start_demo(db);
    let planner = app.token(PLANNER, DEMO_PASSWORD);
    let hr = app.token(HR, DEMO_PASSWORD);
    module(&app, &planner, "csv-safe", "end_user", json!({}));
    let session = session(
        &app,
        &planner,
        "csv-safe",
        5,
        4,
        json!({ "organizer": "anderlecht" }),
    );
    let (status, person) = app.api(
        "POST",
        "/api/v1/people",
        Some(&hr),
        Some(
            json!({ "full_name": "=HYPERLINK(\"https://evil.example\",\"x\")", "language": "fr",
                     "email": "formula@anderlecht.example" }),
        ),
    );
    assert_eq!(status, Status::Created, "{person}");
    enroll(&app, &planner, session, person["id"].as_i64());
    let response = app
        .client
        .get(format!("/api/v1/sessions/{session}/enrollments?format=csv"))
        .header(Header::new("Authorization", format!("Bearer {planner}")))
        .dispatch();
    assert_eq!(response.status(), Status::Ok);
    let csv = response.into_string().unwrap();
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    assert!(
        !csv.contains(",=HYPERLINK") && !csv.contains(",\"=HYPERLINK"),
        "{csv}"
    );
});

db_test!(
    bulk_enrollment_reveals_nothing_of_another_organisation,
    |db| {
        let app = TestApp::start_demo(db);
        let planner = app.token(PLANNER, DEMO_PASSWORD);
        let hr = app.token(HR, DEMO_PASSWORD);
        module(&app, &planner, "bulk-leak", "end_user", json!({}));
        let session = session(
            &app,
            &planner,
            "bulk-leak",
            8,
            2,
            json!({"organizer": "anderlecht"}),
        );
        let outsider = add_people(&app, "cpas-jette", 1, "outsider")[0];
        let (status, body) = app.api(
            "POST",
            &format!("/api/v1/sessions/{session}/enrollments/bulk"),
            Some(&hr),
            Some(json!({"emails": ["outsider.0@cpas-jette.example", "nobody@nowhere.example"]})),
        );
        assert_eq!(status, Status::Ok, "{body}");
        let items = body["items"].as_array().unwrap();
        // Another organisation's address reads exactly as an address nobody has.
        assert_eq!(items[0]["refused"], items[1]["refused"], "{body}");
        assert!(items.iter().all(|i| i["person_id"].is_null()), "{body}");
        assert!(
            !body
                .to_string()
                .contains(&format!("\"person_id\":{outsider}")),
            "{body}"
        );
    }
);

db_test!(meeting_links_are_for_those_in_the_session, |db| {
    let app = TestApp::start_demo(db);
    let planner = app.token(PLANNER, DEMO_PASSWORD);
    let hr = app.token(HR, DEMO_PASSWORD);
    module(&app, &planner, "link-ku", "trainer", json!({}));
    // A public train-the-trainer session, online.
    let session = session(&app, &planner, "link-ku", 15, 5, json!({}));
    let link = "https://meet.example/s";
    let person = add_people(&app, "anderlecht", 1, "linked")[0];
    let (status, _) = app.api(
        "POST",
        "/api/v1/key-users",
        Some(&hr),
        Some(json!({ "person_id": person, "domain": "finance" })),
    );
    assert_eq!(status, Status::Created);
    let (status, body) = app.api(
        "POST",
        "/api/v1/accounts",
        Some(&app.token("admin@formation.example", DEMO_PASSWORD)),
        Some(json!({ "person_id": person, "password": "a linked passphrase" })),
    );
    assert_eq!(status, Status::Created, "{body}");
    let member = app.token("linked.0@anderlecht.example", "a linked passphrase");
    let seen = |token: Option<&str>| {
        let (status, body) = app.api("GET", &format!("/api/v1/sessions/{session}"), token, None);
        assert_eq!(status, Status::Ok, "{body}");
        body["online_url"].as_str().map(str::to_owned)
    };
    assert_eq!(seen(None), None, "a visitor of the public catalogue");
    assert_eq!(seen(Some(&member)), None, "a key user without a seat");
    assert_eq!(seen(Some(&planner)).as_deref(), Some(link));
    let ics = app
        .get(&format!("/sessions/{session}.ics"))
        .into_string()
        .unwrap();
    assert!(!ics.contains("meet.example"), "{ics}");
    let (_, list) = app.api("GET", "/api/v1/sessions?module=link-ku", None, None);
    assert!(list["items"][0]["online_url"].is_null(), "{list}");
    // With a seat, the link is theirs.
    enroll(&app, &planner, session, Some(person));
    assert_eq!(seen(Some(&member)).as_deref(), Some(link));
});
