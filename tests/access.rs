//! Sign-in, lockout, CSRF, tokens, invitations, registration, people and their unhappy paths.

mod common;

use std::time::Instant;

use common::{last_mail, link_path, scalar, Browser, TestApp, DEMO_PASSWORD};
use rocket::http::Status;
use serde_json::json;

const ADMIN: &str = "admin@formation.example";
const HR: &str = "hr@anderlecht.example";
const HR_OTHER: &str = "hr@cpas-jette.example";

db_test!(sign_in_sets_a_private_lax_http_only_cookie, |db| {
    let app = TestApp::start_demo(db);
    let mut browser = Browser::default();
    app.visit(&mut browser, "/login");
    let response = app
        .client
        .post("/login")
        .cookie(browser.session.clone().unwrap())
        .header(rocket::http::ContentType::Form)
        .body(common::form_body(&[
            ("email", ADMIN),
            ("password", DEMO_PASSWORD),
            ("csrf_token", &browser.csrf),
        ]))
        .dispatch();
    assert_eq!(response.status(), Status::SeeOther);
    let cookie = response.cookies().get("formation_session").unwrap().clone();
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(cookie.same_site(), Some(rocket::http::SameSite::Lax));
    // Encrypted: the account id is not readable in the cookie.
    assert!(!cookie.value().contains("\"a\""));
    let last_login = scalar(
        &mut app.conn(),
        "SELECT COUNT(*) AS n FROM accounts WHERE last_login_at IS NOT NULL",
    );
    assert_eq!(last_login, 1);
});

db_test!(
    wrong_password_and_unknown_email_answer_alike_and_ten_failures_lock,
    |db| {
        let app = TestApp::start_demo(db);
        let mut browser = Browser::default();
        app.visit(&mut browser, "/login");
        let (unknown, unknown_body, _) = app.submit(
            &mut browser,
            "/login",
            &[
                ("email", "nobody@example.org"),
                ("password", "whatever-long-enough"),
            ],
        );
        let (wrong, wrong_body, _) = app.submit(
            &mut browser,
            "/login",
            &[("email", HR), ("password", "not the password")],
        );
        assert_eq!(unknown, Status::Unauthorized);
        assert_eq!(wrong, Status::Unauthorized);
        assert_eq!(
            unknown_body.replace("nobody@example.org", ""),
            wrong_body.replace(HR, "")
        );
        // One address is slowed down after five failures on an account (see
        // `failures_are_slowed_by_address_before_an_account_locks`); ten in a row, from several
        // addresses, lock it.
        for n in 0..9u8 {
            let response = from_address(
                &app,
                rocket::http::Method::Post,
                "/api/v1/tokens",
                [192, 0, 2, n / 5],
                json!({"email": HR, "password": "not the password"}),
            );
            assert_eq!(response.status(), Status::Unauthorized);
        }
        let locked = scalar(
        &mut app.conn(),
        &format!("SELECT COUNT(*) AS n FROM accounts WHERE email = '{HR}' AND locked_until IS NOT NULL"),
    );
        assert_eq!(locked, 1, "ten failures in a row lock the account");
        // Even the right password is refused while locked, with the same answer.
        let (status, body, _) = app.submit(
            &mut browser,
            "/login",
            &[("email", HR), ("password", DEMO_PASSWORD)],
        );
        assert_eq!(status, Status::Unauthorized);
        assert!(
            body.contains("15 minutes"),
            "the user is told about the lock"
        );
        let (api_status, api_body) = app.api(
            "POST",
            "/api/v1/tokens",
            None,
            Some(json!({"email": HR, "password": DEMO_PASSWORD})),
        );
        assert_eq!(api_status, Status::Unauthorized);
        assert_eq!(api_body["error"]["code"], "sign_in_failed");
        let audited = scalar(
            &mut app.conn(),
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'account.locked'",
        );
        assert_eq!(audited, 1);
    }
);

db_test!(api_tokens_are_stored_hashed_and_can_be_revoked, |db| {
    let app = TestApp::start_demo(db);
    let token = app.token(HR, DEMO_PASSWORD);
    let stored = scalar(
        &mut app.conn(),
        &format!("SELECT COUNT(*) AS n FROM api_tokens WHERE token_hash = '{token}'"),
    );
    assert_eq!(stored, 0, "the token itself is never stored");
    let (status, me) = app.api("GET", "/api/v1/me", Some(&token), None);
    assert_eq!(status, Status::Ok);
    assert_eq!(me["email"], HR);
    assert_eq!(me["role"], "hr");
    assert_eq!(me["organization"], "anderlecht");
    let (status, _) = app.api("DELETE", "/api/v1/tokens/current", Some(&token), None);
    assert_eq!(status, Status::NoContent);
    let (status, _) = app.api("GET", "/api/v1/me", Some(&token), None);
    assert_eq!(status, Status::Unauthorized);
    let (status, _) = app.api("GET", "/api/v1/me", Some("made-up"), None);
    assert_eq!(status, Status::Unauthorized);
});

db_test!(
    invitation_in_the_persons_language_sets_a_password_once,
    |db| {
        let app = TestApp::start_demo(db);
        let token = app.token(HR, DEMO_PASSWORD);
        let (status, person) = app.api(
        "POST",
        "/api/v1/people",
        Some(&token),
        Some(json!({"full_name": "Els Peeters", "email": "els.peeters@anderlecht.example", "language": "nl"})),
    );
        assert_eq!(status, Status::Created, "{person}");
        let (status, account) = app.api(
            "POST",
            "/api/v1/accounts",
            Some(&token),
            Some(json!({"person_id": person["id"]})),
        );
        assert_eq!(status, Status::Created, "{account}");
        assert_eq!(account["role"], "member");
        let (subject, body) = last_mail(&mut app.conn(), "els.peeters@anderlecht.example").unwrap();
        assert_eq!(
            subject, "Uw Formation-account",
            "the invitation is in Dutch"
        );
        let path = link_path(&body);

        let mut browser = Browser::default();
        let (status, _) = app.visit(&mut browser, &path);
        assert_eq!(status, Status::Ok);
        // A common password, even with digits added, is refused and changes nothing.
        let (status, page, _) = app.submit(&mut browser, &path, &[("password", "password1234")]);
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(page.contains("field-errors"));
        let (status, _, _) = app.submit(&mut browser, &path, &[("password", "kort")]);
        assert_eq!(status, Status::UnprocessableEntity);
        let (status, _, location) =
            app.submit(&mut browser, &path, &[("password", "drie lange woorden")]);
        assert_eq!(status, Status::SeeOther);
        assert_eq!(location.as_deref(), Some("/"));
        app.sign_in("els.peeters@anderlecht.example", "drie lange woorden");
        // Single use.
        let (status, _) = app.visit(&mut browser, &path);
        assert_eq!(status, Status::Gone);
    }
);

db_test!(an_expired_link_is_refused, |db| {
    let app = TestApp::start_demo(db);
    let (status, _) = app.api(
        "POST",
        "/api/v1/password-resets",
        None,
        Some(json!({"email": HR})),
    );
    assert_eq!(status, Status::Accepted);
    let (_, body) = last_mail(&mut app.conn(), HR).unwrap();
    let path = link_path(&body);
    diesel::RunQueryDsl::execute(
        diesel::sql_query("UPDATE email_links SET expires_at = created_at"),
        &mut *app.conn(),
    )
    .unwrap();
    let mut browser = Browser::default();
    app.visit(&mut browser, "/login");
    let (status, _, _) = app.submit(
        &mut browser,
        &path,
        &[("password", "a brand new passphrase")],
    );
    assert_eq!(status, Status::Gone);
    // The old password still works: nothing changed.
    app.sign_in(HR, DEMO_PASSWORD);
});

