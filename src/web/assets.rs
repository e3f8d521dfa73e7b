//! The stylesheet and scripts under `/static`, embedded in the binary like the templates (read
//! from `static/` on disk in debug builds), so the release binary runs from any folder.

use std::borrow::Cow;
use std::path::PathBuf;

use rocket::http::ContentType;
use rocket::{get, routes, Route};

#[derive(rust_embed::RustEmbed)]
#[folder = "static/"]
struct Assets;

/// `GET /static/<path>`: 404 for anything not shipped. Rocket's `PathBuf` refuses `..`.
#[get("/static/<path..>")]
fn asset(path: PathBuf) -> Option<(ContentType, Cow<'static, [u8]>)> {
    let name = path.to_str()?.replace('\\', "/");
    let file = Assets::get(&name)?;
    let kind = path
        .extension()
        .and_then(|e| e.to_str())
        .and_then(ContentType::from_extension)
        .unwrap_or(ContentType::Binary);
    Some((kind, file.data))
}

pub fn routes() -> Vec<Route> {
    routes![asset]
}
