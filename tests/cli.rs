//! The command line, run as a real process: exit codes, messages and what it changes.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use common::{count, Backend, TestDatabase};

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
