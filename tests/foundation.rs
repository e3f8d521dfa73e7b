//! The foundation: health, error shapes, languages, reference and demo data, secret key.

mod common;

use common::{count, scalar, TestApp};
use diesel::prelude::*;
use formation::db::schema::{memberships, organizations};
use formation::domain::organizations::{self as orgs, MembershipChange, MembershipStatus};
use rocket::http::{ContentType, Cookie, Header, Status};
use serde_json::Value;

db_test!(health_answers_with_the_backend, |db| {
    let backend = match db.backend {
        common::Backend::Sqlite => "sqlite",
        common::Backend::Postgres => "postgres",
    };
    let app = TestApp::start(db);
    let (status, body) = app.get_json("/health");
    assert_eq!(status, Status::Ok);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], backend);
});

db_test!(unknown_api_path_answers_the_json_error_shape, |db| {
    let app = TestApp::start(db);
    let response = app
        .client
        .get("/api/v1/nothing")
        .header(Header::new("Accept-Language", "nl-BE,nl;q=0.9"))
        .dispatch();
    assert_eq!(response.status(), Status::NotFound);
    assert_eq!(response.content_type(), Some(ContentType::JSON));
    let body: Value = serde_json::from_str(&response.into_string().unwrap()).unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    assert_eq!(body["error"]["message"], "Deze pagina bestaat niet.");
    assert!(
        body["error"].get("fields").is_none(),
        "no fields on a 404: {body}"
    );

    // Outside /api/, JSON is given to clients that ask for it.
    let (status, body) = app.get_json("/nothing");
    assert_eq!(status, Status::NotFound);
    assert_eq!(body["error"]["code"], "not_found");
    assert_eq!(body["error"]["message"], "Cette page n'existe pas.");
});

db_test!(html_errors_are_translated_pages, |db| {
    let app = TestApp::start(db);
    for (accept_language, lang, text) in [
        ("nl", "nl", "Deze pagina bestaat niet."),
        ("en-GB,en;q=0.8", "en", "This page does not exist."),
        ("de-DE", "fr", "Cette page n&#x27;existe pas."),
    ] {
        let response = app.get_in("/no/such/page", accept_language);
        assert_eq!(response.status(), Status::NotFound);
        assert_eq!(response.content_type(), Some(ContentType::HTML));
        let html = response.into_string().unwrap();
        assert!(
            html.contains(&format!("<html lang=\"{lang}\">")),
            "{accept_language}: {html}"
        );
        assert!(html.contains(text), "{accept_language}: {html}");
    }
    // A POST to an unknown route is a 404 too, never a 500.
    let response = app.client.post("/nothing").dispatch();
    assert_eq!(response.status(), Status::NotFound);
});

db_test!(home_page_speaks_three_languages, |db| {
    let app = TestApp::start(db);
    for (accept_language, title) in [
        ("fr", "Former les utilisateurs clés, puis leurs collègues"),
        (
            "nl",
            "Eerst de sleutelgebruikers opleiden, dan hun collega&#x27;s",
        ),
        ("en", "Train the key users first, then their colleagues"),
    ] {
        let response = app.get_in("/", accept_language);
        assert_eq!(response.status(), Status::Ok);
        let html = response.into_string().unwrap();
        assert!(html.contains(title), "{accept_language}: {html}");
        assert!(html.contains("href=\"#main\""), "skip link");
    }
    // The home page shows the membership matrix, built from the reference data: 35
    // organisations intend Finance, 2 joined.
    let html = app.get_in("/", "en").into_string().unwrap();
    assert!(html.contains("<th scope=\"row\">Finance</th>"), "{html}");
    let finance = |status: &str| {
        scalar(
            &mut app.conn(),
            &format!(
                "SELECT COUNT(*) AS n FROM memberships mb JOIN domains d ON d.id = mb.domain_id \
                 WHERE d.code = 'finance' AND mb.status = '{status}'"
            ),
        )
    };
    assert_eq!((finance("intended"), finance("joined")), (35, 2));
});

db_test!(every_response_carries_security_headers, |db| {
    let app = TestApp::start(db);
    for path in ["/", "/health", "/api/v1/nothing", "/static/css/app.css"] {
        let response = app.get(path);
        let headers = response.headers();
        let csp = headers
            .get_one("Content-Security-Policy")
            .unwrap_or_default();
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(
            headers.get_one("X-Content-Type-Options"),
            Some("nosniff"),
            "{path}"
        );
        assert!(headers.get_one("Referrer-Policy").is_some(), "{path}");
        assert!(headers.get_one("Permissions-Policy").is_some(), "{path}");
    }
});

