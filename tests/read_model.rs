//! The read model against its oracle. On the demo data, a seeded random run of writes of every
//! kind that moves a report (enrol, cancel, approve, refuse, attendance, individual and
//! collective plans, a person's profile, language or activity, an anonymised person, whether a
//! module is assessed, a session's date, a cancelled session), through the API; after every batch, each report read from the read model
//! equals, row by row, the same report computed from the enrolments as before the model existed
//! (`read_model::Source::Enrollments`): capacity at each granularity and filter and its
//! drill-downs, coverage, at-risk, the cascade tree and reach (whole and paged), the plans
//! overview and each collective plan; and the model's
//! own tables equal a fresh computation (`read_model::differences`, which covers the trained
//! report's counts).
//!
//! `ORACLE_SEED` and `ORACLE_STEPS` replay or lengthen a run.

mod common;

use chrono::Datelike;
use common::{numbers, scalar, TestApp};
use diesel::prelude::*;
use formation::db::schema::{enrollments, modules, organizations, people, training_sessions};
use formation::db::DbConn;
use formation::domain::access::Actor;
use formation::domain::accounts::Role;
use formation::domain::capacity::{self, CapacityFilter};
use formation::domain::coverage::{self, CoverageFilter};
use formation::domain::plans;
use formation::domain::read_model::{self, Source};
use formation::domain::tree::{self, TreeFilter};
use formation::domain::PageRequest;
use formation::seed::demo::DEMO_PASSWORD;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use serde_json::{json, Value};

/// What the run picks from, read once from the demo data.
struct Picks {
    people: Vec<i64>,
    sessions: Vec<i64>,
    modules: Vec<String>,
    organizations: Vec<String>,
    domains: Vec<String>,
    profiles: Vec<String>,
    admin: String,
    year: i32,
}

fn picks(app: &TestApp) -> Picks {
    let mut conn = app.conn();
    let conn: &mut DbConn = &mut conn;
    let year = chrono::Utc::now().year();
    let profiles: Vec<String> = people::table
        .filter(people::profile.is_not_null())
        .select(people::profile.assume_not_null())
        .distinct()
        .load(conn)
        .unwrap();
    Picks {
        people: people::table.select(people::id).load(conn).unwrap(),
        sessions: training_sessions::table
            .select(training_sessions::id)
            .load(conn)
            .unwrap(),
        modules: modules::table.select(modules::code).load(conn).unwrap(),
        organizations: organizations::table
            .select(organizations::code)
            .load(conn)
            .unwrap(),
        domains: formation::db::schema::domains::table
            .select(formation::db::schema::domains::code)
            .load(conn)
            .unwrap(),
        profiles,
        admin: app.token("admin@formation.example", DEMO_PASSWORD),
        year,
    }
}

fn pick<T: Clone>(rng: &mut StdRng, items: &[T]) -> T {
    items.choose(rng).expect("something to pick").clone()
}

/// A day of the year, as the plans write it.
fn day_in(rng: &mut StdRng, year: i32) -> String {
    format!(
        "{year}-{:02}-{:02}",
        rng.gen_range(1..=12),
        rng.gen_range(1..=28)
    )
}

