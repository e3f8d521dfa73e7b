//! A model-based test of the enrolment rules (DESIGN §4 rules 1–4): a seeded random sequence
//! of operations (enrol, self-enrol into approval, cancel, approve, refuse, raise and lower
//! capacity, record attendance, withdraw a key user, cancel a session) through the API, with
//! the rules checked against the database after every step:
//! - the rules every data set keeps (`common::broken_rules`): `seats_taken` equals the seats
//!   held and never exceeds capacity, nobody holds two overlapping seats, certified key users
//!   passed a certifying module, and the read model equals a fresh computation from the
//!   enrolments (the oracle of `domain::read_model`);
//! - waiting is first come, first served: a seat free in a session not yet started leaves
//!   nobody waiting who could take it, and a promotion never passes over an earlier waiting
//!   person who could have had the seat; a new waiting place is the last, without gaps;
//! - every change is audited: each successful write adds events, each promotion its own.
//!
//! `MODEL_SEED` and `MODEL_STEPS` replay or lengthen a run.

mod common;

use std::collections::HashMap;

use common::world::{
    certifying_module, day, key_user, module, person, session, staff_accounts, PASSWORD,
};
use common::{broken_rules, scalar, TestApp};
use diesel::prelude::*;
use formation::db::schema::{enrollments, key_users, organizations};
use formation::db::DbConn;
use formation::domain::accounts::{self, AccountRequest, FirstPassword, Role};
use formation::domain::cascade::KeyUserStatus;
use formation::domain::catalogue::{self, Tier};
use formation::domain::organizations::{self as orgs, MembershipChange, MembershipStatus};
use formation::domain::people::PersonLanguage;
use formation::domain::sessions::SessionStatus;
use formation::domain::Language;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

const HOLDING: &str = "('confirmed', 'attended', 'absent')";

struct World {
    people: Vec<i64>,
    sessions: Vec<i64>,
    key_users: Vec<i64>,
    planner: String,
    hr: String,
    /// Members of the organisation that requires approval, with their person.
    members: Vec<(i64, String)>,
}

/// Two organisations joined finance (Anderlecht requires approval), fourteen key users,
/// sessions in the future and in the past, some at the same hour.
fn build(app: &TestApp) -> World {
    let mut conn = app.conn();
    let conn: &mut DbConn = &mut conn;
    staff_accounts(conn);
    let a = orgs::id_by_code(conn, "anderlecht").unwrap().unwrap();
    let b = orgs::id_by_code(conn, "ixelles").unwrap().unwrap();
    let school = orgs::id_by_code(conn, "erap").unwrap().unwrap();
    let finance = catalogue::domain_id_by_code(conn, "finance")
        .unwrap()
        .unwrap();
    for organization in [a, b] {
        orgs::set_membership(
            conn,
            organization,
            finance,
            MembershipChange {
                status: MembershipStatus::Joined,
                status_since: day("2026-01-01"),
                go_live_on: None,
                required_key_users: 2,
            },
        )
        .unwrap();
    }
    diesel::update(organizations::table.find(a))
        .set(organizations::requires_enrollment_approval.eq(true))
        .execute(conn)
        .unwrap();
    let ku = certifying_module(conn, "finance", "MODEL-KU");
    let eu = module(conn, "finance", "MODEL-EU", Tier::EndUser, false);
    let mut people = Vec::new();
    for (organization, n, tag) in [(a, 8, "a"), (b, 6, "b")] {
        for i in 0..n {
            let id = person(
                conn,
                organization,
                &format!("{tag}{i}"),
                PersonLanguage::Fr,
                "finance",
            );
            key_user(conn, id, finance, KeyUserStatus::Nominated);
            people.push(id);
        }
    }
    let at = |days: i64, hour: u32| {
        (chrono::Utc::now() + chrono::Duration::days(days))
            .format(&format!("%Y-%m-%d {hour:02}:00"))
            .to_string()
    };
    let slots: [(i64, Tier, i64, u32, i32); 9] = [
        (ku, Tier::Trainer, 10, 8, 2),
        (ku, Tier::Trainer, 10, 8, 1),
        (ku, Tier::Trainer, 10, 10, 2), // overlaps the two above (three hours each)
        (eu, Tier::EndUser, 10, 8, 2),
        (ku, Tier::Trainer, 20, 8, 3),
        (eu, Tier::EndUser, 30, 8, 1),
        (ku, Tier::Trainer, -5, 8, 2),
        (ku, Tier::Trainer, -5, 9, 2),
        (eu, Tier::EndUser, -3, 8, 2),
    ];
    let sessions = slots
        .iter()
        .map(|(module, tier, days, hour, capacity)| {
            let organizer = if *tier == Tier::Trainer { school } else { a };
            session(
                conn,
                *module,
                organizer,
                Language::Fr,
                &at(*days, *hour),
                *capacity,
                0,
                SessionStatus::Published,
            )
        })
        .collect();
    let key_users: Vec<i64> = key_users::table.select(key_users::id).load(conn).unwrap();
    let member_people: Vec<i64> = people[..3].to_vec();
    for (i, person_id) in member_people.iter().enumerate() {
        accounts::create(
            conn,
            None,
            &AccountRequest {
                email: Some(format!("member{i}@model.example")),
                role: Role::Member,
                organization_code: None,
                person_id: Some(*person_id),
                password: FirstPassword::Given(PASSWORD.into()),
                locale: None,
            },
            "",
        )
        .unwrap();
    }
    let members = member_people
        .iter()
        .enumerate()
        .map(|(i, p)| (*p, app.token(&format!("member{i}@model.example"), PASSWORD)))
        .collect();
    World {
        people,
        sessions,
        key_users,
        planner: app.token("planner@erap.example", PASSWORD),
        hr: app.token("hr@anderlecht.example", PASSWORD),
        members,
    }
}

