//! Plans and what is computed from them, on small worlds built by hand: individual and
//! collective plans with their derived statuses, the capacity view (DESIGN §4 rule 6) with
//! every number worked out in advance, and the trained-headcount report.

mod common;

use common::TestApp;
use formation::db::DbConn;
use formation::domain::cascade::KeyUserStatus;
use formation::domain::catalogue::{self, Tier};
use formation::domain::enrollments::EnrollmentStatus;
use formation::domain::organizations::{self as orgs, MembershipStatus};
use formation::domain::people::PersonLanguage;
use formation::domain::sessions::SessionStatus;
use formation::domain::Language;
use rocket::http::Status;
use serde_json::Value;

use common::world::{
    enroll, enroll_with, module, person, session, staff_accounts, World, PASSWORD,
};

/// Rows as `(period, tier, language) → [demand, capacity, seats_taken, free_seats, gap]`.
fn rows(body: &Value) -> Vec<(String, [i64; 5])> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let n = |k: &str| r[k].as_i64().unwrap();
            (
                format!(
                    "{} {} {}",
                    r["period"].as_str().unwrap(),
                    r["tier"].as_str().unwrap(),
                    r["language"].as_str().unwrap()
                ),
                [
                    n("demand"),
                    n("capacity"),
                    n("seats_taken"),
                    n("free_seats"),
                    n("gap"),
                ],
            )
        })
        .collect()
}

/// The hand-computed world of the capacity view, and a planner's token.
///
/// Anderlecht: five active people (fr 3, nl 1, en 1; three in finance) and one inactive;
/// Ixelles: one Dutch-, one French-speaking. S1 starts at 00:30 on 1 April in Brussels, still
/// 31 March in UTC: the second quarter. S2 at 23:30 on 30 June in Brussels (21:30 UTC), the
/// quarter's last day. A draft offers no seats; a session of 1 July in Brussels is the third
/// quarter's.
fn capacity_world(db: common::TestDatabase) -> (TestApp, String) {
    use EnrollmentStatus::{Confirmed, PendingApproval, Waitlisted};
    use SessionStatus::{Draft, Published};
    let app = TestApp::start(db);
    {
        let mut conn = app.conn();
        staff_accounts(&mut conn);
        World::new(&mut conn)
            .module("EU-CAP", "finance", Tier::EndUser)
            .module("KU-CAP", "finance", Tier::Trainer)
            .people(&["a1", "a2", "a3"], "anderlecht", "finance")
            .people(&["a4", "a5"], "anderlecht", "hr")
            .person("a6", "anderlecht", "finance")
            .people(&["b1", "b2"], "ixelles", "finance")
            .speaking("a2", PersonLanguage::Nl)
            .speaking("a4", PersonLanguage::En)
            .speaking("a6", PersonLanguage::Nl)
            .inactive("a6")
            .speaking("b1", PersonLanguage::Nl)
            .session(
                "s1",
                "EU-CAP",
                "anderlecht",
                "2031-03-31 22:30",
                1,
                Published,
            )
            .session(
                "s2",
                "EU-CAP",
                "anderlecht",
                "2031-06-30 21:30",
                4,
                Published,
            )
            .in_language("s2", Language::Nl)
            .session("s3", "KU-CAP", "erap", "2031-02-10 08:00", 2, Published)
            .in_language("s3", Language::Bilingual)
            .session(
                "draft",
                "EU-CAP",
                "anderlecht",
                "2031-05-05 08:00",
                20,
                Draft,
            )
            .session(
                "july",
                "EU-CAP",
                "ixelles",
                "2031-06-30 22:30",
                3,
                Published,
            )
            .enrolled("s3", "a1", Confirmed, None)
            .enrolled("s3", "b1", Confirmed, None)
            .enrolled("s3", "a3", Waitlisted, None)
            .enrolled("s3", "b2", PendingApproval, None)
            .enrolled("s1", "a1", Confirmed, None)
            .enrolled("s1", "a3", Waitlisted, None)
            .enrolled("s1", "a5", Waitlisted, None)
            .enrolled("s2", "a2", Confirmed, None)
            .plan_item("a3", "EU-CAP", "2031-05-10") // counted, and a3's Q2 waiting is not
            .plan_item("a1", "EU-CAP", "2031-04-15") // a1 holds a seat: not counted
            .plan_item("a4", "EU-CAP", "2031-09-30") // Q3, English
            .plan_item("a5", "EU-CAP", "2031-08-01") // Q3; a5's Q2 waiting still counts in Q2
            .plan_item("b2", "KU-CAP", "2031-02-01") // Q1; b2's pending request is the same need
            .plan_item("a6", "EU-CAP", "2031-05-01") // inactive: not counted
            // Anderlecht wants six finance people on EU by mid-June.
            .target("anderlecht", "EU-CAP", Some("finance"), 6, "2031-06-15")
            // Go-lives: Anderlecht on 15 August (3 key users needed, 2 ready), Ixelles on
            // 15 February 2032 (2 needed, 1 ready).
            .membership(
                "anderlecht",
                "finance",
                MembershipStatus::Joined,
                "2031-08-15",
                3,
            )
            .membership(
                "ixelles",
                "finance",
                MembershipStatus::Joined,
                "2032-02-15",
                2,
            )
            .key_user("a1", "finance", KeyUserStatus::InTraining) // seated in S3: ready
            .key_user("a2", "finance", KeyUserStatus::Certified) // ready
            .key_user("a3", "finance", KeyUserStatus::Nominated) // waiting only: not ready
            .key_user("b1", "finance", KeyUserStatus::InTraining) // seated in S3: ready
            .build();
    }
    let planner = app.token("planner@erap.example", PASSWORD);
    (app, planner)
}