/// One random write: (method, path, body).
fn draw(rng: &mut StdRng, app: &TestApp, picks: &Picks) -> (&'static str, String, Value) {
    let live: Vec<(i64, String)> = enrollments::table
        .filter(enrollments::status.eq_any(["confirmed", "waitlisted", "pending_approval"]))
        .select((enrollments::id, enrollments::status))
        .load(&mut *app.conn())
        .unwrap();
    let year = picks.year + rng.gen_range(0..=1);
    match rng.gen_range(0..100) {
        0..=29 => enroll(rng, app, picks),
        30..=39 if !live.is_empty() => {
            let (id, status) = pick(rng, &live);
            let action = match status.as_str() {
                "pending_approval" if rng.gen_bool(0.5) => "approve",
                "pending_approval" => "refuse",
                _ => "cancel",
            };
            (
                "POST",
                format!("/api/v1/enrollments/{id}/{action}"),
                json!({ "reason": "oracle" }),
            )
        }
        40..=54 => attendance(rng, app, picks),
        55..=64 => {
            let items: Vec<Value> = (0..rng.gen_range(0..=4))
                .map(|_| json!({ "module": pick(rng, &picks.modules), "target_on": day_in(rng, year) }))
                .collect();
            (
                "PUT",
                format!("/api/v1/people/{}/plans/{year}", pick(rng, &picks.people)),
                json!({ "status": "agreed", "items": items }),
            )
        }
        65..=72 => {
            let targets: Vec<Value> = (0..rng.gen_range(0..=5))
                .map(|_| {
                    let profile = rng.gen_bool(0.5).then(|| pick(rng, &picks.profiles));
                    json!({
                        "module": pick(rng, &picks.modules),
                        "profile": profile,
                        "headcount": rng.gen_range(1..=30),
                        "due_on": day_in(rng, year),
                    })
                })
                .collect();
            (
                "PUT",
                format!(
                    "/api/v1/organizations/{}/plans/{year}",
                    pick(rng, &picks.organizations)
                ),
                json!({ "status": "agreed", "targets": targets }),
            )
        }
        73..=80 => {
            let change = match rng.gen_range(0..4) {
                0 => json!({ "language": pick(rng, &["fr", "nl", "en"]) }),
                1 => json!({ "active": rng.gen_bool(0.5) }),
                _ => json!({ "profile": pick(rng, &picks.profiles) }),
            };
            let person = pick(rng, &picks.people);
            ("PATCH", format!("/api/v1/people/{person}"), change)
        }
        97 => (
            "POST",
            format!("/api/v1/people/{}/anonymise", pick(rng, &picks.people)),
            Value::Null,
        ),
        81..=85 => (
            "PATCH",
            format!("/api/v1/modules/{}", pick(rng, &picks.modules)),
            json!({ "assessed": rng.gen_bool(0.5) }),
        ),
        86..=95 => {
            let start = format!("{}T09:00:00Z", day_in(rng, year));
            let end = start.replace("T09", "T12");
            (
                "PATCH",
                format!("/api/v1/sessions/{}", pick(rng, &picks.sessions)),
                json!({ "starts_at": start, "ends_at": end, "registration_closes_at": start }),
            )
        }
        96 => (
            "POST",
            format!("/api/v1/sessions/{}/cancel", pick(rng, &picks.sessions)),
            Value::Null,
        ),
        _ => enroll(rng, app, picks),
    }
}

/// An enrolment the rules may accept: a session's own people for an end-user session, the
/// domain's key users for a train-the-trainer one (others are refused, and tried too).
fn enroll(rng: &mut StdRng, app: &TestApp, picks: &Picks) -> (&'static str, String, Value) {
    let session = pick(rng, &picks.sessions);
    let candidates = format!(
        "SELECT p.id AS n FROM training_sessions s JOIN modules m ON m.id = s.module_id
         JOIN people p ON (m.tier = 'end_user' AND p.organization_id = s.organizer_id)
           OR (m.tier = 'trainer' AND p.id IN (SELECT k.person_id FROM key_users k
                WHERE k.domain_id = m.domain_id AND k.status <> 'withdrawn'))
         WHERE s.id = {session}"
    );
    let people = numbers(&mut app.conn(), &candidates);
    let person = if people.is_empty() || rng.gen_bool(0.1) {
        pick(rng, &picks.people)
    } else {
        pick(rng, &people)
    };
    (
        "POST",
        format!("/api/v1/sessions/{session}/enrollments"),
        json!({ "person_id": person }),
    )
}