/// Every enrolment: id → (session, status).
fn snapshot(app: &TestApp) -> HashMap<i64, (i64, String)> {
    enrollments::table
        .select((
            enrollments::id,
            enrollments::session_id,
            enrollments::status,
        ))
        .load::<(i64, i64, String)>(&mut *app.conn())
        .unwrap()
        .into_iter()
        .map(|(id, session, status)| (id, (session, status)))
        .collect()
}

fn count(app: &TestApp, sql: &str) -> i64 {
    scalar(&mut app.conn(), sql)
}

/// The person holds a seat in another live session overlapping the enrolment's session.
fn overlapping_seat(enrollment: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM enrollments o JOIN training_sessions os ON os.id = o.session_id
                 JOIN training_sessions ws ON ws.id = {enrollment}.session_id
                 WHERE o.person_id = {enrollment}.person_id AND o.session_id <> {enrollment}.session_id
                   AND o.status IN {HOLDING} AND os.status <> 'cancelled'
                   AND os.starts_at < ws.ends_at AND ws.starts_at < os.ends_at)"
    )
}

fn check_rules(app: &TestApp, context: &str) {
    assert_eq!(
        broken_rules(&mut app.conn()),
        Vec::<&str>::new(),
        "{context}"
    );
    let now = chrono::Utc::now().naive_utc().format("%Y-%m-%d %H:%M:%S");
    assert_eq!(
        count(app, &format!(
            "SELECT COUNT(*) AS n FROM enrollments w JOIN training_sessions s ON s.id = w.session_id \
             WHERE w.status = 'waitlisted' AND s.status = 'published' AND s.starts_at > '{now}' \
               AND s.seats_taken < s.capacity AND NOT {}",
            overlapping_seat("w")
        )),
        0,
        "{context}: a free seat leaves nobody waiting who could take it"
    );
}

/// Promotions (waiting → confirmed without a decision on them) went first come, first served,
/// and each is audited as the system's.
fn check_promotions(
    app: &TestApp,
    before: &HashMap<i64, (i64, String)>,
    after: &HashMap<i64, (i64, String)>,
    approved: Option<i64>,
    context: &str,
) {
    for (id, (session, status)) in after {
        let was = before.get(id).map(|(_, s)| s.as_str());
        if status != "confirmed" || was != Some("waitlisted") || approved == Some(*id) {
            continue;
        }
        assert_eq!(
            count(
                app,
                &format!(
                    "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'enrollment.promoted' \
                 AND entity_id = {id} AND actor_account_id IS NULL"
                )
            ),
            1,
            "{context}: promotion of {id} audited"
        );
        assert_eq!(
            count(app, &format!(
                "SELECT COUNT(*) AS n FROM enrollments w, enrollments p \
                 WHERE p.id = {id} AND w.session_id = {session} AND w.status = 'waitlisted' \
                   AND (w.created_at < p.created_at OR (w.created_at = p.created_at AND w.id < p.id)) \
                   AND NOT {}",
                overlapping_seat("w")
            )),
            0,
            "{context}: promotion of {id} passed over nobody"
        );
    }
}

fn events(app: &TestApp) -> i64 {
    count(app, "SELECT COUNT(*) AS n FROM audit_events")
}

fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    *items.choose(rng).expect("something to pick")
}

/// Every enrolment: id → (session, status).
type Snapshot = HashMap<i64, (i64, String)>;

/// One drawn operation: its kind, its request, and the enrolment it approves, if it does.
struct Operation<'w> {
    op: &'static str,
    method: &'static str,
    path: String,
    token: &'w str,
    body: Option<Value>,
    approved: Option<i64>,
}