/// The quarterly capacity of finance in 2031, as the planner sees it.
fn quarter_report(app: &TestApp, planner: &str) -> Value {
    let (status, body) = app.api(
        "GET",
        "/api/v1/capacity?year=2031&granularity=quarter&domain=finance",
        Some(planner),
        None,
    );
    assert_eq!(status, Status::Ok, "{body}");
    body
}

/// The rows of `quarter_report`, worked out by hand.
fn expected_quarter_rows() -> Vec<(String, [i64; 5])> {
    [
        // Q1: a3 waiting for KU (Anderlecht) + b2's plan item (Ixelles), in French; the
        // bilingual session is full.
        ("2031-Q1 trainer bilingual", [0, 2, 2, 0, 0]),
        ("2031-Q1 trainer fr", [2, 0, 0, 0, 2]),
        // Q2 end users, French: a3 planned + a5 waiting + 2 of the collective shortfall
        // (6 − a1, a2 seated − a3 counted = 3, spread fr 2 / nl 1 over the finance staff);
        // S1 offers its one seat, taken. Ixelles' session of 1 July (Brussels) is Q3.
        ("2031-Q2 end_user fr", [4, 1, 1, 0, 4]),
        // Dutch: 1 of the shortfall, served by S2 only (3 free seats), not by French seats.
        ("2031-Q2 end_user nl", [1, 4, 1, 3, -2]),
        // Anderlecht's go-live on 15 August is 46 days after 30 June: 1 key user missing.
        ("2031-Q2 trainer fr", [1, 0, 0, 0, 1]),
        ("2031-Q3 end_user en", [1, 0, 0, 0, 1]),
        ("2031-Q3 end_user fr", [1, 3, 0, 3, -2]),
        // Ixelles' go-live on 15 February 2032 is 46 days after 31 December.
        ("2031-Q4 trainer fr", [1, 0, 0, 0, 1]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Totals as `(period, demand, capacity, free_seats, gap)`.
fn totals(body: &Value) -> Vec<(String, i64, i64, i64, i64)> {
    body["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let n = |k: &str| t[k].as_i64().unwrap();
            (
                t["period"].as_str().unwrap().to_owned(),
                n("demand"),
                n("capacity"),
                n("free_seats"),
                n("gap"),
            )
        })
        .collect()
}

/// The suggestion for the second quarter's French end-user gap.
fn q2_french_suggestion(body: &Value) -> Value {
    body["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["period"] == "2031-Q2" && s["tier"] == "end_user" && s["language"] == "fr")
        .cloned()
        .expect("a suggestion for the Q2 gap")
}

db_test!(capacity_by_quarter_matches_the_hand_computed_world, |db| {
    let (app, planner) = capacity_world(db);
    let body = quarter_report(&app, &planner);
    let mut actual = rows(&body);
    actual.sort();
    assert_eq!(actual, expected_quarter_rows(), "{body:#}");
    assert_eq!(
        totals(&body),
        vec![
            ("2031-Q1".into(), 2, 2, 0, 2),
            ("2031-Q2".into(), 6, 5, 3, 3),
            ("2031-Q3".into(), 2, 3, 3, -1),
            ("2031-Q4".into(), 1, 0, 0, 1),
            ("2031".into(), 11, 10, 6, 5),
        ]
    );
    assert_eq!(body["items"][2]["fill_rate"], 100.0);
});

db_test!(capacity_for_the_whole_year_is_one_period, |db| {
    let (app, planner) = capacity_world(db);
    // The whole year as one period (was a SQL syntax error: a CASE without WHEN): the seats
    // the quarters add up to; the page and the CSV answer too.
    let (status, by_year) = app.api(
        "GET",
        "/api/v1/capacity?year=2031&granularity=year&domain=finance",
        Some(&planner),
        None,
    );
    assert_eq!(status, Status::Ok, "{by_year}");
    let year_total = by_year["totals"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(year_total["period"], "2031");
    assert_eq!(
        (
            year_total["capacity"].as_i64(),
            year_total["free_seats"].as_i64()
        ),
        (Some(10), Some(6))
    );
    assert!(by_year["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["period"] == "2031"));
    for format in ["", "&format=csv"] {
        let response = app
            .client
            .get(format!("/capacity?year=2031&granularity=year{format}"))
            .header(rocket::http::Header::new(
                "Authorization",
                format!("Bearer {planner}"),
            ))
            .dispatch();
        assert_eq!(response.status(), Status::Ok, "/capacity{format}");
    }
});

db_test!(capacity_cells_show_who_and_what_is_behind_a_row, |db| {
    let (app, planner) = capacity_world(db);
    // Drill-down: who and what is behind Q2's French end-user demand of 4, and the go-live.
    let cell = |query: &str| {
        app.api(
            "GET",
            &format!("/api/v1/capacity/cell?year=2031&domain=finance&{query}"),
            Some(&planner),
            None,
        )
    };
    let (status, detail) = cell("period=2031-Q2&tier=end_user&language=fr");
    assert_eq!(status, Status::Ok, "{detail}");
    let people: Vec<(String, String, String)> = detail["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["full_name"].as_str().unwrap().to_owned(),
                p["source"].as_str().unwrap().to_owned(),
                p["on"].as_str().unwrap()[..10].to_owned(),
            )
        })
        .collect();
    assert_eq!(
        people,
        vec![
            (
                "a3".to_owned(),
                "planned".to_owned(),
                "2031-05-10".to_owned()
            ),
            (
                "a5".to_owned(),
                "waiting".to_owned(),
                "2031-03-31".to_owned()
            ),
        ]
    );
    let shortfall = &detail["shortfalls"][0];
    assert_eq!(
        (
            shortfall["organization"].as_str(),
            shortfall["module"].as_str(),
            shortfall["wanted"].as_i64(),
            shortfall["already"].as_i64(),
            shortfall["need"].as_i64()
        ),
        (
            Some("anderlecht"),
            Some("EU-CAP"),
            Some(6),
            Some(3),
            Some(2)
        )
    );
    assert_eq!(detail["row"]["demand"], 4);
    let (_, go_live) = cell("period=2031-Q2&tier=trainer&language=fr");
    assert_eq!(
        go_live["shortfalls"].as_array().unwrap().len(),
        1,
        "{go_live}"
    );
    assert!(go_live["shortfalls"][0]["module"].is_null());
    assert_eq!(
        (
            go_live["shortfalls"][0]["wanted"].as_i64(),
            go_live["shortfalls"][0]["already"].as_i64(),
            go_live["shortfalls"][0]["need"].as_i64()
        ),
        (Some(3), Some(2), Some(1))
    );
    let (status, missing) = cell("tier=end_user");
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(
        missing["error"]["fields"]["period"].is_array()
            && missing["error"]["fields"]["language"].is_array(),
        "{missing}"
    );
    let (status, unknown) = cell("period=2031-Q9&tier=end_user&language=fr");
    assert_eq!(status, Status::UnprocessableEntity, "{unknown}");
});

db_test!(
    capacity_suggestions_become_drafts_that_offer_no_seats,
    |db| {
        let (app, planner) = capacity_world(db);
        let body = quarter_report(&app, &planner);
        // Suggestions: Q2's French end-user gap of 4, at EU-CAP's usual 2 seats (8 seats over 3
        // sessions), organised by the organisation with most demand.
        let suggestion = q2_french_suggestion(&body);
        assert_eq!(
            (
                suggestion["module"].as_str(),
                suggestion["sessions"].as_i64(),
                suggestion["capacity"].as_i64(),
                suggestion["organizer"].as_str(),
                suggestion["month"].as_str()
            ),
            (
                Some("EU-CAP"),
                Some(2),
                Some(2),
                Some("anderlecht"),
                Some("2031-04")
            )
        );
        assert!(body["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["gap"].as_i64() > Some(0) && s["language"] != "bilingual"));
        let (status, refused) = app.api(
            "POST",
            "/api/v1/capacity/suggestions",
            Some(&planner),
            Some(suggestion.clone()),
        );
        assert_eq!(status, Status::Conflict, "no venue yet: {refused}");
        {
            let mut conn = app.conn();
            catalogue::insert_venue(
                &mut conn,
                catalogue::NewVenue {
                    name: "Salle",
                    address: "Rue 1",
                    seats: 12,
                },
            )
            .unwrap();
        }
        let (status, created) = app.api(
            "POST",
            "/api/v1/capacity/suggestions",
            Some(&planner),
            Some(suggestion),
        );
        assert_eq!(status, Status::Created, "{created}");
        assert_eq!(created["total"], 2);
        let (_, draft) = app.api(
            "GET",
            &format!("/api/v1/sessions/{}", created["items"][0]),
            Some(&planner),
            None,
        );
        assert_eq!(
            (
                draft["status"].as_str(),
                draft["language"].as_str(),
                draft["capacity"].as_i64(),
                draft["organizer"].as_str()
            ),
            (Some("draft"), Some("fr"), Some(2), Some("anderlecht")),
            "{draft}"
        );
        assert!(
            draft["starts_at"]
                .as_str()
                .unwrap()
                .starts_with("2031-04-01T07:00:00"),
            "9:00 in Brussels: {draft}"
        );
        let (status, _) = app.api("POST", "/api/v1/capacity/suggestions", Some(&planner), Some(serde_json::json!({"period": "x", "domain": "finance", "tier": "end_user", "language": "fr", "module": "EU-CAP", "month": "April", "sessions": 0, "capacity": 2, "organizer": "anderlecht", "gap": 1})));
        assert_eq!(status, Status::UnprocessableEntity);
        // The two drafts just created add no seats to April.
        months_follow_brussels_time(&app, &planner);
    }
);

/// Months: S1 belongs to April (Brussels), S2 to June, Ixelles' session to July; drafts offer
/// no seats.
fn months_follow_brussels_time(app: &TestApp, planner: &str) {
    let (_, months) = app.api(
        "GET",
        "/api/v1/capacity?year=2031&granularity=month&domain=finance&tier=end_user",
        Some(planner),
        None,
    );
    let mut month_rows = rows(&months);
    month_rows.sort();
    let capacity_by_month: Vec<(String, i64)> = month_rows
        .iter()
        .filter(|(_, v)| v[1] > 0)
        .map(|(k, v)| (k.clone(), v[1]))
        .collect();
    assert_eq!(
        capacity_by_month,
        vec![
            ("2031-04 end_user fr".to_owned(), 1),
            ("2031-06 end_user nl".to_owned(), 4),
            ("2031-07 end_user fr".to_owned(), 3),
        ]
    );
}

db_test!(
    capacity_narrows_to_one_organisation_and_hr_sees_only_its_own,
    |db| {
        let (app, planner) = capacity_world(db);
        // One organisation: Ixelles' needs, and the trainer-tier sessions open to all.
        let (_, ixelles) = app.api(
            "GET",
            "/api/v1/capacity?year=2031&domain=finance&organization=ixelles&language=fr",
            Some(&planner),
            None,
        );
        let mut ixelles_rows = rows(&ixelles);
        ixelles_rows.sort();
        assert_eq!(
            ixelles_rows,
            vec![
                ("2031-Q1 trainer fr".to_owned(), [1, 0, 0, 0, 1]),
                ("2031-Q3 end_user fr".to_owned(), [0, 3, 0, 3, -3]),
                ("2031-Q4 trainer fr".to_owned(), [1, 0, 0, 0, 1]),
            ]
        );

        // HR sees its own organisation, whatever it asks; another one's is not found; it does
        // not turn suggestions into sessions.
        let hr = app.token("hr@anderlecht.example", PASSWORD);
        let (status, own) = app.api(
            "GET",
            "/api/v1/capacity?year=2031&domain=finance",
            Some(&hr),
            None,
        );
        assert_eq!(status, Status::Ok);
        assert!(
            rows(&own).iter().all(|(k, _)| !k.starts_with("2031-Q4")),
            "{own:#}"
        );
        let (status, _) = app.api(
            "GET",
            "/api/v1/capacity?year=2031&organization=ixelles",
            Some(&hr),
            None,
        );
        assert_eq!(status, Status::NotFound);
        let suggestion = q2_french_suggestion(&quarter_report(&app, &planner));
        let (status, _) = app.api(
            "POST",
            "/api/v1/capacity/suggestions",
            Some(&hr),
            Some(suggestion),
        );
        assert_eq!(status, Status::Forbidden);
    }
);

db_test!(capacity_filters_name_the_bad_field, |db| {
    let (app, planner) = capacity_world(db);
    // Bad filters name their field.
    for (query, field) in [
        ("granularity=week", "granularity"),
        ("domain=nope", "domain"),
        ("tier=boss", "tier"),
        ("language=de", "language"),
        ("year=1900", "year"),
    ] {
        let (status, body) = app.api(
            "GET",
            &format!("/api/v1/capacity?{query}"),
            Some(&planner),
            None,
        );
        assert_eq!(status, Status::UnprocessableEntity, "{query}");
        assert!(body["error"]["fields"][field].is_array(), "{query}: {body}");
    }
});

db_test!(capacity_page_cell_page_and_csv_show_the_report, |db| {
    let (app, planner) = capacity_world(db);
    // The page has a chart and the organisations behind the rows, the cell page the people
    // and targets behind one row, and the CSV one line per row.
    let mut browser = app.sign_in("planner@erap.example", PASSWORD);
    let (status, html) = app.visit(&mut browser, "/capacity?year=2031&domain=finance");
    assert_eq!(status, Status::Ok);
    assert!(html.contains("<svg"), "a chart");
    assert!(
        html.contains("anderlecht") && html.contains("ixelles"),
        "drill-down"
    );
    let (status, html) = app.visit(
        &mut browser,
        "/capacity/cell?year=2031&period=2031-Q2&domain=finance&tier=end_user&language=fr",
    );
    assert_eq!(status, Status::Ok);
    assert!(
        html.contains("a3") && html.contains("EU-CAP"),
        "people and targets behind the row"
    );
    let csv = app
        .client
        .get("/api/v1/capacity?year=2031&domain=finance&format=csv")
        .header(rocket::http::Header::new(
            "Authorization",
            format!("Bearer {planner}"),
        ))
        .dispatch()
        .into_string()
        .unwrap();
    assert_eq!(
        csv.lines().count(),
        1 + expected_quarter_rows().len(),
        "{csv}"
    );
});

/// Four completed sessions of 2023 and 2024 (in Brussels) and who attended them.
fn trained_world(db: common::TestDatabase) -> TestApp {
    let app = TestApp::start(db);
    {
        let mut conn = app.conn();
        let conn: &mut DbConn = &mut conn;
        staff_accounts(conn);
        let a = orgs::id_by_code(conn, "anderlecht").unwrap().unwrap();
        let b = orgs::id_by_code(conn, "ixelles").unwrap().unwrap();
        let plain = module(conn, "finance", "FIN-PLAIN", Tier::EndUser, false);
        let exam = module(conn, "finance", "FIN-EXAM", Tier::EndUser, true);
        let hr_module = module(conn, "soft-hr", "HR-PLAIN", Tier::EndUser, false);
        let t1 = person(conn, a, "t1", PersonLanguage::Fr, "finance");
        let t2 = person(conn, a, "t2", PersonLanguage::Nl, "hr");
        let t3 = person(conn, a, "t3", PersonLanguage::Fr, "finance");
        let t4 = person(conn, b, "t4", PersonLanguage::Fr, "finance");
        let x1 = session(
            conn,
            plain,
            a,
            Language::Fr,
            "2023-06-01 08:00",
            10,
            3,
            SessionStatus::Completed,
        );
        // 00:30 on 1 January 2024 in Brussels: a 2024 session.
        let x2 = session(
            conn,
            exam,
            a,
            Language::Fr,
            "2023-12-31 23:30",
            10,
            3,
            SessionStatus::Completed,
        );
        let x3 = session(
            conn,
            hr_module,
            a,
            Language::Fr,
            "2024-03-01 08:00",
            10,
            2,
            SessionStatus::Completed,
        );
        let x4 = session(
            conn,
            plain,
            a,
            Language::Fr,
            "2024-05-01 08:00",
            10,
            1,
            SessionStatus::Completed,
        );
        use EnrollmentStatus::{Absent, Attended, Confirmed};
        enroll_with(conn, x1, t1, Attended, None);
        enroll_with(conn, x1, t2, Attended, None);
        enroll_with(conn, x1, t3, Absent, None);
        enroll_with(conn, x2, t1, Attended, Some(true));
        enroll_with(conn, x2, t3, Attended, Some(false)); // failed an assessed module
        enroll_with(conn, x2, t4, Attended, Some(true));
        enroll_with(conn, x3, t1, Attended, None);
        enroll_with(conn, x3, t2, Confirmed, None);
        enroll_with(conn, x4, t1, Attended, None); // t1 again in finance, 2024: once
    }
    app
}

/// The trained-headcount report for a query: its status, its rows as
/// `year domain tier organization profile people`, and its totals as `(year, people)`.
fn trained_rows(app: &TestApp, query: &str, token: &str) -> (Status, Vec<String>, Vec<(i64, i64)>) {
    let (status, body) = app.api(
        "GET",
        &format!("/api/v1/reports/trained?{query}"),
        Some(token),
        None,
    );
    let items = body["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|r| {
                    format!(
                        "{} {} {} {} {} {}",
                        r["year"],
                        r["domain"].as_str().unwrap(),
                        r["tier"].as_str().unwrap(),
                        r["organization"].as_str().unwrap(),
                        r["profile"].as_str().unwrap_or("-"),
                        r["people"]
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let totals = body["totals"]
        .as_array()
        .map(|t| {
            t.iter()
                .map(|r| (r["year"].as_i64().unwrap(), r["people"].as_i64().unwrap()))
                .collect()
        })
        .unwrap_or_default();
    (status, items, totals)
}

db_test!(
    trained_report_counts_distinct_people_per_brussels_year,
    |db| {
        let app = trained_world(db);
        let planner = app.token("planner@erap.example", PASSWORD);
        let (status, items, totals) = trained_rows(&app, "", &planner);
        assert_eq!(status, Status::Ok);
        assert_eq!(
            items,
            vec![
                "2023 finance end_user anderlecht finance 1",
                "2023 finance end_user anderlecht hr 1",
                "2024 finance end_user anderlecht finance 1",
                "2024 finance end_user ixelles finance 1",
                "2024 soft-hr end_user anderlecht finance 1",
            ]
        );
        // t1 trained in two domains in 2024 counts once in the year's total.
        assert_eq!(totals, vec![(2023, 2), (2024, 2)]);
        let (_, items, _) = trained_rows(&app, "profile=hr", &planner);
        assert_eq!(items, vec!["2023 finance end_user anderlecht hr 1"]);
        let (_, items, totals) = trained_rows(&app, "year=2024&domain=finance", &planner);
        assert_eq!(items.len(), 2);
        assert_eq!(totals, vec![(2024, 2)]);
    }
);

db_test!(
    trained_report_keeps_hr_to_its_own_and_refuses_an_unknown_domain,
    |db| {
        let app = trained_world(db);
        let planner = app.token("planner@erap.example", PASSWORD);
        let hr = app.token("hr@anderlecht.example", PASSWORD);
        let (status, items, _) = trained_rows(&app, "year=2024", &hr);
        assert_eq!(status, Status::Ok);
        assert!(items.iter().all(|r| r.contains("anderlecht")), "{items:?}");
        let (status, _, _) = trained_rows(&app, "organization=ixelles", &hr);
        assert_eq!(status, Status::NotFound);
        let (status, _, _) = trained_rows(&app, "domain=nope", &planner);
        assert_eq!(status, Status::UnprocessableEntity);
    }
);

db_test!(trained_report_page_shows_the_year, |db| {
    let app = trained_world(db);
    let mut browser = app.sign_in("planner@erap.example", PASSWORD);
    let (status, html) = app.visit(&mut browser, "/reports/trained?year=2023");
    assert_eq!(status, Status::Ok);
    assert!(html.contains("anderlecht"));
});

/// Six finance modules and three people of Anderlecht: p1 passed P-DONE, holds a seat in
/// P-SEAT and waits for P-WAIT; p2 failed P-DONE; p3 holds a seat in P-WAIT. Returns the app
/// and p1's and p2's ids.
fn plans_world(db: common::TestDatabase) -> (TestApp, i64, i64) {
    let app = TestApp::start(db);
    let (a1, a2);
    {
        let mut conn = app.conn();
        let conn: &mut DbConn = &mut conn;
        staff_accounts(conn);
        let a = orgs::id_by_code(conn, "anderlecht").unwrap().unwrap();
        let done = module(conn, "finance", "P-DONE", Tier::EndUser, true);
        let seat = module(conn, "finance", "P-SEAT", Tier::EndUser, false);
        let wait = module(conn, "finance", "P-WAIT", Tier::EndUser, false);
        module(conn, "finance", "P-LATER", Tier::EndUser, false);
        module(conn, "finance", "P-PAST", Tier::EndUser, false);
        module(conn, "finance", "P-KU", Tier::Trainer, false);
        a1 = person(conn, a, "p1", PersonLanguage::Fr, "finance");
        a2 = person(conn, a, "p2", PersonLanguage::Nl, "finance");
        let gone_past = person(conn, a, "p3", PersonLanguage::Fr, "hr");
        let s_done = session(
            conn,
            done,
            a,
            Language::Fr,
            "2025-03-03 08:00",
            10,
            2,
            SessionStatus::Completed,
        );
        let s_seat = session(
            conn,
            seat,
            a,
            Language::Fr,
            "2031-03-03 08:00",
            10,
            1,
            SessionStatus::Published,
        );
        let s_wait = session(
            conn,
            wait,
            a,
            Language::Fr,
            "2031-03-04 08:00",
            1,
            1,
            SessionStatus::Published,
        );
        enroll_with(conn, s_done, a1, EnrollmentStatus::Attended, Some(true));
        // p2 attended the assessed module but failed: not done.
        enroll_with(conn, s_done, a2, EnrollmentStatus::Attended, Some(false));
        enroll(conn, s_seat, a1, EnrollmentStatus::Confirmed);
        enroll(conn, s_wait, a1, EnrollmentStatus::Waitlisted);
        enroll(conn, s_wait, gone_past, EnrollmentStatus::Confirmed);
    }
    (app, a1, a2)
}

/// The tokens of Anderlecht's HR, of Ixelles' HR and of a planner.
struct Tokens {
    hr: String,
    other_hr: String,
    planner: String,
}

db_test!(plans_derive_statuses_and_refuse_bad_input, |db| {
    let (app, a1, a2) = plans_world(db);
    let tokens = Tokens {
        hr: app.token("hr@anderlecht.example", PASSWORD),
        other_hr: app.token("hr@ixelles.example", PASSWORD),
        planner: app.token("planner@erap.example", PASSWORD),
    };
    let path = format!("/api/v1/people/{a1}/plans/2025");
    bad_plan_input_is_named_and_changes_nothing(&app, &tokens.hr, &path);
    let plan = plan_items_derive_their_status(&app, &tokens.hr, &path, a2);
    agreeing_is_audited_and_only_its_hr_changes_the_plan(&app, &tokens, &path, &plan);
    collective_plan_shows_progress_per_target(&app, &tokens);
    a_draft_comes_from_the_memberships_once(&app, &tokens.hr);
    the_overview_lines_up_each_organisations_plan(&app, &tokens.planner);
    hr_edits_a_plan_through_the_pages(&app, &tokens.hr, a2);
});

/// Bad input names each field and changes nothing.
fn bad_plan_input_is_named_and_changes_nothing(app: &TestApp, hr: &str, path: &str) {
    let (status, body) = app.api(
        "PUT",
        path,
        Some(hr),
        Some(serde_json::json!({
            "status": "signed",
            "items": [
                {"module": "NOPE"},
                {"module": "P-DONE", "target_on": "2026-01-10"},
                {"module": "P-SEAT", "priority": 7},
                {"module": "P-SEAT", "target_on": "10/01/2025"},
            ]
        })),
    );
    assert_eq!(status, Status::UnprocessableEntity, "{body}");
    let fields = &body["error"]["fields"];
    for field in [
        "status",
        "items[0].module",
        "items[1].target_on",
        "items[2].priority",
        "items[3].module",
        "items[3].target_on",
    ] {
        assert!(fields[field].is_array(), "{field}: {body}");
    }
    let (_, plan) = app.api("GET", path, Some(hr), None);
    assert!(
        plan["status"].is_null() && plan["items"].as_array().unwrap().is_empty(),
        "{plan}"
    );
}

/// A plan with one item of each status (p1's, returned), and p2's planned again.
fn plan_items_derive_their_status(app: &TestApp, hr: &str, path: &str, a2: i64) -> Value {
    let (status, plan) = app.api(
        "PUT",
        path,
        Some(hr),
        Some(serde_json::json!({
            "status": "draft",
            "items": [
                {"module": "P-DONE", "target_on": "2025-02-01", "priority": 1},
                {"module": "P-SEAT", "target_on": "2025-06-01"},
                {"module": "P-WAIT", "target_on": "2025-06-02", "note": "avant l'été"},
                {"module": "P-PAST", "target_on": "2025-01-15", "priority": 3},
            ]
        })),
    );
    assert_eq!(status, Status::Ok, "{plan}");
    let statuses: Vec<(String, String)> = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["module"].as_str().unwrap().to_owned(),
                i["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("P-PAST".to_owned(), "missed".to_owned()),
            ("P-DONE".to_owned(), "done".to_owned()),
            ("P-SEAT".to_owned(), "enrolled".to_owned()),
            ("P-WAIT".to_owned(), "waitlisted".to_owned()),
        ]
    );
    // p2 failed the assessed module: planned for the future, not done.
    let (status, p2) = app.api(
        "PUT",
        &format!("/api/v1/people/{a2}/plans/2031"),
        Some(hr),
        Some(serde_json::json!({
            "items": [{"module": "P-DONE", "target_on": "2031-12-01"}, {"module": "P-LATER"}]
        })),
    );
    assert_eq!(status, Status::Ok, "{p2}");
    assert_eq!(p2["items"][0]["status"], "planned");
    assert_eq!(p2["items"][1]["status"], "planned");
    plan
}

/// Agreeing is audited as such; other HR, planners and members cannot change it.
fn agreeing_is_audited_and_only_its_hr_changes_the_plan(
    app: &TestApp,
    tokens: &Tokens,
    path: &str,
    plan: &Value,
) {
    let Tokens {
        hr,
        other_hr,
        planner,
    } = tokens;
    let items: Vec<Value> = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| serde_json::json!({"module": i["module"], "target_on": i["target_on"]}))
        .collect();
    let agreed = serde_json::json!({"status": "agreed", "items": items});
    let (status, _) = app.api("PUT", path, Some(hr), Some(agreed));
    assert_eq!(status, Status::Ok);
    {
        let mut conn = app.conn();
        assert_eq!(
            common::scalar(
                &mut conn,
                "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'plan.agreed'"
            ),
            1
        );
        assert_eq!(
            common::scalar(
                &mut conn,
                "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'plan.updated'"
            ),
            2
        );
    }
    assert_eq!(
        app.api("GET", path, Some(other_hr), None).0,
        Status::NotFound
    );
    assert_eq!(
        app.api(
            "PUT",
            path,
            Some(other_hr),
            Some(serde_json::json!({"items": []}))
        )
        .0,
        Status::NotFound
    );
    assert_eq!(
        app.api(
            "PUT",
            path,
            Some(planner),
            Some(serde_json::json!({"items": []}))
        )
        .0,
        Status::Forbidden
    );
    assert_eq!(app.api("GET", path, Some(planner), None).0, Status::Ok);
    let csv = app
        .client
        .get(format!("{path}?format=csv"))
        .header(rocket::http::Header::new(
            "Authorization",
            format!("Bearer {hr}"),
        ))
        .dispatch()
        .into_string()
        .unwrap();
    assert_eq!(csv.lines().count(), 5, "{csv}");
}

/// Collective plan: bad targets are named; then progress and status per target.
fn collective_plan_shows_progress_per_target(app: &TestApp, tokens: &Tokens) {
    let collective = "/api/v1/organizations/anderlecht/plans/2031";
    let (status, body) = app.api("PUT", collective, Some(&tokens.hr), Some(serde_json::json!({
        "targets": [{"module": "P-DONE", "headcount": 0}, {"module": "P-SEAT", "due_on": "2030-05-01", "headcount": 2}]
    })));
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(
        body["error"]["fields"]["targets[0].headcount"].is_array()
            && body["error"]["fields"]["targets[1].due_on"].is_array(),
        "{body}"
    );
    let (status, plan) = app.api(
        "PUT",
        collective,
        Some(&tokens.hr),
        Some(serde_json::json!({
            "status": "agreed",
            "targets": [
                {"module": "P-DONE", "headcount": 1, "due_on": "2031-06-30"},
                {"module": "P-DONE", "profile": "finance", "headcount": 2, "due_on": "2031-06-30"},
                {"module": "P-SEAT", "headcount": 3, "due_on": "2031-12-01"},
                {"module": "P-WAIT", "profile": "hr", "headcount": 2, "due_on": "2031-12-01"},
            ]
        })),
    );
    assert_eq!(status, Status::Ok, "{plan}");
    let lines: Vec<(i64, i64, i64, String)> = plan["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["progress"]["trained"].as_i64().unwrap(),
                t["progress"]["seated"].as_i64().unwrap(),
                t["progress"]["planned"].as_i64().unwrap(),
                t["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            // P-DONE, anyone: p1 trained, p2 (failed once) planned again → met.
            (1, 0, 1, "met".to_owned()),
            // P-DONE, finance: p1 trained, p2 planned for 2031 → 2 of 2, on track.
            (1, 0, 1, "on_track".to_owned()),
            // P-SEAT: p1 seated; 1 of 3 → behind.
            (0, 1, 0, "behind".to_owned()),
            // P-WAIT, hr profile: p3 seated → 1 of 2, behind.
            (0, 1, 0, "behind".to_owned()),
        ]
    );
    assert_eq!(
        app.api("GET", collective, Some(&tokens.other_hr), None).0,
        Status::NotFound
    );
    assert_eq!(
        app.api(
            "PUT",
            collective,
            Some(&tokens.planner),
            Some(serde_json::json!({"targets": []}))
        )
        .0,
        Status::Forbidden
    );
}

/// A draft from the memberships, once.
fn a_draft_comes_from_the_memberships_once(app: &TestApp, hr: &str) {
    let (status, draft) = app.api(
        "POST",
        "/api/v1/organizations/anderlecht/plans/2032/draft",
        Some(hr),
        None,
    );
    assert_eq!(status, Status::Created, "{draft}");
    assert_eq!(draft["status"], "draft");
    let modules: Vec<&str> = draft["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["module"].as_str().unwrap())
        .collect();
    assert!(
        modules.contains(&"P-KU") && modules.contains(&"P-LATER"),
        "{draft}"
    );
    assert_eq!(
        app.api(
            "POST",
            "/api/v1/organizations/anderlecht/plans/2032/draft",
            Some(hr),
            None
        )
        .0,
        Status::Conflict
    );
}

/// The overview lines up each organisation's plan.
fn the_overview_lines_up_each_organisations_plan(app: &TestApp, planner: &str) {
    let (status, overview) = app.api("GET", "/api/v1/plans?year=2031", Some(planner), None);
    assert_eq!(status, Status::Ok);
    let anderlecht = overview["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["organization"] == "anderlecht")
        .unwrap();
    assert_eq!(
        (
            anderlecht["targets"].as_i64(),
            anderlecht["met"].as_i64(),
            anderlecht["on_track"].as_i64(),
            anderlecht["behind"].as_i64()
        ),
        (Some(4), Some(1), Some(1), Some(2))
    );
    assert_eq!(anderlecht["status"], "agreed");
}

/// The pages: HR edits through the form; a bad line is named and nothing changes.
fn hr_edits_a_plan_through_the_pages(app: &TestApp, hr: &str, a2: i64) {
    let mut browser = app.sign_in("hr@anderlecht.example", PASSWORD);
    let (status, html) = app.visit(&mut browser, &format!("/people/{a2}/plans/2031"));
    assert_eq!(status, Status::Ok);
    assert!(html.contains("P-LATER"));
    let (status, html, _) = app.submit(
        &mut browser,
        &format!("/people/{a2}/plans/2031"),
        &[("status", "agreed"), ("items[0].module", "NOPE")],
    );
    assert_eq!(status, Status::UnprocessableEntity, "{html}");
    assert!(html.contains("field-errors"));
    let (status, _, _) = app.submit(
        &mut browser,
        &format!("/people/{a2}/plans/2031"),
        &[
            ("status", "agreed"),
            ("items[0].module", "P-LATER"),
            ("items[0].target_on", "2031-11-02"),
            ("items[1].module", ""),
        ],
    );
    assert_eq!(status, Status::SeeOther);
    let (_, p2) = app.api(
        "GET",
        &format!("/api/v1/people/{a2}/plans/2031"),
        Some(hr),
        None,
    );
    assert_eq!(
        (p2["status"].as_str(), p2["items"].as_array().unwrap().len()),
        (Some("agreed"), 1)
    );
    let (status, html) = app.visit(&mut browser, "/organizations/anderlecht/plans/2031");
    assert_eq!(status, Status::Ok);
    assert!(html.contains("P-WAIT"));
    let (status, _) = app.visit(&mut browser, "/plans?year=2031");
    assert_eq!(status, Status::Ok);
}

db_test!(a_refused_plan_form_shows_what_was_typed, |db| {
    let app = TestApp::start(db);
    let person = {
        let mut conn = app.conn();
        let conn: &mut DbConn = &mut conn;
        staff_accounts(conn);
        let a = orgs::id_by_code(conn, "anderlecht").unwrap().unwrap();
        module(conn, "finance", "FORM-EU", Tier::EndUser, false);
        person(conn, a, "typist", PersonLanguage::Fr, "finance")
    };
    let mut hr = app.sign_in("hr@anderlecht.example", PASSWORD);
    let path = format!("/people/{person}/plans/2031");
    app.visit(&mut hr, &path);
    let (status, html, _) = app.submit(
        &mut hr,
        &path,
        &[
            ("status", "agreed"),
            ("items[0].module", "form-eu"),
            ("items[0].note", "first, kept"),
            ("items[0].priority", "1"),
            ("items[1].module", "no-such-module"),
            ("items[1].note", "typed before the error"),
            ("items[1].priority", "2"),
        ],
    );
    assert_eq!(status, Status::UnprocessableEntity);
    for typed in [
        "form-eu",
        "first, kept",
        "no-such-module",
        "typed before the error",
    ] {
        assert!(
            html.contains(&format!("value=\"{typed}\"")),
            "{typed} is shown again"
        );
    }
    assert!(
        html.contains("<option value=\"agreed\" selected>"),
        "the status typed"
    );
    assert!(
        html.contains("Ligne 2 · Module"),
        "the error names the line and the field"
    );
    assert!(!html.contains("<strong>items[1].module</strong>"));
    assert!(html.contains("aria-invalid=\"true\""));
    // Nothing was saved.
    let (_, plan) = app.api(
        "GET",
        &format!("/api/v1/people/{person}/plans/2031"),
        Some(&app.token("hr@anderlecht.example", PASSWORD)),
        None,
    );
    assert!(plan["items"].as_array().unwrap().is_empty(), "{plan}");
});