db_test!(
    registration_never_reveals_whether_an_address_is_known,
    |db| {
        let app = TestApp::start_demo(db);
        let token = app.token(HR, DEMO_PASSWORD);
        let (status, _) = app.api(
        "POST",
        "/api/v1/people",
        Some(&token),
        Some(json!({"full_name": "Listed Person", "email": "listed@anderlecht.example", "language": "fr"})),
    );
        assert_eq!(status, Status::Created);
        let ask = |email: &str| {
            app.api(
            "POST",
            "/api/v1/registrations",
            None,
            Some(json!({"email": email, "full_name": "Someone", "organization": "anderlecht", "language": "fr"})),
        )
        };
        // Listed by HR without an account, unknown, and already with an account: the same answer.
        let listed = ask("listed@anderlecht.example");
        let unknown = ask("stranger@example.org");
        let existing = ask(HR);
        assert_eq!(unknown.0, Status::Accepted);
        assert_eq!(listed, unknown);
        assert_eq!(existing, unknown);
        let requests = scalar(
            &mut app.conn(),
            "SELECT COUNT(*) AS n FROM registration_requests WHERE status = 'pending'",
        );
        assert_eq!(requests, 1, "only the stranger waits for HR");
        let (subject, _) = last_mail(&mut app.conn(), "listed@anderlecht.example").unwrap();
        assert_eq!(
            subject, "Créez votre compte Formation",
            "the listed person gets a claim link"
        );
        // HR of the organisation accepts the stranger: a person and an invitation.
        let (_, list) = app.api("GET", "/api/v1/registrations", Some(&token), None);
        let id = list["items"][0]["id"].as_i64().unwrap();
        let other = app.token(HR_OTHER, DEMO_PASSWORD);
        let (status, _) = app.api(
            "POST",
            &format!("/api/v1/registrations/{id}/accept"),
            Some(&other),
            None,
        );
        assert_eq!(
            status,
            Status::NotFound,
            "another organisation's request is invisible"
        );
        let (status, accepted) = app.api(
            "POST",
            &format!("/api/v1/registrations/{id}/accept"),
            Some(&token),
            None,
        );
        assert_eq!(status, Status::Ok, "{accepted}");
        assert!(accepted["person_id"].is_i64());
        assert!(last_mail(&mut app.conn(), "stranger@example.org").is_some());
        let (status, _) = app.api(
            "POST",
            &format!("/api/v1/registrations/{id}/accept"),
            Some(&token),
            None,
        );
        assert_eq!(status, Status::Conflict);
        // Bad input names the field, in the user's language, and changes nothing.
        let before = common::count(&mut app.conn(), "registration_requests");
        let response = app
            .client
            .post("/api/v1/registrations")
            .header(rocket::http::ContentType::JSON)
            .header(rocket::http::Header::new("Accept-Language", "nl"))
            .body(json!({"email": "not-an-address", "organization": "nowhere"}).to_string())
            .dispatch();
        assert_eq!(response.status(), Status::UnprocessableEntity);
        let body: serde_json::Value =
            serde_json::from_str(&response.into_string().unwrap()).unwrap();
        assert_eq!(body["error"]["fields"]["email"][0], "Ongeldig e-mailadres.");
        assert!(body["error"]["fields"]["organization"].is_array());
        assert_eq!(
            common::count(&mut app.conn(), "registration_requests"),
            before
        );
    }
);

