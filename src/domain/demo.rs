//! The demonstration data set (`serve --demo`, `seed --demo`).

use crate::db::DbConn;
use crate::domain::accounts::Role;
use crate::error::AppError;

pub const DEMO_PASSWORD: &str = "formation-demo";

pub struct SignIn {
    pub role: Role,
    pub email: &'static str,
    pub description: &'static str,
}

pub const SIGN_INS: &[SignIn] = &[];

#[derive(Debug, Default)]
pub struct DemoSummary {
    pub loaded: bool,
}

pub fn load(_conn: &mut DbConn) -> Result<DemoSummary, AppError> {
    Ok(DemoSummary::default())
}