db_test!(
    language_switcher_sets_a_cookie_that_beats_the_browser,
    |db| {
        let app = TestApp::start(db);
        let response = app.client.get("/language/nl?next=%2F%3Fx%3D1").dispatch();
        assert_eq!(response.status(), Status::SeeOther);
        assert_eq!(response.headers().get_one("Location"), Some("/?x=1"));
        let cookie = response
            .cookies()
            .get("lang")
            .expect("the lang cookie")
            .value()
            .to_owned();
        assert_eq!(cookie, "nl");

        let html = app
            .client
            .get("/")
            .cookie(Cookie::new("lang", "nl"))
            .header(Header::new("Accept-Language", "en"))
            .dispatch()
            .into_string()
            .unwrap();
        assert!(html.contains("<html lang=\"nl\">"));

        // No open redirect, and an unknown language is a 404.
        let response = app
            .client
            .get("/language/en?next=https://evil.example/")
            .dispatch();
        assert_eq!(response.headers().get_one("Location"), Some("/"));
        assert_eq!(app.get("/language/de").status(), Status::NotFound);
    }
);

db_test!(api_lists_the_five_domains, |db| {
    let app = TestApp::start(db);
    let (status, body) = app.get_json("/api/v1/domains");
    assert_eq!(status, Status::Ok);
    assert_eq!(body["total"], 5);
    let codes: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["finance", "soft-hr", "hard-hr", "social", "crm"]);
    let finance = &body["items"][0];
    assert_eq!(finance["name_nl"], "Financiën");
    assert_eq!(finance["launched_on"], "2023-07-01");
    assert_eq!(finance["memberships"]["intended"], 35);
    assert_eq!(finance["memberships"]["joined"], 2);
    let social = &body["items"][3];
    // 16 CPAS intend Social, Uccle's CPAS joined, Etterbeek's and Woluwe-Saint-Lambert's are interested.
    assert_eq!(social["memberships"]["intended"], 16);
    assert_eq!(social["memberships"]["joined"], 1);
    assert_eq!(social["memberships"]["interested"], 2);
    assert_eq!(social["launched_on"], Value::Null);
});

fn membership_status(
    conn: &mut formation::db::PooledConn,
    organization: &str,
    domain: &str,
) -> Option<(String, String)> {
    use formation::db::schema::domains;
    memberships::table
        .inner_join(organizations::table)
        .inner_join(domains::table)
        .filter(organizations::code.eq(organization))
        .filter(domains::code.eq(domain))
        .select((memberships::status, memberships::status_since))
        .first::<(String, chrono::NaiveDate)>(&mut **conn)
        .optional()
        .unwrap()
        .map(|(status, since)| (status, since.to_string()))
}

db_test!(
    reference_data_is_loaded_exactly_once_and_edits_survive_restarts,
    |db| {
        let app = TestApp::start(db);
        let mut conn = app.conn();
        assert_eq!(
            count(&mut conn, "organizations"),
            39,
            "38 local authorities and the school"
        );
        assert_eq!(count(&mut conn, "domains"), 5);
        let membership_rows = count(&mut conn, "memberships");
        assert_eq!(
            membership_rows,
            37 * 3 + 19,
            "37 organisations × 3 launched domains + 19 CPAS × Social"
        );

        // The facts of the parliamentary answer.
        assert_eq!(
            membership_status(&mut conn, "uccle", "finance"),
            Some(("joined".into(), "2023-04-01".into()))
        );
        assert_eq!(
            membership_status(&mut conn, "cpas-uccle", "social"),
            Some(("joined".into(), "2023-04-01".into()))
        );
        assert_eq!(
            membership_status(&mut conn, "cpas-etterbeek", "social")
                .unwrap()
                .0,
            "interested"
        );
        assert_eq!(
            membership_status(&mut conn, "cpas-woluwe-saint-lambert", "social")
                .unwrap()
                .0,
            "interested"
        );
        assert_eq!(
            membership_status(&mut conn, "cpas-woluwe-saint-lambert", "finance"),
            None
        );
        assert_eq!(
            membership_status(&mut conn, "anderlecht", "finance")
                .unwrap()
                .0,
            "intended"
        );
        let school = orgs::by_code(&mut conn, "erap").unwrap();
        assert_eq!(school.kind, orgs::OrganizationKind::School);
        let ixelles = orgs::by_code(&mut conn, "ixelles").unwrap();
        assert_eq!(
            (ixelles.nis_code.as_deref(), ixelles.name_nl.as_str()),
            (Some("21009"), "Elsene")
        );

        // An administrator's change must not be undone by the next start.
        let finance_id: i64 = formation::db::schema::domains::table
            .filter(formation::db::schema::domains::code.eq("finance"))
            .select(formation::db::schema::domains::id)
            .first(&mut *conn)
            .unwrap();
        orgs::set_membership(
            &mut conn,
            ixelles.id,
            finance_id,
            MembershipChange {
                status: MembershipStatus::Joined,
                status_since: chrono::NaiveDate::from_ymd_opt(2024, 1, 15).unwrap(),
                go_live_on: chrono::NaiveDate::from_ymd_opt(2024, 9, 1),
                required_key_users: 3,
            },
        )
        .unwrap();
        drop(conn);

        let db = app.stop();
        let app = TestApp::start(db);
        let mut conn = app.conn();
        assert_eq!(count(&mut conn, "organizations"), 39);
        assert_eq!(count(&mut conn, "domains"), 5);
        assert_eq!(count(&mut conn, "memberships"), membership_rows);
        assert_eq!(
            membership_status(&mut conn, "ixelles", "finance"),
            Some(("joined".into(), "2024-01-15".into()))
        );
    }
);

