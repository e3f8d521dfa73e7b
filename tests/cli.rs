//! The command line, run as a real process: exit codes, messages and what it changes.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use common::{count, scalar, Backend, TestDatabase};

fn formation(db: &TestDatabase, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_formation"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", &db.url)
        .env("ROCKET_DATA_DIR", db.dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run formation");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `formation create-user` with the password on standard input.
fn create_user(
    db: &TestDatabase,
    email: &str,
    role: &str,
    organization: Option<&str>,
    password: &str,
) -> Output {
    let mut args = vec![
        "create-user",
        "--email",
        email,
        "--role",
        role,
        "--password-stdin",
    ];
    if let Some(code) = organization {
        args.extend(["--organization", code]);
    }
    formation(db, &args, &format!("{password}\n"))
}

db_test!(
    create_user_checks_its_input_and_exits_non_zero_on_errors,
    |db| {
        let ok = create_user(
            &db,
            "Planner@ERAP.example",
            "planner",
            None,
            "correct horse battery",
        );
        assert!(ok.status.success(), "{}", stderr(&ok));
        assert!(String::from_utf8_lossy(&ok.stdout).contains("planner@erap.example"));

        let short = create_user(&db, "hr@evere.example", "hr", Some("evere"), "short");
        assert_eq!(short.status.code(), Some(1));
        assert!(stderr(&short).contains("password"), "{}", stderr(&short));

        let no_org = create_user(&db, "hr@evere.example", "hr", None, "long enough password");
        assert_eq!(no_org.status.code(), Some(1));
        assert!(stderr(&no_org).contains("organization"));

        let duplicate = create_user(
            &db,
            "planner@erap.example",
            "admin",
            None,
            "long enough password",
        );
        assert_eq!(duplicate.status.code(), Some(1));
        assert!(stderr(&duplicate).contains("already exists"));

        let bad_role = create_user(&db, "x@evere.example", "boss", None, "");
        assert_eq!(bad_role.status.code(), Some(2), "clap's usage error");

        let database = db.open();
        let mut conn = database.get().unwrap();
        assert_eq!(
            count(&mut conn, "accounts"),
            1,
            "only the valid account was created"
        );
        assert_eq!(
            count(&mut conn, "audit_events"),
            1,
            "and its creation audited"
        );
    }
);

db_test!(seed_loads_demo_data_only_when_asked, |db| {
    let plain = formation(&db, &["seed"], "");
    assert!(plain.status.success(), "{}", stderr(&plain));
    {
        let database = db.open();
        let mut conn = database.get().unwrap();
        assert_eq!(count(&mut conn, "organizations"), 39);
        assert_eq!(count(&mut conn, "people"), 0);
    }
    let demo = formation(&db, &["seed", "--demo"], "");
    assert!(demo.status.success(), "{}", stderr(&demo));
    assert!(String::from_utf8_lossy(&demo.stdout).contains("admin@formation.example"));
    let database = db.open();
    let mut conn = database.get().unwrap();
    assert!(count(&mut conn, "people") > 100);
});

db_test!(backup_copies_sqlite_and_points_postgres_to_pg_dump, |db| {
    let target = db.dir.path().join("backup.db");
    let target_arg = target.to_string_lossy().into_owned();
    let output = formation(&db, &["backup", "--to", &target_arg], "");
    match db.backend {
        Backend::Sqlite => {
            assert!(output.status.success(), "{}", stderr(&output));
            assert!(target.metadata().unwrap().len() > 0);
            let again = formation(&db, &["backup", "--to", &target_arg], "");
            assert_eq!(again.status.code(), Some(1), "never overwrites a file");
        }
        Backend::Postgres => {
            assert_eq!(output.status.code(), Some(1));
            assert!(stderr(&output).contains("pg_dump"));
            assert!(!target.exists());
        }
    }
});

db_test!(
    seed_scale_generates_the_expected_world_within_the_rules,
    |db| {
        let refused = formation(&db, &["seed", "--scale", "0"], "");
        assert_eq!(refused.status.code(), Some(1));
        assert!(stderr(&refused).contains("scale:"), "{}", stderr(&refused));

        // A tenth of Brussels.
        let output = formation(&db, &["seed", "--scale", "0.1"], "");
        assert!(output.status.success(), "{}", stderr(&output));
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            stdout.contains("people: 3000"),
            "progress is reported: {stdout}"
        );
        assert!(stdout.contains("done in"), "{stdout}");
        let database = db.open();
        let mut conn = database.get().unwrap();
        for (table, expected) in [
            ("people", 3000),
            ("key_users", 150),
            ("modules", 80),
            ("training_sessions", 400),
            ("enrollments", 12_000),
            ("individual_plan_items", 2000),
            ("collective_plans", 38 * 4),
        ] {
            assert_eq!(count(&mut conn, table), expected, "{table}");
        }
        common::assert_data_keeps_the_rules(&mut conn);
        // Cascade sessions are given by a key user of the organiser, certified in the domain
        // before the session.
        assert_eq!(
        scalar(
            &mut conn,
            "SELECT COUNT(*) AS n FROM training_sessions s JOIN modules m ON m.id = s.module_id \
             WHERE m.tier = 'end_user' AND NOT EXISTS (SELECT 1 FROM key_users k \
                 JOIN people p ON p.id = k.person_id \
                 WHERE k.person_id = s.trainer_person_id AND k.domain_id = m.domain_id \
                   AND p.organization_id = s.organizer_id AND k.status = 'certified' \
                   AND k.certified_on < s.starts_at)"
        ),
        0
    );
        // Languages: about 55 % French, 35 % Dutch, 10 % English.
        let french = scalar(
            &mut conn,
            "SELECT COUNT(*) AS n FROM people WHERE language = 'fr'",
        );
        let dutch = scalar(
            &mut conn,
            "SELECT COUNT(*) AS n FROM people WHERE language = 'nl'",
        );
        assert!((1500..1800).contains(&french), "{french}");
        assert!((900..1200).contains(&dutch), "{dutch}");
        for status in ["certified", "in_training", "nominated"] {
            let n = scalar(
                &mut conn,
                &format!("SELECT COUNT(*) AS n FROM key_users WHERE status = '{status}'"),
            );
            assert!(n > 0, "{status}");
        }
        // New rows after the generator get fresh ids (PostgreSQL sequences were moved on).
        formation::domain::people::insert(
            &mut conn,
            formation::domain::people::NewPerson {
                organization_id: 1,
                full_name: "After the seed",
                email: None,
                job_title: None,
                profile: None,
                language: formation::domain::people::PersonLanguage::Fr,
            },
        )
        .expect("ids do not collide");

        let again = formation(&db, &["seed", "--scale", "0.1"], "");
        assert_eq!(again.status.code(), Some(1));
        assert!(
            stderr(&again).contains("empty database"),
            "{}",
            stderr(&again)
        );
        assert_eq!(
            count(&mut conn, "people"),
            3001,
            "a refused run changes nothing"
        );
    }
);