fn request<'w>(
    op: &'static str,
    method: &'static str,
    path: String,
    token: &'w str,
    body: Option<Value>,
) -> Operation<'w> {
    Operation {
        op,
        method,
        path,
        token,
        body,
        approved: None,
    }
}

fn enrol<'w>(rng: &mut StdRng, world: &'w World) -> Operation<'w> {
    let (s, p) = (pick(rng, &world.sessions), pick(rng, &world.people));
    request(
        "enrol",
        "POST",
        format!("/api/v1/sessions/{s}/enrollments"),
        &world.planner,
        Some(json!({ "person_id": p })),
    )
}

fn self_enrol<'w>(rng: &mut StdRng, world: &'w World) -> Operation<'w> {
    let s = pick(rng, &world.sessions);
    let member = world.members.choose(rng).unwrap();
    request(
        "self-enrol",
        "POST",
        format!("/api/v1/sessions/{s}/enrollments"),
        &member.1,
        Some(json!({})),
    )
}

fn cancel<'w>(rng: &mut StdRng, world: &'w World, live: &[i64]) -> Operation<'w> {
    let e = pick(rng, live);
    request(
        "cancel",
        "POST",
        format!("/api/v1/enrollments/{e}/cancel"),
        &world.planner,
        Some(json!({})),
    )
}

fn approve<'w>(rng: &mut StdRng, world: &'w World, pending: &[i64]) -> Operation<'w> {
    let e = pick(rng, pending);
    Operation {
        approved: Some(e),
        ..request(
            "approve",
            "POST",
            format!("/api/v1/enrollments/{e}/approve"),
            &world.hr,
            Some(json!({})),
        )
    }
}

fn refuse<'w>(rng: &mut StdRng, world: &'w World, pending: &[i64]) -> Operation<'w> {
    let e = pick(rng, pending);
    request(
        "refuse",
        "POST",
        format!("/api/v1/enrollments/{e}/refuse"),
        &world.hr,
        Some(json!({ "reason": "model" })),
    )
}

fn capacity<'w>(rng: &mut StdRng, world: &'w World) -> Operation<'w> {
    let s = pick(rng, &world.sessions);
    let capacity = rng.gen_range(0..=4);
    request(
        "capacity",
        "PATCH",
        format!("/api/v1/sessions/{s}"),
        &world.planner,
        Some(json!({ "capacity": capacity })),
    )
}

fn attendance<'w>(rng: &mut StdRng, app: &TestApp, world: &'w World) -> Operation<'w> {
    let s = pick(rng, &world.sessions[6..]);
    // Attendance is taken for the session's participants (others: 422).
    let holders: Vec<i64> = enrollments::table
        .filter(enrollments::session_id.eq(s))
        .filter(enrollments::status.eq_any(["confirmed", "attended", "absent"]))
        .select(enrollments::person_id)
        .load(&mut *app.conn())
        .unwrap();
    let chosen: Vec<i64> = holders.choose_multiple(rng, 2).copied().collect();
    let results = [None, Some(true), Some(false)];
    let lines: Vec<Value> = chosen
        .into_iter()
        .map(|p| {
            let attended = rng.gen_bool(0.7);
            let passed = results[rng.gen_range(0..3)];
            json!({ "person_id": p, "attended": attended, "passed": passed })
        })
        .collect();
    request(
        "attendance",
        "PUT",
        format!("/api/v1/sessions/{s}/attendance"),
        &world.planner,
        Some(Value::Array(lines)),
    )
}

fn withdraw<'w>(rng: &mut StdRng, world: &'w World) -> Operation<'w> {
    let k = pick(rng, &world.key_users);
    request(
        "withdraw",
        "DELETE",
        format!("/api/v1/key-users/{k}"),
        &world.hr,
        None,
    )
}

fn designate<'w>(rng: &mut StdRng, world: &'w World) -> Operation<'w> {
    // A withdrawn key user of Anderlecht designated again (others: 409).
    let p = pick(rng, &world.people[..8]);
    request(
        "designate",
        "POST",
        "/api/v1/key-users".to_owned(),
        &world.hr,
        Some(json!({ "person_id": p, "domain": "finance" })),
    )
}

fn cancel_session<'w>(rng: &mut StdRng, world: &'w World) -> Operation<'w> {
    // Two sessions only, so that most of the run has sessions to work on.
    let s = pick(rng, &[world.sessions[5], world.sessions[8]]);
    request(
        "cancel-session",
        "POST",
        format!("/api/v1/sessions/{s}/cancel"),
        &world.planner,
        None,
    )
}

