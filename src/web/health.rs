//! `GET /health`: 200 with the backend's name when the database answers, 503 otherwise.

use diesel::connection::SimpleConnection;
use rocket::http::Status;
use rocket::serde::json::{json, Json, Value};
use rocket::{get, routes, Route, State};

use crate::db::Database;

#[get("/health")]
async fn health(database: &State<Database>) -> (Status, Json<Value>) {
    let backend = database.backend().name();
    let answer = database
        .run(|conn| conn.batch_execute("SELECT 1").map_err(Into::into))
        .await;
    match answer {
        Ok(()) => (
            Status::Ok,
            Json(json!({ "status": "ok", "database": backend })),
        ),
        Err(_) => (
            Status::ServiceUnavailable,
            Json(json!({ "status": "unavailable", "database": backend })),
        ),
    }
}

pub fn routes() -> Vec<Route> {
    routes![health]
}