db_test!(
    rebuild_read_model_restores_the_facts_from_the_enrolments,
    |db| {
        let seeded = formation(&db, &["seed", "--demo"], "");
        assert!(seeded.status.success(), "{}", stderr(&seeded));
        let database = db.open();
        let mut conn = database.get().unwrap();
        let loaded = count(&mut conn, "trained_facts");
        assert!(loaded > 0, "the demo fills the read model");
        common::assert_data_keeps_the_rules(&mut conn);

        // Lost or damaged: the command recomputes it and says so.
        diesel::connection::SimpleConnection::batch_execute(
            &mut *conn,
            "DELETE FROM trained_facts WHERE year % 2 = 0; UPDATE trained_facts SET trainings = 9",
        )
        .unwrap();
        assert_ne!(common::broken_rules(&mut conn), Vec::<&str>::new());
        let rebuilt = formation(&db, &["rebuild-read-model"], "");
        assert!(rebuilt.status.success(), "{}", stderr(&rebuilt));
        let stdout = String::from_utf8_lossy(&rebuilt.stdout).into_owned();
        assert!(
            stdout.contains(&format!("{loaded} trained facts")),
            "{stdout}"
        );
        assert_eq!(count(&mut conn, "trained_facts"), loaded);
        common::assert_data_keeps_the_rules(&mut conn);
    }
);
