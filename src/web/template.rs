//! HTML pages: Tera templates from `template_dir` (`templates/`), loaded once at ignition and
//! named by their path without extensions (`sessions/index.html.tera` is `sessions/index`).
//!
//! A handler's context is turned into Tera's context once, when the handler returns it.
//! (`rocket_dyn_templates` converted every context twice, through figment values and then
//! JSON: 13 % of the session list's CPU under load.) Restart the server to see a template
//! change.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use rocket::fairing::{AdHoc, Fairing};
use rocket::http::{ContentType, Status};
use rocket::request::Request;
use rocket::response::{self, Responder};
use serde::Serialize;
use tera::Tera;

/// The default of the `template_dir` setting.
const DEFAULT_DIR: &str = "templates";

/// The loaded templates, in Rocket's managed state.
pub struct Templates(Tera);

/// A page to render: a template name and its context.
pub struct Template {
    name: Cow<'static, str>,
    context: tera::Result<tera::Context>,
}

impl Template {
    pub fn render(name: impl Into<Cow<'static, str>>, context: impl Serialize) -> Template {
        Template {
            name: name.into(),
            context: tera::Context::from_serialize(context),
        }
    }
}

impl<'r> Responder<'r, 'static> for Template {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        let Some(Templates(tera)) = request.rocket().state::<Templates>() else {
            log::error!("templates are not loaded");
            return Err(Status::InternalServerError);
        };
        let html = self
            .context
            .and_then(|context| tera.render(&self.name, &context))
            .map_err(|error| {
                log::error!("template {} failed: {}", self.name, error_chain(&error));
                Status::InternalServerError
            })?;
        (ContentType::HTML, html).respond_to(request)
    }
}

/// Loads the templates when Rocket ignites, with the `t` (translation) function and the
/// `local` (Brussels time) filter; ignition fails if a template does not parse.
pub fn fairing() -> impl Fairing {
    AdHoc::try_on_ignite("Templates", |rocket| async move {
        let dir = rocket
            .figment()
            .extract_inner::<PathBuf>("template_dir")
            .unwrap_or_else(|_| PathBuf::from(DEFAULT_DIR));
        match load(&dir) {
            Ok(tera) => Ok(rocket.manage(Templates(tera))),
            Err(error) => {
                log::error!("templates in {}: {}", dir.display(), error_chain(&error));
                Err(rocket)
            }
        }
    })
}

fn load(dir: &Path) -> tera::Result<Tera> {
    let mut files = Vec::new();
    collect(dir, dir, &mut files).map_err(|e| tera::Error::msg(e.to_string()))?;
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html.tera"]);
    tera.register_function("t", super::i18n::tera_function());
    tera.register_filter("local", super::page::local_time_filter);
    // All at once: a template may extend or import one that comes later.
    tera.add_template_files(files)?;
    Ok(tera)
}

/// Every `*.tera` file under `dir`, with its name: the path from `root` without extensions.
fn collect(
    root: &Path,
    dir: &Path,
    files: &mut Vec<(PathBuf, Option<String>)>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(root, &path, files)?;
        } else if let Some(relative) = path.to_str().and_then(|p| p.strip_suffix(".tera")) {
            let relative = Path::new(relative)
                .strip_prefix(root)
                .unwrap_or(Path::new(relative));
            let name = relative
                .with_extension("")
                .to_string_lossy()
                .replace('\\', "/");
            files.push((path.clone(), Some(name)));
        }
    }
    Ok(())
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
