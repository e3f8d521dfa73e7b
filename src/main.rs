//! The `formation` command line. It only parses the command and calls into the library.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use formation::config::{self, Settings};
use formation::db::{self, Backend, Database, DatabaseUrl};
use formation::domain::accounts::{self, AccountRequest, FirstPassword, Role};
use formation::domain::read_model;
use formation::error::AppError;
use formation::seed::{demo, scale};
use formation::web::i18n::Locale;

#[derive(Parser)]
#[command(
    name = "formation",
    version,
    about = "Formation: train-the-trainers platform"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server (migrates and loads reference data first).
    Serve {
        /// Also load the demonstration data set and print its sign-ins.
        #[arg(long)]
        demo: bool,
    },
    /// Run pending database migrations and exit.
    Migrate,
    /// Load reference data (and, with --demo, the demonstration data set) and exit.
    Seed {
        #[arg(long)]
        demo: bool,
        /// Fill an empty database with N times a Brussels-sized data set (for load tests):
        /// 30,000 people, 4,000 sessions and 120,000 enrolments at N = 1.
        #[arg(long, value_name = "N", conflicts_with = "demo")]
        scale: Option<f64>,
    },
    /// Create an account; the password is read from standard input.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Organisation code (required for hr and member accounts).
        #[arg(long)]
        organization: Option<String>,
        /// Read the password from standard input (required).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Recompute the read model (the facts the reports read) from the enrolments, then check
    /// it against a fresh computation.
    RebuildReadModel,
    /// Copy the SQLite database to a new file while the app may keep running.
    Backup {
        #[arg(long)]
        to: PathBuf,
    },
}

fn parse_role(value: &str) -> Result<Role, String> {
    Role::parse(value).ok_or_else(|| "expected one of: admin, planner, hr, member".to_owned())
}

fn settings() -> Result<Settings, String> {
    Settings::from_figment(&config::figment()).map_err(|e| format!("configuration: {e}"))
}

fn describe(error: AppError) -> String {
    match error {
        AppError::Validation(fields) => fields
            .0
            .iter()
            .map(|(field, messages)| {
                let texts: Vec<String> = messages.iter().map(|m| Locale::En.message(m)).collect();
                format!("{field}: {}", texts.join("; "))
            })
            .collect::<Vec<_>>()
            .join("\n"),
        AppError::Conflict(message) => Locale::En.message(&message),
        other => other.to_string(),
    }
}

fn print_demo_sign_ins() {
    println!("Demo sign-ins (password for all: {}):", demo::DEMO_PASSWORD);
    for sign_in in demo::SIGN_INS {
        println!(
            "  {:<8} {:<40} {}",
            sign_in.role.as_str(),
            sign_in.email,
            sign_in.description
        );
    }
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Serve { demo } => {
            let mut figment = config::figment();
            if demo {
                figment = figment.merge(("demo", true));
            }
            let mut rocket = formation::build_rocket(figment);
            if demo {
                // After start-up, so the sign-ins are only shown once the data is really there.
                rocket = rocket.attach(rocket::fairing::AdHoc::on_liftoff("Demo sign-ins", |_| {
                    Box::pin(async { print_demo_sign_ins() })
                }));
            }
            rocket::execute(rocket.launch())
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
        Command::Migrate => {
            let settings = settings()?;
            Database::open(&settings.database_url, 1).map_err(|e| e.to_string())?;
            println!("Migrations are up to date ({}).", settings.database_url);
            Ok(())
        }
        Command::Seed { demo, scale } => {
            let settings = Settings {
                demo,
                ..settings()?
            };
            let database = formation::prepare_database(&settings).map_err(describe)?;
            println!("Reference data loaded.");
            if demo {
                print_demo_sign_ins();
            }
            if let Some(scale) = scale {
                let mut conn = database.get().map_err(|e| e.to_string())?;
                scale::generate(&mut conn, scale, &mut |line| println!("{line}"))
                    .map_err(describe)?;
            }
            Ok(())
        }
        Command::CreateUser {
            email,
            role,
            organization,
            password_stdin: _,
        } => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .map_err(|e| format!("reading the password from standard input: {e}"))?;
            let password = password.trim_end_matches(['\n', '\r']).to_owned();
            let settings = settings()?;
            let database = formation::prepare_database(&settings).map_err(describe)?;
            let mut conn = database.get().map_err(|e| e.to_string())?;
            let account = accounts::create(
                &mut conn,
                None,
                &AccountRequest {
                    email: Some(email),
                    role,
                    organization_code: organization,
                    person_id: None,
                    password: FirstPassword::Given(password),
                    locale: None,
                },
                &settings.public_url,
            )
            .map_err(describe)?;
            println!("Account {} created ({}).", account.email, account.role);
            Ok(())
        }
        Command::RebuildReadModel => {
            let settings = settings()?;
            let database = formation::prepare_database(&settings).map_err(describe)?;
            let mut conn = database.get().map_err(|e| e.to_string())?;
            let facts = read_model::rebuild(&mut conn).map_err(describe)?;
            let differences = read_model::differences(&mut conn).map_err(describe)?;
            if !differences.is_empty() {
                return Err(format!(
                    "the read model differs: {}",
                    differences.join("; ")
                ));
            }
            println!("Read model rebuilt: {facts} trained facts, in step with the enrolments.");
            Ok(())
        }
        Command::Backup { to } => {
            let settings = settings()?;
            // Refuse before connecting: opening the database would run migrations on it.
            if DatabaseUrl::parse(&settings.database_url)
                .map_err(|e| e.to_string())?
                .backend()
                == Backend::Postgres
            {
                return Err(db::POSTGRES_BACKUP_HINT.to_owned());
            }
            let database = Database::open(&settings.database_url, 1).map_err(|e| e.to_string())?;
            let mut conn = database.get().map_err(|e| e.to_string())?;
            db::backup_sqlite(&mut conn, &to).map_err(|e| e.to_string())?;
            println!("Backup written to {}.", to.display());
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
