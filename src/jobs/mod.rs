//! Background work that must be safe with several app instances running: each job claims its
//! rows with a conditional update before working on them, so no two instances do the same
//! work. `start` runs them every `INTERVAL` once the server is up (unless `jobs = false`).

pub mod outbox;
pub mod reminders;

use std::time::Duration;

use rocket::fairing::AdHoc;

use crate::config::Settings;
use crate::db::Database;

/// How often the jobs run.
pub const INTERVAL: Duration = Duration::from_secs(30);

/// The fairing that starts the jobs after launch.
pub fn fairing() -> AdHoc {
    AdHoc::on_liftoff("Background jobs", |rocket| {
        Box::pin(async move {
            let (Some(settings), Some(database)) = (
                rocket.state::<Settings>().cloned(),
                rocket.state::<Database>().cloned(),
            ) else {
                return;
            };
            if !settings.jobs {
                return;
            }
            let mailer = settings
                .smtp_url
                .as_deref()
                .map(|url| outbox::SmtpMailer::new(url, &settings.mail_from));
            let mailer = match mailer.transpose() {
                Ok(mailer) => mailer,
                Err(error) => {
                    log::error!("SMTP is misconfigured, e-mails stay in the outbox: {error}");
                    None
                }
            };
            rocket::tokio::spawn(async move {
                loop {
                    let database = database.clone();
                    let settings = settings.clone();
                    let mailer = mailer.clone();
                    let run = rocket::tokio::task::spawn_blocking(move || {
                        let mut conn = database.get()?;
                        reminders::queue_due(&mut conn, &settings.public_url)?;
                        reminders::complete_past_sessions(&mut conn)?;
                        crate::domain::sign_ins::purge_lapsed(&mut conn)?;
                        if let Some(mailer) = &mailer {
                            outbox::send_due(&mut conn, mailer, 100)?;
                        }
                        Ok::<_, crate::error::AppError>(())
                    })
                    .await;
                    match run {
                        Ok(Err(error)) => log::warn!("background jobs: {error}"),
                        Err(error) => log::error!("background jobs panicked: {error}"),
                        Ok(Ok(())) => {}
                    }
                    rocket::tokio::time::sleep(INTERVAL).await;
                }
            });
        })
    })
}