db_test!(
    people_are_scoped_validated_and_imported_all_or_nothing,
    |db| {
        let app = TestApp::start_demo(db);
        let hr = app.token(HR, DEMO_PASSWORD);
        let other = app.token(HR_OTHER, DEMO_PASSWORD);
        // Duplicate e-mail.
        let (status, body) = app.api(
            "POST",
            "/api/v1/people",
            Some(&hr),
            Some(json!({"full_name": "Copy", "email": HR, "language": "fr"})),
        );
        assert_eq!(status, Status::UnprocessableEntity, "{body}");
        assert!(body["error"]["fields"]["email"].is_array());
        // Another organisation's list shows none of Anderlecht's people.
        let (_, list) = app.api("GET", "/api/v1/people?q=anderlecht", Some(&other), None);
        assert_eq!(list["total"], 0);
        let (_, own) = app.api("GET", "/api/v1/people?per_page=5", Some(&hr), None);
        assert!(own["total"].as_i64().unwrap() > 0);
        assert!(own["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["organization"] == "anderlecht"));

        // A malformed row: nothing is imported, and each error names its line and column.
        let before = common::count(&mut app.conn(), "people");
        let csv = "full_name,email,job_title,profile,language\nAnne,anne@anderlecht.example,,,fr\n,bad-address,,,de\nBen,anne@anderlecht.example,,,nl\n";
        let (status, body) = app.api_csv(&hr, "/api/v1/people/import", csv);
        assert_eq!(status, Status::UnprocessableEntity, "{body}");
        let fields = &body["error"]["fields"];
        assert!(fields["rows.3.full_name"].is_array(), "{fields}");
        assert!(fields["rows.3.email"].is_array(), "{fields}");
        assert!(fields["rows.3.language"].is_array(), "{fields}");
        assert!(fields["rows.4.email"].is_array(), "{fields}");
        assert_eq!(common::count(&mut app.conn(), "people"), before);

        // 8,000 rows in one go.
        let mut big = String::from("full_name,email,job_title,profile,language\n");
        for i in 0..8000 {
            let language = ["fr", "nl", "en"][i % 3];
            big.push_str(&format!(
                "Person {i},person.{i}@anderlecht.example,Agent,administrative,{language}\n"
            ));
        }
        let started = Instant::now();
        let (status, body) = app.api_csv(&hr, "/api/v1/people/import", &big);
        let elapsed = started.elapsed();
        assert_eq!(status, Status::Created, "{body}");
        assert_eq!(body["created"], 8000);
        eprintln!("8,000-row import on {:?}: {:?}", app.db.backend, elapsed);
        if app.db.backend == common::Backend::Sqlite {
            assert!(elapsed.as_secs() < 10, "8,000 rows took {elapsed:?}");
        }
        assert_eq!(common::count(&mut app.conn(), "people"), before + 8000);
    }
);

db_test!(anonymising_erases_identity_but_keeps_history, |db| {
    let app = TestApp::start_demo(db);
    let hr = app.token(HR, DEMO_PASSWORD);
    let (_, list) = app.api(
        "GET",
        "/api/v1/people?q=key.user@anderlecht",
        Some(&hr),
        None,
    );
    let id = list["items"][0]["id"].as_i64().unwrap();
    let (status, export) = app.api(
        "GET",
        &format!("/api/v1/people/{id}/export"),
        Some(&hr),
        None,
    );
    assert_eq!(status, Status::Ok);
    assert_eq!(export["account"]["email"], "key.user@anderlecht.example");
    let enrollments_before = scalar(
        &mut app.conn(),
        &format!("SELECT COUNT(*) AS n FROM enrollments WHERE person_id = {id}"),
    );
    let (status, person) = app.api(
        "POST",
        &format!("/api/v1/people/{id}/anonymise"),
        Some(&hr),
        None,
    );
    assert_eq!(status, Status::Ok);
    assert_eq!(person["email"], serde_json::Value::Null);
    assert_eq!(person["active"], false);
    assert_ne!(person["full_name"], export["person"]["full_name"]);
    let enrollments_after = scalar(
        &mut app.conn(),
        &format!("SELECT COUNT(*) AS n FROM enrollments WHERE person_id = {id}"),
    );
    assert_eq!(
        enrollments_before, enrollments_after,
        "training history stays counted"
    );
    let leftover = scalar(
        &mut app.conn(),
        "SELECT COUNT(*) AS n FROM accounts WHERE email = 'key.user@anderlecht.example'",
    );
    assert_eq!(leftover, 0);
    let (status, _) = app.api(
        "POST",
        "/api/v1/tokens",
        None,
        Some(json!({"email": "key.user@anderlecht.example", "password": DEMO_PASSWORD})),
    );
    assert_eq!(status, Status::Unauthorized);
});

db_test!(memberships_key_users_and_audit, |db| {
    let app = TestApp::start_demo(db);
    let planner = app.token("planner@erap.example", DEMO_PASSWORD);
    let (status, org) = app.api(
        "PUT",
        "/api/v1/organizations/anderlecht/memberships/crm",
        Some(&planner),
        Some(json!({"status": "joined", "status_since": "2026-11-01", "go_live_on": "2027-03-01", "required_key_users": "3"})),
    );
    assert_eq!(status, Status::Ok, "{org}");
    let crm = org["memberships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["domain"] == "crm")
        .unwrap()
        .clone();
    assert_eq!(crm["status"], "joined");
    assert_eq!(crm["go_live_on"], "2027-03-01");
    assert_eq!(crm["required_key_users"], 3);
    let (status, body) = app.api(
        "PUT",
        "/api/v1/organizations/anderlecht/memberships/crm",
        Some(&planner),
        Some(json!({"status": "bogus", "go_live_on": "01/03/2027"})),
    );
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(
        body["error"]["fields"]["status"].is_array()
            && body["error"]["fields"]["go_live_on"].is_array()
    );
    let (_, matrix) = app.api("GET", "/api/v1/organizations", Some(&planner), None);
    assert!(matrix["total"].as_i64().unwrap() >= 39);

    // HR designates one of its people for CRM (now joined), once.
    let hr = app.token(HR, DEMO_PASSWORD);
    let (_, people) = app.api("GET", "/api/v1/people?per_page=1", Some(&hr), None);
    let person_id = people["items"][0]["id"].as_i64().unwrap();
    let (status, key_user) = app.api(
        "POST",
        "/api/v1/key-users",
        Some(&hr),
        Some(json!({"person_id": person_id, "domain": "crm"})),
    );
    assert_eq!(status, Status::Created, "{key_user}");
    assert_eq!(key_user["status"], "nominated");
    let (status, _) = app.api(
        "POST",
        "/api/v1/key-users",
        Some(&hr),
        Some(json!({"person_id": person_id, "domain": "crm"})),
    );
    assert_eq!(status, Status::Conflict);
    let other = app.token(HR_OTHER, DEMO_PASSWORD);
    let (status, _) = app.api(
        "DELETE",
        &format!("/api/v1/key-users/{}", key_user["id"]),
        Some(&other),
        None,
    );
    assert_eq!(status, Status::NotFound);

    // Audit: HR sees its organisation's events only; admins see all.
    let (_, own) = app.api("GET", "/api/v1/audit?per_page=200", Some(&hr), None);
    assert!(own["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["organization"] == "anderlecht"));
    assert!(own["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "key_user.designated"));
    let (_, theirs) = app.api("GET", "/api/v1/audit?action=key_user.", Some(&other), None);
    assert_eq!(theirs["total"], 0);
    let admin = app.token(ADMIN, DEMO_PASSWORD);
    let (_, all) = app.api(
        "GET",
        "/api/v1/audit?action=membership.updated",
        Some(&admin),
        None,
    );
    assert_eq!(all["total"], 1);
});

db_test!(unparseable_bodies_name_the_field_and_change_nothing, |db| {
    let app = TestApp::start_demo(db);
    let hr = app.token(HR, DEMO_PASSWORD);
    let before = common::count(&mut app.conn(), "key_users");
    let (status, body) = app.api(
        "POST",
        "/api/v1/key-users",
        Some(&hr),
        Some(json!({"person_id": "abc", "domain": "finance"})),
    );
    assert_eq!(status, Status::UnprocessableEntity, "{body}");
    assert!(body["error"]["fields"]["person_id"].is_array(), "{body}");
    let (status, body) = app.api(
        "POST",
        "/api/v1/tokens",
        None,
        Some(json!({"password": "something long"})),
    );
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body["error"]["fields"]["email"].is_array(), "{body}");
    let response = app
        .client
        .post("/api/v1/key-users")
        .header(rocket::http::ContentType::JSON)
        .header(rocket::http::Header::new(
            "Authorization",
            format!("Bearer {hr}"),
        ))
        .header(rocket::http::Header::new("Accept-Language", "fr"))
        .body("{not json")
        .dispatch();
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let body: serde_json::Value = serde_json::from_str(&response.into_string().unwrap()).unwrap();
    assert_eq!(
        body["error"]["fields"]["body"][0],
        "Le corps de la requête n'est pas du JSON valable."
    );
    assert_eq!(common::count(&mut app.conn(), "key_users"), before);
    // A form field that cannot be read is named too: on the form (an unreadable number reads
    // as absent) or, when the form cannot be read at all, on the error page.
    let mut admin = app.sign_in(ADMIN, DEMO_PASSWORD);
    let accounts_before = common::count(&mut app.conn(), "accounts");
    let (status, page, _) = app.submit(
        &mut admin,
        "/accounts",
        &[("person_id", "abc"), ("role", "member")],
    );
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(
        page.contains("aria-describedby=\"person_id-errors\""),
        "{page}"
    );
    assert_eq!(common::count(&mut app.conn(), "accounts"), accounts_before);
    let mut visitor = Browser::default();
    app.visit(&mut visitor, "/login");
    let (status, page, _) = app.submit(&mut visitor, "/login", &[("password", "whatever")]);
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains("<strong>email</strong>"), "{page}");
});

db_test!(own_tokens_language_and_password_through_the_api, |db| {
    let app = TestApp::start_demo(db);
    let first = app.token(HR, DEMO_PASSWORD);
    let second = app.token(HR, DEMO_PASSWORD);
    let (status, list) = app.api("GET", "/api/v1/tokens", Some(&first), None);
    assert_eq!(status, Status::Ok);
    assert_eq!(list["total"], 2);
    assert!(
        !list.to_string().contains(&second),
        "secrets are never listed"
    );
    let second_id = list["items"][0]["id"].as_i64().unwrap();
    let other = app.token(HR_OTHER, DEMO_PASSWORD);
    let (status, _) = app.api(
        "DELETE",
        &format!("/api/v1/tokens/{second_id}"),
        Some(&other),
        None,
    );
    assert_eq!(status, Status::NotFound, "another account's token");
    let (status, _) = app.api(
        "DELETE",
        &format!("/api/v1/tokens/{second_id}"),
        Some(&first),
        None,
    );
    assert_eq!(status, Status::NoContent);
    let (status, _) = app.api("GET", "/api/v1/me", Some(&second), None);
    assert_eq!(status, Status::Unauthorized);

    let (status, me) = app.api(
        "PATCH",
        "/api/v1/me",
        Some(&first),
        Some(json!({"locale": "nl"})),
    );
    assert_eq!(status, Status::Ok);
    assert_eq!(me["locale"], "nl");
    let (status, body) = app.api(
        "PATCH",
        "/api/v1/me",
        Some(&first),
        Some(json!({"locale": "de"})),
    );
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body["error"]["fields"]["locale"].is_array());

    let (_, _) = app.api(
        "POST",
        "/api/v1/password-resets",
        None,
        Some(json!({"email": HR})),
    );
    let (subject, body) = last_mail(&mut app.conn(), HR).unwrap();
    assert_eq!(
        subject, "Een nieuw Formation-wachtwoord kiezen",
        "in the account's language"
    );
    let token = link_path(&body)
        .trim_start_matches("/password/set/")
        .to_owned();
    let (status, body) = app.api(
        "POST",
        "/api/v1/password",
        None,
        Some(json!({"token": token, "password": "123456123456"})),
    );
    assert_eq!(status, Status::UnprocessableEntity, "{body}");
    assert!(body["error"]["fields"]["password"].is_array());
    let (status, account) = app.api(
        "POST",
        "/api/v1/password",
        None,
        Some(json!({"token": token, "password": "a fresh long passphrase"})),
    );
    assert_eq!(status, Status::Ok, "{account}");
    assert_eq!(account["email"], HR);
    app.token(HR, "a fresh long passphrase");
    let (status, _) = app.api(
        "POST",
        "/api/v1/password",
        None,
        Some(json!({"token": token, "password": "another long passphrase"})),
    );
    assert_eq!(status, Status::Gone);
});

/// The membership of an organisation in a domain, as the API shows it.
fn membership(app: &TestApp, token: &str, organization: &str, domain: &str) -> serde_json::Value {
    let (_, org) = app.api(
        "GET",
        &format!("/api/v1/organizations/{organization}"),
        Some(token),
        None,
    );
    org["memberships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["domain"] == domain)
        .unwrap()
        .clone()
}

/// The value of a form control in one row's form (`action` names the form).
fn form_value(html: &str, action: &str, name: &str) -> String {
    let form = &html[html
        .find(&format!("action=\"{action}\""))
        .expect("the form")..];
    let form = &form[..form.find("</form>").unwrap()];
    if name == "status" {
        let selected = form.find(" selected>").expect("a selected status");
        let value = &form[..selected];
        let start = value.rfind("value=\"").unwrap() + 7;
        return value[start..].trim_end_matches('"').to_owned();
    }
    let field = &form[form.find(&format!("name=\"{name}\"")).unwrap()..];
    let start = field.find("value=\"").unwrap() + 7;
    field[start..start + field[start..].find('"').unwrap()].to_owned()
}

db_test!(saving_one_membership_field_changes_nothing_else, |db| {
    let app = TestApp::start_demo(db);
    let planner = app.token("planner@erap.example", DEMO_PASSWORD);
    let (status, _) = app.api(
        "PUT",
        "/api/v1/organizations/anderlecht/memberships/crm",
        Some(&planner),
        Some(json!({"status": "joined", "status_since": "2026-01-15", "go_live_on": "2027-03-01", "required_key_users": "3"})),
    );
    assert_eq!(status, Status::Ok);

    // The form shows what is stored; submitted with one number changed, only that changes.
    let mut browser = app.sign_in("planner@erap.example", DEMO_PASSWORD);
    let (_, html) = app.visit(&mut browser, "/organizations/anderlecht");
    let action = "/organizations/anderlecht/memberships/crm";
    let fields: Vec<(&str, String)> =
        ["status", "status_since", "go_live_on", "required_key_users"]
            .into_iter()
            .map(|name| (name, form_value(&html, action, name)))
            .collect();
    assert_eq!(
        fields.iter().map(|(_, v)| v.as_str()).collect::<Vec<_>>(),
        ["joined", "2026-01-15", "2027-03-01", "3"],
        "the form is filled in"
    );
    let mut submitted: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| {
            (
                *k,
                if *k == "required_key_users" {
                    "4"
                } else {
                    v.as_str()
                },
            )
        })
        .collect();
    let (status, _, _) = app.submit(&mut browser, action, &submitted);
    assert_eq!(status, Status::SeeOther);
    let crm = membership(&app, &planner, "anderlecht", "crm");
    assert_eq!(
        (
            crm["status"].as_str(),
            crm["status_since"].as_str(),
            crm["go_live_on"].as_str(),
            crm["required_key_users"].as_i64()
        ),
        (
            Some("joined"),
            Some("2026-01-15"),
            Some("2027-03-01"),
            Some(4)
        )
    );

    // The status changed without a date: since today. Through the API, a lone field keeps the rest.
    submitted[0].1 = "intended";
    app.submit(&mut browser, action, &submitted);
    let crm = membership(&app, &planner, "anderlecht", "crm");
    let today = chrono::Utc::now().date_naive().to_string();
    assert_eq!(
        (crm["status"].as_str(), crm["status_since"].as_str()),
        (Some("intended"), Some(today.as_str()))
    );
    let (status, _) = app.api(
        "PUT",
        "/api/v1/organizations/anderlecht/memberships/crm",
        Some(&planner),
        Some(json!({"required_key_users": "5"})),
    );
    assert_eq!(status, Status::Ok);
    let crm = membership(&app, &planner, "anderlecht", "crm");
    assert_eq!(
        (
            crm["status"].as_str(),
            crm["go_live_on"].as_str(),
            crm["required_key_users"].as_i64()
        ),
        (Some("intended"), Some("2027-03-01"), Some(5))
    );
});

db_test!(hr_decides_whether_enrollments_need_its_approval, |db| {
    let app = TestApp::start_demo(db);
    let hr = app.token(HR, DEMO_PASSWORD);
    let other = app.token(HR_OTHER, DEMO_PASSWORD);
    let planner = app.token("planner@erap.example", DEMO_PASSWORD);
    let approval = |token: &str| {
        let (_, org) = app.api("GET", "/api/v1/organizations/anderlecht", Some(token), None);
        org["requires_enrollment_approval"].as_bool().unwrap()
    };
    assert!(!approval(&hr));
    let body = json!({"requires_enrollment_approval": true});
    let (status, _) = app.api(
        "PATCH",
        "/api/v1/organizations/anderlecht",
        Some(&other),
        Some(body.clone()),
    );
    assert_eq!(status, Status::NotFound, "another organisation's HR");
    let (status, _) = app.api(
        "PATCH",
        "/api/v1/organizations/anderlecht",
        Some(&planner),
        Some(body.clone()),
    );
    assert_eq!(status, Status::Forbidden);
    let (status, _) = app.api(
        "PATCH",
        "/api/v1/organizations/anderlecht",
        Some(&hr),
        Some(json!({"requires_enrollment_approval": "maybe"})),
    );
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(!approval(&hr), "refusals change nothing");
    let (status, org) = app.api(
        "PATCH",
        "/api/v1/organizations/anderlecht",
        Some(&hr),
        Some(body),
    );
    assert_eq!(status, Status::Ok, "{org}");
    assert!(approval(&hr));

    // The page's box: unticked and saved, approval is off again; both changes audited.
    let mut browser = app.sign_in(HR, DEMO_PASSWORD);
    let (_, html) = app.visit(&mut browser, "/organizations/anderlecht");
    assert!(html.contains("name=\"requires_enrollment_approval\" value=\"true\" checked"));
    let (status, _, _) = app.submit(&mut browser, "/organizations/anderlecht/settings", &[]);
    assert_eq!(status, Status::SeeOther);
    assert!(!approval(&hr));
    let (_, events) = app.api(
        "GET",
        "/api/v1/audit?action=organization.approval_changed",
        Some(&hr),
        None,
    );
    assert_eq!(events["total"], 2);
});

/// The `href` of a page's "next" link.
fn next_link(html: &str) -> String {
    let link = &html[html.find("rel=\"next\" href=\"").expect("a next page") + 17..];
    link[..link.find('"').unwrap()]
        .replace("&amp;", "&")
        .replace("&#x2F;", "/")
}

db_test!(pagers_keep_the_filters, |db| {
    let app = TestApp::start_demo(db);
    let hr = app.token(HR, DEMO_PASSWORD);
    for i in 0..3 {
        let (status, _) = app.api(
            "POST",
            "/api/v1/people",
            Some(&hr),
            Some(json!({"full_name": format!("Paged {i}"), "email": format!("paged.{i}@anderlecht.example"), "language": "fr"})),
        );
        assert_eq!(status, Status::Created);
    }
    let mut browser = app.sign_in(ADMIN, DEMO_PASSWORD);
    let (_, html) = app.visit(&mut browser, "/audit?action=person.created&per_page=2");
    let next = next_link(&html);
    assert!(
        next.contains("action=person.created") && next.contains("per_page=2"),
        "{next}"
    );
    let (status, page2) = app.visit(&mut browser, &next);
    assert_eq!(status, Status::Ok, "{next}");
    assert!(page2.contains("person.created") && !page2.contains("demo.loaded"));

    let (_, html) = app.visit(
        &mut browser,
        "/sessions?domain=finance&tier=trainer&per_page=2",
    );
    let next = next_link(&html);
    assert!(
        ["domain=finance", "tier=trainer", "per_page=2", "page=2"]
            .iter()
            .all(|p| next.contains(p)),
        "{next}"
    );
    let (_, total) = app.api(
        "GET",
        "/api/v1/sessions?domain=finance&tier=trainer",
        Some(&hr),
        None,
    );
    let (_, all) = app.api("GET", "/api/v1/sessions", Some(&hr), None);
    assert!(
        total["total"].as_i64() < all["total"].as_i64(),
        "the filter narrows the list"
    );
});

db_test!(
    api_writes_need_a_bearer_token_however_the_path_is_spelled,
    |db| {
        let app = TestApp::start_demo(db);
        let browser = app.sign_in("key.user@anderlecht.example", DEMO_PASSWORD);
        let feeds = || {
            scalar(
                &mut app.conn(),
                "SELECT COUNT(calendar_token_hash) AS n FROM accounts",
            )
        };
        let before = feeds();
        for path in [
            "/api/v1/me/calendar",
            "//api/v1/me/calendar",
            "/%61pi/v1/me/calendar",
            "/api//v1/me/calendar",
        ] {
            let status = app.api_with_cookie(&browser, "POST", path, json!({}));
            assert_eq!(status, Status::Forbidden, "{path} with a cookie only");
        }
        assert_eq!(feeds(), before, "no feed was created");

        // A JSON body must say it is JSON (a cross-site form cannot).
        let hr = app.token(HR, DEMO_PASSWORD);
        let people = || scalar(&mut app.conn(), "SELECT COUNT(*) AS n FROM people");
        let before = people();
        for content_type in [
            None,
            Some(rocket::http::ContentType::Form),
            Some(rocket::http::ContentType::Plain),
        ] {
            let mut request = app
                .client
                .post("/api/v1/people")
                .header(rocket::http::Header::new(
                    "Authorization",
                    format!("Bearer {hr}"),
                ))
                .body(r#"{"full_name": "Sneaky", "language": "fr"}"#);
            if let Some(content_type) = content_type {
                request = request.header(content_type);
            }
            let response = request.dispatch();
            assert_eq!(response.status(), Status::UnsupportedMediaType);
        }
        assert_eq!(people(), before);
    }
);

db_test!(pages_with_secrets_are_never_cached, |db| {
    let app = TestApp::start_demo(db);
    let mut browser = app.sign_in(ADMIN, DEMO_PASSWORD);
    let cache = |response: &rocket::local::blocking::LocalResponse<'_>| {
        response
            .headers()
            .get_one("Cache-Control")
            .map(str::to_owned)
    };
    let account = app
        .client
        .get("/account")
        .cookie(browser.session.clone().unwrap())
        .dispatch();
    assert_eq!(cache(&account), Some("no-store".into()), "the tokens page");
    let token = app
        .client
        .post("/api/v1/tokens")
        .header(rocket::http::ContentType::JSON)
        .body(json!({ "email": ADMIN, "password": DEMO_PASSWORD }).to_string())
        .dispatch();
    assert_eq!(token.status(), Status::Created);
    assert_eq!(cache(&token), Some("no-store".into()), "a new token");
    let (status, _) = app.visit(&mut browser, "/password/set/not-a-real-link");
    assert!(status.code < 500);
    let link = app.client.get("/password/set/not-a-real-link").dispatch();
    assert_eq!(cache(&link), Some("no-store".into()), "a one-time link");
    let stylesheet = app.client.get("/static/style.css").dispatch();
    assert_ne!(
        cache(&stylesheet),
        Some("no-store".into()),
        "assets may be cached"
    );
});

db_test!(a_claim_link_never_takes_over_an_existing_account, |db| {
    let app = TestApp::start_demo(db);
    let hr = app.token(HR, DEMO_PASSWORD);
    let victim = "key.user@anderlecht.example";
    let (_, me) = app.api(
        "GET",
        "/api/v1/me",
        Some(&app.token(victim, DEMO_PASSWORD)),
        None,
    );
    let person = me["person_id"].as_i64().expect("the key user is a person");
    // HR changes the person's address; someone registers with it.
    let (status, body) = app.api(
        "PATCH",
        &format!("/api/v1/people/{person}"),
        Some(&hr),
        Some(json!({ "email": "attacker@evil.example" })),
    );
    assert_eq!(status, Status::Ok, "{body}");
    let register = |email: &str| {
        app.api(
            "POST",
            "/api/v1/registrations",
            None,
            Some(json!({"email": email, "full_name": "Mallory", "organization": "anderlecht", "language": "fr"})),
        )
        .0
    };
    assert_eq!(register("attacker@evil.example"), Status::Accepted);
    assert!(
        last_mail(&mut app.conn(), "attacker@evil.example").is_none(),
        "no claim link for a person who has an account"
    );

    // A link sent while the person had no account is spent once an account exists.
    let (status, listed) = app.api(
        "POST",
        "/api/v1/people",
        Some(&hr),
        Some(json!({"full_name": "Late Claimer", "email": "late@anderlecht.example", "language": "fr"})),
    );
    assert_eq!(status, Status::Created);
    assert_eq!(register("late@anderlecht.example"), Status::Accepted);
    let (_, mail) = last_mail(&mut app.conn(), "late@anderlecht.example").unwrap();
    let link = link_path(&mail);
    let admin = app.token(ADMIN, DEMO_PASSWORD);
    let (status, body) = app.api(
        "POST",
        "/api/v1/accounts",
        Some(&admin),
        Some(
            json!({ "person_id": listed["id"], "role": "hr", "organization": "anderlecht",
                     "password": "the real owner's passphrase" }),
        ),
    );
    assert_eq!(status, Status::Created, "{body}");
    let mut browser = Browser::default();
    app.visit(&mut browser, &link);
    let (status, _, _) = app.submit(
        &mut browser,
        &link,
        &[("password", "mallory's new passphrase")],
    );
    assert_eq!(status, Status::Gone);
    let (status, _) = app.api(
        "POST",
        "/api/v1/tokens",
        None,
        Some(json!({ "email": "late@anderlecht.example", "password": "the real owner's passphrase" })),
    );
    assert_eq!(status, Status::Created, "the owner's password is unchanged");
    app.token(victim, DEMO_PASSWORD);
});

db_test!(
    behind_a_tls_proxy_cookies_are_secure_and_hsts_is_sent,
    |db| {
        let figment = db
            .figment()
            .merge(("demo", true))
            .merge(("public_url", "https://formation.example"));
        let app = TestApp::start_with(db, figment);
        let login = app.client.get("/login").dispatch();
        assert_eq!(
            login.headers().get_one("Strict-Transport-Security"),
            Some("max-age=31536000; includeSubDomains")
        );
        let anonymous = login
            .cookies()
            .get("__Host-formation_session")
            .expect("the __Host- cookie")
            .clone()
            .into_owned();
        assert_eq!(anonymous.secure(), Some(true));
        assert!(login.cookies().get("formation_session").is_none());
        let csrf = common::csrf_in(&login.into_string().unwrap()).unwrap();
        let response = app
            .client
            .post("/login")
            .cookie(anonymous)
            .header(rocket::http::ContentType::Form)
            .body(common::form_body(&[
                ("email", ADMIN),
                ("password", DEMO_PASSWORD),
                ("csrf_token", &csrf),
            ]))
            .dispatch();
        assert_eq!(response.status(), Status::SeeOther);
        let cookie = response
            .cookies()
            .get("__Host-formation_session")
            .unwrap()
            .clone()
            .into_owned();
        assert_eq!(
            (cookie.secure(), cookie.http_only(), cookie.path()),
            (Some(true), Some(true), Some("/"))
        );
        assert!(cookie.domain().is_none(), "__Host- cookies name no domain");
        let account = app.client.get("/account").cookie(cookie).dispatch();
        assert_eq!(account.status(), Status::Ok, "the secure cookie signs in");
    }
);

db_test!(
    registrations_are_capped_per_organisation_and_day_and_paged,
    |db| {
        let app = TestApp::start_demo(db);
        let cap = formation::domain::registrations::MAX_PENDING_PER_DAY;
        // From addresses of their own: the rate limit per address is not what is tested here.
        let register = |i: i64| {
            let response = from_address(
                &app,
                rocket::http::Method::Post,
                "/api/v1/registrations",
                [10, 0, (i / 200) as u8, (i % 200) as u8],
                json!({"email": format!("stranger{i}@example.org"), "full_name": format!("Stranger {i}"),
                       "organization": "anderlecht", "language": "fr"}),
            );
            let status = response.status();
            (status, response.into_string().unwrap_or_default())
        };
        for i in 0..cap {
            assert_eq!(register(i).0, Status::Accepted, "request {i}");
        }
        let (status, body) = register(cap);
        assert_eq!(status, Status::Conflict, "{body}");
        // Every address gets that answer then, a known one too: the cap tells nobody which
        // addresses exist.
        let known = from_address(
            &app,
            rocket::http::Method::Post,
            "/api/v1/registrations",
            [10, 9, 9, 9],
            json!({"email": "key.user@anderlecht.example", "full_name": "Known", "organization": "anderlecht", "language": "fr"}),
        );
        assert_eq!(known.status(), Status::Conflict);
        let pending = || {
            scalar(
                &mut app.conn(),
                "SELECT COUNT(*) AS n FROM registration_requests WHERE status = 'pending'",
            )
        };
        assert_eq!(pending(), cap, "the one over the cap was not filed");
        // Another organisation is not held back by Anderlecht's.
        let (status, _) = app.api(
        "POST",
        "/api/v1/registrations",
        None,
        Some(json!({"email": "elsewhere@example.org", "full_name": "Elsewhere", "organization": "ixelles", "language": "fr"})),
    );
        assert_eq!(status, Status::Accepted);

        let hr = app.token(HR, DEMO_PASSWORD);
        let (_, first) = app.api("GET", "/api/v1/registrations?per_page=20", Some(&hr), None);
        assert_eq!(
            (
                first["total"].as_i64(),
                first["items"].as_array().unwrap().len()
            ),
            (Some(cap), 20)
        );
        let (_, last) = app.api(
            "GET",
            "/api/v1/registrations?per_page=20&page=3",
            Some(&hr),
            None,
        );
        assert_eq!(last["items"].as_array().unwrap().len() as i64, cap - 40);
        let mut browser = app.sign_in(HR, DEMO_PASSWORD);
        let (status, html) = app.visit(&mut browser, "/registrations?per_page=20");
        assert_eq!(status, Status::Ok);
        assert!(html.contains("rel=\"next\""), "the page has a pager");
    }
);

/// A JSON request from a given client address.
fn from_address<'a>(
    app: &'a TestApp,
    method: rocket::http::Method,
    path: &str,
    address: [u8; 4],
    body: serde_json::Value,
) -> rocket::local::blocking::LocalResponse<'a> {
    app.client
        .req(method, path.to_owned())
        .remote(std::net::SocketAddr::from((address, 40000)))
        .header(rocket::http::ContentType::JSON)
        .body(body.to_string())
        .dispatch()
}

/// Whether this browser's cookie still opens the API (`GET /api/v1/me`).
fn cookie_works(app: &TestApp, browser: &Browser) -> bool {
    let response = app
        .client
        .get("/api/v1/me")
        .cookie(browser.session.clone().expect("a cookie"))
        .dispatch();
    response.status() == Status::Ok
}

db_test!(a_copied_cookie_is_worthless_after_signing_out, |db| {
    let app = TestApp::start_demo(db);
    let mut browser = app.sign_in(HR, DEMO_PASSWORD);
    let copy = browser.clone();
    assert!(cookie_works(&app, &copy));
    // Signing in again from the same browser replaces its sign-in.
    let (status, _, _) = app.submit(
        &mut browser,
        "/login",
        &[("email", HR), ("password", DEMO_PASSWORD)],
    );
    assert_eq!(status, Status::SeeOther);
    assert!(
        !cookie_works(&app, &copy),
        "the replaced sign-in still works"
    );
    assert_eq!(
        scalar(&mut app.conn(), "SELECT COUNT(*) AS n FROM sign_ins"),
        1
    );
    app.visit(&mut browser, "/account");
    let copy = browser.clone();
    let (status, _, _) = app.submit(&mut browser, "/logout", &[]);
    assert_eq!(status, Status::SeeOther);
    assert!(!cookie_works(&app, &copy), "the copy still opened the API");
    let (status, _) = app.visit(&mut copy.clone(), "/account");
    assert_eq!(status, Status::SeeOther, "the copy still opened a page");
    assert_eq!(
        scalar(&mut app.conn(), "SELECT COUNT(*) AS n FROM sign_ins"),
        0
    );
});

db_test!(a_sign_in_lasts_twelve_hours_however_active, |db| {
    let app = TestApp::start_demo(db);
    let browser = app.sign_in(HR, DEMO_PASSWORD);
    assert!(cookie_works(&app, &browser));
    let eleven_hours = chrono::Utc::now().naive_utc() - chrono::Duration::hours(11);
    let thirteen_hours = chrono::Utc::now().naive_utc() - chrono::Duration::hours(13);
    for (created_at, works) in [(eleven_hours, true), (thirteen_hours, false)] {
        use diesel::prelude::*;
        use formation::db::schema::sign_ins;
        diesel::update(sign_ins::table)
            .set(sign_ins::created_at.eq(created_at))
            .execute(&mut *app.conn())
            .unwrap();
        assert_eq!(
            cookie_works(&app, &browser),
            works,
            "signed in at {created_at}"
        );
    }
});

db_test!(
    a_reset_ends_every_sign_in_and_revokes_tokens_and_feeds,
    |db| {
        let app = TestApp::start_demo(db);
        let laptop = app.sign_in(HR, DEMO_PASSWORD);
        let phone = app.sign_in(HR, DEMO_PASSWORD);
        let token = app.token(HR, DEMO_PASSWORD);
        let (status, feed) = app.api("POST", "/api/v1/me/calendar", Some(&token), None);
        assert_eq!(status, Status::Created);
        let feed_path = feed["url"]
            .as_str()
            .unwrap()
            .replace("http://127.0.0.1:8000", "");
        assert_eq!(app.get(&feed_path).status(), Status::Ok);

        let (status, _) = app.api(
            "POST",
            "/api/v1/password-resets",
            None,
            Some(json!({ "email": HR })),
        );
        assert_eq!(status, Status::Accepted);
        let (_, body) = last_mail(&mut app.conn(), HR).expect("a reset e-mail");
        let secret = link_path(&body)
            .trim_start_matches("/password/set/")
            .to_owned();
        let (status, _) = app.api(
            "POST",
            "/api/v1/password",
            None,
            Some(json!({ "token": secret, "password": "a brand new passphrase" })),
        );
        assert_eq!(status, Status::Ok);

        assert!(!cookie_works(&app, &laptop));
        assert!(!cookie_works(&app, &phone));
        let (status, _) = app.api("GET", "/api/v1/me", Some(&token), None);
        assert_eq!(status, Status::Unauthorized, "the token outlived the reset");
        assert_eq!(app.get(&feed_path).status(), Status::NotFound);
        let audited = scalar(
            &mut app.conn(),
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'account.password_set'",
        );
        assert_eq!(audited, 1);
        // The new password works.
        app.sign_in(HR, "a brand new passphrase");
    }
);

db_test!(deactivation_ends_sign_ins_for_good, |db| {
    let app = TestApp::start_demo(db);
    const MEMBER: &str = "key.user@anderlecht.example";
    let browser = app.sign_in(MEMBER, DEMO_PASSWORD);
    let person = scalar(
        &mut app.conn(),
        &format!("SELECT person_id AS n FROM accounts WHERE email = '{MEMBER}'"),
    );
    let hr = app.token(HR, DEMO_PASSWORD);
    let path = format!("/api/v1/people/{person}");
    let (_, current) = app.api("GET", &path, Some(&hr), None);
    let mut input = current.clone();
    input["active"] = json!(false);
    let (status, body) = app.api("PATCH", &path, Some(&hr), Some(input.clone()));
    assert_eq!(status, Status::Ok, "{body}");
    assert!(!cookie_works(&app, &browser));
    // Reactivated, the person signs in again; the old cookie stays dead.
    input["active"] = json!(true);
    let (status, body) = app.api("PATCH", &path, Some(&hr), Some(input));
    assert_eq!(status, Status::Ok, "{body}");
    assert!(
        !cookie_works(&app, &browser),
        "reactivation revived an old sign-in"
    );
});

db_test!(
    failures_are_slowed_by_address_before_an_account_locks,
    |db| {
        use rocket::http::Method;
        let app = TestApp::start_demo(db);
        let admin_browser = app.sign_in(ADMIN, DEMO_PASSWORD);
        let wrong = json!({ "email": ADMIN, "password": "not the password" });
        let attacker = [203, 0, 113, 7];
        for _ in 0..5 {
            let response = from_address(
                &app,
                Method::Post,
                "/api/v1/tokens",
                attacker,
                wrong.clone(),
            );
            assert_eq!(response.status(), Status::Unauthorized);
        }
        // The sixth try from that address is refused before any password check, even with the
        // right password, and says when to come back.
        let right = json!({ "email": ADMIN, "password": DEMO_PASSWORD });
        let response = from_address(
            &app,
            Method::Post,
            "/api/v1/tokens",
            attacker,
            right.clone(),
        );
        assert_eq!(response.status(), Status::TooManyRequests);
        let retry: u64 = response
            .headers()
            .get_one("Retry-After")
            .expect("Retry-After")
            .parse()
            .unwrap();
        assert!((1..=15 * 60).contains(&retry), "{retry}");
        let body: serde_json::Value = response.into_json().unwrap();
        assert_eq!(body["error"]["code"], "too_many_requests");
        // One address cannot lock the admin out: from the admin's own address, sign-in works.
        let response = from_address(
            &app,
            Method::Post,
            "/api/v1/tokens",
            [198, 51, 100, 2],
            right.clone(),
        );
        assert_eq!(response.status(), Status::Created);
        assert_eq!(
            scalar(
                &mut app.conn(),
                "SELECT COUNT(*) AS n FROM accounts WHERE locked_until IS NOT NULL"
            ),
            0
        );
        assert!(cookie_works(&app, &admin_browser));
        // An attack from several addresses still locks the account, and ends its sign-ins.
        for address in 1..=2u8 {
            for _ in 0..5 {
                from_address(
                    &app,
                    Method::Post,
                    "/api/v1/tokens",
                    [192, 0, 2, address],
                    wrong.clone(),
                );
            }
        }
        assert_eq!(
            scalar(
                &mut app.conn(),
                "SELECT COUNT(*) AS n FROM accounts WHERE locked_until IS NOT NULL"
            ),
            1
        );
        assert!(
            !cookie_works(&app, &admin_browser),
            "the lockout left a sign-in alive"
        );
    }
);

db_test!(resets_and_registrations_are_rate_limited, |db| {
    use rocket::http::Method;
    let app = TestApp::start_demo(db);
    let reset = json!({ "email": HR });
    for n in 0..3u8 {
        let response = from_address(
            &app,
            Method::Post,
            "/api/v1/password-resets",
            [192, 0, 2, n],
            reset.clone(),
        );
        assert_eq!(response.status(), Status::Accepted);
    }
    let response = from_address(
        &app,
        Method::Post,
        "/api/v1/password-resets",
        [192, 0, 2, 9],
        reset,
    );
    assert_eq!(response.status(), Status::TooManyRequests);
    let mails = scalar(
        &mut app.conn(),
        &format!("SELECT COUNT(*) AS n FROM outbox WHERE recipient = '{HR}'"),
    );
    assert_eq!(mails, 3, "the refused request sent nothing");

    let registration = |n: usize| {
        json!({ "email": format!("someone.{n}@anderlecht.example"), "full_name": format!("Someone {n}"),
                "organization": "anderlecht", "language": "fr" })
    };
    let address = [198, 51, 100, 77];
    for n in 0..30 {
        let response = from_address(
            &app,
            Method::Post,
            "/api/v1/registrations",
            address,
            registration(n),
        );
        assert_eq!(response.status(), Status::Accepted);
    }
    let before = scalar(
        &mut app.conn(),
        "SELECT COUNT(*) AS n FROM registration_requests",
    );
    let response = from_address(
        &app,
        Method::Post,
        "/api/v1/registrations",
        address,
        registration(30),
    );
    assert_eq!(response.status(), Status::TooManyRequests);
    let after = scalar(
        &mut app.conn(),
        "SELECT COUNT(*) AS n FROM registration_requests",
    );
    assert_eq!(before, after);
});

db_test!(password_checks_hold_no_database_connection, |db| {
    // 16 sign-ins at once on a pool of 4: argon2 runs outside the pool, so a plain read made
    // meanwhile is answered at once instead of waiting for the hashing to finish.
    let app = TestApp::start_demo(db);
    let token = app.token(HR, DEMO_PASSWORD);
    let figment = app.db.figment().merge(("pool_size", 4));
    let runtime = rocket::tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    let (sign_ins, read, read_status) = runtime.block_on(async move {
        use rocket::local::asynchronous::Client;
        let client = std::sync::Arc::new(
            Client::untracked(formation::build_rocket(figment))
                .await
                .unwrap(),
        );
        let started = Instant::now();
        let mut handles = Vec::new();
        for n in 0..16u8 {
            let client = client.clone();
            handles.push(rocket::tokio::spawn(async move {
                client
                    .post("/api/v1/tokens")
                    .remote(std::net::SocketAddr::from(([192, 0, 2, n], 40000)))
                    .header(rocket::http::ContentType::JSON)
                    .body(json!({ "email": HR, "password": DEMO_PASSWORD }).to_string())
                    .dispatch()
                    .await
                    .status()
            }));
        }
        rocket::tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let read_started = Instant::now();
        let read_status = client
            .get("/api/v1/me")
            .header(rocket::http::Header::new(
                "Authorization",
                format!("Bearer {token}"),
            ))
            .dispatch()
            .await
            .status();
        let read = read_started.elapsed();
        for handle in handles {
            assert_eq!(handle.await.unwrap(), Status::Created);
        }
        (started.elapsed(), read, read_status)
    });
    assert_eq!(read_status, Status::Ok);
    assert!(
        read * 3 < sign_ins,
        "the read took {read:?} while 16 sign-ins took {sign_ins:?}"
    );
});

/// Asserts a 422 whose error names a field ending in `field`, with a "too long" message.
#[track_caller]
fn too_long(answer: (Status, serde_json::Value), field: &str) {
    let (status, body) = answer;
    assert_eq!(status, Status::UnprocessableEntity, "{field}: {body}");
    let fields = body["error"]["fields"].as_object().expect("fields");
    let (_, messages) = fields
        .iter()
        .find(|(name, _)| name.ends_with(field))
        .unwrap_or_else(|| panic!("{field} is not named: {body}"));
    // "N caractères au maximum." / "N lignes au maximum." (API answers default to French).
    assert!(
        messages.to_string().contains("au maximum"),
        "{field}: {messages}"
    );
}

/// A text of `n` two-byte characters.
fn long(n: usize) -> String {
    "é".repeat(n)
}

/// The tables an over-long write could add a row to.
const LIMIT_TABLES: [&str; 7] = [
    "people",
    "registration_requests",
    "modules",
    "venues",
    "interests",
    "api_tokens",
    "key_users",
];

fn limit_table_counts(app: &TestApp) -> Vec<i64> {
    LIMIT_TABLES
        .iter()
        .map(|t| common::count(&mut app.conn(), t))
        .collect()
}

/// Who sends an over-long request.
#[derive(Clone, Copy)]
enum Sender {
    Anonymous,
    Planner,
    Hr,
}

/// A request carrying one text over its limit, and the field its refusal must name.
struct TooLong {
    method: &'static str,
    path: String,
    sender: Sender,
    body: serde_json::Value,
    field: &'static str,
}

fn over(
    method: &'static str,
    path: String,
    sender: Sender,
    body: serde_json::Value,
    field: &'static str,
) -> TooLong {
    TooLong {
        method,
        path,
        sender,
        body,
        field,
    }
}

/// What the over-long requests name: the senders' tokens, an Anderlecht person, a module, a
/// session, a key user and this year.
struct LimitTargets {
    planner: String,
    hr: String,
    person: i64,
    module: String,
    session: i64,
    key_user: i64,
    year: String,
}

fn limit_targets(app: &TestApp, planner: String, hr: String) -> LimitTargets {
    let person = scalar(
        &mut app.conn(),
        "SELECT MIN(id) AS n FROM people WHERE organization_id = \
         (SELECT id FROM organizations WHERE code = 'anderlecht')",
    );
    let module = app.get_json("/api/v1/modules").1["items"][0]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let session = app.get_json("/api/v1/sessions").1["items"][0]["id"]
        .as_i64()
        .unwrap();
    LimitTargets {
        planner,
        hr,
        person,
        module,
        session,
        key_user: scalar(&mut app.conn(), "SELECT MIN(id) AS n FROM key_users"),
        year: chrono::Utc::now().format("%Y").to_string(),
    }
}

/// Sends an over-long request: refused, naming its field.
fn refused_as_too_long(app: &TestApp, t: &LimitTargets, case: TooLong) {
    let token = match case.sender {
        Sender::Anonymous => None,
        Sender::Planner => Some(t.planner.as_str()),
        Sender::Hr => Some(t.hr.as_str()),
    };
    too_long(
        app.api(case.method, &case.path, token, Some(case.body)),
        case.field,
    );
}

/// The texts of people and of registration requests, over their limits.
fn people_texts_over_the_limit(t: &LimitTargets) -> Vec<TooLong> {
    use Sender::*;
    vec![
        over(
            "POST",
            "/api/v1/people".into(),
            Hr,
            json!({"full_name": long(201), "language": "fr"}),
            "full_name",
        ),
        over(
            "POST",
            "/api/v1/people".into(),
            Hr,
            json!({"full_name": "Ok", "job_title": long(201), "language": "fr"}),
            "job_title",
        ),
        over(
            "PATCH",
            format!("/api/v1/people/{}", t.person),
            Hr,
            json!({"profile": long(201)}),
            "profile",
        ),
        over(
            "POST",
            "/api/v1/registrations".into(),
            Anonymous,
            json!({"email": "long@anderlecht.example", "full_name": long(201),
                   "organization": "anderlecht", "language": "fr"}),
            "full_name",
        ),
        over(
            "POST",
            "/api/v1/registrations".into(),
            Anonymous,
            json!({"email": "long@anderlecht.example", "full_name": "Ok", "job_title": long(201),
                   "organization": "anderlecht", "language": "fr"}),
            "job_title",
        ),
    ]
}

fn new_module(title: String, description: String) -> serde_json::Value {
    json!({
        "domain": "finance", "code": "LONG-1", "title_fr": title, "title_nl": "Titel",
        "description_fr": description, "tier": "end_user", "duration_minutes": 60,
    })
}

/// The texts of the catalogue, sessions, interests, plans and key users, over their limits.
fn catalogue_and_planning_texts_over_the_limit(t: &LimitTargets) -> Vec<TooLong> {
    use Sender::*;
    let (module, person, year) = (&t.module, t.person, &t.year);
    vec![
        over(
            "POST",
            "/api/v1/modules".into(),
            Planner,
            new_module(long(201), String::new()),
            "title_fr",
        ),
        over(
            "POST",
            "/api/v1/modules".into(),
            Planner,
            new_module("Titre".into(), long(4001)),
            "description_fr",
        ),
        over(
            "POST",
            "/api/v1/venues".into(),
            Planner,
            json!({"name": long(201), "address": "Rue 1", "seats": 10}),
            "name",
        ),
        over(
            "POST",
            "/api/v1/venues".into(),
            Planner,
            json!({"name": "Salle", "address": long(301), "seats": 10}),
            "address",
        ),
        over(
            "PATCH",
            format!("/api/v1/sessions/{}", t.session),
            Planner,
            json!({"online_url": format!("https://{}", "a".repeat(2000))}),
            "online_url",
        ),
        over(
            "POST",
            "/api/v1/interests".into(),
            Hr,
            json!({"module": module, "person_id": person, "note": long(1001)}),
            "note",
        ),
        over(
            "PUT",
            format!("/api/v1/people/{person}/plans/{year}"),
            Hr,
            json!({"status": "draft", "items": [{"module": module, "note": long(1001)}]}),
            "note",
        ),
        over(
            "PUT",
            format!("/api/v1/organizations/anderlecht/plans/{year}"),
            Hr,
            json!({"status": "draft",
                   "targets": [{"module": module, "headcount": 3, "profile": long(201)}]}),
            "profile",
        ),
        over(
            "POST",
            format!("/api/v1/key-users/{}/certify", t.key_user),
            Planner,
            json!({"reason": long(1001)}),
            "reason",
        ),
    ]
}

/// A refusal of a registration request whose reason is too long is itself refused: the
/// request stays pending. (It adds that request.)
fn a_long_refusal_reason_leaves_the_request_pending(app: &TestApp, t: &LimitTargets) {
    app.api(
        "POST",
        "/api/v1/registrations",
        None,
        Some(json!({
            "email": "pending@anderlecht.example", "full_name": "Pending",
            "organization": "anderlecht", "language": "fr",
        })),
    );
    let request = scalar(
        &mut app.conn(),
        "SELECT MAX(id) AS n FROM registration_requests",
    );
    too_long(
        app.api(
            "POST",
            &format!("/api/v1/registrations/{request}/refuse"),
            Some(&t.hr),
            Some(json!({"reason": long(1001)})),
        ),
        "reason",
    );
    let status = scalar(
        &mut app.conn(),
        &format!(
            "SELECT COUNT(*) AS n FROM registration_requests \
             WHERE id = {request} AND status = 'pending'"
        ),
    );
    assert_eq!(status, 1, "the refusal was refused");
}

/// A token's label and a bulk enrolment's list of addresses, over their limits.
fn token_and_bulk_texts_over_the_limit(t: &LimitTargets) -> Vec<TooLong> {
    let emails: Vec<String> = (0..501)
        .map(|i| format!("bulk.{i}@anderlecht.example"))
        .collect();
    vec![
        over(
            "POST",
            "/api/v1/tokens".into(),
            Sender::Anonymous,
            json!({"email": HR, "password": DEMO_PASSWORD, "label": long(101)}),
            "label",
        ),
        over(
            "POST",
            format!("/api/v1/sessions/{}/enrollments/bulk", t.session),
            Sender::Planner,
            json!({"emails": emails}),
            "emails",
        ),
    ]
}

db_test!(
    every_text_field_has_a_length_limit_and_a_refusal_changes_nothing,
    |db| {
        let app = TestApp::start_demo(db);
        let planner = app.token("planner@erap.example", DEMO_PASSWORD);
        let hr = app.token(HR, DEMO_PASSWORD);
        let before = limit_table_counts(&app);
        let t = limit_targets(&app, planner, hr);

        // At the limit is accepted…
        let (status, body) = app.api(
            "POST",
            "/api/v1/people",
            Some(&t.hr),
            Some(json!({"full_name": long(200), "language": "fr"})),
        );
        assert_eq!(status, Status::Created, "{body}");
        let before = {
            let mut b = before;
            b[0] += 1;
            b
        };
        // …one more is not, on every kind of text.
        let first = people_texts_over_the_limit(&t)
            .into_iter()
            .chain(catalogue_and_planning_texts_over_the_limit(&t));
        for case in first {
            refused_as_too_long(&app, &t, case);
        }
        a_long_refusal_reason_leaves_the_request_pending(&app, &t);
        for case in token_and_bulk_texts_over_the_limit(&t) {
            refused_as_too_long(&app, &t, case);
        }

        let mut after = limit_table_counts(&app);
        after[1] -= 1; // the pending request made above
        assert_eq!(after, before, "a refused write changed {LIMIT_TABLES:?}");
    }
);

db_test!(changing_ones_password_ends_the_other_sign_ins, |db| {
    let app = TestApp::start_demo(db);
    let mut laptop = app.sign_in(HR, DEMO_PASSWORD);
    let phone = app.sign_in(HR, DEMO_PASSWORD);
    let token = app.token(HR, DEMO_PASSWORD);
    let new = "a brand new passphrase";
    // A reset link asked for earlier is spent by the change.
    app.api(
        "POST",
        "/api/v1/password-resets",
        None,
        Some(json!({ "email": HR })),
    );
    let (_, mail) = last_mail(&mut app.conn(), HR).expect("a reset e-mail");
    let reset_link = link_path(&mail);

    // A wrong current password changes nothing and says which field is wrong.
    let (status, body, _) = app.submit(
        &mut laptop,
        "/account/password",
        &[("current_password", "not my password"), ("password", new)],
    );
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.contains("aria-invalid=\"true\" aria-describedby=\"current_password-errors\""));
    assert!(cookie_works(&app, &phone));
    // A new password that breaks the rules is named too.
    let (status, body, _) = app.submit(
        &mut laptop,
        "/account/password",
        &[("current_password", DEMO_PASSWORD), ("password", "short")],
    );
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.contains("password-errors"));
    assert!(cookie_works(&app, &phone));

    let (status, _, location) = app.submit(
        &mut laptop,
        "/account/password",
        &[("current_password", DEMO_PASSWORD), ("password", new)],
    );
    assert_eq!(status, Status::SeeOther);
    assert_eq!(location.as_deref(), Some("/account"));
    assert!(
        cookie_works(&app, &laptop),
        "the browser that asked stays signed in"
    );
    assert_eq!(
        app.get(&reset_link).status(),
        Status::Gone,
        "an older reset link survived"
    );
    assert!(
        !cookie_works(&app, &phone),
        "another sign-in outlived the change"
    );
    let (status, _) = app.api("GET", "/api/v1/me", Some(&token), None);
    assert_eq!(status, Status::Ok, "tokens stay");
    assert_eq!(
        scalar(
            &mut app.conn(),
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'account.password_changed'"
        ),
        1
    );
    app.sign_in(HR, new);

    // Through the API, with a token.
    let (status, body) = app.api(
        "PUT",
        "/api/v1/me/password",
        Some(&token),
        Some(json!({ "current_password": new, "password": "yet another passphrase" })),
    );
    assert_eq!(status, Status::NoContent, "{body}");
    assert!(!cookie_works(&app, &laptop));
    app.sign_in(HR, "yet another passphrase");
});