/// Attendance for up to three of a session's seat holders, with random results.
fn attendance(rng: &mut StdRng, app: &TestApp, picks: &Picks) -> (&'static str, String, Value) {
    let session = pick(rng, &picks.sessions);
    let holders: Vec<i64> = enrollments::table
        .filter(enrollments::session_id.eq(session))
        .filter(enrollments::status.eq_any(["confirmed", "attended", "absent"]))
        .select(enrollments::person_id)
        .load(&mut *app.conn())
        .unwrap();
    let results = [None, Some(true), Some(false)];
    let lines: Vec<Value> = holders
        .choose_multiple(rng, 3)
        .map(|p| {
            let passed = results[rng.gen_range(0..3)];
            json!({ "person_id": p, "attended": rng.gen_bool(0.7), "passed": passed })
        })
        .collect();
    (
        "PUT",
        format!("/api/v1/sessions/{session}/attendance"),
        Value::Array(lines),
    )
}

/// The planner, and an HR officer of the organisation with the most people.
fn readers(conn: &mut DbConn) -> Vec<Actor> {
    let planner = Actor {
        account_id: 0,
        role: Role::Planner,
        organization_id: None,
        person_id: None,
    };
    let largest: i64 = people::table
        .group_by(people::organization_id)
        .select(people::organization_id)
        .order(diesel::dsl::count_star().desc())
        .first(conn)
        .unwrap();
    let hr = Actor {
        role: Role::Hr,
        organization_id: Some(largest),
        ..planner.clone()
    };
    vec![planner, hr]
}

/// Both computations of one report, as JSON, side by side.
fn both<T: Serialize>(
    conn: &mut DbConn,
    report: impl Fn(&mut DbConn, Source) -> Result<T, formation::error::AppError>,
) -> (Value, Value) {
    let mut json = |source| match report(conn, source) {
        Ok(value) => serde_json::to_value(value).unwrap(),
        Err(error) => json!({ "error": format!("{error:?}") }),
    };
    (json(Source::ReadModel), json(Source::Enrollments))
}

/// Every capacity filter the run compares: each granularity, alone and narrowed by domain,
/// tier, language and organisation.
fn capacity_filters(picks: &Picks, rng: &mut StdRng) -> Vec<CapacityFilter> {
    let mut filters = Vec::new();
    for year in [picks.year, picks.year + 1] {
        for granularity in ["month", "quarter", "year"] {
            let all = CapacityFilter {
                year: Some(year),
                granularity: Some(granularity.into()),
                ..CapacityFilter::default()
            };
            filters.push(CapacityFilter {
                domain: Some(pick(rng, &picks.domains)),
                tier: Some(pick(rng, &["trainer".to_owned(), "end_user".to_owned()])),
                language: Some(pick(rng, &["fr".to_owned(), "nl".to_owned()])),
                ..all.clone()
            });
            filters.push(CapacityFilter {
                organization: Some(pick(rng, &picks.organizations)),
                ..all.clone()
            });
            filters.push(all);
        }
    }
    filters
}

