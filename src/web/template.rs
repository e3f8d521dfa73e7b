//! HTML pages: Tera templates from `templates/`, embedded in the binary (so the release binary
//! runs from any folder) and named by their path without extensions (`sessions/index.html.tera`
//! is `sessions/index`). Debug builds read them from disk instead and reload them when one
//! changes, so a template edit shows without a restart.
//!
//! A handler's context is turned into Tera's context once, when the handler returns it.
//! (`rocket_dyn_templates` converted every context twice, through figment values and then
//! JSON: 13 % of the session list's CPU under load.)

use std::borrow::Cow;
use std::sync::RwLock;

use rocket::fairing::{AdHoc, Fairing};
use rocket::http::{ContentType, Status};
use rocket::request::Request;
use rocket::response::{self, Responder};
use serde::Serialize;
use tera::Tera;

/// The page templates (rust-embed reads them from the source tree in debug builds). The
/// e-mail templates are compiled into `domain::notifications`.
#[derive(rust_embed::RustEmbed)]
#[folder = "templates/"]
#[include = "*.html.tera"]
struct TemplateFiles;

/// The loaded templates, in Rocket's managed state, with the stamp of the files they came
/// from (debug builds reload them when it changes).
pub struct Templates(RwLock<(Tera, Option<u64>)>);

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
        let Some(templates) = request.rocket().state::<Templates>() else {
            log::error!("templates are not loaded");
            return Err(Status::InternalServerError);
        };
        #[cfg(debug_assertions)]
        templates.reload_if_changed();
        let loaded = templates
            .0
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let html = self
            .context
            .and_then(|context| loaded.0.render(&self.name, &context))
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
        match load() {
            Ok(tera) => Ok(rocket.manage(Templates(RwLock::new((tera, stamp()))))),
            Err(error) => {
                log::error!("templates: {}", error_chain(&error));
                Err(rocket)
            }
        }
    })
}

fn load() -> tera::Result<Tera> {
    let mut files = Vec::new();
    for path in TemplateFiles::iter() {
        let Some(name) = path.strip_suffix(".tera") else {
            continue;
        };
        let name = std::path::Path::new(name).with_extension("");
        let file = TemplateFiles::get(&path)
            .ok_or_else(|| tera::Error::msg(format!("template {path} vanished")))?;
        let text = String::from_utf8(file.data.into_owned())
            .map_err(|e| tera::Error::msg(format!("template {path}: {e}")))?;
        files.push((name.to_string_lossy().replace('\\', "/"), text));
    }
    let mut tera = Tera::default();
    // Every page is HTML: escape them all (Tera decides by a suffix of the name, and these
    // names have none).
    tera.autoescape_on(vec![""]);
    tera.register_function("t", super::i18n::tera_function());
    tera.register_filter("local", super::page::local_time_filter);
    // All at once: a template may extend or import one that comes later.
    tera.add_raw_templates(files)?;
    Ok(tera)
}

/// A fingerprint of the template files on disk (their times to the nanosecond and sizes), in
/// debug builds, where they are read from disk; `None` in release builds, whose templates
/// never change.
fn stamp() -> Option<u64> {
    if !cfg!(debug_assertions) {
        return None;
    }
    use std::hash::{Hash, Hasher};
    fn walk(dir: &std::path::Path, hasher: &mut impl Hasher) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let Ok(metadata) = entry.metadata() else {
                continue;
            };
            if metadata.is_dir() {
                walk(&entry.path(), hasher);
            } else {
                entry.path().hash(hasher);
                metadata.len().hash(hasher);
                metadata.modified().ok().hash(hasher);
            }
        }
    }
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    walk(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/templates")),
        &mut hasher,
    );
    Some(hasher.finish())
}

#[cfg(debug_assertions)]
impl Templates {
    /// Reloads the templates when a file changed since they were loaded; a template that no
    /// longer parses is logged and the previous ones stay.
    fn reload_if_changed(&self) {
        let now = stamp();
        let current = self.0.read().map(|loaded| loaded.1).unwrap_or(now);
        if now == current {
            return;
        }
        match load() {
            Ok(tera) => {
                if let Ok(mut loaded) = self.0.write() {
                    *loaded = (tera, now);
                }
            }
            Err(error) => log::error!("templates: {}", error_chain(&error)),
        }
    }
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