db_test!(demo_data_is_loaded_only_with_demo, |db| {
    let app = TestApp::start(db);
    let mut conn = app.conn();
    for table in [
        "people",
        "accounts",
        "modules",
        "training_sessions",
        "enrollments",
        "key_users",
    ] {
        assert_eq!(count(&mut conn, table), 0, "{table} without --demo");
    }
    drop(conn);

    let db = app.stop();
    let figment = db.figment().merge(("demo", true));
    let app = TestApp::start_with(db, figment);
    let mut conn = app.conn();
    let tables = [
        "people",
        "accounts",
        "modules",
        "venues",
        "training_sessions",
        "enrollments",
        "key_users",
        "individual_plans",
        "individual_plan_items",
        "collective_plans",
        "collective_plan_targets",
    ];
    let counts: Vec<i64> = tables.iter().map(|t| count(&mut conn, t)).collect();
    for (table, n) in tables.iter().zip(&counts) {
        assert!(*n > 0, "demo data fills {table}");
    }
    for sign_in in formation::seed::demo::SIGN_INS {
        let found: i64 = formation::db::schema::accounts::table
            .filter(formation::db::schema::accounts::email.eq(sign_in.email))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(found, 1, "{}", sign_in.email);
    }
    drop(conn);

    // A second demo start adds nothing.
    let db = app.stop();
    let figment = db.figment().merge(("demo", true));
    let app = TestApp::start_with(db, figment);
    let mut conn = app.conn();
    let again: Vec<i64> = tables.iter().map(|t| count(&mut conn, t)).collect();
    assert_eq!(counts, again);
});

db_test!(secret_key_is_generated_once_and_kept_private, |db| {
    let key_file = match db.backend {
        common::Backend::Sqlite => std::path::Path::new(&db.url)
            .parent()
            .unwrap()
            .join("secret.key"),
        common::Backend::Postgres => db.dir.path().join("secret.key"),
    };
    let app = TestApp::start(db);
    let first = std::fs::read_to_string(&key_file).expect("the key is written on first start");
    assert_eq!(first.trim().len(), 88, "64 random bytes in base64");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let db = app.stop();
    let app = TestApp::start(db);
    assert_eq!(
        std::fs::read_to_string(&key_file).unwrap(),
        first,
        "reused, not replaced"
    );

    // A configured key wins and nothing is written.
    let db = app.stop();
    std::fs::remove_file(&key_file).unwrap();
    let configured = "hPRYyVRiMyxpw5sBB1XeCMN1kFsDCqKvBi2QJxBVHQk=";
    let figment = db.figment().merge(("secret_key", configured));
    let _app = TestApp::start_with(db, figment);
    assert!(!key_file.exists());
});

db_test!(demo_data_keeps_the_rules, |db| {
    let figment = db.figment().merge(("demo", true));
    let app = TestApp::start_with(db, figment);
    let mut conn = app.conn();
    common::assert_data_keeps_the_rules(&mut conn);
    // Every kind of situation appears somewhere.
    for status in [
        "confirmed",
        "waitlisted",
        "pending_approval",
        "attended",
        "absent",
    ] {
        assert!(
            scalar(
                &mut conn,
                &format!("SELECT COUNT(*) AS n FROM enrollments WHERE status = '{status}'")
            ) > 0,
            "{status}"
        );
    }
    for language in ["fr", "nl", "bilingual"] {
        assert!(
            scalar(
                &mut conn,
                &format!(
                    "SELECT COUNT(*) AS n FROM training_sessions WHERE language = '{language}'"
                )
            ) > 0,
            "{language}"
        );
    }
    assert!(scalar(&mut conn, "SELECT COUNT(*) AS n FROM memberships WHERE go_live_on BETWEEN '2024-04-01' AND '2025-12-31'") > 100);
});