/// Every report from the read model equals the oracle's; the differing reports otherwise.
fn compare_reports(app: &TestApp, picks: &Picks, rng: &mut StdRng) -> Vec<String> {
    let mut conn = app.conn();
    let conn: &mut DbConn = &mut conn;
    let mut differing = Vec::new();
    let mut check = |what: String, (model, oracle): (Value, Value)| {
        if model != oracle {
            differing.push(format!(
                "{what}:\n  read model {model}\n  oracle     {oracle}"
            ));
        }
    };
    for actor in readers(conn) {
        let who = format!("{:?}", actor.role);
        for filter in capacity_filters(picks, rng) {
            let what = format!("{who} capacity {filter:?}");
            check(
                what,
                both(conn, |c, s| capacity::report_from(c, &actor, &filter, s)),
            );
            if let (Some(_), Some(_), Some(_)) = (&filter.domain, &filter.tier, &filter.language) {
                let report = capacity::report(conn, &actor, &filter).unwrap();
                for period in &report.periods {
                    let what = format!("{who} capacity cell {period} {filter:?}");
                    let cell = |c: &mut DbConn, s| {
                        capacity::cell_from(c, &actor, &filter, Some(period.as_str()), s)
                    };
                    check(what, both(conn, cell));
                }
            }
        }
        let all = CoverageFilter::default();
        check(
            format!("{who} coverage"),
            both(conn, |c, s| coverage::coverage_from(c, &actor, &all, s)),
        );
        check(
            format!("{who} at risk"),
            both(conn, |c, s| coverage::at_risk_from(c, &actor, s)),
        );
        for domain in picks.domains.choose_multiple(rng, 2) {
            let filters = [
                TreeFilter {
                    domain: Some(domain.clone()),
                    ..TreeFilter::default()
                },
                TreeFilter {
                    domain: Some(domain.clone()),
                    organization: Some(pick(rng, &picks.organizations)),
                    q: Some(pick(rng, &["a", "de", "zz"]).to_owned()),
                },
            ];
            for filter in filters {
                for page in [None, Some(PageRequest::new(Some(2), Some(5)))] {
                    check(
                        format!("{who} tree {filter:?} {page:?}"),
                        both(conn, |c, s| tree::tree_from(c, &actor, &filter, page, s)),
                    );
                }
            }
        }
        for year in [picks.year, picks.year + 1] {
            check(
                format!("{who} plans overview {year}"),
                both(conn, |c, s| plans::overview_from(c, &actor, year, s)),
            );
            for code in picks.organizations.choose_multiple(rng, 4) {
                let plan = |c: &mut DbConn, s| plans::collective_from(c, &actor, code, year, s);
                check(
                    format!("{who} collective plan {code} {year}"),
                    both(conn, plan),
                );
            }
        }
    }
    differing.extend(read_model::differences(conn).unwrap());
    differing
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

db_test!(every_report_equals_its_oracle_over_random_writes, |db| {
    let app = TestApp::start_demo(db);
    let picks = picks(&app);
    let seed: u64 = env_or("ORACLE_SEED", 20261203);
    let steps: usize = env_or("ORACLE_STEPS", 300);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut changes = std::collections::BTreeMap::<String, usize>::new();
    let started = std::time::Instant::now();
    for step in 0..steps {
        let (method, path, body) = draw(&mut rng, &app, &picks);
        let (status, answer) = app.api(method, &path, Some(&picks.admin), Some(body));
        assert!(
            status.code < 500,
            "step {step}: {method} {path} → {status} {answer}"
        );
        if std::env::var("ORACLE_VERBOSE").is_ok() && !status.class().is_success() {
            eprintln!("{method} {path} → {status} {answer}");
        }
        if status.class().is_success() {
            let kind: String = path
                .split('/')
                .filter(|p| p.parse::<i64>().is_err())
                .collect();
            *changes.entry(format!("{method} {kind}")).or_default() += 1;
        }
        if step % 50 == 49 || step + 1 == steps {
            let differing = compare_reports(&app, &picks, &mut rng);
            assert!(
                differing.is_empty(),
                "step {step} (seed {seed}): {} reports differ from the oracle:\n{}",
                differing.len(),
                differing.join("\n")
            );
        }
    }
    eprintln!(
        "oracle: {steps} steps, changes {changes:?}, {:?}",
        started.elapsed()
    );
    // The run moved what the reports count: attendance, plans, profiles, dates.
    for kind in [
        "attendance",
        "plans",
        "PATCH apiv1people",
        "PATCH apiv1sessions",
    ] {
        assert!(
            changes.iter().any(|(k, n)| k.contains(kind) && *n > 0),
            "no successful {kind} in {changes:?}"
        );
    }
    let trained = scalar(
        &mut app.conn(),
        "SELECT COUNT(*) AS n FROM module_progress WHERE progress = 3",
    );
    assert!(trained > 0, "someone is trained");
});