/// The next operation, drawn; none when the roll names an operation with nothing to act on.
fn draw<'w>(
    rng: &mut StdRng,
    app: &TestApp,
    world: &'w World,
    before: &Snapshot,
) -> Option<Operation<'w>> {
    let live: Vec<i64> = before
        .iter()
        .filter(|(_, (_, s))| matches!(s.as_str(), "confirmed" | "waitlisted" | "pending_approval"))
        .map(|(id, _)| *id)
        .collect();
    let pending: Vec<i64> = before
        .iter()
        .filter(|(_, (_, s))| s == "pending_approval")
        .map(|(id, _)| *id)
        .collect();
    let roll = rng.gen_range(0..100);
    Some(match roll {
        0..=34 => enrol(rng, world),
        35..=46 => self_enrol(rng, world),
        47..=60 if !live.is_empty() => cancel(rng, world, &live),
        61..=70 if !pending.is_empty() => approve(rng, world, &pending),
        71..=74 if !pending.is_empty() => refuse(rng, world, &pending),
        75..=84 => capacity(rng, world),
        85..=93 => attendance(rng, app, world),
        94 => withdraw(rng, world),
        95..=96 => designate(rng, world),
        97 => cancel_session(rng, world),
        _ => return None,
    })
}

/// The checks of a successful enrolment: audited as created, and a self-enrolment waits for
/// approval. Where it waits for a seat: (session, waiting place).
fn check_enrolment(app: &TestApp, op: &str, answer: &Value, context: &str) -> Option<(i64, i64)> {
    let mut new_waiting = None;
    let id = answer["id"].as_i64().unwrap();
    let created = format!(
        "SELECT COUNT(*) AS n FROM audit_events \
         WHERE action = 'enrollment.created' AND entity_id = {id}"
    );
    assert_eq!(count(app, &created), 1, "{context}");
    if answer["status"] == "waitlisted" {
        new_waiting = Some((
            answer["session_id"].as_i64().unwrap(),
            answer["waitlist_position"].as_i64().unwrap(),
        ));
    }
    if op == "self-enrol" {
        assert_eq!(
            answer["status"], "pending_approval",
            "{context}: Anderlecht requires approval"
        );
    }
    new_waiting
}

/// Sends the operation and checks what it did, then the rules; whether it changed anything.
fn apply(
    app: &TestApp,
    operation: Operation,
    before: &Snapshot,
    events_before: i64,
    step: usize,
    seed: u64,
) -> bool {
    let Operation {
        op,
        method,
        path,
        token,
        body,
        approved,
    } = operation;
    let mut new_waiting = None;
    let (status, answer) = app.api(method, &path, Some(token), body);
    let context = format!("step {step} (seed {seed}): {op} {path} → {status} {answer}");
    assert!(status.code < 500, "{context}");
    let after = snapshot(app);
    let succeeded = status.class().is_success();
    if succeeded {
        assert!(
            events(app) > events_before,
            "{context}: the change is audited"
        );
        if op.ends_with("enrol") {
            new_waiting = check_enrolment(app, op, &answer, &context);
        }
    } else {
        assert_eq!(&after, before, "{context}: a refusal changes nothing");
    }
    if let Some((session, position)) = new_waiting {
        let waiting = format!(
            "SELECT COUNT(*) AS n FROM enrollments \
             WHERE session_id = {session} AND status = 'waitlisted'"
        );
        assert_eq!(
            position,
            count(app, &waiting),
            "{context}: a new waiting place is the last, without gaps"
        );
    }
    check_rules(app, &context);
    check_promotions(app, before, &after, approved, &context);
    succeeded
}

/// A number from the environment, else the default.
fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

db_test!(enrollment_rules_hold_over_random_operations, |db| {
    let app = TestApp::start(db);
    let world = build(&app);
    let seed: u64 = env_or("MODEL_SEED", 20261202);
    let steps: usize = env_or("MODEL_STEPS", 3000);
    let mut rng = StdRng::seed_from_u64(seed);
    let started = std::time::Instant::now();
    let mut successes = 0;
    let mut seen = std::collections::BTreeSet::new();
    for step in 0..steps {
        let before = snapshot(&app);
        seen.extend(before.values().map(|(_, status)| status.clone()));
        let events_before = events(&app);
        let Some(operation) = draw(&mut rng, &app, &world, &before) else {
            continue;
        };
        if apply(&app, operation, &before, events_before, step, seed) {
            successes += 1;
        }
    }
    let kinds = seen.len();
    eprintln!(
        "model: {steps} steps, {successes} changes, statuses reached {seen:?}, {:?}",
        started.elapsed()
    );
    assert!(
        successes > steps / 4,
        "the run changed things: {successes} of {steps}"
    );
    assert!(kinds >= 5, "the run reached most statuses: {seen:?}");
    assert!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'enrollment.promoted'"
        ) > 0,
        "the run promoted someone"
    );
});