db_test!(simultaneous_guesses_count_in_full, |db| {
    // Ten wrong passwords sent at once from one address: the failure slots are taken before
    // the passwords are checked, so only five reach argon2 and the account.
    let app = TestApp::start_demo(db);
    let figment = app.db.figment();
    let runtime = rocket::tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    let statuses: Vec<Status> = runtime.block_on(async move {
        use rocket::local::asynchronous::Client;
        let client = std::sync::Arc::new(
            Client::untracked(formation::build_rocket(figment))
                .await
                .unwrap(),
        );
        let mut handles = Vec::new();
        for _ in 0..10 {
            let client = client.clone();
            handles.push(rocket::tokio::spawn(async move {
                client
                    .post("/api/v1/tokens")
                    .remote(std::net::SocketAddr::from(([203, 0, 113, 9], 40000)))
                    .header(rocket::http::ContentType::JSON)
                    .body(json!({ "email": ADMIN, "password": "not the password" }).to_string())
                    .dispatch()
                    .await
                    .status()
            }));
        }
        let mut statuses = Vec::new();
        for handle in handles {
            statuses.push(handle.await.unwrap());
        }
        statuses
    });
    let refused = statuses
        .iter()
        .filter(|s| **s == Status::TooManyRequests)
        .count();
    let failed = statuses
        .iter()
        .filter(|s| **s == Status::Unauthorized)
        .count();
    assert_eq!((failed, refused), (5, 5), "{statuses:?}");
    let counted = scalar(
        &mut app.conn(),
        &format!("SELECT CAST(failed_logins AS BIGINT) AS n FROM accounts WHERE email = '{ADMIN}'"),
    );
    assert_eq!(counted, 5);
});

db_test!(
    pages_escape_what_people_type_and_assets_come_from_the_binary,
    |db| {
        let app = TestApp::start_demo(db);
        let hr = app.token(HR, DEMO_PASSWORD);
        let (status, person) = app.api(
            "POST",
            "/api/v1/people",
            Some(&hr),
            Some(json!({"full_name": "<script>alert(1)</script>", "language": "fr"})),
        );
        assert_eq!(status, Status::Created, "{person}");
        let mut browser = app.sign_in(HR, DEMO_PASSWORD);
        let (status, page) = app.visit(&mut browser, &format!("/people/{}", person["id"]));
        assert_eq!(status, Status::Ok);
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"),
            "{page}"
        );
        assert!(!page.contains("<script>alert(1)"));

        let css = app.get("/static/css/app.css");
        assert_eq!(css.status(), Status::Ok);
        assert_eq!(css.content_type(), Some(rocket::http::ContentType::CSS));
        for path in [
            "/static/../Cargo.toml",
            "/static/%2e%2e/Cargo.toml",
            "/static/nothing.css",
        ] {
            assert_eq!(app.get(path).status(), Status::NotFound, "{path}");
        }
    }
);
